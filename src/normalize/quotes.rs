//! Quoted speech: where quotations and their attributions are in a paragraph.
//!
//! A newsreader changes voice for a quotation and pauses a little around it; the script
//! stage needs to know where quotes are to do the same. [`quote_spans`] finds them in one
//! paragraph, [`quote_spans_paragraphs`] across paragraphs (news style: a quote that runs
//! over several paragraphs has no closing mark at the end of each paragraph, and each
//! following paragraph opens with a quote mark again).
//!
//! Recognised marks:
//! - curly doubles `“…”`, low-high `„…“`, straight `"…"` (open/close by context);
//! - guillemets `«…»` and, nested, `‹…›`;
//! - single quotes `‘…’` / `'…'` **only inside a double quotation** (a nested quote), so
//!   that apostrophes ("Ukraine's", "'90s", "rock 'n' roll") are never taken for quotes.
//!   British-style single primary quotes are not recognised.
//!
//! All offsets are **byte offsets** into the string that was scanned (always on `char`
//! boundaries). The scan is one pass; nested single quotes look ahead at most
//! [`NESTED_LOOKAHEAD`] characters, so the whole scan is linear.

use serde::Serialize;

/// What a span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// A quotation, marks included.
    Quote,
    /// The words that say who spoke ("Ushakov said", "Peskov told reporters:").
    Attribution,
}

/// A quotation or attribution in a paragraph: bytes `start..end` of the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: SpanKind,
    /// 0 for an outer quotation, 1 for a quote inside it, …; 0 for attributions.
    pub depth: u8,
    /// The closing mark was found. An unclosed quote runs to the end of the paragraph.
    pub closed: bool,
    /// This quote continues one left open at the end of the previous paragraph.
    pub continued: bool,
}

impl Span {
    /// The spanned text (empty if `text` is not the string the span was found in).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Whether this quote reads as speech rather than a scare quote or a title
    /// (`so-called "peace plan"`): four words or more, or clause punctuation inside,
    /// or a continued or unclosed (multi-paragraph) quotation.
    pub fn is_speech(&self, text: &str) -> bool {
        if self.kind != SpanKind::Quote {
            return false;
        }
        if self.continued || !self.closed {
            return true;
        }
        let inner = self.text(text);
        let words = inner.split_whitespace().count();
        let inner = inner.trim_end_matches(is_quote_mark);
        words >= 4 || inner.ends_with([',', '.', '!', '?', '…', ':', ';'])
    }
}

/// Deepest quote nesting tracked; further opening marks are ignored.
pub const MAX_DEPTH: usize = 6;

/// How far ahead a nested single opening quote looks for its closing mark.
pub const NESTED_LOOKAHEAD: usize = 400;

/// Whether `c` is any quotation mark this module knows.
pub fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '«' | '»' | '‹' | '›' | '‘' | '’' | '\''
    )
}

fn is_opening_context(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':' | '"' | '“' | '„' | '«' | '‹'
                )
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Curly,    // “ … ”
    Low,      // „ … “
    Straight, // " … "
    Guillemet,
    SingleCurly,
    SingleStraight,
    SingleGuillemet,
}

impl Open {
    fn is_double(self) -> bool {
        matches!(
            self,
            Open::Curly | Open::Low | Open::Straight | Open::Guillemet
        )
    }
}

