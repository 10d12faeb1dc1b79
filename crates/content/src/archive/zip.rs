//! Zip archives (PKWARE APPNOTE.TXT 6.3.10) and the packages built on them (OOXML, HWPX, ODF).
//!
//! The central directory is read here, byte by byte, so that every entry is seen even when a library
//! would stop: duplicate names, local headers that disagree with the directory, entries that overlap
//! (zip bombs by overlap), paths that climb out of the folder. Each member is then decrypted and
//! decompressed by the `zip` crate's local-header reader, through [`Walk::read_member`] so the bomb
//! limits apply. When the directory is missing or broken, local headers are scanned instead.

use super::{bytes, u16le, u32le, u64le, Member, Unlock};
use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};
use std::collections::HashSet;
use zip::result::ZipError;
use zip::ZipReadOptions;

/// Entries read from one central directory at most; more is an absurd count (a bomb or a decoy).
const MAX_ENTRIES: usize = 100_000;
/// Password tries per archive (AES costs a PBKDF2 derivation each).
const MAX_PASSWORD_TRIES: usize = 64;
/// Encrypted entries tried with every password before giving up on the rest.
const GIVE_UP_AFTER: usize = 3;

const SIG_LOCAL: &[u8] = b"PK\x03\x04";
const SIG_CENTRAL: &[u8] = b"PK\x01\x02";
const SIG_EOCD: &[u8] = b"PK\x05\x06";

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    raw_name: Vec<u8>,
    flags: u16,
    /// Method of the data once decrypted (the AES extra field's, for method 99).
    method: u16,
    crc: u32,
    csize: u64,
    usize: u64,
    /// Local header offset in `data` (corrected for bytes prepended to the archive).
    offset: u64,
    /// AES strength (1, 2, 3 = 128, 192, 256 bits) from extra field 0x9901.
    aes: Option<u8>,
}

impl Entry {
    fn encrypted(&self) -> bool {
        self.flags & 1 != 0
    }
    fn is_dir(&self) -> bool {
        self.name.ends_with('/') && self.usize == 0
    }
    fn cipher(&self) -> &'static str {
        match self.aes {
            Some(1) => "AES-128",
            Some(2) => "AES-192",
            Some(_) => "AES-256",
            // APPNOTE §4.4.4 bit 6: PKWARE strong encryption (SES), not decryptable here.
            None if self.flags & 0x40 != 0 => "PKWARE strong encryption",
            None => "ZipCrypto",
        }
    }
}

/// What reading the directory showed besides the entries.
#[derive(Default)]
struct Layout {
    /// Entries the end record declares.
    declared: u64,
    /// Bytes before the archive proper (self-extractor stub, polyglot).
    prepended: u64,
    /// From a local-header scan (no usable central directory).
    scanned: bool,
    problems: Vec<String>,
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let (entries, layout) = match central_directory(data) {
        Ok(r) => r,
        Err(why) => {
            let mut l = Layout {
                scanned: true,
                ..Layout::default()
            };
            l.problems.push(why);
            (scan_local_headers(data), l)
        }
    };
    if entries.is_empty() && layout.scanned {
        node.format = Some("zip archive (no readable entries)".into());
        flag_malformed(node, &layout.problems);
        return;
    }
    oddities(w, node, data, &entries, &layout);

    let files: Vec<(usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.is_dir())
        .collect();
    let is_ooxml = files
        .iter()
        .any(|(_, e)| e.name.eq_ignore_ascii_case("[Content_Types].xml"));
    let mut package = String::from("zip archive");
    if is_ooxml {
        node.detected_type = Kind::Ooxml;
        package = "OOXML package".into();
    } else if let Some((_, m)) = files
        .iter()
        .find(|(_, e)| e.name == "mimetype" && e.usize < 200 && !e.encrypted())
    {
        // HWPX (KS X 6101) and ODF store their type in a leading `mimetype` member.
        if let Got::Data(mime) = extract(w, node, data, m, None) {
            let mime = String::from_utf8_lossy(&mime).trim().to_string();
            if mime == "application/hwp+zip" {
                node.detected_type = Kind::Hwpx;
                package = "HWPX document".into();
            } else if mime.starts_with("application/vnd.oasis.opendocument") {
                package = format!("OpenDocument package ({mime})");
            }
        }
    }

    // Packages whose members the document analyser reads together (and decides which become children).
    let is_package = is_ooxml || node.detected_type == Kind::Hwpx;
    let overlap_skip = overlapping(data, &entries);
    let passwords: Vec<String> = w.passwords().map(str::to_string).collect();
    let mut good: Option<String> = None;
    let mut tries = 0usize;
    let mut hopeless = 0usize;
    let mut encrypted_names = Vec::new();
    let mut ciphers: Vec<&str> = Vec::new();
    let mut unreadable = Vec::new();
    let mut members = Vec::new();

