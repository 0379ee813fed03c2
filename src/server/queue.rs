//! The job queue behind `--queue`: apalis on the embedded SQLite file of the data
//! directory (the default) or on PostgreSQL (`postgres://…`, many worker processes
//! on many machines). Both run the same job ([`NarrationJob`]), the same handler and
//! the same settings: one job fetched at a time, a short heartbeat, a unique worker
//! name, at most five attempts.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use apalis::prelude::*;
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use super::store::{self, Dialect, Store};
use super::worker::{NarrationJob, QUEUE};
use super::{AppState, ServerError};

/// Where the queue (and the server's records) live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueUrl {
    /// `narrator.db` in this data directory.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl QueueUrl {
    /// `--queue` as given (`sqlite://PATH`, `postgres://…`, `postgresql://…`), or the
    /// embedded default in `data_dir` when none was.
    pub fn parse(queue: Option<&str>, data_dir: &Path) -> Result<QueueUrl, ServerError> {
        let Some(q) = queue.map(str::trim).filter(|q| !q.is_empty()) else {
            return Ok(QueueUrl::Sqlite(data_dir.to_path_buf()));
        };
        if q.starts_with("postgres://") || q.starts_with("postgresql://") {
            url::Url::parse(q).map_err(|e| {
                ServerError::Invalid(format!(
                    "--queue: not a PostgreSQL URL ({e}): {}",
                    redact(q)
                ))
            })?;
            return Ok(QueueUrl::Postgres(q.to_string()));
        }
        if let Some(dir) = q.strip_prefix("sqlite://") {
            if dir.is_empty() {
                return Err(ServerError::Invalid(
                    "--queue sqlite:// needs a directory: sqlite:///var/lib/narrator".into(),
                ));
            }
            return Ok(QueueUrl::Sqlite(PathBuf::from(dir)));
        }
        Err(ServerError::Invalid(format!(
            "--queue must be postgres://… or sqlite://DIR, not '{}'",
            redact(q)
        )))
    }

    /// For logs: the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            QueueUrl::Sqlite(dir) => format!("sqlite ({})", dir.join(store::DB_FILE).display()),
            QueueUrl::Postgres(u) => redact(u),
        }
    }
}

/// `url` with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// The queue of one backend; cloning shares its pool.
#[derive(Clone)]
pub enum JobQueue {
    Sqlite(SqliteStorage<NarrationJob>),
    Postgres(PostgresStorage<NarrationJob>),
}

/// How often an idle worker looks for due jobs. PostgreSQL workers are also woken at
/// once by the queue's insert notification (LISTEN/NOTIFY); the poll finds jobs
/// whose start was delayed (coalescing) and covers a lost notification.
/// `NARRATOR_QUEUE_POLL_MS` overrides it (benches).
fn poll_interval() -> Duration {
    std::env::var("NARRATOR_QUEUE_POLL_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(Duration::from_millis(250), Duration::from_millis)
}

/// The settings every backend's queue gets (two config types, one list): the
/// queue's name; one job fetched at a time (long TTS jobs: a crash would orphan
/// prefetched ones); a short heartbeat, a worker silent for 3 of them presumed
/// dead and its job re-enqueued.
macro_rules! job_settings {
    ($config:expr, $heartbeat:expr) => {
        $config
            .queue(QUEUE)
            .batch_size(1)
            .heartbeat_interval($heartbeat)
            .missed_heartbeats(3)
    };
}

/// Open the store and the queue at `url`, creating their tables (on PostgreSQL
/// under one advisory lock, so servers and workers starting together never race).
pub async fn open(url: &QueueUrl, heartbeat: Duration) -> Result<(Store, JobQueue), ServerError> {
    match url {
        QueueUrl::Sqlite(data_dir) => {
            let file = store::sqlite_file(data_dir)?;
            // Processes starting together on one data dir (a server, a worker, a
            // `token create`) set the schema up in turn: SQLite migrations take no
            // lock of their own. Held until the tables exist.
            let lock_path = data_dir.join(format!("{}.lock", store::DB_FILE));
            let _setup = tokio::task::spawn_blocking(move || {
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)
                    .map_err(|source| ServerError::DataDir {
                        path: lock_path.clone(),
                        source,
                    })?;
                f.lock().map_err(|source| ServerError::DataDir {
                    path: lock_path,
                    source,
                })?;
                Ok::<_, ServerError>(f)
            })
            .await
            .map_err(|e| ServerError::Queue(e.to_string()))??;
            let options = SqliteConnectOptions::new()
                .filename(&file)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            SqliteStorage::setup(&pool)
                .await
                .map_err(|e| ServerError::Queue(e.to_string()))?;
            let store = store::connect(&store::sqlite_url(&file)?, 8, || async { Ok(()) }).await?;
            let config = job_settings!(apalis_sqlite::Config::default(), heartbeat);
            let queue = SqliteStorage::new(&pool).with_config(config);
            Ok((store, JobQueue::Sqlite(queue)))
        }
        QueueUrl::Postgres(u) => {
            // One plain connection first: a wrong host, password or database is
            // reported as such, at once (a pool would retry until its timeout).
            {
                use sqlx::Connection;
                let c = sqlx::postgres::PgConnection::connect(u)
                    .await
                    .map_err(|e| ServerError::Queue(format!("{}: {e}", redact(u))))?;
                let _ = c.close().await;
            }
            let pool = PgPoolOptions::new()
                .max_connections(6)
                .acquire_timeout(Duration::from_secs(30))
                .connect(u)
                .await
                .map_err(|e| ServerError::Queue(format!("{}: {e}", redact(u))))?;
            let setup_pool = pool.clone();
            let store = store::connect(u, 8, move || async move {
                PostgresStorage::setup(&setup_pool)
                    .await
                    .map_err(|e| ServerError::Queue(e.to_string()))
            })
            .await?;
            let config = job_settings!(apalis_postgres::Config::default(), heartbeat);
            let queue = PostgresStorage::new(&pool).with_config(config);
            Ok((store, JobQueue::Postgres(queue)))
        }
    }
}

