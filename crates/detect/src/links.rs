//! Links and forms: where would a click or a submit really go?
//!
//! Reads every URL the parser found (text, `href`, `form action`, `meta refresh`, resource loads,
//! `data:` URIs) and the HTML forms. Each finding id is raised once per message with every offending
//! URL as evidence (up to a handful), so ten IP links are one finding, not ten.

use crate::data::{brands_in_url, lookalike_of, BRANDS, DOMAINS, GENERIC_BRAND_WORDS};
use crate::domains::{
    has_mixed_script_label, is_ip_literal, is_within, looks_generated, registrable,
    same_organisation, site, tld, unicode_host,
};
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_message::{Link, UrlSource};
use std::collections::BTreeMap;

pub struct Links;

/// Evidence kept per finding id; the rest is counted in the title.
const MAX_EVIDENCE: usize = 5;

/// Collects evidence per finding id, then emits one finding per id.
struct Hits {
    by_id: BTreeMap<&'static str, (Severity, &'static str, &'static str, Vec<Evidence>, usize)>,
}

impl Hits {
    fn add(
        &mut self,
        id: &'static str,
        sev: Severity,
        technique: &'static str,
        title: &'static str,
        ev: Evidence,
    ) {
        let e = self
            .by_id
            .entry(id)
            .or_insert((sev, technique, title, Vec::new(), 0));
        e.4 += 1;
        if e.3.len() < MAX_EVIDENCE && !e.3.contains(&ev) {
            e.3.push(ev);
        }
    }

    fn emit(self, out: &mut Vec<Finding>) {
        for (id, (sev, technique, title, evidence, n)) in self.by_id {
            let title = if n > 1 {
                format!("{title} ({n} URLs)")
            } else {
                title.to_string()
            };
            let mut f = Finding::new(id, sev, title).technique(technique);
            if technique != t::SPEARPHISHING_LINK {
                f = f.technique(t::SPEARPHISHING_LINK);
            }
            f.evidence = evidence;
            out.push(f);
        }
    }
}

impl Detector for Links {
    fn name(&self) -> &'static str {
        "links"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mail = cx.mail;
        let mut hits = Hits {
            by_id: BTreeMap::new(),
        };
        let from_site = mail.from().and_then(|m| m.domain()).map(site);

        for link in &mail.links {
            check_link(link, from_site.as_deref(), &mut hits);
        }
        claimed_brand_elsewhere(mail, &mut hits);
        for form in &mail.forms {
            let action_host = form
                .action
                .as_deref()
                .and_then(|a| {
                    spearwatch_message::urls::make_link(a, UrlSource::FormAction, form.part, None)
                })
                .and_then(|l| l.host);
            if form.has_password {
                let note = format!(
                    "form in the message body asks for a password (inputs: {}), posting to {}",
                    form.inputs.join(", "),
                    action_host.as_deref().unwrap_or("a script")
                );
                hits.add(
                    "links.credential_form",
                    Severity::High,
                    t::PHISHING_FOR_INFORMATION,
                    "HTML form in the mail asks for a password",
                    Evidence::body(form.part, form.action.as_deref().unwrap_or("(no action)"))
                        .with_note(note),
                );
            } else if let (Some(h), Some(fs)) = (&action_host, &from_site) {
                if !same_organisation(h, fs) {
                    hits.add(
                        "links.external_form",
                        Severity::Low,
                        t::PHISHING_FOR_INFORMATION,
                        "HTML form in the mail posts to another domain than the sender's",
                        Evidence::body(form.part, form.action.as_deref().unwrap_or(""))
                            .with_note(format!("inputs: {}", form.inputs.join(", "))),
                    );
                }
            }
        }
        hits.emit(out);
    }
}

