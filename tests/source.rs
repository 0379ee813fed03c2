//! Loading articles over real HTTP from a small server on 127.0.0.1, and
//! from files.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use narrator::extract::{extract, ExtractOptions};
use narrator::source::{load, DocKind, Document, FetchOptions, Input, SourceError};

// ---------------------------------------------------------------------------
// A tiny HTTP/1.1 server: one thread per connection, `Connection: close`.

struct Reply {
    status: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

enum Body {
    Bytes(Vec<u8>),
    /// Sends `total` bytes of HTML-ish filler in chunks, without a length.
    Endless {
        total: usize,
    },
    /// Waits before sending anything.
    Stall(Duration),
    /// Sends the first bytes of the body, then waits before the rest.
    Drip(Duration),
}

fn reply(status: &'static str, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", content_type.to_string())],
        body: Body::Bytes(body.into()),
    }
}

fn redirect(to: &str) -> Reply {
    Reply {
        status: "302 Found",
        headers: vec![("Location", to.to_string())],
        body: Body::Bytes(Vec::new()),
    }
}

fn example_page() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kyiv-independent.html"))
        .expect("example page is readable")
}

const CYRILLIC: &str = "Київ готується до зими, кажуть у міській раді.";
const LATIN: &str = "Le café de la gare a rouvert ses portes à Montréal.";

