//! The durable quarantine of the spearwatch gateway: messages held instead of delivered, kept
//! byte-exact until an analyst releases or deletes them or they expire.
//!
//! A [`Quarantine`] is a directory: one `<id>.eml` per message (the raw bytes as received), a JSON
//! sidecar `<id>.json` (verdict, score, reason, envelope: enough to rebuild the index row), and an
//! SQLite index `quarantine.db` (WAL, `synchronous = FULL`, its own `user_version`, see `schema.rs`).
//! The API is synchronous; the server calls it from a blocking thread and may share one
//! `Quarantine` between threads (`&self` everywhere, the connection is behind a mutex).
//!
//! **Durability.** [`Quarantine::put`] returns `Ok` only when the message survives a crash or a
//! power loss: the sidecar is created exclusively (which also reserves the id) and fsynced, the raw
//! bytes go to `<id>.eml.tmp`, are fsynced and renamed to `<id>.eml`, the directory is fsynced (the
//! new names are durable), and the index row is committed. Only then may the caller tell the MTA to
//! drop the message. Any `Err` cleans up and means "not held": the caller must tempfail.
//!
//! **Recovery.** [`Quarantine::open`] reconciles the directory with the index and says what it did
//! in a [`RecoveryReport`]: temp files are removed; an `.eml` without a row (a crash between rename
//! and insert) is re-indexed from its sidecar; a held or released row whose file is missing becomes
//! [`State::Lost`] (reported, never dropped); a deleted row whose file is still there (a crash
//! inside `delete`) has its deletion finished. A lock file keeps a second `Quarantine` out of the
//! directory, which would otherwise take the first one's half-written message for a crash.
//!
//! **Release** re-injects the original bytes through the minimal SMTP client of [`smtp`] with the
//! stored envelope, then marks the entry released; a refusal leaves it held. Release is
//! at-least-once: a crash between the relay's acceptance and the state update leaves the entry held,
//! and releasing it again delivers a second copy.

mod entry;
mod error;
mod recover;
mod schema;
pub mod smtp;

pub use entry::{valid_id, Entry, Envelope, ListFilter, NewEntry, State, MAX_FIELD, MAX_LIST};
pub use error::QuarantineError;
pub use recover::RecoveryReport;
pub use schema::APPLICATION_ID;
pub use smtp::{Reply, SmtpError, SmtpRelay, SmtpStep};

use entry::{clip, header_fields, make_id, now_unix};
use error::io;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The index file inside the directory.
pub const INDEX_FILE: &str = "quarantine.db";
/// Held (with an advisory lock) while a `Quarantine` has the directory open.
pub const LOCK_FILE: &str = "quarantine.lock";
/// How long an index write waits for SQLite's lock (another reader's checkpoint, a backup).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Fresh ids tried before giving up (each collision is a 1 in 2^32 event within one second).
const ID_ATTEMPTS: usize = 16;

/// The quarantine directory and its index. See the crate documentation.
#[derive(Debug)]
pub struct Quarantine {
    dir: PathBuf,
    db_path: PathBuf,
    conn: Mutex<Connection>,
    /// Ids being released or deleted, so two requests cannot act on one entry at once (a double
    /// release would deliver twice). Not held across the SMTP session's I/O with `conn`.
    busy: Mutex<HashSet<String>>,
    /// Makes id tags differ between puts in the same nanosecond.
    counter: AtomicU64,
    /// Holds the directory's advisory lock for the lifetime of the value.
    _lock: File,
}

/// The sidecar `<id>.json`: everything the index row holds at `put` time.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Sidecar {
    pub id: String,
    pub received_at: i64,
    pub verdict: String,
    pub score: f32,
    pub reason: String,
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    pub size: u64,
    pub sha256: String,
    pub envelope: Envelope,
}

const COLUMNS: &str = "id, received_at, verdict, score, reason, message_id, from_header, subject, \
    size, sha256, mail_from, rcpts, client_ip, helo, queue_id, state, released_at, deleted_at, lost_at";

