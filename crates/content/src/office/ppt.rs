//! PowerPoint 97-2003 (MS-PPT): the VBA project and embedded OLE objects are not storages of the
//! compound file but records of the `PowerPoint Document` stream: ExOleObjStg (RT_ExternalOleObjectStg
//! 0x1011, MS-PPT §2.10.34-2.10.35, and VbaProjectStg §2.10.40-2.10.42), each a compound file of its
//! own, zlib-compressed when recInstance is 1. They are handed on as children, where the compound file
//! analyser finds the macros or the package.

use crate::{Node, Walk};

const RT_EXTERNAL_OLE_OBJECT_STG: u16 = 0x1011;
/// Records looked at in one stream.
const MAX_RECORDS: usize = 1_000_000;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, stream: &[u8]) {
    let mut pos = 0usize;
    let mut n = 0usize;
    // Top-level records: RecordHeader (recVer/recInstance u16, recType u16, recLen u32, §2.3.1).
    while let Some(h) = stream.get(pos..pos + 8) {
        n += 1;
        if n > MAX_RECORDS || w.expired(node) {
            break;
        }
        let ver_inst = u16::from_le_bytes([h[0], h[1]]);
        let typ = u16::from_le_bytes([h[2], h[3]]);
        let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as usize;
        let body = stream
            .get(pos + 8..(pos + 8).saturating_add(len).min(stream.len()))
            .unwrap_or(&[]);
        if typ == RT_EXTERNAL_OLE_OBJECT_STG {
            let name = format!("PowerPoint Document ExOleObjStg @{pos:#x}");
            if ver_inst >> 4 == 1 {
                // decompressedSize u32, then a zlib stream (RFC 1950). PowerPoint often leaves the
                // stream unterminated (no final block or Adler-32): what inflates is kept.
                if let Some(z) = body.get(4..) {
                    let declared = u32::from_le_bytes([body[0], body[1], body[2], body[3]]) as u64;
                    let max = declared.min(w.room()).min(z.len() as u64 * 1032);
                    let bytes = inflate_lenient(z, max as usize);
                    if !bytes.is_empty() {
                        w.child(node, &name, &bytes);
                    }
                }
            } else {
                w.child(node, &name, body);
            }
        }
        pos = pos.saturating_add(8).saturating_add(len);
    }
}

/// Inflates up to `max` bytes, keeping the output of a truncated or unterminated stream. `max` is
/// bounded by the declared size, the walk's room and deflate's maximal ratio (1032:1).
fn inflate_lenient(z: &[u8], max: usize) -> Vec<u8> {
    use std::io::Read;
    let mut r = flate2::read::ZlibDecoder::new(z);
    let mut out = Vec::new();
    let mut buf = [0u8; 16 << 10];
    while out.len() < max {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n.min(max - out.len())]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::office::ole::tests::{cfb_file, ids, run, word_with_macro};
    use std::io::Write;

    #[test]
    fn compressed_vba_storage_in_powerpoint_document() {
        // A VBA storage as PowerPoint keeps it: a compound file, zlib-compressed, in an ExOleObjStg.
        let src = "Attribute VB_Name = \"Module1\"\r\nSub Auto_Open()\r\nShell \"calc.exe\"\r\nEnd Sub\r\n";
        let storage = word_with_macro(src, &[Some("Sub"), Some("calc.exe"), Some("End Sub")]);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&storage).unwrap();
        let z = z.finish().unwrap();
        let mut rec = Vec::new();
        rec.extend_from_slice(&0x0010u16.to_le_bytes());
        rec.extend_from_slice(&0x1011u16.to_le_bytes());
        rec.extend_from_slice(&((z.len() + 4) as u32).to_le_bytes());
        rec.extend_from_slice(&(storage.len() as u32).to_le_bytes());
        rec.extend_from_slice(&z);
        let mut stream = vec![0x0F, 0x00, 0xE8, 0x03, 0, 0, 0, 0];
        stream.extend_from_slice(&rec);
        let ppt = cfb_file(&[("/PowerPoint Document", &stream), ("/Current User", b"")]);
        let n = run(&ppt, "deck.ppt");
        assert_eq!(
            n.format.as_deref(),
            Some("PowerPoint 97-2003 presentation with VBA project")
        );
        let found = ids(&n);
        assert!(
            found.contains(&"office.vba_macros".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"office.macro_auto_payload".to_string()));
    }
}
