//! The HTTP API (axum). The OpenAPI document is `openapi.json` beside this file, served at
//! `/openapi.json`.
//!
//! Every route under `/v1` needs `Authorization: Bearer TOKEN` with a role (config.rs): none or an
//! unknown token is 401, a role too weak is 403. `/health`, `/metrics` and `/openapi.json` carry no
//! message content and need no token. Bodies larger than `max_request_bytes` are refused with 413.

use crate::config::Role;
use crate::{now, App, Origin};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use spearwatch_quarantine::{ListFilter, Quarantine, QuarantineError, State as QState};
use spearwatch_register::export::Format;
use spearwatch_store::ScanFilter;
use std::sync::Arc;

pub const OPENAPI: &str = include_str!("openapi.json");

pub fn router(app: Arc<App>) -> Router {
    let limit = app.config.max_request_bytes;
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/v1/scan", post(scan))
        .route("/v1/messages", get(list_messages))
        .route("/v1/messages/{id}", get(get_message))
        .route("/v1/campaigns", get(list_campaigns))
        .route("/v1/campaigns/{id}", get(get_campaign))
        .route("/v1/campaigns/{id}/export", get(export_campaign))
        .route("/v1/quarantine", get(list_quarantine))
        .route(
            "/v1/quarantine/{id}",
            get(get_quarantine).delete(delete_quarantine),
        )
        .route("/v1/quarantine/{id}/raw", get(raw_quarantine))
        .route("/v1/quarantine/{id}/release", post(release_quarantine))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(request_timeout))
        .with_state(app)
}

/// Whole-request time limit (reading the body included): a client that trickles its upload, or a
/// request stuck behind a slow scan, gets 408 instead of holding a connection forever.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

async fn request_timeout(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => error(StatusCode::REQUEST_TIMEOUT, "request took too long"),
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// A refusal (status and message), answered as a JSON error.
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

/// The caller's token name, or the 401/403 refusal.
fn authorise(app: &App, headers: &HeaderMap, need: Role) -> Result<String, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(Refusal(
            StatusCode::UNAUTHORIZED,
            "missing bearer token".into(),
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    match app.role_of(token) {
        None => Err(Refusal(StatusCode::UNAUTHORIZED, "unknown token".into())),
        Some((role, _)) if role < need => Err(Refusal(
            StatusCode::FORBIDDEN,
            format!("this token's role cannot do this (needs {need:?})"),
        )),
        Some((_, name)) => Ok(name.to_string()),
    }
}

async fn health() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    let a = Arc::clone(&app);
    let held = tokio::task::spawn_blocking(move || {
        a.quarantine
            .list(&ListFilter {
                state: Some(QState::Held),
                limit: usize::MAX,
                ..Default::default()
            })
            .map(|v| v.len() as u64)
            .ok()
    })
    .await
    .ok()
    .flatten();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(held),
    )
        .into_response()
}

/// A body that can be an RFC 5322 message: it starts with a header field (`Name:`) or an mbox
/// `From ` line. Anything else (binary junk, JSON sent by mistake) is refused rather than judged.
fn looks_like_message(b: &[u8]) -> bool {
    if b.starts_with(b"From ") {
        return true;
    }
    let line_end = b
        .iter()
        .position(|&c| c == b'\n')
        .unwrap_or(b.len())
        .min(1000);
    let first = &b[..line_end];
    match first.iter().position(|&c| c == b':') {
        Some(0) | None => false,
        // RFC 5322 §3.6.8 allows any printable ASCII in a field name; names in real mail are
        // letters, digits and hyphens, which keeps JSON or text sent by mistake out.
        Some(i) => {
            first[0].is_ascii_alphabetic()
                && first[..i]
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        }
    }
}

