use crate::{Finding, Severity, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The default policy, compiled in. `policy.toml` at the crate root documents every key.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy.toml");

/// Score limits for each verdict: a total at or above a threshold earns that verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub suspicious: f32,
    pub phishing: f32,
    pub malicious: f32,
}

/// Scoring policy: weights per finding id, default weights per severity, verdict thresholds, and the
/// authentication servers whose `Authentication-Results` are believed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub thresholds: Thresholds,
    pub severity_weights: BTreeMap<Severity, f32>,
    /// Weight per finding id; ids not listed here weigh their severity's default.
    #[serde(default)]
    pub weights: BTreeMap<String, f32>,
    #[serde(default)]
    pub auth: AuthPolicy,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthPolicy {
    /// authserv-ids (RFC 8601 §2.5) of the receiving servers whose results are trusted, compared
    /// case-insensitively. Every other `Authentication-Results` header is untrusted.
    #[serde(default)]
    pub trusted_authserv_ids: Vec<String>,
}

/// A user's policy file: every part optional, laid over the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyOverride {
    thresholds: Option<ThresholdsOverride>,
    #[serde(default)]
    severity_weights: BTreeMap<Severity, f32>,
    #[serde(default)]
    weights: BTreeMap<String, f32>,
    auth: Option<AuthPolicy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsOverride {
    suspicious: Option<f32>,
    phishing: Option<f32>,
    malicious: Option<f32>,
}

/// A policy file that cannot be used. The message names the line and the key.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("policy is not valid TOML: {0}")]
    Syntax(#[from] toml::de::Error),
    #[error("policy is inconsistent: {0}")]
    Invalid(String),
}

/// The total and the verdict it earns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: f32,
    pub verdict: Verdict,
}

impl Default for Policy {
    fn default() -> Self {
        let p: Policy =
            toml::from_str(DEFAULT_POLICY_TOML).expect("compiled-in policy.toml is valid");
        p.validate().expect("compiled-in policy.toml is consistent");
        p
    }
}

impl Policy {
    /// The default policy with `toml` laid over it.
    pub fn from_override_toml(toml: &str) -> Result<Policy, PolicyError> {
        let o: PolicyOverride = toml::from_str(toml)?;
        let mut p = Policy::default();
        if let Some(t) = o.thresholds {
            p.thresholds.suspicious = t.suspicious.unwrap_or(p.thresholds.suspicious);
            p.thresholds.phishing = t.phishing.unwrap_or(p.thresholds.phishing);
            p.thresholds.malicious = t.malicious.unwrap_or(p.thresholds.malicious);
        }
        p.severity_weights.extend(o.severity_weights);
        p.weights.extend(o.weights);
        if let Some(a) = o.auth {
            p.auth = a;
        }
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let t = self.thresholds;
        if !(t.suspicious > 0.0 && t.suspicious <= t.phishing && t.phishing <= t.malicious) {
            return Err(PolicyError::Invalid(format!(
                "thresholds must satisfy 0 < suspicious <= phishing <= malicious (got {}, {}, {})",
                t.suspicious, t.phishing, t.malicious
            )));
        }
        for s in [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            if !self.severity_weights.contains_key(&s) {
                return Err(PolicyError::Invalid(format!(
                    "severity_weights has no weight for {s}"
                )));
            }
        }
        if let Some((id, w)) = self.weights.iter().find(|(_, w)| !w.is_finite()) {
            return Err(PolicyError::Invalid(format!(
                "weight of {id} is not a number: {w}"
            )));
        }
        Ok(())
    }

    /// Weight of one finding: the policy's weight for its id, else its severity's default.
    pub fn weight(&self, f: &Finding) -> f32 {
        self.weights
            .get(&f.id)
            .or_else(|| self.severity_weights.get(&f.severity))
            .copied()
            .unwrap_or(0.0)
    }

    /// Scores `findings` in place and returns the total and verdict.
    ///
    /// Each finding id counts once: a message with ten IP-literal links is not ten times worse than one
    /// with one, so repeats of an id keep score 0 and stay in the list as evidence. Negative weights
    /// (signals of legitimacy) are allowed, but the total never goes below 0.
    pub fn score(&self, findings: &mut [Finding]) -> Scored {
        let mut seen: HashSet<String> = HashSet::new();
        let mut total = 0.0f32;
        for f in findings.iter_mut() {
            let w = self.weight(f);
            f.score = if seen.insert(f.id.clone()) { w } else { 0.0 };
            total += f.score;
        }
        let score = total.max(0.0);
        let mut verdict = self.verdict(score);
        // "Malicious" means a payload or a known-bad indicator, not merely a very deceptive mail: it
        // takes at least one critical finding that the policy weighs.
        if verdict == Verdict::Malicious
            && !findings
                .iter()
                .any(|f| f.severity == Severity::Critical && f.score > 0.0)
        {
            verdict = Verdict::Phishing;
        }
        Scored { score, verdict }
    }

    /// The verdict a score earns by the thresholds alone (see [`Policy::score`] for the malicious rule).
    pub fn verdict(&self, score: f32) -> Verdict {
        let t = self.thresholds;
        if score >= t.malicious {
            Verdict::Malicious
        } else if score >= t.phishing {
            Verdict::Phishing
        } else if score >= t.suspicious {
            Verdict::Suspicious
        } else {
            Verdict::Clean
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, sev: Severity) -> Finding {
        Finding::new(id, sev, "t")
    }

    #[test]
    fn repeated_ids_count_once_and_malicious_needs_a_critical_finding() {
        let p = Policy::default();
        let mut v = vec![
            f("x.high", Severity::High),
            f("x.high", Severity::High),
            f("y.high", Severity::High),
            f("z.high", Severity::High),
            f("w.high", Severity::High),
        ];
        let s = p.score(&mut v);
        assert_eq!(v[1].score, 0.0);
        assert_eq!(s.score, 4.0 * p.severity_weights[&Severity::High]);
        assert_eq!(
            s.verdict,
            Verdict::Phishing,
            "no critical finding: capped at phishing"
        );
        v.push(f("payload", Severity::Critical));
        assert_eq!(p.score(&mut v).verdict, Verdict::Malicious);
    }

    #[test]
    fn overrides_lay_over_defaults_and_bad_files_say_why() {
        let p = Policy::from_override_toml(
            "[thresholds]\nphishing = 9.5\n[weights]\n\"sender.freemail\" = 2.0\n",
        )
        .unwrap();
        assert_eq!(p.thresholds.phishing, 9.5);
        assert_eq!(
            p.thresholds.suspicious,
            Policy::default().thresholds.suspicious
        );
        assert_eq!(p.weights["sender.freemail"], 2.0);
        let e = Policy::from_override_toml("[thresholds]\nphishng = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("phishng") && e.contains("line"), "{e}");
        let e = Policy::from_override_toml("[thresholds]\nsuspicious = 20\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("suspicious <= phishing"), "{e}");
    }
}
