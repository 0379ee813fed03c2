//! Speech engines: one [`Engine`] trait, one module per engine, and a registry of the
//! engines the enabled cargo features provide.

use std::time::Duration;

/// Mono PCM audio as f32 samples in [-1, 1] at a known sample rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pcm {
    pub sample_rate: u32,
    pub samples: Vec<f32>,
}

impl Pcm {
    pub fn new(sample_rate: u32, samples: Vec<f32>) -> Self {
        Self {
            sample_rate,
            samples,
        }
    }

    /// Convert from signed 16-bit samples.
    pub fn from_i16(sample_rate: u32, samples: &[i16]) -> Self {
        Self {
            sample_rate,
            samples: samples.iter().map(|&s| f32::from(s) / 32768.0).collect(),
        }
    }

    pub fn duration(&self) -> Duration {
        if self.sample_rate == 0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(self.samples.len() as f64 / f64::from(self.sample_rate))
    }
}

/// One segment's audio, and whether it was replayed from a cache rather than
/// synthesized ([`crate::cache::CachedEngine`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Synthesized {
    pub pcm: Pcm,
    pub cached: bool,
}

/// Per-request synthesis settings (kept apart from load-time engine config, as
/// piper's `SynthesisConfig` is kept apart from `PiperVoice`).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesisSettings {
    /// Speaking-rate multiplier: 1.0 is the voice's normal rate, 1.25 is 25 % faster.
    pub rate: f32,
    /// Speaker index for multi-speaker voices.
    pub speaker: Option<i64>,
    /// Piper generator noise (None: the voice's default).
    pub noise_scale: Option<f32>,
    /// Piper phoneme-width noise (None: the voice's default).
    pub noise_w: Option<f32>,
}

impl Default for SynthesisSettings {
    fn default() -> Self {
        Self {
            rate: 1.0,
            speaker: None,
            noise_scale: None,
            noise_w: None,
        }
    }
}

/// Errors an engine can return.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("voice model not found: {path} ({hint})")]
    ModelNotFound { path: String, hint: String },
    #[error("invalid voice configuration: {0}")]
    InvalidVoice(String),
    #[error("ONNX Runtime library not available: {0}")]
    Runtime(String),
    #[error("engine at {url} is unreachable: {source}")]
    Unreachable {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("engine answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("engine returned audio that could not be decoded: {0}")]
    BadAudio(String),
    #[error("synthesis failed: {0}")]
    Synthesis(String),
    #[error("text of {len} characters is over this engine's limit of {limit}")]
    TooLong { len: usize, limit: usize },
    #[error("canceled")]
    Canceled,
}

impl EngineError {
    /// Whether retrying the same request may succeed (rate limits, server errors,
    /// timeouts, dropped connections).
    pub fn is_retryable(&self) -> bool {
        match self {
            EngineError::Http { status, .. } => *status == 429 || *status >= 500,
            EngineError::Unreachable { .. } => true,
            _ => false,
        }
    }
}

/// What an engine tells about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineInfo {
    /// Engine id as used on the command line (`espeak`, `piper`, …).
    pub engine: String,
    /// Voice id.
    pub voice: String,
    /// Sample rate of the PCM this engine returns.
    pub sample_rate: u32,
    /// Longest text (in chars) one `synthesize` call should get.
    pub max_chars: usize,
}

/// Who an engine is: what the pipeline decides from it (whether the lexicon may hand
/// it raw IPA) and what a segment cache keys on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EngineIdentity {
    /// None for engines outside the registry (tests, embedders' own engines).
    pub kind: Option<EngineKind>,
    /// The engine reads `[[ ipa ]]` blocks as raw phonemes (the Piper engines).
    pub accepts_ipa: bool,
    /// Changes whenever the same text could sound different: model file hash and
    /// voice config for Piper, URL + model + voice for HTTP engines, the espeak-ng
    /// version and voice for espeak. Per-request settings are not in it.
    pub fingerprint: String,
}

/// A live, validated engine: text segment + settings → PCM.
///
/// Engines are synchronous and `Sync`: the pipeline runs `--jobs N` worker threads
/// that share one engine (one loaded model), which is what in-process ONNX and the
/// blocking HTTP clients both want.
pub trait Engine: Send + Sync {
    fn info(&self) -> EngineInfo;
    fn synthesize(&self, text: &str, settings: &SynthesisSettings) -> Result<Pcm, EngineError>;

