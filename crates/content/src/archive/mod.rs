//! Containers: each lists its members, extracts what it can within the limits, and hands every member to
//! [`Walk::child`](crate::Walk::child).

pub mod alz;
pub mod cab;
pub mod compressed;
pub mod disk;
pub mod egg;
pub mod rar;
pub mod sevenz;
pub mod tar;
pub mod tnef;
pub mod zip;

use crate::{Kind, Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// A member a container extracted: its path inside the container and its bytes.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub data: Vec<u8>,
}

/// The lower-case extension of the last path component, without trailing dots and spaces (Windows
/// strips them when it opens the file).
pub(crate) fn extension(name: &str) -> String {
    let base = crate::walk::base_name(name).trim_end_matches(['.', ' ']);
    match base.rsplit_once('.') {
        Some((_, e)) if !e.is_empty() => e.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether a member runs when opened: by what it is (PE, ELF, Mach-O, shortcut) or by its name.
pub(crate) fn runs(node: &Node) -> bool {
    matches!(
        node.detected_type,
        Kind::Pe | Kind::Elf | Kind::MachO | Kind::Lnk
    ) || crate::names::EXECUTABLE.contains(&extension(&node.name).as_str())
}

/// `archive.contains_executable` on `node` when any of its direct members runs when opened.
/// Call after the members were added.
pub(crate) fn flag_executables(node: &mut Node, what: &str) {
    if node.has("archive.contains_executable") {
        return;
    }
    let hits: Vec<String> = node
        .children
        .iter()
        .filter(|c| runs(c))
        .map(|c| {
            format!(
                "{} ({}{})",
                c.name,
                c.detected_type.as_str(),
                if c.encrypted { ", encrypted" } else { "" }
            )
        })
        .collect();
    if hits.is_empty() {
        return;
    }
    let shown = hits.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    node.flag(
        "archive.contains_executable",
        Severity::Critical,
        format!("{what} holds a file that runs when opened"),
        &[t::MALICIOUS_FILE, t::SPEARPHISHING_ATTACHMENT],
        shown,
        format!(
            "{} of {} members are programs, scripts or shortcuts (by content or by name)",
            hits.len(),
            node.children.len()
        ),
    );
}

/// How an encrypted container was opened, for `archive.encrypted` and `archive.password_in_mail`.
pub(crate) struct Unlock<'a> {
    /// Encrypted members (names), and how many members the container has.
    pub encrypted: &'a [String],
    pub total: usize,
    /// The cipher in words ("ZipCrypto", "AES-256", "7z AES-256", "RAR 5 AES-256").
    pub cipher: &'a str,
    /// The password that opened it, if one did.
    pub password: Option<&'a str>,
    /// The names themselves are encrypted (7z/RAR encrypted headers).
    pub headers: bool,
    /// Whether passwords were tried (RAR is never decrypted here).
    pub tried: bool,
}

/// `archive.encrypted`, and `archive.password_in_mail` when the password came from the message.
pub(crate) fn flag_encrypted(w: &Walk<'_>, node: &mut Node, u: &Unlock<'_>) {
    let outcome = match u.password {
        Some(p) if w.password_from_mail(p) => "opened with a password the mail gives".to_string(),
        Some(p) => format!("opened with the common password \"{p}\""),
        None if !u.tried => {
            "not decrypted here; members are listed by name where the headers allow".into()
        }
        None if u.headers => "no known password opened it; member names are hidden too".into(),
        None => "no known password opened it; members are listed by name only".into(),
    };
    // Opened, the archive hid nothing from this scan: what is inside is judged on its own, and the
    // encryption is only context (legitimate senders, Korean payroll and HR among them, encrypt
    // attachments and give the password in the same mail). Unopened, it hides its content.
    let (id, severity, title) = if u.password.is_some() {
        (
            "archive.encrypted_opened",
            Severity::Low,
            "Attachment is an encrypted archive; it was opened and its members analysed",
        )
    } else {
        (
            "archive.encrypted",
            Severity::High,
            "Attachment is an encrypted archive, which mail gateways cannot scan",
        )
    };
    if !node.has("archive.encrypted") && !node.has("archive.encrypted_opened") {
        let names = u.encrypted.iter().take(10).cloned().collect::<Vec<_>>();
        let value = if u.headers && names.is_empty() {
            "encrypted headers".to_string()
        } else {
            names.join(", ")
        };
        node.flag(
            id,
            severity,
            title,
            &[t::ENCRYPTED_FILE],
            value,
            format!(
                "{} of {} members encrypted ({}){}; {outcome}",
                u.encrypted.len(),
                u.total,
                u.cipher,
                if u.headers { ", names encrypted" } else { "" }
            ),
        );
    }
    if let Some(p) = u.password {
        if w.password_from_mail(p) && !node.has("archive.password_in_mail") {
            node.flag(
                "archive.password_in_mail",
                Severity::High,
                "Encrypted archive, password given in the mail",
                &[t::ENCRYPTED_FILE, t::SPEARPHISHING_ATTACHMENT],
                p,
                "the password that decrypts the archive is written in the message: a scanner-evasion \
                 habit of malware campaigns",
            );
        }
    }
}

/// Whether the walk refused the member just offered (the node budget is spent): `before` is the
/// number of children `node` had before [`Walk::child`] or [`Walk::listed`]. Loops stop there rather
/// than decompress members that can no longer be recorded.
pub(crate) fn refused(node: &Node, before: usize) -> bool {
    node.children.len() == before && node.has("content.limit")
}

/// The error strings [`Walk::read_member`] returns when a limit (not corruption) stopped it.
pub(crate) fn is_limit(err: &str) -> bool {
    matches!(err, "time limit" | "size limit" | "ratio limit")
}

/// Decodes a member name stored without a declared charset: ASCII and valid UTF-8 as they are; else
/// EUC-KR/CP949 when it decodes cleanly (Korean archivers write CP949 without the UTF-8 flag); else the
/// archive format's legacy code page, `fallback`.
pub(crate) fn decode_legacy_name(raw: &[u8], fallback: fn(&[u8]) -> String) -> String {
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    let (s, had_errors) = encoding_rs::EUC_KR.decode_without_bom_handling(raw);
    if !had_errors {
        return s.into_owned();
    }
    fallback(raw)
}

/// IBM code page 437, the zip default for names without the UTF-8 flag (APPNOTE 6.3.x appendix D).
pub(crate) fn cp437(raw: &[u8]) -> String {
    const HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{A0}";
    raw.iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                HIGH.chars()
                    .nth(usize::from(b - 0x80))
                    .unwrap_or('\u{FFFD}')
            }
        })
        .collect()
}

