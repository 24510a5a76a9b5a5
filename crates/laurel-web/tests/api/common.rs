//! The shared harness: a real server on a free port over a fresh database, and small helpers
//! for calling it.

use jiff::{SignedDuration, Timestamp};
use laurel_engine::{Engine, EngineConfig, Scope, Store};
use laurel_testkit::TestDb;
use laurel_web::AppState;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The program most tests run: one point per yuan (fractions dropped), a point worth one fen,
/// no return window so points are spendable at once, and expiry 12 months after earning.
pub const PROGRAM: &str = r#"
[program]
name = "Test Rewards"
currency = "CNY"
time_zone = "Asia/Shanghai"
points_name = "beans"

[earn]
points_per_unit = "1"
rounding = "floor"

[points]
value = "0.01"
pending_days = 0
clawback = "allow_negative"
expiry = { policy = "months_after_earning", months = 12 }
"#;

/// The same program with a 7-day return window: purchases earn pending points.
pub const PENDING_PROGRAM: &str = r#"
[program]
name = "Test Rewards (pending)"
currency = "CNY"
time_zone = "Asia/Shanghai"

[earn]
points_per_unit = "1"
rounding = "floor"

[points]
value = "0.01"
pending_days = 7
expiry = { policy = "months_after_earning", months = 12 }
"#;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Backend name, for failure messages.
    pub backend: String,
    /// An admin-scope key.
    pub admin_key: String,
    /// A pos-scope key.
    pub pos_key: String,
    /// The HTTP client.
    pub client: reqwest::Client,
    /// The engine behind the server.
    pub engine: Arc<Engine>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts the app over `db` with the default [`PROGRAM`].
pub async fn spawn_app(db: &TestDb) -> TestApp {
    spawn_app_with(db, PROGRAM).await
}

/// Starts the app over `db` as Laurel starts: with the given program file text (stored as
/// a program version when it is new).
pub async fn spawn_app_with(db: &TestDb, program_toml: &str) -> TestApp {
    spawn_app_limited(db, program_toml, laurel_web::limits::RateLimits::default()).await
}

/// [`spawn_app_with`], applying `limits`.
pub async fn spawn_app_limited(
    db: &TestDb,
    program_toml: &str,
    limits: laurel_web::limits::RateLimits,
) -> TestApp {
    let store = Store::connect(&db.url)
        .await
        .expect("connect to the test database");
    store.migrate().await.expect("migrate the test database");
    let backend = format!("{:?}", store.backend());
    let admin_key = laurel_engine::create_key(&store, "test admin", Scope::Admin)
        .await
        .expect("create admin key");
    let pos_key = laurel_engine::create_key(&store, "test till", Scope::Pos)
        .await
        .expect("create pos key");
    let config = EngineConfig::for_backend(store.backend());
    let engine = Arc::new(
        Engine::open(store, Some(program_toml), config)
            .await
            .expect("the test program is valid"),
    );
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local address");
    let (shutdown, stop) = oneshot::channel::<()>();
    let state = AppState {
        engine: engine.clone(),
    };
    let server = tokio::spawn(laurel_web::serve(
        listener,
        laurel_web::app_limited(state, axum::Router::new(), limits),
        async move {
            let _ = stop.await;
        },
    ));
    TestApp {
        base: format!("http://{addr}"),
        backend,
        admin_key,
        pos_key,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client"),
        engine,
        shutdown: Some(shutdown),
        server: Some(server),
    }
}

/// A response, read in full.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Every header.
    pub headers: reqwest::header::HeaderMap,
    /// The raw body.
    pub bytes: Vec<u8>,
}

