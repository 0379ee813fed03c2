//! Scoring extracted text against the fixtures' expected text: token-level F1, the
//! first line where it differs, and the boilerplate phrases that must never be read.
//! Shared by `tests/extract_score.rs` and `examples/extract_score.rs`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use narrator::extract::{extract, ExtractOptions};
use narrator::source::{DocKind, Document};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_dir() -> PathBuf {
    root().join("tests/data/extract")
}

/// One page with the text a listener should hear.
pub struct Fixture {
    pub name: String,
    pub page: PathBuf,
    pub expected: String,
}

/// Every `NAME.expected.txt` in tests/data/extract with its page
/// (`NAME.html` beside it, or `examples/NAME.html`), sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = fixture_dir();
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir).expect("fixture directory is readable");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(name) = file.strip_suffix(".expected.txt") else {
            continue;
        };
        let beside = dir.join(format!("{name}.html"));
        let page = if beside.exists() {
            beside
        } else {
            root().join("examples").join(format!("{name}.html"))
        };
        let expected = std::fs::read_to_string(entry.path()).expect("expected text is readable");
        out.push(Fixture {
            name: name.to_string(),
            page,
            expected,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Phrases from tests/data/extract/boilerplate.txt (blank lines and `#`
/// comments ignored).
pub fn boilerplate() -> Vec<String> {
    let text = std::fs::read_to_string(fixture_dir().join("boilerplate.txt"))
        .expect("boilerplate list is readable");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Lower-cased runs of letters and digits.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Token-level precision, recall and F1 of `got` against `want` (bags of words).
pub fn f1(got: &str, want: &str) -> (f64, f64, f64) {
    let got = tokens(got);
    let want = tokens(want);
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in &want {
        *counts.entry(t).or_default() += 1;
    }
    let mut overlap = 0usize;
    for t in &got {
        if let Some(c) = counts.get_mut(t.as_str()) {
            if *c > 0 {
                *c -= 1;
                overlap += 1;
            }
        }
    }
    if got.is_empty() && want.is_empty() {
        return (1.0, 1.0, 1.0);
    }
    let precision = if got.is_empty() {
        0.0
    } else {
        overlap as f64 / got.len() as f64
    };
    let recall = if want.is_empty() {
        0.0
    } else {
        overlap as f64 / want.len() as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    (precision, recall, f1)
}

/// Where `got` (blocks joined by newlines) first differs from `want` (the expected
/// file: one block a line, final newline), or `None` when they are the same text.
pub fn first_difference(got: &str, want: &str) -> Option<String> {
    let want = want.strip_suffix('\n').unwrap_or(want);
    if got == want {
        return None;
    }
    let (got_lines, want_lines): (Vec<&str>, Vec<&str>) =
        (got.split('\n').collect(), want.split('\n').collect());
    let at = got_lines
        .iter()
        .zip(&want_lines)
        .position(|(g, w)| g != w)
        .unwrap_or(got_lines.len().min(want_lines.len()));
    let show = |lines: &[&str]| match lines.get(at) {
        Some(line) => format!("{line:?}"),
        None => "(nothing)".to_string(),
    };
    Some(format!(
        "  line {}: expected {}\n  line {}: got      {}\n  ({} lines expected, {} got)",
        at + 1,
        show(&want_lines),
        at + 1,
        show(&got_lines),
        want_lines.len(),
        got_lines.len()
    ))
}

/// Boilerplate phrases found in `text` (case-insensitive).
pub fn boilerplate_in(text: &str, phrases: &[String]) -> Vec<String> {
    let lower = text.to_lowercase();
    phrases
        .iter()
        .filter(|p| lower.contains(&p.to_lowercase()))
        .cloned()
        .collect()
}

/// narrator's reading of a page: its blocks, one a line.
pub fn narrator_text(page: &Path, opts: &ExtractOptions) -> String {
    let bytes = std::fs::read(page).expect("fixture page is readable");
    let doc = Document::new(bytes, DocKind::Html);
    match extract(&doc, opts) {
        Ok(article) => article
            .blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => String::new(),
    }
}
