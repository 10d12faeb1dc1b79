//! From spearwatch finding ids to traits.
//!
//! The ids are those the detectors and content analysers raise (`crates/detect/src`,
//! `crates/content/src`; lure ids are `lure.` + a class id of `crates/detect/data/lures.toml`).
//! Only ids that point at an actor habit map to a trait; the rest (authentication results,
//! structure problems, most link oddities) say "phishing" but not "whose", and are ignored, as are
//! unknown ids. What no finding id carries (the language of the lure, the recipient's country or
//! business, the brand a sign-in page imitates) the caller adds itself; [`phished_brand_trait`] helps
//! with the last.

use crate::Trait;
use std::collections::BTreeSet;

/// Finding ids that map to traits exactly.
const EXACT: &[(&str, &[Trait])] = &[
    // Lure classes (crates/detect/data/lures.toml).
    ("lure.tax", &[Trait::LureTax]),
    ("lure.job_offer", &[Trait::LureJobOffer]),
    ("lure.account_security", &[Trait::LureSecurityNotice]),
    ("lure.expert_outreach", &[Trait::LureExpertOutreach]),
    ("lure.crypto", &[Trait::LureCryptoBusiness]),
    ("lure.credential_request", &[Trait::CredentialPhishing]),
    ("lure.attachment_password", &[Trait::PasswordArchive]),
    // Credential forms in HTML attachments and on linked pages.
    ("html.credential_form", &[Trait::CredentialPhishing]),
    ("html.remote_form", &[Trait::CredentialPhishing]),
    ("links.credential_form", &[Trait::CredentialPhishing]),
    ("links.external_form", &[Trait::CredentialPhishing]),
    // HWP BinData streams holding PostScript (crates/content/src/hwp/bindata.rs).
    ("hwp.eps", &[Trait::HwpEps]),
    ("hwp.eps_exploit", &[Trait::HwpEps]),
    // Word attachedTemplate / settings.xml.rels with TargetMode="External": ATT&CK T1221.
    ("office.remote_template", &[Trait::RemoteTemplate]),
    ("attachment.disk_image", &[Trait::IsoContainer]),
    ("disk.image", &[Trait::IsoContainer]),
    ("disk.hidden_files", &[Trait::IsoContainer]),
    ("archive.encrypted", &[Trait::PasswordArchive]),
    ("archive.encrypted_opened", &[Trait::PasswordArchive]),
    ("archive.password_in_mail", &[Trait::PasswordArchive]),
    ("attachment.html_smuggling", &[Trait::HtmlSmuggling]),
    ("attachment.onenote", &[Trait::OnenotePayload]),
    ("sender.freemail", &[Trait::FreemailSender]),
    ("sender.freemail_contact", &[Trait::FreemailSender]),
    ("sender.reply_to_freemail", &[Trait::FreemailSender]),
    ("sender.role_on_freemail", &[Trait::FreemailSender]),
    ("sender.lookalike_domain", &[Trait::LookalikeDomain]),
    ("lookalike.domain", &[Trait::LookalikeDomain]),
    ("lookalike.link", &[Trait::LookalikeDomain]),
    ("links.lookalike_domain", &[Trait::LookalikeDomain]),
];

/// Finding-id prefixes: every finding of these analysers says the format is present.
const PREFIX: &[(&str, Trait)] = &[
    ("hwp.", Trait::HwpDocument),
    ("lnk.", Trait::LnkPayload),
    ("chm.", Trait::ChmPayload),
    ("onenote.", Trait::OnenotePayload),
    ("script.", Trait::ScriptPayload),
    ("office.macro_", Trait::OfficeMacro),
    ("office.vba_", Trait::OfficeMacro),
    ("office.xlm_", Trait::OfficeMacro),
];

/// The traits that a message's finding ids show. Unknown or unrelated ids are ignored.
///
/// ```
/// use spearwatch_actors::{traits_from_findings, Trait};
/// let t = traits_from_findings(&["hwp.eps", "lure.expert_outreach", "auth.spf_fail"]);
/// assert_eq!(
///     t.into_iter().collect::<Vec<_>>(),
///     [Trait::LureExpertOutreach, Trait::HwpDocument, Trait::HwpEps]
/// );
/// ```
pub fn traits_from_findings(ids: &[&str]) -> BTreeSet<Trait> {
    let mut out = BTreeSet::new();
    for id in ids {
        if let Some((_, ts)) = EXACT.iter().find(|(e, _)| e == id) {
            out.extend(ts.iter().copied());
        }
        for (p, t) in PREFIX {
            if id.starts_with(p) {
                out.insert(*t);
            }
        }
    }
    out
}

/// The targeting traits an organisation's profile gives (`[organisation] sector` and `country`): what
/// the findings cannot say about the recipients. `sector = "crypto"` is
/// [`Trait::TargetsCryptoFirm`], `country = "KR"` is [`Trait::TargetsKorea`]; other values give
/// none (no bundled profile is told apart by them).
pub fn target_traits(sector: Option<&str>, country: Option<&str>) -> Vec<Trait> {
    let mut out = Vec::new();
    if sector.is_some_and(|s| s.eq_ignore_ascii_case("crypto")) {
        out.push(Trait::TargetsCryptoFirm);
    }
    if country.is_some_and(|c| c.eq_ignore_ascii_case("KR")) {
        out.push(Trait::TargetsKorea);
    }
    out
}

/// [`Trait::FakeLoginNaverDaum`] when a phished brand or imitated domain is a Korean portal (Naver,
/// Daum/Hanmail, Kakao), the pages Kimsuky imitates; `None` otherwise.
pub fn phished_brand_trait(brand_or_domain: &str) -> Option<Trait> {
    let b = brand_or_domain.trim().to_ascii_lowercase();
    let label = b.split('.').next().unwrap_or("");
    ["naver", "daum", "hanmail", "kakao"]
        .iter()
        .any(|p| {
            b == *p
                || label == *p
                || b.ends_with(&format!(".{p}.com"))
                || b.ends_with(&format!(".{p}.net"))
        })
        .then_some(Trait::FakeLoginNaverDaum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_real_ids_and_ignores_the_rest() {
        let t = traits_from_findings(&[
            "lnk.hidden_window",
            "office.macro_autoexec",
            "office.vba_stomping",
            "archive.encrypted",
            "attachment.disk_image",
            "chm.command",
            "sender.freemail",
            "auth.dmarc_fail",
            "links.shortener",
            "no.such.id",
            "",
        ]);
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            [
                Trait::LnkPayload,
                Trait::OfficeMacro,
                Trait::ChmPayload,
                Trait::IsoContainer,
                Trait::PasswordArchive,
                Trait::FreemailSender
            ]
        );
        assert!(
            traits_from_findings(&["lure.urgency", "lure.invoice", "links.punycode_host"])
                .is_empty()
        );
    }

    #[test]
    fn korean_portals() {
        for b in [
            "Naver",
            "nid.naver.com",
            "daum.net",
            "logins.daum.net",
            "Kakao",
            "hanmail.net",
        ] {
            assert_eq!(
                phished_brand_trait(b),
                Some(Trait::FakeLoginNaverDaum),
                "{b}"
            );
        }
        for b in ["Microsoft", "navercorp-login.xyz.example", "google.com"] {
            assert_eq!(phished_brand_trait(b), None, "{b}");
        }
    }
}
