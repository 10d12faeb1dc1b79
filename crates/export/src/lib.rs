//! Campaign export: one [`Campaign`] as a STIX 2.1 bundle ([`stix`]) or a MISP event ([`misp`]).
//!
//! Sans-IO: a campaign value in, a `serde_json::Value` (or its text) out. The caller (store, CLI,
//! server) gathers the campaign; this crate only maps it onto the two exchange formats.
//!
//! **Deterministic.** The same campaign gives byte-identical text: every id is derived from a
//! namespace and stable keys (the campaign id, message keys, indicator values; see [`id`]), every
//! timestamp comes from the input (never the clock), and the text writers ([`json`]) sort object
//! keys themselves, so the output does not depend on whether some other crate in the build turns on
//! serde_json's `preserve_order`.
//!
//! | module | produces |
//! |---|---|
//! | [`stix`] | STIX 2.1 bundle: identity, campaign, intrusion-sets, attack-patterns, indicators, observed-data with SCOs, relationships, a sighting |
//! | [`misp`] | MISP event (`{"Event": ...}`): indicator attributes, email and file objects, attribution, galaxy tags |
//!
//! Both are checked against the official validators (stix2-validator, PyMISP) by `tests/validate.rs`
//! when `SPEARWATCH_VALIDATORS=1` (see `.ci/validate-export`).

pub mod id;
pub mod json;
pub mod misp;
pub mod stix;
mod time;

use serde::{Deserialize, Serialize};

/// One campaign as the store and the attribution step know it. All fields are owned so a caller can
/// build it from any source and serialise it as the export's input record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Stable campaign id (`C-7f3a2b1c`); every derived id hangs off it.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Unix seconds.
    pub first_seen: i64,
    pub last_seen: i64,
    pub created: i64,
    pub modified: i64,
    pub messages: Vec<Message>,
    pub techniques: Vec<Technique>,
    pub actors: Vec<ActorHypothesis>,
    pub indicators: Vec<Indicator>,
    /// Name of the producing system (`spearwatch`): the STIX identity and the MISP creator org.
    pub producer: String,
}

/// One message of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Stable id of the stored scan (not the Message-ID, which senders choose).
    pub key: String,
    pub message_id: Option<String>,
    /// The `Date:` header (sender's claim), Unix seconds.
    pub date: Option<i64>,
    /// When spearwatch received it, Unix seconds.
    pub received_at: i64,
    /// Bare address (`a@b.example`), no display name.
    pub from: Option<String>,
    pub to: Vec<String>,
    pub subject: Option<String>,
    /// Scan verdict (`phishing`, `malicious`, ...).
    pub verdict: String,
    pub sender_ip: Option<String>,
    pub urls: Vec<String>,
    pub attachments: Vec<File>,
}

/// An attachment or a member of one (archive entry, embedded object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub name: Option<String>,
    /// Hex SHA-256 (case is normalised on export).
    pub sha256: String,
    /// Hex SHA-1 and MD5, empty when unknown: partners still match samples by these.
    #[serde(default)]
    pub sha1: String,
    #[serde(default)]
    pub md5: String,
    pub size: u64,
    pub mime: Option<String>,
    pub children: Vec<File>,
}

/// An ATT&CK technique the campaign uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Technique {
    /// `T1566.001`
    pub id: String,
    /// `Spearphishing Attachment`
    pub name: String,
}

/// One attribution hypothesis with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorHypothesis {
    /// ATT&CK group id, `G0094`.
    pub attack_id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// The ATT&CK intrusion-set's STIX id (`intrusion-set--<uuid>`), when known.
    pub stix_id: Option<String>,
    /// 0..=100 (values above 100 are exported as 100).
    pub confidence: u8,
    pub reasons: Vec<String>,
    /// An analyst confirmed the attribution.
    pub confirmed: bool,
}

/// An indicator the campaign yields, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    pub value: String,
    /// Unix seconds; STIX `valid_from`, MISP `first_seen`.
    pub first_seen: i64,
    /// Why it is an indicator: `link host in 3 messages`.
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum IndicatorKind {
    Domain,
    Url,
    Ipv4,
    Ipv6,
    Email,
    Sha256,
    Md5,
    Sha1,
}

/// Traffic Light Protocol level of the export (STIX 2.1 §7.2.1.4 predefined TLP markings; MISP
/// `tlp:` taxonomy tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tlp {
    White,
    Green,
    #[default]
    Amber,
    Red,
}

/// Export options; `Options::default()` is TLP:AMBER.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Options {
    pub tlp: Tlp,
}
