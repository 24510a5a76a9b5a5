//! Program versions on both backends: the program file is stored as a version when it changes,
//! a version applied while Laurel runs takes effect without a restart, each purchase is judged
//! by the version in force at its `occurred_at` and its ledger entry records that version, and
//! a version that does not validate or would break recorded data is refused with nothing stored.

use super::*;
use laurel_engine::{Applied, ApplyProgram, ProgramVersion};

/// [`PROGRAM`] earning `rate` points per yuan.
fn at_rate(rate: &str) -> String {
    PROGRAM.replace(ONE_PER_YUAN.0, &format!(r#"points_per_unit = "{rate}""#))
}

/// A migrated store and an engine started as Laurel starts: from the program file's text, if
/// given, and the versions stored.
async fn open_with(db: &TestDb, file: Option<&str>) -> Result<Engine, EngineError> {
    let store = open(db).await;
    let config = EngineConfig::for_backend(store.backend());
    Engine::open(store, file, config).await
}

fn apply(text: &str) -> ApplyProgram {
    ApplyProgram {
        text: text.to_owned(),
        effective_from: None,
        note: Some("test".into()),
        dry_run: false,
    }
}

/// The version a successful apply stored.
fn created(applied: Applied) -> Arc<ProgramVersion> {
    match applied {
        Applied::Created(v) => v,
        other => panic!("expected a new version, got {other:?}"),
    }
}

async fn numbers(engine: &Engine) -> Vec<Option<i64>> {
    engine
        .program_versions()
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect()
}

async fn in_force_now(engine: &Engine) -> Option<i64> {
    engine
        .program_in_force(Timestamp::now())
        .await
        .unwrap()
        .version
}

/// The program version each of a member's ledger entries records, oldest first.
async fn entry_versions(engine: &Engine, member_id: i64) -> Vec<Option<i64>> {
    let mut versions: Vec<_> = entries(engine, member_id)
        .await
        .iter()
        .map(|e| e.meta.program_version)
        .collect();
    versions.reverse();
    versions
}

#[tokio::test]
async fn the_program_file_is_stored_once_and_a_changed_file_becomes_a_new_version() {
    for (name, db) in laurel_testkit::backends() {
        let one = at_rate("1");
        let engine = open_with(&db, Some(&one)).await.unwrap();
        assert_eq!(numbers(&engine).await, vec![Some(1)], "[{name}]");
        engine.shutdown().await;

        let engine = open_with(&db, Some(&one)).await.unwrap();
        assert_eq!(
            numbers(&engine).await,
            vec![Some(1)],
            "[{name}] an unchanged file is not stored again"
        );
        engine.shutdown().await;

        let engine = open_with(&db, Some(&at_rate("2"))).await.unwrap();
        assert_eq!(numbers(&engine).await, vec![Some(1), Some(2)], "[{name}]");
        assert_eq!(in_force_now(&engine).await, Some(2), "[{name}]");
        let v2 = engine.program_version(2).await.unwrap();
        let stored = v2.stored.as_ref().unwrap();
        assert_eq!(stored.source, laurel_store::ProgramSource::File);
        assert_eq!(stored.text, at_rate("2"), "[{name}] the text is kept");
        engine.shutdown().await;

        let engine = open_with(&db, None).await.unwrap();
        assert_eq!(
            in_force_now(&engine).await,
            Some(2),
            "[{name}] without a file, the stored versions run"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn without_a_file_or_a_stored_version_laurel_refuses_to_start() {
    for (name, db) in laurel_testkit::backends() {
        let refused = open_with(&db, None).await.map(|_| ());
        assert_eq!(code(refused), "no_program", "[{name}]");
        let refused = open_with(&db, Some("[program]\nname = 1\n"))
            .await
            .map(|_| ());
        assert_eq!(code(refused), "invalid_program", "[{name}]");
    }
}

#[tokio::test]
async fn a_version_applied_at_runtime_takes_effect_at_once_and_outlives_an_unchanged_file() {
    for (name, db) in laurel_testkit::backends() {
        let one = at_rate("1");
        let engine = open_with(&db, Some(&one)).await.unwrap();
        let amy = member(&engine, "amy").await;
        assert_eq!(
            buy_now(&engine, amy, "o-1", "100")
                .await
                .earned
                .points_earned,
            100
        );

        let v2 = created(
            engine
                .apply_program(apply(&at_rate("2")), "key:admin")
                .await
                .unwrap(),
        );
        assert_eq!(v2.version, Some(2), "[{name}]");
        assert_eq!(
            v2.stored.as_ref().unwrap().actor.as_deref(),
            Some("key:admin")
        );
        assert_eq!(
            buy_now(&engine, amy, "o-2", "100")
                .await
                .earned
                .points_earned,
            200,
            "[{name}] the next purchase earns under the new version, no restart"
        );
        assert_eq!(
            entry_versions(&engine, amy).await,
            vec![Some(1), Some(2)],
            "[{name}] each entry records the version that decided it"
        );
        engine.shutdown().await;

        let engine = open_with(&db, Some(&one)).await.unwrap();
        assert_eq!(
            (numbers(&engine).await, in_force_now(&engine).await),
            (vec![Some(1), Some(2)], Some(2)),
            "[{name}] restarting with the unchanged file keeps the applied version"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_purchase_is_judged_by_the_version_in_force_at_its_occurred_at() {
    for (name, db) in laurel_testkit::backends() {
        let engine = open_with(&db, Some(&at_rate("1"))).await.unwrap();
        let amy = member(&engine, "amy").await;
        created(
            engine
                .apply_program(apply(&at_rate("2")), "key:admin")
                .await
                .unwrap(),
        );
        let later = Timestamp::from_second(Timestamp::now().as_second() + 3600).unwrap();
        let scheduled = ApplyProgram {
            effective_from: Some(later),
            ..apply(&at_rate("3"))
        };
        let v3 = created(engine.apply_program(scheduled, "key:admin").await.unwrap());
        assert_eq!(v3.effective_from, later, "[{name}]");

        // Made an hour ago, before either version took effect: the first version judges it.
        let old = buy(&engine, amy, "o-old", "100").await;
        let now = buy_now(&engine, amy, "o-now", "100").await;
        assert_eq!(
            (old.earned.points_earned, now.earned.points_earned),
            (100, 200),
            "[{name}]"
        );
        assert_eq!(
            entry_versions(&engine, amy).await,
            vec![Some(1), Some(2)],
            "[{name}] the scheduled version is not in force yet"
        );
        assert_eq!(numbers(&engine).await, vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            engine.program_in_force(later).await.unwrap().version,
            Some(3),
            "[{name}] it is in force from its instant"
        );

        let preview = engine
            .preview(purchase_request(amy, "o-preview", "100"))
            .await
            .unwrap();
        assert_eq!(
            preview.points_earned, 100,
            "[{name}] the preview judges by occurred_at too"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_version_that_does_not_validate_or_breaks_recorded_data_is_refused_and_nothing_stored() {
    for (name, db) in laurel_testkit::backends() {
        let first = at_rate("1") + TWO_TIERS;
        let engine = open_with(&db, Some(&first)).await.unwrap();
        member(&engine, "amy").await;

        let invalid = at_rate("-1").replace("Asia/Shanghai", "Mars/Olympus");
        match engine.apply_program(apply(&invalid), "key:admin").await {
            Err(EngineError::InvalidProgram(problems)) => {
                assert!(
                    problems
                        .iter()
                        .any(|p| p.to_string().contains("points_per_unit"))
                        && problems.iter().any(|p| p.to_string().contains("time_zone")),
                    "[{name}] every problem with its key: {problems:?}"
                );
            }
            other => panic!("[{name}] expected invalid_program, got {other:?}"),
        }
        let euros = first.replace(r#"currency = "CNY""#, r#"currency = "EUR""#);
        assert_eq!(
            code(engine.apply_program(apply(&euros), "key:admin").await),
            "program_currency_changed",
            "[{name}]"
        );
        let no_green = first.replace(r#"id = "green""#, r#"id = "jade""#);
        assert_eq!(
            code(engine.apply_program(apply(&no_green), "key:admin").await),
            "program_tier_in_use",
            "[{name}] amy is green"
        );
        let backdated = ApplyProgram {
            effective_from: Some(Timestamp::now() - SignedDuration::from_hours(24)),
            ..apply(&at_rate("2"))
        };
        assert_eq!(
            code(engine.apply_program(backdated, "key:admin").await),
            "invalid_field",
            "[{name}] a version cannot take effect in the past"
        );
        let dry_run = ApplyProgram {
            dry_run: true,
            ..apply(&(at_rate("2") + TWO_TIERS))
        };
        assert!(
            matches!(
                engine.apply_program(dry_run, "key:admin").await.unwrap(),
                Applied::Checked(v) if v.version.is_none()
            ),
            "[{name}]"
        );
        assert!(
            matches!(
                engine.apply_program(apply(&first), "key:admin").await.unwrap(),
                Applied::Unchanged(v) if v.version == Some(1)
            ),
            "[{name}] the text in force again is not a new version"
        );
        assert_eq!(
            numbers(&engine).await,
            vec![Some(1)],
            "[{name}] nothing stored"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn engines_sharing_a_database_number_versions_apart_and_pick_up_each_others() {
    for (name, db) in laurel_testkit::backends() {
        let a = Arc::new(open_with(&db, Some(&at_rate("1"))).await.unwrap());
        let b = Arc::new(open_with(&db, None).await.unwrap());
        let racers: Vec<_> = (2..=7)
            .map(|rate| {
                let engine = if rate % 2 == 0 { a.clone() } else { b.clone() };
                tokio::spawn(async move {
                    let text = at_rate(&rate.to_string());
                    created(
                        engine
                            .apply_program(apply(&text), "key:admin")
                            .await
                            .unwrap(),
                    )
                    .version
                    .unwrap()
                })
            })
            .collect();
        let mut stored = Vec::new();
        for racer in racers {
            stored.push(racer.await.unwrap());
        }
        stored.sort_unstable();
        assert_eq!(stored, vec![2, 3, 4, 5, 6, 7], "[{name}] distinct numbers");
        assert!(b.reload_programs().await.is_ok());
        assert_eq!(
            numbers(&a).await,
            numbers(&b).await,
            "[{name}] both see every version"
        );
        unshare(b).shutdown().await;
        finish(name, unshare(a)).await;
    }
}

#[test]
fn every_problem_in_a_program_text_has_its_line_and_a_template_its_words_fill() {
    let text = PROGRAM.replace(
        r#"rounding = "floor""#,
        r#"rounding = "floor"
mystery = 1"#,
    );
    let err = parse_program(&text, Path::new("p.toml")).unwrap_err();
    let issue = &err.issues[0];
    assert_eq!(issue.words.template, "unknown key `{name}`");
    assert_eq!(issue.words.args, [("name", "mystery".to_owned())]);
    let line = text.lines().position(|l| l.starts_with("mystery")).unwrap() + 1;
    assert_eq!(issue.line, Some(line), "the line of the unknown key");
    assert!(
        err.problems[0].contains("unknown field `mystery`"),
        "the English problem is the TOML reader's: {}",
        err.problems[0]
    );

    let text = format!(
        "{PROGRAM}\n[[rewards]]\nid = \"x\"\nname = \"X\"\ntype = \"physical_gift\"\ncost = 0\n"
    );
    let err = parse_program(&text, Path::new("p.toml")).unwrap_err();
    let issue = &err.issues[0];
    assert_eq!(issue.key, "rewards[0].cost");
    assert_eq!(
        issue.words.template,
        "must be between {min} and {max}, got {got}"
    );
    assert_eq!(issue.message, "must be between 1 and 1000000000, got 0");
    let line = text
        .lines()
        .position(|l| l.starts_with("cost = 0"))
        .unwrap()
        + 1;
    assert_eq!(issue.line, Some(line), "the line of the key at fault");

    let err = parse_program("[program\nname = 1", Path::new("p.toml")).unwrap_err();
    assert_eq!(
        err.issues[0].words.template,
        "the text is not valid TOML: {detail}"
    );
    assert_eq!(err.issues[0].line, Some(1));
}
