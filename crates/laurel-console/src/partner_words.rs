//! Coalition partners in the page's words, for the partners page and a partner's statement
//! alike: a partner's name and prices, what a period's settlement totals and which way the
//! money is due, and a statement's line.

use crate::i18n::Locale;
use crate::table::Table;
use jiff::tz::TimeZone;
use laurel_core::Currency;
use laurel_core::partners::{EntryKind, Settlement};
use laurel_engine::{PartnerView, StatementLine};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A partner as the pages name it.
pub(crate) struct PartnerWords {
    /// Its code, as links and the program file write it.
    pub code: String,
    /// Its name in the page's language.
    pub name: String,
    /// What it pays the program for each point it issues.
    pub price_per_point: String,
    /// What the program pays it for each point burned there.
    pub reimbursement_per_point: String,
}

impl PartnerWords {
    /// `partner` in `l`, its prices in `currency`.
    pub(crate) fn of(l: Locale, partner: &PartnerView, currency: Currency) -> PartnerWords {
        PartnerWords {
            code: partner.code.clone(),
            name: l.text(&partner.name).to_owned(),
            // A price per point is often finer than the minor unit (¥0.005): `amount` says so.
            price_per_point: l.amount(partner.price_per_point, currency),
            reimbursement_per_point: l.amount(partner.reimbursement_per_point, currency),
        }
    }

    /// Its code and prices in a sentence (the template asks, and askama passes its
    /// arguments by reference).
    pub(crate) fn prices(&self, l: &Locale) -> String {
        l.strings().fill(
            "partners.prices",
            &[
                ("code", &self.code),
                ("price", &self.price_per_point),
                ("reimbursement", &self.reimbursement_per_point),
            ],
        )
    }
}

/// What a partner and the program owe each other for a period, in words.
pub(crate) struct TotalsWords {
    /// Points the partner issued, net of reversals.
    pub issued_points: String,
    /// What the partner owes for them.
    pub issued_amount: String,
    /// Points burned at the partner, net of cancellations.
    pub burned_points: String,
    /// What the program owes for them.
    pub burned_amount: String,
    /// `partner_owes`, `program_owes` or `settled`: which way the difference goes, for tests
    /// and styles.
    pub direction: &'static str,
    /// The difference in a sentence that says who pays whom.
    pub due: String,
}

impl TotalsWords {
    /// `settlement`'s totals in `l`, amounts in `currency`.
    pub(crate) fn of(l: Locale, settlement: &Settlement, currency: Currency) -> TotalsWords {
        let t = l.strings();
        let money = |amount: Decimal| l.amount(amount, currency);
        let due = settlement.due();
        // The engine's due is signed from the partner's side; people read who pays whom.
        let (direction, due) = match due.cmp(&Decimal::ZERO) {
            Ordering::Greater => (
                "partner_owes",
                t.with("partners.partner_owes", "amount", &money(due)),
            ),
            Ordering::Less => (
                "program_owes",
                t.with("partners.program_owes", "amount", &money(-due)),
            ),
            Ordering::Equal => ("settled", t.get("partners.settled").to_owned()),
        };
        TotalsWords {
            issued_points: l.integer(settlement.issued_points),
            issued_amount: money(settlement.issued_amount),
            burned_points: l.integer(settlement.burned_points),
            burned_amount: money(settlement.burned_amount),
            direction,
            due,
        }
    }

    /// The totals as a table of figures (`templates/table.html`): a row each way.
    pub(crate) fn table(&self, l: Locale, id: &str) -> Table {
        let t = l.strings();
        let mut table = Table::of_figures(
            id,
            ["partners.kind", "partners.points", "partners.amount"]
                .map(|key| t.get(key).to_owned())
                .to_vec(),
        );
        table.rows = vec![
            vec![
                kind(l, EntryKind::Issued),
                self.issued_points.clone(),
                self.issued_amount.clone(),
            ],
            vec![
                kind(l, EntryKind::Burned),
                self.burned_points.clone(),
                self.burned_amount.clone(),
            ],
        ];
        table
    }
}

/// Which way an entry moves money, in a word.
pub(crate) fn kind(l: Locale, kind: EntryKind) -> String {
    l.strings()
        .get(&format!("partners.kind_{}", kind.as_str()))
        .to_owned()
}

/// A statement's line as the page lists it.
pub(crate) struct LineWords {
    /// The entry's id (the statement pages on it).
    pub id: i64,
    /// When it was posted, in the program's time zone.
    pub posted: String,
    /// The member, for the link to their page.
    pub member_id: i64,
    /// The member's id in the business's systems.
    pub external_id: String,
    /// `issued` or `burned`.
    pub kind: &'static str,
    /// The kind in a word.
    pub kind_words: String,
    /// What it was for, as the till or the engine wrote it.
    pub reference: String,
    /// Points, negative for a reversal or a cancellation.
    pub points: String,
    /// The price per point it settles at.
    pub price: String,
    /// What it is worth.
    pub amount: String,
}

impl LineWords {
    /// `line` in `l`, its times in `tz` and its money in `currency`.
    pub(crate) fn of(
        l: Locale,
        tz: &TimeZone,
        currency: Currency,
        line: &StatementLine,
    ) -> LineWords {
        LineWords {
            id: line.id,
            posted: l.date_time(line.posted_at, tz),
            member_id: line.member_id,
            external_id: line.external_id.clone(),
            kind: line.kind.as_str(),
            kind_words: kind(l, line.kind),
            reference: line.reference.clone(),
            points: l.integer(line.points),
            price: l.amount(line.price, currency),
            amount: l.amount(line.amount, currency),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn settlement(issued: &str, burned: &str) -> Settlement {
        Settlement {
            issued_points: 100,
            issued_amount: issued.parse().unwrap(),
            burned_points: 50,
            burned_amount: burned.parse().unwrap(),
        }
    }

    #[test]
    fn the_difference_says_who_pays_whom_in_either_language() {
        let cny: Currency = "CNY".parse().unwrap();
        let owes = TotalsWords::of(Locale::En, &settlement("1.00", "0.40"), cny);
        assert_eq!(owes.direction, "partner_owes");
        assert_eq!(owes.due, "The partner owes the program CNY 0.60.");
        let owed = TotalsWords::of(Locale::ZhCn, &settlement("0.10", "0.40"), cny);
        assert_eq!(owed.direction, "program_owes");
        assert_eq!(owed.due, "本计划应付合作伙伴 ¥0.30。");
        let even = TotalsWords::of(Locale::En, &settlement("0.40", "0.40"), cny);
        assert_eq!(
            (even.direction, even.due.as_str()),
            ("settled", "Nothing is due either way.")
        );
    }

    #[test]
    fn the_totals_table_has_a_row_each_way() {
        let cny: Currency = "CNY".parse().unwrap();
        let table = TotalsWords::of(Locale::En, &settlement("1.00", "0.40"), cny)
            .table(Locale::En, "totals");
        assert_eq!(
            table.rows,
            [
                ["Issued", "100", "CNY 1.00"].map(String::from).to_vec(),
                ["Burned", "50", "CNY 0.40"].map(String::from).to_vec(),
            ]
        );
    }
}
