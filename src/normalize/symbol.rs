//! Symbols read as words: "&" → "and", "=" → "equals", "+" between terms → "plus",
//! "±" → "plus or minus", "×"/"*" between numbers → "times", "~5" → "about five",
//! "§" → "section", "and/or" → "and or", "his/her" → "his or her". Typographic
//! quotes, dashes and ellipses are passed through untouched.

use super::scanner::Kind;
use super::words::is_number_word;
use super::{Class, Ctx, Match};

/// Word pairs around "/" that mean "or".
const OR_PAIRS: &[(&str, &str)] = &[("his", "her"), ("he", "she"), ("him", "her"), ("s", "he")];

fn alnum(cx: &Ctx<'_>, i: Option<usize>) -> bool {
    i.is_some_and(|i| matches!(cx.kind(i), Some(Kind::Word | Kind::Digits)))
}

/// The term on either side of an operator: glued ("2+3") or one space away ("x + 1").
fn term_before(cx: &Ctx<'_>, i: usize) -> bool {
    let p = i.checked_sub(1);
    alnum(cx, p) || (p.is_some_and(|p| cx.is_space(p)) && alnum(cx, i.checked_sub(2)))
}
fn term_after(cx: &Ctx<'_>, i: usize) -> bool {
    alnum(cx, Some(i + 1)) || (cx.is_space(i + 1) && alnum(cx, Some(i + 2)))
}

fn digits_after(cx: &Ctx<'_>, i: usize) -> bool {
    cx.digits(i + 1).is_some() || (cx.is_space(i + 1) && cx.digits(i + 2).is_some())
}

/// A symbol at token `i`, read as a word.
pub(crate) fn match_symbol(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let c = cx.punct(i)?;
    let prev_digits = i.checked_sub(1).and_then(|p| cx.digits(p)).is_some();
    // These readings never look at what comes before the symbol (except a line start),
    // since a first pass may turn that into words ("$+" → "dollar+"), and a second pass
    // must read the same.
    let alnum_after = alnum(cx, Some(i + 1));
    let line_start = i
        .checked_sub(1)
        .is_none_or(|p| cx.is_punct(p, '\n') || cx.is_punct(p, '\r'));
    // Nor when punctuation glues them to a word after ("#.com"): the word read would
    // then make an address the second pass reads differently ("hash.com").
    let glued_on = |j: usize| {
        cx.punct(j)
            .is_some_and(|p| matches!(p, '.' | '@' | ':' | '/' | '_'))
            && cx.word(j + 1).is_some()
    };
    // "pens, paper, &c.": the old way of writing "et cetera".
    if c == '&'
        && cx.word(i + 1) == Some("c")
        && cx.is_punct(i + 2, '.')
        && i.checked_sub(1).is_none_or(|p| cx.word(p).is_none())
    {
        return Some(Match::new(i + 3, "et cetera".to_string(), Class::Cardinal));
    }
    if c == '+' && cx.is_punct(i + 1, '+') && !alnum(cx, Some(i + 2)) && !glued_on(i + 2) {
        // "C++", "g++".
        return Some(Match::new(i + 2, "plus plus".to_string(), Class::Cardinal));
    }
    let word = match c {
        '&' => "and",
        '±' => "plus or minus",
        '§' => "section",
        '=' if term_before(cx, i) || term_after(cx, i) => "equals",
        '+' if term_before(cx, i) && digits_after(cx, i) => "plus",
        // "Disney+", "18+", "an A+ grade", "13+%".
        '+' if !alnum_after && !glued_on(i + 1) && !cx.is_punct(i + 1, '+') => "plus",
        // "C#", "F#": the language names.
        '#' if !alnum_after
            && !glued_on(i + 1)
            && i.checked_sub(1)
                .and_then(|p| cx.word(p))
                .is_some_and(|w| w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase())) =>
        {
            "sharp"
        }
        // "the # of cases": the sign for "number".
        '#' if cx.is_space(i + 1) && cx.word(i + 2) == Some("of") => "number",
        // Any other "#" (hashtags, "#1" and "C#" are read before this), except a
        // Markdown-style heading mark at a line start: "dfsd#sfgsfd", "#mytext#".
        '#' if !(line_start && cx.is_space(i + 1)) => "hash",
        // "$" that is no amount (money is matched first): "test$", "$$", "a$b".
        '$' => "dollar",
        '×' if term_before(cx, i) && digits_after(cx, i) => "times",
        '*' if prev_digits && cx.digits(i + 1).is_some() => "times",
        '~' if (cx.digits(i + 1).is_some()
            || (matches!(cx.punct(i + 1), Some('$' | '£' | '€' | '¥'))
                && cx.digits(i + 2).is_some()))
            && !alnum(cx, i.checked_sub(1)) =>
        {
            "about"
        }
        // "@12", "12@"; between numbers a price or rate ("3@$5", "$12@12%").
        '@' if !alnum(cx, i.checked_sub(1))
            || !alnum(cx, Some(i + 1))
            || (prev_digits && cx.digits(i + 1).is_some()) =>
        {
            "at"
        }
        // "%" that no number took: "%AA", "¥#%".
        '%' => "percent",
        // A currency sign with no amount after it ("€₩£", "£ and $").
        c if super::money::sign_name(c).is_some() && !digits_after(cx, i) => {
            super::money::sign_name(c)?
        }
        // A slash that starts a run of signs ("/$€", "/#"): each sign is read.
        '/' if i
            .checked_sub(1)
            .is_none_or(|p| cx.is_space(p) || line_start)
            && cx.punct(i + 1).is_some_and(|n| {
                matches!(n, '$' | '#' | '%') || super::money::sign_name(n).is_some()
            }) =>
        {
            "slash"
        }
        '/' => {
            // Only fixed word pairs: a generic "slash" reading would change with the
            // context a first pass creates ("4th/5" → "th/five"), breaking idempotence.
            let a = cx.word(i.checked_sub(1)?)?;
            let b = cx.word(i + 1)?;
            // "AC/DC", "HIV/AIDS", "TCP/IP": capital names on both sides are said
            // one after the other.
            let caps =
                |w: &str| (2..=5).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_uppercase());
            if caps(a) && caps(b) && !matches!(cx.kind(i + 2), Some(Kind::Digits)) {
                return Some(Match::new(i + 1, String::new(), Class::Cardinal));
            }
            if a == "and" && b == "or" {
                // "and/or": the "or" is already written.
                return Some(Match::new(i + 2, "or".to_string(), Class::Cardinal));
            }
            if !OR_PAIRS.iter().any(|(x, y)| *x == a && *y == b) {
                return None;
            }
            "or"
        }
        _ => return None,
    };
    // The caller puts a space between this word and a letter or digit on either side.
    let spoken = word.to_string();
    Some(Match::new(i + 1, spoken, Class::Cardinal))
}

