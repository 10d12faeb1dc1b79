//! RAR archives, listed from their headers: RAR 1.5-4.x (RARLAB technote "RAR version 4.x - File
//! format description": fixed-size block headers) and RAR 5.0 (technote "RAR 5.0 archive format":
//! vint-based headers). Names, sizes and encryption are read; compressed members are not unpacked
//! (RAR's codecs are not reimplemented here), only stored ones are handed on.

use super::{bytes, u16le, u32le, Unlock};
use crate::{Node, Walk};

const SIG4: &[u8] = b"Rar!\x1a\x07\x00";
const SIG5: &[u8] = b"Rar!\x1a\x07\x01\x00";
/// Headers read at most; an archive claiming more is listed up to here.
const MAX_HEADERS: usize = 20_000;

struct File {
    name: String,
    size: u64,
    encrypted: bool,
    /// The packed bytes, when the member is stored uncompressed, whole, with a CRC to check.
    stored: Option<(usize, usize, u32)>,
}

#[derive(Default)]
struct Listing {
    version: u8,
    files: Vec<File>,
    /// Headers after the main header are encrypted (RAR 4 MHD_PASSWORD, RAR 5 encryption header).
    headers_encrypted: bool,
    solid: bool,
    volume: bool,
    problem: Option<String>,
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    // Self-extracting archives carry the signature after an executable stub.
    let head = &data[..data.len().min(1 << 20)];
    let l = if let Some(p) = memchr::memmem::find(head, SIG5) {
        rar5(data, p + SIG5.len())
    } else if let Some(p) = memchr::memmem::find(head, SIG4) {
        rar4(data, p + SIG4.len())
    } else {
        node.format = Some("RAR archive (no RAR 1.5+ signature found)".into());
        return;
    };

    let mut encrypted = Vec::new();
    let mut stored = 0usize;
    for f in &l.files {
        if w.expired(node) {
            break;
        }
        if f.encrypted {
            encrypted.push(f.name.clone());
        }
        let body = f
            .stored
            .and_then(|(s, n, crc)| bytes(data, s, n).filter(|b| crc32(b) == crc));
        match body {
            Some(b) if !f.encrypted => {
                stored += 1;
                w.child(node, &f.name, b);
            }
            _ => {
                if let Some(n) = w.listed(node, &f.name, f.size, f.encrypted) {
                    n.format = Some("RAR member, listed only (not unpacked)".into());
                }
            }
        }
    }
    let mut format = format!(
        "RAR {} archive, {} files listed{}{}",
        if l.version == 5 { "5" } else { "1.5-4.x" },
        l.files.len(),
        if l.solid { ", solid" } else { "" },
        if l.volume {
            ", part of a multi-volume set"
        } else {
            ""
        },
    );
    if l.headers_encrypted {
        format.push_str(", headers encrypted (names hidden)");
    }
    format.push_str(&format!(
        "; compressed members are not unpacked ({stored} stored members opened)"
    ));
    if let Some(p) = &l.problem {
        format.push_str(&format!("; {p}"));
    }
    node.format = Some(format);
    if l.headers_encrypted || !encrypted.is_empty() {
        let cipher = if l.version == 5 {
            "RAR 5 AES-256"
        } else {
            "RAR 3/4 AES-128"
        };
        super::flag_encrypted(
            w,
            node,
            &Unlock {
                encrypted: &encrypted,
                total: l.files.len(),
                cipher,
                password: None,
                headers: l.headers_encrypted,
                tried: false,
            },
        );
    }
    let names: Vec<String> = l.files.iter().map(|f| f.name.clone()).collect();
    super::flag_traversal(node, &names);
    super::flag_executables(node, "RAR archive");
}

fn crc32(d: &[u8]) -> u32 {
    let mut h = flate2::Crc::new();
    h.update(d);
    h.sum()
}

