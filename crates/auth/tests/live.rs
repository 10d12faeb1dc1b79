//! `Authenticator::authenticate` against seeded DNS: SPF, DKIM, ARC, DMARC results, the header, the
//! findings, failure modes and bounds. Hermetic: offline resolvers, or a loopback socket of our own.

mod support;

use mail_auth::arc::ArcSealer;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::{AuthenticatedMessage, AuthenticationResults, MessageAuthenticator};
use spearwatch_auth::{AuthConfig, AuthOutcome, Authenticator, ResolverChoice};
use std::time::{Duration, Instant};
use support::*;

fn ids(o: &AuthOutcome) -> Vec<&str> {
    o.findings.iter().map(|f| f.id.as_str()).collect()
}

/// SPF records for the SPF tests (RFC 7208 §5.6 ip4, §5.2 include, §4.6.2 all with qualifiers).
fn spf_world() -> Authenticator {
    let a = offline();
    a.add_txt("corp.example", "v=spf1 ip4:192.0.2.0/24 -all");
    a.add_txt("soft.example", "v=spf1 ip4:192.0.2.0/24 ~all");
    a.add_txt("hosted.example", "v=spf1 include:_spf.esp.example -all");
    a.add_txt("_spf.esp.example", "v=spf1 ip4:203.0.113.0/25 -all");
    for d in ["corp.example", "soft.example", "hosted.example"] {
        a.add_nxdomain(&format!("_dmarc.{d}"));
    }
    a
}

