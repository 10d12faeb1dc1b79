//! The object scanner: finds every `N G obj ... endobj` in the file by its bytes (the way viewers rebuild
//! a broken cross-reference table), parses each object on its own, locates stream data, and opens
//! object streams (ISO 32000-1 §7.5.7). Broken or absent xref tables, which malicious PDFs carry more
//! often than not, cost nothing: the xref is never read.

use super::filters::{self, Stop};
use super::lex::{is_regular, is_ws, Dict, Obj, Parser};
use crate::{Node, Walk};
use memchr::memmem;
use std::collections::HashMap;

/// Objects kept per file (top level and inside object streams together).
const MAX_OBJECTS: usize = 200_000;
/// Values parsed per file, across all objects: bounds the work on hostile nesting and huge arrays.
const VALUE_BUDGET: usize = 8_000_000;
/// Object streams opened per file.
const MAX_OBJSTMS: usize = 20_000;
/// String bytes kept per file beyond the file's own size: what object streams may add. Top-level
/// strings are bounded by the file itself; decompressed object streams could otherwise multiply them.
const STRING_BUDGET: usize = 64 << 20;
/// Bytes a trailer dictionary (§7.5.5) is read from: a few hundred in practice.
const TRAILER_WINDOW: usize = 64 << 10;

pub(crate) struct Object {
    pub num: u32,
    pub value: Obj,
    /// Stream data, as a range of the file.
    pub stream: Option<(usize, usize)>,
    /// The object stream that held this object (§7.5.7), if any.
    pub container: Option<u32>,
}

impl Object {
    pub fn dict(&self) -> Option<&Dict> {
        self.value.as_dict()
    }
}

pub(crate) struct Doc<'a> {
    pub data: &'a [u8],
    pub objs: Vec<Object>,
    index: HashMap<u32, usize>,
    pub trailers: Vec<Dict>,
    pub version: Option<String>,
    pub in_objstm: usize,
    /// The object limit was reached.
    pub truncated: bool,
    /// Set once `/Encrypt` is seen: strings and streams are ciphertext.
    pub encrypted: bool,
    pub budget: usize,
    /// String bytes still to be kept (see [`STRING_BUDGET`]).
    pub string_bytes: usize,
}

static NULL: Obj = Obj::Null;

impl<'a> Doc<'a> {
    pub fn get(&self, num: u32) -> Option<&Object> {
        self.index.get(&num).and_then(|i| self.objs.get(*i))
    }

    /// Follows indirect references (a bounded number of hops); a dangling one is `null` (§7.3.10).
    pub fn resolve<'s>(&'s self, mut o: &'s Obj) -> &'s Obj {
        for _ in 0..16 {
            match o {
                Obj::Ref(n, _) => match self.get(*n) {
                    Some(x) => o = &x.value,
                    None => return &NULL,
                },
                _ => return o,
            }
        }
        &NULL
    }

    pub fn resolve_dict<'s>(&'s self, o: &'s Obj) -> Option<&'s Dict> {
        self.resolve(o).as_dict()
    }

    /// The filter names of a stream dictionary, in order.
    pub fn filters(&self, d: &Dict) -> Vec<Vec<u8>> {
        let Some(f) = d.get("Filter").or_else(|| d.get("F")) else {
            return Vec::new();
        };
        match self.resolve(f) {
            Obj::Name(n) => vec![n.bytes.clone()],
            Obj::Array(a) => a
                .iter()
                .filter_map(|x| match self.resolve(x) {
                    Obj::Name(n) => Some(n.bytes.clone()),
                    _ => None,
                })
                .take(32)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn raw_stream(&self, num: u32) -> Option<&'a [u8]> {
        let (s, e) = self.get(num)?.stream?;
        self.data.get(s..e)
    }

    /// The decoded data of stream object `num`.
    pub fn stream(&self, w: &mut Walk<'_>, node: &mut Node, num: u32) -> Result<Vec<u8>, Stop> {
        let Some(o) = self.get(num) else {
            return Err(Stop::Failed(format!("object {num} is missing")));
        };
        let (Some(d), Some(raw)) = (o.dict(), self.raw_stream(num)) else {
            return Err(Stop::Failed(format!("object {num} is not a stream")));
        };
        if self.encrypted && !d.name_is("Type", "XRef") {
            // §7.6: every stream but the cross-reference stream is encrypted.
            return Err(Stop::Unsupported("encrypted".into()));
        }
        let filters = self.filters(d);
        filters::decode(w, node, &format!("stream object {num}"), raw, &filters)
    }
}

/// Scans `data` for objects, trailers and the header version, then opens object streams.
pub(crate) fn scan<'a>(w: &mut Walk<'_>, node: &mut Node, data: &'a [u8]) -> Doc<'a> {
    let mut doc = Doc {
        data,
        objs: Vec::new(),
        index: HashMap::new(),
        trailers: Vec::new(),
        version: None,
        in_objstm: 0,
        truncated: false,
        encrypted: false,
        budget: VALUE_BUDGET,
        string_bytes: STRING_BUDGET.saturating_add(data.len()),
    };
    // §7.5.2: the header; viewers accept it anywhere in the first 1024 bytes.
    let head = &data[..data.len().min(1024)];
    if let Some(i) = memmem::find(head, b"%PDF-") {
        let v: String = data
            .get(i + 5..)
            .unwrap_or_default()
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit() || **c == b'.')
            .map(|&c| c as char)
            .collect();
        if !v.is_empty() {
            doc.version = Some(v);
        }
    }
    scan_objects(w, node, &mut doc);
    scan_trailers(&mut doc);
    doc.encrypted = doc.trailers.iter().any(|t| t.get("Encrypt").is_some())
        || doc
            .objs
            .iter()
            .filter_map(Object::dict)
            .any(|d| d.name_is("Type", "XRef") && d.get("Encrypt").is_some());
    open_object_streams(w, node, &mut doc);
    if doc.string_bytes == 0 {
        w.limit(
            node,
            "PDF strings",
            format!(
                "strings beyond {} bytes (object streams included) were cut",
                STRING_BUDGET.saturating_add(data.len())
            ),
        );
    }
    doc
}

