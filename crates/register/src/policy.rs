//! What links two flagged messages into one campaign.
//!
//! A *strong* value is one an attacker controls and unrelated attackers rarely share: the payload (a
//! file's sha256, a structural fingerprint of its script), the infrastructure (a link host or URL, the
//! sender's address or own domain, the Reply-To mailbox, the crypto address the money is to go to)
//! or an indicator both matched. A *medium* one
//! is shared by chance more often: the originating IP (a VPS hosts several crews) and near-duplicate
//! text (estimated Jaccard >= [`LinkPolicy::text_similarity`]: kits are sold). A strong value links a
//! message to every campaign carrying it, merging them; a medium one only lets a message join the
//! single campaign it resembles most, never merge two, so chains of look-alike templates do not grow
//! one campaign out of unrelated ones.
//!
//! Excluded, because unrelated campaigns share them: free-mail domains and their servers' IPs, large
//! mail providers' relays (Microsoft 365, Gmail, SendGrid...), URL shorteners', link rewriters' and
//! public services' hosts (bit.ly, clicktime.symantec.com, docs.google.com, a brand's real site used as
//! a decoy link), the bare domain of free hosting (but `evil-login.web.app` is the attacker's), click
//! trackers and image hosts, "hosts" without a public suffix (a mail client's content-id token taken
//! for a link), images (a brand's logo is in every one of its phish), tiny files, the recipient's own
//! address and domain in From (a spoof of the victim is not the attacker's identity), and any value
//! already seen in mail judged clean (checked against the store by the register). Lure class and
//! subject never link: they are the template's, and unrelated kit users share them.

use crate::observables::{self as k, Observables};
use spearwatch_detect::data::{BRANDS, DOMAINS};
use spearwatch_detect::domains::registrable;

/// Public services whose hosts appear in any mail: never campaign infrastructure by host alone.
const PUBLIC_SERVICES: &[&str] = &[
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "googleusercontent.com",
    "youtube.com",
    "microsoft.com",
    "office.com",
    "office365.com",
    "live.com",
    "outlook.com",
    "sharepoint.com",
    "onedrive.com",
    "1drv.ms",
    "windows.net",
    "azureedge.net",
    "msn.com",
    "bing.com",
    "dropbox.com",
    "box.com",
    "github.com",
    "githubusercontent.com",
    "gitlab.com",
    "amazonaws.com",
    "amazon.com",
    "cloudfront.net",
    "akamaihd.net",
    "cloudflare.com",
    "apple.com",
    "icloud.com",
    "facebook.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "t.co",
    "whatsapp.com",
    "telegram.org",
    "t.me",
    "naver.com",
    "naver.net",
    "daum.net",
    "kakao.com",
    "w3.org",
    "schemas.microsoft.com",
    "wikipedia.org",
    "mozilla.org",
];

/// Security gateways' link rewriters: the host is the vendor's, whatever the link.
const LINK_REWRITERS: &[&str] = &[
    "clicktime.symantec.com",
    "urldefense.com",
    "urldefense.proofpoint.com",
    "linkprotect.cudasvc.com",
    "protect2.fireeye.com",
    "mimecastprotect.com",
    "url.emailprotection.link",
    "twimg.com",
    "fbcdn.net",
];

/// Large mail providers and sending services: their relays carry unrelated senders' mail, so their
/// IPs are no campaign's infrastructure.
const MAIL_PROVIDERS: &[&str] = &[
    "outlook.com",
    "office365.com",
    "hotmail.com",
    "live.com",
    "google.com",
    "googlemail.com",
    "gmail.com",
    "yahoo.com",
    "yahoodns.net",
    "aol.com",
    "icloud.com",
    "me.com",
    "amazonses.com",
    "sendgrid.net",
    "mailgun.org",
    "mailgun.net",
    "mandrillapp.com",
    "mcsv.net",
    "rsgsv.net",
    "mcdlv.net",
    "sparkpostmail.com",
    "messagelabs.com",
    "pphosted.com",
    "mimecast.com",
    "zoho.com",
    "naver.com",
    "daum.net",
    "kakao.com",
    "qq.com",
    "163.com",
    "mail.ru",
    "yandex.net",
    "protonmail.ch",
    "postmarkapp.com",
    "mailjet.com",
    "sendinblue.com",
];

