//! Paid membership in words, one truth for the member page, the portal and the admin's
//! overview: a plan (its name in the page's language, fee a term, trial, what cancelling gives
//! back, its benefits — tier, earn ×, perks) and a membership (its state, the term it is in
//! with its dates in the program's time zone, its fee, trial, whether it renews or ends and
//! when, how it is paid, why it ended and what a cut term gave back).

use crate::i18n::Locale;
use crate::program_words::tier_name;
use laurel_core::Money;
use laurel_core::membership::{CancelRefund, MembershipPlan, TermLength};
use laurel_engine::{MembershipView, ProgramDefinition, TermView};
use rust_decimal::Decimal;

/// A plan's name in the page's language, or its id when the program no longer offers it.
pub(crate) fn plan_name(l: Locale, definition: &ProgramDefinition, id: &str) -> String {
    definition
        .memberships
        .plan(id)
        .map_or_else(|| id.to_owned(), |p| l.text(&p.name).to_owned())
}

/// An amount in the program's currency, as pages write money.
fn money(l: Locale, definition: &ProgramDefinition, amount: Decimal) -> String {
    l.amount(amount, definition.program.currency)
}

/// A fee a term: "CNY 120.00 a year".
fn fee_a_term(l: Locale, definition: &ProgramDefinition, fee: Decimal, term: TermLength) -> String {
    let key = match term {
        TermLength::Month => "membership.fee_month",
        TermLength::Year => "membership.fee_year",
    };
    l.strings().with(key, "fee", &money(l, definition, fee))
}

/// A plan in words.
pub(crate) struct PlanWords {
    pub id: String,
    pub name: String,
    /// Its fee a term.
    pub fee: String,
    /// Its trial for a first membership, when it has one.
    pub trial: Option<String>,
    /// Whether it renews by itself.
    pub renews: String,
    /// What cancelling at once gives back.
    pub refund: String,
    /// Its benefits, each a sentence.
    pub benefits: Vec<String>,
}

impl PlanWords {
    /// `plan` of the program `definition`.
    pub(crate) fn of(
        l: Locale,
        definition: &ProgramDefinition,
        plan: &MembershipPlan,
    ) -> PlanWords {
        let t = l.strings();
        let fee = Money::from_minor(plan.fee, definition.program.currency).amount();
        PlanWords {
            id: plan.id.clone(),
            name: l.text(&plan.name).to_owned(),
            fee: fee_a_term(l, definition, fee, plan.term),
            trial: (plan.trial_days > 0).then(|| {
                t.with(
                    "membership.trial_days",
                    "days",
                    &l.integer(i64::from(plan.trial_days)),
                )
            }),
            renews: t
                .get(if plan.auto_renew {
                    "membership.plan_renews"
                } else {
                    "membership.plan_one_term"
                })
                .to_owned(),
            refund: refund_words(l, plan.cancel_refund),
            benefits: benefits(l, definition, plan),
        }
    }

    /// Every plan the program offers.
    pub(crate) fn all(l: Locale, definition: &ProgramDefinition) -> Vec<PlanWords> {
        definition
            .memberships
            .all()
            .iter()
            .map(|p| PlanWords::of(l, definition, p))
            .collect()
    }
}

/// What cancelling at once gives back under a plan, in a sentence.
pub(crate) fn refund_words(l: Locale, refund: CancelRefund) -> String {
    l.strings()
        .get(match refund {
            CancelRefund::None => "membership.refund_none",
            CancelRefund::ProRata => "membership.refund_pro_rata",
        })
        .to_owned()
}

/// A plan's benefits, each a sentence: the tier held, the earn multiplier, each perk.
pub(crate) fn benefits(
    l: Locale,
    definition: &ProgramDefinition,
    plan: &MembershipPlan,
) -> Vec<String> {
    let t = l.strings();
    let b = &plan.benefits;
    let mut words = Vec::new();
    if let Some(tier) = &b.tier {
        words.push(t.with(
            "membership.benefit_tier",
            "tier",
            &tier_name(l, definition, tier),
        ));
    }
    if b.earn_multiplier > Decimal::ONE {
        words.push(t.with(
            "membership.benefit_earn",
            "m",
            &b.earn_multiplier.normalize().to_string(),
        ));
    }
    words.extend(b.perks.iter().map(|p| l.text(p).to_owned()));
    words
}

