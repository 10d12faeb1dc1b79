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
/// Directory bytes read from one image, all directories and file systems together: directories
/// whose extents overlap or repeat (UDF allocation descriptors, FAT subdirectories on one long
/// cluster chain) would otherwise copy the same megabytes again and again.
const MAX_DIR_BYTES: u64 = 16 << 20;
/// FAT bytes read from one image (every partition's table together).
const MAX_FAT_BYTES: u64 = 64 << 20;
/// FAT cluster-chain steps walked in one image: a 4 GB file of 512-byte clusters is 8M steps.
const MAX_CLUSTERS: u64 = 1 << 20;
/// Largest single read from a dynamic VHD, whose unallocated blocks read as zeros up to a disk
/// size the image declares: larger files are read in pieces of this size.
const MAX_READ: usize = 16 << 20;
/// UEFI §5.3.3: partition entries are 128 bytes, or 128 * 2^n; more than 512 is not seen in practice.
const GPT_ENTRY_SIZES: std::ops::RangeInclusive<u32> = 128..=512;

/// A file found in an image: its path and where its bytes are.
struct File {
    path: String,
    hidden: bool,
    /// Byte extents on the volume, in order (fragmented FAT/NTFS files have several).
    extents: Vec<(u64, u64)>,
    size: u64,
    /// Why `extents` were not all found, if they were not (a budget of the listing ran out).
    unread: Option<&'static str>,
}

/// The files of an image, and what is left of the listing's budgets (see the constants above).
struct Listing {
    files: Vec<File>,
    dir_bytes: u64,
    fat_bytes: u64,
    clusters: u64,
    /// Files larger than this cannot be extracted (the walk's object size limit): their extents are
    /// not looked up, the directory entry's size is enough to list them.
    max_file: u64,
    /// The first budget that ran out, for a `content.limit` finding.
    cut: Option<&'static str>,
}

impl Listing {
    fn new(max_file: u64) -> Self {
        Listing {
            files: Vec::new(),
            dir_bytes: MAX_DIR_BYTES,
            fat_bytes: MAX_FAT_BYTES,
            clusters: MAX_CLUSTERS,
            max_file,
            cut: None,
        }
    }

    /// Up to `want` bytes of directory at `off`, within what is left of the directory budget;
    /// the bytes read are charged to it.
    fn read_dir<'v>(&mut self, v: &'v dyn Volume, off: u64, want: u64) -> Cow<'v, [u8]> {
        let n = want.min(self.dir_bytes);
        if n < want {
            self.cut.get_or_insert("directory bytes");
        }
        let d = v.read(off, usize::try_from(n).unwrap_or(0));
        self.dir_bytes = self.dir_bytes.saturating_sub(d.len() as u64);
        d
    }
}

/// Random access to a volume: a slice of the attachment, or a dynamic VHD's sparse blocks.
trait Volume {
    /// `len` bytes at `off`, short at the end; unallocated sparse blocks read as zeros.
    fn read(&self, off: u64, len: usize) -> Cow<'_, [u8]>;
    /// Bytes the volume holds (reads past it are empty).
    fn len(&self) -> u64;
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
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
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
    fn len(&self) -> u64 {
        self.len.min(self.inner.len().saturating_sub(self.start))
    }
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let mut l = Listing::new(w.limits().max_object_bytes);
    let vol: &[u8] = data;
    let what = match node.detected_type {
        Kind::Iso => iso(&vol, &mut l).or_else(|| udf(&vol, &mut l)),
        Kind::Udf => udf(&vol, &mut l),
        Kind::Vhd => vhd(data, &mut l),
        _ => partitions(&vol, &mut l),
    }
    .unwrap_or_else(|| format!("{} disk image (no readable file system)", kind_word(node)));
    if let Some(what) = l.cut {
        w.limit(
            node,
            "image metadata",
            format!("the image's {what} budget ran out; some files may not be listed"),
        );
    }
    let files = l.files;

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
            let what = if f.size > w.limits().max_object_bytes {
                "object size"
            } else {
                "total bytes"
            };
            w.limit(
                node,
                what,
                format!("{} is {} bytes; not extracted", f.path, f.size),
            );
            w.listed(node, &f.path, f.size, false);
            if super::refused(node, before) {
                break;
            }
            continue;
        }
        let Some(buf) = read_file(source, f) else {
            if let Some(n) = w.listed(node, &f.path, f.size, false) {
                let why = f
                    .unread
                    .unwrap_or("its extent lies past the end of the image");
                n.format = Some(format!("not extracted: {why}"));
            }
            continue;
        };
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

