//! Property-style checks on generated input: normalization never panics, leaves no
//! ASCII digits behind, and is idempotent (normalizing its own output changes nothing).

use narrator::normalize::{normalize, DateOrder, NormalizeOptions};

/// Small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "0",
    "1",
    "5",
    "12",
    "13",
    "31",
    "59",
    "004",
    "1906",
    "2024",
    "1,250",
    "3.5",
    "123456",
    "1234567890123456789",
    ",",
    ".",
    ":",
    "-",
    "–",
    "—",
    "−",
    "+",
    "$",
    "£",
    "€",
    "¥",
    "%",
    "'",
    "’",
    "/",
    "#",
    " ",
    " ",
    " ",
    "\n",
    "\t",
    "a.m.",
    "p.m",
    "PM",
    "am",
    "st",
    "nd",
    "th",
    "s",
    "March",
    "may",
    "Oct.",
    "Sept",
    "No.",
    "US",
    "the",
    "million",
    "bn",
    "m",
    "k",
    "EST",
    "e.s.t",
    "é",
    "日本",
    "😀",
    "\u{0301}",
    "(",
    ")",
    "\"",
    "mo",
    "a",
    "an",
    "½",
    "¾",
    "C",
    "F",
    "pct",
    "y",
];

fn random_text(rng: &mut Rng) -> String {
    let n = rng.below(24);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
    }
    s
}

/// Cases per seed and date order.
const CASES_PER_RUN: usize = 20_000;

/// The fixed seeds CI runs (parsed like the variable, so they are checked the same way).
const DEFAULT_SEEDS: &str = "0x9E3779B97F4A7C15, 1, 2, 3, 0xDEADBEEF";

/// Seeds for the generator: `NARRATOR_PROP_SEEDS` (comma-separated, decimal or 0x hex)
/// to explore more, else [`DEFAULT_SEEDS`] so CI is reproducible. A set variable that
/// names no seed, or holds anything but seeds, is an error: it must not run zero cases.
fn seeds() -> Result<Vec<u64>, String> {
    match std::env::var("NARRATOR_PROP_SEEDS") {
        Ok(list) => parse_seeds(&list).map_err(|e| format!("NARRATOR_PROP_SEEDS={list:?}: {e}")),
        Err(std::env::VarError::NotPresent) => parse_seeds(DEFAULT_SEEDS),
        Err(e) => Err(format!("NARRATOR_PROP_SEEDS: {e}")),
    }
}

/// `list` as seeds: every comma-separated item a non-zero decimal or `0x` hex u64
/// (so a list that parses is never empty).
fn parse_seeds(list: &str) -> Result<Vec<u64>, String> {
    if list.trim().is_empty() {
        return Err("empty, it names no seeds".into());
    }
    let mut seeds = Vec::new();
    for (k, item) in list.split(',').enumerate() {
        let item = item.trim();
        let parsed = match item.strip_prefix("0x").or_else(|| item.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => item.parse(),
        };
        match parsed {
            // xorshift stays at zero forever: every case would be the empty string.
            Ok(0) => return Err(format!("seed {} is 0, which generates nothing", k + 1)),
            Ok(seed) => seeds.push(seed),
            Err(e) => {
                return Err(format!(
                    "item {} ({item:?}) is not a seed (decimal or 0x hex u64): {e}",
                    k + 1
                ))
            }
        }
    }
    Ok(seeds)
}

#[test]
fn seed_lists_that_name_no_seed_are_refused() {
    assert_eq!(parse_seeds("1, 0x2A,0XFF"), Ok(vec![1, 42, 255]));
    assert_eq!(parse_seeds(" 7 "), Ok(vec![7]));
    for bad in [
        "", " ", "garbage", "0 seeds", "0", "0x0", "1,,2", "1,", "0x", "-3", "1.5",
    ] {
        assert!(parse_seeds(bad).is_err(), "{bad:?} was accepted");
    }
    assert_eq!(
        parse_seeds(DEFAULT_SEEDS),
        Ok(vec![0x9E37_79B9_7F4A_7C15, 1, 2, 3, 0xDEAD_BEEF])
    );
}

#[test]
fn generated_inputs_are_spoken_and_stable() {
    let seeds = seeds().unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let mut cases = 0usize;
    for &seed in &seeds {
        let mut rng = Rng(seed);
        for order in [DateOrder::Mdy, DateOrder::Dmy] {
            let opts = NormalizeOptions { date_order: order };
            for _ in 0..CASES_PER_RUN {
                cases += 1;
                let input = random_text(&mut rng);
                let out = normalize(&input, &opts);
                if out.bytes().any(|b| b.is_ascii_digit()) {
                    failures.push(format!("digits left ({order:?}): {input:?} -> {out:?}"));
                    continue;
                }
                let again = normalize(&out, &opts);
                if again != out {
                    failures.push(format!(
                        "not idempotent ({order:?}): {input:?} -> {out:?} -> {again:?}"
                    ));
                }
            }
        }
    }
    assert!(cases > 0, "no generated cases ran");
    println!("{cases} generated cases from {} seed(s)", seeds.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
