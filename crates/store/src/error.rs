//! What can go wrong with the store, each case naming the file.

use std::path::PathBuf;
use std::time::Duration;

/// Could not do the job: the file cannot be opened, is not ours, is newer than this build, is locked,
/// or SQLite failed. Every variant carries the database path (`:memory:` for an in-memory store).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The parent directory of the database file could not be created.
    #[error("cannot create the directory {} for the store {}: {source}", dir.display(), path.display())]
    CreateDir {
        path: PathBuf,
        dir: PathBuf,
        source: std::io::Error,
    },
    /// SQLite could not open or create the file (permissions, a directory in the way, ...).
    #[error("cannot open or create the store {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The file exists but is not a SQLite database at all (SQLITE_NOTADB): random bytes, another
    /// format, or a damaged header.
    #[error("{} is not a SQLite database (wrong file, or its header is damaged)", path.display())]
    NotADatabase { path: PathBuf },
    /// SQLite found the file damaged (SQLITE_CORRUPT).
    #[error("the store {} is corrupt: {source}", path.display())]
    Corrupt {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// Tables disagree with each other (a row refers to an id that has no row): damaged or edited
    /// by hand.
    #[error("the store {} is inconsistent: {detail}", path.display())]
    Inconsistent { path: PathBuf, detail: String },
    /// A SQLite database, but not one spearwatch made: it is left untouched.
    #[error("{} is a SQLite database but not a spearwatch store ({reason}); it was left untouched", path.display())]
    Foreign { path: PathBuf, reason: String },
    /// The schema is newer than this build knows how to read: refused rather than misread.
    #[error(
        "the store {} has schema version {found}, but this build of spearwatch knows versions 1 to {supported}; \
         use a newer spearwatch with this file",
        path.display()
    )]
    SchemaTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// Another connection held the lock longer than the busy timeout (SQLITE_BUSY / SQLITE_LOCKED).
    #[error("the store {} is busy: another process or connection held its lock for more than {waited:?}", path.display())]
    Busy { path: PathBuf, waited: Duration },
    /// A schema migration failed; the file stays at the previous version (each migration is one
    /// transaction).
    #[error("cannot upgrade the store {} to schema version {version}: {source}", path.display())]
    Migration {
        path: PathBuf,
        version: u32,
        source: rusqlite::Error,
    },
    /// Any other SQLite failure, with what the store was doing.
    #[error("the store {}: {context}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        context: &'static str,
        source: rusqlite::Error,
    },
}

/// What an error needs to name: the file and the busy timeout in force.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub path: PathBuf,
    pub busy: Duration,
}

impl Ctx {
    /// Classifies a SQLite error: lock, damage and "not a database" get their own variants whatever
    /// the store was doing; the rest are `Sqlite { context }`.
    pub fn err(&self, context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
        move |e| {
            self.classify(e, |path, source| StoreError::Sqlite {
                path,
                context,
                source,
            })
        }
    }

    pub fn migration_err(&self, version: u32) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |e| {
            self.classify(e, |path, source| StoreError::Migration {
                path,
                version,
                source,
            })
        }
    }

    fn classify(
        &self,
        e: rusqlite::Error,
        other: impl FnOnce(PathBuf, rusqlite::Error) -> StoreError,
    ) -> StoreError {
        use rusqlite::ErrorCode;
        let path = self.path.clone();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
                path,
                waited: self.busy,
            },
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path, source: e },
            _ => other(path, e),
        }
    }
}
