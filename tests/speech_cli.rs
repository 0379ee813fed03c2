//! Quotations, SSML and the pronunciation lexicon through the real binary and the
//! library, on files in tests/data/ssml/ and temp dirs.

mod support;

use narrator::engine::silence::SilenceEngine;
use narrator::normalize::lexicon::Lexicon;
use narrator::pipeline::{self, RenderOptions};
use support::*;

fn ssml(name: &str) -> std::path::PathBuf {
    root().join("tests/data/ssml").join(name)
}

/// No mastering, so silence-engine durations stay exact.
fn quiet_production() -> pipeline::Production {
    pipeline::Production {
        mastering: narrator::audio::Mastering::off(),
        ..Default::default()
    }
}

fn wav_secs(path: &std::path::Path) -> f64 {
    let r = hound::WavReader::open(path).expect("open wav");
    f64::from(r.duration()) / f64::from(r.spec().sample_rate)
}

#[test]
fn narrates_ssml_and_a_break_adds_its_silence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut secs = Vec::new();
    for name in ["news.ssml", "news-nobreak.ssml"] {
        let out = dir.path().join(format!("{name}.wav"));
        let o = run(narrator(dir.path())
            .arg("narrate")
            .arg(ssml(name))
            .arg("-o")
            .arg(&out)
            .arg("--quiet"));
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        secs.push(wav_secs(&out));
    }
    // The 3 s break replaces a 600 ms paragraph pause.
    let extra = secs[0] - secs[1];
    assert!((extra - 2.4).abs() < 0.05, "break added {extra:.3} s");
    assert!(secs[1] > 5.0, "{secs:?}");
}

