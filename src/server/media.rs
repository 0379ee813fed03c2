//! Where the server's files live (`--storage`): audio, transcripts, chapters, the
//! feed and its cover, and the segment cache's shared tier. One `object_store`
//! interface over a local directory (`file://DIR`, the default `DATA_DIR/media`) or
//! an S3-compatible bucket (`s3://BUCKET/PREFIX`; endpoint and credentials from the
//! standard `AWS_*` variables), so both take the same code paths.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::signer::Signer;
use object_store::{GetOptions, GetResult, ObjectMeta, ObjectStore, ObjectStoreExt, PutPayload};

use super::ServerError;

/// What `--storage` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    /// A local directory.
    File(PathBuf),
    /// A bucket and a key prefix inside it (may be empty).
    S3 { bucket: String, prefix: String },
}

impl StorageUrl {
    /// `--storage` as given, or `file://DATA_DIR/media` when none was.
    pub fn parse(storage: Option<&str>, data_dir: &Path) -> Result<StorageUrl, ServerError> {
        let Some(s) = storage.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(StorageUrl::File(data_dir.join("media")));
        };
        let bad = |why: &str| ServerError::Invalid(format!("--storage '{s}': {why}"));
        if let Some(dir) = s.strip_prefix("file://") {
            if dir.is_empty() {
                return Err(bad(
                    "file:// needs a directory, as in file:///srv/narrator/media",
                ));
            }
            return Ok(StorageUrl::File(PathBuf::from(dir)));
        }
        if let Some(rest) = s.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(bad("s3:// needs a bucket, as in s3://my-bucket/narrator"));
            }
            let prefix = prefix.trim_matches('/').to_string();
            ObjectPath::parse(&prefix)
                .map_err(|e| bad(&format!("not a usable key prefix ({e})")))?;
            return Ok(StorageUrl::S3 {
                bucket: bucket.to_string(),
                prefix,
            });
        }
        Err(bad("expected file://DIR or s3://BUCKET/PREFIX"))
    }

    pub fn describe(&self) -> String {
        match self {
            StorageUrl::File(d) => format!("file://{}", d.display()),
            StorageUrl::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

/// The open storage. Cloning shares the connection.
#[derive(Clone)]
pub struct Media {
    store: Arc<dyn ObjectStore>,
    /// Set for S3: presigned URLs.
    s3: Option<Arc<AmazonS3>>,
    prefix: ObjectPath,
    url: StorageUrl,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media").field("url", &self.url).finish()
    }
}

/// Where things are under the storage root: what the API and the feed serve
/// (`<id>.mp3`, `<id>.vtt`, …, `feed.xml`) at the top, as in a media directory;
/// the segment cache's shared tier in `segments/` (media names have no `/`).
const MEDIA: &str = "";
const SEGMENTS: &str = "segments";

impl Media {
    /// Open `url`. A local directory is created; a bucket is checked to be
    /// reachable (a wrong endpoint or missing bucket fails at start, not at the
    /// first finished render).
    pub async fn open(url: &StorageUrl) -> Result<Media, ServerError> {
        let storage_err =
            |e: object_store::Error| ServerError::Storage(format!("{}: {e}", url.describe()));
        let (store, s3, prefix): (Arc<dyn ObjectStore>, _, _) = match url {
            StorageUrl::File(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| ServerError::DataDir {
                    path: dir.clone(),
                    source,
                })?;
                let fs = LocalFileSystem::new_with_prefix(dir).map_err(storage_err)?;
                (Arc::new(fs), None, ObjectPath::default())
            }
            StorageUrl::S3 { bucket, prefix } => {
                install_tls_provider();
                // A few retries within 30 s: an unreachable store is reported in
                // seconds (the default keeps retrying for three minutes).
                let retry = object_store::RetryConfig {
                    max_retries: 4,
                    retry_timeout: Duration::from_secs(30),
                    ..Default::default()
                };
                let s3 = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_retry(retry)
                    .build()
                    .map_err(storage_err)?;
                let s3 = Arc::new(s3);
                let prefix = ObjectPath::parse(prefix)
                    .map_err(|e| ServerError::Storage(format!("{}: {e}", url.describe())))?;
                (s3.clone() as Arc<dyn ObjectStore>, Some(s3), prefix)
            }
        };
        let media = Media {
            store,
            s3,
            prefix,
            url: url.clone(),
        };
        if media.s3.is_some() {
            // Listing the (maybe empty) root proves endpoint, credentials and bucket.
            media
                .store
                .list_with_delimiter(Some(&media.key(MEDIA, "")))
                .await
                .map_err(storage_err)?;
        }
        Ok(media)
    }

    pub fn url(&self) -> &StorageUrl {
        &self.url
    }

    /// True for a bucket (presigned URLs are possible).
    pub fn can_presign(&self) -> bool {
        self.s3.is_some()
    }

    fn key(&self, area: &str, name: &str) -> ObjectPath {
        area.split('/')
            .chain(name.split('/'))
            .filter(|p| !p.is_empty())
            .fold(self.prefix.clone(), |k, part| k.join(part))
    }

    /// Upload the local file `path` as media `name`.
    pub async fn put_file(&self, name: &str, path: &Path) -> Result<u64, ServerError> {
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|source| ServerError::DataDir {
                path: path.to_path_buf(),
                source,
            })?;
        let len = bytes.len() as u64;
        self.put(name, bytes).await?;
        Ok(len)
    }

    /// Write media `name` (atomically: a reader sees the old object or the new one).
    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<(), ServerError> {
        self.store
            .put(&self.key(MEDIA, name), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| self.err(name, e))
    }

    /// Remove media `name`; a missing one is not an error.
    pub async fn delete(&self, name: &str) -> Result<(), ServerError> {
        match self.store.delete(&self.key(MEDIA, name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.err(name, e)),
        }
    }

    /// Size, time and ETag of media `name`; None when it does not exist.
    pub async fn head(&self, name: &str) -> Result<Option<ObjectMeta>, ServerError> {
        match self.store.head(&self.key(MEDIA, name)).await {
            Ok(m) => Ok(Some(m)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.err(name, e)),
        }
    }

    /// Read media `name` with `options` (a byte range, say); None when missing.
    pub async fn get(
        &self,
        name: &str,
        options: GetOptions,
    ) -> Result<Option<GetResult>, ServerError> {
        match self.store.get_opts(&self.key(MEDIA, name), options).await {
            Ok(r) => Ok(Some(r)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.err(name, e)),
        }
    }

    /// A presigned GET URL for media `name`, valid for `ttl` (buckets only).
    pub async fn presigned(&self, name: &str, ttl: Duration) -> Result<url::Url, ServerError> {
        let Some(s3) = &self.s3 else {
            return Err(ServerError::Invalid(
                "presigned URLs need s3:// storage".into(),
            ));
        };
        s3.signed_url(axum::http::Method::GET, &self.key(MEDIA, name), ttl)
            .await
            .map_err(|e| self.err(name, e))
    }

    fn err(&self, name: &str, e: object_store::Error) -> ServerError {
        ServerError::Storage(format!("{} ({name}): {e}", self.url.describe()))
    }

    /// The segment cache's shared tier in this storage, for blocking callers
    /// (render threads) on `runtime`.
    pub fn segment_tier(&self, runtime: tokio::runtime::Handle) -> SharedSegments {
        SharedSegments {
            store: self.store.clone(),
            root: self.key(SEGMENTS, ""),
            runtime,
        }
    }
}

