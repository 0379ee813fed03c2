//! Roman numerals where context makes them numbers: regnal names ("Henry VIII" →
//! "Henry the eighth") and numbered things ("World War II" → "World War two", "Super
//! Bowl LVIII" → "Super Bowl fifty-eight", "Part III"). The pronoun "I" is never a
//! numeral unless a regnal name stands right before it ("Elizabeth I").

use super::words::{cardinal_u64, ordinalize};
use super::{Class, Ctx, Match};

/// Words after which a numeral counts something: read as a cardinal.
const COUNTED: &[&str] = &[
    "war",
    "part",
    "chapter",
    "bowl",
    "act",
    "phase",
    "title",
    "article",
    "volume",
    "vol",
    "book",
    "section",
    "stage",
    "grade",
    "type",
    "class",
    "mark",
    "apollo",
    "schedule",
    "annex",
    "level",
    "tier",
    "category",
    "season",
    "episode",
    "round",
    "vatican",
    "star",
    "scene",
    "division",
    "league",
    "group",
    "model",
    "series",
    "version",
    "generation",
    "appendix",
    "gladiator",
    "rocky",
    "auto",
    "fantasy",
    "civilization",
    "battlefield",
    "saga",
];

/// Names that take a single-letter numeral ("Elizabeth I", "Nicholas V").
const REGNAL: &[&str] = &[
    "Elizabeth",
    "Charles",
    "Henry",
    "Francis",
    "Napoleon",
    "James",
    "William",
    "George",
    "Edward",
    "Richard",
    "Louis",
    "Peter",
    "Catherine",
    "Nicholas",
    "Alexander",
    "John",
    "Paul",
    "Benedict",
    "Pius",
    "Leo",
    "Mary",
    "Philip",
    "Frederick",
    "Ferdinand",
    "Wilhelm",
    "Victor",
    "Felipe",
    "Juan",
    "Carl",
    "Harald",
    "Olaf",
    "Gregory",
    "Innocent",
    "Clement",
    "Urban",
    "Boniface",
    "Sixtus",
    "Constantine",
    "Ivan",
    "Selim",
    "Mehmed",
];

fn value_of(c: char) -> Option<u64> {
    Some(match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => return None,
    })
}

/// Value of a well-formed Roman numeral (canonical form only: "IIII" and "IC" are not).
pub(crate) fn parse_roman(w: &str) -> Option<u64> {
    // Checked before collecting, so ordinary words cost no allocation.
    if w.is_empty() || w.len() > 15 || w.chars().any(|c| value_of(c).is_none()) {
        return None;
    }
    let vals: Vec<u64> = w.chars().map(value_of).collect::<Option<_>>()?;
    let (mut plus, mut minus) = (0u64, 0u64);
    for (k, &v) in vals.iter().enumerate() {
        match vals.get(k + 1) {
            Some(&next) if next > v => minus += v,
            _ => plus += v,
        }
    }
    let total = plus.checked_sub(minus)?;
    // Round-trip check rejects malformed numerals.
    (to_roman(total)? == w).then_some(total)
}

fn to_roman(mut n: u64) -> Option<String> {
    if n == 0 || n > 3999 {
        return None;
    }
    const TABLE: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    Some(s)
}

/// A Roman numeral at token `i`, read by the word before it.
pub(crate) fn match_roman(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    if cx.glued_before(i) || matches!(cx.kind(i + 1), Some(super::scanner::Kind::Digits)) {
        return None;
    }
    // "I'm", "I-5" are not numerals; "Francis I--test" is.
    if matches!(cx.punct(i + 1), Some('\'' | '’')) && cx.word(i + 2).is_some() {
        return None;
    }
    if cx.is_punct(i + 1, '-') && cx.digits(i + 2).is_some() {
        return None;
    }
    let value = parse_roman(w)?;
    // "Henry V. was crowned", "George III., was ill": the old style's period
    // after a numeral that the sentence goes on after is the numeral's own.
    let end = if cx.is_punct(i + 1, '.')
        && (matches!(cx.punct(i + 2), Some(',' | ';' | ')'))
            || (cx.is_space(i + 2)
                && cx
                    .word(i + 3)
                    .is_some_and(|n| n.starts_with(char::is_lowercase))))
    {
        i + 2
    } else {
        i + 1
    };
    let prev = cx.prev_word(i)?;
    if COUNTED.contains(&prev.to_lowercase().as_str()) {
        return Some(Match::new(end, cardinal_u64(value), Class::Cardinal));
    }
    let name = {
        let mut cs = prev.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
    };
    let short = w.chars().count() == 1;
    // One letter is a middle initial unless it is a regnal number a monarch has
    // ("William C. Wright" is no hundredth William).
    let regnal_ok = if short {
        REGNAL.contains(&prev) && value <= 10
    } else {
        name && value <= 39
    };
    if !regnal_ok {
        return None;
    }
    let spoken = format!("the {}", ordinalize(&cardinal_u64(value)));
    Some(Match::new(end, spoken, Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn numerals() {
        assert_eq!(n("Henry VIII"), "Henry the eighth");
        assert_eq!(n("Elizabeth II died"), "Elizabeth the second died");
        assert_eq!(n("Super Bowl LVIII"), "Super Bowl fifty-eight");
        assert_eq!(n("World War II."), "World War two.");
        assert_eq!(n("Then I said"), "Then I said");
        assert_eq!(n("Elizabeth I"), "Elizabeth the first");
        assert_eq!(n("Washington DC"), "Washington D C");
        assert_eq!(n("Malcolm X"), "Malcolm X");
        assert_eq!(n("Henry IIII"), "Henry IIII");
        assert_eq!(n("Chapter IV"), "Chapter four");
        assert_eq!(n("Title IX"), "Title nine");
        assert_eq!(n("Part XL"), "Part forty");
    }
}
