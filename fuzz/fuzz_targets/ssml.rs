//! SSML → Script must return a script or a typed error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrator::normalize::{normalize, NormalizeOptions};
use narrator::script::ssml::{script_from_ssml, SsmlOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = SsmlOptions {
        raw_phonemes: data.first().is_some_and(|b| b & 1 == 1),
        ..SsmlOptions::default()
    };
    let _ = script_from_ssml(&text, &opts, |s| normalize(s, &NormalizeOptions::default()));
});
