//! Always-on checks of both exports on the realistic campaign (tests/common) and on odd input:
//! determinism, pattern escaping, reference integrity, id shapes, deduplication.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use spearwatch_export::{
    json, misp, stix, ActorHypothesis, Campaign, File, IndicatorKind, Message, Options, Tlp,
};
use uuid::Uuid;

fn objects(bundle: &Value) -> Vec<Value> {
    bundle["objects"].as_array().cloned().unwrap_or_default()
}

fn by_type<'a>(objs: &'a [Value], ty: &str) -> Vec<&'a Value> {
    objs.iter().filter(|o| o["type"] == ty).collect()
}

/// Every `*_ref` string and `*_refs` list anywhere in `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.ends_with("_ref") {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                } else if k.ends_with("_refs") {
                    for s in x.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        out.push(s.to_string());
                    }
                }
                refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

const SCO_TYPES: &[&str] = &[
    "email-message",
    "email-addr",
    "url",
    "domain-name",
    "ipv4-addr",
    "ipv6-addr",
    "file",
];

fn check_bundle(bundle: &Value) {
    let objs = objects(bundle);
    let mut ids = BTreeSet::new();
    for o in &objs {
        let id = o["id"].as_str().unwrap_or_default();
        let ty = o["type"].as_str().unwrap_or_default();
        // STIX 2.1 §2.9: `type--UUID`, the type matching the object's.
        let (prefix, u) = id.split_once("--").unwrap_or(("", ""));
        assert_eq!(prefix, ty, "{id}");
        let u = Uuid::parse_str(u).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(
            u.to_string(),
            id.split_once("--").map(|x| x.1).unwrap_or_default(),
            "lowercase hyphenated"
        );
        assert!(ids.insert(id.to_string()), "duplicate id {id}");
        if SCO_TYPES.contains(&ty) {
            if ty != "email-message" {
                assert_eq!(u.get_version_num(), 5, "SCO {id} should be UUIDv5");
            }
        } else if ty != "marking-definition" {
            assert_eq!(u.get_version_num(), 4, "{id} should be v4 layout");
            assert_eq!(o["spec_version"], "2.1");
            assert!(o["created"]
                .as_str()
                .is_some_and(|s| s.ends_with(".000Z") && s.len() == 24));
        }
    }
    let bid = bundle["id"].as_str().unwrap_or_default();
    assert!(bid.starts_with("bundle--") && Uuid::parse_str(&bid[8..]).is_ok());
    let mut all = Vec::new();
    refs(bundle, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        assert!(ids.contains(r), "dangling reference {r}");
    }
}

#[test]
fn stix_and_misp_are_deterministic() {
    let c = common::campaign();
    let o = Options::default();
    let a = stix::bundle_text(&c, &o);
    assert_eq!(a, stix::bundle_text(&c.clone(), &o));
    let m = misp::event_text(&c, &o);
    assert_eq!(m, misp::event_text(&c.clone(), &o));
    // A round trip of the input through serde does not change the output either.
    let back: Campaign = serde_json::from_str(&serde_json::to_string(&c).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, stix::bundle_text(&back, &o));
    // Text is sorted-key pretty JSON of the value.
    let v: Value = serde_json::from_str(&a).unwrap_or_default();
    assert_eq!(v, stix::bundle(&c, &o));
    assert_eq!(json::pretty(&v), a);
    // Changing the campaign changes the ids.
    let mut c2 = c.clone();
    c2.id = "C-00000001".into();
    let b2 = stix::bundle(&c2, &o);
    let camp = |b: &Value| by_type(&objects(b), "campaign")[0]["id"].clone();
    assert_ne!(camp(&v), camp(&b2));
}

