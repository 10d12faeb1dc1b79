//! Names against content: what a file claims to be against what its bytes are.
//!
//! The cheap layer every object gets, top-level attachments and archive members alike: risky types,
//! double extensions, bidi and padding tricks in names, and declared-vs-real mismatches (typing by magic
//! numbers is [`spearwatch_message::filetype::sniff`]).

use spearwatch_core::{technique as t, Evidence, Finding, Severity, Source};
use spearwatch_message::FileKind;

/// What the name checks look at: a top-level attachment or a member of a container.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// MIME part of the attachment the object came from.
    pub part: usize,
    /// The object's own file name.
    pub name: &'a str,
    /// Where it sits: the attachment name, then member names, joined by `" > "`.
    pub path: &'a str,
    /// Declared MIME type, or what the container said (empty when nothing was declared).
    pub declared_type: &'a str,
    pub detected_type: FileKind,
    pub size: usize,
    pub sha256: &'a str,
    /// The bytes, when extracted (empty for encrypted members).
    pub data: &'a [u8],
}

/// Extensions Windows runs, or hands to a script host or installer, when double-clicked (archive
/// members too: `archive::runs`). Unix scripts (`.sh`, `.py`) are left out: source archives carry
/// them and Windows does not run them.
pub(crate) const EXECUTABLE: &[&str] = &[
    "exe",
    "scr",
    "cpl",
    "dll",
    "com",
    "pif",
    "msi",
    "msp",
    "jar",
    "js",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "hta",
    "ps1",
    "psm1",
    "bat",
    "cmd",
    "chm",
    "lnk",
    "reg",
    "scf",
    "url",
    "appx",
    "msix",
    "xll",
    "application",
    "wsc",
    "sct",
    "appref-ms",
    "settingcontent-ms",
    "library-ms",
    "inf",
];
/// Disk images and containers Windows mounts with a double-click (ISO/IMG/VHD: Mark-of-the-Web bypass).
const DISK_IMAGE: &[&str] = &["iso", "img", "vhd", "vhdx"];
/// Document extensions that attackers put before the real one.
const DECOY: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "hwp", "hwpx", "txt", "jpg", "jpeg", "png",
    "rtf", "zip", "csv",
];