impl Quarantine {
    /// Opens (creating if needed) the quarantine in `dir` and recovers from any crash.
    pub fn open(dir: &Path) -> Result<(Quarantine, RecoveryReport), QuarantineError> {
        fs::create_dir_all(dir).map_err(io("cannot create the directory", dir))?;
        let dir = dir.to_path_buf();
        let lock_path = dir.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io("cannot open the lock file", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(QuarantineError::Locked {
                    dir,
                    lock: lock_path,
                })
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(io("cannot lock", lock_path)(e));
            }
        }
        let db_path = dir.join(INDEX_FILE);
        let sql = |context| {
            let path = db_path.clone();
            move |source| QuarantineError::Sqlite {
                context,
                path,
                source,
            }
        };
        let mut conn = Connection::open(&db_path).map_err(sql("cannot open the index"))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(sql("setting the busy timeout"))?;
        schema::prepare(&mut conn, &db_path)?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .map_err(sql("switching to WAL"))?;
        // FULL: in WAL mode, NORMAL may lose the last commits on power loss (SQLite docs, "PRAGMA
        // synchronous"); a committed row is the promise put() makes to the MTA.
        conn.execute_batch("PRAGMA synchronous = FULL;")
            .map_err(sql("setting pragmas"))?;
        let q = Quarantine {
            dir,
            db_path,
            conn: Mutex::new(conn),
            busy: Mutex::new(HashSet::new()),
            counter: AtomicU64::new(0),
            _lock: lock,
        };
        let report = recover::recover(&q)?;
        Ok((q, report))
    }

    /// The quarantine directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the raw message of `id` (which must be valid).
    pub fn eml_path(&self, id: &str) -> Result<PathBuf, QuarantineError> {
        check_id(id)?;
        Ok(self.dir.join(format!("{id}.eml")))
    }

    /// Stores `raw` durably and indexes it. `Ok` means the message survives a crash: the caller
    /// may now have the MTA drop it. `Err` means it is not held (everything written is removed).
    pub fn put(&self, raw: &[u8], meta: NewEntry) -> Result<Entry, QuarantineError> {
        if !meta.score.is_finite() {
            return Err(QuarantineError::InvalidMeta(format!(
                "score {} is not a finite number",
                meta.score
            )));
        }
        let received_at = now_unix();
        let sha256 = hex::encode(Sha256::digest(raw));
        let (mid, from, subject) = header_fields(raw);
        let mut sidecar = Sidecar {
            id: String::new(),
            received_at,
            verdict: clip(meta.verdict),
            score: meta.score,
            reason: clip(meta.reason),
            message_id: meta.message_id.map(clip).or(mid),
            from: meta.from.map(clip).or(from),
            subject: meta.subject.map(clip).or(subject),
            size: raw.len() as u64,
            sha256,
            envelope: meta.envelope,
        };

        // 1. Reserve an id by creating its sidecar exclusively (O_EXCL): no other put, in this or
        //    another process, can then rename over our .eml.
        let (id, json_path, mut json_file) = self.reserve_id(received_at, &sidecar.sha256)?;
        sidecar.id = id.clone();
        let eml_path = self.dir.join(format!("{id}.eml"));
        let tmp_path = self.dir.join(format!("{id}.eml.tmp"));
        let cleanup = |also_eml: bool| {
            let _ = fs::remove_file(&tmp_path);
            if also_eml {
                let _ = fs::remove_file(&eml_path);
            }
            let _ = fs::remove_file(&json_path);
        };

        let result = (|| {
            // 2. The sidecar's contents, fsynced before the .eml gets its name: recovery relies on
            //    a complete sidecar beside every .eml.
            let json = serde_json::to_vec(&sidecar)
                .map_err(|e| QuarantineError::InvalidMeta(e.to_string()))?;
            json_file
                .write_all(&json)
                .map_err(io("cannot write", &json_path))?;
            json_file
                .sync_all()
                .map_err(io("cannot fsync", &json_path))?;
            // 3. The raw bytes in a temp file, fsynced, then renamed (atomic within a directory).
            let mut tmp = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp_path)
                .map_err(io("cannot create", &tmp_path))?;
            tmp.write_all(raw).map_err(io("cannot write", &tmp_path))?;
            tmp.sync_all().map_err(io("cannot fsync", &tmp_path))?;
            drop(tmp);
            fs::rename(&tmp_path, &eml_path).map_err(io("cannot rename into place", &eml_path))?;
            // 4. The directory, so the new names (sidecar, .eml) are on disk too.
            self.sync_dir()
        })();
        if let Err(e) = result {
            cleanup(true);
            return Err(e);
        }
        // 5. The index row, committed (autocommit, synchronous = FULL).
        let entry = Entry {
            id,
            received_at,
            verdict: sidecar.verdict,
            score: sidecar.score,
            reason: sidecar.reason,
            message_id: sidecar.message_id,
            from: sidecar.from,
            subject: sidecar.subject,
            size: sidecar.size,
            sha256: sidecar.sha256,
            envelope: sidecar.envelope,
            state: State::Held,
            released_at: None,
            deleted_at: None,
            lost_at: None,
        };
        let inserted = insert(&self.conn(), &entry).map_err(self.sql("inserting an entry"));
        if let Err(e) = inserted {
            cleanup(true);
            let _ = self.sync_dir();
            return Err(e);
        }
        Ok(entry)
    }

    /// Entries matching `filter`, newest first.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<Entry>, QuarantineError> {
        let limit = filter.limit.min(MAX_LIST) as i64;
        let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM entries
                 WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR received_at >= ?2)
                 ORDER BY received_at DESC, id DESC LIMIT ?3 OFFSET ?4"
            ))
            .map_err(self.sql("listing entries"))?;
        let rows = stmt
            .query_map(
                params![filter.state.map(State::as_str), filter.since, limit, offset],
                entry_from_row,
            )
            .map_err(self.sql("listing entries"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(self.sql("reading an entry"))
    }

    /// How many entries are in each state: `(held, released, deleted, lost)`.
    pub fn counts(&self) -> Result<[(State, u64); 4], QuarantineError> {
        let conn = self.conn();
        let mut out = [
            (State::Held, 0),
            (State::Released, 0),
            (State::Deleted, 0),
            (State::Lost, 0),
        ];
        let mut stmt = conn
            .prepare_cached("SELECT state, count(*) FROM entries GROUP BY state")
            .map_err(self.sql("counting entries"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(self.sql("counting entries"))?;
        for row in rows {
            let (state, n) = row.map_err(self.sql("counting entries"))?;
            if let Some(slot) = out.iter_mut().find(|(s, _)| s.as_str() == state) {
                slot.1 = n.max(0) as u64;
            }
        }
        Ok(out)
    }

    /// The entry `id`, if any. An invalid id is an error, not `None`.
    pub fn get(&self, id: &str) -> Result<Option<Entry>, QuarantineError> {
        check_id(id)?;
        get(&self.conn(), id).map_err(self.sql("reading an entry"))
    }

    /// The raw message of `id`, verified against its size and SHA-256 ([`QuarantineError::Corrupt`]
    /// if the file was altered or damaged).
    pub fn raw(&self, id: &str) -> Result<Vec<u8>, QuarantineError> {
        let entry = self.require(id)?;
        if !entry.state.has_file() {
            return Err(QuarantineError::WrongState {
                id: entry.id,
                state: entry.state,
                action: "read its message",
            });
        }
        self.read_verified(&entry)
    }

    /// Re-injects the original message to `relay` with its stored envelope, then marks the entry
    /// released. Only a held entry can be released; on any failure it stays held.
    pub fn release(&self, id: &str, relay: &SmtpRelay) -> Result<Entry, QuarantineError> {
        let _claim = self.claim(id)?;
        let entry = self.require(id)?;
        if entry.state != State::Held {
            return Err(QuarantineError::WrongState {
                id: entry.id,
                state: entry.state,
                action: "release it",
            });
        }
        let raw = self.read_verified(&entry)?;
        // The index lock is not held during the SMTP session: puts continue meanwhile.
        smtp::send(
            relay,
            &entry.envelope.mail_from,
            &entry.envelope.rcpts,
            &raw,
        )
        .map_err(|source| QuarantineError::Release {
            id: entry.id.clone(),
            source,
        })?;
        let now = now_unix();
        let conn = self.conn();
        conn.execute(
            "UPDATE entries SET state = 'released', released_at = ?2 WHERE id = ?1",
            params![id, now],
        )
        .map_err(self.sql("marking an entry released"))?;
        get(&conn, id)
            .map_err(self.sql("reading an entry"))?
            .ok_or_else(|| QuarantineError::NotFound(id.to_string()))
    }

    /// Removes the message file of `id` and keeps its row as [`State::Deleted`]. Deleting a deleted
    /// entry returns it unchanged; a lost entry becomes deleted (acknowledged).
    pub fn delete(&self, id: &str) -> Result<Entry, QuarantineError> {
        let _claim = self.claim(id)?;
        let entry = self.require(id)?;
        if entry.state == State::Deleted {
            return Ok(entry);
        }
        self.mark_deleted(&[id.to_string()], now_unix())?;
        self.remove_files(&[id.to_string()])?;
        self.require(id)
    }

    /// Deletes held entries received before `now - retention`; returns how many. Entries being
    /// released at that moment are skipped (the next run takes them).
    pub fn expire(&self, retention: Duration, now: i64) -> Result<usize, QuarantineError> {
        let cutoff = now.saturating_sub(i64::try_from(retention.as_secs()).unwrap_or(i64::MAX));
        self.delete_where(
            "SELECT id FROM entries WHERE state = 'held' AND received_at < ?1 ORDER BY received_at",
            cutoff,
            now,
        )
    }

    /// Removes the files of entries released before `now - retention` (they were delivered; the
    /// copy was kept for a second release). Their rows become [`State::Deleted`] and keep
    /// `released_at`. Returns how many. [`expire`](Self::expire) does not touch released entries.
    pub fn purge_released(&self, retention: Duration, now: i64) -> Result<usize, QuarantineError> {
        let cutoff = now.saturating_sub(i64::try_from(retention.as_secs()).unwrap_or(i64::MAX));
        self.delete_where(
            "SELECT id FROM entries WHERE state = 'released' AND released_at < ?1 ORDER BY released_at",
            cutoff,
            now,
        )
    }

    // --- internals ---

    /// Deletes the entries `select` (one parameter, `cutoff`) returns, skipping those another
    /// request is releasing or deleting.
    fn delete_where(&self, select: &str, cutoff: i64, now: i64) -> Result<usize, QuarantineError> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt = conn
                .prepare_cached(select)
                .map_err(self.sql("finding entries to delete"))?;
            let rows = stmt
                .query_map([cutoff], |r| r.get::<_, String>(0))
                .map_err(self.sql("finding entries to delete"))?;
            rows.collect::<Result<_, _>>()
                .map_err(self.sql("finding entries to delete"))?
        };
        let mut claimed = Vec::with_capacity(ids.len());
        for id in ids {
            if let Ok(claim) = self.claim(&id) {
                claimed.push(claim);
            }
        }
        let ids: Vec<String> = claimed.iter().map(|c| c.id.clone()).collect();
        if ids.is_empty() {
            return Ok(0);
        }
        // Rows first, files second: a crash in between leaves deleted rows with files, which
        // recovery finishes; the other order would turn them into false "lost" reports.
        let n = self.mark_deleted(&ids, now)?;
        self.remove_files(&ids)?;
        Ok(n)
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held cannot leave a half-done transaction behind (rusqlite
        // rolls back on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn sql(&self, context: &'static str) -> impl Fn(rusqlite::Error) -> QuarantineError {
        let path = self.db_path.clone();
        move |source| QuarantineError::Sqlite {
            context,
            path: path.clone(),
            source,
        }
    }

    pub(crate) fn sync_dir(&self) -> Result<(), QuarantineError> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io("cannot fsync the directory", &self.dir))
    }

    fn reserve_id(
        &self,
        received_at: i64,
        sha256: &str,
    ) -> Result<(String, PathBuf, File), QuarantineError> {
        for _ in 0..ID_ATTEMPTS {
            let mut h = Sha256::new();
            h.update(sha256.as_bytes());
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            h.update(nanos.to_le_bytes());
            h.update(self.counter.fetch_add(1, Ordering::Relaxed).to_le_bytes());
            h.update(std::process::id().to_le_bytes());
            let d = h.finalize();
            let id = make_id(received_at, [d[0], d[1], d[2], d[3]]);
            let json_path = self.dir.join(format!("{id}.json"));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&json_path)
            {
                Ok(f) => {
                    // A row with this id (a deleted entry's) would make the insert fail later.
                    let taken = get(&self.conn(), &id)
                        .map_err(self.sql("checking an id"))?
                        .is_some();
                    if taken {
                        let _ = fs::remove_file(&json_path);
                        continue;
                    }
                    return Ok((id, json_path, f));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io("cannot create", json_path)(e)),
            }
        }
        Err(QuarantineError::IdExhausted {
            dir: self.dir.clone(),
        })
    }

    fn require(&self, id: &str) -> Result<Entry, QuarantineError> {
        self.get(id)?
            .ok_or_else(|| QuarantineError::NotFound(id.to_string()))
    }

    fn read_verified(&self, entry: &Entry) -> Result<Vec<u8>, QuarantineError> {
        let path = self.dir.join(format!("{}.eml", entry.id));
        let mut f = File::open(&path).map_err(io("cannot open", &path))?;
        let len = f.metadata().map_err(io("cannot stat", &path))?.len();
        // Checked before reading, so a file grown by accident (or malice) is not read into memory.
        if len != entry.size {
            return Err(QuarantineError::Corrupt {
                id: entry.id.clone(),
                detail: format!("{len} bytes on disk, {} when quarantined", entry.size),
            });
        }
        let mut raw = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        f.read_to_end(&mut raw).map_err(io("cannot read", &path))?;
        let actual = hex::encode(Sha256::digest(&raw));
        if raw.len() as u64 != entry.size || actual != entry.sha256 {
            return Err(QuarantineError::Corrupt {
                id: entry.id.clone(),
                detail: format!("SHA-256 {actual}, {} when quarantined", entry.sha256),
            });
        }
        Ok(raw)
    }

    fn claim(&self, id: &str) -> Result<Claim<'_>, QuarantineError> {
        check_id(id)?;
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        if !busy.insert(id.to_string()) {
            return Err(QuarantineError::InProgress(id.to_string()));
        }
        Ok(Claim {
            q: self,
            id: id.to_string(),
        })
    }

    pub(crate) fn mark_deleted(&self, ids: &[String], now: i64) -> Result<usize, QuarantineError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.sql("deleting entries"))?;
        let mut n = 0;
        {
            let mut stmt = tx
                .prepare_cached(
                    "UPDATE entries SET state = 'deleted', deleted_at = ?2 WHERE id = ?1 AND state != 'deleted'",
                )
                .map_err(self.sql("deleting entries"))?;
            for id in ids {
                n += stmt
                    .execute(params![id, now])
                    .map_err(self.sql("deleting entries"))?;
            }
        }
        tx.commit().map_err(self.sql("deleting entries"))?;
        Ok(n)
    }

    pub(crate) fn remove_files(&self, ids: &[String]) -> Result<(), QuarantineError> {
        for id in ids {
            for ext in ["eml", "json"] {
                let path = self.dir.join(format!("{id}.{ext}"));
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io("cannot remove", path)(e)),
                }
            }
        }
        self.sync_dir()
    }
}

