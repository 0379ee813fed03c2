//! The web player: `GET /player/{id}`, a page of our own HTML, CSS and JS (no
//! framework, no CDN, no build step), and `GET /embed.js`, the snippet a host page
//! includes to show it.
//!
//! **Auth.** The player, like `/media/…`, needs no token: a reader's browser has
//! none, and an API token put in a page would be handed to every reader. A
//! narration id (`nar_` + a random UUID, 122 random bits) is the capability: whoever
//! has it can play that narration, and nobody can list ids without a token. A
//! narration made with `public: false` (a members-only post) is left out of the
//! feed and its player page is marked `noindex` and `Cache-Control: private`;
//! keeping its id to members is the host page's job (its media are reachable by id
//! just the same, so refusing the player alone would protect nothing).
//!
//! **Embedding.** `embed.js` puts an `<iframe src="/player/{id}">` after its script
//! tag rather than injecting DOM into the host page: the host's CSS cannot restyle
//! the controls and ours cannot leak into the host, the audio and the timing map
//! stay same-origin with the player, our Content-Security-Policy covers everything
//! the player runs, and the host page's scripts cannot reach into it. The one cost,
//! the iframe's height, is met by the player posting its height to the parent
//! (`{type: "narrator:height"}`), which `embed.js` accepts only from its own frame
//! and origin.

use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::problem::Problem;
use super::store::{Narration, Status};
use super::AppState;

const PLAYER_HTML: &str = include_str!("player/player.html");
const NOTICE_HTML: &str = include_str!("player/notice.html");
const PLAYER_JS: &str = include_str!("player/player.js");
const PLAYER_CSS: &str = include_str!("player/player.css");
const EMBED_JS: &str = include_str!("player/embed.js");

/// The label every player shows, as the issue words it.
pub const AI_LABEL: &str = "This audio is created with AI assistance";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The player's routes (merged into [`super::api::router`]).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/player/{id}", get(page))
        .route(
            "/player/assets/player.js",
            get(|| asset(PLAYER_JS, JS, 3600)),
        )
        .route(
            "/player/assets/player.css",
            get(|| asset(PLAYER_CSS, CSS, 3600)),
        )
        // Short: host pages keep the URL for years, fixes should reach them.
        .route("/embed.js", get(|| asset(EMBED_JS, JS, 300)))
}

async fn asset(body: &'static str, content_type: &'static str, max_age: u32) -> Response {
    let cache = format!("public, max-age={max_age}");
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&cache) {
        h.insert(header::CACHE_CONTROL, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    (StatusCode::OK, h, body).into_response()
}

/// `template` with each `{{name}}` replaced by its value, in one pass (a value that
/// itself holds `{{…}}` is not expanded again). Unknown names are left as they are.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text safe in HTML content and in double-quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `m:ss` or `h:mm:ss`, as the player shows times.
pub fn clock(seconds: f64) -> String {
    let s = if seconds.is_finite() && seconds > 0.0 {
        seconds.floor() as u64
    } else {
        0
    };
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// A BCP 47-looking tag, or `und`: the language comes from the article.
fn lang_tag(lang: Option<&str>) -> &str {
    match lang {
        Some(l)
            if !l.is_empty()
                && l.len() <= 35
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            l
        }
        _ => "und",
    }
}

/// A tag of the player's script and style, put in their URLs: a page always gets
/// the assets it was written for, while they stay cacheable for an hour.
fn assets_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        let mut both = String::with_capacity(PLAYER_JS.len() + PLAYER_CSS.len());
        both.push_str(PLAYER_JS);
        both.push_str(PLAYER_CSS);
        super::store::sha256_hex(both.as_bytes())
            .chars()
            .take(12)
            .collect()
    })
}

fn media_url(st: &AppState, file: &str) -> String {
    st.public_url
        .join(&format!("media/{file}"))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| format!("/media/{file}"))
}

/// The player's Content-Security-Policy: only our own script and style, media and
/// the timing map from the server's public origin, embeddable anywhere.
fn csp(st: &AppState) -> String {
    let origin = st.public_url.origin().ascii_serialization();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         media-src 'self' {origin}; connect-src 'self' {origin}; base-uri 'none'; \
         form-action 'none'; frame-ancestors *"
    )
}

fn html_response(st: &AppState, status: StatusCode, public: bool, body: String) -> Response {
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp(st)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The page follows the narration's state (queued → done → deleted).
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if public {
            "no-cache"
        } else {
            "private, no-cache"
        }),
    );
    if !public {
        h.insert(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex"),
        );
    }
    (status, h, body).into_response()
}

