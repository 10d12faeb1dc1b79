//! What a scanned message carried, as (kind, value) pairs: the register's index for campaigns and
//! retro-hunts.
//!
//! Values are normalised the way the indicator importers normalise theirs (`spearwatch-intel`), so a
//! hunt is an equality look-up: lower-case hosts and addresses, URLs by the intel URL key, lower-case
//! hex hashes, IPs in canonical form. Every host also yields its parent domains down to the
//! registrable one under [`DOMAIN`], so a domain indicator finds its subdomains by equality too.

use sha2::{Digest, Sha256};
use spearwatch_content::{Kind, Node};
use spearwatch_detect::domains::registrable;
use spearwatch_engine::{Report, TreeNode};
use spearwatch_message::Mail;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// The From address.
pub const SENDER: &str = "sender";
/// The registrable domain of the From address.
pub const SENDER_DOMAIN: &str = "sender_domain";
pub const REPLY_TO: &str = "reply_to";
/// The envelope sender (Return-Path).
pub const RETURN_PATH: &str = "return_path";
pub const RECIPIENT: &str = "recipient";
/// The earliest public IP of the Received chain: the sending infrastructure.
pub const ORIGIN_IP: &str = "origin_ip";
/// Every public IP of the Received chain (for hunts).
pub const IP: &str = "ip";
/// A link, by the intel URL key.
pub const URL: &str = "url";
/// A link's host.
pub const LINK_HOST: &str = "link_host";
/// The sender's domain when a detector found it to be a look-alike registration (the attacker's own
/// domain, not a spoofed one): its sender links are strong.
pub const SENDER_LOOKALIKE: &str = "sender_lookalike";
/// A resource the HTML loads (image, frame, script), by the intel URL key.
pub const RESOURCE: &str = "resource";
/// Every host (sender, Reply-To, Return-Path, links) and its parents down to the registrable domain.
pub const DOMAIN: &str = "domain";
/// sha256 of an attachment or of any object inside one.
pub const SHA256: &str = "sha256";
/// SHA-1 and MD5 of the same objects: never linking (the sha256 does), kept so that a hunt with a
/// feed that publishes samples by these finds them.
pub const SHA1: &str = "sha1";
pub const MD5: &str = "md5";
/// A cryptocurrency address written in the body or in an attached document's text (normalised; the
/// common base58 forms only with a valid checksum): where a payment request or an extortion wants
/// the money to go.
pub const CRYPTO: &str = "crypto";
/// A structural payload fingerprint, `kind:sha256` (VBA source, EPS, LNK command line, PDF script).
pub const FINGERPRINT: &str = "fingerprint";
/// A lure class: the id of a `lure.*` finding.
pub const LURE: &str = "lure";
/// The subject, normalised ([`normalise_subject`]).
pub const SUBJECT: &str = "subject";
/// A MinHash band of the text (only for messages that are clustered).
pub const TEXT_BAND: &str = "text_band";
/// An indicator a scan or hunt matched, `kind:value`.
pub const INDICATOR: &str = "indicator";

/// Most values of one kind kept per message (a newsletter's 500 links are not 500 campaign keys).
pub const MAX_PER_KIND: usize = 64;

/// The observables of one message, deduplicated and sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observables {
    pub pairs: BTreeSet<(String, String)>,
}

impl Observables {
    fn add(&mut self, kind: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() || value.len() > 2048 {
            return;
        }
        if self
            .pairs
            .range((kind.to_string(), String::new())..)
            .take_while(|(k, _)| k == kind)
            .count()
            >= MAX_PER_KIND
        {
            return;
        }
        self.pairs.insert((kind.to_string(), value));
    }

    fn add_host(&mut self, kind: Option<&str>, host: &str) {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return;
        }
        if let Some(k) = kind {
            self.add(k, host.clone());
        }
        if host.parse::<IpAddr>().is_ok() || host.starts_with('[') {
            return;
        }
        let Some(reg) = registrable(&host) else {
            self.add(DOMAIN, host);
            return;
        };
        // host, then each parent down to the registrable domain.
        let mut cur = host.as_str();
        loop {
            self.add(DOMAIN, cur.to_string());
            if cur == reg {
                break;
            }
            match cur.split_once('.') {
                Some((_, rest)) if rest.len() >= reg.len() => cur = rest,
                _ => break,
            }
        }
    }

    pub fn values<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == kind)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, kind: &str, value: &str) -> bool {
        self.pairs.contains(&(kind.to_string(), value.to_string()))
    }

    pub fn to_vec(&self) -> Vec<(String, String)> {
        self.pairs.iter().cloned().collect()
    }
}

