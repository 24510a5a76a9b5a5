//! Earn grants: what each earning rule granted per earn posting, and the usage that limits
//! are checked against.

use crate::db::backend::Backend;
use crate::db::sql::{Arg, Sql, args};
use crate::error::Result;
use crate::types::{JournalId, MemberId, instant, micros, numbered_list, placeholders};
use crate::write::appends::Table;
use crate::write::known::count;
use crate::write::tx::Tx;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::rules::{Effect, GrantBasis, LimitKind, Periods, RuleUsage, UsageTotals};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::str::FromStr;

/// One rule's grant to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    /// The rule's id (`base` for the base earn).
    pub rule_id: String,
    /// Points it granted.
    pub points: i64,
    /// The limit that capped it, if one did.
    pub capped_by: Option<LimitKind>,
    /// What it was worked out from; `None` records none (as rows before it was kept).
    pub basis: Option<GrantBasis>,
}

/// A recorded grant, as an earn's history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGrant {
    /// The earn posting it belongs to.
    pub journal: JournalId,
    /// The rule's id (`base`, `tier:<id>`, `referral` or an earning rule's).
    pub rule_id: String,
    /// Points it granted.
    pub points: Points,
    /// The limit that capped it, if one did.
    pub capped_by: Option<LimitKind>,
    basis: BasisColumns,
}

impl StoredGrant {
    /// What it was worked out from, with amounts in a currency of `minor_digits` decimals;
    /// `None` for grants recorded before the basis was kept (or a row this version cannot read).
    pub fn basis(&self, minor_digits: u32) -> Option<GrantBasis> {
        self.basis.to_basis(minor_digits)
    }
}

/// A grant's basis as its columns hold it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct BasisColumns {
    kind: Option<String>,
    label: Option<String>,
    effect: Option<String>,
    factor: Option<String>,
    spend_minor: Option<i64>,
    base_points: Option<i64>,
}

impl BasisColumns {
    fn of(basis: Option<&GrantBasis>, minor_digits: u32) -> BasisColumns {
        let Some(basis) = basis else {
            return BasisColumns::default();
        };
        let minor = |amount: Decimal| to_minor(amount, minor_digits);
        let parts = basis.parts();
        BasisColumns {
            kind: Some(basis.kind().to_owned()),
            label: parts.name.or(parts.referee).map(str::to_owned),
            // A base's and a tier's effect follow from their kind; only a rule's is kept.
            effect: matches!(basis, GrantBasis::Rule { .. })
                .then(|| parts.effect.map(str::to_owned))
                .flatten(),
            factor: parts.factor.map(|f| f.normalize().to_string()),
            spend_minor: parts.spend.and_then(minor),
            base_points: parts.base.map(Points::get),
        }
    }

    fn to_basis(&self, minor_digits: u32) -> Option<GrantBasis> {
        let factor = || {
            self.factor
                .as_deref()
                .and_then(|f| Decimal::from_str(f).ok())
        };
        let spend = self.spend_minor.map(|m| Decimal::new(m, minor_digits));
        let label = || self.label.clone();
        Some(match self.kind.as_deref()? {
            "base" => GrantBasis::Base {
                rate: factor()?,
                spend: spend?,
            },
            "rule" => GrantBasis::Rule {
                name: label()?,
                effect: Effect::from_key(self.effect.as_deref()?, factor()?)?,
                spend,
                base: self.base_points.map(Points),
            },
            "tier" => GrantBasis::Tier {
                name: label()?,
                multiplier: factor()?,
                base: Points(self.base_points?),
            },
            "membership" => GrantBasis::Membership {
                name: label()?,
                multiplier: factor()?,
                base: Points(self.base_points?),
            },
            "referral_welcome" => GrantBasis::ReferralWelcome,
            "referral_bonus" => GrantBasis::ReferralBonus { referee: label()? },
            _ => return None,
        })
    }
}

/// An amount in minor units of a currency with `minor_digits` decimals, if it fits.
fn to_minor(amount: Decimal, minor_digits: u32) -> Option<i64> {
    let scaled = amount
        .round_dp(minor_digits)
        .checked_mul(Decimal::from(10_i64.checked_pow(minor_digits)?))?;
    i64::try_from(scaled).ok()
}

/// Journal ids per statement when reading grants back: a ledger page's worth.
pub(crate) const JOURNALS_PER_QUERY: usize = 256;

