//! The HTTP engines against real servers.
//!
//! - Piper's `python -m piper.http_server` and local-tts-studio's OpenAI-compatible
//!   API run from a Python venv: `$NARRATOR_VENV`, else `<crate>/.venv`. Without it
//!   those tests print a skip note (`support::tools::unavailable`), or fail when
//!   `NARRATOR_REQUIRE_REAL_ENGINES` is set.
//! - Retry and error behaviour is checked against a scripted HTTP server on
//!   127.0.0.1 (a std `TcpListener` thread), which answers what each test says.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use narrator::engine::openai::{OpenAiConfig, ResponseFormat};
use narrator::engine::piper_http::PiperHttpConfig;
use narrator::engine::{Engine, EngineError, Pcm, SynthesisSettings};

mod support;

// ---------------------------------------------------------------- real servers

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port()
}

/// A server process, killed when the test ends (also when it fails).
struct ServerGuard {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl ServerGuard {
    fn start(mut command: Command, dir: tempfile::TempDir) -> Self {
        let log = dir.path().join("server.log");
        let file = std::fs::File::create(&log).expect("log file");
        command
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file);
        let child = command.spawn().expect("spawn server");
        Self {
            child,
            log,
            _dir: dir,
        }
    }

    /// Poll `url` until it answers 2xx (up to 60 s); fail with the server's log if
    /// it exits or never answers.
    fn wait_for(&mut self, url: &str) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let start = Instant::now();
        loop {
            if let Ok(r) = client.get(url).send() {
                if r.status().is_success() {
                    eprintln!("server at {url} answered after {:.1?}", start.elapsed());
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "server exited with {status} before answering:\n{}",
                    self.log_text()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "server at {url} did not answer within 60 s:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_piper(venv: &Path, model: &Path) -> (ServerGuard, String) {
    let port = free_port();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(venv.join("bin").join("python"));
    command
        .args([
            "-m",
            "piper.http_server",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "-m",
        ])
        .arg(model)
        // The server lists every voice in its data dir (the cwd by default).
        .current_dir(dir.path());
    let mut server = ServerGuard::start(command, dir);
    let url = format!("http://127.0.0.1:{port}");
    server.wait_for(&format!("{url}/voices"));
    (server, url)
}

fn start_local_tts(venv: &Path, model: &Path) -> (ServerGuard, String) {
    let port = free_port();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let voices = data.join("voices");
    std::fs::create_dir_all(&voices).expect("voices dir");
    std::fs::copy(model, voices.join("en_US-joe-medium.onnx")).expect("copy model");
    std::fs::copy(
        model.with_extension("onnx.json"),
        voices.join("en_US-joe-medium.onnx.json"),
    )
    .expect("copy model config");
    std::fs::write(
        data.join("settings.json"),
        r#"{"api_default_voice": "en_US-joe-medium"}"#,
    )
    .expect("settings.json");
    let mut command = Command::new(venv.join("bin").join("local-tts"));
    command
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .env("LOCAL_TTS_DATA_DIR", &data)
        .current_dir(dir.path());
    let mut server = ServerGuard::start(command, dir);
    let url = format!("http://127.0.0.1:{port}/v1");
    server.wait_for(&format!("{url}/models"));
    (server, url)
}

fn peak(pcm: &Pcm) -> f32 {
    pcm.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()))
}

fn assert_speech(pcm: &Pcm, rate: u32, seconds: std::ops::RangeInclusive<f64>) {
    assert_eq!(pcm.sample_rate, rate);
    let d = pcm.duration().as_secs_f64();
    assert!(
        seconds.contains(&d),
        "duration {d:.2} s outside {seconds:?}"
    );
    assert!(
        peak(pcm) > 0.05,
        "audio is (near) silent: peak {}",
        peak(pcm)
    );
}

#[test]
fn piper_http_real_server_synthesizes_speech() {
    let Some(venv) = support::tools::venv_with_modules(&["piper.http_server"]) else {
        return;
    };
    let Some(model) = support::tools::piper_voice_model() else {
        return;
    };
    let (_server, url) = start_piper(&venv, &model);
    let engine_url = url.clone();
    let engine = PiperHttpConfig {
        url,
        ..Default::default()
    }
    .build()
    .expect("build");
    let info = engine.info();
    assert_eq!(info.engine, "piper-http");
    assert_eq!(info.voice, "en_US-joe-medium");
    assert_eq!(info.sample_rate, 22_050);

    let text = "The meeting starts at noon.";
    let normal = engine
        .synthesize(text, &SynthesisSettings::default())
        .expect("synthesize");
    assert_speech(&normal, 22_050, 0.5..=6.0);

    // rate 2.0 → length_scale halved → clearly shorter audio.
    let fast = engine
        .synthesize(
            text,
            &SynthesisSettings {
                rate: 2.0,
                ..Default::default()
            },
        )
        .expect("synthesize fast");
    assert_speech(&fast, 22_050, 0.2..=6.0);
    assert!(
        fast.duration().as_secs_f64() < 0.8 * normal.duration().as_secs_f64(),
        "rate 2.0 gave {:?}, rate 1.0 gave {:?}",
        fast.duration(),
        normal.duration()
    );

    // Worker threads share one engine.
    std::thread::scope(|scope| {
        let workers: Vec<_> = ["One.", "Two."]
            .into_iter()
            .map(|t| scope.spawn(|| engine.synthesize(t, &SynthesisSettings::default())))
            .collect();
        for worker in workers {
            let pcm = worker.join().expect("worker").expect("synthesize");
            assert_speech(&pcm, 22_050, 0.2..=3.0);
        }
    });

    // The server answers these with a 500; the engine must not send them.
    for quiet in ["", "   ", "…", " — ?! "] {
        let pcm = engine
            .synthesize(quiet, &SynthesisSettings::default())
            .expect("quiet text");
        assert!(pcm.samples.is_empty(), "{quiet:?}");
        assert_eq!(pcm.sample_rate, 22_050);
    }

    let err = engine
        .synthesize(
            "Hi.",
            &SynthesisSettings {
                speaker: Some(3),
                ..Default::default()
            },
        )
        .expect_err("single-speaker voice");
    assert!(matches!(err, EngineError::InvalidVoice(_)), "{err}");

    let summary = narrate_cli(&["--engine", "piper-http", "--engine-url", &engine_url]);
    assert_eq!(summary["engine"], "piper-http");
}

/// `narrator narrate examples/short.txt` through the real binary with `args`;
/// returns its JSON summary after checking the file decodes to that duration.
fn narrate_cli(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.wav");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_narrator"))
        .current_dir(dir.path())
        .env("NARRATOR_CONFIG", dir.path().join("none.toml"))
        .arg("narrate")
        .arg(root.join("examples/short.txt"))
        .arg("-o")
        .arg(&out)
        // The engine is under test: no segment cache in between.
        .args(["--json", "--quiet", "--no-cache"])
        .args(args)
        .output()
        .expect("run narrator");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json summary");
    let wav = hound::WavReader::open(&out).expect("wav");
    let secs = f64::from(wav.duration()) / f64::from(wav.spec().sample_rate);
    assert!(secs > 5.0, "{secs}");
    assert!((secs - v["duration_s"].as_f64().expect("duration_s")).abs() < 0.01);
    v
}

