//! OneNote sections (MS-ONESTORE): files attached to a page are stored whole in FileDataStoreObject
//! structures (§2.6.13), found here by their header GUID. The attachment names live in the page's
//! property sets; rather than decode the whole revision store, the UTF-16 file names in the section are
//! matched to the objects by type. Sections in the web-app packaging (§2.8, FSSHTTPB) have no such
//! structure: executables in them are carved by their PE headers.

use crate::archive::{extension, runs};
use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};
use std::collections::{HashMap, HashSet, VecDeque};

/// §2.6.13 guidHeader {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC} as stored (GUID fields little-endian).
const FILE_DATA_HEADER: [u8; 16] = [
    0xE7, 0x16, 0xE3, 0xBD, 0x65, 0x26, 0x11, 0x45, 0xA4, 0xC4, 0x8D, 0x4D, 0x0B, 0x7A, 0x9E, 0xAC,
];
/// Embedded objects taken from one section at most.
const MAX_OBJECTS: usize = 500;
/// Distinct file names collected from one section at most; a real section names a handful, a crafted
/// one millions.
const MAX_NAMES: usize = 4096;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let mut objects: Vec<(usize, &[u8])> = Vec::new();
    let mut capped = false;
    for at in memchr::memmem::find_iter(data, &FILE_DATA_HEADER) {
        if objects.len() >= MAX_OBJECTS {
            capped = true;
            break;
        }
        // §2.6.13: guidHeader, cbLength u64, unused u32, reserved u64, FileData, padding, guidFooter.
        let Some(len) = crate::archive::u64le(data, at + 16).and_then(|l| usize::try_from(l).ok())
        else {
            continue;
        };
        let start = at + 36;
        let body = data
            .get(start..start.saturating_add(len).min(data.len()))
            .unwrap_or(&[]);
        objects.push((at, body));
    }
    let carved = objects.is_empty();
    if carved {
        (objects, capped) = carve_pe(data);
    }
    if capped {
        w.limit(
            node,
            "embedded objects",
            format!(
                "more than {MAX_OBJECTS} embedded {} in one section; the rest were not opened",
                if carved {
                    "programs"
                } else {
                    "FileDataStoreObjects"
                }
            ),
        );
    }
    let mut names = Names::new(file_names(data));
    let mut embedded = Vec::new();
    let mut running = Vec::new();
    for (i, (at, body)) in objects.iter().enumerate() {
        if w.expired(node) {
            break;
        }
        let kind = crate::kind::sniff(body, "");
        let name = names
            .take(kind)
            .unwrap_or_else(|| format!("embedded-{}.{}", i + 1, guess_extension(kind, body)));
        w.child(node, &name, body);
        let Some(c) = node.children.last() else {
            continue;
        };
        if matches!(c.detected_type, Kind::Png | Kind::Jpeg | Kind::Gif) {
            continue; // pictures pasted into the page
        }
        let line = format!(
            "{name} ({}, {} bytes at offset {at})",
            c.detected_type.as_str(),
            body.len()
        );
        if runs(c) || (matches!(c.detected_type, Kind::Script | Kind::Html) && runs_by_ext(&name)) {
            running.push(line.clone());
        }
        embedded.push(line);
    }
    node.format = Some(format!(
        "OneNote section, {} embedded objects{}",
        objects.len(),
        if carved && !objects.is_empty() {
            " (carved: web-app packaging)"
        } else {
            ""
        }
    ));
    if embedded.is_empty() {
        return;
    }
    let (severity, title) = if running.is_empty() {
        (Severity::High, "OneNote section carries embedded files")
    } else {
        (
            Severity::Critical,
            "OneNote section carries an embedded program or script that runs when double-clicked",
        )
    };
    let shown = if running.is_empty() {
        &embedded
    } else {
        &running
    };
    node.flag(
        "onenote.embedded_file",
        severity,
        title,
        &[
            t::SPEARPHISHING_ATTACHMENT,
            t::MALICIOUS_FILE,
            t::EMBEDDED_PAYLOADS,
        ],
        shown.iter().take(5).cloned().collect::<Vec<_>>().join("; "),
        format!(
            "{} embedded files, {} of them run when opened; OneNote lures hide them under a \
             \"double-click to view\" picture",
            embedded.len(),
            running.len()
        ),
    );
}

