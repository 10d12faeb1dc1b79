//! Typing by content. The message crate's [`sniff`](spearwatch_message::filetype::sniff) knows the
//! common magic numbers; this adds the formats the content engine opens (tar, TNEF, VHD, raw disk images,
//! EPS, HWP 3, e-mail) and scripts, which have no magic and are typed by name and content together.
//! Containers refine their own kind once opened (a zip with `[Content_Types].xml` is OOXML, a CFB with
//! `FileHeader` is HWP 5): see [`Node::format`](crate::Node).

use serde::Serialize;
use spearwatch_message::{filetype, FileKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Zip,
    Ooxml,
    Hwpx,
    SevenZip,
    Rar,
    Gzip,
    Bzip2,
    Xz,
    Tar,
    Cab,
    Iso,
    Udf,
    Vhd,
    DiskImage,
    Tnef,
    Ole,
    Sylk,
    Rtf,
    Pdf,
    Lnk,
    OneNote,
    Chm,
    Pe,
    Elf,
    MachO,
    Html,
    Script,
    Email,
    PostScript,
    Hwp3,
    Hwpml,
    Alz,
    Egg,
    Png,
    Jpeg,
    Gif,
    Text,
    Unknown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Zip => "zip",
            Kind::Ooxml => "ooxml",
            Kind::Hwpx => "hwpx",
            Kind::SevenZip => "seven_zip",
            Kind::Rar => "rar",
            Kind::Gzip => "gzip",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
            Kind::Tar => "tar",
            Kind::Cab => "cab",
            Kind::Iso => "iso",
            Kind::Udf => "udf",
            Kind::Vhd => "vhd",
            Kind::DiskImage => "disk_image",
            Kind::Tnef => "tnef",
            Kind::Ole => "ole",
            Kind::Sylk => "sylk",
            Kind::Rtf => "rtf",
            Kind::Pdf => "pdf",
            Kind::Lnk => "lnk",
            Kind::OneNote => "one_note",
            Kind::Chm => "chm",
            Kind::Pe => "pe",
            Kind::Elf => "elf",
            Kind::MachO => "mach_o",
            Kind::Html => "html",
            Kind::Script => "script",
            Kind::Email => "email",
            Kind::PostScript => "post_script",
            Kind::Hwp3 => "hwp3",
            Kind::Hwpml => "hwpml",
            Kind::Alz => "alz",
            Kind::Egg => "egg",
            Kind::Png => "png",
            Kind::Jpeg => "jpeg",
            Kind::Gif => "gif",
            Kind::Text => "text",
            Kind::Unknown => "unknown",
        }
    }

    /// Whether Windows runs this kind of file, or runs what it holds, when it is double-clicked.
    pub fn is_executable(self) -> bool {
        matches!(
            self,
            Kind::Pe | Kind::Elf | Kind::MachO | Kind::Lnk | Kind::Script
        )
    }
}

/// Script extensions: files with no magic that Windows hands to a script host when opened.
pub const SCRIPT_EXTENSIONS: &[&str] = &[
    "js",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "hta",
    "ps1",
    "psm1",
    "bat",
    "cmd",
    "sh",
    "py",
    "applescript",
    "scpt",
    "reg",
    "sct",
];

/// Types `data`; `name` is used only for formats that have no magic number (scripts).
pub fn sniff(data: &[u8], name: &str) -> Kind {
    if is_hwpml(data) {
        return Kind::Hwpml;
    }
    let k = match filetype::sniff(data) {
        FileKind::Pdf => Kind::Pdf,
        FileKind::Zip => Kind::Zip,
        FileKind::Ole => Kind::Ole,
        FileKind::Rtf => Kind::Rtf,
        FileKind::Pe => Kind::Pe,
        FileKind::Elf => Kind::Elf,
        FileKind::MachO => Kind::MachO,
        FileKind::Rar => Kind::Rar,
        FileKind::SevenZip => Kind::SevenZip,
        FileKind::Gzip => Kind::Gzip,
        FileKind::Bzip2 => Kind::Bzip2,
        FileKind::Xz => Kind::Xz,
        FileKind::Cab => Kind::Cab,
        FileKind::Iso => Kind::Iso,
        FileKind::Lnk => Kind::Lnk,
        FileKind::OneNote => Kind::OneNote,
        FileKind::Html => Kind::Html,
        FileKind::Png => Kind::Png,
        FileKind::Jpeg => Kind::Jpeg,
        FileKind::Gif => Kind::Gif,
        FileKind::Text => Kind::Text,
        FileKind::Unknown => Kind::Unknown,
    };
    match k {
        Kind::Unknown | Kind::Text => refine(data, name, k),
        _ => k,
    }
}

