//! ALZip archives (`.alz`, ESTsoft): the archiver that ships with most Korean Windows PCs, and a
//! container Korean-targeted campaigns mail because many filters cannot open it.
//!
//! There is no official specification. The layout below follows the public descriptions (unalz,
//! ClamAV's `alz` module, the EggDotNet reader) and the samples they were tested with:
//!
//! ```text
//! "ALZ\x01" u32                                  archive header (8 bytes)
//! "BLZ\x01" name_len u16, attribute u8, DOS time u32, descriptor u8, u8
//!          [method u8, u8, crc u32, packed N, unpacked N]   when N = descriptor >> 4 is 1, 2, 4 or 8
//!          name, [12-byte PKWARE encryption header], data    one per member
//! "CLZ\x01" 8 bytes                              end information
//! "CLZ\x02"                                      end of archive
//! ```
//!
//! Members are stored (0), bzip2 (1: a standard `BZh` stream, or ALZip's own variant with `DLZ`
//! block magics, see [`dlz`]) or raw deflate (2). Encryption is the PKWARE traditional cipher
//! ([`ZipCrypto`]). Split sets (`.alz`, `.a00`, `.a01`, ...) carry an 8-byte header on each later
//! volume and a 16-byte tail on each volume but the last; members run across volume boundaries.

use super::{bytes, u16le, u32le, Unlock};
use crate::{Node, Walk};
use spearwatch_core::{technique as t, Severity};
use std::borrow::Cow;
use std::io::Read;

const SIG_ARCHIVE: &[u8] = b"ALZ\x01";
const SIG_LOCAL: &[u8] = b"BLZ\x01";
const SIG_END_INFO: &[u8] = b"CLZ\x01";
const SIG_END: &[u8] = b"CLZ\x02";
/// Seen in the tails of split volumes (readers skip it as a 4-byte record).
const SIG_SPLIT: &[u8] = b"CLZ\x03";
/// Archive comment section.
const SIG_COMMENT: &[u8] = b"ELZ\x01";

/// Descriptor bits: the member is encrypted; its check byte comes from the DOS time rather than the
/// CRC (the data-descriptor convention of APPNOTE §6.1.6).
const DESC_ENCRYPTED: u8 = 0x01;
const DESC_DATA_DESCRIPTOR: u8 = 0x08;
/// Attribute bit of a directory entry.
const ATTR_DIRECTORY: u8 = 0x10;
/// Bytes of the tail every non-last volume of a split set ends with.
const VOLUME_TAIL: usize = 16;

/// Members read from one archive at most (each local header is at least 13 bytes).
const MAX_ENTRIES: usize = 100_000;
/// Password tries per archive, and encrypted members tried before giving up on the rest.
pub(super) const MAX_PASSWORD_TRIES: usize = 64;
pub(super) const GIVE_UP_AFTER: usize = 3;

struct Entry {
    name: String,
    attr: u8,
    time: u32,
    desc: u8,
    method: u8,
    crc: u32,
    csize: u64,
    usize: u64,
    /// The 12-byte encryption header of an encrypted member.
    enc_header: Option<[u8; 12]>,
    /// Offset of the member's data, and how many of its `csize` bytes this file holds.
    data: usize,
    avail: usize,
}

impl Entry {
    fn encrypted(&self) -> bool {
        self.desc & DESC_ENCRYPTED != 0
    }
    fn is_dir(&self) -> bool {
        self.attr & ATTR_DIRECTORY != 0 && self.usize == 0
    }
    /// The whole of the member's data is in this file (not cut by a volume boundary).
    fn whole(&self) -> bool {
        self.avail as u64 == self.csize
    }
    fn method_name(&self) -> &'static str {
        match self.method {
            0 => "stored",
            1 => "bzip2",
            2 => "deflate",
            _ => "unknown method",
        }
    }
}

#[derive(Default)]
struct Layout {
    entries: Vec<Entry>,
    problems: Vec<String>,
    /// Why the file looks like one volume of a split set.
    split: Option<String>,
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let l = parse(data, &node.name);
    let files: Vec<&Entry> = l.entries.iter().filter(|e| !e.is_dir()).collect();
    let mut pw = Passwords::new(w);
    let mut encrypted = Vec::new();
    let mut unreadable = 0usize;
    let mut crc_bad = Vec::new();

    for e in &files {
        if w.expired(node) {
            break;
        }
        let before = node.children.len();
        let got = if e.encrypted() {
            encrypted.push(e.name.clone());
            pw.open(|p| extract(w, node, data, e, p))
        } else {
            extract(w, node, data, e, None)
        };
        match got {
            Got::Data(d, crc_ok) => {
                if !crc_ok {
                    crc_bad.push(e.name.clone());
                }
                w.child(node, &e.name, &d);
                if !e.whole() && node.children.len() > before {
                    if let Some(c) = node.children.last_mut() {
                        c.format = Some(format!(
                            "first {} of {} bytes; the rest is in the next volume of the split set",
                            d.len(),
                            e.usize
                        ));
                    }
                }
            }
            Got::NeedPassword | Got::BadPassword => {
                w.listed(node, &e.name, e.usize, true);
            }
            Got::Limit => {
                if let Some(n) = w.listed(node, &e.name, e.usize, e.encrypted()) {
                    n.format = Some("not extracted: a limit stopped it".into());
                }
            }
            Got::Unsupported(why) | Got::Corrupt(why) => {
                unreadable += 1;
                if let Some(n) = w.listed(node, &e.name, e.usize, e.encrypted()) {
                    n.format = Some(format!("not extracted: {why}"));
                }
            }
        }
        if super::refused(node, before) {
            break;
        }
    }

