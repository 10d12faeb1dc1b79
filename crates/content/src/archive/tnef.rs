//! TNEF (`winmail.dat`, MS-OXTNEF): Outlook's encapsulation of a message's attachments and properties.
//! The attribute stream (§2.1.3.1) is read in order; each attAttachRendData starts an attachment whose
//! bytes come from attAttachData or from PR_ATTACH_DATA_BIN in its attAttachment property list
//! (§2.1.3.4), and whose name comes from PR_ATTACH_LONG_FILENAME, attAttachTitle or PR_ATTACH_FILENAME.

use super::{bytes, u16le, u32le};
use crate::{Node, Walk};

const SIGNATURE: u32 = 0x223E_9F78;
/// Attribute ids (§2.1.3.3, type in the high word).
const ATT_BODY: u32 = 0x0002_800C;
const ATT_SUBJECT: u32 = 0x0001_8004;
const ATT_ATTACH_REND_DATA: u32 = 0x0006_9002;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACHMENT: u32 = 0x0006_9005;
/// MAPI property ids (MS-OXPROPS).
const PR_ATTACH_DATA: u16 = 0x3701;
const PR_ATTACH_FILENAME: u16 = 0x3704;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PR_DISPLAY_NAME: u16 = 0x3001;
/// Attributes and properties read at most.
const MAX_ITEMS: usize = 10_000;

#[derive(Default)]
struct Attachment<'a> {
    title: Option<String>,
    long_name: Option<String>,
    short_name: Option<String>,
    display: Option<String>,
    data: Option<&'a [u8]>,
}

impl Attachment<'_> {
    fn name(&self, n: usize) -> String {
        self.long_name
            .clone()
            .or_else(|| self.title.clone())
            .or_else(|| self.short_name.clone())
            .or_else(|| self.display.clone())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format!("attachment-{n}"))
    }
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    if u32le(data, 0) != Some(SIGNATURE) {
        return;
    }
    // Signature u32, legacy key u16, then attributes: level u8, id u32, length u32, data, checksum u16.
    let mut pos = 6usize;
    let mut current: Option<Attachment<'_>> = None;
    let mut done = Vec::new();
    let mut problem = None;
    for _ in 0..MAX_ITEMS {
        let (Some(_level), Some(id), Some(len)) =
            (data.get(pos), u32le(data, pos + 1), u32le(data, pos + 5))
        else {
            break;
        };
        let Some(body) = usize::try_from(len)
            .ok()
            .and_then(|l| bytes(data, pos + 9, l))
        else {
            problem = Some(format!(
                "attribute {id:#x} at offset {pos} runs past the end"
            ));
            break;
        };
        match id {
            ATT_ATTACH_REND_DATA => {
                done.extend(current.take());
                current = Some(Attachment::default());
            }
            ATT_ATTACH_DATA => current.get_or_insert_with(Attachment::default).data = Some(body),
            ATT_ATTACH_TITLE => {
                current.get_or_insert_with(Attachment::default).title = Some(string8(body))
            }
            ATT_ATTACHMENT => {
                let a = current.get_or_insert_with(Attachment::default);
                for (pid, ptype, v) in props(body) {
                    match (pid, ptype) {
                        (PR_ATTACH_LONG_FILENAME, _) => a.long_name = Some(prop_string(ptype, v)),
                        (PR_ATTACH_FILENAME, _) => a.short_name = Some(prop_string(ptype, v)),
                        (PR_DISPLAY_NAME, _) => a.display = Some(prop_string(ptype, v)),
                        // PT_OBJECT data starts with the interface id (16 bytes).
                        (PR_ATTACH_DATA, 0x000D) => a.data = a.data.or(v.get(16..)),
                        (PR_ATTACH_DATA, _) => a.data = a.data.or(Some(v)),
                        _ => {}
                    }
                }
            }
            ATT_BODY | ATT_SUBJECT => node.push_text(&string8(body)),
            _ => {}
        }
        pos = pos + 9 + body.len() + 2;
    }
    done.extend(current.take());
    let mut count = 0usize;
    for (i, a) in done.iter().enumerate() {
        if w.expired(node) {
            break;
        }
        let name = a.name(i + 1);
        match a.data {
            Some(d) => {
                count += 1;
                w.child(node, &name, d);
            }
            None => {
                w.listed(node, &name, 0, false);
            }
        }
    }
    node.format = Some(format!(
        "TNEF (winmail.dat), {} attachments, {count} with data{}",
        done.len(),
        problem.map(|p| format!(" ({p})")).unwrap_or_default()
    ));
    super::flag_executables(node, "TNEF attachment bundle");
}

/// An 8-bit string attribute: zero-terminated, in the message code page (Windows-1252 assumed unless it
/// is UTF-8 or decodes as CP949).
fn string8(b: &[u8]) -> String {
    let end = memchr::memchr(0, b).unwrap_or(b.len());
    super::decode_legacy_name(&b[..end], |r| {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(r)
            .0
            .into_owned()
    })
}

