//! The scale test's console pages: member search (by external id, and by the start of a
//! name) and the member page, as a signed-in support member gets them, and the dashboard and
//! the Insight page (the last 90 days), as a finance member does, one request at a time over
//! loopback — an upper bound on the server's time for each page.

use super::stats::OpRecord;
use anyhow::Result;
use laurel_engine::{Engine, Role};
use std::time::{Duration, Instant};

/// The pages timed, in the order they are reported.
pub const PAGES: [&str; 5] = [
    "search_external_id",
    "search_name",
    "member_page",
    "dashboard",
    "insight_page",
];

/// Requests of each report page: each reads a quarter of the purchases.
const REPORT_SAMPLES: usize = 10;

/// Times each page `samples` times over members spread across `members`.
pub async fn time(
    engine: &Engine,
    base: &str,
    members: &[i64],
    samples: usize,
) -> Result<Vec<(&'static str, OpRecord)>> {
    let cookie = signed_in(engine, "bench@laurel.invalid", Role::Support).await?;
    let reports = signed_in(engine, "finance@laurel.invalid", Role::Finance).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut records: Vec<(&'static str, OpRecord)> =
        PAGES.iter().map(|p| (*p, OpRecord::default())).collect();
    for i in 0..samples {
        let Some(member) = members.get(i * members.len() / samples.max(1)) else {
            break;
        };
        let member_page = format!("/admin/members/{member}");
        // (path, who asks, what the page must hold); report pages only for the first few.
        let asks = [
            (
                format!("/admin/members?q=scale-{member}"),
                &cookie,
                member_page.as_str(),
            ),
            (
                format!("/admin/members?q=Scale+Member+{member}"),
                &cookie,
                &member_page,
            ),
            (member_page.clone(), &cookie, &member_page),
            ("/admin".to_owned(), &reports, "/admin/insight"),
            (
                "/admin/insight".to_owned(),
                &reports,
                "/admin/insight/kpis.csv",
            ),
        ];
        for ((_, record), (path, who, holds)) in records.iter_mut().zip(asks) {
            let report = path.starts_with("/admin/insight") || path == "/admin";
            if report && i >= REPORT_SAMPLES {
                continue;
            }
            let started = Instant::now();
            let answer = client
                .get(format!("{base}{path}"))
                .header("cookie", who)
                .send()
                .await;
            let ok = match answer {
                Ok(response) if response.status().is_success() => {
                    response.text().await.is_ok_and(|page| page.contains(holds))
                }
                _ => false,
            };
            let elapsed = started.elapsed();
            if ok {
                record.ok += 1;
                record.latency(elapsed);
            } else {
                record.error(format!("{path}: not the page asked for"));
            }
        }
    }
    Ok(records)
}

/// The session cookie of a new staff member with `role`, signed in.
async fn signed_in(engine: &Engine, email: &str, role: Role) -> Result<String> {
    let password = laurel_engine::random_token();
    engine
        .create_staff_user(email, "Bench", role, &password)
        .await?;
    // A new account has no second factor, and the bench's engine requires none.
    let laurel_engine::SignIn::Done(session) = engine.sign_in(email, &password).await? else {
        anyhow::bail!("{email} was asked for a second step");
    };
    Ok(format!("laurel_staff={}", session.token))
}