    for &(i, e) in &files {
        if w.expired(node) {
            break;
        }
        let before = node.children.len();
        if overlap_skip.contains(&i) {
            if let Some(n) = w.listed(node, &e.name, e.usize, e.encrypted()) {
                n.format = Some("not extracted: its bytes overlap another member's".into());
            }
            continue;
        }
        let got = if e.encrypted() {
            encrypted_names.push(e.name.clone());
            if !ciphers.contains(&e.cipher()) {
                ciphers.push(e.cipher());
            }
            let mut got = Got::NeedPassword;
            let can_try = hopeless < GIVE_UP_AFTER || good.is_some();
            let order: Vec<String> = good
                .iter()
                .chain(passwords.iter().filter(|p| Some(*p) != good.as_ref()))
                .cloned()
                .collect();
            for p in &order {
                if !can_try || tries >= MAX_PASSWORD_TRIES || e.flags & 0x40 != 0 {
                    break;
                }
                tries += 1;
                match extract(w, node, data, e, Some(p.as_bytes())) {
                    Got::Data(d) => {
                        good.get_or_insert_with(|| p.clone());
                        got = Got::Data(d);
                        break;
                    }
                    Got::Limit => {
                        got = Got::Limit;
                        break;
                    }
                    Got::Unsupported(m) => {
                        got = Got::Unsupported(m);
                        break;
                    }
                    Got::BadPassword | Got::NeedPassword | Got::Corrupt(_) => {}
                }
            }
            if matches!(got, Got::NeedPassword) && good.is_none() {
                hopeless += 1;
            }
            got
        } else {
            extract(w, node, data, e, None)
        };
        match got {
            Got::Data(d) if is_package => members.push(Member {
                name: e.name.clone(),
                data: d,
            }),
            Got::Data(d) => w.child(node, &e.name, &d),
            Got::NeedPassword | Got::BadPassword => {
                w.listed(node, &e.name, e.usize, true);
            }
            Got::Limit => {
                if let Some(n) = w.listed(node, &e.name, e.usize, e.encrypted()) {
                    n.format = Some("not extracted: a limit stopped it".into());
                }
            }
            Got::Unsupported(why) | Got::Corrupt(why) => {
                unreadable.push(format!("{}: {why}", e.name));
                if let Some(n) = w.listed(node, &e.name, e.usize, e.encrypted()) {
                    n.format = Some(format!("not extracted: {why}"));
                }
            }
        }
        if !is_package && super::refused(node, before) {
            break;
        }
    }

    let mut methods: Vec<&str> = Vec::new();
    for (_, e) in &files {
        let m = method_name(e.method);
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    let mut format = format!("{package}, {} members", files.len());
    if !methods.is_empty() {
        format.push_str(&format!(" ({})", methods.join(", ")));
    }
    if !encrypted_names.is_empty() {
        format.push_str(&format!(
            ", {} encrypted ({})",
            encrypted_names.len(),
            ciphers.join(", ")
        ));
        if good.is_none() {
            format.push_str(", not decrypted");
        }
        flag_encrypted_zip(
            w,
            node,
            &encrypted_names,
            files.len(),
            &ciphers,
            good.as_deref(),
        );
    }
    if layout.scanned {
        format.push_str(", read from local headers (central directory unusable)");
    }
    if !unreadable.is_empty() {
        format.push_str(&format!(", {} not extracted", unreadable.len()));
    }
    node.format = Some(format);
    if is_ooxml {
        crate::office::ooxml::analyse(w, node, members);
    } else if node.detected_type == Kind::Hwpx {
        crate::hwp::hwpx::analyse(w, node, members);
    }
    super::flag_executables(node, "Zip archive");
}

/// Compression methods by APPNOTE §4.4.5 number.
fn method_name(m: u16) -> &'static str {
    match m {
        0 => "stored",
        1 => "shrunk",
        2..=5 => "reduced",
        6 => "imploded",
        8 => "deflate",
        9 => "deflate64",
        12 => "bzip2",
        14 => "lzma",
        93 => "zstd",
        95 => "xz",
        98 => "ppmd",
        _ => "other method",
    }
}

fn flag_encrypted_zip(
    w: &Walk<'_>,
    node: &mut Node,
    names: &[String],
    total: usize,
    ciphers: &[&str],
    password: Option<&str>,
) {
    super::flag_encrypted(
        w,
        node,
        &Unlock {
            encrypted: names,
            total,
            cipher: &ciphers.join(", "),
            password,
            headers: false,
            tried: true,
        },
    );
}

enum Got {
    Data(Vec<u8>),
    NeedPassword,
    BadPassword,
    Limit,
    Unsupported(String),
    Corrupt(String),
}

/// Decrypts and decompresses one entry from its local header (APPNOTE §4.3.7), with the sizes and CRC
/// of the central directory, through [`Walk::read_member`].
fn extract(w: &mut Walk<'_>, node: &mut Node, data: &[u8], e: &Entry, pw: Option<&[u8]>) -> Got {
    let Some(mut r) = usize::try_from(e.offset).ok().and_then(|o| data.get(o..)) else {
        return Got::Corrupt("local header outside the file".into());
    };
    let opts = ZipReadOptions::new()
        .password(pw)
        .override_compressed_size(e.csize)
        .override_uncompressed_size(e.usize)
        .override_crc(e.crc);
    let file = match zip::read::read_zipfile_from_stream_with_options(&mut r, opts) {
        Ok(Some(f)) => f,
        Ok(None) => return Got::Corrupt("no local header".into()),
        Err(ZipError::InvalidPassword) => return Got::BadPassword,
        Err(ZipError::UnsupportedArchive(m)) if m == ZipError::PASSWORD_REQUIRED => {
            return Got::NeedPassword
        }
        Err(ZipError::UnsupportedArchive(m)) => return Got::Unsupported(m.to_string()),
        Err(ZipError::CompressionMethodNotSupported(m)) => {
            return Got::Unsupported(format!("compression method {m} not supported"))
        }
        Err(err) => return Got::Corrupt(err.to_string()),
    };
    match w.read_member(node, &e.name, file, e.csize) {
        Ok(d) => Got::Data(d),
        Err(s) if super::is_limit(&s) => Got::Limit,
        Err(s) => Got::Corrupt(s),
    }
}

