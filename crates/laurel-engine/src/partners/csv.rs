//! A partner's statement as CSV: a record per line, then the totals and what is due, in the
//! same columns so a spreadsheet sums the lines and checks them against the totals. The API
//! and the console both write it with this.

use super::views::{PartnerStatement, StatementLine};
use crate::Engine;
use crate::error::{EngineError, Result};
use laurel_core::insight::Period;
use laurel_core::text::spreadsheet_safe;
use laurel_store::PARTNER_ENTRIES_PAGE_MAX;

/// The columns of a statement's CSV.
pub const STATEMENT_COLUMNS: [&str; 10] = [
    "line",
    "kind",
    "posted_at",
    "member_id",
    "external_id",
    "entry_id",
    "reference",
    "points",
    "price",
    "amount",
];

fn line_record(l: &StatementLine, digits: usize) -> [String; 10] {
    [
        l.id.to_string(),
        l.kind.as_str().to_owned(),
        l.posted_at.to_string(),
        l.member_id.to_string(),
        // Typed by tills and partners: never run as a formula where the file is opened.
        spreadsheet_safe(&l.external_id).into_owned(),
        l.entry_id.to_string(),
        spreadsheet_safe(&l.reference).into_owned(),
        l.points.to_string(),
        l.price.to_string(),
        format!("{:.*}", digits, l.amount),
    ]
}

fn total_record(
    kind: &str,
    points: String,
    amount: rust_decimal::Decimal,
    digits: usize,
) -> [String; 10] {
    let blank = String::new;
    [
        blank(),
        kind.to_owned(),
        blank(),
        blank(),
        blank(),
        blank(),
        blank(),
        points,
        blank(),
        format!("{:.*}", digits, amount),
    ]
}

impl Engine {
    /// `code`'s whole statement for `period` as CSV: every line (read a page at a time),
    /// then `issued_total`, `burned_total` and `due` (issued less burned: what the partner
    /// owes the program; negative when the program owes the partner).
    pub async fn partner_statement_csv(&self, code: &str, period: Period) -> Result<String> {
        let first = self
            .partner_statement(code, period, None, PARTNER_ENTRIES_PAGE_MAX)
            .await?;
        let PartnerStatement {
            settlement,
            currency,
            lines,
            mut next,
            ..
        } = first;
        let digits = currency.minor_digits() as usize;
        let fail = |e: csv::Error| EngineError::Internal(e.to_string());
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(STATEMENT_COLUMNS).map_err(fail)?;
        for line in &lines {
            out.write_record(line_record(line, digits)).map_err(fail)?;
        }
        while let Some(after) = next {
            let (page, more) = self
                .partner_statement_lines(code, period, Some(after), PARTNER_ENTRIES_PAGE_MAX)
                .await?;
            for line in &page {
                out.write_record(line_record(line, digits)).map_err(fail)?;
            }
            next = more;
        }
        let totals = [
            (
                "issued_total",
                settlement.issued_points.to_string(),
                settlement.issued_amount,
            ),
            (
                "burned_total",
                settlement.burned_points.to_string(),
                settlement.burned_amount,
            ),
            ("due", String::new(), settlement.due()),
        ];
        for (kind, points, amount) in totals {
            out.write_record(total_record(kind, points, amount, digits))
                .map_err(fail)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
