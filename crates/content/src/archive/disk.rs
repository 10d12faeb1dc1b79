//! Disk images Windows mounts with a double-click: ISO 9660 (ECMA-119, with Joliet and Rock Ridge
//! names), UDF (ECMA-167 / OSTA UDF 2.60), VHD (Microsoft "Virtual Hard Disk Image Format
//! Specification", fixed and dynamic) and raw FAT images (Microsoft "FAT32 File System
//! Specification"). Files inside a mounted image carry no Mark of the Web, which is why phishing
//! sends them: every image gets `disk.image`, and its files are extracted and analysed.

use super::{bytes, u16le, u32le, u64le};
use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};
use std::borrow::Cow;
use std::collections::HashSet;

/// Directory levels walked inside one image.
const MAX_DIR_DEPTH: usize = 16;
/// Directory entries read from one image.
const MAX_ENTRIES: usize = 20_000;

/// A file found in an image: its path and where its bytes are.
struct File {
    path: String,
    hidden: bool,
    /// Byte extents on the volume, in order (fragmented FAT/NTFS files have several).
    extents: Vec<(u64, u64)>,
    size: u64,
}

/// Random access to a volume: a slice of the attachment, or a dynamic VHD's sparse blocks.
trait Volume {
    /// `len` bytes at `off`, short at the end; unallocated sparse blocks read as zeros.
    fn read(&self, off: u64, len: usize) -> Cow<'_, [u8]>;
    /// Where this volume starts on the disk the files are finally read from.
    fn base(&self) -> u64 {
        0
    }
}

impl Volume for &[u8] {
    fn read(&self, off: u64, len: usize) -> Cow<'_, [u8]> {
        let Ok(s) = usize::try_from(off) else {
            return Cow::Borrowed(&[]);
        };
        let e = s.saturating_add(len).min(<[u8]>::len(self));
        Cow::Borrowed(self.get(s..e).unwrap_or(&[]))
    }
}

/// A window of another volume (a partition).
struct Window<'a> {
    inner: &'a dyn Volume,
    start: u64,
    len: u64,
}

impl Volume for Window<'_> {
    fn base(&self) -> u64 {
        self.inner.base().saturating_add(self.start)
    }
    fn read(&self, off: u64, len: usize) -> Cow<'_, [u8]> {
        if off >= self.len {
            return Cow::Borrowed(&[]);
        }
        let len = len.min(usize::try_from(self.len - off).unwrap_or(usize::MAX));
        self.inner.read(self.start.saturating_add(off), len)
    }
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let mut files = Vec::new();
    let vol: &[u8] = data;
    let what = match node.detected_type {
        Kind::Iso => iso(&vol, &mut files).or_else(|| udf(&vol, &mut files)),
        Kind::Udf => udf(&vol, &mut files),
        Kind::Vhd => vhd(data, &mut files),
        _ => partitions(&vol, &mut files),
    }
    .unwrap_or_else(|| format!("{} disk image (no readable file system)", kind_word(node)));

    // The files' bytes: extracted in order, within the limits.
    let vhd_vol = (node.detected_type == Kind::Vhd)
        .then(|| DynamicVhd::open(data))
        .flatten();
    let source: &dyn Volume = match &vhd_vol {
        Some(v) => v,
        None => &vol,
    };
    let mut hidden = Vec::new();
    for f in &files {
        if w.expired(node) {
            break;
        }
        if f.hidden {
            hidden.push(f.path.clone());
        }
        let before = node.children.len();
        if f.size > w.room() {
            w.limit(
                node,
                "object size",
                format!("{} is {} bytes; not extracted", f.path, f.size),
            );
            w.listed(node, &f.path, f.size, false);
            continue;
        }
        let mut buf = Vec::new();
        for &(off, len) in &f.extents {
            let want =
                usize::try_from(len.min(f.size.saturating_sub(buf.len() as u64))).unwrap_or(0);
            buf.extend_from_slice(&source.read(off, want));
        }
        if (buf.len() as u64) < f.size {
            if let Some(n) = w.listed(node, &f.path, f.size, false) {
                n.format = Some("not extracted: its extent lies past the end of the image".into());
            }
            continue;
        }
        w.child(node, &f.path, &buf);
        if super::refused(node, before) {
            break;
        }
    }
    node.format = Some(format!("{what}, {} files", files.len()));
    node.flag(
        "disk.image",
        Severity::High,
        format!("Attachment is a {} disk image", kind_word(node)),
        &[t::MOTW_BYPASS, t::SPEARPHISHING_ATTACHMENT],
        &what,
        "Windows mounts the image on a double-click; files inside carry no Mark of the Web, so \
         SmartScreen and Office's macro block do not apply to them",
    );
    if !hidden.is_empty() {
        node.flag(
            "disk.hidden_files",
            Severity::Medium,
            "Disk image hides some of its files from the file manager",
            &[t::HIDDEN_FILES],
            hidden.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
            "hidden payloads beside a visible shortcut or document are the usual ISO/IMG lure layout",
        );
    }
    let names: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    super::flag_traversal(node, &names);
    super::flag_executables(node, "Disk image");
}

