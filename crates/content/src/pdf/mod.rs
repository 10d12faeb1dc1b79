//! PDF (ISO 32000-1): actions, scripts, embedded files, links and encryption.
//!
//! The primary path is a lenient token scanner over the whole file ([`scan`]): every `N G obj` is parsed
//! on its own, object streams are opened, and the cross-reference table is never trusted (malicious
//! PDFs break it on purpose, viewers repair it silently). Then every dictionary of every object is
//! visited once, and the triggers (`/OpenAction`, `/AA`, the document-level `/Names /JavaScript` tree)
//! are followed to the actions they run (§12.6), so that a script that runs on opening is told apart
//! from one behind a form field.

mod filters;
mod lex;
mod scan;

use crate::{fingerprint_parts, FingerprintKind, Node, Walk};
use filters::Stop;
use lex::{text_string, Dict, Obj};
use scan::Doc;
use spearwatch_core::{technique as t, truncate_str, Severity};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// Names whose hex-escaped spelling (§7.3.5) only serves to hide them from byte-level scanners.
const KEY_NAMES: &[&str] = &[
    "JavaScript",
    "JS",
    "OpenAction",
    "AA",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "URI",
    "SubmitForm",
    "ImportData",
    "GoToR",
    "GoToE",
    "RichMedia",
    "XFA",
    "AcroForm",
    "ObjStm",
    "Names",
    "FlateDecode",
    "ASCIIHexDecode",
    "ASCII85Decode",
    "Filter",
    "Action",
    "S",
    "Type",
    "Win",
    "EF",
];

/// §12.6.3 table 194-197: trigger events that fire without the reader clicking anything (page
/// open/close, annotation page-open/visible, document close/save/print).
const AUTO_TRIGGERS: &[&str] = &["O", "PO", "PV", "PC", "PI", "WC", "WS", "DS", "WP", "DP"];

/// Action types (§12.6.4 table 198) that reach outside the document or run code.
const RISKY_ACTIONS: &[&str] = &[
    "JavaScript",
    "Launch",
    "URI",
    "GoToR",
    "GoToE",
    "SubmitForm",
    "ImportData",
    "Rendition",
    "RichMediaExecute",
];

/// JavaScript APIs seen in PDF exploits and droppers, and obfuscation staples.
const JS_EXPLOIT: &[&str] = &[
    "util.printf",
    "Collab.getIcon",
    "Collab.collectEmailInfo",
    "media.newPlayer",
    "spell.customDictionaryOpen",
    "getAnnots",
    "exportDataObject",
    "app.doc.syncAnnotScan",
    "%u0c0c",
    "%u9090",
    "\\x0c\\x0c",
];
const JS_OBFUSCATION: &[&str] = &["eval(", "unescape(", "String.fromCharCode", "fromCharCode("];

/// The object a value was found in.
#[derive(Clone, Copy)]
struct Ctx {
    obj: u32,
    in_objstm: bool,
}

/// Where a script's text is. Strings of the parsed document are borrowed, never copied: one string
/// named by thousands of actions would otherwise be copied thousands of times.
enum JsCode<'d> {
    /// Text found outside the parsed objects (XFA packets).
    Text(Vec<u8>),
    Borrowed(&'d [u8]),
    Stream(u32),
    Missing,
}

/// What identifies a script's text without reading it: the same text is decoded once.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum CodeId {
    At(usize, usize),
    Stream(u32),
    Missing(u32),
    Encrypted(u32),
    Owned(usize),
}

struct Js<'d> {
    ctx: Ctx,
    auto: bool,
    trigger: Option<String>,
    code: JsCode<'d>,
}

struct Action {
    kind: String,
    trigger: Option<String>,
    auto: bool,
    ctx: Ctx,
    /// Shared between actions with the same target (see [`Facts::intern`]).
    target: Rc<str>,
}

/// Action types counted apart for [`MAX_ACTIONS`] (§12.6.4 table 198); any other is "other".
const ACTION_KINDS: &[&str] = &[
    "JavaScript",
    "Launch",
    "URI",
    "GoTo",
    "GoToR",
    "GoToE",
    "SubmitForm",
    "ImportData",
    "ResetForm",
    "Rendition",
    "RichMediaExecute",
    "Named",
    "Hide",
];

#[derive(Default)]
struct Facts<'d> {
    js: Vec<Js<'d>>,
    actions: Vec<Action>,
    /// (action dictionary, trigger, auto) already recorded: a dictionary reached again the same way
    /// adds nothing.
    acted: HashSet<(usize, Option<String>, bool)>,
    escaped_names: BTreeSet<String>,
    /// Embedded file stream object -> the file name its file specification gives (§7.11.4).
    filespec_names: HashMap<u32, String>,
    xfa: bool,
    xfa_streams: Vec<u32>,
    richmedia: usize,
    /// Objects with an `/AA` entry, even an empty one.
    aa_objects: BTreeSet<u32>,
    pages: BTreeSet<u32>,
    /// Name trees (by root dictionary) already read.
    name_trees: HashSet<usize>,
    /// Actions recorded per (type, runs without a click): each kind is capped on its own, so a crowd of
    /// decoy actions of one kind cannot crowd out another (and fills its own kind's finding).
    per_kind: HashMap<(&'static str, bool), usize>,
    /// Distinct action targets.
    targets: HashSet<Rc<str>>,
    /// An action cap was hit.
    capped: bool,
    steps: usize,
    /// The time budget ran out during the walk.
    stopped: bool,
}

const MAX_STEPS: usize = 20_000_000;
/// Actions (and their scripts) recorded per document, per kind and auto/click: far beyond real
/// documents, bounded for hostile ones.
const MAX_ACTIONS: usize = 20_000;
/// Bytes of a string read for a target or file name (evidence shows 120-2048 characters of it).
const MAX_NAME_BYTES: usize = 8 << 10;

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let doc = scan::scan(w, node, data);
    let mut f = Facts::default();
    for o in &doc.objs {
        if f.steps > MAX_STEPS || f.stopped || w.expired(node) {
            break;
        }
        let ctx = Ctx {
            obj: o.num,
            in_objstm: o.container.is_some(),
        };
        f.visit(w, node, &doc, &o.value, ctx, 0);
    }
    for d in &doc.trailers {
        let ctx = Ctx {
            obj: 0,
            in_objstm: false,
        };
        f.visit_dict(w, node, &doc, d, ctx, 0);
    }
    if f.capped {
        w.limit(
            node,
            "PDF actions",
            format!("more than {MAX_ACTIONS} actions of one kind; the rest were not recorded"),
        );
    }
    report(w, node, &doc, &mut f);
}

