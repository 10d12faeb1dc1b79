//! Directory walking: a tree of message files, mbox files and Maildir folders.
//!
//! Maildir keeps one message per file in `cur/` and `new/`; `tmp/` holds
//! deliveries in progress and is skipped. Maildir++ subfolders are
//! dot-directories (`.Sent`, `.Archive.2024`), so dot-directories are walked.

use std::ffi::OsStr;
use std::fs::{self, FileType};
use std::path::{Path, PathBuf};

use crate::{classify, io_error, InputError, Source};

/// Exact names of mail-server metadata files, which are not messages.
const METADATA_NAMES: &[&str] = &[
    "dovecot-uidlist",
    "dovecot-keywords",
    "maildirfolder",
    "subscriptions",
    ".DS_Store",
];

/// Name prefixes of mail-server metadata files.
const METADATA_PREFIXES: &[&str] = &[
    "dovecot.index",
    "dovecot.list.index",
    "dovecot-uidvalidity",
    "courierimap",
];

/// Walks `root` depth first, children in name order (so the result is sorted
/// by path), adding a source for each message or mbox file found.
/// Symlinks are not followed.
pub(crate) fn walk(root: &Path, sources: &mut Vec<Source>, errors: &mut Vec<InputError>) {
    // Entries still to visit, the next one last; an explicit stack keeps deep
    // trees from exhausting the call stack.
    let mut stack: Vec<(PathBuf, FileType)> = Vec::new();
    visit_dir(root, &mut stack, errors);
    while let Some((path, kind)) = stack.pop() {
        if kind.is_dir() {
            visit_dir(&path, &mut stack, errors);
        } else if kind.is_file() && !is_metadata(path.file_name()) {
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.len() == 0 => {}
                Ok(_) => match classify(&path) {
                    Ok(source) => sources.push(source),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(io_error(&path, e)),
            }
        }
        // Symlinks, devices, sockets and FIFOs are passed over.
    }
}

/// Pushes the entries of `dir` onto `stack` so that they pop in name order,
/// leaving out a Maildir's `tmp/`.
fn visit_dir(dir: &Path, stack: &mut Vec<(PathBuf, FileType)>, errors: &mut Vec<InputError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(io_error(dir, e));
            return;
        }
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry.and_then(|e| Ok((e.path(), e.file_type()?))) {
            Ok(child) => children.push(child),
            Err(e) => errors.push(io_error(dir, e)),
        }
    }
    let is_maildir = children
        .iter()
        .any(|(p, t)| t.is_dir() && matches!(p.file_name(), Some(n) if n == "cur" || n == "new"));
    if is_maildir {
        children.retain(|(p, t)| !(t.is_dir() && p.file_name() == Some(OsStr::new("tmp"))));
    }
    children.sort_by(|a, b| b.0.file_name().cmp(&a.0.file_name()));
    stack.extend(children);
}

/// Whether a file name is one of the known mail-server metadata files.
fn is_metadata(name: Option<&OsStr>) -> bool {
    let Some(name) = name.and_then(OsStr::to_str) else {
        return false;
    };
    METADATA_NAMES.contains(&name) || METADATA_PREFIXES.iter().any(|p| name.starts_with(p))
}
