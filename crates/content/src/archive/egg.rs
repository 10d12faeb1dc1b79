//! EGG archives (`.egg`, ESTsoft ALZip 8 and later): the successor of ALZ, common in Korean mail and
//! used by campaigns against Korean targets for the same reason (few filters open it).
//!
//! Layout after ESTsoft's "EGG format specification" and its reference reader (unEGG/nest), with the
//! corrections ClamAV's and EggDotNet's readers found on real archives. Every record is a 32-bit
//! little-endian magic; "extra fields" are `magic, flags u8, size u16 (u32 when flags & 1), data`:
//!
//! ```text
//! "EGGA" version u16, header id u32, reserved u32      archive header (14 bytes)
//!   [split 0x24F5A262: previous id u32, next id u32] [solid 0x24E5A060] [encrypt]  EOFARC
//! file 0x0A8590E3: file id u32, length u64             one per entry
//!   [filename 0x0A8591AC] [comment 0x04C63672] [windows 0x2C86950B] [posix 0x1EE922E5]
//!   [encrypt 0x08D1470F]  EOFARC
//! block 0x02B50C13: method u8, hint u8, unpacked u32, packed u32, crc u32  EOFARC  data
//! ...                                                  blocks follow their file (all files first
//!                                                      when solid)
//! [archive comment]  EOFARC 0x08E28222                 end of archive
//! ```
//!
//! Methods: 0 store, 1 deflate (raw), 2 bzip2, 3 AZO (ESTsoft's own, not decoded here), 4 LZMA (a
//! 9-byte header: 4 bytes, then the 5 LZMA properties bytes, then raw LZMA). Encryption: "ZIP 2.0
//! compatible" (the PKWARE traditional cipher, 12-byte verify data and the CRC whose high byte is the
//! check byte), AES-128/256 in WinZip AE style (PBKDF2-HMAC-SHA1, 1000 rounds; AES-CTR), LEA-128/256
//! (Korean block cipher; listed only).

use super::alz::{crc32, flag_malformed, flag_split, Got, Passwords, ZipCrypto};
use super::{bytes, u16le, u32le, u64le, Unlock};
use crate::{Node, Walk};
use std::borrow::Cow;
use std::io::Read;

const MAGIC_EGG: u32 = 0x4147_4745;
const MAGIC_FILE: u32 = 0x0A85_90E3;
const MAGIC_FILENAME: u32 = 0x0A85_91AC;
const MAGIC_COMMENT: u32 = 0x04C6_3672;
const MAGIC_WINDOWS: u32 = 0x2C86_950B;
const MAGIC_POSIX: u32 = 0x1EE9_22E5;
const MAGIC_ENCRYPT: u32 = 0x08D1_470F;
const MAGIC_SPLIT: u32 = 0x24F5_A262;
const MAGIC_SOLID: u32 = 0x24E5_A060;
const MAGIC_BLOCK: u32 = 0x02B5_0C13;
const MAGIC_DUMMY: u32 = 0x0746_3307;
/// "Skip header": a record a split writer neutralised.
const MAGIC_SKIP: u32 = 0xFFFF_0000;
/// Ends each header group, and the archive.
const EOFARC: u32 = 0x08E2_8222;

/// Filename field flags: name encrypted, ANSI code page (a u16 locale follows), relative to a parent
/// entry (a u32 parent id follows).
const NAME_ENCRYPTED: u8 = 0x04;
const NAME_LOCALE: u8 = 0x08;
const NAME_RELATIVE: u8 = 0x10;

/// Entries read from one archive at most.
const MAX_FILES: usize = 100_000;
/// Blocks kept per archive at most (each is at least 22 bytes).
const MAX_BLOCKS: usize = 1_000_000;
/// Bytes of the LZMA block data header (nest `GenerateCoder`: 4 bytes, then 5 properties bytes).
const LZMA_HEADER: usize = 9;

fn known(m: u32) -> bool {
    matches!(
        m,
        MAGIC_FILE
            | MAGIC_FILENAME
            | MAGIC_COMMENT
            | MAGIC_WINDOWS
            | MAGIC_POSIX
            | MAGIC_ENCRYPT
            | MAGIC_SPLIT
            | MAGIC_SOLID
            | MAGIC_BLOCK
            | MAGIC_DUMMY
            | MAGIC_SKIP
            | EOFARC
    )
}

#[derive(Clone)]
enum Cipher {
    /// ZIP 2.0 compatible: the encryption header and the CRC whose high byte checks the password.
    Zip {
        verify: [u8; 12],
        crc: u32,
    },
    /// AES in WinZip AE style: salt (8 or 16 bytes) and the 2-byte password verifier.
    Aes {
        bits: usize,
        salt: Vec<u8>,
        pv: [u8; 2],
    },
    Lea {
        bits: usize,
    },
    Unknown(u8),
}

impl Cipher {
    fn name(&self) -> String {
        match self {
            Cipher::Zip { .. } => "ZIP 2.0".into(),
            Cipher::Aes { bits, .. } => format!("AES-{bits}"),
            Cipher::Lea { bits } => format!("LEA-{bits}"),
            Cipher::Unknown(m) => format!("unknown cipher {m}"),
        }
    }
}

#[derive(Clone)]
struct Block {
    method: u8,
    usize: u32,
    csize: u32,
    crc: u32,
    data: usize,
    avail: usize,
}

impl Block {
    fn whole(&self) -> bool {
        self.avail as u64 == u64::from(self.csize)
    }
}

#[derive(Default)]
struct Entry {
    id: u32,
    length: u64,
    name: String,
    parent: Option<u32>,
    dir_attr: bool,
    cipher: Option<Cipher>,
    blocks: Vec<Block>,
}

impl Entry {
    /// Directories carry no data; an entry with data is never taken for one.
    fn is_dir(&self) -> bool {
        self.length == 0
            && self.blocks.iter().all(|b| b.usize == 0)
            && (self.dir_attr || self.name.ends_with('/'))
    }
}

