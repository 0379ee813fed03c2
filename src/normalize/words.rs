//! Numbers → English words. Shared by every semiotic class.
//!
//! Works on digit strings rather than machine integers so that arbitrarily long
//! grouped numbers ("124,444,234,854,823,834,553") never overflow.

pub(super) const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
pub(super) const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
pub(super) const SCALES: [&str; 12] = [
    "",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
];

/// True if `w` is a number word ("one", "twenty", "hundred", "oh"), as the spoken form
/// of a number ends or starts.
pub fn is_number_word(w: &str) -> bool {
    ONES.contains(&w)
        || TENS.iter().any(|t| !t.is_empty() && *t == w)
        || SCALES.iter().any(|t| !t.is_empty() && *t == w)
        || w == "hundred"
        || w == "oh"
}

/// The word for a single digit 0–9 (anything larger is clamped to "nine").
pub fn digit_word(d: u32) -> &'static str {
    ONES.get(d as usize).copied().unwrap_or("nine")
}

/// 0–99 → words, hyphenating compound tens ("twenty-four").
pub fn under_100(n: u32) -> String {
    let n = n % 100;
    if n < 20 {
        return digit_or_teen(n).to_string();
    }
    let tens = TENS.get((n / 10) as usize).copied().unwrap_or("");
    match n % 10 {
        0 => tens.to_string(),
        u => format!("{tens}-{}", digit_or_teen(u)),
    }
}

fn digit_or_teen(n: u32) -> &'static str {
    ONES.get(n as usize).copied().unwrap_or("")
}

/// 0–999 → words, without "and" ("one hundred twenty-four").
pub fn under_1000(n: u32) -> String {
    let n = n % 1000;
    let h = n / 100;
    let r = n % 100;
    match (h, r) {
        (0, _) => under_100(r),
        (_, 0) => format!("{} hundred", digit_word(h)),
        _ => format!("{} hundred {}", digit_word(h), under_100(r)),
    }
}

/// A plain integer → words.
pub fn cardinal_u64(n: u64) -> String {
    cardinal_digits(&n.to_string()).unwrap_or_default()
}

/// A string of ASCII digits → cardinal words. Leading zeros are ignored.
/// Returns `None` for non-digit input, empty input, or numbers too large to name.
pub fn cardinal_digits(digits: &str) -> Option<String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return Some("zero".to_string());
    }
    let vals: Vec<u32> = trimmed.bytes().map(|b| u32::from(b - b'0')).collect();
    let ngroups = vals.len().div_ceil(3);
    if ngroups > SCALES.len() {
        return None;
    }
    // Split into groups of three from the right.
    let first_len = vals.len() - (ngroups - 1) * 3;
    let mut groups = Vec::with_capacity(ngroups);
    let mut acc = 0u32;
    for (k, v) in vals.iter().enumerate() {
        acc = acc * 10 + v;
        let done_first = k + 1 == first_len;
        let done_other = k + 1 > first_len && (k + 1 - first_len).is_multiple_of(3);
        if done_first || done_other {
            groups.push(acc);
            acc = 0;
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        if *g == 0 {
            continue;
        }
        let scale = SCALES.get(ngroups - 1 - gi).copied().unwrap_or("");
        if scale.is_empty() {
            parts.push(under_1000(*g));
        } else {
            parts.push(format!("{} {scale}", under_1000(*g)));
        }
    }
    Some(parts.join(" "))
}

/// Round thousands up to six digits ("2000", "6000", "250000"): said as a number even
/// where other digit runs in a code are read one by one ("t2000", "rtx-6000").
pub fn is_round_thousands(d: &str) -> bool {
    (4..=6).contains(&d.len())
        && d.ends_with("000")
        && !d.starts_with('0')
        && d.bytes().all(|b| b.is_ascii_digit())
}

/// Read every digit on its own: "004" → "zero zero four".
pub fn digits_each(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() * 5);
    for c in digits.chars() {
        if let Some(d) = c.to_digit(10) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(digit_word(d));
        }
    }
    out
}

/// Turn cardinal words into ordinal words: "twenty-one" → "twenty-first",
/// "one hundred twelve" → "one hundred twelfth".
pub fn ordinalize(words: &str) -> String {
    let split = words.rfind([' ', '-']).map(|p| p + 1).unwrap_or(0);
    let (head, last) = words.split_at(split.min(words.len()));
    let last_ord = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        w if w.ends_with('y') => format!("{}ieth", w.trim_end_matches('y')),
        w => format!("{w}th"),
    };
    format!("{head}{last_ord}")
}

