//! Balance changes a transaction holds: summed per member and written when a statement names
//! `members`, at a savepoint or at commit, instead of one statement per posting. SQLite
//! writes them many members to an `UPDATE members … FROM (VALUES …)`; PostgreSQL with the
//! held rows, in one statement (`at_once.rs`).
//!
//! The members the transaction knows (`known.rs`) see each change at once, so a later command
//! of the same batch reads the balance it left.

use crate::types::{MemberId, placeholders};
use crate::write::sized::SizedTexts;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Changes to members' (available, pending) balances, by member id.
#[derive(Debug, Default)]
pub(crate) struct HeldBalances(BTreeMap<i64, (i64, i64)>);

impl HeldBalances {
    /// Adds a change to the member's held change.
    pub(crate) fn add(&mut self, member: MemberId, available: i64, pending: i64) {
        if available == 0 && pending == 0 {
            return;
        }
        let held = self.0.entry(member.0).or_default();
        held.0 += available;
        held.1 += pending;
    }

    /// True when no change is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The held changes as (member, available, pending), in member order; none are held after.
    pub(crate) fn take(&mut self) -> Vec<[i64; 3]> {
        std::mem::take(&mut self.0)
            .into_iter()
            .filter(|(_, change)| *change != (0, 0))
            .map(|(member, (available, pending))| [member, available, pending])
            .collect()
    }

    /// Forgets every held change.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// The UPDATE statements for `rows` members' changes: how many each writes, and its text.
pub(crate) fn updates(
    rows: usize,
    backend: crate::db::backend::Backend,
) -> impl Iterator<Item = (usize, &'static str)> {
    UPDATES.chunks(rows, backend)
}

/// Each change row is (member id, available, pending): `column1`… as both dialects name the
/// columns of a VALUES list.
static UPDATES: LazyLock<SizedTexts> = LazyLock::new(|| {
    SizedTexts::new(|rows| {
        format!(
            "UPDATE members SET available = available + v.column2, pending = pending + v.column3 \
             FROM (VALUES {}) AS v WHERE members.id = v.column1",
            placeholders(rows, 3)
        )
    })
});

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn changes_to_one_member_are_summed_and_taken_in_member_order() {
        let mut held = HeldBalances::default();
        held.add(MemberId(7), 10, 0);
        held.add(MemberId(3), 0, 5);
        held.add(MemberId(7), -4, 2);
        held.add(MemberId(9), 0, 0);
        assert_eq!(held.take(), [[3, 0, 5], [7, 6, 2]]);
        assert!(held.is_empty());
    }

    #[test]
    fn changes_that_cancel_out_write_nothing() {
        let mut held = HeldBalances::default();
        held.add(MemberId(1), 10, 0);
        held.add(MemberId(1), -10, 0);
        assert!(held.take().is_empty());
    }
}
