//! Program headers built in code (no code in them: the sections hold zeros).

use crate::{analyse, Kind, Node, Options};
use spearwatch_core::Severity;

/// A PE32 image: DOS header, PE signature, COFF header, a 224-byte optional header and `sections`
/// (name, characteristics), each 0x200 bytes of zeros in the file and 0x1000 in memory.
fn pe(sections: &[(&str, u32)], entry: u32, subsystem: u16, overlay: &[u8]) -> Vec<u8> {
    let mut d = vec![0u8; 0x40];
    d[0..2].copy_from_slice(b"MZ");
    d[0x3C..0x40].copy_from_slice(&0x40u32.to_le_bytes());
    d.extend_from_slice(b"PE\0\0");
    let mut coff = [0u8; 20];
    coff[0..2].copy_from_slice(&0x14Cu16.to_le_bytes());
    coff[2..4].copy_from_slice(&(sections.len() as u16).to_le_bytes());
    coff[16..18].copy_from_slice(&0xE0u16.to_le_bytes());
    coff[18..20].copy_from_slice(&0x0102u16.to_le_bytes());
    d.extend_from_slice(&coff);
    let mut opt = [0u8; 0xE0];
    opt[0..2].copy_from_slice(&0x10Bu16.to_le_bytes());
    opt[16..20].copy_from_slice(&entry.to_le_bytes());
    opt[28..32].copy_from_slice(&0x40_0000u32.to_le_bytes());
    opt[32..36].copy_from_slice(&0x1000u32.to_le_bytes());
    opt[36..40].copy_from_slice(&0x200u32.to_le_bytes());
    opt[40..42].copy_from_slice(&6u16.to_le_bytes());
    opt[48..50].copy_from_slice(&6u16.to_le_bytes());
    let image = 0x1000 * (sections.len() as u32 + 1);
    opt[56..60].copy_from_slice(&image.to_le_bytes());
    opt[60..64].copy_from_slice(&0x400u32.to_le_bytes());
    opt[68..70].copy_from_slice(&subsystem.to_le_bytes());
    opt[92..96].copy_from_slice(&16u32.to_le_bytes());
    d.extend_from_slice(&opt);
    for (i, (name, ch)) in sections.iter().enumerate() {
        let mut s = [0u8; 40];
        s[..name.len()].copy_from_slice(name.as_bytes());
        s[8..12].copy_from_slice(&0x1000u32.to_le_bytes());
        s[12..16].copy_from_slice(&(0x1000 * (i as u32 + 1)).to_le_bytes());
        s[16..20].copy_from_slice(&0x200u32.to_le_bytes());
        s[20..24].copy_from_slice(&(0x400 + 0x200 * i as u32).to_le_bytes());
        s[36..40].copy_from_slice(&ch.to_le_bytes());
        d.extend_from_slice(&s);
    }
    d.resize(0x400 + 0x200 * sections.len(), 0);
    d.extend_from_slice(overlay);
    d
}

const CODE: u32 = 0x6000_0020; // IMAGE_SCN_CNT_CODE | MEM_EXECUTE | MEM_READ
const RWX: u32 = 0xE000_0020;

fn run(data: &[u8], name: &str) -> Node {
    analyse(data, name, None, &Options::default())
}

fn sev(n: &Node, id: &str) -> Option<Severity> {
    n.findings.iter().find(|f| f.id == id).map(|f| f.severity)
}

#[test]
fn plain_gui_exe() {
    let n = run(
        &pe(&[(".text", CODE), (".data", 0xC000_0040)], 0x1000, 2, &[]),
        "a.exe",
    );
    assert_eq!(n.detected_type, Kind::Pe);
    assert_eq!(
        n.format.as_deref(),
        Some("Windows program (PE32 GUI EXE, x86), 2 sections, unsigned")
    );
    assert_eq!(sev(&n, "exe.executable"), Some(Severity::Critical));
    assert_eq!(sev(&n, "exe.unsigned"), Some(Severity::Info));
    assert!(!n.has("exe.entry_point") && !n.has("exe.packer"));
}

#[test]
fn upx_layout_is_flagged() {
    let n = run(
        &pe(&[("UPX0", RWX), ("UPX1", RWX)], 0x2100, 3, &[]),
        "b.exe",
    );
    assert_eq!(sev(&n, "exe.packer"), Some(Severity::Low));
    assert_eq!(sev(&n, "exe.entry_point"), Some(Severity::High));
    assert!(n.format.as_deref().unwrap().contains("console"));
    let n = run(
        &pe(&[(".text", CODE), (".aspack", CODE)], 0x9000, 2, &[]),
        "c.exe",
    );
    assert_eq!(sev(&n, "exe.packer"), Some(Severity::Medium));
    let e = n
        .findings
        .iter()
        .find(|f| f.id == "exe.entry_point")
        .unwrap();
    assert!(e.evidence[0].value.contains("in no section"));
}

