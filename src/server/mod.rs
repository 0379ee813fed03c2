//! `narrator serve` and `narrator worker`: doors onto the plan over HTTP. Handlers
//! validate and enqueue; the job queue (apalis, on the embedded SQLite file or on
//! PostgreSQL) hands jobs to workers, in the server's process or in worker
//! processes on any machine, that run the plan on blocking threads and put what it
//! made into the storage (a directory or an S3-compatible bucket). One [`AppState`]
//! holds what every handler and worker of a process shares.
//!
//! Rooms: [`store`] (the server's records), [`queue`] (the job queue), [`media`]
//! (the storage), [`api`] (routes), [`worker`] (jobs),
//! [`webhook`] (signed callbacks out), [`ghost`] (Ghost's hook in), [`problem`]
//! (RFC 9457 errors), [`openapi`] (the served description), [`player`] (the web
//! player and its embed snippet).

pub mod api;
pub mod ghost;
pub mod media;
pub mod openapi;
pub mod player;
pub mod problem;
pub mod queue;
pub mod store;
pub mod webhook;
pub mod worker;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use std::sync::atomic::AtomicU64;

use crate::cache::SegmentCache;
use crate::cancel::CancelToken;
use crate::config::Config;
use crate::voices::Catalog;

use media::{Media, StorageUrl};
use queue::{JobQueue, QueueUrl};
use store::Store;
use webhook::{RetryPolicy, WebhookSecret};

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
    #[error("storage: {0}")]
    Storage(String),
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
    /// This process's own directory: render scratch files (and, with the embedded
    /// defaults, the queue and the media).
    pub data_dir: PathBuf,
    /// The job queue and the server's records (default: SQLite in `data_dir`).
    pub queue: QueueUrl,
    /// Audio, transcripts, chapters, feed (default: `data_dir/media`).
    pub storage: StorageUrl,
    /// Answer media requests with a redirect to a presigned URL valid this long
    /// (s3:// storage only) instead of streaming the object.
    pub media_redirect: Option<Duration>,
    /// Narrations rendered at once by this process (0: the API alone).
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
            queue: QueueUrl::Sqlite(data_dir.clone()),
            storage: StorageUrl::File(data_dir.join("media")),
            media_redirect: None,
            data_dir,
        }
    }
}

/// Everything handlers and workers share.
pub struct AppState {
    pub options: ServerOptions,
    pub public_url: url::Url,
    pub store: Store,
    pub queue: JobQueue,
    pub config: Config,
    pub catalog: Catalog,
    /// Where every file the API and the feed serve lives.
    pub media: Media,
    /// Local scratch for renders and the feed before they go into `media`.
    pub staging: PathBuf,
    /// This process serves HTTP (it knows its public URL, so it writes the feed).
    pub serves_http: bool,
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
    /// What the feed in the storage was last written from (see
    /// [`api::refresh_feed`]).
    pub feed_version: Mutex<Option<String>>,
    /// Engines kept between this process's jobs (a Piper voice loads once).
    pub engines: crate::plan::EngineCache,
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

/// The store of the queue at `queue` (for `narrator token`).
pub async fn open_store(queue: &QueueUrl) -> Result<Store, ServerError> {
    Ok(queue::open(queue, Duration::from_secs(2)).await?.0)
}

/// Run the server until SIGTERM or ctrl-c; running renders are canceled and their
/// jobs left to the queue, which re-enqueues them for the next start.
pub async fn serve(
    options: ServerOptions,
    config: Config,
    catalog: Catalog,
) -> Result<(), ServerError> {
    run(true, options, config, catalog).await
}

/// Run `options.workers` workers (no HTTP) until SIGTERM or ctrl-c.
pub async fn work(
    options: ServerOptions,
    config: Config,
    catalog: Catalog,
) -> Result<(), ServerError> {
    run(false, options, config, catalog).await
}

async fn run(
    http: bool,
    options: ServerOptions,
    config: Config,
    catalog: Catalog,
) -> Result<(), ServerError> {
    if options.media_redirect.is_some() && !matches!(options.storage, StorageUrl::S3 { .. }) {
        return Err(ServerError::Invalid(
            "--media-redirect needs --storage s3://BUCKET/PREFIX".into(),
        ));
    }
    let listener = if http {
        Some(
            tokio::net::TcpListener::bind(options.listen)
                .await
                .map_err(|source| ServerError::Listen {
                    addr: options.listen,
                    source,
                })?,
        )
    } else {
        None
    };
    let (store, queue) = queue::open(&options.queue, options.heartbeat).await?;
    let media = Media::open(&options.storage).await?;
    let staging = options.data_dir.join("staging");
    std::fs::create_dir_all(&staging).map_err(|source| ServerError::DataDir {
        path: staging.clone(),
        source,
    })?;
    tracing::info!(
        "queue: {}; storage: {}",
        options.queue.describe(),
        options.storage.describe()
    );

    let bound = match &listener {
        Some(l) => l.local_addr()?,
        None => options.listen,
    };
    let public_url = match &options.public_url {
        Some(u) => u.clone(),
        None => url::Url::parse(&format!("http://{bound}/"))
            .map_err(|e| ServerError::Invalid(e.to_string()))?,
    };
    let http_client = reqwest::Client::builder()
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
    let cache = options.cache_dir.as_ref().map(|dir| {
        let cache = SegmentCache::open(dir, cache_cap);
        match options.storage {
            // Shared storage: a segment any worker synthesized is a hit on all.
            StorageUrl::S3 { .. } => cache.with_shared(Arc::new(
                media.segment_tier(tokio::runtime::Handle::current()),
            )),
            StorageUrl::File(_) => cache,
        }
    });
    let state = Arc::new(AppState {
        rate: api::RateLimiter::new(options.rate_limit_per_minute),
        options: options.clone(),
        public_url,
        store,
        queue: queue.clone(),
        config,
        catalog,
        media,
        staging,
        serves_http: http,
        running: Mutex::new(HashMap::new()),
        create_lock: Mutex::new(()),
        feed_lock: Mutex::new(()),
        http: http_client,
        shutting_down: std::sync::atomic::AtomicBool::new(false),
        cache,
        metrics: Metrics::default(),
        openapi,
        runnable,
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
        feed_version: Mutex::new(None),
        engines: crate::plan::EngineCache::default(),
    });
    if http {
        api::refresh_feed(&state).await;
    }

    let (stop_tx, _) = tokio::sync::broadcast::channel::<()>(1);
    let mut tasks = Vec::new();
    if http {
        // Callbacks are delivered by the serving processes; a worker process only
        // queues them in the database's outbox.
        tasks.push(tokio::spawn(webhook::run_outbox(
            state.http.clone(),
            state.store.clone(),
            state.options.webhook_secret.clone(),
            state.options.callback_retry.clone(),
            state.outbox_wake.clone(),
            stop_tx.subscribe(),
        )));
    }
    for i in 0..options.workers {
        let name = worker_name(i);
        tracing::info!("worker {name}");
        tasks.push(queue.spawn_worker(name, state.clone(), stop_tx.subscribe()));
    }

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
    match listener {
        Some(listener) => {
            eprintln!("narrator: listening on http://{bound}");
            let app = api::router(state.clone());
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await?;
        }
        None => {
            eprintln!(
                "narrator: {} worker(s) on {}",
                options.workers,
                options.queue.describe()
            );
            shutdown.await;
        }
    }
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
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
