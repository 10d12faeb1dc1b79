//! Single-stream compressors: gzip (RFC 1952), bzip2, xz (tukaani.org xz-file-format 1.2). Each holds one
//! member, expanded through [`Walk::read_member`] so size and ratio limits apply.

use crate::{Kind, Node, Walk};
use std::io::Read;

/// Decoder memory (LZMA dictionary) allowed for one xz stream, in KiB.
const XZ_MEM_KB: u32 = 128 << 10;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let (what, name, reader): (&str, String, Box<dyn Read + '_>) = match node.detected_type {
        Kind::Gzip => {
            let stored = gzip_name(data);
            let name = stored
                .as_deref()
                .map(|n| crate::walk::base_name(n).to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| inner_name(&node.name, &[".gz", ".gzip", "-gz", ".z"]));
            let what = if stored.is_some() {
                "gzip-compressed file (original name stored)"
            } else {
                "gzip-compressed file"
            };
            (
                what,
                name,
                Box::new(flate2::read::MultiGzDecoder::new(data)),
            )
        }
        Kind::Bzip2 => (
            "bzip2-compressed file",
            inner_name(&node.name, &[".bz2", ".bzip2", ".bz"]),
            Box::new(bzip2::read::MultiBzDecoder::new(data)),
        ),
        Kind::Xz => (
            "xz-compressed file",
            inner_name(&node.name, &[".xz", ".lzma"]),
            Box::new(lzma_rust2::XzReader::new_mem_limit(data, true, XZ_MEM_KB)),
        ),
        _ => return,
    };
    let packed = data.len() as u64;
    match w.read_member(node, &name, reader, packed) {
        Ok(out) => {
            node.format = Some(format!("{what}, {} bytes expanded", out.len()));
            w.child(node, &name, &out);
            super::flag_executables(node, "Compressed file");
        }
        Err(e) if super::is_limit(&e) => {
            node.format = Some(format!("{what}, not expanded: {e}"));
            w.listed(node, &name, 0, false);
            super::flag_executables(node, "Compressed file");
        }
        Err(e) => node.format = Some(format!("{what}, corrupt: {e}")),
    }
}

/// The member's name from the attachment's: `a.exe.gz` -> `a.exe`, `a.tgz` -> `a.tar`.
fn inner_name(outer: &str, suffixes: &[&str]) -> String {
    let base = crate::walk::base_name(outer);
    let lower = base.to_ascii_lowercase();
    for t in [".tgz", ".tbz2", ".tbz", ".txz"] {
        if lower.ends_with(t) {
            return format!("{}.tar", &base[..base.len() - t.len()]);
        }
    }
    for s in suffixes {
        if lower.ends_with(s) && lower.len() > s.len() {
            return base[..base.len() - s.len()].to_string();
        }
    }
    format!("{base}.out")
}

/// FNAME from the gzip member header (RFC 1952 §2.3.1): after FEXTRA, zero-terminated ISO 8859-1.
fn gzip_name(d: &[u8]) -> Option<String> {
    let flg = *d.get(3)?;
    if flg & 0x08 == 0 {
        return None;
    }
    let mut pos = 10usize;
    if flg & 0x04 != 0 {
        let xlen = usize::from(super::u16le(d, pos)?);
        pos = pos.checked_add(2 + xlen)?;
    }
    let rest = d.get(pos..)?;
    let end = memchr::memchr(0, rest)?.min(1024);
    Some(super::decode_legacy_name(&rest[..end], super::latin1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use std::io::Write;

    #[test]
    fn gzip_uses_the_stored_name() {
        let mut e = flate2::GzBuilder::new()
            .filename("payload.js")
            .write(Vec::new(), flate2::Compression::default());
        e.write_all(b"WScript.Echo('hi');").unwrap();
        let gz = e.finish().unwrap();
        let n = crate::analyse(&gz, "report.gz", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Gzip);
        assert_eq!(n.children[0].name, "payload.js");
        assert_eq!(n.children[0].detected_type, Kind::Script);
        assert!(n.has("archive.contains_executable"));
    }

    #[test]
    fn bzip2_and_xz_expand() {
        let mut b = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        b.write_all(b"%PDF-1.4\n%%EOF\n").unwrap();
        let bz = b.finish().unwrap();
        let n = crate::analyse(&bz, "doc.pdf.bz2", None, &Options::default());
        assert_eq!(n.children[0].name, "doc.pdf");
        assert_eq!(n.children[0].detected_type, Kind::Pdf);

        let mut x =
            lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::default()).unwrap();
        x.write_all(b"MZ not really").unwrap();
        let xz = x.finish().unwrap();
        let n = crate::analyse(&xz, "a.tar.xz", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Xz);
        assert_eq!(n.children[0].name, "a.tar");
        assert_eq!(inner_name("x.tgz", &[".gz"]), "x.tar");
    }

    #[test]
    fn gzip_bomb_stops_at_the_ratio_limit() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..100 {
            e.write_all(&zeros).unwrap();
        }
        let gz = e.finish().unwrap();
        let n = crate::analyse(&gz, "z.gz", None, &Options::default());
        assert!(n.has("content.limit"));
        for cut in [0, 5, 12, gz.len() / 2] {
            let _ = crate::analyse(&gz[..cut], "z.gz", None, &Options::default());
        }
    }
}
