//! Reconciling the directory with the index when the quarantine opens.
//!
//! What a crash can leave behind, by the step of `put` or `delete` it interrupted:
//!
//! | left behind | cause | action |
//! |---|---|---|
//! | `<id>.eml.tmp` | crash before the rename | removed (put had not returned Ok: the MTA still has the message) |
//! | `<id>.json`, no `.eml`, no row | crash before the rename | removed, same reason |
//! | `<id>.eml` + `.json`, no row | crash between the rename and the insert | re-indexed from the sidecar |
//! | `<id>.eml`, no row, no usable sidecar | sidecar removed or damaged by hand | re-indexed as verdict `unknown` with an empty envelope |
//! | row held/released, no `.eml` | file removed or lost outside spearwatch | row marked `lost` and reported |
//! | row lost, `.eml` back and intact | file restored from a backup | row restored (held, or released if it was) |
//! | row deleted, files present | crash inside `delete`/`expire` (rows are updated first) | files removed |
//!
//! Other files in the directory are reported and left alone.

use crate::entry::{clip, header_fields, now_unix, valid_id, Entry, Envelope, State};
use crate::error::{io, QuarantineError};
use crate::{insert, Quarantine, Sidecar, INDEX_FILE, LOCK_FILE};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

/// What [`Quarantine::open`](crate::Quarantine::open) found and did. Empty after a clean shutdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Messages found without an index row and indexed again (held).
    pub reindexed: Vec<String>,
    /// Among `reindexed`, those whose sidecar was missing, unreadable or did not match the file:
    /// verdict `unknown`, empty envelope (they cannot be released until re-scanned).
    pub reindexed_without_sidecar: Vec<String>,
    /// Entries whose message file is missing, now in state `lost`.
    pub lost: Vec<String>,
    /// Lost entries whose file is back with the right SHA-256, restored to held or released.
    pub restored: Vec<String>,
    /// Deleted entries whose files were still there (a crash inside delete), now removed.
    pub deletions_finished: Vec<String>,
    /// Temp files of interrupted puts, removed.
    pub temp_removed: Vec<PathBuf>,
    /// Sidecars of interrupted puts (no message, no row), removed.
    pub orphan_sidecars_removed: Vec<String>,
    /// Files that are not the quarantine's: left untouched.
    pub unknown_files: Vec<PathBuf>,
}

impl RecoveryReport {
    /// Whether nothing had to be done (nothing lost, nothing re-indexed, nothing removed).
    pub fn is_clean(&self) -> bool {
        self.reindexed.is_empty()
            && self.lost.is_empty()
            && self.restored.is_empty()
            && self.deletions_finished.is_empty()
            && self.temp_removed.is_empty()
            && self.orphan_sidecars_removed.is_empty()
    }
}

