//! Threat-intelligence indicators: imported from feeds, matched while scanning.
//!
//! Importers are sans-IO: text or bytes in, an [`Import`] out (the [`Indicator`]s and a count of
//! everything skipped, by reason; nothing is dropped silently). Three formats:
//!
//! | module | format |
//! |---|---|
//! | [`stix`] | STIX 2.0 / 2.1 bundles: `indicator` objects with simple `[type:prop = '...'] OR ...` patterns |
//! | [`misp`] | MISP events (`{"Event": ...}`, a bare event, a list of them, or a REST `{"response": [...]}`) |
//! | [`list`] | plain lists (maltrail trails, `samples.sha256`, OFAC address lists), one indicator a line |
//!
//! [`load`] picks the format by content. [`normalise`] holds the value normalisation and the per-line
//! kind inference that every importer and every look-up share, so that an indicator and what a message
//! shows meet in the same form.
//!
//! An [`IndicatorSet`] indexes indicators for hash look-ups (domains by each suffix of a host, IPs by
//! address and by network, URLs by path prefix, hashes, addresses, crypto addresses by token), and
//! [`IntelDetector`] raises `intel.indicator` when a message's senders, links, attachments or text
//! hit one.

pub mod detector;
pub mod list;
pub mod misp;
pub mod normalise;
pub mod set;
pub mod stix;
mod timestamp;
pub use timestamp::{format_rfc3339, parse_rfc3339};

pub use detector::IntelDetector;
pub use set::IndicatorSet;

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Largest indicator file accepted (JSON is parsed whole, so this bounds memory per file).
pub const MAX_FILE_BYTES: usize = 256 << 20;
/// Longest line a plain list may have; longer lines are skipped and counted.
pub const MAX_LINE_BYTES: usize = 64 << 10;
/// How many skipped items are kept as examples (with their line or object) in an [`Import`].
pub const MAX_EXAMPLES: usize = 20;

/// What an indicator's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Domain,
    Url,
    /// An IPv4 address or network (`10.0.0.0/8`).
    Ipv4,
    /// An IPv6 address or network.
    Ipv6,
    Email,
    Sha256,
    Sha1,
    Md5,
    /// A cryptocurrency address (Bitcoin base58/bech32, Ethereum, Tron, ...).
    CryptoAddress,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Domain,
        Kind::Url,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Email,
        Kind::Sha256,
        Kind::Sha1,
        Kind::Md5,
        Kind::CryptoAddress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Email => "email",
            Kind::Sha256 => "sha256",
            Kind::Sha1 => "sha1",
            Kind::Md5 => "md5",
            Kind::CryptoAddress => "crypto",
        }
    }

    /// File hashes: a match means the very file is known.
    pub fn is_file_hash(self) -> bool {
        matches!(self, Kind::Sha256 | Kind::Sha1 | Kind::Md5)
    }

    /// Infrastructure the attacker controls: domains, URLs, IPs, addresses.
    pub fn is_network(self) -> bool {
        matches!(
            self,
            Kind::Domain | Kind::Url | Kind::Ipv4 | Kind::Ipv6 | Kind::Email
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One known-bad value with what the feed said about it.
///
/// Strings shared by many indicators of one file (source, description, labels) are `Arc<str>`: a
/// 30,000-line trail carries one copy of its header, not 30,000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub kind: Kind,
    /// Normalised ([`normalise`]): lower-case domains without trailing dot; URLs with lower-case
    /// scheme and host, no fragment; lower-case hex hashes; IPs in canonical form, networks as
    /// `addr/len`; lower-case e-mail addresses; crypto addresses as written (base58 is
    /// case-sensitive) except lower-cased hex (0x...) and bech32.
    pub value: String,
    /// The file or feed it came from (a file stem, a STIX identity, a MISP org).
    pub source: Arc<str>,
    /// 0-100 when the feed says (STIX `confidence`, MISP tag `estimative-language` not mapped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<u8>,
    /// Unix seconds after which the feed no longer vouches for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<i64>,
    /// Whether the feed meant it for detection (MISP `to_ids`; true for STIX indicators and lists).
    pub to_ids: bool,
    /// Threat actors / intrusion sets it indicates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<Arc<str>>,
    /// Labels and tags (STIX labels and name, MISP tags and event info).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Arc<str>>,
}

impl Indicator {
    /// An indicator with only a kind, a (normalised) value and a source.
    pub fn new(kind: Kind, value: impl Into<String>, source: Arc<str>) -> Self {
        Indicator {
            kind,
            value: value.into(),
            source,
            confidence: None,
            valid_until: None,
            to_ids: true,
            actors: Vec::new(),
            labels: Vec::new(),
            description: None,
        }
    }

    /// `source` plus the actors, for evidence: `"apt_kimsuky"`, `"ESET (Lazarus Group)"`.
    pub fn attribution(&self) -> String {
        let mut s = self.source.to_string();
        if !self.actors.is_empty() {
            let names: Vec<&str> = self.actors.iter().map(|a| &**a).take(3).collect();
            s.push_str(&format!(" ({})", names.join(", ")));
        }
        s
    }
}

/// The result of one import: the indicators and what was skipped.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Import {
    pub indicators: Vec<Indicator>,
    /// Skipped lines, objects or pattern terms, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// The first [`MAX_EXAMPLES`] skipped items: `"line 12: path-only trail: /itsme.daum"`.
    pub examples: Vec<String>,
    /// What the input was: `"plain list"`, `"STIX 2.1 bundle"`, `"MISP event"`.
    pub format: &'static str,
}

