//! The scan engine: raw message bytes in, a [`Report`] out.
//!
//! [`Engine::scan`] parses the message (`spearwatch-message`), opens every attachment with the content
//! engine (`spearwatch-content`: the attachment tree, its findings, the text and links of documents),
//! runs every [`Detector`] over the message and the documents' text (`spearwatch-detect`), lets the
//! [`Policy`] weigh the findings into a score and a verdict
//! (`spearwatch-core`), and returns a [`Report`] whose JSON form is the stable output schema of
//! `spearwatch scan --format jsonl` (documented in `docs/report-schema.md`).
//!
//! The engine is built once and shared across threads (`Engine: Sync`); a scan allocates only its own
//! report. A detector that panics on some input is contained: the message still gets a report, with an
//! `engine.detector_failed` finding naming the detector, so nothing is lost in a batch.

mod report;

pub use report::{AttachmentInfo, Report, TreeNode, UrlInfo, SCHEMA};
pub use spearwatch_content::{Limits as ContentLimits, Node, Options as ContentOptions};
use spearwatch_core::{Evidence, Finding, Policy, Severity};
use spearwatch_detect::{
    default_detectors, Context, DetectConfig, Detector, DocumentText, ObjectHashes,
};
use spearwatch_message::{Limits, UrlSource};
pub use spearwatch_org::OrgContext;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// Detectors, policy and limits, ready to scan many messages.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    policy: Policy,
    config: DetectConfig,
    limits: Limits,
    content: ContentOptions,
    org: Option<Arc<OrgContext>>,
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
            content: ContentOptions::default(),
            org: None,
        }
    }

    /// Scans with organisation context: the profile's people, partners and protected domains, and the
    /// history learned so far. The profile's trusted authserv-ids join the policy's.
    pub fn with_org(mut self, org: Arc<OrgContext>) -> Self {
        for id in &org.profile.trusted_authserv_ids {
            let id = id.to_ascii_lowercase();
            if !self.config.trusted_authserv_ids.contains(&id) {
                self.config.trusted_authserv_ids.push(id);
            }
        }
        self.org = Some(org);
        self
    }

    pub fn org(&self) -> Option<&OrgContext> {
        self.org.as_deref()
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Limits and switches for the attachment content engine (`keep_data` for `--extract`).
    pub fn with_content_options(mut self, content: ContentOptions) -> Self {
        self.content = content;
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
        self.scan_keep(raw, path).0
    }

    /// Scans like [`Engine::scan`] and also returns the parsed message (for learning from it).
    pub fn scan_keep(&self, raw: &[u8], path: &str) -> (Report, spearwatch_message::Mail) {
        let start = Instant::now();
        let mut mail = spearwatch_message::parse(raw, &self.limits);
        let mut content_findings = Vec::new();
        let trees = self.analyse_attachments(&mail, &mut content_findings);
        add_document_links(&mut mail, &trees, self.limits.max_links);
        let documents: Vec<DocumentText> = trees
            .iter()
            .flat_map(|t| t.iter())
            .filter(|n| !n.text.trim().is_empty())
            .map(|n| DocumentText {
                part: n.part,
                path: n.path.clone(),
                text: n.text.clone(),
            })
            .collect();
        let objects: Vec<ObjectHashes<'_>> = trees
            .iter()
            .flat_map(|t| t.iter())
            .filter(|n| !n.sha256.is_empty())
            .map(|n| ObjectHashes {
                part: n.part,
                path: &n.path,
                depth: n.depth,
                sha256: &n.sha256,
                sha1: &n.sha1,
                md5: &n.md5,
            })
            .collect();
        let cx = Context {
            mail: &mail,
            config: &self.config,
            documents: &documents,
            objects: &objects,
            org: self.org.as_deref(),
        };
        // Content findings first, so detectors that combine signals see them.
        let mut findings = content_findings;
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
        let report = Report::new(path, &mail, findings, trees, scored, start.elapsed());
        (report, mail)
    }
}

impl Engine {
    /// Opens every attachment with the content engine, trying the passwords the message gives. Appends
    /// the findings of each tree to `findings` and returns the trees, one per attachment. A panic in a
    /// format parser is contained like a detector's: the attachment is reported as not analysed.
    fn analyse_attachments(
        &self,
        mail: &spearwatch_message::Mail,
        findings: &mut Vec<Finding>,
    ) -> Vec<Node> {
        if mail.attachments.is_empty() {
            return Vec::new();
        }
        let passwords: Vec<String> = spearwatch_detect::lures::harvest_passwords(mail)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let mut trees = Vec::with_capacity(mail.attachments.len());
        for a in &mail.attachments {
            let opts = ContentOptions {
                passwords: passwords.clone(),
                part: a.part,
                ..self.content.clone()
            };
            let name = a.name.as_deref().unwrap_or("(unnamed)");
            let res = catch_unwind(AssertUnwindSafe(|| {
                spearwatch_content::analyse(&a.data, name, Some(&a.declared_type), &opts)
            }));
            match res {
                Ok(tree) => {
                    findings.extend(tree.all_findings().cloned());
                    trees.push(tree);
                }
                Err(_) => {
                    findings.push(
                        Finding::new(
                            "engine.content_failed",
                            Severity::Medium,
                            format!("The content engine failed on attachment \"{name}\"; its content is not analysed"),
                        )
                        .evidence(
                            Evidence::new(
                                spearwatch_core::Source::Attachment {
                                    part: a.part,
                                    name: name.to_string(),
                                },
                                &a.sha256,
                            )
                            .with_note("please report this attachment's structure as a bug"),
                        ),
                    );
                    let mut stub =
                        spearwatch_content::analyse(&[], name, Some(&a.declared_type), &opts);
                    stub.size = a.size as u64;
                    stub.set_hashes(&a.data);
                    trees.push(stub);
                }
            }
        }
        trees
    }
}

/// Links inside attached documents (PDF URI actions, Office hyperlinks) join the message's own, so the
/// link detectors judge a PDF's "view document" button like a link in the body. Deduplicated against
/// the message's links, within the message limit.
fn add_document_links(mail: &mut spearwatch_message::Mail, trees: &[Node], max: usize) {
    for n in trees.iter().flat_map(|t| t.iter()) {
        for url in &n.links {
            if mail.links.len() >= max {
                return;
            }
            if mail.links.iter().any(|l| &l.url == url) {
                continue;
            }
            if let Some(l) =
                spearwatch_message::urls::make_link(url, UrlSource::Document, n.part, None)
            {
                mail.links.push(l);
            }
        }
    }
}
