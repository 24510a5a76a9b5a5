//! Rows a transaction appends to the ledger's append-only tables, held until a statement needs
//! them or the transaction commits, then written many rows to a statement.
//!
//! Why: a purchase appends a row or a few to eight tables. Written one statement each, the
//! per-statement cost dominates the write path — on PostgreSQL a round trip and an executor
//! start per statement, on SQLite a bind and a step — while a batch of commands appends the
//! same shapes of rows dozens of times. Held and written together, each table costs a few
//! statements per batch instead of one per command.
//!
//! What keeps every read right: before a statement runs in the transaction, the held rows of
//! each table it names are written first — named by the table's name, or by a column that
//! references the table (`journal_id`, `lot_id`, `purchase_id`, so that no foreign key ever
//! points at a row not yet written) — together with the held rows of the tables those rows
//! reference. A statement that names none of them runs with the rows still held. The usage
//! read looks at the held grants itself instead, so it need not write them (see
//! [`Appends::rows`]); an idempotent answer stored in the transaction is known to it
//! (`known.rs`). On PostgreSQL every table's held rows are written by one statement
//! (`at_once.rs`); on SQLite, many rows to a statement per table.

use crate::db::backend::Backend;
use crate::db::sql::Arg;
use crate::write::sized::SizedTexts;
use std::sync::LazyLock;

/// An append-only table whose rows a transaction may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    Journal,
    Lots,
    Entries,
    LotMoves,
    Purchases,
    PurchaseLines,
    EarnGrants,
    Idempotency,
}

/// Every table, each after the tables its rows reference: the order rows are written in.
pub(crate) const TABLES: [Table; 8] = [
    Table::Journal,
    Table::Lots,
    Table::Entries,
    Table::LotMoves,
    Table::Purchases,
    Table::PurchaseLines,
    Table::EarnGrants,
    Table::Idempotency,
];

/// Most rows of one table held at once: a bound on memory and on the scans of
/// [`Appends::rows`], well past where more rows per statement stop paying.
pub(crate) const HELD_MAX: usize = 256;

impl Table {
    /// The table's name in SQL.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Table::Journal => "journal",
            Table::Lots => "lots",
            Table::Entries => "entries",
            Table::LotMoves => "lot_moves",
            Table::Purchases => "purchases",
            Table::PurchaseLines => "purchase_lines",
            Table::EarnGrants => "earn_grants",
            Table::Idempotency => "idempotency",
        }
    }

    /// The columns a held row carries, in order.
    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Journal => &[
                "id",
                "member_id",
                "kind",
                "available_delta",
                "pending_delta",
                "shortfall",
                "reason",
                "reference",
                "actor",
                "effective_at",
                "posted_at",
                "program_version",
            ],
            Table::Lots => &[
                "id",
                "member_id",
                "journal_id",
                "amount",
                "remaining",
                "earned_at",
                "expires_at",
                "pending_until",
                "carried_from",
            ],
            Table::Entries => &["journal_id", "account", "member_id", "amount"],
            Table::LotMoves => &["journal_id", "lot_id", "kind", "amount"],
            Table::Purchases => &[
                "id",
                "member_id",
                "channel",
                "order_id",
                "store",
                "currency",
                "total_minor",
                "refunded_minor",
                "points_earned",
                "points_reversed",
                "lot_id",
                "occurred_at",
                "recorded_at",
                "tier_discount_minor",
                "prev_occurred_at",
                "partner",
            ],
            Table::PurchaseLines => &[
                "purchase_id",
                "line_no",
                "sku",
                "category",
                "quantity",
                "unit_price_minor",
                "refunded_quantity",
            ],
            Table::EarnGrants => &[
                "journal_id",
                "member_id",
                "rule_id",
                "points",
                "occurred_at",
                "ordinal",
                "basis",
                "label",
                "effect",
                "factor",
                "spend_minor",
                "base_points",
                "capped_by",
            ],
            Table::Idempotency => &["scope", "idem_key", "fingerprint", "response", "created_at"],
        }
    }

    /// How other tables' columns reference this table (matched as the end of a column name,
    /// so `restore_journal_id` counts too).
    fn referenced_as(self) -> Option<&'static str> {
        match self {
            Table::Journal => Some("journal_id"),
            Table::Lots => Some("lot_id"),
            Table::Purchases => Some("purchase_id"),
            _ => None,
        }
    }

    /// The tables this table's rows reference.
    fn parents(self) -> &'static [Table] {
        match self {
            Table::Lots | Table::Entries | Table::EarnGrants => &[Table::Journal],
            Table::LotMoves => &[Table::Journal, Table::Lots],
            Table::Purchases => &[Table::Lots],
            Table::PurchaseLines => &[Table::Purchases],
            Table::Journal | Table::Idempotency => &[],
        }
    }

    fn bit(self) -> Tables {
        Tables(1 << self as u8)
    }
}

