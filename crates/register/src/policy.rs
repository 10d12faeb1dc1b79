//! What links two flagged messages into one campaign.
//!
//! A *strong* observable is one an attacker controls and unrelated attackers rarely share: the payload
//! (a file's sha256, a structural fingerprint of its script), the infrastructure (a link host or URL,
//! the sender's address or own domain, the originating IP of a non-free-mail sender, the Reply-To
//! mailbox), an indicator both matched, or a long identical subject. One shared strong value links.
//!
//! Excluded, because unrelated campaigns share them: free-mail domains and their servers' IPs, URL
//! shorteners' and public services' hosts (bit.ly, docs.google.com, a brand's real site used as a
//! decoy link), the bare domain of free hosting (but `evil-login.web.app` is the attacker's), click
//! trackers and image hosts, images (a brand's logo is in every one of its phish), tiny files, and any
//! value already seen in mail judged clean (checked against the store by the register).
//!
//! Lure class alone never links (every tax phish has it); near-duplicate text links at a Jaccard
//! estimate of [`LinkPolicy::text_similarity`] or more.

use crate::observables as k;
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

/// Subjects shorter than this (characters of the normalised subject) do not link.
pub const MIN_LINKING_SUBJECT: usize = 24;

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
    PUBLIC_SERVICES.iter().any(|d| within(&host, d))
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

pub fn is_freemail(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    DOMAINS.freemail.contains(&d) || registrable(&d).is_some_and(|r| DOMAINS.freemail.contains(&r))
}

impl LinkPolicy {
    pub fn clusters(&self, verdict: &str) -> bool {
        self.cluster_verdicts.iter().any(|v| v == verdict)
    }

    pub fn joins(&self, verdict: &str) -> bool {
        self.join_verdicts.iter().any(|v| v == verdict)
    }

    /// Verdicts of the messages a new one may link to.
    pub fn linkable(&self) -> Vec<&str> {
        self.cluster_verdicts
            .iter()
            .chain(&self.join_verdicts)
            .map(String::as_str)
            .collect()
    }

    /// Whether `kind`/`value` of a message links it to other flagged messages carrying the same, and
    /// how to say so. `sender_freemail`: the message's sender domain is a free-mail provider (its
    /// originating IP is then the provider's, shared by millions).
    pub fn links(&self, kind: &str, value: &str, sender_freemail: bool) -> Option<&'static str> {
        match kind {
            k::SHA256 => Some("the same file (sha256)"),
            k::FINGERPRINT => Some("the same payload fingerprint"),
            k::INDICATOR => Some("the same known indicator"),
            k::URL => {
                // Values are intel URL keys: host, then path and query, no scheme.
                let (host, rest) = match value.find(['/', '?']) {
                    Some(i) => (&value[..i], &value[i..]),
                    None => (value, ""),
                };
                // A public site's front page is in unrelated mail; a specific document on it is not.
                (!(is_shared_host(host) && rest.len() < 12)).then_some("the same link")
            }
            k::LINK_HOST => (!is_shared_host(value)).then_some("the same link host"),
            k::SENDER => {
                let d = value.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
                // A brand's real address in From is spoofed by everybody; a free-mail mailbox is
                // one person's (the provider checks who sends from it).
                (is_freemail(d) || !BRANDS.iter().any(|b| b.owns(d)))
                    .then_some("the same sender address")
            }
            k::REPLY_TO => Some("the same Reply-To mailbox"),
            k::SENDER_DOMAIN => {
                (!is_freemail(value) && !is_shared_host(value)).then_some("the same sender domain")
            }
            k::ORIGIN_IP => (!sender_freemail).then_some("the same originating IP"),
            k::SUBJECT => {
                (value.chars().count() >= MIN_LINKING_SUBJECT).then_some("the same subject")
            }
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
    fn lure_class_and_short_subjects_never_link() {
        let p = LinkPolicy::default();
        assert_eq!(p.links(k::LURE, "lure.tax", false), None);
        assert_eq!(p.links(k::SUBJECT, "invoice overdue", false), None);
        assert!(p
            .links(
                k::SUBJECT,
                "2025년 귀속 근로소득 원천징수영수증 발급 안내문 송부",
                false
            )
            .is_some());
    }
}
