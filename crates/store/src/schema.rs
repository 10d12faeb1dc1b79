//! The schema and its migrations.
//!
//! The version lives in the database header (`PRAGMA user_version`, header offset 60 in SQLite's
//! "Database File Format"), the owner in `PRAGMA application_id` (offset 68), so a file is recognised
//! without reading a table. [`MIGRATIONS`] is ordered: script `i` takes the schema from version `i`
//! to `i + 1`. Each runs in its own IMMEDIATE transaction together with the `user_version` update, so
//! a failed or interrupted migration leaves the file at the previous version. Later issues (scan
//! records, campaigns, quarantine) append scripts; a script never changes once released.

use crate::error::{Ctx, StoreError};
use rusqlite::{Connection, TransactionBehavior};

/// "SpWt" in the header's application id: marks the file as a spearwatch store.
pub const APPLICATION_ID: i32 = 0x5370_5774;

/// Version 1: the relationship knowledge (see the crate documentation for what each table holds).
///
/// Addresses and thread ids are interned (`addresses.id`, `threads.id`) so that edges and
/// participants are pairs of integers: a few bytes a row instead of two e-mail addresses, which keeps
/// the B-trees (and the pages a batch dirties) small. Rows that become `Vec` elements in `Knowledge`
/// keep their order of first use: `address_names` by rowid (an UPSERT keeps a row's rowid),
/// `thread_participants` by `position` within the thread. Tables keyed by text or pairs are
/// `WITHOUT ROWID`, so the key is stored once rather than in a table and an index.
const V1: &str = "
PRAGMA application_id = 1399871348;