#[derive(Default)]
struct Layout {
    version: u16,
    entries: Vec<Entry>,
    solid: bool,
    /// Blocks of a solid archive: one stream for all entries in order.
    solid_blocks: Vec<Block>,
    global_cipher: Option<Cipher>,
    split: Option<(u32, u32)>,
    split_why: Option<String>,
    problems: Vec<String>,
    blocks: usize,
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let l = parse(data);
    let files: Vec<&Entry> = l.entries.iter().filter(|e| !e.is_dir()).collect();
    let mut pw = Passwords::new(w);
    let mut encrypted = Vec::new();
    let mut ciphers: Vec<String> = Vec::new();
    let mut unreadable = 0usize;
    let mut crc_bad = Vec::new();
    let cipher_of = |e: &Entry| e.cipher.clone().or_else(|| l.global_cipher.clone());
    for e in &files {
        if let Some(c) = cipher_of(e) {
            encrypted.push(e.name.clone());
            if !ciphers.contains(&c.name()) {
                ciphers.push(c.name());
            }
        }
    }

    if l.solid {
        solid(
            w,
            node,
            data,
            &l,
            &files,
            !encrypted.is_empty(),
            &mut unreadable,
        );
    } else {
        for e in &files {
            if w.expired(node) {
                break;
            }
            let before = node.children.len();
            let cipher = cipher_of(e);
            let got = match &cipher {
                Some(c @ (Cipher::Zip { .. } | Cipher::Aes { .. })) => {
                    pw.open(|p| extract(w, node, data, e, Some(c), p))
                }
                Some(c) => {
                    Got::Unsupported(format!("{} encryption is not decrypted here", c.name()))
                }
                None => extract(w, node, data, e, None, None),
            };
            let cut = e.blocks.iter().any(|b| !b.whole());
            match got {
                Got::Data(d, crc_ok) => {
                    if !crc_ok {
                        crc_bad.push(e.name.clone());
                    }
                    w.child(node, &e.name, &d);
                    if cut && node.children.len() > before {
                        if let Some(c) = node.children.last_mut() {
                            c.format = Some(format!(
                                "first {} of {} bytes; the rest is in the next volume of the split set",
                                d.len(),
                                e.length
                            ));
                        }
                    }
                }
                Got::NeedPassword | Got::BadPassword => {
                    w.listed(node, &e.name, e.length, true);
                }
                Got::Limit => {
                    if let Some(n) = w.listed(node, &e.name, e.length, cipher.is_some()) {
                        n.format = Some("not extracted: a limit stopped it".into());
                    }
                }
                Got::Unsupported(why) | Got::Corrupt(why) => {
                    unreadable += 1;
                    if let Some(n) = w.listed(node, &e.name, e.length, cipher.is_some()) {
                        n.format = Some(format!("not extracted: {why}"));
                    }
                }
            }
            if super::refused(node, before) {
                break;
            }
        }
    }

