//! Structural payload fingerprints: a SHA-256 over the part of an object that does the work (the VBA
//! source, the PostScript program, the shortcut's command line, the PDF's JavaScript, a script's
//! text), normalised so that re-saved or rebuilt copies of one dropper hash the same while their file
//! hashes differ. Campaign clustering links messages on equal fingerprints of the same kind.
//!
//! Each kind has its own normalisation (see [`FingerprintKind`] for what and why). It is streamed into
//! the hash through a small buffer: the input, already bounded by the parser that holds it, is read
//! once and never copied whole. Content that normalises to nothing gets no fingerprint: every empty
//! project would otherwise link with every other.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a fingerprint was taken over, and so which normalisation was applied.
///
/// Whitespace collapsing means: every run of whitespace becomes one space, and leading and trailing
/// whitespace goes. Builders and re-saves change indentation, line endings and padding, never what the
/// code does; padding with blanks is itself an evasion (MS-SHLLINK arguments padded past what
/// Explorer shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FingerprintKind {
    /// Decompressed source (MS-OVBA §2.4.1) of every module of a VBA project that has code, modules
    /// ordered by name. Per line: CRLF/CR become LF (Office writes CRLF, other tools LF); trailing
    /// whitespace goes; `Attribute VB_*` and `Attribute Proc.VB_*` lines go (the editor writes them:
    /// module names, GUIDs of the creating host, procedure descriptions and shortcut keys, which differ
    /// between hosts and languages while the code is the same); blank lines at the start and end of a
    /// module go. Modules with nothing left (the empty `ThisDocument`/`Sheet1`/`Feuil1` modules each
    /// host and language adds) are left out. Case is kept: string literals are case-sensitive.
    VbaSource,
    /// An EPS/PostScript program (the PostScript section of a DOS EPS binary). Lines whose first
    /// non-blank character is `%` go: DSC comments (`%%Creator`, `%%CreationDate`, `%%BoundingBox`)
    /// change with every save and never run (PLRM 3rd ed. §3.2.2: a comment runs to the end of the
    /// line). Whitespace (PLRM §3.2.2: NUL, tab, LF, FF, CR, space) is collapsed. Inline comments after
    /// code stay: telling them from `%` inside strings (`(%pipe%...)`) needs a lexer.
    #[serde(rename = "post_script")]
    PostScript,
    /// A shortcut's command line: the target path the shell prefers (MS-SHLLINK §2.2, §2.3, §2.5.4)
    /// and the arguments (§2.4 COMMAND_LINE_ARGUMENTS). Lower-cased (Windows paths and most command
    /// switches are case-insensitive), whitespace collapsed (argument padding), environment variables
    /// kept as written (`%windir%`): expanding them would guess at the victim's machine.
    LnkCommand,
    /// Every JavaScript text a PDF's parser found (§12.6.4.17 actions, the `/Names /JavaScript` tree,
    /// XFA scripts), each once, in object order. Whitespace collapsed (re-serialised streams and
    /// minifiers change it); case kept (JavaScript is case-sensitive).
    #[serde(rename = "pdf_javascript")]
    PdfJavaScript,
    /// A standalone script file (js, vbs, ps1, hta, bat and the others the script analyser reads), as
    /// text. Lower-cased (VBScript, PowerShell and batch are case-insensitive, and droppers vary case
    /// to evade string matches), whitespace collapsed.
    Script,
}

impl FingerprintKind {
    /// The name used in reports and stores.
    pub fn as_str(self) -> &'static str {
        match self {
            FingerprintKind::VbaSource => "vba_source",
            FingerprintKind::PostScript => "post_script",
            FingerprintKind::LnkCommand => "lnk_command",
            FingerprintKind::PdfJavaScript => "pdf_javascript",
            FingerprintKind::Script => "script",
        }
    }
}

impl std::fmt::Display for FingerprintKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fingerprint: the kind and the SHA-256 of the normalised content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Fingerprint {
    pub kind: FingerprintKind,
    /// Lower-case hex.
    pub sha256: String,
}

/// Fingerprints one piece of content (text as UTF-8 bytes, or PostScript bytes). `None` when nothing
/// is left after normalisation.
pub fn fingerprint(kind: FingerprintKind, input: &[u8]) -> Option<Fingerprint> {
    fingerprint_parts(kind, std::iter::once(input))
}

/// Fingerprints content made of several parts (the modules of a VBA project, the scripts of a PDF), in
/// the order given. Each part is normalised on its own; parts that normalise to nothing are skipped;
/// the others are separated by a NUL byte, so that moving code from one module to the next changes
/// the fingerprint. `None` when every part is empty.
pub fn fingerprint_parts<'a>(
    kind: FingerprintKind,
    parts: impl IntoIterator<Item = &'a [u8]>,
) -> Option<Fingerprint> {
    let mut out = Out::default();
    for part in parts {
        out.part_started = false;
        match kind {
            FingerprintKind::VbaSource => vba(part, &mut out),
            FingerprintKind::PostScript => postscript(part, &mut out),
            FingerprintKind::LnkCommand | FingerprintKind::Script => collapse(part, true, &mut out),
            FingerprintKind::PdfJavaScript => collapse(part, false, &mut out),
        }
    }
    out.finish().map(|sha256| Fingerprint { kind, sha256 })
}

