//! `spearwatch serve`: the gateway around one engine.
//!
//! ```text
//!   Postfix ──milter (TCP)──► milter.rs ──┐                       ┌─► store (SQLite): scan records,
//!                                         ├─► decide(): auth,     │   relationships learned from
//!   curl / tools ──HTTP──► http.rs ───────┘   engine, policy ─────┤   clean mail
//!                                             actions             └─► quarantine (files + index)
//! ```
//!
//! | file | what |
//! |---|---|
//! | `config.rs` | the TOML config (`examples/serve.toml`) |
//! | `milter.rs` | milter connections: the `spearwatch-milter` codec driven over tokio |
//! | `http.rs` | the HTTP API (axum): scan, verdicts, quarantine, health, metrics, OpenAPI |
//! | `metrics.rs` | Prometheus counters and histograms |
//! | `lib.rs` | shared state and [`App::decide`]: one message in, an action out |
//!
//! Nothing is lost: a message ends delivered (with spearwatch's headers), quarantined (the copy is on
//! disk, fsynced, before the MTA is told to drop it), or rejected/tempfailed with a logged reason. When
//! spearwatch cannot decide (timeout, internal error, quarantine write failure), the fail mode answers
//! (default tempfail: the MTA keeps the message and retries).

pub mod config;
pub mod http;
pub mod metrics;
pub mod milter;

use config::{Action, FailMode, ServeConfig};
use spearwatch_core::{Policy, Verdict};
use spearwatch_engine::{Engine, OrgContext, Report};
use spearwatch_message::Mail;
use spearwatch_quarantine::{Envelope, NewEntry, Quarantine};
use spearwatch_store::Store;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Everything the listeners share.
pub struct App {
    pub config: ServeConfig,
    /// Live SPF/DKIM/ARC/DMARC for milter mail (`[auth] enabled`).
    pub auth: Option<spearwatch_auth::Authenticator>,
    engine: RwLock<Arc<Engine>>,
    pub store: Mutex<Store>,
    /// Raw messages of every scan (the register's blob store).
    pub blobs: spearwatch_register::BlobStore,
    link_policy: spearwatch_register::LinkPolicy,
    pub quarantine: Quarantine,
    pub metrics: metrics::Metrics,
    /// SHA-256 of each API token with its role and name.
    tokens: Vec<([u8; 32], config::Role, String)>,
    /// Scans being recorded after their answer (awaited on shutdown).
    recording: std::sync::atomic::AtomicUsize,
}

/// Where a message came from, for the record and the metrics.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub source: &'static str,
    pub envelope: Envelope,
}

/// What to do with one message.
#[derive(Debug)]
pub struct Decision {
    pub action: Action,
    /// `None` when the message was not scanned (oversize, timeout, failure).
    pub report: Option<Report>,
    /// Headers to add to a delivered message.
    pub headers: Vec<(String, String)>,
    /// Prefix for the subject (action `tag`).
    pub subject_tag: Option<String>,
    /// SMTP reply for reject / tempfail.
    pub reply: Option<String>,
    pub quarantine_id: Option<String>,
    /// Why, for the log.
    pub reason: String,
}

/// Builds the engine from the config: policy, organisation profile and the store's knowledge.
pub fn build_engine(config: &ServeConfig, store: &Store) -> anyhow::Result<Engine> {
    use anyhow::Context as _;
    let mut policy = match &config.policy {
        None => Policy::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read policy {}", p.display()))?;
            Policy::from_override_toml(&text).with_context(|| format!("policy {}", p.display()))?
        }
    };
    // spearwatch's own Authentication-Results (added before the scan) are trusted.
    policy
        .auth
        .trusted_authserv_ids
        .push(config.authserv_id.to_ascii_lowercase());
    let mut engine = Engine::new(policy);
    if let Some(org) = &config.org {
        let text = std::fs::read_to_string(org)
            .with_context(|| format!("cannot read profile {}", org.display()))?;
        let profile = spearwatch_org::Profile::from_toml(&text)
            .map_err(|e| anyhow::anyhow!("profile {}: {e}", org.display()))?;
        let knowledge = store
            .knowledge()
            .context("loading the relationship store")?;
        engine = engine.with_org(Arc::new(OrgContext::new(profile, knowledge)));
    }
    Ok(engine)
}