fn kind_word(node: &Node) -> &'static str {
    match node.detected_type {
        Kind::Iso => "ISO",
        Kind::Udf => "UDF",
        Kind::Vhd => "VHD",
        _ => "raw (IMG)",
    }
}

// ---------------------------------------------------------------------------------------------
// ISO 9660

/// ECMA-119 §8: volume descriptors from sector 16; the primary (type 1) and a Joliet supplementary
/// one (type 2 with a UCS-2 escape sequence, Joliet spec §3) whose names are preferred.
fn iso(v: &dyn Volume, out: &mut Vec<File>) -> Option<String> {
    const SECTOR: u64 = 2048;
    let (mut pvd, mut joliet) = (None, None);
    for i in 16..80u64 {
        let d = v.read(i * SECTOR, 2048);
        if d.get(1..6) != Some(b"CD001") {
            break;
        }
        match d[0] {
            1 if pvd.is_none() => pvd = Some(d.into_owned()),
            2 if matches!(d.get(88..91), Some(b"%/@" | b"%/C" | b"%/E")) => {
                joliet = Some(d.into_owned())
            }
            255 => break,
            _ => {}
        }
    }
    let is_joliet = joliet.is_some();
    let label = match (&joliet, &pvd) {
        (Some(j), _) => utf16be(bytes(j, 40, 32)?),
        (None, Some(p)) => String::from_utf8_lossy(bytes(p, 40, 32)?).into_owned(),
        _ => return None,
    };
    // Windows shows the Joliet tree; other systems the primary one. Both are walked, so that a file
    // hidden from one tree (mkisofs -hide-joliet) is still seen.
    let mut rock_ridge = false;
    let mut extents = HashSet::new();
    if let Some(j) = &joliet {
        walk_iso_tree(v, j, true, out, &mut extents, &mut rock_ridge);
    }
    let before = out.len();
    if let Some(p) = &pvd {
        walk_iso_tree(v, p, false, out, &mut extents, &mut rock_ridge);
    }
    let only_primary = out.len() - before;
    Some(format!(
        "ISO 9660{}{} volume \"{}\"{}",
        if is_joliet { " (Joliet)" } else { "" },
        if rock_ridge { " (Rock Ridge)" } else { "" },
        label.trim(),
        if is_joliet && only_primary > 0 {
            format!(", {only_primary} files absent from the Joliet tree Windows shows")
        } else {
            String::new()
        }
    ))
}

/// One directory hierarchy (§9.1 directory records) from a volume descriptor's root record; files whose
/// first extent is already in `extents` (seen in the other tree) are skipped.
fn walk_iso_tree(
    v: &dyn Volume,
    vd: &[u8],
    is_joliet: bool,
    out: &mut Vec<File>,
    extents: &mut HashSet<u64>,
    rock_ridge: &mut bool,
) -> Option<()> {
    // §8.4.12: logical block size, both-byte orders; 2048 in practice.
    let bs = u64::from(u16le(vd, 128).filter(|b| b.is_power_of_two() && *b >= 512)?);
    let root = bytes(vd, 156, 34)?;
    let mut stack = vec![(
        u64::from(u32le(root, 2)?),
        u64::from(u32le(root, 10)?),
        String::new(),
        0usize,
    )];
    let mut seen = HashSet::new();
    let mut count = 0usize;
    let mut last_new = false;
    while let Some((extent, size, dir, depth)) = stack.pop() {
        if !seen.insert(extent) || depth > MAX_DIR_DEPTH {
            continue;
        }
        let d = v.read(
            extent.saturating_mul(bs),
            usize::try_from(size.min(16 << 20)).ok()?,
        );
        let mut pos = 0usize;
        while pos < d.len() && count < MAX_ENTRIES {
            let len = usize::from(d[pos]);
            if len == 0 {
                // §6.8.1.1: records do not cross sectors; a zero length pads to the next one.
                pos = (pos / 2048 + 1) * 2048;
                continue;
            }
            let Some(r) = bytes(&d, pos, len).filter(|_| len >= 34) else {
                break;
            };
            pos += len;
            count += 1;
            let nlen = usize::from(r[32]);
            let Some(raw) = bytes(r, 33, nlen) else {
                continue;
            };
            if raw == [0] || raw == [1] {
                continue; // "." and ".."
            }
            // §9.1.6 file flags: 0x01 hidden ("existence"), 0x02 directory, 0x80 multi-extent.
            let flags = r[25];
            let su_at = 33 + nlen + (1 - nlen % 2);
            let rr = bytes(r, su_at, len.saturating_sub(su_at)).and_then(rock_ridge_name);
            *rock_ridge |= rr.is_some();
            let name = match rr {
                Some(n) => n,
                None if is_joliet => utf16be(raw),
                None => String::from_utf8_lossy(raw).into_owned(),
            };
            let name = strip_version(&name);
            let path = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let (ext, sz) = (u64::from(u32le(r, 2)?), u64::from(u32le(r, 10)?));
            let at = v.base() + ext.saturating_mul(bs);
            if flags & 0x02 != 0 {
                stack.push((ext, sz, path, depth + 1));
                continue;
            }
            let continues = out.last().is_some_and(|p| p.path == path) && last_new;
            if let Some(prev) = out.last_mut().filter(|_| continues) {
                prev.extents.push((at, sz));
                prev.size = prev.size.saturating_add(sz);
            } else if extents.insert(at) || sz == 0 {
                out.push(File {
                    path,
                    hidden: flags & 0x01 != 0,
                    extents: vec![(at, sz)],
                    size: sz,
                });
                // A multi-extent file continues in the next record of the same name.
                last_new = flags & 0x80 != 0;
                continue;
            }
            last_new = flags & 0x80 != 0 && continues;
        }
    }
    Some(())
}

