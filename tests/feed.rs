//! The podcast feed against independent readers: the `rss` crate, Python's
//! `feedparser` and gPodder's `podcastparser` (from the venv, `NARRATOR_VENV`), and
//! ffmpeg for the WebVTT transcripts; episodes are real MP3 files (tones encoded by
//! the library, and one narration by the real binary).
//!
//! Without the venv's modules or ffmpeg the checks that need them print a skip note,
//! or fail when `NARRATOR_REQUIRE_REAL_ENGINES` is set (`support::tools`).

mod support;

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;
use std::process::Command;

use narrator::audio::{AudioFormat, EncodeOptions, OutputFile};
use narrator::publish::chapters::transcript_json;
use narrator::publish::feed::{
    chapters_json, episode_guid, podcast_guid, write_feed, Episode, FeedError, FeedSettings,
};
use narrator::publish::{transcript, TimedSegment, TimingMap};
use narrator::script::SegmentKind;
use support::{example, narrator, run, stderr};
use url::Url;

const BASE: &str = "https://cdn.example.net/pod/";

fn base() -> Url {
    Url::parse(BASE).expect("base URL")
}

/// A real MP3 of `secs` of a tone, at the feed's default encoding.
fn tone_mp3(path: &Path, secs: f64, hz: f32) {
    let settings = FeedSettings::default();
    let opts = EncodeOptions {
        mp3_bitrate_kbps: settings.mp3_bitrate_kbps,
        ..EncodeOptions::default()
    };
    let rate = settings.sample_rate;
    let mut out = OutputFile::create(path, AudioFormat::Mp3, rate, &opts).expect("create mp3");
    let n = (secs * f64::from(rate)) as usize;
    let samples: Vec<f32> = (0..n)
        .map(|i| 0.3 * (std::f32::consts::TAU * hz * i as f32 / rate as f32).sin())
        .collect();
    out.write(&samples).expect("write mp3");
    out.finish().expect("finish mp3");
}

/// A timing map for a tone of `secs`: title, paragraph, heading, paragraph.
fn timing(secs: f64) -> TimingMap {
    let seg = |id, kind, written: &str, start, end| TimedSegment {
        id,
        kind,
        written: written.into(),
        spoken: written.to_lowercase(),
        start,
        end,
    };
    TimingMap {
        sample_rate: 44_100,
        duration: secs,
        segments: vec![
            seg(0, SegmentKind::Title, "The headline", 0.0, 0.8),
            seg(
                1,
                SegmentKind::Paragraph,
                "It cost $5 <today> & more.",
                1.0,
                1.9,
            ),
            seg(2, SegmentKind::Heading, "What happened next", 2.0, 2.4),
            seg(
                3,
                SegmentKind::Paragraph,
                "It ended --> quickly.",
                2.6,
                secs - 0.1,
            ),
        ],
    }
}

/// Transcripts (VTT, Podcasting 2.0 JSON) and chapters beside `stem.mp3`.
fn sidecars(dir: &Path, stem: &str, title: &str, map: &TimingMap, ep: &mut Episode) {
    let vtt = format!("{stem}.vtt");
    transcript::write(&dir.join(&vtt), map).expect("vtt");
    let json = format!("{stem}.transcript.json");
    std::fs::write(dir.join(&json), transcript_json(map)).expect("json transcript");
    let chapters = format!("{stem}.chapters.json");
    std::fs::write(
        dir.join(&chapters),
        chapters_json(&map.chapters(), Some(title)),
    )
    .expect("chapters");
    ep.transcript_vtt = Some(vtt);
    ep.transcript_json = Some(json);
    ep.chapters_json = Some(chapters);
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).expect("stat").len()
}

