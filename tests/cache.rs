//! The segment cache: the real binary in temp dirs (espeak, and Piper when the venv
//! has it) and the library plan with counting engines. A warm run must equal the
//! cold one; only segments whose engine input changed are synthesized again; a
//! damaged entry is never played.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use narrator::cache::SegmentCache;
use narrator::cancel::CancelToken;
use narrator::config::Config;
use narrator::engine::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};
use narrator::pipeline::{Progress, SegmentDone, Summary};
use narrator::plan::{NarrationRequest, Plan, Target};
use narrator::voices::Catalog;
use support::*;

/// Paragraphs of two sentences each: every sentence is a segment of its own.
const PARAGRAPHS: [&str; 5] = [
    "The council met on Tuesday. It approved the budget.",
    "Schools get four percent more. Offices get less.",
    "Zorblat the mayor spoke first. Residents listened.",
    "The vote was close. Zorblat thanked everyone.",
    "The next meeting is in May. It is open to all.",
];

fn write_article(dir: &Path, name: &str, paragraphs: &[&str]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, paragraphs.join("\n\n") + "\n").expect("write article");
    path
}

/// `narrator narrate INPUT -o OUT --json --no-intro` with `args`; the JSON summary.
fn narrate(dir: &Path, input: &Path, out: &str, args: &[&str]) -> serde_json::Value {
    let o = run(narrator(dir)
        .arg("narrate")
        .arg(input)
        .args(["-o", out, "--json", "--no-intro"])
        .args(args));
    summary(&o)
}

fn summary(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "narrate failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("JSON summary")
}

fn count(v: &serde_json::Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
}

fn wav_samples(path: &Path) -> Vec<i16> {
    hound::WavReader::open(path)
        .expect("open WAV")
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .expect("WAV samples")
}

fn decoded_len(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read output");
    let ext = path.extension().and_then(|e| e.to_str());
    narrator::audio::decode(bytes, ext)
        .expect("decode")
        .samples
        .len()
}

/// Files in the fan-out directories of `cache` (entries, and any temp file left),
/// sorted.
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(subs) = std::fs::read_dir(cache) else {
        return out;
    };
    for sub in subs.filter_map(Result::ok) {
        if let Ok(files) = std::fs::read_dir(sub.path()) {
            out.extend(files.filter_map(Result::ok).map(|f| f.path()));
        }
    }
    out.sort();
    out
}