/// Entry names: UTF-8 when flag bit 11 says so (APPNOTE appendix D), else the Info-ZIP Unicode Path
/// extra field (0x7075) when its CRC matches the stored name, else CP949 or CP437 by content.
fn decode_name(raw: &[u8], flags: u16, extra: &[u8]) -> String {
    if flags & 0x800 != 0 {
        return String::from_utf8_lossy(raw).into_owned();
    }
    if let Some(u) = extra_field(extra, 0x7075) {
        if u.first() == Some(&1) && u32le(u, 1) == Some(crc32(raw)) {
            if let Ok(s) = std::str::from_utf8(&u[5..]) {
                return s.to_string();
            }
        }
    }
    super::decode_legacy_name(raw, super::cp437)
}

fn crc32(d: &[u8]) -> u32 {
    let mut h = flate2::Crc::new();
    h.update(d);
    h.sum()
}

/// The data of extra field `id` (APPNOTE §4.5: id u16, size u16, data).
fn extra_field(extra: &[u8], id: u16) -> Option<&[u8]> {
    let mut off = 0usize;
    while let (Some(hid), Some(len)) = (u16le(extra, off), u16le(extra, off + 2)) {
        let body = bytes(extra, off + 4, usize::from(len))?;
        if hid == id {
            return Some(body);
        }
        off += 4 + usize::from(len);
    }
    None
}

/// The end of central directory record (§4.3.16): searched backwards over the comment's maximum.
fn find_eocd(d: &[u8]) -> Option<usize> {
    let last = d.len().checked_sub(22)?;
    let first = last.saturating_sub(0xFFFF);
    let mut fallback = None;
    for pos in (first..=last).rev() {
        if d.get(pos..pos + 4) != Some(SIG_EOCD) {
            continue;
        }
        let clen = usize::from(u16le(d, pos + 20)?);
        if pos + 22 + clen == d.len() {
            return Some(pos);
        }
        fallback.get_or_insert(pos);
    }
    fallback
}

fn central_directory(d: &[u8]) -> Result<(Vec<Entry>, Layout), String> {
    let eocd = find_eocd(d).ok_or("no end of central directory record")?;
    let mut layout = Layout::default();
    let mut count = u64::from(u16le(d, eocd + 10).unwrap_or(0));
    let mut cd_size = u64::from(u32le(d, eocd + 12).unwrap_or(0));
    let mut cd_off = u64::from(u32le(d, eocd + 16).unwrap_or(0));
    let mut cd_end = eocd as u64;
    // Zip64 end of central directory locator (§4.3.15) just before the end record, and the record.
    if eocd >= 20 && d.get(eocd - 20..eocd - 16) == Some(b"PK\x06\x07") {
        let rec = u64le(d, eocd - 12).and_then(|o| usize::try_from(o).ok());
        // `bytes` checks `r + 4`: a record offset near 2^64 would wrap.
        if let Some(rec) = rec.filter(|&r| bytes(d, r, 4) == Some(b"PK\x06\x06")) {
            count = u64le(d, rec + 32).unwrap_or(count);
            cd_size = u64le(d, rec + 40).unwrap_or(cd_size);
            cd_off = u64le(d, rec + 48).unwrap_or(cd_off);
            cd_end = rec as u64;
        }
    }
    layout.declared = count;
    // Bytes prepended to the archive (a self-extractor, a polyglot) shift every offset: the directory
    // really starts `cd_size` bytes before its end.
    let real_cd = cd_end
        .checked_sub(cd_size)
        .ok_or("central directory larger than the file")?;
    let mut delta = 0u64;
    if real_cd != cd_off {
        if real_cd > cd_off && bytes(d, real_cd as usize, 4) == Some(SIG_CENTRAL) {
            delta = real_cd - cd_off;
            layout.prepended = delta;
        } else if bytes(d, cd_off as usize, 4) != Some(SIG_CENTRAL) && count > 0 {
            return Err("central directory offset points nowhere".into());
        }
    }
    let mut pos = usize::try_from(cd_off + delta).map_err(|_| "offset overflow")?;
    let mut entries = Vec::new();
    while bytes(d, pos, 4) == Some(SIG_CENTRAL) {
        if entries.len() >= MAX_ENTRIES {
            layout
                .problems
                .push(format!("more than {MAX_ENTRIES} entries"));
            break;
        }
        let field = |o| u16le(d, pos + o).map(usize::from).unwrap_or(0);
        let (nlen, xlen, clen) = (field(28), field(30), field(32));
        let Some(raw) = bytes(d, pos + 46, nlen) else {
            layout.problems.push("truncated central directory".into());
            break;
        };
        let extra = bytes(d, pos + 46 + nlen, xlen).unwrap_or(&[]);
        let flags = u16le(d, pos + 8).unwrap_or(0);
        let mut method = u16le(d, pos + 10).unwrap_or(0);
        let mut usize_ = u64::from(u32le(d, pos + 24).unwrap_or(0));
        let mut csize = u64::from(u32le(d, pos + 20).unwrap_or(0));
        let mut offset = u64::from(u32le(d, pos + 42).unwrap_or(0));
        // Zip64 extended information (§4.5.3): only the fields saturated in the header, in order.
        if let Some(z) = extra_field(extra, 0x0001) {
            let mut at = 0;
            for v in [&mut usize_, &mut csize, &mut offset] {
                if *v == 0xFFFF_FFFF {
                    if let Some(x) = u64le(z, at) {
                        *v = x;
                    }
                    at += 8;
                }
            }
        }
        // WinZip AES (AE-x) extra field 0x9901: version, "AE", strength, real method.
        let mut aes = None;
        if method == 99 {
            if let Some(a) = extra_field(extra, 0x9901) {
                aes = a.get(4).copied();
                method = u16le(a, 5).unwrap_or(method);
            }
        }
        entries.push(Entry {
            name: decode_name(raw, flags, extra),
            raw_name: raw.to_vec(),
            flags,
            method,
            crc: u32le(d, pos + 16).unwrap_or(0),
            csize,
            usize: usize_,
            offset: offset.saturating_add(delta),
            aes,
        });
        pos += 46 + nlen + xlen + clen;
    }
    if entries.is_empty() && count > 0 {
        return Err("central directory has no readable entries".into());
    }
    if count != entries.len() as u64 && entries.len() < MAX_ENTRIES {
        layout.problems.push(format!(
            "end record declares {count} entries, the directory holds {}",
            entries.len()
        ));
    }
    Ok((entries, layout))
}