fn route(path: &str, user_agent: &str, accept_encoding: &str) -> Reply {
    if let Some(n) = path.strip_prefix("/redirect/") {
        let n: u32 = n.parse().unwrap_or(0);
        return if n == 0 {
            redirect("/article")
        } else {
            redirect(&format!("/redirect/{}", n - 1))
        };
    }
    if let Some(n) = path.strip_prefix("/onward/") {
        let n: u32 = n.parse().unwrap_or(0);
        return redirect(&format!("/onward/{}", n + 1));
    }
    match path {
        "/article" => reply("200 OK", "text/html; charset=utf-8", example_page()),
        "/loop/a" => redirect("/loop/b"),
        "/loop/b" => redirect("/loop/a"),
        "/missing" => reply("404 Not Found", "text/html", "<h1>Not found</h1>"),
        "/broken" => reply("500 Internal Server Error", "text/html", "<h1>Oops</h1>"),
        "/busy" => reply("503 Service Unavailable", "text/plain", "busy"),
        "/paper.pdf" => reply(
            "200 OK",
            "application/pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec(),
        ),
        "/photo" => reply("200 OK", "image/png", b"\x89PNG\r\n\x1a\n".to_vec()),
        "/api" => reply("200 OK", "application/json", r#"{"ok":true}"#),
        "/cp1251" => {
            let page = format!("<html><body><article><p>{CYRILLIC}</p></article></body></html>");
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
            reply(
                "200 OK",
                "text/html; charset=windows-1251",
                bytes.into_owned(),
            )
        }
        "/latin1" => {
            let page = format!(
                "<html><head><meta charset=\"ISO-8859-1\"><title>Caf\u{e9}</title></head>\
                 <body><p>{LATIN}</p></body></html>"
            );
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
            reply("200 OK", "text/html", bytes.into_owned())
        }
        "/gzip" => Reply {
            status: "200 OK",
            headers: vec![
                ("Content-Type", "text/html; charset=utf-8".to_string()),
                ("Content-Encoding", "gzip".to_string()),
            ],
            body: Body::Bytes(gzip_stored(&example_page())),
        },
        "/huge" => Reply {
            status: "200 OK",
            headers: vec![("Content-Type", "text/html".to_string())],
            body: Body::Endless { total: 4 << 20 },
        },
        "/huge-declared" => Reply {
            status: "200 OK",
            headers: vec![
                ("Content-Type", "text/html".to_string()),
                ("Content-Length", (4u64 << 20).to_string()),
            ],
            body: Body::Endless { total: 4 << 20 },
        },
        "/slow" => Reply {
            status: "200 OK",
            headers: vec![("Content-Type", "text/html".to_string())],
            body: Body::Stall(Duration::from_secs(5)),
        },
        "/drip" => Reply {
            status: "200 OK",
            headers: vec![("Content-Type", "text/html".to_string())],
            body: Body::Drip(Duration::from_secs(5)),
        },
        "/notes.md" => reply(
            "200 OK",
            "text/plain; charset=utf-8",
            "# Notes\n\nSome text.",
        ),
        "/plain" => reply("200 OK", "text/plain", "Headline\n\nBody text."),
        "/markdown" => reply("200 OK", "text/markdown", "# Title\n\nBody text."),
        "/untyped" => Reply {
            status: "200 OK",
            headers: Vec::new(),
            body: Body::Bytes(b"<!DOCTYPE html><p>untyped page body</p>".to_vec()),
        },
        "/user-agent" => reply("200 OK", "text/plain", user_agent.to_string()),
        "/accept-encoding" => reply("200 OK", "text/plain", accept_encoding.to_string()),
        // Brotli only for a client that asked for it, as real servers do.
        "/brotli" if accept_encoding.contains("br") => Reply {
            status: "200 OK",
            headers: vec![
                ("Content-Type", "text/html; charset=utf-8".to_string()),
                ("Content-Encoding", "br".to_string()),
            ],
            body: Body::Bytes(brotli_stored(&example_page())),
        },
        _ => reply("404 Not Found", "text/plain", "no such route"),
    }
}

fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind test server");
        let addr = listener.local_addr().expect("local addr");
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::spawn(move || {
                    // A client that gives up (limits, timeouts) breaks the pipe.
                    let _ = serve(stream);
                });
            }
        });
        addr
    })
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let mut user_agent = String::new();
    let mut accept_encoding = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("user-agent") {
                user_agent = value.trim().to_string();
            } else if name.eq_ignore_ascii_case("accept-encoding") {
                accept_encoding = value.trim().to_string();
            }
        }
    }
    let reply = route(&path, &user_agent, &accept_encoding);
    let mut out = stream;
    if let Body::Stall(wait) = reply.body {
        thread::sleep(wait);
    }
    let mut head = format!("HTTP/1.1 {}\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Body::Bytes(bytes) = &reply.body {
        head.push_str(&format!("Content-Length: {}\r\n", bytes.len()));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    match reply.body {
        Body::Bytes(bytes) => out.write_all(&bytes)?,
        Body::Endless { total } => {
            let chunk = b"<p>filler filler filler filler filler filler filler</p>\n".repeat(256);
            let mut sent = 0;
            while sent < total {
                out.write_all(&chunk)?;
                sent += chunk.len();
            }
        }
        Body::Stall(_) => out.write_all(b"<p>too late</p>")?,
        Body::Drip(wait) => {
            out.write_all(b"<html><body><p>The first part arrives")?;
            out.flush()?;
            thread::sleep(wait);
            out.write_all(b" and the rest far too late.</p></body></html>")?;
        }
    }
    out.flush()
}

/// A brotli stream (RFC 7932) of `data` in uncompressed meta-blocks: a real
/// `Content-Encoding: br` body without a compression library.
fn brotli_stored(data: &[u8]) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        used: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, count: u32) {
            for i in 0..count {
                if self.used.is_multiple_of(8) {
                    self.out.push(0);
                }
                if (value >> i) & 1 == 1 {
                    if let Some(last) = self.out.last_mut() {
                        *last |= 1 << (self.used % 8);
                    }
                }
                self.used += 1;
            }
        }
        fn pad(&mut self) {
            self.used = self.used.div_ceil(8) * 8;
        }
    }
    let mut bits = Bits {
        out: Vec::new(),
        used: 0,
    };
    bits.put(0, 1); // WBITS = 16
    for chunk in data.chunks(65_536) {
        bits.put(0, 1); // ISLAST
        bits.put(0, 2); // MNIBBLES = 4
        bits.put(chunk.len() as u32 - 1, 16); // MLEN - 1
        bits.put(1, 1); // ISUNCOMPRESSED
        bits.pad();
        bits.out.extend_from_slice(chunk);
        bits.used = bits.out.len() as u32 * 8;
    }
    bits.put(1, 1); // ISLAST
    bits.put(1, 1); // ISLASTEMPTY
    bits.out
}

