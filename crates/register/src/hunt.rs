//! Retro-hunts over the register: new indicators by indexed look-up of the stored observables, new
//! rules by re-scanning the stored raw messages. A hit is recorded as a finding of the old scan
//! (`hunt_hits`), raises its verdict (a known file hash to malicious, known infrastructure to
//! phishing), adds the indicator as an observable (so messages that matched the same indicator link)
//! and places the message in a campaign, or notes the hit on the campaign it is already in.

use crate::minhash::Signature;
use crate::observables::{self as k, Observables};
use crate::record::{CampaignChange, Register, RegisterError};
use rayon::prelude::*;
use spearwatch_intel::{Indicator, IndicatorSet, Kind};
use spearwatch_store::HuntHit;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Re-scans one raw message; returns the (rule, detail) pairs that matched.
pub type RuleScan = dyn Fn(&[u8]) -> RuleHits + Sync;
/// (rule, detail) pairs.
pub type RuleHits = Vec<(String, String)>;

/// Verdicts from worst to best (the store keeps them as text).
const RANK: &[&str] = &["clean", "suspicious", "phishing", "malicious"];

/// What a hunt did.
#[derive(Debug, Clone, Default)]
pub struct HuntReport {
    /// Indicators (or stored messages, for a rule hunt) looked at.
    pub searched: usize,
    pub hits: Vec<HuntHit>,
    /// Hits recorded before by an earlier hunt (not counted again).
    pub known_hits: usize,
    pub messages: BTreeSet<i64>,
    pub campaigns: Vec<(i64, CampaignChange)>,
    pub elapsed: Duration,
    /// Of `elapsed`, the look-ups alone (the rest records the hits and places them in campaigns).
    pub lookup: Duration,
}

/// A register error inside a store transaction.
fn into_store(e: RegisterError) -> spearwatch_store::StoreError {
    match e {
        RegisterError::Store(s) => s,
        other => spearwatch_store::StoreError::Inconsistent {
            path: Default::default(),
            detail: other.to_string(),
        },
    }
}

/// The stored observables an indicator is looked up in.
fn kinds_for(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Domain => &[k::DOMAIN],
        Kind::Url => &[k::URL, k::RESOURCE],
        Kind::Ipv4 | Kind::Ipv6 => &[k::IP],
        Kind::Email => &[k::SENDER, k::REPLY_TO, k::RETURN_PATH],
        Kind::Sha256 => &[k::SHA256],
        Kind::Sha1 => &[k::SHA1],
        Kind::Md5 => &[k::MD5],
        Kind::CryptoAddress => &[k::CRYPTO],
    }
}

/// A stored message an indicator matched.
struct Found<'a> {
    scan_id: i64,
    ind: &'a Indicator,
    /// The observable kind it matched.
    kind: &'a str,
    /// The indicator's value in its normal form (a network as `addr/len`).
    value: String,
}

/// An indicator's value in the form the observables are stored in (the intel crate's normal forms:
/// lower-case domains, hashes and addresses, URL keys without the scheme, canonical IPs). Feeds write
/// `EVIL.example`, upper-case digests and full URLs; stored values never are. `None`: not a valid
/// value of its kind.
fn stored_form(ind: &Indicator) -> Option<String> {
    use spearwatch_intel::normalise as n;
    match ind.kind {
        Kind::Domain => n::domain(&ind.value),
        Kind::Url => n::url_key(&ind.value),
        Kind::Email => n::email(&ind.value),
        Kind::Ipv4 | Kind::Ipv6 => n::ip(&ind.value).map(|(a, _)| a.to_string()),
        Kind::Sha256 | Kind::Sha1 | Kind::Md5 => n::hash(&ind.value).map(|(_, h)| h),
        Kind::CryptoAddress => n::crypto_key(&ind.value),
    }
}

