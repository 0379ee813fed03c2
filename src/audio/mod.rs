//! PCM buffers, resampling, joining and encoding (WAV, MP3).
//!
//! Output is streamed: a [`Muxer`] takes segments in order as they are synthesized
//! and writes them straight to the encoder, so memory does not grow with the length
//! of the narration. The encoder writes to a temp file beside the target, which is
//! renamed into place only when the whole programme has been written.

mod decode;
mod encode;
mod resample;

pub use decode::decode;
pub use encode::{AudioFormat, EncodeOptions, OutputFile};
pub use resample::resample;

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::Pcm;

/// Errors of the audio stage.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("unsupported output format '{0}' (use .wav or .mp3)")]
    UnsupportedFormat(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("WAV encoding failed: {0}")]
    Wav(#[from] hound::Error),
    #[error("MP3 encoding failed: {0}")]
    Mp3(String),
    #[error("resampling from {from} Hz to {to} Hz failed: {reason}")]
    Resample { from: u32, to: u32, reason: String },
}

/// Joins segments in order, with pauses, resampling each to the programme's rate,
/// and streams them to the output file.
pub struct Muxer {
    out: OutputFile,
    sample_rate: u32,
    written: u64,
}

impl Muxer {
    pub fn new(out: OutputFile) -> Self {
        let sample_rate = out.sample_rate();
        Self {
            out,
            sample_rate,
            written: 0,
        }
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Append one synthesized segment followed by `pause` of silence.
    pub fn push(&mut self, pcm: Pcm, pause: Duration) -> Result<(), AudioError> {
        let pcm = resample(pcm, self.sample_rate)?;
        self.out.write(&pcm.samples)?;
        self.written += pcm.samples.len() as u64;
        self.push_silence(pause)
    }

    /// Append silence.
    pub fn push_silence(&mut self, pause: Duration) -> Result<(), AudioError> {
        let n = (pause.as_secs_f64() * f64::from(self.sample_rate)).round() as usize;
        const CHUNK: usize = 4096;
        let zeros = [0.0f32; CHUNK];
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK);
            self.out.write(&zeros[..k])?;
            left -= k;
        }
        self.written += n as u64;
        Ok(())
    }

    /// Samples written so far.
    pub fn samples_written(&self) -> u64 {
        self.written
    }

    /// Duration written so far.
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.written as f64 / f64::from(self.sample_rate))
    }

    /// Finish the encoder and rename the temp file into place.
    pub fn finish(self) -> Result<Duration, AudioError> {
        let d = self.duration();
        self.out.finish()?;
        Ok(d)
    }
}
