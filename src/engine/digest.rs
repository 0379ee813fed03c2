//! SHA-256 of voice files for engine fingerprints, remembered by file identity
//! (path, length, modification time and, on Unix, device, inode and change time),
//! so a model is hashed once per change rather than on every run: in memory for
//! the process (a server or a batch builds many engines), and optionally on disk in
//! a memo directory (the CLI, one engine per process). A memo entry is only a
//! shortcut: a missing, unreadable or malformed one means the file is hashed again.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// What a digest is remembered by: the file changes, the key changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileId {
    path: PathBuf,
    len: u64,
    modified_ns: i128,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64),
}

impl FileId {
    fn of(path: &Path) -> std::io::Result<FileId> {
        let path = path.canonicalize()?;
        let meta = std::fs::metadata(&path)?;
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(-1, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let unix = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        Ok(FileId {
            path,
            len: meta.len(),
            modified_ns,
            #[cfg(unix)]
            unix,
        })
    }

    /// The memo file's name: a hash of the identity.
    fn memo_name(&self) -> String {
        let mut text = format!(
            "{}\0{}\0{}",
            self.path.display(),
            self.len,
            self.modified_ns
        );
        #[cfg(unix)]
        text.push_str(&format!("\0{:?}", self.unix));
        super::sha256_hex(text.as_bytes())
    }
}

fn memory() -> &'static Mutex<HashMap<FileId, String>> {
    static MEMO: OnceLock<Mutex<HashMap<FileId, String>>> = OnceLock::new();
    MEMO.get_or_init(Default::default)
}

/// Hex SHA-256 of the file at `path`, from the memo when the file is unchanged.
pub(crate) fn file_sha256(path: &Path, memo_dir: Option<&Path>) -> std::io::Result<String> {
    let id = FileId::of(path)?;
    if let Some(hex) = memory().lock().ok().and_then(|m| m.get(&id).cloned()) {
        return Ok(hex);
    }
    let on_disk = memo_dir.map(|d| d.join(id.memo_name()));
    let remembered = on_disk
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let hex = match remembered {
        Some(hex) => hex,
        None => {
            let hex = hash_file(&id.path)?;
            // The file may have changed while it was read: remember the digest
            // only if its identity is still the one hashed.
            if FileId::of(path).ok().as_ref() == Some(&id) {
                if let Some(p) = &on_disk {
                    remember(p, &hex);
                }
            }
            hex
        }
    };
    if let Ok(mut m) = memory().lock() {
        m.insert(id, hex.clone());
    }
    Ok(hex)
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Write a memo entry atomically; a failure only costs a re-hash next time.
fn remember(path: &Path, hex: &str) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let written = crate::atomic::temp_beside(path, ".tmp").and_then(|mut tmp| {
        std::io::Write::write_all(&mut tmp, hex.as_bytes())?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    });
    if let Err(e) = written {
        tracing::debug!("cannot remember a digest in {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_sha256_and_follow_changes_through_the_disk_memo() {
        let dir = tempfile::tempdir().expect("tempdir");
        let memo = dir.path().join("memo");
        let f = dir.path().join("model.onnx");
        std::fs::write(&f, b"abc").expect("write");
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(file_sha256(&f, Some(&memo)).expect("hash"), abc);
        assert_eq!(std::fs::read_dir(&memo).expect("memo").count(), 1);
        // Same length, new content and time: a new identity, a new digest.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&f, b"abd").expect("write");
        let abd = file_sha256(&f, Some(&memo)).expect("hash");
        assert_ne!(abd, abc);
        assert_eq!(abd, super::super::sha256_hex(b"abd"));
        // A malformed memo entry is ignored, not trusted.
        memory().lock().expect("memo").clear();
        for e in std::fs::read_dir(&memo).expect("memo") {
            std::fs::write(e.expect("entry").path(), "not a digest").expect("write");
        }
        assert_eq!(file_sha256(&f, Some(&memo)).expect("hash"), abd);
        assert!(file_sha256(&dir.path().join("missing"), None).is_err());
    }
}