/// Releases an id from `Quarantine::busy` when the operation ends, however it ends.
struct Claim<'a> {
    q: &'a Quarantine,
    id: String,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.q
            .busy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

fn check_id(id: &str) -> Result<(), QuarantineError> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(QuarantineError::InvalidId(id.chars().take(64).collect()))
    }
}

pub(crate) fn insert(conn: &Connection, e: &Entry) -> rusqlite::Result<usize> {
    let rcpts = serde_json::to_string(&e.envelope.rcpts).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(&format!(
        "INSERT INTO entries ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
    ))?
    .execute(params![
        e.id,
        e.received_at,
        e.verdict,
        f64::from(e.score),
        e.reason,
        e.message_id,
        e.from,
        e.subject,
        i64::try_from(e.size).unwrap_or(i64::MAX),
        e.sha256,
        e.envelope.mail_from,
        rcpts,
        e.envelope.client_ip,
        e.envelope.helo,
        e.envelope.queue_id,
        e.state.as_str(),
        e.released_at,
        e.deleted_at,
        e.lost_at,
    ])
}

pub(crate) fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<Entry>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM entries WHERE id = ?1"))?
        .query_row([id], entry_from_row)
        .optional()
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let rcpts: String = r.get(11)?;
    let state: String = r.get(15)?;
    let bad = |col: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, what.into())
    };
    Ok(Entry {
        id: r.get(0)?,
        received_at: r.get(1)?,
        verdict: r.get(2)?,
        score: r.get::<_, f64>(3)? as f32,
        reason: r.get(4)?,
        message_id: r.get(5)?,
        from: r.get(6)?,
        subject: r.get(7)?,
        size: r.get::<_, i64>(8)?.max(0) as u64,
        sha256: r.get(9)?,
        envelope: Envelope {
            mail_from: r.get(10)?,
            rcpts: serde_json::from_str(&rcpts)
                .map_err(|e| bad(11, format!("rcpts is not a JSON list of strings: {e}")))?,
            client_ip: r.get(12)?,
            helo: r.get(13)?,
            queue_id: r.get(14)?,
        },
        state: State::parse(&state).ok_or_else(|| bad(15, format!("unknown state {state:?}")))?,
        released_at: r.get(16)?,
        deleted_at: r.get(17)?,
        lost_at: r.get(18)?,
    })
}
