//! Written text → spoken text.
//!
//! [`normalize`] rewrites the numeric expressions of written English news text into the
//! words a newsreader says, and passes everything else through byte for byte (quotes,
//! dashes and commas are kept for prosody).
//!
//! How it works: a linear scanner (`scanner.rs`) splits the text into tokens; at each token the
//! semiotic-class matchers are tried in priority order (address, telephone, era/quarter,
//! date, time, decade, fraction, ordinal, year, cardinal with its measure/range tails on
//! digits; electronic, money, abbreviation, state code, Roman numeral, model designation,
//! initialism on words; symbols last). Each matcher looks only a bounded number of tokens
//! ahead and returns the spoken form plus how many tokens it consumed. One submodule per
//! class: `measure`, `electronic`, `telephone`, `abbrev`, `initialism`, `roman`,
//! `symbol`, `address` next to the number classes.
//!
//! Every matcher must read the same way on its own output (normalizing spoken text again
//! changes nothing), which is why context checks that a first pass could change (digits
//! glued to a word, say) are kept conservative.

mod abbrev;
pub use abbrev::period_continues;
mod address;
mod cardinal;
mod date;
pub use date::MONTHS;
mod electronic;
mod fraction;
mod initialism;
pub mod lexicon;
mod markup;
mod measure;
mod money;
mod ordinal;
pub mod quotes;
mod roman;
mod scanner;
mod symbol;
mod telephone;
mod time;
mod words;
mod year;

use scanner::{Kind, Token};

/// How to read an all-numeric date whose first two fields could be either day or month
/// ("10/07/2023").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month first (US news): 10/07/2023 → October seventh.
    #[default]
    Mdy,
    /// Day first (UK/EU news): 10/07/2023 → the tenth of July.
    Dmy,
}

impl DateOrder {
    /// The usual order for a BCP 47 language tag ("en-US", "en_GB", "uk"): month first
    /// for US, Philippine and Canadian English and for a bare "en"; day first for every
    /// other English region and for other languages.
    pub fn for_language(tag: &str) -> DateOrder {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = tag.split('-');
        let lang = parts.next().unwrap_or("");
        // The region is the first two-letter or three-digit subtag after the language.
        let region = parts.find(|p| {
            (p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
                || (p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
        });
        match (lang, region) {
            ("en", None | Some("us" | "ph" | "ca" | "um" | "as" | "gu" | "pr" | "vi")) => {
                DateOrder::Mdy
            }
            _ => DateOrder::Dmy,
        }
    }
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mdy" => Ok(DateOrder::Mdy),
            "dmy" => Ok(DateOrder::Dmy),
            other => Err(format!("date order {other:?} is not mdy or dmy")),
        }
    }
}

/// Options for normalization.
#[derive(Debug, Clone, Default)]
pub struct NormalizeOptions {
    /// Field order for ambiguous numeric dates.
    pub date_order: DateOrder,
}

/// The semiotic class a match belongs to (used to join ranges like "1990-2000").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Cardinal,
    Ordinal,
    Year,
    Decade,
    Date,
    Time,
    Money,
}

/// A matcher's result: the spoken form of tokens `start..end`.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub end: usize,
    pub spoken: String,
    pub class: Class,
    /// Numeric value, where a range join needs it (years).
    pub value: Option<u32>,
}

impl Match {
    pub(crate) fn new(end: usize, spoken: String, class: Class) -> Self {
        Match {
            end,
            spoken,
            class,
            value: None,
        }
    }
}

/// Read-only view of the token stream shared by all matchers.
pub(crate) struct Ctx<'a> {
    pub toks: &'a [Token<'a>],
    pub opts: &'a NormalizeOptions,
    /// For each token: whether a straight double quote opened earlier on its line is
    /// still open (so a `"` at that token closes a quotation rather than marking inches).
    pub quote_open: Vec<bool>,
}

