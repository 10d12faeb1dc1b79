//! MISP events: the `Attribute`s of an event and of its `Object`s.
//!
//! Accepted wrappings: `{"Event": {...}}` (the MISP JSON export), a bare event, a list of either, and
//! the REST search response `{"response": [{"Event": ...}, ...]}`.
//!
//! Attribute types imported (MISP core format, "Attribute types"): `domain`, `hostname`, `url`,
//! `link`, `uri` (with a host), `ip-dst`, `ip-src` (and `|port` forms), `domain|ip` (both halves),
//! `email`, `email-src`, `email-reply-to`, `email-dst` is not (the victims), `sha256`, `sha1`, `md5`,
//! `filename|sha256` / `|sha1` / `|md5`, `btc`, `xmr`, `dash`. Other types (text, filename, port,
//! signatures, ...) are skipped and counted by type; so are deleted attributes. `to_ids` is kept on
//! each indicator. The event's `info` and its tags (and the attribute's) become labels; a
//! `misp-galaxy:threat-actor="..."` tag becomes an actor. The source is the event's creator
//! organisation (`Orgc.name`), else the file stem.

use crate::normalise;
use crate::{Import, Indicator, Kind};
use serde_json::Value;
use std::sync::Arc;

/// Whether `v` looks like a MISP event in one of the accepted wrappings.
pub fn is_misp(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.contains_key("Event")
                || m.get("response").is_some_and(|r| r.is_array())
                || (m.contains_key("info")
                    && (m.contains_key("Attribute") || m.contains_key("Object")))
        }
        Value::Array(a) => !a.is_empty() && a.iter().all(|e| e.is_object() && is_misp(e)),
        _ => false,
    }
}

/// Imports every event found in `v`.
pub fn import(v: &Value, source: &str) -> Import {
    let mut imp = Import {
        format: "MISP event",
        ..Default::default()
    };
    let mut events = Vec::new();
    collect_events(v, &mut events, 0);
    for (n, e) in events.into_iter().enumerate() {
        import_event(e, n, source, &mut imp);
    }
    imp
}

fn collect_events<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 3 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|e| collect_events(e, out, depth + 1)),
        Value::Object(m) => {
            if let Some(e) = m.get("Event") {
                out.push(e);
            } else if let Some(r) = m.get("response") {
                collect_events(r, out, depth + 1);
            } else {
                out.push(v);
            }
        }
        _ => {}
    }
}

fn tags(v: &Value) -> impl Iterator<Item = &str> {
    v.get("Tag")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
}

/// `misp-galaxy:threat-actor="Lazarus Group"` -> `Lazarus Group`.
fn actor_of(tag: &str) -> Option<&str> {
    let v = tag.strip_prefix("misp-galaxy:threat-actor=")?;
    Some(v.trim_matches('"'))
}

fn import_event(e: &Value, n: usize, source: &str, imp: &mut Import) {
    let source: Arc<str> = e
        .get("Orgc")
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str)
        .map_or_else(|| Arc::from(source), Arc::from);
    let mut proto = Indicator::new(Kind::Domain, String::new(), source);
    let info = e.get("info").and_then(Value::as_str);
    if let Some(info) = info {
        proto.labels.push(Arc::from(info));
    }
    for t in tags(e) {
        match actor_of(t) {
            Some(a) => proto.actors.push(Arc::from(a)),
            None => proto.labels.push(Arc::from(t)),
        }
    }
    let event_id = e
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let attrs = e
        .get("Attribute")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let objects = e
        .get("Object")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let object_attrs = objects.flat_map(|o| {
        o.get("Attribute")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    });
    for a in attrs.chain(object_attrs) {
        attribute(a, &proto, &format!("event {event_id} (#{n})"), imp);
    }
}