/// Text of a string, from at most its first [`MAX_NAME_BYTES`] bytes.
fn short_text(b: &[u8]) -> String {
    text_string(b.get(..MAX_NAME_BYTES).unwrap_or(b))
}

impl<'d> Facts<'d> {
    /// Counts one step, and every 4096 steps checks the time budget.
    fn step(&mut self, w: &mut Walk<'_>, node: &mut Node) -> bool {
        self.steps += 1;
        if self.steps.is_multiple_of(4096) && w.expired(node) {
            self.stopped = true;
        }
        !self.stopped && self.steps <= MAX_STEPS
    }

    fn visit(
        &mut self,
        w: &mut Walk<'_>,
        node: &mut Node,
        doc: &'d Doc<'_>,
        o: &'d Obj,
        ctx: Ctx,
        depth: u32,
    ) {
        if !self.step(w, node) || depth > 40 {
            return;
        }
        match o {
            Obj::Dict(d) => self.visit_dict(w, node, doc, d, ctx, depth),
            Obj::Array(a) => {
                for x in a {
                    self.visit(w, node, doc, x, ctx, depth + 1);
                }
            }
            Obj::Name(n) if n.escaped => {
                self.escaped_names.insert(n.text());
            }
            _ => {}
        }
    }

    fn visit_dict(
        &mut self,
        w: &mut Walk<'_>,
        node: &mut Node,
        doc: &'d Doc<'_>,
        d: &'d Dict,
        ctx: Ctx,
        depth: u32,
    ) {
        for (k, _) in &d.0 {
            if k.escaped {
                self.escaped_names.insert(k.text());
            }
        }
        self.dict(w, node, doc, d, ctx);
        for (_, v) in &d.0 {
            self.visit(w, node, doc, v, ctx, depth + 1);
        }
    }

    fn dict(&mut self, w: &mut Walk<'_>, node: &mut Node, doc: &'d Doc<'_>, d: &'d Dict, ctx: Ctx) {
        if d.name("S").is_some() || d.get("JS").is_some() {
            self.action(doc, d, ctx, None, false);
        }
        if d.name_is("Type", "Page") {
            self.pages.insert(ctx.obj);
        }
        // §12.6.2: the catalog's /OpenAction runs when the document opens. Looked for in every
        // dictionary: a broken file may not say which one is the catalog.
        if let Some(oa) = d.get("OpenAction") {
            self.follow_root(doc, oa, ctx, "/OpenAction".into(), true);
        }
        // §12.6.3: additional actions, keyed by trigger event.
        if d.get("AA").is_some() {
            self.aa_objects.insert(ctx.obj);
        }
        if let Some(aa) = d.get("AA").and_then(|a| doc.resolve_dict(a)) {
            let page = d.name_is("Type", "Page");
            let catalog = d.name_is("Type", "Catalog") || d.get("Pages").is_some();
            for (k, v) in &aa.0 {
                let key = k.text();
                let auto = catalog || page || AUTO_TRIGGERS.contains(&key.as_str());
                let owner = if catalog {
                    "document"
                } else if page {
                    "page"
                } else {
                    "annotation/field"
                };
                self.follow_root(doc, v, ctx, format!("/AA /{key} ({owner})"), auto);
            }
        }
        // §7.7.4 table 31: document-level JavaScript in the name dictionary runs when the document
        // opens. Each tree is read once, however many dictionaries name it.
        if let Some(js) = d
            .get("Names")
            .and_then(|n| doc.resolve_dict(n))
            .and_then(|n| n.get("JavaScript"))
        {
            let root = doc.resolve(js) as *const Obj as usize;
            if self.name_trees.insert(root) {
                for v in self.name_tree_values(w, node, doc, js) {
                    self.follow_root(
                        doc,
                        v,
                        ctx,
                        "document-level /Names /JavaScript".into(),
                        true,
                    );
                }
            }
        }
        // §7.11.4: a file specification with embedded file streams.
        if let Some(ef) = d.get("EF").and_then(|e| doc.resolve_dict(e)) {
            let name = file_spec_dict(d);
            for (_, v) in &ef.0 {
                if let Obj::Ref(n, _) = v {
                    self.filespec_names
                        .entry(*n)
                        .or_insert_with(|| name.clone());
                }
            }
        }
        // §12.7.8: an XFA form, as one stream or an array of (packet name, stream) pairs.
        if let Some(x) = d.get("XFA") {
            self.xfa = true;
            if self.xfa_streams.len() < 4096 {
                match x {
                    Obj::Ref(n, _) => self.xfa_streams.push(*n),
                    Obj::Array(a) => self.xfa_streams.extend(
                        a.iter()
                            .filter_map(|v| match v {
                                Obj::Ref(n, _) => Some(*n),
                                _ => None,
                            })
                            .take(4096),
                    ),
                    _ => {}
                }
            }
        }
        if d.name_is("Subtype", "RichMedia") || d.get("RichMediaContent").is_some() {
            self.richmedia += 1;
        }
    }

