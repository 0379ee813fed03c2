//! The whole run: input → article → script → concurrent synthesis → ordered,
//! streamed join → encoded file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{mpsc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::audio::{
    AudioError, AudioFormat, EncodeOptions, Mastering, Metadata, Muxer, OutputFile,
};
use crate::cancel::CancelToken;
use crate::engine::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};
use crate::extract::Article;
use crate::normalize::lexicon::{ApplyOptions, Lexicon};
use crate::normalize::{self, NormalizeOptions};
use crate::script::ssml::{script_from_ssml, SsmlError, SsmlOptions};

use crate::publish::{self, PublishError, TimedSegment, TimingMap};
use crate::script::{Script, ScriptOptions, SegmentKind};

#[derive(Debug, thiserror::Error)]
pub enum NarrateError {
    #[error("the article has nothing to read (no text after extraction and normalization)")]
    EmptyScript,
    #[error("segment {id} (\"{excerpt}\") failed: {source}")]
    Segment {
        id: usize,
        excerpt: String,
        #[source]
        source: EngineError,
    },
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error("cannot use {path} as {role} audio: {reason}")]
    Music {
        role: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error("canceled")]
    Canceled,
}

/// One segment written to the output, as [`Progress::segment_done`] reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentDone {
    /// Position in the script (0-based) and the segment's id.
    pub index: usize,
    pub id: usize,
    /// Segments in the script.
    pub total: usize,
    /// Seconds of audio the segment gave (before its pause).
    pub audio_s: f64,
    /// Wall seconds the engine took for it.
    pub synth_s: f64,
    /// The engine and voice that read it.
    pub engine: String,
    pub voice: String,
    /// Replayed from the segment cache, not synthesized.
    pub cached: bool,
}

/// Reports progress; the CLI draws a bar, tests and libraries pass [`NoProgress`].
pub trait Progress: Sync {
    fn start(&self, _total_segments: usize) {}
    fn segment_done(&self, _done: &SegmentDone) {}
    fn finish(&self) {}
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// How to synthesize and write one narration.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub output: PathBuf,
    pub format: AudioFormat,
    pub encode: EncodeOptions,
    pub settings: SynthesisSettings,
    /// Segments synthesized concurrently.
    pub jobs: usize,
    pub script: ScriptOptions,
    pub normalize: NormalizeOptions,
    /// Pronunciations applied before the normalizer (empty: none).
    pub lexicon: Lexicon,
    /// Loudness, joins, intro/outro, tags, chapters, transcript.
    pub production: Production,
}

/// How the programme is finished: mastering, music, tags, chapters, transcript.
#[derive(Debug, Clone, Default)]
pub struct Production {
    pub mastering: Mastering,
    /// Played before the narration (any format symphonia decodes).
    pub intro_audio: Option<PathBuf>,
    /// Played after the narration.
    pub outro_audio: Option<PathBuf>,
    /// Overlap of intro/outro with the narration (default 1.5 s when zero).
    pub crossfade: Duration,
    /// Tags (MP3: ID3v2, Opus: Vorbis comments); chapters are added from the script.
    pub metadata: Metadata,
    /// Chapters at each title/heading segment (MP3, Opus).
    pub chapters: bool,
    /// `.vtt`, `.srt` or `.json` (the timing map) written beside the audio.
    pub transcript: Option<PathBuf>,
}

impl Production {
    fn crossfade(&self) -> Duration {
        if self.crossfade.is_zero() {
            Duration::from_millis(1500)
        } else {
            self.crossfade
        }
    }
}

/// Tags from an article: title, byline as artist, publication (the source's
/// host) as album, date, and the URL.
pub fn metadata_for(article: &Article, source_url: Option<&str>) -> Metadata {
    let host = source_url
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        });
    Metadata {
        title: article.title.clone(),
        artist: article.byline.clone(),
        album: host,
        date: article.published.clone(),
        source_url: source_url
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .map(str::to_string),
        cover: None,
        chapters: Vec::new(),
    }
}

