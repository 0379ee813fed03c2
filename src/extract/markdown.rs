//! Markdown → article: the first `# heading` (or front-matter `title:`) is the
//! title; links read as their text; code blocks, images and raw HTML are
//! skipped unless asked for.

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::clean::{collapse_whitespace, BlockSink};
use super::{Article, BlockKind, ExtractOptions};

pub(crate) fn extract(text: &str, opts: &ExtractOptions) -> Article {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut article = Article::default();
    let mut sink = BlockSink::default();
    let mut kinds: Vec<BlockKind> = Vec::new();
    let kind = |kinds: &[BlockKind]| kinds.last().copied().unwrap_or(BlockKind::Paragraph);
    // Nesting depth of content that is not read (code, images, tables, ...).
    let mut hidden = 0usize;
    let mut front_matter: Option<String> = None;
    let mut title_text: Option<String> = None;

    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => front_matter = Some(String::new()),
            Event::End(TagEnd::MetadataBlock(_)) => {
                if let Some(yaml) = front_matter.take() {
                    read_front_matter(&yaml, &mut article);
                }
            }
            Event::Text(t) if front_matter.is_some() => {
                if let Some(yaml) = front_matter.as_mut() {
                    yaml.push_str(&t);
                }
            }
            // Every Start has its End, so counting all tags inside a hidden
            // one finds where it ends.
            Event::Start(tag) if hidden > 0 || is_hidden(&tag, opts) => hidden += 1,
            Event::End(_) if hidden > 0 => hidden -= 1,
            _ if hidden > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                sink.flush(kind(&kinds));
                if level == HeadingLevel::H1 && article.title.is_none() && title_text.is_none() {
                    title_text = Some(String::new());
                }
                kinds.push(BlockKind::Heading);
            }
            Event::End(TagEnd::Heading(_)) => {
                match title_text.take() {
                    Some(title) if article.title.is_none() => {
                        article.title = Some(collapse_whitespace(&title));
                    }
                    _ => sink.flush(BlockKind::Heading),
                }
                kinds.pop();
            }
            Event::Text(t) | Event::Code(t) => match title_text.as_mut() {
                Some(title) => title.push_str(&t),
                None => sink.push_inline(&t),
            },
            Event::SoftBreak | Event::HardBreak => sink.push_inline(" "),
            Event::Start(tag) => {
                if let Some(block_kind) = block_kind(&tag) {
                    sink.flush(kind(&kinds));
                    let inherited = kind(&kinds);
                    kinds.push(block_kind.unwrap_or(inherited));
                } else if matches!(tag, Tag::TableCell) && sink.has_pending_text() {
                    sink.push_str(", ");
                }
            }
            Event::End(end) if is_block_end(end) => {
                sink.flush(kind(&kinds));
                kinds.pop();
            }
            Event::Rule => sink.flush(kind(&kinds)),
            _ => {}
        }
    }
    article.blocks = sink.into_blocks(BlockKind::Paragraph);
    if let (Some(title), Some(first)) = (&article.title, article.blocks.first()) {
        if first.text.eq_ignore_ascii_case(title) {
            article.blocks.remove(0);
        }
    }
    article
}

/// Tags whose content is not read with these options.
fn is_hidden(tag: &Tag<'_>, opts: &ExtractOptions) -> bool {
    match tag {
        Tag::CodeBlock(_) => !opts.read_code,
        Tag::Table(_) => !opts.read_tables,
        Tag::Image { .. } => !opts.read_captions,
        Tag::HtmlBlock | Tag::FootnoteDefinition(_) => true,
        // <https://example.com> would be read out character by character.
        Tag::Link {
            link_type: LinkType::Autolink | LinkType::Email,
            ..
        } => true,
        _ => false,
    }
}

/// `Some(kind)` for tags that start a block: `Some(None)` inherits the
/// enclosing kind (a paragraph inside a quote is a quote).
fn block_kind(tag: &Tag<'_>) -> Option<Option<BlockKind>> {
    match tag {
        Tag::BlockQuote(_) => Some(Some(BlockKind::Quote)),
        Tag::Item | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
            Some(Some(BlockKind::ListItem))
        }
        Tag::Paragraph | Tag::CodeBlock(_) | Tag::List(_) | Tag::TableRow | Tag::TableHead => {
            Some(None)
        }
        Tag::Table(_) | Tag::DefinitionList => Some(None),
        _ => None,
    }
}

fn is_block_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::BlockQuote(_)
            | TagEnd::Item
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Paragraph
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::TableRow
            | TagEnd::TableHead
            | TagEnd::Table
            | TagEnd::DefinitionList
    )
}

/// `title:`, `author:`, `date:` and `lang:` from YAML front matter (simple
/// `key: value` lines only).
fn read_front_matter(yaml: &str, article: &mut Article) {
    for line in yaml.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).trim();
        if value.is_empty() {
            continue;
        }
        let value = Some(value.to_string());
        match key.trim().to_ascii_lowercase().as_str() {
            "title" => article.title = value,
            "author" | "byline" => article.byline = value,
            "date" | "published" => article.published = value,
            "lang" | "language" => article.language = value,
            _ => {}
        }
    }
}
