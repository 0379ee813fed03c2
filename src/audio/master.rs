//! Mastering of each segment before it is joined: trim the engine's leading and
//! trailing silence, bring it to the programme loudness (EBU R128), keep true peaks
//! under the ceiling with a look-ahead limiter, and fade the edges so joins do not
//! click.
//!
//! Loudness is single-pass and bounded in memory: every segment is measured on its
//! own (integrated loudness, BS.1770 gating, with the pause that follows it, as the
//! programme will be heard) and given the gain that brings it to the target. Speech
//! engines are stable within a segment, so segments each at the target make a
//! programme at the target, with no level jump between segments or voices. A
//! programme meter (histogram mode, fixed memory) hears everything written and
//! steers later segments by a small, clamped correction so the whole file lands on
//! the target despite joins and pauses. Segments too short to measure (< 400 ms)
//! take the gain of the segment before them.

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

/// Loudness target of the programme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoudnessTarget {
    /// Integrated loudness, LUFS (podcasts −16, EBU R128 broadcast −23).
    pub integrated_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub true_peak_dbtp: f64,
}

impl Default for LoudnessTarget {
    fn default() -> Self {
        Self {
            integrated_lufs: -16.0,
            true_peak_dbtp: -1.0,
        }
    }
}

/// How segments are prepared before they are joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mastering {
    /// None: keep the engine's level.
    pub loudness: Option<LoudnessTarget>,
    /// Trim the engine's leading/trailing silence so pauses are exactly as configured.
    pub trim: bool,
    /// Silence threshold for trimming, dB below the segment's peak.
    pub trim_below_peak_db: f64,
    /// Raised-cosine fade at each segment edge, in milliseconds.
    pub edge_fade_ms: f64,
}

impl Default for Mastering {
    fn default() -> Self {
        Self {
            loudness: Some(LoudnessTarget::default()),
            trim: true,
            trim_below_peak_db: 45.0,
            edge_fade_ms: 4.0,
        }
    }
}

impl Mastering {
    /// No processing at all: samples pass through as the engine made them.
    pub fn off() -> Self {
        Self {
            loudness: None,
            trim: false,
            trim_below_peak_db: 45.0,
            edge_fade_ms: 0.0,
        }
    }
}

/// Sample-peak headroom kept under the true-peak ceiling: the limiter works on
/// samples, and inter-sample peaks of speech (and lossy coding) add up to ~1 dB.
const TRUE_PEAK_MARGIN_DB: f64 = 1.5;
/// Quietest level treated as sound when trimming (absolute), whatever the peak.
const TRIM_FLOOR_DB: f64 = -70.0;
/// Largest gain given to a quiet segment.
const MAX_GAIN_DB: f64 = 30.0;

