//! HWPML (Hancom "HWP document file format 3.0 / HWPML", revision 1.2, Part II): the XML form of HWP
//! that Hangul 2002-2010 save and current versions still open. Root `HWPML` with `HEAD` (the
//! `BINDATALIST` of `BINITEM`s, linked ones with `APath`), `BODY` (paragraph text in `CHAR` elements),
//! and `TAIL` (`BINDATASTORAGE` with base64 `BINDATA`, optionally deflated, and `SCRIPTCODE`). Few
//! scanners parse it, which is why it is reported as a legacy format.

use super::bindata::{self, Tally};
use super::body::{addresses, link_target};
use super::script;
use super::xml::{attr, walk, Ev};
use crate::{Node, Walk};
use std::io::Read;

/// Base64 characters decoded per BINDATA at most (the walk's object limit applies after).
const MAX_B64: usize = 96 << 20;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    // Hangul can save HWPML as UTF-16LE with a byte order mark.
    let wide;
    let data = match data.strip_prefix(&[0xFF, 0xFE]) {
        Some(rest) => {
            wide = super::utf16(rest).into_bytes();
            &wide[..]
        }
        None => data,
    };
    let mut text = String::new();
    let mut links: Vec<String> = Vec::new();
    let mut remote: Vec<String> = Vec::new();
    let mut script_text = String::new();
    // (id, format, compressed, base64)
    let mut bins: Vec<(String, String, bool, String)> = Vec::new();
    let mut formats: Vec<(String, String)> = Vec::new();
    let mut in_char = 0usize;
    let mut in_script = 0usize;
    let mut in_bin: Option<usize> = None;
    let mut version = String::new();
    walk(data, |ev| match ev {
        Ev::Start(name, attrs) => match name {
            "HWPML" => version = attr(attrs, "Version").unwrap_or("").to_string(),
            "CHAR" => in_char += 1,
            "SCRIPTCODE" => in_script += 1,
            "BINITEM" => {
                let path = attr(attrs, "APath")
                    .or_else(|| attr(attrs, "RPath"))
                    .unwrap_or("");
                if super::is_remote(path) && !remote.contains(&path.to_string()) {
                    remote.push(path.to_string());
                }
                if let (Some(id), Some(f)) = (attr(attrs, "BinData"), attr(attrs, "Format")) {
                    formats.push((id.to_string(), f.to_string()));
                }
            }
            "BINDATA" if bins.len() < 1000 => {
                let id = attr(attrs, "Id").unwrap_or("").to_string();
                let compressed =
                    attr(attrs, "Compress").is_some_and(|c| c.eq_ignore_ascii_case("true"));
                bins.push((id, String::new(), compressed, String::new()));
                in_bin = Some(bins.len() - 1);
            }
            _ => {
                for (k, v) in attrs {
                    if k.eq_ignore_ascii_case("Command") {
                        let t = link_target(v);
                        if !t.is_empty() && !links.contains(&t) && links.len() < 1000 {
                            links.push(t);
                        }
                    }
                }
            }
        },
        Ev::End(name) => match name {
            "CHAR" => in_char = in_char.saturating_sub(1),
            "P" => text.push('\n'),
            "SCRIPTCODE" => in_script = in_script.saturating_sub(1),
            "BINDATA" => in_bin = None,
            _ => {}
        },
        Ev::Text(s) => {
            if in_char > 0 && text.len() < (256 << 10) {
                text.push_str(s);
            } else if in_script > 0 && script_text.len() < (1 << 20) {
                script_text.push_str(s);
                script_text.push('\n');
            } else if let Some(b) = in_bin.and_then(|i| bins.get_mut(i)) {
                if b.3.len() < MAX_B64 {
                    b.3.push_str(s);
                }
            }
        }
    });
    if !text.trim().is_empty() {
        node.push_text(&text);
    }
    let mut parts = Vec::new();
    let mut tally = Tally::default();
    for (id, _, compressed, b64) in &bins {
        if w.expired(node) {
            return;
        }
        let Some(raw) = base64(b64) else {
            continue;
        };
        let data = if *compressed {
            inflate(w, node, &raw)
        } else {
            raw
        };
        let ext = formats
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, f)| f.as_str())
            .unwrap_or("");
        let name = if ext.is_empty() {
            format!("BINDATA {id}")
        } else {
            format!("BINDATA {id}.{ext}")
        };
        bindata::item(w, node, &name, ext, &data, &mut tally);
    }
    bindata::finish(node, &tally);
    if let Some(d) = tally.describe() {
        parts.push(d);
    }
    if !script_text.trim().is_empty() {
        parts.push("JScript".to_string());
        script::flag(node, "SCRIPTCODE", &script_text);
    }
    for u in addresses(&text) {
        if !links.contains(&u) {
            links.push(u);
        }
    }
    super::flag_external(
        node,
        &remote,
        "BINITEM links Hangul loads when the document opens",
    );
    super::flag_links(node, &links, "HWPML fields");
    super::flag_legacy(
        node,
        "HWPML",
        "the XML form of HWP (Hangul 2002-2010): current Hangul opens it, few scanners parse it",
    );
    let v = if version.is_empty() {
        String::new()
    } else {
        format!(" {version}")
    };
    node.format = Some(if parts.is_empty() {
        format!("HWPML{v} document (XML form of HWP)")
    } else {
        format!("HWPML{v} document (XML form of HWP), {}", parts.join(", "))
    });
}

/// A deflated BINDATA: raw deflate, else zlib, else the bytes as they are.
fn inflate(w: &mut Walk<'_>, node: &mut Node, raw: &[u8]) -> Vec<u8> {
    if let Ok(d) = w.read_member(
        node,
        "BINDATA",
        flate2::read::DeflateDecoder::new(raw),
        raw.len() as u64,
    ) {
        return d;
    }
    let mut out = Vec::new();
    let room = w.room();
    if flate2::read::ZlibDecoder::new(raw)
        .take(room)
        .read_to_end(&mut out)
        .is_ok()
    {
        return out;
    }
    raw.to_vec()
}

/// Standard base64 (RFC 4648 §4), whitespace ignored; `None` on other characters.
pub(crate) fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes() {
        assert_eq!(base64("TVqQ AA==").unwrap(), vec![0x4D, 0x5A, 0x90, 0]);
        assert_eq!(base64("aGVsbG8").unwrap(), b"hello");
        assert!(base64("a*b").is_none());
    }
}
