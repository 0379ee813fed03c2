//! Article → Script: the ordered segments a voice reads, each with the pause after it.
//!
//! Segments are sentences (long sentences are cut at clause or word boundaries under
//! the engine's input limit), so they can be synthesized concurrently and joined
//! with pauses that follow the article's structure: sentence < paragraph < heading.

pub mod ssml;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::extract::{Article, BlockKind};
use crate::normalize::quotes::{QuoteTracker, Span, SpanKind};

/// Pause lengths between segments, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pauses {
    pub sentence_ms: u64,
    pub paragraph_ms: u64,
    pub heading_ms: u64,
    /// Extra silence where a quotation starts or ends between segments (a newsreader's
    /// cue that someone else's words begin or end).
    pub quote_ms: u64,
}

impl Default for Pauses {
    fn default() -> Self {
        Self {
            sentence_ms: 250,
            paragraph_ms: 600,
            heading_ms: 900,
            quote_ms: 150,
        }
    }
}

/// What a segment is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// The spoken AI-narration disclosure at the start.
    Disclosure,
    Title,
    Byline,
    /// The publication date in the intro.
    Dateline,
    Heading,
    Paragraph,
    Quote,
    ListItem,
}

/// One unit of synthesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub id: usize,
    pub kind: SegmentKind,
    /// Index of the article block this segment came from (title/byline: none).
    pub block: Option<usize>,
    /// The text as written.
    pub written: String,
    /// The text the engine reads.
    pub spoken: String,
    /// Silence after this segment (structural, or explicit from SSML `<break>`).
    pub pause_after: Duration,
    /// The segment is quoted speech (the pipeline may read it in another voice).
    #[serde(default)]
    pub quote: bool,
    /// Per-segment speaking-rate multiplier in percent (SSML `<prosody rate>`), applied
    /// on top of the run's rate; None = 100 %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_percent: Option<u32>,
    /// Voice asked for by the input (SSML `<voice name>`); engines may ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
}

impl Segment {
    /// A plain segment (not quoted, no overrides).
    pub fn new(id: usize, kind: SegmentKind, written: String, spoken: String) -> Self {
        Segment {
            id,
            kind,
            block: None,
            written,
            spoken,
            pause_after: Duration::ZERO,
            quote: false,
            rate_percent: None,
            voice: None,
        }
    }
}

/// The ordered segments of one narration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    pub segments: Vec<Segment>,
}

/// How to build a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptOptions {
    pub pauses: Pauses,
    /// Read "<title>. By <author>. <date>." before the body.
    pub intro: bool,
    /// Longest segment, in characters (the engine's input limit).
    pub max_chars: usize,
    /// Cut sentences at the edges of quoted speech, so a quotation is a segment of its
    /// own (`"We agreed,"` | `Ushakov said.`) that could be read in another voice, with
    /// `pauses.quote_ms` around it. Off: a segment is a quote only if all of it is.
    pub split_quotes: bool,
    /// Read quoted speech in this voice (implies `split_quotes`): set on the quote
    /// segments as their [`Segment::voice`].
    pub quote_voice: Option<String>,
    /// Said first, before the intro: an AI-narration disclosure ("This audio was
    /// created with AI assistance.").
    pub disclosure: Option<String>,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        Self {
            pauses: Pauses::default(),
            intro: true,
            max_chars: 1_000,
            split_quotes: false,
            quote_voice: None,
            disclosure: None,
        }
    }
}

impl Script {
    /// Build the script of `article`, turning written text into spoken text with
    /// `speak` (the normalizer).
    pub fn build(article: &Article, opts: &ScriptOptions, speak: impl Fn(&str) -> String) -> Self {
        let p = opts.pauses;
        let ms = Duration::from_millis;
        let mut units: Vec<(SegmentKind, Option<usize>, String)> = Vec::new();
        if let Some(d) = opts
            .disclosure
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            units.push((SegmentKind::Disclosure, None, end_sentence(d)));
        }
        if opts.intro {
            units.extend(intro(article));
        }
        for (i, b) in article.blocks.iter().enumerate() {
            let kind = match b.kind {
                BlockKind::Heading => SegmentKind::Heading,
                BlockKind::Paragraph => SegmentKind::Paragraph,
                BlockKind::Quote => SegmentKind::Quote,
                BlockKind::ListItem => SegmentKind::ListItem,
            };
            units.push((kind, Some(i), b.text.clone()));
        }

