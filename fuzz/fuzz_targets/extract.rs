//! Extraction never panics, whatever the bytes: HTML, Markdown or plain
//! text, with or without a charset hint, with any read options.
//!
//!     cargo fuzz run extract -- -max_total_time=600
//!
//! Seed corpus: tests/data/extract/*.html and examples/*.html (pass the
//! directories after the target name).
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrator::extract::{extract, ExtractOptions};
use narrator::source::{DocKind, Document};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the kind, options and charset hint; the rest is the page.
    let Some((&control, page)) = data.split_first() else {
        return;
    };
    let kind = match control % 4 {
        0 | 1 => DocKind::Html,
        2 => DocKind::Markdown,
        _ => DocKind::Text,
    };
    let mut doc = Document::new(page, kind);
    doc.charset_hint = match (control >> 2) % 4 {
        0 => None,
        1 => Some("windows-1251".into()),
        2 => Some("iso-8859-1".into()),
        _ => Some("no-such-charset".into()),
    };
    let opts = ExtractOptions {
        read_captions: control & 0x10 != 0,
        read_code: control & 0x20 != 0,
        read_tables: control & 0x40 != 0,
    };
    if let Ok(article) = extract(&doc, &opts) {
        assert!(!article.blocks.is_empty());
    }
});
