//! The routes: validate, enqueue, answer. Nothing here synthesizes; the one
//! blocking step a handler takes (resolving a plan, and preparing it to compare an
//! edit with the narration it would replace) runs on a blocking thread.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use futures_util::StreamExt;
use object_store::{GetOptions, GetRange};
use serde::Deserialize;
use serde_json::{json, Value};
use tower_http::cors::CorsLayer;
use tower_http::trace::TraceLayer;

use crate::audio::AudioFormat;
use crate::batch;
use crate::plan::{self, MetadataRequest, NarrationRequest, Plan, PlanError, Source};
use crate::publish::feed;

use super::ghost::{self, GhostAction};
use super::problem::Problem;
use super::store::{sha256_hex, Narration, NewNarration, Status};
use super::webhook::InboundHeaders;
use super::worker::{self, NarrationJob};
use super::{AppState, ServerError};

type Shared = State<Arc<AppState>>;

pub fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/narrations", post(create).get(list))
        .route("/v1/narrations/{id}", get(show).delete(remove))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    // Ghost cannot send a bearer token: its hook is authenticated by its signature.
    // Nor can a Standard-Webhooks sender: its calls are signed.
    let hooks = Router::new()
        .route("/v1/hooks/ghost", post(ghost_hook))
        .route("/v1/hooks/standard", post(standard_hook));
    let media = Router::new()
        .route("/media/{file}", get(media))
        .layer(CorsLayer::permissive());
    Router::new()
        .merge(v1)
        .merge(hooks)
        .merge(media)
        .merge(super::player::routes())
        .route("/feed.xml", get(feed_xml))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { Problem::not_found("no such route") })
        .layer(DefaultBodyLimit::max(state.options.max_body_bytes))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

// --- auth and rate limit ----------------------------------------------------------

/// The authenticated token's name.
#[derive(Debug, Clone)]
pub struct TokenName(pub String);

async fn require_token(State(st): Shared, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(presented) = presented.filter(|t| !t.is_empty()) else {
        return Problem::unauthorized(
            "send 'Authorization: Bearer <token>' (narrator token create)",
        )
        .into_response();
    };
    let name = match st.store.authenticate(presented).await {
        Ok(Some(n)) => n,
        Ok(None) => return Problem::unauthorized("the token is not valid").into_response(),
        Err(e) => return Problem::from(e).into_response(),
    };
    if let Err(retry_after) = st.rate.check(&name) {
        return Problem::rate_limited(retry_after).into_response();
    }
    req.extensions_mut().insert(TokenName(name));
    next.run(req).await
}

