//! `narrator batch`: the real binary on temp dirs — inputs of every kind, the
//! manifest, re-runs that skip unchanged articles, edits that re-render with a new
//! enclosure name and the same guid, and failures that never stop the batch.

mod support;

use std::path::Path;

use support::{files_in, narrator, run, serve, stderr, Reply};

const STORY_A: &str = "# Council approves bridge plan\n\nThe city council voted on Tuesday to rebuild the bridge.\n\nWork starts in May.\n";
const STORY_B: &str =
    "Airport traffic sets a record\n\nThe airport handled 4.2 million passengers in 2024.\n";

fn manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("narrator-batch.json")).expect("manifest");
    serde_json::from_str(&text).expect("manifest JSON")
}

fn episodes(dir: &Path) -> Vec<serde_json::Value> {
    manifest(dir)["episodes"]
        .as_array()
        .expect("episodes")
        .clone()
}

/// `batch` with the silence engine (exact, fast) and JSON lines.
fn batch(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = narrator(dir);
    c.arg("batch")
        .args(args)
        .args(["--engine", "silence", "--json"]);
    run(&mut c)
}

fn json_lines(o: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn a_directory_becomes_episodes_and_a_rerun_skips_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(input.join("a.md"), STORY_A).expect("write");
    std::fs::write(input.join("b.txt"), STORY_B).expect("write");
    std::fs::write(input.join("notes.pdf.bak"), "ignored").expect("write");
    let o = batch(dir.path(), &["in", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["status"] == "written"), "{lines:?}");
    let out = dir.path().join("out");
    let eps = episodes(&out);
    assert_eq!(eps.len(), 2);
    for e in &eps {
        let audio = out.join(e["audio_file"].as_str().expect("audio_file"));
        let bytes = std::fs::metadata(&audio).expect("audio exists").len();
        assert_eq!(e["bytes"].as_u64(), Some(bytes));
        for f in ["transcript_vtt", "transcript_json", "chapters_json"] {
            assert!(out.join(e[f].as_str().expect(f)).is_file(), "{f}");
        }
        let slug = e["slug"].as_str().expect("slug");
        assert!(
            slug.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{slug}"
        );
        assert!(e["guid"].as_str().expect("guid").starts_with("narrator:"));
        let chapters: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(e["chapters_json"].as_str().expect("c")))
                .expect("chapters"),
        )
        .expect("chapters JSON");
        assert_eq!(chapters["version"], "1.2.0");
        assert_eq!(chapters["chapters"][0]["startTime"], 0.0);
        let vtt = std::fs::read_to_string(out.join(e["transcript_vtt"].as_str().expect("v")))
            .expect("vtt");
        assert!(vtt.starts_with("WEBVTT"));
        // The spoken disclosure opens every episode.
        assert!(
            vtt.contains("This audio was created with AI assistance."),
            "{vtt}"
        );
    }
    assert_eq!(eps[0]["title"], "Council approves bridge plan");
    let before = files_in(&out);
    let mtimes: Vec<_> = before
        .iter()
        .map(|f| {
            std::fs::metadata(out.join(f))
                .and_then(|m| m.modified())
                .ok()
        })
        .collect();

    // Unchanged: nothing rendered, no file touched.
    let o = batch(dir.path(), &["in", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(json_lines(&o).iter().all(|l| l["status"] == "up_to_date"));
    assert_eq!(files_in(&out), before);
    let after: Vec<_> = before
        .iter()
        .map(|f| {
            std::fs::metadata(out.join(f))
                .and_then(|m| m.modified())
                .ok()
        })
        .collect();
    assert_eq!(after, mtimes);

    // One article edited: re-rendered under a new enclosure name, same guid and slug,
    // the old file gone; the other is up to date.
    std::fs::write(input.join("a.md"), STORY_A.replace("May", "June")).expect("edit");
    let o = batch(dir.path(), &["in", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let statuses: Vec<String> = json_lines(&o)
        .iter()
        .map(|l| l["status"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(statuses, ["written", "up_to_date"]);
    let eps2 = episodes(&out);
    assert_eq!(eps2[0]["guid"], eps[0]["guid"]);
    assert_eq!(eps2[0]["slug"], eps[0]["slug"]);
    assert_ne!(eps2[0]["audio_file"], eps[0]["audio_file"]);
    assert!(!out
        .join(eps[0]["audio_file"].as_str().expect("old"))
        .exists());
    assert_eq!(eps2[1], eps[1]);
}

#[test]
fn feeds_lists_and_urls_are_inputs() {
    let page = "<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1>\
        <p>The port reopened on Monday after a week of storms, officials said.</p>\
        <p>Shipping resumed at dawn.</p></article></body></html>";
    let long: String = (0..40)
        .map(|i| format!("<p>Paragraph {i} of the full story carries enough words to narrate.</p>"))
        .collect();
    let base = serve(vec![(
        "/news/port",
        Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: page.as_bytes().to_vec(),
        },
    )]);
    let rss = format!(
        r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Test news</title><link>{base}/</link><description>d</description>
<item><title>Port reopens</title><link>{base}/news/port</link><guid>port-1</guid>
<pubDate>Mon, 10 Mar 2025 08:00:00 GMT</pubDate></item>
<item><title>Full story</title><link>{base}/news/full</link><guid>full-1</guid>
<content:encoded><![CDATA[{long}]]></content:encoded></item>
</channel></rss>"#
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("feed.xml"), rss).expect("write");
    std::fs::write(dir.path().join("b.txt"), STORY_B).expect("write");
    std::fs::write(
        dir.path().join("list.txt"),
        "# my inputs\n\nb.txt\n   \n# done\n",
    )
    .expect("write");
    let o = batch(dir.path(), &["feed.xml", "@list.txt", "--out-dir", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let eps = episodes(&dir.path().join("out"));
    let ids: Vec<&str> = eps
        .iter()
        .map(|e| e["identity"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(&ids[..2], ["port-1", "full-1"]);
    assert_eq!(eps[0]["published"], "2025-03-10T08:00:00+00:00");
    assert_eq!(eps[0]["link"], format!("{base}/news/port"));
    // The item without content was fetched; the one with content was not (no route).
    assert!(eps[1]["duration_s"].as_f64().unwrap_or(0.0) > 10.0);
}

#[test]
fn one_failed_article_never_stops_the_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.txt"), STORY_B).expect("write");
    std::fs::write(dir.path().join("empty.html"), "<html><body></body></html>").expect("write");
    std::fs::create_dir(dir.path().join("nothing")).expect("mkdir");
    let o = batch(
        dir.path(),
        &[
            "missing.txt",
            "empty.html",
            "nothing",
            "good.txt",
            "--out-dir",
            "out",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("missing.txt does not exist"), "{err}");
    assert!(err.contains("nothing has no articles"), "{err}");
    assert!(err.contains("no readable article text"), "{err}");
    let lines = json_lines(&o);
    let failed = lines.iter().filter(|l| l["status"] == "failed").count();
    assert_eq!(failed, 3, "{lines:?}");
    let eps = episodes(&dir.path().join("out"));
    assert_eq!(eps.len(), 1);
    assert_eq!(eps[0]["source"], "good.txt");
}

#[test]
fn bad_flags_and_outputs_are_refused_with_a_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), STORY_B).expect("write");
    let o = batch(dir.path(), &["a.txt", "--out-dir", "out", "--feed"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--base-url"), "{}", stderr(&o));
    let o = batch(
        dir.path(),
        &[
            "a.txt",
            "--out-dir",
            "out",
            "--feed",
            "--base-url",
            "ftp://x/",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("http(s)"), "{}", stderr(&o));
    // An output "directory" that is a file.
    std::fs::write(dir.path().join("taken"), "x").expect("write");
    let o = batch(dir.path(), &["a.txt", "--out-dir", "taken"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("taken"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn batch_with_feed_alone_writes_a_feed_the_checkers_accept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(input.join("a.md"), STORY_A).expect("write");
    std::fs::write(input.join("b.txt"), STORY_B).expect("write");
    let o = batch(
        dir.path(),
        &[
            "in",
            "--out-dir",
            "out",
            "--feed",
            "--base-url",
            "https://example.com/pod/",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    let xml = std::fs::read(out.join("feed.xml")).expect("feed.xml");
    // The Rust reader: every enclosure's length is its file's size.
    let channel = rss::Channel::read_from(&xml[..]).expect("RSS");
    assert_eq!(channel.items().len(), 2);
    for item in channel.items() {
        let enc = item.enclosure().expect("enclosure");
        let name = enc.url().rsplit('/').next().expect("file name");
        let size = std::fs::metadata(out.join(name))
            .expect("enclosure file")
            .len();
        assert_eq!(enc.length(), size.to_string());
        assert_eq!(enc.mime_type(), "audio/mpeg");
        assert!(!item.guid().expect("guid").is_permalink());
        // itunes:duration within 0.5 s of what ffprobe measures.
        let said: f64 = item
            .itunes_ext()
            .and_then(|i| i.duration())
            .and_then(|d| d.parse().ok())
            .expect("itunes:duration in seconds");
        if let Some(ffprobe) = support::tools::require_tool("ffprobe") {
            let o = std::process::Command::new(ffprobe)
                .args([
                    "-v",
                    "error",
                    "-show_entries",
                    "format=duration",
                    "-of",
                    "csv=p=0",
                ])
                .arg(out.join(name))
                .output()
                .expect("ffprobe");
            let measured: f64 = String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse()
                .expect("a duration");
            assert!((said - measured).abs() <= 0.5, "{said} vs {measured}");
        }
    }
    // The independent Python checkers.
    let Some(venv) = support::tools::venv_with_modules(&["feedparser", "podcastparser"]) else {
        return;
    };
    let py = venv.join("bin/python");
    let check = r#"
import sys, feedparser, podcastparser
d = feedparser.parse(sys.argv[1])
assert not d.bozo, d.bozo_exception
assert len(d.entries) == 2
for e in d.entries:
    assert e.enclosures and int(e.enclosures[0].length) > 0, e
    assert int(e.itunes_duration) > 0, e
with open(sys.argv[1], 'rb') as f:
    p = podcastparser.parse('https://example.com/pod/feed.xml', f)
assert len(p['episodes']) == 2, p
assert all(ep['enclosures'] and ep['total_time'] > 0 for ep in p['episodes']), p
print('ok')
"#;
    let o = std::process::Command::new(py)
        .arg("-c")
        .arg(check)
        .arg(out.join("feed.xml"))
        .output()
        .expect("python");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );

    // `narrator feed` rewrites it from the manifest alone; a directory without one
    // is refused.
    std::fs::remove_file(out.join("feed.xml")).expect("rm");
    let o =
        run(narrator(dir.path()).args(["feed", "out", "--base-url", "https://example.com/pod/"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let again = std::fs::read(out.join("feed.xml")).expect("feed");
    assert!(
        again == xml,
        "feed.xml differs when rewritten from the manifest"
    );
    let o = run(narrator(dir.path()).args(["feed", "in", "--base-url", "https://example.com/"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("narrator-batch.json"), "{}", stderr(&o));
}

#[test]
fn empty_and_unreachable_feeds_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("empty.xml"),
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description></channel></rss>"#,
    )
    .expect("write");
    std::fs::write(dir.path().join("b.txt"), STORY_B).expect("write");
    let port = support::closed_port();
    let url = format!("http://127.0.0.1:{port}/rss.xml");
    let o = batch(
        dir.path(),
        &["empty.xml", &url, "b.txt", "--out-dir", "out"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("feed empty.xml has no items"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    // The good article is written all the same.
    assert_eq!(episodes(&dir.path().join("out")).len(), 1);
}
