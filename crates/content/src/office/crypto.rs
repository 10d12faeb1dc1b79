//! Encrypted OOXML (MS-OFFCRYPTO §2.3.4): whether a password opens it, checked against the password
//! verifier only; the package itself is never decrypted. Excel opens files encrypted with the default
//! password "VelvetSweatshop" without asking, so such a file hides its content from scanners while
//! opening like any other: a plain evasion, not protection.

use aes::cipher::{BlockDecrypt, BlockDecryptMut, KeyInit, KeyIvInit};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// Excel's built-in password for "encrypted" workbooks that open without a prompt.
pub const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

/// Agile spin counts above this are refused (the default is 100,000): a hostile file must not buy
/// seconds of hashing.
const MAX_SPIN: u32 = 500_000;

/// `Some(true)` when the default password opens the document, `Some(false)` when it does not, `None`
/// when the EncryptionInfo is not one this reads.
pub(crate) fn default_password(info: &[u8]) -> Option<bool> {
    opens_with(info, DEFAULT_PASSWORD)
}

/// Whether `password` opens an EncryptedPackage described by `info` (the EncryptionInfo stream).
pub(crate) fn opens_with(info: &[u8], password: &str) -> Option<bool> {
    let major = u16::from_le_bytes([*info.first()?, *info.get(1)?]);
    let minor = u16::from_le_bytes([*info.get(2)?, *info.get(3)?]);
    match (major, minor) {
        (4, 4) => agile(info.get(8..)?, password),
        (2..=4, 2) => standard(info, password),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn of(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            Hash::Sha1 => run::<Sha1>(parts),
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha384 => run::<Sha384>(parts),
            Hash::Sha512 => run::<Sha512>(parts),
        }
    }
}

fn utf16(password: &str) -> Vec<u8> {
    password
        .encode_utf16()
        .flat_map(|c| c.to_le_bytes())
        .collect()
}

/// §2.3.4.5-2.3.4.9 Standard encryption (AES-ECB, SHA-1, 50,000 rounds).
fn standard(info: &[u8], password: &str) -> Option<bool> {
    let header_size = u32::from_le_bytes(info.get(8..12)?.try_into().ok()?) as usize;
    let header = info.get(12..12usize.checked_add(header_size)?)?;
    let key_bits = u32::from_le_bytes(header.get(16..20)?.try_into().ok()?);
    let v = info.get(12 + header_size..)?;
    let salt_size = u32::from_le_bytes(v.get(0..4)?.try_into().ok()?) as usize;
    if salt_size != 16 {
        return None;
    }
    let salt = v.get(4..20)?;
    let enc_verifier = v.get(20..36)?;
    let enc_hash = v.get(40..72)?;
    // §2.3.4.7: H0 = SHA1(salt + password), Hn = SHA1(n + Hn-1), Hfinal = SHA1(H + block 0).
    let mut h = Hash::Sha1.of(&[salt, &utf16(password)]);
    for i in 0u32..50_000 {
        h = Hash::Sha1.of(&[&i.to_le_bytes(), &h]);
    }
    let h = Hash::Sha1.of(&[&h, &0u32.to_le_bytes()]);
    let mut b1 = [0x36u8; 64];
    let mut b2 = [0x5Cu8; 64];
    for (k, c) in h.iter().enumerate() {
        b1[k] ^= c;
        b2[k] ^= c;
    }
    let mut x = Hash::Sha1.of(&[&b1]);
    x.extend(Hash::Sha1.of(&[&b2]));
    let key_len = match key_bits {
        0 | 128 => 16,
        192 => 24,
        256 => 32,
        _ => return None,
    };
    let key = x.get(..key_len)?;
    // §2.3.4.9: the decrypted verifier's SHA-1 equals the decrypted verifier hash.
    let verifier = ecb_decrypt(key, enc_verifier)?;
    let hash = ecb_decrypt(key, enc_hash)?;
    Some(Hash::Sha1.of(&[&verifier]).get(..20) == hash.get(..20))
}

