//! Document scripts. Hangul runs JScript stored with the document (HWP 5 `Scripts/DefaultJScript`,
//! HWPX `Scripts/sourceScripts`, HWPML `SCRIPTCODE`) through its automation object model: handlers
//! such as `OnDocument_Open` run when the document opens (after a prompt in current versions), and
//! the script can create any ActiveX object. Hangul saves an empty template in many documents, which is
//! reported as information only.
//!
//! `DefaultJScript` (HWP 5.0 specification §3.2.9, 표 9): header, source, pre-source and post-source,
//! each a DWORD length in characters and UTF-16LE text, then the end flag -1.

use super::{short, utf16};
use crate::archive::u32le;
use crate::Node;
use spearwatch_core::{technique as t, Severity};

/// Characters of script text read at most.
const MAX_CHARS: usize = 1 << 20;

/// The text of a `DefaultJScript` stream (decompressed): its parts joined by newlines. `None` when the
/// stream does not have the length-prefixed layout.
pub(crate) fn parse_default_jscript(d: &[u8]) -> Option<String> {
    let mut off = 0usize;
    let mut parts = Vec::new();
    for _ in 0..4 {
        let n = u32le(d, off)?;
        if n == u32::MAX {
            break;
        }
        let n = n as usize;
        if n > MAX_CHARS {
            return None;
        }
        let bytes = crate::archive::bytes(d, off + 4, n * 2)?;
        parts.push(utf16(bytes));
        off += 4 + n * 2;
    }
    Some(parts.join("\n"))
}

/// Calls and strings that take a script beyond the document: the Windows Script Host, ActiveX, process
/// launch, downloads, files, the registry, decoding. (Hangul's own `HAction.Run` runs editor actions and
/// is not among them.)
const DANGEROUS: &[&str] = &[
    "activexobject",
    "wscript",
    "shell.application",
    "shellexecute",
    "createobject",
    "getobject",
    "powershell",
    "cmd.exe",
    "cmd /c",
    "mshta",
    "rundll32",
    "regsvr32",
    "certutil",
    "bitsadmin",
    "xmlhttp",
    "winhttp",
    "adodb.stream",
    "savetofile",
    "scripting.filesystemobject",
    "regwrite",
    "urldownloadtofile",
    "eval(",
    "fromcharcode",
    "unescape(",
    "http://",
    "https://",
];

/// How a script reads.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// Nothing but Hangul's template: the two `var` lines and empty handler functions.
    pub empty: bool,
    pub dangerous: Vec<&'static str>,
    /// Handlers that run without a click.
    pub auto: Vec<String>,
}

pub(crate) fn judge(text: &str) -> Verdict {
    let code = strip_comments(text);
    let low = code.to_ascii_lowercase();
    let mut v = Verdict::default();
    for d in DANGEROUS {
        if low.contains(d) {
            v.dangerous.push(*d);
        }
    }
    // A `.Run(` outside Hangul's action API, and `Shell` as a word, are the WScript.Shell habits.
    if low
        .match_indices(".run(")
        .any(|(i, _)| !low[..i].ends_with("haction"))
    {
        v.dangerous.push(".Run(");
    }
    if words(&low).any(|w| w == "shell") {
        v.dangerous.push("Shell");
    }
    for h in [
        "OnDocument_Open",
        "OnDocument_New",
        "OnDocument_Print",
        "OnDocument_Close",
    ] {
        if code.contains(h) && !body_empty(&code, h) {
            v.auto.push(h.to_string());
        }
    }
    v.empty = is_template(&code);
    v
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
}

/// Removes `//` and `/* */` comments (string literals are not special-cased: comments inside strings are
/// rare, and removing too much only makes the template check stricter).
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let line = rest.find("//");
        let block = rest.find("/*");
        match (line, block) {
            (Some(l), b) if b.is_none_or(|b| l < b) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map(|e| &rest[l + e..]).unwrap_or("");
            }
            (_, Some(b)) => {
                out.push_str(&rest[..b]);
                rest = rest[b + 2..]
                    .find("*/")
                    .map(|e| &rest[b + 2 + e + 2..])
                    .unwrap_or("");
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// Whether `code` holds nothing but Hangul's template: the `Documents`/`Document` declarations and
/// functions with empty bodies.
fn is_template(code: &str) -> bool {
    let mut c: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    for decl in [
        "varDocuments=XHwpDocuments;",
        "varDocument=Documents.Active_XHwpDocument;",
    ] {
        c = c.replace(decl, "");
    }
    let mut rest = c.as_str();
    while !rest.is_empty() {
        let Some(r) = rest.strip_prefix("function") else {
            return false;
        };
        let Some(open) = r.find('(') else {
            return false;
        };
        if !r[..open]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return false;
        }
        let Some(close) = r[open..].find(')') else {
            return false;
        };
        let Some(after) = r[open + close + 1..].strip_prefix("{}") else {
            return false;
        };
        rest = after.trim_start_matches(';');
    }
    true
}

