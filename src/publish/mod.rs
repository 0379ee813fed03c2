//! What is published beside the audio: transcripts and the timing map, Podcasting
//! 2.0 JSON chapters and transcripts, and the podcast feed.

pub mod chapters;
pub mod feed;
pub mod transcript;

pub use transcript::{TimedSegment, TimingMap, TranscriptFormat};

/// Errors of the publish stage.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("unsupported transcript format '{0}' (use .vtt, .srt or .json)")]
    UnsupportedFormat(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}
