//! Scale: 100,000 recorded messages, then a retro-hunt for a new domain indicator and for the
//! shared indicator lists. Ignored by default (a release build is meant):
//! `cargo test --release -p spearwatch-register --test timing -- --ignored --nocapture`.

use spearwatch_engine::Engine;
use spearwatch_intel::{Indicator, IndicatorSet, Kind};
use spearwatch_register::{Arrival, BlobStore, LinkPolicy, Register};
use spearwatch_store::Store;
use std::sync::Arc;
use std::time::Instant;

/// A message from a pool of senders and link hosts; every 2,000th links to the host the hunt
/// looks for.
fn message(i: usize) -> Vec<u8> {
    let host = if i % 2_000 == 7 {
        format!("files{}.late-found-c2.example", i % 3)
    } else {
        format!("www.site{}.example", i % 5_000)
    };
    format!(
        "From: Sender {s} <user{s}@domain{d}.example>\r\nTo: staff{t}@hanbit-x.com\r\nSubject: Weekly note {i}\r\n\
         Date: Mon, 2 Mar 2026 10:00:00 +0900\r\nMessage-ID: <{i}@gen.example>\r\n\
         Received: from mx{d}.example (mx{d}.example [198.51.{a}.{b}]) by mx.hanbit-x.com\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nHello, the notes for this week are at https://{host}/notes/{i} \
         and the archive is on the usual page. Regards, Sender {s}\r\n",
        s = i % 20_000,
        d = i % 3_000,
        t = i % 300,
        a = (i / 256) % 256,
        b = i % 256,
    )
    .into_bytes()
}

#[test]
#[ignore]
fn hunt_over_100k_stored_messages() {
    let n: usize = std::env::var("SPEARWATCH_HUNT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    let blobs = BlobStore::new(dir.path().join("blobs"));
    let policy = LinkPolicy::default();
    let reg = Register {
        store: &store,
        blobs: Some(&blobs),
        policy: &policy,
    };
    let engine = Engine::default();
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1_000) {
        store
            .in_transaction(|_| {
                for &i in chunk {
                    let raw = message(i);
                    let (report, mail) = engine.scan_keep(&raw, "gen");
                    let a = Arrival {
                        received_at: 1_772_000_000 + i as i64,
                        source: "scan".into(),
                        action: "none".into(),
                        ..Default::default()
                    };
                    reg.record(&raw, &report, &mail, &a).map_err(|e| {
                        spearwatch_store::StoreError::Inconsistent {
                            path: "x".into(),
                            detail: e.to_string(),
                        }
                    })?;
                }
                Ok(())
            })
            .unwrap();
    }
    let rec = t.elapsed();
    let db = std::fs::metadata(dir.path().join("s.db"))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(dir.path().join("s.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "recorded {n} messages (scan + record + blob) in {:.1} s = {:.0} msg/s; store {:.1} MB",
        rec.as_secs_f64(),
        n as f64 / rec.as_secs_f64(),
        db as f64 / 1e6
    );
    assert_eq!(store.scan_count().unwrap(), n as u64);

    let set = IndicatorSet::new(
        [Indicator::new(
            Kind::Domain,
            "late-found-c2.example",
            Arc::from("isac"),
        )],
        0,
    );
    let t = Instant::now();
    let rep = reg
        .hunt_indicators(&set, "new-domain", 1_800_000_000)
        .unwrap();
    let el = t.elapsed();
    println!(
        "hunt for one new domain over {n} stored messages: {} hits in {:.1} ms (look-ups {:.2} ms; the rest records the hits and clusters them)",
        rep.hits.len(),
        el.as_secs_f64() * 1e3,
        rep.lookup.as_secs_f64() * 1e3
    );
    assert_eq!(rep.hits.len(), n / 2_000);
    assert!(el.as_secs_f64() < 1.0, "{el:?}");

    // The shared lists, if unpacked.
    let iocs = std::path::Path::new("/var/tmp/spearwatch-corpus/intel/iocs");
    if iocs.is_dir() {
        let mut inds = Vec::new();
        for e in walk(iocs) {
            if let Ok(bytes) = std::fs::read(&e) {
                let stem = e
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Ok(imp) = spearwatch_intel::load(&bytes, &stem) {
                    inds.extend(imp.indicators);
                }
            }
        }
        let set = IndicatorSet::new(inds, 0);
        let t = Instant::now();
        let rep = reg
            .hunt_indicators(&set, "shared-lists", 1_800_000_000)
            .unwrap();
        println!(
            "hunt for the {} shared indicators over {n} stored messages: {} hits in {:.0} ms (look-ups {:.0} ms)",
            set.len(),
            rep.hits.len(),
            t.elapsed().as_secs_f64() * 1e3,
            rep.lookup.as_secs_f64() * 1e3
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