fn cache_cmd(dir: &Path, cache: &Path, args: &[&str]) -> serde_json::Value {
    let o = run(narrator(dir)
        .arg("cache")
        .args(args)
        .arg("--json")
        .arg("--cache-dir")
        .arg(cache));
    assert!(o.status.success(), "cache {args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn a_warm_run_replays_every_segment_and_equals_the_cold_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_article(dir.path(), "a.txt", &PARAGRAPHS);
    let cache = dir.path().join("cache");
    let c = cache.to_str().expect("utf-8 path");
    for ext in ["wav", "mp3"] {
        let cold_out = format!("cold.{ext}");
        let warm_out = format!("warm.{ext}");
        let cold = narrate(dir.path(), &input, &cold_out, &["--cache-dir", c]);
        let warm = narrate(dir.path(), &input, &warm_out, &["--cache-dir", c]);
        assert_eq!(count(&cold, "segments"), 10, "{ext}");
        // Both formats read the same engine input: the MP3 run replays the WAV
        // run's segments.
        let cold_cached = if ext == "wav" { 0 } else { 10 };
        assert_eq!(count(&cold, "segments_cached"), cold_cached, "{ext}");
        assert_eq!(count(&warm, "segments_cached"), 10, "{ext}");
        assert_eq!(cold["duration_s"], warm["duration_s"], "{ext}");
        let (cold_out, warm_out) = (dir.path().join(cold_out), dir.path().join(warm_out));
        if ext == "wav" {
            let (a, b) = (wav_samples(&cold_out), wav_samples(&warm_out));
            assert!(a.len() > 22_050, "only {} samples", a.len());
            assert!(a == b, "warm WAV samples differ from the cold run's");
        } else {
            assert_eq!(decoded_len(&cold_out), decoded_len(&warm_out));
        }
    }
    assert_eq!(entries(&cache).len(), 10);
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_article(dir.path(), "a.txt", &PARAGRAPHS[..2]);
    let root = dir.path().join("env-cache");
    let cache = root.join("segments");
    // The default cache (here from the environment) is neither written...
    let o = run(narrator(dir.path())
        .env("NARRATOR_CACHE_DIR", &root)
        .arg("narrate")
        .arg(&input)
        .args(["-o", "a.wav", "--json", "--no-intro", "--no-cache"]));
    assert_eq!(count(&summary(&o), "segments_cached"), 0);
    assert!(!cache.exists(), "--no-cache created {}", cache.display());
    // ...nor read.
    let o = run(narrator(dir.path())
        .env("NARRATOR_CACHE_DIR", &root)
        .arg("narrate")
        .arg(&input)
        .args(["-o", "b.wav", "--json", "--no-intro"]));
    assert_eq!(count(&summary(&o), "segments_cached"), 0);
    let before = entries(&cache);
    assert_eq!(before.len(), 4);
    let o = run(narrator(dir.path())
        .env("NARRATOR_CACHE_DIR", &root)
        .arg("narrate")
        .arg(&input)
        .args(["-o", "c.wav", "--json", "--no-intro", "--no-cache"]));
    assert_eq!(count(&summary(&o), "segments_cached"), 0);
    assert_eq!(entries(&cache), before);
    // With a directory too, it is a usage error.
    let o = run(narrator(dir.path()).arg("narrate").arg(&input).args([
        "-o",
        "d.wav",
        "--no-cache",
        "--cache-dir",
        "x",
    ]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn the_cache_directory_comes_from_flag_then_env_then_config_then_xdg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let input = write_article(d, "a.txt", &PARAGRAPHS[..1]);
    std::fs::write(d.join("config.toml"), "cache_dir = \"from-config\"\n").expect("config");
    let narrate_with = |config: bool, env: bool, flag: bool, out: &str| {
        let mut cmd = narrator(d);
        cmd.env_remove("NARRATOR_CACHE_DIR")
            .env("XDG_CACHE_HOME", d.join("xdg"));
        if config {
            cmd.env("NARRATOR_CONFIG", d.join("config.toml"));
        }
        if env {
            cmd.env("NARRATOR_CACHE_DIR", d.join("from-env"));
        }
        cmd.arg("narrate")
            .arg(&input)
            .args(["-o", out, "--json", "--no-intro"]);
        if flag {
            cmd.args(["--cache-dir", "from-flag"]);
        }
        summary(&run(&mut cmd));
    };
    narrate_with(false, false, false, "1.wav");
    assert_eq!(entries(&d.join("xdg/narrator/segments")).len(), 2);
    narrate_with(true, false, false, "2.wav");
    assert_eq!(entries(&d.join("from-config")).len(), 2);
    narrate_with(true, true, false, "3.wav");
    assert_eq!(entries(&d.join("from-env/segments")).len(), 2);
    narrate_with(true, true, true, "4.wav");
    assert_eq!(entries(&d.join("from-flag")).len(), 2);
}

/// A way to damage an entry's bytes.
type Damage = fn(&mut Vec<u8>);

#[test]
fn a_damaged_entry_is_removed_synthesized_again_and_never_played() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_article(dir.path(), "a.txt", &PARAGRAPHS);
    let cache = dir.path().join("cache");
    let c = cache.to_str().expect("utf-8 path");
    narrate(dir.path(), &input, "cold.wav", &["--cache-dir", c]);
    let files = entries(&cache);
    assert_eq!(files.len(), 10);
    // Cut short (as after a crash), one sample changed, a wrong header, emptied.
    let damage: [(&str, Damage); 4] = [
        ("truncated", |b| b.truncate(b.len() / 2)),
        ("flipped sample byte", |b| {
            let at = b.len() - 101;
            b[at] ^= 0x01;
        }),
        ("flipped header byte", |b| b[0] ^= 0x20),
        ("empty", |b| b.clear()),
    ];
    let mut damaged = Vec::new();
    for ((what, f), path) in damage.iter().zip(files.iter().step_by(2)) {
        let mut bytes = std::fs::read(path).expect("read entry");
        f(&mut bytes);
        std::fs::write(path, &bytes).expect("damage entry");
        damaged.push((*what, path.clone(), bytes));
    }
    // Not --json/--quiet: the warnings are on stderr.
    let o = run(narrator(dir.path()).arg("narrate").arg(&input).args([
        "-o",
        "warm.wav",
        "--no-intro",
        "--cache-dir",
        c,
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("is corrupt").count(), 4, "{err}");
    assert!(err.contains("(6 from the cache)"), "{err}");
    assert!(
        wav_samples(&dir.path().join("cold.wav")) == wav_samples(&dir.path().join("warm.wav")),
        "output with damaged entries differs from the cold run"
    );
    // Each damaged entry was replaced by a whole one.
    for (what, path, bad) in &damaged {
        let now = std::fs::read(path).expect("entry written again");
        assert_ne!(&now, bad, "{what}");
    }
    let again = narrate(dir.path(), &input, "again.wav", &["--cache-dir", c]);
    assert_eq!(count(&again, "segments_cached"), 10);
}

#[test]
fn editing_one_paragraph_synthesizes_one_segment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let c = cache.to_str().expect("utf-8 path");
    let input = write_article(dir.path(), "a.txt", &PARAGRAPHS);
    narrate(dir.path(), &input, "before.wav", &["--cache-dir", c]);
    let mut edited = PARAGRAPHS;
    edited[1] = "Schools get five percent more. Offices get less.";
    let input = write_article(dir.path(), "a.txt", &edited);
    let warm = narrate(dir.path(), &input, "warm.wav", &["--cache-dir", c]);
    assert_eq!(count(&warm, "segments"), 10);
    assert_eq!(count(&warm, "segments_cached"), 9);
    // The same as a cold render of the edited text.
    let cold = narrate(dir.path(), &input, "cold.wav", &["--no-cache"]);
    assert_eq!(cold["duration_s"], warm["duration_s"]);
    assert!(
        wav_samples(&dir.path().join("cold.wav")) == wav_samples(&dir.path().join("warm.wav")),
        "warm render of the edit differs from a cold one"
    );
    assert_eq!(entries(&cache).len(), 11);
}

#[test]
fn a_lexicon_change_synthesizes_only_segments_with_the_word() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let c = cache.to_str().expect("utf-8 path");
    let input = write_article(dir.path(), "a.txt", &PARAGRAPHS);
    let lexicon = dir.path().join("lex.toml");
    let lex = |spoken: &str| {
        std::fs::write(
            &lexicon,
            format!("[[entry]]\nword = \"Zorblat\"\nspoken = \"{spoken}\"\n"),
        )
        .expect("write lexicon");
    };
    let l = lexicon.to_str().expect("utf-8 path");
    lex("zor blat");
    let first = narrate(
        dir.path(),
        &input,
        "a.wav",
        &["--cache-dir", c, "--lexicon", l],
    );
    assert_eq!(count(&first, "segments_cached"), 0);
    lex("zoor blah");
    let second = narrate(
        dir.path(),
        &input,
        "b.wav",
        &["--cache-dir", c, "--lexicon", l],
    );
    // Two sentences say Zorblat; the other eight are replayed.
    assert_eq!(count(&second, "segments_cached"), 8);
    let third = narrate(
        dir.path(),
        &input,
        "c.wav",
        &["--cache-dir", c, "--lexicon", l],
    );
    assert_eq!(count(&third, "segments_cached"), 10);
}

#[test]
fn prune_removes_least_recently_used_segments_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cache = d.join("cache");
    let c = cache.to_str().expect("utf-8 path");
    let a = write_article(d, "a.txt", &PARAGRAPHS[..2]);
    let b = write_article(d, "b.txt", &PARAGRAPHS[3..]);
    narrate(d, &a, "a.wav", &["--cache-dir", c]);
    let a_only = cache_cmd(d, &cache, &["stats"]);
    assert_eq!(count(&a_only, "entries"), 4);
    narrate(d, &b, "b.wav", &["--cache-dir", c]);
    assert_eq!(count(&cache_cmd(d, &cache, &["stats"]), "entries"), 8);
    // Reading `a` again makes its segments the most recently used.
    let warm = narrate(d, &a, "a2.wav", &["--cache-dir", c]);
    assert_eq!(count(&warm, "segments_cached"), 4);
    let cap = count(&a_only, "bytes").to_string();
    let pruned = cache_cmd(d, &cache, &["prune", "--max-size", &cap]);
    assert_eq!(count(&pruned, "removed"), 4);
    assert_eq!(count(&pruned, "entries"), 4);
    assert_eq!(pruned["bytes"], a_only["bytes"]);
    let a_again = narrate(d, &a, "a3.wav", &["--cache-dir", c]);
    assert_eq!(count(&a_again, "segments_cached"), 4);
    let b_again = narrate(d, &b, "b2.wav", &["--cache-dir", c]);
    assert_eq!(count(&b_again, "segments_cached"), 0);

    // Sizes as people type them; a bad one is a usage error.
    let pruned = cache_cmd(d, &cache, &["prune", "--max-size", "1K"]);
    assert_eq!(count(&pruned, "entries"), 0);
    let o = run(narrator(d).args(["cache", "prune", "--max-size", "2X", "--cache-dir", c]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    narrate(d, &a, "a4.wav", &["--cache-dir", c]);
    let cleared = cache_cmd(d, &cache, &["clear"]);
    assert_eq!(count(&cleared, "removed"), 4);
    assert_eq!(count(&cache_cmd(d, &cache, &["stats"]), "entries"), 0);
    assert!(entries(&cache).is_empty());
    // Stats of a cache never written: empty, not an error, nothing created.
    let fresh = d.join("never");
    let stats = cache_cmd(d, &fresh, &["stats"]);
    assert_eq!(count(&stats, "entries"), 0);
    assert!(!fresh.exists());
}

#[test]
fn a_configured_cap_is_kept_by_narrate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cache = d.join("cache");
    let input = write_article(d, "a.txt", &PARAGRAPHS);
    // Room for about half the article's segments.
    std::fs::write(d.join("c.toml"), "cache_max_bytes = 1000000\n").expect("config");
    let o = run(narrator(d)
        .env("NARRATOR_CONFIG", d.join("c.toml"))
        .arg("narrate")
        .arg(&input)
        .args(["-o", "a.wav", "--json", "--no-intro", "--cache-dir"])
        .arg(&cache));
    summary(&o);
    let stats = cache_cmd(d, &cache, &["stats"]);
    let n = count(&stats, "entries");
    assert!(count(&stats, "bytes") <= 1_000_000, "{stats}");
    assert!((1..10).contains(&n), "{n} entries");
}

#[test]
fn two_processes_narrating_at_once_share_one_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cache = d.join("cache");
    let input = write_article(d, "a.txt", &PARAGRAPHS);
    let spawn = |out: &str| {
        narrator(d)
            .arg("narrate")
            .arg(&input)
            .args([
                "-o",
                out,
                "--json",
                "--no-intro",
                "--jobs",
                "2",
                "--cache-dir",
            ])
            .arg(&cache)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn narrator")
    };
    let (one, two) = (spawn("1.wav"), spawn("2.wav"));
    let one = one.wait_with_output().expect("wait");
    let two = two.wait_with_output().expect("wait");
    summary(&one);
    summary(&two);
    assert!(wav_samples(&d.join("1.wav")) == wav_samples(&d.join("2.wav")));
    // One entry per segment, no temp file left behind, all of them whole.
    let files = entries(&cache);
    assert_eq!(files.len(), 10, "{files:?}");
    let third = narrate(
        d,
        &input,
        "3.wav",
        &["--cache-dir", cache.to_str().expect("utf-8")],
    );
    assert_eq!(count(&third, "segments_cached"), 10);
    assert!(wav_samples(&d.join("1.wav")) == wav_samples(&d.join("3.wav")));
}

#[test]
fn batch_replays_the_unchanged_segments_of_an_edited_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let articles = d.join("articles");
    std::fs::create_dir(&articles).expect("mkdir");
    write_article(&articles, "a.txt", &PARAGRAPHS[..3]);
    write_article(&articles, "b.txt", &PARAGRAPHS[3..]);
    let batch = || {
        let o = run(narrator(d).arg("batch").arg(&articles).args([
            "--out-dir",
            "out",
            "--json",
            "--no-intro",
            "--cache-dir",
            "cache",
        ]));
        assert!(o.status.success(), "batch failed: {}", stderr(&o));
        let mut lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        lines.sort_by_key(|l| l["source"].as_str().map(str::to_string));
        lines
    };
    let first = batch();
    assert_eq!(first.len(), 2, "{first:?}");
    for l in &first {
        assert_eq!(l["status"], "written", "{l}");
    }
    // Only the spoken disclosure is in both: the second article replays it.
    let cached: u64 = first.iter().map(|l| count(l, "segments_cached")).sum();
    assert_eq!(cached, 1, "{first:?}");
    // The spoken disclosure and five of the six sentences of `a` are as before.
    let mut edited = PARAGRAPHS;
    edited[1] = "Schools get five percent more. Offices get less.";
    write_article(&articles, "a.txt", &edited[..3]);
    let second = batch();
    assert_eq!(second[0]["status"], "written", "{:?}", second[0]);
    assert_eq!(count(&second[0], "segments_cached"), 6, "{:?}", second[0]);
    assert_eq!(second[1]["status"], "up_to_date", "{:?}", second[1]);
}