#[tokio::test(flavor = "current_thread")]
async fn spf_ip4_pass_fail_softfail_and_include() {
    let a = spf_world();
    let cases = [
        ("corp.example", "192.0.2.10", "pass"),
        ("corp.example", "198.51.100.7", "fail"),
        ("soft.example", "192.0.2.200", "pass"),
        ("soft.example", "198.51.100.7", "softfail"),
        ("hosted.example", "203.0.113.5", "pass"),
        // Outside the included /25: the include does not match, the outer -all applies.
        ("hosted.example", "203.0.113.200", "fail"),
    ];
    for (domain, client, want) in cases {
        let raw = message(&format!("ceo@{domain}"), "hi", 100);
        let o = a
            .authenticate(
                raw.as_bytes(),
                ip(client),
                "mail.sender.example",
                &format!("<bounce@{domain}>"),
            )
            .await;
        assert_eq!(
            o.spf.result, want,
            "{domain} from {client}: {}",
            o.spf.detail
        );
        assert_eq!(
            o.spf.get("smtp.mailfrom"),
            Some(format!("bounce@{domain}").as_str())
        );
        let want_id = match want {
            "fail" => Some("auth.spf_fail"),
            "softfail" => Some("auth.spf_softfail"),
            _ => None,
        };
        assert_eq!(
            ids(&o).into_iter().find(|i| i.starts_with("auth.spf")),
            want_id,
            "{domain} {client}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn ipv4_mapped_client_addresses_match_ip4() {
    let a = spf_world();
    let raw = message("ceo@corp.example", "hi", 100);
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("::ffff:192.0.2.10"),
            "h.example",
            "bounce@corp.example",
        )
        .await;
    assert_eq!(o.spf.result, "pass", "{}", o.spf.detail);
}

#[tokio::test(flavor = "current_thread")]
async fn null_sender_checks_the_helo_identity() {
    let a = spf_world();
    let raw = message("ceo@corp.example", "bounce", 100);
    let o = a
        .authenticate(raw.as_bytes(), ip("198.51.100.7"), "corp.example", "<>")
        .await;
    // RFC 7208 §2.4: postmaster@<HELO>.
    assert_eq!(o.spf.result, "fail");
    assert_eq!(o.spf.get("smtp.mailfrom"), Some("<>"));
    assert_eq!(o.spf.get("smtp.helo"), Some("corp.example"));
}

#[tokio::test(flavor = "current_thread")]
async fn dkim_ed25519_passes_and_fails_once_the_body_changes() {
    let a = offline();
    let key = TestKey::ed25519();
    a.add_txt("s1._domainkey.signer.example", &key.record);
    a.add_nxdomain("signer.example");
    a.add_nxdomain("_dmarc.signer.example");
    let raw = message("ceo@signer.example", "Invoice", 500);
    let signed = format!("{}{raw}", key.sign(&raw, "signer.example", "s1"));

    let o = a
        .authenticate(
            signed.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@signer.example",
        )
        .await;
    assert_eq!(o.dkim.len(), 1);
    assert_eq!(o.dkim[0].result, "pass", "{}", o.dkim[0].detail);
    assert_eq!(o.dkim[0].get("header.d"), Some("signer.example"));
    assert_eq!(o.dkim[0].get("header.s"), Some("s1"));
    assert!(o.header.contains("dkim=pass"), "{}", o.header);
    assert!(!ids(&o).contains(&"auth.dkim_fail"));

    // The bank account number changes in transit (RFC 6376 §3.7: body hash no longer matches).
    let tampered = signed.replace("quarterly figures", "new bank account");
    let o = a
        .authenticate(
            tampered.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@signer.example",
        )
        .await;
    assert_eq!(o.dkim[0].result, "fail", "{}", o.dkim[0].detail);
    assert!(
        o.dkim[0].detail.contains("body hash"),
        "{}",
        o.dkim[0].detail
    );
    assert!(ids(&o).contains(&"auth.dkim_fail"));
}

#[tokio::test(flavor = "current_thread")]
async fn dkim_rsa_sha256_passes() {
    let a = offline();
    let raw = message("ceo@rsa.example", "Invoice", 500);
    let (sig, record) = rsa_sign(&raw, "rsa.example", "k2048");
    a.add_txt("k2048._domainkey.rsa.example", &record);
    let o = a
        .authenticate(
            format!("{sig}{raw}").as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "",
        )
        .await;
    assert_eq!(o.dkim[0].result, "pass", "{}", o.dkim[0].detail);
}

#[tokio::test(flavor = "current_thread")]
async fn dmarc_passes_on_aligned_dkim_even_when_spf_fails() {
    let a = offline();
    let key = TestKey::ed25519();
    a.add_txt("s1._domainkey.bank.example", &key.record);
    a.add_txt(
        "_dmarc.bank.example",
        "v=DMARC1; p=reject; rua=mailto:d@bank.example",
    );
    // Forwarded: the envelope is the forwarder's and its SPF fails for this client.
    a.add_txt("fwd.example", "v=spf1 ip4:192.0.2.0/24 -all");
    a.add_nxdomain("_dmarc.fwd.example");
    let raw = message("notice@bank.example", "Statement", 800);
    let signed = format!("{}{raw}", key.sign(&raw, "bank.example", "s1"));
    let o = a
        .authenticate(
            signed.as_bytes(),
            ip("198.51.100.9"),
            "fwd.example",
            "list@fwd.example",
        )
        .await;
    assert_eq!(o.spf.result, "fail");
    assert_eq!(o.dmarc.result, "pass", "{}", o.dmarc.detail);
    assert!(
        o.dmarc.detail.contains("aligned DKIM"),
        "{}",
        o.dmarc.detail
    );
    assert_eq!(o.dmarc.get("header.from"), Some("bank.example"));
    assert_eq!(o.dmarc_policy.as_deref(), Some("reject"));
    assert_eq!(ids(&o), ["auth.spf_fail"]);
}

#[tokio::test(flavor = "current_thread")]
async fn dmarc_passes_on_aligned_spf() {
    let a = spf_world();
    a.add_txt("_dmarc.corp.example", "v=DMARC1; p=quarantine");
    let raw = message("ceo@corp.example", "hi", 100);
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("192.0.2.10"),
            "h.example",
            "bounce@corp.example",
        )
        .await;
    assert_eq!(o.dmarc.result, "pass", "{}", o.dmarc.detail);
    assert!(o.dmarc.detail.contains("aligned SPF"));
    assert!(o.findings.is_empty(), "{:?}", ids(&o));
}

