//! Deceptive characters in what the reader sees: look-alike letters from other scripts, letters
//! borrowed from symbol blocks, and invisible characters inside words.
//!
//! "Amаzon accоunt" with Cyrillic а and о reads as English but matches no keyword filter; "ᴜʟᴛɪᴍᴏ" and
//! "𝐔𝐫𝐠𝐞𝐧𝐭" are letters from the small-capital and mathematical blocks. Real correspondents type
//! their own script; these tricks exist to defeat filters (UTS #39 §5 mixed-script detection; ATT&CK
//! T1027 obfuscation). Words written wholly in Cyrillic or Greek are ordinary text and are left alone;
//! Latin mixed with Hangul, Han or Kana ("Upbit에서") is ordinary Korean and Japanese writing.

use crate::{Context, Detector};
use spearwatch_core::{technique as t, Evidence, Finding, Severity, Source};
use unicode_script::{Script, UnicodeScript};

pub struct Text;

/// Bytes of each body examined.
const MAX_BODY_BYTES: usize = 32 * 1024;

impl Detector for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mail = cx.mail;
        // Borrowed from the message: the subject, the sender's display name, then body windows.
        let mut seen: Vec<(Source, &str)> = Vec::new();
        if let Some(s) = &mail.subject {
            seen.push((
                Source::Header {
                    name: "Subject".into(),
                    part: None,
                },
                s,
            ));
        }
        if let Some(n) = mail.from().and_then(|m| m.name.as_deref()) {
            seen.push((
                Source::Header {
                    name: "From".into(),
                    part: None,
                },
                n,
            ));
        }
        let header_count = seen.len();
        for b in mail.body_texts() {
            let cut = b.text.floor_char_boundary(b.text.len().min(MAX_BODY_BYTES));
            seen.push((Source::Body { part: b.part }, &b.text[..cut]));
        }

        // Hidden text salting: paragraphs a reader never sees, there to feed filters benign words.
        // Marketing mail hides a short preheader (one line, ~100 characters); far more than that is
        // salting (Talos, "hidden text salting", 2025).
        if let Some(b) = mail
            .body_texts()
            .filter(|b| b.hidden_chars >= HIDDEN_TEXT_MIN_CHARS)
            .max_by_key(|b| b.hidden_chars)
        {
            out.push(
                Finding::new(
                    "text.hidden_text",
                    Severity::Medium,
                    format!(
                        "The HTML body hides {} characters of text from the reader",
                        b.hidden_chars
                    ),
                )
                .technique(t::OBFUSCATED_FILES)
                .evidence(
                    Evidence::body(b.part, &b.hidden_sample)
                        .with_note("inside display:none / zero-size / transparent elements"),
                ),
            );
        }

        // Image-only bodies: the message is a picture (and a link), so text filters read nothing.
        if let Some(f) = image_only_body(mail) {
            out.push(f);
            if let Some(f) = image_button_elsewhere(mail) {
                out.push(f);
            }
        }

        // Hash-busting: random tokens appended to subjects and sender names so that each copy of a
        // mass mailing looks unique ("Saldo Liberado-SvQTr6zVfm1D0").
        let tokens: Vec<(&Source, &str)> = seen[..header_count]
            .iter()
            .flat_map(|(src, t)| {
                t.split(|c: char| !c.is_ascii_alphanumeric())
                    .map(move |w| (src, w))
            })
            .filter(|(_, w)| is_random_token(w))
            .take(3)
            .collect();
        if !tokens.is_empty() {
            let mut f = Finding::new(
                "text.random_token",
                Severity::Low,
                "Subject or sender name carries random-looking tokens (makes each copy of a mass mailing unique)",
            )
            .technique(t::OBFUSCATED_FILES);
            for (src, w) in tokens {
                f = f.evidence(Evidence::new((*src).clone(), w));
            }
            out.push(f);
        }

        let mut mixed: Vec<Evidence> = Vec::new();
        let mut mixed_in_header = false;
        let mut styled: Vec<Evidence> = Vec::new();
        let mut styled_in_header = false;
        let mut hidden: Vec<Evidence> = Vec::new();
        let mut hidden_in_header = false;
        let mut hidden_words = 0usize;
        for (i, (src, text)) in seen.iter().enumerate() {
            let in_header = i < header_count;
            // Words end at white space and ASCII punctuation; other non-ASCII marks stay inside the word
            // (cheaper than a Unicode class lookup per character, and harmless to the checks below).
            for word in
                text.split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\''))
            {
                if word.is_ascii() || word.is_empty() {
                    continue;
                }
                if mixed.len() < 5 && is_mixed_latin_confusable(word) {
                    mixed_in_header |= in_header;
                    let plain: String = unicode_security::skeleton(word).collect();
                    mixed.push(Evidence::new(src.clone(), word).with_note(format!(
                        "reads as \"{plain}\"; mixes Latin with Cyrillic/Greek letters"
                    )));
                }
                if styled.len() < 5 && word.chars().any(is_stylised_letter) {
                    styled_in_header |= in_header;
                    styled.push(Evidence::new(src.clone(), word).with_note(
                        "letters from symbol blocks (small capitals, mathematical, enclosed)",
                    ));
                }
                if hidden.len() < 5 && has_invisible_inside(word) {
                    hidden_in_header |= in_header;
                    hidden_words += 1;
                    hidden.push(
                        Evidence::new(src.clone(), word.replace(is_invisible, "\u{2423}"))
                            .with_note("invisible characters (shown as ␣) split the word"),
                    );
                } else if hidden.len() < 5 && has_foreign_mark_on_latin(word) {
                    hidden_in_header |= in_header;
                    hidden_words += 1;
                    let plain: String = word.chars().filter(|c| !is_foreign_mark(*c)).collect();
                    hidden.push(Evidence::new(src.clone(), word).with_note(format!(
                        "reads as \"{plain}\"; combining marks of another script (Hebrew, Arabic, Syriac) sit on its Latin letters"
                    )));
                }
            }
        }
        if !mixed.is_empty() {
            let sev = if mixed_in_header {
                Severity::High
            } else {
                Severity::Medium
            };
            let mut f = Finding::new("text.mixed_script", sev, "Words mix Latin letters with look-alike Cyrillic or Greek letters to slip past filters")
                .technique(t::OBFUSCATED_FILES)
                .technique(t::IMPERSONATION);
            f.evidence = mixed;
            out.push(f);
        }
        if !styled.is_empty() {
            let sev = if styled_in_header {
                Severity::Medium
            } else {
                Severity::Low
            };
            let mut f = Finding::new(
                "text.stylised_letters",
                sev,
                "Text uses letter-like symbols instead of ordinary letters",
            )
            .technique(t::OBFUSCATED_FILES);
            f.evidence = styled;
            out.push(f);
        }
        // One odd word in a long body can be an editor's artefact; in the subject or sender name, or
        // repeated in the body, it is salting to break keyword filters.
        if hidden_in_header || hidden_words >= 2 {
            let mut f = Finding::new(
                "text.invisible_characters",
                Severity::Medium,
                "Invisible characters are hidden inside words to break keyword filters",
            )
            .technique(t::OBFUSCATED_FILES);
            f.evidence = hidden;
            out.push(f);
        }
    }
}

