//! Body sections (`BodyText/Section*`, and `ViewText/Section*` of distribution documents; HWP 5.0
//! specification §3.2.3, §4.3): the paragraph text for the lure detectors, hyperlinks and other fields,
//! and the controls that pull in BinData (pictures, OLE objects, videos, form objects).
//!
//! `HWPTAG_PARA_TEXT` (표 60) is UTF-16LE in which codes 0-31 are controls (표 6): "char" controls take
//! one unit, "inline" and "extended" controls take eight (the code, six units of data or a pointer,
//! the code again). Extended controls are described by the `HWPTAG_CTRL_HEADER` record that follows,
//! whose first DWORD is the control id (MAKE_4CHID, 표 127/128); fields start with '%' and carry their
//! command (표 152), which for a hyperlink (`%hlk`) is the target.

use super::records::Records;
use super::{utf16, wstr};
use crate::archive::{u16le, u32le};
use std::collections::BTreeMap;

/// Body tags: HWPTAG_BEGIN (0x10) + 50 and on (표 5).
pub(crate) const TAG_PARA_HEADER: u16 = 0x42;
pub(crate) const TAG_PARA_TEXT: u16 = 0x43;
pub(crate) const TAG_CTRL_HEADER: u16 = 0x47;
pub(crate) const TAG_SHAPE_COMPONENT_OLE: u16 = 0x54;
pub(crate) const TAG_SHAPE_COMPONENT_PICTURE: u16 = 0x55;
pub(crate) const TAG_CTRL_DATA: u16 = 0x57;
pub(crate) const TAG_FORM_OBJECT: u16 = 0x5B;
pub(crate) const TAG_VIDEO_DATA: u16 = 0x62;

/// Text kept from all sections together (the node keeps less; the rest is for link scanning).
const MAX_TEXT: usize = 256 << 10;
const MAX_ITEMS: usize = 1000;

/// An OLE control (`HWPTAG_SHAPE_COMPONENT_OLE`, 표 118-119).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OleRef {
    pub bin_id: u16,
    /// 1 embedded, 2 linked, 3 static, 4 equation.
    pub kind: u32,
    pub stream: String,
}

#[derive(Debug, Default)]
pub(crate) struct Body {
    pub text: String,
    /// Hyperlink targets and other addresses found in controls, each once.
    pub links: Vec<String>,
    pub ole: Vec<OleRef>,
    /// BinData ids of pictures.
    pub pictures: Vec<u16>,
    /// Field controls by id ("%hlk" -> 2).
    pub fields: BTreeMap<String, usize>,
    pub forms: usize,
    pub videos: usize,
    pub paragraphs: usize,
    pub problems: Vec<String>,
}

impl Body {
    fn link(&mut self, l: String) {
        let l = l.trim().trim_end_matches('\0').to_string();
        if !l.is_empty() && self.links.len() < MAX_ITEMS && !self.links.contains(&l) {
            self.links.push(l);
        }
    }
}

/// Parses one decompressed (and decrypted) section stream into `into`.
pub(crate) fn parse(data: &[u8], stream: &str, into: &mut Body) {
    let mut recs = Records::new(data);
    for r in recs.by_ref() {
        match r.tag {
            TAG_PARA_HEADER => into.paragraphs += 1,
            TAG_PARA_TEXT => para_text(r.data, &mut into.text),
            TAG_CTRL_HEADER => ctrl_header(r.data, into),
            TAG_CTRL_DATA | TAG_VIDEO_DATA | TAG_FORM_OBJECT => {
                // Parameter sets (표 50) of hyperlinks, web video tags, form-object properties: their
                // strings are UTF-16; the addresses in them are what the control opens.
                if r.tag == TAG_FORM_OBJECT {
                    into.forms += 1;
                } else if r.tag == TAG_VIDEO_DATA {
                    into.videos += 1;
                }
                for u in addresses(&utf16(r.data)) {
                    into.link(u);
                }
            }
            TAG_SHAPE_COMPONENT_OLE => {
                // 표 118: the properties are a DWORD (bits 16-21 give the object type), then the
                // extents, then the BinData id of the object's storage.
                if let (Some(props), Some(id)) = (u32le(r.data, 0), u16le(r.data, 12)) {
                    if into.ole.len() < MAX_ITEMS {
                        into.ole.push(OleRef {
                            bin_id: id,
                            kind: (props >> 16) & 0x3F,
                            stream: stream.to_string(),
                        });
                    }
                }
            }
            TAG_SHAPE_COMPONENT_PICTURE => {
                // 표 107: border (12 bytes), the image rectangle (32), the crop (16), padding (8), then
                // the picture info (표 32) whose BinItem id sits at its offset 3.
                if let Some(id) = u16le(r.data, 71) {
                    if into.pictures.len() < MAX_ITEMS && !into.pictures.contains(&id) {
                        into.pictures.push(id);
                    }
                }
            }
            _ => {}
        }
    }
    for p in recs.problems {
        if into.problems.len() < 16 {
            into.problems.push(format!("{stream}: {p}"));
        }
    }
}