#[test]
fn piper_warm_run_equals_cold_run() {
    let Some(model) = support::tools::piper_voice_model() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cache = d.join("cache");
    let input = write_article(d, "a.txt", &PARAGRAPHS[..2]);
    // The voice's default noise: two cold runs differ, a warm run replays the cold
    // run's audio exactly.
    let run_piper = |out: &str| {
        let o = run(narrator(d)
            .env("NARRATOR_VENV", support::tools::venv_dir())
            .arg("narrate")
            .arg(&input)
            .args(["-o", out, "--json", "--engine", "piper", "--voice"])
            .arg(&model)
            .arg("--cache-dir")
            .arg(&cache));
        summary(&o)
    };
    let cold = run_piper("cold.wav");
    let warm = run_piper("warm.wav");
    assert_eq!(count(&cold, "segments_cached"), 0);
    assert_eq!(count(&warm, "segments_cached"), count(&warm, "segments"));
    assert_eq!(warm["engine"], "piper");
    assert!(wav_samples(&d.join("cold.wav")) == wav_samples(&d.join("warm.wav")));
}

/// Counts its calls; says each text as `level` for one sample per character.
struct Counting {
    voice: &'static str,
    level: f32,
    calls: Arc<AtomicUsize>,
}

impl Engine for Counting {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: "counting".into(),
            voice: self.voice.into(),
            sample_rate: 8_000,
            max_chars: 1_000,
        }
    }
    fn synthesize(&self, text: &str, _: &SynthesisSettings) -> Result<Pcm, EngineError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Pcm::new(8_000, vec![self.level; 40 * text.chars().count()]))
    }
}

