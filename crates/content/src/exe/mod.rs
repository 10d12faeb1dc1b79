//! Executables: PE (Windows), ELF (Linux), Mach-O (macOS), read with `goblin` for their basic facts.
//! Any program inside an attachment is reported; the facts (machine, subsystem, .NET, signature,
//! entry point, packer sections, installer, overlay) go into the node's format and the evidence.
//!
//! goblin is only asked for headers and section tables (the PE/COFF headers, ELF header and section
//! headers, Mach-O load commands), which keeps it away from the import/resource parsers that fuzzed
//! input stresses most. It is still wrapped in `catch_unwind` as a last resort: a parser panic on a
//! hostile binary becomes a note, not a crash.

pub mod script;

use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// Largest input handed to goblin; the walk's object limit is lower by default.
const MAX_PARSE: usize = 256 << 20;

/// Section names that packers and protectors write (PE/COFF §3.4 leaves names free).
const PACKER_SECTIONS: &[(&str, &str)] = &[
    ("UPX0", "UPX"),
    ("UPX1", "UPX"),
    ("UPX2", "UPX"),
    (".aspack", "ASPack"),
    (".adata", "ASPack"),
    (".MPRESS1", "MPRESS"),
    (".MPRESS2", "MPRESS"),
    ("FSG!", "FSG"),
    ("MEW", "MEW"),
    (".nsp0", "NsPack"),
    (".nsp1", "NsPack"),
    (".nsp2", "NsPack"),
    (".petite", "PEtite"),
    ("petite", "PEtite"),
    (".pec1", "PECompact"),
    (".pec2", "PECompact"),
    ("PEC2", "PECompact"),
    ("pebundle", "PEBundle"),
    (".packed", "RLPack"),
    (".RLPack", "RLPack"),
    (".Themida", "Themida"),
    (".themida", "Themida"),
    (".vmp0", "VMProtect"),
    (".vmp1", "VMProtect"),
    (".enigma1", "Enigma"),
    (".enigma2", "Enigma"),
    (".yP", "Y0da Protector"),
    (".y0da", "Y0da Protector"),
    ("PELOCKnt", "PELock"),
    (".WWP32", "WWPack32"),
    (".WWPACK", "WWPack32"),
    (".Upack", "Upack"),
    (".ByDwing", "Upack"),
    ("PESpin", "PESpin"),
    (".spack", "Simple Pack"),
    (".taz", "PESpin"),
    (".perplex", "Perplex"),
    ("kkrunchy", "kkrunchy"),
    (".MaskPE", "MaskPE"),
    (".ccg", "CCG"),
    ("yC", "yoda's Crypter"),
];

/// What was read from the program, for the format line and the evidence.
#[derive(Default)]
struct Facts {
    format: String,
    notes: Vec<String>,
    signed: Option<bool>,
    entry_problem: Option<String>,
    packers: Vec<&'static str>,
    installer: Option<&'static str>,
    overlay: Option<usize>,
    /// The certificate table (IMAGE_DIRECTORY_ENTRY_SECURITY): file offset and end.
    signature: Option<(usize, usize)>,
}

