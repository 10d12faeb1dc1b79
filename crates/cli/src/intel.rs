//! `--intel FILE`: threat-intelligence indicator files for `scan` and `eval`.

use anyhow::{Context as _, Result};
use spearwatch_intel::{IndicatorSet, IntelDetector, MAX_FILE_BYTES};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Loads every file (STIX bundle or MISP event when JSON, by content; else a plain list whose source
/// is the file stem), prints a one-line summary on stderr, and returns the detector. `None` without
/// files. A file that cannot be read or parsed is an error: an indicator feed given on the command
/// line and silently missing would be worse.
pub fn detector(files: &[PathBuf], quiet: bool) -> Result<Option<IntelDetector>> {
    if files.is_empty() {
        return Ok(None);
    }
    Ok(Some(IntelDetector::new(Arc::new(load_set(files, quiet)?))))
}

/// Loads the files into one set (see [`detector`]), with the summary line.
pub fn load_set(files: &[PathBuf], quiet: bool) -> Result<IndicatorSet> {
    let started = Instant::now();
    let mut indicators = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for f in files {
        let size = std::fs::metadata(f)
            .with_context(|| format!("cannot read indicator file {}", f.display()))?
            .len();
        if size > MAX_FILE_BYTES as u64 {
            anyhow::bail!(
                "indicator file {}: {size} bytes is more than the {MAX_FILE_BYTES}-byte limit",
                f.display()
            );
        }
        let bytes = std::fs::read(f)
            .with_context(|| format!("cannot read indicator file {}", f.display()))?;
        let stem = f.file_stem().map_or_else(
            || f.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        let imp = spearwatch_intel::load(&bytes, &stem)
            .with_context(|| format!("indicator file {}", f.display()))?;
        for (why, n) in &imp.skipped {
            *skipped.entry(why.clone()).or_default() += n;
        }
        indicators.extend(imp.indicators);
    }
    let set = IndicatorSet::new(indicators, crate::org::now());
    if !quiet {
        let st = set.stats();
        let kinds: Vec<String> = st.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let mut reasons: Vec<(&String, &usize)> = skipped.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        let top: Vec<String> = reasons
            .iter()
            .take(4)
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        eprintln!(
            "spearwatch: intel: {} indicators from {} files ({}); skipped {}{}; expired {}; {:.0} ms",
            st.total(),
            files.len(),
            if kinds.is_empty() { "none".to_string() } else { kinds.join(", ") },
            skipped.values().sum::<usize>(),
            if top.is_empty() { String::new() } else { format!(" ({})", top.join(", ")) },
            st.expired,
            started.elapsed().as_secs_f64() * 1e3,
        );
    }
    Ok(set)
}