fn notice(
    st: &AppState,
    status: StatusCode,
    title: &str,
    message: &str,
    refresh: bool,
) -> Response {
    let title = escape_html(title);
    let message = escape_html(message);
    let refresh = if refresh {
        r#"<meta http-equiv="refresh" content="15">"#
    } else {
        ""
    };
    let body = fill(
        NOTICE_HTML,
        &[
            ("title", &title),
            ("message", &message),
            ("refresh", refresh),
            ("label", AI_LABEL),
            ("v", assets_version()),
        ],
    );
    html_response(st, status, false, body)
}

/// The player page of a done narration.
pub fn render(st: &AppState, n: &Narration, audio_file: &str) -> String {
    let title = n
        .title
        .clone()
        .unwrap_or_else(|| "Listen to this article".into());
    let duration = n.duration_s.unwrap_or(0.0);
    let robots = if n.public {
        ""
    } else {
        r#"<meta name="robots" content="noindex">"#
    };
    let values = [
        ("lang", escape_html(lang_tag(n.language.as_deref()))),
        ("robots", robots.to_string()),
        ("title", escape_html(&title)),
        ("id", escape_html(&n.id)),
        ("audio_url", escape_html(&media_url(st, audio_file))),
        (
            "timing_url",
            escape_html(&media_url(st, &format!("{}.timing.json", n.id))),
        ),
        ("duration", format!("{duration:.3}")),
        ("total", clock(duration)),
        ("label", AI_LABEL.to_string()),
        ("v", assets_version().to_string()),
    ];
    let refs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill(PLAYER_HTML, &refs)
}

async fn page(
    State(st): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, Problem> {
    let found = st.store.get(&id).await?.filter(|n| !n.deleted);
    let Some(n) = found else {
        return Ok(notice(
            &st,
            StatusCode::NOT_FOUND,
            "No audio here",
            "There is no narration at this address (it may have been removed).",
            false,
        ));
    };
    let title = n.title.as_deref().unwrap_or("Listen to this article");
    match (n.status, n.audio_file.as_deref()) {
        (Status::Done, Some(audio)) => {
            let body = render(&st, &n, audio);
            Ok(html_response(&st, StatusCode::OK, n.public, body))
        }
        (Status::Queued | Status::Running, _) => Ok(notice(
            &st,
            StatusCode::OK,
            title,
            "The audio for this article is being prepared. This page reloads when it is ready.",
            true,
        )),
        _ => Ok(notice(
            &st,
            StatusCode::NOT_FOUND,
            title,
            "The audio for this article is not available.",
            false,
        )),
    }
}

/// Add the player's routes to the OpenAPI document's `paths`.
pub fn describe(doc: &mut serde_json::Value) {
    use serde_json::json;
    let html = |what: &str| json!({"description": what, "content": {"text/html": {}}});
    let js = |what: &str| json!({"description": what, "content": {"text/javascript": {}}});
    let paths = json!({
        "/player/{id}": {"get": {
            "operationId": "player",
            "summary": "The web player of a narration (HTML; no token: the id is the capability)",
            "security": [],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": html("The player, or (queued or running) a page that reloads until the audio is ready"),
                "404": html("No such narration, or it was deleted, failed or canceled")
            }
        }},
        "/player/assets/player.js": {"get": {"operationId": "playerScript", "security": [],
            "responses": {"200": js("The player's script")}}},
        "/player/assets/player.css": {"get": {"operationId": "playerStyle", "security": [],
            "responses": {"200": {"description": "The player's style sheet", "content": {"text/css": {}}}}}},
        "/embed.js": {"get": {
            "operationId": "embedScript",
            "summary": "Embed snippet: <script src=\"/embed.js\" data-narration=\"ID\"> renders the player in an iframe",
            "security": [],
            "responses": {"200": js("The embed snippet")}
        }}
    });
    if let (Some(all), Some(ours)) = (
        doc.get_mut("paths").and_then(|p| p.as_object_mut()),
        paths.as_object(),
    ) {
        for (k, v) in ours {
            all.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_expands_each_placeholder_once() {
        let t = "<p>{{a}}</p><i>{{b}}</i>{{unknown}}{{open";
        let out = fill(t, &[("a", "{{b}}"), ("b", "x")]);
        assert_eq!(out, "<p>{{b}}</p><i>x</i>{{unknown}}{{open");
    }

    #[test]
    fn escape_html_covers_attributes_and_content() {
        assert_eq!(
            escape_html(r#"<a href="x">'Tom' & Jerry</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;Tom&#39; &amp; Jerry&lt;/a&gt;"
        );
    }

    #[test]
    fn clock_formats_minutes_and_hours() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(59.9), "0:59");
        assert_eq!(clock(61.0), "1:01");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(clock(f64::NAN), "0:00");
        assert_eq!(clock(-3.0), "0:00");
    }

    #[test]
    fn lang_tag_passes_tags_and_refuses_markup() {
        assert_eq!(lang_tag(Some("en-GB")), "en-GB");
        assert_eq!(lang_tag(Some("en\" onload=\"x")), "und");
        assert_eq!(lang_tag(None), "und");
    }
}
