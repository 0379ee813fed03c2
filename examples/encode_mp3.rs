//! Encode a 16-bit mono WAV to MP3 with narrator's encoder (used by
//! benches/mp3_vs_lame.sh to compare against the `lame` CLI on the same PCM).
//!
//!     cargo run --release --example encode_mp3 -- in.wav out.mp3 [kbps]

use std::path::PathBuf;

use narrator::audio::{AudioFormat, EncodeOptions, OutputFile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: encode_mp3 IN.wav OUT.mp3 [KBPS]".into());
    };
    let kbps: u32 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(64);
    let mut reader = hound::WavReader::open(&input)?;
    let spec = reader.spec();
    if spec.channels != 1 || spec.bits_per_sample != 16 {
        return Err(format!("{input}: need 16-bit mono WAV, got {spec:?}").into());
    }
    let opts = EncodeOptions {
        mp3_bitrate_kbps: kbps,
        ..EncodeOptions::default()
    };
    let mut out = OutputFile::create(
        &PathBuf::from(&output),
        AudioFormat::Mp3,
        spec.sample_rate,
        &opts,
    )?;
    let mut block = Vec::with_capacity(1 << 16);
    for s in reader.samples::<i16>() {
        block.push(f32::from(s?) / 32768.0);
        if block.len() == block.capacity() {
            out.write(&block)?;
            block.clear();
        }
    }
    out.write(&block)?;
    out.finish()?;
    Ok(())
}
