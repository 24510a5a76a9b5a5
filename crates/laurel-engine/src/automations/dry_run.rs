//! A dry run of an automation: who it would act on now, and what each would get — nothing
//! is written. For a daily automation, the members its conditions hold for and who have had
//! no run in this period; for an event's, the members who would be acted on if the event
//! happened to them now.

use crate::Engine;
use crate::error::{EngineError, Result};
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::automations::Action;

/// One member a dry run would act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunLine {
    /// Their id.
    pub member_id: i64,
    /// Points they would get.
    pub points: i64,
    /// Whether they would be written to (if they consented and the cap allows).
    pub letter: bool,
}

/// What a dry run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    /// The automation's id.
    pub automation: String,
    /// How many members it would act on.
    pub members: usize,
    /// Points it would give in all.
    pub points: i64,
    /// The first of them (up to the limit asked for), by id.
    pub lines: Vec<DryRunLine>,
}

impl Engine {
    /// Who the automation `id` of the program in force would act on at `now`, and how; at
    /// most `limit` lines, the totals over everyone.
    pub async fn automation_dry_run(
        &self,
        id: &str,
        now: Timestamp,
        limit: usize,
    ) -> Result<DryRun> {
        let definition = self.programs.snapshot().in_force(now).definition.clone();
        let automation = definition
            .automations
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| EngineError::UnknownAutomation(id.to_owned()))?;
        let points: i64 = automation
            .actions
            .iter()
            .map(|a| match a {
                Action::AwardPoints { points, .. } => points.get(),
                _ => 0,
            })
            .sum();
        let letter = automation.sends();
        let period = automation.limit.period(now, &definition.program.time_zone);
        let mut run = DryRun {
            automation: automation.id.clone(),
            members: 0,
            points: 0,
            lines: Vec::new(),
        };
        let mut pages = super::MemberPages::new(&self.store);
        while let Some(page) = pages.next().await? {
            let ids: Vec<i64> = page.iter().map(|s| s.id.0).collect();
            let had = self.store.runs_in(&automation.id, &period, &ids).await?;
            for state in page.iter().filter(|s| s.status == MemberStatus::Active) {
                if had.contains(&state.id.0)
                    || !super::facts_of(state)?.meet(&automation.conditions, now)
                {
                    continue;
                }
                run.members += 1;
                run.points += points;
                if run.lines.len() < limit {
                    run.lines.push(DryRunLine {
                        member_id: state.id.0,
                        points,
                        letter,
                    });
                }
            }
        }
        Ok(run)
    }
}
