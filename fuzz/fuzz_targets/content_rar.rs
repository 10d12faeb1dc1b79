//! One parser of the content engine on arbitrary bytes, forced whatever the magic says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_content::{analyse_as, Kind, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options { passwords: vec!["infected".into()], ..Options::default() };
    let node = analyse_as(Kind::Rar, data, "sample.bin", &opts);
    let _ = serde_json::to_string(&node).unwrap();
});
