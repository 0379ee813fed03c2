use rubato::{FftFixedIn, Resampler};

use super::AudioError;
use crate::engine::Pcm;

/// Resample mono PCM to `to` Hz (a no-op when the rate already matches).
///
/// The resampler's delay is removed and the output cut to exactly
/// `round(len * to / from)` samples, so durations add up across segments.
pub fn resample(pcm: Pcm, to: u32) -> Result<Pcm, AudioError> {
    let from = pcm.sample_rate;
    if from == to || pcm.samples.is_empty() {
        return Ok(Pcm::new(to, pcm.samples));
    }
    let err = |reason: String| AudioError::Resample { from, to, reason };
    let expected = (pcm.samples.len() as u128 * u128::from(to) / u128::from(from.max(1))) as usize;
    let mut rs = FftFixedIn::<f32>::new(from as usize, to as usize, 1024, 2, 1)
        .map_err(|e| err(e.to_string()))?;
    let delay = rs.output_delay();
    let mut out: Vec<f32> = Vec::with_capacity(expected + delay + 2048);
    let mut pos = 0;
    let input = &pcm.samples;
    while input.len() - pos >= rs.input_frames_next() {
        let n = rs.input_frames_next();
        let chunk = rs
            .process(&[&input[pos..pos + n]], None)
            .map_err(|e| err(e.to_string()))?;
        out.extend_from_slice(chunk.first().map(Vec::as_slice).unwrap_or(&[]));
        pos += n;
    }
    if pos < input.len() {
        let chunk = rs
            .process_partial(Some(&[&input[pos..]]), None)
            .map_err(|e| err(e.to_string()))?;
        out.extend_from_slice(chunk.first().map(Vec::as_slice).unwrap_or(&[]));
    }
    while out.len() < expected + delay {
        let chunk = rs
            .process_partial::<&[f32]>(None, None)
            .map_err(|e| err(e.to_string()))?;
        match chunk.first() {
            Some(c) if !c.is_empty() => out.extend_from_slice(c),
            _ => break,
        }
    }
    let mut samples: Vec<f32> = out.into_iter().skip(delay).take(expected).collect();
    samples.resize(expected, 0.0);
    Ok(Pcm::new(to, samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resample_keeps_duration_and_tone() {
        let from = 16_000u32;
        let samples: Vec<f32> = (0..16_000)
            .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / from as f32).sin() * 0.5)
            .collect();
        let out = resample(Pcm::new(from, samples), 22_050).expect("resample");
        assert_eq!(out.sample_rate, 22_050);
        assert_eq!(out.samples.len(), 22_050);
        // Energy preserved in the middle (no silence, no blow-up).
        let mid = &out.samples[5_000..15_000];
        let rms = (mid.iter().map(|s| s * s).sum::<f32>() / mid.len() as f32).sqrt();
        assert!((rms - 0.3535).abs() < 0.02, "rms {rms}");
    }

    #[test]
    fn same_rate_is_identity() {
        let pcm = Pcm::new(22_050, vec![0.1, -0.2, 0.3]);
        assert_eq!(resample(pcm.clone(), 22_050).expect("resample"), pcm);
    }
}
