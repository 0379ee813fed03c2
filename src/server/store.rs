//! The server's own records, in the job queue's database (the embedded SQLite file
//! or PostgreSQL; one SQL text serves both through sqlx's `Any` driver): API tokens
//! (hashed), narrations and their revisions, idempotency keys, the callback outbox,
//! disabled callback endpoints.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::AnyPool;
use sqlx::Row;
use subtle::ConstantTimeEq;

use super::ServerError;

/// The database file inside the data dir.
pub const DB_FILE: &str = "narrator.db";

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tokens (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    )",
    "CREATE TABLE IF NOT EXISTS narrations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        external_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        public INTEGER NOT NULL DEFAULT 1,
        callback_url TEXT,
        metadata TEXT,
        content_hash TEXT,
        segments_done INTEGER NOT NULL DEFAULT 0,
        segments_total INTEGER,
        duration_s REAL,
        bytes INTEGER,
        synth_s REAL,
        audio_file TEXT,
        title TEXT,
        author TEXT,
        published TEXT,
        link TEXT,
        language TEXT,
        error TEXT,
        deleted INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS narrations_external ON narrations (external_id, revision)",
    "CREATE TABLE IF NOT EXISTS idempotency (
        token TEXT NOT NULL,
        key TEXT NOT NULL,
        narration_id TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (token, key)
    )",
    "CREATE TABLE IF NOT EXISTS outbox (
        msg_id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        body BLOB NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at_ms INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
    )",
    // Standard-Webhooks messages received (by webhook-id), so a redelivery is not
    // queued twice; narration_id is NULL while the first delivery is processed.
    "CREATE TABLE IF NOT EXISTS inbound_hooks (
        msg_id TEXT PRIMARY KEY,
        narration_id TEXT,
        received_at INTEGER NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS disabled_endpoints (
        url TEXT PRIMARY KEY,
        at INTEGER NOT NULL
    )",
];

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// SHA-256 of `s`, hex.
pub fn sha256_hex(s: &[u8]) -> String {
    Sha256::digest(s)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SQL dialect of the store's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The schema in `dialect`: [`SCHEMA`] is written for SQLite; PostgreSQL gets
/// 64-bit integers (every integer column is read as `i64`), an identity sequence,
/// doubles and bytea.
fn schema(dialect: Dialect) -> Vec<String> {
    SCHEMA
        .iter()
        .map(|stmt| match dialect {
            Dialect::Sqlite => stmt.to_string(),
            Dialect::Postgres => stmt
                .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
                .replace(" INTEGER", " BIGINT")
                .replace(" REAL", " DOUBLE PRECISION")
                .replace(" BLOB", " BYTEA"),
        })
        .collect()
}

/// The key of the advisory lock that serializes schema set-up on PostgreSQL: two
/// servers (or workers) starting at once take turns.
pub const SCHEMA_LOCK: i64 = 0x6e61_7272_6174_6f72; // "narrator"

/// The database file of the embedded queue inside `data_dir` (created).
pub fn sqlite_file(data_dir: &Path) -> Result<std::path::PathBuf, ServerError> {
    std::fs::create_dir_all(data_dir).map_err(|source| ServerError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    Ok(data_dir.join(DB_FILE))
}

/// A sqlx URL for the SQLite file `path` (percent-encoded, created if missing).
pub fn sqlite_url(path: &Path) -> Result<String, ServerError> {
    let abs = std::path::absolute(path).map_err(ServerError::Io)?;
    let file = url::Url::from_file_path(&abs)
        .map_err(|_| ServerError::Invalid(format!("not a usable path: {}", abs.display())))?;
    Ok(format!("sqlite://{}?mode=rwc", file.path()))
}

/// Connect to the store at `url` (`sqlite://…` or `postgres://…`) and create its
/// tables. On PostgreSQL `also` runs under the same advisory lock (the queue's own
/// migrations), so concurrent starts never race on `CREATE`.
pub async fn connect<F, Fut>(url: &str, max_connections: u32, also: F) -> Result<Store, ServerError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), ServerError>>,
{
    sqlx::any::install_default_drivers();
    let dialect = if url.starts_with("sqlite:") {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if dialect == Dialect::Sqlite {
                    // Queue and store share the file: wait for the other's writes.
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    let mut conn = pool.acquire().await?;
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let made = async {
        for stmt in schema(dialect) {
            sqlx::query(sqlx::AssertSqlSafe(stmt))
                .execute(&mut *conn)
                .await?;
        }
        if dialect == Dialect::Sqlite {
            // Columns added after the table first shipped (a data dir made by an
            // older build). PostgreSQL stores were made with them.
            for (column, add) in [(
                "removed",
                "ALTER TABLE narrations ADD COLUMN removed INTEGER NOT NULL DEFAULT 0",
            )] {
                let has: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM pragma_table_info('narrations') WHERE name = $1",
                )
                .bind(column)
                .fetch_optional(&mut *conn)
                .await?;
                if has.is_none() {
                    sqlx::query(add).execute(&mut *conn).await?;
                }
            }
        }
        also().await
    }
    .await;
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    made?;
    drop(conn);
    Ok(Store { pool, dialect })
}

/// A status of a narration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Queued,
    Running,
    Done,
    Failed,
    Canceled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Queued,
        Status::Running,
        Status::Done,
        Status::Failed,
        Status::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still to run or running.
    pub fn is_active(self) -> bool {
        matches!(self, Status::Queued | Status::Running)
    }
}

/// One narration as stored.
#[derive(Debug, Clone)]
pub struct Narration {
    pub seq: i64,
    pub id: String,
    pub external_id: String,
    pub revision: i64,
    pub status: Status,
    pub request: String,
    pub public: bool,
    pub callback_url: Option<String>,
    pub metadata: Option<String>,
    pub content_hash: Option<String>,
    pub segments_done: i64,
    pub segments_total: Option<i64>,
    pub duration_s: Option<f64>,
    pub bytes: Option<i64>,
    pub synth_s: Option<f64>,
    pub audio_file: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub link: Option<String>,
    pub language: Option<String>,
    pub error: Option<String>,
    pub deleted: bool,
    /// Deleted by a client (DELETE, a CMS's unpublish): gone from the API too, as
    /// opposed to a revision replaced by a newer one, which stays readable.
    pub removed: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

fn narration_from(row: &AnyRow) -> Result<Narration, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Narration {
        seq: row.try_get("seq")?,
        id: row.try_get("id")?,
        external_id: row.try_get("external_id")?,
        revision: row.try_get("revision")?,
        status: Status::parse(&status).unwrap_or(Status::Failed),
        request: row.try_get("request")?,
        public: row.try_get::<i64, _>("public")? != 0,
        callback_url: row.try_get("callback_url")?,
        metadata: row.try_get("metadata")?,
        content_hash: row.try_get("content_hash")?,
        segments_done: row.try_get("segments_done")?,
        segments_total: row.try_get("segments_total")?,
        duration_s: row.try_get("duration_s")?,
        bytes: row.try_get("bytes")?,
        synth_s: row.try_get("synth_s")?,
        audio_file: row.try_get("audio_file")?,
        title: row.try_get("title")?,
        author: row.try_get("author")?,
        published: row.try_get("published")?,
        link: row.try_get("link")?,
        language: row.try_get("language")?,
        error: row.try_get("error")?,
        deleted: row.try_get::<i64, _>("deleted")? != 0,
        removed: row.try_get::<i64, _>("removed")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// What a new narration row holds.
pub struct NewNarration<'a> {
    pub id: &'a str,
    pub external_id: &'a str,
    pub request: &'a str,
    pub public: bool,
    pub callback_url: Option<&'a str>,
    pub link: Option<&'a str>,
    pub metadata: Option<&'a str>,
    pub title: Option<&'a str>,
}

/// What a finished render records.
pub struct Finished {
    pub content_hash: String,
    pub segments: i64,
    pub duration_s: f64,
    pub bytes: i64,
    pub synth_s: f64,
    pub audio_file: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub link: Option<String>,
    pub language: Option<String>,
}

#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub dialect: Dialect,
}

impl Store {
    // --- tokens ---------------------------------------------------------------

    /// A new token named `name` (refused if one by that name is active). Returns the
    /// secret; only its hash is stored.
    pub async fn create_token(&self, name: &str) -> Result<String, ServerError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ServerError::Invalid("a token needs a name".into()));
        }
        let secret = format!(
            "nrt_{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let active: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM tokens WHERE name = $1 AND revoked_at IS NULL")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        if active.is_some() {
            return Err(ServerError::Invalid(format!(
                "a token named '{name}' exists; revoke it first"
            )));
        }
        sqlx::query(
            "INSERT INTO tokens (name, hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET hash = excluded.hash,
               created_at = excluded.created_at, revoked_at = NULL",
        )
        .bind(name)
        .bind(sha256_hex(secret.as_bytes()))
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(secret)
    }

    /// (name, created_at, revoked_at) of every token.
    pub async fn list_tokens(&self) -> Result<Vec<(String, i64, Option<i64>)>, ServerError> {
        let rows = sqlx::query("SELECT name, created_at, revoked_at FROM tokens ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("name")?,
                    r.try_get("created_at")?,
                    r.try_get("revoked_at")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Revoke `name`; false when there is no active token by that name.
    pub async fn revoke_token(&self, name: &str) -> Result<bool, ServerError> {
        let r =
            sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
                .bind(now())
                .bind(name)
                .execute(&self.pool)
                .await?;
        Ok(r.rows_affected() > 0)
    }

    /// The name of the active token whose secret is `presented`. Every active hash is
    /// compared, in constant time, so the answer's timing says nothing about which
    /// (or how much of one) matched.
    pub async fn authenticate(&self, presented: &str) -> Result<Option<String>, ServerError> {
        let hash = sha256_hex(presented.as_bytes());
        let rows = sqlx::query("SELECT name, hash FROM tokens WHERE revoked_at IS NULL")
            .fetch_all(&self.pool)
            .await?;
        let mut found = None;
        for r in &rows {
            let stored: String = r.try_get("hash")?;
            if bool::from(stored.as_bytes().ct_eq(hash.as_bytes())) {
                found = Some(r.try_get::<String, _>("name")?);
            }
        }
        Ok(found)
    }

    // --- narrations -----------------------------------------------------------

    /// Insert a new revision of `external_id` (queued).
    pub async fn insert(&self, n: &NewNarration<'_>) -> Result<(), ServerError> {
        let t = now();
        sqlx::query(
            "INSERT INTO narrations (id, external_id, revision, status, request, public,
               callback_url, link, metadata, title, created_at, updated_at)
             VALUES ($1, $2, (SELECT COALESCE(MAX(revision), 0) + 1 FROM narrations
               WHERE external_id = $3), 'queued', $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(n.id)
        .bind(n.external_id)
        .bind(n.external_id)
        .bind(n.request)
        .bind(n.public as i64)
        .bind(n.callback_url)
        .bind(n.link)
        .bind(n.metadata)
        .bind(n.title)
        .bind(t)
        .bind(t)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn get(&self, id: &str) -> Result<Option<Narration>, ServerError> {
        let row = sqlx::query("SELECT * FROM narrations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(narration_from).transpose()?)
    }

    /// The newest revision of `external_id` that is not deleted.
    pub async fn latest(&self, external_id: &str) -> Result<Option<Narration>, ServerError> {
        let row = sqlx::query(
            "SELECT * FROM narrations WHERE external_id = $1 AND deleted = 0
             ORDER BY revision DESC LIMIT 1",
        )
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(narration_from).transpose()?)
    }

    /// Put `n`'s request and settings into narration `id` if it is still queued (not
    /// yet taken by a worker, which reads the request from the row when it starts):
    /// the edit rides on the job already queued. False when a worker took it first.
    pub async fn update_queued(&self, id: &str, n: &NewNarration<'_>) -> Result<bool, ServerError> {
        let r = sqlx::query(
            "UPDATE narrations SET request = $1, public = $2, callback_url = $3, link = $4,
               metadata = $5, title = $6, updated_at = $7
             WHERE id = $8 AND status = 'queued' AND deleted = 0",
        )
        .bind(n.request)
        .bind(n.public as i64)
        .bind(n.callback_url)
        .bind(n.link)
        .bind(n.metadata)
        .bind(n.title)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn set_link(&self, id: &str, link: &str) -> Result<(), ServerError> {
        sqlx::query("UPDATE narrations SET link = $1, updated_at = $2 WHERE id = $3")
            .bind(link)
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Revisions of `external_id` other than `except` still queued or running.
    pub async fn active_of(
        &self,
        external_id: &str,
        except: &str,
    ) -> Result<Vec<Narration>, ServerError> {
        let rows = sqlx::query(
            "SELECT * FROM narrations WHERE external_id = $1 AND id != $2
             AND status IN ('queued', 'running')",
        )
        .bind(external_id)
        .bind(except)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(narration_from).collect::<Result<_, _>>()?)
    }

    /// Done revisions of `external_id` older than `revision`, not yet deleted: a newer
    /// revision replaces them (as a batch re-render replaces an episode's file).
    pub async fn superseded(
        &self,
        external_id: &str,
        revision: i64,
    ) -> Result<Vec<Narration>, ServerError> {
        let rows = sqlx::query(
            "SELECT * FROM narrations WHERE external_id = $1 AND revision < $2
             AND status = 'done' AND deleted = 0",
        )
        .bind(external_id)
        .bind(revision)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(narration_from).collect::<Result<_, _>>()?)
    }

    /// Narrations newest first, after cursor `before` (a `seq`), filtered.
    pub async fn list(
        &self,
        status: Option<Status>,
        external_id: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Narration>, ServerError> {
        let rows = sqlx::query(
            "SELECT * FROM narrations
             WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR external_id = $2)
               AND ($3 IS NULL OR seq < $3) AND removed = 0
             ORDER BY seq DESC LIMIT $4",
        )
        .bind(status.map(Status::as_str))
        .bind(external_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(narration_from).collect::<Result<_, _>>()?)
    }

    /// Done, public, not deleted: the feed's episodes, oldest first.
    pub async fn feed_items(&self) -> Result<Vec<Narration>, ServerError> {
        let rows = sqlx::query(
            "SELECT * FROM narrations WHERE status = 'done' AND public = 1 AND deleted = 0
             ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(narration_from).collect::<Result<_, _>>()?)
    }

    /// Set the status of an active narration (not one canceled meanwhile); false when
    /// it was no longer active.
    pub async fn set_running(&self, id: &str) -> Result<bool, ServerError> {
        let r = sqlx::query(
            "UPDATE narrations SET status = 'running', error = NULL, updated_at = $1
             WHERE id = $2 AND status IN ('queued', 'running')",
        )
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn set_progress(&self, id: &str, done: i64, total: i64) -> Result<(), ServerError> {
        sqlx::query(
            "UPDATE narrations SET segments_done = $1, segments_total = $2 WHERE id = $3
             AND status = 'running'",
        )
        .bind(done)
        .bind(total)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Record a finished render; false when the narration was canceled meanwhile.
    pub async fn set_done(&self, id: &str, f: &Finished) -> Result<bool, ServerError> {
        let r = sqlx::query(
            "UPDATE narrations SET status = 'done', content_hash = $1, segments_done = $2,
               segments_total = $3, duration_s = $4, bytes = $5, synth_s = $6, audio_file = $7,
               title = COALESCE($8, title), author = $9, published = $10, link = COALESCE(link, $11),
               language = $12,
               error = NULL, updated_at = $13
             WHERE id = $14 AND status IN ('queued', 'running')",
        )
        .bind(&f.content_hash)
        .bind(f.segments)
        .bind(f.segments)
        .bind(f.duration_s)
        .bind(f.bytes)
        .bind(f.synth_s)
        .bind(&f.audio_file)
        .bind(&f.title)
        .bind(&f.author)
        .bind(&f.published)
        .bind(&f.link)
        .bind(&f.language)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn set_failed(&self, id: &str, error: &str) -> Result<bool, ServerError> {
        self.end_active(id, Status::Failed, error).await
    }

    /// Cancel a queued or running narration; false when it was not active.
    pub async fn cancel(&self, id: &str, reason: &str) -> Result<bool, ServerError> {
        self.end_active(id, Status::Canceled, reason).await
    }

    /// End a queued or running narration as `status` with `message` as its error;
    /// false when it was not active.
    async fn end_active(
        &self,
        id: &str,
        status: Status,
        message: &str,
    ) -> Result<bool, ServerError> {
        let r = sqlx::query(
            "UPDATE narrations SET status = $1, error = $2, updated_at = $3
             WHERE id = $4 AND status IN ('queued', 'running')",
        )
        .bind(status.as_str())
        .bind(message)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Mark deleted (out of the feed, its files gone), canceling it if active.
    pub async fn delete(&self, id: &str) -> Result<(), ServerError> {
        sqlx::query(
            "UPDATE narrations SET deleted = 1, audio_file = NULL, updated_at = $1,
               status = CASE WHEN status IN ('queued', 'running') THEN 'canceled' ELSE status END,
               error = CASE WHEN status IN ('queued', 'running') THEN 'deleted' ELSE error END
             WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What a client's DELETE does: [`Self::delete`], and out of the API.
    pub async fn remove(&self, id: &str) -> Result<(), ServerError> {
        self.delete(id).await?;
        sqlx::query("UPDATE narrations SET removed = 1 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Narrations by status.
    pub async fn counts(&self) -> Result<Vec<(String, i64)>, ServerError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM narrations GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let counts = rows
            .iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(counts)
    }

    // --- idempotency keys -----------------------------------------------------

    /// The narration an earlier request with this key made, and that request's hash.
    pub async fn idempotent(
        &self,
        token: &str,
        key: &str,
    ) -> Result<Option<(String, String)>, ServerError> {
        let row = sqlx::query(
            "SELECT narration_id, request_hash FROM idempotency WHERE token = $1 AND key = $2",
        )
        .bind(token)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("narration_id")?, r.try_get("request_hash")?)))
            .transpose()?)
    }

    pub async fn remember_key(
        &self,
        token: &str,
        key: &str,
        narration_id: &str,
        request_hash: &str,
    ) -> Result<(), ServerError> {
        sqlx::query(
            "INSERT INTO idempotency (token, key, narration_id, request_hash, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(token)
        .bind(key)
        .bind(narration_id)
        .bind(request_hash)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // --- callbacks ------------------------------------------------------------

    /// Queue a callback message; a message already queued (same id) is left as it is,
    /// so an event recorded twice is delivered as one message.
    pub async fn outbox_add(
        &self,
        msg_id: &str,
        url: &str,
        body: &[u8],
    ) -> Result<(), ServerError> {
        sqlx::query(
            "INSERT INTO outbox (msg_id, url, body, next_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(msg_id)
        .bind(url)
        .bind(body)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Messages due now: (msg_id, url, body, attempts so far).
    pub async fn outbox_due(&self) -> Result<Vec<(String, String, Vec<u8>, i64)>, ServerError> {
        let rows = sqlx::query(
            "SELECT msg_id, url, body, attempts FROM outbox
             WHERE state = 'pending' AND next_at_ms <= $1 ORDER BY next_at_ms LIMIT 32",
        )
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("msg_id")?,
                    r.try_get("url")?,
                    r.try_get("body")?,
                    r.try_get("attempts")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Take due message `msg_id` (seen with `attempts` so far) for sending: true
    /// when this caller got it. Its next try moves `lease_ms` ahead meanwhile, so
    /// another process does not send it too, and a sender that dies holding it
    /// only delays it.
    pub async fn outbox_claim(
        &self,
        msg_id: &str,
        attempts: i64,
        lease_ms: i64,
    ) -> Result<bool, ServerError> {
        let now = now_ms();
        let r = sqlx::query(
            "UPDATE outbox SET next_at_ms = $1
             WHERE msg_id = $2 AND state = 'pending' AND attempts = $3 AND next_at_ms <= $4",
        )
        .bind(now + lease_ms)
        .bind(msg_id)
        .bind(attempts)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Record an attempt: `state` 'pending' with the next try at `next_at_ms`, or
    /// 'delivered', 'gone' (410) or 'given_up'.
    pub async fn outbox_attempted(
        &self,
        msg_id: &str,
        state: &str,
        next_at_ms: i64,
    ) -> Result<(), ServerError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, state = $1, next_at_ms = $2 WHERE msg_id = $3",
        )
        .bind(state)
        .bind(next_at_ms)
        .bind(msg_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The soonest pending message's time, if any.
    pub async fn outbox_next_at(&self) -> Result<Option<i64>, ServerError> {
        Ok(
            sqlx::query_scalar("SELECT MIN(next_at_ms) FROM outbox WHERE state = 'pending'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    // --- inbound Standard-Webhooks messages -------------------------------------

    /// How long a received webhook-id is remembered: a sender's retries of one
    /// message (same id, new timestamp and signature) come within hours or days.
    pub const HOOK_IDS_KEPT_S: i64 = 7 * 24 * 3600;

    /// Claim message `msg_id`: true when it is new (the caller processes it), false
    /// when it was received before. Ids older than [`Self::HOOK_IDS_KEPT_S`] are
    /// forgotten.
    pub async fn claim_hook(&self, msg_id: &str) -> Result<bool, ServerError> {
        let t = now();
        sqlx::query("DELETE FROM inbound_hooks WHERE received_at < $1")
            .bind(t - Self::HOOK_IDS_KEPT_S)
            .execute(&self.pool)
            .await?;
        let r = sqlx::query(
            "INSERT INTO inbound_hooks (msg_id, narration_id, received_at)
             VALUES ($1, NULL, $2) ON CONFLICT DO NOTHING",
        )
        .bind(msg_id)
        .bind(t)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    /// The narration message `msg_id` made (None while it is still processed).
    pub async fn hook_narration(&self, msg_id: &str) -> Result<Option<String>, ServerError> {
        let id: Option<Option<String>> =
            sqlx::query_scalar("SELECT narration_id FROM inbound_hooks WHERE msg_id = $1")
                .bind(msg_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(id.flatten())
    }

    pub async fn hook_processed(
        &self,
        msg_id: &str,
        narration_id: &str,
    ) -> Result<(), ServerError> {
        sqlx::query("UPDATE inbound_hooks SET narration_id = $1 WHERE msg_id = $2")
            .bind(narration_id)
            .bind(msg_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forget message `msg_id` (its processing failed: a redelivery is processed anew).
    pub async fn release_hook(&self, msg_id: &str) -> Result<(), ServerError> {
        sqlx::query("DELETE FROM inbound_hooks WHERE msg_id = $1")
            .bind(msg_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // --- callback endpoints ---------------------------------------------------

    pub async fn endpoint_disabled(&self, url: &str) -> Result<bool, ServerError> {
        let hit: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM disabled_endpoints WHERE url = $1")
                .bind(url)
                .fetch_optional(&self.pool)
                .await?;
        Ok(hit.is_some())
    }

    pub async fn disable_endpoint(&self, url: &str) -> Result<(), ServerError> {
        sqlx::query(
            "INSERT INTO disabled_endpoints (url, at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(url)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