#[test]
fn pattern_escapes_backslash_and_quote() {
    // The URL is first put in RFC 3986 form (a backslash is no URI character), then quoted.
    assert_eq!(
        stix::pattern(IndicatorKind::Url, "http://evil.example/a'b\\c d"),
        r"[url:value = 'http://evil.example/a\'b%5Cc%20d']"
    );
    assert_eq!(
        stix::uri("http://e.example/%41%zz/한"),
        "http://e.example/%41%25zz/%ED%95%9C"
    );
    assert_eq!(stix::escape_pattern_string(r"\'"), r"\\\'");
    assert_eq!(
        stix::pattern(IndicatorKind::Email, r"o'neil\x@b.example"),
        r"[email-addr:value = 'o\'neil\\x@b.example']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Domain, " Evil.Example. "),
        "[domain-name:value = 'evil.example']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Ipv4, "198.51.100.23"),
        "[ipv4-addr:value = '198.51.100.23']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Ipv6, "2001:0db8::0001"),
        "[ipv6-addr:value = '2001:db8::1']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Email, "a@b.example"),
        "[email-addr:value = 'a@b.example']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Sha256, "AB"),
        "[file:hashes.'SHA-256' = 'ab']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Sha1, "ab"),
        "[file:hashes.'SHA-1' = 'ab']"
    );
    assert_eq!(
        stix::pattern(IndicatorKind::Md5, "ab"),
        "[file:hashes.MD5 = 'ab']"
    );
}

#[test]
fn bundle_ids_and_references_hold_together() {
    let c = common::campaign();
    let b = stix::bundle(&c, &Options::default());
    check_bundle(&b);
    let objs = objects(&b);
    assert_eq!(by_type(&objs, "identity").len(), 1);
    assert_eq!(by_type(&objs, "campaign").len(), 1);
    assert_eq!(by_type(&objs, "intrusion-set").len(), 2);
    assert_eq!(by_type(&objs, "attack-pattern").len(), 3);
    assert_eq!(by_type(&objs, "indicator").len(), 10);
    assert_eq!(by_type(&objs, "observed-data").len(), 3);
    assert_eq!(by_type(&objs, "sighting").len(), 1);
    // attributed-to 2, uses 3, indicates 10.
    assert_eq!(by_type(&objs, "relationship").len(), 15);
    let escaped = by_type(&objs, "indicator")
        .into_iter()
        .any(|i| i["pattern"] == r"[email-addr:value = 'o\'neil\\hr@hanbit-dex-support.example']");
    assert!(escaped);
    // The ATT&CK id is kept for the hypothesis that has one.
    assert!(objs
        .iter()
        .any(|o| o["id"] == "intrusion-set--0ec2f388-bf0f-4b5c-97b1-fc736d26c25f"));
    // Every SDO but the marking names the producer.
    let identity = by_type(&objs, "identity")[0]["id"].clone();
    for o in &objs {
        if !SCO_TYPES.contains(&o["type"].as_str().unwrap_or_default())
            && o["type"] != "marking-definition"
        {
            assert_eq!(o["created_by_ref"], identity, "{}", o["id"]);
        }
    }
    // Attribution carries confidence and reasons.
    let attributed: Vec<_> = by_type(&objs, "relationship")
        .into_iter()
        .filter(|r| r["relationship_type"] == "attributed-to")
        .collect();
    assert_eq!(attributed[0]["confidence"], 75);
    assert!(attributed[0]["description"]
        .as_str()
        .unwrap_or_default()
        .contains("LNK dropper"));
    // Shared attachments appear once: 2 zips + lnk + hwp + the unnamed inline file.
    assert_eq!(by_type(&objs, "file").len(), 5);
    let outer = by_type(&objs, "file")
        .into_iter()
        .find(|f| f["name"] == "invoice_2026-03.zip")
        .cloned()
        .unwrap_or_default();
    assert_eq!(outer["contains_refs"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        outer["hashes"]["SHA-256"]
            .as_str()
            .map(|h| h.bytes().all(|b| !b.is_ascii_uppercase())),
        Some(true)
    );
}

#[test]
fn sco_ids_follow_stix_2_9() {
    // Same as Python: uuid.uuid5(UUID('00abedb4-...'), '{"value":"john@example.com"}').
    assert_eq!(
        stix::sco_id(
            "email-addr",
            &serde_json::json!({"value": "john@example.com"})
        ),
        "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934"
    );
    let b = stix::bundle(&common::campaign(), &Options::default());
    let objs = objects(&b);
    let url = objs
        .iter()
        .find(|o| o["type"] == "url" && o["value"] == "http://evil.example/a'b%5Cc")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        url["id"],
        stix::sco_id(
            "url",
            &serde_json::json!({"value": "http://evil.example/a'b%5Cc"})
        )
    );
    // The IPv6 link host and the IPv6 sender become ipv6-addr, canonical form.
    assert!(objs
        .iter()
        .any(|o| o["type"] == "ipv6-addr" && o["value"] == "2001:db8::1"));
    assert!(objs
        .iter()
        .any(|o| o["type"] == "ipv6-addr" && o["value"] == "2001:db8::25"));
    assert!(objs
        .iter()
        .any(|o| o["type"] == "domain-name" && o["value"] == "login.hanbit-dex-support.example"));
}