fn check_link(link: &Link, from_site: Option<&str>, hits: &mut Hits) {
    let clickable = matches!(
        link.source,
        UrlSource::Href
            | UrlSource::Text
            | UrlSource::FormAction
            | UrlSource::MetaRefresh
            | UrlSource::Document
    );
    let ev = |note: String| {
        Evidence::url(&link.url, link.host.as_deref().unwrap_or(&link.url)).with_note(note)
    };

    if link.scheme == "data" && clickable {
        hits.add(
            "links.data_uri",
            Severity::High,
            t::HTML_SMUGGLING,
            "Link opens a data: URI (a page or file carried inside the link itself)",
            ev("data: URIs let a mail carry a whole phishing page or file past URL filters".into()),
        );
        return;
    }
    if link.scheme == "javascript" || link.scheme == "vbscript" {
        hits.add(
            "links.script_uri",
            Severity::High,
            t::MALICIOUS_LINK,
            "Link runs script when clicked",
            ev(format!("{}: URL", link.scheme)),
        );
        return;
    }
    if link.scheme == "file"
        || link.url.starts_with("\\\\")
        || link.scheme == "search-ms"
        || link.scheme == "ms-msdt"
    {
        hits.add(
            "links.file_scheme",
            Severity::High,
            t::MALICIOUS_LINK,
            "Link opens a local or network file share / Windows protocol handler",
            ev(format!(
                "{}: links run programs or leak credentials (NTLM) when opened",
                link.scheme
            )),
        );
        return;
    }
    let Some(host) = link.host.as_deref() else {
        return;
    };

    if meta_refresh(link) {
        hits.add(
            "links.meta_refresh",
            Severity::Medium,
            t::MALICIOUS_LINK,
            "HTML body redirects the reader's browser automatically (meta refresh)",
            ev("redirects without a click".into()),
        );
    }
    if let Some(ui) = &link.userinfo {
        hits.add(
            "links.userinfo",
            Severity::High,
            t::MASQUERADING,
            "URL hides its real host behind user@ text",
            ev(format!(
                "\"{ui}@\" is not the host; the browser goes to {host}"
            )),
        );
    }
    if is_ip_literal(host) && clickable {
        hits.add(
            "links.ip_literal",
            Severity::High,
            t::MALICIOUS_LINK,
            "Link points to a bare IP address instead of a domain",
            ev("legitimate senders link to names, not addresses".into()),
        );
    }
    if let Some(u) = unicode_host(host) {
        if has_mixed_script_label(&u) {
            hits.add(
                "links.mixed_script_host",
                Severity::High,
                t::ACQUIRE_DOMAINS,
                "Link host mixes writing systems (homoglyph look-alike)",
                ev(format!("{host} displays as {u}")),
            );
        } else if clickable {
            hits.add(
                "links.punycode_host",
                Severity::Low,
                t::ACQUIRE_DOMAINS,
                "Link host is an internationalised (punycode) domain",
                ev(format!("{host} displays as {u}")),
            );
        }
    }
    // Pictures the mail shows, loaded from an anonymous image-sharing site: the sender has no web
    // presence of its own (or hides it), the mark of a mass phishing kit. Links to such sites are
    // ordinary (people share pictures); only what the mail itself displays counts.
    if link.source == UrlSource::Resource {
        if let Some(d) = DOMAINS.image_hosts.iter().find(|d| is_within(host, d)) {
            hits.add(
                "links.image_host",
                Severity::Low,
                t::WEB_SERVICES,
                "The mail displays images stored on an anonymous image-sharing site",
                ev(format!(
                    "{host} is on {d}, where anyone uploads pictures without an account"
                )),
            );
        }
    }
    let reg = registrable(host);
    let reg_str = reg.as_deref().unwrap_or(host);
    if DOMAINS.shorteners.contains(reg_str) || DOMAINS.shorteners.contains(host) {
        hits.add(
            "links.shortener",
            Severity::Low,
            t::MALICIOUS_LINK,
            "Link goes through a URL shortener that hides the destination",
            ev(format!("{host} is a shortener")),
        );
    }
    if clickable {
        if let Some(h) = DOMAINS.free_hosting.iter().find(|d| is_within(host, d)) {
            hits.add(
                "links.free_hosting",
                Severity::Medium,
                t::SPEARPHISHING_LINK,
                "Link points to a free hosting, form or tunnel service where anyone can publish a page",
                ev(format!("{host} is on {h}")),
            );
        }
        // Only the registrable label: mail services put random tokens in tracking subdomains.
        if let Some(label) = reg
            .as_deref()
            .and_then(|r| r.split('.').next())
            .filter(|l| looks_generated(l))
        {
            hits.add(
                "links.generated_host",
                Severity::Low,
                t::ACQUIRE_DOMAINS,
                "Link host looks machine-generated",
                ev(format!(
                    "label \"{label}\" mixes letters and digits like a generated name"
                )),
            );
        }
        if DOMAINS.abused_tlds.contains(tld(host)) {
            hits.add(
                "links.abused_tld",
                Severity::Low,
                t::ACQUIRE_DOMAINS,
                "Link host is on a top-level domain heavily used for abuse",
                ev(format!(".{} domain", tld(host))),
            );
        }
        if let Some((brand, imitated)) = lookalike_of(host, 6) {
            hits.add(
                "links.lookalike_domain",
                Severity::High,
                t::ACQUIRE_DOMAINS,
                "Link goes to a look-alike of a brand's domain",
                ev(format!("{host} imitates {imitated} ({})", brand.name)),
            );
        } else if let Some(note) = brand_elsewhere(link, host, reg_str) {
            hits.add(
                "links.brand_in_unrelated_domain",
                Severity::High,
                t::IMPERSONATION,
                "Link uses a brand's name on a domain the brand does not own",
                ev(note),
            );
        }
        let via_tracker = DOMAINS.click_tracking.iter().any(|d| is_within(host, d));
        if link.source == UrlSource::Href
            && from_site.is_some_and(|fs| !same_organisation(fs, host))
            && !via_tracker
            && link
                .anchor_text
                .as_deref()
                .is_some_and(crate::data::is_call_to_action)
        {
            hits.add(
                "links.call_to_action_elsewhere",
                Severity::Low,
                t::SPEARPHISHING_LINK,
                "A button asking the reader to act leads away from the sender's domain",
                ev(format!(
                    "\"{}\" goes to {host}",
                    link.anchor_text.as_deref().unwrap_or_default()
                )),
            );
        }
        if let Some(note) = anchor_mismatch(link, host) {
            // Senders that route links through their own site ("lindows.com/walmart" shown as
            // "walmart.com") redirect, they do not hide where the reader lands first.
            if from_site.is_some_and(|fs| same_organisation(fs, host)) || via_tracker {
                hits.add("links.anchor_via_redirect", Severity::Low, t::MASQUERADING, "Link text shows another domain, but the link goes through the sender's own domain or a mailing service's click tracker", ev(note));
            } else {
                hits.add(
                    "links.anchor_mismatch",
                    Severity::High,
                    t::MASQUERADING,
                    "Link text shows one domain while the link goes to another",
                    ev(note),
                );
            }
        }
    }
}

