//! A synthetic organisation for testing and measuring the organisation-context detectors.
//!
//! [`hanbit()`] builds "Hanbit Digital Exchange", a Korean crypto exchange, entirely in code and
//! deterministically (a seeded SplitMix64, no randomness crate, no corpus files):
//!
//! - `profile_toml`: the organisation profile (format of `examples/org/profile.toml`): 15 employees
//!   (CEO and CFO are VIPs), 8 partners with two contacts each, two extra protected authorities.
//! - `history`: about 400 messages dated 2026-01 to 2026-09, as the organisation's mailboxes hold
//!   them: threads of 2-6 messages with partners (inbound with trusted `Authentication-Results` of
//!   mx1.hanbit-x.com, the employees' replies), internal threads, authority notices, newsletters,
//!   a partner contact's personal gmail, a partner's shared Reply-To mailbox.
//! - `cases`: labelled messages dated 2026-10/11, for each organisation detector at least six attacks
//!   and six hard negatives, plus plain benign mail. Each says which finding id it is about, whether
//!   that finding should fire, and why (`note`).
//!
//! | file | what |
//! |---|---|
//! | `org.rs` | the people and partners, and the profile TOML made from them |
//! | `topics.rs` | thread templates (Korean and English) |
//! | `history.rs` | the nine months of mail |
//! | `cases/` | one file per detector |
//! | `campaigns.rs`, `campaigns/` | a labelled multi-wave campaign scenario for campaign clustering: [`campaign_messages`] |
//! | `compose.rs`, `mime.rs` | RFC 5322 / MIME writing (trace fields, encoded words, multipart) |
//! | `files.rs` | inert attachments: PDF, ZIP, macro-enabled OOXML, LNK header; punycode |
//!
//! `cargo run -p spearwatch-scenario --example write -- DIR` writes it all out as files.

pub mod campaigns;
mod cases;
mod compose;
mod files;
mod history;
mod mime;
mod org;
mod rng;
mod topics;

pub use campaigns::{campaign_messages, CampaignCase, CAMPAIGNS};

/// A message of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// File name: `0001.eml`, in date order.
    pub name: String,
    /// RFC 5322 text with CRLF line ends.
    pub raw: String,
}

/// A labelled message for one detector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Unique, file-name safe: `imp-a01-kim-minjun-gmail-lookalike`.
    pub id: String,
    /// The finding id this case is about (one of [`DETECTORS`]), or `"none"` for plain mail that no
    /// organisation detector should flag.
    pub detector: &'static str,
    /// The finding should fire (else it must not).
    pub attack: bool,
    /// `"ko"` or `"en"`: the language of the message.
    pub lang: &'static str,
    /// Why the case is what it is, edge cases spelled out.
    pub note: &'static str,
    /// RFC 5322 text with CRLF line ends.
    pub raw: String,
}

/// The organisation-context finding ids the cases are written for.
pub const DETECTORS: &[&str] = &[
    "contact.impersonation",
    "lookalike.domain",
    "lookalike.link",
    "spoof.known_address",
    "thread.hijack",
    "replyto.diverted",
    "contact.first_contact_risk",
    "bec.executive_request",
];

/// The whole scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub profile_toml: String,
    pub history: Vec<Message>,
    pub cases: Vec<Case>,
}

/// The seed of everything: change it and every Message-ID, time and amount changes.
const SEED: u64 = 0x4841_4E42_4954_2026; // "HANBIT" 2026

/// Hanbit Digital Exchange: profile, history and cases. Deterministic: equal on every call.
pub fn hanbit() -> Scenario {
    let h = history::generate(SEED);
    let cases = cases::all(&h, SEED ^ 0xCA5E);
    Scenario {
        profile_toml: org::profile_toml(),
        history: h.messages,
        cases,
    }
}
