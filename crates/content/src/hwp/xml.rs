//! A forgiving walk over the XML of HWPX parts and HWPML documents (quick-xml, end names unchecked):
//! start and end elements by local name with unescaped attributes, and text with entity and character
//! references resolved (XML 1.0 §4.1, §4.6). Stops quietly at malformed XML.

use crate::xml::{entity, unescape};
use quick_xml::events::Event;

pub(crate) enum Ev<'a> {
    Start(&'a str, &'a [(String, String)]),
    End(&'a str),
    Text(&'a str),
}

/// Elements visited at most per document.
const MAX_EVENTS: usize = 4_000_000;

pub(crate) fn walk(xml: &[u8], mut f: impl FnMut(Ev<'_>)) {
    let mut r = quick_xml::Reader::from_reader(xml);
    let c = r.config_mut();
    c.check_end_names = false;
    c.allow_unmatched_ends = true;
    let mut n = 0usize;
    loop {
        n += 1;
        if n > MAX_EVENTS {
            break;
        }
        match r.read_event() {
            Ok(ev @ (Event::Start(_) | Event::Empty(_))) => {
                let (e, empty) = match ev {
                    Event::Start(e) => (e, false),
                    Event::Empty(e) => (e, true),
                    _ => continue,
                };
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let attrs: Vec<(String, String)> = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            unescape(&a.value),
                        )
                    })
                    .collect();
                f(Ev::Start(&name, &attrs));
                if empty {
                    f(Ev::End(&name));
                }
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                f(Ev::End(&name));
            }
            Ok(Event::Text(t)) => f(Ev::Text(&unescape(t.as_ref()))),
            Ok(Event::CData(t)) => f(Ev::Text(&String::from_utf8_lossy(t.as_ref()))),
            Ok(Event::GeneralRef(g)) => f(Ev::Text(&entity(g.as_ref()))),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

/// The value of attribute `name` (local name).
pub(crate) fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
