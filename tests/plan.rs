//! The library plan: a JSON narration request → resolved plan → render to a path or
//! an in-memory writer; cancel stops a render (and an engine's retry wait) promptly
//! and leaves nothing behind.

mod support;

use std::io::{Cursor, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use narrator::cancel::CancelToken;
use narrator::config::Config;
use narrator::engine::openai::OpenAiConfig;
use narrator::engine::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};
use narrator::extract::{Article, Block, BlockKind};
use narrator::pipeline::{self, NarrateError, NoProgress, Progress, SegmentDone};
use narrator::plan::{NarrationRequest, Plan, PlanError, Source, Target};
use narrator::voices::Catalog;

/// A request as a job queue would store it: silence engine (16 kHz, 160 samples per
/// character), no mastering, so durations are exact.
const REQUEST: &str = r#"{
    "source": {"text": "Kyiv is calm. The talks resume on March 13."},
    "engine": "silence",
    "format": "wav",
    "intro": false,
    "lexicon": {"builtin": false},
    "production": {"keep_level": true, "keep_silence": true}
}"#;

fn plan_of(json: &str) -> Plan {
    let req: NarrationRequest = serde_json::from_str(json).expect("valid request");
    Plan::resolve(&req, &Config::default(), &Catalog::default()).expect("plan")
}

#[test]
fn a_json_request_renders_to_an_in_memory_writer() {
    let plan = plan_of(REQUEST);
    let mut out = Cursor::new(Vec::new());
    let rendered = plan
        .narrate(Target::Writer(&mut out), &NoProgress, &CancelToken::new())
        .expect("render");
    let bytes = out.into_inner();
    let wav = hound::WavReader::new(Cursor::new(&bytes)).expect("a WAV in the writer");
    assert_eq!(wav.spec().sample_rate, 16_000);
    // "Kyiv is calm." (13) + 250 ms, "The talks resume on March thirteenth." (37).
    let spoken: Vec<&str> = rendered
        .timing
        .segments
        .iter()
        .map(|s| s.spoken.as_str())
        .collect();
    assert_eq!(
        spoken,
        ["Kyiv is calm.", "The talks resume on March thirteenth."]
    );
    let samples = 160 * (13 + 37) + 16_000 / 4;
    assert_eq!(wav.duration() as usize, samples);
    assert_eq!(rendered.summary.segments, 2);
    assert_eq!(rendered.summary.engine, "silence");
    assert!(rendered.summary.synth_s <= rendered.summary.total_s);

    // The same plan to a file gives the same bytes.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.wav");
    plan.narrate(Target::Path(path.clone()), &NoProgress, &CancelToken::new())
        .expect("render to file");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn requests_round_trip_and_bad_ones_name_the_field() {
    let req: NarrationRequest = serde_json::from_str(REQUEST).expect("valid");
    let again: NarrationRequest =
        serde_json::from_str(&serde_json::to_string(&req).expect("serialize")).expect("parse");
    assert_eq!(req, again);

    let typo = REQUEST.replace("\"intro\"", "\"intor\"");
    let err = serde_json::from_str::<NarrationRequest>(&typo)
        .expect_err("unknown field")
        .to_string();
    assert!(err.contains("intor"), "{err}");
    let err = serde_json::from_str::<NarrationRequest>(r#"{"engine": "espeak"}"#)
        .expect_err("no source")
        .to_string();
    assert!(err.contains("source"), "{err}");
    let err = serde_json::from_str::<NarrationRequest>(
        r#"{"source": {"text": "a"}, "engine": "festival"}"#,
    )
    .expect_err("unknown engine")
    .to_string();
    assert!(err.contains("festival"), "{err}");
}

#[test]
fn resolving_checks_the_request_before_any_work() {
    let cases = [
        ("/rate", serde_json::json!(9), "rate 9"),
        (
            "/production/loudness_lufs",
            serde_json::json!(3),
            "loudness",
        ),
        (
            "/production/cover",
            serde_json::json!("/nonexistent/cover.jpg"),
            "cover.jpg",
        ),
        (
            "/production/transcript",
            serde_json::json!("t.docx"),
            "docx",
        ),
        (
            "/encode",
            serde_json::json!({"mp3_vbr_quality": 12}),
            "VBR quality 12",
        ),
    ];
    for (pointer, value, needle) in cases {
        let mut json: serde_json::Value = serde_json::from_str(REQUEST).expect("json");
        let (parent, key) = pointer.rsplit_once('/').expect("pointer");
        json.pointer_mut(if parent.is_empty() { "" } else { parent })
            .and_then(|v| v.as_object_mut())
            .expect("object")
            .insert(key.to_string(), value);
        let req: NarrationRequest = serde_json::from_value(json).expect("valid request");
        let err = Plan::resolve(&req, &Config::default(), &Catalog::default())
            .expect_err("must be refused");
        assert!(err.is_usage(), "{pointer}: {err}");
        assert!(err.to_string().contains(needle), "{pointer}: {err}");
    }
    let mut req = NarrationRequest::new(Source::File("/nonexistent/story.html".into()));
    req.engine = Some(narrator::engine::EngineKind::Silence);
    let err = Plan::resolve(&req, &Config::default(), &Catalog::default()).expect_err("missing");
    assert!(
        err.is_usage() && err.to_string().contains("story.html"),
        "{err}"
    );
    let req = NarrationRequest::new(Source::Url("ftp://example.com/a".into()));
    let err = Plan::resolve(&req, &Config::default(), &Catalog::default()).expect_err("ftp");
    assert!(err.is_usage(), "{err}");
}

#[test]
fn request_metadata_beats_the_page() {
    let json = REQUEST.replacen(
        "\"intro\": false",
        r#""metadata": {"title": "Talks resume", "author": "Jane Roe"}"#,
        1,
    );
    let plan = plan_of(&json);
    let prepared = plan.prepare().expect("prepare");
    let written: Vec<&str> = prepared
        .script
        .segments
        .iter()
        .map(|s| s.written.as_str())
        .collect();
    assert_eq!(
        written,
        [
            "Talks resume.",
            "By Jane Roe.",
            "Kyiv is calm.",
            "The talks resume on March 13."
        ]
    );
}

/// Takes `delay` per segment, waiting on the cancel token like a real engine's
/// retry wait, and counts the segments it started.
struct Slow {
    delay: Duration,
    started: Arc<AtomicUsize>,
}

impl Engine for Slow {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: "slow".into(),
            voice: "slow".into(),
            sample_rate: 8000,
            max_chars: 1000,
        }
    }
    fn synthesize(&self, text: &str, s: &SynthesisSettings) -> Result<Pcm, EngineError> {
        self.synthesize_with(text, s, &CancelToken::new())
    }
    fn synthesize_with(
        &self,
        _: &str,
        _: &SynthesisSettings,
        cancel: &CancelToken,
    ) -> Result<Pcm, EngineError> {
        self.started.fetch_add(1, Ordering::SeqCst);
        if cancel.sleep(self.delay) {
            return Err(EngineError::Canceled);
        }
        Ok(Pcm::new(8000, vec![0.1; 800]))
    }
}

