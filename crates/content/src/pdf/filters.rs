//! Stream filters (ISO 32000-1 §7.4). FlateDecode goes through [`Walk::read_member`] so the size, ratio
//! and time limits apply; the small text filters (ASCIIHex, ASCII85, LZW, RunLength) decode into a
//! buffer capped by [`Walk::room`]. Image filters (DCT, JPX, JBIG2, CCITTFax) are named, not decoded.

use crate::{Node, Walk};
use flate2::read::{DeflateDecoder, ZlibDecoder};
use std::io::Read;

/// The filters a stream declares, in order (`/Filter /FlateDecode` or `/Filter [/A85 /Fl]`).
pub(crate) fn canonical(name: &[u8]) -> &'static str {
    // §7.4.1 table 6, with the abbreviations of inline images (§8.9.7 table 94).
    match name {
        b"FlateDecode" | b"Fl" => "FlateDecode",
        b"ASCIIHexDecode" | b"AHx" => "ASCIIHexDecode",
        b"ASCII85Decode" | b"A85" => "ASCII85Decode",
        b"LZWDecode" | b"LZW" => "LZWDecode",
        b"RunLengthDecode" | b"RL" => "RunLengthDecode",
        b"CCITTFaxDecode" | b"CCF" => "CCITTFaxDecode",
        b"DCTDecode" | b"DCT" => "DCTDecode",
        b"JBIG2Decode" => "JBIG2Decode",
        b"JPXDecode" => "JPXDecode",
        b"Crypt" => "Crypt",
        _ => "unknown",
    }
}

/// Why a stream could not be decoded.
#[derive(Debug)]
pub(crate) enum Stop {
    /// An image or unknown filter: nothing to read for us.
    Unsupported(String),
    /// Corrupt data or a limit (the limit finding is already on the node).
    Failed(String),
}

/// Applies `filters` to `raw` in order.
pub(crate) fn decode(
    w: &mut Walk<'_>,
    node: &mut Node,
    what: &str,
    raw: &[u8],
    filters: &[Vec<u8>],
) -> Result<Vec<u8>, Stop> {
    let mut cur: Vec<u8> = raw.to_vec();
    for f in filters {
        let cap = w.room().min(usize::MAX as u64) as usize;
        cur = match canonical(f) {
            "FlateDecode" => flate(w, node, what, &cur)?,
            "ASCIIHexDecode" => ascii_hex(&cur),
            "ASCII85Decode" => ascii85(&cur, cap),
            "LZWDecode" => lzw(&cur, cap),
            "RunLengthDecode" => run_length(&cur, cap),
            "Crypt" => cur,
            other => {
                let name = if other == "unknown" {
                    String::from_utf8_lossy(f).into_owned()
                } else {
                    other.to_string()
                };
                return Err(Stop::Unsupported(name));
            }
        };
        if cur.len() > cap {
            return Err(Stop::Failed(format!("{what}: beyond the size limit")));
        }
    }
    Ok(cur)
}

/// A reader that ends quietly at the first error: malicious PDFs often carry truncated or
/// checksum-broken deflate streams that viewers still render from the bytes before the damage.
struct Lenient<R> {
    inner: R,
    failed: bool,
}

impl<R: Read> Read for Lenient<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.failed {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(e),
            Err(_) => {
                self.failed = true;
                Ok(0)
            }
        }
    }
}

/// §7.4.4: zlib (RFC 1950) data; a raw deflate stream without the zlib header is accepted too.
fn flate(w: &mut Walk<'_>, node: &mut Node, what: &str, raw: &[u8]) -> Result<Vec<u8>, Stop> {
    let packed = raw.len() as u64;
    let r = Lenient {
        inner: ZlibDecoder::new(raw),
        failed: false,
    };
    let out = w.read_member(node, what, r, packed).map_err(Stop::Failed)?;
    if !out.is_empty() {
        return Ok(out);
    }
    let r = Lenient {
        inner: DeflateDecoder::new(raw),
        failed: false,
    };
    w.read_member(node, what, r, packed).map_err(Stop::Failed)
}

