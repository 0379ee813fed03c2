//! The podcast feed: RSS 2.0 with the `itunes:`, `podcast:` (Podcasting 2.0) and
//! `atom:` namespaces, written by the `rss` crate from the episodes of a directory.
//!
//! Everything a listener's app keys on is derived from data that does not change
//! when an article is narrated again: the channel's `podcast:guid` from the feed's
//! URL, each item's `guid` from the article's identity (its canonical URL or CMS
//! id, [`episode_guid`]), never from the audio. The enclosure's length is the file's
//! size on disk at the time the feed is written.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use rss::extension::atom::{AtomExtension, Link};
use rss::extension::itunes::{
    ITunesCategory, ITunesChannelExtension, ITunesItemExtension, ITunesOwner,
};
use rss::extension::{Extension, ExtensionMap};
use rss::{Channel, Enclosure, Guid, Image, Item};
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

use crate::audio::AudioFormat;

pub use super::chapters::chapters_json;

/// The Podcasting 2.0 namespace URI.
pub const PODCAST_NAMESPACE: &str = "https://podcastindex.org/namespace/1.0";

/// The namespace of `podcast:guid` UUIDv5s (fixed by the Podcasting 2.0 spec).
pub const GUID_NAMESPACE: Uuid = Uuid::from_u128(0xead4c236_bf58_58c6_a2c6_a6b28d128cb6);

/// The feed's file name in its directory.
pub const FEED_FILE: &str = "feed.xml";

/// The generated cover's file name, used when no `image_url` is configured.
pub const COVER_FILE: &str = "cover.png";

/// Side of the generated cover, pixels (Apple asks for 1400–3000, square).
pub const COVER_SIZE: u32 = 1400;