impl<'a> Ctx<'a> {
    pub fn tok(&self, i: usize) -> Option<&Token<'a>> {
        self.toks.get(i)
    }
    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.tok(i).map(|t| t.kind)
    }
    pub fn digits(&self, i: usize) -> Option<&'a str> {
        match self.tok(i) {
            Some(t) if t.kind == Kind::Digits => Some(t.text),
            _ => None,
        }
    }
    pub fn word(&self, i: usize) -> Option<&'a str> {
        match self.tok(i) {
            Some(t) if t.kind == Kind::Word => Some(t.text),
            _ => None,
        }
    }
    pub fn is_punct(&self, i: usize, c: char) -> bool {
        matches!(self.tok(i), Some(t) if t.kind == Kind::Punct && t.text.starts_with(c))
    }
    pub fn punct(&self, i: usize) -> Option<char> {
        match self.tok(i) {
            Some(t) if t.kind == Kind::Punct => t.text.chars().next(),
            _ => None,
        }
    }
    pub fn is_space(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Space)
    }
    /// The word just before token `i`, separated from it by one space token.
    pub fn prev_word(&self, i: usize) -> Option<&'a str> {
        let s = i.checked_sub(1)?;
        if !self.is_space(s) {
            return None;
        }
        self.word(s.checked_sub(1)?)
    }
    /// Whether one of the `n` words just before token `i`, each one space from the
    /// next, satisfies `is` ("odds" in "the odds are 3/1").
    pub fn word_within(&self, i: usize, n: usize, is: impl Fn(&str) -> bool) -> bool {
        let mut k = i;
        for _ in 0..n {
            let Some(w) = self.prev_word(k) else {
                return false;
            };
            if is(w) {
                return true;
            }
            k -= 2;
        }
        false
    }
    /// Whether "a" or "an" is the word just before token `i` ("a $5 fee", "a 5 kg bag").
    pub fn after_article(&self, i: usize) -> bool {
        self.prev_word(i)
            .is_some_and(|w| w.eq_ignore_ascii_case("a") || w.eq_ignore_ascii_case("an"))
    }
    /// The word just after the token ending at `end`, separated by one space token.
    pub fn next_word(&self, end: usize) -> Option<&'a str> {
        if !self.is_space(end) {
            return None;
        }
        self.word(end + 1)
    }
    /// Whether the period at `end` belongs to the abbreviation before it because
    /// the sentence goes on after it in lower case ("2 tbsp. of sugar", "Denver,
    /// CO. residents"), or, with `or_number`, with a number ("5 ft. 4 in.").
    pub fn own_period(&self, end: usize, or_number: bool) -> bool {
        self.is_punct(end, '.')
            && self.is_space(end + 1)
            && ((or_number && self.digits(end + 2).is_some())
                || self
                    .word(end + 2)
                    .is_some_and(|n| n.starts_with(char::is_lowercase)))
    }
    /// True if the token before `i` is a digit run or a word glued to it.
    pub fn glued_before(&self, i: usize) -> bool {
        matches!(
            i.checked_sub(1).and_then(|p| self.kind(p)),
            Some(Kind::Digits | Kind::Word)
        )
    }
    /// If the match ending at `end` swallowed a sentence-final period (as in "a.m." or
    /// "Oct." at the end of a sentence), the period that ends the sentence.
    pub fn sentence_period(&self, end: usize) -> &'static str {
        let Some(last) = end.checked_sub(1) else {
            return "";
        };
        if !self.is_punct(last, '.') {
            return "";
        }
        let ends_sentence = match self.tok(end) {
            None => true,
            Some(t) if t.kind == Kind::Punct => t.text == "\n" || t.text == "\r",
            Some(t) if t.kind == Kind::Space => match self.tok(end + 1) {
                None => true,
                Some(n) if n.kind == Kind::Word && continues_sentence(n.text) => false,
                Some(n) => n.text.chars().next().is_some_and(|c| c.is_uppercase()),
            },
            _ => false,
        };
        if ends_sentence {
            "."
        } else {
            ""
        }
    }
}

