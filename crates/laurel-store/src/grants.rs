//! Earn grants: what each earning rule granted per earn posting, and the usage that limits
//! are checked against.

use crate::appends::Table;
use crate::connect::Backend;
use crate::error::Result;
use crate::sql::{Arg, Sql, args};
use crate::tx::Tx;
use crate::types::{JournalId, MemberId, micros, numbered_list};
use jiff::Timestamp;
use laurel_core::Points;
use laurel_core::rules::{Periods, RuleUsage, UsageTotals};

/// One rule's grant to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    /// The rule's id (`base` for the base earn).
    pub rule_id: String,
    /// Points it granted.
    pub points: i64,
}

/// The first key of the advisory locks on campaign budgets ("LaRu"), so they cannot collide
/// with other users of advisory locks on the same database.
const CAMPAIGN_LOCK_SPACE: i32 = 0x4C61_5275;

/// Rule ids per usage query, for the same reason.
const RULES_PER_QUERY: usize = 200;

impl Tx {
    /// Records the grants of the earn posted as `journal`, for `member`, at `occurred_at` (the
    /// activity's instant: usage periods are counted by it).
    pub async fn record_grants(
        &mut self,
        journal: JournalId,
        member: MemberId,
        occurred_at: Timestamp,
        grants: &[NewGrant],
    ) -> Result<()> {
        for grant in grants {
            self.append(
                Table::EarnGrants,
                args![
                    journal.0,
                    member.0,
                    &grant.rule_id,
                    grant.points,
                    micros(occurred_at)
                ],
            )
            .await?;
        }
        Ok(())
    }

    /// What `rules` already granted to `member` in the day, week and month of `periods` and
    /// ever, and — for the rules in `campaign_rules` only — to all members ever.
    ///
    /// The member's figures are exact under the member's lock. Campaign totals span members
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
        let mut usage = RuleUsage::new();
        // Left to guess, SQLite prefers `earn_grants_by_rule` for `rule_id IN (…)` (it also
        // serves the GROUP BY), which reads every member's grants of those rules.
        let member_index = self.backend.indexed_by("earn_grants_by_member_time");
        for chunk in rules.chunks(RULES_PER_QUERY) {
            let list = numbered_list(8, chunk.len());
            let sql = format!(
                "SELECT rule_id, \
                 CAST(SUM(CASE WHEN occurred_at >= $2 AND occurred_at < $3 THEN points ELSE 0 END) AS BIGINT) AS d, \
                 CAST(SUM(CASE WHEN occurred_at >= $4 AND occurred_at < $5 THEN points ELSE 0 END) AS BIGINT) AS w, \
                 CAST(SUM(CASE WHEN occurred_at >= $6 AND occurred_at < $7 THEN points ELSE 0 END) AS BIGINT) AS m, \
                 CAST(SUM(points) AS BIGINT) AS l \
                 FROM earn_grants {member_index} WHERE member_id = $1 AND rule_id IN ({list}) GROUP BY rule_id"
            );
            let mut values: Vec<Arg> = Vec::with_capacity(7 + chunk.len());
            values.extend_from_slice(args![
                member.0,
                micros(periods.day.start),
                micros(periods.day.end),
                micros(periods.week.start),
                micros(periods.week.end),
                micros(periods.month.start),
                micros(periods.month.end)
            ]);
            values.extend(chunk.iter().map(Arg::from));
            for row in self.rows_past(Table::EarnGrants, &sql, &values).await? {
                let rule_id: String = row.get("rule_id")?;
                let totals = UsageTotals {
                    member_day: Points(row.get("d")?),
                    member_week: Points(row.get("w")?),
                    member_month: Points(row.get("m")?),
                    member_lifetime: Points(row.get("l")?),
                    campaign: Points::ZERO,
                };
                usage.set(rule_id, totals);
            }
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
        // queries above count the written ones.
        let within = |at: i64, start, end| at >= micros(start) && at < micros(end);
        for row in self.held(Table::EarnGrants) {
            // (journal_id, member_id, rule_id, points, occurred_at)
            let (Some(of), Some(rule), Some(points), Some(at)) =
                (row[1].int(), row[2].text(), row[3].int(), row[4].int())
            else {
                continue;
            };
            let mine = of == member.0 && rules.iter().any(|r| r == rule);
            let campaign = campaign_rules
                .binary_search_by(|r| r.as_str().cmp(rule))
                .is_ok();
            if !mine && !campaign {
                continue;
            }
            let mut totals = usage.of(rule);
            let add = |total: &mut Points, counts: bool| {
                if counts {
                    *total = Points(total.get() + points);
                }
            };
            add(&mut totals.member_lifetime, mine);
            add(
                &mut totals.member_day,
                mine && within(at, periods.day.start, periods.day.end),
            );
            add(
                &mut totals.member_week,
                mine && within(at, periods.week.start, periods.week.end),
            );
            add(
                &mut totals.member_month,
                mine && within(at, periods.month.start, periods.month.end),
            );
            add(&mut totals.campaign, campaign);
            usage.set(rule.to_owned(), totals);
        }
        Ok(usage)
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
