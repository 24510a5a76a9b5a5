//! Fraud controls: what the rules measure of recent activity (reads under the member's lock,
//! so the operation being judged sees every one before it), and the cases a reviewer works.

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::{Result, StoreError};
use crate::types::{JournalId, MemberId, PurchaseId, instant, instant_opt, micros};
use crate::write::tx::Tx;
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A case to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFraudCase {
    /// Whose operation.
    pub member: MemberId,
    /// The deciding rule.
    pub rule: String,
    /// What it measures.
    pub measure: String,
    /// The figure measured, the operation included.
    pub observed: Decimal,
    /// The rule's most.
    pub max: Decimal,
    /// Its window.
    pub window_hours: i64,
    /// What it did.
    pub action: String,
    /// What was judged.
    pub operation: String,
    /// Its reference.
    pub reference: String,
    /// The posting let through.
    pub journal: Option<JournalId>,
    /// The lot held.
    pub lot: Option<i64>,
    /// Every rule breached, as JSON.
    pub evidence: String,
    /// When.
    pub at: Timestamp,
}

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FraudCase {
    /// Its id.
    pub id: i64,
    /// What it records.
    pub case: NewFraudCase,
    /// `open`, `released`, `reversed`, `frozen` or `dismissed`.
    pub state: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
}

/// Cases listed at most at once.
pub const FRAUD_CASES_MAX: u32 = 200;

const COLUMNS: &str = "id, member_id, rule_id, measure, observed, max_allowed, window_hours, \
    action, operation, reference, journal_id, lot_id, evidence, state, opened_at, decided_by, \
    decided_at";

impl Tx {
    /// Points `member` earned by what happened since `since` (history imported late counts
    /// when it happened, not when it came).
    pub async fn points_earned_since(&mut self, member: MemberId, since: Timestamp) -> Result<i64> {
        self.sum(
            "SELECT CAST(COALESCE(SUM(available_delta + pending_delta), 0) AS BIGINT) FROM journal \
             WHERE member_id = $1 AND kind = 'earn' AND effective_at >= $2",
            member.0,
            since,
        )
        .await
    }

    /// Purchases `member` made since `since` and what they came to (minor units).
    pub async fn purchases_since(
        &mut self,
        member: MemberId,
        since: Timestamp,
    ) -> Result<(i64, i64)> {
        let row = self
            .row(
                "SELECT COUNT(*), CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) FROM purchases \
                 WHERE member_id = $1 AND occurred_at >= $2",
                args![member.0, micros(since)],
            )
            .await?;
        Ok((row.get(0)?, row.get(1)?))
    }

    /// What was refunded (minor units) of `member`'s purchases made since `since`.
    pub async fn refunded_since(&mut self, member: MemberId, since: Timestamp) -> Result<i64> {
        self.sum(
            "SELECT CAST(COALESCE(SUM(r.amount_minor), 0) AS BIGINT) FROM refunds r \
             JOIN purchases p ON p.id = r.purchase_id \
             WHERE p.member_id = $1 AND p.occurred_at >= $2",
            member.0,
            since,
        )
        .await
    }

    /// Times `member` spent points since `since`.
    pub async fn redemptions_since(&mut self, member: MemberId, since: Timestamp) -> Result<i64> {
        self.sum(
            "SELECT COUNT(*) FROM journal WHERE member_id = $1 AND kind = 'redeem' \
             AND posted_at >= $2",
            member.0,
            since,
        )
        .await
    }

    /// Different members who sent `member` points since `since`, `also` among them.
    pub async fn senders_since(
        &mut self,
        member: MemberId,
        since: Timestamp,
        also: MemberId,
    ) -> Result<i64> {
        let row = self
            .row(
                "SELECT COUNT(DISTINCT sender_id), \
                 CAST(COALESCE(SUM(CASE WHEN sender_id = $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
                 FROM transfers WHERE receiver_id = $1 AND created_at >= $2",
                args![member.0, micros(since), also.0],
            )
            .await?;
        let (senders, from_also): (i64, i64) = (row.get(0)?, row.get(1)?);
        Ok(senders + i64::from(from_also == 0))
    }

    /// Points `actor` adjusted, credits and debits alike, posted since `since`.
    pub async fn adjusted_by_since(&mut self, actor: &str, since: Timestamp) -> Result<i64> {
        let row = self
            .row(
                "SELECT CAST(COALESCE(SUM(ABS(available_delta + pending_delta)), 0) AS BIGINT) FROM journal \
                 WHERE actor = $1 AND kind IN ('adjust_credit', 'adjust_debit') \
                 AND posted_at >= $2",
                args![actor, micros(since)],
            )
            .await?;
        row.get(0)
    }

    /// Members `referrer` referred who joined since `since`.
    pub async fn referrals_since(&mut self, referrer: MemberId, since: Timestamp) -> Result<i64> {
        self.sum(
            "SELECT COUNT(*) FROM referrals WHERE referrer_id = $1 AND enrolled_at >= $2",
            referrer.0,
            since,
        )
        .await
    }

