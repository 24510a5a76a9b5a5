//! Coalition partners: the program's partners, and what each settles with the program for a
//! period (`views::PartnerStatement`). What a partner issues and burns is recorded by the
//! write path as it posts (`entries.rs`).

pub mod csv;
pub(crate) mod entries;
pub mod views;

use crate::Engine;
use crate::error::Result;
use crate::insight::period_error;
use laurel_core::insight::Period;
use laurel_core::partners::{Settlement, SettlementLine};
use laurel_store::PARTNER_ENTRIES_PAGE_MAX;
use views::{PartnerStatement, PartnerView, StatementLine};

impl Engine {
    /// The program's partners, in the order it declares them.
    pub fn partners(&self) -> Vec<PartnerView> {
        self.definition()
            .partners
            .all()
            .iter()
            .map(PartnerView::from)
            .collect()
    }

    /// The partner with this code as the latest program version that has it declares it (a
    /// partner the program has since dropped still has its statements), or
    /// `unknown_partner`.
    pub fn partner(&self, code: &str) -> Result<PartnerView> {
        let timeline = self.programs.snapshot();
        let now = jiff::Timestamp::now();
        timeline
            .versions()
            .iter()
            .rev()
            .filter(|v| v.effective_from <= now)
            .find_map(|v| v.definition.partners.get(code).map(PartnerView::from))
            .ok_or_else(|| crate::error::EngineError::UnknownPartner(code.to_owned()))
    }

    /// The partners of the program in force, then those earlier versions declared that it no
    /// longer does: every partner a statement may be asked of.
    pub fn partners_ever(&self) -> Vec<PartnerView> {
        let timeline = self.programs.snapshot();
        let now = jiff::Timestamp::now();
        let mut all: Vec<PartnerView> = Vec::new();
        for version in timeline
            .versions()
            .iter()
            .rev()
            .filter(|v| v.effective_from <= now)
        {
            for p in version.definition.partners.all() {
                if !all.iter().any(|known| known.code == p.code) {
                    all.push(PartnerView::from(p));
                }
            }
        }
        all
    }

    /// `code`'s statement for `period` (whole days in the program's time zone, by when each
    /// entry was posted): the totals, and up to `limit` lines after entry `after`.
    pub async fn partner_statement(
        &self,
        code: &str,
        period: Period,
        after: Option<i64>,
        limit: u32,
    ) -> Result<PartnerStatement> {
        let partner = self.partner(code)?;
        let definition = self.definition();
        let program = &definition.program;
        let bounds = period.bounds(&program.time_zone).map_err(period_error)?;
        let groups = self
            .store
            .partner_entry_groups(code, bounds.from, bounds.to)
            .await?;
        // Every line of a group has the same amount, so the totals add the lines exactly.
        let mut settlement = Settlement::default();
        let mut lines_total = 0;
        for g in &groups {
            let one = Settlement::of(
                &[SettlementLine {
                    kind: g.kind,
                    points: g.points,
                    price: g.price,
                }],
                program.currency,
            );
            let n = rust_decimal::Decimal::from(g.count);
            settlement.issued_points += one.issued_points * g.count;
            settlement.issued_amount += one.issued_amount * n;
            settlement.burned_points += one.burned_points * g.count;
            settlement.burned_amount += one.burned_amount * n;
            lines_total += g.count;
        }
        let (lines, next) = self
            .lines_between(code, bounds, program.currency, after, limit)
            .await?;
        Ok(PartnerStatement {
            partner,
            currency: program.currency,
            from: period.from,
            to: period.to,
            starts_at: bounds.from,
            ends_at: bounds.to,
            settlement,
            lines_total,
            lines,
            next,
        })
    }

    /// Up to `limit` lines of `code`'s statement for `period` after entry `after`, oldest
    /// first, and where the next page starts when more follow.
    pub async fn partner_statement_lines(
        &self,
        code: &str,
        period: Period,
        after: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<StatementLine>, Option<i64>)> {
        self.partner(code)?;
        let definition = self.definition();
        let program = &definition.program;
        let bounds = period.bounds(&program.time_zone).map_err(period_error)?;
        self.lines_between(code, bounds, program.currency, after, limit)
            .await
    }

    /// Up to `limit` lines of `code`'s entries posted between `bounds`, after entry `after`,
    /// their amounts in `currency`; where the next page starts when more follow.
    async fn lines_between(
        &self,
        code: &str,
        bounds: laurel_core::insight::PeriodBounds,
        currency: laurel_core::Currency,
        after: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<StatementLine>, Option<i64>)> {
        let limit = limit.clamp(1, PARTNER_ENTRIES_PAGE_MAX);
        let mut entries = self
            .store
            .partner_entries(code, bounds.from, bounds.to, after, limit)
            .await?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let lines: Vec<StatementLine> = entries
            .into_iter()
            .map(|e| StatementLine::new(e, currency))
            .collect();
        let next = more.then(|| lines.last().map(|l| l.id)).flatten();
        Ok((lines, next))
    }
}
