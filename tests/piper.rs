//! In-process Piper against the real thing: the Python `piper` package in a venv
//! (`NARRATOR_VENV`, default `<crate>/.venv`) with the `en_US-joe-medium` voice.
//!
//! Without the venv, the voice or ONNX Runtime a test prints a skip note
//! (`support::tools::unavailable`), or fails when `NARRATOR_REQUIRE_REAL_ENGINES` is set.

#![cfg(feature = "piper")]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use narrator::engine::phonemize::phoneme_ids;
use narrator::engine::piper::{PiperConfig, PiperEngine};
use narrator::engine::{Engine, EngineError, SynthesisSettings};
use narrator::extract::{Article, Block, BlockKind};
use narrator::normalize::lexicon::Lexicon;
use narrator::pipeline::{self, NoProgress, RenderOptions};

const VOICE: &str = "en_US-joe-medium";
const TEXT: &str = "Hello, world. The council approved the budget on Tuesday.";

/// The voice model, or `None` (after a skip note) when the real engine is absent.
fn real_voice() -> Option<PathBuf> {
    let model = support::tools::piper_voice_model()?;
    // The engine looks for onnxruntime in $NARRATOR_VENV among others.
    std::env::set_var("NARRATOR_VENV", support::tools::venv_dir());
    if let Err(e) = narrator::engine::piper::find_onnxruntime() {
        return support::tools::unavailable(
            &support::tools::test_name(),
            "ONNX Runtime",
            &e.to_string(),
        );
    }
    Some(model)
}

/// Python Piper's phonemes (joined per sentence) and int16 samples for `text`.
/// Run a Python script in the Piper venv with `args` and parse what it prints as JSON.
fn python_json<T: serde::de::DeserializeOwned>(script: &str, args: &[&std::ffi::OsStr]) -> T {
    let output = Command::new(support::tools::venv_dir().join("bin").join("python"))
        .args(["-c", script])
        .args(args)
        .output()
        .expect("run python piper");
    assert!(
        output.status.success(),
        "python piper failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("python prints JSON")
}

/// A 16-bit WAV Python wrote: its rate and samples.
fn read_wav(path: &Path) -> (u32, Vec<i16>) {
    let mut reader = hound::WavReader::open(path).expect("python wrote a WAV");
    let rate = reader.spec().sample_rate;
    let samples = reader
        .samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .expect("16-bit WAV");
    (rate, samples)
}

fn python_piper(model: &Path, text: &str) -> (Vec<String>, u32, Vec<i16>) {
    let out = tempfile::tempdir().expect("temp dir");
    let wav = out.path().join("py.wav");
    let script = r#"
import json, sys, wave
from piper import PiperVoice
from piper.config import SynthesisConfig
voice = PiperVoice.load(sys.argv[1])
text = sys.argv[2]
with wave.open(sys.argv[3], "wb") as w:
    voice.synthesize_wav(text, w, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0))
print(json.dumps(["".join(s) for s in voice.phonemize(text)], ensure_ascii=False))
"#;
    let phonemes: Vec<String> =
        python_json(script, &[model.as_os_str(), text.as_ref(), wav.as_os_str()]);
    let (rate, samples) = read_wav(&wav);
    (phonemes, rate, samples)
}

#[test]
fn in_process_piper_matches_python_piper() {
    let Some(model) = real_voice() else { return };
    let engine = PiperConfig::new(&model).build().expect("engine builds");
    assert_eq!(engine.info().engine, "piper");
    assert_eq!(engine.info().voice, VOICE);

    let settings = SynthesisSettings {
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        ..Default::default()
    };
    let ours = engine.synthesize(TEXT, &settings).expect("synthesis");
    let (py_phonemes, py_rate, py_samples) = python_piper(&model, TEXT);

    assert_eq!(ours.sample_rate, py_rate);
    let (n_ours, n_py) = (ours.samples.len() as f64, py_samples.len() as f64);
    assert!(
        (n_ours - n_py).abs() / n_py < 0.03,
        "duration differs: ours {n_ours} samples, python {n_py}"
    );

    let our_phonemes: Vec<String> = engine
        .phonemize(TEXT)
        .expect("phonemize")
        .iter()
        .map(|s| s.concat())
        .collect();
    if our_phonemes == py_phonemes {
        assert_eq!(
            ours.samples.len(),
            py_samples.len(),
            "same phonemes, same length"
        );
        // Python writes int16 of the same normalized floats; allow ONNX Runtime
        // thread-order noise of a few LSB.
        let max_diff = ours
            .samples
            .iter()
            .zip(&py_samples)
            .map(|(&a, &b)| ((a * 32767.0).clamp(-32767.0, 32767.0) as i32 - i32::from(b)).abs())
            .max()
            .unwrap_or(0);
        assert!(max_diff <= 64, "samples differ by up to {max_diff} LSB");
    } else {
        eprintln!("phonemes differ, compared durations only:\n ours  {our_phonemes:?}\n piper {py_phonemes:?}");
    }
}

