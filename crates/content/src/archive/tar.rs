//! tar archives: POSIX ustar and pax (IEEE Std 1003.1-2017, `pax` "ustar Interchange Format" and
//! "pax Interchange Format"), GNU long names (`L`) and base-256 sizes. Members are slices of the
//! archive; nothing is decompressed here (a `.tar.gz` arrives through `compressed`).

use crate::{Node, Walk};

const BLOCK: usize = 512;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let mut pos = 0usize;
    let mut names = Vec::new();
    let mut files = 0usize;
    let mut long_name: Option<String> = None;
    let mut pax_path: Option<String> = None;
    let mut pax_size: Option<u64> = None;
    let mut problem = None;
    while let Some(h) = super::bytes(data, pos, BLOCK) {
        if w.expired(node) {
            break;
        }
        if h.iter().all(|&b| b == 0) {
            break; // end of archive: two zero blocks (one is enough to stop)
        }
        if !checksum_ok(h) {
            problem = Some(format!("bad header checksum at offset {pos}"));
            break;
        }
        let typeflag = h[156];
        let size = pax_size
            .take()
            .or_else(|| number(&h[124..136]))
            .unwrap_or(0);
        let start = pos + BLOCK;
        let Some(end) = usize::try_from(size)
            .ok()
            .and_then(|s| start.checked_add(s))
        else {
            problem = Some("member size overflows".into());
            break;
        };
        let body = data.get(start..end.min(data.len())).unwrap_or(&[]);
        if end > data.len() {
            problem = Some(format!("archive truncated inside member at offset {pos}"));
        }
        match typeflag {
            // GNU long name for the next header.
            b'L' => long_name = Some(c_string(body)),
            // pax extended header for the next member: "len key=value\n" records.
            b'x' => {
                for rec in String::from_utf8_lossy(body).split('\n') {
                    if let Some((_, kv)) = rec.split_once(' ') {
                        if let Some(p) = kv.strip_prefix("path=") {
                            pax_path = Some(p.to_string());
                        } else if let Some(s) = kv.strip_prefix("size=") {
                            pax_size = s.trim().parse().ok();
                        }
                    }
                }
            }
            // Links, devices, directories and FIFOs: nothing to open.
            b'1'..=b'6' => {
                pax_path = None;
                long_name = None;
            }
            // Global pax header and GNU long link name: metadata, not a member; a pending long
            // name or pax path still applies to the next member.
            b'g' | b'K' => {}
            // Regular files ('0', NUL, contiguous '7'), and every type the reader does not know:
            // the pax ustar format (typeflag field) has readers extract those as regular files,
            // so a vendor type such as 'Z' still lands on disk and is opened here too.
            _ => {
                let name = pax_path
                    .take()
                    .or_else(|| long_name.take())
                    .unwrap_or_else(|| header_name(h));
                files += 1;
                names.push(name.clone());
                let before = node.children.len();
                w.child(node, &name, body);
                if super::refused(node, before) {
                    break;
                }
            }
        }
        let Some(next) = end
            .checked_add((BLOCK - end % BLOCK) % BLOCK)
            .filter(|&n| n > pos)
        else {
            break;
        };
        pos = next;
    }
    node.format = Some(format!(
        "tar archive, {files} files{}",
        problem
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    ));
    super::flag_traversal(node, &names);
    super::flag_executables(node, "Tar archive");
}

/// ustar name: `prefix/name` when the magic is "ustar" (POSIX) and a prefix is set.
fn header_name(h: &[u8]) -> String {
    let name = c_string(&h[0..100]);
    if &h[257..262] == b"ustar" {
        let prefix = c_string(&h[345..500]);
        if !prefix.is_empty() {
            return format!("{prefix}/{name}");
        }
    }
    name
}

fn c_string(b: &[u8]) -> String {
    let end = memchr::memchr(0, b).unwrap_or(b.len());
    super::decode_legacy_name(&b[..end], super::latin1)
}

