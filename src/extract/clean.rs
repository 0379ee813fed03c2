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
    "already have an account",
    "this article is exclusive to",
    "unlock this article",
    "follow us on",
    "listen to this article",
    "to read the rest of this",
    "comments are closed",
    "as a preferred source",
    "as a trusted news source",
    "table of contents show",
    "table of contents hide",
    "table of contents toggle",
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
    "written by ",
    "posted by ",
    "reviewed by ",
    "reviewed by:",
    "edited by ",
    "edited by:",
    "medically reviewed by ",
    "fact checked by ",
    "fact-checked by ",
    "last updated",
    "updated on ",
    "published on ",
    "jump to:",
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

/// Headings of boxes that point at other stories ("Related stories", "More
/// from Transport"), compared lower-cased without punctuation.
const RELATED_HEADINGS: &[&str] = &[
    "related",
    "related stories",
    "related articles",
    "related posts",
    "related content",
    "related reading",
    "related news",
    "more stories",
    "more articles",
    "more news",
    "you may also like",
    "you might also like",
    "you may be interested in",
    "recommended",
    "recommended for you",
    "recommended reading",
    "recommended articles",
    "read next",
    "up next",
    "watch next",
    "what to read next",
    "popular posts",
    "popular stories",
    "most popular",
    "trending",
    "trending now",
    "latest news",
    "latest posts",
    "latest stories",
    "recent posts",
    "recent articles",
    "recent stories",
];

/// Openings of such headings followed by a section or site name.
const RELATED_HEADING_OPENINGS: &[&str] = &["more from ", "more in ", "more stories from "];

/// Whether `text` heads a box of links to other stories.
pub(crate) fn is_related_heading(text: &str) -> bool {
    let lower = collapse_whitespace(text).to_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    bare.chars().count() <= 60
        && (RELATED_HEADINGS.contains(&bare)
            || RELATED_HEADING_OPENINGS.iter().any(|o| bare.starts_with(o)))
}

/// A line that only says how long the story takes to read: "9 mins read",
/// "2–4 minutes".
fn is_reading_time(bare: &str) -> bool {
    let words: Vec<&str> = bare
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.len() <= 4
        && words
            .first()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        && words
            .iter()
            .any(|w| matches!(*w, "min" | "mins" | "minute" | "minutes"))
        && words.iter().all(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || matches!(*w, "min" | "mins" | "minute" | "minutes" | "read")
        })
}

const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];

const WEEKDAYS: &[&str] = &[
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
];

/// A line that is only a date: "Fri, 19th Dec 2025", "June 2, 2025".
fn is_dateline(bare: &str) -> bool {
    let words: Vec<&str> = bare
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let is_number = |w: &str| {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && matches!(&w[digits.len()..], "" | "st" | "nd" | "rd" | "th")
    };
    (2..=5).contains(&words.len())
        && words.iter().any(|w| MONTHS.contains(w))
        && words.iter().any(|w| is_number(w))
        && words
            .iter()
            .all(|w| MONTHS.contains(w) || WEEKDAYS.contains(w) || is_number(w))
}

/// Blocks longer than this are article text even if they mention a fragment.
const SHORT_BLOCK_CHARS: usize = 120;

/// Whether a whole block is site furniture rather than article text.
pub(crate) fn is_boilerplate(text: &str) -> bool {
    let lower = text.to_lowercase();
    let bare = lower.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    // Nothing to read: emoji, dingbats, punctuation.
    if !bare.chars().any(char::is_alphanumeric)
        // A score or count alone ("4.5 / 5", "8.7"), not a sentence.
        || (bare.chars().count() <= 20 && !bare.chars().any(char::is_alphabetic))
        || BOILERPLATE_LINES.contains(&bare)
        || is_related_heading(bare)
        || is_reading_time(bare)
        || is_dateline(bare)
    {
        return true;
    }
    let chars = lower.chars().count();
    if chars <= 3 * SHORT_BLOCK_CHARS && (is_affiliate_disclosure(&lower) || is_disclaimer(bare)) {
        return true;
    }
    (chars <= SHORT_BLOCK_CHARS && BOILERPLATE_FRAGMENTS.iter().any(|f| lower.contains(f)))
        || (chars <= 2 * SHORT_BLOCK_CHARS
            && BOILERPLATE_OPENINGS.iter().any(|o| bare.starts_with(o)))
}