/// Without a central directory: every local header in order (§4.3.7). Entries with a data descriptor
/// (§4.3.9) and no sizes are measured up to the next signature.
fn scan_local_headers(d: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut from = 0usize;
    let finder = memchr::memmem::Finder::new(SIG_LOCAL);
    let mut descriptors = Descriptors::new(d);
    while let Some(rel) = d.get(from..).and_then(|s| finder.find(s)) {
        let pos = from + rel;
        from = pos + 4;
        if out.len() >= MAX_ENTRIES {
            break;
        }
        let field = |o| u16le(d, pos + o).map(usize::from).unwrap_or(0);
        let (nlen, xlen) = (field(26), field(28));
        let Some(raw) = bytes(d, pos + 30, nlen) else {
            break;
        };
        let extra = bytes(d, pos + 30 + nlen, xlen).unwrap_or(&[]);
        let flags = u16le(d, pos + 6).unwrap_or(0);
        let mut method = u16le(d, pos + 8).unwrap_or(0);
        let mut crc = u32le(d, pos + 14).unwrap_or(0);
        let mut csize = u64::from(u32le(d, pos + 18).unwrap_or(0));
        let mut usize_ = u64::from(u32le(d, pos + 22).unwrap_or(0));
        let start = pos + 30 + nlen + xlen;
        if flags & 8 != 0 && csize == 0 {
            // The data descriptor follows the data: find its signature (optional but near universal).
            let Some(dd) = descriptors.first_from(pos, start).map(|at| at - start) else {
                continue;
            };
            csize = dd as u64;
            crc = u32le(d, start + dd + 4).unwrap_or(0);
            usize_ = u64::from(u32le(d, start + dd + 12).unwrap_or(0));
        }
        let mut aes = None;
        if method == 99 {
            if let Some(a) = extra_field(extra, 0x9901) {
                aes = a.get(4).copied();
                method = u16le(a, 5).unwrap_or(method);
            }
        }
        out.push(Entry {
            name: decode_name(raw, flags, extra),
            raw_name: raw.to_vec(),
            flags,
            method,
            crc,
            csize,
            usize: usize_,
            offset: pos as u64,
            aes,
        });
        from = start
            .saturating_add(usize::try_from(csize).unwrap_or(usize::MAX))
            .max(pos + 4);
    }
    out
}

/// Data descriptor signatures (§4.3.9) in file order, found once: a file of local headers that all
/// lack their descriptor would otherwise search to the end once per header (quadratic time).
struct Descriptors<'a> {
    found: memchr::memmem::FindIter<'a, 'static>,
    /// Signatures found and not yet behind the scan, in order; the last one is the furthest found.
    ahead: std::collections::VecDeque<usize>,
    done: bool,
}

impl<'a> Descriptors<'a> {
    fn new(d: &'a [u8]) -> Self {
        Descriptors {
            found: memchr::memmem::find_iter(d, b"PK\x07\x08"),
            ahead: std::collections::VecDeque::new(),
            done: false,
        }
    }

