//! Organisation context on the command line: `--org`/`--store`, `spearwatch learn` and
//! `spearwatch check-config`.

use crate::pipeline;
use crate::{exit, LearnArgs};
use anyhow::{anyhow, Context as _, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use spearwatch_engine::OrgContext;
use spearwatch_org::observe::Observation;
use spearwatch_org::{Knowledge, Profile};
use spearwatch_store::Store;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args, Clone, Default)]
pub struct OrgArgs {
    /// Organisation profile (TOML; see examples/org/profile.toml): people, partners, protected
    /// domains. Turns on the organisation-context detectors.
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Relationship store (SQLite), created on first use. Default: the profile's `[store] path`, else
    /// $XDG_DATA_HOME/spearwatch/store.db.
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
}

/// Reads and checks a profile; errors name the file, line and column.
pub fn load_profile(path: &Path) -> Result<Profile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read profile {}", path.display()))?;
    Profile::from_toml(&text).map_err(|errs| {
        let lines: Vec<String> = errs
            .0
            .iter()
            .map(|e| {
                if e.line == 0 {
                    format!("{}: {}", path.display(), e.message)
                } else {
                    format!(
                        "{}:{}:{}: {}\n  | {}",
                        path.display(),
                        e.line,
                        e.column,
                        e.message,
                        e.source_line
                    )
                }
            })
            .collect();
        anyhow!("invalid profile\n{}", lines.join("\n"))
    })
}

/// The store file: `--store`, else the profile's `[store] path` (relative to the profile's folder),
/// else the per-user default.
pub fn store_path(args: &OrgArgs, profile: &Profile, profile_path: &Path) -> Result<PathBuf> {
    if let Some(p) = &args.store {
        return Ok(p.clone());
    }
    if let Some(p) = &profile.store_path {
        if p.is_absolute() {
            return Ok(p.clone());
        }
        let base = profile_path.parent().unwrap_or(Path::new("."));
        return Ok(base.join(p));
    }
    default_store_path()
}

/// `$XDG_DATA_HOME/spearwatch/store.db` (else `~/.local/share/...`).
pub fn default_store_path() -> Result<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .ok_or_else(|| anyhow!("no --store given and neither XDG_DATA_HOME nor HOME is set"))?;
    Ok(data.join("spearwatch").join("store.db"))
}

/// A store opened with the path it was opened at.
pub type OpenStore = (Store, PathBuf);

/// For `scan`: the organisation context when `--org` is given, and the store (with its path) when
/// `--org` or `--store` is: `scan --store` alone records scans without organisation context.
pub fn open_for_scan(args: &OrgArgs) -> Result<(Option<Arc<OrgContext>>, Option<OpenStore>)> {
    if args.org.is_none() {
        let Some(path) = &args.store else {
            return Ok((None, None));
        };
        let store = Store::open(path).with_context(|| format!("store {}", path.display()))?;
        return Ok((None, Some((store, path.clone()))));
    }
    Ok(match open_with_path(args)? {
        Some((org, store, path)) => (Some(org), Some((store, path))),
        None => (None, None),
    })
}

/// The organisation context for `eval`, and the opened store, when `--org` is given.
pub fn open(args: &OrgArgs) -> Result<Option<(Arc<OrgContext>, Store)>> {
    Ok(open_with_path(args)?.map(|(o, s, _)| (o, s)))
}

fn open_with_path(args: &OrgArgs) -> Result<Option<(Arc<OrgContext>, Store, PathBuf)>> {
    let Some(profile_path) = &args.org else {
        if args.store.is_some() {
            anyhow::bail!(
                "--store needs --org: the profile says which domains are the organisation's"
            );
        }
        return Ok(None);
    };
    let profile = load_profile(profile_path)?;
    for w in &profile.warnings {
        eprintln!("spearwatch: {}: warning: {w}", profile_path.display());
    }
    let path = store_path(args, &profile, profile_path)?;
    let store = Store::open(&path).with_context(|| format!("store {}", path.display()))?;
    let knowledge: Knowledge = store
        .knowledge()
        .with_context(|| format!("loading {}", path.display()))?;
    Ok(Some((
        Arc::new(OrgContext::new(profile, knowledge)),
        store,
        path,
    )))
}

/// Unix seconds now, for messages without a Date.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Observations learned per transaction.
const BATCH: usize = 2_000;

/// Learns `batch` into `store` and empties it, adding to the counts.
pub fn flush(
    batch: &mut Vec<Observation>,
    store: &mut Store,
    learned: &mut usize,
    duplicates: &mut usize,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let s = store.learn(batch)?;
    *learned += s.learned;
    *duplicates += s.duplicates;
    batch.clear();
    Ok(())
}