#[test]
fn appended_zip_is_opened() {
    let mut zip = b"PK\x05\x06".to_vec();
    zip.resize(600, 0);
    let mut overlay = b"PK\x03\x04".to_vec();
    overlay.resize(600, 0);
    overlay.extend(zip);
    let n = run(&pe(&[(".text", CODE)], 0x1000, 2, &overlay), "setup.exe");
    assert!(
        n.children.iter().any(|c| c.name == "overlay"),
        "{:?}",
        n.format
    );
}

#[test]
fn minimal_elf() {
    let mut e = vec![0u8; 64];
    e[0..4].copy_from_slice(b"\x7fELF");
    e[4] = 2; // 64-bit
    e[5] = 1; // little-endian
    e[6] = 1;
    e[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    e[18..20].copy_from_slice(&0x3Eu16.to_le_bytes()); // x86-64
    e[20..24].copy_from_slice(&1u32.to_le_bytes());
    e[52..54].copy_from_slice(&64u16.to_le_bytes());
    e[54..56].copy_from_slice(&56u16.to_le_bytes());
    e[58..60].copy_from_slice(&64u16.to_le_bytes());
    let n = run(&e, "x");
    assert_eq!(n.detected_type, Kind::Elf);
    assert!(
        n.format
            .as_deref()
            .unwrap()
            .starts_with("Linux/Unix program (ELF64 executable"),
        "{:?}",
        n.format
    );
    assert_eq!(sev(&n, "exe.executable"), Some(Severity::Critical));
}

#[test]
fn damaged_headers_never_panic_out() {
    let base = pe(&[("UPX0", RWX), ("UPX1", RWX)], 0x2100, 2, &[0x41; 64]);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..3000 {
        let mut d = base.clone();
        for _ in 0..(1 + round % 8) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % 0x1A0;
            d[i] = (seed >> 32) as u8;
        }
        let cut = if round % 5 == 0 {
            (seed as usize >> 8) % d.len()
        } else {
            d.len()
        };
        let n = run(&d[..cut.max(2)], "f.exe");
        if n.detected_type == Kind::Pe {
            assert!(n.has("exe.executable"));
        }
    }
}

/// A PE whose certificate table (a WIN_CERTIFICATE of `cert_len` bytes) sits right after its one
/// section, followed by `after`.
fn signed_pe(cert_len: usize, after: &[u8]) -> Vec<u8> {
    let mut cert = vec![0u8; cert_len];
    cert[0..4].copy_from_slice(&(cert_len as u32).to_le_bytes());
    cert[4..6].copy_from_slice(&0x0200u16.to_le_bytes()); // WIN_CERT_REVISION_2_0
    cert[6..8].copy_from_slice(&0x0002u16.to_le_bytes()); // WIN_CERT_TYPE_PKCS_SIGNED_DATA
    cert[8..].fill(0x30);
    let mut overlay = cert;
    overlay.extend_from_slice(after);
    let mut d = pe(&[(".text", CODE)], 0x1000, 2, &overlay);
    // Data directory 4 (security) of the optional header at 0x58: offset 0x58 + 96 + 4 * 8.
    d[0xD8..0xDC].copy_from_slice(&0x600u32.to_le_bytes());
    d[0xDC..0xE0].copy_from_slice(&(cert_len as u32).to_le_bytes());
    d
}

#[test]
fn archive_after_the_signature_is_opened() {
    let mut zip = b"PK\x03\x04".to_vec();
    zip.resize(600, 0);
    zip.extend_from_slice(b"PK\x05\x06");
    zip.resize(622, 0);
    let mut after = vec![0u8; 4]; // alignment padding
    after.extend(&zip);
    let n = run(&signed_pe(0x200, &after), "setup.exe");
    assert!(
        n.format.as_deref().unwrap().ends_with(", signed"),
        "{:?}",
        n.format
    );
    assert_eq!(
        sev(&n, "exe.appended_after_signature"),
        Some(Severity::High)
    );
    let f = n
        .findings
        .iter()
        .find(|f| f.id == "exe.appended_after_signature")
        .unwrap();
    assert!(f.techniques.contains(&"T1027.009".to_string()));
    let c = n
        .children
        .iter()
        .find(|c| c.name == "data after signature")
        .unwrap();
    assert_eq!(c.detected_type, Kind::Zip);
    assert_eq!(c.size, 622);
    // Only padding after the signature, or none: nothing to report.
    for after in [&[0u8; 6][..], &[]] {
        let n = run(&signed_pe(0x200, after), "setup.exe");
        assert!(!n.has("exe.appended_after_signature"), "{:?}", n.findings);
        assert!(n.children.is_empty());
    }
    // A certificate table that claims to run past the end of the file.
    let mut d = signed_pe(0x200, &zip);
    d[0xDC..0xE0].copy_from_slice(&u32::MAX.to_le_bytes());
    let n = run(&d, "setup.exe");
    assert!(!n.has("exe.appended_after_signature"));
}
