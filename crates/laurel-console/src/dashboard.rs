//! The dashboard: tiles of members, activity and points, each saying its period; the key KPIs
//! of the last 90 days beside the 90 days before, each linking to its row in the Insight
//! section (`insight_words.rs`); the points members hold rolled forward over the last 30 days
//! from the ledger (`roll_forward.rs`); below, charts of the last 90 days (`charts.rs`).

use crate::Console;
use crate::charts::{self, Chart};
use crate::insight_period;
use crate::insight_words::{self, KpiTile};
use crate::page::render;
use crate::roll_forward::{self, RollTable};
use crate::web::{Chrome, PageError, Staff, home_of};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use laurel_core::insight::KpiId;
use laurel_core::ledger::Line;
use laurel_engine::Permission;

/// The tiles' and the roll-forward's period.
const PERIOD: SignedDuration = SignedDuration::from_hours(30 * 24);
/// The charts' period, in the program's calendar days (today included).
const CHART_DAYS: u32 = 90;
/// The key KPIs' period, in the program's calendar days (today included), compared with as
/// many days before.
const KPI_DAYS: i64 = 90;
/// The key KPIs the dashboard shows (members' average order value with non-members' and
/// the spend lift beside it): one row of tiles on a desktop.
const KEY_KPIS: [KpiId; 4] = [
    KpiId::EngagementRate,
    KpiId::ChurnRate,
    KpiId::RedemptionRate,
    KpiId::MemberOrderValue,
];

/// A tile: its label's key, its figure, and its period's key.
type Tile = (&'static str, String, &'static str);

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    tiles: Vec<Tile>,
    /// The key KPIs of the last [`KPI_DAYS`] days.
    kpi_tiles: Vec<KpiTile>,
    /// The points members hold, rolled forward over the period.
    roll: RollTable,
    /// The charts that drew (one that failed is logged and left out).
    charts: Vec<Chart>,
    /// The charts' period, in words.
    chart_period: String,
    /// The charts' figures, every one of each day, as a download.
    daily_csv: String,
}

pub(crate) async fn page(State(console): State<Console>, staff: Staff) -> Response {
    if !staff.session.user.role.may(Permission::ViewReports) {
        // Support staff work on members: the dashboard's figures are not theirs to see.
        return Redirect::to(home_of(staff.session.user.role).0).into_response();
    }
    let l = staff.locale;
    let now = Timestamp::now();
    let since = now - PERIOD;
    // One today for the charts, their download and the KPIs, in the program's calendar.
    let tz = &console.engine.definition().program.time_zone;
    let today = tz.to_datetime(now).date();
    let chart_days = insight_period::ending(today, i64::from(CHART_DAYS));
    // Independent reads of their own indexes: at once, so the page takes the longest of them.
    let engine = &console.engine;
    let read = tokio::try_join!(
        engine.dashboard(since),
        engine.daily_series(chart_days),
        engine.kpis(insight_period::ending(today, KPI_DAYS)),
    );
    let (board, days, kpis) = match read {
        Ok(read) => read,
        Err(e) => return PageError::from_engine(e, l).into_response(),
    };
    let t = &board.totals;
    let moved = |line: Line| board.points.line(line).total().get();
    let (month, quarter, ever, now_) = (
        "staff_pages.period_30",
        "staff_pages.period_90",
        "staff_pages.period_all",
        "staff_pages.period_now",
    );
    let tiles = vec![
        ("dashboard.members", l.integer(t.members), ever),
        ("dashboard.new_members", l.integer(t.enrolled), month),
        ("staff_pages.active", l.integer(t.active_30), month),
        ("staff_pages.active", l.integer(t.active_90), quarter),
        ("dashboard.issued", l.integer(moved(Line::Issued)), month),
        (
            "dashboard.redeemed",
            l.integer(-moved(Line::Redeemed)),
            month,
        ),
        (
            "dashboard.redemption_rate",
            board
                .redemption_rate
                .map_or_else(|| "–".into(), |r| format!("{r}%")),
            month,
        ),
        (
            "dashboard.outstanding",
            l.integer(board.points.closing.total().get()),
            now_,
        ),
        ("dashboard.liability", l.money(board.liability.total), now_),
    ];
    let page = DashboardPage {
        chrome: Chrome::signed_in(&staff, "dashboard", "/admin/dashboard".into()),
        tiles,
        kpi_tiles: insight_words::tiles(l, &kpis, &KEY_KPIS),
        roll: roll_forward::table(l, &board.points, &board.liability, since, tz),
        charts: [charts::points(l, &days), charts::enrollments(l, &days)]
            .into_iter()
            .flatten()
            .collect(),
        chart_period: l.strings().get("dashboard.chart_period").to_owned(),
        daily_csv: format!(
            "/admin/insight/daily.csv?{}",
            insight_period::query(chart_days)
        ),
    };
    render(StatusCode::OK, &page)
}
