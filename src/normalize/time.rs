//! Clock times: "1:34 PM" → "one thirty-four P M", "8:00" → "eight o'clock",
//! "10:05 a.m." → "ten oh five A M", "5pm" → "five P M", "1:01:01" →
//! "one hour one minute and one second".

use super::cardinal::read_int;
use super::scanner::Kind;
use super::words::{digit_word, under_100};
use super::{Class, Ctx, Match};

/// Time zones spelled out letter by letter after a clock time.
pub(crate) const ZONES: &[&str] = &[
    "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "et", "ct", "mt", "pt", "gmt", "utc",
    "bst", "cet", "cest", "eet", "eest", "msk", "ist", "jst", "aest",
];

/// "A M"/"P M" after position `j` (optionally after one space). Returns the letters and
/// the index past them. Accepts "am", "PM", "a.m.", "p.m", "A.M.".
fn meridiem_at(cx: &Ctx<'_>, j: usize) -> Option<(&'static str, usize)> {
    let k = if cx.is_space(j) { j + 1 } else { j };
    let w = cx.word(k)?;
    let which = |c: &str| {
        if c.eq_ignore_ascii_case("a") {
            Some("A M")
        } else if c.eq_ignore_ascii_case("p") {
            Some("P M")
        } else {
            None
        }
    };
    if w.len() == 2 && (w.ends_with('m') || w.ends_with('M')) {
        let letters = which(w.get(..1)?)?;
        return Some((letters, k + 1));
    }
    // Dotted: a . m [.]
    let letters = which(w)?;
    if !cx.is_punct(k + 1, '.') {
        return None;
    }
    let m = cx.word(k + 2)?;
    if !m.eq_ignore_ascii_case("m") {
        return None;
    }
    let end = if cx.is_punct(k + 3, '.') {
        k + 4
    } else {
        k + 3
    };
    Some((letters, end))
}

/// A time-zone abbreviation right after the meridiem: " EST", "est", " e.s.t".
/// Written back as one uppercase word ("EST"), which engines spell out.
fn zone_at(cx: &Ctx<'_>, j: usize) -> Option<(String, usize)> {
    let k = if cx.is_space(j) { j + 1 } else { j };
    let w = cx.word(k)?;
    let is_zone = |z: &str| ZONES.iter().any(|known| known.eq_ignore_ascii_case(z));
    // "8 p.m. ET": the two-letter US zones are said as their names, as on air.
    let named = match w {
        "ET" => Some("Eastern"),
        "CT" => Some("Central"),
        "MT" => Some("Mountain"),
        "PT" => Some("Pacific"),
        _ => None,
    };
    if let Some(name) = named {
        return Some((name.to_string(), k + 1));
    }
    if is_zone(w) {
        return Some((w.to_uppercase(), k + 1));
    }
    // Dotted: "e.s.t", "e.s.t.".
    let mut letters = String::new();
    let mut end = k;
    while let Some(l) = cx.word(end) {
        if l.chars().count() != 1 || letters.len() >= 4 {
            break;
        }
        letters.push_str(l);
        end += 1;
        if cx.is_punct(end, '.') {
            end += 1;
        } else {
            break;
        }
    }
    if letters.chars().count() >= 2 && is_zone(&letters) {
        return Some((letters.to_uppercase(), end));
    }
    None
}

fn minutes_words(m: u32) -> String {
    if m < 10 {
        format!("oh {}", digit_word(m))
    } else {
        under_100(m)
    }
}

fn unit(n: u32, one: &str) -> String {
    if n == 1 {
        format!("one {one}")
    } else {
        format!("{} {one}s", under_100(n))
    }
}

fn two_digits(cx: &Ctx<'_>, i: usize, max: u32) -> Option<u32> {
    let d = cx.digits(i)?;
    if d.len() != 2 {
        return None;
    }
    let v: u32 = d.parse().ok()?;
    (v <= max).then_some(v)
}