#[test]
fn openai_engine_against_real_local_tts_server() {
    let Some(venv) = support::tools::venv_with_modules(&["local_tts", "fastapi", "uvicorn"]) else {
        return;
    };
    let Some(model) = support::tools::piper_voice_model() else {
        return;
    };
    let (_server, url) = start_local_tts(&venv, &model);
    let config = OpenAiConfig {
        base_url: url.clone(),
        ..Default::default()
    };
    let engine = config.build().expect("build");
    assert_eq!(
        engine.info().sample_rate,
        22_050,
        "learned from the probe at build"
    );
    let pcm = engine
        .synthesize("Good morning, and welcome.", &SynthesisSettings::default())
        .expect("synthesize");
    assert_speech(&pcm, 22_050, 0.5..=6.0);

    // Raw PCM: the rate comes from the X-Sample-Rate header.
    let raw = OpenAiConfig {
        response_format: ResponseFormat::Pcm,
        ..config.clone()
    }
    .build()
    .expect("build pcm");
    assert_speech(
        &raw.synthesize("Hello there.", &SynthesisSettings::default())
            .expect("pcm"),
        22_050,
        0.3..=4.0,
    );

    // Compressed formats need ffmpeg on the server host (this one: the server runs
    // with our PATH). With it MP3 must work; without it the server says so with a
    // 400 at build (no retries), which must reach the user.
    let mp3 = OpenAiConfig {
        response_format: ResponseFormat::Mp3,
        ..config.clone()
    }
    .build();
    let part = format!("the MP3 reply of {}", support::tools::test_name());
    match (support::tools::require_tool_for(&part, "ffmpeg"), mp3) {
        (Some(_), Ok(mp3)) => assert_speech(
            &mp3.synthesize("Hello there.", &SynthesisSettings::default())
                .expect("mp3"),
            22_050,
            0.3..=4.0,
        ),
        (None, Err(EngineError::Http { status: 400, body })) => {
            assert!(body.contains("ffmpeg"), "{body}")
        }
        (ffmpeg, reply) => panic!(
            "mp3 build with ffmpeg {}: {:?}",
            if ffmpeg.is_some() {
                "on PATH"
            } else {
                "absent"
            },
            reply.map(|e| e.info())
        ),
    }

    for quiet in ["", "  \n ", "..."] {
        assert!(engine
            .synthesize(quiet, &SynthesisSettings::default())
            .expect("quiet")
            .samples
            .is_empty());
    }
    let long = "word ".repeat(1000);
    assert!(matches!(
        engine.synthesize(&long, &SynthesisSettings::default()),
        Err(EngineError::TooLong { limit: 4096, .. })
    ));

    let summary = narrate_cli(&[
        "--engine",
        "openai",
        "--engine-url",
        &url,
        "--voice",
        "en_US-joe-medium",
    ]);
    assert_eq!(summary["engine"], "openai");
}

