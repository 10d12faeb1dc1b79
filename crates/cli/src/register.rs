//! The register on the command line: recording `scan --store`, `spearwatch campaigns`,
//! `spearwatch hunt` and `spearwatch export`.

use crate::exit;
use anyhow::{anyhow, bail, Context as _, Result};
use clap::Subcommand;
use spearwatch_register::{Arrival, BlobStore, LinkPolicy, Register};
use spearwatch_store::{RegisteredScan, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How long raw messages stay in the blob store by default (days).
pub const DEFAULT_RETAIN_DAYS: u64 = 90;

#[derive(clap::Args, Clone)]
pub struct RecordArgs {
    /// Do not record the scans in the store (by default `scan` records every message when a store is
    /// open: verdict, findings, observables, the raw message, campaigns).
    #[arg(long)]
    pub no_record: bool,
    /// Folder of the raw messages kept for retro-hunts (default: beside the store, `<store>.blobs`).
    #[arg(long, value_name = "DIR")]
    pub blobs: Option<PathBuf>,
    /// Days raw messages are kept; older ones are removed when scanning (the scan records stay).
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_RETAIN_DAYS)]
    pub retain_days: u64,
}

fn blobs(dir: &Option<PathBuf>, store: &Path) -> BlobStore {
    match dir {
        Some(d) => BlobStore::new(d.clone()),
        None => BlobStore::beside(store),
    }
}

/// The store file of the register commands: `--store`, else the per-user default.
pub fn store_path(store: &Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = store {
        return Ok(p.clone());
    }
    crate::org::default_store_path()
}

/// Messages recorded per transaction.
const BATCH: usize = 500;

/// Records scans as they come (one transaction per [`BATCH`] messages) and expires old raw messages.
pub struct Recorder {
    blobs: BlobStore,
    policy: LinkPolicy,
    in_batch: usize,
    pub recorded: usize,
    /// Messages recorded before (same bytes).
    pub duplicates: usize,
    pub created: usize,
    pub joined: usize,
    pub merged: usize,
}

impl Recorder {
    pub fn new(store_file: &Path, args: &RecordArgs, store: &Store) -> Result<Recorder> {
        let blobs = blobs(&args.blobs, store_file);
        let cutoff = crate::org::now() - (args.retain_days.min(365 * 100) as i64) * 86_400;
        let expired = store.expire_blobs(cutoff)?;
        for key in &expired {
            blobs.remove(key)?;
        }
        Ok(Recorder {
            blobs,
            policy: LinkPolicy::default(),
            in_batch: 0,
            recorded: 0,
            duplicates: 0,
            created: 0,
            joined: 0,
            merged: 0,
        })
    }

    pub fn record(
        &mut self,
        store: &Store,
        raw: &[u8],
        report: &spearwatch_engine::Report,
        mail: &spearwatch_message::Mail,
        now: i64,
        blob: Option<String>,
    ) -> Result<()> {
        let reg = Register {
            store,
            blobs: Some(&self.blobs),
            policy: &self.policy,
        };
        let arrival = Arrival {
            received_at: now,
            source: "scan".into(),
            action: "none".into(),
            blob,
            ..Default::default()
        };
        if self.in_batch == 0 {
            store.begin_batch()?;
        }
        self.in_batch += 1;
        let r = reg.record(raw, report, mail, &arrival)?;
        if self.in_batch >= BATCH {
            self.finish(store)?;
        }
        if r.duplicate {
            self.duplicates += 1;
            return Ok(());
        }
        self.recorded += 1;
        match r.campaign {
            spearwatch_register::CampaignChange::Created(_) => self.created += 1,
            spearwatch_register::CampaignChange::Joined(_) => self.joined += 1,
            spearwatch_register::CampaignChange::Merged { .. } => self.merged += 1,
            spearwatch_register::CampaignChange::None => {}
        }
        Ok(())
    }
}

impl Recorder {
    /// The blob store, for storing raw messages on the scanning threads.
    pub fn blobs(&self) -> BlobStore {
        self.blobs.clone()
    }

