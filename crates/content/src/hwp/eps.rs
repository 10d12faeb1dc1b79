//! EPS/PostScript objects. Hangul renders EPS pictures with a bundled Ghostscript, and its old
//! versions' PostScript interpreter bugs (CVE-2017-8291 `.eqproc`/`.rsdparams` type confusion, the
//! `forall`/`restore` use-after-free family of CVE-2015-2545, `-dSAFER` escapes such as `.forceput`
//! and `%pipe%`) are the HWP exploit of choice of Kimsuky, APT37 and Lazarus. The exploit EPS carries a
//! long hex string (the shellcode or a second stage) that a small procedure decodes and runs with
//! `token`/`cvx exec`, built with `putinterval`, `forall`, `copy`, `readhexstring` or an xor loop.
//!
//! The scan lexes the PostScript (PLRM 3rd ed. §3.2: comments, literal, hex and ASCII85 strings,
//! names), counts the operators that decode and execute data, decodes the hex strings and looks inside
//! them for shellcode (GetPC stubs, PEB access, API hashing, NOP sleds, embedded PE files) and for
//! high-entropy payloads.

use crate::archive::{bytes, u32le};
use crate::{Fingerprint, FingerprintKind, Node};

/// Hex digits in one string from which it counts as a payload rather than a colour or a short key.
const LONG_HEX: usize = 1024;
/// Decoded bytes kept from all hex strings together.
const MAX_DECODED: usize = 8 << 20;
/// PostScript bytes lexed at most.
const MAX_PS: usize = 32 << 20;

/// Operators that run data as code.
const EXEC_OPS: &[&str] = &["exec", "cvx", "token", "run", "stopped"];
/// Operators that build or decode data (string surgery, hex decoding, xor loops).
const BUILD_OPS: &[&str] = &[
    "putinterval",
    "getinterval",
    "forall",
    "copy",
    "readhexstring",
    "readstring",
    "xor",
    "bitxor",
    "aload",
    "astore",
    "filter",
    "currentfile",
];
/// Operators of known Ghostscript exploits and `-dSAFER` escapes: no document needs them.
const EXPLOIT_OPS: &[&str] = &[
    ".eqproc",
    ".rsdparams",
    ".forceput",
    ".forceundef",
    ".forcedef",
    ".putdeviceprops",
    ".tempfile",
    ".libfile",
    ".sethalftone5",
    ".buildfont1",
    "deletefile",
    "renamefile",
];
/// Operators that paint image data (long hex strings are normal beside them).
const IMAGE_OPS: &[&str] = &["image", "colorimage", "imagemask", "doimage", "beginimage"];

#[derive(Debug, Default)]
pub(crate) struct Eps {
    pub exploit: bool,
    /// What was seen, in words, strongest first.
    pub traits: Vec<String>,
    /// Decoded hex payloads that are files of their own (a PE, a second PostScript stage).
    pub payloads: Vec<Vec<u8>>,
}

/// Whether the object is EPS/PostScript, by name or content.
pub(crate) fn is_eps(data: &[u8], ext: &str) -> bool {
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "eps" | "ps" | "ai" | "epsi"
    ) || data.starts_with(b"%!PS")
        || data.starts_with(&[0xC5, 0xD0, 0xD3, 0xC6])
        || data.starts_with(b"\xef\xbb\xbf%!PS")
}

/// The PostScript section: the DOS EPS binary header (C5D0D3C6, then the PostScript offset and length)
/// points at it; otherwise it is the whole object.
fn postscript(data: &[u8]) -> &[u8] {
    if data.starts_with(&[0xC5, 0xD0, 0xD3, 0xC6]) {
        if let (Some(off), Some(len)) = (u32le(data, 4), u32le(data, 8)) {
            if let Some(ps) = bytes(data, off as usize, len as usize) {
                return ps;
            }
        }
    }
    data
}

#[derive(Default)]
struct Lexed {
    ops: Vec<&'static str>,
    longest_hex: usize,
    ascii85: usize,
    pipe: bool,
    decoded: Vec<Vec<u8>>,
    decoded_total: usize,
}

