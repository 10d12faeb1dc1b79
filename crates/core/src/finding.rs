use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is on its own, before the policy weighs it.
///
/// The policy gives every severity a default weight; a finding id named in the policy overrides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context for an analyst; scores nothing by default.
    Info,
    /// Weak signal; common in legitimate mail too.
    Low,
    /// A signal that legitimate mail rarely shows.
    Medium,
    /// Strong sign of deception or of a weaponised message.
    High,
    /// Active content or a known-bad payload.
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a piece of evidence was found. Serialised as `{"kind": "header", "name": "Reply-To"}` and so on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A header field of the message (or of a nested message, `part` set).
    Header {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        part: Option<usize>,
    },
    /// Body text of a MIME part (index into the message's part list).
    Body { part: usize },
    /// A URL found in the message.
    Url { url: String },
    /// An attachment, by part index and file name.
    Attachment { part: usize, name: String },
    /// The MIME structure of the message as a whole.
    Structure,
}

/// One piece of evidence: where it was seen, and the value that was seen there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(flatten)]
    pub source: Source,
    /// The value as seen (a header value, a URL host, a matched phrase). Truncated to a readable length.
    pub value: String,
    /// A short explanation of what the value means here, when the title does not say it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// Longest evidence value kept; hostile input may carry megabyte headers.
const MAX_VALUE_CHARS: usize = 300;

impl Evidence {
    pub fn new(source: Source, value: impl AsRef<str>) -> Self {
        Evidence {
            source,
            value: truncate_str(value.as_ref(), MAX_VALUE_CHARS),
            note: None,
        }
    }

    pub fn header(name: impl Into<String>, value: impl AsRef<str>) -> Self {
        Self::new(
            Source::Header {
                name: name.into(),
                part: None,
            },
            value,
        )
    }

    pub fn url(url: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        Self::new(
            Source::Url {
                url: truncate_str(url.as_ref(), MAX_VALUE_CHARS),
            },
            value,
        )
    }

    pub fn body(part: usize, value: impl AsRef<str>) -> Self {
        Self::new(Source::Body { part }, value)
    }

    pub fn structure(value: impl AsRef<str>) -> Self {
        Self::new(Source::Structure, value)
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// Cut `s` to at most `max` characters on a char boundary, marking the cut with an ellipsis.
pub fn truncate_str(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

/// What a detector saw, why it matters, and how much it weighs in the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable identifier, `area.name` (`links.ip_literal`). Policies and dashboards key on it; it never
    /// changes meaning once released.
    pub id: String,
    /// One sentence for an analyst, specific to this message.
    pub title: String,
    pub severity: Severity,
    /// Weight given by the policy (0 until the policy has scored the finding).
    pub score: f32,
    /// MITRE ATT&CK technique ids (`T1566.001`).
    pub techniques: Vec<String>,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    pub fn new(id: &str, severity: Severity, title: impl Into<String>) -> Self {
        Finding {
            id: id.to_string(),
            title: title.into(),
            severity,
            score: 0.0,
            techniques: Vec::new(),
            evidence: Vec::new(),
        }
    }

    pub fn technique(mut self, id: &str) -> Self {
        if !self.techniques.iter().any(|t| t == id) {
            self.techniques.push(id.to_string());
        }
        self
    }

    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate_str("세금계산서", 2), "세금…");
        assert_eq!(truncate_str("abc", 3), "abc");
    }

    #[test]
    fn evidence_serialises_flat() {
        let e = Evidence::header("Reply-To", "x@evil.example").with_note("differs from From");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "header");
        assert_eq!(v["name"], "Reply-To");
        assert_eq!(v["value"], "x@evil.example");
        assert_eq!(v["note"], "differs from From");
        assert!(v.get("part").is_none());
    }
}
