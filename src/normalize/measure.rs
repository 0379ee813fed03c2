//! Measures and units after a number: "12kg" → "twelve kilograms", "1 km" → "one
//! kilometer", "130 mph", "km/h", "mg/L", "km²", "sq mi", "155-mm shells" (adjectival
//! singular), "2-5lb" → "two to five pounds", "5x" → "five times", "2x8" → "two by eight".
//!
//! A unit is only read as one when a number stands right before it (glued, hyphenated
//! or one space away); short ambiguous abbreviations ("in", "h") must be glued.

use super::cardinal::{parse_number, read_number};
use super::scanner::Kind;
use super::Ctx;

/// One unit abbreviation.
struct Unit {
    abbr: &'static str,
    one: &'static str,
    many: &'static str,
    /// Also matched regardless of case ("12KG", "3 Mbps").
    any_case: bool,
    /// Must be glued to the number ("12in", "24h"): spaced, it is an ordinary word.
    glued_only: bool,
    /// Can take a "square"/"cubic" exponent (m², km2).
    length: bool,
}

const fn u(abbr: &'static str, one: &'static str, many: &'static str) -> Unit {
    Unit {
        abbr,
        one,
        many,
        any_case: false,
        glued_only: false,
        length: false,
    }
}
const fn ci(abbr: &'static str, one: &'static str, many: &'static str) -> Unit {
    Unit {
        any_case: true,
        ..u(abbr, one, many)
    }
}
const fn glued(abbr: &'static str, one: &'static str, many: &'static str) -> Unit {
    Unit {
        glued_only: true,
        ..u(abbr, one, many)
    }
}
const fn len(abbr: &'static str, one: &'static str, many: &'static str) -> Unit {
    Unit {
        length: true,
        ..u(abbr, one, many)
    }
}

