//! 7z archives (7-Zip's 7zFormat.txt) through `sevenz-rust2`: the header lists every entry, each
//! compression block (a "folder") is decoded in turn within the limits, encrypted blocks are tried with
//! the walk's passwords. Encrypted headers (7z -mhe) hide the names until a password opens them.

use super::Unlock;
use crate::{Node, Walk};
use sevenz_rust2::{Archive, BlockDecoder, Error, Password};
use std::collections::HashSet;
use std::io::{Cursor, Read};

/// Decoder memory (LZMA dictionary, PPMd model) allowed per coder, in KiB: 7-Zip's ultra level uses
/// 64 MiB dictionaries.
const MEM_KB: usize = 128 << 10;
/// Password tries per archive (each costs a 2^19-round SHA-256 key derivation).
const MAX_PASSWORD_TRIES: usize = 16;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let passwords: Vec<String> = w.passwords().map(str::to_string).collect();
    let mut cur = Cursor::new(data);
    let mut tries = 0usize;
    let mut header_password = None;
    let archive = match Archive::read_with_memory_limit(&mut cur, &Password::empty(), MEM_KB) {
        Ok(a) => a,
        Err(Error::PasswordRequired) => {
            // Encrypted header: the names themselves need the password.
            let mut found = None;
            for p in passwords.iter().take(MAX_PASSWORD_TRIES) {
                tries += 1;
                if let Ok(a) = Archive::read_with_memory_limit(&mut cur, &Password::new(p), MEM_KB)
                {
                    found = Some((a, p.clone()));
                    break;
                }
            }
            let Some((a, p)) = found else {
                node.format = Some(format!(
                    "7z archive{}, header encrypted: names hidden, no known password opened it",
                    signature_note(data)
                ));
                super::flag_encrypted(
                    w,
                    node,
                    &Unlock {
                        encrypted: &[],
                        total: 0,
                        cipher: "7z AES-256",
                        password: None,
                        headers: true,
                        tried: true,
                    },
                );
                return;
            };
            header_password = Some(p);
            a
        }
        Err(e) => {
            node.format = Some(format!(
                "7z archive{}, header unreadable: {e}",
                signature_note(data)
            ));
            return;
        }
    };

    let files = archive.files.len();
    let mut good = header_password.clone();
    let mut encrypted_names = Vec::new();
    let mut opened = 0usize;
    let mut limited = false;
    // Each block's entries, found in one pass (a filter per block was blocks x files).
    let mut by_block: Vec<Vec<usize>> = vec![Vec::new(); archive.blocks.len()];
    for i in 0..files {
        if let Some(Some(bi)) = archive.stream_map.file_block_index.get(i) {
            if let Some(v) = by_block.get_mut(*bi) {
                v.push(i);
            }
        }
    }
    for (bi, members) in by_block.into_iter().enumerate() {
        if w.expired(node) || limited {
            break;
        }
        let encrypted = members
            .first()
            .is_some_and(|&i| archive.is_file_encrypted(i));
        let order: Vec<Option<String>> = if encrypted {
            good.iter()
                .chain(passwords.iter().filter(|p| Some(*p) != good.as_ref()))
                .cloned()
                .map(Some)
                .collect()
        } else {
            vec![None]
        };
        let mut got = None;
        for p in order {
            if p.is_some() && tries >= MAX_PASSWORD_TRIES {
                break;
            }
            tries += usize::from(p.is_some());
            let pw = p.as_deref().map_or_else(Password::empty, Password::new);
            // Unencrypted blocks go straight to the tree; encrypted ones are held until their CRCs
            // confirm the password.
            let stream = !encrypted;
            match decode_block(
                w,
                node,
                &archive,
                bi,
                &pw,
                &mut cur,
                data.len() as u64,
                stream,
            ) {
                Ok((m, hit)) => {
                    limited = hit;
                    if let Some(p) = p {
                        good.get_or_insert(p);
                    }
                    got = Some(m);
                    break;
                }
                Err(hit) if hit => {
                    limited = true;
                    break;
                }
                Err(_) => {}
            }
        }
        if encrypted {
            encrypted_names.extend(members.iter().map(|&i| archive.files[i].name().to_string()));
        }
        match got {
            Some(m) => {
                // A set: a solid block may hold a million entries.
                let done: HashSet<&str> = m.iter().map(|(n, _)| n.as_str()).collect();
                let missing: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&i| !done.contains(&archive.files[i].name()))
                    .collect();
                for (name, d) in &m {
                    opened += 1;
                    if encrypted {
                        w.child(node, name, d);
                    }
                }
                for i in missing {
                    let f = &archive.files[i];
                    if !f.is_directory() {
                        w.listed(node, f.name(), f.size(), false);
                    }
                }
            }
            None => {
                for &i in &members {
                    let f = &archive.files[i];
                    if !f.is_directory() {
                        w.listed(node, f.name(), f.size(), encrypted);
                    }
                }
            }
        }
    }
    let regular = archive.files.iter().filter(|f| !f.is_directory()).count();
    let mut format = format!(
        "7z archive, {regular} files in {} blocks{}, {opened} extracted",
        archive.blocks.len(),
        if archive.is_solid { ", solid" } else { "" }
    );
    if header_password.is_some() {
        format.push_str(", header encrypted");
    }
    if !encrypted_names.is_empty() || header_password.is_some() {
        if good.is_none() {
            format.push_str(", encrypted content not decrypted");
        }
        super::flag_encrypted(
            w,
            node,
            &Unlock {
                encrypted: &encrypted_names,
                total: regular,
                cipher: "7z AES-256",
                password: good.as_deref(),
                headers: header_password.is_some(),
                tried: true,
            },
        );
    }
    node.format = Some(format);
    let names: Vec<String> = archive.files.iter().map(|f| f.name().to_string()).collect();
    super::flag_traversal(node, &names);
    super::flag_executables(node, "7z archive");
}

