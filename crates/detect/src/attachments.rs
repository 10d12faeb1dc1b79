//! Attachment names and types: what the file claims to be against what its bytes are.
//!
//! The checks themselves live in [`spearwatch_content::names`], because the content engine runs them on
//! every archive member too; this detector runs them on the message's own attachments. Opening the
//! attachments is the content engine's job (`spearwatch_content::analyse`, run by the scan engine).

use crate::{Context, Detector};
use spearwatch_content::names::{self, Object};
use spearwatch_core::Finding;

pub struct Attachments;

impl Detector for Attachments {
    fn name(&self) -> &'static str {
        "attachment"
    }

    fn detect(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for a in &cx.mail.attachments {
            let name = a.name.as_deref().unwrap_or_default();
            names::check(
                &Object {
                    part: a.part,
                    name,
                    path: name,
                    declared_type: &a.declared_type,
                    detected_type: a.detected_type,
                    size: a.size,
                    sha256: &a.sha256,
                    data: &a.data,
                },
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{ids, run};

    fn with_attachment(name: &str, ctype: &str, b64: &str) -> String {
        format!("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--x\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--x--\r\n")
    }

    #[test]
    fn disguised_executables() {
        let f = run(
            &Attachments,
            &with_attachment(
                "invoice.pdf.exe",
                "application/octet-stream",
                "TVqQAAMAAAAEAAAA",
            ),
        );
        assert_eq!(
            ids(&f),
            ["attachment.double_extension", "attachment.executable"]
        );
        let f = run(
            &Attachments,
            &with_attachment("invoice.pdf", "application/pdf", "TVqQAAMAAAAEAAAA"),
        );
        assert_eq!(ids(&f), ["attachment.type_mismatch"]);
        let f = run(
            &Attachments,
            &with_attachment(
                "=?UTF-8?B?cmVwb3J04oCuZmRwLmV4ZQ==?=",
                "application/octet-stream",
                "AAAA",
            ),
        ); // report\u{202E}fdp.exe
        assert_eq!(ids(&f), ["attachment.bidi_name", "attachment.executable"]);
        let f = run(
            &Attachments,
            &with_attachment("scan.iso", "application/octet-stream", "AAAA"),
        );
        assert_eq!(ids(&f), ["attachment.disk_image"]);
    }

    #[test]
    fn html_smuggling_page() {
        // <script>var b=new Blob([atob("TVqQ")]);var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download='x.iso';a.click()</script>
        let page = "PGh0bWw+PHNjcmlwdD52YXIgYj1uZXcgQmxvYihbYXRvYigiVFZxUSIpXSk7dmFyIGE9ZG9jdW1lbnQuY3JlYXRlRWxlbWVudCgnYScpO2EuaHJlZj1VUkwuY3JlYXRlT2JqZWN0VVJMKGIpO2EuZG93bmxvYWQ9J3guaXNvJzthLmNsaWNrKCk8L3NjcmlwdD48L2h0bWw+";
        let f = run(
            &Attachments,
            &with_attachment("invoice.html", "application/octet-stream", page),
        );
        assert_eq!(ids(&f), ["attachment.html_smuggling", "attachment.html"]);
        assert!(f[0].evidence[0]
            .note
            .as_deref()
            .unwrap()
            .contains("createobjecturl"));
    }

    #[test]
    fn document_extension_with_other_content() {
        // "invoice.pdf" that is a web page: a phishing form dressed as a PDF.
        let f = run(
            &Attachments,
            &with_attachment(
                "invoice.pdf",
                "application/pdf",
                "PGh0bWw+PGJvZHk+PGZvcm0+PC9mb3JtPjwvYm9keT48L2h0bWw+",
            ),
        );
        assert_eq!(
            ids(&f),
            ["attachment.extension_mismatch", "attachment.html"]
        );
        // A .doc that is really RTF is how Word itself saves some files: not reported.
        let f = run(
            &Attachments,
            &with_attachment("letter.doc", "application/msword", "e1xydGYxXGFuc2kK"),
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn ordinary_documents_are_quiet() {
        let f = run(
            &Attachments,
            &with_attachment("report.pdf", "application/pdf", "JVBERi0xLjcK"),
        );
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}
