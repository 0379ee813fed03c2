//! Text → Piper phonemes with the embedded espeak-ng port, mirroring what Piper's
//! own `phonemize_espeak.py` feeds its models:
//!
//! * espeak IPA per clause, `(lang)` switch flags stripped;
//! * the clause terminator appended (`.` `?` `!` `,` `:` `;`), plus a space after
//!   the non-final ones (`,` `:` `;`);
//! * a sentence ends at `.` `?` `!`;
//! * the phonemes of a sentence are its NFD-decomposed codepoints, with the voice's
//!   `vowel_clusters` (if any) merged back into single phonemes.
//!
//! `[[ ipa ]]` blocks in the text are raw IPA, passed through as Piper's
//! `PiperVoice.phonemize` passes them (see [`Phonemizer::phonemize`]).
//!
//! [`phoneme_ids`] then maps phonemes to model ids with Piper's BOS/PAD/EOS
//! interleaving.
//!
//! Piper voices were trained on C espeak-ng's output, so where the pure-Rust port
//! differs from it we correct the port's phoneme codes before rendering IPA:
//! multi-word dictionary entries ("in the" → `ɪnðə`), the palatal glide `ʲ`, linking
//! r rules, reduced con-/com-/ob- prefixes and a short table of words the port's
//! rules get wrong (`WORD_FIXES`). `benches/phoneme_agreement.sh` measures the
//! word-level agreement with Piper (≈ 99 % on news text).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use espeak_ng::dictionary::flags::{DictFlags1, DictFlags2};
use espeak_ng::dictionary::lookup::hash_word;
use espeak_ng::dictionary::transpose::transpose_alphabet;
use espeak_ng::dictionary::Dictionary;
use espeak_ng::translate::{
    dict_path, phoneme_ipa, resolve_dict_stem, select_phoneme_table, CodeMarker, Translator,
};
use espeak_ng::{PhonemeCode, PhonemeData};

use super::EngineError;

/// Beginning-of-sentence phoneme.
pub const BOS: &str = "^";
/// End-of-sentence phoneme.
pub const EOS: &str = "$";
/// Padding phoneme, interleaved after every phoneme.
pub const PAD: &str = "_";

/// One clause as espeak reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// IPA of the clause, words separated by single spaces, `(lang)` flags removed.
    pub ipa: String,
    /// The punctuation that ended the clause, if any.
    pub terminator: Option<char>,
}

impl Clause {
    /// Whether this clause ends a sentence (espeak `CLAUSE_TYPE_SENTENCE`).
    pub fn ends_sentence(&self) -> bool {
        matches!(self.terminator, Some('.' | '?' | '!'))
    }
}

/// Phonemes of one sentence, one string per model symbol (usually one codepoint).
pub type SentencePhonemes = Vec<String>;

/// espeak-ng phonemizer for one voice (e.g. `en-us`), loaded once and shared.
pub struct Phonemizer {
    voice: String,
    translator: Translator,
    phdata: PhonemeData,
    data_dir: PathBuf,
    vowel_clusters: Vec<Vec<String>>,
    /// Phoneme codes of the glides espeak appends before a following vowel: the
    /// palatal `;` (IPA `ʲ`, "the apple" → `ðɪʲ ˈæpəl`) and the linking `r-`.
    glide: Option<u8>,
    linking_r: Option<u8>,
    /// `U@`, which C follows with a printed linking `r-` inside a word.
    u_r: Option<u8>,
    /// Phoneme codes for [`Self::reduce_initial_open_o`].
    reduction: Option<Reduction>,
    /// The voice's dictionary, for the multi-word entries the port skips.
    dict: Option<Dictionary>,
}

