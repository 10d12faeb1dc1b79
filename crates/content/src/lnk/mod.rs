//! Windows shortcuts (MS-SHLLINK): what a `.lnk` attachment runs when it is double-clicked.
//!
//! Own bounds-checked parser of the header (§2.1), the target ID list (§2.2, file names pulled from the
//! common shell items), LinkInfo (§2.3), the string data (§2.4) and the extra data blocks (§2.5). The
//! findings read the resolved target and command line: living-off-the-land launchers, commands that
//! download or decode, hidden windows, padded arguments, document icons on a launcher, and the
//! tracker block's machine id, which identifies the machine the attacker built the shortcut on.

use crate::exe::script::{command_markers, launchers, urls, Launcher};
use crate::{fingerprint, FingerprintKind, Node, Walk};
use spearwatch_core::{technique as t, truncate_str, Severity};

// §2.1.1 LinkFlags.
const HAS_TARGET_ID_LIST: u32 = 1 << 0;
const HAS_LINK_INFO: u32 = 1 << 1;
const HAS_NAME: u32 = 1 << 2;
const HAS_RELATIVE_PATH: u32 = 1 << 3;
const HAS_WORKING_DIR: u32 = 1 << 4;
const HAS_ARGUMENTS: u32 = 1 << 5;
const HAS_ICON_LOCATION: u32 = 1 << 6;
const IS_UNICODE: u32 = 1 << 7;
const HAS_EXP_STRING: u32 = 1 << 9;

/// §2.1: the shell link CLSID 00021401-0000-0000-C000-000000000046 as stored.
const LINK_CLSID: [u8; 16] = [
    0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
];

/// What the parser read; every field optional because every structure may be absent or damaged.
#[derive(Debug, Default)]
pub(crate) struct Lnk {
    pub flags: u32,
    pub show_command: u32,
    pub icon_index: i32,
    pub id_list_path: Option<String>,
    /// A Control Panel applet (.cpl) path inside the ID list.
    pub cpl: Option<String>,
    pub local_base_path: Option<String>,
    pub net_name: Option<String>,
    pub path_suffix: Option<String>,
    pub name: Option<String>,
    pub relative_path: Option<String>,
    pub working_dir: Option<String>,
    pub arguments: Option<String>,
    pub icon_location: Option<String>,
    pub env_target: Option<String>,
    /// The EnvironmentVariableDataBlock's ANSI target where it differs from the Unicode one: Explorer
    /// may run one and show the other.
    pub env_ansi: Option<String>,
    pub icon_env: Option<String>,
    pub darwin: Option<String>,
    pub machine_id: Option<String>,
    pub droid_mac: Option<String>,
    pub droid_file: Option<String>,
    /// Where the extra data ended (the terminal block), if it was reached.
    pub end: Option<usize>,
    pub problems: Vec<String>,
    /// Strings whose declared length exceeds what Windows reads (see [`parse`]).
    pub overruns: Vec<String>,
}

fn string_name(flag: u32) -> &'static str {
    match flag {
        HAS_NAME => "NAME_STRING",
        HAS_RELATIVE_PATH => "RELATIVE_PATH",
        HAS_WORKING_DIR => "WORKING_DIR",
        HAS_ARGUMENTS => "COMMAND_LINE_ARGUMENTS",
        _ => "ICON_LOCATION",
    }
}

fn u16_at(d: &[u8], off: usize) -> Option<u16> {
    d.get(off..off.checked_add(2)?)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], off: usize) -> Option<u32> {
    d.get(off..off.checked_add(4)?)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A NUL-terminated ANSI string at `off` (code page unknown: UTF-8 if valid, else Windows-1252).
fn cstr(d: &[u8], off: usize) -> Option<String> {
    let s = d.get(off..)?;
    let end = memchr::memchr(0, s).unwrap_or(s.len());
    Some(ansi(&s[..end]))
}

fn ansi(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(b).0.into_owned(),
    }
}