/// One term of a membership in words.
pub(crate) struct TermWords {
    /// "Term 2: 1 Jan 2027 to 1 Feb 2027".
    pub dates: String,
    /// Its fee (nothing for a free trial).
    pub fee: String,
    /// Whether it was a free trial.
    pub trial: bool,
    /// When a cancellation cut it short, and what that gave back.
    pub cut: Option<String>,
}

impl TermWords {
    /// `term` of a membership paid `pay_with` (`external` or `wallet`).
    pub(crate) fn of(
        l: Locale,
        definition: &ProgramDefinition,
        term: &TermView,
        pay_with: &str,
    ) -> TermWords {
        let t = l.strings();
        let tz = &definition.program.time_zone;
        TermWords {
            dates: t.fill(
                "membership.term_dates",
                &[
                    ("number", &term.number.to_string()),
                    ("from", &l.date_time(term.starts_at, tz)),
                    ("to", &l.date_time(term.ends_at, tz)),
                ],
            ),
            fee: money(l, definition, term.fee),
            trial: term.trial,
            cut: term.cut_at.map(|at| {
                let when = t.with("membership.cut_at", "when", &l.date_time(at, tz));
                if term.refund > Decimal::ZERO {
                    let key = if pay_with == "wallet" {
                        "membership.refunded_wallet"
                    } else {
                        "membership.refunded_billing"
                    };
                    let back = t.with(key, "amount", &money(l, definition, term.refund));
                    format!("{when} {back}")
                } else {
                    format!("{when} {}", t.get("membership.refunded_nothing"))
                }
            }),
        }
    }
}

/// A membership in words.
pub(crate) struct MembershipWords {
    pub id: i64,
    pub plan: String,
    /// `active`, `ending` or `ended`, for tests and styles.
    pub state_code: String,
    /// Its state in words.
    pub state: String,
    /// Whether its benefits hold now.
    pub in_force: bool,
    /// The term it is in (or ended in).
    pub term: TermWords,
    /// It renews on…, ends on…, or ended on… and why.
    pub next: String,
    /// How it is paid.
    pub paid: String,
    /// When it began.
    pub started: String,
    /// What cancelling at once gives back under its plan (for an active or ending one).
    pub refund: String,
}

impl MembershipWords {
    /// `m` of the program `definition`.
    pub(crate) fn of(l: Locale, definition: &ProgramDefinition, m: &MembershipView) -> Self {
        let t = l.strings();
        let tz = &definition.program.time_zone;
        let ends = l.date_time(m.term.cut_at.unwrap_or(m.term.ends_at), tz);
        let next = match m.state.as_str() {
            "active" => t.with("membership.renews_on", "date", &ends),
            "ending" => t.with("membership.ends_on", "date", &ends),
            _ => {
                let at = m.ended_at.map_or(ends, |at| l.date_time(at, tz));
                let reason = m
                    .end_reason
                    .as_deref()
                    .and_then(|r| t.find(&format!("membership.end_{r}")))
                    .unwrap_or_default();
                t.fill("membership.ended_on", &[("date", &at), ("reason", reason)])
            }
        };
        let plan = definition.memberships.plan(&m.plan);
        MembershipWords {
            id: m.id,
            plan: plan_name(l, definition, &m.plan),
            state_code: m.state.clone(),
            state: t
                .find(&format!("membership.state_{}", m.state))
                .unwrap_or(&m.state)
                .to_owned(),
            in_force: m.in_force,
            term: TermWords::of(l, definition, &m.term, &m.pay_with),
            next,
            paid: t
                .find(&format!("membership.paid_{}", m.pay_with))
                .unwrap_or(&m.pay_with)
                .to_owned(),
            started: l.date_time(m.started_at, tz),
            refund: plan.map_or_else(
                || refund_words(l, CancelRefund::None),
                |p| refund_words(l, p.cancel_refund),
            ),
        }
    }
}
