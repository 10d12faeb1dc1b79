//! `spearwatch quarantine`: the gateway's quarantine from the command line, for when the API is not
//! at hand (maintenance, a stopped gateway). It opens the quarantine folder named by the gateway's
//! config directly; while `spearwatch serve` runs, the folder is locked and the API is the way in.

use crate::{exit, QuarantineCmd};
use anyhow::{Context as _, Result};
use spearwatch_quarantine::{ListFilter, Quarantine, SmtpRelay, State};
use spearwatch_server::config::ServeConfig;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

pub fn run(config: &Path, cmd: QuarantineCmd) -> Result<u8> {
    let cfg = ServeConfig::load(config)?;
    let (q, recovery) = Quarantine::open(&cfg.quarantine_dir).with_context(|| {
        format!(
            "quarantine {} (while spearwatch serve runs, use the API: /v1/quarantine)",
            cfg.quarantine_dir.display()
        )
    })?;
    if !recovery.is_clean() {
        eprintln!("spearwatch: quarantine recovery: {recovery:?}");
    }
    let mut out = std::io::stdout().lock();
    match cmd {
        QuarantineCmd::List { state, limit, json } => {
            let state = match state.as_deref() {
                None => None,
                Some(s) => Some(State::parse(s).with_context(|| {
                    format!("state {s:?} is not held, released, deleted or lost")
                })?),
            };
            let entries = q.list(&ListFilter {
                state,
                limit,
                ..Default::default()
            })?;
            if json {
                for e in &entries {
                    writeln!(out, "{}", serde_json::to_string(e)?)?;
                }
            } else {
                writeln!(
                    out,
                    "{:<26} {:<9} {:<10} {:>5}  FROM / SUBJECT",
                    "ID", "STATE", "VERDICT", "SCORE"
                )?;
                for e in &entries {
                    writeln!(
                        out,
                        "{:<26} {:<9} {:<10} {:>5.1}  {} — {}",
                        e.id,
                        e.state.as_str(),
                        e.verdict,
                        e.score,
                        e.from.as_deref().unwrap_or("-"),
                        e.subject.as_deref().unwrap_or("-")
                    )?;
                }
            }
        }
        QuarantineCmd::Show { id } => {
            let e = q
                .get(&id)?
                .with_context(|| format!("no quarantine entry {id}"))?;
            writeln!(out, "{}", serde_json::to_string_pretty(&e)?)?;
        }
        QuarantineCmd::Raw { id } => {
            out.write_all(&q.raw(&id)?)?;
        }
        QuarantineCmd::Release { id } => {
            let r = cfg
                .release
                .context("no [release] relay in the gateway config")?;
            let e = q.release(
                &id,
                &SmtpRelay {
                    addr: r.relay,
                    helo: r.helo,
                    timeout: Duration::from_secs(30),
                },
            )?;
            writeln!(out, "{}: {}", e.id, e.state.as_str())?;
        }
        QuarantineCmd::Delete { id } => {
            let e = q.delete(&id)?;
            writeln!(out, "{}: {}", e.id, e.state.as_str())?;
        }
    }
    Ok(exit::OK)
}