/// What a run did (`narrate --json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub output: PathBuf,
    pub duration_s: f64,
    pub segments: usize,
    pub engine: String,
    pub voice: String,
    pub sample_rate: u32,
    /// Wall time from the first synthesis request to the last segment synthesized
    /// (loading, extraction and the encoder's final flush are not in it).
    pub synth_s: f64,
    pub total_s: f64,
    pub chapters: usize,
    /// Segments replayed from the segment cache instead of synthesized.
    pub segments_cached: usize,
}

/// A finished render: the summary and the timing map of every segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub summary: Summary,
    pub timing: TimingMap,
}

/// Build the script of an article with the normalizer, sized for this engine.
pub fn script_for(article: &Article, engine: &dyn Engine, opts: &RenderOptions) -> Script {
    let mut script_opts = opts.script.clone();
    script_opts.max_chars = script_opts.max_chars.min(engine.info().max_chars).max(16);
    let lex = lexicon_options(engine);
    Script::build(article, &script_opts, |s| {
        normalize::normalize(&opts.lexicon.apply(s, lex), &opts.normalize)
    })
}

/// Build the script of an SSML document with the lexicon and normalizer, sized for
/// this engine (`<phoneme>` IPA goes to engines that take raw phonemes).
pub fn script_for_ssml(
    xml: &str,
    engine: &dyn Engine,
    opts: &RenderOptions,
) -> Result<Script, SsmlError> {
    let mut script_opts = opts.script.clone();
    script_opts.max_chars = script_opts.max_chars.min(engine.info().max_chars).max(16);
    let lex = lexicon_options(engine);
    let ssml_opts = SsmlOptions {
        script: script_opts,
        raw_phonemes: lex.ipa,
    };
    script_from_ssml(xml, &ssml_opts, |s| {
        normalize::normalize(&opts.lexicon.apply(s, lex), &opts.normalize)
    })
}

/// How to apply the lexicon for this engine: raw `[[ ipa ]]` phonemes for the Piper
/// engines, whose phonemizers pass them through as IPA (piper1-gpl's server, and the
/// in-process engine in `engine::phonemize`, which does as Piper does). Other
/// engines get the respelling: espeak reads `[[…]]` as its own phoneme mnemonics.
pub fn lexicon_options(engine: &dyn Engine) -> ApplyOptions {
    ApplyOptions {
        ipa: engine.identity().accepts_ipa,
    }
}

/// Engines for the voices segments ask for ([`crate::script::Segment::voice`]: a quote
/// voice, SSML `<voice name>`), by voice name. A segment whose voice is not here is
/// read by the run's engine.
pub type VoiceEngines<'a> = BTreeMap<String, &'a dyn Engine>;

/// Synthesize `script` with `engine` and write it to `opts.output`.
///
/// `opts.jobs` worker threads take segments in order; the calling thread writes
/// each finished segment as soon as all before it are written, so encoding overlaps
/// synthesis and at most a small window of segments is held in memory. On any
/// error the workers stop and the temp output is removed.
pub fn render(
    script: &Script,
    engine: &dyn Engine,
    opts: &RenderOptions,
    progress: &dyn Progress,
) -> Result<Summary, NarrateError> {
    render_voices(script, engine, &VoiceEngines::new(), opts, progress)
}

/// [`render`], reading each segment that asks for a voice in `voices` with that
/// voice's engine. Engines may differ in sample rate; the muxer resamples.
pub fn render_voices(
    script: &Script,
    engine: &dyn Engine,
    voices: &VoiceEngines<'_>,
    opts: &RenderOptions,
    progress: &dyn Progress,
) -> Result<Summary, NarrateError> {
    render_with(script, engine, voices, opts, progress, &CancelToken::new()).map(|r| r.summary)
}

/// Messages from the workers (and the cancel token) to the writer.
enum Msg {
    Segment {
        index: usize,
        pcm: Result<Pcm, EngineError>,
        cached: bool,
        synth: Duration,
        engine: EngineInfo,
    },
    Canceled,
}

