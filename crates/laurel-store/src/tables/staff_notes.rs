//! Staff notes: what staff tell each other about a posting they made, kept apart from the
//! journal's reason (what the member is told) so no member-facing read can carry one.

use crate::db::connect::Store;
use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::tables::grants::JOURNALS_PER_QUERY;
use crate::types::{JournalId, MemberId, numbered_list};
use crate::write::tx::Tx;

impl Tx {
    /// Keeps `note` with the posting `journal` of `member`.
    pub async fn add_staff_note(
        &mut self,
        journal: JournalId,
        member: MemberId,
        note: &str,
    ) -> Result<()> {
        self.run(
            "INSERT INTO staff_notes (journal_id, member_id, note) VALUES ($1, $2, $3)",
            args![journal.0, member.0, note],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// The notes kept with those of `journals` (postings of `member`) that have one.
    pub async fn staff_notes(
        &self,
        member: MemberId,
        journals: &[JournalId],
    ) -> Result<Vec<(JournalId, String)>> {
        let mut notes = Vec::new();
        let mut db = self;
        for chunk in journals.chunks(JOURNALS_PER_QUERY) {
            let sql = format!(
                "SELECT journal_id, note FROM staff_notes WHERE member_id = $1 AND journal_id IN ({}) \
                 ORDER BY journal_id",
                numbered_list(2, chunk.len())
            );
            let mut values: Vec<Arg> = vec![Arg::from(member.0)];
            values.extend(chunk.iter().map(|j| Arg::from(j.0)));
            for row in db.rows(&sql, &values).await? {
                notes.push((JournalId(row.get("journal_id")?), row.get("note")?));
            }
        }
        Ok(notes)
    }
}
