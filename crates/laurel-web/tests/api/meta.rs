//! The OpenAPI document, health and metrics.

use crate::common::{documents, spawn_app};
use laurel_engine::ErrorCode;
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_lists_every_path_and_the_bearer_scheme() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        // The document is public: clients fetch it before they have a key.
        let doc = app
            .send(Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .ok(200);
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
            "[{name}] {}",
            doc["openapi"]
        );
        let paths = doc["paths"]
            .as_object()
            .unwrap_or_else(|| panic!("[{name}] paths: {doc}"));
        let expected = [
            ("/api/v1/members", &["get", "post"][..]),
            ("/api/v1/members/{id}", &["get"][..]),
            ("/api/v1/purchases", &["post"][..]),
            ("/api/v1/purchases/{id}/refunds", &["post"][..]),
            ("/api/v1/events", &["post"][..]),
            ("/api/v1/members/{id}/redemptions", &["post"][..]),
            ("/api/v1/members/{id}/adjustments", &["post"][..]),
            ("/api/v1/members/{id}/balance", &["get"][..]),
            ("/api/v1/members/{id}/ledger", &["get"][..]),
            ("/api/v1/members/{id}/tier", &["get", "post"][..]),
            ("/api/v1/segments", &["get", "post"][..]),
            ("/api/v1/segments/{id}", &["get", "put", "delete"][..]),
            ("/api/v1/segments/{id}/members", &["get"][..]),
            ("/api/v1/purchases/preview", &["post"][..]),
            ("/api/v1/rewards", &["get"][..]),
            ("/api/v1/members/{id}/rewards", &["get", "post"][..]),
            ("/api/v1/reward-redemptions/{id}", &["get"][..]),
            ("/api/v1/reward-redemptions/{id}/cancel", &["post"][..]),
            ("/api/v1/reward-redemptions/{id}/fulfil", &["post"][..]),
            ("/api/v1/coupons/{code}", &["get"][..]),
            ("/api/v1/coupons/{code}/validate", &["post"][..]),
            ("/api/v1/coupons/{code}/consume", &["post"][..]),
            ("/api/v1/coupons/{code}/release", &["post"][..]),
            ("/api/v1/members/{id}/referrals", &["get"][..]),
            ("/api/v1/admin/program", &["get", "post"][..]),
            ("/api/v1/admin/program/versions", &["get"][..]),
            ("/api/v1/admin/program/versions/{version}", &["get"][..]),
            ("/api/v1/admin/webhooks", &["get", "post"][..]),
            ("/api/v1/admin/webhooks/{id}", &["get", "delete"][..]),
            ("/api/v1/admin/webhooks/{id}/deliveries", &["get"][..]),
            (
                "/api/v1/admin/webhooks/{id}/deliveries/{delivery}/replay",
                &["post"][..],
            ),
            ("/api/v1/admin/keys", &["get", "post"][..]),
            ("/api/v1/admin/keys/{id}/rotation", &["post"][..]),
            ("/api/v1/admin/keys/{id}/revocation", &["post"][..]),
        ];
        for (path, methods) in expected {
            let item = paths.get(path).unwrap_or_else(|| {
                panic!("[{name}] {path} is documented; have {:?}", paths.keys())
            });
            for method in methods {
                let op = &item[*method];
                assert!(
                    op.is_object(),
                    "[{name}] {method} {path} is documented: {item}"
                );
                assert_eq!(
                    op["security"],
                    json!([{ "api_key": [] }]),
                    "[{name}] {method} {path} needs the key"
                );
                assert!(
                    op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                    "[{name}] {method} {path} has responses"
                );
            }
        }
        let scheme = &doc["components"]["securitySchemes"]["api_key"];
        assert_eq!(scheme["type"], "http", "[{name}] {scheme}");
        assert_eq!(scheme["scheme"], "bearer", "[{name}] {scheme}");
        // The schemas the bodies refer to exist.
        for schema in [
            "PurchaseBody",
            "PurchaseResponse",
            "GrantBody",
            "ErrorBody",
            "BalanceResponse",
            "LedgerResponse",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "[{name}] schema {schema}"
            );
        }
        assert!(
            documents(&doc, "PurchaseResponse", "grants"),
            "[{name}] the purchase answer documents its grants"
        );
        app.teardown().await;
    }
}

