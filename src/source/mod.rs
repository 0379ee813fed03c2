//! Fetch a URL or read a file / stdin into a [`Document`]: raw bytes plus what
//! kind of text they are. Decoding and extraction happen in `extract`.
//!
//! Every limit is explicit ([`FetchOptions`]) and every failure is a
//! [`SourceError`] that names what went wrong and hints at the fix.

mod error;
mod http;
mod sniff;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use error::SourceError;
pub use sniff::{sniff_binary, BinaryKind};

/// Where the article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An `http` or `https` URL.
    Url(url::Url),
    /// A local file.
    File(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
}

impl Input {
    /// Parses a command-line argument: `-` is stdin, an `http(s)://` URL is
    /// fetched, any other scheme is rejected, and everything else is a path.
    pub fn parse(arg: &str) -> Result<Input, SourceError> {
        let trimmed = arg.trim();
        if trimmed.is_empty() {
            return Err(SourceError::EmptyInput);
        }
        if trimmed == "-" {
            return Ok(Input::Stdin);
        }
        // An existing file wins over URL syntax ("notes:draft.html").
        let existing_file = Path::new(arg).exists();
        if let Some(scheme) = url_scheme(trimmed).filter(|_| !existing_file) {
            let lower = scheme.to_ascii_lowercase();
            if lower == "http" || lower == "https" {
                return url::Url::parse(trimmed).map(Input::Url).map_err(|source| {
                    SourceError::InvalidUrl {
                        input: trimmed.to_string(),
                        source,
                    }
                });
            }
            return Err(SourceError::UnsupportedScheme {
                input: trimmed.to_string(),
                scheme: lower,
            });
        }
        Ok(Input::File(PathBuf::from(arg)))
    }
}

/// The scheme of `s` if it looks like `scheme:...` with a scheme of two or
/// more characters (so `C:\file.html` stays a Windows path).
fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = scheme.len() >= 2
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Url(url) => write!(f, "{url}"),
            Input::File(path) => write!(f, "{}", path.display()),
            Input::Stdin => f.write_str("standard input"),
        }
    }
}

/// What kind of text a [`Document`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Html,
    Markdown,
    Text,
}

/// Raw bytes of an article as loaded, not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub bytes: Vec<u8>,
    pub kind: DocKind,
    /// The final URL after redirects, for fetched documents.
    pub url: Option<String>,
    /// The charset named by the transport (HTTP `Content-Type`), if any.
    pub charset_hint: Option<String>,
}

impl Document {
    /// A document with no URL and no charset hint (tests, stdin, embedding).
    pub fn new(bytes: impl Into<Vec<u8>>, kind: DocKind) -> Document {
        Document {
            bytes: bytes.into(),
            kind,
            url: None,
            charset_hint: None,
        }
    }
}

/// Limits and identity for fetching. Files and stdin honour `max_bytes` too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Largest body accepted, in bytes (after decompression).
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    /// Deadline for the whole fetch: connect, redirects, headers and body.
    pub total_timeout: Duration,
    pub max_redirects: usize,
    pub user_agent: String,
    /// Connect to loopback, private, link-local and cloud-metadata addresses. The CLI
    /// does (a user fetches what they ask for); the server does not unless told to,
    /// so a request cannot make it reach its own network. Checked at connect time (the
    /// resolver's answers) and for every redirect target.
    pub allow_private_addresses: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            max_bytes: 10 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_redirects: 10,
            user_agent: concat!(
                "Mozilla/5.0 (compatible; narrator/",
                env!("CARGO_PKG_VERSION"),
                "; article-to-audio)"
            )
            .to_string(),
            allow_private_addresses: true,
        }
    }
}

/// Loads `input` into memory, within the limits of `opts`. Bytes that are not
/// text (an image, a PDF, an archive, noise: [`sniff_binary`]) are refused
/// whatever the file's name or the server's content type says.
///
/// Blocking: URLs are fetched with `reqwest::blocking`, which must not run on
/// an async runtime's worker thread — from async code, call it inside
/// `tokio::task::spawn_blocking`.
pub fn load(input: &Input, opts: &FetchOptions) -> Result<Document, SourceError> {
    let doc = load_bytes(input, opts)?;
    if let Some(kind) = sniff_binary(&doc.bytes, doc.charset_hint.as_deref()) {
        return Err(SourceError::NotText {
            // A fetched body is named by its final URL, like the other HTTP errors.
            input: doc.url.clone().unwrap_or_else(|| input.to_string()),
            kind,
        });
    }
    Ok(doc)
}

