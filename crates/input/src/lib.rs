//! Reading mail messages from the filesystem and standard input.
//!
//! A scan starts from command-line paths. [`expand`] turns them into
//! [`Source`]s: `-` is standard input, a directory is walked (Maildir trees
//! included), and a regular file is classified by its content as an mbox
//! (RFC 4155: it starts with a `From ` envelope line) or a single message.
//! [`Source::read`] then yields each message as an [`Item`], a path a person
//! can find the message by together with its raw bytes.
//!
//! Problems are reported as [`InputError`]s beside the results rather than
//! stopping a batch: an unreadable path or an oversized message (see
//! [`Limits`]) is one error, and the other inputs are still read.

#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

mod mbox;
mod walk;

/// Buffer size for reading mbox streams.
const MBOX_BUFFER: usize = 64 * 1024;

/// One message read from an input, with a path a person can find it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Where the message came from: the file path, `"{file}#{n}"` for the
    /// n-th message (counted from 1) of an mbox holding several, or `-` for
    /// standard input (`-#{n}` when standard input is an mbox of several).
    pub path: String,
    /// The raw message (RFC 5322 headers and body), without any mbox envelope line.
    pub bytes: Vec<u8>,
}

/// What a command-line path turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file holding exactly one message.
    Message(PathBuf),
    /// A file in mbox format (RFC 4155), holding any number of messages.
    Mbox(PathBuf),
    /// Standard input: one message, or an mbox when it starts with `From `.
    Stdin,
}

/// A problem reading an input; each names the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path does not exist.
    #[error("{}: no such file or directory", path.display())]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// The path exists but could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being read.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The path is neither a regular file nor a directory (a device, socket or FIFO).
    #[error("{}: not a regular file or directory", path.display())]
    NotAFile {
        /// The offending path.
        path: PathBuf,
    },
    /// A message is larger than [`Limits::max_message_bytes`]; it was skipped.
    #[error("{path}: message is {size} bytes, over the limit of {limit} bytes; skipped")]
    TooLarge {
        /// The message's path, as an [`Item::path`] would have been.
        path: String,
        /// The message's size in bytes.
        size: u64,
        /// The limit in force.
        limit: usize,
    },
}

/// Bounds on what is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest message, in bytes, that is read; larger ones are skipped with
    /// [`InputError::TooLarge`]. Default: [`Limits::DEFAULT_MAX_MESSAGE_BYTES`].
    pub max_message_bytes: usize,
}

impl Limits {
    /// The default message size limit: 64 MiB.
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// Expands command-line paths: "-" is stdin; a directory is walked recursively (sorted by path for
/// determinism, symlinks not followed); a regular file is classified as Mbox or Message by content.
/// Errors for paths that cannot be read are returned beside the sources, so a batch goes on.
///
/// A path named on the command line is followed if it is a symlink. While
/// walking, Maildir `tmp/` directories (beside `cur/` or `new/`), known
/// mail-server metadata files (`dovecot-uidlist`, `dovecot.index*`,
/// `maildirfolder`, ...) and empty files are skipped; dot-directories such as
/// Maildir++ `.Sent` are walked.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<InputError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => errors.push(io_error(path, e)),
            Ok(meta) if meta.is_dir() => walk::walk(path, &mut sources, &mut errors),
            Ok(meta) if meta.is_file() => match classify(path) {
                Ok(source) => sources.push(source),
                Err(e) => errors.push(e),
            },
            Ok(_) => errors.push(InputError::NotAFile { path: path.clone() }),
        }
    }
    (sources, errors)
}

impl Source {
    /// Reads the messages of this source, calling `f` for each; an mbox yields many.
    /// A per-message problem (e.g. one message over the size limit) is reported via `on_error` and
    /// reading continues; Err is returned only when the source as a whole cannot be read.
    ///
    /// An mbox is read as a stream, so its size is not bounded by memory; a
    /// read error part way through returns `Err` after the messages already read.
    pub fn read(
        &self,
        limits: &Limits,
        f: &mut dyn FnMut(Item),
        on_error: &mut dyn FnMut(InputError),
    ) -> Result<(), InputError> {
        let limit = limits.max_message_bytes;
        match self {
            Source::Message(path) => {
                let mut file = File::open(path).map_err(|e| io_error(path, e))?;
                let len = file.metadata().map_err(|e| io_error(path, e))?.len();
                let name = display_path(path);
                if len > limit as u64 {
                    on_error(InputError::TooLarge {
                        path: name,
                        size: len,
                        limit,
                    });
                    return Ok(());
                }
                read_single(&mut file, name, limit, f, on_error).map_err(|e| io_error(path, e))
            }
            Source::Mbox(path) => {
                let file = File::open(path).map_err(|e| io_error(path, e))?;
                let reader = BufReader::with_capacity(MBOX_BUFFER, file);
                mbox::read(reader, &display_path(path), limit, f, on_error)
                    .map_err(|e| io_error(path, e))
            }
            Source::Stdin => read_stream(io::stdin().lock(), "-", limit, f, on_error)
                .map_err(|e| io_error(Path::new("-"), e)),
        }
    }