/// Words of readable text (two letters or more) below which an HTML body with pictures is "image only".
const IMAGE_ONLY_MAX_WORDS: usize = 25;

/// An HTML message whose readable text, across all its bodies, is a handful of words while it shows
/// pictures (loaded from the web or carried as image parts) and has a link to click: the lure is
/// drawn in the image, where keyword and language filters cannot read it (image spam, QR-code and
/// "button picture" phishing). Newsletters that are mostly pictures still carry a text footer.
fn image_only_body(mail: &spearwatch_message::Mail) -> Option<Finding> {
    use spearwatch_message::UrlSource;
    if !mail.body_texts().any(|b| b.from_html) {
        return None;
    }
    let mut words = 0usize;
    for b in mail.body_texts() {
        words += b
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count();
        if words >= IMAGE_ONLY_MAX_WORDS {
            return None;
        }
    }
    let web_images = mail
        .links
        .iter()
        .filter(|l| l.source == UrlSource::Resource && l.host.is_some())
        .count();
    let image_parts = mail
        .attachments
        .iter()
        .filter(|a| a.declared_type.starts_with("image/"))
        .count();
    let click = mail
        .links
        .iter()
        .find(|l| l.source == UrlSource::Href && l.host.is_some())?;
    if web_images + image_parts == 0 {
        return None;
    }
    Some(
        Finding::new(
            "text.image_only_body",
            Severity::Low,
            format!("The message is pictures and a link with only {words} words of text: what it says is drawn in the images, out of reach of text filters"),
        )
        .technique(t::OBFUSCATED_FILES)
        .evidence(Evidence::url(&click.url, click.host.as_deref().unwrap_or_default()).with_note(format!(
            "{} image(s), {} link(s), {words} words of readable text",
            web_images + image_parts,
            mail.links.iter().filter(|l| l.source == UrlSource::Href).count()
        ))),
    )
}