impl App {
    pub fn open(config: ServeConfig) -> anyhow::Result<App> {
        use anyhow::Context as _;
        let store = Store::open(&config.store)
            .with_context(|| format!("store {}", config.store.display()))?;
        let (quarantine, recovery) = Quarantine::open(&config.quarantine_dir)
            .with_context(|| format!("quarantine {}", config.quarantine_dir.display()))?;
        eprintln!(
            "spearwatch: quarantine {}: {recovery:?}",
            config.quarantine_dir.display()
        );
        let engine = build_engine(&config, &store)?;
        let blobs = match &config.blobs_dir {
            Some(d) => spearwatch_register::BlobStore::new(d.clone()),
            None => spearwatch_register::BlobStore::beside(&config.store),
        };
        let auth = if config.auth.enabled {
            let choice = if config.auth.nameservers.is_empty() {
                spearwatch_auth::ResolverChoice::System
            } else {
                spearwatch_auth::ResolverChoice::Nameservers(config.auth.nameservers.clone())
            };
            Some(
                spearwatch_auth::Authenticator::new(&spearwatch_auth::AuthConfig {
                    authserv_id: config.authserv_id.clone(),
                    resolver: choice,
                    timeout: Duration::from_millis(config.auth.timeout_ms),
                })
                .map_err(|e| anyhow::anyhow!("live authentication: {e}"))?,
            )
        } else {
            None
        };
        let tokens = config
            .tokens
            .iter()
            .filter_map(|t| {
                let mut h = [0u8; 32];
                hex::decode_to_slice(&t.sha256, &mut h).ok()?;
                Some((h, t.role, t.name.clone()))
            })
            .collect();
        Ok(App {
            config,
            auth,
            engine: RwLock::new(Arc::new(engine)),
            store: Mutex::new(store),
            blobs,
            link_policy: spearwatch_register::LinkPolicy::default(),
            recording: std::sync::atomic::AtomicUsize::new(0),
            quarantine,
            metrics: metrics::Metrics::default(),
            tokens,
        })
    }

    pub fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(e) => Arc::clone(&e),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Re-reads policy and profile and reloads the relationship knowledge (SIGHUP). On error the
    /// running engine stays.
    pub fn reload(&self) -> anyhow::Result<()> {
        let engine = {
            let store = self
                .store
                .lock()
                .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
            build_engine(&self.config, &store)?
        };
        if let Ok(mut e) = self.engine.write() {
            *e = Arc::new(engine);
        }
        Ok(())
    }

    /// The role of a bearer token, if it is one of the configured ones.
    pub fn role_of(&self, token: &str) -> Option<(config::Role, &str)> {
        use sha2::{Digest, Sha256};
        let h: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        // Compare every byte of every entry: the time taken does not say how much of a hash matched.
        let mut found = None;
        for (want, role, name) in &self.tokens {
            let diff = want.iter().zip(&h).fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if diff == 0 {
                found = Some((*role, name.as_str()));
            }
        }
        found
    }

    /// Live authentication of a milter message: spearwatch's own Authentication-Results header
    /// (`None` when switched off or the client address is unknown). mail-auth runs in its own task,
    /// so a panic in it is a missing result, not a lost connection.
    pub async fn authenticate(
        &self,
        raw: &[u8],
        ip: Option<std::net::IpAddr>,
        helo: &str,
        mail_from: &str,
    ) -> Option<String> {
        let auth = self.auth.as_ref()?;
        let ip = ip?;
        let outcome = auth.authenticate(raw, ip, helo, mail_from).await;
        Some(outcome.header.trim_end().to_string())
    }