/// A token bucket per API token: `per_minute` requests, refilled evenly.
pub struct RateLimiter {
    per_minute: f64,
    buckets: std::sync::Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute.max(1)),
            buckets: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Take one request; `Err(seconds)` to wait when the bucket is empty.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let rate = self.per_minute / 60.0;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (tokens, at) = buckets
            .entry(key.to_string())
            .or_insert((self.per_minute, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

// --- views ------------------------------------------------------------------------

fn url_of(st: &AppState, path: &str) -> String {
    st.public_url
        .join(path)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// A narration as the API shows it.
pub fn view(st: &AppState, n: &Narration) -> Value {
    let files = n.audio_file.as_ref().map(|a| {
        let id = &n.id;
        (
            url_of(st, &format!("media/{a}")),
            url_of(st, &format!("media/{id}.vtt")),
            url_of(st, &format!("media/{id}.timing.json")),
            url_of(st, &format!("media/{id}.transcript.json")),
            url_of(st, &format!("media/{id}.chapters.json")),
        )
    });
    let done = n.status == Status::Done && !n.deleted;
    let f = files.filter(|_| done);
    let metadata: Value = n
        .metadata
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    json!({
        "id": n.id,
        "external_id": n.external_id,
        "revision": n.revision,
        "status": n.status.as_str(),
        "progress": {"segments_done": n.segments_done, "segments_total": n.segments_total},
        "title": n.title,
        "link": n.link,
        "audio_url": f.as_ref().map(|f| &f.0),
        "transcript_url": f.as_ref().map(|f| &f.1),
        "timing_url": f.as_ref().map(|f| &f.2),
        "transcript_json_url": f.as_ref().map(|f| &f.3),
        "chapters_url": f.as_ref().map(|f| &f.4),
        "duration_s": n.duration_s.filter(|_| done),
        "bytes": n.bytes.filter(|_| done),
        "error": n.error,
        "public": n.public,
        "deleted": n.deleted,
        "metadata": metadata,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
        "links": {"self": url_of(st, &format!("v1/narrations/{}", n.id))},
    })
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

// --- create -----------------------------------------------------------------------

/// The `source` object: each key is kept as given (a `null` counts as given, so
/// `{"html": "…", "text": null}` is two sources, not one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceBody {
    #[serde(default, deserialize_with = "given")]
    url: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    html: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    text: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    markdown: Option<Value>,
}

fn given<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    source: SourceBody,
    external_id: String,
    title: Option<String>,
    author: Option<String>,
    published_at: Option<String>,
    voice: Option<String>,
    engine: Option<String>,
    format: Option<String>,
    callback_url: Option<String>,
    /// The article's page (the feed item's link).
    link: Option<String>,
    metadata: Option<Value>,
    /// Not public: never in the feed.
    #[serde(default = "yes")]
    public: bool,
}

fn yes() -> bool {
    true
}

/// A validated create: the request the job will hold, and what the row keeps.
pub struct Spec {
    pub external_id: String,
    pub request: NarrationRequest,
    pub public: bool,
    pub callback_url: Option<String>,
    pub link: Option<String>,
    pub metadata: Option<Value>,
}

fn problem_from_serde(e: serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let msg = e.inner().to_string();
    let mut path = e.path().to_string();
    // serde names a missing field in the message, at its parent's path (an unknown
    // field's path already ends with it).
    if let Some(name) = msg
        .split("missing field `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
    {
        path = if path == "." {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
    }
    let pointer = format!("/{}", path.trim_start_matches('.').replace('.', "/"));
    Problem::invalid(pointer, format!("{path}: {msg}"))
}

fn spec_from_body(body: &[u8], st: &AppState) -> Result<Spec, Problem> {
    let config = &st.config;
    let mut de = serde_json::Deserializer::from_slice(body);
    let b: CreateBody = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        if e.inner().is_syntax() || e.inner().is_eof() {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-json",
                "The body is not JSON",
                e.inner().to_string(),
            )
        } else {
            problem_from_serde(e)
        }
    })?;
    let s = b.source;
    let given: Vec<(&str, Value)> = [
        ("url", s.url),
        ("html", s.html),
        ("text", s.text),
        ("markdown", s.markdown),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let source = match given.as_slice() {
        [(kind, v)] => {
            let Value::String(v) = v else {
                return Err(Problem::invalid(
                    format!("/source/{kind}"),
                    format!("source.{kind} must be a string"),
                ));
            };
            if v.is_empty() {
                return Err(Problem::invalid(
                    format!("/source/{kind}"),
                    format!("source.{kind} must not be empty"),
                ));
            }
            match *kind {
                "url" => Source::Url(v.clone()),
                "html" => Source::Html(v.clone()),
                "text" => Source::Text(v.clone()),
                _ => Source::Markdown(v.clone()),
            }
        }
        _ => {
            return Err(Problem::invalid(
                "/source",
                "source must hold exactly one of url, html, text, markdown",
            ))
        }
    };
    if b.external_id.trim().is_empty() {
        return Err(Problem::invalid(
            "/external_id",
            "external_id must not be empty",
        ));
    }
    for (field, value) in [("callback_url", &b.callback_url), ("link", &b.link)] {
        if let Some(u) = value {
            match url::Url::parse(u) {
                Ok(p) if matches!(p.scheme(), "http" | "https") => {}
                _ => {
                    return Err(Problem::invalid(
                        format!("/{field}"),
                        format!("{field} must be an http(s) URL"),
                    ))
                }
            }
        }
    }
    // Only what this server runs (the lists /openapi.json gives): an engine that
    // needs a URL or key it was not started with fails here, not in a job.
    let engines = &st.runnable.engines;
    if let Some(e) = b.engine.as_ref().filter(|e| !engines.contains(e)) {
        return Err(Problem::invalid(
            "/engine",
            format!(
                "engine '{e}' does not run on this server (it runs: {})",
                engines.join(", ")
            ),
        ));
    }
    if let Some(v) = b.voice.as_ref() {
        match st.runnable.engine_of(v) {
            None => {
                return Err(Problem::invalid(
                    "/voice",
                    format!(
                        "voice '{v}' is not installed on this server (it has: {})",
                        st.runnable.voice_ids().join(", ")
                    ),
                ))
            }
            // The schema says which voices go with which engine.
            Some(ve) if b.engine.as_deref().is_some_and(|e| e != ve) => {
                return Err(Problem::invalid(
                    "/voice",
                    format!(
                        "voice '{v}' is for engine '{ve}', not '{}'",
                        b.engine.as_deref().unwrap_or_default()
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    let mut req = NarrationRequest::new(source);
    if let Some(e) = &b.engine {
        req.engine =
            Some(plan::parse_engine(e).map_err(|e| Problem::invalid("/engine", e.to_string()))?);
    }
    if let Some(f) = &b.format {
        req.format = Some(
            AudioFormat::from_name(f).map_err(|e| Problem::invalid("/format", e.to_string()))?,
        );
    }
    req.voice = b.voice;
    req.metadata = MetadataRequest {
        title: b.title,
        author: b.author,
        published: b.published_at,
    };
    // Server episodes say that a synthetic voice reads them, as batch episodes do.
    req.disclosure = config.feed.spoken_disclosure().map(str::to_string);
    Ok(Spec {
        external_id: b.external_id,
        request: req,
        public: b.public,
        callback_url: b.callback_url,
        link: b.link,
        metadata: b.metadata,
    })
}

/// The field a plan error is about.
fn plan_field(e: &PlanError) -> &'static str {
    match e {
        PlanError::Voice(_)
        | PlanError::VoiceEngineNotBuilt { .. }
        | PlanError::QuoteVoice { .. } => "/voice",
        PlanError::UnknownEngine { .. } | PlanError::EngineNotBuilt(_) => "/engine",
        PlanError::Format(_) => "/format",
        _ => "/source",
    }
}

/// Queue a job for narration `id`, to start no sooner than `delay` from now.
pub async fn enqueue(
    st: &AppState,
    id: &str,
    request: NarrationRequest,
    delay: Duration,
) -> Result<(), ServerError> {
    let job = NarrationJob {
        narration_id: id.to_string(),
        request,
    };
    let run_at = (!delay.is_zero()).then(|| {
        // The queue schedules in whole seconds: round up, so the job never starts
        // before the delay is over.
        let at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            + delay;
        at.as_secs() + u64::from(at.subsec_nanos() > 0)
    });
    st.queue.push(job, run_at).await
}

/// Cancel narration `id` if it is queued or running (here).
async fn cancel(st: &AppState, id: &str, reason: &str) -> Result<(), ServerError> {
    st.store.cancel(id, reason).await?;
    if let Some(t) = st.running.lock().await.get(id) {
        t.cancel();
    }
    Ok(())
}

/// Create (or find) the narration `spec` asks for: `(200, existing)` when the same
/// article with the same settings is already narrated or on its way; `(202, new)`
/// otherwise, canceling older revisions still queued or running.
pub async fn create_narration(
    st: &Arc<AppState>,
    spec: Spec,
) -> Result<(StatusCode, Narration), Problem> {
    // Resolve first: a wrong voice or engine is the client's error (422).
    let resolved = {
        let st2 = st.clone();
        let req = spec.request.clone();
        tokio::task::spawn_blocking(move || Plan::resolve(&req, &st2.config, &st2.catalog))
            .await
            .map_err(Problem::internal)?
    };
    let mut plan = match resolved {
        Ok(p) => p,
        Err(e) if e.is_usage() => return Err(Problem::invalid(plan_field(&e), e.to_string())),
        Err(e) => return Err(Problem::internal(e)),
    };
    plan.fetch.allow_private_addresses = st.options.allow_private_urls;
    plan.format = Some(plan.format.unwrap_or(AudioFormat::Mp3));
    let request_json = serde_json::to_string(&spec.request).map_err(Problem::internal)?;

    // The content hash of what this request would render, when the article's newest
    // narration is done (so an unchanged article can be told from an edit). It is
    // computed outside the lock: preparing may fetch the article.
    let before = st.store.latest(&spec.external_id).await?;
    let mut prepared_hash: Option<(String, String)> = None; // (narration id, hash)
    if let Some(done) = before
        .as_ref()
        .filter(|n| n.status == Status::Done && n.request != request_json)
    {
        let done_id = done.id.clone();
        let hashed =
            tokio::task::spawn_blocking(move || plan.prepare().map(|p| batch::content_hash(&p)))
                .await
                .map_err(Problem::internal)?;
        match hashed {
            Ok(h) => prepared_hash = Some((done_id, h)),
            Err(e) if e.is_usage() => return Err(Problem::invalid(plan_field(&e), e.to_string())),
            // A fetch that fails now is retried by the job.
            Err(_) => {}
        }
    }

    let _one_at_a_time = st.create_lock.lock().await;
    let latest = st.store.latest(&spec.external_id).await?;
    if let Some(latest) = &latest {
        let same_settings =
            latest.public == spec.public && latest.callback_url == spec.callback_url;
        let active_or_done = !matches!(latest.status, Status::Failed | Status::Canceled);
        if latest.request == request_json && same_settings && active_or_done {
            return Ok((StatusCode::OK, relinked(st, latest, &spec).await?));
        }
        // The same spoken text, voice and settings from a changed source (markup,
        // an edit that normalizes the same): no new synthesis.
        let unchanged = prepared_hash.as_ref().is_some_and(|(id, h)| {
            *id == latest.id && latest.content_hash.as_deref() == Some(h.as_str())
        });
        if unchanged && same_settings && latest.status == Status::Done {
            return Ok((StatusCode::OK, relinked(st, latest, &spec).await?));
        }
    }
    let id = format!("nar_{}", uuid::Uuid::new_v4().simple());
    let metadata = spec.metadata.as_ref().map(Value::to_string);
    let row = NewNarration {
        id: &id,
        external_id: &spec.external_id,
        request: &request_json,
        public: spec.public,
        callback_url: spec.callback_url.as_deref(),
        link: spec.link.as_deref(),
        metadata: metadata.as_deref(),
        title: spec.request.metadata.title.as_deref(),
    };
    // Coalescing: an edit of an article whose newest revision no worker has taken
    // yet goes into that revision (its queued job renders the newest request).
    if let Some(queued) = latest.as_ref().filter(|l| l.status == Status::Queued) {
        if st.store.update_queued(&queued.id, &row).await? {
            for older in st.store.active_of(&spec.external_id, &queued.id).await? {
                cancel(
                    st,
                    &older.id,
                    &format!("replaced by revision {}", queued.id),
                )
                .await?;
            }
            let n = st
                .store
                .get(&queued.id)
                .await?
                .ok_or_else(|| Problem::internal("the queued narration is gone"))?;
            return Ok((StatusCode::ACCEPTED, n));
        }
    }
    st.store.insert(&row).await?;
    for older in st.store.active_of(&spec.external_id, &id).await? {
        cancel(st, &older.id, &format!("replaced by revision {id}")).await?;
    }
    // The second event of a burst waits out the window, so the rest of the burst
    // lands in its queued revision instead of canceling render after render.
    let window = st.options.coalesce_window;
    let in_burst = latest.as_ref().is_some_and(|l| {
        let age_s = super::store::now().saturating_sub(l.created_at);
        u128::from(age_s.max(0) as u64) * 1000 < window.as_millis()
    });
    let delay = if in_burst { window } else { Duration::ZERO };
    enqueue(st, &id, spec.request, delay).await?;
    let n = st
        .store
        .get(&id)
        .await?
        .ok_or_else(|| Problem::internal("the new narration is gone"))?;
    Ok((StatusCode::ACCEPTED, n))
}

/// A body that could not be read, as a problem.
fn body_problem(st: &AppState) -> impl FnOnce(BytesRejection) -> Problem + '_ {
    move |e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large(format!(
                "the body is over {} bytes",
                st.options.max_body_bytes
            ))
        } else {
            Problem::new(
                e.status(),
                "bad-body",
                "The body cannot be read",
                e.body_text(),
            )
        }
    }
}

/// `n`, with the link `spec` gives if that changed (a moved article needs no new
/// audio; its feed item follows).
async fn relinked(st: &AppState, n: &Narration, spec: &Spec) -> Result<Narration, Problem> {
    match &spec.link {
        Some(link) if n.link.as_ref() != Some(link) => {
            st.store.set_link(&n.id, link).await?;
            if n.status == Status::Done {
                refresh_feed(st).await;
            }
            let mut n = n.clone();
            n.link = Some(link.clone());
            Ok(n)
        }
        _ => Ok(n.clone()),
    }
}

async fn create(
    State(st): Shared,
    Extension(token): Extension<TokenName>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(body_problem(&st))?;
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_string))
        .transpose()
        .map_err(|_| Problem::invalid("Idempotency-Key", "Idempotency-Key must be ASCII"))?;
    let body_hash = sha256_hex(&body);
    if let Some(key) = &key {
        if let Some((id, hash)) = st.store.idempotent(&token.0, key).await? {
            if hash != body_hash {
                return Err(Problem::conflict(
                    "this Idempotency-Key was used with a different body",
                ));
            }
            if let Some(n) = st.store.get(&id).await? {
                return Ok(json_response(StatusCode::OK, view(&st, &n)));
            }
        }
    }
    let spec = spec_from_body(&body, &st)?;
    let (status, n) = create_narration(&st, spec).await?;
    if let Some(key) = &key {
        st.store
            .remember_key(&token.0, key, &n.id, &body_hash)
            .await?;
    }
    let mut resp = json_response(status, view(&st, &n));
    if let Ok(loc) = HeaderValue::from_str(&format!("/v1/narrations/{}", n.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

// --- read, list, delete -----------------------------------------------------------

async fn show(State(st): Shared, UrlPath(id): UrlPath<String>) -> Result<Response, Problem> {
    let n = st
        .store
        .get(&id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no narration '{id}'")))?;
    if n.removed {
        return Err(Problem::not_found(format!("narration '{id}' was deleted")));
    }
    Ok(json_response(StatusCode::OK, view(&st, &n)))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    external_id: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(st): Shared,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(q) = q.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            Status::parse(s).ok_or_else(|| {
                Problem::invalid(
                    "status",
                    "status must be queued, running, done, failed or canceled",
                )
            })
        })
        .transpose()?;
    let before = q
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| Problem::invalid("cursor", "not a cursor"))
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Problem::invalid("limit", "limit must be 1 to 200"));
    }
    let items = st
        .store
        .list(status, q.external_id.as_deref(), before, limit + 1)
        .await?;
    let more = items.len() as i64 > limit;
    let items: Vec<&Narration> = items.iter().take(limit as usize).collect();
    let next = more
        .then(|| items.last().map(|n| n.seq.to_string()))
        .flatten();
    Ok(json_response(
        StatusCode::OK,
        json!({
            "items": items.iter().map(|n| view(&st, n)).collect::<Vec<_>>(),
            "next": next,
        }),
    ))
}

/// Cancel, remove the files and take the narration out of the feed.
pub async fn delete_narration(st: &AppState, id: &str) -> Result<(), ServerError> {
    cancel(st, id, "deleted").await?;
    st.store.remove(id).await?;
    worker::remove_media(&st.media, id).await;
    refresh_feed(st).await;
    Ok(())
}

async fn remove(State(st): Shared, UrlPath(id): UrlPath<String>) -> Result<Response, Problem> {
    match st.store.get(&id).await? {
        None => return Err(Problem::not_found(format!("no narration '{id}'"))),
        // DELETE is idempotent: deleting it again changes nothing.
        Some(n) if n.removed => return Ok(StatusCode::NO_CONTENT.into_response()),
        Some(_) => {}
    }
    delete_narration(&st, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- Ghost --------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct GhostQuery {
    event: Option<String>,
}

async fn ghost_hook(
    State(st): Shared,
    q: Result<Query<GhostQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let Some(secret) = st.options.ghost_secret.clone() else {
        return Err(Problem::forbidden(
            "Ghost hooks are off: start the server with --ghost-secret",
        ));
    };
    let Query(q) = q.map_err(|e| Problem::invalid("event", e.body_text()))?;
    let body = body.map_err(|_| Problem::too_large("the body is too large"))?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let sig = headers
        .get("x-ghost-signature")
        .and_then(|v| v.to_str().ok());
    ghost::verify(secret.as_bytes(), sig, &body, now_ms)
        .map_err(|e| Problem::unauthorized(e.to_string()))?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| Problem::invalid("/post", format!("not JSON: {e}")))?;
    match ghost::action(&value, q.event.as_deref()).map_err(|e| Problem::invalid("/post", e))? {
        GhostAction::Narrate(post) => {
            let mut req = NarrationRequest::new(Source::Html(post.html));
            req.metadata = MetadataRequest {
                title: post.title,
                author: post.author,
                published: post.published_at,
            };
            req.disclosure = st.config.feed.spoken_disclosure().map(str::to_string);
            let spec = Spec {
                external_id: format!("ghost:{}", post.id),
                request: req,
                public: post.public,
                callback_url: None,
                link: post.url.clone(),
                metadata: post.url.map(|u| json!({"url": u})),
            };
            let (status, n) = create_narration(&st, spec).await?;
            Ok(json_response(status, view(&st, &n)))
        }
        GhostAction::Remove { post_id } => {
            let ext = format!("ghost:{post_id}");
            let mut removed = Vec::new();
            for n in st.store.list(None, Some(&ext), None, 1000).await? {
                if !n.deleted {
                    delete_narration(&st, &n.id).await?;
                    removed.push(n.id);
                }
            }
            Ok(json_response(StatusCode::OK, json!({"removed": removed})))
        }
        GhostAction::Ignore(why) => Ok(json_response(StatusCode::OK, json!({"ignored": why}))),
    }
}

// --- Standard Webhooks in -------------------------------------------------------------

/// `POST /v1/hooks/standard`: the body of `POST /v1/narrations`, signed the Standard
/// Webhooks way instead of a bearer token. A message id seen before is answered
/// with the narration it made, never queued again.
async fn standard_hook(
    State(st): Shared,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let Some(secret) = st.options.hook_secret.clone() else {
        return Err(Problem::forbidden(
            "Standard-Webhooks hooks are off: start the server with --hook-secret \
             (or --webhook-secret)",
        ));
    };
    let body = body.map_err(body_problem(&st))?;
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let inbound = InboundHeaders {
        id: h("webhook-id"),
        timestamp: h("webhook-timestamp"),
        signature: h("webhook-signature"),
    };
    let msg_id = secret
        .verify_inbound(inbound, &body, super::store::now())
        .map_err(|e| Problem::unauthorized(e.to_string()))?
        .to_string();
    if !st.store.claim_hook(&msg_id).await? {
        return match st.store.hook_narration(&msg_id).await? {
            Some(id) => {
                let n = st
                    .store
                    .get(&id)
                    .await?
                    .ok_or_else(|| Problem::internal("a hook's narration is gone"))?;
                Ok(json_response(StatusCode::OK, view(&st, &n)))
            }
            None => Err(Problem::conflict(format!(
                "message '{msg_id}' is being processed; retry later"
            ))),
        };
    }
    let made = match spec_from_body(&body, &st) {
        Ok(spec) => create_narration(&st, spec).await,
        Err(p) => Err(p),
    };
    match made {
        Ok((status, n)) => {
            st.store.hook_processed(&msg_id, &n.id).await?;
            let mut resp = json_response(status, view(&st, &n));
            if let Ok(loc) = HeaderValue::from_str(&format!("/v1/narrations/{}", n.id)) {
                resp.headers_mut().insert(header::LOCATION, loc);
            }
            Ok(resp)
        }
        Err(p) => {
            // Not processed: a redelivery is looked at again (and answered alike).
            st.store.release_hook(&msg_id).await?;
            Err(p)
        }
    }
}

// --- callbacks ----------------------------------------------------------------------

/// Send `event` for narration `id` to its callback URL, if it has one (in the
/// background, with retries).
pub async fn send_callback(st: &Arc<AppState>, id: &str, event: &str) {
    let n = match st.store.get(id).await {
        Ok(Some(n)) => n,
        _ => return,
    };
    let Some(url) = n.callback_url.clone() else {
        return;
    };
    let ts = super::store::now();
    let body = json!({
        "type": event,
        "timestamp": chrono::DateTime::from_timestamp(ts, 0).map(|t| t.to_rfc3339()),
        "data": view(st, &n),
    });
    // The same message for every delivery of this event, across restarts too.
    let msg_id = format!("msg_{}_{}", n.id, event.trim_start_matches("narration."));
    match st
        .store
        .outbox_add(&msg_id, &url, body.to_string().as_bytes())
        .await
    {
        Ok(()) => st.outbox_wake.notify_one(),
        Err(e) => tracing::warn!("callback {msg_id}: {e}"),
    }
}

// --- media, feed, health, metrics ------------------------------------------------------

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "opus" => "audio/ogg; codecs=opus",
        "vtt" => "text/vtt; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/rss+xml; charset=utf-8",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// A single `bytes=` range of a `len`-byte file: `Ok(None)` for no (or an
/// ignorable) Range header, `Err(())` when unsatisfiable.
fn byte_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None); // multiple ranges: answer the whole file
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| ())?;
            if n == 0 {
                return Err(());
            }
            (len.saturating_sub(n), len.checked_sub(1).ok_or(())?)
        }
        (s, "") => (s.parse().map_err(|_| ())?, len.checked_sub(1).ok_or(())?),
        (s, e) => {
            let s: u64 = s.parse().map_err(|_| ())?;
            let e: u64 = e.parse().map_err(|_| ())?;
            (s, e.min(len.saturating_sub(1)))
        }
    };
    if start >= len || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

