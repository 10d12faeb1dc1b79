//! HWP 3.x binary documents (Hancom "HWP document file format 3.0"; Hangul 97 and older): a 30-byte
//! signature "HWP Document File V3.00" + 0x1A 01 02 03 04 05, the document info block (128 bytes: the
//! password flag at 96, the compression flag at 124, the length of the extra info block at 126), the
//! summary (1008 bytes: title, subject, author, date, two keyword and three note lines, 56 Johab
//! characters each), the extra info block, then the body (raw deflate when compressed).
//!
//! Current Hangul still opens these, few scanners do, and the Johab body text takes a parser of its own:
//! here the summary is read for the lure detectors, and the body is searched for the objects attackers
//! hide (EPS, OLE compound files, programs).

use super::bindata::{self, Tally};
use crate::archive::u16le;
use crate::{Node, Walk};

const SIGNATURE_LEN: usize = 30;
const INFO_LEN: usize = 128;
const SUMMARY_LEN: usize = 1008;
const SUMMARY_FIELD: usize = 112;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let version = data
        .get(..23)
        .map(|s| String::from_utf8_lossy(&s[19..]).into_owned())
        .unwrap_or_default();
    let info = data.get(SIGNATURE_LEN..SIGNATURE_LEN + INFO_LEN);
    let encrypted = info.and_then(|i| u16le(i, 96)).is_some_and(|v| v != 0);
    let compressed = info
        .and_then(|i| i.get(124).copied())
        .is_some_and(|v| v != 0);
    let extra = info.and_then(|i| u16le(i, 126)).unwrap_or(0) as usize;
    let mut parts = Vec::new();
    if compressed {
        parts.push("compressed".to_string());
    }
    super::flag_legacy(
        node,
        "HWP 3",
        "Hangul 97 binary format: current Hangul opens it, few scanners parse it",
    );
    if info.is_none() {
        super::flag_malformed(
            node,
            &[format!(
                "{} bytes: the document info block is cut off",
                data.len()
            )],
        );
    }
    let start = SIGNATURE_LEN + INFO_LEN;
    if let Some(summary) = data.get(start..start + SUMMARY_LEN) {
        let fields: Vec<String> = summary
            .chunks(SUMMARY_FIELD)
            .map(johab_line)
            .filter(|s| !s.trim().is_empty())
            .collect();
        if !fields.is_empty() {
            node.push_text(&fields.join("\n"));
        }
    }
    if encrypted {
        parts.push("password-protected".to_string());
        super::flag_encrypted(
            node,
            "document info",
            "HWP 3 password flag (document info offset 96): the body is encrypted",
        );
    } else if let Some(body) = data.get(start + SUMMARY_LEN + extra..) {
        let plain = if compressed {
            w.read_member(
                node,
                "HWP 3 body",
                flate2::read::DeflateDecoder::new(body),
                body.len() as u64,
            )
            .ok()
        } else {
            Some(body.to_vec())
        };
        if let Some(b) = plain {
            let mut tally = Tally::default();
            embedded(w, node, &b, &mut tally);
            bindata::finish(node, &tally);
            if let Some(d) = tally.describe() {
                parts.push(d);
            }
        }
    }
    let base = format!("HWP {} document (Hangul 97 and older)", version.trim());
    node.format = Some(if parts.is_empty() {
        base
    } else {
        format!("{base}, {}", parts.join(", "))
    });
}

/// Objects inside the body found by their magic: an EPS, an OLE compound file, a PE file.
fn embedded(w: &mut Walk<'_>, node: &mut Node, body: &[u8], tally: &mut Tally) {
    use memchr::memmem::find;
    if let Some(i) = find(body, b"%!PS-Adobe") {
        let end = body.len().min(i + (16 << 20));
        bindata::item(w, node, "HWP 3 body: EPS", "eps", &body[i..end], tally);
    }
    if let Some(i) = find(body, &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        bindata::item(w, node, "HWP 3 body: OLE object", "ole", &body[i..], tally);
    }
    let mut from = 0;
    while let Some(i) = find(&body[from..], b"MZ").map(|i| i + from) {
        if find(&body[i..body.len().min(i + 512)], b"This program cannot").is_some() {
            bindata::item(w, node, "HWP 3 body: program", "exe", &body[i..], tally);
            break;
        }
        from = i + 2;
    }
}

/// A summary line: Johab characters (u16) up to the first NUL.
fn johab_line(b: &[u8]) -> String {
    b.chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&c| c != 0)
        .filter_map(johab)
        .collect()
}

/// One HWP 3 character: ASCII below 0x80, Johab (KS C 5601-1992 annex 3) Hangul syllables with the
/// high bit set: 5 bits each of initial, medial and final jamo. Hanja and symbols (user-area codes of
/// their own) are left out.
pub(crate) fn johab(c: u16) -> Option<char> {
    if c < 0x80 {
        return char::from_u32(u32::from(c))
            .filter(|ch| !ch.is_control() || *ch == '\n' || *ch == '\t');
    }
    if c & 0x8000 == 0 {
        return None;
    }
    let (i, m, f) = ((c >> 10) & 0x1F, (c >> 5) & 0x1F, c & 0x1F);
    // Initial: 2..=20 -> 0..=18 (1 = fill).
    let ini = i.checked_sub(2).filter(|&v| v <= 18)?;
    // Medial: 3-7, 10-15, 18-23, 26-29 -> 0..=20 (2 = fill).
    let med = match m {
        3..=7 => m - 3,
        10..=15 => m - 5,
        18..=23 => m - 7,
        26..=29 => m - 9,
        _ => return None,
    };
    // Final: 1 = none, 2-17 -> 1..=16, 19-29 -> 17..=27.
    let fin = match f {
        1 => 0,
        2..=17 => f - 1,
        19..=29 => f - 2,
        _ => return None,
    };
    char::from_u32(0xAC00 + (u32::from(ini) * 21 + u32::from(med)) * 28 + u32::from(fin))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Johab code of a syllable from its jamo indices (the inverse of [`johab`]).
    pub(crate) fn encode(ch: char) -> u16 {
        let s = ch as u32 - 0xAC00;
        let (ini, med, fin) = (s / 588, (s % 588) / 28, s % 28);
        let m = match med {
            0..=4 => med + 3,
            5..=10 => med + 5,
            11..=16 => med + 7,
            _ => med + 9,
        };
        let f = match fin {
            0 => 1,
            1..=16 => fin + 1,
            _ => fin + 2,
        };
        (0x8000 | ((ini + 2) << 10) | (m << 5) | f) as u16
    }

    /// An HWP 3 file with `title` in the summary and `body` (uncompressed).
    pub(crate) fn file(title: &str, password: bool, body: &[u8]) -> Vec<u8> {
        let mut d = b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05".to_vec();
        let mut info = vec![0u8; INFO_LEN];
        if password {
            info[96] = 1;
        }
        d.extend(info);
        let mut summary = vec![0u8; SUMMARY_LEN];
        for (i, ch) in title.chars().take(50).enumerate() {
            let code = if ch.is_ascii() { ch as u16 } else { encode(ch) };
            summary[i * 2..i * 2 + 2].copy_from_slice(&code.to_le_bytes());
        }
        d.extend(summary);
        d.extend_from_slice(body);
        d
    }

    #[test]
    fn johab_syllables() {
        for ch in ['가', '한', '글', '힣', '세', '금'] {
            assert_eq!(johab(encode(ch)), Some(ch), "{ch}");
        }
        // 0x8861 is 가 in Johab.
        assert_eq!(johab(0x8861), Some('가'));
        assert_eq!(johab(u16::from(b'A')), Some('A'));
    }
}
