//! Ordinals: "1st", "22nd", "33rd", "112th", "1,000th".

use super::cardinal::parse_number;
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
