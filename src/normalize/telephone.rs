//! Telephone numbers and IP addresses, read digit by digit in their groups:
//! "+380 44 123 4567" → "plus three eight zero, four four, one two three, four five six
//! seven"; "(555) 123-4567"; "123-45-6789"; "192.168.0.1" → "one nine two dot …".

use super::scanner::Kind;
use super::words::digits_each;
use super::{Class, Ctx, Match};

/// At most this many groups after the country code ("+1 555 123 4567 89").
const MAX_GROUPS: usize = 6;

/// One digit group and the separator that followed it.
struct Group<'a> {
    digits: &'a str,
    paren: bool,
}

/// Read groups starting at `j`: digits or "(digits)", separated by one '-', '.', or a
/// single space. Returns the groups, the separators between them and the end index.
fn groups<'a>(cx: &Ctx<'a>, mut j: usize, allow_space: bool) -> (Vec<Group<'a>>, Vec<char>, usize) {
    let mut gs = Vec::new();
    let mut seps = Vec::new();
    let mut end = j;
    while gs.len() <= MAX_GROUPS {
        let (g, next) = if let Some(d) = cx.digits(j) {
            (
                Group {
                    digits: d,
                    paren: false,
                },
                j + 1,
            )
        } else if cx.is_punct(j, '(') && cx.is_punct(j + 2, ')') {
            match cx.digits(j + 1) {
                Some(d) => (
                    Group {
                        digits: d,
                        paren: true,
                    },
                    j + 3,
                ),
                None => break,
            }
        } else {
            break;
        };
        gs.push(g);
        end = next;
        // Separator to the next group.
        let sep = match cx.tok(next) {
            Some(t) if t.kind == Kind::Punct && matches!(t.text, "-" | "." | "–") => {
                t.text.chars().next().unwrap_or('-')
            }
            Some(t) if t.kind == Kind::Space && t.text == " " && allow_space => ' ',
            Some(t) if t.kind == Kind::Punct && t.text == "(" => {
                seps.push('(');
                j = next;
                continue;
            }
            Some(t) if t.kind == Kind::Digits && gs.last().is_some_and(|g| g.paren) => {
                seps.push(')');
                j = next;
                continue;
            }
            _ => break,
        };
        let after = next + 1;
        let more = cx.digits(after).is_some()
            || (cx.is_punct(after, '(') && cx.digits(after + 1).is_some());
        if !more {
            break;
        }
        seps.push(sep);
        j = after;
    }
    (gs, seps, end)
}

