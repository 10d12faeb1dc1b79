//! Sender authentication, read from `Authentication-Results` (RFC 8601) of trusted servers only.
//!
//! Anyone can write an `Authentication-Results` header into a message before sending it, so a result
//! is believed only when the header's authserv-id (RFC 8601 §2.5) is one of the configured trusted
//! ids: the receiving servers of the organisation itself. Of those, the topmost header counts (it was
//! added last, closest to the mailbox). A header from any other host is untrusted; one claiming "pass"
//! is reported, since forging a pass is how a spoofed message dresses up (RFC 8601 §7.2).

use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity};

pub struct Auth;

/// One `method=result` with its properties (`header.from=...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResult {
    pub method: String,
    pub result: String,
    /// `ptype.property=value` pairs and other `key=value` words after the result (e.g. Microsoft's
    /// `action=quarantine`), keys lower-case.
    pub props: Vec<(String, String)>,
    /// Text of the comments after the result (`(p=REJECT sp=NONE dis=NONE)`).
    pub comment: String,
}

/// A parsed `Authentication-Results` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResults {
    /// `None` when the header starts with a result instead of an authserv-id (seen from some
    /// providers; not valid RFC 8601, so it can never be trusted).
    pub authserv_id: Option<String>,
    pub results: Vec<MethodResult>,
}

/// Parses one header value (RFC 8601 §2.2). Lenient: unknown syntax is skipped, never an error.
pub fn parse(value: &str) -> AuthResults {
    let mut segments = split_top(value);
    let first = segments
        .first()
        .map(|(t, _)| t.trim().to_string())
        .unwrap_or_default();
    let authserv_id = if first.contains('=') || first.is_empty() {
        None
    } else {
        segments.remove(0);
        // authserv-id [CFWS authres-version]
        first
            .split_whitespace()
            .next()
            .map(|s| s.to_ascii_lowercase())
    };
    let mut results = Vec::new();
    for (seg, comment) in segments {
        let mut words = seg.split_whitespace();
        let Some(head) = words.next() else { continue };
        let Some((method, result)) = head.split_once('=') else {
            continue;
        };
        let method = method
            .split('/')
            .next()
            .unwrap_or(method)
            .to_ascii_lowercase();
        let props = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim_matches('"').to_string()))
            .collect();
        results.push(MethodResult {
            method,
            result: result.to_ascii_lowercase(),
            props,
            comment,
        });
    }
    AuthResults {
        authserv_id,
        results,
    }
}

/// Splits on `;` outside comments and quotes; returns each segment without its comments, and the
/// comments' text separately.
fn split_top(v: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut text, mut comment) = (String::new(), String::new());
    let (mut depth, mut quoted) = (0usize, false);
    for c in v.chars() {
        match c {
            '"' if depth == 0 => {
                quoted = !quoted;
                text.push(c);
            }
            '(' if !quoted => {
                depth += 1;
                if depth > 1 {
                    comment.push(c);
                }
            }
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                comment.push(if depth == 0 { ' ' } else { c });
            }
            ';' if depth == 0 && !quoted => {
                out.push((
                    std::mem::take(&mut text),
                    std::mem::take(&mut comment).trim().to_string(),
                ));
            }
            _ if depth > 0 => comment.push(c),
            _ => text.push(c),
        }
    }
    out.push((text, comment.trim().to_string()));
    out
}

/// The topmost `Authentication-Results` of a trusted authserv-id, parsed, with its raw value: the one
/// the organisation's own receiving server added last.
pub fn trusted_results<'a>(
    mail: &'a spearwatch_message::Mail,
    trusted: &[String],
) -> Option<(AuthResults, &'a str)> {
    mail.header_values("Authentication-Results")
        .find_map(|raw| {
            let ar = parse(raw);
            ar.authserv_id
                .as_deref()
                .is_some_and(|id| trusted.iter().any(|t| t.eq_ignore_ascii_case(id)))
                .then_some((ar, raw))
        })
}

impl Detector for Auth {
    fn name(&self) -> &'static str {
        "auth"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let trusted = &cx.config.trusted_authserv_ids;
        let mut used_trusted = false;
        let mut reported_untrusted = false;
        for raw in cx.mail.header_values("Authentication-Results") {
            let ar = parse(raw);
            let is_trusted = ar
                .authserv_id
                .as_deref()
                .is_some_and(|id| trusted.iter().any(|t| t.eq_ignore_ascii_case(id)));
            if is_trusted {
                if !used_trusted {
                    used_trusted = true;
                    trusted_findings(&ar, raw, out);
                }
                continue;
            }
            if reported_untrusted {
                continue;
            }
            let passes: Vec<&str> = ar
                .results
                .iter()
                .filter(|r| r.result == "pass")
                .map(|r| r.method.as_str())
                .collect();
            if !passes.is_empty() {
                reported_untrusted = true;
                let who = match ar.authserv_id.as_deref() {
                    Some(id) => format!("authserv-id {id}, not trusted"),
                    None => "no authserv-id".to_string(),
                };
                out.push(
                    Finding::new(
                        "auth.untrusted_pass",
                        Severity::Low,
                        format!(
                            "An untrusted Authentication-Results header ({who}) claims {} pass",
                            passes.join("/")
                        ),
                    )
                    .technique(t::EMAIL_SPOOFING)
                    .evidence(
                        Evidence::header("Authentication-Results", raw).with_note(
                            "not added by a trusted receiving server: may be forged by the sender",
                        ),
                    ),
                );
            }
        }
    }
}

