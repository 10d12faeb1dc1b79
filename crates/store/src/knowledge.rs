//! Learning observations into the relationship tables, and loading them back as a `Knowledge`.
//!
//! The reference semantics are `spearwatch_org::Knowledge::apply`; each step below names the part of
//! `apply` it mirrors. Times follow its `touch`: `first_seen` 0 means unset, `last_seen` starts at 0.

use rusqlite::{params, CachedStatement, Connection, OptionalExtension};
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
    let mut l = Learner::new(conn)?;
    let mut stats = LearnStats::default();
    for o in batch {
        if l.observe(o)? {
            stats.learned += 1;
        } else {
            stats.duplicates += 1;
        }
    }
    Ok(stats)
}

/// The statements of one batch, and the ids it has resolved (valid for this transaction only: a
/// rollback forgets ids assigned in it).
struct Learner<'c, 'b> {
    learned: CachedStatement<'c>,
    count_address: CachedStatement<'c>,
    find_address: CachedStatement<'c>,
    new_address: CachedStatement<'c>,
    name: CachedStatement<'c>,
    domain: CachedStatement<'c>,
    edge: CachedStatement<'c>,
    find_thread: CachedStatement<'c>,
    new_thread: CachedStatement<'c>,
    thread_message: CachedStatement<'c>,
    thread_root: CachedStatement<'c>,
    participants: CachedStatement<'c>,
    participant: CachedStatement<'c>,
    address_ids: HashMap<&'b str, i64>,
    thread_ids: HashMap<&'b str, i64>,
}

