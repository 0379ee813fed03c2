//! Money: "$49.95" → "forty-nine dollars ninety-five cents", "$5" → "five dollars",
//! "$1.5 billion" → "one point five billion dollars", "£1.20", "€3m", "US$76.3 trillion".

use super::cardinal::{parse_number, read_int, read_number, NumLit};
use super::scanner::Kind;
use super::words::under_100;
use super::{Class, Ctx, Match};

/// One currency: its symbol and how its units are read.
struct Currency {
    symbol: char,
    one: &'static str,
    many: &'static str,
    /// Minor unit (singular, plural), if amounts are read with one.
    minor: Option<(&'static str, &'static str)>,
}

/// The name of a currency sign said on its own ("£" → "pound"), when no amount follows.
pub(crate) fn sign_name(c: char) -> Option<&'static str> {
    currency_of(c).map(|cur| cur.one)
}

const CURRENCIES: &[Currency] = &[
    Currency {
        symbol: '$',
        one: "dollar",
        many: "dollars",
        minor: Some(("cent", "cents")),
    },
    Currency {
        symbol: '£',
        one: "pound",
        many: "pounds",
        minor: Some(("penny", "pence")),
    },
    Currency {
        symbol: '€',
        one: "euro",
        many: "euros",
        minor: Some(("cent", "cents")),
    },
    Currency {
        symbol: '¥',
        one: "yen",
        many: "yen",
        minor: None,
    },
    Currency {
        symbol: '₩',
        one: "won",
        many: "won",
        minor: None,
    },
    Currency {
        symbol: '₹',
        one: "rupee",
        many: "rupees",
        minor: None,
    },
    Currency {
        symbol: '₴',
        one: "hryvnia",
        many: "hryvnias",
        minor: None,
    },
    Currency {
        symbol: '₽',
        one: "ruble",
        many: "rubles",
        minor: None,
    },
];

/// Scale words written out after the amount ("$3 million").
const SCALE_WORDS: &[&str] = &[
    "thousand", "million", "billion", "trillion", "crore", "lakh",
];

/// Scale abbreviations glued to the amount ("$3m", "¥30B", "$50K").
const SCALE_ABBREVS: &[(&str, &str)] = &[
    ("k", "thousand"),
    ("m", "million"),
    ("mn", "million"),
    ("mln", "million"),
    ("b", "billion"),
    ("bn", "billion"),
    ("t", "trillion"),
    ("tn", "trillion"),
];

/// Nouns an amount of money modifies in news copy ("a $5 fee", "the $61 billion aid
/// package", "a $2m contract"): after them the currency is read singular.
const MODIFIED_NOUNS: &[&str] = &[
    "aid",
    "package",
    "deal",
    "loan",
    "fund",
    "plan",
    "budget",
    "contract",
    "program",
    "programme",
    "project",
    "investment",
    "settlement",
    "fine",
    "fee",
    "bond",
    "bailout",
    "bail",
    "tranche",
    "grant",
    "order",
    "merger",
    "acquisition",
    "lawsuit",
    "payment",
    "price",
    "offer",
    "bid",
    "stimulus",
    "facility",
    "credit",
    "pledge",
    "donation",
    "reward",
    "salary",
    "bonus",
    "check",
    "cheque",
    "agreement",
    "scheme",
    "bill",
    "penalty",
    "ticket",
    "tax",
    "tariff",
    "subsidy",
    "bet",
    "jackpot",
    "prize",
    "valuation",
    "sale",
    "purchase",
    "request",
    "spending",
    "military",
    "humanitarian",
    "reconstruction",
    "infrastructure",
    "defense",
    "defence",
    "relief",
    "rescue",
    "recovery",
    "security",
    "home",
    "house",
    "mansion",
    "condo",
    "apartment",
    "property",
    "renovation",
    "expansion",
    "overhaul",
    "upgrade",
    "campaign",
    "stadium",
    "deficit",
    "shortfall",
    "surplus",
    "windfall",
    "increase",
    "raise",
    "cut",
    // Plurals: "$1,400 checks", "$5 bills", "$100 fines".
    "checks",
    "cheques",
    "bills",
    "payments",
    "tickets",
    "fines",
    "fees",
    "bonds",
    "loans",
    "grants",
    "deals",
    "contracts",
    "tariffs",
    "bets",
    "prizes",
    "donations",
    "bonuses",
    "rebates",
    "rebate",
    "coupons",
    "coupon",
    "notes",
    "note",
    "coins",
    "coin",
    "gift",
    "voucher",
    "vouchers",
    "homes",
    "houses",
    "cuts",
    "increases",
];