/// Bytes written through to the hash by way of a small buffer.
#[derive(Default)]
struct Out {
    hash: Sha256,
    buf: Vec<u8>,
    /// Anything written at all.
    any: bool,
    /// Anything written for the current part (the part separator is written before its first byte).
    part_started: bool,
}

const PART_SEPARATOR: u8 = 0;
const BUF: usize = 8 << 10;

impl Out {
    fn write(&mut self, b: &[u8]) {
        if b.is_empty() {
            return;
        }
        if !self.part_started {
            if self.any {
                self.buf.push(PART_SEPARATOR);
            }
            self.part_started = true;
            self.any = true;
        }
        if self.buf.len() + b.len() > BUF {
            self.hash.update(&self.buf);
            self.buf.clear();
            if b.len() > BUF {
                self.hash.update(b);
                return;
            }
        }
        self.buf.extend_from_slice(b);
    }

    fn finish(mut self) -> Option<String> {
        if !self.any {
            return None;
        }
        self.hash.update(&self.buf);
        Some(hex::encode(self.hash.finalize()))
    }
}

/// Whitespace collapsing (and lower-casing) over text: one space for each run of whitespace, none at
/// the ends. Unicode whitespace counts (NBSP and the ideographic space pad arguments as well as
/// blanks do); bytes that are not UTF-8 are written as they are. Words are written whole, not
/// character by character.
fn collapse(part: &[u8], lower: bool, out: &mut Out) {
    let mut w = Words::default();
    let mut low = [0u8; 256];
    let mut utf8 = [0u8; 4];
    for chunk in part.utf8_chunks() {
        for (i, word) in chunk.valid().split(char::is_whitespace).enumerate() {
            if i > 0 {
                w.gap();
            }
            if word.is_empty() {
                continue;
            }
            let ascii = word.is_ascii();
            if !lower || (ascii && !word.bytes().any(|b| b.is_ascii_uppercase())) {
                w.word(word.as_bytes(), out);
            } else if ascii {
                for piece in word.as_bytes().chunks(low.len()) {
                    let l = &mut low[..piece.len()];
                    l.copy_from_slice(piece);
                    l.make_ascii_lowercase();
                    w.word(l, out);
                }
            } else {
                for c in word.chars().flat_map(char::to_lowercase) {
                    w.word(c.encode_utf8(&mut utf8).as_bytes(), out);
                }
            }
        }
        if !chunk.invalid().is_empty() {
            w.word(chunk.invalid(), out);
        }
    }
}

/// Words with one space between them, whatever ran between them.
#[derive(Default)]
struct Words {
    started: bool,
    space: bool,
}

impl Words {
    /// Whitespace was seen: a space goes before the next word, if one came before.
    fn gap(&mut self) {
        self.space = self.started;
    }

    /// Part of a word (a word may be written in pieces).
    fn word(&mut self, w: &[u8], out: &mut Out) {
        if self.space {
            out.write(b" ");
            self.space = false;
        }
        self.started = true;
        out.write(w);
    }
}

/// Lines split at LF, and at a lone CR (what is left of a CRLF is trailing whitespace).
fn lines(part: &[u8]) -> impl Iterator<Item = &[u8]> {
    part.split(|&b| b == b'\n')
        .flat_map(|l| l.trim_ascii_end().split(|&b| b == b'\r'))
        .map(<[u8]>::trim_ascii_end)
}

/// `Attribute VB_Name = "Module1"`, `Attribute Macro1.VB_ProcData.VB_Invoke_Func = " \n14"`.
fn is_vb_attribute(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    let Some(rest) = t
        .get(..10)
        .filter(|p| p.eq_ignore_ascii_case(b"attribute "))
        .and_then(|_| t.get(10..))
    else {
        return false;
    };
    let name = rest.trim_ascii_start();
    let end = name
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'=')
        .unwrap_or(name.len());
    let name = name[..end].to_ascii_lowercase();
    name.starts_with(b"vb_") || memchr::memmem::find(&name, b".vb_").is_some()
}

fn vba(part: &[u8], out: &mut Out) {
    // Blank lines are held back until code follows, so that none are written at a module's end.
    let mut blank = 0usize;
    let mut started = false;
    for line in lines(part) {
        if is_vb_attribute(line) {
            continue;
        }
        if line.is_empty() {
            blank += usize::from(started);
            continue;
        }
        if started {
            for _ in 0..=blank {
                out.write(b"\n");
            }
        }
        blank = 0;
        started = true;
        out.write(line);
    }
}

