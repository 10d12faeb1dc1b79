//! OLE/CFB compound files (MS-CFB): Word/Excel/PowerPoint 97-2003, encrypted OOXML, Outlook .msg, MSI,
//! HWP 5, and the OLE objects embedded in other documents. Names the format, then looks at what runs or
//! hides inside: VBA projects (see [`super::vba`]), Excel 4 macro sheets ([`super::xlm`]), DDE fields,
//! embedded objects and packages ([`super::native`]), Equation Editor objects, encryption.

use super::{native, vba, xlm};
use crate::{Node, Walk};
use spearwatch_core::{technique as t, Severity};
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

type Cfb<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// One directory entry, as a `/`-joined path without the leading `/`.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub path: String,
    pub name: String,
    pub stream: bool,
    pub len: u64,
    pub clsid: String,
}

/// An opened compound file and its directory.
pub(crate) struct Ole<'a> {
    cf: Cfb<'a>,
    /// The directory in preorder: a storage is followed by everything below it.
    pub entries: Vec<Entry>,
    /// Largest stream read (a stream cannot hold more than the file).
    cap: u64,
    /// Path -> index into `entries`, exact and ASCII-lower-cased: built once, so that lookups by path
    /// stay O(1) on directories with tens of thousands of entries.
    exact: HashMap<String, usize>,
    folded: HashMap<String, usize>,
    /// For each entry, the end (exclusive) of its subtree in `entries`.
    subtree_end: Vec<usize>,
    /// The directory was not read completely (too many entries, too deep, paths too long).
    pub truncated: bool,
}

/// Directory entries read from one compound file. A 6 MB file can hold ~50,000 (128 bytes each).
const MAX_ENTRIES: usize = 100_000;
/// Storages nested deeper than this are not descended into. Real files nest a few levels
/// (`ObjectPool/_id/ObjectPool`, attached messages in attached messages); each level lengthens every path
/// below it, so a hostile chain of nested storages would cost quadratic memory in paths alone.
const MAX_DEPTH: usize = 32;
/// Bytes of all entry paths together.
const MAX_PATH_BYTES: usize = 16 << 20;

/// MS-CFB §2.2 header sanity: signature, a sector shift of 9 or 12, mini sector shift 6. Cheap, and
/// keeps obviously broken headers away from the parser.
pub(crate) fn plausible(data: &[u8]) -> bool {
    const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    data.len() >= 512
        && data[..8] == MAGIC
        && matches!(u16::from_le_bytes([data[0x1E], data[0x1F]]), 9 | 12)
        && u16::from_le_bytes([data[0x20], data[0x21]]) == 6
}

/// The directory in preorder (MS-CFB §2.6: each storage's children are a red-black tree of siblings),
/// bounded in entries, depth and path bytes. Returns the entries, each one's subtree end, and whether
/// a bound cut the walk short.
fn directory(cf: &Cfb<'_>, file_len: u64) -> (Vec<Entry>, Vec<usize>, bool) {
    let mut out: Vec<Entry> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut truncated = false;
    let mut path_bytes = 0usize;
    let Ok(root) = cf.read_storage("/") else {
        return (out, ends, false);
    };
    // Each frame: the children still to visit, the depth, and the storage they belong to.
    let mut stack = vec![(root, 0usize, None::<usize>)];
    while let Some(top) = stack.last_mut() {
        let depth = top.1;
        let Some(e) = top.0.next() else {
            if let Some((_, _, Some(i))) = stack.pop() {
                ends[i] = out.len();
            }
            continue;
        };
        if out.len() >= MAX_ENTRIES || path_bytes > MAX_PATH_BYTES {
            truncated = true;
            break;
        }
        let path = e
            .path()
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        path_bytes = path_bytes.saturating_add(path.len());
        let i = out.len();
        out.push(Entry {
            path,
            name: e.name().to_string(),
            stream: e.is_stream(),
            // MS-CFB §2.6.3: version 3 files keep only the low 32 bits of a stream size, and the `cfb`
            // crate does not check version 4 sizes against the file: clamp to what the file can hold.
            len: e.len().min(file_len),
            clsid: e.clsid().to_string(),
        });
        ends.push(i + 1);
        if e.is_storage() {
            if depth + 1 >= MAX_DEPTH {
                truncated = true;
            } else if let Ok(children) = cf.read_storage(e.path()) {
                stack.push((children, depth + 1, Some(i)));
            }
        }
    }
    // Storages still open when a bound stopped the walk end where it stopped.
    for (_, _, i) in stack {
        if let Some(i) = i {
            ends[i] = out.len();
        }
    }
    (out, ends, truncated)
}

impl<'a> Ole<'a> {
    /// Opens a compound file. The `cfb` crate validates chains and directory, and returns errors for
    /// corrupt files; `catch_unwind` is the last resort should a corrupt file still make it panic.
    pub(crate) fn open(data: &'a [u8]) -> Result<Ole<'a>, String> {
        if !plausible(data) {
            return Err("not a valid MS-CFB header".into());
        }
        let cf = catch_unwind(AssertUnwindSafe(|| Cfb::open(Cursor::new(data))))
            .map_err(|_| "compound file parser panicked".to_string())?
            .map_err(|e| e.to_string())?;
        let (entries, subtree_end, truncated) =
            catch_unwind(AssertUnwindSafe(|| directory(&cf, data.len() as u64)))
                .map_err(|_| "compound file directory walk panicked".to_string())?;
        let mut exact = HashMap::with_capacity(entries.len());
        let mut folded = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            exact.entry(e.path.clone()).or_insert(i);
            folded.entry(e.path.to_ascii_lowercase()).or_insert(i);
        }
        Ok(Ole {
            cf,
            entries,
            cap: data.len() as u64,
            exact,
            folded,
            subtree_end,
            truncated,
        })
    }