impl Register<'_> {
    /// Looks every indicator of `set` up in the stored observables.
    pub fn hunt_indicators(
        &self,
        set: &IndicatorSet,
        hunt: &str,
        now: i64,
    ) -> Result<HuntReport, RegisterError> {
        let start = Instant::now();
        let mut rep = HuntReport::default();
        let mut found: Vec<Found<'_>> = Vec::new();
        let mut networks = Vec::new();
        for ind in set.indicators() {
            rep.searched += 1;
            let kinds = kinds_for(ind.kind);
            if ind.value.contains('/') && matches!(ind.kind, Kind::Ipv4 | Kind::Ipv6) {
                networks.push(ind);
                continue;
            }
            // The set holds only indicators that normalise (the rest are counted at import).
            let Some(value) = stored_form(ind) else {
                continue;
            };
            for kind in kinds {
                for id in self.store.scans_with(kind, &value, usize::MAX)? {
                    found.push(Found {
                        scan_id: id,
                        ind,
                        kind,
                        value: value.clone(),
                    });
                }
            }
        }
        // Networks: the distinct stored IPs are few next to the indicators; test each once.
        if !networks.is_empty() {
            for v in self.store.observable_values(k::IP)? {
                let Ok(ip) = v.parse::<IpAddr>() else {
                    continue;
                };
                for ind in set.match_ip(ip) {
                    if let Some((net, Some(len))) = spearwatch_intel::normalise::ip(&ind.value) {
                        let value = spearwatch_intel::normalise::ip_value(net, Some(len));
                        for id in self.store.scans_with(k::IP, &v, usize::MAX)? {
                            found.push(Found {
                                scan_id: id,
                                ind,
                                kind: k::IP,
                                value: value.clone(),
                            });
                        }
                    }
                }
            }
        }
        rep.lookup = start.elapsed();
        // All hits in one transaction: one commit, and a hunt that fails records nothing.
        self.store.in_transaction(|_| {
            for f in &found {
                self.apply_indicator_hit(&mut rep, f, hunt, now)
                    .map_err(into_store)?;
            }
            Ok(())
        })?;
        rep.elapsed = start.elapsed();
        Ok(rep)
    }

    fn apply_indicator_hit(
        &self,
        rep: &mut HuntReport,
        found: &Found<'_>,
        hunt: &str,
        now: i64,
    ) -> Result<(), RegisterError> {
        let &Found {
            scan_id,
            ind,
            kind,
            ref value,
        } = found;
        let hit = HuntHit {
            hunt: hunt.to_string(),
            at: now,
            scan_id,
            kind: ind.kind.as_str().to_string(),
            value: value.to_string(),
            source: ind.attribution(),
            detail: format!(
                "{} indicator {value} from {} matched the stored {kind}",
                ind.kind,
                ind.attribution()
            ),
        };
        let verdict = if ind.kind.is_file_hash() {
            "malicious"
        } else {
            "phishing"
        };
        let indicator = format!("{}:{value}", ind.kind);
        self.apply_hit(rep, hit, verdict, indicator, now)
    }

    /// Re-scans the stored raw messages received in `[since, until)` with `scan`, which returns the
    /// (rule, detail) pairs that matched one message. `progress` is told (done, total) now and then.
    pub fn hunt_rescan(
        &self,
        hunt: &str,
        since: i64,
        until: i64,
        now: i64,
        scan: &RuleScan,
        progress: &mut dyn FnMut(usize),
    ) -> Result<(HuntReport, usize), RegisterError> {
        let start = Instant::now();
        let mut rep = HuntReport::default();
        let Some(blobs) = self.blobs else {
            return Ok((rep, 0));
        };
        let mut unreadable = 0;
        let mut after = 0;
        loop {
            let page = self.store.scans_with_blob(since, until, after, 256)?;
            let Some(last) = page.last() else { break };
            after = last.0;
            // Reading and re-scanning run in parallel; recording stays in id order.
            let results: Vec<(i64, Option<RuleHits>)> = page
                .par_iter()
                .map(|(scan_id, key)| (*scan_id, blobs.get(key).ok().map(|raw| scan(&raw))))
                .collect();
            // One transaction per page.
            self.store.in_transaction(|_| {
                for (scan_id, matched) in results {
                    rep.searched += 1;
                    let Some(matched) = matched else {
                        unreadable += 1;
                        continue;
                    };
                    for (rule, detail) in matched {
                        let hit = HuntHit {
                            hunt: hunt.to_string(),
                            at: now,
                            scan_id,
                            kind: "yara".into(),
                            value: rule.clone(),
                            source: hunt.to_string(),
                            detail,
                        };
                        self.apply_hit(&mut rep, hit, "malicious", format!("yara:{rule}"), now)
                            .map_err(into_store)?;
                    }
                }
                Ok(())
            })?;
            progress(rep.searched);
        }
        rep.elapsed = start.elapsed();
        Ok((rep, unreadable))
    }

    fn apply_hit(
        &self,
        rep: &mut HuntReport,
        hit: HuntHit,
        verdict: &str,
        indicator: String,
        now: i64,
    ) -> Result<(), RegisterError> {
        let scan_id = hit.scan_id;
        if !self.store.record_hunt_hit(&hit)? {
            rep.known_hits += 1;
            return Ok(());
        }
        self.store.raise_verdict(scan_id, verdict, RANK)?;
        self.store
            .add_observables(scan_id, &[(k::INDICATOR.to_string(), indicator)])?;
        rep.messages.insert(scan_id);
        let Some(scan) = self.store.registered_scan(scan_id)? else {
            rep.hits.push(hit);
            return Ok(());
        };
        if let Some(c) = &scan.campaign {
            let c = self.store.resolve_campaign(c)?.unwrap_or_else(|| c.clone());
            self.store.campaign_event(
                &c,
                now,
                "hunt",
                Some(scan_id),
                &format!("retro-hunt {}: {}", hit.hunt, hit.detail),
            )?;
        } else if self.policy.clusters(&scan.scan.verdict) {
            let obs = Observables {
                pairs: self.store.observables_of(scan_id)?.into_iter().collect(),
            };
            let signature = self.signature_of(scan_id, scan.blob.as_deref())?;
            if let Some(s) = &signature {
                let bands: Vec<(String, String)> = s
                    .bands()
                    .into_iter()
                    .map(|b| (k::TEXT_BAND.to_string(), b))
                    .collect();
                self.store.add_observables(scan_id, &bands)?;
            }
            let seen = scan.date.unwrap_or(scan.scan.received_at);
            let name = scan
                .scan
                .subject
                .clone()
                .unwrap_or_else(|| "(no subject)".into());
            let seed = scan
                .message_key
                .clone()
                .unwrap_or_else(|| scan_id.to_string());
            let change = self.cluster(
                scan_id,
                &obs,
                signature.as_ref(),
                seen,
                now,
                &name,
                &seed,
                true,
            )?;
            if let Some(c) = change.campaign() {
                self.store.campaign_event(
                    c,
                    now,
                    "hunt",
                    Some(scan_id),
                    &format!("retro-hunt {}: {}", hit.hunt, hit.detail),
                )?;
            }
            rep.campaigns.push((scan_id, change));
        }
        rep.hits.push(hit);
        Ok(())
    }

    /// The stored signature, or one computed from the stored raw message.
    fn signature_of(
        &self,
        scan_id: i64,
        blob: Option<&str>,
    ) -> Result<Option<Signature>, RegisterError> {
        if let Some(s) = self
            .store
            .signature(scan_id)?
            .and_then(|b| Signature::from_bytes(&b))
        {
            return Ok(Some(s));
        }
        let (Some(blobs), Some(key)) = (self.blobs, blob) else {
            return Ok(None);
        };
        let Ok(raw) = blobs.get(key) else {
            return Ok(None);
        };
        let mail = spearwatch_message::parse(&raw, &spearwatch_message::Limits::default());
        Ok(Signature::of(&k::text_of(&mail)))
    }
}
