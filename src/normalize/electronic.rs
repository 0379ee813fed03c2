//! Electronic addresses: URLs, emails, @handles, #hashtags, domains and file names.
//! "www.kyivindependent.com" → "W W W dot kyivindependent dot com",
//! "press@un.org" → "press at un dot org", "@ZelenskyyUa" → "at ZelenskyyUa",
//! "#StandWithUkraine" → "hashtag StandWithUkraine", "report.pdf" → "report dot P D F".

use super::scanner::Kind;
use super::words::{cardinal_digits, digits_each, is_round_thousands};
use super::{Class, Ctx, Match};

/// Longest address scanned, in tokens; longer runs are left alone (keeps the scan linear).
const MAX_TOKENS: usize = 96;

/// Final labels that make "word.label" a domain or a file name.
const SUFFIXES: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "app", "dev",
    "news", "tv", "fm", "me", "co", "uk", "ua", "ru", "de", "fr", "it", "es", "pl", "eu", "us",
    "ca", "au", "in", "cn", "jp", "sm", "by", "md", "ge", "lt", "lv", "ee", "nl", "be", "ch", "at",
    "se", "no", "fi", "dk", "il", "tr", "pdf", "jpg", "jpeg", "png", "gif", "html", "htm", "txt",
    "doc", "docx", "xls", "xlsx", "csv", "mp3", "mp4", "zip", "exe",
];

/// Words read letter by letter, or said differently, inside an address.
fn address_word(w: &str, last: bool) -> String {
    match w.to_ascii_lowercase().as_str() {
        "www" => "W W W".to_string(),
        "http" => "H T T P".to_string(),
        "https" => "H T T P S".to_string(),
        "ftp" => "F T P".to_string(),
        "jpg" => "jpeg".to_string(),
        "pdf" | "html" | "htm" | "csv" | "txt" | "gif" | "png" => spell(w),
        _ if last && w.len() == 2 && w.chars().all(|c| c.is_ascii_alphabetic()) => spell(w),
        // Capitals are spelled, as the initialism reader would spell them once the
        // address is spoken ("PM", "BBC").
        _ if w.len() >= 2 && w.len() <= 5 && w.chars().all(|c| c.is_ascii_uppercase()) => spell(w),
        _ => w.to_string(),
    }
}

fn spell(w: &str) -> String {
    w.chars()
        .map(|c| c.to_uppercase().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '.' => "dot",
        '/' => "slash",
        ':' => "colon",
        '-' => "dash",
        '_' => "underscore",
        '@' => "at",
        '&' => "ampersand",
        '~' => "tilde",
        '?' => "question mark",
        '=' => "equals",
        '#' => "hash",
        '%' => "percent",
        '+' => "plus",
        _ => return None,
    })
}

/// The non-space run starting at `i`, trailing sentence punctuation excluded.
fn run_end(cx: &Ctx<'_>, i: usize) -> Option<usize> {
    let mut j = i;
    while j < i + MAX_TOKENS {
        match cx.tok(j) {
            None => break,
            Some(t) if t.kind == Kind::Space => break,
            Some(t) if t.kind == Kind::Punct && cx.punct(j).and_then(symbol_word).is_none() => {
                break
            }
            Some(_) => j += 1,
        }
    }
    if j >= i + MAX_TOKENS {
        return None;
    }
    // Strip sentence punctuation the run swallowed ("…/intro.html." , "gmail.com!").
    while j > i
        && cx
            .punct(j - 1)
            .is_some_and(|c| matches!(c, '.' | ':' | '?' | '-'))
    {
        j -= 1;
    }
    Some(j)
}

fn speak(cx: &Ctx<'_>, from: usize, to: usize, domain: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    let last_word = (from..to)
        .rev()
        .find(|&k| cx.word(k).is_some())
        .filter(|_| domain);
    for k in from..to {
        let Some(t) = cx.tok(k) else { break };
        match t.kind {
            Kind::Word => parts.push(address_word(t.text, Some(k) == last_word)),
            // "rtx-6000": a round number is said as one; other digits one by one.
            Kind::Digits if is_round_thousands(t.text) => {
                parts.push(cardinal_digits(t.text).unwrap_or_else(|| digits_each(t.text)))
            }
            Kind::Digits => parts.push(digits_each(t.text)),
            _ => {
                if let Some(w) = t.text.chars().next().and_then(symbol_word) {
                    parts.push(w.to_string());
                }
            }
        }
    }
    parts.join(" ")
}

fn is_domain_tail(cx: &Ctx<'_>, i: usize, end: usize, lenient: bool) -> bool {
    // Any '.' label before the first '/' that is a known suffix. Any, not only the last:
    // digits glued inside the run ("x.sm00e.s") must not change the verdict once they
    // are spoken, or normalizing twice would differ.
    let ok = |w: &str| {
        SUFFIXES.contains(&w)
            || (lenient && w.len() == 3 && w.chars().all(|c| c.is_ascii_lowercase()))
    };
    let mut k = i;
    while k < end {
        if cx.is_punct(k, '/') {
            break;
        }
        if cx.is_punct(k, '.') && cx.word(k + 1).is_some_and(ok) {
            return true;
        }
        k += 1;
    }
    false
}

