//! Simple fractions and number pairs around a slash: "1/2" → "one half",
//! "4 1/2" → "four and a half", "24/7" → "twenty-four seven", "9/11" → "nine eleven".

use super::cardinal::read_int;
use super::scanner::Kind;
use super::{Class, Ctx, Match};

/// Denominators read as fractions: (singular, plural).
const DENOMINATORS: [(&str, &str); 9] = [
    ("half", "halves"),
    ("third", "thirds"),
    ("quarter", "quarters"),
    ("fifth", "fifths"),
    ("sixth", "sixths"),
    ("seventh", "sevenths"),
    ("eighth", "eighths"),
    ("ninth", "ninths"),
    ("tenth", "tenths"),
];

/// Two numbers around a slash: simple fractions ("1/2" → "one half", "4 1/2" → "and a
/// half" after "four") and other pairs read without the slash ("24/7" → "twenty-four
/// seven", "9/11" → "nine eleven", "50/50"). Three-part dates are matched before this.
pub(crate) fn match_slash_pair(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let a = cx.digits(i)?;
    let after_slash = i
        .checked_sub(1)
        .is_some_and(|p| cx.is_punct(p, '/') || cx.is_punct(p, '.'));
    if cx.glued_before(i) || after_slash {
        return None;
    }
    // "rated 4.5/5", "scored 8.5/10": a mark with a decimal out of a whole.
    if cx.is_punct(i + 1, '.') && cx.is_punct(i + 3, '/') {
        let (frac, whole) = (cx.digits(i + 2)?, cx.digits(i + 4)?);
        let (x, y): (f64, u32) = (format!("{a}.{frac}").parse().ok()?, whole.parse().ok()?);
        let glued = matches!(cx.kind(i + 5), Some(Kind::Word | Kind::Digits))
            || (matches!(cx.punct(i + 5), Some('/' | '.' | ',')) && cx.digits(i + 6).is_some());
        if frac.len() <= 2
            && matches!(y, 5 | 10 | 20 | 100)
            && x <= f64::from(y)
            && !glued
            && (rating_before(cx, i) || cx.next_word(i + 5) == Some("stars"))
        {
            let spoken = format!(
                "{} point {} out of {}",
                read_int(a, false),
                super::words::digits_each(frac),
                read_int(whole, false)
            );
            return Some(Match::new(i + 5, spoken, Class::Cardinal));
        }
        return None;
    }
    if !cx.is_punct(i + 1, '/') {
        return None;
    }
    let b = cx.digits(i + 2)?;
    let mut end = i + 3;
    // "1/4th": an ordinal suffix on the denominator marks a fraction.
    let ord_suffix = cx
        .word(end)
        .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "th" | "nd" | "rd" | "st"))
        && !matches!(cx.kind(end + 1), Some(Kind::Word | Kind::Digits));
    if ord_suffix {
        end += 1;
    }
    // Part of a longer chain ("1/2/3", "12/5kg", "1/2.5").
    if cx.kind(end) == Some(Kind::Word)
        || (cx
            .punct(end)
            .is_some_and(|p| matches!(p, '/' | '.' | ',' | ':'))
            && cx.digits(end + 1).is_some())
    {
        return None;
    }
    if a.len() > 3 || b.len() > 3 {
        return None;
    }
    let (x, y): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    // "BP was 120/80", "blood pressure of 140/90": systolic over diastolic.
    if (60..=260).contains(&x) && (30..=160).contains(&y) && x > y && pressure_before(cx, i) {
        let spoken = format!(
            "{} over {}",
            super::address::house_number(a)?,
            read_int(b, false)
        );
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    // "rated it 6/10", "a score of 87/100": a mark out of a whole.
    if matches!(y, 5 | 10 | 20 | 100)
        && x <= y
        && (rating_before(cx, i) || cx.next_word(end) == Some("stars"))
        && !ord_suffix
    {
        let spoken = format!("{} out of {}", read_int(a, false), read_int(b, false));
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    // "odds of 7/2", "the odds are 3/1 on": fractional betting odds, "seven to two".
    if !ord_suffix && odds_before(cx, i) {
        let spoken = format!("{} to {}", read_int(a, false), read_int(b, false));
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    let mixed = cx.is_space(i.wrapping_sub(1))
        && i.checked_sub(2)
            .is_some_and(|p| cx.digits(p).is_some() && !cx.is_punct(p.wrapping_sub(1), '/'));
    let denom = y
        .checked_sub(2)
        .and_then(|k| DENOMINATORS.get(k as usize))
        .or(match y {
            // Inch fractions; no day of the month is this large, so "31/32" is no date.
            32 => Some(&("thirty-second", "thirty-seconds")),
            64 => Some(&("sixty-fourth", "sixty-fourths")),
            _ => None,
        })
        // Proper fractions; improper ones after a whole number ("3 5/2") or marked
        // by a suffix ("2/4th") too.
        .filter(|_| x >= 1 && (x < y || mixed || ord_suffix) && !a.starts_with('0'));
    // "a 3/4-mile walk", "the 1/2-price sale": a fraction compounded with a noun
    // is singular ("three quarter-mile", "half-price").
    let compound = cx.is_punct(end, '-')
        && cx
            .word(end + 1)
            .is_some_and(|w| w.starts_with(char::is_lowercase));
    let spoken = match denom {
        Some((one, _)) if compound && !mixed => {
            if x == 1 && y == 2 {
                "half".to_string()
            } else {
                format!("{} {one}", read_int(a, false))
            }
        }
        Some((one, _)) if x == 1 && mixed && y == 2 => "and a half".to_string(),
        Some((one, _)) if x == 1 => {
            format!("{}one {one}", if mixed { "and " } else { "" })
        }
        Some((_, many)) => format!(
            "{}{} {many}",
            if mixed { "and " } else { "" },
            read_int(a, false)
        ),
        None => format!("{} {}", read_int(a, false), read_int(b, false)),
    };
    let (mut spoken, mut end) = (spoken, end);
    // "1/2 cup" → "half a cup", "3/4 tsp" → "three quarters of a teaspoon", "1/2 hour"
    // → "half an hour": a fraction of one measure, said as a newsreader does.
    if denom.is_some()
        && !mixed
        && !compound
        && !ord_suffix
        && !cx.after_article(i)
        && !cx
            .prev_word(i)
            .is_some_and(|w| w.eq_ignore_ascii_case("the"))
    {
        let unit = super::measure::unit_tail(cx, end, true).or_else(|| {
            let n = cx.word(end + 1).filter(|n| MEASURE_NOUNS.contains(n))?;
            (cx.is_space(end)
                && !matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits))
                && !cx.is_punct(end + 2, '-'))
            .then(|| (format!(" {n}"), end + 2))
        });
        if let Some((u, e)) = unit {
            let u = u.trim_start();
            let article = if u.starts_with(['a', 'e', 'i', 'o', 'u']) || u.starts_with("hour") {
                "an"
            } else {
                "a"
            };
            let spoken = match denom {
                _ if x == 1 && y == 2 => format!("half {article} {u}"),
                Some((one, _)) if x == 1 => format!("a {one} of {article} {u}"),
                _ => format!("{spoken} of {article} {u}"),
            };
            return Some(Match::new(e, spoken, Class::Cardinal));
        }
    }
    if denom.is_some() {
        if let Some((u, e)) = super::measure::unit_tail(cx, end, false) {
            spoken.push_str(&u);
            end = e;
        } else if cx.is_punct(end, '"')
            && !cx.quote_open.get(end).copied().unwrap_or(true)
            && !matches!(cx.kind(end + 1), Some(Kind::Word | Kind::Digits))
        {
            // `3/8"`, `1 1/2"`: inches, when no quotation is open for the mark to close;
            // before a noun it describes, "inch" ("a 3/8" drill bit").
            let noun = cx.next_word(end + 1).is_some_and(|n| {
                n.chars().all(|c| c.is_ascii_lowercase())
                    && !matches!(
                        n,
                        "and"
                            | "or"
                            | "of"
                            | "in"
                            | "to"
                            | "is"
                            | "was"
                            | "long"
                            | "wide"
                            | "thick"
                            | "deep"
                            | "tall"
                            | "high"
                    )
            });
            spoken.push_str(match (noun, mixed) {
                (true, _) => " inch",
                (false, true) => " inches",
                (false, false) => " of an inch",
            });
            end += 1;
        }
    }
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// Nouns of a measure that a fraction before them takes as "of a": "1/2 cup" → "half
/// a cup", "1/4 teaspoon", "1/2 dozen".
const MEASURE_NOUNS: &[&str] = &[
    "cup",
    "inch",
    "mile",
    "pound",
    "ounce",
    "gallon",
    "acre",
    "percent",
    "teaspoon",
    "tablespoon",
    "stick",
    "pint",
    "quart",
    "dozen",
    "hour",
    "day",
    "minute",
    "second",
    "glass",
    "loaf",
    "lemon",
    "lime",
    "onion",
    "page",
];

/// Whether "odds" stands up to three words before token `i` ("odds of 7/2", "the
/// odds are 3/1", "odds were cut to 5/1").
fn odds_before(cx: &Ctx<'_>, i: usize) -> bool {
    cx.word_within(i, 3, |w| w.eq_ignore_ascii_case("odds"))
}

/// Whether "BP" or "pressure" comes up to three words before token `i` ("BP was",
/// "blood pressure of", "pressure at").
fn pressure_before(cx: &Ctx<'_>, i: usize) -> bool {
    cx.word_within(i, 3, |w| {
        matches!(w, "BP" | "bp") || w.eq_ignore_ascii_case("pressure")
    })
}

/// Whether a word of marking comes up to three words before token `i` ("rated it",
/// "gave the film", "a score of", "scored").
fn rating_before(cx: &Ctx<'_>, i: usize) -> bool {
    cx.word_within(i, 3, |w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "rated"
                | "rates"
                | "rate"
                | "rating"
                | "scored"
                | "score"
                | "scores"
                | "grade"
                | "graded"
                | "marks"
                | "stars"
        )
    })
}

