//! File typing by content (magic numbers), not by name or declared MIME type.

use crate::model::FileKind;

/// Identifies `data` from its leading bytes. Formats whose signature is not at offset 0 (ISO 9660 at
/// 0x8001) are checked where the data is long enough.
pub fn sniff(data: &[u8]) -> FileKind {
    let starts = |m: &[u8]| data.starts_with(m);
    if starts(b"%PDF-")
        || data
            .get(..1024)
            .is_some_and(|h| memchr::memmem::find(h, b"%PDF-").is_some())
    {
        // Readers accept a PDF header anywhere in the first KiB (ISO 32000-1 §7.5.2 note; Acrobat).
        return FileKind::Pdf;
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        return FileKind::Zip;
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return FileKind::Ole; // MS-CFB §2.2 header signature
    }
    if starts(b"{\\rt") {
        return FileKind::Rtf; // Word opens "{\rt" as RTF, not only "{\rtf1"
    }
    if starts(b"MZ") {
        return FileKind::Pe;
    }
    if starts(b"\x7fELF") {
        return FileKind::Elf;
    }
    if starts(&[0xCF, 0xFA, 0xED, 0xFE])
        || starts(&[0xCE, 0xFA, 0xED, 0xFE])
        || starts(&[0xCA, 0xFE, 0xBA, 0xBE])
    {
        return FileKind::MachO;
    }
    if starts(b"Rar!\x1A\x07") {
        return FileKind::Rar;
    }
    if starts(b"7z\xBC\xAF\x27\x1C") {
        return FileKind::SevenZip;
    }
    if starts(&[0x1F, 0x8B]) {
        return FileKind::Gzip;
    }
    if starts(b"BZh") {
        return FileKind::Bzip2;
    }
    if starts(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        return FileKind::Xz;
    }
    if starts(b"MSCF") {
        return FileKind::Cab;
    }
    // MS-SHLLINK §2.1: HeaderSize 0x4C then the LinkCLSID 00021401-0000-0000-C000-000000000046.
    if starts(&[
        0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
    ]) {
        return FileKind::Lnk;
    }
    // MS-ONESTORE §2.3.1: file format GUID {7B5C52E4-D88C-4DA7-AEB1-5378D02996D3}.
    if starts(&[
        0xE4, 0x52, 0x5C, 0x7B, 0x8C, 0xD8, 0xA7, 0x4D, 0xAE, 0xB1, 0x53, 0x78, 0xD0, 0x29, 0x96,
        0xD3,
    ]) {
        return FileKind::OneNote;
    }
    if data.get(0x8001..0x8006) == Some(b"CD001") {
        return FileKind::Iso;
    }
    if starts(b"\x89PNG") {
        return FileKind::Png;
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return FileKind::Jpeg;
    }
    if starts(b"GIF8") {
        return FileKind::Gif;
    }
    let head = &data[..data.len().min(512)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let lower = lower.trim_start_matches('\u{feff}').trim_start();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.contains("<script")
        || lower.contains("<body")
    {
        return FileKind::Html;
    }
    if !head.is_empty()
        && head
            .iter()
            .all(|&c| c >= 0x20 || matches!(c, b'\t' | b'\n' | b'\r'))
        && std::str::from_utf8(head).is_ok()
    {
        return FileKind::Text;
    }
    FileKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic() {
        assert_eq!(sniff(b"%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(sniff(b"MZ\x90\x00"), FileKind::Pe);
        assert_eq!(sniff(b"PK\x03\x04rest"), FileKind::Zip);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), FileKind::Html);
        assert_eq!(sniff(b"hello world\n"), FileKind::Text);
        assert_eq!(sniff(&[0, 1, 2, 3]), FileKind::Unknown);
        let mut iso = vec![0u8; 0x8006];
        iso[0x8001..0x8006].copy_from_slice(b"CD001");
        assert_eq!(sniff(&iso), FileKind::Iso);
        assert_eq!(sniff(b""), FileKind::Unknown);
    }
}