/// `NAME.EXT;1` -> `NAME.EXT`, and a trailing dot of an extension-less name.
fn strip_version(n: &str) -> String {
    let n = match n.rsplit_once(';') {
        Some((a, v)) if v.chars().all(|c| c.is_ascii_digit()) => a,
        _ => n,
    };
    n.strip_suffix('.').unwrap_or(n).to_string()
}

/// Rock Ridge (IEEE P1282 §4.1.4) alternate name: SUSP entries "NM" in the system use area.
fn rock_ridge_name(su: &[u8]) -> Option<String> {
    let mut pos = 0usize;
    let mut name = Vec::new();
    while let Some(h) = bytes(su, pos, 4) {
        let len = usize::from(h[2]);
        if len < 4 {
            break;
        }
        if &h[0..2] == b"NM" {
            let body = bytes(su, pos + 5, len.saturating_sub(5))?;
            name.extend_from_slice(body);
            // Flag bit 0: the name continues in the next NM entry.
            if su.get(pos + 4).is_some_and(|f| f & 1 == 0) {
                break;
            }
        }
        pos += len;
    }
    (!name.is_empty()).then(|| String::from_utf8_lossy(&name).into_owned())
}

fn utf16be(b: &[u8]) -> String {
    let u: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&u)
        .trim_end_matches(['\0', ' '])
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// UDF

/// ECMA-167 Part 3/4 with OSTA UDF: anchor at sector 256, the main volume descriptor sequence gives the
/// partition start and the file set descriptor, whose root directory ICB is walked through file
/// identifier descriptors. Metadata partitions (UDF 2.50+) are not followed.
fn udf(v: &dyn Volume, out: &mut Vec<File>) -> Option<String> {
    let bs = 2048u64;
    let anchor = v.read(256 * bs, 512);
    if tag_id(&anchor)? != 2 {
        return None;
    }
    let (vds_len, vds_loc) = (u32le(&anchor, 16)?, u64::from(u32le(&anchor, 20)?));
    let (mut part_start, mut fsd, mut label) = (None, None, String::new());
    for i in 0..u64::from(vds_len / 2048).min(64) {
        let d = v.read((vds_loc + i) * bs, 512);
        match tag_id(&d) {
            // Partition descriptor (3/10.5): starting location at 188.
            Some(5) => part_start = part_start.or(u32le(&d, 188).map(u64::from)),
            // Logical volume descriptor (3/10.6): identifier at 84, file set location (long_ad) at 248.
            Some(6) => {
                label = dstring(bytes(&d, 84, 128).unwrap_or(&[]));
                fsd = u32le(&d, 252).map(u64::from);
            }
            Some(8) | None => break,
            _ => {}
        }
    }
    let part = part_start?;
    let lb = |block: u64| (part + block) * bs;
    let fsd_block = fsd?;
    let f = v.read(lb(fsd_block), 512);
    if tag_id(&f)? != 256 {
        return None;
    }
    // File set descriptor (4/14.1): root directory ICB long_ad at 400 (length, block at 404).
    let root = u64::from(u32le(&f, 404)?);
    let mut stack = vec![(root, String::new(), 0usize)];
    let mut seen = HashSet::new();
    let mut count = 0usize;
    while let Some((icb, dir, depth)) = stack.pop() {
        if !seen.insert(icb) || depth > MAX_DIR_DEPTH {
            continue;
        }
        let Some(entry) = udf_file_entry(v, lb(icb), part, bs) else {
            continue;
        };
        let d: Vec<u8> = entry
            .extents
            .iter()
            .flat_map(|&(o, l)| {
                v.read(o, usize::try_from(l.min(16 << 20)).unwrap_or(0))
                    .into_owned()
            })
            .collect();
        let mut pos = 0usize;
        while pos + 38 <= d.len() && count < MAX_ENTRIES {
            // File identifier descriptor (4/14.4).
            if tag_id(&d[pos..]) != Some(257) {
                break;
            }
            count += 1;
            let chars = d[pos + 18];
            let l_fi = usize::from(d[pos + 19]);
            let l_iu = usize::from(u16le(&d, pos + 36)?);
            let child = u64::from(u32le(&d, pos + 24)?);
            let name = dstring_raw(bytes(&d, pos + 38 + l_iu, l_fi).unwrap_or(&[]));
            pos += (38 + l_iu + l_fi + 3) & !3;
            // Characteristics: 0x01 hidden, 0x02 directory, 0x04 deleted, 0x08 parent.
            if chars & 0x0C != 0 || name.is_empty() {
                continue;
            }
            let path = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            if chars & 0x02 != 0 {
                stack.push((child, path, depth + 1));
            } else if let Some(fe) = udf_file_entry(v, lb(child), part, bs) {
                out.push(File {
                    path,
                    hidden: chars & 0x01 != 0,
                    extents: fe.extents.iter().map(|&(o, l)| (v.base() + o, l)).collect(),
                    size: fe.size,
                });
            }
        }
    }
    Some(format!("UDF volume \"{}\"", label.trim()))
}