const UNITS: &[Unit] = &[
    // Length.
    Unit {
        any_case: true,
        ..len("mm", "millimeter", "millimeters")
    },
    Unit {
        any_case: true,
        ..len("cm", "centimeter", "centimeters")
    },
    len("m", "meter", "meters"),
    Unit {
        any_case: true,
        ..len("km", "kilometer", "kilometers")
    },
    len("mi", "mile", "miles"),
    len("ft", "foot", "feet"),
    Unit {
        glued_only: true,
        ..len("in", "inch", "inches")
    },
    len("yd", "yard", "yards"),
    len("yds", "yards", "yards"),
    u("nm", "nanometer", "nanometers"),
    u("µm", "micrometer", "micrometers"),
    // SI prefixes on the base units: micro written with the Greek mu (μ, U+03BC) as
    // well as the micro sign (µ, U+00B5), which look alike and both occur in copy.
    u("μm", "micrometer", "micrometers"),
    u("μF", "microfarad", "microfarads"),
    u("µF", "microfarad", "microfarads"),
    u("nF", "nanofarad", "nanofarads"),
    u("pF", "picofarad", "picofarads"),
    u("μA", "microamp", "microamps"),
    u("µA", "microamp", "microamps"),
    u("μg", "microgram", "micrograms"),
    u("µg", "microgram", "micrograms"),
    u("mcg", "microgram", "micrograms"),
    u("ng", "nanogram", "nanograms"),
    u("μL", "microliter", "microliters"),
    u("µL", "microliter", "microliters"),
    u("μl", "microliter", "microliters"),
    u("µl", "microliter", "microliters"),
    u("dL", "deciliter", "deciliters"),
    u("cL", "centiliter", "centiliters"),
    u("μs", "microsecond", "microseconds"),
    u("µs", "microsecond", "microseconds"),
    u("ns", "nanosecond", "nanoseconds"),
    u("mW", "milliwatt", "milliwatts"),
    u("TW", "terawatt", "terawatts"),
    u("kVA", "kilovolt-ampere", "kilovolt-amperes"),
    u("mV", "millivolt", "millivolts"),
    u("MV", "megavolt", "megavolts"),
    u("mA", "milliamp", "milliamps"),
    u("kA", "kiloamp", "kiloamps"),
    u("kJ", "kilojoule", "kilojoules"),
    u("MJ", "megajoule", "megajoules"),
    u("GJ", "gigajoule", "gigajoules"),
    u("kPa", "kilopascal", "kilopascals"),
    u("MPa", "megapascal", "megapascals"),
    u("GPa", "gigapascal", "gigapascals"),
    u("mbar", "millibar", "millibars"),
    u("mmol", "millimole", "millimoles"),
    u("μmol", "micromole", "micromoles"),
    u("µmol", "micromole", "micromoles"),
    u("THz", "terahertz", "terahertz"),
    u("PB", "petabyte", "petabytes"),
    u("kB", "kilobyte", "kilobytes"),
    u("Mb", "megabit", "megabits"),
    u("Gb", "gigabit", "gigabits"),
    u("μSv", "microsievert", "microsieverts"),
    u("Gt", "gigaton", "gigatons"),
    // Mass.
    u("mg", "milligram", "milligrams"),
    u("g", "gram", "grams"),
    ci("kg", "kilogram", "kilograms"),
    ci("lb", "pound", "pounds"),
    ci("lbs", "pounds", "pounds"),
    u("oz", "ounce", "ounces"),
    u("bps", "basis point", "basis points"),
    u("bp", "basis point", "basis points"),
    u("tbsp", "tablespoon", "tablespoons"),
    u("Tbsp", "tablespoon", "tablespoons"),
    u("tsp", "teaspoon", "teaspoons"),
    u("kt", "kiloton", "kilotons"),
    // Volume.
    u("ml", "milliliter", "milliliters"),
    u("mL", "milliliter", "milliliters"),
    u("l", "liter", "liters"),
    u("L", "liter", "liters"),
    u("gal", "gallon", "gallons"),
    u("bbl", "barrel", "barrels"),
    u("cc", "C C", "C C"),
    // Speed.
    ci("mph", "mile per hour", "miles per hour"),
    ci("kph", "kilometer per hour", "kilometers per hour"),
    ci("mpg", "mile per gallon", "miles per gallon"),
    u("wpm", "word per minute", "words per minute"),
    u("kmh", "kilometer per hour", "kilometers per hour"),
    u("kn", "knot", "knots"),
    u("kts", "knots", "knots"),
    // Energy and power.
    u("W", "watt", "watts"),
    u("kW", "kilowatt", "kilowatts"),
    u("MW", "megawatt", "megawatts"),
    u("GW", "gigawatt", "gigawatts"),
    ci("kWh", "kilowatt-hour", "kilowatt-hours"),
    u("MWh", "megawatt-hour", "megawatt-hours"),
    u("GWh", "gigawatt-hour", "gigawatt-hours"),
    u("TWh", "terawatt-hour", "terawatt-hours"),
    u("V", "volt", "volts"),
    u("kV", "kilovolt", "kilovolts"),
    u("mAh", "milliamp-hour", "milliamp-hours"),
    u("hp", "horsepower", "horsepower"),
    u("kcal", "kilocalorie", "kilocalories"),
    // Frequency and data.
    u("Hz", "hertz", "hertz"),
    u("kHz", "kilohertz", "kilohertz"),
    u("MHz", "megahertz", "megahertz"),
    u("GHz", "gigahertz", "gigahertz"),
    u("KB", "kilobyte", "kilobytes"),
    u("MB", "megabyte", "megabytes"),
    u("GB", "gigabyte", "gigabytes"),
    u("TB", "terabyte", "terabytes"),
    ci("kbps", "kilobit per second", "kilobits per second"),
    ci("mbps", "megabit per second", "megabits per second"),
    ci("gbps", "gigabit per second", "gigabits per second"),
    // Time.
    u("ms", "millisecond", "milliseconds"),
    u("sec", "second", "seconds"),
    u("secs", "seconds", "seconds"),
    u("min", "minute", "minutes"),
    u("mins", "minutes", "minutes"),
    u("mo", "month", "months"),
    u("mos", "months", "months"),
    u("hr", "hour", "hours"),
    u("hrs", "hours", "hours"),
    u("yr", "year", "years"),
    u("yrs", "years", "years"),
    glued("h", "hour", "hours"),
    // Area, pressure, concentration, radiation.
    u("ha", "hectare", "hectares"),
    u("psi", "pound per square inch", "pounds per square inch"),
    u("hPa", "hectopascal", "hectopascals"),
    u("ppm", "part per million", "parts per million"),
    u("ppb", "part per billion", "parts per billion"),
    u("pp", "percentage point", "percentage points"),
    // Wire-service shorthand: "up 3.5 pct at 1.2 bln euros".
    u("pct", "percent", "percent"),
    // British copy: "3.5pc" is per cent.
    glued("pc", "percent", "percent"),
    // Sports tallies: "30 pts".
    u("pts", "points", "points"),
    u("reb", "rebound", "rebounds"),
    u("ast", "assist", "assists"),
    u("rds", "rounds", "rounds"),
    // Box scores in the plural only: "2 TD passes" is an adjective the tallies miss.
    u("HRs", "home runs", "home runs"),
    u("TDs", "touchdowns", "touchdowns"),
    u("INTs", "interceptions", "interceptions"),
    u("mln", "million", "million"),
    u("bln", "billion", "billion"),
    u("bn", "billion", "billion"),
    u("trln", "trillion", "trillion"),
    u("mSv", "millisievert", "millisieverts"),
    // Currencies written after the amount ("5 EUR"), and pence ("50p").
    u("USD", "U S dollar", "U S dollars"),
    u("EUR", "euro", "euros"),
    u("GBP", "pound", "pounds"),
    u("CHF", "Swiss franc", "Swiss francs"),
    u("UAH", "hryvnia", "hryvnias"),
    u("RUB", "ruble", "rubles"),
    u("JPY", "yen", "yen"),
    u("CNY", "yuan", "yuan"),
    u("PLN", "zloty", "zlotys"),
    u("INR", "rupee", "rupees"),
    glued("p", "penny", "pence"),
    u("µSv", "microsievert", "microsieverts"),
];

