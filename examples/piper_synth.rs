//! Synthesize a text file with an in-process Piper voice and write a WAV file.
//!
//! ```text
//! cargo run --release --example piper_synth -- MODEL.onnx TEXT.txt OUT.wav \
//!     [--sessions N] [--threads N] [--jobs N] [--noise-scale X] [--noise-w X] [--rate X]
//! ```
//!
//! With `--jobs N` the text is split into paragraphs and N worker threads share the
//! engine, as the narrator pipeline does. Prints load time, synthesis wall time,
//! audio duration and real-time factor.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use narrator::engine::piper::PiperConfig;
use narrator::engine::{Engine, Pcm, SynthesisSettings};

fn main() -> Result<()> {
    let mut positional = Vec::new();
    let mut config = PiperConfig::new("");
    let mut settings = SynthesisSettings::default();
    let mut jobs = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--sessions" => config.sessions = value("--sessions")?.parse()?,
            "--threads" => config.intra_threads = Some(value("--threads")?.parse()?),
            "--jobs" => jobs = value("--jobs")?.parse()?,
            "--noise-scale" => settings.noise_scale = Some(value("--noise-scale")?.parse()?),
            "--noise-w" => settings.noise_w = Some(value("--noise-w")?.parse()?),
            "--rate" => settings.rate = value("--rate")?.parse()?,
            _ if arg.starts_with("--") => bail!("unknown option {arg}"),
            _ => positional.push(arg),
        }
    }
    let [model, text, out] = <[String; 3]>::try_from(positional).map_err(|_| {
        anyhow::anyhow!("usage: piper_synth MODEL.onnx TEXT.txt OUT.wav [--sessions N] [--threads N] [--jobs N]")
    })?;
    config.model = PathBuf::from(model);
    let text = std::fs::read_to_string(&text).with_context(|| format!("reading {text}"))?;

    let t0 = Instant::now();
    let engine = config.build()?;
    let load = t0.elapsed();

    // Paragraphs are the pipeline's unit of work; with one job, one call per paragraph too.
    let chunks: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let t1 = Instant::now();
    let results: Vec<Pcm> = if jobs <= 1 {
        chunks
            .iter()
            .map(|c| engine.synthesize(c, &settings))
            .collect::<Result<_, _>>()?
    } else {
        let next = AtomicUsize::new(0);
        let mut slots: Vec<Option<Pcm>> = vec![None; chunks.len()];
        let done = std::sync::Mutex::new(&mut slots);
        std::thread::scope(|s| -> Result<()> {
            let workers: Vec<_> = (0..jobs)
                .map(|_| {
                    s.spawn(|| -> Result<()> {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(chunk) = chunks.get(i) else {
                                return Ok(());
                            };
                            let pcm = engine.synthesize(chunk, &settings)?;
                            done.lock().map_err(|_| anyhow::anyhow!("poisoned"))?[i] = Some(pcm);
                        }
                    })
                })
                .collect();
            for w in workers {
                w.join().map_err(|_| anyhow::anyhow!("worker panicked"))??;
            }
            Ok(())
        })?;
        slots.into_iter().flatten().collect()
    };
    let wall = t1.elapsed();

    let rate = engine.info().sample_rate;
    let samples: Vec<f32> = results.into_iter().flat_map(|p| p.samples).collect();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = hound::WavWriter::create(&out, spec)?;
    for s in &samples {
        wav.write_sample((s * 32767.0).clamp(-32767.0, 32767.0) as i16)?;
    }
    wav.finalize()?;

    let audio = samples.len() as f64 / f64::from(rate);
    println!(
        "load {:.2}s  synth {:.2}s  audio {:.2}s  rtf {:.3}  (sessions {}, threads {}, jobs {})",
        load.as_secs_f64(),
        wall.as_secs_f64(),
        audio,
        wall.as_secs_f64() / audio.max(1e-9),
        engine.session_count(),
        engine
            .intra_threads()
            .map_or("default".to_string(), |t| t.to_string()),
        jobs
    );
    Ok(())
}
