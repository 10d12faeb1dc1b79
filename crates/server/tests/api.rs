//! The HTTP API: authentication and roles, bad input, the routes' answers. The router runs in
//! process (tower `oneshot`), on a real App with a real SQLite store and quarantine in a temp dir.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use spearwatch_server::config::ServeConfig;
use spearwatch_server::{http, App};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const SCANNER: &str = "scanner-secret";
const ANALYST: &str = "analyst-secret";
const ADMIN: &str = "admin-secret";

fn sha(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn app(dir: &Path) -> Arc<App> {
    let text = format!(
        "store = \"s.db\"\nquarantine_dir = \"q\"\nmax_request_bytes = 10485760\n[auth]\nenabled = false\n\
         [[token]]\nname = \"mta\"\nrole = \"scanner\"\nsha256 = \"{}\"\n\
         [[token]]\nname = \"soc\"\nrole = \"analyst\"\nsha256 = \"{}\"\n\
         [[token]]\nname = \"root\"\nrole = \"admin\"\nsha256 = \"{}\"\n",
        sha(SCANNER),
        sha(ANALYST),
        sha(ADMIN)
    );
    let cfg = ServeConfig::parse(&text, &dir.join("serve.toml"), dir).expect("config");
    Arc::new(App::open(cfg).expect("app opens"))
}

async fn call(
    app: &Arc<App>,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let resp = http::router(Arc::clone(app))
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("router answers");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, bytes.to_vec())
}

fn json(b: &[u8]) -> serde_json::Value {
    serde_json::from_slice(b).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(b)))
}

const MAIL: &[u8] = b"From: \"PayPal\" <service@secure-notice-center.com>\r\nReply-To: paypal.support.team@gmail.com\r\n\
To: bob@example.org\r\nSubject: Action required on your account\r\nMessage-ID: <p1@x>\r\n\
Content-Type: text/html\r\n\r\n<p>We noticed unusual sign-in activity. Please verify your account: \
<a href=\"http://198.51.100.23/paypal/login\">https://www.paypal.com</a></p>\r\n";