fn speak(gs: &[Group<'_>]) -> String {
    gs.iter()
        .map(|g| digits_each(g.digits))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A North American number, as US broadcast copy reads it: digit by digit, zero as
/// "oh" ("867-5309" → "eight six seven, five three oh nine"), but the toll-free and
/// premium area codes as they are advertised, "1-800-555-0199" → "one eight hundred,
/// five five five, oh one nine nine".
fn speak_us(gs: &[Group<'_>]) -> String {
    let mut out = String::new();
    for (n, g) in gs.iter().enumerate() {
        let area = n + 3 == gs.len();
        let spoken = match g.digits {
            "800" if area => "eight hundred".to_string(),
            "900" if area => "nine hundred".to_string(),
            d => digits_each(d).replace("zero", "oh"),
        };
        if n > 0 {
            // "one eight hundred": the long-distance "1" runs into a spoken area code.
            let runs_on = n == 1 && area && gs[0].digits == "1" && spoken.ends_with("hundred");
            out.push_str(if runs_on { " " } else { ", " });
        }
        out.push_str(&spoken);
    }
    out
}

/// Words that announce a phone number a few words later ("call 867-5309", "Tel:
/// 555-0100", "the toll-free hotline, 555-0199").
const PHONE_WORDS: &[&str] = &[
    "call",
    "calls",
    "called",
    "calling",
    "phone",
    "phoned",
    "telephone",
    "dial",
    "dialed",
    "dialled",
    "dialing",
    "hotline",
    "helpline",
    "tel",
    "toll",
    "fax",
    "texting",
    "number",
    "contact",
    "phones",
];

/// True if one of `PHONE_WORDS` stands within the four words before token `i` (and
/// in the same sentence).
fn phone_context(cx: &Ctx<'_>, i: usize) -> bool {
    let mut j = i;
    let mut words = 0;
    while let Some(p) = j.checked_sub(1) {
        j = p;
        match cx.tok(p) {
            Some(t) if t.kind == Kind::Word => {
                if PHONE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(t.text)) {
                    return true;
                }
                words += 1;
                if words == 4 {
                    return false;
                }
            }
            // A number before ("call 555-0199 or 555-0100") is passed over.
            Some(t) if matches!(t.kind, Kind::Space | Kind::Digits) => {}
            Some(t) if matches!(t.text, ":" | "," | "-" | "(" | "'" | ".") => {}
            _ => return false,
        }
    }
    false
}

fn clean_end(cx: &Ctx<'_>, end: usize) -> bool {
    match cx.kind(end) {
        Some(Kind::Word | Kind::Digits) => false,
        Some(Kind::Punct) => {
            !(matches!(cx.punct(end), Some('-' | '.' | '/')) && cx.digits(end + 1).is_some())
        }
        _ => true,
    }
}

/// Telephone numbers and IPv4 addresses at token `i`.
pub(crate) fn match_telephone(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) {
        return None;
    }
    if let Some(p) = i.checked_sub(1) {
        if matches!(cx.punct(p), Some('.' | '-' | '/' | '$' | '+')) && cx.tok(i)?.text != "+" {
            return None;
        }
    }
    if cx.is_punct(i, '+') {
        let cc = cx.digits(i + 1).filter(|d| d.len() <= 3)?;
        let mut j = i + 2;
        // "+1 (123)", "+1-123", "+1(123)", "+380 44".
        match cx.punct(j) {
            Some('-' | '.') => j += 1,
            Some('(') => {}
            _ if cx.is_space(j) => j += 1,
            _ => return None,
        }
        let (gs, _, end) = groups(cx, j, true);
        let total: usize = gs.iter().map(|g| g.digits.len()).sum();
        if gs.len() < 2 || !(6..=12).contains(&total) || !clean_end(cx, end) {
            return None;
        }
        let spoken = if cc == "1" {
            format!("plus one, {}", speak_us(&gs))
        } else {
            format!("plus {}, {}", digits_each(cc), speak(&gs))
        };
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    let paren_first = cx.is_punct(i, '(');
    if !paren_first && cx.digits(i).is_none() {
        return None;
    }
    // National numbers with a trunk zero, in space-separated groups: "020 7946 0958",
    // "0800 123 4567", "0 800 500 335", "044 123 45 67".
    if cx.digits(i).is_some_and(|d| d.starts_with('0')) {
        let (gs, seps, end) = groups(cx, i, true);
        let total: usize = gs.iter().map(|g| g.digits.len()).sum();
        if gs.len() >= 3
            && (9..=11).contains(&total)
            && gs
                .iter()
                .all(|g| (1..=4).contains(&g.digits.len()) && !g.paren)
            && seps.iter().all(|&c| c == ' ')
            && clean_end(cx, end)
        {
            return Some(Match::new(end, speak(&gs), Class::Cardinal));
        }
    }
    let (gs, seps, end) = groups(cx, i, paren_first);
    if !clean_end(cx, end) || gs.len() < 2 {
        return None;
    }
    let lens: Vec<usize> = gs.iter().map(|g| g.digits.len()).collect();
    // IPv4: four dotted groups of one to three digits.
    if gs.len() == 4 && seps.iter().all(|&s| s == '.') && lens.iter().all(|&l| l <= 3) {
        let spoken = gs
            .iter()
            .map(|g| digits_each(g.digits))
            .collect::<Vec<_>>()
            .join(" dot ");
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    let same_sep = seps.windows(2).all(|w| w[0] == w[1] || w[0] == ')');
    let phone = match lens.as_slice() {
        [3, 3, 4, rest @ ..] => rest.iter().all(|&l| l <= 4) && (paren_first || same_sep),
        [3, 2, 4] | [1, 3, 3, 4] => seps.iter().all(|&s| s == '-'),
        // "call 867-5309": a seven-digit local number after a word that announces it.
        [3, 4] => paren_first || (seps == ['-'] && phone_context(cx, i)),
        _ => false,
    };
    if !phone || seps.contains(&'–') {
        return None;
    }
    // North American numbers (the 3-3-4 plan, with its "1" or not) read zero as "oh";
    // the 3-2-4 Social Security pattern is no phone number and keeps "zero".
    let us = match lens.as_slice() {
        [3, 3, 4] | [3, 4] => true,
        [1, 3, 3, 4] => gs.first().is_some_and(|g| g.digits == "1"),
        _ => false,
    };
    let spoken = if us { speak_us(&gs) } else { speak(&gs) };
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// "call 911", "dial 311", "text 988": emergency and service numbers after a calling
/// verb, read digit by digit.
fn emergency_number(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    // "9-1-1", "9-8-8": the number spelled out with hyphens, said digit by digit.
    let spelled: Option<String> = (0..3)
        .map(|k| {
            let d = cx.digits(i + 2 * k).filter(|d| d.len() == 1)?;
            (k == 2 || cx.is_punct(i + 2 * k + 1, '-')).then_some(d)
        })
        .collect();
    if let Some(d) = spelled.filter(|d| matches!(d.as_str(), "911" | "999" | "988" | "112")) {
        // Or a won-lost-tied record ("went 9-1-1", "a 9-1-1 record").
        let record = cx
            .prev_word(i)
            .is_some_and(|p| matches!(p, "went" | "record" | "go" | "goes" | "finished"))
            || cx.next_word(i + 5).is_some_and(|n| n == "record");
        if !cx.glued_before(i) && clean_end(cx, i + 5) {
            // A record is said with its hyphens: "nine-one-one".
            let said = digits_each(&d);
            let said = if record { said.replace(' ', "-") } else { said };
            return Some(Match::new(i + 5, said, Class::Cardinal));
        }
    }
    let d = cx.digits(i).filter(|d| {
        matches!(
            *d,
            "911"
                | "112"
                | "999"
                | "101"
                | "102"
                | "103"
                | "211"
                | "311"
                | "411"
                | "511"
                | "711"
                | "811"
                | "988"
        )
    })?;
    // "a 911 call", "the 911 dispatcher": the service named before what it handles.
    let service_noun = cx.next_word(i + 1).is_some_and(|n| {
        matches!(
            n,
            "call"
                | "calls"
                | "caller"
                | "callers"
                | "dispatcher"
                | "dispatchers"
                | "dispatch"
                | "operator"
                | "operators"
                | "center"
                | "centre"
                | "system"
                | "line"
                | "hotline"
                | "services"
                | "service"
                | "outage"
        )
    });
    if service_noun && d != "101" {
        return Some(Match::new(i + 1, digits_each(d), Class::Cardinal));
    }
    let verb = cx.prev_word(i)?.to_ascii_lowercase();
    if !matches!(
        verb.as_str(),
        "call"
            | "called"
            | "calling"
            | "calls"
            | "dial"
            | "dialed"
            | "dialled"
            | "dialing"
            | "dialling"
            | "text"
            | "texted"
            | "texting"
    ) || !clean_end(cx, i + 1)
    {
        return None;
    }
    Some(Match::new(i + 1, digits_each(d), Class::Cardinal))
}

/// "ending in 8876": the last digits of a card or account, read one by one.
pub(crate) fn match_card_digits(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if let Some(m) = emergency_number(cx, i) {
        return Some(m);
    }
    let d = cx.digits(i).filter(|d| d.len() == 4)?;
    let w1 = cx.prev_word(i)?;
    let w0 = cx.prev_word(i.checked_sub(2)?)?;
    if !(w1 == "in" && matches!(w0, "ending" | "ends") && clean_end(cx, i + 1)) {
        return None;
    }
    Some(Match::new(i + 1, digits_each(d), Class::Cardinal))
}

/// "ISBN 978-0-131-40221-8", "ISBN: 0-684-13558-X", "ISBN-13 9780131402218": the
/// book number, read digit by digit with zero as "oh", as a phone number is, the
/// check letter "X" said as a letter.
pub(crate) fn match_isbn(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.word(i)? != "ISBN" || i.checked_sub(1).is_some_and(|p| cx.word(p).is_some()) {
        return None;
    }
    let mut j = i + 1;
    let mut said = String::from("I S B N");
    // "-10", "-13": the kind of number.
    if cx.is_punct(j, '-') {
        if let Some(kind) = cx.digits(j + 1).filter(|d| matches!(*d, "10" | "13")) {
            said.push(' ');
            said.push_str(if kind == "10" { "ten" } else { "thirteen" });
            j += 2;
        }
    }
    if cx.is_punct(j, ':') {
        j += 1;
    }
    if !cx.is_space(j) {
        return None;
    }
    j += 1;
    let mut digits = 0usize;
    let mut end = j;
    let mut groups: Vec<String> = Vec::new();
    loop {
        if let Some(d) = cx.digits(end) {
            digits += d.len();
            groups.push(digits_each(d).replace("zero", "oh"));
            end += 1;
        } else if digits >= 9 && cx.word(end).is_some_and(|w| w == "X" || w == "x") {
            groups.push("X".to_string());
            end += 1;
            break;
        } else {
            break;
        }
        if cx.is_punct(end, '-') && matches!(cx.kind(end + 1), Some(Kind::Digits | Kind::Word)) {
            end += 1;
        } else {
            break;
        }
    }
    // A dangling hyphen was taken for a group that is not there.
    if cx.is_punct(end.checked_sub(1)?, '-') {
        end -= 1;
    }
    if !(9..=13).contains(&digits) || matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) {
        return None;
    }
    said.push(' ');
    said.push_str(&groups.join(" "));
    Some(Match::new(end, said, Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn phones() {
        assert_eq!(
            n("+380 44 123 4567"),
            "plus three eight zero, four four, one two three, four five six seven"
        );
        assert_eq!(
            n("(555) 123-4567"),
            "five five five, one two three, four five six seven"
        );
        assert_eq!(n("1.2.3.4"), "one dot two dot three dot four");
        assert_eq!(n("2023-10-07"), "October seventh, twenty twenty-three");
        assert_eq!(
            n("in 2024 123 people"),
            "in twenty twenty-four one hundred twenty-three people"
        );
        assert_eq!(n("+"), "plus");
        assert_eq!(n("Please call 911 now."), "Please call nine one one now.");
        assert_eq!(n("(1"), "(one");
    }
}
