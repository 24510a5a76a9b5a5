#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The `laurel` binary end to end: real processes, real HTTP on 127.0.0.1, both backends.

#[path = "cli/crash.rs"]
mod crash;
#[path = "cli/crash_mixed.rs"]
mod crash_mixed;
#[path = "cli/import.rs"]
mod import;
#[path = "cli/keys.rs"]
mod keys;
#[path = "cli/mail.rs"]
mod mail;
#[path = "cli/openapi.rs"]
mod openapi;
#[path = "cli/report.rs"]
mod report;

#[path = "cli/simulate.rs"]
mod simulate;

#[path = "cli/books.rs"]
mod books;
#[path = "cli/support.rs"]
mod support;
#[path = "cli/webhooks.rs"]
mod webhooks;

use reqwest::StatusCode;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::KillOnDrop;

#[test]
fn without_a_program_file_or_a_stored_version_nothing_starts() {
    let db = laurel_testkit::sqlite();
    let output = support::laurel(&["jobs", "run", "expiry", "--database", &db.url]);
    assert!(
        !output.status.success() && output.stderr.contains("no program"),
        "jobs ran without a program:\n{}",
        output.stderr
    );
}

#[test]
fn a_sqlite_url_to_a_missing_file_creates_it_and_a_missing_folder_is_named_in_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("new.db");
    let url = format!("sqlite://{}", file.display());
    let out = support::laurel_ok(&["migrate", "--database", &url]);
    assert!(out.stdout.contains("migration"), "{out:?}");
    assert!(file.exists(), "the file was created");

    let nowhere = dir.path().join("no-such-folder").join("laurel.db");
    let url = format!("sqlite://{}", nowhere.display());
    let out = support::laurel(&["migrate", "--database", &url]);
    assert!(!out.status.success(), "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, no backtrace: {}", out.stderr);
    assert!(
        lines[0].contains("no-such-folder") && lines[0].contains("does not exist"),
        "{}",
        lines[0]
    );
}