/// Unicode vulgar fractions: (character, numerator, denominator).
const VULGAR: &[(char, u32, u32)] = &[
    ('½', 1, 2),
    ('⅓', 1, 3),
    ('⅔', 2, 3),
    ('¼', 1, 4),
    ('¾', 3, 4),
    ('⅕', 1, 5),
    ('⅖', 2, 5),
    ('⅗', 3, 5),
    ('⅘', 4, 5),
    ('⅙', 1, 6),
    ('⅚', 5, 6),
    ('⅐', 1, 7),
    ('⅛', 1, 8),
    ('⅜', 3, 8),
    ('⅝', 5, 8),
    ('⅞', 7, 8),
    ('⅑', 1, 9),
    ('⅒', 1, 10),
];

/// The vulgar fraction at token `j`: its words after a whole number ("a half", "three
/// quarters") and on its own ("one half", "three quarters").
fn vulgar_at(cx: &Ctx<'_>, j: usize) -> Option<(String, String)> {
    let c = cx.punct(j)?;
    let &(_, num, den) = VULGAR.iter().find(|(v, _, _)| *v == c)?;
    let (one, many) = DENOMINATORS.get(den.checked_sub(2)? as usize)?;
    Some(if num == 1 {
        (format!("a {one}"), format!("one {one}"))
    } else {
        let n = read_int(&num.to_string(), false);
        (format!("{n} {many}"), format!("{n} {many}"))
    })
}