// ------------------------------------------------------------ scripted server

/// One request as the scripted server saw it.
#[derive(Debug, Clone)]
struct Hit {
    method: String,
    path: String,
    head: String,
    body: String,
}

type Script = dyn Fn(&Hit, usize) -> Vec<u8> + Send + Sync;

/// A real HTTP/1.1 server on 127.0.0.1 that answers each request with what the
/// test's script returns for (request, index of this request among the POSTs).
struct Scripted {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Scripted {
    fn start(script: impl Fn(&Hit, usize) -> Vec<u8> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&hits);
        let script: Arc<Script> = Arc::new(script);
        // The thread ends with the test process.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Some(hit) = read_request(&stream) {
                    let posts = {
                        let mut hits = seen.lock().expect("lock");
                        hits.push(hit.clone());
                        hits.iter().filter(|h| h.method == "POST").count()
                    };
                    let reply = script(&hit, posts.saturating_sub(1));
                    let mut stream = stream;
                    let _ = stream.write_all(&reply);
                    let _ = stream.flush();
                }
            }
        });
        Self { url, hits }
    }

    fn posts(&self) -> usize {
        self.hits
            .lock()
            .expect("lock")
            .iter()
            .filter(|h| h.method == "POST")
            .count()
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("lock").clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Hit> {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut parts = head.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Hit {
        method,
        path,
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// 0.5 s of a 440 Hz tone as 16-bit mono WAV.
fn tone_wav(rate: u32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut cursor, spec).expect("wav");
    for i in 0..rate / 2 {
        let t = f64::from(i) / f64::from(rate);
        writer
            .write_sample((f64::sin(t * 440.0 * std::f64::consts::TAU) * 16_000.0) as i16)
            .expect("sample");
    }
    writer.finalize().expect("finalize");
    cursor.into_inner()
}

/// Answers like piper's server: `GET /voices` with a voice config, `GET /info`
/// with 404 (older servers), and `POST /synthesize` with `synth(index)`.
fn fake_piper(synth: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static) -> Scripted {
    Scripted::start(move |hit, post| {
        match (hit.method.as_str(), hit.path.as_str()) {
        ("GET", "/voices") => response(
            200,
            &[("Content-Type", "application/json")],
            br#"{"fake-voice":{"audio":{"sample_rate":22050},"inference":{"length_scale":1.0},"num_speakers":1}}"#,
        ),
        ("POST", "/synthesize") => synth(post),
        _ => response(404, &[], b"<h1>Not Found</h1>"),
    }
    })
}

/// Answers `POST /v1/audio/speech` with `speech(index)`.
fn fake_openai(speech: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static) -> Scripted {
    Scripted::start(
        move |hit, post| match (hit.method.as_str(), hit.path.as_str()) {
            ("POST", "/v1/audio/speech") => speech(post),
            _ => response(404, &[], b"{}"),
        },
    )
}

fn piper_at(url: &str, retries: u32) -> PiperHttpConfig {
    PiperHttpConfig {
        url: url.into(),
        timeout: Duration::from_secs(10),
        retries,
    }
}

fn openai_at(url: &str, retries: u32) -> OpenAiConfig {
    OpenAiConfig {
        base_url: format!("{url}/v1"),
        api_key_env: "NARRATOR_TEST_UNSET_KEY".into(),
        timeout: Duration::from_secs(10),
        retries,
        ..Default::default()
    }
}

#[test]
fn a_down_server_fails_at_build_naming_the_url() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let start = Instant::now();
    let err = piper_at(&url, 3)
        .build()
        .expect_err("nothing listens there");
    let message = err.to_string();
    eprintln!("{message}");
    assert!(
        start.elapsed() < Duration::from_secs(3), // 3 retries would back off 3.5 s
        "a server that is down is not retried at build: {:?}",
        start.elapsed()
    );
    assert!(matches!(err, EngineError::Unreachable { .. }), "{message}");
    assert!(message.contains(&url), "{message}");
    assert!(message.contains("python -m piper.http_server"), "{message}");

    let err = openai_at(&url, 3)
        .build()
        .expect_err("nothing listens there");
    let message = err.to_string();
    assert!(
        message.contains(&format!("{url}/v1/audio/speech")),
        "{message}"
    );
    assert!(message.contains("local-tts"), "{message}");

    let err = piper_at("127.0.0.1:5000", 0)
        .build()
        .expect_err("no scheme");
    assert!(matches!(err, EngineError::InvalidVoice(_)), "{err}");
}

#[test]
fn a_busy_server_is_waited_for_at_build() {
    let voices = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&voices);
    let server = Scripted::start(move |hit, _| {
        let mut n = seen.lock().expect("lock");
        *n += 1;
        match (hit.path.as_str(), *n) {
            ("/voices", 1) => response(503, &[("Retry-After", "0")], b"warming up"),
            ("/voices", _) => response(200, &[], br#"{"v":{"audio":{"sample_rate":16000}}}"#),
            _ => response(404, &[], b""),
        }
    });
    let engine = piper_at(&server.url, 2)
        .build()
        .expect("build after one 503");
    assert_eq!(engine.info().sample_rate, 16_000);
    let paths: Vec<String> = server.hits().into_iter().map(|h| h.path).collect();
    assert_eq!(paths, ["/voices", "/voices", "/info"]);
}

#[test]
fn quiet_text_is_empty_audio_without_a_request() {
    let server = fake_piper(|_| response(200, &[], &tone_wav(22_050)));
    let engine = piper_at(&server.url, 0).build().expect("build");
    assert_eq!(engine.info().sample_rate, 22_050);
    assert_eq!(
        engine.info().voice,
        "fake-voice",
        "the only voice /voices lists"
    );
    for quiet in ["", " \n\t", "…", "—"] {
        let pcm = engine
            .synthesize(quiet, &SynthesisSettings::default())
            .expect("quiet");
        assert_eq!(pcm, Pcm::new(22_050, Vec::new()));
    }
    assert_eq!(server.posts(), 0);

    let server = fake_openai(|_| response(200, &[], &tone_wav(24_000)));
    let engine = openai_at(&server.url, 0).build().expect("build");
    assert_eq!(server.posts(), 1, "the build probe");
    assert_eq!(engine.info().sample_rate, 24_000);
    assert!(engine
        .synthesize("  ", &SynthesisSettings::default())
        .expect("quiet")
        .samples
        .is_empty());
    assert_eq!(server.posts(), 1);
}

#[test]
fn server_errors_are_retried_until_a_valid_reply() {
    // 503 (Retry-After: 0), 503 (backoff), then the WAV — labelled text/html as
    // piper's server does.
    let server = fake_piper(|post| match post {
        0 => response(503, &[("Retry-After", "0")], b"<h1>busy</h1>"),
        1 => response(503, &[], b"<h1>busy</h1>"),
        _ => response(
            200,
            &[("Content-Type", "text/html; charset=utf-8")],
            &tone_wav(22_050),
        ),
    });
    let engine = piper_at(&server.url, 3).build().expect("build");
    let start = Instant::now();
    let pcm = engine
        .synthesize("Hello.", &SynthesisSettings::default())
        .expect("third time lucky");
    assert_eq!(server.posts(), 3);
    assert_eq!(pcm.samples.len(), 11_025);
    // Retry-After: 0 was honoured (no wait), the second retry backed off 1 s.
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "{:?}",
        start.elapsed()
    );
    let body: serde_json::Value =
        serde_json::from_str(&server.hits().last().expect("hit").body).expect("json");
    assert_eq!(body, serde_json::json!({ "text": "Hello." }));

    // The same for the OpenAI engine (its first POST is the build probe).
    let server = fake_openai(|post| match post {
        1 | 2 => response(502, &[("Retry-After", "0")], b"bad gateway"),
        _ => response(200, &[("Content-Type", "audio/wav")], &tone_wav(24_000)),
    });
    let engine = openai_at(&server.url, 2).build().expect("build");
    engine
        .synthesize(
            "Hello.",
            &SynthesisSettings {
                rate: 1.5,
                ..Default::default()
            },
        )
        .expect("retried");
    assert_eq!(server.posts(), 4);
    let hit = server.hits().last().cloned().expect("hit");
    let body: serde_json::Value = serde_json::from_str(&hit.body).expect("json");
    assert_eq!(body["input"], "Hello.");
    assert_eq!(body["speed"], 1.5);
    assert_eq!(body["model"], "tts-1");
    assert_eq!(body["voice"], "alloy");
    assert_eq!(body["response_format"], "wav");
    assert!(
        !hit.head.to_ascii_lowercase().contains("authorization"),
        "no key set, none sent"
    );
}

