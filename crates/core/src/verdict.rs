use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// The outcome of a scan, in rising order of badness.
///
/// `Phishing` and `Malicious` are "flagged": a gateway quarantines or rejects them by default.
/// `Malicious` is kept for messages carrying an active payload or a known-bad indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Clean,
    Suspicious,
    Phishing,
    Malicious,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Clean,
        Verdict::Suspicious,
        Verdict::Phishing,
        Verdict::Malicious,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Suspicious => "suspicious",
            Verdict::Phishing => "phishing",
            Verdict::Malicious => "malicious",
        }
    }

    /// Phishing or malicious: what a gateway acts on.
    pub fn is_flagged(self) -> bool {
        self >= Verdict::Phishing
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown verdict {s:?} (expected clean, suspicious, phishing or malicious)")
            })
    }
}