    let mut methods: Vec<&str> = Vec::new();
    for b in l
        .entries
        .iter()
        .flat_map(|e| e.blocks.iter())
        .chain(l.solid_blocks.iter())
    {
        let m = method_name(b.method);
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    let mut format = format!("EGG archive, {} entries", files.len());
    if !methods.is_empty() {
        format.push_str(&format!(" ({})", methods.join(", ")));
    }
    if l.solid {
        format.push_str(", solid");
    }
    if !encrypted.is_empty() {
        format.push_str(&format!(
            ", {} encrypted ({})",
            encrypted.len(),
            ciphers.join(", ")
        ));
        if pw.good.is_none() {
            format.push_str(", not decrypted");
        }
    }
    if unreadable > 0 {
        format.push_str(&format!(", {unreadable} not extracted"));
    }
    if let Some((prev, next)) = l.split {
        format.push_str(&format!(
            ", volume of a split set (previous {prev:#x}, next {next:#x})"
        ));
    }
    if l.version > 0x0100 {
        format.push_str(&format!(", version {:#06x}", l.version));
    }
    node.format = Some(format);

    if !encrypted.is_empty() {
        let tried = ciphers
            .iter()
            .any(|c| c == "ZIP 2.0" || c.starts_with("AES"));
        super::flag_encrypted(
            w,
            node,
            &Unlock {
                encrypted: &encrypted,
                total: files.len(),
                cipher: &ciphers.join(", "),
                password: pw.good.as_deref(),
                headers: false,
                tried: tried && !l.solid,
            },
        );
    }
    if let Some(why) = &l.split_why {
        flag_split(node, "EGG", why);
    }
    let mut problems = l.problems;
    if !crc_bad.is_empty() {
        problems.push(format!(
            "CRC mismatch in {}",
            crc_bad
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    flag_malformed(node, &problems);
    let names: Vec<String> = l.entries.iter().map(|e| e.name.clone()).collect();
    super::flag_traversal(node, &names);
    super::flag_executables(node, "EGG archive");
}

fn method_name(m: u8) -> &'static str {
    match m {
        0 => "stored",
        1 => "deflate",
        2 => "bzip2",
        3 => "AZO",
        4 => "lzma",
        _ => "unknown method",
    }
}

/// Solid archives: every block decoded in turn into one stream, cut into the entries by length
/// (nest `ExtractSolidArchive`). Encrypted solid archives are listed only.
fn solid(
    w: &mut Walk<'_>,
    node: &mut Node,
    d: &[u8],
    l: &Layout,
    files: &[&Entry],
    encrypted: bool,
    unreadable: &mut usize,
) {
    let list_all = |w: &mut Walk<'_>, node: &mut Node, why: &str, from: usize| {
        for e in files.iter().skip(from) {
            let before = node.children.len();
            if let Some(n) = w.listed(node, &e.name, e.length, encrypted) {
                n.format = Some(format!("not extracted: {why}"));
            }
            if super::refused(node, before) {
                break;
            }
        }
    };
    if encrypted {
        list_all(w, node, "encrypted solid archive", 0);
        return;
    }
    if l.solid_blocks.iter().any(|b| !b.whole()) {
        *unreadable += files.len();
        list_all(w, node, "the solid stream continues in another volume", 0);
        return;
    }
    let mut parts: Vec<Box<dyn Read + '_>> = Vec::new();
    for b in &l.solid_blocks {
        match decoder(d, b, None, w.room()) {
            Ok(r) => parts.push(r),
            Err(why) => {
                *unreadable += files.len();
                list_all(w, node, &why, 0);
                return;
            }
        }
    }
    let packed: u64 = l.solid_blocks.iter().map(|b| u64::from(b.csize)).sum();
    let stream = match w.read_member(node, "solid stream", Chain::new(parts), packed) {
        Ok(s) => s,
        Err(why) => {
            *unreadable += files.len();
            let why = if super::is_limit(&why) {
                "a limit stopped the solid stream".to_string()
            } else {
                why
            };
            list_all(w, node, &why, 0);
            return;
        }
    };
    let mut off = 0usize;
    for (i, e) in files.iter().enumerate() {
        if w.expired(node) {
            break;
        }
        let len = usize::try_from(e.length).unwrap_or(usize::MAX);
        let Some(part) = off.checked_add(len).and_then(|end| stream.get(off..end)) else {
            *unreadable += files.len() - i;
            list_all(w, node, "the solid stream ends before this entry", i);
            return;
        };
        off += len;
        let before = node.children.len();
        w.child(node, &e.name, part);
        if super::refused(node, before) {
            break;
        }
    }
}

/// Reads the archive header, then every record in file order.
fn parse(d: &[u8]) -> Layout {
    let mut l = Layout::default();
    if u32le(d, 0) != Some(MAGIC_EGG) {
        l.problems.push("no EGG header".into());
    }
    l.version = u16le(d, 4).unwrap_or(0);
    let mut pos = 14usize;
    // Archive header extra fields (split, solid, global encryption) up to EOFARC.
    loop {
        let Some(m) = u32le(d, pos) else {
            l.problems.push("truncated archive header".into());
            return l;
        };
        if m == EOFARC {
            pos += 4;
            break;
        }
        let Some(f) = field(d, pos) else {
            l.problems
                .push(format!("damaged archive header field at offset {pos}"));
            return l;
        };
        match m {
            MAGIC_SPLIT => {
                let prev = u32le(f.body, 0).unwrap_or(0);
                let next = u32le(f.body, 4).unwrap_or(0);
                l.split = Some((prev, next));
            }
            MAGIC_SOLID => l.solid = true,
            MAGIC_ENCRYPT => {
                let (c, next) = encrypt_field(d, &f);
                l.global_cipher = Some(c);
                pos = next;
                continue;
            }
            _ => {}
        }
        pos = f.next;
    }
    if let Some((prev, next)) = l.split {
        if prev != 0 || next != 0 {
            l.split_why = Some(format!(
                "split header: previous volume {prev:#x}, next volume {next:#x}"
            ));
        }
    }

    let mut resyncs = 0usize;
    let mut ended = false;
    let mut continuation = false;
    while let Some(m) = u32le(d, pos) {
        if l.entries.len() >= MAX_FILES || l.blocks >= MAX_BLOCKS {
            l.problems
                .push("too many entries; the rest not read".into());
            break;
        }
        match m {
            EOFARC => {
                ended = true;
                break;
            }
            MAGIC_FILE => {
                let (e, next) = file_header(d, pos, &mut l.problems);
                l.entries.push(e);
                pos = next;
            }
            MAGIC_BLOCK => {
                let Some((b, next)) = block(d, pos, &mut l.problems) else {
                    l.problems.push(format!("damaged block at offset {pos}"));
                    break;
                };
                l.blocks += 1;
                if l.solid {
                    l.solid_blocks.push(b);
                } else if let Some(e) = l.entries.last_mut() {
                    e.blocks.push(b);
                } else {
                    l.problems
                        .push(format!("block at offset {pos} belongs to no entry"));
                }
                pos = next;
            }
            MAGIC_COMMENT | MAGIC_DUMMY | MAGIC_SKIP | MAGIC_WINDOWS | MAGIC_POSIX
            | MAGIC_FILENAME | MAGIC_ENCRYPT => match field(d, pos) {
                Some(f) => pos = f.next,
                None => {
                    l.problems.push(format!("damaged field at offset {pos}"));
                    break;
                }
            },
            _ => {
                // A later volume continues the previous volume's block data after its own header:
                // skip to the first whole entry.
                if matches!(l.split, Some((prev, _)) if prev != 0) && l.entries.is_empty() {
                    continuation = true;
                } else if resyncs < 5 {
                    l.problems
                        .push(format!("unknown record {m:#010x} at offset {pos}"));
                }
                resyncs += 1;
                let from = pos + 1;
                match d
                    .get(from..)
                    .and_then(|r| memchr::memmem::find(r, &MAGIC_FILE.to_le_bytes()))
                {
                    Some(i) => pos = from + i,
                    None => break,
                }
            }
        }
    }
    let next_volume = matches!(l.split, Some((_, next)) if next != 0);
    if !ended && !next_volume && !continuation && l.problems.is_empty() {
        l.problems.push("no end-of-archive marker".into());
    }
    if let Some(b) = l
        .entries
        .iter()
        .flat_map(|e| e.blocks.iter())
        .chain(l.solid_blocks.iter())
        .find(|b| !b.whole())
    {
        if l.split_why.is_none() {
            l.problems.push(format!(
                "block at offset {} is cut short ({} of {} packed bytes)",
                b.data, b.avail, b.csize
            ));
        }
    }
    resolve_parents(&mut l.entries);
    l
}

/// Entries named relative to a parent entry get the parent's path (bounded depth: ids may loop).
fn resolve_parents(entries: &mut [Entry]) {
    let by_id: std::collections::HashMap<u32, (String, Option<u32>)> = entries
        .iter()
        .map(|e| (e.id, (e.name.clone(), e.parent)))
        .collect();
    for e in entries.iter_mut() {
        let mut parent = e.parent;
        let mut parts = Vec::new();
        for _ in 0..32 {
            let Some(p) = parent.filter(|&p| p != e.id) else {
                break;
            };
            let Some((name, up)) = by_id.get(&p) else {
                break;
            };
            parts.push(name.trim_end_matches(['/', '\\']).to_string());
            parent = *up;
        }
        if !parts.is_empty() {
            parts.reverse();
            parts.push(std::mem::take(&mut e.name));
            e.name = parts.join("/");
        }
    }
}

/// A generic extra field at `pos`: its flags, its data and where the next record starts.
struct Field<'a> {
    flags: u8,
    body_start: usize,
    size: usize,
    body: &'a [u8],
    next: usize,
}

fn field(d: &[u8], pos: usize) -> Option<Field<'_>> {
    let flags = *d.get(pos + 4)?;
    let (size, body_start) = if flags & 1 != 0 {
        (usize::try_from(u32le(d, pos + 5)?).ok()?, pos + 9)
    } else {
        (usize::from(u16le(d, pos + 5)?), pos + 7)
    };
    let body = bytes(d, body_start, size)?;
    Some(Field {
        flags,
        body_start,
        size,
        body,
        next: body_start + size,
    })
}

