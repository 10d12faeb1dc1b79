//! Lure vocabulary: what the message talks the reader into.
//!
//! Phrases per theme (tax, invoice, account security, job offer, regulator, crypto, urgency, "enable
//! content", credential request) live in `data/lures.toml`, English and Korean. The subject and the
//! bodies are normalised (full-width letters folded, lower-cased, zero-width characters removed,
//! whitespace collapsed) and matched with one Aho-Corasick automaton. A theme is reported when enough
//! distinct phrases occur; a phrase in the subject counts twice. A lure alone is weak evidence, so the
//! default policy weighs these lightly: they tip a message whose sender or links are already odd.
//!
//! The same pass finds a password given for an attachment ("비밀번호: 0427"), the mark of an encrypted
//! archive sent to get past scanners.

use crate::data::LEXICON;
use crate::{Context, Detector};
use aho_corasick::AhoCorasick;
use spearwatch_core::{Evidence, Finding, Severity, Source};
use spearwatch_message::Mail;
use std::sync::LazyLock;

pub struct Lures;

/// Bytes of each body scanned; lures are in the first screens of text.
const MAX_SCAN_BYTES: usize = 64 * 1024;

struct Matcher {
    ac: AhoCorasick,
    /// Per pattern: (class, phrase index, needs word boundaries).
    patterns: Vec<(usize, usize, bool)>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut texts = Vec::new();
    let mut patterns = Vec::new();
    for (ci, c) in LEXICON.class.iter().enumerate() {
        for (pi, p) in c.phrases.iter().enumerate() {
            let p = normalise(p);
            patterns.push((ci, pi, p.is_ascii()));
            texts.push(p);
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::Standard)
        .build(&texts)
        .expect("lexicon phrases build an automaton");
    Matcher { ac, patterns }
});

/// Password phrases, matched on the original text (ASCII case-insensitively) so that the password
/// itself keeps its case.
static PASSWORD_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&LEXICON.password_hint.phrases)
        .expect("password phrases build an automaton")
});

pub(crate) fn warm_up() {
    LazyLock::force(&MATCHER);
    LazyLock::force(&PASSWORD_HINTS);
}

/// Folds full-width ASCII (U+FF01..U+FF5E), lower-cases, drops zero-width characters and soft
/// hyphens, and collapses whitespace.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        if matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}'
        ) {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

pub(crate) fn boundary_ok(text: &str, start: usize, end: usize, check_end: bool) -> bool {
    let before = text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let after = !check_end
        || text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
    before && after
}

/// One text scanned: where it came from and its normalised content.
pub(crate) struct Scanned {
    pub(crate) source: Source,
    pub(crate) text: String,
    pub(crate) weight: usize,
}

/// The subject (weight 2) and the first `MAX_SCAN_BYTES` of each body (weight 1), as written.
fn raw_texts(mail: &Mail) -> Vec<(&str, Source, usize)> {
    let mut v = Vec::new();
    if let Some(s) = &mail.subject {
        v.push((
            s.as_str(),
            Source::Header {
                name: "Subject".into(),
                part: None,
            },
            2,
        ));
    }
    for b in mail.body_texts() {
        let cut = b.text.floor_char_boundary(b.text.len().min(MAX_SCAN_BYTES));
        v.push((&b.text[..cut], Source::Body { part: b.part }, 1));
    }
    v
}

/// The message's own texts, then the text of documents inside its attachments (an HWP or Word lure
/// says in the document what the mail body leaves out).
pub(crate) fn scanned_texts(mail: &Mail, documents: &[crate::DocumentText]) -> Vec<Scanned> {
    let mut v: Vec<Scanned> = raw_texts(mail)
        .into_iter()
        .map(|(text, source, weight)| Scanned {
            source,
            text: normalise(text),
            weight,
        })
        .collect();
    let mut budget = MAX_SCAN_BYTES;
    for d in documents {
        if budget == 0 {
            break;
        }
        let cut = d.text.floor_char_boundary(d.text.len().min(budget));
        budget -= cut;
        v.push(Scanned {
            source: Source::Attachment {
                part: d.part,
                name: d.path.clone(),
            },
            text: normalise(&d.text[..cut]),
            weight: 1,
        });
    }
    v
}

/// Passwords announced in the message ("password: x7Kq2", "비밀번호는 0427"), for the attachment engine
/// to try on encrypted archives, with where each was seen.
pub fn harvest_passwords(mail: &Mail) -> Vec<(String, Source)> {
    let mut out: Vec<(String, Source)> = Vec::new();
    for (text, source, _) in raw_texts(mail) {
        for hit in PASSWORD_HINTS.find_iter(text) {
            if !boundary_ok(text, hit.start(), hit.end(), false) {
                continue;
            }
            if let Some(pw) = password_after(&text[hit.end()..]) {
                if !out.iter().any(|(p, _)| p == &pw) && out.len() < 8 {
                    out.push((pw, source.clone()));
                }
            }
        }
    }
    out
}

/// The token after a password phrase: skips separators and Korean particles, then takes 3-32
/// non-space characters.
fn password_after(rest: &str) -> Option<String> {
    let rest: String = rest.chars().take(40).collect();
    let rest = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '=' | '-' | '"' | '\'' | '[' | '(' | '「')
    });
    let rest = ["is ", "는 ", "은 ", "는", "은"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    let rest =
        rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '"' | '\'' | '['));
    let tok: String = rest
        .chars()
        .take_while(|c| {
            !c.is_whitespace() && !matches!(c, '"' | '\'' | ']' | ')' | '」' | ',' | '，')
        })
        .collect();
    let tok = tok.trim_end_matches(['.', '。', '입', '이']).to_string();
    let tok = tok
        .strip_suffix("입니다")
        .map(str::to_string)
        .unwrap_or(tok);
    let n = tok.chars().count();
    ((3..=32).contains(&n) && tok.chars().any(|c| c.is_ascii_alphanumeric())).then_some(tok)
}

