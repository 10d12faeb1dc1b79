//! VBA projects (MS-OVBA): the `dir` stream's module records, each module's source text, what the source
//! does (auto-exec triggers, calls that write files or run commands, obfuscation, in the spirit of
//! oletools' mraptor), and VBA stomping (T1564.007): compiled p-code that the source does not match.
//!
//! A VBA storage holds `dir` (compressed, §2.3.4.2), `_VBA_PROJECT` (§2.3.4.1: a version-dependent
//! PerformanceCache) and one stream per module (§2.3.4.3): the module's own PerformanceCache (p-code),
//! then from `MODULEOFFSET` on its CompressedSourceCode. Office runs the p-code when the document was
//! saved by the same VBA version, and only recompiles the source otherwise; stomping tools replace the
//! source with something harmless (or random bytes) and leave the p-code in place.

use super::ovba;
use crate::{fingerprint_parts, Fingerprint, FingerprintKind, Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// Most source text decompressed per module; real modules are a few hundred KB at most.
const MAX_SOURCE: usize = 4 << 20;
/// Most source text decompressed per project, all modules together. MS-OVBA copy tokens (§2.4.1.1.8)
/// expand up to ~680:1, so a few KB of compressed source name megabytes: without a project budget, 500
/// module records pointing at the same stream would decompress gigabytes.
const MAX_PROJECT_SOURCE: usize = 16 << 20;
/// P-code strings compared with the source per module (one missing string is enough to tell).
const MAX_PCODE_STRINGS: usize = 256;
/// Most modules looked at in one project.
const MAX_MODULES: usize = 500;

/// One module as the `dir` stream describes it (§2.3.4.2.3.2).
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleRef {
    pub name: String,
    pub stream: String,
    pub offset: u32,
}

/// What `dir` says about the project.
#[derive(Debug, Clone, Default)]
pub(crate) struct Project {
    /// PROJECTSYSKIND: 0 Win16, 1 Win32, 2 Mac, 3 Win64.
    pub sys_kind: u32,
    pub code_page: u16,
    pub modules: Vec<ModuleRef>,
}

/// Parses a decompressed `dir` stream (§2.3.4.2). Records are `Id u16, Size u32, data`; the one
/// exception is PROJECTVERSION (0x0009), whose Size field is a reserved 4 followed by 6 bytes of data.
pub(crate) fn parse_dir(d: &[u8]) -> Project {
    let mut p = Project {
        code_page: 1252,
        ..Project::default()
    };
    let mut cur: Option<ModuleRef> = None;
    let mut unicode_name = false;
    let mut unicode_stream = false;
    let mut i = 0usize;
    while let Some(h) = d.get(i..i + 6) {
        let id = u16::from_le_bytes([h[0], h[1]]);
        let mut size = u32::from_le_bytes([h[2], h[3], h[4], h[5]]) as usize;
        if id == 0x0009 {
            size = 6;
        }
        let start = i + 6;
        let end = start.saturating_add(size).min(d.len());
        let data = &d[start.min(end)..end];
        match id {
            // PROJECTSYSKIND (§2.3.4.2.1.1)
            0x0001 if data.len() >= 4 => {
                p.sys_kind = u32::from_le_bytes([data[0], data[1], data[2], data[3]])
            }
            // PROJECTCODEPAGE (§2.3.4.2.1.4)
            0x0003 if data.len() >= 2 => p.code_page = u16::from_le_bytes([data[0], data[1]]),
            // MODULENAME (§2.3.4.2.3.2.1) starts a module record.
            0x0019 => {
                if let Some(m) = cur.take() {
                    p.modules.push(m);
                }
                cur = Some(ModuleRef {
                    name: decode(data, p.code_page),
                    ..ModuleRef::default()
                });
                unicode_name = false;
                unicode_stream = false;
            }
            // MODULENAMEUNICODE
            0x0047 => {
                if let Some(m) = cur.as_mut() {
                    let n = utf16(data);
                    if !n.is_empty() {
                        m.name = n;
                        unicode_name = true;
                    }
                }
            }
            // MODULESTREAMNAME, then its Unicode form under the reserved id 0x0032.
            0x001A => {
                if let Some(m) = cur.as_mut() {
                    if !unicode_stream {
                        m.stream = decode(data, p.code_page);
                    }
                }
            }
            0x0032 => {
                if let Some(m) = cur.as_mut() {
                    let n = utf16(data);
                    if !n.is_empty() {
                        m.stream = n;
                        unicode_stream = true;
                    }
                }
            }
            // MODULEOFFSET (§2.3.4.2.3.2.5): where the source starts in the module stream.
            0x0031 if data.len() >= 4 => {
                if let Some(m) = cur.as_mut() {
                    m.offset = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
                }
            }
            // Module Terminator
            0x002B => {
                if let Some(m) = cur.take() {
                    p.modules.push(m);
                }
            }
            _ => {}
        }
        let _ = unicode_name;
        if p.modules.len() >= MAX_MODULES {
            break;
        }
        i = start.saturating_add(size);
    }
    if let Some(m) = cur.take() {
        p.modules.push(m);
    }
    for m in &mut p.modules {
        if m.stream.is_empty() {
            m.stream = m.name.clone();
        }
    }
    p
}

fn utf16(data: &[u8]) -> String {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// Decodes MBCS text in the project's code page (PROJECTCODEPAGE).
pub(crate) fn decode(data: &[u8], code_page: u16) -> String {
    use encoding_rs as e;
    let enc = match code_page {
        874 => e::WINDOWS_874,
        932 => e::SHIFT_JIS,
        936 => e::GBK,
        949 => e::EUC_KR,
        950 => e::BIG5,
        1250 => e::WINDOWS_1250,
        1251 => e::WINDOWS_1251,
        1253 => e::WINDOWS_1253,
        1254 => e::WINDOWS_1254,
        1255 => e::WINDOWS_1255,
        1256 => e::WINDOWS_1256,
        1257 => e::WINDOWS_1257,
        1258 => e::WINDOWS_1258,
        10000 => e::MACINTOSH,
        65001 => e::UTF_8,
        _ => e::WINDOWS_1252,
    };
    enc.decode_without_bom_handling(data).0.into_owned()
}

/// One module's source and p-code, as far as they could be read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Module {
    pub name: String,
    /// `None` when the compressed source does not decompress.
    pub source: Option<String>,
    /// Whether the decompressed source looks like text (random bytes that happen to decompress do not).
    pub source_is_text: bool,
    pub pcode: Option<Pcode>,
    /// The source was larger than the bytes left to decompress: not read, and not judged.
    pub truncated: bool,
}

/// What the module's PerformanceCache shows without disassembling it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pcode {
    /// Lines in the p-code line table, and how many of them carry any p-code.
    pub lines: usize,
    pub code_lines: usize,
    /// String literals and comments stored inline in the p-code (LitStr, QuoteRem, Rem operands).
    pub strings: Vec<String>,
}