/// Whether a record (or the end of the file) starts at `pos`: decides between readings of a field
/// whose size the writers and the specification disagree on.
fn record_at(d: &[u8], pos: usize) -> bool {
    pos == d.len() || u32le(d, pos).is_some_and(known)
}

/// One file header and its extra fields up to EOFARC (or, in solid archives, up to the next file
/// or block header).
fn file_header(d: &[u8], pos: usize, problems: &mut Vec<String>) -> (Entry, usize) {
    let mut e = Entry {
        id: u32le(d, pos + 4).unwrap_or(0),
        length: u64le(d, pos + 8).unwrap_or(0),
        ..Entry::default()
    };
    let mut p = pos + 16;
    if p > d.len() {
        problems.push(format!("truncated file header at offset {pos}"));
        return (e, d.len());
    }
    let mut named = false;
    loop {
        let Some(m) = u32le(d, p) else {
            problems.push(format!("file header at offset {pos} not terminated"));
            break;
        };
        match m {
            EOFARC => {
                p += 4;
                break;
            }
            MAGIC_FILE | MAGIC_BLOCK => break,
            _ => {}
        }
        let Some(f) = field(d, p) else {
            problems.push(format!("damaged field at offset {p}"));
            p = d.len();
            break;
        };
        match m {
            MAGIC_FILENAME => {
                let (name, parent, next) = filename_field(d, &f);
                named = !name.is_empty();
                e.name = name;
                e.parent = parent;
                p = next;
                continue;
            }
            MAGIC_WINDOWS => {
                // nest `IsTargetDir`: attribute bit 0x80; Windows' own directory bit is 0x10.
                let attr = f.body.get(8).copied().unwrap_or(0);
                e.dir_attr |= attr & 0x90 != 0;
            }
            MAGIC_POSIX => {
                let mode = u32le(f.body, 0).unwrap_or(0);
                e.dir_attr |= mode & 0o170000 == 0o040000 || mode & 0x40000 != 0;
            }
            MAGIC_ENCRYPT => {
                let (c, next) = encrypt_field(d, &f);
                e.cipher = Some(c);
                p = next;
                continue;
            }
            _ => {}
        }
        p = f.next;
    }
    if !named {
        e.name = format!("entry {:#x}", e.id);
    }
    (e, p)
}

/// The filename field (0x0A8591AC). The specification counts the optional locale and parent id in
/// the field size (ClamAV's reading); some writers count the name alone: the reading after which a
/// record follows wins.
fn filename_field(d: &[u8], f: &Field<'_>) -> (String, Option<u32>, usize) {
    let opt = if f.flags & NAME_LOCALE != 0 { 2 } else { 0 }
        + if f.flags & NAME_RELATIVE != 0 { 4 } else { 0 };
    let inner = (f.body_start, f.size.saturating_sub(opt), f.next);
    let outer = (f.body_start, f.size, f.body_start + opt + f.size);
    let (start, name_len, next) = if record_at(d, inner.2) || !record_at(d, outer.2) {
        inner
    } else {
        outer
    };
    let mut q = start;
    let mut locale = 0u16;
    if f.flags & NAME_LOCALE != 0 {
        locale = u16le(d, q).unwrap_or(0);
        q += 2;
    }
    let mut parent = None;
    if f.flags & NAME_RELATIVE != 0 {
        parent = u32le(d, q);
        q += 4;
    }
    let raw = bytes(d, q, name_len).unwrap_or(&[]);
    let name = if f.flags & NAME_ENCRYPTED != 0 {
        "(encrypted name)".to_string()
    } else if f.flags & NAME_LOCALE != 0 {
        match locale {
            949 => encoding_rs::EUC_KR
                .decode_without_bom_handling(raw)
                .0
                .into_owned(),
            932 => encoding_rs::SHIFT_JIS
                .decode_without_bom_handling(raw)
                .0
                .into_owned(),
            _ => super::decode_legacy_name(raw, super::latin1),
        }
    } else {
        super::decode_legacy_name(raw, super::latin1)
    };
    (name.replace('\\', "/"), parent, next.min(d.len()))
}

/// The encryption field (0x08D1470F): method, then the method's header. ClamAV found that writers
/// count the field's own 7 header bytes in its size; the reading after which a record follows wins.
fn encrypt_field(d: &[u8], f: &Field<'_>) -> (Cipher, usize) {
    let method = f.body.first().copied().unwrap_or(0xFF);
    let body = d.get(f.body_start + 1..).unwrap_or(&[]);
    let cipher = match method {
        0 => match (
            bytes(body, 0, 12).and_then(|b| <[u8; 12]>::try_from(b).ok()),
            u32le(body, 12),
        ) {
            (Some(verify), Some(crc)) => Cipher::Zip { verify, crc },
            _ => Cipher::Unknown(method),
        },
        1 | 2 => {
            let salt_len = if method == 1 { 8 } else { 16 };
            match (bytes(body, 0, salt_len), bytes(body, salt_len, 2)) {
                (Some(salt), Some(pv)) => Cipher::Aes {
                    bits: salt_len * 16,
                    salt: salt.to_vec(),
                    pv: [pv[0], pv[1]],
                },
                _ => Cipher::Unknown(method),
            }
        }
        5 | 0x10 => Cipher::Lea { bits: 128 },
        6 | 0x20 => Cipher::Lea { bits: 256 },
        m => Cipher::Unknown(m),
    };
    let with_header = f.body_start + f.size.saturating_sub(7);
    let next = if !record_at(d, f.next) && record_at(d, with_header) {
        with_header
    } else {
        f.next
    };
    (cipher, next)
}

/// One block header at `pos` and the offset after its data.
fn block(d: &[u8], pos: usize, problems: &mut Vec<String>) -> Option<(Block, usize)> {
    let method = *d.get(pos + 4)?;
    let usize_ = u32le(d, pos + 6)?;
    let csize = u32le(d, pos + 10)?;
    let crc = u32le(d, pos + 14)?;
    let mut data = pos + 18;
    if u32le(d, data) == Some(EOFARC) {
        data += 4;
    } else {
        problems.push(format!("block at offset {pos} lacks its end marker"));
    }
    let room = d.len().saturating_sub(data);
    let avail = (csize as usize).min(room);
    let next = if avail == csize as usize {
        data + avail
    } else {
        d.len()
    };
    Some((
        Block {
            method,
            usize: usize_,
            csize,
            crc,
            data,
            avail,
        },
        next,
    ))
}

