//! HTML / Markdown / plain text → [`Article`].

use serde::{Deserialize, Serialize};

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
