//! Cardinal numbers: "1,250", "-5", "3.5", ".25", "30%".

use super::words::{
    cardinal_digits, digits_each, is_round_thousands, pluralize_last, under_100, year_words,
};
use super::{measure, Class, Ctx, Match};
use crate::normalize::scanner::Kind;

/// Comma-less integers longer than this are read digit by digit (IDs, serials).
const MAX_PLAIN_DIGITS: usize = 12;

/// A parsed numeric literal.
#[derive(Debug, Clone)]
pub(crate) struct NumLit<'a> {
    /// Integer digits without separators (empty for ".25"); borrowed from the input
    /// unless thousands separators had to be taken out.
    pub int: std::borrow::Cow<'a, str>,
    /// True if written with thousands separators ("1,250").
    pub grouped: bool,
    /// Digits after the decimal point, if any.
    pub frac: Option<&'a str>,
    /// Token index just past the literal.
    pub end: usize,
}

impl NumLit<'_> {
    /// Integer value, if it fits.
    pub fn int_value(&self) -> Option<u64> {
        if self.int.is_empty() {
            return Some(0);
        }
        self.int.parse().ok()
    }
}

/// Parse "1,250.5", "1250", "3.5" or ".5" starting at token `i`.
pub(crate) fn parse_number<'a>(cx: &Ctx<'a>, i: usize) -> Option<NumLit<'a>> {
    if cx.is_punct(i, '.') {
        // ".25": only when the dot is not glued to a word or number before it.
        let frac = cx.digits(i + 1)?;
        // Not after a word, a number or another dot ("v.25", "114...48").
        if cx.glued_before(i) || i.checked_sub(1).is_some_and(|p| cx.is_punct(p, '.')) {
            return None;
        }
        return Some(NumLit {
            int: std::borrow::Cow::Borrowed(""),
            grouped: false,
            frac: Some(frac),
            end: i + 2,
        });
    }
    let first = cx.digits(i)?;
    let mut int = std::borrow::Cow::Borrowed(first);
    let mut grouped = false;
    let mut j = i + 1;
    if first.len() <= 3 && !(first.starts_with('0') && first.len() > 1) {
        while cx.is_punct(j, ',') {
            match cx.digits(j + 1) {
                Some(g) if g.len() == 3 => {
                    int.to_mut().push_str(g);
                    grouped = true;
                    j += 2;
                }
                _ => break,
            }
        }
    }
    let mut frac = None;
    if cx.is_punct(j, '.') {
        if let Some(f) = cx.digits(j + 1) {
            frac = Some(f);
            j += 2;
        }
    }
    Some(NumLit {
        int,
        grouped,
        frac,
        end: j,
    })
}

/// Read the integer part: grouped or short numbers as cardinals; numbers with a leading
/// zero or very long comma-less runs digit by digit.
pub(crate) fn read_int(int: &str, grouped: bool) -> String {
    let leading_zero = int.len() > 1 && int.starts_with('0');
    if !grouped && (leading_zero || int.len() > MAX_PLAIN_DIGITS) {
        return digits_each(int);
    }
    // "1,500" → "fifteen hundred", as newsreaders say round hundreds from 1,100 to
    // 9,900 ("2,000" stays "two thousand", "1,250" is read in full).
    if grouped && int.len() == 4 && int.ends_with("00") && !int.ends_with("000") {
        if let Ok(h) = int[..2].parse::<u32>() {
            return format!("{} hundred", under_100(h));
        }
    }
    cardinal_digits(int).unwrap_or_else(|| digits_each(int))
}

/// Read a whole literal: "three point five", "point two five".
pub(crate) fn read_number(lit: &NumLit<'_>) -> String {
    let mut s = if lit.int.is_empty() {
        String::new()
    } else if lit.grouped && lit.frac.is_some() {
        // "4,500.25": in full, "four thousand five hundred point two five", not the
        // round "forty-five hundred" of "4,500".
        cardinal_digits(&lit.int).unwrap_or_else(|| digits_each(&lit.int))
    } else {
        read_int(&lit.int, lit.grouped)
    };
    if let Some(f) = lit.frac {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str("point ");
        s.push_str(&digits_each(f));
    }
    s
}