/// Non-zero bytes after the signature below which trailing data is taken for padding.
const MIN_APPENDED: usize = 32;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let kind = node.detected_type;
    let parsed = if data.len() <= MAX_PARSE {
        std::panic::catch_unwind(|| match kind {
            Kind::Pe => pe(data),
            Kind::Elf => elf(data),
            _ => mach(data),
        })
    } else {
        Ok(None)
    };
    let facts = match parsed {
        Ok(Some(f)) => f,
        Ok(None) => Facts {
            format: format!("{} (headers unreadable)", family(kind)),
            ..Facts::default()
        },
        Err(_) => Facts {
            format: format!("{} (the header parser failed on it)", family(kind)),
            notes: vec!["goblin panicked on this file; caught".into()],
            ..Facts::default()
        },
    };
    node.format = Some(facts.format.clone());
    node.flag(
        "exe.executable",
        Severity::Critical,
        format!("Attachment contains a program: {}", facts.format),
        &[t::MALICIOUS_FILE],
        &facts.format,
        facts.notes.join("; "),
    );
    if facts.signed == Some(false) {
        node.flag(
            "exe.unsigned",
            Severity::Info,
            "Program carries no code signature",
            &[t::MALICIOUS_FILE],
            "no signature",
            match kind {
                Kind::Pe => "no certificate table (security directory) in the optional header",
                _ => "no LC_CODE_SIGNATURE load command",
            },
        );
    }
    if let Some(p) = &facts.entry_problem {
        node.flag(
            "exe.entry_point",
            Severity::High,
            "Program starts outside its code: the layout of a packed or patched binary",
            &[t::SOFTWARE_PACKING],
            p,
            "",
        );
    }
    if !facts.packers.is_empty() {
        let mut names = facts.packers.clone();
        names.dedup();
        let only_upx = names.iter().all(|n| *n == "UPX");
        node.flag(
            "exe.packer",
            if only_upx {
                Severity::Low
            } else {
                Severity::Medium
            },
            format!("Program is packed with {}", names.join(", ")),
            &[t::SOFTWARE_PACKING],
            names.join(", "),
            "section names written by the packer; the real code is unpacked at run time",
        );
    }
    if let Some(i) = facts.installer {
        node.flag(
            "exe.installer",
            Severity::Info,
            format!("Program is a {i}"),
            &[t::MALICIOUS_FILE],
            i,
            "an installer unpacks and runs what it carries",
        );
    }
    // An archive appended to the program (self-extractors, droppers): opened like any member. In a
    // signed program the overlay starts with the certificate table: what follows it is read below.
    if let Some(start) = facts.overlay {
        if let Some(tail) = data.get(start..) {
            let k = crate::kind::sniff(tail, "");
            if matches!(
                k,
                Kind::Zip | Kind::SevenZip | Kind::Rar | Kind::Cab | Kind::Gzip | Kind::Pe
            ) {
                w.child(node, "overlay", tail);
            }
        }
    }
    // PE/COFF §4.7: the Authenticode hash skips the certificate table, and Windows does not reject
    // bytes after it (the CVE-2013-3900 padding check is opt-in): data appended after the signature
    // rides on a validly signed program (signed installers that carry a payload, or a "tag").
    if let Some((_, end)) = facts.signature {
        let tail = data.get(end..).unwrap_or_default();
        // Zero bytes are the certificate table's 8-byte alignment padding.
        let payload = tail
            .iter()
            .position(|&b| b != 0)
            .and_then(|i| tail.get(i..))
            .unwrap_or_default();
        if payload.len() >= MIN_APPENDED {
            let kind = crate::kind::sniff(payload, "");
            node.flag(
                "exe.appended_after_signature",
                Severity::High,
                "Signed program carries data appended after its signature",
                &[t::EMBEDDED_PAYLOADS],
                format!(
                    "{} bytes ({}) after the certificate table ending at offset {end}",
                    payload.len(),
                    kind.as_str()
                ),
                "the signature does not cover data after the certificate table; the program still \
                 shows as validly signed",
            );
            w.child(node, "data after signature", payload);
        }
    }
}

fn family(kind: Kind) -> &'static str {
    match kind {
        Kind::Pe => "Windows program (PE)",
        Kind::Elf => "Linux/Unix program (ELF)",
        _ => "macOS program (Mach-O)",
    }
}