/// `HWPTAG_PARA_TEXT` to text: controls skipped by their size (표 6), line and paragraph breaks kept.
pub(crate) fn para_text(d: &[u8], out: &mut String) {
    if out.len() >= MAX_TEXT {
        return;
    }
    let units: Vec<u16> = d
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut vis: Vec<u16> = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let c = units[i];
        if c >= 32 {
            vis.push(c);
        } else {
            match c {
                10 | 13 => vis.push(u16::from(b'\n')),
                24 => vis.push(u16::from(b'-')),
                30 | 31 => vis.push(u16::from(b' ')),
                9 => {
                    vis.push(u16::from(b'\t'));
                    i += 7;
                }
                // inline (4-8, 19, 20) and extended (1-3, 11, 12, 14-18, 21-23): eight units each.
                1..=8 | 11 | 12 | 14..=23 => i += 7,
                _ => {}
            }
        }
        i += 1;
    }
    let s = String::from_utf16_lossy(&vis);
    let room = MAX_TEXT.saturating_sub(out.len());
    out.push_str(&spearwatch_core::truncate_str(&s, room));
}

/// A control header: fields (표 152) give their command; hyperlinks their target.
fn ctrl_header(d: &[u8], into: &mut Body) {
    let Some(id) = u32le(d, 0) else {
        return;
    };
    let chid: String = id.to_be_bytes().iter().map(|&b| b as char).collect();
    if !chid.starts_with('%') {
        return;
    }
    if into.fields.len() < 64 || into.fields.contains_key(&chid) {
        *into.fields.entry(chid.clone()).or_default() += 1;
    }
    // ctrl id (4), properties (4), extra properties (1), then the command.
    let Some((cmd, _)) = wstr(d, 9) else {
        return;
    };
    if chid == "%hlk" {
        into.link(link_target(&cmd));
    } else {
        for u in addresses(&cmd) {
            into.link(u);
        }
    }
}

