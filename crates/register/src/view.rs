//! A campaign as an analyst reads it: messages and recipients over time, variants, techniques, the
//! indicators its messages share, why each message is in it, the timeline, and the actor hypotheses
//! with their reasons (or the analyst's attribution, which overrides them).

use crate::observables as k;
use crate::policy::LinkPolicy;
use serde::Serialize;
use spearwatch_actors::{
    phished_brand_trait, traits_from_findings, Evidence, Hypothesis, Profiles, Trait,
};
use spearwatch_store::{CampaignEvent, CampaignLink, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub scan_id: i64,
    /// The message's Date, else when it was recorded.
    pub date: i64,
    pub received_at: i64,
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub verdict: String,
    pub score: f32,
    pub recipients: Vec<String>,
    pub attachments: Vec<AttachmentView>,
    pub urls: Vec<String>,
    pub origin_ip: Option<String>,
    pub findings: Vec<String>,
    pub techniques: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub name: Option<String>,
    pub sha256: String,
    /// Empty in reports recorded before SHA-1/MD5 were computed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha1: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub md5: String,
    pub size: u64,
    pub mime: Option<String>,
    pub children: Vec<AttachmentView>,
}

/// A value the campaign's messages carried, attacker-controlled by the linking policy.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    /// Observable kind (`link_host`, `sha256`, ...).
    pub kind: String,
    pub value: String,
    /// Messages of the campaign carrying it.
    pub messages: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TechniqueView {
    pub id: String,
    pub name: String,
    pub messages: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Analyst {
    pub actor: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub created: i64,
    pub first_seen: i64,
    pub last_seen: i64,
    pub messages: Vec<MemberView>,
    pub recipients: Vec<String>,
    /// Distinct subjects, senders and attachment names: the variants of the lure.
    pub subjects: Vec<String>,
    pub senders: Vec<String>,
    pub attachment_names: Vec<String>,
    pub techniques: Vec<TechniqueView>,
    pub indicators: Vec<IndicatorView>,
    pub links: Vec<CampaignLink>,
    pub timeline: Vec<CampaignEvent>,
    /// Traits the attribution read (for the record).
    pub traits: Vec<String>,
    pub hypotheses: Vec<Hypothesis>,
    pub analyst: Option<Analyst>,
}

/// Observable kinds listed as the campaign's indicators.
const INDICATOR_KINDS: &[&str] = &[
    k::SENDER,
    k::SENDER_DOMAIN,
    k::REPLY_TO,
    k::ORIGIN_IP,
    k::LINK_HOST,
    k::URL,
    k::SHA256,
    k::FINGERPRINT,
    k::CRYPTO,
];

fn str_field(v: &serde_json::Value, key: &str) -> String {
    v.get(key)
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_string()
}

fn attachment_views(v: &serde_json::Value) -> Vec<AttachmentView> {
    let Some(list) = v.as_array() else {
        return Vec::new();
    };
    list.iter()
        .map(|a| AttachmentView {
            name: a.get("name").and_then(|n| n.as_str()).map(str::to_string),
            sha256: str_field(a, "sha256"),
            sha1: str_field(a, "sha1"),
            md5: str_field(a, "md5"),
            size: a
                .get("size")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0),
            mime: a
                .get("declared_type")
                .and_then(|n| n.as_str())
                .map(str::to_string),
            children: attachment_views(a.get("children").unwrap_or(&serde_json::Value::Null)),
        })
        .collect()
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Actor names a hunt hit's source or an `intel.indicator` note gives: "ESET (Lazarus Group)",
/// "... from apt_kimsuky; actor Kimsuky; ...".
fn named_actors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((src, rest)) = text.split_once(" (") {
        out.push(src.trim().to_string());
        out.extend(rest.trim_end_matches(')').split(", ").map(str::to_string));
    } else if !text.contains(' ') {
        out.push(text.to_string());
    }
    for part in text.split("; ") {
        if let Some(a) = part.strip_prefix("actor ") {
            out.extend(a.split(", ").map(str::to_string));
        }
        if let Some(i) = part.find(" from ") {
            out.push(part[i + 6..].trim().to_string());
        }
    }
    out
}

fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
}

