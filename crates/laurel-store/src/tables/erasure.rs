//! Erasing a member's personal data: their row loses its profile and takes a pseudonym, what
//! only they wrote is destroyed, and their values are replaced wherever other rows repeat them
//! (events, audit entries, letters, stored answers). Amounts, kinds and links stay, so the
//! ledger, the books and every aggregate are what they were.
//!
//! The register of erasure requests lives here too: it names members by id only.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::types::MemberId;
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::privacy::{ERASED, Redaction};

/// Free text only the member (or staff about them) wrote: destroyed whole, whatever it holds.
/// Each is (table, column, the column naming the member).
const THEIRS: [(&str, &str, &str); 5] = [
    ("member_reports", "message", "member_id"),
    ("member_report_messages", "message", "member_id"),
    ("staff_notes", "note", "member_id"),
    ("tier_history", "note", "member_id"),
    ("households", "name", "owner_id"),
];

/// Text that may repeat any member's values: searched for the erased member's, which are
/// replaced where they stand. JSON documents (events, audit entries, attributes) and letters
/// among them.
const ANYWHERE: [(&str, &str); 29] = [
    ("journal", "reason"),
    ("journal", "reference"),
    ("earn_grants", "label"),
    ("tier_history", "reason"),
    ("events", "payload"),
    ("activity_events", "attributes"),
    ("audit_log", "subject"),
    ("audit_log", "before_json"),
    ("audit_log", "after_json"),
    ("outbox", "recipient"),
    ("outbox", "subject"),
    ("outbox", "body"),
    ("outbox", "html"),
    ("webhook_deliveries", "last_error"),
    ("member_reports", "message"),
    ("member_report_messages", "message"),
    ("staff_notes", "note"),
    ("transfers", "message"),
    ("households", "name"),
    ("wallet_moves", "reference"),
    ("wallet_holds", "reference"),
    ("point_holds", "reference"),
    ("membership_terms", "payment_reference"),
    ("gift_card_batches", "reference"),
    ("partner_entries", "reference"),
    ("fraud_cases", "reference"),
    ("fraud_cases", "evidence"),
    // Requests for approval: an adjustment's reason and note may name anyone.
    ("pending_approvals", "request"),
    // Stored answers are replay caches: redacted in place, they still answer a retry.
    ("idempotency", "response"),
];

/// The member's own rows of JSON text, where values that are only personal in their context
/// (a birthday, an attribute's value) are replaced too. Each is (table, column, how the row
/// names the member: a column, or the audit log's subject).
const OWN_JSON: [(&str, &str, &str); 4] = [
    ("events", "payload", "member_id = $1"),
    ("activity_events", "attributes", "member_id = $1"),
    (
        "audit_log",
        "before_json",
        "subject = 'member:' || CAST($1 AS TEXT)",
    ),
    (
        "audit_log",
        "after_json",
        "subject = 'member:' || CAST($1 AS TEXT)",
    ),
];

/// The scope of a search through every row. `$1` is the member in every statement of a
/// search, so that a scope may name them; this one holds for any row and keeps `$1` used.
const EVERY_ROW: &str = "$1 = $1";

/// A request to erase a member, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequest {
    /// Row id.
    pub id: i64,
    /// The member it concerns.
    pub member: MemberId,
    /// When it was asked for.
    pub requested_at: Timestamp,
    /// `member` (from the portal), or the staff member or key that erased.
    pub requested_by: String,
    /// `requested`, `erased` or `declined`.
    pub state: String,
    /// Who erased or declined.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
    /// Points the erasure forfeited.
    pub forfeited: Option<i64>,
}

