//! Podcasting 2.0 JSON documents that an episode links from the feed: chapters
//! (`podcast:chapters`, the JSON Chapters format 1.2) and the JSON transcript
//! (`podcast:transcript type="application/json"`, the transcript format 1.0.0).
//!
//! Both are small, so they are rendered to strings; the caller writes them beside
//! the audio.

use serde_json::{json, Value};

use super::TimingMap;
use crate::audio::ChapterMark;

/// Version of the JSON Chapters format written.
pub const CHAPTERS_VERSION: &str = "1.2.0";
/// Version of the JSON transcript format written.
pub const TRANSCRIPT_VERSION: &str = "1.0.0";

/// Seconds, to the millisecond (what the chapter marks and cues are exact to).
fn secs(d: std::time::Duration) -> f64 {
    d.as_millis() as f64 / 1000.0
}

/// Seconds from a timing map, to the millisecond; never negative.
fn secs_f64(s: f64) -> f64 {
    if s.is_finite() {
        (s.max(0.0) * 1000.0).round() / 1000.0
    } else {
        0.0
    }
}

/// Podcasting 2.0 JSON chapters: `{"version":"1.2.0","chapters":[{"startTime":0,
/// "endTime":…,"title":"…"}]}`, in ascending start order as the format requires,
/// with the episode's `title` at the top when given.
pub fn chapters_json(chapters: &[ChapterMark], title: Option<&str>) -> String {
    let mut sorted: Vec<&ChapterMark> = chapters.iter().collect();
    sorted.sort_by_key(|c| c.start);
    let list: Vec<Value> = sorted
        .iter()
        .map(|c| {
            let mut o = json!({ "startTime": secs(c.start), "title": c.title });
            if c.end > c.start {
                o["endTime"] = json!(secs(c.end));
            }
            o
        })
        .collect();
    let mut doc = json!({ "version": CHAPTERS_VERSION, "chapters": list });
    if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
        doc["title"] = json!(t);
    }
    format!("{doc:#}\n")
}

/// The Podcasting 2.0 JSON transcript of a narration: one segment per timed
/// segment, `{"version":"1.0.0","segments":[{"startTime","endTime","body"}]}`, the
/// body being the text as written (what a reader follows along with).
///
/// The timing map's own JSON (`transcript::render(.., Json)`) is narrator's format,
/// not this one; a feed's `application/json` transcript should be this.
pub fn transcript_json(map: &TimingMap) -> String {
    let segments: Vec<Value> = map
        .segments
        .iter()
        .map(|s| {
            json!({
                "startTime": secs_f64(s.start),
                "endTime": secs_f64(s.end.max(s.start)),
                "body": s.written,
            })
        })
        .collect();
    format!(
        "{:#}\n",
        json!({ "version": TRANSCRIPT_VERSION, "segments": segments })
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::TimedSegment;
    use crate::script::SegmentKind;
    use std::time::Duration;

    fn mark(title: &str, start_ms: u64, end_ms: u64) -> ChapterMark {
        ChapterMark {
            title: title.into(),
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
        }
    }

    #[test]
    fn chapters_are_version_1_2_in_start_order() {
        let text = chapters_json(
            &[mark("Second", 4_250, 10_000), mark("Title \"A\"", 0, 4_250)],
            Some("Episode"),
        );
        let v: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["version"], "1.2.0");
        assert_eq!(v["title"], "Episode");
        let c = v["chapters"].as_array().expect("chapters array");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0]["title"], "Title \"A\"");
        assert_eq!(c[0]["startTime"].as_f64(), Some(0.0));
        assert_eq!(c[1]["startTime"].as_f64(), Some(4.25));
        assert_eq!(c[1]["endTime"].as_f64(), Some(10.0));
    }

    #[test]
    fn no_chapters_is_still_a_document() {
        let v: Value = serde_json::from_str(&chapters_json(&[], None)).expect("JSON");
        assert_eq!(v["chapters"].as_array().map(Vec::len), Some(0));
        assert!(v.get("title").is_none());
    }

    #[test]
    fn transcript_segments_use_the_written_text() {
        let map = TimingMap {
            sample_rate: 1000,
            duration: 3.0,
            segments: vec![TimedSegment {
                id: 0,
                kind: SegmentKind::Paragraph,
                written: "$5 now.".into(),
                spoken: "five dollars now.".into(),
                start: 0.5004,
                end: f64::NAN,
            }],
        };
        let v: Value = serde_json::from_str(&transcript_json(&map)).expect("JSON");
        assert_eq!(v["version"], "1.0.0");
        assert_eq!(v["segments"][0]["body"], "$5 now.");
        assert_eq!(v["segments"][0]["startTime"].as_f64(), Some(0.5));
        // A broken end time does not make invalid JSON (NaN) or a negative span.
        assert_eq!(v["segments"][0]["endTime"].as_f64(), Some(0.5));
    }
}
