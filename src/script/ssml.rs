//! SSML → Script: for a user who wants to say exactly how a text is read.
//!
//! Supported (SSML 1.1 subset):
//! - `speak` (root), `p`/`paragraph`, `s`/`sentence`: structure and their pauses;
//! - `break time="500ms|2s" strength="none|x-weak|weak|medium|strong|x-strong"`: an
//!   explicit silence after the text before it (it replaces the structural pause);
//! - `say-as interpret-as=` `date` (with `format` mdy/dmy/ymd/md/dm/ym/my/y),
//!   `time`, `cardinal`/`number`, `ordinal`, `characters`/`spell-out`, `telephone`:
//!   routed through the normalizer by building a string it reads that way;
//! - `sub alias=`: the alias is read;
//! - `phoneme alphabet="ipa" ph=`: a `[[ ph ]]` block for engines that take raw
//!   phonemes (Piper, in-process or its server), else the element's text;
//! - `voice name=`: set on the segments ([`super::Segment::voice`]); `narrate` reads
//!   them with that voice when it can load it, else with the run's voice;
//! - `prosody rate=` (x-slow … x-fast, `120%`, `+20%`, `1.2`): a per-segment rate
//!   multiplier; other prosody attributes are ignored;
//! - `emphasis`: read as its own segment with a short pause cue (`pauses.quote_ms`)
//!   before and after.
//!
//! Other elements (`lang`, `mark`, `audio`, `desc`, …) are transparent: their text is
//! read. A `break` before any text is dropped (a narration starts with speech).

use std::time::Duration;

use roxmltree::{Document, Node, NodeType};

use super::{split_sentences, Pauses, Script, ScriptOptions, Segment, SegmentKind};

/// Brackets a placeholder for a part whose spoken form is decided, inside the text
/// the sentence splitter reads: a capital (fullwidth X) so a sentence may start with
/// it, and a private-use closer. Both are replaced by spaces in the input's text.
const OPEN: char = '\u{FF38}';
const CLOSE: char = '\u{E001}';

/// Largest SSML input accepted, in bytes.
pub const MAX_SSML_BYTES: usize = 16 * 1024 * 1024;
/// Longest single `<break>`.
pub const MAX_BREAK: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum SsmlError {
    #[error("invalid SSML: {0}")]
    Xml(#[from] roxmltree::Error),
    #[error("invalid SSML: the root element is <{0}>, not <speak>")]
    NotSpeak(String),
    #[error("invalid SSML, line {line}: <{element} {attribute}=\"{value}\">: {reason}")]
    Attribute {
        line: u32,
        element: String,
        attribute: String,
        value: String,
        reason: &'static str,
    },
    #[error("SSML input is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
}

/// How to read SSML.
#[derive(Debug, Clone, Default)]
pub struct SsmlOptions {
    pub script: ScriptOptions,
    /// The engine takes raw phonemes in `[[ ]]` (Piper): `<phoneme>` is
    /// passed as IPA.
    pub raw_phonemes: bool,
}

/// A piece of a segment being built.
enum Part {
    /// Written text the normalizer will read.
    Plain(String),
    /// Written text with its spoken form already decided.
    Spoken { written: String, spoken: String },
}

struct Builder<'f> {
    pauses: Pauses,
    max_chars: usize,
    raw_phonemes: bool,
    speak: &'f dyn Fn(&str) -> String,
    parts: Vec<Part>,
    segments: Vec<Segment>,
    /// Whether the last segment's pause was set by a `<break>`.
    explicit: bool,
    rate: Vec<u32>,
    voice: Vec<String>,
    paragraph: usize,
}

