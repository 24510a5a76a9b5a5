//! The rewards catalog with what the member may redeem (with their household's points, when
//! they belong to one), redeeming (confirm first), and the member's coupons: each code as text
//! and as a QR code drawn on the server.

use super::codes::qr_svg;
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::coupon_words::{coupon_standing, redemption_group, redemption_standing};
use crate::i18n::Locale;
use crate::page::render;
use crate::program_words::reward_name;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use laurel_core::Money;
use laurel_core::rewards::CouponStanding;
use laurel_engine::{
    CouponView, EngineError, ErrorCode, RedeemRewardRequest, RedemptionView, RewardView,
};
use serde::Deserialize;

/// Redemptions the coupons page lists.
const REDEMPTIONS_SHOWN: u32 = 50;

/// One reward as the catalog shows it.
struct RewardCard {
    id: String,
    name: String,
    description: String,
    cost: String,
    stock_left: Option<String>,
    /// Why the member may not redeem it now, in words; none when they may.
    refusal: Option<String>,
}

fn refusal_words(l: Locale, code: ErrorCode) -> String {
    let key = format!("refusal.{code}");
    let t = l.strings();
    match t.get(&key) {
        found if found == key => t.get("refusal.other").to_owned(),
        found => found.to_owned(),
    }
}

/// A reward as the catalog shows it; a member short of points whose household would lend the
/// rest (`with_household`: the most they may spend with its help) may redeem it.
fn card(l: Locale, view: RewardView, with_household: Option<i64>) -> RewardCard {
    let covered = with_household.is_some_and(|n| n >= view.reward.cost.get());
    RewardCard {
        refusal: view
            .refusal
            .filter(|code| !(covered && *code == ErrorCode::InsufficientPoints))
            .map(|code| refusal_words(l, code)),
        stock_left: view
            .stock_left
            .map(|n| l.integer(i64::try_from(n).unwrap_or(i64::MAX))),
        cost: l.integer(view.reward.cost.get()),
        description: view
            .reward
            .description
            .map(|d| l.text(&d).to_owned())
            .unwrap_or_default(),
        name: l.text(&view.reward.name).to_owned(),
        id: view.reward.id,
    }
}

#[derive(Template)]
#[template(path = "portal/rewards.html")]
struct CatalogPage {
    chrome: Chrome,
    available: String,
    /// What the member may spend with their household's help, when it is more than their own.
    household: Option<String>,
    rewards: Vec<RewardCard>,
}

pub(crate) async fn catalog(
    State(console): State<Console>,
    member: Member,
) -> Result<Response, PortalError> {
    let (l, fail) = (member.locale, member.fail());
    let views = console
        .engine
        .catalog(Some(member.id()))
        .await
        .map_err(&fail)?;
    let balance = console.engine.balance(member.id()).await.map_err(&fail)?;
    let with_household = super::household::spendable_with_household(&console, &member).await?;
    let page = CatalogPage {
        chrome: Chrome::signed_in(&member, "rewards", "/portal/rewards".into()),
        available: l.integer(balance.available.get()),
        household: with_household
            .filter(|n| *n > balance.available.get())
            .map(|n| {
                l.strings()
                    .with("households.you_may_spend", "points", &l.integer(n))
            }),
        rewards: views
            .into_iter()
            .map(|v| card(l, v, with_household))
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "portal/reward.html")]
struct ConfirmPage {
    chrome: Chrome,
    reward: RewardCard,
    available: String,
    after: String,
    /// How much of the cost the member's household lends, in a sentence.
    from_household: Option<String>,
    error: Option<String>,
    /// A fresh idempotency key: confirming twice redeems once.
    form_key: String,
}