pub fn check(a: &Object<'_>, out: &mut Vec<Finding>) {
    let name = a.name.to_string();
    let src = || Source::Attachment {
        part: a.part,
        name: a.path.to_string(),
    };
    let ev = |note: String| Evidence::new(src(), &name).with_note(note);

    if name.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')) {
        let shown: String = name.chars().filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')).collect();
        out.push(
            Finding::new("attachment.bidi_name", Severity::Critical, "Attachment name uses Unicode direction controls to disguise its extension")
                .technique(t::MASQUERADING)
                .evidence(ev(format!("characters in logical order: {shown}; the displayed name reverses part of it"))),
        );
    }

    let lower = name.to_lowercase();
    let trimmed = lower.trim_end_matches(['.', ' ']);
    let mut exts = trimmed.rsplit('.');
    let ext = if trimmed.contains('.') {
        exts.next().unwrap_or("")
    } else {
        ""
    };
    let prev = if trimmed.contains('.') {
        exts.next().map(|p| p.trim_end()).unwrap_or("")
    } else {
        ""
    };

    if !ext.is_empty() && (EXECUTABLE.contains(&ext) || DISK_IMAGE.contains(&ext)) {
        if DECOY
            .iter()
            .any(|d| prev.ends_with(d) && prev.len() >= d.len())
            && trimmed.matches('.').count() >= 2
        {
            out.push(
                Finding::new(
                    "attachment.double_extension",
                    Severity::Critical,
                    format!(
                        "Attachment \"{name}\" poses as a .{} but is a .{ext}",
                        DECOY.iter().find(|d| prev.ends_with(*d)).unwrap_or(&"")
                    ),
                )
                .technique(t::DOUBLE_FILE_EXTENSION)
                .technique(t::MALICIOUS_FILE)
                .evidence(ev(
                    "Windows hides known extensions, so the reader sees only the first one".into(),
                )),
            );
        }
        if name.contains("   ") || name.contains("\u{3000}") {
            out.push(
                Finding::new(
                    "attachment.padded_name",
                    Severity::High,
                    "Attachment name is padded with spaces to push its real extension out of view",
                )
                .technique(t::MASQUERADING)
                .evidence(ev("runs of spaces before the extension".into())),
            );
        }
        let (id, what) = if DISK_IMAGE.contains(&ext) {
            ("attachment.disk_image", "disk image")
        } else {
            ("attachment.executable", "file Windows runs when opened")
        };
        out.push(
            Finding::new(
                id,
                Severity::Critical,
                format!("Attachment \"{name}\" is a {what} (.{ext})"),
            )
            .technique(t::SPEARPHISHING_ATTACHMENT)
            .technique(t::MALICIOUS_FILE)
            .evidence(ev(format!(
                "declared {}, content {:?}",
                a.declared_type, a.detected_type
            ))),
        );
    }

    // Content that runs, whatever the name says.
    let runs = matches!(
        a.detected_type,
        FileKind::Pe | FileKind::Elf | FileKind::MachO | FileKind::Lnk
    );
    if runs && !EXECUTABLE.contains(&ext) {
        out.push(
            Finding::new(
                "attachment.type_mismatch",
                Severity::Critical,
                format!(
                    "Attachment \"{name}\" is named as .{} but its content is {:?}",
                    if ext.is_empty() { "(none)" } else { ext },
                    a.detected_type
                ),
            )
            .technique(t::MASQUERADING)
            .technique(t::MALICIOUS_FILE)
            .evidence(ev(format!(
                "declared {}, magic bytes say {:?}",
                a.declared_type, a.detected_type
            ))),
        );
    } else if a.detected_type == FileKind::OneNote || ext == "one" {
        out.push(
            Finding::new("attachment.onenote", Severity::High, format!("Attachment \"{name}\" is a OneNote notebook (a common carrier of embedded scripts)"))
                .technique(t::SPEARPHISHING_ATTACHMENT)
                .evidence(ev(format!("content {:?}", a.detected_type))),
        );
    }

    if !runs {
        if let Some(expected) = expected_kinds(ext) {
            let known = !matches!(a.detected_type, FileKind::Unknown | FileKind::Text);
            if known && !expected.contains(&a.detected_type) {
                out.push(
                    Finding::new(
                        "attachment.extension_mismatch",
                        Severity::Medium,
                        format!(
                            "Attachment \"{name}\" is named .{ext} but its content is {:?}",
                            a.detected_type
                        ),
                    )
                    .technique(t::MASQUERADING)
                    .evidence(ev(format!(
                        "declared {}, magic bytes say {:?}",
                        a.declared_type, a.detected_type
                    ))),
                );
            }
        }
    }
    if let Some(markers) = smuggling_markers(a) {
        out.push(
            Finding::new("attachment.html_smuggling", Severity::Critical, format!("Attachment \"{name}\" builds a file in the browser from data it carries (HTML smuggling)"))
                .technique(t::HTML_SMUGGLING)
                .technique(t::SPEARPHISHING_ATTACHMENT)
                .evidence(ev(format!("script markers: {}", markers.join(", ")))),
        );
    }
    if a.detected_type == FileKind::Html
        || matches!(ext, "html" | "htm" | "shtml" | "xhtml" | "svg")
    {
        out.push(
            Finding::new("attachment.html", Severity::Medium, format!("Attachment \"{name}\" is a web page, opened in the browser from the local disk"))
                .technique(t::SPEARPHISHING_ATTACHMENT)
                .technique(t::HTML_SMUGGLING)
                .evidence(ev("local HTML files host phishing forms and smuggle payloads past URL filters".into())),
        );
    }
    if matches!(
        a.detected_type,
        FileKind::Zip
            | FileKind::Rar
            | FileKind::SevenZip
            | FileKind::Gzip
            | FileKind::Cab
            | FileKind::Iso
            | FileKind::Bzip2
            | FileKind::Xz
    ) && !matches!(
        ext,
        "docx"
            | "docm"
            | "xlsx"
            | "xlsm"
            | "pptx"
            | "pptm"
            | "hwpx"
            | "odt"
            | "ods"
            | "odp"
            | "jar"
            | "apk"
            | "epub"
    ) {
        out.push(
            Finding::new(
                "attachment.archive",
                Severity::Info,
                format!(
                    "Attachment \"{name}\" is an archive ({:?})",
                    a.detected_type
                ),
            )
            .technique(t::SPEARPHISHING_ATTACHMENT)
            .evidence(ev(format!("{} bytes, sha256 {}", a.size, a.sha256))),
        );
    }
}

