//! The report: one message's verdict with everything that explains it.

use serde::Serialize;
use spearwatch_content::{Fingerprint, Kind, Node};
use spearwatch_core::{Finding, Scored, Verdict};
use spearwatch_message::{FileKind, Mail, UrlSource};
use std::time::Duration;

/// Identifier of the report schema, written in every report. Bumped only on incompatible changes;
/// fields may be added within a version.
pub const SCHEMA: &str = "spearwatch.report/1";

/// The result of scanning one message. Its JSON form is the `scan --format jsonl` schema.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub path: String,
    pub message_id: Option<String>,
    /// First From mailbox, as `"Name" <address>`.
    pub from: Option<String>,
    pub subject: Option<String>,
    pub verdict: Verdict,
    pub score: f32,
    /// Union of the findings' ATT&CK techniques, sorted.
    pub techniques: Vec<String>,
    pub findings: Vec<Finding>,
    pub urls: Vec<UrlInfo>,
    pub attachments: Vec<AttachmentInfo>,
    pub size: usize,
    pub elapsed_us: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UrlInfo {
    pub url: String,
    pub host: Option<String>,
    pub source: UrlSource,
    pub part: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentInfo {
    pub part: usize,
    pub name: Option<String>,
    pub declared_type: String,
    pub detected_type: FileKind,
    pub size: usize,
    pub sha256: String,
    /// SHA-1 and MD5 of the attachment, for indicators published by those hashes.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha1: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub md5: String,
    /// What the content engine made of it, in words ("Word 97-2003 document with VBA project").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    /// Ids of the findings raised on the attachment itself (details are in the report's `findings`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// Structural payload fingerprints of the attachment itself (a shortcut's command line, a
    /// script's text), as on [`TreeNode::fingerprints`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<Fingerprint>,
    /// What the content engine found inside: members, streams, embedded objects, recursively.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
    /// The full content tree, with extracted bytes when the engine keeps them (`--extract`).
    #[serde(skip)]
    pub tree: Option<Node>,
}

/// One object inside an attachment, as reported: the tree without the bytes, findings by id.
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode {
    pub name: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_type: Option<String>,
    pub detected_type: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub size: u64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha1: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub md5: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// Structural payload fingerprints (normalised VBA source, PostScript, shortcut command line, PDF
    /// JavaScript, script text): equal across copies whose `sha256` differs, for campaign linking.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<Fingerprint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    fn from_node(n: &Node) -> TreeNode {
        TreeNode {
            name: n.name.clone(),
            path: n.path.clone(),
            declared_type: n.declared_type.clone(),
            detected_type: n.detected_type,
            format: n.format.clone(),
            size: n.size,
            sha256: n.sha256.clone(),
            sha1: n.sha1.clone(),
            md5: n.md5.clone(),
            encrypted: n.encrypted,
            findings: finding_ids(n),
            fingerprints: n.fingerprints.clone(),
            children: n.children.iter().map(TreeNode::from_node).collect(),
        }
    }
}

fn finding_ids(n: &Node) -> Vec<String> {
    let mut ids: Vec<String> = n.findings.iter().map(|f| f.id.clone()).collect();
    ids.dedup();
    ids
}

impl Report {
    pub(crate) fn new(
        path: &str,
        mail: &Mail,
        findings: Vec<Finding>,
        trees: Vec<Node>,
        scored: Scored,
        elapsed: Duration,
    ) -> Report {
        let mut techniques: Vec<String> = findings
            .iter()
            .filter(|f| f.score > 0.0)
            .flat_map(|f| f.techniques.iter().cloned())
            .collect();
        techniques.sort();
        techniques.dedup();
        Report {
            schema: SCHEMA,
            path: path.to_string(),
            message_id: mail.message_id.clone(),
            from: mail.from().map(|m| m.display()),
            subject: mail.subject.clone(),
            verdict: scored.verdict,
            score: (scored.score * 100.0).round() / 100.0,
            techniques,
            findings,
            urls: mail
                .links
                .iter()
                .map(|l| UrlInfo {
                    url: l.url.clone(),
                    host: l.host.clone(),
                    source: l.source,
                    part: l.part,
                    anchor_text: l.anchor_text.clone(),
                })
                .collect(),
            attachments: mail
                .attachments
                .iter()
                .zip(
                    trees
                        .into_iter()
                        .map(Some)
                        .chain(std::iter::repeat_with(|| None)),
                )
                .map(|(a, tree)| AttachmentInfo {
                    part: a.part,
                    name: a.name.clone(),
                    declared_type: a.declared_type.clone(),
                    detected_type: a.detected_type,
                    size: a.size,
                    sha256: a.sha256.clone(),
                    sha1: tree.as_ref().map(|t| t.sha1.clone()).unwrap_or_default(),
                    md5: tree.as_ref().map(|t| t.md5.clone()).unwrap_or_default(),
                    format: tree.as_ref().and_then(|t| t.format.clone()),
                    encrypted: tree.as_ref().is_some_and(|t| t.encrypted),
                    findings: tree.as_ref().map(finding_ids).unwrap_or_default(),
                    fingerprints: tree
                        .as_ref()
                        .map(|t| t.fingerprints.clone())
                        .unwrap_or_default(),
                    children: tree
                        .as_ref()
                        .map(|t| t.children.iter().map(TreeNode::from_node).collect())
                        .unwrap_or_default(),
                    tree,
                })
                .collect(),
            size: mail.size,
            elapsed_us: elapsed.as_micros().min(u128::from(u64::MAX)) as u64,
        }
    }

