//! Dates: "March 13", "July 5, 2024", "Oct. 7", "7 October 2023", "the 26th May",
//! "2023-10-07", "10/07/2023".

use super::ordinal::ordinal_words;
use super::scanner::Kind;
use super::words::{under_100, year_tail, year_words};
use super::{is_dash, Class, Ctx, DateOrder, Match};

/// English month names, January first (shared with the script stage).
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const ABBREVS: [(&str, u32); 13] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("febr", 2),
];

/// A month written in the text.
#[derive(Debug, Clone, Copy)]
struct MonthTok {
    /// 1–12.
    month: u32,
    /// Written as an abbreviation ("Oct"), which may carry a period.
    abbrev: bool,
    /// A lowercase word that is also a common English word ("may", "march"); only read
    /// as a month when a year confirms it.
    ambiguous: bool,
}

fn month_name(m: u32) -> &'static str {
    MONTHS
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

fn month_of(w: &str) -> Option<MonthTok> {
    // Every month name and abbreviation has 3 to 9 letters and starts with one of
    // these; the check spares most words the table scans.
    let b = w.as_bytes();
    if !(3..=9).contains(&b.len()) {
        return None;
    }
    let two = [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()];
    if !matches!(
        &two,
        b"ja" | b"fe" | b"ma" | b"ap" | b"ju" | b"au" | b"se" | b"oc" | b"no" | b"de"
    ) {
        return None;
    }
    for (k, name) in MONTHS.iter().enumerate() {
        if name.eq_ignore_ascii_case(w) {
            let lower = w.starts_with(|c: char| c.is_lowercase());
            let ambiguous = lower && matches!(k, 2 | 4);
            return Some(MonthTok {
                month: k as u32 + 1,
                abbrev: false,
                ambiguous,
            });
        }
    }
    ABBREVS
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(w))
        .map(|&(_, m)| MonthTok {
            month: m,
            abbrev: true,
            ambiguous: false,
        })
}

/// A day-of-month digit run 1–31 at `i`, with an optional ordinal suffix after it.
/// Returns (day, token index past it).
fn day_at(cx: &Ctx<'_>, i: usize) -> Option<(u32, usize)> {
    let d = cx.digits(i)?;
    if d.len() > 2 {
        return None;
    }
    let day: u32 = d.parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    match cx.word(i + 1) {
        Some(w)
            if ["st", "nd", "rd", "th"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(w)) =>
        {
            Some((day, i + 2))
        }
        Some(_) => None,
        None => {
            // "13:00", "13.5", "13,000" are not days.
            match cx.punct(i + 1) {
                Some(':' | '%') => None,
                Some('.' | ',') if cx.digits(i + 2).is_some() => None,
                _ => Some((day, i + 1)),
            }
        }
    }
}

/// A four-digit year at `i` that ends cleanly. Returns (year, index past it).
fn year_at(cx: &Ctx<'_>, i: usize) -> Option<(u32, usize)> {
    let d = cx.digits(i)?;
    if d.len() != 4 || d.starts_with('0') {
        return None;
    }
    if cx.kind(i + 1) == Some(Kind::Word) {
        return None;
    }
    match cx.punct(i + 1) {
        Some(':' | '%') => return None,
        Some('.' | ',') if cx.digits(i + 2).is_some() => return None,
        _ => {}
    }
    Some((d.parse().ok()?, i + 1))
}

fn day_words(day: u32) -> String {
    ordinal_words(&day.to_string()).unwrap_or_default()
}

/// "October seventh" (+ ", twenty twenty-three").
fn say_mdy(month: u32, day: u32, year: Option<String>) -> String {
    let mut s = format!("{} {}", month_name(month), day_words(day));
    if let Some(y) = year {
        s.push_str(", ");
        s.push_str(&y);
    }
    s
}