#[tokio::test(flavor = "current_thread")]
async fn dmarc_fails_with_the_reject_policy_for_a_spoofed_from() {
    let a = offline();
    a.add_txt("_dmarc.bank.example", "v=DMARC1; p=reject");
    a.add_txt("attacker.example", "v=spf1 ip4:198.51.100.0/24 -all");
    a.add_nxdomain("_dmarc.attacker.example");
    // The attacker's own envelope passes SPF, but the From is the bank: nothing aligns.
    let raw = message("security@bank.example", "Verify your account", 300);
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("198.51.100.20"),
            "mx.attacker.example",
            "x@attacker.example",
        )
        .await;
    assert_eq!(o.spf.result, "pass");
    assert_eq!(o.dkim[0].result, "none");
    assert_eq!(o.dmarc.result, "fail", "{}", o.dmarc.detail);
    assert_eq!(o.dmarc.get("policy.dmarc"), Some("reject"));
    assert_eq!(o.dmarc_policy.as_deref(), Some("reject"));
    assert!(o.header.contains("dmarc=fail"), "{}", o.header);
    assert!(o.header.contains("policy.dmarc=reject"), "{}", o.header);
    let f = &o.findings[0];
    assert_eq!(f.id, "auth.dmarc_fail");
    assert_eq!(f.title, "DMARC fails for the From domain bank.example");
    assert!(f.evidence[0]
        .note
        .as_deref()
        .unwrap_or("")
        .contains("reject"));
}

#[tokio::test(flavor = "current_thread")]
async fn dmarc_subdomain_policy_applies_to_subdomains() {
    let a = offline();
    a.add_txt("_dmarc.bank.example", "v=DMARC1; p=none; sp=reject");
    a.add_nxdomain("_dmarc.alerts.bank.example");
    a.add_ipv4("alerts.bank.example", &["192.0.2.5".parse().unwrap()]);
    a.add_nxdomain("attacker.example");
    a.add_nxdomain("_dmarc.attacker.example");
    let raw = message("no-reply@alerts.bank.example", "Alert", 200);
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("198.51.100.20"),
            "h.example",
            "x@attacker.example",
        )
        .await;
    assert_eq!(o.dmarc.result, "fail", "{}", o.dmarc.detail);
    assert_eq!(
        o.dmarc_policy.as_deref(),
        Some("reject"),
        "RFC 7489 §6.3 sp="
    );
}

#[tokio::test(flavor = "current_thread")]
async fn no_records_means_none() {
    let a = offline();
    a.add_nxdomain("plain.example");
    a.add_nxdomain("_dmarc.plain.example");
    let raw = message("owner@plain.example", "hello", 100);
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "owner@plain.example",
        )
        .await;
    assert_eq!(o.spf.result, "none");
    assert_eq!(o.dkim[0].result, "none");
    assert_eq!(o.arc.result, "none");
    assert_eq!(o.dmarc.result, "none");
    assert_eq!(o.dmarc_policy, None);
    assert_eq!(ids(&o), ["auth.dmarc_none", "auth.spf_none"]);
    assert_eq!(
        o.header,
        "Authentication-Results: mx.gw.example;\r\n\
         \tspf=none (no SPF record for plain.example) smtp.mailfrom=owner@plain.example;\r\n\
         \tdkim=none (no DKIM signature);\r\n\
         \tarc=none (no ARC set);\r\n\
         \tdmarc=none (no DMARC record for plain.example) header.from=plain.example\r\n"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn unseeded_names_are_a_quick_temperror() {
    let a = Authenticator::offline(AUTHSERV);
    let key = TestKey::ed25519();
    let raw = message("ceo@unknown.example", "hi", 200);
    let signed = format!("{}{raw}", key.sign(&raw, "unknown.example", "s1"));
    let t = Instant::now();
    let o = a
        .authenticate(
            signed.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@unknown.example",
        )
        .await;
    let took = t.elapsed();
    assert!(took < Duration::from_millis(100), "took {took:?}");
    assert_eq!(o.spf.result, "temperror", "{}", o.spf.detail);
    assert_eq!(o.dkim[0].result, "temperror", "{}", o.dkim[0].detail);
    assert_eq!(o.dmarc.result, "temperror", "{}", o.dmarc.detail);
    assert_eq!(ids(&o), ["auth.dmarc_error", "auth.spf_error"]);
}

/// A name server that never answers (a UDP socket of our own that reads nothing): the whole
/// authentication still ends within the configured budget, as temperror.
#[tokio::test(flavor = "current_thread")]
async fn a_silent_name_server_costs_at_most_the_timeout() {
    let sink = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = sink.local_addr().expect("addr");
    let a = Authenticator::new(&AuthConfig {
        authserv_id: AUTHSERV.into(),
        resolver: ResolverChoice::Nameservers(vec![addr]),
        timeout: Duration::from_millis(300),
    })
    .expect("builds");
    let raw = message("ceo@silent.example", "hi", 100);
    let t = Instant::now();
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@silent.example",
        )
        .await;
    let took = t.elapsed();
    assert!(took < Duration::from_millis(900), "took {took:?}");
    assert_eq!(o.spf.result, "temperror");
    assert_eq!(o.dmarc.result, "temperror");
    drop(sink);
}