/// The run of at least two lowercase letters that ends right before byte `end` of `s`,
/// if it is not glued to a digit, dot, at-sign or colon (which would make it part of a
/// code or an address).
fn lower_word_before(s: &str, end: usize) -> Option<&str> {
    let head = s.get(..end)?;
    let mut start = end;
    for (pos, c) in head.char_indices().rev() {
        if !c.is_alphabetic() {
            if c.is_ascii_digit() || matches!(c, '.' | '@' | ':' | '_') {
                return None;
            }
            break;
        }
        if !c.is_lowercase() {
            return None;
        }
        start = pos;
    }
    head.get(start..).filter(|w| w.chars().nth(1).is_some())
}

/// The run of at least two lowercase letters that starts at byte `start` of `s`, with the
/// same conditions as [`lower_word_before`] on its far end.
fn lower_word_after(s: &str, start: usize) -> Option<&str> {
    let tail = s.get(start..)?;
    let mut end = tail.len();
    for (pos, c) in tail.char_indices() {
        if !c.is_alphabetic() {
            if c.is_ascii_digit() || matches!(c, '.' | '@' | ':' | '_') {
                return None;
            }
            end = pos;
            break;
        }
        if !c.is_lowercase() {
            return None;
        }
    }
    tail.get(..end).filter(|w| w.chars().nth(1).is_some())
}

