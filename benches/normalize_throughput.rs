//! Normalizer throughput, single-threaded, on a ≥ 10 MB news corpus assembled at bench
//! time from text already in the repository (nothing large is committed), plus a 10 MB
//! input with no newline at all, which must stay linear.
//!
//! Corpus sources: benches/data/*.txt, examples/*.txt|md, tests/data/extract/*.txt,
//! the written side of tests/golden/**/*.txt and tests/data/tn-en/*.txt (`written~spoken`
//! or `written<TAB>spoken`), repeated in order until the corpus reaches 10 MiB.
//! Set NARRATOR_BENCH_CORPUS=path to write the assembled corpus to a file as well.
//!
//! Run: `cargo bench --bench normalize_throughput` (criterion prints MB/s as "thrpt").

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use narrator::normalize::lexicon::{ApplyOptions, Lexicon};
use narrator::normalize::quotes::quote_spans;
use narrator::normalize::{normalize, NormalizeOptions};

const TARGET: usize = 10 * 1024 * 1024;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("txt" | "md")) {
            out.push(p);
        }
    }
}

/// The news corpus: every line of prose in the repository's text files, repeated up to
/// `TARGET` bytes.
fn corpus() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for d in [
        "benches/data",
        "examples",
        "tests/data/extract",
        "tests/golden",
        "tests/data/tn-en",
    ] {
        files(&root.join(d), &mut paths);
    }
    let mut unit = String::new();
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let paired = p.starts_with(root.join("tests"));
        for line in text.lines() {
            if line.starts_with('#') || (paired && p.ends_with("README.md")) {
                continue;
            }
            let written = if paired {
                line.split(['\t', '~']).next().unwrap_or("")
            } else {
                line
            };
            unit.push_str(written);
            unit.push('\n');
        }
    }
    assert!(
        unit.len() > 10_000,
        "corpus sources missing: {} bytes",
        unit.len()
    );
    let mut out = String::with_capacity(TARGET + unit.len());
    while out.len() < TARGET {
        out.push_str(&unit);
    }
    if let Some(p) = std::env::var_os("NARRATOR_BENCH_CORPUS") {
        let _ = std::fs::write(p, &out);
    }
    out
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let opts = NormalizeOptions::default();
    let mut g = c.benchmark_group("normalize");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15))
        .throughput(Throughput::Bytes(corpus.len() as u64));
    // As `narrator normalize` does: one call per line.
    g.bench_function("news_corpus_per_line", |b| {
        b.iter(|| {
            corpus
                .lines()
                .map(|l| normalize(l, &opts).len())
                .sum::<usize>()
        })
    });
    // One line, no newline: 1 MiB and 10 MiB (time must grow ~10×, i.e. equal MB/s).
    let flat = corpus.replace('\n', " ");
    for mib in [1usize, 10] {
        let mut end = (mib * 1024 * 1024).min(flat.len());
        while !flat.is_char_boundary(end) {
            end -= 1;
        }
        let s = &flat[..end];
        g.throughput(Throughput::Bytes(s.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("single_line_no_newline_MiB", mib),
            s,
            |b, s| b.iter(|| normalize(s, &opts).len()),
        );
    }
    g.finish();

    let mut g = c.benchmark_group("speech_marks");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(corpus.len() as u64));
    g.bench_function("quote_spans_per_line", |b| {
        b.iter(|| corpus.lines().map(|l| quote_spans(l).len()).sum::<usize>())
    });
    let lex = Lexicon::builtin().expect("built-in lexicon");
    g.bench_function("builtin_lexicon_per_line", |b| {
        b.iter(|| {
            corpus
                .lines()
                .map(|l| lex.apply(l, ApplyOptions::default()).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// CPU seconds this thread has used (utime + stime from /proc; Linux only), so the
/// throughput can be read apart from other processes competing for the cores.
fn thread_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}

/// One measured pass over the input.
type Run<'a> = Box<dyn Fn() -> usize + 'a>;

/// Throughput per CPU second, printed before criterion's wall-clock numbers.
fn cpu_time_report() {
    let corpus = corpus();
    let opts = NormalizeOptions::default();
    let mb = corpus.len() as f64 / (1024.0 * 1024.0);
    let flat = corpus.replace('\n', " ");
    let runs: [(&str, Run); 2] = [
        (
            "normalize per line",
            Box::new(|| corpus.lines().map(|l| normalize(l, &opts).len()).sum()),
        ),
        (
            "normalize one 10 MiB line",
            Box::new(|| normalize(&flat, &opts).len()),
        ),
    ];
    for (name, f) in runs {
        let Some(t0) = thread_cpu_s() else {
            return;
        };
        let n = 3;
        let wall = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(f());
        }
        let Some(t1) = thread_cpu_s() else {
            return;
        };
        let wall = wall.elapsed().as_secs_f64();
        let cpu = (t1 - t0).max(0.01);
        println!(
            "cpu-time: {name}: {:.1} MiB/s per CPU second ({n} × {mb:.1} MiB in {cpu:.2} CPU s, \
             {wall:.2} s wall)",
            n as f64 * mb / cpu
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    cpu_time_report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
