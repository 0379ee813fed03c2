//! Per-fixture token-level F1 of extracted text against the expected text in
//! tests/data/extract, and the boilerplate phrases that leaked.
//!
//!     cargo run --example extract_score                 # narrator's extractor
//!     cargo run --example extract_score -- --dir OUT    # score OUT/NAME.txt files
//!
//!     cargo run --example extract_score -- --pages IN --out OUT
//!
//! `--dir` scores text another extractor wrote (one file per fixture), so
//! candidate crates can be compared without being dependencies. `--pages`
//! reads every `IN/NAME.html` and writes narrator's blocks, one a line, to
//! `OUT/NAME.txt` (empty when nothing was read): `benches/extract_dev.py`
//! scores those against the extraction dev set, beside trafilatura's.

#[path = "../tests/support/score.rs"]
mod score;

use std::path::Path;

use narrator::extract::ExtractOptions;

/// narrator's text for every `NAME.html` in `input`, as `output/NAME.txt`.
fn write_pages(input: &Path, output: &Path, opts: &ExtractOptions) -> std::io::Result<()> {
    std::fs::create_dir_all(output)?;
    let mut count = 0;
    for entry in std::fs::read_dir(input)?.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".html"))
        else {
            continue;
        };
        let text = score::narrator_text(&path, opts);
        std::fs::write(output.join(format!("{name}.txt")), text)?;
        count += 1;
    }
    eprintln!("narrator: {count} pages → {}", output.display());
    Ok(())
}

/// `--read tables,code,captions`: what to read besides the running text.
fn read_options(list: &str) -> Option<ExtractOptions> {
    let mut opts = ExtractOptions::default();
    for what in list.split(',').filter(|w| !w.is_empty()) {
        match what {
            "tables" => opts.read_tables = true,
            "code" => opts.read_code = true,
            "captions" => opts.read_captions = true,
            _ => return None,
        }
    }
    Some(opts)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = match args.as_slice() {
        [] => None,
        [flag, dir] if flag == "--dir" => Some(std::path::PathBuf::from(dir)),
        [pages, input, out, output, rest @ ..] if pages == "--pages" && out == "--out" => {
            let opts = match rest {
                [] => ExtractOptions::default(),
                [flag, what] if flag == "--read" => match read_options(what) {
                    Some(opts) => opts,
                    None => {
                        eprintln!("extract_score: --read takes tables,code,captions; got {what:?}");
                        std::process::exit(2);
                    }
                },
                _ => {
                    eprintln!(
                        "usage: extract_score --pages IN --out OUT [--read tables,code,captions]"
                    );
                    std::process::exit(2);
                }
            };
            if let Err(e) = write_pages(Path::new(input), Path::new(output), &opts) {
                eprintln!("extract_score: {e}");
                std::process::exit(1);
            }
            return;
        }
        _ => {
            eprintln!("usage: extract_score [--dir OUT | --pages IN --out OUT [--read tables,code,captions]]");
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