impl Resp {
    /// The body as JSON (panics with the raw body if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text()
        );
        self.json()
    }

    /// Asserts an error answer: the status, a JSON body `{"error": {"code", "message"}}` with
    /// `code`; returns the message.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> String {
        assert_eq!(
            self.status,
            status,
            "expected {status} {code}, got {}: {}",
            self.status,
            self.text()
        );
        assert!(
            self.content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("application/json")),
            "error bodies are JSON, got content type {:?}: {}",
            self.content_type,
            self.text()
        );
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "error code: {body}");
        let message = body["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("error.message is a string: {body}"));
        assert!(!message.is_empty(), "error.message is not empty: {body}");
        message.to_owned()
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An object's keys, sorted: the shape an answer has, whatever order it was written in.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// True when component `schema` of OpenAPI document `doc` documents property `field`, in its
/// own properties or in a part it is made of (`allOf`, `$ref`): a flattened field's properties
/// are documented in a part of their own.
pub fn documents(doc: &Value, schema: &str, field: &str) -> bool {
    let component = &doc["components"]["schemas"][schema];
    let parts = component["allOf"].as_array().into_iter().flatten();
    std::iter::once(component)
        .chain(parts)
        .any(|part| match part["$ref"].as_str() {
            Some(to) => documents(doc, to.trim_start_matches("#/components/schemas/"), field),
            None => part["properties"][field].is_object(),
        })
}

/// An RFC 3339 instant `ago` before now.
pub fn ago(ago: SignedDuration) -> String {
    (Timestamp::now() - ago).to_string()
}

/// An instant a minute ago: a purchase that just happened.
pub fn just_now() -> String {
    ago(SignedDuration::from_mins(1))
}

/// `days` days ago, in RFC 3339.
pub fn days_ago(days: i64) -> String {
    ago(SignedDuration::from_hours(24 * days))
}

impl TestApp {
    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional bearer key and an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        let mut request = self.client.request(method, self.url(path));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        read(request).await
    }

    /// POST with the pos key.
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(&self.pos_key), Some(body))
            .await
    }

    /// POST with the admin key.
    pub async fn post_admin(&self, path: &str, body: &Value) -> Resp {
        self.send(
            reqwest::Method::POST,
            path,
            Some(&self.admin_key),
            Some(body),
        )
        .await
    }

    /// GET with the pos key.
    pub async fn get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, Some(&self.pos_key), None)
            .await
    }

    /// GET with the admin key.
    pub async fn get_admin(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, Some(&self.admin_key), None)
            .await
    }

    /// Enrolls `external_id` and returns the member id.
    pub async fn enroll(&self, external_id: &str) -> i64 {
        let body = self
            .post("/api/v1/members", &json!({ "external_id": external_id }))
            .await
            .ok(201);
        body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("member id: {body}"))
    }

    /// Records a purchase that happened a minute ago and returns the answer.
    pub async fn purchase(&self, member_id: i64, order_id: &str, total: &str) -> Value {
        let body = json!({
            "member_id": member_id, "order_id": order_id, "channel": "pos",
            "currency": "CNY", "total": total, "occurred_at": just_now(),
        });
        self.post("/api/v1/purchases", &body).await.ok(200)
    }

    /// The member's balance document.
    pub async fn balance(&self, member_id: i64) -> Value {
        self.get(&format!("/api/v1/members/{member_id}/balance"))
            .await
            .ok(200)
    }

    /// Available points.
    pub async fn available(&self, member_id: i64) -> i64 {
        self.balance(member_id).await["available"]
            .as_i64()
            .expect("available is an integer")
    }

    /// The newest ledger entries (up to 200).
    pub async fn ledger(&self, member_id: i64) -> Vec<Value> {
        let page = self
            .get(&format!("/api/v1/members/{member_id}/ledger?limit=200"))
            .await
            .ok(200);
        page["entries"]
            .as_array()
            .expect("entries is an array")
            .clone()
    }

    /// Asserts the whole ledger is consistent.
    pub async fn assert_consistent(&self) {
        let report = self
            .engine
            .store()
            .check_consistency()
            .await
            .expect("consistency check runs");
        assert!(
            report.is_consistent(),
            "[{}] ledger is inconsistent: {report:?}",
            self.backend
        );
    }

    /// Checks the ledger, then stops the server and the write path.
    pub async fn teardown(mut self) {
        self.assert_consistent().await;
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        drop(self.client);
        if let Some(server) = self.server.take() {
            let served = tokio::time::timeout(Duration::from_secs(10), server)
                .await
                .expect("the server stops within 10 s of shutdown")
                .expect("the server task did not panic");
            served.expect("the server ran without I/O errors");
        }
        let store = self.engine.store().clone();
        if let Ok(engine) = Arc::try_unwrap(self.engine) {
            engine.shutdown().await;
        }
        store.close().await;
    }
}

/// Sends a built request and reads the whole answer.
pub async fn read(request: reqwest::RequestBuilder) -> Resp {
    let response = request.send().await.expect("the request gets an answer");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let headers = response.headers().clone();
    let bytes = response
        .bytes()
        .await
        .expect("the body can be read")
        .to_vec();
    Resp {
        status,
        content_type,
        headers,
        bytes,
    }
}
