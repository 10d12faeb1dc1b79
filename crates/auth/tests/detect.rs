//! The header this crate writes, read back by the engine's `auth` detector: same results, same
//! findings as `AuthOutcome::findings`.

mod support;

use spearwatch_auth::{AuthOutcome, MethodOutcome};
use spearwatch_detect::auth::{parse, Auth};
use spearwatch_detect::{Context, DetectConfig, Detector};
use support::*;

/// Runs the `auth` detector over `raw` with the outcome's header prepended, as the gateway does.
fn detector_findings(
    o: &AuthOutcome,
    raw: &str,
    trusted: &[&str],
) -> Vec<spearwatch_core::Finding> {
    let with_header = format!("{}{raw}", o.header);
    let mail = spearwatch_message::parse(with_header.as_bytes(), &Default::default());
    let config = DetectConfig {
        trusted_authserv_ids: trusted.iter().map(|s| s.to_string()).collect(),
    };
    let mut out = Vec::new();
    Auth.detect(
        &Context {
            mail: &mail,
            config: &config,
            documents: &[],
            objects: &[],
            org: None,
        },
        &mut out,
    );
    out
}

fn assert_round_trip(o: &AuthOutcome) {
    let ar = parse(o.header_value());
    assert_eq!(ar.authserv_id.as_deref(), Some(AUTHSERV));
    let mut ours: Vec<(&str, &MethodOutcome)> = vec![("spf", &o.spf)];
    ours.extend(o.dkim.iter().map(|d| ("dkim", d)));
    ours.push(("arc", &o.arc));
    ours.push(("dmarc", &o.dmarc));
    assert_eq!(ar.results.len(), ours.len(), "{}", o.header);
    for (got, (method, m)) in ar.results.iter().zip(&ours) {
        assert_eq!(got.method, *method);
        assert_eq!(got.result, m.result);
        let want: Vec<(String, String)> = m
            .props
            .iter()
            .map(|(k, _)| (k.clone(), m.get(k).unwrap_or_default().to_string()))
            .collect();
        assert_eq!(got.props, want, "{}", o.header);
        assert_eq!(got.comment, m.detail, "comment carries the detail");
    }
}

async fn scenarios() -> Vec<(String, AuthOutcome)> {
    let a = offline();
    let key = TestKey::ed25519();
    a.add_txt("s1._domainkey.bank.example", &key.record);
    a.add_txt("_dmarc.bank.example", "v=DMARC1; p=reject");
    a.add_txt("bank.example", "v=spf1 ip4:192.0.2.0/24 -all");
    a.add_txt("attacker.example", "v=spf1 ip4:198.51.100.0/24 ~all");
    a.add_nxdomain("_dmarc.attacker.example");
    a.add_nxdomain("plain.example");
    a.add_nxdomain("_dmarc.plain.example");

    let good = message("notice@bank.example", "Statement", 400);
    let good = format!("{}{good}", key.sign(&good, "bank.example", "s1"));
    let tampered = good.replace("quarterly", "urgent");
    let spoof = message("security@bank.example", "Verify", 300);
    let plain = message("a@plain.example", "hi", 100);
    let unknown = message("a@unknown.example", "hi", 100);

    let mut out = Vec::new();
    for (raw, client, mf) in [
        (&good, "192.0.2.1", "b@bank.example"),
        (&tampered, "203.0.113.50", "x@attacker.example"),
        (&spoof, "203.0.113.9", "security@bank.example"),
        (&plain, "192.0.2.1", "a@plain.example"),
        (&unknown, "192.0.2.1", "a@unknown.example"),
        (&spoof, "203.0.113.9", "we\"ird;(x)@bank.example"),
    ] {
        let o = a
            .authenticate(raw.as_bytes(), ip(client), "h.example", mf)
            .await;
        out.push((raw.clone(), o));
    }
    out
}

#[tokio::test(flavor = "current_thread")]
async fn the_detect_parser_reads_back_our_results() {
    for (_, o) in scenarios().await {
        assert_round_trip(&o);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_detector_derives_the_same_findings_from_the_header() {
    let mut seen = std::collections::BTreeSet::new();
    for (raw, o) in scenarios().await {
        let via_header = detector_findings(&o, &raw, &[AUTHSERV]);
        assert_eq!(via_header, o.findings, "{}", o.header);
        seen.extend(o.findings.iter().map(|f| f.id.clone()));
    }
    // The scenarios cover every id the live results can produce except arc_fail (live.rs) and
    // dmarc_error via permerror.
    for id in [
        "auth.dmarc_fail",
        "auth.dmarc_none",
        "auth.dmarc_error",
        "auth.spf_fail",
        "auth.spf_softfail",
        "auth.spf_none",
        "auth.spf_error",
        "auth.dkim_fail",
    ] {
        assert!(seen.contains(id), "{id} not covered: {seen:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_untrusted_copy_of_our_header_is_not_believed() {
    // The same header written by someone else's server (or the sender) only counts as an
    // untrusted pass claim.
    let (raw, o) = scenarios().await.into_iter().next().expect("one");
    assert_eq!(o.dmarc.result, "pass");
    let f = detector_findings(&o, &raw, &["mx.other.example"]);
    let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["auth.untrusted_pass"]);
}