fn prop_string(ptype: u16, v: &[u8]) -> String {
    if ptype == 0x001F {
        let u: Vec<u16> = v
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&c| c != 0)
            .collect();
        String::from_utf16_lossy(&u)
    } else {
        string8(v)
    }
}

/// A MAPI property list (§2.1.3.4): count u32, then per property: type u16, id u16, the name of a
/// named property (id >= 0x8000), and the value. Variable-size values are a value count, then each
/// value's length, bytes and padding to 4. Yields (id, type, first value) until the list ends or is
/// malformed.
fn props(b: &[u8]) -> Vec<(u16, u16, &[u8])> {
    let mut out = Vec::new();
    let Some(count) = u32le(b, 0) else {
        return out;
    };
    let mut p = 4usize;
    let pad4 = |n: usize| n.div_ceil(4) * 4;
    for _ in 0..count.min(MAX_ITEMS as u32) {
        let (Some(ptype), Some(pid)) = (u16le(b, p), u16le(b, p + 2)) else {
            break;
        };
        p += 4;
        if pid >= 0x8000 {
            // Named property: GUID, kind (0 = numeric id, 1 = UTF-16 name with its byte length).
            let Some(kind) = u32le(b, p + 16) else { break };
            p += 20;
            if kind == 0 {
                p += 4;
            } else {
                let Some(n) = u32le(b, p) else { break };
                p += 4 + pad4(n as usize);
            }
        }
        let multi = ptype & 0x1000 != 0;
        let base = ptype & !0x1000;
        let fixed = match base {
            0x0001..=0x0004 | 0x000A | 0x000B => Some(4),
            0x0005..=0x0007 | 0x0014 | 0x0040 => Some(8),
            0x0048 => Some(16),
            0x000D | 0x001E | 0x001F | 0x0102 => None,
            _ => break, // unknown type: the rest cannot be framed
        };
        let n = if multi || fixed.is_none() {
            let Some(n) = u32le(b, p) else { break };
            p += 4;
            n.min(MAX_ITEMS as u32)
        } else {
            1
        };
        let mut first = None;
        for _ in 0..n {
            let (start, len) = match fixed {
                Some(f) => (p, f),
                None => {
                    let Some(l) = u32le(b, p) else { break };
                    p += 4;
                    (p, l as usize)
                }
            };
            let Some(v) = bytes(b, start, len) else {
                return out;
            };
            first.get_or_insert(v);
            p = start + pad4(len);
        }
        if let Some(v) = first {
            out.push((pid, base, v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Options};

    fn attr(level: u8, id: u32, data: &[u8]) -> Vec<u8> {
        let mut a = vec![level];
        a.extend(id.to_le_bytes());
        a.extend((data.len() as u32).to_le_bytes());
        a.extend_from_slice(data);
        let sum = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        a.extend(sum.to_le_bytes());
        a
    }

    fn long_name_props(name: &str) -> Vec<u8> {
        let mut p = 1u32.to_le_bytes().to_vec();
        p.extend(0x001Fu16.to_le_bytes());
        p.extend(PR_ATTACH_LONG_FILENAME.to_le_bytes());
        p.extend(1u32.to_le_bytes());
        let u: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(|c| c.to_le_bytes())
            .collect();
        p.extend((u.len() as u32).to_le_bytes());
        p.extend(&u);
        p.resize(p.len().div_ceil(4) * 4, 0);
        p
    }

    #[test]
    fn extracts_attachments_with_names() {
        let mut t = SIGNATURE.to_le_bytes().to_vec();
        t.extend([0x01, 0x00]);
        t.extend(attr(1, ATT_SUBJECT, b"Invoice\0"));
        t.extend(attr(2, ATT_ATTACH_REND_DATA, &[0u8; 14]));
        t.extend(attr(2, ATT_ATTACH_DATA, &crate::archive::zip::tests::pe()));
        t.extend(attr(2, ATT_ATTACH_TITLE, b"INVOIC~1.EXE\0"));
        t.extend(attr(
            2,
            ATT_ATTACHMENT,
            &long_name_props("Invoice 2024.pdf.exe"),
        ));
        t.extend(attr(2, ATT_ATTACH_REND_DATA, &[0u8; 14]));
        t.extend(attr(2, ATT_ATTACH_TITLE, b"notes.txt\0"));
        t.extend(attr(2, ATT_ATTACH_DATA, b"plain notes"));
        let n = crate::analyse(&t, "winmail.dat", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Tnef);
        assert_eq!(n.children.len(), 2, "{:?}", n.format);
        assert_eq!(n.children[0].name, "Invoice 2024.pdf.exe");
        assert_eq!(n.children[0].detected_type, Kind::Pe);
        assert_eq!(n.children[1].name, "notes.txt");
        assert!(n.has("archive.contains_executable"));
        assert!(n.children[0]
            .findings
            .iter()
            .any(|f| f.id == "attachment.double_extension"));
        assert!(n.text.contains("Invoice"));
        for cut in 0..t.len() {
            let _ = crate::analyse(&t[..cut], "winmail.dat", None, &Options::default());
        }
    }
}
