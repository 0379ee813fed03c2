//! Runs the peer conformance suite (NeMo text-normalization test cases, Apache-2.0)
//! against the checked-in list of the cases where narrator reads differently on purpose,
//! `tests/data/conformance_differences.txt` (one `class<TAB>written<TAB>reason` a line;
//! the reasons are explained in docs/normalize-differences.md).
//!
//! The test fails when a case not on the list fails, when a listed case passes (take
//! the line out), when the list is missing or malformed, or when a line names a class or
//! case the suite does not have. A written form that occurs more than once in a class
//! is one entry: it differs when any of its occurrences fails.
//!
//! The suite is found through `NARRATOR_CONFORMANCE_DIR`, else the in-repo copy at
//! `tests/data/tn-en`, else `../shared/conformance/tn-en`. Run with `--nocapture` to see
//! the per-class table; set `NARRATOR_CONFORMANCE_VERBOSE=1` to also print every
//! differing case, listed or not.

use std::collections::{BTreeMap, BTreeSet};
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

/// The list of cases that differ on purpose.
fn differences_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance_differences.txt")
}

/// One line of the differences list.
#[derive(Debug, Clone, PartialEq)]
struct Difference {
    line: usize,
    class: String,
    written: String,
    reason: String,
}

/// The list's entries, or every malformed line (blank lines and `#` comments skipped;
/// the written field is taken exactly, spaces included).
fn parse_differences(text: &str) -> Result<Vec<Difference>, Vec<String>> {
    let mut entries: Vec<Difference> = Vec::new();
    let mut errors = Vec::new();
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').collect();
        let [class, written, reason] = fields.as_slice() else {
            errors.push(format!(
                "line {line}: {} tab-separated fields, want 3 (class<TAB>written<TAB>reason): {raw:?}",
                fields.len()
            ));
            continue;
        };
        let (class, reason) = (class.trim(), reason.trim());
        if class.is_empty() {
            errors.push(format!("line {line}: no class: {raw:?}"));
            continue;
        }
        if reason.is_empty() {
            errors.push(format!(
                "line {line}: {class} {written:?} has no reason; every difference needs one"
            ));
            continue;
        }
        if let Some(first) = entries
            .iter()
            .find(|e| e.class == class && e.written == *written)
        {
            errors.push(format!(
                "line {line}: {class} {written:?} is already listed on line {}",
                first.line
            ));
            continue;
        }
        entries.push(Difference {
            line,
            class: class.to_string(),
            written: written.to_string(),
            reason: reason.to_string(),
        });
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// One suite case and what narrator made of it.
struct Outcome {
    class: String,
    written: String,
    answers: Vec<String>,
    got: String,
    pass: bool,
}

/// Everything wrong between the outcomes and the list: unlisted failures (with
/// written, expected and got), listed cases that pass, and lines naming a class or
/// case the suite lacks.
fn check(outcomes: &[Outcome], differences: &[Difference]) -> Vec<String> {
    let classes: BTreeSet<&str> = outcomes.iter().map(|o| o.class.as_str()).collect();
    let listed = |o: &Outcome| {
        differences
            .iter()
            .any(|d| d.class == o.class && d.written == o.written)
    };
    let mut problems = Vec::new();
    for o in outcomes.iter().filter(|o| !o.pass && !listed(o)) {
        problems.push(format!(
            "{} case fails and is not listed:\n  written  {:?}\n  expected {}\n  got      {:?}\n  \
             fix the reading, or if it differs on purpose add this line (with the reason, \
             also in docs/normalize-differences.md):\n  {}\t{}\t<reason>",
            o.class,
            o.written,
            o.answers
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(" or "),
            o.got,
            o.class,
            o.written
        ));
    }
    for d in differences {
        if !classes.contains(d.class.as_str()) {
            problems.push(format!(
                "line {}: class {:?} is not in the suite (classes: {})",
                d.line,
                d.class,
                classes.iter().copied().collect::<Vec<_>>().join(", ")
            ));
            continue;
        }
        let same: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.class == d.class && o.written == d.written)
            .collect();
        if same.is_empty() {
            problems.push(format!(
                "line {}: the suite has no {} case written {:?}",
                d.line, d.class, d.written
            ));
        } else if same.iter().all(|o| o.pass) {
            problems.push(format!(
                "line {}: {} {:?} now passes (got {:?}); remove the line from {} \
                 (and the case from docs/normalize-differences.md)",
                d.line,
                d.class,
                d.written,
                same[0].got,
                differences_path().display()
            ));
        }
    }
    problems
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
fn differences_list_lines_are_checked() {
    let ok = parse_differences(
        "# comment\n\nmoney\t$1.01\tsuite contradiction\nword\t 1 \tspaces kept\n",
    )
    .expect("well-formed");
    assert_eq!(ok.len(), 2);
    assert_eq!((ok[0].line, ok[0].written.as_str()), (3, "$1.01"));
    assert_eq!(ok[1].written, " 1 ", "the written field is exact");

    for (text, needle) in [
        ("money\t$1.01\n", "want 3"),
        ("money $1.01 no tabs\n", "want 3"),
        ("money\t$1.01\treason\textra\n", "want 3"),
        ("money\t$1.01\t  \n", "no reason"),
        ("\t$1.01\treason\n", "no class"),
        (
            "money\t$1.01\ta\nmoney\t$1.01\tb\n",
            "already listed on line 1",
        ),
    ] {
        let errors = parse_differences(text).expect_err(text);
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "{text:?}: {errors:?}"
        );
    }

    let outcome = |class: &str, written: &str, pass: bool| Outcome {
        class: class.into(),
        written: written.into(),
        answers: vec!["two".into()],
        got: "2".into(),
        pass,
    };
    let diff = |class: &str, written: &str| Difference {
        line: 7,
        class: class.into(),
        written: written.into(),
        reason: "why".into(),
    };
    let outcomes = [
        outcome("cardinal", "2", false),
        outcome("cardinal", "3", true),
        // The same written twice in a class: listed, it differs if either fails.
        outcome("money", "$1.01", true),
        outcome("money", "$1.01", false),
    ];
    assert!(check(&outcomes, &[diff("cardinal", "2"), diff("money", "$1.01")]).is_empty());
    for (differences, needle) in [
        (vec![diff("money", "$1.01")], "not listed"),
        (
            vec![
                diff("cardinal", "2"),
                diff("money", "$1.01"),
                diff("cardinal", "3"),
            ],
            "now passes",
        ),
        (
            vec![
                diff("cardinal", "2"),
                diff("money", "$1.01"),
                diff("cardnal", "2"),
            ],
            "class \"cardnal\" is not in the suite",
        ),
        (
            vec![
                diff("cardinal", "2"),
                diff("money", "$1.01"),
                diff("cardinal", "4"),
            ],
            "no cardinal case written \"4\"",
        ),
    ] {
        let problems = check(&outcomes, &differences);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(needle), "{problems:?}");
    }
    let unlisted = &check(&outcomes, &[diff("money", "$1.01")])[0];
    for part in [
        "written  \"2\"",
        "expected \"two\"",
        "got      \"2\"",
        "cardinal\t2\t<reason>",
    ] {
        assert!(unlisted.contains(part), "{unlisted}");
    }
}

