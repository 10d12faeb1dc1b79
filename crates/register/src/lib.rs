//! The register of attacks: what spearwatch keeps of every scanned message, and the campaigns the
//! flagged ones form.
//!
//! | module | what |
//! |---|---|
//! | [`observables`] | (kind, value) pairs per message: senders, recipients, originating IP, URLs, hosts and parent domains, file hashes, payload fingerprints, lure class, normalised subject |
//! | [`minhash`] | MinHash signatures and bands for near-duplicate lure text |
//! | [`policy`] | which shared values link two flagged messages, and which never do |
//! | [`blob`] | raw messages, gzip-compressed on disk, named by sha256 |
//! | [`record`] | recording a scan and incremental, explained campaign clustering |
//! | [`hunt`] | retro-hunts: indicators by indexed look-up, rules by re-scanning stored mail |
//! | [`export`] | a campaign view as STIX 2.1 / MISP export input (`spearwatch-export`) |
//! | [`view`] | a campaign as an analyst reads it, with ranked actor hypotheses (`spearwatch-actors`) |
//!
//! The tables live in `spearwatch-store` (schema version 3); the decisions are made here.

pub mod blob;
pub mod export;
pub mod hunt;
pub mod minhash;
pub mod observables;
pub mod policy;
pub mod record;
pub mod view;

pub use blob::{BlobError, BlobStore};
pub use policy::LinkPolicy;
pub use record::{Arrival, CampaignChange, Recorded, Register, RegisterError};