async fn serve_file(st: &AppState, name: &str, headers: &HeaderMap) -> Result<Response, Problem> {
    let missing = || Problem::not_found(format!("no file '{name}'"));
    let meta = st.media.head(name).await?.ok_or_else(missing)?;
    if let Some(ttl) = st.options.media_redirect {
        // The bucket serves the bytes (and ranges) itself.
        let url = st.media.presigned(name, ttl).await?;
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(url.as_str()) {
            h.insert(header::LOCATION, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok((StatusCode::TEMPORARY_REDIRECT, h).into_response());
    }
    let len = meta.size;
    let etag = match meta.e_tag.as_deref().map(|t| t.trim_matches('"')) {
        Some(t) if !t.is_empty() => format!("\"{t}\""),
        _ => format!(
            "\"{len:x}-{:x}\"",
            meta.last_modified.timestamp_nanos_opt().unwrap_or(0)
        ),
    };
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    let inm = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if inm.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    // A Range with If-Range naming another version gets the whole file.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v == etag);
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok);
    // The version looked at above, so headers and bytes agree even while a
    // re-render replaces the object.
    let version = GetOptions {
        if_match: meta.e_tag.clone(),
        ..Default::default()
    };
    let body = |r: object_store::GetResult| {
        Body::from_stream(r.into_stream().map(|c| c.map_err(std::io::Error::other)))
    };
    match byte_range(range, len) {
        Ok(None) => {
            let r = st.media.get(name, version).await?.ok_or_else(missing)?;
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            Ok((StatusCode::OK, h, body(r)).into_response())
        }
        Ok(Some((start, end))) => {
            let options = GetOptions {
                range: Some(GetRange::Bounded(start..end + 1)),
                ..version
            };
            let r = st.media.get(name, options).await?.ok_or_else(missing)?;
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
            Ok((StatusCode::PARTIAL_CONTENT, h, body(r)).into_response())
        }
        Err(()) => {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                h.insert(header::CONTENT_RANGE, v);
            }
            let mut p = Problem::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range-not-satisfiable",
                "Range not satisfiable",
                format!("the file has {len} bytes"),
            )
            .into_response();
            p.headers_mut().extend(h);
            p.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            Ok(p)
        }
    }
}