/// Decrypts (with `pw`) and decompresses one entry's blocks through [`Walk::read_member`].
fn extract(
    w: &mut Walk<'_>,
    node: &mut Node,
    d: &[u8],
    e: &Entry,
    cipher: Option<&Cipher>,
    pw: Option<&[u8]>,
) -> Got {
    if e.blocks.is_empty() {
        return Got::Data(Vec::new(), true);
    }
    // Per block: its packed bytes; the LZMA data header stays in clear (nest reads it before
    // decrypting).
    let mut plain: Vec<Cow<'_, [u8]>> = Vec::with_capacity(e.blocks.len());
    for b in &e.blocks {
        match bytes(d, b.data, b.avail) {
            Some(r) => plain.push(Cow::Borrowed(r)),
            None => return Got::Corrupt("block outside the file".into()),
        }
    }
    if let Some(c) = cipher {
        let Some(pw) = pw else {
            return Got::NeedPassword;
        };
        let mut dec = match Decrypter::new(c, pw) {
            Ok(dec) => dec,
            Err(g) => return g,
        };
        for (p, b) in plain.iter_mut().zip(&e.blocks) {
            let mut v = p.to_vec();
            let skip = if b.method == 4 {
                LZMA_HEADER.min(v.len())
            } else {
                0
            };
            dec.apply(&mut v[skip..]);
            *p = Cow::Owned(v);
        }
    }
    if e.blocks.iter().any(|b| !b.whole()) {
        // Cut by a volume boundary: stored bytes that are here are still worth a look.
        if e.blocks.iter().all(|b| b.method == 0) {
            let joined: Vec<u8> = plain.iter().flat_map(|p| p.iter().copied()).collect();
            return match w.read_member(node, &e.name, &joined[..], 0) {
                Ok(v) => Got::Data(v, true),
                Err(s) if super::is_limit(&s) => Got::Limit,
                Err(s) => Got::Corrupt(s),
            };
        }
        return Got::Unsupported("the entry continues in the next volume".into());
    }
    let mut parts: Vec<Box<dyn Read + '_>> = Vec::with_capacity(plain.len());
    for (p, b) in plain.iter().zip(&e.blocks) {
        match decoder(p, b, Some(0), w.room()) {
            Ok(r) => parts.push(r),
            Err(why) => return Got::Unsupported(why),
        }
    }
    let packed: u64 = e.blocks.iter().map(|b| u64::from(b.csize)).sum();
    match w.read_member(node, &e.name, Chain::new(parts), packed) {
        Ok(v) => {
            let ok = crc_ok(&v, &e.blocks);
            if !ok && pw.is_some() {
                return Got::BadPassword;
            }
            Got::Data(v, ok)
        }
        Err(s) if super::is_limit(&s) => Got::Limit,
        Err(_) if pw.is_some() => Got::BadPassword,
        Err(s) => Got::Corrupt(s),
    }
}

/// Each block's CRC over its share of the output (blocks are decoded back to back).
fn crc_ok(out: &[u8], blocks: &[Block]) -> bool {
    let mut off = 0usize;
    for b in blocks {
        let n = b.usize as usize;
        let Some(part) = off.checked_add(n).and_then(|end| out.get(off..end)) else {
            return false;
        };
        if crc32(part) != b.crc {
            return false;
        }
        off += n;
    }
    off == out.len()
}

/// The decompressor for one block. `data` is the block's bytes (already decrypted) when `at` is
/// `Some(0)`, or the whole archive (the block at `b.data`) when `None`.
fn decoder<'a>(
    data: &'a [u8],
    b: &Block,
    at: Option<usize>,
    room: u64,
) -> Result<Box<dyn Read + 'a>, String> {
    let p = match at {
        Some(off) => data.get(off..).unwrap_or(&[]),
        None => bytes(data, b.data, b.avail).ok_or("block outside the file")?,
    };
    Ok(match b.method {
        0 => Box::new(p),
        1 => Box::new(flate2::read::DeflateDecoder::new(p)),
        2 => Box::new(bzip2::read::BzDecoder::new(p)),
        3 => return Err("AZO compression (ESTsoft's own) is not decoded here".into()),
        4 => {
            let props = *p.get(4).ok_or("truncated LZMA header")?;
            let dict = u32le(p, 5).ok_or("truncated LZMA header")?;
            let raw = p.get(LZMA_HEADER..).unwrap_or(&[]);
            // The dictionary never needs to exceed the output: bound the allocation by it.
            let out = u64::from(b.usize).min(room.saturating_add(1));
            let dict = u64::from(dict).min(out).max(4096) as u32;
            let r = lzma_rust2::LzmaReader::new_with_props(raw, out, props, dict, None)
                .map_err(|e| format!("LZMA: {e}"))?;
            Box::new(r)
        }
        m => return Err(format!("compression method {m}")),
    })
}

/// Readers read one after another (block decoders of one entry or of a solid stream).
struct Chain<'a> {
    parts: std::vec::IntoIter<Box<dyn Read + 'a>>,
    cur: Option<Box<dyn Read + 'a>>,
}

impl<'a> Chain<'a> {
    fn new(parts: Vec<Box<dyn Read + 'a>>) -> Self {
        let mut parts = parts.into_iter();
        let cur = parts.next();
        Chain { parts, cur }
    }
}

impl Read for Chain<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(r) = &mut self.cur {
            let n = r.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            self.cur = self.parts.next();
        }
        Ok(0)
    }
}

/// The running decryption of one entry (its blocks form one cipher stream).
enum Decrypter {
    Zip(ZipCrypto),
    Aes(aes_ctr::Ctr),
}

impl Decrypter {
    /// Checks the password against the entry's verifier.
    fn new(c: &Cipher, pw: &[u8]) -> Result<Self, Got> {
        match c {
            Cipher::Zip { verify, crc } => {
                let mut z = ZipCrypto::new(pw);
                if z.header(verify) != (crc >> 24) as u8 {
                    return Err(Got::BadPassword);
                }
                Ok(Decrypter::Zip(z))
            }
            Cipher::Aes { bits, salt, pv } => aes_ctr::Ctr::new(*bits, salt, pw, *pv)
                .map(Decrypter::Aes)
                .ok_or(Got::BadPassword),
            other => Err(Got::Unsupported(format!(
                "{} encryption is not decrypted here",
                other.name()
            ))),
        }
    }