type Decoded = Vec<(String, Vec<u8>)>;

/// Decodes one block; CRCs are checked by the crate as each entry ends. `Err(true)` if a limit
/// stopped it, `Err(false)` if it failed (a wrong password, a corrupt stream, an unknown method).
/// On success the flag says whether a limit cut it short. With `stream`, members go to the tree as
/// they are decoded (their names are returned with empty bytes) and a failure keeps what was done.
#[allow(clippy::too_many_arguments)]
fn decode_block(
    w: &mut Walk<'_>,
    node: &mut Node,
    archive: &Archive,
    bi: usize,
    pw: &Password,
    cur: &mut Cursor<&[u8]>,
    packed: u64,
    stream: bool,
) -> Result<(Decoded, bool), bool> {
    let mut out: Decoded = Vec::new();
    let mut total = 0u64;
    let mut hit = false;
    let room = w.room();
    let dec = BlockDecoder::new_with_memory_limit(1, MEM_KB, bi, archive, pw, cur);
    let r = dec.for_each_entries(&mut |entry, reader: &mut dyn Read| {
        if entry.is_directory() {
            return Ok(true);
        }
        // The ratio is judged against the whole archive: a solid block has no per-entry packed size.
        match w.read_member(node, entry.name(), reader, packed) {
            Ok(d) if stream => {
                let before = node.children.len();
                w.child(node, entry.name(), &d);
                out.push((entry.name().to_string(), Vec::new()));
                if super::refused(node, before) {
                    hit = true;
                    return Ok(false);
                }
                Ok(true)
            }
            Ok(d) => {
                total = total.saturating_add(d.len() as u64);
                if total > room {
                    w.limit(
                        node,
                        "total bytes",
                        format!("7z block {bi} expands beyond {room} bytes"),
                    );
                    hit = true;
                    return Ok(false);
                }
                out.push((entry.name().to_string(), d));
                Ok(true)
            }
            Err(e) if super::is_limit(&e) => {
                hit = true;
                Ok(false)
            }
            Err(e) => Err(Error::Other(e.into())),
        }
    });
    match r {
        Ok(_) => Ok((out, hit)),
        Err(_) if stream && !out.is_empty() => Ok((out, hit)),
        Err(_) if hit => Err(true),
        Err(_) => Err(false),
    }
}

