//! The letter "A" said as a letter by the espeak-ng front ends.
//!
//! espeak-ng (C, in Piper's phonemizer, and the pure-Rust port the espeak and
//! in-process Piper engines use) reads a capital "A" standing alone as the
//! article, a schwa: "seven A M" comes out "seven uh em", "the A T M" "the uh
//! tee em", "grade A beef" "grade uh beef". Every other spelled letter is read
//! by its name, and so is "A" at the end of a clause ("Plan A,"). The
//! normalizer's spoken text keeps the letter as written (it is what a reader
//! sees and what the conformance sets expect); the engines that phonemize with
//! espeak-ng get it respelled "eigh", which both front ends read `ˈeɪ` and
//! which has no other reading.
//!
//! A lone "A" is the letter when a spelled letter stands beside it ("A M",
//! "U A", "A T M's"), or when a word comes before it and what follows is not
//! a capitalized word: "grade A beef", "from A to Z", "vitamin A and D", but
//! "wrote A Tale of Two Cities" and "A man" at a sentence's start stay the
//! article. Text inside `[[ … ]]` phoneme blocks is left alone.

use std::borrow::Cow;

/// Names the text preparation of the espeak-ng engines in their cache
/// fingerprints: audio made before it read the letter as a schwa.
pub const TEXT_PREP: &str = "letter-a=eigh";

/// What the letter is respelled as.
const LETTER_A: &str = "eigh";

/// `text` with every lone capital "A" that is the letter respelled [`LETTER_A`].
pub fn respell_letter_a(text: &str) -> Cow<'_, str> {
    if !text.contains('A') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_block = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"[[") {
            in_block = true;
        } else if bytes[i..].starts_with(b"]]") {
            in_block = false;
        }
        if !in_block && bytes[i] == b'A' && is_letter_a(text, i) {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
            o.push_str(&text[copied..i]);
            o.push_str(LETTER_A);
            copied = i + 1;
        }
        i += 1;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// The word before byte `at` and the word after `end`, as space-separated
/// neighbours (None when punctuation other than a comma intervenes).
fn is_letter_a(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let end = at + 1;
    // Standing alone: a space or the text's edge on both sides, or a clause
    // mark after it.
    let before_ok = at == 0 || bytes[at - 1] == b' ';
    let after_ok = end == bytes.len() || matches!(bytes[end], b' ' | b',' | b';' | b':');
    if !before_ok || !after_ok {
        return false;
    }
    let prev = word_before(text, at);
    let next = word_after(text, end);
    let spelled = |w: &str| {
        let w = w.strip_suffix("'s").unwrap_or(w);
        w.len() == 1 && w.bytes().all(|b| b.is_ascii_uppercase())
    };
    if prev.is_some_and(spelled) || next.is_some_and(spelled) {
        return true;
    }
    // After a word in the same clause, before anything but a capitalized word.
    let after_word = prev.is_some_and(|p| {
        p.chars().any(char::is_alphanumeric)
            // An all-capital headline ("MAN BITES A DOG") keeps its article.
            && !(p.len() > 1 && p.chars().all(|c| !c.is_lowercase()))
    });
    after_word && !next.is_some_and(|n| n.starts_with(|c: char| c.is_uppercase()))
}

/// The space-separated word just before byte `at` (which follows a space).
fn word_before(text: &str, at: usize) -> Option<&str> {
    let head = text.get(..at)?.strip_suffix(' ')?;
    let start = head.rfind(' ').map_or(0, |s| s + 1);
    let w = &head[start..];
    // A clause mark ends the word before: "said, A" is fine; "ended. A" is not.
    if w.is_empty() || w.ends_with(['.', '!', '?', ':', ';', '"', '\u{201c}', '(', '\n']) {
        return None;
    }
    Some(w.trim_end_matches(','))
}

/// The space-separated word just after byte `end`.
fn word_after(text: &str, end: usize) -> Option<&str> {
    let tail = text.get(end..)?.strip_prefix(' ')?;
    let stop = tail
        .find([' ', ',', '.', ';', ':', '!', '?'])
        .unwrap_or(tail.len());
    let w = &tail[..stop];
    (!w.is_empty()).then_some(w)
}

#[cfg(test)]
mod tests {
    use super::respell_letter_a;

    #[test]
    fn spelled_and_named_letters_are_respelled() {
        let cases = [
            ("at seven A M Eastern.", "at seven eigh M Eastern."),
            ("the A T M was empty.", "the eigh T M was empty."),
            ("Flight U A one landed.", "Flight U eigh one landed."),
            ("the A P reported", "the eigh P reported"),
            ("two A T M's", "two eigh T M's"),
            ("grade A beef", "grade eigh beef"),
            ("from A to Z", "from eigh to Z"),
            ("vitamin A and D", "vitamin eigh and D"),
            ("Plan A, then B.", "Plan eigh, then B."),
            ("N A S A", "N eigh S eigh"),
        ];
        for (text, want) in cases {
            assert_eq!(respell_letter_a(text), want, "{text}");
        }
    }

    #[test]
    fn the_article_and_other_a_words_are_left() {
        for text in [
            "A man walked in.",
            "He left. A car followed.",
            "He wrote A Tale of Two Cities.",
            "She said \"A new day\" twice.",
            "MAN BITES A DOG",
            "straight A's",
            "the A-list star",
            "AM radio and an ATM",
            "Say [[ A b ]] now",
            "",
        ] {
            assert_eq!(respell_letter_a(text), text, "{text}");
        }
    }

    /// The embedded front end says the respelled letter `ˈeɪ`, and the letter
    /// as written a schwa (the reason for this module).
    #[cfg(feature = "piper")]
    #[test]
    fn the_embedded_front_end_says_the_respelled_letter() {
        let ph = crate::engine::phonemize::Phonemizer::new("en-us").expect("phonemizer");
        let say = |t: &str| -> String {
            ph.phonemize(t)
                .expect("phonemize")
                .iter()
                .map(|s| s.concat())
                .collect()
        };
        let text = "at seven A M.";
        assert!(say(text).contains("ɐ ˈɛm"), "{}", say(text));
        let respelled = say(&respell_letter_a(text));
        assert!(respelled.contains("ˈeɪ ˈɛm"), "{respelled}");
    }
}
