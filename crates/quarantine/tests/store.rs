//! Storage: put/get/list/raw round trips, crash recovery, corruption, id validation, delete and
//! expiry, the lock and the index file. Timing of `put` is the ignored test at the end.

mod common;

use common::{meta, sized_message, tricky_message};
use spearwatch_quarantine::{ListFilter, NewEntry, Quarantine, QuarantineError, State, INDEX_FILE};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

fn open(dir: &Path) -> Quarantine {
    let (q, report) = Quarantine::open(dir).expect("open");
    assert!(report.is_clean(), "{report:?}");
    q
}

fn index(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(INDEX_FILE)).expect("index")
}

#[test]
fn put_get_list_raw_round_trip_byte_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let tricky = tricky_message();
    let a = q
        .put(&tricky, meta(&["a@example.org", "b@example.org"]))
        .unwrap();
    let plain = sized_message(1, 5000);
    let b = q.put(&plain, meta(&["c@example.org"])).unwrap();
    let empty = q.put(b"", meta(&["d@example.org"])).unwrap();

    assert_ne!(a.id, b.id);
    assert_eq!(a.state, State::Held);
    assert_eq!(a.size, tricky.len() as u64);
    assert_eq!(a.message_id.as_deref(), Some("<x1@example.kr>"));
    assert_eq!(a.from.as_deref(), Some("\"Kim\" <kim@example.kr>"));
    // As written (not RFC 2047-decoded), unfolded.
    assert_eq!(
        a.subject.as_deref(),
        Some("=?UTF-8?B?7ZWc6riA?=\tcontinued")
    );
    assert_eq!(a.envelope.rcpts, ["a@example.org", "b@example.org"]);
    assert_eq!(a.score, 0.93);

    // The raw file is the bytes as received, and raw() returns them.
    assert_eq!(
        fs::read(tmp.path().join(format!("{}.eml", a.id))).unwrap(),
        tricky
    );
    assert_eq!(q.raw(&a.id).unwrap(), tricky);
    assert_eq!(q.raw(&b.id).unwrap(), plain);
    assert_eq!(q.raw(&empty.id).unwrap(), b"");

    assert_eq!(q.get(&a.id).unwrap().as_ref(), Some(&a));
    assert_eq!(q.get("20000101T000000Z-00000000").unwrap(), None);

    let all = q.list(&ListFilter::default()).unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.contains(&a) && all.contains(&b) && all.contains(&empty));
    let page = q
        .list(&ListFilter {
            limit: 2,
            offset: 2,
            ..ListFilter::default()
        })
        .unwrap();
    assert_eq!(page.len(), 1);
    assert!(q
        .list(&ListFilter {
            state: Some(State::Deleted),
            ..ListFilter::default()
        })
        .unwrap()
        .is_empty());
    assert!(q
        .list(&ListFilter {
            since: Some(a.received_at + 3600),
            ..ListFilter::default()
        })
        .unwrap()
        .is_empty());

    // The values survive closing and reopening.
    drop(q);
    let q = open(tmp.path());
    assert_eq!(q.get(&a.id).unwrap(), Some(a));
}

#[test]
fn caller_supplied_header_values_win_and_are_clipped() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q
        .put(
            &tricky_message(),
            NewEntry {
                subject: Some("한글".into()),
                reason: "x".repeat(5000),
                ..meta(&["a@example.org"])
            },
        )
        .unwrap();
    assert_eq!(e.subject.as_deref(), Some("한글"));
    assert_eq!(e.reason.len(), 998);
    let nan = q.put(
        b"x",
        NewEntry {
            score: f32::NAN,
            ..meta(&["a@example.org"])
        },
    );
    assert!(
        matches!(nan, Err(QuarantineError::InvalidMeta(_))),
        "{nan:?}"
    );
    // A refused put leaves nothing behind: one message, one sidecar, the index and the lock.
    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with("quarantine.db"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{}.eml", e.id),
            format!("{}.json", e.id),
            "quarantine.lock".into()
        ]
    );
}

#[test]
fn recovery_reindexes_a_message_whose_row_was_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    drop(q);
    // A crash between the rename and the insert: the files are there, the row is not.
    index(tmp.path())
        .execute("DELETE FROM entries WHERE id = ?1", [&e.id])
        .unwrap();
    let (q, report) = Quarantine::open(tmp.path()).unwrap();
    assert_eq!(report.reindexed, std::slice::from_ref(&e.id));
    assert!(report.reindexed_without_sidecar.is_empty());
    assert_eq!(q.get(&e.id).unwrap(), Some(e.clone()));
    assert_eq!(q.raw(&e.id).unwrap(), tricky_message());
}

