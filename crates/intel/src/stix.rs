//! STIX 2.0 / 2.1 bundles: `indicator` objects with simple patterns.
//!
//! Supported patterns (STIX 2.1 §9, "STIX Patterning") are observation expressions of equality
//! comparisons joined by `OR`, in brackets and parentheses as written:
//! `[domain-name:value = 'a.example'] OR [url:value = 'http://b.example/x' OR ipv4-addr:value =
//! '198.51.100.0/24']`. The object paths understood are `domain-name:value`, `url:value`,
//! `ipv4-addr:value` (CIDR kept as a network), `ipv6-addr:value`, `email-addr:value`,
//! `email-message:from_ref.value` / `sender_ref.value`, and `file:hashes.'SHA-256'` / `SHA-1` / `MD5`.
//! `AND`, `FOLLOWEDBY`, `NOT`, qualifiers (`WITHIN`, `REPEATS`, `START`/`STOP`) and operators other
//! than `=` make the whole pattern unsupported: matching one term alone would claim more than the
//! pattern says. A comparison on another path inside an `OR` is skipped and counted; the others are
//! kept (an `OR` is satisfied by any one term).
//!
//! What an indicator's other properties give: `valid_until`, `confidence`, `name` and `labels` (as
//! labels), `description`, the `created_by_ref` identity's name (as the source), and `indicates`
//! relationships to `intrusion-set` / `threat-actor` objects (as actors) and to `malware`/`campaign`
//! (as labels). Revoked indicators and patterns of another `pattern_type` (Sigma, YARA, Snort) are
//! skipped and counted, as is every object that is not an indicator.

use crate::normalise;
use crate::timestamp::parse_rfc3339;
use crate::{Import, Indicator, Kind};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Longest pattern parsed; a longer one is skipped (patterns in feeds are a few hundred bytes).
const MAX_PATTERN_BYTES: usize = 64 << 10;

/// Imports the indicators of a bundle (`{"type": "bundle", "objects": [...]}`).
pub fn import(bundle: &Value, source: &str) -> Import {
    let objects: &[Value] = bundle
        .get("objects")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let version = if bundle.get("spec_version").and_then(Value::as_str) == Some("2.0") {
        "STIX 2.0 bundle"
    } else {
        "STIX 2.1 bundle"
    };
    let mut imp = Import {
        format: version,
        ..Default::default()
    };
    let str_of = |o: &Value, k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);

    // Names of the objects indicators point at.
    let mut names: HashMap<&str, (&str, Arc<str>)> = HashMap::new();
    for o in objects {
        let (Some(id), Some(ty), Some(name)) = (
            o.get("id").and_then(Value::as_str),
            o.get("type").and_then(Value::as_str),
            o.get("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        names.insert(id, (ty, Arc::from(name)));
    }
    let mut indicates: HashMap<&str, Vec<&str>> = HashMap::new();
    for o in objects {
        if o.get("type").and_then(Value::as_str) == Some("relationship")
            && o.get("relationship_type").and_then(Value::as_str) == Some("indicates")
        {
            if let (Some(s), Some(t)) = (
                o.get("source_ref").and_then(Value::as_str),
                o.get("target_ref").and_then(Value::as_str),
            ) {
                indicates.entry(s).or_default().push(t);
            }
        }
    }
    let default_source: Arc<str> = Arc::from(source);

    for (n, o) in objects.iter().enumerate() {
        let ty = o.get("type").and_then(Value::as_str).unwrap_or("(no type)");
        let id = o.get("id").and_then(Value::as_str).unwrap_or("");
        let at = || {
            if id.is_empty() {
                format!("object {n}")
            } else {
                id.to_string()
            }
        };
        if ty != "indicator" {
            imp.skip(&format!("not an indicator: {ty} object"), at);
            continue;
        }
        if o.get("revoked").and_then(Value::as_bool) == Some(true) {
            imp.skip("revoked indicator", at);
            continue;
        }
        let pattern_type = o
            .get("pattern_type")
            .and_then(Value::as_str)
            .unwrap_or("stix");
        if pattern_type != "stix" {
            imp.skip(&format!("pattern_type {pattern_type}"), at);
            continue;
        }
        let Some(pattern) = o.get("pattern").and_then(Value::as_str) else {
            imp.skip("indicator without a pattern", at);
            continue;
        };
        if pattern.len() > MAX_PATTERN_BYTES {
            imp.skip("pattern longer than 64 KiB", at);
            continue;
        }
        let terms = match parse_pattern(pattern) {
            Ok(t) => t,
            Err(PatternError::Unsupported(what)) => {
                imp.skip(&format!("unsupported pattern ({what})"), || {
                    format!("{}: {}", at(), spearwatch_core::truncate_str(pattern, 120))
                });
                continue;
            }
            Err(PatternError::Malformed(what)) => {
                imp.skip(&format!("malformed pattern ({what})"), || {
                    format!("{}: {}", at(), spearwatch_core::truncate_str(pattern, 120))
                });
                continue;
            }
        };

        // The metadata every indicator of this object shares.
        let mut proto = Indicator::new(Kind::Domain, String::new(), default_source.clone());
        if let Some((_, name)) = o
            .get("created_by_ref")
            .and_then(Value::as_str)
            .and_then(|r| names.get(r))
        {
            proto.source = name.clone();
        }
        proto.confidence = o
            .get("confidence")
            .and_then(Value::as_u64)
            .filter(|c| *c <= 100)
            .map(|c| c as u8);
        proto.valid_until = o
            .get("valid_until")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339);
        if let Some(name) = str_of(o, "name") {
            proto.labels.push(Arc::from(name));
        }
        for l in o
            .get("labels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(l) = l.as_str() {
                proto.labels.push(Arc::from(l));
            }
        }
        for target in indicates.get(id).into_iter().flatten() {
            if let Some((tty, name)) = names.get(target) {
                match *tty {
                    "intrusion-set" | "threat-actor" => proto.actors.push(name.clone()),
                    _ => proto.labels.push(Arc::from(format!("{tty}: {name}"))),
                }
            }
        }
        proto.description = str_of(o, "description").map(Arc::from);

        let mut kept = 0;
        for (path, value) in &terms {
            match term(path, value) {
                Ok((kind, v)) => {
                    let mut i = proto.clone();
                    i.kind = kind;
                    i.value = v;
                    imp.indicators.push(i);
                    kept += 1;
                }
                Err(why) => imp.skip(why, || format!("{}: {path} = '{value}'", at())),
            }
        }
        if kept == 0 && terms.is_empty() {
            imp.skip("pattern without comparisons", at);
        }
    }
    imp
}

