//! The served OpenAPI document equals the committed `openapi/openapi.json`
//! (regenerate it on purpose with `make openapi`), and Swagger UI is served
//! from the binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_testkit::app::spawn_app;
use dialogdesk_testkit::Backend;
use serde_json::Value;

const COMMITTED: &str = include_str!("../../../openapi/openapi.json");

#[tokio::test]
async fn the_served_spec_is_the_committed_one() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let served: Value = app.get("/api/openapi.json", "").await;
    let committed: Value = serde_json::from_str(COMMITTED).unwrap();
    assert!(
        served == committed,
        "openapi/openapi.json is out of date: the API changed. Run `make openapi` and commit the result."
    );
    // Every operation has an id, a tag, a description and error responses.
    for (path, methods) in served["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{name}: operationId");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name}: tag"
            );
            assert!(
                op["description"].is_string() || op["summary"].is_string(),
                "{name}: description"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|code| code.starts_with('4')),
                "{name}: documents its errors"
            );
        }
    }
    // Every reference resolves (generated clients refuse dangling ones).
    let text = served.to_string();
    let schemas = served["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(schemas.contains_key(name), "dangling $ref to {name}");
    }
    let schemes = served["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("operator_jwt") && schemes.contains_key("api_token"));
}

#[tokio::test]
async fn swagger_ui_is_served_without_the_network() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let response = app
        .http
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert!(redirect.status().is_redirection());
    let bundle = app
        .http
        .get(format!("{}/api/docs/swagger-ui-bundle.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200);
}

#[tokio::test]
async fn the_web_app_is_served_with_a_history_fallback_and_cache_headers() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    for path in ["/", "/chats/manual", "/records"] {
        let page = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("<title>dialogdesk</title>"));
    }
    let asset = app
        .http
        .get(format!("{}/app-0123abcd.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert!(asset.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    // The gzip copy goes to a browser that takes gzip, with the asset's type.
    let wasm = |accept: Option<&'static str>| {
        let mut request = app.http.get(format!("{}/app-4567cdef_bg.wasm", app.base));
        if let Some(accept) = accept {
            request = request.header("accept-encoding", accept);
        }
        async move {
            let answer = request.send().await.unwrap();
            let header = |name: &str| {
                answer
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
            };
            let seen = (
                header("content-type"),
                header("content-encoding"),
                header("vary"),
            );
            (seen, answer.text().await.unwrap())
        }
    };
    let wasm_type = Some("application/wasm".to_owned());
    let vary = Some("accept-encoding".to_owned());
    assert_eq!(
        wasm(Some("br, gzip;q=0.8")).await,
        (
            (wasm_type.clone(), Some("gzip".to_owned()), vary.clone()),
            "the gzip copy".to_owned()
        )
    );
    for refusing in [None, Some("br"), Some("gzip;q=0"), Some("identity")] {
        assert_eq!(
            wasm(refusing).await,
            (
                (wasm_type.clone(), None, vary.clone()),
                "the plain wasm".to_owned()
            ),
            "{refusing:?}"
        );
    }
    // API paths never fall back to the app.
    let missing = app
        .http
        .get(format!("{}/api/v1/nothing", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            missing.status().as_u16(),
            missing.headers()["content-type"].to_str().unwrap()
        ),
        (404, "application/problem+json")
    );
    let post = app
        .http
        .post(format!("{}/chats", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
}

#[tokio::test]
async fn answers_carry_security_headers_and_the_app_a_content_security_policy() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    for path in ["/", "/api/v1/dialogs/counts", "/healthz", "/api/v1/nothing"] {
        let answer = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let headers = answer.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let page = app.http.get(&app.base).send().await.unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    // The fixture's one inline script (trunk's loader) is allowed by its hash.
    let script = html
        .split_once("<script type=\"module\">")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .unwrap()
        .0;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
    for part in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        &format!("'sha256-{hash}'"),
        "img-src 'self' https: data:",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(
        !script_src.contains("'unsafe-inline'") && !script_src.contains("'unsafe-eval'"),
        "no inline or eval'd script: {csp}"
    );
}
