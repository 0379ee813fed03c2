//! Years read as years ("1906" → "nineteen oh six") and decades ("1980s", "'80s").

use super::scanner::Kind;
use super::words::{pluralize_last, under_100, year_tail, year_words};
use super::{is_dash, Class, Ctx, Match};

/// Words before a number that make it a quantity, not a year ("about 1500").
const QUANTIFIERS: &[&str] = &[
    "about",
    "around",
    "nearly",
    "almost",
    "over",
    "than",
    "some",
    "approximately",
    "roughly",
    "least",
    "only",
    "just",
    "total",
    "exactly",
    "estimated",
    "additional",
    "another",
    "all",
];

/// Words after a number that make it a count ("1500 troops").
const COUNT_NOUNS: &[&str] = &[
    "people",
    "persons",
    "troops",
    "soldiers",
    "residents",
    "civilians",
    "children",
    "students",
    "workers",
    "employees",
    "jobs",
    "homes",
    "houses",
    "buildings",
    "cases",
    "deaths",
    "votes",
    "voters",
    "miles",
    "kilometers",
    "kilometres",
    "km",
    "meters",
    "metres",
    "feet",
    "ft",
    "tons",
    "tonnes",
    "units",
    "times",
    "points",
    "dollars",
    "euros",
    "pounds",
    "rubles",
    "roubles",
    "hryvnias",
    "yuan",
    "members",
    "users",
    "pages",
    "words",
    "vehicles",
    "cars",
    "drones",
    "missiles",
    "shells",
    "rounds",
    "attacks",
    "refugees",
    "prisoners",
    "patients",
    "hours",
    "minutes",
    "seconds",
    "days",
    "weeks",
    "months",
    "years",
    "acres",
    "hectares",
    "barrels",
    "men",
    "women",
    "officers",
    "staff",
    "companies",
    "families",
    "households",
    "calories",
    "kg",
    "pieces",
    "copies",
    "square",
    "cubic",
    "more",
    "other",
    "new",
    "of",
    "percent",
    "per",
    "mph",
    "kph",
    "degrees",
    "hectare",
    "kilograms",
    "grams",
    "liters",
    "litres",
    "gallons",
    "flights",
    "passengers",
    "seats",
    "beds",
    "schools",
    "villages",
    "towns",
    "sites",
    "tanks",
    "aircraft",
    "planes",
    "ships",
    "objects",
    "posts",
];

/// Words of time before a year: prepositions ("since 1066", "by 1900"), seasons and
/// verbs that date something ("built around 1480"). After one of them a year may be
/// as early as 1000, and "around"/"about" before the year does not make it a count.
const TIME_WORDS: &[&str] = &[
    "in",
    "since",
    "from",
    "until",
    "till",
    "by",
    "before",
    "after",
    "during",
    "circa",
    "ca",
    "c",
    "year",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "early",
    "late",
    "mid",
    "built",
    "founded",
    "established",
    "born",
    "died",
    "completed",
    "written",
    "published",
    "dated",
    "dating",
    "dates",
    "began",
    "begun",
    "started",
    "opened",
    "constructed",
    "erected",
    "rebuilt",
    "introduced",
    "abandoned",
    "destroyed",
];

/// Quantifiers that are also said of dates ("around 1480"): whether the number after
/// one is a year is decided by the words around it.
const APPROXIMATE: &[&str] = &["around", "about", "approximately", "roughly"];

/// Words that start a clause right after a year ("Around 1550 the town had …").
const CLAUSE_STARTS: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "they", "we", "his", "her", "its", "their", "when",
    "this", "these", "there",
];

fn is_time_word(w: &str) -> bool {
    TIME_WORDS.iter().any(|t| t.eq_ignore_ascii_case(w))
}

/// Whether the word just before token `k` is a word of time, or "to" after a word
/// that dates something ("dates to about 1620", "prior to 1066", "back to 1150").
fn time_word_before(cx: &Ctx<'_>, k: usize) -> bool {
    let Some(w) = cx.prev_word(k) else {
        return false;
    };
    if is_time_word(w) {
        return true;
    }
    w.eq_ignore_ascii_case("to")
        && cx.prev_word(k - 2).is_some_and(|d| {
            matches!(
                d.to_ascii_lowercase().as_str(),
                "dates" | "dating" | "dated" | "date" | "back" | "prior" | "traced" | "traces"
            )
        })
}

