//! Runs the peer conformance suite (NeMo text-normalization test cases, Apache-2.0) and
//! checks pass rates per class against floors in `tests/data/conformance_floor.txt`.
//!
//! The suite is found through `NARRATOR_CONFORMANCE_DIR`, else the in-repo copy at
//! `tests/data/tn-en`, else `../shared/conformance/tn-en`. Run with `--nocapture` to see the per-class table; set
//! `NARRATOR_CONFORMANCE_VERBOSE=1` to also list every failing case.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use narrator::normalize::{normalize, NormalizeOptions};

/// `NARRATOR_CONFORMANCE_DIR` if set; else the in-repo copy (present on a clean clone);
/// else the shared peer suite next to the repository.
fn suite_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("NARRATOR_CONFORMANCE_DIR") {
        return PathBuf::from(d);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let in_repo = root.join("tests/data/tn-en");
    if in_repo.is_dir() {
        in_repo
    } else {
        root.join("../shared/conformance/tn-en")
    }
}

const SCALES: &[&str] = &[
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
];

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
    "hundredth",
    "thousandth",
    "millionth",
    "billionth",
];

/// The README's canonical form: lowercase; hyphens and slashes → spaces; drop
/// punctuation except apostrophes inside words; join runs of single letters; drop "and"
/// between a scale word and a following number word.
fn canonical(s: &str) -> String {
    let lower = s.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut cleaned = String::with_capacity(lower.len());
    for (k, &c) in chars.iter().enumerate() {
        let prev_alnum = k > 0 && chars.get(k - 1).is_some_and(|p| p.is_alphanumeric());
        let next_alnum = chars.get(k + 1).is_some_and(|p| p.is_alphanumeric());
        if c.is_alphanumeric() {
            cleaned.push(c);
        } else if (c == '\'' || c == '’') && prev_alnum && next_alnum {
            cleaned.push('\'');
        } else {
            // Hyphens, slashes, whitespace and all other punctuation separate words.
            cleaned.push(' ');
        }
    }
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    // Join runs of single letters ("u s" → "us", "p m" → "pm").
    let mut joined: Vec<String> = Vec::new();
    let mut run = String::new();
    for w in &words {
        let single = w.chars().count() == 1 && w.chars().all(char::is_alphabetic);
        if single {
            run.push_str(w);
        } else {
            if !run.is_empty() {
                joined.push(std::mem::take(&mut run));
            }
            joined.push((*w).to_string());
        }
    }
    if !run.is_empty() {
        joined.push(run);
    }
    // Drop "and" between a scale word and a following number word.
    let mut out: Vec<&str> = Vec::new();
    for (k, w) in joined.iter().enumerate() {
        if w == "and" {
            let prev_scale = k > 0
                && joined
                    .get(k - 1)
                    .is_some_and(|p| SCALES.contains(&p.as_str()));
            let next_num = joined
                .get(k + 1)
                .is_some_and(|n| NUMBER_WORDS.contains(&n.as_str()));
            if prev_scale && next_num {
                continue;
            }
        }
        out.push(w);
    }
    out.join(" ")
}

/// (written, acceptable spoken forms) for one file.
fn load_cases(path: &Path) -> Vec<(String, Vec<String>)> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut cases = Vec::new();
    if name == "test_cases_normalize_with_audio.txt" {
        let mut current: Option<(String, Vec<String>)> = None;
        for line in text.lines() {
            if let Some(written) = line.strip_prefix('~') {
                if let Some(c) = current.take() {
                    cases.push(c);
                }
                current = Some((written.to_string(), Vec::new()));
            } else if let Some((_, answers)) = current.as_mut() {
                answers.push(line.to_string());
            }
        }
        if let Some(c) = current {
            cases.push(c);
        }
    } else {
        for line in text.lines() {
            if let Some((w, s)) = line.split_once('~') {
                cases.push((w.to_string(), vec![s.to_string()]));
            }
        }
    }
    cases
}

fn load_floors() -> BTreeMap<String, f64> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance_floor.txt");
    let text = fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (class, rate) = l.split_once('\t')?;
            Some((class.trim().to_string(), rate.trim().parse().ok()?))
        })
        .collect()
}

#[test]
fn canonical_form_follows_the_readme() {
    assert_eq!(canonical("One P M"), "one pm");
    assert_eq!(canonical("u s dollars"), "us dollars");
    assert_eq!(
        canonical("one hundred and twenty-three"),
        "one hundred twenty three"
    );
    assert_eq!(canonical("rock and roll"), "rock and roll");
    assert_eq!(canonical("He's 'fine'."), "he's fine");
    assert_eq!(canonical("and/or"), "and or");
}

#[test]
fn conformance_rates_meet_floors() {
    let dir = suite_dir();
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("conformance suite at {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("test_cases_") && n.ends_with(".txt"))
        })
        .collect();
    entries.sort();
    assert!(
        !entries.is_empty(),
        "no test_cases_*.txt in {}",
        dir.display()
    );

    let verbose = std::env::var_os("NARRATOR_CONFORMANCE_VERBOSE").is_some();
    let opts = NormalizeOptions::default();
    let mut rates: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for path in &entries {
        let class = path
            .file_stem()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("test_cases_"))
            .unwrap_or("?")
            .to_string();
        for (written, answers) in load_cases(path) {
            let got = normalize(&written, &opts);
            let ok = answers.iter().any(|a| canonical(a) == canonical(&got));
            let e = rates.entry(class.clone()).or_default();
            e.1 += 1;
            if ok {
                e.0 += 1;
            } else if verbose {
                println!(
                    "FAIL {class}: {written:?}\n   want {:?}\n   got  {got:?}",
                    answers.first()
                );
            }
        }
    }
    let (mut pass, mut total) = (0, 0);
    println!("{:<26} {:>5} {:>5} {:>7}", "class", "pass", "total", "rate");
    for (class, (p, t)) in &rates {
        pass += p;
        total += t;
        println!(
            "{class:<26} {p:>5} {t:>5} {:>6.1}%",
            100.0 * *p as f64 / *t as f64
        );
    }
    let overall = pass as f64 / total as f64;
    println!(
        "{:<26} {pass:>5} {total:>5} {:>6.1}%",
        "overall",
        100.0 * overall
    );

    let floors = load_floors();
    let mut below = Vec::new();
    for (class, floor) in &floors {
        let rate = if class == "overall" {
            overall
        } else {
            match rates.get(class) {
                Some((p, t)) => *p as f64 / *t as f64,
                None => {
                    below.push(format!("{class}: missing from suite"));
                    continue;
                }
            }
        };
        if rate + 1e-9 < *floor {
            below.push(format!("{class}: {rate:.3} < floor {floor:.3}"));
        }
    }
    assert!(below.is_empty(), "below floor:\n{}", below.join("\n"));
}