#[test]
fn retries_give_up_with_the_last_status() {
    let server = fake_piper(|_| {
        response(
            500,
            &[("Retry-After", "0")],
            b"<title>500 Internal Server Error</title>",
        )
    });
    let engine = piper_at(&server.url, 2).build().expect("build");
    let err = engine
        .synthesize("Hello.", &SynthesisSettings::default())
        .expect_err("always 500");
    assert_eq!(server.posts(), 3);
    let message = err.to_string();
    assert!(
        matches!(err, EngineError::Http { status: 500, .. }),
        "{message}"
    );
    assert!(
        message.contains("500 Internal Server Error") && message.contains("3 attempts"),
        "{message}"
    );
    assert!(err.is_retryable(), "a caller may still try again later");
}

#[test]
fn client_errors_are_not_retried() {
    let server = fake_piper(|_| response(400, &[], b"text is required"));
    let engine = piper_at(&server.url, 3).build().expect("build");
    let err = engine
        .synthesize("Hello.", &SynthesisSettings::default())
        .expect_err("400");
    assert_eq!(server.posts(), 1);
    assert!(
        matches!(err, EngineError::Http { status: 400, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("HTTP 400: text is required"),
        "{err}"
    );

    // OpenAI: a 400 at the build probe fails the build, once, with the message.
    let server = fake_openai(|_| {
        response(400, &[], br#"{"error":{"message":"Invalid voice 'x'","type":"invalid_request_error","code":null}}"#)
    });
    let err = openai_at(&server.url, 3).build().expect_err("400");
    assert_eq!(server.posts(), 1);
    assert!(
        err.to_string().contains("HTTP 400: Invalid voice 'x'"),
        "{err}"
    );

    // Out of credit is a 429 at OpenAI, but permanent.
    let server = fake_openai(|_| {
        response(429, &[], br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#)
    });
    let err = openai_at(&server.url, 3).build().expect_err("429 quota");
    assert_eq!(server.posts(), 1);
    assert!(
        matches!(err, EngineError::Http { status: 429, .. }),
        "{err}"
    );
}

#[test]
fn a_server_that_hangs_times_out_as_unreachable() {
    let server = fake_piper(|_| {
        std::thread::sleep(Duration::from_secs(3));
        response(200, &[], &tone_wav(22_050))
    });
    let engine = PiperHttpConfig {
        timeout: Duration::from_secs(1),
        ..piper_at(&server.url, 0)
    }
    .build()
    .expect("build");
    let err = engine
        .synthesize("Hello.", &SynthesisSettings::default())
        .expect_err("timeout");
    assert!(matches!(err, EngineError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(err.is_retryable());
}

#[test]
fn a_non_wav_success_reply_is_bad_audio() {
    let server =
        fake_piper(|_| response(200, &[("Content-Type", "text/html")], b"<html>Oops</html>"));
    let engine = piper_at(&server.url, 3).build().expect("build");
    let err = engine
        .synthesize("Hello.", &SynthesisSettings::default())
        .expect_err("html");
    assert!(matches!(err, EngineError::BadAudio(_)), "{err}");
    assert!(err.to_string().contains("Oops"), "{err}");
    assert_eq!(server.posts(), 1, "bad audio is not retried");
}

#[test]
fn the_api_key_is_sent_as_bearer_when_its_env_var_is_set() {
    const VAR: &str = "NARRATOR_TEST_HTTP_ENGINES_KEY";
    std::env::set_var(VAR, "sk-test-123");
    let server = fake_openai(|_| response(200, &[], &tone_wav(24_000)));
    let engine = OpenAiConfig {
        api_key_env: VAR.into(),
        ..openai_at(&server.url, 0)
    }
    .build()
    .expect("build");
    let head = server.hits()[0].head.to_ascii_lowercase();
    assert!(head.contains("authorization: bearer sk-test-123"), "{head}");
    assert!(
        !format!("{engine:?}").contains("sk-test"),
        "Debug must not print the key"
    );
}
