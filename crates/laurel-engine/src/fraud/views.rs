//! A fraud case as told.

use jiff::Timestamp;
use laurel_store::FraudCase;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A case: the operation a rule caught, the evidence, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FraudCaseView {
    /// Its id.
    pub id: i64,
    /// Whose operation.
    pub member_id: i64,
    /// The deciding rule.
    pub rule: String,
    /// What it measures.
    pub measure: String,
    /// The figure measured over its window, the operation included.
    pub observed: Decimal,
    /// The rule's most.
    pub max: Decimal,
    /// Its window, in hours.
    pub window_hours: i64,
    /// What it did: `flag`, `hold`, `refuse` or `freeze`.
    pub action: String,
    /// What was judged: `purchase`, `event`, `redemption`, `refund`, `transfer`, `adjustment`,
    /// `referral` (the member is the referrer) or `enrollment`.
    pub operation: String,
    /// Its reference (an order's key, an idempotency key, the staff member who adjusted).
    pub reference: String,
    /// The posting let through, if it was.
    pub journal_id: Option<i64>,
    /// The lot held for review, if points were.
    pub lot_id: Option<i64>,
    /// Every rule the operation breached (JSON array).
    pub evidence: String,
    /// `open`, `released`, `reversed`, `frozen` or `dismissed`.
    pub state: String,
    /// When it was opened.
    pub opened_at: Timestamp,
    /// Who closed it.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
}

impl FraudCaseView {
    pub(crate) fn of(c: FraudCase) -> FraudCaseView {
        FraudCaseView {
            id: c.id,
            member_id: c.case.member.0,
            rule: c.case.rule,
            measure: c.case.measure,
            observed: c.case.observed,
            max: c.case.max,
            window_hours: c.case.window_hours,
            action: c.case.action,
            operation: c.case.operation,
            reference: c.case.reference,
            journal_id: c.case.journal.map(|j| j.0),
            lot_id: c.case.lot,
            evidence: c.case.evidence,
            state: c.state,
            opened_at: c.case.at,
            decided_by: c.decided_by,
            decided_at: c.decided_at,
        }
    }
}