/// Capitalized words that often follow "a.m." or "Oct." inside a sentence.
fn continues_sentence(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Eastern",
        "Central",
        "Pacific",
        "Mountain",
        "Kyiv",
        "Moscow",
        "London",
        "local",
        "GMT",
        "UTC",
    ];
    // Abbreviated days and months too ("Tue. Oct. 3").
    const SHORT: &[&str] = &[
        "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "Jan", "Feb",
        "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    ];
    WORDS.contains(&w) || MONTHS.contains(&w) || SHORT.contains(&w)
}

/// Dashes that join two numbers into a range. The em dash is left out: in news copy it
/// marks a break ("in 1990 — 10 years later"), not a range.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–')
}

/// Try every matcher at token `i`, in priority order.
fn match_at(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let tok = cx.tok(i)?;
    match tok.kind {
        Kind::Digits => address::match_address(cx, i)
            .or_else(|| measure::match_radio_frequency(cx, i))
            .or_else(|| initialism::match_maker_model(cx, i))
            .or_else(|| initialism::match_version(cx, i))
            .or_else(|| telephone::match_telephone(cx, i))
            .or_else(|| telephone::match_card_digits(cx, i))
            .or_else(|| money::match_shillings(cx, i))
            .or_else(|| year::match_era(cx, i))
            .or_else(|| year::match_quarter(cx, i))
            .or_else(|| year::match_fiscal_year(cx, i))
            .or_else(|| date::match_numeric(cx, i))
            .or_else(|| date::match_month_day_range(cx, i))
            .or_else(|| date::match_preposition_date(cx, i))
            .or_else(|| date::match_day_month(cx, i))
            .or_else(|| time::match_scale(cx, i))
            .or_else(|| time::match_wire_time(cx, i))
            .or_else(|| time::match_time(cx, i))
            .or_else(|| time::match_ratio(cx, i))
            .or_else(|| year::match_round_plural(cx, i))
            .or_else(|| year::match_decade(cx, i))
            .or_else(|| fraction::match_slash_pair(cx, i))
            .or_else(|| fraction::match_vulgar(cx, i))
            .or_else(|| ordinal::match_ordinal(cx, i))
            .or_else(|| ordinal::match_numbered_book(cx, i))
            .or_else(|| year::match_year(cx, i))
            .or_else(|| cardinal::match_cardinal(cx, i)),
        Kind::Word => electronic::match_electronic(cx, i)
            .or_else(|| telephone::match_isbn(cx, i))
            .or_else(|| year::match_quarter(cx, i))
            .or_else(|| year::match_fiscal_year(cx, i))
            .or_else(|| year::match_era_before(cx, i))
            .or_else(|| date::match_month_first(cx, i))
            .or_else(|| date::match_weekday_date(cx, i))
            .or_else(|| money::match_money(cx, i))
            .or_else(|| cardinal::match_number_sign(cx, i))
            .or_else(|| initialism::match_world_war(cx, i))
            .or_else(|| address::match_street_quadrant(cx, i))
            .or_else(|| address::match_numbered(cx, i))
            .or_else(|| address::match_bill(cx, i))
            .or_else(|| address::match_party_state(cx, i))
            .or_else(|| measure::match_per_unit(cx, i))
            .or_else(|| abbrev::match_abbrev(cx, i))
            .or_else(|| address::match_state(cx, i))
            .or_else(|| roman::match_roman(cx, i))
            .or_else(|| initialism::match_model(cx, i))
            .or_else(|| initialism::match_initialism(cx, i))
            .or_else(|| symbol::match_greek(cx, i)),
        Kind::Punct => markup::match_tag(cx, i)
            .or_else(|| markup::match_arpabet(cx, i))
            .or_else(|| electronic::match_electronic(cx, i))
            .or_else(|| telephone::match_telephone(cx, i))
            .or_else(|| money::match_money(cx, i))
            .or_else(|| cardinal::match_number_sign(cx, i))
            .or_else(|| year::match_decade(cx, i))
            .or_else(|| year::match_short_year(cx, i))
            .or_else(|| cardinal::match_cardinal(cx, i))
            .or_else(|| fraction::match_vulgar(cx, i))
            .or_else(|| symbol::match_symbol(cx, i)),
        Kind::Space => None,
    }
}

