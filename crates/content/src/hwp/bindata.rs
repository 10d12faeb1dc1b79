//! Embedded binaries (HWP 5 `BinData/BIN%04X.ext`, HWPX `BinData/*`, HWPML `BINDATA`): EPS/PostScript
//! objects are scanned for exploit traits ([`super::eps`]); OLE objects are handed to the Office engine
//! as compound files (which extracts an `Ole10Native` package under its real file name); everything
//! else (pictures, and the programs and scripts attackers put there) becomes a child, where the name
//! checks and the executable and script analysers run.

use super::eps;
use crate::kind::sniff;
use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// What a document's BinData held, for the format line and the document-level findings.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub total: usize,
    /// Plain EPS objects: (name, traits).
    pub eps: Vec<(String, Vec<String>)>,
    /// EPS objects with exploit traits: (name, traits).
    pub exploits: Vec<(String, Vec<String>)>,
    pub ole: Vec<String>,
    pub pictures: usize,
    pub other: usize,
}

impl Tally {
    /// "3 BinData (1 EPS, 1 OLE, 1 picture)".
    pub fn describe(&self) -> Option<String> {
        if self.total == 0 {
            return None;
        }
        let mut kinds = Vec::new();
        let eps = self.eps.len() + self.exploits.len();
        if eps > 0 {
            kinds.push(format!("{eps} EPS"));
        }
        if !self.ole.is_empty() {
            kinds.push(format!("{} OLE", self.ole.len()));
        }
        if self.pictures > 0 {
            kinds.push(format!(
                "{} picture{}",
                self.pictures,
                if self.pictures == 1 { "" } else { "s" }
            ));
        }
        if self.other > 0 {
            kinds.push(format!("{} other", self.other));
        }
        Some(format!("{} BinData ({})", self.total, kinds.join(", ")))
    }
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The compound file of an OLE item: Hangul writes its length as a DWORD before it (hwplib and pyhwp
/// read it so; the specification is silent).
pub(crate) fn ole_storage(data: &[u8]) -> Option<&[u8]> {
    if data.get(4..12) == Some(&CFB_MAGIC[..]) {
        let n = crate::archive::u32le(data, 0)? as usize;
        let rest = &data[4..];
        return Some(if n >= 512 && n <= rest.len() {
            &rest[..n]
        } else {
            rest
        });
    }
    data.starts_with(&CFB_MAGIC).then_some(data)
}

const PICTURE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "wmf", "emf", "tif", "tiff", "pcx", "svg", "wdp",
];

/// One embedded item: analysed and added under `node` as `name`.
pub(crate) fn item(
    w: &mut Walk<'_>,
    node: &mut Node,
    name: &str,
    ext: &str,
    data: &[u8],
    tally: &mut Tally,
) {
    tally.total += 1;
    if eps::is_eps(data, ext) {
        let e = eps::scan(data);
        let before = node.children.len();
        w.child(node, name, data);
        // A child typed PostScript by its magic was fingerprinted by the walk; one that is EPS only by
        // its extension is fingerprinted here.
        if let Some(c) = node.children.get_mut(before) {
            if c.detected_type != Kind::PostScript {
                c.add_fingerprint(eps::fingerprint(data));
            }
        }
        for (i, p) in e.payloads.iter().enumerate() {
            w.child(node, &format!("{name} (hex payload {})", i + 1), p);
        }
        if e.exploit {
            tally.exploits.push((name.to_string(), e.traits));
        } else {
            tally.eps.push((name.to_string(), e.traits));
        }
        return;
    }
    if let Some(cfb) = ole_storage(data) {
        tally.ole.push(name.to_string());
        w.child(node, name, cfb);
        return;
    }
    let kind = sniff(data, name);
    if matches!(kind, Kind::Png | Kind::Jpeg | Kind::Gif)
        || (kind == Kind::Unknown
            && PICTURE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
    {
        tally.pictures += 1;
    } else {
        tally.other += 1;
    }
    w.child(node, name, data);
}

/// The document-level findings about BinData: `hwp.eps_exploit`, `hwp.eps`, `hwp.ole_object`.
pub(crate) fn finish(node: &mut Node, tally: &Tally) {
    if let Some((name, traits)) = tally.exploits.first() {
        if !node.has("hwp.eps_exploit") {
            let names: Vec<String> = tally.exploits.iter().map(|(n, _)| n.clone()).collect();
            node.flag(
                "hwp.eps_exploit",
                Severity::Critical,
                "Hangul document embeds a PostScript (EPS) object built like a Ghostscript exploit",
                &[t::EXPLOITATION_FOR_CLIENT_EXECUTION, t::EMBEDDED_PAYLOADS],
                super::listing(&names, 5),
                format!("{name}: {}", traits.join("; ")),
            );
        }
    } else if let Some((name, traits)) = tally.eps.first() {
        if !node.has("hwp.eps") {
            let names: Vec<String> = tally.eps.iter().map(|(n, _)| n.clone()).collect();
            let mut note =
                "Hangul renders EPS through its Ghostscript, the usual HWP exploit path; \
                            legitimate documents rarely embed EPS today"
                    .to_string();
            if !traits.is_empty() {
                note.push_str(&format!("; {name}: {}", traits.join("; ")));
            }
            node.flag(
                "hwp.eps",
                Severity::Medium,
                "Hangul document embeds a PostScript (EPS) object",
                &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
                super::listing(&names, 5),
                note,
            );
        }
    }
    if !tally.ole.is_empty() && !node.has("hwp.ole_object") {
        node.flag(
            "hwp.ole_object",
            Severity::Low,
            "Hangul document embeds OLE objects",
            &[t::EMBEDDED_PAYLOADS],
            super::listing(&tally.ole, 5),
            format!(
                "{} OLE object(s), analysed as compound files of their own",
                tally.ole.len()
            ),
        );
    }
}