async fn scan(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Scanner) {
        return r.into_response();
    }
    if body.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "empty body: send the raw message (RFC 5322) as the request body",
        );
    }
    if !looks_like_message(&body) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the body is not an e-mail message: it must start with a header field (Name: value)",
        );
    }
    let started = std::time::Instant::now();
    let raw = Arc::new(body.to_vec());
    match app.scan(Arc::clone(&raw), "api".into()).await {
        Ok((report, mail)) => {
            app.metrics
                .message("api", report.verdict.as_str(), started.elapsed());
            let origin = Origin {
                source: "api",
                envelope: Default::default(),
            };
            app.record(raw, report.clone(), mail, &origin, "none", None)
                .await;
            Json(report).into_response()
        }
        Err(why) => error(StatusCode::SERVICE_UNAVAILABLE, why),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    verdict: Option<String>,
    state: Option<String>,
    since: Option<i64>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list_messages(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    let filter = ScanFilter {
        verdict: q.verdict,
        since: q.since,
        limit: q.limit.unwrap_or(100),
        offset: q.offset.unwrap_or(0),
    };
    match on_store(&app, move |s| {
        s.list_scans(&filter).map_err(|e| e.to_string())
    })
    .await
    {
        Ok(rows) => {
            let items: Vec<_> = rows
                .into_iter()
                .map(|r| {
                    json!({
                        "id": r.id, "received_at": r.received_at, "source": r.source,
                        "queue_id": r.queue_id, "message_id": r.message_id, "from": r.sender,
                        "subject": r.subject, "verdict": r.verdict, "score": r.score,
                        "action": r.action, "quarantine_id": r.quarantine,
                    })
                })
                .collect();
            Json(json!({ "messages": items })).into_response()
        }
        Err(r) => r,
    }
}

async fn get_message(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return error(StatusCode::BAD_REQUEST, "message ids are numbers");
    };
    let found = on_store(&app, move |s| {
        let scan = s.registered_scan(id).map_err(|e| e.to_string())?;
        let hits = s.hunt_hits_of(id).map_err(|e| e.to_string())?;
        Ok(scan.map(|r| (r, hits)))
    })
    .await;
    match found {
        Ok(Some((r, hits))) => {
            let report: serde_json::Value =
                serde_json::from_str(&r.scan.report).unwrap_or(serde_json::Value::Null);
            Json(json!({
                "id": r.scan.id, "received_at": r.scan.received_at, "source": r.scan.source,
                "queue_id": r.scan.queue_id, "action": r.scan.action, "quarantine_id": r.scan.quarantine,
                "verdict": r.scan.verdict, "campaign": r.campaign, "hunt_hits": hits, "report": report,
            }))
            .into_response()
        }
        Ok(None) => error(StatusCode::NOT_FOUND, "no such message"),
        Err(r) => r,
    }
}

/// Runs `f` on the store on the blocking pool (SQLite calls block).
async fn on_store<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&spearwatch_store::Store) -> Result<T, String> + Send + 'static,
) -> Result<T, Response> {
    let a = Arc::clone(app);
    match tokio::task::spawn_blocking(move || match a.store.lock() {
        Ok(s) => f(&s),
        Err(_) => Err("store lock poisoned".to_string()),
    })
    .await
    {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            eprintln!("spearwatch: store: {e}");
            Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store unavailable",
            ))
        }
        Err(_) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store task failed",
        )),
    }
}

#[derive(Deserialize)]
struct CampaignQuery {
    /// Include campaigns of one message.
    all: Option<bool>,
    /// stix or misp (export).
    format: Option<String>,
}

async fn list_campaigns(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<CampaignQuery>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    let min = if q.all.unwrap_or(false) { 1 } else { 2 };
    match on_store(&app, move |s| {
        s.list_campaigns(min).map_err(|e| e.to_string())
    })
    .await
    {
        Ok(rows) => Json(json!({ "campaigns": rows })).into_response(),
        Err(r) => r,
    }
}

/// The organisation's targeting traits (profile sector and country) for the attribution.
fn targets(app: &App) -> Vec<spearwatch_actors::Trait> {
    app.engine().org().map_or_else(Vec::new, |o| {
        spearwatch_actors::target_traits(o.profile.sector.as_deref(), o.profile.country.as_deref())
    })
}

fn view(
    s: &spearwatch_store::Store,
    id: &str,
    targets: &[spearwatch_actors::Trait],
) -> Result<Option<spearwatch_register::view::CampaignView>, String> {
    spearwatch_register::view::campaign_view(
        s,
        id,
        spearwatch_actors::Profiles::bundled_ref(),
        targets,
    )
    .map_err(|e| e.to_string())
}

async fn get_campaign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    let targets = targets(&app);
    match on_store(&app, move |s| view(s, &id, &targets)).await {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such campaign"),
        Err(r) => r,
    }
}

async fn export_campaign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CampaignQuery>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    let format = match q.format.as_deref() {
        Some("stix") => Format::Stix,
        Some("misp") => Format::Misp,
        _ => return error(StatusCode::BAD_REQUEST, "format must be stix or misp"),
    };
    let targets = targets(&app);
    let v = match on_store(&app, move |s| view(s, &id, &targets)).await {
        Ok(Some(v)) => v,
        Ok(None) => return error(StatusCode::NOT_FOUND, "no such campaign"),
        Err(r) => return r,
    };
    let text = spearwatch_register::export::render(
        &v,
        spearwatch_actors::Profiles::bundled_ref(),
        now(),
        format,
        &spearwatch_export::Options::default(),
    );
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