    /// The root storage's CLSID.
    pub(crate) fn root_clsid(&self) -> String {
        self.cf.root_entry().clsid().to_string()
    }

    /// A stream's bytes by path (case-insensitive as MS-CFB §2.6.4 compares names), bounded.
    pub(crate) fn read(&mut self, path: &str) -> Option<Vec<u8>> {
        let e = self.entry(path)?;
        if !e.stream {
            return None;
        }
        let (p, len) = (format!("/{}", e.path), e.len.min(self.cap));
        let cf = &mut self.cf;
        catch_unwind(AssertUnwindSafe(|| {
            let s = cf.open_stream(&p).ok()?;
            // The declared size only bounds the read: the buffer grows with what is really there.
            let mut out = Vec::with_capacity(len.min(1 << 20) as usize);
            s.take(len).read_to_end(&mut out).ok()?;
            Some(out)
        }))
        .ok()
        .flatten()
    }

    fn index(&self, path: &str) -> Option<usize> {
        self.exact
            .get(path)
            .or_else(|| self.folded.get(&path.to_ascii_lowercase()))
            .copied()
    }

    pub(crate) fn entry(&self, path: &str) -> Option<&Entry> {
        self.entries.get(self.index(path)?)
    }

    pub(crate) fn has(&self, path: &str) -> bool {
        self.index(path).is_some()
    }

    /// Copies storage `dir` and everything below it into a compound file of its own (an embedded
    /// Word/Excel document in an `ObjectPool`), so that it can be analysed as an object of its own.
    pub(crate) fn extract_storage(&mut self, dir: &str, max: u64) -> Option<Vec<u8>> {
        let i = self.index(dir)?;
        let end = self.subtree_end.get(i).copied()?.min(self.entries.len());
        let base = self.entries.get(i)?.path.len() + 1;
        let mut items: Vec<Entry> = self.entries.get(i + 1..end)?.to_vec();
        if items.len() > 10_000 {
            return None;
        }
        // Declared sizes are attacker-chosen (MS-CFB §2.6.3; `cfb` does not check version 4 sizes):
        // what counts against `max` is what the streams really hold, as they are read.
        items.sort_by_key(|e| e.path.matches('/').count());
        let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new())).ok()?;
        let mut total = 0u64;
        for e in &items {
            let rel = format!("/{}", e.path.get(base..)?);
            if e.stream {
                let bytes = self.read(&e.path)?;
                total = total.saturating_add(bytes.len() as u64);
                if total > max {
                    return None;
                }
                let mut s = out.create_stream(&rel).ok()?;
                s.write_all(&bytes).ok()?;
            } else {
                out.create_storage(&rel).ok()?;
            }
        }
        out.flush().ok()?;
        Some(out.into_inner().into_inner())
    }
}

/// The storage path a path sits in.
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// CLSIDs of the Windows Installer database, patch and transform (the root storage's class).
const MSI_CLSIDS: &[&str] = &[
    "000c1084-0000-0000-c000-000000000046",
    "000c1086-0000-0000-c000-000000000046",
    "000c1082-0000-0000-c000-000000000046",
];
/// Equation Editor 3.0 (Equation.3): the CLSID of CVE-2017-11882 and CVE-2018-0802.
const EQUATION_CLSIDS: &[&str] = &[
    "0002ce02-0000-0000-c000-000000000046",
    "0002ce03-0000-0000-c000-000000000046",
];

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let mut ole = match Ole::open(data) {
        Ok(o) => o,
        Err(e) => {
            node.format = Some("Damaged OLE compound file".into());
            node.flag(
                "office.ole_corrupt",
                Severity::Low,
                "OLE compound file is damaged and could not be opened",
                &[t::OBFUSCATED_FILES],
                e,
                "MS-CFB structure invalid: Office may still repair and open it",
            );
            return;
        }
    };
    if ole.truncated {
        w.limit(
            node,
            "directory",
            format!(
                "compound file directory read as far as {} entries, {MAX_DEPTH} levels deep",
                ole.entries.len()
            ),
        );
    }
    let hwp = is_hwp(&mut ole);
    let mut format = identify(&ole, hwp);
    let kind = format;
    if hwp {
        // The HWP analysis names the format itself; what any compound file can carry (a VBA project,
        // embedded objects) is still looked for below.
        crate::hwp::analyse_cfb(w, node, &mut ole);
    } else if kind == "Outlook message" {
        node.format = Some(format.into());
        outlook(w, node, &mut ole);
        return;
    }
    encryption(w, node, &mut ole);
    // Storages of embedded objects are analysed as objects of their own (children), so the document's
    // own scan skips what lies inside them.
    let embedded = embedded_storages(&ole);
    let inside = |p: &str| {
        // `embedded` is sorted in path-component order and holds no storage below another: the only
        // candidate that can contain `p` is the greatest one before it.
        let k = embedded.partition_point(|d| component_cmp(d, p).is_lt());
        k > 0 && embedded.get(k - 1).is_some_and(|d| under(p, d))
    };

    // VBA projects: a storage holding `dir` and `_VBA_PROJECT` (MS-OVBA §2.2.1), wherever it sits
    // (`Macros/VBA` in Word, `_VBA_PROJECT_CUR/VBA` in Excel, `VBA` in vbaProject.bin).
    let vba_dirs: Vec<String> = ole
        .entries
        .iter()
        .filter(|e| e.stream && e.name.eq_ignore_ascii_case("dir") && !inside(&e.path))
        .map(|e| parent(&e.path).to_string())
        .filter(|d| ole.has(&join(d, "_VBA_PROJECT")))
        .collect();
    let mut macros = false;
    for d in &vba_dirs {
        if w.expired(node) {
            return;
        }
        macros |= vba::analyse(w, node, d, &mut |p| ole.read(p));
        hidden_modules(node, &mut ole, d);
    }
    if macros {
        format = match kind {
            "Word 97-2003 document" => "Word 97-2003 document with VBA project",
            "Excel 97-2003 workbook" => "Excel 97-2003 workbook with VBA project",
            "PowerPoint 97-2003 presentation" => "PowerPoint 97-2003 presentation with VBA project",
            "VBA project storage" => "VBA project storage (vbaProject.bin)",
            _ => "OLE compound file with VBA project",
        };
    }
    if hwp {
        if macros {
            let f = node.format.take().unwrap_or_else(|| kind.to_string());
            node.format = Some(format!("{f}; with a VBA project storage"));
        }
    } else {
        node.format = Some(format.into());
    }

    if let Some(wb) = ole.read("Workbook").or_else(|| ole.read("Book")) {
        xlm::biff(node, &wb);
    }
    if let Some(wd) = ole.read("WordDocument") {
        let table = ole.read(super::word::table_stream(&wd)).unwrap_or_default();
        word(node, &wd, &table);
    }
    if let Some(pd) = ole.read("PowerPoint Document") {
        let before = node.children.len();
        super::ppt::analyse(w, node, &pd);
        let vba = node.children[before..]
            .iter()
            .any(|c| c.has("office.vba_macros"));
        if vba {
            node.format = Some("PowerPoint 97-2003 presentation with VBA project".into());
        }
    }
    objects(w, node, &mut ole, &embedded);
}

