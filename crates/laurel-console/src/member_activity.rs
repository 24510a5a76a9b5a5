//! What the member page shows beyond profile and ledger, each kept short however long the
//! history: open points by the month they expire, the latest purchases and refunds (all of
//! them a page at a time on their own page, as are the open lots), rewards and coupons.

use crate::coupon_words::{coupon_standing, redemption_standing};
use crate::i18n::Locale;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Money;
use laurel_core::ledger::{Lot, LotState};
use laurel_engine::{Engine, EngineError, Purchase};

/// Purchases the member page lists before linking to them all.
const PURCHASES_SHOWN: u32 = 10;
/// Redemptions the page lists.
const REDEMPTIONS_SHOWN: u32 = 20;

/// An open lot.
pub(crate) struct LotRow {
    pub earned: String,
    pub expires: String,
    pub state: String,
    pub remaining: String,
}

/// A purchase with what was refunded of it.
pub(crate) struct PurchaseRow {
    pub when: String,
    pub order: String,
    pub store: String,
    pub total: String,
    /// What the member's tier took off; empty when nothing.
    pub tier_discount: String,
    pub refunded: String,
    pub points: String,
}

/// A redemption with its coupons.
pub(crate) struct RedemptionRow {
    pub when: String,
    pub reward: String,
    pub points: String,
    pub status: String,
    pub coupons: String,
}

/// Open points expiring within one month.
pub(crate) struct ExpiryRow {
    pub month: String,
    pub points: String,
}

/// The member page's activity sections.
pub(crate) struct Activity {
    pub expiry: Vec<ExpiryRow>,
    pub purchases: Vec<PurchaseRow>,
    /// Whether the member has more purchases than the page lists.
    pub more_purchases: bool,
    pub redemptions: Vec<RedemptionRow>,
}

/// An open lot as a row.
pub(crate) fn lot_row(l: Locale, tz: &TimeZone, lot: &Lot) -> LotRow {
    let t = l.strings();
    LotRow {
        earned: l.date_time(lot.earned_at, tz),
        expires: lot.expires_at.map_or_else(
            || t.get("member.never").to_owned(),
            |at| l.date_time(at, tz),
        ),
        state: match lot.state {
            LotState::Available => t.get("member.lot_available").to_owned(),
            LotState::Pending { until } => {
                t.with("member.lot_pending", "until", &l.date_time(until, tz))
            }
        },
        remaining: l.integer(lot.remaining.get()),
    }
}

/// A purchase as a row.
pub(crate) fn purchase_row(l: Locale, tz: &TimeZone, p: Purchase) -> PurchaseRow {
    PurchaseRow {
        when: l.date_time(p.occurred_at, tz),
        order: p.order_id,
        store: p.store.unwrap_or_default(),
        total: minor(l, p.total_minor, &p.currency),
        tier_discount: if p.tier_discount_minor > 0 {
            minor(l, p.tier_discount_minor, &p.currency)
        } else {
            String::new()
        },
        refunded: if p.refunded_minor > 0 {
            minor(l, p.refunded_minor, &p.currency)
        } else {
            String::new()
        },
        points: if p.points_reversed > 0 {
            format!(
                "{} (−{})",
                l.integer(p.points_earned),
                l.integer(p.points_reversed)
            )
        } else {
            l.integer(p.points_earned)
        },
    }
}

/// An amount stored in minor units of `currency`, in words; as stored, were the code unknown.
fn minor(l: Locale, amount: i64, currency: &str) -> String {
    Money::from_stored(amount, currency)
        .map_or_else(|_| format!("{currency} {amount}"), |m| l.money(m))
}

/// Reads a member's activity as the page shows it.
pub(crate) async fn read(
    engine: &Engine,
    l: Locale,
    tz: &TimeZone,
    id: i64,
) -> Result<Activity, EngineError> {
    let t = l.strings();
    let expiry = engine
        .expiry_by_month(id)
        .await?
        .into_iter()
        .map(|m| ExpiryRow {
            month: m.month.map_or_else(
                || t.get("finding.never_expire").to_owned(),
                |month| l.month(month),
            ),
            points: l.integer(m.points.get()),
        })
        .collect();
    let page = engine.member_purchases(id, None, PURCHASES_SHOWN).await?;
    let more_purchases = page.next.is_some();
    let purchases = page
        .purchases
        .into_iter()
        .map(|p| purchase_row(l, tz, p))
        .collect();
    let now = Timestamp::now();
    let definition = engine.definition();
    let redemptions = engine
        .member_redemptions(id, REDEMPTIONS_SHOWN)
        .await?
        .into_iter()
        .map(|r| RedemptionRow {
            when: l.date_time(r.redeemed_at, tz),
            points: l.integer(r.points),
            status: redemption_standing(t, &r, now),
            coupons: r
                .coupons
                .iter()
                .map(|c| format!("{} ({})", c.code, coupon_standing(t, c, c.standing(now))))
                .collect::<Vec<_>>()
                .join(", "),
            reward: crate::program_words::reward_name(l, &definition, &r.reward_id, &r.reward_name),
        })
        .collect();
    Ok(Activity {
        expiry,
        purchases,
        more_purchases,
        redemptions,
    })
}