/// Quote spans of one paragraph, plus whether a quotation is still open at its end.
fn scan(text: &str, continuing: bool) -> (Vec<Span>, bool) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut stack: Vec<(Open, usize, usize)> = Vec::new(); // (kind, start byte, span index)
    let mut spans: Vec<Span> = Vec::new();
    let first_mark = chars
        .iter()
        .position(|(_, c)| !c.is_whitespace())
        .filter(|&p| chars.get(p).is_some_and(|&(_, c)| is_quote_mark(c)));
    for (k, &(b, c)) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).and_then(|p| chars.get(p)).map(|x| x.1);
        let next = chars.get(k + 1).map(|x| x.1);
        let end = b + c.len_utf8();
        let in_double = stack.iter().any(|(o, _, _)| o.is_double());
        let open = |stack: &mut Vec<(Open, usize, usize)>, spans: &mut Vec<Span>, kind: Open| {
            // Deeper nesting is not real prose; ignoring it keeps every step O(1).
            if stack.len() >= MAX_DEPTH {
                return;
            }
            let depth = u8::try_from(stack.len()).unwrap_or(u8::MAX);
            spans.push(Span {
                start: b,
                end: text.len(),
                kind: SpanKind::Quote,
                depth,
                closed: false,
                continued: continuing && depth == 0 && first_mark == Some(k),
            });
            stack.push((kind, b, spans.len() - 1));
        };
        // Close everything from the innermost out to the innermost entry matching `want`.
        let close = |stack: &mut Vec<(Open, usize, usize)>,
                     spans: &mut Vec<Span>,
                     want: &dyn Fn(Open) -> bool|
         -> bool {
            let Some(pos) = stack.iter().rposition(|(o, _, _)| want(*o)) else {
                return false;
            };
            for (_, _, idx) in stack.drain(pos..) {
                if let Some(s) = spans.get_mut(idx) {
                    s.end = end;
                    s.closed = true;
                }
            }
            true
        };
        match c {
            '“' => {
                // „…“ closes with “; anywhere else “ opens.
                let closed_low = close(&mut stack, &mut spans, &|o| o == Open::Low);
                if !closed_low {
                    open(&mut stack, &mut spans, Open::Curly);
                }
            }
            '”' => {
                close(&mut stack, &mut spans, &|o| {
                    matches!(o, Open::Curly | Open::Straight)
                });
            }
            '„' => open(&mut stack, &mut spans, Open::Low),
            '«' => open(&mut stack, &mut spans, Open::Guillemet),
            '»' => {
                close(&mut stack, &mut spans, &|o| o == Open::Guillemet);
            }
            '‹' if in_double => open(&mut stack, &mut spans, Open::SingleGuillemet),
            '›' => {
                close(&mut stack, &mut spans, &|o| o == Open::SingleGuillemet);
            }
            '"' => {
                let top_straight = stack.iter().any(|(o, _, _)| *o == Open::Straight);
                if top_straight {
                    close(&mut stack, &mut spans, &|o| o == Open::Straight);
                } else if in_double {
                    // A straight quote inside a curly one: take it as that quote's close
                    // when it looks like one, else ignore it.
                    if !is_opening_context(prev) {
                        close(&mut stack, &mut spans, &|o| o.is_double());
                    }
                } else if prev.is_some_and(|p| p.is_ascii_digit()) {
                    // 12" (inches) is not a quote.
                } else if next.is_some_and(|n| !n.is_whitespace()) || is_opening_context(prev) {
                    open(&mut stack, &mut spans, Open::Straight);
                }
            }
            '‘' | '\''
                if in_double
                    && is_opening_context(prev)
                    && next.is_some_and(|n| n.is_alphanumeric() || is_quote_mark(n))
                    && has_single_close(&chars, k + 1) =>
            {
                let kind = if c == '‘' {
                    Open::SingleCurly
                } else {
                    Open::SingleStraight
                };
                open(&mut stack, &mut spans, kind);
            }
            '’' | '\'' if !next.is_some_and(char::is_alphanumeric) => {
                let want = if c == '’' {
                    Open::SingleCurly
                } else {
                    Open::SingleStraight
                };
                // Only the innermost open quote can be closed by a single mark.
                if stack.last().is_some_and(|(o, _, _)| *o == want) {
                    close(&mut stack, &mut spans, &|o| o == want);
                }
            }
            _ => {}
        }
    }
    let open_at_end = stack.iter().any(|(o, _, _)| o.is_double());
    spans.retain(|s| s.end > s.start);
    let attributions = attributions(text, &spans);
    spans.extend(attributions);
    spans.sort_by_key(|s| (s.start, s.depth));
    (spans, open_at_end)
}