/// Whether handler `name`'s body is empty (whitespace only).
fn body_empty(code: &str, name: &str) -> bool {
    let Some(i) = code.find(name) else {
        return true;
    };
    let after = &code[i..];
    let Some(open) = after.find('{') else {
        return true;
    };
    let Some(close) = after[open..].find('}') else {
        return false;
    };
    after[open + 1..open + close].trim().is_empty()
}

/// `hwp.script`: a document script, by what it does. Once per document.
pub(crate) fn flag(node: &mut Node, where_: &str, text: &str) {
    if node.has("hwp.script") {
        return;
    }
    let v = judge(text);
    let first: String = strip_comments(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("var Document"))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let (sev, title, value) = if !v.dangerous.is_empty() {
        (
            Severity::Critical,
            "Hangul document script reaches outside the document (ActiveX, shell, network)",
            v.dangerous.join(", "),
        )
    } else if v.empty {
        (
            Severity::Info,
            "Hangul document carries an empty script template",
            "empty template".to_string(),
        )
    } else {
        (
            Severity::High,
            "Hangul document carries a script",
            short(&first, 120),
        )
    };
    let mut note = format!("{where_}: {} characters of JScript", text.chars().count());
    if !v.auto.is_empty() {
        note.push_str(&format!("; runs on {}", v.auto.join(", ")));
    }
    if sev != Severity::Info {
        note.push_str(&format!("; begins: {}", short(&first, 160)));
    }
    let mut techniques = vec![t::JAVASCRIPT];
    if sev == Severity::Critical {
        techniques.push(t::MALICIOUS_FILE);
    }
    node.flag("hwp.script", sev, title, &techniques, value, note);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `DefaultJScript` stream (uncompressed) with `source`.
    pub(crate) fn stream(source: &str) -> Vec<u8> {
        let mut s = Vec::new();
        for part in [
            "var Documents = XHwpDocuments;\r\nvar Document = Documents.Active_XHwpDocument;\r\n",
            source,
            "",
            "",
        ] {
            let u: Vec<u16> = part.encode_utf16().collect();
            s.extend_from_slice(&(u.len() as u32).to_le_bytes());
            s.extend(u.iter().flat_map(|c| c.to_le_bytes()));
        }
        s.extend_from_slice(&u32::MAX.to_le_bytes());
        s
    }

    pub(crate) const TEMPLATE: &str = "function OnDocument_New()\r\n{\r\n\t//todo : \r\n}\r\n\r\nfunction OnDocument_Open()\r\n{\r\n\t//todo : \r\n}\r\n";

    #[test]
    fn template_code_and_danger() {
        let t = parse_default_jscript(&stream(TEMPLATE)).unwrap();
        assert!(t.contains("OnDocument_New"));
        let v = judge(&t);
        assert!(
            v.empty && v.dangerous.is_empty() && v.auto.is_empty(),
            "{v:?}"
        );

        let v = judge("function OnDocument_Open()\n{\n HAction.Run(\"MoveDocBegin\");\n}\n");
        assert!(!v.empty && v.dangerous.is_empty());
        assert_eq!(v.auto, vec!["OnDocument_Open"]);

        let v = judge("function OnDocument_Open(){ var s = new ActiveXObject(\"WScript.Shell\"); s.Run(\"cmd /c calc\"); }");
        assert!(v.dangerous.contains(&"activexobject"));
        assert!(v.dangerous.contains(&".Run("));
        assert!(v.dangerous.contains(&"Shell") || v.dangerous.contains(&"wscript"));

        // Empty parts and the end flag only (a distribution document's script).
        let mut empty = [0u8; 16].to_vec();
        empty.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(judge(&parse_default_jscript(&empty).unwrap()).empty);
        assert!(parse_default_jscript(&[0xff, 0xff, 0xff, 0x7f]).is_none());
    }
}