    /// The first signature at or after `start`; `floor` (<= `start`) only grows from call to call,
    /// so signatures before it are forgotten.
    fn first_from(&mut self, floor: usize, start: usize) -> Option<usize> {
        while self.ahead.front().is_some_and(|&p| p < floor) {
            self.ahead.pop_front();
        }
        while !self.done && self.ahead.back().is_none_or(|&p| p < start) {
            match self.found.next() {
                Some(p) => {
                    if p >= floor {
                        self.ahead.push_back(p);
                    }
                }
                None => self.done = true,
            }
        }
        let i = self.ahead.partition_point(|&p| p < start);
        self.ahead.get(i).copied()
    }
}

/// Indices of entries whose bytes overlap an earlier entry's (a zip bomb by overlap, or
/// one local header reused under several names): only the first of each is extracted.
fn overlapping(d: &[u8], entries: &[Entry]) -> HashSet<usize> {
    let mut ranges: Vec<(u64, u64, usize)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.is_dir())
        .map(|(i, e)| {
            let start = e.offset;
            // `u16le` checks its own bounds, but `s + 26` must not wrap first (offsets are parsed).
            let field = |s: usize, at: usize| {
                s.checked_add(at)
                    .and_then(|o| u16le(d, o))
                    .map_or(0, usize::from)
            };
            let hdr = usize::try_from(start)
                .ok()
                .map_or(30, |s| 30 + field(s, 26) + field(s, 28));
            (
                start,
                start.saturating_add(hdr as u64).saturating_add(e.csize),
                i,
            )
        })
        .collect();
    ranges.sort_unstable();
    let mut skip = HashSet::new();
    let mut end = 0u64;
    let mut prev_start = None;
    for (s, e, i) in ranges {
        if prev_start.is_some() && s < end {
            skip.insert(i);
        } else {
            prev_start = Some(s);
        }
        end = end.max(e);
    }
    skip
}

/// Findings about the archive's structure: names that differ between the local header and the
/// directory, duplicate names, overlap, traversal, absurd counts, broken directories.
fn oddities(w: &mut Walk<'_>, node: &mut Node, d: &[u8], entries: &[Entry], layout: &Layout) {
    let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    super::flag_traversal(node, &names);

    if !layout.scanned {
        // §4.3.7 vs §4.3.12: the same entry named twice. Tools that list from the directory and
        // extract from the local header (or the reverse) show one name and write the other.
        let differ: Vec<String> = entries
            .iter()
            .filter_map(|e| {
                let o = usize::try_from(e.offset).ok()?;
                if bytes(d, o, 4)? != SIG_LOCAL {
                    return None;
                }
                let local = bytes(d, o + 30, usize::from(u16le(d, o + 26)?))?;
                (local != e.raw_name.as_slice()).then(|| {
                    format!(
                        "{} (local header: {})",
                        e.name,
                        super::decode_legacy_name(local, super::cp437)
                    )
                })
            })
            .collect();
        if !differ.is_empty() {
            node.flag(
                "archive.name_mismatch",
                Severity::Medium,
                "Zip entries carry different names in the directory and in their local headers",
                &[t::MASQUERADING],
                differ
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; "),
                "scanners and extractors disagree on which name (and extension) the file has",
            );
        }
    }

    let mut seen = HashSet::new();
    let dups: Vec<&str> = entries
        .iter()
        .filter(|e| !seen.insert(e.name.to_lowercase()))
        .map(|e| e.name.as_str())
        .collect();
    if !dups.is_empty() {
        node.flag(
            "archive.duplicate_name",
            Severity::Medium,
            "Zip archive holds several entries with the same name",
            &[t::MASQUERADING],
            dups.iter().take(5).copied().collect::<Vec<_>>().join(", "),
            "one copy is shown, another may be the one extracted",
        );
    }

    let overlaps = overlapping(d, entries).len();
    if overlaps > 0 {
        node.flag(
            "archive.overlapping_entries",
            Severity::Medium,
            "Zip entries share their compressed bytes (a zip bomb by overlap)",
            &[t::OBFUSCATED_FILES],
            format!("{overlaps} entries"),
            "each overlapping entry was listed, not extracted again",
        );
        w.limit(
            node,
            "overlapping members",
            format!("{overlaps} entries reuse other entries' bytes; not expanded"),
        );
    }

    let absurd = layout.declared > MAX_ENTRIES as u64 || entries.len() >= MAX_ENTRIES;
    if absurd || entries.len() > w.limits().max_nodes {
        node.flag(
            "archive.entry_count",
            Severity::Medium,
            "Zip archive declares more entries than any mail attachment needs",
            &[t::OBFUSCATED_FILES],
            format!(
                "{} entries read, {} declared",
                entries.len(),
                layout.declared
            ),
            "a flood of entries hides a payload or exhausts scanners",
        );
    }
    if layout.prepended > 0 {
        node.flag(
            "archive.prepended_data",
            Severity::Low,
            "Zip archive starts after other data (a self-extractor or a polyglot file)",
            &[t::MASQUERADING],
            format!("{} bytes before the archive", layout.prepended),
            "offsets in the directory are relative to a later start",
        );
    }
    flag_malformed(node, &layout.problems);
}