impl Lexed {
    fn op(&mut self, tok: &[u8]) {
        let Ok(s) = std::str::from_utf8(tok) else {
            return;
        };
        for set in [EXEC_OPS, BUILD_OPS, EXPLOIT_OPS, IMAGE_OPS] {
            if let Some(k) = set.iter().find(|k| **k == s) {
                if !self.ops.contains(k) {
                    self.ops.push(k);
                }
            }
        }
    }

    fn hex(&mut self, digits: &[u8]) {
        self.longest_hex = self.longest_hex.max(digits.len());
        if digits.len() < LONG_HEX / 4 || self.decoded_total >= MAX_DECODED {
            return;
        }
        let room = (MAX_DECODED - self.decoded_total) * 2;
        let d: Vec<u8> = digits[..digits.len().min(room)]
            .chunks_exact(2)
            .map(|p| (nibble(p[0]) << 4) | nibble(p[1]))
            .collect();
        self.decoded_total += d.len();
        self.decoded.push(d);
    }

    fn has(&self, set: &[&str]) -> Vec<&'static str> {
        self.ops
            .iter()
            .copied()
            .filter(|o| set.contains(o))
            .collect()
    }
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    ) || c.is_ascii_whitespace()
        || c == 0
}

/// PLRM §3.2 tokens, as far as the scan needs them.
fn lex(ps: &[u8]) -> Lexed {
    let ps = &ps[..ps.len().min(MAX_PS)];
    let mut l = Lexed::default();
    let mut digits: Vec<u8> = Vec::new();
    // Raw hex data after `currentfile ... readhexstring`: consecutive all-hex tokens.
    let mut raw: Vec<u8> = Vec::new();
    let mut i = 0;
    let flush_raw = |l: &mut Lexed, raw: &mut Vec<u8>| {
        if raw.len() >= 16 {
            l.hex(raw);
        }
        raw.clear();
    };
    while i < ps.len() {
        let c = ps[i];
        match c {
            b'%' => {
                flush_raw(&mut l, &mut raw);
                while i < ps.len() && ps[i] != b'\n' && ps[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => {
                flush_raw(&mut l, &mut raw);
                let start = i + 1;
                let mut depth = 1usize;
                i += 1;
                while i < ps.len() && depth > 0 {
                    match ps[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                let s = &ps[start..i.saturating_sub(1).clamp(start, ps.len())];
                // Ghostscript opens `%pipe%command` as a pipe to a shell.
                if memchr::memmem::find(s, b"%pipe%").is_some() {
                    l.pipe = true;
                }
                continue;
            }
            b'<' if ps.get(i + 1) == Some(&b'<') => i += 1,
            b'<' if ps.get(i + 1) == Some(&b'~') => {
                flush_raw(&mut l, &mut raw);
                let end = memchr::memmem::find(&ps[i..], b"~>").map_or(ps.len(), |e| i + e);
                if end - i > LONG_HEX {
                    l.ascii85 += 1;
                }
                i = end + 1;
            }
            b'<' => {
                flush_raw(&mut l, &mut raw);
                digits.clear();
                i += 1;
                while i < ps.len() && ps[i] != b'>' {
                    if ps[i].is_ascii_hexdigit() {
                        digits.push(ps[i]);
                    }
                    i += 1;
                }
                l.hex(&digits);
            }
            _ if is_delim(c) => {}
            _ => {
                let start = i;
                while i < ps.len() && !is_delim(ps[i]) {
                    i += 1;
                }
                let tok = &ps[start..i];
                if tok.len() >= 8 && tok.iter().all(u8::is_ascii_hexdigit) {
                    raw.extend_from_slice(tok);
                } else {
                    flush_raw(&mut l, &mut raw);
                    l.op(tok);
                }
                continue;
            }
        }
        i += 1;
    }
    flush_raw(&mut l, &mut raw);
    l
}

/// Shellcode traits in decoded bytes: `(what, whether it counts alone)`.
fn shellcode(d: &[u8], image: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    let find = |n: &[u8]| memchr::memmem::find(d, n).is_some();
    // call $+5; pop r32 (GetPC)
    if d.windows(6)
        .any(|w| w[..5] == [0xE8, 0, 0, 0, 0] && (0x58..=0x5F).contains(&w[5]))
    {
        out.push("GetPC (call $+5; pop)");
    }
    // fldz; fnstenv [esp-0xc] (GetPC through the FPU)
    if find(&[0xD9, 0xEE, 0xD9, 0x74, 0x24, 0xF4]) {
        out.push("GetPC (fnstenv)");
    }
    // jmp short forward; ...; call back to just after the jmp; the pop that follows takes the address.
    for (p, w) in d.windows(3).enumerate() {
        if w[0] == 0xEB && w[1] < 0x80 && (0x58..=0x5F).contains(&w[2]) {
            let call = p + 2 + usize::from(w[1]);
            if let (Some(0xE8), Some(rel)) = (d.get(call).copied(), u32le(d, call + 1)) {
                if (call + 5).wrapping_add(rel as i32 as isize as usize) == p + 2 {
                    out.push("jmp/call/pop decoder stub");
                    break;
                }
            }
        }
    }
    // mov r32, fs:[0x30] (the PEB, to find kernel32) and the x64 gs:[0x60] form.
    if find(&[0x64, 0xA1, 0x30, 0, 0, 0])
        || d.windows(7).any(|w| {
            w[0] == 0x64 && w[1] == 0x8B && w[2] & 0xC7 == 0x05 && w[3..] == [0x30, 0, 0, 0]
        })
        || d.windows(9).any(|w| {
            w[0] == 0x65 && w[1] == 0x48 && w[2] == 0x8B && w[4..] == [0x25, 0x60, 0, 0, 0]
        })
    {
        out.push("PEB access (fs:[30h]/gs:[60h])");
    }
    // ror edi, 13; add edi, eax: the API-name hash of most public shellcode.
    if find(&[0xC1, 0xCF, 0x0D, 0x01, 0xC7]) || find(&[0xC1, 0xCA, 0x0D, 0x01, 0xC2]) {
        out.push("ROR-13 API hashing");
    }
    if d.windows(6)
        .any(|w| w[..2] == [0xFC, 0xE8] && w[3..6] == [0, 0, 0])
    {
        out.push("cld; call prologue");
    }
    if let Some(m) = memchr::memmem::find(d, b"MZ") {
        if memchr::memmem::find(&d[m..], b"This program cannot be run in DOS mode").is_some() {
            out.push("embedded PE file");
        }
    }
    // A NOP sled is only telling where no picture data can explain a run of 0x90.
    if !image && d.windows(32).any(|w| w.iter().all(|&b| b == 0x90)) {
        out.push("NOP sled");
    }
    out
}

/// Shannon entropy in bits per byte.
fn entropy(d: &[u8]) -> f64 {
    if d.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in d {
        counts[usize::from(b)] += 1;
    }
    let n = d.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// The object's [`FingerprintKind::PostScript`] fingerprint, over its PostScript section (the DOS EPS
/// binary header's preview images are left out: they are re-rendered on every save) and at most the
/// bytes the scan lexes.
pub(crate) fn fingerprint(data: &[u8]) -> Option<Fingerprint> {
    let ps = postscript(data);
    crate::fingerprint(FingerprintKind::PostScript, &ps[..ps.len().min(MAX_PS)])
}

/// A standalone EPS/PostScript object (an attachment or a member, typed by its magic): fingerprinted,
/// nothing more (the exploit traits are judged where Hangul would render it, in [`super::bindata`]).
pub(crate) fn analyse(node: &mut Node, data: &[u8]) {
    node.add_fingerprint(fingerprint(data));
}

/// Scans an EPS/PostScript object.
pub(crate) fn scan(data: &[u8]) -> Eps {
    let l = lex(postscript(data));
    let exec = l.has(EXEC_OPS);
    let build = l.has(BUILD_OPS);
    let known = l.has(EXPLOIT_OPS);
    let image = !l.has(IMAGE_OPS).is_empty();
    let long_hex = l.longest_hex >= LONG_HEX;
    let mut e = Eps::default();

    let mut code: Vec<&str> = Vec::new();
    let mut high_entropy = false;
    for d in &l.decoded {
        for s in shellcode(d, image) {
            if !code.contains(&s) {
                code.push(s);
            }
        }
        if !image && d.len() >= 4096 && entropy(d) > 7.2 {
            high_entropy = true;
        }
        let k = crate::kind::sniff(d, "");
        if e.payloads.len() < 3
            && !matches!(
                k,
                crate::Kind::Unknown | crate::Kind::Text | crate::Kind::Png | crate::Kind::Jpeg
            )
        {
            e.payloads.push(d.clone());
        }
    }

    if !known.is_empty() {
        e.traits
            .push(format!("exploit operators: {}", known.join(" ")));
    }
    if l.pipe {
        e.traits
            .push("%pipe% device (runs a shell command)".to_string());
    }
    if !code.is_empty() {
        e.traits
            .push(format!("shellcode in hex data: {}", code.join(", ")));
    }
    if long_hex {
        e.traits.push(format!(
            "hex string of {} digits{}",
            l.longest_hex,
            if image {
                " (beside image operators)"
            } else {
                ""
            }
        ));
    }
    if high_entropy {
        e.traits
            .push("high-entropy hex payload (encrypted or packed)".to_string());
    }
    if l.ascii85 > 0 {
        e.traits
            .push(format!("{} long ASCII85 string(s)", l.ascii85));
    }
    if !exec.is_empty() || !build.is_empty() {
        let mut ops = exec.clone();
        ops.extend(build.iter().copied());
        e.traits.push(format!("operators: {}", ops.join(" ")));
    }

    let payload_run = (long_hex || high_entropy || l.ascii85 > 0)
        && !image
        && !exec.is_empty()
        && exec.len() + build.len() >= 2;
    e.exploit = !known.is_empty()
        || l.pipe
        || !code.is_empty()
        || payload_run
        || (high_entropy && !exec.is_empty());
    e
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An inert EPS shaped like the HWP exploits: a long hex string of filler bytes that a procedure
    /// rebuilds with putinterval/forall and runs with exec. Nothing in it does anything.
    pub(crate) fn exploit_like() -> Vec<u8> {
        let mut s =
            b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n/buf 4096 string def\n/src <"
                .to_vec();
        for i in 0..2048u32 {
            s.extend_from_slice(format!("{:02x}", (i * 7 % 251) as u8).as_bytes());
        }
        s.extend_from_slice(
            b"> def\n0 1 10 { pop } for\nsrc { pop } forall\nbuf 0 src putinterval\n(pop) cvx exec\nshowpage\n",
        );
        s
    }

    pub(crate) fn plain() -> Vec<u8> {
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 10 10 moveto 90 90 lineto stroke\n(Hello) show\nshowpage\n%%EOF\n".to_vec()
    }

    #[test]
    fn exploit_traits_and_plain_eps() {
        let e = scan(&exploit_like());
        assert!(e.exploit, "{:?}", e.traits);
        assert!(e.traits.iter().any(|t| t.contains("hex string of 4096")));
        let e = scan(&plain());
        assert!(!e.exploit, "{:?}", e.traits);

        // An image with long hex data and the same operators is a picture.
        let mut img = b"%!PS\n/p 100 string def\n100 100 8 [100 0 0 100 0 0] { currentfile p readhexstring pop } image\n".to_vec();
        img.extend(std::iter::repeat_n(b'9', 4000));
        img.extend_from_slice(b"\nshowpage\n");
        let e = scan(&img);
        assert!(!e.exploit, "{:?}", e.traits);
        assert!(e
            .traits
            .iter()
            .any(|t| t.contains("beside image operators")));

        // Shellcode in the hex data counts even beside image operators.
        let mut sc = b"%!PS\n{ } image\n<".to_vec();
        let mut code = vec![0x41u8; 600];
        code.extend_from_slice(&[0xE8, 0, 0, 0, 0, 0x5D, 0x64, 0xA1, 0x30, 0, 0, 0]);
        sc.extend(code.iter().flat_map(|b| format!("{b:02X}").into_bytes()));
        sc.extend_from_slice(b"> pop\n");
        let e = scan(&sc);
        assert!(e.exploit, "{:?}", e.traits);

        assert!(scan(b"%!PS\n(%pipe%calc) (w) file\n").exploit);
        assert!(scan(b"%!PS\n/a 1 def a .eqproc\n").exploit);
        for n in 0..200 {
            let _ = scan(&exploit_like()[..n]);
        }
        let _ = scan(b"<<<<<~~(((\\");
    }
}
