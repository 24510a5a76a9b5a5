//! A member's change of email or phone, kept until the code sent to prove it comes back:
//! only the code's hash is stored, wrong guesses are counted, and the change is applied with
//! the code's use in one transaction.

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::tables::one_time::CodeTable;
use crate::tables::outbox::NewMessage;
use crate::types::{MemberId, instant, instant_opt, micros};
use jiff::Timestamp;

/// A change waiting for its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChange {
    /// Row id.
    pub id: i64,
    /// `email` or `phone`.
    pub field: String,
    /// The new address or number, as the member gave it.
    pub new_value: String,
    /// SHA-256 of the member id and the code.
    pub code_hash: String,
    /// When the code stops working.
    pub expires_at: Timestamp,
    /// Wrong guesses so far.
    pub attempts: i64,
    /// When it was applied, if it was.
    pub used_at: Option<Timestamp>,
}

/// A change to ask for, and the message carrying its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContactChange<'a> {
    /// Whose.
    pub member: MemberId,
    /// `email` or `phone`.
    pub field: &'a str,
    /// The new value.
    pub new_value: &'a str,
    /// SHA-256 of the member id and the code.
    pub code_hash: &'a str,
    /// When asked.
    pub created_at: Timestamp,
    /// When the code stops working.
    pub expires_at: Timestamp,
}

impl Store {
    /// When the member asked for changes since `since`, oldest first: what the limit counts.
    pub async fn contact_change_times_since(
        &self,
        member: MemberId,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>> {
        self.code_times_since(CodeTable::ContactChange, member, since)
            .await
    }

    /// Stores a change and the message carrying its code, in one transaction.
    pub async fn insert_contact_change(
        &self,
        change: &NewContactChange<'_>,
        message: &NewMessage,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.run(
            "INSERT INTO member_contact_changes \
             (member_id, field, new_value, code_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            args![
                change.member.0,
                change.field,
                change.new_value,
                change.code_hash,
                micros(change.created_at),
                micros(change.expires_at)
            ],
        )
        .await?;
        tx.insert_message(message).await?;
        tx.commit().await
    }

    /// The member's newest change, applied or not.
    pub async fn latest_contact_change(&self, member: MemberId) -> Result<Option<ContactChange>> {
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT id, field, new_value, code_hash, expires_at, attempts, used_at \
                 FROM member_contact_changes WHERE member_id = $1 ORDER BY id DESC LIMIT 1",
                args![member.0],
            )
            .await?;
        row.map(|row| {
            Ok(ContactChange {
                id: row.get("id")?,
                field: row.get("field")?,
                new_value: row.get("new_value")?,
                code_hash: row.get("code_hash")?,
                expires_at: instant(row.get("expires_at")?)?,
                attempts: row.get("attempts")?,
                used_at: instant_opt(row.get("used_at")?)?,
            })
        })
        .transpose()
    }

    /// Counts one guess at a change's code, unless it is applied or has had `max` guesses;
    /// false when the guess may not be made (one statement, so racing guesses cannot pass
    /// the limit).
    pub async fn count_contact_guess(&self, change: i64, max: i64) -> Result<bool> {
        self.count_code_guess(CodeTable::ContactChange, change, max)
            .await
    }

    /// Applies a change to the member (the value and the key it is compared by) and marks
    /// it used, in one transaction; false (and nothing changed) when it was used meanwhile.
    pub async fn apply_contact_change(
        &self,
        member: MemberId,
        change: &ContactChange,
        key: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let update = match change.field.as_str() {
            "email" => {
                "UPDATE members SET email = $1, email_key = $2, email_domain = $4 WHERE id = $3"
            }
            _ => "UPDATE members SET phone = $1, phone_key = $2 WHERE id = $3",
        };
        // Unused by a phone's statement; bound all the same so both take one list.
        let domain = laurel_core::referrals::email_domain(key);
        let mut tx = self.begin().await?;
        let used = tx
            .run(
                "UPDATE member_contact_changes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                args![micros(now), change.id],
            )
            .await?;
        if used != 1 {
            return Ok(false);
        }
        tx.run(update, args![&change.new_value, key, member.0, domain])
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