impl<'c, 'b> Learner<'c, 'b> {
    fn new(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(Learner {
            learned: conn.prepare_cached(
                "INSERT INTO learned (key, at, direction) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?,
            // ?3: time; ?4 and ?5: increments of sent and written_to.
            count_address: conn.prepare_cached(&format!(
                "INSERT INTO addresses (address, domain, first_seen, last_seen, sent, written_to)
                 VALUES (?1, ?2, ?3, max(?3, 0), ?4, ?5)
                 ON CONFLICT (address) DO UPDATE SET {}, sent = sent + ?4, written_to = written_to + ?5
                 RETURNING id",
                touch("?3")
            ))?,
            find_address: conn.prepare_cached("SELECT id FROM addresses WHERE address = ?1")?,
            // An address only seen as a recipient of inbound or internal mail, or in a thread: an id
            // for edges and participants, no history (`Knowledge` does not hold it).
            new_address: conn.prepare_cached(
                "INSERT INTO addresses (address, domain) VALUES (?1, ?2) RETURNING id",
            )?,
            name: conn.prepare_cached(&format!(
                "INSERT INTO address_names (address_id, name, name_key, count, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, 1, ?4, max(?4, 0))
                 ON CONFLICT (address_id, name) DO UPDATE SET {}, count = count + 1",
                touch("?4")
            ))?,
            domain: conn.prepare_cached(&format!(
                "INSERT INTO domains (domain, first_seen, last_seen, sent, written_to)
                 VALUES (?1, ?2, max(?2, 0), ?3, ?4)
                 ON CONFLICT (domain) DO UPDATE SET {}, sent = sent + ?3, written_to = written_to + ?4",
                touch("?2")
            ))?,
            edge: conn.prepare_cached(&format!(
                "INSERT INTO edges (sender, recipient, first_seen, last_seen, count, replies)
                 VALUES (?1, ?2, ?3, max(?3, 0), 1, ?4)
                 ON CONFLICT (sender, recipient) DO UPDATE SET {}, count = count + 1, replies = replies + ?4",
                touch("?3")
            ))?,
            find_thread: conn.prepare_cached("SELECT id FROM threads WHERE thread = ?1")?,
            new_thread: conn
                .prepare_cached("INSERT INTO threads (thread) VALUES (?1) RETURNING id")?,
            thread_message: conn.prepare_cached(
                "INSERT INTO thread_messages (message_id, thread_id) VALUES (?1, ?2)
                 ON CONFLICT (message_id) DO UPDATE SET thread_id = excluded.thread_id",
            )?,
            thread_root: conn.prepare_cached(
                "INSERT INTO thread_messages (message_id, thread_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?,
            participants: conn.prepare_cached(
                "SELECT address_id FROM thread_participants WHERE thread_id = ?1 ORDER BY position",
            )?,
            participant: conn.prepare_cached(
                "INSERT INTO thread_participants (thread_id, address_id, position) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?,
            address_ids: HashMap::new(),
            thread_ids: HashMap::new(),
        })
    }

    /// One observation, as `Knowledge::apply`; `false` when its key was learned already.
    fn observe(&mut self, o: &'b Observation) -> rusqlite::Result<bool> {
        // The caller of `apply` makes sure a message counts once; here the key table does.
        if self
            .learned
            .execute(params![o.key, o.at, o.direction.as_str()])?
            == 0
        {
            return Ok(false);
        }
        let from_domain = domain_key(&o.from);
        let from = self.count_address(&o.from, &from_domain, o.at, 1, 0)?;
        if let Some(n) = &o.from_name {
            self.name.execute(params![from, n, name_key(n), o.at])?;
        }
        self.domain.execute(params![from_domain, o.at, 1, 0])?;
        let mut recipients = Vec::with_capacity(o.recipients.len());
        if o.direction == Direction::Outbound {
            // Every recipient occurrence counts (as in `apply`); each domain once per message.
            let mut seen: Vec<String> = Vec::new();
            for r in &o.recipients {
                let d = domain_key(r);
                recipients.push(self.count_address(r, &d, o.at, 0, 1)?);
                if !seen.contains(&d) {
                    seen.push(d);
                }
            }
            for d in &seen {
                self.domain.execute(params![d, o.at, 0, 1])?;
            }
        } else if o.direction != Direction::Unrelated || o.thread.is_some() {
            for r in &o.recipients {
                recipients.push(self.address_id(r)?);
            }
        }
        if o.direction != Direction::Unrelated {
            for r in &recipients {
                self.edge
                    .execute(params![from, r, o.at, i64::from(o.is_reply)])?;
            }
        }
        if let Some(t) = &o.thread {
            let (thread, new) = self.thread_id(t)?;
            if let Some(id) = &o.message_id {
                self.thread_message.execute(params![id, thread])?;
            }
            // `threads.entry(t).or_insert(t)`: only a new thread can lack its root's entry (it was
            // inserted when the thread row was), and a new thread has no participants yet.
            let mut p = if new {
                self.thread_root.execute(params![t, thread])?;
                Vec::new()
            } else {
                self.participants
                    .query_map(params![thread], |r| r.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?
            };
            // Ids stand for addresses one to one, so comparing ids is comparing addresses.
            for who in std::iter::once(from).chain(recipients) {
                if p.len() < MAX_PARTICIPANTS && !p.contains(&who) {
                    let position = i64::try_from(p.len()).unwrap_or(i64::MAX);
                    self.participant.execute(params![thread, who, position])?;
                    p.push(who);
                }
            }
        }
        Ok(true)
    }

    /// Adds to an address's history (`sent`, `written_to`), creating it; returns its id.
    fn count_address(
        &mut self,
        address: &'b str,
        domain: &str,
        at: i64,
        sent: i64,
        written_to: i64,
    ) -> rusqlite::Result<i64> {
        let id = self
            .count_address
            .query_row(params![address, domain, at, sent, written_to], |r| r.get(0))?;
        self.address_ids.insert(address, id);
        Ok(id)
    }

    /// The id of an address, interning it without history when new.
    fn address_id(&mut self, address: &'b str) -> rusqlite::Result<i64> {
        if let Some(id) = self.address_ids.get(address) {
            return Ok(*id);
        }
        let id = match self
            .find_address
            .query_row(params![address], |r| r.get(0))
            .optional()?
        {
            Some(id) => id,
            None => self
                .new_address
                .query_row(params![address, domain_key(address)], |r| r.get(0))?,
        };
        self.address_ids.insert(address, id);
        Ok(id)
    }

    /// The id of a thread, and whether this call created it.
    fn thread_id(&mut self, thread: &'b str) -> rusqlite::Result<(i64, bool)> {
        if let Some(id) = self.thread_ids.get(thread) {
            return Ok((*id, false));
        }
        let found = self
            .find_thread
            .query_row(params![thread], |r| r.get(0))
            .optional()?;
        let (id, new) = match found {
            Some(id) => (id, false),
            None => (
                self.new_thread.query_row(params![thread], |r| r.get(0))?,
                true,
            ),
        };
        self.thread_ids.insert(thread, id);
        Ok((id, new))
    }
}

/// A counter as `Knowledge` holds it (u32); the database's i64 saturates rather than wraps.
fn counter(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Why loading failed.
pub enum LoadError {
    Sql(rusqlite::Error),
    /// A row refers to an address or thread id that has no row.
    Dangling {
        table: &'static str,
        id: i64,
    },
}

impl From<rusqlite::Error> for LoadError {
    fn from(e: rusqlite::Error) -> Self {
        LoadError::Sql(e)
    }
}

/// Loads every aggregate, inside the caller's (read) transaction for a consistent snapshot.
pub fn load(conn: &Connection) -> Result<Knowledge, LoadError> {
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

    // Every interned address, for edges and participants; those with history go into `Knowledge`
    // (an address has history once it sent or was written to, as in `apply`).
    let mut address_of: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT id, address, first_seen, last_seen, sent, written_to FROM addresses ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let address: String = r.get(1)?;
        let (sent, written_to): (i64, i64) = (r.get(4)?, r.get(5)?);
        if sent > 0 || written_to > 0 {
            let h = AddressHistory {
                first_seen: r.get(2)?,
                last_seen: r.get(3)?,
                sent: counter(sent),
                written_to: counter(written_to),
                names: names.remove(&id).unwrap_or_default(),
            };
            k.load_address(address.clone(), h);
        }
        address_of.insert(id, address);
    }
    drop(rows);
    // Ids come from the same snapshot, so a miss means a damaged file: reported, never a panic.
    let resolve = |map: &HashMap<i64, String>, id: i64, table: &'static str| {
        map.get(&id)
            .cloned()
            .ok_or(LoadError::Dangling { table, id })
    };

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
        k.load_edge(
            resolve(&address_of, r.get(0)?, "edges")?,
            resolve(&address_of, r.get(1)?, "edges")?,
            e,
        );
    }
    drop(rows);

    let mut thread_of: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, thread FROM threads")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        thread_of.insert(r.get(0)?, r.get(1)?);
    }
    drop(rows);

    let mut stmt = conn.prepare("SELECT message_id, thread_id FROM thread_messages")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        k.load_thread_message(
            r.get(0)?,
            resolve(&thread_of, r.get(1)?, "thread_messages")?,
        );
    }
    drop(rows);

    // The primary key (thread_id, address_id) is not in arrival order; `position` is.
    let mut stmt = conn.prepare(
        "SELECT thread_id, address_id FROM thread_participants ORDER BY thread_id, position",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        k.load_participant(
            resolve(&thread_of, r.get(0)?, "thread_participants")?,
            resolve(&address_of, r.get(1)?, "thread_participants")?,
        );
    }
    drop(rows);

    k.messages = conn
        .query_row("SELECT count(*) FROM learned", [], |r| r.get::<_, i64>(0))?
        .max(0)
        .unsigned_abs();
    Ok(k)
}