/// A gzip stream of `data` in stored (uncompressed) deflate blocks: a real
/// `Content-Encoding: gzip` body without a compression library.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        let last = i + 1 == blocks.len();
        out.push(u8::from(last));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ---------------------------------------------------------------------------

fn url(path: &str) -> Input {
    Input::parse(&format!("http://{}{path}", server())).expect("test URL parses")
}

fn fetch(path: &str) -> Result<Document, SourceError> {
    load(&url(path), &FetchOptions::default())
}

fn fetch_err(path: &str, opts: &FetchOptions) -> SourceError {
    match load(&url(path), opts) {
        Ok(doc) => panic!("{path}: expected an error, got {} bytes", doc.bytes.len()),
        Err(e) => e,
    }
}

fn assert_mentions(err: &SourceError, needles: &[&str]) {
    let message = err.to_string();
    for needle in needles {
        assert!(
            message.contains(needle),
            "message {message:?} should mention {needle:?}"
        );
    }
}

#[test]
fn fetches_the_example_page_and_extracts_it() {
    let doc = fetch("/article").expect("page loads");
    assert_eq!(doc.kind, DocKind::Html);
    assert_eq!(doc.charset_hint.as_deref(), Some("utf-8"));
    assert_eq!(doc.url, Some(format!("http://{}/article", server())));
    let article = extract(&doc, &ExtractOptions::default()).expect("article extracts");
    assert_eq!(article.blocks.len(), 13);
    assert!(article.blocks[0]
        .text
        .starts_with("The Kremlin is prioritizing"));
}

#[test]
fn follows_a_redirect_chain_and_reports_the_final_url() {
    let doc = fetch("/redirect/3").expect("redirects are followed");
    assert_eq!(doc.url, Some(format!("http://{}/article", server())));
    assert_eq!(doc.kind, DocKind::Html);
}

#[test]
fn redirect_loop_is_named() {
    let err = fetch_err("/loop/a", &FetchOptions::default());
    assert!(matches!(err, SourceError::RedirectLoop { .. }), "{err:?}");
    assert_mentions(&err, &["redirect loop", "/loop/"]);
    assert!(!err.is_retryable());
}

#[test]
fn too_many_redirects_is_named() {
    let opts = FetchOptions {
        max_redirects: 3,
        ..FetchOptions::default()
    };
    let err = fetch_err("/onward/0", &opts);
    assert!(
        matches!(err, SourceError::TooManyRedirects { max: 3, .. }),
        "{err:?}"
    );
    assert_mentions(&err, &["too many redirects", "3"]);
    // The same chain within the limit is fine.
    let opts = FetchOptions {
        max_redirects: 5,
        ..FetchOptions::default()
    };
    assert!(load(&url("/redirect/4"), &opts).is_ok());
}

#[test]
fn http_error_statuses() {
    let err = fetch_err("/missing", &FetchOptions::default());
    assert!(
        matches!(err, SourceError::HttpStatus { status: 404, .. }),
        "{err:?}"
    );
    assert_mentions(&err, &["HTTP 404", "/missing", "does not exist"]);
    assert!(!err.is_retryable());

    let err = fetch_err("/broken", &FetchOptions::default());
    assert!(
        matches!(err, SourceError::HttpStatus { status: 500, .. }),
        "{err:?}"
    );
    assert_mentions(&err, &["HTTP 500", "server", "try again"]);
    assert!(err.is_retryable());

    let err = fetch_err("/busy", &FetchOptions::default());
    assert!(err.is_retryable());
}