async fn confirm_page(
    console: &Console,
    member: &Member,
    reward_id: &str,
    error: Option<String>,
) -> Result<ConfirmPage, PortalError> {
    let (l, fail) = (member.locale, member.fail());
    let view = console
        .engine
        .catalog(Some(member.id()))
        .await
        .map_err(&fail)?
        .into_iter()
        .find(|v| v.reward.id == reward_id)
        .ok_or_else(|| fail(EngineError::UnknownReward(reward_id.to_owned())))?;
    let available = console
        .engine
        .balance(member.id())
        .await
        .map_err(&fail)?
        .available
        .get();
    let cost = view.reward.cost.get();
    let with_household = super::household::spendable_with_household(console, member).await?;
    // What the household lends when the member's own points fall short and it can.
    let lent =
        (cost > available && with_household.is_some_and(|n| n >= cost)).then_some(cost - available);
    Ok(ConfirmPage {
        chrome: Chrome::signed_in(member, "rewards", format!("/portal/rewards/{reward_id}")),
        available: l.integer(available),
        after: l.integer(available - cost + lent.unwrap_or(0)),
        from_household: lent.map(|n| {
            l.strings()
                .with("households.from_household", "points", &l.integer(n))
        }),
        reward: card(l, view, with_household),
        error,
        form_key: laurel_engine::random_token(),
    })
}

pub(crate) async fn confirm(
    State(console): State<Console>,
    member: Member,
    Path(reward_id): Path<String>,
) -> Result<Response, PortalError> {
    let page = confirm_page(&console, &member, &reward_id, None).await?;
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct RedeemForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

pub(crate) async fn redeem(
    State(console): State<Console>,
    member: Member,
    Path(reward_id): Path<String>,
    Form(form): Form<RedeemForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    let request = RedeemRewardRequest {
        partner: None,
        member_id: member.id(),
        reward_id: reward_id.clone(),
        quantity: 1,
        idempotency_key: format!("portal:{}", form.key),
    };
    let error = match console.engine.redeem_reward(request).await {
        Ok(done) => {
            let id = done.redemption.redemption_id;
            return Ok(Redirect::to(&format!("/portal/coupons/{id}?new=1")).into_response());
        }
        Err(refused)
            if refused.is_refusal() && !matches!(refused, EngineError::UnknownReward(_)) =>
        {
            crate::messages::refusal(member.locale, &refused)
        }
        Err(e) => return Err(member.fail()(e)),
    };
    let page = confirm_page(&console, &member, &reward_id, Some(error)).await?;
    Ok(render(StatusCode::CONFLICT, &page))
}

/// A redemption as the member's coupons page shows it.
struct RedemptionLine {
    id: i64,
    reward: String,
    when: String,
    points: String,
    status: String,
    coupons: Vec<CouponLine>,
}

/// The redemptions that stand alike, under their heading.
struct Group {
    /// `ready`, `used`, `expired` or `cancelled`.
    standing: CouponStanding,
    redemptions: Vec<RedemptionLine>,
}

impl Group {
    /// Nothing in it can be used any more: shown quieter.
    fn done(&self) -> bool {
        self.standing != CouponStanding::Ready
    }
}

/// The groups the coupons page shows, in this order (what can still be used first).
const GROUPS: [CouponStanding; 4] = [
    CouponStanding::Ready,
    CouponStanding::Used,
    CouponStanding::Expired,
    CouponStanding::Cancelled,
];

/// A coupon in the list: its code only while it can be used, and when it expires.
struct CouponLine {
    code: String,
    ready: bool,
    standing: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "portal/coupons.html")]
struct CouponsPage {
    chrome: Chrome,
    /// Only the groups with a redemption in them.
    groups: Vec<Group>,
}

