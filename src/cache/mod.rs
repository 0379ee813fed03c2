//! The segment cache: the engine's audio for one segment, stored under a key made of
//! the engine's fingerprint, the synthesis settings and the exact text (or IPA) the
//! engine receives — so re-narrating an edited article, or the same article after a
//! lexicon change, synthesizes only the segments whose engine input changed.
//!
//! On disk, one file per segment: `<dir>/<first two hex digits>/<key hex>.seg` (the
//! layout is in [`entry`]). The value is the engine's PCM before mastering, exactly
//! as returned, with a checksum: a truncated or corrupt entry is detected, removed
//! and synthesized again, never played.
//!
//! - **Atomic writes**: an entry is written to a temp file in its directory and
//!   renamed into place, so readers (in this process or another) see a whole entry
//!   or none. Two processes writing one key write the same audio; the last rename
//!   wins. Nothing is fsynced: after a crash an entry may be cut short, which the
//!   checksum catches.
//! - **Least recently used eviction**: a hit sets the entry's modification time to
//!   now; [`SegmentCache::prune`] removes the oldest first. After writes take the
//!   cache over its cap (a running estimate, rescanned every few hundred writes to
//!   see other processes' entries), it prunes itself to 90 % of the cap.
//! - **Only its own files**: stats, prune and clear touch only names the cache
//!   writes (two hex digit directories, 64 hex digit `.seg` files, `.…tmp` temp
//!   files), so a `--cache-dir` pointed at the wrong directory loses nothing else.

mod cached;
pub mod entry;
mod key;
mod size;

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;

pub use cached::CachedEngine;
pub use key::{Key, FORMAT_VERSION};
pub use size::{format_size, parse_size, BadSize};

use crate::config::Config;
use crate::engine::Pcm;

/// The cap when the config does not set `cache_max_bytes`: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// Writes between rescans of the directory, to see what other processes added.
const RESCAN_EVERY: u32 = 256;
/// An entry file larger than this is not one of ours (longest segment: a few MiB).
const MAX_ENTRY_BYTES: u64 = 1 << 30;
/// Temp files older than this were left by a writer that died; prune removes them.
const STALE_TEMP: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("segment cache {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What is in the cache (`narrator cache stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    pub dir: PathBuf,
    pub entries: u64,
    pub bytes: u64,
    pub max_bytes: u64,
}

/// What a prune or clear removed, and what is left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    pub removed: u64,
    pub removed_bytes: u64,
    pub entries: u64,
    pub bytes: u64,
}

/// A segment cache in one directory, shared safely by threads and processes. Clones
/// share the running size estimate.
#[derive(Debug, Clone)]
pub struct SegmentCache {
    dir: PathBuf,
    max_bytes: u64,
    state: Arc<Mutex<State>>,
    /// A second tier other machines share (the server's object storage): a local
    /// miss is looked up there, and every new entry is copied there.
    shared: Option<Arc<dyn SharedTier>>,
}

/// A shared tier behind the local directory: entries by file name
/// (`xx/<hex>.seg`), as encoded bytes. Failures are the tier's to report; a failed
/// fetch is a miss and a failed store loses nothing but the sharing.
pub trait SharedTier: Send + Sync + std::fmt::Debug {
    fn fetch(&self, name: &str) -> Option<Vec<u8>>;
    fn store(&self, name: &str, bytes: &[u8]);
}

#[derive(Debug, Default)]
struct State {
    /// Bytes in the cache as of the last scan plus this process's writes since
    /// (None: not scanned yet).
    bytes: Option<u64>,
    writes_since_scan: u32,
    /// A thread is scanning/pruning; others leave it to that thread.
    pruning: bool,
    /// Bytes written while `pruning`: the pruning thread adds them when done (its
    /// scan may or may not have seen them).
    written_while_pruning: u64,
    /// A failed write was reported (later ones only at debug level).
    warned: bool,
}

/// One entry file found by a scan.
struct Found {
    path: PathBuf,
    len: u64,
    used: SystemTime,
}

impl SegmentCache {
    /// The cache in `dir`, capped at `max_bytes`. Nothing is created until the
    /// first write.
    pub fn open(dir: impl Into<PathBuf>, max_bytes: u64) -> Self {
        Self {
            dir: dir.into(),
            max_bytes,
            state: Arc::default(),
            shared: None,
        }
    }

