//! The user's config file (TOML): engine, voice, pauses and output settings, so a
//! user does not repeat flags. Command-line flags override it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::audio::EncodeOptions;
use crate::script::Pauses;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {reason}")]
    Parse { path: PathBuf, reason: String },
}

/// Contents of `config.toml`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// espeak | piper | piper-http | openai
    pub engine: Option<crate::engine::EngineKind>,
    /// Output format when the output's name does not say (wav | mp3 | opus).
    pub format: Option<crate::audio::AudioFormat>,
    /// Voice id from `narrator voices`, a path to a Piper .onnx, or (openai) a voice name.
    pub voice: Option<String>,
    /// Base URL of an HTTP engine.
    pub engine_url: Option<String>,
    /// Model name for the openai engine.
    pub model: Option<String>,
    /// Environment variable holding the API key for the openai engine.
    pub api_key_env: Option<String>,
    /// Speaking-rate multiplier.
    pub rate: Option<f32>,
    /// Segments synthesized concurrently.
    pub jobs: Option<usize>,
    /// Read title, byline and date before the article.
    pub intro: Option<bool>,
    /// Largest page or file accepted, in bytes (`--max-bytes`).
    pub max_bytes: Option<u64>,
    /// A pronunciation lexicon (TOML) applied before the built-in rules; its entries
    /// beat the built-in lexicon's. See src/normalize/lexicon.rs for the format.
    pub lexicon: Option<PathBuf>,
    /// Voice for quoted speech (`--quote-voice`).
    pub quote_voice: Option<String>,
    /// Field order of all-numeric dates ("mdy" or "dmy"); default: from the article's
    /// language tag, else the voice's, else month first.
    pub date_order: Option<crate::normalize::DateOrder>,
    /// Segment cache directory (default: `$XDG_CACHE_HOME/narrator/segments`;
    /// `--cache-dir` and `$NARRATOR_CACHE_DIR` (as `$NARRATOR_CACHE_DIR/segments`)
    /// beat it).
    pub cache_dir: Option<PathBuf>,
    /// Segment cache size cap in bytes (default 2 GiB); least recently used
    /// segments are removed beyond it.
    pub cache_max_bytes: Option<u64>,
    /// Extra directories with voice catalogs and models.
    pub voices_dirs: Vec<PathBuf>,
    pub pauses: Pauses,
    pub output: EncodeOptions,
    /// The podcast feed and its episodes (`batch --feed`, `narrator feed`).
    pub feed: crate::publish::feed::FeedSettings,
    /// `narrator serve` (flags beat these).
    pub server: ServerSettings,
}

/// The config's `[server]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on, e.g. "127.0.0.1:8080".
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    /// Narrations rendered at once (default: the cores, at most 4).
    pub workers: Option<usize>,
    pub allow_private_urls: bool,
    /// The URL clients reach the server at (feed and media links).
    pub public_url: Option<String>,
    /// Requests per minute per API token (default 600).
    pub rate_limit_per_minute: Option<u32>,
    /// Largest request body, bytes (default 2 MiB).
    pub max_body_bytes: Option<usize>,
}

impl Config {
    /// Load `path`, or the per-user default location when `path` is None (a missing
    /// default file is not an error). Returns the config and the file it came from.
    pub fn load(path: Option<&Path>) -> Result<(Self, Option<PathBuf>), ConfigError> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok((Self::default(), None)),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Self::default(), None))
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let cfg = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        Ok((cfg, Some(path)))
    }
}

/// `$NARRATOR_CONFIG`, else `$XDG_CONFIG_HOME/narrator/config.toml`, else
/// `~/.config/narrator/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NARRATOR_CONFIG") {
        return Some(PathBuf::from(p));
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(d).join("narrator").join("config.toml"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/narrator/config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "engine = \"piper\"\nvoice = \"en_US-joe-medium\"\nrate = 1.1\njobs = 2\n\
             date_order = \"dmy\"\ncache_dir = \"/var/cache/narrator\"\ncache_max_bytes = 500000000\n[pauses]\nsentence_ms = 100\n[output]\nmp3_bitrate_kbps = 96\n",
        )
        .expect("write");
        let (c, from) = Config::load(Some(&p)).expect("load");
        assert_eq!(from.as_deref(), Some(p.as_path()));
        assert_eq!(c.engine, Some(crate::engine::EngineKind::Piper));
        assert_eq!(c.pauses.sentence_ms, 100);
        assert_eq!(c.date_order, Some(crate::normalize::DateOrder::Dmy));
        assert_eq!(c.pauses.paragraph_ms, Pauses::default().paragraph_ms);
        assert_eq!(c.output.mp3_bitrate_kbps, 96);
        assert_eq!(
            c.cache_dir.as_deref(),
            Some(Path::new("/var/cache/narrator"))
        );
        assert_eq!(c.cache_max_bytes, Some(500_000_000));
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "engnie = \"piper\"\n").expect("write");
        let err = Config::load(Some(&p)).expect_err("must fail").to_string();
        assert!(err.contains("c.toml") && err.contains("engnie"), "{err}");
    }
}
