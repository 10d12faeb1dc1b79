//! `spearwatch scan`: reports per message, a summary, exit status.

use crate::pipeline::{self, Event};

use crate::{exit, Format, ScanArgs};
use anyhow::{Context as _, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use spearwatch_core::{truncate_str, Verdict};
use spearwatch_engine::{Engine, Report};
use std::io::{IsTerminal, Write};
use std::time::Instant;

pub fn run(a: ScanArgs) -> Result<u8> {
    let mut engine = Engine::new(a.common.policy()?).with_content_options(crate::content_options(
        &a.common.rules,
        a.extract.is_some(),
    )?);
    let (org, opened) = crate::org::open_for_scan(&a.org)?;
    if let Some(org) = org {
        engine = engine.with_org(org);
    }
    let (mut store, store_file) = match opened {
        Some((s, p)) => (Some(s), Some(p)),
        None => (None, None),
    };
    // Every scan is recorded in the register when a store is open (unless --no-record).
    let mut recorder = match (&store, &store_file, a.record.no_record) {
        (Some(s), Some(p), false) => Some(crate::register::Recorder::new(p, &a.record, s)?),
        _ => None,
    };
    let mut record_err: Option<anyhow::Error> = None;
    if let Some(d) = crate::intel::detector(&a.common.intel, a.quiet)? {
        engine = engine.with_detector(Box::new(d));
    }
    // Learning from clean mail: observations are collected in input order and written in batches.
    let mut learn_batch: Vec<spearwatch_org::observe::Observation> = Vec::new();
    let (mut learned, mut duplicates) = (0usize, 0usize);
    let mut learn_err: Option<anyhow::Error> = None;
    let now = crate::org::now();
    if let Some(dir) = &a.extract {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut extract_err: Option<anyhow::Error> = None;
    let (sources, expand_errors) = spearwatch_input::expand(&a.paths);
    let started = Instant::now();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut counts = [0usize; 4];
    let mut unreadable = 0usize;
    let mut failed_on = false;
    let mut write_err: Option<std::io::Error> = None;

    for e in &expand_errors {
        eprintln!("spearwatch: {e}");
        unreadable += 1;
    }

    // A progress line only for people watching a multi-input run. The total is not known up front
    // (an mbox holds any number of messages), so it counts what is done.
    let interactive = std::io::stderr().is_terminal() && !a.quiet;
    let multi = sources.len() > 1
        || sources
            .iter()
            .any(|s| matches!(s, spearwatch_input::Source::Mbox(_)));
    let bar = (interactive && multi).then(|| {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    });
    let mut scanned = 0usize;

    if a.format == Format::Table {
        write_err = writeln!(
            out,
            "{:<10} {:>6}  {:<40} FROM / SUBJECT",
            "VERDICT", "SCORE", "PATH"
        )
        .err();
    }
    let learning = a.learn;
    let recording = recorder.is_some();
    let blobs = recorder.as_ref().map(|r| r.blobs());
    pipeline::map(
        &sources,
        &a.common.input_limits(),
        a.common.threads(),
        |item| {
            let (report, mail) = engine.scan_keep(&item.bytes, &item.path);
            let obs = match (learning, engine.org()) {
                (true, Some(org)) if report.verdict == Verdict::Clean => {
                    spearwatch_org::observe::Observation::of(&mail, &item.bytes, &org.profile, now)
                }
                _ => None,
            };
            // The recorder needs the raw bytes and the parsed message; it runs on this thread's
            // results in input order, so campaign ids do not depend on thread timing.
            // The raw message is compressed and stored here, in parallel.
            let keep = recording.then(|| {
                let blob = blobs.as_ref().map(|b| b.put(&item.bytes));
                Box::new((item.bytes.clone(), mail, blob))
            });
            (
                Event::Scanned {
                    report: Box::new(report),
                    cpu_us: 0,
                },
                obs,
                keep,
            )
        },
        |res| {
            if write_err.is_some() {
                return;
            }
            let ev = match res {
                Ok((ev, obs, keep)) => {
                    if let (Some(rec), Some(st), Some(k), Event::Scanned { report, .. }, None) =
                        (recorder.as_mut(), store.as_ref(), keep, &ev, &record_err)
                    {
                        let (raw, mail, blob) = *k;
                        record_err = match blob.transpose() {
                            Ok(blob) => rec.record(st, &raw, report, &mail, now, blob).err(),
                            Err(e) => Some(e.into()),
                        };
                    }
                    if let (Some(o), Some(st), None) = (obs, store.as_mut(), &learn_err) {
                        learn_batch.push(o);
                        if learn_batch.len() >= 1_000 {
                            // Learning opens its own transaction: end the recording batch first.
                            if let Some(rec) = recorder.as_mut() {
                                if let Err(e) = rec.finish(st) {
                                    record_err.get_or_insert(e);
                                }
                            }
                            learn_err = crate::org::flush(
                                &mut learn_batch,
                                st,
                                &mut learned,
                                &mut duplicates,
                            )
                            .err();
                        }
                    }
                    ev
                }
                Err(error) => Event::Failed { error },
            };
            match ev {
                Event::Scanned { report, .. } => {
                    scanned += 1;
                    counts[report.verdict as usize] += 1;
                    if a.fail_on.is_some_and(|f| report.verdict >= f) {
                        failed_on = true;
                    }
                    // With a progress line on the same terminal, each row is written while the line
                    // is cleared, so the two never interleave.
                    let res = match &bar {
                        Some(b) => b.suspend(|| {
                            write_report(&mut out, &report, a.format, a.all_findings)
                                .and_then(|_| out.flush())
                        }),
                        None => write_report(&mut out, &report, a.format, a.all_findings),
                    };
                    write_err = res.err();
                    if let (Some(dir), None) = (&a.extract, &extract_err) {
                        for t in report.attachments.iter().filter_map(|x| x.tree.as_ref()) {
                            if let Err(e) = crate::inspect::extract(dir, t) {
                                extract_err = Some(e);
                                break;
                            }
                        }
                    }
                    if let Some(b) = &bar {
                        b.set_message(format!(
                            "{scanned} messages scanned, {unreadable} unreadable"
                        ));
                        b.tick();
                    }
                }
                Event::Failed { error } => {
                    unreadable += 1;
                    if let Some(b) = &bar {
                        b.suspend(|| eprintln!("spearwatch: {error}"));
                    } else {
                        eprintln!("spearwatch: {error}");
                    }
                }
            }
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_err {
        return Err(e.into());
    }
    if let Some(e) = extract_err {
        return Err(e);
    }
    if let (Some(rec), Some(st)) = (recorder.as_mut(), store.as_ref()) {
        if let Err(e) = rec.finish(st) {
            record_err.get_or_insert(e);
        }
    }
    if let (Some(st), None) = (store.as_mut(), &learn_err) {
        learn_err = crate::org::flush(&mut learn_batch, st, &mut learned, &mut duplicates).err();
    }
    if let Some(e) = learn_err {
        return Err(e.context("learning clean mail into the store"));
    }
    if let Some(e) = record_err {
        return Err(e.context("recording scans in the store"));
    }
    out.flush()?;
    if !a.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "spearwatch: {scanned} messages in {secs:.2}s ({:.0}/s): clean {}, suspicious {}, phishing {}, malicious {}; {unreadable} unreadable",
            scanned as f64 / secs.max(1e-9),
            counts[Verdict::Clean as usize],
            counts[Verdict::Suspicious as usize],
            counts[Verdict::Phishing as usize],
            counts[Verdict::Malicious as usize],
        );
        if learning {
            eprintln!("spearwatch: learned {learned} clean messages into the store ({duplicates} already known)");
        }
        if let Some(r) = &recorder {
            eprintln!(
                "spearwatch: recorded {} scans ({} recorded before); campaigns: {} new, {} messages joined one, {} merges (spearwatch campaigns list)",
                r.recorded, r.duplicates, r.created, r.joined, r.merged
            );
        }
    }
    Ok(if failed_on {
        exit::FAIL_ON
    } else if unreadable > 0 {
        exit::UNREADABLE
    } else {
        exit::OK
    })
}

fn write_report(
    out: &mut impl Write,
    r: &Report,
    format: Format,
    all: bool,
) -> std::io::Result<()> {
    match format {
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, r)?;
            out.write_all(b"\n")
        }
        Format::Table => write_row(out, r, all),
    }
}