impl JobQueue {
    /// Queue `job`, to start no sooner than `run_at` (Unix seconds) when given.
    pub async fn push(&self, job: NarrationJob, run_at: Option<u64>) -> Result<(), ServerError> {
        let mut task = TaskBuilder::new(job).max_attempts(5);
        if let Some(at) = run_at {
            task = task.run_at_timestamp(at);
        }
        let task = task.build();
        let pushed = match self {
            JobQueue::Sqlite(q) => q.clone().push_task(task).await.map_err(|e| e.to_string()),
            JobQueue::Postgres(q) => q.clone().push_task(task).await.map_err(|e| e.to_string()),
        };
        pushed.map_err(ServerError::Queue)
    }

    /// Jobs waiting to run (not yet taken by a worker).
    pub async fn depth(&self, store: &Store) -> Result<i64, ServerError> {
        let sql = match store.dialect {
            Dialect::Sqlite => {
                "SELECT COUNT(*) FROM Jobs WHERE job_type = $1 AND status IN ('Pending', 'Queued')"
            }
            Dialect::Postgres => {
                "SELECT COUNT(*) FROM apalis.jobs WHERE job_type = $1
                 AND status IN ('Pending', 'Queued')"
            }
        };
        Ok(sqlx::query_scalar(sql)
            .bind(QUEUE)
            .fetch_one(&store.pool)
            .await?)
    }

    /// Run one worker named `name` (unique: see [`super::worker_name`]) until `stop`
    /// fires; it renders one narration at a time.
    pub fn spawn_worker(
        &self,
        name: String,
        state: Arc<AppState>,
        mut stop: tokio::sync::broadcast::Receiver<()>,
    ) -> tokio::task::JoinHandle<()> {
        let signal = async move {
            let _ = stop.recv().await;
            Ok::<(), std::io::Error>(())
        };
        // One worker on `backend`: one render at a time, until `signal`.
        macro_rules! run {
            ($backend:expr) => {{
                let w = WorkerBuilder::new(name)
                    .backend($backend)
                    .concurrency(1)
                    .data(state)
                    .build(handle_job);
                tokio::spawn(async move {
                    if let Err(e) = w.run_until(signal).await {
                        tracing::error!("worker stopped: {e}");
                    }
                })
            }};
        }
        match self {
            // Poll often: the default wait is about a heartbeat, which is all latency
            // for a newsroom waiting on a short article.
            JobQueue::Sqlite(q) => run!(q.clone().poll_with_interval(poll_interval())),
            JobQueue::Postgres(q) => {
                let wake = apalis_postgres::Pubsub::new(q.pool().clone(), QUEUE.to_string());
                let strategy = Strategy::new().stream(wake).interval(poll_interval());
                run!(q.clone().poll_with_strategy(strategy))
            }
        }
    }
}

/// The queue's handler: one narration job.
async fn handle_job(job: NarrationJob, state: Data<Arc<AppState>>) -> Result<(), BoxDynError> {
    let state: Arc<AppState> = (*state).clone();
    super::worker::run_job(job, state)
        .await
        .map_err(|e| Box::new(e) as BoxDynError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_queue_urls() {
        let d = Path::new("/data");
        assert_eq!(
            QueueUrl::parse(None, d).ok(),
            Some(QueueUrl::Sqlite(d.into()))
        );
        assert_eq!(
            QueueUrl::parse(Some("sqlite:///q"), d).ok(),
            Some(QueueUrl::Sqlite("/q".into()))
        );
        assert_eq!(
            QueueUrl::parse(Some("postgres://u:p@127.0.0.1:5/db"), d).ok(),
            Some(QueueUrl::Postgres("postgres://u:p@127.0.0.1:5/db".into()))
        );
        let bad = QueueUrl::parse(Some("redis://u:secret@h/"), d).err();
        let msg = bad.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("--queue") && !msg.contains("secret"), "{msg}");
        assert_eq!(
            redact("postgres://u:pw@h/db"),
            "postgres://u:***@h/db".to_string()
        );
    }
}