/// The sender's display name claims a brand, the From domain is not the brand's, and no link goes to
/// the brand either: a real brand's mail, even sent through a mailing service, links home.
fn claimed_brand_elsewhere(mail: &spearwatch_message::Mail, hits: &mut Hits) {
    let Some(from) = mail.from() else { return };
    let (Some(name), Some(domain)) = (from.name.as_deref(), from.domain()) else {
        return;
    };
    let Some((brand, _)) = crate::data::brand_named_in(name) else {
        return;
    };
    if brand.owns(domain) {
        return;
    }
    let web: Vec<&Link> = mail
        .links
        .iter()
        .filter(|l| {
            matches!(
                l.source,
                UrlSource::Href
                    | UrlSource::FormAction
                    | UrlSource::MetaRefresh
                    | UrlSource::Document
            ) && l.host.is_some()
        })
        .collect();
    if web.is_empty()
        || web
            .iter()
            .any(|l| l.host.as_deref().is_some_and(|h| brand.owns(h)))
    {
        return;
    }
    let mut hosts: Vec<&str> = web.iter().filter_map(|l| l.host.as_deref()).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let shown: Vec<&str> = hosts.iter().copied().take(4).collect();
    hits.add(
        "links.claimed_brand_elsewhere",
        Severity::High,
        t::IMPERSONATION,
        "The sender claims a brand, but none of the links go to that brand",
        Evidence::header("From", from.display()).with_note(format!(
            "{} uses {}; the links go to {}",
            brand.name,
            brand.domains.join(", "),
            shown.join(", ")
        )),
    );
}

fn meta_refresh(link: &Link) -> bool {
    link.source == UrlSource::MetaRefresh
}