fn write_row(out: &mut impl Write, r: &Report, all: bool) -> std::io::Result<()> {
    let who = match (&r.from, &r.subject) {
        (Some(f), Some(s)) => format!("{f} — {s}"),
        (Some(f), None) => f.clone(),
        (None, Some(s)) => format!("(no From) — {s}"),
        (None, None) => "(no From, no Subject)".into(),
    };
    writeln!(
        out,
        "{:<10} {:>6.1}  {:<40} {}",
        r.verdict.as_str(),
        r.score,
        truncate_path(&r.path, 40),
        truncate_str(&who.replace(['\r', '\n', '\t'], " "), 100)
    )?;
    if r.verdict == Verdict::Clean && !all {
        return Ok(());
    }
    let shown = if all { r.findings.len() } else { 5 };
    for f in r
        .findings
        .iter()
        .filter(|f| all || f.score > 0.0)
        .take(shown)
    {
        let ev = f
            .evidence
            .first()
            .map(|e| format!(" [{}]", truncate_str(&e.value, 60)))
            .unwrap_or_default();
        writeln!(
            out,
            "{:>19} {:>5.1}  {}{} {}",
            f.severity.as_str(),
            f.score,
            f.title,
            ev,
            f.techniques.join(",")
        )?;
    }
    for t in r.attachments.iter().filter_map(|x| x.tree.as_ref()) {
        if all || !t.children.is_empty() || t.all_findings().next().is_some() {
            crate::tree::write_tree(out, t, 20, all)?;
        }
    }
    Ok(())
}

/// Cuts a path for the PATH column from the left, so the file name (and an mbox's `#n`) stays visible.
fn truncate_path(path: &str, max: usize) -> String {
    let n = path.chars().count();
    if n <= max {
        return path.to_string();
    }
    let tail: String = path.chars().skip(n - max.saturating_sub(1)).collect();
    format!("…{tail}")
}