/// Latin-1 for formats whose legacy names have no better-defined code page.
pub(crate) fn latin1(raw: &[u8]) -> String {
    raw.iter().map(|&b| b as char).collect()
}

/// Whether a member path climbs out of the extraction folder or is absolute (zip-slip).
pub(crate) fn traverses(name: &str) -> bool {
    let n = name.replace('\\', "/");
    n.starts_with('/') || n.as_bytes().get(1) == Some(&b':') || n.split('/').any(|c| c == "..")
}

/// `archive.path_traversal` for the members whose path leaves the extraction folder.
pub(crate) fn flag_traversal(node: &mut Node, names: &[String]) {
    let bad: Vec<&str> = names
        .iter()
        .filter(|n| traverses(n))
        .map(String::as_str)
        .collect();
    if bad.is_empty() || node.has("archive.path_traversal") {
        return;
    }
    node.flag(
        "archive.path_traversal",
        Severity::Medium,
        "Archive member paths leave the extraction folder",
        &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
        bad.iter().take(5).copied().collect::<Vec<_>>().join(", "),
        format!(
            "{} members with \"..\" or absolute paths: extractors with path bugs write them elsewhere \
             (for instance into a Startup folder)",
            bad.len()
        ),
    );
}

/// Little-endian readers over a slice that return `None` past its end.
pub(crate) fn u16le(d: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        d.get(off..off.checked_add(2)?)?.try_into().ok()?,
    ))
}
pub(crate) fn u32le(d: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        d.get(off..off.checked_add(4)?)?.try_into().ok()?,
    ))
}
pub(crate) fn u64le(d: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        d.get(off..off.checked_add(8)?)?.try_into().ok()?,
    ))
}
/// `len` bytes at `off`, if all are there.
pub(crate) fn bytes(d: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    d.get(off..off.checked_add(len)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode_by_charset() {
        assert_eq!(cp437(b"caf\x82"), "café");
        // "문서" in CP949 without the UTF-8 flag.
        assert_eq!(
            decode_legacy_name(b"\xb9\xae\xbc\xad.hwp", cp437),
            "문서.hwp"
        );
        assert_eq!(decode_legacy_name("문서".as_bytes(), cp437), "문서");
        assert_eq!(decode_legacy_name(b"\x82\xff", cp437), "é\u{A0}");
        assert!(traverses("../../x.exe") && traverses("C:\\x") && !traverses("a/b..c"));
        assert_eq!(extension("dir.d/Invoice.PDF .exe. "), "exe");
    }

    /// Random byte changes in every container fixture: no panic, no hang.
    #[test]
    fn mutated_containers_do_not_panic() {
        let pe = zip::tests::pe();
        let fixtures = vec![
            zip::tests::build(
                &[("a.txt", b"hello hello hello"), ("b.exe", &pe)],
                ::zip::write::SimpleFileOptions::default()
                    .compression_method(::zip::CompressionMethod::Deflated),
            ),
            tar::tests::build(&[("a.txt", b"hello"), ("dir/b.exe", &pe)]),
            disk::tests::iso_with(&pe, true, true),
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for f in &fixtures {
            for _ in 0..400 {
                let mut m = f.clone();
                for _ in 0..4 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let i = (seed % m.len() as u64) as usize;
                    m[i] = (seed >> 32) as u8;
                }
                let _ = crate::analyse(&m, "x", None, &crate::Options::default());
            }
        }
    }
}