/// "the seventh of October" (+ " twenty twenty-three"); "the" is left out when the
/// text already has it ("on the 26th May").
fn say_dmy(
    cx: &Ctx<'_>,
    i: usize,
    day: u32,
    month: u32,
    sep: &str,
    year: Option<String>,
) -> String {
    let the = if cx
        .prev_word(i)
        .is_some_and(|w| w.eq_ignore_ascii_case("the"))
    {
        ""
    } else {
        "the "
    };
    let mut s = format!("{the}{} of {}", day_words(day), month_name(month));
    if let Some(y) = year {
        s.push_str(sep);
        s.push_str(&y);
    }
    s
}

/// Past a month token: its optional abbreviation period.
fn after_month(cx: &Ctx<'_>, i: usize, m: MonthTok) -> usize {
    if m.abbrev && cx.is_punct(i + 1, '.') {
        i + 2
    } else {
        i + 1
    }
}

/// "March 13", "July 5, 2024", "Oct. 7", "Jan-15-2020", "July 1876".
pub(crate) fn match_month_first(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let m = month_of(cx.word(i)?)?;
    if cx.glued_before(i) {
        return None;
    }
    let j = after_month(cx, i, m);
    let dashed = cx.punct(j) == Some('-');
    if !(cx.is_space(j) || dashed) {
        // "fell to 3.9% in Dec.", "since Feb.,": a dotted month ending its clause after
        // a preposition of time.
        let dotted = m.abbrev
            && j == i + 2
            && cx
                .word(i)
                .is_some_and(|w| w.starts_with(char::is_uppercase));
        let ends = cx.tok(j).is_none_or(|t| {
            t.kind == Kind::Space || matches!(cx.punct(j), Some(',' | ';' | ')' | '\n' | '\r'))
        });
        let timed = cx.prev_word(i).is_some_and(|p| {
            matches!(
                p.to_ascii_lowercase().as_str(),
                "in" | "since"
                    | "until"
                    | "till"
                    | "by"
                    | "from"
                    | "through"
                    | "last"
                    | "next"
                    | "early"
                    | "late"
                    | "mid"
                    | "of"
                    | "before"
                    | "after"
            )
        });
        if dotted && ends && timed {
            // The caller puts back a sentence-final period the match swallowed.
            return Some(Match::new(j, month_name(m.month).to_string(), Class::Date));
        }
        return None;
    }
    let k = j + 1;
    // Month + year: "July 1876".
    if let Some((y, end)) = year_at(cx, k) {
        if m.ambiguous || dashed {
            return None;
        }
        let spoken = format!("{} {}", month_name(m.month), year_words(y));
        return Some(Match::new(end, spoken, Class::Date));
    }
    let Some((day, mut end)) = day_at(cx, k) else {
        // "In Jan. prices rose", "by Oct. the ships": a capitalized month
        // abbreviation with its period is the month also without a day.
        let w = cx.word(i)?;
        let dotted = m.abbrev && j == i + 2 && w.starts_with(char::is_uppercase);
        // Not before a number, nor a number a first pass has read ("Oct. zero").
        let next_ok = cx.digits(k).is_none()
            && !cx
                .word(k)
                .is_some_and(|n| super::words::is_number_word(&n.to_lowercase()));
        return (dotted && next_ok && !dashed)
            .then(|| Match::new(j, month_name(m.month).to_string(), Class::Date));
    };
    // Optional day range: "March 13-15" → "March thirteenth to fifteenth".
    let mut last_day = None;
    if !dashed && cx.punct(end).is_some_and(is_dash) {
        if let Some((d2, e2)) = day_at(cx, end + 1) {
            if d2 > day {
                last_day = Some(d2);
                end = e2;
            }
        }
    }
    // Optional year: ", 2024" / " 2024" / "-2020".
    let mut year = None;
    let y_start = if dashed {
        cx.is_punct(end, '-').then_some(end + 1)
    } else if cx.is_punct(end, ',') && cx.is_space(end + 1) {
        Some(end + 2)
    } else if cx.is_space(end) {
        Some(end + 1)
    } else {
        None
    };
    if let Some((y, e)) = y_start.and_then(|s| year_at(cx, s)) {
        year = Some(year_words(y));
        end = e;
    }
    if m.ambiguous && year.is_none() {
        return None;
    }
    let spoken = match last_day {
        Some(d2) => {
            let mut s = format!(
                "{} {} to {}",
                month_name(m.month),
                day_words(day),
                day_words(d2)
            );
            if let Some(y) = year {
                s.push_str(", ");
                s.push_str(&y);
            }
            s
        }
        None => say_mdy(m.month, day, year),
    };
    Some(Match::new(end, spoken, Class::Date))
}

