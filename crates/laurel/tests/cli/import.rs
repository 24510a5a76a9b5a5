//! `laurel import`: history from CSV and JSON Lines lands through the engine with the same
//! rules as the API; bad rows go to the reject file while good ones go on; a re-run, even after
//! `kill -9` part-way, stores every row exactly once.

use crate::support::{self, Server};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Longest one import may take: the resume test imports 20k rows with a debug build.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(300);

/// The counts an import's summary reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    read: u64,
    imported: u64,
    already: u64,
    rejected: u64,
}

/// What a finished import printed.
#[derive(Debug)]
struct Imported {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Imported {
    /// The summary's counts, insisting that the import succeeded.
    fn counts(&self) -> Counts {
        assert!(
            self.status.success(),
            "import failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        let value = |key: &str| -> u64 {
            self.stdout
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no `{key}` in the summary:\n{}", self.stdout))
        };
        Counts {
            read: value("rows read: "),
            imported: value("imported: "),
            already: value("already imported: "),
            rejected: value("rejected: "),
        }
    }
}

/// One test's files and database.
struct Setup {
    dir: tempfile::TempDir,
    database: String,
    program: PathBuf,
    /// The test's "now": files written twice must be the same rows.
    now: jiff::Timestamp,
}

impl Setup {
    fn new(database: &str) -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let program = support::write_file(dir.path(), "program.toml", support::program());
        Setup {
            dir,
            database: database.to_owned(),
            program,
            now: jiff::Timestamp::now(),
        }
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        support::write_file(self.dir.path(), name, text)
    }

    /// An RFC 3339 instant `days` before the test's now.
    fn days_ago(&self, days: i64) -> String {
        (self.now - jiff::SignedDuration::from_hours(24 * days)).to_string()
    }

