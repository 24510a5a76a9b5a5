//! The memberships overview (`/admin/memberships`, for those who read reports: admins,
//! managers, finance; linked from the wallets overview and the program page): each plan the
//! program offers in words — fee a term, trial, renewal, what cancelling gives back, its
//! benefits — and how many memberships of each plan are active, ending and ended (a plan the
//! program no longer offers still counted, by its id), or that the program offers none.

use crate::Console;
use crate::membership_words::{PlanWords, plan_name};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::Permission;

/// Who may read the overview: counts of memberships are a figure for reports.
pub(crate) const MEMBERSHIPS_PAGE: Permission = Permission::ViewReports;

/// How many memberships of a plan stand where.
pub(crate) struct CountRow {
    pub id: String,
    pub plan: String,
    pub active: String,
    pub ending: String,
    pub ended: String,
}

#[derive(Template)]
#[template(path = "memberships.html")]
pub(crate) struct MembershipsPage {
    chrome: Chrome,
    plans: Vec<PlanWords>,
    counts: Vec<CountRow>,
}

/// The overview.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
) -> Result<Response, PageError> {
    staff.require(MEMBERSHIPS_PAGE)?;
    let l = staff.locale;
    let engine = &console.engine;
    let definition = engine.definition();
    let counted = engine
        .membership_counts()
        .await
        .map_err(|e| PageError::from_engine(e, l))?;
    // The plans offered first, as written, then any plan only the stored memberships name.
    let mut ids: Vec<String> = definition
        .memberships
        .all()
        .iter()
        .map(|p| p.id.clone())
        .collect();
    for c in &counted {
        if !ids.contains(&c.plan) {
            ids.push(c.plan.clone());
        }
    }
    let count = |plan: &str, state: &str| {
        l.integer(
            counted
                .iter()
                .filter(|c| c.plan == plan && c.state == state)
                .map(|c| c.count)
                .sum(),
        )
    };
    let counts = ids
        .iter()
        .map(|id| CountRow {
            plan: plan_name(l, &definition, id),
            active: count(id, "active"),
            ending: count(id, "ending"),
            ended: count(id, "ended"),
            id: id.clone(),
        })
        .collect();
    let page = MembershipsPage {
        chrome: Chrome::signed_in(&staff, "wallets", "/admin/memberships".to_owned()),
        plans: PlanWords::all(l, &definition),
        counts,
    };
    Ok(render(StatusCode::OK, &page))
}
