//! One cache entry on disk: a fixed header, then the engine's samples exactly as it
//! returned them (f32, little-endian), so a replayed segment is sample-identical.
//!
//! ```text
//! offset size
//!      0    4  magic "NSEG"
//!      4    2  format version (key::FORMAT_VERSION), u16 LE
//!      6    2  sample format: 1 = f32 LE
//!      8   32  the key (an entry copied under another name is not trusted)
//!     40    4  sample rate, u32 LE
//!     44    8  sample count, u64 LE
//!     52   32  SHA-256 of bytes 0..52 followed by the samples
//!     84       samples
//! ```

use sha2::{Digest, Sha256};

use super::key::{Key, FORMAT_VERSION};
use crate::engine::Pcm;

const MAGIC: &[u8; 4] = b"NSEG";
const SAMPLE_F32_LE: u16 = 1;
/// Bytes before the samples.
pub(crate) const HEADER_LEN: usize = 84;
const CHECKSUM_AT: usize = 52;

/// Why an entry's bytes are not a valid entry for the key looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Corrupt {
    #[error("{0} bytes, shorter than the header")]
    Short(usize),
    #[error("not a segment cache entry")]
    Magic,
    #[error("format version {0}, not {FORMAT_VERSION}")]
    Version(u16),
    #[error("unknown sample format {0}")]
    SampleFormat(u16),
    #[error("written for another key")]
    Key,
    #[error("{samples} samples need {want} bytes, the file has {have}")]
    Length {
        samples: u64,
        want: u64,
        have: usize,
    },
    #[error("checksum mismatch")]
    Checksum,
}

/// The bytes of the entry for `key` holding `pcm`.
pub fn encode(key: &Key, pcm: &Pcm) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + pcm.samples.len() * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&SAMPLE_F32_LE.to_le_bytes());
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&pcm.sample_rate.to_le_bytes());
    out.extend_from_slice(&(pcm.samples.len() as u64).to_le_bytes());
    let mut samples = Vec::with_capacity(pcm.samples.len() * 4);
    for s in &pcm.samples {
        samples.extend_from_slice(&s.to_le_bytes());
    }
    let sum = checksum(&out, &samples);
    out.extend_from_slice(&sum);
    out.extend_from_slice(&samples);
    out
}

/// The audio in `bytes`, if they are a whole, intact entry for `key`.
pub fn decode(key: &Key, bytes: &[u8]) -> Result<Pcm, Corrupt> {
    let (header, samples) = bytes
        .split_at_checked(HEADER_LEN)
        .ok_or(Corrupt::Short(bytes.len()))?;
    let u16_at = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
    if &header[0..4] != MAGIC {
        return Err(Corrupt::Magic);
    }
    if u16_at(4) != FORMAT_VERSION {
        return Err(Corrupt::Version(u16_at(4)));
    }
    if u16_at(6) != SAMPLE_F32_LE {
        return Err(Corrupt::SampleFormat(u16_at(6)));
    }
    if header[8..40] != key.0 {
        return Err(Corrupt::Key);
    }
    let mut rate = [0u8; 4];
    rate.copy_from_slice(&header[40..44]);
    let mut count = [0u8; 8];
    count.copy_from_slice(&header[44..52]);
    let count = u64::from_le_bytes(count);
    let want = count
        .checked_mul(4)
        .and_then(|n| n.checked_add(HEADER_LEN as u64));
    if want != Some(bytes.len() as u64) {
        return Err(Corrupt::Length {
            samples: count,
            want: want.unwrap_or(u64::MAX),
            have: bytes.len(),
        });
    }
    if checksum(&header[..CHECKSUM_AT], samples)[..] != header[CHECKSUM_AT..] {
        return Err(Corrupt::Checksum);
    }
    let samples = samples
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok(Pcm::new(u32::from_le_bytes(rate), samples))
}

fn checksum(head: &[u8], samples: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(head);
    h.update(samples);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SynthesisSettings;

    fn key(text: &str) -> Key {
        Key::new("fp", &SynthesisSettings::default(), text)
    }

    fn pcm() -> Pcm {
        // Values a lossy store would change: -0.0, a subnormal, NaN, out of range.
        Pcm::new(
            22_050,
            vec![0.25, -0.0, f32::MIN_POSITIVE / 2.0, f32::NAN, 1.5, -1.0],
        )
    }

    fn bits(p: &Pcm) -> Vec<u32> {
        p.samples.iter().map(|s| s.to_bits()).collect()
    }

    #[test]
    fn round_trips_every_bit() {
        let bytes = encode(&key("a"), &pcm());
        assert_eq!(bytes.len(), HEADER_LEN + 6 * 4);
        let back = decode(&key("a"), &bytes).expect("valid entry");
        assert_eq!(back.sample_rate, 22_050);
        assert_eq!(bits(&back), bits(&pcm()));
        let empty = Pcm::new(16_000, Vec::new());
        let back = decode(&key("e"), &encode(&key("e"), &empty)).expect("empty entry");
        assert_eq!(back, empty);
    }

    #[test]
    fn every_truncation_is_rejected() {
        let bytes = encode(&key("a"), &pcm());
        for len in 0..bytes.len() {
            assert!(decode(&key("a"), &bytes[..len]).is_err(), "{len} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            decode(&key("a"), &longer),
            Err(Corrupt::Length { .. })
        ));
    }

    #[test]
    fn every_flipped_bit_is_rejected() {
        let bytes = encode(&key("a"), &pcm());
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                assert!(decode(&key("a"), &b).is_err(), "byte {i} bit {bit}");
            }
        }
    }

    #[test]
    fn an_entry_for_another_key_is_rejected() {
        let bytes = encode(&key("a"), &pcm());
        assert_eq!(decode(&key("b"), &bytes), Err(Corrupt::Key));
    }

    #[test]
    fn a_huge_sample_count_does_not_overflow() {
        let mut bytes = encode(&key("a"), &pcm());
        bytes[44..52].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            decode(&key("a"), &bytes),
            Err(Corrupt::Length { .. })
        ));
    }
}