    fn apply(&mut self, buf: &mut [u8]) {
        match self {
            Decrypter::Zip(z) => z.decrypt(buf),
            Decrypter::Aes(a) => a.apply(buf),
        }
    }
}

/// WinZip-style AES (AE-1/AE-2, which EGG reuses): PBKDF2-HMAC-SHA1 with 1000 rounds derives the AES
/// key, the HMAC key and a 2-byte password verifier from password and salt; the data is AES-CTR with
/// a little-endian block counter starting at 1.
mod aes_ctr {
    use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
    use sha1::{Digest, Sha1};

    const ROUNDS: u32 = 1000;

    pub(super) enum Key {
        A128(Box<aes::Aes128>),
        A256(Box<aes::Aes256>),
    }

    pub(super) struct Ctr {
        key: Key,
        counter: u64,
        stream: [u8; 16],
        used: usize,
    }

    impl Ctr {
        /// `None` when the password's verifier does not match.
        pub(super) fn new(bits: usize, salt: &[u8], pw: &[u8], pv: [u8; 2]) -> Option<Self> {
            let n = bits / 8;
            // The verifier sits at bytes 2n..2n+2 of the derived material: derive its block first,
            // so that a wrong password costs one PBKDF2 block, not four.
            let h = Hmac::new(pw);
            let at = 2 * n;
            let block = pbkdf2_block(&h, salt, ROUNDS, at / 20);
            if block[at % 20..at % 20 + 2] != pv {
                return None;
            }
            let mut material = vec![0u8; 2 * n + 2];
            pbkdf2_sha1(pw, salt, ROUNDS, &mut material);
            let key = match bits {
                128 => Key::A128(Box::new(aes::Aes128::new_from_slice(&material[..n]).ok()?)),
                _ => Key::A256(Box::new(aes::Aes256::new_from_slice(&material[..n]).ok()?)),
            };
            Some(Ctr {
                key,
                counter: 0,
                stream: [0; 16],
                used: 16,
            })
        }

        pub(super) fn apply(&mut self, buf: &mut [u8]) {
            for b in buf {
                if self.used == 16 {
                    self.counter = self.counter.wrapping_add(1);
                    let mut block = [0u8; 16];
                    block[..8].copy_from_slice(&self.counter.to_le_bytes());
                    let mut g = GenericArray::from(block);
                    match &self.key {
                        Key::A128(k) => k.encrypt_block(&mut g),
                        Key::A256(k) => k.encrypt_block(&mut g),
                    }
                    self.stream.copy_from_slice(&g);
                    self.used = 0;
                }
                *b ^= self.stream[self.used];
                self.used += 1;
            }
        }
    }

    /// HMAC-SHA1 (RFC 2104) with the key's inner and outer states prepared once.
    struct Hmac {
        inner: Sha1,
        outer: Sha1,
    }

    impl Hmac {
        fn new(key: &[u8]) -> Self {
            let mut k = [0u8; 64];
            if key.len() > 64 {
                k[..20].copy_from_slice(&Sha1::digest(key));
            } else {
                k[..key.len()].copy_from_slice(key);
            }
            let mut inner = Sha1::new();
            inner.update(k.map(|b| b ^ 0x36));
            let mut outer = Sha1::new();
            outer.update(k.map(|b| b ^ 0x5C));
            Hmac { inner, outer }
        }

        fn mac(&self, parts: &[&[u8]]) -> [u8; 20] {
            let mut i = self.inner.clone();
            for p in parts {
                i.update(p);
            }
            let mut o = self.outer.clone();
            o.update(i.finalize());
            o.finalize().into()
        }
    }

    /// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA1.
    pub(super) fn pbkdf2_sha1(pw: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
        let h = Hmac::new(pw);
        for (i, chunk) in out.chunks_mut(20).enumerate() {
            let t = pbkdf2_block(&h, salt, rounds, i);
            chunk.copy_from_slice(&t[..chunk.len()]);
        }
    }

    /// Block `i` (0-based) of the PBKDF2 output: `F(P, S, c, i + 1)`.
    fn pbkdf2_block(h: &Hmac, salt: &[u8], rounds: u32, i: usize) -> [u8; 20] {
        let mut u = h.mac(&[salt, &(i as u32 + 1).to_be_bytes()]);
        let mut t = u;
        for _ in 1..rounds {
            u = h.mac(&[&u[..]]);
            for (a, b) in t.iter_mut().zip(u) {
                *a ^= b;
            }
        }
        t
    }

    #[cfg(test)]
    #[test]
    fn pbkdf2_matches_rfc6070() {
        let mut out = [0u8; 20];
        pbkdf2_sha1(b"password", b"salt", 2, &mut out);
        assert_eq!(
            out.to_vec(),
            [
                0xea, 0x6c, 0x01, 0x4d, 0xc7, 0x2d, 0x6f, 0x8c, 0xcd, 0x1e, 0xd9, 0x2a, 0xce, 0x1d,
                0x41, 0xf0, 0xd8, 0xde, 0x89, 0x57
            ]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyse, analyse_as, Kind, Options};

    /// How a fixture entry is written.
    struct E<'a> {
        name: &'a str,
        data: &'a [u8],
        /// 0 store, 1 deflate, 2 bzip2, 4 lzma.
        method: u8,
        zip_password: Option<&'a str>,
        aes256_password: Option<&'a str>,
    }

    fn e<'a>(name: &'a str, data: &'a [u8], method: u8) -> E<'a> {
        E {
            name,
            data,
            method,
            zip_password: None,
            aes256_password: None,
        }
    }

    fn field(out: &mut Vec<u8>, magic: u32, flags: u8, body: &[u8]) {
        out.extend(magic.to_le_bytes());
        out.push(flags);
        out.extend((body.len() as u16).to_le_bytes());
        out.extend_from_slice(body);
    }