fn scan_objects(w: &mut Walk<'_>, node: &mut Node, doc: &mut Doc<'_>) {
    let data = doc.data;
    let find_obj = memmem::Finder::new(b"obj");
    let find_endobj = memmem::Finder::new(b"endobj");
    let find_endstream = memmem::Finder::new(b"endstream");
    let mut pos = 0;
    let mut next_endobj: Option<usize> = None;
    while let Some(i) = data.get(pos..).and_then(|d| find_obj.find(d)) {
        let at = pos + i;
        pos = at + 3;
        if data.get(at + 3).is_some_and(|c| is_regular(*c)) {
            continue;
        }
        let Some(num) = header_before(data, at) else {
            continue;
        };
        if doc.objs.len() >= MAX_OBJECTS || doc.budget == 0 {
            doc.truncated = true;
            break;
        }
        if doc.objs.len() % 512 == 511 && w.expired(node) {
            break;
        }
        // The object's value ends, at the latest, at the next `endobj`.
        let end = match next_endobj {
            Some(e) if e >= at + 3 => e,
            _ => {
                let e = data
                    .get(at + 3..)
                    .and_then(|d| find_endobj.find(d))
                    .map_or(data.len(), |k| at + 3 + k);
                next_endobj = Some(e);
                e
            }
        };
        let mut p = Parser::new(data, at + 3, end, doc.budget).with_string_budget(doc.string_bytes);
        let value = p.value().unwrap_or(Obj::Null);
        doc.budget = p.budget;
        doc.string_bytes = p.string_bytes;
        let mut stream = None;
        if p.peek_keyword() == Some(b"stream") {
            // §7.3.8.1: `stream` is followed by CRLF or LF (a lone CR is accepted).
            let mut s = p.pos + 6;
            if data.get(s) == Some(&b'\r') {
                s += 1;
            }
            if data.get(s) == Some(&b'\n') {
                s += 1;
            }
            let declared = value
                .as_dict()
                .and_then(|d| d.int("Length"))
                .and_then(|l| usize::try_from(l).ok())
                .and_then(|l| s.checked_add(l))
                .filter(|&e| e <= data.len() && endstream_follows(data, e));
            let e = match declared {
                Some(e) => e,
                None => match data.get(s..).and_then(|d| find_endstream.find(d)) {
                    Some(k) => {
                        let mut e = s + k;
                        // The end-of-line marker before `endstream` is not data.
                        if e > s && data.get(e - 1) == Some(&b'\n') {
                            e -= 1;
                        }
                        if e > s && data.get(e - 1) == Some(&b'\r') {
                            e -= 1;
                        }
                        e
                    }
                    None => data.len(),
                },
            };
            stream = Some((s, e));
            pos = pos.max(
                data.get(e..)
                    .and_then(|d| find_endstream.find(d))
                    .map_or(data.len(), |k| e + k + 9),
            );
        } else {
            pos = pos.max(p.pos);
        }
        let idx = doc.objs.len();
        doc.objs.push(Object {
            num,
            value,
            stream,
            container: None,
        });
        // §7.5.6: in an incrementally updated file the last definition of an object wins.
        doc.index.insert(num, idx);
    }
}

/// `endstream` after optional white space at `e`.
fn endstream_follows(data: &[u8], e: usize) -> bool {
    let mut i = e;
    while i < data.len() && i < e + 4 && is_ws(data[i]) {
        i += 1;
    }
    data.get(i..).is_some_and(|d| d.starts_with(b"endstream"))
}