/// Platforms whose customers get a name under the platform's domain (a Microsoft 365 tenant's
/// `contoso.onmicrosoft.com`, an app's `x.web.app`): there the tenant is the host, not the
/// registrable domain.
const TENANT_PLATFORMS: &[&str] = &[
    "onmicrosoft.com",
    "onmicrosoft.us",
    "azurewebsites.net",
    "firebaseapp.com",
    "web.app",
    "netlify.app",
    "vercel.app",
    "herokuapp.com",
    "appspot.com",
    "blogspot.com",
    "wixsite.com",
    "weebly.com",
    "000webhostapp.com",
    "github.io",
    "pages.dev",
    "workers.dev",
    "sharepoint.com",
];

/// The sender's domain as the register keys it: the registrable domain, or the whole host on a
/// multi-tenant platform (and on the free-hosting list).
pub fn sender_domain_key(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let reg = registrable(&host)?;
    let platform = TENANT_PLATFORMS.contains(&reg.as_str())
        || DOMAINS
            .free_hosting
            .iter()
            .any(|d| within(&host, d) && host != *d);
    Some(if platform { host } else { reg })
}

/// A host of a large mail provider or sending service.
pub fn is_mail_provider(host: &str) -> bool {
    MAIL_PROVIDERS.iter().any(|d| within(host, d))
}

#[derive(Debug, Clone)]
pub struct LinkPolicy {
    /// Verdicts whose messages are clustered (they found a campaign when they link to none).
    pub cluster_verdicts: Vec<String>,
    /// Verdicts whose messages join a campaign they link to, but never found one: a suspicious
    /// message that shares an attacker's file or host with a campaign is one more of its messages,
    /// while suspicious mail that links to nothing is too common to be a campaign of its own.
    pub join_verdicts: Vec<String>,
    /// Estimated Jaccard similarity of the text from which two messages are near-duplicates.
    pub text_similarity: f32,
    /// Earlier messages considered per shared value (the oldest; a value shared by hundreds of
    /// messages links them all through any one).
    pub max_candidates: usize,
    /// Links kept per message as its explanation.
    pub max_links: usize,
}

impl Default for LinkPolicy {
    fn default() -> Self {
        LinkPolicy {
            cluster_verdicts: vec!["phishing".into(), "malicious".into()],
            join_verdicts: vec!["suspicious".into()],
            text_similarity: 0.6,
            max_candidates: 20,
            max_links: 12,
        }
    }
}

fn within(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// The host belongs to a public service, a free-mail provider, a shortener, a click tracker, an
/// image host, a listed brand's real site, or is a free-hosting provider's bare domain.
pub fn is_shared_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let reg = registrable(&host).unwrap_or_else(|| host.clone());
    // The big platforms under any country suffix (www.google.co.uk, amazon.de).
    let label = reg.split('.').next().unwrap_or("");
    PUBLIC_SERVICES.iter().any(|d| within(&host, d))
        || [
            "google",
            "youtube",
            "facebook",
            "microsoft",
            "apple",
            "amazon",
            "linkedin",
            "twitter",
        ]
        .contains(&label)
        || LINK_REWRITERS.iter().any(|d| within(&host, d))
        || DOMAINS.freemail.contains(&reg)
        || DOMAINS.shorteners.contains(&reg)
        || DOMAINS.shorteners.contains(&host)
        || DOMAINS.click_tracking.iter().any(|d| within(&host, d))
        || DOMAINS.image_hosts.iter().any(|d| within(&host, d))
        || DOMAINS
            .free_hosting
            .iter()
            .any(|d| host == *d || host == format!("www.{d}"))
        || BRANDS.iter().any(|b| b.owns(&host))
}