        let mut segments: Vec<Segment> = Vec::new();
        let mut tracker = QuoteTracker::new();
        for (kind, block, text) in units {
            let text = collapse_ws(&text);
            if text.is_empty() {
                continue;
            }
            // A heading, title or byline ends any quotation left open.
            if !matches!(kind, SegmentKind::Paragraph | SegmentKind::Quote) {
                tracker.reset();
            }
            let quoted = speech_ranges(&text, &tracker.paragraph(&text));
            let pieces = split_sentences(&text, opts.max_chars.max(16));
            let pieces = locate(&text, pieces);
            let n = pieces.len();
            for (k, (at, written)) in pieces.into_iter().enumerate() {
                let parts = if opts.split_quotes || opts.quote_voice.is_some() {
                    split_at_quotes(&written, at, &quoted)
                } else {
                    let q = covered(at, at + written.len(), &written, &quoted);
                    vec![(written, q)]
                };
                let m = parts.len();
                for (j, (written, quote)) in parts.into_iter().enumerate() {
                    let spoken = collapse_ws(&speak(&written));
                    if !spoken.chars().any(char::is_alphanumeric) {
                        continue;
                    }
                    let last = k + 1 == n && j + 1 == m;
                    let pause_after = match (kind, last) {
                        (_, false) => ms(p.sentence_ms),
                        (
                            SegmentKind::Disclosure
                            | SegmentKind::Title
                            | SegmentKind::Heading
                            | SegmentKind::Byline
                            | SegmentKind::Dateline,
                            true,
                        ) => ms(p.heading_ms),
                        (_, true) => ms(p.paragraph_ms),
                    };
                    if let Some(prev) = segments.last_mut() {
                        if prev.quote != quote {
                            prev.pause_after += ms(p.quote_ms);
                        }
                    }
                    let mut seg = Segment::new(segments.len(), kind, written, spoken);
                    seg.block = block;
                    seg.pause_after = pause_after;
                    seg.quote = quote;
                    if quote {
                        seg.voice.clone_from(&opts.quote_voice);
                    }
                    segments.push(seg);
                }
            }
        }
        // No pause after the very end of the programme.
        if let Some(last) = segments.last_mut() {
            last.pause_after = Duration::ZERO;
        }
        Script { segments }
    }

    /// Total characters the engine will read.
    pub fn spoken_chars(&self) -> usize {
        self.segments.iter().map(|s| s.spoken.chars().count()).sum()
    }
}

/// Byte ranges of the outer quotations of `text` that read as speech.
fn speech_ranges(text: &str, spans: &[Span]) -> Vec<(usize, usize)> {
    spans
        .iter()
        .filter(|s| s.kind == SpanKind::Quote && s.depth == 0 && s.is_speech(text))
        .map(|s| (s.start, s.end))
        .collect()
}

/// Where each piece (a trimmed substring of `text`, in order) starts in `text`.
fn locate(text: &str, pieces: Vec<String>) -> Vec<(usize, String)> {
    let mut cursor = 0;
    pieces
        .into_iter()
        .map(|p| {
            let at = text
                .get(cursor..)
                .and_then(|rest| rest.find(p.as_str()))
                .map_or(cursor, |i| cursor + i);
            cursor = (at + p.len()).min(text.len());
            (at, p)
        })
        .collect()
}

/// Whether all letters and digits of `piece` (at bytes `start..end` of the block) lie
/// inside quoted speech. `quoted` is sorted and non-overlapping.
fn covered(start: usize, end: usize, piece: &str, quoted: &[(usize, usize)]) -> bool {
    // Only the ranges that reach into this piece matter.
    let from = quoted.partition_point(|&(_, e)| e <= start);
    let quoted = quoted.get(from..).unwrap_or(&[]);
    let mut r = 0;
    let mut any = false;
    for (i, c) in piece.char_indices() {
        if !c.is_alphanumeric() {
            continue;
        }
        any = true;
        let b = start + i;
        while quoted.get(r).is_some_and(|&(_, e)| e <= b) {
            r += 1;
        }
        if !quoted.get(r).is_some_and(|&(s, e)| s <= b && b < e) {
            return false;
        }
    }
    any && end > start
}

