//! Distribution documents (배포용 문서; Hancom's "HWP document file format: distribution documents",
//! revision 1.2). Their body is in `ViewText/Section*` (and their scripts in `Scripts/*`), each stream
//! starting with a `HWPTAG_DISTRIBUTE_DOC_DATA` record of 256 bytes followed by AES-128-ECB ciphertext.
//! The record is masked with the MSVC `rand()` sequence seeded by its first DWORD; unmasked, the AES
//! key is the 16 bytes at offset 4 + (seed & 0xF). The key travels with the document: this is copy and
//! print protection, not secrecy, so the text is recovered for the lure detectors like any other.

use super::docinfo::TAG_DISTRIBUTE_DOC_DATA;
use crate::archive::u32le;
use aes::cipher::{BlockDecrypt, KeyInit};

const DATA_LEN: usize = 256;

/// The MSVC C runtime `rand()`: a 32-bit LCG whose output is bits 16-30 of the state.
struct MsvcRand(u32);

impl MsvcRand {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(214_013).wrapping_add(2_531_011);
        (self.0 >> 16) & 0x7FFF
    }
}

/// The AES key hidden in a `DISTRIBUTE_DOC_DATA` record's 256 bytes.
pub(crate) fn key(record: &[u8]) -> Option<[u8; 16]> {
    let mut d: [u8; DATA_LEN] = record.get(..DATA_LEN)?.try_into().ok()?;
    let seed = u32le(&d, 0)?;
    let mut rng = MsvcRand(seed);
    let (mut mask, mut run) = (0u8, 0u32);
    for (i, b) in d.iter_mut().enumerate() {
        if run == 0 {
            mask = (rng.next() & 0xFF) as u8;
            run = (rng.next() & 0xF) + 1;
        }
        // The seed itself is stored in the clear.
        if i >= 4 {
            *b ^= mask;
        }
        run -= 1;
    }
    let off = 4 + usize::from(d[0] & 0xF);
    d.get(off..off + 16)?.try_into().ok()
}

/// Decrypts a distribution-document stream: `None` unless it starts with a `DISTRIBUTE_DOC_DATA`
/// record. The plaintext is still deflated when the document is compressed; a trailing partial block
/// is left out.
pub(crate) fn decrypt(stream: &[u8]) -> Option<Vec<u8>> {
    let h = u32le(stream, 0)?;
    let (tag, size) = ((h & 0x3FF) as u16, (h >> 20) as usize);
    if tag != TAG_DISTRIBUTE_DOC_DATA || size != DATA_LEN {
        return None;
    }
    let k = key(stream.get(4..4 + DATA_LEN)?)?;
    let cipher = aes::Aes128::new_from_slice(&k).ok()?;
    let body = stream.get(4 + DATA_LEN..)?;
    let mut out = body[..body.len() - body.len() % 16].to_vec();
    for block in out.chunks_exact_mut(16) {
        cipher.decrypt_block(block.into());
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aes::cipher::BlockEncrypt;

    /// Builds a distribution stream around `plain` (padded to 16 bytes) with `seed`.
    pub(crate) fn encrypt(plain: &[u8], seed: u32) -> Vec<u8> {
        // Pick a record whose unmasked key area is all 0x11: mask it the way `key` unmasks.
        let mut d = [0x11u8; DATA_LEN];
        d[..4].copy_from_slice(&seed.to_le_bytes());
        let mut rng = MsvcRand(seed);
        let (mut mask, mut run) = (0u8, 0u32);
        for (i, b) in d.iter_mut().enumerate() {
            if run == 0 {
                mask = (rng.next() & 0xFF) as u8;
                run = (rng.next() & 0xF) + 1;
            }
            if i >= 4 {
                *b ^= mask;
            }
            run -= 1;
        }
        let k = [0x11u8; 16];
        let c = aes::Aes128::new_from_slice(&k).unwrap();
        let mut body = plain.to_vec();
        body.resize(plain.len().div_ceil(16) * 16, 0);
        for block in body.chunks_exact_mut(16) {
            c.encrypt_block(block.into());
        }
        let mut s = (u32::from(TAG_DISTRIBUTE_DOC_DATA) | ((DATA_LEN as u32) << 20))
            .to_le_bytes()
            .to_vec();
        s.extend_from_slice(&d);
        s.extend(body);
        s
    }

    #[test]
    fn round_trip() {
        let s = encrypt(b"sixteen byte msg and more", 0x1234_5678);
        assert_eq!(key(&s[4..260]), Some([0x11; 16]));
        let p = decrypt(&s).unwrap();
        assert!(p.starts_with(b"sixteen byte msg and more"));
        assert!(decrypt(b"\x1c\x00\x00\x10short").is_none());
        for n in 0..300 {
            let _ = decrypt(&s[..n.min(s.len())]);
        }
    }
}