    /// How many referrals in a row lead to `referrer`, each of a member who joined since
    /// `since`: `referrer` referred by someone when they joined in the window counts one, their
    /// referrer likewise, and so on, reading at most `longest` links.
    pub async fn referral_chain(
        &mut self,
        referrer: MemberId,
        since: Timestamp,
        longest: u32,
    ) -> Result<i64> {
        let mut links = 0;
        let mut member = referrer.0;
        while links < i64::from(longest) {
            let rows = self
                .rows(
                    "SELECT referrer_id FROM referrals WHERE referee_id = $1 AND enrolled_at >= $2",
                    args![member, micros(since)],
                )
                .await?;
            let Some(row) = rows.first() else { break };
            member = row.get(0)?;
            links += 1;
        }
        Ok(links)
    }

    /// Members who joined since `since` with an email at `domain` (as compared).
    pub async fn joined_with_email_domain(
        &mut self,
        domain: &str,
        since: Timestamp,
    ) -> Result<i64> {
        self.row(
            "SELECT COUNT(*) FROM members WHERE email_domain = $1 AND enrolled_at >= $2",
            args![domain, micros(since)],
        )
        .await?
        .get(0)
    }

    /// Members who joined since `since` with a phone whose digits start with `prefix`: a
    /// range of `members_by_phone_key` (digits sort alike under any collation, and a LIKE
    /// prefix could not use the index on PostgreSQL).
    pub async fn joined_with_phone_prefix(
        &mut self,
        prefix: &str,
        since: Timestamp,
    ) -> Result<i64> {
        // The digits after every key starting with `prefix` (`8619` → `862`); none past `999`.
        let trimmed = prefix.trim_end_matches('9');
        let past = trimmed.char_indices().last().map(|(at, digit)| {
            let next = char::from_digit(digit.to_digit(10).unwrap_or(0) + 1, 10).unwrap_or('9');
            format!("{}{next}", &trimmed[..at])
        });
        let row = match &past {
            Some(past) => {
                self.row(
                    "SELECT COUNT(*) FROM members WHERE phone_key >= $1 AND phone_key < $2 \
                     AND enrolled_at >= $3",
                    args![prefix, past.as_str(), micros(since)],
                )
                .await?
            }
            None => {
                self.row(
                    "SELECT COUNT(*) FROM members WHERE phone_key >= $1 AND enrolled_at >= $2",
                    args![prefix, micros(since)],
                )
                .await?
            }
        };
        row.get(0)
    }

    /// Members who joined since `since` from the device whose hash is `key`.
    pub async fn joined_from_device(&mut self, key: &str, since: Timestamp) -> Result<i64> {
        self.row(
            "SELECT COUNT(*) FROM members WHERE device_key = $1 AND enrolled_at >= $2",
            args![key, micros(since)],
        )
        .await?
        .get(0)
    }

    /// Marks a purchase whose points a rule held: tiers leave it out until it is reviewed.
    pub async fn hold_purchase_for_review(&mut self, purchase: PurchaseId) -> Result<()> {
        self.run(
            "UPDATE purchases SET held_for_review = 1 WHERE id = $1",
            args![purchase.0],
        )
        .await?;
        Ok(())
    }

    /// Settles the purchase of `member` whose points went to `lot` after review: a held one
    /// counted again when `released`; held or not, left out for good when its points were
    /// taken back. False when nothing changed.
    pub async fn settle_held_purchase(
        &mut self,
        member: MemberId,
        lot: i64,
        released: bool,
    ) -> Result<bool> {
        let sql = if released {
            "UPDATE purchases SET held_for_review = 0 \
             WHERE member_id = $1 AND lot_id = $2 AND held_for_review = 1"
        } else {
            "UPDATE purchases SET held_for_review = 2 \
             WHERE member_id = $1 AND lot_id = $2 AND held_for_review <> 2"
        };
        let done = self.run(sql, args![member.0, lot]).await?;
        Ok(done == 1)
    }

    /// Keeps the hash of the device `member` joined from.
    pub async fn set_member_device(&mut self, member: MemberId, key: &str) -> Result<()> {
        self.run(
            "UPDATE members SET device_key = $2 WHERE id = $1",
            args![member.0, key],
        )
        .await?;
        Ok(())
    }

    /// The case that holds the bonus of `referrer` for referring `referee` (by their
    /// external id), if a rule said to hold it when they joined: its id and state (`open`
    /// until reviewed; `reversed` or `frozen` when a reviewer stopped the bonus first).
    pub async fn held_referral_case(
        &mut self,
        referrer: MemberId,
        referee: &str,
    ) -> Result<Option<(i64, String)>> {
        let rows = self
            .rows(
                "SELECT id, state FROM fraud_cases WHERE member_id = $1 \
                 AND operation = 'referral' AND reference = $2 AND action = 'hold' \
                 ORDER BY id LIMIT 1",
                args![referrer.0, referee],
            )
            .await?;
        rows.first().map(|r| Ok((r.get(0)?, r.get(1)?))).transpose()
    }

