// The importers on the real feeds of the local corpus (/var/tmp/spearwatch-corpus/intel), which is
// not in the repository: `cargo test -p spearwatch-intel --release -- --ignored --nocapture corpus`.

use spearwatch_intel::{load, IndicatorSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

const ROOT: &str = "/var/tmp/spearwatch-corpus/intel";

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("txt" | "sha256" | "json")
        ) {
            out.push(p);
        }
    }
}

#[test]
#[ignore]
fn corpus_feeds_load() {
    let root = Path::new(ROOT);
    if !root.exists() {
        eprintln!("no corpus at {ROOT}");
        return;
    }
    let mut paths = Vec::new();
    files(&root.join("iocs"), &mut paths);
    let started = Instant::now();
    let mut all = Vec::new();
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        let stem = p.file_stem().unwrap().to_string_lossy();
        match load(&bytes, &stem) {
            Ok(imp) => {
                eprintln!(
                    "{}: {} -> {} indicators {:?}; skipped {} {:?}",
                    p.strip_prefix(root).unwrap().display(),
                    imp.format,
                    imp.indicators.len(),
                    imp.by_kind(),
                    imp.skipped_total(),
                    imp.skipped
                );
                all.extend(imp.indicators);
            }
            Err(e) => eprintln!(
                "{}: not loaded: {e}",
                p.strip_prefix(root).unwrap().display()
            ),
        }
    }
    let load_t = started.elapsed();
    let t = Instant::now();
    let set = IndicatorSet::new(all, 1_767_225_600);
    eprintln!(
        "iocs: {} files, {} indicators {:?}, expired {}, invalid {}; load {load_t:?}, index {:?}",
        paths.len(),
        set.len(),
        set.stats().by_kind,
        set.stats().expired,
        set.stats().invalid,
        t.elapsed()
    );
    assert!(set.len() > 10_000);

    let bundle = std::fs::read(root.join("attack-dprk/dprk_subset_bundle.json")).unwrap();
    let imp = load(&bundle, "dprk_subset_bundle").unwrap();
    eprintln!(
        "attack-dprk bundle: {} -> {} indicators; skipped {} {:?}",
        imp.format,
        imp.indicators.len(),
        imp.skipped_total(),
        imp.skipped
    );
    assert_eq!(imp.skipped_total(), 829);
}
