//! Judging one operation in the write path, under its member's lock and before it writes:
//! each rule of the program reads its measure over its window, the operation added, and the
//! verdict says whether it goes through (flagged, its points held) or is refused.

use crate::error::{EngineError, Result};
use crate::write::context::Context;
use laurel_core::fraud::{Breach, CHAIN_LONGEST, FraudAction, FraudRule, Measure, Verdict};
use laurel_store::{JournalId, MemberId, NewFraudCase, Tx};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// What is being judged.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Operation<'a> {
    /// Points earned at `at` (when it happened): by a purchase of `spend_minor`, or by an
    /// event (`None`).
    Earn {
        points: i64,
        spend_minor: Option<i64>,
        at: jiff::Timestamp,
    },
    /// Points or a reward redeemed.
    Redeem,
    /// A refund of `amount_minor` of a purchase made at `purchased_at`.
    Refund {
        amount_minor: i64,
        purchased_at: jiff::Timestamp,
    },
    /// Points sent to the member by `sender`.
    Transfer { sender: MemberId },
    /// A staff adjustment of `points` by `actor`.
    Adjust { actor: &'a str, points: i64 },
    /// A new member who joined at `joined` referred by the member judged.
    Referral { joined: jiff::Timestamp },
    /// The member judged joined at `joined` with what others who joined may share.
    Join {
        joined: jiff::Timestamp,
        shared: Shared<'a>,
    },
}

/// What a member who joins may share with others who joined lately.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Shared<'a> {
    /// Their email's domain, lower-cased.
    pub(crate) email_domain: Option<&'a str>,
    /// Their phone's digits.
    pub(crate) phone_digits: Option<&'a str>,
    /// The hash of the device they joined from.
    pub(crate) device_key: Option<&'a str>,
}

impl Operation<'_> {
    /// The measures that judge it.
    fn measures(&self) -> &'static [Measure] {
        match self {
            Operation::Earn {
                spend_minor: Some(_),
                ..
            } => &[Measure::PointsEarned, Measure::Purchases, Measure::Spend],
            Operation::Earn { .. } => &[Measure::PointsEarned],
            Operation::Redeem => &[Measure::Redemptions],
            Operation::Refund { .. } => &[Measure::RefundRatio],
            Operation::Transfer { .. } => &[Measure::TransfersIn],
            Operation::Adjust { .. } => &[Measure::StaffAdjusted],
            Operation::Referral { .. } => &[Measure::Referrals, Measure::ReferralChain],
            Operation::Join { .. } => &[
                Measure::SameEmailDomain,
                Measure::SamePhonePrefix,
                Measure::SameDevice,
            ],
        }
    }

    /// Its name on a case.
    fn name(&self) -> &'static str {
        match self {
            Operation::Earn {
                spend_minor: Some(_),
                ..
            } => "purchase",
            Operation::Earn { .. } => "event",
            Operation::Redeem => "redemption",
            Operation::Refund { .. } => "refund",
            Operation::Transfer { .. } => "transfer",
            Operation::Adjust { .. } => "adjustment",
            Operation::Referral { .. } => "referral",
            Operation::Join { .. } => "enrollment",
        }
    }
}

/// Points held on another member's account because of an operation held: its case.
pub(crate) struct Held<'a> {
    /// Whose points.
    pub(crate) member: MemberId,
    /// What made them (`referral`).
    pub(crate) operation: &'static str,
    /// Its reference.
    pub(crate) reference: &'a str,
    /// The posting.
    pub(crate) journal: JournalId,
    /// The lot held.
    pub(crate) lot: i64,
}

/// The rules' verdict on one operation of one member.
#[derive(Debug)]
pub(crate) struct Judged {
    verdict: Verdict,
    member: MemberId,
    operation: &'static str,
    reference: String,
}