async fn media(
    State(st): Shared,
    UrlPath(file): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let plain = !file.is_empty()
        && !file.starts_with('.')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !plain {
        return Err(Problem::not_found(format!("no file '{file}'")));
    }
    serve_file(&st, &file, &headers).await
}

async fn feed_xml(State(st): Shared, headers: HeaderMap) -> Result<Response, Problem> {
    // Workers on other machines finish narrations without writing the feed.
    refresh_feed(&st).await;
    serve_file(&st, feed::FEED_FILE, &headers).await
}

/// Rewrite `media/feed.xml` from the done, public narrations (one item per article:
/// its newest done revision).
pub async fn refresh_feed(st: &AppState) {
    if !st.serves_http {
        // A worker process does not know the public URL: the servers write it.
        return;
    }
    let _one = st.feed_lock.lock().await;
    let items = match st.store.feed_items().await {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!("feed: {e}");
            return;
        }
    };
    // Unchanged since the last write (and still there): nothing to do.
    let version = sha256_hex(
        items
            .iter()
            .map(|n| format!("{}:{}:{}\n", n.id, n.updated_at, n.bytes.unwrap_or(0)))
            .collect::<String>()
            .as_bytes(),
    );
    if st.feed_version.lock().await.as_deref() == Some(version.as_str())
        && matches!(st.media.head(feed::FEED_FILE).await, Ok(Some(_)))
    {
        return;
    }
    let mut newest: HashMap<String, Narration> = HashMap::new();
    for n in items {
        newest.insert(n.external_id.clone(), n); // ordered by seq: later wins
    }
    let mut episodes: Vec<feed::Episode> = Vec::with_capacity(newest.len());
    // What the feed checks of each episode's files, from the records (the worker
    // put the files into the storage before it recorded them done).
    let mut files: HashMap<String, feed::FileInfo> = HashMap::new();
    for n in newest.into_values() {
        let Some(audio) = n.audio_file.clone() else {
            continue;
        };
        let names = worker::media_files(&n.id, AudioFormat::Mp3);
        let ep = feed::Episode {
            guid: feed::episode_guid(&n.external_id),
            title: n.title.clone().unwrap_or_else(|| n.external_id.clone()),
            description: None,
            link: n.link.clone(),
            published: n.published.clone(),
            audio_file: audio,
            audio_bytes: n.bytes.unwrap_or(0) as u64,
            duration_s: n.duration_s.unwrap_or(0.0),
            transcript_vtt: Some(names.vtt),
            transcript_json: Some(names.transcript),
            chapters_json: Some(names.chapters),
            language: n.language.clone(),
            author: n.author.clone(),
        };
        let modified = std::time::UNIX_EPOCH + Duration::from_secs(n.updated_at.max(0) as u64);
        let len = ep.audio_bytes;
        files.insert(ep.audio_file.clone(), feed::FileInfo { len, modified });
        for side in [&ep.transcript_vtt, &ep.transcript_json, &ep.chapters_json]
            .into_iter()
            .flatten()
        {
            files.insert(side.clone(), feed::FileInfo { len: 0, modified });
        }
        episodes.push(ep);
    }
    let dir = st.staging.join("feed");
    let base = st
        .public_url
        .join("media/")
        .unwrap_or_else(|_| st.public_url.clone());
    let settings = st.config.feed.clone();
    let out = dir.clone();
    let r = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&out).map_err(|source| feed::FeedError::Io {
            path: out.clone(),
            source,
        })?;
        let lookup = |name: &str| {
            files
                .get(name)
                .copied()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        };
        feed::write_feed_with(&out, &base, &settings, &episodes, &lookup)
    })
    .await;
    match r {
        Ok(Ok(path)) => {
            let cover = dir.join(feed::COVER_FILE);
            let cover_missing = matches!(st.media.head(feed::COVER_FILE).await, Ok(None));
            if cover.exists() && cover_missing {
                if let Err(e) = st.media.put_file(feed::COVER_FILE, &cover).await {
                    tracing::warn!("feed cover: {e}");
                }
            }
            match st.media.put_file(feed::FEED_FILE, &path).await {
                Ok(_) => *st.feed_version.lock().await = Some(version),
                Err(e) => tracing::warn!("feed: {e}"),
            }
        }
        Ok(Err(e)) => tracing::warn!("feed: {e}"),
        Err(e) => tracing::warn!("feed: {e}"),
    }
}