fn modified_noun(w: &str) -> bool {
    MODIFIED_NOUNS.contains(&w.to_lowercase().as_str())
}

/// "$20/mo" → "per month".
const PER_UNITS: &[(&str, &str)] = &[
    ("mo", "month"),
    ("month", "month"),
    ("yr", "year"),
    ("year", "year"),
    ("wk", "week"),
    ("week", "week"),
    ("d", "day"),
    ("day", "day"),
    ("hr", "hour"),
    ("h", "hour"),
    ("hour", "hour"),
    ("min", "minute"),
    ("share", "share"),
    ("barrel", "barrel"),
    ("person", "person"),
    ("night", "night"),
    ("gallon", "gallon"),
    ("gal", "gallon"),
    ("liter", "liter"),
    ("litre", "litre"),
    ("l", "liter"),
    ("ton", "ton"),
    ("tonne", "tonne"),
    ("t", "tonne"),
    ("kg", "kilogram"),
    ("lb", "pound"),
    ("oz", "ounce"),
    ("g", "gram"),
    ("sqft", "square foot"),
    ("ft", "foot"),
    ("bbl", "barrel"),
    ("MWh", "megawatt hour"),
    ("kWh", "kilowatt hour"),
    ("head", "head"),
    ("unit", "unit"),
    ("dose", "dose"),
    ("ticket", "ticket"),
    ("dozen", "dozen"),
    ("item", "item"),
    ("seat", "seat"),
    ("visit", "visit"),
    ("user", "user"),
    ("page", "page"),
    ("word", "word"),
    ("acre", "acre"),
    ("mile", "mile"),
    ("km", "kilometer"),
];

/// ISO 4217 codes written before or after an amount ("USD 5", "5 EUR", "CHF 100").
/// The country a letter prefix names before "$" ("C$", "A$", "HK$").
fn dollar_country(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "C" | "CA" | "Can" => "Canadian",
        "A" | "AU" | "AUD" => "Australian",
        "NZ" => "New Zealand",
        "HK" => "Hong Kong",
        "S" | "SG" => "Singapore",
        "NT" => "New Taiwan",
        _ => return None,
    })
}

/// "Rs 500": rupees, written before the amount as South Asian copy does.
const RUPEES: Currency = Currency {
    symbol: '₹',
    one: "rupee",
    many: "rupees",
    minor: None,
};

const ISO_CODES: &[(&str, Currency)] = &[
    (
        "USD",
        Currency {
            symbol: '$',
            one: "U S dollar",
            many: "U S dollars",
            minor: Some(("cent", "cents")),
        },
    ),
    (
        "EUR",
        Currency {
            symbol: '€',
            one: "euro",
            many: "euros",
            minor: Some(("cent", "cents")),
        },
    ),
    (
        "GBP",
        Currency {
            symbol: '£',
            one: "pound",
            many: "pounds",
            minor: Some(("penny", "pence")),
        },
    ),
    (
        "CHF",
        Currency {
            symbol: 'F',
            one: "Swiss franc",
            many: "Swiss francs",
            minor: None,
        },
    ),
    (
        "UAH",
        Currency {
            symbol: '₴',
            one: "hryvnia",
            many: "hryvnias",
            minor: None,
        },
    ),
    (
        "RUB",
        Currency {
            symbol: '₽',
            one: "ruble",
            many: "rubles",
            minor: None,
        },
    ),
    (
        "JPY",
        Currency {
            symbol: '¥',
            one: "yen",
            many: "yen",
            minor: None,
        },
    ),
    (
        "CNY",
        Currency {
            symbol: 'Y',
            one: "yuan",
            many: "yuan",
            minor: None,
        },
    ),
    (
        "PLN",
        Currency {
            symbol: 'z',
            one: "zloty",
            many: "zlotys",
            minor: None,
        },
    ),
    (
        "INR",
        Currency {
            symbol: '₹',
            one: "rupee",
            many: "rupees",
            minor: None,
        },
    ),
];