/// RAR 1.5-4.x blocks: HEAD_CRC u16, HEAD_TYPE u8, HEAD_FLAGS u16, HEAD_SIZE u16, then ADD_SIZE u32
/// when flag 0x8000 is set (for file headers, PACK_SIZE sits at the same place).
fn rar4(d: &[u8], mut pos: usize) -> Listing {
    let mut l = Listing {
        version: 4,
        ..Listing::default()
    };
    for _ in 0..MAX_HEADERS {
        let (Some(&kind), Some(flags), Some(size)) =
            (d.get(pos + 2), u16le(d, pos + 3), u16le(d, pos + 5))
        else {
            break;
        };
        let size = usize::from(size);
        if size < 7 {
            l.problem = Some(format!("bad block size at offset {pos}"));
            break;
        }
        let mut add = if flags & 0x8000 != 0 {
            u64::from(u32le(d, pos + 7).unwrap_or(0))
        } else {
            0
        };
        match kind {
            // MAIN_HEAD: 0x0080 block headers encrypted, 0x0008 solid, 0x0001 volume.
            0x73 => {
                l.solid = flags & 0x08 != 0;
                l.volume = flags & 0x01 != 0;
                if flags & 0x80 != 0 {
                    l.headers_encrypted = true;
                    break;
                }
            }
            // FILE_HEAD.
            0x74 => {
                let large = flags & 0x100 != 0;
                let mut unp = u64::from(u32le(d, pos + 11).unwrap_or(0));
                let name_at = if large { pos + 40 } else { pos + 32 };
                if large {
                    add |= u64::from(u32le(d, pos + 32).unwrap_or(0)) << 32;
                    unp |= u64::from(u32le(d, pos + 36).unwrap_or(0)) << 32;
                }
                let nlen = usize::from(u16le(d, pos + 26).unwrap_or(0));
                let raw = bytes(d, name_at, nlen).unwrap_or(&[]);
                let name = rar4_name(raw, flags & 0x200 != 0);
                let encrypted = flags & 0x04 != 0;
                // 0xE0 in the dictionary bits marks a directory.
                let dir = flags & 0xE0 == 0xE0;
                // METHOD 0x30 is "store"; split members (0x01/0x02) are not whole.
                let whole = flags & 0x03 == 0;
                let stored = (d.get(pos + 25) == Some(&0x30) && whole)
                    .then(|| Some((pos + size, usize::try_from(add).ok()?, u32le(d, pos + 16)?)))
                    .flatten();
                if !dir && !name.is_empty() {
                    l.files.push(File {
                        name,
                        size: unp,
                        encrypted,
                        stored,
                    });
                }
            }
            0x7B => break, // ENDARC_HEAD
            _ => {}
        }
        let Some(next) = u64::try_from(pos)
            .ok()
            .and_then(|p| p.checked_add(size as u64)?.checked_add(add))
            .and_then(|n| usize::try_from(n).ok())
            // A block past the end (a pack size near 2^64) ends the listing: `pos` stays inside the
            // file, so the fixed offsets added to it above cannot overflow.
            .filter(|&n| n > pos && n < d.len())
        else {
            break;
        };
        pos = next;
    }
    l
}

/// RAR 4 names with the Unicode flag (0x200): the OEM name, a zero byte, then the Unicode name packed
/// against the OEM bytes (unrar encname.cpp's scheme: a high byte, then 2-bit opcodes). Without the
/// zero byte the whole field is UTF-8.
fn rar4_name(raw: &[u8], unicode: bool) -> String {
    let Some(z) = memchr::memchr(0, raw).filter(|_| unicode) else {
        if unicode {
            return String::from_utf8_lossy(raw).into_owned();
        }
        return super::decode_legacy_name(raw, super::cp437);
    };
    let (oem, enc) = (&raw[..z], &raw[z + 1..]);
    let mut out: Vec<u16> = Vec::new();
    let Some(&high) = enc.first() else {
        return super::decode_legacy_name(oem, super::cp437);
    };
    let high = u16::from(high) << 8;
    let (mut i, mut flags, mut bits) = (1usize, 0u8, 0u8);
    let at = |i: usize| enc.get(i).copied().map(u16::from);
    while i < enc.len() && out.len() < 4096 {
        if bits == 0 {
            flags = enc[i];
            i += 1;
            bits = 8;
        }
        match flags >> 6 {
            0 => {
                let Some(c) = at(i) else { break };
                out.push(c);
                i += 1;
            }
            1 => {
                let Some(c) = at(i) else { break };
                out.push(c + high);
                i += 1;
            }
            2 => {
                let (Some(lo), Some(hi)) = (at(i), at(i + 1)) else {
                    break;
                };
                out.push(lo | (hi << 8));
                i += 2;
            }
            _ => {
                let Some(len) = at(i) else { break };
                i += 1;
                if len & 0x80 != 0 {
                    let Some(corr) = at(i) else { break };
                    i += 1;
                    for _ in 0..(len & 0x7F) + 2 {
                        let Some(&b) = oem.get(out.len()) else { break };
                        out.push((u16::from(b).wrapping_add(corr) & 0xFF) + high);
                    }
                } else {
                    for _ in 0..len + 2 {
                        let Some(&b) = oem.get(out.len()) else { break };
                        out.push(u16::from(b));
                    }
                }
            }
        }
        flags <<= 2;
        bits -= 2;
    }
    String::from_utf16_lossy(&out)
}