fn parse_state(s: Option<&str>) -> Result<Option<QState>, Refusal> {
    match s {
        None => Ok(None),
        Some("held") => Ok(Some(QState::Held)),
        Some("released") => Ok(Some(QState::Released)),
        Some("deleted") => Ok(Some(QState::Deleted)),
        Some("lost") => Ok(Some(QState::Lost)),
        Some(other) => Err(Refusal(
            StatusCode::BAD_REQUEST,
            format!("state \"{other}\" is not held, released, deleted or lost"),
        )),
    }
}

async fn list_quarantine(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    let state = match parse_state(q.state.as_deref()) {
        Ok(s) => s,
        Err(r) => return r.into_response(),
    };
    let filter = ListFilter {
        state,
        since: q.since,
        limit: q.limit.unwrap_or(100).min(1_000),
        offset: q.offset.unwrap_or(0),
    };
    match on_quarantine(&app, StatusCode::INTERNAL_SERVER_ERROR, move |q| {
        q.list(&filter)
    })
    .await
    {
        Ok(entries) => Json(json!({ "entries": entries })).into_response(),
        Err(r) => r.into_response(),
    }
}

/// Runs a quarantine operation on the blocking pool (the index is SQLite, the files are fsynced);
/// its error is answered with `status` and the error's text.
async fn on_quarantine<T: Send + 'static>(
    app: &Arc<App>,
    status: StatusCode,
    op: impl FnOnce(&Quarantine) -> Result<T, QuarantineError> + Send + 'static,
) -> Result<T, Refusal> {
    let a = Arc::clone(app);
    match tokio::task::spawn_blocking(move || op(&a.quarantine)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Refusal(status, e.to_string())),
        Err(_) => Err(Refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "quarantine unavailable".into(),
        )),
    }
}

async fn get_quarantine(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    match on_quarantine(&app, StatusCode::BAD_REQUEST, move |q| q.get(&id)).await {
        Ok(Some(e)) => Json(e).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such quarantine entry"),
        Err(r) => r.into_response(),
    }
}

async fn raw_quarantine(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = authorise(&app, &headers, Role::Analyst) {
        return r.into_response();
    }
    match on_quarantine(&app, StatusCode::NOT_FOUND, move |q| q.raw(&id)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "message/rfc822")], bytes).into_response(),
        Err(r) => r.into_response(),
    }
}

async fn release_quarantine(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let who = match authorise(&app, &headers, Role::Analyst) {
        Ok(w) => w,
        Err(r) => return r.into_response(),
    };
    let Some(release) = app.config.release.clone() else {
        return error(StatusCode::CONFLICT, "no [release] relay configured");
    };
    let relay = spearwatch_quarantine::SmtpRelay {
        addr: release.relay,
        helo: release.helo,
        timeout: std::time::Duration::from_secs(30),
    };
    let id2 = id.clone();
    match on_quarantine(&app, StatusCode::BAD_GATEWAY, move |q| {
        q.release(&id2, &relay)
    })
    .await
    {
        Ok(e) => {
            eprintln!("spearwatch: quarantine {id} released by token {who}");
            Json(e).into_response()
        }
        Err(r) => r.into_response(),
    }
}

async fn delete_quarantine(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let who = match authorise(&app, &headers, Role::Admin) {
        Ok(w) => w,
        Err(r) => return r.into_response(),
    };
    let id2 = id.clone();
    match on_quarantine(&app, StatusCode::NOT_FOUND, move |q| q.delete(&id2)).await {
        Ok(e) => {
            eprintln!("spearwatch: quarantine {id} deleted by token {who}");
            Json(e).into_response()
        }
        Err(r) => r.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_shape() {
        assert!(looks_like_message(b"From: a@b.c\r\n\r\nx"));
        assert!(looks_like_message(b"Received: from x\r\n"));
        assert!(looks_like_message(b"From x@y Mon Jan 1 00:00:00 2024\n"));
        assert!(!looks_like_message(b"\x00\x01\x02binary"));
        assert!(!looks_like_message(b"{\"json\": 1}"));
        assert!(!looks_like_message(b"hello world"));
        assert!(!looks_like_message(b": empty name"));
    }
}