/// A tone episode: `name` (may contain a space), with its sidecars.
fn tone_episode(dir: &Path, name: &str, secs: f64, link: &str, published: &str) -> Episode {
    let audio = format!("{name}.mp3");
    tone_mp3(&dir.join(&audio), secs, 440.0);
    let title = format!("Story {name}");
    let mut ep = Episode {
        guid: episode_guid(link),
        title: title.clone(),
        description: Some(format!("What {name} is about.")),
        link: Some(link.into()),
        published: Some(published.into()),
        audio_bytes: file_size(&dir.join(&audio)),
        audio_file: audio,
        duration_s: secs,
        language: Some("en-GB".into()),
        author: Some("Ann Writer".into()),
        ..Episode::default()
    };
    sidecars(dir, name, &title, &timing(secs), &mut ep);
    ep
}

/// An episode narrated by the real binary (espeak) from examples/short.txt.
fn narrated_episode(dir: &Path) -> Episode {
    let o = run(narrator(dir).args([
        "narrate",
        example("short.txt").to_str().expect("utf-8 path"),
        "-o",
        "briefing.mp3",
        "--transcript",
        "briefing.map.json",
        "--json",
    ]));
    assert!(o.status.success(), "narrate: {}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).expect("summary JSON");
    let map: TimingMap = serde_json::from_str(
        &std::fs::read_to_string(dir.join("briefing.map.json")).expect("timing map"),
    )
    .expect("timing map JSON");
    let mut ep = Episode {
        guid: episode_guid("cms:briefing-2024-03-03"),
        title: "Morning Briefing".into(),
        description: None,
        link: Some("https://other.example.org/briefing".into()),
        published: Some("2024-03-03".into()),
        audio_file: "briefing.mp3".into(),
        audio_bytes: file_size(&dir.join("briefing.mp3")),
        duration_s: summary["duration_s"].as_f64().expect("duration_s"),
        language: Some("en".into()),
        ..Episode::default()
    };
    sidecars(dir, "briefing", "Morning Briefing", &map, &mut ep);
    ep
}

/// Three episodes in `dir`: two tones from example.com, one narration. One title
/// carries control characters (as from a broken page) that XML cannot hold, one
/// summary markup characters.
fn three_episodes(dir: &Path) -> Vec<Episode> {
    let mut eps = vec![
        tone_episode(
            dir,
            "first story",
            3.4,
            "https://www.example.com/news/first",
            "2024-03-01T08:00:00+01:00",
        ),
        narrated_episode(dir),
        tone_episode(
            dir,
            "second",
            4.6,
            "https://www.example.com/news/second",
            "2024-03-05T14:30:00Z",
        ),
    ];
    eps[2].title = "Story\u{1} second\u{b}".into();
    eps[0].description = Some("Tom & Jerry <b>live</b> \u{fffe}".into());
    eps
}

fn read_channel(path: &Path) -> rss::Channel {
    let f = std::fs::File::open(path).expect("open feed");
    rss::Channel::read_from(BufReader::new(f)).expect("the rss crate reads the feed")
}

fn podcast<'a>(
    map: &'a rss::extension::ExtensionMap,
    name: &str,
) -> &'a [rss::extension::Extension] {
    map.get("podcast")
        .and_then(|m| m.get(name))
        .map_or(&[], Vec::as_slice)
}

fn attr<'a>(e: &'a rss::extension::Extension, key: &str) -> &'a str {
    e.attrs().get(key).map_or("", String::as_str)
}

