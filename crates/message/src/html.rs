//! A lenient, single-pass HTML scanner: visible text, links with their anchor text, forms, meta
//! refresh and resource URLs.
//!
//! Why not a full HTML5 parser: detectors need text and a handful of attributes, in one pass, from
//! hostile markup, in microseconds. This scanner follows the WHATWG tokenizer only as far as that needs
//! (tags, attributes with quoted and unquoted values, comments, raw-text elements, character
//! references) and never fails: whatever it cannot read is treated as text. Tree construction is not
//! attempted; an unclosed `<a>` ends at the next `<a>` or at the end of the document.

/// What the scanner pulled out of one HTML document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HtmlSummary {
    /// Visible text with block elements turned into line breaks and runs of whitespace collapsed.
    pub text: String,
    /// `<a href>` / `<area href>` with the anchor's visible text.
    pub anchors: Vec<Anchor>,
    pub forms: Vec<HtmlForm>,
    /// Targets of `<meta http-equiv="refresh" content="N; url=...">`.
    pub refresh: Vec<String>,
    /// `src` of img, iframe, frame, script, embed, and `data` of object.
    pub resources: Vec<String>,
    /// The document was longer than the scan limit and was cut.
    pub truncated: bool,
    /// Non-space characters of text inside elements a reader cannot see (`display:none`,
    /// `visibility:hidden`, zero font size or opacity, the `hidden` attribute). Not part of `text`.
    pub hidden_chars: usize,
    /// The first of that hidden text, for evidence.
    pub hidden_sample: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub href: String,
    pub text: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HtmlForm {
    pub action: Option<String>,
    pub has_password: bool,
    pub inputs: Vec<String>,
}

/// Elements whose content is not text a reader sees (HTML §13.1.2 raw text elements, plus template).
const RAW_TEXT: &[&str] = &["script", "style", "template", "xmp"];
/// Elements after which a reader sees a line break.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "blockquote",
    "hr",
    "title",
    "section",
    "article",
    "header",
    "footer",
    "center",
    "pre",
];
/// Elements that never have content (HTML §13.1.2 void elements).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
const MAX_OPEN: usize = 512;
const MAX_HIDDEN_SAMPLE: usize = 200;
const MAX_ANCHORS: usize = 2000;
const MAX_ANCHOR_TEXT: usize = 500;