fn attribute(a: &Value, proto: &Indicator, at: &str, imp: &mut Import) {
    let ty = a.get("type").and_then(Value::as_str).unwrap_or("(no type)");
    let value = a.get("value").and_then(Value::as_str).unwrap_or("");
    let uuid = a.get("uuid").and_then(Value::as_str).unwrap_or("");
    let here = || {
        format!(
            "{at} attribute {uuid}: {ty} {}",
            spearwatch_core::truncate_str(value, 80)
        )
    };
    if a.get("deleted").and_then(Value::as_bool) == Some(true) {
        imp.skip("deleted attribute", here);
        return;
    }
    let mut values: Vec<Result<(Kind, String), &'static str>> = Vec::new();
    let (base, second) = match ty.split_once('|') {
        Some((b, s)) => (b, Some(s)),
        None => (ty, None),
    };
    let (v1, v2) = match value.split_once('|') {
        Some((x, y)) => (x, Some(y)),
        None => (value, None),
    };
    match (base, second) {
        ("domain" | "hostname", None) => values.push(dom(v1)),
        ("domain" | "hostname", Some("ip")) => {
            values.push(dom(v1));
            values.push(ip(v2.unwrap_or("")));
        }
        ("domain" | "hostname", Some("port")) => values.push(dom(v1)),
        ("url" | "link" | "uri", None) => values.push(
            normalise::url(value)
                .map(|(u, _)| (Kind::Url, u))
                .ok_or("URL without a host"),
        ),
        ("ip-dst" | "ip-src", None | Some("port")) => values.push(ip(v1)),
        ("email" | "email-src" | "email-reply-to" | "whois-registrant-email", None) => values.push(
            normalise::email(value)
                .map(|e| (Kind::Email, e))
                .ok_or("malformed e-mail address"),
        ),
        ("sha256" | "sha1" | "md5", None) => values.push(hash(base, v1)),
        ("filename", Some(h @ ("sha256" | "sha1" | "md5"))) => {
            values.push(hash(h, v2.unwrap_or("")))
        }
        ("btc" | "xmr" | "dash" | "bitcoin", None) => values.push(
            normalise::crypto(value)
                .map(|c| (Kind::CryptoAddress, c))
                .ok_or("malformed crypto address"),
        ),
        _ => {
            imp.skip(&format!("MISP type {ty} (not an indicator kind)"), here);
            return;
        }
    }
    let to_ids = a.get("to_ids").and_then(Value::as_bool).unwrap_or(true);
    let attr_tags: Vec<&str> = tags(a).collect();
    for v in values {
        match v {
            Ok((kind, value)) => {
                let mut i = proto.clone();
                i.kind = kind;
                i.value = value;
                i.to_ids = to_ids;
                if let Some(c) = a
                    .get("comment")
                    .and_then(Value::as_str)
                    .filter(|c| !c.is_empty())
                {
                    i.description = Some(Arc::from(c));
                }
                for t in &attr_tags {
                    match actor_of(t) {
                        Some(a) => i.actors.push(Arc::from(a)),
                        None => i.labels.push(Arc::from(*t)),
                    }
                }
                imp.indicators.push(i);
            }
            Err(why) => imp.skip(why, here),
        }
    }
}

fn dom(v: &str) -> Result<(Kind, String), &'static str> {
    match normalise::domain(v) {
        Some(d) if normalise::is_public_suffix(&d) => {
            Err("public suffix (would match every site under it)")
        }
        Some(d) => Ok((Kind::Domain, d)),
        None => Err("invalid domain"),
    }
}

fn ip(v: &str) -> Result<(Kind, String), &'static str> {
    match normalise::ip(v) {
        Some((_, Some(0))) => Err("network /0"),
        Some((a, len)) => Ok((
            if a.is_ipv4() { Kind::Ipv4 } else { Kind::Ipv6 },
            normalise::ip_value(a, len),
        )),
        None => Err("invalid IP address"),
    }
}