    /// This cache with `tier` behind it.
    pub fn with_shared(mut self, tier: Arc<dyn SharedTier>) -> Self {
        self.shared = Some(tier);
        self
    }

    /// The entry name of `key` in a shared tier (its path under the directory).
    fn shared_name(key: &Key) -> String {
        let hex = key.hex();
        format!("{}/{hex}.seg", &hex[..2])
    }

    /// A local miss looked up in the shared tier; a good entry is kept locally too.
    fn get_shared(&self, key: &Key) -> Option<Pcm> {
        let tier = self.shared.as_ref()?;
        let bytes = tier.fetch(&Self::shared_name(key))?;
        match entry::decode(key, &bytes) {
            Ok(pcm) => {
                if let Err(e) = self.put_local(key, &bytes) {
                    tracing::debug!("segment cache: keeping a shared entry locally: {e}");
                }
                Some(pcm)
            }
            Err(why) => {
                tracing::warn!(
                    "segment cache (shared): entry for {} is corrupt ({why})",
                    key.hex()
                );
                None
            }
        }
    }

    /// The cache a door uses: `dir` if given, else `$NARRATOR_CACHE_DIR/segments`,
    /// else the config's `cache_dir`, else [`SegmentCache::default_dir`]; capped at
    /// the config's `cache_max_bytes`, else [`DEFAULT_MAX_BYTES`]. None when there is
    /// no directory to use (no `$HOME`).
    pub fn configured(dir: Option<&Path>, config: &Config) -> Option<Self> {
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| env_dir("NARRATOR_CACHE_DIR").map(|root| root.join(SEGMENTS)))
            .or_else(|| config.cache_dir.clone())
            .or_else(Self::default_dir)?;
        Some(Self::open(
            dir,
            config.cache_max_bytes.unwrap_or(DEFAULT_MAX_BYTES),
        ))
    }

    /// `segments` in narrator's [`root_dir`]: `$NARRATOR_CACHE_DIR/segments`, else
    /// `$XDG_CACHE_HOME/narrator/segments`, else `~/.cache/narrator/segments`.
    pub fn default_dir() -> Option<PathBuf> {
        root_dir().map(|root| root.join(SEGMENTS))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where engines remember their voice files' digests (the fingerprint a key
    /// starts with), so an unchanged model is not re-hashed on every run. Beside
    /// the entries' fan-out directories, so scans, `prune` and `stats` skip it.
    pub fn digest_memo_dir(&self) -> PathBuf {
        self.dir.join("digests")
    }

    /// Where the entry for `key` lives.
    pub fn path_of(&self, key: &Key) -> PathBuf {
        let hex = key.hex();
        self.dir.join(&hex[..2]).join(format!("{hex}.seg"))
    }

    /// The audio stored under `key`, and mark it used. A missing entry is a miss; an
    /// unreadable, truncated or corrupt one is removed (with a warning) and is a miss.
    pub fn get(&self, key: &Key) -> Option<Pcm> {
        let path = self.path_of(key);
        let (file, bytes) = match read_entry(&path) {
            Ok(Some(found)) => found,
            Ok(None) => return self.get_shared(key),
            Err(e) => {
                tracing::warn!("segment cache: cannot read {}: {e}", path.display());
                return self.get_shared(key);
            }
        };
        match entry::decode(key, &bytes) {
            Ok(pcm) => {
                // Used now: the LRU order reads modification times. Best effort
                // (a read-only shared cache still serves hits).
                let _ = file.set_modified(SystemTime::now());
                Some(pcm)
            }
            Err(why) => {
                tracing::warn!(
                    "segment cache: {} is corrupt ({why}); removed, the segment is synthesized again",
                    path.display()
                );
                if fs::remove_file(&path).is_ok() {
                    self.forget(bytes.len() as u64);
                }
                None
            }
        }
    }

    /// Store `pcm` under `key` (atomically), then prune if the cache is over its cap.
    pub fn put(&self, key: &Key, pcm: &Pcm) -> Result<(), CacheError> {
        let bytes = entry::encode(key, pcm);
        if let Some(tier) = &self.shared {
            tier.store(&Self::shared_name(key), &bytes);
        }
        self.put_local(key, &bytes)
    }

    /// Store encoded `bytes` under `key` in the directory.
    fn put_local(&self, key: &Key, bytes: &[u8]) -> Result<(), CacheError> {
        let path = self.path_of(key);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let mut tmp = crate::atomic::temp_beside(&path, ".tmp").map_err(io(&path))?;
        tmp.write_all(bytes).map_err(io(tmp.path()))?;
        tmp.persist(&path).map_err(|e| io(&path)(e.error))?;
        self.wrote(bytes.len() as u64)
    }

    /// Entries and bytes in the cache now.
    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        let found = self.scan(false)?;
        Ok(CacheStats {
            dir: self.dir.clone(),
            entries: found.len() as u64,
            bytes: found.iter().map(|f| f.len).sum(),
            max_bytes: self.max_bytes,
        })
    }

    /// Remove least recently used entries until at most `max_bytes` are left (and
    /// temp files a dead writer left behind).
    pub fn prune(&self, max_bytes: u64) -> Result<PruneReport, CacheError> {
        let report = self.prune_to(max_bytes, max_bytes)?;
        self.scanned(report.bytes);
        Ok(report)
    }

    /// Remove every entry and temp file (and the emptied fan-out directories).
    pub fn clear(&self) -> Result<PruneReport, CacheError> {
        let found = self.scan(true)?;
        let mut report = PruneReport::default();
        for f in found {
            if remove(&f.path) {
                report.removed += 1;
                report.removed_bytes += f.len;
            }
        }
        for sub in self.fan_out_dirs()? {
            // Fails when another process just wrote into it: then it stays.
            let _ = fs::remove_dir(&sub);
        }
        self.scanned(0);
        Ok(report)
    }

    /// When the cache is over `trigger` bytes, remove the least recently used entries
    /// until at most `target` are left.
    fn prune_to(&self, trigger: u64, target: u64) -> Result<PruneReport, CacheError> {
        let mut found = self.scan(false)?;
        let mut bytes: u64 = found.iter().map(|f| f.len).sum();
        let mut entries = found.len() as u64;
        let mut report = PruneReport::default();
        if bytes > trigger {
            // Oldest use first; ties by path, so the order does not depend on
            // the directory listing.
            found.sort_by(|a, b| a.used.cmp(&b.used).then_with(|| a.path.cmp(&b.path)));
            for f in &found {
                if bytes <= target {
                    break;
                }
                if remove(&f.path) {
                    report.removed += 1;
                    report.removed_bytes += f.len;
                }
                // Gone either way (another process may have removed it first).
                bytes -= f.len;
                entries -= 1;
            }
        }
        report.entries = entries;
        report.bytes = bytes;
        Ok(report)
    }

    /// After a write of `len` bytes: keep the estimate, and prune to 90 % of the cap
    /// when over it. One thread prunes at a time; the others carry on, and the
    /// pruning thread goes round again if their writes took the cache over the cap
    /// meanwhile, so a run never ends over it.
    fn wrote(&self, len: u64) -> Result<(), CacheError> {
        {
            let mut s = self.lock();
            s.writes_since_scan += 1;
            if s.pruning {
                s.written_while_pruning = s.written_while_pruning.saturating_add(len);
                return Ok(());
            }
            s.bytes = s.bytes.map(|b| b.saturating_add(len));
            let due = match s.bytes {
                None => true,
                Some(b) => b > self.max_bytes || s.writes_since_scan >= RESCAN_EVERY,
            };
            if !due {
                return Ok(());
            }
            s.pruning = true;
        }
        loop {
            let result = self.prune_to(self.max_bytes, self.max_bytes - self.max_bytes / 10);
            let mut s = self.lock();
            let during = std::mem::take(&mut s.written_while_pruning);
            let report = match result {
                Ok(r) => r,
                Err(e) => {
                    s.pruning = false;
                    s.bytes = s.bytes.map(|b| b.saturating_add(during));
                    return Err(e);
                }
            };
            if report.removed > 0 {
                tracing::debug!(
                    removed = report.removed,
                    bytes = report.bytes,
                    "segment cache pruned"
                );
            }
            let bytes = report.bytes.saturating_add(during);
            s.bytes = Some(bytes);
            s.writes_since_scan = 0;
            if during == 0 || bytes <= self.max_bytes {
                s.pruning = false;
                return Ok(());
            }
        }
    }

    fn scanned(&self, bytes: u64) {
        let mut s = self.lock();
        s.bytes = Some(bytes);
        s.writes_since_scan = 0;
    }

    fn forget(&self, len: u64) {
        let mut s = self.lock();
        s.bytes = s.bytes.map(|b| b.saturating_sub(len));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Report a failed write once per cache at warning level, after that at debug:
    /// a read-only or full cache directory should not bury the run's output.
    pub(crate) fn write_failed(&self, e: &CacheError) {
        let first = !std::mem::replace(&mut self.lock().warned, true);
        if first {
            tracing::warn!("{e}; segments are not cached");
        } else {
            tracing::debug!("{e}");
        }
    }

    /// The fan-out directories (two lower-case hex digits).
    fn fan_out_dirs(&self) -> Result<Vec<PathBuf>, CacheError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        let mut out = Vec::new();
        for e in entries {
            let e = e.map_err(io(&self.dir))?;
            let name = e.file_name();
            let is_fan_out = name
                .to_str()
                .is_some_and(|n| n.len() == 2 && n.bytes().all(is_lower_hex));
            if is_fan_out && e.file_type().is_ok_and(|t| t.is_dir()) {
                out.push(e.path());
            }
        }
        Ok(out)
    }

    /// Every entry file; temp files too when `all_temps`, else only stale ones,
    /// which are removed on the way (they belong to no live writer).
    fn scan(&self, all_temps: bool) -> Result<Vec<Found>, CacheError> {
        let now = SystemTime::now();
        let mut found = Vec::new();
        for sub in self.fan_out_dirs()? {
            let entries = match fs::read_dir(&sub) {
                Ok(e) => e,
                // Removed by a concurrent clear.
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&sub)(e)),
            };
            for e in entries {
                let Ok(e) = e else { continue };
                let name = e.file_name();
                let Some(name) = name.to_str() else { continue };
                // Gone since the listing (another process pruned it): skip.
                let Ok(meta) = e.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                if is_entry_name(name) {
                    found.push(Found {
                        path: e.path(),
                        len: meta.len(),
                        used,
                    });
                } else if is_temp_name(name) {
                    let stale = now.duration_since(used).is_ok_and(|age| age > STALE_TEMP);
                    if all_temps {
                        found.push(Found {
                            path: e.path(),
                            len: meta.len(),
                            used,
                        });
                    } else if stale {
                        remove(&e.path());
                    }
                }
            }
        }
        Ok(found)
    }
}