impl Tx {
    /// Takes the member's profile away: the pseudonym in place of their external id, every
    /// personal column emptied, the status `erased`. Their balances and history stay.
    pub async fn erase_member_row(
        &mut self,
        member: MemberId,
        pseudonym: &str,
        at: Timestamp,
    ) -> Result<()> {
        let key = pseudonym.to_lowercase();
        self.run(
            "UPDATE members SET external_id = $2, external_key = $3, email = NULL, phone = NULL, \
             name = NULL, birthday = NULL, attributes = NULL, email_key = NULL, phone_key = NULL, \
             name_key = NULL, consents = NULL, referral_code = NULL, unsubscribe_token = NULL, \
             device_key = NULL, email_domain = NULL, \
             tier_manual_reason = CASE WHEN tier_manual_reason IS NULL THEN NULL ELSE $4 END, \
             status = 'erased', erased_at = $5 WHERE id = $1",
            args![member.0, pseudonym, &key, ERASED, crate::types::micros(at)],
        )
        .await?;
        Ok(())
    }

    /// Destroys what is the member's alone: sign-in codes, sessions, contact changes waiting,
    /// letters addressed to `addresses` or to an address they were changing to, and the text of their reports, notes and their
    /// households' names. Returns the rows changed.
    pub async fn erase_member_text(&mut self, member: MemberId, addresses: &[&str]) -> Result<u64> {
        // Letters proving a new address went to that address.
        let mut changed = self
            .run(
                "DELETE FROM outbox WHERE lower(recipient) IN (SELECT lower(new_value) \
                 FROM member_contact_changes WHERE member_id = $1)",
                args![member.0],
            )
            .await?;
        for table in [
            "member_sign_in_codes",
            "member_sessions",
            "member_contact_changes",
            // Letters the notices sent them name them; older ones are found by address.
            "outbox",
        ] {
            let sql = format!("DELETE FROM {table} WHERE member_id = $1");
            changed += self.run(&sql, args![member.0]).await?;
        }
        // Their own stored answers (scopes end with their id: `transfer:42`, `redeem:42`):
        // nothing more is done for them, so no retry needs one.
        let own_scopes = format!("%:{}", member.0);
        changed += self
            .run(
                "DELETE FROM idempotency WHERE scope LIKE $1",
                args![&own_scopes],
            )
            .await?;
        for (table, column, owner) in THEIRS {
            let sql = format!(
                "UPDATE {table} SET {column} = $2 WHERE {owner} = $1 AND {column} IS NOT NULL"
            );
            changed += self.run(&sql, args![member.0, ERASED]).await?;
        }
        changed += self
            .run(
                "UPDATE transfers SET message = $2 WHERE (sender_id = $1 OR receiver_id = $1) \
                 AND message IS NOT NULL",
                args![member.0, ERASED],
            )
            .await?;
        for address in addresses {
            changed += self
                .run(
                    "DELETE FROM outbox WHERE lower(recipient) = lower($1)",
                    args![*address],
                )
                .await?;
        }
        Ok(changed)
    }

    /// Replaces what `everywhere` finds in any row that may repeat a member's values, and
    /// what `own` finds in the member's own JSON rows. Returns the rows changed.
    pub async fn redact_member_values(
        &mut self,
        member: MemberId,
        everywhere: &Redaction,
        own: &Redaction,
    ) -> Result<u64> {
        let mut changed = 0;
        for (table, column, scope) in OWN_JSON {
            changed += self
                .redact_column(table, column, Some(scope), member, own)
                .await?;
        }
        for (table, column) in ANYWHERE {
            changed += self
                .redact_column(table, column, None, member, everywhere)
                .await?;
        }
        Ok(changed)
    }

    /// Replaces what `redaction` finds in `column` of `table` (only in rows `scope` picks,
    /// when given, with `$1` the member).
    async fn redact_column(
        &mut self,
        table: &str,
        column: &str,
        scope: Option<&str>,
        member: MemberId,
        redaction: &Redaction,
    ) -> Result<u64> {
        let mut changed = 0;
        for text in self.texts(table, column, scope, member, redaction).await? {
            let Some(redacted) = redaction.apply(&text) else {
                continue;
            };
            let sql = format!(
                "UPDATE {table} SET {column} = $2 WHERE {column} = $3 AND {}",
                scope.unwrap_or(EVERY_ROW)
            );
            changed += self.run(&sql, args![member.0, &redacted, &text]).await?;
        }
        Ok(changed)
    }

