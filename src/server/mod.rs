//! `narrator serve`: a door onto the plan over HTTP. Handlers validate and enqueue;
//! the SQLite job queue (apalis) hands jobs to workers that run the plan on blocking
//! threads. One [`AppState`] holds what every handler and worker shares.
//!
//! Rooms: [`store`] (the server's records), [`api`] (routes), [`worker`] (jobs),
//! [`webhook`] (signed callbacks out), [`ghost`] (Ghost's hook in), [`problem`]
//! (RFC 9457 errors), [`openapi`] (the served description), [`player`] (the web
//! player and its embed snippet).

pub mod api;
pub mod ghost;
pub mod openapi;
pub mod player;
pub mod problem;
pub mod store;
pub mod webhook;
pub mod worker;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use apalis::prelude::*;
use apalis_sqlite::SqliteStorage;
use tokio::sync::Mutex;

use std::sync::atomic::AtomicU64;

use crate::cache::SegmentCache;
use crate::cancel::CancelToken;
use crate::config::Config;
use crate::voices::Catalog;

use store::Store;
use webhook::{RetryPolicy, WebhookSecret};
use worker::NarrationJob;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Invalid(String),
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("job queue: {0}")]
    Queue(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

impl ServerError {
    /// The options were wrong (exit 2), as opposed to the server failing.
    pub fn is_usage(&self) -> bool {
        matches!(self, ServerError::Invalid(_) | ServerError::Listen { .. })
    }
}

/// What `narrator serve` was started with.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// Narrations rendered at once.
    pub workers: usize,
    /// Fetch article URLs on loopback/private/link-local addresses (tests, intranets).
    pub allow_private_urls: bool,
    /// The URL the server is reached at (feed and media links); default from `listen`.
    pub public_url: Option<url::Url>,
    pub webhook_secret: Option<WebhookSecret>,
    /// Verifies inbound Standard-Webhooks calls on `/v1/hooks/standard`.
    pub hook_secret: Option<WebhookSecret>,
    /// An event for an article whose newest revision was created less than this
    /// ago starts its job only after this long, so a burst of edits is one job
    /// (later events of the burst update the queued revision in place). The first
    /// event of an article is never delayed.
    pub coalesce_window: Duration,
    /// Ghost's webhook secret (the key bytes as Ghost shows them).
    pub ghost_secret: Option<String>,
    /// Requests per minute per token.
    pub rate_limit_per_minute: u32,
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Queue heartbeat; a worker silent for 3 of them has its jobs re-enqueued.
    pub heartbeat: Duration,
    pub callback_retry: RetryPolicy,
    /// The workers' segment cache (None: every segment is synthesized). Default
    /// `<data_dir>/segments`, so a retried or re-published job replays its audio.
    pub cache_dir: Option<PathBuf>,
}

impl ServerOptions {
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Self {
            listen,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 4),
            allow_private_urls: false,
            public_url: None,
            webhook_secret: None,
            hook_secret: None,
            coalesce_window: Duration::from_secs(2),
            ghost_secret: None,
            rate_limit_per_minute: 600,
            max_body_bytes: 2 * 1024 * 1024,
            heartbeat: Duration::from_secs(2),
            callback_retry: RetryPolicy::default(),
            cache_dir: Some(data_dir.join("segments")),
            data_dir,
        }
    }
}

/// Everything handlers and workers share.
pub struct AppState {
    pub options: ServerOptions,
    pub public_url: url::Url,
    pub store: Store,
    pub queue: SqliteStorage<NarrationJob>,
    pub config: Config,
    pub catalog: Catalog,
    pub media_dir: PathBuf,
    /// Cancel tokens of the renders running in this process.
    pub running: Mutex<HashMap<String, CancelToken>>,
    /// One create at a time: the same article posted twice at once is one job.
    pub create_lock: Mutex<()>,
    pub feed_lock: Mutex<()>,
    pub rate: api::RateLimiter,
    pub http: reqwest::Client,
    /// Wakes the callback outbox when a message is added.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Set on SIGTERM/ctrl-c: a render canceled now goes back to the queue.
    pub shutting_down: std::sync::atomic::AtomicBool,
    /// The segment cache every worker's render reads and fills.
    pub cache: Option<SegmentCache>,
    pub metrics: Metrics,
    /// `/openapi.json`, made at start (it lists the engines and voices that run).
    pub openapi: String,
    /// The engines and voices a create may name: those that run here.
    pub runnable: Runnable,
}

