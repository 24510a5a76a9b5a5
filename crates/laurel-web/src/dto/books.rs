//! The books' shapes: a report (the contract liability rolled forward, the provision for
//! points given, period by period), its journal (also as CSV), estimates and closes.

use super::shared::decimal;
use jiff::tz::TimeZone;
use laurel_core::books::{MembershipFeesRoll, PeriodBooks, Roll, StoredValueRoll};
use laurel_engine::{
    BooksClose, BooksEstimate, BooksJournal, BooksReport, JournalRow, RateSource, journal_csv,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The points behind a pool's money over a period.
#[derive(Serialize, ToSchema)]
pub struct PointsBehindBody {
    /// Points issued into the pool (earned with sales, or given).
    pub issued: i64,
    /// Points taken back by refunds (or repaying what a member owed).
    pub reversed: i64,
    /// Points redeemed, less those given back by cancelled redemptions.
    pub redeemed: i64,
    /// Points expired or forfeited.
    pub expired: i64,
}

impl PointsBehindBody {
    fn of(r: &Roll) -> PointsBehindBody {
        PointsBehindBody {
            issued: r.issued,
            reversed: r.taken_back,
            redeemed: r.redeemed,
            expired: r.expired,
        }
    }
}

/// The contract liability for points earned with sales, rolled forward: opening + deferred
/// − reversed − recognised − breakage = closing. Decimals in the program's currency, rounded
/// to its minor unit.
#[derive(Serialize, ToSchema)]
pub struct ContractLiabilityBody {
    /// Owed at the start.
    pub opening_liability: String,
    /// Deferred from sales: each sale's price allocated to its points.
    pub deferred: String,
    /// Taken out again by refunds.
    pub reversed: String,
    /// Recognised as revenue as points were redeemed (the cumulative catch-up).
    pub recognised: String,
    /// Recognised as points lapsed or are expected never to be redeemed.
    pub breakage: String,
    /// Owed at the end.
    pub closing_liability: String,
    /// The points behind each.
    pub points: PointsBehindBody,
}

impl ContractLiabilityBody {
    fn of(r: &Roll) -> ContractLiabilityBody {
        ContractLiabilityBody {
            opening_liability: decimal(r.opening),
            deferred: decimal(r.put_in),
            reversed: decimal(r.reversed),
            recognised: decimal(r.recognised),
            breakage: decimal(r.breakage),
            closing_liability: decimal(r.closing),
            points: PointsBehindBody::of(r),
        }
    }
}

/// The provision for points given without a sale (events, referrals, adjustments, gifts): a
/// marketing expense when given, used as they are redeemed, released as they lapse.
#[derive(Serialize, ToSchema)]
pub struct ProvisionBody {
    /// Provided for at the start.
    pub opening: String,
    /// Provided for points given: points × price × the expected redemption rate then.
    pub provided: String,
    /// Released as points given were taken back.
    pub reversed: String,
    /// Used as points given were redeemed (rewards handed over).
    pub settled: String,
    /// Released as points given lapsed or are expected never to be redeemed.
    pub released: String,
    /// Provided for at the end.
    pub closing: String,
    /// The points behind each.
    pub points: PointsBehindBody,
}

impl ProvisionBody {
    fn of(r: &Roll) -> ProvisionBody {
        ProvisionBody {
            opening: decimal(r.opening),
            provided: decimal(r.put_in),
            reversed: decimal(r.reversed),
            settled: decimal(r.recognised),
            released: decimal(r.breakage),
            closing: decimal(r.closing),
            points: PointsBehindBody::of(r),
        }
    }
}

/// The value held in wallets and gift cards, owed to their holders: opening + paid in + bonus
/// given − spent + refunded − cashed out = closing.
#[derive(Serialize, ToSchema)]
pub struct StoredValueBody {
    /// Held at the start.
    pub opening: String,
    /// Money paid in: top-ups, gift cards sold.
    pub paid_in: String,
    /// Bonus value given with top-ups (a marketing expense).
    pub bonus_given: String,
    /// Paid for orders (payments, captured holds).
    pub spent: String,
    /// Given back by refunds of those.
    pub refunded: String,
    /// Principal paid back out.
    pub cashed_out: String,
    /// Held at the end.
    pub closing: String,
    /// The wallet moves behind it.
    pub moves: Option<PostingsBody>,
}

impl StoredValueBody {
    fn of(r: &StoredValueRoll) -> StoredValueBody {
        StoredValueBody {
            opening: decimal(r.opening),
            paid_in: decimal(r.paid_in),
            bonus_given: decimal(r.bonus_given),
            spent: decimal(r.spent),
            refunded: decimal(r.refunded),
            cashed_out: decimal(r.cashed_out),
            closing: decimal(r.closing),
            moves: r.moves.map(|(first, last)| PostingsBody { first, last }),
        }
    }
}

/// Membership fees paid for terms not yet run, owed to the members (deferred membership
/// fees): opening + charged − refunded − earned = closing. A term's fee is earned evenly over
/// the term it pays for.
#[derive(Serialize, ToSchema)]
pub struct MembershipFeesBody {
    /// Deferred at the start.
    pub opening: String,
    /// Fees charged.
    pub charged: String,
    /// Given back by cancellations at once.
    pub refunded: String,
    /// Earned as terms ran (revenue).
    pub earned: String,
    /// Deferred at the end.
    pub closing: String,
    /// The memberships whose terms moved the fees: the lowest and highest id.
    pub memberships: Option<PostingsBody>,
}

impl MembershipFeesBody {
    fn of(r: &MembershipFeesRoll) -> MembershipFeesBody {
        MembershipFeesBody {
            opening: decimal(r.opening),
            charged: decimal(r.charged),
            refunded: decimal(r.refunded),
            earned: decimal(r.earned),
            closing: decimal(r.closing),
            memberships: r.terms.map(|(first, last)| PostingsBody { first, last }),
        }
    }
}

/// What arrived after a closed period was closed, posted to the first open period.
#[derive(Serialize, ToSchema)]
pub struct LateBody {
    /// Of the contract liability's movements.
    pub contract_liability: ContractLiabilityBody,
    /// Of the provision's.
    pub provision: ProvisionBody,
}

/// The ledger postings behind a period: the first and the last that took effect in it.
#[derive(Serialize, ToSchema)]
pub struct PostingsBody {
    /// The first posting's id in the ledger.
    pub first: i64,
    /// The last's.
    pub last: i64,
}

/// One period of a report (or the part of it inside the report's range).
#[derive(Serialize, ToSchema)]
pub struct BooksPeriodBody {
    /// Its name: `2026-11`, `2026-Q4` or `2026`.
    pub period: String,
    /// Its first instant.
    pub from: String,
    /// The instant after its last.
    pub to: String,
    /// Whether the whole period is inside the report's range.
    pub whole: bool,
    /// Whether a close locked its figures.
    pub closed: bool,
    /// The expected redemption rate in force at its end.
    pub expected_redemption_rate: String,
    /// The contract liability.
    pub contract_liability: ContractLiabilityBody,
    /// The provision for points given.
    pub provision: ProvisionBody,
    /// The value held in wallets and gift cards.
    pub stored_value: StoredValueBody,
    /// The deferred membership fees.
    pub memberships: MembershipFeesBody,
    /// Of its movements, what arrived after the closed periods before it were closed.
    pub late: Option<LateBody>,
    /// The ledger postings that took effect in it.
    pub postings: Option<PostingsBody>,
}

impl BooksPeriodBody {
    fn of(p: &PeriodBooks, memberships: &MembershipFeesRoll) -> BooksPeriodBody {
        BooksPeriodBody {
            period: p.span.label.clone(),
            from: p.span.start.to_string(),
            to: p.span.end.to_string(),
            whole: p.span.whole,
            closed: p.closed,
            expected_redemption_rate: decimal(p.rate),
            contract_liability: ContractLiabilityBody::of(&p.sales),
            provision: ProvisionBody::of(&p.given),
            stored_value: StoredValueBody::of(&p.stored_value),
            memberships: MembershipFeesBody::of(memberships),
            late: p.late.as_ref().map(|[sales, given]| LateBody {
                contract_liability: ContractLiabilityBody::of(sales),
                provision: ProvisionBody::of(given),
            }),
            postings: p.postings.map(|(first, last)| PostingsBody { first, last }),
        }
    }
}

/// The expected redemption rate in force at a report's end.
#[derive(Serialize, ToSchema)]
pub struct EstimateInForceBody {
    /// The rate.
    pub expected_redemption_rate: String,
    /// `program` (the `[books]` of the version in force) or `estimate` (one recorded).
    pub source: String,
    /// The estimate's id, if one is in force.
    pub estimate_id: Option<i64>,
    /// When it took effect, if one is in force.
    pub effective_from: Option<String>,
}

/// The books over a range: the contract liability rolled forward (its fields at the top),
/// the provision for points given, the estimate in force at the end, and each period.
#[derive(Serialize, ToSchema)]
pub struct BooksReportResponse {
    /// The first instant counted.
    pub from: String,
    /// The instant after the last one counted.
    pub to: String,
    /// The currency every amount is in.
    pub currency: String,
    /// The program's time zone, in which periods are cut.
    pub time_zone: String,
    /// The reporting period: `month`, `quarter` or `year`.
    pub period: String,
    /// The contract liability over the whole range.
    #[serde(flatten)]
    pub contract_liability: ContractLiabilityBody,
    /// The provision over the whole range.
    pub provision: ProvisionBody,
    /// The value held in wallets and gift cards over the whole range.
    pub stored_value: StoredValueBody,
    /// The deferred membership fees over the whole range.
    pub memberships: MembershipFeesBody,
    /// The estimate in force at `to`.
    pub estimate: EstimateInForceBody,
    /// The end of the last period closed, if any.
    pub closed_through: Option<String>,
    /// Each period, oldest first.
    pub periods: Vec<BooksPeriodBody>,
}

impl BooksReportResponse {
    /// The report's shape, periods cut in `tz`.
    pub fn new(report: &BooksReport, tz: &TimeZone) -> BooksReportResponse {
        let estimate = &report.estimate;
        BooksReportResponse {
            from: report.range.from.to_string(),
            to: report.range.to.to_string(),
            currency: report.currency.code().to_owned(),
            time_zone: tz.iana_name().unwrap_or("UTC").to_owned(),
            period: report.period.as_str().to_owned(),
            contract_liability: ContractLiabilityBody::of(&report.total.sales),
            provision: ProvisionBody::of(&report.total.given),
            stored_value: StoredValueBody::of(&report.total.stored_value),
            memberships: MembershipFeesBody::of(&report.total_memberships),
            estimate: EstimateInForceBody {
                expected_redemption_rate: decimal(estimate.rate),
                source: match estimate.source {
                    RateSource::Program => "program",
                    RateSource::Estimate(_) => "estimate",
                }
                .to_owned(),
                estimate_id: match estimate.source {
                    RateSource::Estimate(id) => Some(id),
                    RateSource::Program => None,
                },
                effective_from: estimate.effective_from.map(|t| t.to_string()),
            },
            closed_through: report.closed_through.map(|t| t.to_string()),
            periods: report
                .periods
                .iter()
                .zip(&report.memberships)
                .map(|(p, m)| BooksPeriodBody::of(p, m))
                .collect(),
        }
    }
}

/// A report's journal entries.
#[derive(Serialize, ToSchema)]
pub struct BooksJournalResponse {
    /// The first instant counted.
    pub from: String,
    /// The instant after the last one counted.
    pub to: String,
    /// The currency every amount is in.
    pub currency: String,
    /// The entries, period by period.
    pub entries: Vec<JournalRow>,
}

impl BooksJournalResponse {
    /// The journal's shape, dated in `tz`.
    pub fn new(journal: &BooksJournal, tz: &TimeZone) -> BooksJournalResponse {
        BooksJournalResponse {
            from: journal.report.range.from.to_string(),
            to: journal.report.range.to.to_string(),
            currency: journal.report.currency.code().to_owned(),
            entries: journal.rows(tz),
        }
    }

    /// The entries as CSV, a heading first: what `?format=csv` answers.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        journal_csv(&self.entries)
    }
}

