//! The `DocInfo` stream (HWP 5.0 specification §4.2): records shared by the whole document. What matters
//! here is the BinData table: `HWPTAG_ID_MAPPINGS` (표 15) counts the items, and each `HWPTAG_BIN_DATA`
//! record (표 17, 표 18) says whether an item is a link to an outside file (with its path), an embedded
//! file or an OLE storage, its `BinData/BIN%04X.ext` stream id and extension, and whether the stream is
//! compressed.

use super::records::Records;
use super::wstr;
use crate::archive::{u16le, u32le};

/// HWPTAG_BEGIN = 0x10 (§4.1); DocInfo tags are HWPTAG_BEGIN + n (표 13).
pub(crate) const TAG_ID_MAPPINGS: u16 = 0x11;
pub(crate) const TAG_BIN_DATA: u16 = 0x12;
pub(crate) const TAG_DISTRIBUTE_DOC_DATA: u16 = 0x1C;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinKind {
    /// A picture taken from a file outside the document, by path.
    Link,
    /// A file embedded in `BinData/`.
    Embedding,
    /// An OLE object's storage, embedded in `BinData/`.
    Storage,
    Other(u16),
}

#[derive(Debug, Clone)]
pub(crate) struct BinEntry {
    pub kind: BinKind,
    /// Bits 4-5 of the properties: 0 follows the document, 1 compressed, 2 stored.
    pub compression: u16,
    pub id: u16,
    /// The extension without the dot ("png", "OLE", "eps").
    pub ext: String,
    /// For links: the absolute and relative paths of the linked file.
    pub abs_path: String,
    pub rel_path: String,
    /// Offset of the record in the stream.
    pub offset: usize,
}

impl BinEntry {
    /// The stream the item lives in, `BinData/BIN%04X.ext` (hwp.js, pyhwp and Hangul name them so).
    pub fn stream(&self) -> Option<String> {
        match self.kind {
            BinKind::Embedding | BinKind::Storage => {
                Some(format!("BinData/BIN{:04X}.{}", self.id, self.ext))
            }
            _ => None,
        }
    }

