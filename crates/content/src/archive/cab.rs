//! Microsoft Cabinet (`.cab`, MS-CAB): lists every file and extracts stored and MSZIP folders.
//! Attackers mail CAB files because Windows Explorer opens them like folders, and older gateways
//! skipped the format. LZX and Quantum folders are listed by name only.

use super::{bytes, u16le, u32le};
use crate::{Node, Walk};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// MS-CAB §2.1 CFHEADER flags.
const PREV_CABINET: u16 = 0x0001;
const NEXT_CABINET: u16 = 0x0002;
const RESERVE_PRESENT: u16 = 0x0004;
/// MS-CAB §2.3 CFFILE attribs: the name is UTF-8 (else the format's code page, taken as CP437/CP949).
const NAME_IS_UTF: u16 = 0x80;
/// MS-CAB §2.2 typeCompress, low nibble.
const COMP_NONE: u16 = 0;
const COMP_MSZIP: u16 = 1;
/// Each CFDATA block expands to at most 32 KiB (MS-MCI §2: MSZIP blocks).
const MAX_BLOCK: usize = 32 << 10;

struct Folder {
    first_data: usize,
    blocks: u16,
    compression: u16,
}

struct File {
    name: String,
    size: u32,
    offset: u32,
    folder: u16,
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    match parse(data) {
        Ok((folders, files, reserve_data, split)) => {
            // One folder's decoded stream at a time: CFFILE entries are ordered by folder, so each
            // is decoded once and freed before the next. A cabinet that interleaves folders has them
            // decoded again, and every decode is charged to the walk's byte budget, so thousands of
            // folders sharing one CFDATA run cannot hold or decode more than the budget.
            let mut current: Option<(u16, Result<Vec<u8>, String>)> = None;
            let mut listed_only = 0usize;
            for f in &files {
                if w.expired(node) {
                    break;
                }
                let before = node.children.len();
                let Some(folder) = folders.get(usize::from(f.folder)) else {
                    // 0xFFFD-0xFFFF: continued from/to another cabinet of a split set.
                    w.listed(node, &f.name, u64::from(f.size), false);
                    listed_only += 1;
                    continue;
                };
                if current.as_ref().map(|(i, _)| *i) != Some(f.folder) {
                    // Free the previous folder's bytes before decoding the next.
                    drop(current.take());
                    current = Some((f.folder, decode_folder(w, node, data, folder, reserve_data)));
                }
                let member = match &current {
                    Some((_, Ok(buf))) => {
                        let start = f.offset as usize;
                        start
                            .checked_add(f.size as usize)
                            .and_then(|end| buf.get(start..end))
                    }
                    _ => None,
                };
                match member {
                    // A slice of the charged folder buffer: the walk does not charge it again.
                    Some(bytes) => w.child(node, &f.name, bytes),
                    None => {
                        w.listed(node, &f.name, u64::from(f.size), false);
                        listed_only += 1;
                    }
                }
                if super::refused(node, before) {
                    break;
                }
            }
            let methods: Vec<&str> = folders
                .iter()
                .map(|f| match f.compression & 0x0F {
                    COMP_NONE => "stored",
                    COMP_MSZIP => "MSZIP",
                    2 => "Quantum",
                    3 => "LZX",
                    _ => "unknown",
                })
                .collect();
            let mut methods_u = methods.clone();
            methods_u.dedup();
            node.format = Some(format!(
                "Cabinet archive, {} files in {} folders ({}){}{}",
                files.len(),
                folders.len(),
                methods_u.join(", "),
                if listed_only > 0 {
                    format!(", {listed_only} listed by name only")
                } else {
                    String::new()
                },
                if split { ", part of a split set" } else { "" },
            ));
            let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
            super::flag_traversal(node, &names);
            super::flag_executables(node, "Cabinet archive");
        }
        Err(e) => {
            node.format = Some(format!("Cabinet archive (unreadable: {e})"));
        }
    }
}

type Parsed = (Vec<Folder>, Vec<File>, usize, bool);

