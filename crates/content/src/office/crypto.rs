//! Encrypted OOXML (MS-OFFCRYPTO §2.3.4): whether the well-known default password opens it.
//! Nothing is decrypted beyond the password verifier.

/// `Some(true)` when the default password "VelvetSweatshop" opens the document, `Some(false)` when it
/// does not, `None` when the scheme is not one this checks.
pub(crate) fn default_password(_encryption_info: &[u8]) -> Option<bool> {
    None
}