/// A NUL-terminated UTF-16LE string at `off`.
fn wstr(d: &[u8], off: usize) -> Option<String> {
    let s = d.get(off..)?;
    let units: Vec<u16> = s
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .take(32_768)
        .collect();
    Some(String::from_utf16_lossy(&units))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim_end_matches('\0').to_string())
        .filter(|s| !s.trim().is_empty())
}

/// Parses `d`; `None` only when the header is not a shell link header.
pub(crate) fn parse(d: &[u8]) -> Option<Lnk> {
    // §2.1 ShellLinkHeader: HeaderSize 0x4C and the CLSID.
    if u32_at(d, 0)? != 0x4C || d.get(4..20)? != LINK_CLSID {
        return None;
    }
    let mut l = Lnk {
        flags: u32_at(d, 0x14)?,
        icon_index: u32_at(d, 0x38)? as i32,
        show_command: u32_at(d, 0x3C)?,
        ..Lnk::default()
    };
    let mut pos = 0x4C;
    if l.flags & HAS_TARGET_ID_LIST != 0 {
        let Some(size) = u16_at(d, pos) else {
            l.problems.push("ID list truncated".into());
            return Some(l);
        };
        let start = pos + 2;
        let end = start + usize::from(size);
        let ids = d.get(start..end.min(d.len())).unwrap_or_default();
        l.id_list_path = id_list(ids);
        l.cpl = cpl_path(ids);
        pos = end;
    }
    if l.flags & HAS_LINK_INFO != 0 {
        match u32_at(d, pos) {
            Some(size) if size >= 0x1C => {
                let end = pos.saturating_add(size as usize).min(d.len());
                link_info(d.get(pos..end).unwrap_or_default(), &mut l);
                pos = pos.saturating_add(size as usize);
            }
            Some(size) => {
                l.problems.push(format!("LinkInfo size {size} too small"));
                pos = pos.saturating_add((size as usize).max(4));
            }
            None => {
                l.problems.push("LinkInfo truncated".into());
                return Some(l);
            }
        }
    }
    // §2.4 StringData, in this order, each a 16-bit character count then the characters.
    let unicode = l.flags & IS_UNICODE != 0;
    for flag in [
        HAS_NAME,
        HAS_RELATIVE_PATH,
        HAS_WORKING_DIR,
        HAS_ARGUMENTS,
        HAS_ICON_LOCATION,
    ] {
        if l.flags & flag == 0 {
            continue;
        }
        let Some(count) = u16_at(d, pos) else {
            l.problems.push("string data truncated".into());
            return Some(l);
        };
        // Windows reads at most MAX_PATH (260) characters of every string but the arguments, whatever
        // CountCharacters says, and continues after them: a larger count makes parsers that follow
        // the specification read different arguments than the shell runs.
        let mut count = usize::from(count);
        if flag != HAS_ARGUMENTS && count > 260 {
            l.overruns
                .push(format!("{} declares {count} characters", string_name(flag)));
            count = 260;
        }
        let len = count * if unicode { 2 } else { 1 };
        let start = pos + 2;
        let bytes = d.get(start..(start + len).min(d.len())).unwrap_or_default();
        if start + len > d.len() {
            l.problems.push("string data truncated".into());
        }
        let s = if unicode {
            let u: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&u)
        } else {
            ansi(bytes)
        };
        let slot = match flag {
            HAS_NAME => &mut l.name,
            HAS_RELATIVE_PATH => &mut l.relative_path,
            HAS_WORKING_DIR => &mut l.working_dir,
            HAS_ARGUMENTS => &mut l.arguments,
            _ => &mut l.icon_location,
        };
        // The 260th character of a capped string is its terminator.
        *slot = Some(if count == 260 && flag != HAS_ARGUMENTS {
            s.chars()
                .take(259)
                .collect::<String>()
                .trim_end_matches('\0')
                .to_string()
        } else {
            s
        });
        pos = start + len;
    }
    extra_data(d, pos, &mut l);
    Some(l)
}

