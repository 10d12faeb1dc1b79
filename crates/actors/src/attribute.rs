//! Attribution: ranked, explained hypotheses about which actor is behind a campaign.
//!
//! The formula is documented in the crate docs ("Scoring"); the constants are here.

use crate::profiles::{parent, Usage};
use crate::{Actor, Profiles, Trait};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Technique contributions per actor are capped here, so that a long list of generic techniques
/// (and ATT&CK's much longer lists for the best-studied groups) cannot outweigh the traits.
pub const TECHNIQUE_CAP: f32 = 3.0;
/// A sub-technique of the evidence matched only through the actor's parent technique.
pub const PARENT_MATCH: f32 = 0.5;
/// Techniques that every phishing mail shows by construction (phishing, user execution,
/// impersonation, spoofing, masquerading, acquired domains and accounts) count at this fraction.
pub const DELIVERY_TECHNIQUE_FACTOR: f32 = 0.25;
/// Score of the first indicator source naming the actor.
pub const INDICATOR_FIRST: f32 = 16.0;
/// Score of each further source naming the actor, up to [`INDICATOR_SOURCES_MAX`] sources.
pub const INDICATOR_MORE: f32 = 8.0;
/// Sources beyond this many are listed as reasons but add nothing.
pub const INDICATOR_SOURCES_MAX: usize = 3;
/// Score at which confidence reaches 63% (1 - 1/e) of its ceiling.
pub const SCALE: f32 = 8.0;
/// Confidence ceiling when no reason is distinctive: only everyday-phishing traits
/// ([`Trait::distinctiveness`] 0.25) and delivery techniques.
pub const CEILING_GENERIC: f32 = 25.0;
/// Confidence ceiling with a distinctive reason but no indicator naming the actor.
pub const CEILING_BEHAVIOUR: f32 = 70.0;
/// Confidence ceiling with an indicator naming the actor.
pub const CEILING_INDICATOR: f32 = 100.0;
/// Actors scoring less are not reported.
pub const MIN_SCORE: f32 = 1.0;

/// What a campaign shows, as the attribution reads it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// ATT&CK technique ids from the findings (`T1566.001`).
    pub techniques: BTreeSet<String>,
    /// Traits, from [`crate::traits_from_findings`] and what the caller knows (language,
    /// recipient's country and business, phished brand).
    pub traits: BTreeSet<Trait>,
    /// Actors named by indicator sources: (actor name or alias as the source gives it, source).
    pub indicator_actors: Vec<(String, String)>,
}

/// Which part of the evidence a reason rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    Technique,
    Trait,
    Indicator,
}

/// One piece of evidence for a hypothesis and what it added to the score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// In words, with the numbers that produced `weight`.
    pub detail: String,
    /// Contribution to the hypothesis's score; the reasons' weights add up to the score.
    pub weight: f32,
}

/// "The campaign is actor X's", with how sure and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hypothesis {
    /// `G0094`.
    pub actor_id: String,
    /// `Kimsuky`.
    pub name: String,
    /// 0..=100: above 70 only with an indicator naming the actor, at most 25 when no reason is
    /// distinctive.
    pub confidence: u8,
    /// The sum of the reasons' weights.
    pub score: f32,
    /// Strongest first.
    pub reasons: Vec<Reason>,
}

/// `ln(1 + total / n)`: 0.69 for something all actors share, up to ln(1 + total) for one actor's.
fn specificity(total: usize, n: usize) -> f32 {
    if total == 0 || n == 0 {
        return 0.0;
    }
    (1.0 + total as f32 / n as f32).ln()
}

fn is_delivery_technique(id: &str) -> bool {
    matches!(
        parent(id),
        "T1566" | "T1598" | "T1204" | "T1656" | "T1672" | "T1036" | "T1583" | "T1585"
    )
}

