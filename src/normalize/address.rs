//! Street addresses: "1428 Elm St." → "fourteen twenty-eight Elm Street",
//! "708 N 1st St" → "seven oh eight North first Street", ", CA 95051" → ", California
//! nine five zero five one".

use super::ordinal::ordinal_words;
use super::scanner::Kind;
use super::words::{digit_word, digits_each, under_100, year_tail};
use super::{Class, Ctx, Match};

/// Street suffixes (any case): written → spoken.
const SUFFIXES: &[(&str, &str)] = &[
    ("st", "Street"),
    ("ave", "Avenue"),
    ("av", "Avenue"),
    ("blvd", "Boulevard"),
    ("rd", "Road"),
    ("dr", "Drive"),
    ("ct", "Court"),
    ("ln", "Lane"),
    ("pl", "Place"),
    ("expy", "Expressway"),
    ("hwy", "Highway"),
    ("pkwy", "Parkway"),
    ("sq", "Square"),
    ("ter", "Terrace"),
    ("cir", "Circle"),
    ("way", "Way"),
    ("street", "Street"),
    ("avenue", "Avenue"),
    ("road", "Road"),
    ("boulevard", "Boulevard"),
];

const DIRECTIONS: &[(&str, &str)] = &[
    ("N", "North"),
    ("S", "South"),
    ("E", "East"),
    ("W", "West"),
    ("NE", "Northeast"),
    ("NW", "Northwest"),
    ("SE", "Southeast"),
    ("SW", "Southwest"),
];

const STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

/// State codes that are also words or other initialisms ("OK", "IN", "LA").
const AMBIGUOUS: &[&str] = &[
    "IN", "OR", "OK", "ME", "HI", "ID", "OH", "LA", "DE", "PA", "MA", "CO", "AL", "MD", "MS", "MT",
    "NE", "SC", "UT", "WA", "GA", "AR", "VA", "MO", "MI",
];

/// Of the ambiguous codes, those that are not also an English word or a degree after a
/// name ("Jane Doe, MD"): after a place name and a comma, with nothing but punctuation
/// after them, they are the state ("Scranton, PA.", "Denver, CO."; a company writes
/// "Co.", not "CO").
const STATE_AT_CLAUSE_END: &[&str] = &[
    "CO", "PA", "LA", "AL", "MT", "NE", "SC", "UT", "WA", "GA", "AR", "VA", "MO", "MI",
];

/// Dotted two-word state abbreviations ("Buffalo, N.Y."): the two letters, the state.
const DOTTED_STATES: &[(&str, &str, &str)] = &[
    ("N", "Y", "New York"),
    ("N", "J", "New Jersey"),
    ("N", "C", "North Carolina"),
    ("N", "D", "North Dakota"),
    ("N", "H", "New Hampshire"),
    ("N", "M", "New Mexico"),
    ("S", "C", "South Carolina"),
    ("S", "D", "South Dakota"),
    ("R", "I", "Rhode Island"),
    ("D", "C", "D C"),
];

/// A house number as it is said: "123" → "one twenty-three", "708" → "seven oh eight",
/// "1428" → "fourteen twenty-eight".
/// A street type and a quadrant after a street's name ("Pennsylvania Ave. NW",
/// "14th St NE"): both words, without the abbreviation's period between them.
pub(crate) fn match_street_quadrant(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    if !w.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    // The quadrant is checked first: it is rare, and most capitalized words are no
    // street type (no allocation on the hot path).
    let k = if cx.is_punct(i + 1, '.') {
        i + 2
    } else {
        i + 1
    };
    let (_, dir) = quadrant_at(cx, k)?;
    let (_, street) = SUFFIXES.iter().find(|(a, _)| a.eq_ignore_ascii_case(w))?;
    // After a name or an ordinal ("Pennsylvania Ave", "14th St").
    let named = cx.prev_word(i).is_some_and(|p| {
        capitalized(p) || matches!(p, "st" | "nd" | "rd" | "th") && cx.glued_before(i - 2)
    });
    if !named {
        return None;
    }
    Some(Match::new(
        k + 2,
        format!("{street} {dir}"),
        Class::Cardinal,
    ))
}