/// "7 October 2023", "25th jul 2012", "23rd July, 1998", "15 January".
pub(crate) fn match_day_month(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let (day, mut after_day) = day_at(cx, i)?;
    if cx.glued_before(i) {
        return None;
    }
    // Optional day range: "13-15 March" → "the thirteenth to fifteenth of March".
    let mut last_day = None;
    if cx.punct(after_day).is_some_and(is_dash) {
        let (d2, e2) = day_at(cx, after_day + 1)?;
        if d2 <= day {
            return None;
        }
        last_day = Some(d2);
        after_day = e2;
    }
    if !cx.is_space(after_day) {
        return None;
    }
    let mi = after_day + 1;
    let m = month_of(cx.word(mi)?)?;
    let mut end = after_month(cx, mi, m);
    let mut sep = " ";
    let y_start = if cx.is_punct(end, ',') && cx.is_space(end + 1) {
        sep = ", ";
        Some(end + 2)
    } else if cx.is_space(end) {
        Some(end + 1)
    } else {
        None
    };
    let mut year = None;
    if let Some((y, e)) = y_start.and_then(|s| year_at(cx, s)) {
        year = Some(year_words(y));
        end = e;
    }
    if m.ambiguous && year.is_none() {
        return None;
    }
    let mut spoken = say_dmy(cx, i, day, m.month, sep, year);
    if let Some(d2) = last_day {
        // "the thirteenth of March" → "the thirteenth to fifteenth of March".
        let first = day_words(day);
        spoken = spoken.replacen(&first, &format!("{first} to {}", day_words(d2)), 1);
    }
    Some(Match::new(end, spoken, Class::Date))
}

