//! Markup left in plain text is passed through untouched, not read aloud: an XML-like
//! tag ("<pitch=-.3>", "</pitch>", "<br/>") or an ARPAbet transcription in square
//! brackets ("[HH AH0 L OW1]"). Both are instructions for a later stage, and reading
//! them ("pitch equals minus point three", "A H zero") is never what the writer meant.

use super::scanner::Kind;
use super::{Class, Ctx, Match};

/// Tags and transcriptions longer than this many tokens are not markup.
const MAX_TOKENS: usize = 48;

/// An XML-like tag at token `i`: `<` (or `</`) glued to a name, up to the next `>` on
/// the same line. Text between `<` and `>` that does not start with a letter ("x < 5 >
/// y", "<5%") is not a tag.
pub(crate) fn match_tag(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if !cx.is_punct(i, '<') {
        return None;
    }
    let name_at = if cx.is_punct(i + 1, '/') {
        i + 2
    } else {
        i + 1
    };
    let name = cx.word(name_at)?;
    if !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut j = name_at + 1;
    while j < i + MAX_TOKENS {
        let tok = cx.tok(j)?;
        match tok.text {
            ">" => return Some(verbatim(cx, i, j + 1)),
            "<" | "\n" | "\r" => return None,
            _ => j += 1,
        }
    }
    None
}

/// An ARPAbet transcription at token `i`: `[`, phones of one to three capital letters
/// each with an optional stress digit 0–2, separated by single spaces, then `]`. At
/// least one phone carries a stress digit, so "[AP]" or "[sic]" stay ordinary text.
pub(crate) fn match_arpabet(cx: &Ctx<'_>, i: usize) -> Option<Match> {
    if !cx.is_punct(i, '[') {
        return None;
    }
    let mut j = i + 1;
    let mut stressed = false;
    let mut phones = 0;
    while j < i + MAX_TOKENS {
        let phone = cx.word(j)?;
        if !(1..=3).contains(&phone.len()) || !phone.chars().all(|c| c.is_ascii_uppercase()) {
            return None;
        }
        phones += 1;
        j += 1;
        if let Some(d) = cx.digits(j) {
            if !matches!(d, "0" | "1" | "2") {
                return None;
            }
            stressed = true;
            j += 1;
        }
        match cx.tok(j) {
            Some(t) if t.text == "]" => {
                return (stressed && phones > 0).then(|| verbatim(cx, i, j + 1));
            }
            Some(t) if t.kind == Kind::Space && t.text == " " => j += 1,
            _ => return None,
        }
    }
    None
}

fn verbatim(cx: &Ctx<'_>, from: usize, to: usize) -> Match {
    let text: String = (from..to)
        .filter_map(|k| cx.tok(k))
        .map(|t| t.text)
        .collect();
    Match::new(to, text, Class::Cardinal)
}

#[cfg(test)]
mod tests {
    use crate::normalize::{normalize, NormalizeOptions};

    fn n(s: &str) -> String {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn tags_pass_through() {
        // Spoken words get a space from the tag, as from any glued neighbour.
        assert_eq!(
            n("<pitch=-.3>123</pitch>"),
            "<pitch=-.3> one hundred twenty-three </pitch>"
        );
        assert_eq!(n("a <br/> b"), "a <br/> b");
        // Not tags: a comparison, an unclosed bracket, a tag broken by a line.
        assert_eq!(n("if x < 5 then"), "if x < five then");
        assert_eq!(n("<5% of 12"), "<five percent of twelve");
        assert_eq!(n("<b 12\n>"), "<b twelve\n>");
    }

    #[test]
    fn arpabet_passes_through() {
        assert_eq!(n("[HH AH0 L OW1]"), "[HH AH0 L OW1]");
        assert_eq!(n("say [YI1] now"), "say [YI1] now");
        // Not a transcription: no stress digit, lowercase, a stress digit over 2.
        assert_eq!(n("[sic]"), "[sic]");
        assert_eq!(n("[sic 12]"), "[sic twelve]");
        assert_eq!(n("[AH5]"), "[A H five]");
    }
}