/// Cut `piece` (at byte `at` of the block) at the edges of quoted speech; each part
/// with whether it is quoted.
fn split_at_quotes(piece: &str, at: usize, quoted: &[(usize, usize)]) -> Vec<(String, bool)> {
    let end = at + piece.len();
    let from = quoted.partition_point(|&(_, e)| e <= at);
    let to = quoted.partition_point(|&(s, _)| s < end);
    let mut cuts: Vec<usize> = quoted
        .get(from..to.max(from))
        .unwrap_or(&[])
        .iter()
        .flat_map(|&(s, e)| [s, e])
        .filter(|&b| b > at && b < end)
        .map(|b| b - at)
        .filter(|&b| piece.is_char_boundary(b))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut parts = Vec::new();
    let mut last = 0;
    for c in cuts.into_iter().chain(std::iter::once(piece.len())) {
        let part = piece.get(last..c).unwrap_or("");
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let s = at + last + lead;
            parts.push((
                trimmed.to_string(),
                covered(s, s + trimmed.len(), trimmed, quoted),
            ));
        }
        last = c;
    }
    parts
}

/// The spoken intro from the article's metadata: "<title>. By <author>.
/// <date>." Each part is left out when the page did not give it; the date is
/// written out ("March 13, 2025") so the normalizer reads it as a date.
fn intro(article: &Article) -> Vec<(SegmentKind, Option<usize>, String)> {
    let mut units = Vec::new();
    if let Some(title) = article
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let first_is_title = article
            .blocks
            .first()
            .is_some_and(|b| b.kind == BlockKind::Heading && b.text.trim() == title);
        if !first_is_title {
            units.push((SegmentKind::Title, None, end_sentence(title)));
        }
    }
    if let Some(by) = article
        .byline
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let text = if by.to_ascii_lowercase().starts_with("by ") {
            by.to_string()
        } else {
            format!("By {by}")
        };
        units.push((SegmentKind::Byline, None, end_sentence(&text)));
    }
    if let Some(date) = article.published.as_deref().and_then(written_date) {
        units.push((SegmentKind::Dateline, None, format!("{date}.")));
    }
    units
}

/// `text` with a full stop unless it already ends a sentence.
fn end_sentence(text: &str) -> String {
    if text.ends_with(['.', '!', '?', '…']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// "2025-03-13", "2025-03-13T08:30:00Z" → "March 13, 2025". Anything that does
/// not start with a valid ISO 8601 calendar date → `None`.
pub fn written_date(iso: &str) -> Option<String> {
    use crate::normalize::MONTHS;
    let iso = iso.trim();
    let date = iso.get(..10)?;
    if iso.len() > 10 && !iso[10..].starts_with(['T', 't', ' ']) {
        return None;
    }
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) {
        return None;
    }
    let year: u32 = y.parse().ok()?;
    let month: usize = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if day == 0 || day > days || year == 0 {
        return None;
    }
    let name = MONTHS.get(month - 1)?;
    Some(format!("{name} {day}, {year}"))
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Split text into sentences, then cut any sentence longer than `max_chars` at a
/// clause boundary (`,;:` or a dash) or, failing that, a space.
pub fn split_sentences(text: &str, max_chars: usize) -> Vec<String> {
    let mut out = Vec::new();
    for s in sentences(text) {
        cut_long(&s, max_chars, &mut out);
    }
    out
}

fn sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Take the whole run of terminal punctuation and closing quotes/brackets.
            let mut j = i + 1;
            while j < chars.len()
                && matches!(
                    chars[j],
                    '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | ']' | '»'
                )
            {
                j += 1;
            }
            let at_end = j >= chars.len();
            let next_starts = !at_end
                && chars[j].is_whitespace()
                && chars[j..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| {
                        c.is_uppercase()
                            || c.is_numeric()
                            || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '«')
                    });
            if at_end
                || (next_starts && !(c == '.' && is_abbreviation(&chars[start..i], &chars[j..])))
            {
                let s: String = chars[start..j].iter().collect();
                let s = s.trim();
                if !s.is_empty() {
                    out.push(s.to_string());
                }
                start = j;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let rest: String = chars[start.min(chars.len())..].iter().collect();
    if !rest.trim().is_empty() {
        out.push(rest.trim().to_string());
    }
    out
}