/// "2023-10-07", "2016/07/03", "10/07/2023", "01.10.2010", "11/17/05".
pub(crate) fn match_numeric(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) {
        return None;
    }
    let a = cx.digits(i)?;
    let sep = cx.punct(i + 1)?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let b = cx.digits(i + 2)?;
    if cx.punct(i + 3) != Some(sep) {
        return None;
    }
    let c = cx.digits(i + 4)?;
    let end = i + 5;
    // Not part of a longer chain ("1.2.3.4", "2023-10-07-1").
    if cx.kind(end) == Some(Kind::Word)
        || (cx.punct(end).is_some_and(|p| p == sep || p == ':') && cx.digits(end + 1).is_some())
    {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        // ISO order: year, month, day.
        let (y, mo, d) = (num(a)?, num(b)?, num(c)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || y < 1000 {
            return None;
        }
        return Some(Match::new(
            end,
            say_mdy(mo, d, Some(year_words(y))),
            Class::Date,
        ));
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let year = match c.len() {
        4 => year_words(num(c)?),
        2 if sep == '/' => {
            let y = num(c)?;
            if y < 10 {
                year_tail(y)
            } else {
                under_100(y)
            }
        }
        _ => return None,
    };
    let (x, y) = (num(a)?, num(b)?);
    let md_ok = (1..=12).contains(&x) && (1..=31).contains(&y);
    let dm_ok = (1..=31).contains(&x) && (1..=12).contains(&y);
    let month_first = match (cx.opts.date_order, md_ok, dm_ok) {
        (_, true, false) => true,
        (_, false, true) => false,
        (DateOrder::Mdy, true, true) => true,
        (DateOrder::Dmy, true, true) => false,
        (_, false, false) => return None,
    };
    let spoken = if month_first {
        say_mdy(x, y, Some(year))
    } else {
        say_dmy(cx, i, x, y, " ", Some(year))
    };
    Some(Match::new(end, spoken, Class::Date))
}

/// Weekday abbreviations as listings and schedules write them before a date,
/// including the one- and two-letter forms ("Th (3/14)", "Tu 2/22").
const WEEKDAY_ABBREVS: &[(&str, &str)] = &[
    ("M", "Monday"),
    ("Mo", "Monday"),
    ("Mon", "Monday"),
    ("Tu", "Tuesday"),
    ("Tue", "Tuesday"),
    ("Tues", "Tuesday"),
    ("W", "Wednesday"),
    ("We", "Wednesday"),
    ("Wed", "Wednesday"),
    ("Th", "Thursday"),
    ("Thu", "Thursday"),
    ("Thur", "Thursday"),
    ("Thurs", "Thursday"),
    ("F", "Friday"),
    ("Fr", "Friday"),
    ("Fri", "Friday"),
    ("Sa", "Saturday"),
    ("Sat", "Saturday"),
    ("Su", "Sunday"),
    ("Sun", "Sunday"),
];

/// "Th (3/14)" → "Thursday (March fourteenth)", "Tu 2/22" → "Tuesday February
/// twenty-second": an abbreviated weekday names the date after it, so a month/day pair
/// that is too ambiguous alone ("2/22" could be a fraction) is read as a date.
pub(crate) fn match_weekday_date(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    if w.len() > 5 || !w.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let &(_, day_name) = WEEKDAY_ABBREVS.iter().find(|(a, _)| *a == w)?;
    if cx.glued_before(i) {
        return None;
    }
    let mut j = i + 1;
    let mut weekday_end = i + 1;
    if cx.is_punct(j, '.') {
        j += 1;
        weekday_end = j;
    }
    if cx.is_punct(j, ',') {
        j += 1;
    }
    if !cx.is_space(j) {
        return None;
    }
    j += 1;
    let paren = cx.is_punct(j, '(');
    let m_at = if paren { j + 1 } else { j };
    let (mo, d) = (cx.digits(m_at)?, cx.digits(m_at + 2)?);
    if !cx.is_punct(m_at + 1, '/') || mo.len() > 2 || d.len() > 2 {
        return None;
    }
    let after = m_at + 3;
    // With a year ("Th 3/14/2024") the date reader takes the date; only the weekday
    // is read here.
    if cx.is_punct(after, '/') && cx.digits(after + 1).is_some() {
        return Some(Match::new(
            weekday_end,
            day_name.to_string(),
            Class::Cardinal,
        ));
    }
    if matches!(cx.kind(after), Some(Kind::Word | Kind::Digits))
        || (paren && !cx.is_punct(after, ')'))
    {
        return None;
    }
    let date = say_month_day(cx, mo, d)?;
    // The text between weekday and date (", ", " (") is kept as written.
    let mut spoken = day_name.to_string();
    for t in weekday_end..m_at {
        spoken.push_str(cx.tok(t)?.text);
    }
    spoken.push_str(&date);
    Some(Match::new(after, spoken, Class::Date))
}

/// Two numbers of a date without its year ("3/14"), in the configured order:
/// "March fourteenth", or "the fourteenth of March" day-first.
fn say_month_day(cx: &Ctx<'_>, a: &str, b: &str) -> Option<String> {
    let (x, y) = (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?);
    let month_first = cx.opts.date_order == DateOrder::Mdy;
    let (month, day) = if month_first { (x, y) } else { (y, x) };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(if month_first {
        say_mdy(month, day, None)
    } else {
        format!("the {} of {}", day_words(day), month_name(month))
    })
}

/// "10/1-10/15" → "October first to October fifteenth": a range of two month/day
/// pairs. Two proper fractions with a small denominator ("1/2-3/4 inch") stay a
/// range of fractions.
pub(crate) fn match_month_day_range(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) || !cx.is_punct(i + 1, '/') || !cx.punct(i + 3).is_some_and(is_dash) {
        return None;
    }
    let pair = |k: usize| -> Option<(&str, &str)> {
        let (a, b) = (cx.digits(k)?, cx.digits(k + 2)?);
        (cx.is_punct(k + 1, '/') && a.len() <= 2 && b.len() <= 2).then_some((a, b))
    };
    let ((a, b), (c, d)) = (pair(i)?, pair(i + 4)?);
    let after = i + 7;
    if matches!(cx.kind(after), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(after), Some('/' | '-' | '.' | ':'))
            && cx.digits(after + 1).is_some())
    {
        return None;
    }
    let proper = |x: &str, y: &str| matches!((x.parse::<u32>(), y.parse::<u32>()), (Ok(x), Ok(y)) if x < y && y <= 16);
    if proper(a, b) && proper(c, d) {
        return None;
    }
    let spoken = format!(
        "{} to {}",
        say_month_day(cx, a, b)?,
        say_month_day(cx, c, d)?
    );
    Some(Match::new(after, spoken, Class::Date))
}

