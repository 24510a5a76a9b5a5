//! `laurel demo`: a fresh coffee-chain program with members and history, served at once.

use anyhow::{Context, Result};
use jiff::{Timestamp, ToSpan};
use laurel_core::Channel;
use laurel_engine::{
    AdjustRequest, AssignTierRequest, Backdating, CheckoutRequest, ConsumeCouponRequest, Engine,
    EngineConfig, EnrollRequest, JobKind, LineRequest, MemberRef, PurchaseRequest, RedeemRequest,
    RedeemRewardRequest, RefundRequest, RefundScope, Role, Scope,
};
use rust_decimal::Decimal;
use std::net::SocketAddr;
use std::path::Path;

/// The demo program, also a template for real ones.
const PROGRAM: &str = include_str!("../demo/program.toml");

const NAMES: &[&str] = &[
    "王芳",
    "李娜",
    "张伟",
    "刘洋",
    "陈静",
    "Emma Chen",
    "Liam Wong",
    "Olivia Zhang",
    "Noah Li",
    "Ava Liu",
    "杨磊",
    "赵敏",
    "黄丽",
    "周杰",
    "吴婷",
    "Mia Huang",
    "Lucas Zhou",
    "Sophia Wu",
    "Ethan Xu",
    "Isabella Sun",
];
const MENU: &[(&str, &str, &str)] = &[
    ("LATTE-L", "coffee", "32.00"),
    ("AMERICANO-M", "coffee", "24.00"),
    ("FLATWHITE-M", "coffee", "30.00"),
    ("CROISSANT", "bakery", "18.50"),
    ("BEANS-250G", "retail", "88.00"),
    ("MUG-CERAMIC", "merch", "68.00"),
];
const DAYS_OF_HISTORY: i64 = 120;

/// How many days ago member `i` (of [`NAMES`]) joined: spread evenly over the history, the
/// first on its first day, so the dashboard shows members joining over time.
fn joined_days_ago(i: usize) -> i64 {
    let members = NAMES.len() as i64;
    DAYS_OF_HISTORY - i as i64 * DAYS_OF_HISTORY / members
}

/// How many days ago member `i` first came back after joining (a purchase that day is dated
/// up to nine hours earlier, still later than the day they joined).
fn first_visit_days_ago(i: usize) -> i64 {
    joined_days_ago(i) - 1 - (i as i64 % 5)
}

/// Builds the demo in `dir` and serves it.
pub async fn run(listen: SocketAddr, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let db = dir.join("laurel.db");
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.join(format!("laurel.db{suffix}"));
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("removing the previous demo's {}", file.display()))?;
        }
    }
    let program_path = dir.join("program.toml");
    std::fs::write(&program_path, PROGRAM)?;
    laurel_engine::program_file::parse_program(PROGRAM, &program_path)?;
    let store = crate::open(&format!("sqlite://{}?mode=rwc", db.display())).await?;
    // The demo's history is written as it happened, months back: past any live backdating
    // window, as an import would be.
    let history = EngineConfig {
        backdating: Backdating::Any,
        ..EngineConfig::for_backend(store.backend())
    };
    let engine = Engine::open(store.clone(), Some(PROGRAM), history).await?;
    let started = std::time::Instant::now();
    let members = populate(&engine).await?;
    engine.run_job(JobKind::Release, Timestamp::now()).await?;
    let bakery = engine
        .create_partner_key("Yunnan Bakery till", "bakery", None, &demo_actor())
        .await?;
    engine.shutdown().await;
    let admin = laurel_engine::create_key(&store, "demo admin", Scope::Admin).await?;
    let pos = laurel_engine::create_key(&store, "demo till", Scope::Pos).await?;
    for (role, name) in [
        (Role::Admin, "Demo Admin"),
        (Role::Manager, "Demo Manager"),
        (Role::Support, "Demo Support"),
        (Role::Finance, "Demo Finance"),
    ] {
        let email = format!("{role}@demo.laurel");
        laurel_engine::create_staff_user(&store, &email, name, role, &demo_password(role)).await?;
    }
    let banner = format!(
        "Demo: {members} members with {DAYS_OF_HISTORY} days of history, built in {:.1}s in {}\n\
         Admin API key: {admin}\nPOS API key:   {pos}\nPartner key (Yunnan Bakery): {bakery_key}\n\
         Console: http://{listen}/admin  (sign in as admin@demo.laurel / {console_password}; also manager@, support@, finance@ with their role in the password)\n\
         Portal:  http://{listen}/portal  (sign in as member1001@example.com; the one-time code is written to this log)\n\
         Try:  curl -H 'Authorization: Bearer {admin}' http://{listen}/api/v1/members/1/balance\n\
         API:  http://{listen}/api/v1/openapi.json",
        started.elapsed().as_secs_f64(),
        db.display(),
        console_password = demo_password(Role::Admin),
        bakery_key = bakery.key,
    );
    let served = crate::serve::Served {
        program: Some(PROGRAM),
        at: crate::serve::Addresses {
            listen,
            public_url: None,
        },
        job_interval_secs: 60,
        delivery: laurel_notify::Delivery::Log(laurel_engine::LogMailer),
        banner: Some(banner),
        // The demo's admin signs in with the password it prints.
        admin_two_factor: laurel_engine::AdminTwoFactor::Optional,
        limits: laurel_web::limits::RateLimits {
            api_per_key: None,
            sign_in_per_address: Some(laurel_web::limits::Rate::per_minute(20)),
            clients: laurel_web::limits::ClientAddress::default(),
        },
    };
    crate::serve::run(store, served).await
}

