//! Word-level agreement between our phonemes (embedded espeak-ng port) and Piper's
//! own (C espeak-ng through `piper.voice.PiperVoice.phonemize`).
//!
//! ```text
//! cargo run --example phoneme_agreement -- TEXT.txt                 # print ours as JSON
//! cargo run --example phoneme_agreement -- TEXT.txt PIPER.json      # compare
//! ```
//!
//! `PIPER.json` is a JSON list of sentences, each a list of phonemes, as
//! `PiperVoice.phonemize` returns; `benches/phoneme_agreement.sh` produces it.
//! Words are aligned with a minimum-edit-distance alignment so one split or merged
//! word does not shift everything after it.

use anyhow::{Context, Result};
use narrator::engine::phonemize::Phonemizer;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text_path = args
        .first()
        .context("usage: phoneme_agreement TEXT.txt [PIPER.json] [--voice en-us]")?;
    let voice = args
        .iter()
        .position(|a| a == "--voice")
        .and_then(|i| args.get(i + 1))
        .map_or("en-us", String::as_str);
    let text =
        std::fs::read_to_string(text_path).with_context(|| format!("reading {text_path}"))?;
    let phonemizer = match args
        .iter()
        .position(|a| a == "--espeak-data")
        .and_then(|i| args.get(i + 1))
    {
        Some(dir) => Phonemizer::with_data_dir(voice, std::path::Path::new(dir))?,
        None => Phonemizer::new(voice)?,
    };
    let ours = phonemizer.phonemize(&text)?;
    let Some(piper_path) = args.get(1).filter(|a| !a.starts_with("--")) else {
        println!("{}", serde_json::to_string(&ours)?);
        return Ok(());
    };
    let piper: Vec<Vec<String>> = serde_json::from_str(
        &std::fs::read_to_string(piper_path).with_context(|| format!("reading {piper_path}"))?,
    )
    .with_context(|| format!("{piper_path} is not a list of phoneme lists"))?;

    let (a, b) = (words(&piper), words(&ours));
    let pairs = align(&a, &b);
    let same = pairs.iter().filter(|(x, y)| x.is_some() && x == y).count();
    println!("sentences: piper {}  ours {}", piper.len(), ours.len());
    println!("words:     piper {}  ours {}", a.len(), b.len());
    println!(
        "agreement: {same}/{} words = {:.2} %",
        a.len(),
        100.0 * same as f64 / a.len().max(1) as f64
    );
    println!("differences (piper → ours):");
    for (x, y) in pairs.iter().filter(|(x, y)| x != y) {
        println!(
            "  {:<24} → {}",
            x.as_deref().unwrap_or("∅"),
            y.as_deref().unwrap_or("∅")
        );
    }
    Ok(())
}

/// Sentences → words: phonemes joined, split at spaces, clause punctuation dropped.
fn words(sentences: &[Vec<String>]) -> Vec<String> {
    sentences
        .iter()
        .flat_map(|s| {
            s.concat()
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| ".,;:!?".contains(c)).to_string())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Minimum edit-distance alignment of two word lists.
fn align(a: &[String], b: &[String]) -> Vec<(Option<String>, Option<String>)> {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=m).collect();
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::new();
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]) {
            out.push((Some(a[i - 1].clone()), Some(b[j - 1].clone())));
            i -= 1;
            j -= 1;
        } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            out.push((Some(a[i - 1].clone()), None));
            i -= 1;
        } else {
            out.push((None, Some(b[j - 1].clone())));
            j -= 1;
        }
    }
    out.reverse();
    out
}