fn runs_by_ext(name: &str) -> bool {
    let e = extension(name);
    crate::kind::SCRIPT_EXTENSIONS.contains(&e.as_str()) || e == "hta"
}

/// UTF-16LE strings that look like file names (`name.ext`), in file order, base names only, each
/// once, at most [`MAX_NAMES`].
fn file_names(data: &[u8]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    for shift in 0..2 {
        let Some(d) = data.get(shift..) else { continue };
        let mut seen: HashSet<String> = HashSet::new();
        let mut cur: Vec<u16> = Vec::new();
        let mut start = 0usize;
        let mut keep = |start: usize, cur: &[u16], found: &mut Vec<(usize, String)>| {
            if seen.len() < MAX_NAMES {
                if let Some(n) = file_name(cur) {
                    if seen.insert(n.clone()) {
                        found.push((start, n));
                    }
                }
            }
        };
        for (i, c) in d.chunks_exact(2).enumerate() {
            let u = u16::from_le_bytes([c[0], c[1]]);
            let printable = u >= 0x20 && u != 0x7F && !(0xD800..0xE000).contains(&u) && u < 0xFFF0;
            if printable && cur.len() < 260 {
                if cur.is_empty() {
                    start = shift + 2 * i;
                }
                cur.push(u);
                continue;
            }
            keep(start, &cur, &mut found);
            cur.clear();
        }
        keep(start, &cur, &mut found);
    }
    found.sort();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out: Vec<String> = Vec::new();
    for (_, n) in &found {
        if out.len() < MAX_NAMES && seen.insert(n) {
            out.push(n.clone());
        }
    }
    out
}

fn file_name(u: &[u16]) -> Option<String> {
    if u.len() < 3 {
        return None;
    }
    let s = String::from_utf16_lossy(u);
    let base = crate::walk::base_name(&s).trim().to_string();
    let ext = extension(&base);
    ((2..=5).contains(&ext.len())
        && ext.chars().all(|c| c.is_ascii_alphanumeric())
        && base.len() > ext.len() + 1
        && !base.contains(['"', '<', '>', '|', '?', '*', '=', ':']))
    .then_some(base)
}

/// The collected names by extension, each queue in file order, so that taking the first unused name
/// that fits an object costs a few look-ups rather than a scan of every name.
struct Names {
    by_ext: HashMap<String, VecDeque<(usize, String)>>,
}

impl Names {
    fn new(names: Vec<String>) -> Self {
        let mut by_ext: HashMap<String, VecDeque<(usize, String)>> = HashMap::new();
        for (i, n) in names.into_iter().enumerate() {
            by_ext.entry(extension(&n)).or_default().push_back((i, n));
        }
        Names { by_ext }
    }

    /// The first unused name whose extension fits what the bytes are.
    fn take(&mut self, kind: Kind) -> Option<String> {
        let ext = fitting_extensions(kind)
            .filter_map(|e| Some((self.by_ext.get(e)?.front()?.0, e)))
            .min()?
            .1;
        self.by_ext.get_mut(ext)?.pop_front().map(|(_, n)| n)
    }
}

