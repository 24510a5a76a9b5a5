//! What the notify suites share: a tea shop's program, an engine over a test database, and
//! its one member, 美玲.

#![allow(dead_code)]

use laurel_core::Channel;
use laurel_engine::{Engine, EngineConfig, EnrollRequest, MemberRef, PurchaseRequest, Store};
use laurel_testkit::TestDb;

/// One point per yuan, points that never expire.
pub const PROGRAM: &str = r#"
[program]
name = "Mail Test Tea"
currency = "CNY"
time_zone = "Asia/Shanghai"

[earn]
points_per_unit = "1"

[points]
value = "0.01"
expiry = { policy = "never" }
"#;

/// An engine on `db` running `program`.
pub async fn engine_on(db: &TestDb, program: &str) -> Engine {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let config = EngineConfig::for_backend(store.backend());
    Engine::open(store, Some(program), config).await.unwrap()
}

/// 美玲 (`T-1`, meiling@example.com) joins; returns her id.
pub async fn meiling_joins(engine: &Engine) -> i64 {
    engine
        .enroll(EnrollRequest {
            external_id: "T-1".into(),
            email: Some("meiling@example.com".into()),
            phone: None,
            name: Some("美玲".into()),
            birthday: None,
            channel: Channel::Pos,
            attributes: Default::default(),
            referral_code: None,
            enrolled_at: None,
            device: None,
        })
        .await
        .unwrap()
        .id
        .0
}

/// `member` buys for `total` yuan now, as order `order_id`.
pub async fn buys(engine: &Engine, member: i64, order_id: &str, total: &str) {
    engine
        .purchase(PurchaseRequest {
            partner: None,
            member: MemberRef::Id(member),
            order_id: order_id.into(),
            channel: Channel::Pos,
            store: None,
            currency: "CNY".into(),
            total: total.parse().unwrap(),
            lines: vec![],
            occurred_at: jiff::Timestamp::now(),
        })
        .await
        .unwrap();
}