fn ecb_decrypt(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    fn run<C: BlockDecrypt + KeyInit>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        let c = C::new_from_slice(key).ok()?;
        let mut out = data.to_vec();
        for block in out.chunks_exact_mut(16) {
            c.decrypt_block(block.into());
        }
        Some(out)
    }
    match key.len() {
        16 => run::<aes::Aes128>(key, data),
        24 => run::<aes::Aes192>(key, data),
        32 => run::<aes::Aes256>(key, data),
        _ => None,
    }
}

fn cbc_decrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    fn run<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>>
    where
        C: BlockDecryptMut + aes::cipher::BlockCipher + KeyInit,
        cbc::Decryptor<C>: KeyIvInit + BlockDecryptMut,
    {
        let mut d = cbc::Decryptor::<C>::new_from_slices(key, iv.get(..16)?).ok()?;
        let mut out = data.get(..data.len() / 16 * 16)?.to_vec();
        for block in out.chunks_exact_mut(16) {
            d.decrypt_block_mut(block.into());
        }
        Some(out)
    }
    match key.len() {
        16 => run::<aes::Aes128>(key, iv, data),
        24 => run::<aes::Aes192>(key, iv, data),
        32 => run::<aes::Aes256>(key, iv, data),
        _ => None,
    }
}

/// §2.3.4.10-2.3.4.13 Agile encryption: an XML descriptor; the password key encryptor holds a salt,
/// spin count and the encrypted verifier input and hash.
fn agile(xml: &[u8], password: &str) -> Option<bool> {
    let text = String::from_utf8_lossy(xml);
    let at = text.find("encryptedKey")?;
    let el = &text[at..text[at..].find('>').map(|e| at + e)?];
    let attr = |name: &str| -> Option<String> {
        let pat = format!(" {name}=\"");
        let s = el.find(&pat)? + pat.len();
        let e = el[s..].find('"')? + s;
        Some(el[s..e].to_string())
    };
    if attr("cipherAlgorithm").is_some_and(|c| c != "AES")
        || attr("cipherChaining").is_some_and(|c| c != "ChainingModeCBC")
    {
        return None;
    }
    let hash = match attr("hashAlgorithm")?.as_str() {
        "SHA1" => Hash::Sha1,
        "SHA256" => Hash::Sha256,
        "SHA384" => Hash::Sha384,
        "SHA512" => Hash::Sha512,
        _ => return None,
    };
    let spin: u32 = attr("spinCount")?.parse().ok()?;
    if spin > MAX_SPIN {
        return None;
    }
    // §2.3.4.10 keyBits: AES takes 128, 192 or 256. Checked before the key is sized from it.
    let key_bytes = attr("keyBits")?.parse::<usize>().ok()? / 8;
    if !matches!(key_bytes, 16 | 24 | 32) {
        return None;
    }
    let hash_size: usize = attr("hashSize")?.parse().ok()?;
    let salt = base64(&attr("saltValue")?)?;
    let input = base64(&attr("encryptedVerifierHashInput")?)?;
    let value = base64(&attr("encryptedVerifierHashValue")?)?;
    // §2.3.4.11: H0 = H(salt + password), Hn = H(n + Hn-1), then one key per block key.
    let mut h = hash.of(&[&salt, &utf16(password)]);
    for i in 0..spin {
        h = hash.of(&[&i.to_le_bytes(), &h]);
    }
    let key = |block: &[u8]| {
        let mut k = hash.of(&[&h, block]);
        k.resize(key_bytes, 0x36);
        k
    };
    // §2.3.4.13: block keys for the verifier hash input and value.
    let k1 = key(&[0xFE, 0xA7, 0xD2, 0x76, 0x3B, 0x4B, 0x9E, 0x79]);
    let k2 = key(&[0xD7, 0xAA, 0x0F, 0x6D, 0x30, 0x61, 0x34, 0x4E]);
    let verifier = cbc_decrypt(&k1, &salt, &input)?;
    let expected = cbc_decrypt(&k2, &salt, &value)?;
    let got = hash.of(&[verifier.get(..salt.len())?]);
    Some(got.get(..hash_size) == expected.get(..hash_size))
}