/// The extensions a name may have for an object of `kind`.
fn fitting_extensions(kind: Kind) -> impl Iterator<Item = &'static str> {
    let list: &[&[&'static str]] = match kind {
        Kind::Pe => &[&["exe", "dll", "scr", "com", "cpl", "pif", "sys"]],
        Kind::Png | Kind::Jpeg | Kind::Gif => &[&["png", "jpg", "jpeg", "gif", "bmp"]],
        Kind::Zip | Kind::Ooxml => &[&[
            "zip", "docx", "docm", "xlsx", "xlsm", "pptx", "pptm", "jar", "hwpx",
        ]],
        Kind::Ole => &[&["doc", "xls", "ppt", "msi", "hwp", "msg", "dot", "xlt"]],
        Kind::Pdf => &[&["pdf"]],
        Kind::Lnk => &[&["lnk"]],
        Kind::Rtf => &[&["rtf", "doc"]],
        Kind::Text | Kind::Html | Kind::Script | Kind::Unknown => &[
            crate::kind::SCRIPT_EXTENSIONS,
            &["hta", "htm", "html", "txt", "wsc", "chm"],
        ],
        _ => &[],
    };
    list.iter().flat_map(|l| l.iter().copied())
}

/// An extension for an unnamed object, from its type (scripts by their first words).
fn guess_extension(kind: Kind, body: &[u8]) -> &'static str {
    match kind {
        Kind::Pe => "exe",
        Kind::Png => "png",
        Kind::Jpeg => "jpg",
        Kind::Gif => "gif",
        Kind::Zip => "zip",
        Kind::Ole => "bin",
        Kind::Pdf => "pdf",
        Kind::Lnk => "lnk",
        Kind::Rtf => "rtf",
        Kind::Html => {
            if contains_ci(body, b"hta:application") {
                "hta"
            } else {
                "html"
            }
        }
        _ => {
            if contains_ci(body, b"<script") || contains_ci(body, b"hta:application") {
                "hta"
            } else if contains_ci(body, b"@echo") || contains_ci(body, b"cmd /c") {
                "bat"
            } else if contains_ci(body, b"wscript.") || contains_ci(body, b"createobject(") {
                "vbs"
            } else if contains_ci(body, b"powershell") || contains_ci(body, b"invoke-") {
                "ps1"
            } else {
                "bin"
            }
        }
    }
}

