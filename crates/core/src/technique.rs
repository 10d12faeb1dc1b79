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
pub const TEMPLATE_INJECTION: &str = "T1221";
pub const VBA_STOMPING: &str = "T1564.007";
pub const HIDDEN_FILES: &str = "T1564.001";
pub const VISUAL_BASIC: &str = "T1059.005";
pub const JAVASCRIPT: &str = "T1059.007";
pub const POWERSHELL: &str = "T1059.001";
pub const WINDOWS_COMMAND_SHELL: &str = "T1059.003";
pub const COMMAND_INTERPRETER: &str = "T1059";
pub const SYSTEM_BINARY_PROXY: &str = "T1218";
pub const MSHTA: &str = "T1218.005";
pub const REGSVR32: &str = "T1218.010";
pub const RUNDLL32: &str = "T1218.011";
pub const INGRESS_TOOL_TRANSFER: &str = "T1105";
pub const DEOBFUSCATE: &str = "T1140";
pub const BITS_JOBS: &str = "T1197";
pub const DYNAMIC_DATA_EXCHANGE: &str = "T1559.002";
pub const MOTW_BYPASS: &str = "T1553.005";
pub const ENCRYPTED_FILE: &str = "T1027.013";
pub const EMBEDDED_PAYLOADS: &str = "T1027.009";
pub const EXPLOITATION_FOR_CLIENT_EXECUTION: &str = "T1203";
pub const SHORTCUT_MODIFICATION: &str = "T1547.009";

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
        TEMPLATE_INJECTION => "Template Injection",
        VBA_STOMPING => "Hide Artifacts: VBA Stomping",
        HIDDEN_FILES => "Hide Artifacts: Hidden Files and Directories",
        VISUAL_BASIC => "Command and Scripting Interpreter: Visual Basic",
        JAVASCRIPT => "Command and Scripting Interpreter: JavaScript",
        POWERSHELL => "Command and Scripting Interpreter: PowerShell",
        WINDOWS_COMMAND_SHELL => "Command and Scripting Interpreter: Windows Command Shell",
        COMMAND_INTERPRETER => "Command and Scripting Interpreter",
        SYSTEM_BINARY_PROXY => "System Binary Proxy Execution",
        MSHTA => "System Binary Proxy Execution: Mshta",
        REGSVR32 => "System Binary Proxy Execution: Regsvr32",
        RUNDLL32 => "System Binary Proxy Execution: Rundll32",
        INGRESS_TOOL_TRANSFER => "Ingress Tool Transfer",
        DEOBFUSCATE => "Deobfuscate/Decode Files or Information",
        BITS_JOBS => "BITS Jobs",
        DYNAMIC_DATA_EXCHANGE => "Inter-Process Communication: Dynamic Data Exchange",
        MOTW_BYPASS => "Subvert Trust Controls: Mark-of-the-Web Bypass",
        ENCRYPTED_FILE => "Obfuscated Files or Information: Encrypted/Encoded File",
        EMBEDDED_PAYLOADS => "Obfuscated Files or Information: Embedded Payloads",
        EXPLOITATION_FOR_CLIENT_EXECUTION => "Exploitation for Client Execution",
        SHORTCUT_MODIFICATION => "Boot or Logon Autostart Execution: Shortcut Modification",
        _ => return None,
    })
}
