//! Abbreviations and titles, resolved by context: "St." is "Saint" before a name and
//! "Street" after one, "Dr." "Doctor"/"Drive" likewise; titles before names ("Gov.",
//! "Sen.", "Capt."), company suffixes ("Inc.", "Ltd."), Latin ("i.e.", "e.g.", "etc.",
//! "vs."), "a.k.a.", and "pp. 4–9" → "pages four to nine".

use super::cardinal::{parse_number, read_number};
use super::scanner::Kind;
use super::{is_dash, Class, Ctx, Match};

/// Abbreviations always expanded the same way: (written, spoken, title before a name).
const FIXED: &[(&str, &str, bool)] = &[
    ("Gov", "Governor", true),
    ("Sen", "Senator", true),
    ("Sec", "Secretary", true),
    ("Ald", "Alderman", true),
    ("Supt", "Superintendent", true),
    ("Det", "Detective", true),
    ("Insp", "Inspector", true),
    ("Fr", "Father", true),
    ("Msgr", "Monsignor", true),
    ("Pt", "Point", true),
    ("Rep", "Representative", true),
    ("Reps", "Representatives", true),
    ("Capt", "Captain", true),
    ("Sgt", "Sergeant", true),
    ("Prof", "Professor", true),
    ("Gen", "General", true),
    ("Lt", "Lieutenant", true),
    ("Col", "Colonel", true),
    ("Adm", "Admiral", true),
    ("Cpl", "Corporal", true),
    ("Pvt", "Private", true),
    ("Maj", "Major", true),
    ("Cmdr", "Commander", true),
    ("Pres", "President", true),
    ("Atty", "Attorney", true),
    ("Rev", "Reverend", true),
    ("Hon", "Honorable", true),
    ("Mr", "Mister", true),
    ("Mrs", "Misses", true),
    ("mr", "mister", true),
    ("mrs", "misses", true),
    ("Ms", "Miz", true),
    ("Mt", "Mount", true),
    ("Ft", "Fort", true),
    ("Jr", "Junior", false),
    ("Sr", "Senior", false),
    ("jr", "junior", false),
    ("sr", "senior", false),
    ("Inc", "Incorporated", false),
    ("Ltd", "Limited", false),
    ("Corp", "Corporation", false),
    ("Co", "Company", false),
    ("Bros", "Brothers", false),
    ("Esq", "Esquire", false),
    ("temp", "temperature", false),
    ("temps", "temperatures", false),
    ("Temp", "Temperature", false),
    ("Ave", "Avenue", false),
    ("Blvd", "Boulevard", false),
    ("Rd", "Road", false),
    ("Hwy", "Highway", false),
    ("Dept", "Department", false),
    ("dept", "department", false),
    ("Depts", "Departments", false),
    ("ltd", "limited", false),
    ("LTD", "Limited", false),
    ("bros", "brothers", false),
    ("Univ", "University", false),
    ("Assn", "Association", false),
    ("Assoc", "Association", false),
    ("Intl", "International", true),
    ("Natl", "National", true),
    ("Mfg", "Manufacturing", false),
    ("Div", "Division", false),
    ("Cav", "Cavalry", false),
    ("Inf", "Infantry", false),
    ("Regt", "Regiment", false),
    ("Bn", "Battalion", false),
    ("Bde", "Brigade", false),
    ("vs", "versus", false),
    ("approx", "approximately", false),
    ("Approx", "Approximately", false),
    ("etc", "et cetera", false),
    ("ext", "extension", false),
    ("qtr", "quarter", false),
    ("Qtr", "Quarter", false),
    ("est", "established", false),
    ("Est", "Established", false),
    ("Mon", "Monday", false),
    ("Tue", "Tuesday", false),
    ("Tues", "Tuesday", false),
    ("Wed", "Wednesday", false),
    ("Thu", "Thursday", false),
    ("Thur", "Thursday", false),
    ("Thurs", "Thursday", false),
    ("Fri", "Friday", false),
    ("Sat", "Saturday", false),
    ("Sun", "Sunday", false),
];

/// The entry of `FIXED` written `w`, by hash: the table is asked at every word.
fn fixed(w: &str) -> Option<&'static (&'static str, &'static str, bool)> {
    type Index = std::collections::HashMap<&'static str, usize, FnvBuild>;
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    // No entry is longer than six letters; most words are, and skip the hash.
    if w.len() > 6 {
        return None;
    }
    let index = INDEX.get_or_init(|| {
        FIXED
            .iter()
            .enumerate()
            .map(|(k, (a, _, _))| (*a, k))
            .collect()
    });
    index.get(w).and_then(|&k| FIXED.get(k))
}

/// FNV-1a: the words hashed here are short and not chosen by an attacker who could
/// gain from collisions (the table is fixed), so the default SipHash's cost buys
/// nothing.
#[derive(Default, Clone, Copy)]
struct FnvBuild;

struct Fnv(u64);

impl std::hash::BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The compass points of two and three letters ("NW", "SSE"), as words.
fn compass_point(w: &str) -> Option<&'static str> {
    Some(match w {
        "NE" => "northeast",
        "NW" => "northwest",
        "SE" => "southeast",
        "SW" => "southwest",
        "NNE" => "north-northeast",
        "NNW" => "north-northwest",
        "ENE" => "east-northeast",
        "ESE" => "east-southeast",
        "SSE" => "south-southeast",
        "SSW" => "south-southwest",
        "WNW" => "west-northwest",
        "WSW" => "west-southwest",
        _ => return None,
    })
}

/// Dotted letter abbreviations: letters, spoken.
const DOTTED: &[(&[&str], &str)] = &[
    (&["i", "e"], "that is"),
    (&["e", "g"], "for example"),
    (&["a", "k", "a"], "also known as"),
    (&["p", "a"], "per annum"),
];

