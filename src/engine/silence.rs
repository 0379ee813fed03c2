//! A deterministic test voice: a fixed number of silent samples per character.
//! It makes durations, pauses and offsets exact in tests.

use super::{Engine, EngineError, EngineIdentity, EngineInfo, EngineKind, Pcm, SynthesisSettings};

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

    fn identity(&self) -> EngineIdentity {
        EngineIdentity {
            kind: Some(EngineKind::Silence),
            accepts_ipa: false,
            fingerprint: format!("silence|{}|{}", self.sample_rate, self.samples_per_char),
        }
    }

    fn synthesize(&self, text: &str, _settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let n = text.chars().count() * self.samples_per_char;
        Ok(Pcm::new(self.sample_rate, vec![0.0; n]))
    }
}

/// A deterministic loud test voice: a fixed number of samples per character of a
/// tone at `rate / 16` Hz, phase-shifted so no sample is near zero (its sound
/// starts and ends exactly where the samples do), between `padding` samples of
/// silence on each side (as real engines leave). It makes loudness, trimming and
/// join tests exact.
#[derive(Debug, Clone)]
pub struct ToneEngine {
    pub sample_rate: u32,
    pub samples_per_char: usize,
    pub amplitude: f32,
    pub padding: usize,
}

impl Default for ToneEngine {
    fn default() -> Self {
        Self {
            sample_rate: 16_000,
            samples_per_char: 160,
            amplitude: 0.5,
            padding: 800,
        }
    }
}

impl ToneEngine {
    /// The sound (without padding) the engine makes for `n` characters.
    pub fn tone(&self, n: usize) -> Vec<f32> {
        let step = std::f32::consts::TAU / 16.0;
        (0..n)
            .map(|i| self.amplitude * (step * (i % 16) as f32 + step / 2.0).sin())
            .collect()
    }
}

impl Engine for ToneEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: "tone".into(),
            voice: "tone".into(),
            sample_rate: self.sample_rate,
            max_chars: 2_000,
        }
    }

    fn synthesize(&self, text: &str, _settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let n = text.chars().count() * self.samples_per_char;
        let mut v = vec![0.0; self.padding];
        v.extend(self.tone(n));
        v.extend(std::iter::repeat_n(0.0, self.padding));
        Ok(Pcm::new(self.sample_rate, v))
    }
}
