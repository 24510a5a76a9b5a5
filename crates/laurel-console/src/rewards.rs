//! Rewards and coupons for staff: the catalog with its stock and how many were redeemed, and
//! a coupon found by its code (however it was typed) with its holder and state.

use crate::Console;
use crate::coupon_words::coupon_standing;
use crate::page::{encode, render};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use laurel_engine::{EngineError, Permission};
use serde::Deserialize;

struct RewardRow {
    id: String,
    name: String,
    cost: String,
    redeemed: String,
    stock: String,
    tiers: String,
}

struct CouponFound {
    code: String,
    reward: String,
    status: String,
    issued: String,
    expires: String,
    used: String,
    member: i64,
}

#[derive(Template)]
#[template(path = "rewards.html")]
struct RewardsPage {
    chrome: Chrome,
    rewards: Vec<RewardRow>,
    code: String,
    found: Option<CouponFound>,
    not_found: bool,
}

#[derive(Deserialize)]
pub(crate) struct LookupQuery {
    #[serde(default)]
    code: String,
}

pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<LookupQuery>,
) -> Result<Response, PageError> {
    staff.require(Permission::ViewRewards)?;
    let l = staff.locale;
    let t = l.strings();
    let fail = |e| PageError::from_engine(e, l);
    let definition = console.engine.definition();
    let tz = definition.program.time_zone.clone();
    let rewards = console
        .engine
        .catalog(None)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|v| RewardRow {
            cost: l.integer(v.reward.cost.get()),
            redeemed: l.integer(i64::try_from(v.redeemed).unwrap_or(i64::MAX)),
            stock: match (v.reward.stock, v.stock_left) {
                (Some(all), Some(left)) => format!(
                    "{} / {}",
                    l.integer(i64::try_from(left).unwrap_or(i64::MAX)),
                    l.integer(i64::try_from(all).unwrap_or(i64::MAX))
                ),
                _ => t.get("rewards.unlimited").to_owned(),
            },
            tiers: v.reward.tiers.join(", "),
            id: v.reward.id,
            name: l.text(&v.reward.name).to_owned(),
        })
        .collect();
    let code = query.code.trim().to_owned();
    let (found, not_found) = if code.is_empty() {
        (None, false)
    } else {
        match console.engine.coupon_lookup(&code).await {
            Ok(hit) => {
                let c = hit.coupon;
                let used = match (&c.order, c.consumed_at) {
                    (Some(order), Some(at)) => format!("{order} · {}", l.date_time(at, &tz)),
                    _ => String::new(),
                };
                let reward =
                    crate::program_words::reward_name(l, &definition, &c.reward_id, &c.reward_id);
                let found = CouponFound {
                    status: coupon_standing(t, &c, c.standing(Timestamp::now())),
                    issued: l.date_time(c.issued_at, &tz),
                    expires: l.date_time(c.expires_at, &tz),
                    used,
                    member: hit.member_id,
                    reward,
                    code: c.code,
                };
                (Some(found), false)
            }
            Err(EngineError::UnknownCoupon | EngineError::InvalidField { .. }) => (None, true),
            Err(e) => return Err(fail(e)),
        }
    };
    let page = RewardsPage {
        chrome: Chrome::signed_in(
            &staff,
            "rewards",
            format!("/admin/rewards?code={}", encode(&code)),
        ),
        rewards,
        code,
        found,
        not_found,
    };
    Ok(render(StatusCode::OK, &page))
}