pub(crate) async fn coupons(
    State(console): State<Console>,
    member: Member,
) -> Result<Response, PortalError> {
    let l = member.locale;
    let found = console
        .engine
        .member_redemptions(member.id(), REDEMPTIONS_SHOWN)
        .await
        .map_err(member.fail())?;
    let definition = console.engine.definition();
    let tz = definition.program.time_zone.clone();
    let t = l.strings();
    let now = Timestamp::now();
    let mut groups: Vec<Group> = GROUPS
        .iter()
        .map(|&standing| Group {
            standing,
            redemptions: Vec::new(),
        })
        .collect();
    for r in found {
        let line = RedemptionLine {
            id: r.redemption_id,
            when: l.date_time(r.redeemed_at, &tz),
            points: l.integer(r.points),
            status: redemption_standing(t, &r, now),
            coupons: r
                .coupons
                .iter()
                .map(|c| {
                    let standing = c.standing(now);
                    CouponLine {
                        ready: standing == Some(CouponStanding::Ready),
                        standing: coupon_standing(t, c, standing),
                        expires: l.date_time(c.expires_at, &tz),
                        code: c.code.clone(),
                    }
                })
                .collect(),
            reward: reward_name(l, &definition, &r.reward_id, &r.reward_name),
        };
        let standing = redemption_group(&r, now);
        if let Some(group) = groups.iter_mut().find(|g| g.standing == standing) {
            // Newest first within a group, as the engine lists them.
            group.redemptions.push(line);
        }
    }
    groups.retain(|g| !g.redemptions.is_empty());
    let page = CouponsPage {
        chrome: Chrome::signed_in(&member, "coupons", "/portal/coupons".into()),
        groups,
    };
    Ok(render(StatusCode::OK, &page))
}

/// One coupon with its QR code.
struct CouponCard {
    code: String,
    /// The QR code, an SVG element drawn from the code alone.
    qr: String,
    terms: String,
    expires: String,
    status: String,
    /// Usable now: only then the QR code and the till hint show.
    ready: bool,
}

#[derive(Template)]
#[template(path = "portal/coupon.html")]
struct CouponPage {
    chrome: Chrome,
    reward: String,
    status: String,
    when: String,
    points: String,
    coupons: Vec<CouponCard>,
    /// Just redeemed: say so.
    new: bool,
}

#[derive(Deserialize)]
pub(crate) struct CouponQuery {
    new: Option<String>,
}

pub(crate) async fn coupon(
    State(console): State<Console>,
    member: Member,
    Path(id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<CouponQuery>,
) -> Result<Response, PortalError> {
    let (l, fail) = (member.locale, member.fail());
    let redemption: RedemptionView = console.engine.redemption(id).await.map_err(&fail)?;
    if redemption.member_id != member.id() {
        // Another member's redemption does not exist, as far as this member can tell.
        return Err(fail(EngineError::UnknownRedemption(id)));
    }
    let definition = console.engine.definition();
    let tz = definition.program.time_zone.clone();
    let t = l.strings();
    let now = Timestamp::now();
    let coupons = redemption
        .coupons
        .iter()
        .map(|c| {
            let standing = c.standing(now);
            let ready = standing == Some(CouponStanding::Ready);
            CouponCard {
                qr: if ready {
                    qr_svg(&c.code)
                } else {
                    String::new()
                },
                terms: coupon_terms(l, c),
                expires: l.date_time(c.expires_at, &tz),
                status: coupon_standing(t, c, standing),
                code: c.code.clone(),
                ready,
            }
        })
        .collect();
    let page = CouponPage {
        chrome: Chrome::signed_in(&member, "coupons", format!("/portal/coupons/{id}")),
        status: redemption_standing(t, &redemption, now),
        when: l.date_time(redemption.redeemed_at, &tz),
        points: l.integer(redemption.points),
        reward: reward_name(
            l,
            &definition,
            &redemption.reward_id,
            &redemption.reward_name,
        ),
        coupons,
        new: query.new.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// What a coupon takes off, in words.
fn coupon_terms(l: Locale, c: &CouponView) -> String {
    let t = l.strings();
    let money = |amount: rust_decimal::Decimal| {
        c.currency
            .parse()
            .ok()
            .and_then(|currency| Money::new(amount, currency).ok())
            .map_or_else(|| format!("{} {amount}", c.currency), |m| l.money(m))
    };
    let mut terms = match (c.amount, c.percent, &c.sku) {
        (Some(amount), _, _) => t.with("coupon.amount_off", "amount", &money(amount)),
        (_, Some(percent), _) => t.with(
            "coupon.percent_off",
            "percent",
            &percent.normalize().to_string(),
        ),
        (_, _, Some(sku)) => t.with("coupon.free_product", "sku", sku),
        _ => String::new(),
    };
    if let Some(min) = c.min_spend {
        terms.push_str(&t.with("coupon.min_spend", "amount", &money(min)));
    }
    terms
}