fn address_domain(addr: &str) -> Option<&str> {
    addr.rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

/// Everything the register keeps of a message's content.
pub fn extract(report: &Report, mail: &Mail) -> Observables {
    let mut o = Observables::default();
    if let Some(addr) = mail.from.first().and_then(|m| m.address.as_deref()) {
        let addr = addr.to_ascii_lowercase();
        if let Some(d) = address_domain(&addr) {
            o.add_host(None, d);
            if let Some(key) = crate::policy::sender_domain_key(d) {
                o.add(SENDER_DOMAIN, key);
            }
        }
        o.add(SENDER, addr);
    }
    for r in &mail.reply_to {
        if let Some(addr) = r.address.as_deref() {
            let addr = addr.to_ascii_lowercase();
            if let Some(d) = address_domain(&addr) {
                o.add_host(None, d);
            }
            o.add(REPLY_TO, addr);
        }
    }
    if let Some(rp) = mail.return_path.as_deref() {
        let rp = rp
            .trim_matches(|c| c == '<' || c == '>')
            .to_ascii_lowercase();
        if let Some(d) = address_domain(&rp) {
            o.add_host(None, d);
            o.add(RETURN_PATH, rp.clone());
        }
    }
    for m in mail.to.iter().chain(&mail.cc) {
        if let Some(addr) = m.address.as_deref() {
            o.add(RECIPIENT, addr.to_ascii_lowercase());
        }
    }
    let hops = received_hops(mail);
    // The sending infrastructure is the earliest hop that is not a large mail provider's server:
    // Microsoft 365's or Gmail's relays carry the mail of millions of unrelated senders.
    if let Some(first) = hops
        .iter()
        .rev()
        .find(|h| !h.hosts.iter().any(|n| crate::policy::is_mail_provider(n)))
    {
        o.add(ORIGIN_IP, first.ip.to_string());
    }
    for h in &hops {
        o.add(IP, h.ip.to_string());
    }
    for u in &report.urls {
        // Images, frames and scripts the HTML loads are kits' hot-linked assets (a brand's logo on
        // its CDN or on Wikimedia): kept for hunts, apart from the links a reader follows.
        let resource = u.source == spearwatch_message::UrlSource::Resource;
        if let Some(key) = spearwatch_intel::normalise::url_key(&u.url) {
            o.add(if resource { RESOURCE } else { URL }, key);
        }
        if let Some(h) = &u.host {
            o.add_host((!resource).then_some(LINK_HOST), h);
        }
    }
    for a in &report.attachments {
        match &a.tree {
            Some(n) => node_hashes(&mut o, n),
            None => {
                add_hashes(&mut o, &a.sha256, &a.sha1, &a.md5);
                for f in &a.fingerprints {
                    o.add(FINGERPRINT, format!("{}:{}", f.kind, f.sha256));
                }
                for c in &a.children {
                    tree_hashes(&mut o, c);
                }
            }
        }
    }
    let texts = mail.bodies.iter().map(|b| b.text.as_str()).chain(
        report
            .attachments
            .iter()
            .filter_map(|a| a.tree.as_ref())
            .flat_map(|t| t.iter())
            .map(|n| n.text.as_str()),
    );
    for text in texts {
        for a in spearwatch_intel::normalise::crypto_in_text(text, MAX_PER_KIND) {
            o.add(CRYPTO, a);
        }
    }
    let sender_domain = o.values(SENDER_DOMAIN).next().map(str::to_string);
    for f in &report.findings {
        if f.id.starts_with("lure.") {
            o.add(LURE, f.id.clone());
        }
        if matches!(
            f.id.as_str(),
            "sender.lookalike_domain" | "lookalike.domain"
        ) {
            if let Some(d) = &sender_domain {
                o.add(SENDER_LOOKALIKE, d.clone());
            }
        }
    }
    if let Some(s) = mail.subject.as_deref().and_then(normalise_subject) {
        o.add(SUBJECT, s);
    }
    o
}

/// Images are left out (a brand's logo is in all of its mail and every phish copying it) and so are
/// tiny objects (empty streams, one-line files shared by chance).
fn hashed(kind: Kind, size: u64) -> bool {
    size >= 64 && !matches!(kind, Kind::Png | Kind::Jpeg | Kind::Gif)
}

/// A file's SHA-256, and its SHA-1 and MD5 where computed (empty ones are not added).
fn add_hashes(o: &mut Observables, sha256: &str, sha1: &str, md5: &str) {
    o.add(SHA256, sha256.to_ascii_lowercase());
    o.add(SHA1, sha1.to_ascii_lowercase());
    o.add(MD5, md5.to_ascii_lowercase());
}

fn node_hashes(o: &mut Observables, n: &Node) {
    if !n.sha256.is_empty() && hashed(n.detected_type, n.size) {
        add_hashes(o, &n.sha256, &n.sha1, &n.md5);
    }
    for f in &n.fingerprints {
        o.add(FINGERPRINT, format!("{}:{}", f.kind, f.sha256));
    }
    for c in &n.children {
        node_hashes(o, c);
    }
}

fn tree_hashes(o: &mut Observables, n: &TreeNode) {
    if !n.sha256.is_empty() && hashed(n.detected_type, n.size) {
        add_hashes(o, &n.sha256, &n.sha1, &n.md5);
    }
    for c in &n.children {
        tree_hashes(o, c);
    }
}

/// A Received hop: the public IP its `from` clause names, and the host names it gives (the HELO
/// name and the reverse-DNS name in the comment), lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub ip: IpAddr,
    pub hosts: Vec<String>,
}