/// A file's bytes, when its extents hold all `size` of them; checked before anything is copied, and
/// copied in pieces of at most [`MAX_READ`].
fn read_file(source: &dyn Volume, f: &File) -> Option<Vec<u8>> {
    let end = source.len();
    let mut left = f.size;
    for &(off, len) in &f.extents {
        let take = len.min(left);
        if end.saturating_sub(off) < take {
            return None;
        }
        left -= take;
    }
    if left > 0 {
        return None;
    }
    let mut buf = Vec::with_capacity(usize::try_from(f.size).ok()?);
    for &(off, len) in &f.extents {
        let mut want = len.min(f.size - buf.len() as u64);
        let mut at = off;
        while want > 0 {
            let n = usize::try_from(want).unwrap_or(MAX_READ).min(MAX_READ);
            let got = source.read(at, n);
            if got.is_empty() {
                return None;
            }
            buf.extend_from_slice(&got);
            at = at.saturating_add(got.len() as u64);
            want -= got.len() as u64;
        }
    }
    (buf.len() as u64 == f.size).then_some(buf)
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
fn iso(v: &dyn Volume, l: &mut Listing) -> Option<String> {
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
        walk_iso_tree(v, j, true, l, &mut extents, &mut rock_ridge);
    }
    let before = l.files.len();
    if let Some(p) = &pvd {
        walk_iso_tree(v, p, false, l, &mut extents, &mut rock_ridge);
    }
    let only_primary = l.files.len() - before;
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
    l: &mut Listing,
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
        let d = l.read_dir(v, extent.saturating_mul(bs), size);
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
            let at = v.base().saturating_add(ext.saturating_mul(bs));
            if flags & 0x02 != 0 {
                stack.push((ext, sz, path, depth + 1));
                continue;
            }
            let continues = l.files.last().is_some_and(|p| p.path == path) && last_new;
            if let Some(prev) = l.files.last_mut().filter(|_| continues) {
                prev.extents.push((at, sz));
                prev.size = prev.size.saturating_add(sz);
            } else if extents.insert(at) || sz == 0 {
                l.files.push(File {
                    path,
                    hidden: flags & 0x01 != 0,
                    extents: vec![(at, sz)],
                    size: sz,
                    unread: None,
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
fn udf(v: &dyn Volume, l: &mut Listing) -> Option<String> {
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
    // Directory extents already read: a directory whose allocation descriptors repeat one extent
    // (or share it with another directory) is read once.
    let mut dir_extents = HashSet::new();
    let mut count = 0usize;
    while let Some((icb, dir, depth)) = stack.pop() {
        if !seen.insert(icb) || depth > MAX_DIR_DEPTH {
            continue;
        }
        let Some(entry) = udf_file_entry(v, lb(icb), part, bs) else {
            continue;
        };
        let mut d: Vec<u8> = Vec::new();
        for &(o, len) in &entry.extents {
            if dir_extents.insert(o) {
                d.extend_from_slice(&l.read_dir(v, o, len));
            }
        }
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
                l.files.push(File {
                    path,
                    hidden: chars & 0x01 != 0,
                    extents: fe
                        .extents
                        .iter()
                        .map(|&(o, n)| (v.base().saturating_add(o), n))
                        .collect(),
                    size: fe.size,
                    unread: None,
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
        // A power of two of whole sectors: tiny blocks would make every read a byte-by-byte walk.
        if block < 512 || !block.is_power_of_two() || block > 1 << 30 {
            return None;
        }
        let bat = (0..entries as usize)
            .map_while(|i| be32(data, table.checked_add(4 * i)?))
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
    /// At most [`MAX_READ`] bytes: the zeros of unallocated blocks cost memory, not attachment bytes.
    fn read(&self, off: u64, len: usize) -> Cow<'_, [u8]> {
        let len = len.min(MAX_READ);
        let mut out = Vec::with_capacity(len);
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
    fn len(&self) -> u64 {
        self.size
    }
}

fn be32(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes(d, o, 4)?.try_into().ok()?))
}
fn be64(d: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes(d, o, 8)?.try_into().ok()?))
}

fn vhd(data: &[u8], l: &mut Listing) -> Option<String> {
    if data.starts_with(b"vhdxfile") {
        return Some("VHDX virtual disk (contents not read)".into());
    }
    if let Some(d) = DynamicVhd::open(data) {
        let inner = partitions(&d, l).unwrap_or_else(|| "no readable file system".into());
        return Some(format!("dynamic VHD, {inner}"));
    }
    // Fixed VHD: the raw disk, then the 512-byte footer.
    let raw: &[u8] = data.get(..data.len().saturating_sub(512)).unwrap_or(&[]);
    let inner = partitions(&raw, l).unwrap_or_else(|| "no readable file system".into());
    Some(format!("fixed VHD, {inner}"))
}

/// A disk: an MBR or GPT partition table, or a file system starting at sector 0 ("superfloppy").
fn partitions(v: &dyn Volume, l: &mut Listing) -> Option<String> {
    let s0 = v.read(0, 512).into_owned();
    if let Some(fs) = file_system(v, l) {
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
            let size = u32le(&h, 84).unwrap_or(0);
            // An entry size outside 128..=512 (or not a multiple of 8) is not a GPT this reads: a
            // 4 GiB entry size would have the table read as 512 GiB of (sparse VHD) zeros.
            if h.get(0..8) == Some(b"EFI PART")
                && GPT_ENTRY_SIZES.contains(&size)
                && size.is_multiple_of(8)
            {
                let (at, n) = (u64le(&h, 72)?, u32le(&h, 80)?.min(128));
                let size = u64::from(size);
                let Some(table_at) = at.checked_mul(512) else {
                    continue;
                };
                let table = v.read(table_at, usize::try_from(u64::from(n) * size).ok()?);
                for j in 0..u64::from(n) {
                    let e = bytes(&table, usize::try_from(j * size).ok()?, 128);
                    let Some((first, last)) = e.and_then(|e| Some((u64le(e, 32)?, u64le(e, 40)?)))
                    else {
                        continue;
                    };
                    // LBAs are the image's to choose: entries whose byte range overflows are skipped.
                    let range = last
                        .checked_sub(first)
                        .and_then(|d| d.checked_add(1))
                        .and_then(|d| d.checked_mul(512))
                        .zip(first.checked_mul(512));
                    if let Some((len, start)) = range.filter(|_| first > 0) {
                        starts.push((start, len));
                    }
                }
            }
        } else if kind != 0 && count > 0 {
            starts.push((lba * 512, count * 512));
        }
    }
    let mut found = Vec::new();
    // The same partition listed twice (GPT entries are the image's to repeat) is read once.
    let mut seen = HashSet::new();
    for (start, len) in starts {
        if !seen.insert(start) {
            continue;
        }
        let p = Window {
            inner: v,
            start,
            len,
        };
        if let Some(fs) = file_system(&p, l) {
            found.push(fs);
        }
    }
    (!found.is_empty()).then(|| format!("partitioned disk: {}", found.join("; ")))
}

fn file_system(v: &dyn Volume, l: &mut Listing) -> Option<String> {
    let b = v.read(0, 512).into_owned();
    if b.get(3..11) == Some(b"NTFS    ") {
        return Some("NTFS volume (files not listed)".into());
    }
    if b.get(3..11) == Some(b"EXFAT   ") {
        return Some("exFAT volume (files not listed)".into());
    }
    fat(v, &b, l)
}

/// FAT12/16/32 (Microsoft FAT specification §3, §4, §6): BIOS parameter block, the FAT, cluster
/// chains, directory entries with long names (§7).
fn fat(v: &dyn Volume, b: &[u8], l: &mut Listing) -> Option<String> {
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
    let want = (fatsz * bps).min(l.fat_bytes);
    if want < fatsz * bps {
        l.cut.get_or_insert("FAT bytes");
    }
    let fat_bytes = v.read(reserved * bps, usize::try_from(want).ok()?);
    l.fat_bytes -= fat_bytes.len() as u64;
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
        fs.chain_bytes(u32le(b, 44)?, l)
    } else {
        l.read_dir(v, (reserved + nfats * fatsz) * bps, root_entries * 32)
            .into_owned()
    };
    let mut seen = HashSet::new();
    let mut count = 0usize;
    fs.dir(&root, "", 0, &mut seen, &mut count, l);
    Some(format!("FAT{bits} volume \"{label}\""))
}

struct Fat<'a> {
    v: &'a dyn Volume,
    fat: Cow<'a, [u8]>,
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

    /// The byte extents of a cluster chain, merged where contiguous, up to `size` bytes; each
    /// cluster is a step of the image's budget. A chain that loops back is cut at the volume's
    /// cluster count (it reads the same clusters again until then, which the budget bounds).
    fn chain(&self, first: u32, size: u64, l: &mut Listing) -> Vec<(u64, u64)> {
        let csize = self.spc * self.bps;
        let mut out: Vec<(u64, u64)> = Vec::new();
        let mut c = Some(first).filter(|&c| c >= 2);
        let (mut total, mut steps) = (0u64, 0u64);
        while let Some(cur) = c {
            if total >= size || steps > self.clusters {
                break;
            }
            if l.clusters == 0 {
                l.cut.get_or_insert("FAT cluster chain");
                break;
            }
            l.clusters -= 1;
            steps += 1;
            let off = self.cluster_off(cur);
            match out.last_mut() {
                Some((o, n)) if o.saturating_add(*n) == off => *n += csize,
                _ => out.push((off, csize)),
            }
            total += csize;
            c = self.next(cur);
        }
        out
    }

    /// A directory's bytes: its cluster chain, within the image's directory budget.
    fn chain_bytes(&self, first: u32, l: &mut Listing) -> Vec<u8> {
        let mut d = Vec::new();
        for (o, n) in self.chain(first, l.dir_bytes, l) {
            d.extend_from_slice(&l.read_dir(self.v, o, n));
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
        l: &mut Listing,
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
                    let sub = self.chain_bytes(first, l);
                    self.dir(&sub, &full, depth + 1, seen, count, l);
                }
            } else {
                // The directory entry gives the size; the chain is walked only for files that can
                // be extracted at all.
                let size = u64::from(u32le(e, 28).unwrap_or(0));
                let base = self.v.base();
                let (extents, unread) = if size > l.max_file {
                    (Vec::new(), Some("larger than the object size limit"))
                } else {
                    let x: Vec<(u64, u64)> = self
                        .chain(first, size, l)
                        .into_iter()
                        .map(|(o, n)| (base.saturating_add(o), n))
                        .collect();
                    let found = x.iter().map(|e| e.1).fold(0u64, u64::saturating_add);
                    let spent = l.clusters == 0 && found < size;
                    (
                        x,
                        spent.then_some("the image's cluster-chain budget is spent"),
                    )
                };
                l.files.push(File {
                    path: full,
                    hidden: attr & 0x02 != 0,
                    extents,
                    size,
                    unread,
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

    /// A protective MBR and a GPT header at LBA 1 (`table_lba`, `entry_size`), with `entries`
    /// (first, last LBA) in a table at LBA 2 when that is where it points.
    fn gpt_disk(table_lba: u64, entry_size: u32, entries: &[(u64, u64)]) -> Vec<u8> {
        let mut d = vec![0u8; 512 * 40];
        d[446 + 4] = 0xEE;
        d[446 + 8..446 + 12].copy_from_slice(&1u32.to_le_bytes());
        d[446 + 12..446 + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        d[510] = 0x55;
        d[511] = 0xAA;
        d[512..520].copy_from_slice(b"EFI PART");
        d[512 + 72..512 + 80].copy_from_slice(&table_lba.to_le_bytes());
        d[512 + 80..512 + 84].copy_from_slice(&(entries.len() as u32).to_le_bytes());
        d[512 + 84..512 + 88].copy_from_slice(&entry_size.to_le_bytes());
        for (j, (first, last)) in entries.iter().enumerate() {
            let e = 1024 + j * 128;
            d[e + 32..e + 40].copy_from_slice(&first.to_le_bytes());
            d[e + 40..e + 48].copy_from_slice(&last.to_le_bytes());
        }
        d
    }

    /// GPT fields are LBAs the image chooses: `* 512` overflowed for a table LBA or partition LBAs
    /// near 2^64.
    #[test]
    fn gpt_lbas_near_2_64_do_not_overflow() {
        let o = Options::default();
        for d in [
            gpt_disk(u64::MAX / 3, 128, &[(34, 40)]),
            gpt_disk(
                2,
                128,
                &[
                    (1 << 60, u64::MAX),
                    (1, u64::MAX),
                    (u64::MAX, u64::MAX),
                    (9, 3),
                ],
            ),
        ] {
            let n = crate::analyse_as(Kind::DiskImage, &d, "gpt.img", &o);
            assert!(n.children.is_empty());
            let mut l = Listing::new(u64::MAX);
            let _ = partitions(&d.as_slice(), &mut l);
            assert!(l.files.is_empty());
        }
    }

    /// A dynamic VHD declaring a 1 TiB disk whose GPT has 128 entries of 4 GiB each: the table was
    /// read as 512 GiB of zeros. Entry sizes outside 128..=512 are refused and reads are capped.
    #[test]
    fn dynamic_vhd_gpt_with_huge_entries_is_refused() {
        let mut disk = gpt_disk(2, u32::MAX, &[]);
        disk[512 + 80..512 + 84].copy_from_slice(&128u32.to_le_bytes());
        let block = 2u64 << 20;
        let mut v = vec![0u8; 512];
        v[0..8].copy_from_slice(b"conectix");
        v[16..24].copy_from_slice(&512u64.to_be_bytes());
        v[48..56].copy_from_slice(&(1u64 << 40).to_be_bytes());
        v[60..64].copy_from_slice(&3u32.to_be_bytes());
        let mut hdr = vec![0u8; 1024];
        hdr[0..8].copy_from_slice(b"cxsparse");
        hdr[16..24].copy_from_slice(&1536u64.to_be_bytes());
        hdr[28..32].copy_from_slice(&1u32.to_be_bytes());
        hdr[32..36].copy_from_slice(&(block as u32).to_be_bytes());
        v.extend(hdr);
        let mut bat = vec![0xFFu8; 512];
        bat[0..4].copy_from_slice(&4u32.to_be_bytes());
        v.extend(bat);
        v.extend(vec![0xFFu8; 512]);
        v.extend_from_slice(&disk);
        let t = std::time::Instant::now();
        let n = crate::analyse(&v, "d.vhd", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 1.0);
        assert_eq!(n.detected_type, Kind::Vhd);
        assert!(n.children.is_empty());
        // The guard itself: a read of a sparse disk is capped whatever length is asked.
        let d = DynamicVhd::open(&v).unwrap();
        assert_eq!(d.read(0, 1 << 30).len(), MAX_READ);
        assert_eq!(d.read(1 << 40, 100).len(), 0);
    }

    /// A descriptor tag (ECMA-167 3/7.2) with its checksum.
    fn tag(d: &mut [u8], id: u16) {
        d[0..2].copy_from_slice(&id.to_le_bytes());
        d[4] = 0;
        d[4] = d[..16].iter().fold(0u8, |a, &b| a.wrapping_add(b));
    }

    /// A UDF image of `sectors` 2 KiB sectors whose root directory's file entry has 234 short_ads of
    /// 16 MiB each, at partition blocks `block(i)`.
    fn udf_ads(sectors: usize, block: impl Fn(u32) -> u32) -> Vec<u8> {
        const S: usize = 2048;
        let mut img = vec![0u8; sectors * S];
        let anchor = &mut img[256 * S..257 * S];
        anchor[16..20].copy_from_slice(&(4 * S as u32).to_le_bytes());
        anchor[20..24].copy_from_slice(&257u32.to_le_bytes());
        tag(anchor, 2);
        let pd = &mut img[257 * S..258 * S];
        pd[188..192].copy_from_slice(&300u32.to_le_bytes());
        tag(pd, 5);
        let lvd = &mut img[258 * S..259 * S];
        lvd[252..256].copy_from_slice(&0u32.to_le_bytes());
        tag(lvd, 6);
        tag(&mut img[259 * S..260 * S], 8);
        let fsd = &mut img[300 * S..301 * S];
        fsd[404..408].copy_from_slice(&1u32.to_le_bytes());
        tag(fsd, 256);
        let fe = &mut img[301 * S..302 * S];
        fe[56..64].copy_from_slice(&(234u64 << 24).to_le_bytes());
        fe[172..176].copy_from_slice(&(234u32 * 8).to_le_bytes());
        for i in 0..234u32 {
            let at = 176 + 8 * i as usize;
            fe[at..at + 4].copy_from_slice(&(16u32 << 20).to_le_bytes());
            fe[at + 4..at + 8].copy_from_slice(&block(i).to_le_bytes());
        }
        tag(fe, 261);
        img
    }

    /// 234 allocation descriptors of 16 MiB each built a 3.7 GB directory buffer: directory bytes
    /// are now capped per image, and a repeated extent is read once.
    #[test]
    fn udf_directory_extents_are_bounded() {
        // 20 MiB image, distinct extents: the directory budget ends it.
        let img = udf_ads(10 * 1024, |i| i * 16);
        let mut l = Listing::new(u64::MAX);
        let t = std::time::Instant::now();
        assert!(udf(&img.as_slice(), &mut l).is_some());
        assert!(t.elapsed().as_secs_f64() < 1.0);
        assert_eq!(l.dir_bytes, 0);
        assert_eq!(l.cut, Some("directory bytes"));
        let n = crate::analyse_as(Kind::Udf, &img, "d.iso", &Options::default());
        assert!(n.has("content.limit"));
        // The same extent 234 times: read once.
        let img = udf_ads(1024, |_| 2);
        let mut l = Listing::new(u64::MAX);
        assert!(udf(&img.as_slice(), &mut l).is_some());
        assert_eq!(MAX_DIR_BYTES - l.dir_bytes, (1024 - 302) * 2048);
    }

    /// FAT32 with 2^20 clusters on one chain, and a root directory of `files` entries of
    /// `file_size` bytes and `dirs` subdirectories, all starting on that chain.
    fn fat32_one_chain(files: usize, file_size: u32, dirs: usize) -> Vec<u8> {
        let clusters = 1usize << 20;
        let reserved = 32usize;
        let fatsz = ((clusters + 2) * 4).div_ceil(512);
        let first_data = reserved + fatsz;
        let root = first_data * 512;
        let mut img = vec![0u8; root + (files + dirs + 1) * 32];
        img[0] = 0xEB;
        img[11..13].copy_from_slice(&512u16.to_le_bytes());
        img[13] = 1;
        img[14..16].copy_from_slice(&(reserved as u16).to_le_bytes());
        img[16] = 1;
        img[32..36].copy_from_slice(&((first_data + clusters) as u32).to_le_bytes());
        img[36..40].copy_from_slice(&(fatsz as u32).to_le_bytes());
        img[44..48].copy_from_slice(&2u32.to_le_bytes());
        img[71..82].copy_from_slice(b"CHAIN      ");
        img[510] = 0x55;
        img[511] = 0xAA;
        let fat = reserved * 512;
        for c in 2..clusters + 1 {
            img[fat + 4 * c..fat + 4 * c + 4].copy_from_slice(&(c as u32 + 1).to_le_bytes());
        }
        img[fat + 4 * (clusters + 1)..fat + 4 * (clusters + 2)]
            .copy_from_slice(&0x0FFF_FFFFu32.to_le_bytes());
        for i in 0..files + dirs {
            let e = root + i * 32;
            img[e..e + 11].copy_from_slice(format!("F{i:07}BIN").as_bytes());
            let (attr, first, size) = if i < files {
                (0x20, 2u32, file_size)
            } else {
                (0x10, 3 + i as u32, 0)
            };
            img[e + 11] = attr;
            img[e + 20..e + 22].copy_from_slice(&((first >> 16) as u16).to_le_bytes());
            img[e + 26..e + 28].copy_from_slice(&(first as u16).to_le_bytes());
            img[e + 28..e + 32].copy_from_slice(&size.to_le_bytes());
        }
        img
    }

    /// 20,000 entries of 4 GB files on one million-cluster chain walked the chain for each entry;
    /// subdirectories on the same chain copied 16 MB each. Sizes now come from the entries, chains
    /// are walked only for extractable files, within per-image cluster and directory budgets.
    #[test]
    fn fat_long_chains_are_bounded() {
        let o = Options::default();
        for (files, size, dirs) in [(19_000, u32::MAX, 500), (2_000, 60 << 20, 0)] {
            let img = fat32_one_chain(files, size, dirs);
            let t = std::time::Instant::now();
            let n = crate::analyse_as(Kind::DiskImage, &img, "chain.img", &o);
            let took = t.elapsed().as_secs_f64();
            assert!(took < 1.0, "took {took} s");
            assert!(
                n.format.as_deref().unwrap().contains("FAT32"),
                "{:?}",
                n.format
            );
            assert!(n.has("content.limit"));
            assert!(n.children.iter().all(|c| c.sha256.is_empty()));
        }
        let img = fat32_one_chain(2_000, 60 << 20, 0);
        let mut l = Listing::new(64 << 20);
        assert!(partitions(&img.as_slice(), &mut l).is_some());
        assert_eq!(l.clusters, 0);
        assert_eq!(l.cut, Some("FAT cluster chain"));
        assert_eq!(
            l.files.last().unwrap().unread,
            Some("the image's cluster-chain budget is spent")
        );
    }
}