fn refine(data: &[u8], name: &str, k: Kind) -> Kind {
    let at = |off: usize, m: &[u8]| data.get(off..off + m.len()) == Some(m);
    // MS-OXTNEF §2.1.3.1: TNEF_SIGNATURE 0x223E9F78, little-endian.
    if at(0, &[0x78, 0x9F, 0x3E, 0x22]) {
        return Kind::Tnef;
    }
    // POSIX ustar: "ustar" at offset 257 of the first header block.
    if at(257, b"ustar") {
        return Kind::Tar;
    }
    // ECMA-167 volume recognition sequence (UDF) in the same place as ISO 9660's "CD001".
    if at(0x8001, b"BEA01") || at(0x8001, b"NSR02") || at(0x8001, b"NSR03") {
        return Kind::Udf;
    }
    for off in [0x8801, 0x9001] {
        if at(off, b"CD001") {
            return Kind::Iso;
        }
    }
    // VHD: "conectix" footer (also copied at offset 0 for dynamic disks); VHDX: "vhdxfile".
    if at(0, b"conectix")
        || at(0, b"vhdxfile")
        || (data.len() >= 512 && &data[data.len() - 512..data.len() - 504] == b"conectix")
    {
        return Kind::Vhd;
    }
    // A FAT boot sector (raw .img floppy/disk image): jump opcode, 0x55AA at 510, FAT type string.
    if data.len() >= 512
        && matches!(data[0], 0xEB | 0xE9)
        && at(510, &[0x55, 0xAA])
        && (at(54, b"FAT1") || at(82, b"FAT32"))
    {
        return Kind::DiskImage;
    }
    // EPS: "%!PS" text, or the DOS EPS binary header C5D0D3C6.
    if at(0, b"%!PS") || at(0, &[0xC5, 0xD0, 0xD3, 0xC6]) {
        return Kind::PostScript;
    }
    // SYLK: the first record is `ID;P...` (Excel refuses a file that starts otherwise).
    if at(0, b"ID;P") || at(0, b"ID;N") {
        return Kind::Sylk;
    }
    // ALZip (ESTsoft): "ALZ\x01" local archive header; EGG (ESTsoft ALZip 8+): "EGGA" header magic.
    if at(0, b"ALZ\x01") {
        return Kind::Alz;
    }
    if at(0, b"EGGA") {
        return Kind::Egg;
    }
    // Compiled HTML Help: "ITSF" then header version 3 (2 in early files), little-endian.
    if at(0, b"ITSF") && (at(4, &[3, 0, 0, 0]) || at(4, &[2, 0, 0, 0])) {
        return Kind::Chm;
    }
    if at(0, b"HWP Document File V") {
        return Kind::Hwp3;
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if let Some(e) = &ext {
        if SCRIPT_EXTENSIONS.contains(&e.as_str()) && k == Kind::Text {
            return Kind::Script;
        }
        if matches!(e.as_str(), "eml" | "msg") && looks_like_email(data) {
            return Kind::Email;
        }
    }
    if k == Kind::Text && looks_like_email(data) {
        return Kind::Email;
    }
    k
}

/// HWPML, the XML form of HWP: root element `HWPML` near the start, in UTF-8 or UTF-16LE. Checked
/// before the generic typing, which would call a small one HTML (it has a `<BODY>`).
fn is_hwpml(data: &[u8]) -> bool {
    let head = &data[..data.len().min(1024)];
    memchr::memmem::find(head, b"<HWPML").is_some()
        || memchr::memmem::find(head, b"<\0H\0W\0P\0M\0L\0").is_some()
}

/// An RFC 5322 header section: the first lines are `Name: value` with names mail always carries.
fn looks_like_email(data: &[u8]) -> bool {
    let head = &data[..data.len().min(2048)];
    let text = String::from_utf8_lossy(head);
    let mut known = 0;
    for line in text.lines().take(20) {
        if line.is_empty() {
            break;
        }
        let Some((name, _)) = line.split_once(':') else {
            if line.starts_with([' ', '\t']) || line.starts_with("From ") {
                continue;
            }
            return false;
        };
        let n = name.to_ascii_lowercase();
        if matches!(
            n.as_str(),
            "received"
                | "from"
                | "to"
                | "subject"
                | "date"
                | "message-id"
                | "mime-version"
                | "return-path"
        ) {
            known += 1;
        }
    }
    known >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_content_and_scripts_by_name() {
        assert_eq!(sniff(b"%PDF-1.4", "x.doc"), Kind::Pdf);
        assert_eq!(sniff(b"WScript.Echo 1\r\n", "a.vbs"), Kind::Script);
        assert_eq!(sniff(b"WScript.Echo 1\r\n", "a.txt"), Kind::Text);
        assert_eq!(
            sniff(
                b"From: a@b.example\r\nTo: c@d.example\r\nSubject: x\r\n\r\nhi",
                "fwd.eml"
            ),
            Kind::Email
        );
        assert_eq!(
            sniff(&[0x78, 0x9F, 0x3E, 0x22, 1, 0], "winmail.dat"),
            Kind::Tnef
        );
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(sniff(&tar, "a.tar"), Kind::Tar);
        assert_eq!(
            sniff(b"%!PS-Adobe-3.0 EPSF-3.0\n", "x.eps"),
            Kind::PostScript
        );
    }
}
