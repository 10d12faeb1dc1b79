//! The message model spearwatch's detectors read.
//!
//! [`parse`] turns raw RFC 5322 bytes into a [`Mail`]: decoded headers (RFC 2047 encoded words, and raw
//! 8-bit EUC-KR/CP949 or other legacy charsets in the header section), the address headers as
//! [`Mailbox`]es, text bodies (HTML turned into text by a lenient scanner, [`html`]), every URL with
//! where it was found ([`Link`]), HTML forms, attachments typed by content ([`filetype`]), nested
//! `message/rfc822` parts, and structural [`Anomaly`]s. Parsing never fails and never panics: odd input
//! is recorded, not rejected. Work is bounded by [`Limits`].
//!
//! The crate does no I/O; it is built on mail-parser.

pub mod filetype;
pub mod html;
mod model;
mod parse;
pub mod urls;

pub use model::*;
pub use parse::{parse, Limits};