/// A sign is a minus/plus at the start of a number that is not glued to a preceding
/// word or number ("-5", "(−3)", but not "978-0" or "COVID-19").
fn sign_at(cx: &Ctx<'_>, i: usize) -> Option<&'static str> {
    let word = match cx.punct(i)? {
        '-' | '−' | '–' => "minus",
        '+' => "plus",
        _ => return None,
    };
    let Some(p) = i.checked_sub(1) else {
        return Some(word);
    };
    match cx.kind(p) {
        Some(Kind::Space) => Some(word),
        Some(Kind::Punct) => match cx.punct(p) {
            Some('(' | '[' | '"' | '“' | '\'' | '‘' | '=' | ':' | '/' | '\n' | '?' | '!' | ';') => {
                Some(word)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Cardinals, decimals and percentages.
pub(crate) fn match_cardinal(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let (prefix, start) = match sign_at(cx, i) {
        Some(w) if cx.digits(i + 1).is_some() || cx.is_punct(i + 1, '.') => (Some(w), i + 1),
        _ => (None, i),
    };
    let lit = parse_number(cx, start)?;
    // "Agent 007", "the 007 films": the spy's number, as everyone says it.
    if prefix.is_none()
        && lit.int == "007"
        && lit.frac.is_none()
        && !cx.glued_before(start)
        && !matches!(cx.kind(lit.end), Some(Kind::Word | Kind::Digits))
        && !(cx.punct(lit.end).is_some_and(|c| c != '.' && c != ',')
            && cx.digits(lit.end + 1).is_some())
    {
        return Some(Match::new(
            lit.end,
            "double oh seven".to_string(),
            Class::Cardinal,
        ));
    }
    let mut spoken = String::new();
    if let Some(p) = prefix {
        spoken.push_str(p);
        spoken.push(' ');
    }
    let mut end = lit.end;
    let plural_ok = lit.int_value().is_some_and(|v| v >= 10) && !cx.glued_before(start);
    if lit.frac.is_none() && plural_ok && cx.word(end) == Some("s") {
        // "F-16s", "737s": the plural of the number's name. Single digits and numbers
        // glued to letters ("W2s", "4s") are more often codes, read as written.
        let airliner = lit.int.len() == 3 && lit.int.starts_with('7') && lit.int.ends_with('7');
        let base = match lit.int_value() {
            // "the 747s": Boeing's airliners, said like their models.
            Some(v) if airliner && !lit.grouped => match (v % 100) as u32 {
                t @ 0..=9 => format!("seven oh {}", super::words::digit_word(t)),
                t => format!("seven {}", super::words::under_100(t)),
            },
            Some(y) if !lit.grouped && (1100..=2099).contains(&y) => year_words(y as u32),
            _ => read_int(&lit.int, lit.grouped),
        };
        spoken.push_str(&pluralize_last(&base));
        return Some(Match::new(end + 1, spoken, Class::Cardinal));
    }
    // "the 49ers", "a 76er": a team or thing named for its number ("forty-niners").
    if lit.frac.is_none() && prefix.is_none() && !cx.glued_before(start) && !lit.grouped {
        if let Some(suffix) = cx
            .word(end)
            .filter(|w| matches!(*w, "ers" | "er"))
            .filter(|_| !matches!(cx.kind(end + 1), Some(Kind::Word | Kind::Digits)))
        {
            let base = read_int(&lit.int, false);
            let joined = if base.ends_with('e') {
                format!("{base}{}", &suffix[1..])
            } else {
                format!("{base}{suffix}")
            };
            spoken.push_str(&joined);
            return Some(Match::new(end + 1, spoken, Class::Cardinal));
        }
    }
    // ".50-caliber", ".22 calibre rifle": the caliber is said as a whole number.
    if lit.int.is_empty() && prefix.is_none() {
        if let Some(f) = lit.frac.filter(|f| (2..=3).contains(&f.len())) {
            let at = if matches!(cx.punct(end), Some('-')) || cx.is_space(end) {
                end + 1
            } else {
                end
            };
            let caliber = cx.word(at).is_some_and(|w| {
                matches!(
                    w.to_ascii_lowercase().as_str(),
                    "caliber"
                        | "calibre"
                        | "cal"
                        | "pistol"
                        | "pistols"
                        | "revolver"
                        | "rifle"
                        | "rifles"
                        | "handgun"
                        | "handguns"
                        | "magnum"
                        | "bullet"
                        | "bullets"
                        | "ammunition"
                        | "ammo"
                )
            });
            // "a Colt .45", "a Ruger .22": a gun maker before the caliber.
            let caliber = caliber
                || cx.prev_word(i).is_some_and(|w| {
                    matches!(
                        w,
                        "Colt"
                            | "Wesson"
                            | "Ruger"
                            | "Glock"
                            | "Remington"
                            | "Winchester"
                            | "Beretta"
                            | "Marlin"
                            | "Browning"
                            | "Mossberg"
                            | "Savage"
                            | "Springfield"
                    )
                });
            // "a .300 hitter", "batting .275": a batting average, three digits.
            let batting = f.len() == 3
                && (cx.word(at).is_some_and(|w| {
                    matches!(
                        w,
                        "hitter" | "hitters" | "average" | "avg" | "batting" | "clip"
                    )
                }) || cx.prev_word(i).is_some_and(|w| {
                    matches!(
                        w,
                        "batting" | "batted" | "hitting" | "hit" | "hits" | "bats"
                    )
                }));
            // "a .500 record", "above .500": a won-lost percentage, said the same way.
            let winning = f.len() == 3
                && (cx.word(at).is_some_and(|w| {
                    matches!(
                        w,
                        "record" | "team" | "club" | "mark" | "season" | "winning" | "ball"
                    )
                }) || (f == "500"
                    && cx.prev_word(i).is_some_and(|w| {
                        matches!(w, "above" | "below" | "under" | "over" | "at" | "to")
                    })));
            if caliber || batting || winning {
                // Said like a house number: ".308" → "three oh eight".
                let said = super::address::house_number(f).unwrap_or_else(|| read_int(f, true));
                spoken.push_str(&said);
                return Some(Match::new(end, spoken, Class::Cardinal));
            }
        }
    }
    // "401(k)": the retirement plan, said "four oh one k".
    if lit.int == "401"
        && cx.is_punct(end, '(')
        && cx.word(end + 1) == Some("k")
        && cx.is_punct(end + 2, ')')
    {
        return Some(Match::new(
            end + 3,
            "four oh one k".to_string(),
            Class::Cardinal,
        ));
    }
    // "FY2024", "CY2025": a fiscal or calendar year glued to its letters.
    if cx.glued_before(start)
        && start
            .checked_sub(1)
            .and_then(|p| cx.word(p))
            .is_some_and(|w| matches!(w, "FY" | "CY"))
        && lit.int.len() == 4
        && !lit.grouped
        && lit.frac.is_none()
    {
        if let Some(y) = lit.int_value().filter(|y| (1900..=2099).contains(y)) {
            spoken.push_str(&year_words(y as u32));
            return Some(Match::new(end, spoken, Class::Cardinal));
        }
    }
    // "ab9453": four or more digits glued to letters are a code, read digit by digit;
    // except round thousands, said as a number ("t2000" → "t two thousand").
    if cx.glued_before(start)
        && cx.word(start - 1).is_some()
        && lit.int.len() >= 4
        && !lit.grouped
        && lit.frac.is_none()
        && !is_round_thousands(&lit.int)
    {
        spoken.push_str(&digits_each(&lit.int));
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    // "MIG-25/235212-asdg": five or more digits joined by "/" or "-" to a code before
    // them are part of that code.
    let joined_to_code = start
        .checked_sub(2)
        .is_some_and(|p| matches!(cx.punct(p + 1), Some('/' | '-')) && cx.glued_before(p + 1));
    // "90210", "13000": five or more digits without a comma are a code (ZIP, case,
    // flight, account numbers); English news copy writes counts that large with
    // commas ("13,000 troops"). An amount with a unit or percent sign is still a count.
    let unit_after = matches!(cx.punct(end), Some('%' | '¢' | '°'))
        || measure::after_number(cx, end, false).is_some();
    let bare_code = prefix.is_none() && !unit_after;
    if (joined_to_code || bare_code) && lit.int.len() >= 5 && !lit.grouped && lit.frac.is_none() {
        spoken.push_str(&digits_each(&lit.int));
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    spoken.push_str(&read_number(&lit));
    // Exactly 1, for a singular unit ("one degree", "one inch").
    let one = lit.frac.is_none() && lit.int_value() == Some(1);
    if cx.is_punct(end, '%') {
        spoken.push_str(" percent");
        end += 1;
        // "5.25%-5.5%": a range of percentages.
        if cx.punct(end).is_some_and(super::is_dash) && cx.digits(end + 1).is_some() {
            if let Some(hi) = parse_number(cx, end + 1).filter(|h| cx.is_punct(h.end, '%')) {
                spoken.push_str(&format!(" to {} percent", read_number(&hi)));
                end = hi.end + 1;
            }
        }
    } else if let Some(scale) = glued_temperature(cx, start, end) {
        // "40C heat", "1.5C of warming": British copy glues the scale to the number.
        spoken.push_str(if one { " degree " } else { " degrees " });
        spoken.push_str(scale);
        end += 1;
    } else if let Some((inches, e)) = feet_and_inches(cx, &lit, end) {
        // "5'11\"", "6′2″": a height in feet and inches; after "a" it describes a
        // noun and is said the short way ("a 6'4\" guard" → "a six-foot-four guard").
        let article = cx.after_article(i)
            && cx
                .next_word(e)
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_lowercase()));
        if article {
            let n = inches.split(' ').next().unwrap_or_default();
            spoken.push_str("-foot-");
            spoken.push_str(n);
        } else {
            spoken.push_str(if one { " foot " } else { " feet " });
            spoken.push_str(&inches);
        }
        end = e;
    } else if cx.is_punct(end, '"')
        && !cx.quote_open.get(end).copied().unwrap_or(true)
        && !matches!(cx.kind(end + 1), Some(Kind::Word | Kind::Digits))
    {
        // `12"`: inches, when no quotation is open on the line for it to close. After
        // "a"/"an" the measure modifies a noun: "a 12" pipe" → "a twelve inch pipe".
        let one = one || cx.after_article(i);
        spoken.push_str(if one { " inch" } else { " inches" });
        end += 1;
    } else if cx.is_space(end)
        && cx.word(end + 1) == Some("in")
        && !matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits))
        && (cx
            .prev_word(start)
            .is_some_and(|w| matches!(w, "ft" | "feet" | "foot"))
            || (start >= 3
                && cx.is_space(start - 1)
                && cx.is_punct(start - 2, '.')
                && cx.word(start - 3) == Some("ft")))
        && !cx.next_word(end + 2).is_some_and(|w| {
            matches!(
                w,
                "height" | "length" | "width" | "depth" | "diameter" | "size" | "total" | "all"
            )
        })
    {
        // "6 ft 2 in": after feet, a spaced "in" is the inches ("in." too, its
        // period taken when the sentence goes on).
        spoken.push_str(if one { " inch" } else { " inches" });
        end += 2;
        if cx.is_punct(end, '.')
            && cx
                .next_word(end + 1)
                .is_some_and(|w| w.starts_with(char::is_lowercase))
        {
            end += 1;
        }
    } else if cx.is_punct(end, '¢') {
        spoken.push_str(if one { " cent" } else { " cents" });
        end += 1;
    } else if let Some(scale) = cx.word(end).and_then(|w| match w {
        // "º" (the ordinal indicator, a letter to Unicode) is typed for "°" often enough.
        "º" => Some(""),
        "ºC" => Some(" Celsius"),
        "ºF" => Some(" Fahrenheit"),
        _ => None,
    }) {
        spoken.push_str(if one { " degree" } else { " degrees" });
        spoken.push_str(scale);
        end += 1;
    } else if let Some(scale) = spaced_temperature(cx, start, end) {
        // "highs of 70 F": a spaced scale letter where the words before speak of weather.
        spoken.push_str(if one { " degree " } else { " degrees " });
        spoken.push_str(scale);
        end += 2;
    } else if cx.is_punct(end, '°') {
        // "72°F", "-3°C", "90°": temperatures and angles.
        spoken.push_str(if one { " degree" } else { " degrees" });
        end += 1;
        match cx.word(end) {
            Some("C") => {
                spoken.push_str(" Celsius");
                end += 1;
            }
            Some("F") => {
                spoken.push_str(" Fahrenheit");
                end += 1;
            }
            _ => {}
        }
    } else {
        let one = one && !lit.grouped;
        if let Some((tail, e)) = measure::after_number(cx, end, one) {
            // "between 25-28 °F": a range after "between" is read with "and".
            let between = cx
                .prev_word(start)
                .is_some_and(|w| w.eq_ignore_ascii_case("between"));
            match tail.strip_prefix(" to ") {
                Some(rest) if between => {
                    spoken.push_str(" and ");
                    spoken.push_str(rest);
                }
                _ => spoken.push_str(&tail),
            }
            end = e;
        } else if let Some((tail, e)) = range_or_score(cx, start, end) {
            spoken.push_str(&tail);
            end = e;
        }
    }
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// `'11"` or `′2″` right after the number `lit` ending at `end`: the inches of a
/// height in feet. Returns the inches said ("eleven inches") and their end.
fn feet_and_inches(cx: &Ctx<'_>, lit: &NumLit<'_>, end: usize) -> Option<(String, usize)> {
    if lit.frac.is_some() || lit.int.len() > 1 || !matches!(cx.punct(end), Some('\'' | '′' | '’'))
    {
        return None;
    }
    // "5'11\"", and with a space after the foot mark, "5' 4\"".
    let at = if cx.is_space(end + 1) {
        end + 2
    } else {
        end + 1
    };
    let d = cx.digits(at).filter(|d| d.len() <= 2)?;
    let n: u32 = d.parse().ok()?;
    if n >= 12 || !matches!(cx.punct(at + 1), Some('"' | '″' | '”')) {
        return None;
    }
    let unit = if n == 1 { "inch" } else { "inches" };
    Some((format!("{} {unit}", super::words::under_100(n)), at + 2))
}

/// "C" or "F" glued to the number ending at `end` and standing alone: the temperature
/// scale, unless a word before the number makes it a room, flat or seat ("Apt 4C").
fn glued_temperature(cx: &Ctx<'_>, start: usize, end: usize) -> Option<&'static str> {
    let scale = match cx.word(end)? {
        "C" => "Celsius",
        "F" => "Fahrenheit",
        _ => return None,
    };
    if matches!(cx.kind(end + 1), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(end + 1), Some('-' | '/' | '.' | '\''))
            && matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits)))
        || cx.glued_before(start)
    {
        return None;
    }
    const PLACES: &[&str] = &[
        "apt",
        "apartment",
        "room",
        "rm",
        "suite",
        "unit",
        "flat",
        "floor",
        "gate",
        "seat",
        "row",
        "block",
        "building",
        "bldg",
        "level",
        "pier",
        "platform",
        "terminal",
        "stand",
        "box",
        "bay",
        "ward",
        "cabin",
        "deck",
        "locker",
        "lot",
        "no",
        "number",
        "grade",
        "size",
        "vitamin",
        "type",
        "class",
        "section",
        "form",
        "bus",
        "route",
        "line",
    ];
    let place = cx
        .prev_word(start)
        .is_some_and(|w| PLACES.contains(&w.to_lowercase().as_str()));
    (!place).then_some(scale)
}

/// Words that make a spaced "F" or "C" after a number a temperature scale.
const WEATHER: &[&str] = &[
    "high",
    "highs",
    "low",
    "lows",
    "temperature",
    "temperatures",
    "temps",
    "temp",
    "degrees",
    "heat",
    "thermometer",
    "peaked",
    "mercury",
    "warm",
    "cold",
    "hot",
];

/// A spaced "F" or "C" standing alone after the number ending at `end`, where one of
/// the four words before the number speaks of weather ("highs of 70 F", "a low of
/// 5 C"): the temperature scale. Elsewhere a spaced capital is a grade or a name.
fn spaced_temperature(cx: &Ctx<'_>, start: usize, end: usize) -> Option<&'static str> {
    if !cx.is_space(end) {
        return None;
    }
    let scale = match cx.word(end + 1)? {
        "C" => "Celsius",
        "F" => "Fahrenheit",
        _ => return None,
    };
    if matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(end + 2), Some('-' | '/' | '\'' | '&'))
            && matches!(cx.kind(end + 3), Some(Kind::Word | Kind::Digits)))
    {
        return None;
    }
    // The words before, back to the start of the sentence, at most a dozen tokens
    // ("minus 20 degrees, or -29 C").
    let mut words = 0;
    for k in (start.saturating_sub(16)..start).rev() {
        match cx.tok(k) {
            Some(t) if t.kind == Kind::Word => {
                if WEATHER.contains(&t.text.to_lowercase().as_str()) {
                    return Some(scale);
                }
                words += 1;
                if words == 6 {
                    break;
                }
            }
            // "The temp. hit 104 F": an abbreviation's period is no sentence end.
            Some(t)
                if t.text == "."
                    && k.checked_sub(1)
                        .and_then(|p| cx.word(p))
                        .is_some_and(|w| super::abbrev::period_continues(w, false, None)) => {}
            Some(t) if matches!(t.text, "." | "!" | "?" | "\n" | ";") => break,
            _ => {}
        }
    }
    None
}

/// Words before "N-M" that make it a range or a score read with "to".
const TO_BEFORE: &[&str] = &[
    "aged",
    "size",
    "sizes",
    "ages",
    "age",
    "won",
    "lost",
    "beat",
    "defeated",
    "drew",
    "led",
    "trailed",
    "leads",
    "trails",
    "score",
    "scored",
    "passed",
    "approved",
    "rejected",
    "vote",
    "voted",
    "ruled",
    "between",
    "pp",
    "pages",
    "chapters",
    "verses",
    "odds",
    "from",
    "lose",
    "win",
    "wins",
    "beating",
    "winning",
    "open",
    "opens",
    "hours",
    "daily",
    "weekdays",
    "weekends",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// "aged 30-40", "won 3-1", "a 52-48 vote": N-M read with "to" where the context says
/// it is a range or a score; "1-2=5": a subtraction. Returns the tail and its end.
fn range_or_score(cx: &Ctx<'_>, start: usize, end: usize) -> Option<(String, usize)> {
    // "28 - 30", "won 3 - 1", "pp 12 - 19": a hyphen spaced on both sides between two
    // plain numbers is a range or a score, unless it is arithmetic ("5 - 3 = 2") or
    // the numbers run on as a code ("0 - 486 - 43365").
    if cx.is_space(end)
        && cx.punct(end + 1).is_some_and(super::is_dash)
        && cx.is_space(end + 2)
        && cx.digits(end + 3).is_some()
        && !start.checked_sub(2).is_some_and(|p| {
            cx.is_space(p + 1)
                && cx
                    .punct(p)
                    .is_some_and(|c| matches!(c, '-' | '+' | '=' | '×'))
        })
    {
        let second = parse_number(cx, end + 3)?;
        let after = second.end;
        if cx.is_space(after) && cx.is_punct(after + 1, '=') {
            return Some((format!(" minus {}", read_number(&second)), after));
        }
        if let Some((unit, e)) = measure::after_number(cx, after, false) {
            return Some((format!(" to {}{unit}", read_number(&second)), e));
        }
        // A five-digit run without commas is a code, read digit by digit elsewhere.
        let code = !second.grouped && second.int.len() >= 5;
        let runs_on = code
            || matches!(cx.kind(after), Some(Kind::Word | Kind::Digits))
            || (cx.is_space(after)
                && cx
                    .punct(after + 1)
                    .is_some_and(|c| matches!(c, '-' | '–' | '=' | '+' | '×' | '/')))
            || (cx
                .punct(after)
                .is_some_and(|c| matches!(c, '-' | '–' | '/' | '.' | ','))
                && cx.digits(after + 1).is_some());
        if runs_on {
            return None;
        }
        return Some((format!(" to {}", read_number(&second)), after));
    }
    let dash = cx.punct(end).filter(|&c| super::is_dash(c))?;
    // "1- 2 = 5": a spaced minus only counts in an equation.
    if cx.is_space(end + 1) && cx.digits(end + 2).is_some() {
        let second = parse_number(cx, end + 2)?;
        let after = second.end;
        if cx.is_space(after) && cx.is_punct(after + 1, '=') {
            return Some((format!(" minus {}", read_number(&second)), after));
        }
        return None;
    }
    let second = parse_number(cx, end + 1).filter(|_| cx.digits(end + 1).is_some())?;
    let after = second.end;
    // "30-35C", "highs of 70-75 F": a range of temperatures.
    {
        let scale = glued_temperature(cx, end + 1, after)
            .map(|s| (s, after + 1))
            .or_else(|| spaced_temperature(cx, start, after).map(|s| (s, after + 2)));
        if let Some((scale, e)) = scale {
            let degrees = format!(" to {} degrees {scale}", read_number(&second));
            return Some((degrees, e));
        }
    }
    if matches!(cx.kind(after), Some(Kind::Word | Kind::Digits))
        || (cx
            .punct(after)
            .is_some_and(|c| matches!(c, '-' | '–' | '/' | '.' | ','))
            && cx.digits(after + 1).is_some())
    {
        return None;
    }
    // "the 1-2 punch", "a 1-2 finish": the idiom "one-two".
    if dash == '-'
        && cx.digits(start) == Some("1")
        && second.int == "2"
        && second.frac.is_none()
        && start + 1 == end
        && cx
            .next_word(after)
            .is_some_and(|n| matches!(n, "punch" | "finish" | "combination" | "combo"))
    {
        return Some(("-two".to_string(), after));
    }
    // "a 50-50 split": even odds, "fifty-fifty".
    if dash == '-'
        && second.int == "50"
        && second.frac.is_none()
        && cx.digits(start) == Some("50")
        && start + 1 == end
        && !cx.is_punct(after, '%')
    {
        return Some(("-fifty".to_string(), after));
    }
    let equation = cx.is_punct(after, '=') || (cx.is_space(after) && cx.is_punct(after + 1, '='));
    if equation && dash == '-' {
        return Some((format!(" minus {}", read_number(&second)), after));
    }
    // "10-15%": a range of percentages.
    if cx.is_punct(after, '%') {
        return Some((format!(" to {} percent", read_number(&second)), after + 1));
    }
    if cx
        .prev_word(start)
        .is_some_and(|w| w.eq_ignore_ascii_case("between"))
    {
        return Some((format!(" and {}", read_number(&second)), after));
    }
    // The last three words before it, in the same clause: "beat Barcelona 2-1", "the
    // vote was 9-0", "passed the bill 51-49".
    // An abbreviation's period does not end the clause ("beat St. Paul 3-2").
    let mut ctx_before = false;
    let mut k = start;
    for _ in 0..3 {
        let (w, back) = match cx.prev_word(k) {
            Some(w) => (w, 2),
            None if k >= 3 && cx.is_space(k - 1) && cx.is_punct(k - 2, '.') => {
                match cx.word(k - 3) {
                    Some(w) if super::abbrev::period_continues(w, false, cx.word(k)) => (w, 3),
                    _ => break,
                }
            }
            None => break,
        };
        if TO_BEFORE.contains(&w.to_lowercase().as_str()) {
            ctx_before = true;
            break;
        }
        k -= back;
    }
    // "won 6-4, 6-3", "Scores: 3-2, 1-1": a pair after another pair in a list, or
    // after "score(s):".
    let pair_at = |e: usize| {
        e >= 2
            && cx.digits(e).is_some()
            && cx.punct(e - 1).is_some_and(super::is_dash)
            && cx.digits(e - 2).is_some()
    };
    if start >= 3 && cx.is_space(start - 1) && cx.is_punct(start - 2, ',') && pair_at(start - 3) {
        ctx_before = true;
    }
    if start >= 3
        && cx.is_space(start - 1)
        && cx.is_punct(start - 2, ':')
        && cx.word(start - 3).is_some_and(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "score" | "scores" | "result" | "results"
            )
        })
    {
        ctx_before = true;
    }
    // "Mon.-Fri. 9-5": hours after an abbreviated day.
    if start >= 3 && cx.is_space(start - 1) && cx.is_punct(start - 2, '.') {
        let day = cx.word(start - 3).is_some_and(|w| {
            matches!(
                w,
                "Mon" | "Tue" | "Tues" | "Wed" | "Thu" | "Thur" | "Thurs" | "Fri" | "Sat" | "Sun"
            )
        });
        ctx_before |= day;
    }
    // "Hours: 10-6", "open 10-6 Mon-Sat": opening hours.
    if start >= 3
        && cx.is_space(start - 1)
        && cx.is_punct(start - 2, ':')
        && cx
            .word(start - 3)
            .is_some_and(|w| w.eq_ignore_ascii_case("hours"))
    {
        ctx_before = true;
    }
    // A lowercase word after it: a range or tally of something ("3-4 inches", "a 3-1
    // win", "a 52-48 vote", "9-0 in favor"); or a day ("10-6 Mon-Sat").
    let ctx_after = cx
        .next_word(after)
        .is_some_and(|w| {
            w.chars().next().is_some_and(char::is_lowercase)
                || matches!(
                    w,
                    "Mon" | "Tue" | "Tues" | "Wed" | "Thu" | "Thur" | "Thurs" | "Fri" | "Sat"
                        | "Sun" | "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday"
                        | "Saturday" | "Sunday"
                )
        })
        // "6-4, 6-3": the first pair of a list of pairs.
        || (cx.is_punct(after, ',') && cx.is_space(after + 1) && pair_at(after + 4)
            && !matches!(cx.kind(after + 5), Some(Kind::Word | Kind::Digits))
            && !cx.punct(after + 5).is_some_and(super::is_dash));
    if !(ctx_before || ctx_after) {
        return None;
    }
    Some((format!(" to {}", read_number(&second)), after))
}