/// The findings of one trusted `Authentication-Results` header (also used by the gateway's live
/// authentication, so that a live result and a header reading mean the same).
pub fn trusted_findings(ar: &AuthResults, raw: &str, out: &mut Vec<Finding>) {
    let get = |m: &str| ar.results.iter().find(|r| r.method == m);
    let ev = || Evidence::header("Authentication-Results", raw);
    let dkim_pass = ar
        .results
        .iter()
        .any(|r| r.method == "dkim" && r.result == "pass");

    if let Some(d) = get("dmarc") {
        let policy = d
            .props
            .iter()
            .find(|(k, _)| k == "policy.dmarc" || k == "action")
            .map(|(_, v)| v.to_ascii_lowercase())
            .or_else(|| {
                let c = d.comment.to_ascii_lowercase();
                c.split_whitespace()
                    .find_map(|w| w.strip_prefix("p=").map(str::to_string))
            });
        let from = d
            .props
            .iter()
            .find(|(k, _)| k == "header.from")
            .map(|(_, v)| v.as_str())
            .unwrap_or("?");
        match d.result.as_str() {
            "fail" => out.push(
                Finding::new(
                    "auth.dmarc_fail",
                    Severity::High,
                    format!("DMARC fails for the From domain {from}"),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(ev().with_note(match &policy {
                    Some(p) => {
                        format!("the domain's policy is {p}: it asks receivers to refuse such mail")
                    }
                    None => "neither SPF nor DKIM is aligned with the From domain".to_string(),
                })),
            ),
            "none" => out.push(
                Finding::new(
                    "auth.dmarc_none",
                    Severity::Low,
                    format!("The From domain {from} publishes no DMARC policy"),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(
                    ev().with_note("anyone can send as this domain without receivers noticing"),
                ),
            ),
            "temperror" | "permerror" => out.push(
                Finding::new(
                    "auth.dmarc_error",
                    Severity::Low,
                    format!("DMARC could not be evaluated ({})", d.result),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(ev()),
            ),
            _ => {}
        }
    }
    if let Some(s) = get("spf") {
        let (id, sev) = match s.result.as_str() {
            "fail" => ("auth.spf_fail", Severity::Medium),
            "softfail" => ("auth.spf_softfail", Severity::Low),
            "none" | "neutral" => ("auth.spf_none", Severity::Info),
            "temperror" | "permerror" => ("auth.spf_error", Severity::Low),
            _ => ("", Severity::Info),
        };
        if !id.is_empty() {
            let mf = s
                .props
                .iter()
                .find(|(k, _)| k == "smtp.mailfrom")
                .map(|(_, v)| v.as_str())
                .unwrap_or("?");
            out.push(
                Finding::new(
                    id,
                    sev,
                    format!("SPF {} for envelope sender {mf}", s.result),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(
                    ev().with_note("the sending host is not authorised by the envelope domain"),
                ),
            );
        }
    }
    if !dkim_pass {
        if let Some(d) = ar
            .results
            .iter()
            .find(|r| r.method == "dkim" && matches!(r.result.as_str(), "fail" | "permerror"))
        {
            out.push(
                Finding::new(
                    "auth.dkim_fail",
                    Severity::Medium,
                    format!("DKIM signature does not verify ({})", d.result),
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(ev().with_note("the message was altered or the signature forged")),
            );
        }
    }
    if let Some(a) = get("arc") {
        if a.result == "fail" {
            out.push(
                Finding::new(
                    "auth.arc_fail",
                    Severity::Low,
                    "ARC chain does not validate",
                )
                .technique(t::EMAIL_SPOOFING)
                .evidence(ev()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run, run_with};
    use crate::DetectConfig;

    #[test]
    fn parses_rfc8601_examples() {
        // RFC 8601 Appendix B.4-like, with comments and a version.
        let ar = parse("example.com 1; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.net; dkim=fail (bad sig) header.d=example.net; dmarc=fail (p=REJECT sp=NONE) header.from=example.net");
        assert_eq!(ar.authserv_id.as_deref(), Some("example.com"));
        assert_eq!(ar.results.len(), 3);
        assert_eq!(
            ar.results[0].props,
            vec![("smtp.mailfrom".to_string(), "example.net".to_string())]
        );
        assert_eq!(ar.results[2].comment, "p=REJECT sp=NONE");
        let ms = parse("spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=x.example; dkim=none");
        assert_eq!(ms.authserv_id, None);
        assert_eq!(ms.results.len(), 2);
        let none = parse("mx.example; none");
        assert!(none.results.is_empty());
    }

    const MSG: &str = "Authentication-Results: mx.ourbank.example; spf=fail smtp.mailfrom=samil-tax.kr; dkim=none; dmarc=fail (p=reject) header.from=samil-tax.kr\r\nAuthentication-Results: relay.attacker.example; spf=pass smtp.mailfrom=samil-tax.kr; dmarc=pass\r\nFrom: a@samil-tax.kr\r\n\r\nx";

    #[test]
    fn only_trusted_results_count() {
        let cfg = DetectConfig {
            trusted_authserv_ids: vec!["mx.ourbank.example".into()],
        };
        let f = run_with(&Auth, MSG, &cfg);
        assert_eq!(
            ids(&f),
            ["auth.dmarc_fail", "auth.spf_fail", "auth.untrusted_pass"]
        );
        assert!(f[0].evidence[0].note.as_deref().unwrap().contains("reject"));
        // Nothing trusted: failures are not believed, the forged pass is still reported.
        let f = run(&Auth, MSG);
        assert_eq!(ids(&f), ["auth.untrusted_pass"]);
    }
}