/// Cancels the token when the first segment has been written.
struct CancelAfterFirst(CancelToken);
impl Progress for CancelAfterFirst {
    fn segment_done(&self, done: &SegmentDone) {
        assert_eq!(done.engine, "slow");
        assert!((done.audio_s - 0.1).abs() < 1e-9);
        self.0.cancel();
    }
}

#[test]
fn cancel_stops_workers_and_writer_promptly_and_leaves_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = Article {
        blocks: (0..40)
            .map(|i| Block {
                kind: BlockKind::Paragraph,
                text: format!("Sentence number {i}."),
            })
            .collect(),
        ..Default::default()
    };
    let started = Arc::new(AtomicUsize::new(0));
    let engine = Slow {
        delay: Duration::from_millis(200),
        started: started.clone(),
    };
    let mut opts = pipeline::RenderOptions {
        output: dir.path().join("out.mp3"),
        format: narrator::audio::AudioFormat::Mp3,
        encode: Default::default(),
        settings: SynthesisSettings::default(),
        jobs: 2,
        script: Default::default(),
        normalize: Default::default(),
        lexicon: Default::default(),
        production: Default::default(),
    };
    opts.production.transcript = Some(dir.path().join("out.vtt"));
    let script = pipeline::script_for(&article, &engine, &opts);
    assert_eq!(script.segments.len(), 40);
    let cancel = CancelToken::new();
    let t0 = Instant::now();
    let err = pipeline::render_with(
        &script,
        &engine,
        &pipeline::VoiceEngines::new(),
        &opts,
        &CancelAfterFirst(cancel.clone()),
        &cancel,
    )
    .expect_err("canceled");
    let took = t0.elapsed();
    assert!(matches!(err, NarrateError::Canceled), "{err}");
    // 40 segments at 200 ms on 2 workers would take 4 s; canceled after the first
    // ones, the workers stop within one wait.
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        started.load(Ordering::SeqCst) <= 4,
        "{} segments started",
        started.load(Ordering::SeqCst)
    );
    assert_eq!(support::files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn a_canceled_plan_writes_nothing_to_its_writer() {
    let plan = plan_of(REQUEST);
    let cancel = CancelToken::new();
    cancel.cancel();
    let mut out = Vec::new();
    let err = plan
        .narrate(Target::Writer(&mut out), &NoProgress, &cancel)
        .expect_err("canceled");
    assert!(matches!(err, PlanError::Canceled), "{err}");
    assert!(out.is_empty());
}

fn wav_bytes(rate: u32, n: usize) -> Vec<u8> {
    let mut c = Cursor::new(Vec::new());
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(&mut c, spec).expect("wav");
    for i in 0..n {
        w.write_sample(((i % 50) as i16 - 25) * 400)
            .expect("sample");
    }
    w.finalize().expect("finalize");
    c.into_inner()
}

/// An OpenAI-compatible server on 127.0.0.1: the first POST (the engine's probe)
/// gets a WAV, every later one a 503 asking to retry in 30 s.
fn busy_after_probe() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let posts = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let posts = posts.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Head, then the body by Content-Length.
                let head_end = loop {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let reply = if posts.fetch_add(1, Ordering::SeqCst) == 0 {
                    let body = wav_bytes(24_000, 2400);
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                } else {
                    b"HTTP/1.1 503 Busy\r\nRetry-After: 30\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
                        .to_vec()
                };
                let _ = s.write_all(&reply);
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn cancel_ends_an_http_engine_retry_wait() {
    let url = busy_after_probe();
    let engine = OpenAiConfig {
        base_url: format!("{url}/v1"),
        api_key_env: "NARRATOR_TEST_UNSET_KEY".into(),
        timeout: Duration::from_secs(10),
        retries: 3,
        ..Default::default()
    }
    .build()
    .expect("the probe is answered");
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let t0 = Instant::now();
    let h = std::thread::spawn(move || {
        engine.synthesize_with("Hello there.", &SynthesisSettings::default(), &c2)
    });
    std::thread::sleep(Duration::from_millis(300));
    cancel.cancel();
    let got = h.join().expect("join");
    assert!(matches!(got, Err(EngineError::Canceled)), "{got:?}");
    // Without the cancel the engine would wait 30 s before its first retry.
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
}
