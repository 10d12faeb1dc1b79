//! STIX 2.1 bundle of one campaign (OASIS STIX Version 2.1, Committee Specification / OASIS Standard,
//! 2021; section numbers below are that document's).
//!
//! Objects, in bundle order:
//!
//! | object | from | notes |
//! |---|---|---|
//! | `identity` (§4.5) | `producer` | `created_by_ref` of every SDO/SRO |
//! | `marking-definition` (§7.2.1.4) | [`Options::tlp`] | the predefined TLP object, `object_marking_refs` everywhere |
//! | `campaign` (§4.2) | the campaign | `first_seen`/`last_seen`, external reference to the spearwatch id |
//! | `intrusion-set` (§4.8) | each actor hypothesis | ATT&CK's own id when given, `mitre-attack` external reference |
//! | `attack-pattern` (§4.1) | each technique | `mitre-attack` external reference |
//! | `indicator` (§4.7) | each indicator | STIX pattern (§9), `valid_from` = first seen |
//! | `observed-data` (§4.9) | each message | `object_refs` to the SCOs below, `number_observed` 1 |
//! | SCOs (§6) | each message | `email-message`, `email-addr`, `url`, `domain-name`, `ipv4-addr`/`ipv6-addr`, `file` (archive members through `contains_refs`) |
//! | `relationship` (§5.1) | | campaign `attributed-to` intrusion-set (confidence, reasons), campaign `uses` attack-pattern, indicator `indicates` campaign |
//! | `sighting` (§5.2) | the messages | the campaign sighted by the producer, `observed_data_refs` = every observed-data |
//!
//! Observed-data is tied to the campaign through the sighting rather than `related-to` relationships:
//! §5.2 defines `observed_data_refs` for exactly this ("these observations are why we say we saw the
//! campaign"), and it carries the count and the first/last times.
//!
//! Ids: SCOs use the §2.9 deterministic UUIDv5; everything else a hash-derived v4 (see
//! [`crate::id`]). Input lists are deduplicated (same technique, indicator, actor or file once).

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::id::{self, STIX_SCO_NAMESPACE};
use crate::json::{canonical, pretty};
use crate::time::stix as ts;
use crate::{Campaign, File, IndicatorKind, Message, Options, Tlp};

/// Deepest attachment nesting exported (an attachment is depth 0); deeper members are left out so
/// a hostile archive chain cannot exhaust the stack.
pub const MAX_FILE_DEPTH: usize = 16;

/// `created`/`modified` of the producer identity. It must be the same in every export (one identity
/// id, one version), and the clock is not an input, so it is a constant.
const IDENTITY_CREATED: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z

/// STIX 2.1 §7.2.1.4: the predefined TLP marking-definition ids and their fixed content.
fn tlp_marking(tlp: Tlp) -> Value {
    let (id, name) = match tlp {
        Tlp::White => ("613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"),
        Tlp::Green => ("34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
        Tlp::Amber => ("f88d31f6-486f-44da-b317-01333bde0b82", "amber"),
        Tlp::Red => ("5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"),
    };
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": format!("marking-definition--{id}"),
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": format!("TLP:{}", name.to_ascii_uppercase()),
        "definition": { "tlp": name },
    })
}