    /// The arguments of `laurel import <what> <file> …`.
    fn args(&self, what: &str, file: &Path, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "import".into(),
            what.into(),
            file.to_str().expect("utf-8 path").into(),
            "--database".into(),
            self.database.clone(),
            "--program".into(),
            self.program.to_str().expect("utf-8 path").into(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    }

    /// Runs an import to completion; output goes to files, so a chatty run never blocks.
    fn import(&self, what: &str, file: &Path, extra: &[&str]) -> Imported {
        let (mut child, out, err) = self.spawn(what, file, extra);
        let deadline = Instant::now() + IMPORT_TIMEOUT;
        let status = loop {
            if let Some(status) = child.0.try_wait().expect("waiting for laurel import") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "`laurel import {what} {}` did not finish within {IMPORT_TIMEOUT:?}; stderr:\n{}",
                file.display(),
                support::tail(&err, 20)
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        Imported {
            status,
            stdout: read(&out),
            stderr: read(&err),
        }
    }

    /// Starts an import in the background; stdout and stderr go to files named after `file`.
    fn spawn(
        &self,
        what: &str,
        file: &Path,
        extra: &[&str],
    ) -> (support::KillOnDrop, PathBuf, PathBuf) {
        let out = file.with_extension(format!("{}.stdout", support::random()));
        let err = file.with_extension(format!("{}.stderr", support::random()));
        let child = Command::new(support::BIN)
            .args(self.args(what, file, extra))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("stdout file"))
            .stderr(std::fs::File::create(&err).expect("stderr file"))
            .spawn()
            .expect("starting laurel import");
        (support::KillOnDrop(child), out, err)
    }

    /// Serves the database, for reading balances over HTTP.
    async fn serve(&self) -> (Server, String) {
        let key = support::create_key(&self.database, "admin");
        let program = self.program.to_str().expect("utf-8 path");
        let args = [
            "serve",
            "--database",
            &self.database,
            "--program",
            program,
            "--job-interval-secs",
            "0",
        ];
        let log = self
            .dir
            .path()
            .join(format!("serve-{}.log", support::random()));
        (Server::start(&args, &log).await, key)
    }
}

/// A member's (id, available, pending), looked up by external id.
async fn member(
    client: &reqwest::Client,
    server: &Server,
    key: &str,
    external_id: &str,
) -> (i64, i64, i64) {
    let body = support::get_json(
        client,
        &server.url(&format!("/api/v1/members?external_id={external_id}")),
        key,
    )
    .await;
    let number = |v: &serde_json::Value| {
        v.as_i64()
            .unwrap_or_else(|| panic!("member {external_id}: not a number in {body}"))
    };
    (
        number(&body["id"]),
        number(&body["balance"]["available"]),
        number(&body["balance"]["pending"]),
    )
}

/// Every member's (available, pending) by external id.
async fn balances(
    server: &Server,
    key: &str,
    external_ids: impl IntoIterator<Item = String>,
) -> BTreeMap<String, (i64, i64)> {
    let client = support::client();
    let mut all = BTreeMap::new();
    for ext in external_ids {
        let (_, available, pending) = member(&client, server, key, &ext).await;
        all.insert(ext, (available, pending));
    }
    all
}

const MEMBERS_CSV: &str = "\
external_id,email,phone,name,birthday,channel
imp-a,a@example.com,,Ann,1990-05-17,pos
imp-b,,+86 10 1234,Bo,,
imp-c,,,,,app
";

const MEMBERS_JSONL: &str = r#"{"external_id": "imp-d", "name": "Di", "birthday": "1985-12-01", "channel": "web"}
"#;

/// Purchases of the members above, as CSV: (imp-a, 12.50 and 100.00), (imp-b, 42.99).
fn purchases_csv(setup: &Setup) -> String {
    format!(
        "external_id,order_id,channel,store,currency,total,occurred_at\n\
         imp-a,csv-1,pos,s1,CNY,12.50,{old}\n\
         imp-a,csv-2,pos,s1,CNY,100.00,{recent}\n\
         imp-b,csv-3,web,,CNY,42.99,{old}\n",
        old = setup.days_ago(30),
        recent = setup.days_ago(2)
    )
}

/// Purchases as JSON Lines, with basket lines and a number for a total.
fn purchases_jsonl(setup: &Setup) -> String {
    format!(
        concat!(
            r#"{{"external_id":"imp-c","order_id":"j-1","channel":"app","currency":"CNY","total":"20.50","occurred_at":"{old}","lines":[{{"sku":"LATTE","category":"coffee","quantity":2,"unit_price":"8.25"}},{{"sku":"CAKE","quantity":1,"unit_price":4}}]}}"#,
            "\n",
            r#"{{"external_id":"imp-d","order_id":"j-2","channel":"web","currency":"CNY","total":7,"occurred_at":"{recent}"}}"#,
            "\n\n",
            r#"{{"external_id":"imp-a","order_id":"j-3","channel":"pos","currency":"CNY","total":5.5,"occurred_at":"{old}","store":"s2"}}"#,
            "\n"
        ),
        old = setup.days_ago(30),
        recent = setup.days_ago(1)
    )
}

/// Balances the files above earn with the demo program (1 point per whole yuan; purchases
/// younger than the 7-day return window are pending).
fn expected_balances() -> BTreeMap<String, (i64, i64)> {
    [
        ("imp-a", (12 + 5, 100)),
        ("imp-b", (42, 0)),
        ("imp-c", (20, 0)),
        ("imp-d", (0, 7)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Imports the members and purchases above; returns the four imports' counts.
fn import_all(setup: &Setup) -> [Counts; 4] {
    let members_csv = setup.file("members.csv", MEMBERS_CSV);
    let members_jsonl = setup.file("members.jsonl", MEMBERS_JSONL);
    let purchases_csv = setup.file("purchases.csv", &purchases_csv(setup));
    let purchases_jsonl = setup.file("purchases.ndjson", &purchases_jsonl(setup));
    [
        setup.import("members", &members_csv, &[]).counts(),
        setup.import("members", &members_jsonl, &[]).counts(),
        setup.import("purchases", &purchases_csv, &[]).counts(),
        setup.import("purchases", &purchases_jsonl, &[]).counts(),
    ]
}

fn counts(read: u64, imported: u64, already: u64, rejected: u64) -> Counts {
    Counts {
        read,
        imported,
        already,
        rejected,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_then_purchases_from_csv_and_json_lines_land_the_right_balances() {
    for (backend, db) in laurel_testkit::backends() {
        let setup = Setup::new(&db.url);
        let [members_csv, members_jsonl, purchases_csv, purchases_jsonl] = import_all(&setup);
        assert_eq!(members_csv, counts(3, 3, 0, 0), "{backend}");
        assert_eq!(members_jsonl, counts(1, 1, 0, 0), "{backend}");
        assert_eq!(purchases_csv, counts(3, 3, 0, 0), "{backend}");
        assert_eq!(purchases_jsonl, counts(3, 3, 0, 0), "{backend}");

        let (server, key) = setup.serve().await;
        let expected = expected_balances();
        assert_eq!(
            balances(&server, &key, expected.keys().cloned()).await,
            expected,
            "{backend}"
        );
        // The JSON Lines purchase kept its basket: the lines are what a line refund needs.
        let client = support::client();
        let (c, _, _) = member(&client, &server, &key, "imp-c").await;
        let ledger = support::full_ledger(&client, &server, &key, c).await;
        assert_eq!(ledger.len(), 1, "{backend}: {ledger:?}");
        assert_eq!(ledger[0]["reference"], "app:j-1", "{backend}: {ledger:?}");
        let purchase_id = purchase_id_of(&setup, &client, &server, &key).await;
        let refund = client
            .post(server.url(&format!("/api/v1/purchases/{purchase_id}/refunds")))
            .bearer_auth(&key)
            .json(
                &serde_json::json!({ "refund_id": "r-1", "lines": [{ "line": 1, "quantity": 1 }] }),
            )
            .send()
            .await
            .expect("refunding");
        let status = refund.status();
        let body: serde_json::Value = refund.json().await.expect("refund answer");
        assert_eq!(status, reqwest::StatusCode::OK, "{backend}: {body}");
        assert_eq!(body["amount"], "4.00", "{backend}: {body}");
        support::assert_consistent(backend, &db.url).await;
    }
}

/// The id of purchase `app:j-1`: replaying it over the API answers with the stored purchase.
async fn purchase_id_of(
    setup: &Setup,
    client: &reqwest::Client,
    server: &Server,
    key: &str,
) -> i64 {
    let body: serde_json::Value = serde_json::from_str(
        purchases_jsonl(setup)
            .lines()
            .next()
            .expect("a first JSON line"),
    )
    .expect("the first JSON line parses");
    let response = client
        .post(server.url("/api/v1/purchases"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .expect("replaying the purchase");
    let status = response.status();
    let answer: serde_json::Value = response.json().await.expect("purchase answer");
    assert_eq!(status, reqwest::StatusCode::OK, "{answer}");
    answer["purchase_id"].as_i64().expect("purchase_id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_the_same_files_again_imports_nothing_new() {
    for (backend, db) in laurel_testkit::backends() {
        let setup = Setup::new(&db.url);
        import_all(&setup);
        let again = import_all(&setup);
        assert_eq!(
            again,
            [
                counts(3, 0, 3, 0),
                counts(1, 0, 1, 0),
                counts(3, 0, 3, 0),
                counts(3, 0, 3, 0)
            ],
            "{backend}"
        );
        let (server, key) = setup.serve().await;
        let expected = expected_balances();
        assert_eq!(
            balances(&server, &key, expected.keys().cloned()).await,
            expected,
            "{backend}"
        );
        support::assert_consistent(backend, &db.url).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_go_to_the_reject_file_with_line_and_reason_and_good_rows_go_on() {
    for (backend, db) in laurel_testkit::backends() {
        let setup = Setup::new(&db.url);
        let members = setup.file(
            "members.csv",
            "external_id,birthday,email\n\
             rej-a,1990-01-31,\n\
             rej-b,31/01/1990,\n\
             rej-c,,not-an-email\n\
             ,,\n\
             rej-d,,d@example.com\n",
        );
        let imported = setup.import("members", &members, &[]);
        assert_eq!(imported.counts(), counts(5, 2, 0, 3), "{backend}");
        assert!(
            imported.stdout.contains("exit code 0"),
            "{backend}: the summary does not say rejects still exit 0:\n{}",
            imported.stdout
        );
        let rejects = read_rejects(&setup.dir.path().join("members.csv.rejects.csv"));
        assert_eq!(
            rejects.keys().copied().collect::<Vec<_>>(),
            [3, 4, 5],
            "{backend}: {rejects:?}"
        );
        assert_eq!(rejects[&3].code, "invalid_date", "{backend}");
        assert_eq!(rejects[&3].field, "birthday", "{backend}");
        assert_eq!(rejects[&3].row, "rej-b,31/01/1990,", "{backend}");
        assert_eq!(rejects[&4].code, "invalid_field", "{backend}");
        assert_eq!(rejects[&4].field, "email", "{backend}");
        assert_eq!(rejects[&5].code, "missing_field", "{backend}");
        assert_eq!(rejects[&5].field, "external_id", "{backend}");

        let old = setup.days_ago(20);
        let purchases = setup.file(
            "purchases.csv",
            &format!(
                "external_id,order_id,channel,store,currency,total,occurred_at\n\
                 rej-a,p-1,pos,,CNY,10.00,{old}\n\
                 rej-a,p-2,pos,,CNY,12;50,{old}\n\
                 rej-a,p-3,pos\n\
                 nobody,p-4,pos,,CNY,10.00,{old}\n\
                 rej-a,p-5,pos,,USD,10.00,{old}\n\
                 rej-a,p-6,pos,,CNY,10.00,yesterday\n\
                 rej-a,p-7,fax,,CNY,10.00,{old}\n\
                 rej-a,p-8,pos,,CNY,10.001,{old}\n\
                 rej-a,p-1,pos,,CNY,99.00,{old}\n\
                 rej-d,p-9,web,,CNY,33.30,{old}\n"
            ),
        );
        let rejects_path = setup.dir.path().join("elsewhere.csv");
        let imported = setup.import(
            "purchases",
            &purchases,
            &["--rejects", rejects_path.to_str().unwrap()],
        );
        assert_eq!(imported.counts(), counts(10, 2, 0, 8), "{backend}");
        assert!(
            !setup.dir.path().join("purchases.csv.rejects.csv").exists(),
            "{backend}: --rejects was not used"
        );
        let rejects = read_rejects(&rejects_path);
        let by_line: Vec<(u64, &str, &str)> = rejects
            .iter()
            .map(|(line, r)| (*line, r.code.as_str(), r.field.as_str()))
            .collect();
        assert_eq!(
            by_line,
            [
                (3, "invalid_amount", "total"),
                (4, "missing_field", "currency"),
                (5, "unknown_member", "external_id"),
                (6, "currency_mismatch", "currency"),
                (7, "invalid_date", "occurred_at"),
                (8, "invalid_field", "channel"),
                (9, "invalid_amount", "total"),
                (10, "idempotency_conflict", "order_id"),
            ],
            "{backend}: {rejects:?}"
        );
        for reject in rejects.values() {
            assert!(!reject.message.is_empty(), "{backend}: {reject:?}");
        }
        assert!(
            rejects[&5].row.starts_with("nobody,p-4,"),
            "{backend}: {:?}",
            rejects[&5]
        );

        let jsonl = setup.file(
            "purchases.jsonl",
            &format!(
                "{{\"external_id\":\"rej-d\",\"order_id\":\"j-1\",\"channel\":\"web\",\"currency\":\"CNY\",\"total\":\"1.00\",\"occurred_at\":\"{old}\"}}\n\
                 {{not json\n\
                 {{\"external_id\":\"rej-d\",\"ordr_id\":\"j-2\"}}\n\
                 {{\"external_id\":\"rej-d\",\"order_id\":\"j-3\",\"channel\":\"web\",\"currency\":\"CNY\",\"total\":\"3\",\"occurred_at\":\"{old}\",\"lines\":[{{\"sku\":\"A\",\"quantity\":0,\"unit_price\":\"3\"}}]}}\n"
            ),
        );
        let imported = setup.import("purchases", &jsonl, &[]);
        assert_eq!(imported.counts(), counts(4, 1, 0, 3), "{backend}");
        let rejects = read_rejects(&setup.dir.path().join("purchases.jsonl.rejects.csv"));
        let by_line: Vec<(u64, &str, &str)> = rejects
            .iter()
            .map(|(line, r)| (*line, r.code.as_str(), r.field.as_str()))
            .collect();
        assert_eq!(
            by_line,
            [
                (2, "malformed_row", "row"),
                (3, "invalid_field", "ordr_id"),
                (4, "invalid_amount", "lines[0].quantity"),
            ],
            "{backend}: {rejects:?}"
        );
        assert_eq!(rejects[&2].row, "{not json", "{backend}");

        let (server, key) = setup.serve().await;
        assert_eq!(
            balances(&server, &key, ["rej-a".to_owned(), "rej-d".to_owned()]).await,
            BTreeMap::from([("rej-a".to_owned(), (10, 0)), ("rej-d".to_owned(), (34, 0))]),
            "{backend}"
        );
        support::assert_consistent(backend, &db.url).await;
    }
}

/// One row of a reject file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_say_when_they_joined_and_a_join_date_that_cannot_be_is_rejected_naming_its_column()
{
    for (backend, db) in laurel_testkit::backends() {
        let setup = Setup::new(&db.url);
        let joined = setup.days_ago(400);
        let ahead = setup.days_ago(-1);
        let members = setup.file(
            "members.csv",
            &format!(
                "external_id,enrolled_at\n\
                 old-a,{joined}\n\
                 old-b,2025-03-04\n\
                 old-c,\n\
                 old-d,04/03/2025\n\
                 old-e,{ahead}\n"
            ),
        );
        let imported = setup.import("members", &members, &[]);
        assert_eq!(imported.counts(), counts(5, 3, 0, 2), "{backend}");
        let rejects = read_rejects(&setup.dir.path().join("members.csv.rejects.csv"));
        let by_line: Vec<(u64, &str, &str)> = rejects
            .iter()
            .map(|(line, r)| (*line, r.code.as_str(), r.field.as_str()))
            .collect();
        assert_eq!(
            by_line,
            [
                (5, "invalid_date", "enrolled_at"),
                (6, "invalid_date", "enrolled_at"),
            ],
            "{backend}: malformed, then in the future: {rejects:?}"
        );

        let (server, key) = setup.serve().await;
        let client = support::client();
        let enrolled_at = |external_id: &'static str| {
            let url = server.url(&format!("/api/v1/members?external_id={external_id}"));
            let (client, key) = (&client, &key);
            async move {
                let body = support::get_json(client, &url, key).await;
                body["enrolled_at"]
                    .as_str()
                    .and_then(|at| at.parse::<jiff::Timestamp>().ok())
                    .unwrap_or_else(|| panic!("{external_id}: {body}"))
            }
        };
        let joined: jiff::Timestamp = joined.parse().unwrap();
        assert_eq!(
            enrolled_at("old-a").await.as_microsecond(),
            joined.as_microsecond(),
            "{backend}"
        );
        assert_eq!(
            enrolled_at("old-b").await,
            "2025-03-04T00:00:00+08:00".parse().unwrap(),
            "{backend}: the day's start in the program's time zone"
        );
        assert!(
            enrolled_at("old-c").await >= setup.now - jiff::SignedDuration::from_secs(1),
            "{backend}: blank is now"
        );
        support::assert_consistent(backend, &db.url).await;
    }
}

#[derive(Debug)]
struct RejectRow {
    code: String,
    field: String,
    message: String,
    row: String,
}

/// A reject file by line number; insists on its header.
fn read_rejects(path: &Path) -> BTreeMap<u64, RejectRow> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("reading the reject file {}: {e}", path.display()));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        ["line", "code", "field", "message", "row"],
        "{text}"
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
            let line = r[0].parse().expect("a line number");
            let row = RejectRow {
                code: r[1].to_owned(),
                field: r[2].to_owned(),
                message: r[3].to_owned(),
                row: r[4].to_owned(),
            };
            (line, row)
        })
        .collect()
}

/// Members in the interrupted import.
const RESUME_MEMBERS: usize = 1000;
/// Purchase rows in the interrupted import.
const RESUME_ROWS: usize = 20_000;
/// The row that is bad on purpose: its reject appearing tells the test the import is
/// part-way, and thousands of rows before it are committed (at most a window's worth of
/// rows, [`RESUME_WINDOW`], are in flight).
const RESUME_BAD_ROW: usize = 6_000;
/// The interrupted run's window: small beside the file, so the kill lands part-way.
const RESUME_WINDOW: usize = 2048;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_import_resumes_with_every_row_exactly_once() {
    for (backend, db) in laurel_testkit::backends() {
        let setup = Setup::new(&db.url);
        let mut members = String::from("external_id\n");
        for m in 0..RESUME_MEMBERS {
            writeln!(members, "resume-{m}").unwrap();
        }
        let members = setup.file("members.csv", &members);
        assert_eq!(
            setup.import("members", &members, &[]).counts().imported,
            RESUME_MEMBERS as u64
        );

        let old = setup.days_ago(10);
        let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut orders = vec![0_usize; RESUME_MEMBERS];
        let mut text = String::from("external_id,order_id,channel,currency,total,occurred_at\n");
        for i in 0..RESUME_ROWS {
            let m = (i * 7) % RESUME_MEMBERS;
            let cents = 100 + (i * 7919) % 50_000;
            if i == RESUME_BAD_ROW {
                writeln!(text, "resume-{m},r-{i},pos,CNY,not-money,{old}").unwrap();
                continue;
            }
            writeln!(
                text,
                "resume-{m},r-{i},pos,CNY,{}.{:02},{old}",
                cents / 100,
                cents % 100
            )
            .unwrap();
            expected.entry(format!("resume-{m}")).or_default().0 += (cents / 100) as i64;
            orders[m] += 1;
        }
        let purchases = setup.file("purchases.csv", &text);
        let rejects = setup.dir.path().join("purchases.csv.rejects.csv");

        let window = RESUME_WINDOW.to_string();
        let (mut child, _, err) = setup.spawn("purchases", &purchases, &["--window", &window]);
        let deadline = Instant::now() + IMPORT_TIMEOUT;
        while !rejects.exists() {
            if let Some(status) = child.0.try_wait().unwrap() {
                panic!(
                    "{backend}: the import ended ({status}) before it could be killed:\n{}",
                    support::tail(&err, 20)
                );
            }
            assert!(Instant::now() < deadline, "{backend}: no reject file");
            std::thread::sleep(Duration::from_millis(2));
        }
        child.0.kill().unwrap();
        let status = child.0.wait().unwrap();
        assert!(
            status.code().is_none(),
            "{backend}: the import was not killed but ended ({status})"
        );

        let resumed = setup.import("purchases", &purchases, &[]).counts();
        assert_eq!(resumed.read, RESUME_ROWS as u64, "{backend}");
        assert_eq!(resumed.rejected, 1, "{backend}");
        assert_eq!(
            resumed.imported + resumed.already,
            RESUME_ROWS as u64 - 1,
            "{backend}: {resumed:?}"
        );
        assert!(
            resumed.already >= (RESUME_BAD_ROW - RESUME_WINDOW) as u64 && resumed.imported > 0,
            "{backend}: the kill did not land part-way: {resumed:?}"
        );
        let again = setup.import("purchases", &purchases, &[]).counts();
        assert_eq!(
            again,
            counts(RESUME_ROWS as u64, 0, RESUME_ROWS as u64 - 1, 1),
            "{backend}"
        );

        let (server, key) = setup.serve().await;
        let found = balances(&server, &key, expected.keys().cloned()).await;
        assert_eq!(found, expected, "{backend}");
        // Exactly once, counted: one earn entry per order for a sample of members.
        let client = support::client();
        for m in (0..RESUME_MEMBERS).step_by(97) {
            let (id, _, _) = member(&client, &server, &key, &format!("resume-{m}")).await;
            let ledger = support::full_ledger(&client, &server, &key, id).await;
            assert_eq!(ledger.len(), orders[m], "{backend}: member resume-{m}");
        }
        support::assert_consistent(backend, &db.url).await;
    }
}

#[test]
fn import_help_names_the_columns_and_a_wrong_file_fails_before_the_database() {
    let members_help = support::laurel_ok(&["import", "members", "--help"]).stdout;
    assert!(
        members_help.contains("enrolled_at"),
        "help lacks enrolled_at:\n{members_help}"
    );
    let help = support::laurel_ok(&["import", "purchases", "--help"]).stdout;
    for needle in [
        "order_id",
        "occurred_at",
        "--rejects",
        "--database",
        ".jsonl",
    ] {
        assert!(help.contains(needle), "help lacks {needle}:\n{help}");
    }
    let setup = Setup::new("sqlite:///nonexistent-dir/never.db");
    let missing = setup.dir.path().join("missing.csv");
    let output = setup.import("members", &missing, &[]);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        output.stderr.contains("missing.csv"),
        "the error does not name the file:\n{}",
        output.stderr
    );
    let no_order_id = setup.file("purchases.csv", "external_id,total\nx,1\n");
    let output = setup.import("purchases", &no_order_id, &[]);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        output.stderr.contains("order_id"),
        "the error does not name the missing column:\n{}",
        output.stderr
    );
    let text = setup.file("members.txt", "external_id\nx\n");
    let output = setup.import("members", &text, &[]);
    assert!(
        !output.status.success() && output.stderr.contains(".csv, .jsonl or .ndjson"),
        "{output:?}"
    );
}