/// `N G` before the `obj` keyword at `at` (§7.3.10): returns N.
fn header_before(data: &[u8], at: usize) -> Option<u32> {
    let mut i = at;
    while i > 0 && at - i < 16 && is_ws(data[i - 1]) {
        i -= 1;
    }
    let gen_end = i;
    let gen_start = digits_before(data, gen_end, 5)?;
    let mut i = gen_start;
    while i > 0 && gen_start - i < 16 && is_ws(data[i - 1]) {
        i -= 1;
    }
    if i == gen_start {
        return None;
    }
    let num_end = i;
    let num_start = digits_before(data, num_end, 10)?;
    if num_start > 0 && is_regular(data[num_start - 1]) {
        return None;
    }
    let n = super::lex::parse_uint(&data[num_start..num_end]);
    u32::try_from(n).ok()
}

/// Start of a run of 1..=max ASCII digits ending at `end`.
fn digits_before(data: &[u8], end: usize, max: usize) -> Option<usize> {
    let mut i = end;
    while i > 0 && data[i - 1].is_ascii_digit() {
        i -= 1;
        if end - i > max {
            return None;
        }
    }
    (i < end).then_some(i)
}

/// §7.5.5: `trailer << ... >>` dictionaries (every revision has one in a classic xref file).
fn scan_trailers(doc: &mut Doc<'_>) {
    let data = doc.data;
    let mut done = 0;
    for at in memmem::find_iter(data, b"trailer").take(256) {
        // A `trailer` inside the previous trailer's dictionary (a string holding the keyword) is not
        // read again; each one is read from a bounded window, not to the end of the file.
        if at < done {
            continue;
        }
        let end = (at + 7).saturating_add(TRAILER_WINDOW);
        let mut p = Parser::new(data, at + 7, end, 100_000).with_string_budget(TRAILER_WINDOW);
        if let Some(Obj::Dict(d)) = p.value() {
            doc.trailers.push(d);
        }
        done = p.pos;
    }
}

/// §7.5.7: decodes each `/Type /ObjStm` stream and parses the objects it holds.
fn open_object_streams(w: &mut Walk<'_>, node: &mut Node, doc: &mut Doc<'_>) {
    let stms: Vec<u32> = doc
        .objs
        .iter()
        .filter(|o| o.stream.is_some() && o.dict().is_some_and(|d| d.name_is("Type", "ObjStm")))
        .map(|o| o.num)
        .take(MAX_OBJSTMS)
        .collect();
    for num in stms {
        if w.expired(node) || doc.truncated {
            break;
        }
        let Some((n, first)) = doc.get(num).and_then(Object::dict).map(|d| {
            (
                d.int("N").unwrap_or(0).clamp(0, 100_000) as usize,
                d.int("First").unwrap_or(0).max(0) as usize,
            )
        }) else {
            continue;
        };
        let Ok(decoded) = doc.stream(w, node, num) else {
            continue;
        };
        let first = first.min(decoded.len());
        // The header: N pairs of integers, object number and offset relative to /First. §7.5.7: "the
        // byte offsets shall be in increasing order". A pair that does not move forward is skipped:
        // thousands of objects at one offset would each parse (and keep) the same bytes again.
        let mut p = Parser::new(&decoded, 0, first, n * 2 + 8);
        let mut pairs: Vec<(u32, usize)> = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let (Some(Obj::Num(a)), Some(Obj::Num(b))) = (p.value(), p.value()) else {
                break;
            };
            if a >= 0.0 && a < f64::from(u32::MAX) && b >= 0.0 {
                let at = first.saturating_add(b as usize);
                if pairs.last().is_none_or(|&(_, prev)| at > prev) && at < decoded.len() {
                    pairs.push((a as u32, at));
                }
            }
        }
        for (j, &(obj, start)) in pairs.iter().enumerate() {
            if doc.objs.len() >= MAX_OBJECTS || doc.budget == 0 {
                doc.truncated = true;
                break;
            }
            if w.expired(node) {
                break;
            }
            // Each object is parsed up to the next one's offset, never beyond.
            let end = pairs.get(j + 1).map_or(decoded.len(), |p| p.1);
            let mut q =
                Parser::new(&decoded, start, end, doc.budget).with_string_budget(doc.string_bytes);
            let value = q.value().unwrap_or(Obj::Null);
            doc.budget = q.budget;
            doc.string_bytes = q.string_bytes;
            let idx = doc.objs.len();
            doc.objs.push(Object {
                num: obj,
                value,
                stream: None,
                container: Some(num),
            });
            doc.in_objstm += 1;
            doc.index.entry(obj).or_insert(idx);
        }
    }
}