    /// Values of a name tree (§7.9.6): `/Names [key value ...]` in leaves, `/Kids` below the root.
    /// Each node is read once (a `/Kids` array may name its own tree thousands of times), the stack
    /// and the values are bounded, and the walk counts against the time budget.
    fn name_tree_values(
        &mut self,
        w: &mut Walk<'_>,
        node: &mut Node,
        doc: &'d Doc<'_>,
        root: &'d Obj,
    ) -> Vec<&'d Obj> {
        const MAX_NODES: usize = 4096;
        const MAX_STACK: usize = 65_536;
        let mut out = Vec::new();
        let mut stack = vec![root];
        let mut seen: HashSet<usize> = HashSet::new();
        while let Some(n) = stack.pop() {
            if seen.len() >= MAX_NODES || out.len() > 4096 || !self.step(w, node) {
                break;
            }
            let Some(d) = doc.resolve_dict(n) else {
                continue;
            };
            if !seen.insert(d as *const Dict as usize) {
                continue;
            }
            if let Some(Obj::Array(a)) = d.get("Names").map(|x| doc.resolve(x)) {
                out.extend(a.iter().skip(1).step_by(2).take(4096));
            }
            if let Some(Obj::Array(k)) = d.get("Kids").map(|x| doc.resolve(x)) {
                for kid in k.iter().take(4096) {
                    let Some(kd) = doc.resolve_dict(kid) else {
                        continue;
                    };
                    if stack.len() < MAX_STACK && !seen.contains(&(kd as *const Dict as usize)) {
                        stack.push(kid);
                    }
                }
            }
        }
        out
    }

    /// Follows what a trigger runs: an action dictionary (and its `/Next` chain, §12.6.2) or a
    /// destination.
    fn follow_root(&mut self, doc: &'d Doc<'_>, o: &'d Obj, ctx: Ctx, trigger: String, auto: bool) {
        let mut seen = HashSet::new();
        self.follow(doc, o, ctx, &trigger, auto, 0, &mut seen);
    }

    #[allow(clippy::too_many_arguments)]
    fn follow(
        &mut self,
        doc: &'d Doc<'_>,
        o: &'d Obj,
        ctx: Ctx,
        trigger: &str,
        auto: bool,
        depth: u32,
        seen: &mut HashSet<u32>,
    ) {
        self.steps += 1;
        if depth > 16 || seen.len() > 256 || self.steps > MAX_STEPS {
            return;
        }
        let ctx = match o {
            Obj::Ref(n, _) => {
                if !seen.insert(*n) {
                    return;
                }
                doc.get(*n).map_or(ctx, |x| Ctx {
                    obj: *n,
                    in_objstm: x.container.is_some(),
                })
            }
            _ => ctx,
        };
        match doc.resolve(o) {
            Obj::Dict(d) => {
                if d.name("S").is_some() || d.get("JS").is_some() {
                    self.action(doc, d, ctx, Some(trigger.to_string()), auto);
                } else if d.get("D").is_some() {
                    self.push_destination(trigger, auto, ctx);
                }
                if let Some(next) = d.get("Next") {
                    match doc.resolve(next) {
                        Obj::Array(a) => {
                            for x in a {
                                self.follow(doc, x, ctx, trigger, auto, depth + 1, seen);
                            }
                        }
                        _ => self.follow(doc, next, ctx, trigger, auto, depth + 1, seen),
                    }
                }
            }
            // §12.3.2: an explicit destination (`[page /Fit]`) or a named one.
            Obj::Array(_) | Obj::Str(_) | Obj::Name(_) => self.push_destination(trigger, auto, ctx),
            _ => {}
        }
    }

    /// Counts one more action of `kind`; false once that kind's cap is reached.
    fn admit(&mut self, kind: &str, auto: bool) -> bool {
        let bucket = ACTION_KINDS
            .iter()
            .copied()
            .find(|k| *k == kind)
            .unwrap_or("other");
        let n = self.per_kind.entry((bucket, auto)).or_default();
        if *n >= MAX_ACTIONS {
            self.capped = true;
            return false;
        }
        *n += 1;
        true
    }

    /// One shared copy per distinct target: many actions may name one long string.
    fn intern(&mut self, target: String) -> Rc<str> {
        if let Some(t) = self.targets.get(target.as_str()) {
            return Rc::clone(t);
        }
        let t: Rc<str> = Rc::from(target);
        self.targets.insert(Rc::clone(&t));
        t
    }

    fn push_destination(&mut self, trigger: &str, auto: bool, ctx: Ctx) {
        if !self.admit("GoTo", auto) {
            return;
        }
        let target = self.intern(String::new());
        self.actions.push(Action {
            kind: "GoTo".into(),
            trigger: Some(trigger.to_string()),
            auto,
            ctx,
            target,
        });
    }

    /// An action dictionary (§12.6.4).
    fn action(
        &mut self,
        doc: &'d Doc<'_>,
        d: &'d Dict,
        ctx: Ctx,
        trigger: Option<String>,
        auto: bool,
    ) {
        if !self
            .acted
            .insert((d as *const Dict as usize, trigger.clone(), auto))
        {
            return;
        }
        let kind = match d.name("S") {
            Some(n) => n.text(),
            None => "JavaScript".into(),
        };
        if !self.admit(&kind, auto) {
            return;
        }
        if let Some(js) = d.get("JS") {
            let code = match js {
                Obj::Ref(n, _) if doc.get(*n).is_some_and(|o| o.stream.is_some()) => {
                    JsCode::Stream(*n)
                }
                o => match doc.resolve(o) {
                    Obj::Str(s) => JsCode::Borrowed(s),
                    _ => JsCode::Missing,
                },
            };
            self.js.push(Js {
                ctx,
                auto,
                trigger: trigger.clone(),
                code,
            });
        }
        let target = match kind.as_str() {
            "Launch" => launch_target(doc, d),
            "URI" => d
                .get("URI")
                .map(|u| match doc.resolve(u) {
                    Obj::Str(s) => short_text(s),
                    _ => String::new(),
                })
                .unwrap_or_default(),
            "GoToR" | "GoToE" | "SubmitForm" | "ImportData" => {
                d.get("F").map(|f| file_spec(doc, f)).unwrap_or_default()
            }
            _ => String::new(),
        };
        let target = self.intern(truncate_str(&target, 2048));
        self.actions.push(Action {
            kind,
            trigger,
            auto,
            ctx,
            target,
        });
    }
}

/// §7.11: a file specification, as a string or a dictionary; the Unicode name first.
fn file_spec(doc: &Doc<'_>, o: &Obj) -> String {
    match doc.resolve(o) {
        Obj::Str(s) => short_text(s),
        Obj::Name(n) => n.text(),
        Obj::Dict(d) => file_spec_dict(d),
        _ => String::new(),
    }
}

fn file_spec_dict(d: &Dict) -> String {
    for k in ["UF", "F", "Unix", "DOS", "Mac"] {
        if let Some(Obj::Str(s)) = d.get(k) {
            let t = short_text(s);
            if !t.is_empty() {
                return truncate_str(&t, 1024);
            }
        }
    }
    String::new()
}

/// §12.6.4.5: a launch action's file and, for Windows, its parameters (`/Win << /F /P /D /O >>`).
fn launch_target(doc: &Doc<'_>, d: &Dict) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(win) = d.get("Win").and_then(|o| doc.resolve_dict(o)) {
        for k in ["F", "P"] {
            if let Some(Obj::Str(s)) = win.get(k).map(|o| doc.resolve(o)) {
                parts.push(short_text(s));
            }
        }
    }
    if parts.is_empty() {
        for k in ["F", "Unix", "Mac"] {
            if let Some(v) = d.get(k) {
                let s = file_spec(doc, v);
                if !s.is_empty() {
                    parts.push(s);
                    break;
                }
            }
        }
    }
    parts.join(" ")
}