/// Dotted abbreviations that never end a sentence at their period, whatever follows.
const DOTTED_KEEP: &[&str] = &["u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "ph.d"];

/// Month abbreviations ("Oct. 3").
const MONTH_ABBREVS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// References that continue only before a number ("No. 12", "Vol. 3", "fig. 2").
const NUMBER_REFS: &[&str] = &[
    "no", "nos", "fig", "figs", "vol", "vols", "pp", "p", "ch", "sec", "art", "para", "ps", "bldg",
    "eq", "eqs", "cat", "ext", "rt", "rte", "apt", "rm", "pt",
];

/// Of those, the ones read out before a number, with or without a period ("Vol. 3" →
/// "volume three", "Fig 2" → "figure two"); "No."/"#" are in `cardinal`, "pp." below.
const NUMBER_REF_WORDS: &[(&str, &str, &str)] = &[
    ("vol", "volume", "volumes"),
    ("vols", "volumes", "volumes"),
    ("fig", "figure", "figures"),
    ("figs", "figures", "figures"),
    ("ch", "chapter", "chapters"),
    ("sec", "section", "sections"),
    ("para", "paragraph", "paragraphs"),
    ("bldg", "building", "buildings"),
    ("cat", "category", "categories"),
    ("ps", "psalm", "psalms"),
    ("eq", "equation", "equations"),
    ("eqs", "equations", "equations"),
    ("art", "article", "articles"),
    ("arts", "articles", "articles"),
    ("pt", "part", "parts"),
];

/// Abbreviations that are read also without their period: company suffixes after a
/// name ("Iliffe Books ltd", "Warner Bros"), "dept", and the British titles.
const PERIOD_OPTIONAL: &[&str] = &[
    "Mr", "Mrs", "Ms", "Mt", "Ft", "Lt", "Sgt", "vs", "Ltd", "ltd", "LTD", "Bros", "bros", "Dept",
    "dept", "Approx", "approx", "mr", "mrs", "Jr", "Sr", "jr", "sr", "etc", "qtr", "Qtr",
];

/// Whether the period right after `word` ("Adm", "Tue", "e.g", "U.S") is part of an
/// abbreviation that does not end the sentence, with `next` the word after it. The
/// one table for the normalizer and for the sentence splitter of both the article and
/// the SSML paths (narrate and normalize read "Tue. Oct. 3" and "Adm. Smith" alike).
/// `after_name`: the word before `word` is a name (capitalized, not the first word of
/// its sentence), which makes "St."/"Dr." a place ("Elm St.") rather than a title.
pub fn period_continues(word: &str, after_name: bool, next: Option<&str>) -> bool {
    let word = word.trim_start_matches(['(', '"', '“', '‘', '\'', '[']);
    if word.is_empty() {
        return false;
    }
    // A single capital letter is an initial ("Donald J. Trump").
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        return c.is_uppercase();
    }
    let lower = word.to_lowercase();
    if DOTTED_KEEP.contains(&lower.as_str()) || MONTH_ABBREVS.contains(&word) {
        return true;
    }
    // "No. 12", "pt. 2": a reference continues before its number; otherwise the word
    // may still be a title ("Sec. Blinken", "Pt. Reyes"), asked below.
    if NUMBER_REFS.contains(&lower.as_str())
        && next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
    {
        return true;
    }
    let dotted = lower.replace('.', "");
    if lower.contains('.') && DOTTED.iter().any(|(letters, _)| letters.concat() == dotted) {
        return true;
    }
    if matches!(word, "St" | "Dr" | "Ste" | "st" | "dr") {
        return !after_name
            && next.is_some_and(|n| n.chars().next().is_some_and(char::is_uppercase));
    }
    // Every fixed abbreviation: titles before names, "Inc.", "Jr.", days of the week.
    // Followed by a capital, a title is read into the name and a company or day
    // into what follows; a sentence that truly ends on one runs into the next,
    // which costs a pause, not a misreading.
    fixed(word).is_some()
}

/// Words that follow a clock's "PM" ("4 PM Eastern", "PM Monday"): never a name.
fn is_clock_word(w: &str) -> bool {
    weekday(w).is_some()
        || matches!(
            w,
            "Eastern" | "Central" | "Mountain" | "Pacific" | "Today" | "Tonight" | "Tomorrow"
        )
        || super::date::MONTHS.contains(&w)
}

/// A day of the week, abbreviated or in full ("Mon", "Tues", "Friday"): its name.
fn weekday(w: &str) -> Option<&'static str> {
    const DAYS: &[&str] = &[
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    if let Some(d) = DAYS.iter().find(|d| **d == w) {
        return Some(d);
    }
    match fixed(w)? {
        (_, said, false) if DAYS.contains(said) => DAYS.iter().find(|d| *d == said).copied(),
        _ => None,
    }
}

/// Whether the token at `w` starts a sentence: the text's start, or after `.`, `!`
/// or `?` and a space.
fn starts_sentence(cx: &Ctx<'_>, w: usize) -> bool {
    let Some(before) = w.checked_sub(1) else {
        return true;
    };
    if !cx.is_space(before) {
        return false;
    }
    before
        .checked_sub(1)
        .is_none_or(|p| cx.is_punct(p, '.') || cx.is_punct(p, '!') || cx.is_punct(p, '?'))
}

