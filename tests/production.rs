//! Broadcast-ready output: loudness and true peak (measured by ffmpeg's ebur128
//! filter), exact timing of trimmed segments, clean joins, intro/outro, chapters
//! (read back by ffprobe), transcripts, and every format decoded again.
//!
//! The ffmpeg/ffprobe checks need those tools (`support::tools::require_tool`): without them
//! a test prints a skip note, or fails when `NARRATOR_REQUIRE_REAL_ENGINES` is set.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use narrator::audio::{AudioFormat, EncodeOptions, LoudnessTarget, Mastering};
use narrator::engine::silence::ToneEngine;
use narrator::engine::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};
use narrator::extract::{Article, Block, BlockKind};
use narrator::normalize::NormalizeOptions;
use narrator::pipeline::{self, NoProgress, Production, RenderOptions, Summary};
use narrator::publish::TimingMap;
use narrator::script::{Pauses, ScriptOptions};

fn article() -> Article {
    let p = |t: &str| Block {
        kind: BlockKind::Paragraph,
        text: t.into(),
    };
    let h = |t: &str| Block {
        kind: BlockKind::Heading,
        text: t.into(),
    };
    Article {
        title: Some("The headline".into()),
        byline: Some("Ann Writer".into()),
        published: Some("2026-11-27".into()),
        blocks: vec![
            p("First sentence of the story. A second one follows it."),
            p("Another paragraph here."),
            h("What happened next"),
            p("It went on for a while. And then it ended quite suddenly."),
            h("Reactions"),
            p("People said many things about it, some short."),
        ],
        ..Default::default()
    }
}

/// ffmpeg and ffprobe as found on PATH.
struct Ffmpeg {
    ffmpeg: PathBuf,
    ffprobe: PathBuf,
}

/// Both tools, or `None` after a skip note (a failure under
/// `NARRATOR_REQUIRE_REAL_ENGINES`).
fn ffmpeg() -> Option<Ffmpeg> {
    Some(Ffmpeg {
        ffmpeg: support::tools::require_tool("ffmpeg")?,
        ffprobe: support::tools::require_tool("ffprobe")?,
    })
}

fn opts(out: PathBuf, format: AudioFormat, production: Production) -> RenderOptions {
    RenderOptions {
        output: out,
        format,
        encode: EncodeOptions::default(),
        settings: SynthesisSettings::default(),
        jobs: 2,
        script: ScriptOptions {
            pauses: Pauses {
                sentence_ms: 300,
                paragraph_ms: 600,
                heading_ms: 900,
                quote_ms: 0,
            },
            intro: true,
            max_chars: 1000,
            split_quotes: false,
            quote_voice: None,
            disclosure: None,
        },
        normalize: NormalizeOptions::default(),
        lexicon: Default::default(),
        production,
    }
}

fn render(engine: &dyn Engine, o: &RenderOptions) -> (Summary, TimingMap) {
    let script = pipeline::script_for(&article(), engine, o);
    let summary = pipeline::render(&script, engine, o, &NoProgress).expect("render");
    let json = o
        .production
        .transcript
        .as_ref()
        .expect("tests ask for a JSON transcript");
    let map: TimingMap =
        serde_json::from_slice(&std::fs::read(json).expect("read map")).expect("parse map");
    (summary, map)
}

fn production(dir: &Path, name: &str, loudness: Option<f64>) -> Production {
    Production {
        mastering: Mastering {
            loudness: loudness.map(|l| LoudnessTarget {
                integrated_lufs: l,
                true_peak_dbtp: -1.0,
            }),
            ..Mastering::default()
        },
        metadata: pipeline::metadata_for(&article(), Some("https://news.example.org/a/1")),
        chapters: true,
        transcript: Some(dir.join(format!("{name}.json"))),
        ..Production::default()
    }
}

fn decoded(path: &Path) -> Pcm {
    let ext = path.extension().and_then(|e| e.to_str());
    narrator::audio::decode(std::fs::read(path).expect("read"), ext).expect("symphonia decodes")
}

