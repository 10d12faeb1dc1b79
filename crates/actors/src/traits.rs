//! Tradecraft traits: what a campaign's mail shows that public reporting ties to particular actors.
//!
//! ATT&CK techniques say *how* an intrusion works and are shared widely (nearly every group phishes
//! with attachments); traits are the narrower habits seen in the mail itself: the lure's theme, the
//! document format, the language, the kind of sender. Actor weights for them live in
//! `data/traits.toml`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One observable habit of an actor's mail. Serialised in `snake_case` (`hwp_eps`), the same names
/// as in `traits.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Trait {
    /// Korean tax lures: National Tax Service notices, withholding or year-end settlement.
    LureTax,
    /// Recruitment lures: job offers, interviews, skills tests.
    LureJobOffer,
    /// Account-security notices: sign-in alerts, password expiry, mailbox quota.
    LureSecurityNotice,
    /// Expert outreach: interview, manuscript, advisory or seminar requests to researchers.
    LureExpertOutreach,
    /// Cryptocurrency business lures: investment, partnership, exchange or wallet topics.
    LureCryptoBusiness,
    /// Defence, aerospace or nuclear industry themes.
    LureDefense,
    /// A Hangul Word Processor document (HWP 5 / HWPX).
    HwpDocument,
    /// An HWP document carrying EPS (PostScript), the Ghostscript exploit path.
    HwpEps,
    /// A Windows shortcut (LNK) as the payload.
    LnkPayload,
    /// An Office document fetching a remote template (ATT&CK T1221).
    RemoteTemplate,
    /// Office macros (VBA or XLM).
    OfficeMacro,
    /// A compiled HTML help file (CHM) as the payload.
    ChmPayload,
    /// A disk image (ISO, IMG, VHD) around the payload, to shed the mark of the web.
    IsoContainer,
    /// An encrypted archive with the password in the mail.
    PasswordArchive,
    /// An HTML attachment that assembles a file in the browser.
    HtmlSmuggling,
    /// A credential-harvesting form or sign-in page.
    CredentialPhishing,
    /// A fake Naver, Daum or Kakao sign-in page.
    FakeLoginNaverDaum,
    /// The lure is written in Korean.
    KoreanLanguage,
    /// The lure is written in English.
    EnglishLanguage,
    /// Sent from a free-mail account (Gmail, Naver, Outlook.com ...).
    FreemailSender,
    /// A sender or link domain that imitates a real one.
    LookalikeDomain,
    /// The recipient organisation is a cryptocurrency firm (exchange, wallet, fund, DeFi).
    TargetsCryptoFirm,
    /// The recipient organisation is South Korean.
    TargetsKorea,
    /// A coding test or project in a code repository or package registry (npm, GitHub).
    NpmOrCodeRepoLure,
    /// A fake video-call or meeting application to install.
    FakeVideoCallApp,
    /// A trojanised cryptocurrency trading application installer.
    TradingAppInstaller,
    /// A OneNote notebook carrying an embedded file.
    OnenotePayload,
    /// A script file (VBS, JS, JSE, HTA, PowerShell) as the payload.
    ScriptPayload,
}

impl Trait {
    /// Every trait, in declaration order.
    pub const ALL: [Trait; 28] = [
        Trait::LureTax,
        Trait::LureJobOffer,
        Trait::LureSecurityNotice,
        Trait::LureExpertOutreach,
        Trait::LureCryptoBusiness,
        Trait::LureDefense,
        Trait::HwpDocument,
        Trait::HwpEps,
        Trait::LnkPayload,
        Trait::RemoteTemplate,
        Trait::OfficeMacro,
        Trait::ChmPayload,
        Trait::IsoContainer,
        Trait::PasswordArchive,
        Trait::HtmlSmuggling,
        Trait::CredentialPhishing,
        Trait::FakeLoginNaverDaum,
        Trait::KoreanLanguage,
        Trait::EnglishLanguage,
        Trait::FreemailSender,
        Trait::LookalikeDomain,
        Trait::TargetsCryptoFirm,
        Trait::TargetsKorea,
        Trait::NpmOrCodeRepoLure,
        Trait::FakeVideoCallApp,
        Trait::TradingAppInstaller,
        Trait::OnenotePayload,
        Trait::ScriptPayload,
    ];