/// Generated clients name a method after each operation id: two operations sharing one (two
/// handlers of one name in different files) make the document invalid.
#[test]
fn every_operation_has_an_id_of_its_own() {
    let doc = serde_json::to_value(laurel_web::openapi()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let here = format!("{method} {path}");
            if let Some(first) = seen.insert(id.to_owned(), here.clone()) {
                panic!("operation id `{id}` is both {first}'s and {here}'s");
            }
        }
    }
    assert!(seen.contains_key("rotate_api_key"), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers_whatever_its_status() {
    let (_, db) = backends().swap_remove(0);
    let app = spawn_app(&db).await;
    let answers = [
        app.send(Method::GET, "/healthz", None, None).await,
        app.get("/api/v1/rewards").await,
        app.send(Method::GET, "/api/v1/rewards", None, None).await,
        app.get("/api/v1/no-such-route").await,
        app.get_admin("/api/v1/openapi.json").await,
    ];
    for answer in &answers {
        for (header, value) in laurel_web::headers::SECURITY_HEADERS {
            assert_eq!(
                answer.headers.get(&header).and_then(|v| v.to_str().ok()),
                Some(value),
                "{header} on a {} answer",
                answer.status
            );
        }
    }
    let csp = laurel_web::headers::CONTENT_SECURITY_POLICY;
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe-eval"),
        "no inline script runs: {csp}"
    );
    app.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_ok_and_metrics_count_requests_and_postings() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let health = app.send(Method::GET, "/healthz", None, None).await;
        assert_eq!(health.status, 200, "[{name}] {}", health.text());
        let member = app.enroll("counted").await;
        app.purchase(member, "o-1", "10.00").await;
        app.get(&format!("/api/v1/members/{member}/balance"))
            .await
            .ok(200);

        let metrics = app.send(Method::GET, "/metrics", None, None).await;
        assert_eq!(metrics.status, 200, "[{name}] {}", metrics.text());
        let text = metrics.text();
        assert!(
            text.contains("laurel_http_requests_total"),
            "[{name}] {text}"
        );
        assert!(
            text.contains("laurel_ledger_postings_total"),
            "[{name}] {text}"
        );
        // Labelled by route template, not by raw path.
        assert!(
            text.contains(r#"route="/api/v1/members/{id}/balance""#),
            "[{name}] {text}"
        );
        assert!(
            !text.contains(&format!("/api/v1/members/{member}/balance")),
            "[{name}] ids are not labels"
        );
        app.teardown().await;
    }
}

/// The README's error table as the code table renders it: one row per code, by status.
fn error_table() -> String {
    let mut table = String::from("| status | code | meaning |\n|---|---|---|\n");
    for code in ErrorCode::ALL {
        table.push_str(&format!(
            "| {} | `{}` | {} |\n",
            code.status(),
            code.as_str(),
            code.meaning()
        ));
    }
    table
}

/// The README's text between `<!-- {marker}:start -->` and `<!-- {marker}:end -->`.
fn readme_section(marker: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let readme = std::fs::read_to_string(path).expect("reading README.md");
    let (start, end) = (
        format!("<!-- {marker}:start -->\n"),
        format!("<!-- {marker}:end -->"),
    );
    readme
        .split_once(&start)
        .and_then(|(_, rest)| rest.split_once(&end))
        .map(|(table, _)| table.to_owned())
        .unwrap_or_else(|| panic!("README.md has no table between `{start}` and `{end}`"))
}

#[test]
fn the_readmes_error_table_is_the_code_table() {
    let written = readme_section("error-codes");
    let expected = error_table();
    assert!(
        written == expected,
        "README.md's error table differs from ErrorCode; paste this between the markers:\n\n{expected}"
    );
}

