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
        Self { sample_rate, samples }
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
        Self { rate: 1.0, speaker: None, noise_scale: None, noise_w: None }
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

/// A live, validated engine: text segment + settings → PCM.
///
/// Engines are synchronous and `Sync`: the pipeline runs `--jobs N` worker threads
/// that share one engine (one loaded model), which is what in-process ONNX and the
/// blocking HTTP clients both want.
pub trait Engine: Send + Sync {
    fn info(&self) -> EngineInfo;
    fn synthesize(&self, text: &str, settings: &SynthesisSettings) -> Result<Pcm, EngineError>;
}

#[cfg(feature = "espeak")]
pub mod espeak;
#[cfg(feature = "piper")]
pub mod phonemize;
#[cfg(feature = "piper")]
pub mod piper;
pub mod silence;