fn flag_malformed(node: &mut Node, problems: &[String]) {
    if problems.is_empty() || node.has("archive.malformed") {
        return;
    }
    node.flag(
        "archive.malformed",
        Severity::Low,
        "Archive structure is damaged or inconsistent",
        &[t::OBFUSCATED_FILES],
        problems.join("; "),
        "malformed archives slip past scanners that give up while extractors still open them",
    );
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Options;
    use std::io::{Cursor, Write};
    use zip::unstable::write::FileOptionsExt;
    use zip::write::SimpleFileOptions;
    use zip::{AesMode, CompressionMethod, ZipWriter};

    /// A zip of `(name, bytes)` members with `opts`.
    pub(crate) fn build(members: &[(&str, &[u8])], opts: SimpleFileOptions) -> Vec<u8> {
        let mut z = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    /// A small PE-looking program: "MZ" header with a PE signature at e_lfanew.
    pub(crate) fn pe() -> Vec<u8> {
        let mut p = vec![0u8; 512];
        p[0..2].copy_from_slice(b"MZ");
        p[0x3c] = 0x80;
        p[0x80..0x84].copy_from_slice(b"PE\0\0");
        p[0x84..0x86].copy_from_slice(&0x14cu16.to_le_bytes());
        p
    }

    pub(crate) fn ids(n: &Node) -> Vec<String> {
        let mut v: Vec<String> = n.all_findings().map(|f| f.id.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    fn deflate() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
    }

    #[test]
    fn zipcrypto_opens_with_the_mail_password() {
        let opts = deflate().with_deprecated_encryption(b"s3cret-42").unwrap();
        let z = build(
            &[("invoice.pdf.exe", &pe()), ("readme.txt", b"hello")],
            opts,
        );
        let o = Options {
            passwords: vec!["s3cret-42".into()],
            ..Options::default()
        };
        let n = crate::analyse(&z, "invoice.zip", None, &o);
        let ids = ids(&n);
        assert!(ids.contains(&"archive.encrypted_opened".into()), "{ids:?}");
        assert!(ids.contains(&"archive.password_in_mail".into()));
        assert!(ids.contains(&"archive.contains_executable".into()));
        assert_eq!(n.children.len(), 2);
        assert_eq!(n.children[0].detected_type, Kind::Pe);
        assert!(!n.children[0].sha256.is_empty());
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "archive.password_in_mail")
            .unwrap();
        assert_eq!(f.evidence[0].value, "s3cret-42");
    }

    #[test]
    fn encrypted_without_password_lists_names() {
        let opts = deflate().with_deprecated_encryption(b"unknown-pw").unwrap();
        let z = build(&[("a.js", b"WScript.Echo(1)"), ("b.txt", b"x")], opts);
        let n = crate::analyse(&z, "x.zip", None, &Options::default());
        let ids = ids(&n);
        assert!(ids.contains(&"archive.encrypted".into()), "{ids:?}");
        assert!(!ids.contains(&"archive.password_in_mail".into()));
        assert!(ids.contains(&"archive.contains_executable".into()));
        assert!(n
            .children
            .iter()
            .all(|c| c.encrypted && c.sha256.is_empty()));
        assert!(n.format.as_deref().unwrap().contains("not decrypted"));
    }

    #[test]
    fn aes_opens_with_a_common_password() {
        let opts = deflate().with_aes_encryption(AesMode::Aes256, "infected");
        let z = build(&[("doc.txt", b"quarterly numbers")], opts);
        let n = crate::analyse(&z, "x.zip", None, &Options::default());
        assert_eq!(n.children.len(), 1);
        assert!(!n.children[0].encrypted && !n.children[0].sha256.is_empty());
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "archive.encrypted_opened")
            .unwrap();
        let note = f.evidence[0].note.clone().unwrap_or_default();
        assert!(
            note.contains("AES-256") && note.contains("infected"),
            "{note}"
        );
        assert!(!n.has("archive.password_in_mail"));
    }

    #[test]
    fn ooxml_and_hwpx_are_typed() {
        let z = build(
            &[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b"<w/>"),
            ],
            deflate(),
        );
        let n = crate::analyse(&z, "a.docx", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Ooxml);
        // The OOXML analyser keeps ordinary XML parts out of the tree (binaries and embeddings stay).
        assert!(n.children.is_empty());
        let z = build(
            &[
                ("mimetype", b"application/hwp+zip"),
                ("Contents/section0.xml", b"<s/>"),
            ],
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
        );
        let n = crate::analyse(&z, "a.hwpx", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Hwpx);
    }

    #[test]
    fn cp949_names_without_utf8_flag() {
        let mut z = build(&[("AAAA.txt", b"x")], SimpleFileOptions::default());
        // Patch the name bytes in both headers to CP949 "문서.txt" (same length) and clear bit 11.
        let cp949 = b"\xb9\xae\xbc\xad.txt";
        for pos in memchr::memmem::find_iter(&z.clone(), b"AAAA.txt") {
            z[pos..pos + 8].copy_from_slice(cp949);
        }
        let n = crate::analyse(&z, "k.zip", None, &Options::default());
        assert_eq!(n.children[0].name, "문서.txt");
    }

    #[test]
    fn name_mismatch_and_traversal() {
        let mut z = build(
            &[("../../evil.txt", b"x"), ("report.pdf", b"%PDF-1.4")],
            SimpleFileOptions::default(),
        );
        // Rename the local header of the second member only.
        let pos = memchr::memmem::find(&z, b"report.pdf").unwrap();
        z[pos..pos + 10].copy_from_slice(b"report.exe");
        let n = crate::analyse(&z, "k.zip", None, &Options::default());
        let ids = ids(&n);
        assert!(ids.contains(&"archive.name_mismatch".into()), "{ids:?}");
        assert!(ids.contains(&"archive.path_traversal".into()));
    }

    #[test]
    fn overlapping_entries_are_a_bomb() {
        let one = build(&[("zeros", &vec![0u8; 1 << 20])], deflate());
        // Repeat the single central directory entry 50 times, all pointing at the same local header.
        let eocd = find_eocd(&one).unwrap();
        let cd_off = u32le(&one, eocd + 16).unwrap() as usize;
        let cd = one[cd_off..eocd].to_vec();
        let mut z = one[..cd_off].to_vec();
        let mut cdn = Vec::new();
        for i in 0..50u8 {
            let mut c = cd.clone();
            c[46 + 4] = b'a' + (i % 26); // "zeros" -> "zeroX": distinct names
            cdn.extend_from_slice(&c);
        }
        let cd_start = z.len() as u32;
        z.extend_from_slice(&cdn);
        let mut end = one[eocd..].to_vec();
        end[8..10].copy_from_slice(&50u16.to_le_bytes());
        end[10..12].copy_from_slice(&50u16.to_le_bytes());
        end[12..16].copy_from_slice(&(cdn.len() as u32).to_le_bytes());
        end[16..20].copy_from_slice(&cd_start.to_le_bytes());
        z.extend_from_slice(&end);
        let t = std::time::Instant::now();
        let n = crate::analyse(&z, "bomb.zip", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 1.0);
        assert!(n.has("archive.overlapping_entries"));
        assert!(n.has("content.limit"));
        assert_eq!(
            n.children.iter().filter(|c| !c.sha256.is_empty()).count(),
            1
        );
        assert_eq!(n.children.len(), 50);
    }

    #[test]
    fn nested_bomb_ends_fast_with_a_limit() {
        // 10 levels of 10 members; the innermost members are 1 MiB of zeros: 10^10 MiB expanded.
        let zeros = vec![0u8; 1 << 20];
        let names: Vec<String> = (0..10).map(|i| format!("m{i}.bin")).collect();
        let mut level = build(
            &names
                .iter()
                .map(|n| (n.as_str(), &zeros[..]))
                .collect::<Vec<_>>(),
            deflate(),
        );
        for _ in 1..10 {
            let names: Vec<String> = (0..10).map(|i| format!("l{i}.zip")).collect();
            level = build(
                &names
                    .iter()
                    .map(|n| (n.as_str(), &level[..]))
                    .collect::<Vec<_>>(),
                deflate(),
            );
        }
        assert!(level.len() < 2 << 20, "fixture is {} bytes", level.len());
        let t = std::time::Instant::now();
        let n = crate::analyse(&level, "bomb.zip", None, &Options::default());
        let took = t.elapsed().as_secs_f64();
        assert!(took < 1.0, "took {took} s");
        assert!(n.all_findings().any(|f| f.id == "content.limit"));
    }

    #[test]
    fn deep_nesting_hits_the_depth_limit() {
        let mut level = build(&[("x.txt", b"deep")], deflate());
        for _ in 0..16 {
            level = build(&[("inner.zip", &level[..])], deflate());
        }
        let n = crate::analyse(&level, "deep.zip", None, &Options::default());
        let f = n
            .all_findings()
            .find(|f| f.id == "content.limit")
            .expect("depth limit");
        assert_eq!(f.evidence[0].value, "depth");
    }

    #[test]
    fn many_entries_stop_at_the_node_limit() {
        let names: Vec<String> = (0..5000).map(|i| format!("f{i}.txt")).collect();
        let z = build(
            &names
                .iter()
                .map(|n| (n.as_str(), &b"x"[..]))
                .collect::<Vec<_>>(),
            SimpleFileOptions::default(),
        );
        let t = std::time::Instant::now();
        let n = crate::analyse(&z, "many.zip", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 1.0);
        assert!(n.has("content.limit") && n.has("archive.entry_count"));
        assert!(n.children.len() < 2000);
    }

    #[test]
    fn broken_directory_falls_back_to_local_headers() {
        let z = build(&[("run.vbs", b"MsgBox 1"), ("a.txt", b"a")], deflate());
        let eocd = find_eocd(&z).unwrap();
        let cut = &z[..eocd - 10];
        let n = crate::analyse(cut, "cut.zip", None, &Options::default());
        assert_eq!(n.children.len(), 2, "{:?}", n.format);
        assert!(n.has("archive.malformed"));
        assert!(n.has("archive.contains_executable"));
    }

    /// A Zip64 end-of-central-directory locator whose record offset is 2^64 - 1: `r + 4` wrapped.
    #[test]
    fn zip64_locator_offset_near_2_64() {
        let z = build(&[("a.txt", b"hello")], SimpleFileOptions::default());
        let eocd = find_eocd(&z).unwrap();
        let mut m = z[..eocd].to_vec();
        m.extend_from_slice(b"PK\x06\x07");
        m.extend_from_slice(&0u32.to_le_bytes());
        m.extend_from_slice(&u64::MAX.to_le_bytes());
        m.extend_from_slice(&1u32.to_le_bytes());
        m.extend_from_slice(&z[eocd..]);
        let n = crate::analyse(&m, "z64.zip", None, &Options::default());
        assert_eq!(n.children.len(), 1, "{:?}", n.format);
    }

    /// A central directory entry whose Zip64 local header offset is 2^64 - 1: the overlap check
    /// added the header field offsets to it.
    #[test]
    fn zip64_entry_offset_near_2_64() {
        let mut cd = b"PK\x01\x02".to_vec();
        cd.extend_from_slice(&[0u8; 42]);
        cd[28..30].copy_from_slice(&5u16.to_le_bytes()); // name length
        cd[30..32].copy_from_slice(&12u16.to_le_bytes()); // extra length
        cd[20..24].copy_from_slice(&5u32.to_le_bytes()); // csize
        cd[24..28].copy_from_slice(&5u32.to_le_bytes()); // usize
        cd[42..46].copy_from_slice(&u32::MAX.to_le_bytes()); // offset: in the Zip64 field
        cd.extend_from_slice(b"a.txt");
        cd.extend_from_slice(&1u16.to_le_bytes());
        cd.extend_from_slice(&8u16.to_le_bytes());
        cd.extend_from_slice(&u64::MAX.to_le_bytes());
        let mut z = cd.clone();
        z.extend_from_slice(SIG_EOCD);
        z.extend_from_slice(&[0u8; 4]);
        z.extend_from_slice(&1u16.to_le_bytes());
        z.extend_from_slice(&1u16.to_le_bytes());
        z.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        z.extend_from_slice(&0u32.to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        let (entries, _) = central_directory(&z).unwrap();
        assert_eq!(entries[0].offset, u64::MAX);
        let n = crate::analyse_as(Kind::Zip, &z, "z64.zip", &Options::default());
        assert_eq!(n.children.len(), 1, "{:?}", n.format);
    }

    /// No end record, and tens of thousands of local headers announcing a data descriptor (flag 8,
    /// no sizes) that never comes: each header searched to the end of the file (quadratic).
    #[test]
    fn local_headers_without_descriptors_scan_in_linear_time() {
        let mut h = vec![0u8; 30];
        h[..4].copy_from_slice(SIG_LOCAL);
        h[6..8].copy_from_slice(&8u16.to_le_bytes());
        h[26..28].copy_from_slice(&1u16.to_le_bytes());
        h.push(b'a');
        let z: Vec<u8> = h.iter().copied().cycle().take(h.len() * 100_000).collect();
        let t = std::time::Instant::now();
        assert!(scan_local_headers(&z).is_empty());
        let n = crate::analyse(&z, "lh.zip", None, &Options::default());
        let took = t.elapsed().as_secs_f64();
        assert!(took < 1.0, "took {took} s");
        assert!(n.children.is_empty());
        // Descriptors are still found where they are: one member with, one without.
        let mut z = h.clone();
        z.extend_from_slice(b"data");
        z.extend_from_slice(b"PK\x07\x08");
        z.extend_from_slice(&[0u8; 12]);
        z.extend_from_slice(&h);
        let e = scan_local_headers(&z);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].csize, 4);
    }

    /// OOXML/HWPX packages hold every member until the document analyser has read them: those bytes
    /// count against the total budget when they are read, and are not charged again when the
    /// analyser hands some on as children.
    #[test]
    fn package_members_count_against_the_total_budget() {
        let zeros = vec![0u8; 1 << 20];
        let names: Vec<String> = (0..24)
            .map(|i| format!("word/embeddings/o{i}.bin"))
            .collect();
        let mut members: Vec<(&str, &[u8])> = vec![("[Content_Types].xml", b"<Types/>")];
        members.extend(names.iter().map(|n| (n.as_str(), &zeros[..])));
        let z = build(&members, deflate());
        let opts = Options {
            limits: crate::Limits {
                max_total_bytes: 8 << 20,
                ..crate::Limits::default()
            },
            ..Options::default()
        };
        let t = std::time::Instant::now();
        let mut w = Walk::new(&opts);
        let n = w.root(&z, "big.docx", None);
        assert!(t.elapsed().as_secs_f64() < 1.0);
        assert_eq!(n.detected_type, Kind::Ooxml);
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "content.limit")
            .expect("a limit finding");
        assert_eq!(f.evidence[0].value, "total bytes");
        assert!(w.spent() <= 8 << 20, "spent {}", w.spent());
        // The members read (about 7 of 24) became children without being charged twice.
        let opened = n.children.iter().filter(|c| !c.sha256.is_empty()).count();
        assert!(opened >= 6, "{opened} opened");
        assert_eq!(
            w.spent(),
            z.len() as u64 + 8 + (opened as u64) * (1 << 20),
            "each member charged once"
        );
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        let z = build(&[("a.txt", b"hello world"), ("b.txt", b"x")], deflate());
        for i in 0..z.len() {
            for v in [0u8, 0xFF, 0x7F] {
                let mut m = z.clone();
                m[i] = v;
                let _ = crate::analyse(&m, "f.zip", None, &Options::default());
            }
        }
        for n in 0..z.len() {
            let _ = crate::analyse(&z[..n], "f.zip", None, &Options::default());
        }
    }
}
