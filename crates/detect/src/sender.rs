//! Sender identity: does the message say consistently who sent it?
//!
//! Compares the registrable domains (public suffix list) of From, Reply-To, Return-Path and Sender;
//! looks for an address or domain written into the display name (the "Name <evil>" trick that makes a
//! mail client show `ceo@company.example`), brand or authority names in the display name on a domain
//! the brand does not use, look-alikes of brand domains in From and Reply-To, free-mail senders and
//! departments writing from free-mail, and sender domains that are invalid or machine-generated.

use crate::data::DOMAINS;
use crate::domains::{looks_generated, registrable, same_organisation, site, tld};
use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};
use spearwatch_message::Mailbox;

pub struct Sender;

impl Detector for Sender {
    fn name(&self) -> &'static str {
        "sender"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mail = cx.mail;
        let Some(from) = mail.from() else { return };
        let Some(from_domain) = from.domain() else {
            return;
        };
        let from_site = site(from_domain);
        let from_free = is_freemail(from_domain);
        let list_sites = mailing_list_sites(mail);

        if !is_internet_domain(from_domain) {
            out.push(
                Finding::new(
                    "sender.invalid_domain",
                    Severity::Medium,
                    format!("From domain \"{from_domain}\" is not a valid internet domain"),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(
                    Evidence::header("From", from.display()).with_note(
                        "no public suffix, or characters no host name can hold: nobody can reply to or authenticate this sender",
                    ),
                ),
            );
        }

        if from_free {
            if let Some(role) = from.name.as_deref().and_then(crate::data::role_named_in) {
                out.push(
                    Finding::new("sender.role_on_freemail", Severity::Medium, format!("A department or system role (\"{role}\") writes from a free-mail address"))
                        .technique(t::IMPERSONATION)
                        .technique(t::EMAIL_ACCOUNTS)
                        .evidence(Evidence::header("From", from.display()).with_note("organisations do not run departments from free-mail accounts")),
                );
            }
            // With organisation context, a free-mail address the organisation corresponds with (it
            // wrote to it, or the profile lists it) is a known person's, not an anonymous one.
            let correspondent = cx.org.is_some_and(|org| {
                from.address
                    .as_deref()
                    .is_some_and(|a| crate::known::correspondent(org, &a.to_lowercase()))
            });
            if !correspondent {
                out.push(
                    Finding::new(
                        "sender.freemail",
                        Severity::Low,
                        format!("Sent from a free-mail address ({from_domain})"),
                    )
                    .technique(t::EMAIL_ACCOUNTS)
                    .evidence(
                        Evidence::header("From", from.display())
                            .with_note("anyone can open an address on this provider"),
                    ),
                );
            }
        }

        let reg_label = registrable(from_domain)
            .and_then(|r| r.split('.').next().map(str::to_string))
            .unwrap_or_default();
        let local = from
            .address
            .as_deref()
            .and_then(|a| a.rsplit_once('@'))
            .map(|(l, _)| l)
            .unwrap_or("");
        // Local parts with separators are usually VERP or tagged addresses of mailing software.
        let plain_local = !local.contains(['.', '-', '_', '#', '=', '+']);
        if looks_generated(&reg_label) || (!from_free && plain_local && looks_generated(local)) {
            let what = if looks_generated(&reg_label) {
                format!("domain label \"{reg_label}\"")
            } else {
                format!("local part \"{local}\"")
            };
            out.push(
                Finding::new(
                    "sender.generated_address",
                    Severity::Medium,
                    format!("Sender address looks machine-generated ({what})"),
                )
                .technique(t::EMAIL_ACCOUNTS)
                .evidence(Evidence::header("From", from.display()).with_note(
                    "throw-away domains and mailboxes are made in bulk for one campaign",
                )),
            );
        }
        for (header, mb) in
            std::iter::once(("From", from)).chain(mail.reply_to.iter().map(|m| ("Reply-To", m)))
        {
            let Some(d) = mb.domain() else { continue };
            if let Some((brand, imitated)) = crate::data::lookalike_of(d, 5) {
                out.push(
                    Finding::new("sender.lookalike_domain", Severity::High, format!("{header} domain {d} imitates {imitated} ({})", brand.name))
                        .technique(t::ACQUIRE_DOMAINS)
                        .technique(t::IMPERSONATION)
                        .evidence(Evidence::header(header, mb.display()).with_note("one character changed, added, dropped or swapped, a look-alike letter, or another suffix")),
                );
                break;
            }
        }
        if DOMAINS.abused_tlds.contains(tld(from_domain)) {
            out.push(
                Finding::new(
                    "sender.abused_tld",
                    Severity::Low,
                    format!(
                        "Sender domain is on .{}, a top-level domain heavily used for abuse",
                        tld(from_domain)
                    ),
                )
                .technique(t::ACQUIRE_DOMAINS)
                .evidence(Evidence::header("From", from.display())),
            );
        }

        for rt in &mail.reply_to {
            let Some(rt_domain) = rt.domain() else {
                continue;
            };
            // Mailing lists point Reply-To at the list (RFC 2369 List-Post, RFC 2919 List-Id).
            if same_organisation(rt_domain, from_domain) || list_sites.contains(&site(rt_domain)) {
                continue;
            }
            let (id, sev, why) = if is_freemail(rt_domain) && !from_free {
                (
                    "sender.reply_to_freemail",
                    Severity::High,
                    "replies go to a free-mail address while the From domain is an organisation's",
                )
            } else {
                (
                    "sender.reply_to_divergent",
                    Severity::Medium,
                    "replies go to another organisation than the one in From",
                )
            };
            out.push(
                Finding::new(
                    id,
                    sev,
                    format!("Reply-To ({rt_domain}) differs from From ({from_domain})"),
                )
                .technique(t::PHISHING)
                .evidence(Evidence::header("Reply-To", rt.display()).with_note(why))
                .evidence(Evidence::header("From", from.display())),
            );
            break;
        }

        if let Some((part, addr, cue)) = freemail_contact_in_text(mail) {
            out.push(
                Finding::new(
                    "sender.freemail_contact",
                    Severity::Low,
                    format!("The text asks the reader to write to a free-mail address ({addr}) that is not the sender's"),
                )
                .technique(t::EMAIL_ACCOUNTS)
                .technique(t::PHISHING)
                .evidence(Evidence::body(part, &addr).with_note(format!(
                    "after \"{cue}\"; the conversation moves to a mailbox nobody can trace to the sender ({})",
                    from.address.as_deref().unwrap_or(from_domain)
                ))),
            );
        }

        if let Some(f) = own_domain_spoof(mail, from, from_domain) {
            out.push(f);
        }

        if let Some(rp) = mail.return_path.as_deref() {
            let rp_domain = rp.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            if !rp_domain.is_empty() && !same_organisation(rp_domain, from_domain) {
                out.push(
                    Finding::new(
                        "sender.return_path_divergent",
                        Severity::Low,
                        format!("Envelope sender domain ({rp_domain}) differs from From ({from_domain})"),
                    )
                    .technique(t::EMAIL_SPOOFING)
                    .evidence(Evidence::header("Return-Path", rp).with_note("common for mailing services, also for spoofing"))
                    .evidence(Evidence::header("From", from.display())),
                );
            }
        }

        if let Some(s) = &mail.sender {
            if let Some(sd) = s.domain() {
                if !same_organisation(sd, from_domain) && !list_sites.contains(&site(sd)) {
                    out.push(
                        Finding::new(
                            "sender.sender_divergent",
                            Severity::Low,
                            format!("Sender ({sd}) differs from From ({from_domain})"),
                        )
                        .technique(t::EMAIL_SPOOFING)
                        .evidence(Evidence::header("Sender", s.display()))
                        .evidence(Evidence::header("From", from.display())),
                    );
                }
            }
        }

        if let Some(name) = from.name.as_deref() {
            display_name_checks(name, from, from_domain, &from_site, out);
        }
    }
}

