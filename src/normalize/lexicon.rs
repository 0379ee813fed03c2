//! Pronunciation lexicon: names and initialisms the built-in rules (and the voice's own
//! dictionary) read wrongly, respelled for speech.
//!
//! A lexicon is TOML, one `[[entry]]` per word:
//!
//! ```toml
//! [[entry]]
//! word = "Zelensky"          # a word or a phrase of words, matched as whole words
//! spoken = "zeh-LEN-skee"    # what the engine reads instead
//! ipa = "zɛˈlɛnski"          # optional: raw phonemes for engines that take them
//!
//! [[entry]]
//! pattern = "Zelensk*"       # or a glob over one word: * any letters, ? one letter
//! spoken = "zeh-LEN-skee"
//! case_sensitive = true      # optional, see below
//! ```
//!
//! Matching rules:
//! - **Whole words**: a match starts and ends at a word boundary (the character before
//!   and after is not a letter, digit or `-`), so "Kyiv" matches in "Kyiv's" and "(Kyiv)"
//!   but not in "Kyivstar". A phrase entry ("Yuri Ushakov") matches words separated by
//!   any run of whitespace.
//! - **Case**: an entry written all in lower case matches any case ("kyiv" matches
//!   "Kyiv" and "KYIV"); an entry with a capital letter matches exactly as written, and
//!   also in all capitals for headlines ("NATO", "Peskov" → "PESKOV"). `case_sensitive`
//!   overrides: true = exactly as written only, false = any case.
//! - **Precedence**: the longest match wins; among equal lengths, a user lexicon's
//!   entry beats the built-in one, and a `word` entry beats a `pattern`. The lexicon runs
//!   before the normalizer's rules, so its respellings are not re-read as numbers only
//!   if they contain none.
//!
//! The built-in lexicon (voices/lexicon.toml) holds frequent news names and initialisms.
//! The scan is one pass over the words of the text with hash look-ups; glob patterns
//! are tried per word, so the cost is linear in the text for a fixed lexicon.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The lexicon shipped with narrator.
pub const BUILTIN: &str = include_str!("../../voices/lexicon.toml");

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("cannot read lexicon {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid lexicon {path}, line {line}: {reason}")]
    Invalid {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    entry: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    word: Option<toml::Spanned<String>>,
    pattern: Option<toml::Spanned<String>>,
    spoken: Option<String>,
    ipa: Option<String>,
    case_sensitive: Option<bool>,
}

/// One lexicon entry, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The words to match (a phrase is several), or the glob.
    pub matcher: Matcher,
    pub spoken: String,
    pub ipa: Option<String>,
    pub case_sensitive: Option<bool>,
    /// Where it came from: lower is stronger (user lexicons before the built-in one).
    rank: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    Words(Vec<String>),
    Glob(String),
}

/// How to apply a lexicon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Write entries that have `ipa` as `[[ ipa ]]` blocks (for engines whose
    /// phonemizer takes raw phonemes in double brackets, as Piper's does).
    pub ipa: bool,
}