/// The columns a grant is read back with.
const GRANT_COLUMNS: &str = "journal_id, rule_id, points, capped_by, basis, label, effect, factor, spend_minor, base_points";

/// The grants recorded for `journals` of `member`, in the order they were granted, by journal.
pub(crate) async fn grants_of(
    db: &mut impl Sql,
    member: MemberId,
    journals: &[JournalId],
) -> Result<Vec<StoredGrant>> {
    let mut grants = Vec::new();
    for chunk in journals.chunks(JOURNALS_PER_QUERY) {
        // The member too, so the read stays within one member's rows where data is
        // partitioned by member.
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM earn_grants WHERE member_id = $1 AND journal_id IN ({}) \
             ORDER BY journal_id, ordinal, rule_id",
            numbered_list(2, chunk.len())
        );
        let mut values: Vec<Arg> = vec![Arg::from(member.0)];
        values.extend(chunk.iter().map(|j| Arg::from(j.0)));
        for row in db.rows(&sql, &values).await? {
            let capped_by: Option<String> = row.get("capped_by")?;
            grants.push(StoredGrant {
                journal: JournalId(row.get("journal_id")?),
                rule_id: row.get("rule_id")?,
                points: Points(row.get("points")?),
                capped_by: capped_by.as_deref().and_then(LimitKind::parse),
                basis: BasisColumns {
                    kind: row.get("basis")?,
                    label: row.get("label")?,
                    effect: row.get("effect")?,
                    factor: row.get("factor")?,
                    spend_minor: row.get("spend_minor")?,
                    base_points: row.get("base_points")?,
                },
            });
        }
    }
    Ok(grants)
}

/// The first key of the advisory locks on campaign budgets ("LaRu"), so they cannot collide
/// with other users of advisory locks on the same database.
const CAMPAIGN_LOCK_SPACE: i32 = 0x4C61_5275;

/// Rule ids per usage query, for the same reason.
const RULES_PER_QUERY: usize = 200;

/// Usages read ahead per statement.
const USAGES_PER_STATEMENT: usize = 64;

/// A member's usage of some rules in the periods of one instant, to read ahead.
#[derive(Debug, Clone, Copy)]
pub struct UsageAsk<'a> {
    /// The member.
    pub member: MemberId,
    /// The rules with per-member limits, as [`Tx::rule_usage`] will be asked for them.
    pub rules: &'a [String],
    /// The periods of the activity's instant.
    pub periods: Periods,
}

impl Tx {
    /// Records the grants of the earn posted as `journal`, for `member`, at `occurred_at` (the
    /// activity's instant: usage periods are counted by it), in their order; amounts in their
    /// bases are in a currency of `minor_digits` decimals.
    pub async fn record_grants(
        &mut self,
        journal: JournalId,
        member: MemberId,
        occurred_at: Timestamp,
        minor_digits: u32,
        grants: &[NewGrant],
    ) -> Result<()> {
        for (ordinal, grant) in (0_i64..).zip(grants) {
            self.known
                .count_grant(member, &grant.rule_id, grant.points, occurred_at);
            let b = BasisColumns::of(grant.basis.as_ref(), minor_digits);
            self.append(
                Table::EarnGrants,
                args![
                    journal.0,
                    member.0,
                    &grant.rule_id,
                    grant.points,
                    micros(occurred_at),
                    ordinal,
                    &b.kind,
                    &b.label,
                    &b.effect,
                    &b.factor,
                    b.spend_minor,
                    b.base_points,
                    grant.capped_by.map(LimitKind::as_str),
                ],
            )
            .await?;
        }
        Ok(())
    }