/// The hops of the Received chain that name a public IP, newest first (RFC 5321 §4.4: each relay
/// prepends its header, so the last one names the first hop). Taken from the `from` clause's
/// bracketed or parenthesised address (`from helo (rdns [192.0.2.1])`), the form MTAs write;
/// private, loopback, link-local and shared addresses are the sender's LAN or ours, not
/// infrastructure. One entry per IP (its newest hop).
pub fn received_hops(mail: &Mail) -> Vec<Hop> {
    let mut out: Vec<Hop> = Vec::new();
    for (name, value) in &mail.headers {
        if !name.eq_ignore_ascii_case("received") {
            continue;
        }
        // Only the part before " by ": the relaying host's own address is not the sender's.
        let lower = value.to_ascii_lowercase();
        let from_part = match lower.find(" by ") {
            Some(i) => &lower[..i],
            None => lower.as_str(),
        };
        let mut ips = Vec::new();
        let mut hosts = Vec::new();
        for cand in from_part.split(['[', ']', '(', ')', ' ', '\t', '\r', '\n']) {
            let cand = cand
                .trim()
                .trim_start_matches("ipv6:")
                .trim_end_matches('.');
            if cand.is_empty() || cand == "from" {
                continue;
            }
            match cand.parse::<IpAddr>() {
                Ok(ip) if is_public(ip) => ips.push(ip),
                Ok(_) => {}
                Err(_) if cand.contains('.') && !cand.contains('=') => hosts.push(cand.to_string()),
                Err(_) => {}
            }
        }
        for ip in ips {
            if !out.iter().any(|h| h.ip == ip) {
                out.push(Hop {
                    ip,
                    hosts: hosts.clone(),
                });
            }
        }
    }
    out
}

/// Addresses routable on the Internet (documentation ranges count: they stand for public ones in
/// examples and tests).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            !(v.is_private()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_multicast()
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            !(v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// The subject without reply/forward prefixes, tags and numbers, lower-cased; `None` when too short
/// to tell campaigns apart (a lone "Invoice" is everybody's subject).
pub fn normalise_subject(s: &str) -> Option<String> {
    let mut t = s.trim().to_lowercase();
    loop {
        let before = t.len();
        for p in [
            "re:", "fw:", "fwd:", "aw:", "wg:", "회신:", "전달:", "답장:", "re :", "fw :",
        ] {
            if let Some(rest) = t.strip_prefix(p) {
                t = rest.trim_start().to_string();
            }
        }
        if t.starts_with('[') {
            if let Some(end) = t.find(']') {
                t = t[end + 1..].trim_start().to_string();
            }
        }
        if t.len() == before {
            break;
        }
    }
    let mut out = String::new();
    for w in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }));
    }
    (out.chars().filter(|c| c.is_alphanumeric()).count() >= 12).then_some(out)
}

