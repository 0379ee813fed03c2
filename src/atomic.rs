//! Outputs are written to a temp file beside their target and renamed into place, so
//! a failed run leaves nothing half-written. The temp file gets the permissions a
//! plain `File::create` would (0o666 less the umask), not tempfile's private 0o600,
//! so a published MP3 or transcript is readable like any other file.

use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A temp file in `path`'s directory, named `.<file name>.<random><suffix>`.
pub fn temp_beside(path: &Path, suffix: &str) -> std::io::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("narration");
    let prefix = format!(".{name}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Passed to open(2), so the umask applies as for any new file.
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(&dir)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn temp_files_get_ordinary_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).expect("create");
        let tmp = temp_beside(&dir.path().join("out.mp3"), ".part").expect("temp");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(tmp.path()), mode(&plain));
        let name = tmp
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        assert!(
            name.starts_with(".out.mp3.") && name.ends_with(".part"),
            "{name}"
        );
    }
}