    /// What `rules` already granted to `member` in the day, week and month of `periods` and
    /// ever, and — for the rules in `campaign_rules` only — to all members ever.
    ///
    /// The member's figures are exact under the member's lock (the caller holds it; the
    /// batch's read-ahead asks only for members it locked). Campaign totals span members
    /// that other transactions may be granting to at the same time: on PostgreSQL each
    /// campaign rule's transaction-scoped advisory lock is taken first (in id order, so two
    /// transactions cannot deadlock on them), which makes purchases that may draw on the same
    /// budget wait for each other until commit. SQLite has a single writer already.
    pub async fn rule_usage(
        &mut self,
        member: MemberId,
        rules: &[String],
        campaign_rules: &[String],
        periods: &Periods,
    ) -> Result<RuleUsage> {
        let ask = UsageAsk {
            member,
            rules,
            periods: *periods,
        };
        self.read_usage(&[ask]).await?;
        let mut usage = self
            .known
            .usage(member, rules, periods)
            .cloned()
            .unwrap_or_default();
        if campaign_rules.is_empty() {
            return Ok(usage);
        }
        let mut campaign_rules = campaign_rules.to_vec();
        campaign_rules.sort();
        campaign_rules.dedup();
        if self.backend == Backend::Postgres {
            for rule in &campaign_rules {
                // Integers are bound as BIGINT, and the two-key lock takes two INTEGERs.
                self.run(
                    "SELECT pg_advisory_xact_lock(CAST($1 AS INTEGER), hashtext($2))",
                    args![i64::from(CAMPAIGN_LOCK_SPACE), rule],
                )
                .await?;
            }
        }
        for chunk in campaign_rules.chunks(RULES_PER_QUERY) {
            let list = numbered_list(1, chunk.len());
            let sql = format!(
                "SELECT rule_id, CAST(SUM(points) AS BIGINT) AS c FROM earn_grants \
                 WHERE rule_id IN ({list}) GROUP BY rule_id"
            );
            let values: Vec<Arg> = chunk.iter().map(Arg::from).collect();
            for row in self.rows_past(Table::EarnGrants, &sql, &values).await? {
                let rule_id: String = row.get("rule_id")?;
                let mut totals = usage.of(&rule_id);
                totals.campaign = Points(row.get("c")?);
                usage.set(rule_id, totals);
            }
        }
        // Grants recorded earlier in this transaction may still be held: count them as the
        // query above counts the written ones.
        for (_, rule, points, at) in self.held_grants()? {
            if campaign_rules.binary_search(&rule).is_ok() {
                count(&mut usage, periods, &rule, points, at, false, true);
            }
        }
        Ok(usage)
    }