pub(crate) fn recover(q: &Quarantine) -> Result<RecoveryReport, QuarantineError> {
    let dir = q.dir();
    let mut report = RecoveryReport::default();
    let mut emls = BTreeSet::new();
    let mut jsons = BTreeSet::new();
    let mut removed_any = false;
    let ours = [
        INDEX_FILE.to_string(),
        format!("{INDEX_FILE}-wal"),
        format!("{INDEX_FILE}-shm"),
        format!("{INDEX_FILE}-journal"),
        LOCK_FILE.to_string(),
    ];
    for item in fs::read_dir(dir).map_err(io("cannot list", dir))? {
        let item = item.map_err(io("cannot list", dir))?;
        let path = item.path();
        let Some(name) = item.file_name().to_str().map(str::to_string) else {
            report.unknown_files.push(path);
            continue;
        };
        if ours.contains(&name) {
            continue;
        }
        if name.strip_suffix(".eml.tmp").is_some_and(valid_id) {
            fs::remove_file(&path).map_err(io("cannot remove", &path))?;
            removed_any = true;
            report.temp_removed.push(path);
        } else if let Some(stem) = name.strip_suffix(".eml").filter(|s| valid_id(s)) {
            emls.insert(stem.to_string());
        } else if let Some(stem) = name.strip_suffix(".json").filter(|s| valid_id(s)) {
            jsons.insert(stem.to_string());
        } else {
            report.unknown_files.push(path);
        }
    }

    let now = now_unix();
    let mut conn = q.conn();
    let tx = conn.transaction().map_err(q.sql("recovering"))?;
    // Rows whose file should exist, and lost rows whose file may be back.
    let rows: Vec<(String, State, Option<i64>, i64, String)> = {
        let mut stmt = tx
            .prepare(
                "SELECT id, state, released_at, size, sha256 FROM entries WHERE state != 'deleted'",
            )
            .map_err(q.sql("recovering"))?;
        let rows = stmt
            .query_map([], |r| {
                let state: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    State::parse(&state).unwrap_or(State::Held),
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })
            .map_err(q.sql("recovering"))?;
        rows.collect::<Result<_, _>>()
            .map_err(q.sql("recovering"))?
    };
    for (id, state, released_at, size, sha) in rows {
        let present = emls.contains(&id);
        if state.has_file() && !present {
            tx.execute(
                "UPDATE entries SET state = 'lost', lost_at = ?2 WHERE id = ?1",
                params![id, now],
            )
            .map_err(q.sql("marking an entry lost"))?;
            report.lost.push(id);
        } else if state == State::Lost && present {
            let path = dir.join(format!("{id}.eml"));
            let intact = fs::read(&path)
                .map(|raw| raw.len() as i64 == size && hex::encode(Sha256::digest(&raw)) == sha)
                .unwrap_or(false);
            if intact {
                let back = if released_at.is_some() {
                    State::Released
                } else {
                    State::Held
                };
                tx.execute(
                    "UPDATE entries SET state = ?2, lost_at = NULL WHERE id = ?1",
                    params![id, back.as_str()],
                )
                .map_err(q.sql("restoring an entry"))?;
                report.restored.push(id);
            }
        }
    }

    let mut finish_deletion = Vec::new();
    for id in &emls {
        let state: Option<String> = tx
            .prepare_cached("SELECT state FROM entries WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(q.sql("recovering"))?;
        match state.as_deref() {
            Some("deleted") => finish_deletion.push(id.clone()),
            Some(_) => {}
            None => {
                let entry = reindex(q, id, jsons.contains(id), &mut report)?;
                insert(&tx, &entry).map_err(q.sql("re-indexing an entry"))?;
                report.reindexed.push(id.clone());
            }
        }
    }
    for id in jsons.iter().filter(|id| !emls.contains(*id)) {
        let state: Option<String> = tx
            .prepare_cached("SELECT state FROM entries WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(q.sql("recovering"))?;
        // A lost entry keeps its sidecar: it is the only record of what the message was.
        if matches!(state.as_deref(), None | Some("deleted")) {
            let path = dir.join(format!("{id}.json"));
            fs::remove_file(&path).map_err(io("cannot remove", &path))?;
            removed_any = true;
            if state.is_none() {
                report.orphan_sidecars_removed.push(id.clone());
            }
        }
    }
    tx.commit().map_err(q.sql("committing recovery"))?;
    drop(conn);

    if !finish_deletion.is_empty() {
        q.remove_files(&finish_deletion)?;
        report.deletions_finished = finish_deletion;
    } else if removed_any {
        q.sync_dir()?;
    }
    Ok(report)
}

/// The index row of an `.eml` that has none: from its sidecar when that is complete and matches the
/// file, otherwise from the file alone.
fn reindex(
    q: &Quarantine,
    id: &str,
    has_sidecar: bool,
    report: &mut RecoveryReport,
) -> Result<Entry, QuarantineError> {
    let path = q.dir().join(format!("{id}.eml"));
    let raw = fs::read(&path).map_err(io("cannot read", &path))?;
    let sha256 = hex::encode(Sha256::digest(&raw));
    let size = raw.len() as u64;
    let mut problem = "no sidecar".to_string();
    if has_sidecar {
        let json_path = q.dir().join(format!("{id}.json"));
        match fs::read(&json_path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Sidecar>(&b).map_err(|e| e.to_string()))
        {
            Ok(s) if s.id == id && s.sha256 == sha256 && s.size == size && s.score.is_finite() => {
                return Ok(Entry {
                    id: id.to_string(),
                    received_at: s.received_at,
                    verdict: clip(s.verdict),
                    score: s.score,
                    reason: clip(s.reason),
                    message_id: s.message_id.map(clip),
                    from: s.from.map(clip),
                    subject: s.subject.map(clip),
                    size,
                    sha256,
                    envelope: s.envelope,
                    state: State::Held,
                    released_at: None,
                    deleted_at: None,
                    lost_at: None,
                });
            }
            Ok(_) => problem = "the sidecar does not match the message".into(),
            Err(e) => problem = format!("unreadable sidecar: {e}"),
        }
    }
    report.reindexed_without_sidecar.push(id.to_string());
    let received_at = fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or_else(now_unix);
    let (message_id, from, subject) = header_fields(&raw);
    Ok(Entry {
        id: id.to_string(),
        received_at,
        verdict: "unknown".into(),
        score: 0.0,
        reason: format!("re-indexed after a crash ({problem}); scan it again before releasing"),
        message_id,
        from,
        subject,
        size,
        sha256,
        envelope: Envelope::default(),
        state: State::Held,
        released_at: None,
        deleted_at: None,
        lost_at: None,
    })
}
