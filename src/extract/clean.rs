//! Text clean-up shared by the HTML, Markdown and plain-text readers:
//! whitespace, invisible characters, boilerplate lines, photo credits.

use super::{Block, BlockKind};

/// Collapses every run of whitespace (including no-break spaces) to one
/// space, drops invisible characters, and trims.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Whole lines that are site furniture, not article text (compared after
/// lower-casing and trimming punctuation).
const BOILERPLATE_LINES: &[&str] = &[
    "advertisement",
    "anzeige",
    "publicidad",
    "publicité",
    "pubblicità",
    "werbung",
    "реклама",
    "ad",
    "close",
    "comments",
    "continue reading",
    "editors picks",
    "editors' picks",
    "editors’ picks",
    "enter your email to subscribe",
    "follow us",
    "listen",
    "listen to this article",
    "loading",
    "menu",
    "more news",
    "most read",
    "news feed",
    "please, enter correct email address",
    "pre-order now",
    "read more",
    "related",
    "related articles",
    "search",
    "share",
    "share this",
    "share this article",
    "show comments",
    "sign up",
    "sign up now",
    "skip to content",
    "skip to main content",
    "sponsored",
    "subscribe",
    "subscribe now",
    "successfuly subscribed",
    "successfully subscribed",
];

/// Phrases that mark a short block as furniture wherever they appear in it.
const BOILERPLATE_FRAGMENTS: &[&str] = &[
    "indicates required",
    "created with ai assistance",
    "this audio is generated",
    "subscribe to our newsletter",
    "sign up for our",
    "enter your email",
    "pre-order",
    "thank you for signing up",
    "confirmation email",
    "skip to content",
    "click here to subscribe",
    "support independent journalism",
    "become a member",
    "enjoying this story",
    "enjoying this article",
    "get our free",
];

/// Openings of one-line links to other stories ("Read also: ...").
const BOILERPLATE_OPENINGS: &[&str] = &[
    "read more:",
    "read also:",
    "also read:",
    "read next:",
    "see also:",
    "related:",
    "recommended:",
    "more on this story",
    "photo:",
    "photo by ",
    "photograph:",
    "picture:",
    "image:",
    "image credit",
    "credit:",
    "illustration:",
    // The same in other languages.
    "à lire aussi",
    "a lire aussi",
    "lire aussi",
    "lesen sie auch",
    "mehr zum thema",
    "lee también",
    "leer más",
    "leggi anche",
    "читайте також",
    "читайте также",
    "дивіться також",
    "смотрите также",
];

/// Blocks longer than this are article text even if they mention a fragment.
const SHORT_BLOCK_CHARS: usize = 120;

/// Whether a whole block is site furniture rather than article text.
pub(crate) fn is_boilerplate(text: &str) -> bool {
    let lower = text.to_lowercase();
    let bare = lower.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    // Nothing to read: emoji, dingbats, punctuation.
    if !bare.chars().any(char::is_alphanumeric) || BOILERPLATE_LINES.contains(&bare) {
        return true;
    }
    let chars = lower.chars().count();
    (chars <= SHORT_BLOCK_CHARS && BOILERPLATE_FRAGMENTS.iter().any(|f| lower.contains(f)))
        || (chars <= 2 * SHORT_BLOCK_CHARS
            && BOILERPLATE_OPENINGS.iter().any(|o| bare.starts_with(o)))
}

/// Words that mark a trailing parenthesis as a photo credit.
const CREDIT_MARKERS: &[&str] = &[
    "getty",
    "afp",
    "reuters",
    "ap photo",
    "associated press",
    "photo",
    "photos",
    "photograph",
    "credit",
    "courtesy",
    "shutterstock",
    "epa",
    "anadolu",
    "nurphoto",
    "images",
    "pool",
    "handout",
];

