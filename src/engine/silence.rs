//! A deterministic test voice: a fixed number of silent samples per character.
//! It makes durations, pauses and offsets exact in tests.

use super::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};

#[derive(Debug, Clone)]
pub struct SilenceEngine {
    pub sample_rate: u32,
    pub samples_per_char: usize,
}

impl Default for SilenceEngine {
    fn default() -> Self {
        Self {
            sample_rate: 16_000,
            samples_per_char: 160,
        }
    }
}

impl Engine for SilenceEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: "silence".into(),
            voice: "silence".into(),
            sample_rate: self.sample_rate,
            max_chars: 2_000,
        }
    }

    fn synthesize(&self, text: &str, _settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let n = text.chars().count() * self.samples_per_char;
        Ok(Pcm::new(self.sample_rate, vec![0.0; n]))
    }
}