/// Units after "per" or "/" ("km/h", "$5/month" is money's), read in the singular.
const PER_ONLY: &[(&str, &str)] = &[
    ("s", "second"),
    ("h", "hour"),
    ("d", "day"),
    ("day", "day"),
    ("yr", "year"),
    ("year", "year"),
    ("person", "person"),
    ("capita", "capita"),
];

/// Nouns counted in millions after a spaced "m" ("2 m people").
const COUNT_NOUNS: &[&str] = &["people", "children", "men", "women", "staff", "police"];

/// Words before a number with a glued "m" that count people or money, not
/// meters ("a population of 1.2m", "raised 5m", "viewers rose to 3m").
const COUNT_CONTEXT: &[&str] = &[
    "population",
    "populations",
    "inhabitants",
    "residents",
    "people",
    "viewers",
    "users",
    "subscribers",
    "customers",
    "members",
    "visitors",
    "passengers",
    "downloads",
    "votes",
    "voters",
    "fans",
    "followers",
    "raised",
    "raise",
    "raising",
    "worth",
    "budget",
    "revenue",
    "revenues",
    "profit",
    "profits",
    "sales",
    "sold",
    "valued",
    "valuation",
    "funding",
    "fine",
    "fined",
    "paid",
    "deal",
    "salary",
    "bonus",
];

/// Words after a glued "m" that make it meters whatever came before ("3m
/// above sea level", "2m tall").
fn is_measure_next(w: &str) -> bool {
    matches!(
        w,
        "tall"
            | "high"
            | "higher"
            | "deep"
            | "deeper"
            | "long"
            | "longer"
            | "wide"
            | "thick"
            | "short"
            | "away"
            | "above"
            | "below"
            | "apart"
            | "across"
            | "underground"
            | "underwater"
            | "behind"
            | "ahead"
    )
}

/// Whether the words before the number at `start` count people or money
/// (`COUNT_CONTEXT`) before any that measures a distance ("swam", "jumped").
fn counts_before(cx: &Ctx<'_>, start: usize) -> bool {
    let mut k = start;
    for _ in 0..5 {
        let Some(w) = cx.prev_word(k) else {
            return false;
        };
        let w = w.to_ascii_lowercase();
        if MEASURING.contains(&w.as_str()) {
            return false;
        }
        if COUNT_CONTEXT.contains(&w.as_str()) {
            return true;
        }
        k -= 2;
    }
    false
}

/// Words that measure a distance or a size before a number of meters.
const MEASURING: &[&str] = &[
    "swam",
    "swim",
    "swims",
    "ran",
    "run",
    "runs",
    "jumped",
    "jump",
    "jumps",
    "threw",
    "throw",
    "walked",
    "climbed",
    "dived",
    "fell",
    "tall",
    "high",
    "deep",
    "long",
    "wide",
    "sprint",
    "metres",
    "meters",
    "height",
    "depth",
    "length",
    "width",
    "distance",
    "measuring",
    "measures",
    "measured",
];

/// Words that may follow a spaced one-letter unit ("15 m wide", "100 m and 200 m").
const MEASURE_NEXT: &[&str] = &[
    "deep",
    "high",
    "tall",
    "long",
    "wide",
    "away",
    "above",
    "below",
    "of",
    "in",
    "from",
    "per",
    "and",
    "or",
    "to",
    "by",
    "behind",
    "beneath",
    "under",
    "over",
    "across",
    "down",
    "up",
    "into",
    "off",
    "apart",
    "thick",
    "short",
    "underground",
    "underwater",
    "higher",
    "lower",
    "further",
    "farther",
    "a",
    "an",
    "the",
    "race",
    "final",
    "freestyle",
    "sprint",
    "hurdles",
    "relay",
    "relays",
    "heats",
    "finals",
    "races",
    "runs",
    "events",
    "on",
    "at",
    "for",
    "with",
    "that",
    "which",
    "before",
    "after",
];

