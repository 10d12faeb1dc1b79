//! `spearwatch serve --config FILE`: one TOML file (full commented example: `examples/serve.toml`).
//!
//! Paths in the file are relative to the file's folder. Problems are reported with line and column.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to do with a message of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Deliver with spearwatch's headers.
    Accept,
    /// Deliver with the headers and the subject tag.
    Tag,
    /// Keep in the quarantine; the MTA drops its copy (only after the quarantine copy is on disk).
    Quarantine,
    /// Refuse in the SMTP dialogue with the configured reply.
    Reject,
    /// Ask the sender to retry later (4xx).
    Tempfail,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Tag => "tag",
            Action::Quarantine => "quarantine",
            Action::Reject => "reject",
            Action::Tempfail => "tempfail",
        }
    }
}

/// What the milter answers when spearwatch cannot decide (internal error, scan timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailMode {
    /// Deliver unscanned (with an `X-Spearwatch-Verdict: unscanned` header).
    Accept,
    /// 4xx: the MTA keeps the message and retries; nothing is lost, delivery waits.
    Tempfail,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actions {
    #[serde(default = "accept")]
    pub clean: Action,
    #[serde(default = "tag")]
    pub suspicious: Action,
    #[serde(default = "quarantine")]
    pub phishing: Action,
    #[serde(default = "reject")]
    pub malicious: Action,
    /// Put before the subject when the action is `tag`.
    #[serde(default = "default_tag")]
    pub subject_tag: String,
    /// SMTP reply for `reject` (RFC 5321 reply code, RFC 3463 enhanced status code, text).
    #[serde(default = "default_reject")]
    pub reject_reply: String,
    /// SMTP reply for `tempfail` and for the tempfail fail mode.
    #[serde(default = "default_tempfail")]
    pub tempfail_reply: String,
}

fn accept() -> Action {
    Action::Accept
}
fn tag() -> Action {
    Action::Tag
}
fn quarantine() -> Action {
    Action::Quarantine
}
fn reject() -> Action {
    Action::Reject
}
fn default_tag() -> String {
    "[SUSPICIOUS]".into()
}
fn default_reject() -> String {
    "550 5.7.1 Message refused: it carries malicious content (spearwatch)".into()
}
fn default_tempfail() -> String {
    "451 4.7.1 Message could not be scanned now, please retry (spearwatch)".into()
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            clean: accept(),
            suspicious: tag(),
            phishing: quarantine(),
            malicious: reject(),
            subject_tag: default_tag(),
            reject_reply: default_reject(),
            tempfail_reply: default_tempfail(),
        }
    }
}

/// API roles, weakest first: a role may do what the roles before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May submit messages for scanning.
    Scanner,
    /// May also list and read verdicts and quarantined messages, and release them.
    Analyst,
    /// May also delete from the quarantine.
    Admin,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Token {
    pub name: String,
    pub role: Role,
    /// Hex SHA-256 of the bearer token (`printf %s "$TOKEN" | sha256sum`): the file never holds
    /// the token itself.
    pub sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// SMTP relay that released messages are re-injected through (e.g. Postfix on a port without
    /// the milter, or with `-o smtpd_milters=`).
    pub relay: SocketAddr,
    #[serde(default = "default_helo")]
    pub helo: String,
}

fn default_helo() -> String {
    "spearwatch.localhost".into()
}

/// Live sender authentication of milter mail (SPF, DKIM, ARC, DMARC with mail-auth).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveAuth {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// DNS servers to ask (`"192.0.2.53:53"`); empty: the system's (/etc/resolv.conf).
    #[serde(default)]
    pub nameservers: Vec<SocketAddr>,
    /// Budget for authenticating one message, DNS included; what is unfinished is a temperror.
    #[serde(default = "default_auth_timeout")]
    pub timeout_ms: u64,
}

fn yes() -> bool {
    true
}
fn default_auth_timeout() -> u64 {
    3_000
}