/// The segment cache's directory in narrator's cache directory.
const SEGMENTS: &str = "segments";

/// narrator's per-user cache directory: `$NARRATOR_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/narrator`, else `~/.cache/narrator` (None without `$HOME`).
/// The espeak data and the segment cache live in it.
pub fn root_dir() -> Option<PathBuf> {
    env_dir("NARRATOR_CACHE_DIR")
        .or_else(|| env_dir("XDG_CACHE_HOME").map(|d| d.join("narrator")))
        .or_else(|| env_dir("HOME").map(|h| h.join(".cache").join("narrator")))
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// `<64 hex digits>.seg`
fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(".seg")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(is_lower_hex))
}

/// `.<entry name>.<random>.tmp`, as [`crate::atomic::temp_beside`] names them.
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .and_then(|n| n.split_once(".seg."))
        .is_some_and(|(entry, _)| is_entry_name(&format!("{entry}.seg")))
}

/// The entry file and its bytes; None when there is none.
fn read_entry(path: &Path) -> std::io::Result<Option<(fs::File, Vec<u8>)>> {
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    // Read at most one byte past the limit: an oversized file is reported as
    // corrupt by its length, without reading it all.
    let mut bytes = Vec::with_capacity(len.min(MAX_ENTRY_BYTES) as usize);
    (&mut file)
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(Some((file, bytes)))
}

