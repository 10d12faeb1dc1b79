//! Deterministic identifiers.
//!
//! Every id is SHA-1 over a namespace UUID and a name (RFC 9562 §5.5, the UUIDv5 construction), so
//! the same campaign always yields the same ids. Two layouts:
//!
//! - [`v5`]: a true UUIDv5. STIX 2.1 §2.9 requires it for SCOs that have ID contributing properties
//!   (namespace [`STIX_SCO_NAMESPACE`], name = the JCS-canonical JSON of those properties); MISP uses
//!   it for every uuid.
//! - [`stable_v4`]: the same 122 hash bits tagged as version 4. STIX 2.1 §2.9 recommends UUIDv4 for
//!   SDOs, SROs, meta objects and bundles (stix2-validator check 103 `uuid-check` warns on anything
//!   else), and *requires* v4 for an SCO without contributing properties (an email-message with no
//!   sender, subject or body). Version 4 asks only for unpredictable-looking bits; a hash of a unique
//!   key gives those and keeps the export reproducible.

use sha1::{Digest, Sha1};
use uuid::{Builder, Uuid};

/// STIX 2.1 §2.9: namespace for deterministic SCO identifiers.
pub const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// spearwatch's own namespace for SDO/SRO/bundle ids and MISP uuids. Generated once for this crate;
/// changing it changes every exported id.
pub const SPEARWATCH_NAMESPACE: Uuid = Uuid::from_u128(0x8e7e2aa1_10d6_4a86_b26e_69d9cdf1f45e);

fn sha1_16(namespace: &Uuid, name: &[u8]) -> [u8; 16] {
    let mut h = Sha1::new();
    h.update(namespace.as_bytes());
    h.update(name);
    let digest = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// UUIDv5 of `name` in `namespace` (RFC 9562 §5.5).
pub fn v5(namespace: &Uuid, name: &[u8]) -> Uuid {
    Builder::from_sha1_bytes(sha1_16(namespace, name)).into_uuid()
}

/// The UUIDv5 hash bits with the version nibble set to 4 (see the module docs for why).
pub fn stable_v4(namespace: &Uuid, name: &[u8]) -> Uuid {
    Builder::from_random_bytes(sha1_16(namespace, name)).into_uuid()
}

/// Name from key parts: each part is length-prefixed so `("a|b", "c")` and `("a", "b|c")` differ.
pub(crate) fn key(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(p.len().to_string().as_bytes());
        out.push(b':');
        out.extend_from_slice(p.as_bytes());
    }
    out
}

/// `type--uuid` with a [`stable_v4`] uuid in [`SPEARWATCH_NAMESPACE`] over `type` and `parts`.
pub(crate) fn sdo(object_type: &str, parts: &[&str]) -> String {
    let mut all = Vec::with_capacity(parts.len() + 1);
    all.push(object_type);
    all.extend_from_slice(parts);
    format!(
        "{object_type}--{}",
        stable_v4(&SPEARWATCH_NAMESPACE, &key(&all))
    )
}

/// A MISP uuid (UUIDv5 in [`SPEARWATCH_NAMESPACE`]).
pub(crate) fn misp(parts: &[&str]) -> String {
    v5(&SPEARWATCH_NAMESPACE, &key(parts)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v5_matches_rfc_9562_example() {
        // RFC 9562 Appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        let dns = Uuid::from_u128(0x6ba7b810_9dad_11d1_80b4_00c04fd430c8);
        assert_eq!(
            v5(&dns, b"www.example.com").to_string(),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }

    #[test]
    fn stix_sco_id_matches_python_uuid5() {
        // STIX 2.1 §2.9: an email-addr id is UUIDv5(SCO namespace, JCS of {"value": ...}).
        let u = v5(&STIX_SCO_NAMESPACE, br#"{"value":"john@example.com"}"#);
        // Same value as Python's uuid.uuid5(namespace, '{"value":"john@example.com"}').
        assert_eq!(u.to_string(), "7165e2a9-671f-585d-b1e1-ca59c671d934");
    }

    #[test]
    fn stable_v4_is_version_4_and_stable() {
        let a = stable_v4(&SPEARWATCH_NAMESPACE, b"x");
        assert_eq!(a.get_version_num(), 4);
        assert_eq!(a, stable_v4(&SPEARWATCH_NAMESPACE, b"x"));
        assert_ne!(a, stable_v4(&SPEARWATCH_NAMESPACE, b"y"));
    }

    #[test]
    fn key_parts_are_unambiguous() {
        assert_ne!(key(&["a|b", "c"]), key(&["a", "b|c"]));
    }
}