impl std::fmt::Debug for Phonemizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phonemizer")
            .field("voice", &self.voice)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl Phonemizer {
    /// Phonemizer for an espeak voice using the bundled espeak-ng data.
    pub fn new(voice: &str) -> Result<Self, EngineError> {
        let dir = super::espeak::data_dir()?;
        Self::with_data_dir(voice, &dir)
    }

    /// Phonemizer for an espeak voice with an explicit espeak-ng data directory.
    pub fn with_data_dir(voice: &str, data_dir: &Path) -> Result<Self, EngineError> {
        let invalid =
            |e: espeak_ng::Error| EngineError::InvalidVoice(format!("espeak voice '{voice}': {e}"));
        let translator = Translator::new(voice, Some(data_dir)).map_err(invalid)?;
        let mut phdata = PhonemeData::load(data_dir).map_err(invalid)?;
        select_phoneme_table(&mut phdata, data_dir, &translator.options.lang).map_err(invalid)?;
        // Without the dictionary we only lose the multi-word entries; the
        // translator reports a missing dictionary itself below.
        let dict = resolve_dict_stem(data_dir, &translator.options.lang).and_then(|stem| {
            let bytes = std::fs::read(dict_path(data_dir, &stem)?).ok()?;
            Dictionary::from_bytes(&stem, bytes).ok()
        });
        let glide = find_phoneme(&phdata, ";");
        let linking_r = find_phoneme(&phdata, "r-");
        let u_r = find_phoneme(&phdata, "U@");
        let reduction = Reduction::new(&phdata);
        let this = Self {
            voice: voice.to_string(),
            translator,
            phdata,
            data_dir: data_dir.to_path_buf(),
            vowel_clusters: Vec::new(),
            glide,
            linking_r,
            u_r,
            reduction,
            dict,
        };
        // Fail at load time, not at the first segment, if the dictionary is missing.
        this.clauses("test")
            .map_err(|e| EngineError::InvalidVoice(e.to_string()))?;
        Ok(this)
    }

    /// Merge these vowel clusters (e.g. `["a", "ɪ"]` → `"aɪ"`) into single phonemes,
    /// as Piper does for voices whose config lists `vowel_clusters`.
    pub fn with_vowel_clusters(mut self, clusters: Vec<Vec<String>>) -> Self {
        self.vowel_clusters = clusters.into_iter().filter(|c| c.len() > 1).collect();
        self
    }

    /// The espeak voice this phonemizer speaks.
    pub fn voice(&self) -> &str {
        &self.voice
    }

    /// Split text into espeak clauses with their IPA and terminators. No `[[ ]]`
    /// handling here: espeak reads `[[…]]` as its own phoneme mnemonics.
    pub fn clauses(&self, text: &str) -> Result<Vec<Clause>, EngineError> {
        // The port is young: a panic inside it on odd input must not take a
        // synthesis worker down with it.
        let (ipa, terminators) =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.clause_ipa(text)))
                .map_err(|_| {
                    EngineError::Synthesis(format!(
                        "espeak phonemization panicked on text starting {:?}",
                        text.chars().take(60).collect::<String>()
                    ))
                })??;
        let mut clauses = Vec::new();
        for (i, line) in ipa.split('\n').enumerate() {
            let terminator = terminators
                .get(i)
                .copied()
                .filter(|c| ".,!?;:".contains(*c));
            let mut line = line.trim();
            if let Some(t) = terminator {
                line = line.strip_suffix(t).unwrap_or(line).trim_end();
            }
            let ipa = strip_lang_flags(line);
            if ipa.is_empty() && terminator.is_none() {
                continue;
            }
            clauses.push(Clause { ipa, terminator });
        }
        Ok(clauses)
    }

    /// The port's IPA (one line per clause) and the clauses' terminators.
    fn clause_ipa(&self, text: &str) -> Result<(String, Vec<char>), EngineError> {
        let text = self.merge_multi_words(text);
        let mut codes = self
            .translator
            .translate_to_codes(&text)
            .map_err(|e| EngineError::Synthesis(format!("espeak phonemization failed: {e}")))?;
        // Every clause boundary that carries its punctuation becomes one line break
        // in the IPA, so the n-th such boundary is the terminator of the n-th line.
        let terminators: Vec<char> = codes
            .iter()
            .filter(|c| is_clause_boundary(c))
            .filter_map(|c| c.clause_char)
            .collect();
        self.reduce_initial_open_o(&mut codes);
        self.fix_glides(&mut codes);
        // `preserve_punctuation` echoes `Punctuation` markers and each clause's
        // terminator; the only markers left are the `ʲ` ones `fix_glides` added.
        let ipa = phoneme_ipa::codes_to_ipa(
            &codes,
            &self.phdata,
            &self.data_dir,
            &self.translator.options.lang,
            true,
        );
        Ok((ipa, terminators))
    }

    /// Apply the dictionary's multi-word entries, which the port does not (its
    /// lookup fails every entry that spans words): C espeak-ng reads "in the",
    /// "for the", "had been", "far more" … as one word with the entry's phonemes
    /// (`ɪnðə`, `fɚðə`, `hɐdbɪn`, `fˈɑːɹmˌɔːɹ`). Each match is replaced by the
    /// entry's phonemes as inline `[[…]]` input, which the port reads as one word.
    fn merge_multi_words<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let Some(dict) = &self.dict else {
            return text.into();
        };
        // `phonemize` splits raw-IPA blocks off before espeak sees the text; a
        // `[[` still here is unclosed, and espeak reads what follows it as
        // mnemonics that our `[[…]]` must not be spliced into.
        if text.contains("[[") {
            return text.into();
        }
        let words = plain_words(text);
        let mut out = String::with_capacity(text.len() + 16);
        let mut copied = 0;
        let mut i = 0;
        while i < words.len() {
            let (start, end) = words[i];
            // Following words must be plain words separated by whitespace only.
            let mut following = Vec::new();
            let mut prev_end = end;
            for &(s, e) in &words[i + 1..] {
                if following.len() == 4 || !text[prev_end..s].chars().all(char::is_whitespace) {
                    break;
                }
                following.push(text[s..e].to_ascii_lowercase());
                prev_end = e;
            }
            let first = text[start..end].to_ascii_lowercase();
            let known_fix = || {
                WORD_FIXES
                    .iter()
                    .find(|(word, _)| *word == first)
                    .map(|(_, phonemes)| (0, phonemes.replace(' ', "\u{7f}")))
            };
            match (!following.is_empty())
                .then(|| self.multi_word_entry(dict, &first, &following))
                .flatten()
                .or_else(known_fix)
            {
                Some((extra, phonemes)) => {
                    let last_end = words[i + extra].1;
                    out.push_str(&text[copied..start]);
                    out.push_str("[[");
                    out.push_str(&phonemes);
                    out.push_str("]]");
                    copied = last_end;
                    i += extra + 1;
                }
                None => i += 1,
            }
        }
        if copied == 0 {
            return text.into();
        }
        out.push_str(&text[copied..]);
        out.into()
    }

    /// The first multi-word dictionary entry for `first` whose following words
    /// match and whose conditions hold: (number of following words it covers,
    /// its phonemes as inline mnemonics). Mirrors C `LookupDict2`.
    fn multi_word_entry(
        &self,
        dict: &Dictionary,
        first: &str,
        following: &[String],
    ) -> Option<(usize, String)> {
        let key = transpose_alphabet(first, &dict.transpose);
        let mut hash_input = key.bytes.clone();
        if let Some(rest) = first.as_bytes().get(key.bytes.len()..) {
            hash_input.extend_from_slice(rest);
        }
        let data = &dict.data;
        let mut pos = *dict.hashtab.get(hash_word(&hash_input))?;
        let word_len = usize::from(key.wlen & 0x3f);
        loop {
            let entry_len = usize::from(*data.get(pos)?);
            if entry_len == 0 {
                return None;
            }
            let entry = data.get(pos..pos + entry_len)?;
            pos += entry_len;
            let info = *entry.get(1)?;
            if info & 0x7f != key.wlen || entry.get(2..2 + word_len)? != key.bytes.as_slice() {
                continue;
            }
            let mut p = 2 + word_len;
            let mut phonemes: &[u8] = &[];
            if info & 0x80 == 0 {
                let len = entry.get(p..)?.iter().position(|&b| b == 0)?;
                phonemes = &entry[p..p + len];
                p += len + 1;
            }
            let mut flags1 = 0u32;
            let mut flags2 = 0u32;
            let mut skip = 0usize;
            let mut tail: &[u8] = &[];
            let mut usable = true;
            while let Some(&flag) = entry.get(p) {
                p += 1;
                match flag {
                    132.. => {
                        usable &= self.translator.options.dict_condition & (1 << (flag - 132)) == 0
                    }
                    100..=131 => {
                        usable &= self.translator.options.dict_condition & (1 << (flag - 100)) != 0
                    }
                    81..=99 => {
                        skip = usize::from(flag - 80);
                        tail = &entry[p..];
                        break;
                    }
                    // Stress placement flags: would need the port's word stress.
                    65..=80 => usable = false,
                    32..=64 => flags2 |= 1u32.checked_shl(u32::from(flag - 32)).unwrap_or(0),
                    _ => flags1 |= 1u32 << flag,
                }
            }
            let conditional = DictFlags2::VERB
                | DictFlags2::NOUN
                | DictFlags2::PAST
                | DictFlags2::CAPITAL
                | DictFlags2::ALLCAPS
                | DictFlags2::ATEND
                | DictFlags2::ATSTART
                | DictFlags2::SENTENCE
                | DictFlags2::STEM;
            if skip == 0
                || !usable
                || phonemes.is_empty()
                || flags2 & conditional != 0
                || flags1 & DictFlags1::NEEDS_DOT != 0
                || skip > following.len()
            {
                continue;
            }
            let wanted: String = following[..skip].iter().map(|w| format!("{w} ")).collect();
            if tail != wanted.as_bytes() {
                continue;
            }
            return self.mnemonics(phonemes).map(|m| (skip, m));
        }
    }

    /// Phoneme codes → `[[…]]` mnemonics. Mnemonics are separated by DEL, which
    /// the port's inline parser skips, so `t` `S` cannot be re-read as `tS`.
    fn mnemonics(&self, codes: &[u8]) -> Option<String> {
        // An entry without any stress mark gets its stress from C's word-stress
        // pass, which the inline path skips: English puts the primary stress on
        // the first vowel that can take one ("many of" → `mˈɛnɪʲəv`), and none
        // when all are reduced ("for the" → `fɚðə`).
        let phoneme = |c: u8| self.phdata.get(c);
        let has_stress_mark = codes
            .iter()
            .any(|&c| phoneme(c).is_some_and(|p| p.typ == 1));
        let stress_at = if has_stress_mark {
            None
        } else {
            codes.iter().position(|&c| {
                phoneme(c).is_some_and(|p| {
                    p.typ == 2 && p.phflags & espeak_ng::phoneme::PH_UNSTRESSED == 0
                })
            })
        };
        let primary = self.reduction.as_ref().map(|r| r.primary);
        // C prints a stress mark right before its vowel, whatever its place in
        // the entry ("than an" `,Dan@n` → `ðˌænən`), so hold marks until the vowel.
        let mut with_stress = Vec::with_capacity(codes.len() + 1);
        let mut pending = Vec::new();
        for (i, &code) in codes.iter().enumerate() {
            let typ = phoneme(code).map(|p| p.typ);
            if typ == Some(1) {
                pending.push(code);
                continue;
            }
            if Some(i) == stress_at {
                with_stress.extend(primary);
            }
            if typ == Some(2) {
                with_stress.append(&mut pending);
            }
            with_stress.push(code);
        }
        with_stress.append(&mut pending);
        let mut out = String::new();
        for &code in &with_stress {
            let ph = self.phdata.get(code)?;
            let bytes = ph.mnemonic.to_le_bytes();
            let len = bytes.iter().position(|&b| b == 0).unwrap_or(4);
            let m = std::str::from_utf8(&bytes[..len]).ok()?;
            if m.is_empty() || m.contains(['[', ']']) || m.chars().any(char::is_whitespace) {
                return None;
            }
            if !out.is_empty() {
                out.push('\u{7f}');
            }
            // An in-entry word break (`||`) is a space in inline input.
            out.push_str(if code == 15 { " " } else { m });
        }
        Some(out)
    }

    /// Reduce an unstressed word-initial `0` (`ɑː` in en-us) before the word's
    /// primary stress to `@` (`ə`), as C espeak-ng's stress pass does by marking
    /// that syllable *diminished*; the port leaves it merely *unstressed*, so
    /// "compared", "condition", "observe" came out `kɑːmpˈɛɹd`, `kɑːndˈɪʃən`,
    /// `ɑːbzˈɜːv` instead of `kəmpˈɛɹd`, `kəndˈɪʃən`, `əbzˈɜːv`.
    fn reduce_initial_open_o(&self, codes: &mut [PhonemeCode]) {
        let Some(r) = &self.reduction else { return };
        let mut word_start = 0;
        for i in 0..=codes.len() {
            let at_end = i == codes.len() || codes[i].is_boundary || codes[i].code == 15;
            if !at_end {
                continue;
            }
            let word = &mut codes[word_start..i];
            word_start = i + 1;
            // The prefixes C reduces: (k)0 + m/n/N/b, the next vowel taking the
            // primary stress. Dictionary words like "October" (`ɑːktˈoʊbɚ`) and
            // words stressed later ("conversation", `kɑːnvɚsˈeɪʃən`) keep `ɑː`.
            let sounds: Vec<usize> = (0..word.len())
                .filter(|&k| !word[k].is_boundary && word[k].marker.is_none())
                .collect();
            let at = |n: usize| sounds.get(n).map(|&k| word[k].code);
            let first = if at(0) == Some(r.k) { 1 } else { 0 };
            if at(first) != Some(r.open_o) || !at(first + 1).is_some_and(|c| r.closers.contains(&c))
            {
                continue;
            }
            let next_vowel = sounds[first + 2..]
                .iter()
                .position(|&k| self.phdata.get(word[k].code).is_some_and(|p| p.typ == 2));
            let stress_before_next = next_vowel
                .and_then(|n| sounds[first + 2..first + 2 + n].last().copied())
                .is_some_and(|k| word[k].code == r.primary);
            if stress_before_next {
                word[sounds[first]].code = r.schwa;
            }
        }
    }

    /// Bring the port's code list in line with C espeak-ng's IPA output:
    ///
    /// * the palatal glide `;` that `IfNextVowelAppend(;)` adds after `i`/`ɪ`
    ///   before a vowel is printed as `ʲ` (the port renders it as nothing);
    /// * a glide or linking `r-` appended at the end of a clause is dropped (the
    ///   port looks across clause boundaries for the next vowel; C does not:
    ///   "for longer. Analysts" is `lˈɔŋɡɚ`, not `lˈɔŋɡɚɹ`);
    /// * input punctuation markers are removed, so only our `ʲ` markers print.
    fn fix_glides(&self, codes: &mut Vec<PhonemeCode>) {
        codes.retain(|c| !matches!(c.marker, Some(CodeMarker::Punctuation(_))));
        let is_glide = |code: u8| Some(code) == self.glide || Some(code) == self.linking_r;
        let mut out = Vec::with_capacity(codes.len() + 8);
        for (i, c) in codes.iter().enumerate() {
            if !c.is_boundary && c.marker.is_none() && is_glide(c.code) {
                let next = codes[i + 1..]
                    .iter()
                    .find(|n| is_clause_boundary(n) || is_sound(n));
                if next.is_none_or(is_clause_boundary) {
                    continue;
                }
                out.push(c.clone());
                let marker = |ch: char| PhonemeCode {
                    code: 0,
                    is_boundary: false,
                    clause_char: None,
                    marker: Some(CodeMarker::Punctuation(ch)),
                };
                if Some(c.code) == self.glide {
                    out.push(marker('\u{2b2}'));
                } else {
                    // `U@` (`ʊɹ`) + linking `r-` inside a word: C prints the `r-`
                    // as `ɹ` ("during" → `dˈʊɹɹɪŋ`), the port as nothing.
                    let after_u_r = i > 0 && Some(codes[i - 1].code) == self.u_r;
                    let same_word = next.is_some_and(|n| !n.is_boundary)
                        && !codes[i + 1..]
                            .iter()
                            .take_while(|n| !is_sound(n))
                            .any(|n| n.is_boundary || n.code == 15);
                    if after_u_r && same_word {
                        out.push(marker('\u{279}'));
                    }
                }
                continue;
            }
            out.push(c.clone());
        }
        *codes = out;
    }

    /// Text → Piper phonemes grouped by sentence (Piper's `PiperVoice.phonemize`).
    ///
    /// `[[ ipa ]]` blocks are raw phonemes, as in Piper 1.8: the text between
    /// blocks is phonemized piece by piece, and a block's characters (trimmed,
    /// taken as they are: not decomposed, not merged into vowel clusters) go onto
    /// the end of the last sentence so far, with a space before it if the text
    /// before ends in one and after it if the text after starts with one. The first
    /// sentence of the text after a block continues that sentence, so a block never
    /// starts a new one: "Hi. [[ a ]] there." is one sentence, and "[[ a ]]. Next"
    /// loses the `.` (espeak reads an empty clause there). Characters the voice does not
    /// know are dropped later by [`phoneme_ids`], as Piper drops them.
    pub fn phonemize(&self, text: &str) -> Result<Vec<SentencePhonemes>, EngineError> {
        let (texts, blocks) = split_phoneme_blocks(text);
        if blocks.is_empty() {
            return self.phonemize_text(text, Tail::Trimmed);
        }
        let first_text = texts.first().copied().unwrap_or_default();
        let mut sentences = self.phonemize_text(first_text, Tail::AsPiper)?;
        for (k, block) in blocks.iter().enumerate() {
            let before = texts.get(k).copied().unwrap_or_default();
            let after = texts.get(k + 1).copied().unwrap_or_default();
            let mut current = sentences.pop().unwrap_or_default();
            if before.ends_with(' ') {
                current.push(" ".into());
            }
            current.extend(block.chars().map(String::from));
            if after.starts_with(' ') {
                current.push(" ".into());
            }
            let mut following = self.phonemize_text(after, Tail::AsPiper)?.into_iter();
            if let Some(continued) = following.next() {
                current.extend(continued);
            }
            sentences.push(current);
            sentences.extend(following);
        }
        // Piper skips empty sentences when it synthesizes.
        sentences.retain(|s| !s.is_empty());
        Ok(sentences)
    }

    /// Text without phoneme blocks → phonemes grouped by sentence.
    fn phonemize_text(&self, text: &str, tail: Tail) -> Result<Vec<SentencePhonemes>, EngineError> {
        let mut sentences = Vec::new();
        let mut current = String::new();
        // The last clause had no punctuation, so `current` ends in our own space.
        let mut unterminated = false;
        for clause in self.clauses(text)? {
            // A clause with no words ("a.m.," leaves an empty one before the
            // comma) adds nothing; C espeak-ng reports none there. It still ends
            // the sentence it closes.
            if clause.ipa.is_empty() {
                if clause.ends_sentence() && !current.trim().is_empty() {
                    sentences.push(self.to_phonemes(current.trim_end()));
                    current.clear();
                }
                continue;
            }
            current.push_str(&clause.ipa);
            unterminated = clause.terminator.is_none();
            match clause.terminator {
                Some(t) => {
                    current.push(t);
                    if matches!(t, ',' | ':' | ';') {
                        current.push(' ');
                    }
                }
                // A clause broken without punctuation (espeak's long-clause split):
                // keep its last word apart from the next clause's first.
                None => current.push(' '),
            }
            if clause.ends_sentence() {
                sentences.push(self.to_phonemes(&current));
                current.clear();
            }
        }
        let last = match tail {
            Tail::Trimmed => current.trim_end(),
            Tail::AsPiper if unterminated => current.strip_suffix(' ').unwrap_or(&current),
            Tail::AsPiper => &current,
        };
        if !last.trim().is_empty() {
            sentences.push(self.to_phonemes(last));
        }
        sentences.retain(|s| !s.is_empty());
        Ok(sentences)
    }

    fn to_phonemes(&self, ipa: &str) -> SentencePhonemes {
        let nfd = icu_normalizer::DecomposingNormalizerBorrowed::new_nfd().normalize(ipa);
        let phonemes: Vec<String> = nfd.chars().map(String::from).collect();
        merge_vowel_clusters(phonemes, &self.vowel_clusters)
    }
}