/// The From domain is the recipient's own organisation, but the envelope sender (Return-Path) or the
/// reply address belongs to someone else: mail from a colleague does not bounce to, or get answered
/// at, another organisation. Mailing lists are excepted (they rewrite the envelope).
fn own_domain_spoof(
    mail: &spearwatch_message::Mail,
    from: &Mailbox,
    from_domain: &str,
) -> Option<Finding> {
    let via_list = ["List-Id", "List-Post", "List-Unsubscribe", "Mailing-List"]
        .iter()
        .any(|h| mail.header(h).is_some());
    if via_list || is_freemail(from_domain) {
        return None;
    }
    // Writers who copy themselves are not the recipient organisation.
    let own = from.address.as_deref().unwrap_or("").to_lowercase();
    let recipient_domains: Vec<String> = mail
        .recipients()
        .iter()
        .filter(|a| **a != own)
        .filter_map(|a| a.rsplit_once('@').map(|(_, d)| d.to_string()))
        .collect();
    if !recipient_domains
        .iter()
        .any(|d| same_organisation(d, from_domain))
    {
        return None;
    }
    let rp_domain = mail
        .return_path
        .as_deref()
        .and_then(|rp| rp.rsplit_once('@'))
        .map(|(_, d)| d.to_string());
    let foreign_rp = rp_domain
        .as_deref()
        .filter(|d| !same_organisation(d, from_domain));
    let foreign_rt = mail
        .reply_to
        .iter()
        .filter_map(|m| m.domain())
        .find(|d| !same_organisation(d, from_domain));
    let (header, value) = match (foreign_rp, foreign_rt) {
        (Some(d), _) => ("Return-Path", d.to_string()),
        (None, Some(d)) => ("Reply-To", d.to_string()),
        (None, None) => return None,
    };
    Some(
        Finding::new(
            "sender.own_domain_spoof",
            Severity::High,
            format!("Claims to come from the recipient's own organisation ({from_domain}) but its {header} is {value}"),
        )
        .technique(t::EMAIL_SPOOFING)
        .technique(t::IMPERSONATION)
        .evidence(Evidence::header("From", from.display()).with_note("the recipient's own domain"))
        .evidence(Evidence::header(header, &value).with_note("another organisation")),
    )
}