/// A space at `k` and a two-letter quadrant ("NW") standing alone after it.
fn quadrant_at(cx: &Ctx<'_>, k: usize) -> Option<&'static (&'static str, &'static str)> {
    if !cx.is_space(k) {
        return None;
    }
    let q = cx.word(k + 1)?;
    let found = DIRECTIONS.iter().find(|(a, _)| *a == q && a.len() == 2)?;
    (!matches!(cx.kind(k + 2), Some(Kind::Word | Kind::Digits))).then_some(found)
}

/// Words that name a road, room or service by number; the abbreviations are said in
/// full ("Hwy" → "Highway").
const NUMBERED: &[(&str, &str)] = &[
    ("Highway", "Highway"),
    ("Hwy", "Highway"),
    ("Route", "Route"),
    ("Rte", "Route"),
    ("Rt", "Route"),
    ("Interstate", "Interstate"),
    ("Room", "Room"),
    ("Rm", "Room"),
    ("Flight", "Flight"),
    ("Suite", "Suite"),
    ("Apt", "Apartment"),
    ("Apartment", "Apartment"),
    ("Bus", "Bus"),
    ("Platform", "Platform"),
    ("Exit", "Exit"),
    ("Pier", "Pier"),
    // Tax forms: "Form 1040" → "ten forty", "Form 1099".
    ("Form", "Form"),
    // Ballot measures: "Prop. 22", "Proposition 209" → "two oh nine".
    ("Prop", "Proposition"),
    ("Proposition", "Proposition"),
];

/// "Hwy 101", "Room 1204", "Flight 370", "Apt. 4B": a number naming a road, room or
/// flight is said like a house number ("one oh one", "twelve oh four", "three
/// seventy"), with a unit letter spelled after it.
pub(crate) fn match_numbered(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    let (abbr, said) = NUMBERED.iter().find(|(a, _)| *a == w)?;
    let short = abbr != said;
    let mut k = if short && cx.is_punct(i + 1, '.') {
        i + 2
    } else {
        i + 1
    };
    if !cx.is_space(k) {
        return None;
    }
    // "Flight BA 117", "Flight MH370": the airline's code is spelled before the number.
    let mut code = String::new();
    if *said == "Flight" {
        if let Some(c) = cx
            .word(k + 1)
            .filter(|c| (2..=3).contains(&c.len()) && c.chars().all(|ch| ch.is_ascii_uppercase()))
        {
            if cx.is_space(k + 2) && cx.digits(k + 3).is_some() {
                k += 2;
            } else if cx.digits(k + 2).is_some() {
                k += 1;
            } else {
                return None;
            }
            code = format!(" {}", super::initialism::spell(c));
        }
    }
    let d = cx.digits(k + 1)?;
    if d.len() > 4 || d.starts_with('0') {
        return None;
    }
    // Only three or four digits change their reading; the abbreviations also expand
    // before a short number ("Hwy 1").
    if d.len() < 3 && !short {
        return None;
    }
    let mut end = k + 2;
    let mut spoken = format!("{said}{code} {}", house_number(d)?);
    // "Apt. 4B", "Room 12A": one capital letter glued on.
    if let Some(l) = cx
        .word(end)
        .filter(|l| l.len() == 1 && super::initialism::capitals(l))
    {
        spoken.push(' ');
        spoken.push_str(l);
        end += 1;
    }
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(end), Some('-' | '.' | ',' | '/' | ':'))
            && cx.digits(end + 1).is_some())
    {
        return None;
    }
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// Letters of a bill in a legislature: the House's "H.R." and "H.B.", a state
/// Senate's or Assembly's "S.B.", "A.B.", "S.F.", "H.F.".
const BILLS: &[&str] = &["HR", "HB", "SB", "AB", "SF", "HF"];