/// Is there a plausible closing single quote after `from`, before the enclosing
/// double quotation ends (bounded lookahead)?
fn has_single_close(chars: &[(usize, char)], from: usize) -> bool {
    let window = chars.get(from..).unwrap_or(&[]);
    for (k, &(_, c)) in window.iter().enumerate().take(NESTED_LOOKAHEAD) {
        match c {
            '"' | '”' | '“' | '»' | '\n' => return false,
            '’' | '\'' => {
                let prev = k.checked_sub(1).and_then(|p| window.get(p)).map(|x| x.1);
                let next = window.get(k + 1).map(|x| x.1);
                if prev.is_some_and(|p| !p.is_whitespace())
                    && !next.is_some_and(char::is_alphanumeric)
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Words that make a clause next to a quotation an attribution.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "asked",
    "asks",
    "stated",
    "states",
    "wrote",
    "writes",
    "noted",
    "notes",
    "explained",
    "continued",
    "insisted",
    "warned",
    "replied",
    "according",
    "claimed",
    "argued",
    "declared",
    "announced",
    "commented",
    "recalled",
    "admitted",
    "remarked",
    "stressed",
    "emphasized",
    "emphasised",
    "tweeted",
    "posted",
    "concluded",
    "acknowledged",
];

/// Longest attribution clause, in bytes.
const MAX_ATTRIBUTION: usize = 120;

fn has_speech_verb(s: &str) -> bool {
    s.split(|c: char| !c.is_alphabetic())
        .any(|w| SPEECH_VERBS.iter().any(|v| v.eq_ignore_ascii_case(w)))
}

/// Attribution clauses next to outer quotes: after a quote up to the end of the
/// sentence or the next quote (`"…," Ushakov said.`), or before a quote back to the
/// start of the sentence when the clause ends in `:` or `,` (`Peskov said: "…"`).
fn attributions(text: &str, quotes: &[Span]) -> Vec<Span> {
    let outer: Vec<&Span> = quotes.iter().filter(|s| s.depth == 0).collect();
    let mut out = Vec::new();
    for (n, q) in outer.iter().enumerate() {
        // After.
        if q.closed {
            let limit = outer.get(n + 1).map_or(text.len(), |s| s.start);
            let rest = text.get(q.end..limit).unwrap_or("");
            let stop = rest
                .find(['.', '!', '?', ';', '…', '\n'])
                .map_or(rest.len(), |p| p + 1);
            let clause = rest.get(..stop).unwrap_or("");
            let lead = clause.len() - clause.trim_start().len();
            let body = clause.trim();
            if !body.is_empty() && body.len() <= MAX_ATTRIBUTION && has_speech_verb(body) {
                let start = q.end + lead;
                out.push(attribution(start, start + body.len()));
            }
        }
        // Before.
        let floor = n
            .checked_sub(1)
            .and_then(|p| outer.get(p))
            .map_or(0, |s| s.end);
        let before = text.get(floor..q.start).unwrap_or("");
        let trimmed = before.trim_end();
        if trimmed.ends_with([':', ',']) {
            let from = trimmed
                .rfind(['.', '!', '?', ';', '\n'])
                .map_or(0, |p| p + 1);
            let clause = trimmed.get(from..).unwrap_or("");
            let lead = clause.len() - clause.trim_start().len();
            let body = clause.trim();
            if !body.is_empty() && body.len() <= MAX_ATTRIBUTION && has_speech_verb(body) {
                let start = floor + from + lead;
                let a = attribution(start, start + body.len());
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
    }
    out
}

fn attribution(start: usize, end: usize) -> Span {
    Span {
        start,
        end,
        kind: SpanKind::Attribution,
        depth: 0,
        closed: true,
        continued: false,
    }
}

/// Quote and attribution spans of one paragraph, sorted by start (an outer quote
/// before the quotes nested in it). Byte offsets into `text`.
pub fn quote_spans(text: &str) -> Vec<Span> {
    scan(text, false).0
}

/// Quote and attribution spans of consecutive paragraphs, one list per paragraph
/// (byte offsets into that paragraph). A paragraph whose quotation is still open at
/// its end continues into the next one when that paragraph opens with a quote mark:
/// that quote is marked `continued`.
pub fn quote_spans_paragraphs<S: AsRef<str>>(paragraphs: &[S]) -> Vec<Vec<Span>> {
    let mut open = false;
    paragraphs
        .iter()
        .map(|p| {
            let (spans, still_open) = scan(p.as_ref(), open);
            open = still_open;
            spans
        })
        .collect()
}

/// A paragraph scanner that carries the "quotation still open" state from one
/// paragraph to the next (for callers that see paragraphs one at a time).
#[derive(Debug, Default, Clone)]
pub struct QuoteTracker {
    open: bool,
}

impl QuoteTracker {
    pub fn new() -> Self {
        Self::default()
    }
    /// Spans of the next paragraph. A blank paragraph keeps the state (paragraphs
    /// separated by blank lines).
    pub fn paragraph(&mut self, text: &str) -> Vec<Span> {
        if text.trim().is_empty() {
            return Vec::new();
        }
        let (spans, open) = scan(text, self.open);
        self.open = open;
        spans
    }
    /// Forget any open quotation (at a heading, say).
    pub fn reset(&mut self) {
        self.open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<&str> {
        quote_spans(text)
            .iter()
            .filter(|s| s.kind == SpanKind::Quote)
            .map(|s| s.text(text))
            .collect()
    }

    fn attrs(text: &str) -> Vec<&str> {
        quote_spans(text)
            .iter()
            .filter(|s| s.kind == SpanKind::Attribution)
            .map(|s| s.text(text))
            .collect()
    }

    #[test]
    fn straight_curly_and_guillemets() {
        let t = "\"We agreed,\" Ushakov said.";
        assert_eq!(quotes(t), vec!["\"We agreed,\""]);
        assert_eq!(attrs(t), vec!["Ushakov said."]);
        let t = "“We agreed,” Ushakov said. «Nous verrons», a-t-il dit.";
        assert_eq!(quotes(t), vec!["“We agreed,”", "«Nous verrons»"]);
        let t = "„Wir sind bereit“, sagte er.";
        assert_eq!(quotes(t), vec!["„Wir sind bereit“"]);
    }

    #[test]
    fn nested_single_quotes_but_not_apostrophes() {
        let t = "“He told me ‘never again,’ and left,” she said.";
        assert_eq!(
            quotes(t),
            vec!["“He told me ‘never again,’ and left,”", "‘never again,’"]
        );
        let spans = quote_spans(t);
        assert_eq!(spans.iter().map(|s| s.depth).max(), Some(1));
        let t = "\"Ukraine's army isn't in the '90s,\" he said. It's 'odd'.";
        assert_eq!(quotes(t), vec!["\"Ukraine's army isn't in the '90s,\""]);
        let t = "\"They called it 'a plan' today,\" he said.";
        assert_eq!(
            quotes(t),
            vec!["\"They called it 'a plan' today,\"", "'a plan'"]
        );
    }

    #[test]
    fn attribution_before_the_quote() {
        let t = "Earlier. Peskov told reporters: \"There is no deal.\"";
        assert_eq!(attrs(t), vec!["Peskov told reporters:"]);
        assert!(attrs("The \"peace plan\" failed.").is_empty());
    }

    #[test]
    fn unclosed_quote_runs_to_the_end_and_continues() {
        let paras = [
            "“We will not stop,” he said. “This is the first step.",
            "“The second will follow.”",
            "Then he left.",
        ];
        let spans = quote_spans_paragraphs(&paras);
        let q1: Vec<_> = spans[0]
            .iter()
            .filter(|s| s.kind == SpanKind::Quote)
            .collect();
        assert_eq!(q1.len(), 2);
        assert!(!q1[1].closed);
        assert_eq!(q1[1].end, paras[0].len());
        assert!(spans[1][0].continued && spans[1][0].closed);
        assert!(spans[2].is_empty());
        // Without the previous paragraph the same text is not a continuation.
        assert!(!quote_spans(paras[1])[0].continued);
    }

    #[test]
    fn speech_versus_scare_quotes() {
        let t = "The so-called \"peace plan\" was, he said, \"dead on arrival and buried.\"";
        let spans = quote_spans(t);
        let speech: Vec<_> = spans
            .iter()
            .filter(|s| s.is_speech(t))
            .map(|s| s.text(t))
            .collect();
        assert_eq!(speech, vec!["\"dead on arrival and buried.\""]);
    }

    #[test]
    fn deep_nesting_is_capped_and_linear() {
        let t = "«".repeat(200_000) + &"”".repeat(200_000) + "»";
        let spans = quote_spans(&t);
        assert!(spans.len() <= MAX_DEPTH, "{}", spans.len());
        assert!(spans.iter().all(|s| usize::from(s.depth) < MAX_DEPTH));
    }

    #[test]
    fn inches_and_stray_marks() {
        assert!(quotes("a 12\" pipe").is_empty());
        for t in [
            "\"",
            "”",
            "“",
            "'",
            "‘’",
            "\"\"",
            "« »",
            "\"a 'b\" c'",
            "‹›",
        ] {
            for s in quote_spans(t) {
                assert!(
                    s.start <= s.end && t.is_char_boundary(s.start) && t.is_char_boundary(s.end)
                );
            }
        }
    }
}

/// A quote or attribution in spoken text, for `narrator normalize --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpokenSpan {
    /// Offsets in **characters** (Unicode scalar values) into `spoken`, as most JSON
    /// consumers index strings.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// 0 for an outer quote, 1 for a nested one (always 0 for attributions).
    pub depth: u8,
}

/// One line normalized with its quotations located in the spoken text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarkedText {
    pub written: String,
    pub spoken: String,
    pub quotes: Vec<SpokenSpan>,
    pub attributions: Vec<SpokenSpan>,
}

impl MarkedText {
    /// The spoken text with quotations between `open` and `close` (e.g. `⟪`, `⟫`).
    pub fn marked(&self, open: &str, close: &str) -> String {
        self.marked_with(open, close, "", "")
    }

    /// The spoken text with quotations between `q_open`/`q_close` and attributions
    /// between `a_open`/`a_close`.
    pub fn marked_with(&self, q_open: &str, q_close: &str, a_open: &str, a_close: &str) -> String {
        // (char position, is_open, mark)
        let mut events: Vec<(usize, bool, &str)> = Vec::new();
        for q in &self.quotes {
            events.push((q.start, true, q_open));
            events.push((q.end, false, q_close));
        }
        for a in &self.attributions {
            events.push((a.start, true, a_open));
            events.push((a.end, false, a_close));
        }
        // At one position: closes first, then opens (stable: outer quotes open first).
        events.sort_by_key(|&(p, is_open, _)| (p, is_open));
        let mut out = String::with_capacity(self.spoken.len() + events.len() * 3);
        let mut ev = events.iter().peekable();
        for (i, c) in self.spoken.chars().enumerate() {
            while let Some(&&(p, _, mark)) = ev.peek() {
                if p != i {
                    break;
                }
                out.push_str(mark);
                ev.next();
            }
            out.push(c);
        }
        for &(_, _, mark) in ev {
            out.push_str(mark);
        }
        out
    }
}

// Private-use characters that mark span edges while the text is normalized.
const Q_OPEN: char = '\u{E000}';
const Q_CLOSE: char = '\u{E001}';
const A_OPEN: char = '\u{E002}';
const A_CLOSE: char = '\u{E003}';

/// Normalize one line (see [`super::normalize`]) and locate its quotations and
/// attributions in the spoken text. `spans` are the line's spans from
/// [`quote_spans`], [`quote_spans_paragraphs`] or a [`QuoteTracker`].
pub fn normalize_marked(text: &str, spans: &[Span], opts: &super::NormalizeOptions) -> MarkedText {
    // Span edges as (byte position, marker); at one position closes go before opens.
    let mut edges: Vec<(usize, u8, char)> = Vec::with_capacity(spans.len() * 2);
    for s in spans {
        let (o, c) = match s.kind {
            SpanKind::Quote => (Q_OPEN, Q_CLOSE),
            SpanKind::Attribution => (A_OPEN, A_CLOSE),
        };
        edges.push((s.start, 1, o));
        edges.push((s.end, 0, c));
    }
    edges.sort_by_key(|&(p, order, _)| (p, order));
    let has_markers = text.contains([Q_OPEN, Q_CLOSE, A_OPEN, A_CLOSE]);
    if !has_markers {
        let mut tagged = String::with_capacity(text.len() + edges.len() * 3);
        let mut last = 0;
        for &(p, _, m) in &edges {
            tagged.push_str(text.get(last..p).unwrap_or(""));
            tagged.push(m);
            last = p.max(last);
        }
        tagged.push_str(text.get(last..).unwrap_or(""));
        let spoken_tagged = super::normalize(&tagged, opts);
        if let Some(m) = read_markers(text, &spoken_tagged, spans) {
            return m;
        }
    }
    // Fallback (the normalizer moved or dropped a marker, or the input has them):
    // normalize the pieces between span edges separately.
    let mut spoken = String::with_capacity(text.len());
    let mut tagged = String::with_capacity(text.len());
    let mut last = 0;
    for &(p, _, m) in &edges {
        if p > last {
            let piece = super::normalize(text.get(last..p).unwrap_or(""), opts);
            let piece: String = piece
                .chars()
                .filter(|c| !matches!(*c, Q_OPEN | Q_CLOSE | A_OPEN | A_CLOSE))
                .collect();
            spoken.push_str(&piece);
            tagged.push_str(&piece);
            last = p;
        }
        tagged.push(m);
    }
    let piece = super::normalize(text.get(last..).unwrap_or(""), opts);
    let piece: String = piece
        .chars()
        .filter(|c| !matches!(*c, Q_OPEN | Q_CLOSE | A_OPEN | A_CLOSE))
        .collect();
    tagged.push_str(&piece);
    read_markers(text, &tagged, spans).unwrap_or_else(|| MarkedText {
        written: text.to_string(),
        spoken: {
            spoken.push_str(&piece);
            spoken
        },
        quotes: Vec::new(),
        attributions: Vec::new(),
    })
}

/// Strip the markers from normalized text and turn them into spans; None if they do
/// not pair up as inserted.
fn read_markers(written: &str, tagged: &str, spans: &[Span]) -> Option<MarkedText> {
    let want_q = spans.iter().filter(|s| s.kind == SpanKind::Quote).count();
    let want_a = spans.len() - want_q;
    let mut spoken = String::with_capacity(tagged.len());
    let mut quotes = Vec::with_capacity(want_q);
    let mut attributions = Vec::with_capacity(want_a);
    let mut q_stack: Vec<(usize, usize)> = Vec::new(); // (char pos, byte pos)
    let mut a_open: Option<(usize, usize)> = None;
    let mut chars = 0usize;
    for c in tagged.chars() {
        match c {
            Q_OPEN => q_stack.push((chars, spoken.len())),
            Q_CLOSE => {
                let (cs, bs) = q_stack.pop()?;
                let depth = u8::try_from(q_stack.len()).unwrap_or(u8::MAX);
                quotes.push(SpokenSpan {
                    start: cs,
                    end: chars,
                    text: spoken.get(bs..).unwrap_or("").to_string(),
                    depth,
                });
            }
            A_OPEN => a_open = Some((chars, spoken.len())),
            A_CLOSE => {
                let (cs, bs) = a_open.take()?;
                attributions.push(SpokenSpan {
                    start: cs,
                    end: chars,
                    text: spoken.get(bs..).unwrap_or("").to_string(),
                    depth: 0,
                });
            }
            _ => {
                spoken.push(c);
                chars += 1;
            }
        }
    }
    if !q_stack.is_empty()
        || a_open.is_some()
        || quotes.len() != want_q
        || attributions.len() != want_a
    {
        return None;
    }
    quotes.sort_by_key(|q| (q.start, q.depth));
    Some(MarkedText {
        written: written.to_string(),
        spoken,
        quotes,
        attributions,
    })
}

#[cfg(test)]
mod marked_tests {
    use super::*;
    use crate::normalize::NormalizeOptions;

    #[test]
    fn spans_follow_the_normalized_text() {
        let t = "\"We paid $5 million,\" Ushakov said on March 3.";
        let m = normalize_marked(t, &quote_spans(t), &NormalizeOptions::default());
        assert_eq!(
            m.spoken,
            "\"We paid five million dollars,\" Ushakov said on March third."
        );
        assert_eq!(m.quotes.len(), 1);
        assert_eq!(m.quotes[0].text, "\"We paid five million dollars,\"");
        assert_eq!(m.quotes[0].start, 0);
        assert_eq!(m.attributions[0].text, "Ushakov said on March third.");
        assert_eq!(
            m.marked("⟪", "⟫"),
            "⟪\"We paid five million dollars,\"⟫ Ushakov said on March third."
        );
        // Character offsets, not bytes.
        let t = "Київ: «Ми погодились», — сказав він.";
        let m = normalize_marked(t, &quote_spans(t), &NormalizeOptions::default());
        let q = &m.quotes[0];
        let by_chars: String = m
            .spoken
            .chars()
            .skip(q.start)
            .take(q.end - q.start)
            .collect();
        assert_eq!(by_chars, "«Ми погодились»");
    }

    #[test]
    fn input_with_marker_characters_still_works() {
        let t = "\u{E000}\"Yes, 2 of them,\" he said.";
        let m = normalize_marked(t, &quote_spans(t), &NormalizeOptions::default());
        assert!(m.spoken.contains("two of them"));
        assert_eq!(m.quotes.len(), 1);
    }
}
