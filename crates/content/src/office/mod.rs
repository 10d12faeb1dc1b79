//! Microsoft Office and related document formats: OLE/CFB compound files (Word/Excel/PowerPoint 97-2003,
//! VBA projects, Ole10Native packages, encrypted OOXML), OOXML packages, RTF.
//!
//! | file | what |
//! |---|---|
//! | `ole.rs` | compound files: format, encryption, embedded objects, DDE in Word text, Outlook .msg |
//! | `ovba.rs` | the MS-OVBA decompressor |
//! | `vba.rs` | VBA projects: modules, auto-exec, suspicious calls, obfuscation, stomping |
//! | `word.rs` | Word 97-2003 text through the piece table (MS-DOC), field codes |
//! | `xlm.rs` | Excel 4.0 (XLM) macro sheets in BIFF8 and OOXML |
//! | `native.rs` | OLE1 objects and Packager payloads (`\x01Ole10Native`, RTF `\objdata`) |
//! | `crypto.rs` | encrypted OOXML: whether the default password opens it |
//! | `ooxml.rs` | OOXML packages: relationships, macros, embeddings, DDE, text |
//! | `ppt.rs` | PowerPoint 97-2003: VBA and OLE objects stored as records of the document stream |
//! | `rtf.rs` | RTF: embedded objects, Equation Editor, remote templates |
//! | `sylk.rs` | SYLK spreadsheets: Excel 4.0 macro formulas as text |
//!
//! Every finding id starts with `office.`.

pub mod crypto;
pub mod native;
pub mod ole;
pub mod ooxml;
pub mod ovba;
pub mod ppt;
pub mod rtf;
pub mod sylk;
pub mod vba;
pub mod word;
pub mod xlm;

use crate::Node;
use spearwatch_core::{technique as t, Severity};

/// A DDE field (T1559.002): `DDEAUTO` runs its command when the document opens (after prompts).
pub(crate) fn flag_dde(node: &mut Node, command: &str, auto: bool, where_: &str) {
    if node.has("office.dde") {
        return;
    }
    node.flag(
        "office.dde",
        Severity::High,
        if auto {
            "Document has a DDEAUTO field that starts a program when it opens"
        } else {
            "Document has a DDE field that starts a program"
        },
        &[t::DYNAMIC_DATA_EXCHANGE, t::COMMAND_INTERPRETER],
        command,
        where_,
    );
}

/// Whether a link target leaves the machine: a web URL or a UNC/WebDAV path.
pub(crate) fn is_remote(target: &str) -> bool {
    let l = target.trim().to_ascii_lowercase();
    if l.starts_with("file:///") {
        return false;
    }
    l.starts_with("\\\\")
        || l.starts_with("//")
        || l.starts_with("mhtml:")
        || l.starts_with("ms-")
        || l.contains("://")
}