/// The note that a page earns from its shopping links ("If you buy through
/// our links, we may earn a commission at no extra cost to you."), told from
/// a story about commissions ("brokers may earn a commission when clients
/// buy") by who earns: the site, in the first person, or through its
/// affiliate or own links.
fn is_affiliate_disclosure(lower: &str) -> bool {
    const SITE: &[&str] = &[
        "we may",
        "we earn",
        "we'd earn",
        "we\u{2019}d earn",
        "we receive",
        "earn us",
        "i may",
        "i earn",
        "our affiliate",
        "affiliate commission",
        "contains affiliate",
        "our links",
        "its links",
        "retail links",
        "links on this",
    ];
    const EARNS: &[&str] = &["earn", "receive", "get a commission"];
    const PAY: &[&str] = &["commission", "compensation"];
    const HOW: &[&str] = &["link", "buy", "purchase", "click"];
    SITE.iter().any(|e| lower.contains(e))
        && EARNS.iter().any(|e| lower.contains(e))
        && PAY.iter().any(|p| lower.contains(p))
        && HOW.iter().any(|h| lower.contains(h))
}

/// A site's standing disclaimer: "Disclaimer: This article is for
/// information only…", "The views expressed … do not necessarily reflect
/// those of …".
fn is_disclaimer(bare: &str) -> bool {
    bare.starts_with("disclaimer:")
        || (bare.contains("views expressed") && bare.contains("do not necessarily reflect"))
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
        assert!(is_boilerplate("9 mins read"));
        assert!(is_boilerplate("2–4 minutes"));
        assert!(is_boilerplate("Fri, 19th Dec 2025"));
        assert!(is_boilerplate("June 2, 2025"));
        assert!(is_boilerplate("Last updated on June 2, 2025"));
        assert!(is_boilerplate("Written by Madeline Puckette"));
        assert!(is_boilerplate("Related stories"));
        assert!(is_boilerplate("More from Transport"));
        assert!(is_boilerplate(
            "We may earn commission from links on this page, but we only recommend products we back."
        ));
        assert!(is_boilerplate(
            "Every item on this page was chosen by an ELLE Decor editor. We may earn commission on \
             some of the items you choose to buy."
        ));
        assert!(is_boilerplate(
            "Just a quick heads up that we use some affiliate links to products we think you\u{2019}ll \
             find useful. We\u{2019}d earn a commission should you choose to buy through them, never \
             at any extra cost to yourself."
        ));
        assert!(!is_boilerplate(
            "Affiliate programs: Streamers earn a commission when viewers buy games, gear, or \
             software via affiliate links."
        ));
        assert!(!is_boilerplate(
            "You must buy and sell ETF shares through a broker, who may charge commissions."
        ));
        assert!(!is_boilerplate(
            "Brokers may earn a commission when clients buy the shares they recommend."
        ));
        assert!(is_boilerplate(
            "If you buy through our links, IGN may earn an affiliate commission. Learn more."
        ));
        assert!(is_boilerplate("Reviewed by: Brian Stormont, CFP®"));
        assert!(is_boilerplate("Edited by: Kristina Zagame"));
        assert!(is_boilerplate(
            "Listen to this article in summarized format"
        ));
        assert!(is_boilerplate(
            "To read the rest of this story subscribe to STAT+."
        ));
        assert!(is_boilerplate("Add as a preferred source on Google"));
        assert!(is_boilerplate(
            "Disclaimer: This article is intended for educational and informational purposes \
             only and is not a substitute for medical advice."
        ));
        assert!(is_boilerplate(
            "The views expressed by the authors of this blog are their own and do not \
             necessarily reflect the views of APNIC."
        ));
        assert!(!is_boilerplate(
            "The minister said the views expressed in the report were a starting point."
        ));
        assert!(!is_boilerplate("May 2025 was the wettest on record."));
        assert!(!is_boilerplate("It took 5 minutes to read the verdict."));
        assert!(!is_boilerplate(
            "Trending topics shape what editors cover next."
        ));
        assert!(!is_boilerplate(
            "Readers who subscribe to the paper get the magazine first."
        ));
    }
}