impl Builder<'_> {
    /// Turn the pending parts into segments; `pause` after the last of them.
    ///
    /// The same order as an article's paragraphs: the written text is cut into
    /// sentences by the one splitter (with the normalizer's abbreviation table), then
    /// each sentence is normalized. Parts whose spoken form is decided already
    /// (`say-as`, `sub`, `phoneme`) ride along as placeholders the splitter sees as
    /// capitalized words.
    fn flush(&mut self, pause: Duration) {
        let mut probe = String::new();
        let mut decided: Vec<(String, String)> = Vec::new();
        for part in self.parts.drain(..) {
            match part {
                Part::Plain(w) => join_words(&mut probe, &w.replace([OPEN, CLOSE], " ")),
                Part::Spoken { written, spoken } => {
                    join_words(&mut probe, &format!("{OPEN}{}{CLOSE}", decided.len()));
                    decided.push((written, spoken));
                }
            }
        }
        let probe = super::collapse_ws(&probe);
        let mut pieces: Vec<(String, String)> = Vec::new();
        for piece in split_sentences(&probe, self.max_chars) {
            let (written, spoken) = self.read_piece(&piece, &decided);
            let spoken = super::collapse_ws(&spoken);
            if !spoken.chars().any(char::is_alphanumeric) {
                continue;
            }
            let written = super::collapse_ws(&written);
            if spoken.chars().count() > self.max_chars {
                // Read longer than the engine takes: cut the spoken text itself.
                let mut cut = Vec::new();
                super::cut_long(&spoken, self.max_chars, &mut cut);
                pieces.extend(cut.into_iter().map(|c| (c.clone(), c)));
            } else {
                pieces.push((written, spoken));
            }
        }
        if pieces.is_empty() {
            self.structural_pause(pause);
            return;
        }
        let n = pieces.len();
        let rate = self.rate.last().copied().filter(|&r| r != 100);
        for (k, (written, spoken)) in pieces.into_iter().enumerate() {
            let mut seg =
                Segment::new(self.segments.len(), SegmentKind::Paragraph, written, spoken);
            seg.block = Some(self.paragraph);
            seg.pause_after = if k + 1 == n {
                pause
            } else {
                Duration::from_millis(self.pauses.sentence_ms)
            };
            seg.rate_percent = rate;
            seg.voice = self.voice.last().cloned();
            self.segments.push(seg);
        }
        self.explicit = false;
    }

    /// One sentence of the probe text: its written form and its spoken form (plain
    /// runs normalized, decided parts put back).
    fn read_piece(&self, piece: &str, decided: &[(String, String)]) -> (String, String) {
        let mut written = String::new();
        let mut spoken = String::new();
        let mut rest = piece;
        loop {
            let Some(open) = rest.find(OPEN) else {
                join_words(&mut written, rest);
                join_words(&mut spoken, &(self.speak)(rest));
                break;
            };
            let (plain, after) = rest.split_at(open);
            join_words(&mut written, plain);
            join_words(&mut spoken, &(self.speak)(plain));
            let after = &after[OPEN.len_utf8()..];
            let close = after.find(CLOSE).unwrap_or(after.len());
            if let Some((w, s)) = after[..close]
                .parse::<usize>()
                .ok()
                .and_then(|k| decided.get(k))
            {
                join_words(&mut written, w);
                join_words(&mut spoken, s);
            }
            rest = after.get(close + CLOSE.len_utf8()..).unwrap_or("");
        }
        (written, spoken)
    }

    /// A structural pause (end of sentence or paragraph) with no new text: lengthen
    /// the last segment's pause, unless a `<break>` set it.
    fn structural_pause(&mut self, pause: Duration) {
        if self.explicit {
            return;
        }
        if let Some(last) = self.segments.last_mut() {
            last.pause_after = last.pause_after.max(pause);
        }
    }

    fn plain(&mut self, text: &str) {
        match self.parts.last_mut() {
            Some(Part::Plain(s)) => s.push_str(text),
            _ => self.parts.push(Part::Plain(text.to_string())),
        }
    }

    fn spoken(&mut self, written: &str, spoken: String) {
        self.parts.push(Part::Spoken {
            written: written.to_string(),
            spoken,
        });
    }
}