/// The register's key for a raw message: its sha256.
pub fn message_key(raw: &[u8]) -> String {
    hex::encode(Sha256::digest(raw))
}

/// The text the lure similarity is computed over: subject and every body part.
pub fn text_of(mail: &Mail) -> String {
    let mut t = mail.subject.clone().unwrap_or_default();
    for b in &mail.bodies {
        t.push('\n');
        t.push_str(&b.text);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Mail {
        spearwatch_message::parse(raw.as_bytes(), &spearwatch_message::Limits::default())
    }

    #[test]
    fn received_chain_gives_public_ips_earliest_last() {
        let m = parse(
            "Received: from mx.example.net (mx.example.net [198.51.100.7]) by mail.ours.kr with ESMTP; Mon, 1 Jan 2026 00:00:00 +0000\r\n\
             Received: from client (unknown [192.168.1.10]) by mx.example.net (Postfix) with ESMTP\r\n\
             Received: from [203.0.113.9] (helo=x) by relay.example.net\r\n\
             From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n",
        );
        let ips: Vec<IpAddr> = received_hops(&m).into_iter().map(|h| h.ip).collect();
        assert_eq!(
            ips,
            [
                "198.51.100.7".parse::<IpAddr>().unwrap(),
                "203.0.113.9".parse().unwrap()
            ]
        );
    }

    #[test]
    fn a_mail_providers_relay_is_not_the_origin() {
        let m = parse(
            "Received: from NAM02-BN1-obe.outbound.protection.outlook.com (mail-bn1.outbound.protection.outlook.com. [40.92.15.92]) by mx.google.com\r\n\
             Received: from SA0PR04MB7370.namprd04.prod.outlook.com (2603:10b6:806:e5::23) by BN0PR04MB7999.namprd04.prod.outlook.com\r\n\
             From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n",
        );
        let hops = received_hops(&m);
        assert_eq!(hops.len(), 2);
        assert!(hops[1]
            .hosts
            .iter()
            .any(|h| h.ends_with("prod.outlook.com")));
        let o = extract_for_test(&m);
        assert_eq!(o.values(ORIGIN_IP).count(), 0, "only provider relays");
        assert_eq!(o.values(IP).count(), 2, "all public hops stay huntable");
    }

    fn extract_for_test(m: &Mail) -> Observables {
        let report = spearwatch_engine::Engine::default().scan(b"From: a@b.example\r\n\r\nx", "t");
        extract(&report, m)
    }

    #[test]
    fn subjects_lose_prefixes_tags_and_numbers() {
        assert_eq!(
            normalise_subject("RE: Fwd: [EXTERNAL] Invoice 4432 overdue for March").as_deref(),
            Some("invoice #### overdue for march")
        );
        assert_eq!(normalise_subject("Re: hi"), None);
        assert_eq!(
            normalise_subject("[국세청] 2025년 귀속 원천징수영수증 발급 안내"),
            Some("####년 귀속 원천징수영수증 발급 안내".to_string())
        );
    }

    #[test]
    fn hosts_yield_their_parents_to_the_registrable_domain() {
        let mut o = Observables::default();
        o.add_host(Some(LINK_HOST), "a.b.Evil.co.kr.");
        let d: Vec<&str> = o.values(DOMAIN).collect();
        assert_eq!(d, ["a.b.evil.co.kr", "b.evil.co.kr", "evil.co.kr"]);
        assert!(o.has(LINK_HOST, "a.b.evil.co.kr"));
    }

    #[test]
    fn a_kind_is_capped() {
        let mut o = Observables::default();
        for i in 0..200 {
            o.add(URL, format!("https://x.example/{i}"));
        }
        assert_eq!(o.values(URL).count(), MAX_PER_KIND);
    }
}