/// A set of entries ready to match.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// First word (as written) → entries, for case-sensitive matching.
    exact: HashMap<String, Vec<usize>>,
    /// First word, lower-cased → entries, for case-insensitive matching.
    folded: HashMap<String, Vec<usize>>,
    globs: Vec<usize>,
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte.min(text.len()))
        .map_or(1, |s| s.bytes().filter(|&b| b == b'\n').count() + 1)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Self::default()
    }

    /// The built-in lexicon (voices/lexicon.toml).
    pub fn builtin() -> Result<Self, LexiconError> {
        let mut l = Self::new();
        l.add_toml(BUILTIN, Path::new("built-in voices/lexicon.toml"))?;
        Ok(l)
    }

    /// Read `path` and add its entries; they beat every entry added before.
    pub fn load(&mut self, path: &Path) -> Result<(), LexiconError> {
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_toml(&text, path)
    }

    /// Add the entries of a lexicon file's text (`path` names it in errors); they beat
    /// every entry added before.
    pub fn add_toml(&mut self, text: &str, path: &Path) -> Result<(), LexiconError> {
        let invalid = |line: usize, reason: String| LexiconError::Invalid {
            path: path.to_path_buf(),
            line,
            reason,
        };
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            invalid(line, e.message().to_string())
        })?;
        // Later files are stronger: shift earlier ranks down.
        for e in &mut self.entries {
            e.rank += 1;
        }
        for raw in file.entry {
            let at = raw
                .word
                .as_ref()
                .or(raw.pattern.as_ref())
                .map_or(1, |s| line_of(text, s.span().start));
            let spoken = raw
                .spoken
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| invalid(at, "entry has no `spoken`".into()))?;
            let matcher = match (raw.word, raw.pattern) {
                (Some(_), Some(_)) => {
                    return Err(invalid(at, "entry has both `word` and `pattern`".into()))
                }
                (None, None) => {
                    return Err(invalid(at, "entry has neither `word` nor `pattern`".into()))
                }
                (Some(w), None) => {
                    let words: Vec<String> =
                        w.get_ref().split_whitespace().map(str::to_string).collect();
                    if words.is_empty() || words.iter().any(|w| !w.chars().all(is_word_char)) {
                        return Err(invalid(
                            at,
                            format!(
                                "`word = {:?}` must be words of letters, digits and -",
                                w.get_ref()
                            ),
                        ));
                    }
                    Matcher::Words(words)
                }
                (None, Some(p)) => {
                    let p = p.into_inner();
                    if p.is_empty()
                        || p.chars().all(|c| c == '*')
                        || !p.chars().all(|c| is_word_char(c) || c == '*' || c == '?')
                    {
                        return Err(invalid(
                            at,
                            format!("`pattern = {p:?}` must be one word with * or ? wildcards"),
                        ));
                    }
                    Matcher::Glob(p)
                }
            };
            self.push(Entry {
                matcher,
                spoken,
                ipa: raw.ipa.filter(|s| !s.trim().is_empty()),
                case_sensitive: raw.case_sensitive,
                rank: 0,
            });
        }
        Ok(())
    }

    fn push(&mut self, e: Entry) {
        let idx = self.entries.len();
        match &e.matcher {
            Matcher::Words(words) => {
                let first = words.first().cloned().unwrap_or_default();
                if e.insensitive() {
                    self.folded
                        .entry(first.to_lowercase())
                        .or_default()
                        .push(idx);
                } else {
                    // Exact, plus the all-caps form for headlines (unless forced).
                    if e.case_sensitive.is_none() {
                        self.exact
                            .entry(first.to_uppercase())
                            .or_default()
                            .push(idx);
                    }
                    let v = self.exact.entry(first).or_default();
                    if !v.contains(&idx) {
                        v.push(idx);
                    }
                }
            }
            Matcher::Glob(_) => self.globs.push(idx),
        }
        self.entries.push(e);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replace every matched word or phrase of `text` by its spoken form (or its
    /// `[[ ipa ]]` block when `opts.ipa` and the entry has one).
    pub fn apply(&self, text: &str, opts: ApplyOptions) -> String {
        if self.entries.is_empty() {
            return text.to_string();
        }
        let words = word_spans(text);
        let mut out = String::with_capacity(text.len() + 16);
        let mut copied = 0;
        let mut i = 0;
        while i < words.len() {
            let Some((n, idx)) = self.best_at(text, &words, i) else {
                i += 1;
                continue;
            };
            let (Some(&(start, _)), Some(&(_, end))) = (words.get(i), words.get(i + n - 1)) else {
                i += 1;
                continue;
            };
            let Some(e) = self.entries.get(idx) else {
                i += 1;
                continue;
            };
            out.push_str(text.get(copied..start).unwrap_or(""));
            let mut end = end;
            match (&e.ipa, opts.ipa) {
                (Some(ipa), true) => {
                    let ipa = ipa.trim();
                    out.push_str("[[ ");
                    out.push_str(ipa);
                    // "Zelensky's": the possessive is said with the name, inside the block.
                    if let Some(n) = possessive_after(text, end) {
                        out.push_str(possessive_ipa(ipa));
                        end += n;
                    }
                    // Clause punctuation right after the word goes inside the block, where
                    // espeak would have put it ("kɪjiw."): Piper reads a block verbatim and
                    // drops punctuation that follows one, which would run the sentence on.
                    let punct = clause_punct_after(text, end);
                    out.push_str(punct);
                    out.push_str(" ]]");
                    end += punct.len();
                }
                _ => out.push_str(&e.spoken),
            }
            copied = end;
            i += n;
        }
        out.push_str(text.get(copied..).unwrap_or(""));
        out
    }

    /// The strongest entry matching at word `i`: (words consumed, entry index).
    fn best_at(&self, text: &str, words: &[(usize, usize)], i: usize) -> Option<(usize, usize)> {
        let &(s, e) = words.get(i)?;
        let w = text.get(s..e)?;
        let mut best: Option<(usize, usize, u8)> = None; // (n words, idx, kind: 0 word 1 glob)
        let mut consider = |n: usize, idx: usize, kind: u8| {
            let Some(rank) = self.entries.get(idx).map(|e| e.rank) else {
                return;
            };
            let better = match best {
                None => true,
                Some((bn, bidx, bkind)) => {
                    let brank = self.entries.get(bidx).map_or(usize::MAX, |e| e.rank);
                    (n, std::cmp::Reverse(kind), std::cmp::Reverse(rank))
                        > (bn, std::cmp::Reverse(bkind), std::cmp::Reverse(brank))
                }
            };
            if better {
                best = Some((n, idx, kind));
            }
        };
        let folded = w.to_lowercase();
        let candidates = self
            .exact
            .get(w)
            .into_iter()
            .flatten()
            .chain(self.folded.get(&folded).into_iter().flatten());
        for &idx in candidates {
            if let Some(Matcher::Words(ws)) = self.entries.get(idx).map(|e| &e.matcher) {
                if let Some(n) = self.phrase_len(text, words, i, ws, idx) {
                    consider(n, idx, 0);
                }
            }
        }
        for &idx in &self.globs {
            if let Some(e) = self.entries.get(idx) {
                if let Matcher::Glob(g) = &e.matcher {
                    let hit = if e.insensitive() {
                        glob(&g.to_lowercase(), &folded)
                    } else {
                        glob(g, w) || (e.case_sensitive.is_none() && glob(&g.to_uppercase(), w))
                    };
                    if hit {
                        consider(1, idx, 1);
                    }
                }
            }
        }
        best.map(|(n, idx, _)| (n, idx))
    }

    /// If the entry's words match the text's words from `i` on (separated by
    /// whitespace only), how many words they cover.
    fn phrase_len(
        &self,
        text: &str,
        words: &[(usize, usize)],
        i: usize,
        ws: &[String],
        idx: usize,
    ) -> Option<usize> {
        let e = self.entries.get(idx)?;
        for (k, want) in ws.iter().enumerate() {
            let &(s, end) = words.get(i + k)?;
            let got = text.get(s..end)?;
            if k > 0 {
                let &(_, prev_end) = words.get(i + k - 1)?;
                let gap = text.get(prev_end..s)?;
                if gap.is_empty() || !gap.chars().all(char::is_whitespace) {
                    return None;
                }
            }
            let ok = if e.insensitive() {
                got.to_lowercase() == want.to_lowercase()
            } else {
                got == want || (e.case_sensitive.is_none() && got == want.to_uppercase())
            };
            if !ok {
                return None;
            }
        }
        Some(ws.len())
    }
}

impl Entry {
    fn insensitive(&self) -> bool {
        match self.case_sensitive {
            Some(cs) => !cs,
            None => {
                let s = match &self.matcher {
                    Matcher::Words(w) => w.concat(),
                    Matcher::Glob(g) => g.clone(),
                };
                !s.chars().any(char::is_uppercase)
            }
        }
    }
}

/// Byte ranges of the words of `text` (maximal runs of letters, digits and inner `-`).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (b, c) in text.char_indices() {
        let wordy = c.is_alphanumeric() || (c == '-' && start.is_some());
        match (wordy, start) {
            (true, None) => start = Some(b),
            (false, Some(s)) => {
                out.push(trim_hyphens(text, s, b));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(trim_hyphens(text, s, text.len()));
    }
    out
}

fn trim_hyphens(text: &str, s: usize, mut e: usize) -> (usize, usize) {
    while e > s && text.as_bytes().get(e - 1) == Some(&b'-') {
        e -= 1;
    }
    (s, e)
}

/// Glob over one word: `*` any run of characters, `?` one character. Iterative with
/// one backtrack point, so linear-ish in the word length.
fn glob(pattern: &str, word: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let w: Vec<char> = word.chars().collect();
    let (mut pi, mut wi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while wi < w.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, wi));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == w.get(wi) => {
                pi += 1;
                wi += 1;
            }
            _ => match star {
                Some((sp, sw)) => {
                    pi = sp + 1;
                    wi = sw + 1;
                    star = Some((sp, sw + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// The length of a possessive "'s" / "’s" at byte `at` of `text` that ends the word.
fn possessive_after(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    let n = ["'s", "’s"].iter().find(|p| rest.starts_with(**p))?.len();
    rest[n..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
        .then_some(n)
}

/// The sound of the possessive after a word ending in `ipa`: "ɪz" after a sibilant,
/// "s" after another voiceless consonant, else "z".
fn possessive_ipa(ipa: &str) -> &'static str {
    let last = ipa
        .chars()
        .rev()
        .find(|c| !matches!(c, 'ˈ' | 'ˌ' | 'ː' | ' '));
    match last {
        Some('s' | 'z' | 'ʃ' | 'ʒ') => "ɪz",
        Some('p' | 't' | 'k' | 'f' | 'θ') => "s",
        _ => "z",
    }
}

/// The run of clause punctuation (". , ! ? ; :") at byte `at` of `text`, if it ends the
/// word: followed by whitespace, a closing quote or bracket, or the end of the text
/// ("Kyiv." yes; "Kyiv.com" no).
fn clause_punct_after(text: &str, at: usize) -> &str {
    let Some(rest) = text.get(at..) else {
        return "";
    };
    let n = rest
        .find(|c: char| !matches!(c, '.' | ',' | '!' | '?' | ';' | ':'))
        .unwrap_or(rest.len());
    let ends_word = rest[n..]
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']'));
    if ends_word {
        &rest[..n]
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(toml: &str) -> Lexicon {
        let mut l = Lexicon::new();
        l.add_toml(toml, Path::new("test.toml"))
            .expect("valid lexicon");
        l
    }

    #[test]
    fn whole_words_and_case_rules() {
        let l = lex(r#"
[[entry]]
word = "Kyiv"
spoken = "keev"
[[entry]]
word = "nato"
spoken = "nay-toe"
[[entry]]
word = "Peskov"
spoken = "pess-KOFF"
case_sensitive = true
"#);
        let a = |s: &str| l.apply(s, ApplyOptions::default());
        assert_eq!(a("In Kyiv's centre (Kyiv)."), "In keev's centre (keev).");
        assert_eq!(
            a("KYIV and kyiv and Kyivstar"),
            "keev and kyiv and Kyivstar"
        );
        assert_eq!(a("NATO, Nato, nato"), "nay-toe, nay-toe, nay-toe");
        assert_eq!(a("Peskov PESKOV"), "pess-KOFF PESKOV");
        assert_eq!(a("pre-Kyiv Kyiv-based"), "pre-Kyiv Kyiv-based");
    }

    #[test]
    fn phrases_globs_and_precedence() {
        let mut l = lex(r#"
[[entry]]
word = "Zelensky"
spoken = "zeh-LEN-skee"
ipa = "zɛˈlɛnski"
[[entry]]
pattern = "Zelensk*"
spoken = "ZELENSK-GLOB"
[[entry]]
word = "Yuri Ushakov"
spoken = "YOO-ree oo-sha-KOFF"
"#);
        let a = |l: &Lexicon, s: &str| l.apply(s, ApplyOptions::default());
        assert_eq!(
            a(&l, "Zelensky and Zelenska"),
            "zeh-LEN-skee and ZELENSK-GLOB"
        );
        assert_eq!(a(&l, "Yuri  Ushakov said"), "YOO-ree oo-sha-KOFF said");
        assert_eq!(a(&l, "Yuri, Ushakov"), "Yuri, Ushakov");
        let ipa = |s: &str| l.apply(s, ApplyOptions { ipa: true });
        assert_eq!(ipa("Zelensky"), "[[ zɛˈlɛnski ]]");
        // Clause punctuation after the word goes into the block (Piper drops it after
        // one); not when the word goes on ("Zelensky.com").
        assert_eq!(ipa("said Zelensky. Then"), "said [[ zɛˈlɛnski. ]] Then");
        assert_eq!(ipa("\"Zelensky?!\" he"), "\"[[ zɛˈlɛnski?! ]]\" he");
        assert_eq!(ipa("Zelensky, who"), "[[ zɛˈlɛnski, ]] who");
        assert_eq!(ipa("Zelensky.com"), "[[ zɛˈlɛnski ]].com");
        // The possessive joins the block, voiced after a vowel.
        assert_eq!(ipa("Zelensky's office"), "[[ zɛˈlɛnskiz ]] office");
        assert_eq!(ipa("met Zelensky’s."), "met [[ zɛˈlɛnskiz. ]]");
        assert_eq!(ipa("Zelensky'sx"), "[[ zɛˈlɛnski ]]'sx");
        assert_eq!(super::possessive_ipa("pʲɪˈskof"), "s");
        assert_eq!(super::possessive_ipa("ˈrʌs"), "ɪz");
        // A later (user) file beats an earlier one.
        l.add_toml(
            "[[entry]]\nword = \"Zelensky\"\nspoken = \"user\"\n",
            Path::new("user.toml"),
        )
        .expect("valid");
        assert_eq!(a(&l, "Zelensky"), "user");
    }

    #[test]
    fn errors_name_file_and_line() {
        let mut l = Lexicon::new();
        let e = l
            .add_toml(
                "[[entry]]\nword = \"a\"\nspoken = \"b\"\n\n[[entry]]\nword = \"Kyiv\"\n",
                Path::new("mine.toml"),
            )
            .expect_err("no spoken");
        let s = e.to_string();
        assert!(
            s.contains("mine.toml") && s.contains("line 6") && s.contains("spoken"),
            "{s}"
        );
        let e = l
            .add_toml(
                "[[entry]]\nword = \"a\"\nspokn = \"b\"\n",
                Path::new("x.toml"),
            )
            .expect_err("unknown key")
            .to_string();
        assert!(e.contains("x.toml") && e.contains("line 3"), "{e}");
        let e = l
            .add_toml(
                "[[entry]]\npattern = \"*\"\nspoken = \"b\"\n",
                Path::new("x.toml"),
            )
            .expect_err("bad glob")
            .to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn builtin_lexicon_loads() {
        let l = Lexicon::builtin().expect("built-in lexicon is valid");
        assert!(l.len() >= 20);
        let out = l.apply(
            "Zelensky met NATO and IAEA officials in Kyiv.",
            ApplyOptions::default(),
        );
        assert!(!out.contains("Zelensky") && !out.contains("IAEA"), "{out}");
    }

    #[test]
    fn globs() {
        assert!(glob("Zelensk*", "Zelensky"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*x*", "aaxbb"));
        assert!(!glob("*x", "aaxb"));
    }
}
