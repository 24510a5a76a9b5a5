//! Points members send each other, in words for the console and the portal alike: the
//! program's terms (the least a transfer moves, the most a day, the wait after joining, the
//! fee), a transfer as one of its two members reads it (sent or received, the other member,
//! the points signed from their side, the fee when they paid it, the message, the date), and
//! a transfer's refusals with their dates in the program's zone.

use crate::i18n::Locale;
use crate::messages::refusal;
use jiff::tz::TimeZone;
use laurel_core::transfers::{TransferPolicy, TransferRefusal};
use laurel_engine::{EngineError, TransferSide, TransferView};

/// Transfers a box or a page shows at once.
pub(crate) const TRANSFERS_SHOWN: u32 = 10;
/// Transfers a whole list shows a page.
pub(crate) const TRANSFER_PAGE: u32 = 25;

/// The program's transfer terms, each a sentence.
pub(crate) struct TermsWords {
    /// The least one transfer moves.
    pub min: String,
    /// The most a member may send in a day, or that there is no most.
    pub daily_max: String,
    /// How long a member waits after joining, when the program asks them to.
    pub wait: Option<String>,
    /// What a transfer costs on top.
    pub fee: String,
}

impl TermsWords {
    /// The terms of `policy` in the page's language.
    pub(crate) fn of(l: Locale, policy: &TransferPolicy) -> TermsWords {
        let t = l.strings();
        let points = |n: laurel_core::Points| l.integer(n.get());
        let fixed = policy.fee.points.get() > 0;
        let percent = !policy.fee.percent.is_zero();
        let share = format!("{}%", policy.fee.percent.normalize());
        let fee = match (fixed, percent) {
            (false, false) => t.get("transfers.terms_fee_none").to_owned(),
            (true, false) => t.with(
                "transfers.terms_fee_points",
                "points",
                &points(policy.fee.points),
            ),
            (false, true) => t.with("transfers.terms_fee_percent", "percent", &share),
            (true, true) => t.fill(
                "transfers.terms_fee_both",
                &[("points", &points(policy.fee.points)), ("percent", &share)],
            ),
        };
        TermsWords {
            min: t.with("transfers.terms_min", "min", &points(policy.min_points)),
            daily_max: match policy.daily_max {
                Some(max) => t.with("transfers.terms_daily_max", "max", &points(max)),
                None => t.get("transfers.terms_no_daily_max").to_owned(),
            },
            wait: (policy.min_member_days > 0).then(|| {
                t.with(
                    "transfers.terms_wait",
                    "days",
                    &l.integer(i64::from(policy.min_member_days)),
                )
            }),
            fee,
        }
    }
}

/// A transfer as one of its members reads it.
pub(crate) struct TransferLine {
    pub id: i64,
    /// `sent` or `received`, from the member's side.
    pub direction: &'static str,
    /// "Sent" or "Received".
    pub direction_words: String,
    /// "Sent to Li Lei" or "Received from Li Lei".
    pub headline: String,
    /// The other member: their id (for staff's link) and what they are called here.
    pub other_id: i64,
    pub other: String,
    /// The points moved, signed from the member's side.
    pub points: String,
    /// `gain` or `loss`, for the colour.
    pub sign: &'static str,
    /// The fee the member paid, when they sent it and there was one.
    pub fee: Option<String>,
    pub message: Option<String>,
    /// The household it was lent within, when it is a household's lend.
    pub household: Option<i64>,
    pub when: String,
}

impl TransferLine {
    /// `transfer` as `member` reads it; `named` says how the other member is called (staff
    /// read their name or external id, members a name or a masked id).
    pub(crate) fn of(
        l: Locale,
        tz: &TimeZone,
        member: i64,
        transfer: &TransferView,
        named: fn(&TransferSide) -> String,
    ) -> TransferLine {
        let t = l.strings();
        let sent = transfer.from.member_id == member;
        let other = if sent { &transfer.to } else { &transfer.from };
        let name = named(other);
        // A household's lend reads as one, not as a member's transfer.
        let lend = transfer.household.is_some();
        let (direction, words, headline, points) = match (sent, lend) {
            (true, false) => (
                "sent",
                "transfers.direction_sent",
                t.with("transfers.sent_to", "name", &name),
                -transfer.points,
            ),
            (true, true) => (
                "sent",
                "transfers.direction_lent",
                t.with("transfers.lent_to", "name", &name),
                -transfer.points,
            ),
            (false, false) => (
                "received",
                "transfers.direction_received",
                t.with("transfers.received_from", "name", &name),
                transfer.points,
            ),
            (false, true) => (
                "received",
                "transfers.direction_borrowed",
                t.with("transfers.lent_by", "name", &name),
                transfer.points,
            ),
        };
        TransferLine {
            id: transfer.id,
            direction,
            direction_words: t.get(words).to_owned(),
            headline,
            other_id: other.member_id,
            other: name,
            points: l.signed(points),
            sign: if sent { "loss" } else { "gain" },
            fee: (sent && transfer.fee > 0).then(|| l.integer(transfer.fee)),
            message: transfer.message.clone(),
            household: transfer.household,
            when: l.date_time(transfer.created_at, tz),
        }
    }
}