    let mut methods: Vec<&str> = Vec::new();
    for e in &files {
        if !methods.contains(&e.method_name()) {
            methods.push(e.method_name());
        }
    }
    let mut format = format!("ALZip archive, {} members", files.len());
    if !methods.is_empty() {
        format.push_str(&format!(" ({})", methods.join(", ")));
    }
    if !encrypted.is_empty() {
        format.push_str(&format!(", {} encrypted (ZipCrypto)", encrypted.len()));
        if pw.good.is_none() {
            format.push_str(", not decrypted");
        }
    }
    if unreadable > 0 {
        format.push_str(&format!(", {unreadable} not extracted"));
    }
    if l.split.is_some() {
        format.push_str(", one volume of a split set");
    }
    node.format = Some(format);

    if !encrypted.is_empty() {
        super::flag_encrypted(
            w,
            node,
            &Unlock {
                encrypted: &encrypted,
                total: files.len(),
                cipher: "ZipCrypto",
                password: pw.good.as_deref(),
                headers: false,
                tried: true,
            },
        );
    }
    if let Some(why) = &l.split {
        flag_split(node, "ALZip", why);
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
    super::flag_executables(node, "ALZip archive");
}

/// Reads the records in file order (ALZ has no usable central directory).
fn parse(d: &[u8], name: &str) -> Layout {
    let mut l = Layout::default();
    let mut pos = 0usize;
    if bytes(d, 0, 4) == Some(SIG_ARCHIVE) {
        pos = 8;
    } else {
        l.problems.push("no ALZ header".into());
    }
    // A non-last volume ends with a 16-byte tail that is not member data.
    let tail = volume_tail(d);
    let data_end = if tail { d.len() - VOLUME_TAIL } else { d.len() };
    let mut resyncs = 0usize;
    while let Some(sig) = bytes(d, pos, 4) {
        if l.entries.len() >= MAX_ENTRIES {
            l.problems.push(format!(
                "more than {MAX_ENTRIES} members; the rest not read"
            ));
            break;
        }
        match sig {
            SIG_LOCAL => match local_header(d, pos, data_end) {
                Ok((e, next)) => {
                    l.entries.push(e);
                    pos = next;
                }
                Err(why) => {
                    l.problems.push(format!("member at offset {pos}: {why}"));
                    match resync(d, pos + 1) {
                        Some(p) => pos = p,
                        None => break,
                    }
                }
            },
            SIG_END_INFO => pos += 12,
            SIG_SPLIT => pos += 4,
            SIG_ARCHIVE => pos += 8,
            SIG_END => break,
            SIG_COMMENT => {
                // Archive comments: their length is kept in the end information; skip to the next
                // member (or stop).
                match resync(d, pos + 4) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
            _ => {
                // A later volume of a split set starts with its 8-byte header and then the rest of
                // the member the previous volume cut: skip to the first whole member.
                if pos == 8 && l.entries.is_empty() && bytes(d, 0, 4) == Some(SIG_ARCHIVE) {
                    l.split.get_or_insert_with(|| {
                        "the archive starts inside a member: a later volume (.a00, .a01, ...) of a \
                         split set"
                            .into()
                    });
                } else if resyncs < 5 {
                    l.problems.push(format!(
                        "unknown record at offset {pos}; skipped to the next member"
                    ));
                }
                resyncs += 1;
                match resync(d, pos + 1) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
        }
    }
    if let Some(cut) = l.entries.iter().find(|e| !e.whole()) {
        if tail || is_volume_name(name) || l.split.is_some() {
            l.split.get_or_insert_with(|| {
                format!(
                    "{} ({} of {} packed bytes here) continues in the next volume",
                    cut.name, cut.avail, cut.csize
                )
            });
        } else {
            l.problems.push(format!(
                "{} is cut short ({} of {} packed bytes)",
                cut.name, cut.avail, cut.csize
            ));
        }
    }
    l
}

/// One local file header at `pos` (its signature included): the entry and the offset after its data.
fn local_header(d: &[u8], pos: usize, data_end: usize) -> Result<(Entry, usize), &'static str> {
    let h = pos + 4;
    let name_len = usize::from(u16le(d, h).ok_or("truncated header")?);
    let attr = *d.get(h + 2).ok_or("truncated header")?;
    let time = u32le(d, h + 3).ok_or("truncated header")?;
    let desc = *d.get(h + 7).ok_or("truncated header")?;
    let mut p = h + 9;
    let width = match desc >> 4 {
        0 => 0,
        1 => 1,
        2 => 2,
        4 => 4,
        8 => 8,
        _ => return Err("invalid size-field width"),
    };
    let (mut method, mut crc, mut csize, mut usize_) = (0u8, 0u32, 0u64, 0u64);
    if width > 0 {
        method = *d.get(p).ok_or("truncated header")?;
        crc = u32le(d, p + 2).ok_or("truncated header")?;
        csize = uint(d, p + 6, width).ok_or("truncated header")?;
        usize_ = uint(d, p + 6 + width, width).ok_or("truncated header")?;
        p += 6 + 2 * width;
    }
    if name_len == 0 {
        return Err("empty member name");
    }
    let raw = bytes(d, p, name_len).ok_or("truncated name")?;
    let name = super::decode_legacy_name(raw, super::latin1);
    p += name_len;
    let enc_header = if desc & DESC_ENCRYPTED != 0 {
        let h: [u8; 12] = bytes(d, p, 12)
            .and_then(|b| b.try_into().ok())
            .ok_or("truncated encryption header")?;
        p += 12;
        Some(h)
    } else {
        None
    };
    let room = data_end.saturating_sub(p);
    let avail = usize::try_from(csize).map_or(room, |c| c.min(room));
    let next = if avail as u64 == csize {
        p + avail
    } else {
        d.len()
    };
    Ok((
        Entry {
            name,
            attr,
            time,
            desc,
            method,
            crc,
            csize,
            usize: usize_,
            enc_header,
            data: p,
            avail,
        },
        next,
    ))
}

/// A little-endian unsigned integer of `width` bytes (1, 2, 4 or 8).
fn uint(d: &[u8], off: usize, width: usize) -> Option<u64> {
    let b = bytes(d, off, width)?;
    Some(
        b.iter()
            .rev()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)),
    )
}