/// Errors of writing a feed.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("base URL '{url}' cannot serve a feed: {reason}")]
    BaseUrl { url: String, reason: &'static str },
    #[error("[feed] {field} '{value}' is not an http(s) URL")]
    SettingUrl { field: &'static str, value: String },
    #[error("[feed] disclosure is empty: every episode must say that it was narrated with AI")]
    NoDisclosure,
    #[error("an episode has an empty guid (audio file '{audio_file}')")]
    EmptyGuid { audio_file: String },
    #[error("two episodes have the guid '{0}'")]
    DuplicateGuid(String),
    #[error("episode '{guid}': '{name}' is not a relative path inside the feed directory")]
    FileName { guid: String, name: String },
    #[error("episode '{guid}': cannot read {path}: {source}")]
    MissingFile {
        guid: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("episode '{guid}': {path} is {actual} bytes, but the episode says {expected}")]
    Length {
        guid: String,
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    #[error("episode '{guid}': duration {value} s is not a length of time")]
    Duration { guid: String, value: f64 },
    #[error("episode '{guid}': '{name}' is not an audio type a feed can carry (use .mp3, .opus or .wav)")]
    AudioType { guid: String, name: String },
    #[error("cover {path}: {reason}")]
    Cover { path: PathBuf, reason: String },
    #[error("cannot encode the cover: {0}")]
    Png(#[from] png::EncodingError),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the feed XML: {0}")]
    Xml(#[from] rss::Error),
}

impl FeedError {
    /// The request was wrong (base URL, settings), as opposed to the episodes or the
    /// disk failing.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            FeedError::BaseUrl { .. } | FeedError::SettingUrl { .. } | FeedError::NoDisclosure
        )
    }
}

/// The config's `[feed]` table and the feed flags: how the channel presents itself,
/// and how its episodes are encoded. Every field has a working default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedSettings {
    /// Channel title (default: the articles' site, e.g. "example.com (narrated)").
    pub title: Option<String>,
    /// Channel description (default: names the site; the disclosure is added).
    pub description: Option<String>,
    /// The channel's web page (default: the articles' site, else the base URL).
    pub link: Option<String>,
    /// Channel language, e.g. "en-GB" (default: the episodes' most common, else "en").
    pub language: Option<String>,
    /// `itunes:author` (default: the site).
    pub author: Option<String>,
    /// Cover art URL (default: `cover.png` in the feed directory, generated when absent).
    pub image_url: Option<String>,
    /// `itunes:category`, Apple's names; "News > Tech News" gives a subcategory.
    pub category: String,
    /// `itunes:explicit`.
    pub explicit: bool,
    /// `podcast:locked`: other platforms may not import the feed.
    pub locked: bool,
    /// Owner e-mail: `itunes:owner` and the `podcast:locked` owner.
    pub owner_email: Option<String>,
    /// Said in every episode's description (it must not be empty).
    pub disclosure: String,
    /// Episode encoding: sample rate, Hz.
    pub sample_rate: u32,
    /// Episode encoding: constant MP3 bitrate, kbit/s (mono).
    pub mp3_bitrate_kbps: u32,
    /// Episode mastering: integrated loudness, LUFS.
    pub loudness_lufs: f64,
    /// Episode mastering: true-peak ceiling, dBTP.
    pub true_peak_dbtp: f64,
    /// Spoken in each episode; an empty string turns it off (TOML has no null).
    pub spoken_disclosure: Option<String>,
}

impl Default for FeedSettings {
    fn default() -> Self {
        Self {
            title: None,
            description: None,
            link: None,
            language: None,
            author: None,
            image_url: None,
            category: "News".into(),
            explicit: false,
            locked: true,
            owner_email: None,
            disclosure: "This audio is created with AI assistance: narrated by a synthetic \
                         voice from the article text."
                .into(),
            sample_rate: 44_100,
            mp3_bitrate_kbps: 96,
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
            spoken_disclosure: Some("This audio was created with AI assistance.".into()),
        }
    }
}

impl FeedSettings {
    /// The sentence to speak in each episode, if any (`Some("")` means none).
    pub fn spoken_disclosure(&self) -> Option<&str> {
        self.spoken_disclosure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// One episode of the feed, as the manifest records it. File names are relative
/// to the feed directory (`/`-separated); their URLs are the base URL joined with them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// From the article's identity: see [`episode_guid`].
    pub guid: String,
    pub title: String,
    /// The article's summary; the disclosure is appended.
    pub description: Option<String>,
    /// The article's URL.
    pub link: Option<String>,
    /// Publication date as the article gives it (ISO 8601 date or date-time).
    pub published: Option<String>,
    /// The audio file.
    pub audio_file: String,
    /// Its size in bytes (checked against the file).
    pub audio_bytes: u64,
    /// Seconds.
    pub duration_s: f64,
    /// WebVTT transcript file.
    pub transcript_vtt: Option<String>,
    /// JSON transcript file (see [`super::chapters::transcript_json`]).
    pub transcript_json: Option<String>,
    /// Podcasting 2.0 JSON chapters file ([`chapters_json`]).
    pub chapters_json: Option<String>,
    /// The article's language tag.
    pub language: Option<String>,
    /// The byline.
    pub author: Option<String>,
}

/// `podcast:guid` of a feed: the UUIDv5 (namespace [`GUID_NAMESPACE`]) of its URL
/// without the scheme and trailing slashes, as the Podcasting 2.0 spec defines it.
pub fn podcast_guid(feed_url: &str) -> Uuid {
    let url = feed_url.trim();
    let url = url.split_once("://").map_or(url, |(_, rest)| rest);
    Uuid::new_v5(&GUID_NAMESPACE, url.trim_end_matches('/').as_bytes())
}

/// An item guid from an article's identity: `narrator:` + the UUIDv5 (namespace
/// [`GUID_NAMESPACE`]) of the identity. An http(s) URL is first reduced as for
/// [`podcast_guid`] (no scheme, fragment or trailing slash; host in lower case), so
/// `http://Example.com/a/` and `https://example.com/a#top` are one article; any
/// other identity (a CMS id) is used as given, trimmed.
pub fn episode_guid(identity: &str) -> String {
    let identity = identity.trim();
    let key = match Url::parse(identity) {
        Ok(mut u) if matches!(u.scheme(), "http" | "https") => {
            u.set_fragment(None);
            let s = u.as_str();
            s.split_once("://")
                .map_or(s, |(_, rest)| rest)
                .trim_end_matches('/')
                .to_string()
        }
        _ => identity.to_string(),
    };
    format!("narrator:{}", Uuid::new_v5(&GUID_NAMESPACE, key.as_bytes()))
}

fn check_base(base_url: &Url) -> Result<(), FeedError> {
    let bad = |reason| {
        let mut shown = base_url.clone();
        // Not a password in an error message (and a log).
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        FeedError::BaseUrl {
            url: shown.to_string(),
            reason,
        }
    };
    if !matches!(base_url.scheme(), "http" | "https") {
        return Err(bad("it must be an http:// or https:// URL"));
    }
    if base_url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !base_url.username().is_empty() || base_url.password().is_some() {
        return Err(bad("it carries credentials, which the feed would publish"));
    }
    if base_url.query().is_some() || base_url.fragment().is_some() {
        return Err(bad("it has a query or fragment; give the directory's URL"));
    }
    Ok(())
}

/// `base` as a directory joined with the `/`-separated relative `name`, each part
/// percent-encoded.
fn url_in(base: &Url, name: &str) -> Url {
    let mut u = base.clone();
    if let Ok(mut segs) = u.path_segments_mut() {
        segs.pop_if_empty().extend(name.split('/'));
    }
    u
}

fn is_relative_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

fn http_url(field: &'static str, value: &str) -> Result<Url, FeedError> {
    match Url::parse(value.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u),
        _ => Err(FeedError::SettingUrl {
            field,
            value: value.to_string(),
        }),
    }
}

/// An article's date as ISO 8601 (date-time with offset, without one = UTC, or a
/// date = midnight UTC); RFC 2822 is accepted too, as some sites give it.
fn parse_published(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for f in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc().fixed_offset());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc().fixed_offset());
    }
    DateTime::parse_from_rfc2822(s).ok()
}