#[test]
fn ssml_flag_reads_stdin_and_bad_ssml_names_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("s.wav");
    let o = run(narrator(dir.path())
        .args(["narrate", "-", "--ssml", "--quiet", "-o"])
        .arg(&out)
        .stdin(std::fs::File::open(ssml("news.ssml")).expect("open")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(wav_secs(&out) > 5.0);

    for (name, needle) in [
        ("bad-break.ssml", "line 3"),
        ("not-closed.ssml", "invalid ssml"),
    ] {
        let out = dir.path().join("bad.wav");
        let o = run(narrator(dir.path())
            .arg("narrate")
            .arg(ssml(name))
            .arg("-o")
            .arg(&out)
            .arg("--quiet"));
        let err = stderr(&o).to_lowercase();
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn bad_lexicon_is_a_usage_error_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lex = dir.path().join("names.toml");
    std::fs::write(
        &lex,
        "[[entry]]\nword = \"Kyiv\"\nspoken = \"keev\"\n\n[[entry]]\nword = \"Lviv\"\n",
    )
    .expect("write");
    let o = run(narrator(dir.path())
        .arg("narrate")
        .arg(example("short.txt"))
        .args(["-o", "x.wav", "--quiet", "--lexicon"])
        .arg(&lex));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("names.toml") && err.contains("line 6"),
        "{err}"
    );
    assert!(!dir.path().join("x.wav").exists());
}

#[test]
fn lexicon_from_flag_and_config_reaches_the_engine_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let user = dir.path().join("user.toml");
    std::fs::write(
        &user,
        "[[entry]]\nword = \"Kyiv\"\nspoken = \"user-keev\"\n",
    )
    .expect("write");
    let mut lexicon = Lexicon::builtin().expect("builtin");
    lexicon.load(&user).expect("user lexicon");
    let opts = RenderOptions {
        output: dir.path().join("o.wav"),
        format: narrator::audio::AudioFormat::Wav,
        encode: Default::default(),
        settings: Default::default(),
        jobs: 1,
        script: Default::default(),
        normalize: Default::default(),
        lexicon,
        production: quiet_production(),
    };
    let article = narrator::extract::Article {
        blocks: vec![narrator::extract::Block {
            kind: narrator::extract::BlockKind::Paragraph,
            text: "Zelensky met IAEA experts in Kyiv on March 3.".into(),
        }],
        ..Default::default()
    };
    let script = pipeline::script_for(&article, &SilenceEngine::default(), &opts);
    assert_eq!(
        script.segments[0].spoken,
        "zeh-len-skee met I A E A experts in user-keev on March third."
    );

    // Through the CLI: a config `lexicon` is read (and a broken one is reported).
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "lexicon = \"missing.toml\"\n").expect("write");
    let o = run(narrator(dir.path())
        .env("NARRATOR_CONFIG", &cfg)
        .arg("narrate")
        .arg(example("short.txt"))
        .args(["-o", "x.wav", "--quiet"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}

#[test]
fn ssml_rate_and_breaks_reach_the_muxer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xml = std::fs::read_to_string(ssml("news.ssml")).expect("read");
    let opts = RenderOptions {
        output: dir.path().join("o.wav"),
        format: narrator::audio::AudioFormat::Wav,
        encode: Default::default(),
        settings: Default::default(),
        jobs: 2,
        script: Default::default(),
        normalize: Default::default(),
        lexicon: Lexicon::default(),
        production: quiet_production(),
    };
    let engine = SilenceEngine::default();
    let script = pipeline::script_for_ssml(&xml, &engine, &opts).expect("valid");
    let slow = script
        .segments
        .iter()
        .find(|s| s.rate_percent == Some(75))
        .expect("a slow segment");
    assert_eq!(slow.voice.as_deref(), Some("en_GB-alan-medium"));
    assert!(script
        .segments
        .iter()
        .any(|s| s.pause_after == std::time::Duration::from_secs(3)));
    let summary = pipeline::render(&script, &engine, &opts, &pipeline::NoProgress).expect("render");
    // Silence engine: 160 samples per spoken char at 16 kHz, plus every pause.
    let chars: usize = script
        .segments
        .iter()
        .map(|s| s.spoken.chars().count())
        .sum();
    let pauses: f64 = script
        .segments
        .iter()
        .map(|s| s.pause_after.as_secs_f64())
        .sum();
    let want = chars as f64 * 0.01 + pauses;
    assert!(
        (summary.duration_s - want).abs() < 0.01,
        "{} vs {want}",
        summary.duration_s
    );
}

#[test]
fn normalize_marks_and_json() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = "\"We paid $5 million,\" Ushakov said.\n“This goes on.\n“And ends here.”\nNo quotes, 3 items.\n";
    let run_with = |flag: &str| {
        let mut child = narrator(dir.path())
            .args(["normalize", flag])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        let o = child.wait_with_output().expect("wait");
        assert!(o.status.success());
        String::from_utf8(o.stdout).expect("utf-8")
    };
    let marks = run_with("--marks");
    assert_eq!(
        marks,
        "⟪\"We paid five million dollars,\"⟫ Ushakov said.\n⟪“This goes on.⟫\n⟪“And ends here.”⟫\nNo quotes, three items.\n"
    );
    let json = run_with("--json");
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["written"], "\"We paid $5 million,\" Ushakov said.");
    assert_eq!(lines[0]["quotes"][0]["start"], 0);
    assert_eq!(lines[0]["quotes"][0]["end"], 31);
    assert_eq!(
        lines[0]["quotes"][0]["text"],
        "\"We paid five million dollars,\""
    );
    assert_eq!(lines[0]["attributions"][0]["text"], "Ushakov said.");
    assert_eq!(lines[3]["quotes"].as_array().map(Vec::len), Some(0));
}

#[test]
fn ssml_prosody_rate_changes_the_espeak_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut secs = Vec::new();
    for rate in ["x-slow", "x-fast"] {
        let input = dir.path().join(format!("{rate}.ssml"));
        std::fs::write(
            &input,
            format!(
                "<speak><prosody rate=\"{rate}\">The International Atomic Energy Agency \
                 said the plant was safe on Monday.</prosody></speak>"
            ),
        )
        .expect("write");
        let out = dir.path().join(format!("{rate}.wav"));
        let o = run(narrator(dir.path())
            .arg("narrate")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--quiet"));
        assert!(o.status.success(), "{}", stderr(&o));
        secs.push(wav_secs(&out));
    }
    // 50 % vs 150 % of the normal rate.
    assert!(secs[0] > 2.0 * secs[1], "{secs:?}");
}
