//! The blob store: raw messages kept gzip-compressed on the filesystem (RFC 1952), named by their
//! sha256, so a retro-hunt can re-scan what was received and an analyst can export it.
//!
//! Layout: `<dir>/<first two hex digits>/<sha256>.eml.gz`. A blob is written to a temporary file in
//! the same directory and renamed into place, so readers never see half a blob; the same message
//! received twice is stored once. Blobs are not fsynced: they serve hunts and exports, not delivery
//! (the quarantine, which does, syncs), and a sync per message would cost the gateway milliseconds;
//! after a power loss a blob may be missing or damaged. Reads decompress with a size bound and check
//! the sha256, so a damaged or swapped file is reported as such, never read as another message.

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest message read back (decompression bound: a gzip bomb stops here).
pub const MAX_BLOB: u64 = 128 << 20;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob store {dir}: {source}")]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("blob {key}: not a sha256 key")]
    BadKey { key: String },
    #[error("blob {key}: not found in {dir}")]
    Missing { key: String, dir: PathBuf },
    #[error("blob {key}: content does not match its sha256 (damaged or replaced file)")]
    Mismatch { key: String },
    #[error("blob {key}: larger than {MAX_BLOB} bytes once decompressed")]
    TooLarge { key: String },
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

fn valid_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl BlobStore {
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> BlobStore {
        BlobStore { dir: dir.into() }
    }

    /// The default folder for a store file: `<store stem>.blobs` beside it.
    pub fn beside(store_file: &Path) -> BlobStore {
        let mut name = store_file
            .file_stem()
            .map(|s| s.to_os_string())
            .unwrap_or_else(|| "store".into());
        name.push(".blobs");
        BlobStore::new(store_file.with_file_name(name))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn io(&self) -> impl Fn(std::io::Error) -> BlobError + '_ {
        |source| BlobError::Io {
            dir: self.dir.clone(),
            source,
        }
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        if !valid_key(key) {
            return Err(BlobError::BadKey { key: key.into() });
        }
        Ok(self.dir.join(&key[..2]).join(format!("{key}.eml.gz")))
    }

    /// Stores `raw`; returns its key (sha256 hex).
    pub fn put(&self, raw: &[u8]) -> Result<String, BlobError> {
        let key = hex::encode(Sha256::digest(raw));
        let path = self.path(&key)?;
        if path.exists() {
            return Ok(key);
        }
        let sub = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(sub).map_err(self.io())?;
        // Unique per process and call: two threads may store the same message at once.
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = sub.join(format!(".{key}.{}.{seq}.tmp", std::process::id()));
        let write = || -> std::io::Result<()> {
            let f = fs::File::create(&tmp)?;
            // Level 1: a third of level 6's CPU for files ~10% larger; mail is recorded on the
            // gateway's hot path, read back rarely.
            let mut gz = GzEncoder::new(f, Compression::fast());
            gz.write_all(raw)?;
            gz.finish()?;
            fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            self.io()(e)
        })?;
        Ok(key)
    }

    /// The raw message stored under `key`, checked against it.
    pub fn get(&self, key: &str) -> Result<Vec<u8>, BlobError> {
        let path = self.path(key)?;
        let f = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::Missing {
                    key: key.into(),
                    dir: self.dir.clone(),
                })
            }
            Err(e) => return Err(self.io()(e)),
        };
        let mut out = Vec::new();
        GzDecoder::new(f)
            .take(MAX_BLOB + 1)
            .read_to_end(&mut out)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
                    BlobError::Mismatch { key: key.into() }
                }
                _ => self.io()(e),
            })?;
        if out.len() as u64 > MAX_BLOB {
            return Err(BlobError::TooLarge { key: key.into() });
        }
        if hex::encode(Sha256::digest(&out)) != key {
            return Err(BlobError::Mismatch { key: key.into() });
        }
        Ok(out)
    }

    /// Removes a blob; a missing one is not an error.
    pub fn remove(&self, key: &str) -> Result<(), BlobError> {
        match fs::remove_file(self.path(key)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.io()(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_dedupe_remove() {
        let d = tempfile::tempdir().unwrap();
        let b = BlobStore::new(d.path().join("blobs"));
        let raw = b"Subject: x\r\n\r\nhello hello hello hello\r\n".repeat(50);
        let k = b.put(&raw).unwrap();
        assert_eq!(b.put(&raw).unwrap(), k);
        let path = b.path(&k).unwrap();
        assert!(
            fs::metadata(&path).unwrap().len() < raw.len() as u64 / 5,
            "compressed"
        );
        assert_eq!(b.get(&k).unwrap(), raw);
        b.remove(&k).unwrap();
        b.remove(&k).unwrap();
        assert!(matches!(b.get(&k), Err(BlobError::Missing { .. })));
    }

    #[test]
    fn damaged_or_swapped_blobs_and_bad_keys_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let b = BlobStore::new(d.path());
        let k1 = b.put(b"one message").unwrap();
        let k2 = b.put(b"another message").unwrap();
        fs::copy(b.path(&k2).unwrap(), b.path(&k1).unwrap()).unwrap();
        assert!(matches!(b.get(&k1), Err(BlobError::Mismatch { .. })));
        fs::write(b.path(&k2).unwrap(), b"not gzip at all").unwrap();
        assert!(b.get(&k2).is_err());
        for bad in ["../../etc/passwd", "ABCDEF", &"g".repeat(64)] {
            assert!(matches!(b.get(bad), Err(BlobError::BadKey { .. })), "{bad}");
        }
    }
}
