//! The JSON shapes of an automation's dry run.

use laurel_engine::DryRun;
use serde::Serialize;
use utoipa::ToSchema;

/// One member a dry run would act on.
#[derive(Serialize, ToSchema)]
pub struct DryRunLineBody {
    /// The member's id.
    pub member_id: i64,
    /// Points they would get.
    pub points: i64,
    /// Whether they would be written to (if they consented and the weekly cap allows).
    pub letter: bool,
}

/// Who an automation would act on now, and what they would get; nothing is written.
#[derive(Serialize, ToSchema)]
pub struct DryRunResponse {
    /// The automation's id.
    pub automation: String,
    /// How many members it would act on.
    pub members: usize,
    /// Points it would give in all.
    pub points: i64,
    /// The first of them, by id (at most `limit`).
    pub lines: Vec<DryRunLineBody>,
}

impl From<DryRun> for DryRunResponse {
    fn from(run: DryRun) -> DryRunResponse {
        DryRunResponse {
            automation: run.automation,
            members: run.members,
            points: run.points,
            lines: run
                .lines
                .into_iter()
                .map(|l| DryRunLineBody {
                    member_id: l.member_id,
                    points: l.points,
                    letter: l.letter,
                })
                .collect(),
        }
    }
}
