//! The cache key: a SHA-256 over a canonical serialization of everything that decides
//! what the engine returns for one segment.

use sha2::{Digest, Sha256};

use crate::engine::SynthesisSettings;

/// Bumped whenever the key serialization or the entry layout changes, so entries of
/// an older layout are never looked up.
pub const FORMAT_VERSION: u16 = 1;

/// The content address of one segment's audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(pub(crate) [u8; 32]);

impl Key {
    /// The key for `text` (exactly as the engine receives it, `[[ ipa ]]` blocks and
    /// all) read by the engine with `fingerprint` ([`crate::engine::EngineIdentity`])
    /// and `settings`. narrator's own version is in it too: the engine glue (espeak's
    /// post-processing, Piper's phonemizer, HTTP audio decoding) is narrator code.
    pub fn new(fingerprint: &str, settings: &SynthesisSettings, text: &str) -> Key {
        // Destructured so a new setting cannot be added without deciding its place
        // in the key.
        let SynthesisSettings {
            rate,
            speaker,
            noise_scale,
            noise_w,
        } = settings;
        let mut h = Sha256::new();
        h.update(b"narrator segment cache\0");
        h.update(FORMAT_VERSION.to_le_bytes());
        field(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
        field(&mut h, fingerprint.as_bytes());
        // Exact bits: 1.0 and 1.0000001 are different requests.
        h.update(rate.to_bits().to_le_bytes());
        match speaker {
            Some(s) => {
                h.update([1]);
                h.update(s.to_le_bytes());
            }
            None => h.update([0]),
        }
        for noise in [noise_scale, noise_w] {
            match noise {
                Some(n) => {
                    h.update([1]);
                    h.update(n.to_bits().to_le_bytes());
                }
                None => h.update([0]),
            }
        }
        field(&mut h, text.as_bytes());
        Key(h.finalize().into())
    }

    /// Lower-case hex, as the entry's file name.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A length-prefixed field, so no two different (fingerprint, text) pairs serialize
/// the same.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SynthesisSettings {
        SynthesisSettings {
            rate: 1.0,
            speaker: None,
            noise_scale: Some(0.0),
            noise_w: Some(0.0),
        }
    }

    #[test]
    fn same_inputs_same_key() {
        let a = Key::new("piper|model=ab", &settings(), "Hello there.");
        let b = Key::new("piper|model=ab", &settings(), "Hello there.");
        assert_eq!(a, b);
        assert_eq!(a.hex().len(), 64);
        assert!(a
            .hex()
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn every_input_changes_the_key() {
        let base = Key::new("fp", &settings(), "text");
        let mut variants = vec![
            Key::new("fp2", &settings(), "text"),
            Key::new("fp", &settings(), "text "),
            Key::new("fp", &settings(), "[[ tɛkst ]]"),
            // Field boundaries are not ambiguous.
            Key::new("fpt", &settings(), "ext"),
        ];
        let tweaks: [fn(&mut SynthesisSettings); 9] = [
            |s| s.rate = 1.0 + f32::EPSILON,
            |s| s.speaker = Some(0),
            |s| s.speaker = Some(1),
            |s| s.noise_scale = None,
            |s| s.noise_scale = Some(0.667),
            |s| s.noise_w = None,
            // -0.0 has other bits than 0.0: a miss, never a wrong hit.
            |s| s.noise_w = Some(-0.0),
            // The same value in the other noise field.
            |s| {
                s.noise_scale = Some(0.5);
                s.noise_w = None;
            },
            |s| {
                s.noise_scale = None;
                s.noise_w = Some(0.5);
            },
        ];
        for tweak in tweaks {
            let mut s = settings();
            tweak(&mut s);
            variants.push(Key::new("fp", &s, "text"));
        }
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(*v, base, "variant {i}");
            for (j, w) in variants.iter().enumerate().skip(i + 1) {
                assert_ne!(v, w, "variants {i} and {j}");
            }
        }
    }
}