/// Nouns that make "155mm" an adjective ("155mm shells" → "millimeter shells").
const ADJ_NOUNS: &[&str] = &[
    "shell",
    "shells",
    "round",
    "rounds",
    "artillery",
    "howitzer",
    "howitzers",
    "gun",
    "guns",
    "cannon",
    "mortar",
    "mortars",
    "ammunition",
    "rifle",
    "rifles",
    "caliber",
    "calibre",
    "race",
    "range",
    "radius",
    "zone",
    "stretch",
    "battery",
    "batteries",
    "particle",
    "particles",
    "pipe",
    "pipeline",
    "screen",
    "display",
    "walk",
    "hike",
    "run",
    "marathon",
    "sprint",
    "relay",
    "freestyle",
    "backstroke",
    "breaststroke",
    "butterfly",
    "hurdles",
    "dash",
    "swim",
    "trip",
    "journey",
    "flight",
    "corridor",
    "buffer",
    "limit",
    "wall",
    "fence",
    "tunnel",
    "bridge",
    "tower",
    "truck",
    "trucks",
    "bomb",
    "bombs",
    "warhead",
    "warheads",
    "engine",
    "motor",
    "lens",
    "sensor",
    "tank",
    "bag",
    "bags",
    "bottle",
    "bottles",
    "dose",
    "doses",
    "pill",
    "tablet",
    "tablets",
    "capsule",
    "cable",
    "pool",
    "lap",
    "capacitor",
    "resistor",
    "relays",
    "heats",
    "finals",
    "races",
    "hurdles",
    "fall",
    "drop",
    "current",
];

fn find_unit(w: &str, glued: bool) -> Option<&'static Unit> {
    UNITS
        .iter()
        .find(|u| u.abbr == w)
        .or_else(|| {
            UNITS
                .iter()
                .find(|u| u.any_case && u.abbr.eq_ignore_ascii_case(w))
        })
        .filter(|u| glued || !u.glued_only)
}

fn per_unit(cx: &Ctx<'_>, j: usize) -> Option<(String, usize)> {
    let w = cx.word(j)?;
    if let Some(u) = find_unit(w, true) {
        // "/km²", "/km2", "g/cm3": per square or cubic unit of length.
        if u.length {
            let power = match (cx.punct(j + 1), cx.digits(j + 1)) {
                (Some('²'), _) | (_, Some("2")) => Some("square"),
                (Some('³'), _) | (_, Some("3")) => Some("cubic"),
                _ => None,
            };
            if let Some(power) = power.filter(|_| unit_ends(cx, j + 2)) {
                return Some((format!("{power} {}", u.one), j + 2));
            }
        }
        if !unit_ends(cx, j + 1) {
            return None;
        }
        return Some((u.one.to_string(), j + 1));
    }
    let (_, one) = PER_ONLY.iter().find(|(a, _)| *a == w)?;
    if !unit_ends(cx, j + 1) {
        return None;
    }
    Some(((*one).to_string(), j + 1))
}

/// True if nothing glued after `j` continues the unit into a longer code.
fn unit_ends(cx: &Ctx<'_>, j: usize) -> bool {
    match cx.kind(j) {
        None | Some(Kind::Space) => true,
        Some(Kind::Word | Kind::Digits) => false,
        Some(Kind::Punct) => {
            !(matches!(cx.punct(j), Some('-' | '@' | '_' | '\''))
                && matches!(cx.kind(j + 1), Some(Kind::Word | Kind::Digits)))
        }
    }
}

/// How a unit was attached to its number.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Join {
    Glued,
    Hyphen,
    Space,
}