/// Plural of the last word, for decades: "nineteen eighty" → "nineteen eighties".
pub fn pluralize_last(words: &str) -> String {
    if let Some(stem) = words.strip_suffix('y') {
        format!("{stem}ies")
    } else if words.ends_with('x') {
        format!("{words}es")
    } else {
        format!("{words}s")
    }
}

/// Two digits read as the tail of a year: 5 → "oh five", 24 → "twenty-four".
pub fn year_tail(n: u32) -> String {
    if n < 10 {
        format!("oh {}", digit_word(n))
    } else {
        under_100(n)
    }
}

/// A year as a newsreader says it.
/// 1906 → "nineteen oh six", 1900 → "nineteen hundred", 2000 → "two thousand",
/// 2005 → "two thousand five", 2010 → "twenty ten", 2024 → "twenty twenty-four".
/// Numbers below 1000 or above 9999 are read as cardinals.
pub fn year_words(y: u32) -> String {
    if !(1000..=9999).contains(&y) {
        return cardinal_u64(u64::from(y));
    }
    let hi = y / 100;
    let lo = y % 100;
    if y.is_multiple_of(1000) || (y / 1000 == 2 && y % 1000 < 10) {
        // 2000, 3000, 2001–2009: "two thousand (one)".
        return cardinal_u64(u64::from(y));
    }
    if y % 1000 < 10 && y < 2000 {
        // 1001–1009: "ten oh five".
        return format!("{} {}", under_100(hi), year_tail(lo));
    }
    if lo == 0 {
        return format!("{} hundred", under_100(hi));
    }
    format!("{} {}", under_100(hi), year_tail(lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals() {
        assert_eq!(cardinal_digits("0").as_deref(), Some("zero"));
        assert_eq!(cardinal_digits("7").as_deref(), Some("seven"));
        assert_eq!(
            cardinal_digits("1250").as_deref(),
            Some("one thousand two hundred fifty")
        );
        assert_eq!(cardinal_digits("1000000").as_deref(), Some("one million"));
        assert_eq!(
            cardinal_digits("123000012").as_deref(),
            Some("one hundred twenty-three million twelve")
        );
        assert_eq!(
            cardinal_digits("124444234854823834553").as_deref(),
            Some("one hundred twenty-four quintillion four hundred forty-four quadrillion two hundred thirty-four trillion eight hundred fifty-four billion eight hundred twenty-three million eight hundred thirty-four thousand five hundred fifty-three")
        );
        assert_eq!(cardinal_digits(""), None);
        assert_eq!(cardinal_digits("12a"), None);
        assert_eq!(cardinal_digits(&"9".repeat(40)), None);
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinalize("one"), "first");
        assert_eq!(ordinalize("twenty-two"), "twenty-second");
        assert_eq!(ordinalize("one hundred twelve"), "one hundred twelfth");
        assert_eq!(ordinalize("twenty"), "twentieth");
        assert_eq!(ordinalize("one thousand"), "one thousandth");
        assert_eq!(ordinalize("zero"), "zeroth");
    }

    #[test]
    fn years() {
        assert_eq!(year_words(1906), "nineteen oh six");
        assert_eq!(year_words(1900), "nineteen hundred");
        assert_eq!(year_words(2000), "two thousand");
        assert_eq!(year_words(2005), "two thousand five");
        assert_eq!(year_words(2010), "twenty ten");
        assert_eq!(year_words(2024), "twenty twenty-four");
        assert_eq!(year_words(1155), "eleven fifty-five");
        assert_eq!(year_words(1000), "one thousand");
        assert_eq!(year_words(1005), "ten oh five");
        assert_eq!(year_words(999), "nine hundred ninety-nine");
    }

    #[test]
    fn digits_one_by_one() {
        assert_eq!(digits_each("004"), "zero zero four");
        assert_eq!(digits_each(""), "");
        assert_eq!(pluralize_last("nineteen eighty"), "nineteen eighties");
        assert_eq!(pluralize_last("six"), "sixes");
        assert_eq!(pluralize_last("ten"), "tens");
    }
}