/// For an image-only message: every link leaves the sender's organisation (and no mailing service's
/// click tracker stands in between). The picture is a button to someone else's site, the shape of a
/// lure whose landing page is the point; a brand's image newsletter links home or through its
/// mailing service.
fn image_button_elsewhere(mail: &spearwatch_message::Mail) -> Option<Finding> {
    use crate::domains::{is_within, same_organisation, site};
    use spearwatch_message::UrlSource;
    let from_site = site(mail.from()?.domain()?);
    let hosts: Vec<&str> = mail
        .links
        .iter()
        .filter(|l| l.source == UrlSource::Href)
        .filter_map(|l| l.host.as_deref())
        .collect();
    if hosts.is_empty()
        || hosts.iter().any(|h| {
            same_organisation(h, &from_site)
                || crate::data::DOMAINS
                    .click_tracking
                    .iter()
                    .any(|d| is_within(h, d))
        })
    {
        return None;
    }
    let mut shown: Vec<&str> = hosts.clone();
    shown.sort_unstable();
    shown.dedup();
    Some(
        Finding::new(
            "text.image_button_elsewhere",
            Severity::Low,
            "The message's pictures are buttons to another organisation's site than the sender's",
        )
        .technique(t::PHISHING)
        .evidence(Evidence::structure(format!(
            "sender {from_site}; links go to {}",
            shown.iter().take(4).copied().collect::<Vec<_>>().join(", ")
        ))),
    )
}

/// Hidden characters above which hidden text counts as salting.
const HIDDEN_TEXT_MIN_CHARS: usize = 250;

/// Eight or more letters and digits mixing upper case, lower case and two or more digits, switching
/// between them at least five times ("98dXf7enKLndFV3"); identifiers people write ("Mark2CurSeen",
/// "iPhone15") do not.
fn is_random_token(w: &str) -> bool {
    if w.len() < 8 || !w.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let class = |c: u8| {
        if c.is_ascii_digit() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else {
            2
        }
    };
    let b = w.as_bytes();
    let (up, lo, dg) = (
        b.iter().filter(|c| class(**c) == 1).count(),
        b.iter().filter(|c| class(**c) == 2).count(),
        b.iter().filter(|c| class(**c) == 0).count(),
    );
    let switches = b.windows(2).filter(|p| class(p[0]) != class(p[1])).count();
    up >= 2 && lo >= 2 && dg >= 2 && switches >= 5
}

/// Scripts whose letters are confusable with Latin (UTS #39 confusables are concentrated here).
fn is_confusable_script(s: Script) -> bool {
    matches!(
        s,
        Script::Cyrillic | Script::Greek | Script::Armenian | Script::Cherokee | Script::Coptic
    )
}

