//! MISP event of one campaign, in the MISP core format (draft-dulaunoy-misp-core-format, "MISP core
//! format", MISP/misp-rfc; cited below by section name: Event, Attribute, Tag, Object,
//! ObjectReference).
//!
//! `{"Event": {...}}` with:
//!
//! - **Attributes** (Attribute): one per indicator (`domain`, `url`, `ip-dst`, `email-src`, `sha256`,
//!   `md5`, `sha1`; category from MISP's describeTypes defaults, `to_ids` true, comment = why), the
//!   campaign name and id (`campaign-name`, `campaign-id`, Attribution), one `threat-actor` per
//!   hypothesis (comment: ATT&CK id, confidence, confirmed or not, reasons), message links and sender
//!   addresses that are not indicators (`url`, `ip-src`, `to_ids` false: context, not detections).
//! - **Objects** (Object): an `email` object per message (template `a0c666e0-fc65-4be8-b48f-3423d788b552`,
//!   relations from, to, subject, message-id, send-date, attachment) and a `file` object per
//!   attachment and archive member (template `688c46fb-5edb-40a3-8273-1af7923e2215`: filename,
//!   md5, sha1, sha256, size-in-bytes, mimetype), linked by `contains` references (ObjectReference) email -> file and
//!   archive -> member. Template uuids and versions are those of the misp-objects copy bundled with
//!   PyMISP 2.5.34.4 (email v19, file v25).
//! - **Tags** (Tag): the TLP tag, `misp-galaxy:mitre-attack-pattern="<name> - <Txxxx>"` per technique,
//!   `misp-galaxy:threat-actor="<name>"` and `misp-galaxy:mitre-intrusion-set="<name> - <Gxxxx>"` per
//!   hypothesis. MISP attaches the galaxy clusters from these tags on import, so no `Galaxy` block
//!   (which would need the clusters' own uuids) is written.
//!
//! Every uuid is a UUIDv5 from the campaign id and stable keys; timestamps are the campaign's
//! `modified`; the event `date` is its first-seen day.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::id;
use crate::json::pretty;
use crate::stix::{ip_sco, normalise, uri, MAX_FILE_DEPTH};
use crate::time;
use crate::{Campaign, File, IndicatorKind, Message, Options, Tlp};

/// MISP object template "email" (misp-objects `objects/email/definition.json`).
pub const EMAIL_TEMPLATE_UUID: &str = "a0c666e0-fc65-4be8-b48f-3423d788b552";
pub const EMAIL_TEMPLATE_VERSION: &str = "19";
/// MISP object template "file" (misp-objects `objects/file/definition.json`).
pub const FILE_TEMPLATE_UUID: &str = "688c46fb-5edb-40a3-8273-1af7923e2215";
pub const FILE_TEMPLATE_VERSION: &str = "25";

/// Attribute `distribution` "5": inherit the event's.
const INHERIT: &str = "5";

/// MISP attribute type and category of an indicator (categories: describeTypes `default_category`).
fn attribute_type(kind: IndicatorKind) -> (&'static str, &'static str) {
    match kind {
        IndicatorKind::Domain => ("domain", "Network activity"),
        IndicatorKind::Url => ("url", "Network activity"),
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => ("ip-dst", "Network activity"),
        IndicatorKind::Email => ("email-src", "Payload delivery"),
        IndicatorKind::Sha256 => ("sha256", "Payload delivery"),
        IndicatorKind::Md5 => ("md5", "Payload delivery"),
        IndicatorKind::Sha1 => ("sha1", "Payload delivery"),
    }
}

/// Event `distribution` of the event for a TLP level: red stays in the organisation (0), amber goes
/// to this community (1), green to connected communities (2), white to all (3).
fn distribution(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Red => "0",
        Tlp::Amber => "1",
        Tlp::Green => "2",
        Tlp::White => "3",
    }
}

fn tlp_tag(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::White => "tlp:white",
        Tlp::Green => "tlp:green",
        Tlp::Amber => "tlp:amber",
        Tlp::Red => "tlp:red",
    }
}