/// A host name under a public suffix, or an IP: not a mail client's content-id token
/// (`01d892aa.6b48fa30`) that URL extraction took for a host.
fn is_real_host(host: &str) -> bool {
    let h = host.trim_matches(['[', ']']);
    let h = h.split(':').next().unwrap_or(h);
    // psl answers every name with the default "*" rule; only a listed suffix makes a real host.
    h.parse::<std::net::IpAddr>().is_ok() || psl::suffix(h.as_bytes()).is_some_and(|s| s.is_known())
}

/// The message's sender is a free-mail mailbox (its originating IP is then the provider's).
pub fn sender_freemail(obs: &Observables) -> bool {
    obs.values(k::SENDER_DOMAIN).any(is_freemail)
        || obs
            .values(k::SENDER)
            .any(|a| a.rsplit_once('@').is_some_and(|(_, d)| is_freemail(d)))
}

pub fn is_freemail(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    DOMAINS.freemail.contains(&d) || registrable(&d).is_some_and(|r| DOMAINS.freemail.contains(&r))
}

/// Medium kinds join one campaign but never merge two (near-duplicate text is the kind `text`).
/// From is forgeable: a brand's or a stranger's address spoofed by several crews is no shared
/// infrastructure, so sender address and domain are medium too.
pub fn is_medium(kind: &str) -> bool {
    matches!(kind, k::ORIGIN_IP | k::SENDER | k::SENDER_DOMAIN | "text")
}

/// A URL key whose path names an image: a logo or banner copied by kits, not attacker pages.
fn is_image_path(rest: &str) -> bool {
    let path = rest
        .split(['?', '#'])
        .next()
        .unwrap_or(rest)
        .to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp",
    ]
    .iter()
    .any(|e| path.ends_with(e))
}

impl LinkPolicy {
    pub fn clusters(&self, verdict: &str) -> bool {
        self.cluster_verdicts.iter().any(|v| v == verdict)
    }

    pub fn joins(&self, verdict: &str) -> bool {
        self.join_verdicts.iter().any(|v| v == verdict)
    }