CREATE TABLE learned (
    key        TEXT PRIMARY KEY NOT NULL,
    at         INTEGER NOT NULL,
    direction  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    address     TEXT NOT NULL UNIQUE,
    domain      TEXT NOT NULL,
    first_seen  INTEGER NOT NULL DEFAULT 0,
    last_seen   INTEGER NOT NULL DEFAULT 0,
    sent        INTEGER NOT NULL DEFAULT 0,
    written_to  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX addresses_domain ON addresses(domain);

CREATE TABLE address_names (
    address_id  INTEGER NOT NULL REFERENCES addresses(id),
    name        TEXT NOT NULL,
    name_key    TEXT,
    count       INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    UNIQUE (address_id, name)
);
CREATE INDEX address_names_key ON address_names(name_key) WHERE name_key IS NOT NULL;

CREATE TABLE domains (
    domain      TEXT PRIMARY KEY NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    sent        INTEGER NOT NULL,
    written_to  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE edges (
    sender      INTEGER NOT NULL REFERENCES addresses(id),
    recipient   INTEGER NOT NULL REFERENCES addresses(id),
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    replies     INTEGER NOT NULL,
    PRIMARY KEY (sender, recipient)
) WITHOUT ROWID;

CREATE TABLE threads (
    id          INTEGER PRIMARY KEY,
    thread      TEXT NOT NULL UNIQUE
);

CREATE TABLE thread_messages (
    message_id  TEXT PRIMARY KEY NOT NULL,
    thread_id   INTEGER NOT NULL REFERENCES threads(id)
) WITHOUT ROWID;
CREATE INDEX thread_messages_thread ON thread_messages(thread_id);

CREATE TABLE thread_participants (
    thread_id   INTEGER NOT NULL REFERENCES threads(id),
    address_id  INTEGER NOT NULL REFERENCES addresses(id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (thread_id, address_id)
) WITHOUT ROWID;
";

/// Version 2: scan records of the gateway (`spearwatch serve`): one row per message scanned, with the
/// action taken, so the API can list verdicts and an analyst can find a message by queue id. The
/// report (the JSON of `docs/report-schema.md`) is kept whole.
const V2: &str = "
CREATE TABLE scans (
    id           INTEGER PRIMARY KEY,
    received_at  INTEGER NOT NULL,
    source       TEXT NOT NULL,
    queue_id     TEXT,
    message_id   TEXT,
    sender       TEXT,
    subject      TEXT,
    verdict      TEXT NOT NULL,
    score        REAL NOT NULL,
    action       TEXT NOT NULL,
    quarantine   TEXT,
    report       TEXT NOT NULL
);
CREATE INDEX scans_received ON scans(received_at);
CREATE INDEX scans_verdict ON scans(verdict, received_at);
CREATE INDEX scans_queue ON scans(queue_id) WHERE queue_id IS NOT NULL;
";

/// Version 3: the register of attacks (issue 7).
///
/// - `scans` gains the message's key (sha256 of the raw bytes), its Date, the blob holding the raw
///   message (a key into the blob store, NULL once retention removed it), the MinHash signature of
///   its text (`spearwatch-register`'s `minhash`, little-endian u32s) and its campaign.
/// - `observables`: what each scan carried, as (kind, value) pairs; `WITHOUT ROWID` keyed by
///   (kind, value, scan) so "which messages carried X" is one index range, the retro-hunt's look-up.
/// - `clean_values` and `campaign_values`: the clustering's look-ups (values of clean mail never link;
///   values of messages in campaigns are what a new message links to), each a primary-key probe, so
///   recording costs the same with ten or ten million stored messages.
/// - `campaigns`: one row per campaign; `merged_into` points at the campaign that absorbed it, so an
///   old id still resolves. The analyst's attribution (`actor`, `actor_note`) overrides the computed
///   hypotheses.
/// - `campaign_links`: why a message is in its campaign (the other message and the shared value);
///   `campaign_events`: the timeline (created, joined, merged, split, hunt, attributed).
/// - `hunt_hits`: what a retro-hunt found in stored messages, recorded as findings of the old scan.
const V3: &str = "
ALTER TABLE scans ADD COLUMN message_key TEXT;
ALTER TABLE scans ADD COLUMN date INTEGER;
ALTER TABLE scans ADD COLUMN blob TEXT;
ALTER TABLE scans ADD COLUMN signature BLOB;
ALTER TABLE scans ADD COLUMN campaign TEXT;
CREATE INDEX scans_campaign ON scans(campaign) WHERE campaign IS NOT NULL;
CREATE INDEX scans_key ON scans(message_key) WHERE message_key IS NOT NULL;
CREATE INDEX scans_blob ON scans(received_at) WHERE blob IS NOT NULL;

CREATE TABLE observables (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    scan_id  INTEGER NOT NULL REFERENCES scans(id),
    PRIMARY KEY (kind, value, scan_id)
) WITHOUT ROWID;
CREATE INDEX observables_scan ON observables(scan_id);

-- Values of linkable kinds seen in mail judged clean: never campaign links.
CREATE TABLE clean_values (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;

-- The linkable values (and text bands) of messages in campaigns: the clustering's look-up, kept
-- apart from `observables` so its cost does not grow with the clean mail around it.
CREATE TABLE campaign_values (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    scan_id  INTEGER NOT NULL REFERENCES scans(id),
    PRIMARY KEY (kind, value, scan_id)
) WITHOUT ROWID;

CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    created     INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    merged_into TEXT,
    actor       TEXT,
    actor_note  TEXT
) WITHOUT ROWID;

-- Campaign pairs an analyst split apart: clustering never merges them again.
CREATE TABLE campaign_blocks (
    a  TEXT NOT NULL,
    b  TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;

CREATE TABLE campaign_links (
    campaign  TEXT NOT NULL,
    scan_id   INTEGER NOT NULL,
    other_id  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX campaign_links_campaign ON campaign_links(campaign);
CREATE INDEX campaign_links_scan ON campaign_links(scan_id);

CREATE TABLE campaign_events (
    id        INTEGER PRIMARY KEY,
    campaign  TEXT NOT NULL,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    scan_id   INTEGER,
    detail    TEXT NOT NULL
);
CREATE INDEX campaign_events_campaign ON campaign_events(campaign, id);

CREATE TABLE hunt_hits (
    id        INTEGER PRIMARY KEY,
    hunt      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    scan_id   INTEGER NOT NULL REFERENCES scans(id),
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    source    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    UNIQUE (scan_id, kind, value, source)
);
";

/// The migrations of this build, oldest first; `MIGRATIONS.len()` is the newest schema version.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// Refuses files that are not spearwatch stores before anything is written to them.
///
/// A file is ours when its application id is [`APPLICATION_ID`], or when it is a blank database
/// (id 0, version 0, no schema objects: a new or empty file).
pub fn check_owner(conn: &Connection, ctx: &Ctx, supported: u32) -> Result<(), StoreError> {
    // The first read of the file: SQLITE_NOTADB surfaces here for a file of random bytes.
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(ctx.err("reading the application id"))?;
    let version = user_version(conn, ctx)?;
    if app != APPLICATION_ID {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(ctx.err("reading the schema"))?;
        if app != 0 || version != 0 || objects != 0 {
            let reason = if app != 0 {
                format!("application id {app:#x}, spearwatch uses {APPLICATION_ID:#x}")
            } else {
                format!("{objects} schema objects of another application, user_version {version}")
            };
            return Err(StoreError::Foreign {
                path: ctx.path.clone(),
                reason,
            });
        }
    }
    let found = u32::try_from(version).map_err(|_| StoreError::Foreign {
        path: ctx.path.clone(),
        reason: format!("negative schema version {version}"),
    })?;
    if found > supported {
        return Err(StoreError::SchemaTooNew {
            path: ctx.path.clone(),
            found,
            supported,
        });
    }
    Ok(())
}

pub fn user_version(conn: &Connection, ctx: &Ctx) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(ctx.err("reading the schema version"))
}

/// Applies the migrations the file lacks. The version is read again inside each transaction: another
/// process that opened the same new file at the same time may have applied it already.
pub fn migrate(conn: &mut Connection, ctx: &Ctx, migrations: &[&str]) -> Result<(), StoreError> {
    for (i, script) in migrations.iter().enumerate() {
        let version = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if user_version(conn, ctx)? >= i64::from(version) {
            continue;
        }
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(ctx.migration_err(version))?;
        if user_version(&tx, ctx)? >= i64::from(version) {
            continue;
        }
        tx.execute_batch(script)
            .map_err(ctx.migration_err(version))?;
        tx.pragma_update(None, "user_version", version)
            .map_err(ctx.migration_err(version))?;
        tx.commit().map_err(ctx.migration_err(version))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_id_is_spwt_and_in_v1() {
        assert_eq!(APPLICATION_ID.to_be_bytes(), *b"SpWt");
        assert!(V1.contains(&format!("PRAGMA application_id = {APPLICATION_ID};")));
    }
}