#[test]
fn recovery_without_a_sidecar_indexes_the_message_as_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    let f = q
        .put(&sized_message(2, 300), meta(&["a@example.org"]))
        .unwrap();
    drop(q);
    let db = index(tmp.path());
    db.execute("DELETE FROM entries", []).unwrap();
    drop(db);
    fs::remove_file(tmp.path().join(format!("{}.json", e.id))).unwrap();
    fs::write(tmp.path().join(format!("{}.json", f.id)), b"{ truncated").unwrap();
    let (q, report) = Quarantine::open(tmp.path()).unwrap();
    let mut both = vec![e.id.clone(), f.id.clone()];
    both.sort();
    assert_eq!(report.reindexed, both);
    assert_eq!(report.reindexed_without_sidecar, both);
    let got = q.get(&e.id).unwrap().unwrap();
    assert_eq!(got.verdict, "unknown");
    assert_eq!(got.state, State::Held);
    assert_eq!(got.sha256, e.sha256);
    assert_eq!(got.message_id.as_deref(), Some("<x1@example.kr>"));
    assert!(got.envelope.rcpts.is_empty());
    assert!(got.reason.contains("no sidecar"), "{}", got.reason);
    assert!(q
        .get(&f.id)
        .unwrap()
        .unwrap()
        .reason
        .contains("unreadable sidecar"));
}

#[test]
fn recovery_marks_a_row_without_its_file_lost_and_restores_it_when_the_file_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    let kept = q
        .put(&sized_message(3, 400), meta(&["a@example.org"]))
        .unwrap();
    drop(q);
    let eml = tmp.path().join(format!("{}.eml", e.id));
    let saved = fs::read(&eml).unwrap();
    fs::remove_file(&eml).unwrap();

    let (q, report) = Quarantine::open(tmp.path()).unwrap();
    assert_eq!(report.lost, std::slice::from_ref(&e.id));
    let lost = q.get(&e.id).unwrap().unwrap();
    assert_eq!(lost.state, State::Lost);
    assert!(lost.lost_at.is_some());
    assert_eq!(q.get(&kept.id).unwrap().unwrap().state, State::Held);
    assert!(matches!(
        q.raw(&e.id),
        Err(QuarantineError::WrongState {
            state: State::Lost,
            ..
        })
    ));
    // The sidecar stays: it is the record of what the lost message was.
    assert!(tmp.path().join(format!("{}.json", e.id)).exists());
    let listed = q
        .list(&ListFilter {
            state: Some(State::Lost),
            ..ListFilter::default()
        })
        .unwrap();
    assert_eq!(listed, [lost]);
    drop(q);

    // Reported once: a second open has nothing new to say.
    let (q, report) = Quarantine::open(tmp.path()).unwrap();
    assert!(report.is_clean(), "{report:?}");
    drop(q);

    fs::write(&eml, &saved).unwrap();
    let (q, report) = Quarantine::open(tmp.path()).unwrap();
    assert_eq!(report.restored, std::slice::from_ref(&e.id));
    assert_eq!(q.get(&e.id).unwrap(), Some(e));
}

#[test]
fn recovery_removes_temp_files_and_orphan_sidecars_and_leaves_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = &tmp.path().join("q");
    let q = open(dir);
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    drop(q);
    // Crashes before the rename: a temp file, and a sidecar whose message never got its name.
    fs::write(dir.join("20261124T201500Z-0000abcd.eml.tmp"), b"partial").unwrap();
    fs::write(dir.join("20261124T201500Z-0000abce.eml.tmp"), b"").unwrap();
    fs::write(dir.join("20261124T201500Z-0000abce.json"), b"{\"id\":").unwrap();
    fs::write(dir.join("notes.txt"), b"not ours").unwrap();
    fs::write(dir.join("../x.eml.tmp"), b"outside").unwrap();

    let (q, report) = Quarantine::open(dir).unwrap();
    assert_eq!(report.temp_removed.len(), 2);
    assert_eq!(
        report.orphan_sidecars_removed,
        ["20261124T201500Z-0000abce"]
    );
    assert_eq!(report.unknown_files, [dir.join("notes.txt")]);
    assert!(report.lost.is_empty() && report.reindexed.is_empty());
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with("quarantine."))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{}.eml", e.id),
            format!("{}.json", e.id),
            "notes.txt".into()
        ]
    );
    assert!(dir.join("../x.eml.tmp").exists());
    assert_eq!(q.raw(&e.id).unwrap(), tricky_message());
}