/// Scans `html`, reading at most `max_bytes` of it.
pub fn scan(html: &str, max_bytes: usize) -> HtmlSummary {
    let mut out = HtmlSummary::default();
    let html = if html.len() > max_bytes {
        out.truncated = true;
        let cut = html.floor_char_boundary(max_bytes);
        &html[..cut]
    } else {
        html
    };
    let b = html.as_bytes();
    let mut text = TextBuf::default();
    let mut anchor: Option<(String, TextBuf)> = None;
    // Open elements and whether each hides its content; no tree is built, so end tags pop back to
    // the nearest open element of the same name, as browsers do for misnested inline markup.
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut hidden_depth = 0usize;
    // Classes that a top-level stylesheet rule moves off-screen (`.x { position:absolute; left:-9999px }`).
    let mut offscreen_classes: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |n| i + n);
            let chunk = &html[i..end];
            if hidden_depth > 0 {
                decode_entities_into(chunk, &mut |c| {
                    if !c.is_whitespace() {
                        out.hidden_chars += 1;
                    }
                    if out.hidden_sample.len() < MAX_HIDDEN_SAMPLE
                        && !(c.is_whitespace() && out.hidden_sample.ends_with(' '))
                    {
                        out.hidden_sample
                            .push(if c.is_whitespace() { ' ' } else { c });
                    }
                });
                i = end;
                continue;
            }
            decode_entities_into(chunk, &mut |c| {
                text.push(c);
                if let Some((_, t)) = anchor.as_mut() {
                    if t.s.len() < MAX_ANCHOR_TEXT {
                        t.push(c);
                    }
                }
            });
            i = end;
            continue;
        }
        // b[i] == '<'
        let rest = &b[i + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, i + 4, b"-->").map_or(b.len(), |n| n + 3);
            continue;
        }
        if rest.first().is_some_and(|c| *c == b'!' || *c == b'?') {
            i = memchr::memchr(b'>', rest).map_or(b.len(), |n| i + 1 + n + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            // Not a tag (`a < b`): literal text.
            text.push('<');
            i += 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let (attrs, tag_end) = parse_attributes(html, name_start + name_len);
        let self_closing = tag_end >= 2 && b[tag_end - 2] == b'/';
        i = tag_end;
        if closing {
            if let Some(pos) = open.iter().rposition(|(n, _)| *n == name) {
                hidden_depth -= open[pos..].iter().filter(|(_, h)| *h).count();
                open.truncate(pos);
            }
        } else if !self_closing
            && !VOID.contains(&name.as_str())
            && !RAW_TEXT.contains(&name.as_str())
            && open.len() < MAX_OPEN
        {
            let hides = hides_content(&attrs, &offscreen_classes);
            hidden_depth += usize::from(hides);
            open.push((name.clone(), hides));
        }
        if BLOCK.contains(&name.as_str()) {
            text.push('\n');
        } else if name == "td" || name == "th" {
            text.push(' ');
        }
        if closing {
            if name == "a" {
                close_anchor(&mut anchor, &mut out);
            }
            continue;
        }
        // Pictures drawn as CSS backgrounds (`style="background:url(...)"`, `<td background=...>`) are
        // images too: a body that is one background picture says everything out of filters' reach.
        if out.resources.len() < MAX_ANCHORS {
            if let Some(u) = attr(&attrs, "style").and_then(css_url) {
                out.resources.push(u.to_string());
            }
            if let Some(u) = attr(&attrs, "background") {
                out.resources.push(u.to_string());
            }
        }
        match name.as_str() {
            "a" | "area" => {
                close_anchor(&mut anchor, &mut out);
                if let Some(href) = attr(&attrs, "href") {
                    if name == "a" {
                        anchor = Some((href.to_string(), TextBuf::default()));
                    } else if out.anchors.len() < MAX_ANCHORS {
                        let alt = attr(&attrs, "alt").unwrap_or_default().to_string();
                        out.anchors.push(Anchor {
                            href: href.to_string(),
                            text: alt,
                        });
                    }
                }
            }
            "form" => out.forms.push(HtmlForm {
                action: attr(&attrs, "action").map(str::to_string),
                ..HtmlForm::default()
            }),
            "input" => {
                let ty = attr(&attrs, "type").unwrap_or("text").to_ascii_lowercase();
                if out.forms.is_empty() {
                    // An input outside any form still collects what the user types (scripts post it).
                    out.forms.push(HtmlForm::default());
                }
                if let Some(f) = out.forms.last_mut() {
                    f.has_password |= ty == "password";
                    if f.inputs.len() < 32 {
                        let label = attr(&attrs, "name").unwrap_or(&ty).to_string();
                        f.inputs.push(label);
                    }
                }
            }
            "meta" => {
                let equiv = attr(&attrs, "http-equiv").unwrap_or_default();
                if equiv.eq_ignore_ascii_case("refresh") {
                    if let Some(target) = attr(&attrs, "content").and_then(refresh_target) {
                        out.refresh.push(target);
                    }
                }
            }
            "img" | "iframe" | "frame" | "script" | "embed" | "source" => {
                if let Some(src) = attr(&attrs, "src") {
                    out.resources.push(src.to_string());
                }
            }
            "object" => {
                if let Some(src) = attr(&attrs, "data") {
                    out.resources.push(src.to_string());
                }
            }
            _ => {}
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Skip to the matching end tag, case-insensitively (HTML §13.2.5.x raw text states).
            let close = format!("</{name}");
            let end = find_ci(b, i, close.as_bytes()).unwrap_or(b.len());
            if name == "style" {
                offscreen_rules(&html[i..end], &mut offscreen_classes);
            }
            i = end;
        }
    }
    close_anchor(&mut anchor, &mut out);
    out.text = text.finish();
    out
}

fn close_anchor(anchor: &mut Option<(String, TextBuf)>, out: &mut HtmlSummary) {
    if let Some((href, t)) = anchor.take() {
        if out.anchors.len() < MAX_ANCHORS {
            out.anchors.push(Anchor {
                href,
                text: t.finish().replace('\n', " "),
            });
        }
    }
}

