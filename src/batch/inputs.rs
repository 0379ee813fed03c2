//! What `batch` reads: article URLs and files (as `narrate` takes them), directories
//! (their `.html`/`.htm`/`.md`/`.txt` files), `@LIST` files (one input a line, `#`
//! comments) and RSS/Atom feeds (a URL or file: each item's page is fetched, or its
//! full content used when the item carries it).

use std::path::{Path, PathBuf};

use crate::plan::Source;
use crate::source::{self, FetchOptions, Input, SourceError};

/// Why an input gave no articles.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("directory {0} has no articles (.html, .htm, .md or .txt files)")]
    NoArticles(PathBuf),
    #[error("feed {0} has no items")]
    EmptyFeed(String),
    #[error("{input} is neither an RSS nor an Atom feed: {reason}")]
    BadFeed { input: String, reason: String },
    #[error("cannot read the list {path}: {source}")]
    List {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// What a feed item says about its article (the page may say more).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemMeta {
    pub title: Option<String>,
    /// ISO 8601.
    pub published: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
}

/// One article to narrate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    /// As the user or feed named it (reports, the manifest's `source`).
    pub source: String,
    /// What the plan reads.
    pub load: Source,
    /// The article's identity: its URL, the feed item's guid or id, or the file's
    /// canonical path. Decides the guid and the manifest entry.
    pub identity: String,
    /// The article's web address, when it has one.
    pub link: Option<String>,
    pub meta: ItemMeta,
}

/// Article file extensions a directory is searched for.
const ARTICLE_EXTS: &[&str] = &["html", "htm", "md", "markdown", "txt"];

/// Expand every input into articles; inputs that give none are reported with why.
pub fn expand(
    inputs: &[String],
    fetch: &FetchOptions,
) -> (Vec<BatchItem>, Vec<(String, InputError)>) {
    let mut items = Vec::new();
    let mut failed = Vec::new();
    for input in inputs {
        expand_one(input, fetch, &mut items, &mut failed, 0);
    }
    // The same article named twice is narrated once.
    let mut seen = std::collections::BTreeSet::new();
    items.retain(|i: &BatchItem| seen.insert(i.identity.clone()));
    (items, failed)
}

fn expand_one(
    input: &str,
    fetch: &FetchOptions,
    items: &mut Vec<BatchItem>,
    failed: &mut Vec<(String, InputError)>,
    depth: usize,
) {
    let input = input.trim();
    if let Some(list) = input.strip_prefix('@') {
        let path = PathBuf::from(list);
        match std::fs::read_to_string(&path) {
            // Lists may name lists, but not forever.
            Ok(text) if depth < 8 => {
                for line in text.lines() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    expand_one(line, fetch, items, failed, depth + 1);
                }
            }
            Ok(_) => failed.push((
                input.to_string(),
                InputError::List {
                    path,
                    source: std::io::Error::other("lists nested more than 8 deep"),
                },
            )),
            Err(source) => failed.push((input.to_string(), InputError::List { path, source })),
        }
        return;
    }
    match one(input, fetch) {
        Ok(mut found) => items.append(&mut found),
        Err(e) => failed.push((input.to_string(), e)),
    }
}

fn one(input: &str, fetch: &FetchOptions) -> Result<Vec<BatchItem>, InputError> {
    match Input::parse(input)? {
        Input::Stdin => Ok(vec![BatchItem {
            source: "-".into(),
            load: Source::Stdin,
            identity: "stdin".into(),
            link: None,
            meta: ItemMeta::default(),
        }]),
        Input::Url(url) => {
            let doc = source::load(&Input::Url(url.clone()), fetch)?;
            if looks_like_feed(&doc.bytes) {
                let base = doc.url.clone().unwrap_or_else(|| url.to_string());
                return feed_items(input, &base, &doc.bytes);
            }
            Ok(vec![BatchItem {
                source: input.to_string(),
                load: Source::Url(url.to_string()),
                identity: url.to_string(),
                link: Some(url.to_string()),
                meta: ItemMeta::default(),
            }])
        }
        Input::File(path) if path.is_dir() => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|source| SourceError::ReadFile {
                    path: path.clone(),
                    source,
                })?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && has_ext(p, ARTICLE_EXTS))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(InputError::NoArticles(path));
            }
            Ok(files.into_iter().map(|p| file_item(&p)).collect())
        }
        Input::File(path) if !path.exists() => Err(InputError::Missing(path)),
        Input::File(path) => {
            if has_ext(&path, &["xml", "rss", "atom"]) || sniff_file_feed(&path) {
                let bytes = source::load(&Input::File(path.clone()), fetch)?.bytes;
                return feed_items(input, "", &bytes);
            }
            Ok(vec![file_item(&path)])
        }
    }
}

fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn file_item(path: &Path) -> BatchItem {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    BatchItem {
        source: path.display().to_string(),
        load: Source::File(path.to_path_buf()),
        identity: format!("file:{}", canonical.display()),
        link: None,
        meta: ItemMeta::default(),
    }
}

/// A file whose first bytes are an RSS or Atom root (a `.html` that is really a feed).
fn sniff_file_feed(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    looks_like_feed(&head[..n])
}

/// Whether bytes start like an RSS or Atom document.
pub fn looks_like_feed(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let body = if head.starts_with("<?xml") {
        head.split_once("?>").map_or("", |(_, rest)| rest)
    } else {
        head
    };
    // Skip comments and stylesheets before the root element.
    let mut rest = body.trim_start();
    while rest.starts_with("<!--") || rest.starts_with("<?") {
        let end = if rest.starts_with("<!--") {
            "-->"
        } else {
            "?>"
        };
        rest = rest.split_once(end).map_or("", |(_, r)| r).trim_start();
    }
    rest.starts_with("<rss") || rest.starts_with("<feed") || rest.starts_with("<rdf:rdf")
}

