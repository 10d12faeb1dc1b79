//! Per-format analysis time of the content engine.
//!
//! With the evaluation corpus unpacked (`SPEARWATCH_CORPUS`, default `/var/tmp/spearwatch-corpus`), the
//! bench takes, for each kind the engine detects, the first files of that kind listed in
//! `attachments/manifest.tsv` (up to 8 per kind) and measures `analyse` over them. Without the corpus it
//! measures only the in-code fixtures below, so the bench always runs.
//!
//! Run with `cargo bench -p spearwatch-content --bench formats`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use spearwatch_content::{analyse, kind::sniff, Kind, Options};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

fn corpus_samples() -> BTreeMap<&'static str, Vec<(String, Vec<u8>)>> {
    let root =
        std::env::var("SPEARWATCH_CORPUS").unwrap_or_else(|_| "/var/tmp/spearwatch-corpus".into());
    let base = PathBuf::from(root).join("attachments");
    let mut out: BTreeMap<&'static str, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let Ok(manifest) = std::fs::read_to_string(base.join("manifest.tsv")) else {
        return out;
    };
    for line in manifest.lines().skip(1) {
        let Some(rel) = line.split('\t').next() else {
            continue;
        };
        let Ok(data) = std::fs::read(base.join(rel)) else {
            continue;
        };
        let name = rel.rsplit('/').next().unwrap_or(rel).to_string();
        let kind = sniff(&data, &name);
        if matches!(kind, Kind::Unknown | Kind::Text) {
            continue;
        }
        let v = out.entry(kind.as_str()).or_default();
        if v.len() < 8 {
            v.push((name, data));
        }
    }
    out
}

fn fixtures() -> Vec<(&'static str, String, Vec<u8>)> {
    let page = format!(
        "<html><body><p>{}</p><form action=\"https://x.example/p\"><input type=password></form></body></html>",
        "Account statement ".repeat(2000)
    );
    let sylk = format!("ID;P\r\n{}E\r\n", "C;X1;Y1;K42\r\n".repeat(5000));
    vec![
        ("fixture_html", "page.html".into(), page.into_bytes()),
        ("fixture_sylk", "sheet.slk".into(), sylk.into_bytes()),
    ]
}

fn bench(c: &mut Criterion) {
    let opts = Options::default();
    let mut g = c.benchmark_group("format");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    for (label, name, data) in fixtures() {
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(label, |b| {
            b.iter(|| analyse(black_box(&data), &name, None, &opts))
        });
    }
    for (kind, files) in corpus_samples() {
        let bytes: usize = files.iter().map(|(_, d)| d.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(kind, |b| {
            b.iter(|| {
                for (name, data) in &files {
                    black_box(analyse(black_box(data), name, None, &opts));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