fn normalise_technique(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

impl Profiles {
    /// Ranked hypotheses (highest confidence first) for the actors the evidence points at; actors
    /// scoring below [`MIN_SCORE`] are left out, so generic evidence gives few, low hypotheses.
    pub fn attribute(&self, evidence: &Evidence) -> Vec<Hypothesis> {
        let usage = Usage::of(self);
        let techniques: BTreeSet<String> = evidence
            .techniques
            .iter()
            .map(|t| normalise_technique(t))
            .filter(|t| !t.is_empty())
            .collect();
        let mut out: Vec<Hypothesis> = self
            .actors()
            .iter()
            .filter_map(|a| hypothesis(a, evidence, &techniques, &usage))
            .collect();
        out.sort_by(|a, b| {
            b.confidence
                .cmp(&a.confidence)
                .then(b.score.total_cmp(&a.score))
                .then(a.actor_id.cmp(&b.actor_id))
        });
        out
    }
}

fn hypothesis(
    actor: &Actor,
    evidence: &Evidence,
    techniques: &BTreeSet<String>,
    usage: &Usage,
) -> Option<Hypothesis> {
    let mut reasons = Vec::new();

    // Indicators: distinct sources naming the actor, in the order given.
    let mut sources: Vec<String> = Vec::new();
    for (named, source) in &evidence.indicator_actors {
        if !actor.is_named(named) {
            continue;
        }
        let source = match source.trim() {
            "" => "(unnamed)",
            s => s,
        };
        if sources.iter().any(|s| s.eq_ignore_ascii_case(source)) {
            continue;
        }
        let weight = match sources.len() {
            0 => INDICATOR_FIRST,
            n if n < INDICATOR_SOURCES_MAX => INDICATOR_MORE,
            _ => 0.0,
        };
        let extra = if weight == 0.0 {
            " (further source, not counted)"
        } else {
            ""
        };
        reasons.push(Reason {
            kind: ReasonKind::Indicator,
            detail: format!(
                "indicator source {source} '{}' matched {}{extra}",
                named.trim(),
                actor.name
            ),
            weight,
        });
        sources.push(source.to_string());
    }
    let indicated = !sources.is_empty();

    // Whether any reason says more than "phishing": a trait above the everyday level or a
    // technique outside delivery.
    let mut distinctive = false;

    // Traits: weight x specificity among the actors x distinctiveness.
    for t in &evidence.traits {
        let Some(&w) = actor.traits.get(t) else {
            continue;
        };
        let n = usage.trait_count.get(t).copied().unwrap_or(0);
        let spec = specificity(usage.trait_actors, n);
        let dist = t.distinctiveness();
        let weight = w * spec * dist;
        if weight <= 0.0 {
            continue;
        }
        distinctive |= dist > 0.25;
        reasons.push(Reason {
            kind: ReasonKind::Trait,
            detail: format!(
                "trait {t} (weight {} x specificity {spec:.2}, {n} of {} actors x distinctiveness {dist}): {}",
                fmt_num(w),
                usage.trait_actors,
                t.describe()
            ),
            weight,
        });
    }

    // Techniques: specificity among the actors, a quarter for delivery techniques, half through a
    // parent, capped in total.
    let mut tech = Vec::new();
    for id in techniques {
        let (listed, n, factor, how) = if let Some(t) = actor.technique(id) {
            let via = t
                .campaign
                .as_deref()
                .map(|c| format!(" (via campaign {c})"))
                .unwrap_or_default();
            (
                format!("{id} {}", t.name),
                usage.technique_count.get(id.as_str()).copied().unwrap_or(0),
                1.0,
                format!("in {}'s ATT&CK techniques{via}", actor.name),
            )
        } else if parent(id) == id {
            // A parent in the evidence matches any of the actor's sub-techniques.
            let Some(sub) = actor.techniques.iter().find(|t| parent(&t.id) == id) else {
                continue;
            };
            (
                id.clone(),
                usage.technique_count.get(id.as_str()).copied().unwrap_or(0),
                1.0,
                format!(
                    "{}'s ATT&CK techniques include {} {}",
                    actor.name, sub.id, sub.name
                ),
            )
        } else if let Some(p) = actor.technique(parent(id)) {
            (
                id.clone(),
                usage
                    .technique_count
                    .get(p.id.as_str())
                    .copied()
                    .unwrap_or(0),
                PARENT_MATCH,
                format!(
                    "parent {} {} in {}'s ATT&CK techniques (half weight)",
                    p.id, p.name, actor.name
                ),
            )
        } else {
            continue;
        };
        let spec = specificity(usage.technique_actors, n);
        let delivery = if is_delivery_technique(id) {
            DELIVERY_TECHNIQUE_FACTOR
        } else {
            1.0
        };
        let weight = spec * delivery * factor;
        if weight <= 0.0 {
            continue;
        }
        distinctive |= delivery == 1.0;
        let delivery_note = if delivery < 1.0 {
            format!(" x delivery {delivery}")
        } else {
            String::new()
        };
        tech.push(Reason {
            kind: ReasonKind::Technique,
            detail: format!(
                "{listed}: {how}; used by {n} of {} actors, specificity {spec:.2}{delivery_note}",
                usage.technique_actors
            ),
            weight,
        });
    }
    let tech_sum: f32 = tech.iter().map(|r| r.weight).sum();
    if tech_sum > TECHNIQUE_CAP {
        let k = TECHNIQUE_CAP / tech_sum;
        for r in &mut tech {
            r.weight *= k;
            r.detail.push_str(&format!(
                " (scaled by {k:.2} to the technique cap {TECHNIQUE_CAP})"
            ));
        }
    }
    reasons.extend(tech);

    let score: f32 = reasons.iter().map(|r| r.weight).sum();
    if score < MIN_SCORE {
        return None;
    }
    reasons.sort_by(|a, b| {
        b.kind
            .cmp(&a.kind)
            .then(b.weight.total_cmp(&a.weight))
            .then(a.detail.cmp(&b.detail))
    });
    let ceiling = if indicated {
        CEILING_INDICATOR
    } else if distinctive {
        CEILING_BEHAVIOUR
    } else {
        CEILING_GENERIC
    };
    let confidence = (ceiling * (1.0 - (-score / SCALE).exp()))
        .round()
        .clamp(0.0, ceiling) as u8;
    Some(Hypothesis {
        actor_id: actor.id.clone(),
        name: actor.name.clone(),
        confidence,
        score,
        reasons,
    })
}

/// `3` rather than `3.0`, `2.5` as is.
fn fmt_num(x: f32) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}
