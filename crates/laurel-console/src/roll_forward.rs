//! The dashboard's roll-forward of the points members hold, in the page's language: the
//! opening balance, each movement, the closing balance, pending and available apart, and what
//! they are worth.

use crate::i18n::Locale;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::ledger::{Held, RollForward};
use laurel_engine::Liability;

/// One row of the table.
pub struct RollRow {
    /// Its stable name (`opening`, `issued`…, `closing`), which the page carries for tests.
    pub line: &'static str,
    /// Its label, in words.
    pub label: String,
    /// Available, pending and total: (points, as shown).
    pub cells: [(i64, String); 3],
    /// Whether it is a balance rather than a movement (shown in bold, unsigned).
    pub balance: bool,
}

/// The table: its rows, and the closing balance's money value per column.
pub struct RollTable {
    /// Opening, each movement, closing.
    pub rows: Vec<RollRow>,
    /// The liability: available, pending and total.
    pub value: [String; 3],
}

/// The roll-forward `roll` of a period from `since` to now, worth `liability`.
pub fn table(
    l: Locale,
    roll: &RollForward,
    liability: &Liability,
    since: Timestamp,
    tz: &TimeZone,
) -> RollTable {
    let t = l.strings();
    let row = |line: &'static str, label: String, held: Held, balance: bool| {
        let shown = |n: i64| if balance { l.integer(n) } else { l.signed(n) };
        let cells = [held.available, held.pending, held.total()].map(|p| (p.get(), shown(p.get())));
        RollRow {
            line,
            label,
            cells,
            balance,
        }
    };
    let mut rows = vec![row(
        "opening",
        t.with("staff_pages.roll_opening", "at", &l.date_time(since, tz)),
        roll.opening,
        true,
    )];
    rows.extend(roll.lines.iter().map(|(line, held)| {
        let key = format!("staff_pages.roll_{}", line.as_str());
        row(line.as_str(), t.get(&key).to_owned(), *held, false)
    }));
    rows.push(row(
        "closing",
        t.get("staff_pages.roll_closing").to_owned(),
        roll.closing,
        true,
    ));
    RollTable {
        rows,
        value: [&liability.available, &liability.pending, &liability.total].map(|m| l.money(*m)),
    }
}