/// The file in the feed directory that a media URL names.
fn file_for(dir: &Path, url: &str) -> std::path::PathBuf {
    let rel = url.strip_prefix(BASE).expect("URL under the base");
    let parts: Vec<String> = Url::parse(&format!("http://x/{rel}"))
        .expect("url")
        .path_segments()
        .expect("segments")
        .map(percent_decode)
        .collect();
    dir.join(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    // Url has no decoder of its own; form_urlencoded decodes %XX (and '+', absent here).
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[test]
fn feed_of_three_episodes_reads_back_in_the_rss_crate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let episodes = three_episodes(dir.path());
    let settings = FeedSettings::default();
    let path = write_feed(dir.path(), &base(), &settings, &episodes).expect("write feed");
    assert_eq!(path, dir.path().join("feed.xml"));
    let ch = read_channel(&path);

    // Channel defaults: the most common site and language.
    assert_eq!(ch.title(), "example.com (narrated)");
    assert_eq!(ch.link(), "https://www.example.com/");
    assert_eq!(ch.language(), Some("en-gb"));
    assert!(
        ch.description().contains(&settings.disclosure),
        "{}",
        ch.description()
    );
    let it = ch.itunes_ext().expect("itunes channel extension");
    assert_eq!(it.image(), Some(format!("{BASE}cover.png").as_str()));
    assert_eq!(it.explicit(), Some("false"));
    assert_eq!(it.author(), Some("example.com"));
    assert_eq!(it.categories()[0].text(), "News");
    let atom = ch.atom_ext().expect("atom extension");
    assert_eq!(atom.links()[0].rel(), "self");
    assert_eq!(atom.links()[0].href(), format!("{BASE}feed.xml"));
    let guid = podcast(ch.extensions(), "guid");
    assert_eq!(
        guid[0].value(),
        Some(
            podcast_guid("cdn.example.net/pod/feed.xml")
                .to_string()
                .as_str()
        )
    );
    assert_eq!(podcast(ch.extensions(), "locked")[0].value(), Some("yes"));

    // Items newest first, each with the file's exact size and its duration.
    let titles: Vec<&str> = ch.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(
        titles,
        ["Story second", "Morning Briefing", "Story first story"]
    );
    let by_guid: BTreeMap<&str, &Episode> = episodes.iter().map(|e| (e.guid.as_str(), e)).collect();
    for item in ch.items() {
        let g = item.guid().expect("guid");
        assert!(!g.is_permalink());
        let ep = by_guid[g.value()];
        let enc = item.enclosure().expect("enclosure");
        assert_eq!(enc.mime_type(), "audio/mpeg");
        let file = file_for(dir.path(), enc.url());
        assert_eq!(file, dir.path().join(&ep.audio_file));
        assert_eq!(enc.length(), file_size(&file).to_string());
        let d = item
            .itunes_ext()
            .and_then(|i| i.duration())
            .expect("duration");
        assert_eq!(d, format!("{}", ep.duration_s.round() as u64));
        assert!(item
            .description()
            .expect("description")
            .ends_with(&settings.disclosure));
        let date = chrono::DateTime::parse_from_rfc2822(item.pub_date().expect("pubDate"))
            .expect("RFC 2822 pubDate");
        let want = match ep.audio_file.as_str() {
            "first story.mp3" => "2024-03-01T07:00:00Z",
            "second.mp3" => "2024-03-05T14:30:00Z",
            _ => "2024-03-03T00:00:00Z",
        };
        assert_eq!(
            date,
            chrono::DateTime::parse_from_rfc3339(want).expect("date")
        );

        let tr = podcast(item.extensions(), "transcript");
        let types: Vec<&str> = tr.iter().map(|t| attr(t, "type")).collect();
        assert_eq!(types, ["text/vtt", "application/json"]);
        for t in tr {
            assert!(file_for(dir.path(), attr(t, "url")).is_file());
        }
        let chapters = podcast(item.extensions(), "chapters");
        assert_eq!(attr(&chapters[0], "type"), "application/json+chapters");
        let json = std::fs::read_to_string(file_for(dir.path(), attr(&chapters[0], "url")))
            .expect("chapters file");
        let v: serde_json::Value = serde_json::from_str(&json).expect("chapters JSON");
        assert_eq!(v["version"], "1.2.0");
        assert!(!v["chapters"].as_array().expect("chapters").is_empty());
        assert_eq!(v["chapters"][0]["startTime"].as_f64(), Some(0.0));
    }
    // Markup in a summary is text, read back as written.
    assert!(ch.items().iter().any(|i| i
        .description()
        .is_some_and(|d| d.starts_with("Tom & Jerry <b>live</b>\n\n"))));
    // A space in a file name is percent-encoded in its URL.
    assert!(ch.items().iter().any(|i| i
        .enclosure()
        .is_some_and(|e| e.url() == format!("{BASE}first%20story.mp3"))));

    // The generated cover is a 1400×1400 PNG that decodes.
    let f = std::fs::File::open(dir.path().join("cover.png")).expect("cover.png");
    let mut reader = png::Decoder::new(BufReader::new(f))
        .read_info()
        .expect("a PNG");
    assert_eq!((reader.info().width, reader.info().height), (1400, 1400));
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    reader.next_frame(&mut buf).expect("decodes");
    assert!(
        buf.iter().any(|&b| b != buf[0]),
        "the cover is not a blank image"
    );

    // Nothing half-written is left behind.
    assert!(support::files_in(dir.path())
        .iter()
        .all(|n| !n.ends_with(".part")));
}

const CHECK_PY: &str = r#"
import json, sys, feedparser, podcastparser
path = sys.argv[1]
d = feedparser.parse(path)
fp = {
    "bozo": bool(d.bozo),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "title": d.feed.get("title"),
    "language": d.feed.get("language"),
    "image": (d.feed.get("image") or {}).get("href"),
    "entries": [
        {
            "id": e.get("id"),
            "guidislink": e.get("guidislink"),
            "duration": e.get("itunes_duration"),
            "published": list(e.published_parsed[:6]) if e.get("published_parsed") else None,
            "enclosures": [
                {"href": x.get("href"), "length": x.get("length"), "type": x.get("type")}
                for x in e.get("enclosures", [])
            ],
            "summary": e.get("summary"),
        }
        for e in d.entries
    ],
}
with open(path, "rb") as f:
    p = podcastparser.parse(sys.argv[2], f)
pp = {
    "title": p.get("title"),
    "cover_url": p.get("cover_url"),
    "episodes": [
        {
            "guid": e.get("guid"),
            "total_time": e.get("total_time"),
            "published": e.get("published"),
            "enclosures": e.get("enclosures"),
            "description": e.get("description"),
        }
        for e in p["episodes"]
    ],
}
print(json.dumps({"feedparser": fp, "podcastparser": pp}))
"#;

#[test]
fn feedparser_and_podcastparser_accept_the_feed() {
    let Some(venv) = support::tools::venv_with_modules(&["feedparser", "podcastparser"]) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let episodes = three_episodes(dir.path());
    let settings = FeedSettings::default();
    let path = write_feed(dir.path(), &base(), &settings, &episodes).expect("write feed");
    let out = Command::new(venv.join("bin").join("python"))
        .args(["-c", CHECK_PY])
        .arg(&path)
        .arg(format!("{BASE}feed.xml"))
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python checkers failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("checker JSON");
    let size_of = |url: &str| file_size(&file_for(dir.path(), url));
    let by_guid: BTreeMap<&str, &Episode> = episodes.iter().map(|e| (e.guid.as_str(), e)).collect();

    let fp = &v["feedparser"];
    assert_eq!(fp["bozo"], false, "feedparser: {}", fp["bozo_exception"]);
    assert_eq!(fp["title"], "example.com (narrated)");
    assert_eq!(fp["language"], "en-gb");
    assert_eq!(fp["image"], format!("{BASE}cover.png"));
    let entries = fp["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    for e in entries {
        let ep = by_guid[e["id"].as_str().expect("id")];
        assert_eq!(e["guidislink"], false);
        assert_eq!(e["duration"], format!("{}", ep.duration_s.round() as u64));
        assert!(e["published"].is_array(), "feedparser read no date: {e}");
        let enc = e["enclosures"].as_array().expect("enclosures");
        assert_eq!(enc.len(), 1, "{e}");
        let url = enc[0]["href"].as_str().expect("href");
        assert_eq!(enc[0]["type"], "audio/mpeg");
        assert_eq!(enc[0]["length"], size_of(url).to_string());
        assert!(e["summary"]
            .as_str()
            .is_some_and(|s| s.contains("AI assistance")));
    }

    let pp = &v["podcastparser"];
    assert_eq!(pp["title"], "example.com (narrated)");
    assert_eq!(pp["cover_url"], format!("{BASE}cover.png"));
    let eps = pp["episodes"].as_array().expect("episodes");
    assert_eq!(eps.len(), 3);
    for e in eps {
        let ep = by_guid[e["guid"].as_str().expect("guid")];
        assert_eq!(e["total_time"].as_u64(), Some(ep.duration_s.round() as u64));
        assert!(e["published"].as_i64().is_some_and(|t| t > 1_700_000_000));
        let enc = e["enclosures"].as_array().expect("enclosures");
        assert_eq!(enc.len(), 1, "{e}");
        let url = enc[0]["url"].as_str().expect("url");
        assert_eq!(enc[0]["mime_type"], "audio/mpeg");
        assert_eq!(enc[0]["file_size"].as_u64(), Some(size_of(url)));
        assert!(e["description"]
            .as_str()
            .is_some_and(|s| s.contains("AI assistance")));
    }
}

#[test]
fn vtt_transcripts_parse_in_ffmpeg() {
    let Some(ffmpeg) = support::tools::require_tool("ffmpeg") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let ep = tone_episode(dir.path(), "a", 3.0, "https://example.com/a", "2024-01-02");
    write_feed(
        dir.path(),
        &base(),
        &FeedSettings::default(),
        std::slice::from_ref(&ep),
    )
    .expect("feed");
    let vtt = dir.path().join(ep.transcript_vtt.as_deref().expect("vtt"));
    let out = Command::new(ffmpeg)
        .args(["-v", "error", "-i"])
        .arg(&vtt)
        .args(["-f", "srt", "-"])
        .output()
        .expect("run ffmpeg");
    assert!(
        out.status.success(),
        "ffmpeg cannot read {}: {}",
        vtt.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let srt = String::from_utf8_lossy(&out.stdout);
    assert_eq!(srt.matches(" --> ").count(), 4, "{srt}");
    assert!(srt.contains("00:00:01,000 --> 00:00:01,900"), "{srt}");
    assert!(srt.contains("What happened next"), "{srt}");
    // The JSON transcript is Podcasting 2.0's format.
    let json = std::fs::read_to_string(
        dir.path()
            .join(ep.transcript_json.as_deref().expect("json")),
    )
    .expect("json transcript");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["version"], "1.0.0");
    assert_eq!(v["segments"][1]["body"], "It cost $5 <today> & more.");
    assert_eq!(v["segments"][1]["startTime"].as_f64(), Some(1.0));
}

#[test]
fn a_base_url_that_is_not_http_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ep = tone_episode(dir.path(), "a", 1.5, "https://example.com/a", "2024-01-02");
    let before = support::files_in(dir.path());
    for bad in ["ftp://example.com/pod/", "file:///srv/pod/"] {
        let e = write_feed(
            dir.path(),
            &Url::parse(bad).expect("url"),
            &FeedSettings::default(),
            std::slice::from_ref(&ep),
        )
        .expect_err(bad);
        assert!(matches!(e, FeedError::BaseUrl { .. }), "{bad}: {e:?}");
        assert!(e.is_usage());
        assert!(e.to_string().contains(bad.trim_end_matches('/')), "{e}");
    }
    let e = write_feed(
        dir.path(),
        &Url::parse("https://u:secret@example.com/").expect("url"),
        &FeedSettings::default(),
        std::slice::from_ref(&ep),
    )
    .expect_err("credentials");
    assert!(e.to_string().contains("credentials"), "{e}");
    assert!(!e.to_string().contains("secret"), "{e}");
    let e = write_feed(
        dir.path(),
        &Url::parse("ftp://example.com/pod/").expect("url"),
        &FeedSettings::default(),
        &[ep],
    )
    .expect_err("ftp");
    assert!(e.to_string().contains("http:// or https://"), "{e}");
    assert_eq!(
        support::files_in(dir.path()),
        before,
        "no feed.xml, no cover.png"
    );
}