fn load_bytes(input: &Input, opts: &FetchOptions) -> Result<Document, SourceError> {
    match input {
        Input::Url(url) => http::fetch(url, opts),
        Input::File(path) => load_file(path, opts),
        Input::Stdin => {
            let bytes = read_limited(std::io::stdin().lock(), opts.max_bytes, None).map_err(
                |e| match e {
                    LimitedReadError::TooLarge => SourceError::TooLarge {
                        input: "standard input".to_string(),
                        limit: opts.max_bytes,
                    },
                    LimitedReadError::Io(source) => SourceError::Stdin { source },
                    LimitedReadError::TimedOut => SourceError::Stdin {
                        source: std::io::ErrorKind::TimedOut.into(),
                    },
                },
            )?;
            let kind = sniff_kind(&bytes);
            Ok(Document::new(bytes, kind))
        }
    }
}

fn load_file(path: &Path, opts: &FetchOptions) -> Result<Document, SourceError> {
    let file = std::fs::File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SourceError::FileNotFound {
                path: path.to_path_buf(),
            }
        } else {
            SourceError::ReadFile {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    let meta = file.metadata().map_err(|source| SourceError::ReadFile {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(SourceError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let too_large = || SourceError::TooLarge {
        input: path.display().to_string(),
        limit: opts.max_bytes,
    };
    if meta.len() > opts.max_bytes {
        return Err(too_large());
    }
    let bytes = read_limited(file, opts.max_bytes, None).map_err(|e| match e {
        LimitedReadError::TooLarge => too_large(),
        LimitedReadError::Io(source) => SourceError::ReadFile {
            path: path.to_path_buf(),
            source,
        },
        LimitedReadError::TimedOut => SourceError::ReadFile {
            path: path.to_path_buf(),
            source: std::io::ErrorKind::TimedOut.into(),
        },
    })?;
    let kind = kind_from_extension(path).unwrap_or_else(|| sniff_kind(&bytes));
    Ok(Document::new(bytes, kind))
}

/// Document kind named by a file or URL path extension.
fn kind_from_extension(path: &Path) -> Option<DocKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "shtml" => Some(DocKind::Html),
        "md" | "markdown" | "mdown" | "mkd" => Some(DocKind::Markdown),
        "txt" | "text" => Some(DocKind::Text),
        _ => None,
    }
}

/// Guesses the kind of untyped bytes: HTML if an `<html` or `<!doctype`
/// appears near the start, Markdown if it opens with an ATX heading, else text.
pub(crate) fn sniff_kind(bytes: &[u8]) -> DocKind {
    let head = &bytes[..bytes.len().min(2048)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<!doctype") {
        return DocKind::Html;
    }
    let first_line = lower
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    if first_line.starts_with("# ") || first_line.trim_end() == "---" {
        DocKind::Markdown
    } else {
        DocKind::Text
    }
}

pub(crate) enum LimitedReadError {
    TooLarge,
    TimedOut,
    Io(std::io::Error),
}

/// Reads at most `limit` bytes, in chunks, so a body larger than the limit is
/// refused after `limit + 1` bytes whatever any length header claimed. With a
/// `deadline`, a body still arriving after it is refused too.
pub(crate) fn read_limited(
    mut reader: impl Read,
    limit: u64,
    deadline: Option<Instant>,
) -> Result<Vec<u8>, LimitedReadError> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return Err(LimitedReadError::TimedOut)
            }
            Err(e) => return Err(LimitedReadError::Io(e)),
        };
        if (bytes.len() + n) as u64 > limit {
            return Err(LimitedReadError::TooLarge);
        }
        bytes.extend_from_slice(&chunk[..n]);
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(LimitedReadError::TimedOut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_inputs() {
        assert_eq!(Input::parse("-").ok(), Some(Input::Stdin));
        assert!(matches!(
            Input::parse("https://example.com/a"),
            Ok(Input::Url(_))
        ));
        assert!(matches!(
            Input::parse("HTTP://example.com/"),
            Ok(Input::Url(_))
        ));
        assert_eq!(
            Input::parse("news/today.html").ok(),
            Some(Input::File(PathBuf::from("news/today.html")))
        );
        assert_eq!(
            Input::parse(r"C:\news\today.html").ok(),
            Some(Input::File(PathBuf::from(r"C:\news\today.html")))
        );
        assert!(matches!(
            Input::parse("ftp://example.com/a"),
            Err(SourceError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            Input::parse("file:///tmp/a.html"),
            Err(SourceError::UnsupportedScheme { .. })
        ));
        assert!(matches!(Input::parse("  "), Err(SourceError::EmptyInput)));
    }

    #[test]
    fn sniffs_kinds() {
        assert_eq!(sniff_kind(b"<!DOCTYPE html><p>x"), DocKind::Html);
        assert_eq!(sniff_kind(b"\n# Title\n\nBody"), DocKind::Markdown);
        assert_eq!(sniff_kind(b"Title\n\nBody"), DocKind::Text);
    }
}