/// One episode checked against the directory, ready to become an item.
struct Checked<'a> {
    ep: &'a Episode,
    date: DateTime<FixedOffset>,
    mime: &'static str,
    bytes: u64,
    seconds: u64,
}

/// What the feed needs to know of one of its files.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo {
    pub len: u64,
    pub modified: std::time::SystemTime,
}

/// The file `name` of a feed whose files are in the local directory `dir`.
pub fn local_file(dir: &Path, name: &str) -> std::io::Result<FileInfo> {
    let m = std::fs::metadata(dir.join(name))?;
    if !m.is_file() {
        return Err(std::io::Error::other("not a file"));
    }
    Ok(FileInfo {
        len: m.len(),
        modified: m
            .modified()
            .unwrap_or_else(|_| std::time::SystemTime::now()),
    })
}

fn check_episode<'a>(
    dir: &Path,
    ep: &'a Episode,
    files: &dyn Fn(&str) -> std::io::Result<FileInfo>,
) -> Result<Checked<'a>, FeedError> {
    if ep.guid.trim().is_empty() {
        return Err(FeedError::EmptyGuid {
            audio_file: ep.audio_file.clone(),
        });
    }
    let guid = || ep.guid.clone();
    let stat = |name: &String| {
        if !is_relative_name(name) {
            return Err(FeedError::FileName {
                guid: guid(),
                name: name.clone(),
            });
        }
        files(name).map_err(|source| FeedError::MissingFile {
            guid: guid(),
            path: dir.join(name),
            source,
        })
    };
    let meta = stat(&ep.audio_file)?;
    for name in [&ep.transcript_vtt, &ep.transcript_json, &ep.chapters_json]
        .into_iter()
        .flatten()
    {
        stat(name)?;
    }
    let audio_path = dir.join(&ep.audio_file);
    if meta.len != ep.audio_bytes {
        return Err(FeedError::Length {
            guid: guid(),
            path: audio_path,
            expected: ep.audio_bytes,
            actual: meta.len,
        });
    }
    let mime = match AudioFormat::from_path(&audio_path) {
        Ok(AudioFormat::Mp3) => "audio/mpeg",
        Ok(AudioFormat::Opus) => "audio/ogg",
        Ok(AudioFormat::Wav) => "audio/wav",
        Err(_) => {
            return Err(FeedError::AudioType {
                guid: guid(),
                name: ep.audio_file.clone(),
            })
        }
    };
    if !ep.duration_s.is_finite() || ep.duration_s < 0.0 || ep.duration_s > 1e9 {
        return Err(FeedError::Duration {
            guid: guid(),
            value: ep.duration_s,
        });
    }
    let date = match ep.published.as_deref().map(|p| (p, parse_published(p))) {
        Some((_, Some(d))) => d,
        given => {
            let fallback: DateTime<Utc> = DateTime::from(meta.modified);
            match given {
                Some((p, _)) => tracing::warn!(
                    "episode {}: cannot read the date '{p}'; using the audio file's time {}",
                    ep.guid,
                    fallback.to_rfc2822()
                ),
                None => tracing::info!(
                    "episode {}: no date; using the audio file's time {}",
                    ep.guid,
                    fallback.to_rfc2822()
                ),
            }
            fallback.fixed_offset()
        }
    };
    Ok(Checked {
        ep,
        date,
        mime,
        bytes: meta.len,
        seconds: ep.duration_s.round() as u64,
    })
}