    /// The engine's identity. The default (for engines outside this crate) is keyed on
    /// the name, voice and rate from [`Engine::info`] and takes no IPA.
    fn identity(&self) -> EngineIdentity {
        let info = self.info();
        EngineIdentity {
            kind: EngineKind::parse(&info.engine),
            accepts_ipa: false,
            fingerprint: format!("{}|{}|{}", info.engine, info.voice, info.sample_rate),
        }
    }

    /// [`Engine::synthesize`], giving up when `cancel` fires: engines that wait (HTTP
    /// retries) stop waiting at once; the others check before they start.
    fn synthesize_with(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &crate::cancel::CancelToken,
    ) -> Result<Pcm, EngineError> {
        if cancel.is_canceled() {
            return Err(EngineError::Canceled);
        }
        self.synthesize(text, settings)
    }

    /// [`Engine::synthesize_with`] for one script segment, saying where the audio came
    /// from (the pipeline counts replayed segments). Only caches override it.
    fn synthesize_segment(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &crate::cancel::CancelToken,
    ) -> Result<Synthesized, EngineError> {
        Ok(Synthesized {
            pcm: self.synthesize_with(text, settings, cancel)?,
            cached: false,
        })
    }
}

/// A hex SHA-256 of `bytes`, for fingerprints.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(feature = "piper")]
pub(crate) mod digest;
#[cfg(feature = "espeak")]
pub mod espeak;
mod http;
pub mod letters;
pub mod openai;
#[cfg(feature = "piper")]
pub mod phonemize;
#[cfg(feature = "piper")]
pub mod piper;
pub mod piper_http;
pub mod silence;

/// The engines this build knows, by command-line name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngineKind {
    Espeak,
    Piper,
    PiperHttp,
    Openai,
    Silence,
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl EngineKind {
    /// Whether this build has the engine (its cargo feature is on).
    pub fn is_built(self) -> bool {
        registry().contains(&self)
    }

    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Espeak => "espeak",
            EngineKind::Piper => "piper",
            EngineKind::PiperHttp => "piper-http",
            EngineKind::Openai => "openai",
            EngineKind::Silence => "silence",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        registry().into_iter().find(|k| k.name() == name)
    }
}

/// The engines the enabled cargo features provide, in order of preference.
pub fn registry() -> Vec<EngineKind> {
    [
        #[cfg(feature = "espeak")]
        EngineKind::Espeak,
        #[cfg(feature = "piper")]
        EngineKind::Piper,
        EngineKind::PiperHttp,
        EngineKind::Openai,
        EngineKind::Silence,
    ]
    .to_vec()
}

/// Load-time configuration of one engine: plain data, validated by [`EngineConfig::build`].
#[derive(Debug, Clone)]
pub enum EngineConfig {
    #[cfg(feature = "espeak")]
    Espeak(espeak::EspeakConfig),
    #[cfg(feature = "piper")]
    Piper(piper::PiperConfig),
    PiperHttp(piper_http::PiperHttpConfig),
    Openai(openai::OpenAiConfig),
    Silence(silence::SilenceEngine),
}

impl EngineConfig {
    /// Validate the configuration and return the live engine; bad config (missing
    /// model, engine down) fails here, before any synthesis.
    pub fn build(&self) -> Result<Box<dyn Engine>, EngineError> {
        Ok(match self {
            #[cfg(feature = "espeak")]
            EngineConfig::Espeak(c) => Box::new(c.build()?),
            #[cfg(feature = "piper")]
            EngineConfig::Piper(c) => Box::new(c.build()?),
            EngineConfig::PiperHttp(c) => Box::new(c.build()?),
            EngineConfig::Openai(c) => Box::new(c.build()?),
            EngineConfig::Silence(c) => Box::new(c.clone()),
        })
    }