/// Registrable domains of the mailing list the message came through (List-Id, List-Post).
fn mailing_list_sites(mail: &spearwatch_message::Mail) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(id) = mail.header("List-Id") {
        // RFC 2919: list-id is a dot-atom inside angle brackets, usually under the list host's domain.
        let inner = id
            .rsplit('<')
            .next()
            .unwrap_or(id)
            .trim_end_matches(['>', ' ']);
        if let Some(r) = registrable(inner) {
            v.push(r);
        }
    }
    if let Some(post) = mail.header("List-Post") {
        let lower = post.to_ascii_lowercase();
        if let Some(at) = lower.find("mailto:") {
            let addr: String = lower[at + 7..]
                .chars()
                .take_while(|c| !matches!(c, '>' | '?' | ' ' | ','))
                .collect();
            if let Some((_, d)) = addr.rsplit_once('@') {
                v.push(site(d));
            }
        }
    }
    v
}

/// A domain of two or more labels under a known public suffix (not "localhost", "pot", "correios").
/// A domain that is itself on the list's private section (`iki.fi`) is a real domain too.
fn is_internet_domain(domain: &str) -> bool {
    // RFC 1035 §2.3.1 letters, digits and hyphens (underscores tolerated, IDN labels as written);
    // "%" and other punctuation ("taxa%pedidos.net") name no host on the internet.
    domain
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || !c.is_ascii())
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty())
        && psl::suffix(domain.as_bytes()).is_some_and(|s| s.is_known())
        && tld_is_known(domain)
}

/// The last label is a delegated top-level domain (the list's own "*" rule does not count).
fn tld_is_known(domain: &str) -> bool {
    psl::suffix(tld(domain).as_bytes()).is_some_and(|s| s.is_known())
}

/// Words that hand the conversation over to an address: "contact", "reply to", "write to", "e-mail me"
/// (English, Portuguese, Spanish, German, French, Korean). Lower-case.
const CONTACT_CUES: &[&str] = &[
    "contact",
    "reply",
    "respond",
    "write to",
    "send",
    "email me",
    "e-mail me",
    "email us",
    "e-mail us",
    "reach",
    "via",
    "kontakt",
    "antwort",
    "schreiben",
    "contato",
    "responda",
    "escreva",
    "envie",
    "escrib",
    "répond",
    "écrivez",
    "연락",
    "회신",
    "문의",
];

/// Bytes of each body searched for contact addresses, and of text before an address searched for a cue.
const CONTACT_SCAN_BYTES: usize = 4096;
const CUE_WINDOW: usize = 48;