/// §2.2: the item IDs of the target, joined into a path where the items are file-system ones.
fn id_list(d: &[u8]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    for _ in 0..128 {
        let Some(size) = u16_at(d, i) else { break };
        let size = usize::from(size);
        if size == 0 {
            break;
        }
        let Some(item) = d.get(i + 2..i + size.max(2)) else {
            break;
        };
        if let Some(p) = shell_item(item) {
            parts.push(p);
        }
        i += size;
    }
    if parts.is_empty() {
        return None;
    }
    let mut path = String::new();
    for p in parts {
        if !path.is_empty() && !path.ends_with('\\') {
            path.push('\\');
        }
        path.push_str(&p);
    }
    Some(path)
}

/// The name one shell item contributes (Windows shell item formats as documented by libfwsi): a
/// volume's drive, a file entry's long name (extension block 0xBEEF0004) or short name, a network
/// location. Root folders (My Computer and the like) contribute nothing.
fn shell_item(item: &[u8]) -> Option<String> {
    let class = *item.first()?;
    match class {
        0x1F => None,
        // Volume: "C:\" as ANSI after the class byte.
        0x20..=0x2F => non_empty(cstr(item, 1)).filter(|s| s.len() <= 4 && s.contains(':')),
        // File entry: class, unknown, size (4), modification time (4), attributes (2), primary name.
        0x30..=0x3F => {
            if let Some(long) = long_name(item) {
                return Some(long);
            }
            if class & 0x04 != 0 {
                non_empty(wstr(item, 12))
            } else {
                non_empty(cstr(item, 12))
            }
        }
        // Network location: class, unknown, flags, location.
        0x40..=0x4F => non_empty(cstr(item, 3)),
        // Other items (delegates such as the Users files folder) may still carry a file entry's
        // extension block.
        _ => long_name(item),
    }
}

/// A `.cpl` path in a Control Panel shell item (class 0x00 items hold it in UTF-16): the shell loads
/// the applet to draw its icon, which is how the CVE-2010-2568 and CVE-2017-8464 shortcuts run code
/// without a click. Both byte alignments are read, each on its own.
fn cpl_path(ids: &[u8]) -> Option<String> {
    let mut out = None;
    for shift in 0..2 {
        let Some(d) = ids.get(shift..) else { continue };
        let mut run: Vec<u16> = Vec::new();
        for c in d.chunks_exact(2) {
            let u = u16::from_le_bytes([c[0], c[1]]);
            if (0x20..0xD800).contains(&u) && run.len() < 1024 {
                run.push(u);
                continue;
            }
            if let Some(p) = cpl_in_run(&run) {
                out = Some(p);
            }
            run.clear();
        }
        if let Some(p) = cpl_in_run(&run) {
            out = Some(p);
        }
    }
    out
}

/// The `.cpl` path a run of printable UTF-16 ends in, from its UNC prefix or drive letter.
fn cpl_in_run(run: &[u16]) -> Option<String> {
    let s = String::from_utf16_lossy(run);
    if s.len() <= 4 || !s.to_ascii_lowercase().ends_with(".cpl") {
        return None;
    }
    // The run may start with length fields that happen to be printable. The drive letter is the
    // character before `:\`, which need not be ASCII (a crafted `Ā:\x.cpl`): step back one char,
    // never one byte.
    let start = s
        .find("\\\\")
        .or_else(|| {
            s.find(":\\")
                .map(|i| s[..i].char_indices().next_back().map_or(0, |(j, _)| j))
        })
        .unwrap_or(0);
    Some(s.get(start..).unwrap_or(&s).to_string())
}

