//! Learning observations into the relationship tables, and loading them back as a `Knowledge`.
//!
//! The reference semantics are `spearwatch_org::Knowledge::apply`; each step below names the part of
//! `apply` it mirrors. Times follow its `touch`: `first_seen` 0 means unset, `last_seen` starts at 0.

use rusqlite::{params, Connection};
use spearwatch_org::knowledge::{
    domain_key, AddressHistory, DomainHistory, Edge, MAX_NAMES_PER_ADDRESS, MAX_PARTICIPANTS,
};
use spearwatch_org::names::name_key;
use spearwatch_org::observe::{Direction, Observation};
use spearwatch_org::Knowledge;
use std::collections::HashMap;

/// `touch(first, last, at)` of `Knowledge` as the SET clause of an UPSERT whose time is `at` (a
/// parameter): a new row is inserted with first = at, last = max(0, at).
fn touch(at: &str) -> String {
    format!(
        "first_seen = CASE WHEN first_seen = 0 OR {at} < first_seen THEN {at} ELSE first_seen END, \
         last_seen = max(last_seen, {at})"
    )
}

/// How many messages a batch taught, and how many it skipped as already learned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LearnStats {
    pub learned: usize,
    pub duplicates: usize,
}

/// Learns `batch` inside the caller's transaction.
pub fn learn(conn: &Connection, batch: &[Observation]) -> rusqlite::Result<LearnStats> {
    let mut learned = conn.prepare_cached(
        "INSERT INTO learned (key, at, direction) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?;
    // ?3: time; ?4 and ?5: increments of sent and written_to.
    let mut address = conn.prepare_cached(&format!(
        "INSERT INTO addresses (address, domain, first_seen, last_seen, sent, written_to)
         VALUES (?1, ?2, ?3, max(?3, 0), ?4, ?5)
         ON CONFLICT (address) DO UPDATE SET {}, sent = sent + ?4, written_to = written_to + ?5
         RETURNING id",
        touch("?3")
    ))?;
    let mut name = conn.prepare_cached(&format!(
        "INSERT INTO address_names (address_id, name, name_key, count, first_seen, last_seen)
         VALUES (?1, ?2, ?3, 1, ?4, max(?4, 0))
         ON CONFLICT (address_id, name) DO UPDATE SET {}, count = count + 1",
        touch("?4")
    ))?;
    let mut domain = conn.prepare_cached(&format!(
        "INSERT INTO domains (domain, first_seen, last_seen, sent, written_to)
         VALUES (?1, ?2, max(?2, 0), ?3, ?4)
         ON CONFLICT (domain) DO UPDATE SET {}, sent = sent + ?3, written_to = written_to + ?4",
        touch("?2")
    ))?;
    let mut edge = conn.prepare_cached(&format!(
        "INSERT INTO edges (sender, recipient, first_seen, last_seen, count, replies)
         VALUES (?1, ?2, ?3, max(?3, 0), 1, ?4)
         ON CONFLICT (sender, recipient) DO UPDATE SET {}, count = count + 1, replies = replies + ?4",
        touch("?3")
    ))?;
    let mut thread_message = conn.prepare_cached(
        "INSERT INTO thread_messages (message_id, thread) VALUES (?1, ?2)
         ON CONFLICT (message_id) DO UPDATE SET thread = excluded.thread",
    )?;
    let mut thread_root = conn.prepare_cached(
        "INSERT INTO thread_messages (message_id, thread) VALUES (?1, ?1) ON CONFLICT DO NOTHING",
    )?;
    let mut participants = conn.prepare_cached(
        "SELECT address FROM thread_participants WHERE thread = ?1 ORDER BY rowid",
    )?;
    let mut participant = conn.prepare_cached(
        "INSERT INTO thread_participants (thread, address) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;

    let mut stats = LearnStats::default();
    for o in batch {
        // The caller of `apply` makes sure a message counts once; here the key table does.
        if learned.execute(params![o.key, o.at, o.direction.as_str()])? == 0 {
            stats.duplicates += 1;
            continue;
        }
        stats.learned += 1;
        let from_domain = domain_key(&o.from);
        let from_id: i64 =
            address.query_row(params![o.from, from_domain, o.at, 1, 0], |r| r.get(0))?;
        if let Some(n) = &o.from_name {
            name.execute(params![from_id, n, name_key(n), o.at])?;
        }
        domain.execute(params![from_domain, o.at, 1, 0])?;
        if o.direction == Direction::Outbound {
            // Every recipient occurrence counts (as in `apply`); each domain once per message.
            let mut seen: Vec<String> = Vec::new();
            for r in &o.recipients {
                let d = domain_key(r);
                address.query_row(params![r, d, o.at, 0, 1], |_| Ok(()))?;
                if !seen.contains(&d) {
                    seen.push(d);
                }
            }
            for d in &seen {
                domain.execute(params![d, o.at, 0, 1])?;
            }
        }
        if o.direction != Direction::Unrelated {
            for r in &o.recipients {
                edge.execute(params![o.from, r, o.at, i64::from(o.is_reply)])?;
            }
        }
        if let Some(t) = &o.thread {
            if let Some(id) = &o.message_id {
                thread_message.execute(params![id, t])?;
            }
            thread_root.execute(params![t])?;
            let mut p = participants
                .query_map(params![t], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for who in std::iter::once(&o.from).chain(&o.recipients) {
                if p.len() < MAX_PARTICIPANTS && !p.contains(who) {
                    participant.execute(params![t, who])?;
                    p.push(who.clone());
                }
            }
        }
    }
    Ok(stats)
}

/// A counter as `Knowledge` holds it (u32); the database's i64 saturates rather than wraps.
fn counter(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Loads every aggregate, inside the caller's (read) transaction for a consistent snapshot.
pub fn load(conn: &Connection) -> rusqlite::Result<Knowledge> {
    let mut k = Knowledge::default();

    // The name index (name key -> addresses) lists addresses in the order each first used a name with
    // that key, and keeps keys of names past MAX_NAMES_PER_ADDRESS. `load_address` derives the index
    // from the names it is given, in call order, which cannot express that; so each (key, address)
    // pair is registered first, in order of its first row, through `load_address` with a placeholder
    // history holding just that name. The real history replaces the placeholder below, and adds no
    // index entry of its own since all its names are registered by then.
    let mut stmt = conn.prepare(
        "SELECT a.address, n.name FROM address_names n JOIN addresses a ON a.id = n.address_id
         WHERE n.rowid IN (SELECT min(rowid) FROM address_names WHERE name_key IS NOT NULL
                           GROUP BY name_key, address_id)
         ORDER BY n.rowid",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let placeholder = AddressHistory {
            names: vec![r.get(1)?],
            ..AddressHistory::default()
        };
        k.load_address(r.get(0)?, placeholder);
    }
    drop(rows);

    // Display names per address: the first MAX_NAMES_PER_ADDRESS distinct names, in order of first use.
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT address_id, name FROM address_names ORDER BY rowid")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let v = names.entry(r.get(0)?).or_default();
        if v.len() < MAX_NAMES_PER_ADDRESS {
            v.push(r.get(1)?);
        }
    }
    drop(rows);

    let mut stmt = conn.prepare(
        "SELECT id, address, first_seen, last_seen, sent, written_to FROM addresses ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let h = AddressHistory {
            first_seen: r.get(2)?,
            last_seen: r.get(3)?,
            sent: counter(r.get(4)?),
            written_to: counter(r.get(5)?),
            names: names.remove(&id).unwrap_or_default(),
        };
        k.load_address(r.get(1)?, h);
    }
    drop(rows);

    let mut stmt =
        conn.prepare("SELECT domain, first_seen, last_seen, sent, written_to FROM domains")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let h = DomainHistory {
            first_seen: r.get(1)?,
            last_seen: r.get(2)?,
            sent: counter(r.get(3)?),
            written_to: counter(r.get(4)?),
        };
        k.load_domain(r.get(0)?, h);
    }
    drop(rows);

    let mut stmt =
        conn.prepare("SELECT sender, recipient, first_seen, last_seen, count, replies FROM edges")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let e = Edge {
            first_seen: r.get(2)?,
            last_seen: r.get(3)?,
            count: counter(r.get(4)?),
            replies: counter(r.get(5)?),
        };
        k.load_edge(r.get(0)?, r.get(1)?, e);
    }
    drop(rows);

    let mut stmt = conn.prepare("SELECT message_id, thread FROM thread_messages")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        k.load_thread_message(r.get(0)?, r.get(1)?);
    }
    drop(rows);

    let mut stmt =
        conn.prepare("SELECT thread, address FROM thread_participants ORDER BY rowid")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        k.load_participant(r.get(0)?, r.get(1)?);
    }
    drop(rows);

    k.messages = conn
        .query_row("SELECT count(*) FROM learned", [], |r| r.get::<_, i64>(0))?
        .max(0)
        .unsigned_abs();
    Ok(k)
}
