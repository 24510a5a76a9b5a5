//! `laurel simulate` on both backends: imported history replayed through a draft beside the
//! program in force, as JSON, CSV or a table; a draft with problems refused as `program check`
//! refuses it, before anything is replayed.

use crate::support;

#[test]
fn simulate_reports_a_draft_beside_the_program_in_force_and_refuses_a_broken_draft() {
    for (backend, db) in laurel_testkit::backends() {
        let dir = tempfile::tempdir().unwrap();
        support::imported(
            dir.path(),
            &db.url,
            "external_id\nm1\nm2\n",
            &format!(
                "external_id,order_id,channel,currency,total,occurred_at\n\
                 m1,o1,pos,CNY,100.00,{}\nm1,o2,pos,CNY,50.00,{}\nm2,o3,pos,CNY,30.00,{}\n",
                support::days_ago(40),
                support::days_ago(20),
                support::days_ago(10)
            ),
        );
        let doubled =
            support::program().replace("points_per_unit = \"1\"", "points_per_unit = \"2\"");
        assert_ne!(
            doubled,
            support::program(),
            "the fixture earns 1 point per yuan"
        );
        let draft = support::write_file(dir.path(), "draft.toml", &doubled);
        let draft = draft.to_str().unwrap();
        let simulate = |extra: &[&str]| {
            let mut args = vec!["simulate", "--program", draft, "--database", &db.url];
            args.extend_from_slice(extra);
            support::laurel_ok(&args)
        };

        let json = simulate(&["--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&json.stdout)
            .unwrap_or_else(|e| panic!("{backend}: not JSON: {e}"));
        assert_eq!(
            report["current"]["total"]["earned"], 180,
            "{backend}: {report}"
        );
        assert_eq!(report["draft"]["total"]["earned"], 360, "{backend}");
        assert_eq!(report["draft"]["total"]["purchases"], 3, "{backend}");
        assert_eq!(report["purchases"], 3, "{backend}");
        assert!(
            json.stderr.contains("replayed"),
            "{backend}: the replay's size and time go to stderr"
        );

        let busier = simulate(&["--assume", "visits=100", "--format", "json"]);
        let busier: serde_json::Value = serde_json::from_str(&busier.stdout).unwrap();
        assert_eq!(
            busier["draft"]["total"]["purchases"], 6,
            "{backend}: {busier}"
        );
        assert_eq!(busier["current"]["total"]["purchases"], 3, "{backend}");
        assert_eq!(busier["stated"][0]["kind"], "visits", "{backend}");
        let garbled = support::laurel(&[
            "simulate",
            "--program",
            draft,
            "--database",
            &db.url,
            "--assume",
            "visits=lots",
        ]);
        assert!(
            garbled.stderr.contains("not a percentage"),
            "{backend}: {}",
            garbled.stderr
        );

        let csv = simulate(&["--format", "csv"]).stdout;
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .is_some_and(|h| h.starts_with("program,period,purchases,sales,earned,")),
            "{backend}: {csv}"
        );
        assert!(
            csv.lines()
                .any(|l| l.starts_with("draft,total,3,180.00,360,")),
            "{backend}: {csv}"
        );

        let table = simulate(&[]).stdout;
        assert!(table.contains("base: 180 → 360"), "{backend}: {table}");
        assert!(table.contains("Assumptions:"), "{backend}");

        let broken = support::write_file(
            dir.path(),
            "broken.toml",
            &doubled.replace("points_per_unit = \"2\"", "points_per_unit = \"-2\""),
        );
        let refused = support::laurel(&[
            "simulate",
            "--program",
            broken.to_str().unwrap(),
            "--database",
            &db.url,
        ]);
        assert_eq!(refused.status.code(), Some(1), "{backend}");
        let said = &refused.stdout;
        assert!(
            said.contains("broken.toml:") && said.contains("points_per_unit"),
            "{backend}: {said}"
        );
    }
}