#[test]
fn recovery_finishes_an_interrupted_delete() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    drop(q);
    // delete() commits the row first: a crash before the files go leaves this.
    index(tmp.path())
        .execute(
            "UPDATE entries SET state = 'deleted', deleted_at = 1 WHERE id = ?1",
            [&e.id],
        )
        .unwrap();
    let (q, report) = Quarantine::open(tmp.path()).unwrap();
    assert_eq!(report.deletions_finished, std::slice::from_ref(&e.id));
    assert!(!tmp.path().join(format!("{}.eml", e.id)).exists());
    assert!(!tmp.path().join(format!("{}.json", e.id)).exists());
    assert_eq!(q.get(&e.id).unwrap().unwrap().state, State::Deleted);
}

#[test]
fn corruption_is_detected_by_size_and_sha256() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    let eml = tmp.path().join(format!("{}.eml", e.id));
    let mut bytes = fs::read(&eml).unwrap();
    bytes[40] ^= 0x20; // same size, one bit flipped
    fs::write(&eml, &bytes).unwrap();
    let err = q.raw(&e.id).unwrap_err();
    assert!(matches!(err, QuarantineError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("SHA-256"), "{err}");

    bytes.extend_from_slice(b"appended");
    fs::write(&eml, &bytes).unwrap();
    let err = q.raw(&e.id).unwrap_err();
    assert!(err.to_string().contains("bytes on disk"), "{err}");
    // A corrupted message is not released either.
    let relay = spearwatch_quarantine::SmtpRelay {
        addr: "127.0.0.1:9".parse().unwrap(),
        helo: "gw".into(),
        timeout: Duration::from_millis(200),
    };
    assert!(matches!(
        q.release(&e.id, &relay),
        Err(QuarantineError::Corrupt { .. })
    ));
    assert_eq!(q.get(&e.id).unwrap().unwrap().state, State::Held);
}

#[test]
fn ids_that_could_traverse_paths_are_refused_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(&tmp.path().join("q"));
    fs::write(tmp.path().join("secret.eml"), b"outside").unwrap();
    let relay = spearwatch_quarantine::SmtpRelay {
        addr: "127.0.0.1:9".parse().unwrap(),
        helo: "gw".into(),
        timeout: Duration::from_millis(200),
    };
    for id in [
        "../secret",
        "../../etc/passwd",
        "/etc/passwd",
        "20261124T201500Z-0000abcd/../../secret",
        "20261124T201500Z-0000ABCD",
        "20261124T201500Z-0000abcd\0",
        "",
        "quarantine",
    ] {
        let invalid =
            |r: &Result<_, QuarantineError>| matches!(r, Err(QuarantineError::InvalidId(_)));
        assert!(invalid(&q.get(id).map(|_| ())), "get {id:?}");
        assert!(invalid(&q.raw(id).map(|_| ())), "raw {id:?}");
        assert!(invalid(&q.delete(id).map(|_| ())), "delete {id:?}");
        assert!(
            invalid(&q.release(id, &relay).map(|_| ())),
            "release {id:?}"
        );
        assert!(invalid(&q.eml_path(id).map(|_| ())), "eml_path {id:?}");
    }
    assert!(tmp.path().join("secret.eml").exists());
    assert!(matches!(
        q.raw("20261124T201500Z-0000abcd"),
        Err(QuarantineError::NotFound(_))
    ));
}

#[test]
fn delete_removes_the_file_and_keeps_the_row() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let e = q.put(&tricky_message(), meta(&["a@example.org"])).unwrap();
    let d = q.delete(&e.id).unwrap();
    assert_eq!(d.state, State::Deleted);
    assert!(d.deleted_at.is_some());
    assert_eq!(d.sha256, e.sha256);
    assert!(!tmp.path().join(format!("{}.eml", e.id)).exists());
    assert!(!tmp.path().join(format!("{}.json", e.id)).exists());
    assert_eq!(
        q.delete(&e.id).unwrap(),
        d,
        "deleting again changes nothing"
    );
    assert!(matches!(
        q.raw(&e.id),
        Err(QuarantineError::WrongState {
            state: State::Deleted,
            ..
        })
    ));
    drop(q);
    let (_q, report) = Quarantine::open(tmp.path()).unwrap();
    assert!(
        report.is_clean(),
        "a deleted entry is not reported lost: {report:?}"
    );
}