/// "H.R. 2617", "HR 1", "SB 1047": a bill's letters spelled and its number said like a
/// house number ("H R twenty-six seventeen", "S B ten forty-seven").
pub(crate) fn match_bill(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    let (letters, k) = if BILLS.contains(&w) {
        (w.to_string(), i + 1)
    } else if w.len() == 1
        && cx.is_punct(i + 1, '.')
        && cx.word(i + 2).is_some_and(|b| b.len() == 1)
        && cx.is_punct(i + 3, '.')
    {
        let pair = format!("{w}{}", cx.word(i + 2)?);
        (pair, i + 4)
    } else {
        return None;
    };
    if !BILLS.contains(&letters.as_str()) || !cx.is_space(k) {
        return None;
    }
    let d = cx
        .digits(k + 1)
        .filter(|d| d.len() <= 4 && !d.starts_with('0'))?;
    let end = k + 2;
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits))
        || (matches!(cx.punct(end), Some('-' | '.' | ',' | '/' | ':'))
            && cx.digits(end + 1).is_some())
    {
        return None;
    }
    let spoken = format!(
        "{} {}",
        super::initialism::spell(&letters),
        house_number(d)?
    );
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// Whether `w` is a word of a state's name or a street word this module writes
/// ("York" of "New York", "Avenue").
pub(crate) fn is_state_name_word(w: &str) -> bool {
    let has = |said: &str| said.split(' ').any(|p| p == w);
    STATES.iter().any(|(_, s)| has(s))
        || AP_STATES.iter().any(|(_, s)| has(s))
        || DOTTED_STATES.iter().any(|(_, _, s)| has(s))
        || SUFFIXES.iter().any(|(_, s)| has(s))
        || DIRECTIONS.iter().any(|(_, s)| has(s))
}

pub(crate) fn house_number(d: &str) -> Option<String> {
    let v: u32 = d.parse().ok()?;
    Some(match d.len() {
        1 | 2 => under_100(v),
        3 if v % 100 >= 10 => format!("{} {}", digit_word(v / 100), under_100(v % 100)),
        3 if v.is_multiple_of(100) => format!("{} hundred", digit_word(v / 100)),
        3 => format!("{} {}", digit_word(v / 100), year_tail(v % 100)),
        4 if v % 100 >= 10 => format!("{} {}", under_100(v / 100), under_100(v % 100)),
        4 if v.is_multiple_of(100) => format!("{} hundred", under_100(v / 100)),
        4 => format!("{} {}", under_100(v / 100), year_tail(v % 100)),
        _ => digits_each(d),
    })
}

fn capitalized(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// A street address starting with the house number at token `i`.
pub(crate) fn match_address(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let d = cx.digits(i)?;
    if cx.glued_before(i) || d.len() > 5 || d.starts_with('0') || !cx.is_space(i + 1) {
        return None;
    }
    let mut parts = vec![house_number(d)?];
    let mut j = i + 2;
    if let Some((_, dir)) = cx
        .word(j)
        .and_then(|w| DIRECTIONS.iter().find(|(a, _)| *a == w))
    {
        if cx.is_space(j + 1) {
            parts.push((*dir).to_string());
            j += 2;
        }
    }
    // One to three name words ("Elm", "San Tomas", "1st").
    let mut names = 0;
    while names < 3 {
        if let Some(w) = cx.word(j).filter(|w| capitalized(w)) {
            // A suffix after at least one name ends the address.
            if names > 0 && SUFFIXES.iter().any(|(a, _)| a.eq_ignore_ascii_case(w)) {
                break;
            }
            parts.push(w.to_string());
        } else if let Some(n) = cx.digits(j) {
            let suffix = cx.word(j + 1)?;
            if !matches!(suffix, "st" | "nd" | "rd" | "th") {
                return None;
            }
            parts.push(ordinal_words(n)?);
            j += 1;
        } else {
            break;
        }
        names += 1;
        j += 1;
        if !cx.is_space(j) {
            return None;
        }
        j += 1;
    }
    if names == 0 {
        return None;
    }
    let suffix = cx.word(j)?;
    let (_, street) = SUFFIXES
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(suffix))?;
    parts.push((*street).to_string());
    let mut end = j + 1;
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) {
        return None;
    }
    if cx.is_punct(end, '.') && suffix.len() <= 4 {
        end += 1;
    }
    // "1600 Pennsylvania Ave. NW": the city's quadrant.
    if let Some((_, dir)) = quadrant_at(cx, end) {
        parts.push((*dir).to_string());
        end += 2;
    }
    Some(Match::new(end, parts.join(" "), Class::Cardinal))
}

