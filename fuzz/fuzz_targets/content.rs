//! The whole content engine on arbitrary bytes: typing by magic, then any parser, recursively.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_content::{analyse, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options { passwords: vec!["infected".into()], ..Options::default() };
    let node = analyse(data, "sample.bin", None, &opts);
    let _ = serde_json::to_string(&node).unwrap();
});
