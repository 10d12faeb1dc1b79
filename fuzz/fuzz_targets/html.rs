//! The HTML scanner on arbitrary text (the input read as lossy UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_message::html;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let summary = html::scan(&s, 1 << 20);
    assert!(!summary.truncated || s.len() > 1 << 20);
    // A small budget exercises the truncation at a char boundary.
    let small = data.len() / 2;
    let summary = html::scan(&s, small);
    assert_eq!(summary.truncated, s.len() > small);
    let _ = html::decode_entities(&s);
});