/// The unit starting at or after token `j` (just past a number): its spoken form for
/// the given count and the index past it. `one` is true for exactly 1.
pub(crate) fn unit_after(cx: &Ctx<'_>, j: usize, one: bool) -> Option<(String, usize)> {
    let (join, k) = match cx.kind(j)? {
        Kind::Word => (Join::Glued, j),
        Kind::Space if cx.tok(j).is_some_and(|t| t.text == " ") => (Join::Space, j + 1),
        Kind::Punct if cx.is_punct(j, '-') && cx.word(j + 1).is_some() => (Join::Hyphen, j + 1),
        Kind::Punct if cx.is_punct(j, '/') => {
            // "12/kg" → "twelve per kilogram".
            let (per, end) = per_unit(cx, j + 1)?;
            cx.word(j + 1).filter(|w| w.len() >= 2)?;
            return Some((format!("per {per}"), end));
        }
        _ => return None,
    };
    let w = cx.word(k)?;
    // "sq mi", "sq km", "sq ft", "sq. ft.".
    if let Some((name, end)) = square_unit(cx, k, one || join == Join::Hyphen) {
        return Some((name, end));
    }
    // "10 in. of snow": spaced "in" is the inch only with its period, the sentence
    // going on in lower case after it.
    // So is "in." ending a sentence after a word of size ("3 in. by 5 in.", "The
    // TV is 65 in."); "the 3 who came in." is not.
    let dotted_inch = w == "in"
        && cx.is_punct(k + 1, '.')
        && ((cx.is_space(k + 2)
            && cx
                .word(k + 3)
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_lowercase())))
            || (cx.sentence_period(k + 2) == "." && size_word_before(cx, number_start(cx, j))));
    // "1 pt of cream", "2 pts of water": a pint of something, not a point.
    if matches!(w, "pt" | "pts") && join != Join::Hyphen && cx.next_word(k + 1) == Some("of") {
        return Some((if one { "pint" } else { "pints" }.to_string(), k + 1));
    }
    let u = find_unit(w, join == Join::Glued || dotted_inch)?;
    let mut end = k + 1;
    let mut prefix = "";
    if u.length {
        match (cx.punct(end), cx.digits(end)) {
            (Some('²'), _) => {
                prefix = "square ";
                end += 1;
            }
            (Some('³'), _) => {
                prefix = "cubic ";
                end += 1;
            }
            (_, Some("2")) if join == Join::Glued || cx.word(k).is_some_and(|w| w.len() <= 2) => {
                prefix = "square ";
                end += 1;
            }
            (_, Some("3")) if join == Join::Glued || cx.word(k).is_some_and(|w| w.len() <= 2) => {
                prefix = "cubic ";
                end += 1;
            }
            _ => {}
        }
    }
    // Compound "km/h", "mg/L", "kg/kg".
    let mut per = None;
    if cx.is_punct(end, '/') {
        if let Some((p, e)) = per_unit(cx, end + 1) {
            per = Some(p);
            end = e;
        }
    }
    if per.is_none() && !unit_ends(cx, end) {
        return None;
    }
    // A spaced single letter is only a unit at the end of a phrase or before
    // punctuation or a lowercase word ("5 m deep", not "Plan 5 B").
    if join == Join::Space && w.chars().count() == 1 {
        if let Some(next) = cx.next_word(end) {
            // "2 m people" is two million people; "15 m wide" is a measure.
            let plural_noun =
                next.len() > 3 && next.ends_with('s') && !MEASURE_NEXT.contains(&next);
            if COUNT_NOUNS.contains(&next) || plural_noun {
                return None;
            }
        }
    }
    // "5 ft. 4 in.", "2 tbsp. of sugar": an abbreviated unit's own period, when
    // the sentence goes on after it.
    if per.is_none()
        && matches!(
            w,
            "ft" | "in"
                | "yd"
                | "yds"
                | "mi"
                | "lb"
                | "lbs"
                | "oz"
                | "hr"
                | "hrs"
                | "min"
                | "mins"
                | "mo"
                | "mos"
                | "yr"
                | "yrs"
                | "sec"
                | "secs"
                | "tbsp"
                | "tsp"
                | "gal"
                | "qt"
                | "pt"
                | "pts"
                | "reb"
                | "ast"
                | "cu"
                | "sq"
        )
        && cx.own_period(end, true)
    {
        end += 1;
    }
    let adjectival = join == Join::Hyphen
        || cx
            .next_word(end)
            .is_some_and(|n| ADJ_NOUNS.contains(&n.to_lowercase().as_str()))
        || (after_article(cx, j) && noun_follows(cx, end))
        // "the 3 nm process", "its 2 TB drive": after a determiner, before a noun
        // (not a participle or adverb: "the 5 km separating them").
        || (after_determiner(cx, j)
            && noun_follows(cx, end)
            && cx.next_word(end).is_some_and(|n| {
                !(n.ends_with("ing") || n.ends_with("ed") || n.ends_with("ly"))
            }));
    let name = if one || adjectival { u.one } else { u.many };
    let mut spoken = format!("{prefix}{name}");

    if let Some(p) = per {
        spoken.push_str(" per ");
        spoken.push_str(&p);
    }
    Some((spoken, end))
}

/// Where the number ending just before token `j` starts (its digits, decimal
/// points and thousands commas).
fn number_start(cx: &Ctx<'_>, j: usize) -> usize {
    let mut s = j;
    while let Some(p) = s.checked_sub(1) {
        let part = cx.digits(p).is_some()
            || (matches!(cx.punct(p), Some('.' | ','))
                && p.checked_sub(1).is_some_and(|q| cx.digits(q).is_some()));
        if !part {
            break;
        }
        s = p;
    }
    s
}

/// Whether the number ending just before token `j` follows "a" or "an" ("a 5 kg
/// bag", "an 8 mm film"): a measure counted once is an adjective.
fn after_article(cx: &Ctx<'_>, j: usize) -> bool {
    let s = number_start(cx, j);
    s < j && cx.after_article(s)
}

/// Whether a determiner other than "a"/"an" comes just before the number ending at
/// `j` ("the 3 nm process").
fn after_determiner(cx: &Ctx<'_>, j: usize) -> bool {
    let s = number_start(cx, j);
    s < j
        && cx.prev_word(s).is_some_and(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "the" | "this" | "that" | "its" | "their" | "his" | "her" | "our" | "your" | "each"
            )
        })
}

/// Whether a word that gives a size comes just before the number at `start`
/// ("by 5 in.", "is 65 in.", "measures 3 in.").
fn size_word_before(cx: &Ctx<'_>, start: usize) -> bool {
    cx.prev_word(start).is_some_and(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "by" | "x"
                | "is"
                | "are"
                | "was"
                | "measures"
                | "measuring"
                | "measured"
                | "about"
                | "nearly"
                | "almost"
                | "roughly"
                | "just"
                | "stands"
        )
    })
}

