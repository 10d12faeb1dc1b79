//! `spearwatch eval`: detection rates and speed on labelled sets.

use crate::pipeline::{self, Event};
use crate::{exit, EvalArgs};
use anyhow::{Context as _, Result};
use spearwatch_engine::Engine;
use spearwatch_eval::{Sample, SetStats};
use std::io::Write;
use std::time::Instant;

pub fn run(a: EvalArgs) -> Result<u8> {
    let mut engine = Engine::new(a.common.policy()?)
        .with_content_options(crate::content_options(&a.common.rules, false)?);
    if let Some((org, _store)) = crate::org::open(&a.org)? {
        engine = engine.with_org(org);
    }
    if let Some(d) = crate::intel::detector(&a.common.intel, false)? {
        engine = engine.with_detector(Box::new(d));
    }
    let threads = a.common.threads();
    let mut dump = match &a.dump {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };
    let mut summaries = Vec::new();
    for (label, path) in &a.sets {
        let (sources, errors) = spearwatch_input::expand(std::slice::from_ref(path));
        let mut stats = SetStats::new(label.clone());
        stats.errors = errors.len();
        for e in &errors {
            eprintln!("spearwatch: {e}");
        }
        let started = Instant::now();
        let mut dump_err = None;
        pipeline::run(
            &engine,
            &sources,
            &a.common.input_limits(),
            threads,
            |ev| match ev {
                Event::Scanned { report, cpu_us } => {
                    let ids: Vec<String> = report
                        .findings
                        .iter()
                        .filter(|f| f.score > 0.0)
                        .map(|f| f.id.clone())
                        .collect();
                    if let (Some(d), None) = (dump.as_mut(), &dump_err) {
                        let line = serde_json::json!({
                            "set": label, "path": report.path, "verdict": report.verdict, "score": report.score,
                            "findings": ids, "elapsed_us": report.elapsed_us, "cpu_us": cpu_us,
                        });
                        dump_err = writeln!(d, "{line}").err();
                    }
                    stats.add(Sample {
                        verdict: report.verdict,
                        finding_ids: ids,
                        elapsed_us: report.elapsed_us,
                        cpu_us,
                        bytes: report.size,
                    });
                }
                Event::Failed { error } => {
                    eprintln!("spearwatch: {error}");
                    stats.errors += 1;
                }
            },
        );
        if let Some(e) = dump_err {
            return Err(e).context("writing --dump file");
        }
        let wall = started.elapsed().as_secs_f64();
        summaries.push(stats.summary(wall, peak_rss_mib(), a.top));
        if !a.json {
            print!(
                "{}",
                summaries.last().map(|s| s.render()).unwrap_or_default()
            );
            std::io::stdout().flush()?;
        }
    }
    if let Some(mut d) = dump {
        d.flush()?;
    }
    if a.json {
        let doc = serde_json::json!({ "threads": threads, "sets": summaries });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!("(threads: {threads}; CPU time is per scanning thread; peak RSS is the process's so far)");
    }
    Ok(exit::OK)
}

/// Peak resident set size of this process (Linux `VmHWM`), MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
