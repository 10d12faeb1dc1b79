//! The store against the reference semantics (`Knowledge::apply`), its errors, and its speed.

use spearwatch_org::knowledge::{MAX_NAMES_PER_ADDRESS, MAX_PARTICIPANTS};
use spearwatch_org::observe::{Direction, Observation};
use spearwatch_org::Knowledge;
use spearwatch_store::{Store, StoreError};
use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// xorshift64*: deterministic fixtures without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const LATIN: &[&str] = &[
    "Minjun Kim",
    "Kim Minjun",
    "Seoyeon Park (Samil Tax)",
    "Jiwoo Lee, CPA",
    "Finance Team",
    "HR",
    "Daniel Choi | Hanbit",
];
const HANGUL: &[&str] = &[
    "김민준 세무사",
    "김민준",
    "박서연 [삼일세무]",
    "이지우 팀장",
    "최다니엘 대표",
    "님",
    "한빛 재무팀",
];

/// `n` observations in every direction, with repeated messages (same key), Message-IDs re-used under
/// other keys, threads (one crowded past MAX_PARTICIPANTS), an address with more than
/// MAX_NAMES_PER_ADDRESS names, duplicate recipients, the sender among its recipients, and times of 0
/// and below.
fn generate(n: usize, seed: u64) -> Vec<Observation> {
    let mut rng = Rng(seed);
    let org: Vec<String> = (0..8).map(|i| format!("staff{i}@hanbit-x.com")).collect();
    let domains = [
        "samil-tax.kr",
        "mail.samil-tax.kr",
        "partner.co.kr",
        "example.com",
        "gmail.com",
        "sub.gov.kr",
    ];
    let outside: Vec<String> = (0..120)
        .map(|i| format!("p{i}@{}", domains[i % domains.len()]))
        .collect();
    let threads: Vec<String> = (0..12).map(|i| format!("root{i}@hanbit-x.com")).collect();
    let mut out: Vec<Observation> = Vec::with_capacity(n);
    for i in 0..n {
        if !out.is_empty() && rng.below(10) == 0 {
            // The same message again (another mailbox's copy), or the same key with other content.
            let mut o = out[rng.below(out.len())].clone();
            if rng.below(2) == 0 {
                o.at += 5;
            }
            out.push(o);
            continue;
        }
        let direction = *rng.pick(&[
            Direction::Inbound,
            Direction::Outbound,
            Direction::Internal,
            Direction::Unrelated,
        ]);
        let ext = |rng: &mut Rng| {
            // Skewed towards a few correspondents, so counters grow past 1.
            if rng.below(3) == 0 {
                rng.pick(&outside).clone()
            } else {
                outside[rng.below(6)].clone()
            }
        };
        let from = match direction {
            Direction::Outbound | Direction::Internal => rng.pick(&org).clone(),
            _ if i % 7 == 0 => "chameleon@samil-tax.kr".to_string(),
            _ => ext(&mut rng),
        };
        let mut recipients: Vec<String> = (0..1 + rng.below(4))
            .map(|_| match direction {
                Direction::Inbound | Direction::Internal => rng.pick(&org).clone(),
                _ => ext(&mut rng),
            })
            .collect();
        if rng.below(15) == 0 {
            recipients.push(recipients[0].clone());
        }
        if rng.below(25) == 0 {
            recipients.push(from.clone());
        }
        let from_name = if from == "chameleon@samil-tax.kr" {
            // A forger cycling through names: more than MAX_NAMES_PER_ADDRESS distinct ones.
            Some(format!("Minjun Kim {}", i % 40))
        } else {
            match rng.below(4) {
                0 => None,
                1 => Some(rng.pick(LATIN).to_string()),
                _ => Some(rng.pick(HANGUL).to_string()),
            }
        };
        let at = match rng.below(40) {
            0 => 0,
            1 => -(rng.below(1000) as i64),
            _ => 1_700_000_000 + rng.below(10_000_000) as i64,
        };
        let (thread, message_id) = match rng.below(8) {
            0 => (None, None),
            1 => (None, Some(format!("m{i}@x"))),
            // A Message-ID seen before, under another key and maybe another thread.
            2 if i > 10 => (
                Some(rng.pick(&threads).clone()),
                Some(format!("m{}@x", rng.below(i))),
            ),
            3 => {
                // A thread's root message itself.
                let t = rng.pick(&threads).clone();
                (Some(t.clone()), Some(t))
            }
            4 => {
                // The crowded thread: everyone writes to everyone.
                let extra = (0..4).map(|_| rng.pick(&outside).clone());
                recipients.extend(extra);
                (Some("crowded@list".to_string()), Some(format!("m{i}@x")))
            }
            _ => (Some(rng.pick(&threads).clone()), Some(format!("m{i}@x"))),
        };
        out.push(Observation {
            key: format!("k{i}"),
            at,
            from,
            from_name,
            recipients,
            direction,
            message_id,
            thread: thread.clone(),
            is_reply: thread.is_some() && rng.below(2) == 0,
        });
    }
    out
}

