//! Initialisms, acronyms and model designations, decided by a lexicon table.
//! Spelled: "EU" → "E U", "U.S." → "U S"; said as words: "NATO" → "Nato"; "US" in an
//! all-caps headline is the pronoun "us". Models and call signs: "MiG-29" → "mig
//! twenty-nine", "A320" → "A three twenty", "M1 Abrams" → "M one Abrams", "B-52" → "B
//! fifty-two".

use super::scanner::Kind;
use super::words::{cardinal_u64, digit_word, pluralize_last, under_100};
use super::{Class, Ctx, Match};

/// Initialisms read letter by letter.
const SPELLED: &[&str] = &[
    "EU", "UN", "US", "UK", "USA", "IMF", "BBC", "CNN", "FBI", "CIA", "NSA", "KGB", "FSB", "SBU",
    "GUR", "GDP", "CEO", "CFO", "WHO", "WTO", "IAEA", "OSCE", "ICC", "ICJ", "UAE", "ISW", "AFU",
    "EPA", "FDA", "SEC", "IRS", "NHS", "MP", "MPs", "PM", "ECB", "IOC", "OECD", "NGO", "NGOs",
    "AI", "TV", "EV", "EVs", "GOP", "DNC", "RNC", "NBA", "NFL", "MLB", "UEFA", "IDF", "IRGC",
    "DPRK", "PRC", "CCP", "ECHR", "UNHCR", "ZNPP", "HRW", "AP", "AFP", "AD", "BC", "BCE",
];

/// Acronyms said as words: written form → how a newsreader says it.
const WORDS: &[(&str, &str)] = &[
    ("NATO", "Nato"),
    ("UNESCO", "Unesco"),
    ("UNICEF", "Unicef"),
    ("OPEC", "Opec"),
    ("NASA", "Nasa"),
    ("FIFA", "Fifa"),
    ("ASEAN", "Asean"),
    ("NAFTA", "Nafta"),
    ("HIMARS", "Himars"),
    ("ATACMS", "Attackems"),
    ("AIDS", "Aids"),
    ("FTSE", "Footsie"),
    ("OPEC+", "Opec plus"),
    // The UN climate summit, "COP28".
    ("COP", "Cop"),
];

/// Capitalized words that usually start a new sentence after "… the U.S. They …".
const STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "In",
    "But",
    "And",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "On",
    "At",
    "As",
    "After",
    "Before",
    "However",
    "Meanwhile",
    "There",
    "What",
    "When",
    "Why",
    "How",
    "If",
    "Some",
    "Many",
    "Most",
    "Officials",
    "Police",
    "Both",
    "Earlier",
    "Later",
    "Last",
    "Now",
    "So",
];

/// Model prefixes said as words.
const MODEL_WORDS: &[(&str, &str)] = &[
    ("MiG", "mig"),
    ("Su", "Su"),
    ("Ka", "Ka"),
    ("Mi", "Mi"),
    ("Tu", "Tu"),
    ("Il", "Il"),
    ("An", "An"),
    ("Yak", "Yak"),
    ("Kh", "K H"),
    // The UN climate summit: "COP28", "COP 29".
    ("COP", "Cop"),
];

fn glued_to_word(cx: &Ctx<'_>, i: usize) -> bool {
    i.checked_sub(1).is_some_and(|p| cx.word(p).is_some())
}