    /// Reads the usage each of `asks` names (those not known already), many members to a
    /// statement, so that the transaction's [`Tx::rule_usage`] of those rules asks nothing
    /// more for the member's figures.
    pub async fn read_usage(&mut self, asks: &[UsageAsk<'_>]) -> Result<()> {
        // The asks not known yet, once each, grouped by their rules.
        let mut seen = HashSet::new();
        let mut groups: Vec<(&[String], Vec<UsageAsk>)> = Vec::new();
        for ask in asks {
            let p = &ask.periods;
            let bounds = [p.day.start, p.week.start, p.month.start].map(micros);
            if ask.rules.is_empty()
                || self.known.usage(ask.member, ask.rules, p).is_some()
                || !seen.insert((ask.member, ask.rules, bounds))
            {
                continue;
            }
            match groups.iter_mut().find(|(rules, _)| *rules == ask.rules) {
                Some((_, group)) => group.push(*ask),
                None => groups.push((ask.rules, vec![*ask])),
            }
        }
        if groups.is_empty() {
            return Ok(());
        }
        // Grants recorded earlier in this transaction may still be held: count them as the
        // query counts the written ones. The query reads past them, so they stay held.
        let held = self.held_grants()?;
        for (rules, group) in &groups {
            let mut usages = vec![RuleUsage::new(); group.len()];
            for rule_chunk in rules.chunks(RULES_PER_QUERY) {
                for (first, chunk) in (0..)
                    .step_by(USAGES_PER_STATEMENT)
                    .zip(group.chunks(USAGES_PER_STATEMENT))
                {
                    let (sql, values) = usage_query(first, chunk, rule_chunk);
                    for row in self.rows_past(Table::EarnGrants, &sql, &values).await? {
                        let k: i64 = row.get("k")?;
                        let Some(usage) = usize::try_from(k).ok().and_then(|k| usages.get_mut(k))
                        else {
                            continue;
                        };
                        usage.set(
                            row.get::<String>("rule_id")?,
                            UsageTotals {
                                member_day: Points(row.get("d")?),
                                member_week: Points(row.get("w")?),
                                member_month: Points(row.get("m")?),
                                member_lifetime: Points(row.get("l")?),
                                campaign: Points::ZERO,
                            },
                        );
                    }
                }
            }
            for (ask, mut usage) in group.iter().zip(usages) {
                for (of, rule, points, at) in &held {
                    if *of == ask.member.0 && rules.contains(rule) {
                        count(&mut usage, &ask.periods, rule, *points, *at, true, false);
                    }
                }
                self.known
                    .remember_usage(ask.member, rules, ask.periods, usage);
            }
        }
        Ok(())
    }

    /// The grants this transaction holds: (member, rule, points, at).
    fn held_grants(&self) -> Result<Vec<(i64, String, i64, Timestamp)>> {
        let mut held = Vec::new();
        for row in self.held(Table::EarnGrants) {
            // (journal_id, member_id, rule_id, points, occurred_at)
            if let (Some(of), Some(rule), Some(points), Some(at)) =
                (row[1].int(), row[2].text(), row[3].int(), row[4].int())
            {
                held.push((of, rule.to_owned(), points, instant(at)?));
            }
        }
        Ok(held)
    }

    /// True when `member` has a recorded purchase.
    pub async fn has_purchased(&mut self, member: MemberId) -> Result<bool> {
        let found = self
            .row_opt(
                "SELECT 1 FROM purchases WHERE member_id = $1 LIMIT 1",
                args![member.0],
            )
            .await?;
        Ok(found.is_some())
    }
}

/// The query for the usage of `rules` by each of `asks` (numbered from `first`): per ask
/// and rule, the points granted in its day, week, month and ever.
///
/// `rule_id || ''` keeps both planners off `earn_grants_by_rule`, which serves the campaign
/// totals but here would read every member's grants of the rules: SQLite (no statistics)
/// prefers it for an `IN` list, and PostgreSQL did when its plan was made while the table
/// was young.
fn usage_query<'a>(
    first: usize,
    asks: &[UsageAsk<'_>],
    rules: &'a [String],
) -> (String, Vec<Arg<'a>>) {
    // Padded to a power of two with rows that match no member (and name no ask), so a few
    // texts serve every batch.
    let padded = asks.len().next_power_of_two();
    let mut values: Vec<Arg> = Vec::with_capacity(8 * padded + rules.len());
    for i in 0..padded {
        let row = match asks.get(i) {
            Some(ask) => {
                let p = &ask.periods;
                [
                    i64::try_from(first + i).unwrap_or(i64::MAX),
                    ask.member.0,
                    micros(p.day.start),
                    micros(p.day.end),
                    micros(p.week.start),
                    micros(p.week.end),
                    micros(p.month.start),
                    micros(p.month.end),
                ]
            }
            None => [-1; 8],
        };
        values.extend(row.map(Arg::from));
    }
    values.extend(rules.iter().map(Arg::from));
    let list = numbered_list(8 * padded + 1, rules.len());
    let sql = format!(
        "SELECT v.column1 AS k, g.rule_id, \
         CAST(SUM(CASE WHEN g.occurred_at >= v.column3 AND g.occurred_at < v.column4 THEN g.points ELSE 0 END) AS BIGINT) AS d, \
         CAST(SUM(CASE WHEN g.occurred_at >= v.column5 AND g.occurred_at < v.column6 THEN g.points ELSE 0 END) AS BIGINT) AS w, \
         CAST(SUM(CASE WHEN g.occurred_at >= v.column7 AND g.occurred_at < v.column8 THEN g.points ELSE 0 END) AS BIGINT) AS m, \
         CAST(SUM(g.points) AS BIGINT) AS l \
         FROM (VALUES {}) AS v JOIN earn_grants AS g ON g.member_id = v.column2 \
         WHERE (g.rule_id || '') IN ({list}) GROUP BY v.column1, g.rule_id",
        placeholders(padded, 8)
    );
    (sql, values)
}

impl crate::db::connect::Store {
    /// Every grant `member` was given, in the order given: (rule, points, when the activity
    /// that earned them happened). What a replay of the history is checked against.
    pub async fn member_grants(&self, member: MemberId) -> Result<Vec<(String, i64, Timestamp)>> {
        let mut db = self;
        db.rows(
            "SELECT rule_id, points, occurred_at FROM earn_grants WHERE member_id = $1 \
             ORDER BY journal_id, ordinal",
            args![member.0],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.get("rule_id")?,
                r.get("points")?,
                instant(r.get("occurred_at")?)?,
            ))
        })
        .collect()
    }
}