/// Judges `op` of `member` (referred to by `reference`: an order's key, an idempotency key)
/// under the program's rules. Reads only, and nothing at all when no rule judges it.
pub(crate) async fn judge(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    op: Operation<'_>,
    reference: &str,
) -> Result<Judged> {
    let mut verdict = Verdict::default();
    let policy = ctx.fraud;
    if policy.judges(op.measures()) {
        for rule in policy.rules() {
            if !op.measures().contains(&rule.measure) {
                continue;
            }
            let since = ctx.now - rule.window;
            // What happened before the window (history imported, a purchase sent late, a
            // member brought over with the day they joined) is not part of its burst.
            if let Operation::Earn { at, .. }
            | Operation::Referral { joined: at }
            | Operation::Join { joined: at, .. } = op
                && at < since
            {
                continue;
            }
            let (observed, purchases) = measure(tx, ctx, member, rule, op, since).await?;
            verdict.add(rule.breached(observed, purchases));
        }
    }
    Ok(Judged {
        verdict,
        member,
        operation: op.name(),
        reference: reference.to_owned(),
    })
}

/// The figure `rule` measures over the window from `since`, `op` included, and the purchases
/// the window holds (for a refund ratio).
async fn measure(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: MemberId,
    rule: &FraudRule,
    op: Operation<'_>,
    since: jiff::Timestamp,
) -> Result<(Decimal, u32)> {
    let money = |minor: i64| Decimal::new(minor, ctx.program.currency.minor_digits());
    let count = |n: i64| Ok((Decimal::from(n), 0));
    // Who joins is stored before they are judged: the counts below include them.
    if let Operation::Join { shared, .. } = op {
        return match rule.measure {
            Measure::SameEmailDomain => match shared.email_domain {
                Some(domain) if rule.counts_domain(domain) => {
                    count(tx.joined_with_email_domain(domain, since).await?)
                }
                _ => count(0),
            },
            Measure::SamePhonePrefix => match shared.phone_digits.and_then(|d| rule.prefix(d)) {
                Some(prefix) => count(tx.joined_with_phone_prefix(prefix, since).await?),
                None => count(0),
            },
            Measure::SameDevice => match shared.device_key {
                Some(key) => count(tx.joined_from_device(key, since).await?),
                None => count(0),
            },
            other => Err(not_measured(other, op)),
        };
    }
    Ok(match (rule.measure, op) {
        (Measure::PointsEarned, Operation::Earn { points, .. }) => {
            let earned = tx.points_earned_since(member, since).await?;
            (Decimal::from(earned + points), 0)
        }
        (Measure::Purchases, _) => {
            let (count, _) = tx.purchases_since(member, since).await?;
            (Decimal::from(count + 1), 0)
        }
        (
            Measure::Spend,
            Operation::Earn {
                spend_minor: Some(spend),
                ..
            },
        ) => {
            let (_, total) = tx.purchases_since(member, since).await?;
            (money(total + spend), 0)
        }
        (Measure::Redemptions, _) => {
            let count = tx.redemptions_since(member, since).await?;
            (Decimal::from(count + 1), 0)
        }
        (
            Measure::RefundRatio,
            Operation::Refund {
                amount_minor,
                purchased_at,
            },
        ) => {
            let (count, total) = tx.purchases_since(member, since).await?;
            // A refund of a purchase from before the window is not part of its spend either.
            let this = if purchased_at >= since {
                amount_minor
            } else {
                0
            };
            let refunded = tx.refunded_since(member, since).await? + this;
            let share = if total > 0 {
                Decimal::from(refunded) / Decimal::from(total)
            } else {
                Decimal::ZERO
            };
            (share.round_dp(4), u32::try_from(count).unwrap_or(u32::MAX))
        }
        (Measure::TransfersIn, Operation::Transfer { sender }) => {
            let senders = tx.senders_since(member, since, sender).await?;
            (Decimal::from(senders), 0)
        }
        (Measure::Referrals, Operation::Referral { .. }) => {
            let referred = tx.referrals_since(member, since).await?;
            (Decimal::from(referred + 1), 0)
        }
        (Measure::ReferralChain, Operation::Referral { .. }) => {
            // Links past the rule's most change nothing: it is breached either way.
            let most = rule
                .max
                .to_u32()
                .unwrap_or(CHAIN_LONGEST)
                .min(CHAIN_LONGEST);
            let above = tx.referral_chain(member, since, most).await?;
            (Decimal::from(above + 1), 0)
        }
        (Measure::StaffAdjusted, Operation::Adjust { actor, points }) => {
            let adjusted = tx.adjusted_by_since(actor, since).await?;
            (Decimal::from(adjusted + points.abs()), 0)
        }
        (measure, op) => return Err(not_measured(measure, op)),
    })
}