/// A galaxy tag value sits between double quotes (`misp-galaxy:x="value"`) with no escape syntax,
/// so a double quote in a name becomes a single one.
fn tag_value(s: &str) -> String {
    s.trim().replace('"', "'")
}

struct Builder<'a> {
    c: &'a Campaign,
    timestamp: String,
    attributes: Vec<Value>,
    objects: Vec<Value>,
    /// (type, value) already exported as an event attribute: MISP keeps one per event.
    seen_attr: BTreeSet<(String, String)>,
    seen_obj: BTreeSet<String>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn attribute(
        &self,
        key: &[&str],
        ty: &str,
        category: &str,
        value: &str,
        to_ids: bool,
        comment: &str,
        relation: Option<&str>,
    ) -> Value {
        let mut parts = vec!["attribute", self.c.id.as_str()];
        parts.extend_from_slice(key);
        let mut m = Map::new();
        m.insert("uuid".into(), id::misp(&parts).into());
        if let Some(r) = relation {
            m.insert("object_relation".into(), r.into());
        }
        m.insert("type".into(), ty.into());
        m.insert("category".into(), category.into());
        m.insert("value".into(), value.into());
        m.insert("to_ids".into(), to_ids.into());
        m.insert("distribution".into(), INHERIT.into());
        m.insert("timestamp".into(), self.timestamp.clone().into());
        m.insert("comment".into(), comment.into());
        // Attribute `disable_correlation`: correlation is pointless for values every event shares (dates, sizes).
        if matches!(ty, "datetime" | "size-in-bytes" | "mime-type") {
            m.insert("disable_correlation".into(), true.into());
        }
        Value::Object(m)
    }

    fn event_attribute(
        &mut self,
        ty: &str,
        category: &str,
        value: &str,
        to_ids: bool,
        comment: &str,
    ) {
        if value.is_empty() || !self.seen_attr.insert((ty.to_string(), value.to_string())) {
            return;
        }
        let a = self.attribute(&[ty, value], ty, category, value, to_ids, comment, None);
        self.attributes.push(a);
    }

    fn object(
        &self,
        name: &str,
        uuid: &str,
        attrs: Vec<Value>,
        refs: Vec<Value>,
        comment: &str,
    ) -> Value {
        let (meta, template, version, description) = match name {
            "email" => (
                "network",
                EMAIL_TEMPLATE_UUID,
                EMAIL_TEMPLATE_VERSION,
                "Email object describing an email with meta-information",
            ),
            _ => (
                "file",
                FILE_TEMPLATE_UUID,
                FILE_TEMPLATE_VERSION,
                "File object describing a file with meta-information",
            ),
        };
        json!({
            "uuid": uuid,
            "name": name,
            "meta-category": meta,
            "template_uuid": template,
            "template_version": version,
            "description": description,
            "distribution": INHERIT,
            "timestamp": self.timestamp,
            "comment": comment,
            "Attribute": attrs,
            "ObjectReference": refs,
        })
    }

    fn reference(&self, from: &str, to: &str, rel: &str) -> Value {
        json!({
            "uuid": id::misp(&["reference", &self.c.id, from, to, rel]),
            "object_uuid": from,
            "referenced_uuid": to,
            "relationship_type": rel,
            "timestamp": self.timestamp,
        })
    }

    /// A file object (and its members' objects); returns its uuid. One object per (hash, name).
    fn file(&mut self, f: &File, depth: usize) -> String {
        let sha = f.sha256.trim().to_ascii_lowercase();
        let name = f.name.clone().unwrap_or_default();
        let uuid = id::misp(&["file", &self.c.id, &sha, &name]);
        if !self.seen_obj.insert(uuid.clone()) {
            return uuid;
        }
        let mut refs = Vec::new();
        if depth < MAX_FILE_DEPTH {
            for ch in &f.children {
                let cu = self.file(ch, depth + 1);
                let r = self.reference(&uuid, &cu, "contains");
                if !refs.contains(&r) {
                    refs.push(r);
                }
            }
        }
        let k = |rel: &'static str| -> Vec<&str> { vec!["file", sha.as_str(), name.as_str(), rel] };
        let mut attrs = Vec::new();
        if let Some(n) = f.name.as_deref().filter(|n| !n.is_empty()) {
            attrs.push(self.attribute(
                &k("filename"),
                "filename",
                "Payload delivery",
                n,
                false,
                "",
                Some("filename"),
            ));
        }
        for (rel, v) in [("md5", &f.md5), ("sha1", &f.sha1), ("sha256", &f.sha256)] {
            let v = v.trim().to_ascii_lowercase();
            if !v.is_empty() {
                attrs.push(self.attribute(
                    &k(rel),
                    rel,
                    "Payload delivery",
                    &v,
                    true,
                    "",
                    Some(rel),
                ));
            }
        }
        attrs.push(self.attribute(
            &k("size-in-bytes"),
            "size-in-bytes",
            "Other",
            &f.size.to_string(),
            false,
            "",
            Some("size-in-bytes"),
        ));
        if let Some(mime) = f.mime.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            attrs.push(self.attribute(
                &k("mimetype"),
                "mime-type",
                "Payload delivery",
                mime,
                false,
                "",
                Some("mimetype"),
            ));
        }
        let comment = if depth == 0 {
            "attachment"
        } else {
            "member of an attachment"
        };
        let o = self.object("file", &uuid, attrs, refs, comment);
        self.objects.push(o);
        uuid
    }

    fn message(&mut self, m: &Message) {
        let uuid = id::misp(&["email", &self.c.id, &m.key]);
        let k = |rel: &str, v: &str| -> Vec<String> {
            vec!["email".into(), m.key.clone(), rel.into(), v.into()]
        };
        let mut attrs = Vec::new();
        let mut add = |b: &Self, rel: &str, ty: &str, cat: &str, v: &str, to_ids: bool| {
            let key = k(rel, v);
            let key: Vec<&str> = key.iter().map(String::as_str).collect();
            attrs.push(b.attribute(&key, ty, cat, v, to_ids, "", Some(rel)));
        };
        if let Some(from) = m.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            add(self, "from", "email-src", "Payload delivery", from, true);
        }
        let mut tos = BTreeSet::new();
        for to in m.to.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            // Recipients are the victims: context, never detections.
            if tos.insert(to) {
                add(self, "to", "email-dst", "Payload delivery", to, false);
            }
        }
        if let Some(s) = m.subject.as_deref().filter(|s| !s.is_empty()) {
            add(
                self,
                "subject",
                "email-subject",
                "Payload delivery",
                s,
                false,
            );
        }
        if let Some(mid) = m
            .message_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            add(
                self,
                "message-id",
                "email-message-id",
                "Payload delivery",
                mid,
                false,
            );
        }
        if let Some(d) = m.date {
            add(self, "send-date", "datetime", "Other", &time::iso(d), false);
        }
        let mut names = BTreeSet::new();
        for a in &m.attachments {
            if let Some(n) = a.name.as_deref().filter(|n| !n.is_empty()) {
                if names.insert(n) {
                    add(
                        self,
                        "attachment",
                        "email-attachment",
                        "Payload delivery",
                        n,
                        false,
                    );
                }
            }
        }
        let mut refs = Vec::new();
        for a in &m.attachments {
            let fu = self.file(a, 0);
            let r = self.reference(&uuid, &fu, "contains");
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        // The email template requires one of its relations; a message with none of them (no sender,
        // recipient, subject, id, date or named attachment) gets no email object, only its files.
        if !attrs.is_empty() {
            let verdict = m.verdict.trim();
            let comment = format!(
                "spearwatch scan {}; verdict {}; received {}",
                m.key,
                if verdict.is_empty() {
                    "unknown"
                } else {
                    verdict
                },
                time::iso(m.received_at)
            );
            let o = self.object("email", &uuid, attrs, refs, &comment);
            self.objects.push(o);
        }

        // Same RFC 3986 form as the STIX export, so a link equal to a URL indicator is recognised.
        for u in m.urls.iter().map(|s| uri(s)).filter(|s| !s.is_empty()) {
            let comment = format!("link in message {}", m.key);
            self.event_attribute("url", "Network activity", &u, false, &comment);
        }
        if let Some((_, ip)) = m.sender_ip.as_deref().and_then(ip_sco) {
            let comment = format!("sending address of message {}", m.key);
            self.event_attribute("ip-src", "Network activity", &ip, false, &comment);
        }
    }
}