/// Extend a year, time, money or date match over a following "-N" into a range read with
/// "to" ("March 3-April 1": a date joins only another whole date).
fn extend_range(cx: &Ctx<'_>, start: usize, m: Match) -> Match {
    // "between 2019-2021": the range is read "between … and …".
    let joiner = if cx
        .prev_word(start)
        .is_some_and(|w| w.eq_ignore_ascii_case("between"))
    {
        "and"
    } else {
        "to"
    };
    if !matches!(
        m.class,
        Class::Year | Class::Decade | Class::Time | Class::Money | Class::Date
    ) {
        return m;
    }
    let mut j = m.end;
    // "the 2023/24 season", "2023/2024": a slash between consecutive years is a season
    // or fiscal year, read like the hyphen ("twenty twenty-three to twenty-four").
    if m.class == Class::Year && cx.is_punct(j, '/') {
        if let (Some(d), Some(first)) = (cx.digits(j + 1), m.value) {
            let next_is_glued = matches!(cx.kind(j + 2), Some(Kind::Word | Kind::Digits))
                || (cx.punct(j + 2).is_some_and(|c| c == '/' || c == '-')
                    && cx.digits(j + 3).is_some());
            let tail = d.parse::<u32>().unwrap_or(0);
            let consecutive = match d.len() {
                2 => tail == (first + 1) % 100,
                4 => tail == first + 1,
                _ => false,
            };
            if consecutive && !next_is_glued {
                let second = if d.len() == 2 {
                    words::year_tail(tail)
                } else {
                    words::year_words(tail)
                };
                let spoken = format!("{} {joiner} {second}", m.spoken);
                return Match::new(j + 2, spoken, Class::Year);
            }
        }
    }
    let spaced_before = cx.is_space(j);
    if spaced_before {
        j += 1;
    }
    if !cx.punct(j).is_some_and(is_dash) {
        return m;
    }
    j += 1;
    if cx.is_space(j) {
        j += 1;
    } else if spaced_before {
        // "1990 -2000" looks like a sign, not a range.
        return m;
    }
    if m.class == Class::Year {
        // "1960-80", "2024-25": a two-digit continuation of the first year.
        if let (Some(d), Some(first)) = (cx.digits(j), m.value) {
            if d.len() == 2 {
                let tail: u32 = d.parse().unwrap_or(0);
                let next_is_word_glued = cx.kind(j + 1) == Some(Kind::Word);
                if tail > first % 100 && !next_is_word_glued {
                    let spoken = format!("{} {joiner} {}", m.spoken, words::year_tail(tail));
                    return Match::new(j + 1, spoken, Class::Year);
                }
            }
        }
    }
    match match_at(cx, j) {
        Some(m2) if m2.class == m.class => {
            let spoken = format!("{} {joiner} {}", m.spoken, m2.spoken);
            Match {
                end: m2.end,
                spoken,
                class: m.class,
                value: m2.value,
            }
        }
        _ => m,
    }
}

/// Normalize written English text into the words a newsreader says.
///
/// The result is stable: normalizing it again changes nothing. Each matcher is written
/// so its spoken words do not form a new pattern with what follows, but text glued
/// together without spaces ("PM3.5p.me", "12m.may") can still split differently once
/// the first pass has put spaces in; a further pass settles it. Only text where some
/// match touched its neighbours without a space between gets further passes: ordinary
/// prose ("on March 13, 2024.") is read once.
pub fn normalize(text: &str, opts: &NormalizeOptions) -> String {
    // Character references left in text copied out of HTML ("didn&#39;t", "&quot;")
    // are the characters they stand for; "&lt;" and "&gt;" stay as written, so an
    // escaped tag in the copy is never turned into markup for a later stage.
    let decoded;
    let text = if text.contains('&') && text.contains(';') {
        decoded = decode_references(text);
        decoded.as_str()
    } else {
        text
    };
    let (out, glued) = normalize_once(text, opts);
    if !glued {
        return out;
    }
    // One further pass is enough on every generated input tried (1.6 M,
    // `tests/normalize_props.rs` with 40 seeds), and keeps glued text at twice the cost
    // of prose at most.
    normalize_once(&out, opts).0
}