#[test]
fn non_text_content_types_are_refused() {
    for (path, content_type) in [
        ("/paper.pdf", "application/pdf"),
        ("/photo", "image/png"),
        ("/api", "application/json"),
    ] {
        let err = fetch_err(path, &FetchOptions::default());
        match &err {
            SourceError::UnsupportedContentType {
                content_type: got, ..
            } => assert_eq!(got, content_type),
            other => panic!("{path}: {other:?}"),
        }
        assert_mentions(&err, &[content_type, path, "HTML, Markdown or plain text"]);
        assert!(!err.is_retryable());
    }
    let err = fetch_err("/paper.pdf", &FetchOptions::default());
    assert_mentions(&err, &["convert the PDF"]);
}

#[test]
fn charset_from_the_header_only() {
    let doc = fetch("/cp1251").expect("page loads");
    assert_eq!(doc.charset_hint.as_deref(), Some("windows-1251"));
    let article = extract(&doc, &ExtractOptions::default()).expect("article extracts");
    assert_eq!(article.blocks[0].text, CYRILLIC);
}

#[test]
fn charset_from_meta_only() {
    let doc = fetch("/latin1").expect("page loads");
    assert_eq!(doc.charset_hint, None);
    let article = extract(&doc, &ExtractOptions::default()).expect("article extracts");
    assert_eq!(article.blocks[0].text, LATIN);
    assert_eq!(article.title.as_deref(), Some("Café"));
}

#[test]
fn advertises_gzip_and_brotli() {
    let doc = fetch("/accept-encoding").expect("loads");
    let accepted = String::from_utf8_lossy(&doc.bytes).to_string();
    assert!(accepted.contains("gzip"), "{accepted}");
    assert!(accepted.contains("br"), "{accepted}");
}

#[test]
fn brotli_bodies_are_decoded() {
    let doc = fetch("/brotli").expect("page loads");
    assert_eq!(doc.bytes, example_page());
    let article = extract(&doc, &ExtractOptions::default()).expect("article extracts");
    assert_eq!(article.blocks.len(), 13);
}

#[test]
fn gzip_bodies_are_decoded() {
    let doc = fetch("/gzip").expect("page loads");
    assert_eq!(doc.bytes, example_page());
    let article = extract(&doc, &ExtractOptions::default()).expect("article extracts");
    assert_eq!(article.blocks.len(), 13);
}