/// Reads a module stream: p-code before `offset`, compressed source after it, decompressing at most
/// `max` bytes of source. Returns the module and the number of source bytes decompressed.
pub(crate) fn read_module(
    m: &ModuleRef,
    stream: &[u8],
    code_page: u16,
    max: usize,
) -> (Module, usize) {
    let off = (m.offset as usize).min(stream.len());
    let (pc, src) = stream.split_at(off);
    let mut truncated = false;
    let mut used = 0;
    let (source, source_is_text) = match ovba::decompress(src, max.min(MAX_SOURCE)) {
        Ok(b) => {
            used = b.len();
            let text = looks_like_text(&b);
            (Some(decode(&b, code_page)), text)
        }
        Err(ovba::Error::TooLarge) => {
            // Too large to judge: neither "does not decompress" (a stomping sign) nor source.
            truncated = true;
            used = max.min(MAX_SOURCE);
            (None, false)
        }
        Err(_) => (None, false),
    };
    let module = Module {
        name: m.name.clone(),
        source,
        source_is_text,
        pcode: parse_pcode(pc),
        truncated,
    };
    (module, used)
}

/// Source text has next to no control bytes besides tab, CR and LF.
fn looks_like_text(b: &[u8]) -> bool {
    if b.is_empty() {
        return true;
    }
    let bad = b
        .iter()
        .filter(|&&c| c < 0x20 && !matches!(c, b'\t' | b'\r' | b'\n'))
        .count();
    bad * 50 <= b.len()
}

/// Finds the p-code line table of a VBA6/VBA7 module PerformanceCache and the strings stored inline in
/// its lines. The layout is undocumented (MS-OVBA leaves the PerformanceCache opaque); as pcodedmp
/// describes it: a dword at 0x19 plus 0x3C locates the magic 0xCAFE, then a reserved word, the number
/// of lines, and one 12-byte entry per line (reserved dword, line length word, reserved word, offset
/// dword) before the p-code itself, which starts 10 bytes after the table. Mac files are big-endian.
pub(crate) fn parse_pcode(pc: &[u8]) -> Option<Pcode> {
    let be = pc
        .get(2..4)
        .is_some_and(|w| u16::from_le_bytes([w[0], w[1]]) > 0xFF);
    let word = |o: usize| -> Option<usize> {
        let b = pc.get(o..o.checked_add(2)?)?;
        Some(usize::from(if be {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        }))
    };
    let dword = |o: usize| -> Option<usize> {
        let b = pc.get(o..o.checked_add(4)?)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if be {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        } as usize)
    };
    let mut off = dword(0x19)?.checked_add(0x3C)?;
    if word(off)? != 0xCAFE {
        return None;
    }
    off += 4;
    let n = word(off)?;
    off += 2;
    let start = off.checked_add(n.checked_mul(12)?)?.checked_add(10)?;
    if start > pc.len() {
        return None;
    }
    let mut p = Pcode {
        lines: n,
        ..Pcode::default()
    };
    for k in 0..n {
        let e = off + k * 12;
        let len = word(e + 4)?;
        let lo = dword(e + 8)?;
        if len == 0 {
            continue;
        }
        p.code_lines += 1;
        let Some(from) = start.checked_add(lo) else {
            continue;
        };
        let Some(line) = pc.get(from..from.saturating_add(len).min(pc.len())) else {
            continue;
        };
        inline_strings(line, be, &mut p.strings);
        if p.strings.len() >= MAX_PCODE_STRINGS {
            p.strings.truncate(MAX_PCODE_STRINGS);
            break;
        }
    }
    Some(p)
}

/// String operands in p-code are a length word and the bytes, at an even offset in the line (opcodes
/// are words). Only all-printable ASCII strings of 4+ characters are taken: enough to compare with the
/// source, and unlikely to be an accident of other operands.
fn inline_strings(line: &[u8], be: bool, out: &mut Vec<String>) {
    let mut p = 0usize;
    while p + 2 <= line.len() {
        let n = if be {
            u16::from_be_bytes([line[p], line[p + 1]])
        } else {
            u16::from_le_bytes([line[p], line[p + 1]])
        } as usize;
        if (4..=2000).contains(&n) {
            if let Some(s) = line.get(p + 2..p + 2 + n) {
                if s.iter().all(|&c| (0x20..0x7F).contains(&c) || c == b'\t') {
                    out.push(String::from_utf8_lossy(s).into_owned());
                    p += 2 + n + (n & 1);
                    continue;
                }
            }
        }
        p += 2;
    }
}

/// Why a module looks stomped, if it does.
pub(crate) fn stomped(m: &Module) -> Option<String> {
    if m.truncated {
        return None;
    }
    let pc = m.pcode.as_ref()?;
    let Some(src) = m.source.as_deref() else {
        return (pc.code_lines > 0).then(|| {
            format!(
                "{}: {} lines of p-code, source does not decompress",
                m.name, pc.code_lines
            )
        });
    };
    if !m.source_is_text {
        return (pc.code_lines > 0).then(|| {
            format!(
                "{}: {} lines of p-code, source decompresses to binary bytes",
                m.name, pc.code_lines
            )
        });
    }
    let missing: Vec<&String> = pc
        .strings
        .iter()
        .filter(|s| !src.contains(s.as_str()) && !src.contains(&s.replace('"', "\"\"")))
        .collect();
    if let Some(first) = missing.first() {
        return Some(format!(
            "{}: {} string(s) in the p-code are not in the source, e.g. \"{}\"",
            m.name,
            missing.len(),
            spearwatch_core::truncate_str(first, 80)
        ));
    }
    // Conditional compilation (`#If VBA7 Then`) may leave inactive lines without p-code: the line
    // count is only compared when the source has none.
    let conditional =
        code_lines(src).any(|l| starts_with_ci(l, "#If ") || starts_with_ci(l, "#Const "));
    let src_lines = code_lines(src).count();
    if !conditional && src_lines != pc.code_lines {
        return Some(format!(
            "{}: {} lines of p-code ({} in the line table) but {} lines of source",
            m.name, pc.code_lines, pc.lines, src_lines
        ));
    }
    None
}