    /// The message's pairs this policy links on (what clean mail marks as shared, what a campaign
    /// view lists as indicators).
    pub fn linkable_pairs<'a>(
        &'a self,
        obs: &'a Observables,
    ) -> impl Iterator<Item = &'a (String, String)> + 'a {
        let free = sender_freemail(obs);
        obs.pairs
            .iter()
            .filter(move |(k, v)| self.links(k, v, free).is_some())
    }

    /// Whether `kind`/`value` of a message links it to other flagged messages carrying the same, and
    /// how to say so. `sender_freemail`: the message's sender domain is a free-mail provider (its
    /// originating IP is then the provider's, shared by millions).
    pub fn links(&self, kind: &str, value: &str, sender_freemail: bool) -> Option<&'static str> {
        // (ORIGIN_IP and text are medium: see the module documentation and [`is_medium`].)
        match kind {
            k::SHA256 => Some("the same file (sha256)"),
            k::FINGERPRINT => Some("the same payload fingerprint"),
            k::INDICATOR => Some("the same known indicator"),
            // The wallet the money is to go to is the attacker's (a donation address in clean mail
            // is kept out by the clean-values rule).
            k::CRYPTO => Some("the same crypto address"),
            k::URL => {
                // Values are intel URL keys: host, then path and query, no scheme.
                let (host, rest) = match value.find(['/', '?']) {
                    Some(i) => (&value[..i], &value[i..]),
                    None => (value, ""),
                };
                // A public site's front page is in unrelated mail; a specific document on it is not.
                (is_real_host(host)
                    && !is_image_path(rest)
                    && !(is_shared_host(host) && rest.len() < 12))
                    .then_some("the same link")
            }
            k::LINK_HOST => {
                (is_real_host(value) && !is_shared_host(value)).then_some("the same link host")
            }
            k::SENDER => {
                let d = value.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
                if !is_real_host(d) {
                    // A redacted or broken address (`phishing@pot`) names nobody.
                    return None;
                }
                // A brand's real address in From is spoofed by everybody; a free-mail mailbox is
                // one person's (the provider checks who sends from it).
                (is_freemail(d) || !BRANDS.iter().any(|b| b.owns(d)))
                    .then_some("the same sender address")
            }
            k::REPLY_TO => Some("the same Reply-To mailbox"),
            k::SENDER_DOMAIN => {
                (is_real_host(value) && !is_freemail(value) && !is_shared_host(value))
                    .then_some("the same sender domain")
            }
            k::ORIGIN_IP => (!sender_freemail).then_some("the same originating IP"),
            // A subject is a template's: unrelated senders of one phishing kit share it. Copied
            // text links through the near-duplicate check instead.
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_hosts_do_not_link_attacker_hosts_do() {
        let p = LinkPolicy::default();
        for h in [
            "bit.ly",
            "docs.google.com",
            "drive.google.com",
            "www.paypal.com",
            "gmail.com",
        ] {
            assert_eq!(p.links(k::LINK_HOST, h, false), None, "{h}");
        }
        assert!(p
            .links(k::LINK_HOST, "cdn-update.nts-docs.kr", false)
            .is_some());
        assert!(p.links(k::URL, "bit.ly/3xYzAbC12345", false).is_some());
        assert_eq!(p.links(k::URL, "www.google.com", false), None);
    }

    #[test]
    fn freemail_sender_domain_and_its_ips_do_not_link() {
        let p = LinkPolicy::default();
        assert_eq!(p.links(k::SENDER_DOMAIN, "gmail.com", true), None);
        assert_eq!(p.links(k::ORIGIN_IP, "209.85.220.41", true), None);
        assert!(p.links(k::ORIGIN_IP, "203.0.113.7", false).is_some());
        assert!(p.links(k::SENDER_DOMAIN, "nts-go.kr", false).is_some());
        assert!(p.links(k::SENDER, "hr.recruit@gmail.com", true).is_some());
    }

    #[test]
    fn lure_class_and_subjects_never_link() {
        let p = LinkPolicy::default();
        assert_eq!(p.links(k::LURE, "lure.tax", false), None);
        assert_eq!(
            p.links(
                k::SUBJECT,
                "microsoft account unusual signin activity",
                false
            ),
            None
        );
    }

    #[test]
    fn rewriters_tokens_and_providers() {
        let p = LinkPolicy::default();
        assert_eq!(p.links(k::LINK_HOST, "clicktime.symantec.com", false), None);
        assert_eq!(p.links(k::LINK_HOST, "pbs.twimg.com", false), None);
        assert_eq!(p.links(k::URL, "01d892aa.6b48fa30", false), None);
        assert_eq!(p.links(k::LINK_HOST, "01d892aa.6b48fa30", false), None);
        assert!(p
            .links(k::URL, "198.51.100.23/paypal/login", false)
            .is_some());
        assert!(is_mail_provider("sa0pr04mb7370.namprd04.prod.outlook.com"));
        assert_eq!(
            sender_domain_key("Mail.Contoso7.onmicrosoft.com").as_deref(),
            Some("mail.contoso7.onmicrosoft.com")
        );
        assert_eq!(
            sender_domain_key("mx.nts-go.kr").as_deref(),
            Some("nts-go.kr")
        );
        assert_eq!(
            p.links(k::URL, "evil.example/assets/logo.png?v=2", false),
            None
        );
        assert_eq!(p.links(k::SENDER, "phishing@pot", false), None);
        assert!(is_medium(k::SENDER) && is_medium(k::ORIGIN_IP) && !is_medium(k::LINK_HOST));
        assert!(!is_mail_provider("mx.nts-go.kr"));
    }
}
