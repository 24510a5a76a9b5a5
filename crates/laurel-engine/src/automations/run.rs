//! Taking a run's actions: the automation as the program in force has it, its conditions
//! judged again now, then points (once per run: the run is the gift's idempotency key), a
//! letter (with the notices' manners: consent, quiet hours, the weekly cap) and the
//! `automation.fired` event.

use crate::Engine;
use crate::error::Result;
use crate::events::payload::{AutomationFiredData, EventMember};
use crate::notices::{Due, NoticeLinks, NoticeReport, Says};
use crate::program_file::ProgramDefinition;
use crate::requests::AdjustRequest;
use crate::staff::Role;
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::automations::{Action, Automation};
use laurel_core::events::EventKind;
use laurel_store::DueRun;

/// Due runs read at once.
const RUNS_BATCH: u32 = 200;

/// What a pass of the automations did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutomationReport {
    /// Runs the daily scan made due.
    pub made: usize,
    /// Runs whose actions were taken.
    pub acted: usize,
    /// Runs dropped: the member no longer met the conditions, or the automation is gone.
    pub dropped: usize,
    /// Points given.
    pub points: i64,
    /// Letters queued.
    pub sent: usize,
    /// Runs that send letters, left for after the quiet hours.
    pub waiting: usize,
}

impl Engine {
    /// Runs the automations of the program in force at `now`: the daily scan once a local
    /// day, then every due run (those that write to members wait out the quiet hours).
    pub async fn run_automations(
        &self,
        now: Timestamp,
        links: &NoticeLinks,
    ) -> Result<AutomationReport> {
        let definition = self.programs.snapshot().in_force(now).definition.clone();
        let mut report = AutomationReport {
            made: self.scan_daily(&definition, now).await?,
            ..AutomationReport::default()
        };
        let tz = &definition.program.time_zone;
        let quiet = definition
            .notices
            .quiet_hours
            .and_then(|q| q.ends_at(now, tz))
            .is_some();
        let mut after = 0;
        loop {
            let runs = self.store.due_runs(after, RUNS_BATCH).await?;
            let Some(last) = runs.last() else {
                return Ok(report);
            };
            after = last.id;
            for run in &runs {
                let automation = definition
                    .automations
                    .iter()
                    .find(|a| a.id == run.automation);
                match automation {
                    None => {
                        // The program in force has no such automation any more.
                        self.store.drop_run(run.id).await?;
                        report.dropped += 1;
                    }
                    Some(a) if a.sends() && quiet => report.waiting += 1,
                    Some(a) => {
                        self.take(a, run, &definition, links, now, &mut report)
                            .await?
                    }
                }
            }
            if runs.len() < RUNS_BATCH as usize {
                return Ok(report);
            }
        }
    }

    /// Takes a run's actions if the member still meets the conditions; else drops it.
    async fn take(
        &self,
        automation: &Automation,
        run: &DueRun,
        definition: &ProgramDefinition,
        links: &NoticeLinks,
        now: Timestamp,
        report: &mut AutomationReport,
    ) -> Result<()> {
        let state = self.store.member_states(&[run.member.0]).await?.pop();
        let meets = match &state {
            Some(state) if state.status == MemberStatus::Active => {
                super::facts_of(state)?.meet(&automation.conditions, now)
            }
            _ => false,
        };
        if !meets {
            self.store.drop_run(run.id).await?;
            report.dropped += 1;
            return Ok(());
        }
        let mut given = 0;
        let mut sent = false;
        for action in &automation.actions {
            match action {
                Action::AwardPoints { points, reason } => {
                    let gift = AdjustRequest {
                        member_id: run.member.0,
                        points: points.get(),
                        reason: reason.clone(),
                        note: None,
                        idempotency_key: format!("automation:{}:{}", automation.id, run.period),
                    };
                    let actor = format!("automation:{}", automation.id);
                    self.adjust_as(gift, &actor, Role::Admin).await?;
                    given += points.get();
                }
                Action::Send { subject, text } => {
                    let (Some(base), Some(addressee)) = (
                        &links.base,
                        self.store.addressees(&[run.member.0]).await?.pop(),
                    ) else {
                        continue;
                    };
                    let due = Due {
                        addressee,
                        says: Says::Written {
                            kind: format!("automation:{}", automation.id),
                            subject: subject.clone(),
                            text: text.clone(),
                        },
                        key: run.period.clone(),
                        values: minijinja::context! { points => given },
                    };
                    let mut letters = NoticeReport::default();
                    self.send_notice(due, definition, base, now, &mut letters)
                        .await?;
                    sent = letters.sent > 0;
                    report.sent += letters.sent;
                }
                Action::Webhook => {
                    let Some(member) = self.store.member(run.member).await? else {
                        continue;
                    };
                    let mut tx = self.store.begin().await?;
                    let data = || AutomationFiredData {
                        member: EventMember::of(&member),
                        automation: automation.id.clone(),
                        period: run.period.clone(),
                        points: given,
                        sent,
                    };
                    let kind = EventKind::AutomationFired;
                    self.write_event(&mut tx, kind, Some(run.member.0), data)
                        .await?;
                    tx.commit().await?;
                    self.listening.committed();
                }
            }
        }
        self.store.finish_run(run.id, now).await?;
        report.acted += 1;
        report.points += given;
        Ok(())
    }
}