#[test]
fn rate_shortens_audio() {
    let Some(model) = real_voice() else { return };
    let engine = PiperConfig::new(&model).build().expect("engine builds");
    let base = SynthesisSettings {
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        ..Default::default()
    };
    let fast = SynthesisSettings {
        rate: 1.5,
        ..base.clone()
    };
    let normal = engine
        .synthesize("Good evening.", &base)
        .expect("synthesis");
    let quick = engine
        .synthesize("Good evening.", &fast)
        .expect("synthesis");
    assert!(quick.samples.len() < normal.samples.len() * 4 / 5);
    let bad = SynthesisSettings { rate: 0.0, ..base };
    assert!(matches!(
        engine.synthesize("Hi.", &bad),
        Err(EngineError::InvalidVoice(_))
    ));
}

#[test]
fn missing_model_is_model_not_found() {
    let err = PiperConfig::new("/nonexistent/en_US-nobody-medium.onnx")
        .build()
        .expect_err("no such model");
    assert!(matches!(err, EngineError::ModelNotFound { .. }), "{err:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("voice.onnx");
    std::fs::write(&model, b"not a model").expect("write");
    let err = PiperConfig::new(&model).build().expect_err("no json");
    assert!(
        matches!(err, EngineError::ModelNotFound { ref path, .. } if path.ends_with(".onnx.json"))
    );

    std::fs::write(dir.path().join("voice.onnx.json"), b"{ nope").expect("write");
    let err = PiperConfig::new(&model).build().expect_err("bad json");
    assert!(matches!(err, EngineError::InvalidVoice(_)), "{err:?}");
}

#[test]
fn concurrent_callers_share_a_session_pool() {
    let Some(model) = real_voice() else { return };
    let mut config = PiperConfig::new(&model);
    config.sessions = 2;
    config.intra_threads = Some(1);
    let engine = config.build().expect("engine builds");
    assert_eq!(engine.session_count(), 2);
    let settings = SynthesisSettings {
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        ..Default::default()
    };
    let alone = engine
        .synthesize("One more sentence.", &settings)
        .expect("synthesis");
    // Three callers, two sessions: one waits for a free session.
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| engine.synthesize("One more sentence.", &settings)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    for pcm in results {
        assert_eq!(pcm.expect("synthesis").samples.len(), alone.samples.len());
    }
}

#[test]
fn installed_voice_package_is_found_by_name() {
    let Some(model) = real_voice() else { return };
    let found = narrator::engine::piper::find_voice_model(VOICE).expect("voice package found");
    assert_eq!(found.canonicalize().ok(), model.canonicalize().ok());
    assert_eq!(
        narrator::engine::piper::find_voice_model("xx_XX-nobody-low"),
        None
    );
}

/// Word-level phoneme agreement with Piper on the news corpus stays ≥ 98 %.
#[test]
fn phonemes_agree_with_piper_on_news_text() {
    let Some(model) = real_voice() else { return };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/phoneme_corpus.txt");
    let text = std::fs::read_to_string(&corpus).expect("corpus");
    let script = r#"
import json, sys
from piper import PiperVoice
print(json.dumps(PiperVoice.load(sys.argv[1]).phonemize(open(sys.argv[2]).read()), ensure_ascii=False))
"#;
    let theirs: Vec<Vec<String>> = python_json(script, &[model.as_os_str(), corpus.as_os_str()]);
    let engine = PiperConfig::new(&model).build().expect("engine builds");
    let ours = engine.phonemize(&text).expect("phonemize");

    let words = |sentences: &[Vec<String>]| -> Vec<String> {
        sentences
            .iter()
            .flat_map(|s| {
                s.concat()
                    .split_whitespace()
                    .map(|w| w.trim_matches(|c: char| ".,;:!?".contains(c)).to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (a, b) = (words(&theirs), words(&ours));
    // Longest common subsequence of words = words that agree after alignment.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            lcs[i][j] = if a[i - 1] == b[j - 1] {
                lcs[i - 1][j - 1] + 1
            } else {
                lcs[i - 1][j].max(lcs[i][j - 1])
            };
        }
    }
    let agreement = lcs[a.len()][b.len()] as f64 / a.len().max(1) as f64;
    assert!(
        agreement >= 0.98,
        "phoneme agreement {:.2} % < 98 %",
        100.0 * agreement
    );
}

/// Narrate `text` with `engine` and a lexicon of one entry; returns the spoken text
/// of the single segment and the WAV's samples.
fn narrate_with_lexicon(
    engine: &PiperEngine,
    lexicon_toml: &str,
    text: &str,
) -> (String, Vec<i16>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lexicon = Lexicon::new();
    lexicon
        .add_toml(lexicon_toml, Path::new("test.toml"))
        .expect("lexicon");
    let opts = RenderOptions {
        output: dir.path().join("out.wav"),
        format: narrator::audio::AudioFormat::Wav,
        encode: Default::default(),
        settings: SynthesisSettings {
            noise_scale: Some(0.0),
            noise_w: Some(0.0),
            ..Default::default()
        },
        jobs: 1,
        script: Default::default(),
        normalize: Default::default(),
        lexicon,
        production: pipeline::Production {
            mastering: narrator::audio::Mastering::off(),
            ..Default::default()
        },
    };
    let article = Article {
        blocks: vec![Block {
            kind: BlockKind::Paragraph,
            text: text.into(),
        }],
        ..Default::default()
    };
    let script = pipeline::script_for(&article, engine, &opts);
    let [segment] = script.segments.as_slice() else {
        panic!("one segment expected: {:?}", script.segments);
    };
    pipeline::render(&script, engine, &opts, &NoProgress).expect("render");
    let samples = hound::WavReader::open(&opts.output)
        .expect("WAV written")
        .samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .expect("16-bit WAV");
    (segment.spoken.clone(), samples)
}

/// A lexicon entry's `ipa` reaches the in-process voice as raw phonemes: the model
/// gets the same phoneme ids Python Piper gives it for the same `[[ ]]` text, and
/// the audio is not the respelling's.
#[test]
fn lexicon_ipa_reaches_the_voice_as_in_python_piper() {
    let Some(model) = real_voice() else { return };
    let engine = PiperConfig::new(&model).build().expect("engine builds");
    let entry = "[[entry]]\nword = \"Kyiv\"\nspoken = \"keev\"\n";
    let (spoken, ipa_audio) = narrate_with_lexicon(
        &engine,
        &format!("{entry}ipa = \"kɪjiw\"\n"),
        "They met in Kyiv today.",
    );
    assert_eq!(spoken, "They met in [[ kɪjiw ]] today.");
    let (respelled, respelled_audio) =
        narrate_with_lexicon(&engine, entry, "They met in Kyiv today.");
    assert_eq!(respelled, "They met in keev today.");
    assert!(!ipa_audio.is_empty());
    assert_ne!(ipa_audio, respelled_audio);

    let map = &engine.voice_config().phoneme_id_map;
    let ours: Vec<Vec<i64>> = engine
        .phonemize(&spoken)
        .expect("phonemize")
        .iter()
        .map(|s| phoneme_ids(s, map).expect("ids").0)
        .collect();
    let pad = map["_"][0];
    let block: Vec<i64> = "kɪjiw"
        .chars()
        .flat_map(|c| [map[&c.to_string()][0], pad])
        .collect();
    assert!(
        ours.iter()
            .any(|ids| ids.windows(block.len()).any(|w| w == block.as_slice())),
        "{ours:?} lacks the block's ids {block:?}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let wav = dir.path().join("py.wav");
    let script = r#"
import json, sys, wave
from piper import PiperVoice
from piper.config import SynthesisConfig
voice = PiperVoice.load(sys.argv[1])
with wave.open(sys.argv[3], "wb") as w:
    voice.synthesize_wav(sys.argv[2], w, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0))
print(json.dumps([voice.phonemes_to_ids(p) for p in voice.phonemize(sys.argv[2]) if p]))
"#;
    let theirs: Vec<Vec<i64>> = python_json(
        script,
        &[model.as_os_str(), spoken.as_ref(), wav.as_os_str()],
    );
    assert_eq!(ours, theirs);

    // Same ids, so the same audio up to ONNX Runtime thread-order noise.
    let settings = SynthesisSettings {
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        ..Default::default()
    };
    let ours = engine.synthesize(&spoken, &settings).expect("synthesis");
    let (_, theirs) = read_wav(&wav);
    assert_eq!(ours.samples.len(), theirs.len());
    let max_diff = ours
        .samples
        .iter()
        .zip(&theirs)
        .map(|(&a, &b)| ((a * 32767.0).clamp(-32767.0, 32767.0) as i32 - i32::from(b)).abs())
        .max()
        .unwrap_or(0);
    assert!(max_diff <= 64, "samples differ by up to {max_diff} LSB");
}