struct UdfEntry {
    size: u64,
    extents: Vec<(u64, u64)>,
}

/// File entry (4/14.9, tag 261) or extended file entry (4/14.17, tag 266): information length and
/// allocation descriptors (short_ad, long_ad, or the data embedded in the entry).
fn udf_file_entry(v: &dyn Volume, off: u64, part: u64, bs: u64) -> Option<UdfEntry> {
    let e = v.read(off, 2048);
    let (base, ea_at, ad_at) = match tag_id(&e)? {
        261 => (176usize, 168usize, 172usize),
        266 => (216, 208, 212),
        _ => return None,
    };
    let size = u64le(&e, 56)?;
    let l_ea = usize::try_from(u32le(&e, ea_at)?).ok()?;
    let l_ad = usize::try_from(u32le(&e, ad_at)?).ok()?;
    let start = base.checked_add(l_ea)?;
    let ads = bytes(&e, start, l_ad)?;
    // ICB tag flags (4/14.6.8) bits 0-2: 0 short_ad, 1 long_ad, 3 embedded.
    let kind = u16le(&e, 34)? & 7;
    let mut extents = Vec::new();
    match kind {
        3 => extents.push((off + start as u64, l_ad as u64)),
        0 | 1 => {
            let step = if kind == 0 { 8 } else { 16 };
            for ad in ads.chunks_exact(step) {
                let len = u64::from(u32le(ad, 0)? & 0x3FFF_FFFF);
                let block = u64::from(u32le(ad, 4)?);
                // Extent type 0 only: recorded and allocated (1 = allocated, not recorded: zeros).
                if len == 0 {
                    break;
                }
                if u32le(ad, 0)? >> 30 == 0 {
                    extents.push(((part + block) * bs, len));
                }
            }
        }
        _ => return None,
    }
    Some(UdfEntry { size, extents })
}

/// Descriptor tag (3/7.2): identifier u16, checksum of the 16-byte tag.
fn tag_id(d: &[u8]) -> Option<u16> {
    let tag = bytes(d, 0, 16)?;
    let sum = tag
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .fold(0u8, |a, (_, &b)| a.wrapping_add(b));
    (sum == tag[4]).then(|| u16le(tag, 0)).flatten()
}

/// OSTA compressed Unicode (UDF 2.1.1): a compression id (8 = one byte per char, 16 = UTF-16BE).
fn dstring_raw(b: &[u8]) -> String {
    match b.split_first() {
        Some((8, rest)) => rest.iter().map(|&c| c as char).collect(),
        Some((16, rest)) => utf16be(rest),
        _ => String::new(),
    }
}

/// A fixed-size dstring: the last byte is the used length.
fn dstring(b: &[u8]) -> String {
    let Some((&used, body)) = b.split_last() else {
        return String::new();
    };
    dstring_raw(body.get(..usize::from(used)).unwrap_or(body))
}

// ---------------------------------------------------------------------------------------------
// VHD, partitions, FAT

/// A dynamic VHD's blocks mapped through its block allocation table (VHD spec "Dynamic Disk Header").
struct DynamicVhd<'a> {
    data: &'a [u8],
    size: u64,
    block: u64,
    bitmap: u64,
    bat: Vec<u32>,
}

impl<'a> DynamicVhd<'a> {
    fn open(data: &'a [u8]) -> Option<Self> {
        // The footer's copy at offset 0 (dynamic disks), fields big-endian.
        if data.get(0..8) != Some(b"conectix") || be32(data, 60)? != 3 && be32(data, 60)? != 4 {
            return None;
        }
        let hdr = usize::try_from(be64(data, 16)?).ok()?;
        if bytes(data, hdr, 8)? != b"cxsparse" {
            return None;
        }
        let table = usize::try_from(be64(data, hdr + 16)?).ok()?;
        let entries = be32(data, hdr + 28)?.min(1 << 20);
        let block = u64::from(be32(data, hdr + 32)?);
        if block == 0 || !block.is_power_of_two() || block > 1 << 30 {
            return None;
        }
        let bat = (0..entries as usize)
            .map_while(|i| be32(data, table + 4 * i))
            .collect();
        // One bit per 512-byte sector, padded to a sector.
        let bitmap = (block / 512 / 8).div_ceil(512) * 512;
        Some(DynamicVhd {
            data,
            size: be64(data, 48)?,
            block,
            bitmap,
            bat,
        })
    }
}

