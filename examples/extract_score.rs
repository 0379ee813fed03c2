//! Per-fixture token-level F1 of extracted text against the expected text in
//! tests/data/extract, and the boilerplate phrases that leaked.
//!
//!     cargo run --example extract_score                 # narrator's extractor
//!     cargo run --example extract_score -- --dir OUT    # score OUT/NAME.txt files
//!
//! `--dir` scores text another extractor wrote (one file per fixture), so
//! candidate crates can be compared without being dependencies.

#[path = "../tests/support/score.rs"]
mod score;

use narrator::extract::ExtractOptions;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = match args.as_slice() {
        [] => None,
        [flag, dir] if flag == "--dir" => Some(std::path::PathBuf::from(dir)),
        _ => {
            eprintln!("usage: extract_score [--dir OUT]");
            std::process::exit(2);
        }
    };
    let phrases = score::boilerplate();
    println!("| fixture | words | precision | recall | F1 | boilerplate |");
    println!("|---|---:|---:|---:|---:|---|");
    let mut worst: f64 = 1.0;
    let mut leaks = 0;
    for fx in score::fixtures() {
        let got = match &dir {
            None => score::narrator_text(&fx.page, &ExtractOptions::default()),
            Some(d) => {
                std::fs::read_to_string(d.join(format!("{}.txt", fx.name))).unwrap_or_default()
            }
        };
        let (p, r, f1) = score::f1(&got, &fx.expected);
        let leaked = score::boilerplate_in(&got, &phrases);
        worst = worst.min(f1);
        leaks += leaked.len();
        println!(
            "| {} | {} | {p:.3} | {r:.3} | {f1:.3} | {} |",
            fx.name,
            score::tokens(&fx.expected).len(),
            if leaked.is_empty() {
                "-".to_string()
            } else {
                leaked.join("; ")
            }
        );
    }
    println!("\nworst F1 {worst:.3}, boilerplate phrases leaked: {leaks}");
}
