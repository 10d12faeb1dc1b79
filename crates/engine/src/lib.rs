//! The scan engine: raw message bytes in, a [`Report`] out.
//!
//! [`Engine::scan`] parses the message (`spearwatch-message`), runs every [`Detector`] over it
//! (`spearwatch-detect`), lets the [`Policy`] weigh the findings into a score and a verdict
//! (`spearwatch-core`), and returns a [`Report`] whose JSON form is the stable output schema of
//! `spearwatch scan --format jsonl` (documented in `docs/report-schema.md`).
//!
//! The engine is built once and shared across threads (`Engine: Sync`); a scan allocates only its own
//! report. A detector that panics on some input is contained: the message still gets a report, with an
//! `engine.detector_failed` finding naming the detector, so nothing is lost in a batch.

mod report;

pub use report::{AttachmentInfo, Report, UrlInfo, SCHEMA};
use spearwatch_core::{Evidence, Finding, Policy, Severity};
use spearwatch_detect::{default_detectors, Context, DetectConfig, Detector};
use spearwatch_message::Limits;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// Detectors, policy and limits, ready to scan many messages.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    policy: Policy,
    config: DetectConfig,
    limits: Limits,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(Policy::default())
    }
}

impl Engine {
    /// The built-in detectors under `policy`.
    pub fn new(policy: Policy) -> Self {
        let config = DetectConfig {
            trusted_authserv_ids: policy
                .auth
                .trusted_authserv_ids
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
        };
        spearwatch_detect::warm_up();
        Engine {
            detectors: default_detectors(),
            policy,
            config,
            limits: Limits::default(),
        }
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds a detector after the built-in ones (later issues plug in this way).
    pub fn with_detector(mut self, d: Box<dyn Detector>) -> Self {
        self.detectors.push(d);
        self
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Scans one raw RFC 5322 message. `path` is carried into the report for people and tools.
    pub fn scan(&self, raw: &[u8], path: &str) -> Report {
        let start = Instant::now();
        let mail = spearwatch_message::parse(raw, &self.limits);
        let cx = Context {
            mail: &mail,
            config: &self.config,
        };
        let mut findings = Vec::new();
        for d in &self.detectors {
            let before = findings.len();
            let res = catch_unwind(AssertUnwindSafe(|| d.detect(&cx, &mut findings)));
            if res.is_err() {
                findings.truncate(before);
                findings.push(
                    Finding::new(
                        "engine.detector_failed",
                        Severity::Medium,
                        format!(
                            "Detector {} failed on this message; its checks are missing",
                            d.name()
                        ),
                    )
                    .evidence(
                        Evidence::structure(d.name())
                            .with_note("please report this message as a bug"),
                    ),
                );
            }
        }
        let scored = self.policy.score(&mut findings);
        // Strongest first; ties keep detector order (stable sort), so output is deterministic.
        findings.sort_by(|a, b| b.score.total_cmp(&a.score));
        Report::new(path, &mail, findings, scored, start.elapsed())
    }
}