/// A brand keyword in the host labels or path of a domain the brand does not own.
fn brand_elsewhere(link: &Link, host: &str, reg: &str) -> Option<String> {
    let path_start = link
        .url
        .find("://")
        .map(|i| i + 3)
        .and_then(|i| link.url[i..].find('/').map(|j| i + j));
    let path = path_start
        .map(|i| link.url[i..].to_ascii_lowercase())
        .unwrap_or_default();
    // Labels left of the registrable domain, and the registrable label itself.
    let sub = host.strip_suffix(reg).unwrap_or("").trim_end_matches('.');
    let reg_label = reg.split('.').next().unwrap_or("");
    let url_lower = link.url.to_ascii_lowercase();
    for brand in brands_in_url(&url_lower) {
        if brand.owns(host) {
            continue;
        }
        // The brand's own domain as leading labels of another: "paypal.com.secure-check.example".
        if let Some(d) = brand
            .domains
            .iter()
            .find(|d| host.starts_with(&format!("{d}.")) || host.contains(&format!(".{d}.")))
        {
            return Some(format!(
                "{host} starts with {d}, {}'s domain, but belongs to {reg}",
                brand.name
            ));
        }
        for kw in brand.keywords.iter().filter(|k| {
            k.is_ascii()
                && !k.contains(' ')
                && !k.contains('&')
                && !GENERIC_BRAND_WORDS.contains(&k.as_str())
        }) {
            // As a hyphen/dot token ("paypal-secure", "secure.paypal.evil"), or glued to a typical
            // phishing affix ("paypalsecure", "binancesupport"), but not inside ordinary words
            // ("revolution" is not "revolut").
            let glued = |label: &str| {
                label != kw
                    && [
                        label.strip_prefix(kw.as_str()),
                        label.strip_suffix(kw.as_str()),
                    ]
                    .into_iter()
                    .flatten()
                    .any(|rest| {
                        PHISHING_AFFIXES.contains(&rest)
                            || (!rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit()))
                    })
            };
            let in_sub = sub.split(['.', '-']).any(|tok| tok == kw) || sub.split('.').any(glued);
            let in_reg =
                reg_label != kw && (reg_label.split('-').any(|tok| tok == kw) || glued(reg_label));
            // Brand in the path: "evil.example/paypal/login" but not any path word (a news article
            // mentioning "google"): the brand as a whole path segment of a sign-in-looking URL.
            let in_path = kw.len() >= 5
                && path
                    .split(['/', '?', '&', '=', '.', '_', '-'])
                    .any(|seg| seg == kw)
                && CREDENTIAL_WORDS.iter().any(|w| path.contains(w));
            if in_sub || in_reg || in_path {
                let where_ = if in_sub {
                    "subdomain"
                } else if in_reg {
                    "domain name"
                } else {
                    "path"
                };
                return Some(format!(
                    "\"{kw}\" in the {where_} of {host}; {} uses {}",
                    brand.name,
                    brand.domains.join(", ")
                ));
            }
        }
    }
    None
}

/// What phishing kits glue to a brand name in host labels.
const PHISHING_AFFIXES: &[&str] = &[
    "secure",
    "security",
    "login",
    "logon",
    "signin",
    "verify",
    "verification",
    "support",
    "help",
    "helpdesk",
    "account",
    "accounts",
    "online",
    "update",
    "service",
    "services",
    "wallet",
    "app",
    "auth",
    "id",
    "pay",
    "center",
    "team",
    "official",
    "alert",
    "alerts",
    "notice",
    "info",
    "recovery",
    "unlock",
    "claim",
    "bonus",
    "reward",
    "rewards",
    "web",
];

/// Path words of sign-in and verification pages.
const CREDENTIAL_WORDS: &[&str] = &[
    "login",
    "log-in",
    "signin",
    "sign-in",
    "logon",
    "verify",
    "verification",
    "account",
    "secure",
    "auth",
    "password",
    "wallet",
    "unlock",
    "update",
    "confirm",
];

/// Anchor text that itself looks like a URL or host name, on another registrable domain than the href.
fn anchor_mismatch(link: &Link, host: &str) -> Option<String> {
    if link.source != UrlSource::Href {
        return None;
    }
    let text = link.anchor_text.as_deref()?.trim();
    let shown = shown_host(text)?;
    if same_organisation(&shown, host) {
        return None;
    }
    let (a, b) = (site(&shown), site(host));
    // One organisation, two domains (gmail.com shown, google.com linked) is not deception.
    if a == b || BRANDS.iter().any(|br| br.owns(&shown) && br.owns(host)) {
        return None;
    }
    Some(format!("text shows {shown}, link goes to {host}"))
}