/// "sq mi", "sq km", "sq ft", "sq. ft.": a square unit of length starting at
/// token `k`, and the index past it. Its own final period is taken when the
/// sentence goes on ("per sq. ft. is").
pub(crate) fn square_unit(cx: &Ctx<'_>, k: usize, one: bool) -> Option<(String, usize)> {
    let w = cx.word(k)?;
    if !matches!(w, "sq" | "square") {
        return None;
    }
    let mut at = k + 1;
    if w == "sq" && cx.is_punct(at, '.') {
        at += 1;
    }
    if !cx.is_space(at) {
        return None;
    }
    let u = cx.word(at + 1).and_then(|w| find_unit(w, false))?;
    let mut end = at + 2;
    if u.abbr.len() <= 2 && cx.own_period(end, true) {
        end += 1;
    }
    if !u.length || !unit_ends(cx, end) {
        return None;
    }
    let name = if one { u.one } else { u.many };
    Some((format!("square {name}"), end))
}

/// Whether a lower-case word that a measure can describe follows the unit ending at
/// `end` (not "of", "per", "and": "a 5 kg and a 10 kg bag" still reads singular
/// through its own article).
fn noun_follows(cx: &Ctx<'_>, end: usize) -> bool {
    cx.next_word(end).is_some_and(|n| {
        n.len() > 1
            && n.chars().all(|c| c.is_ascii_lowercase())
            && !matches!(
                n,
                "of" | "per"
                    | "and"
                    | "or"
                    | "to"
                    | "by"
                    | "in"
                    | "from"
                    | "a"
                    | "an"
                    | "the"
                    | "as"
                    | "at"
                    | "on"
                    | "for"
                    | "with"
                    | "than"
                    | "is"
                    | "was"
                    | "are"
                    | "were"
                    | "that"
                    | "which"
                    | "who"
                    | "into"
                    | "over"
                    | "under"
                    | "when"
                    | "while"
                    | "but"
                    | "so"
                    | "if"
                    | "it"
                    | "be"
                    | "away"
                    | "more"
                    | "less"
            )
    })
}

/// [`unit_after`] with a leading space. A hyphenated unit ("10-km race") is an
/// adjective, read singular with a space ("ten kilometer race").
pub(crate) fn unit_tail(cx: &Ctx<'_>, j: usize, one: bool) -> Option<(String, usize)> {
    if let Some(t) = degrees_after(cx, j, one) {
        return Some(t);
    }
    let (u, e) = unit_after(cx, j, one)?;
    Some((format!(" {u}"), e))
}

/// "°F", " °C", "º": a degree sign after a number, glued or one space away, with its
/// scale letter ("highs of 25-28 °F" → "twenty-five to twenty-eight degrees
/// Fahrenheit").
fn degrees_after(cx: &Ctx<'_>, j: usize, one: bool) -> Option<(String, usize)> {
    let k = if cx.tok(j).is_some_and(|t| t.text == " ") {
        j + 1
    } else {
        j
    };
    if !matches!(cx.punct(k), Some('°' | 'º')) {
        return spaced_scale(cx, j, k, one);
    }
    let mut s = String::from(if one { " degree" } else { " degrees" });
    let mut end = k + 1;
    match cx.word(end) {
        Some("C") => s.push_str(" Celsius"),
        Some("F") => s.push_str(" Fahrenheit"),
        Some(_) => return None,
        None => {
            // A bare spaced "°" is a degree only glued ("90°").
            if k != j {
                return None;
            }
            return Some((s, end));
        }
    }
    end += 1;
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) {
        return None;
    }
    Some((s, end))
}

/// "it was 20 C in Paris", "highs of 85 F": a scale letter one space after a
/// temperature without its degree sign, read as degrees where the words around it
/// speak of the weather (a verb or preposition of temperature before the number, and
/// no word glued after the letter).
fn spaced_scale(cx: &Ctx<'_>, j: usize, k: usize, one: bool) -> Option<(String, usize)> {
    if k != j + 1 {
        return None;
    }
    let scale = match cx.word(k)? {
        "C" => "Celsius",
        "F" => "Fahrenheit",
        _ => return None,
    };
    if matches!(cx.kind(k + 1), Some(Kind::Word | Kind::Digits))
        || matches!(cx.punct(k + 1), Some('-' | '/' | '&' | '\''))
        || (cx.is_punct(k + 1, '.') && cx.word(k + 2).is_some())
    {
        return None;
    }
    // The number's first token (with its sign), then the word before it.
    let mut start = number_start(cx, j);
    if start
        .checked_sub(1)
        .is_some_and(|p| matches!(cx.punct(p), Some('-' | '−')))
    {
        start -= 1;
    }
    let number: String = (start..j)
        .filter_map(|t| cx.tok(t))
        .map(|t| t.text)
        .collect();
    let value: f64 = number.replace(',', "").replace('−', "-").parse().ok()?;
    if !(-90.0..=140.0).contains(&value) {
        return None;
    }
    let weather = cx.prev_word(start).is_some_and(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "was"
                | "is"
                | "of"
                | "at"
                | "hit"
                | "hits"
                | "reached"
                | "reach"
                | "reaching"
                | "around"
                | "about"
                | "near"
                | "highs"
                | "lows"
                | "high"
                | "low"
                | "below"
                | "above"
                | "minus"
                | "topped"
                | "to"
                | "fell"
                | "rose"
                | "dropped"
                | "climbed"
                | "soared"
                | "plunged"
                | "hitting"
                | "touched"
                | "under"
                | "over"
                | "exceeding"
                | "exceeded"
        )
    });
    if !weather {
        return None;
    }
    let deg = if one { "degree" } else { "degrees" };
    Some((format!(" {deg} {scale}"), k + 1))
}