fn hash(algo: &str, v: &str) -> Result<(Kind, String), &'static str> {
    let want = match algo {
        "sha256" => Kind::Sha256,
        "sha1" => Kind::Sha1,
        _ => Kind::Md5,
    };
    match normalise::hash(v) {
        Some((k, h)) if k == want => Ok((k, h)),
        _ => Err("hash value of the wrong length"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"Event": {
  "id": "2010", "info": "Lazarus 3CX follow-up",
  "Orgc": {"name": "ESET"},
  "Tag": [{"name": "misp-galaxy:threat-actor=\"Lazarus Group\""}, {"name": "tlp:white"}],
  "Attribute": [
    {"type": "domain", "value": "Journalide.org", "to_ids": true, "uuid": "a1"},
    {"type": "ip-dst|port", "value": "23.254.211.230|443", "to_ids": true, "uuid": "a2"},
    {"type": "text", "value": "ESET", "to_ids": false, "uuid": "a3"},
    {"type": "email-src", "value": "Recruiter@Evil.example", "to_ids": true, "uuid": "a4"},
    {"type": "domain", "value": "deleted.example", "deleted": true, "uuid": "a5"},
    {"type": "sha256", "value": "abc", "uuid": "a6"}
  ],
  "Object": [{"name": "file", "Attribute": [
    {"type": "sha256", "value": "6471F3898E63C2A9AF25284253DC087DFDA94809182C45728B3ADC40E238C7F6", "to_ids": true, "comment": "dropper"},
    {"type": "filename|md5", "value": "a.exe|d41d8cd98f00b204e9800998ecf8427e", "to_ids": false},
    {"type": "url", "value": "https://Journalide.org/djour.php", "to_ids": true}
  ]}]
}}"#;

    #[test]
    fn event() {
        let v: Value = serde_json::from_str(EVENT).unwrap();
        assert!(is_misp(&v));
        let imp = import(&v, "lazarus_3cx");
        let got: Vec<(Kind, &str, bool)> = imp
            .indicators
            .iter()
            .map(|i| (i.kind, i.value.as_str(), i.to_ids))
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::Domain, "journalide.org", true),
                (Kind::Ipv4, "23.254.211.230", true),
                (Kind::Email, "recruiter@evil.example", true),
                (
                    Kind::Sha256,
                    "6471f3898e63c2a9af25284253dc087dfda94809182c45728b3adc40e238c7f6",
                    true
                ),
                (Kind::Md5, "d41d8cd98f00b204e9800998ecf8427e", false),
                (Kind::Url, "https://journalide.org/djour.php", true),
            ]
        );
        let i = &imp.indicators[0];
        assert_eq!(&*i.source, "ESET");
        assert_eq!(i.actors, vec![Arc::<str>::from("Lazarus Group")]);
        assert!(i.labels.iter().any(|l| &**l == "Lazarus 3CX follow-up"));
        assert!(i.labels.iter().any(|l| &**l == "tlp:white"));
        assert_eq!(imp.indicators[3].description.as_deref(), Some("dropper"));
        assert_eq!(
            imp.skipped.get("MISP type text (not an indicator kind)"),
            Some(&1)
        );
        assert_eq!(imp.skipped.get("deleted attribute"), Some(&1));
        assert_eq!(imp.skipped.get("hash value of the wrong length"), Some(&1));
        assert_eq!(imp.skipped_total(), 3);
    }

    #[test]
    fn wrappings() {
        let bare: Value = serde_json::from_str(r#"{"info": "x", "Attribute": [{"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}]}"#).unwrap();
        assert_eq!(import(&bare, "s").indicators.len(), 1);
        let resp: Value =
            serde_json::from_str(&format!(r#"{{"response": [{EVENT}, {EVENT}]}}"#)).unwrap();
        assert!(is_misp(&resp));
        assert_eq!(import(&resp, "s").indicators.len(), 12);
        let list: Value = serde_json::from_str(&format!("[{EVENT}]")).unwrap();
        assert!(is_misp(&list));
        assert!(!is_misp(
            &serde_json::json!({"values": [], "name": "Threat Actor"})
        ));
    }
}
