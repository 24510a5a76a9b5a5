//! What the tables of one-time codes share — sign-in codes, changes of email or phone waiting
//! for theirs: each row is a member's code with its creation time, guesses and use.

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::types::{MemberId, instant, micros};
use jiff::Timestamp;

/// A table of one-time codes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CodeTable {
    /// `member_sign_in_codes`.
    SignIn,
    /// `member_contact_changes`.
    ContactChange,
}

impl CodeTable {
    /// The statement listing when a member's codes were made since `$2`, oldest first.
    fn times_since(self) -> &'static str {
        match self {
            CodeTable::SignIn => {
                "SELECT created_at FROM member_sign_in_codes \
                 WHERE member_id = $1 AND created_at >= $2 ORDER BY created_at, id"
            }
            CodeTable::ContactChange => {
                "SELECT created_at FROM member_contact_changes \
                 WHERE member_id = $1 AND created_at >= $2 ORDER BY created_at, id"
            }
        }
    }

    /// The statement counting a guess at code `$1` while unused and under `$2` guesses.
    fn count_guess(self) -> &'static str {
        match self {
            CodeTable::SignIn => {
                "UPDATE member_sign_in_codes SET attempts = attempts + 1 \
                 WHERE id = $1 AND used_at IS NULL AND attempts < $2"
            }
            CodeTable::ContactChange => {
                "UPDATE member_contact_changes SET attempts = attempts + 1 \
                 WHERE id = $1 AND used_at IS NULL AND attempts < $2"
            }
        }
    }
}

impl Store {
    /// When `member`'s codes in `table` were made at or after `since`, oldest first.
    pub(crate) async fn code_times_since(
        &self,
        table: CodeTable,
        member: MemberId,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>> {
        let mut db = self;
        let rows = db
            .rows(table.times_since(), args![member.0, micros(since)])
            .await?;
        rows.iter().map(|row| instant(row.get(0)?)).collect()
    }

    /// Counts one guess at code `id` in `table`, unless it is used or has had `max` guesses;
    /// false when the guess may not be made. Counted before the guess is judged, in one
    /// statement, so concurrent guesses cannot exceed the limit.
    pub(crate) async fn count_code_guess(
        &self,
        table: CodeTable,
        id: i64,
        max: i64,
    ) -> Result<bool> {
        let mut db = self;
        let done = db.run(table.count_guess(), args![id, max]).await?;
        Ok(done == 1)
    }
}