/// Remove a file; false when it was not there (or could not be removed).
fn remove(path: &Path) -> bool {
    match fs::remove_file(path) {
        Ok(()) => true,
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => {
            tracing::warn!("segment cache: cannot remove {}: {e}", path.display());
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SynthesisSettings;

    /// A way to damage an entry's bytes.
    type Damage = fn(&mut Vec<u8>);

    fn key(text: &str) -> Key {
        Key::new("fp", &SynthesisSettings::default(), text)
    }

    fn pcm(n: usize) -> Pcm {
        Pcm::new(8_000, (0..n).map(|i| i as f32 / n as f32).collect())
    }

    fn set_used(cache: &SegmentCache, k: &Key, ago_s: u64) {
        let f = fs::OpenOptions::new()
            .write(true)
            .open(cache.path_of(k))
            .expect("open entry");
        f.set_modified(SystemTime::now() - Duration::from_secs(ago_s))
            .expect("set mtime");
    }

    #[test]
    fn put_then_get_returns_the_same_samples() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path().join("c"), DEFAULT_MAX_BYTES);
        assert_eq!(cache.get(&key("a")), None);
        assert_eq!(cache.stats().expect("stats").entries, 0);
        cache.put(&key("a"), &pcm(100)).expect("put");
        assert_eq!(cache.get(&key("a")), Some(pcm(100)));
        assert_eq!(cache.get(&key("b")), None);
        let path = cache.path_of(&key("a"));
        assert!(path.starts_with(dir.path().join("c").join(&key("a").hex()[..2])));
        let stats = cache.stats().expect("stats");
        assert_eq!((stats.entries, stats.bytes), (1, 84 + 400));
        // No temp file is left beside the entry.
        let names: Vec<_> = fs::read_dir(path.parent().expect("parent"))
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn corrupt_entries_are_removed_and_missed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), DEFAULT_MAX_BYTES);
        let damage: [(&str, Damage); 4] = [
            ("truncated", |b| b.truncate(b.len() - 3)),
            ("flipped sample", |b| {
                let last = b.len() - 1;
                b[last] ^= 0x40;
            }),
            ("flipped header", |b| b[41] ^= 1),
            ("empty", |b| b.clear()),
        ];
        for (what, f) in damage {
            let k = key(what);
            cache.put(&k, &pcm(50)).expect("put");
            let path = cache.path_of(&k);
            let mut bytes = fs::read(&path).expect("read");
            f(&mut bytes);
            fs::write(&path, bytes).expect("write");
            assert_eq!(cache.get(&k), None, "{what}");
            assert!(!path.exists(), "{what}: not removed");
            cache.put(&k, &pcm(50)).expect("put again");
            assert_eq!(cache.get(&k), Some(pcm(50)), "{what}");
        }
    }

    #[test]
    fn an_entry_under_another_keys_name_is_not_played() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), DEFAULT_MAX_BYTES);
        cache.put(&key("a"), &pcm(10)).expect("put");
        let b = cache.path_of(&key("b"));
        fs::create_dir_all(b.parent().expect("parent")).expect("mkdir");
        fs::copy(cache.path_of(&key("a")), &b).expect("copy");
        assert_eq!(cache.get(&key("b")), None);
        assert!(!b.exists());
    }

    #[test]
    fn prune_removes_least_recently_used_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), DEFAULT_MAX_BYTES);
        let keys: Vec<Key> = ["a", "b", "c", "d"].into_iter().map(key).collect();
        for k in &keys {
            cache.put(k, &pcm(100)).expect("put");
        }
        // Written oldest first: a, b, c, d.
        for (k, ago) in keys.iter().zip([400, 300, 200, 100]) {
            set_used(&cache, k, ago);
        }
        // A hit makes `a` the most recently used.
        assert!(cache.get(&keys[0]).is_some());
        let entry = 84 + 400;
        let report = cache.prune(2 * entry).expect("prune");
        assert_eq!((report.removed, report.removed_bytes), (2, 2 * entry));
        assert_eq!((report.entries, report.bytes), (2, 2 * entry));
        let kept: Vec<bool> = keys.iter().map(|k| cache.path_of(k).exists()).collect();
        assert_eq!(kept, [true, false, false, true]);
        // Under the cap: nothing to do.
        assert_eq!(cache.prune(2 * entry).expect("prune").removed, 0);
        assert_eq!(cache.prune(0).expect("prune").entries, 0);
    }

    #[test]
    fn writes_over_the_cap_prune_the_oldest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let entry = 84 + 400;
        // Room for 4 entries; pruning goes down to 90 % of that: 3.
        let cache = SegmentCache::open(dir.path(), 4 * entry);
        let keys: Vec<Key> = (0..5).map(|i| key(&i.to_string())).collect();
        for (i, k) in keys.iter().enumerate() {
            cache.put(k, &pcm(100)).expect("put");
            set_used(&cache, k, 1000 - i as u64);
        }
        let kept: Vec<bool> = keys.iter().map(|k| cache.path_of(k).exists()).collect();
        assert_eq!(kept, [false, false, true, true, true]);
        assert!(cache.stats().expect("stats").bytes <= 4 * entry);
    }

    #[test]
    fn threads_writing_past_the_cap_leave_the_cache_under_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let entry = 84 + 4 * 1000;
        let cache = SegmentCache::open(dir.path(), 3 * entry);
        std::thread::scope(|s| {
            for t in 0..4 {
                let cache = &cache;
                s.spawn(move || {
                    for i in 0..40 {
                        cache
                            .put(&key(&format!("{t}/{i}")), &pcm(1000))
                            .expect("put");
                    }
                });
            }
        });
        let stats = cache.stats().expect("stats");
        assert!(
            stats.bytes <= 3 * entry,
            "{} entries over the cap",
            stats.entries
        );
        assert!(stats.entries >= 1);
    }

    #[test]
    fn clear_removes_only_what_the_cache_wrote() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), DEFAULT_MAX_BYTES);
        for t in ["a", "b", "c"] {
            cache.put(&key(t), &pcm(10)).expect("put");
        }
        let sub = cache.path_of(&key("a"));
        let sub = sub.parent().expect("parent");
        let stale_name = format!(".{}.seg.abc123.tmp", key("z").hex());
        fs::write(sub.join(&stale_name), b"half").expect("temp");
        fs::write(dir.path().join("notes.txt"), b"mine").expect("write");
        fs::write(sub.join("README"), b"mine too").expect("write");
        fs::create_dir(dir.path().join("zz")).expect("mkdir");
        let report = cache.clear().expect("clear");
        assert_eq!(report.removed, 4, "3 entries and the temp file");
        assert_eq!(cache.stats().expect("stats").entries, 0);
        assert!(dir.path().join("notes.txt").exists());
        assert!(sub.join("README").exists());
        assert!(dir.path().join("zz").exists());
    }

    #[test]
    fn stale_temp_files_are_removed_by_prune() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), DEFAULT_MAX_BYTES);
        cache.put(&key("a"), &pcm(10)).expect("put");
        let sub = cache.path_of(&key("a"));
        let sub = sub.parent().expect("parent");
        let hex = key("q").hex();
        let fresh = sub.join(format!(".{hex}.seg.1.tmp"));
        let stale = sub.join(format!(".{hex}.seg.2.tmp"));
        fs::write(&fresh, b"writing").expect("write");
        fs::write(&stale, b"dead").expect("write");
        fs::File::options()
            .write(true)
            .open(&stale)
            .expect("open")
            .set_modified(SystemTime::now() - STALE_TEMP - Duration::from_secs(60))
            .expect("mtime");
        let report = cache.prune(DEFAULT_MAX_BYTES).expect("prune");
        assert_eq!(report.entries, 1);
        assert!(fresh.exists(), "a live writer's temp file was removed");
        assert!(!stale.exists());
    }

    #[test]
    fn threads_writing_and_reading_one_key_never_see_a_partial_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), DEFAULT_MAX_BYTES);
        let k = key("shared");
        let want = pcm(20_000);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..20 {
                        cache.put(&k, &want).expect("put");
                        if let Some(got) = cache.get(&k) {
                            assert_eq!(got, want);
                        }
                    }
                });
            }
        });
        assert_eq!(cache.get(&k), Some(want));
        assert_eq!(cache.stats().expect("stats").entries, 1);
    }

    #[test]
    fn configured_dir_precedence() {
        let config = Config {
            cache_dir: Some(PathBuf::from("/from/config")),
            cache_max_bytes: Some(1234),
            ..Config::default()
        };
        let c = SegmentCache::configured(Some(Path::new("/from/flag")), &config).expect("a cache");
        assert_eq!(c.dir(), Path::new("/from/flag"));
        assert_eq!(c.max_bytes(), 1234);
    }
}
