//! HWPX (OWPML, KS X 6101): a zip whose first member `mimetype` says `application/hwp+zip`, the
//! manifest `Contents/content.hpf` (OPF: every part and binary item, `isEmbeded="0"` for linked ones),
//! `Contents/header.xml` (styles, and the linked document in `docOption/linkinfo`),
//! `Contents/section*.xml` (paragraphs: text in `<hp:t>` runs; hyperlinks as `fieldBegin
//! type="HYPERLINK"` with a `Command` parameter), `BinData/*` (pictures, OLE objects, EPS),
//! `Scripts/headerScripts` and `Scripts/sourceScripts` (JScript), `Preview/PrvText.txt`, and
//! `META-INF/manifest.xml` (ODF-style, with `encryption-data` when the document is password-protected).
//! Findings are the HWP 5 ones where they apply.

use super::bindata::{self, Tally};
use super::body::{addresses, link_target};
use super::xml::{attr, walk, Ev};
use super::{script, utf16};
use crate::archive::Member;
use crate::kind::sniff;
use crate::{Kind, Node, Walk};

/// Called by the zip reader with every member it extracted.
pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, members: Vec<Member>) {
    let lower = |m: &Member| m.name.to_ascii_lowercase();
    let mut parts: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut remote: Vec<String> = Vec::new();
    let mut links: Vec<String> = Vec::new();
    let mut linked_items: Vec<String> = Vec::new();

    // Encryption (ODF-style manifest).
    if let Some(m) = members.iter().find(|m| lower(m) == "meta-inf/manifest.xml") {
        let mut encrypted = Vec::new();
        let mut current = String::new();
        walk(&m.data, |ev| {
            if let Ev::Start(name, attrs) = ev {
                if name == "file-entry" {
                    current = attr(attrs, "full-path").unwrap_or("").to_string();
                } else if name == "encryption-data" && encrypted.len() < 20 {
                    encrypted.push(current.clone());
                }
            }
        });
        if !encrypted.is_empty() {
            super::flag_encrypted(
                node,
                &super::listing(&encrypted, 5),
                "META-INF/manifest.xml lists encryption-data: the parts are encrypted with a password",
            );
        }
    }

    // The manifest: items and the linked ones.
    if let Some(m) = members.iter().find(|m| lower(m) == "contents/content.hpf") {
        walk(&m.data, |ev| {
            if let Ev::Start("item", attrs) = ev {
                let href = attr(attrs, "href").unwrap_or("");
                let embedded = attr(attrs, "isEmbeded").or_else(|| attr(attrs, "isEmbedded"));
                if (embedded == Some("0") || super::is_remote(href)) && !href.is_empty() {
                    if super::is_remote(href) {
                        remote.push(href.to_string());
                    } else if linked_items.len() < 50 {
                        linked_items.push(href.to_string());
                    }
                }
            }
        });
    }

    // header.xml: the linked document and any other path that leaves the package.
    if let Some(m) = members.iter().find(|m| lower(m) == "contents/header.xml") {
        walk(&m.data, |ev| {
            if let Ev::Start(_, attrs) = ev {
                for (k, v) in attrs {
                    let k = k.to_ascii_lowercase();
                    if matches!(k.as_str(), "path" | "href" | "apath" | "rpath" | "linkpath")
                        && super::is_remote(v)
                        && !remote.contains(v)
                    {
                        remote.push(v.clone());
                    }
                }
            }
        });
    }

    // Sections: text, hyperlinks, linked OLE objects.
    let mut sections: Vec<&Member> = members
        .iter()
        .filter(|m| {
            let l = lower(m);
            l.starts_with("contents/section") && l.ends_with(".xml")
        })
        .collect();
    sections.sort_by_key(|m| {
        let digits: String = m.name.chars().filter(char::is_ascii_digit).collect();
        (digits.parse::<u64>().unwrap_or(u64::MAX), m.name.clone())
    });
    let mut text = String::new();
    let mut linked_ole = 0usize;
    for m in &sections {
        let mut in_t = 0usize;
        let mut in_hyperlink = false;
        let mut param: Option<String> = None;
        walk(&m.data, |ev| match ev {
            Ev::Start(name, attrs) => match name {
                "t" => in_t += 1,
                "tab" if in_t > 0 => text.push('\t'),
                "lineBreak" if in_t > 0 => text.push('\n'),
                "fieldBegin" => {
                    in_hyperlink =
                        attr(attrs, "type").is_some_and(|t| t.eq_ignore_ascii_case("HYPERLINK"));
                }
                "stringParam" if in_hyperlink => {
                    param = attr(attrs, "name").map(str::to_string);
                }
                "ole" => {
                    if attr(attrs, "objectType").is_some_and(|t| t.eq_ignore_ascii_case("LINK")) {
                        linked_ole += 1;
                    }
                }
                _ => {
                    for (k, v) in attrs {
                        if matches!(k.as_str(), "href" | "path" | "linkPath")
                            && super::is_remote(v)
                            && !remote.contains(v)
                        {
                            remote.push(v.clone());
                        }
                    }
                }
            },
            Ev::End(name) => match name {
                "t" => in_t = in_t.saturating_sub(1),
                "p" => text.push('\n'),
                "stringParam" => param = None,
                "fieldBegin" => in_hyperlink = false,
                _ => {}
            },
            Ev::Text(s) => {
                if in_t > 0 && text.len() < (256 << 10) {
                    text.push_str(s);
                } else if param
                    .as_deref()
                    .is_some_and(|p| p == "Command" || p == "Path")
                {
                    let target = if param.as_deref() == Some("Command") {
                        link_target(s)
                    } else {
                        s.trim().to_string()
                    };
                    if !target.is_empty() && !links.contains(&target) && links.len() < 1000 {
                        links.push(target);
                    }
                }
            }
        });
    }
    if !text.trim().is_empty() {
        node.push_text(&text);
    } else if let Some(p) = members.iter().find(|m| lower(m) == "preview/prvtext.txt") {
        node.push_text(&decode_text(&p.data));
    }
    if !sections.is_empty() {
        parts.push(format!(
            "{} section{}",
            sections.len(),
            if sections.len() == 1 { "" } else { "s" }
        ));
    }

    // Scripts: header and source together.
    let script_text: Vec<String> = members
        .iter()
        .filter(|m| lower(m).starts_with("scripts/") && !lower(m).contains("version"))
        .map(|m| decode_text(&m.data))
        .collect();
    if !script_text.is_empty() {
        let all = script_text.join("\n");
        parts.push(if script::judge(&all).empty {
            "empty script template".into()
        } else {
            "JScript".into()
        });
        script::flag(node, "Scripts/", &all);
    }

    // BinData and anything else that is a file of its own.
    let mut tally = Tally::default();
    for m in &members {
        if w.expired(node) {
            return;
        }
        let l = lower(m);
        if l.starts_with("bindata/") {
            let ext = m.name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            bindata::item(w, node, &m.name, ext, &m.data, &mut tally);
        } else if !is_part(&l) && !matches!(sniff(&m.data, &m.name), Kind::Unknown | Kind::Text) {
            problems.push(format!(
                "{} is not part of the HWPX layout but holds a file",
                m.name
            ));
            w.child(node, &m.name, &m.data);
        }
    }
    bindata::finish(node, &tally);
    if let Some(d) = tally.describe() {
        parts.push(d);
    }
    if linked_ole > 0 {
        parts.push(format!("{linked_ole} linked OLE object(s)"));
    }
    if !linked_items.is_empty() {
        parts.push(format!("{} linked item(s)", linked_items.len()));
    }
    for l in &links {
        if l.starts_with("\\\\") && !remote.contains(l) {
            remote.push(l.clone());
        }
    }
    super::flag_external(
        node,
        &remote,
        "items, linked documents or objects that Hangul loads from these locations when the \
         document opens (content.hpf, header.xml, section XML)",
    );
    let mut all_links = links;
    for u in addresses(&text) {
        if !all_links.contains(&u) && all_links.len() < 1000 {
            all_links.push(u);
        }
    }
    super::flag_links(node, &all_links, "section XML");
    super::flag_malformed(node, &problems);
    if !parts.is_empty() {
        let base = node
            .format
            .clone()
            .unwrap_or_else(|| "HWPX document".into());
        node.format = Some(format!("{base}; {}", parts.join(", ")));
    }
}

/// The package's own parts: XML, the manifest, previews, settings and scripts (read above).
fn is_part(lower: &str) -> bool {
    lower == "mimetype"
        || lower.ends_with(".xml")
        || lower.ends_with(".hpf")
        || lower.ends_with(".rdf")
        || lower.starts_with("preview/")
        || lower.starts_with("scripts/")
        || lower.starts_with("meta-inf/")
}

/// Text in UTF-16LE (with a BOM, or where it is not UTF-8 without NULs) or UTF-8.
pub(crate) fn decode_text(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest);
    }
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b);
    match std::str::from_utf8(b) {
        Ok(s) if !s.contains('\0') => s.to_string(),
        _ => utf16(b),
    }
}
