//! Finding members: a search is compared the way stored keys are folded, and a member's open
//! points are summed by the month they expire in.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Points;
use laurel_core::ledger::{Lot, LotId, LotState, expiry_by_month};
use laurel_core::search::MemberQuery;

fn phone(typed: &str) -> Option<String> {
    MemberQuery::parse(typed).and_then(|q| q.phone)
}

#[test]
fn local_and_international_forms_of_a_number_look_for_the_same_digits() {
    assert_eq!(phone("13800001001").as_deref(), Some("3800001001"));
    assert_eq!(phone("+86 138 0000 1001").as_deref(), Some("3800001001"));
    assert_eq!(phone("0086-138-0000-1001").as_deref(), Some("3800001001"));
    assert_eq!(
        phone("138 0000").as_deref(),
        Some("1380000"),
        "part of a number"
    );
}

#[test]
fn ids_and_names_with_a_few_digits_are_no_phone_number() {
    assert_eq!(phone("cust-10"), None);
    assert_eq!(phone("10"), None);
    assert_eq!(phone("王芳"), None);
}

#[test]
fn a_query_is_trimmed_and_lower_cased_and_a_blank_one_is_none() {
    assert_eq!(MemberQuery::parse("  CUST-10 ").unwrap().text, "cust-10");
    assert_eq!(MemberQuery::parse("   "), None);
}

fn lot(id: i64, points: i64, expires: Option<&str>) -> Lot {
    Lot {
        id: LotId(id),
        remaining: Points(points),
        earned_at: Timestamp::UNIX_EPOCH,
        expires_at: expires.map(|e| e.parse().unwrap()),
        state: LotState::Available,
    }
}

#[test]
fn open_lots_sum_per_month_of_the_programs_time_zone_with_the_never_expiring_last() {
    let lots = [
        lot(1, 5, None),
        lot(2, 10, Some("2026-03-31T17:00:00Z")), // 1 April in Shanghai
        lot(3, 20, Some("2026-03-02T00:00:00Z")),
        lot(4, 30, Some("2026-04-20T00:00:00Z")),
    ];
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let summary: Vec<(Option<String>, i64)> = expiry_by_month(&lots, &tz)
        .into_iter()
        .map(|m| (m.month.map(|d| d.to_string()), m.points.get()))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("2026-03-01".to_owned()), 20),
            (Some("2026-04-01".to_owned()), 40),
            (None, 5),
        ]
    );
}