/// Install ring as rustls's process-wide crypto provider, once, before the first
/// HTTPS client is built (object_store's client is built without one so that the
/// default build does not compile aws-lc).
fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Segment-cache entries in the storage, shared by every worker: a segment one
/// machine synthesized is a cache hit on the others.
#[derive(Clone)]
pub struct SharedSegments {
    store: Arc<dyn ObjectStore>,
    root: ObjectPath,
    runtime: tokio::runtime::Handle,
}

impl std::fmt::Debug for SharedSegments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedSegments({})", self.root)
    }
}

impl SharedSegments {
    fn key(&self, name: &str) -> ObjectPath {
        name.split('/')
            .filter(|p| !p.is_empty())
            .fold(self.root.clone(), |k, part| k.join(part))
    }
}

impl crate::cache::SharedTier for SharedSegments {
    fn fetch(&self, name: &str) -> Option<Vec<u8>> {
        let key = self.key(name);
        let got = self.runtime.block_on(async {
            let r = self.store.get(&key).await?;
            r.bytes().await
        });
        match got {
            Ok(b) => Some(b.to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => {
                tracing::warn!("segment cache (shared): cannot read {key}: {e}");
                None
            }
        }
    }

    fn store(&self, name: &str, bytes: &[u8]) {
        let key = self.key(name);
        let payload = PutPayload::from(bytes.to_vec());
        if let Err(e) = self.runtime.block_on(self.store.put(&key, payload)) {
            tracing::warn!("segment cache (shared): cannot write {key}: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_storage_urls() {
        let d = Path::new("/data");
        assert_eq!(
            StorageUrl::parse(None, d).ok(),
            Some(StorageUrl::File("/data/media".into()))
        );
        assert_eq!(
            StorageUrl::parse(Some("s3://b/narr/ation/"), d).ok(),
            Some(StorageUrl::S3 {
                bucket: "b".into(),
                prefix: "narr/ation".into()
            })
        );
        assert_eq!(
            StorageUrl::parse(Some("s3://b"), d).ok(),
            Some(StorageUrl::S3 {
                bucket: "b".into(),
                prefix: String::new()
            })
        );
        for bad in ["s3:///x", "gs://b", "file://", "/plain/path"] {
            let e = StorageUrl::parse(Some(bad), d).err().map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|m| m.contains("--storage")),
                "{bad}: {e:?}"
            );
        }
    }
}