#[test]
fn bodies_over_the_limit_are_refused_while_streaming() {
    let opts = FetchOptions {
        max_bytes: 64 * 1024,
        ..FetchOptions::default()
    };
    for path in ["/huge", "/huge-declared"] {
        let started = Instant::now();
        let err = fetch_err(path, &opts);
        assert!(
            matches!(err, SourceError::TooLarge { limit: 65_536, .. }),
            "{path}: {err:?}"
        );
        assert_mentions(&err, &["larger than", "65536", path]);
        assert!(!err.is_retryable());
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    // Within the limit the same kind of body loads.
    let opts = FetchOptions {
        max_bytes: 8 << 20,
        ..FetchOptions::default()
    };
    let doc = load(&url("/huge"), &opts).expect("4 MiB fits in 8 MiB");
    assert!(doc.bytes.len() >= 4 << 20);
}

#[test]
fn slow_server_times_out_before_headers_and_midway_through_the_body() {
    let opts = FetchOptions {
        total_timeout: Duration::from_millis(500),
        ..FetchOptions::default()
    };
    for path in ["/slow", "/drip"] {
        let started = Instant::now();
        let err = fetch_err(path, &opts);
        assert!(
            matches!(err, SourceError::Timeout { .. }),
            "{path}: {err:?}"
        );
        assert_mentions(&err, &["timed out", "500ms", path]);
        assert!(err.is_retryable());
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}

#[test]
fn unreachable_host() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let input = Input::parse(&format!("http://127.0.0.1:{port}/gone")).expect("URL parses");
    let err = load(&input, &FetchOptions::default()).expect_err("nothing listens");
    assert!(matches!(err, SourceError::Unreachable { .. }), "{err:?}");
    assert_mentions(&err, &["could not reach", "/gone", "network"]);
    assert!(err.is_retryable());
}

#[test]
fn kinds_from_content_type_and_sniffing() {
    assert_eq!(fetch("/plain").expect("loads").kind, DocKind::Text);
    assert_eq!(fetch("/markdown").expect("loads").kind, DocKind::Markdown);
    assert_eq!(fetch("/notes.md").expect("loads").kind, DocKind::Markdown);
    assert_eq!(fetch("/untyped").expect("loads").kind, DocKind::Html);
}

#[test]
fn sends_the_configured_user_agent() {
    let opts = FetchOptions {
        user_agent: "narrator-test/1.0".into(),
        ..FetchOptions::default()
    };
    let doc = load(&url("/user-agent"), &opts).expect("loads");
    assert_eq!(doc.bytes, b"narrator-test/1.0");
    let doc = fetch("/user-agent").expect("loads");
    let default_agent = String::from_utf8_lossy(&doc.bytes).to_string();
    assert!(default_agent.contains("narrator/"), "{default_agent}");
    assert!(
        default_agent.starts_with("Mozilla/5.0 (compatible;"),
        "{default_agent}"
    );
}

#[test]
fn input_parsing() {
    assert_eq!(Input::parse("-").expect("stdin"), Input::Stdin);
    assert!(matches!(
        Input::parse("https://kyivindependent.com/a/"),
        Ok(Input::Url(_))
    ));
    let err = Input::parse("ftp://example.com/story.txt").expect_err("ftp refused");
    assert!(matches!(err, SourceError::UnsupportedScheme { .. }));
    assert_mentions(&err, &["\"ftp\"", "http:// and https://"]);
    for other in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
    ] {
        let err = Input::parse(other).expect_err("only http(s) is fetched");
        assert!(
            matches!(err, SourceError::UnsupportedScheme { .. }),
            "{other}"
        );
    }
    assert!(matches!(
        Input::parse("examples/short.txt"),
        Ok(Input::File(_))
    ));
}

#[test]
fn files_load_with_kind_from_extension_and_errors_name_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");

    let missing = dir.path().join("nope.html");
    let err = load(&Input::File(missing.clone()), &FetchOptions::default()).expect_err("missing");
    assert!(matches!(err, SourceError::FileNotFound { .. }), "{err:?}");
    assert_mentions(&err, &["file not found", &missing.display().to_string()]);

    let err = load(
        &Input::parse("example.com/news/story").expect("a path"),
        &FetchOptions::default(),
    )
    .expect_err("no such file");
    assert_mentions(&err, &["https://example.com/news/story"]);

    let err = load(
        &Input::File(dir.path().to_path_buf()),
        &FetchOptions::default(),
    )
    .expect_err("a directory");
    assert!(matches!(err, SourceError::IsDirectory { .. }), "{err:?}");

    let unknown = dir.path().join("saved-page");
    std::fs::write(&unknown, "<!DOCTYPE html><p>saved</p>").expect("write");
    let doc = load(&Input::File(unknown), &FetchOptions::default()).expect("loads");
    assert_eq!(doc.kind, DocKind::Html);
    assert_eq!(doc.url, None);

    let big = dir.path().join("big.txt");
    std::fs::write(&big, vec![b'a'; 2048]).expect("write");
    let opts = FetchOptions {
        max_bytes: 1024,
        ..FetchOptions::default()
    };
    let err = load(&Input::File(big.clone()), &opts).expect_err("too large");
    assert!(
        matches!(err, SourceError::TooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert_mentions(&err, &[&big.display().to_string(), "1024"]);
}