/// "4½", "4 ½ years" → "four and a half", "3¾" → "three and three quarters"; "½" alone
/// → "one half". Units after it are read too ("2½ km").
pub(crate) fn match_vulgar(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let (spoken, mut end) = match cx.digits(i) {
        Some(d) => {
            if cx.glued_before(i) || d.len() > 1 && d.starts_with('0') {
                return None;
            }
            let at = if cx.is_space(i + 1) { i + 2 } else { i + 1 };
            let (after_whole, _) = vulgar_at(cx, at)?;
            (format!("{} and {after_whole}", read_int(d, false)), at + 1)
        }
        None => (vulgar_at(cx, i)?.1, i + 1),
    };
    let mut spoken = spoken;
    if let Some((u, e)) = super::measure::unit_tail(cx, end, false) {
        spoken.push_str(&u);
        end = e;
    }
    Some(Match::new(end, spoken, Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn fractions_and_pairs() {
        assert_eq!(n("1/2"), "one half");
        assert_eq!(n("3/4 of"), "three quarters of");
        assert_eq!(n("4 1/2 years"), "four and a half years");
        assert_eq!(n("3 2/3"), "three and two thirds");
        assert_eq!(n("24/7"), "twenty-four seven");
        assert_eq!(n("9/11"), "nine eleven");
        assert_eq!(n("1/2/3"), "one/two/three");
        assert_eq!(n("12/kg"), "twelve per kilogram");
        assert_eq!(n("0/5"), "zero five");
        assert_eq!(n("1/4th"), "one quarter");
        assert_eq!(n("3 5/2"), "three and five halves");
        assert_eq!(n("31/32"), "thirty-one thirty-seconds");
        assert_eq!(n("1/64"), "one sixty-fourth");
        assert_eq!(n("40/60"), "forty sixty");
    }

    #[test]
    fn vulgar_fractions() {
        assert_eq!(
            n("She was sentenced to 4½ years."),
            "She was sentenced to four and a half years."
        );
        assert_eq!(n("3 ¾ miles"), "three and three quarters miles");
        assert_eq!(n("2⅓"), "two and a third");
        assert_eq!(n("½ of voters"), "one half of voters");
        assert_eq!(n("⅔ majority"), "two thirds majority");
        assert_eq!(n("2½km"), "two and a half kilometers");
        assert_eq!(n("x½"), "x one half");
    }
}