/// Whether the word before token `i` names a street: a capitalized word (not one
/// the normalizer writes for something else, so a second pass reads it the same)
/// after a house number or a preposition of place ("12 Elm st", "on Baker st.").
fn street_name_before(cx: &Ctx<'_>, i: usize) -> bool {
    let Some(name) = cx.prev_word(i) else {
        return false;
    };
    if name.len() < 3 || !capitalized(name) || written_capital(name) {
        return false;
    }
    let Some(before) = i.checked_sub(3).filter(|&b| cx.is_space(b)) else {
        return false;
    };
    let Some(b) = before.checked_sub(1) else {
        return false;
    };
    cx.digits(b).is_some()
        || cx.word(b).is_some_and(|v| {
            matches!(
                v,
                "on" | "at" | "along" | "off" | "of" | "down" | "up" | "onto" | "near" | "past"
            )
        })
}

/// A capitalized word the normalizer writes in place of something else (a title,
/// a street type, a state, a scale, a day or month), which must not read as a
/// street's name on a second pass.
fn written_capital(w: &str) -> bool {
    FIXED
        .iter()
        .any(|(_, said, _)| said.split(' ').any(|p| p == w))
        || super::address::is_state_name_word(w)
        || matches!(
            w,
            "Fahrenheit" | "Celsius" | "Kelvin" | "Street" | "Saint" | "Drive" | "Doctor"
        )
        || super::date::MONTHS.contains(&w)
}

/// Whether an ordinal ("5th", "90th") ends one token before token `i`.
fn ordinal_ends_before(cx: &Ctx<'_>, i: usize) -> bool {
    i.checked_sub(3).is_some_and(|p| {
        cx.digits(p).is_some()
            && cx
                .word(p + 1)
                .is_some_and(|s| matches!(s, "st" | "nd" | "rd" | "th"))
    })
}

fn capitalized(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
}

/// Index past "abbr." (or past "abbr" alone when `period_optional`).
fn after_period(cx: &Ctx<'_>, i: usize, period_optional: bool) -> Option<usize> {
    if cx.is_punct(i + 1, '.') {
        return Some(i + 2);
    }
    let alone = cx.tok(i + 1).is_none() || cx.is_space(i + 1) || cx.is_punct(i + 1, ',');
    (period_optional && alone).then_some(i + 1)
}

/// Whether "&"/"and" and another title follow the title ending at `end` ("Mr. &
/// Mrs. Smith", "Dr. and Mrs. Jones"): the two share the name after them.
fn joined_title(cx: &Ctx<'_>, end: usize) -> bool {
    cx.is_space(end)
        && (cx.is_punct(end + 1, '&') || cx.word(end + 1) == Some("and"))
        && cx.is_space(end + 2)
        && cx
            .word(end + 3)
            .is_some_and(|t| matches!(t, "Mr" | "Mrs" | "Ms" | "Dr"))
}

/// A title before a name: consume the space too, so the period is not read as the end
/// of a sentence ("Dr. Smith" → "Doctor Smith").
fn before_name(cx: &Ctx<'_>, end: usize, spoken: &str) -> Option<Match> {
    let name = cx.next_word(end)?;
    if !name.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    Some(Match::new(end + 1, spoken.to_string(), Class::Cardinal))
}

/// An abbreviation that never ends a sentence ("vs.", "e.g."): when a word follows,
/// take the space too so its period is not read as a full stop.
fn mid_sentence(cx: &Ctx<'_>, end: usize, spoken: &str) -> Match {
    let end =
        if cx.next_word(end).is_some() && end.checked_sub(1).is_some_and(|p| cx.is_punct(p, '.')) {
            end + 1
        } else {
            end
        };
    Match::new(end, spoken.to_string(), Class::Cardinal)
}

/// Letter-slash shorthands (`w/`, `w/o`, `c/o`, `a/k/a`, `P/E`) with what is
/// said for them; `w/` alone needs a word after it.
const SLASHED: &[(&[&str], &str)] = &[
    (&["w", "o"], "without"),
    (&["c", "o"], "care of"),
    (&["a", "k", "a"], "also known as"),
    (&["P", "E"], "P E"),
    (&["w"], "with"),
];

fn slashed_shorthand(cx: &Ctx<'_>, i: usize, w: &str) -> Option<Match> {
    if !cx.is_punct(i + 1, '/') {
        return None;
    }
    for (letters, said) in SLASHED {
        if !letters[0].eq_ignore_ascii_case(w) {
            continue;
        }
        // The letters joined by slashes, the last one followed by a slash only
        // for "w/".
        let mut j = i;
        let mut whole = true;
        for (k, letter) in letters.iter().enumerate().skip(1) {
            let at = i + 2 * k;
            if !(cx.is_punct(at - 1, '/')
                && cx.word(at).is_some_and(|l| l.eq_ignore_ascii_case(letter)))
            {
                whole = false;
                break;
            }
            j = at;
        }
        if !whole {
            continue;
        }
        let mut end = j + 1;
        if letters.len() == 1 {
            // "w/ a hood", "w/cheese": a word follows, glued or spaced.
            end += 1;
            let next = if cx.is_space(end) { end + 1 } else { end };
            if !matches!(cx.kind(next), Some(Kind::Word | Kind::Digits)) {
                continue;
            }
        } else if cx.is_punct(end, '/') || matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) {
            continue;
        }
        // "P/E" is upper-case as written; the rest lower-case.
        let case_ok = if *said == "P E" {
            w == "P" && cx.word(j) == Some("E")
        } else {
            w.chars().all(char::is_lowercase)
        };
        if !case_ok {
            continue;
        }
        return Some(Match::new(end, said.to_string(), Class::Cardinal));
    }
    None
}

