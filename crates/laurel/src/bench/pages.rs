//! The scale test's console pages: member search (by external id, and by the start of a
//! name) and the member page, as a signed-in staff member gets them, one request at a time
//! over loopback — an upper bound on the server's time for each page.

use super::stats::OpRecord;
use anyhow::Result;
use laurel_engine::{Engine, Role};
use std::time::{Duration, Instant};

/// The pages timed, in the order they are reported.
pub const PAGES: [&str; 3] = ["search_external_id", "search_name", "member_page"];

/// Times each page `samples` times over members spread across `members`.
pub async fn time(
    engine: &Engine,
    base: &str,
    members: &[i64],
    samples: usize,
) -> Result<Vec<(&'static str, OpRecord)>> {
    let password = laurel_engine::random_token();
    engine
        .create_staff_user("bench@laurel.invalid", "Bench", Role::Support, &password)
        .await?;
    let session = engine.sign_in("bench@laurel.invalid", &password).await?;
    let cookie = format!("laurel_staff={}", session.token);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut records: Vec<(&'static str, OpRecord)> =
        PAGES.iter().map(|p| (*p, OpRecord::default())).collect();
    for i in 0..samples {
        let Some(member) = members.get(i * members.len() / samples.max(1)) else {
            break;
        };
        let paths = [
            format!("/admin/members?q=scale-{member}"),
            format!("/admin/members?q=Scale+Member+{member}"),
            format!("/admin/members/{member}"),
        ];
        for ((_, record), path) in records.iter_mut().zip(paths) {
            let started = Instant::now();
            let answer = client
                .get(format!("{base}{path}"))
                .header("cookie", &cookie)
                .send()
                .await;
            let ok = match answer {
                Ok(response) if response.status().is_success() => response
                    .text()
                    .await
                    .is_ok_and(|page| page.contains(&format!("/admin/members/{member}"))),
                _ => false,
            };
            let elapsed = started.elapsed();
            if ok {
                record.ok += 1;
                record.latency(elapsed);
            } else {
                record.error(format!("{path}: not the member's page"));
            }
        }
    }
    Ok(records)
}