#[tokio::test(flavor = "current_thread")]
async fn several_from_domains_are_a_dmarc_permerror() {
    let a = offline();
    a.add_txt("_dmarc.bank.example", "v=DMARC1; p=reject");
    a.add_nxdomain("attacker.example");
    let raw = message("a@attacker.example", "hi", 100).replacen(
        "From: Sender <a@attacker.example>",
        "From: Bank <security@bank.example>, Me <a@attacker.example>",
        1,
    );
    let o = a
        .authenticate(
            raw.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "a@attacker.example",
        )
        .await;
    assert_eq!(o.dmarc.result, "permerror", "{}", o.dmarc.detail);
    assert!(ids(&o).contains(&"auth.dmarc_error"));
}

#[tokio::test(flavor = "current_thread")]
async fn arc_none_for_unsealed_mail_and_pass_for_a_sealed_one() {
    let a = offline();
    let author = TestKey::ed25519();
    let sealer = TestKey::ed25519();
    a.add_txt("s1._domainkey.news.example", &author.record);
    a.add_txt("arc1._domainkey.list.example", &sealer.record);
    a.add_txt("_dmarc.news.example", "v=DMARC1; p=none");
    a.add_nxdomain("list.example");
    a.add_nxdomain("_dmarc.list.example");

    let raw = message("editor@news.example", "Weekly", 600);
    let signed = format!("{}{raw}", author.sign(&raw, "news.example", "s1"));
    let o = a
        .authenticate(
            signed.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@list.example",
        )
        .await;
    assert_eq!(o.arc.result, "none");

    // The list server seals it with its own key (RFC 8617 §5.1): first instance, cv=none.
    let sealed = seal(&signed, &sealer).await;
    let o = a
        .authenticate(
            sealed.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@list.example",
        )
        .await;
    assert_eq!(o.arc.result, "pass", "{}", o.arc.detail);
    assert!(o.header.contains("arc=pass"));

    // The list rewrites the body after sealing: the AMS body hash breaks, the chain fails.
    let broken = sealed.replace("quarterly figures", "new bank account");
    let o = a
        .authenticate(
            broken.as_bytes(),
            ip("192.0.2.1"),
            "h.example",
            "b@list.example",
        )
        .await;
    assert_eq!(o.arc.result, "fail", "{}", o.arc.detail);
    assert!(ids(&o).contains(&"auth.arc_fail"));
}