#[test]
fn messages_sharing_sender_and_subject_stay_distinct() {
    let b = stix::bundle(&common::campaign(), &Options::default());
    let objs = objects(&b);
    let emails = by_type(&objs, "email-message");
    assert_eq!(emails.len(), 3);
    let v5: Vec<_> = emails
        .iter()
        .filter(|e| {
            e["id"]
                .as_str()
                .and_then(|s| Uuid::parse_str(&s[15..]).ok())
                .map(|u| u.get_version_num())
                == Some(5)
        })
        .collect();
    // The first of the pair and the third keep §2.9 UUIDv5; the second gets a message-keyed id.
    assert_eq!(v5.len(), 2);
    let first = emails[0];
    assert_eq!(first["subject"], "[보안] 계정 \"확인\" 요청 \\ 긴급");
    assert_eq!(
        first["additional_header_fields"]["Message-ID"],
        "<20260304045320.1@hanbit-dex-support.example>"
    );
    assert_eq!(first["is_multipart"], true);
    assert_eq!(first["body_multipart"].as_array().map(Vec::len), Some(1));
    assert_eq!(first["to_refs"].as_array().map(Vec::len), Some(2));
}

#[test]
fn odd_input_still_exports_valid_shapes() {
    let mut deep = File {
        name: Some("leaf".into()),
        sha256: "00".into(),
        sha1: String::new(),
        md5: String::new(),
        size: 1,
        mime: None,
        children: vec![],
    };
    for i in 0..200 {
        deep = File {
            name: Some(format!("level{i}.zip")),
            sha256: format!("{i:02x}"),
            sha1: String::new(),
            md5: String::new(),
            size: 1,
            mime: Some(" ".into()),
            children: vec![deep],
        };
    }
    let c = Campaign {
        id: String::new(),
        name: String::new(),
        description: String::new(),
        first_seen: i64::MAX,
        last_seen: i64::MIN,
        created: 10,
        modified: 5,
        messages: vec![Message {
            key: "k".into(),
            message_id: Some("   ".into()),
            date: Some(i64::MIN),
            received_at: -1,
            from: None,
            to: vec![String::new()],
            subject: None,
            verdict: String::new(),
            sender_ip: Some("not an ip".into()),
            urls: vec![
                "no scheme".into(),
                "http://@:80".into(),
                "http://[zz]/".into(),
            ],
            attachments: vec![deep],
        }],
        techniques: vec![],
        actors: vec![ActorHypothesis {
            attack_id: String::new(),
            name: "x\"y".into(),
            aliases: vec![],
            stix_id: Some("intrusion-set--not-a-uuid".into()),
            confidence: 255,
            reasons: vec![],
            confirmed: true,
        }],
        indicators: vec![],
        producer: String::new(),
    };
    let b = stix::bundle(&c, &Options { tlp: Tlp::Red });
    check_bundle(&b);
    let objs = objects(&b);
    // Files deeper than the limit are left out (17 levels kept: depth 0..=16).
    assert_eq!(by_type(&objs, "file").len(), stix::MAX_FILE_DEPTH + 1);
    // No contributing property: the email-message id is version 4 (§2.9 MUST).
    let e = by_type(&objs, "email-message")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        Uuid::parse_str(&e[15..]).map(|u| u.get_version_num()).ok(),
        Some(4)
    );
    let rel = by_type(&objs, "relationship")[0];
    assert_eq!(rel["confidence"], 100);
    let camp = by_type(&objs, "campaign")[0];
    assert_eq!(camp["first_seen"], "9999-12-31T23:59:59.000Z");
    assert_eq!(camp["last_seen"], camp["first_seen"]);
    assert_eq!(camp["modified"], camp["created"]);

    let ev = misp::event(&c, &Options { tlp: Tlp::Red });
    assert_eq!(ev["Event"]["distribution"], "0");
    assert_eq!(ev["Event"]["threat_level_id"], "1");
    assert!(ev["Event"]["Tag"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["name"] == "misp-galaxy:threat-actor=\"x'y\""));
    assert_eq!(ev["Event"]["info"], "spearwatch campaign ");
}

