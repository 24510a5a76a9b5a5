//! Checks that the test fixtures hand out usable, independent databases.

// Tests fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.trim().eq_ignore_ascii_case("true"))
}

/// `psql` from the same places the testkit looks for PostgreSQL, else from `PATH`.
fn psql() -> PathBuf {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    from_pg_config
        .into_iter()
        .chain([PathBuf::from("/usr/lib/postgresql/15/bin")])
        .map(|dir| dir.join("psql"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("psql"))
}

fn select_one(url: &str) {
    let out = Command::new(psql())
        .arg(url)
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", "select 1"])
        .stdin(Stdio::null())
        .output()
        .expect("running psql");
    assert!(
        out.status.success(),
        "psql {url} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
}

#[test]
fn postgres_gives_distinct_reachable_databases() {
    let Some(first) = laurel_testkit::postgres() else {
        assert!(!in_ci(), "PostgreSQL must not be skipped under CI=true");
        return;
    };
    let second = laurel_testkit::postgres().expect("second database on the same cluster");
    assert_ne!(first.url, second.url);
    for db in [&first, &second] {
        assert!(
            db.url.starts_with("postgres://postgres@127.0.0.1:"),
            "{}",
            db.url
        );
        select_one(&db.url);
    }
}

#[test]
fn sqlite_gives_a_path_in_an_existing_directory() {
    let db = laurel_testkit::sqlite();
    let path = db
        .url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.strip_suffix("?mode=rwc"))
        .unwrap_or_else(|| panic!("unexpected SQLite URL {}", db.url));
    let path = Path::new(path);
    assert!(path.is_absolute(), "{}", path.display());
    let parent = path
        .parent()
        .expect("database path has a parent")
        .to_owned();
    assert!(parent.is_dir(), "{} does not exist", parent.display());

    let other = laurel_testkit::sqlite();
    assert_ne!(db.url, other.url);

    drop(db);
    assert!(!parent.exists(), "{} survived the drop", parent.display());
}

#[test]
fn backends_lists_sqlite_then_postgres() {
    let names: Vec<&str> = laurel_testkit::backends()
        .iter()
        .map(|(name, _)| *name)
        .collect();
    if in_ci() {
        assert_eq!(names, ["sqlite", "postgres"]);
    } else {
        assert!(
            names == ["sqlite", "postgres"] || names == ["sqlite"],
            "{names:?}"
        );
    }
}
