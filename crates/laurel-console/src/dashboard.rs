//! The dashboard: members, activity, points moved in the last 30 days, and the liability;
//! below, charts of the last 90 days (`charts.rs`).

use crate::Console;
use crate::charts::{self, Chart};
use crate::page::render;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use laurel_engine::Permission;

/// The tiles' period.
const PERIOD: SignedDuration = SignedDuration::from_hours(30 * 24);
/// The charts' period, in the program's calendar days (today included).
const CHART_DAYS: u32 = 90;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    /// (label key, value) tiles, in order.
    tiles: Vec<(&'static str, String)>,
    /// The charts that drew (one that failed is logged and left out).
    charts: Vec<Chart>,
}

pub(crate) async fn page(State(console): State<Console>, staff: Staff) -> Response {
    if !staff.session.user.role.may(Permission::ViewReports) {
        // Support staff work on members: the dashboard's figures are not theirs to see.
        return axum::response::Redirect::to("/admin/members").into_response();
    }
    let l = staff.locale;
    let now = Timestamp::now();
    let board = match console.engine.dashboard(now - PERIOD).await {
        Ok(board) => board,
        Err(e) => return PageError::from_engine(e, l).into_response(),
    };
    let days = match console.engine.daily_activity(CHART_DAYS, now).await {
        Ok(days) => days,
        Err(e) => return PageError::from_engine(e, l).into_response(),
    };
    let t = &board.totals;
    let tiles = vec![
        ("dashboard.members", l.integer(t.members)),
        ("dashboard.new_members", l.integer(t.enrolled)),
        ("dashboard.active_30", l.integer(t.active_30)),
        ("dashboard.active_90", l.integer(t.active_90)),
        ("dashboard.issued", l.integer(t.issued)),
        ("dashboard.redeemed", l.integer(t.redeemed)),
        ("dashboard.expired", l.integer(t.expired)),
        ("dashboard.outstanding", l.integer(t.outstanding)),
        ("dashboard.liability", l.money(board.outstanding_value)),
        (
            "dashboard.redemption_rate",
            board
                .redemption_rate
                .map_or_else(|| "–".into(), |r| format!("{r}%")),
        ),
    ];
    let page = DashboardPage {
        chrome: Chrome::signed_in(&staff, "dashboard", "/admin/dashboard".into()),
        tiles,
        charts: [charts::points(l, &days), charts::enrollments(l, &days)]
            .into_iter()
            .flatten()
            .collect(),
    };
    render(StatusCode::OK, &page)
}