#[test]
fn empty_campaign_is_a_small_valid_bundle() {
    let c = Campaign {
        id: "C-1".into(),
        name: "n".into(),
        description: String::new(),
        first_seen: 0,
        last_seen: 0,
        created: 0,
        modified: 0,
        messages: vec![],
        techniques: vec![],
        actors: vec![],
        indicators: vec![],
        producer: "spearwatch".into(),
    };
    let b = stix::bundle(&c, &Options::default());
    check_bundle(&b);
    assert_eq!(objects(&b).len(), 3); // identity, marking, campaign
    let ev = misp::event(&c, &Options::default());
    assert_eq!(ev["Event"]["Object"], serde_json::json!([]));
}

#[test]
fn misp_event_shape() {
    let ev = misp::event(&common::campaign(), &Options::default());
    let e = &ev["Event"];
    assert_eq!(e["date"], "2026-03-04");
    assert_eq!(e["published"], false);
    assert_eq!(e["distribution"], "1");
    let tags: Vec<&str> = e["Tag"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(tags[0], "tlp:amber");
    assert!(
        tags.contains(&"misp-galaxy:mitre-attack-pattern=\"Spearphishing Attachment - T1566.001\"")
    );
    assert!(tags.contains(&"misp-galaxy:threat-actor=\"Kimsuky\""));
    assert!(tags.contains(&"misp-galaxy:mitre-intrusion-set=\"Kimsuky - G0094\""));

    let attrs = e["Attribute"].as_array().cloned().unwrap_or_default();
    let mut seen = BTreeSet::new();
    let mut uuids = BTreeSet::new();
    for a in &attrs {
        assert!(
            seen.insert((a["type"].to_string(), a["value"].to_string())),
            "duplicate {a}"
        );
        assert!(uuids.insert(a["uuid"].to_string()));
    }
    let ind: BTreeMap<&str, &Value> = attrs
        .iter()
        .filter(|a| a["to_ids"] == true)
        .map(|a| (a["type"].as_str().unwrap_or_default(), a))
        .collect();
    for t in [
        "domain",
        "url",
        "ip-dst",
        "email-src",
        "sha256",
        "md5",
        "sha1",
    ] {
        assert!(ind.contains_key(t), "no {t} indicator");
    }
    assert_eq!(ind["domain"]["value"], "hanbit-dex-support.example");
    assert_eq!(ind["domain"]["category"], "Network activity");
    assert_eq!(ind["sha256"]["category"], "Payload delivery");
    // The phishing URL is an indicator; the message link with the same value is not repeated.
    let url_count = attrs
        .iter()
        .filter(|a| a["value"] == "https://login.hanbit-dex-support.example/verify?u=1")
        .count();
    assert_eq!(url_count, 1);

    let objs = e["Object"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = objs.iter().filter_map(|o| o["name"].as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "email").count(), 3);
    assert_eq!(names.iter().filter(|n| **n == "file").count(), 5);
    let obj_uuids: BTreeSet<&str> = objs.iter().filter_map(|o| o["uuid"].as_str()).collect();
    assert_eq!(obj_uuids.len(), objs.len());
    for o in &objs {
        for a in o["Attribute"].as_array().into_iter().flatten() {
            assert!(uuids.insert(a["uuid"].to_string()), "attribute uuid reused");
        }
        for r in o["ObjectReference"].as_array().into_iter().flatten() {
            assert_eq!(r["object_uuid"], o["uuid"]);
            assert!(
                obj_uuids.contains(r["referenced_uuid"].as_str().unwrap_or_default()),
                "dangling {r}"
            );
        }
    }
    let first = &objs
        .iter()
        .find(|o| o["name"] == "email")
        .cloned()
        .unwrap_or_default();
    assert_eq!(first["template_uuid"], misp::EMAIL_TEMPLATE_UUID);
    let rels: Vec<&str> = first["Attribute"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["object_relation"].as_str())
        .collect();
    assert_eq!(
        rels,
        [
            "from",
            "to",
            "to",
            "subject",
            "message-id",
            "send-date",
            "attachment"
        ]
    );
}