    /// Whether its stream is deflated, given the document's default.
    pub fn compressed(&self, default: bool) -> bool {
        match self.compression {
            1 => true,
            2 => false,
            _ => default,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct DocInfo {
    pub bins: Vec<BinEntry>,
    /// The BinData count `HWPTAG_ID_MAPPINGS` declares.
    pub declared_bins: Option<u32>,
    pub records: usize,
    pub distribute: bool,
    pub problems: Vec<String>,
}

/// Parses a decompressed `DocInfo` stream.
pub(crate) fn parse(data: &[u8]) -> DocInfo {
    let mut info = DocInfo::default();
    let mut recs = Records::new(data);
    for r in recs.by_ref() {
        info.records += 1;
        match r.tag {
            TAG_ID_MAPPINGS if info.declared_bins.is_none() => {
                info.declared_bins = u32le(r.data, 0);
            }
            TAG_BIN_DATA if info.bins.len() < 65_536 => {
                if let Some(b) = bin_data(r.data, r.offset) {
                    info.bins.push(b);
                } else {
                    info.problems.push(format!(
                        "BIN_DATA record at offset {} is too short for its strings",
                        r.offset
                    ));
                }
            }
            TAG_DISTRIBUTE_DOC_DATA => info.distribute = true,
            _ => {}
        }
    }
    info.problems.extend(recs.problems);
    if let Some(n) = info.declared_bins {
        if n as usize != info.bins.len() {
            info.problems.push(format!(
                "ID_MAPPINGS declares {n} BinData item(s), {} BIN_DATA record(s) follow",
                info.bins.len()
            ));
        }
    }
    info
}

/// One `HWPTAG_BIN_DATA` record (표 17).
fn bin_data(d: &[u8], offset: usize) -> Option<BinEntry> {
    let props = u16le(d, 0)?;
    let kind = match props & 0x000F {
        0 => BinKind::Link,
        1 => BinKind::Embedding,
        2 => BinKind::Storage,
        k => BinKind::Other(k),
    };
    let mut e = BinEntry {
        kind,
        compression: (props >> 4) & 0x3,
        id: 0,
        ext: String::new(),
        abs_path: String::new(),
        rel_path: String::new(),
        offset,
    };
    match kind {
        BinKind::Link => {
            let (abs, next) = wstr(d, 2)?;
            let (rel, _) = wstr(d, next).unwrap_or_default();
            e.abs_path = abs;
            e.rel_path = rel;
        }
        BinKind::Embedding | BinKind::Storage => {
            e.id = u16le(d, 2)?;
            // Hangul writes the extension for storages too ("OLE"), although 표 17 names it for
            // embeddings only.
            if let Some((ext, _)) = wstr(d, 4) {
                e.ext = ext.trim_end_matches('\0').to_string();
            } else if kind == BinKind::Embedding {
                return None;
            }
        }
        BinKind::Other(_) => {}
    }
    Some(e)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::records::encode;
    use super::*;

    fn w(s: &str) -> Vec<u8> {
        let u: Vec<u16> = s.encode_utf16().collect();
        let mut v = (u.len() as u16).to_le_bytes().to_vec();
        v.extend(u.iter().flat_map(|c| c.to_le_bytes()));
        v
    }

    /// A BIN_DATA record for an embedded item.
    pub(crate) fn embedded(id: u16, ext: &str, storage: bool) -> Vec<u8> {
        let mut d = (if storage { 2u16 } else { 1u16 }).to_le_bytes().to_vec();
        d.extend_from_slice(&id.to_le_bytes());
        d.extend(w(ext));
        encode(TAG_BIN_DATA, 1, &d)
    }

    /// A BIN_DATA record for a linked picture.
    pub(crate) fn linked(path: &str) -> Vec<u8> {
        let mut d = 0u16.to_le_bytes().to_vec();
        d.extend(w(path));
        d.extend(w(""));
        encode(TAG_BIN_DATA, 1, &d)
    }

    /// A DocInfo stream with DOCUMENT_PROPERTIES, ID_MAPPINGS and the given BIN_DATA records.
    pub(crate) fn stream(bins: &[Vec<u8>]) -> Vec<u8> {
        let mut s = encode(0x10, 0, &[0u8; 26]);
        let mut map = vec![0u8; 72];
        map[..4].copy_from_slice(&(bins.len() as u32).to_le_bytes());
        s.extend(encode(TAG_ID_MAPPINGS, 0, &map));
        for b in bins {
            s.extend_from_slice(b);
        }
        s
    }

    #[test]
    fn bin_data_table() {
        let s = stream(&[
            embedded(1, "png", false),
            embedded(2, "OLE", true),
            linked("\\\\203.0.113.9\\share\\a.jpg"),
        ]);
        let i = parse(&s);
        assert!(i.problems.is_empty(), "{:?}", i.problems);
        assert_eq!(i.bins.len(), 3);
        assert_eq!(i.bins[0].stream().as_deref(), Some("BinData/BIN0001.png"));
        assert_eq!(i.bins[1].stream().as_deref(), Some("BinData/BIN0002.OLE"));
        assert_eq!(i.bins[2].kind, BinKind::Link);
        assert_eq!(i.bins[2].abs_path, "\\\\203.0.113.9\\share\\a.jpg");
        assert!(i.bins[0].compressed(true) && !i.bins[0].compressed(false));

        // ID_MAPPINGS (data at offset 34) declares 3 items, none follows.
        let mut short = stream(&[]);
        short[34..38].copy_from_slice(&3u32.to_le_bytes());
        let i = parse(&short);
        assert!(i.problems[0].contains("declares 3"), "{:?}", i.problems);
        for n in 0..s.len() {
            let _ = parse(&s[..n]);
        }
    }
}