/// Paths compared component by component (`a/b` < `a-c`): a storage and everything below it are then
/// contiguous in sorted order, with the storage first.
fn component_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Whether `path` lies below storage `dir`.
fn under(path: &str, dir: &str) -> bool {
    path.len() > dir.len() && path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/')
}

/// HWP 5 (HWP 5.0 specification §3.2.1): a `FileHeader` stream with the signature, and none of the
/// streams Word, Excel or PowerPoint open the file by. Those applications ignore `FileHeader`, so a
/// macro document that adds one must still be read as what Office sees.
fn is_hwp(ole: &mut Ole<'_>) -> bool {
    let office = ["WordDocument", "Workbook", "Book", "PowerPoint Document"]
        .iter()
        .any(|n| ole.entry(n).is_some_and(|e| e.stream));
    !office
        && ole.entry("FileHeader").is_some_and(|e| e.stream)
        && ole
            .read("FileHeader")
            .is_some_and(|h| h.starts_with(b"HWP Document File"))
}

/// Names the compound file by its root streams and class (MS-DOC, MS-XLS, MS-PPT, MS-OFFCRYPTO,
/// MS-OXMSG, the HWP 5.0 specification, MSI).
fn identify(ole: &Ole<'_>, hwp: bool) -> &'static str {
    // Root entries have no `/` in their path: a lookup by name is a lookup at the root.
    let root = |n: &str| ole.has(n);
    if hwp {
        "HWP 5 document"
    } else if root("EncryptedPackage") {
        "Encrypted Office 2007+ document"
    } else if root("WordDocument") {
        "Word 97-2003 document"
    } else if root("Workbook") {
        "Excel 97-2003 workbook"
    } else if root("Book") {
        "Excel 5.0/95 workbook"
    } else if root("PowerPoint Document") {
        "PowerPoint 97-2003 presentation"
    } else if root("__properties_version1.0") {
        "Outlook message"
    } else if MSI_CLSIDS.contains(&ole.root_clsid().as_str()) {
        "Windows Installer package (MSI)"
    } else if root("VBA") && root("PROJECT") {
        "VBA project storage"
    } else if root("\u{1}Ole10Native") {
        "OLE Package object (Ole10Native)"
    } else if root("Equation Native") || EQUATION_CLSIDS.contains(&ole.root_clsid().as_str()) {
        "Equation Editor 3.0 object"
    } else if root("Package") {
        "OLE object holding an Office document"
    } else if root("VisioDocument") {
        "Visio 2003-2010 drawing"
    } else if root("Quill") {
        "Publisher document"
    } else {
        "OLE compound file"
    }
}

/// Encrypted documents: EncryptedPackage (MS-OFFCRYPTO §2.3.4.4 OOXML in a CFB), Word's FIB
/// fEncrypted bit (MS-DOC §2.5.2), PowerPoint's EncryptedSummary stream (MS-PPT §2.3.6). Excel's
/// FILEPASS record is looked for by the BIFF scan.
fn encryption(w: &Walk<'_>, node: &mut Node, ole: &mut Ole<'_>) {
    if ole.has("EncryptedPackage") {
        let info = ole.read("EncryptionInfo").unwrap_or_default();
        let scheme = match info.get(0..4).map(|v| {
            (
                u16::from_le_bytes([v[0], v[1]]),
                u16::from_le_bytes([v[2], v[3]]),
            )
        }) {
            Some((4, 4)) => "agile encryption (MS-OFFCRYPTO §2.3.4.10)",
            Some((2..=4, 2)) => "standard encryption (MS-OFFCRYPTO §2.3.4.5)",
            Some((3 | 4, 3)) => "extensible encryption (MS-OFFCRYPTO §2.3.4.6)",
            _ => "unknown encryption version",
        };
        let velvet = super::crypto::default_password(&info);
        // A password the message itself gives (the usual "password: 1234" lure) opens it too: the
        // sender wanted it read, and scanners kept out.
        let from_mail = if velvet == Some(true) {
            None
        } else {
            w.passwords()
                .filter(|p| w.password_from_mail(p))
                .take(5)
                .find(|p| super::crypto::opens_with(&info, p) == Some(true))
                .map(str::to_string)
        };
        flag_encrypted(
            node,
            "EncryptedPackage",
            scheme,
            velvet,
            from_mail.as_deref(),
        );
        return;
    }
    if let Some(wd) = ole.read("WordDocument") {
        if let Some(f) = wd.get(0x0A..0x0C) {
            let flags = u16::from_le_bytes([f[0], f[1]]);
            if wd.get(0..2) == Some(&[0xEC, 0xA5]) && flags & 0x0100 != 0 {
                let how = if flags & 0x8000 != 0 {
                    "XOR obfuscation (MS-DOC fObfuscated)"
                } else {
                    "RC4 encryption (MS-DOC fEncrypted)"
                };
                flag_encrypted(node, "WordDocument", how, None, None);
            }
        }
    }
    if ole.has("EncryptedSummary") {
        flag_encrypted(
            node,
            "EncryptedSummary",
            "RC4 CryptoAPI encryption (MS-PPT)",
            None,
            None,
        );
    }
}

pub(crate) fn flag_encrypted(
    node: &mut Node,
    stream: &str,
    scheme: &str,
    default_password: Option<bool>,
    mail_password: Option<&str>,
) {
    if node.has("office.encrypted") {
        return;
    }
    node.encrypted = true;
    let pw = match (default_password, mail_password) {
        (Some(true), _) => {
            "; opens with Excel's default password \"VelvetSweatshop\": no password \
                            prompt, the encryption only hides the content from scanners"
                .to_string()
        }
        (_, Some(p)) => format!("; opens with the password \"{p}\" given in the message"),
        (Some(false), None) => "; needs a password the recipient must be given".to_string(),
        (None, None) => String::new(),
    };
    node.flag(
        "office.encrypted",
        Severity::Medium,
        "Office document is encrypted: its content cannot be scanned",
        &[t::ENCRYPTED_FILE],
        stream,
        format!("{scheme}{pw}"),
    );
}

/// Storages that hold one embedded object each: Word's `ObjectPool/_<id>` (MS-DOC §2.1.4), Excel's
/// `MBD<id>` (MS-XLS §2.1.7.19), and any other storage with an `\x01Ole10Native` stream. (VBA form
/// designer storages also carry `\x01CompObj`; they are part of the project, not embedded objects.)
fn embedded_storages(ole: &Ole<'_>) -> Vec<String> {
    let mut v: Vec<String> = ole
        .entries
        .iter()
        .filter(|e| !e.stream)
        .filter(|e| {
            let p = parent(&e.path);
            p.eq_ignore_ascii_case("ObjectPool")
                || (p.is_empty()
                    && e.name.len() > 3
                    && e.name
                        .get(..3)
                        .is_some_and(|m| m.eq_ignore_ascii_case("MBD")))
                || ole.has(&join(&e.path, "\u{1}Ole10Native"))
        })
        .map(|e| e.path.clone())
        .collect();
    // Keep the outermost storages only: in path-component order a storage's descendants follow it
    // directly, so one pass against the last kept storage finds them (O(n log n), not O(n^2)).
    v.sort_by(|a, b| component_cmp(a, b));
    v.dedup();
    let mut outer: Vec<String> = Vec::new();
    for d in v {
        if outer.last().is_some_and(|o| under(&d, o)) {
            continue;
        }
        outer.push(d);
    }
    outer
}

/// Embedded objects: packages, Office documents, Equation Editor objects, at the root (this file is
/// itself an OLE object) and in each embedded storage.
fn objects(w: &mut Walk<'_>, node: &mut Node, ole: &mut Ole<'_>, embedded: &[String]) {
    object_streams(w, node, ole, "");
    let mut listed = Vec::new();
    for d in embedded {
        if w.expired(node) {
            return;
        }
        listed.push(d.as_str());
        let clsid = ole.entry(d).map(|e| e.clsid.clone()).unwrap_or_default();
        let has = |n: &str| ole.has(&join(d, n));
        if has("\u{1}Ole10Native") || has("Package") || has("CONTENTS") || has("Equation Native") {
            object_streams(w, node, ole, d);
        } else if EQUATION_CLSIDS.contains(&clsid.as_str()) {
            flag_equation(node, d);
        } else {
            // An embedded compound document (Word, Excel, PowerPoint, another OLE server): rebuilt as a
            // compound file of its own and analysed like an attachment.
            let room = w.room();
            if let Some(bytes) = ole.extract_storage(d, room) {
                let before = node.children.len();
                w.child(node, d, &bytes);
                if node.children.len() == before {
                    // The walk took no more objects (its node limit, flagged there): rebuilding the
                    // rest would be wasted work.
                    break;
                }
            }
        }
    }
    if !listed.is_empty() && !node.has("office.embedded_object") {
        node.flag(
            "office.embedded_object",
            Severity::Low,
            "Document embeds OLE objects",
            &[t::EMBEDDED_PAYLOADS],
            listed.join(", "),
            format!("{} embedded object storage(s)", embedded.len()),
        );
    }
}

/// The streams of one object storage that carry a payload.
fn object_streams(w: &mut Walk<'_>, node: &mut Node, ole: &mut Ole<'_>, dir: &str) {
    if ole.has(&join(dir, "Equation Native")) {
        flag_equation(node, &join(dir, "Equation Native"));
    }
    if let Some(native) = ole.read(&join(dir, "\u{1}Ole10Native")) {
        native::ole10native(w, node, &native, &join(dir, "\\x01Ole10Native"));
    }
    // An embedded OOXML document (Word.Document.12 and friends) keeps its zip in `Package`; PDFs and
    // other servers keep their file in `CONTENTS`.
    for name in ["Package", "CONTENTS"] {
        if let Some(bytes) = ole.read(&join(dir, name)) {
            if !bytes.is_empty() {
                w.child(node, &join(dir, name), &bytes);
            }
        }
    }
}

pub(crate) fn flag_equation(node: &mut Node, where_: &str) {
    if node.has("office.equation_editor") {
        return;
    }
    node.flag(
        "office.equation_editor",
        Severity::Critical,
        "Document embeds an Equation Editor 3.0 object (CVE-2017-11882 / CVE-2018-0802 exploit class)",
        &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
        where_,
        "Equation Editor (EQNEDT32.EXE) was removed from Office in 2018; its objects are used to run \
         shellcode through its stack overflows",
    );
}

/// EvilClippy's "hide module" trick: a module in `dir` that the PROJECT stream (MS-OVBA §2.3.1) does
/// not list is invisible in the VBA editor but still runs.
fn hidden_modules(node: &mut Node, ole: &mut Ole<'_>, vba_dir: &str) {
    let Some(project) = ole.read(&join(parent(vba_dir), "PROJECT")) else {
        return;
    };
    let Some(dir) = ole.read(&join(vba_dir, "dir")) else {
        return;
    };
    let Ok(dir) = super::ovba::decompress(&dir, 16 << 20) else {
        return;
    };
    let p = vba::parse_dir(&dir);
    let text = vba::decode(&project, p.code_page);
    let listed: std::collections::HashSet<String> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| matches!(k.trim(), "Module" | "Document" | "Class" | "BaseClass"))
        .map(|(_, v)| v.split('/').next().unwrap_or(v).trim().to_ascii_lowercase())
        .collect();
    if !text.contains("ID=\"") && listed.is_empty() {
        return;
    }
    let hidden: Vec<&str> = p
        .modules
        .iter()
        .map(|m| m.name.as_str())
        .filter(|n| !listed.contains(&n.to_ascii_lowercase()))
        .collect();
    if !hidden.is_empty() && !node.has("office.vba_hidden_module") {
        node.flag(
            "office.vba_hidden_module",
            Severity::High,
            "VBA module is hidden from the macro editor",
            &[t::VBA_STOMPING, t::VISUAL_BASIC],
            hidden.join(", "),
            format!("in {vba_dir}/dir but not listed in the PROJECT stream (MS-OVBA §2.3.1)"),
        );
    }
}

