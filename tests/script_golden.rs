//! Golden cases for the script builder (`tests/golden/script.txt`): sentences are cut
//! where the normalizer's abbreviation table says a period ends one, on the article
//! path and the SSML path alike, and the article path reads each paragraph exactly as
//! `narrate`'s normalizer reads it whole.

use narrator::engine::silence::SilenceEngine;
use narrator::extract::{Article, Block, BlockKind};
use narrator::normalize::{normalize, NormalizeOptions};
use narrator::pipeline::{self, RenderOptions};
use narrator::script::ScriptOptions;

fn options() -> RenderOptions {
    RenderOptions {
        output: "unused.wav".into(),
        format: narrator::audio::AudioFormat::Wav,
        encode: Default::default(),
        settings: Default::default(),
        jobs: 1,
        script: ScriptOptions {
            intro: false,
            ..ScriptOptions::default()
        },
        normalize: NormalizeOptions::default(),
        lexicon: Default::default(),
        production: Default::default(),
    }
}

#[test]
fn script_golden() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/script.txt");
    let text = std::fs::read_to_string(path).expect("tests/golden/script.txt");
    let engine = SilenceEngine::default();
    let opts = options();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let (written, want) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("script.txt:{}: no TAB", k + 1));
        let script = if written.starts_with("<speak") {
            pipeline::script_for_ssml(written, &engine, &opts).expect("valid SSML")
        } else {
            let article = Article {
                blocks: vec![Block {
                    kind: BlockKind::Paragraph,
                    text: written.into(),
                }],
                ..Default::default()
            };
            pipeline::script_for(&article, &engine, &opts)
        };
        let got: Vec<&str> = script.segments.iter().map(|s| s.spoken.as_str()).collect();
        let got = got.join(" | ");
        if got != want {
            failures.push(format!(
                "script.txt:{}: {written}\n  want: {want}\n  got:  {got}",
                k + 1
            ));
        }
        if !written.starts_with("<speak") {
            let whole = normalize(written, &NormalizeOptions::default());
            let joined = want.replace(" | ", " ");
            if whole != joined {
                failures.push(format!(
                    "script.txt:{}: normalize reads it otherwise\n  normalize: {whole}\n  script:    {joined}",
                    k + 1
                ));
            }
        }
    }
    assert!(cases >= 10, "only {cases} cases read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