/// The next local header after a damaged or unknown record.
fn resync(d: &[u8], from: usize) -> Option<usize> {
    let rest = d.get(from..)?;
    memchr::memmem::find(rest, SIG_LOCAL).map(|i| from + i)
}

/// Whether the file ends like a non-last volume: end information followed by the split marker, or
/// end information whose end-of-archive record is missing.
fn volume_tail(d: &[u8]) -> bool {
    let n = d.len();
    n >= VOLUME_TAIL + 8
        && (d.ends_with(SIG_SPLIT)
            || (d.get(n - VOLUME_TAIL..n - VOLUME_TAIL + 4) == Some(SIG_END_INFO)
                && !d.ends_with(SIG_END)))
}

/// `.a00`-`.z99`: the names ALZip gives the volumes after the first.
fn is_volume_name(name: &str) -> bool {
    let ext = super::extension(name);
    let b = ext.as_bytes();
    b.len() == 3 && b[0].is_ascii_lowercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

pub(super) enum Got {
    /// The member's bytes, and whether their CRC matched.
    Data(Vec<u8>, bool),
    NeedPassword,
    BadPassword,
    Limit,
    Unsupported(String),
    Corrupt(String),
}

/// Decrypts (with `pw`) and decompresses one member through [`Walk::read_member`].
fn extract(w: &mut Walk<'_>, node: &mut Node, d: &[u8], e: &Entry, pw: Option<&[u8]>) -> Got {
    let Some(raw) = bytes(d, e.data, e.avail) else {
        return Got::Corrupt("data outside the file".into());
    };
    let mut plain: Cow<[u8]> = Cow::Borrowed(raw);
    if let Some(h) = &e.enc_header {
        let Some(pw) = pw else {
            return Got::NeedPassword;
        };
        let mut c = ZipCrypto::new(pw);
        // APPNOTE §6.1.6: the last header byte is the CRC's high byte, or the time's second byte
        // when sizes and CRC follow the data.
        let want = if e.desc & DESC_DATA_DESCRIPTOR != 0 {
            (e.time >> 8) as u8
        } else {
            (e.crc >> 24) as u8
        };
        if c.header(h) != want {
            return Got::BadPassword;
        }
        let mut v = raw.to_vec();
        c.decrypt(&mut v);
        plain = Cow::Owned(v);
    }
    if !e.whole() {
        // Cut by a volume boundary: the stored bytes that are here are still worth a look.
        if e.method == 0 && e.enc_header.is_none() {
            return match w.read_member(node, &e.name, &plain[..], e.csize) {
                Ok(v) => Got::Data(v, true),
                Err(s) if super::is_limit(&s) => Got::Limit,
                Err(s) => Got::Corrupt(s),
            };
        }
        return Got::Unsupported("the member continues in the next volume".into());
    }
    let reader: Box<dyn Read + '_> = match e.method {
        0 => {
            let n = usize::try_from(e.usize).map_or(plain.len(), |u| u.min(plain.len()));
            Box::new(&plain[..n])
        }
        1 if plain.starts_with(b"BZh") => Box::new(bzip2::read::BzDecoder::new(&plain[..])),
        1 if plain.starts_with(b"DLZ\x01") => Box::new(dlz::Reader::new(&plain[..], w.room())),
        1 => return Got::Unsupported("unknown bzip2 variant".into()),
        2 => Box::new(flate2::read::DeflateDecoder::new(&plain[..])),
        m => return Got::Unsupported(format!("compression method {m}")),
    };
    match w.read_member(node, &e.name, reader, e.csize) {
        Ok(v) => {
            let ok = crc32(&v) == e.crc;
            if !ok && pw.is_some() {
                // A wrong password that passed the one-byte check.
                return Got::BadPassword;
            }
            Got::Data(v, ok)
        }
        Err(s) if super::is_limit(&s) => Got::Limit,
        Err(_) if pw.is_some() => Got::BadPassword,
        Err(s) => Got::Corrupt(s),
    }
}

pub(super) fn crc32(d: &[u8]) -> u32 {
    let mut h = flate2::Crc::new();
    h.update(d);
    h.sum()
}

/// Password trial across the members of one archive: the one that worked first, then the walk's
/// list (the message's passwords first), within [`MAX_PASSWORD_TRIES`].
pub(super) struct Passwords {
    list: Vec<String>,
    pub(super) good: Option<String>,
    tries: usize,
    hopeless: usize,
}

impl Passwords {
    pub(super) fn new(w: &Walk<'_>) -> Self {
        Passwords {
            list: w.passwords().map(str::to_string).collect(),
            good: None,
            tries: 0,
            hopeless: 0,
        }
    }