/// How [`Phonemizer::phonemize_text`] ends text that stops after a `,` `:` or `;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// Without the space that follows the punctuation (whole segments).
    Trimmed,
    /// With it, as Piper phonemizes the text before a phoneme block
    /// ("Well, [[ a ]]" → `wˈɛl,  a`).
    AsPiper,
}

/// Split `text` around raw-phoneme blocks as Piper's
/// `re.split(r"(\[\[.*?\]\])", text)` does: a block is `[[`, the fewest characters
/// other than a line feed, then `]]`. Returns the texts around the blocks (one
/// more than the blocks; empty between adjacent blocks) and each block's content
/// with surrounding whitespace stripped (Python's `str.strip`).
fn split_phoneme_blocks(text: &str) -> (Vec<&str>, Vec<&str>) {
    let mut texts = Vec::new();
    let mut blocks = Vec::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|rest| rest.find("[[")) {
        let open = from + open;
        let inner = open + 2;
        let line_end = text[inner..].find('\n').map_or(text.len(), |i| inner + i);
        match text[inner..line_end].find("]]") {
            Some(len) => {
                texts.push(&text[copied..open]);
                blocks.push(text[inner..inner + len].trim_matches(is_python_space));
                copied = inner + len + 2;
                from = copied;
            }
            // No block can start later on this line either.
            None => from = line_end,
        }
    }
    texts.push(&text[copied..]);
    (texts, blocks)
}