/// Counters for `/metrics`, since this process started (Prometheus counters may
/// reset on a restart).
#[derive(Debug, Default)]
pub struct Metrics {
    /// Renders started by this process's workers.
    pub renders: AtomicU64,
    /// Segments replayed from the segment cache.
    pub cache_hits: AtomicU64,
    /// Segments the engine synthesized (not in the cache).
    pub cache_misses: AtomicU64,
    /// Engine wall time of the synthesized segments, microseconds.
    pub synthesis_us: AtomicU64,
}

/// A name no other worker process has used: host, pid and a random UUID. A
/// replacement reusing a dead worker's name would never recover its jobs.
pub fn worker_name(index: usize) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!(
        "narrator-{host}-{}-{}-{index}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )
}

/// The store of `data_dir` (for `narrator token`).
pub async fn open_store(data_dir: &Path) -> Result<Store, ServerError> {
    Ok(Store {
        pool: store::open(data_dir).await?,
    })
}

/// Run the server until SIGTERM or ctrl-c; running renders are canceled and their
/// jobs left to the queue, which re-enqueues them for the next start.
pub async fn serve(
    options: ServerOptions,
    config: Config,
    catalog: Catalog,
) -> Result<(), ServerError> {
    let store = open_store(&options.data_dir).await?;
    SqliteStorage::setup(&store.pool)
        .await
        .map_err(|e| ServerError::Queue(e.to_string()))?;
    let media_dir = options.data_dir.join("media");
    std::fs::create_dir_all(&media_dir).map_err(|source| ServerError::DataDir {
        path: media_dir.clone(),
        source,
    })?;
    let queue_config = apalis_sqlite::Config::default()
        .queue(worker::QUEUE)
        // Long TTS jobs: fetch one at a time, or a crash orphans the prefetched ones.
        .batch_size(1)
        .heartbeat_interval(options.heartbeat)
        .missed_heartbeats(3);
    let queue = SqliteStorage::new(&store.pool).with_config(queue_config);

    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| ServerError::Listen {
            addr: options.listen,
            source,
        })?;
    let bound = listener.local_addr()?;
    let public_url = match &options.public_url {
        Some(u) => u.clone(),
        None => url::Url::parse(&format!("http://{bound}/"))
            .map_err(|e| ServerError::Invalid(e.to_string()))?,
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ServerError::Invalid(e.to_string()))?;
    let runnable = {
        let (config, catalog) = (config.clone(), catalog.clone());
        tokio::task::spawn_blocking(move || runnable(&config, &catalog))
            .await
            .map_err(|e| ServerError::Invalid(e.to_string()))?
    };
    tracing::info!(
        "engines: {}; voices: {}",
        runnable.engines.join(", "),
        runnable.voice_ids().join(", ")
    );
    let openapi = openapi::document(&runnable).to_string();
    let cache_cap = config
        .cache_max_bytes
        .unwrap_or(crate::cache::DEFAULT_MAX_BYTES);
    let cache = options
        .cache_dir
        .as_ref()
        .map(|dir| SegmentCache::open(dir, cache_cap));
    let state = Arc::new(AppState {
        rate: api::RateLimiter::new(options.rate_limit_per_minute),
        options: options.clone(),
        public_url,
        store,
        queue: queue.clone(),
        config,
        catalog,
        media_dir,
        running: Mutex::new(HashMap::new()),
        create_lock: Mutex::new(()),
        feed_lock: Mutex::new(()),
        http,
        shutting_down: std::sync::atomic::AtomicBool::new(false),
        cache,
        metrics: Metrics::default(),
        openapi,
        runnable,
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    });
    api::refresh_feed(&state).await;

    let (stop_tx, _) = tokio::sync::broadcast::channel::<()>(1);
    let mut workers = vec![tokio::spawn(webhook::run_outbox(
        state.http.clone(),
        state.store.clone(),
        state.options.webhook_secret.clone(),
        state.options.callback_retry.clone(),
        state.outbox_wake.clone(),
        stop_tx.subscribe(),
    ))];
    for i in 0..options.workers.max(1) {
        let name = worker_name(i);
        tracing::info!("worker {name}");
        // Poll often: the default wait is about a heartbeat, which is all latency
        // for a newsroom waiting on a short article.
        let w = WorkerBuilder::new(name)
            .backend(queue.clone().poll_with_interval(Duration::from_millis(250)))
            .concurrency(1)
            .data(state.clone())
            .build(handle_job);
        let mut stop = stop_tx.subscribe();
        workers.push(tokio::spawn(async move {
            let signal = async move {
                let _ = stop.recv().await;
                Ok::<(), std::io::Error>(())
            };
            if let Err(e) = w.run_until(signal).await {
                tracing::error!("worker stopped: {e}");
            }
        }));
    }

    eprintln!("narrator: listening on http://{bound}");
    let app = api::router(state.clone());
    let shutdown = {
        let state = state.clone();
        let stop_tx = stop_tx.clone();
        async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            state
                .shutting_down
                .store(true, std::sync::atomic::Ordering::SeqCst);
            for token in state.running.lock().await.values() {
                token.cancel();
            }
            let _ = stop_tx.send(());
        }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    for w in workers {
        let _ = tokio::time::timeout(Duration::from_secs(10), w).await;
    }
    Ok(())
}