/// (integrated LUFS, true peak dBTP) by ffmpeg's ebur128 filter.
fn ebur128(tools: &Ffmpeg, path: &Path) -> (f64, f64) {
    let o = Command::new(&tools.ffmpeg)
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args([
            "-af",
            "ebur128=peak=true:framelog=verbose",
            "-f",
            "null",
            "-",
        ])
        .output()
        .expect("run ffmpeg");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "ffmpeg ebur128 failed:\n{err}");
    let summary = err.rsplit("Summary:").next().unwrap_or("");
    let grab = |key: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in ffmpeg output:\n{err}"))
    };
    (grab("I:"), grab("Peak:"))
}

/// Duration, rate and codec by ffprobe.
fn ffprobe(tools: &Ffmpeg, path: &Path) -> serde_json::Value {
    let o = Command::new(&tools.ffprobe)
        .args([
            "-v",
            "error",
            "-show_streams",
            "-show_format",
            "-show_chapters",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("run ffprobe");
    assert!(
        o.status.success(),
        "ffprobe failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("ffprobe json")
}

/// A voice whose level changes from segment to segment (as voices and engines do).
struct UnevenVoice(ToneEngine);
impl Engine for UnevenVoice {
    fn info(&self) -> EngineInfo {
        self.0.info()
    }
    fn synthesize(&self, text: &str, s: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let mut pcm = self.0.synthesize(text, s)?;
        // 0 to −24 dB, by the text: deterministic, uneven.
        let db = -(((text.len() * 7) % 25) as f32);
        let g = 10f32.powf(db / 20.0);
        pcm.samples.iter_mut().for_each(|x| *x *= g);
        Ok(pcm)
    }
}

fn voice() -> UnevenVoice {
    UnevenVoice(ToneEngine {
        sample_rate: 24_000,
        samples_per_char: 480,
        amplitude: 0.9,
        padding: 2_400,
    })
}

#[test]
fn loudness_and_true_peak_on_target_in_every_format() {
    let Some(tools) = ffmpeg() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, ext, target) in [
        (AudioFormat::Wav, "wav", -16.0),
        (AudioFormat::Mp3, "mp3", -16.0),
        #[cfg(feature = "opus")]
        (AudioFormat::Opus, "opus", -16.0),
        (AudioFormat::Mp3, "mp3", -23.0),
    ] {
        let name = format!("l{}.{ext}", -target as i32);
        let out = dir.path().join(&name);
        let o = opts(
            out.clone(),
            format,
            production(dir.path(), &name, Some(target)),
        );
        let (summary, map) = render(&voice(), &o);
        let (i, tp) = ebur128(&tools, &out);
        assert!(
            (i - target).abs() <= 1.0,
            "{name}: {i} LUFS, target {target}"
        );
        assert!(tp <= -1.0, "{name}: true peak {tp} dBTP over -1");
        // Format, rate, duration, by ffprobe.
        let p = ffprobe(&tools, &out);
        let stream = &p["streams"][0];
        let codec = stream["codec_name"].as_str().unwrap_or("");
        let want_codec = match format {
            AudioFormat::Wav => "pcm_s16le",
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Opus => "opus",
        };
        assert_eq!(codec, want_codec, "{name}");
        let rate: u32 = stream["sample_rate"]
            .as_str()
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        assert_eq!(rate, summary.sample_rate, "{name}");
        assert!((summary.duration_s - map.duration).abs() < 1e-9);
        if format != AudioFormat::Opus {
            // symphonia decodes WAV and MP3 (gapless) to exactly the programme.
            let pcm = decoded(&out);
            assert_eq!(pcm.sample_rate, summary.sample_rate);
            let want = (map.duration * f64::from(pcm.sample_rate)).round() as usize;
            assert_eq!(pcm.samples.len(), want, "{name}");
        }
    }
}

#[test]
fn segments_are_trimmed_and_timed_exactly_and_joins_are_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = ToneEngine {
        sample_rate: 16_000,
        samples_per_char: 160,
        amplitude: 0.5,
        padding: 1_600,
    };
    // Mastering off except trimming and fades: the tone keeps its level.
    let mut prod = production(dir.path(), "t.wav", None);
    let out = dir.path().join("t.wav");
    prod.mastering.loudness = None;
    let o = opts(out.clone(), AudioFormat::Wav, prod);
    let script = pipeline::script_for(&article(), &engine, &o);
    let (_, map) = render(&engine, &o);
    let pcm = decoded(&out);
    assert_eq!(map.segments.len(), script.segments.len());
    let rate = 16_000.0;
    let mut t = 0.0;
    for (seg, timed) in script.segments.iter().zip(&map.segments) {
        // The engine's padding is gone: the sound is exactly the tone, and the
        // pause exactly as configured.
        let len = (seg.spoken.chars().count() * 160) as f64 / rate;
        assert!((timed.start - t).abs() < 1e-9, "segment {} start", seg.id);
        assert!(
            (timed.end - (t + len)).abs() < 1e-9,
            "segment {} end",
            seg.id
        );
        t = timed.end + seg.pause_after.as_secs_f64();
        // Silence between segments is digital silence; edges are faded to ~0.
        let (s, e) = ((timed.start * rate) as usize, (timed.end * rate) as usize);
        assert!(pcm.samples[s].abs() < 0.01 && pcm.samples[e - 1].abs() < 0.01);
        if e < pcm.samples.len() {
            assert_eq!(pcm.samples[e], 0.0);
        }
    }
    assert!((map.duration - t).abs() < 1e-9);
    assert_eq!(pcm.samples.len(), (t * rate).round() as usize);
}

#[test]
fn no_sample_jump_at_joins_even_without_pauses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let max_step_at_joins = |mastering: Mastering| -> f32 {
        let out = dir.path().join("j.wav");
        let mut prod = production(dir.path(), "j.wav", None);
        prod.mastering = mastering;
        let mut o = opts(out.clone(), AudioFormat::Wav, prod);
        o.script.pauses = Pauses {
            sentence_ms: 0,
            paragraph_ms: 0,
            heading_ms: 0,
            quote_ms: 0,
        };
        let (_, map) = render(&voice(), &o);
        let pcm = decoded(&out);
        let rate = f64::from(pcm.sample_rate);
        let mut worst = 0f32;
        for seg in &map.segments[1..] {
            let j = (seg.start * rate).round() as usize;
            for k in j.saturating_sub(3)..(j + 3).min(pcm.samples.len() - 1) {
                worst = worst.max((pcm.samples[k + 1] - pcm.samples[k]).abs());
            }
        }
        worst
    };
    // Raw joins of the tone click (the check can see a click) ...
    let raw = max_step_at_joins(Mastering {
        trim: true,
        ..Mastering::off()
    });
    assert!(raw > 0.1, "raw joins: {raw}");
    // ... mastered joins do not.
    let clean = max_step_at_joins(Mastering::default());
    assert!(clean < 0.05, "mastered joins: {clean}");
}