/// Python's `str.isspace`: Unicode whitespace plus the separators U+001C–U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn find_phoneme(phdata: &PhonemeData, mnemonic: &str) -> Option<u8> {
    let mut packed = [0u8; 4];
    let bytes = mnemonic.as_bytes();
    packed.get_mut(..bytes.len())?.copy_from_slice(bytes);
    let want = u32::from_le_bytes(packed);
    (1..=255u8).find(|&code| phdata.get(code).is_some_and(|p| p.mnemonic == want))
}

/// Words the port's letter-to-sound rules get wrong, with C espeak-ng's phonemes
/// (space-separated espeak mnemonics). Found with `benches/phoneme_agreement.sh`
/// on news text; each is pinned by a unit test to Piper's own output. The port
/// reads an `e` before `s` + consonant in compounds as a syllable ("spokesman" →
/// `spˈoʊkɛsmən`) and stresses suffixes of "open" ("opened" → `ˌoʊpənˈɛd`).
const WORD_FIXES: &[(&str, &str)] = &[
    ("opened", "' oU p @ n d"),
    ("opening", "' oU p @ n I N"),
    ("openly", "' oU p @ n l i"),
    ("openness", "' oU p @ n n @ s"),
    ("opener", "' oU p @ n 3"),
    ("nineteen", "n ' aI n t i: n"),
    ("nineteenth", "n ' aI n t i: n T"),
    ("nineteens", "n ' aI n t i: n z"),
    ("spokesperson", "s p ' oU k s p 3 s @ n"),
    ("spokespeople", "s p ' oU k s p i: p @L"),
    ("spokesman", "s p ' oU k s m @ n"),
    ("spokesmen", "s p ' oU k s m E n"),
    ("spokeswoman", "s p ' oU k s w U m @ n"),
    ("statesman", "s t ' eI t s m @ n"),
    ("statesmen", "s t ' eI t s m E n"),
    ("salesman", "s ' eI l z m @ n"),
    ("salesperson", "s ' eI l s p 3 s @ n"),
    ("tradesman", "t r ' eI d z m @ n"),
    ("lifestyle", "l ' aI f s t aI l"),
    ("housing", "h ' aU z I N"),
    // The port reads "be used to" as `jˈuːst`; C says `jˈuːzd` in every context.
    ("used", "j ' u: z d"),
];