/// The campaign as a MISP event (`{"Event": {...}}`).
pub fn event(c: &Campaign, opts: &Options) -> Value {
    let modified = c.modified.max(c.created);
    let mut b = Builder {
        c,
        timestamp: time::unix(modified),
        attributes: Vec::new(),
        objects: Vec::new(),
        seen_attr: BTreeSet::new(),
        seen_obj: BTreeSet::new(),
    };

    // Indicators first: they own their values (to_ids true), so message context added later with
    // the same value is skipped rather than duplicated.
    for ind in &c.indicators {
        let (ty, cat) = attribute_type(ind.kind);
        let v = normalise(ind.kind, &ind.value);
        let comment = if ind.description.is_empty() {
            format!("first seen {}", time::iso(ind.first_seen))
        } else {
            format!(
                "{}; first seen {}",
                ind.description,
                time::iso(ind.first_seen)
            )
        };
        b.event_attribute(ty, cat, &v, true, &comment);
    }
    b.event_attribute("campaign-name", "Attribution", c.name.trim(), false, "");
    b.event_attribute(
        "campaign-id",
        "Attribution",
        c.id.trim(),
        false,
        "spearwatch campaign id",
    );
    if !c.description.trim().is_empty() {
        b.event_attribute(
            "comment",
            "Other",
            c.description.trim(),
            false,
            "campaign description",
        );
    }
    let mut tags = vec![json!({ "name": tlp_tag(opts.tlp) })];
    let mut push_tag = |name: String| {
        let t = json!({ "name": name });
        if !tags.contains(&t) {
            tags.push(t);
        }
    };
    for a in &c.actors {
        let mut why = vec![
            format!("ATT&CK {}", a.attack_id),
            format!("confidence {}", a.confidence.min(100)),
            if a.confirmed {
                "confirmed by an analyst".into()
            } else {
                "hypothesis".into()
            },
        ];
        why.extend(a.reasons.iter().cloned());
        b.event_attribute(
            "threat-actor",
            "Attribution",
            a.name.trim(),
            false,
            &why.join("; "),
        );
        push_tag(format!(
            "misp-galaxy:threat-actor=\"{}\"",
            tag_value(&a.name)
        ));
        if !a.attack_id.trim().is_empty() {
            push_tag(format!(
                "misp-galaxy:mitre-intrusion-set=\"{} - {}\"",
                tag_value(&a.name),
                tag_value(&a.attack_id)
            ));
        }
    }
    for t in &c.techniques {
        push_tag(format!(
            "misp-galaxy:mitre-attack-pattern=\"{} - {}\"",
            tag_value(&t.name),
            tag_value(&t.id)
        ));
    }
    for m in &c.messages {
        b.message(m);
    }

    let threat_level = if c.actors.iter().any(|a| a.confirmed) {
        "1"
    } else {
        "2"
    };
    let mut info = c.name.trim().to_string();
    if info.is_empty() {
        info = format!("spearwatch campaign {}", c.id);
    }
    json!({ "Event": {
        "uuid": id::misp(&["event", &c.id]),
        "info": info,
        "date": time::date(c.first_seen),
        // Event: threat_level_id 1 high, 2 medium; analysis 1 ongoing (a campaign can still grow).
        "threat_level_id": threat_level,
        "analysis": "1",
        "distribution": distribution(opts.tlp),
        "published": false,
        "timestamp": b.timestamp,
        "Orgc": { "name": c.producer, "uuid": id::misp(&["org", &c.producer]) },
        "Attribute": b.attributes,
        "Object": b.objects,
        "Tag": tags,
    }})
}

/// [`event`] as indented JSON text with sorted keys (byte-identical for identical input).
pub fn event_text(c: &Campaign, opts: &Options) -> String {
    pretty(&event(c, opts))
}