/// ", CA 95051", ", NY": a state code after a place name, with an optional ZIP code.
/// AP-style state abbreviations, written with a period after a city: "Springfield,
/// Ill.", "Fresno, Calif.". (Two-letter postal codes are in `STATES`.)
const AP_STATES: &[(&str, &str)] = &[
    ("Ala", "Alabama"),
    ("Ariz", "Arizona"),
    ("Ark", "Arkansas"),
    ("Calif", "California"),
    ("Colo", "Colorado"),
    ("Conn", "Connecticut"),
    ("Del", "Delaware"),
    ("Fla", "Florida"),
    ("Ga", "Georgia"),
    ("Ill", "Illinois"),
    ("Ind", "Indiana"),
    ("Kan", "Kansas"),
    ("Ky", "Kentucky"),
    ("La", "Louisiana"),
    ("Md", "Maryland"),
    ("Mass", "Massachusetts"),
    ("Mich", "Michigan"),
    ("Minn", "Minnesota"),
    ("Miss", "Mississippi"),
    ("Mo", "Missouri"),
    ("Mont", "Montana"),
    ("Neb", "Nebraska"),
    ("Nev", "Nevada"),
    ("Okla", "Oklahoma"),
    ("Ore", "Oregon"),
    ("Pa", "Pennsylvania"),
    ("Tenn", "Tennessee"),
    ("Vt", "Vermont"),
    ("Va", "Virginia"),
    ("Wash", "Washington"),
    ("Wis", "Wisconsin"),
    ("Wyo", "Wyoming"),
];

/// The dotted state abbreviation at token `k` ("N.Y.", "D.C."): its table row.
fn dotted_state(
    cx: &Ctx<'_>,
    k: usize,
) -> Option<&'static (&'static str, &'static str, &'static str)> {
    let w = cx.word(k)?;
    DOTTED_STATES.iter().find(|(a, b, _)| {
        *a == w && cx.is_punct(k + 1, '.') && cx.word(k + 2) == Some(*b) && cx.is_punct(k + 3, '.')
    })
}

/// A state at token `k` as a party label writes it: AP style with its period
/// ("Calif."), dotted ("N.Y."), a postal code ("TX") or the name itself ("Texas",
/// "New York"). Its name and the index past it.
pub(crate) fn state_at(cx: &Ctx<'_>, k: usize) -> Option<(&'static str, usize)> {
    let w = cx.word(k)?;
    if let Some(&(_, _, state)) = dotted_state(cx, k) {
        return Some((state, k + 4));
    }
    // "W.Va.": West Virginia's own dotted form.
    if w == "W"
        && cx.is_punct(k + 1, '.')
        && cx.word(k + 2) == Some("Va")
        && cx.is_punct(k + 3, '.')
    {
        return Some(("West Virginia", k + 4));
    }
    if let Some((_, state)) = AP_STATES.iter().find(|(a, _)| *a == w) {
        return cx.is_punct(k + 1, '.').then_some((state, k + 2));
    }
    if let Some((_, state)) = STATES.iter().find(|(a, _)| *a == w) {
        return Some((state, k + 1));
    }
    // A name of one or two words.
    let two = cx
        .word(k + 2)
        .filter(|_| cx.is_space(k + 1))
        .map(|b| (format!("{w} {b}"), k + 3));
    for (name, end) in two
        .into_iter()
        .chain(std::iter::once((w.to_string(), k + 1)))
    {
        if let Some((_, state)) = STATES.iter().find(|(_, s)| *s == name) {
            return Some((state, end));
        }
    }
    None
}