/// The long (Unicode) name in a file entry's 0xBEEF0004 extension block.
fn long_name(item: &[u8]) -> Option<String> {
    let sig = memchr::memmem::find(item, &[0x04, 0x00, 0xEF, 0xBE])?;
    let start = sig.checked_sub(4)?;
    let version = u16_at(item, start + 2)?;
    let off = match version {
        9.. => 46,
        8 => 42,
        7 => 38,
        3..=6 => 20,
        _ => return None,
    };
    let s = non_empty(wstr(item, start + off))?;
    (s.chars().all(|c| !c.is_control())).then_some(s)
}

/// §2.3 LinkInfo: LocalBasePath, CommonNetworkRelativeLink (§2.3.2) and CommonPathSuffix.
fn link_info(li: &[u8], l: &mut Lnk) {
    let Some(header) = u32_at(li, 4) else { return };
    let flags = u32_at(li, 8).unwrap_or(0);
    let local_off = u32_at(li, 16).unwrap_or(0) as usize;
    let cnrl_off = u32_at(li, 20).unwrap_or(0) as usize;
    let suffix_off = u32_at(li, 24).unwrap_or(0) as usize;
    let (local_u, suffix_u) = if header >= 0x24 {
        (
            u32_at(li, 28).unwrap_or(0) as usize,
            u32_at(li, 32).unwrap_or(0) as usize,
        )
    } else {
        (0, 0)
    };
    // VolumeIDAndLocalBasePath.
    if flags & 1 != 0 {
        l.local_base_path = if local_u != 0 {
            non_empty(wstr(li, local_u))
        } else {
            None
        }
        .or_else(|| non_empty(cstr(li, local_off)));
    }
    // CommonNetworkRelativeLinkAndPathSuffix.
    if flags & 2 != 0 && cnrl_off != 0 {
        if let Some(c) = li.get(cnrl_off..) {
            let size = u32_at(c, 0).unwrap_or(0) as usize;
            let c = c.get(..size.min(c.len())).unwrap_or(c);
            let net_off = u32_at(c, 8).unwrap_or(0) as usize;
            let net_u = if net_off > 0x14 {
                u32_at(c, 20).unwrap_or(0) as usize
            } else {
                0
            };
            l.net_name = if net_u != 0 {
                non_empty(wstr(c, net_u))
            } else {
                None
            }
            .or_else(|| non_empty(cstr(c, net_off)));
        }
    }
    l.path_suffix = if suffix_u != 0 {
        non_empty(wstr(li, suffix_u))
    } else {
        None
    }
    .or_else(|| {
        if suffix_off != 0 {
            non_empty(cstr(li, suffix_off))
        } else {
            None
        }
    });
}

/// §2.5 ExtraData: blocks of (size, signature, data) up to a terminal block of size < 4.
fn extra_data(d: &[u8], mut pos: usize, l: &mut Lnk) {
    for _ in 0..64 {
        let Some(size) = u32_at(d, pos) else {
            return;
        };
        let size = size as usize;
        if size < 4 {
            l.end = Some(pos + 4);
            return;
        }
        let Some(block) = d.get(pos..pos.saturating_add(size)) else {
            l.problems.push("extra data block truncated".into());
            return;
        };
        let sig = u32_at(block, 4).unwrap_or(0);
        // §2.5.4 / §2.5.5 / §2.5.3: 260 ANSI bytes at 8, then 520 bytes of UTF-16 at 268.
        let wide_field = || non_empty(wstr(block, 268).map(|s| s.chars().take(260).collect()));
        let ansi_field = || non_empty(cstr(block, 8).map(|s| s.chars().take(260).collect()));
        let ansi_unicode = || wide_field().or_else(ansi_field);
        match sig {
            0xA000_0001 => {
                l.env_target = ansi_unicode();
                l.env_ansi = ansi_field().filter(|a| Some(a) != l.env_target.as_ref());
            }
            0xA000_0006 => l.darwin = ansi_unicode(),
            0xA000_0007 => l.icon_env = ansi_unicode(),
            // §2.5.10 TrackerDataBlock: MachineID (16 bytes) at 16, Droid at 32, DroidBirth at 64.
            0xA000_0003 => {
                l.machine_id = non_empty(
                    block
                        .get(16..32)
                        .map(|b| ansi(&b[..memchr::memchr(0, b).unwrap_or(b.len())])),
                );
                if let Some(g) = block.get(48..64) {
                    l.droid_file = Some(guid(g));
                    // A version 1 UUID ends in the node id: the MAC address of the machine that
                    // created the file.
                    if g[7] >> 4 == 1 {
                        l.droid_mac = Some(
                            g[10..16]
                                .iter()
                                .map(|b| format!("{b:02x}"))
                                .collect::<Vec<_>>()
                                .join(":"),
                        );
                    }
                }
            }
            _ => {}
        }
        pos += size;
    }
}