/// Text that is a whole article, not a teaser: enough words to narrate.
fn is_full_content(html: &str) -> bool {
    let text_len = html
        .split(['<', '>'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t.split_whitespace().count())
        .sum::<usize>();
    text_len >= 150
}

fn feed_items(input: &str, base: &str, bytes: &[u8]) -> Result<Vec<BatchItem>, InputError> {
    let resolve = |link: &str| -> String {
        url::Url::parse(base)
            .and_then(|b| b.join(link))
            .map(|u| u.to_string())
            .unwrap_or_else(|_| link.to_string())
    };
    let items = match rss::Channel::read_from(bytes) {
        Ok(channel) => channel
            .items()
            .iter()
            .filter_map(|it| {
                let link = it.link().map(|l| resolve(l.trim()));
                let identity = it
                    .guid()
                    .map(|g| g.value().trim().to_string())
                    .filter(|g| !g.is_empty())
                    .or_else(|| link.clone())?;
                let content = it.content().filter(|c| is_full_content(c));
                let load = match (content, &link) {
                    (Some(c), _) => Source::Html(c.to_string()),
                    (None, Some(l)) => Source::Url(l.clone()),
                    (None, None) => Source::Html(it.description()?.to_string()),
                };
                Some(BatchItem {
                    source: link
                        .clone()
                        .unwrap_or_else(|| format!("{input} item {identity}")),
                    load,
                    identity,
                    link,
                    meta: ItemMeta {
                        title: it.title().map(str::to_string),
                        published: it.pub_date().and_then(rfc2822_to_iso),
                        author: it.author().map(str::to_string).or_else(|| {
                            it.dublin_core_ext()
                                .and_then(|d| d.creators().first().cloned())
                        }),
                        description: it.description().map(str::to_string),
                    },
                })
            })
            .collect::<Vec<_>>(),
        Err(rss_err) => match atom_syndication::Feed::read_from(bytes) {
            Ok(feed) => feed
                .entries()
                .iter()
                .map(|e| {
                    let link = e
                        .links()
                        .iter()
                        .find(|l| l.rel() == "alternate")
                        .or_else(|| e.links().first())
                        .map(|l| resolve(l.href()));
                    let content = e
                        .content()
                        .and_then(|c| c.value())
                        .filter(|c| is_full_content(c));
                    let load = match (content, &link) {
                        (Some(c), _) => Source::Html(c.to_string()),
                        (None, Some(l)) => Source::Url(l.clone()),
                        (None, None) => {
                            Source::Html(e.summary().map(|s| s.value.clone()).unwrap_or_default())
                        }
                    };
                    BatchItem {
                        source: link.clone().unwrap_or_else(|| e.id().to_string()),
                        load,
                        identity: e.id().to_string(),
                        link,
                        meta: ItemMeta {
                            title: Some(e.title().value.clone()),
                            published: e
                                .published()
                                .map(|d| d.to_rfc3339())
                                .or_else(|| Some(e.updated().to_rfc3339())),
                            author: e.authors().first().map(|a| a.name().to_string()),
                            description: e.summary().map(|s| s.value.clone()),
                        },
                    }
                })
                .collect(),
            Err(atom_err) => {
                return Err(InputError::BadFeed {
                    input: input.to_string(),
                    reason: format!("RSS: {rss_err}; Atom: {atom_err}"),
                })
            }
        },
    };
    if items.is_empty() {
        return Err(InputError::EmptyFeed(input.to_string()));
    }
    Ok(items)
}

/// "Tue, 10 Jun 2003 04:00:00 GMT" → "2003-06-10T04:00:00+00:00"; None if unparsable.
pub fn rfc2822_to_iso(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.split_once(',').map_or(s, |(_, rest)| rest).trim();
    let mut parts = s.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?.get(..3)?.to_ascii_lowercase();
    let month = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == month)?
        + 1;
    let year: u32 = parts.next()?.parse().ok()?;
    let year = if year < 100 { year + 2000 } else { year };
    if !(1..=31).contains(&day) {
        return None;
    }
    let time = parts.next().unwrap_or("00:00:00");
    let mut t = time.split(':');
    let (h, m, sec): (u32, u32, u32) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next().unwrap_or("0").parse().ok()?,
    );
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let zone = match parts.next().unwrap_or("GMT") {
        "GMT" | "UT" | "UTC" | "Z" => "+00:00".to_string(),
        "EST" => "-05:00".into(),
        "EDT" => "-04:00".into(),
        "CST" => "-06:00".into(),
        "CDT" => "-05:00".into(),
        "MST" => "-07:00".into(),
        "MDT" => "-06:00".into(),
        "PST" => "-08:00".into(),
        "PDT" => "-07:00".into(),
        z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
            format!("{}:{}", &z[..3], &z[3..])
        }
        _ => "+00:00".into(),
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}{zone}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2822_dates() {
        assert_eq!(
            rfc2822_to_iso("Tue, 10 Jun 2003 04:00:00 GMT").as_deref(),
            Some("2003-06-10T04:00:00+00:00")
        );
        assert_eq!(
            rfc2822_to_iso("13 Mar 2025 13:34:00 +0200").as_deref(),
            Some("2025-03-13T13:34:00+02:00")
        );
        assert_eq!(rfc2822_to_iso("yesterday"), None);
    }

    #[test]
    fn feeds_are_sniffed() {
        assert!(looks_like_feed(
            b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"
        ));
        assert!(looks_like_feed(
            b"\xef\xbb\xbf<?xml version='1.0'?><!-- hi --><feed xmlns=\"http://www.w3.org/2005/Atom\">"
        ));
        assert!(!looks_like_feed(b"<!doctype html><html>"));
    }
}