/// PLRM §3.2.2 white-space characters.
fn ps_space(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn postscript(part: &[u8], out: &mut Out) {
    let mut w = Words::default();
    for line in part.split(|&b| b == b'\n' || b == b'\r') {
        let Some(start) = line.iter().position(|&b| !ps_space(b)) else {
            continue;
        };
        if line[start] == b'%' {
            continue;
        }
        for word in line[start..].split(|&b| ps_space(b)) {
            if !word.is_empty() {
                w.word(word, out);
            }
            w.gap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FingerprintKind as K;

    fn fp(kind: K, s: &str) -> String {
        fingerprint(kind, s.as_bytes()).unwrap().sha256
    }

    #[test]
    fn hash_is_sha256_of_the_normalised_text() {
        // sha256("a b")
        assert_eq!(
            fp(K::PdfJavaScript, "  a \r\n\t b  "),
            "c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65"
        );
        assert_eq!(fp(K::Script, "A  B"), fp(K::Script, "a b"));
        assert_ne!(fp(K::PdfJavaScript, "A"), fp(K::PdfJavaScript, "a"));
        assert!(fingerprint(K::Script, b" \r\n\t").is_none());
        assert!(fingerprint(K::VbaSource, b"Attribute VB_Name = \"M\"\r\n\r\n").is_none());
    }

    #[test]
    fn vba_lines() {
        let a = "Attribute VB_Name = \"Module1\"\r\nSub AutoOpen()\r\n  Shell \"calc\"   \r\n\r\nEnd Sub\r\n\r\n";
        let b = "Attribute VB_Name = \"Modul1\"\nattribute VB_Base = \"0{000209}\"\nSub AutoOpen()\nAttribute AutoOpen.VB_ProcData.VB_Invoke_Func = \" \\n14\"\n  Shell \"calc\"\n\nEnd Sub";
        assert_eq!(fp(K::VbaSource, a), fp(K::VbaSource, b));
        // The blank line inside the procedure is kept; indentation is kept.
        let c = "Sub AutoOpen()\n  Shell \"calc\"\nEnd Sub";
        assert_ne!(fp(K::VbaSource, a), fp(K::VbaSource, c));
        // An `Attribute` statement that is not editor metadata is code.
        assert!(!is_vb_attribute(b"Attributes = 1"));
        assert!(is_vb_attribute(b"  ATTRIBUTE  vb_exposed = False"));
        // Lone CRs end lines too.
        assert_eq!(
            fp(K::VbaSource, "Sub A()\rEnd Sub\r"),
            fp(K::VbaSource, "Sub A()\nEnd Sub")
        );
    }

    #[test]
    fn parts_are_separated_and_empty_parts_skipped() {
        let one = fingerprint_parts(K::VbaSource, [b"Sub A()\nEnd Sub".as_slice()]);
        let with_empty = fingerprint_parts(
            K::VbaSource,
            [
                b"Attribute VB_Name = \"Sheet1\"\r\n".as_slice(),
                b"Sub A()\nEnd Sub",
                b"",
            ],
        );
        assert_eq!(one, with_empty);
        let split = fingerprint_parts(K::VbaSource, [b"Sub A()".as_slice(), b"End Sub"]);
        assert_ne!(one, split);
    }

    #[test]
    fn postscript_comments_and_spacing() {
        let a = "%!PS-Adobe-3.0 EPSF-3.0\n%%Creator: a\n%%CreationDate: 1\n/x 1 def\n  x   pop\r\n%%EOF\n";
        let b = "%!PS\r\n%%Creator: other tool\r\n/x 1 def x pop\r\n";
        assert_eq!(fp(K::PostScript, a), fp(K::PostScript, b));
        assert_ne!(fp(K::PostScript, a), fp(K::PostScript, "/x 2 def x pop"));
        // `%` inside a string on a code line stays.
        assert_ne!(
            fp(K::PostScript, "(%pipe%a) (w) file"),
            fp(K::PostScript, "(%pipe%b) (w) file")
        );
    }

    #[test]
    fn unicode_whitespace_case_and_bad_utf8() {
        assert_eq!(
            fp(K::LnkCommand, "CMD.EXE\u{3000}\u{a0}/C  Start"),
            fp(K::LnkCommand, "cmd.exe /c start")
        );
        let bad = fingerprint(K::Script, b"A\xff  B").unwrap();
        let also = fingerprint(K::Script, b"a\xff b").unwrap();
        assert_eq!(bad, also);
    }

    #[test]
    fn large_input_is_linear() {
        let mut s = String::new();
        for i in 0..200_000 {
            s.push_str(&format!("  x{i}  =  {i}  \r\n"));
        }
        let t = std::time::Instant::now();
        for k in [K::VbaSource, K::PostScript, K::Script] {
            assert!(fingerprint(k, s.as_bytes()).is_some());
        }
        assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
    }

    #[test]
    fn serialises_snake_case() {
        let f = fingerprint(K::PdfJavaScript, b"app.alert(1)").unwrap();
        let j = serde_json::to_value(&f).unwrap();
        assert_eq!(j["kind"], "pdf_javascript");
        assert_eq!(j["sha256"].as_str().unwrap().len(), 64);
        for k in [
            K::VbaSource,
            K::PostScript,
            K::LnkCommand,
            K::PdfJavaScript,
            K::Script,
        ] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