impl Detector for Lures {
    fn name(&self) -> &'static str {
        "lure"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let m = &*MATCHER;
        let classes = &LEXICON.class;
        // Per class: distinct phrases (index) with the first place each was seen, and a weighted count.
        let mut seen: Vec<Vec<(usize, Source)>> = vec![Vec::new(); classes.len()];
        let mut counts = vec![0usize; classes.len()];
        let texts = scanned_texts(cx.mail, cx.documents);
        for s in &texts {
            for hit in m.ac.find_overlapping_iter(&s.text) {
                let (class, phrase, word) = &m.patterns[hit.pattern().as_usize()];
                if *word && !boundary_ok(&s.text, hit.start(), hit.end(), true) {
                    continue;
                }
                if seen[*class].iter().any(|(p, _)| p == phrase) {
                    continue;
                }
                seen[*class].push((*phrase, s.source.clone()));
                counts[*class] += s.weight;
            }
        }
        for (ci, c) in classes.iter().enumerate() {
            if counts[ci] < c.min_hits.max(1) {
                continue;
            }
            let phrases: Vec<&str> = seen[ci]
                .iter()
                .map(|(p, _)| c.phrases[*p].as_str())
                .collect();
            let sev = if c.id == "enable_content" {
                Severity::High
            } else {
                Severity::Medium
            };
            let mut f = Finding::new(
                &format!("lure.{}", c.id),
                sev,
                format!("{}: {}", c.title, quote_list(&phrases, 4)),
            )
            .technique(&c.technique);
            for (p, src) in seen[ci].iter().take(5) {
                f = f.evidence(Evidence::new(src.clone(), &c.phrases[*p]));
            }
            out.push(f);
        }

        if let (Some(subject), Some(from_domain)) =
            (&cx.mail.subject, cx.mail.from().and_then(|m| m.domain()))
        {
            if let Some((brand, kw)) = crate::data::brand_named_in(subject) {
                if !brand.owns(from_domain) {
                    out.push(
                        Finding::new(
                            "lure.brand_in_subject",
                            Severity::Low,
                            format!(
                                "The subject names {}, but the mail is not from a {} domain",
                                brand.name, brand.name
                            ),
                        )
                        .technique(spearwatch_core::technique::IMPERSONATION)
                        .evidence(
                            Evidence::header("Subject", subject).with_note(format!(
                                "\"{kw}\"; sender domain {from_domain}; {} uses {}",
                                brand.name,
                                brand.domains.join(", ")
                            )),
                        ),
                    );
                }
            }
        }

        if let Some(note) = address_in_subject(cx.mail) {
            out.push(
                Finding::new(
                    "lure.recipient_in_subject",
                    Severity::Medium,
                    "The subject addresses the reader by an e-mail address",
                )
                .technique(spearwatch_core::technique::PHISHING)
                .evidence(
                    Evidence::header("Subject", cx.mail.subject.as_deref().unwrap_or_default())
                        .with_note(note),
                ),
            );
        }

