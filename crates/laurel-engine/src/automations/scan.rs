//! The daily scan: every active member the daily automations' conditions hold for gets a run
//! for the period, once a local day; and the runs an event's fan-out makes.

use crate::Engine;
use crate::error::Result;
use crate::program_file::ProgramDefinition;
use jiff::Timestamp;
use laurel_core::MemberStatus;
use laurel_core::automations::AutomationTrigger;
use laurel_store::{MemberId, NewRun, StoredEvent, Tx};

/// The daily scan's name among the scans done once a day.
const SCAN: &str = "automations";

impl Engine {
    /// Makes the runs of the daily automations due at `now`: pages through every member once
    /// a local day. Returns how many runs it made.
    pub(super) async fn scan_daily(
        &self,
        definition: &ProgramDefinition,
        now: Timestamp,
    ) -> Result<usize> {
        let tz = &definition.program.time_zone;
        let today = tz.to_datetime(now).date();
        let daily: Vec<_> = definition
            .automations
            .iter()
            .filter(|a| a.trigger == AutomationTrigger::Daily)
            .collect();
        if daily.is_empty() || self.scanned.done(SCAN, today) {
            return Ok(0);
        }
        let mut made = 0;
        let mut pages = super::MemberPages::new(&self.store);
        while let Some(page) = pages.next().await? {
            let mut tx = self.store.begin().await?;
            for state in page.iter().filter(|s| s.status == MemberStatus::Active) {
                let facts = super::facts_of(state)?;
                for automation in &daily {
                    if facts.meet(&automation.conditions, now) {
                        let period = automation.limit.period(now, tz);
                        made += usize::from(
                            tx.insert_run(&NewRun {
                                automation: &automation.id,
                                member: state.id,
                                period: &period,
                                event: None,
                                at: now,
                            })
                            .await?,
                        );
                    }
                }
            }
            tx.commit().await?;
        }
        self.scanned.mark(SCAN, today);
        Ok(made)
    }
}

/// Makes due, in the fan-out's transaction, a run of each automation `event` triggers for its
/// member (the conditions are judged when the run is taken).
pub(crate) async fn runs_of_event(
    tx: &mut Tx,
    definition: &ProgramDefinition,
    event: &StoredEvent,
    now: Timestamp,
) -> Result<()> {
    let (Some(member), Ok(kind)) = (event.member_id, event.kind.parse()) else {
        return Ok(());
    };
    let tz = &definition.program.time_zone;
    for automation in super::triggered_by(&definition.automations, kind) {
        let period = automation.limit.period(event.occurred_at, tz);
        tx.insert_run(&NewRun {
            automation: &automation.id,
            member: MemberId(member),
            period: &period,
            event: Some(event.id),
            at: now,
        })
        .await?;
    }
    Ok(())
}
