use std::path::PathBuf;
use std::time::Duration;

/// Why an article could not be loaded. Each message names the input and what
/// was wrong with it, and says what to try instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error("no input given: pass a URL (https://...), a file path, or - for standard input")]
    EmptyInput,

    #[error(
        "unsupported URL scheme {scheme:?} in {input:?}: narrator fetches http:// and https:// \
         URLs; for a local file pass its path instead"
    )]
    UnsupportedScheme { input: String, scheme: String },

    #[error("invalid URL {input:?}: check the address for typos")]
    InvalidUrl {
        input: String,
        #[source]
        source: url::ParseError,
    },

    #[error("file not found: {path}{hint}", hint = file_not_found_hint(path))]
    FileNotFound { path: PathBuf },

    #[error("{path} is a directory: pass the article file inside it")]
    IsDirectory { path: PathBuf },

    #[error("could not read {path}")]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("could not read standard input")]
    Stdin {
        #[source]
        source: std::io::Error,
    },

    #[error(
        "could not reach {url}: check the address and your network connection, then try again"
    )]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },

    #[error(
        "timed out after {after:?} fetching {url}: the server is slow or not answering; \
         try again later or allow a longer timeout"
    )]
    Timeout { url: String, after: Duration },

    #[error(
        "HTTP {status}{reason} for {url}: {hint}",
        reason = status_reason(*status),
        hint = status_hint(*status)
    )]
    HttpStatus { url: String, status: u16 },

    #[error(
        "{url} is {content_type}, not a web page or text narrator can read (HTML, Markdown or \
         plain text){hint}",
        hint = content_type_hint(content_type)
    )]
    UnsupportedContentType { url: String, content_type: String },

    #[error("{input} is not text: {kind}; {hint}", hint = kind.hint())]
    NotText {
        input: String,
        kind: super::BinaryKind,
    },

    #[error(
        "{input} is larger than the limit of {limit} bytes ({size}): it is probably not a \
         single article; raise the size limit (--max-bytes, or max_bytes in the config) if it \
         really is",
        size = human_size(*limit)
    )]
    TooLarge { input: String, limit: u64 },

    #[error(
        "too many redirects (more than {max}) fetching {url}: the site keeps sending narrator \
         elsewhere; open the URL in a browser and pass the final address"
    )]
    TooManyRedirects { url: String, max: usize },

    #[error(
        "redirect loop fetching {url}: the site redirects back to a page it already sent; \
         it may need cookies or a login — save the page from a browser and pass the file"
    )]
    RedirectLoop { url: String },

    #[error(
        "{url} resolves to {addr}, a loopback, private, link-local or metadata address, \
         which this server does not fetch (start it with --allow-private-urls to allow)"
    )]
    PrivateAddress { url: String, addr: std::net::IpAddr },

    #[error("fetching {url} failed")]
    Http {
        url: String,
        #[source]
        source: reqwest::Error,
    },

    #[error("the connection broke while reading {url}: try again")]
    Body {
        url: String,
        #[source]
        source: std::io::Error,
    },

    #[error("could not set up the HTTP client")]
    Client {
        #[source]
        source: reqwest::Error,
    },
}

impl SourceError {
    /// Whether trying the same input again later might succeed: network
    /// trouble, timeouts, rate limits and server-side errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            SourceError::Unreachable { .. }
            | SourceError::Timeout { .. }
            | SourceError::Body { .. } => true,
            // A body that fails to decompress will fail the same way again.
            SourceError::Http { source, .. } => !source.is_decode() && !source.is_builder(),
            SourceError::HttpStatus { status, .. } => {
                matches!(status, 408 | 425 | 429) || (500..600).contains(status)
            }
            _ => false,
        }
    }
}

fn file_not_found_hint(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let (first, rest) = text.split_once('/').unwrap_or((&text, ""));
    let is_document_name = [".html", ".htm", ".md", ".markdown", ".txt"]
        .iter()
        .any(|ext| first.to_ascii_lowercase().ends_with(ext));
    let looks_like_host = first.starts_with("www.")
        || (first.contains('.')
            && !first.starts_with('.')
            && !rest.is_empty()
            && !is_document_name);
    if looks_like_host {
        format!(" (for a web page, include the scheme: https://{text})")
    } else {
        " (check the path)".to_string()
    }
}

fn status_reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} B")
    }
}

fn status_hint(status: u16) -> &'static str {
    match status {
        404 | 410 => "the page does not exist; check the address",
        401 | 403 => {
            "the site refused access (login, paywall or bot blocking); save the page from a \
             browser and pass the file"
        }
        408 | 429 => "the site is busy or rate limiting; try again later",
        500..=599 => "the server had an error; try again later",
        _ => "the server did not return the page",
    }
}

fn content_type_hint(content_type: &str) -> &'static str {
    if content_type.contains("pdf") {
        "; convert the PDF to text first and pass the .txt file"
    } else if content_type.starts_with("image/")
        || content_type.starts_with("audio/")
        || content_type.starts_with("video/")
    {
        "; pass the URL of the article page instead"
    } else {
        "; pass the URL of the article's web page"
    }
}