/// The value that occurs most often, ties to the first seen.
fn most_common<I: IntoIterator<Item = String>>(values: I) -> Option<String> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (i, v) in values.into_iter().enumerate() {
        counts.entry(v).or_insert((0, i)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|(_, (n1, i1)), (_, (n2, i2))| n1.cmp(n2).then(i2.cmp(i1)))
        .map(|(v, _)| v)
}

/// A language tag as RSS writes it (`en-gb`): `_` → `-`, lower case.
fn rss_language(tag: &str) -> Option<String> {
    let t = tag.trim().replace('_', "-").to_ascii_lowercase();
    let ok = !t.is_empty()
        && t.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
    ok.then_some(t)
}

/// `s` without the characters XML 1.0 cannot carry (control characters from a
/// broken page would make the whole feed unreadable), trimmed.
fn xml_text(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect();
    kept.trim().to_string()
}

/// A podcast-namespace element.
fn podcast(name: &str, value: Option<String>, attrs: &[(&str, &str)]) -> Extension {
    Extension {
        name: format!("podcast:{name}"),
        value,
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        children: BTreeMap::new(),
    }
}

fn podcast_map(elements: Vec<Extension>) -> ExtensionMap {
    let mut by_name: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    for e in elements {
        let local = e.name.trim_start_matches("podcast:").to_string();
        by_name.entry(local).or_default().push(e);
    }
    ExtensionMap::from([("podcast".to_string(), by_name)])
}

fn itunes_category(spec: &str) -> ITunesCategory {
    let mut parts = spec.split('>').map(str::trim).filter(|p| !p.is_empty());
    let top = parts.next().unwrap_or("News").to_string();
    ITunesCategory {
        text: top,
        subcategory: parts.next().map(|s| {
            Box::new(ITunesCategory {
                text: s.to_string(),
                subcategory: None,
            })
        }),
    }
}