/// "around 1480" is a year when a word of time comes before the quantifier ("from
/// around 1480", "built about 1290") or a clause boundary after the number ("Around
/// 1480, the town grew"); otherwise it is a count ("around 1480 were hurt").
fn approximate_year(cx: &Ctx<'_>, i: usize, end: usize) -> bool {
    if i.checked_sub(2).is_some_and(|q| time_word_before(cx, q)) {
        return true;
    }
    // The quantifier opens the sentence or a clause ("Around 1480, …", "(c. 1480)").
    let opens_clause = match i.checked_sub(3) {
        None => true,
        Some(b) if cx.is_space(b) => b
            .checked_sub(1)
            .is_none_or(|p| cx.kind(p) == Some(Kind::Punct)),
        Some(b) => cx.kind(b) == Some(Kind::Punct),
    };
    match cx.tok(end) {
        Some(t) if t.kind == Kind::Punct => opens_clause && matches!(t.text, "," | ")"),
        Some(t) if t.kind == Kind::Space => cx
            .word(end + 1)
            .is_some_and(|w| CLAUSE_STARTS.iter().any(|c| c.eq_ignore_ascii_case(w))),
        _ => false,
    }
}

/// True if the 4-digit number at `i` (ending at `end`) should be read as a year.
/// "the 1066 invasion", "the 1014 battle": "the", the number, and a noun naming
/// an event of a year.
fn event_after_the(cx: &Ctx<'_>, i: usize, end: usize) -> bool {
    const EVENTS: &[&str] = &[
        "invasion",
        "conquest",
        "battle",
        "war",
        "revolt",
        "revolution",
        "uprising",
        "siege",
        "earthquake",
        "quake",
        "eruption",
        "fire",
        "flood",
        "famine",
        "plague",
        "treaty",
        "coronation",
        "crusade",
        "election",
        "schism",
        "massacre",
        "rebellion",
        "census",
    ];
    cx.prev_word(i)
        .is_some_and(|w| w.eq_ignore_ascii_case("the"))
        && cx.next_word(end).is_some_and(|n| EVENTS.contains(&n))
}

fn reads_as_year(cx: &Ctx<'_>, i: usize, end: usize, value: u32) -> bool {
    // 1000–1099 only after a word of time ("since 1066"; "1066 votes" is a count).
    let early_ok =
        (1000..1100).contains(&value) && (time_word_before(cx, i) || event_after_the(cx, i, end));
    if !(1100..=2099).contains(&value) && !early_ok {
        return false;
    }
    // Glued to a word or part of a larger numeric expression: not a bare year.
    // ("c.1200" is circa a year.)
    let circa = i >= 2
        && cx.is_punct(i - 1, '.')
        && matches!(cx.word(i - 2), Some("c" | "ca" | "C" | "Ca"));
    if (cx.glued_before(i) || cx.is_punct(i.wrapping_sub(1), '.')) && !circa {
        return false;
    }
    if let Some(c) = cx.punct(end) {
        if matches!(c, '%' | ':') {
            return false;
        }
        if matches!(c, '.' | ',') && cx.digits(end + 1).is_some() {
            return false;
        }
    }
    if cx.kind(end) == Some(Kind::Word) {
        return false;
    }
    // "1500 km", "1980-1970 kg": a measure, not a year.
    if super::measure::after_number(cx, end, false).is_some() {
        return false;
    }
    // "1234-123kg": a dash to a number that is neither a year nor a year's last two
    // digits makes this a plain number.
    if cx.punct(end).is_some_and(is_dash) {
        if let Some(next) = cx.digits(end + 1) {
            let year_like = next.len() == 4 || next.len() == 2;
            if !year_like || cx.kind(end + 2) == Some(Kind::Word) {
                return false;
            }
        }
    }
    if let Some(w) = cx.prev_word(i) {
        let approximate = APPROXIMATE.iter().any(|q| q.eq_ignore_ascii_case(w));
        if approximate && !approximate_year(cx, i, end) {
            return false;
        }
        if !approximate && QUANTIFIERS.iter().any(|q| q.eq_ignore_ascii_case(w)) {
            return false;
        }
    }
    if let Some(w) = cx.next_word(end) {
        if COUNT_NOUNS.iter().any(|q| q.eq_ignore_ascii_case(w)) && !as_early_as(cx, i) {
            return false;
        }
    }
    true
}

/// "as early as 1350", "as late as 1900", "as far back as 1200": a date, even before a
/// noun that would make the number a count ("as early as 1350 people lived here").
fn as_early_as(cx: &Ctx<'_>, i: usize) -> bool {
    let word_at = |back: usize| i.checked_sub(back).and_then(|k| cx.prev_word(k));
    word_at(0).is_some_and(|w| w.eq_ignore_ascii_case("as"))
        && word_at(2)
            .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "early" | "late" | "back"))
        && word_at(4).is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "as" | "far"))
}

