//! What can go wrong with the quarantine. Every variant names what it was doing and on what (file,
//! entry id, SMTP step), so a log line is enough to act on.

use crate::entry::State;
use crate::smtp::SmtpError;
use std::path::PathBuf;

/// Could not do the job. An `Err` from [`put`](crate::Quarantine::put) means the message is NOT
/// held: the caller must keep it (tempfail) rather than tell the MTA to drop it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuarantineError {
    /// A file-system operation failed (create, write, fsync, rename, read, remove, list).
    #[error("quarantine: {context} {}: {source}", path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The index (SQLite) failed.
    #[error("quarantine index {}: {context}: {source}", path.display())]
    Sqlite {
        context: &'static str,
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The index file belongs to another application or to a newer spearwatch: left untouched.
    #[error("quarantine index {}: {reason}; it was left untouched", path.display())]
    Foreign { path: PathBuf, reason: String },
    /// Another `Quarantine` (this process or another) has the directory open: two would race in
    /// recovery (one would re-index the other's half-written message).
    #[error("the quarantine directory {} is already open (lock file {} is held)", dir.display(), lock.display())]
    Locked { dir: PathBuf, lock: PathBuf },
    /// The id is not of the form `YYYYMMDDTHHMMSSZ-xxxxxxxx`: refused before it reaches a path.
    #[error("invalid quarantine id {0:?} (expected YYYYMMDDTHHMMSSZ- and 8 lowercase hex digits)")]
    InvalidId(String),
    /// No entry has this id.
    #[error("no quarantine entry {0}")]
    NotFound(String),
    /// The stored file does not match the index (size or SHA-256): it was altered or damaged.
    #[error("quarantined message {id} is corrupted: {detail}")]
    Corrupt { id: String, detail: String },
    /// The operation does not apply to an entry in this state (release of a deleted entry, raw bytes
    /// of a lost one, ...).
    #[error("quarantine entry {id} is {state}; cannot {action}")]
    WrongState {
        id: String,
        state: State,
        action: &'static str,
    },
    /// Another thread is releasing or deleting this entry right now.
    #[error("quarantine entry {0} is being released or deleted by another request")]
    InProgress(String),
    /// The metadata given to `put` cannot be stored (a score that is not a finite number).
    #[error("quarantine: invalid metadata: {0}")]
    InvalidMeta(String),
    /// Re-injection failed; the entry stays as it was (Held).
    #[error("release of {id} failed: {source}")]
    Release { id: String, source: SmtpError },
    /// Every attempt to reserve a fresh id collided with an existing file (should not happen).
    #[error("quarantine: could not reserve a fresh id in {}", dir.display())]
    IdExhausted { dir: PathBuf },
}

/// Builds the `map_err` closure for an I/O error on `path`.
pub(crate) fn io(
    context: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> QuarantineError {
    let path = path.into();
    move |source| QuarantineError::Io {
        context,
        path,
        source,
    }
}