const SCALES: &[&str] = &["thousand", "million", "billion", "trillion"];

/// "m"/"bn" (glued or spaced) before a counted noun: the scale word.
fn scale_before_noun(cx: &Ctx<'_>, end: usize) -> Option<(&'static str, usize)> {
    let k = if cx.is_space(end) { end + 1 } else { end };
    let scale = match cx.word(k)? {
        "m" | "mn" | "mln" => "million",
        "bn" => "billion",
        "k" | "K" if k == end => "thousand",
        _ => return None,
    };
    // "a population of 1.2m", "raised 5m last year": a glued "m" with no counted
    // noun after it is the scale when the words before count people or money.
    if scale == "million"
        && k == end
        && !cx.next_word(k + 1).is_some_and(is_measure_next)
        && counts_before(cx, number_start(cx, end))
    {
        return Some((scale, k + 1));
    }
    let next = cx.next_word(k + 1)?;
    // "The 10K starts at nine", "a 5K run": after an article a glued K names the race,
    // and the plural-looking word after it may be a verb; only a count noun decides.
    let race = scale == "thousand"
        && end
            .checked_sub(1)
            .filter(|&d| cx.digits(d).is_some())
            .and_then(|d| cx.prev_word(d))
            .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "the" | "a"));
    let plural_noun =
        !race && next.len() > 3 && next.ends_with('s') && !MEASURE_NEXT.contains(&next);
    (COUNT_NOUNS.contains(&next) || plural_noun).then_some((scale, k + 1))
}

/// "2h 05m", "1h 30min": after glued hours, the minutes of a duration (not meters).
fn hours_and_minutes(cx: &Ctx<'_>, end: usize, (tail, e): (String, usize)) -> (String, usize) {
    if cx.word(end) != Some("h") || e != end + 1 || !cx.is_space(e) {
        return (tail, e);
    }
    let Some(m) = cx
        .digits(e + 1)
        .filter(|d| d.len() <= 2)
        .and_then(|d| d.parse::<u32>().ok())
        .filter(|m| *m < 60)
    else {
        return (tail, e);
    };
    if !matches!(cx.word(e + 2), Some("m" | "min")) || !unit_ends(cx, e + 3) {
        return (tail, e);
    }
    let unit = if m == 1 { "minute" } else { "minutes" };
    let said = format!("{tail} {} {unit}", super::words::under_100(m));
    (said, e + 3)
}

/// What follows a plain number ending at `end`: a unit, a scale word and a unit ("100
/// million kg"), a range with a unit ("2-5lb"), a dimension ("2x8 m2", "25 x 7 m") or a
/// multiplier ("5x"). Returns the spoken tail (with a leading space) and its end.
pub(crate) fn after_number(cx: &Ctx<'_>, end: usize, one: bool) -> Option<(String, usize)> {
    // "2 m people", "2.3m copies", "10k units": a scale letter before counted nouns,
    // before the same letter is taken for a unit.
    if let Some((scale, e)) = scale_before_noun(cx, end) {
        return Some((format!(" {scale}"), e));
    }
    if let Some(t) = unit_tail(cx, end, one) {
        let (mut said, mut e) = hours_and_minutes(cx, end, t);
        // "12 ft x 10 ft": a dimension of two measures.
        if cx.is_space(e)
            && (cx.word(e + 1) == Some("x") || cx.is_punct(e + 1, '×'))
            && cx.is_space(e + 2)
            && cx.digits(e + 3).is_some()
        {
            if let Some(lit) = parse_number(cx, e + 3) {
                if let Some((u, e2)) = unit_tail(cx, lit.end, false) {
                    said = format!("{said} by {}{u}", read_number(&lit));
                    e = e2;
                }
            }
        }
        return Some((said, e));
    }
    // "gusts of 60+ mph": "sixty plus miles per hour".
    if cx.is_punct(end, '+') {
        if let Some((u, e)) = unit_tail(cx, end + 1, false) {
            return Some((format!(" plus{u}"), e));
        }
    }
    if cx.is_space(end) {
        if let Some(s) = cx.word(end + 1).filter(|w| SCALES.contains(w)) {
            if let Some((u, e)) = unit_tail(cx, end + 2, false) {
                return Some((format!(" {s}{u}"), e));
            }
        }
    }
    // "2-5lb", "1234-123kg": a range of measures.
    if cx.punct(end).is_some_and(super::is_dash) && cx.digits(end + 1).is_some() {
        let lit = parse_number(cx, end + 1)?;
        let (u, e) = unit_tail(cx, lit.end, false)?;
        return Some((format!(" to {}{u}", read_number(&lit)), e));
    }
    // Dimensions and multipliers.
    let (by_at, glued) = match (cx.word(end), cx.punct(end)) {
        (Some("x"), _) => (end, true),
        (_, Some('×')) => (end, true),
        _ if cx.is_space(end)
            && (cx.word(end + 1) == Some("x") || cx.is_punct(end + 1, '×'))
            && cx.is_space(end + 2) =>
        {
            (end + 1, false)
        }
        _ => return None,
    };
    let second = if glued { by_at + 1 } else { by_at + 2 };
    if cx.digits(second).is_some() {
        let lit = parse_number(cx, second)?;
        let mut s = format!(" by {}", read_number(&lit));
        let mut e = lit.end;
        if let Some((u, e2)) = unit_tail(cx, e, false) {
            s.push_str(&u);
            e = e2;
        }
        return Some((s, e));
    }
    if glued && unit_ends(cx, by_at + 1) {
        return Some((" times".to_string(), by_at + 1));
    }
    None
}

