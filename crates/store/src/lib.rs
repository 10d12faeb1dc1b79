//! The embedded store of spearwatch: one SQLite file that keeps what the organisation's mail flow has
//! taught (the relationship knowledge of `spearwatch-org`), and later scan records, campaigns and
//! quarantine.
//!
//! [`Store::learn`] writes a batch of [`Observation`]s in one transaction, counting each message once
//! (by its key), with exactly the semantics of [`Knowledge::apply`]; [`Store::knowledge`] loads the
//! aggregates back into a [`Knowledge`] equal to the one `apply` builds from the same messages in the
//! same order, which the detectors then query in memory. The schema is versioned
//! (`PRAGMA user_version`) and grows by appending migrations (`schema.rs`); a file is recognised as
//! ours by `PRAGMA application_id` = "SpWt", so a foreign database is refused, never altered.
//!
//! The file is opened in WAL mode (readers do not block the writer) with `synchronous = NORMAL`
//! (durable across a crash of the process; a power loss may lose the last committed batches, which
//! re-learning restores) and a busy timeout (5 s by default, [`Store::set_busy_timeout`]).
//!
//! # Schema (version 1)
//!
//! Times are INTEGER unix seconds; `first_seen` 0 means unset, as in `Knowledge`. Addresses and
//! thread ids are interned: edges and participants are pairs of integer ids.
//!
//! | table | one row per | columns |
//! |---|---|---|
//! | `learned` | message learned (idempotence) | `key` (Observation.key), `at`, `direction` |
//! | `addresses` | address seen (sender, recipient, thread participant) | `id`, `address`, `domain` (registrable; indexed), `first_seen`, `last_seen`, `sent`, `written_to` |
//! | `address_names` | display name an address used, as written | `address_id`, `name`, `name_key` (`names::name_key`, NULL when too short to compare; indexed), `count`, `first_seen`, `last_seen` |
//! | `domains` | registrable domain (all its addresses) | `domain`, `first_seen`, `last_seen`, `sent`, `written_to` (once per message) |
//! | `edges` | (sender, recipient) of inbound, outbound and internal mail | `sender`, `recipient` (address ids), `first_seen`, `last_seen`, `count`, `replies` |
//! | `threads` | thread id (the root Message-ID) | `id`, `thread` |
//! | `thread_messages` | Message-ID learned in a thread, and each thread root | `message_id`, `thread_id` (indexed) |
//! | `thread_participants` | (thread, address), the first [`MAX_PARTICIPANTS`] of a thread | `thread_id`, `address_id`, `position` (order of arrival) |
//!
//! An address has a history (is in `Knowledge`) once it sent or the organisation wrote to it
//! (`sent > 0 OR written_to > 0`); addresses only seen as recipients of inbound or internal mail, or
//! in threads, have a row for their id with zero counters and times. `address_names` keeps every
//! name an address used (with counts); `Knowledge` holds the first [`MAX_NAMES_PER_ADDRESS`] per
//! address in order of first use (rowid order), and indexes all their keys, as `apply` does.
//!
//! [`MAX_PARTICIPANTS`]: spearwatch_org::knowledge::MAX_PARTICIPANTS
//! [`MAX_NAMES_PER_ADDRESS`]: spearwatch_org::knowledge::MAX_NAMES_PER_ADDRESS
//! [`Knowledge::apply`]: spearwatch_org::Knowledge::apply

mod error;
mod knowledge;
mod register;
mod scans;
mod schema;

pub use error::StoreError;
pub use knowledge::LearnStats;
pub use register::{CampaignEvent, CampaignLink, CampaignRow, HuntHit, RegisteredScan, ScanExtra};
pub use scans::{ScanFilter, ScanRecord, MAX_LIST};
pub use schema::APPLICATION_ID;

use error::Ctx;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use spearwatch_org::observe::Observation;
use spearwatch_org::Knowledge;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a write waits for another connection's lock before [`StoreError::Busy`].
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection: `learn` uses 13, look-ups a few more.
const STATEMENT_CACHE: usize = 32;

/// Page cache per connection, KiB.
const CACHE_KIB: u32 = 32 * 1024;

