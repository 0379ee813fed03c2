//! Golden cases for quotation marking: `tests/golden/quotes.txt`, one case per line as
//! `written<TAB>spoken` with quotes in ⟪…⟫ and attributions in ⟦…⟧; " ¶ " separates the
//! paragraphs of one case. Every failing line is reported.

use narrator::normalize::quotes::{normalize_marked, QuoteTracker};
use narrator::normalize::NormalizeOptions;

#[test]
fn quotes_golden() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/quotes.txt");
    let text = std::fs::read_to_string(&path).expect("read golden file");
    let opts = NormalizeOptions::default();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((written, want)) = line.split_once('\t') else {
            failures.push(format!("line {}: no tab", n + 1));
            continue;
        };
        cases += 1;
        let mut tracker = QuoteTracker::new();
        let got: Vec<String> = written
            .split(" ¶ ")
            .map(|para| {
                let spans = tracker.paragraph(para);
                normalize_marked(para, &spans, &opts).marked_with("⟪", "⟫", "⟦", "⟧")
            })
            .collect();
        let got = got.join(" ¶ ");
        if got != want {
            failures.push(format!(
                "quotes.txt:{}\n  written: {written}\n  want:    {want}\n  got:     {got}",
                n + 1
            ));
        }
    }
    assert!(cases >= 10, "too few cases: {cases}");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
