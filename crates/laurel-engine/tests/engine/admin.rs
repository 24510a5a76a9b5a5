//! What the console's admin pages read and do, on both backends: the dashboard's daily series
//! in the program's time zone, staff accounts with their last sign-in and lock, and API keys
//! listed and revoked (refused at once, even when this node had the key cached).

use super::*;
use laurel_engine::{DAILY_DAYS_MAX, FAILED_SIGN_INS_MAX, Role};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn the_daily_series_counts_today_in_the_program_zone() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let a = engine.enroll(enroll_request("daily-a")).await.unwrap().id.0;
        engine.enroll(enroll_request("daily-b")).await.unwrap();
        buy_now(&engine, a, "o-1", "120").await;
        buy_now(&engine, a, "o-2", "30").await;
        engine.redeem(redeem_request(a, 40, "r-1")).await.unwrap();
        // Adjustments are neither issued nor redeemed, as in the dashboard's totals.
        engine
            .adjust(credit(a, 5, "c-1"), "staff:li")
            .await
            .unwrap();
        let now = Timestamp::now();

        let series = engine.daily_activity(90, now).await.unwrap();
        assert_eq!(series.len(), 90, "[{name}]");
        let today = now.to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
        let last = series.last().unwrap();
        assert_eq!(last.date, today.date(), "[{name}] ends today in Shanghai");
        assert_eq!(
            (last.issued, last.redeemed, last.enrolled),
            (150, 40, 2),
            "[{name}]"
        );
        assert!(
            series[..89]
                .iter()
                .all(|d| (d.issued, d.redeemed, d.enrolled) == (0, 0, 0)),
            "[{name}] nothing before today"
        );
        assert!(
            series
                .windows(2)
                .all(|w| w[0].date.tomorrow().unwrap() == w[1].date),
            "[{name}] one entry per day, oldest first"
        );
        let totals = engine.dashboard(now - days(1)).await.unwrap().totals;
        assert_eq!(
            (totals.issued, totals.redeemed),
            (last.issued, last.redeemed),
            "[{name}] the series adds up to the tiles"
        );

        assert_eq!(
            engine.daily_activity(0, now).await.unwrap().len(),
            1,
            "[{name}] at least today"
        );
        assert_eq!(
            engine.daily_activity(u32::MAX, now).await.unwrap().len(),
            DAILY_DAYS_MAX as usize,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_staff_listing_shows_the_last_sign_in_and_a_lock_only_while_it_lasts() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        engine
            .create_staff_user("li@example.com", "Li Na", Role::Admin, PASSWORD)
            .await
            .unwrap();
        engine
            .create_staff_user("wu@example.com", "Wu Lei", Role::Support, PASSWORD)
            .await
            .unwrap();
        let before = Timestamp::now();
        engine.sign_in("li@example.com", PASSWORD).await.unwrap();
        for _ in 0..FAILED_SIGN_INS_MAX {
            let _ = engine.sign_in("wu@example.com", "wrong password!").await;
        }

        let listing = engine.staff_listing(Timestamp::now()).await.unwrap();
        let li = &listing[0];
        assert_eq!(li.account.email, "li@example.com", "[{name}] by email");
        assert!(
            li.last_sign_in_at
                .is_some_and(|at| at >= before - SignedDuration::from_secs(1)),
            "[{name}] {li:?}"
        );
        assert_eq!(li.locked_until, None, "[{name}]");
        let wu = &listing[1];
        assert_eq!(wu.last_sign_in_at, None, "[{name}] never signed in");
        let until = wu.locked_until.expect("locked after repeated failures");
        assert!(until > Timestamp::now(), "[{name}]");
        let later = engine.staff_listing(until).await.unwrap();
        assert_eq!(
            later[1].locked_until, None,
            "[{name}] a lock that ran out is none"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once_even_when_cached() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        assert_eq!(
            code(engine.create_api_key("  ", Scope::Pos).await),
            "missing_field",
            "[{name}]"
        );
        assert_eq!(
            code(engine.create_api_key(&"x".repeat(101), Scope::Pos).await),
            "invalid_field",
            "[{name}]"
        );
        let till = engine.create_api_key(" till 7 ", Scope::Pos).await.unwrap();
        let ops = engine.create_api_key("ops", Scope::Admin).await.unwrap();
        assert!(till.key.starts_with(&till.prefix), "[{name}]");
        let principal = engine.authenticate(&till.key).await.unwrap().unwrap();
        assert_eq!(principal.name, "till 7", "[{name}] trimmed");
        assert_eq!(principal.key_id, till.id, "[{name}]");

        assert!(engine.revoke_api_key(till.id).await.unwrap(), "[{name}]");
        assert_eq!(
            engine.authenticate(&till.key).await.unwrap(),
            None,
            "[{name}] refused at once, though it was just verified"
        );
        assert!(
            engine.authenticate(&ops.key).await.unwrap().is_some(),
            "[{name}] other keys still work"
        );
        assert!(
            !engine.revoke_api_key(till.id).await.unwrap(),
            "[{name}] revoked already"
        );
        let keys = engine.api_keys().await.unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| (k.name.as_str(), k.revoked_at.is_some()))
                .collect::<Vec<_>>(),
            vec![("ops", false), ("till 7", true)],
            "[{name}] newest first"
        );
        finish(name, engine).await;
    }
}
