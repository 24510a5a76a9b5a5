//! `laurel books` on both backends: the roll-forward of imported history as JSON, a table and
//! CSV, the journal a finance system imports, an estimate recorded and a period closed from
//! the command line, and a refusal that says why.

use crate::support;

#[test]
fn books_report_the_imported_history_write_its_journal_and_record_estimates_and_closes() {
    for (backend, db) in laurel_testkit::backends() {
        let dir = tempfile::tempdir().unwrap();
        support::imported(
            dir.path(),
            &db.url,
            "external_id,channel\nm1,pos\nm2,pos\n",
            &format!(
                "external_id,order_id,channel,currency,total,occurred_at\n\
                 m1,o1,pos,CNY,100.00,{}\nm2,o2,pos,CNY,50.00,{}\n",
                support::days_ago(40),
                support::days_ago(2),
            ),
        );
        let from = support::days_ago(60)[..10].to_owned();
        let books = |extra: &[&str]| {
            let mut args = vec!["books"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&["--database", &db.url]);
            support::laurel_ok(&args).stdout
        };
        // The demo program's [books]: a point sells for ¥0.01, 85% expected back. ¥100 with
        // 100 points worth ¥0.85 defers 100 × 0.85 / 100.85; ¥50 with 50 points worth
        // ¥0.425 defers 50 × 0.425 / 50.425: ¥1.264… in all.
        let json: serde_json::Value =
            serde_json::from_str(&books(&["report", "--from", &from, "--format", "json"]))
                .unwrap_or_else(|e| panic!("{backend}: not JSON: {e}"));
        assert_eq!(json["deferred"], "1.26", "{backend}: {json}");
        assert_eq!(json["closing_liability"], "1.26", "{backend}");
        assert_eq!(json["points"]["issued"], 150, "{backend}");
        assert_eq!(
            json["estimate"]["expected_redemption_rate"], "0.85",
            "{backend}"
        );
        assert!(json["periods"].as_array().unwrap().len() >= 2, "{backend}");

        let table = books(&["report", "--from", &from]);
        assert!(
            table
                .lines()
                .any(|l| l.starts_with("total") && l.contains("1.26")),
            "{backend}:\n{table}"
        );
        let csv = books(&["report", "--from", &from, "--format", "csv"]);
        assert!(
            csv.starts_with("period,closed,opening,deferred,reversed,recognised,breakage,closing,"),
            "{backend}:\n{csv}"
        );
        let journal = books(&["journal", "--from", &from]);
        assert!(
            journal.starts_with(
                "period,date,pool,entry,debit_account,credit_account,amount,currency,reference\n"
            ),
            "{backend}:\n{journal}"
        );
        let deferred: f64 = journal
            .lines()
            .filter(|l| l.contains(",deferral,4000,2400,"))
            .map(|l| l.split(',').nth(6).unwrap().parse::<f64>().unwrap())
            .sum();
        assert!(
            (deferred - 1.26).abs() < 1e-9,
            "{backend}: the months' deferrals add up:\n{journal}"
        );

        let said = books(&[
            "estimate",
            "--from",
            &support::days_ago(0),
            "--rate",
            "0.5",
            "--note",
            "Half come back.",
        ]);
        assert!(said.starts_with("estimate 1:"), "{backend}: {said}");
        let json: serde_json::Value =
            serde_json::from_str(&books(&["report", "--format", "json"])).unwrap();
        assert_eq!(json["estimate"]["source"], "estimate", "{backend}: {json}");

        let said = books(&["close", "2020-01"]);
        assert!(said.starts_with("closed 2020-01:"), "{backend}: {said}");
        let refused = support::laurel(&["books", "close", "2019-12", "--database", &db.url]);
        assert!(!refused.status.success(), "{backend}");
        assert!(
            refused.stderr.contains("closed up to"),
            "{backend}: {}",
            refused.stderr
        );
    }
}