/// Advance-fee and romance scams move the reply to a free-mail box that is neither the sender nor
/// the reader ("kindly contact ( claims.office@gmail.com )"). An address after a contact cue, on a
/// free-mail provider, that is not From, Reply-To or a recipient; quoted lines ("> ...") are skipped.
/// Returns the part, the address and the cue.
fn freemail_contact_in_text(
    mail: &spearwatch_message::Mail,
) -> Option<(usize, String, &'static str)> {
    let own: Vec<String> = mail
        .from
        .iter()
        .chain(&mail.reply_to)
        .filter_map(|m| m.address.as_deref())
        .map(str::to_lowercase)
        .chain(mail.recipients())
        .collect();
    for b in mail.body_texts().take(4) {
        let cut = b
            .text
            .floor_char_boundary(b.text.len().min(CONTACT_SCAN_BYTES));
        for line in b.text[..cut].lines() {
            if line.trim_start().starts_with('>') || !line.contains('@') {
                continue;
            }
            let lower = line.to_lowercase();
            for (at, _) in lower.match_indices('@') {
                let is_addr =
                    |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
                let start = lower[..at]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| !is_addr(*c))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                let end = lower[at + 1..]
                    .find(|c: char| !is_addr(c))
                    .map_or(lower.len(), |i| at + 1 + i);
                let addr = lower[start..end].trim_end_matches('.');
                let Some((local, domain)) = addr.split_once('@') else {
                    continue;
                };
                if local.is_empty() || !is_freemail(domain) || own.iter().any(|o| o == addr) {
                    continue;
                }
                let from = lower.floor_char_boundary(start.saturating_sub(CUE_WINDOW));
                let before = &lower[from..start];
                if let Some(cue) = CONTACT_CUES.iter().find(|c| before.contains(*c)) {
                    return Some((b.part, addr.to_string(), cue));
                }
            }
        }
    }
    None
}

pub(crate) fn is_freemail(domain: &str) -> bool {
    DOMAINS.freemail.contains(domain)
        || registrable(domain).is_some_and(|r| DOMAINS.freemail.contains(&r))
}

fn display_name_checks(
    name: &str,
    from: &Mailbox,
    from_domain: &str,
    from_site: &str,
    out: &mut Vec<Finding>,
) {
    // An address inside the display name: "support@paypal.com <x@evil.example>".
    if let Some(addr) = address_in(name) {
        let addr_domain = addr
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        if site(&addr_domain) != from_site {
            out.push(
                Finding::new(
                    "sender.display_name_address",
                    Severity::High,
                    format!(
                        "Display name shows the address {addr}, but the mail is from {}",
                        from.address.as_deref().unwrap_or("")
                    ),
                )
                .technique(t::IMPERSONATION)
                .technique(t::EMAIL_SPOOFING)
                .evidence(
                    Evidence::header("From", from.display())
                        .with_note("mail clients often show only the display name"),
                ),
            );
            return;
        }
    } else if let Some(dom) = domain_in(name) {
        if site(&dom) != from_site {
            out.push(
                Finding::new(
                    "sender.display_name_domain",
                    Severity::Medium,
                    format!(
                        "Display name names the domain {dom}, but the mail is from {from_domain}"
                    ),
                )
                .technique(t::IMPERSONATION)
                .evidence(Evidence::header("From", from.display())),
            );
        }
    }

    if let Some((brand, kw)) = crate::data::brand_named_in(name) {
        if brand.owns(from_domain) {
            return;
        }
        out.push(
            Finding::new(
                "sender.brand_impersonation",
                Severity::High,
                format!(
                    "Display name claims {} but the mail is from {from_domain}, not a {} domain",
                    brand.name, brand.name
                ),
            )
            .technique(t::IMPERSONATION)
            .evidence(Evidence::header("From", from.display()).with_note(format!(
                "\"{kw}\" in the display name; {} sends from {}",
                brand.name,
                brand.domains.join(", ")
            ))),
        );
    }
}

/// An addr-spec-looking token in `s`.
fn address_in(s: &str) -> Option<String> {
    s.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '"' | '\'' | ',' | ';' | '[' | ']'
            )
    })
    .find(|tok| {
        let Some((l, d)) = tok.split_once('@') else {
            return false;
        };
        !l.is_empty() && d.contains('.') && registrable(d).is_some()
    })
    .map(str::to_string)
}