/// Codes of the phonemes [`Phonemizer::reduce_initial_open_o`] looks at.
#[derive(Debug, Clone)]
struct Reduction {
    k: u8,
    open_o: u8,
    schwa: u8,
    primary: u8,
    closers: Vec<u8>,
}

impl Reduction {
    fn new(phdata: &PhonemeData) -> Option<Self> {
        let find = |m: &str| find_phoneme(phdata, m);
        Some(Self {
            k: find("k")?,
            open_o: find("0")?,
            schwa: find("@")?,
            primary: find("'")?,
            closers: ["m", "n", "N", "b"]
                .iter()
                .filter_map(|m| find(m))
                .collect(),
        })
    }
}

/// Byte spans of the plain ASCII words in `text`: letters only, not glued to a
/// digit, hyphen or apostrophe (so "well-being" and "year's" are left alone).
fn plain_words(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let glue = |b: u8| {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'\'' | b'_' | b'[' | b']') || b >= 0x80
    };
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let before_ok = start == 0 || !glue(bytes[start - 1]);
        let after_ok = i == bytes.len() || !glue(bytes[i]);
        if before_ok && after_ok {
            words.push((start, i));
        }
    }
    words
}

/// A clause break: the port renders exactly these as line breaks.
fn is_clause_boundary(c: &PhonemeCode) -> bool {
    c.is_boundary && c.code == 0 && c.clause_char.is_some()
}