/// §7.4.2: pairs of hex digits up to `>`; white space ignored.
pub(crate) fn ascii_hex(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len() / 2);
    let mut hi: Option<u8> = None;
    for &c in d {
        if c == b'>' {
            break;
        }
        if let Some(v) = super::lex::hex_val(c) {
            match hi.take() {
                Some(h) => out.push(h << 4 | v),
                None => hi = Some(v),
            }
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

/// §7.4.3: base-85 groups of five characters `!`..`u`, `z` for four zero bytes, ended by `~>`. Stops
/// past `cap` bytes: `z` expands 1:4.
pub(crate) fn ascii85(d: &[u8], cap: usize) -> Vec<u8> {
    let d = d.strip_prefix(b"<~").unwrap_or(d);
    let mut out = Vec::with_capacity((d.len() / 5 * 4 + 4).min(cap.saturating_add(4)));
    let mut group = [0u8; 5];
    let mut n = 0;
    for &c in d {
        if out.len() > cap {
            return out;
        }
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = c - b'!';
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |a, &g| a * 85 + u64::from(g));
                    out.extend_from_slice(&(v.min(u64::from(u32::MAX)) as u32).to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        // A final partial group of n characters gives n-1 bytes, padded with 'u'.
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group.iter().fold(0u64, |a, &g| a * 85 + u64::from(g));
        let bytes = (v.min(u64::from(u32::MAX)) as u32).to_be_bytes();
        out.extend_from_slice(&bytes[..n - 1]);
    }
    out
}

/// §7.4.4: LZW with 9- to 12-bit codes, EarlyChange 1 (the default), clear 256, end 257.
pub(crate) fn lzw(d: &[u8], cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut table: Vec<Vec<u8>> = Vec::new();
    let reset = |t: &mut Vec<Vec<u8>>| {
        t.clear();
        t.extend((0..=255u8).map(|b| vec![b]));
        t.push(Vec::new());
        t.push(Vec::new());
    };
    reset(&mut table);
    let mut width = 9u32;
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut prev: Option<Vec<u8>> = None;
    for &byte in d {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= width {
            let code = ((acc >> (bits - width)) & ((1 << width) - 1)) as usize;
            bits -= width;
            acc &= (1u32 << bits).wrapping_sub(1);
            if code == 256 {
                reset(&mut table);
                width = 9;
                prev = None;
                continue;
            }
            if code == 257 {
                return out;
            }
            let entry = if let Some(e) = table.get(code).filter(|_| !(256..=257).contains(&code)) {
                e.clone()
            } else if let (true, Some(p)) = (code == table.len(), prev.as_ref()) {
                let mut e = p.clone();
                e.push(p.first().copied().unwrap_or(0));
                e
            } else {
                return out;
            };
            if let Some(p) = prev.take() {
                if table.len() < 4096 {
                    let mut n = p;
                    n.push(entry.first().copied().unwrap_or(0));
                    table.push(n);
                }
            }
            out.extend_from_slice(&entry);
            if out.len() > cap {
                return out;
            }
            prev = Some(entry);
            // EarlyChange 1: the code width grows one code early.
            width = match table.len() + 1 {
                n if n >= 2048 => 12,
                n if n >= 1024 => 11,
                n if n >= 512 => 10,
                _ => 9,
            };
        }
    }
    out
}

/// §7.4.5: a length byte, then 1..128 literal bytes or one byte repeated 257-len times; 128 ends.
pub(crate) fn run_length(d: &[u8], cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&len) = d.get(i) {
        i += 1;
        match len {
            0..=127 => {
                let n = usize::from(len) + 1;
                let end = (i + n).min(d.len());
                out.extend_from_slice(&d[i..end]);
                i = end;
            }
            128 => break,
            _ => {
                let Some(&b) = d.get(i) else { break };
                i += 1;
                out.extend(std::iter::repeat_n(b, 257 - usize::from(len)));
            }
        }
        if out.len() > cap {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_filters() {
        assert_eq!(ascii_hex(b"48 65 6c6C6f>"), b"Hello");
        assert_eq!(ascii85(b"<~87cURD]i,\"Ebo80~>", 100), b"Hello World!");
        // `z` is four zero bytes: the output stops past the cap, not at four times the input.
        assert!(ascii85(&[b'z'; 1 << 20], 1000).len() <= 1004);
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], 100),
            b"abcxxx"
        );
        // "-----A---B" from the LZW example of ISO 32000-1 §7.4.4.2.
        assert_eq!(
            lzw(
                &[0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01],
                1000
            ),
            b"-----A---B"
        );
    }
}
