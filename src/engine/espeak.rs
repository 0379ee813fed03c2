//! The embedded engine: the pure-Rust espeak-ng port with its English data compiled
//! into the binary (cargo feature `espeak`, GPL-3.0-or-later).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};

/// espeak-ng's own sample rate.
pub const SAMPLE_RATE: u32 = 22_050;
/// espeak-ng's default speaking rate in words per minute.
const DEFAULT_WPM: f32 = 175.0;

/// Where the bundled espeak-ng data is unpacked: a per-user cache directory keyed by
/// the crate version, written once to a temp dir and renamed into place so a killed
/// run never leaves a half-written data dir behind.
pub fn data_dir() -> Result<PathBuf, EngineError> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| install_data(&cache_root()).map_err(|e| e.to_string()))
        .clone()
        .map_err(EngineError::Synthesis)
}

fn cache_root() -> PathBuf {
    crate::cache::root_dir().unwrap_or_else(|| std::env::temp_dir().join("narrator-cache"))
}

fn install_data(root: &Path) -> std::io::Result<PathBuf> {
    let target = root.join(format!("espeak-ng-data-{}", espeak_ng::EspeakNg::version()));
    if target.join("en_dict").exists() {
        return Ok(target);
    }
    std::fs::create_dir_all(root)?;
    let tmp = tempfile::Builder::new()
        .prefix(".espeak-ng-data-")
        .tempdir_in(root)?;
    espeak_ng::install_bundled_language(tmp.path(), "en")?;
    let tmp_path = tmp.keep();
    match std::fs::rename(&tmp_path, &target) {
        Ok(()) => Ok(target),
        // Another process won the race: use its copy.
        Err(_) if target.join("en_dict").exists() => {
            let _ = std::fs::remove_dir_all(&tmp_path);
            Ok(target)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp_path);
            Err(e)
        }
    }
}

/// The `espeak-ng` crate version compiled in (checked against Cargo.lock by a test):
/// a new port may read the same text differently, so it is part of the fingerprint.
pub const ESPEAK_NG_VERSION: &str = "0.2.0";

/// Load-time configuration of the espeak engine.
#[derive(Debug, Clone, PartialEq)]
pub struct EspeakConfig {
    /// espeak-ng voice / language tag, e.g. `en-us`, `en`, `en-rp`.
    pub language: String,
}

impl Default for EspeakConfig {
    fn default() -> Self {
        Self {
            language: "en-us".into(),
        }
    }
}

impl EspeakConfig {
    /// Validate and build the live engine (unpacks the bundled data on first use).
    pub fn build(&self) -> Result<EspeakEngine, EngineError> {
        let dir = data_dir()?;
        let base = self.language.split(['-', '_']).next().unwrap_or("");
        if !espeak_ng::has_bundled_language(base) {
            return Err(EngineError::InvalidVoice(format!(
                "espeak language '{}' is not bundled in this build (available: {})",
                self.language,
                espeak_ng::bundled_languages().join(", ")
            )));
        }
        // Fail now, not at the first segment, if the data is unusable.
        espeak_ng::EspeakNg::with_data_dir(&self.language, &dir)
            .map_err(|e| EngineError::InvalidVoice(e.to_string()))?;
        Ok(EspeakEngine {
            language: self.language.clone(),
            data_dir: dir,
        })
    }
}

/// The live espeak engine.
#[derive(Debug)]
pub struct EspeakEngine {
    language: String,
    data_dir: PathBuf,
}

impl Engine for EspeakEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: "espeak".into(),
            voice: format!("espeak:{}", self.language),
            sample_rate: SAMPLE_RATE,
            max_chars: 1_000,
        }
    }

    fn identity(&self) -> super::EngineIdentity {
        super::EngineIdentity {
            kind: Some(super::EngineKind::Espeak),
            accepts_ipa: false,
            fingerprint: format!(
                "espeak-ng {ESPEAK_NG_VERSION}|{}|{SAMPLE_RATE}|{DEFAULT_WPM}|{}",
                self.language,
                super::letters::TEXT_PREP
            ),
        }
    }

    fn synthesize(&self, text: &str, settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let wpm = (DEFAULT_WPM * settings.rate).round().clamp(80.0, 450.0) as u32;
        let engine = espeak_ng::EspeakNg::builder()
            .voice(&self.language)
            .rate(wpm)
            .data_dir(&self.data_dir)
            .build()
            .map_err(|e| EngineError::Synthesis(e.to_string()))?;
        let (samples, rate) = engine
            .synth(&super::letters::respell_letter_a(text))
            .map_err(|e| EngineError::Synthesis(e.to_string()))?;
        Ok(Pcm::from_i16(rate, &samples))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_version_is_the_locked_crate() {
        let lock = include_str!("../../Cargo.lock");
        let want = format!(
            "name = \"espeak-ng\"\nversion = \"{}\"",
            super::ESPEAK_NG_VERSION
        );
        assert!(
            lock.contains(&want),
            "Cargo.lock's espeak-ng is not {}: update ESPEAK_NG_VERSION",
            super::ESPEAK_NG_VERSION
        );
    }
}