/// Inline styles, attributes and off-screen classes that make an element's content invisible.
fn hides_content(attrs: &[(String, String)], offscreen_classes: &[String]) -> bool {
    if attrs.iter().any(|(n, _)| n == "hidden") {
        return true;
    }
    if !offscreen_classes.is_empty() {
        if let Some(class) = attr(attrs, "class") {
            if class
                .split_ascii_whitespace()
                .any(|c| offscreen_classes.iter().any(|o| o.eq_ignore_ascii_case(c)))
            {
                return true;
            }
        }
    }
    let Some(style) = attr(attrs, "style") else {
        return false;
    };
    let style: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let zero = |prop: &str| {
        style.match_indices(prop).any(|(at, _)| {
            let rest = &style[at + prop.len()..];
            // "0", "0px", "0pt", "0em", "0%", "0;" but not "0.9em" or "05px".
            rest.starts_with('0')
                && !rest[1..].starts_with(|c: char| c == '.' || c.is_ascii_digit())
        })
    };
    style.contains("display:none")
        || style.contains("visibility:hidden")
        || zero("font-size:")
        || zero("opacity:")
        || moves_offscreen(&style)
}

/// The first `url(...)` of an inline style, unquoted; `data:` images are left out (nothing is fetched).
fn css_url(style: &str) -> Option<&str> {
    let at = style.find("url(")?;
    let rest = &style[at + 4..];
    let inner = &rest[..rest.find(')')?];
    let u = inner.trim().trim_matches(|c| c == '\'' || c == '"').trim();
    (!u.is_empty() && !u.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:"))).then_some(u)
}

/// Offsets this large put content outside any screen (`left:-9999px`, `text-indent:-9999px`): the
/// old image-replacement trick, used in mail to hide text from the reader but not from filters.
const OFFSCREEN_MIN: u32 = 1000;

/// Whether whitespace-free, lower-cased declarations push the box off-screen: `left`, `top`, `right`,
/// `text-indent` (and the `margin-*` forms) of -1000 or less.
fn moves_offscreen(style: &str) -> bool {
    ["left:-", "top:-", "right:-", "text-indent:-"]
        .iter()
        .any(|prop| {
            style.match_indices(prop).any(|(at, _)| {
                let digits: String = style[at + prop.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .take(9)
                    .collect();
                digits.parse::<u32>().is_ok_and(|n| n >= OFFSCREEN_MIN)
            })
        })
}

/// Most classes remembered from stylesheets.
const MAX_OFFSCREEN_CLASSES: usize = 32;

/// Collects the classes that top-level rules of a `<style>` sheet move off-screen. Rules inside
/// at-rules (`@media`) are skipped: responsive mail legitimately hides blocks on some screens.
fn offscreen_rules(sheet: &str, classes: &mut Vec<String>) {
    let mut depth = 0usize;
    let mut selector_start = 0usize;
    let mut rule: Option<(usize, usize)> = None; // (selector start, body start) of a top-level rule
    for (at, c) in sheet.char_indices() {
        match c {
            '{' => {
                if depth == 0 {
                    let selector = sheet[selector_start..at].trim();
                    if !selector.starts_with('@') {
                        rule = Some((selector_start, at + 1));
                    }
                }
                depth += 1;
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((sel, body)) = rule.take() {
                        let decls: String = sheet[body..at]
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .collect::<String>()
                            .to_ascii_lowercase();
                        if moves_offscreen(&decls) {
                            for s in sheet[sel..body - 1].split(',') {
                                // `.name` or `tag.name`, nothing more specific.
                                let s = s.trim().rsplit("*/").next().unwrap_or("").trim();
                                if let Some((tag, class)) = s.split_once('.') {
                                    let simple = |t: &str| {
                                        t.chars().all(|c| {
                                            c.is_ascii_alphanumeric() || c == '-' || c == '_'
                                        })
                                    };
                                    if simple(tag)
                                        && !class.is_empty()
                                        && simple(class)
                                        && classes.len() < MAX_OFFSCREEN_CLASSES
                                    {
                                        classes.push(class.to_string());
                                    }
                                }
                            }
                        }
                    }
                    selector_start = at + 1;
                }
            }
            _ => {}
        }
    }
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Parses attributes from `start` (just after the tag name) to the closing `>`. Returns the attributes
/// (names lower-cased, values entity-decoded and trimmed) and the index after `>`.
fn parse_attributes(html: &str, start: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = start;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = html[ns..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = memchr::memchr(q, &b[vs..]).map_or(b.len(), |n| vs + n);
                value = decode_entities(&html[vs..ve]);
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[vs..i]);
            }
        }
        if attrs.len() < 64 && !name.is_empty() {
            attrs.push((name, value.trim().to_string()));
        }
    }
}