/// A standalone 4-digit number 1100–2099 without a thousands comma, read as a year
/// unless the context marks it as a count.
pub(crate) fn match_year(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let d = cx.digits(i)?;
    if d.len() != 4 || d.starts_with('0') {
        return None;
    }
    let value: u32 = d.parse().ok()?;
    if !reads_as_year(cx, i, i + 1, value) {
        return None;
    }
    let mut m = Match::new(i + 1, year_words(value), Class::Year);
    m.value = Some(value);
    Some(m)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘')
}

/// Decades: "1980s" → "nineteen eighties", "2000s" → "two thousands",
/// "'80s"/"80s" → "eighties".
pub(crate) fn match_decade(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let (d, start) = match cx.punct(i) {
        Some(c) if is_apostrophe(c) => {
            if cx.glued_before(i) {
                return None;
            }
            let d = cx.digits(i + 1)?;
            if d.len() != 2 {
                return None;
            }
            (d, i + 1)
        }
        Some(_) => return None,
        None => (cx.digits(i)?, i),
    };
    if !d.ends_with('0') || !matches!(d.len(), 2 | 4) || d.starts_with('0') {
        return None;
    }
    if cx.glued_before(i) {
        return None;
    }
    let value: u32 = d.parse().ok()?;
    // "1980s"; also "1980 s" with the "s" split off (a stray space in the copy), for a
    // year-like decade only and when the "s" stands alone.
    let s_at = if cx.word(start + 1) == Some("s") {
        start + 1
    } else if d.len() == 4
        && (1500..=2090).contains(&value)
        && cx.is_space(start + 1)
        && cx.word(start + 2) == Some("s")
        && !matches!(cx.kind(start + 3), Some(Kind::Word | Kind::Digits))
        && !cx.is_punct(start + 3, '\'')
    {
        start + 2
    } else {
        return None;
    };
    let base = if d.len() == 4 {
        year_words(value)
    } else {
        under_100(value)
    };
    let mut m = Match::new(s_at + 1, pluralize_last(&base), Class::Decade);
    m.value = Some(if d.len() == 4 { value } else { 1900 + value });
    Some(m)
}

const QUARTERS: [&str; 4] = ["first", "second", "third", "fourth"];

/// Fiscal quarters: "Q2" → "the second quarter", "Q3 2024" → "the third quarter of
/// twenty twenty-four", "2Q22" → "the second quarter of twenty-two" (a two-digit year is
/// said like the tail of a year). Halves the same way with H and a year: "H1 2024",
/// "1H24" → "the first half of …".
pub(crate) fn match_quarter(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if i.checked_sub(1)
        .is_some_and(|p| cx.word(p).is_some() || cx.digits(p).is_some())
    {
        return None;
    }
    let (q, mut end, glued_year, letter) = if let Some(d) = cx.digits(i) {
        // "2Q22", "1H24"
        let letter = cx.word(i + 1).filter(|l| matches!(*l, "Q" | "H"))?;
        if d.len() != 1 {
            return None;
        }
        let yy = cx.digits(i + 2).filter(|y| y.len() == 2)?;
        (d, i + 3, Some(yy), letter)
    } else {
        let letter = cx.word(i).filter(|l| matches!(*l, "Q" | "H"))?;
        let d = cx.digits(i + 1).filter(|d| d.len() == 1)?;
        (d, i + 2, None, letter)
    };
    let q: usize = q.parse().ok()?;
    // Halves: "H1 2024" → "the first half of twenty twenty-four". "H1" alone is too
    // many other things (a heading, a visa), so a half needs its year.
    let (ord, part) = if letter == "H" {
        let year_follows = cx.is_space(end)
            && cx
                .digits(end + 1)
                .is_some_and(|y| y.len() == 4 && (y.starts_with("19") || y.starts_with("20")));
        if !(glued_year.is_some() || year_follows) {
            return None;
        }
        (*QUARTERS.get(q.checked_sub(1)?).filter(|_| q <= 2)?, "half")
    } else {
        (*QUARTERS.get(q.checked_sub(1)?)?, "quarter")
    };
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) {
        return None;
    }
    // A determiner or a possessive ("the company's Q1 revenue") already before it.
    let possessive = i >= 3
        && cx.is_space(i - 1)
        && matches!(cx.word(i - 2), Some("s"))
        && matches!(cx.punct(i - 3), Some('\'' | '’'));
    let article = possessive
        || cx.prev_word(i).is_some_and(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "the" | "a" | "its" | "their" | "his" | "her" | "our" | "your" | "this" | "each"
            )
        });
    let mut spoken = if article {
        format!("{ord} {part}")
    } else {
        format!("the {ord} {part}")
    };
    if let Some(yy) = glued_year {
        spoken.push_str(" of ");
        spoken.push_str(&year_tail(yy.parse().ok()?));
    } else if cx.is_space(end) {
        if let Some(y) = cx.digits(end + 1).filter(|y| y.len() == 4) {
            let v: u32 = y.parse().ok()?;
            if (1900..=2099).contains(&v)
                && !matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits))
            {
                spoken.push_str(" of ");
                spoken.push_str(&year_words(v));
                end += 2;
            }
        }
    }
    Some(Match::new(end, spoken, Class::Year))
}

