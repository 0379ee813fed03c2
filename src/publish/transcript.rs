//! Transcripts: one cue per segment (a sentence, or part of a long one), timed
//! from the samples actually written, so they are exact against the audio.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::PublishError;
use crate::audio::ChapterMark;
use crate::script::SegmentKind;

/// When one segment is heard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedSegment {
    pub id: usize,
    pub kind: SegmentKind,
    pub written: String,
    pub spoken: String,
    /// Seconds from the start of the file.
    pub start: f64,
    pub end: f64,
}

/// Every segment's place in the programme.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimingMap {
    pub sample_rate: u32,
    /// Whole programme, seconds.
    pub duration: f64,
    pub segments: Vec<TimedSegment>,
}

impl TimingMap {
    /// Chapters: each Title or Heading segment starts one, which runs to the next
    /// (the last to the end of the programme).
    pub fn chapters(&self) -> Vec<ChapterMark> {
        let only_disclosure_before = |id: usize| {
            self.segments
                .iter()
                .take_while(|s| s.id != id)
                .all(|s| s.kind == SegmentKind::Disclosure)
        };
        let starts: Vec<&TimedSegment> = self
            .segments
            .iter()
            .filter(|s| matches!(s.kind, SegmentKind::Title | SegmentKind::Heading))
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(i, s)| ChapterMark {
                title: s.written.clone(),
                // The first chapter takes in a disclosure said before the title.
                start: Duration::from_secs_f64(if i == 0 && only_disclosure_before(s.id) {
                    0.0
                } else {
                    s.start
                }),
                end: Duration::from_secs_f64(starts.get(i + 1).map_or(self.duration, |n| n.start)),
            })
            .collect()
    }
}

/// Transcript file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    Vtt,
    Srt,
    Json,
}

impl TranscriptFormat {
    pub fn from_path(path: &Path) -> Result<Self, PublishError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "vtt" => Ok(Self::Vtt),
            "srt" => Ok(Self::Srt),
            "json" => Ok(Self::Json),
            other => Err(PublishError::UnsupportedFormat(other.to_string())),
        }
    }
}

fn stamp(secs: f64, sep: char) -> String {
    let ms = (secs * 1000.0).round().max(0.0) as u64;
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// The transcript as text.
pub fn render(map: &TimingMap, format: TranscriptFormat) -> String {
    let mut out = String::new();
    match format {
        TranscriptFormat::Json => {
            // A map of plain strings and numbers always serializes.
            out = serde_json::to_string_pretty(map).unwrap_or_default();
            out.push('\n');
        }
        TranscriptFormat::Vtt => {
            out.push_str("WEBVTT\n\n");
            for s in &map.segments {
                out.push_str(&format!(
                    "{}\n{} --> {}\n{}\n\n",
                    s.id + 1,
                    stamp(s.start, '.'),
                    stamp(s.end, '.'),
                    s.written.replace("-->", "->")
                ));
            }
        }
        TranscriptFormat::Srt => {
            for (i, s) in map.segments.iter().enumerate() {
                out.push_str(&format!(
                    "{}\n{} --> {}\n{}\n\n",
                    i + 1,
                    stamp(s.start, ','),
                    stamp(s.end, ','),
                    s.written
                ));
            }
        }
    }
    out
}

/// A transcript written to a temp file beside its path, not yet in place.
pub struct PendingTranscript {
    path: std::path::PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl PendingTranscript {
    /// Rename it onto its path.
    pub fn persist(self) -> Result<(), PublishError> {
        let path = self.path;
        self.tmp.persist(&path).map_err(|e| PublishError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(())
    }
}

/// Write the transcript to a temp file beside `path` (so a bad path fails before
/// the audio is put in place); [`PendingTranscript::persist`] renames it.
pub fn prepare(path: &Path, map: &TimingMap) -> Result<PendingTranscript, PublishError> {
    let format = TranscriptFormat::from_path(path)?;
    let io = |source| PublishError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = crate::atomic::temp_beside(path, ".part").map_err(io)?;
    tmp.write_all(render(map, format).as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    Ok(PendingTranscript {
        path: path.to_path_buf(),
        tmp,
    })
}

/// Write the transcript atomically: a temp file beside `path`, renamed onto it.
pub fn write(path: &Path, map: &TimingMap) -> Result<(), PublishError> {
    prepare(path, map)?.persist()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> TimingMap {
        let seg = |id, kind, start, end| TimedSegment {
            id,
            kind,
            written: format!("S{id}"),
            spoken: format!("s{id}"),
            start,
            end,
        };
        TimingMap {
            sample_rate: 1000,
            duration: 10.0,
            segments: vec![
                seg(0, SegmentKind::Title, 0.0, 1.0),
                seg(1, SegmentKind::Paragraph, 1.5, 3.25),
                seg(2, SegmentKind::Heading, 4.0, 5.0),
                seg(3, SegmentKind::Paragraph, 5.5, 3661.001),
            ],
        }
    }

    #[test]
    fn vtt_and_srt_cues() {
        let vtt = render(&map(), TranscriptFormat::Vtt);
        assert!(vtt.starts_with("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nS0\n"));
        assert!(vtt.contains("00:00:05.500 --> 01:01:01.001\nS3"));
        let srt = render(&map(), TranscriptFormat::Srt);
        assert!(srt.contains("2\n00:00:01,500 --> 00:00:03,250\nS1\n"));
    }

    #[test]
    fn chapters_from_headings() {
        let c = map().chapters();
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].start, c[0].end),
            (Duration::ZERO, Duration::from_secs(4))
        );
        assert_eq!(c[1].title, "S2");
        assert_eq!(c[1].end, Duration::from_secs(10));
    }
}