/// Short, single-line sample of a script for evidence.
fn sample(code: &str, max: usize) -> String {
    // Only the head is shown: a multi-megabyte script is not reformatted whole.
    let head = code
        .char_indices()
        .nth(max.saturating_mul(8))
        .map_or(code, |(i, _)| &code[..i]);
    let one: String = head.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_str(&one, max)
}

/// Acrobat's built-in form helpers (`AFNumber_Format(2, 0, ...)`, `AFSimple_Calculate(...)`) are what
/// ordinary fillable forms carry: short, and nothing but calls to `AF*` functions.
fn is_form_helper(code: &str) -> bool {
    let c = code.trim();
    if is_acrobat_boilerplate(c) {
        return true;
    }
    c.len() < 400
        && !c.is_empty()
        && c.split([';', '\n', '\r'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .all(|s| s.starts_with("AF") || s.starts_with("event.value") || s.starts_with("//"))
}

/// The version check Acrobat/LiveCycle Designer writes into every form it saves (the localised
/// "this document requires a newer Reader" strings and the check itself): document-level, so it
/// runs on opening, and carries nothing else.
fn is_acrobat_boilerplate(code: &str) -> bool {
    [
        "ADBE.Reader_Value_Asked",
        "ADBE.Viewer_string_Title",
        "ADBE.Viewer_Form_string",
    ]
    .iter()
    .any(|m| code.contains(m))
        && code.len() < 8000
        && !JS_EXPLOIT
            .iter()
            .chain(JS_OBFUSCATION)
            .any(|p| code.contains(p))
}

fn is_remote_path(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("\\\\")
        || l.starts_with("//")
        || l.starts_with("smb:")
        || l.starts_with("file://")
        || l.starts_with("http:")
        || l.starts_with("https:")
}

/// Extensions of embedded files that run or carry something that runs.
const RISKY_EMBEDDED: &[&str] = &[
    "exe", "scr", "dll", "com", "pif", "cpl", "js", "jse", "vbs", "vbe", "wsf", "hta", "lnk",
    "bat", "cmd", "ps1", "jar", "msi", "iso", "img", "vhd", "zip", "rar", "7z", "docm", "xlsm",
    "pptm", "dotm", "one", "chm", "reg", "url", "svg", "html", "htm", "doc", "xls",
];

fn ext(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

struct Script {
    code: String,
    /// `code` is the script's text (not a note that it could not be read).
    text: bool,
    auto: bool,
    triggers: BTreeSet<String>,
    objs: BTreeSet<u32>,
    in_objstm: bool,
}

fn report(w: &mut Walk<'_>, node: &mut Node, doc: &Doc<'_>, f: &mut Facts<'_>) {
    // XFA packets may hold <script> elements (XFA 3.3 §"script"): JavaScript by default.
    let mut xfa_scripts: Vec<Js> = Vec::new();
    let mut xfa_seen = BTreeSet::new();
    for n in f.xfa_streams.clone() {
        if !xfa_seen.insert(n) || xfa_seen.len() > 64 {
            continue;
        }
        let Ok(x) = doc.stream(w, node, n) else {
            continue;
        };
        for code in xfa_script_bodies(&x) {
            xfa_scripts.push(Js {
                ctx: Ctx {
                    obj: n,
                    in_objstm: false,
                },
                auto: false,
                trigger: Some("XFA form event".into()),
                code: JsCode::Text(code),
            });
        }
    }
    f.js.extend(xfa_scripts);

    // Scripts, grouped by their text (the global walk and the trigger walk both see each action).
    // Each distinct source of text (a string of the document, a stream) is decoded once, and texts are
    // compared by hash first: thousands of actions may name one multi-megabyte script.
    let mut scripts: Vec<Script> = Vec::new();
    let mut by_id: HashMap<CodeId, usize> = HashMap::new();
    let mut by_text: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, js) in f.js.iter().enumerate() {
        let id = match &js.code {
            _ if doc.encrypted => CodeId::Encrypted(js.ctx.obj),
            JsCode::Text(_) => CodeId::Owned(i),
            JsCode::Borrowed(b) => CodeId::At(b.as_ptr() as usize, b.len()),
            JsCode::Stream(n) => CodeId::Stream(*n),
            JsCode::Missing => CodeId::Missing(js.ctx.obj),
        };
        let k = match by_id.get(&id) {
            Some(&k) => k,
            None => {
                if w.expired(node) {
                    break;
                }
                // `text`: the script itself, not a note standing in for it.
                let (code, text) = match &js.code {
                    _ if doc.encrypted => (
                        format!("(encrypted script in object {})", js.ctx.obj),
                        false,
                    ),
                    JsCode::Text(b) => (text_string(b), true),
                    JsCode::Borrowed(b) => (text_string(b), true),
                    JsCode::Stream(n) => match doc.stream(w, node, *n) {
                        Ok(b) => (text_string(&b), true),
                        Err(Stop::Unsupported(what)) => {
                            (format!("(script stream {n} with filter {what})"), false)
                        }
                        Err(Stop::Failed(e)) => {
                            (format!("(unreadable script stream {n}: {e})"), false)
                        }
                    },
                    JsCode::Missing => (
                        format!("(script in object {} not found)", js.ctx.obj),
                        false,
                    ),
                };
                let h = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    code.hash(&mut h);
                    h.finish()
                };
                let same = by_text.entry(h).or_default();
                let k = match same.iter().copied().find(|&k| scripts[k].code == code) {
                    Some(k) => k,
                    None => {
                        scripts.push(Script {
                            code,
                            text,
                            auto: false,
                            triggers: BTreeSet::new(),
                            objs: BTreeSet::new(),
                            in_objstm: false,
                        });
                        same.push(scripts.len() - 1);
                        scripts.len() - 1
                    }
                };
                by_id.insert(id, k);
                k
            }
        };
        let e = &mut scripts[k];
        e.auto |= js.auto;
        e.in_objstm |= js.ctx.in_objstm && js.auto;
        if let Some(t) = &js.trigger {
            e.triggers.insert(t.clone());
        }
        e.objs.insert(js.ctx.obj);
    }
    // In text order, as before: evidence shows the first script.
    scripts.sort_by(|a, b| a.code.cmp(&b.code));
    node.add_fingerprint(js_fingerprint(&scripts));

    let pages = f.pages.len();
    let mut format = match &doc.version {
        Some(v) => format!("PDF {v} document"),
        None => "PDF document".to_string(),
    };
    format.push_str(&format!(
        ", {pages} page{}, {} objects",
        if pages == 1 { "" } else { "s" },
        doc.objs.len()
    ));
    if doc.in_objstm > 0 {
        format.push_str(&format!(" ({} in object streams)", doc.in_objstm));
    }
    if doc.encrypted {
        format.push_str(", encrypted");
    }
    if !scripts.is_empty() {
        format.push_str(", with JavaScript");
    }
    if doc.truncated {
        format.push_str(" (object limit reached)");
    }
    node.format = Some(format);

    extract_text(w, node, doc, f);
    report_scripts(node, &scripts);
    report_triggers(node, f);
    report_launch(node, f);
    report_links(node, doc, f);
    report_forms(node, f);
    report_embedded(w, node, doc, f);
    report_structure(node, doc, f, &scripts);
}

/// Page text for the lure detectors: the strings shown by `Tj`, `'`, `"` and `TJ` (§9.4.3) in the
/// first pages' content streams, where the font encoding leaves them readable (simple fonts with a
/// Latin encoding). CID-keyed fonts (most CJK text) need their CMaps and are skipped.
fn extract_text(w: &mut Walk<'_>, node: &mut Node, doc: &Doc<'_>, f: &Facts<'_>) {
    let mut streams = Vec::new();
    for &p in f.pages.iter().take(20) {
        let Some(c) = doc
            .get(p)
            .and_then(|o| o.dict())
            .and_then(|d| d.get("Contents"))
        else {
            continue;
        };
        match c {
            Obj::Ref(n, _) => streams.push(*n),
            Obj::Array(a) => streams.extend(a.iter().filter_map(|x| match x {
                Obj::Ref(n, _) => Some(*n),
                _ => None,
            })),
            _ => {}
        }
    }
    for n in streams.into_iter().take(40) {
        if doc.encrypted || node.text.len() >= crate::node::MAX_TEXT || w.expired(node) {
            return;
        }
        let Ok(content) = doc.stream(w, node, n) else {
            continue;
        };
        let mut p = lex::Parser::new(&content, 0, content.len().min(2 << 20), 200_000);
        let mut line = String::new();
        let mut last: Vec<Obj> = Vec::new();
        while let Some(v) = p.value() {
            match &v {
                Obj::Kw(k) if matches!(k.as_slice(), b"Tj" | b"'" | b"\"" | b"TJ") => {
                    for o in last.drain(..) {
                        match o {
                            Obj::Str(s) => push_shown(&mut line, &s),
                            Obj::Array(a) => {
                                for x in a {
                                    if let Obj::Str(s) = x {
                                        push_shown(&mut line, &s);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Obj::Kw(k) if matches!(k.as_slice(), b"ET" | b"Td" | b"TD" | b"T*") => {
                    last.clear();
                    if !line.trim().is_empty() {
                        line.push(' ');
                    }
                    if k == b"ET" && !line.trim().is_empty() {
                        node.push_text(line.trim());
                        line.clear();
                    }
                }
                Obj::Kw(_) => last.clear(),
                _ => {
                    if last.len() > 8 {
                        last.remove(0);
                    }
                    last.push(v);
                }
            }
        }
        if !line.trim().is_empty() {
            node.push_text(line.trim());
        }
    }
}

/// A shown string, if its bytes read as text.
fn push_shown(line: &mut String, s: &[u8]) {
    let t = text_string(s);
    let readable = t
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_ascii_punctuation() || *c == ' ')
        .count();
    if !t.is_empty() && readable * 10 >= t.chars().count() * 9 {
        line.push_str(&t);
    }
}

/// `<script ...>body</script>` elements of an XFA packet, bounded.
fn xfa_script_bodies(x: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while out.len() < 256 {
        let Some(i) = x
            .get(pos..)
            .and_then(|d| memchr::memmem::find(d, b"<script"))
        else {
            break;
        };
        let start = pos + i;
        let Some(gt) = x.get(start..).and_then(|d| memchr::memchr(b'>', d)) else {
            break;
        };
        let body = start + gt + 1;
        // `<script .../>` has no body.
        if x.get(start + gt - 1) == Some(&b'/') {
            pos = body;
            continue;
        }
        let end = x
            .get(body..)
            .and_then(|d| memchr::memmem::find(d, b"</script"))
            .map_or(x.len(), |k| body + k);
        let code = x.get(body..end).unwrap_or_default();
        if code.iter().any(|c| !c.is_ascii_whitespace()) {
            out.push(code.to_vec());
        }
        pos = end;
    }
    out
}

/// The document's [`FingerprintKind::PdfJavaScript`] fingerprint: each distinct script text once, in
/// the order of the lowest-numbered object whose action carries it (a re-saved copy renumbers objects
/// but rarely reorders them), text order between scripts of one object. Notes standing in for scripts that could not be
/// read (encrypted, unsupported filter) carry object numbers, not code: they are left out.
fn js_fingerprint(scripts: &[Script]) -> Option<crate::Fingerprint> {
    let mut real: Vec<(u32, &str)> = scripts
        .iter()
        .filter(|s| s.text)
        .map(|s| (s.objs.first().copied().unwrap_or(0), s.code.as_str()))
        .collect();
    real.sort_unstable();
    fingerprint_parts(
        FingerprintKind::PdfJavaScript,
        real.iter().map(|(_, c)| c.as_bytes()),
    )
}

fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>, max: usize) -> String {
    let v: Vec<String> = items.into_iter().map(|x| x.to_string()).collect();
    let n = v.len();
    let mut s = v.into_iter().take(max).collect::<Vec<_>>().join(", ");
    if n > max {
        s.push_str(&format!(" and {} more", n - max));
    }
    s
}

fn report_scripts(node: &mut Node, scripts: &[Script]) {
    if scripts.is_empty() {
        return;
    }
    let auto: Vec<&Script> = scripts
        .iter()
        .filter(|s| s.auto && !is_acrobat_boilerplate(&s.code))
        .collect();
    let all: Vec<&Script> = scripts.iter().collect();
    let bytes: usize = all.iter().map(|s| s.code.len()).sum();
    let first = auto.first().copied().unwrap_or(all[0]);
    let objs: BTreeSet<u32> = all.iter().flat_map(|s| s.objs.iter().copied()).collect();
    let helpers_only = auto.is_empty() && all.iter().all(|s| is_form_helper(&s.code));
    let (sev, title) = if helpers_only {
        (
            Severity::Low,
            "PDF form carries Acrobat formatting/calculation scripts",
        )
    } else {
        (Severity::High, "PDF contains JavaScript")
    };
    node.flag(
        "pdf.javascript",
        sev,
        title,
        &[t::JAVASCRIPT],
        sample(&first.code, 200),
        format!(
            "{} script{}, {bytes} characters, in object{} {}",
            all.len(),
            if all.len() == 1 { "" } else { "s" },
            if objs.len() == 1 { "" } else { "s" },
            list(&objs, 12)
        ),
    );
    if !auto.is_empty() {
        let triggers: BTreeSet<&String> = auto.iter().flat_map(|s| s.triggers.iter()).collect();
        node.flag(
            "pdf.auto_javascript",
            Severity::Critical,
            "PDF runs JavaScript automatically when it is opened",
            &[t::JAVASCRIPT, t::MALICIOUS_FILE],
            sample(&auto[0].code, 200),
            format!("triggered by {}", list(triggers, 6)),
        );
    }
    let mut exploit = BTreeSet::new();
    let mut obfus = BTreeSet::new();
    for s in &all {
        for p in JS_EXPLOIT {
            if s.code.contains(p) {
                exploit.insert(*p);
            }
        }
        for p in JS_OBFUSCATION {
            if s.code.contains(p) {
                obfus.insert(p.trim_end_matches('('));
            }
        }
        let longest = s
            .code
            .split(['"', '\''])
            .skip(1)
            .step_by(2)
            .map(str::len)
            .max()
            .unwrap_or(0);
        if longest > 10_000 {
            obfus.insert("string literal over 10,000 characters");
        }
    }
    if !exploit.is_empty() || !obfus.is_empty() {
        let mut tech = Vec::new();
        if !exploit.is_empty() {
            tech.push(t::EXPLOITATION_FOR_CLIENT_EXECUTION);
        }
        if !obfus.is_empty() {
            tech.push(t::OBFUSCATED_FILES);
        }
        let all_hits: Vec<&str> = exploit.iter().chain(obfus.iter()).copied().collect();
        node.flag(
            "pdf.js_suspicious",
            Severity::High,
            "PDF JavaScript uses exploit-era APIs or obfuscation",
            &tech,
            all_hits.join(", "),
            if exploit.is_empty() {
                "obfuscation: code built at run time".to_string()
            } else {
                "APIs abused by PDF exploits and droppers (exportDataObject opens an embedded file)"
                    .to_string()
            },
        );
    }
}

fn describe(a: &Action) -> String {
    let trig = a.trigger.as_deref().unwrap_or("");
    if a.target.is_empty() {
        format!("{trig} -> {}", a.kind)
    } else {
        format!("{trig} -> {} {}", a.kind, truncate_str(&a.target, 120))
    }
}

fn action_techniques(kinds: &BTreeSet<&str>) -> Vec<&'static str> {
    let mut v = Vec::new();
    for k in kinds {
        match *k {
            "JavaScript" => v.push(t::JAVASCRIPT),
            "Launch" => v.push(t::MALICIOUS_FILE),
            "URI" | "SubmitForm" => v.push(t::MALICIOUS_LINK),
            "GoToR" | "GoToE" | "ImportData" => v.push(t::USER_EXECUTION),
            _ => {}
        }
    }
    if v.is_empty() {
        v.push(t::USER_EXECUTION);
    }
    v.dedup();
    v
}

fn report_triggers(node: &mut Node, f: &Facts<'_>) {
    for (id, prefix, what) in [
        ("pdf.open_action", "/OpenAction", "when the document opens"),
        (
            "pdf.additional_actions",
            "/AA",
            "on document, page or field events",
        ),
    ] {
        let acts: Vec<&Action> = f
            .actions
            .iter()
            .filter(|a| a.trigger.as_deref().is_some_and(|t| t.starts_with(prefix)))
            .collect();
        if acts.is_empty() {
            if id == "pdf.additional_actions" && !f.aa_objects.is_empty() {
                node.flag(
                    id,
                    Severity::Info,
                    "PDF declares additional actions (none defined)",
                    &[t::USER_EXECUTION],
                    "/AA << >>",
                    format!("empty /AA in object(s) {}", list(&f.aa_objects, 12)),
                );
            }
            continue;
        }
        let risky: Vec<&&Action> = acts
            .iter()
            .filter(|a| a.auto && RISKY_ACTIONS.contains(&a.kind.as_str()))
            .collect();
        let kinds: BTreeSet<&str> = acts.iter().map(|a| a.kind.as_str()).collect();
        let shown: BTreeSet<String> = acts.iter().map(|a| describe(a)).collect();
        let (sev, title) = if risky.is_empty() {
            (
                Severity::Info,
                format!("PDF defines actions {what} ({})", list(&kinds, 6)),
            )
        } else {
            let rk: BTreeSet<&str> = risky.iter().map(|a| a.kind.as_str()).collect();
            (
                Severity::Medium,
                format!("PDF runs {} {what} without a click", list(&rk, 6)),
            )
        };
        let tech = if risky.is_empty() {
            vec![t::USER_EXECUTION]
        } else {
            action_techniques(&risky.iter().map(|a| a.kind.as_str()).collect())
        };
        let objs: BTreeSet<u32> = acts.iter().map(|a| a.ctx.obj).collect();
        node.flag(
            id,
            sev,
            title,
            &tech,
            list(&shown, 8),
            format!(
                "in object{} {}",
                if objs.len() == 1 { "" } else { "s" },
                list(&objs, 12)
            ),
        );
    }
}

fn report_launch(node: &mut Node, f: &Facts<'_>) {
    let launches: BTreeSet<String> = f
        .actions
        .iter()
        .filter(|a| a.kind == "Launch")
        .map(|a| a.target.to_string())
        .collect();
    if launches.is_empty() {
        return;
    }
    let text = list(
        launches
            .iter()
            .map(|s| if s.is_empty() { "(no target)" } else { s }),
        6,
    );
    let mut tech = vec![t::MALICIOUS_FILE];
    for l in crate::exe::script::launchers(&text) {
        if !tech.contains(&l.technique) {
            tech.push(l.technique);
        }
    }
    let auto = f.actions.iter().any(|a| a.kind == "Launch" && a.auto);
    let objs: BTreeSet<u32> = f
        .actions
        .iter()
        .filter(|a| a.kind == "Launch")
        .map(|a| a.ctx.obj)
        .collect();
    node.flag(
        "pdf.launch",
        Severity::Critical,
        "PDF launches a program or file (Launch action)",
        &tech,
        text,
        format!(
            "{}; object{} {}",
            if auto {
                "runs when the document or a page opens"
            } else {
                "runs on a click"
            },
            if objs.len() == 1 { "" } else { "s" },
            list(&objs, 8)
        ),
    );
}

fn report_links(node: &mut Node, doc: &Doc<'_>, f: &Facts<'_>) {
    let uris: BTreeSet<&str> = f
        .actions
        .iter()
        .filter(|a| a.kind == "URI" && !a.target.is_empty())
        .map(|a| &*a.target)
        .collect();
    for u in &uris {
        node.push_link(u);
    }
    if !uris.is_empty() {
        node.flag(
            "pdf.uri",
            Severity::Info,
            format!(
                "PDF links to {} address{}",
                uris.len(),
                if uris.len() == 1 { "" } else { "es" }
            ),
            &[t::MALICIOUS_LINK],
            *uris.iter().next().unwrap_or(&""),
            list(&uris, 10),
        );
    }
    // The click-through lure: a page whose only annotation is one link covering much of the page
    // (a blurred "document preview" image under a big button).
    if f.pages.is_empty() || f.pages.len() > 3 {
        return;
    }
    for &p in &f.pages {
        let Some(pd) = doc.get(p).and_then(|o| o.dict()) else {
            continue;
        };
        let Some(Obj::Array(annots)) = pd.get("Annots").map(|a| doc.resolve(a)) else {
            continue;
        };
        let mut links = Vec::new();
        let mut others = 0;
        for a in annots.iter().take(500) {
            let Some(ad) = doc.resolve_dict(a) else {
                continue;
            };
            let uri = ad
                .get("A")
                .and_then(|x| doc.resolve_dict(x))
                .filter(|x| x.name_is("S", "URI"))
                .and_then(|x| x.get("URI"))
                .and_then(|u| match doc.resolve(u) {
                    Obj::Str(s) => Some(short_text(s)),
                    _ => None,
                });
            match (ad.name_is("Subtype", "Link"), uri) {
                (true, Some(u)) => links.push((u, rect_area(doc, ad.get("Rect")))),
                (false, _) if ad.name_is("Subtype", "Popup") => {}
                _ => others += 1,
            }
        }
        if links.len() != 1 || others > 0 {
            continue;
        }
        let page_area = media_box_area(doc, pd);
        let (uri, area) = &links[0];
        if page_area > 0.0 && *area / page_area >= 0.2 {
            node.flag(
                "pdf.link_page",
                Severity::Medium,
                "PDF page is one big clickable link (a click-through lure)",
                &[t::SPEARPHISHING_LINK, t::MALICIOUS_LINK],
                uri,
                format!(
                    "page object {p}: its only annotation is a link covering {:.0}% of the page",
                    100.0 * area / page_area
                ),
            );
            return;
        }
    }
}

fn rect_area(doc: &Doc<'_>, r: Option<&Obj>) -> f64 {
    let Some(Obj::Array(a)) = r.map(|r| doc.resolve(r)) else {
        return 0.0;
    };
    let v: Vec<f64> = a.iter().filter_map(|x| doc.resolve(x).as_num()).collect();
    if v.len() < 4 {
        return 0.0;
    }
    ((v[2] - v[0]) * (v[3] - v[1])).abs()
}

/// §7.7.3.4: /MediaBox is inheritable from the page tree.
fn media_box_area(doc: &Doc<'_>, page: &Dict) -> f64 {
    let mut d = page;
    for _ in 0..16 {
        if let Some(mb) = d.get("MediaBox") {
            return rect_area(doc, Some(mb));
        }
        match d.get("Parent").and_then(|p| doc.resolve_dict(p)) {
            Some(p) => d = p,
            None => break,
        }
    }
    // Letter size, the default of most writers.
    612.0 * 792.0
}

fn report_forms(node: &mut Node, f: &Facts<'_>) {
    let of = |k: &str| -> BTreeSet<String> {
        f.actions
            .iter()
            .filter(|a| a.kind == k)
            .map(|a| a.target.to_string())
            .collect()
    };
    let submits = of("SubmitForm");
    if !submits.is_empty() {
        node.flag(
            "pdf.submit_form",
            Severity::Medium,
            "PDF form submits its fields to an address",
            &[t::PHISHING_FOR_INFORMATION],
            list(submits.iter().filter(|s| !s.is_empty()), 4),
            "SubmitForm action (§12.7.5.2): what is typed into the form is sent out",
        );
    }
    let imports = of("ImportData");
    if !imports.is_empty() {
        node.flag(
            "pdf.import_data",
            Severity::Low,
            "PDF form imports field data from a file",
            &[t::USER_EXECUTION],
            list(imports.iter().filter(|s| !s.is_empty()), 4),
            "ImportData action (§12.7.5.4)",
        );
    }
    let mut remote = of("GoToR");
    remote.extend(of("GoToE"));
    if !remote.is_empty() {
        let unc: Vec<&String> = remote.iter().filter(|s| is_remote_path(s)).collect();
        if unc.is_empty() {
            node.flag(
                "pdf.remote_goto",
                Severity::Info,
                "PDF opens another document (GoToR/GoToE action)",
                &[t::USER_EXECUTION],
                list(&remote, 4),
                "",
            );
        } else {
            node.flag(
                "pdf.remote_goto",
                Severity::High,
                "PDF opens a document on a network share or web address (leaks the Windows login hash)",
                &[t::FORCED_AUTHENTICATION, t::USER_EXECUTION],
                list(&unc, 4),
                "GoToR/GoToE to a UNC path or URL makes the reader authenticate to that host",
            );
        }
    }
    if f.xfa {
        node.flag(
            "pdf.xfa",
            Severity::Low,
            "PDF is an XFA form",
            &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
            "XFA",
            "XML Forms Architecture (deprecated in PDF 2.0): scripted forms, a past exploit vector",
        );
    }
    if f.richmedia > 0 {
        node.flag(
            "pdf.richmedia",
            Severity::Medium,
            "PDF embeds rich media (Flash/3D/video annotation)",
            &[t::EXPLOITATION_FOR_CLIENT_EXECUTION],
            "RichMedia",
            format!("{} rich media annotation(s)", f.richmedia),
        );
    }
}

fn report_embedded(w: &mut Walk<'_>, node: &mut Node, doc: &Doc<'_>, f: &Facts<'_>) {
    /// Embedded files extracted per document.
    const MAX_EMBEDDED: usize = 256;
    // Streams a file specification points to (§7.11.4 /EF) first, in object order, then the other
    // `/Type /EmbeddedFile` streams: a crowd of bare decoy streams cannot push the attached file out.
    let mut referenced: Vec<(u32, &str)> = f
        .filespec_names
        .iter()
        .filter(|(n, _)| doc.get(**n).is_some_and(|o| o.stream.is_some()))
        .map(|(n, name)| (*n, name.as_str()))
        .collect();
    referenced.sort_unstable();
    let mut bare: Vec<u32> = doc
        .objs
        .iter()
        .filter(|o| {
            o.stream.is_some()
                && !f.filespec_names.contains_key(&o.num)
                && o.dict().is_some_and(|d| d.name_is("Type", "EmbeddedFile"))
        })
        .map(|o| o.num)
        .collect();
    bare.sort_unstable();
    bare.dedup();
    let streams: Vec<(u32, &str)> = referenced
        .into_iter()
        .chain(bare.into_iter().map(|n| (n, "")))
        .collect();
    if streams.is_empty() {
        return;
    }
    if streams.len() > MAX_EMBEDDED {
        w.limit(
            node,
            "embedded files",
            format!(
                "{} embedded file streams; the first {MAX_EMBEDDED} (those of file specifications \
                 first) were extracted",
                streams.len()
            ),
        );
    }
    let mut names = Vec::new();
    let mut risky = false;
    let mut benign_only = true;
    for &(n, name) in streams.iter().take(MAX_EMBEDDED) {
        if w.expired(node) {
            break;
        }
        let name = if name.is_empty() {
            format!("embedded-file-{n}")
        } else {
            name.to_string()
        };
        let e = ext(&name);
        risky |= RISKY_EMBEDDED.contains(&e.as_str());
        benign_only &= matches!(
            e.as_str(),
            "xml"
                | "txt"
                | "csv"
                | "json"
                | "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "mp3"
                | "mp4"
                | "wav"
                | "avi"
                | "mov"
        );
        let size = doc.raw_stream(n).map_or(0, <[u8]>::len) as u64;
        match doc.stream(w, node, n) {
            Ok(bytes) => {
                names.push(format!("{name} ({} bytes)", bytes.len()));
                w.child(node, &name, &bytes);
            }
            Err(Stop::Unsupported(why)) => {
                names.push(format!("{name} ({why})"));
                w.listed(node, &name, size, why == "encrypted");
            }
            Err(Stop::Failed(why)) => {
                names.push(format!("{name} (not decoded: {why})"));
                w.listed(node, &name, size, false);
            }
        }
    }
    let (sev, title) = if risky {
        (
            Severity::High,
            "PDF carries an embedded file of a type that runs or holds code",
        )
    } else if benign_only {
        (Severity::Low, "PDF carries an embedded data file")
    } else {
        (Severity::Medium, "PDF carries an embedded file")
    };
    node.flag(
        "pdf.embedded_file",
        sev,
        title,
        &[t::EMBEDDED_PAYLOADS],
        list(&names, 6),
        format!("{} embedded file stream(s)", streams.len()),
    );
}

fn report_structure(node: &mut Node, doc: &Doc<'_>, f: &Facts<'_>, scripts: &[Script]) {
    if doc.encrypted {
        let d = doc
            .trailers
            .iter()
            .filter_map(|t| t.get("Encrypt"))
            .chain(
                doc.objs
                    .iter()
                    .filter_map(|o| o.dict())
                    .filter(|d| d.name_is("Type", "XRef"))
                    .filter_map(|d| d.get("Encrypt")),
            )
            .find_map(|e| doc.resolve_dict(e));
        let what = match d {
            Some(d) => {
                let filter = d.name("Filter").map_or("unknown".into(), |n| n.text());
                let v = d.int("V").unwrap_or(0);
                let r = d.int("R").unwrap_or(0);
                let cipher = match v {
                    1 => "RC4 40-bit",
                    2 => "RC4 up to 128-bit",
                    4 => "RC4 or AES-128 (crypt filters)",
                    5 => "AES-256",
                    _ => "unknown cipher",
                };
                format!("{filter} security handler, V{v} R{r}, {cipher}")
            }
            None => "encryption dictionary not found".into(),
        };
        node.flag(
            "pdf.encrypted",
            Severity::Low,
            "PDF is encrypted: strings and streams cannot be inspected",
            &[t::ENCRYPTED_FILE],
            what,
            "documents that open without a password are encrypted only to hide their content from scanners",
        );
    }
    // Actions and scripts that only exist inside compressed object streams (§7.5.7).
    let mut hidden = BTreeSet::new();
    if scripts
        .iter()
        .any(|s| s.auto && s.in_objstm && !is_acrobat_boilerplate(&s.code))
    {
        hidden.insert("JavaScript run on opening");
    }
    if f.actions
        .iter()
        .any(|a| a.kind == "Launch" && a.ctx.in_objstm)
    {
        hidden.insert("Launch action");
    }
    if !hidden.is_empty() {
        node.flag(
            "pdf.objstm_hidden",
            Severity::Medium,
            "PDF hides its active content inside compressed object streams",
            &[t::OBFUSCATED_FILES],
            list(&hidden, 4),
            "invisible to byte-level keyword scanners until the object stream is decompressed",
        );
    }
    let key: Vec<&String> = f
        .escaped_names
        .iter()
        .filter(|n| KEY_NAMES.contains(&n.as_str()))
        .collect();
    if !key.is_empty() {
        node.flag(
            "pdf.obfuscated_name",
            Severity::High,
            "PDF spells key names with hex escapes to evade scanners",
            &[t::OBFUSCATED_FILES],
            list(key.iter().map(|k| format!("/{k}")), 8),
            "ISO 32000-1 §7.3.5 #xx escapes of letters: no writer needs them",
        );
    }
    let mut chains = Vec::new();
    for o in &doc.objs {
        if o.stream.is_none() {
            continue;
        }
        let Some(d) = o.dict() else { continue };
        let fl: Vec<&'static str> = doc
            .filters(d)
            .iter()
            .map(|x| filters::canonical(x))
            .collect();
        let dup = fl.iter().enumerate().any(|(i, x)| fl[..i].contains(x));
        if fl.len() >= 3 || dup {
            chains.push(format!("object {}: {}", o.num, fl.join(" > ")));
        }
    }
    if !chains.is_empty() {
        node.flag(
            "pdf.filter_chain",
            Severity::Medium,
            "PDF streams are encoded through a chain of filters",
            &[t::OBFUSCATED_FILES],
            list(&chains, 4),
            "three or more (or repeated) filters on one stream serve only to hide its content",
        );
    }
}

#[cfg(test)]
mod tests;