/// RAR 5 variable-length integer: 7 bits per byte, low first, high bit = more.
fn vint(d: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..70).step_by(7) {
        let b = *d.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7F).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// RAR 5 headers: CRC32 u32, header size vint, then (within the header) type, flags, optional extra
/// and data sizes, type-specific fields and the extra area; the data area follows the header.
fn rar5(d: &[u8], mut pos: usize) -> Listing {
    let mut l = Listing {
        version: 5,
        ..Listing::default()
    };
    for _ in 0..MAX_HEADERS {
        let mut p = pos + 4;
        let Some(hsize) = vint(d, &mut p) else { break };
        let Some(hend) = usize::try_from(hsize)
            .ok()
            .and_then(|h| p.checked_add(h))
            .filter(|&e| e <= d.len())
        else {
            l.problem = Some(format!("truncated header at offset {pos}"));
            break;
        };
        let (Some(kind), Some(hflags)) = (vint(d, &mut p), vint(d, &mut p)) else {
            break;
        };
        let extra_size = if hflags & 1 != 0 {
            vint(d, &mut p).unwrap_or(0)
        } else {
            0
        };
        let data_size = if hflags & 2 != 0 {
            vint(d, &mut p).unwrap_or(0)
        } else {
            0
        };
        let extra = usize::try_from(extra_size)
            .ok()
            .and_then(|x| hend.checked_sub(x))
            .and_then(|s| d.get(s..hend))
            .unwrap_or(&[]);
        match kind {
            // Main archive header: 0x1 volume, 0x4 solid.
            1 => {
                let af = vint(d, &mut p).unwrap_or(0);
                l.volume = af & 1 != 0;
                l.solid = af & 4 != 0;
            }
            // File header (service headers, type 3, name NTFS streams and comments: skipped).
            2 => {
                let ff = vint(d, &mut p).unwrap_or(0);
                let unp = vint(d, &mut p).unwrap_or(0);
                let _attr = vint(d, &mut p);
                if ff & 2 != 0 {
                    p += 4; // mtime
                }
                let crc = if ff & 4 != 0 {
                    let c = u32le(d, p);
                    p += 4;
                    c
                } else {
                    None
                };
                let comp = vint(d, &mut p).unwrap_or(0);
                let _host = vint(d, &mut p);
                let nlen = vint(d, &mut p).unwrap_or(0);
                let name = usize::try_from(nlen)
                    .ok()
                    .and_then(|n| bytes(d, p, n))
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                // Extra record 0x01 is file encryption.
                let encrypted = extra_records(extra).any(|t| t == 1);
                let whole = hflags & (0x08 | 0x10) == 0;
                // Compression info bits 7-9: method, 0 = store.
                let stored = ((comp >> 7) & 7 == 0 && whole)
                    .then(|| Some((hend, usize::try_from(data_size).ok()?, crc?)))
                    .flatten();
                if ff & 1 == 0 && !name.is_empty() {
                    l.files.push(File {
                        name,
                        size: unp,
                        encrypted,
                        stored,
                    });
                }
            }
            // Archive encryption header: every later header is encrypted.
            4 => {
                l.headers_encrypted = true;
                break;
            }
            5 => break,
            _ => {}
        }
        let Some(next) = u64::try_from(hend)
            .ok()
            .and_then(|e| e.checked_add(data_size))
            .and_then(|n| usize::try_from(n).ok())
            // Data sizes near 2^64 end the listing rather than wrap `pos + 4` above.
            .filter(|&n| n > pos && n < d.len())
        else {
            break;
        };
        pos = next;
    }
    l
}

