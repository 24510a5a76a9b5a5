//! On PostgreSQL, everything a transaction holds — the rows of every append-only table and the
//! balance changes — written by one statement: each table's rows a JSON array, one parameter
//! per table, each inserted by a sub-statement of a `WITH`.
//!
//! Why: on PostgreSQL every statement is a round trip and an executor start. Written as
//! multi-row INSERTs, a batch of a few dozen commands still took a statement per table and
//! statement size (two or three per table, eight tables) and as many for the balances. One
//! statement per batch costs the same whatever the batch holds.
//!
//! Foreign keys hold: PostgreSQL checks them when the whole statement ends, so a row may
//! reference one inserted by another sub-statement of it. A table with nothing to write gets
//! `[]` and inserts nothing.

use crate::write::appends::{Held, TABLES, Table};
use std::fmt::Write;
use std::sync::LazyLock;

/// The statement: parameter `n` (1-based) holds the rows of `TABLES[n - 1]`, the last one the
/// balance changes.
pub(crate) static WRITE_AT_ONCE: LazyLock<String> = LazyLock::new(|| {
    let mut parts: Vec<String> = TABLES
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let name = table.name();
            let columns = table.columns().join(", ");
            format!(
                "{name}_rows AS (INSERT INTO {name} ({columns}) SELECT {columns} \
                 FROM json_populate_recordset(NULL::{name}, CAST(${} AS json)))",
                i + 1
            )
        })
        .collect();
    // The members are found by an `= ANY` of their ids: left to join the change rows (which
    // the planner guesses at 100) with `members`, it hashes them and scans the whole table.
    let n = TABLES.len() + 1;
    parts.push(format!(
        "balances AS (UPDATE members SET available = members.available + b.available, \
         pending = members.pending + b.pending \
         FROM json_to_recordset(CAST(${n} AS json)) AS b(id BIGINT, available BIGINT, pending BIGINT) \
         WHERE members.id = b.id AND members.id = ANY(ARRAY(\
         SELECT CAST(e->>'id' AS BIGINT) FROM json_array_elements(CAST(${n} AS json)) AS e)))"
    ));
    format!("WITH {} SELECT 1", parts.join(", "))
});

/// The rows of `table` (its held values, row after row) as a JSON array of objects.
pub(crate) fn rows_json(table: Table, values: &[Held]) -> String {
    let columns = table.columns();
    let mut json = String::with_capacity(values.len() * 16 + 2);
    json.push('[');
    for (r, row) in values.chunks_exact(columns.len()).enumerate() {
        if r > 0 {
            json.push(',');
        }
        json.push('{');
        for (c, (column, value)) in columns.iter().zip(row).enumerate() {
            if c > 0 {
                json.push(',');
            }
            let _ = write!(json, "\"{column}\":");
            match value {
                Held::Int(Some(v)) => {
                    let _ = write!(json, "{v}");
                }
                Held::Text(Some(text)) => {
                    // Serializing a string cannot fail.
                    json.push_str(&serde_json::to_string(text).unwrap_or_default());
                }
                Held::Int(None) | Held::Text(None) => json.push_str("null"),
            }
        }
        json.push('}');
    }
    json.push(']');
    json
}

/// Balance changes (member, available, pending) as a JSON array of objects.
pub(crate) fn balances_json(changes: &[[i64; 3]]) -> String {
    let rows: Vec<String> = changes
        .iter()
        .map(|[id, available, pending]| {
            format!("{{\"id\":{id},\"available\":{available},\"pending\":{pending}}}")
        })
        .collect();
    format!("[{}]", rows.join(","))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::db::sql::{Arg, args};

    #[test]
    fn rows_become_json_objects_by_column_with_text_escaped_and_nulls() {
        let row: &[Arg] = args![7_i64, 3_i64, "earn \"quoted\"\n", Option::<i64>::None];
        let mut values: Vec<Held> = row.iter().map(Held::from).collect();
        values.extend(row.iter().map(Held::from));
        let json = rows_json(Table::LotMoves, &values);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        let expected = serde_json::json!({
            "journal_id": 7, "lot_id": 3, "kind": "earn \"quoted\"\n", "amount": null
        });
        assert_eq!(parsed, serde_json::json!([expected.clone(), expected]));
        assert_eq!(rows_json(Table::LotMoves, &[]), "[]");
    }

    #[test]
    fn the_statement_has_one_parameter_per_table_and_one_for_the_balances() {
        let sql = &*WRITE_AT_ONCE;
        for n in 1..=TABLES.len() + 1 {
            assert!(sql.contains(&format!("CAST(${n} AS json)")), "${n}");
        }
        assert!(!sql.contains(&format!("${}", TABLES.len() + 2)));
        assert_eq!(
            balances_json(&[[1, 2, -3]]),
            r#"[{"id":1,"available":2,"pending":-3}]"#
        );
    }
}