fn currency_of(c: char) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|cur| cur.symbol == c)
}

/// The scale after the amount ending at `end`, and the index past it.
fn scale_at(cx: &Ctx<'_>, end: usize) -> Option<(&'static str, usize)> {
    if let Some(w) = cx.word(end) {
        let found = SCALE_ABBREVS
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(w))
            .map(|&(_, s)| s)
            .or_else(|| {
                SCALE_WORDS
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(w))
                    .copied()
            })?;
        return Some((found, end + 1));
    }
    let w = cx.next_word(end)?;
    if let Some(found) = SCALE_WORDS.iter().find(|s| s.eq_ignore_ascii_case(w)) {
        // "₹1.5 lakh crore", "Rs 10 thousand crore": Indian scales in compound.
        if cx
            .next_word(end + 2)
            .is_some_and(|n| n.eq_ignore_ascii_case("crore"))
        {
            match *found {
                "lakh" => return Some(("lakh crore", end + 4)),
                "thousand" => return Some(("thousand crore", end + 4)),
                _ => {}
            }
        }
        return Some((found, end + 2));
    }
    // "¥30 b", "$5 bn.": a spaced abbreviation ends the phrase.
    let (_, found) = SCALE_ABBREVS.iter().find(|(a, _)| *a == w)?;
    let after = end + 2;
    let ends = match cx.tok(after) {
        None => true,
        Some(t) if t.kind == Kind::Punct => !cx.is_punct(after, '\''),
        // "lost $2 m last year": the longer abbreviations, and "m", also before a
        // lower-case word.
        Some(t) if t.kind == Kind::Space => {
            matches!(w, "m" | "mn" | "mln" | "bn" | "tn")
                && cx
                    .word(after + 1)
                    .is_some_and(|n| n.starts_with(char::is_lowercase))
        }
        _ => false,
    };
    ends.then_some((found, after))
}

fn unit_word(cur: &Currency, singular: bool) -> &'static str {
    if singular {
        cur.one
    } else {
        cur.many
    }
}

/// Spoken amount without a scale word.
/// The amount read with its units. As an adjective ("a $4.50 fee") the unit is
/// singular and the minor unit unsaid: "a four dollar fifty fee".
fn say_amount(lit: &NumLit<'_>, cur: &Currency, adjective: bool) -> String {
    let int_is_one = lit.int_value() == Some(1) || adjective;
    let int_is_zero = lit.int_value() == Some(0);
    let whole = |lit: &NumLit<'_>| {
        let words = if lit.int.is_empty() {
            "zero".to_string()
        } else {
            read_int(&lit.int, true)
        };
        format!("{words} {}", unit_word(cur, int_is_one))
    };
    let Some(frac) = lit.frac else {
        return whole(lit);
    };
    // Cents only when the fraction is at most two significant places.
    let cents = match (cur.minor, frac.len()) {
        (Some(_), 1 | 2) => frac
            .parse::<u32>()
            .ok()
            .map(|c| if frac.len() == 1 { c * 10 } else { c }),
        (Some(_), _) if frac.bytes().skip(2).all(|b| b == b'0') => {
            frac.get(..2).and_then(|f| f.parse::<u32>().ok())
        }
        _ => None,
    };
    match (cents, cur.minor) {
        (Some(0), _) => whole(lit),
        (Some(c), Some(_)) if adjective && !int_is_zero => {
            format!("{} {}", whole(lit), under_100(c))
        }
        (Some(c), Some((one, many))) => {
            let minor = format!(
                "{} {}",
                under_100(c),
                if c == 1 || adjective { one } else { many }
            );
            if int_is_zero {
                minor
            } else {
                format!("{} {minor}", whole(lit))
            }
        }
        _ => format!("{} {}", read_number(lit), cur.many),
    }
}

