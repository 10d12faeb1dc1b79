//! Archive traversal throughput: a flat zip of 200 text members (20 MB expanded) and a nested zip
//! (10 inner zips of 20 members each, the same 20 MB), through the whole engine (typing, hashing,
//! limits). Throughput is reported in expanded bytes per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Deterministic text-like bytes (compresses about 3:1 with deflate, like documents and logs).
fn text(seed: u64, len: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "invoice",
        "payment",
        "the",
        "of",
        "account",
        "2024",
        "report",
        "quarter",
        "shipment",
        "customer",
        "and",
        "please",
        "find",
        "attached",
        "total",
        "amount",
        "due",
        "reference",
    ];
    let mut s = seed;
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.extend_from_slice(WORDS[(s >> 33) as usize % WORDS.len()].as_bytes());
        out.push(if (s >> 20).is_multiple_of(11) {
            b'\n'
        } else {
            b' '
        });
        if (s >> 40).is_multiple_of(7) {
            out.extend_from_slice(format!("{}", s % 100_000).as_bytes());
        }
    }
    out.truncate(len);
    out
}

fn zip_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    for (n, d) in members {
        z.start_file(n.as_str(), opts).unwrap();
        z.write_all(d).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn bench(c: &mut Criterion) {
    let member = 100_000;
    let flat: Vec<(String, Vec<u8>)> = (0..200)
        .map(|i| (format!("docs/file{i}.txt"), text(i, member)))
        .collect();
    let expanded = (200 * member) as u64;
    let flat_zip = zip_of(&flat);
    let nested_zip = zip_of(
        &(0..10)
            .map(|j| {
                let inner: Vec<(String, Vec<u8>)> = (0..20)
                    .map(|i| (format!("f{i}.txt"), text(j * 100 + i, member)))
                    .collect();
                (format!("part{j}.zip"), zip_of(&inner))
            })
            .collect::<Vec<_>>(),
    );
    let opts = spearwatch_content::Options::default();
    let mut g = c.benchmark_group("archive");
    g.throughput(Throughput::Bytes(expanded));
    g.sample_size(20);
    g.bench_function("zip_200x100k", |b| {
        b.iter(|| spearwatch_content::analyse(&flat_zip, "a.zip", None, &opts))
    });
    g.bench_function("zip_nested_10x20x100k", |b| {
        b.iter(|| spearwatch_content::analyse(&nested_zip, "n.zip", None, &opts))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