/// "on 5/15", "until 12/31": a month and day without a year after a preposition of
/// time, which no fraction follows ("on 1/2 of the days" stays a fraction).
pub(crate) fn match_preposition_date(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) || !cx.is_punct(i + 1, '/') {
        return None;
    }
    let (a, b) = (cx.digits(i)?, cx.digits(i + 2)?);
    if a.len() > 2 || b.len() > 2 || a.starts_with('0') && a.len() == 1 {
        return None;
    }
    let before = cx.prev_word(i)?.to_ascii_lowercase();
    if !matches!(
        before.as_str(),
        "on" | "until" | "till" | "through" | "thru" | "since"
    ) {
        return None;
    }
    let after = i + 3;
    if matches!(cx.kind(after), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(after), Some('/' | '-' | '.' | ':'))
            && cx.digits(after + 1).is_some())
        || cx.next_word(after).is_some_and(|w| w == "of" || w == "the")
    {
        return None;
    }
    let date = say_month_day(cx, a, b)?;
    Some(Match::new(after, date, Class::Date))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, DateOrder, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn date_order_option() {
        let dmy = NormalizeOptions {
            date_order: DateOrder::Dmy,
        };
        assert_eq!(n("10/07/2023"), "October seventh, twenty twenty-three");
        assert_eq!(
            normalize("10/07/2023", &dmy),
            "the tenth of July twenty twenty-three"
        );
        // Unambiguous dates read the same either way.
        assert_eq!(
            normalize("12/25/2023", &dmy),
            "December twenty-fifth, twenty twenty-three"
        );
        assert_eq!(
            n("25/12/2023"),
            "the twenty-fifth of December twenty twenty-three"
        );
    }

    #[test]
    fn not_dates() {
        assert_eq!(n("May 99"), "May ninety-nine");
        assert_eq!(n("you may 2"), "you may two");
        assert_eq!(n("32/13/2020"), "thirty-two/thirteen/twenty twenty");
        assert_eq!(n("1.2.3"), "one point two.three");
    }

    #[test]
    fn day_ranges() {
        assert_eq!(n("13-15 March"), "the thirteenth to fifteenth of March");
        assert_eq!(n("March 13-15"), "March thirteenth to fifteenth");
    }

    #[test]
    fn abbreviation_period() {
        assert_eq!(n("on Oct. 7."), "on October seventh.");
        assert_eq!(n("25 Sept. Then"), "the twenty-fifth of September. Then");
    }
}