impl Import {
    /// Counts one skipped item under `reason`, keeping the first few as examples.
    pub fn skip(&mut self, reason: &str, what: impl FnOnce() -> String) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(format!("{}: {reason}", what()));
        }
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// Indicators per kind, in [`Kind::ALL`] order, kinds with none left out.
    pub fn by_kind(&self) -> Vec<(Kind, usize)> {
        count_kinds(&self.indicators)
    }
}

pub(crate) fn count_kinds(indicators: &[Indicator]) -> Vec<(Kind, usize)> {
    let mut n = [0usize; 9];
    for i in indicators {
        if let Some(k) = Kind::ALL.iter().position(|k| *k == i.kind) {
            n[k] += 1;
        }
    }
    Kind::ALL
        .iter()
        .zip(n)
        .filter(|(_, c)| *c > 0)
        .map(|(k, c)| (*k, c))
        .collect()
}

/// Why a whole file could not be imported (a skipped line or object is not an error: see [`Import`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is larger than [`MAX_FILE_BYTES`].
    #[error("{size} bytes is more than the {max}-byte limit for an indicator file")]
    TooLarge { size: usize, max: usize },
    /// It starts like JSON but does not parse.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Valid JSON of a shape no importer knows (a MISP galaxy, a STIX object that is no bundle).
    #[error("JSON is neither a STIX bundle, a MISP event nor a list of indicator strings ({0})")]
    UnknownJson(String),
}

/// Imports one file, picking the format by content: JSON that is a STIX bundle, a MISP event (or a
/// list/response of them), or an array of indicator strings; anything else is a plain list. `source`
/// names the indicators of lists and of STIX objects without a creator (the file stem).
pub fn load(bytes: &[u8], source: &str) -> Result<Import, Error> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            size: bytes.len(),
            max: MAX_FILE_BYTES,
        });
    }
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    if matches!(first, Some(b'{') | Some(b'[')) {
        let v: serde_json::Value = serde_json::from_slice(strip_bom(bytes))?;
        return from_json(&v, source);
    }
    Ok(list::parse(&String::from_utf8_lossy(bytes), source))
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Imports parsed JSON: a STIX bundle, a MISP event in any of its wrappings, or an array of strings.
pub fn from_json(v: &serde_json::Value, source: &str) -> Result<Import, Error> {
    if v.get("type").and_then(|t| t.as_str()) == Some("bundle") {
        return Ok(stix::import(v, source));
    }
    if misp::is_misp(v) {
        return Ok(misp::import(v, source));
    }
    if let Some(a) = v.as_array() {
        if a.iter().all(|x| x.is_string()) {
            let text: Vec<&str> = a.iter().filter_map(|x| x.as_str()).collect();
            let mut imp = list::parse(&text.join("\n"), source);
            imp.format = "JSON list";
            return Ok(imp);
        }
    }
    let what = match v {
        serde_json::Value::Object(m) => {
            let keys: Vec<&str> = m.keys().map(String::as_str).take(6).collect();
            format!("object with keys {}", keys.join(", "))
        }
        serde_json::Value::Array(a) => format!("array of {} items", a.len()),
        _ => "scalar".to_string(),
    };
    Err(Error::UnknownJson(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_detects_formats() {
        let list = load(b"# x\nevil.example\n", "t").unwrap();
        assert_eq!(list.format, "plain list");
        assert_eq!(list.indicators.len(), 1);
        let arr = load(br#"["0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1"]"#, "eth").unwrap();
        assert_eq!(arr.indicators[0].kind, Kind::CryptoAddress);
        let bundle = load(br#"{"type":"bundle","id":"bundle--1","objects":[]}"#, "b").unwrap();
        assert!(bundle.format.starts_with("STIX"));
        let misp = load(br#"{"Event":{"info":"x","Attribute":[]}}"#, "m").unwrap();
        assert_eq!(misp.format, "MISP event");
        assert!(matches!(
            load(br#"{"values":[],"name":"Threat Actor"}"#, "g"),
            Err(Error::UnknownJson(_))
        ));
        assert!(matches!(load(b"{nope", "g"), Err(Error::Json(_))));
    }
}