/// Eras after a year: (letters as written, spoken).
const ERAS: &[(&[&str], &str)] = &[
    (&["BCE"], "B C E"),
    (&["BC"], "B C"),
    (&["AD"], "A D"),
    (&["CE"], "C E"),
    (&["B", "C", "E"], "B C E"),
    (&["B", "C"], "B C"),
    (&["A", "D"], "A D"),
    (&["C", "E"], "C E"),
];

/// "340 AD", "500 BC", "44 B.C.": a year with its era. Three- and four-digit years are
/// read as years ("three forty A D"), shorter ones as numbers.
pub(crate) fn match_era(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let d = cx.digits(i)?;
    if cx.glued_before(i) || d.len() > 4 || d.starts_with('0') || !cx.is_space(i + 1) {
        return None;
    }
    let value: u32 = d.parse().ok()?;
    let mut matched = None;
    for (letters, spoken) in ERAS {
        let mut j = i + 2;
        let mut ok = true;
        for (k, l) in letters.iter().enumerate() {
            if cx.word(j) != Some(l) {
                ok = false;
                break;
            }
            j += 1;
            // Dotted forms need a dot after every letter but the last may lack one.
            if letters.len() > 1 {
                if cx.is_punct(j, '.') {
                    j += 1;
                } else if k + 1 < letters.len() {
                    ok = false;
                    break;
                }
            }
        }
        if ok && !matches!(cx.kind(j), Some(Kind::Word | Kind::Digits)) {
            matched = Some((j, *spoken));
            break;
        }
    }
    let (end, era) = matched?;
    let number = if d.len() >= 3 {
        if d.len() == 3 && !value.is_multiple_of(100) {
            format!(
                "{} {}",
                super::words::digit_word(value / 100),
                year_tail(value % 100)
            )
        } else {
            year_words(value)
        }
    } else {
        super::words::cardinal_u64(u64::from(value))
    };
    Some(Match::new(end, format!("{number} {era}"), Class::Year))
}

/// "AD 1066", "A.D. 1066": the era written before the year, read as written
/// with the number as a year ("A D ten sixty-six").
pub(crate) fn match_era_before(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if i.checked_sub(1).is_some_and(|p| {
        matches!(cx.kind(p), Some(Kind::Word | Kind::Digits)) || cx.is_punct(p, '.')
    }) {
        return None;
    }
    let j = match cx.word(i)? {
        "AD" => i + 1,
        "A" if cx.is_punct(i + 1, '.')
            && cx.word(i + 2) == Some("D")
            && cx.is_punct(i + 3, '.') =>
        {
            i + 4
        }
        _ => return None,
    };
    if !cx.is_space(j) {
        return None;
    }
    let d = cx.digits(j + 1)?;
    if d.len() > 4
        || d.starts_with('0')
        || matches!(cx.kind(j + 2), Some(Kind::Word | Kind::Digits))
    {
        return None;
    }
    // "AD 1066", not "AD 1,000 users" or "AD 3.5".
    if matches!(cx.punct(j + 2), Some(',' | '.')) && cx.digits(j + 3).is_some() {
        return None;
    }
    let value: u32 = d.parse().ok()?;
    let number = if d.len() >= 3 {
        if d.len() == 3 && !value.is_multiple_of(100) {
            format!(
                "{} {}",
                super::words::digit_word(value / 100),
                year_tail(value % 100)
            )
        } else {
            year_words(value)
        }
    } else {
        super::words::cardinal_u64(u64::from(value))
    };
    Some(Match::new(j + 2, format!("A D {number}"), Class::Year))
}

