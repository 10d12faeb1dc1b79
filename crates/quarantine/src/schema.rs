//! The index schema (`<dir>/quarantine.db`) and its migrations.
//!
//! A file of its own, not the main store: the quarantine's durability settings (`synchronous =
//! FULL`) and lifetime (it moves with the message directory) differ from the store's. The version is
//! `PRAGMA user_version` (database header offset 60), the owner `PRAGMA application_id` = "SpWQ"
//! (offset 68). Script `i` of [`MIGRATIONS`] takes the schema from version `i` to `i + 1`, in one
//! transaction with the `user_version` update; a released script never changes.

use crate::error::QuarantineError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// "SpWQ": marks the file as a spearwatch quarantine index.
pub const APPLICATION_ID: i32 = 0x5370_5751;

/// Version 1. `rcpts` is a JSON array of strings. `state` is one of held, released, deleted, lost;
/// the `(state, received_at)` index serves `list` by state and `expire`.
const V1: &str = "
PRAGMA application_id = 1399871313;

CREATE TABLE entries (
    id           TEXT PRIMARY KEY NOT NULL,
    received_at  INTEGER NOT NULL,
    verdict      TEXT NOT NULL,
    score        REAL NOT NULL,
    reason       TEXT NOT NULL,
    message_id   TEXT,
    from_header  TEXT,
    subject      TEXT,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    mail_from    TEXT NOT NULL,
    rcpts        TEXT NOT NULL,
    client_ip    TEXT,
    helo         TEXT,
    queue_id     TEXT,
    state        TEXT NOT NULL CHECK (state IN ('held', 'released', 'deleted', 'lost')),
    released_at  INTEGER,
    deleted_at   INTEGER,
    lost_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX entries_state_received ON entries(state, received_at);
CREATE INDEX entries_received ON entries(received_at);
";

/// Oldest first; `MIGRATIONS.len()` is the newest schema version.
pub const MIGRATIONS: &[&str] = &[V1];

/// Refuses a foreign or newer file before writing anything, then applies the missing migrations.
pub fn prepare(conn: &mut Connection, path: &Path) -> Result<(), QuarantineError> {
    let sql = |context: &'static str| {
        let path = path.to_path_buf();
        move |source| QuarantineError::Sqlite {
            context,
            path,
            source,
        }
    };
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(sql("reading the application id"))?;
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql("reading the schema version"))?;
    if app != APPLICATION_ID {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(sql("reading the schema"))?;
        if app != 0 || version != 0 || objects != 0 {
            return Err(QuarantineError::Foreign {
                path: path.to_path_buf(),
                reason: format!(
                    "application id {app:#x} with {objects} schema objects, a quarantine index has {APPLICATION_ID:#x}"
                ),
            });
        }
    }
    let supported = MIGRATIONS.len();
    if version as usize > supported {
        return Err(QuarantineError::Foreign {
            path: path.to_path_buf(),
            reason: format!(
                "schema version {version}, this build knows 1 to {supported}; use a newer spearwatch"
            ),
        });
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql("starting a migration"))?;
        tx.execute_batch(script)
            .map_err(sql("migrating the schema"))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(sql("setting the schema version"))?;
        tx.commit().map_err(sql("committing a migration"))?;
    }
    Ok(())
}
