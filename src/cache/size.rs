//! Byte sizes as people type them (`500M`, `2G`, `1.5GiB`) and as they read them.

/// A size that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a size (examples: 500M, 2G, 1.5GiB, 1000000)")]
pub struct BadSize(pub String);

/// Parse a byte size: a number, optionally with a fraction, then an optional unit.
/// `K`, `M`, `G`, `T` and `KiB` … `TiB` are powers of 1024; `KB` … `TB` powers of
/// 1000; `B` or nothing is bytes. Case does not matter; a space may precede the unit.
pub fn parse_size(text: &str) -> Result<u64, BadSize> {
    let bad = || BadSize(text.to_string());
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(bad());
    }
    let unit = unit.trim_start().to_ascii_lowercase();
    let scale: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return Err(bad()),
    };
    match number.split_once('.') {
        None => number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .ok_or_else(bad),
        Some((_, frac)) if frac.contains('.') => Err(bad()),
        Some(_) => {
            let n: f64 = number.parse().map_err(|_| bad())?;
            let bytes = (n * scale as f64).round();
            // Below 2^64 (u64::MAX itself is not exactly representable).
            if bytes.is_finite() && bytes < 18_446_744_073_709_551_616.0 {
                Ok(bytes as u64)
            } else {
                Err(bad())
            }
        }
    }
}

/// `bytes` for people: `812 B`, `1.5 KiB`, `2.0 GiB`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_people_type() {
        for (text, bytes) in [
            ("0", 0),
            ("1000000", 1_000_000),
            ("512B", 512),
            ("500M", 500 << 20),
            ("500m", 500 << 20),
            ("2G", 2 << 30),
            ("2 GiB", 2 << 30),
            ("1.5GiB", 3 << 29),
            ("1.5g", 3 << 29),
            ("0.5K", 512),
            ("2GB", 2_000_000_000),
            ("10kb", 10_000),
            ("1T", 1 << 40),
            (" 3M ", 3 << 20),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn not_sizes() {
        for text in [
            "",
            "G",
            "-1G",
            "2X",
            "2 G B",
            "1..5G",
            "1.2.3M",
            ".5G",
            "5.G",
            "1e3",
            "2Gi",
            "99999999999999999999",
            "20000000000T",
            "NaN",
            "inf",
        ] {
            assert!(parse_size(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size(2 << 30), "2.0 GiB");
        assert_eq!(format_size(u64::MAX), "16384.0 PiB");
    }
}
