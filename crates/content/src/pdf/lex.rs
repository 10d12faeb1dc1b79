//! PDF syntax (ISO 32000-1 §7.2 lexical conventions, §7.3 objects): a lenient, bounded parser of one
//! value at a time. It never fails hard: an unclosed dictionary or string ends where its window ends,
//! and every parse spends from a shared budget so hostile nesting or huge arrays cannot run away.

/// A parsed PDF value. Streams are not values here: the scanner records where their data lies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    /// Literal or hexadecimal string, escapes decoded (§7.3.4).
    Str(Vec<u8>),
    Name(Name),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
    /// A keyword that is not a value (`stream`, `endobj`, an operator, a stray delimiter).
    Kw(Vec<u8>),
}

/// A name object (§7.3.5) with its `#xx` escapes decoded. `escaped` records that a letter or digit was
/// written as an escape, which no writer needs to do: `/J#61vaScript` hides `/JavaScript` from plain
/// byte searches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Name {
    pub bytes: Vec<u8>,
    pub escaped: bool,
}

impl Name {
    pub fn is(&self, s: &str) -> bool {
        self.bytes == s.as_bytes()
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Dict(pub Vec<(Name, Obj)>);

impl Dict {
    pub fn get(&self, key: &str) -> Option<&Obj> {
        self.0.iter().find(|(k, _)| k.is(key)).map(|(_, v)| v)
    }
    /// The value of `key` when it is a name.
    pub fn name(&self, key: &str) -> Option<&Name> {
        match self.get(key) {
            Some(Obj::Name(n)) => Some(n),
            _ => None,
        }
    }
    pub fn name_is(&self, key: &str, value: &str) -> bool {
        self.name(key).is_some_and(|n| n.is(value))
    }
    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key) {
            Some(Obj::Num(n)) if n.fract() == 0.0 && n.abs() < 1e15 => Some(*n as i64),
            _ => None,
        }
    }
}

impl Obj {
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Obj::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// §7.2.2: white-space characters.
pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// §7.2.2: delimiter characters.
pub(crate) fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

pub(crate) fn is_regular(c: u8) -> bool {
    !is_ws(c) && !is_delim(c)
}

const MAX_DEPTH: u32 = 48;
const MAX_STRING: usize = 16 << 20;

/// A cursor over `d[..end]`. `budget` counts values and is shared by the caller across objects;
/// `string_bytes` counts the bytes of strings kept, likewise. A string beyond either bound is still
/// read to its end (so the parse stays in step), but its further bytes are dropped.
pub(crate) struct Parser<'a> {
    d: &'a [u8],
    pub pos: usize,
    end: usize,
    pub budget: usize,
    pub string_bytes: usize,
}

impl<'a> Parser<'a> {
    pub fn new(d: &'a [u8], pos: usize, end: usize, budget: usize) -> Self {
        let end = end.min(d.len());
        Parser {
            d,
            pos: pos.min(end),
            end,
            budget,
            string_bytes: usize::MAX,
        }
    }

    /// Sets the budget of string bytes this parse may keep.
    pub fn with_string_budget(mut self, bytes: usize) -> Self {
        self.string_bytes = bytes;
        self
    }

    /// Most bytes the next string may keep.
    fn string_cap(&self) -> usize {
        MAX_STRING.min(self.string_bytes)
    }

    /// Charges a finished string to the budget.
    fn spend(&mut self, out: &[u8]) {
        self.string_bytes = self.string_bytes.saturating_sub(out.len());
    }

    fn peek(&self) -> Option<u8> {
        if self.pos < self.end {
            self.d.get(self.pos).copied()
        } else {
            None
        }
    }

    fn at(&self, s: &[u8]) -> bool {
        self.pos + s.len() <= self.end && self.d.get(self.pos..self.pos + s.len()) == Some(s)
    }