#[test]
fn chapters_and_transcripts_match_the_timing_map() {
    let Some(tools) = ffmpeg() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for ext in [
        "mp3",
        #[cfg(feature = "opus")]
        "opus",
    ] {
        let name = format!("c.{ext}");
        let out = dir.path().join(&name);
        let mut prod = production(dir.path(), &name, Some(-16.0));
        let vtt = dir.path().join(format!("{name}.vtt"));
        let o = opts(
            out.clone(),
            AudioFormat::from_path(&out).expect("format"),
            prod.clone(),
        );
        let (summary, map) = render(&voice(), &o);
        prod.transcript = Some(vtt.clone());
        let o = opts(out.clone(), o.format, prod);
        let script = pipeline::script_for(&article(), &voice(), &o);
        pipeline::render(&script, &voice(), &o, &NoProgress).expect("render again");

        // Title + two headings → three chapters, at their segments' starts.
        let heads: Vec<_> = map
            .segments
            .iter()
            .filter(|s| {
                matches!(
                    s.kind,
                    narrator::script::SegmentKind::Title | narrator::script::SegmentKind::Heading
                )
            })
            .collect();
        assert_eq!(summary.chapters, 3, "{name}");
        let p = ffprobe(&tools, &out);
        let chapters = p["chapters"].as_array().cloned().unwrap_or_default();
        assert_eq!(chapters.len(), 3, "{name}: {p}");
        for (c, h) in chapters.iter().zip(&heads) {
            let start: f64 = c["start_time"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or(-1.0);
            assert!(
                (start - h.start).abs() < 0.020,
                "{name}: {start} vs {}",
                h.start
            );
            assert_eq!(c["tags"]["title"].as_str(), Some(h.written.as_str()));
        }
        // MP3: ID3 on the format; Opus: Vorbis comments on the stream.
        let tags = if p["format"]["tags"].is_object() {
            &p["format"]["tags"]
        } else {
            &p["streams"][0]["tags"]
        };
        let title = tags["title"].as_str().or(tags["TITLE"].as_str());
        assert_eq!(title, Some("The headline"), "{name}: {tags}");
        let artist = tags["artist"].as_str().or(tags["ARTIST"].as_str());
        assert_eq!(artist, Some("Ann Writer"), "{name}");

        // VTT cues: one per segment, at the map's times (ms precision).
        let text = std::fs::read_to_string(&vtt).expect("vtt");
        assert!(text.starts_with("WEBVTT"));
        let cues: Vec<(f64, f64)> = text
            .lines()
            .filter_map(|l| l.split_once(" --> "))
            .map(|(a, b)| (vtt_secs(a), vtt_secs(b)))
            .collect();
        assert_eq!(cues.len(), map.segments.len());
        for (c, s) in cues.iter().zip(&map.segments) {
            assert!((c.0 - s.start).abs() < 0.020 && (c.1 - s.end).abs() < 0.020);
        }
        // Opus: ffmpeg decodes exactly the programme (pre-skip, end trimming).
        if ext == "opus" {
            let o = Command::new(&tools.ffmpeg)
                .args(["-v", "error", "-i"])
                .arg(&out)
                .args(["-f", "s16le", "-ac", "1", "-ar", "48000", "-"])
                .output()
                .expect("ffmpeg decode");
            assert!(
                o.status.success(),
                "ffmpeg decode failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let dur = (o.stdout.len() / 2) as f64 / 48_000.0;
            assert!(
                (dur - map.duration).abs() < 1e-6,
                "opus {dur} vs {}",
                map.duration
            );
        }
    }
}

fn vtt_secs(s: &str) -> f64 {
    let mut parts = s.trim().split(':');
    let h: f64 = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0.0);
    let m: f64 = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0.0);
    let sec: f64 = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0.0);
    h * 3600.0 + m * 60.0 + sec
}