/// How staff call a member: their name, else their external id.
pub(crate) fn staff_name(side: &TransferSide) -> String {
    side.name
        .clone()
        .unwrap_or_else(|| side.external_id.clone())
}

/// How a member is called to another member: their name, else their external id with all
/// but its first character and last two hidden (`C•••42`), so it cannot be used at a till.
pub(crate) fn member_name(side: &TransferSide) -> String {
    match &side.name {
        Some(name) => name.clone(),
        None => mask(&side.external_id),
    }
}

/// `id` with all but its first character and last two hidden; short ones keep one.
pub(crate) fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let first: String = chars.iter().take(1).collect();
    let last: String = if chars.len() >= 6 {
        chars[chars.len() - 2..].iter().collect()
    } else {
        String::new()
    };
    format!("{first}•••{last}")
}

/// A transfer refused, in the page's language: the day a new member may first send in the
/// program's zone (the engine names an instant in UTC), the rest as every refusal is worded.
pub(crate) fn transfer_refusal(l: Locale, tz: &TimeZone, error: &EngineError) -> String {
    match error {
        EngineError::Transfer(TransferRefusal::TooSoon { days, from }) => l.strings().fill(
            "code.transfer_too_soon",
            &[
                ("days", &l.integer(i64::from(*days))),
                ("from", &l.date_time(*from, tz)),
            ],
        ),
        other => refusal(l, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laurel_core::Points;
    use laurel_core::transfers::TransferFee;

    fn policy(fee_points: i64, percent: &str, daily_max: Option<i64>, days: u32) -> TransferPolicy {
        TransferPolicy {
            min_points: Points(20),
            daily_max: daily_max.map(Points),
            min_member_days: days,
            fee: TransferFee {
                points: Points(fee_points),
                percent: percent.parse().unwrap_or_default(),
            },
        }
    }

    #[test]
    fn the_terms_say_each_limit_and_the_fee_in_both_languages() {
        let terms = TermsWords::of(Locale::En, &policy(2, "10", Some(1_000), 7));
        assert_eq!(terms.min, "Each transfer moves at least 20 points.");
        assert_eq!(terms.daily_max, "You may send at most 1,000 points a day.");
        assert_eq!(
            terms.wait.as_deref(),
            Some("Members may send points once they have been members for 7 days.")
        );
        assert_eq!(
            terms.fee,
            "Each transfer costs 2 points plus 10% of the points sent, rounded up, on top."
        );
        let free = TermsWords::of(Locale::ZhCn, &policy(0, "0", None, 0));
        assert_eq!(free.fee, "转赠免手续费。");
        assert_eq!(free.daily_max, "每天转赠的积分不设上限。");
        assert!(free.wait.is_none());
        let share = TermsWords::of(Locale::En, &policy(0, "2.50", None, 0));
        assert_eq!(
            share.fee,
            "Each transfer costs 2.5% of the points sent, rounded up, on top."
        );
    }

    #[test]
    fn a_member_without_a_name_is_shown_masked_to_other_members() {
        let side = |name: Option<&str>, id: &str| TransferSide {
            member_id: 1,
            external_id: id.into(),
            name: name.map(str::to_owned),
        };
        assert_eq!(member_name(&side(Some("Li Lei"), "CUST-7")), "Li Lei");
        assert_eq!(member_name(&side(None, "CUST-42")), "C•••42");
        assert_eq!(member_name(&side(None, "ab")), "a•••");
        assert_eq!(staff_name(&side(None, "CUST-42")), "CUST-42");
    }
}