/// Source lines that compile to p-code: not blank, not an `Attribute` line (the module header the editor
/// hides, and `Attribute Proc.VB_Description` inside procedures), and one per logical line: a line
/// continued with " _" compiles together with the next.
fn code_lines(src: &str) -> impl Iterator<Item = &str> {
    let mut continued = false;
    // Single-character splits (memchr), not a character-set split: sources run to megabytes.
    src.split('\n')
        .flat_map(|l| l.split('\r'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(move |l| {
            let counts = !continued && !starts_with_ci(l, "Attribute ");
            continued = l.ends_with(" _") || *l == "_";
            counts
        })
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Procedures Office runs by itself: document/workbook events and the Auto* macro names (Word, Excel),
/// and ActiveX control events that fire without a click.
const AUTO_EXEC: &[&str] = &[
    "autoexec",
    "autoopen",
    "autoclose",
    "autoexit",
    "autonew",
    "auto_open",
    "auto_close",
    "auto_ops",
    "document_open",
    "document_close",
    "document_new",
    "document_beforeclose",
    "document_contentcontrolonenter",
    "documentopen",
    "documentbeforeclose",
    "documentchange",
    "newdocument",
    "workbook_open",
    "workbook_activate",
    "workbook_close",
    "workbook_beforeclose",
    "workbook_deactivate",
    "workbook_windowactivate",
    "workbook_beforesave",
    "workbook_sheetactivate",
    "app_workbookopen",
    "app_documentopen",
    "application_startup",
    "presentation_open",
];

/// ActiveX events that fire when the control is drawn or focused (oletools lists the same family).
const AUTO_EXEC_SUFFIXES: &[&str] = &[
    "_painted",
    "_painting",
    "_layout",
    "_resize",
    "_gotfocus",
    "_lostfocus",
    "_mousehover",
    "_mouseenter",
    "_beforenavigate2",
    "_documentcomplete",
    "_navigatecomplete2",
    "_downloadbegin",
    "_downloadcomplete",
    "_progresschange",
    "_titlechange",
    "_statustextchange",
    "_onconnecting",
    "_onconnected",
    "_ondisconnected",
];

/// What a keyword lets a macro do, in mraptor's terms: W writes files, X executes something; N fetches
/// from the network; S is suspicious but neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    W,
    X,
    N,
    S,
}

/// Keywords and calls, lower-case, with their class and technique.
const KEYWORDS: &[(&str, Class, &str)] = &[
    ("shell", Class::X, t::COMMAND_INTERPRETER),
    ("shellexecute", Class::X, t::COMMAND_INTERPRETER),
    ("wscript.shell", Class::X, t::COMMAND_INTERPRETER),
    ("shell.application", Class::X, t::COMMAND_INTERPRETER),
    ("createobject", Class::X, t::VISUAL_BASIC),
    ("getobject", Class::X, t::VISUAL_BASIC),
    ("callbyname", Class::X, t::VISUAL_BASIC),
    ("executeexcel4macro", Class::X, t::VISUAL_BASIC),
    ("macscript", Class::X, t::COMMAND_INTERPRETER),
    ("win32_process", Class::X, t::COMMAND_INTERPRETER),
    ("powershell", Class::X, t::POWERSHELL),
    ("cmd.exe", Class::X, t::WINDOWS_COMMAND_SHELL),
    ("cmd /c", Class::X, t::WINDOWS_COMMAND_SHELL),
    ("cmd /k", Class::X, t::WINDOWS_COMMAND_SHELL),
    ("mshta", Class::X, t::MSHTA),
    ("rundll32", Class::X, t::RUNDLL32),
    ("regsvr32", Class::X, t::REGSVR32),
    ("wscript", Class::X, t::COMMAND_INTERPRETER),
    ("cscript", Class::X, t::COMMAND_INTERPRETER),
    ("certutil", Class::X, t::DEOBFUSCATE),
    ("bitsadmin", Class::X, t::BITS_JOBS),
    ("virtualalloc", Class::X, t::COMMAND_INTERPRETER),
    ("rtlmovememory", Class::X, t::COMMAND_INTERPRETER),
    ("createthread", Class::X, t::COMMAND_INTERPRETER),
    ("createremotethread", Class::X, t::COMMAND_INTERPRETER),
    ("lib \"kernel32", Class::X, t::COMMAND_INTERPRETER),
    ("lib \"shell32", Class::X, t::COMMAND_INTERPRETER),
    ("lib \"urlmon", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("urldownloadtofile", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("msxml2.xmlhttp", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("microsoft.xmlhttp", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("serverxmlhttp", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("winhttp", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("net.webclient", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("downloadfile", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("internetopen", Class::N, t::INGRESS_TOOL_TRANSFER),
    ("adodb.stream", Class::W, t::INGRESS_TOOL_TRANSFER),
    ("savetofile", Class::W, t::INGRESS_TOOL_TRANSFER),
    ("createtextfile", Class::W, t::VISUAL_BASIC),
    ("scripting.filesystemobject", Class::W, t::VISUAL_BASIC),
    ("filecopy", Class::W, t::VISUAL_BASIC),
    ("copyfile", Class::W, t::VISUAL_BASIC),
    ("kill", Class::W, t::VISUAL_BASIC),
    ("environ", Class::S, t::VISUAL_BASIC),
    ("strreverse", Class::S, t::DEOBFUSCATE),
    ("bin.base64", Class::S, t::DEOBFUSCATE),
    ("sendkeys", Class::S, t::VISUAL_BASIC),
    ("vbhide", Class::S, t::VISUAL_BASIC),
    ("declare", Class::S, t::VISUAL_BASIC),
];

/// The verdict on a project's source, before it is turned into findings.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub auto_exec: Vec<String>,
    pub keywords: Vec<(String, &'static str)>,
    pub write: bool,
    pub execute: bool,
    pub obfuscation: Vec<String>,
}

/// Scans module source the way an analyst reads it: procedure names for auto-exec triggers, calls and
/// ProgIDs for what the code can do, and string-building habits for obfuscation.
pub(crate) fn scan(sources: &[&str]) -> Report {
    let mut r = Report::default();
    let mut chr = 0usize;
    let mut concat = 0usize;
    let mut long_b64 = 0usize;
    let mut long_hex = 0usize;
    let mut lines = 0usize;
    for src in sources {
        let lower = src.to_ascii_lowercase();
        for line in lower.lines() {
            let line = line.trim();
            if line.starts_with('\'') || line.starts_with("rem ") || line.starts_with("attribute ")
            {
                continue;
            }
            lines += 1;
            if let Some(name) = procedure_name(line) {
                if AUTO_EXEC.contains(&name)
                    || AUTO_EXEC_SUFFIXES
                        .iter()
                        .any(|s| name.ends_with(s) && !name.starts_with("worksheet_"))
                {
                    push_unique(&mut r.auto_exec, name);
                }
            }
            for &(kw, class, tech) in KEYWORDS {
                if has_word(line, kw) && !r.keywords.iter().any(|(k, _)| k == kw) {
                    if kw == "declare" && !line.contains(" lib ") {
                        continue;
                    }
                    r.keywords.push((kw.to_string(), tech));
                    match class {
                        Class::W | Class::N => r.write = true,
                        Class::X => r.execute = true,
                        Class::S => {}
                    }
                }
            }
            // `Open x For Binary/Output/Append` writes a file; `.Run`/`.Exec` on a shell object runs one.
            if line.starts_with("open ")
                && (line.contains(" for binary")
                    || line.contains(" for output")
                    || line.contains(" for append"))
                && !r.keywords.iter().any(|(k, _)| k == "open for write")
            {
                r.keywords.push(("open for write".into(), t::VISUAL_BASIC));
                r.write = true;
            }
            for call in [".run ", ".run(", ".exec ", ".exec(", ".shellexecute"] {
                if line.contains(call)
                    && !r
                        .keywords
                        .iter()
                        .any(|(k, _)| k == call.trim_end_matches(['(', ' ']))
                {
                    r.keywords.push((
                        call.trim_end_matches(['(', ' ']).to_string(),
                        t::COMMAND_INTERPRETER,
                    ));
                    r.execute = true;
                }
            }
            chr += count_calls(line, &["chr(", "chrw(", "chrb(", "chr$(", "chrw$("]);
            concat += line.matches("\" & \"").count()
                + line.matches("\"&\"").count()
                + line.matches("\" + \"").count();
            for lit in line.split('"').skip(1).step_by(2) {
                if lit.len() >= 120
                    && lit
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
                {
                    if lit.bytes().all(|c| c.is_ascii_hexdigit()) {
                        long_hex += 1;
                    } else {
                        long_b64 += 1;
                    }
                }
            }
        }
    }
    if chr >= 10 {
        r.obfuscation.push(format!("{chr} Chr/ChrW/ChrB calls"));
    }
    if r.keywords.iter().any(|(k, _)| k == "strreverse") {
        r.obfuscation.push("StrReverse".into());
    }
    if long_b64 > 0 {
        r.obfuscation
            .push(format!("{long_b64} long Base64-like string(s)"));
    }
    if long_hex > 0 {
        r.obfuscation.push(format!("{long_hex} long hex string(s)"));
    }
    if concat >= 20 && concat * 4 >= lines {
        r.obfuscation
            .push(format!("{concat} string concatenations in {lines} lines"));
    }
    r
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// `[Public|Private|Friend] [Static] Sub|Function|Property Get NAME(` -> NAME (lower-case input).
fn procedure_name(line: &str) -> Option<&str> {
    let mut rest = line;
    for kw in ["public ", "private ", "friend ", "static "] {
        if let Some(r) = rest.strip_prefix(kw) {
            rest = r.trim_start();
        }
    }
    let rest = rest
        .strip_prefix("sub ")
        .or_else(|| rest.strip_prefix("function "))?
        .trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// `kw` at word boundaries in `line` (both lower-case).
fn has_word(line: &str, kw: &str) -> bool {
    let b = line.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    line.match_indices(kw).any(|(i, _)| {
        let before = i.checked_sub(1).and_then(|j| b.get(j)).copied();
        let after = b.get(i + kw.len()).copied();
        let first = kw.as_bytes()[0];
        let last = kw.as_bytes()[kw.len() - 1];
        (!ident(first) || !before.is_some_and(ident)) && (!ident(last) || !after.is_some_and(ident))
    })
}

fn count_calls(line: &str, calls: &[&str]) -> usize {
    calls
        .iter()
        .map(|c| {
            line.match_indices(c)
                .filter(|(i, _)| *i == 0 || !line.as_bytes()[i - 1].is_ascii_alphanumeric())
                .count()
        })
        .sum()
}

/// Analyses one VBA storage (`storage` is its path, e.g. `Macros/VBA`); `read` returns a stream's bytes
/// by path. Adds the findings to `node` and returns whether the project had any module.
pub(crate) fn analyse(
    w: &mut Walk<'_>,
    node: &mut Node,
    storage: &str,
    read: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) -> bool {
    let join = |s: &str| {
        if storage.is_empty() {
            s.to_string()
        } else {
            format!("{storage}/{s}")
        }
    };
    let Some(dir) = read(&join("dir")) else {
        return false;
    };
    let Ok(dir) = ovba::decompress(&dir, 16 << 20) else {
        node.flag(
            "office.vba_corrupt",
            Severity::Low,
            "VBA project directory does not decompress",
            &[t::OBFUSCATED_FILES],
            join("dir"),
            "MS-OVBA §2.3.4.2: the dir stream is corrupt or deliberately damaged",
        );
        return false;
    };
    let project = parse_dir(&dir);
    if project.modules.is_empty() {
        return false;
    }
    let mut modules = Vec::new();
    // One module per stream: `dir` may name the same stream in many module records.
    let mut seen = std::collections::HashSet::new();
    let mut left = MAX_PROJECT_SOURCE;
    // Whether every module was read: a fingerprint of part of a project matches no other copy.
    let mut complete = true;
    for m in &project.modules {
        if !seen.insert(m.stream.to_lowercase()) {
            continue;
        }
        if w.expired(node) {
            complete = false;
            break;
        }
        let Some(bytes) = read(&join(&m.stream)) else {
            continue;
        };
        let (module, used) = read_module(m, &bytes, project.code_page, left);
        left = left.saturating_sub(used);
        let truncated = module.truncated;
        complete &= !truncated;
        modules.push(module);
        if (truncated || left == 0) && !node.has("content.limit") {
            w.limit(
                node,
                "VBA source",
                format!(
                    "{storage}: module source beyond {} decompressed bytes per module or {} per \
                     project was not read",
                    MAX_SOURCE, MAX_PROJECT_SOURCE
                ),
            );
        }
        if left == 0 {
            complete = false;
            break;
        }
    }
    let vba_project = read(&join("_VBA_PROJECT"));
    report(node, storage, &project, &modules, vba_project.as_deref());
    if complete {
        node.add_fingerprint(source_fingerprint(&modules));
    }
    true
}

/// The project's [`FingerprintKind::VbaSource`] fingerprint: the modules whose source is text, ordered
/// by name (the `dir` stream lists them in whatever order the host wrote them). A module whose source
/// does not decompress contributes nothing; one that is only `Attribute` lines neither.
pub(crate) fn source_fingerprint(modules: &[Module]) -> Option<Fingerprint> {
    let mut texts: Vec<(&str, &str)> = modules
        .iter()
        .filter(|m| m.source_is_text)
        .filter_map(|m| Some((m.name.as_str(), m.source.as_deref()?)))
        .collect();
    texts.sort_unstable();
    fingerprint_parts(
        FingerprintKind::VbaSource,
        texts.iter().map(|(_, s)| s.as_bytes()),
    )
}

/// Identifiers in the `_VBA_PROJECT` PerformanceCache (its identifier table, MS-OVBA §2.3.4.1 leaves
/// it opaque) that name an auto-exec procedure or a risky call: what the p-code can do when the source
/// was stomped. Matched as whole words between non-identifier bytes.
fn pcode_identifiers(vba_project: &[u8]) -> Vec<String> {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let lower: Vec<u8> = vba_project.iter().map(u8::to_ascii_lowercase).collect();
    let mut found = Vec::new();
    let words = AUTO_EXEC.iter().copied().chain(
        KEYWORDS
            .iter()
            .map(|k| k.0)
            .filter(|k| k.bytes().all(ident)),
    );
    for w in words {
        let hit = memchr::memmem::find_iter(&lower, w.as_bytes()).any(|i| {
            (i == 0 || !ident(lower[i - 1])) && lower.get(i + w.len()).is_none_or(|&c| !ident(c))
        });
        if hit {
            found.push(w.to_string());
        }
    }
    found
}

/// Turns what was read into findings and document text.
pub(crate) fn report(
    node: &mut Node,
    storage: &str,
    project: &Project,
    modules: &[Module],
    vba_project: Option<&[u8]>,
) {
    let version = vba_project.and_then(|b| b.get(2..4).map(|v| u16::from_le_bytes([v[0], v[1]])));
    let names: Vec<&str> = modules.iter().map(|m| m.name.as_str()).collect();
    // Borrowed, not cloned: the sources may add up to MAX_PROJECT_SOURCE.
    let mut sources: Vec<&str> = modules
        .iter()
        .filter(|m| m.source_is_text)
        .filter_map(|m| m.source.as_deref())
        .collect();
    let stomps: Vec<String> = modules.iter().filter_map(stomped).collect();
    let mut hidden = Vec::new();
    let mut pseudo_source = String::new();
    if !stomps.is_empty() {
        // The source is a decoy: read what the p-code names instead (its inline strings and the
        // project's identifier table), as lines the source scan understands.
        hidden = vba_project.map(pcode_identifiers).unwrap_or_default();
        let mut pseudo: Vec<String> = hidden
            .iter()
            .map(|w| {
                if AUTO_EXEC.contains(&w.as_str()) {
                    format!("Sub {w}()")
                } else {
                    w.clone()
                }
            })
            .collect();
        for m in modules {
            if let Some(p) = &m.pcode {
                pseudo.extend(p.strings.iter().map(|s| format!("x = \"{s}\"")));
            }
        }
        pseudo_source = pseudo.join("\n");
    }
    if !pseudo_source.is_empty() {
        sources.push(&pseudo_source);
    }
    let with_code = modules
        .iter()
        .filter(|m| {
            m.source
                .as_deref()
                .is_some_and(|s| code_lines(s).next().is_some())
                || m.pcode.as_ref().is_some_and(|p| p.code_lines > 0)
        })
        .count();
    for m in modules {
        if node.text.len() >= crate::node::MAX_TEXT {
            break;
        }
        if let Some(s) = m.source.as_deref().filter(|_| m.source_is_text) {
            let body: Vec<&str> = s
                .lines()
                .filter(|l| !starts_with_ci(l, "Attribute "))
                .collect();
            if body.iter().any(|l| !l.trim().is_empty()) {
                node.push_text(&body.join("\n"));
            }
        }
    }
    let r = scan(&sources);
    let class = format!(
        "{}{}{}",
        if r.auto_exec.is_empty() { "" } else { "A" },
        if r.write { "W" } else { "" },
        if r.execute { "X" } else { "" }
    );
    let ver = version
        .map(|v| format!(", p-code for VBA version 0x{v:04X}"))
        .unwrap_or_default();
    if with_code > 0 && !node.has("office.vba_macros") {
        node.flag(
            "office.vba_macros",
            Severity::High,
            "Document contains VBA macros",
            &[t::VISUAL_BASIC, t::MALICIOUS_FILE],
            names.join(", "),
            format!(
                "{} module(s) with code in storage {storage}{ver}; mraptor class {}",
                with_code,
                if class.is_empty() { "-" } else { &class }
            ),
        );
    }
    if !r.auto_exec.is_empty() && !node.has("office.macro_autoexec") {
        node.flag(
            "office.macro_autoexec",
            Severity::Medium,
            "VBA macro runs automatically when the document is opened or closed",
            &[t::VISUAL_BASIC],
            r.auto_exec.join(", "),
            format!("storage {storage}"),
        );
    }
    if !r.keywords.is_empty() && !node.has("office.macro_suspicious") {
        let mut techs: Vec<&str> = r.keywords.iter().map(|(_, t)| *t).collect();
        techs.sort_unstable();
        techs.dedup();
        let kws: Vec<&str> = r.keywords.iter().map(|(k, _)| k.as_str()).collect();
        node.flag(
            "office.macro_suspicious",
            Severity::Medium,
            "VBA macro calls functions that run programs, write files or download",
            &techs,
            kws.join(", "),
            format!("storage {storage}; W={} X={}", r.write, r.execute),
        );
    }
    if !r.auto_exec.is_empty() && (r.write || r.execute) && !node.has("office.macro_auto_payload") {
        node.flag(
            "office.macro_auto_payload",
            Severity::Critical,
            "VBA macro runs on open and can write files or execute commands",
            &[t::VISUAL_BASIC, t::MALICIOUS_FILE],
            format!("mraptor class {class}"),
            format!(
                "auto-exec: {}; calls: {}",
                r.auto_exec.join(", "),
                r.keywords
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if !r.obfuscation.is_empty() && !node.has("office.macro_obfuscated") {
        node.flag(
            "office.macro_obfuscated",
            Severity::Medium,
            "VBA macro source is obfuscated",
            &[t::OBFUSCATED_FILES, t::DEOBFUSCATE],
            r.obfuscation.join("; "),
            format!("storage {storage}"),
        );
    }
    if !stomps.is_empty() && !node.has("office.vba_stomping") {
        let seen = if hidden.is_empty() {
            String::new()
        } else {
            format!("; the p-code names {}", hidden.join(", "))
        };
        node.flag(
            "office.vba_stomping",
            Severity::Critical,
            "VBA source code does not match the compiled p-code (VBA stomping)",
            &[t::VBA_STOMPING, t::VISUAL_BASIC],
            stomps.join("; "),
            format!(
                "storage {storage}{ver}: Office runs the p-code when its VBA version matches, so the \
                 visible source is a decoy; sys kind {}{seen}",
                project.sys_kind
            ),
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Compresses with literal tokens only (valid MS-OVBA, just not small): enough for fixtures.
    pub(crate) fn compress_literal(data: &[u8]) -> Vec<u8> {
        let mut out = vec![0x01];
        // 3632 bytes (454 groups of a flag byte and 8 literals) keep the chunk size field in 12 bits.
        for chunk in data.chunks(3632) {
            let mut body = Vec::new();
            for group in chunk.chunks(8) {
                body.push(0x00);
                body.extend_from_slice(group);
            }
            let header = 0xB000u16 | ((body.len() + 2 - 3) as u16 & 0x0FFF);
            out.extend_from_slice(&header.to_le_bytes());
            out.extend_from_slice(&body);
        }
        out
    }

    fn rec(out: &mut Vec<u8>, id: u16, data: &[u8]) {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }

    /// A `dir` stream (uncompressed) with the records a parser must step over and one record per module.
    pub(crate) fn dir_stream(modules: &[(&str, u32)]) -> Vec<u8> {
        let mut d = Vec::new();
        rec(&mut d, 0x0001, &1u32.to_le_bytes());
        rec(&mut d, 0x0002, &0x409u32.to_le_bytes());
        rec(&mut d, 0x0014, &0x409u32.to_le_bytes());
        rec(&mut d, 0x0003, &1252u16.to_le_bytes());
        rec(&mut d, 0x0004, b"VBAProject");
        // PROJECTVERSION: Reserved = 4, then 6 bytes, not 4.
        d.extend_from_slice(&9u16.to_le_bytes());
        d.extend_from_slice(&4u32.to_le_bytes());
        d.extend_from_slice(&[1, 0, 0, 0, 2, 0]);
        rec(&mut d, 0x000F, &(modules.len() as u16).to_le_bytes());
        rec(&mut d, 0x0013, &0xFFFFu16.to_le_bytes());
        for (name, off) in modules {
            rec(&mut d, 0x0019, name.as_bytes());
            let u: Vec<u8> = name.encode_utf16().flat_map(|c| c.to_le_bytes()).collect();
            rec(&mut d, 0x0047, &u);
            rec(&mut d, 0x001A, name.as_bytes());
            rec(&mut d, 0x0032, &u);
            rec(&mut d, 0x0031, &off.to_le_bytes());
            rec(&mut d, 0x0021, &[]);
            rec(&mut d, 0x002B, &[]);
        }
        rec(&mut d, 0x0010, &[]);
        d
    }

    /// A PerformanceCache with a p-code line table (the layout `parse_pcode` reads) whose lines hold the
    /// given inline strings (`None` = a line without p-code).
    pub(crate) fn pcode(lines: &[Option<&str>]) -> Vec<u8> {
        let table_at = 0x40usize;
        let mut pc = vec![0u8; table_at];
        pc[0] = 0x01;
        pc[1] = 0x16;
        pc[0x19..0x1D].copy_from_slice(&((table_at - 0x3C) as u32).to_le_bytes());
        pc.extend_from_slice(&0xCAFEu16.to_le_bytes());
        pc.extend_from_slice(&[0, 0]);
        pc.extend_from_slice(&(lines.len() as u16).to_le_bytes());
        let mut code = Vec::new();
        let mut table = Vec::new();
        for l in lines {
            let start = code.len() as u32;
            if let Some(s) = l {
                code.extend_from_slice(&0x00AFu16.to_le_bytes()); // an opcode word
                code.extend_from_slice(&(s.len() as u16).to_le_bytes());
                code.extend_from_slice(s.as_bytes());
                if s.len() % 2 == 1 {
                    code.push(0);
                }
                code.extend_from_slice(&0x0024u16.to_le_bytes());
            }
            let len = code.len() as u32 - start;
            table.extend_from_slice(&[0, 0, 0, 0]);
            table.extend_from_slice(&(len as u16).to_le_bytes());
            table.extend_from_slice(&[0, 0]);
            table.extend_from_slice(&start.to_le_bytes());
        }
        pc.extend_from_slice(&table);
        pc.extend_from_slice(&[0u8; 10]);
        pc.extend_from_slice(&code);
        pc
    }

    pub(crate) fn module_stream(pcode_lines: &[Option<&str>], source: &str) -> (Vec<u8>, u32) {
        let mut s = pcode(pcode_lines);
        let off = s.len() as u32;
        s.extend_from_slice(&compress_literal(source.as_bytes()));
        (s, off)
    }

    /// An Excel 97 workbook whose VBA project holds `modules` (name, source), in that `dir` order,
    /// each stream without a PerformanceCache (source at offset 0).
    fn workbook_with_modules(modules: &[(&str, &str)]) -> Vec<u8> {
        let refs: Vec<(&str, u32)> = modules.iter().map(|(n, _)| (*n, 0)).collect();
        let dir = compress_literal(&dir_stream(&refs));
        let streams: Vec<(String, Vec<u8>)> = modules
            .iter()
            .map(|(n, src)| {
                (
                    format!("/_VBA_PROJECT_CUR/VBA/{n}"),
                    compress_literal(src.as_bytes()),
                )
            })
            .collect();
        let mut all: Vec<(&str, &[u8])> = vec![
            (
                "/Workbook",
                &[
                    0x09, 0x08, 0x08, 0x00, 0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0x0A, 0, 0, 0,
                ],
            ),
            ("/_VBA_PROJECT_CUR/VBA/dir", &dir),
            (
                "/_VBA_PROJECT_CUR/VBA/_VBA_PROJECT",
                &[0xCC, 0x61, 0xB2, 0x00, 0x00, 0x03, 0x00],
            ),
        ];
        for (p, s) in &streams {
            all.push((p.as_str(), s));
        }
        crate::office::ole::tests::cfb_file(&all)
    }

    fn vba_fingerprints(file: &[u8]) -> (String, Vec<Fingerprint>) {
        let n = crate::office::ole::tests::run(file, "book.xls");
        assert!(
            n.has("office.vba_macros"),
            "{:?}",
            crate::office::ole::tests::ids(&n)
        );
        (n.sha256.clone(), n.fingerprints.clone())
    }

    #[test]
    fn vba_source_fingerprint_ignores_attributes_line_endings_and_module_order() {
        let code = "Sub Workbook_Open()\r\n    MsgBox \"Quarterly report\"   \r\n\r\n    Module1.Helper\r\nEnd Sub\r\n";
        let helper = "Sub Helper()\r\n    MsgBox \"done\"\r\nEnd Sub\r\n";
        let a = workbook_with_modules(
            &[
                ("ThisWorkbook", &format!("Attribute VB_Name = \"ThisWorkbook\"\r\nAttribute VB_Base = \"0{{00020819-0000-0000-C000-000000000046}}\"\r\nAttribute VB_Creatable = False\r\n{code}")),
                ("Sheet1", "Attribute VB_Name = \"Sheet1\"\r\n"),
                ("Module1", &format!("Attribute VB_Name = \"Module1\"\r\n{helper}")),
            ],
        );
        // Another host wrote it: LF line endings, a localised empty sheet module, no header
        // attributes, a procedure attribute, modules in another order.
        let b = workbook_with_modules(
            &[
                ("Module1", "Sub Helper()\nAttribute Helper.VB_Description = \"x\"\n    MsgBox \"done\"\nEnd Sub"),
                ("Feuil1", "Attribute VB_Name = \"Feuil1\"\n\n"),
                ("ThisWorkbook", &code.replace("\r\n", "\n")),
            ],
        );
        let (sha_a, fa) = vba_fingerprints(&a);
        let (sha_b, fb) = vba_fingerprints(&b);
        assert_ne!(sha_a, sha_b);
        assert_eq!(fa.len(), 1, "{fa:?}");
        assert_eq!(fa[0].kind, FingerprintKind::VbaSource);
        assert_eq!(fa, fb);
        // Different code (one string literal): a different fingerprint.
        let c = workbook_with_modules(&[
            ("ThisWorkbook", &code.replace("Quarterly", "Annual")),
            ("Module1", helper),
        ]);
        let (_, fc) = vba_fingerprints(&c);
        assert_eq!(fc.len(), 1);
        assert_ne!(fa, fc);
        // A project cut short by the source budget gets no fingerprint (it would match no copy).
        let file = project(40, 40, 1000);
        let n = crate::office::ole::tests::run(&file, "vbaProject.bin");
        assert!(n.has("content.limit") && n.fingerprints.is_empty());
    }

    #[test]
    fn dir_records_and_modules() {
        let p = parse_dir(&dir_stream(&[("ThisDocument", 10), ("Module1", 200)]));
        assert_eq!(p.sys_kind, 1);
        assert_eq!(p.code_page, 1252);
        assert_eq!(p.modules.len(), 2);
        assert_eq!(p.modules[1].name, "Module1");
        assert_eq!(p.modules[1].stream, "Module1");
        assert_eq!(p.modules[1].offset, 200);
        // Truncated or garbage input never panics.
        let d = dir_stream(&[("A", 1)]);
        for n in 0..d.len() {
            let _ = parse_dir(&d[..n]);
        }
    }

    #[test]
    fn scan_classifies_like_mraptor() {
        let r = scan(&["Sub AutoOpen()\r\n  MsgBox \"hello\"\r\nEnd Sub\r\n"]);
        assert_eq!(r.auto_exec, vec!["autoopen"]);
        assert!(!r.write && !r.execute);
        let r = scan(&[
            "Private Sub Workbook_Open()\r\n Set s = CreateObject(\"WScript.Shell\")\r\n s.Run \"powershell -enc AAAA\", 0\r\nEnd Sub",
        ]);
        assert_eq!(r.auto_exec, vec!["workbook_open"]);
        assert!(r.execute);
        let kws: Vec<&str> = r.keywords.iter().map(|(k, _)| k.as_str()).collect();
        assert!(
            kws.contains(&"wscript.shell") && kws.contains(&"powershell") && kws.contains(&".run")
        );
        // Words inside identifiers do not count: "Shellfish" is not Shell, "Skill" is not Kill.
        let r = scan(&["Sub Foo()\r\n Shellfish = Skill + 1\r\nEnd Sub"]);
        assert!(r.keywords.is_empty());
        let r = scan(&["Sub X()\r\nOpen \"a.exe\" For Binary As #1\r\nEnd Sub"]);
        assert!(r.write);
        let chrs = "x = Chr(65) & Chr(66) & Chr(67) & Chr(68) & Chr(69) & Chr(70) & Chr(71) & Chr(72) & Chr(73) & Chr(74)";
        assert!(!scan(&[chrs]).obfuscation.is_empty());
    }

    #[test]
    fn pcode_identifiers_name_hidden_behaviour() {
        let vp = b"\xcc\x61\xb2\x00\x08\x00AutoOpen\xd9\x2a\x05\x00Shell\x10\x00MsgBoxShellish\x00";
        assert_eq!(pcode_identifiers(vp), vec!["autoopen", "shell"]);
    }

    #[test]
    fn stomping_signals() {
        let m = |pc: &[Option<&str>], src: &str| {
            let (s, off) = module_stream(pc, src);
            read_module(
                &ModuleRef {
                    name: "M".into(),
                    stream: "M".into(),
                    offset: off,
                },
                &s,
                1252,
                usize::MAX,
            )
            .0
        };
        let src = "Attribute VB_Name = \"M\"\r\nSub AutoOpen()\r\nMsgBox \"This comes from the p-code\"\r\nEnd Sub\r\n";
        let honest = m(&[None, Some("This comes from the p-code"), None], src);
        // Our fixture p-code marks only line 2 as code: make the source agree in lines with code.
        let honest_src =
            "Attribute VB_Name = \"M\"\r\n\r\nMsgBox \"This comes from the p-code\"\r\n";
        let honest2 = m(
            &[None, Some("This comes from the p-code"), None],
            honest_src,
        );
        assert!(stomped(&honest2).is_none(), "{:?}", stomped(&honest2));
        // Same string, but the p-code has 1 code line and the source 3.
        assert!(stomped(&honest).unwrap().contains("lines"));
        // Fake source (EvilClippy style): the p-code string is missing from it.
        let fake = m(
            &[Some("This comes from the p-code")],
            "Sub AutoOpen()\r\nMsgBox \"Fake\"\r\nEnd Sub\r\n",
        );
        assert!(stomped(&fake).unwrap().contains("not in the source"));
        // Random "source" (adb style).
        let (mut s, off) = module_stream(&[Some("abcd")], "");
        s.truncate(off as usize);
        s.extend_from_slice(&[0x01, 0x13, 0x07, 0xde, 0xad]);
        let rnd = read_module(
            &ModuleRef {
                name: "M".into(),
                stream: "M".into(),
                offset: off,
            },
            &s,
            1252,
            usize::MAX,
        )
        .0;
        assert!(stomped(&rnd).unwrap().contains("does not decompress"));
        // Attribute lines inside procedures and continued lines compile to no p-code line of their own.
        let attrs = m(
            &[Some("Sub Macro2()"), Some(" Macro2 Macro"), Some("x = 1"), Some("End Sub")],
            "Sub Macro2()\r\nAttribute Macro2.VB_Description = \"d\"\r\n' Macro2 Macro\r\nx = 1 + _\r\n  2\r\nEnd Sub\r\n",
        );
        assert!(stomped(&attrs).is_none(), "{:?}", stomped(&attrs));
        // Inactive `#If` branches compile to nothing: line counts are not compared then.
        let cond = m(
            &[Some("#If VBA7 Then"), Some("Declare PtrSafe"), None, Some("Declare"), Some("#End If")],
            "#If VBA7 Then\r\nDeclare PtrSafe Sub A Lib \"k\" ()\r\n#Else\r\nDeclare Sub A Lib \"k\" ()\r\n#End If\r\n",
        );
        assert!(stomped(&cond).is_none(), "{:?}", stomped(&cond));
        // No p-code line table (a file written by another tool): never stomped.
        let mut plain = compress_literal(b"Sub A()\r\nEnd Sub\r\n");
        plain.insert(0, 0);
        let none = read_module(
            &ModuleRef {
                name: "M".into(),
                stream: "M".into(),
                offset: 1,
            },
            &plain,
            1252,
            usize::MAX,
        )
        .0;
        assert!(none.pcode.is_none() && stomped(&none).is_none());
    }

    /// `n` MS-OVBA chunks (§2.4.1.1.4) of 6 bytes that decompress to 4,099 bytes each: a literal `'`
    /// and one copy token (offset 1, length 4098) repeating it.
    fn bomb_chunks(n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n * 6);
        for _ in 0..n {
            out.extend_from_slice(&(0xB000u16 | 3).to_le_bytes());
            out.push(0b10);
            out.push(b'\'');
            out.extend_from_slice(&0x0FFFu16.to_le_bytes());
        }
        out
    }

    /// A module stream whose source is an auto-exec macro followed by `chunks` expanding chunks.
    fn bomb_module(chunks: usize) -> (Vec<u8>, u32) {
        let src =
            "Attribute VB_Name = \"M\"\r\nSub AutoOpen()\r\nShell \"calc.exe\"\r\nEnd Sub\r\n";
        let mut s = pcode(&[]);
        let off = s.len() as u32;
        s.extend_from_slice(&compress_literal(src.as_bytes()));
        s.extend_from_slice(&bomb_chunks(chunks));
        (s, off)
    }

    #[test]
    fn bomb_chunks_expand() {
        let mut c = vec![1u8];
        c.extend_from_slice(&bomb_chunks(3));
        assert_eq!(
            ovba::decompress(&c, 1 << 20).unwrap(),
            vec![b'\''; 3 * 4099]
        );
    }

    /// A VBA storage whose `dir` holds `records` module records, naming `streams` distinct streams.
    fn project(records: usize, streams: usize, chunks: usize) -> Vec<u8> {
        let (module, off) = bomb_module(chunks);
        let names: Vec<String> = (0..records).map(|i| format!("M{}", i % streams)).collect();
        let refs: Vec<(&str, u32)> = names.iter().map(|n| (n.as_str(), off)).collect();
        let dir = compress_literal(&dir_stream(&refs));
        let paths: Vec<String> = (0..streams).map(|i| format!("/VBA/M{i}")).collect();
        let mut all: Vec<(&str, &[u8])> = vec![
            ("/VBA/dir", &dir),
            (
                "/VBA/_VBA_PROJECT",
                &[0xCC, 0x61, 0xB2, 0x00, 0x00, 0x03, 0x00],
            ),
        ];
        for p in &paths {
            all.push((p.as_str(), &module));
        }
        crate::office::ole::tests::cfb_file(&all)
    }

    #[test]
    fn module_records_naming_one_stream_are_read_once() {
        // 500 records, one stream of ~6 KB that decompresses to ~4 MB: 2 GB if each record re-read it.
        let file = project(500, 1, 1000);
        let t = std::time::Instant::now();
        let n = crate::office::ole::tests::run(&file, "vbaProject.bin");
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        assert!(
            n.has("office.macro_autoexec"),
            "{:?}",
            crate::office::ole::tests::ids(&n)
        );
        assert!(n.has("office.macro_auto_payload"));
    }

    #[test]
    fn project_source_budget_is_flagged() {
        // 40 distinct streams of ~4 MB each: the 16 MiB project budget stops after four.
        let file = project(40, 40, 1000);
        let t = std::time::Instant::now();
        let n = crate::office::ole::tests::run(&file, "vbaProject.bin");
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        assert!(n.has("office.vba_macros"));
        assert!(n.has("office.macro_autoexec"));
        let f = n.findings.iter().find(|f| f.id == "content.limit").unwrap();
        assert_eq!(f.evidence[0].value, "VBA source");
        // A module beyond the per-module cap is neither source nor "does not decompress".
        let (s, off) = bomb_module(1100);
        let m = ModuleRef {
            name: "M".into(),
            stream: "M".into(),
            offset: off,
        };
        let (big, used) = read_module(&m, &s, 1252, usize::MAX);
        assert!(big.truncated && big.source.is_none() && used == MAX_SOURCE);
        assert!(stomped(&big).is_none());
    }
}