pub fn learn(a: LearnArgs) -> Result<u8> {
    let org_args = OrgArgs {
        org: Some(a.org.clone()),
        store: a.store.clone(),
    };
    let profile = load_profile(&a.org)?;
    for w in &profile.warnings {
        eprintln!("spearwatch: {}: warning: {w}", a.org.display());
    }
    let path = store_path(&org_args, &profile, &a.org)?;
    let mut store = Store::open(&path).with_context(|| format!("store {}", path.display()))?;
    let before = store.stats()?;
    let (sources, expand_errors) = spearwatch_input::expand(&a.paths);
    let mut unreadable = expand_errors.len();
    for e in &expand_errors {
        eprintln!("spearwatch: {e}");
    }
    let interactive = std::io::stderr().is_terminal() && !a.quiet;
    let bar = interactive.then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    });
    let started = Instant::now();
    let now = now();
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let limits = spearwatch_input::Limits {
        max_message_bytes: a.max_message_bytes,
    };
    let (mut read, mut no_sender, mut learned, mut duplicates) = (0usize, 0usize, 0usize, 0usize);
    let mut batch: Vec<Observation> = Vec::with_capacity(BATCH);
    let mut store_err: Option<anyhow::Error> = None;
    let parse_limits = spearwatch_message::Limits::default();
    pipeline::map(
        &sources,
        &limits,
        threads,
        |item| {
            let mail = spearwatch_message::parse(&item.bytes, &parse_limits);
            Observation::of(&mail, &item.bytes, &profile, now)
        },
        |res| {
            if store_err.is_some() {
                return;
            }
            match res {
                Ok(Some(o)) => {
                    read += 1;
                    batch.push(o);
                    if batch.len() >= BATCH {
                        if let Err(e) = flush(&mut batch, &mut store, &mut learned, &mut duplicates)
                        {
                            store_err = Some(e);
                        }
                        if let Some(b) = &bar {
                            b.set_message(format!("{read} messages read, {learned} learned"));
                            b.tick();
                        }
                    }
                }
                Ok(None) => {
                    read += 1;
                    no_sender += 1;
                }
                Err(e) => {
                    unreadable += 1;
                    match &bar {
                        Some(b) => b.suspend(|| eprintln!("spearwatch: {e}")),
                        None => eprintln!("spearwatch: {e}"),
                    }
                }
            }
        },
    );
    if let Some(e) = store_err {
        return Err(e.context(format!("learning into {}", path.display())));
    }
    flush(&mut batch, &mut store, &mut learned, &mut duplicates)
        .with_context(|| format!("learning into {}", path.display()))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let after = store.stats()?;
    let secs = started.elapsed().as_secs_f64();
    if !a.quiet {
        eprintln!(
            "spearwatch: {read} messages in {secs:.2}s ({:.0}/s): {learned} learned, {duplicates} already known, {no_sender} without a sender address, {unreadable} unreadable",
            read as f64 / secs.max(1e-9)
        );
        eprintln!(
            "spearwatch: {}: {} contacts (+{}), {} edges (+{}), {} threads (+{}), {} messages",
            path.display(),
            after.addresses,
            after.addresses.saturating_sub(before.addresses),
            after.edges,
            after.edges.saturating_sub(before.edges),
            after.threads,
            after.threads.saturating_sub(before.threads),
            after.messages
        );
    }
    Ok(if unreadable > 0 {
        exit::UNREADABLE
    } else {
        exit::OK
    })
}

pub fn check_config(org: Option<&Path>, serve: Option<&Path>, policy: Option<&Path>) -> Result<u8> {
    if let Some(p) = policy {
        crate::load_policy(Some(p))?;
        println!("{}: valid policy", p.display());
    }
    if let Some(s) = serve {
        let cfg = spearwatch_server::config::ServeConfig::load(s)?;
        println!(
            "{}: valid gateway config: milter {}, HTTP {}, store {}, quarantine {}, {} API tokens",
            s.display(),
            cfg.milter_listen,
            cfg.http_listen,
            cfg.store.display(),
            cfg.quarantine_dir.display(),
            cfg.tokens.len()
        );
        if let Some(p) = &cfg.policy {
            crate::load_policy(Some(p))?;
            println!("{}: valid policy", p.display());
        }
        if let Some(o) = &cfg.org {
            check_profile(o)?;
        }
    }
    if let Some(org) = org {
        check_profile(org)?;
    }
    Ok(exit::OK)
}

fn check_profile(org: &Path) -> Result<()> {
    let profile = load_profile(org)?;
    let vips = profile.people.iter().filter(|p| p.vip).count();
    let own = profile.protected.iter().filter(|p| !p.bundled).count();
    println!(
        "{}: valid profile \"{}\": {} domains, {} people ({} VIP), {} partners with {} contacts, {} protected authorities and brands ({} of the profile's own), {} trusted authserv-ids",
        org.display(),
        profile.name,
        profile.domains.len(),
        profile.people.len(),
        vips,
        profile.partners.len(),
        profile.partners.iter().map(|p| p.contacts.len()).sum::<usize>(),
        profile.protected.len(),
        own,
        profile.trusted_authserv_ids.len()
    );
    for w in &profile.warnings {
        println!("{}: warning: {w}", org.display());
    }
    Ok(())
}