impl Volume for DynamicVhd<'_> {
    fn read(&self, off: u64, len: usize) -> Cow<'_, [u8]> {
        let mut out = Vec::with_capacity(len.min(16 << 20));
        let mut at = off;
        while out.len() < len && at < self.size {
            let (bi, within) = (at / self.block, at % self.block);
            let n =
                usize::try_from((self.block - within).min((len - out.len()) as u64)).unwrap_or(0);
            match self
                .bat
                .get(bi as usize)
                .copied()
                .filter(|&s| s != u32::MAX)
            {
                Some(sector) => {
                    let src = u64::from(sector) * 512 + self.bitmap + within;
                    let raw: &[u8] = self.data;
                    let got = Volume::read(&raw, src, n);
                    let short = n - got.len();
                    out.extend_from_slice(&got);
                    out.resize(out.len() + short, 0);
                }
                None => out.resize(out.len() + n, 0),
            }
            if n == 0 {
                break;
            }
            at += n as u64;
        }
        Cow::Owned(out)
    }
}

fn be32(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes(d, o, 4)?.try_into().ok()?))
}
fn be64(d: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes(d, o, 8)?.try_into().ok()?))
}

fn vhd(data: &[u8], out: &mut Vec<File>) -> Option<String> {
    if data.starts_with(b"vhdxfile") {
        return Some("VHDX virtual disk (contents not read)".into());
    }
    if let Some(d) = DynamicVhd::open(data) {
        let inner = partitions(&d, out).unwrap_or_else(|| "no readable file system".into());
        return Some(format!("dynamic VHD, {inner}"));
    }
    // Fixed VHD: the raw disk, then the 512-byte footer.
    let raw: &[u8] = data.get(..data.len().saturating_sub(512)).unwrap_or(&[]);
    let inner = partitions(&raw, out).unwrap_or_else(|| "no readable file system".into());
    Some(format!("fixed VHD, {inner}"))
}

/// A disk: an MBR or GPT partition table, or a file system starting at sector 0 ("superfloppy").
fn partitions(v: &dyn Volume, out: &mut Vec<File>) -> Option<String> {
    let s0 = v.read(0, 512).into_owned();
    if let Some(fs) = file_system(v, out) {
        return Some(fs);
    }
    if s0.get(510..512) != Some(&[0x55, 0xAA]) {
        return None;
    }
    let mut starts = Vec::new();
    for i in 0..4 {
        let e = bytes(&s0, 446 + 16 * i, 16)?;
        let (kind, lba, count) = (e[4], u64::from(u32le(e, 8)?), u64::from(u32le(e, 12)?));
        if kind == 0xEE {
            // Protective MBR: the GPT header (UEFI spec §5.3.2) at LBA 1.
            let h = v.read(512, 512);
            if h.get(0..8) == Some(b"EFI PART") {
                let (at, n, size) = (u64le(&h, 72)?, u32le(&h, 80)?.min(128), u32le(&h, 84)?);
                let size = u64::from(size.max(128));
                let table = v.read(at * 512, usize::try_from(u64::from(n) * size).ok()?);
                for j in 0..u64::from(n) {
                    let e = bytes(&table, usize::try_from(j * size).ok()?, 128);
                    if let Some((first, last)) =
                        e.and_then(|e| Some((u64le(e, 32)?, u64le(e, 40)?)))
                    {
                        if first > 0 && last >= first {
                            starts.push((first * 512, (last - first + 1) * 512));
                        }
                    }
                }
            }
        } else if kind != 0 && count > 0 {
            starts.push((lba * 512, count * 512));
        }
    }
    let mut found = Vec::new();
    for (start, len) in starts {
        let p = Window {
            inner: v,
            start,
            len,
        };
        if let Some(fs) = file_system(&p, out) {
            found.push(fs);
        }
    }
    (!found.is_empty()).then(|| format!("partitioned disk: {}", found.join("; ")))
}

fn file_system(v: &dyn Volume, out: &mut Vec<File>) -> Option<String> {
    let b = v.read(0, 512).into_owned();
    if b.get(3..11) == Some(b"NTFS    ") {
        return Some("NTFS volume (files not listed)".into());
    }
    if b.get(3..11) == Some(b"EXFAT   ") {
        return Some("exFAT volume (files not listed)".into());
    }
    fat(v, &b, out)
}

/// FAT12/16/32 (Microsoft FAT specification §3, §4, §6): BIOS parameter block, the FAT, cluster
/// chains, directory entries with long names (§7).
fn fat(v: &dyn Volume, b: &[u8], out: &mut Vec<File>) -> Option<String> {
    let bps = u64::from(u16le(b, 11)?);
    let spc = u64::from(*b.get(13)?);
    if !matches!(bps, 512 | 1024 | 2048 | 4096) || spc == 0 || !spc.is_power_of_two() {
        return None;
    }
    let reserved = u64::from(u16le(b, 14)?);
    let nfats = u64::from(*b.get(16)?);
    let root_entries = u64::from(u16le(b, 17)?);
    let total = match u16le(b, 19)? {
        0 => u64::from(u32le(b, 32)?),
        n => u64::from(n),
    };
    let fatsz = match u16le(b, 22)? {
        0 => u64::from(u32le(b, 36)?),
        n => u64::from(n),
    };
    if nfats == 0 || fatsz == 0 || reserved == 0 {
        return None;
    }
    let root_sectors = (root_entries * 32).div_ceil(bps);
    let first_data = reserved + nfats * fatsz + root_sectors;
    let clusters = total.checked_sub(first_data)? / spc;
    let bits = if clusters < 4085 {
        12
    } else if clusters < 65525 {
        16
    } else {
        32
    };
    let fat_bytes = v
        .read(
            reserved * bps,
            usize::try_from((fatsz * bps).min(64 << 20)).ok()?,
        )
        .into_owned();
    let fs = Fat {
        v,
        fat: fat_bytes,
        bits,
        bps,
        spc,
        first_data,
        clusters,
    };
    let label = String::from_utf8_lossy(b.get(if bits == 32 { 71..82 } else { 43..54 })?)
        .trim()
        .to_string();
    let root = if bits == 32 {
        fs.chain_bytes(u32le(b, 44)?, u64::MAX)
    } else {
        v.read(
            (reserved + nfats * fatsz) * bps,
            usize::try_from(root_entries * 32).ok()?,
        )
        .into_owned()
    };
    let mut seen = HashSet::new();
    let mut count = 0usize;
    fs.dir(&root, "", 0, &mut seen, &mut count, out);
    Some(format!("FAT{bits} volume \"{label}\""))
}

