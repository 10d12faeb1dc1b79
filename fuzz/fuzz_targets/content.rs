//! The whole content engine on arbitrary bytes: typing by magic, then any parser, recursively.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_content::analyse;

include!("content_common.rs");

fuzz_target!(|data: &[u8]| {
    setup();
    let node = analyse(data, "sample.bin", None, &options());
    serde_json::to_vec(&node).expect("tree serialises");
});