/// STIX 2.1 §9 (patterning grammar, string constants): inside `'...'` only the backslash and the
/// single quote are escaped, as `\\` and `\'`.
pub fn escape_pattern_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for ch in s.chars() {
        if ch == '\\' || ch == '\'' {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// The indicator value as exported: trimmed; hosts and hashes lowercased (hash values in STIX and
/// MISP are conventionally lowercase hex; DNS names are case-insensitive, RFC 4343).
pub(crate) fn normalise(kind: IndicatorKind, value: &str) -> String {
    let v = value.trim();
    match kind {
        IndicatorKind::Domain => v.trim_end_matches('.').to_ascii_lowercase(),
        IndicatorKind::Sha256 | IndicatorKind::Md5 | IndicatorKind::Sha1 => v.to_ascii_lowercase(),
        IndicatorKind::Ipv6 => v
            .parse::<Ipv6Addr>()
            .map_or_else(|_| v.to_string(), |a| a.to_string()),
        IndicatorKind::Url => uri(v),
        _ => v.to_string(),
    }
}

/// A URL in RFC 3986 form: bytes outside the URI character set (§2.2 reserved, §2.3 unreserved,
/// and `%` that starts a valid escape) are percent-encoded (§2.1). STIX 2.1 §6.13 requires a `url`
/// value to be a URI (stix2-validator rejects `\` or raw non-ASCII), and the indicator patterns use
/// the same form so they match the exported observables.
pub fn uri(s: &str) -> String {
    let b = s.trim().as_bytes();
    let mut out = String::with_capacity(b.len());
    for (i, &c) in b.iter().enumerate() {
        let escape_ok = c == b'%'
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c) || escape_ok {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// STIX pattern (§9) matching one indicator: `[domain-name:value = 'x']`, `[file:hashes.'SHA-256' = '...']`.
/// Hash names with a hyphen are quoted property names (§9, object paths); the names are those of
/// the §10.7 hashing-algorithm vocabulary.
pub fn pattern(kind: IndicatorKind, value: &str) -> String {
    let path = match kind {
        IndicatorKind::Domain => "domain-name:value",
        IndicatorKind::Url => "url:value",
        IndicatorKind::Ipv4 => "ipv4-addr:value",
        IndicatorKind::Ipv6 => "ipv6-addr:value",
        IndicatorKind::Email => "email-addr:value",
        IndicatorKind::Sha256 => "file:hashes.'SHA-256'",
        IndicatorKind::Md5 => "file:hashes.MD5",
        IndicatorKind::Sha1 => "file:hashes.'SHA-1'",
    };
    format!(
        "[{path} = '{}']",
        escape_pattern_string(&normalise(kind, value))
    )
}

fn kind_label(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Domain => "Domain",
        IndicatorKind::Url => "URL",
        IndicatorKind::Ipv4 => "IPv4 address",
        IndicatorKind::Ipv6 => "IPv6 address",
        IndicatorKind::Email => "Email address",
        IndicatorKind::Sha256 => "SHA-256",
        IndicatorKind::Md5 => "MD5",
        IndicatorKind::Sha1 => "SHA-1",
    }
}

/// STIX 2.1 §2.9: `type--UUIDv5(SCO namespace, JCS(ID contributing properties))`.
pub fn sco_id(object_type: &str, contributing: &Value) -> String {
    let name = canonical(contributing);
    format!(
        "{object_type}--{}",
        id::v5(&STIX_SCO_NAMESPACE, name.as_bytes())
    )
}

/// A URL's host as an SCO type and value: `domain-name`, `ipv4-addr` or `ipv6-addr`.
pub(crate) fn url_host(url: &str) -> Option<(&'static str, String)> {
    let (_, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(r) = hostport.strip_prefix('[') {
        let (h, _) = r.split_once(']')?;
        return h
            .parse::<Ipv6Addr>()
            .ok()
            .map(|a| ("ipv6-addr", a.to_string()));
    }
    let host = hostport.split(':').next()?.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    ip_sco(host).or_else(|| Some(("domain-name", host.to_ascii_lowercase())))
}

/// An address literal as an SCO type and value.
pub(crate) fn ip_sco(s: &str) -> Option<(&'static str, String)> {
    let s = s.trim();
    if let Ok(a) = s.parse::<Ipv4Addr>() {
        return Some(("ipv4-addr", a.to_string()));
    }
    s.parse::<Ipv6Addr>()
        .ok()
        .map(|a| ("ipv6-addr", a.to_string()))
}

/// ATT&CK page of a group (`G0094`) or technique (`T1566`, `T1566.001`), when the id has that shape.
fn attack_url(id: &str) -> Option<String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(g) = id.strip_prefix('G') {
        return digits(g, 4).then(|| format!("https://attack.mitre.org/groups/{id}/"));
    }
    let t = id.strip_prefix('T')?;
    match t.split_once('.') {
        None if digits(t, 4) => Some(format!("https://attack.mitre.org/techniques/{id}/")),
        Some((base, sub)) if digits(base, 4) && digits(sub, 3) => Some(format!(
            "https://attack.mitre.org/techniques/T{base}/{sub}/"
        )),
        _ => None,
    }
}

fn mitre_ref(external_id: &str) -> Value {
    let mut r = json!({ "source_name": "mitre-attack", "external_id": external_id });
    if let (Some(url), Some(m)) = (attack_url(external_id), r.as_object_mut()) {
        m.insert("url".into(), Value::String(url));
    }
    r
}

/// A valid `intrusion-set--<uuid>` id, as given.
fn valid_intrusion_set_id(s: &str) -> Option<String> {
    let u = s.trim().strip_prefix("intrusion-set--")?;
    Uuid::parse_str(u)
        .ok()
        .map(|u| format!("intrusion-set--{u}"))
}

struct Builder<'a> {
    c: &'a Campaign,
    identity: String,
    marking: String,
    created: String,
    modified: String,
    sdos: Vec<Value>,
    scos: Vec<Value>,
    sco_index: BTreeMap<String, usize>,
    sros: Vec<Value>,
    seen: BTreeSet<String>,
}

impl<'a> Builder<'a> {
    /// §3.2 common properties of an SDO/SRO produced here.
    fn common(&self, object_type: &str, id: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), object_type.into());
        m.insert("spec_version".into(), "2.1".into());
        m.insert("id".into(), id.into());
        m.insert("created".into(), self.created.clone().into());
        m.insert("modified".into(), self.modified.clone().into());
        m.insert("created_by_ref".into(), self.identity.clone().into());
        m.insert("object_marking_refs".into(), json!([self.marking]));
        m
    }

    fn relationship(&mut self, rel: &str, source: &str, target: &str, extra: Map<String, Value>) {
        let id = id::sdo("relationship", &[&self.c.id, rel, source, target]);
        if !self.seen.insert(id.clone()) {
            return;
        }
        let mut m = self.common("relationship", &id);
        m.insert("relationship_type".into(), rel.into());
        m.insert("source_ref".into(), source.into());
        m.insert("target_ref".into(), target.into());
        m.extend(extra);
        self.sros.push(Value::Object(m));
    }

    /// Adds an SCO (§6) unless an identical one is there; returns its id. Two `file` objects with
    /// one id (same hash and name) merge their `contains_refs`.
    fn sco(
        &mut self,
        object_type: &str,
        contributing: Value,
        mut props: Map<String, Value>,
    ) -> String {
        let id = sco_id(object_type, &contributing);
        if let Some(&i) = self.sco_index.get(&id) {
            if let (Some(existing), Some(new)) = (
                self.scos.get_mut(i).and_then(Value::as_object_mut),
                props.get("contains_refs").and_then(Value::as_array),
            ) {
                let mut refs: Vec<Value> = existing
                    .get("contains_refs")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for r in new {
                    if !refs.contains(r) {
                        refs.push(r.clone());
                    }
                }
                existing.insert("contains_refs".into(), Value::Array(refs));
            }
            return id;
        }
        let mut m = Map::new();
        m.insert("type".into(), object_type.into());
        m.insert("spec_version".into(), "2.1".into());
        m.insert("id".into(), id.clone().into());
        m.insert("object_marking_refs".into(), json!([self.marking]));
        m.append(&mut props);
        self.sco_index.insert(id.clone(), self.scos.len());
        self.scos.push(Value::Object(m));
        id
    }

    fn value_sco(&mut self, object_type: &str, value: &str) -> String {
        let mut p = Map::new();
        p.insert("value".into(), value.into());
        self.sco(object_type, json!({ "value": value }), p)
    }

    /// A file and its members (depth-first); every id lands in `refs`.
    fn file(&mut self, f: &File, depth: usize, refs: &mut Vec<String>) -> String {
        let mut children = Vec::new();
        if depth < MAX_FILE_DEPTH {
            for ch in &f.children {
                let cid = self.file(ch, depth + 1, refs);
                if !children.contains(&cid) {
                    children.push(cid);
                }
            }
        }
        // §6.7 file: ID contributing properties hashes, name, extensions, parent_directory_ref;
        // §2.9: of the hashes, one is used, in the order of preference MD5, SHA-1, SHA-256 (as the
        // OASIS reference implementation, stix2's `_choose_one_hash`, applies it).
        let mut hashes = Map::new();
        let mut contributing = Map::new();
        for (algo, v) in [("MD5", &f.md5), ("SHA-1", &f.sha1), ("SHA-256", &f.sha256)] {
            let v = v.trim().to_ascii_lowercase();
            if v.is_empty() {
                continue;
            }
            if contributing.is_empty() {
                contributing.insert("hashes".into(), json!({ algo: v }));
            }
            hashes.insert(algo.into(), v.into());
        }
        let mut p = Map::new();
        p.insert("hashes".into(), Value::Object(hashes));
        if let Some(name) = &f.name {
            contributing.insert("name".into(), name.clone().into());
            p.insert("name".into(), name.clone().into());
        }
        p.insert("size".into(), f.size.into());
        if let Some(mime) = f.mime.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            p.insert("mime_type".into(), mime.to_ascii_lowercase().into());
        }
        if !children.is_empty() {
            p.insert("contains_refs".into(), json!(children));
        }
        let id = self.sco("file", Value::Object(contributing), p);
        push_unique(refs, &id);
        id
    }

    fn message(&mut self, m: &Message) -> String {
        let mut refs = Vec::new();
        let mut props = Map::new();
        let mut contributing = Map::new();

        // §6.6 email-message.
        props.insert("is_multipart".into(), (!m.attachments.is_empty()).into());
        if let Some(d) = m.date {
            props.insert("date".into(), ts(d).into());
        }
        if let Some(from) = m.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let fid = self.value_sco("email-addr", from);
            push_unique(&mut refs, &fid);
            props.insert("from_ref".into(), fid.clone().into());
            contributing.insert("from_ref".into(), fid.into());
        }
        let mut to_refs = Vec::new();
        for to in m.to.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let tid = self.value_sco("email-addr", to);
            push_unique(&mut refs, &tid);
            push_unique(&mut to_refs, &tid);
        }
        if !to_refs.is_empty() {
            props.insert("to_refs".into(), json!(to_refs));
        }
        if let Some(subject) = &m.subject {
            props.insert("subject".into(), subject.clone().into());
            contributing.insert("subject".into(), subject.clone().into());
        }
        if let Some(mid) = m
            .message_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            // §6.6: headers without a property of their own go in additional_header_fields. The
            // OASIS JSON schema takes a string for a single header and a list only for a repeated
            // one (two or more items), so one Message-ID is a string.
            props.insert(
                "additional_header_fields".into(),
                json!({ "Message-ID": mid }),
            );
        }
        let mut parts = Vec::new();
        for a in &m.attachments {
            let fid = self.file(a, 0, &mut refs);
            // §6.6.2 MIME part type: body_raw_ref may point at a file.
            let mut part = Map::new();
            part.insert("body_raw_ref".into(), fid.into());
            if let Some(mime) = a.mime.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                part.insert("content_type".into(), mime.to_ascii_lowercase().into());
            }
            part.insert("content_disposition".into(), "attachment".into());
            parts.push(Value::Object(part));
        }
        if !parts.is_empty() {
            props.insert("body_multipart".into(), Value::Array(parts));
        }
        for u in m.urls.iter().map(|s| uri(s)).filter(|s| !s.is_empty()) {
            let uid = self.value_sco("url", &u);
            push_unique(&mut refs, &uid);
            if let Some((t, host)) = url_host(&u) {
                let hid = self.value_sco(t, &host);
                push_unique(&mut refs, &hid);
            }
        }
        if let Some((t, ip)) = m.sender_ip.as_deref().and_then(ip_sco) {
            let iid = self.value_sco(t, &ip);
            push_unique(&mut refs, &iid);
        }

        let email_id = if contributing.is_empty() {
            // §2.9: no ID contributing property present -> UUIDv4 (hash-derived, see crate::id).
            let u = id::stable_v4(
                &id::SPEARWATCH_NAMESPACE,
                &id::key(&["email-message", &self.c.id, &m.key]),
            );
            format!("email-message--{u}")
        } else {
            sco_id("email-message", &Value::Object(contributing))
        };
        // Two messages can share sender and subject (the usual campaign), which is the whole §2.9
        // key when the body is not exported. The first keeps the deterministic UUIDv5; a later,
        // different one gets a message-keyed id instead of being merged into the first.
        let email_id = match self.sco_index.get(&email_id) {
            Some(&i) if self.scos.get(i).is_some_and(|o| !same_email(o, &props)) => {
                let u = id::stable_v4(
                    &id::SPEARWATCH_NAMESPACE,
                    &id::key(&["email-message", &self.c.id, &m.key]),
                );
                format!("email-message--{u}")
            }
            _ => email_id,
        };
        if !self.sco_index.contains_key(&email_id) {
            let mut o = Map::new();
            o.insert("type".into(), "email-message".into());
            o.insert("spec_version".into(), "2.1".into());
            o.insert("id".into(), email_id.clone().into());
            o.insert("object_marking_refs".into(), json!([self.marking]));
            o.append(&mut props);
            self.sco_index.insert(email_id.clone(), self.scos.len());
            self.scos.push(Value::Object(o));
        }
        refs.insert(0, email_id);

        // §4.9 observed-data: what was seen, when (our receipt time; the Date header is the
        // sender's claim and stays on the email-message).
        let od_id = id::sdo("observed-data", &[&self.c.id, &m.key]);
        let mut od = self.common("observed-data", &od_id);
        od.insert("first_observed".into(), ts(m.received_at).into());
        od.insert("last_observed".into(), ts(m.received_at).into());
        od.insert("number_observed".into(), 1.into());
        od.insert("object_refs".into(), json!(refs));
        let verdict = m.verdict.trim().to_ascii_lowercase();
        if !verdict.is_empty() {
            od.insert("labels".into(), json!([verdict]));
        }
        self.sdos.push(Value::Object(od));
        od_id
    }
}