/// [`crate::extract::meta::decode_entities`], except the references to `<` and `>`.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10).map_or(1, |e| e + 1);
        let (reference, tail) = rest.split_at(end);
        let decoded = crate::extract::meta::decode_entities(reference);
        if decoded == reference || decoded == "<" || decoded == ">" || decoded.chars().count() != 1
        {
            out.push('&');
            rest = &rest[1..];
        } else {
            out.push_str(&decoded);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Punctuation that may stand between a match and the space before it ("(2024",
/// "“5", "$5" after "US").
fn opens(c: char) -> bool {
    matches!(c, '(' | '[' | '"' | '“' | '‘' | '\'' | '«' | '—' | '–')
}

/// Punctuation that may stand between a match and the space after it ("2024),", "5.").
fn closes(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '"' | '”' | '’' | '\'' | '»' | ',' | '.' | ';' | ':' | '?' | '!' | '—' | '–'
    )
}

impl Ctx<'_> {
    /// True if token `i` is a space, a line break, or past either end.
    fn is_gap(&self, i: Option<usize>) -> bool {
        match i.and_then(|i| self.tok(i)) {
            None => true,
            Some(t) => t.kind == Kind::Space || t.text == "\n" || t.text == "\r",
        }
    }

    /// True if the match over tokens `start..end` stands apart from its neighbours: a
    /// gap on each side, or punctuation and then a gap ("(2024),"). Only such matches
    /// are known to read the same on a second pass.
    fn stands_apart(&self, start: usize, end: usize) -> bool {
        let before = start.checked_sub(1);
        let clean_before = self.is_gap(before)
            || (before.and_then(|b| self.punct(b)).is_some_and(opens)
                && self.is_gap(before.and_then(|b| b.checked_sub(1))));
        let mut j = end;
        while self.punct(j).is_some_and(closes) && j < end + 3 {
            j += 1;
        }
        clean_before && self.is_gap(Some(j))
    }
}