fn item(c: &Checked<'_>, base: &Url, settings: &FeedSettings, language: &str) -> Item {
    let ep = c.ep;
    let title = match xml_text(&ep.title) {
        t if t.is_empty() => xml_text(&ep.audio_file),
        t => t,
    };
    let summary = ep
        .description
        .as_deref()
        .map(xml_text)
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| title.clone());
    let description = format!("{summary}\n\n{}", xml_text(&settings.disclosure));
    let lang = ep
        .language
        .as_deref()
        .and_then(rss_language)
        .unwrap_or_else(|| language.to_string());
    let mut ext = Vec::new();
    if let Some(vtt) = &ep.transcript_vtt {
        let url = url_in(base, vtt);
        ext.push(podcast(
            "transcript",
            None,
            &[
                ("url", url.as_str()),
                ("type", "text/vtt"),
                ("language", &lang),
                ("rel", "captions"),
            ],
        ));
    }
    if let Some(json) = &ep.transcript_json {
        let url = url_in(base, json);
        ext.push(podcast(
            "transcript",
            None,
            &[
                ("url", url.as_str()),
                ("type", "application/json"),
                ("language", &lang),
            ],
        ));
    }
    if let Some(ch) = &ep.chapters_json {
        let url = url_in(base, ch);
        ext.push(podcast(
            "chapters",
            None,
            &[("url", url.as_str()), ("type", "application/json+chapters")],
        ));
    }
    Item {
        title: Some(title),
        link: ep
            .link
            .as_deref()
            .and_then(|l| Url::parse(l.trim()).ok())
            .map(String::from),
        description: Some(description),
        enclosure: Some(Enclosure {
            url: url_in(base, &ep.audio_file).into(),
            length: c.bytes.to_string(),
            mime_type: c.mime.into(),
        }),
        guid: Some(Guid {
            value: xml_text(&ep.guid),
            permalink: false,
        }),
        pub_date: Some(c.date.to_rfc2822()),
        extensions: if ext.is_empty() {
            ExtensionMap::new()
        } else {
            podcast_map(ext)
        },
        itunes_ext: Some(ITunesItemExtension {
            author: ep.author.as_deref().map(xml_text).filter(|a| !a.is_empty()),
            duration: Some(c.seconds.to_string()),
            explicit: Some(settings.explicit.to_string()),
            episode_type: Some("full".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A valid PNG that is square and 1400–3000 px, as podcast directories require.
fn check_cover(path: &Path) -> Result<(), FeedError> {
    let bad = |reason: String| FeedError::Cover {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| bad(e.to_string()))?;
    let reader = png::Decoder::new(BufReader::new(file))
        .read_info()
        .map_err(|e| bad(format!("not a PNG image ({e})")))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w != h || !(1400..=3000).contains(&w) {
        return Err(bad(format!(
            "{w}×{h} px; podcast covers are square, 1400 to 3000 px"
        )));
    }
    Ok(())
}

/// The generated cover: a diagonal gradient with rings like sound waves, no text.
fn write_cover(path: &Path) -> Result<(), FeedError> {
    let io = |source| FeedError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = crate::atomic::temp_beside(path, ".part").map_err(io)?;
    {
        let file = BufWriter::new(tmp.reopen().map_err(io)?);
        let mut enc = png::Encoder::new(file, COVER_SIZE, COVER_SIZE);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        let mut stream = writer.stream_writer()?;
        let n = COVER_SIZE as f32;
        let (cx, cy) = (n * 0.5, n * 0.56);
        let mut row = vec![0u8; COVER_SIZE as usize * 3];
        for y in 0..COVER_SIZE {
            for (x, px) in row.chunks_exact_mut(3).enumerate() {
                let (fx, fy) = (x as f32, y as f32);
                // Deep blue at the top left to teal at the bottom right.
                let t = (fx + fy) / (2.0 * n);
                let mut rgb = [18.0 + 10.0 * t, 40.0 + 110.0 * t, 92.0 + 60.0 * t];
                // Three soft rings around a dot.
                let r = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt() / n;
                let ring = [0.06f32, 0.16, 0.26, 0.36]
                    .iter()
                    .map(|&c| (1.0 - ((r - c).abs() / 0.012)).max(0.0))
                    .fold(0.0f32, f32::max);
                let dot = if r < 0.035 { 1.0 } else { 0.0 };
                let glow = ring.max(dot) * (1.0 - (r * 1.8).min(0.9));
                for c in &mut rgb {
                    *c += (245.0 - *c) * glow;
                }
                for (p, c) in px.iter_mut().zip(rgb) {
                    *p = c.clamp(0.0, 255.0) as u8;
                }
            }
            stream.write_all(&row).map_err(io)?;
        }
        stream.finish()?;
        writer.finish()?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Write `dir/feed.xml` for `episodes` (files in `dir`, served from `base_url`).
///
/// Everything is checked before anything is written: the base URL (http or https,
/// no credentials, query or fragment), the settings' URLs, every episode's files
/// (relative names that exist; the audio's size equal to `audio_bytes`) and guids
/// (not empty, unique). Without `image_url` the cover is `dir/cover.png`: kept if
/// present (it must be a square PNG of 1400–3000 px), generated (1400×1400) if not.
/// Items are newest first. The feed is written to a temp file and renamed into place.
pub fn write_feed(
    dir: &Path,
    base_url: &Url,
    settings: &FeedSettings,
    episodes: &[Episode],
) -> Result<PathBuf, FeedError> {
    write_feed_with(dir, base_url, settings, episodes, &|name| {
        local_file(dir, name)
    })
}

/// [`write_feed`] for episodes whose files are elsewhere (an object store):
/// `files` answers for them; `feed.xml` and a generated cover are written to `dir`.
pub fn write_feed_with(
    dir: &Path,
    base_url: &Url,
    settings: &FeedSettings,
    episodes: &[Episode],
    files: &dyn Fn(&str) -> std::io::Result<FileInfo>,
) -> Result<PathBuf, FeedError> {
    check_base(base_url)?;
    if xml_text(&settings.disclosure).is_empty() {
        return Err(FeedError::NoDisclosure);
    }
    let image_url = settings
        .image_url
        .as_deref()
        .map(|u| http_url("image_url", u))
        .transpose()?;
    let link = settings
        .link
        .as_deref()
        .map(|u| http_url("link", u))
        .transpose()?;

    let mut checked = Vec::with_capacity(episodes.len());
    let mut seen = std::collections::HashSet::new();
    for ep in episodes {
        let c = check_episode(dir, ep, files)?;
        if !seen.insert(ep.guid.trim()) {
            return Err(FeedError::DuplicateGuid(ep.guid.trim().to_string()));
        }
        checked.push(c);
    }
    // Newest first; equal dates keep the given order.
    checked.sort_by_key(|c| std::cmp::Reverse(c.date));

    let feed_url = url_in(base_url, FEED_FILE);
    let site = most_common(checked.iter().filter_map(|c| {
        let u = Url::parse(c.ep.link.as_deref()?).ok()?;
        let host = u.host_str()?.to_string();
        matches!(u.scheme(), "http" | "https").then(|| format!("{}://{host}/", u.scheme()))
    }))
    .and_then(|s| Url::parse(&s).ok());
    let site_name = site.as_ref().and_then(|u| {
        u.host_str()
            .map(|h| h.strip_prefix("www.").unwrap_or(h).to_string())
    });
    let language = settings
        .language
        .as_deref()
        .and_then(rss_language)
        .or_else(|| {
            most_common(
                checked
                    .iter()
                    .filter_map(|c| c.ep.language.as_deref().and_then(rss_language)),
            )
        })
        .unwrap_or_else(|| "en".into());
    let nonempty = |s: &Option<String>| s.as_deref().map(xml_text).filter(|s| !s.is_empty());
    let title = nonempty(&settings.title).unwrap_or_else(|| match &site_name {
        Some(s) => format!("{s} (narrated)"),
        None => "narrator podcast".into(),
    });
    let about = nonempty(&settings.description).unwrap_or_else(|| match &site_name {
        Some(s) => format!("Articles from {s}, narrated."),
        None => "Narrated articles.".into(),
    });
    let description = format!("{about} {}", xml_text(&settings.disclosure));
    let link = link
        .or(site)
        .unwrap_or_else(|| base_url.clone())
        .to_string();
    let author = nonempty(&settings.author)
        .or(site_name)
        .unwrap_or_else(|| "narrator".into());

    let image = match image_url {
        Some(u) => u.to_string(),
        None => {
            let path = dir.join(COVER_FILE);
            if path.exists() {
                check_cover(&path)?;
            } else {
                write_cover(&path)?;
            }
            url_in(base_url, COVER_FILE).to_string()
        }
    };

    let items: Vec<Item> = checked
        .iter()
        .map(|c| item(c, base_url, settings, &language))
        .collect();
    let owner = nonempty(&settings.owner_email);
    let owner = owner.as_deref();
    let owner_attr: Vec<(&str, &str)> = owner.map(|o| ("owner", o)).into_iter().collect();
    let locked = podcast(
        "locked",
        Some(if settings.locked { "yes" } else { "no" }.into()),
        &owner_attr,
    );
    let guid = podcast(
        "guid",
        Some(podcast_guid(feed_url.as_str()).to_string()),
        &[],
    );
    let channel = Channel {
        title: title.clone(),
        link: link.clone(),
        description,
        language: Some(language),
        generator: Some(format!("narrator {}", env!("CARGO_PKG_VERSION"))),
        // The newest episode's date, so the same episodes give the same bytes.
        pub_date: checked.first().map(|c| c.date.to_rfc2822()),
        image: Some(Image {
            url: image.clone(),
            title: title.clone(),
            link,
            ..Default::default()
        }),
        items,
        extensions: podcast_map(vec![guid, locked]),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: feed_url.to_string(),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Default::default()
            }],
        }),
        itunes_ext: Some(ITunesChannelExtension {
            author: Some(author.clone()),
            categories: vec![itunes_category(&xml_text(&settings.category))],
            image: Some(image),
            explicit: Some(settings.explicit.to_string()),
            owner: owner.map(|e| ITunesOwner {
                name: Some(author),
                email: Some(e.to_string()),
            }),
            summary: None,
            r#type: Some("episodic".into()),
            ..Default::default()
        }),
        namespaces: BTreeMap::from([("podcast".to_string(), PODCAST_NAMESPACE.to_string())]),
        ..Default::default()
    };

    let path = dir.join(FEED_FILE);
    let io = |source| FeedError::Io {
        path: path.clone(),
        source,
    };
    let tmp = crate::atomic::temp_beside(&path, ".part").map_err(io)?;
    // Compact: the indenting writer would put a line break inside every empty
    // element (`<podcast:transcript …>` is written as a start and an end tag).
    let mut out = channel.write_to(BufWriter::new(tmp.reopen().map_err(io)?))?;
    out.write_all(b"\n").map_err(io)?;
    out.flush().map_err(io)?;
    drop(out);
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(&path).map_err(|e| io(e.error))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podcast_guid_matches_the_spec_vector() {
        let want = "9b024349-ccf0-5f69-a609-6b82873eab3c";
        assert_eq!(podcast_guid("podnews.net/rss").to_string(), want);
        // Scheme and trailing slashes are not part of the name.
        assert_eq!(podcast_guid("https://podnews.net/rss/").to_string(), want);
        assert_ne!(podcast_guid("podnews.net/rss2").to_string(), want);
    }

    #[test]
    fn episode_guid_is_the_article_identity() {
        let g = episode_guid("https://example.com/news/a");
        assert!(g.starts_with("narrator:"), "{g}");
        for same in [
            "http://example.com/news/a",
            "https://EXAMPLE.com/news/a/",
            " https://example.com/news/a#comments ",
        ] {
            assert_eq!(episode_guid(same), g, "{same}");
        }
        assert_ne!(episode_guid("https://example.com/news/b"), g);
        assert_ne!(episode_guid("https://example.com/news/a?page=2"), g);
        // A CMS id is its own identity.
        assert_eq!(episode_guid("cms:1234"), episode_guid("cms:1234"));
        assert_ne!(episode_guid("cms:1234"), episode_guid("cms:1235"));
    }

    #[test]
    fn dates_become_rfc_2822() {
        let f = |s: &str| parse_published(s).map(|d| d.to_rfc2822());
        assert_eq!(
            f("2024-03-05T14:30:00+02:00").as_deref(),
            Some("Tue, 5 Mar 2024 14:30:00 +0200")
        );
        assert_eq!(
            f("2024-03-05T14:30:00.250Z").as_deref(),
            Some("Tue, 5 Mar 2024 14:30:00 +0000")
        );
        assert_eq!(
            f("2024-03-05T14:30+0530").as_deref(),
            Some("Tue, 5 Mar 2024 14:30:00 +0530")
        );
        assert_eq!(
            f("2024-03-05").as_deref(),
            Some("Tue, 5 Mar 2024 00:00:00 +0000")
        );
        assert_eq!(
            f("2024-03-05 09:05").as_deref(),
            Some("Tue, 5 Mar 2024 09:05:00 +0000")
        );
        assert_eq!(
            f("Tue, 5 Mar 2024 14:30:00 GMT").as_deref(),
            Some("Tue, 5 Mar 2024 14:30:00 +0000")
        );
        for bad in ["", "yesterday", "2024-13-40", "2024-03-05T25:00:00Z"] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }

    #[test]
    fn base_urls_that_cannot_serve_a_feed() {
        for bad in [
            "ftp://example.com/pod/",
            "file:///srv/pod/",
            "https://user:pw@example.com/pod/",
            "https://example.com/pod/?x=1",
            "https://example.com/pod/#top",
        ] {
            let u = Url::parse(bad).expect("parses");
            let e = check_base(&u).expect_err(bad);
            assert!(e.is_usage(), "{bad}");
        }
        check_base(&Url::parse("http://127.0.0.1:8080/pod").expect("url")).expect("ok");
    }

    #[test]
    fn media_urls_are_the_base_as_a_directory() {
        let with = Url::parse("https://example.com/pod/").expect("url");
        let without = Url::parse("https://example.com/pod").expect("url");
        for base in [&with, &without] {
            assert_eq!(
                url_in(base, "a b/ü#1?.mp3").as_str(),
                "https://example.com/pod/a%20b/%C3%BC%231%3F.mp3"
            );
        }
        assert!(is_relative_name("ep/a.mp3"));
        for bad in [
            "",
            "/abs.mp3",
            "../up.mp3",
            "a//b.mp3",
            "a/./b",
            "a\\b",
            "a\nb",
        ] {
            assert!(!is_relative_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn channel_defaults_pick_the_most_common() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(most_common(v(&["b", "a", "a", "b"])).as_deref(), Some("b"));
        assert_eq!(most_common(v(&["x", "y", "y"])).as_deref(), Some("y"));
        assert_eq!(most_common(Vec::new()), None);
        assert_eq!(rss_language("en_GB").as_deref(), Some("en-gb"));
        assert_eq!(rss_language("en GB"), None);
    }

    #[test]
    fn text_loses_what_xml_cannot_carry() {
        assert_eq!(xml_text(" a\u{1}b\u{b} c\u{fffe} "), "ab c");
        assert_eq!(xml_text("tab\tnew\nline <&>"), "tab\tnew\nline <&>");
    }

    #[test]
    fn categories_may_have_a_subcategory() {
        let c = itunes_category("News > Tech News");
        assert_eq!(c.text, "News");
        assert_eq!(c.subcategory.map(|s| s.text).as_deref(), Some("Tech News"));
        assert!(itunes_category("News").subcategory.is_none());
    }

    #[test]
    fn settings_deserialize_with_defaults_and_reject_unknown_keys() {
        let s: FeedSettings = toml::from_str("title = \"T\"\nexplicit = true").expect("toml");
        assert_eq!(s.title.as_deref(), Some("T"));
        assert!(s.explicit && s.locked);
        assert_eq!((s.sample_rate, s.mp3_bitrate_kbps), (44_100, 96));
        assert_eq!(s.category, "News");
        assert!(s.spoken_disclosure().is_some());
        let off: FeedSettings = toml::from_str("spoken_disclosure = \"\"").expect("toml");
        assert_eq!(off.spoken_disclosure(), None);
        assert!(toml::from_str::<FeedSettings>("titel = \"T\"").is_err());
    }
}