/// Seals `raw` as the first ARC instance (i=1, cv=none) by list.example with `key`.
async fn seal(raw: &str, key: &TestKey) -> String {
    let msg = AuthenticatedMessage::parse(raw.as_bytes()).expect("parses");
    // An empty chain needs no DNS: verify_arc returns none before any lookup.
    let resolver = MessageAuthenticator::new(
        mail_auth::hickory_resolver::config::ResolverConfig::from_name_servers(vec![]),
        Default::default(),
    )
    .expect("resolver");
    let arc = resolver.verify_arc(&msg).await;
    let results = AuthenticationResults::new("list.example");
    let set = ArcSealer::from_key(key.signing_key())
        .domain("list.example")
        .selector("arc1")
        .headers([
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "DKIM-Signature",
        ])
        .seal(&msg, &results, &arc)
        .expect("seals");
    format!("{}{raw}", set.to_header())
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_input_never_breaks_the_header() {
    let a = offline();
    let nasty_from = "<\"x;y\r\n\tdmarc=pass (\"@evil.example>";
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\r\n\r\n".to_vec(),
        vec![0xff; 3000],
        b"DKIM-Signature: v=1; a=rsa-sha256; d=; s=\r\nFrom: a@b\r\n\r\nx".to_vec(),
        b"From: <>\r\nFrom: \r\n\r\n".to_vec(),
        format!(
            "DKIM-Signature: {}\r\nFrom: a@b.example\r\n\r\nx",
            "b=".repeat(20_000)
        )
        .into_bytes(),
        std::iter::repeat_n(
            "DKIM-Signature: v=1; a=ed25519-sha256; d=b.example; s=s; h=from; bh=AA==; b=AA==\r\n",
            500,
        )
        .collect::<String>()
        .into_bytes(),
    ];
    for raw in &inputs {
        for (helo, mf) in [
            ("", ""),
            ("[192.0.2.1]", nasty_from),
            ("x".repeat(300).as_str(), "a@b"),
        ] {
            let o = a.authenticate(raw, ip("2001:db8::1"), helo, mf).await;
            let h = &o.header;
            assert!(
                h.starts_with("Authentication-Results: mx.gw.example;\r\n\t"),
                "{h}"
            );
            assert!(h.ends_with("\r\n"));
            // Every line break is a fold (RFC 5322 §2.2.3) except the last.
            let body = &h[..h.len() - 2];
            assert!(
                body.split("\r\n").skip(1).all(|l| l.starts_with('\t')),
                "{h}"
            );
            assert!(
                !body.contains('\n')
                    || body.matches('\n').count() == body.matches("\r\n\t").count()
            );
            assert!(o.dkim.len() <= spearwatch_auth::MAX_DKIM_SIGNATURES);
            assert!(!o.dkim.is_empty());
            let parsed = spearwatch_detect::auth::parse(o.header_value());
            assert_eq!(parsed.authserv_id.as_deref(), Some(AUTHSERV));
            assert_eq!(parsed.results.len(), o.dkim.len() + 3, "{h}");
        }
    }
}

#[test]
fn authenticate_future_is_send() {
    fn is_send<T: Send>(_: &T) {}
    let a = Authenticator::offline(AUTHSERV);
    let fut = a.authenticate(b"", ip("192.0.2.1"), "", "");
    is_send(&fut);
    fn is_sync<T: Send + Sync>() {}
    is_sync::<Authenticator>();
}

/// `cargo test -p spearwatch-auth --release -- --ignored --nocapture warm_cache_cost`
#[tokio::test(flavor = "current_thread")]
#[ignore]
async fn warm_cache_cost() {
    let a = offline();
    let key = TestKey::ed25519();
    let (rsa_sig_raw, rsa_record);
    a.add_txt("s1._domainkey.corp.example", &key.record);
    a.add_txt(
        "corp.example",
        "v=spf1 ip4:198.51.100.0/24 include:_spf.esp.example -all",
    );
    a.add_txt("_spf.esp.example", "v=spf1 ip4:192.0.2.0/24 -all");
    a.add_txt("_dmarc.corp.example", "v=DMARC1; p=reject");
    let raw = message("ceo@corp.example", "Quarterly", 4700);
    let signed = format!("{}{raw}", key.sign(&raw, "corp.example", "s1"));
    {
        let r = message("ceo@corp.example", "Quarterly", 4700);
        let (sig, rec) = rsa_sign(&r, "corp.example", "r1");
        rsa_sig_raw = format!("{sig}{r}");
        rsa_record = rec;
    }
    a.add_txt("r1._domainkey.corp.example", &rsa_record);
    for (name, msg) in [("ed25519", &signed), ("rsa-2048", &rsa_sig_raw)] {
        let o = a
            .authenticate(
                msg.as_bytes(),
                ip("192.0.2.7"),
                "h.example",
                "b@corp.example",
            )
            .await;
        assert_eq!(
            (
                o.spf.result.as_str(),
                o.dkim[0].result.as_str(),
                o.dmarc.result.as_str()
            ),
            ("pass", "pass", "pass")
        );
        let mut us: Vec<u128> = Vec::with_capacity(1000);
        for _ in 0..1000 {
            let t = Instant::now();
            let o = a
                .authenticate(
                    msg.as_bytes(),
                    ip("192.0.2.7"),
                    "h.example",
                    "b@corp.example",
                )
                .await;
            us.push(t.elapsed().as_micros());
            assert_eq!(o.dmarc.result, "pass");
        }
        us.sort_unstable();
        println!(
            "authenticate, {name} signed, {} bytes, warm cache: median {} µs, p90 {} µs, max {} µs",
            msg.len(),
            us[500],
            us[900],
            us[999]
        );
    }
}