    /// Scans `raw` within the time limit on a blocking thread. `Err` says why there is no report.
    /// Clean mail is learned into the relationship store when a profile is configured (outbound
    /// mail is how the organisation says whom it knows).
    pub async fn scan(
        self: &Arc<Self>,
        raw: Arc<Vec<u8>>,
        path: String,
    ) -> Result<(Report, Mail), &'static str> {
        let engine = self.engine();
        self.metrics
            .in_flight
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let job = tokio::task::spawn_blocking(move || {
            let (report, mail) = engine.scan_keep(&raw, &path);
            let obs = match engine.org() {
                Some(org) if report.verdict == Verdict::Clean => {
                    spearwatch_org::observe::Observation::of(&mail, &raw, &org.profile, now())
                }
                _ => None,
            };
            (report, mail, obs)
        });
        let res = tokio::time::timeout(self.config.scan_timeout(), job).await;
        self.metrics
            .in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        match res {
            Ok(Ok((report, mail, obs))) => {
                if let Some(o) = obs {
                    // SQLite writes run on the blocking pool, off the runtime's threads.
                    let app = Arc::clone(self);
                    let learned = tokio::task::spawn_blocking(move || match app.store.lock() {
                        Ok(mut s) => s
                            .learn(std::slice::from_ref(&o))
                            .map(|_| ())
                            .map_err(|e| e.to_string()),
                        Err(_) => Err("store lock poisoned".to_string()),
                    })
                    .await
                    .unwrap_or_else(|_| Err("learning task failed".to_string()));
                    if let Err(e) = learned {
                        self.metrics.error("store");
                        eprintln!("spearwatch: learning a clean message failed: {e}");
                    }
                }
                Ok((report, mail))
            }
            Ok(Err(_)) => {
                self.metrics.error("scan_failed");
                Err("internal error while scanning")
            }
            Err(_) => {
                self.metrics.error("scan_timeout");
                Err("scan time limit reached")
            }
        }
    }

    /// One message from the MTA: scan, choose the action, quarantine when asked (durably, before
    /// answering), record. `auth_header` is spearwatch's own Authentication-Results, scanned with the
    /// message and added to the delivered copy.
    pub async fn decide(
        self: &Arc<Self>,
        raw: Vec<u8>,
        truncated: bool,
        origin: Origin,
        auth_header: Option<String>,
    ) -> Decision {
        let started = Instant::now();
        let cfg = &self.config;
        if truncated {
            let d = self.fail(
                cfg.oversize,
                format!(
                    "message larger than {} bytes: not scanned",
                    cfg.max_message_bytes
                ),
            );
            self.metrics
                .message(origin.source, "unscanned", started.elapsed());
            self.metrics.action(d.action.as_str());
            return d;
        }
        let raw = Arc::new(raw);
        let scanned = match &auth_header {
            Some(h) => {
                let mut v = Vec::with_capacity(h.len() + 2 + raw.len());
                v.extend_from_slice(h.as_bytes());
                v.extend_from_slice(b"\r\n");
                v.extend_from_slice(&raw);
                Arc::new(v)
            }
            None => Arc::clone(&raw),
        };
        let path = origin
            .envelope
            .queue_id
            .clone()
            .unwrap_or_else(|| origin.source.to_string());
        let (report, mail) = match self.scan(Arc::clone(&scanned), path).await {
            Ok(r) => r,
            Err(why) => {
                let d = self.fail(cfg.fail_mode, why.to_string());
                self.metrics
                    .message(origin.source, "unscanned", started.elapsed());
                self.metrics.action(d.action.as_str());
                return d;
            }
        };
        let mut action = cfg.action_for(report.verdict);
        let mut quarantine_id = None;
        let mut reason = summary(&report);
        if action == Action::Quarantine {
            let q = Arc::clone(self);
            let meta = NewEntry {
                verdict: report.verdict.as_str().to_string(),
                score: report.score,
                reason: reason.clone(),
                message_id: report.message_id.clone(),
                from: report.from.clone(),
                subject: report.subject.clone(),
                envelope: origin.envelope.clone(),
            };
            let raw_q = Arc::clone(&raw);
            match tokio::task::spawn_blocking(move || q.quarantine.put(&raw_q, meta)).await {
                Ok(Ok(entry)) => quarantine_id = Some(entry.id),
                Ok(Err(e)) => {
                    self.metrics.error("quarantine");
                    let d = self.fail(FailMode::Tempfail, format!("quarantine write failed: {e}"));
                    self.metrics
                        .message(origin.source, report.verdict.as_str(), started.elapsed());
                    self.metrics.action(d.action.as_str());
                    return d;
                }
                Err(_) => {
                    self.metrics.error("quarantine");
                    action = Action::Tempfail;
                    reason = "quarantine task failed".into();
                }
            }
        }
        let mut headers = vec![
            (
                "X-Spearwatch-Verdict".to_string(),
                report.verdict.as_str().to_string(),
            ),
            (
                "X-Spearwatch-Score".to_string(),
                format!("{:.1}", report.score),
            ),
        ];
        let ids = finding_ids(&report);
        if !ids.is_empty() {
            headers.push(("X-Spearwatch-Findings".to_string(), ids));
        }
        if let Some(h) = &auth_header {
            if let Some((name, value)) = h.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let reply = match action {
            Action::Reject => Some(cfg.actions.reject_reply.clone()),
            Action::Tempfail => Some(cfg.actions.tempfail_reply.clone()),
            _ => None,
        };
        let subject_tag = (action == Action::Tag).then(|| cfg.actions.subject_tag.clone());
        self.metrics
            .message(origin.source, report.verdict.as_str(), started.elapsed());
        self.metrics.action(action.as_str());
        // Recording (observables, raw message, campaign) runs after the answer to the MTA: it is
        // the register, not the decision, and costs about a millisecond.
        let app = Arc::clone(self);
        let (rec_report, rec_origin, rec_action, rec_q) = (
            report.clone(),
            origin.clone(),
            action.as_str(),
            quarantine_id.clone(),
        );
        app.recording
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::spawn(async move {
            app.record(scanned, rec_report, mail, &rec_origin, rec_action, rec_q)
                .await;
            app.recording
                .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        });
        Decision {
            action,
            report: Some(report),
            headers,
            subject_tag,
            reply,
            quarantine_id,
            reason,
        }
    }

    /// Removes raw messages older than `blob_retention_days` (their scan records stay).
    pub fn expire_blobs(&self) {
        let days = self.config.blob_retention_days;
        if days == 0 {
            return;
        }
        let cutoff = now() - (days.min(365 * 100) as i64) * 86_400;
        let keys = match self.store.lock() {
            Ok(s) => s.expire_blobs(cutoff),
            Err(_) => return,
        };
        match keys {
            Ok(keys) => {
                for k in keys {
                    if let Err(e) = self.blobs.remove(&k) {
                        eprintln!("spearwatch: removing an expired raw message: {e}");
                    }
                }
            }
            Err(e) => {
                self.metrics.error("store");
                eprintln!("spearwatch: expiring raw messages: {e}");
            }
        }
    }

    /// The decision when there is no verdict.
    fn fail(&self, mode: FailMode, reason: String) -> Decision {
        let (action, reply) = match mode {
            FailMode::Accept => (Action::Accept, None),
            FailMode::Tempfail => (
                Action::Tempfail,
                Some(self.config.actions.tempfail_reply.clone()),
            ),
        };
        eprintln!("spearwatch: {}: {reason}", action.as_str());
        Decision {
            action,
            report: None,
            headers: vec![("X-Spearwatch-Verdict".into(), "unscanned".into())],
            subject_tag: None,
            reply,
            quarantine_id: None,
            reason,
        }
    }

    /// Records the scan in the register with the action taken ("none" for API scans, which act on
    /// nothing): the scan row, its observables, the raw message (as scanned, with spearwatch's own
    /// Authentication-Results) in the blob store, and its campaign when flagged.
    pub async fn record(
        self: &Arc<Self>,
        raw: Arc<Vec<u8>>,
        report: Report,
        mail: Mail,
        origin: &Origin,
        action: &str,
        quarantine: Option<String>,
    ) {
        let arrival = spearwatch_register::Arrival {
            received_at: now(),
            source: origin.source.to_string(),
            queue_id: origin.envelope.queue_id.clone(),
            action: action.to_string(),
            quarantine,
            blob: None,
        };
        let app = Arc::clone(self);
        let res = tokio::task::spawn_blocking(move || match app.store.lock() {
            Ok(s) => spearwatch_register::Register {
                store: &s,
                blobs: Some(&app.blobs),
                policy: &app.link_policy,
            }
            .record(&raw, &report, &mail, &arrival)
            .map(|_| ())
            .map_err(|e| e.to_string()),
            Err(_) => Err("store lock poisoned".to_string()),
        })
        .await
        .unwrap_or_else(|_| Err("recording task failed".to_string()));
        if let Err(e) = res {
            self.metrics.error("store");
            eprintln!("spearwatch: recording the scan failed: {e}");
        }
    }
}

