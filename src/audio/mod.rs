//! PCM buffers, resampling, mastering (trim, loudness, limiter, fades), joining,
//! encoding (WAV, MP3, Opus with the `opus` feature) and tags/chapters.
//!
//! Output is streamed: a [`Muxer`] takes segments in order as they are synthesized
//! and writes them straight to the encoder, so memory does not grow with the length
//! of the narration. The encoder writes to a temp file beside the target, which is
//! renamed into place only when the whole programme has been written.

mod decode;
mod encode;
pub mod master;
#[cfg(feature = "opus")]
mod opus;
mod resample;
pub mod tags;

pub use decode::decode;
pub use encode::{AudioFormat, EncodeOptions, OutputFile};
pub use master::{LoudnessTarget, Mastering};
pub use resample::resample;
pub use tags::{ChapterMark, Cover, Metadata};

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::Pcm;

/// The output extensions this build writes.
const WRITABLE: &str = if cfg!(feature = "opus") {
    ".wav, .mp3 or .opus"
} else {
    ".wav or .mp3"
};

/// Errors of the audio stage.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("unsupported output format '{0}' (use {WRITABLE})")]
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
    #[error("Opus encoding failed: {0}")]
    Opus(String),
    /// Opus was asked for by a build without the `opus` feature.
    #[error(
        "Opus output needs narrator built with `--features opus` (it links the system \
         libopus); use .mp3 or .wav, or rebuild: cargo install --path . --features opus"
    )]
    OpusNotBuilt,
    #[error("cannot write tags: {0}")]
    Tags(String),
    #[error("resampling from {from} Hz to {to} Hz failed: {reason}")]
    Resample { from: u32, to: u32, reason: String },
}

/// Where one segment's sound lies in the programme, in samples (after trimming).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

/// Joins segments in order, with pauses, resampling each to the programme's rate,
/// mastering it, and streams them to the output file.
///
/// The pause after a segment is written only when the next audio comes, so an
/// outro can fade in over it; an intro's fade-out is mixed under the first words.
pub struct Muxer {
    out: OutputFile,
    sample_rate: u32,
    written: u64,
    master: master::Master,
    /// Silence owed after the last segment, in samples.
    pending_silence: u64,
    /// Audio to be mixed under the next samples written (an intro's fade-out).
    overlay: Vec<f32>,
}

impl Muxer {
    /// A muxer that writes segments as the engine made them (no mastering).
    pub fn new(out: OutputFile) -> Self {
        Self::with_mastering(out, Mastering::off())
    }

    pub fn with_mastering(out: OutputFile, mastering: Mastering) -> Self {
        let sample_rate = out.sample_rate();
        Self {
            out,
            sample_rate,
            written: 0,
            master: master::Master::new(mastering, sample_rate),
            pending_silence: 0,
            overlay: Vec::new(),
        }
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn samples_for(&self, d: Duration) -> u64 {
        (d.as_secs_f64() * f64::from(self.sample_rate)).round() as u64
    }

    fn emit(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        self.emit_metered(samples, true)
    }

    fn emit_metered(&mut self, samples: &[f32], meter: bool) -> Result<(), AudioError> {
        if self.overlay.is_empty() {
            self.out.write(samples)?;
            if meter {
                self.master.observe(samples);
            }
        } else {
            let k = samples.len().min(self.overlay.len());
            let mut mixed: Vec<f32> = samples.to_vec();
            for (m, o) in mixed.iter_mut().zip(self.overlay.drain(..k)) {
                *m += o;
            }
            self.out.write(&mixed)?;
            self.master.observe(&mixed);
        }
        self.written += samples.len() as u64;
        Ok(())
    }

    fn emit_silence(&mut self, n: u64) -> Result<(), AudioError> {
        const CHUNK: usize = 4096;
        let zeros = [0.0f32; CHUNK];
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK as u64) as usize;
            // Pauses were metered when they were owed.
            self.emit_metered(&zeros[..k], false)?;
            left -= k as u64;
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> Result<(), AudioError> {
        let n = std::mem::take(&mut self.pending_silence);
        self.emit_silence(n)
    }

    /// Append one synthesized segment followed by `pause` of silence; returns
    /// where its sound lies in the programme.
    pub fn push(&mut self, pcm: Pcm, pause: Duration) -> Result<Span, AudioError> {
        let pcm = resample(pcm, self.sample_rate)?;
        let pause_n = self.samples_for(pause);
        let samples = self.master.segment(pcm.samples, pause_n as usize);
        self.flush_pending()?;
        let start = self.written;
        self.emit(&samples)?;
        let span = Span {
            start,
            end: self.written,
        };
        self.pending_silence += pause_n;
        // The pause is owed, not yet written: meter it now so the correction
        // for the next segment hears the programme as it will be.
        self.master.observe_silence(pause_n as usize);
        self.master.update_correction();
        Ok(span)
    }

    /// Append silence.
    pub fn push_silence(&mut self, pause: Duration) -> Result<(), AudioError> {
        self.pending_silence += self.samples_for(pause);
        Ok(())
    }

    /// Music before the narration: levelled to the programme loudness; its last
    /// `crossfade` fades out under the first words (which start there).
    pub fn push_intro(&mut self, pcm: Pcm, crossfade: Duration) -> Result<(), AudioError> {
        let mut samples = resample(pcm, self.sample_rate)?.samples;
        self.master.music(&mut samples);
        let n = (self.samples_for(crossfade) as usize).min(samples.len());
        let len = samples.len();
        for i in 0..n {
            samples[len - 1 - i] *= master::fade_gain(i, n);
        }
        // A short fade-in too, in case the file starts abruptly.
        let edge = (self.sample_rate as usize / 200).min(len / 2);
        for (i, s) in samples.iter_mut().take(edge).enumerate() {
            *s *= master::fade_gain(i, edge);
        }
        self.flush_pending()?;
        let tail = samples.split_off(len - n);
        self.emit(&samples)?;
        self.overlay = tail;
        Ok(())
    }

    /// Music after the narration: it fades in over `crossfade`, starting that
    /// long before the end of the pause after the last segment.
    pub fn push_outro(&mut self, pcm: Pcm, crossfade: Duration) -> Result<(), AudioError> {
        let mut samples = resample(pcm, self.sample_rate)?.samples;
        self.master.music(&mut samples);
        let n = (self.samples_for(crossfade) as usize).min(samples.len());
        for (i, s) in samples.iter_mut().take(n).enumerate() {
            *s *= master::fade_gain(i, n);
        }
        let len = samples.len();
        let edge = (self.sample_rate as usize / 200).min(len / 2);
        for i in 0..edge {
            samples[len - 1 - i] *= master::fade_gain(i, edge);
        }
        let overlap = (n as u64).min(self.pending_silence);
        self.pending_silence -= overlap;
        self.flush_pending()?;
        self.emit(&samples)
    }

    /// Samples written so far (pauses owed included).
    pub fn samples_written(&self) -> u64 {
        self.written + self.pending_silence
    }

    /// Duration written so far.
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.samples_written() as f64 / f64::from(self.sample_rate))
    }

    /// Finish the encoder and rename the temp file into place.
    pub fn finish(self) -> Result<Duration, AudioError> {
        self.finish_with(&Metadata::default())
    }

    /// Finish with tags and chapters.
    pub fn finish_with(mut self, meta: &Metadata) -> Result<Duration, AudioError> {
        self.flush_pending()?;
        let rest = std::mem::take(&mut self.overlay);
        self.emit(&rest)?;
        let d = self.duration();
        self.out.finish_with(meta)?;
        Ok(d)
    }
}