struct Fat<'a> {
    v: &'a dyn Volume,
    fat: Vec<u8>,
    bits: u8,
    bps: u64,
    spc: u64,
    first_data: u64,
    clusters: u64,
}

impl Fat<'_> {
    fn next(&self, c: u32) -> Option<u32> {
        let c = usize::try_from(c).ok()?;
        let n = match self.bits {
            12 => {
                let v = u16le(&self.fat, c + c / 2)?;
                u32::from(if c % 2 == 1 { v >> 4 } else { v & 0xFFF })
            }
            16 => u32::from(u16le(&self.fat, c * 2)?),
            _ => u32le(&self.fat, c * 4)? & 0x0FFF_FFFF,
        };
        let end = match self.bits {
            12 => 0xFF8,
            16 => 0xFFF8,
            _ => 0x0FFF_FFF8,
        };
        (n >= 2 && n < end && u64::from(n) < self.clusters + 2).then_some(n)
    }

    fn cluster_off(&self, c: u32) -> u64 {
        (self.first_data + (u64::from(c).saturating_sub(2)) * self.spc) * self.bps
    }

    /// The byte extents of a cluster chain, merged where contiguous, up to `size` bytes.
    fn chain(&self, first: u32, size: u64) -> Vec<(u64, u64)> {
        let csize = self.spc * self.bps;
        let mut out: Vec<(u64, u64)> = Vec::new();
        let mut c = Some(first).filter(|&c| c >= 2);
        let mut seen = HashSet::new();
        let mut total = 0u64;
        while let Some(cur) = c {
            if !seen.insert(cur) || total >= size || seen.len() as u64 > self.clusters {
                break;
            }
            let off = self.cluster_off(cur);
            match out.last_mut() {
                Some((o, l)) if *o + *l == off => *l += csize,
                _ => out.push((off, csize)),
            }
            total += csize;
            c = self.next(cur);
        }
        out
    }

    fn chain_bytes(&self, first: u32, max: u64) -> Vec<u8> {
        let mut d = Vec::new();
        for (o, l) in self.chain(first, max.min(16 << 20)) {
            d.extend_from_slice(&self.v.read(o, usize::try_from(l).unwrap_or(0)));
        }
        d
    }

    fn dir(
        &self,
        d: &[u8],
        path: &str,
        depth: usize,
        seen: &mut HashSet<u32>,
        count: &mut usize,
        out: &mut Vec<File>,
    ) {
        let mut lfn: Vec<(u8, Vec<u16>)> = Vec::new();
        for e in d.chunks_exact(32) {
            *count += 1;
            if e[0] == 0 || *count > MAX_ENTRIES {
                break;
            }
            let attr = e[11];
            if e[0] == 0xE5 {
                lfn.clear();
                continue;
            }
            if attr & 0x3F == 0x0F {
                // Long name entry (§7): 13 UTF-16 characters in three runs.
                let mut part = Vec::new();
                for r in [1..11, 14..26, 28..32] {
                    part.extend(
                        e[r].chunks_exact(2)
                            .map(|c| u16::from_le_bytes([c[0], c[1]])),
                    );
                }
                lfn.push((e[0] & 0x3F, part));
                continue;
            }
            if attr & 0x08 != 0 {
                lfn.clear();
                continue; // volume label
            }
            let name = if lfn.is_empty() {
                short_name(e)
            } else {
                lfn.sort_by_key(|(n, _)| *n);
                let u: Vec<u16> = lfn
                    .iter()
                    .flat_map(|(_, p)| p.iter().copied())
                    .take_while(|&c| c != 0 && c != 0xFFFF)
                    .collect();
                String::from_utf16_lossy(&u)
            };
            lfn.clear();
            if name == "." || name == ".." || name.is_empty() {
                continue;
            }
            let full = if path.is_empty() {
                name
            } else {
                format!("{path}/{name}")
            };
            let first =
                u32::from(u16le(e, 26).unwrap_or(0)) | (u32::from(u16le(e, 20).unwrap_or(0)) << 16);
            if attr & 0x10 != 0 {
                if depth < MAX_DIR_DEPTH && seen.insert(first) {
                    let sub = self.chain_bytes(first, u64::MAX);
                    self.dir(&sub, &full, depth + 1, seen, count, out);
                }
            } else {
                let size = u64::from(u32le(e, 28).unwrap_or(0));
                let base = self.v.base();
                out.push(File {
                    path: full,
                    hidden: attr & 0x02 != 0,
                    extents: self
                        .chain(first, size)
                        .into_iter()
                        .map(|(o, l)| (base + o, l))
                        .collect(),
                    size,
                });
            }
        }
    }
}