    /// Skips white space and comments (§7.2.3).
    pub fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if is_ws(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next keyword without consuming it (for `stream` / `endobj` after an object's value).
    pub fn peek_keyword(&mut self) -> Option<&'a [u8]> {
        self.skip_ws();
        let start = self.pos;
        let mut i = start;
        while i < self.end && self.d.get(i).is_some_and(|c| is_regular(*c)) {
            i += 1;
        }
        (i > start).then(|| self.d.get(start..i)).flatten()
    }

    /// One value, or `None` at the end of the window or when the budget is spent.
    pub fn value(&mut self) -> Option<Obj> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: u32) -> Option<Obj> {
        self.budget = self.budget.checked_sub(1)?;
        self.skip_ws();
        let c = self.peek()?;
        match c {
            b'<' if self.at(b"<<") => {
                self.pos += 2;
                if depth >= MAX_DEPTH {
                    return Some(Obj::Null);
                }
                Some(Obj::Dict(self.dict(depth)))
            }
            b'<' => {
                self.pos += 1;
                Some(Obj::Str(self.hex_string()))
            }
            b'[' => {
                self.pos += 1;
                if depth >= MAX_DEPTH {
                    return Some(Obj::Null);
                }
                Some(Obj::Array(self.array(depth)))
            }
            b'(' => {
                self.pos += 1;
                Some(Obj::Str(self.literal_string()))
            }
            b'/' => {
                self.pos += 1;
                Some(Obj::Name(self.name()))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => Some(self.number_or_ref()),
            b')' | b'>' | b']' | b'{' | b'}' => {
                self.pos += 1;
                Some(Obj::Kw(vec![c]))
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(is_regular) {
                    self.pos += 1;
                }
                let word = self.d.get(start..self.pos).unwrap_or_default();
                Some(match word {
                    b"true" => Obj::Bool(true),
                    b"false" => Obj::Bool(false),
                    b"null" => Obj::Null,
                    w => Obj::Kw(w.to_vec()),
                })
            }
        }
    }

    /// A keyword that ends an object: an unclosed dictionary or array stops in front of it.
    fn ends_object(o: &Obj) -> bool {
        matches!(o, Obj::Kw(k) if matches!(k.as_slice(), b"endobj" | b"stream" | b"endstream" | b"obj" | b"xref" | b"trailer"))
    }

    fn dict(&mut self, depth: u32) -> Dict {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            if self.at(b">>") {
                self.pos += 2;
                break;
            }
            let before = self.pos;
            let Some(k) = self.value_at(depth + 1) else {
                break;
            };
            let key = match k {
                Obj::Name(n) => n,
                o if Self::ends_object(&o) => {
                    self.pos = before;
                    break;
                }
                // Lenient: a value where a key belongs is skipped.
                _ => continue,
            };
            let before = self.pos;
            let v = match self.value_at(depth + 1) {
                Some(o) if Self::ends_object(&o) => {
                    self.pos = before;
                    out.push((key, Obj::Null));
                    break;
                }
                Some(Obj::Kw(k)) if k == b">" => {
                    // `/Key >>`: a key without value closing the dictionary.
                    self.pos = before;
                    out.push((key, Obj::Null));
                    continue;
                }
                Some(o) => o,
                None => {
                    out.push((key, Obj::Null));
                    break;
                }
            };
            if out.len() < 100_000 {
                out.push((key, v));
            }
        }
        Dict(out)
    }

    fn array(&mut self, depth: u32) -> Vec<Obj> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                break;
            }
            if self.at(b">>") {
                break;
            }
            let before = self.pos;
            match self.value_at(depth + 1) {
                Some(o) if Self::ends_object(&o) => {
                    self.pos = before;
                    break;
                }
                Some(o) => {
                    if out.len() < 1_000_000 {
                        out.push(o)
                    }
                }
                None => break,
            }
        }
        out
    }

    /// §7.3.5: a name, `#xx` escapes decoded.
    fn name(&mut self) -> Name {
        let mut bytes = Vec::new();
        let mut escaped = false;
        while let Some(c) = self.peek() {
            if !is_regular(c) {
                break;
            }
            self.pos += 1;
            if c == b'#' {
                let h = self.peek().and_then(hex_val);
                let l = self
                    .d
                    .get(self.pos + 1)
                    .filter(|_| self.pos + 1 < self.end)
                    .and_then(|c| hex_val(*c));
                if let (Some(h), Some(l)) = (h, l) {
                    self.pos += 2;
                    let b = h << 4 | l;
                    escaped |= b.is_ascii_alphanumeric();
                    bytes.push(b);
                    continue;
                }
            }
            if bytes.len() < 4096 {
                bytes.push(c);
            }
        }
        Name { bytes, escaped }
    }

    /// §7.3.4.2: a literal string after its `(`, with balanced parentheses and backslash escapes.
    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let cap = self.string_cap();
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            if out.len() >= cap {
                // Full: read on to the closing parenthesis, keeping nothing more.
                self.pos += 1;
                match c {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    // An escaped character, parenthesis included, does not count.
                    b'\\' if self.peek().is_some() => self.pos += 1,
                    _ => {}
                }
                continue;
            }
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        self.pos += 1;
                                        v = v * 8 + u32::from(d - b'0');
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        // A backslash before an end of line continues the string on the next line.
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out.truncate(cap);
        self.spend(&out);
        out
    }

    /// §7.3.4.3: a hexadecimal string after its `<`; white space ignored, an odd digit padded with 0.
    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let cap = self.string_cap();
        let mut hi: Option<u8> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_val(c) {
                match hi.take() {
                    Some(h) if out.len() < cap => out.push(h << 4 | v),
                    Some(_) => {}
                    None => hi = Some(v),
                }
            } else if !is_ws(c) {
                // Not a hex string after all (a stray `<`): stop here.
                self.pos -= 1;
                break;
            }
        }
        if let Some(h) = hi {
            if out.len() < cap {
                out.push(h << 4);
            }
        }
        self.spend(&out);
        out
    }

    /// A number; a non-negative integer followed by another and `R` is an indirect reference (§7.3.10).
    fn number_or_ref(&mut self) -> Obj {
        let start = self.pos;
        let n = self.number();
        let is_uint = self
            .d
            .get(start..self.pos)
            .is_some_and(|s| !s.is_empty() && s.iter().all(u8::is_ascii_digit));
        if is_uint && n < f64::from(u32::MAX) {
            let save = self.pos;
            self.skip_ws();
            let gstart = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let glen = self.pos - gstart;
            if glen > 0 && glen <= 5 {
                let g = parse_uint(self.d.get(gstart..self.pos).unwrap_or_default());
                self.skip_ws();
                if self.peek() == Some(b'R')
                    && self
                        .d
                        .get(self.pos + 1)
                        .filter(|_| self.pos + 1 < self.end)
                        .is_none_or(|c| !is_regular(*c))
                {
                    self.pos += 1;
                    return Obj::Ref(n as u32, g.min(u64::from(u16::MAX)) as u16);
                }
            }
            self.pos = save;
        }
        Obj::Num(n)
    }

    fn number(&mut self) -> f64 {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.'))
        {
            self.pos += 1;
        }
        let s = self.d.get(start..self.pos).unwrap_or_default();
        // Lenient (§7.3.3 allows only one sign and one point): keep the leading sign and the first
        // well-formed number.
        let neg = s.first() == Some(&b'-');
        let body: Vec<u8> = s
            .iter()
            .copied()
            .skip_while(|c| matches!(c, b'+' | b'-'))
            .take_while(|c| c.is_ascii_digit() || *c == b'.')
            .collect();
        let mut seen_point = false;
        let body: Vec<u8> = body
            .into_iter()
            .take_while(|c| {
                if *c == b'.' {
                    if seen_point {
                        return false;
                    }
                    seen_point = true;
                }
                true
            })
            .collect();
        let v = std::str::from_utf8(&body)
            .ok()
            .and_then(|t| {
                if t.is_empty() || t == "." {
                    None
                } else {
                    t.parse::<f64>().ok()
                }
            })
            .unwrap_or(0.0);
        if neg {
            -v
        } else {
            v
        }
    }
}