    pub fn kind(&self) -> EngineKind {
        match self {
            #[cfg(feature = "espeak")]
            EngineConfig::Espeak(_) => EngineKind::Espeak,
            #[cfg(feature = "piper")]
            EngineConfig::Piper(_) => EngineKind::Piper,
            EngineConfig::PiperHttp(_) => EngineKind::PiperHttp,
            EngineConfig::Openai(_) => EngineKind::Openai,
            EngineConfig::Silence(_) => EngineKind::Silence,
        }
    }
}

/// What the user chose for an engine besides its kind: voice, server URL, model and
/// where the API key is (all optional; each engine takes what it needs).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EngineChoice {
    /// Voice id from the catalog, a Piper model path, an espeak voice or an API voice.
    pub voice: Option<String>,
    /// Base URL of an HTTP engine.
    pub url: Option<String>,
    /// Model name (openai).
    pub model: Option<String>,
    /// Environment variable holding the API key (openai).
    pub api_key_env: Option<String>,
}

/// Turn the user's choice (engine, voice, URL) into an engine config, resolving the
/// voice through the catalog.
#[cfg_attr(not(feature = "espeak"), allow(unused_variables))]
pub fn config_for(
    kind: EngineKind,
    choice: &EngineChoice,
    catalog: &crate::voices::Catalog,
) -> Result<EngineConfig, crate::voices::VoiceError> {
    use crate::voices::VoiceError;
    let voice = choice.voice.as_deref();
    let url = choice.url.as_deref();
    let model = choice.model.as_deref();
    let api_key_env = choice.api_key_env.as_deref();
    let wrong = |v: &str, e: EngineKind| VoiceError::WrongEngine {
        voice: v.to_string(),
        voice_engine: e,
        engine: kind,
    };
    match kind {
        #[cfg(feature = "espeak")]
        EngineKind::Espeak => {
            let language = match voice {
                None => "en-us".to_string(),
                Some(v) => match catalog.resolve(v) {
                    Ok(rv) if rv.engine == EngineKind::Espeak => {
                        rv.espeak.unwrap_or_else(|| "en-us".into())
                    }
                    Ok(rv) => return Err(wrong(v, rv.engine)),
                    // A raw espeak-ng voice name such as "en-us" or "en-rp".
                    Err(_) if v.starts_with("en") => v.to_string(),
                    Err(e) => return Err(e),
                },
            };
            Ok(EngineConfig::Espeak(espeak::EspeakConfig { language }))
        }
        #[cfg(feature = "piper")]
        EngineKind::Piper => {
            let rv = match voice {
                Some(v) => catalog.resolve(v)?,
                None => catalog
                    .list()
                    .into_iter()
                    .find(|v| v.engine == EngineKind::Piper && v.installed)
                    .ok_or_else(|| VoiceError::Unknown {
                        voice: "(none given, and no Piper voice is installed)".into(),
                    })?,
            };
            if rv.engine != EngineKind::Piper {
                return Err(wrong(&rv.id, rv.engine));
            }
            let model = rv.model.ok_or_else(|| VoiceError::Unknown {
                voice: rv.id.clone(),
            })?;
            if !rv.installed {
                return Err(VoiceError::NotInstalled {
                    voice: rv.id,
                    hint: format!("{} and its .onnx.json", model.display()),
                });
            }
            Ok(EngineConfig::Piper(piper::PiperConfig::new(model)))
        }
        EngineKind::PiperHttp => {
            let mut c = piper_http::PiperHttpConfig::default();
            if let Some(u) = url {
                c.url = u.to_string();
            }
            Ok(EngineConfig::PiperHttp(c))
        }
        EngineKind::Openai => {
            let mut c = openai::OpenAiConfig::default();
            if let Some(u) = url {
                c.base_url = u.to_string();
            }
            if let Some(m) = model {
                c.model = m.to_string();
            }
            if let Some(v) = voice {
                c.voice = v.to_string();
            }
            if let Some(k) = api_key_env {
                c.api_key_env = k.to_string();
            }
            Ok(EngineConfig::Openai(c))
        }
        EngineKind::Silence => Ok(EngineConfig::Silence(silence::SilenceEngine::default())),
        // Engines whose cargo feature is off in this build.
        #[allow(unreachable_patterns)]
        other => Err(VoiceError::Unknown {
            voice: format!("engine {} is not in this build", other.name()),
        }),
    }
}