    /// Tries `f` with each candidate; [`Got::BadPassword`] and [`Got::NeedPassword`] move on.
    pub(super) fn open(&mut self, mut f: impl FnMut(Option<&[u8]>) -> Got) -> Got {
        if self.hopeless >= GIVE_UP_AFTER && self.good.is_none() {
            return Got::NeedPassword;
        }
        let order: Vec<String> = self
            .good
            .iter()
            .chain(self.list.iter().filter(|p| Some(*p) != self.good.as_ref()))
            .cloned()
            .collect();
        for p in &order {
            for bytes in password_bytes(p) {
                if self.tries >= MAX_PASSWORD_TRIES {
                    break;
                }
                self.tries += 1;
                match f(Some(&bytes)) {
                    Got::BadPassword | Got::NeedPassword => {}
                    Got::Data(d, ok) => {
                        self.good.get_or_insert_with(|| p.clone());
                        return Got::Data(d, ok);
                    }
                    other => return other,
                }
            }
        }
        if self.good.is_none() {
            self.hopeless += 1;
        }
        Got::NeedPassword
    }
}

/// The byte strings a password may have been typed as: UTF-8, and CP949 for Korean passwords typed
/// into the Windows archivers (which hash the ANSI code page's bytes).
fn password_bytes(p: &str) -> Vec<Vec<u8>> {
    let mut v = vec![p.as_bytes().to_vec()];
    if !p.is_ascii() {
        let (b, _, bad) = encoding_rs::EUC_KR.encode(p);
        if !bad && *b != *p.as_bytes() {
            v.push(b.into_owned());
        }
    }
    v
}

/// `archive.split_volume`: the file is one volume of a split set, so some member bytes are in files
/// this message may not carry.
pub(super) fn flag_split(node: &mut Node, what: &str, why: &str) {
    if node.has("archive.split_volume") {
        return;
    }
    node.flag(
        "archive.split_volume",
        Severity::Low,
        format!("{what} archive is one volume of a split set"),
        &[t::OBFUSCATED_FILES],
        why,
        "members that span volumes cannot be scanned from one attachment; split sets are also \
         used to keep each mailed part under a gateway's size or content checks",
    );
}

/// `archive.malformed` with the structural problems seen.
pub(super) fn flag_malformed(node: &mut Node, problems: &[String]) {
    if problems.is_empty() || node.has("archive.malformed") {
        return;
    }
    node.flag(
        "archive.malformed",
        Severity::Low,
        "Archive structure is damaged or inconsistent",
        &[t::OBFUSCATED_FILES],
        problems
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("; "),
        "malformed archives slip past scanners that give up while extractors still open them",
    );
}

/// The PKWARE traditional cipher ("ZipCrypto", APPNOTE.TXT §6.1), used by ALZ and by EGG's
/// "ZIP 2.0 compatible" mode: three keys updated with CRC-32 steps per plaintext byte.
pub(crate) struct ZipCrypto {
    k: [u32; 3],
}

/// CRC-32 (polynomial 0xEDB88320) table for the key updates (§6.1.5 `crc32(pval, char)`).
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut j = 0;
        while j < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            j += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

impl ZipCrypto {
    /// §6.1.5: keys initialised, then updated with each password byte.
    pub(crate) fn new(password: &[u8]) -> Self {
        let mut c = ZipCrypto {
            k: [0x1234_5678, 0x2345_6789, 0x3456_7890],
        };
        for &b in password {
            c.update(b);
        }
        c
    }

    fn update(&mut self, b: u8) {
        let crc = |v: u32, b: u8| CRC_TABLE[((v ^ u32::from(b)) & 0xFF) as usize] ^ (v >> 8);
        self.k[0] = crc(self.k[0], b);
        self.k[1] = self.k[1]
            .wrapping_add(self.k[0] & 0xFF)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        self.k[2] = crc(self.k[2], (self.k[1] >> 24) as u8);
    }

    /// §6.1.6 `decrypt_byte()`.
    fn stream_byte(&self) -> u8 {
        let t = (self.k[2] | 2) & 0xFFFF;
        (t.wrapping_mul(t ^ 1) >> 8) as u8
    }

    pub(crate) fn decrypt(&mut self, buf: &mut [u8]) {
        for b in buf {
            let p = *b ^ self.stream_byte();
            self.update(p);
            *b = p;
        }
    }

    /// Decrypts the 12-byte encryption header (§6.1.6) and returns its last byte, the check byte.
    pub(crate) fn header(&mut self, h: &[u8; 12]) -> u8 {
        let mut b = *h;
        self.decrypt(&mut b);
        b[11]
    }

    /// Encryption, for building test fixtures.
    #[cfg(test)]
    pub(crate) fn encrypt(&mut self, buf: &mut [u8]) {
        for b in buf {
            let p = *b;
            *b = p ^ self.stream_byte();
            self.update(p);
        }
    }
}

/// ALZip's bzip2 variant, described by unalz and later readers: no `BZh` stream header (the block
/// size is always 900k), `DLZ\x01` instead of each 48-bit block magic, no block CRC and no
/// randomisation bit, `DLZ\x02` instead of the end-of-stream magic and combined CRC. The block
/// payload is standard bzip2 (Huffman-coded MTF/RLE2 symbols over a BWT), so it is decoded here
/// after the bzip2 format description (Seward, bzip2 1.0 `decompress.c` semantics); the member CRC
/// checks the result.
mod dlz {
    use std::io;