    /// The distinct texts of `column` in `table` that may hold a value of `redaction` (a
    /// case-blind substring search; the redaction decides whether it stands as a word).
    async fn texts(
        &mut self,
        table: &str,
        column: &str,
        scope: Option<&str>,
        member: MemberId,
        redaction: &Redaction,
    ) -> Result<Vec<String>> {
        let needles: Vec<String> = redaction.needles().iter().map(|n| like(n)).collect();
        if needles.is_empty() {
            return Ok(Vec::new());
        }
        // As given and lower-cased: see `Redaction::needles`.
        let matches: Vec<String> = (0..needles.len())
            .map(|i| {
                format!(
                    "{column} LIKE ${n} ESCAPE '!' OR lower({column}) LIKE ${n} ESCAPE '!'",
                    n = i + 2
                )
            })
            .collect();
        let sql = format!(
            "SELECT DISTINCT {column} FROM {table} WHERE ({}) AND {}",
            matches.join(" OR "),
            scope.unwrap_or(EVERY_ROW)
        );
        let mut values: Vec<Arg> = vec![Arg::from(member.0)];
        values.extend(needles.iter().map(|n| Arg::from(n.as_str())));
        self.rows(&sql, &values)
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// The requests for approval about `member`, whatever became of them: (id, the request as
    /// JSON), oldest first.
    pub async fn member_approval_requests(
        &mut self,
        member: MemberId,
    ) -> Result<Vec<(i64, String)>> {
        self.rows(
            "SELECT id, request FROM pending_approvals WHERE member_id = $1 ORDER BY id",
            args![member.0],
        )
        .await?
        .iter()
        .map(|row| Ok((row.get("id")?, row.get("request")?)))
        .collect()
    }

    /// Replaces what request for approval `id` asks, as JSON (its free text erased).
    pub async fn replace_approval_request(&mut self, id: i64, request: &str) -> Result<()> {
        self.run(
            "UPDATE pending_approvals SET request = $2 WHERE id = $1",
            args![id, request],
        )
        .await?;
        Ok(())
    }

    /// Rejects the requests about `member` still waiting for approval, as decided by `actor`
    /// (who erases them: not a staff account the approvals know, so no decider's id) at `at`:
    /// nothing more is done for an erased member. Returns how many it rejected.
    pub async fn reject_member_approvals(
        &mut self,
        member: MemberId,
        actor: &str,
        at: Timestamp,
    ) -> Result<u64> {
        self.run(
            "UPDATE pending_approvals SET state = 'rejected', decided_by = NULL, \
             decided_actor = $2, decided_at = $3 WHERE member_id = $1 AND state = 'waiting'",
            args![member.0, actor, crate::types::micros(at)],
        )
        .await
    }

    /// Records a request to erase `member`: by the member (`requested`) or an erasure made
    /// (`erased`, with who made it and the points it forfeited). Returns its id.
    pub async fn insert_erasure_request(
        &mut self,
        member: MemberId,
        by: &str,
        at: Timestamp,
        erased: Option<i64>,
    ) -> Result<i64> {
        let at = crate::types::micros(at);
        let (state, decided_by, decided_at) = match erased {
            Some(_) => ("erased", Some(by), Some(at)),
            None => ("requested", None, None),
        };
        let row = self
            .row(
                "INSERT INTO erasure_requests (member_id, requested_at, requested_by, state, \
                 decided_by, decided_at, forfeited) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id",
                args![member.0, at, by, state, decided_by, decided_at, erased],
            )
            .await?;
        row.get(0)
    }

    /// Closes the member's open requests as `state` (`erased` or `declined`); returns how
    /// many it closed.
    pub async fn decide_erasure_requests(
        &mut self,
        member: MemberId,
        state: &str,
        by: &str,
        at: Timestamp,
        forfeited: Option<i64>,
    ) -> Result<u64> {
        self.run(
            "UPDATE erasure_requests SET state = $2, decided_by = $3, decided_at = $4, \
             forfeited = $5 WHERE member_id = $1 AND state = 'requested'",
            args![member.0, state, by, crate::types::micros(at), forfeited],
        )
        .await
    }
}

impl Tx {
    /// The erasure made of `member`, if one was.
    pub async fn erasure_made(&mut self, member: MemberId) -> Result<Option<ErasureRequest>> {
        self.latest_request(member, "erased").await
    }

