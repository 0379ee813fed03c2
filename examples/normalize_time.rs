//! Times `normalize` over a text file, one call per line (a quick profiling aid).
//! Run: cargo run --release --example normalize_time -- FILE
fn main() {
    let path = std::env::args().nth(1).expect("usage: normalize_time FILE");
    let text = std::fs::read_to_string(path).expect("read");
    let opts = narrator::normalize::NormalizeOptions::default();
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for line in text.lines() {
        n += narrator::normalize::normalize(line, &opts).len();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{:.1} MiB in {s:.2} s = {:.1} MiB/s ({n} bytes out)",
        text.len() as f64 / 1048576.0,
        text.len() as f64 / 1048576.0 / s
    );
}
