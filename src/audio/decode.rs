use std::io::Cursor;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::engine::Pcm;

/// Decode a whole audio file (WAV, MP3, FLAC, Ogg Vorbis) to mono PCM, downmixing
/// if needed. Gapless trimming is on, so an MP3 with a LAME tag decodes to exactly
/// the samples that were encoded.
pub fn decode(bytes: Vec<u8>, ext_hint: Option<&str>) -> Result<Pcm, String> {
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    if let Some(e) = ext_hint {
        hint.with_extension(e);
    }
    let fmt_opts = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &fmt_opts, &MetadataOptions::default())
        .map_err(|e| e.to_string())?;
    let mut format = probed.format;
    let track = format.default_track().ok_or("no audio track")?.clone();
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| e.to_string())?;
    let mut rate = track.codec_params.sample_rate.unwrap_or(0);
    let mut out = Vec::new();
    let mut buf: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(symphonia::core::errors::Error::IoError(e))
                if e.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                break
            }
            Err(e) => return Err(e.to_string()),
        };
        if packet.track_id() != track.id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(symphonia::core::errors::Error::DecodeError(_)) => continue,
            Err(e) => return Err(e.to_string()),
        };
        let spec = *decoded.spec();
        rate = spec.rate;
        let channels = spec.channels.count().max(1);
        let b = buf.get_or_insert_with(|| SampleBuffer::new(decoded.capacity() as u64, spec));
        if (b.capacity()) < decoded.capacity() * channels {
            *b = SampleBuffer::new(decoded.capacity() as u64, spec);
        }
        b.copy_interleaved_ref(decoded);
        for frame in b.samples().chunks(channels) {
            out.push(frame.iter().sum::<f32>() / channels as f32);
        }
    }
    Ok(Pcm::new(rate, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{AudioFormat, EncodeOptions, OutputFile};

    fn roundtrip(format: AudioFormat, rate: u32, n: usize) -> Pcm {
        roundtrip_with(format, rate, n, &EncodeOptions::default())
    }

    fn roundtrip_with(format: AudioFormat, rate: u32, n: usize, opts: &EncodeOptions) -> Pcm {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(format!(
            "t.{}",
            if format == AudioFormat::Mp3 {
                "mp3"
            } else {
                "wav"
            }
        ));
        let mut f = OutputFile::create(&path, format, rate, opts).expect("create");
        let tone: Vec<f32> = (0..n)
            .map(|i| (i as f32 * 300.0 * std::f32::consts::TAU / rate as f32).sin() * 0.3)
            .collect();
        f.write(&tone).expect("write");
        f.finish().expect("finish");
        decode(std::fs::read(&path).expect("read"), None).expect("decode")
    }

    #[test]
    fn wav_roundtrip_is_exact_length() {
        let p = roundtrip(AudioFormat::Wav, 22_050, 12_345);
        assert_eq!((p.sample_rate, p.samples.len()), (22_050, 12_345));
    }

    #[test]
    fn mp3_decodes_to_the_encoded_length() {
        for (rate, n) in [(22_050, 22_050 * 3 + 17), (16_000, 9_999), (44_100, 44_100)] {
            let p = roundtrip(AudioFormat::Mp3, rate, n);
            assert_eq!(p.sample_rate, rate);
            let diff = (p.samples.len() as i64 - n as i64).abs();
            // The LAME tag lets a gapless decoder return exactly the encoded samples.
            assert!(diff == 0, "rate {rate}: decoded {} vs {n}", p.samples.len());
        }
    }

    #[test]
    fn vbr_mp3_decodes_to_the_encoded_length() {
        let opts = EncodeOptions {
            mp3_vbr_quality: Some(4),
            ..EncodeOptions::default()
        };
        let n = 22_050 * 2 + 5;
        let p = roundtrip_with(AudioFormat::Mp3, 22_050, n, &opts);
        assert_eq!(p.samples.len(), n);
    }
}