/// Members redeem from the catalog: coupons (some already used at a till), free lattes,
/// donations.
async fn rewards(engine: &Engine, ids: &[i64]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        let reward = match i % 4 {
            0 => "ten_off",
            1 => "plant_trees",
            2 => "free_latte",
            _ => continue,
        };
        let request = RedeemRewardRequest {
            partner: None,
            member_id: *id,
            reward_id: reward.into(),
            quantity: 1,
            idempotency_key: format!("demo-reward-{id}"),
        };
        // A member who has too few points simply does not redeem in the demo.
        let Ok(redeemed) = engine.redeem_reward(request).await else {
            continue;
        };
        let Some(coupon) = redeemed.redemption.coupons.first() else {
            continue;
        };
        if i % 8 == 0 {
            let checkout = CheckoutRequest {
                channel: Channel::Pos,
                store: Some("SH-001".into()),
                currency: "CNY".into(),
                total: Decimal::from(58),
                lines: Vec::new(),
            };
            engine
                .consume_coupon(ConsumeCouponRequest {
                    code: coupon.code.clone(),
                    order_id: format!("ORD-C{id}"),
                    checkout,
                })
                .await?;
        }
    }
    Ok(())
}

/// The coalition's bakery: every third member buys there now and then over the last weeks,
/// and some spend points on its croissant, so its statement has both sides.
async fn bakery(engine: &Engine, ids: &[i64]) -> Result<()> {
    let now = Timestamp::now();
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == 1) {
        for visit in 0..3_i64 {
            engine
                .purchase(PurchaseRequest {
                    partner: Some("bakery".into()),
                    member: MemberRef::Id(*id),
                    order_id: format!("BAKERY-{id}-{visit}"),
                    channel: Channel::Partner,
                    store: Some("YB-01".into()),
                    currency: "CNY".into(),
                    total: Decimal::from(18 + 7 * ((i as i64 + visit) % 5)),
                    lines: Vec::new(),
                    occurred_at: now - ((3 + visit * 9 + i as i64 % 5) * 24).hours(),
                })
                .await?;
        }
        if i % 2 == 0 {
            let request = RedeemRewardRequest {
                partner: Some("bakery".into()),
                member_id: *id,
                reward_id: "bakery_croissant".into(),
                quantity: 1,
                idempotency_key: format!("demo-croissant-{id}"),
            };
            // A member who has too few points simply does not redeem in the demo.
            let _ = engine.redeem_reward(request).await;
        }
    }
    Ok(())
}

