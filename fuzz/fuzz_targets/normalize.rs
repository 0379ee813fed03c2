//! The normalizer, quotation spans and the lexicon must never panic, and quote spans
//! must stay inside the text on char boundaries, whatever the input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use narrator::normalize::lexicon::{ApplyOptions, Lexicon};
use narrator::normalize::quotes::{normalize_marked, quote_spans, QuoteTracker};
use narrator::normalize::{normalize, DateOrder, NormalizeOptions};

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| Lexicon::builtin().unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let order = if data.first().is_some_and(|b| b & 1 == 1) {
        DateOrder::Dmy
    } else {
        DateOrder::Mdy
    };
    let opts = NormalizeOptions {
        date_order: order,
        ..NormalizeOptions::default()
    };
    let _ = normalize(&text, &opts);
    let spans = quote_spans(&text);
    for s in &spans {
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    let m = normalize_marked(&text, &spans, &opts);
    let n = m.spoken.chars().count();
    for q in m.quotes.iter().chain(&m.attributions) {
        assert!(q.start <= q.end && q.end <= n);
    }
    let mut tracker = QuoteTracker::new();
    for para in text.split('\n') {
        let _ = tracker.paragraph(para);
    }
    let _ = lexicon().apply(&text, ApplyOptions { ipa: data.len() % 2 == 0 });
});