/// What `Knowledge::apply` builds when its caller applies each key once.
fn reference(obs: &[Observation]) -> Knowledge {
    let mut k = Knowledge::default();
    let mut seen = HashSet::new();
    for o in obs {
        if seen.insert(o.key.clone()) {
            k.apply(o);
        }
    }
    k
}

#[test]
fn knowledge_equals_apply_across_batches_duplicates_and_reopen() {
    let obs = generate(600, 0x5eed);
    let whole = reference(&obs);
    // The fixture reaches the bounds it is meant to test.
    let chameleon = whole.address("chameleon@samil-tax.kr").unwrap();
    assert_eq!(chameleon.names.len(), MAX_NAMES_PER_ADDRESS);
    assert_eq!(
        whole.addresses_named("Minjun Kim 30"),
        &["chameleon@samil-tax.kr".to_string()],
        "names past the bound are still indexed"
    );
    assert_eq!(whole.participants("crowded@list").len(), MAX_PARTICIPANTS);
    let distinct: HashSet<&str> = obs.iter().map(|o| o.key.as_str()).collect();
    assert!(distinct.len() < obs.len() - 30, "has repeated messages");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/er/store.db");
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.path(), Some(path.as_path()));
    let mut done = 0;
    let mut total_learned = 0;
    let mut total_dup = 0;
    for (b, size) in [1, 50, 120, 7, 200, 80, 142].into_iter().enumerate() {
        let batch = &obs[done..done + size];
        let s = store.learn(batch).unwrap();
        total_learned += s.learned;
        total_dup += s.duplicates;
        assert_eq!(s.learned + s.duplicates, size);
        if b == 2 {
            // The same batch again: all duplicates, nothing changes.
            let again = store.learn(batch).unwrap();
            assert_eq!((again.learned, again.duplicates), (0, size));
        }
        if b == 4 {
            drop(store);
            store = Store::open(&path).unwrap();
        }
        done += size;
        assert_eq!(
            store.knowledge().unwrap(),
            reference(&obs[..done]),
            "after batch {b}"
        );
    }
    assert_eq!(done, obs.len());
    assert_eq!(total_learned, distinct.len());
    assert_eq!(total_dup, obs.len() - distinct.len());

    drop(store);
    let store = Store::open(&path).unwrap();
    let k = store.knowledge().unwrap();
    assert_eq!(k, whole);
    assert_eq!(k.messages, distinct.len() as u64);
    let st = store.stats().unwrap();
    let (addresses, edges, threads) = whole.counts();
    assert_eq!(st.messages, distinct.len() as u64);
    assert_eq!(
        (st.addresses, st.edges, st.threads),
        (addresses as u64, edges as u64, threads as u64)
    );
    assert!(st.names > MAX_NAMES_PER_ADDRESS as u64);
    assert!(store.learned("k0"));
    assert!(!store.learned("never"));
}

#[test]
fn the_same_batch_twice_in_memory_and_duplicates_inside_a_batch() {
    let mut obs = generate(200, 7);
    obs.push(obs[3].clone());
    let mut store = Store::open_in_memory().unwrap();
    let first = store.learn(&obs).unwrap();
    let second = store.learn(&obs).unwrap();
    assert!(first.duplicates >= 1);
    assert_eq!(first.learned + first.duplicates, obs.len());
    assert_eq!((second.learned, second.duplicates), (0, obs.len()));
    assert_eq!(store.knowledge().unwrap(), reference(&obs));
    assert_eq!(store.path(), None);
}