/// A lawmaker's party and state, AP style: "(D-Calif.)" → "(Democrat of California)",
/// ", R-Texas," → ", Republican of Texas,", "(I-Vt.)" → "(independent of Vermont)".
pub(crate) fn match_party_state(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let party = match cx.word(i)? {
        "D" => "Democrat",
        "R" => "Republican",
        "I" => "independent",
        _ => return None,
    };
    // Inside parentheses or after a name and a comma.
    let opened = i.checked_sub(1).is_some_and(|p| {
        cx.is_punct(p, '(')
            || (cx.is_space(p) && p.checked_sub(1).is_some_and(|q| cx.is_punct(q, ',')))
    });
    if !opened {
        return None;
    }
    // "Gov. Abbott (R)", "Sen. Ron Wyden (D)": the party alone, after a titled name.
    if cx.is_punct(i + 1, ')') && i >= 2 && cx.is_punct(i - 1, '(') && titled_name_before(cx, i - 1)
    {
        return Some(Match::new(i + 1, party.to_string(), Class::Cardinal));
    }
    if !cx.is_punct(i + 1, '-') {
        return None;
    }
    let (state, end) = state_at(cx, i + 2)?;
    // "(D-Calif.)": the closing punctuation; the period was the abbreviation's.
    if !matches!(cx.punct(end), Some(')' | ',' | ';')) {
        return None;
    }
    Some(Match::new(
        end,
        format!("{party} of {state}"),
        Class::Cardinal,
    ))
}

/// Whether the "(" at `open` follows a capitalized name with an office before it:
/// "Gov. Abbott (", "Sen. Ron Wyden (", "Representative Jane Doe (".
fn titled_name_before(cx: &Ctx<'_>, open: usize) -> bool {
    const OFFICES: &[&str] = &[
        "Sen",
        "Senator",
        "Rep",
        "Representative",
        "Gov",
        "Governor",
        "Del",
        "Delegate",
        "Mayor",
        "Assemblyman",
        "Assemblywoman",
        "Assemblymember",
        "Councilman",
        "Councilwoman",
        "Congressman",
        "Congresswoman",
        "Speaker",
        "Leader",
    ];
    let Some(mut k) = open.checked_sub(1).filter(|&p| cx.is_space(p)) else {
        return false;
    };
    // Up to three capitalized words of the name, back to the office.
    for _ in 0..4 {
        let Some(w) = k.checked_sub(1).and_then(|p| cx.word(p)) else {
            return false;
        };
        if OFFICES.contains(&w) {
            return true;
        }
        if !capitalized(w) {
            return false;
        }
        let Some(before) = k.checked_sub(2) else {
            return false;
        };
        // "Gov. Abbott": step over the title's period.
        k = if cx.is_punct(before, '.') {
            match before.checked_sub(1) {
                Some(t) if cx.word(t).is_some_and(|t| OFFICES.contains(&t)) => return true,
                _ => return false,
            }
        } else if cx.is_space(before) {
            before
        } else {
            return false;
        };
    }
    false
}

/// The place word before the comma at `comma`: the word itself, or a county's
/// "Co." or a township's "Twp." after it ("Orange Co., Calif.").
fn place_before<'a>(cx: &Ctx<'a>, comma: usize) -> Option<&'a str> {
    let p = comma.checked_sub(1)?;
    if cx.is_punct(p, '.') {
        return cx
            .word(p.checked_sub(1)?)
            .filter(|w| matches!(*w, "Co" | "Twp"));
    }
    cx.word(p)
}

