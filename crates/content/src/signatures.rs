//! Byte signatures checked on every object: industry test files.

use crate::Node;
use spearwatch_core::{technique as t, Severity};

/// The EICAR anti-virus test file (eicar.org): 68 printable bytes, optionally followed by whitespace,
/// at most 128 bytes in all. Gateways are expected to treat it as malware.
const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

pub(crate) fn check(node: &mut Node, data: &[u8]) {
    if data.starts_with(EICAR)
        && data.len() <= 128
        && data[EICAR.len()..].iter().all(u8::is_ascii_whitespace)
    {
        node.flag(
            "content.eicar",
            Severity::Critical,
            "Attachment is the EICAR anti-virus test file",
            &[t::MALICIOUS_FILE],
            "EICAR-STANDARD-ANTIVIRUS-TEST-FILE",
            "the industry test file is handled as malware so that end-to-end tests see a block",
        );
    }
}