#[test]
fn intro_and_outro_crossfade_around_the_narration() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Music files: 3 s and 2 s of a 440 Hz tone at 44.1 kHz (another rate).
    let music = |name: &str, secs: f32| -> PathBuf {
        let path = dir.path().join(name);
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).expect("wav");
        for i in 0..(44_100.0 * secs) as usize {
            let s = (i as f32 * 440.0 * std::f32::consts::TAU / 44_100.0).sin() * 0.3;
            w.write_sample((s * 32767.0) as i16).expect("sample");
        }
        w.finalize().expect("finalize");
        path
    };
    let out = dir.path().join("m.wav");
    let mut prod = production(dir.path(), "m.wav", Some(-16.0));
    prod.intro_audio = Some(music("intro.wav", 3.0));
    prod.outro_audio = Some(music("outro.wav", 2.0));
    prod.crossfade = Duration::from_millis(1000);
    let o = opts(out.clone(), AudioFormat::Wav, prod);
    let (_, map) = render(&voice(), &o);
    // The first words start where the intro's fade-out starts.
    assert!(
        (map.segments[0].start - 2.0).abs() < 1e-6,
        "{}",
        map.segments[0].start
    );
    // The outro starts at the end of the last words and ends the programme.
    let last = map.segments.last().expect("segments");
    assert!(
        (map.duration - (last.end + 2.0)).abs() < 1e-3,
        "{} vs {}",
        map.duration,
        last.end
    );
    let pcm = decoded(&out);
    assert_eq!(
        pcm.samples.len(),
        (map.duration * 24_000.0).round() as usize
    );
    // Music is heard before the words and after them.
    let rms = |a: f64, b: f64| {
        let s = &pcm.samples[(a * 24_000.0) as usize..(b * 24_000.0) as usize];
        (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt()
    };
    assert!(rms(0.5, 1.5) > 0.05);
    assert!(rms(last.end + 1.2, last.end + 1.8) > 0.05);
    // A file that is not audio is refused before any synthesis.
    let mut bad = o.clone();
    let junk = dir.path().join("junk.mp3");
    std::fs::write(&junk, b"not audio at all").expect("write");
    bad.production.intro_audio = Some(junk);
    bad.output = dir.path().join("never.wav");
    let script = pipeline::script_for(&article(), &voice(), &bad);
    let err = pipeline::render(&script, &voice(), &bad, &NoProgress).expect_err("bad intro");
    assert!(err.to_string().contains("intro"), "{err}");
    assert!(!bad.output.exists());
}