    /// The `snake_case` name used in `traits.toml` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Trait::LureTax => "lure_tax",
            Trait::LureJobOffer => "lure_job_offer",
            Trait::LureSecurityNotice => "lure_security_notice",
            Trait::LureExpertOutreach => "lure_expert_outreach",
            Trait::LureCryptoBusiness => "lure_crypto_business",
            Trait::LureDefense => "lure_defense",
            Trait::HwpDocument => "hwp_document",
            Trait::HwpEps => "hwp_eps",
            Trait::LnkPayload => "lnk_payload",
            Trait::RemoteTemplate => "remote_template",
            Trait::OfficeMacro => "office_macro",
            Trait::ChmPayload => "chm_payload",
            Trait::IsoContainer => "iso_container",
            Trait::PasswordArchive => "password_archive",
            Trait::HtmlSmuggling => "html_smuggling",
            Trait::CredentialPhishing => "credential_phishing",
            Trait::FakeLoginNaverDaum => "fake_login_naver_daum",
            Trait::KoreanLanguage => "korean_language",
            Trait::EnglishLanguage => "english_language",
            Trait::FreemailSender => "freemail_sender",
            Trait::LookalikeDomain => "lookalike_domain",
            Trait::TargetsCryptoFirm => "targets_crypto_firm",
            Trait::TargetsKorea => "targets_korea",
            Trait::NpmOrCodeRepoLure => "npm_or_code_repo_lure",
            Trait::FakeVideoCallApp => "fake_video_call_app",
            Trait::TradingAppInstaller => "trading_app_installer",
            Trait::OnenotePayload => "onenote_payload",
            Trait::ScriptPayload => "script_payload",
        }
    }

    /// What the trait means, for reasons shown to an analyst.
    pub fn describe(self) -> &'static str {
        match self {
            Trait::LureTax => {
                "Korean tax lure (National Tax Service, withholding, year-end settlement)"
            }
            Trait::LureJobOffer => "recruitment or job-offer lure",
            Trait::LureSecurityNotice => "account-security notice lure",
            Trait::LureExpertOutreach => {
                "expert outreach lure (interview, manuscript, advisory or seminar request)"
            }
            Trait::LureCryptoBusiness => "cryptocurrency business lure",
            Trait::LureDefense => "defence, aerospace or nuclear theme",
            Trait::HwpDocument => "Hangul (HWP) document",
            Trait::HwpEps => {
                "HWP document with EPS (PostScript) content, the Ghostscript exploit path"
            }
            Trait::LnkPayload => "Windows shortcut (LNK) payload",
            Trait::RemoteTemplate => "Office document loading a remote template",
            Trait::OfficeMacro => "Office document with macros",
            Trait::ChmPayload => "compiled HTML help (CHM) payload",
            Trait::IsoContainer => "payload inside a disk image (ISO, IMG, VHD)",
            Trait::PasswordArchive => "encrypted archive with the password in the mail",
            Trait::HtmlSmuggling => "HTML smuggling attachment",
            Trait::CredentialPhishing => "credential-harvesting page or form",
            Trait::FakeLoginNaverDaum => "fake Naver, Daum or Kakao sign-in page",
            Trait::KoreanLanguage => "lure written in Korean",
            Trait::EnglishLanguage => "lure written in English",
            Trait::FreemailSender => "sent from a free-mail account",
            Trait::LookalikeDomain => "look-alike sender or link domain",
            Trait::TargetsCryptoFirm => "recipient is a cryptocurrency firm",
            Trait::TargetsKorea => "recipient is South Korean",
            Trait::NpmOrCodeRepoLure => {
                "coding test or project in a code repository or npm package"
            }
            Trait::FakeVideoCallApp => "fake video-call or meeting application",
            Trait::TradingAppInstaller => "trojanised cryptocurrency trading application installer",
            Trait::OnenotePayload => "OneNote notebook with an embedded file",
            Trait::ScriptPayload => "script file payload (VBS, JS, JSE, HTA, PowerShell)",
        }
    }
}

impl Trait {
    /// How much the trait says beyond "this is phishing", from 0.25 to 1, before any actor is
    /// considered: the attribution multiplies by it (see the crate docs).
    ///
    /// - 1: rare outside targeted intrusions (HWP exploits, fake Naver sign-in pages, expert
    ///   outreach, npm coding tests, fake video-call apps, trojanised trading apps, defence lures).
    /// - 0.5: common in targeted mail but also in crime (tax, job and crypto lures, LNK, CHM,
    ///   OneNote, remote templates, Korean language, the recipient's country or business).
    /// - 0.25: everyday phishing (credential forms, security notices, macros, disk images, encrypted
    ///   archives, HTML smuggling, scripts, English, free-mail senders, look-alike domains).
    pub fn distinctiveness(self) -> f32 {
        match self {
            Trait::HwpEps
            | Trait::HwpDocument
            | Trait::FakeLoginNaverDaum
            | Trait::LureExpertOutreach
            | Trait::NpmOrCodeRepoLure
            | Trait::FakeVideoCallApp
            | Trait::TradingAppInstaller
            | Trait::LureDefense => 1.0,
            Trait::LureTax
            | Trait::LureJobOffer
            | Trait::LureCryptoBusiness
            | Trait::ChmPayload
            | Trait::LnkPayload
            | Trait::OnenotePayload
            | Trait::RemoteTemplate
            | Trait::KoreanLanguage
            | Trait::TargetsCryptoFirm
            | Trait::TargetsKorea => 0.5,
            Trait::LureSecurityNotice
            | Trait::OfficeMacro
            | Trait::IsoContainer
            | Trait::PasswordArchive
            | Trait::HtmlSmuggling
            | Trait::CredentialPhishing
            | Trait::EnglishLanguage
            | Trait::FreemailSender
            | Trait::LookalikeDomain
            | Trait::ScriptPayload => 0.25,
        }
    }
}

impl fmt::Display for Trait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name was not one of [`Trait::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTrait(pub String);

impl fmt::Display for UnknownTrait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown trait {:?}", self.0)
    }
}

impl std::error::Error for UnknownTrait {}

impl FromStr for Trait {
    type Err = UnknownTrait;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Trait::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTrait(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for t in Trait::ALL {
            assert_eq!(t.as_str().parse::<Trait>(), Ok(t));
            let json = serde_json::to_string(&t).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert!("hwp".parse::<Trait>().is_err());
    }
}
