//! Organisation context: who the organisation is, whom it deals with, and what it has seen.
//!
//! | file | what |
//! |---|---|
//! | `profile.rs` | the organisation profile (TOML): domains, people, partners, protected authorities and brands; validation with line numbers |
//! | `names.rs` | display-name keys: titles, company suffixes, Hangul/Latin order folded, so "김민준 세무사" and "Minjun Kim (Samil Tax)" meet their variants |
//! | `lookalike.rs` | look-alike domains of protected domains: confusable skeletons, edits, hyphen/TLD changes, embedding |
//! | `knowledge.rs` | the relationship graph in memory: addresses, names, edges, threads (loaded from the store) |
//! | `observe.rs` | what a message teaches: sender, recipients, direction, thread ids |
//!
//! Everything here is sans-IO: the store (`spearwatch-store`) reads and writes the database, the
//! detectors (`spearwatch-detect`) read an [`OrgContext`].

pub mod knowledge;
pub mod lookalike;
pub mod names;
pub mod observe;
pub mod profile;

pub use knowledge::Knowledge;
pub use profile::{Profile, ProfileError, ProfileErrors, BUNDLED_BRANDS_TOML};

/// What the detectors are given about the organisation: its profile (with the indexes built from it)
/// and the history learned so far (empty when no store is used).
#[derive(Debug, Default)]
pub struct OrgContext {
    pub profile: Profile,
    pub knowledge: Knowledge,
    pub lookalikes: lookalike::LookalikeIndex,
}

impl OrgContext {
    pub fn new(profile: Profile, knowledge: Knowledge) -> Self {
        let lookalikes = lookalike::LookalikeIndex::from_profile(&profile);
        OrgContext {
            profile,
            knowledge,
            lookalikes,
        }
    }
}