/// `content="5; URL='https://x'"` -> `https://x` (HTML §4.2.5.3 refresh state).
fn refresh_target(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url")?;
    let rest = content[at + 3..].trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    let t = rest.trim_matches(|c| c == '\'' || c == '"').trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn find(h: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(h.get(from..)?, needle).map(|n| from + n)
}

fn find_ci(h: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = h.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|n| from + n)
}

/// Decodes character references (HTML §13.2.5.72) in `s`.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    decode_entities_into(s, &mut |c| out.push(c));
    out
}

fn decode_entities_into(s: &str, emit: &mut dyn FnMut(char)) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        rest[..amp].chars().for_each(&mut *emit);
        let after = &rest[amp + 1..];
        match decode_reference(after) {
            Some((c, used)) => {
                emit(c);
                rest = &after[used..];
            }
            None => {
                emit('&');
                rest = after;
            }
        }
    }
    rest.chars().for_each(emit);
}

/// Decodes one reference after `&`; returns the character and the bytes used (incl. `;`).
fn decode_reference(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        let (digits, radix, skip) = match b.get(1) {
            Some(b'x') | Some(b'X') => (&s[2..], 16, 2),
            _ => (&s[1..], 10, 1),
        };
        let n = digits
            .bytes()
            .take_while(|c| c.is_ascii_digit() || (radix == 16 && c.is_ascii_hexdigit()))
            .count();
        if n == 0 || n > 8 {
            return None;
        }
        let v = u32::from_str_radix(&digits[..n], radix).ok()?;
        let c = char::from_u32(v).unwrap_or('\u{FFFD}');
        let semi = usize::from(digits.as_bytes().get(n) == Some(&b';'));
        return Some((c, skip + n + semi));
    }
    let n = b
        .iter()
        .take(10)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let c = match &s[..n] {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "shy" => '\u{ad}',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "euro" => '€',
        "bull" => '•',
        "middot" => '·',
        _ => return None,
    };
    let semi = usize::from(b.get(n) == Some(&b';'));
    Some((c, n + semi))
}

/// Collects text, collapsing whitespace runs into one space and keeping at most two line breaks.
#[derive(Default)]
struct TextBuf {
    s: String,
    pending_space: bool,
    newlines: u8,
}

impl TextBuf {
    fn push(&mut self, c: char) {
        if c == '\n' {
            if self.newlines < 2 && !self.s.is_empty() {
                self.s.push('\n');
                self.newlines += 1;
            }
            self.pending_space = false;
            return;
        }
        if c.is_whitespace() {
            self.pending_space = true;
            return;
        }
        if self.pending_space && self.newlines == 0 && !self.s.is_empty() {
            self.s.push(' ');
        }
        self.pending_space = false;
        self.newlines = 0;
        self.s.push(c);
    }