/// A GUID in its registry form (the first three fields little-endian).
fn guid(g: &[u8]) -> String {
    if g.len() < 16 {
        return String::new();
    }
    format!(
        "{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{}",
        u32::from_le_bytes([g[0], g[1], g[2], g[3]]),
        u16::from_le_bytes([g[4], g[5]]),
        u16::from_le_bytes([g[6], g[7]]),
        g[8],
        g[9],
        g[10..16]
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    )
}

impl Lnk {
    /// Every path the structures name as the target, labelled by structure, in the order the shell
    /// prefers them: MS-SHLLINK §2.2 LinkTargetIDList "specifies the target of the link", §2.3
    /// LinkInfo only resolves it "if it is not found in its original location"; with HasExpString
    /// (§2.1.1) the §2.5.4 EnvironmentVariableDataBlock path replaces the ID list. Explorer shows one
    /// structure and may run another when they disagree (Wietze Beukema, "Trust me, I'm a shortcut",
    /// 2025), so the findings read all of them.
    pub fn targets(&self) -> Vec<(&'static str, String)> {
        let join = |base: &str, suffix: Option<&String>| match suffix {
            Some(s) if !s.is_empty() => {
                if base.ends_with('\\') {
                    format!("{base}{s}")
                } else {
                    format!("{base}\\{s}")
                }
            }
            _ => base.to_string(),
        };
        let env_first = self.flags & HAS_EXP_STRING != 0;
        let env = [
            ("EnvironmentVariableDataBlock", self.env_target.clone()),
            ("EnvironmentVariableDataBlock (ANSI)", self.env_ansi.clone()),
        ];
        let mut all: Vec<(&'static str, Option<String>)> = Vec::new();
        if env_first {
            all.extend(env.iter().cloned());
        }
        all.push(("LinkTargetIDList", self.id_list_path.clone()));
        all.push(("Control Panel item", self.cpl.clone()));
        all.push((
            "LinkInfo LocalBasePath",
            self.local_base_path
                .as_ref()
                .map(|b| join(b, self.path_suffix.as_ref())),
        ));
        all.push((
            "LinkInfo network path",
            self.net_name
                .as_ref()
                .map(|n| join(n, self.path_suffix.as_ref())),
        ));
        if !env_first {
            all.extend(env.iter().cloned());
        }
        all.push(("RELATIVE_PATH", self.relative_path.clone()));
        all.push((
            "Darwin block",
            self.darwin.as_ref().map(|d| format!("(MSI component {d})")),
        ));
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for (what, t) in all {
            if let Some(t) = t {
                if !out.iter().any(|(_, o)| *o == t) {
                    out.push((what, t));
                }
            }
        }
        out
    }
}

/// The file name a target path ends in, lower-cased, for comparing the structures' targets. `None`
/// where a difference means nothing: 8.3 short names (the ID list may keep only those), a bare
/// environment variable (`%COMSPEC%`), names outside ASCII (LinkInfo's ANSI strings are in the
/// creator's unknown code page) and paths without a file name.
fn target_file(t: &str) -> Option<String> {
    let t = t.trim().trim_matches('"').trim_end_matches(['\\', '/']);
    let file = t.rsplit(['\\', '/']).next()?.trim().to_ascii_lowercase();
    let bare_variable = file.len() > 2 && file.starts_with('%') && file.ends_with('%');
    (file.contains('.')
        && file.is_ascii()
        && !file.contains('~')
        && !bare_variable
        && !file.starts_with("(msi component"))
    .then_some(file)
}

/// Icons that make a shortcut look like a document: the programs that show documents, icon files
/// named like documents, and the stock icon libraries' document icons.
fn document_icon(icon: &str, index: i32) -> Option<&'static str> {
    let low = icon.to_ascii_lowercase();
    let file = low.rsplit(['\\', '/']).next().unwrap_or(&low);
    for (name, what) in [
        ("msedge.exe", "Edge (PDF icon)"),
        ("acrord32.exe", "Adobe Reader"),
        ("acrobat.exe", "Adobe Acrobat"),
        ("winword.exe", "Word"),
        ("excel.exe", "Excel"),
        ("powerpnt.exe", "PowerPoint"),
        ("hwp.exe", "Hangul"),
        ("hword.exe", "Hancom Word"),
        ("notepad.exe", "Notepad"),
        ("wordpad.exe", "WordPad"),
        ("write.exe", "WordPad"),
    ] {
        if file == name {
            return Some(what);
        }
    }
    for e in [
        ".pdf", ".doc", ".docx", ".hwp", ".hwpx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".rtf",
        ".jpg", ".jpeg", ".png",
    ] {
        if file.ends_with(e) {
            return Some("a document file");
        }
    }
    // shell32.dll and imageres.dll hold the stock document and folder icons; a launcher has its own.
    if file == "shell32.dll" || file == "imageres.dll" {
        return Some(if index == 0 {
            "a stock shell icon"
        } else {
            "a stock document/folder icon"
        });
    }
    if file.ends_with(".ico")
        && ["pdf", "doc", "hwp", "xls", "word", "excel", "invoice"]
            .iter()
            .any(|w| file.contains(w))
    {
        return Some("an icon file named like a document");
    }
    None
}