/// Word binary documents: the text (MS-DOC piece table) for the lure detectors, and DDE fields
/// (T1559.002) among its field codes (between the field-begin 0x13 and separator 0x14 characters,
/// MS-DOC §2.8.25). When the piece table cannot be read (encrypted, damaged), or its text (read up to
/// a cap, for the lure detectors) holds no DDE field, the raw stream is searched for field codes in
/// 8-bit and UTF-16 text as well: a field after 256K characters of padding is still found.
fn word(node: &mut Node, wd: &[u8], table: &[u8]) {
    let encrypted = wd.get(0x0A..0x0C).is_some_and(|f| f[1] & 0x01 != 0);
    let raw = if encrypted {
        None
    } else {
        super::word::text(wd, table)
    };
    let dde = match &raw {
        Some(raw) => {
            let text = super::word::readable(raw);
            if !text.trim().is_empty() {
                node.push_text(&text);
            }
            super::word::field_codes(raw).into_iter().find_map(|code| {
                let u = code.to_ascii_uppercase();
                (u.starts_with("DDEAUTO") || u.starts_with("DDE "))
                    .then(|| (code.clone(), u.starts_with("DDEAUTO")))
            })
        }
        None => None,
    };
    let dde = dde.or_else(|| find_dde(wd));
    if let Some((cmd, auto)) = dde {
        super::flag_dde(node, &cmd, auto, "WordDocument field code");
    }
}