/// Final pass over spoken text: a slash between two lowercase words ("upgrade/update",
/// "upgrade / update", "fourteen/ they're") is read "slash". It runs on the output, so
/// the words a first pass made from digits count too, and a second pass finds nothing
/// left to read (idempotence). Capitalized pairs ("Contributor/Getty") and single
/// letters ("w/o") and numbers on both sides ("thirty-one/one hundred") are kept. Linear: every letter is looked at by at most the two
/// slashes around it.
pub(crate) fn read_word_slashes(s: String) -> String {
    if !s.contains('/') {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0usize;
    for (pos, c) in s.char_indices() {
        if c != '/' || pos < last {
            continue;
        }
        let mut left = pos;
        if s.get(..left).is_some_and(|h| h.ends_with(' ')) {
            left -= 1;
        }
        let mut right = pos + 1;
        if s.get(right..).is_some_and(|t| t.starts_with(' ')) {
            right += 1;
        }
        if left < last {
            continue;
        }
        let (Some(a), Some(b)) = (lower_word_before(&s, left), lower_word_after(&s, right)) else {
            continue;
        };
        // Numbers around a slash are a reference or a pair ("31/31/100"): kept.
        if is_number_word(a) && is_number_word(b) {
            continue;
        }
        out.push_str(s.get(last..left).unwrap_or(""));
        out.push_str(" slash ");
        last = right;
    }
    if last == 0 {
        return s;
    }
    out.push_str(s.get(last..).unwrap_or(""));
    out
}

/// Greek letters, lower and upper case, in alphabet order.
const GREEK: &[(char, char, &str)] = &[
    ('α', 'Α', "alpha"),
    ('β', 'Β', "beta"),
    ('γ', 'Γ', "gamma"),
    ('δ', 'Δ', "delta"),
    ('ε', 'Ε', "epsilon"),
    ('ζ', 'Ζ', "zeta"),
    ('η', 'Η', "eta"),
    ('θ', 'Θ', "theta"),
    ('ι', 'Ι', "iota"),
    ('κ', 'Κ', "kappa"),
    ('λ', 'Λ', "lambda"),
    ('μ', 'Μ', "mu"),
    ('ν', 'Ν', "nu"),
    ('ξ', 'Ξ', "xi"),
    ('ο', 'Ο', "omicron"),
    ('π', 'Π', "pi"),
    ('ρ', 'Ρ', "rho"),
    ('σ', 'Σ', "sigma"),
    ('ς', 'Σ', "sigma"),
    ('τ', 'Τ', "tau"),
    ('υ', 'Υ', "upsilon"),
    ('φ', 'Φ', "phi"),
    ('χ', 'Χ', "chi"),
    ('ψ', 'Ψ', "psi"),
    ('ω', 'Ω', "omega"),
];

/// A Greek letter standing alone ("the value of Δ", "α and β particles", "an
/// ω-3 acid"): its name, which no English voice would otherwise say. Greek words
/// are left to the voice.
pub(crate) fn match_greek(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    let mut cs = w.chars();
    let (Some(c), None) = (cs.next(), cs.next()) else {
        return None;
    };
    let &(_, _, name) = GREEK.iter().find(|(lo, up, _)| c == *lo || c == *up)?;
    if i.checked_sub(1).is_some_and(|p| cx.word(p).is_some()) || cx.word(i + 1).is_some() {
        return None;
    }
    Some(Match::new(i + 1, name.to_string(), Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn symbols() {
        assert_eq!(n("Johnson & Johnson"), "Johnson and Johnson");
        assert_eq!(n("AT&T"), "A T and T");
        assert_eq!(n("2+3"), "two plus three");
        assert_eq!(n("1-2=5"), "one minus two equals five");
        assert_eq!(n("y=x +1"), "y equals x plus one");
        assert_eq!(n("and/or"), "and or");
        assert_eq!(n("his/her"), "his or her");
        assert_eq!(n("Contributor/Getty"), "Contributor/Getty");
        assert_eq!(n("±3%"), "plus or minus three percent");
        assert_eq!(n("~5 km"), "about five kilometers");
        assert_eq!(n("2*8"), "two times eight");
        assert_eq!(n("$ and 5% or %"), "dollar and five percent or percent");
        assert_eq!(n("13+%"), "thirteen plus percent");
        assert_eq!(n("C++ and f++"), "C plus plus and f plus plus");
        assert_eq!(n("Disney+ and 18+."), "Disney plus and eighteen plus.");
        assert_eq!(n("C# or F#"), "C sharp or F sharp");
        assert_eq!(n("#mytext#"), "hash mytext hash");
        assert_eq!(n("dfsd#sfgsfd$"), "dfsd hash sfgsfd dollar");
        assert_eq!(
            n("/$€₩£BB¥#%AA"),
            "slash dollar euro won pound B B yen hash percent A A"
        );
        assert_eq!(n("test$"), "test dollar");
        assert_eq!(n("dfsd$$ sfgsfd$"), "dfsd dollar dollar sfgsfd dollar");
        assert_eq!(n("$No.12"), "dollar number twelve");
        assert_eq!(n("# Title"), "# Title");
        assert_eq!(n("0#+"), "zero hash plus");
        assert_eq!(n("US#.may"), "U S hash dot may");
        assert_eq!(n("@12"), "at twelve");
        assert_eq!(n("12@"), "twelve at");
        assert_eq!(n("$12@12%"), "twelve dollars at twelve percent");
        assert_eq!(n("3@$5"), "three at five dollars");
    }

    #[test]
    fn slash_between_lowercase_words() {
        assert_eq!(n("upgrade/update"), "upgrade slash update");
        assert_eq!(n("upgrade / update"), "upgrade slash update");
        assert_eq!(
            n("upgrade/update/downgrade"),
            "upgrade slash update slash downgrade"
        );
        assert_eq!(n("14/ they're"), "fourteen slash they're");
        assert_eq!(n("x/y"), "x/y");
        // The shorthand is read as its word (abbrev.rs).
        assert_eq!(n("w/o"), "without");
        assert_eq!(n("Contributor/Getty"), "Contributor/Getty");
        assert_eq!(n("a/"), "a/");
        assert_eq!(n("é/"), "é/");
        assert_eq!(n("/é"), "/é");
        assert_eq!(n("ab /"), "ab /");
    }
}
