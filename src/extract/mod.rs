//! HTML / Markdown / plain text → [`Article`].
//!
//! [`extract`] decodes a [`Document`]'s bytes (charset from the transport,
//! byte-order mark or `<meta>`), then reads it by kind: for HTML it finds the
//! story's container and keeps headings, paragraphs, quotes and list items
//! in order while dropping site furniture (menus, newsletter boxes, feeds,
//! related links, photo credits).

mod clean;
mod decode;
mod html;
mod markdown;
pub(crate) mod meta;
mod text;

use serde::{Deserialize, Serialize};

use crate::source::{DocKind, Document};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Heading,
    Paragraph,
    Quote,
    ListItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

/// The article as the pipeline will read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub title: Option<String>,
    pub byline: Option<String>,
    /// Publication date as found (ISO 8601 where the page gave one).
    pub published: Option<String>,
    /// BCP 47 language tag, e.g. "en" or "en-US".
    pub language: Option<String>,
    pub blocks: Vec<Block>,
}

/// What to read besides the running text. All off by default: captions,
/// code and tables rarely make sense read aloud.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExtractOptions {
    /// Read figure captions (and Markdown image descriptions).
    pub read_captions: bool,
    /// Read code blocks.
    pub read_code: bool,
    /// Read tables, one block per row.
    pub read_tables: bool,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    #[error(
        "no readable article text found: the page may be an index or front page, need \
         JavaScript, or sit behind a paywall; try the article's own URL, or save the page from \
         a browser and pass the file"
    )]
    Empty,
}

/// Reads the article in `doc`. Never panics on any input; fails only when
/// nothing readable is left.
pub fn extract(doc: &Document, opts: &ExtractOptions) -> Result<Article, ExtractError> {
    let is_html = doc.kind == DocKind::Html;
    let text = decode::decode(&doc.bytes, doc.charset_hint.as_deref(), is_html);
    let article = match doc.kind {
        DocKind::Html => html::extract(&text, opts),
        DocKind::Markdown => markdown::extract(&text, opts),
        DocKind::Text => text::extract(&text),
    };
    if article.blocks.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(article)
}
