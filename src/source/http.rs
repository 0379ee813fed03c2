//! HTTP(S) fetching with explicit limits: size, time, redirects.

use std::error::Error as _;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::redirect;

use super::{kind_from_extension, read_limited, sniff_kind, DocKind, Document, FetchOptions};
use super::{LimitedReadError, SourceError};

const ACCEPT_ARTICLES: &str =
    "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8,*/*;q=0.1";

/// The redirect policy's verdicts, carried through reqwest's error chain.
#[derive(Debug)]
enum RedirectVerdict {
    Loop,
    TooMany,
    /// The host (an address literal, or what the resolver answered) is not public.
    Private(IpAddr),
}

impl fmt::Display for RedirectVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectVerdict::Loop => f.write_str("redirect loop"),
            RedirectVerdict::TooMany => f.write_str("too many redirects"),
            RedirectVerdict::Private(ip) => write!(f, "{ip} is not a public address"),
        }
    }
}

impl std::error::Error for RedirectVerdict {}

/// Whether `ip` is an address any host on the internet could be: not loopback,
/// private (RFC 1918, unique-local), link-local (which holds the cloud metadata
/// address 169.254.169.254), unspecified, CGNAT, multicast or broadcast.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(IpAddr::V4(v4));
            }
            // Unique-local fc00::/7 holds AWS's IPv6 metadata address (fd00:ec2::254).
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// The host of `url` when it is an address literal that is not public.
fn private_literal(url: &url::Url) -> Option<IpAddr> {
    let ip = match url.host()? {
        url::Host::Ipv4(a) => IpAddr::V4(a),
        url::Host::Ipv6(a) => IpAddr::V6(a),
        url::Host::Domain(_) => return None,
    };
    (!is_public_address(ip)).then_some(ip)
}

/// A resolver that answers only public addresses: the check happens where the
/// connection is made, so a name that resolves to a private address (or changes its
/// answer between a check and the connect) is refused.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !is_public_address(a.ip())) {
                return Err(Box::new(RedirectVerdict::Private(bad.ip()))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

pub(super) fn fetch(url: &url::Url, opts: &FetchOptions) -> Result<Document, SourceError> {
    let deadline = Instant::now() + opts.total_timeout;
    let max_redirects = opts.max_redirects;
    let allow_private = opts.allow_private_addresses;
    if !allow_private {
        if let Some(addr) = private_literal(url) {
            return Err(SourceError::PrivateAddress {
                url: url.to_string(),
                addr,
            });
        }
    }
    let policy = redirect::Policy::custom(move |attempt| {
        let private = (!allow_private)
            .then(|| private_literal(attempt.url()))
            .flatten();
        // `previous` starts with the original URL, so a loop shows up as the
        // next URL already being in it.
        if let Some(ip) = private {
            attempt.error(RedirectVerdict::Private(ip))
        } else if attempt.previous().contains(attempt.url()) {
            attempt.error(RedirectVerdict::Loop)
        } else if attempt.previous().len() > max_redirects {
            attempt.error(RedirectVerdict::TooMany)
        } else {
            attempt.follow()
        }
    });
    let mut builder = Client::builder()
        .user_agent(opts.user_agent.clone())
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.total_timeout)
        .redirect(policy);
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    let client = builder
        .build()
        .map_err(|source| SourceError::Client { source })?;

    let response = client
        .get(url.clone())
        .header(ACCEPT, ACCEPT_ARTICLES)
        .send()
        .map_err(|e| request_error(url.as_str(), e, opts))?;

    let final_url = response.url().to_string();
    let status = response.status();
    if !status.is_success() {
        return Err(SourceError::HttpStatus {
            url: final_url,
            status: status.as_u16(),
        });
    }

    let (essence, charset) = content_type(&response);
    let kind = kind_for(essence.as_deref(), response.url()).ok_or_else(|| {
        SourceError::UnsupportedContentType {
            url: final_url.clone(),
            content_type: essence.clone().unwrap_or_default(),
        }
    })?;

    let too_large = || SourceError::TooLarge {
        input: final_url.clone(),
        limit: opts.max_bytes,
    };
    if response
        .content_length()
        .is_some_and(|n| n > opts.max_bytes)
    {
        return Err(too_large());
    }
    let bytes = read_limited(response, opts.max_bytes, Some(deadline)).map_err(|e| match e {
        LimitedReadError::TooLarge => too_large(),
        LimitedReadError::TimedOut => SourceError::Timeout {
            url: final_url.clone(),
            after: opts.total_timeout,
        },
        LimitedReadError::Io(io) => io_error(&final_url, io, opts),
    })?;

    let kind = kind.unwrap_or_else(|| sniff_kind(&bytes));
    Ok(Document {
        bytes,
        kind,
        url: Some(final_url),
        charset_hint: charset,
    })
}