/// RFC 4648 base64, whitespace ignored.
fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b' ' | b'\r' | b'\n' | b'\t' => continue,
            _ => return None,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes() {
        assert_eq!(base64("aGVsbG8=").unwrap(), b"hello");
        assert!(base64("a$b").is_none());
    }

    /// Builds a Standard-encryption EncryptionInfo for `password` the way §2.3.4.5-2.3.4.9 describe.
    fn standard_info(password: &str) -> Vec<u8> {
        use aes::cipher::BlockEncrypt;
        let salt = [7u8; 16];
        let mut h = Hash::Sha1.of(&[&salt, &utf16(password)]);
        for i in 0u32..50_000 {
            h = Hash::Sha1.of(&[&i.to_le_bytes(), &h]);
        }
        let h = Hash::Sha1.of(&[&h, &0u32.to_le_bytes()]);
        let mut b1 = [0x36u8; 64];
        for (k, c) in h.iter().enumerate() {
            b1[k] ^= c;
        }
        let key = Hash::Sha1.of(&[&b1]);
        let aes = aes::Aes128::new_from_slice(&key[..16]).unwrap();
        let verifier = [42u8; 16];
        let mut vh = Hash::Sha1.of(&[&verifier]);
        vh.resize(32, 0);
        let mut enc_v = verifier;
        aes.encrypt_block((&mut enc_v).into());
        for b in vh.chunks_exact_mut(16) {
            aes.encrypt_block(b.into());
        }
        let mut header = vec![0u8; 32];
        header[8..12].copy_from_slice(&0x660Eu32.to_le_bytes());
        header[16..20].copy_from_slice(&128u32.to_le_bytes());
        let mut info = vec![3, 0, 2, 0, 0x24, 0, 0, 0];
        info.extend_from_slice(&(header.len() as u32).to_le_bytes());
        info.extend_from_slice(&header);
        info.extend_from_slice(&16u32.to_le_bytes());
        info.extend_from_slice(&salt);
        info.extend_from_slice(&enc_v);
        info.extend_from_slice(&20u32.to_le_bytes());
        info.extend_from_slice(&vh);
        info
    }

    #[test]
    fn standard_verifier() {
        let info = standard_info(DEFAULT_PASSWORD);
        assert_eq!(default_password(&info), Some(true));
        assert_eq!(opens_with(&info, "1234"), Some(false));
    }

    #[test]
    fn unknown_versions_and_garbage_are_none() {
        assert_eq!(opens_with(&[], "x"), None);
        assert_eq!(opens_with(&[9, 0, 9, 0], "x"), None);
        assert_eq!(opens_with(&[4, 0, 4, 0, 0x40, 0, 0, 0, b'<'], "x"), None);
        assert_eq!(
            opens_with(&[3, 0, 2, 0, 0, 0, 0, 0, 200, 0, 0, 0], "x"),
            None
        );
    }

    #[test]
    fn agile_key_size_is_checked_before_use() {
        let a = "AAAAAAAAAAAAAAAAAAAAAA==";
        for bits in ["800000000000", "64", "0"] {
            let xml = format!(
                r#"<encryption><keyEncryptors><keyEncryptor><p:encryptedKey spinCount="1" keyBits="{bits}" hashSize="20" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA1" saltValue="{a}" encryptedVerifierHashInput="{a}" encryptedVerifierHashValue="{a}"/></keyEncryptor></keyEncryptors></encryption>"#
            );
            let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
            info.extend_from_slice(xml.as_bytes());
            assert_eq!(opens_with(&info, "x"), None, "{bits}");
        }
    }
}