/// A model's or map's scale written like a clock: "a 1:50 scale model", "1:24-scale",
/// "at a scale of 1:25" are "one to fifty", never a time.
pub(crate) fn match_scale(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) || cx.digits(i)? != "1" || !cx.is_punct(i + 1, ':') {
        return None;
    }
    let b = cx
        .digits(i + 2)
        .filter(|b| b.len() <= 9 && !b.starts_with('0'))?;
    let end = i + 3;
    let scale = |w: Option<&str>| w.is_some_and(|w| w.eq_ignore_ascii_case("scale"));
    let scale_after =
        scale(cx.next_word(end)) || (cx.is_punct(end, '-') && scale(cx.word(end + 1)));
    let scale_before =
        scale(cx.prev_word(i)) || (cx.prev_word(i) == Some("of") && scale(cx.prev_word(i - 2)));
    if !(scale_after || scale_before)
        || matches!(cx.kind(end), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(end), Some(':' | '.' | ',' | '/')) && cx.digits(end + 1).is_some())
    {
        return None;
    }
    let spoken = format!("one to {}", read_int(b, true));
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// A ratio or odds: a number, a colon and one digit, which no clock reading has ("a 3:1
/// ratio" → "three to one", "16:9", "2:8"). A decimal after it ("3:1.5") or more
/// colons ("1:2:3") are left alone.
pub(crate) fn match_ratio(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) || i.checked_sub(1).is_some_and(|p| cx.is_punct(p, ':')) {
        return None;
    }
    let a = cx.digits(i)?;
    // "1:50,000", "Scale 1 : 250000": a map or model scale, one to a large number
    // (grouped or not), which no clock or score has.
    if a == "1" {
        let spaced = cx.is_space(i + 1) && cx.is_punct(i + 2, ':') && cx.is_space(i + 3);
        let at = if spaced { i + 4 } else { i + 2 };
        if (spaced || cx.is_punct(i + 1, ':')) && cx.digits(at).is_some() {
            if let Some(lit) = super::cardinal::parse_number(cx, at) {
                let big = lit.frac.is_none()
                    && !lit.int.starts_with('0')
                    && lit.int.len() >= 3
                    && lit.int.len() <= 9;
                if big && !matches!(cx.kind(lit.end), Some(Kind::Word | Kind::Digits)) {
                    let said = format!("one to {}", read_int(&lit.int, true));
                    return Some(Match::new(lit.end, said, Class::Cardinal));
                }
            }
        }
    }
    if a.len() > 3 || !cx.is_punct(i + 1, ':') {
        return None;
    }
    let b = cx.digits(i + 2).filter(|b| b.len() == 1)?;
    let end = i + 3;
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits))
        || (cx
            .punct(end)
            .is_some_and(|p| matches!(p, ':' | '.' | ',' | '/'))
            && cx.digits(end + 1).is_some())
        || cx.is_punct(end, ':')
    {
        return None;
    }
    let spoken = format!("{} to {}", read_int(a, false), read_int(b, false));
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// "0900 GMT", "1430 UTC": a wire-service time, four digits of a 24-hour clock
/// before a time zone, said as on air ("oh nine hundred G M T", "fourteen thirty").
pub(crate) fn match_wire_time(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let d = cx.digits(i).filter(|d| d.len() == 4)?;
    if cx.glued_before(i) {
        return None;
    }
    let (h, m): (u32, u32) = (d[..2].parse().ok()?, d[2..].parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    let zone = cx.word(i + 2);
    let zoned = zone.is_some_and(|z| {
        matches!(
            z,
            "GMT" | "UTC" | "BST" | "CET" | "CEST" | "EST" | "EDT" | "ET" | "Z"
        )
    }) && !matches!(cx.kind(i + 3), Some(Kind::Word | Kind::Digits));
    // "departs at 0600", "until 1430 hours": a 24-hour time after a preposition of
    // time, with a leading zero or "hours" after it.
    // Asked of every four-digit number (years above all): compared without
    // allocating a lower-cased copy.
    let at_time = cx.prev_word(i).is_some_and(|w| {
        [
            "at", "by", "until", "till", "from", "since", "before", "after",
        ]
        .iter()
        .any(|p| w.eq_ignore_ascii_case(p))
    });
    let hours = cx.is_space(i + 1)
        && zone == Some("hours")
        && !matches!(cx.kind(i + 3), Some(Kind::Word | Kind::Digits));
    let zoned = zoned && cx.is_space(i + 1);
    let glued_after = matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(i + 1), Some('.' | ',' | ':' | '/')) && cx.digits(i + 2).is_some());
    let stands_alone = !glued_after;
    if !zoned && !(at_time && stands_alone && (hours || d.starts_with('0'))) {
        return None;
    }
    let hour = if h == 0 {
        "zero".to_string()
    } else if h < 10 {
        format!("oh {}", super::words::digit_word(h))
    } else {
        under_100(h)
    };
    let said = match m {
        0 => format!("{hour} hundred"),
        1..=9 => format!("{hour} oh {}", super::words::digit_word(m)),
        _ => format!("{hour} {}", under_100(m)),
    };
    if !zoned {
        if hours {
            return Some(Match::new(i + 3, format!("{said} hours"), Class::Time));
        }
        return Some(Match::new(i + 1, said, Class::Time));
    }
    let (zone_said, end) =
        zone_at(cx, i + 1).unwrap_or_else(|| (zone.unwrap_or_default().to_string(), i + 3));
    Some(Match::new(end, format!("{said} {zone_said}"), Class::Time))
}