impl Default for LiveAuth {
    fn default() -> Self {
        LiveAuth {
            enabled: true,
            nameservers: Vec::new(),
            timeout_ms: default_auth_timeout(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Milter listener (Postfix `smtpd_milters = inet:127.0.0.1:7357`).
    #[serde(default = "default_milter")]
    pub milter_listen: SocketAddr,
    /// HTTP API listener.
    #[serde(default = "default_http")]
    pub http_listen: SocketAddr,
    /// Scoring policy laid over the compiled-in one.
    #[serde(default)]
    pub policy: Option<PathBuf>,
    /// Organisation profile: turns on the organisation-context detectors; mail from its domains that
    /// is judged clean feeds the relationship store.
    #[serde(default)]
    pub org: Option<PathBuf>,
    /// The SQLite store (relationships and scan records).
    pub store: PathBuf,
    /// Quarantine folder (raw messages and their index).
    pub quarantine_dir: PathBuf,
    /// Raw messages of every scan, gzip-compressed, for retro-hunts and exports (default: beside the
    /// store, `<store>.blobs`).
    #[serde(default)]
    pub blobs_dir: Option<PathBuf>,
    /// Days raw messages are kept in `blobs_dir` (0: forever). The scan records stay.
    #[serde(default = "default_blob_retention")]
    pub blob_retention_days: u64,
    /// Days a quarantined message is kept before it is deleted (0: forever).
    #[serde(default = "default_retention")]
    pub quarantine_retention_days: u64,
    /// authserv-id of spearwatch's own Authentication-Results header (RFC 8601 §2.5).
    #[serde(default = "default_authserv")]
    pub authserv_id: String,
    /// Largest message scanned, bytes; a larger one is handled by `oversize`.
    #[serde(default = "default_max")]
    pub max_message_bytes: usize,
    /// What to do with a message larger than `max_message_bytes`.
    #[serde(default = "default_oversize")]
    pub oversize: FailMode,
    /// Per-message scan time limit, milliseconds.
    #[serde(default = "default_timeout")]
    pub scan_timeout_ms: u64,
    #[serde(default = "default_fail_mode")]
    pub fail_mode: FailMode,
    /// Largest HTTP request body (POST /v1/scan), bytes.
    #[serde(default = "default_max")]
    pub max_request_bytes: usize,
    #[serde(default)]
    pub actions: Actions,
    #[serde(default)]
    pub release: Option<Release>,
    #[serde(default)]
    pub auth: LiveAuth,
    #[serde(default, rename = "token")]
    pub tokens: Vec<Token>,
}

fn default_milter() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7357))
}
fn default_http() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 7358))
}
fn default_retention() -> u64 {
    30
}
fn default_blob_retention() -> u64 {
    90
}
fn default_authserv() -> String {
    "spearwatch.localhost".into()
}
fn default_max() -> usize {
    50 << 20
}
fn default_oversize() -> FailMode {
    FailMode::Accept
}
fn default_timeout() -> u64 {
    10_000
}
fn default_fail_mode() -> FailMode {
    FailMode::Tempfail
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl ServeConfig {
    /// Reads and checks a config file; relative paths are resolved against its folder.
    pub fn load(path: &Path) -> Result<ServeConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, path, base)
    }

    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<ServeConfig, ConfigError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: String| {
            let start = span.map_or(0, |s| s.start.min(text.len()));
            let before = &text[..start];
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line: before.matches('\n').count() + 1,
                column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                message,
            }
        };
        let mut c: ServeConfig =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_string()))?;
        for p in [&mut c.store, &mut c.quarantine_dir]
            .into_iter()
            .chain(c.blobs_dir.as_mut())
            .chain(c.policy.as_mut())
            .chain(c.org.as_mut())
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        let find = |needle: &str| text.find(needle).map(|i| i..i + needle.len());
        for t in &c.tokens {
            if t.sha256.len() != 64 || !t.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    find(&t.sha256),
                    format!(
                        "token \"{}\": sha256 must be 64 hex digits (printf %s TOKEN | sha256sum)",
                        t.name
                    ),
                ));
            }
        }
        for (what, reply, class) in [
            ("reject_reply", &c.actions.reject_reply, '5'),
            ("tempfail_reply", &c.actions.tempfail_reply, '4'),
        ] {
            let ok = reply.len() > 4
                && reply.starts_with(class)
                && reply.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                && reply.as_bytes()[3] == b' '
                && !reply.contains(['\r', '\n']);
            if !ok {
                return Err(invalid(
                    find(reply),
                    format!("{what} must be one line starting with a {class}xx code and a space (e.g. \"{class}50 ...\")"),
                ));
            }
        }
        if c.scan_timeout_ms == 0 {
            return Err(invalid(
                find("scan_timeout_ms"),
                "scan_timeout_ms must be > 0".into(),
            ));
        }
        Ok(c)
    }

    pub fn scan_timeout(&self) -> Duration {
        Duration::from_millis(self.scan_timeout_ms)
    }

    pub fn action_for(&self, verdict: spearwatch_core::Verdict) -> Action {
        use spearwatch_core::Verdict as V;
        match verdict {
            V::Clean => self.actions.clean,
            V::Suspicious => self.actions.suspicious,
            V::Phishing => self.actions.phishing,
            V::Malicious => self.actions.malicious,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/serve.toml");

    #[test]
    fn example_config_parses_with_paths_resolved() {
        let c = ServeConfig::parse(
            EXAMPLE,
            Path::new("/etc/sw/serve.toml"),
            Path::new("/etc/sw"),
        )
        .unwrap();
        assert_eq!(c.milter_listen.to_string(), "127.0.0.1:7357");
        assert_eq!(c.store, Path::new("/etc/sw/spearwatch.db"));
        assert_eq!(c.actions.phishing, Action::Quarantine);
        assert_eq!(c.fail_mode, FailMode::Tempfail);
        assert_eq!(c.tokens.len(), 3);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = ServeConfig::parse(
            "store = \"s.db\"\nquarantine_dir = \"q\"\nfail_mode = \"maybe\"\n",
            Path::new("c.toml"),
            Path::new("."),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("c.toml:3:13:"), "{e}");
        let e = ServeConfig::parse(
            "store = \"s.db\"\nquarantine_dir = \"q\"\n[actions]\nreject_reply = \"250 ok\"\n",
            Path::new("c.toml"),
            Path::new("."),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("c.toml:4:") && e.contains("5xx"), "{e}");
    }
}