/// A domain-looking token in `s` (`paypal.com`, `www.upbit.com`) with a real public suffix.
fn domain_in(s: &str) -> Option<String> {
    s.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '"' | '\'' | ',' | ';' | '[' | ']' | '|' | '/' | ':'
            )
    })
    .map(|t| t.trim_matches('.').to_ascii_lowercase())
    .find(|tok| {
        tok.contains('.')
            && tok
                .split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            && tok
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
            && psl::suffix_str(tok).is_some_and(|sfx| sfx != tok)
            && psl::suffix(tok.as_bytes()).is_some_and(|s| s.is_known())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run};

    #[test]
    fn a_correspondents_freemail_address_is_not_anonymous() {
        use spearwatch_org::observe::{Direction, Observation};
        let raw =
            "From: \"Kim Minjun\" <minjun.kim.cpa@gmail.com>\r\nTo: a@hanbit-x.com\r\n\r\nx\r\n";
        assert_eq!(
            ids(&crate::testutil::run_org(&Sender, raw, &[])),
            ["sender.freemail"]
        );
        let wrote = Observation {
            key: "1".into(),
            at: 1_775_000_000,
            from: "dohyun.lee@hanbit-x.com".into(),
            from_name: None,
            recipients: vec!["minjun.kim.cpa@gmail.com".into()],
            direction: Direction::Outbound,
            message_id: None,
            thread: None,
            is_reply: false,
        };
        assert!(crate::testutil::run_org(&Sender, raw, &[wrote]).is_empty());
    }

    #[test]
    fn reply_to_freemail_and_return_path() {
        let f = run(&Sender, "From: Kim <kim@samil-tax.kr>\r\nReply-To: kim.tax@gmail.com\r\nReturn-Path: <b@bulk.example.com>\r\n\r\nx");
        assert_eq!(
            ids(&f),
            ["sender.reply_to_freemail", "sender.return_path_divergent"]
        );
        assert!(f[0]
            .evidence
            .iter()
            .any(|e| e.value.contains("kim.tax@gmail.com")));
    }

    #[test]
    fn freemail_contact_in_the_text() {
        let f = run(&Sender, "From: Mrs Lee <office@foundation.example.org>\r\nTo: kim@corp.example\r\n\r\nA grant was issued to you. Kindly contact ( claims.desk@gmail.com ) for quick claims.");
        assert_eq!(ids(&f), ["sender.freemail_contact"]);
        assert_eq!(f[0].evidence[0].value, "claims.desk@gmail.com");
        // Multi-byte letters right before the address (a detector panic found on the corpus).
        let f = run(&Sender, "From: a@foundation.example.org\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nÉcrivez à «anne@yahoo.fr» — merci");
        assert_eq!(ids(&f), ["sender.freemail_contact"]);
        for body in [
            // The sender's own or the reader's address, a quoted line, an address without a cue.
            "Reply to kim@gmail.com when you can.",
            "Write to me at office@foundation.example.org",
            "> contact old.friend@yahoo.com\r\nsee above",
            "Thanks to old.friend@yahoo.com for the patch.",
        ] {
            let f = run(&Sender, &format!("From: Mrs Lee <office@foundation.example.org>\r\nTo: kim@gmail.com\r\n\r\n{body}"));
            assert!(f.is_empty(), "{body}: {:?}", ids(&f));
        }
    }

    #[test]
    fn same_organisation_is_fine() {
        let f = run(&Sender, "From: a@mail.example.co.kr\r\nReply-To: help@example.co.kr\r\nReturn-Path: <x@bounce.example.co.kr>\r\n\r\nx");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn invalid_domain_and_mailing_lists() {
        let f = run(&Sender, "From: Aviso <alerta587@correios>\r\n\r\nx");
        assert_eq!(ids(&f), ["sender.invalid_domain"]);
        let f = run(
            &Sender,
            "From: Aviso <entregas@taxa19%pedidos.example.com>\r\n\r\nx",
        );
        assert_eq!(ids(&f), ["sender.invalid_domain"]);
        assert!(run(&Sender, "From: Ville <ville@iki.fi>\r\n\r\nx").is_empty());
        assert!(run(
            &Sender,
            "From: Lists <news-1031164464.7f11b3@lists.example.com>\r\n\r\nx"
        )
        .is_empty());
        let f = run(&Sender, "From: a@member.example.com\r\nReply-To: talk@lists.project.example.com\r\nSender: talk-admin@lists.project.example.com\r\nList-Id: Talk <talk.lists.project.example.com>\r\n\r\nx");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn lookalike_sender_domain() {
        let f = run(&Sender, "From: Service <service@paypa1.com>\r\n\r\nx");
        assert_eq!(ids(&f), ["sender.lookalike_domain"]);
        assert!(f[0].title.contains("paypal.com"), "{}", f[0].title);
    }

    #[test]
    fn generated_sender() {
        let f = run(&Sender, "From: Shop <uazaw@ug7n15uql1.com>\r\n\r\nx");
        assert_eq!(ids(&f), ["sender.generated_address"]);
        let f = run(&Sender, "From: Support <llc@bruidswinkel.site>\r\n\r\nx");
        assert_eq!(ids(&f), ["sender.abused_tld"]);
    }

    #[test]
    fn role_names_on_freemail() {
        let f = run(
            &Sender,
            "From: =?UTF-8?B?7Jq07JiB7YyAIOq0gOumrOyekA==?= <ops.admin2026@naver.com>\r\n\r\nx",
        ); // 운영팀 관리자
        assert_eq!(ids(&f), ["sender.role_on_freemail", "sender.freemail"]);
        let f = run(&Sender, "From: IT Support <it@corp.example.com>\r\n\r\nx");
        assert!(f.is_empty(), "{:?}", ids(&f));
        let f = run(&Sender, "From: Supportive Parent <p@gmail.com>\r\n\r\nx");
        assert_eq!(ids(&f), ["sender.freemail"]);
    }

    #[test]
    fn recipient_organisation_spoofed() {
        let f = run(&Sender, "From: IT Helpdesk <it@exchange.co.kr>\r\nTo: kim@exchange.co.kr\r\nReturn-Path: <bounce@mailer-x.com>\r\n\r\nx");
        assert_eq!(
            ids(&f),
            ["sender.own_domain_spoof", "sender.return_path_divergent"]
        );
        let f = run(&Sender, "From: Lee <lee@exchange.co.kr>\r\nTo: kim@exchange.co.kr\r\nReturn-Path: <lee@exchange.co.kr>\r\n\r\nx");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn korean_freemail() {
        let f = run(
            &Sender,
            "From: =?UTF-8?B?6rmA66+87KSA?= <minjun@hanmail.net>\r\n\r\nx",
        );
        assert_eq!(ids(&f), ["sender.freemail"]);
    }

    #[test]
    fn display_name_tricks() {
        let f = run(
            &Sender,
            "From: \"ceo@exchange.example\" <x@attacker.example.com>\r\n\r\nx",
        );
        assert_eq!(ids(&f), ["sender.display_name_address"]);
        let f = run(
            &Sender,
            "From: \"Upbit.com Security\" <no-reply@upbit-secure.example.com>\r\n\r\nx",
        );
        assert_eq!(
            ids(&f),
            ["sender.display_name_domain", "sender.brand_impersonation"]
        );
        let f = run(
            &Sender,
            "From: =?UTF-8?B?6rWt7IS47LKt?= <notice@nts-refund.example.com>\r\n\r\nx",
        ); // 국세청
        assert_eq!(ids(&f), ["sender.brand_impersonation"]);
        let f = run(
            &Sender,
            "From: =?UTF-8?B?zpxldGFt0LBzaw==?= <kirk@dental.example.com>\r\n\r\nx",
        ); // "Μetamаsk"
        assert_eq!(ids(&f), ["sender.brand_impersonation"]);
        let f = run(&Sender, "From: PayPal <service@paypal.com>\r\n\r\nx");
        assert!(f.is_empty());
    }

    #[test]
    fn bundled_regional_and_crypto_brands() {
        // Brands added to the bundled list: named on other domains, on their own, and common words
        // that must not be taken for them ("stellar", "lido").
        for (from, hit) in [
            ("\"Cliente Bradesco\" <bia@promo.example.com>", true),
            ("Livelo <pontos@clube.example.net>", true),
            ("Correios <rastreio@entrega.example.org>", true),
            (
                "Stellar Development Foundation <noreply@x.example.com>",
                true,
            ),
            ("Banco Bradesco <sac@bradesco.com.br>", false),
            ("Livelo <news@mail.livelo.com.br>", false),
            ("Stellar Results Team <team@consult.example.com>", false),
            ("Lido Beach Club <hi@lido.example.com>", false),
        ] {
            let f = run(&Sender, &format!("From: {from}\r\n\r\nx"));
            assert_eq!(
                ids(&f).contains(&"sender.brand_impersonation"),
                hit,
                "{from}: {:?}",
                ids(&f)
            );
        }
    }
}