fn not_measured(measure: Measure, op: Operation<'_>) -> EngineError {
    EngineError::Internal(format!(
        "{} does not measure a {}",
        measure.as_str(),
        op.name()
    ))
}

impl Judged {
    /// The refusal, when a rule refuses the operation: decided before anything is written;
    /// the writer records its case (and freezes the member) once the batch commits.
    pub(crate) fn refusal(&self, at: jiff::Timestamp) -> Result<()> {
        match self.verdict.action() {
            Some(action) if action.refuses() => Err(EngineError::FraudRefused(Box::new(
                self.case(None, None, at),
            ))),
            _ => Ok(()),
        }
    }

    /// The rule that froze the member, when the verdict is to freeze them.
    pub(crate) fn freezing_rule(&self) -> Option<&str> {
        (self.verdict.action() == Some(FraudAction::Freeze))
            .then(|| self.verdict.deciding().map(|b| b.rule.as_str()))
            .flatten()
    }

    /// Whether the points the operation earns (a referral: the referrer's bonus, when it
    /// pays out) are held for review.
    pub(crate) fn holds(&self) -> bool {
        self.verdict.action() == Some(FraudAction::Hold)
    }

    /// Opens the case of an operation let through (flagged, or its points held), naming the
    /// posting it made and the lot held; nothing when no rule was breached.
    pub(crate) async fn let_through(
        &self,
        tx: &mut Tx,
        journal: Option<JournalId>,
        lot: Option<i64>,
        at: jiff::Timestamp,
    ) -> Result<()> {
        if self.verdict.action().is_some() {
            tx.insert_fraud_case(&self.case(journal, lot, at)).await?;
            metrics::counter!("laurel_fraud_cases_total", "action" => self.verdict.action().map_or("none", FraudAction::as_str)).increment(1);
        }
        Ok(())
    }

    /// Opens a case of the same breach for points it held on another account (the bonus a
    /// held purchase paid its buyer's referrer), reviewed on its own.
    pub(crate) async fn hold_also(
        &self,
        tx: &mut Tx,
        held: Held<'_>,
        at: jiff::Timestamp,
    ) -> Result<()> {
        let mut case = self.case(Some(held.journal), Some(held.lot), at);
        case.member = held.member;
        held.operation.clone_into(&mut case.operation);
        held.reference.clone_into(&mut case.reference);
        tx.insert_fraud_case(&case).await?;
        Ok(())
    }

    fn case(
        &self,
        journal: Option<JournalId>,
        lot: Option<i64>,
        at: jiff::Timestamp,
    ) -> NewFraudCase {
        let deciding = self.verdict.deciding();
        let breach = |f: fn(&Breach) -> String| deciding.map(f).unwrap_or_default();
        NewFraudCase {
            member: self.member,
            rule: breach(|b| b.rule.clone()),
            measure: breach(|b| b.measure.as_str().to_owned()),
            observed: deciding.map_or(Decimal::ZERO, |b| b.observed),
            max: deciding.map_or(Decimal::ZERO, |b| b.max),
            window_hours: deciding.map_or(0, |b| b.window_hours),
            action: breach(|b| b.action.as_str().to_owned()),
            operation: self.operation.to_owned(),
            reference: self.reference.clone(),
            journal,
            lot,
            evidence: evidence(&self.verdict),
            at,
        }
    }
}

/// Every rule breached, as the case keeps them (JSON).
fn evidence(verdict: &Verdict) -> String {
    let breaches: Vec<serde_json::Value> = verdict
        .breaches
        .iter()
        .map(|b| {
            serde_json::json!({
                "rule": b.rule,
                "measure": b.measure.as_str(),
                "observed": b.observed.to_string(),
                "max": b.max.to_string(),
                "window_hours": b.window_hours,
                "action": b.action.as_str(),
            })
        })
        .collect();
    serde_json::Value::Array(breaches).to_string()
}