/// A set of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Tables(u8);

impl Tables {
    /// No table.
    pub(crate) const NONE: Tables = Tables(0);
    /// Every table.
    pub(crate) const ALL: Tables = Tables(u8::MAX);

    /// Just `table`.
    pub(crate) fn of(table: Table) -> Tables {
        table.bit()
    }

    /// Whether `table` is in the set.
    pub(crate) fn has(self, table: Table) -> bool {
        self.0 & table.bit().0 != 0
    }

    /// The set without `table`.
    pub(crate) fn without(self, table: Table) -> Tables {
        Tables(self.0 & !table.bit().0)
    }

    /// The set with the tables its tables' rows reference, and theirs.
    fn with_parents(self) -> Tables {
        let mut set = self;
        // Children come after their parents in TABLES, so one backward pass closes the set.
        for table in TABLES.iter().rev() {
            if set.has(*table) {
                for parent in table.parents() {
                    set.0 |= parent.bit().0;
                }
            }
        }
        set
    }
}

/// A held value: what an [`Arg`] borrowed, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Held {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Held {
    /// The value as a statement's argument.
    pub(crate) fn arg(&self) -> Arg<'_> {
        match self {
            Held::Int(v) => Arg::Int(*v),
            Held::Text(v) => Arg::Text(v.as_deref()),
        }
    }

    /// The integer held, if it is one.
    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Held::Int(v) => *v,
            Held::Text(_) => None,
        }
    }

    /// The text held, if it is one.
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Held::Text(v) => v.as_deref(),
            Held::Int(_) => None,
        }
    }
}

impl From<&Arg<'_>> for Held {
    fn from(arg: &Arg<'_>) -> Held {
        match *arg {
            Arg::Int(v) => Held::Int(v),
            Arg::Text(v) => Held::Text(v.map(str::to_owned)),
        }
    }
}

/// The rows a transaction holds, per table, each row's values in [`Table::columns`] order.
#[derive(Debug, Default)]
pub(crate) struct Appends {
    held: [Vec<Held>; TABLES.len()],
}