#[test]
fn guids_stay_when_the_audio_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut eps = vec![
        tone_episode(dir.path(), "a", 2.0, "https://example.com/a", "2024-01-02"),
        tone_episode(dir.path(), "b", 2.5, "https://example.com/b", "2024-01-03"),
    ];
    let feed = write_feed(dir.path(), &base(), &FeedSettings::default(), &eps).expect("feed");
    let first = read_channel(&feed);

    // Narrated again: a longer file with another voice. The article is the same.
    tone_mp3(&dir.path().join("a.mp3"), 5.0, 220.0);
    eps[0].audio_bytes = file_size(&dir.path().join("a.mp3"));
    eps[0].duration_s = 5.0;
    eps[0].guid = episode_guid("http://example.com/a/");
    write_feed(dir.path(), &base(), &FeedSettings::default(), &eps).expect("feed again");
    let second = read_channel(&feed);

    let guids = |c: &rss::Channel| -> Vec<String> {
        c.items()
            .iter()
            .filter_map(|i| i.guid().map(|g| g.value().to_string()))
            .collect()
    };
    assert_eq!(guids(&first), guids(&second));
    assert_eq!(
        podcast(first.extensions(), "guid")[0].value(),
        podcast(second.extensions(), "guid")[0].value()
    );
    let len = |c: &rss::Channel, g: &str| {
        c.items()
            .iter()
            .find(|i| i.guid().is_some_and(|x| x.value() == g))
            .and_then(|i| i.enclosure())
            .map(|e| e.length().to_string())
    };
    let g = &eps[0].guid;
    assert_ne!(len(&first, g), len(&second, g));
    assert_eq!(len(&second, g), Some(eps[0].audio_bytes.to_string()));
}