/// A code that is an actual sound (not a stress mark, pause or boundary), as the
/// port's own IPA renderer decides.
fn is_sound(c: &PhonemeCode) -> bool {
    !c.is_boundary && c.marker.is_none() && c.code > 8 && c.code != 15
}

/// Remove espeak's language-switch flags like `(fr)` that surround foreign words
/// (Piper: `re.sub(r"\([^)]+\)", "", phonemes)`).
fn strip_lang_flags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        match rest[open..].find(')') {
            Some(len) if len > 1 => {
                out.push_str(&rest[..open]);
                rest = &rest[open + len + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn merge_vowel_clusters(phonemes: Vec<String>, clusters: &[Vec<String>]) -> Vec<String> {
    let Some(max_len) = clusters.iter().map(Vec::len).max() else {
        return phonemes;
    };
    let mut out = Vec::with_capacity(phonemes.len());
    let mut i = 0;
    while i < phonemes.len() {
        let longest = max_len.min(phonemes.len() - i);
        let matched = (2..=longest)
            .rev()
            .find(|&n| clusters.iter().any(|c| c.as_slice() == &phonemes[i..i + n]));
        match matched {
            Some(n) => {
                out.push(phonemes[i..i + n].concat());
                i += n;
            }
            None => {
                out.push(phonemes[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Phonemes → model ids: BOS, PAD, then each known phoneme followed by PAD, then EOS
/// (Piper's `phonemes_to_ids`). Phonemes missing from the map are skipped, as Piper
/// does; they are returned so the caller can log them.
pub fn phoneme_ids(
    phonemes: &[String],
    id_map: &HashMap<String, Vec<i64>>,
) -> Result<(Vec<i64>, HashSet<String>), EngineError> {
    let get = |key: &str| {
        id_map.get(key).ok_or_else(|| {
            EngineError::InvalidVoice(format!("phoneme_id_map has no '{key}' entry"))
        })
    };
    let (bos, pad, eos) = (get(BOS)?, get(PAD)?, get(EOS)?);
    let mut ids = Vec::with_capacity(2 * phonemes.len() + 3);
    let mut missing = HashSet::new();
    ids.extend_from_slice(bos);
    ids.extend_from_slice(pad);
    for phoneme in phonemes {
        match id_map.get(phoneme) {
            Some(p) => {
                ids.extend_from_slice(p);
                ids.extend_from_slice(pad);
            }
            None => {
                missing.insert(phoneme.clone());
            }
        }
    }
    ids.extend_from_slice(eos);
    Ok((ids, missing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_flags_are_stripped() {
        assert_eq!(strip_lang_flags("(fr)ʃɛz(en) mwˈa"), "ʃɛz mwˈa");
        assert_eq!(strip_lang_flags("a () b ("), "a () b (");
    }

    #[test]
    fn clusters_merge_longest_first() {
        let p = |s: &str| s.chars().map(String::from).collect::<Vec<_>>();
        let clusters = vec![p("aɪ"), p("oʊ")];
        assert_eq!(
            merge_vowel_clusters(p("taɪm"), &clusters),
            vec!["t", "aɪ", "m"]
        );
        assert_eq!(merge_vowel_clusters(p("ab"), &[]), p("ab"));
    }

    #[test]
    fn ids_interleave_pad() {
        let map: HashMap<String, Vec<i64>> = [("^", 1), ("_", 0), ("$", 2), ("a", 14)]
            .map(|(k, v)| (k.to_string(), vec![v]))
            .into();
        let (ids, missing) =
            phoneme_ids(&["a".into(), "?".into()], &map).expect("map has BOS/PAD/EOS");
        assert_eq!(ids, vec![1, 0, 14, 0, 2]);
        assert!(missing.contains("?"));
    }

    #[test]
    fn clauses_and_sentences_follow_piper() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        let clauses = ph.clauses("Hello, world. Really?").expect("phonemize");
        let terms: Vec<_> = clauses.iter().map(|c| c.terminator).collect();
        assert_eq!(terms, vec![Some(','), Some('.'), Some('?')]);
        let sentences = ph.phonemize("Hello, world. Really?").expect("phonemize");
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].concat(), "həlˈoʊ, wˈɜːld.");
    }

    #[test]
    fn odd_input_is_not_a_panic() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        let long_word = "a".repeat(5_000);
        let inputs = [
            "",
            " ",
            "...",
            "[[",
            "]] [[ ]]",
            "[[]]",
            "[[ \u{1f} ]] [[",
            "[[😀]] x [[\n]] [[ ]]]] ]",
            "Hi, [[ ˈa ]]. [[ b ]], [[",
            "\u{0}\u{1}\u{7f}",
            "😀 emoji 🎉 text",
            "Ünïcödé çafé naïve — “quotes” ‘single’ «guillemets»",
            "日本語のテキスト",
            "in the in the in the",
            "In the",
            "for",
            "1234567890123456789012345678901234567890",
            "$%^&*()_+{}|:<>?~`",
            "\n\n\t\r",
            long_word.as_str(),
        ];
        for text in inputs {
            // Errors are fine; panics are not.
            let _ = ph.phonemize(text);
        }
    }

    #[test]
    fn word_fixes_match_c_espeak() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        // Piper 1.8 (C espeak-ng) phonemes for each word.
        let expected = [
            ("opened", "ˈoʊpənd"),
            ("opening", "ˈoʊpənɪŋ"),
            ("openly", "ˈoʊpənli"),
            ("openness", "ˈoʊpənnəs"),
            ("opener", "ˈoʊpənɚ"),
            ("nineteen", "nˈaɪntiːn"),
            ("nineteenth", "nˈaɪntiːnθ"),
            ("nineteens", "nˈaɪntiːnz"),
            ("spokesperson", "spˈoʊkspɚsən"),
            ("spokespeople", "spˈoʊkspiːpəl"),
            ("spokesman", "spˈoʊksmən"),
            ("spokesmen", "spˈoʊksmɛn"),
            ("spokeswoman", "spˈoʊkswʊmən"),
            ("statesman", "stˈeɪtsmən"),
            ("statesmen", "stˈeɪtsmɛn"),
            ("salesman", "sˈeɪlzmən"),
            ("salesperson", "sˈeɪlspɚsən"),
            ("tradesman", "tɹˈeɪdzmən"),
            ("lifestyle", "lˈaɪfstaɪl"),
            ("housing", "hˈaʊzɪŋ"),
            ("used", "jˈuːzd"),
        ];
        assert_eq!(expected.len(), WORD_FIXES.len());
        for (word, ipa) in expected {
            let got: String = ph.phonemize(word).expect("phonemize").concat().concat();
            assert_eq!(got, ipa, "{word}");
        }
    }

    #[test]
    fn empty_clauses_add_nothing() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        for sentence in ph
            .phonemize("At 10 a.m., he left... Then? . , !")
            .expect("phonemize")
        {
            let text = sentence.concat();
            assert!(!text.starts_with([',', '.', ' ']), "{text:?}");
            assert!(text.chars().any(char::is_alphabetic), "{text:?}");
        }
    }

    #[test]
    fn multi_word_entries_and_glides_match_c_espeak() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        let got: Vec<String> = ph
            .phonemize("In the end, for the people of the city. For longer. And.")
            .expect("phonemize")
            .iter()
            .map(|s| s.concat())
            .collect();
        // Piper 1.8 (C espeak-ng) phonemes for the same text.
        assert_eq!(got[0], "ɪnðɪʲ ˈɛnd, fɚðə pˈiːpəl ʌvðə sˈɪɾi.");
        assert_eq!(got[1], "fɔːɹ lˈɔŋɡɚ.");
    }

    /// Ids for BOS/PAD/EOS, space, punctuation and the IPA these tests use; `☃`
    /// is left out, as a voice would lack it.
    fn test_id_map() -> HashMap<String, Vec<i64>> {
        let symbols = "_^$ !,.:;?abcdefhijklmnoprstuvwxzæçðŋɐɑɔəɚɛɜɡɪɹɾʃʊʌʒʔʲˈˌːθ";
        symbols
            .chars()
            .zip(0..)
            .map(|(c, id)| (c.to_string(), vec![id]))
            .collect()
    }

    fn sentences(ph: &Phonemizer, text: &str) -> Vec<String> {
        ph.phonemize(text)
            .expect("phonemize")
            .iter()
            .map(|s| s.concat())
            .collect()
    }

    #[test]
    fn phoneme_blocks_split_as_pipers_regex() {
        assert_eq!(
            split_phoneme_blocks("Say [[ kɪjiw ]] now."),
            (vec!["Say ", " now."], vec!["kɪjiw"])
        );
        assert_eq!(
            split_phoneme_blocks("[[a]][[ b\u{1f}]]"),
            (vec!["", "", ""], vec!["a", "b"])
        );
        // The fewest characters: `[[[a]]` holds `[a`; a line feed ends the search.
        assert_eq!(
            split_phoneme_blocks("x [[[a]] y"),
            (vec!["x ", " y"], vec!["[a"])
        );
        assert_eq!(
            split_phoneme_blocks("[[ a\nb ]] c [[ d ]]"),
            (vec!["[[ a\nb ]] c ", ""], vec!["d"])
        );
        assert_eq!(split_phoneme_blocks("a [[ b"), (vec!["a [[ b"], vec![]));
        assert_eq!(split_phoneme_blocks("[[]]"), (vec!["", ""], vec![""]));
    }

    #[test]
    fn ipa_block_goes_into_the_phoneme_stream_verbatim() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        let map = test_id_map();
        let got = ph.phonemize("Say [[ kɪjiw ]] now.").expect("phonemize");
        assert_eq!(got.len(), 1);
        // The words around the block read as they do on their own.
        let mut expected = ph.phonemize("Say").expect("phonemize").concat();
        expected.push(" ".into());
        expected.extend(["k", "ɪ", "j", "i", "w"].map(String::from));
        expected.push(" ".into());
        expected.extend(ph.phonemize("now.").expect("phonemize").concat());
        assert_eq!(got[0], expected);
        // Piper 1.8 phonemes for the same input.
        assert_eq!(got[0].concat(), "sˈeɪ kɪjiw nˈaʊ.");
        // Punctuation the lexicon moved into a block ends the sentence there.
        let got = ph.phonemize("They met in [[ kɪjiw. ]]").expect("phonemize");
        assert!(got.concat().concat().ends_with("kɪjiw."), "{got:?}");

        let (ids, missing) = phoneme_ids(&got[0], &map).expect("ids");
        assert!(missing.is_empty(), "{missing:?}");
        let pad = map[PAD][0];
        let block: Vec<i64> = "kɪjiw"
            .chars()
            .flat_map(|c| [map[&c.to_string()][0], pad])
            .collect();
        assert!(
            ids.windows(block.len()).any(|w| w == block.as_slice()),
            "{ids:?} lacks {block:?}"
        );
    }

    #[test]
    fn ipa_blocks_join_sentences_as_in_piper() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        // Each expectation is Piper 1.8's `PiperVoice.phonemize` for the same text.
        assert_eq!(sentences(&ph, "[[ kɪjiw ]] is calm."), ["kɪjiw ɪz kˈɑːm."]);
        assert_eq!(sentences(&ph, "Say [[ kɪjiw ]]"), ["sˈeɪ kɪjiw"]);
        // A block after a sentence end continues that sentence.
        assert_eq!(
            sentences(&ph, "Hello. [[ a ]] world."),
            ["həlˈoʊ. a wˈɜːld."]
        );
        assert_eq!(
            sentences(&ph, "[[ a ]] world. Next."),
            ["a wˈɜːld.", "nˈɛkst."]
        );
        // Punctuation right after a block opens an empty clause and is lost, so
        // the next sentence continues the block's.
        assert_eq!(
            sentences(&ph, "They went to [[ kɪjiw ]]. Then home."),
            ["ðeɪ wˈɛnt tuː kɪjiwðˈɛn hˈoʊm."]
        );
        // A clause's `, ` before a block is kept, then the block's own space.
        assert_eq!(
            sentences(&ph, "Zelensky, [[ kɪjiw ]] said: yes."),
            ["zɛlˈɛnski,  kɪjiw sˈɛd: jˈɛs."]
        );
        assert_eq!(sentences(&ph, "Say [[kɪjiw]]now."), ["sˈeɪ kɪjiwnˈaʊ."]);
        assert_eq!(sentences(&ph, "[[a]][[b]]"), ["ab"]);
        assert!(sentences(&ph, "[[ ]]").is_empty());
    }

    #[test]
    fn ipa_blocks_keep_multi_word_entries_around_them() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        // Before blocks were split off, any `[[` turned the multi-word entries off
        // for the whole text ("in the" → `ɪn ðə`).
        let got = sentences(&ph, "Say [[ kɪjiw ]] in the end.");
        assert_eq!(got, ["sˈeɪ kɪjiw ɪnðɪʲ ˈɛnd."]);
    }

    #[test]
    fn unknown_ipa_is_dropped_like_piper() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        let map = test_id_map();
        let with = ph.phonemize("Say [[ kɪ☃jiw ]] now.").expect("phonemize");
        let without = ph.phonemize("Say [[ kɪjiw ]] now.").expect("phonemize");
        assert!(with[0].contains(&"☃".to_string()));
        let (ids_with, missing) = phoneme_ids(&with[0], &map).expect("ids");
        let (ids_without, _) = phoneme_ids(&without[0], &map).expect("ids");
        assert_eq!(ids_with, ids_without);
        assert_eq!(missing, HashSet::from(["☃".to_string()]));
        // Block IPA is not decomposed: a precomposed `ç` stays one phoneme.
        let cedilla = ph.phonemize("[[ ç ]]").expect("phonemize");
        assert_eq!(cedilla, vec![vec!["ç".to_string()]]);
    }

    #[test]
    fn text_without_blocks_is_unchanged() {
        let ph = Phonemizer::new("en-us").expect("bundled en-us data");
        let map = test_id_map();
        // Phonemes this phonemizer gave before `[[ ]]` blocks were read as IPA; a
        // trailing `, ` is still trimmed, and an unclosed `[[` is no block.
        let before = [
            (
                "Hello, world. The council approved the budget on Tuesday.",
                vec![
                    "həlˈoʊ, wˈɜːld.",
                    "ðə kˈaʊnsəl ɐpɹˈuːvd ðə bˈʌdʒɪt ˌɔn tˈuːzdeɪ.",
                ],
            ),
            ("Well,", vec!["wˈɛl,"]),
            ("a [[ b", vec!["ˈeɪ b"]),
        ];
        for (text, expected) in before {
            let got = ph.phonemize(text).expect("phonemize");
            let got_text: Vec<String> = got.iter().map(|s| s.concat()).collect();
            assert_eq!(got_text, expected, "{text}");
            for (sentence, want) in got.iter().zip(&expected) {
                let want: Vec<String> = want.chars().map(String::from).collect();
                assert_eq!(
                    phoneme_ids(sentence, &map).expect("ids"),
                    phoneme_ids(&want, &map).expect("ids")
                );
            }
        }
    }
}