fn is_mixed_latin_confusable(word: &str) -> bool {
    // Needs two Latin letters; Korean or Cyrillic text without any ASCII letter is skipped cheaply.
    if word.bytes().filter(u8::is_ascii_alphabetic).count() < 2 {
        return false;
    }
    let (mut latin, mut other) = (0usize, 0usize);
    for c in word.chars().filter(|c| c.is_alphabetic()) {
        match c.script() {
            Script::Latin => latin += 1,
            s if is_confusable_script(s) => other += 1,
            _ => {}
        }
    }
    // "Μetamаsk": mostly Latin with a few foreign letters. A word needs at least two Latin letters so
    // that "Ωmega"-style single letters and unit symbols (µm) do not count.
    latin >= 2 && other >= 1
}

fn is_stylised_letter(c: char) -> bool {
    matches!(c as u32,
        0x1D400..=0x1D7FF            // Mathematical Alphanumeric Symbols
        | 0x1D00..=0x1D2B            // Phonetic Extensions: small capitals
        | 0x0262 | 0x026A | 0x0274 | 0x0280 | 0x028F | 0x0299 | 0x029C | 0x029F // IPA small capitals
        | 0x24B6..=0x24E9            // circled Latin letters
        | 0x1F130..=0x1F189          // squared / negative circled / negative squared Latin letters
        | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A // full-width Latin letters
    )
}

