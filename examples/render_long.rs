//! Render a narration of a given length with a synthetic voice (a tone at speech
//! pace, uneven level from segment to segment) through the real pipeline: script,
//! worker threads, mastering, encoder, chapters, transcript. For
//! benches/rss_vs_length.sh (peak memory against narration length).
//!
//!   render_long MINUTES OUT.(mp3|wav|opus)
use std::path::PathBuf;

use narrator::audio::{AudioFormat, EncodeOptions};
use narrator::engine::silence::ToneEngine;
use narrator::engine::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};
use narrator::extract::{Article, Block, BlockKind};
use narrator::normalize::NormalizeOptions;
use narrator::pipeline::{self, NoProgress, Production, RenderOptions};
use narrator::script::ScriptOptions;

struct Uneven(ToneEngine);
impl Engine for Uneven {
    fn info(&self) -> EngineInfo {
        self.0.info()
    }
    fn synthesize(&self, text: &str, s: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let mut pcm = self.0.synthesize(text, s)?;
        let g = 10f32.powf(-(((text.len() * 7) % 13) as f32) / 20.0);
        pcm.samples.iter_mut().for_each(|x| *x *= g);
        Ok(pcm)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let minutes: f64 = args
        .next()
        .ok_or("usage: render_long MINUTES OUT")?
        .parse()?;
    let out = PathBuf::from(args.next().ok_or("usage: render_long MINUTES OUT")?);
    // 15 characters a second, as a news reader.
    let engine = Uneven(ToneEngine {
        sample_rate: 22_050,
        samples_per_char: 22_050 / 15,
        amplitude: 0.6,
        padding: 2_205,
    });
    let text = include_str!("../benches/data/news_1000.txt");
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    let chars_needed = (minutes * 60.0 * 15.0) as usize;
    let mut blocks = Vec::new();
    let mut chars = 0;
    let mut i = 0;
    while chars < chars_needed {
        if i % 8 == 0 {
            blocks.push(Block {
                kind: BlockKind::Heading,
                text: format!("Part {}", i / 8 + 1),
            });
        }
        let p = paragraphs[i % paragraphs.len()];
        chars += p.len();
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            text: p.to_string(),
        });
        i += 1;
    }
    let article = Article {
        title: Some("A long read".into()),
        blocks,
        ..Default::default()
    };
    let transcript = out.with_extension("json");
    let opts = RenderOptions {
        format: AudioFormat::from_path(&out)?,
        output: out,
        encode: EncodeOptions::default(),
        settings: SynthesisSettings::default(),
        jobs: 2,
        script: ScriptOptions::default(),
        normalize: NormalizeOptions::default(),
        lexicon: Default::default(),
        production: Production {
            chapters: true,
            transcript: Some(transcript),
            ..Production::default()
        },
    };
    let script = pipeline::script_for(&article, &engine, &opts);
    let s = pipeline::render(&script, &engine, &opts, &NoProgress)?;
    eprintln!(
        "{:.1} min, {} segments, {} chapters, {:.1} s",
        s.duration_s / 60.0,
        s.segments,
        s.chapters,
        s.total_s
    );
    Ok(())
}