/// One pass; also says whether some match touched its neighbours (then a second pass
/// may read the result differently).
fn normalize_once(text: &str, opts: &NormalizeOptions) -> (String, bool) {
    let toks = scanner::tokenize(text);
    let mut quote_open = Vec::with_capacity(toks.len());
    let mut open = false;
    for t in &toks {
        quote_open.push(open);
        match t.text {
            "\"" => open = !open,
            "\n" | "\r" => open = false,
            _ => {}
        }
    }
    let cx = Ctx {
        toks: &toks,
        opts,
        quote_open,
    };
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut glued = false;
    let mut i = 0;
    while i < toks.len() {
        let Some(m) = match_at(&cx, i) else {
            if let Some(t) = toks.get(i) {
                out.push_str(t.text);
            }
            i += 1;
            continue;
        };
        let m = extend_range(&cx, i, m);
        glued = glued || !cx.stands_apart(i, m.end);
        // Keep spoken words apart from letters glued to the number ("es3", "12text").
        if !m.spoken.is_empty() && out.chars().next_back().is_some_and(char::is_alphanumeric) {
            out.push(' ');
        }
        out.push_str(&m.spoken);
        out.push_str(cx.sentence_period(m.end));
        if !m.spoken.is_empty() && cx.kind(m.end) == Some(Kind::Word) {
            out.push(' ');
        }
        // Always make progress, even if a matcher misreports its end.
        i = m.end.max(i + 1);
    }
    (symbol::read_word_slashes(out), glued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn date_order_follows_the_language_tag() {
        for (tag, order) in [
            ("en-US", DateOrder::Mdy),
            ("en", DateOrder::Mdy),
            ("en_us", DateOrder::Mdy),
            ("en-Latn-US", DateOrder::Mdy),
            ("en-CA", DateOrder::Mdy),
            ("en-GB", DateOrder::Dmy),
            ("en_GB", DateOrder::Dmy),
            ("en-AU", DateOrder::Dmy),
            ("en-IN", DateOrder::Dmy),
            ("en-IE", DateOrder::Dmy),
            ("uk-UA", DateOrder::Dmy),
            ("de", DateOrder::Dmy),
        ] {
            assert_eq!(DateOrder::for_language(tag), order, "{tag}");
        }
        assert_eq!("DMY".parse::<DateOrder>(), Ok(DateOrder::Dmy));
        assert!("ymd".parse::<DateOrder>().is_err());
    }

    #[test]
    fn passes_plain_text_through() {
        let s = "“Quotes,” dashes — and commas, kept.\nNext line!";
        assert_eq!(n(s), s);
        assert_eq!(n(""), "");
    }

    #[test]
    fn glued_letters_get_a_space() {
        assert_eq!(n("es3"), "es three");
        assert_eq!(n("12text"), "twelve text");
    }

    #[test]
    fn sentence_final_abbreviation_keeps_its_period() {
        assert_eq!(
            n("It began at 10 a.m. Police said"),
            "It began at ten A M. Police said"
        );
        assert_eq!(n("at 10 a.m. on Friday"), "at ten A M on Friday");
        assert_eq!(n("at 10 a.m."), "at ten A M.");
    }

    #[test]
    fn ranges() {
        assert_eq!(
            n("1939-1945"),
            "nineteen thirty-nine to nineteen forty-five"
        );
        assert_eq!(
            n("the 2024-25 season"),
            "the twenty twenty-four to twenty-five season"
        );
        assert_eq!(
            n("$250-$300"),
            "two hundred fifty dollars to three hundred dollars"
        );
        assert_eq!(n("2pm-5pm"), "two P M to five P M");
        assert_eq!(n("a 2-1 win"), "a two to one win");
        assert_eq!(
            n("The vote was 9-0 in favor."),
            "The vote was nine to zero in favor."
        );
        assert_eq!(n("3-4 inches"), "three to four inches");
        assert_eq!(n("1960s-80s"), "nineteen sixties to eighties");
        assert_eq!(
            n("in 1990 — 2000 people"),
            "in nineteen ninety — two thousand people"
        );
        assert_eq!(n("1990-1980"), "nineteen ninety to nineteen eighty");
        assert_eq!(
            n("between 2019-2021"),
            "between twenty nineteen and twenty twenty-one"
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "$",
            "$.",
            "-",
            "'",
            "1:",
            ":5",
            "1:5",
            "12:",
            "$1.",
            ".",
            "1.",
            "1,",
            ",1",
            "1,2",
            "Jan.",
            "March",
            "May 99",
            "32/13/2020",
            "00:00",
            "1st.",
            "1/",
            "9999999999999999999999999999999999999999999",
            "\u{0301}1",
            "1\u{0301}",
            "½",
            "１２",
            "-$5",
            "'",
            "'8",
            "'80",
            "80's",
            "US$",
            "US",
        ] {
            let _ = n(s);
        }
    }

    #[test]
    fn huge_line_without_newline() {
        // Linear scanner: a 1 MB line of mixed prose normalizes without blowing up.
        let unit = "On March 13, 2024 at 1:34 PM the 30-day plan cost $49.95 (3.5%). ";
        let mut s = String::new();
        while s.len() < 1_000_000 {
            s.push_str(unit);
        }
        let out = n(&s);
        assert!(!out.bytes().any(|b| b.is_ascii_digit()));
        let digits = "7".repeat(1_000_000);
        let out = n(&digits);
        assert!(out.starts_with("seven seven"));
    }
}