/// Removes a photo credit such as "(Contributor/Getty Images)" from the end
/// of a block.
pub(crate) fn strip_photo_credit(text: &str) -> &str {
    let trimmed = text.trim_end();
    if !trimmed.ends_with(')') {
        return text;
    }
    let Some(open) = trimmed.rfind('(') else {
        return text;
    };
    let inner = &trimmed[open + 1..trimmed.len() - 1];
    let lower = inner.to_lowercase();
    // "Agency/Photographer" style: capitalised names either side of a slash.
    let named_pair = inner.split_once('/').is_some_and(|(a, b)| {
        let starts_upper = |s: &str| {
            s.trim_start()
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        };
        starts_upper(a) && starts_upper(b)
    });
    // Markers are whole words: "(separately)" is not an EPA credit.
    let words: String = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .fold(String::from(" "), |acc, w| acc + w + " ");
    let has_marker = CREDIT_MARKERS
        .iter()
        .any(|m| words.contains(&format!(" {m} ")));
    let is_credit = inner.chars().count() <= 80 && (named_pair || has_marker);
    if is_credit {
        trimmed[..open].trim_end()
    } else {
        text
    }
}

/// Builds blocks as text arrives, cleaning each one as it is finished:
/// collapsed whitespace, photo credits removed, furniture and immediate
/// repeats dropped. Line breaks (`\n`) inside pending text join lines with a
/// space; a blank line splits the text into separate blocks.
#[derive(Debug, Default)]
pub(crate) struct BlockSink {
    blocks: Vec<Block>,
    pending: String,
}

impl BlockSink {
    pub(crate) fn push_str(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Appends text from a source where newlines are layout, not breaks.
    pub(crate) fn push_inline(&mut self, text: &str) {
        for c in text.chars() {
            self.pending.push(if c.is_whitespace() { ' ' } else { c });
        }
    }

    pub(crate) fn line_break(&mut self) {
        self.pending.push('\n');
    }

    pub(crate) fn has_pending_text(&self) -> bool {
        self.pending.chars().any(|c| !c.is_whitespace())
    }

    /// Finishes the pending text as block(s) of `kind`.
    pub(crate) fn flush(&mut self, kind: BlockKind) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let mut paragraph = String::new();
        for line in pending.split('\n') {
            if line.trim().is_empty() {
                if !paragraph.trim().is_empty() {
                    self.push_block(kind, &paragraph);
                }
                paragraph.clear();
            } else {
                paragraph.push(' ');
                paragraph.push_str(line);
            }
        }
        self.push_block(kind, &paragraph);
    }

    /// Adds one block of text, cleaned.
    pub(crate) fn push_block(&mut self, kind: BlockKind, raw: &str) {
        let collapsed = collapse_whitespace(raw);
        let text = strip_photo_credit(&collapsed);
        if text.is_empty() || is_boilerplate(text) {
            return;
        }
        if self
            .blocks
            .last()
            .is_some_and(|last| last.text == text && last.kind == kind)
        {
            return;
        }
        self.blocks.push(Block {
            kind,
            text: text.to_string(),
        });
    }

    pub(crate) fn into_blocks(mut self, kind: BlockKind) -> Vec<Block> {
        self.flush(kind);
        self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace() {
        assert_eq!(collapse_whitespace("  a\u{a0}\n b\u{200b}c  "), "a bc");
    }

    #[test]
    fn strips_photo_credits() {
        assert_eq!(
            strip_photo_credit("Ushakov in Moscow. (Contributor/Getty Images)"),
            "Ushakov in Moscow."
        );
        assert_eq!(
            strip_photo_credit("A street. (Photo: Jane Doe)"),
            "A street."
        );
        assert_eq!(
            strip_photo_credit("this (ceasefire) is nothing more"),
            "this (ceasefire) is nothing more"
        );
        assert_eq!(
            strip_photo_credit("Kyiv skyline. (AP Photo/Efrem Lukatsky)"),
            "Kyiv skyline."
        );
        assert_eq!(
            strip_photo_credit("They met (separately)"),
            "They met (separately)"
        );
        assert_eq!(
            strip_photo_credit("Prices rose (by 5%)"),
            "Prices rose (by 5%)"
        );
    }

    #[test]
    fn recognises_furniture() {
        assert!(is_boilerplate("Subscribe"));
        assert!(is_boilerplate("* indicates required"));
        assert!(is_boilerplate("This audio is created with AI assistance"));
        assert!(is_boilerplate("Editors' Picks"));
        assert!(is_boilerplate(
            "Read also: Russia presents US with demands for possible Ukraine peace deal"
        ));
        assert!(is_boilerplate("Photo: Efrem Lukatsky/AP"));
        assert!(!is_boilerplate(
            "Readers who subscribe to the paper get the magazine first."
        ));
    }
}