#[test]
fn counters_move_per_direction() {
    let o = |key: &str, from: &str, to: &[&str], direction| Observation {
        key: key.into(),
        at: 1_000,
        from: from.into(),
        from_name: None,
        recipients: to.iter().map(|s| s.to_string()).collect(),
        direction,
        message_id: None,
        thread: None,
        is_reply: false,
    };
    let mut store = Store::open_in_memory().unwrap();
    store
        .learn(&[
            o(
                "1",
                "a@hanbit-x.com",
                &["x@mail.samil-tax.kr", "y@samil-tax.kr"],
                Direction::Outbound,
            ),
            o(
                "2",
                "a@hanbit-x.com",
                &["b@hanbit-x.com"],
                Direction::Internal,
            ),
            o(
                "3",
                "x@mail.samil-tax.kr",
                &["a@hanbit-x.com"],
                Direction::Inbound,
            ),
            o(
                "4",
                "list@news.example",
                &["z@other.example"],
                Direction::Unrelated,
            ),
        ])
        .unwrap();
    let k = store.knowledge().unwrap();
    let x = k.address("x@mail.samil-tax.kr").unwrap();
    assert_eq!((x.sent, x.written_to), (1, 1));
    // Written to once per message per registrable domain, though two addresses were.
    let d = k.domain("samil-tax.kr").unwrap();
    assert_eq!((d.sent, d.written_to), (1, 1));
    // Internal mail is not "written to" an outsider; unrelated mail builds no edge.
    assert_eq!(k.address("b@hanbit-x.com"), None);
    assert_eq!(k.edge("a@hanbit-x.com", "b@hanbit-x.com").unwrap().count, 1);
    assert_eq!(k.edge("list@news.example", "z@other.example"), None);
    assert_eq!(k.address("z@other.example"), None);
    let st = store.stats().unwrap();
    assert_eq!(
        (st.messages, st.addresses, st.edges, st.threads),
        (4, 4, 4, 0)
    );
}

#[test]
fn hostile_strings_round_trip() {
    let long = "김".repeat(20_000);
    let odd = [
        "",
        "nul\0inside",
        "\u{202e}moc.evil\u{202c}",
        "🦀 Ferris",
        long.as_str(),
        "'; DROP TABLE learned; --",
    ];
    let obs: Vec<Observation> = odd
        .iter()
        .enumerate()
        .map(|(i, s)| Observation {
            key: format!("{s}{i}"),
            at: i64::MIN + i as i64,
            from: s.to_string(),
            from_name: Some(s.to_string()),
            recipients: vec![s.to_string(), format!("{s}@x"), s.to_string()],
            direction: if i % 2 == 0 {
                Direction::Outbound
            } else {
                Direction::Unrelated
            },
            message_id: Some(s.to_string()),
            thread: Some(s.to_string()),
            is_reply: true,
        })
        .collect();
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(store.learn(&obs).unwrap().learned, odd.len());
    assert_eq!(store.knowledge().unwrap(), reference(&obs));
    assert!(store.learned("nul\0inside1"));
    assert!(!store.learned("nul"));
}

#[test]
fn a_dangling_id_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.db");
    Store::open(&path).unwrap().learn(&generate(50, 3)).unwrap();
    // Edited by hand, foreign keys off: an edge now points at nothing.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "PRAGMA foreign_keys = OFF; DELETE FROM addresses WHERE id = (SELECT sender FROM edges LIMIT 1);",
        )
        .unwrap();
    let e = Store::open(&path).unwrap().knowledge().unwrap_err();
    assert!(matches!(e, StoreError::Inconsistent { .. }), "{e:?}");
    assert!(e.to_string().contains("damaged.db"), "{e}");
}

fn open_err(path: &Path) -> StoreError {
    match Store::open(path) {
        Ok(_) => panic!("{} opened", path.display()),
        Err(e) => e,
    }
}