fn db_to_lin(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// The range of `samples` that is not leading or trailing silence: from the first
/// to the last sample above `below_peak_db` under the peak. An all-silent buffer is
/// left whole (there is nothing to measure: a test voice, or a pause the engine
/// meant), and so is an empty one.
pub fn sound_range(samples: &[f32], below_peak_db: f64) -> std::ops::Range<usize> {
    let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
    let floor = db_to_lin(TRIM_FLOOR_DB) as f32;
    if peak <= floor {
        return 0..samples.len();
    }
    let thr = (peak * db_to_lin(-below_peak_db.abs()) as f32).max(floor);
    let first = samples.iter().position(|s| s.abs() >= thr).unwrap_or(0);
    let last = samples
        .iter()
        .rposition(|s| s.abs() >= thr)
        .map_or(samples.len(), |i| i + 1);
    first..last.max(first)
}

/// Raised-cosine fade-in over the first `n` samples and fade-out over the last `n`.
pub fn fade_edges(samples: &mut [f32], n: usize) {
    let n = n.min(samples.len() / 2);
    if n == 0 {
        return;
    }
    let len = samples.len();
    for i in 0..n {
        let g = fade_gain(i, n);
        samples[i] *= g;
        samples[len - 1 - i] *= g;
    }
}

/// Gain of sample `i` of an `n`-sample raised-cosine fade-in (0 at i = 0, → 1).
pub fn fade_gain(i: usize, n: usize) -> f32 {
    let x = i as f64 / n as f64;
    (0.5 - 0.5 * (std::f64::consts::PI * x).cos()) as f32
}

/// Integrated loudness of mono samples in LUFS; None when too short or silent to
/// measure (BS.1770 needs one 400 ms block above the absolute gate).
pub fn integrated_loudness(samples: &[f32], rate: u32) -> Option<f64> {
    let mut m = EbuR128::new(1, rate, Mode::I).ok()?;
    m.add_frames_f32(samples).ok()?;
    let l = m.loudness_global().ok()?;
    l.is_finite().then_some(l)
}

fn loudness_with_pause(samples: &[f32], pause: usize, rate: u32) -> Option<f64> {
    let mut m = EbuR128::new(1, rate, Mode::I).ok()?;
    m.add_frames_f32(samples).ok()?;
    let zeros = vec![0f32; pause.min(rate as usize * 2)];
    m.add_frames_f32(&zeros).ok()?;
    let l = m.loudness_global().ok()?;
    l.is_finite().then_some(l)
}

/// Look-ahead peak limiter on a whole buffer: no sample above `ceiling` (linear).
/// Gain falls linearly over `attack` samples before a peak and recovers over
/// `release` samples after it, so limiting adds no click.
pub fn limit(samples: &mut [f32], ceiling: f32, attack: usize, release: usize) {
    if samples.iter().all(|s| s.abs() <= ceiling) {
        return;
    }
    let mut gain: Vec<f32> = samples
        .iter()
        .map(|s| {
            let a = s.abs();
            if a > ceiling {
                ceiling / a
            } else {
                1.0
            }
        })
        .collect();
    let down = 1.0 / attack.max(1) as f32;
    let up = 1.0 / release.max(1) as f32;
    // Backwards: gain may fall towards a peak by at most `down` a sample.
    for i in (0..gain.len().saturating_sub(1)).rev() {
        gain[i] = gain[i].min(gain[i + 1] + down);
    }
    // Forwards: and recover after it by at most `up` a sample.
    for i in 1..gain.len() {
        gain[i] = gain[i].min(gain[i - 1] + up);
    }
    for (s, g) in samples.iter_mut().zip(gain) {
        *s *= g;
    }
}

/// Per-programme state of the mastering chain.
pub struct Master {
    opts: Mastering,
    rate: u32,
    last_gain_db: Option<f64>,
    /// Meter of everything written (histogram mode: fixed memory).
    programme: Option<EbuR128>,
    /// Feedback correction, dB: the programme's pauses and joins make it measure a
    /// little under its segments, so later segments make up the difference.
    correction_db: f64,
}

/// Largest feedback correction, dB.
const MAX_CORRECTION_DB: f64 = 4.0;

impl Master {
    pub fn new(opts: Mastering, rate: u32) -> Self {
        let programme = opts
            .loudness
            .and_then(|_| EbuR128::new(1, rate, Mode::I | Mode::HISTOGRAM).ok());
        Self {
            opts,
            rate,
            last_gain_db: None,
            programme,
            correction_db: 0.0,
        }
    }

    /// Feed what was written to the programme meter.
    pub fn observe(&mut self, samples: &[f32]) {
        if let Some(m) = self.programme.as_mut() {
            // A meter error only loses the correction, never the audio.
            let _ = m.add_frames_f32(samples);
        }
    }

    /// Feed `n` samples of silence to the programme meter.
    pub fn observe_silence(&mut self, n: usize) {
        if let Some(m) = self.programme.as_mut() {
            let zeros = [0f32; 4096];
            let mut left = n;
            while left > 0 {
                let k = left.min(zeros.len());
                let _ = m.add_frames_f32(&zeros[..k]);
                left -= k;
            }
        }
    }

    /// After each segment: steer later segments so the programme's integrated
    /// loudness reaches the target.
    pub fn update_correction(&mut self) {
        let (Some(t), Some(m)) = (self.opts.loudness, self.programme.as_ref()) else {
            return;
        };
        if let Ok(l) = m.loudness_global() {
            if l.is_finite() {
                self.correction_db = (self.correction_db + 0.5 * (t.integrated_lufs - l))
                    .clamp(-MAX_CORRECTION_DB, MAX_CORRECTION_DB);
            }
        }
    }

    /// Integrated loudness of the programme so far.
    pub fn programme_loudness(&self) -> Option<f64> {
        let l = self.programme.as_ref()?.loudness_global().ok()?;
        l.is_finite().then_some(l)
    }

    pub fn options(&self) -> &Mastering {
        &self.opts
    }

    /// Trim, level, limit and fade one speech segment (at the programme rate);
    /// `pause` samples of silence will follow it.
    pub fn segment(&mut self, mut samples: Vec<f32>, pause: usize) -> Vec<f32> {
        if self.opts.trim {
            let r = sound_range(&samples, self.opts.trim_below_peak_db);
            if r.start > 0 || r.end < samples.len() {
                samples.truncate(r.end);
                samples.drain(..r.start);
            }
        }
        self.level(&mut samples, pause, true);
        let n = self.ms(self.opts.edge_fade_ms);
        fade_edges(&mut samples, n);
        samples
    }

    /// Level and limit music (intro/outro) to the same target, measured as a whole.
    pub fn music(&mut self, samples: &mut [f32]) {
        self.level(samples, 0, false);
    }

    fn ms(&self, ms: f64) -> usize {
        (ms * f64::from(self.rate) / 1000.0).round() as usize
    }

    fn level(&mut self, samples: &mut [f32], pause: usize, remember: bool) {
        let Some(t) = self.opts.loudness else {
            return;
        };
        // Measured with the pause after it, as the programme meter will hear it.
        let measured = loudness_with_pause(samples, pause, self.rate)
            .map(|l| (t.integrated_lufs - l).clamp(-MAX_GAIN_DB, MAX_GAIN_DB));
        let Some(gain_db) = measured.or(self.last_gain_db) else {
            return;
        };
        if remember && measured.is_some() {
            self.last_gain_db = Some(gain_db);
        }
        let g = db_to_lin(gain_db + self.correction_db) as f32;
        for s in samples.iter_mut() {
            *s *= g;
        }
        let ceiling = db_to_lin(t.true_peak_dbtp - TRUE_PEAK_MARGIN_DB) as f32;
        limit(samples, ceiling, self.ms(1.5).max(1), self.ms(60.0).max(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, secs: f64, amp: f32) -> Vec<f32> {
        (0..(secs * f64::from(rate)) as usize)
            .map(|i| amp * (i as f32 * 997.0 * std::f32::consts::TAU / rate as f32).sin())
            .collect()
    }

    #[test]
    fn trims_to_the_sound() {
        let mut v = vec![0.0f32; 100];
        v.extend(std::iter::repeat_n(0.5f32, 50));
        v.extend(vec![0.001f32; 100]);
        assert_eq!(sound_range(&v, 45.0), 100..150);
        assert_eq!(sound_range(&[0.0; 10], 45.0), 0..10);
        assert_eq!(sound_range(&[], 45.0), 0..0);
    }

    #[test]
    fn levels_to_target_and_limits() {
        let rate = 24_000;
        let mut m = Master::new(Mastering::default(), rate);
        for amp in [0.01, 0.1, 0.9] {
            let out = m.segment(tone(rate, 2.0, amp), 0);
            let l = integrated_loudness(&out, rate).expect("measurable");
            assert!((l - -16.0).abs() < 0.5, "amp {amp}: {l} LUFS");
            let peak = out.iter().fold(0f32, |a, s| a.max(s.abs()));
            assert!(peak <= db_to_lin(-2.5) as f32 + 1e-6, "peak {peak}");
        }
        // A short segment takes the previous gain.
        let short = m.segment(tone(rate, 0.2, 0.9), 0);
        assert!(short.iter().all(|s| s.is_finite()));
    }

    #[test]
    fn limiter_holds_the_ceiling_without_steps() {
        let mut v = tone(8000, 0.5, 0.2);
        v[2000] = 1.0;
        limit(&mut v, 0.5, 16, 200);
        assert!(v.iter().all(|s| s.abs() <= 0.5 + 1e-6));
        let max_step = v
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0f32, f32::max);
        assert!(max_step < 0.6, "step {max_step}");
    }
}