async fn healthz(State(st): Shared) -> Response {
    match sqlx::query("SELECT 1").execute(&st.store.pool).await {
        Ok(_) => json_response(StatusCode::OK, json!({"status": "ok"})),
        Err(e) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "unavailable", "detail": e.to_string()}),
        ),
    }
}

async fn metrics(State(st): Shared) -> Result<Response, Problem> {
    let depth = st.queue.depth(&st.store).await?;
    let counts = st.store.counts().await?;
    let mut out = String::new();
    out.push_str("# HELP narrator_queue_depth Jobs waiting in the queue.\n");
    out.push_str("# TYPE narrator_queue_depth gauge\n");
    out.push_str(&format!("narrator_queue_depth {depth}\n"));
    out.push_str("# HELP narrator_narrations Narrations by status.\n");
    out.push_str("# TYPE narrator_narrations gauge\n");
    for s in Status::ALL {
        let n = counts
            .iter()
            .find(|(k, _)| k == s.as_str())
            .map_or(0, |(_, n)| *n);
        out.push_str(&format!(
            "narrator_narrations{{status=\"{}\"}} {n}\n",
            s.as_str()
        ));
    }
    let m = &st.metrics;
    let load = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    let counters = [
        (
            "narrator_renders_total",
            "Renders started by this process's workers.",
            load(&m.renders).to_string(),
        ),
        (
            "narrator_cache_hits_total",
            "Segments replayed from the segment cache.",
            load(&m.cache_hits).to_string(),
        ),
        (
            "narrator_cache_misses_total",
            "Segments synthesized by an engine (not in the segment cache).",
            load(&m.cache_misses).to_string(),
        ),
        (
            "narrator_synthesis_seconds_total",
            "Engine wall seconds spent synthesizing segments (cache misses only).",
            format!("{:.6}", load(&m.synthesis_us) as f64 / 1e6),
        ),
    ];
    for (name, help, value) in counters {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
        ));
    }
    out.push_str("# HELP narrator_renders_running Renders running in this process.\n");
    out.push_str("# TYPE narrator_renders_running gauge\n");
    out.push_str(&format!(
        "narrator_renders_running {}\n",
        st.running.lock().await.len()
    ));
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}

async fn openapi(State(st): Shared) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        st.openapi.clone(),
    )
        .into_response()
}