#[test]
fn a_wrong_program_file_is_refused_naming_the_file_and_key() {
    let db = laurel_testkit::sqlite();
    let dir = tempfile::tempdir().expect("temp dir");
    let text = support::program()
        .replace(r#"currency = "CNY""#, r#"currency = "XYZ""#)
        .replace("months = 12", "months = 0");
    assert!(
        text.contains(r#"currency = "XYZ""#) && text.contains("months = 0"),
        "the demo program changed shape:\n{text}"
    );
    let program = support::write_file(dir.path(), "wrong-program.toml", &text);
    let listen = format!("127.0.0.1:{}", support::free_port());
    let serve = |program: &str| {
        support::laurel(&[
            "serve",
            "--database",
            &db.url,
            "--program",
            program,
            "--listen",
            &listen,
            "--job-interval-secs",
            "0",
        ])
    };

    let output = serve(program.to_str().unwrap());
    assert!(
        !output.status.success(),
        "serve accepted a wrong program:\n{}",
        output.stderr
    );
    for needle in [
        program.to_str().unwrap(),
        "program.currency",
        "points.expiry.months",
    ] {
        assert!(
            output.stderr.contains(needle),
            "stderr does not name `{needle}`:\n{}",
            output.stderr
        );
    }

    let broken = support::write_file(
        dir.path(),
        "broken-program.toml",
        "[program\nname = \"Broken\"\n",
    );
    let output = serve(broken.to_str().unwrap());
    assert!(
        !output.status.success(),
        "serve accepted a TOML syntax error:\n{}",
        output.stderr
    );
    assert!(
        output.stderr.contains(broken.to_str().unwrap()),
        "stderr does not name the file:\n{}",
        output.stderr
    );
}

#[test]
fn program_check_reports_every_problem_with_its_key_or_says_what_the_program_defines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = support::write_file(dir.path(), "good.toml", support::demo_program());
    let output = support::laurel(&["program", "check", good.to_str().unwrap()]);
    assert!(output.status.success(), "{}", output.stderr);
    assert!(
        output.stdout.contains("ok")
            && output.stdout.contains("3 tier(s)")
            && output.stdout.contains("6 reward(s)")
            && output.stdout.contains("1 partner(s)"),
        "{}",
        output.stdout
    );

    let text = support::demo_program()
        .replace(r#"threshold = "800""#, r#"threshold = "3000""#)
        .replace(r#"currency = "CNY""#, r#"currency = "XYZ""#);
    let bad = support::write_file(dir.path(), "bad.toml", &text);
    let output = support::laurel(&["program", "check", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", output.stdout);
    for needle in ["program.currency", "tiers.levels[2].threshold"] {
        assert!(
            output
                .stdout
                .lines()
                .any(|l| l.starts_with(bad.to_str().unwrap()) && l.contains(needle)),
            "no line names `{needle}`:\n{}",
            output.stdout
        );
    }
    assert!(output.stderr.contains("2 problem(s)"), "{}", output.stderr);
    let line = text
        .lines()
        .position(|l| l.starts_with(r#"currency = "XYZ""#))
        .unwrap()
        + 1;
    assert!(
        output
            .stdout
            .contains(&format!("{}:{line}: key `program.currency`", bad.display())),
        "each problem after its file and line:\n{}",
        output.stdout
    );
}

/// `(members, points)` from `jobs run`'s "<job>: N member(s), P point(s) moved".
fn job_report(output: &support::Output, job: &str) -> (u64, i64) {
    let line = output
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{job}: ")))
        .unwrap_or_else(|| panic!("no `{job}:` line in {:?}", output.stdout));
    let (members, rest) = line
        .split_once(" member(s), ")
        .unwrap_or_else(|| panic!("unexpected report {line:?}"));
    let points = rest
        .strip_suffix(" point(s) moved")
        .unwrap_or_else(|| panic!("unexpected report {line:?}"));
    (members.parse().unwrap(), points.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_twice_changes_nothing_the_second_time() {
    assert!(
        support::program().contains("pending_days = 7")
            && support::program().contains("months = 12")
    );
    for (backend, db) in laurel_testkit::backends() {
        let mut rig = support::Rig::new(&db.url, support::program(), 0);
        let key = rig.key.clone();
        let program = rig.program().to_owned();
        let program = program.as_str();
        let client = support::client();
        let occurred_at = support::an_hour_ago();

        let mut server = rig.start().await;
        let mut members = Vec::new();
        let mut earned = 0;
        for m in 0..2 {
            let member = support::enroll(&client, &server, &key, &format!("jobs-{m}")).await;
            members.push(member);
            for p in 0..3 {
                let body =
                    support::purchase_body(member, &format!("jobs-{m}-{p}"), "42.50", &occurred_at);
                let answer = client
                    .post(server.url("/api/v1/purchases"))
                    .bearer_auth(&key)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), StatusCode::OK, "{backend}");
                let answer: serde_json::Value = answer.json().await.unwrap();
                assert_eq!(answer["status"], "pending", "{backend}: {answer}");
                earned += answer["points_earned"].as_i64().unwrap();
            }
        }
        server.kill();

        let now = jiff::Timestamp::now();
        for (job, later) in [("release", 30 * 24), ("expiry", 731 * 24)] {
            let at = (now + jiff::SignedDuration::from_hours(later)).to_string();
            let args = [
                "jobs",
                "run",
                job,
                "--now",
                &at,
                "--database",
                &db.url,
                "--program",
                program,
            ];
            let first = job_report(&support::laurel_ok(&args), job);
            assert_eq!(first, (2, earned), "{backend}: first `jobs run {job}`");
            // Without --program, the program version stored in the database runs.
            let second = job_report(&support::laurel_ok(&args[..args.len() - 2]), job);
            assert_eq!(
                second,
                (0, 0),
                "{backend}: second `jobs run {job}` changed something"
            );
        }

        // What the jobs did is in the ledger, once each.
        let server = rig.start().await;
        for member in members {
            assert_eq!(
                support::balance(&client, &server, &key, member).await,
                (0, 0),
                "{backend}: member {member}"
            );
            let entries = support::full_ledger(&client, &server, &key, member).await;
            let kinds: Vec<&str> = entries
                .iter()
                .map(|e| e["kind"].as_str().unwrap())
                .collect();
            for kind in ["release", "expire"] {
                assert_eq!(
                    kinds.iter().filter(|k| **k == kind).count(),
                    1,
                    "{backend}: member {member}: {kinds:?}"
                );
            }
            assert_eq!(
                entries
                    .iter()
                    .map(|e| e["amount"].as_i64().unwrap())
                    .sum::<i64>(),
                0,
                "{backend}: {entries:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_its_jobs_every_interval_releasing_points_whose_return_window_closed() {
    for (backend, db) in laurel_testkit::backends() {
        // A one-day return window, and a purchase made almost a day ago: its points are
        // pending when recorded and due a few seconds later.
        let text = support::program().replace("pending_days = 7", "pending_days = 1");
        assert!(text.contains("pending_days = 1"));
        let mut rig = support::Rig::new(&db.url, &text, 1);
        let key = rig.key.clone();
        let server = rig.start().await;
        let client = support::client();
        let member = support::enroll(&client, &server, &key, "scheduled").await;
        let due_in = jiff::SignedDuration::from_secs(4);
        let occurred_at =
            (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24) + due_in).to_string();
        let answer: serde_json::Value = client
            .post(server.url("/api/v1/purchases"))
            .bearer_auth(&key)
            .json(&support::purchase_body(
                member,
                "yesterday-1",
                "42",
                &occurred_at,
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["status"], "pending", "{backend}: {answer}");
        let earned = answer["points_earned"].as_i64().unwrap();
        assert_eq!(
            support::balance(&client, &server, &key, member).await,
            (0, earned),
            "{backend}"
        );

        // Nobody runs `jobs run`: the server's own schedule releases them.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let balance = support::balance(&client, &server, &key, member).await;
            if balance == (earned, 0) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{backend}: still {balance:?} after 30 s; log:\n{}",
                support::tail(&server.log, 40)
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let entries = support::full_ledger(&client, &server, &key, member).await;
        let released: Vec<&serde_json::Value> =
            entries.iter().filter(|e| e["kind"] == "release").collect();
        assert_eq!(released.len(), 1, "{backend}: {entries:?}");
        assert_eq!(released[0]["actor"], "scheduler", "{backend}");
        let log = std::fs::read_to_string(&server.log).unwrap();
        assert!(
            log.contains("job ran") && log.contains("Release"),
            "{backend}: the log says the job ran:\n{log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_scoped() {
    let db = laurel_testkit::sqlite();
    let mut rig = support::Rig::new(&db.url, support::program(), 0);
    let admin = rig.key.clone();
    let pos = support::create_key(&db.url, "pos");
    assert_ne!(admin, pos);
    let server = rig.start().await;
    let client = support::client();

    let member = support::enroll(&client, &server, &pos, "scoped-1").await;
    let url = server.url(&format!("/api/v1/members/{member}/adjustments"));
    let adjustment =
        |k: &str| serde_json::json!({ "points": 25, "reason": "goodwill", "idempotency_key": k });

    let response = client
        .post(&url)
        .bearer_auth(&pos)
        .json(&adjustment("by-pos"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden", "{body}");

    let response = client
        .post(&url)
        .json(&adjustment("by-nobody"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized", "{body}");

    let response = client
        .post(&url)
        .bearer_auth("not-a-key")
        .json(&adjustment("by-stranger"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let response = client
        .post(&url)
        .bearer_auth(&admin)
        .json(&adjustment("by-admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["points"], 25, "{body}");

    // Only the admin's adjustment happened.
    assert_eq!(
        support::balance(&client, &server, &pos, member).await,
        (25, 0)
    );
    let balance = client
        .get(server.url(&format!("/api/v1/members/{member}/balance")))
        .send()
        .await
        .unwrap();
    assert_eq!(balance.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_starts_and_serves_its_members() {
    const BANNER_TIMEOUT: Duration = Duration::from_secs(180);
    let dir = tempfile::tempdir().expect("temp dir");
    let listen = format!("127.0.0.1:{}", support::free_port());
    let log = std::fs::File::create(dir.path().join("demo.log")).unwrap();
    let mut child = Command::new(support::BIN)
        .args(["demo", "--listen", &listen, "--dir"])
        .arg(dir.path().join("demo"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("starting laurel demo");
    let stdout = child.stdout.take().expect("piped stdout");
    let _demo = KillOnDrop(child);
    let (lines, printed) = std::sync::mpsc::channel();
    // Keeps draining stdout until the process dies, so it never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    let deadline = Instant::now() + BANNER_TIMEOUT;
    let mut seen = Vec::new();
    let key = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = printed.recv_timeout(left).unwrap_or_else(|e| {
            panic!(
                "no `Admin API key:` line ({e}); stdout so far: {seen:?}; log:\n{}",
                support::tail(&dir.path().join("demo.log"), 40)
            )
        });
        if let Some(key) = line.strip_prefix("Admin API key:") {
            break key.trim().to_owned();
        }
        seen.push(line);
    };
    assert!(!key.is_empty());

    let client = support::client();
    let url = format!("http://{listen}/api/v1/members/1/balance");
    let response = client.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["available"].as_i64().unwrap() > 0, "{body}");
    let url = format!("http://{listen}/api/v1/members/1/tier");
    let tier: serde_json::Value = client
        .get(&url)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        tier["tier"]["id"].is_string(),
        "the demo's members hold tiers: {tier}"
    );
    let url = format!("http://{listen}/api/v1/members/1/rewards");
    let rewards: serde_json::Value = client
        .get(&url)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        rewards["redemptions"][0]["coupons"][0]["status"], "consumed",
        "the demo's first member used a coupon: {rewards}"
    );
    let read = |path: String| {
        let request = client
            .get(format!("http://{listen}{path}"))
            .bearer_auth(&key);
        async move {
            let response = request.send().await.unwrap();
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    // Members joined over the history, not all on the day the demo was built.
    let days_ago = |member: &serde_json::Value| {
        let joined: jiff::Timestamp = member["enrolled_at"].as_str().unwrap().parse().unwrap();
        jiff::Timestamp::now().duration_since(joined).as_hours() / 24
    };
    let first = read("/api/v1/members/1".into()).await;
    let last = read("/api/v1/members/20".into()).await;
    assert_eq!(days_ago(&first), 120, "{first}");
    assert!((1..30).contains(&days_ago(&last)), "{last}");
    let referrals = read("/api/v1/members/1/referrals".into()).await;
    assert_eq!(
        referrals["referrals"][0]["status"], "rewarded",
        "the first member's friend joined later and their visit paid the referral: {referrals}"
    );

    portal_sign_in_reads_the_code_from_the_log(&listen, &dir.path().join("demo.log")).await;
}

/// A member asks for a sign-in code; with no mail server the server writes the message to
/// its log, and the code read there opens the portal.
async fn portal_sign_in_reads_the_code_from_the_log(listen: &str, log: &std::path::Path) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let cookie_of = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no {name} cookie"))
    };
    let base = format!("http://{listen}/portal");
    let page = client.get(format!("{base}/login")).send().await.unwrap();
    let token = cookie_of(&page, "laurel_portal_login");
    let post = |path: &str, body: String| {
        client
            .post(format!("{base}{path}"))
            .header("cookie", format!("laurel_portal_login={token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let email = "member1001%40example.com";
    let asked = post("/login", format!("csrf={token}&email={email}"))
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);

    let deadline = Instant::now() + Duration::from_secs(20);
    let code = loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let found = text
            .lines()
            .rev()
            .filter(|l| l.contains("member1001@example.com"))
            .filter_map(|l| l.split("sign in is ").nth(1))
            .find_map(|rest| rest.get(..6))
            .map(str::to_owned);
        if let Some(code) = found {
            break code;
        }
        assert!(
            Instant::now() < deadline,
            "no sign-in code in the log:\n{}",
            support::tail(log, 20)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let signed_in = post("/code", format!("csrf={token}&email={email}&code={code}"))
        .await
        .unwrap();
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "code {code} accepted"
    );
    let session = cookie_of(&signed_in, "laurel_member");
    let home = client
        .get(&base)
        .header("cookie", format!("laurel_member={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("id=\"available\""));
}

#[test]
fn help_explains_every_command() {
    let help = support::laurel_ok(&["--help"]).stdout;
    let mut commands = vec![
        "serve", "demo", "migrate", "keys", "jobs", "import", "report", "program",
    ];
    // Only a build with the `bench` feature has the benchmark.
    if cfg!(feature = "bench") {
        commands.push("bench");
    }
    for command in commands {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "`laurel --help` does not list {command}:\n{help}"
        );
    }
    let help = support::laurel_ok(&["jobs", "run", "--help"]).stdout;
    for job in ["expiry", "release"] {
        assert!(
            help.contains(job),
            "`laurel jobs run --help` does not mention {job}:\n{help}"
        );
    }
}

#[cfg(feature = "bench")]
#[test]
fn bench_runs_a_short_mixed_load_finds_the_ledger_consistent_and_leaves_no_scratch_behind() {
    // A tiny run on a fresh SQLite file: the figures do not matter here, the mechanics do —
    // the load, the raw limit, the scale fill, the report and the consistency check.
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    // Its own temporary directory, to see that the scratch database is gone afterwards.
    let scratch = tempfile::tempdir().unwrap();
    let args = [
        "bench",
        "--members",
        "200",
        "--seconds",
        "2",
        "--connections",
        "4",
        "--raw-events",
        "200",
        "--scale-members",
        "1000",
        "--scale-postings",
        "5000",
        "--json",
        json.to_str().unwrap(),
    ];
    let out = support::succeeded(
        support::laurel_with_env(&args, &[("TMPDIR", scratch.path().as_os_str())]),
        &args,
    )
    .stdout;
    let left: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "bench left behind {left:?}");
    for expected in [
        "purchase",
        "balance read",
        "raw limit",
        "ledger consistency after the load: ok",
        "scale: added 1000 members",
        "console pages at this scale",
        "member_page",
        "insight at this scale",
        "kpis_90_days",
    ] {
        assert!(
            out.contains(expected),
            "bench output lacks `{expected}`:\n{out}"
        );
    }
    let pages = out.split("console pages at this scale").nth(1).unwrap();
    for page in ["search_external_id", "search_name", "member_page"] {
        let line = pages.lines().find(|l| l.starts_with(page)).unwrap();
        let count: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(count, 200, "every {page} request found its member: {line}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["consistent"], true);
    let purchases = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["op"] == "purchase")
        .unwrap();
    assert!(purchases["count"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(purchases["errors"], 0, "{report}");
}