#[test]
fn cli_writes_opus_mp3_with_cover_and_transcripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("a.md");
    std::fs::write(
        &md,
        "# Title here\n\nFirst paragraph. Two sentences.\n\n## Part two\n\nThe end.\n",
    )
    .expect("write");
    // A 1×1 PNG.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    let cover = dir.path().join("c.png");
    std::fs::write(&cover, png).expect("write");
    for (out, tr) in [
        #[cfg(feature = "opus")]
        ("a.opus", "a.json"),
        // Without Opus, the JSON transcript rides on a second MP3.
        #[cfg(not(feature = "opus"))]
        ("b.mp3", "a.json"),
        ("a.mp3", "a.srt"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_narrator"))
            .current_dir(dir.path())
            .args(["narrate", "a.md", "-o", out, "--quiet", "--no-cache"])
            .args(["--transcript", tr])
            .arg("--cover")
            .arg(&cover)
            .output()
            .expect("run narrator");
        assert!(
            o.status.success(),
            "{out}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(dir.path().join(out).metadata().expect("out").len() > 1000);
        assert!(dir.path().join(tr).metadata().expect("tr").len() > 50);
    }
    let tag = id3::Tag::read_from_path(dir.path().join("a.mp3")).expect("id3");
    use id3::TagLike;
    assert_eq!(tag.title(), Some("Title here"));
    assert_eq!(tag.pictures().count(), 1);
    assert_eq!(tag.chapters().count(), 2);
    // A bad transcript extension is a usage error, and nothing is written.
    let o = Command::new(env!("CARGO_BIN_EXE_narrator"))
        .current_dir(dir.path())
        .args(["narrate", "a.md", "-o", "b.wav", "--transcript", "b.txt"])
        .output()
        .expect("run narrator");
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("b.wav").exists());
}

/// Real speech: espeak, and the same voice 15 dB quieter on every other segment
/// (a second, quieter voice). The programme is on target, every segment is at the
/// same level (no jump between voices), and joins are silent at their edges.
#[cfg(feature = "espeak")]
#[test]
fn espeak_speech_is_level_on_target_with_clean_joins() {
    use narrator::engine::espeak::EspeakConfig;
    struct TwoVoices(Box<dyn Engine>);
    impl Engine for TwoVoices {
        fn info(&self) -> EngineInfo {
            self.0.info()
        }
        fn synthesize(&self, text: &str, s: &SynthesisSettings) -> Result<Pcm, EngineError> {
            let mut pcm = self.0.synthesize(text, s)?;
            if text.len().is_multiple_of(2) {
                pcm.samples.iter_mut().for_each(|x| *x *= 0.178);
            }
            Ok(pcm)
        }
    }
    let Some(tools) = ffmpeg() else { return };
    let engine = TwoVoices(Box::new(EspeakConfig::default().build().expect("espeak")));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("e.wav");
    let o = opts(
        out.clone(),
        AudioFormat::Wav,
        production(dir.path(), "e.wav", Some(-16.0)),
    );
    let (_, map) = render(&engine, &o);
    let (i, tp) = ebur128(&tools, &out);
    assert!((i - -16.0).abs() <= 1.0, "{i} LUFS");
    assert!(tp <= -1.0, "{tp} dBTP");
    let pcm = decoded(&out);
    let rate = f64::from(pcm.sample_rate);
    let mut levels = Vec::new();
    for s in &map.segments {
        let (a, b) = ((s.start * rate) as usize, (s.end * rate) as usize);
        let seg = &pcm.samples[a..b];
        if let Some(l) = narrator::audio::master::integrated_loudness(seg, pcm.sample_rate) {
            levels.push(l);
        }
        // Edges faded to silence: no click where a segment meets a pause.
        assert!(seg[0].abs() < 0.01 && seg[seg.len() - 1].abs() < 0.01);
        if a > 0 {
            assert_eq!(pcm.samples[a - 1], 0.0);
        }
    }
    let (lo, hi) = levels
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &l| (lo.min(l), hi.max(l)));
    assert!(
        levels.len() >= 6 && hi - lo < 3.0,
        "segment levels {levels:?}"
    );
}