#[tokio::test]
async fn tokens_and_roles_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    // No token, unknown token, a token that is not a bearer token.
    assert_eq!(
        call(&app, "POST", "/v1/scan", None, MAIL.to_vec()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "POST", "/v1/scan", Some("nope"), MAIL.to_vec())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = call(&app, "GET", "/v1/messages", None, vec![]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(json(&body)["error"].as_str().unwrap().contains("token"));
    // Wrong role: a scanner may not read verdicts, an analyst may not delete.
    assert_eq!(
        call(&app, "GET", "/v1/messages", Some(SCANNER), vec![])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "GET", "/v1/quarantine", Some(SCANNER), vec![])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(
            &app,
            "DELETE",
            "/v1/quarantine/20261124T000000Z-00000000",
            Some(ANALYST),
            vec![]
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    // Right roles.
    let (status, body) = call(&app, "POST", "/v1/scan", Some(SCANNER), MAIL.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let report = json(&body);
    assert_eq!(report["schema"], "spearwatch.report/1");
    assert_eq!(report["verdict"], "phishing");
    let (status, body) = call(&app, "GET", "/v1/messages", Some(ANALYST), vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let list = json(&body);
    assert_eq!(list["messages"][0]["verdict"], "phishing");
    let id = list["messages"][0]["id"].as_i64().unwrap();
    let (status, body) = call(
        &app,
        "GET",
        &format!("/v1/messages/{id}"),
        Some(ADMIN),
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["report"]["verdict"], "phishing");
    assert_eq!(
        call(
            &app,
            "DELETE",
            "/v1/quarantine/20261124T000000Z-00000000",
            Some(ADMIN),
            vec![]
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "GET", "/v1/messages/abc", Some(ANALYST), vec![])
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, "GET", "/v1/messages/99999", Some(ANALYST), vec![])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Path tricks never reach the file system.
    let (status, _) = call(
        &app,
        "GET",
        "/v1/quarantine/..%2F..%2Fetc%2Fpasswd/raw",
        Some(ANALYST),
        vec![],
    )
    .await;
    assert!(status.is_client_error(), "{status}");
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (status, body) = call(&app, "POST", "/v1/scan", Some(SCANNER), vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("empty body"));
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let (status, body) = call(&app, "POST", "/v1/scan", Some(SCANNER), junk).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("not an e-mail message"));
    // 100 MB against a 10 MB limit: refused, the service stays up.
    let big = vec![b'a'; 100 << 20];
    let (status, _) = call(&app, "POST", "/v1/scan", Some(SCANNER), big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        call(
            &app,
            "GET",
            "/v1/quarantine?state=bogus",
            Some(ANALYST),
            vec![]
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    let (status, _) = call(&app, "POST", "/v1/scan", Some(SCANNER), MAIL.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "still serving after bad input");
}

#[tokio::test]
async fn health_metrics_and_openapi_need_no_token_and_carry_no_content() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (status, body) = call(&app, "GET", "/health", None, vec![]).await;
    assert_eq!(
        (status, json(&body)["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    call(&app, "POST", "/v1/scan", Some(SCANNER), MAIL.to_vec()).await;
    let (status, body) = call(&app, "GET", "/metrics", None, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains("spearwatch_messages_total{source=\"api\",verdict=\"phishing\"} 1"),
        "{text}"
    );
    assert!(text.contains("spearwatch_quarantine_held 0"));
    assert!(!text.contains("paypal"), "no message content in metrics");
    let (status, body) = call(&app, "GET", "/openapi.json", None, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let doc = json(&body);
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc["paths"]["/v1/quarantine/{id}/release"]["post"].is_object());
}

#[tokio::test]
async fn scanned_mail_forms_campaigns_the_api_shows_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    // The same phishing kit (same link host, same Reply-To) to two people, a week apart.
    for (to, id) in [("bob@example.org", "k1"), ("carol@example.org", "k2")] {
        let m = String::from_utf8_lossy(MAIL)
            .replace("bob@example.org", to)
            .replace("<p1@x>", &format!("<{id}@x>"));
        let (st, body) = call(&app, "POST", "/v1/scan", Some(SCANNER), m.into_bytes()).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(
            json(&body)["verdict"],
            "phishing",
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
    // Scanners do not read campaigns.
    assert_eq!(
        call(&app, "GET", "/v1/campaigns", Some(SCANNER), vec![])
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (st, body) = call(&app, "GET", "/v1/campaigns", Some(ANALYST), vec![]).await;
    assert_eq!(st, StatusCode::OK);
    let list = json(&body);
    let c = &list["campaigns"][0];
    assert_eq!(
        (c["messages"].as_u64(), c["recipients"].as_u64()),
        (Some(2), Some(2)),
        "{list}"
    );
    let id = c["id"].as_str().unwrap().to_string();
    let (st, body) = call(
        &app,
        "GET",
        &format!("/v1/campaigns/{id}"),
        Some(ANALYST),
        vec![],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let v = json(&body);
    assert!(
        v["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "reply_to"),
        "{v}"
    );
    assert!(v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["value"] == "198.51.100.23"));
    let (st, body) = call(
        &app,
        "GET",
        &format!("/v1/campaigns/{id}/export?format=stix"),
        Some(ANALYST),
        vec![],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(json(&body)["type"], "bundle");
    let (st, body) = call(
        &app,
        "GET",
        &format!("/v1/campaigns/{id}/export?format=misp"),
        Some(ANALYST),
        vec![],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(json(&body)["Event"]["Object"].as_array().is_some());
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/v1/campaigns/{id}/export?format=pdf"),
            Some(ANALYST),
            vec![]
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, "GET", "/v1/campaigns/C-none", Some(ANALYST), vec![])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A message's record names its campaign (and, after a retro-hunt, its hunt hits).
    let (_, body) = call(&app, "GET", "/v1/messages?limit=1", Some(ANALYST), vec![]).await;
    let mid = json(&body)["messages"][0]["id"].as_i64().unwrap();
    let (st, body) = call(
        &app,
        "GET",
        &format!("/v1/messages/{mid}"),
        Some(ANALYST),
        vec![],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(json(&body)["campaign"], id.as_str());
    assert!(json(&body)["hunt_hits"]
        .as_array()
        .is_some_and(|h| h.is_empty()));
    // The raw messages are kept for retro-hunts.
    assert!(dir.path().join("s.blobs").is_dir());
}