        if let Some((part, value, note)) = address_in_greeting(cx.mail) {
            out.push(
                Finding::new(
                    "lure.recipient_in_greeting",
                    Severity::Low,
                    "The mail greets the reader by an e-mail address instead of a name",
                )
                .technique(spearwatch_core::technique::PHISHING)
                .evidence(Evidence::body(part, value).with_note(note)),
            );
        }

        if !cx.mail.attachments.is_empty() {
            if let Some((pw, src)) = harvest_passwords(cx.mail).into_iter().next() {
                let names: Vec<String> = cx
                    .mail
                    .attachments
                    .iter()
                    .filter_map(|a| a.name.clone())
                    .take(3)
                    .collect();
                out.push(
                    Finding::new(
                        "lure.attachment_password",
                        Severity::High,
                        "The message gives a password for its attachment: an encrypted file hides its content from scanners",
                    )
                    .technique(spearwatch_core::technique::SPEARPHISHING_ATTACHMENT)
                    .technique(spearwatch_core::technique::OBFUSCATED_FILES)
                    .evidence(Evidence::new(src, &pw).with_note(format!("password given in the text; attachments: {}", names.join(", ")))),
                );
            }
        }
    }
}

/// Mass phishing personalises subjects with the address it was sent to ("user@corp.example, your
/// mailbox is full"); people write names. Returns the note for the finding.
fn address_in_subject(mail: &Mail) -> Option<String> {
    let subject = mail.subject.as_deref()?.to_lowercase();
    if !subject.contains('@') {
        return None;
    }
    for r in mail.recipients() {
        if r.len() >= 6 && r.contains('@') && subject.contains(&r) {
            return Some(format!("contains the recipient address {r}: mass phishing personalises this way, people do not"));
        }
    }
    // Undisclosed recipients: an address that opens or closes the subject, the salutation position
    // ("kim@corp.example, your invoice"). Addresses mid-sentence are usually what the mail is about
    // ("post from x@y requires approval").
    let sender = mail
        .from()
        .and_then(|m| m.address.as_deref())
        .unwrap_or("")
        .to_lowercase();
    let words: Vec<&str> = subject
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    ',' | ';' | ':' | '<' | '>' | '(' | ')' | '[' | ']' | '"' | '\'' | '!' | '-'
                )
        })
        .filter(|w| !w.is_empty())
        .collect();
    let is_address = |w: &&&str| {
        w.len() >= 6
            && **w != sender
            && w.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty()
                    && d.contains('.')
                    && !d.starts_with('.')
                    && d.chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
            })
    };
    let found = [words.first(), words.last()]
        .into_iter()
        .flatten()
        .find(is_address)?;
    Some(format!(
        "opens or closes with the address {found} while the recipients are not disclosed"
    ))
}

/// Words that open a salutation, lower-case ("Dear kim@corp.example", "Hallo kim@corp.example!",
/// "Congratulations kim@corp.example"). Greetings in the languages mass phishing is written in.
const GREETINGS: &[&str] = &[
    "dear",
    "hi",
    "hello",
    "hey",
    "greetings",
    "attention",
    "attn",
    "congratulations",
    "welcome",
    "hallo",
    "liebe",
    "lieber",
    "geehrte",
    "geehrter",
    "glückwunsch",
    "bonjour",
    "salut",
    "cher",
    "chère",
    "félicitations",
    "olá",
    "ola",
    "oi",
    "prezado",
    "prezada",
    "caro",
    "cara",
    "parabéns",
    "hola",
    "estimado",
    "estimada",
    "ciao",
    "gentile",
    "beste",
    "hoi",
    "안녕하세요",
];

/// Bytes at the start of a body where a salutation stands.
const GREETING_WINDOW: usize = 600;

