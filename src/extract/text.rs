//! Plain text → article: paragraphs split at blank lines; a short first line
//! followed by a blank line is the title, a short "By ..." line the byline.
//! Lines that all start with a bullet become list items, "> " lines a quote.

use super::clean::{collapse_whitespace, BlockSink};
use super::{Article, BlockKind};

/// A first line longer than this is a paragraph, not a title.
const MAX_TITLE_CHARS: usize = 150;

pub(crate) fn extract(text: &str) -> Article {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let paragraphs: Vec<Vec<&str>> = text
        .split('\n')
        .collect::<Vec<_>>()
        .split(|line| line.trim().is_empty())
        .filter(|p| !p.is_empty())
        .map(<[&str]>::to_vec)
        .collect();
    let mut article = Article::default();
    let mut rest = paragraphs.as_slice();

    if let [first, more @ ..] = rest {
        if let [line] = first.as_slice() {
            let line = collapse_whitespace(line);
            if !more.is_empty() && line.chars().count() <= MAX_TITLE_CHARS && !line.ends_with('.') {
                article.title = Some(line);
                rest = more;
            }
        }
    }
    if let [first, more @ ..] = rest {
        if let [line] = first.as_slice() {
            let line = collapse_whitespace(line);
            let is_byline = line.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("by "))
                && line.chars().count() <= 80;
            if is_byline {
                article.byline = Some(line[3..].trim().to_string());
                rest = more;
            }
        }
    }

    let mut sink = BlockSink::default();
    for lines in rest {
        if lines.iter().all(|l| bullet_text(l).is_some()) {
            for line in lines {
                sink.push_block(BlockKind::ListItem, bullet_text(line).unwrap_or(line));
            }
        } else if lines.iter().all(|l| l.trim_start().starts_with('>')) {
            let quote: Vec<&str> = lines
                .iter()
                .map(|l| l.trim_start().trim_start_matches('>'))
                .collect();
            sink.push_block(BlockKind::Quote, &quote.join(" "));
        } else {
            sink.push_block(BlockKind::Paragraph, &lines.join(" "));
        }
    }
    article.blocks = sink.into_blocks(BlockKind::Paragraph);
    article
}

/// The text after a list marker ("- ", "* ", "• ", "1. ", "2) "), if any.
fn bullet_text(line: &str) -> Option<&str> {
    let line = line.trim_start();
    for marker in ["- ", "* ", "• ", "– "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest);
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        return rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") "));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_byline_paragraphs_lists() {
        let a = extract("Big news\n\nBy Jo Smith\n\nFirst line\nwraps here.\n\n- one\n- two\n");
        assert_eq!(a.title.as_deref(), Some("Big news"));
        assert_eq!(a.byline.as_deref(), Some("Jo Smith"));
        assert_eq!(a.blocks.len(), 3);
        assert_eq!(a.blocks[0].text, "First line wraps here.");
        assert_eq!(a.blocks[1].kind, BlockKind::ListItem);
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        let a = extract("It rained.\n\nThen it stopped.");
        assert_eq!(a.title, None);
        assert_eq!(a.blocks.len(), 2);
    }
}