/// An estimate of the redemption rate.
#[derive(Serialize, ToSchema)]
pub struct EstimateBody {
    /// Its id.
    pub id: i64,
    /// When it takes effect.
    pub effective_from: String,
    /// The share of points expected to be redeemed.
    pub expected_redemption_rate: String,
    /// Why it was made.
    pub note: String,
    /// Who recorded it.
    pub actor: String,
    /// When.
    pub recorded_at: String,
}

impl From<&BooksEstimate> for EstimateBody {
    fn from(e: &BooksEstimate) -> EstimateBody {
        EstimateBody {
            id: e.id,
            effective_from: e.effective_from.to_string(),
            expected_redemption_rate: decimal(e.rate),
            note: e.note.clone(),
            actor: e.actor.clone(),
            recorded_at: e.recorded_at.to_string(),
        }
    }
}

/// The estimates recorded, in the order they take effect, and the rate the program file
/// gives before any.
#[derive(Serialize, ToSchema)]
pub struct EstimatesResponse {
    /// `[books] expected_redemption_rate` of the version in force.
    pub program_rate: String,
    /// The estimates.
    pub estimates: Vec<EstimateBody>,
}

/// A period close.
#[derive(Serialize, ToSchema)]
pub struct CloseBody {
    /// Its id.
    pub id: i64,
    /// The period closed.
    pub period: String,
    /// Its first instant.
    pub from: String,
    /// The instant after its last: the books are locked up to here.
    pub to: String,
    /// Who closed it.
    pub actor: String,
    /// When.
    pub closed_at: String,
}

impl From<&BooksClose> for CloseBody {
    fn from(c: &BooksClose) -> CloseBody {
        CloseBody {
            id: c.id,
            period: c.period.clone(),
            from: c.period_start.to_string(),
            to: c.period_end.to_string(),
            actor: c.actor.clone(),
            closed_at: c.closed_at.to_string(),
        }
    }
}

/// The closes, oldest first.
#[derive(Serialize, ToSchema)]
pub struct ClosesResponse {
    /// The closes.
    pub closes: Vec<CloseBody>,
}