pub(crate) fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

pub(crate) fn parse_uint(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |a, c| {
        a.saturating_mul(10)
            .saturating_add(u64::from(c.wrapping_sub(b'0')))
    })
}

/// §7.9.2.2 text strings: UTF-16BE with a byte order mark, UTF-8 with one (PDF 2.0), else
/// PDFDocEncoding (read as Latin-1, which it matches for printable ASCII).
pub(crate) fn text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Obj {
        Parser::new(s.as_bytes(), 0, s.len(), 10_000)
            .value()
            .unwrap()
    }

    #[test]
    fn names_decode_hex_escapes() {
        let Obj::Name(n) = parse("/J#61vaScript") else {
            panic!()
        };
        assert!(n.is("JavaScript") && n.escaped);
        let Obj::Name(n) = parse("/Arial#20Bold") else {
            panic!()
        };
        assert!(n.is("Arial Bold") && !n.escaped);
    }

    #[test]
    fn dictionaries_strings_and_refs() {
        let o =
            parse("<</S/JavaScript/JS(app.alert\\(1\\);\\101)/Next 12 0 R/K[1 2.5 -3]/H<41 4>>>");
        let d = o.as_dict().unwrap();
        assert!(d.name_is("S", "JavaScript"));
        assert_eq!(d.get("JS"), Some(&Obj::Str(b"app.alert(1);A".to_vec())));
        assert_eq!(d.get("Next"), Some(&Obj::Ref(12, 0)));
        assert_eq!(
            d.get("K"),
            Some(&Obj::Array(vec![
                Obj::Num(1.0),
                Obj::Num(2.5),
                Obj::Num(-3.0)
            ]))
        );
        assert_eq!(d.get("H"), Some(&Obj::Str(b"A@".to_vec())));
    }

    #[test]
    fn unclosed_dictionary_stops_at_endobj() {
        let s = "<< /Type /Catalog /OpenAction 5 0 R endobj";
        let mut p = Parser::new(s.as_bytes(), 0, s.len(), 100);
        let d = p.value().unwrap();
        assert_eq!(
            d.as_dict().unwrap().get("OpenAction"),
            Some(&Obj::Ref(5, 0))
        );
        assert_eq!(p.peek_keyword(), Some(&b"endobj"[..]));
    }

    #[test]
    fn deep_nesting_and_budget_are_bounded() {
        let s = "[".repeat(100_000);
        let mut p = Parser::new(s.as_bytes(), 0, s.len(), 1_000);
        let _ = p.value();
        let s = "<<".repeat(50_000);
        let _ = Parser::new(s.as_bytes(), 0, s.len(), 1_000_000).value();
    }

    #[test]
    fn utf16_text_strings() {
        assert_eq!(text_string(&[0xFE, 0xFF, 0, b'a', 0xD5, 0x5C]), "a한");
    }
}