/// Whether the word just before a period is an abbreviation or an initial (the
/// normalizer's table: [`crate::normalize::period_continues`]).
fn is_abbreviation(before: &[char], after: &[char]) -> bool {
    let text: String = before.iter().collect();
    let mut words = text.split_whitespace().rev();
    let word = words.next().unwrap_or("");
    let prev = words.next();
    // A capitalized word before it that does not start the sentence is a name.
    let after_name = prev.is_some_and(|p| {
        let mut cs = p.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
    }) && words.next().is_some();
    let next: String = after
        .iter()
        .skip_while(|c| c.is_whitespace())
        .take_while(|c| c.is_alphanumeric())
        .collect();
    crate::normalize::period_continues(
        word,
        after_name,
        (!next.is_empty()).then_some(next.as_str()),
    )
}

pub(crate) fn cut_long(s: &str, max_chars: usize, out: &mut Vec<String>) {
    let mut rest = s.trim();
    while rest.chars().count() > max_chars {
        // Byte index of the max_chars-th char.
        let limit = rest
            .char_indices()
            .nth(max_chars)
            .map_or(rest.len(), |(b, _)| b);
        let head = &rest[..limit];
        let cut = head
            .rfind([',', ';', ':', '—', '–'])
            .map(|b| b + head[b..].chars().next().map_or(1, char::len_utf8))
            .filter(|&b| b > limit / 3)
            .or_else(|| head.rfind(' ').filter(|&b| b > 0))
            .unwrap_or(limit);
        let (a, b) = rest.split_at(cut);
        if !a.trim().is_empty() {
            out.push(a.trim().to_string());
        }
        rest = b.trim_start();
    }
    if !rest.trim().is_empty() {
        out.push(rest.trim().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Block;

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        let s = split_sentences(
            "U.S. President Donald J. Trump spoke on Monday. \"We agreed,\" Ushakov said. Then Dr. Smith left! Why?",
            1000,
        );
        assert_eq!(
            s,
            vec![
                "U.S. President Donald J. Trump spoke on Monday.",
                "\"We agreed,\" Ushakov said.",
                "Then Dr. Smith left!",
                "Why?"
            ]
        );
    }

    #[test]
    fn a_road_extension_or_category_before_its_number_is_no_sentence_end() {
        let s = split_sentences(
            "Take Rt. 66 west. Call Ext. 204 today. The Cat. 4 storm hit. Then he left.",
            1000,
        );
        assert_eq!(
            s,
            vec![
                "Take Rt. 66 west.",
                "Call Ext. 204 today.",
                "The Cat. 4 storm hit.",
                "Then he left."
            ]
        );
    }

    #[test]
    fn cuts_long_sentences_under_the_limit() {
        let long = "word, ".repeat(100);
        for piece in split_sentences(&long, 50) {
            assert!(piece.chars().count() <= 50, "{piece}");
        }
        let unbroken = "x".repeat(120);
        let pieces = split_sentences(&unbroken, 50);
        assert_eq!(pieces.concat(), unbroken);
    }

    #[test]
    fn multibyte_text_never_panics() {
        let s = "Київ — це столиця. «Ми погодились», — сказав він… ".repeat(40);
        for piece in split_sentences(&s, 17) {
            assert!(piece.chars().count() <= 17);
        }
    }

    #[test]
    fn pauses_follow_structure() {
        let article = Article {
            title: Some("Title".into()),
            byline: Some("Jane Doe".into()),
            published: Some("2025-03-13T08:30:00+02:00".into()),
            blocks: vec![
                Block {
                    kind: BlockKind::Paragraph,
                    text: "One. Two.".into(),
                },
                Block {
                    kind: BlockKind::Heading,
                    text: "Section".into(),
                },
                Block {
                    kind: BlockKind::Paragraph,
                    text: "Three.".into(),
                },
            ],
            ..Default::default()
        };
        let p = Pauses {
            sentence_ms: 1,
            paragraph_ms: 2,
            heading_ms: 3,
            quote_ms: 0,
        };
        let opts = ScriptOptions {
            pauses: p,
            intro: true,
            max_chars: 100,
            split_quotes: false,
            quote_voice: None,
            disclosure: None,
        };
        let script = Script::build(&article, &opts, |s| s.to_string());
        let got: Vec<(&str, u128)> = script
            .segments
            .iter()
            .map(|s| (s.spoken.as_str(), s.pause_after.as_millis()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Title.", 3),
                ("By Jane Doe.", 3),
                ("March 13, 2025.", 3),
                ("One.", 1),
                ("Two.", 2),
                ("Section", 3),
                ("Three.", 0)
            ]
        );
    }

    fn para(text: &str) -> Block {
        Block {
            kind: BlockKind::Paragraph,
            text: text.into(),
        }
    }

    #[test]
    fn quotes_mark_segments_and_add_a_pause() {
        let article = Article {
            blocks: vec![
                para("“We will not retreat.” The so-called “peace plan” failed. “This is the first step."),
                para("“The second will follow.” Then he left."),
            ],
            ..Default::default()
        };
        let opts = ScriptOptions {
            pauses: Pauses {
                sentence_ms: 10,
                paragraph_ms: 20,
                heading_ms: 30,
                quote_ms: 5,
            },
            ..ScriptOptions::default()
        };
        let script = Script::build(&article, &opts, |s| s.to_string());
        let got: Vec<(&str, bool, u128)> = script
            .segments
            .iter()
            .map(|s| (s.written.as_str(), s.quote, s.pause_after.as_millis()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("“We will not retreat.”", true, 15),
                ("The so-called “peace plan” failed.", false, 15),
                ("“This is the first step.", true, 20),
                ("“The second will follow.”", true, 15),
                ("Then he left.", false, 0),
            ]
        );
    }

    #[test]
    fn split_quotes_cuts_at_quote_edges() {
        let article = Article {
            blocks: vec![para("\"Yes,\" she said, \"and no.\" Then she left.")],
            ..Default::default()
        };
        let opts = ScriptOptions {
            split_quotes: true,
            ..ScriptOptions::default()
        };
        let script = Script::build(&article, &opts, |s| s.to_string());
        let got: Vec<(&str, bool)> = script
            .segments
            .iter()
            .map(|s| (s.written.as_str(), s.quote))
            .collect();
        assert_eq!(
            got,
            vec![
                ("\"Yes,\"", true),
                ("she said,", false),
                ("\"and no.\"", true),
                ("Then she left.", false),
            ]
        );
        let q = Pauses::default().quote_ms;
        assert_eq!(
            script.segments[0].pause_after,
            Duration::from_millis(Pauses::default().sentence_ms + q)
        );
    }

    #[test]
    fn quote_voice_splits_and_marks_the_quotes() {
        let article = Article {
            blocks: vec![para("\"Yes,\" she said. Then she left.")],
            ..Default::default()
        };
        let opts = ScriptOptions {
            quote_voice: Some("en-gb".into()),
            ..ScriptOptions::default()
        };
        let script = Script::build(&article, &opts, |s| s.to_string());
        let got: Vec<(&str, Option<&str>)> = script
            .segments
            .iter()
            .map(|s| (s.written.as_str(), s.voice.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("\"Yes,\"", Some("en-gb")),
                ("she said.", None),
                ("Then she left.", None),
            ]
        );
    }

    #[test]
    fn intro_reads_title_author_and_date_through_the_normalizer() {
        let article = Article {
            title: Some("Kyiv prepares for winter".into()),
            byline: Some("By Olena Petrenko".into()),
            published: Some("2025-03-13".into()),
            blocks: vec![Block {
                kind: BlockKind::Paragraph,
                text: "Body.".into(),
            }],
            ..Default::default()
        };
        let script = Script::build(&article, &ScriptOptions::default(), |s| {
            crate::normalize::normalize(s, &crate::normalize::NormalizeOptions::default())
        });
        let spoken: Vec<&str> = script.segments.iter().map(|s| s.spoken.as_str()).collect();
        assert_eq!(spoken[0], "Kyiv prepares for winter.");
        assert_eq!(spoken[1], "By Olena Petrenko.");
        assert!(
            !spoken[2].chars().any(|c| c.is_ascii_digit()),
            "{}",
            spoken[2]
        );
        assert!(spoken[2].starts_with("March thirteenth"), "{}", spoken[2]);
        assert_eq!(script.segments[2].kind, SegmentKind::Dateline);
        let off = ScriptOptions {
            intro: false,
            ..ScriptOptions::default()
        };
        let script = Script::build(&article, &off, |s| s.to_string());
        assert_eq!(script.segments.len(), 1);
    }

    #[test]
    fn written_dates() {
        assert_eq!(
            written_date("2025-03-13").as_deref(),
            Some("March 13, 2025")
        );
        assert_eq!(
            written_date("2024-02-29T23:59:00Z").as_deref(),
            Some("February 29, 2024")
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "13 March 2025",
            "2025-03-1",
            "",
            "2025-03-13x",
            "२०२५-03-13",
        ] {
            assert_eq!(written_date(bad), None, "{bad}");
        }
    }
}