/// What the content of a file with this extension should be, for the extensions readers trust.
fn expected_kinds(ext: &str) -> Option<&'static [FileKind]> {
    Some(match ext {
        "pdf" => &[FileKind::Pdf],
        // HWP 5 and legacy Office are compound files; HWPX and OOXML are zip packages.
        "doc" | "xls" | "ppt" | "hwp" | "msg" => &[FileKind::Ole, FileKind::Rtf],
        "docx" | "docm" | "xlsx" | "xlsm" | "pptx" | "pptm" | "hwpx" | "zip" => &[FileKind::Zip],
        "rtf" => &[FileKind::Rtf],
        "png" => &[FileKind::Png],
        "jpg" | "jpeg" => &[FileKind::Jpeg],
        "gif" => &[FileKind::Gif],
        "rar" => &[FileKind::Rar],
        "7z" => &[FileKind::SevenZip],
        "gz" | "tgz" => &[FileKind::Gzip],
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Decode,
    Build,
    HandOver,
}

/// The smuggling markers (lower case; matched case-insensitively) by stage.
const SMUGGLING: &[(&str, Stage)] = &[
    ("atob(", Stage::Decode),
    ("frombase64string", Stage::Decode),
    ("string.fromcharcode", Stage::Decode),
    ("unescape(", Stage::Decode),
    ("decodeuricomponent(", Stage::Decode),
    ("new blob(", Stage::Build),
    ("uint8array", Stage::Build),
    ("arraybuffer", Stage::Build),
    ("mssaveoropenblob", Stage::HandOver),
    ("mssaveblob", Stage::HandOver),
    ("createobjecturl", Stage::HandOver),
    (".download=", Stage::HandOver),
    (".download =", Stage::HandOver),
    ("download=\"", Stage::HandOver),
    (".click()", Stage::HandOver),
];

fn smuggling_matcher() -> &'static aho_corasick::AhoCorasick {
    static M: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(SMUGGLING.iter().map(|(m, _)| m))
            .expect("static patterns build")
    })
}

/// Script calls that turn data carried in a page into a file the browser saves or opens: decoding
/// (`atob`), assembling (`Blob`), handing to the user (`msSaveOrOpenBlob`, `createObjectURL`, a
/// `download` link). Any one alone is ordinary web code; a decoder and a hand-over together, in a
/// page sent as an attachment, is HTML smuggling (ATT&CK T1027.006).
fn smuggling_markers(a: &Object<'_>) -> Option<Vec<&'static str>> {
    let is_page = a.detected_type == FileKind::Html
        || Some(a.name).is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            [".html", ".htm", ".shtml", ".xhtml", ".svg"]
                .iter()
                .any(|e| n.ends_with(e))
        });
    if !is_page {
        return None;
    }
    // The whole object is read, in one case-insensitive pass over the bytes (no copy): padding in
    // front must not push the script out of view.
    let mut seen = [false; SMUGGLING.len()];
    for m in smuggling_matcher().find_overlapping_iter(a.data) {
        if let Some(s) = seen.get_mut(m.pattern().as_usize()) {
            *s = true;
        }
        if seen.iter().all(|&s| s) {
            break;
        }
    }
    let found = |stage: Stage| {
        SMUGGLING
            .iter()
            .zip(seen)
            .filter(|((_, s), hit)| *s == stage && *hit)
            .map(|((m, _), _)| *m)
            .collect::<Vec<&'static str>>()
    };
    let (d, b, h) = (
        found(Stage::Decode),
        found(Stage::Build),
        found(Stage::HandOver),
    );
    if (d.is_empty() && b.is_empty()) || h.is_empty() {
        return None;
    }
    Some(d.into_iter().chain(b).chain(h).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smuggling(data: &[u8]) -> Vec<Finding> {
        let mut out = Vec::new();
        check(
            &Object {
                part: 1,
                name: "invoice.html",
                path: "mail.zip > invoice.html",
                declared_type: "",
                detected_type: FileKind::Html,
                size: data.len(),
                sha256: "",
                data,
            },
            &mut out,
        );
        out.retain(|f| f.id == "attachment.html_smuggling");
        out
    }

    #[test]
    fn smuggling_script_after_padding_is_seen() {
        // 5 MB of comment padding push the script past the old 4 MB window.
        let mut page = String::from("<html><!--");
        page.push_str(&"x".repeat(5 << 20));
        page.push_str(
            "--><script>var b = new Blob([Uint8Array.from(atob(d), c => c.charCodeAt(0))]);",
        );
        page.push_str("var a = document.createElement('a'); a.href = URL.createObjectURL(b);");
        page.push_str("a.download = 'invoice.iso'; a.click();</script></html>");
        let t = std::time::Instant::now();
        let f = smuggling(page.as_bytes());
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].evidence[0].note.as_deref().unwrap_or_default(),
            "script markers: atob(, new blob(, uint8array, createobjecturl, .download =, .click()"
        );
        // A decoder alone is ordinary page code.
        assert!(smuggling(b"<script>atob('QQ==')</script>").is_empty());
    }
}