/// 8.3 name (§6.1): space-padded, 0x05 standing for 0xE5, OEM code page.
fn short_name(e: &[u8]) -> String {
    let mut base = e[0..8].to_vec();
    if base[0] == 0x05 {
        base[0] = 0xE5;
    }
    let trim = |b: &[u8]| {
        let end = b.iter().rposition(|&c| c != b' ').map_or(0, |p| p + 1);
        super::decode_legacy_name(&b[..end], super::cp437)
    };
    let (n, x) = (trim(&base), trim(&e[8..11]));
    // NT case flags in byte 12: 0x08 lower-case base, 0x10 lower-case extension.
    let n = if e[12] & 0x08 != 0 {
        n.to_lowercase()
    } else {
        n
    };
    let x = if e[12] & 0x10 != 0 {
        x.to_lowercase()
    } else {
        x
    };
    if x.is_empty() {
        n
    } else {
        format!("{n}.{x}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Options;

    fn dir_record(name: &[u8], extent: u32, size: u32, flags: u8) -> Vec<u8> {
        let len = 33 + name.len() + (1 - name.len() % 2);
        let mut r = vec![0u8; len];
        r[0] = len as u8;
        r[2..6].copy_from_slice(&extent.to_le_bytes());
        r[6..10].copy_from_slice(&extent.to_be_bytes());
        r[10..14].copy_from_slice(&size.to_le_bytes());
        r[14..18].copy_from_slice(&size.to_be_bytes());
        r[25] = flags;
        r[32] = name.len() as u8;
        r[33..33 + name.len()].copy_from_slice(name);
        r
    }

    fn descriptor(kind: u8, root_extent: u32, joliet: bool) -> Vec<u8> {
        let mut d = vec![0u8; 2048];
        d[0] = kind;
        d[1..6].copy_from_slice(b"CD001");
        d[6] = 1;
        d[40..46].copy_from_slice(b"LURE  ");
        d[128..130].copy_from_slice(&2048u16.to_le_bytes());
        if joliet {
            d[88..91].copy_from_slice(b"%/E");
        }
        let root = dir_record(&[0], root_extent, 2048, 2);
        d[156..156 + 34].copy_from_slice(&root[..34]);
        d
    }

    /// An ISO with one file, `PAYLOAD.LNK;1` (and a Joliet tree naming it `Invoice 2024.pdf.lnk`),
    /// marked hidden when asked.
    pub(crate) fn iso_with(file: &[u8], joliet: bool, hidden: bool) -> Vec<u8> {
        let mut img = vec![0u8; 16 * 2048];
        img.extend(descriptor(1, 19, false));
        if joliet {
            img.extend(descriptor(2, 20, true));
        } else {
            img.extend(vec![0u8; 2048]);
            img[17 * 2048] = 0xFF;
            img[17 * 2048 + 1..17 * 2048 + 6].copy_from_slice(b"CD001");
        }
        let mut term = vec![0u8; 2048];
        term[0] = 255;
        term[1..6].copy_from_slice(b"CD001");
        img.extend(term);
        let flags = if hidden { 1 } else { 0 };
        for (sector, name) in [
            (19u32, b"PAYLOAD.LNK;1".to_vec()),
            (
                20,
                "Invoice 2024.pdf.lnk"
                    .encode_utf16()
                    .flat_map(|c| c.to_be_bytes())
                    .collect(),
            ),
        ] {
            let mut d = Vec::new();
            d.extend(dir_record(&[0], sector, 2048, 2));
            d.extend(dir_record(&[1], 19, 2048, 2));
            d.extend(dir_record(&name, 21, file.len() as u32, flags));
            d.resize(2048, 0);
            img.extend(d);
        }
        img.extend_from_slice(file);
        img.resize(img.len().div_ceil(2048) * 2048, 0);
        img
    }

    #[test]
    fn iso_lists_and_extracts() {
        let lnk = {
            let mut l = vec![0u8; 0x4C];
            l[0] = 0x4C;
            l[4..20].copy_from_slice(&[
                0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x46,
            ]);
            l
        };
        let img = iso_with(&lnk, false, true);
        let n = crate::analyse(&img, "docs.iso", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Iso, "{:?}", n.format);
        assert!(n.has("disk.image") && n.has("disk.hidden_files"));
        assert_eq!(n.children.len(), 1, "{:?}", n.format);
        assert_eq!(n.children[0].name, "PAYLOAD.LNK");
        assert_eq!(n.children[0].detected_type, Kind::Lnk);
        assert!(n.has("archive.contains_executable"));

        let img = iso_with(b"hello", true, false);
        let n = crate::analyse(&img, "docs.iso", None, &Options::default());
        assert_eq!(n.children[0].name, "Invoice 2024.pdf.lnk");
        assert!(n.format.as_deref().unwrap().contains("Joliet"));
        for cut in (0..img.len()).step_by(501) {
            let _ = crate::analyse(&img[..cut], "docs.iso", None, &Options::default());
        }
    }

    /// A 1.44 MB FAT12 floppy with one file under a long name.
    fn fat12(name: &str, data: &[u8]) -> Vec<u8> {
        let mut img = vec![0u8; 2880 * 512];
        img[0] = 0xEB;
        img[11..13].copy_from_slice(&512u16.to_le_bytes());
        img[13] = 1;
        img[14..16].copy_from_slice(&1u16.to_le_bytes());
        img[16] = 2;
        img[17..19].copy_from_slice(&224u16.to_le_bytes());
        img[19..21].copy_from_slice(&2880u16.to_le_bytes());
        img[22..24].copy_from_slice(&9u16.to_le_bytes());
        img[43..54].copy_from_slice(b"LURE       ");
        img[54..62].copy_from_slice(b"FAT12   ");
        img[510] = 0x55;
        img[511] = 0xAA;
        // FAT: cluster 2 -> end of chain.
        let fat = 512;
        img[fat..fat + 3].copy_from_slice(&[0xF0, 0xFF, 0xFF]);
        img[fat + 3] = 0xFF;
        img[fat + 4] = 0x0F;
        let root = 19 * 512;
        // One LFN entry (up to 13 characters), then the short entry.
        let mut l = [0u8; 32];
        l[0] = 0x41;
        l[11] = 0x0F;
        let u: Vec<u16> = name
            .encode_utf16()
            .chain([0])
            .chain([0xFFFF; 13])
            .take(13)
            .collect();
        let mut k = 0;
        for r in [1..11, 14..26, 28..32] {
            for p in r.step_by(2) {
                l[p..p + 2].copy_from_slice(&u[k].to_le_bytes());
                k += 1;
            }
        }
        img[root..root + 32].copy_from_slice(&l);
        let mut s = [b' '; 32];
        s[0..8].copy_from_slice(b"SETUP~1 ");
        s[8..11].copy_from_slice(b"EXE");
        s[11] = 0x02; // hidden
        s[12..32].fill(0);
        s[26..28].copy_from_slice(&2u16.to_le_bytes());
        s[28..32].copy_from_slice(&(data.len() as u32).to_le_bytes());
        img[root + 32..root + 64].copy_from_slice(&s);
        let d = (1 + 2 * 9 + 14) * 512;
        img[d..d + data.len()].copy_from_slice(data);
        img
    }

    #[test]
    fn fat_image_and_vhd() {
        let pe = crate::archive::zip::tests::pe();
        let img = fat12("setup.exe", &pe);
        let n = crate::analyse(&img, "disk.img", None, &Options::default());
        assert_eq!(n.detected_type, Kind::DiskImage);
        assert!(n.has("disk.image") && n.has("disk.hidden_files"));
        assert_eq!(n.children[0].name, "setup.exe", "{:?}", n.format);
        assert_eq!(n.children[0].detected_type, Kind::Pe);

        // The same floppy as a fixed VHD: raw disk, then a "conectix" footer of type 2.
        let mut vhd = img.clone();
        let mut footer = vec![0u8; 512];
        footer[0..8].copy_from_slice(b"conectix");
        footer[60..64].copy_from_slice(&2u32.to_be_bytes());
        vhd.extend(footer);
        let n = crate::analyse(&vhd, "disk.vhd", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Vhd);
        assert_eq!(n.children.len(), 1, "{:?}", n.format);
        assert!(n.format.as_deref().unwrap().starts_with("fixed VHD, FAT12"));
        for cut in (0..img.len()).step_by(4099) {
            let _ = crate::analyse(&img[..cut], "d.img", None, &Options::default());
        }
    }

    #[test]
    fn dynamic_vhd_maps_blocks() {
        let img = fat12("a.txt", b"text in a sparse disk");
        let block = 2u64 << 20;
        let mut v = vec![0u8; 512];
        v[0..8].copy_from_slice(b"conectix");
        v[16..24].copy_from_slice(&512u64.to_be_bytes());
        v[48..56].copy_from_slice(&(img.len() as u64).to_be_bytes());
        v[60..64].copy_from_slice(&3u32.to_be_bytes());
        let mut hdr = vec![0u8; 1024];
        hdr[0..8].copy_from_slice(b"cxsparse");
        hdr[16..24].copy_from_slice(&1536u64.to_be_bytes());
        hdr[28..32].copy_from_slice(&1u32.to_be_bytes());
        hdr[32..36].copy_from_slice(&(block as u32).to_be_bytes());
        v.extend(hdr);
        // BAT (one entry, padded to a sector), then block 0 at sector 4: bitmap, data.
        let mut bat = vec![0xFFu8; 512];
        bat[0..4].copy_from_slice(&4u32.to_be_bytes());
        v.extend(bat);
        v.extend(vec![0xFFu8; 512]);
        v.extend_from_slice(&img);
        let n = crate::analyse(&v, "d.vhd", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Vhd);
        assert!(
            n.format.as_deref().unwrap().starts_with("dynamic VHD"),
            "{:?}",
            n.format
        );
        assert_eq!(n.children.len(), 1);
        assert!(n.children[0].sha256.len() == 64);
    }
}