#[derive(Default)]
struct Record(Mutex<Vec<SegmentDone>>);
impl Progress for Record {
    fn segment_done(&self, done: &SegmentDone) {
        self.0.lock().expect("lock").push(done.clone());
    }
}

/// Synthesis calls of the run's voice and of the quote voice.
#[derive(Default)]
struct Calls {
    run: Arc<AtomicUsize>,
    quote: Arc<AtomicUsize>,
}

impl Calls {
    fn get(&self) -> (usize, usize) {
        (
            self.run.load(Ordering::SeqCst),
            self.quote.load(Ordering::SeqCst),
        )
    }
}

/// Prepare `plan`, swap in counting engines for the run's voice and the quote voice,
/// render to `path`: the summary, each segment's `cached` and the samples.
fn render_counting(plan: &Plan, path: &Path, calls: &Calls) -> (Summary, Vec<bool>, Vec<i16>) {
    let mut prepared = plan.prepare().expect("prepare");
    assert_eq!(prepared.cache.is_some(), plan.cache.is_some());
    prepared.engine = Arc::new(Counting {
        voice: "narrator",
        level: 0.25,
        calls: Arc::clone(&calls.run),
    });
    assert_eq!(prepared.voices.len(), 1, "the quote voice has its engine");
    prepared.voices[0].1 = Arc::new(Counting {
        voice: "quoter",
        level: 0.5,
        calls: Arc::clone(&calls.quote),
    });
    let record = Record::default();
    let rendered = prepared
        .render(
            Target::Path(path.to_path_buf()),
            &record,
            &CancelToken::new(),
        )
        .expect("render");
    let cached = record
        .0
        .into_inner()
        .expect("lock")
        .iter()
        .map(|s| s.cached)
        .collect();
    (rendered.summary, cached, wav_samples(path))
}

