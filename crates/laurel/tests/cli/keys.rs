//! `laurel keys create` with an expiry on both backends: `--expires-in` (days or hours from
//! now) and `--expires-at` (an instant) are stored with the key; a key born expired, a time
//! that is not one, and both options at once are refused with nothing made.

use super::support::{laurel, laurel_ok};
use jiff::{SignedDuration, Timestamp};
use laurel_engine::Store;

/// `laurel keys create` for a till key with `expiry`'s options.
fn create(database: &str, expiry: &[&str]) -> super::support::Output {
    let mut args = vec!["keys", "create", "--scope", "pos", "--database", database];
    args.extend_from_slice(expiry);
    laurel(&args)
}

/// Every stored key's expiry, newest first.
async fn expiries(database: &str) -> Vec<Option<Timestamp>> {
    let store = Store::connect(database).await.unwrap();
    let keys = store.api_keys().await.unwrap();
    keys.into_iter().map(|k| k.expires_at).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_create_stores_an_expiry_given_from_now_or_as_an_instant() {
    for (name, db) in laurel_testkit::backends() {
        laurel_ok(&["migrate", "--database", &db.url]);
        let before = Timestamp::now();
        let made = create(&db.url, &["--expires-in", "90d"]);
        assert!(made.status.success(), "[{name}] {}", made.stderr);
        assert!(
            made.stdout.trim().starts_with("lrl_pos_"),
            "[{name}] {}",
            made.stdout
        );
        assert!(
            made.stderr.contains("expires at"),
            "[{name}] {}",
            made.stderr
        );
        laurel_ok(&[
            "keys",
            "create",
            "--scope",
            "admin",
            "--expires-at",
            "2099-01-01T00:00:00Z",
            "--database",
            &db.url,
        ]);
        laurel_ok(&["keys", "create", "--scope", "pos", "--database", &db.url]);

        let stored = expiries(&db.url).await;
        let in_90_days = stored[2].expect("--expires-in stored");
        let ninety = SignedDuration::from_hours(90 * 24);
        assert!(
            in_90_days >= before + ninety && in_90_days <= Timestamp::now() + ninety,
            "[{name}] {in_90_days}"
        );
        assert_eq!(
            stored[1],
            Some("2099-01-01T00:00:00Z".parse().unwrap()),
            "[{name}]"
        );
        assert_eq!(stored[0], None, "[{name}] without either it never expires");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_create_refuses_a_past_expiry_a_time_that_is_not_one_and_both_options() {
    for (name, db) in laurel_testkit::backends() {
        laurel_ok(&["migrate", "--database", &db.url]);
        for expiry in [
            &["--expires-at", "2001-01-01T00:00:00Z"][..],
            &["--expires-in", "0d"],
            &["--expires-in", "90"],
            &["--expires-in", "soon"],
            &["--expires-at", "tomorrow"],
            &[
                "--expires-in",
                "90d",
                "--expires-at",
                "2099-01-01T00:00:00Z",
            ],
        ] {
            let refused = create(&db.url, expiry);
            assert!(
                !refused.status.success(),
                "[{name}] {expiry:?}: {}",
                refused.stdout
            );
            assert!(
                refused.stdout.trim().is_empty(),
                "[{name}] {expiry:?}: no key printed"
            );
            assert!(
                !refused.stderr.trim().is_empty(),
                "[{name}] {expiry:?}: says why"
            );
        }
        assert!(expiries(&db.url).await.is_empty(), "[{name}] nothing made");
    }
}