#[test]
fn a_stale_or_broken_manifest_is_an_error_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ep = tone_episode(dir.path(), "a", 1.5, "https://example.com/a", "2024-01-02");
    let before = support::files_in(dir.path());
    let s = FeedSettings::default();
    let fails = |ep: Episode| write_feed(dir.path(), &base(), &s, &[ep]).expect_err("fails");

    let e = fails(Episode {
        audio_bytes: ep.audio_bytes + 1,
        ..ep.clone()
    });
    assert!(matches!(e, FeedError::Length { .. }), "{e:?}");
    let e = fails(Episode {
        audio_file: "gone.mp3".into(),
        ..ep.clone()
    });
    assert!(matches!(e, FeedError::MissingFile { .. }), "{e:?}");
    let e = fails(Episode {
        chapters_json: Some("../escape.json".into()),
        ..ep.clone()
    });
    assert!(matches!(e, FeedError::FileName { .. }), "{e:?}");
    let e = fails(Episode {
        duration_s: f64::NAN,
        ..ep.clone()
    });
    assert!(matches!(e, FeedError::Duration { .. }), "{e:?}");
    let e = write_feed(dir.path(), &base(), &s, &[ep.clone(), ep.clone()]).expect_err("dup");
    assert!(matches!(e, FeedError::DuplicateGuid(_)), "{e:?}");
    let e = write_feed(
        dir.path(),
        &base(),
        &FeedSettings {
            disclosure: " ".into(),
            ..FeedSettings::default()
        },
        &[ep],
    )
    .expect_err("no disclosure");
    assert!(e.is_usage(), "{e:?}");
    assert_eq!(support::files_in(dir.path()), before);
}

