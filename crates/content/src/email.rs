//! E-mail messages found inside attachments (a forwarded `.eml` in a zip, a message/rfc822 member of a
//! TNEF): parsed with the message crate, their attachments analysed as children.

use crate::{Node, Walk};

pub(crate) fn analyse(w: &mut Walk<'_>, node: &mut Node, data: &[u8]) {
    let mail = spearwatch_message::parse(data, &spearwatch_message::Limits::default());
    node.format = Some(match &mail.subject {
        Some(s) => format!(
            "e-mail message \"{}\"",
            spearwatch_core::truncate_str(s, 80)
        ),
        None => "e-mail message".into(),
    });
    if let Some(s) = &mail.subject {
        node.push_text(s);
    }
    for b in &mail.bodies {
        node.push_text(&b.text);
    }
    for a in &mail.attachments {
        if w.expired(node) {
            break;
        }
        let name = a.name.as_deref().unwrap_or("(unnamed)");
        w.child_typed(node, name, &a.data, Some(&a.declared_type));
    }
}

#[cfg(test)]
mod tests {
    use crate::{analyse, Kind, Options};

    #[test]
    fn attachments_of_a_forwarded_message_are_opened() {
        let eml = b"From: a@b.example\r\nTo: c@d.example\r\nSubject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--x--\r\n";
        let n = analyse(eml, "fwd.eml", None, &Options::default());
        assert_eq!(n.detected_type, Kind::Email);
        assert_eq!(n.children.len(), 1);
        assert!(n.children[0].has("attachment.double_extension"));
        assert!(n.text.contains("see attached"));
    }
}