/// Append `next` to `acc`, with a space if a word would otherwise run into another.
fn join_words(acc: &mut String, next: &str) {
    if acc.chars().next_back().is_some_and(char::is_alphanumeric)
        && next.chars().next().is_some_and(char::is_alphanumeric)
    {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Build a script from an SSML document; `speak` turns written text into spoken
/// text (the lexicon and normalizer), and is also used for `say-as`.
pub fn script_from_ssml(
    xml: &str,
    opts: &SsmlOptions,
    speak: impl Fn(&str) -> String,
) -> Result<Script, SsmlError> {
    if xml.len() > MAX_SSML_BYTES {
        return Err(SsmlError::TooLarge {
            size: xml.len(),
            limit: MAX_SSML_BYTES,
        });
    }
    let doc = Document::parse(xml)?;
    let root = doc.root_element();
    if root.tag_name().name() != "speak" {
        return Err(SsmlError::NotSpeak(root.tag_name().name().to_string()));
    }
    let mut b = Builder {
        pauses: opts.script.pauses,
        max_chars: opts.script.max_chars.max(16),
        raw_phonemes: opts.raw_phonemes,
        speak: &speak,
        parts: Vec::new(),
        segments: Vec::new(),
        explicit: false,
        rate: Vec::new(),
        voice: Vec::new(),
        paragraph: 0,
    };
    walk(&doc, root, &mut b)?;
    b.flush(Duration::ZERO);
    if let Some(last) = b.segments.last_mut() {
        last.pause_after = Duration::ZERO;
    }
    Ok(Script {
        segments: b.segments,
    })
}

fn line(doc: &Document, node: Node) -> u32 {
    doc.text_pos_at(node.range().start).row
}

fn bad_attr(doc: &Document, node: Node, attr: &str, reason: &'static str) -> SsmlError {
    SsmlError::Attribute {
        line: line(doc, node),
        element: node.tag_name().name().to_string(),
        attribute: attr.to_string(),
        value: node.attribute(attr).unwrap_or("").to_string(),
        reason,
    }
}

fn text_of(node: Node) -> String {
    node.descendants()
        .filter(|n| n.node_type() == NodeType::Text)
        .filter_map(|n| n.text())
        .collect()
}

fn walk(doc: &Document, node: Node, b: &mut Builder) -> Result<(), SsmlError> {
    for child in node.children() {
        match child.node_type() {
            NodeType::Text => b.plain(child.text().unwrap_or("")),
            NodeType::Element => element(doc, child, b)?,
            _ => {}
        }
    }
    Ok(())
}

fn element(doc: &Document, node: Node, b: &mut Builder) -> Result<(), SsmlError> {
    let ms = Duration::from_millis;
    match node.tag_name().name() {
        "p" | "paragraph" => {
            b.flush(ms(b.pauses.sentence_ms));
            walk(doc, node, b)?;
            b.flush(ms(b.pauses.paragraph_ms));
            b.paragraph += 1;
        }
        "s" | "sentence" => {
            b.flush(ms(b.pauses.sentence_ms));
            walk(doc, node, b)?;
            b.flush(ms(b.pauses.sentence_ms));
        }
        "break" => {
            let pause = break_length(doc, node)?;
            let before = b.segments.len();
            b.flush(pause);
            if b.segments.len() == before {
                // No new text since the last segment: the break follows it.
                if let Some(last) = b.segments.last_mut() {
                    last.pause_after = pause;
                }
            }
            b.explicit = true;
        }
        "say-as" => {
            let text = text_of(node);
            let interpret = node
                .attribute("interpret-as")
                .ok_or_else(|| bad_attr(doc, node, "interpret-as", "missing"))?;
            let spoken = say_as(interpret, node.attribute("format"), &text, b.speak);
            b.spoken(&text, spoken);
        }
        "sub" => {
            let text = text_of(node);
            let alias = node
                .attribute("alias")
                .ok_or_else(|| bad_attr(doc, node, "alias", "missing"))?;
            let spoken = (b.speak)(alias);
            b.spoken(&text, spoken);
        }
        "phoneme" => {
            let text = text_of(node);
            let ipa = node.attribute("alphabet").is_none_or(|a| a == "ipa");
            match node.attribute("ph").filter(|p| !p.trim().is_empty()) {
                Some(ph) if ipa && b.raw_phonemes => {
                    // `]]` inside would end the block early.
                    let ph = ph.replace("]]", "");
                    b.spoken(&text, format!("[[ {} ]]", ph.trim()));
                }
                _ => {
                    let spoken = (b.speak)(&text);
                    b.spoken(&text, spoken);
                }
            }
        }
        "voice" => {
            b.flush(Duration::ZERO);
            let name = node
                .attribute("name")
                .map(str::to_string)
                .or_else(|| b.voice.last().cloned());
            b.voice.push(name.unwrap_or_default());
            walk(doc, node, b)?;
            b.flush(Duration::ZERO);
            b.voice.pop();
        }
        "prosody" => {
            let rate = match node.attribute("rate") {
                Some(r) => {
                    Some(rate_percent(r).ok_or_else(|| bad_attr(doc, node, "rate", "not a rate"))?)
                }
                None => None,
            };
            match rate {
                Some(r) => {
                    b.flush(Duration::ZERO);
                    let outer = b.rate.last().copied().unwrap_or(100);
                    b.rate.push((outer * r / 100).clamp(25, 400));
                    walk(doc, node, b)?;
                    b.flush(Duration::ZERO);
                    b.rate.pop();
                }
                None => walk(doc, node, b)?,
            }
        }
        "emphasis" => {
            let cue = ms(b.pauses.quote_ms);
            b.flush(cue);
            walk(doc, node, b)?;
            b.flush(cue);
        }
        "mark" | "desc" | "lexicon" | "meta" | "metadata" => {}
        _ => walk(doc, node, b)?,
    }
    Ok(())
}

fn break_length(doc: &Document, node: Node) -> Result<Duration, SsmlError> {
    if let Some(t) = node.attribute("time") {
        let t = t.trim();
        let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
            (n, 1.0)
        } else if let Some(n) = t.strip_suffix('s') {
            (n, 1000.0)
        } else {
            return Err(bad_attr(doc, node, "time", "expected e.g. 500ms or 2s"));
        };
        let v: f64 = num
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| bad_attr(doc, node, "time", "expected e.g. 500ms or 2s"))?;
        let d = Duration::from_millis((v * scale).round().min(MAX_BREAK.as_millis() as f64) as u64);
        return Ok(d.min(MAX_BREAK));
    }
    let ms = match node.attribute("strength").unwrap_or("medium") {
        "none" => 0,
        "x-weak" => 100,
        "weak" => 250,
        "medium" => 500,
        "strong" => 800,
        "x-strong" => 1200,
        _ => {
            return Err(bad_attr(
                doc,
                node,
                "strength",
                "not an SSML break strength",
            ))
        }
    };
    Ok(Duration::from_millis(ms))
}