/// Row counts for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Messages learned.
    pub messages: u64,
    /// Addresses with a history: they sent, or the organisation wrote to them.
    pub addresses: u64,
    /// Distinct (address, display name) pairs.
    pub names: u64,
    /// (sender, recipient) pairs.
    pub edges: u64,
    /// Threads with participants.
    pub threads: u64,
}

/// An open spearwatch database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    ctx: Ctx,
    /// `None` in memory.
    file: Option<PathBuf>,
}

impl Store {
    /// Opens or creates the database file (creating parent directories), applies pending migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, schema::MIGRATIONS)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::open_in_memory_with(schema::MIGRATIONS)
    }

    fn open_with(path: &Path, migrations: &[&str]) -> Result<Store, StoreError> {
        let ctx = Ctx {
            path: path.to_path_buf(),
            busy: DEFAULT_BUSY_TIMEOUT,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: path.to_path_buf(),
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        // No SQLITE_OPEN_URI: a file named "file:..." is a file, not options.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| {
            match ctx.err("opening")(source) {
                StoreError::Sqlite { source, .. } => StoreError::Open {
                    path: path.to_path_buf(),
                    source,
                },
                other => other,
            }
        })?;
        Self::init(conn, ctx, Some(path.to_path_buf()), migrations)
    }

    fn open_in_memory_with(migrations: &[&str]) -> Result<Store, StoreError> {
        let ctx = Ctx {
            path: PathBuf::from(":memory:"),
            busy: DEFAULT_BUSY_TIMEOUT,
        };
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ctx.path.clone(),
            source,
        })?;
        Self::init(conn, ctx, None, migrations)
    }

    fn init(
        mut conn: Connection,
        ctx: Ctx,
        file: Option<PathBuf>,
        migrations: &[&str],
    ) -> Result<Store, StoreError> {
        conn.busy_timeout(ctx.busy)
            .map_err(ctx.err("setting the busy timeout"))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
        // Before anything is written: a foreign or newer file must be left as it is.
        schema::check_owner(&conn, &ctx, supported)?;
        if file.is_some() {
            // WAL: one writer and many readers at once (the scanner reads while a learner writes).
            // The mode is persistent in the file; setting it again is a no-op.
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
                .map_err(ctx.err("switching to WAL"))?;
        }
        // The page cache (SQLite's default is 2 MiB) bounds how much of the indexes stays in memory
        // between batches: too small, and every UPSERT reads its B-tree pages again and a batch
        // spills dirty pages to the WAL before its commit.
        conn.execute_batch(&format!(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -{};",
            CACHE_KIB
        ))
        .map_err(ctx.err("setting pragmas"))?;
        schema::migrate(&mut conn, &ctx, migrations)?;
        Ok(Store { conn, ctx, file })
    }

    /// The database file (`None` for an in-memory store).
    pub fn path(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// How long a write waits for another connection's lock before failing with
    /// [`StoreError::Busy`].
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(timeout)
            .map_err(self.ctx.err("setting the busy timeout"))?;
        self.ctx.busy = timeout;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let v = schema::user_version(&self.conn, &self.ctx)?;
        Ok(u32::try_from(v).unwrap_or(0))
    }

    /// Learns observations in one transaction; a message (Observation.key) already learned counts
    /// once (skipped and counted as duplicate), within the batch as across batches. On error nothing
    /// of the batch is kept.
    pub fn learn(&mut self, batch: &[Observation]) -> Result<LearnStats, StoreError> {
        let ctx = &self.ctx;
        // IMMEDIATE: take the write lock up front, so waiting for it goes through the busy timeout
        // instead of failing when a read transaction is upgraded.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(ctx.err("starting a write transaction"))?;
        let stats = knowledge::learn(&tx, batch).map_err(ctx.err("learning observations"))?;
        tx.commit()
            .map_err(ctx.err("committing learned observations"))?;
        Ok(stats)
    }

    /// Whether the message with this key (Observation.key) has been learned. A failed look-up (a
    /// locked or damaged file) answers `false`: the message is then offered to `learn`, which reports
    /// the error or skips it as a duplicate.
    pub fn learned(&self, key: &str) -> bool {
        self.conn
            .prepare_cached("SELECT 1 FROM learned WHERE key = ?1")
            .and_then(|mut s| s.exists([key]))
            .unwrap_or(false)
    }

    /// Loads the aggregates into memory for the detectors (one read transaction: a consistent
    /// snapshot while another process learns).
    pub fn knowledge(&self) -> Result<Knowledge, StoreError> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(self.ctx.err("starting a read transaction"))?;
        let k = knowledge::load(&tx).map_err(|e| match e {
            knowledge::LoadError::Sql(e) => self.ctx.err("loading the knowledge")(e),
            knowledge::LoadError::Dangling { table, id } => StoreError::Inconsistent {
                path: self.ctx.path.clone(),
                detail: format!("{table} refers to id {id}, which has no row"),
            },
        })?;
        tx.finish()
            .map_err(self.ctx.err("ending a read transaction"))?;
        Ok(k)
    }

    /// Row counts: messages, addresses, names, edges, threads.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(i64::unsigned_abs)
                .map_err(self.ctx.err("counting rows"))
        };
        Ok(StoreStats {
            messages: count("SELECT count(*) FROM learned")?,
            addresses: count("SELECT count(*) FROM addresses WHERE sent > 0 OR written_to > 0")?,
            names: count("SELECT count(*) FROM address_names")?,
            edges: count("SELECT count(*) FROM edges")?,
            threads: count("SELECT count(DISTINCT thread_id) FROM thread_participants")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A later schema version, for the upgrade mechanism only.
    const V2_TEST: &str = "CREATE TABLE upgrade_test (id INTEGER PRIMARY KEY, key TEXT NOT NULL);
                           INSERT INTO upgrade_test (key) SELECT key FROM learned;";

    fn obs(key: &str) -> Observation {
        Observation {
            key: key.into(),
            at: 100,
            from: "kim@samil-tax.kr".into(),
            from_name: Some("김민준 세무사".into()),
            recipients: vec!["fin@hanbit-x.com".into()],
            direction: spearwatch_org::observe::Direction::Inbound,
            message_id: Some(format!("{key}@x")),
            thread: Some("root@x".into()),
            is_reply: false,
        }
    }

    #[test]
    fn a_v1_file_upgrades_when_a_later_migration_exists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let v1 = &schema::MIGRATIONS[..1];
        let mut s = Store::open_with(&path, v1).unwrap();
        assert_eq!(s.schema_version().unwrap(), 1);
        s.learn(&[obs("a"), obs("b")]).unwrap();
        drop(s);

        let v2 = [schema::MIGRATIONS[0], V2_TEST];
        let s = Store::open_with(&path, &v2).unwrap();
        assert_eq!(s.schema_version().unwrap(), 2);
        let scans: i64 = s
            .conn
            .query_row("SELECT count(*) FROM upgrade_test", [], |r| r.get(0))
            .unwrap();
        assert_eq!(scans, 2, "v2 ran once, over the v1 data");
        assert_eq!(s.stats().unwrap().messages, 2);
        drop(s);

        // Opened again with the same list: nothing to do. With the older list: refused.
        assert_eq!(
            Store::open_with(&path, &v2)
                .unwrap()
                .schema_version()
                .unwrap(),
            2
        );
        match Store::open_with(&path, v1) {
            Err(StoreError::SchemaTooNew {
                found: 2,
                supported: 1,
                ..
            }) => {}
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let v1 = &schema::MIGRATIONS[..1];
        Store::open_with(&path, v1)
            .unwrap()
            .learn(&[obs("a")])
            .unwrap();
        let broken = [
            schema::MIGRATIONS[0],
            "CREATE TABLE half (x); INSERT INTO no_such_table VALUES (1);",
        ];
        match Store::open_with(&path, &broken) {
            Err(e @ StoreError::Migration { version: 2, .. }) => {
                assert!(e.to_string().contains("s.db"), "{e}");
                assert!(e.to_string().contains("version 2"), "{e}");
            }
            other => panic!("expected Migration, got {other:?}"),
        }
        let s = Store::open_with(&path, v1).unwrap();
        assert_eq!(s.schema_version().unwrap(), 1);
        let half: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'half'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(half, 0, "the failed migration was rolled back whole");
        assert!(s.learned("a"));
    }

    #[test]
    fn in_memory_store_migrates_and_has_no_path() {
        let s = Store::open_in_memory_with(schema::MIGRATIONS).unwrap();
        assert_eq!(
            s.schema_version().unwrap() as usize,
            schema::MIGRATIONS.len()
        );
        assert_eq!(s.path(), None);
    }
}