impl Appends {
    /// Holds a row of `table`; true when the table holds [`HELD_MAX`] rows and should be
    /// written.
    pub(crate) fn push(&mut self, table: Table, row: &[Arg<'_>]) -> bool {
        let columns = table.columns().len();
        assert_eq!(
            row.len(),
            columns,
            "a row of {} has {columns} values",
            table.name()
        );
        let held = &mut self.held[table as usize];
        held.extend(row.iter().map(Held::from));
        held.len() / columns >= HELD_MAX
    }

    /// The rows of `table` held now.
    pub(crate) fn rows(&self, table: Table) -> impl Iterator<Item = &[Held]> {
        self.held[table as usize].chunks_exact(table.columns().len())
    }

    /// The tables whose held rows must be written before `sql` runs, the tables they
    /// reference included: each table `sql` names, by name or by a referencing column.
    #[cfg(test)]
    fn needed_by(&self, sql: &str) -> Tables {
        self.with_held_parents(self.holding(Mentions::of(sql).any))
    }

    /// Those of `tables` that hold rows.
    pub(crate) fn holding(&self, tables: Tables) -> Tables {
        let mut set = Tables::NONE;
        for table in TABLES {
            if tables.has(table) && !self.held[table as usize].is_empty() {
                set.0 |= table.bit().0;
            }
        }
        set
    }

    /// True when no table holds a row.
    pub(crate) fn is_empty(&self) -> bool {
        self.held.iter().all(Vec::is_empty)
    }

    /// `tables` with the tables their rows reference, keeping only those that hold rows.
    pub(crate) fn with_held_parents(&self, tables: Tables) -> Tables {
        self.holding(tables.with_parents())
    }

    /// Takes the held rows of the tables in `tables`, in the order they must be written.
    pub(crate) fn take(&mut self, tables: Tables) -> Vec<(Table, Vec<Held>)> {
        let mut taken = Vec::new();
        for table in TABLES {
            let held = &mut self.held[table as usize];
            if tables.has(table) && !held.is_empty() {
                taken.push((table, std::mem::take(held)));
            }
        }
        taken
    }

    /// Forgets every held row (the transaction rolled back to before them).
    pub(crate) fn clear(&mut self) {
        for held in &mut self.held {
            held.clear();
        }
    }
}

/// The append-only tables a statement names: by their own name, or by a column that
/// references them (a column whose name ends with `journal_id`, `lot_id` or `purchase_id`).
/// Found in one pass over the statement's identifiers, since every statement of a
/// transaction asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Mentions {
    /// Tables named as such.
    pub(crate) by_name: Tables,
    /// Tables named either way.
    pub(crate) any: Tables,
    /// Whether the `members` table is named (its balances may be held, see `balances.rs`).
    pub(crate) members: bool,
}

impl Mentions {
    /// What `sql` mentions.
    pub(crate) fn of(sql: &str) -> Mentions {
        let mut mentions = Mentions::default();
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        for word in sql.split(|c: char| !is_ident(c)) {
            if word == "members" {
                mentions.members = true;
            } else if let Some(table) = TABLES.iter().find(|t| t.name() == word) {
                mentions.by_name.0 |= table.bit().0;
                mentions.any.0 |= table.bit().0;
            } else if let Some(table) = TABLES
                .iter()
                .find(|t| t.referenced_as().is_some_and(|r| word.ends_with(r)))
            {
                mentions.any.0 |= table.bit().0;
            }
        }
        mentions
    }
}

/// The INSERT statements for `rows` rows of `table`: how many rows each writes, and its text.
pub(crate) fn inserts(
    table: Table,
    rows: usize,
    backend: Backend,
) -> impl Iterator<Item = (usize, &'static str)> {
    INSERTS[table as usize].chunks(rows, backend)
}