/// MS-CAB §2.1-2.3: header, folder table, file table.
fn parse(d: &[u8]) -> Result<Parsed, &'static str> {
    if bytes(d, 0, 4) != Some(b"MSCF") {
        return Err("no MSCF signature");
    }
    let coff_files = u32le(d, 16).ok_or("short header")? as usize;
    let folders_n = u16le(d, 26).ok_or("short header")?;
    let files_n = u16le(d, 28).ok_or("short header")?;
    let flags = u16le(d, 30).ok_or("short header")?;
    let mut pos = 36usize;
    let (mut reserve_folder, mut reserve_data) = (0usize, 0usize);
    if flags & RESERVE_PRESENT != 0 {
        let header_res = usize::from(u16le(d, pos).ok_or("short header")?);
        reserve_folder = usize::from(*d.get(pos + 2).ok_or("short header")?);
        reserve_data = usize::from(*d.get(pos + 3).ok_or("short header")?);
        pos = pos + 4 + header_res;
    }
    for flag in [PREV_CABINET, NEXT_CABINET] {
        if flags & flag != 0 {
            // szCabinet and szDisk, NUL-terminated.
            for _ in 0..2 {
                let n = d
                    .get(pos..)
                    .and_then(|r| memchr::memchr(0, r))
                    .ok_or("truncated header strings")?;
                pos += n + 1;
            }
        }
    }
    let mut folders = Vec::new();
    for _ in 0..folders_n {
        let first = u32le(d, pos).ok_or("truncated folder table")? as usize;
        let blocks = u16le(d, pos + 4).ok_or("truncated folder table")?;
        let compression = u16le(d, pos + 6).ok_or("truncated folder table")?;
        folders.push(Folder {
            first_data: first,
            blocks,
            compression,
        });
        pos = pos.checked_add(8 + reserve_folder).ok_or("overflow")?;
    }
    let mut files = Vec::new();
    let mut pos = coff_files;
    for _ in 0..files_n {
        let size = u32le(d, pos).ok_or("truncated file table")?;
        let offset = u32le(d, pos + 4).ok_or("truncated file table")?;
        let folder = u16le(d, pos + 8).ok_or("truncated file table")?;
        let attribs = u16le(d, pos + 14).ok_or("truncated file table")?;
        let name_start = pos + 16;
        let n = d
            .get(name_start..)
            .and_then(|r| memchr::memchr(0, r))
            .ok_or("truncated file name")?;
        let raw = &d[name_start..name_start + n];
        let name = if attribs & NAME_IS_UTF != 0 {
            String::from_utf8_lossy(raw).into_owned()
        } else {
            super::decode_legacy_name(raw, super::cp437)
        };
        files.push(File {
            name,
            size,
            offset,
            folder,
        });
        pos = name_start + n + 1;
    }
    Ok((
        folders,
        files,
        reserve_data,
        flags & (PREV_CABINET | NEXT_CABINET) != 0,
    ))
}

/// Decodes one folder's CFDATA blocks (MS-CAB §2.4) into its uncompressed stream, within the walk's
/// byte budget and ratio limit; the bytes decoded are charged to the budget (kept or not). MSZIP
/// blocks are "CK" + a deflate stream that may refer back into the previous block's output, so all
/// blocks decode into one buffer with miniz's non-wrapping output mode.
fn decode_folder(
    w: &mut Walk<'_>,
    node: &mut Node,
    d: &[u8],
    f: &Folder,
    reserve: usize,
) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8> = Vec::new();
    let r = decode_blocks(w, node, d, f, reserve, &mut out);
    match r {
        Ok(()) => {
            w.charge_read(&out);
            Ok(out)
        }
        Err(e) => {
            w.charge(out.len() as u64);
            Err(e)
        }
    }
}

fn decode_blocks(
    w: &mut Walk<'_>,
    node: &mut Node,
    d: &[u8],
    f: &Folder,
    reserve: usize,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let method = f.compression & 0x0F;
    if method != COMP_NONE && method != COMP_MSZIP {
        return Err("compression not supported".into());
    }
    let room = usize::try_from(w.room()).unwrap_or(usize::MAX);
    let max_ratio = w.limits().max_ratio;
    let mut packed = 0u64;
    let mut pos = f.first_data;
    for _ in 0..f.blocks {
        if w.expired(node) {
            return Err("time limit".into());
        }
        let cb_data = usize::from(u16le(d, pos.saturating_add(4)).ok_or("truncated data block")?);
        let cb_uncomp = usize::from(u16le(d, pos.saturating_add(6)).ok_or("truncated data block")?);
        let start = pos + 8 + reserve;
        let block = bytes(d, start, cb_data).ok_or("truncated data block")?;
        pos = start + cb_data;
        packed += 8 + cb_data as u64;
        if cb_uncomp > MAX_BLOCK {
            return Err("block larger than 32 KiB".into());
        }
        if out.len() + cb_uncomp > room {
            let what = if (room as u64) < w.limits().max_object_bytes {
                "total bytes"
            } else {
                "object size"
            };
            w.limit(
                node,
                what,
                format!("a cabinet folder expands beyond {room} bytes"),
            );
            return Err("size limit".into());
        }
        if method == COMP_NONE {
            out.extend_from_slice(block);
        } else {
            inflate_block(block, cb_uncomp, out)?;
        }
        // The walk's bomb rule (see `Limits::max_ratio`), against the CFDATA bytes read so far.
        let len = out.len() as u64;
        if len > crate::walk::RATIO_FLOOR && len / packed > max_ratio {
            w.limit(
                node,
                "compression ratio",
                format!(
                    "a cabinet folder expands more than {max_ratio}x ({packed} bytes packed): a \
                     decompression bomb"
                ),
            );
            return Err("ratio limit".into());
        }
    }
    Ok(())
}