pub(crate) fn starts_spoken_number(w: &str) -> bool {
    // Number words come from the tables that write them (words.rs); the rest are
    // words the other classes put next to a spoken number.
    const WORDS: &[&str] = &[
        "hundred", "minus", "plus", "point", "number", "oh", "percent", "cent", "cents", "dollar",
        "dollars", "euro", "euros", "pound", "pounds", "pence", "penny", "yen", "won", "rupee",
        "rupees", "hryvnia", "hryvnias", "ruble", "rubles", "degree", "degrees", "times", "first",
        "second", "third", "fifth", "eighth", "ninth", "twelfth", "half", "halves", "quarter",
        "quarters", "hashtag", "the", "a", "an", "at", "dot", "seconds", "minutes", "hours",
    ];
    let lower = w.to_lowercase();
    let l = lower.as_str();
    // Scales thousand … trillion, as the list held before it used the tables.
    super::words::ONES.contains(&l)
        || super::words::TENS[2..].contains(&l)
        || super::words::SCALES[1..5].contains(&l)
        || WORDS.contains(&l)
        || l.ends_with("th")
        || l.ends_with("ieth")
}

/// URLs, emails, handles, hashtags, domains and file names at token `i`.
pub(crate) fn match_electronic(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    // Glued to a word: part of something else. Glued to digits is fine: the number is
    // spoken and gets a space, so the address must read the same on both passes.
    if i.checked_sub(1).is_some_and(|p| cx.word(p).is_some()) {
        return None;
    }
    // "the .NET framework": Microsoft's platform is "dot net".
    if cx.is_punct(i, '.')
        && cx.word(i + 1) == Some("NET")
        && i.checked_sub(1).is_none_or(|p| cx.is_space(p))
        && !matches!(cx.kind(i + 2), Some(Kind::Word | Kind::Digits))
    {
        return Some(Match::new(i + 2, "dot net".to_string(), Class::Cardinal));
    }
    // A stray period typed before an email (" .b@gmail.com") is no part of it.
    let mut stray_dot = false;
    if let Some(p) = i.checked_sub(1) {
        if matches!(cx.punct(p), Some('.' | '/' | '-' | '_')) {
            stray_dot = cx.is_punct(p, '.') && p.checked_sub(1).is_none_or(|q| cx.is_space(q));
            if !stray_dot {
                return None;
            }
        }
    }
    let tok = cx.tok(i)?;
    // "@handle", "#hashtag".
    if tok.kind == Kind::Punct {
        if stray_dot {
            return None;
        }
        let w = cx.word(i + 1)?;
        // A number we spoke ("#¥12" → "#twelve yen") is not a tag; keeps output stable.
        // Nor is a word closed by another sign ("#mytext#", "@home@").
        if starts_spoken_number(w) || cx.is_punct(i + 2, tok.text.chars().next().unwrap_or(' ')) {
            return None;
        }
        let lead = match tok.text {
            "@" => "at",
            "#" => "hashtag",
            _ => return None,
        };
        // Only the sign is read here; the handle or tag itself is normalized like any
        // other words, so a second pass reads it the same way.
        // "follow us at @KyivIndependent", "the hashtag #MeToo": the word is already there.
        let said = cx
            .prev_word(i)
            .is_some_and(|p| p.eq_ignore_ascii_case(lead));
        let spoken = if said {
            String::new()
        } else {
            lead.to_string()
        };
        let end = i + 1;
        return Some(Match::new(end, spoken, Class::Cardinal));
    }
    let first = cx.word(i)?;
    let end = run_end(cx, i)?;
    if end <= i + 2 {
        return None;
    }
    let scheme = matches!(
        first.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp" | "file"
    ) && cx.is_punct(i + 1, ':')
        && cx.is_punct(i + 2, '/');
    let www = first.eq_ignore_ascii_case("www") && cx.is_punct(i + 1, '.');
    let at = (i..end).find(|&k| cx.is_punct(k, '@'));
    let email = at.is_some_and(|a| a > i && is_domain_tail(cx, a + 1, end, true));
    // "test.com", "test2.uk": a first label of two or more letters (digits may follow).
    let dot_at = if cx.digits(i + 1).is_some() {
        i + 2
    } else {
        i + 1
    };
    let labels_ok =
        first.chars().count() >= 2 && cx.is_punct(dot_at, '.') && !starts_spoken_number(first);
    let domain = labels_ok && is_domain_tail(cx, i, end, false);
    // "test.abc": two lowercase labels, the second of three letters, is a domain even
    // with an unknown suffix (checked on the first labels only, so digits glued after
    // them do not change the verdict between passes).
    let lower = |w: &str| w.chars().all(|c| c.is_ascii_lowercase());
    let generic = labels_ok
        && dot_at == i + 1
        && lower(first)
        && cx
            .word(i + 2)
            .is_some_and(|w| w.len() == 3 && lower(w) && !starts_spoken_number(w));
    if stray_dot && !email {
        return None;
    }
    if !(scheme || www || email || domain || generic) {
        return None;
    }
    Some(Match::new(end, speak(cx, i, end, true), Class::Cardinal))
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn addresses() {
        assert_eq!(n("abc@abc.com"), "abc at abc dot com");
        assert_eq!(
            n("Visit www.kyivindependent.com."),
            "Visit W W W dot kyivindependent dot com."
        );
        assert_eq!(n("@ZelenskyyUa said"), "at ZelenskyyUa said");
        assert_eq!(n("#StandWithUkraine"), "hashtag StandWithUkraine");
        assert_eq!(n("test .b@gmail.com"), "test .b at gmail dot com");
        assert_eq!(n("x .b.com"), "x .b.com");
        assert_eq!(n("the U.S. and e.g. a.m."), "the U S and for example a.m.");
        assert_eq!(n("end.Start"), "end.Start");
        assert_eq!(n("test.abc"), "test dot abc");
        assert_eq!(n("Oct.one"), "Oct.one");
        assert_eq!(n("#1"), "number one");
        assert_eq!(n("http://"), "H T T P colon slash slash");
    }
}