/// The host a person reads in anchor text like "https://www.paypal.com/signin" or "paypal.com".
fn shown_host(text: &str) -> Option<String> {
    let first = text.split_whitespace().next()?;
    if text.split_whitespace().count() > 1 && !first.contains("://") {
        return None;
    }
    let candidate = first.trim_matches(|c: char| {
        matches!(
            c,
            '<' | '>' | '"' | '\'' | '(' | ')' | '[' | ']' | ',' | '.'
        )
    });
    let lower = candidate.to_ascii_lowercase();
    let after_scheme = lower.split_once("://").map(|(_, r)| r).unwrap_or(&lower);
    let host = after_scheme
        .split(['/', '?', '#', ':'])
        .next()?
        .rsplit('@')
        .next()?;
    if !host.contains('.')
        || host.contains('@')
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
    {
        return None;
    }
    // Only count it when the suffix is a real one: "file.pdf" or "v1.2" are not hosts.
    psl::suffix(host.as_bytes()).filter(|s| s.is_known())?;
    registrable(host).or_else(|| is_ip_literal(host).then(|| host.to_string()))?;
    Some(host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run};

    fn html(body: &str) -> String {
        format!("From: a@shop.example\r\nContent-Type: text/html\r\n\r\n{body}")
    }

    #[test]
    fn deceptive_links() {
        let f = run(
            &Links,
            &html(
                r#"<a href="http://198.51.100.7/login">https://www.paypal.com/signin</a>
            <a href="https://www.paypal.com@evil.example/">x</a>
            <a href="https://xn--pypal-4ve.com/">pay</a>
            <a href="https://bit.ly/abc">track</a>
            <a href="https://paypal.com.secure-check.example/verify">verify</a>
            <a href="https://binancesupport.example.com/">help</a>
            <a href="data:text/html;base64,PHNjcmlwdD4=">open</a>
            <a href="https://login-portal.web.app/">portal</a>
            <a href="https://secure-x7k2-uc.a.run.app/">run</a>
            <form action="https://collect.example/p"><input name=email><input type=password name=pass></form>"#,
            ),
        );
        let got = ids(&f);
        for want in [
            "links.anchor_mismatch",
            "links.ip_literal",
            "links.userinfo",
            "links.mixed_script_host",
            "links.shortener",
            "links.brand_in_unrelated_domain",
            "links.data_uri",
            "links.free_hosting",
            "links.credential_form",
        ] {
            assert!(got.contains(&want), "missing {want} in {got:?}");
        }
        let fh = f.iter().find(|f| f.id == "links.free_hosting").unwrap();
        assert!(fh.evidence.iter().any(|e| e.value.contains("a.run.app")));
        let mm = f.iter().find(|f| f.id == "links.anchor_mismatch").unwrap();
        assert!(mm.evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("www.paypal.com"));
    }

    #[test]
    fn images_from_anonymous_image_hosts() {
        let f = run(
            &Links,
            &html(
                r#"<img src="https://i.imgur.com/AbCd123.png"><img src="https://www.zupimages.net/up/24/01/x.jpg">"#,
            ),
        );
        assert_eq!(ids(&f), ["links.image_host"]);
        assert_eq!(f[0].evidence.len(), 2);
        // A link to a shared picture is what people do; only images the mail displays count.
        let f = run(
            &Links,
            &html(
                r#"<a href="https://imgur.com/gallery/xyz">my photo</a> <img src="https://cdn.shop.example/logo.png">"#,
            ),
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn claimed_brand_with_links_elsewhere() {
        let f = run(&Links, "From: PayPal Service <info@mailer-7.example.com>\r\nContent-Type: text/html\r\n\r\n<a href=\"https://pp-help.example.net/x\">Account</a>");
        assert_eq!(ids(&f), ["links.claimed_brand_elsewhere"]);
        let f = run(&Links, "From: PayPal <info@esp.example.com>\r\nContent-Type: text/html\r\n\r\n<a href=\"https://www.paypal.com/x\">Your account</a>");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn buttons_leading_elsewhere() {
        let f = run(&Links, &html(r#"<a href="https://collect-pay.net/a">Verify now</a> <a href="https://shop.example.com/b">Shop now</a>"#).replace("a@shop.example", "a@shop.example.com"));
        assert_eq!(ids(&f), ["links.call_to_action_elsewhere"]);
        assert_eq!(f[0].evidence.len(), 1);
    }

    #[test]
    fn click_trackers_are_redirects_not_disguises() {
        let f = run(
            &Links,
            &html(r#"<a href="https://u123.ct.sendgrid.net/ls/click?upn=x">www.example.com</a>"#),
        );
        assert_eq!(ids(&f), ["links.anchor_via_redirect"]);
    }

    #[test]
    fn honest_links_raise_nothing() {
        let f = run(
            &Links,
            &html(
                r#"<a href="https://www.paypal.com/signin">https://www.paypal.com/signin</a>
            <a href="https://shop.example/a">Read more</a> <a href="https://news.example/google/">google</a>
            <a href="https://docs.example/v1.2">v1.2</a> <img src="https://cdn.example/x.png">
            <a href="https://mail.google.com/">gmail.com</a> <a href="http://enigmail.mozdev.org/">enigmail</a>
            <a href="http://outlook.4team.biz/">add-in</a> <a href="http://www.revolution-os.com/">film</a>"#,
            ),
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}