/// Octal (ustar) or base-256 with the high bit set (GNU, star) numeric field.
fn number(f: &[u8]) -> Option<u64> {
    if f.first().is_some_and(|&b| b & 0x80 != 0) {
        let mut v: u64 = u64::from(f[0] & 0x7F);
        for &b in &f[1..] {
            v = v.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(v);
    }
    let s: String = f
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| b as char)
        .collect();
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

/// Header checksum (field at 148, 8 bytes): the byte sum with the field itself counted as spaces.
/// Old tars summed signed bytes; both are accepted.
fn checksum_ok(h: &[u8]) -> bool {
    let Some(stored) = number(&h[148..156]) else {
        return false;
    };
    let (mut u, mut s) = (0u64, 0i64);
    for (i, &b) in h.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        u += u64::from(b);
        s += i64::from(b as i8);
    }
    stored == u || i64::try_from(stored).is_ok_and(|v| v == s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Kind, Options};

    fn header(name: &str, size: usize, flag: u8) -> Vec<u8> {
        let mut h = vec![0u8; BLOCK];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..107].copy_from_slice(b"0000644");
        h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        h[156] = flag;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        h
    }

    /// A ustar archive of `(name, bytes)` regular files.
    pub(crate) fn build(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut t = Vec::new();
        for (name, data) in members {
            t.extend(header(name, data.len(), b'0'));
            t.extend_from_slice(data);
            t.resize(t.len().div_ceil(BLOCK) * BLOCK, 0);
        }
        t.extend(vec![0u8; 2 * BLOCK]);
        t
    }

    #[test]
    fn lists_regular_files_and_long_names() {
        let long = format!("{}/setup.bat", "d".repeat(120));
        let mut t = header("././@LongLink", long.len() + 1, b'L');
        t.extend_from_slice(long.as_bytes());
        t.resize(2 * BLOCK, 0);
        t.extend(build(&[("a.txt", b"hello"), ("b/", b"")]));
        let n = crate::analyse(&t, "x.tar", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Tar);
        // The long name applies to the next header ("a.txt"'s data under the long name).
        assert_eq!(n.children[0].name, long);
        assert!(n.has("archive.contains_executable"));
        for cut in (0..t.len()).step_by(97) {
            let _ = crate::analyse(&t[..cut], "x.tar", None, &Options::default());
        }
    }

    /// Unknown typeflags are regular files (POSIX); links and directories are not opened.
    #[test]
    fn unknown_typeflags_are_files() {
        let pe = crate::archive::zip::tests::pe();
        let mut t = Vec::new();
        for (name, flag) in [("hidden.exe", b'Z'), ("link.exe", b'2'), ("dir", b'5')] {
            let body: &[u8] = if flag == b'Z' { &pe } else { b"" };
            t.extend(header(name, body.len(), flag));
            t.extend_from_slice(body);
            t.resize(t.len().div_ceil(BLOCK) * BLOCK, 0);
        }
        t.extend(vec![0u8; 2 * BLOCK]);
        let n = crate::analyse_as(Kind::Tar, &t, "x.tar", &Options::default());
        assert_eq!(n.children.len(), 1, "{:?}", n.format);
        assert_eq!(n.children[0].name, "hidden.exe");
        assert_eq!(n.children[0].detected_type, Kind::Pe);
        assert!(n.has("archive.contains_executable"));
    }

    #[test]
    fn tar_gz_reaches_the_members() {
        use std::io::Write;
        let t = build(&[("../evil.exe", &crate::archive::zip::tests::pe())]);
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&t).unwrap();
        let gz = e.finish().unwrap();
        let n = crate::analyse(&gz, "x.tgz", None, &Options::default());
        let tar = &n.children[0];
        assert_eq!(tar.detected_type, Kind::Tar);
        assert_eq!(tar.children[0].detected_type, Kind::Pe);
        assert!(tar.has("archive.path_traversal") && tar.has("archive.contains_executable"));
    }
}
