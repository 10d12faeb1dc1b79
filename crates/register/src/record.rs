//! Recording a scan and placing it in a campaign.
//!
//! Clustering is incremental and single-link: a flagged message joins the campaign of any earlier
//! flagged message it shares a strong observable with ([`LinkPolicy::links`]) or whose text it nearly
//! duplicates; when it links to several campaigns they merge into the oldest, and the merge is
//! recorded with the values that caused it. A message that links to nothing starts its own campaign.
//! Every decision is stored as links (this message, that message, the shared value) and timeline
//! events, which is what `spearwatch campaigns show` prints.

use crate::blob::{BlobError, BlobStore};
use crate::minhash::Signature;
use crate::observables::{self as k, Observables};
use crate::policy::{is_medium, sender_freemail, LinkPolicy};
use sha2::{Digest, Sha256};
use spearwatch_detect::domains::registrable;
use spearwatch_engine::Report;
use spearwatch_message::Mail;
use spearwatch_store::{CampaignLink, ScanExtra, ScanRecord, Store, StoreError};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
}

/// Where and how a message arrived.
#[derive(Debug, Clone, Default)]
pub struct Arrival {
    pub received_at: i64,
    /// "milter", "api", "scan".
    pub source: String,
    pub queue_id: Option<String>,
    pub action: String,
    pub quarantine: Option<String>,
    /// The blob key when the caller stored the raw message already (in parallel, off the recording
    /// thread); otherwise the register stores it.
    pub blob: Option<String>,
}

/// What happened to a message's campaign membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignChange {
    /// Not clustered (its verdict is below the policy's).
    None,
    Created(String),
    Joined(String),
    /// Joined `into`, which absorbed `from`.
    Merged {
        into: String,
        from: Vec<String>,
    },
}

impl CampaignChange {
    pub fn campaign(&self) -> Option<&str> {
        match self {
            CampaignChange::None => None,
            CampaignChange::Created(c) | CampaignChange::Joined(c) => Some(c),
            CampaignChange::Merged { into, .. } => Some(into),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub scan_id: i64,
    pub campaign: CampaignChange,
    /// The same raw message was recorded before (as `scan_id`); nothing was added.
    pub duplicate: bool,
}

/// The register over a store (and optionally a blob store for raw messages).
pub struct Register<'a> {
    pub store: &'a Store,
    pub blobs: Option<&'a BlobStore>,
    pub policy: &'a LinkPolicy,
}

/// A candidate link from the new message to an earlier flagged one.
struct Candidate {
    other: i64,
    campaign: String,
    kind: String,
    value: String,
    detail: String,
    /// Estimated Jaccard similarity for a near-duplicate text link, 0 otherwise.
    similarity: f32,
    /// A medium link: joins, never merges ([`is_medium`]).
    medium: bool,
}

fn short(v: &str) -> String {
    if v.chars().count() > 80 {
        let s: String = v.chars().take(77).collect();
        format!("{s}...")
    } else {
        v.to_string()
    }
}

/// A new campaign's id: "C-" and 8 hex digits of the founding message's key (longer on collision),
/// so recording the same mail in the same order gives the same ids.
fn campaign_id(store: &Store, seed: &str) -> Result<String, StoreError> {
    let h = hex::encode(Sha256::digest(seed.as_bytes()));
    for len in [8, 12, 16, 24, 64] {
        let id = format!("C-{}", &h[..len]);
        if store.resolve_campaign(&id)?.is_none() {
            return Ok(id);
        }
    }
    Ok(format!("C-{h}-{}", store.list_campaigns(0)?.len()))
}

fn campaign_name(mail: &Mail, report: &Report) -> String {
    let lure = report
        .findings
        .iter()
        .find(|f| f.id.starts_with("lure."))
        .map(|f| f.id.trim_start_matches("lure.").replace('_', " "));
    let subject = mail
        .subject
        .as_deref()
        .map(short)
        .unwrap_or_else(|| "(no subject)".into());
    match lure {
        Some(l) => format!("{l}: {subject}"),
        None => subject,
    }
}

impl Register<'_> {
    /// Records a scanned message: the scan row, its observables, the raw bytes in the blob store and,
    /// for a flagged verdict, its campaign.
    pub fn record(
        &self,
        raw: &[u8],
        report: &Report,
        mail: &Mail,
        arrival: &Arrival,
    ) -> Result<Recorded, RegisterError> {
        // The same bytes scanned again (a re-run over a folder, a message fed twice) are one
        // message: a second row would count it twice in its campaign.
        let key = k::message_key(raw);
        if let Some(scan_id) = self.store.scan_by_key(&key)? {
            return Ok(Recorded {
                scan_id,
                campaign: CampaignChange::None,
                duplicate: true,
            });
        }
        let verdict = report.verdict.to_string();
        let founds = self.policy.clusters(&verdict);
        let flagged = founds || self.policy.joins(&verdict);
        let obs = k::extract(report, mail);
        let signature = flagged.then(|| Signature::of(&k::text_of(mail))).flatten();
        let pairs = obs.to_vec();
        let blob = match (&arrival.blob, self.blobs) {
            (Some(k), _) => Some(k.clone()),
            (None, Some(b)) => Some(b.put(raw)?),
            (None, None) => None,
        };
        let rec = ScanRecord {
            id: 0,
            received_at: arrival.received_at,
            source: arrival.source.clone(),
            queue_id: arrival.queue_id.clone(),
            message_id: report.message_id.clone(),
            sender: mail.from.first().and_then(|m| m.address.clone()),
            subject: report.subject.clone(),
            verdict: verdict.clone(),
            score: report.score,
            action: arrival.action.clone(),
            quarantine: arrival.quarantine.clone(),
            report: serde_json::to_string(report).unwrap_or_default(),
        };
        let extra = ScanExtra {
            message_key: Some(key),
            date: mail.date,
            blob,
            signature: signature.as_ref().map(Signature::to_bytes),
            observables: pairs,
        };
        let scan_id = self.store.record_registered(&rec, &extra)?;
        if verdict == "clean" {
            // What clean mail carries is shared with legitimate senders: it never links campaigns.
            let pairs: Vec<(String, String)> = self.policy.linkable_pairs(&obs).cloned().collect();
            self.store.add_clean_values(&pairs)?;
        }
        let campaign = if flagged {
            let seen = mail.date.unwrap_or(arrival.received_at);
            let name = campaign_name(mail, report);
            let seed = extra.message_key.clone().unwrap_or_default();
            self.cluster(
                scan_id,
                &obs,
                signature.as_ref(),
                seen,
                arrival.received_at,
                &name,
                &seed,
                founds,
            )?
        } else {
            CampaignChange::None
        };
        Ok(Recorded {
            scan_id,
            campaign,
            duplicate: false,
        })
    }

