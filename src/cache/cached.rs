//! An engine that answers from the segment cache when it can.

use super::{Key, SegmentCache};
use crate::cancel::CancelToken;
use crate::engine::{
    Engine, EngineError, EngineIdentity, EngineInfo, Pcm, SynthesisSettings, Synthesized,
};

/// `inner` behind `cache`: a segment whose key (the inner engine's fingerprint, the
/// settings, the exact text) is in the cache is replayed; any other is synthesized by
/// `inner` and stored. Identity and info are the inner engine's, so the pipeline
/// decides everything (lexicon IPA, script sizes) as it would without the cache.
pub struct CachedEngine<'a> {
    inner: &'a dyn Engine,
    cache: &'a SegmentCache,
    fingerprint: String,
}

impl<'a> CachedEngine<'a> {
    pub fn new(inner: &'a dyn Engine, cache: &'a SegmentCache) -> Self {
        Self {
            fingerprint: inner.identity().fingerprint,
            inner,
            cache,
        }
    }

    /// The key `text` with `settings` has in the cache.
    pub fn key(&self, text: &str, settings: &SynthesisSettings) -> Key {
        Key::new(&self.fingerprint, settings, text)
    }
}

impl Engine for CachedEngine<'_> {
    fn info(&self) -> EngineInfo {
        self.inner.info()
    }

    fn identity(&self) -> EngineIdentity {
        self.inner.identity()
    }

    fn synthesize(&self, text: &str, settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        self.synthesize_segment(text, settings, &CancelToken::new())
            .map(|s| s.pcm)
    }

    fn synthesize_with(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &CancelToken,
    ) -> Result<Pcm, EngineError> {
        self.synthesize_segment(text, settings, cancel)
            .map(|s| s.pcm)
    }

    fn synthesize_segment(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &CancelToken,
    ) -> Result<Synthesized, EngineError> {
        if cancel.is_canceled() {
            return Err(EngineError::Canceled);
        }
        let key = self.key(text, settings);
        if let Some(pcm) = self.cache.get(&key) {
            return Ok(Synthesized { pcm, cached: true });
        }
        let fresh = self.inner.synthesize_segment(text, settings, cancel)?;
        // The narration goes on without the cache when it cannot be written.
        if let Err(e) = self.cache.put(&key, &fresh.pcm) {
            self.cache.write_failed(&e);
        }
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts its calls; says each text as one sample per character.
    struct Counting(AtomicUsize);
    impl Engine for Counting {
        fn info(&self) -> EngineInfo {
            EngineInfo {
                engine: "counting".into(),
                voice: "v".into(),
                sample_rate: 8_000,
                max_chars: 100,
            }
        }
        fn synthesize(&self, text: &str, s: &SynthesisSettings) -> Result<Pcm, EngineError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            if text.contains("fail") {
                return Err(EngineError::Synthesis("asked to".into()));
            }
            Ok(Pcm::new(8_000, vec![s.rate; text.chars().count()]))
        }
    }

    #[test]
    fn a_hit_skips_the_engine_and_a_miss_fills_the_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SegmentCache::open(dir.path(), super::super::DEFAULT_MAX_BYTES);
        let inner = Counting(AtomicUsize::new(0));
        let engine = CachedEngine::new(&inner, &cache);
        let settings = SynthesisSettings::default();
        let cancel = CancelToken::new();
        let first = engine
            .synthesize_segment("Hello.", &settings, &cancel)
            .expect("synthesize");
        assert!(!first.cached);
        let again = engine
            .synthesize_segment("Hello.", &settings, &cancel)
            .expect("replay");
        assert!(again.cached);
        assert_eq!(again.pcm, first.pcm);
        assert_eq!(inner.0.load(Ordering::SeqCst), 1);

        // Other settings are another entry.
        let faster = SynthesisSettings {
            rate: 1.5,
            ..settings.clone()
        };
        let fast = engine
            .synthesize_segment("Hello.", &faster, &cancel)
            .expect("synthesize");
        assert!(!fast.cached);
        assert_eq!(fast.pcm.samples[0], 1.5);
        assert_eq!(inner.0.load(Ordering::SeqCst), 2);

        // Failures are not cached; a canceled call reaches neither.
        assert!(engine.synthesize("fail", &settings).is_err());
        assert!(engine.synthesize("fail", &settings).is_err());
        assert_eq!(inner.0.load(Ordering::SeqCst), 4);
        cancel.cancel();
        assert!(matches!(
            engine.synthesize_with("Hello.", &settings, &cancel),
            Err(EngineError::Canceled)
        ));
        assert_eq!(engine.identity(), inner.identity());
        assert_eq!(engine.info(), inner.info());
    }

    #[test]
    fn an_unwritable_cache_still_narrates() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A file where the cache directory should be.
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"x").expect("write");
        let cache = SegmentCache::open(&blocked, super::super::DEFAULT_MAX_BYTES);
        let inner = Counting(AtomicUsize::new(0));
        let engine = CachedEngine::new(&inner, &cache);
        let settings = SynthesisSettings::default();
        for _ in 0..2 {
            let pcm = engine.synthesize("Hi.", &settings).expect("synthesize");
            assert_eq!(pcm.samples.len(), 3);
        }
        assert_eq!(inner.0.load(Ordering::SeqCst), 2);
    }
}