/// The engines and the installed voices a create naming only that engine or voice
/// can narrate with, in this build and config: the plan resolves and its engine
/// builds (an engine that needs a URL, a key or a model it was not given is left
/// out; building checks them, as at the start of every render).
/// What a create may name on this server.
#[derive(Debug, Clone, Default)]
pub struct Runnable {
    /// Engine names.
    pub engines: Vec<String>,
    /// Voice ids, each with the name of the engine it is for.
    pub voices: Vec<(String, String)>,
}

impl Runnable {
    pub fn voice_ids(&self) -> Vec<String> {
        self.voices.iter().map(|(v, _)| v.clone()).collect()
    }

    /// The engine `voice` is for, when the server has it.
    pub fn engine_of(&self, voice: &str) -> Option<&str> {
        self.voices
            .iter()
            .find(|(v, _)| v == voice)
            .map(|(_, e)| e.as_str())
    }
}

fn runnable(config: &Config, catalog: &Catalog) -> Runnable {
    use crate::plan::{NarrationRequest, Plan, Source};
    let probe = NarrationRequest::new(Source::Text("Probe.".into()));
    let engines = crate::engine::registry()
        .into_iter()
        .filter(|kind| {
            let mut req = probe.clone();
            req.engine = Some(*kind);
            Plan::resolve(&req, config, catalog)
                .and_then(|p| p.prepare())
                .is_ok()
        })
        .map(|kind| kind.name().to_string())
        .collect();
    let voices = catalog
        .list()
        .into_iter()
        .filter(|v| v.installed)
        .filter(|v| {
            let mut req = probe.clone();
            req.voice = Some(v.id.clone());
            Plan::resolve(&req, config, catalog)
                .and_then(|p| p.prepare())
                .is_ok()
        })
        .map(|v| (v.id, v.engine.name().to_string()))
        .collect();
    Runnable { engines, voices }
}

/// The queue's handler: one narration job.
async fn handle_job(job: NarrationJob, state: Data<Arc<AppState>>) -> Result<(), BoxDynError> {
    let state: Arc<AppState> = (*state).clone();
    worker::run_job(job, state)
        .await
        .map_err(|e| Box::new(e) as BoxDynError)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