fn contains_ci(body: &[u8], needle: &[u8]) -> bool {
    let head = &body[..body.len().min(64 << 10)];
    head.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Programs in a byte stream without a container format: an `MZ` header whose e_lfanew points at
/// `PE\0\0`, sized by its section table (PE/COFF specification §3.3, §4).
/// Returns the programs and whether [`MAX_OBJECTS`] cut the list.
fn carve_pe(data: &[u8]) -> (Vec<(usize, &[u8])>, bool) {
    use crate::archive::{u16le, u32le};
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(data, b"MZ") {
        let Some(lfanew) = u32le(data, at + 0x3C).and_then(|l| usize::try_from(l).ok()) else {
            continue;
        };
        let pe = at.saturating_add(lfanew);
        if lfanew > 4096 || data.get(pe..pe + 4) != Some(b"PE\0\0") {
            continue;
        }
        let (Some(n), Some(opt)) = (u16le(data, pe + 6), u16le(data, pe + 20)) else {
            continue;
        };
        let table = pe + 24 + usize::from(opt);
        let mut end = table + 40 * usize::from(n);
        for s in 0..usize::from(n) {
            let (Some(size), Some(ptr)) = (
                u32le(data, table + 40 * s + 16),
                u32le(data, table + 40 * s + 20),
            ) else {
                break;
            };
            end = end.max(ptr as usize + size as usize);
        }
        if out.len() >= MAX_OBJECTS {
            return (out, true);
        }
        let stop = at.saturating_add(end).min(data.len());
        out.push((at, data.get(at..stop).unwrap_or_default()));
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    fn section(objects: &[&[u8]], names: &[&str]) -> Vec<u8> {
        // The revision store file header GUID, then objects and names in no particular structure.
        let mut d = vec![
            0xE4, 0x52, 0x5C, 0x7B, 0x8C, 0xD8, 0xA7, 0x4D, 0xAE, 0xB1, 0x53, 0x78, 0xD0, 0x29,
            0x96, 0xD3,
        ];
        d.resize(1024, 0);
        for n in names {
            d.extend(n.encode_utf16().flat_map(|c| c.to_le_bytes()));
            d.extend([0, 0]);
        }
        for o in objects {
            d.extend(FILE_DATA_HEADER);
            d.extend((o.len() as u64).to_le_bytes());
            d.extend([0u8; 12]);
            d.extend_from_slice(o);
            d.resize(d.len().div_ceil(8) * 8, 0);
            d.extend([
                0x22, 0xA7, 0xFB, 0x71, 0x79, 0x0F, 0x0B, 0x4A, 0xBB, 0x13, 0x89, 0x92, 0x56, 0x42,
                0x6B, 0x24,
            ]);
        }
        d
    }

    #[test]
    fn embedded_hta_is_critical() {
        let hta = b"<html><head><HTA:APPLICATION id=x></head><script language=VBScript>MsgBox 1</script></html>";
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let d = section(&[png, hta], &["Untitled picture.png", "open.hta"]);
        let n = crate::analyse(&d, "notes.one", None, &Options::default());
        assert_eq!(n.detected_type, Kind::OneNote);
        assert_eq!(n.children.len(), 2);
        assert_eq!(n.children[1].name, "open.hta");
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "onenote.embedded_file")
            .unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert!(f.evidence[0].value.contains("open.hta"));
    }

    #[test]
    fn unnamed_document_is_high() {
        let d = section(&[b"%PDF-1.4\n%%EOF"], &[]);
        let n = crate::analyse(&d, "notes.one", None, &Options::default());
        assert_eq!(n.children[0].name, "embedded-1.pdf");
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "onenote.embedded_file")
            .unwrap();
        assert_eq!(f.severity, Severity::High);
        for cut in (0..d.len()).step_by(13) {
            let _ = crate::analyse(&d[..cut], "notes.one", None, &Options::default());
        }
    }

    #[test]
    fn carves_programs_without_file_data_objects() {
        let mut d = section(&[], &["clam.exe"]);
        d.extend(crate::archive::zip::tests::pe());
        let n = crate::analyse(&d, "web.one", None, &Options::default());
        assert_eq!(n.children.len(), 1);
        assert_eq!(n.children[0].name, "clam.exe");
        assert!(n.format.as_deref().unwrap().contains("carved"));
    }

    #[test]
    fn millions_of_names_stay_linear() {
        // 50,000 distinct UTF-16 "NNNNNN.bat" strings (a quadratic dedupe compares 10^9 pairs and
        // each of 500 name look-ups rescans them all; millions would time the unoptimised test build,
        // not the algorithm) and 501 script objects: each object takes a name by extension, and the
        // 501st object is a content.limit, not a silent drop.
        let names: Vec<String> = (0..50_000).map(|i| format!("{i:06}.bat")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let body: &[u8] = b"@echo off\r\necho hello\r\n";
        let objects = vec![body; MAX_OBJECTS + 1];
        let d = section(&objects, &refs);
        let t = std::time::Instant::now();
        let n = crate::analyse(&d, "notes.one", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        assert_eq!(n.children.len(), MAX_OBJECTS);
        assert_eq!(n.children[0].name, "000000.bat");
        assert_eq!(n.children[1].name, "000001.bat");
        let f = n.findings.iter().find(|f| f.id == "content.limit").unwrap();
        assert!(f.evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("FileDataStoreObjects"));
        assert!(n.has("onenote.embedded_file"));
    }

    #[test]
    fn names_are_taken_by_extension_in_file_order() {
        let mut names = Names::new(
            ["a.png", "b.exe", "c.doc", "d.hta", "e.exe"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
        assert_eq!(names.take(Kind::Pe).as_deref(), Some("b.exe"));
        assert_eq!(names.take(Kind::Rtf).as_deref(), Some("c.doc"));
        assert_eq!(names.take(Kind::Ole), None);
        assert_eq!(names.take(Kind::Script).as_deref(), Some("d.hta"));
        assert_eq!(names.take(Kind::Pe).as_deref(), Some("e.exe"));
        assert_eq!(names.take(Kind::Pe), None);
        assert_eq!(names.take(Kind::Png).as_deref(), Some("a.png"));
    }
}