/// The target of a hyperlink field command: Hangul writes `http\://host/path;1;0;0;` (':' and ';'
/// escaped with a backslash, options after the first unescaped ';').
pub(crate) fn link_target(cmd: &str) -> String {
    let mut out = String::new();
    let mut esc = false;
    for c in cmd.chars() {
        if esc {
            out.push(c);
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == ';' {
            break;
        } else {
            out.push(c);
        }
    }
    out
}

/// Web addresses and UNC paths in free text, unescaped the way field commands escape ':'.
pub(crate) fn addresses(s: &str) -> Vec<String> {
    let s = s.replace("\\:", ":");
    let mut out = crate::exe::script::urls(&s);
    for (i, _) in s.match_indices("\\\\") {
        let u: String = s[i..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ';' | '\0' | '<'))
            .take(300)
            .collect();
        // A UNC path names a host and a share: \\host\share.
        if u.len() > 4 && u[2..].contains('\\') && !u.starts_with("\\\\?\\") && !out.contains(&u) {
            out.push(u);
        }
        if out.len() > 50 {
            break;
        }
    }
    out.retain(|u| u.len() > 10);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::records::encode;
    use super::*;

    fn units(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|c| c.to_le_bytes()).collect()
    }

    /// A paragraph: PARA_HEADER and PARA_TEXT (the text, then the paragraph end).
    pub(crate) fn paragraph(text: &str) -> Vec<u8> {
        let mut t = units(text);
        t.extend_from_slice(&13u16.to_le_bytes());
        let mut s = encode(TAG_PARA_HEADER, 0, &[0u8; 22]);
        s.extend(encode(TAG_PARA_TEXT, 1, &t));
        s
    }

    /// A paragraph holding a hyperlink field: the field-start extended control in the text, then the
    /// CTRL_HEADER with the `%hlk` command.
    pub(crate) fn hyperlink(text: &str, command: &str) -> Vec<u8> {
        let mut t = Vec::new();
        // Extended control 3 (field start): code, ctrl id (2 units), 4 units, code.
        for u in [3u16, 0x6b6c, 0x2568, 0, 0, 0, 0, 3] {
            t.extend_from_slice(&u.to_le_bytes());
        }
        t.extend(units(text));
        for u in [4u16, 0, 0, 0, 0, 0, 0, 4, 13] {
            t.extend_from_slice(&u.to_le_bytes());
        }
        let mut s = encode(TAG_PARA_HEADER, 0, &[0u8; 22]);
        s.extend(encode(TAG_PARA_TEXT, 1, &t));
        let mut c = u32::from_be_bytes(*b"%hlk").to_le_bytes().to_vec();
        c.extend_from_slice(&[0, 0, 0, 0, 0]);
        let cmd: Vec<u16> = command.encode_utf16().collect();
        c.extend_from_slice(&(cmd.len() as u16).to_le_bytes());
        c.extend(cmd.iter().flat_map(|u| u.to_le_bytes()));
        c.extend_from_slice(&[1, 0, 0, 0]);
        s.extend(encode(TAG_CTRL_HEADER, 1, &c));
        s
    }

    /// An OLE control pointing at BinData `id` (a `gso ` control with its shape component).
    pub(crate) fn ole_control(id: u16, linked: bool) -> Vec<u8> {
        let mut s = encode(TAG_PARA_HEADER, 0, &[0u8; 22]);
        s.extend(encode(
            TAG_CTRL_HEADER,
            1,
            &u32::from_be_bytes(*b"gso ").to_le_bytes(),
        ));
        let props: u32 = 1 | (if linked { 2 } else { 1 } << 16);
        let mut d = props.to_le_bytes().to_vec();
        d.extend_from_slice(&[0; 8]);
        d.extend_from_slice(&id.to_le_bytes());
        d.extend_from_slice(&[0; 12]);
        s.extend(encode(0x4C, 2, &u32::from_be_bytes(*b"$ole").to_le_bytes()));
        s.extend(encode(TAG_SHAPE_COMPONENT_OLE, 3, &d));
        s
    }

    #[test]
    fn text_controls_and_links() {
        let mut sec = paragraph("국세청 종합소득세 환급 안내");
        // A tab (inline control, 8 units) between two words.
        let mut t = units("a");
        for u in [9u16, 0, 0, 0, 0, 0, 0, 9] {
            t.extend_from_slice(&u.to_le_bytes());
        }
        t.extend(units("b"));
        t.extend_from_slice(&13u16.to_le_bytes());
        sec.extend(encode(TAG_PARA_HEADER, 0, &[0u8; 22]));
        sec.extend(encode(TAG_PARA_TEXT, 1, &t));
        sec.extend(hyperlink(
            "여기",
            "https\\://login.example.net/verify;1;0;0;",
        ));
        sec.extend(ole_control(3, false));
        let mut b = Body::default();
        parse(&sec, "BodyText/Section0", &mut b);
        assert!(b.problems.is_empty(), "{:?}", b.problems);
        assert_eq!(b.text, "국세청 종합소득세 환급 안내\na\tb\n여기\n");
        assert_eq!(b.links, vec!["https://login.example.net/verify"]);
        assert_eq!(b.fields.get("%hlk"), Some(&1));
        assert_eq!(b.ole[0].bin_id, 3);
        assert_eq!(b.ole[0].kind, 1);
        assert_eq!(b.paragraphs, 4);
        for n in 0..sec.len() {
            let mut b = Body::default();
            parse(&sec[..n], "x", &mut b);
        }
    }

    #[test]
    fn addresses_in_text() {
        assert_eq!(
            addresses("open \\\\198.51.100.7\\docs\\a.hwp or http\\://x.example.com/a"),
            vec![
                "http://x.example.com/a".to_string(),
                "\\\\198.51.100.7\\docs\\a.hwp".to_string()
            ]
        );
        assert!(addresses("C:\\\\Users").is_empty());
        assert_eq!(
            link_target("http\\://a.example\\;b;1;0"),
            "http://a.example;b"
        );
    }
}