/// "No. 5" and "#1" → "number five", "number one".
pub(crate) fn match_number_sign(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if cx.glued_before(i) {
        return None;
    }
    let start = match (cx.word(i), cx.punct(i)) {
        (Some("No" | "NO" | "Nos"), _) if cx.is_punct(i + 1, '.') => {
            if cx.is_space(i + 2) {
                i + 3
            } else {
                i + 2
            }
        }
        // "room no. 5", "policy nos. 12-14": lower case, with the period and a number.
        (Some("no" | "nos"), _)
            if cx.is_punct(i + 1, '.') && cx.is_space(i + 2) && cx.digits(i + 3).is_some() =>
        {
            i + 3
        }
        // "NO 12", "No 10 Downing Street": without the period only before a number
        // that is not the start of a compound ("No 12-year-old should …").
        (Some("No" | "NO"), _) if cx.is_space(i + 1) && cx.digits(i + 2).is_some() => i + 2,
        // "#1 single", "the # 3 seed".
        (None, Some('#')) if cx.is_space(i + 1) && cx.digits(i + 2).is_some() => i + 2,
        (None, Some('#')) => i + 1,
        _ => return None,
    };
    cx.digits(start)?;
    let lit = parse_number(cx, start)?;
    if start == i + 2
        && cx.word(i).is_some()
        && (cx.punct(lit.end).is_some_and(super::is_dash) || cx.kind(lit.end) == Some(Kind::Word))
    {
        return None;
    }
    // "No. 10 Downing Street said" at the start of a sentence keeps its capital.
    let starts_sentence = match i.checked_sub(1) {
        None => true,
        Some(p) if cx.is_space(p) => p
            .checked_sub(1)
            .is_none_or(|q| matches!(cx.punct(q), Some('.' | '!' | '?' | '\n' | '"' | '“'))),
        Some(p) => matches!(cx.punct(p), Some('\n' | '"' | '“')),
    };
    let word = match (
        starts_sentence && cx.word(i).is_some(),
        matches!(cx.word(i), Some("Nos" | "nos")),
    ) {
        (true, false) => "Number",
        (true, true) => "Numbers",
        (false, false) => "number",
        (false, true) => "numbers",
    };
    let mut spoken = format!("{word} {}", read_number(&lit));
    let mut end = lit.end;
    // "Nos. 12-14": a range of numbers.
    if cx.punct(end).is_some_and(super::is_dash) && cx.digits(end + 1).is_some() {
        if let Some(second) = parse_number(cx, end + 1)
            .filter(|s| !matches!(cx.kind(s.end), Some(Kind::Word | Kind::Digits)))
        {
            spoken.push_str(" to ");
            spoken.push_str(&read_number(&second));
            end = second.end;
        }
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
    fn edge_cases() {
        assert_eq!(n("0"), "zero");
        assert_eq!(n("004"), "zero zero four");
        assert_eq!(n("1,2"), "one,two");
        assert_eq!(n("1,2345"), "one,two thousand three hundred forty-five");
        assert_eq!(n("-0.1"), "minus zero point one");
        assert_eq!(n("(-3)"), "(minus three)");
        assert_eq!(n("COVID-19"), "COVID-nineteen");
        assert_eq!(n("1- 2 = 5"), "one minus two equals five");
        assert_eq!(n("in 1990 - 10 years"), "in nineteen ninety - ten years");
        assert_eq!(n(".25"), "point two five");
        assert_eq!(n("v.25"), "v.twenty-five");
        assert_eq!(n("114...48"), "one hundred fourteen...forty-eight");
        assert_eq!(n("3.5%"), "three point five percent");
        assert_eq!(n("F-16s"), "F sixteens");
        assert_eq!(n("72°F"), "seventy-two degrees Fahrenheit");
        assert_eq!(n("99¢"), "ninety-nine cents");
        assert_eq!(n("-3°C."), "minus three degrees Celsius.");
        assert_eq!(n("1° angle"), "one degree angle");
        assert_eq!(n("5°Cx"), "five degrees Cx");
        assert_eq!(n("Boeing 737s"), "Boeing seven thirty-sevens");
        assert_eq!(n("W26s"), "W twenty-six s");
        assert_eq!(n("4s"), "four s");
        assert_eq!(
            n("Exhibit No. 162."),
            "Exhibit number one hundred sixty-two."
        );
        assert_eq!(n("the #1 pick"), "the number one pick");
        assert_eq!(n("No. one"), "No. one");
        assert_eq!(n("Bono.5"), "Bono.five");
        assert_eq!(
            n("1234567890123124"),
            "one two three four five six seven eight nine zero one two three one two four"
        );
    }
}