#[test]
fn suite_differs_only_where_listed() {
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

    let opts = NormalizeOptions::default();
    let mut outcomes = Vec::new();
    for path in &entries {
        let class = path
            .file_stem()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("test_cases_"))
            .unwrap_or("?")
            .to_string();
        for (written, answers) in load_cases(path) {
            let got = normalize(&written, &opts);
            let pass = answers.iter().any(|a| canonical(a) == canonical(&got));
            outcomes.push(Outcome {
                class: class.clone(),
                written,
                answers,
                got,
                pass,
            });
        }
    }

    let mut rates: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let e = rates.entry(o.class.as_str()).or_default();
        e.1 += 1;
        e.0 += usize::from(o.pass);
    }
    println!("{:<26} {:>5} {:>5} {:>7}", "class", "pass", "total", "rate");
    for (class, (p, t)) in &rates {
        println!(
            "{class:<26} {p:>5} {t:>5} {:>6.1}%",
            100.0 * *p as f64 / *t as f64
        );
    }
    let pass = outcomes.iter().filter(|o| o.pass).count();
    println!(
        "{:<26} {pass:>5} {:>5} {:>6.1}%",
        "overall",
        outcomes.len(),
        100.0 * pass as f64 / outcomes.len() as f64
    );
    if std::env::var_os("NARRATOR_CONFORMANCE_VERBOSE").is_some() {
        for o in outcomes.iter().filter(|o| !o.pass) {
            println!(
                "DIFFERS {}: {:?}\n   want {:?}\n   got  {:?}",
                o.class,
                o.written,
                o.answers.first(),
                o.got
            );
        }
    }

    let path = differences_path();
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the list of cases that differ on purpose is missing: {}: {e}",
            path.display()
        )
    });
    let differences = parse_differences(&text)
        .unwrap_or_else(|errors| panic!("{} is malformed:\n{}", path.display(), errors.join("\n")));
    println!(
        "differ on purpose: {} listed in {}",
        differences.len(),
        path.display()
    );
    let problems = check(&outcomes, &differences);
    assert!(
        problems.is_empty(),
        "{} conformance problem(s) against {}:\n\n{}",
        problems.len(),
        path.display(),
        problems.join("\n\n")
    );
}