/// Every table's INSERT texts, by table.
static INSERTS: LazyLock<Vec<SizedTexts>> = LazyLock::new(|| {
    TABLES
        .iter()
        .map(|table| {
            let columns = table.columns();
            SizedTexts::new(|rows| {
                format!(
                    "INSERT INTO {} ({}) VALUES {}",
                    table.name(),
                    columns.join(", "),
                    crate::types::placeholders(rows, columns.len())
                )
            })
        })
        .collect()
});

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::db::sql::args;

    fn holding(tables: &[Table]) -> Appends {
        let mut appends = Appends::default();
        for table in tables {
            let row: Vec<Arg> = table.columns().iter().map(|_| Arg::Int(Some(1))).collect();
            appends.push(*table, &row);
        }
        appends
    }

    #[test]
    fn a_statement_that_names_nothing_held_leaves_the_rows_held() {
        let appends = holding(&[Table::Journal, Table::Entries, Table::Idempotency]);
        let sql = "UPDATE members SET available = available + $1 WHERE id = $2";
        assert_eq!(appends.needed_by(sql), Tables::NONE);
    }

    #[test]
    fn a_read_of_a_held_table_needs_it_and_the_tables_it_references() {
        let appends = holding(&[
            Table::Journal,
            Table::Lots,
            Table::Entries,
            Table::EarnGrants,
        ]);
        let needed = appends.needed_by("SELECT SUM(points) FROM earn_grants WHERE member_id = $1");
        assert!(needed.has(Table::EarnGrants) && needed.has(Table::Journal));
        assert!(!needed.has(Table::Lots) && !needed.has(Table::Entries));
    }

    #[test]
    fn a_column_referencing_a_held_table_needs_it_so_no_key_points_at_an_unwritten_row() {
        let appends = holding(&[Table::Journal, Table::Purchases, Table::Lots]);
        let refund = "INSERT INTO refunds (purchase_id, journal_id) VALUES ($1, $2)";
        let needed = appends.needed_by(refund);
        assert!(needed.has(Table::Purchases) && needed.has(Table::Lots));
        assert!(needed.has(Table::Journal));
        let restore = "UPDATE reward_redemptions SET restore_journal_id = $1";
        assert!(appends.needed_by(restore).has(Table::Journal));
    }

    #[test]
    fn a_name_inside_a_longer_identifier_is_not_the_table() {
        let appends = holding(&[Table::Lots, Table::Purchases]);
        assert_eq!(
            appends.needed_by("SELECT slots, purchases_total FROM report"),
            Tables::NONE
        );
    }

    #[test]
    fn a_referencing_column_mentions_its_table_but_does_not_name_it() {
        let mentions = Mentions::of("UPDATE lots SET remaining = $1 WHERE journal_id = $2");
        assert_eq!(mentions.by_name, Table::Lots.bit());
        assert_eq!(
            mentions.any,
            Tables(Table::Lots.bit().0 | Table::Journal.bit().0)
        );
    }

    #[test]
    fn rows_are_taken_parents_first() {
        let mut appends = holding(&[Table::PurchaseLines, Table::Purchases, Table::Journal]);
        let order: Vec<Table> = appends
            .take(Tables::ALL)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(
            order,
            [Table::Journal, Table::Purchases, Table::PurchaseLines]
        );
        assert_eq!(appends.needed_by("SELECT * FROM journal"), Tables::NONE);
    }

    #[test]
    fn held_rows_split_into_statements_of_powers_of_two_up_to_the_largest() {
        let sizes: Vec<usize> = inserts(Table::Entries, 45, Backend::Postgres)
            .map(|(n, _)| n)
            .collect();
        assert_eq!(sizes, [32, 8, 4, 1]);
        let sizes: Vec<usize> = inserts(Table::Entries, 300, Backend::Sqlite)
            .map(|(n, _)| n)
            .collect();
        assert_eq!(sizes, [128, 128, 32, 8, 4]);
        let (_, sql) = inserts(Table::LotMoves, 2, Backend::Postgres)
            .next()
            .unwrap();
        assert_eq!(
            sql,
            "INSERT INTO lot_moves (journal_id, lot_id, kind, amount) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)"
        );
        let (_, sql) = inserts(Table::LotMoves, 2, Backend::Sqlite).next().unwrap();
        assert_eq!(
            sql,
            "INSERT INTO lot_moves (journal_id, lot_id, kind, amount) VALUES (?1, ?2, ?3, ?4), (?5, ?6, ?7, ?8)"
        );
    }

    #[test]
    fn pushing_reports_when_a_table_is_full() {
        let mut appends = Appends::default();
        let row = args![1_i64, 2_i64, "open", 3_i64];
        let full = (0..HELD_MAX)
            .map(|_| appends.push(Table::LotMoves, row))
            .collect::<Vec<_>>();
        assert_eq!(full.iter().filter(|f| **f).count(), 1);
        assert!(full[HELD_MAX - 1]);
        assert_eq!(appends.rows(Table::LotMoves).count(), HELD_MAX);
    }
}
