//! Every fixture page in tests/data/extract reads as its expected text
//! (token-level F1 ≥ 0.97) with none of the boilerplate phrases.
//! `benches/extract_score.sh` prints the same numbers as a table.

#[path = "support/score.rs"]
mod score;

use narrator::extract::ExtractOptions;

const MIN_F1: f64 = 0.97;

#[test]
fn every_fixture_reads_as_expected_with_no_boilerplate() {
    let fixtures = score::fixtures();
    assert!(fixtures.len() >= 10, "fixtures missing: {}", fixtures.len());
    let phrases = score::boilerplate();
    let mut failures = Vec::new();
    for fx in &fixtures {
        assert!(
            score::boilerplate_in(&fx.expected, &phrases).is_empty(),
            "{}: the expected text itself holds a boilerplate phrase",
            fx.name
        );
        let got = score::narrator_text(&fx.page, &ExtractOptions::default());
        let (p, r, f1) = score::f1(&got, &fx.expected);
        if f1 < MIN_F1 {
            failures.push(format!(
                "{}: F1 {f1:.3} (precision {p:.3}, recall {r:.3})",
                fx.name
            ));
        }
        for phrase in score::boilerplate_in(&got, &phrases) {
            failures.push(format!("{}: boilerplate {phrase:?}", fx.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn f1_of_tokens() {
    assert_eq!(score::f1("A b, c.", "a B c").2, 1.0);
    let (p, r, _) = score::f1("a b c d", "a b");
    assert_eq!((p, r), (0.5, 1.0));
    assert_eq!(score::f1("", "a").2, 0.0);
    assert_eq!(score::tokens("Київ, café 2025"), ["київ", "café", "2025"]);
}

/// A deterministic stand-in for the fuzzer that runs in every `cargo test`:
/// thousands of fixture pages cut, spliced, duplicated and sprinkled with
/// stray markup and bytes; extraction must return, never panic.
#[test]
fn mutated_fixture_pages_never_panic() {
    use narrator::extract::extract;
    use narrator::source::{DocKind, Document};

    let pages: Vec<Vec<u8>> = score::fixtures()
        .iter()
        .filter(|f| f.name != "long-article")
        .map(|f| std::fs::read(&f.page).expect("fixture page is readable"))
        .collect();
    let junk: &[&[u8]] = &[
        b"<",
        b">",
        b"</div>",
        b"<div class=\"ad\">",
        b"<article>",
        b"<p>",
        b"</p></p>",
        b"<script>",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b"&#x10FFFF;",
        b"&amp",
        b"\xff\xfe",
        b"\xe2\x80",
        b"<table><tr><td>",
        b"<pre><code>\n",
        b"<figure><figcaption>",
        b"<time datetime=\"",
        b"\"articleBody\":\"",
        b"<meta charset=\"windows-1251\">",
        b"\0",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound.max(1) as u64) as usize
    };
    let mut runs = 0;
    for round in 0..3_000 {
        let mut page = pages[round % pages.len()].clone();
        for _ in 0..1 + next(6) {
            let at = next(page.len() + 1);
            match next(5) {
                0 => {
                    let end = (at + next(400)).min(page.len());
                    page.drain(at..end);
                }
                1 => {
                    let end = (at + next(400)).min(page.len());
                    let copy = page[at..end].to_vec();
                    let to = next(page.len() + 1);
                    page.splice(to..to, copy);
                }
                2 => {
                    let j = junk[next(junk.len())];
                    page.splice(at..at, j.iter().copied());
                }
                3 => {
                    if let Some(b) = page.get_mut(at) {
                        *b = next(256) as u8;
                    }
                }
                _ => page.truncate(at),
            }
        }
        let kind = [
            DocKind::Html,
            DocKind::Html,
            DocKind::Markdown,
            DocKind::Text,
        ][round % 4];
        let opts = ExtractOptions {
            read_captions: round % 3 == 0,
            read_code: round % 5 == 0,
            read_tables: round % 7 == 0,
        };
        if let Ok(article) = extract(&Document::new(page, kind), &opts) {
            assert!(!article.blocks.is_empty());
        }
        runs += 1;
    }
    assert_eq!(runs, 3_000);
}

#[test]
fn code_tables_and_captions_are_read_only_on_request() {
    let page = score::fixture_dir().join("wordpress.html");
    let default = score::narrator_text(&page, &ExtractOptions::default());
    for absent in [
        "raise_time_minutes",
        "Partial closure",
        "first of four gates",
    ] {
        assert!(!default.contains(absent), "{absent:?} read by default");
    }
    let all = ExtractOptions {
        read_captions: true,
        read_code: true,
        read_tables: true,
    };
    let text = score::narrator_text(&page, &all);
    assert!(text.contains("raise_time_minutes: 40"), "{text}");
    assert!(text.contains("Partial closure, April 2"), "{text}");
    assert!(
        text.contains("The first of four gates is lowered into the Ash on Tuesday."),
        "{text}"
    );
    assert!(!text.contains("Getty"), "the credit is never read: {text}");
    let bbc = score::narrator_text(
        &score::fixture_dir().join("bbc-like.html"),
        &ExtractOptions {
            read_captions: true,
            ..ExtractOptions::default()
        },
    );
    assert!(
        bbc.contains("Divers found the jars still stacked in rows on the seabed"),
        "{bbc}"
    );
    assert!(!bbc.contains("Image caption"), "{bbc}");
}