/// One comparison to an indicator kind and value.
fn term(path: &str, value: &str) -> Result<(Kind, String), &'static str> {
    let p: String = path.chars().filter(|c| *c != '\'' && *c != '"').collect();
    let p = p.to_ascii_lowercase();
    match p.as_str() {
        "domain-name:value" => normalise::domain(value)
            .map(|d| (Kind::Domain, d))
            .ok_or("invalid domain-name value"),
        "url:value" => normalise::url(value)
            .map(|(u, _)| (Kind::Url, u))
            .ok_or("invalid url value"),
        "ipv4-addr:value" | "ipv6-addr:value" => match normalise::ip(value) {
            Some((a, len)) if a.is_ipv4() == p.starts_with("ipv4") && len != Some(0) => Ok((
                if a.is_ipv4() { Kind::Ipv4 } else { Kind::Ipv6 },
                normalise::ip_value(a, len),
            )),
            _ => Err("invalid IP value"),
        },
        "email-addr:value" | "email-message:from_ref.value" | "email-message:sender_ref.value" => {
            normalise::email(value)
                .map(|e| (Kind::Email, e))
                .ok_or("invalid e-mail value")
        }
        _ => {
            if let Some(h) = p.strip_prefix("file:hashes.") {
                let want = match h.replace('-', "").as_str() {
                    "sha256" => Kind::Sha256,
                    "sha1" => Kind::Sha1,
                    "md5" => Kind::Md5,
                    _ => return Err("unsupported hash algorithm"),
                };
                return match normalise::hash(value) {
                    Some((k, v)) if k == want => Ok((k, v)),
                    _ => Err("hash value of the wrong length"),
                };
            }
            Err("unsupported object path")
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum PatternError {
    /// Valid STIX patterning this importer does not support (the word or operator).
    Unsupported(String),
    Malformed(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    LParen,
    RParen,
    Str(String),
    Word(String),
    Op(String),
}

fn tokenize(p: &str) -> Result<Vec<Tok>, PatternError> {
    let mut out = Vec::new();
    let mut it = p.chars().peekable();
    while let Some(&c) = it.peek() {
        match c {
            c if c.is_whitespace() => {
                it.next();
            }
            '[' => {
                it.next();
                out.push(Tok::Open);
            }
            ']' => {
                it.next();
                out.push(Tok::Close);
            }
            '(' => {
                it.next();
                out.push(Tok::LParen);
            }
            ')' => {
                it.next();
                out.push(Tok::RParen);
            }
            '\'' => {
                it.next();
                out.push(Tok::Str(read_quoted(&mut it)?));
            }
            '=' | '!' | '<' | '>' => {
                let mut op = String::new();
                while let Some(&c) = it.peek() {
                    if "=!<>".contains(c) {
                        op.push(c);
                        it.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Op(op));
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' => {
                let mut w = String::new();
                while let Some(&c) = it.peek() {
                    if c.is_alphanumeric() || "_-:.*".contains(c) {
                        w.push(c);
                        it.next();
                    } else if c == '\'' && w.ends_with('.') {
                        // A quoted path step: file:hashes.'SHA-256'
                        it.next();
                        let q = read_quoted(&mut it)?;
                        w.push('\'');
                        w.push_str(&q);
                        w.push('\'');
                    } else if c == '[' && w.contains(':') {
                        // A list index step: to_refs[*].value, to_refs[0].value
                        w.push(c);
                        it.next();
                        for c in it.by_ref() {
                            w.push(c);
                            if c == ']' {
                                break;
                            }
                        }
                    } else {
                        break;
                    }
                }
                out.push(Tok::Word(w));
            }
            _ => return Err(PatternError::Malformed("unexpected character")),
        }
    }
    Ok(out)
}

fn read_quoted(it: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, PatternError> {
    let mut s = String::new();
    loop {
        match it.next() {
            None => return Err(PatternError::Malformed("unterminated string")),
            Some('\\') => match it.next() {
                Some(c) => s.push(c),
                None => return Err(PatternError::Malformed("unterminated string")),
            },
            Some('\'') => return Ok(s),
            Some(c) => s.push(c),
        }
    }
}

/// The `(object path, value)` comparisons of a pattern made only of `=` comparisons joined by `OR`.
pub fn parse_pattern(p: &str) -> Result<Vec<(String, String)>, PatternError> {
    let toks = tokenize(p)?;
    let mut terms = Vec::new();
    // Open brackets and parentheses; with OR as the only connector, grouping changes nothing, so
    // only balance and placement are checked.
    let mut stack: Vec<char> = Vec::new();
    let mut want_operand = true;
    let mut i = 0;
    while i < toks.len() {
        let in_obs = stack.contains(&'[');
        match &toks[i] {
            Tok::Open if want_operand && !in_obs => stack.push('['),
            Tok::LParen if want_operand => stack.push('('),
            Tok::Close if !want_operand && stack.last() == Some(&'[') => {
                stack.pop();
            }
            Tok::RParen if !want_operand && stack.last() == Some(&'(') => {
                stack.pop();
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("OR") && !want_operand => want_operand = true,
            Tok::Word(w) if want_operand && in_obs && w.contains(':') => {
                match (toks.get(i + 1), toks.get(i + 2)) {
                    (Some(Tok::Op(op)), Some(Tok::Str(v))) if op == "=" => {
                        terms.push((w.clone(), v.clone()));
                        want_operand = false;
                        i += 3;
                        continue;
                    }
                    (Some(Tok::Op(op)), _) if op != "=" => {
                        return Err(PatternError::Unsupported(format!("operator {op}")))
                    }
                    (Some(Tok::Word(k)), _) => {
                        return Err(PatternError::Unsupported(k.to_ascii_uppercase()))
                    }
                    (Some(Tok::Op(_)), _) => {
                        return Err(PatternError::Unsupported("non-string value".into()))
                    }
                    _ => return Err(PatternError::Malformed("comparison without operator")),
                }
            }
            Tok::Word(w) => {
                let k = w.to_ascii_uppercase();
                return Err(match k.as_str() {
                    "AND" | "FOLLOWEDBY" | "NOT" | "LIKE" | "MATCHES" | "IN" | "ISSUBSET"
                    | "ISSUPERSET" | "WITHIN" | "REPEATS" | "START" | "STOP" | "EXISTS" => {
                        PatternError::Unsupported(k)
                    }
                    _ => PatternError::Malformed("unexpected word"),
                });
            }
            Tok::Op(op) => return Err(PatternError::Unsupported(format!("operator {op}"))),
            _ => return Err(PatternError::Malformed("unbalanced brackets")),
        }
        i += 1;
    }
    if !stack.is_empty() || want_operand {
        return Err(PatternError::Malformed("unbalanced brackets"));
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let ok = parse_pattern("[domain-name:value = 'evil.example' OR url:value = 'http://x.example/a\\'b'] OR ([file:hashes.'SHA-256' = 'AB'])").unwrap();
        assert_eq!(
            parse_pattern("[(a:b = 'x' OR c:d = 'y')]").unwrap().len(),
            2
        );
        assert_eq!(
            ok,
            vec![
                ("domain-name:value".into(), "evil.example".into()),
                ("url:value".into(), "http://x.example/a'b".into()),
                ("file:hashes.'SHA-256'".into(), "AB".into()),
            ]
        );
        let unsupported = [
            ("[a:b = 'x' AND c:d = 'y']", "AND"),
            ("[a:b = 'x'] FOLLOWEDBY [c:d = 'y']", "FOLLOWEDBY"),
            ("[a:b != 'x']", "operator !="),
            ("[a:b = 'x'] WITHIN 5 SECONDS", "WITHIN"),
            ("[a:b MATCHES 'x']", "MATCHES"),
            ("[a:b = 5]", "non-string value"),
        ];
        for (p, what) in unsupported {
            assert_eq!(
                parse_pattern(p),
                Err(PatternError::Unsupported(what.into())),
                "{p}"
            );
        }
        for p in [
            "[a:b = 'x'",
            "a:b = 'x']",
            "[a:b = 'x",
            "[]",
            "",
            "[a:b = 'x'] OR",
            "[(a:b = 'x'])",
            "][",
        ] {
            assert!(
                matches!(parse_pattern(p), Err(PatternError::Malformed(_))),
                "{p}"
            );
        }
    }

    fn bundle(spec: &str) -> Value {
        serde_json::from_str(&format!(
            r#"{{"type": "bundle", "id": "bundle--1", {spec} "objects": [
  {{"type": "identity", "id": "identity--1", "name": "Example CERT"}},
  {{"type": "intrusion-set", "id": "intrusion-set--1", "name": "Kimsuky"}},
  {{"type": "malware", "id": "malware--1", "name": "BabyShark"}},
  {{"type": "indicator", "id": "indicator--1", "created_by_ref": "identity--1",
    "name": "Kimsuky phishing infrastructure", "labels": ["malicious-activity"], "confidence": 85,
    "pattern_type": "stix", "valid_until": "2099-01-01T00:00:00Z",
    "pattern": "[domain-name:value = 'Login-Naver.Example.'] OR [ipv4-addr:value = '198.51.100.0/24'] OR [email-message:from_ref.value = 'Sec@Login-Naver.example'] OR [file:name = 'a.hwp']"}},
  {{"type": "indicator", "id": "indicator--2", "pattern": "[file:hashes.'SHA-256' = '6471F3898E63C2A9AF25284253DC087DFDA94809182C45728B3ADC40E238C7F6' OR file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"}},
  {{"type": "indicator", "id": "indicator--3", "pattern": "[url:value = 'http://a.example/x' AND url:value = 'http://b.example/']"}},
  {{"type": "indicator", "id": "indicator--4", "pattern_type": "sigma", "pattern": "title: x"}},
  {{"type": "indicator", "id": "indicator--5", "revoked": true, "pattern": "[domain-name:value = 'old.example']"}},
  {{"type": "relationship", "id": "relationship--1", "relationship_type": "indicates", "source_ref": "indicator--1", "target_ref": "intrusion-set--1"}},
  {{"type": "relationship", "id": "relationship--2", "relationship_type": "indicates", "source_ref": "indicator--2", "target_ref": "malware--1"}}
]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn bundle_21() {
        let imp = import(&bundle(""), "feed");
        assert_eq!(imp.format, "STIX 2.1 bundle");
        let got: Vec<(Kind, &str)> = imp
            .indicators
            .iter()
            .map(|i| (i.kind, i.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::Domain, "login-naver.example"),
                (Kind::Ipv4, "198.51.100.0/24"),
                (Kind::Email, "sec@login-naver.example"),
                (
                    Kind::Sha256,
                    "6471f3898e63c2a9af25284253dc087dfda94809182c45728b3adc40e238c7f6"
                ),
                (Kind::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
            ]
        );
        let first = &imp.indicators[0];
        assert_eq!(&*first.source, "Example CERT");
        assert_eq!(first.confidence, Some(85));
        assert_eq!(first.valid_until, Some(4_070_908_800));
        assert_eq!(first.actors, vec![Arc::<str>::from("Kimsuky")]);
        assert!(first.labels.iter().any(|l| &**l == "malicious-activity"));
        assert_eq!(&*imp.indicators[3].source, "feed");
        assert!(imp.indicators[3]
            .labels
            .iter()
            .any(|l| &**l == "malware: BabyShark"));
        assert_eq!(imp.skipped.get("unsupported object path"), Some(&1));
        assert_eq!(imp.skipped.get("unsupported pattern (AND)"), Some(&1));
        assert_eq!(imp.skipped.get("pattern_type sigma"), Some(&1));
        assert_eq!(imp.skipped.get("revoked indicator"), Some(&1));
        assert_eq!(
            imp.skipped.get("not an indicator: relationship object"),
            Some(&2)
        );
        assert_eq!(imp.skipped_total(), 1 + 1 + 1 + 1 + 2 + 3);
    }

    #[test]
    fn bundle_20() {
        let imp = import(&bundle(r#""spec_version": "2.0","#), "feed");
        assert_eq!(imp.format, "STIX 2.0 bundle");
        assert_eq!(imp.indicators.len(), 5);
    }
}
