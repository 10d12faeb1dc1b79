//! Hangul Word Processor documents (Hancom): HWP 5 (an OLE compound file), HWPX (OWPML zip, KS X 6101),
//! HWP 3 and HWPML. Korean targets receive them the way the rest of the world receives Word files, and
//! Kimsuky, APT37 and Lazarus send them with PostScript exploits (EPS pictures run by Hangul's
//! Ghostscript), OLE packages carrying programs, and document scripts.
//!
//! | file | what |
//! |---|---|
//! | `hwp5.rs` | HWP 5: streams, format, text, scripts, BinData, linked documents, consistency checks |
//! | `header.rs` | the HWP 5 `FileHeader` (version, property bits) |
//! | `records.rs` | the HWP 5 record layer (tag, level, size) with its structural problems |
//! | `docinfo.rs` | `DocInfo`: the BinData table |
//! | `body.rs` | `BodyText`/`ViewText` sections: text, hyperlinks and fields, OLE and picture controls |
//! | `distribution.rs` | distribution documents: the AES key in `DISTRIBUTE_DOC_DATA`, `ViewText` decryption |
//! | `bindata.rs` | embedded binaries of every flavour: EPS, OLE objects, programs, pictures |
//! | `eps.rs` | PostScript exploit traits |
//! | `script.rs` | document scripts (JScript) |
//! | `hwpx.rs` | HWPX (zip + XML) |
//! | `hwpml.rs` | HWPML (the XML form of HWP 2002-2010) |
//! | `hwp3.rs` | HWP 3.x binary documents |
//!
//! Every finding id starts with `hwp.`. Findings about a whole document are reported once on the
//! document node, with the streams involved listed in the evidence.

mod bindata;
mod body;
mod distribution;
mod docinfo;
pub(crate) mod eps;
mod header;
mod hwp3;
mod hwp5;
mod hwpml;
pub mod hwpx;
mod records;
mod script;
mod xml;

use crate::office::ole::Ole;
use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// HWP 5: called by the OLE analyser once `FileHeader` identified the compound file.
pub(crate) fn analyse_cfb(w: &mut Walk<'_>, node: &mut Node, ole: &mut Ole<'_>) {
    hwp5::analyse(w, node, ole);
}

/// HWP 3.x binary documents and HWPML (XML).
pub(crate) fn analyse_legacy(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    match node.detected_type {
        Kind::Hwpml => hwpml::analyse(w, node, data),
        _ => hwp3::analyse(w, node, data),
    }
}

/// For fuzzing: runs the record parser and the text, field and control extraction over arbitrary
/// bytes, once as a decompressed `BodyText/Section0` and once as a `DocInfo` stream, then the
/// distribution-document decryption and the script parser over the same bytes. Never panics, whatever
/// the input; returns the number of characters of text extracted (so that the work is not optimised
/// away).
pub fn fuzz_records(data: &[u8]) -> usize {
    let mut sec = body::Body::default();
    body::parse(data, "BodyText/Section0", &mut sec);
    let info = docinfo::parse(data);
    let plain = distribution::decrypt(data).map(|p| p.len()).unwrap_or(0);
    let script = script::parse_default_jscript(data)
        .map(|s| s.len())
        .unwrap_or(0);
    let eps = eps::scan(data).traits.len();
    sec.text.len() + info.bins.len() + plain + script + eps
}

/// UTF-16LE bytes as text (an odd last byte is dropped, unpaired surrogates become U+FFFD).
pub(crate) fn utf16(b: &[u8]) -> String {
    let u: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&u)
}

/// The `WORD len` + `WCHAR array[len]` string of the HWP 5.0 specification (§2, 표 1) at `off`:
/// the text and the offset after it.
pub(crate) fn wstr(b: &[u8], off: usize) -> Option<(String, usize)> {
    let n = usize::from(crate::archive::u16le(b, off)?);
    let start = off.checked_add(2)?;
    let bytes = crate::archive::bytes(b, start, n.checked_mul(2)?)?;
    Some((utf16(bytes), start + n * 2))
}

/// Text cut to `max` characters, for evidence.
pub(crate) fn short(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut v: String = s.chars().take(max).collect();
        v.push('…');
        v
    }
}

/// At most `n` items joined with ", ", and how many were left out.
pub(crate) fn listing(items: &[String], n: usize) -> String {
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        s.push_str(&format!(" (+{} more)", items.len() - n));
    }
    s
}

/// `hwp.malformed`: structural problems exploits rely on (records running past their stream, absurd
/// nesting, BinData tables that disagree with the streams). Once per document, every problem listed.
pub(crate) fn flag_malformed(node: &mut Node, problems: &[String]) {
    if problems.is_empty() || node.has("hwp.malformed") {
        return;
    }
    node.flag(
        "hwp.malformed",
        Severity::Medium,
        "Hangul document structure is inconsistent (the kind of damage parser exploits rely on)",
        &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
        listing(problems, 6),
        format!(
            "{} problem(s); Hangul's own parser trusts these sizes and counts",
            problems.len()
        ),
    );
}

/// `hwp.encrypted`: a password, DRM or certificate-encrypted document whose content cannot be scanned.
pub(crate) fn flag_encrypted(node: &mut Node, value: &str, note: impl Into<String>) {
    node.encrypted = true;
    if node.has("hwp.encrypted") {
        return;
    }
    node.flag(
        "hwp.encrypted",
        Severity::Medium,
        "Hangul document is encrypted: its content cannot be scanned",
        &[t::ENCRYPTED_FILE],
        value,
        note,
    );
}

/// `hwp.external_link`: what the document fetches from elsewhere when it opens (a linked document,
/// picture or OLE object on a web server or a UNC share). UNC paths also leak the reader's NTLM hash.
pub(crate) fn flag_external(node: &mut Node, targets: &[String], note: &str) {
    if targets.is_empty() || node.has("hwp.external_link") {
        return;
    }
    let unc = targets
        .iter()
        .any(|s| s.starts_with("\\\\") || s.starts_with("//"));
    let mut techniques = vec![t::TEMPLATE_INJECTION];
    if unc {
        techniques.push(t::FORCED_AUTHENTICATION);
    }
    node.flag(
        "hwp.external_link",
        Severity::High,
        "Hangul document loads content from a remote location when it opens",
        &techniques,
        listing(targets, 5),
        note,
    );
}

/// `hwp.hyperlink` (Info): the document's hyperlinks, as evidence for the link detectors and analysts.
pub(crate) fn flag_links(node: &mut Node, urls: &[String], where_: &str) {
    if urls.is_empty() || node.has("hwp.hyperlink") {
        return;
    }
    node.flag(
        "hwp.hyperlink",
        Severity::Info,
        "Hangul document contains hyperlinks",
        &[t::MALICIOUS_LINK],
        listing(urls, 10),
        format!("{} link(s) in {where_}", urls.len()),
    );
}

/// `hwp.legacy_format`: HWP 3 and HWPML, formats current Hangul still opens but few scanners parse.
pub(crate) fn flag_legacy(node: &mut Node, what: &str, note: &str) {
    if node.has("hwp.legacy_format") {
        return;
    }
    node.flag(
        "hwp.legacy_format",
        Severity::Low,
        format!("Document uses the legacy {what} format"),
        &[t::OBFUSCATED_FILES],
        what,
        note,
    );
}

/// Whether a link target leaves the machine: a web address or a UNC/WebDAV path.
pub(crate) fn is_remote(target: &str) -> bool {
    crate::office::is_remote(target)
}

#[cfg(test)]
pub(crate) mod tests;
