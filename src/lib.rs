//! narrator: news article → narrated audio.
//!
//! Data flows one way through the stages, one module each:
//! `source` (fetch/read) → `extract` (HTML → [`extract::Article`]) →
//! `normalize` (written → spoken text) → `script` (article → ordered segments) →
//! `engine` (segment → PCM) → `audio` (master, join, encode, tag) → `publish`
//! (transcripts). [`cache`] keeps the engine's audio per segment, so a re-narration
//! synthesizes only what changed.

pub(crate) mod atomic;
pub mod audio;
pub mod batch;
pub mod cache;
pub mod cancel;
pub mod config;
pub mod engine;
pub mod extract;
pub mod normalize;
pub mod pipeline;
pub mod plan;
pub mod publish;
pub mod script;
#[cfg(feature = "server")]
pub mod server;
pub mod source;
pub mod voices;