/// Clock times with a colon, or an hour/dotted time followed by a.m./p.m.
pub(crate) fn match_time(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) {
        return None;
    }
    let hd = cx.digits(i)?;
    if hd.len() > 2 {
        return None;
    }
    let h: u32 = hd.parse().ok()?;
    let colon = cx.is_punct(i + 1, ':');
    let dot = cx.is_punct(i + 1, '.');
    let mut minutes = None;
    let mut seconds = None;
    let mut end = i + 1;
    if colon || dot {
        if let Some(m) = two_digits(cx, i + 2, 59) {
            minutes = Some(m);
            end = i + 3;
            if colon && cx.is_punct(end, ':') {
                if let Some(s) = two_digits(cx, end + 1, 59) {
                    seconds = Some(s);
                    end += 2;
                }
            }
        }
    }
    let meridiem = meridiem_at(cx, end);
    // "1-3 p.m.", "9-11am": a range of whole hours sharing one meridiem.
    if meridiem.is_none() && minutes.is_none() && (1..=12).contains(&h) {
        if let Some(h2) = cx
            .punct(end)
            .filter(|p| super::is_dash(*p))
            .and_then(|_| cx.digits(end + 1))
            .filter(|d| d.len() <= 2)
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|h2| (1..=12).contains(h2))
        {
            if let Some((letters, e)) = meridiem_at(cx, end + 2) {
                let spoken = format!("{} to {} {letters}", under_100(h), under_100(h2));
                return Some(Match::new(e, spoken, Class::Time));
            }
        }
    }
    if meridiem.is_none() && (!colon || minutes.is_none()) {
        return None;
    }
    if h > 24 || (meridiem.is_some() && h > 12) {
        return None;
    }
    // "swam it in 1:55.3", "a time of 3:59.4": a race time, minutes and seconds with
    // tenths, after a word that announces it.
    let race = || {
        cx.word_within(i, 2, |w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "in" | "of" | "ran" | "swam" | "clocked" | "timed" | "record" | "finished" | "lap"
            )
        })
    };
    if let (true, Some(m), None, None) = (colon, minutes, seconds, &meridiem) {
        if let Some(f) = cx.digits(end + 1).filter(|f| f.len() <= 3 && race()) {
            let runs_on = matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits))
                || (cx
                    .punct(end + 2)
                    .is_some_and(|p| matches!(p, ':' | '.' | ','))
                    && cx.digits(end + 3).is_some());
            if cx.is_punct(end, '.') && !runs_on {
                let spoken = format!(
                    "{} {} point {} seconds",
                    unit(h, "minute"),
                    under_100(m),
                    super::words::digits_each(f)
                );
                return Some(Match::new(end + 2, spoken, Class::Time));
            }
        }
    }
    // "10:30.5" or "1:34:2": part of something else.
    let continues = cx.punct(end).is_some_and(|p| matches!(p, ':' | '.' | ','));
    if meridiem.is_none() && continues && cx.digits(end + 1).is_some() {
        return None;
    }
    let mut spoken = match (minutes, seconds) {
        (Some(m), Some(s)) => format!(
            "{} {} and {}",
            unit(h, "hour"),
            unit(m, "minute"),
            unit(s, "second")
        ),
        (Some(0), None) if meridiem.is_none() => format!("{} o'clock", under_100(h)),
        (Some(0), None) | (None, _) => under_100(h),
        (Some(m), None) => format!("{} {}", under_100(h), minutes_words(m)),
    };
    if let Some((letters, e)) = meridiem {
        spoken.push(' ');
        spoken.push_str(letters);
        end = e;
        if let Some((zone, e)) = zone_at(cx, end) {
            spoken.push(' ');
            spoken.push_str(&zone);
            end = e;
        }
    }
    Some(Match::new(end, spoken, Class::Time))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn edge_cases() {
        assert_eq!(n("25:00"), "twenty-five:zero zero");
        assert_eq!(n("12:60"), "twelve:sixty");
        assert_eq!(n("13 pm"), "thirteen pm");
        assert_eq!(n("I am 5"), "I am five");
        assert_eq!(n("5 a.m"), "five A M");
        assert_eq!(n("1:59 p.m. est"), "one fifty-nine P M EST");
        assert_eq!(n("1:59 p.m. e.s.t. Then"), "one fifty-nine P M EST. Then");
        assert_eq!(n("John 3:16"), "John three sixteen");
        assert_eq!(n("8:00-9:30"), "eight o'clock to nine thirty");
        assert_eq!(n("10:30.5"), "ten:thirty point five");
    }

    #[test]
    fn ratios() {
        assert_eq!(n("a 3:1 ratio"), "a three to one ratio");
        assert_eq!(n("a 1:50 scale model"), "a one to fifty scale model");
        assert_eq!(n("a 1:24-scale car"), "a one to twenty-four-scale car");
        assert_eq!(
            n("at a scale of 1:25."),
            "at a scale of one to twenty-five."
        );
        assert_eq!(n("at 1:50 today"), "at one fifty today");
        assert_eq!(n("16:9 screens"), "sixteen to nine screens");
        assert_eq!(n("1:2:3"), "one:two:three");
        assert_eq!(n("3:1.5"), "three:one point five");
        assert_eq!(n("at 2:5pm"), "at two:five P M");
    }
}
