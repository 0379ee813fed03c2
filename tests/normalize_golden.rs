//! Golden cases for the normalize stage: `tests/golden/normalize/<class>.txt`, one case
//! per line as `written<TAB>spoken`; blank lines and `#` comments are ignored.
//! Every failing line is reported (file:line, input, expected, got), not just the first.

use std::fs;
use std::path::{Path, PathBuf};

use narrator::normalize::{normalize, DateOrder, NormalizeOptions};

struct Case {
    file: String,
    line: usize,
    written: String,
    spoken: String,
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/normalize")
}

fn load_all() -> Vec<Case> {
    let dir = golden_dir();
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (k, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (written, spoken) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{name}:{}: no TAB in {line:?}", k + 1));
            cases.push(Case {
                file: name.clone(),
                line: k + 1,
                written: written.to_string(),
                spoken: spoken.to_string(),
            });
        }
    }
    cases
}

fn options_for(file: &str) -> NormalizeOptions {
    // Files named *_dmy.txt run with day-first numeric dates.
    NormalizeOptions {
        date_order: if file.ends_with("_dmy.txt") {
            DateOrder::Dmy
        } else {
            DateOrder::Mdy
        },
    }
}

#[test]
fn golden_cases_pass() {
    let cases = load_all();
    assert!(cases.len() >= 120, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let got = normalize(&c.written, &options_for(&c.file));
        if got != c.spoken {
            failures.push(format!(
                "{}:{}\n  input:    {:?}\n  expected: {:?}\n  got:      {:?}",
                c.file, c.line, c.written, c.spoken, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn normalizing_spoken_output_again_changes_nothing() {
    let mut changed = Vec::new();
    for c in load_all() {
        let opts = options_for(&c.file);
        let again = normalize(&c.spoken, &opts);
        if again != c.spoken {
            changed.push(format!(
                "{}:{}: {:?} -> {:?}",
                c.file, c.line, c.spoken, again
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "not idempotent:\n{}",
        changed.join("\n")
    );
}

#[test]
fn no_digits_remain_in_golden_outputs() {
    // The classes v1 handles leave no digits behind.
    for c in load_all() {
        assert!(
            !c.spoken.bytes().any(|b| b.is_ascii_digit()),
            "{}:{}: digits in expected output {:?}",
            c.file,
            c.line,
            c.spoken
        );
    }
}
