//! `laurel report kpis` on both backends: history imported with its own dates is counted when
//! it happened, written as a table, CSV or the API's JSON.

use crate::support;

#[test]
fn report_kpis_counts_imported_history_in_table_csv_and_json() {
    for (backend, db) in laurel_testkit::backends() {
        let dir = tempfile::tempdir().unwrap();
        support::imported(
            dir.path(),
            &db.url,
            "external_id,channel\nm1,pos\nm2,pos\nm3,app\n",
            &format!(
                "external_id,order_id,channel,currency,total,occurred_at\n\
                 m1,o1,pos,CNY,100.00,{}\nm1,o2,pos,CNY,50.00,{}\nm2,o3,pos,CNY,30.00,{}\n",
                support::days_ago(2),
                support::days_ago(1),
                support::days_ago(2)
            ),
        );
        let report = |extra: &[&str]| {
            let mut args = vec!["report", "kpis", "--database", &db.url];
            args.extend_from_slice(extra);
            support::laurel_ok(&args).stdout
        };

        let json: serde_json::Value = serde_json::from_str(&report(&["--format", "json"]))
            .unwrap_or_else(|e| panic!("{backend}: not JSON: {e}"));
        let kpi = |id: &str| {
            json["kpis"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["id"] == id)
                .unwrap_or_else(|| panic!("{backend}: no {id}"))["value"]
                .clone()
        };
        assert_eq!(kpi("buyers"), "2", "{backend}: {json}");
        assert_eq!(kpi("engagement_rate"), "66.7", "{backend}: 2 of 3");
        assert_eq!(kpi("purchase_frequency"), "1.50", "{backend}");
        assert_eq!(kpi("member_order_value"), "60.00", "{backend}: 180 / 3");
        assert_eq!(kpi("enrollments"), "3", "{backend}");
        assert_eq!(json["period"]["days"], 90, "{backend}");

        let today = json["period"]["to"].as_str().unwrap().to_owned();
        let csv = report(&["--format", "csv", "--from", &today, "--to", &today]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("kpi,current,previous,change,definition"),
            "{backend}"
        );
        assert!(
            csv.lines().any(|l| l.starts_with("buyers,0,1,-100.0%,")),
            "{backend}: nobody bought today, m1 did yesterday:\n{csv}"
        );

        let table = report(&[]);
        assert!(
            table
                .lines()
                .any(|l| l.starts_with("net_promoter_score") && l.contains("not measured")),
            "{backend}:\n{table}"
        );
        assert!(
            table.contains("enrollments by channel\n  app: 1\n  pos: 2"),
            "{backend}:\n{table}"
        );
    }
}