/// The signature header (7zFormat.txt "SignatureHeader"): version and where the header claims to be.
fn signature_note(d: &[u8]) -> String {
    let (Some(&maj), Some(&min)) = (d.get(6), d.get(7)) else {
        return String::new();
    };
    let off = super::u64le(d, 12).unwrap_or(0);
    let size = super::u64le(d, 20).unwrap_or(0);
    format!(
        " (format {maj}.{min}, header of {size} bytes at {})",
        off.saturating_add(32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Options};
    use sevenz_rust2::encoder_options::AesEncoderOptions;
    use sevenz_rust2::{ArchiveEntry, ArchiveWriter, EncoderMethod};

    fn build(members: &[(&str, &[u8])], password: Option<&str>, encrypt_header: bool) -> Vec<u8> {
        let mut w = ArchiveWriter::new(Cursor::new(Vec::new())).unwrap();
        if let Some(p) = password {
            w.set_content_methods(vec![
                AesEncoderOptions::new(Password::new(p)).into(),
                EncoderMethod::LZMA2.into(),
            ]);
            w.set_encrypt_header(encrypt_header);
        }
        for (name, data) in members {
            w.push_archive_entry(ArchiveEntry::new_file(name), Some(*data))
                .unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn lists_and_extracts() {
        let pe = crate::archive::zip::tests::pe();
        let z = build(
            &[("a.txt", b"hello"), ("tools/setup.exe", &pe)],
            None,
            false,
        );
        let n = crate::analyse(&z, "x.7z", None, &Options::default());
        assert_eq!(n.detected_type, Kind::SevenZip);
        assert_eq!(n.children.len(), 2, "{:?}", n.format);
        assert_eq!(n.children[1].detected_type, Kind::Pe);
        assert!(n.has("archive.contains_executable"));
        assert!(!n.has("archive.encrypted"));
        for cut in (0..z.len()).step_by(7) {
            let _ = crate::analyse(&z[..cut], "x.7z", None, &Options::default());
        }
    }

    #[test]
    fn solid_bomb_stops_at_a_limit() {
        let zeros = vec![0u8; 4 << 20];
        let z = build(&[("a.bin", &zeros), ("b.bin", &zeros)], None, false);
        let n = crate::analyse(&z, "x.7z", None, &Options::default());
        assert!(n.has("content.limit"), "{:?}", n.format);
    }

    /// One solid, encrypted block of 50,000 one-byte entries: the entries decoded are matched
    /// against the block's list through a set (a list search per entry was quadratic).
    #[test]
    fn many_entries_in_one_solid_block() {
        let mut wr = ArchiveWriter::new(Cursor::new(Vec::new())).unwrap();
        wr.set_content_methods(vec![
            AesEncoderOptions::new(Password::new("infected")).into(),
            EncoderMethod::LZMA2.into(),
        ]);
        let n = 50_000;
        let entries = (0..n)
            .map(|i| ArchiveEntry::new_file(&format!("d/f{i}.txt")))
            .collect();
        let readers = (0..n).map(|_| Cursor::new(b"x").into()).collect();
        wr.push_archive_entries(entries, readers).unwrap();
        let z = wr.finish().unwrap().into_inner();
        let t = std::time::Instant::now();
        let node = crate::analyse(&z, "many.7z", None, &Options::default());
        let took = t.elapsed().as_secs_f64();
        assert!(took < 1.0, "took {took} s");
        assert!(
            node.has("content.limit")
                && (node.has("archive.encrypted") || node.has("archive.encrypted_opened"))
        );
        assert!(node.children.len() <= 2000);
    }

    #[test]
    fn encrypted_content_and_headers() {
        let z = build(&[("run.vbs", b"MsgBox 1")], Some("pw-from-mail"), false);
        let o = Options {
            passwords: vec!["pw-from-mail".into()],
            ..Options::default()
        };
        let n = crate::analyse(&z, "x.7z", None, &o);
        assert!(n.has("archive.encrypted_opened") && n.has("archive.password_in_mail"));
        assert!(!n.children[0].sha256.is_empty(), "{:?}", n.format);
        let n = crate::analyse(&z, "x.7z", None, &Options::default());
        assert!(n.has("archive.encrypted") && n.children[0].encrypted);
        assert!(n.has("archive.contains_executable"));

        let h = build(&[("run.vbs", b"MsgBox 1")], Some("other-pw"), true);
        let n = crate::analyse(&h, "x.7z", None, &Options::default());
        assert!(n.has("archive.encrypted"));
        assert!(
            n.format.as_deref().unwrap().contains("names hidden"),
            "{:?}",
            n.format
        );
        let o = Options {
            passwords: vec!["other-pw".into()],
            ..Options::default()
        };
        let n = crate::analyse(&h, "x.7z", None, &o);
        assert_eq!(n.children.len(), 1);
        assert!(n.has("archive.password_in_mail"));
    }
}