/// Types of the records in a RAR 5 extra area: size vint (from the type on), type vint, data.
fn extra_records(extra: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut p = 0usize;
    std::iter::from_fn(move || {
        let size = vint(extra, &mut p)?;
        let start = p;
        let kind = vint(extra, &mut p)?;
        p = start.checked_add(usize::try_from(size).ok()?)?;
        Some(kind)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Options};

    fn rar4_file(name: &[u8], flags: u16, method: u8, data: &[u8]) -> Vec<u8> {
        let mut h = vec![0u8; 32];
        h[2] = 0x74;
        h[3..5].copy_from_slice(&(flags | 0x8000).to_le_bytes());
        h[5..7].copy_from_slice(&((32 + name.len()) as u16).to_le_bytes());
        h[7..11].copy_from_slice(&(data.len() as u32).to_le_bytes());
        h[11..15].copy_from_slice(&(data.len() as u32).to_le_bytes());
        h[16..20].copy_from_slice(&crc32(data).to_le_bytes());
        h[24] = 29;
        h[25] = method;
        h[26..28].copy_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(name);
        h.extend_from_slice(data);
        h
    }

    fn rar4(main_flags: u16, files: &[Vec<u8>]) -> Vec<u8> {
        let mut r = SIG4.to_vec();
        let mut m = vec![0u8; 13];
        m[2] = 0x73;
        m[3..5].copy_from_slice(&main_flags.to_le_bytes());
        m[5..7].copy_from_slice(&13u16.to_le_bytes());
        r.extend(m);
        for f in files {
            r.extend_from_slice(f);
        }
        r.extend_from_slice(&[0, 0, 0x7B, 0, 0x40, 7, 0]);
        r
    }

    #[test]
    fn rar4_lists_encrypted_and_opens_stored() {
        let r = rar4(
            0,
            &[
                rar4_file(b"invoice.pdf.exe", 0x04, 0x33, b"\x01\x02\x03"),
                rar4_file(b"note.txt", 0, 0x30, b"read me"),
            ],
        );
        let n = crate::analyse(&r, "a.rar", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Rar);
        assert_eq!(n.children.len(), 2);
        assert!(n.children[0].encrypted && n.children[0].detected_type == Kind::Pe);
        assert_eq!(n.children[1].sha256.len(), 64, "stored member opened");
        assert!(n.has("archive.encrypted") && n.has("archive.contains_executable"));
        let enc = rar4(0x80, &[]);
        let n = crate::analyse(&enc, "b.rar", None, &Options::default());
        assert!(n.format.as_deref().unwrap().contains("headers encrypted"));
        assert!(n.has("archive.encrypted"));
        for cut in 0..r.len() {
            let _ = crate::analyse(&r[..cut], "a.rar", None, &Options::default());
        }
    }

    /// A RAR 4 file header with the large flag (0x100) and a 64-bit pack size that puts the next
    /// block one byte before 2^64: `pos + 2` would wrap. The listing stops there.
    #[test]
    fn rar4_huge_pack_size_does_not_overflow() {
        let mut f = rar4_file(b"a.txt", 0x100, 0x30, b"");
        // Large files carry HIGH_PACK_SIZE and HIGH_UNP_SIZE after the 32 fixed bytes; the name moves.
        f.truncate(32);
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(b"a.txt");
        let hsize = f.len() as u16;
        f[5..7].copy_from_slice(&hsize.to_le_bytes());
        let at = (SIG4.len() + 13) as u64;
        let add = u64::MAX - 1 - at - f.len() as u64;
        f[7..11].copy_from_slice(&(add as u32).to_le_bytes());
        f[32..36].copy_from_slice(&((add >> 32) as u32).to_le_bytes());
        let r = rar4(0, &[f]);
        let l = super::rar4(&r, SIG4.len());
        assert_eq!(l.files.len(), 1);
        let n = crate::analyse(&r, "a.rar", None, &Options::default());
        assert_eq!(n.children.len(), 1);
        assert_eq!(n.children[0].sha256, "", "listed, not opened");
    }

    /// A RAR 5 header whose data size puts the next header one byte before 2^64.
    #[test]
    fn rar5_huge_data_size_does_not_overflow() {
        let mut r = SIG5.to_vec();
        r.extend(rar5_header(1, 0, &v(0), &[], &[]));
        let body = |size: u64| {
            let mut b = v(3); // a service header: no file fields to fill
            b.extend(v(2)); // data size present
            b.extend(v(size));
            b
        };
        let hlen = body(u64::MAX).len();
        let hend = (r.len() + 4 + v(hlen as u64).len() + hlen) as u64;
        let b = body(u64::MAX - 1 - hend);
        assert_eq!(b.len(), hlen);
        r.extend_from_slice(&[0; 4]);
        r.extend(v(hlen as u64));
        r.extend(b);
        r.extend(rar5_header(5, 0, &v(0), &[], &[]));
        let l = super::rar5(&r, SIG5.len());
        assert!(l.files.is_empty());
        let _ = crate::analyse(&r, "a.rar", None, &Options::default());
    }

    #[test]
    fn rar4_unicode_names() {
        // OEM "a.txt", Unicode "가.txt": high byte 0xAC, opcode 1 (high+byte) for 가 (U+AC00),
        // then opcode 3 copying 4 OEM bytes.
        let mut raw = b"?.txt\0".to_vec();
        raw.extend_from_slice(&[0xAC, 0b0111_0000, 0x00, 0x02]);
        assert_eq!(rar4_name(&raw, true), "가.txt");
        assert_eq!(rar4_name("한.txt".as_bytes(), true), "한.txt");
    }

    fn v(mut x: u64) -> Vec<u8> {
        let mut o = Vec::new();
        loop {
            let b = (x & 0x7F) as u8;
            x >>= 7;
            if x == 0 {
                o.push(b);
                return o;
            }
            o.push(b | 0x80);
        }
    }

    fn rar5_header(kind: u64, flags: u64, fields: &[u8], extra: &[u8], data: &[u8]) -> Vec<u8> {
        let mut body = v(kind);
        body.extend(v(flags
            | if extra.is_empty() { 0 } else { 1 }
            | if data.is_empty() { 0 } else { 2 }));
        if !extra.is_empty() {
            body.extend(v(extra.len() as u64));
        }
        if !data.is_empty() {
            body.extend(v(data.len() as u64));
        }
        body.extend_from_slice(fields);
        body.extend_from_slice(extra);
        let mut h = vec![0u8; 4];
        h.extend(v(body.len() as u64));
        h.extend(body);
        h.extend_from_slice(data);
        h
    }

    fn rar5_file(name: &str, encrypted: bool, data: &[u8]) -> Vec<u8> {
        let mut f = v(0x4); // CRC present
        f.extend(v(data.len() as u64));
        f.extend(v(0x20));
        f.extend_from_slice(&crc32(data).to_le_bytes());
        f.extend(v(if encrypted { 3 << 7 } else { 0 }));
        f.extend(v(0));
        f.extend(v(name.len() as u64));
        f.extend_from_slice(name.as_bytes());
        let extra = if encrypted {
            let mut rec = v(1);
            rec.extend(vec![0u8; 20]);
            let mut e = v(rec.len() as u64);
            e.extend(rec);
            e
        } else {
            Vec::new()
        };
        rar5_header(2, 0, &f, &extra, data)
    }

    #[test]
    fn rar5_lists_files_and_encryption() {
        let mut r = SIG5.to_vec();
        r.extend(rar5_header(1, 0, &v(0), &[], &[]));
        r.extend(rar5_file("docs/scan.lnk", true, b"\x00\x01"));
        r.extend(rar5_file("plain.txt", false, b"stored text"));
        r.extend(rar5_header(5, 0, &v(0), &[], &[]));
        let n = crate::analyse(&r, "a.rar", None, &Options::default());
        assert_eq!(n.children.len(), 2, "{:?}", n.format);
        assert!(n.children[0].encrypted);
        assert_eq!(n.children[0].detected_type, Kind::Lnk);
        assert!(!n.children[1].sha256.is_empty());
        assert!(n.has("archive.encrypted") && n.has("archive.contains_executable"));

        let mut e = SIG5.to_vec();
        e.extend(rar5_header(4, 0, &[0, 1, 15], &[], &[]));
        let n = crate::analyse(&e, "b.rar", None, &Options::default());
        assert!(n.format.as_deref().unwrap().contains("headers encrypted"));
        for cut in 0..r.len() {
            let _ = crate::analyse(&r[..cut], "a.rar", None, &Options::default());
        }
    }
}