/// How far the workers may run ahead of the writer: they wait on `room` (no polling)
/// until the writer has taken the segments before theirs.
struct Window {
    /// (next segment to claim, segments written, stop)
    state: Mutex<(usize, usize, bool)>,
    room: Condvar,
    size: usize,
}

impl Window {
    /// Claim the next segment; `None` when there are none left or the run stopped.
    fn claim(&self, total: usize) -> Option<usize> {
        let mut g = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let (next, written, stop) = *g;
            if stop || next >= total {
                return None;
            }
            if next < written + self.size {
                g.0 += 1;
                return Some(next);
            }
            g = self.room.wait(g).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn written(&self, n: usize) {
        let mut g = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        g.1 = n;
        self.room.notify_all();
    }

    fn stop(&self) {
        let mut g = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        g.2 = true;
        self.room.notify_all();
    }
}

/// The full render: voices per segment, progress per finished segment, and `cancel`,
/// which stops the workers, wakes the writer and any retry wait, and leaves no file
/// ([`NarrateError::Canceled`]).
pub fn render_with(
    script: &Script,
    engine: &dyn Engine,
    voices: &VoiceEngines<'_>,
    opts: &RenderOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<Rendered, NarrateError> {
    let started = Instant::now();
    if script.segments.is_empty() {
        return Err(NarrateError::EmptyScript);
    }
    if cancel.is_canceled() {
        return Err(NarrateError::Canceled);
    }
    // Before any synthesis: a format this build cannot write (Opus without its
    // feature) fails at once.
    opts.format.check_available()?;
    let info = engine.info();
    let music = |role: &'static str, path: &Option<PathBuf>| -> Result<Option<Pcm>, NarrateError> {
        let Some(path) = path else { return Ok(None) };
        let err = |reason: String| NarrateError::Music {
            role,
            path: path.clone(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let ext = path.extension().and_then(|e| e.to_str());
        let pcm = crate::audio::decode(bytes, ext).map_err(err)?;
        if pcm.samples.is_empty() || pcm.sample_rate == 0 {
            return Err(err("no audio in it".into()));
        }
        Ok(Some(pcm))
    };
    // Decoded before any synthesis, so a bad file fails fast.
    let intro = music("intro", &opts.production.intro_audio)?;
    let outro = music("outro", &opts.production.outro_audio)?;
    let jobs = opts.jobs.max(1);
    let total = script.segments.len();
    let window = Window {
        state: Mutex::new((0, 0, false)),
        room: Condvar::new(),
        size: jobs * 4,
    };
    // First synthesis start and last synthesis end, as offsets from `started`.
    let synth_span = Mutex::new((None::<Duration>, Duration::ZERO));
    let (tx, rx) = mpsc::channel::<Msg>();
    let wake = Mutex::new(tx.clone());
    let _guard = cancel.on_cancel(move || {
        let _ = wake
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Msg::Canceled);
    });
    progress.start(total);

    let result = std::thread::scope(|scope| {
        for _ in 0..jobs.min(total) {
            let tx = tx.clone();
            let (window, synth_span) = (&window, &synth_span);
            scope.spawn(move || {
                while let Some(i) = window.claim(total) {
                    if cancel.is_canceled() {
                        return;
                    }
                    let seg = &script.segments[i];
                    let engine = seg
                        .voice
                        .as_ref()
                        .and_then(|v| voices.get(v).copied())
                        .unwrap_or(engine);
                    let t0 = Instant::now();
                    // A panicking engine fails its segment instead of leaving the
                    // writer waiting for it.
                    let synthesized =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            match seg.rate_percent {
                                Some(pct) => engine.synthesize_segment(
                                    &seg.spoken,
                                    &segment_settings(&opts.settings, pct),
                                    cancel,
                                ),
                                None => {
                                    engine.synthesize_segment(&seg.spoken, &opts.settings, cancel)
                                }
                            }
                        }))
                        .unwrap_or_else(|_| {
                            Err(EngineError::Synthesis("the engine panicked".into()))
                        });
                    let (pcm, cached) = match synthesized {
                        Ok(s) => (Ok(s.pcm), s.cached),
                        Err(e) => (Err(e), false),
                    };
                    let t1 = Instant::now();
                    {
                        let mut span = synth_span.lock().unwrap_or_else(PoisonError::into_inner);
                        let from = t0.saturating_duration_since(started);
                        span.0 = Some(span.0.map_or(from, |f: Duration| f.min(from)));
                        span.1 = span.1.max(t1.saturating_duration_since(started));
                    }
                    let failed = pcm.is_err();
                    let msg = Msg::Segment {
                        index: i,
                        pcm,
                        cached,
                        synth: t1 - t0,
                        engine: engine.info(),
                    };
                    if tx.send(msg).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let written = write_in_order(script, &info, opts, (intro, outro), &rx, &window, progress);
        // However the writer ended, no worker starts another segment.
        window.stop();
        written
    });
    progress.finish();
    let (duration, rate, chapters, timing, segments_cached) = result?;
    let span = synth_span
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    Ok(Rendered {
        summary: Summary {
            output: opts.output.clone(),
            duration_s: duration.as_secs_f64(),
            segments: total,
            engine: info.engine,
            voice: info.voice,
            sample_rate: rate,
            synth_s: span
                .1
                .saturating_sub(span.0.unwrap_or_default())
                .as_secs_f64(),
            total_s: started.elapsed().as_secs_f64(),
            chapters,
            segments_cached,
        },
        timing,
    })
}

/// The run's settings with a segment's rate multiplier (percent) applied, kept within
/// the range the CLI accepts.
fn segment_settings(base: &SynthesisSettings, rate_percent: u32) -> SynthesisSettings {
    let mut s = base.clone();
    s.rate = (s.rate * rate_percent as f32 / 100.0).clamp(0.25, 4.0);
    s
}

fn write_in_order(
    script: &Script,
    info: &crate::engine::EngineInfo,
    opts: &RenderOptions,
    (mut intro, mut outro): (Option<Pcm>, Option<Pcm>),
    rx: &mpsc::Receiver<Msg>,
    window: &Window,
    progress: &dyn Progress,
) -> Result<(Duration, u32, usize, TimingMap, usize), NarrateError> {
    let prod = &opts.production;
    let mut pending: BTreeMap<usize, (Pcm, bool, Duration, EngineInfo)> = BTreeMap::new();
    let mut segments_cached = 0;
    let mut muxer: Option<Muxer> = None;
    let mut timing: Vec<TimedSegment> = Vec::with_capacity(script.segments.len());
    // Chapter titles are known now; Ogg Opus reserves room for them.
    let mut meta = prod.metadata.clone();
    if prod.chapters {
        meta.chapters = script
            .segments
            .iter()
            .filter(|s| matches!(s.kind, SegmentKind::Title | SegmentKind::Heading))
            .map(|s| crate::audio::ChapterMark {
                title: s.written.clone(),
                start: Duration::ZERO,
                end: Duration::ZERO,
            })
            .collect();
    }
    let mut want = 0usize;
    while want < script.segments.len() {
        let (i, pcm, cached, synth, engine) = match rx.recv() {
            Ok(Msg::Segment {
                index,
                pcm,
                cached,
                synth,
                engine,
            }) => (index, pcm, cached, synth, engine),
            Ok(Msg::Canceled) => return Err(NarrateError::Canceled),
            // All workers gone without delivering `want`: only after an error or
            // a cancel.
            Err(_) => break,
        };
        let seg = &script.segments[i];
        let pcm = match pcm {
            Ok(p) => p,
            Err(EngineError::Canceled) => return Err(NarrateError::Canceled),
            Err(source) => {
                return Err(NarrateError::Segment {
                    id: seg.id,
                    excerpt: excerpt(&seg.written),
                    source,
                })
            }
        };
        pending.insert(i, (pcm, cached, synth, engine));
        while let Some((pcm, cached, synth, engine)) = pending.remove(&want) {
            let audio_s = pcm.duration().as_secs_f64();
            let m = match muxer.as_mut() {
                Some(m) => m,
                None => {
                    // Programme rate: the codec's, else the one asked for (podcast
                    // episodes: 44.1 kHz), else the engine's, else the first
                    // segment's.
                    let rate = opts
                        .format
                        .required_rate()
                        .or(opts.encode.sample_rate)
                        .unwrap_or(if info.sample_rate > 0 {
                            info.sample_rate
                        } else {
                            pcm.sample_rate
                        });
                    let out = OutputFile::create_tagged(
                        &opts.output,
                        opts.format,
                        rate,
                        &opts.encode,
                        &meta,
                    )?;
                    let m = muxer.insert(Muxer::with_mastering(out, prod.mastering.clone()));
                    if let Some(intro) = intro.take() {
                        m.push_intro(intro, prod.crossfade())?;
                    }
                    m
                }
            };
            let seg = &script.segments[want];
            let mut pause = seg.pause_after;
            if want + 1 == script.segments.len() && outro.is_some() {
                // Room for the outro to fade in after the last words.
                pause = pause.max(prod.crossfade());
            }
            let span = m.push(pcm, pause)?;
            let rate = f64::from(m.sample_rate());
            timing.push(TimedSegment {
                id: seg.id,
                kind: seg.kind,
                written: seg.written.clone(),
                spoken: seg.spoken.clone(),
                start: span.start as f64 / rate,
                end: span.end as f64 / rate,
            });
            want += 1;
            segments_cached += usize::from(cached);
            window.written(want);
            progress.segment_done(&SegmentDone {
                index: want - 1,
                id: seg.id,
                total: script.segments.len(),
                audio_s,
                synth_s: synth.as_secs_f64(),
                engine: engine.engine,
                voice: engine.voice,
                cached,
            });
        }
    }
    match muxer {
        Some(mut m) if want == script.segments.len() => {
            if let Some(outro) = outro.take() {
                m.push_outro(outro, prod.crossfade())?;
            }
            let rate = m.sample_rate();
            let map = TimingMap {
                sample_rate: rate,
                duration: m.samples_written() as f64 / f64::from(rate),
                segments: timing,
            };
            if prod.chapters {
                meta.chapters = map.chapters();
            }
            let chapters = meta.chapters.len();
            // Transcript first to a temp file: if it cannot be written, neither
            // file is put in place.
            let transcript = match &prod.transcript {
                Some(path) => Some(publish::transcript::prepare(path, &map)?),
                None => None,
            };
            let d = m.finish_with(&meta)?;
            if let Some(t) = transcript {
                t.persist()?;
            }
            Ok((d, rate, chapters, map, segments_cached))
        }
        _ if cancel_seen(rx) => Err(NarrateError::Canceled),
        _ => Err(NarrateError::EmptyScript),
    }
}

/// Whether a cancel is waiting in the channel (workers that saw it just stop).
fn cancel_seen(rx: &mpsc::Receiver<Msg>) -> bool {
    rx.try_iter().any(|m| matches!(m, Msg::Canceled))
}

fn excerpt(s: &str) -> String {
    let mut e: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        e.push('…');
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::silence::SilenceEngine;
    use crate::engine::EngineInfo;
    use crate::extract::{Block, BlockKind};
    use crate::script::Pauses;

    fn opts(dir: &std::path::Path, jobs: usize) -> RenderOptions {
        RenderOptions {
            output: dir.join("out.wav"),
            format: AudioFormat::Wav,
            encode: EncodeOptions::default(),
            settings: SynthesisSettings::default(),
            jobs,
            script: ScriptOptions {
                pauses: Pauses {
                    sentence_ms: 100,
                    paragraph_ms: 500,
                    heading_ms: 1000,
                    quote_ms: 0,
                },
                intro: true,
                max_chars: 1000,
                split_quotes: false,
                quote_voice: None,
                disclosure: None,
            },
            normalize: NormalizeOptions::default(),
            lexicon: Lexicon::default(),
            production: Production {
                mastering: Mastering::off(),
                ..Production::default()
            },
        }
    }

    fn article() -> Article {
        Article {
            title: Some("Head".into()),
            blocks: vec![
                Block {
                    kind: BlockKind::Paragraph,
                    text: "Aa. Bb.".into(),
                },
                Block {
                    kind: BlockKind::Paragraph,
                    text: "Cc.".into(),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn exact_duration_with_silence_engine() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = SilenceEngine {
            sample_rate: 1000,
            samples_per_char: 10,
        };
        for jobs in [1, 3] {
            let o = opts(dir.path(), jobs);
            let script = script_for(&article(), &engine, &o);
            let s = render(&script, &engine, &o, &NoProgress).expect("render");
            // "Head."(5)+1000 ms, "Aa."(3)+100, "Bb."(3)+500, "Cc."(3)+0 → 140 + 1600 samples.
            let samples = 10 * (5 + 3 + 3 + 3) + 1000 + 100 + 500;
            assert_eq!(s.duration_s, samples as f64 / 1000.0);
            let r = hound::WavReader::open(&o.output).expect("wav");
            assert_eq!(r.duration() as usize, samples);
        }
    }

    struct FailOn(&'static str);
    impl Engine for FailOn {
        fn info(&self) -> EngineInfo {
            EngineInfo {
                engine: "fail".into(),
                voice: "v".into(),
                sample_rate: 8000,
                max_chars: 100,
            }
        }
        fn synthesize(&self, text: &str, _: &SynthesisSettings) -> Result<Pcm, EngineError> {
            if text.contains(self.0) {
                Err(EngineError::Synthesis("boom".into()))
            } else {
                Ok(Pcm::new(8000, vec![0.0; 80]))
            }
        }
    }

    #[test]
    fn failing_segment_is_named_and_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let o = opts(dir.path(), 2);
        let engine = FailOn("Cc");
        let script = script_for(&article(), &engine, &o);
        let err = render(&script, &engine, &o, &NoProgress).expect_err("must fail");
        let msg = err.to_string();
        assert!(msg.contains("segment 3") && msg.contains("Cc."), "{msg}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert!(left.is_empty(), "files left behind: {left:?}");
    }

    /// A voice that says every segment as `n` samples of one level, at `rate` Hz.
    struct Level {
        rate: u32,
        level: f32,
        n: usize,
    }
    impl Engine for Level {
        fn info(&self) -> EngineInfo {
            EngineInfo {
                engine: "level".into(),
                voice: format!("level:{}", self.level),
                sample_rate: self.rate,
                max_chars: 1000,
            }
        }
        fn synthesize(&self, _: &str, _: &SynthesisSettings) -> Result<Pcm, EngineError> {
            Ok(Pcm::new(self.rate, vec![self.level; self.n]))
        }
    }

    #[test]
    fn segments_asking_for_a_voice_get_its_engine() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut o = opts(dir.path(), 2);
        o.script.intro = false;
        o.script.quote_voice = Some("quoter".into());
        let article = Article {
            blocks: vec![Block {
                kind: BlockKind::Paragraph,
                text: "\"We agreed,\" he said. It ended.".into(),
            }],
            ..Default::default()
        };
        // The run's voice: 0.1 s at 8 kHz; the quote voice: 0.2 s at 16 kHz, resampled.
        let narrator = Level {
            rate: 8000,
            level: 0.25,
            n: 800,
        };
        let quoter = Level {
            rate: 16000,
            level: 0.5,
            n: 3200,
        };
        let script = script_for(&article, &narrator, &o);
        let voices: Vec<Option<&str>> =
            script.segments.iter().map(|s| s.voice.as_deref()).collect();
        assert_eq!(voices, [Some("quoter"), None, None]);
        let mut engines = VoiceEngines::new();
        engines.insert("quoter".into(), &quoter);
        let s = render_voices(&script, &narrator, &engines, &o, &NoProgress).expect("render");
        assert_eq!(s.sample_rate, 8000);
        let samples: Vec<i16> = hound::WavReader::open(&o.output)
            .expect("wav")
            .samples::<i16>()
            .collect::<Result<_, _>>()
            .expect("samples");
        let near = |x: i16, level: f32| (f32::from(x) / 32768.0 - level).abs() < 0.02;
        // The quote's 0.2 s come first in its voice, then two 0.1 s segments in the
        // run's voice (resampling may soften a few samples at the edges).
        let quoted = samples.iter().filter(|&&x| near(x, 0.5)).count();
        let plain = samples.iter().filter(|&&x| near(x, 0.25)).count();
        assert!((1580..=1600).contains(&quoted), "{quoted} quote samples");
        assert!((1580..=1600).contains(&plain), "{plain} plain samples");
        assert!(samples[..1500].iter().all(|&x| !near(x, 0.25)));

        // Without an engine for the voice, the run's voice reads everything.
        render_voices(&script, &narrator, &VoiceEngines::new(), &o, &NoProgress).expect("render");
        let samples: Vec<i16> = hound::WavReader::open(&o.output)
            .expect("wav")
            .samples::<i16>()
            .collect::<Result<_, _>>()
            .expect("samples");
        assert_eq!(samples.iter().filter(|&&x| near(x, 0.5)).count(), 0);
    }

    /// An engine known only by its id, for what the pipeline decides from it: the
    /// Piper engines say they take IPA.
    struct Named(&'static str);
    impl Engine for Named {
        fn identity(&self) -> crate::engine::EngineIdentity {
            crate::engine::EngineIdentity {
                kind: crate::engine::EngineKind::parse(self.0),
                accepts_ipa: matches!(self.0, "piper" | "piper-http"),
                fingerprint: self.0.into(),
            }
        }
        fn info(&self) -> EngineInfo {
            EngineInfo {
                engine: self.0.into(),
                voice: "v".into(),
                sample_rate: 8000,
                max_chars: 1000,
            }
        }
        fn synthesize(&self, _: &str, _: &SynthesisSettings) -> Result<Pcm, EngineError> {
            Ok(Pcm::new(8000, vec![0.0; 80]))
        }
    }

    #[test]
    fn piper_engines_get_lexicon_ipa_through_the_normalizer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut o = opts(dir.path(), 1);
        o.lexicon
            .add_toml(
                "[[entry]]\nword = \"Kyiv\"\nspoken = \"keev\"\nipa = \"kɪjiw\"\n",
                std::path::Path::new("test.toml"),
            )
            .expect("lexicon");
        let article = Article {
            blocks: vec![Block {
                kind: BlockKind::Paragraph,
                text: "Kyiv is calm.".into(),
            }],
            ..Default::default()
        };
        for (engine, spoken) in [
            ("piper", "[[ kɪjiw ]] is calm."),
            ("piper-http", "[[ kɪjiw ]] is calm."),
            ("espeak", "keev is calm."),
            ("openai", "keev is calm."),
        ] {
            let script = script_for(&article, &Named(engine), &o);
            let got: Vec<&str> = script.segments.iter().map(|s| s.spoken.as_str()).collect();
            assert_eq!(got, [spoken], "{engine}");
            let ssml =
                r#"<speak><phoneme alphabet="ipa" ph="kɪjiw">Kiev</phoneme> is calm.</speak>"#;
            let script = script_for_ssml(ssml, &Named(engine), &o).expect("valid SSML");
            let got: Vec<&str> = script.segments.iter().map(|s| s.spoken.as_str()).collect();
            let spoken = spoken.replace("keev", "Kiev");
            assert_eq!(got, [spoken.as_str()], "{engine} SSML");
        }
        // At a sentence end the period goes inside the block and survives the
        // normalizer (Piper drops punctuation after a block).
        let article = Article {
            blocks: vec![Block {
                kind: BlockKind::Paragraph,
                text: "They met in Kyiv. It was 5 p.m.".into(),
            }],
            ..Default::default()
        };
        let script = script_for(&article, &Named("piper"), &o);
        let got: Vec<&str> = script.segments.iter().map(|s| s.spoken.as_str()).collect();
        assert_eq!(got, ["They met in [[ kɪjiw. ]]", "It was five P M."]);
    }
}