/// The first DDE/DDEAUTO field instruction in 8-bit or UTF-16LE text.
pub(crate) fn find_dde(b: &[u8]) -> Option<(String, bool)> {
    // 8-bit: 0x13, spaces, DDE...
    for (i, _) in b.iter().enumerate().filter(|(_, &c)| c == 0x13) {
        let mut j = i + 1;
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        if let Some(s) = dde_at(b.get(j..)?, 1) {
            return Some(s);
        }
        // UTF-16LE: 13 00, 20 00..., D 00 D 00 E 00
        if b.get(i + 1) == Some(&0) {
            let mut j = i + 2;
            while b.get(j..j + 2) == Some(&[b' ', 0]) {
                j += 2;
            }
            if let Some(s) = dde_at(b.get(j..)?, 2) {
                return Some(s);
            }
        }
    }
    None
}

/// `DDE`/`DDEAUTO` at the start of `b` (step 1 = 8-bit, 2 = UTF-16LE), up to the field separator.
fn dde_at(b: &[u8], step: usize) -> Option<(String, bool)> {
    // Most field-begin bytes start something else: look at three characters before building text.
    let starts_dde = b
        .iter()
        .step_by(step)
        .take(3)
        .map(u8::to_ascii_uppercase)
        .eq(*b"DDE");
    if !starts_dde {
        return None;
    }
    let text: String = b
        .iter()
        .step_by(step)
        .take(400)
        .take_while(|&&c| c != 0x14 && c != 0x15 && c != 0x13)
        .map(|&c| c as char)
        .collect();
    let upper = text.to_ascii_uppercase();
    if upper.starts_with("DDEAUTO") {
        Some((text.trim().to_string(), true))
    } else if upper.starts_with("DDE ") {
        Some((text.trim().to_string(), false))
    } else {
        None
    }
}