fn longest_whitespace_run(s: &str) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in s.chars() {
        if c.is_whitespace() {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let Some(l) = parse(data) else {
        node.format = Some("Windows shortcut (unreadable header)".into());
        node.flag(
            "lnk.shortcut",
            Severity::High,
            "Attachment is a Windows shortcut (LNK)",
            &[t::MALICIOUS_FILE],
            "",
            "the shell link header is damaged",
        );
        return;
    };
    let targets = l.targets();
    let target = targets.first().map(|t| t.1.clone()).unwrap_or_default();
    let args = l.arguments.clone().unwrap_or_default();
    let command = if args.is_empty() {
        target.clone()
    } else {
        format!("{target} {args}")
    };
    // What the shortcut runs, apart from its icon, description, tracker block, padding and the rest:
    // builders vary those per victim, the command line stays with the campaign.
    node.add_fingerprint(fingerprint(FingerprintKind::LnkCommand, command.as_bytes()));
    node.format = Some(if target.is_empty() {
        "Windows shortcut with no resolvable target".into()
    } else if args.is_empty() {
        format!("Windows shortcut to {target}")
    } else {
        format!(
            "Windows shortcut to {target} with {} characters of arguments",
            args.chars().count()
        )
    });

    let mut notes = Vec::new();
    if command.chars().count() > 300 {
        notes.push(format!(
            "command line {} characters",
            command.chars().count()
        ));
    }
    if let Some(wd) = &l.working_dir {
        notes.push(format!("working directory {}", wd.trim_end()));
    }
    let icon = l.icon_location.clone().or_else(|| l.icon_env.clone());
    if let Some(i) = &icon {
        notes.push(format!("icon {i},{}", l.icon_index));
    }
    if let Some(n) = &l.name {
        notes.push(format!("description \"{}\"", truncate_str(n, 80)));
    }
    if let Some(m) = &l.machine_id {
        notes.push(format!("built on machine \"{m}\""));
    }
    notes.extend(l.problems.iter().cloned());
    node.flag(
        "lnk.shortcut",
        Severity::High,
        "Attachment is a Windows shortcut (LNK) that runs a program",
        &[t::MALICIOUS_FILE],
        &command,
        notes.join("; "),
    );

    if let Some(cpl) = &l.cpl {
        node.flag(
            "lnk.cpl_exploit",
            Severity::Critical,
            "Shortcut points at a Control Panel applet (.cpl) that Windows loads to draw its icon",
            &[t::EXPLOITATION_FOR_CLIENT_EXECUTION, t::CONTROL_PANEL],
            cpl,
            "the CVE-2010-2568 / CVE-2017-8464 shortcut exploit: the DLL runs when the folder is viewed",
        );
    }
    if !l.overruns.is_empty() {
        node.flag(
            "lnk.string_overrun",
            Severity::High,
            "Shortcut string lengths are forged so that tools show other arguments than Windows runs",
            &[t::OBFUSCATED_FILES],
            l.overruns.join("; "),
            "Windows reads at most 260 characters of these strings (MS-SHLLINK §2.4 CountCharacters is not trusted); parsers that follow the count misread what comes next",
        );
    }
    // The structures name different programs: Explorer shows one and may run another.
    let mut files: Vec<(&str, String, String)> = Vec::new();
    // RELATIVE_PATH is relative to wherever the shortcut was saved; it is not compared.
    for (what, t) in targets.iter().filter(|(w, _)| *w != "RELATIVE_PATH") {
        if let Some(f) = target_file(t) {
            if !files.iter().any(|(_, _, g)| *g == f) {
                files.push((what, t.clone(), f));
            }
        }
    }
    let others: Vec<String> = targets
        .iter()
        .skip(1)
        .filter(|(_, t)| target_file(t).is_some_and(|f| Some(f) != target_file(&target)))
        .map(|(what, t)| format!("{what}: {t}"))
        .collect();
    if files.len() > 1 {
        node.flag(
            "lnk.target_mismatch",
            Severity::Medium,
            "Shortcut structures name different programs as its target",
            &[t::MASQUERADING],
            files
                .iter()
                .map(|(what, t, _)| format!("{what}: {t}"))
                .collect::<Vec<_>>()
                .join("; "),
            "Explorer shows one target and may run another (MS-SHLLINK §2.2, §2.3, §2.5.4 disagree)",
        );
    }
    // Living-off-the-land launchers in any of the targets or in the arguments: a benign LocalBasePath
    // must not hide a launcher in the ID list or the environment block.
    let mut found = Vec::new();
    for la in targets
        .iter()
        .flat_map(|(_, t)| launchers(t))
        .chain(launchers(&args))
    {
        if !found.iter().any(|f: &&Launcher| f.name == la.name) {
            found.push(la);
        }
    }
    let markers = command_markers(&args);
    let odd_explorer = |name: &str| name == "explorer" && markers.is_empty();
    found.retain(|la| !odd_explorer(la.name));
    let launcher_target = !found.is_empty();
    if launcher_target {
        let mut tech: Vec<&str> = found.iter().map(|la| la.technique).collect();
        tech.dedup();
        let names: Vec<&str> = found.iter().map(|la| la.name).collect();
        let carries = markers.iter().any(|m| {
            matches!(
                *m,
                "encoded command"
                    | "download"
                    | "hidden window"
                    | "URL"
                    | "Invoke-Expression"
                    | "decode"
                    | "execution policy bypass"
                    | "script URL"
                    | "UNC path"
            )
        });
        if markers.contains(&"download") || markers.contains(&"URL") {
            tech.push(t::INGRESS_TOOL_TRANSFER);
        }
        if markers.contains(&"encoded command") || markers.contains(&"decode") {
            tech.push(t::DEOBFUSCATE);
        }
        tech.dedup();
        let (sev, title) = if carries {
            (
                Severity::Critical,
                format!(
                    "Shortcut runs {} with a download or hidden command",
                    names.join(" and ")
                ),
            )
        } else {
            (
                Severity::High,
                format!("Shortcut starts {}", names.join(" and ")),
            )
        };
        let mut note = Vec::new();
        if !markers.is_empty() {
            note.push(format!("command: {}", markers.join(", ")));
        }
        if !others.is_empty() {
            note.push(format!("other targets: {}", others.join("; ")));
        }
        node.flag("lnk.lolbin", sev, title, &tech, &command, note.join("; "));
    }
    // §2.1 ShowCommand: SW_SHOWMINNOACTIVE runs the program minimised, out of sight.
    if l.show_command == 7 {
        node.flag(
            "lnk.hidden_window",
            Severity::Medium,
            "Shortcut starts its program minimised and without focus",
            &[t::HIDDEN_WINDOW],
            "SW_SHOWMINNOACTIVE",
            "ShowCommand 7: the window never appears in front of the user",
        );
    }
    let args_len = args.chars().count();
    let ws = longest_whitespace_run(&args);
    if args_len > 260 || ws >= 20 {
        let mut why = Vec::new();
        if args_len > 260 {
            why.push(format!(
                "{args_len} characters of arguments (Explorer shows 260)"
            ));
        }
        if ws >= 20 {
            why.push(format!(
                "a run of {ws} blank characters pushes the command out of view"
            ));
        }
        node.flag(
            "lnk.padded_arguments",
            Severity::High,
            "Shortcut hides its command line beyond what the Properties dialog shows",
            &[t::OBFUSCATED_FILES],
            why.join("; "),
            truncate_str(args.trim(), 200),
        );
    }
    if let Some(icon) = &icon {
        if let Some(what) = document_icon(icon, l.icon_index).filter(|_| launcher_target) {
            node.flag(
                "lnk.icon_decoy",
                Severity::High,
                "Shortcut to a program wears a document icon",
                &[t::MASQUERADING],
                format!("{icon},{}", l.icon_index),
                format!("icon of {what} on a shortcut that starts {target}"),
            );
        }
    }
    let mut all_urls = urls(&args);
    for (_, t) in &targets {
        for u in urls(t) {
            if !all_urls.contains(&u) {
                all_urls.push(u);
            }
        }
    }
    if !all_urls.is_empty() {
        node.flag(
            "lnk.url",
            Severity::Medium,
            "Shortcut command line contains a web address",
            &[t::INGRESS_TOOL_TRANSFER],
            &all_urls[0],
            all_urls
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    if l.machine_id.is_some() || l.droid_mac.is_some() {
        let mut v = Vec::new();
        if let Some(m) = &l.machine_id {
            v.push(format!("machine id {m}"));
        }
        if let Some(m) = &l.droid_mac {
            v.push(format!("MAC {m}"));
        }
        node.flag(
            "lnk.machine_id",
            Severity::Info,
            "Shortcut records the machine it was created on",
            &[t::MALICIOUS_FILE],
            v.join(", "),
            format!(
                "TrackerDataBlock (MS-SHLLINK §2.5.10): a campaign fingerprint{}",
                l.droid_file
                    .as_ref()
                    .map(|d| format!("; droid file id {d}"))
                    .unwrap_or_default()
            ),
        );
    }
    // Bytes after the terminal block: payloads that the command line carves out of the shortcut.
    if let Some(end) = l.end {
        let extra = data.len().saturating_sub(end);
        if extra >= 1024 {
            node.flag(
                "lnk.appended_data",
                Severity::High,
                "Shortcut carries data appended after its structures",
                &[t::EMBEDDED_PAYLOADS],
                format!("{extra} bytes after offset {end}"),
                "a command line can read a payload out of the .lnk file itself",
            );
            if let Some(tail) = data.get(end..) {
                w.child(node, "appended data", tail);
            }
        }
    }
}

#[cfg(test)]
mod tests;