/// Dollar, pound, euro, yen… amounts written with a currency symbol.
/// Pre-decimal British money in old books and history copy: "£3 10s. 6d." →
/// "… ten shillings and six pence", "2s. 6d." → "two shillings and six pence".
/// A shilling amount ("10s.") needs a pound amount just before it or pence
/// just after; pence alone ("6d.") only follow shillings.
pub(crate) fn match_shillings(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    let amount = |at: usize, letter: &str| -> Option<u32> {
        let d = cx.digits(at)?;
        if d.len() > 2 || cx.word(at + 1) != Some(letter) || !cx.is_punct(at + 2, '.') {
            return None;
        }
        d.parse().ok()
    };
    let shillings = amount(i, "s")?;
    if cx.glued_before(i) {
        return None;
    }
    let pence = cx
        .is_space(i + 3)
        .then(|| amount(i + 4, "d"))
        .flatten()
        .filter(|d| *d < 12);
    let after_pounds = i >= 3
        && cx.is_space(i - 1)
        && cx.digits(i - 2).is_some()
        && (cx.is_punct(i - 3, '£')
            || (i >= 4 && cx.is_punct(i - 3, ',') && cx.digits(i - 4).is_some()));
    if shillings >= 20 || !(after_pounds || pence.is_some()) {
        return None;
    }
    let count = |n: u32, one: &str, many: &str| {
        let word = if n == 1 { one } else { many };
        format!("{} {word}", super::words::cardinal_u64(u64::from(n)))
    };
    let mut spoken = count(shillings, "shilling", "shillings");
    let mut end = i + 3;
    if let Some(d) = pence {
        spoken.push_str(" and ");
        spoken.push_str(&count(d, "penny", "pence"));
        end = i + 7;
    }
    // The last period is the abbreviation's unless the sentence ends there.
    let sentence_ends = cx
        .next_word(end)
        .is_none_or(|n| n.starts_with(char::is_uppercase));
    if sentence_ends {
        end -= 1;
    }
    Some(Match::new(end, spoken, Class::Money))
}

pub(crate) fn match_money(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    // "US$5": the "US" prefix belongs to the amount.
    let (us, sym_at) = match cx.word(i) {
        Some("US") if cx.is_punct(i + 1, '$') && !cx.glued_before(i) => (Some("U S"), i + 1),
        // "C$10", "A$20", "HK$100": the country's dollar.
        Some(w)
            if cx.is_punct(i + 1, '$') && !cx.glued_before(i) && dollar_country(w).is_some() =>
        {
            (dollar_country(w), i + 1)
        }
        // "Rs 500", "Rs. 500": rupees.
        Some("Rs") if !cx.glued_before(i) => {
            let at = if cx.is_punct(i + 1, '.') {
                i + 2
            } else {
                i + 1
            };
            if !cx.is_space(at) {
                return None;
            }
            cx.digits(at + 1)?;
            return amount(cx, i, at, &RUPEES, None);
        }
        Some(w) => {
            // "USD 5", "CHF 100": an ISO code before the amount.
            let (_, cur) = ISO_CODES.iter().find(|(c, _)| *c == w)?;
            if cx.glued_before(i) || !cx.is_space(i + 1) {
                return None;
            }
            cx.digits(i + 2)?;
            return amount(cx, i, i + 1, cur, None);
        }
        None => (None, i),
    };
    let cur = currency_of(cx.punct(sym_at)?)?;
    amount(cx, i, sym_at, cur, us)
}

