//! A command the database refuses never fails its neighbours: the write path commits what it
//! can of a batch and answers the command at fault alone.

use super::*;

/// Makes the database itself refuse any purchase whose order id starts with `poison-`, as a
/// value it cannot store would be refused: a trigger, so the refusal comes from inside the
/// batch's statements, after every check of Laurel's has passed.
async fn poison_purchases(db: &TestDb) {
    let statements: &[&str] = if db.url.starts_with("postgres") {
        &[
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN \
             IF NEW.order_id LIKE 'poison-%' THEN RAISE EXCEPTION 'poisoned order'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON purchases FOR EACH ROW \
             EXECUTE FUNCTION refuse_poison()",
        ]
    } else {
        &["CREATE TRIGGER refuse_poison BEFORE INSERT ON purchases \
           WHEN NEW.order_id LIKE 'poison-%' BEGIN SELECT RAISE(ABORT, 'poisoned order'); END"]
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*statement))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purchases_the_database_refuses_fail_alone_and_every_other_purchase_in_their_batches_commits()
 {
    const GOOD: usize = 200;
    const POISONED: usize = 40;
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        poison_purchases(&db).await;
        let config = EngineConfig::for_backend(store.backend());
        let engine = Arc::new(Engine::start(store, program(&[ONE_PER_YUAN]), config));
        let mut members = Vec::new();
        for i in 0..20 {
            members.push(member(&engine, &format!("iso-{i}")).await);
        }
        // All at once, interleaved, so that poisoned purchases share batches with good ones.
        let mut tasks = Vec::new();
        for i in 0..GOOD + POISONED {
            let engine = engine.clone();
            let member_id = members[i % members.len()];
            let order = if i % 6 == 5 && i / 6 < POISONED {
                format!("poison-{i}")
            } else {
                format!("good-{i}")
            };
            tasks.push(tokio::spawn(async move {
                let answer = engine
                    .purchase(purchase_request(member_id, &order, "10"))
                    .await;
                (order, answer)
            }));
        }
        let (mut good, mut poisoned) = (0, 0);
        for task in tasks {
            let (order, answer) = task.await.unwrap();
            if order.starts_with("poison-") {
                poisoned += 1;
                let error = answer.expect_err("a refused purchase is not recorded");
                assert_eq!(error.code(), "unavailable", "[{name}] {order}: {error}");
            } else {
                good += 1;
                let answer = answer.unwrap_or_else(|e| panic!("[{name}] {order} failed: {e}"));
                assert_eq!(answer.earned.points_earned, 10, "[{name}] {order}");
            }
        }
        assert_eq!((good, poisoned), (GOOD, POISONED), "[{name}]");
        let earned: i64 = {
            let mut sum = 0;
            for id in &members {
                sum += balance(&engine, *id).await.0;
            }
            sum
        };
        assert_eq!(
            earned,
            10 * GOOD as i64,
            "[{name}] every good purchase earned"
        );
        finish(name, unshare(engine)).await;
    }
}