pub(crate) fn match_state(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let w = cx.word(i)?;
    // Only after ", " and in capitals ("PA", "Calif.", "N.Y."): checked before the
    // tables, since most words are neither.
    // "moved to N.Y. last year", "in N.J.": a dotted state after a preposition of
    // place. ("N.C. State" and "D.C." stay letters.)
    if cx.prev_word(i).is_some_and(|p| {
        matches!(
            p,
            "in" | "from" | "to" | "near" | "across" | "outside" | "upstate"
        )
    }) {
        if let Some(&(_, _, state)) = dotted_state(cx, i).filter(|(a, _, _)| *a != "D") {
            if !matches!(cx.kind(i + 4), Some(Kind::Word | Kind::Digits))
                && cx.next_word(i + 4) != Some("State")
            {
                return Some(Match::new(i + 4, state.to_string(), Class::Cardinal));
            }
        }
    }
    // "hit Fla. and Ga. on Monday", "moved to Pa. in 1990": an AP state's abbreviation
    // with its period after a preposition of place, or after any word for the ones that
    // are no English word or name ("Ill.", "Miss.", "Wash.", "Ore." need the place).
    if cx.is_punct(i + 1, '.') && !cx.glued_before(i) {
        let after_place_word = cx.prev_word(i).is_some_and(|p| {
            matches!(
                p,
                "in" | "from" | "to" | "near" | "across" | "outside" | "of"
            )
        });
        let unambiguous = matches!(
            w,
            "Ala"
                | "Ariz"
                | "Calif"
                | "Colo"
                | "Conn"
                | "Fla"
                | "Ga"
                | "Kan"
                | "Ky"
                | "Md"
                | "Mich"
                | "Minn"
                | "Neb"
                | "Nev"
                | "Okla"
                | "Tenn"
                | "Vt"
                | "Wis"
                | "Wyo"
        );
        // Inside a sentence, after a word ("Ga. is" opening a line stays as written).
        if after_place_word || (unambiguous && cx.prev_word(i).is_some()) {
            if let Some((_, state)) = AP_STATES.iter().find(|(a, _)| *a == w) {
                if !matches!(cx.kind(i + 2), Some(Kind::Word | Kind::Digits)) {
                    return Some(Match::new(i + 2, (*state).to_string(), Class::Cardinal));
                }
            }
        }
    }
    // "the Mass. senator", "a Calif. law": an AP state's abbreviation as an
    // adjective, between an article and a lower-case noun.
    if cx.is_punct(i + 1, '.')
        && !matches!(w, "Miss" | "Ind")
        && cx.prev_word(i).is_some_and(|p| {
            matches!(
                p,
                "the" | "The" | "a" | "A" | "an" | "An" | "its" | "their" | "his" | "her"
            )
        })
        && cx
            .next_word(i + 2)
            .is_some_and(|n| n.len() > 2 && n.chars().all(|c| c.is_ascii_lowercase()) && n != "and")
    {
        if let Some((_, state)) = AP_STATES.iter().find(|(a, _)| *a == w) {
            return Some(Match::new(i + 2, (*state).to_string(), Class::Cardinal));
        }
    }
    let comma = i.checked_sub(2)?;
    let after_comma = cx.is_space(i - 1) && cx.is_punct(comma, ',');
    if !after_comma || !w.starts_with(char::is_uppercase) {
        return None;
    }
    // "Buffalo, N.Y.", "Washington, D.C.": letters and periods after a place and a comma.
    if let Some(&(_, _, state)) = dotted_state(cx, i) {
        let comma = i.checked_sub(2)?;
        if !(cx.is_space(i - 1) && cx.is_punct(comma, ',')) {
            return None;
        }
        place_before(cx, comma).filter(|p| capitalized(p))?;
        if matches!(cx.kind(i + 4), Some(Kind::Word | Kind::Digits)) {
            return None;
        }
        return Some(Match::new(i + 4, state.to_string(), Class::Cardinal));
    }
    let ap = AP_STATES
        .iter()
        .find(|(a, _)| *a == w)
        .filter(|_| cx.is_punct(i + 1, '.'));
    let (_, state) = ap.or_else(|| STATES.iter().find(|(a, _)| *a == w))?;
    // ", XX" after a capitalized place name.
    let comma = i.checked_sub(2)?;
    if !(cx.is_space(i - 1) && cx.is_punct(comma, ',')) {
        return None;
    }
    let place = place_before(cx, comma)?;
    if !capitalized(place) {
        return None;
    }
    let mut spoken = (*state).to_string();
    if ap.is_some() {
        // The period is taken with the abbreviation; the caller puts it back where it
        // also ends the sentence.
        return Some(Match::new(i + 2, spoken, Class::Cardinal));
    }
    let mut end = i + 1;
    // ZIP: five digits after a space or ", ".
    let zip_at = if cx.is_space(end) {
        Some(end + 1)
    } else if cx.is_punct(end, ',') && cx.is_space(end + 1) {
        Some(end + 2)
    } else {
        None
    };
    if let Some(z) = zip_at.and_then(|z| cx.digits(z).filter(|d| d.len() == 5).map(|d| (z, d))) {
        if !matches!(cx.kind(z.0 + 1), Some(Kind::Word | Kind::Digits)) {
            spoken.push_str(if z.0 == end + 1 { " " } else { ", " });
            spoken.push_str(&digits_each(z.1));
            end = z.0 + 1;
        }
    } else if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) {
        return None;
    } else if AMBIGUOUS.contains(&w) {
        // Codes that are also words or common initialisms need the ZIP code, or a
        // place name in running text (not an all-capital headline) and the end of
        // the clause ("Scranton, PA, police said").
        let titled = place.chars().skip(1).all(char::is_lowercase);
        // Or a lower-case word goes on ("Harrisburg, PA in 1950", "Kansas City, MO
        // police said").
        let clause_end = match cx.tok(end) {
            None => true,
            Some(t) if t.kind == Kind::Space => cx
                .word(end + 1)
                .is_some_and(|n| n.starts_with(char::is_lowercase)),
            Some(t) => matches!(t.text, "," | "." | ";" | ")" | ":" | "\n" | "\r"),
        };
        // Codes that are also English words ("OR", "IN", "HI") only after a place
        // name inside a sentence and before punctuation ("in Portland, OR."); never
        // "OK" ("Fine, OK."), "MD", "MA", "MS" (degrees after a name) or "CO", "DE".
        // "OK" is a state only so placed ("The Tulsa, OK, police", "in Tulsa, OK").
        let word_like = matches!(w, "OR" | "OH" | "IN" | "ID" | "ME" | "HI" | "OK");
        // A lower-case word or a capitalized article or preposition before the
        // place ("The Tulsa, OK, police", "From Portland, OR to Seattle").
        let inside_sentence = comma.checked_sub(3).is_some_and(|b| {
            cx.is_space(b + 1)
                && cx.word(b).is_some_and(|p| {
                    p.starts_with(char::is_lowercase)
                        || matches!(p, "The" | "In" | "From" | "At" | "Near" | "Outside")
                })
        });
        let punct_end = cx.tok(end).is_none_or(|t| t.kind == Kind::Punct);
        // "Columbus, OH spoke" reads on into a lower-case word; "OK" must end the clause.
        let word_state =
            word_like && titled && inside_sentence && (punct_end || (clause_end && w != "OK"));
        // "in Boston, MA", "from Silver Spring, MD": after a preposition of place a
        // degree or other reading of the code is out.
        let prep = |b: usize| {
            cx.word(b).is_some_and(|p| {
                matches!(
                    p,
                    "in" | "from" | "near" | "outside" | "to" | "at" | "In" | "From" | "Near"
                )
            })
        };
        let placed = comma.checked_sub(3).is_some_and(|b| {
            cx.is_space(b + 1)
                && (prep(b)
                    || (cx.word(b).is_some_and(capitalized)
                        && b.checked_sub(2)
                            .is_some_and(|a| cx.is_space(a + 1) && prep(a))))
        });
        // "The Boston, MA office": "The" before the place, which a person's name
        // with a degree after it does not take.
        let the_place = !matches!(w, "MD" | "MS" | "DO")
            && comma.checked_sub(3).is_some_and(|b| {
                cx.is_space(b + 1) && cx.word(b).is_some_and(|p| matches!(p, "The" | "the"))
            });
        let code_state =
            (STATE_AT_CLAUSE_END.contains(&w) || placed || the_place) && titled && clause_end;
        // "He was in Paris, OK?": asked or exclaimed, it is the word.
        if !code_state && !word_state || (w == "OK" && matches!(cx.punct(end), Some('?' | '!'))) {
            return None;
        }
    }
    // "Denver, CO. residents": a period the sentence goes on after is the code's own.
    if cx.own_period(end, false) {
        end += 1;
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
    fn ap_state_abbreviations() {
        assert_eq!(
            n("Smith, 45, of Springfield, Ill., was charged."),
            "Smith, forty-five, of Springfield, Illinois, was charged."
        );
        assert_eq!(
            n("He lives in Fresno, Calif. He works."),
            "He lives in Fresno, California. He works."
        );
        assert_eq!(n("Ga. is"), "Ga. is");
    }

    #[test]
    fn addresses() {
        assert_eq!(
            n("708 N 1st St, San City"),
            "seven oh eight North first Street, San City"
        );
        assert_eq!(
            n("Austin, TX 78701"),
            "Austin, Texas seven eight seven zero one"
        );
        assert_eq!(n("3 km"), "three kilometers");
    }
}