/// The amount after the currency sign or code at `sym_at`.
fn amount(
    cx: &Ctx<'_>,
    i: usize,
    sym_at: usize,
    cur: &Currency,
    country: Option<&str>,
) -> Option<Match> {
    // "£ 13": a space typed after the sign does not change the amount.
    let at = if cx.is_space(sym_at + 1) && cx.digits(sym_at + 2).is_some() {
        sym_at + 2
    } else {
        sym_at + 1
    };
    let lit = parse_number(cx, at)?;
    // A bare ".50" after the symbol is fine: "$.50" → "fifty cents".
    let mut end = lit.end;
    // "a $5 fee", "an $800 million loan", "the $61 billion aid package": the amount is
    // an adjective, so the unit is singular ("a five dollar fee").
    let after_a = cx.after_article(i);
    let adjective_before = |e: usize| after_a || cx.next_word(e).is_some_and(modified_noun);
    // "$3-4 billion": a range sharing one scale.
    if cx.punct(end).is_some_and(super::is_dash) && cx.digits(end + 1).is_some() {
        if let Some(hi) = parse_number(cx, end + 1) {
            if let Some((scale, e)) = scale_at(cx, hi.end) {
                let adjective = adjective_before(e);
                let spoken = format!(
                    "{} to {} {scale} {}",
                    read_number(&lit),
                    read_number(&hi),
                    unit_word(cur, adjective)
                );
                return Some(Match::new(e, spoken, Class::Money));
            }
        }
    }
    // "$5-10", "$1.50-2.00": a range of amounts in one currency, the sign written
    // once ("five to ten dollars").
    if cx.punct(end).is_some_and(super::is_dash)
        && cx.digits(end + 1).is_some()
        && scale_at(cx, end).is_none()
    {
        if let Some(hi) = parse_number(cx, end + 1) {
            let glued = matches!(cx.kind(hi.end), Some(Kind::Word | Kind::Digits))
                || (matches!(cx.punct(hi.end), Some('%' | '/' | ':' | '-' | '.'))
                    && matches!(cx.kind(hi.end + 1), Some(Kind::Word | Kind::Digits)))
                || cx.is_punct(hi.end, '%');
            if !glued && country.is_none() {
                let adjective = adjective_before(hi.end);
                let high = say_amount(&hi, cur, adjective);
                let low = if lit.frac.is_none() && hi.frac.is_none() {
                    read_number(&lit)
                } else {
                    say_amount(&lit, cur, adjective)
                };
                let spoken = format!("{low} to {high}");
                return Some(Match::new(hi.end, spoken, Class::Money));
            }
        }
    }
    let scale = scale_at(cx, end);
    let adjective = adjective_before(scale.map_or(end, |(_, e)| e));
    let mut spoken = if let Some((scale, e)) = scale {
        end = e;
        let unit = unit_word(cur, adjective);
        format!("{} {scale} {unit}", read_number(&lit))
    } else {
        say_amount(&lit, cur, adjective)
    };
    if let Some(country) = country {
        // "five dollars" → "five U S dollars", "ten Canadian dollars".
        if let Some(pos) = spoken.rfind(cur.many).or_else(|| spoken.rfind(cur.one)) {
            spoken.insert_str(pos, &format!("{country} "));
        }
    }
    if cx.is_punct(end, '/') {
        if let Some(w) = cx.word(end + 1) {
            if let Some(&(_, per)) = PER_UNITS.iter().find(|(a, _)| a.eq_ignore_ascii_case(w)) {
                spoken.push_str(" per ");
                spoken.push_str(per);
                end += 2;
            }
        }
    }
    Some(Match::new(end, spoken, Class::Money))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn edge_cases() {
        assert_eq!(n("$"), "dollar");
        assert_eq!(n("$."), "dollar.");
        assert_eq!(n("$1."), "one dollar.");
        assert_eq!(n("$0.01"), "one cent");
        assert_eq!(n("$.50"), "fifty cents");
        assert_eq!(n("$20.506"), "twenty point five zero six dollars");
        assert_eq!(n("$20.500"), "twenty dollars fifty cents");
        assert_eq!(n("£2.01"), "two pounds one penny");
        assert_eq!(n("¥30B"), "thirty billion yen");
        assert_eq!(n("US$5"), "five U S dollars");
        assert_eq!(n("BUS$5"), "BUS five dollars");
        assert_eq!(n("$3 millionaires"), "three dollars millionaires");
        assert_eq!(n("$20/mo"), "twenty dollars per month");
        assert_eq!(n("$20/xyz"), "twenty dollars slash xyz");
        assert_eq!(n("$3-4 billion"), "three to four billion dollars");
        assert_eq!(n("USD 5 million"), "five million U S dollars");
        assert_eq!(n("CHF 100"), "one hundred Swiss francs");
        assert_eq!(n("¥30 b"), "thirty billion yen");
        // A spaced "m" before a lower-case word is the scale too ("lost $2 m last
        // year"); before a capital or a digit it is left alone.
        assert_eq!(n("$5 m away"), "five million dollars away");
        assert_eq!(n("$5 m Smith"), "five dollars m Smith");
    }
}