/// Whether the email-message already stored has the same exported properties as `props`.
fn same_email(existing: &Value, props: &Map<String, Value>) -> bool {
    props.iter().all(|(k, v)| existing.get(k) == Some(v))
        && existing.as_object().is_some_and(|o| {
            o.keys()
                .filter(|k| {
                    !matches!(
                        k.as_str(),
                        "type" | "spec_version" | "id" | "object_marking_refs"
                    )
                })
                .all(|k| props.contains_key(k))
        })
}

fn push_unique(v: &mut Vec<String>, id: &str) {
    if !v.iter().any(|x| x == id) {
        v.push(id.to_string());
    }
}

/// The campaign as a STIX 2.1 bundle (§8).
pub fn bundle(c: &Campaign, opts: &Options) -> Value {
    let marking_obj = tlp_marking(opts.tlp);
    let marking = marking_obj
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // §3.2: modified MUST NOT precede created; §4.2/§4.9 likewise for last_seen / last_observed.
    let created = c.created;
    let modified = c.modified.max(created);
    let mut b = Builder {
        c,
        identity: id::sdo("identity", &[&c.producer]),
        marking: marking.clone(),
        created: ts(created),
        modified: ts(modified),
        sdos: Vec::new(),
        scos: Vec::new(),
        sco_index: BTreeMap::new(),
        sros: Vec::new(),
        seen: BTreeSet::new(),
    };

    // §4.5 identity: the producer. Constant timestamps: one identity version across all exports.
    let identity = json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": b.identity,
        "created": ts(IDENTITY_CREATED),
        "modified": ts(IDENTITY_CREATED),
        "created_by_ref": b.identity,
        "name": c.producer,
        "identity_class": "system",
    });

    // §4.2 campaign.
    let campaign_id = id::sdo("campaign", &[&c.id]);
    let mut camp = b.common("campaign", &campaign_id);
    camp.insert("name".into(), c.name.clone().into());
    if !c.description.is_empty() {
        camp.insert("description".into(), c.description.clone().into());
    }
    camp.insert("first_seen".into(), ts(c.first_seen).into());
    camp.insert("last_seen".into(), ts(c.last_seen.max(c.first_seen)).into());
    camp.insert(
        "external_references".into(),
        json!([{ "source_name": c.producer, "external_id": c.id }]),
    );
    b.sdos.push(Value::Object(camp));

    // §4.8 intrusion-set per hypothesis, attributed through a §5.1 relationship whose confidence
    // (§3.2, 0-100) is the hypothesis's and whose description carries the reasons.
    for a in &c.actors {
        let is_id = a
            .stix_id
            .as_deref()
            .and_then(valid_intrusion_set_id)
            .unwrap_or_else(|| id::sdo("intrusion-set", &[&c.id, &a.attack_id]));
        if b.seen.insert(is_id.clone()) {
            let mut o = b.common("intrusion-set", &is_id);
            o.insert("name".into(), a.name.clone().into());
            let mut aliases: Vec<&str> = Vec::new();
            for al in &a.aliases {
                if al != &a.name && !al.is_empty() && !aliases.contains(&al.as_str()) {
                    aliases.push(al);
                }
            }
            if !aliases.is_empty() {
                o.insert("aliases".into(), json!(aliases));
            }
            if !a.attack_id.is_empty() {
                o.insert(
                    "external_references".into(),
                    json!([mitre_ref(&a.attack_id)]),
                );
            }
            b.sdos.push(Value::Object(o));
        }
        let mut extra = Map::new();
        extra.insert("confidence".into(), a.confidence.min(100).into());
        let mut why: Vec<String> = a.reasons.clone();
        why.push(if a.confirmed {
            "confirmed by an analyst".to_string()
        } else {
            "hypothesis, not confirmed by an analyst".to_string()
        });
        extra.insert("description".into(), why.join("; ").into());
        b.relationship("attributed-to", &campaign_id, &is_id, extra);
    }

    // §4.1 attack-pattern per technique, used by the campaign.
    for t in &c.techniques {
        let ap_id = id::sdo("attack-pattern", &[&c.id, &t.id]);
        if b.seen.insert(ap_id.clone()) {
            let mut o = b.common("attack-pattern", &ap_id);
            o.insert("name".into(), t.name.clone().into());
            o.insert("external_references".into(), json!([mitre_ref(&t.id)]));
            b.sdos.push(Value::Object(o));
        }
        b.relationship("uses", &campaign_id, &ap_id, Map::new());
    }

    // §4.7 indicator per indicator, indicating the campaign.
    for ind in &c.indicators {
        let value = normalise(ind.kind, &ind.value);
        let ind_id = id::sdo("indicator", &[&c.id, kind_label(ind.kind), &value]);
        if !b.seen.insert(ind_id.clone()) {
            continue;
        }
        let mut o = b.common("indicator", &ind_id);
        o.insert(
            "name".into(),
            format!("{}: {value}", kind_label(ind.kind)).into(),
        );
        if !ind.description.is_empty() {
            o.insert("description".into(), ind.description.clone().into());
        }
        o.insert("indicator_types".into(), json!(["malicious-activity"]));
        o.insert("pattern".into(), pattern(ind.kind, &ind.value).into());
        o.insert("pattern_type".into(), "stix".into());
        o.insert("pattern_version".into(), "2.1".into());
        o.insert("valid_from".into(), ts(ind.first_seen).into());
        b.sdos.push(Value::Object(o));
        b.relationship("indicates", &ind_id, &campaign_id, Map::new());
    }

    // §4.9 observed-data per message (and its SCOs), then one §5.2 sighting of the campaign.
    let mut od_ids = Vec::new();
    for m in &c.messages {
        let od = b.message(m);
        push_unique(&mut od_ids, &od);
    }
    if !od_ids.is_empty() {
        let first = c
            .messages
            .iter()
            .map(|m| m.received_at)
            .min()
            .unwrap_or(c.first_seen);
        let last = c
            .messages
            .iter()
            .map(|m| m.received_at)
            .max()
            .unwrap_or(c.last_seen);
        let s_id = id::sdo("sighting", &[&c.id]);
        let mut s = b.common("sighting", &s_id);
        s.insert(
            "description".into(),
            format!(
                "Messages of this campaign received and scanned by {}",
                c.producer
            )
            .into(),
        );
        s.insert("first_seen".into(), ts(first).into());
        s.insert("last_seen".into(), ts(last).into());
        // §5.2: count is 0..=999999999.
        s.insert("count".into(), od_ids.len().min(999_999_999).into());
        s.insert("sighting_of_ref".into(), campaign_id.clone().into());
        s.insert("observed_data_refs".into(), json!(od_ids));
        s.insert("where_sighted_refs".into(), json!([b.identity]));
        b.sros.push(Value::Object(s));
    }

    let mut objects = vec![identity, marking_obj];
    objects.append(&mut b.sdos);
    objects.append(&mut b.scos);
    objects.append(&mut b.sros);
    // §8 bundle (no spec_version in 2.1). Its id covers the campaign version.
    let bundle_id = id::sdo("bundle", &[&c.id, &ts(modified)]);
    json!({ "type": "bundle", "id": bundle_id, "objects": objects })
}

/// [`bundle`] as indented JSON text with sorted keys (byte-identical for identical input).
pub fn bundle_text(c: &Campaign, opts: &Options) -> String {
    pretty(&bundle(c, opts))
}