#[test]
fn configured_settings_replace_the_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ep = tone_episode(dir.path(), "a", 1.5, "https://example.com/a", "not a date");
    ep.description = None;
    let settings: FeedSettings = toml::from_str(
        r#"
        title = "The Daily Read"
        description = "Our stories, read aloud."
        link = "https://news.example.com/"
        language = "de-DE"
        author = "Example News"
        image_url = "https://img.example.com/cover.jpg"
        category = "News > Daily News"
        explicit = true
        locked = false
        owner_email = "pod@example.com"
        "#,
    )
    .expect("[feed] table");
    let feed = write_feed(dir.path(), &base(), &settings, &[ep]).expect("feed");
    let ch = read_channel(&feed);
    assert_eq!(ch.title(), "The Daily Read");
    assert_eq!(ch.link(), "https://news.example.com/");
    assert_eq!(ch.language(), Some("de-de"));
    assert!(ch
        .description()
        .starts_with("Our stories, read aloud. This audio"));
    let it = ch.itunes_ext().expect("itunes");
    assert_eq!(it.image(), Some("https://img.example.com/cover.jpg"));
    assert_eq!(it.explicit(), Some("true"));
    assert_eq!(it.author(), Some("Example News"));
    assert_eq!(it.categories()[0].text(), "News");
    assert_eq!(
        it.categories()[0].subcategory().map(|s| s.text()),
        Some("Daily News")
    );
    assert_eq!(it.owner().and_then(|o| o.email()), Some("pod@example.com"));
    let locked = &podcast(ch.extensions(), "locked")[0];
    assert_eq!(locked.value(), Some("no"));
    assert_eq!(attr(locked, "owner"), "pod@example.com");
    assert!(
        !dir.path().join("cover.png").exists(),
        "an image URL needs no cover"
    );
    // Without a description the title is the summary; the disclosure follows.
    let item = &ch.items()[0];
    assert_eq!(
        item.description(),
        Some(format!("Story a\n\n{}", settings.disclosure).as_str())
    );
    // An unreadable date falls back to the audio file's time.
    let date =
        chrono::DateTime::parse_from_rfc2822(item.pub_date().expect("pubDate")).expect("RFC 2822");
    let mtime: chrono::DateTime<chrono::Utc> = std::fs::metadata(dir.path().join("a.mp3"))
        .and_then(|m| m.modified())
        .expect("mtime")
        .into();
    assert_eq!(date.timestamp(), mtime.timestamp());

    let bad = FeedSettings {
        image_url: Some("cover.jpg".into()),
        ..settings
    };
    let e = write_feed(dir.path(), &base(), &bad, &[]).expect_err("relative image");
    assert!(
        matches!(
            e,
            FeedError::SettingUrl {
                field: "image_url",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn an_existing_cover_is_kept_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = FeedSettings::default();
    // No episodes: still a valid feed, with a generated cover.
    let feed = write_feed(dir.path(), &base(), &s, &[]).expect("empty feed");
    let ch = read_channel(&feed);
    assert_eq!(ch.title(), "narrator podcast");
    assert_eq!(ch.link(), BASE);
    assert_eq!(ch.language(), Some("en"));
    let cover = dir.path().join("cover.png");
    let made = std::fs::metadata(&cover)
        .expect("cover")
        .modified()
        .expect("mtime");
    write_feed(dir.path(), &base(), &s, &[]).expect("again");
    assert_eq!(
        std::fs::metadata(&cover)
            .expect("cover")
            .modified()
            .expect("mtime"),
        made,
        "an existing cover is not rewritten"
    );
    std::fs::write(&cover, b"not a png").expect("write");
    let e = write_feed(dir.path(), &base(), &s, &[]).expect_err("bad cover");
    assert!(matches!(e, FeedError::Cover { .. }), "{e:?}");
}