/// One MSZIP block (MS-MCI §2): "CK", then deflate data that may refer back into `out`.
fn inflate_block(block: &[u8], cb_uncomp: usize, out: &mut Vec<u8>) -> Result<(), String> {
    let body = block
        .strip_prefix(b"CK")
        .ok_or("MSZIP block without CK signature")?;
    let at = out.len();
    out.resize(at + cb_uncomp, 0);
    let mut r = DecompressorOxide::new();
    let (status, _, written) = decompress(
        &mut r,
        body,
        out,
        at,
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    if !matches!(status, TINFLStatus::Done) || written != cb_uncomp {
        out.truncate(at + written);
        return Err(format!(
            "MSZIP block does not inflate to its declared size ({status:?})"
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::{analyse, Kind, Options};

    /// A cabinet with one folder (`compression`) holding `files`; MSZIP blocks are built with flate2.
    pub(crate) fn cab(files: &[(&str, &[u8])], mszip: bool) -> Vec<u8> {
        let stream: Vec<u8> = files.iter().flat_map(|(_, d)| d.iter().copied()).collect();
        let mut blocks = Vec::new();
        for chunk in stream.chunks(32 << 10) {
            let payload = if mszip {
                use std::io::Write;
                let mut e =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(chunk).unwrap();
                let mut p = b"CK".to_vec();
                p.extend(e.finish().unwrap());
                p
            } else {
                chunk.to_vec()
            };
            let mut b = Vec::new();
            b.extend(0u32.to_le_bytes()); // csum (0: not checked)
            b.extend((payload.len() as u16).to_le_bytes());
            b.extend((chunk.len() as u16).to_le_bytes());
            b.extend(payload);
            blocks.push(b);
        }
        let header_len = 36;
        let folder_len = 8;
        let mut file_table = Vec::new();
        let mut off = 0u32;
        for (name, d) in files {
            file_table.extend((d.len() as u32).to_le_bytes());
            file_table.extend(off.to_le_bytes());
            file_table.extend(0u16.to_le_bytes()); // folder 0
            file_table.extend([0u8; 4]); // date, time
            file_table.extend(0x20u16.to_le_bytes()); // archive attribute
            file_table.extend(name.as_bytes());
            file_table.push(0);
            off += d.len() as u32;
        }
        let coff_files = header_len + folder_len;
        let first_data = coff_files + file_table.len();
        let total = first_data + blocks.iter().map(Vec::len).sum::<usize>();
        let mut c = b"MSCF".to_vec();
        c.extend(0u32.to_le_bytes());
        c.extend((total as u32).to_le_bytes());
        c.extend(0u32.to_le_bytes());
        c.extend((coff_files as u32).to_le_bytes());
        c.extend(0u32.to_le_bytes());
        c.extend([3u8, 1]); // version 1.3
        c.extend(1u16.to_le_bytes()); // folders
        c.extend((files.len() as u16).to_le_bytes());
        c.extend(0u16.to_le_bytes()); // flags
        c.extend(0u16.to_le_bytes()); // setID
        c.extend(0u16.to_le_bytes()); // iCabinet
        c.extend((first_data as u32).to_le_bytes());
        c.extend((blocks.len() as u16).to_le_bytes());
        c.extend(u16::from(mszip).to_le_bytes());
        c.extend(file_table);
        for b in blocks {
            c.extend(b);
        }
        c
    }

    #[test]
    fn cabinet_members_are_extracted_and_checked() {
        // More than one 32 KiB block, so MSZIP back-references across blocks are exercised.
        let text: Vec<u8> = b"quarterly report line\r\n"
            .iter()
            .copied()
            .cycle()
            .take(80_000)
            .collect();
        for mszip in [false, true] {
            let c = cab(
                &[
                    ("report.txt", &text),
                    ("invoice.pdf.exe", b"MZ\x90\x00\x03\x00"),
                ],
                mszip,
            );
            let n = analyse(&c, "docs.cab", None, &Options::default());
            assert_eq!(n.detected_type, Kind::Cab);
            assert_eq!(n.children.len(), 2, "{:?}", n.format);
            assert_eq!(n.children[0].size, text.len() as u64);
            assert_eq!(n.children[1].detected_type, Kind::Pe);
            assert!(n.has("archive.contains_executable"));
            assert!(n.children[1].has("attachment.double_extension"));
        }
    }

    /// `folders` folders that all point at one run of `blocks` identical CFDATA blocks (each
    /// `chunk` compressed, stored deflate when `stored`), with one empty file per folder.
    fn shared_data_cab(folders: u16, blocks: u16, chunk: &[u8], stored: bool) -> Vec<u8> {
        use std::io::Write;
        let level = if stored {
            flate2::Compression::none()
        } else {
            flate2::Compression::best()
        };
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level);
        e.write_all(chunk).unwrap();
        let mut payload = b"CK".to_vec();
        payload.extend(e.finish().unwrap());
        let mut block = 0u32.to_le_bytes().to_vec();
        block.extend((payload.len() as u16).to_le_bytes());
        block.extend((chunk.len() as u16).to_le_bytes());
        block.extend(payload);
        let coff_files = 36 + 8 * usize::from(folders);
        let mut file_table = Vec::new();
        for i in 0..folders {
            file_table.extend(0u32.to_le_bytes()); // size 0
            file_table.extend(0u32.to_le_bytes()); // offset
            file_table.extend(i.to_le_bytes());
            file_table.extend([0u8; 4]);
            file_table.extend(0x20u16.to_le_bytes());
            file_table.extend(format!("f{i}.txt").as_bytes());
            file_table.push(0);
        }
        let first_data = coff_files + file_table.len();
        let mut c = b"MSCF".to_vec();
        c.extend([0u8; 12]);
        c.extend((coff_files as u32).to_le_bytes());
        c.extend(0u32.to_le_bytes());
        c.extend([3u8, 1]);
        c.extend(folders.to_le_bytes());
        c.extend(folders.to_le_bytes());
        c.extend([0u8; 6]); // flags, setID, iCabinet
        for _ in 0..folders {
            c.extend((first_data as u32).to_le_bytes());
            c.extend(blocks.to_le_bytes());
            c.extend(1u16.to_le_bytes()); // MSZIP
        }
        c.extend(file_table);
        for _ in 0..blocks {
            c.extend_from_slice(&block);
        }
        c
    }

    /// Thousands of folders share one CFDATA run: each decoded folder is charged to the walk's
    /// budget and freed before the next, so the walk ends at the total-bytes limit, fast.
    #[test]
    fn folders_sharing_data_stop_at_the_total_budget() {
        // Bytes that do not compress (no ratio limit): 64 blocks of 32 KiB = 2 MiB per folder.
        let mut x = 0x9E37_79B9u32;
        let chunk: Vec<u8> = (0..32 << 10)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let c = shared_data_cab(3000, 64, &chunk, true);
        assert!(c.len() < 3 << 20);
        let opts = Options::default();
        let t = std::time::Instant::now();
        let mut w = crate::Walk::new(&opts);
        let n = w.root(&c, "shared.cab", None);
        let took = t.elapsed().as_secs_f64();
        assert!(took < 1.0, "took {took} s");
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "content.limit")
            .expect("a limit");
        assert_eq!(f.evidence[0].value, "total bytes");
        assert!(w.spent() <= opts.limits.max_total_bytes);
    }

    /// A folder of highly compressible blocks past 1 MiB is a bomb: the ratio limit stops it.
    #[test]
    fn cabinet_bomb_hits_the_ratio_limit() {
        let c = shared_data_cab(4, 2000, &[0u8; 32 << 10], false);
        let t = std::time::Instant::now();
        let n = analyse(&c, "bomb.cab", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 1.0);
        let f = n
            .findings
            .iter()
            .find(|f| f.id == "content.limit")
            .expect("a limit");
        assert_eq!(f.evidence[0].value, "compression ratio");
        assert_eq!(n.children.len(), 4);
    }

    #[test]
    fn hostile_cabinets_do_not_panic() {
        let c = cab(&[("a.txt", b"hello world")], true);
        for i in 0..c.len() {
            for v in [0u8, 0xFF, 0x7F] {
                let mut m = c.clone();
                m[i] = v;
                let _ = analyse(&m, "x.cab", None, &Options::default());
            }
        }
        for cut in 0..c.len() {
            let _ = analyse(&c[..cut], "x.cab", None, &Options::default());
        }
    }
}
