//! The HWP 5 `FileHeader` stream (HWP 5.0 specification §3.2.1, 표 3): a 32-byte signature
//! "HWP Document File", the version as 0xMMnnPPrr, the document property bits, the license bits and the
//! encryption version, 256 bytes in all.

use crate::archive::u32le;

pub(crate) const SIGNATURE: &[u8] = b"HWP Document File";
pub(crate) const SIZE: usize = 256;

/// Document property bits (표 3, "속성").
pub(crate) mod bit {
    pub const COMPRESSED: u32 = 1;
    pub const PASSWORD: u32 = 1 << 1;
    pub const DISTRIBUTION: u32 = 1 << 2;
    pub const SCRIPT: u32 = 1 << 3;
    pub const DRM: u32 = 1 << 4;
    pub const XML_TEMPLATE: u32 = 1 << 5;
    pub const HISTORY: u32 = 1 << 6;
    pub const SIGNED: u32 = 1 << 7;
    pub const CERT_ENCRYPTED: u32 = 1 << 8;
    pub const SIGNATURE_SPARE: u32 = 1 << 9;
    pub const CERT_DRM: u32 = 1 << 10;
    pub const CCL: u32 = 1 << 11;
    pub const MOBILE: u32 = 1 << 12;
    pub const PRIVACY: u32 = 1 << 13;
    pub const TRACK_CHANGES: u32 = 1 << 14;
    pub const KOGL: u32 = 1 << 15;
    pub const VIDEO: u32 = 1 << 16;
    pub const TOC_FIELD: u32 = 1 << 17;
}

/// Property bits in words, for the format line (compression is named separately).
const NAMES: &[(u32, &str)] = &[
    (bit::PASSWORD, "password-protected"),
    (bit::DISTRIBUTION, "distribution document"),
    (bit::SCRIPT, "scripts saved"),
    (bit::DRM, "DRM-protected"),
    (bit::XML_TEMPLATE, "XML template"),
    (bit::HISTORY, "document history"),
    (bit::SIGNED, "digitally signed"),
    (bit::CERT_ENCRYPTED, "certificate-encrypted"),
    (bit::SIGNATURE_SPARE, "signature draft"),
    (bit::CERT_DRM, "certificate DRM"),
    (bit::CCL, "CCL licence"),
    (bit::MOBILE, "mobile-optimised"),
    (bit::PRIVACY, "privacy-protected"),
    (bit::TRACK_CHANGES, "change tracking"),
    (bit::KOGL, "KOGL licence"),
    (bit::VIDEO, "video controls"),
    (bit::TOC_FIELD, "table-of-contents fields"),
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Header {
    pub version: u32,
    pub flags: u32,
    /// 0 none, 1 Hangul 2.5 and older, 2 Hangul 3.0 enhanced, 3 Hangul 3.0 old, 4 Hangul 7.0 and later.
    pub encrypt_version: u32,
    /// Bytes the stream has (256 expected).
    pub len: usize,
}

/// Parses the header; `None` when the signature is wrong or the version and properties are missing.
pub(crate) fn parse(b: &[u8]) -> Option<Header> {
    if !b.starts_with(SIGNATURE) {
        return None;
    }
    Some(Header {
        version: u32le(b, 32)?,
        flags: u32le(b, 36)?,
        encrypt_version: u32le(b, 44).unwrap_or(0),
        len: b.len(),
    })
}

impl Header {
    pub fn has(&self, bit: u32) -> bool {
        self.flags & bit != 0
    }

    /// "5.0.3.4" from 0x05000304.
    pub fn version_string(&self) -> String {
        let v = self.version.to_be_bytes();
        format!("{}.{}.{}.{}", v[0], v[1], v[2], v[3])
    }

    /// The property bits set, in words (compression left out).
    pub fn properties(&self) -> Vec<&'static str> {
        NAMES
            .iter()
            .filter(|(b, _)| self.has(*b))
            .map(|(_, n)| *n)
            .collect()
    }

    /// How the content is encrypted, when it is (password, DRM, public-key certificate).
    pub fn encryption(&self) -> Option<&'static str> {
        if self.has(bit::PASSWORD) {
            Some("password (FileHeader bit 1)")
        } else if self.has(bit::CERT_ENCRYPTED) {
            Some("public-key certificate encryption (FileHeader bit 8)")
        } else if self.has(bit::CERT_DRM) {
            Some("certificate DRM (FileHeader bit 10)")
        } else if self.has(bit::DRM) {
            Some("DRM (FileHeader bit 4)")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn header(version: u32, flags: u32) -> Vec<u8> {
        let mut h = vec![0u8; SIZE];
        h[..SIGNATURE.len()].copy_from_slice(SIGNATURE);
        h[32..36].copy_from_slice(&version.to_le_bytes());
        h[36..40].copy_from_slice(&flags.to_le_bytes());
        h
    }

    #[test]
    fn version_and_properties() {
        let h = parse(&header(0x0500_0304, bit::COMPRESSED | bit::DISTRIBUTION)).unwrap();
        assert_eq!(h.version_string(), "5.0.3.4");
        assert!(h.has(bit::COMPRESSED));
        assert_eq!(h.properties(), vec!["distribution document"]);
        assert_eq!(h.encryption(), None);
        let h = parse(&header(0x0501_0100, bit::PASSWORD)).unwrap();
        assert!(h.encryption().unwrap().starts_with("password"));
        assert!(parse(b"HWP Document File").is_none());
        assert!(parse(b"not a header at all, not at all, no no no").is_none());
    }
}
