//! The attachment content engine: opens every attachment recursively, never executes anything, stays
//! inside hard [`Limits`], and describes what it found as a tree of [`Node`]s carrying
//! [`Finding`](spearwatch_core::Finding)s.
//!
//! Sans-IO: [`analyse`] takes bytes and returns a tree; nothing is written or run. One format per folder:
//!
//! | module | formats | finding id prefix |
//! |---|---|---|
//! | [`kind`] | typing by magic bytes and structure | |
//! | [`names`] | member names: risky types, double extensions, bidi/padding tricks | `attachment.` |
//! | `archive/` | zip (ZipCrypto/AES), 7z, RAR, gzip/bzip2/xz, tar, ISO 9660, TNEF | `archive.` |
//! | `hwp/` | HWP 5 (CFB records, BinData, scripts, EPS), HWPX, HWP 3, HWPML | `hwp.` |
//! | `office/` | OLE/CFB, VBA (MS-OVBA), XLM, Ole10Native, OOXML, RTF, encrypted Office | `office.` |
//! | `pdf/` | PDF actions, scripts, embedded files | `pdf.` |
//! | `lnk/` | Windows shortcuts (MS-SHLLINK) | `lnk.` |
//! | `exe/` | PE/ELF/Mach-O facts, script files | `exe.`, `script.` |
//! | `html.rs` | HTML attachments: smuggling, credential forms | `html.` |
//! | `onenote.rs` | OneNote embedded files | `onenote.` |
//! | `chm.rs` | Compiled HTML Help (ITSF): pages, LZX section, HTML Help ShortCut commands | `chm.` |
//! | `yara.rs` | YARA (yara-x, cargo feature `yara`) over every object; rule pack in `rules/` | `yara.` |
//!
//! Objects that carry a payload also get structural [`Fingerprint`]s ([`fingerprint()`]): hashes of
//! the normalised VBA source, PostScript, shortcut command line, PDF JavaScript or script text, equal
//! across re-saved copies of one dropper, for campaign clustering.
//!
//! A container hands each member it extracts to [`Walk::child`], which types it, checks the limits and
//! recurses. Hitting a limit is a finding (`content.limit`), never a crash or a hang.

pub mod archive;
mod chm;
mod email;
pub mod exe;
pub mod fingerprint;
mod html;
pub mod hwp;
pub mod kind;
pub mod lnk;
pub mod names;
mod node;
pub mod office;
mod onenote;
pub mod pdf;
mod signatures;
mod walk;
mod xml;
#[cfg(feature = "yara")]
pub mod yara;

pub use fingerprint::{fingerprint, fingerprint_parts, Fingerprint, FingerprintKind};
pub use kind::Kind;
pub use node::Node;
pub use walk::{Limits, Walk};

/// What the engine is told besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: Limits,
    /// Passwords to try on encrypted archives and documents, best first: harvested from the message
    /// (subject, body, other parts), then the built-in short list.
    pub passwords: Vec<String>,
    /// Keep the bytes of extracted objects in the tree (for `--extract`). Off by default.
    pub keep_data: bool,
    /// MIME part index of the attachment, for evidence.
    pub part: usize,
    /// YARA rules run on every object (the bundled pack and the user's).
    #[cfg(feature = "yara")]
    /// Rules live for the whole process ([`yara::YaraRules::leak`]) so that each thread keeps its
    /// scanners between attachments: building a yara-x scanner costs far more than a small scan.
    pub yara: Option<&'static yara::YaraRules>,
}

/// Passwords attackers and sample-sharing habits use most; tried after the ones found in the message.
pub const COMMON_PASSWORDS: &[&str] = &["infected", "malware", "virus", "1234", "0000", "password"];

/// Analyses one attachment: `name` as the message gave it, `declared` its MIME type.
pub fn analyse(data: &[u8], name: &str, declared: Option<&str>, opts: &Options) -> Node {
    Walk::new(opts).root(data, name, declared)
}

/// Analyses `data` as `kind`, whatever its magic bytes say: for fuzzing one parser at a time and for
/// callers that already know the format.
pub fn analyse_as(kind: Kind, data: &[u8], name: &str, opts: &Options) -> Node {
    Walk::new(opts).root_as(kind, data, name)
}