/// The media type (lower case, no parameters) and charset parameter of the
/// response, if it sent a `Content-Type`.
fn content_type(response: &Response) -> (Option<String>, Option<String>) {
    let Some(value) = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return (None, None);
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    });
    ((!essence.is_empty()).then_some(essence), charset)
}

/// `Some(Some(kind))`: the type decides; `Some(None)`: untyped, sniff the
/// body; `None`: a type narrator cannot read.
fn kind_for(essence: Option<&str>, url: &url::Url) -> Option<Option<DocKind>> {
    let by_extension = kind_from_extension(Path::new(url.path()));
    match essence {
        None | Some("application/octet-stream") | Some("binary/octet-stream") => Some(by_extension),
        Some("text/html") | Some("application/xhtml+xml") => Some(Some(DocKind::Html)),
        Some("text/markdown") | Some("text/x-markdown") => Some(Some(DocKind::Markdown)),
        // Raw Markdown files are often served as text/plain.
        Some("text/plain") => Some(Some(match by_extension {
            Some(DocKind::Markdown) => DocKind::Markdown,
            _ => DocKind::Text,
        })),
        Some(_) => None,
    }
}

fn request_error(url: &str, e: reqwest::Error, opts: &FetchOptions) -> SourceError {
    let url = e
        .url()
        .map(|u| u.to_string())
        .unwrap_or_else(|| url.to_string());
    if let Some(RedirectVerdict::Private(addr)) = redirect_verdict(&e) {
        return SourceError::PrivateAddress { url, addr: *addr };
    }
    if e.is_redirect() {
        match redirect_verdict(&e) {
            Some(RedirectVerdict::Loop) => return SourceError::RedirectLoop { url },
            Some(RedirectVerdict::TooMany | RedirectVerdict::Private(_)) | None => {
                return SourceError::TooManyRedirects {
                    url,
                    max: opts.max_redirects,
                }
            }
        }
    }
    if e.is_timeout() {
        return SourceError::Timeout {
            url,
            after: opts.total_timeout,
        };
    }
    if e.is_connect() {
        return SourceError::Unreachable { url, source: e };
    }
    SourceError::Http { url, source: e }
}

fn redirect_verdict(e: &reqwest::Error) -> Option<&RedirectVerdict> {
    let mut cause = e.source();
    while let Some(err) = cause {
        if let Some(verdict) = err.downcast_ref::<RedirectVerdict>() {
            return Some(verdict);
        }
        cause = err.source();
    }
    None
}

fn io_error(url: &str, io: std::io::Error, opts: &FetchOptions) -> SourceError {
    let kind = io.kind();
    // reqwest's Read impl wraps its own error in the io::Error.
    let source = match io
        .into_inner()
        .map(|inner| inner.downcast::<reqwest::Error>())
    {
        Some(Ok(e)) => return request_error(url, *e, opts),
        Some(Err(other)) => std::io::Error::new(kind, other),
        None => std::io::Error::from(kind),
    };
    SourceError::Body {
        url: url.to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::is_public_address;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public_address(a.parse().expect("ip")), "{a}");
        }
        for a in ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] {
            assert!(is_public_address(a.parse().expect("ip")), "{a}");
        }
    }
}