    /// Largest block: 900k (level 9).
    const MAX_BLOCK: usize = 900_000;
    const MAX_GROUPS: usize = 6;
    const MAX_SELECTORS: usize = 18_002;
    const GROUP_SIZE: usize = 50;
    const MAX_CODE_LEN: usize = 20;

    pub(super) struct Reader<'a> {
        bits: Bits<'a>,
        out: Vec<u8>,
        pos: usize,
        done: bool,
        /// Bytes this reader may still produce (the walk's room).
        budget: u64,
    }

    impl<'a> Reader<'a> {
        pub(super) fn new(d: &'a [u8], budget: u64) -> Self {
            Reader {
                bits: Bits { d, pos: 0 },
                out: Vec::new(),
                pos: 0,
                done: false,
                budget: budget.saturating_add(1),
            }
        }

        /// Decodes the next block into `out`; `false` at the end-of-stream magic.
        fn next_block(&mut self) -> Result<bool, &'static str> {
            let magic = self.bits.read(32)?;
            match magic.to_be_bytes() {
                [b'D', b'L', b'Z', 1] => {}
                [b'D', b'L', b'Z', 2] => return Ok(false),
                _ => return Err("bad block magic"),
            }
            let (tt, orig) = self.block()?;
            match self.unbwt_unrle(&tt, orig) {
                Err("budget") => Ok(true),
                r => r.map(|()| true),
            }
        }

        /// Reads one block's symbols: returns the BWT'd bytes and the original pointer.
        fn block(&mut self) -> Result<(Vec<u8>, usize), &'static str> {
            let b = &mut self.bits;
            let orig = b.read(24)? as usize;
            // Symbol map: 16 ranges of 16 byte values.
            let used16 = b.read(16)?;
            let mut seq = Vec::with_capacity(256);
            for i in 0..16u32 {
                if used16 & (0x8000 >> i) != 0 {
                    let used = b.read(16)?;
                    for j in 0..16u32 {
                        if used & (0x8000 >> j) != 0 {
                            seq.push((i * 16 + j) as u8);
                        }
                    }
                }
            }
            if seq.is_empty() {
                return Err("no symbols in use");
            }
            let alpha = seq.len() + 2;
            let groups = b.read(3)? as usize;
            if !(2..=MAX_GROUPS).contains(&groups) {
                return Err("bad table count");
            }
            let nsel = b.read(15)? as usize;
            if nsel == 0 {
                return Err("no selectors");
            }
            // Selectors, MTF-coded in unary.
            let mut mtf_groups: Vec<u8> = (0..groups as u8).collect();
            let mut selectors = Vec::with_capacity(nsel.min(MAX_SELECTORS));
            for _ in 0..nsel {
                let mut j = 0usize;
                while b.bit()? {
                    j += 1;
                    if j >= groups {
                        return Err("bad selector");
                    }
                }
                let v = mtf_groups.remove(j);
                mtf_groups.insert(0, v);
                if selectors.len() < MAX_SELECTORS {
                    selectors.push(v);
                }
            }
            // Code lengths, delta-coded.
            let mut tables = Vec::with_capacity(groups);
            for _ in 0..groups {
                let mut lens = vec![0u8; alpha];
                let mut cur = b.read(5)? as i32;
                for l in lens.iter_mut() {
                    loop {
                        if !(1..=MAX_CODE_LEN as i32).contains(&cur) {
                            return Err("bad code length");
                        }
                        if !b.bit()? {
                            break;
                        }
                        if b.bit()? {
                            cur -= 1;
                        } else {
                            cur += 1;
                        }
                    }
                    *l = cur as u8;
                }
                tables.push(Huffman::new(&lens));
            }
            // Symbols: RUNA/RUNB runs of the front byte, MTF indexes, end of block.
            let eob = alpha - 1;
            let mut mtf: Vec<u8> = (0..=255u8).collect();
            let mut out: Vec<u8> = Vec::new();
            let (mut run, mut weight) = (0usize, 1usize);
            let mut sel = 0usize;
            let mut left = 0usize;
            let mut table = &tables[0];
            loop {
                if left == 0 {
                    let g = *selectors.get(sel).ok_or("selectors exhausted")?;
                    table = tables.get(usize::from(g)).ok_or("bad selector")?;
                    sel += 1;
                    left = GROUP_SIZE;
                }
                left -= 1;
                let sym = table.decode(b)?;
                if sym <= 1 {
                    // RUNA (1) and RUNB (2) digits of a bijective base-2 run length.
                    run += weight << sym;
                    weight <<= 1;
                    if run > MAX_BLOCK || weight > MAX_BLOCK * 2 {
                        return Err("run too long");
                    }
                    continue;
                }
                if run > 0 {
                    if out.len() + run > MAX_BLOCK {
                        return Err("block too large");
                    }
                    let byte = seq[usize::from(mtf[0]).min(seq.len() - 1)];
                    out.resize(out.len() + run, byte);
                    run = 0;
                    weight = 1;
                }
                if sym == eob {
                    break;
                }
                if out.len() >= MAX_BLOCK {
                    return Err("block too large");
                }
                let idx = sym - 1;
                let v = mtf.remove(idx);
                mtf.insert(0, v);
                out.push(*seq.get(usize::from(v)).ok_or("symbol not in map")?);
            }
            if orig >= out.len() {
                return Err("original pointer outside the block");
            }
            Ok((out, orig))
        }

        /// Inverse BWT, then the initial run-length coding (4 equal bytes + a repeat count).
        fn unbwt_unrle(&mut self, ll: &[u8], orig: usize) -> Result<(), &'static str> {
            let n = ll.len();
            let mut counts = [0usize; 256];
            for &c in ll {
                counts[usize::from(c)] += 1;
            }
            let mut start = [0usize; 256];
            let mut sum = 0usize;
            for (s, c) in start.iter_mut().zip(counts) {
                *s = sum;
                sum += c;
            }
            // tt[j]: low byte the symbol at j, high bits the index of the next position to visit.
            let mut tt: Vec<u32> = ll.iter().map(|&c| u32::from(c)).collect();
            for (i, &c) in ll.iter().enumerate() {
                let slot = &mut start[usize::from(c)];
                tt[*slot] |= (i as u32) << 8;
                *slot += 1;
            }
            let mut t = (tt[orig] >> 8) as usize;
            let (mut last, mut same) = (None::<u8>, 0u8);
            for _ in 0..n {
                let v = *tt.get(t).ok_or("bad BWT index")?;
                let c = v as u8;
                t = (v >> 8) as usize;
                if same == 4 {
                    // The count byte after four equal bytes.
                    let fill = last.unwrap_or(0);
                    self.emit(fill, usize::from(c))?;
                    same = 0;
                    last = None;
                    continue;
                }
                if Some(c) == last {
                    same += 1;
                } else {
                    last = Some(c);
                    same = 1;
                }
                self.emit(c, 1)?;
            }
            Ok(())
        }

        /// Appends `n` copies of `c` within the budget; past it the stream is cut, so that
        /// [`Walk::read_member`](crate::Walk::read_member) sees more than its room and reports the
        /// limit.
        fn emit(&mut self, c: u8, n: usize) -> Result<(), &'static str> {
            let n = (n as u64).min(self.budget);
            self.budget -= n;
            self.out.resize(self.out.len() + n as usize, c);
            if self.budget == 0 {
                self.done = true;
                return Err("budget");
            }
            Ok(())
        }
    }

    impl io::Read for Reader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            while self.pos >= self.out.len() {
                if self.done {
                    return Ok(0);
                }
                self.out.clear();
                self.pos = 0;
                match self.next_block() {
                    Ok(true) => {}
                    Ok(false) => {
                        self.done = true;
                        return Ok(0);
                    }
                    Err(e) => {
                        self.done = true;
                        return Err(io::Error::new(io::ErrorKind::InvalidData, e));
                    }
                }
            }
            let n = buf.len().min(self.out.len() - self.pos);
            buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    /// MSB-first bits.
    struct Bits<'a> {
        d: &'a [u8],
        pos: usize,
    }

    impl Bits<'_> {
        fn bit(&mut self) -> Result<bool, &'static str> {
            let byte = *self.d.get(self.pos >> 3).ok_or("truncated stream")?;
            let b = (byte >> (7 - (self.pos & 7))) & 1;
            self.pos += 1;
            Ok(b != 0)
        }

        fn read(&mut self, n: u32) -> Result<u32, &'static str> {
            let mut v = 0u32;
            for _ in 0..n {
                v = (v << 1) | u32::from(self.bit()?);
            }
            Ok(v)
        }
    }

    /// Canonical Huffman decoding: codes are assigned by (length, symbol), as bzip2 does.
    struct Huffman {
        count: [u32; MAX_CODE_LEN + 1],
        first: [u32; MAX_CODE_LEN + 1],
        offset: [usize; MAX_CODE_LEN + 1],
        symbols: Vec<u16>,
    }

    impl Huffman {
        fn new(lens: &[u8]) -> Self {
            let mut count = [0u32; MAX_CODE_LEN + 1];
            for &l in lens {
                count[usize::from(l)] += 1;
            }
            let mut first = [0u32; MAX_CODE_LEN + 1];
            let mut offset = [0usize; MAX_CODE_LEN + 1];
            let (mut code, mut off) = (0u32, 0usize);
            for l in 1..=MAX_CODE_LEN {
                first[l] = code;
                offset[l] = off;
                code = (code + count[l]) << 1;
                off += count[l] as usize;
            }
            let mut symbols = Vec::with_capacity(lens.len());
            for l in 1..=MAX_CODE_LEN as u8 {
                for (s, &len) in lens.iter().enumerate() {
                    if len == l {
                        symbols.push(s as u16);
                    }
                }
            }
            Huffman {
                count,
                first,
                offset,
                symbols,
            }
        }

        fn decode(&self, b: &mut Bits<'_>) -> Result<usize, &'static str> {
            let mut code = 0u32;
            for l in 1..=MAX_CODE_LEN {
                code = (code << 1) | u32::from(b.bit()?);
                let rel = code.wrapping_sub(self.first[l]);
                if code >= self.first[l] && rel < self.count[l] {
                    let s = self
                        .symbols
                        .get(self.offset[l] + rel as usize)
                        .ok_or("bad code")?;
                    return Ok(usize::from(*s));
                }
            }
            Err("bad code")
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{analyse, analyse_as, Kind, Options};
    use std::io::Write;

    /// One member of a fixture.
    struct M<'a> {
        name: &'a [u8],
        data: &'a [u8],
        /// 0 stored, 1 bzip2 (standard stream), 2 deflate, 101 ALZip's DLZ bzip2.
        method: u8,
        password: Option<&'a str>,
    }

    pub(crate) fn deflate(d: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(d).unwrap();
        e.finish().unwrap()
    }

    fn bzip2(d: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
        e.write_all(d).unwrap();
        e.finish().unwrap()
    }

    /// Rewrites a one-block standard bzip2 stream into ALZip's DLZ variant, bit by bit.
    fn to_dlz(bz: &[u8]) -> Vec<u8> {
        let bit = |i: usize| (bz[i >> 3] >> (7 - (i & 7))) & 1;
        let total = bz.len() * 8;
        // The end-of-stream magic (48 bits) and combined CRC (32) end the stream, then 0-7 pad bits.
        let eos = (0..8)
            .map(|pad| total - pad - 80)
            .find(|&s| {
                (0..48).fold(0u64, |v, i| (v << 1) | u64::from(bit(s + i))) == 0x1772_4538_5090
            })
            .unwrap();
        let mut bits: Vec<u8> = Vec::new();
        let push_bytes = |bits: &mut Vec<u8>, s: &[u8]| {
            for byte in s {
                for i in (0..8).rev() {
                    bits.push((byte >> i) & 1);
                }
            }
        };
        push_bytes(&mut bits, b"DLZ\x01");
        // Skip "BZh9" (32), block magic (48), block CRC (32), randomised bit (1).
        bits.extend((32 + 48 + 32 + 1..eos).map(bit));
        push_bytes(&mut bits, b"DLZ\x02");
        let out: Vec<u8> = bits
            .chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |v, (i, &b)| v | (b << (7 - i)))
            })
            .collect();
        out
    }

    /// An ALZ archive of `members`, each with 4-byte size fields.
    fn build(members: &[M<'_>]) -> Vec<u8> {
        let mut a = b"ALZ\x01\x0a\x00\x00\x00".to_vec();
        for m in members {
            let crc = crc32(m.data);
            let (method, mut packed) = match m.method {
                0 => (0u8, m.data.to_vec()),
                1 => (1, bzip2(m.data)),
                101 => (1, to_dlz(&bzip2(m.data))),
                _ => (2, deflate(m.data)),
            };
            let mut enc = Vec::new();
            if let Some(p) = m.password {
                let mut c = ZipCrypto::new(p.as_bytes());
                let mut h = [0x5Au8; 12];
                h[11] = (crc >> 24) as u8;
                c.encrypt(&mut h);
                c.encrypt(&mut packed);
                enc = h.to_vec();
            }
            a.extend_from_slice(b"BLZ\x01");
            a.extend((m.name.len() as u16).to_le_bytes());
            a.push(0x20);
            a.extend(0x5A21_4C00u32.to_le_bytes());
            a.push(0x40 | u8::from(m.password.is_some()));
            a.push(0);
            a.push(method);
            a.push(0);
            a.extend(crc.to_le_bytes());
            a.extend((packed.len() as u32).to_le_bytes());
            a.extend((m.data.len() as u32).to_le_bytes());
            a.extend_from_slice(m.name);
            a.extend(enc);
            a.extend(packed);
        }
        a.extend_from_slice(b"CLZ\x01\0\0\0\0\0\0\0\0CLZ\x02");
        a
    }

    const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";

    #[test]
    fn stored_and_deflate_members_with_a_cp949_name() {
        let text: Vec<u8> = b"quarterly estimate ".repeat(200);
        // "견적서.pdf.exe" in CP949.
        let (name, _, _) = encoding_rs::EUC_KR.encode("견적서.pdf.exe");
        let a = build(&[
            M {
                name: b"readme.txt",
                data: &text,
                method: 0,
                password: None,
            },
            M {
                name: &name,
                data: PE,
                method: 2,
                password: None,
            },
        ]);
        let n = analyse(&a, "docs.alz", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Alz);
        assert_eq!(n.children.len(), 2, "{:?}", n.format);
        assert_eq!(n.children[0].size, text.len() as u64);
        let exe = &n.children[1];
        assert_eq!(exe.name, "견적서.pdf.exe");
        assert_eq!(exe.detected_type, Kind::Pe);
        assert!(exe.has("attachment.double_extension"), "{:?}", exe.findings);
        assert!(n.has("archive.contains_executable"));
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
        assert!(n.format.as_deref().unwrap().contains("stored, deflate"));
    }

    #[test]
    fn bzip2_members_standard_and_dlz() {
        let text: Vec<u8> = (0..50_000u32)
            .flat_map(|i| format!("line {} {}\n", i % 97, i % 13).into_bytes())
            .collect();
        let runs: Vec<u8> = [
            vec![0u8; 3000],
            b"abcd".repeat(500),
            vec![b'x'; 5],
            vec![7u8; 300],
        ]
        .concat();
        for (method, text) in [(1u8, &text), (101, &text), (101, &runs)] {
            let a = build(&[M {
                name: b"a.txt",
                data: text,
                method,
                password: None,
            }]);
            let n = analyse(&a, "x.alz", None, &Options::default());
            assert_eq!(n.children.len(), 1, "{:?} {:?}", n.format, n.findings);
            assert_eq!(
                n.children[0].size,
                text.len() as u64,
                "{method}: {:?}",
                n.findings
            );
            assert_eq!(
                n.children[0].sha256,
                {
                    use sha2::{Digest, Sha256};
                    hex::encode(Sha256::digest(text))
                },
                "{method}"
            );
            assert!(!n.has("archive.malformed"), "{method}: {:?}", n.findings);
        }
    }

    #[test]
    fn encrypted_member_opened_with_the_mail_password() {
        let a = build(&[M {
            name: b"invoice.exe",
            data: PE,
            method: 2,
            password: Some("kimsuky24"),
        }]);
        // Without the password: listed, encrypted.
        let n = analyse(&a, "x.alz", None, &Options::default());
        assert!(n.has("archive.encrypted"));
        assert!(!n.has("archive.password_in_mail"));
        assert!(n.children[0].encrypted);
        assert!(n.has("archive.contains_executable"));
        // With the password from the message: opened and analysed.
        let opts = Options {
            passwords: vec!["kimsuky24".into()],
            ..Options::default()
        };
        let n = analyse(&a, "x.alz", None, &opts);
        assert!(n.has("archive.password_in_mail"), "{:?}", n.findings);
        assert_eq!(n.children[0].detected_type, Kind::Pe);
        assert!(!n.children[0].encrypted);
    }

    #[test]
    fn korean_password_in_cp949() {
        let (pw, _, _) = encoding_rs::EUC_KR.encode("비밀번호");
        let mut c = ZipCrypto::new(&pw);
        let data = b"secret text";
        let crc = crc32(data);
        let mut h = [7u8; 12];
        h[11] = (crc >> 24) as u8;
        c.encrypt(&mut h);
        let mut body = data.to_vec();
        c.encrypt(&mut body);
        let mut d = ZipCrypto::new(&pw);
        assert_eq!(d.header(&h), (crc >> 24) as u8);
        d.decrypt(&mut body);
        assert_eq!(&body, data);
        assert_eq!(password_bytes("비밀번호").len(), 2);
    }

    #[test]
    fn split_volumes_are_recognised() {
        let big: Vec<u8> = PE
            .iter()
            .copied()
            .chain((0..4000u32).map(|i| i as u8))
            .collect();
        let whole = build(&[M {
            name: b"setup.exe",
            data: &big,
            method: 0,
            password: None,
        }]);
        // First volume: cut inside the member, then the 16-byte tail.
        let mut first = whole[..1000].to_vec();
        first.extend_from_slice(b"CLZ\x01\0\0\0\0\0\0\0\0CLZ\x03");
        let n = analyse(&first, "setup.alz", None, &Options::default());
        assert!(n.has("archive.split_volume"), "{:?}", n.findings);
        assert!(!n.has("archive.malformed"), "{:?}", n.findings);
        assert_eq!(n.children.len(), 1);
        assert_eq!(n.children[0].detected_type, Kind::Pe);
        assert!(n.has("archive.contains_executable"));
        // A later volume: its header, then the rest of the member.
        let mut later = b"ALZ\x01\x0a\x00\x00\x00".to_vec();
        later.extend_from_slice(&whole[1000..]);
        let n = analyse(&later, "setup.a00", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Alz);
        assert!(n.has("archive.split_volume"), "{:?}", n.findings);
        // Cut short without any volume sign: malformed, not split.
        let n = analyse(&whole[..1000], "x.alz", None, &Options::default());
        assert!(n.has("archive.malformed") && !n.has("archive.split_volume"));
    }

    #[test]
    fn bombs_stop_at_the_limits() {
        let zeros = vec![0u8; 3_000_000];
        for method in [2u8, 101] {
            let a = build(&[M {
                name: b"zeros.bin",
                data: &zeros,
                method,
                password: None,
            }]);
            let mut opts = Options::default();
            opts.limits.max_object_bytes = 1 << 20;
            let n = analyse(&a, "x.alz", None, &opts);
            assert!(n.has("content.limit"), "{method}: {:?}", n.findings);
            assert!(n
                .children
                .iter()
                .all(|c| c.size < 2 << 20 || c.sha256.is_empty()));
        }
    }

    /// `cargo test --release -p spearwatch-content alz_speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn alz_speed() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let text: Vec<u8> = (0..800_000u32)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b"abcdefghij klmnopq\n"[(x >> 40) as usize % 19]
            })
            .collect();
        for method in [0u8, 2, 1, 101] {
            let a = build(&[M {
                name: b"big.txt",
                data: &text,
                method,
                password: None,
            }]);
            let t = std::time::Instant::now();
            let n = analyse(&a, "x.alz", None, &Options::default());
            assert_eq!(n.children[0].size, text.len() as u64);
            eprintln!(
                "method {method}: {} packed bytes, {:?}",
                a.len(),
                t.elapsed()
            );
        }
    }

    #[test]
    fn traversal_and_directories() {
        let a = build(&[M {
            name: b"..\\..\\Startup\\run.bat",
            data: b"echo",
            method: 0,
            password: None,
        }]);
        let n = analyse(&a, "x.alz", None, &Options::default());
        assert!(n.has("archive.path_traversal"));
    }

    pub(crate) fn fixtures() -> Vec<Vec<u8>> {
        let text: Vec<u8> = b"some text to compress ".repeat(30);
        vec![
            build(&[
                M {
                    name: b"a.txt",
                    data: &text,
                    method: 0,
                    password: None,
                },
                M {
                    name: b"b.exe",
                    data: PE,
                    method: 2,
                    password: None,
                },
            ]),
            build(&[M {
                name: b"c.txt",
                data: &text,
                method: 101,
                password: None,
            }]),
            build(&[M {
                name: b"d.txt",
                data: &text,
                method: 1,
                password: Some("infected"),
            }]),
        ]
    }

    /// Every byte changed and every truncation: no panic, no hang.
    #[test]
    fn hostile_alz_does_not_panic() {
        for f in fixtures() {
            for i in 0..f.len() {
                for v in [0u8, 0xFF, 0x7F, 0x10, 0x80] {
                    let mut m = f.clone();
                    m[i] = v;
                    let _ = analyse_as(Kind::Alz, &m, "x.alz", &Options::default());
                }
            }
            for cut in 0..f.len() {
                let _ = analyse_as(Kind::Alz, &f[..cut], "x.alz", &Options::default());
            }
        }
    }
}