    fn pack(method: u8, d: &[u8]) -> Vec<u8> {
        use std::io::Write;
        match method {
            0 => d.to_vec(),
            1 => super::super::alz::tests::deflate(d),
            2 => {
                let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
                e.write_all(d).unwrap();
                e.finish().unwrap()
            }
            _ => {
                let opts = lzma_rust2::LzmaOptions::with_preset(6);
                let mut w =
                    lzma_rust2::LzmaWriter::new_use_header(Vec::new(), &opts, Some(d.len() as u64))
                        .unwrap();
                w.write_all(d).unwrap();
                let lz = w.finish().unwrap();
                // .lzma header: props(1) dict(4) size(8); EGG: 4 bytes, props(5), raw.
                let mut v = vec![0x09, 0x14, 0x05, 0x00];
                v.extend_from_slice(&lz[..5]);
                v.extend_from_slice(&lz[13..]);
                v
            }
        }
    }

    /// An EGG archive. `prefix` are archive header fields (split, solid); `solid` packs all
    /// entries into one stored/deflate stream after the file headers.
    fn build(entries: &[E<'_>], prefix: &[(u32, Vec<u8>)], solid: Option<u8>) -> Vec<u8> {
        let mut a = b"EGGA".to_vec();
        a.extend(0x0100u16.to_le_bytes());
        a.extend(0x1234_5678u32.to_le_bytes());
        a.extend(0u32.to_le_bytes());
        for (m, body) in prefix {
            field(&mut a, *m, 0, body);
        }
        a.extend(EOFARC.to_le_bytes());
        for (i, en) in entries.iter().enumerate() {
            a.extend(MAGIC_FILE.to_le_bytes());
            a.extend((i as u32).to_le_bytes());
            a.extend((en.data.len() as u64).to_le_bytes());
            // Filename: UTF-8, no locale.
            field(&mut a, MAGIC_FILENAME, 0, en.name.as_bytes());
            let mut windows = 0u64.to_le_bytes().to_vec();
            windows.push(0x20);
            field(&mut a, MAGIC_WINDOWS, 0, &windows);
            let crc = crc32(en.data);
            let mut packed = pack(en.method, en.data);
            if let Some(p) = en.zip_password {
                let mut z = ZipCrypto::new(p.as_bytes());
                let mut verify = [0x33u8; 12];
                verify[11] = (crc >> 24) as u8;
                z.encrypt(&mut verify);
                z.encrypt(&mut packed);
                // Size counted with the field's own 7 bytes, as ClamAV found in real archives.
                a.extend(MAGIC_ENCRYPT.to_le_bytes());
                a.push(0);
                a.extend((7u16 + 17).to_le_bytes());
                a.push(0);
                a.extend(verify);
                a.extend(crc.to_le_bytes());
            }
            if let Some(p) = en.aes256_password {
                let salt = [9u8; 16];
                let mut material = [0u8; 66];
                aes_ctr::pbkdf2_sha1(p.as_bytes(), &salt, 1000, &mut material);
                let mut ctr =
                    aes_ctr::Ctr::new(256, &salt, p.as_bytes(), [material[64], material[65]])
                        .unwrap();
                ctr.apply(&mut packed);
                let mut body = vec![2u8];
                body.extend(salt);
                body.extend(&material[64..]);
                body.extend([0u8; 10]); // authentication code, not checked here
                field(&mut a, MAGIC_ENCRYPT, 0, &body);
            }
            a.extend(EOFARC.to_le_bytes());
            if solid.is_none() {
                a.extend(MAGIC_BLOCK.to_le_bytes());
                a.push(en.method);
                a.push(0);
                a.extend((en.data.len() as u32).to_le_bytes());
                a.extend((packed.len() as u32).to_le_bytes());
                a.extend(crc.to_le_bytes());
                a.extend(EOFARC.to_le_bytes());
                a.extend(packed);
            }
        }
        if let Some(method) = solid {
            let all: Vec<u8> = entries
                .iter()
                .flat_map(|e| e.data.iter().copied())
                .collect();
            let packed = pack(method, &all);
            a.extend(MAGIC_BLOCK.to_le_bytes());
            a.push(method);
            a.push(0);
            a.extend((all.len() as u32).to_le_bytes());
            a.extend((packed.len() as u32).to_le_bytes());
            a.extend(crc32(&all).to_le_bytes());
            a.extend(EOFARC.to_le_bytes());
            a.extend(packed);
        }
        a.extend(EOFARC.to_le_bytes());
        a
    }

    const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";

    #[test]
    fn deflate_entry_with_a_korean_utf8_name() {
        let text = "안내문 본문 ".repeat(300);
        let a = build(
            &[
                e("문서/안내문.txt", text.as_bytes(), 1),
                e("견적서.pdf.exe", PE, 0),
            ],
            &[],
            None,
        );
        let n = analyse(&a, "자료.egg", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Egg);
        assert_eq!(n.children.len(), 2, "{:?} {:?}", n.format, n.findings);
        assert_eq!(n.children[0].name, "문서/안내문.txt");
        assert_eq!(n.children[0].size, text.len() as u64);
        assert_eq!(n.children[1].detected_type, Kind::Pe);
        assert!(n.children[1].has("attachment.double_extension"));
        assert!(n.has("archive.contains_executable"));
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
        assert!(n.format.as_deref().unwrap().contains("deflate, stored"));
    }

    #[test]
    fn bzip2_and_lzma_entries() {
        let text: Vec<u8> = b"lzma and bzip2 payload ".repeat(500);
        let a = build(&[e("a.txt", &text, 2), e("b.txt", &text, 4)], &[], None);
        let n = analyse(&a, "x.egg", None, &Options::default());
        assert_eq!(n.children.len(), 2, "{:?}", n.format);
        for c in &n.children {
            assert_eq!(c.size, text.len() as u64, "{:?}", c.format);
        }
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
    }

    #[test]
    fn zip20_encrypted_entry_opened_with_the_mail_password() {
        let a = build(
            &[E {
                zip_password: Some("2024견적"),
                ..e("invoice.scr", PE, 1)
            }],
            &[],
            None,
        );
        let n = analyse(&a, "x.egg", None, &Options::default());
        assert!(n.has("archive.encrypted"));
        assert!(n.children[0].encrypted);
        assert!(n.has("archive.contains_executable"));
        assert!(n.format.as_deref().unwrap().contains("ZIP 2.0"));
        let opts = Options {
            passwords: vec!["2024견적".into()],
            ..Options::default()
        };
        let n = analyse(&a, "x.egg", None, &opts);
        assert!(n.has("archive.password_in_mail"), "{:?}", n.findings);
        assert_eq!(n.children[0].detected_type, Kind::Pe);
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
    }

    #[test]
    fn aes256_encrypted_entry_opened_with_a_common_password() {
        let a = build(
            &[E {
                aes256_password: Some("infected"),
                ..e("run.js", b"WScript.Echo(1)", 1)
            }],
            &[],
            None,
        );
        let n = analyse(&a, "x.egg", None, &Options::default());
        assert!(n.has("archive.encrypted_opened"));
        assert!(!n.has("archive.password_in_mail"));
        assert_eq!(n.children.len(), 1);
        assert!(!n.children[0].encrypted, "{:?}", n.children[0].format);
        assert_eq!(n.children[0].size, 15);
    }

    #[test]
    fn solid_and_split_headers_are_recognised() {
        let text = b"first entry text ".repeat(40);
        let a = build(
            &[e("one.txt", &text, 0), e("two.exe", PE, 0)],
            &[(MAGIC_SOLID, Vec::new())],
            Some(1),
        );
        let n = analyse(&a, "x.egg", None, &Options::default());
        assert!(
            n.format.as_deref().unwrap().contains("solid"),
            "{:?}",
            n.format
        );
        assert_eq!(n.children.len(), 2, "{:?}", n.findings);
        assert_eq!(n.children[0].size, text.len() as u64);
        assert_eq!(n.children[1].detected_type, Kind::Pe);

        // First volume of a split set, cut inside the second entry's stored data.
        let big: Vec<u8> = PE
            .iter()
            .copied()
            .chain(0..=255u8)
            .cycle()
            .take(5000)
            .collect();
        let mut split = 0u32.to_le_bytes().to_vec();
        split.extend(0x2222_2222u32.to_le_bytes());
        let a = build(
            &[e("a.txt", b"hello", 0), e("b.exe", &big, 0)],
            &[(MAGIC_SPLIT, split)],
            None,
        );
        let first = &a[..a.len() - 3000];
        let n = analyse(first, "x.vol1.egg", None, &Options::default());
        assert!(n.has("archive.split_volume"), "{:?}", n.findings);
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
        assert_eq!(n.children.len(), 2);
        assert_eq!(n.children[1].detected_type, Kind::Pe);

        // A later volume: its own header, then the rest of the cut block.
        let mut split = 0x1234_5678u32.to_le_bytes().to_vec();
        split.extend(0u32.to_le_bytes());
        let mut later = build(&[], &[(MAGIC_SPLIT, split)], None);
        later.truncate(later.len() - 4);
        later.extend_from_slice(&a[a.len() - 3000..]);
        let n = analyse(&later, "x.vol2.egg", None, &Options::default());
        assert!(n.has("archive.split_volume"), "{:?}", n.findings);
    }

    #[test]
    fn cp949_names_relative_to_a_parent_entry() {
        // A filename field with locale 949 (CP949) and a parent entry, sized the specification's
        // way (locale and parent counted in the size).
        let mut a = build(&[e("dir/", b"", 0)], &[], None);
        a.truncate(a.len() - 4);
        a.extend(MAGIC_FILE.to_le_bytes());
        a.extend(7u32.to_le_bytes());
        a.extend(2u64.to_le_bytes());
        let (name, _, _) = encoding_rs::EUC_KR.encode("보고서.lnk");
        let mut body = 949u16.to_le_bytes().to_vec();
        body.extend(0u32.to_le_bytes()); // parent: entry 0 ("dir/")
        body.extend_from_slice(&name);
        field(&mut a, MAGIC_FILENAME, NAME_LOCALE | NAME_RELATIVE, &body);
        a.extend(EOFARC.to_le_bytes());
        a.extend(MAGIC_BLOCK.to_le_bytes());
        a.extend([0u8, 0]);
        a.extend(2u32.to_le_bytes());
        a.extend(2u32.to_le_bytes());
        a.extend(crc32(b"L\0").to_le_bytes());
        a.extend(EOFARC.to_le_bytes());
        a.extend(b"L\0");
        a.extend(EOFARC.to_le_bytes());
        let n = analyse(&a, "x.egg", None, &Options::default());
        assert_eq!(n.children.len(), 1, "{:?}", n.findings);
        assert_eq!(n.children[0].name, "dir/보고서.lnk");
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
    }

    fn fixtures() -> Vec<Vec<u8>> {
        let text = b"some text to compress ".repeat(20);
        vec![
            build(&[e("a.txt", &text, 1), e("b.exe", PE, 0)], &[], None),
            build(
                &[E {
                    zip_password: Some("infected"),
                    ..e("c.txt", &text, 2)
                }],
                &[],
                None,
            ),
            build(&[e("d.txt", &text, 4)], &[], None),
            build(
                &[e("e.txt", &text, 0), e("f.txt", b"x", 0)],
                &[(MAGIC_SOLID, Vec::new())],
                Some(1),
            ),
        ]
    }

    /// Random multi-byte mutations of the EGG and ALZ fixtures, many rounds:
    /// `cargo test --release -p spearwatch-content korean_archives_soak -- --ignored`
    #[test]
    #[ignore]
    fn korean_archives_soak() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let sets = [
            (Kind::Egg, fixtures()),
            (Kind::Alz, super::super::alz::tests::fixtures()),
        ];
        for (kind, set) in &sets {
            for f in set {
                for _ in 0..20_000 {
                    let mut m = f.clone();
                    for _ in 0..1 + next() % 6 {
                        let i = (next() % m.len() as u64) as usize;
                        m[i] = next() as u8;
                    }
                    if next() % 4 == 0 {
                        m.truncate((next() % m.len() as u64) as usize);
                    }
                    let _ = analyse_as(*kind, &m, "x", &Options::default());
                }
            }
        }
    }

    /// Every byte changed and every truncation: no panic, no hang.
    #[test]
    fn hostile_egg_does_not_panic() {
        for f in fixtures() {
            for i in 0..f.len() {
                for v in [0u8, 0xFF, 0x7F, 0x01, 0x80] {
                    let mut m = f.clone();
                    m[i] = v;
                    let _ = analyse_as(Kind::Egg, &m, "x.egg", &Options::default());
                }
            }
            for cut in 0..f.len() {
                let _ = analyse_as(Kind::Egg, &f[..cut], "x.egg", &Options::default());
            }
        }
    }
}