    fn finish(self) -> String {
        self.s.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_links_and_forms() {
        let h = r#"<html><head><title>Sign in</title><style>p{color:red}</style>
            <meta http-equiv="Refresh" content="0; URL='https://evil.example/x'"></head>
            <body><p>Dear&nbsp;user,</p><a HREF="https://evil.example/login">https://www.paypal.com</a>
            <img src=https://cdn.example/p.png><script>var a = "<a href='no'>";</script>
            <form action="https://collect.example/post"><input type=email name=user><input type="password" name=pw></form>
            <area href="https://map.example/" alt="map">&lt;b&gt; &#x41;&#66; AT&T</body>"#;
        let s = scan(h, 1 << 20);
        assert!(s.text.contains("Dear user,"), "{}", s.text);
        assert!(s.text.contains("<b> AB AT&T"), "{}", s.text);
        assert!(!s.text.contains("color"), "style text leaked: {}", s.text);
        assert!(!s.text.contains("var a"), "script text leaked: {}", s.text);
        assert_eq!(
            s.anchors[0],
            Anchor {
                href: "https://evil.example/login".into(),
                text: "https://www.paypal.com".into()
            }
        );
        assert_eq!(s.anchors[1].href, "https://map.example/");
        assert_eq!(s.anchors.len(), 2);
        assert_eq!(s.refresh, vec!["https://evil.example/x".to_string()]);
        assert_eq!(s.resources, vec!["https://cdn.example/p.png".to_string()]);
        assert_eq!(s.forms.len(), 1);
        assert!(s.forms[0].has_password);
        assert_eq!(
            s.forms[0].action.as_deref(),
            Some("https://collect.example/post")
        );
        assert_eq!(s.forms[0].inputs, vec!["user", "pw"]);
    }

    #[test]
    fn hidden_text_is_counted_not_shown() {
        let h = r#"<div>Your account is locked.<div style="display: none">lorem ipsum dolor <b>sit</b> amet</div>
            <span style="FONT-SIZE:0px">salt salt</span><p style="font-size:0.9em">small but visible</p>
            <span hidden>x</span><br/><img src=a.png/>shown</div>"#;
        let s = scan(h, 1 << 20);
        assert!(
            s.text.contains("Your account is locked.")
                && s.text.contains("small but visible")
                && s.text.contains("shown"),
            "{}",
            s.text
        );
        assert!(
            !s.text.contains("lorem") && !s.text.contains("salt"),
            "{}",
            s.text
        );
        assert_eq!(s.hidden_chars, "loremipsumdolorsitametsaltsaltx".len());
        assert!(
            s.hidden_sample.starts_with("lorem ipsum dolor sit amet"),
            "{}",
            s.hidden_sample
        );
    }

    #[test]
    fn css_background_images_are_resources() {
        let h = r#"<div style="width:500px; background: url('https://img.example/p.png') no-repeat;text-indent:-9999px"> </div>
            <table><td background="https://img.example/bg.jpg">x</td></table>
            <div style="background-image:url(data:image/png;base64,AAAA)">y</div>"#;
        let s = scan(h, 1 << 20);
        assert_eq!(
            s.resources,
            ["https://img.example/p.png", "https://img.example/bg.jpg"]
        );
    }

    #[test]
    fn offscreen_text_is_hidden() {
        // Inline offsets, a top-level class rule, and the same class inside @media (not counted).
        let h = r#"<html><head><style>
            /* c */ .ghost, p.far { position: absolute; LEFT: -9999px; }
            @media (max-width: 600px) { .mob { position:absolute; left:-9999px } }
            .near { margin-left: -20px } .gap{text-indent:-999px}
            </style></head><body>
            <div style="text-indent: -9999px">aaa</div><span style="position:absolute;top:-5000px">bb</span>
            <div class="x ghost">cc</div><p class="far">dd</p>
            <div class="mob">mobile</div><div class="near">near</div><div class="gap">gap</div>
            <div style="margin-top:-320px">up</div></body></html>"#;
        let s = scan(h, 1 << 20);
        assert_eq!(s.hidden_chars, "aaabbccdd".len(), "{}", s.hidden_sample);
        for shown in ["mobile", "near", "gap", "up"] {
            assert!(s.text.contains(shown), "{shown}: {}", s.text);
        }
    }

    #[test]
    fn hostile_markup_never_panics() {
        for h in [
            "<",
            "<a",
            "<a href=",
            "<a href='x",
            "<!--",
            "<script>",
            "&#xFFFFFFFFF;",
            "&#;",
            "<a href=x>t",
            "</",
            "<\u{00e9}>",
            "<a href=\"\u{1F600}\">é</a>",
        ] {
            let _ = scan(h, 1 << 20);
        }
        let s = scan("<p>한국어 텍스트</p>", 7);
        assert!(s.truncated);
    }
}