/// "per sq. ft.", "per kg", "per hr" without a number before: "per" and a unit
/// of two letters or more, read in the singular.
pub(crate) fn match_per_unit(cx: &Ctx<'_>, i: usize) -> Option<super::Match> {
    if cx.word(i)? != "per" || !cx.is_space(i + 1) {
        return None;
    }
    let k = i + 2;
    if let Some((name, end)) = square_unit(cx, k, true) {
        return Some(super::Match::new(
            end,
            format!("per {name}"),
            super::Class::Cardinal,
        ));
    }
    // A unit as after "/" ("per km2" too), of two letters or more: not "per s",
    // "per in".
    let w = cx.word(k)?;
    if w.chars().count() < 2 || w == "in" || find_unit(w, false).is_none() {
        return None;
    }
    let (one, mut end) = per_unit(cx, k)?;
    // Its own period when the sentence goes on ("per lb. of beef").
    if cx.own_period(end, false) {
        end += 1;
    }
    Some(super::Match::new(
        end,
        format!("per {one}"),
        super::Class::Cardinal,
    ))
}

/// "101.5 FM", "98.7 FM": a station's frequency, read as stations say it ("one oh
/// one point five F M").
pub(crate) fn match_radio_frequency(cx: &Ctx<'_>, i: usize) -> Option<super::Match> {
    let whole = cx.digits(i)?;
    if cx.glued_before(i) || !cx.is_punct(i + 1, '.') {
        return None;
    }
    let tenth = cx.digits(i + 2).filter(|d| d.len() == 1)?;
    if !cx.is_space(i + 3)
        || cx.word(i + 4) != Some("FM")
        || matches!(cx.kind(i + 5), Some(Kind::Word | Kind::Digits))
    {
        return None;
    }
    let v: u32 = whole.parse().ok()?;
    if !(87..=108).contains(&v) {
        return None;
    }
    let said = format!(
        "{} point {} F M",
        super::address::house_number(whole)?,
        super::words::digit_word(tenth.parse().ok()?)
    );
    Some(super::Match::new(i + 5, said, super::Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn units() {
        assert_eq!(n("12kg"), "twelve kilograms");
        assert_eq!(n("1 km"), "one kilometer");
        assert_eq!(n("3 km."), "three kilometers.");
        assert_eq!(n("130 km/h"), "one hundred thirty kilometers per hour");
        assert_eq!(n("5 mg/L"), "five milligrams per liter");
        assert_eq!(n("2 km²"), "two square kilometers");
        assert_eq!(
            n("155-mm shells"),
            "one hundred fifty-five millimeter shells"
        );
        assert_eq!(n("a 10-km race"), "a ten kilometer race");
        assert_eq!(
            n("155mm shells"),
            "one hundred fifty-five millimeter shells"
        );
        assert_eq!(n("3 in the morning"), "three in the morning");
        assert_eq!(n("Plan 5 B"), "Plan five B");
        assert_eq!(n("2 m people"), "two million people");
        assert_eq!(n("15 m wide"), "fifteen meters wide");
        assert_eq!(n("12/kg"), "twelve per kilogram");
        assert_eq!(n("5 kmx"), "five kmx");
        assert_eq!(n("2-5lb"), "two to five pounds");
        assert_eq!(n("100 million kg"), "one hundred million kilograms");
        assert_eq!(n("2x8 m2"), "two by eight square meters");
        assert_eq!(
            n("The box was 25 x 7 m."),
            "The box was twenty-five by seven meters."
        );
        assert_eq!(n("up 5x"), "up five times");
        assert_eq!(n("4 1/2 lbs"), "four and a half pounds");
    }
}
