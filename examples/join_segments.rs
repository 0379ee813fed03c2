//! Join segment files the way `narrate` joins engine output: decode, resample,
//! master (trim, loudness, limiter, fades), pause, encode. For benches/join_vs_sox.sh.
//!
//!   join_segments OUT.wav [--raw] SEG.wav...
use std::path::PathBuf;
use std::time::Duration;

use narrator::audio::{decode, AudioFormat, EncodeOptions, Mastering, Muxer, OutputFile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: join_segments OUT [--raw] SEG...")?,
    );
    let mut files: Vec<String> = args.collect();
    let raw = files.first().is_some_and(|a| a == "--raw");
    if raw {
        files.remove(0);
    }
    let first = files.first().ok_or("no segments")?;
    let rate = decode(std::fs::read(first)?, Some("wav"))?.sample_rate;
    let format = AudioFormat::from_path(&out)?;
    let file = OutputFile::create(&out, format, rate, &EncodeOptions::default())?;
    let mastering = if raw {
        Mastering::off()
    } else {
        Mastering::default()
    };
    let mut m = Muxer::with_mastering(file, mastering);
    for f in &files {
        let pcm = decode(std::fs::read(f)?, Some("wav"))?;
        m.push(pcm, Duration::from_millis(250))?;
    }
    let d = m.finish()?;
    eprintln!("{} segments, {:.1} s", files.len(), d.as_secs_f64());
    Ok(())
}
