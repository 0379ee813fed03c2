//! Ordinals: "1st", "22nd", "33rd", "112th", "1,000th".

use super::cardinal::parse_number;
use super::scanner::Kind;
use super::words::{cardinal_digits, ordinalize};
use super::{Class, Ctx, Match};

/// The suffix English writes after `int` ("st", "nd", "rd" or "th").
pub(crate) fn expected_suffix(int: &str) -> &'static str {
    let b = int.as_bytes();
    let last = b.last().map(|d| d.wrapping_sub(b'0')).unwrap_or(0);
    let tens = if b.len() >= 2 {
        b.get(b.len() - 2)
            .map(|d| d.wrapping_sub(b'0'))
            .unwrap_or(0)
    } else {
        0
    };
    if tens == 1 {
        return "th";
    }
    match last {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    }
}

/// If token `i` is an ordinal suffix that fits `int`, true.
pub(crate) fn suffix_fits(cx: &Ctx<'_>, i: usize, int: &str) -> bool {
    cx.word(i)
        .is_some_and(|w| w.eq_ignore_ascii_case(expected_suffix(int)))
}

/// Ordinal words for a digit string ("112" → "one hundred twelfth").
pub(crate) fn ordinal_words(int: &str) -> Option<String> {
    cardinal_digits(int).map(|c| ordinalize(&c))
}

/// "21st" → "twenty-first". A wrong suffix ("21th") is not an ordinal; the cardinal
/// matcher reads it as "twenty-one th".
pub(crate) fn match_ordinal(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let lit = parse_number(cx, i)?;
    let leading_zero = lit.int.len() > 1 && lit.int.starts_with('0');
    if lit.frac.is_some() || leading_zero || !suffix_fits(cx, lit.end, &lit.int) {
        return None;
    }
    let spoken = ordinal_words(&lit.int)?;
    Some(Match::new(lit.end + 1, spoken, Class::Ordinal))
}

/// Books of the Bible that come numbered: "1 Corinthians 13" is "First Corinthians".
const NUMBERED_BOOKS: &[&str] = &[
    "Corinthians",
    "Kings",
    "Samuel",
    "Chronicles",
    "Thessalonians",
    "Timothy",
    "Peter",
    "John",
    "Maccabees",
];

/// "1 Corinthians 13", "2 Kings 5", "1 John 4:8": the book's number is an ordinal
/// ("First Corinthians"). A book that is also a name or a plural ("2 John", "3 Kings")
/// needs a chapter number after it.
pub(crate) fn match_numbered_book(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let d = cx.digits(i).filter(|d| matches!(*d, "1" | "2" | "3"))?;
    if !cx.is_space(i + 1) {
        return None;
    }
    let book = cx.word(i + 2).filter(|w| NUMBERED_BOOKS.contains(w))?;
    let chapter_follows = cx.is_space(i + 3) && cx.digits(i + 4).is_some();
    let ambiguous = matches!(book, "John" | "Peter" | "Timothy" | "Samuel" | "Kings");
    if (ambiguous && !chapter_follows) || (d == "3" && !matches!(book, "John" | "Maccabees")) {
        return None;
    }
    let ord = match d {
        "1" => "First",
        "2" => "Second",
        _ => "Third",
    };
    let mut spoken = format!("{ord} {book}");
    let mut end = i + 3;
    // "1 John 4:8": chapter and verse, said "four eight" as a reading is announced.
    if chapter_follows && cx.is_punct(i + 5, ':') {
        let verse = cx.digits(i + 6).filter(|v| v.len() <= 3);
        let chapter = cx.digits(i + 4).filter(|c| c.len() <= 3);
        let said = chapter
            .and_then(cardinal_digits)
            .zip(verse.and_then(cardinal_digits));
        if let Some((c, v)) = said {
            // "13:4-7": a run of verses, "four to seven".
            let last = cx
                .punct(i + 7)
                .filter(|&d| super::is_dash(d))
                .and_then(|_| cx.digits(i + 8))
                .filter(|l| l.len() <= 3)
                .and_then(cardinal_digits);
            let after = if last.is_some() { i + 9 } else { i + 7 };
            if !matches!(cx.kind(after), Some(Kind::Word | Kind::Digits)) {
                spoken = match last {
                    Some(l) => format!("{spoken} {c} {v} to {l}"),
                    None => format!("{spoken} {c} {v}"),
                };
                end = after;
            }
        }
    }
    Some(Match::new(end, spoken, Class::Ordinal))
}

#[cfg(test)]
mod tests {
    use super::expected_suffix;

    #[test]
    fn suffixes() {
        assert_eq!(expected_suffix("1"), "st");
        assert_eq!(expected_suffix("11"), "th");
        assert_eq!(expected_suffix("112"), "th");
        assert_eq!(expected_suffix("121"), "st");
        assert_eq!(expected_suffix("22"), "nd");
        assert_eq!(expected_suffix("0"), "th");
        assert_eq!(expected_suffix(""), "th");
    }
}