/// Characters that render as nothing: zero-width spaces and joiners, direction marks, invisible
/// operators, soft hyphen, word joiner, BOM.
fn is_invisible(c: char) -> bool {
    // U+202A..U+202E and U+2066..U+2069: bidi embeddings, overrides and isolates (Unicode UAX #9),
    // invisible in running text. U+E0000..U+E007F tags and U+E0100..U+E01EF variation selectors
    // select nothing on Latin letters and render as nothing.
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}' | '\u{180E}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Combining marks of right-to-left and other scripts (Hebrew points, Arabic harakat, Syriac and
/// Thaana vowel marks, N'Ko tones) that render as a dot or nothing. They belong on their own script's
/// letters; on Latin letters ("Aܿmܿaܿzܿoܿn") they only break keyword filters.
fn is_foreign_mark(c: char) -> bool {
    matches!(c, '\u{0591}'..='\u{05C7}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0730}'..='\u{074A}' | '\u{07A6}'..='\u{07B0}' | '\u{07EB}'..='\u{07F3}')
}

/// A Latin letter carrying a foreign script's combining mark.
fn has_foreign_mark_on_latin(word: &str) -> bool {
    let mut prev = ' ';
    for c in word.chars() {
        if is_foreign_mark(c) && prev.is_ascii_alphabetic() {
            return true;
        }
        if !is_foreign_mark(c) {
            prev = c;
        }
    }
    false
}

fn has_invisible_inside(word: &str) -> bool {
    let trimmed = word.trim_matches(is_invisible);
    trimmed.contains(is_invisible) && trimmed.chars().filter(|c| c.is_alphanumeric()).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run};

    #[test]
    fn look_alikes_and_symbols() {
        // "Amаzon accоunt" with Cyrillic а/о, in the subject (RFC 2047 UTF-8).
        let f = run(&Text, "From: =?UTF-8?B?zpxldGFt0LBzaw==?= <a@b.example>\r\nSubject: =?UTF-8?B?QW3QsHpvbiBhY2PQvnVudA==?=\r\n\r\n\u{1D414}\u{1D42B}\u{1D420}\u{1D41E}\u{1D427}\u{1D42D} r\u{200B}eply\r\n");
        assert_eq!(ids(&f), ["text.mixed_script", "text.stylised_letters"]);
        assert_eq!(f[0].severity, Severity::High);
        assert!(f[0].evidence.iter().any(|e| e.value == "Amаzon"));
        let f = run(
            &Text,
            "From: a@b.example\r\nSubject: =?UTF-8?B?UHLigI5p4oCObWU=?= statement\r\n\r\nx\r\n",
        ); // "Pr\u{200E}i\u{200E}me"
        assert_eq!(ids(&f), ["text.invisible_characters"]);
    }

    #[test]
    fn hidden_text_and_random_tokens() {
        let salt = "benign words ".repeat(30);
        let raw = format!("From: a@b.example\r\nSubject: Saldo Liberado-SvQTr6zVfm1D0\r\nContent-Type: text/html\r\n\r\n<p>Pay now</p><div style=\"display:none\">{salt}</div>\r\n");
        let f = run(&Text, &raw);
        assert_eq!(ids(&f), ["text.hidden_text", "text.random_token"]);
        assert_eq!(f[1].evidence[0].value, "SvQTr6zVfm1D0");
        assert_eq!(
            f[1].evidence[0].source,
            Source::Header {
                name: "Subject".into(),
                part: None
            }
        );
        for ok in ["Mark2CurSeen", "iPhone15", "ABC12345", "INV20261183"] {
            assert!(!is_random_token(ok), "{ok}");
        }
        let f = run(&Text, "From: a@b.example\r\nContent-Type: text/html\r\n\r\n<span style=\"display:none\">Your October statement is ready</span><p>Hello</p>\r\n");
        assert!(f.is_empty(), "a preheader is not salting: {:?}", ids(&f));
    }

    #[test]
    fn marks_and_isolates_inside_latin_words() {
        // Syriac marks on Latin letters, in the body twice.
        let f = run(&Text, "From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA\u{73F}m\u{73F}azon p\u{73F}ayment\r\n");
        assert_eq!(ids(&f), ["text.invisible_characters"]);
        assert!(f[0].evidence[0].note.as_deref().unwrap().contains("Amazon"));
        // Bidi isolates splitting words.
        let f = run(&Text, "From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nV\u{2069}erify yo\u{2069}ur acc\u{2069}ount\r\n");
        assert_eq!(ids(&f), ["text.invisible_characters"]);
        // Variation selectors supplement in the sender name.
        let f = run(&Text, "From: =?UTF-8?B?TfOghLlpY/OghLlyb3NvZnQ=?= <a@b.example>\r\nSubject: x\r\n\r\nhello\r\n");
        assert_eq!(ids(&f), ["text.invisible_characters"]);
        // Hebrew and Arabic with their own points are ordinary writing.
        let f = run(&Text, "From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nשָׁלוֹם עֲלֵיכֶם مَرْحَبًا بِكُمْ\r\n");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn image_only_bodies() {
        let f = run(&Text, "From: a@b.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<a href=\"https://land.example/x\"><img src=\"https://img.example/offer.png\"></a><p>Unsubscribe here</p>\r\n");
        assert_eq!(
            ids(&f),
            ["text.image_only_body", "text.image_button_elsewhere"]
        );
        // Linking home, or through a mailing service's tracker, is a brand's image newsletter.
        for href in [
            "https://www.b.example/sale",
            "https://x.list-manage.com/track",
        ] {
            let f = run(&Text, &format!("From: a@b.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<a href=\"{href}\"><img src=\"https://img.example/offer.png\"></a>\r\n"));
            assert_eq!(ids(&f), ["text.image_only_body"], "{href}");
        }
        // A picture with a real text, a text without pictures, and plain text are not.
        let prose = "We moved the meeting to Thursday because half of the team is travelling this week, and the room on the third floor is booked; bring the draft of the budget and the list of open questions from last time. ";
        for body in [
            format!("<p>{prose}</p><img src=\"https://img.example/chart.png\"><a href=\"https://b.example/agenda\">agenda</a>"),
            "<p>Short note</p><a href=\"https://b.example/x\">x</a>".to_string(),
        ] {
            let f = run(&Text, &format!("From: a@b.example\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n{body}\r\n"));
            assert!(f.is_empty(), "{body}: {:?}", ids(&f));
        }
        let f = run(
            &Text,
            "From: a@b.example\r\nSubject: x\r\n\r\nsee https://b.example/x\r\n",
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn ordinary_scripts_are_fine() {
        let f = run(&Text, "From: =?UTF-8?B?6rmA66+87KSA?= <a@b.example>\r\nSubject: =?UTF-8?B?VXBiaXTsl5DshJwg7JWM66a865Oc66a964uI64ukIOKAlCDQn9GA0LjQstC10YI=?=\r\n\r\nΑθήνα café naïve µm\r\n");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}