#[test]
fn a_plan_with_a_cache_replays_the_run_voice_and_the_quote_voice() {
    let req: NarrationRequest = serde_json::from_str(
        r#"{
            "source": {"text": "\"We agreed,\" she said. The talks resume today."},
            "engine": "silence",
            "format": "wav",
            "intro": false,
            "quote_voice": "quoter",
            "split_quotes": true,
            "lexicon": {"builtin": false},
            "production": {"keep_level": true, "keep_silence": true}
        }"#,
    )
    .expect("request");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plan = Plan::resolve(&req, &Config::default(), &Catalog::default()).expect("plan");
    plan.cache = Some(SegmentCache::open(dir.path().join("cache"), 1 << 30));
    let calls = Calls::default();
    let render = |plan: &Plan, out: &str| render_counting(plan, &dir.path().join(out), &calls);
    let (cold, cold_flags, cold_samples) = render(&plan, "cold.wav");
    assert_eq!(cold.segments, 3);
    assert_eq!(cold.segments_cached, 0);
    assert_eq!(cold_flags, [false; 3]);
    assert_eq!(calls.get(), (2, 1));
    let (warm, warm_flags, warm_samples) = render(&plan, "warm.wav");
    assert_eq!(warm.segments_cached, 3);
    assert_eq!(warm_flags, [true; 3]);
    assert_eq!(calls.get(), (2, 1), "the warm render called an engine");
    assert_eq!(cold_samples, warm_samples);
    // The quote was replayed in the quote voice, not the run's.
    let near_half = |s: &i16| (f32::from(*s) / 32768.0 - 0.5).abs() < 0.01;
    assert!(warm_samples.iter().any(near_half));

    // Without a cache the plan synthesizes everything.
    plan.cache = None;
    let (uncached, _, _) = render(&plan, "plain.wav");
    assert_eq!(uncached.segments_cached, 0);
    assert_eq!(calls.get(), (4, 2));
}