    /// Names on an open case the posting and lot it holds, once they are made.
    pub async fn hold_on_case(&mut self, id: i64, journal: JournalId, lot: i64) -> Result<()> {
        self.run(
            "UPDATE fraud_cases SET journal_id = $2, lot_id = $3 WHERE id = $1 AND state = 'open'",
            args![id, journal.0, lot],
        )
        .await?;
        Ok(())
    }

    async fn sum(&mut self, sql: &str, member: i64, since: Timestamp) -> Result<i64> {
        self.row(sql, args![member, micros(since)]).await?.get(0)
    }

    /// Opens a case; its id.
    pub async fn insert_fraud_case(&mut self, c: &NewFraudCase) -> Result<i64> {
        let observed = c.observed.to_string();
        let max = c.max.to_string();
        self.row(
            "INSERT INTO fraud_cases (member_id, rule_id, measure, observed, max_allowed, \
             window_hours, action, operation, reference, journal_id, lot_id, evidence, state, \
             opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13) \
             RETURNING id",
            args![
                c.member.0,
                &c.rule,
                &c.measure,
                &observed,
                &max,
                c.window_hours,
                &c.action,
                &c.operation,
                &c.reference,
                c.journal.map(|j| j.0),
                c.lot,
                &c.evidence,
                micros(c.at)
            ],
        )
        .await?
        .get(0)
    }

    /// Whether an open case already records `case` — the same member's operation by the
    /// same reference, rule and action (a refused operation sent again).
    pub async fn fraud_case_open_like(&mut self, case: &NewFraudCase) -> Result<bool> {
        let rows = self
            .rows(
                "SELECT id FROM fraud_cases WHERE member_id = $1 AND operation = $2 \
                 AND reference = $3 AND rule_id = $4 AND action = $5 AND state = 'open' LIMIT 1",
                args![
                    case.member.0,
                    &case.operation,
                    &case.reference,
                    &case.rule,
                    &case.action
                ],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// The case, locked until the transaction ends.
    pub async fn lock_fraud_case(&mut self, id: i64) -> Result<Option<FraudCase>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM fraud_cases WHERE id = $1{}",
            self.backend.lock_rows()
        );
        self.rows(&sql, args![id])
            .await?
            .first()
            .map(case)
            .transpose()
    }

    /// Closes an open case as `state`; false when it was not open.
    pub async fn decide_fraud_case(
        &mut self,
        id: i64,
        state: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool> {
        let done = self
            .run(
                "UPDATE fraud_cases SET state = $2, decided_by = $3, decided_at = $4 \
                 WHERE id = $1 AND state = 'open'",
                args![id, state, by, micros(at)],
            )
            .await?;
        Ok(done == 1)
    }
}

impl Store {
    /// Cases, newest first: the open ones when `open`, else all; at most `limit`.
    pub async fn fraud_cases(&self, open: bool, limit: u32) -> Result<Vec<FraudCase>> {
        let filter = if open { "WHERE state = 'open'" } else { "" };
        let sql = format!("SELECT {COLUMNS} FROM fraud_cases {filter} ORDER BY id DESC LIMIT $1");
        let mut db = self;
        db.rows(&sql, args![i64::from(limit)])
            .await?
            .iter()
            .map(case)
            .collect()
    }

    /// A member's cases, newest first.
    pub async fn member_fraud_cases(&self, member: MemberId) -> Result<Vec<FraudCase>> {
        let sql =
            format!("SELECT {COLUMNS} FROM fraud_cases WHERE member_id = $1 ORDER BY id DESC");
        let mut db = self;
        db.rows(&sql, args![member.0])
            .await?
            .iter()
            .map(case)
            .collect()
    }

    /// One case.
    pub async fn fraud_case(&self, id: i64) -> Result<Option<FraudCase>> {
        let sql = format!("SELECT {COLUMNS} FROM fraud_cases WHERE id = $1");
        let mut db = self;
        db.rows(&sql, args![id])
            .await?
            .first()
            .map(case)
            .transpose()
    }
}

fn case(row: &Row) -> Result<FraudCase> {
    let decimal = |column: &str| -> Result<Decimal> {
        let text: String = row.get(column)?;
        Decimal::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{column} `{text}`: {e}")))
    };
    Ok(FraudCase {
        id: row.get("id")?,
        case: NewFraudCase {
            member: MemberId(row.get("member_id")?),
            rule: row.get("rule_id")?,
            measure: row.get("measure")?,
            observed: decimal("observed")?,
            max: decimal("max_allowed")?,
            window_hours: row.get("window_hours")?,
            action: row.get("action")?,
            operation: row.get("operation")?,
            reference: row.get("reference")?,
            journal: row.get::<Option<i64>>("journal_id")?.map(JournalId),
            lot: row.get("lot_id")?,
            evidence: row.get("evidence")?,
            at: instant(row.get("opened_at")?)?,
        },
        state: row.get("state")?,
        decided_by: row.get("decided_by")?,
        decided_at: instant_opt(row.get("decided_at")?)?,
    })
}
