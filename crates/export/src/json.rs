//! JSON text with object keys in a fixed order, independent of serde_json's map type.
//!
//! [`canonical`] is RFC 8785 (JCS) for the values this crate builds (strings, integers, booleans,
//! arrays, objects): keys sorted by UTF-16 code units (RFC 8785 §3.2.3), no whitespace, strings with
//! the minimal escaping of §3.2.2.2 (serde_json's string escaping is exactly that). STIX 2.1 §2.9 hashes
//! this form of an SCO's ID contributing properties. [`pretty`] is the same order, indented, for files.

use serde_json::Value;

/// RFC 8785 canonical text of `v`.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write(v, None, 0, &mut out);
    out
}

/// Sorted keys, two-space indentation, trailing newline.
pub fn pretty(v: &Value) -> String {
    let mut out = String::new();
    write(v, Some(2), 0, &mut out);
    out.push('\n');
    out
}

fn newline(indent: Option<usize>, level: usize, out: &mut String) {
    if let Some(n) = indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', n * level));
    }
}

fn string(s: &str, out: &mut String) {
    // Serialising a &str cannot fail; the fallback keeps this total without a panic path.
    match serde_json::to_string(s) {
        Ok(t) => out.push_str(&t),
        Err(_) => out.push_str("\"\""),
    }
}

fn write(v: &Value, indent: Option<usize>, level: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(indent, level + 1, out);
                write(item, indent, level + 1, out);
            }
            newline(indent, level, out);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = map.keys().collect();
            // RFC 8785 §3.2.3: sort by UTF-16 code units.
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(indent, level + 1, out);
                string(k, out);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                if let Some(item) = map.get(*k) {
                    write(item, indent, level + 1, out);
                }
            }
            newline(indent, level, out);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_and_escapes_minimally() {
        let v = json!({"b": 1, "a": ["x\"\\\n\u{1}", "한글/"], "\u{e9}": true, "z": {}});
        assert_eq!(
            canonical(&v),
            "{\"a\":[\"x\\\"\\\\\\n\\u0001\",\"한글/\"],\"b\":1,\"z\":{},\"\u{e9}\":true}"
        );
    }

    #[test]
    fn utf16_order_differs_from_utf8_order() {
        // U+FB01 sorts before U+1F600 in UTF-8 bytes (EF.. < F0..) but after it in UTF-16 code
        // units (FB01 > D83D, a surrogate): RFC 8785 §3.2.3 defines the order on UTF-16.
        let v = json!({"\u{FB01}": 2, "\u{1F600}": 1});
        assert_eq!(canonical(&v), "{\"\u{1F600}\":1,\"\u{FB01}\":2}");
    }

    #[test]
    fn pretty_is_indented_and_sorted() {
        let v = json!({"b": [1], "a": "x"});
        assert_eq!(
            pretty(&v),
            "{\n  \"a\": \"x\",\n  \"b\": [\n    1\n  ]\n}\n"
        );
    }
}