/// Letters apart, a plural "s" kept on its letter with an apostrophe: "DVDs"
/// → "D V D's", as engines say "D's" ("deez") but "Ds" as "dee-ess".
pub(crate) fn spell(w: &str) -> String {
    let mut out = String::new();
    let mut prev = None;
    for c in w.chars() {
        if c == 's' && prev.is_some_and(|p: char| p.is_ascii_uppercase()) {
            out.push_str("'s");
        } else {
            if !out.is_empty() && c != 's' {
                out.push(' ');
            }
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// Every letter apart, even an "s": "xi" → "x i".
fn spell_all(w: &str) -> String {
    let letters: Vec<String> = w.chars().map(String::from).collect();
    letters.join(" ")
}

/// Every letter an ASCII capital ("T" of "AT&T", "B" of "Apt. 4B").
pub(crate) fn capitals(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_uppercase())
}

fn all_caps(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase())
}

/// Initialisms and acronyms at token `i`.
/// Four or five capitals that cannot be said as an English word are spelled, as a
/// newsreader spells them ("WWRD", "HDMI", "NSCAA", "ISBN", "USSR"): no vowel, a
/// first pair of consonants no English word starts with, or a last pair none ends
/// with. Pronounceable ones ("NASA", "SPIE", "DEFRA", "JOHN") stay words.
fn unpronounceable(w: &str) -> bool {
    const ONSETS: &[&[u8; 2]] = &[
        b"BL", b"BR", b"CH", b"CL", b"CR", b"DR", b"DW", b"FL", b"FR", b"GL", b"GR", b"KN", b"KR",
        b"PH", b"PL", b"PR", b"SC", b"SH", b"SK", b"SL", b"SM", b"SN", b"SP", b"ST", b"SW", b"TH",
        b"TR", b"TW", b"WH", b"WR", b"QU", b"SQ", b"GN", b"PS",
    ];
    const CODAS: &[&[u8; 2]] = &[
        b"CT", b"FT", b"LD", b"LF", b"LK", b"LL", b"LM", b"LP", b"LT", b"MP", b"ND", b"NG", b"NK",
        b"NT", b"PT", b"RB", b"RC", b"RD", b"RK", b"RL", b"RM", b"RN", b"RP", b"RT", b"RS", b"SH",
        b"SK", b"SP", b"SS", b"ST", b"TH", b"CH", b"CK", b"GH", b"LS", b"NS", b"TS", b"DS", b"KS",
        b"PS", b"MS", b"RG", b"XT", b"WS", b"WN", b"WL", b"HN", b"NZ", b"FF", b"TT", b"ZZ", b"BS",
        b"GS", b"NC", b"RF", b"RR", b"LE",
    ];
    let b = w.as_bytes();
    let vowel = |c: u8| matches!(c, b'A' | b'E' | b'I' | b'O' | b'U' | b'Y');
    if !b.iter().copied().any(vowel) {
        return true;
    }
    let (Some(&[a, c]), Some(&[y, z])) = (b.first_chunk::<2>(), b.last_chunk::<2>()) else {
        return false;
    };
    let bad_onset = !vowel(a) && !vowel(c) && !ONSETS.contains(&&[a, c]);
    let bad_coda = !vowel(y) && !vowel(z) && !CODAS.contains(&&[y, z]);
    bad_onset || bad_coda
}

/// "AC" is air conditioning before what a cooler has or needs ("the AC unit", "AC
/// repairs") and as the thing itself ("turned on the AC."); before electrical words
/// ("an AC motor", "AC power") and elsewhere it is spelled, "A C".
fn air_conditioning(cx: &Ctx<'_>, i: usize) -> bool {
    const COOLING: &[&str] = &[
        "unit",
        "units",
        "system",
        "systems",
        "repair",
        "repairs",
        "vent",
        "vents",
        "bill",
        "bills",
        "filter",
        "filters",
        "installation",
        "service",
        "technician",
        "technicians",
        "compressor",
        "window",
        "blasting",
        "running",
        "broke",
        "broken",
    ];
    const AFTER_THE: &[&str] = &[
        "was", "is", "isn't", "wasn't", "broke", "stopped", "went", "works", "worked", "failed",
        "kept", "runs", "ran", "quit", "died", "and", "on", "off",
    ];
    let the_before = cx.prev_word(i).is_some_and(|p| {
        matches!(
            p.to_ascii_lowercase().as_str(),
            "the" | "no" | "without" | "with" | "our" | "their" | "his" | "her" | "my"
        )
    });
    if let Some(n) = cx.next_word(i + 1) {
        return COOLING.contains(&n) || (the_before && AFTER_THE.contains(&n));
    }
    let at_end = match cx.tok(i + 1) {
        None => true,
        Some(t) => matches!(t.text, "," | "." | ";" | "!" | "?" | ")" | "\n"),
    };
    at_end && the_before
}

/// "WWII", "WW2", "WWI": the world wars by name.
pub(crate) fn match_world_war(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if glued_to_word(cx, i) {
        return None;
    }
    let (n, end) = match (cx.word(i)?, cx.digits(i + 1)) {
        ("WWI", _) => ("One", i + 1),
        ("WWII", _) => ("Two", i + 1),
        ("WW", Some("1")) => ("One", i + 2),
        ("WW", Some("2")) => ("Two", i + 2),
        _ => return None,
    };
    if matches!(cx.kind(end), Some(Kind::Word | Kind::Digits)) || cx.is_punct(end, '-') {
        return None;
    }
    Some(Match::new(end, format!("World War {n}"), Class::Cardinal))
}

pub(crate) fn match_initialism(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    // Glued to a word it is part of that word; glued to digits is fine (the number gets a
    // space when spoken, so both passes must agree).
    if glued_to_word(cx, i) {
        return None;
    }
    let w = cx.word(i)?;
    // Digits glued after are read apart ("tPM12" → "t P M twelve"), so a second
    // pass sees the same letters alone.
    let alone = !matches!(cx.kind(i + 1), Some(Kind::Word))
        && !cx.is_punct(i + 1, '-')
        && !i.checked_sub(1).is_some_and(|p| cx.is_punct(p, '-'));
    // "mRNA", "ssDNA", "fMRI", "iOS": one or two small letters before two or more
    // capitals, all of them spelled; and "pH".
    if let Some(caps) = w
        .char_indices()
        .find(|(_, c)| c.is_ascii_uppercase())
        .map(|(k, _)| (&w[..k], &w[k..]))
        .filter(|(small, caps)| {
            (1..=2).contains(&small.len())
                && small.chars().all(|c| c.is_ascii_lowercase())
                && caps.len() >= 2
                && caps.chars().all(|c| c.is_ascii_uppercase())
        })
        .map(|(_, caps)| caps)
    {
        if alone && caps.len() <= 4 {
            return Some(Match::new(i + 1, spell_all(w), Class::Cardinal));
        }
    }
    if w == "pH" && alone {
        return Some(Match::new(i + 1, "p H".to_string(), Class::Cardinal));
    }
    // Every initialism starts with a capital; most words of prose do not.
    if !w.starts_with(char::is_uppercase) {
        return None;
    }
    // "DVDs", "ATMs", "SUVs": the plural of an initialism that is spelled.
    if let Some(caps) = w.strip_suffix('s').filter(|c| {
        let n = c.chars().count();
        c.chars().all(|ch| ch.is_ascii_uppercase())
            && ((2..=3).contains(&n) || ((4..=5).contains(&n) && unpronounceable(c)))
    }) {
        let word_like = CAPS_WORDS.contains(&caps) || WORDS.iter().any(|(a, _)| *a == caps);
        if alone
            && !word_like
            && !super::time::ZONES
                .iter()
                .any(|z| z.eq_ignore_ascii_case(caps))
        {
            return Some(Match::new(
                i + 1,
                format!("{}'s", spell(caps)),
                Class::Cardinal,
            ));
        }
    }
    // "U.S.", "U.N.", "U.K.": dotted capitals.
    if w.chars().count() == 1 && w.chars().all(char::is_uppercase) && cx.is_punct(i + 1, '.') {
        let mut j = i;
        let mut letters = Vec::new();
        while letters.len() < 4 {
            match cx.word(j) {
                Some(l) if l.chars().count() == 1 && l.chars().all(char::is_uppercase) => {
                    if !cx.is_punct(j + 1, '.') {
                        break;
                    }
                    letters.push(l);
                    j += 2;
                }
                _ => break,
            }
        }
        if letters.len() >= 2 && cx.word(j).is_none() && cx.digits(j).is_none() {
            // "U.S. President": the period is the abbreviation's, not a sentence end, when
            // a capitalized word that rarely starts a sentence follows. Take the space too
            // so the period is not put back.
            let mid_sentence = cx.next_word(j).is_some_and(|n| {
                n.chars().next().is_some_and(char::is_uppercase) && !STARTERS.contains(&n)
            });
            let end = if mid_sentence { j + 1 } else { j };
            return Some(Match::new(end, letters.join(" "), Class::Cardinal));
        }
        return None;
    }
    if let Some((_, said)) = WORDS.iter().find(|(a, _)| *a == w) {
        return Some(Match::new(i + 1, (*said).to_string(), Class::Cardinal));
    }
    if w == "AC" && air_conditioning(cx, i) {
        return Some(Match::new(
            i + 1,
            "air conditioning".to_string(),
            Class::Cardinal,
        ));
    }
    if SPELLED.contains(&w) {
        // "US" inside an all-caps headline ("TRUMP TELLS US TO WAIT") is the pronoun.
        if w == "US" {
            let before = cx
                .prev_word(i)
                .is_some_and(|p| all_caps(p) && !SPELLED.contains(&p));
            let after = cx
                .next_word(i + 1)
                .is_some_and(|n| all_caps(n) && !SPELLED.contains(&n));
            if before && after {
                return Some(Match::new(i + 1, "us".to_string(), Class::Cardinal));
            }
        }
        return Some(Match::new(i + 1, spell(w), Class::Cardinal));
    }
    // Other capitals of two or three letters in running text ("the IOM said", "(ICJ)")
    // are initialisms: spelled. Not in an all-caps headline, and not common words typed
    // in capitals for emphasis ("he said NO").
    let n = w.chars().count();
    let spelled_length = (2..=3).contains(&n) || ((4..=5).contains(&n) && unpronounceable(w));
    if spelled_length
        && w.chars().all(|c| c.is_ascii_uppercase())
        // "AT&T": a capital word glued to an ampersand is letters of a name.
        && (!CAPS_WORDS.contains(&w)
            || (cx.is_punct(i + 1, '&') && cx.word(i + 2).is_some_and(capitals))
            || (i >= 2 && cx.is_punct(i - 1, '&') && cx.word(i - 2).is_some_and(capitals)))
        // Time zones stay one word, as the time reader writes them ("P M EST").
        && !super::time::ZONES.iter().any(|z| z.eq_ignore_ascii_case(w))
        && !cx.prev_word(i).is_some_and(all_caps)
        && !cx.next_word(i + 1).is_some_and(all_caps)
        && !matches!(cx.kind(i + 1), Some(Kind::Word | Kind::Digits))
        // Not inside a hyphenated respelling ("zeh-LEN-skee").
        && !cx.is_punct(i + 1, '-')
        && !i.checked_sub(1).is_some_and(|p| cx.is_punct(p, '-'))
    {
        return Some(Match::new(i + 1, spell(w), Class::Cardinal));
    }
    None
}

/// Common words that may be written in capitals for emphasis; never spelled.
const CAPS_WORDS: &[&str] = &[
    "NO", "SO", "GO", "DO", "BE", "WE", "HE", "ME", "MY", "BY", "UP", "IN", "ON", "AT", "IF", "OR",
    "OF", "TO", "IS", "AN", "AS", "OH", "YES", "NOT", "ALL", "AND", "THE", "FOR", "YOU", "HER",
    "HIS", "ONE", "TWO", "BIG", "BAD", "NEW", "OLD", "OUT", "WHY", "HOW", "NOW", "CAN", "MAY",
    "TOO", "ANY", "OWN", "OUR", "SHE", "HAS", "HAD", "WAS", "ARE", "GET", "GOT", "LET", "PUT",
    "SAY", "SEE", "TRY", "USE", "WAY", "DAY", "MAN", "END", "WAR", "TOP", "RUN", "WIN", "YET",
    "OFF", "FAR", "HIM", "HEY", "WOW", "BUT", "NOR", "ITS", "WHO", "WHAT", "DID", "LOW", "HOT",
    "MAD", "SAD", "BOY", "GUN", "KEY", "ART", "ACT", "AGE", "AIR", "ASK", "BUY", "CUT", "EAT",
    "FUN", "GAS", "LAW", "LIE", "MEN", "OIL", "PAY", "RED", "SEA", "SIX", "SKY", "SUN", "TAX",
    "TEN", "WET", "ZOO", "OK", "MAX", "PRO", "BUS", "ZIP", "FOX", "BOX", "CAT", "DOG", "FIX",
    "MIX", "POP", "HIP", "HOP", "RAP", "JAM", "SUM", "VAN", "CAB", "JET", "RAM", "TOY",
];

/// Digits of a model number: three glued digits in pairs ("320" → "three twenty"),
/// others as a cardinal.
fn model_number(d: &str, glued: bool) -> Option<String> {
    let v: u64 = d.parse().ok()?;
    if d.starts_with('0') {
        return None;
    }
    let _ = glued;
    if d.len() == 3 && !v.is_multiple_of(100) {
        let (hi, lo) = ((v / 100) as u32, (v % 100) as u32);
        let tail = if lo < 10 {
            format!("oh {}", digit_word(lo))
        } else {
            under_100(lo)
        };
        return Some(format!("{} {tail}", digit_word(hi)));
    }
    Some(cardinal_u64(v))
}

/// Makers whose name before a number makes it a model ("a Boeing 787" → "a Boeing
/// seven eighty-seven", "Porsche 911" → "nine eleven"). A model glued to letters
/// ("A350", "Galaxy S24") is read by `match_model`; small numbers ("iPhone 15",
/// "Model 3") read as cardinals anyway.
const MAKERS: &[&str] = &[
    "Boeing",
    "Airbus",
    "Xbox",
    "Office",
    "Lexus",
    "Infiniti",
    "Acura",
    "Ryzen",
    "Embraer",
    "Bombardier",
    "Cessna",
    "Tupolev",
    "Ilyushin",
    "Antonov",
    "Sukhoi",
    "Lockheed",
    "Douglas",
    "Gulfstream",
    "Learjet",
    "Beechcraft",
    "Dassault",
    "Porsche",
    "Peugeot",
    "Ferrari",
    "Fiat",
    "Volvo",
    "Saab",
    "Nokia",
    "Leica",
    "Ducati",
    "Yamaha",
    "Mazda",
    "Mercedes",
    "BMW",
    "Audi",
    "Alfa",
];

/// Words after a maker's number that make it a count ("Boeing 100 jobs").
const MAKER_COUNTS: &[&str] = &[
    "jobs",
    "workers",
    "employees",
    "people",
    "planes",
    "jets",
    "aircraft",
    "cars",
    "units",
    "orders",
    "deliveries",
    "staff",
    "million",
    "billion",
    "percent",
    "times",
    "years",
];

/// Names before a version number whose ".0" is said "point oh" ("Web 2.0", "USB
/// 3.0", "version 4.0"), as their users say it.
const VERSIONED: &[&str] = &[
    "Web",
    "web",
    "version",
    "Version",
    "USB",
    "Bluetooth",
    "HTTP",
    "HTML",
    "Industry",
    "Wi-Fi",
    "Android",
    "iOS",
    "Windows",
    "Firefox",
    "Chrome",
    "Python",
    "Java",
    "OAuth",
    "Office",
    "Gen",
    "Mac",
    "OS",
    "DDR",
    "PCIe",
    "Thunderbolt",
    "HDMI",
    "Lightning",
    "v",
];

/// "Web 2.0", "USB 3.0", "a 4.0 GPA": a version or grade point average ending in
/// ".0", its zero said "oh".
pub(crate) fn match_version(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let whole = cx.digits(i)?;
    if whole.len() > 2 || !cx.is_punct(i + 1, '.') || cx.digits(i + 2) != Some("0") {
        return None;
    }
    if matches!(cx.kind(i + 3), Some(Kind::Word | Kind::Digits))
        || (cx.is_punct(i + 3, '.') && cx.digits(i + 4).is_some())
    {
        return None;
    }
    let named = cx.prev_word(i).is_some_and(|p| VERSIONED.contains(&p));
    let gpa = cx
        .next_word(i + 3)
        .is_some_and(|n| matches!(n, "GPA" | "grade"));
    if !(named || gpa) || cx.glued_before(i) {
        return None;
    }
    let n = super::words::cardinal_digits(whole)?;
    Some(Match::new(i + 3, format!("{n} point oh"), Class::Cardinal))
}

/// "a Boeing 787", "the Boeing 737-800", "Boeing 747s", "Nokia 3310": a maker's name,
/// one space, then the model number, read the way its maker and buyers say it.
pub(crate) fn match_maker_model(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let d = cx.digits(i)?;
    // "the 737 MAX": the one airliner family named after its number.
    let jet = d.len() == 3 && d.starts_with('7') && d.ends_with('7') && d != "707";
    if d.len() == 3 && d.starts_with('7') && matches!(cx.next_word(i + 1), Some("MAX" | "Max")) {
        let family = cx.next_word(i + 1).unwrap_or("MAX");
        let spoken = format!("{} {family}", model_number(d, false)?);
        return Some(Match::new(i + 3, spoken, Class::Cardinal));
    }
    // "the 777X", "the 777-9": Boeing's current families by their variant letter.
    if jet
        && !cx.glued_before(i)
        && cx.word(i + 1) == Some("X")
        && !matches!(cx.kind(i + 2), Some(Kind::Word | Kind::Digits))
    {
        let spoken = format!("{} X", model_number(d, false)?);
        return Some(Match::new(i + 2, spoken, Class::Cardinal));
    }
    // "the 787-9 Dreamliner", "a 737-800 jet": an airliner's variant named before what
    // it is.
    let airliner = d.len() == 3
        && d.starts_with('7')
        && d.ends_with('7')
        && cx.is_punct(i + 1, '-')
        && cx
            .digits(i + 2)
            .is_some_and(|v| v.len() <= 3 && !v.starts_with('0'))
        && cx.next_word(i + 3).is_some_and(|n| {
            matches!(
                n,
                "Dreamliner"
                    | "Dreamliners"
                    | "jet"
                    | "jets"
                    | "jetliner"
                    | "aircraft"
                    | "plane"
                    | "planes"
                    | "airliner"
                    | "freighter"
                    | "MAX"
            )
        });
    if airliner {
        let v: u64 = cx.digits(i + 2)?.parse().ok()?;
        let spoken = format!("{} {}", model_number(d, false)?, cardinal_u64(v));
        return Some(Match::new(i + 3, spoken, Class::Cardinal));
    }
    let maker = cx.prev_word(i)?;
    // "RTX 4090", "GTX 1080", "RX 7900": graphics cards, said in pairs.
    let family = matches!(maker, "RTX" | "GTX" | "RX" | "GT" | "Radeon" | "GeForce");
    if !(MAKERS.contains(&maker) || family) || !(3..=4).contains(&d.len()) || d.starts_with('0') {
        return None;
    }
    let mut end = i + 1;
    let mut spoken = if d.len() == 3 {
        model_number(d, false)?
    } else {
        super::address::house_number(d)?
    };
    // "737-800", "787-9": the variant after a hyphen.
    if cx.is_punct(end, '-') {
        if let Some(v) = cx
            .digits(end + 1)
            .filter(|v| v.len() <= 3 && !v.starts_with('0'))
        {
            spoken.push(' ');
            spoken.push_str(&cardinal_u64(v.parse().ok()?));
            end += 2;
        }
    }
    // "747s": the plural of the model; "777X", "787ER": a variant in capitals;
    // "320i", "530d": a car's trim in small letters, spelled.
    if let Some(v) = cx
        .word(end)
        .filter(|v| matches!(*v, "i" | "d" | "e" | "xi" | "xd" | "ci" | "si" | "is" | "h"))
    {
        spoken.push(' ');
        spoken.push_str(&spell_all(v));
        end += 1;
    } else if cx.word(end) == Some("s") {
        spoken = pluralize_last(&spoken);
        end += 1;
    } else if let Some(v) = cx
        .word(end)
        .filter(|v| v.len() <= 3 && v.chars().all(|c| c.is_ascii_uppercase()))
    {
        spoken.push(' ');
        spoken.push_str(&spell(v));
        end += 1;
    }
    match cx.kind(end) {
        Some(Kind::Word | Kind::Digits) => return None,
        Some(Kind::Punct)
            if matches!(cx.punct(end), Some('-' | '.' | ',' | '/' | ':'))
                && cx.digits(end + 1).is_some() =>
        {
            return None
        }
        _ => {}
    }
    if cx.next_word(end).is_some_and(|w| MAKER_COUNTS.contains(&w)) {
        return None;
    }
    Some(Match::new(end, spoken, Class::Cardinal))
}

/// Model designations and call signs at token `i`: a short capitalized prefix glued or
/// hyphenated to a number ("A320", "MiG-29", "F-16", "M1").
pub(crate) fn match_model(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if glued_to_word(cx, i) || i.checked_sub(1).is_some_and(|p| cx.is_punct(p, '-')) {
        return None;
    }
    let w = cx.word(i)?;
    // "B2B", "B2C", "P2P": business to business, peer to peer (not "H2O").
    if cx.digits(i + 1) == Some("2") {
        let side = |l: &str| matches!(l, "B" | "C" | "P" | "D" | "G" | "M" | "E");
        if side(w)
            && cx.word(i + 2).is_some_and(side)
            && !matches!(cx.kind(i + 3), Some(Kind::Word | Kind::Digits))
            && !cx.is_punct(i + 3, '-')
        {
            let said = format!("{w} to {}", cx.word(i + 2).unwrap_or_default());
            return Some(Match::new(i + 3, said, Class::Cardinal));
        }
    }
    let n = w.chars().count();
    let hyphen = cx.is_punct(i + 1, '-');
    // "Shahed-136", "Geran-2", "Boeing-737": a capitalized name, a hyphen and two or three
    // digits; the name is read as written.
    let named = (4..=10).contains(&n)
        && hyphen
        && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && w.chars().skip(1).all(|c| c.is_ascii_lowercase())
        && cx.digits(i + 2).is_some_and(|d| (1..=3).contains(&d.len()));
    if !named && (!(1..=3).contains(&n) || !w.chars().next().is_some_and(char::is_uppercase)) {
        return None;
    }
    let said = MODEL_WORDS
        .iter()
        .find(|(a, _)| *a == w)
        .map(|(_, s)| *s)
        .or(named.then_some(w));
    if said.is_none() && !w.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let dpos = if hyphen { i + 2 } else { i + 1 };
    let d = cx.digits(dpos)?;
    // "K-12 schools", "a K-8 academy": a span of school grades from kindergarten.
    if w == "K"
        && hyphen
        && matches!(d, "5" | "6" | "8" | "12")
        && !matches!(cx.kind(dpos + 1), Some(Kind::Word | Kind::Digits))
    {
        let n = super::words::cardinal_digits(d)?;
        return Some(Match::new(
            dpos + 1,
            format!("K through {n}"),
            Class::Cardinal,
        ));
    }
    if d.len() > 3 {
        return None;
    }
    let mut end = dpos + 1;
    // Capital prefixes are spelled ("KC-135" → "K C one thirty-five"), as the
    // initialism matcher would on a second pass.
    let prefix = said.map_or_else(|| spell(w), str::to_string);
    let mut spoken = format!("{prefix} {}", model_number(d, !hyphen)?);
    // "F-16s": plural of the model.
    if hyphen && cx.word(end) == Some("s") {
        spoken = pluralize_last(&spoken);
        end += 1;
    }
    // A variant suffix of up to three capitals ends the designation: "F-35A",
    // "Tu-95MS", "A321XLR".
    if let Some(v) = cx.word(end).filter(|v| {
        v.len() <= 3
            && v.chars().all(|c| c.is_ascii_uppercase())
            && !matches!(cx.kind(end + 1), Some(Kind::Word | Kind::Digits))
    }) {
        spoken.push(' ');
        spoken.push_str(&spell(v));
        end += 1;
    }
    // "A350-1000", "A320-200": the variant after a hyphen, as for a maker's model.
    if !hyphen && cx.is_punct(end, '-') {
        if let Some(v) = cx
            .digits(end + 1)
            .filter(|v| (1..=4).contains(&v.len()) && !v.starts_with('0'))
        {
            let glued_on = matches!(cx.kind(end + 2), Some(Kind::Word | Kind::Digits));
            let runs_on = matches!(cx.punct(end + 2), Some('-' | '.' | ',' | '/'))
                && cx.digits(end + 3).is_some();
            if !glued_on && !runs_on {
                spoken.push(' ');
                spoken.push_str(&cardinal_u64(v.parse().ok()?));
                end += 2;
            }
        }
    }
    // Glued to more capitals or digits ("H5N1", "A3B2"): a code, not a model. A
    // lowercase word glued on is a separate word ("A321sam" → "A three twenty-one sam").
    match cx.kind(end) {
        Some(Kind::Digits) => return None,
        Some(Kind::Word)
            if !cx
                .word(end)
                .is_some_and(|w| w.chars().all(char::is_lowercase)) =>
        {
            return None
        }
        Some(Kind::Punct)
            if matches!(cx.punct(end), Some('-' | '.' | ',' | '/'))
                && cx.digits(end + 1).is_some() =>
        {
            return None
        }
        _ => {}
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
    fn lexicon() {
        assert_eq!(n("the EU and the U.S. said"), "the E U and the U S said");
        assert_eq!(n("NATO allies"), "Nato allies");
        assert_eq!(n("U.S. President Biden"), "U S President Biden");
        assert_eq!(n("in the U.S. The next"), "in the U S. The next");
        assert_eq!(n("TRUMP TELLS US TO WAIT"), "TRUMP TELLS us TO WAIT");
        assert_eq!(n("MiG-29"), "mig twenty-nine");
        assert_eq!(n("an A320 jet"), "an A three twenty jet");
        assert_eq!(n("M1 Abrams"), "M one Abrams");
        assert_eq!(n("B-52 bombers"), "B fifty-two bombers");
        assert_eq!(n("F-16s"), "F sixteens");
        assert_eq!(n("Kh-101 missiles"), "K H one oh one missiles");
        assert_eq!(n("S-400"), "S four hundred");
        assert_eq!(n("A321sam"), "A three twenty-one sam");
        assert_eq!(n("H5N1"), "H five N one");
        assert_eq!(
            n("The F-35A and Tu-95MS"),
            "The F thirty-five A and Tu ninety-five M S"
        );
    }
}