/// "FY2024", "FY 2025", "FY24": a fiscal year, "fiscal year twenty twenty-four",
/// "fiscal twenty-four".
pub(crate) fn match_fiscal_year(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.word(i)? != "FY"
        || i.checked_sub(1)
            .is_some_and(|p| matches!(cx.kind(p), Some(Kind::Word | Kind::Digits)))
    {
        return None;
    }
    let at = if cx.is_space(i + 1) { i + 2 } else { i + 1 };
    let d = cx.digits(at)?;
    if matches!(cx.kind(at + 1), Some(Kind::Word | Kind::Digits))
        || (cx.is_punct(at + 1, '.') && cx.digits(at + 2).is_some())
    {
        return None;
    }
    let v: u32 = d.parse().ok()?;
    let spoken = match d.len() {
        4 if (1900..=2099).contains(&v) => format!("fiscal year {}", year_words(v)),
        2 => format!("fiscal {}", year_tail(v)),
        _ => return None,
    };
    Some(Match {
        value: (d.len() == 4).then_some(v),
        ..Match::new(at + 1, spoken, Class::Year)
    })
}

/// "in '91", "the Class of '24", "since ’08": a year cut to two digits after an
/// apostrophe, read without it ("ninety-one", "oh eight").
pub(crate) fn match_short_year(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if !cx.punct(i).is_some_and(is_apostrophe) || cx.glued_before(i) {
        return None;
    }
    let d = cx.digits(i + 1).filter(|d| d.len() == 2)?;
    // Not "'91'" (a quoted number), "'91-'92" is fine, "'24s" is not a year.
    if matches!(cx.kind(i + 2), Some(Kind::Word | Kind::Digits))
        || cx.punct(i + 2).is_some_and(is_apostrophe)
        || (matches!(cx.punct(i + 2), Some('.' | ',' | ':' | '/')) && cx.digits(i + 3).is_some())
    {
        return None;
    }
    // After a word, as a year is ("in '91", "Class of '24", "Sept. '01"), not
    // opening a quotation at the start of a line.
    let prev = i.checked_sub(1)?;
    let before = prev.checked_sub(1)?;
    let range_end = cx.punct(prev).is_some_and(super::is_dash) && cx.digits(before).is_some();
    if !range_end && !(cx.is_space(prev) && (cx.word(before).is_some() || cx.is_punct(before, '.')))
    {
        return None;
    }
    let v: u32 = d.parse().ok()?;
    let mut m = Match::new(i + 2, year_tail(v), Class::Year);
    m.value = Some(if v <= 30 { 2000 + v } else { 1900 + v });
    Some(m)
}

/// "100s of people", "1,000s of fans", "hundreds of 1000s": round numbers in the
/// plural, said as the words ("hundreds", "thousands", "tens of thousands"). A bare
/// "1000s" is the decade unless "of" comes before or after it.
pub(crate) fn match_round_plural(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    // Only 100, 1000, 1,000, 10,000, 100,000, 1,000,000 qualify: most numbers
    // stop at the first digits.
    if cx.glued_before(i) || !matches!(cx.digits(i)?, "1" | "10" | "100" | "1000") {
        return None;
    }
    let lit = super::cardinal::parse_number(cx, i)?;
    if lit.frac.is_some() || cx.word(lit.end) != Some("s") {
        return None;
    }
    let end = lit.end + 1;
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) || cx.is_punct(end, '\'') {
        return None;
    }
    let of_near = cx.next_word(end) == Some("of")
        || cx
            .prev_word(i)
            .is_some_and(|w| w.eq_ignore_ascii_case("of"));
    let said = match (lit.int.as_ref(), lit.grouped) {
        ("100", _) => "hundreds",
        ("1000", true) => "thousands",
        ("1000", false) if of_near => "thousands",
        ("10000", true) => "tens of thousands",
        ("100000", true) => "hundreds of thousands",
        ("1000000", true) => "millions",
        _ => return None,
    };
    Some(Match::new(end, said.to_string(), Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn year_or_count() {
        assert_eq!(n("in 1906"), "in nineteen oh six");
        assert_eq!(n("1500 troops"), "one thousand five hundred troops");
        assert_eq!(n("about 1500"), "about one thousand five hundred");
        assert_eq!(n("2,000"), "two thousand");
        assert_eq!(n("2100"), "two thousand one hundred");
        assert_eq!(n("1099"), "one thousand ninety-nine");
        assert_eq!(n("2024's"), "twenty twenty-four's");
        assert_eq!(
            n("1234-123kg"),
            "one thousand two hundred thirty-four to one hundred twenty-three kilograms"
        );
    }

    #[test]
    fn decades() {
        assert_eq!(n("the 1980s"), "the nineteen eighties");
        assert_eq!(n("in the 1980 s."), "in the nineteen eighties.");
        assert_eq!(n("1980 sq"), "nineteen eighty sq");
        assert_eq!(n("the '80s"), "the eighties");
        assert_eq!(n("the 2000s"), "the two thousands");
        assert_eq!(n("1985s"), "nineteen eighty-fives");
    }
}
