//! Campaign "bankphish": a generic English credential phish of an invented bank ("Meridian Trust"),
//! seven messages to several employees over two weeks in July 2026. Unrelated to dprk-2026.
//!
//! Strong links inside the campaign:
//! - alerts@meridiantrust-notify.com (messages 1, 3, 5, 7): same sender, same origin
//!   198.51.100.150, links to meridian-secure-login.com;
//! - meridiantrust.secure.team@gmail.com (messages 2, 4, 6): same sender;
//! - all seven bodies are near-duplicates of one template.
//!
//! Shared with dprk-2026, all weak: the lure class (a security notice with a deadline), bit.ly
//! (another short code), docs.google.com (a form, not a document), gmail.com senders and so Google's
//! relay 209.85.220.41, and some recipients (Treasury, Finance, the CFO, the executive assistant).

use super::{Route, Spec};
use crate::cases::{at, e};
use crate::compose::mb;
use crate::org::{ACCOUNTANT, ASSISTANT, CEO, CFO, FINANCE, OPS, TREASURY};
use crate::rng::Rng;

pub(super) const CAMPAIGN: &str = "bankphish";

const OWN: Route = Route::Direct {
    host: "mail.meridiantrust-notify.com",
    ip: "198.51.100.150",
};

fn text(date: &str, url: &str, extra: &str) -> String {
    format!(
        "Dear Valued Customer,\n\nWe detected an unusual sign-in attempt to your Meridian Trust Business Online account on {date} from a device we do not recognise. For your protection, outgoing transfers have been temporarily restricted.\n\nTo restore full access, please confirm your identity within 24 hours using the secure link below:\n{url}\n{extra}\nIf you do not complete the verification, your online banking access will be suspended and pending payments may be returned to the sender.\n\nThank you for banking with Meridian Trust.\n\nMeridian Trust Bank - Online Security Team\nThis is an automated message. Please do not reply to this email.\n"
    )
}

pub(super) fn specs() -> Vec<Spec> {
    let mut rng = Rng::new(0xBA4C_2026);
    let own = mb("Meridian Trust Security", "alerts@meridiantrust-notify.com");
    let gmail = mb("Meridian Trust Bank", "meridiantrust.secure.team@gmail.com");
    // (recipient, own domain?, date, subject)
    #[allow(clippy::type_complexity)]
    let rows: [(usize, bool, (u32, u32, u32, u32), &str); 7] = [
        (
            TREASURY,
            true,
            (7, 6, 3, 12),
            "Security Alert: Unusual sign-in to your business account",
        ),
        (
            CFO,
            false,
            (7, 7, 2, 55),
            "Action required: verify your Meridian Trust account",
        ),
        (
            FINANCE,
            true,
            (7, 8, 4, 20),
            "Security Alert: Unusual sign-in to your business account",
        ),
        (
            ACCOUNTANT,
            false,
            (7, 10, 1, 47),
            "Your online banking access will be suspended",
        ),
        (
            CEO,
            true,
            (7, 13, 3, 5),
            "Security Alert: Outgoing transfers restricted",
        ),
        (
            ASSISTANT,
            false,
            (7, 15, 2, 30),
            "Action required: verify your Meridian Trust account",
        ),
        (
            OPS,
            true,
            (7, 17, 4, 8),
            "Security Alert: Unusual sign-in to your business account",
        ),
    ];
    let mut v = Vec::new();
    for (i, (to, own_domain, (m, d, hh, mm), subject)) in rows.into_iter().enumerate() {
        let (from, route) = if own_domain {
            (own.clone(), OWN)
        } else {
            (gmail.clone(), Route::Gmail)
        };
        let mut s = Spec::new(
            Some(CAMPAIGN),
            1,
            from,
            vec![e(to)],
            subject,
            at(m, d, hh, mm),
            route,
        );
        s.tz = 0;
        let date = format!("July {d}, 2026");
        let url = if own_domain {
            format!(
                "https://meridian-secure-login.com/verify?ref={}",
                rng.hex(10)
            )
        } else {
            "https://bit.ly/4mTbV9r".to_string()
        };
        let extra = if i == 3 {
            "Business customers may also submit the verification form here:\nhttps://docs.google.com/forms/d/e/1FAIpQLSe8mTbVx2kQ7rNw4JdLzH5yPcU9aFgO3iRt6sBnMe1vKw0XyZ/viewform\n"
        } else {
            ""
        };
        s.text = text(&date, &url, extra);
        s.html = Some(format!(
            "<html><body style=\"font-family:Arial\"><h3>Meridian Trust Bank</h3><p>Dear Valued Customer,</p><p>We detected an unusual sign-in attempt to your Business Online account on {date}. Outgoing transfers have been temporarily restricted.</p><p><a href=\"{url}\" style=\"background:#003366;color:#fff;padding:8px 16px\">Verify my identity</a></p><p>Meridian Trust Bank - Online Security Team</p></body></html>"
        ));
        v.push(s);
    }
    v
}
