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