/// Builds the view; `None` when there is no such campaign. `extra_traits` are what the caller knows
/// of the targets (a crypto exchange, in Korea).
pub fn campaign_view(
    store: &Store,
    id: &str,
    profiles: &Profiles,
    extra_traits: &[Trait],
) -> Result<Option<CampaignView>, StoreError> {
    let Some(row) = store.campaign(id)? else {
        return Ok(None);
    };
    let id = row.id.clone();
    let policy = LinkPolicy::default();
    let mut messages = Vec::new();
    let mut recipients = BTreeSet::new();
    let (mut subjects, mut senders, mut names) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut technique_count: BTreeMap<String, usize> = BTreeMap::new();
    let mut indicator_count: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut finding_ids: BTreeSet<String> = BTreeSet::new();
    let mut actor_names: Vec<(String, String)> = Vec::new();
    let mut traits: BTreeSet<Trait> = extra_traits.iter().copied().collect();
    let (mut korean, mut latin) = (false, false);
    for m in store.campaign_members(&id)? {
        let report: serde_json::Value = serde_json::from_str(&m.scan.report).unwrap_or_default();
        let obs = store.observables_of(m.scan.id)?;
        let rcpts: Vec<String> = obs
            .iter()
            .filter(|(kk, _)| kk == k::RECIPIENT)
            .map(|(_, v)| v.clone())
            .collect();
        recipients.extend(rcpts.iter().cloned());
        let obs = crate::observables::Observables {
            pairs: obs.into_iter().collect(),
        };
        for (kk, v) in policy.linkable_pairs(&obs) {
            if INDICATOR_KINDS.contains(&kk.as_str()) {
                *indicator_count.entry((kk.clone(), v.clone())).or_default() += 1;
            }
        }
        for (kk, v) in &obs.pairs {
            if kk == k::LINK_HOST || kk == k::SENDER_DOMAIN {
                if let Some(t) = phished_brand_trait(v) {
                    traits.insert(t);
                }
            }
        }
        let techniques = strings(report.get("techniques"));
        for t in &techniques {
            *technique_count.entry(t.clone()).or_default() += 1;
        }
        let mut ids = Vec::new();
        if let Some(fs) = report.get("findings").and_then(|f| f.as_array()) {
            for f in fs {
                let fid = f.get("id").and_then(|x| x.as_str()).unwrap_or_default();
                ids.push(fid.to_string());
                if fid == "intel.indicator" {
                    for e in f
                        .get("evidence")
                        .and_then(|e| e.as_array())
                        .into_iter()
                        .flatten()
                    {
                        if let Some(note) = e.get("note").and_then(|n| n.as_str()) {
                            for a in named_actors(note) {
                                actor_names.push((a, "intel.indicator".into()));
                            }
                        }
                    }
                }
            }
        }
        for h in store.hunt_hits_of(m.scan.id)? {
            for a in named_actors(&h.source) {
                actor_names.push((a, h.source.clone()));
            }
            ids.push(if h.kind == "yara" {
                format!("yara.{}", h.value)
            } else {
                "intel.indicator".into()
            });
        }
        finding_ids.extend(ids.iter().cloned());
        if let Some(s) = &m.scan.subject {
            subjects.insert(s.clone());
            if has_hangul(s) {
                korean = true;
            } else if s.chars().any(|c| c.is_ascii_alphabetic()) {
                latin = true;
            }
        }
        if let Some(s) = &m.scan.sender {
            senders.insert(s.clone());
        }
        let attachments = attachment_views(
            report
                .get("attachments")
                .unwrap_or(&serde_json::Value::Null),
        );
        for a in &attachments {
            if let Some(n) = &a.name {
                names.insert(n.clone());
            }
        }
        let urls = report
            .get("urls")
            .and_then(|u| u.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|u| u.get("url")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        messages.push(MemberView {
            scan_id: m.scan.id,
            date: m.date.unwrap_or(m.scan.received_at),
            received_at: m.scan.received_at,
            message_id: m.scan.message_id.clone(),
            from: report
                .get("from")
                .and_then(|f| f.as_str())
                .map(str::to_string),
            subject: m.scan.subject.clone(),
            verdict: m.scan.verdict.clone(),
            score: m.scan.score,
            recipients: rcpts,
            attachments,
            urls,
            origin_ip: obs.values(k::ORIGIN_IP).next().map(str::to_string),
            findings: ids,
            techniques,
        });
    }
    let idrefs: Vec<&str> = finding_ids.iter().map(String::as_str).collect();
    traits.extend(traits_from_findings(&idrefs));
    if korean {
        traits.insert(Trait::KoreanLanguage);
    }
    if latin {
        traits.insert(Trait::EnglishLanguage);
    }
    let evidence = Evidence {
        techniques: technique_count.keys().cloned().collect(),
        traits: traits.clone(),
        indicator_actors: actor_names,
    };
    let hypotheses = profiles.attribute(&evidence);
    let techniques = technique_count
        .into_iter()
        .map(|(id, messages)| TechniqueView {
            name: spearwatch_core::technique::name(&id)
                .unwrap_or("")
                .to_string(),
            id,
            messages,
        })
        .collect();
    let mut indicators: Vec<IndicatorView> = Vec::new();
    for ((kind, value), n) in indicator_count {
        // A value seen in clean mail is shared with legitimate senders: not the attacker's.
        if store.is_clean_value(&kind, &value)? {
            continue;
        }
        indicators.push(IndicatorView {
            kind,
            value,
            messages: n,
        });
    }
    indicators.sort_by(|a, b| {
        b.messages
            .cmp(&a.messages)
            .then(a.kind.cmp(&b.kind))
            .then(a.value.cmp(&b.value))
    });
    Ok(Some(CampaignView {
        id: id.clone(),
        name: row.name,
        created: row.created,
        first_seen: row.first_seen,
        last_seen: row.last_seen,
        messages,
        recipients: recipients.into_iter().collect(),
        subjects: subjects.into_iter().collect(),
        senders: senders.into_iter().collect(),
        attachment_names: names.into_iter().collect(),
        techniques,
        indicators,
        links: store.campaign_links(&id)?,
        timeline: store.campaign_events(&id)?,
        traits: traits.iter().map(|t| t.as_str().to_string()).collect(),
        hypotheses,
        analyst: row.actor.map(|actor| Analyst {
            actor,
            note: row.actor_note,
        }),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_names_come_from_sources_and_notes() {
        assert_eq!(
            named_actors("ESET (Lazarus Group, Andariel)"),
            ["ESET", "Lazarus Group", "Andariel"]
        );
        assert_eq!(named_actors("apt_kimsuky"), ["apt_kimsuky"]);
        let n = named_actors(
            "domain indicator x.example from apt_kimsuky; actor Kimsuky; confidence 80",
        );
        assert!(
            n.contains(&"Kimsuky".to_string()) && n.contains(&"apt_kimsuky".to_string()),
            "{n:?}"
        );
    }
}