/// Mail-merge that knows only the address: "Dear kim@corp.example," or a body that opens with the
/// address. Services that know their customer greet by name; a bulk sender with a harvested list has
/// only the address. Addresses further down (footers: "this mail was sent to kim@...") do not count.
/// Returns the part, the greeting as written and the note.
fn address_in_greeting(mail: &Mail) -> Option<(usize, String, String)> {
    let recipients: Vec<String> = mail
        .recipients()
        .into_iter()
        .filter(|r| r.len() >= 6 && r.contains('@'))
        .collect();
    if recipients.is_empty() {
        return None;
    }
    for b in mail.body_texts().take(4) {
        let cut = b
            .text
            .floor_char_boundary(b.text.len().min(GREETING_WINDOW));
        let head = b.text[..cut].to_lowercase();
        for r in &recipients {
            let Some(pos) = head.find(r.as_str()) else {
                continue;
            };
            let before = head[..pos].trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, ',' | '!' | ':' | '-' | '\u{a0}')
            });
            let after = head[pos + r.len()..].trim_start();
            let greeted = GREETINGS.iter().find(|g| {
                before.ends_with(*g)
                    && before[..before.len() - g.len()]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_alphanumeric())
            });
            let honorific = after.starts_with('님');
            // An address alone on the opening line is a salutation; "kim@corp.example writes:" or
            // "kim@corp.example (Kim) wrote:" is a reply's attribution line.
            let alone = before.is_empty()
                && head[pos + r.len()..]
                    .split('\n')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, ',' | '!'));
            if greeted.is_some() || alone || honorific {
                let how = match greeted {
                    Some(g) => format!("\"{g}\" followed by the address"),
                    None if honorific => "the address with an honorific (님)".to_string(),
                    None => "the body opens with the address alone on a line".to_string(),
                };
                let start = before.len() - greeted.map_or(0, |g| g.len());
                let shown: String = head[start..].chars().take(80).collect();
                return Some((
                    b.part,
                    shown,
                    format!("{how} {r}: bulk senders with a list of addresses greet this way, services that know the reader use a name"),
                ));
            }
        }
    }
    None
}

