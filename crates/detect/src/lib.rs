//! Detectors: each reads a parsed [`Mail`] and appends [`Finding`]s.
//!
//! One detector per file, each a unit struct implementing [`Detector`]:
//!
//! | file | id prefix | what it looks at |
//! |---|---|---|
//! | `sender.rs` | `sender.` | From / Reply-To / Return-Path / Sender, display names, free-mail, brand names |
//! | `auth.rs` | `auth.` | `Authentication-Results` from trusted authserv-ids only (RFC 8601) |
//! | `links.rs` | `links.` | URLs and HTML forms: anchor mismatch, IP hosts, userinfo, IDN, shorteners, brands |
//! | `lures.rs` | `lure.` | lure vocabulary (English and Korean, `data/lures.toml`), attachment passwords |
//! | `text.rs` | `text.` | look-alike letters from other scripts, symbol letters, invisible characters |
//! | `attachments.rs` | `attachment.` | names vs. content: risky types, double extensions, bidi tricks |
//! | `structure.rs` | `structure.` | anomalies the parser recorded |
//!
//! With an organisation profile (`Context::org`), these use what the organisation knows (people,
//! partners, protected domains, the history learned from its mail); without one they do nothing:
//!
//! | file | id | what it looks at |
//! |---|---|---|
//! | `contact.rs` | `contact.impersonation` | a known person's or partner's name on an address it never used |
//! | `lookalike.rs` | `lookalike.domain`, `lookalike.link` | look-alikes of org, partner, authority and brand domains |
//! | `spoof.rs` | `spoof.known_address` | an org/partner/authority address the trusted server could not authenticate |
//! | `thread.rs` | `thread.hijack` | a reply into a known thread from a domain that was not in it |
//! | `replyto.rs` | `replyto.diverted` | a known sender whose replies go to free-mail or elsewhere |
//! | `bec.rs` | `bec.executive_request` | a VIP's name from outside asking for money, wallet moves or codes |
//! | `first_contact.rs` | `contact.first_contact_risk` | a never-seen sender whose first mail carries risk |
//!
//! `known.rs` holds their shared look-ups, `requests.rs` (with `data/requests.toml`) what a message
//! asks for.
//!
//! Detectors are sans-IO and deterministic. Shared data (domain lists, brands, lexicons) is compiled in
//! from `data/` and parsed once ([`data`]). Helpers for hosts live in [`domains`].

pub mod attachments;
pub mod auth;
pub mod bec;
pub mod contact;
pub mod data;
pub mod domains;
pub mod first_contact;
pub mod known;
pub mod links;
pub mod lookalike;
pub mod lures;
pub mod replyto;
pub mod requests;
pub mod sender;
pub mod spoof;
pub mod structure;
pub mod text;
pub mod thread;

use spearwatch_core::Finding;
use spearwatch_message::Mail;
pub use spearwatch_org::OrgContext;

/// Settings detectors read, beyond the message itself.
#[derive(Debug, Clone, Default)]
pub struct DetectConfig {
    /// authserv-ids whose `Authentication-Results` are believed (lower-case).
    pub trusted_authserv_ids: Vec<String>,
}

/// What a detector is given.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub mail: &'a Mail,
    pub config: &'a DetectConfig,
    /// Text the content engine pulled out of attachments (documents, pages, forwarded messages).
    pub documents: &'a [DocumentText],
    /// Every object of every attachment's content tree (the attachment itself, archive members,
    /// embedded objects), by its hashes. Empty when the content engine did not run.
    pub objects: &'a [ObjectHashes<'a>],
    /// The organisation's profile and learned history, when one is configured.
    pub org: Option<&'a OrgContext>,
}

/// Text of one object inside an attachment, for detectors that read words (lures).
#[derive(Debug, Clone)]
pub struct DocumentText {
    pub part: usize,
    /// The object's path in the attachment tree (`"a.zip > letter.docx"`).
    pub path: String,
    pub text: String,
}

/// One object of an attachment's content tree, by its hashes (lower-case hex; `sha1` and `md5` are
/// empty when only the SHA-256 is known).
#[derive(Debug, Clone, Copy)]
pub struct ObjectHashes<'a> {
    pub part: usize,
    /// The object's path in the tree (`"a.zip > setup.exe"`); depth 0 is the attachment itself.
    pub path: &'a str,
    pub depth: usize,
    pub sha256: &'a str,
    pub sha1: &'a str,
    pub md5: &'a str,
}

/// A detector: reads the message, appends findings. It must not panic on any message and must bound its
/// own work (the message model is already bounded by `spearwatch_message::Limits`). `out` already holds
/// the content engine's findings and those of the detectors before it, for detectors that combine
/// signals (`first_contact`).
pub trait Detector: Send + Sync {
    /// Short stable name (`sender`), also the prefix of its finding ids.
    fn name(&self) -> &'static str;
    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Parses the compiled-in data and builds the matchers now rather than on the first message, so that
/// the first scan is as fast as the rest (a gateway's first message, a benchmark's first sample).
pub fn warm_up() {
    data::warm_up();
    lures::warm_up();
    requests::warm_up();
}

/// The built-in detectors, in the order their findings are listed.
pub fn default_detectors() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(sender::Sender),
        Box::new(auth::Auth),
        Box::new(links::Links),
        Box::new(lures::Lures),
        Box::new(text::Text),
        Box::new(attachments::Attachments),
        Box::new(structure::Structure),
        Box::new(contact::Contact),
        Box::new(lookalike::Lookalikes),
        Box::new(spoof::Spoof),
        Box::new(thread::Thread),
        Box::new(replyto::ReplyTo),
        Box::new(bec::Bec),
        // Last: it weighs the findings of all the others.
        Box::new(first_contact::FirstContact),
    ]
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// Parses `raw` and runs one detector with `config`.
    pub fn run_with(d: &dyn Detector, raw: &str, config: &DetectConfig) -> Vec<Finding> {
        let mail = spearwatch_message::parse(raw.as_bytes(), &Default::default());
        let mut out = Vec::new();
        d.detect(
            &Context {
                documents: &[],
                objects: &[],
                mail: &mail,
                config,
                org: None,
            },
            &mut out,
        );
        out
    }

    /// Runs one detector with the example organisation profile (`examples/org/profile.toml`, trusted
    /// authserv-id mx1.hanbit-x.com) and `history` learned.
    pub fn run_org(
        d: &dyn Detector,
        raw: &str,
        history: &[spearwatch_org::observe::Observation],
    ) -> Vec<Finding> {
        let profile =
            spearwatch_org::Profile::from_toml(include_str!("../../../examples/org/profile.toml"))
                .expect("example profile parses");
        let mut knowledge = spearwatch_org::Knowledge::default();
        for o in history {
            knowledge.apply(o);
        }
        let config = DetectConfig {
            trusted_authserv_ids: profile.trusted_authserv_ids.clone(),
        };
        let org = OrgContext::new(profile, knowledge);
        let mail = spearwatch_message::parse(raw.as_bytes(), &Default::default());
        let mut out = Vec::new();
        d.detect(
            &Context {
                documents: &[],
                objects: &[],
                mail: &mail,
                config: &config,
                org: Some(&org),
            },
            &mut out,
        );
        out
    }

    pub fn run(d: &dyn Detector, raw: &str) -> Vec<Finding> {
        run_with(d, raw, &DetectConfig::default())
    }

    pub fn ids(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.id.as_str()).collect()
    }
}