#[test]
fn expire_deletes_held_entries_older_than_the_retention() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    let old = q
        .put(&sized_message(1, 200), meta(&["a@example.org"]))
        .unwrap();
    let released_like = q
        .put(&sized_message(2, 200), meta(&["a@example.org"]))
        .unwrap();
    let young = q
        .put(&sized_message(3, 200), meta(&["a@example.org"]))
        .unwrap();
    let db = index(tmp.path());
    db.execute(
        "UPDATE entries SET received_at = received_at - 40 * 86400 WHERE id IN (?1, ?2)",
        [&old.id, &released_like.id],
    )
    .unwrap();
    db.execute(
        "UPDATE entries SET state = 'released', released_at = 1 WHERE id = ?1",
        [&released_like.id],
    )
    .unwrap();
    drop(db);
    let now = young.received_at;
    let month = Duration::from_secs(30 * 86400);
    assert_eq!(q.expire(month, now).unwrap(), 1);
    assert_eq!(q.get(&old.id).unwrap().unwrap().state, State::Deleted);
    assert!(!tmp.path().join(format!("{}.eml", old.id)).exists());
    assert_eq!(
        q.get(&released_like.id).unwrap().unwrap().state,
        State::Released
    );
    assert_eq!(q.get(&young.id).unwrap().unwrap().state, State::Held);
    assert_eq!(q.expire(month, now).unwrap(), 0, "idempotent");
    assert_eq!(q.expire(Duration::ZERO, now + 1).unwrap(), 1);
    assert_eq!(q.get(&young.id).unwrap().unwrap().state, State::Deleted);
    // Released copies go with purge_released, by release time.
    assert_eq!(q.purge_released(month, now).unwrap(), 1);
    let purged = q.get(&released_like.id).unwrap().unwrap();
    assert_eq!(
        (purged.state, purged.released_at),
        (State::Deleted, Some(1))
    );
    assert!(!tmp
        .path()
        .join(format!("{}.eml", released_like.id))
        .exists());
    let counts = q.counts().unwrap();
    assert_eq!(
        counts,
        [
            (State::Held, 0),
            (State::Released, 0),
            (State::Deleted, 3),
            (State::Lost, 0)
        ]
    );
}

#[test]
fn puts_from_many_threads_all_land_with_distinct_ids() {
    fn shared<T: Send + Sync>(_: &T) {}
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    shared(&q);
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let q = &q;
                s.spawn(move || {
                    (0..25)
                        .map(|i| {
                            q.put(&sized_message(t * 100 + i, 2000), meta(&["a@example.org"]))
                                .unwrap()
                                .id
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), 100);
    assert_eq!(q.counts().unwrap()[0], (State::Held, 100));
    drop(q);
    let (_q, report) = Quarantine::open(tmp.path()).unwrap();
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn a_second_open_of_the_same_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let q = open(tmp.path());
    assert!(matches!(
        Quarantine::open(tmp.path()),
        Err(QuarantineError::Locked { .. })
    ));
    drop(q);
    let _again = open(tmp.path());
}

#[test]
fn the_index_has_its_own_schema_version_and_refuses_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    drop(open(tmp.path()));
    let db = index(tmp.path());
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mode: String = db
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!((version, mode.as_str()), (1, "wal"));
    db.execute("PRAGMA user_version = 99", []).unwrap();
    drop(db);
    let err = Quarantine::open(tmp.path()).unwrap_err();
    assert!(err.to_string().contains("schema version 99"), "{err}");

    let other = tempfile::tempdir().unwrap();
    let db = index(other.path());
    db.execute_batch("CREATE TABLE t (x); PRAGMA application_id = 7;")
        .unwrap();
    drop(db);
    assert!(matches!(
        Quarantine::open(other.path()),
        Err(QuarantineError::Foreign { .. })
    ));
}

/// `put` latency with every fsync, 500 puts of 20 KB. Run with
/// `cargo test -p spearwatch-quarantine --test store -- --ignored --nocapture put_latency`;
/// `QUARANTINE_BENCH_DIR` picks the file system (default: the system temp dir).
#[test]
#[ignore]
fn put_latency() {
    let base = std::env::var_os("QUARANTINE_BENCH_DIR").map(std::path::PathBuf::from);
    let tmp = match &base {
        Some(b) => tempfile::tempdir_in(b).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let q = open(tmp.path());
    let msgs: Vec<Vec<u8>> = (0..500).map(|i| sized_message(i, 20 * 1024)).collect();
    let mut times = Vec::with_capacity(msgs.len());
    let start = Instant::now();
    for m in &msgs {
        let t = Instant::now();
        q.put(m, meta(&["a@example.org"])).unwrap();
        times.push(t.elapsed());
    }
    let total = start.elapsed();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).min(times.len()) - 1];
    println!(
        "put latency, 500 x 20 KB in {}: median {:?}, p99 {:?}, max {:?}, total {:?} ({:.0} puts/s)",
        tmp.path().display(),
        pct(0.5),
        pct(0.99),
        times[times.len() - 1],
        total,
        500.0 / total.as_secs_f64()
    );
}