fn quote_list(items: &[&str], max: usize) -> String {
    let mut s: Vec<String> = items.iter().take(max).map(|p| format!("\"{p}\"")).collect();
    if items.len() > max {
        s.push(format!("and {} more", items.len() - max));
    }
    s.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run};

    #[test]
    fn crypto_lure_weighs_like_other_lures() {
        // Two distinct wallet phrases: the lure alone stays below "suspicious", but any further
        // signal (even a weak one) reaches it, as for the reward and account-security lures.
        let mut f = run(
            &Lures,
            "From: a@b.example\r\nSubject: Your allocation\r\n\r\nThe airdrop is live: connect your wallet and claim your tokens today.\r\n",
        );
        assert!(ids(&f).contains(&"lure.crypto"), "{:?}", ids(&f));
        let p = spearwatch_core::Policy::default();
        let w = p.weight(f.iter().find(|x| x.id == "lure.crypto").unwrap());
        assert!(
            w < p.thresholds.suspicious && w >= p.weights["lure.reward"],
            "{w}"
        );
        f.retain(|x| x.id == "lure.crypto");
        f.push(spearwatch_core::Finding::new(
            "auth.untrusted_pass",
            spearwatch_core::Severity::Low,
            "x",
        ));
        assert!(p.score(&mut f).score >= p.thresholds.suspicious);
    }

    #[test]
    fn korean_tax_lure() {
        let f = run(
            &Lures,
            "From: a@b.example\r\nSubject: =?UTF-8?B?W+q1reyEuOyyrV0g7KKF7ZWp7IaM65Od7IS4IO2ZmOq4iSDslYjrgrQ=?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n원천징수 영수증을 확인하시고 환급 신청을 하세요.\r\n",
        );
        assert!(ids(&f).contains(&"lure.tax"), "{:?}", ids(&f));
    }

    #[test]
    fn word_boundaries_and_obfuscation() {
        assert_eq!(
            normalise("Ｔａｘ\u{200B} Ｒｅｆｕｎｄ\t\n now"),
            "tax refund now"
        );
        let f = run(
            &Lures,
            "From: a@b.example\r\nSubject: syntax refunds\r\n\r\nno lure here",
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn recipient_address_in_subject() {
        let f = run(&Lures, "From: a@b.example\r\nTo: kim@exchange.example\r\nSubject: Mailbox KIM@exchange.example is almost full\r\n\r\nx");
        assert_eq!(ids(&f), ["lure.recipient_in_subject"]);
        let f = run(&Lures, "From: a@b.example\r\nTo: Undisclosed recipients:;\r\nDelivered-To: kim@exchange.example\r\nSubject: kim@exchange.example, claim now\r\n\r\nx");
        // "claim now" in a subject is a reward lure as well.
        assert_eq!(ids(&f), ["lure.reward", "lure.recipient_in_subject"]);
        let f = run(
            &Lures,
            "From: a@b.example\r\nTo: team@b.example\r\nSubject: Meeting with Lee\r\n\r\nx",
        );
        assert!(f.is_empty());
        let f = run(&Lures, "From: a@b.example\r\nTo: Undisclosed recipients:;\r\nSubject: IIU post from harvest@email.com requires approval\r\n\r\nx");
        assert!(f.is_empty());
        let f = run(&Lures, "From: a@b.example\r\nTo: Undisclosed recipients:;\r\nSubject: lee@corp.co.kr, your reward\r\n\r\nx");
        assert_eq!(ids(&f), ["lure.recipient_in_subject"]);
    }

    #[test]
    fn themes_in_several_languages() {
        let cases = [
            (
                "lure.advance_fee",
                "I am a widow diagnosed with cancer and I await your response.",
            ),
            (
                "lure.advance_fee",
                "Sou viúva e quero fazer uma doação para caridade. Responda-me.",
            ),
            (
                "lure.advance_fee",
                "I crave your indulgence in a mutually beneficial transaction.",
            ),
            (
                "lure.reward",
                "Ihr Gutschein wartet: nehmen Sie an unserer Umfrage teil.",
            ),
            (
                "lure.reward",
                "Vous pouvez gagner un bon d'achat en répondant au sondage.",
            ),
            (
                "lure.account_security",
                "Detectamos um novo acesso. Não reconheço este acesso?",
            ),
            ("lure.adult", "Heiße Frauen suchen Sexkontakte."),
            ("lure.crypto", "Staking is live: earn 25% APY."),
            ("lure.reward", "Wir gratulieren! Sie sind auserwählt."),
            ("lure.tax", "Seu CPF tem tributos em atraso."),
            ("lure.extortion", "I gained access to your device with a trojan and recorded you. Send to my bitcoin wallet."),
        ];
        for (want, body) in cases {
            let f = run(&Lures, &format!("From: a@b.example\r\nSubject: hello\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"));
            assert!(
                ids(&f).contains(&want),
                "{want} not in {:?} for {body}",
                ids(&f)
            );
        }
        // One theme word alone is not a lure.
        let f = run(&Lures, "From: a@b.example\r\nSubject: Protokoll\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDer Gutschein liegt bei.");
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn recipient_address_as_greeting() {
        let greeted = [
            "Dear kim@corp.example,\r\nyour parcel is waiting.",
            "Hallo KIM@corp.example! Ihr Gutschein wartet.",
            "View online\r\nOi, kim@corp.example\r\nVoce tem pontos.",
            "kim@corp.example\r\nWe detected a new sign-in.",
        ];
        for body in greeted {
            let f = run(
                &Lures,
                &format!("From: a@b.example\r\nTo: kim@corp.example\r\nSubject: x\r\n\r\n{body}"),
            );
            assert_eq!(ids(&f), ["lure.recipient_in_greeting"], "{body}");
        }
        let clean = [
            "Dear Minjun,\r\nthe minutes are attached.",
            "Hi all, the list moved.\r\n--\r\nYou are subscribed as kim@corp.example",
            "Ask skim@corp.example about it.",
            "We wrote to kim@corp.example yesterday.",
            "kim@corp.example (Kim) writes:\r\n> old text",
            "kim@corp.example wrote:\r\n> old text",
        ];
        for body in clean {
            let f = run(
                &Lures,
                &format!("From: a@b.example\r\nTo: kim@corp.example\r\nSubject: x\r\n\r\n{body}"),
            );
            assert!(f.is_empty(), "{body}: {:?}", ids(&f));
        }
    }

    #[test]
    fn attachment_password() {
        let raw = "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n첨부 파일 비밀번호: 0427 입니다\r\n--x\r\nContent-Type: application/zip; name=doc.zip\r\nContent-Disposition: attachment; filename=doc.zip\r\n\r\nPK\r\n--x--\r\n";
        let f = run(&Lures, raw);
        let pw = f
            .iter()
            .find(|f| f.id == "lure.attachment_password")
            .expect("password finding");
        assert_eq!(pw.evidence[0].value, "0427");
        let mail = spearwatch_message::parse(
            b"Subject: x\r\n\r\nThe password is \"Xk29!a\". Regards",
            &Default::default(),
        );
        assert_eq!(harvest_passwords(&mail)[0].0, "Xk29!a");
    }
}