    /// Commits what is recorded so far (before other writers, such as learning, and at the end).
    pub fn finish(&mut self, store: &Store) -> Result<()> {
        self.in_batch = 0;
        store.commit_batch()?;
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum CampaignsCmd {
    /// Campaigns, most recent activity first.
    List {
        /// Also list campaigns of a single message.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// One campaign: messages, recipients, variants, techniques, indicators, why each message is in
    /// it, the timeline and the actor hypotheses.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Confirm or override the attribution (an ATT&CK group id, name or alias, or any name).
    Attribute {
        id: String,
        /// The actor; omit with --clear.
        #[arg(long, required_unless_present = "clear")]
        actor: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Remove the analyst's attribution (the computed hypotheses remain).
        #[arg(long, conflicts_with = "actor")]
        clear: bool,
    },
    /// Move messages (scan ids) out of a campaign into a new one.
    Split {
        id: String,
        /// Scan ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        messages: Vec<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Give a campaign a name.
    Rename { id: String, name: String },
}

#[derive(clap::Args)]
pub struct CampaignsArgs {
    /// Store file (default: $XDG_DATA_HOME/spearwatch/store.db).
    #[arg(long, value_name = "FILE", global = true)]
    pub store: Option<PathBuf>,
    /// Organisation profile (TOML): its sector and country inform the actor attribution of `show`.
    #[arg(long, value_name = "FILE", global = true)]
    pub org: Option<PathBuf>,
    #[command(subcommand)]
    pub cmd: CampaignsCmd,
}

fn open_existing(store: &Option<PathBuf>) -> Result<(Store, PathBuf)> {
    let path = store_path(store)?;
    if !path.exists() {
        bail!(
            "no store at {} (record scans with `spearwatch scan --store {}` or `spearwatch serve`)",
            path.display(),
            path.display()
        );
    }
    let s = Store::open(&path).with_context(|| format!("store {}", path.display()))?;
    Ok((s, path))
}

/// The campaign holding `id` now (merged campaigns resolve to the one that absorbed them).
fn resolve(store: &Store, id: &str) -> Result<String> {
    store
        .resolve_campaign(id)?
        .ok_or_else(|| anyhow!("no campaign {id}"))
}

fn date(ts: i64) -> String {
    spearwatch_intel::format_rfc3339(ts)
}

pub fn campaigns(a: CampaignsArgs) -> Result<u8> {
    let (store, _) = open_existing(&a.store)?;
    let out = std::io::stdout();
    let mut out = out.lock();
    match a.cmd {
        CampaignsCmd::List { all, json } => {
            let rows = store.list_campaigns(if all { 1 } else { 2 })?;
            if json {
                for r in &rows {
                    serde_json::to_writer(&mut out, r)?;
                    writeln!(out)?;
                }
            } else {
                writeln!(
                    out,
                    "{:<12} {:>4} {:>5}  {:<10} {:<10}  {:<12} NAME",
                    "CAMPAIGN", "MSGS", "RCPTS", "FIRST", "LAST", "ACTOR"
                )?;
                for r in &rows {
                    writeln!(
                        out,
                        "{:<12} {:>4} {:>5}  {:<10} {:<10}  {:<12} {}",
                        r.id,
                        r.messages,
                        r.recipients,
                        &date(r.first_seen)[..10],
                        &date(r.last_seen)[..10],
                        r.actor.as_deref().unwrap_or("-"),
                        spearwatch_core::truncate_str(&r.name, 70)
                    )?;
                }
                if rows.is_empty() {
                    eprintln!(
                        "spearwatch: no campaigns{}",
                        if all {
                            ""
                        } else {
                            " of two or more messages (--all lists single ones)"
                        }
                    );
                }
            }
        }
        CampaignsCmd::Show { id, json } => {
            let Some(view) = crate::campaign::view(&store, &id, a.org.as_deref())? else {
                bail!("no campaign {id}");
            };
            if json {
                serde_json::to_writer_pretty(&mut out, &view)?;
                writeln!(out)?;
            } else {
                crate::campaign::write_view(&mut out, &view)?;
            }
        }
        CampaignsCmd::Attribute {
            id,
            actor,
            note,
            clear,
        } => {
            let id = resolve(&store, &id)?;
            let actor = if clear {
                None
            } else {
                actor.map(|a| crate::campaign::canonical_actor(&a))
            };
            store.set_campaign_actor(&id, actor.as_deref(), note.as_deref(), crate::org::now())?;
            eprintln!(
                "spearwatch: {id}: {}",
                actor.map_or("attribution cleared".to_string(), |a| format!(
                    "attributed to {a}"
                ))
            );
        }
        CampaignsCmd::Split { id, messages, note } => {
            let id = resolve(&store, &id)?;
            let members: Vec<i64> = store
                .campaign_members(&id)?
                .iter()
                .map(|m| m.scan.id)
                .collect();
            if let Some(m) = messages.iter().find(|m| !members.contains(m)) {
                bail!("message #{m} is not in {id}");
            }
            if messages.len() >= members.len() {
                bail!("a split must leave at least one message in {id}");
            }
            let new_id = format!("{id}-s{}", store.campaign_events(&id)?.len());
            let detail = format!(
                "analyst split messages {} off into {new_id}{}",
                messages
                    .iter()
                    .map(|m| format!("#{m}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                note.map(|n| format!(": {n}")).unwrap_or_default()
            );
            let moved =
                store.split_campaign(&id, &new_id, &messages, crate::org::now(), &detail)?;
            eprintln!("spearwatch: {moved} messages moved from {id} to {new_id}");
        }
        CampaignsCmd::Rename { id, name } => {
            let id = resolve(&store, &id)?;
            store.rename_campaign(&id, &name)?;
        }
    }
    Ok(exit::OK)
}

#[derive(clap::Args)]
pub struct HuntArgs {
    /// Store file (default: $XDG_DATA_HOME/spearwatch/store.db).
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// Indicator files to hunt for (STIX bundle, MISP event, plain list), by indexed look-up of the
    /// stored observables.
    #[arg(long, value_name = "FILE")]
    pub intel: Vec<PathBuf>,
    /// YARA rules (files or folders) to run over every stored raw message (needs `--features yara`).
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Raw messages folder (default: beside the store, `<store>.blobs`).
    #[arg(long, value_name = "DIR")]
    pub blobs: Option<PathBuf>,
    /// Only messages received in the last DAYS days (rule hunts).
    #[arg(long, value_name = "DAYS")]
    pub days: Option<u64>,
    /// A name for this hunt in the records (default: hunt-<unix time>).
    #[arg(long)]
    pub name: Option<String>,
    /// Worker threads for rule hunts (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// One JSON object per hit on standard output.
    #[arg(long)]
    pub json: bool,
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn hunt(a: HuntArgs) -> Result<u8> {
    if a.intel.is_empty() && a.rules.is_empty() {
        bail!("nothing to hunt for: give --intel FILE and/or --rules PATH");
    }
    let (store, path) = open_existing(&a.store)?;
    let blobs = blobs(&a.blobs, &path);
    let policy = LinkPolicy::default();
    let reg = Register {
        store: &store,
        blobs: Some(&blobs),
        policy: &policy,
    };
    let now = crate::org::now();
    let name = a.name.clone().unwrap_or_else(|| format!("hunt-{now}"));
    let out = std::io::stdout();
    let mut out = out.lock();
    let mut hits_total = 0;
    if !a.intel.is_empty() {
        let set = crate::intel::load_set(&a.intel, a.quiet)?;
        let rep = store.in_transaction(|_| {
            reg.hunt_indicators(&set, &name, now).map_err(|e| {
                spearwatch_store::StoreError::Inconsistent {
                    path: path.clone(),
                    detail: e.to_string(),
                }
            })
        })?;
        hits_total += rep.hits.len();
        print_hits(&mut out, &store, &rep.hits, a.json)?;
        if !a.quiet {
            eprintln!(
                "spearwatch: hunt {name}: {} indicators over {} stored messages in {:.1} ms (look-ups {:.1} ms): {} new hits in {} messages ({} known before), {} placed in campaigns",
                rep.searched,
                store.scan_count()?,
                rep.elapsed.as_secs_f64() * 1e3,
                rep.lookup.as_secs_f64() * 1e3,
                rep.hits.len(),
                rep.messages.len(),
                rep.known_hits,
                rep.campaigns.iter().filter(|(_, c)| c.campaign().is_some()).count(),
            );
        }
    }
    if !a.rules.is_empty() {
        let scan = crate::campaign::rule_scanner(&a.rules, a.threads)?;
        let since = a
            .days
            .map_or(0, |d| now - (d.min(365 * 100) as i64) * 86_400);
        let total = store.scan_count()?;
        let started = std::time::Instant::now();
        let mut last = std::time::Instant::now();
        let quiet = a.quiet;
        let (rep, unreadable) =
            reg.hunt_rescan(&name, since, i64::MAX, now, &*scan, &mut |done| {
                if !quiet && last.elapsed().as_secs() >= 2 {
                    last = std::time::Instant::now();
                    eprintln!("spearwatch: hunt {name}: {done}/{total} messages re-scanned");
                }
            })?;
        hits_total += rep.hits.len();
        print_hits(&mut out, &store, &rep.hits, a.json)?;
        if !a.quiet {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "spearwatch: hunt {name}: rules re-ran over {} stored messages in {secs:.2}s ({:.0} messages/s; {unreadable} raw messages missing or damaged): {} new hits in {} messages",
                rep.searched,
                rep.searched as f64 / secs.max(1e-9),
                rep.hits.len(),
                rep.messages.len(),
            );
        }
    }
    Ok(if hits_total > 0 {
        exit::FAIL_ON
    } else {
        exit::OK
    })
}

fn print_hits(
    out: &mut impl Write,
    store: &Store,
    hits: &[spearwatch_store::HuntHit],
    json: bool,
) -> Result<()> {
    for h in hits {
        let scan: Option<RegisteredScan> = store.registered_scan(h.scan_id)?;
        if json {
            let v = serde_json::json!({
                "hit": h,
                "message_id": scan.as_ref().and_then(|s| s.scan.message_id.clone()),
                "subject": scan.as_ref().and_then(|s| s.scan.subject.clone()),
                "campaign": scan.as_ref().and_then(|s| s.campaign.clone()),
            });
            serde_json::to_writer(&mut *out, &v)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "#{:<6} {:<12} {:<8} {:<40} {}",
                h.scan_id,
                scan.as_ref()
                    .and_then(|s| s.campaign.clone())
                    .unwrap_or_else(|| "-".into()),
                h.kind,
                spearwatch_core::truncate_str(&h.value, 40),
                spearwatch_core::truncate_str(
                    &scan.and_then(|s| s.scan.subject).unwrap_or_default(),
                    60
                )
            )?;
        }
    }
    Ok(())
}