    /// Places a stored scan into a campaign (after recording, or when a retro-hunt flags an old one);
    /// with `may_found` false it only joins one it links to.
    #[allow(clippy::too_many_arguments)]
    pub fn cluster(
        &self,
        scan_id: i64,
        obs: &Observables,
        signature: Option<&Signature>,
        seen: i64,
        now: i64,
        name: &str,
        seed: &str,
        may_found: bool,
    ) -> Result<CampaignChange, RegisterError> {
        let sender_freemail = sender_freemail(obs);
        let mut cands: Vec<Candidate> = Vec::new();
        let mut linkable = Vec::new();
        // The victim's own address or domain in From is a spoof of the victim, not the attacker's
        // identity: every self-addressed phish would otherwise be one campaign.
        let rcpt: Vec<&str> = obs.values(k::RECIPIENT).collect();
        // A look-alike sender domain is the attacker's registration: its links are strong.
        let owned_sender = obs.values(k::SENDER_LOOKALIKE).next().is_some();
        let rcpt_domains: Vec<String> = rcpt
            .iter()
            .filter_map(|a| a.rsplit_once('@'))
            .map(|(_, d)| registrable(d).unwrap_or_else(|| d.to_string()))
            .collect();
        for (kind, value) in &obs.pairs {
            let Some(why) = self.policy.links(kind, value, sender_freemail) else {
                continue;
            };
            if (kind == k::SENDER && rcpt.contains(&value.as_str()))
                || (kind == k::SENDER_DOMAIN && rcpt_domains.iter().any(|d| d == value))
            {
                continue;
            }
            // A value in mail judged clean is shared with legitimate senders: not the attacker's.
            if self.store.is_clean_value(kind, value)? {
                continue;
            }
            linkable.push((kind.clone(), value.clone()));
            for (other, campaign) in
                self.store
                    .campaign_scans_with(kind, value, self.policy.max_candidates + 1)?
            {
                if other == scan_id {
                    continue;
                }
                cands.push(Candidate {
                    other,
                    campaign,
                    kind: kind.clone(),
                    value: value.clone(),
                    detail: format!("{why} as message #{other}: {}", short(value)),
                    similarity: 0.0,
                    medium: is_medium(kind)
                        && !(owned_sender && (kind == k::SENDER || kind == k::SENDER_DOMAIN)),
                });
            }
        }
        if let Some(sig) = signature {
            let mut checked = std::collections::HashSet::new();
            let mut near: Vec<(f32, i64, String)> = Vec::new();
            for band in sig.bands() {
                for (other, c) in self.store.campaign_scans_with(
                    k::TEXT_BAND,
                    &band,
                    self.policy.max_candidates + 1,
                )? {
                    if other == scan_id || !checked.insert(other) {
                        continue;
                    }
                    let Some(bytes) = self.store.signature(other)? else {
                        continue;
                    };
                    let Some(theirs) = Signature::from_bytes(&bytes) else {
                        continue;
                    };
                    let sim = sig.similarity(&theirs);
                    if sim >= self.policy.text_similarity {
                        near.push((sim, other, c));
                    }
                }
                linkable.push((k::TEXT_BAND.to_string(), band));
            }
            // Most similar first: the one link kept per campaign names the closest message.
            near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (sim, other, campaign) in near {
                cands.push(Candidate {
                    other,
                    campaign,
                    kind: "text".into(),
                    value: "near-duplicate".into(),
                    detail: format!(
                        "near-duplicate text of message #{other} (estimated Jaccard similarity {sim:.2})"
                    ),
                    similarity: sim,
                    medium: true,
                });
            }
        }
        // Current campaigns of the candidates (they may have merged since the rows were read).
        let mut by_campaign: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
        for mut c in cands {
            c.campaign = self
                .store
                .resolve_campaign(&c.campaign)?
                .unwrap_or(c.campaign);
            by_campaign.entry(c.campaign.clone()).or_default().push(c);
        }
        if by_campaign.is_empty() {
            if !may_found {
                return Ok(CampaignChange::None);
            }
            self.store.add_campaign_values(scan_id, &linkable)?;
            let id = campaign_id(self.store, seed)?;
            self.store.create_campaign(
                &id,
                name,
                now,
                scan_id,
                seen,
                &format!("message #{scan_id} shares no attacker-controlled value with earlier flagged mail"),
            )?;
            return Ok(CampaignChange::Created(id));
        }
        // Strong links merge every campaign they reach into the oldest (its id is the one analysts
        // have seen longest). Medium links (originating IP, near-duplicate text) only choose the
        // one campaign to join, the one with the most similar message: they never merge.
        let strong: Vec<&String> = by_campaign
            .iter()
            .filter(|(_, cs)| cs.iter().any(|c| !c.medium))
            .map(|(id, _)| id)
            .collect();
        let mut order: Vec<(i64, String)> = Vec::new();
        if strong.is_empty() {
            let best = by_campaign
                .iter()
                .map(|(id, cs)| {
                    let sim = cs.iter().map(|c| c.similarity).fold(0.0f32, f32::max);
                    (sim, cs.len(), id.clone())
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
            if let Some((_, _, id)) = best {
                order.push((0, id));
            }
        } else {
            for id in strong {
                let created = self.store.campaign_created(id)?.unwrap_or(i64::MAX);
                order.push((created, id.clone()));
            }
            order.sort();
        }
        let into = order[0].1.clone();
        // Campaigns an analyst split from `into` stay apart: the message joins `into` only.
        let mut kept = Vec::with_capacity(order.len());
        for (created, id) in order {
            if id == into || !self.store.merge_blocked(&into, &id)? {
                kept.push((created, id));
            }
        }
        let order = kept;
        by_campaign.retain(|id, _| order.iter().any(|(_, o)| o == id));
        let mut links = Vec::new();
        for cs in by_campaign.values() {
            // One link per shared value (to the earliest message carrying it), bounded.
            for c in cs {
                if links.len() >= self.policy.max_links {
                    break;
                }
                if links
                    .iter()
                    .any(|l: &CampaignLink| l.kind == c.kind && l.value == c.value)
                {
                    continue;
                }
                links.push(CampaignLink {
                    scan_id,
                    other_id: c.other,
                    kind: c.kind.clone(),
                    value: c.value.clone(),
                    detail: c.detail.clone(),
                });
            }
        }
        let first = by_campaign[&into]
            .iter()
            .find(|c| !c.medium)
            .unwrap_or(&by_campaign[&into][0]);
        self.store.add_campaign_values(scan_id, &linkable)?;
        self.store.join_campaign(
            &into,
            scan_id,
            now,
            seen,
            &links,
            &format!("message #{scan_id} joined: {}", first.detail),
        )?;
        let from: Vec<String> = order[1..].iter().map(|(_, id)| id.clone()).collect();
        for f in &from {
            let why = by_campaign[f]
                .iter()
                .find(|c| !c.medium)
                .unwrap_or(&by_campaign[f][0]);
            let detail = format!(
                "{f} merged into {into}: message #{scan_id} links both ({} in {into}; {} in {f})",
                first.detail, why.detail
            );
            self.store.merge_campaigns(&into, f, now, &detail)?;
        }
        Ok(if from.is_empty() {
            CampaignChange::Joined(into)
        } else {
            CampaignChange::Merged { into, from }
        })
    }
}