/// Outlook .msg (MS-OXMSG): the body for the lure detectors, each attachment's data as a child under
/// its long file name.
fn outlook(w: &mut Walk<'_>, node: &mut Node, ole: &mut Ole<'_>) {
    let utf16 = |b: &[u8]| {
        let u: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&u)
            .trim_end_matches('\0')
            .to_string()
    };
    for s in ["__substg1.0_0037001F", "__substg1.0_1000001F"] {
        if let Some(b) = ole.read(s) {
            node.push_text(&utf16(&b));
        }
    }
    let attachments: Vec<String> = ole
        .entries
        .iter()
        .filter(|e| {
            !e.stream && !e.path.contains('/') && e.name.starts_with("__attach_version1.0_")
        })
        .map(|e| e.path.clone())
        .collect();
    for a in attachments {
        if w.expired(node) {
            return;
        }
        let name = ["__substg1.0_3707001F", "__substg1.0_3704001F"]
            .iter()
            .find_map(|s| {
                ole.read(&join(&a, s))
                    .map(|b| utf16(&b))
                    .filter(|n| !n.is_empty())
            })
            .unwrap_or_else(|| a.clone());
        if let Some(data) = ole.read(&join(&a, "__substg1.0_37010102")) {
            w.child(node, &name, &data);
        } else if ole.has(&join(&a, "__substg1.0_3701000D")) {
            // An attached message or embedded object storage: rebuilt and analysed.
            let room = w.room();
            if let Some(bytes) = ole.extract_storage(&join(&a, "__substg1.0_3701000D"), room) {
                w.child(node, &name, &bytes);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::office::vba::tests::{compress_literal, dir_stream, module_stream};

    /// Builds a compound file from `(path, bytes)` streams (storages are created on the way).
    pub(crate) fn cfb_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for (path, data) in streams {
            let p = std::path::Path::new(path);
            if let Some(parent) = p.parent() {
                if parent != std::path::Path::new("/") {
                    cf.create_storage_all(parent).unwrap();
                }
            }
            let mut s = cf.create_stream(path).unwrap();
            s.write_all(data).unwrap();
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    pub(crate) fn run(data: &[u8], name: &str) -> Node {
        crate::analyse(data, name, None, &crate::Options::default())
    }

    pub(crate) fn ids(n: &Node) -> Vec<String> {
        let mut v: Vec<String> = n.all_findings().map(|f| f.id.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// A Word 97 document with an inert macro (a MsgBox on open) in `Macros/VBA`.
    pub(crate) fn word_with_macro(source: &str, pcode: &[Option<&str>]) -> Vec<u8> {
        let (module, off) = module_stream(pcode, source);
        let dir = compress_literal(&dir_stream(&[("ThisDocument", off)]));
        let mut wd = vec![0xEC, 0xA5];
        wd.resize(1024, 0);
        cfb_file(&[
            ("/WordDocument", &wd),
            ("/Macros/PROJECT", b"ID=\"{00000000-0000-0000-0000-000000000000}\"\r\nDocument=ThisDocument/&H00000000\r\n"),
            ("/Macros/VBA/dir", &dir),
            ("/Macros/VBA/_VBA_PROJECT", &[0xCC, 0x61, 0xB2, 0x00, 0x00, 0x03, 0x00]),
            ("/Macros/VBA/ThisDocument", &module),
        ])
    }

    #[test]
    fn word_document_with_autoopen_macro() {
        let src = "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nMsgBox \"hello\"\r\nEnd Sub\r\n";
        let n = run(
            &word_with_macro(
                src,
                &[Some("AutoOpen"), Some("from the P-code"), Some("End Sub")],
            ),
            "a.doc",
        );
        assert_eq!(
            n.format.as_deref(),
            Some("Word 97-2003 document with VBA project")
        );
        let found = ids(&n);
        assert!(
            found.contains(&"office.vba_macros".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"office.macro_autoexec".to_string()));
        assert!(!found.contains(&"office.macro_auto_payload".to_string()));
        assert!(
            found.contains(&"office.vba_stomping".to_string()),
            "p-code strings not in source: {found:?}"
        );
        assert!(n.text.contains("MsgBox \"hello\""));
    }

    #[test]
    fn honest_macro_is_not_stomped_and_shell_on_open_is_critical() {
        let src = "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nShell \"calc.exe\"\r\nEnd Sub\r\n";
        let n = run(
            &word_with_macro(src, &[None, Some("calc.exe"), None]),
            "a.doc",
        );
        let found = ids(&n);
        // p-code lines (1) differ from source lines (3): that alone is a stomping signal...
        assert!(found.contains(&"office.vba_stomping".to_string()));
        let n = run(
            &word_with_macro(src, &[Some("Sub"), Some("calc.exe"), Some("End Sub")]),
            "a.doc",
        );
        let found = ids(&n);
        // ...while matching lines and strings are not.
        assert!(
            !found.contains(&"office.vba_stomping".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"office.macro_auto_payload".to_string()));
        let f = n
            .all_findings()
            .find(|f| f.id == "office.macro_auto_payload")
            .unwrap();
        assert_eq!(f.severity, Severity::Critical);
    }

    #[test]
    fn corrupt_compound_files_never_panic() {
        let good = word_with_macro("Sub A()\r\nEnd Sub\r\n", &[]);
        let mut x = 0x9E37_79B9u32;
        for _ in 0..300 {
            let mut d = good.clone();
            for _ in 0..20 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let i = (x as usize) % d.len();
                d[i] = (x >> 8) as u8;
            }
            let _ = run(&d, "x.doc");
        }
        for n in [0, 100, 511, 512, 1000, good.len() / 2] {
            let _ = run(&good[..n.min(good.len())], "x.doc");
        }
    }

    #[test]
    fn objectpool_package_is_extracted_under_its_file_name() {
        let native = crate::office::native::tests::package("invoice.js", b"WScript.Echo('inert')");
        let mut wd = vec![0xEC, 0xA5];
        wd.resize(1024, 0);
        let doc = cfb_file(&[
            ("/WordDocument", &wd),
            ("/ObjectPool/_1234/\u{1}Ole10Native", &native),
            ("/ObjectPool/_1234/\u{1}CompObj", b"x"),
        ]);
        let n = run(&doc, "a.doc");
        let found = ids(&n);
        assert!(
            found.contains(&"office.ole_package".to_string()),
            "{found:?}"
        );
        assert!(n.iter().any(|c| c.name == "invoice.js"));
    }

    #[test]
    fn embedded_document_in_objectpool_is_analysed_as_a_child() {
        let src =
            "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nMsgBox \"x\"\r\nEnd Sub\r\n";
        let inner = word_with_macro(
            src,
            &[Some("Sub AutoOpen"), Some("MsgBox"), Some("End Sub")],
        );
        let mut o = Ole::open(&inner).unwrap();
        let paths: Vec<String> = o
            .entries
            .iter()
            .filter(|e| e.stream)
            .map(|e| e.path.clone())
            .collect();
        let streams: Vec<(String, Vec<u8>)> = paths
            .iter()
            .map(|p| (format!("/ObjectPool/_99/{p}"), o.read(p).unwrap()))
            .collect();
        let mut all: Vec<(&str, &[u8])> = streams
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_slice()))
            .collect();
        let mut wd = vec![0xEC, 0xA5];
        wd.resize(1024, 0);
        all.push(("/WordDocument", &wd));
        let n = run(&cfb_file(&all), "outer.doc");
        assert!(
            !n.has("office.vba_macros"),
            "the outer document has no macros of its own"
        );
        assert_eq!(n.format.as_deref(), Some("Word 97-2003 document"));
        let child = n
            .children
            .iter()
            .find(|c| c.name == "ObjectPool/_99")
            .unwrap();
        assert!(child.has("office.vba_macros"));
        assert!(n.has("office.embedded_object"));
    }

    #[test]
    fn dde_field_in_word_text() {
        let mut wd = vec![0xEC, 0xA5];
        wd.resize(1024, 0);
        wd.extend_from_slice(
            b"\x13 DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc.exe\" \x14\x15",
        );
        let n = run(&cfb_file(&[("/WordDocument", &wd)]), "a.doc");
        assert!(ids(&n).contains(&"office.dde".to_string()));
        // Through the piece table: text for the lure detectors, the field code without its result.
        let (wd, table) = crate::office::word::tests::doc(
            "Please enable content\r\x13 DDEAUTO c:\\windows\\cmd.exe \"/k calc\" \x14\x15\r",
        );
        let n = run(
            &cfb_file(&[("/WordDocument", &wd), ("/1Table", &table)]),
            "a.doc",
        );
        assert!(n.text.contains("Please enable content"));
        let f = n.findings.iter().find(|f| f.id == "office.dde").unwrap();
        assert!(f.evidence[0].value.starts_with("DDEAUTO"));
    }

    #[test]
    fn formats_by_root_streams() {
        let n = run(
            &cfb_file(&[("/FileHeader", b"HWP Document File"), ("/DocInfo", b"")]),
            "a.hwp",
        );
        assert_eq!(n.format.as_deref(), Some("HWP 5 document"));
        let n = run(
            &cfb_file(&[
                ("/EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
                ("/EncryptedPackage", b"12345678"),
            ]),
            "a.docx",
        );
        assert!(ids(&n).contains(&"office.encrypted".to_string()));
        let n = run(&cfb_file(&[("/Equation Native", b"\x1c\x00")]), "x.bin");
        assert!(ids(&n).contains(&"office.equation_editor".to_string()));
    }

    /// Options with a small node limit, for fixtures that would otherwise open thousands of children.
    fn few_nodes() -> crate::Options {
        let mut o = crate::Options::default();
        o.limits.max_nodes = 50;
        o
    }

    /// Sets the 64-bit stream size (MS-CFB §2.6.1, offset 0x78 of the 128-byte directory entry) of the
    /// entry named `name` in a built compound file.
    fn set_stream_size(file: &mut [u8], name: &str, size: u64) {
        let mut pat: Vec<u8> = name.encode_utf16().flat_map(|c| c.to_le_bytes()).collect();
        pat.extend_from_slice(&[0, 0]);
        let at = (0..file.len().saturating_sub(128))
            .step_by(128)
            .find(|&i| file[i..].starts_with(&pat))
            .expect("directory entry");
        file[at + 0x78..at + 0x80].copy_from_slice(&size.to_le_bytes());
    }

    #[test]
    fn v4_stream_sizes_near_u64_max_do_not_overflow() {
        let mut cf =
            cfb::CompoundFile::create_with_version(cfb::Version::V4, Cursor::new(Vec::new()))
                .unwrap();
        let mut wd = vec![0xEC, 0xA5];
        wd.resize(1024, 0);
        cf.create_stream("/WordDocument")
            .unwrap()
            .write_all(&wd)
            .unwrap();
        cf.create_storage_all("/ObjectPool/_1").unwrap();
        for n in ["/ObjectPool/_1/AAAA", "/ObjectPool/_1/BBBB"] {
            cf.create_stream(n)
                .unwrap()
                .write_all(&[7u8; 5000])
                .unwrap();
        }
        cf.flush().unwrap();
        let mut file = cf.into_inner().into_inner();
        set_stream_size(&mut file, "AAAA", 1 << 63);
        set_stream_size(&mut file, "BBBB", 1 << 63);
        let t = std::time::Instant::now();
        let n = run(&file, "a.doc");
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        let o = Ole::open(&file).expect("cfb opens version 4 files without checking sizes");
        assert!(o.entries.iter().all(|e| e.len <= file.len() as u64));
        assert_eq!(n.format.as_deref(), Some("Word 97-2003 document"));
        assert!(n.has("office.embedded_object"));
    }

    #[test]
    fn fifty_thousand_objectpool_storages_stay_fast() {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        let mut wd = vec![0xEC, 0xA5];
        wd.resize(1024, 0);
        cf.create_stream("/WordDocument")
            .unwrap()
            .write_all(&wd)
            .unwrap();
        cf.create_storage("/ObjectPool").unwrap();
        for i in 0..50_000 {
            cf.create_storage(format!("/ObjectPool/_{i}")).unwrap();
        }
        cf.flush().unwrap();
        let file = cf.into_inner().into_inner();
        let opts = few_nodes();
        let t = std::time::Instant::now();
        let n = crate::analyse(&file, "a.doc", None, &opts);
        let took = t.elapsed();
        assert!(took.as_secs_f64() < 1.0, "{took:?}");
        assert!(n.has("office.embedded_object"));
        assert!(n.has("content.limit"), "{:?}", ids(&n));
    }

    #[test]
    fn outermost_embedded_storages_and_inside() {
        let doc = cfb_file(&[
            ("/WordDocument", &[0xEC, 0xA5, 0, 0]),
            ("/ObjectPool/_1/x", b"1"),
            ("/ObjectPool/_1/ObjectPool/_2/y", b"2"),
            ("/ObjectPool/_1-b/z", b"3"),
        ]);
        let o = Ole::open(&doc).unwrap();
        assert_eq!(
            embedded_storages(&o),
            vec!["ObjectPool/_1", "ObjectPool/_1-b"]
        );
        // The subtree of a storage is contiguous in the directory, the storage first.
        let i = o.index("ObjectPool/_1").unwrap();
        let below: Vec<&str> = o.entries[i + 1..o.subtree_end[i]]
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert!(below.iter().all(|p| under(p, "ObjectPool/_1")), "{below:?}");
        assert_eq!(below.len(), 4, "{below:?}");
    }

    #[test]
    fn dde_field_after_the_text_cap_is_found() {
        let mut text = "x".repeat(300_000);
        text.push_str("\r\u{13} DDEAUTO c:\\windows\\system32\\cmd.exe \"/k calc\" \u{14}\u{15}\r");
        let (wd, table) = crate::office::word::tests::doc(&text);
        let t = std::time::Instant::now();
        let n = run(
            &cfb_file(&[("/WordDocument", &wd), ("/1Table", &table)]),
            "a.doc",
        );
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        let f = n.findings.iter().find(|f| f.id == "office.dde").unwrap();
        assert!(f.evidence[0].value.starts_with("DDEAUTO"));
    }

    #[test]
    fn macro_document_with_hwp_streams_is_still_a_word_document() {
        let src = "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nShell \"calc.exe\"\r\nEnd Sub\r\n";
        let base = word_with_macro(src, &[Some("Sub"), Some("calc.exe"), Some("End Sub")]);
        let mut o = Ole::open(&base).unwrap();
        let paths: Vec<String> = o
            .entries
            .iter()
            .filter(|e| e.stream)
            .map(|e| e.path.clone())
            .collect();
        let mut streams: Vec<(String, Vec<u8>)> = paths
            .iter()
            .map(|p| (format!("/{p}"), o.read(p).unwrap()))
            .collect();
        streams.push(("/FileHeader".into(), b"HWP Document File".to_vec()));
        streams.push(("/DocInfo".into(), Vec::new()));
        let all: Vec<(&str, &[u8])> = streams
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_slice()))
            .collect();
        let n = run(&cfb_file(&all), "a.doc");
        assert_eq!(
            n.format.as_deref(),
            Some("Word 97-2003 document with VBA project")
        );
        assert!(n.has("office.macro_auto_payload"), "{:?}", ids(&n));

        // A real HWP document that also carries a VBA storage: HWP analysis, then the VBA project.
        let mut streams: Vec<(String, Vec<u8>)> = paths
            .iter()
            .filter(|p| p.starts_with("Macros/"))
            .map(|p| (format!("/{p}"), o.read(p).unwrap()))
            .collect();
        let mut header = b"HWP Document File".to_vec();
        header.resize(256, 0);
        streams.push(("/FileHeader".into(), header));
        streams.push(("/DocInfo".into(), Vec::new()));
        let all: Vec<(&str, &[u8])> = streams
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_slice()))
            .collect();
        let n = run(&cfb_file(&all), "a.hwp");
        assert!(
            n.format.as_deref().is_some_and(|f| f.starts_with("HWP ")),
            "{:?}",
            n.format
        );
        assert!(n.has("office.vba_macros"), "{:?}", ids(&n));
        // FileHeader without the signature: not HWP.
        let n = run(
            &cfb_file(&[("/FileHeader", b"not a header"), ("/DocInfo", b"")]),
            "a.hwp",
        );
        assert_eq!(n.format.as_deref(), Some("OLE compound file"));
    }

    #[test]
    fn deeply_nested_storages_are_bounded() {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        let mut p = String::new();
        for _ in 0..200 {
            p.push_str("/s");
            cf.create_storage(&p).unwrap();
        }
        cf.flush().unwrap();
        let file = cf.into_inner().into_inner();
        let o = Ole::open(&file).unwrap();
        assert!(o.truncated);
        assert!(o.entries.len() <= MAX_DEPTH);
        let n = run(&file, "x.bin");
        assert!(n.has("content.limit"));
    }
}
