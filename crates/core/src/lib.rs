//! Core value types shared by every spearwatch crate.
//!
//! A scan produces [`Finding`]s: each one names a stable id (`sender.reply_to_divergent`), says in
//! words what was seen, carries structured [`Evidence`] (which header, part, URL or value) and the
//! MITRE ATT&CK techniques it serves. Findings are values, never errors: a malformed MIME tree is a
//! finding, not an `Err`.
//!
//! The [`Policy`] turns findings into a [`Verdict`]: it weighs every finding by id (or by severity when
//! the policy does not name it), adds the weights, and compares the total with the thresholds. The
//! default policy is compiled in from `policy.toml` beside this crate; a user's TOML file overrides any
//! part of it. Scoring is deterministic: the same findings give the same score and verdict.

mod finding;
mod policy;
pub mod technique;
pub mod time;
mod verdict;

pub use finding::{truncate_str, Evidence, Finding, Severity, Source};
pub use policy::{AuthPolicy, Policy, PolicyError, Scored, Thresholds, DEFAULT_POLICY_TOML};
pub use verdict::Verdict;