    /// The member's request waiting for staff, if one does.
    pub async fn waiting_erasure_request(
        &mut self,
        member: MemberId,
    ) -> Result<Option<ErasureRequest>> {
        self.latest_request(member, "requested").await
    }

    async fn latest_request(
        &mut self,
        member: MemberId,
        state: &str,
    ) -> Result<Option<ErasureRequest>> {
        let sql = format!("{REQUEST_SELECT} WHERE member_id = $1 AND state = $2 ORDER BY id DESC");
        self.rows(&sql, args![member.0, state])
            .await?
            .first()
            .map(request)
            .transpose()
    }
}

impl Store {
    /// Erasure requests, newest first: those still waiting when `waiting`, else all; at most
    /// `limit`.
    pub async fn erasure_requests(&self, waiting: bool, limit: u32) -> Result<Vec<ErasureRequest>> {
        let filter = if waiting {
            "WHERE state = 'requested'"
        } else {
            ""
        };
        let sql = format!("{REQUEST_SELECT} {filter} ORDER BY id DESC LIMIT $1");
        let mut db = self;
        db.rows(&sql, args![i64::from(limit)])
            .await?
            .iter()
            .map(request)
            .collect()
    }

    /// A member's erasure requests, newest first.
    pub async fn member_erasure_requests(&self, member: MemberId) -> Result<Vec<ErasureRequest>> {
        let sql = format!("{REQUEST_SELECT} WHERE member_id = $1 ORDER BY id DESC");
        let mut db = self;
        db.rows(&sql, args![member.0])
            .await?
            .iter()
            .map(request)
            .collect()
    }

    /// Where `text` appears, case-blind, in any text column of any table: (table, column,
    /// rows). What a privacy officer asks before and after an erasure, and what the erasure's
    /// tests hold to nothing.
    pub async fn find_text(&self, text: &str) -> Result<Vec<(String, String, i64)>> {
        let mut found = Vec::new();
        let (given, lower) = (like(text), like(&text.to_lowercase()));
        for (table, column) in self.text_columns().await? {
            // As given and lower-cased: a database may fold only ASCII letters.
            let sql = format!(
                "SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE $1 ESCAPE '!' \
                 OR lower(CAST({column} AS TEXT)) LIKE $2 ESCAPE '!'"
            );
            let mut db = self;
            let rows: i64 = db.row(&sql, args![&given, &lower]).await?.get(0)?;
            if rows > 0 {
                found.push((table, column, rows));
            }
        }
        Ok(found)
    }

    /// Every text column of every table of the schema, as (table, column).
    async fn text_columns(&self) -> Result<Vec<(String, String)>> {
        let mut db = self;
        let sql = match self.backend() {
            crate::Backend::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' \
                 AND upper(p.type) = 'TEXT' ORDER BY m.name, p.cid"
            }
            crate::Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) \
                 FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND data_type IN ('text', 'character varying') \
                 ORDER BY table_name, ordinal_position"
            }
        };
        db.rows(sql, &[])
            .await?
            .iter()
            .map(|row| Ok((row.get(0)?, row.get(1)?)))
            .collect()
    }
}

const REQUEST_SELECT: &str = "SELECT id, member_id, requested_at, requested_by, state, \
    decided_by, decided_at, forfeited FROM erasure_requests";

/// `text` as a LIKE pattern finding it anywhere, its wildcards escaped with `!`.
fn like(text: &str) -> String {
    format!("%{}%", crate::db::sql::like_escaped(text))
}

fn request(row: &crate::db::sql::Row) -> Result<ErasureRequest> {
    Ok(ErasureRequest {
        id: row.get("id")?,
        member: MemberId(row.get("member_id")?),
        requested_at: crate::types::instant(row.get("requested_at")?)?,
        requested_by: row.get("requested_by")?,
        state: row.get("state")?,
        decided_by: row.get("decided_by")?,
        decided_at: crate::types::instant_opt(row.get("decided_at")?)?,
        forfeited: row.get("forfeited")?,
    })
}