/// PE/COFF (Microsoft PE Format): COFF header, optional header, section table.
fn pe(data: &[u8]) -> Option<Facts> {
    use goblin::pe::header::Header;
    let h = match Header::parse(data) {
        Ok(h) => h,
        Err(e) => return pe_malformed(data, &e.to_string()),
    };
    let coff = &h.coff_header;
    let mut f = Facts::default();
    let machine = match coff.machine {
        0x14C => "x86",
        0x8664 => "x64",
        0xAA64 => "ARM64",
        0x1C0 | 0x1C4 => "ARM",
        0x200 => "IA-64",
        0xEBC => "EFI byte code",
        m => goblin::pe::header::machine_to_str(m),
    };
    let dll = coff.characteristics & 0x2000 != 0;
    let mut parts = Vec::new();
    let Some(opt) = h.optional_header else {
        f.format = format!("Windows COFF object ({machine}) without optional header");
        return Some(f);
    };
    let pe32plus = opt.standard_fields.magic == 0x20B;
    let subsystem = match opt.windows_fields.subsystem {
        1 => "native",
        2 => "GUI",
        3 => "console",
        5 => "OS/2 console",
        7 => "POSIX console",
        9 => "Windows CE GUI",
        10..=13 => "EFI",
        14 => "Xbox",
        16 => "boot application",
        _ => "unknown subsystem",
    };
    let dotnet = opt
        .data_directories
        .get_clr_runtime_header()
        .is_some_and(|d| d.virtual_address != 0);
    // IMAGE_DIRECTORY_ENTRY_SECURITY: its "virtual address" is a file offset (PE/COFF §4.7).
    let cert = opt
        .data_directories
        .get_certificate_table()
        .filter(|d| d.virtual_address != 0 && d.size != 0);
    let signed = cert.is_some();
    f.signed = Some(signed);
    f.signature = cert.and_then(|d| {
        let at = d.virtual_address as usize;
        Some((at, at.checked_add(d.size as usize)?))
    });
    // Section table: right after the optional header.
    let mut off = (h.dos_header.pe_pointer as usize)
        .checked_add(4 + 20)?
        .checked_add(usize::from(coff.size_of_optional_header))?;
    let sections = coff.sections(data, &mut off).unwrap_or_default();
    let ep = opt.standard_fields.address_of_entry_point;
    let name = |s: &goblin::pe::section_table::SectionTable| {
        String::from_utf8_lossy(&s.name)
            .trim_end_matches('\0')
            .to_string()
    };
    let mut raw_end = 0usize;
    for s in &sections {
        let n = name(s);
        if let Some((_, p)) = PACKER_SECTIONS.iter().find(|(k, _)| *k == n) {
            f.packers.push(p);
        }
        raw_end = raw_end
            .max((s.pointer_to_raw_data as usize).saturating_add(s.size_of_raw_data as usize));
    }
    if ep != 0 && !sections.is_empty() {
        let holder = sections.iter().find(|s| {
            let size = s.virtual_size.max(s.size_of_raw_data);
            ep >= s.virtual_address && ep < s.virtual_address.saturating_add(size)
        });
        match holder {
            None => {
                f.entry_problem = Some(format!("entry point RVA {ep:#x} lies in no section"));
            }
            // IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_WRITE.
            Some(s)
                if s.characteristics & 0x2000_0000 != 0 && s.characteristics & 0x8000_0000 != 0 =>
            {
                f.entry_problem = Some(format!(
                    "entry point RVA {ep:#x} in writable and executable section {}",
                    name(s)
                ));
            }
            // Neither IMAGE_SCN_MEM_EXECUTE nor IMAGE_SCN_CNT_CODE: only a loader without DEP runs it.
            Some(s) if s.characteristics & 0x2000_0020 == 0 => {
                f.entry_problem = Some(format!(
                    "entry point RVA {ep:#x} in non-executable section {}",
                    name(s)
                ));
            }
            Some(s) => f.notes.push(format!("entry point in {}", name(s))),
        }
    }
    // Installers and self-extractors announce themselves in their overlay or resources.
    let find = |needle: &[u8]| memchr::memmem::find(data, needle).is_some();
    if find(b"NullsoftInst") || sections.iter().any(|s| name(s) == ".ndata") {
        f.installer = Some("Nullsoft (NSIS) installer");
    } else if find(b"Inno Setup Setup Data") || find(b"Inno Setup") {
        f.installer = Some("Inno Setup installer");
    } else if find(b"InstallShield") {
        f.installer = Some("InstallShield installer");
    } else if find(b"7zS.sfx") || find(b"7-Zip SFX") {
        f.installer = Some("7-Zip self-extracting archive");
    } else if find(b"WinRAR SFX") {
        f.installer = Some("WinRAR self-extracting archive");
    }
    if raw_end > 0 && raw_end < data.len() {
        let extra = data.len() - raw_end;
        // A signature lives in the overlay too; count what remains beyond it.
        if extra >= 512 {
            f.notes
                .push(format!("{extra} bytes of overlay after the last section"));
            f.overlay = Some(raw_end);
        }
    }
    parts.push(if pe32plus { "PE32+" } else { "PE32" }.to_string());
    if dotnet {
        parts.push(".NET".into());
    }
    parts.push(subsystem.into());
    parts.push(if dll { "DLL" } else { "EXE" }.into());
    f.format = format!(
        "Windows program ({}, {machine}), {} section{}, {}",
        parts.join(" "),
        sections.len(),
        if sections.len() == 1 { "" } else { "s" },
        if signed { "signed" } else { "unsigned" }
    );
    Some(f)
}