    /// Judged phishing or malicious: what a gateway quarantines or rejects by default.
    pub fn is_flagged(&self) -> bool {
        self.verdict.is_flagged()
    }
}

#[cfg(test)]
mod tests {
    use crate::Engine;
    use spearwatch_core::Verdict;

    const KOREAN_SPEAR: &str = "From: =?UTF-8?B?6rWt7IS47LKt?= <notice@nts-hometax.example>\r\nReply-To: refund.nts@naver.com\r\nMessage-ID: <1@x>\r\nSubject: =?UTF-8?B?W+q1reyEuOyyrV0g7KKF7ZWp7IaM65Od7IS4IO2ZmOq4iSDslYjrgrQ=?=\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>원천징수 영수증을 확인하세요</p><a href=\"http://203.0.113.9/hometax/login\">https://www.hometax.go.kr</a>\r\n";

    #[test]
    fn korean_tax_spear_phish_is_flagged_with_explanations() {
        let r = Engine::default().scan(KOREAN_SPEAR.as_bytes(), "fixture");
        assert!(
            r.verdict >= Verdict::Phishing,
            "{} {:#?}",
            r.score,
            r.findings
        );
        let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
        for want in [
            "sender.brand_impersonation",
            "sender.reply_to_freemail",
            "links.anchor_mismatch",
            "links.ip_literal",
            "lure.tax",
        ] {
            assert!(ids.contains(&want), "missing {want}: {ids:?}");
        }
        assert!(r
            .findings
            .iter()
            .all(|f| !f.title.is_empty() && !f.evidence.is_empty()));
        assert!(r.techniques.iter().any(|t| t == "T1656"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["schema"], "spearwatch.report/1");
        assert_eq!(json["verdict"], "phishing");
        assert_eq!(json["urls"][0]["host"], "203.0.113.9");
        assert!(json["findings"][0]["evidence"][0]["kind"]
            .as_str()
            .is_some());
    }

    /// The `scan --format jsonl` line (the report's JSON) carries payload fingerprints on the
    /// attachment and inside its tree, equal for two copies of one script whose bytes differ.
    #[test]
    fn jsonl_tree_carries_payload_fingerprints() {
        let raw = "From: Billing <billing@vendor.example>\r\nTo: kim@corp.example\r\nSubject: invoice\r\n\
            Message-ID: <3@vendor.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
            --b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
            --b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"invoice.js\"\r\n\r\n\
            var s = new ActiveXObject(\"WScript.Shell\");   s.Run(\"notepad.exe\");\r\n\
            --b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"fwd.eml\"\r\n\r\n\
            From: a@b.example\r\nTo: c@d.example\r\nSubject: inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n\
            --x\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
            --x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"INVOICE.JS\"\r\n\r\n\
            VAR S = NEW ACTIVEXOBJECT(\"WSCRIPT.SHELL\");\r\nS.RUN(\"NOTEPAD.EXE\");\r\n\
            --x--\r\n--b--\r\n";
        let r = Engine::default().scan(raw.as_bytes(), "fixture");
        let line = serde_json::to_string(&r).unwrap();
        assert!(!line.contains('\n'));
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        let top = &json["attachments"][0];
        assert_eq!(top["name"], "invoice.js");
        assert_eq!(top["fingerprints"][0]["kind"], "script");
        let fwd = &json["attachments"][1];
        let inner = fwd["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "INVOICE.JS")
            .unwrap_or_else(|| panic!("{fwd}"));
        assert_eq!(inner["fingerprints"], top["fingerprints"]);
        assert_ne!(inner["sha256"], top["sha256"]);
        assert_eq!(
            inner["fingerprints"][0]["sha256"].as_str().unwrap().len(),
            64
        );
        // Objects without a payload carry no `fingerprints` key at all.
        assert!(fwd.get("fingerprints").is_none());
    }

    #[test]
    fn ordinary_mail_is_clean_and_scoring_is_deterministic() {
        let raw = b"From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nMessage-ID: <2@example.com>\r\nSubject: Lunch on Friday?\r\n\r\nShall we try the new place near the office? https://example.com/menu\r\n";
        let e = Engine::default();
        let a = e.scan(raw, "a");
        assert_eq!(a.verdict, Verdict::Clean, "{:#?}", a.findings);
        let b = e.scan(KOREAN_SPEAR.as_bytes(), "b");
        let c = e.scan(KOREAN_SPEAR.as_bytes(), "b");
        assert_eq!(b.score, c.score);
        assert_eq!(
            serde_json::to_value(&b.findings).unwrap(),
            serde_json::to_value(&c.findings).unwrap()
        );
    }
}