    /// The path a person would recognise: the file path, or `-` for standard input.
    pub fn display(&self) -> String {
        match self {
            Source::Message(path) | Source::Mbox(path) => display_path(path),
            Source::Stdin => "-".to_owned(),
        }
    }
}

/// Whether content starting with `prefix` is an mbox (RFC 4155 envelope line).
fn is_mbox_prefix(prefix: &[u8]) -> bool {
    prefix.starts_with(b"From ")
}

/// Classifies a regular file as an mbox or a single message by its first bytes.
fn classify(path: &Path) -> Result<Source, InputError> {
    let mut prefix = [0u8; 5];
    let n = File::open(path)
        .and_then(|mut file| read_prefix(&mut file, &mut prefix))
        .map_err(|e| io_error(path, e))?;
    Ok(if is_mbox_prefix(&prefix[..n]) {
        Source::Mbox(path.to_path_buf())
    } else {
        Source::Message(path.to_path_buf())
    })
}

/// Reads a stream whose kind is not known in advance (standard input):
/// an mbox if it starts with `From `, otherwise one message.
fn read_stream<R: Read>(
    mut r: R,
    name: &str,
    limit: usize,
    f: &mut dyn FnMut(Item),
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let mut prefix = [0u8; 5];
    let n = read_prefix(&mut r, &mut prefix)?;
    let mut whole = io::Cursor::new(prefix[..n].to_vec()).chain(r);
    if is_mbox_prefix(&prefix[..n]) {
        mbox::read(
            BufReader::with_capacity(MBOX_BUFFER, whole),
            name,
            limit,
            f,
            on_error,
        )
    } else {
        read_single(&mut whole, name.to_owned(), limit, f, on_error)
    }
}

/// Reads all of `r` as one message of at most `limit` bytes. When it is larger,
/// the rest is read only to count it, and [`InputError::TooLarge`] is reported.
fn read_single<R: Read>(
    r: &mut R,
    name: String,
    limit: usize,
    f: &mut dyn FnMut(Item),
    on_error: &mut dyn FnMut(InputError),
) -> io::Result<()> {
    let mut bytes = Vec::new();
    let cap = (limit as u64).saturating_add(1);
    r.by_ref().take(cap).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        let rest = io::copy(r, &mut io::sink())?;
        on_error(InputError::TooLarge {
            path: name,
            size: (bytes.len() as u64).saturating_add(rest),
            limit,
        });
    } else {
        f(Item { path: name, bytes });
    }
    Ok(())
}

/// Fills `buf` from `r` as far as the input allows; returns the bytes read.
fn read_prefix<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn io_error(path: &Path, source: io::Error) -> InputError {
    if source.kind() == io::ErrorKind::NotFound {
        InputError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        InputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn display_path(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(input: &[u8], limit: usize) -> (Vec<Item>, Vec<String>) {
        let mut items = Vec::new();
        let mut errors = Vec::new();
        read_stream(input, "-", limit, &mut |i| items.push(i), &mut |e| {
            errors.push(e.to_string())
        })
        .unwrap();
        (items, errors)
    }

    #[test]
    fn stdin_single_message() {
        let (items, errors) = stream(b"Subject: hi\n\nbody\n", 100);
        assert!(errors.is_empty());
        assert_eq!(
            items,
            vec![Item {
                path: "-".into(),
                bytes: b"Subject: hi\n\nbody\n".to_vec()
            }]
        );
    }

    #[test]
    fn stdin_mbox() {
        let (items, _) = stream(b"From a\nA: 1\n\nFrom b\nB: 2\n", 100);
        let paths: Vec<_> = items.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["-#1", "-#2"]);
        let (items, _) = stream(b"From a\nA: 1\n", 100);
        assert_eq!(items[0].path, "-");
        assert_eq!(items[0].bytes, b"A: 1\n");
    }

    #[test]
    fn stdin_too_large_counts_everything() {
        let (items, errors) = stream(&[b'x'; 50], 10);
        assert!(items.is_empty());
        assert_eq!(
            errors,
            ["-: message is 50 bytes, over the limit of 10 bytes; skipped"]
        );
    }

    #[test]
    fn short_and_empty_stdin() {
        let (items, _) = stream(b"Fro", 100);
        assert_eq!(items[0].bytes, b"Fro");
        let (items, _) = stream(b"", 100);
        assert_eq!(items[0].bytes, b"");
    }

    #[test]
    fn display() {
        assert_eq!(Source::Stdin.display(), "-");
        assert_eq!(Source::Mbox(PathBuf::from("a/b")).display(), "a/b");
        assert_eq!(Limits::default().max_message_bytes, 64 << 20);
    }
}
