//! A campaign view as the export's input (`spearwatch-export`): STIX 2.1 and MISP.
//!
//! The analyst's attribution, when set, is the only actor exported (confirmed); otherwise the
//! hypotheses at or above [`MIN_EXPORTED_CONFIDENCE`] are, unconfirmed, with their reasons.

use crate::observables as k;
use crate::view::{AttachmentView, CampaignView};
use spearwatch_actors::Profiles;
use spearwatch_export as x;

/// Hypotheses weaker than this are not shared: a guess is not intelligence.
pub const MIN_EXPORTED_CONFIDENCE: u8 = 30;

fn file(a: &AttachmentView) -> x::File {
    x::File {
        name: a.name.clone(),
        sha256: a.sha256.clone(),
        sha1: a.sha1.clone(),
        md5: a.md5.clone(),
        size: a.size,
        mime: a.mime.clone(),
        children: a
            .children
            .iter()
            .filter(|c| !c.sha256.is_empty())
            .map(file)
            .collect(),
    }
}

/// What `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A STIX 2.1 bundle.
    Stix,
    /// A MISP event.
    Misp,
}

/// The campaign as the JSON text of `format` (the CLI's `export` and the API's `/export` write this).
pub fn render(
    v: &CampaignView,
    profiles: &Profiles,
    now: i64,
    format: Format,
    opts: &x::Options,
) -> String {
    let input = campaign(v, profiles, now);
    match format {
        Format::Stix => x::stix::bundle_text(&input, opts),
        Format::Misp => x::misp::event_text(&input, opts),
    }
}

/// The export input for `v`; `now` is the export's `modified` time.
pub fn campaign(v: &CampaignView, profiles: &Profiles, now: i64) -> x::Campaign {
    let messages: Vec<x::Message> = v
        .messages
        .iter()
        .map(|m| x::Message {
            key: format!("{}#{}", v.id, m.scan_id),
            message_id: m.message_id.clone(),
            date: Some(m.date),
            received_at: m.received_at,
            from: m.from.as_deref().map(bare_address),
            to: m.recipients.clone(),
            subject: m.subject.clone(),
            verdict: m.verdict.clone(),
            sender_ip: m.origin_ip.clone(),
            urls: m.urls.clone(),
            attachments: m
                .attachments
                .iter()
                .filter(|a| !a.sha256.is_empty())
                .map(file)
                .collect(),
        })
        .collect();
    let first_of = |pred: &dyn Fn(&crate::view::MemberView) -> bool| {
        v.messages
            .iter()
            .filter(|m| pred(m))
            .map(|m| m.date)
            .min()
            .unwrap_or(v.first_seen)
    };
    let mut indicators = Vec::new();
    for i in &v.indicators {
        let (kind, value) = match i.kind.as_str() {
            k::LINK_HOST | k::SENDER_DOMAIN => (x::IndicatorKind::Domain, i.value.clone()),
            k::URL => {
                // Stored URLs are look-up keys (no scheme): export the URL as the message had it.
                let full = v
                    .messages
                    .iter()
                    .flat_map(|m| &m.urls)
                    .find(|u| {
                        spearwatch_intel::normalise::url_key(u).as_deref() == Some(i.value.as_str())
                    })
                    .cloned()
                    .unwrap_or_else(|| format!("http://{}", i.value));
                (x::IndicatorKind::Url, full)
            }
            k::ORIGIN_IP if i.value.contains(':') => (x::IndicatorKind::Ipv6, i.value.clone()),
            k::ORIGIN_IP => (x::IndicatorKind::Ipv4, i.value.clone()),
            k::SENDER | k::REPLY_TO => (x::IndicatorKind::Email, i.value.clone()),
            k::SHA256 => (x::IndicatorKind::Sha256, i.value.clone()),
            // Payload fingerprints are spearwatch's own hashes: no STIX/MISP type means them.
            _ => continue,
        };
        let seen = first_of(&|m| match i.kind.as_str() {
            k::SHA256 => m.attachments.iter().any(|a| contains_hash(a, &i.value)),
            k::ORIGIN_IP => m.origin_ip.as_deref() == Some(i.value.as_str()),
            _ => true,
        });
        indicators.push(x::Indicator {
            kind,
            value,
            first_seen: seen,
            description: format!(
                "{} in {} of the campaign's {} messages",
                i.kind.replace('_', " "),
                i.messages,
                v.messages.len()
            ),
        });
    }
    let actors = match &v.analyst {
        Some(a) => {
            // The CLI stores "G0094 Kimsuky"; users may have written a name or an alias.
            let p = profiles.get(&a.actor).or_else(|| {
                a.actor
                    .split_whitespace()
                    .next()
                    .and_then(|id| profiles.get(id))
            });
            vec![x::ActorHypothesis {
                attack_id: p.map(|p| p.id.clone()).unwrap_or_default(),
                name: p.map(|p| p.name.clone()).unwrap_or_else(|| a.actor.clone()),
                aliases: p.map(|p| p.aliases.clone()).unwrap_or_default(),
                stix_id: p.and_then(|p| p.stix_id.clone()),
                confidence: 100,
                reasons: vec![format!(
                    "confirmed by an analyst{}",
                    a.note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                )],
                confirmed: true,
            }]
        }
        None => v
            .hypotheses
            .iter()
            .filter(|h| h.confidence >= MIN_EXPORTED_CONFIDENCE)
            .map(|h| {
                let p = profiles.get(&h.actor_id);
                x::ActorHypothesis {
                    attack_id: h.actor_id.clone(),
                    name: h.name.clone(),
                    aliases: p.map(|p| p.aliases.clone()).unwrap_or_default(),
                    stix_id: p.and_then(|p| p.stix_id.clone()),
                    confidence: h.confidence,
                    reasons: h.reasons.iter().map(|r| r.detail.clone()).collect(),
                    confirmed: false,
                }
            })
            .collect(),
    };
    x::Campaign {
        id: v.id.clone(),
        name: v.name.clone(),
        description: format!(
            "{} messages to {} recipients between {} and {}; {} variants of the subject; recorded by spearwatch",
            v.messages.len(),
            v.recipients.len(),
            spearwatch_intel::format_rfc3339(v.first_seen),
            spearwatch_intel::format_rfc3339(v.last_seen),
            v.subjects.len()
        ),
        first_seen: v.first_seen,
        last_seen: v.last_seen,
        created: v.created,
        modified: now.max(v.created),
        messages,
        techniques: v
            .techniques
            .iter()
            .map(|t| x::Technique {
                id: t.id.clone(),
                name: if t.name.is_empty() { t.id.clone() } else { t.name.clone() },
            })
            .collect(),
        actors,
        indicators,
        producer: "spearwatch".into(),
    }
}

fn contains_hash(a: &AttachmentView, h: &str) -> bool {
    a.sha256 == h || a.children.iter().any(|c| contains_hash(c, h))
}

/// `addr` from `"Name" <addr>`.
fn bare_address(from: &str) -> String {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].to_string(),
        _ => from.trim().to_string(),
    }
}
