//! MinHash signatures of a message's text, for near-duplicate lures (Broder, "On the resemblance and
//! containment of documents", 1997; the banding scheme of Leskovec, Rajaraman and Ullman, "Mining of
//! Massive Datasets", §3.4).
//!
//! The text is cut into words (Unicode alphanumerics; digits folded to `0` so that dates, amounts and
//! per-recipient tokens do not make copies of one template look different), words into overlapping
//! 3-word shingles, and each shingle into a 64-bit hash. [`HASHES`] independent permutations are
//! simulated by mixing the shingle hash with a per-permutation seed (SplitMix64's finaliser); the
//! signature keeps each permutation's minimum. The fraction of equal positions of two signatures
//! estimates the Jaccard similarity of their shingle sets (standard error about 0.05 at 80 hashes).
//!
//! For look-up the signature is cut into [`BANDS`] bands of [`ROWS`] values; two messages that agree
//! on a whole band become candidates. With 20 bands of 4 rows, a pair at Jaccard 0.6 is a candidate
//! with probability 1 - (1 - 0.6^4)^20 = 0.94, at 0.8 with 0.9999, at 0.3 with 0.15 (the candidates
//! are then checked against the full signature).

/// Permutations in a signature.
pub const HASHES: usize = 80;
/// Bands for candidate look-up.
pub const BANDS: usize = 20;
/// Values per band.
pub const ROWS: usize = HASHES / BANDS;
/// Fewer shingles than this and the text is too short to compare: greetings and one-line mails
/// would match every other short mail.
pub const MIN_SHINGLES: usize = 12;
/// Shingles hashed at most (the first ones: lures put their story first; bounds the cost of long
/// newsletters to ~40 us).
pub const MAX_SHINGLES: usize = 2_000;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; HASHES]);

fn mix(mut z: u64) -> u64 {
    // SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijection with good avalanche.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The words of `text`, lower-cased, digits folded; URLs and addresses are dropped (they are
/// observables of their own, and per-recipient tokens in them would hide a copied template).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        let lower = raw.to_lowercase();
        if lower.contains("://") || lower.starts_with("www.") || lower.contains('@') {
            continue;
        }
        let mut w = String::new();
        for c in lower.chars() {
            if c.is_alphanumeric() {
                w.push(if c.is_ascii_digit() { '0' } else { c });
            } else if !w.is_empty() {
                out.push(std::mem::take(&mut w));
            }
        }
        if !w.is_empty() {
            out.push(w);
        }
    }
    out
}

impl Signature {
    /// The signature of `text`, or `None` when it has fewer than [`MIN_SHINGLES`] shingles.
    pub fn of(text: &str) -> Option<Signature> {
        let words = words(text);
        if words.len() < MIN_SHINGLES + 2 {
            return None;
        }
        let mut sig = [u32::MAX; HASHES];
        let mut seen = std::collections::HashSet::new();
        for w in words.windows(3).take(MAX_SHINGLES) {
            let mut h = 0xcbf2_9ce4_8422_2325;
            for part in w {
                h = fnv1a(part.as_bytes(), h);
                h = fnv1a(b" ", h);
            }
            if !seen.insert(h) {
                continue;
            }
            for (i, slot) in sig.iter_mut().enumerate() {
                let v = (mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 32) as u32;
                if v < *slot {
                    *slot = v;
                }
            }
        }
        (seen.len() >= MIN_SHINGLES).then_some(Signature(sig))
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn similarity(&self, other: &Signature) -> f32 {
        let same = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f32 / HASHES as f32
    }

    /// Band keys (`"band:hash"`), the look-up values stored as observables.
    pub fn bands(&self) -> Vec<String> {
        self.0
            .chunks(ROWS)
            .enumerate()
            .map(|(i, rows)| {
                let mut h = 0xcbf2_9ce4_8422_2325;
                for r in rows {
                    h = fnv1a(&r.to_le_bytes(), h);
                }
                format!("{i:02}:{h:016x}")
            })
            .collect()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// `None` when the bytes are not a signature of this build's size.
    pub fn from_bytes(b: &[u8]) -> Option<Signature> {
        if b.len() != HASHES * 4 {
            return None;
        }
        let mut sig = [0u32; HASHES];
        for (slot, c) in sig.iter_mut().zip(b.chunks_exact(4)) {
            *slot = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Some(Signature(sig))
    }
}

/// Exact Jaccard similarity of the 3-word shingle sets, to check the estimate against.
#[cfg(test)]
fn jaccard(a: &str, b: &str) -> f32 {
    let set = |t: &str| -> std::collections::HashSet<String> {
        words(t).windows(3).map(|w| w.join(" ")).collect()
    };
    let (sa, sb) = (set(a), set(b));
    let union = sa.union(&sb).count();
    if union == 0 {
        return 0.0;
    }
    sa.intersection(&sb).count() as f32 / union as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    const LURE: &str = "Dear colleague, we are pleased to invite you to a confidential interview about the \
        regional security outlook. Please review the attached questionnaire and return it by Friday. \
        Our editorial board values your expertise on North East Asian affairs and the honorarium will \
        be paid after publication. Kind regards, the editorial team";

    #[test]
    fn copies_with_changed_names_dates_and_tokens_are_near_duplicates() {
        let a = format!("Dear Kim, {LURE} 2026-03-04 https://x.example/t?id=1111");
        let b = format!("Dear Park, {LURE} 2026-05-19 https://x.example/t?id=9999");
        let (sa, sb) = (Signature::of(&a).unwrap(), Signature::of(&b).unwrap());
        assert!(sa.similarity(&sb) > 0.8, "{}", sa.similarity(&sb));
        assert!(jaccard(&a, &b) > 0.85);
        assert!(sa.bands().iter().zip(sb.bands()).any(|(x, y)| *x == y));
    }

    #[test]
    fn different_texts_are_far_apart() {
        let other = "Your parcel could not be delivered because the address was incomplete. Pay the \
            redelivery fee of two dollars within 24 hours or the parcel returns to the sender. Track \
            your parcel with the number below and confirm your details today.";
        let (sa, sb) = (Signature::of(LURE).unwrap(), Signature::of(other).unwrap());
        assert!(sa.similarity(&sb) < 0.2, "{}", sa.similarity(&sb));
        assert_eq!(
            sa.bands()
                .iter()
                .zip(sb.bands())
                .filter(|(x, y)| **x == *y)
                .count(),
            0
        );
    }

    #[test]
    fn short_text_has_no_signature_and_bytes_round_trip() {
        assert!(Signature::of("Hi, see attached. Thanks").is_none());
        let s = Signature::of(LURE).unwrap();
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn korean_text_is_cut_into_words() {
        let t = "국세청 원천징수영수증 발급 안내 귀하의 2025년 귀속 근로소득 원천징수영수증이 발급되었습니다 첨부 파일을 확인하시고 \
            이상이 있으면 관할 세무서에 문의하시기 바랍니다 기한 내에 확인하지 않으면 가산세가 부과될 수 있습니다";
        assert!(words(t).len() > 20);
        assert!(Signature::of(t).is_some());
    }
}