/// Abbreviations and titles at token `i`.
pub(crate) fn match_abbrev(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    if cx.glued_before(i) || i.checked_sub(1).is_some_and(|p| cx.is_punct(p, '.')) {
        return None;
    }
    // "Mon-Fri", "Mon.–Sat.", "Monday-Friday": a range of days, read with "to".
    if let Some(first) = weekday(w) {
        let mut j = i + 1;
        if cx.is_punct(j, '.') {
            j += 1;
        }
        if cx.punct(j).is_some_and(is_dash) {
            if let Some(last) = cx.word(j + 1).and_then(weekday) {
                let mut end = j + 2;
                // The last day's period, unless it also ends the sentence.
                if cx.is_punct(end, '.')
                    && (cx
                        .next_word(end + 1)
                        .is_some_and(|n| n.starts_with(char::is_lowercase))
                        || cx.is_space(end + 1) && cx.digits(end + 2).is_some())
                {
                    end += 1;
                }
                return Some(Match::new(
                    end,
                    format!("{first} to {last}"),
                    Class::Cardinal,
                ));
            }
        }
    }
    // "pp. 4–9", "p. 12".
    // Also without the period and with a spaced hyphen ("pp 12 - 19").
    let num_at = if cx.is_punct(i + 1, '.') {
        i + 3
    } else {
        i + 2
    };
    if matches!(w, "pp" | "p") && cx.is_space(num_at - 1) && cx.digits(num_at).is_some() {
        let a = parse_number(cx, num_at)?;
        let mut spoken = format!("page {}", read_number(&a));
        let mut end = a.end;
        let spaced = cx.is_space(end) && cx.is_space(end + 2);
        let dash_at = if spaced { end + 1 } else { end };
        let b_at = if spaced { end + 3 } else { end + 1 };
        if cx.punct(dash_at).is_some_and(is_dash) && cx.digits(b_at).is_some() {
            let b = parse_number(cx, b_at)?;
            spoken = format!("pages {} to {}", read_number(&a), read_number(&b));
            end = b.end;
        } else if w == "pp" {
            spoken.insert(4, 's');
        }
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    // "c. 1480", "ca. 1500", "c.1200": circa before a year (glued, only four digits).
    let spaced = cx.is_space(i + 2);
    let y = if spaced { i + 3 } else { i + 2 };
    if matches!(w, "c" | "ca" | "C" | "Ca")
        && cx.is_punct(i + 1, '.')
        && cx.digits(y).is_some_and(|d| {
            (if spaced { 3..=4 } else { 4..=4 }).contains(&d.len()) && !d.starts_with('0')
        })
        && !matches!(cx.kind(y + 1), Some(Kind::Word | Kind::Digits))
        && !(cx.is_punct(y + 1, ',') && cx.digits(y + 2).is_some())
    {
        let said = if w.starts_with('C') && starts_sentence(cx, i) {
            "Circa"
        } else {
            "circa"
        };
        return Some(Match::new(y, said.to_string(), Class::Cardinal));
    }
    // "y/y", "q/q", "m/m", "w/w": period-on-period changes in market copy. ("YoY" is
    // kept as written, as the peer suite has it.)
    let period = |l: &str| match l {
        "y" | "Y" => Some("year"),
        "q" | "Q" => Some("quarter"),
        "m" | "M" => Some("month"),
        "w" | "W" => Some("week"),
        _ => None,
    };
    if let Some(p) = period(w) {
        if cx.is_punct(i + 1, '/')
            && cx.word(i + 2).is_some_and(|b| b.eq_ignore_ascii_case(w))
            && !matches!(cx.kind(i + 3), Some(Kind::Word | Kind::Digits))
        {
            return Some(Match::new(i + 3, format!("{p} on {p}"), Class::Cardinal));
        }
    }
    // "w/ a hood", "c/o the school", "a P/E of 25": the slashed shorthands of
    // listings and market copy, read as their words.
    if let Some(m) = slashed_shorthand(cx, i, w) {
        return Some(m);
    }
    // "the OR nurse", "rushed to the OR": the operating room, not the word "or".
    if w == "OR"
        && cx
            .prev_word(i)
            .is_some_and(|p| matches!(p, "the" | "The" | "an" | "An"))
        && !matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits))
        && cx
            .next_word(i + 1)
            .is_none_or(|n| n.starts_with(char::is_lowercase))
    {
        return Some(Match::new(i + 1, "O R".to_string(), Class::Cardinal));
    }
    // "the PM said", "former PM Boris Johnson": the prime minister, not the
    // afternoon (which follows a number, "4 PM").
    if w == "PM"
        && !matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits))
        && !cx.is_punct(i + 1, '-')
        && i.checked_sub(2).is_none_or(|p| cx.digits(p).is_none())
    {
        let before = cx.prev_word(i);
        let office = before.is_some_and(|p| {
            matches!(
                p,
                "the"
                    | "The"
                    | "former"
                    | "Former"
                    | "deputy"
                    | "Deputy"
                    | "acting"
                    | "interim"
                    | "British"
                    | "UK"
                    | "Indian"
                    | "Israeli"
                    | "Australian"
                    | "Canadian"
                    | "Japanese"
                    | "Pakistani"
                    | "Italian"
                    | "Spanish"
                    | "Thai"
                    | "Dutch"
                    | "Irish"
                    | "Hungarian"
                    | "Polish"
                    | "Greek"
                    | "Ukrainian"
            )
        });
        let name_follows = cx
            .next_word(i + 1)
            .is_some_and(|n| n.len() > 2 && capitalized(n) && !is_clock_word(n))
            && before.is_none_or(|p| !matches!(p, "at" | "by" | "until" | "from" | "to"));
        if office || name_follows {
            return Some(Match::new(
                i + 1,
                "Prime Minister".to_string(),
                Class::Cardinal,
            ));
        }
    }
    // "winds from the NW", "NE winds of 40 mph": a compass point in a weather report.
    if let Some(point) = compass_point(w) {
        let from_the = cx
            .prev_word(i)
            .is_some_and(|p| p.eq_ignore_ascii_case("the"))
            && i.checked_sub(2)
                .and_then(|k| cx.prev_word(k))
                .is_some_and(|p| {
                    matches!(
                        p.to_ascii_lowercase().as_str(),
                        "from" | "to" | "toward" | "towards"
                    )
                });
        let wind_after = cx
            .next_word(i + 1)
            .is_some_and(|n| matches!(n, "wind" | "winds" | "gusts" | "breeze" | "swell"));
        if (from_the || wind_after) && !matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits)) {
            let mut said = point.to_string();
            if starts_sentence(cx, i) {
                said[..1].make_ascii_uppercase();
            }
            return Some(Match::new(i + 1, said, Class::Cardinal));
        }
    }
    // "Tel. 555-0100", "tel: (212) 555-0148": the telephone before its number.
    if matches!(w, "Tel" | "tel" | "TEL") {
        let at = if matches!(cx.punct(i + 1), Some('.' | ':')) {
            i + 2
        } else {
            i + 1
        };
        if cx.is_space(at)
            && (cx.digits(at + 1).is_some()
                || (cx.is_punct(at + 1, '(') && cx.digits(at + 2).is_some())
                || (cx.is_punct(at + 1, '+') && cx.digits(at + 2).is_some()))
        {
            let said = if w == "tel" { "telephone" } else { "Telephone" };
            return Some(Match::new(at + 1, format!("{said} "), Class::Cardinal));
        }
    }
    // "Ext. 204", "ext 12": a telephone extension, its number said like a room's.
    if matches!(w, "Ext" | "ext") {
        let at = if cx.is_punct(i + 1, '.') {
            i + 2
        } else {
            i + 1
        };
        if cx.is_space(at) {
            if let Some(d) = cx.digits(at + 1).filter(|d| d.len() <= 5) {
                let glued = matches!(cx.kind(at + 2), Some(Kind::Word | Kind::Digits))
                    || (matches!(cx.punct(at + 2), Some('.' | ',' | '-'))
                        && cx.digits(at + 3).is_some());
                if !glued {
                    let said = if w == "Ext" { "Extension" } else { "extension" };
                    let number = super::address::house_number(d)
                        .unwrap_or_else(|| super::words::digits_each(d));
                    return Some(Match::new(
                        at + 2,
                        format!("{said} {number}"),
                        Class::Cardinal,
                    ));
                }
            }
        }
    }
    // "ed. by Jane Smith", "eds. by": an editor's credit.
    if matches!(w, "ed" | "eds" | "Ed" | "Eds")
        && cx.is_punct(i + 1, '.')
        && cx.is_space(i + 2)
        && cx.word(i + 3) == Some("by")
    {
        let said = if w.starts_with('E') {
            "Edited"
        } else {
            "edited"
        };
        return Some(Match::new(i + 2, said.to_string(), Class::Cardinal));
    }
    // "Acme plc": the British company suffix, after the company's name.
    if matches!(w, "plc" | "Plc")
        && cx.prev_word(i).is_some_and(capitalized)
        && !matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits))
    {
        return Some(Match::new(i + 1, "P L C".to_string(), Class::Cardinal));
    }
    // "a PhD", "two PhDs": the degree's letters.
    if matches!(w, "PhD" | "PhDs") && !matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits)) {
        let said = if w == "PhD" { "P H D" } else { "P H Ds" };
        return Some(Match::new(i + 1, said.to_string(), Class::Cardinal));
    }
    // "Ph.D.", which may end its sentence ("earned his Ph.D. Then").
    if w == "Ph"
        && cx.is_punct(i + 1, '.')
        && cx.word(i + 2) == Some("D")
        && cx.is_punct(i + 3, '.')
    {
        let end = if cx.sentence_period(i + 4) == "." {
            i + 3
        } else {
            i + 4
        };
        return Some(Match::new(end, "P H D".to_string(), Class::Cardinal));
    }
    // i.e., e.g., a.k.a.
    for (letters, spoken) in DOTTED {
        let mut j = i;
        let mut ok = true;
        for l in letters.iter() {
            if cx.word(j) != Some(l) || !cx.is_punct(j + 1, '.') {
                ok = false;
                break;
            }
            j += 2;
        }
        if ok {
            return Some(mid_sentence(cx, j, spoken));
        }
    }
    // "in the 90th min": after an ordinal, the minute of a match.
    if w == "min" && ordinal_ends_before(cx, i) && cx.is_space(i - 1) {
        let end = after_period(cx, i, true)?;
        return Some(mid_sentence(cx, end, "minute"));
    }
    // "the min wage", "a max. speed of": before a noun, and not after a number
    // (where "min" is minutes), the words they shorten.
    if matches!(w, "min" | "max") && i.checked_sub(2).is_none_or(|p| cx.digits(p).is_none()) {
        let end = after_period(cx, i, true)?;
        let noun = cx.next_word(end).is_some_and(|n| {
            n.len() > 2
                && n.chars().all(|c| c.is_ascii_lowercase())
                && !matches!(n, "and" | "or" | "to" | "of" | "the")
                && !super::words::is_number_word(n)
        });
        let placed = i
            .checked_sub(1)
            .is_none_or(|p| cx.is_space(p) || cx.is_punct(p, '('));
        if noun && placed {
            let said = if w == "min" { "minimum" } else { "maximum" };
            return Some(mid_sentence(cx, end, said));
        }
        return None;
    }
    // Context: St. and Dr.
    if matches!(w, "St" | "Dr" | "Ste" | "st" | "dr") {
        let end = after_period(cx, i, true)?;
        // "Then Dr. Smith": a capital that only starts the sentence is no name when
        // a name follows ("Mulholland Dr. in" still is one).
        let name_follows = after_period(cx, i, true)
            .and_then(|end| cx.next_word(end))
            .is_some_and(|n| n.chars().next().is_some_and(char::is_uppercase));
        let after_name = (cx.prev_word(i).is_some_and(capitalized)
            && !(name_follows && i.checked_sub(2).is_some_and(|w| starts_sentence(cx, w))))
            || i.checked_sub(2).is_some_and(|p| cx.digits(p).is_some())
            // "Martin Luther King Jr. Dr.": a street named for a person.
            || (i >= 3
                && !name_follows
                && cx.is_space(i - 1)
                && cx.is_punct(i - 2, '.')
                && matches!(cx.word(i - 3), Some("Jr" | "Sr")))
            // "5th St.", "42nd St": an ordinal street name.
            || ordinal_ends_before(cx, i);
        // "Ste. 200", "Ste 4B": a suite before its number.
        if w == "Ste" && cx.is_space(end) && cx.digits(end + 1).is_some() {
            return Some(Match::new(end + 1, "Suite".to_string(), Class::Cardinal));
        }
        let (title, place) = match w {
            "Dr" => ("Doctor", "Drive"),
            "dr" => ("doctor", "Drive"),
            "Ste" => ("Sainte", "Suite"),
            "st" => ("saint", "Street"),
            _ => ("Saint", "Street"),
        };
        // Lower case is a title only before a name and without a period ("the
        // convent of st John", as copy typed in lower case has it); "dr" and "st" alone
        // are too often something else, and the peer suite keeps "dr. Evil" as written.
        if w.starts_with(char::is_lowercase) {
            // "on Elm st", "12 Baker st.": after a street's name, itself after a number
            // or a preposition of place, lower-case "st" is the street.
            if w == "st" && street_name_before(cx, i) && !name_follows {
                return Some(mid_sentence(cx, end, "Street"));
            }
            if cx.is_punct(i + 1, '.') {
                return None;
            }
            // Not "street" after a name: the first pass can put a capitalized word
            // before it ("PM st" → "P M st", "5F st" → "… Fahrenheit st"), and the
            // second pass would then read it differently.
            if after_name {
                return None;
            }
            // And only after a word the first pass never writes for something else
            // ("of st John", "the st Mark School") or at the start: after "five
            // dollars", "fifth" or "and" a second pass would see what the first did not.
            let opener = match i.checked_sub(1) {
                None => true,
                Some(p) if cx.is_space(p) => match p.checked_sub(1) {
                    None => true,
                    Some(q) => {
                        cx.word(q).is_some_and(|v| {
                            matches!(
                                v,
                                "of" | "the"
                                    | "The"
                                    | "from"
                                    | "near"
                                    | "in"
                                    | "on"
                                    | "by"
                                    | "with"
                                    | "to"
                                    | "said"
                                    | "currently"
                            )
                        }) || matches!(cx.punct(q), Some('(' | '"' | '“' | '`' | '\n'))
                    }
                },
                Some(_) => false,
            };
            let name = cx
                .next_word(end)
                .is_some_and(|n| n.len() > 1 && capitalized(n));
            if !opener || !name {
                return None;
            }
            return before_name(cx, end, title);
        }
        if !after_name {
            if w == "Dr" && joined_title(cx, end) {
                return Some(Match::new(end + 1, title.to_string(), Class::Cardinal));
            }
            if let Some(m) = before_name(cx, end, title) {
                return Some(m);
            }
        }
        if after_name {
            return Some(Match::new(end, place.to_string(), Class::Cardinal));
        }
        return None;
    }
    // "Vol. 3", "Fig 2", "vols. 3-4": a reference before a number.
    let not_all_caps = w.chars().skip(1).all(char::is_lowercase);
    // "Vol. II", "Ch. XII": an abbreviated reference with its period before a
    // Roman numeral, read as the number ("volume two").
    if let Some(&(_, one, _)) = NUMBER_REF_WORDS
        .iter()
        .find(|(a, _, _)| {
            matches!(*a, "vol" | "ch" | "ps" | "sec" | "para") && a.eq_ignore_ascii_case(w)
        })
        .filter(|_| not_all_caps && cx.is_punct(i + 1, '.') && cx.is_space(i + 2))
    {
        if let Some(value) = cx
            .word(i + 3)
            .filter(|n| n.len() > 1 || matches!(*n, "I" | "V" | "X"))
            .and_then(super::roman::parse_roman)
            .filter(|_| !matches!(cx.kind(i + 4), Some(Kind::Word | Kind::Digits)))
        {
            let mut end = i + 4;
            // "Vol. II. of the history": the numeral's own period.
            if cx.is_punct(end, '.')
                && (matches!(cx.punct(end + 1), Some(',' | ';' | ')'))
                    || cx
                        .next_word(end + 1)
                        .is_some_and(|n| n.starts_with(char::is_lowercase)))
            {
                end += 1;
            }
            let said = if starts_sentence(cx, i) {
                let mut c = one.chars();
                c.next().map_or_else(String::new, |f| {
                    f.to_uppercase().collect::<String>() + c.as_str()
                })
            } else {
                one.to_string()
            };
            return Some(Match::new(
                end,
                format!("{said} {}", super::words::cardinal_u64(value)),
                Class::Cardinal,
            ));
        }
    }
    if let Some(&(_, one, many)) = NUMBER_REF_WORDS
        .iter()
        .find(|(a, _, _)| a.eq_ignore_ascii_case(w))
        .filter(|_| not_all_caps)
        // "Sec. Blinken", "Pt. Reyes" are a title and a place: only a number after
        // makes them a section and a part.
        .filter(|_| cx.digits(i + 3).is_some() || cx.digits(i + 2).is_some())
    {
        let start = if cx.is_punct(i + 1, '.') {
            i + 2
        } else {
            i + 1
        };
        if !cx.is_space(start) {
            return None;
        }
        // "art 5" in lower case without its period is too often the word.
        if start == i + 1 && matches!(w, "art" | "arts" | "eq" | "cat" | "Cat") {
            return None;
        }
        cx.digits(start + 1)?;
        let a = parse_number(cx, start + 1)?;
        if matches!(cx.kind(a.end), Some(Kind::Word)) {
            return None;
        }
        let cap = |s: &str| {
            if w.starts_with(char::is_uppercase) && starts_sentence(cx, i) {
                let mut c = s.chars();
                c.next().map_or_else(String::new, |f| {
                    f.to_uppercase().collect::<String>() + c.as_str()
                })
            } else {
                s.to_string()
            }
        };
        if cx.punct(a.end).is_some_and(is_dash) && cx.digits(a.end + 1).is_some() {
            let b = parse_number(cx, a.end + 1)?;
            let spoken = format!("{} {} to {}", cap(many), read_number(&a), read_number(&b));
            return Some(Match::new(b.end, spoken, Class::Cardinal));
        }
        let spoken = format!("{} {}", cap(one), read_number(&a));
        return Some(Match::new(a.end, spoken, Class::Cardinal));
    }
    // "pop. 5,000": a place's population before its number; "(b. 1950)", "(d.
    // 2001)": born and died before a year, in a life's dates.
    if matches!(w, "pop" | "Pop" | "b" | "d")
        && cx.is_punct(i + 1, '.')
        && cx.is_space(i + 2)
        && cx.digits(i + 3).is_some()
    {
        let said = match w {
            "pop" => Some("population"),
            "Pop" => Some("Population"),
            _ => {
                let year = cx
                    .digits(i + 3)
                    .is_some_and(|d| (3..=4).contains(&d.len()) && !d.starts_with('0'))
                    && !matches!(cx.kind(i + 4), Some(Kind::Word | Kind::Digits))
                    && !(matches!(cx.punct(i + 4), Some(',' | '.')) && cx.digits(i + 5).is_some());
                let opened = i.checked_sub(1).is_some_and(|p| cx.is_punct(p, '('))
                    || (i >= 2 && cx.is_space(i - 1) && cx.is_punct(i - 2, ','))
                    || (i >= 2 && cx.is_space(i - 1) && cx.is_punct(i - 2, ';'));
                (year && opened).then_some(if w == "b" { "born" } else { "died" })
            }
        };
        if let Some(said) = said {
            return Some(Match::new(i + 3, said.to_string(), Class::Cardinal));
        }
    }
    // "Roe v. Wade", "Apple v. Samsung": a case between two names.
    if w == "v"
        && cx.is_punct(i + 1, '.')
        && cx
            .prev_word(i)
            .is_some_and(|p| p.len() > 1 && p.starts_with(char::is_uppercase))
        && cx
            .next_word(i + 2)
            .is_some_and(|n| n.len() > 1 && n.starts_with(char::is_uppercase))
    {
        return Some(mid_sentence(cx, i + 2, "versus"));
    }
    let &(_, spoken, title) = fixed(w)?;
    // Titles also without a period in British style ("Mr Smith"), company suffixes
    // after a name ("Iliffe Books ltd"); the rest need one.
    // "3rd Ave bus", "Park Ave and": a street suffix after an ordinal or a name
    // also without its period (not "Ave Maria").
    let street_suffix = matches!(w, "Ave" | "Blvd" | "Rd")
        && (ordinal_ends_before(cx, i)
            || (cx.prev_word(i).is_some_and(capitalized)
                && !i.checked_sub(2).is_some_and(|p| starts_sentence(cx, p))))
        && cx.next_word(i + 1).is_none_or(|n| !capitalized(n));
    let optional = PERIOD_OPTIONAL.contains(&w) || street_suffix;
    let end = after_period(cx, i, optional)?;
    if end == i + 1
        && matches!(
            w,
            "Ltd" | "ltd" | "LTD" | "Bros" | "bros" | "Jr" | "Sr" | "jr" | "sr"
        )
    {
        // Without a period, a company suffix needs the company's name before it.
        cx.prev_word(i)
            .filter(|p| p.starts_with(char::is_uppercase))?;
    }
    // "Sec. of State": the office, before "of".
    if w == "Sec" && end == i + 2 && cx.next_word(end) == Some("of") {
        return Some(mid_sentence(cx, end, spoken));
    }
    // "the U.S. Sen. from Ohio", "a state Rep. who": an office named after the
    // country or state is the title without a name after it.
    if title
        && matches!(w, "Sen" | "Rep" | "Gov" | "Atty")
        && end == i + 2
        && (cx
            .prev_word(i)
            .is_some_and(|p| matches!(p, "US" | "state" | "State"))
            || (i >= 5
                && cx.is_space(i - 1)
                && cx.is_punct(i - 2, '.')
                && cx.word(i - 3) == Some("S")
                && cx.is_punct(i - 4, '.')
                && cx.word(i - 5) == Some("U")))
    {
        return Some(mid_sentence(cx, end, spoken));
    }
    if title {
        if matches!(w, "Mr" | "Mrs" | "Ms") && joined_title(cx, end) {
            return Some(Match::new(end + 1, spoken.to_string(), Class::Cardinal));
        }
        return before_name(cx, end, spoken);
    }
    // "the Co. Commissioner", "Co. Rd. 12": before a county office or road
    // "Co." is the county, not a company.
    if w == "Co"
        && end == i + 2
        && cx.next_word(end).is_some_and(|n| {
            matches!(
                n,
                "Commissioner"
                    | "Commissioners"
                    | "Commission"
                    | "Sheriff"
                    | "Judge"
                    | "Clerk"
                    | "Attorney"
                    | "Court"
                    | "Board"
                    | "Jail"
                    | "Fair"
                    | "Fairgrounds"
                    | "Schools"
                    | "Road"
                    | "Rd"
                    | "Coroner"
                    | "Treasurer"
                    | "Assessor"
                    | "Council"
                    | "Legislature"
                    | "Executive"
            )
        })
    {
        return Some(mid_sentence(cx, end, "County"));
    }
    // "Orange Co., Calif.", "Erie Co., N.Y.": after a place and before its
    // state, "Co." is the county.
    if w == "Co"
        && end == i + 2
        && cx.prev_word(i).is_some_and(capitalized)
        && cx.is_punct(end, ',')
        && cx.is_space(end + 1)
        && super::address::state_at(cx, end + 2)
            .is_some_and(|(state, _)| cx.word(end + 2) != Some(state))
    {
        return Some(Match::new(end, "County".to_string(), Class::Cardinal));
    }
    // "est. 1850" is "established"; "est. 40,000" and "an est. 40" are "estimated".
    if matches!(w, "est" | "Est") {
        let year = cx
            .digits(end + 1)
            .filter(|d| {
                cx.is_space(end)
                    && d.len() == 4
                    && !(matches!(cx.punct(end + 2), Some(',' | '.'))
                        && cx.digits(end + 3).is_some())
            })
            .and_then(|d| d.parse::<u32>().ok())
            .is_some_and(|y| (1000..=2099).contains(&y));
        let number = cx.is_space(end) && cx.digits(end + 1).is_some();
        if number && !year {
            let said = if w == "Est" { "Estimated" } else { "estimated" };
            return Some(mid_sentence(cx, end, said));
        }
        // Before a word ("the est. cost", "an est. 300") it is "estimated" too; only
        // before a year, or ending its sentence ("Smith & Co., est."), "established".
        let word_follows = cx.is_space(end) && cx.word(end + 1).is_some();
        if !number && word_follows {
            let said = if w == "Est" { "Estimated" } else { "estimated" };
            return Some(mid_sentence(cx, end, said));
        }
    }
    // "the approx. distance", "an approx. cost": before a noun after a determiner
    // it is the adjective.
    if w == "approx"
        && cx
            .next_word(end)
            .is_some_and(|n| n.starts_with(char::is_lowercase))
        && cx.prev_word(i).is_some_and(|p| {
            matches!(
                p.to_ascii_lowercase().as_str(),
                "the" | "a" | "an" | "its" | "their" | "his" | "her" | "our" | "this" | "that"
            )
        })
    {
        return Some(mid_sentence(cx, end, "approximate"));
    }
    // Military units ("1st Cav. Div.") run on into the unit's next word.
    if matches!(
        w,
        "vs" | "approx"
            | "Approx"
            | "ext"
            | "est"
            | "Est"
            | "Cav"
            | "Inf"
            | "Div"
            | "Regt"
            | "Bn"
            | "Bde"
    ) {
        return Some(mid_sentence(cx, end, spoken));
    }
    // "Jones Bros. Inc.", "Smith Co. Ltd.": a company suffix before another is inside
    // the name; so is "Jr." before the noun a name is given to ("King Jr. Day").
    let next = cx.next_word(end);
    let suffix = |n: &str| {
        matches!(
            n,
            "Inc" | "Ltd" | "Co" | "Corp" | "LLC" | "PLC" | "plc" | "LLP" | "Bros" | "GmbH" | "AG"
        )
    };
    let named_thing = |n: &str| {
        matches!(
            n,
            "Day"
                | "Dr"
                | "St"
                | "Rd"
                | "Road"
                | "Way"
                | "Pkwy"
                | "Hwy"
                | "Boulevard"
                | "Blvd"
                | "Avenue"
                | "Ave"
                | "Drive"
                | "Street"
                | "Parkway"
                | "Highway"
                | "Bridge"
                | "Airport"
                | "High"
                | "Elementary"
                | "Middle"
                | "School"
                | "Library"
                | "Memorial"
                | "Center"
                | "Centre"
                | "Park"
                | "Hospital"
                | "Hall"
        )
    };
    let company = matches!(w, "Inc" | "Ltd" | "Co" | "Corp" | "Bros");
    if (company && next.is_some_and(suffix)) || (w == "Jr" && next.is_some_and(named_thing)) {
        return Some(mid_sentence(cx, end, spoken));
    }
    Some(Match::new(end, spoken.to_string(), Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn by_context() {
        assert_eq!(n("St. Petersburg"), "Saint Petersburg");
        assert_eq!(n("on Elm St. It was"), "on Elm Street. It was");
        assert_eq!(n("said Dr. Smith"), "said Doctor Smith");
        assert_eq!(n("Mulholland Dr. in"), "Mulholland Drive in");
        assert_eq!(n("Gov. Newsom"), "Governor Newsom");
        assert_eq!(n("Apple Inc. said"), "Apple Incorporated said");
        assert_eq!(n("i.e., none"), "that is, none");
        assert_eq!(n("pp. 4–9"), "pages four to nine");
        assert_eq!(n("Gen"), "Gen");
        assert_eq!(n("Ukraine vs. Russia"), "Ukraine versus Russia");
        assert_eq!(
            n("allies, e.g. Poland, pledged"),
            "allies, for example Poland, pledged"
        );
        assert_eq!(n("Inc"), "Inc");
    }
}