/// The README's table of events as the OpenAPI document has them: each type with the
/// fields of its `data`, and of the objects inside it.
fn events_table() -> String {
    let doc = serde_json::to_value(laurel_web::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let fields = |schema: &serde_json::Value| -> String {
        schema["properties"]
            .as_object()
            .map(|props| {
                props
                    .iter()
                    .map(|(name, prop)| {
                        let inner = prop["$ref"]
                            .as_str()
                            .and_then(|r| r.rsplit('/').next())
                            .and_then(|n| schemas[n]["properties"].as_object());
                        match inner {
                            Some(inner) => format!(
                                "`{name}` ({})",
                                inner
                                    .keys()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            None => format!("`{name}`"),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let mut table = String::from("| type | `data` |\n|---|---|\n");
    for kind in laurel_core::events::EventKind::ALL {
        let schema = laurel_engine::events::payload::data_schema(*kind);
        table.push_str(&format!(
            "| `{}` | {} |\n",
            kind.as_str(),
            fields(&schemas[schema])
        ));
    }
    table
}

/// The README's table of KPIs: each by its stable name with its one definition.
fn kpi_table() -> String {
    let mut table = String::from("| KPI | definition |\n|---|---|\n");
    for kpi in laurel_core::insight::KpiId::ALL {
        table.push_str(&format!("| `{}` | {} |\n", kpi.as_str(), kpi.definition()));
    }
    table
}

#[test]
fn the_readmes_kpi_table_is_the_definitions() {
    let written = readme_section("kpis");
    let expected = kpi_table();
    assert!(
        written == expected,
        "README.md's KPI table differs from KpiId's definitions; paste this between the markers:\n\n{expected}"
    );
}

#[test]
fn the_readmes_events_table_is_the_documents() {
    let written = readme_section("events");
    let expected = events_table();
    assert!(
        written == expected,
        "README.md's events table differs from the OpenAPI document; paste this between the markers:\n\n{expected}"
    );
}

#[test]
fn every_documented_response_has_a_description_and_every_error_status_its_codes() {
    let doc = serde_json::to_value(laurel_web::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["401", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} documents {status}"
                );
            }
            for (status, response) in responses {
                let description = response["description"].as_str().unwrap_or_default();
                assert!(
                    !description.is_empty(),
                    "{method} {path} {status} has a description"
                );
                if status.starts_with('2') {
                    continue;
                }
                // Each code listed under a status is one the table answers with that status.
                let listed: Vec<&str> = description
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .filter_map(|c| ErrorCode::parse(c).map(|_| c))
                    .collect();
                assert!(
                    !listed.is_empty(),
                    "{method} {path} {status}: {description}"
                );
                for code in listed {
                    let code = ErrorCode::parse(code).unwrap();
                    assert_eq!(
                        code.status().to_string(),
                        *status,
                        "{method} {path}: {code} under {status}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_event_type_is_documented_as_a_webhook_with_its_data_and_signature_headers() {
    let doc = serde_json::to_value(laurel_web::openapi()).unwrap();
    let hooks = doc["webhooks"].as_object().expect("a webhooks section");
    for kind in laurel_core::events::EventKind::ALL {
        let post = &hooks[kind.as_str()]["post"];
        let body = &post["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            body["properties"]["type"]["enum"][0],
            kind.as_str(),
            "{post}"
        );
        let data = body["properties"]["data"]["$ref"]
            .as_str()
            .expect("data's schema");
        let name = data.rsplit('/').next().unwrap_or_default();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{name} is a component"
        );
        let headers: Vec<&str> = post["parameters"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            headers,
            ["webhook-id", "webhook-timestamp", "webhook-signature"]
        );
    }
    assert_eq!(hooks.len(), laurel_core::events::EventKind::ALL.len());
    let url = &doc["components"]["schemas"]["CreateWebhookBody"]["properties"]["url"];
    assert_eq!(
        url["pattern"],
        laurel_engine::URL_PATTERN,
        "the server's pattern"
    );
    assert_eq!(
        url["maxLength"],
        laurel_engine::URL_CHARS_MAX,
        "the server's limit"
    );
}