/// Finding ids with a score, strongest first, for the `X-Spearwatch-Findings` header (bounded).
fn finding_ids(r: &Report) -> String {
    let mut out = String::new();
    for f in r.findings.iter().filter(|f| f.score > 0.0).take(12) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&f.id);
    }
    out
}

/// "phishing 9.0: contact.impersonation, lure.invoice" for logs and the quarantine index.
fn summary(r: &Report) -> String {
    format!("{} {:.1}: {}", r.verdict.as_str(), r.score, finding_ids(r))
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Runs the listeners until SIGTERM/SIGINT; SIGHUP reloads policy, profile and knowledge.
pub async fn serve(app: Arc<App>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let milter = tokio::net::TcpListener::bind(app.config.milter_listen)
        .await
        .with_context(|| format!("milter listener {}", app.config.milter_listen))?;
    let http = tokio::net::TcpListener::bind(app.config.http_listen)
        .await
        .with_context(|| format!("HTTP listener {}", app.config.http_listen))?;
    eprintln!(
        "spearwatch: serving milter on {}, HTTP on {}",
        app.config.milter_listen, app.config.http_listen
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let milter_task = tokio::spawn(milter::run(Arc::clone(&app), milter, stop_rx.clone()));
    let mut http_stop = stop_rx.clone();
    let router = http::router(Arc::clone(&app));
    let http_task = tokio::spawn(async move {
        axum::serve(http, router)
            .with_graceful_shutdown(async move {
                stopped(&mut http_stop).await;
            })
            .await
    });
    let retention = app.config.quarantine_retention_days;
    let expiry_app = Arc::clone(&app);
    let mut expiry_stop = stop_rx.clone();
    let expiry = tokio::spawn(async move {
        if retention == 0 {
            return;
        }
        loop {
            let a = Arc::clone(&expiry_app);
            let _ = tokio::task::spawn_blocking(move || {
                a.quarantine
                    .expire(Duration::from_secs(retention * 86_400), now())
            })
            .await;
            let a = Arc::clone(&expiry_app);
            let _ = tokio::task::spawn_blocking(move || a.expire_blobs()).await;
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3_600)) => {}
                _ = stopped(&mut expiry_stop) => return,
            }
        }
    });
    signals(&app).await;
    eprintln!("spearwatch: shutting down: no new connections, finishing messages in progress");
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        let _ = milter_task.await;
        let _ = http_task.await;
        let _ = expiry.await;
        // Scans answered but still being recorded finish their records.
        while app.recording.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    Ok(())
}

#[cfg(unix)]
async fn signals(app: &Arc<App>) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    loop {
        tokio::select! {
            _ = term.recv() => return,
            _ = int.recv() => return,
            _ = hup.recv() => {
                let a = Arc::clone(app);
                match tokio::task::spawn_blocking(move || a.reload()).await {
                    Ok(Ok(())) => eprintln!("spearwatch: reloaded policy, profile and knowledge"),
                    Ok(Err(e)) => eprintln!("spearwatch: reload failed, keeping the running configuration: {e:#}"),
                    Err(_) => eprintln!("spearwatch: reload failed"),
                }
            }
        }
    }
}

#[cfg(not(unix))]
async fn signals(_app: &Arc<App>) {
    let _ = tokio::signal::ctrl_c().await;
}

/// `Verdict` names for the API.
pub fn verdict_name(v: Verdict) -> &'static str {
    v.as_str()
}

/// Resolves when shutdown is signalled (or the sender is gone). The watch guard is dropped inside,
/// so the future stays `Send` across `select!`.
pub(crate) async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await.map(|_| ());
}