/// A PE whose headers goblin rejects: overlapping DOS/PE headers and impossible sizes are how Upack,
/// MEW and similar packers squeeze a program. The machine is read by hand from the COFF header.
fn pe_malformed(data: &[u8], why: &str) -> Option<Facts> {
    let at = |o: usize, n: usize| data.get(o..o.checked_add(n)?);
    let lfanew = at(0x3C, 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)?;
    if at(lfanew, 4)? != b"PE\0\0" {
        return None;
    }
    let machine = match at(lfanew + 4, 2).map(|b| u16::from_le_bytes([b[0], b[1]]))? {
        0x14C => "x86",
        0x8664 => "x64",
        0xAA64 => "ARM64",
        m => goblin::pe::header::machine_to_str(m),
    };
    Some(Facts {
        format: format!("Windows program (PE, {machine}) with malformed headers"),
        notes: vec![format!("header parser: {why}")],
        entry_problem: Some(format!(
            "PE header at offset {lfanew:#x} breaks the format ({why}): the layout of a packer"
        )),
        ..Facts::default()
    })
}

/// ELF (System V ABI): the file header and the section headers.
fn elf(data: &[u8]) -> Option<Facts> {
    use goblin::elf::Elf;
    let e = Elf::parse(data).ok()?;
    let h = &e.header;
    let kind = match h.e_type {
        2 => "executable",
        3 if e.interpreter.is_some() => "position-independent executable",
        3 => "shared object",
        1 => "relocatable object",
        4 => "core dump",
        _ => "unknown type",
    };
    let mut f = Facts {
        format: format!(
            "Linux/Unix program (ELF{} {kind}, {}), {} sections",
            if e.is_64 { "64" } else { "32" },
            goblin::elf::header::machine_to_str(h.e_machine),
            e.section_headers.len()
        ),
        ..Facts::default()
    };
    if let Some(i) = e.interpreter {
        f.notes.push(format!("interpreter {i}"));
    }
    if e.section_headers.is_empty() {
        f.notes
            .push("no section headers (stripped or packed)".into());
    }
    if memchr::memmem::find(data, b"UPX!").is_some() {
        f.packers.push("UPX");
    }
    Some(f)
}

/// Mach-O (Apple): the header and load commands; a universal binary lists its architectures.
fn mach(data: &[u8]) -> Option<Facts> {
    use goblin::mach::{load_command::CommandVariant, Mach};
    match Mach::parse(data).ok()? {
        Mach::Fat(fat) => Some(Facts {
            format: format!(
                "macOS universal program (Mach-O, {} architectures)",
                fat.narches
            ),
            ..Facts::default()
        }),
        Mach::Binary(m) => {
            let h = &m.header;
            let kind = match h.filetype {
                2 => "executable",
                6 => "dynamic library",
                8 => "bundle",
                1 => "object",
                _ => "file",
            };
            let arch =
                goblin::mach::constants::cputype::get_arch_name_from_types(h.cputype, h.cpusubtype)
                    .unwrap_or("unknown CPU");
            let signed = m
                .load_commands
                .iter()
                .any(|lc| matches!(lc.command, CommandVariant::CodeSignature(_)));
            Some(Facts {
                format: format!(
                    "macOS program (Mach-O {kind}, {arch}), {} load commands, {}",
                    m.load_commands.len(),
                    if signed { "signed" } else { "unsigned" }
                ),
                signed: Some(signed),
                ..Facts::default()
            })
        }
    }
}

#[cfg(test)]
mod tests;