/// Enrolls members and gives them purchases, a refund, redemptions and an adjustment.
/// Deterministic: the same demo every time.
async fn populate(engine: &Engine) -> Result<usize> {
    let now = Timestamp::now();
    let mut ids: Vec<i64> = Vec::new();
    let mut codes: Vec<Option<String>> = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let member = engine
            .enroll(EnrollRequest {
                external_id: format!("CUST-{:04}", 1001 + i),
                email: Some(format!("member{}@example.com", 1001 + i)),
                phone: Some(format!("+86 138 0000 {:04}", 1001 + i)),
                name: Some((*name).to_owned()),
                birthday: jiff::civil::Date::new(
                    1980 + (i as i16 % 25),
                    1 + (i as i8 % 12),
                    1 + (i as i8 * 3 % 28),
                )
                .ok(),
                channel: Channel::ALL[i % Channel::ALL.len()],
                // Every fourth member enrolled with a student card.
                attributes: if i % 4 == 0 {
                    [("segment".to_owned(), "student".to_owned())].into()
                } else {
                    Default::default()
                },
                // The second half of the members were referred by a friend from the first,
                // who joined before them.
                referral_code: (i >= NAMES.len() / 2)
                    .then(|| codes[i - NAMES.len() / 2].clone())
                    .flatten(),
                enrolled_at: Some(now - (joined_days_ago(i) * 24).hours()),
                device: None,
            })
            .await?;
        ids.push(member.id.0);
        codes.push(member.profile.referral_code);
    }
    let mut order = 0;
    let mut first_purchase = None;
    for (i, id) in ids.iter().enumerate() {
        let joined = joined_days_ago(i);
        if i >= NAMES.len() / 2 {
            // A referred friend's first visit, an hour after joining: the referral pays both.
            let line = LineRequest {
                sku: "LATTE-L".into(),
                category: Some("coffee".into()),
                quantity: 2,
                unit_price: Decimal::from(32),
            };
            engine
                .purchase(PurchaseRequest {
                    partner: None,
                    member: MemberRef::Id(*id),
                    order_id: format!("ORD-W{id}"),
                    channel: Channel::Pos,
                    store: Some("SH-001".into()),
                    currency: "CNY".into(),
                    total: Decimal::from(64),
                    lines: vec![line],
                    occurred_at: now - (joined * 24 - 1).hours(),
                })
                .await?;
        }
        // Regulars visit every few days; others now and then.
        let every_days = 2 + (i as i64 * 7 % 11);
        let mut day = first_visit_days_ago(i);
        while day > 0 {
            order += 1;
            let lines: Vec<LineRequest> = (0..1 + order % 3)
                .map(|k| {
                    let (sku, category, price) = MENU[(order + k * 2) % MENU.len()];
                    LineRequest {
                        sku: sku.into(),
                        category: Some(category.into()),
                        quantity: 1 + (k as i64 % 2),
                        unit_price: price.parse().unwrap_or_default(),
                    }
                })
                .collect();
            let total: Decimal = lines
                .iter()
                .map(|l| l.unit_price * Decimal::from(l.quantity))
                .sum();
            let outcome = engine
                .purchase(PurchaseRequest {
                    partner: None,
                    member: MemberRef::Id(*id),
                    order_id: format!("ORD-{order:06}"),
                    channel: if order % 4 == 0 {
                        Channel::App
                    } else {
                        Channel::Pos
                    },
                    store: Some(format!("SH-{:03}", 1 + order % 6)),
                    currency: "CNY".into(),
                    total,
                    lines,
                    occurred_at: now - (day * 24).hours() - ((order % 10) as i64).hours(),
                })
                .await?;
            first_purchase.get_or_insert(outcome.purchase_id);
            day -= every_days;
        }
    }
    if let Some(purchase_id) = first_purchase {
        let scope = RefundScope::Lines(vec![(0, 1)]);
        engine
            .refund(RefundRequest {
                partner: None,
                purchase_id,
                refund_id: "RET-0001".into(),
                scope,
            })
            .await?;
    }
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let points = 100 + (i as i64 * 10);
        let request = RedeemRequest {
            partner: None,
            member_id: *id,
            points,
            idempotency_key: format!("demo-redeem-{id}"),
            reference: "free drink".into(),
            reason: Some("reward: free drink".into()),
        };
        // A member who has too few points simply does not redeem in the demo.
        let _ = engine.redeem(request).await;
    }
    rewards(engine, &ids).await?;
    bakery(engine, &ids).await?;
    if let Some(id) = ids.first() {
        let request = AdjustRequest {
            member_id: *id,
            points: 50,
            reason: "Sorry your order was late".into(),
            note: Some("Order arrived 40 minutes late; the customer called the shop.".into()),
            idempotency_key: "demo-goodwill".into(),
        };
        engine.adjust(request, "demo").await?;
    }
    if let Some(id) = ids.last() {
        // A guest of the Reserve launch, in the top tier for a quarter whatever they spend.
        let request = AssignTierRequest {
            member_id: *id,
            tier: "reserve".into(),
            reason: "Reserve launch guest".into(),
            until: Some(now + (90 * 24).hours()),
        };
        engine.assign_tier(request, "demo").await?;
    }
    portal(engine, &ids).await?;
    Ok(ids.len())
}

/// What members did in the portal: consent given, and two reports waiting in the staff queue.
async fn portal(engine: &Engine, ids: &[i64]) -> Result<()> {
    for (n, id) in ids.iter().enumerate().take(6) {
        let channels: &[&str] = if n % 2 == 0 {
            &["email", "push"]
        } else {
            &["email"]
        };
        let member = engine.member(&MemberRef::Id(*id)).await?;
        let update = laurel_engine::ProfileUpdate {
            name: member.profile.name.unwrap_or_default(),
            birthday: None,
            consents: laurel_engine::Consents::given(channels),
        };
        engine.update_profile(*id, update).await?;
    }
    if let [first, second, ..] = ids {
        engine
            .report_problem(
                *first,
                "problem",
                "My points from Saturday's order are missing.",
            )
            .await?;
        engine
            .report_problem(
                *second,
                "abuse",
                "Someone used my coupon code before I could.",
            )
            .await?;
    }
    Ok(())
}

/// The demo's staff passwords: public by design (the demo is for looking around, on loopback).
fn demo_password(role: Role) -> String {
    format!("laurel-demo-{role}")
}

/// Who makes the demo's keys, as its audit log says.
fn demo_actor() -> laurel_engine::Actor {
    laurel_engine::Actor {
        staff_user_id: None,
        name: "demo".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_join_one_after_another_over_the_history_each_before_their_first_visit() {
        let joined: Vec<i64> = (0..NAMES.len()).map(joined_days_ago).collect();
        assert_eq!(
            joined[0], DAYS_OF_HISTORY,
            "the first on the history's first day"
        );
        // One after another: so a referrer (of the first half) joined before their friend.
        assert!(joined.windows(2).all(|w| w[0] > w[1]), "{joined:?}");
        for (i, joined) in joined.into_iter().enumerate() {
            let first = first_visit_days_ago(i);
            assert!(
                0 < first && first < joined,
                "member {i}: {first} vs {joined}"
            );
        }
    }
}
