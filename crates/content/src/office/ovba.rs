//! The MS-OVBA compression (MS-OVBA §2.4.1): an LZ77 variant in 4096-byte chunks that VBA projects use
//! for the `dir` stream and for each module's source text.

/// Why a compressed container could not be decompressed (a stomped module's random "source" fails here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The container does not start with the signature byte 0x01 (§2.4.1.1.1).
    Signature,
    /// A chunk header's signature bits are not 0b011 (§2.4.1.1.5).
    ChunkSignature,
    /// A copy token points before the start of its chunk (§2.4.1.3.19.2).
    BadCopy,
    /// A copy token's second byte is missing.
    Truncated,
    /// The output would exceed the caller's bound.
    TooLarge,
}

/// Decompresses a CompressedContainer (§2.4.1.3.1) into at most `max_out` bytes.
pub fn decompress(data: &[u8], max_out: usize) -> Result<Vec<u8>, Error> {
    // §2.4.1.1.1 CompressedContainer: SignatureByte 0x01, then CompressedChunks.
    if data.first() != Some(&0x01) {
        return Err(Error::Signature);
    }
    let mut out = Vec::with_capacity(data.len().saturating_mul(2).min(max_out));
    let mut pos = 1usize;
    while pos < data.len() {
        // §2.4.1.1.5 CompressedChunkHeader: size - 3 (12 bits), signature 0b011 (3 bits), flag (1 bit).
        let Some(h) = data.get(pos..pos + 2) else {
            // A dangling byte after the last chunk: Office writes none, tolerate it.
            break;
        };
        let header = u16::from_le_bytes([h[0], h[1]]);
        if (header >> 12) & 0b111 != 0b011 {
            return Err(Error::ChunkSignature);
        }
        let size = usize::from(header & 0x0FFF) + 3;
        let compressed = header & 0x8000 != 0;
        let body = pos + 2;
        if !compressed {
            // §2.4.1.3.3: an uncompressed chunk is always 4096 raw bytes (the size field says 4098).
            let end = (body + 4096).min(data.len());
            push_bounded(&mut out, &data[body..end], max_out)?;
            pos = body + 4096;
            continue;
        }
        let end = (pos + size).min(data.len());
        decompress_chunk(&data[body.min(end)..end], &mut out, max_out)?;
        pos = end;
    }
    Ok(out)
}

fn push_bounded(out: &mut Vec<u8>, bytes: &[u8], max_out: usize) -> Result<(), Error> {
    if out.len().saturating_add(bytes.len()) > max_out {
        return Err(Error::TooLarge);
    }
    out.extend_from_slice(bytes);
    Ok(())
}

/// §2.4.1.3.2 Decompressing a CompressedChunk: TokenSequences of a FlagByte and up to 8 tokens.
fn decompress_chunk(chunk: &[u8], out: &mut Vec<u8>, max_out: usize) -> Result<(), Error> {
    let start = out.len();
    let mut i = 0usize;
    while i < chunk.len() {
        let flags = chunk[i];
        i += 1;
        for bit in 0..8 {
            if i >= chunk.len() {
                break;
            }
            if flags & (1 << bit) == 0 {
                // LiteralToken: one byte copied as is.
                if out.len() >= max_out {
                    return Err(Error::TooLarge);
                }
                out.push(chunk[i]);
                i += 1;
                continue;
            }
            // CopyToken (§2.4.1.1.8), unpacked per §2.4.1.3.19.2 with the help of §2.4.1.3.19.1.
            let Some(t) = chunk.get(i..i + 2) else {
                return Err(Error::Truncated);
            };
            i += 2;
            let token = u16::from_le_bytes([t[0], t[1]]);
            let (offset, length) = unpack_copy_token(token, out.len() - start);
            if offset > out.len() - start {
                return Err(Error::BadCopy);
            }
            if out.len().saturating_add(length) > max_out {
                return Err(Error::TooLarge);
            }
            // Source and destination may overlap (offset < length: a run repeating the last `offset`
            // bytes). Copying what is already there, a window that doubles each round, gives the same
            // bytes as copying one at a time.
            let from = out.len() - offset;
            let mut left = length;
            while left > 0 {
                let n = left.min(out.len() - from);
                out.extend_from_within(from..from + n);
                left -= n;
            }
        }
    }
    Ok(())
}

/// §2.4.1.3.19.1 CopyToken help: the split between offset and length bits grows with the position in
/// the decompressed chunk, from 12 length bits at the start to 4 past 2048 bytes.
fn unpack_copy_token(token: u16, difference: usize) -> (usize, usize) {
    let mut bit_count = 4u32;
    while (1usize << bit_count) < difference && bit_count < 12 {
        bit_count += 1;
    }
    let length_mask = 0xFFFFu16 >> bit_count;
    let offset = usize::from(token >> (16 - bit_count)) + 1;
    let length = usize::from(token & length_mask) + 3;
    (offset, length)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn spec_3_2_1_no_compression() {
        // MS-OVBA §3.2.1: "abcdefghijklmnopqrstuv." has no repeats; literal tokens only.
        let c = hex("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E");
        assert_eq!(decompress(&c, 1 << 20).unwrap(), b"abcdefghijklmnopqrstuv.");
    }

    #[test]
    fn spec_3_2_2_normal_compression() {
        // MS-OVBA §3.2.2.
        let c = hex(
            "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D \
             6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C",
        );
        assert_eq!(
            decompress(&c, 1 << 20).unwrap(),
            b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
        );
    }

    #[test]
    fn overlapping_copy_repeats_one_byte() {
        // One literal 'a', then a copy token (offset 1, length 72) that reads what it writes.
        let c = hex("01 03 B0 02 61 45 00");
        assert_eq!(decompress(&c, 1 << 20).unwrap(), vec![b'a'; 73]);
    }

    #[test]
    fn uncompressed_chunk_is_4096_raw_bytes() {
        let mut c = vec![0x01, 0xFF, 0x3F];
        c.extend(std::iter::repeat_n(b'x', 4096));
        c.extend(hex("03 B0 00 61 62 63"));
        let d = decompress(&c, 1 << 20).unwrap();
        assert_eq!(d.len(), 4099);
        assert_eq!(&d[4096..], b"abc");
    }

    #[test]
    fn hostile_input_errors_without_panicking() {
        assert_eq!(decompress(b"", 100), Err(Error::Signature));
        assert_eq!(decompress(b"\x02abc", 100), Err(Error::Signature));
        assert_eq!(
            decompress(&hex("01 00 00"), 100),
            Err(Error::ChunkSignature)
        );
        // A copy token as the very first token points before the chunk.
        assert_eq!(
            decompress(&hex("01 03 B0 01 00 00"), 100),
            Err(Error::BadCopy)
        );
        // Output bound.
        assert_eq!(
            decompress(&hex("01 03 B0 02 61 45 00"), 10),
            Err(Error::TooLarge)
        );
        // Truncated copy token.
        assert_eq!(
            decompress(&hex("01 02 B0 02 61 45"), 100),
            Err(Error::Truncated)
        );
        // Random bytes never panic.
        let mut x = 0x1234_5678u32;
        for _ in 0..2000 {
            let mut v = vec![1u8];
            for _ in 0..64 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                v.push(x as u8);
            }
            let _ = decompress(&v, 1 << 16);
        }
    }
}
