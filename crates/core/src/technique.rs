//! MITRE ATT&CK technique ids used by spearwatch findings, with their names (ATT&CK v18).
//!
//! ATT&CK® is a registered trademark of The MITRE Corporation; technique names are reproduced from the
//! ATT&CK knowledge base under its terms of use.

pub const PHISHING: &str = "T1566";
pub const SPEARPHISHING_ATTACHMENT: &str = "T1566.001";
pub const SPEARPHISHING_LINK: &str = "T1566.002";
pub const PHISHING_FOR_INFORMATION: &str = "T1598";
pub const SPEARPHISHING_LINK_INFO: &str = "T1598.003";
pub const IMPERSONATION: &str = "T1656";
pub const EMAIL_SPOOFING: &str = "T1672";
pub const MASQUERADING: &str = "T1036";
pub const DOUBLE_FILE_EXTENSION: &str = "T1036.007";
pub const MALICIOUS_LINK: &str = "T1204.001";
pub const MALICIOUS_FILE: &str = "T1204.002";
pub const USER_EXECUTION: &str = "T1204";
pub const OBFUSCATED_FILES: &str = "T1027";
pub const HTML_SMUGGLING: &str = "T1027.006";
pub const ACQUIRE_DOMAINS: &str = "T1583.001";
pub const EMAIL_ACCOUNTS: &str = "T1585.002";
pub const FINANCIAL_THEFT: &str = "T1657";

/// Name of a technique id known to spearwatch, for tables and exports.
pub fn name(id: &str) -> Option<&'static str> {
    Some(match id {
        PHISHING => "Phishing",
        SPEARPHISHING_ATTACHMENT => "Phishing: Spearphishing Attachment",
        SPEARPHISHING_LINK => "Phishing: Spearphishing Link",
        PHISHING_FOR_INFORMATION => "Phishing for Information",
        SPEARPHISHING_LINK_INFO => "Phishing for Information: Spearphishing Link",
        IMPERSONATION => "Impersonation",
        EMAIL_SPOOFING => "Email Spoofing",
        MASQUERADING => "Masquerading",
        DOUBLE_FILE_EXTENSION => "Masquerading: Double File Extension",
        MALICIOUS_LINK => "User Execution: Malicious Link",
        MALICIOUS_FILE => "User Execution: Malicious File",
        USER_EXECUTION => "User Execution",
        OBFUSCATED_FILES => "Obfuscated Files or Information",
        HTML_SMUGGLING => "Obfuscated Files or Information: HTML Smuggling",
        ACQUIRE_DOMAINS => "Acquire Infrastructure: Domains",
        EMAIL_ACCOUNTS => "Establish Accounts: Email Accounts",
        FINANCIAL_THEFT => "Financial Theft",
        _ => return None,
    })
}