#[test]
fn random_bytes_are_not_a_database_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.db");
    let mut rng = Rng(42);
    let bytes: Vec<u8> = (0..8192).map(|_| rng.next() as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    let e = open_err(&path);
    assert!(matches!(e, StoreError::NotADatabase { .. }), "{e:?}");
    assert!(e.to_string().contains("random.db"), "{e}");
    assert!(e.to_string().contains("not a SQLite database"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(!dir.path().join("random.db-wal").exists());
}

#[test]
fn a_sqlite_file_of_another_application_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('x');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = open_err(&path);
    assert!(matches!(e, StoreError::Foreign { .. }), "{e:?}");
    assert!(e.to_string().contains("other.sqlite"), "{e}");
    assert!(e.to_string().contains("not a spearwatch store"), "{e}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "not switched to WAL, not migrated"
    );

    // Another application's id, even without tables.
    let path = dir.path().join("app.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA application_id = 1234;")
        .unwrap();
    let e = open_err(&path);
    assert!(e.to_string().contains("0x4d2"), "{e}");
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 7;")
        .unwrap();
    let e = open_err(&path);
    assert!(
        matches!(
            e,
            StoreError::SchemaTooNew {
                found: 7,
                supported: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("new.db") && msg.contains("version 7") && msg.contains("1 to 3"),
        "{msg}"
    );
}

#[test]
fn a_locked_file_reports_busy_then_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let mut store = Store::open(&path).unwrap();
    store.set_busy_timeout(Duration::from_millis(50)).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let obs = generate(5, 1);
    let e = store.learn(&obs).unwrap_err();
    assert!(matches!(e, StoreError::Busy { .. }), "{e:?}");
    assert!(
        e.to_string().contains("busy.db") && e.to_string().contains("50ms"),
        "{e}"
    );
    // Readers are not blocked by the writer (WAL).
    assert_eq!(store.knowledge().unwrap(), Knowledge::default());
    other.execute_batch("COMMIT").unwrap();
    assert_eq!(store.learn(&obs).unwrap().learned, 5);
}

#[test]
fn cannot_create_or_open_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let e = open_err(&file.join("sub/store.db"));
    assert!(matches!(e, StoreError::CreateDir { .. }), "{e:?}");
    assert!(e.to_string().contains("plain-file"), "{e}");

    let e = open_err(dir.path());
    assert!(matches!(e, StoreError::Open { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&dir.path().display().to_string()),
        "{e}"
    );
}

#[test]
fn an_empty_file_becomes_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 3);
    let app: i32 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, spearwatch_store::APPLICATION_ID);
}

/// Throughput of `learn` and time of `knowledge()` on 50,000 messages of ~3 recipients.
/// cargo test -p spearwatch-store --test store -- --ignored --nocapture timing
#[test]
#[ignore]
fn timing_50k() {
    let mut rng = Rng(99);
    let org: Vec<String> = (0..200).map(|i| format!("u{i}@hanbit-x.com")).collect();
    let outside: Vec<String> = (0..3000)
        .map(|i| format!("c{i}@d{}.co.kr", i % 400))
        .collect();
    let n = 50_000;
    let obs: Vec<Observation> = (0..n)
        .map(|i| {
            let outbound = rng.below(2) == 0;
            let (from, pool) = if outbound {
                (rng.pick(&org).clone(), &outside)
            } else {
                (rng.pick(&outside).clone(), &org)
            };
            let recipients = (0..2 + rng.below(3))
                .map(|_| rng.pick(pool).clone())
                .collect();
            Observation {
                key: format!("{i:064x}"),
                at: 1_700_000_000 + i as i64 * 60,
                from,
                from_name: Some(rng.pick(HANGUL).to_string()),
                recipients,
                direction: if outbound {
                    Direction::Outbound
                } else {
                    Direction::Inbound
                },
                message_id: Some(format!("<{i}@mail.example>")),
                thread: Some(format!("<{}@mail.example>", rng.below(i + 1))),
                is_reply: rng.below(2) == 0,
            }
        })
        .collect();
    let recipients: usize = obs.iter().map(|o| o.recipients.len()).sum();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timing.db");
    let mut store = Store::open(&path).unwrap();
    let t = Instant::now();
    for batch in obs.chunks(1_000) {
        store.learn(batch).unwrap();
    }
    let learn = t.elapsed();
    let t = Instant::now();
    let k = store.knowledge().unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    let again = store.learn(&obs).unwrap();
    let dup = t.elapsed();
    assert_eq!(again.duplicates, n);
    assert_eq!(k.messages, n as u64);
    let size = std::fs::metadata(&path).unwrap().len()
        + std::fs::metadata(dir.path().join("timing.db-wal")).map_or(0, |m| m.len());
    println!(
        "learn: {n} messages ({:.1} recipients each) in batches of 1000: {:.2} s = {:.0} messages/s",
        recipients as f64 / n as f64,
        learn.as_secs_f64(),
        n as f64 / learn.as_secs_f64()
    );
    println!(
        "re-learn (all duplicates): {:.0} messages/s",
        n as f64 / dup.as_secs_f64()
    );
    println!(
        "knowledge(): {:.0} ms; {:?}; file {:.1} MB",
        load.as_secs_f64() * 1e3,
        store.stats().unwrap(),
        size as f64 / 1e6
    );
    assert!(n as f64 / learn.as_secs_f64() >= 5_000.0);
}