/// SSML `rate` → percent of the normal rate.
fn rate_percent(r: &str) -> Option<u32> {
    let r = r.trim();
    let named = match r {
        "x-slow" => Some(50),
        "slow" => Some(75),
        "medium" | "default" => Some(100),
        "fast" => Some(125),
        "x-fast" => Some(150),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let pct = if let Some(p) = r.strip_suffix('%') {
        let v: f64 = p.trim_start_matches('+').parse().ok()?;
        if p.starts_with(['+', '-']) {
            100.0 + v
        } else {
            v
        }
    } else {
        let v: f64 = r.parse().ok()?;
        v * 100.0
    };
    (pct.is_finite() && pct > 0.0).then(|| pct.round().clamp(25.0, 400.0) as u32)
}

use crate::normalize::MONTHS;

/// The spoken form of `<say-as>`, built by handing the normalizer a string it reads
/// the intended way.
fn say_as(
    interpret: &str,
    format: Option<&str>,
    text: &str,
    speak: &dyn Fn(&str) -> String,
) -> String {
    let text = text.trim();
    let digits_only = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    match interpret {
        "cardinal" | "number" => match text.replace(',', "").parse::<u64>() {
            // Thousands separators make the normalizer read a cardinal, not a year.
            Ok(n) => speak(&group_thousands(n)),
            Err(_) => speak(text),
        },
        "ordinal" => match digits_only(text).parse::<u64>() {
            Ok(n) if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == ',') => {
                speak(&format!("{n}{}", ordinal_suffix(n)))
            }
            _ => speak(text),
        },
        "characters" | "spell-out" | "verbatim" => {
            let spaced: Vec<String> = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| c.to_string())
                .collect();
            speak(&spaced.join(" "))
        }
        "telephone" => {
            let mut groups: Vec<String> = Vec::new();
            let plus = text.starts_with('+');
            for g in text
                .split(|c: char| !c.is_ascii_digit())
                .filter(|g| !g.is_empty())
            {
                let spaced: Vec<String> = g.chars().map(|c| c.to_string()).collect();
                groups.push(speak(&spaced.join(" ")));
            }
            if groups.is_empty() {
                return speak(text);
            }
            let body = groups.join(", ");
            if plus {
                format!("plus {body}")
            } else {
                body
            }
        }
        "date" => match date_string(format.unwrap_or("mdy"), text) {
            Some(s) => speak(&s),
            None => speak(text),
        },
        _ => speak(text),
    }
}

fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ordinal_suffix(n: u64) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// A numeric date in SSML `format` order → "March 13, 2024" (which the normalizer reads).
fn date_string(format: &str, text: &str) -> Option<String> {
    let fields: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|f| !f.is_empty())
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if fields.len() != format.len() {
        return None;
    }
    let (mut d, mut m, mut y) = (None, None, None);
    for (c, v) in format.chars().zip(fields) {
        match c {
            'd' => d = Some(v),
            'm' => m = Some(v),
            'y' => y = Some(v),
            _ => return None,
        }
    }
    let month = match m {
        Some(m) => Some(*MONTHS.get((m as usize).checked_sub(1)?)?),
        None => None,
    };
    if d.is_some_and(|d| !(1..=31).contains(&d)) {
        return None;
    }
    Some(match (month, d, y) {
        (Some(m), Some(d), Some(y)) => format!("{m} {d}, {y}"),
        (Some(m), Some(d), None) => format!("{m} {d}"),
        (Some(m), None, Some(y)) => format!("{m} {y}"),
        (None, None, Some(y)) => format!("{y}"),
        (Some(m), None, None) => m.to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, NormalizeOptions};

    fn build(xml: &str, raw: bool) -> Script {
        let opts = SsmlOptions {
            raw_phonemes: raw,
            ..SsmlOptions::default()
        };
        script_from_ssml(xml, &opts, |s| normalize(s, &NormalizeOptions::default()))
            .expect("valid SSML")
    }

    fn spoken(s: &Script) -> Vec<&str> {
        s.segments.iter().map(|s| s.spoken.as_str()).collect()
    }

    #[test]
    fn say_as_routes_through_the_normalizer() {
        let s = build(
            r#"<speak>On <say-as interpret-as="date" format="dmy">13/03/2024</say-as> the
            <say-as interpret-as="ordinal">3</say-as> of <say-as interpret-as="cardinal">2024</say-as>
            agencies (<say-as interpret-as="characters">IAEA</say-as>) called
            <say-as interpret-as="telephone">+1-555-0100</say-as> at
            <say-as interpret-as="time">1:34 PM</say-as>.</speak>"#,
            false,
        );
        assert_eq!(
            spoken(&s),
            vec![
                "On March thirteenth, twenty twenty-four the third of two thousand twenty-four \
                 agencies (I A E A) called plus one, five five five, zero one zero zero at one \
                 thirty-four P M."
            ]
        );
    }

    #[test]
    fn breaks_paragraphs_and_sentences() {
        let s = build(
            r#"<speak><p><s>One.</s><s>Two.<break time="1.5s"/></s></p><p>Three. Four.<break strength="weak"/>Five</p></speak>"#,
            false,
        );
        let got: Vec<(&str, u128)> = s
            .segments
            .iter()
            .map(|s| (s.spoken.as_str(), s.pause_after.as_millis()))
            .collect();
        let p = Pauses::default();
        assert_eq!(
            got,
            vec![
                ("One.", u128::from(p.sentence_ms)),
                ("Two.", 1500),
                ("Three.", u128::from(p.sentence_ms)),
                ("Four.", 250),
                ("Five", 0),
            ]
        );
    }

    #[test]
    fn sub_phoneme_voice_prosody_emphasis() {
        let xml = r#"<speak xmlns="http://www.w3.org/2001/10/synthesis" version="1.1">
            <sub alias="World Health Organization">WHO</sub> says
            <phoneme alphabet="ipa" ph="kɪjiw">Kyiv</phoneme> is safe.
            <voice name="en_GB-alan-medium"><prosody rate="120%">Quickly now.</prosody></voice>
            <prosody rate="slow">Slowly.</prosody> It is <emphasis>very</emphasis> late.</speak>"#;
        let plain = build(xml, false);
        assert_eq!(
            spoken(&plain),
            vec![
                "World Health Organization says Kyiv is safe.",
                "Quickly now.",
                "Slowly.",
                "It is",
                "very",
                "late."
            ]
        );
        assert_eq!(plain.segments[1].rate_percent, Some(120));
        assert_eq!(
            plain.segments[1].voice.as_deref(),
            Some("en_GB-alan-medium")
        );
        assert_eq!(plain.segments[2].rate_percent, Some(75));
        assert_eq!(plain.segments[2].voice, None);
        let cue = Pauses::default().quote_ms;
        assert_eq!(plain.segments[3].pause_after.as_millis(), u128::from(cue));
        assert_eq!(plain.segments[4].pause_after.as_millis(), u128::from(cue));
        let raw = build(xml, true);
        assert_eq!(
            raw.segments[0].spoken,
            "World Health Organization says [[ kɪjiw ]] is safe."
        );
        assert_eq!(raw.segments[0].written, "WHO says Kyiv is safe.");
    }

    #[test]
    fn errors_are_typed_and_located() {
        let opts = SsmlOptions::default();
        let id = |s: &str| s.to_string();
        let e = script_from_ssml("<speak><p>unclosed</speak>", &opts, id).expect_err("bad xml");
        assert!(matches!(e, SsmlError::Xml(_)));
        let e = script_from_ssml("<html/>", &opts, id).expect_err("not speak");
        assert!(e.to_string().contains("<html>"));
        let e = script_from_ssml("<speak>\na<break time=\"soon\"/></speak>", &opts, id)
            .expect_err("bad time")
            .to_string();
        assert!(e.contains("line 2") && e.contains("soon"), "{e}");
        let e = script_from_ssml(
            "<speak><prosody rate=\"zippy\">a</prosody></speak>",
            &opts,
            id,
        )
        .expect_err("bad rate");
        assert!(matches!(e, SsmlError::Attribute { .. }));
    }

    #[test]
    fn rates_and_dates() {
        assert_eq!(rate_percent("+20%"), Some(120));
        assert_eq!(rate_percent("-10%"), Some(90));
        assert_eq!(rate_percent("1.5"), Some(150));
        assert_eq!(rate_percent("x-fast"), Some(150));
        assert_eq!(rate_percent("0%"), None);
        assert_eq!(
            date_string("ymd", "2024-03-13").as_deref(),
            Some("March 13, 2024")
        );
        assert_eq!(date_string("md", "3/13").as_deref(), Some("March 13"));
        assert_eq!(date_string("mdy", "13/13/2024"), None);
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
