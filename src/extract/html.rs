//! HTML → article blocks: find the container that holds the story, then walk
//! it in document order, skipping site furniture.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};

use scraper::{ElementRef, Html, Node, Selector};

use super::clean::BlockSink;
use super::{meta, Article, Block, BlockKind, ExtractOptions};

/// A story shorter than this (characters read) is suspect: some boilerplate
/// rule may have removed the text around it, so the rules are relaxed in
/// turn to see whether they did.
const TINY_STORY_CHARS: usize = 300;

/// The skip rules that may be relaxed when they leave only a tiny story, in
/// the order they are tried, with what the `-v` log calls them.
const RELAXATIONS: &[(Relax, &str)] = &[
    (
        Relax {
            furniture: true,
            hidden: false,
        },
        "furniture class/id words, link lists and forms",
    ),
    (
        Relax {
            furniture: false,
            hidden: true,
        },
        "hidden elements",
    ),
    (
        Relax {
            furniture: true,
            hidden: true,
        },
        "furniture words, forms and hidden elements",
    ),
];

fn chars_read(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| b.text.chars().count()).sum()
}

/// The story's containers and their blocks under `skip`.
fn read_story<'a>(doc: &'a Html, skip: &SkipRules) -> (Vec<ElementRef<'a>>, Vec<Block>) {
    let containers = find_containers(doc, skip);
    let mut blocks = Vec::new();
    for container in &containers {
        blocks.extend(Walker::new(skip).run(*container));
    }
    (containers, blocks)
}

pub(crate) fn extract(text: &str, opts: &ExtractOptions) -> Article {
    let doc = Html::parse_document(text);
    let metadata = meta::Metadata::read(&doc);
    let skip = SkipRules::new(opts, &doc, Relax::default());
    let (mut containers, mut blocks) = read_story(&doc, &skip);
    // A boilerplate rule must never remove the only substantial text on the
    // page: when what is left is tiny, relax the rules one at a time and keep
    // a reading that finds several times more.
    for (relax, rule) in RELAXATIONS {
        let read = chars_read(&blocks);
        if read >= TINY_STORY_CHARS {
            break;
        }
        let relaxed = SkipRules::new(opts, &doc, *relax);
        let (c, b) = read_story(&doc, &relaxed);
        let relaxed_read = chars_read(&b);
        if relaxed_read > 2 * read + 40 {
            tracing::info!(
                "extract: the story was {read} characters; relaxing the rule on {rule} reads \
                 {relaxed_read}"
            );
            containers = c;
            blocks = b;
        } else {
            tracing::debug!(
                "extract: the story is {read} characters; relaxing the rule on {rule} reads \
                 {relaxed_read}, not kept"
            );
        }
    }
    if let Some(body) = &metadata.article_body {
        // A page rendered by scripts holds little but a loading shell; its
        // JSON-LD `articleBody` is then the story. A page that shows more
        // than a teaser of it is read as shown.
        let shown: usize = blocks.iter().map(|b| b.text.chars().count()).sum();
        if shown * 2 < body.chars().count() {
            let from_ld = blocks_from_article_body(body, &skip);
            if !from_ld.is_empty() {
                blocks = from_ld;
            }
        }
    }
    if let Some(byline) = &metadata.byline {
        blocks.retain(|b| !repeats_byline(&b.text, byline));
        drop_author_bio(&mut blocks, byline);
    }
    // A heading with nothing after it titled furniture that was skipped (a
    // "Quick links" box after the story).
    while blocks.last().is_some_and(|b| b.kind == BlockKind::Heading) {
        blocks.pop();
    }
    let h1 = selector("h1");
    let first_h1 = containers
        .iter()
        .find_map(|c| c.select(&h1).next())
        .or_else(|| doc.select(&h1).next())
        .map(element_text)
        .filter(|t| !t.is_empty());
    let title = metadata
        .headline
        .or(metadata.og_title)
        .or(first_h1)
        .or(metadata.html_title);
    // A heading or paragraph that only repeats the title is read once, as the title.
    if let (Some(title), Some(first)) = (&title, blocks.first()) {
        if first.text.eq_ignore_ascii_case(title) {
            blocks.remove(0);
        }
    }
    let published = metadata.published.or_else(|| {
        containers
            .iter()
            .find_map(|c| first_time_datetime(*c))
            .or_else(|| first_time_datetime(doc.root_element()))
    });
    Article {
        title,
        byline: metadata.byline,
        published,
        language: metadata.language,
        blocks,
    }
}

/// The author's bio box after the story: trailing paragraphs that open with
/// a byline name and say who they are ("Jane Doe is a writer and editor
/// who…", "Jane Doe has covered…"), with the short lines of name or role
/// ("Contributing Writer") set just before them.
fn drop_author_bio(blocks: &mut Vec<Block>, byline: &str) {
    let names: Vec<String> = byline
        .split([',', '&', ';'])
        .flat_map(|part| part.split(" and "))
        .map(|name| name.trim().trim_start_matches("By ").trim().to_string())
        .filter(|name| name.split_whitespace().count() >= 2)
        .collect();
    if names.is_empty() {
        return;
    }
    let is_bio = |text: &str| {
        names.iter().any(|name| {
            text.strip_prefix(name.as_str()).is_some_and(|rest| {
                const VERBS: &[&str] = &[
                    " is ",
                    " has ",
                    " was ",
                    " writes ",
                    " covers ",
                    " joined ",
                    " reports ",
                    " lives ",
                    ", a ",
                    ", an ",
                    ", the ",
                ];
                VERBS.iter().any(|v| rest.starts_with(v))
            })
        })
    };
    let Some(last_bio) = blocks
        .iter()
        .rposition(|b| b.kind == BlockKind::Paragraph && is_bio(&b.text))
    else {
        return;
    };
    // Only a bio box that ends the story: after it, at most more bios and
    // short lines.
    let short = |b: &Block| b.text.split_whitespace().count() <= 6 && !b.text.ends_with('.');
    if !blocks[last_bio + 1..]
        .iter()
        .all(|b| short(b) || is_bio(&b.text))
    {
        return;
    }
    let mut start = last_bio;
    while start > 0 && (is_bio(&blocks[start - 1].text) || short(&blocks[start - 1])) {
        start -= 1;
    }
    // Never the whole story.
    if start == 0 {
        return;
    }
    tracing::debug!(
        "extract: dropping the author's bio at the end ({} block(s))",
        blocks.len() - start
    );
    blocks.truncate(start);
}

/// A short line in the body that only restates the byline: "By Jane Doe |
/// Staff Writer", "Jane Doe".
fn repeats_byline(text: &str, byline: &str) -> bool {
    let text = text.to_lowercase();
    let name = byline.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    let rest = text.strip_prefix("by ").unwrap_or(&text).trim_start();
    text.chars().count() <= name.chars().count() + 40
        && (text == name || (text.starts_with("by ") && rest.starts_with(&name)))
}

/// JSON-LD `articleBody`: HTML or plain text with newlines between paragraphs.
fn blocks_from_article_body(body: &str, skip: &SkipRules) -> Vec<Block> {
    if body.contains("</p>") || body.contains("<br") {
        let fragment = Html::parse_fragment(body);
        return Walker::new(skip).run(fragment.root_element());
    }
    let mut sink = BlockSink::default();
    for paragraph in body.split('\n') {
        sink.push_block(BlockKind::Paragraph, paragraph);
    }
    sink.into_blocks(BlockKind::Paragraph)
}

pub(crate) fn selector(css: &'static str) -> Selector {
    // Only ever called with the literal selectors in this module.
    #[allow(clippy::expect_used)]
    Selector::parse(css).expect("static selector is valid")
}

pub(crate) fn element_text(el: ElementRef<'_>) -> String {
    super::clean::collapse_whitespace(&el.text().collect::<String>())
}

fn first_time_datetime(root: ElementRef<'_>) -> Option<String> {
    root.select(&selector("time[datetime]"))
        .find_map(|t| t.attr("datetime"))
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
}

// ---------------------------------------------------------------------------
// Choosing the container

/// The element(s) whose content is the article, in document order.
///
/// Explicit markup wins: `articleBody` microdata or RDFa (all of them: some sites
/// split the body around ads), then the `<article>`, then `<main>` holding
/// most of the page's readable text; otherwise the element with the best
/// paragraph score, as Readability does; otherwise `<body>`.
fn find_containers<'a>(doc: &'a Html, skip: &SkipRules) -> Vec<ElementRef<'a>> {
    let root = doc.root_element();
    let page_chars = skip.paragraph_chars(root, Strictness::Protecting);

    let bodies: Vec<ElementRef<'a>> = outermost(
        doc.select(&selector(
            "[itemprop~=articleBody], [property~=articleBody]",
        ))
        .filter(|e| !skip.inside_skipped(*e))
        .filter(|e| skip.paragraph_chars(*e, Strictness::Protecting) > 0)
        .collect(),
    );
    if !bodies.is_empty() {
        tracing::debug!(
            "extract: container: {} articleBody element(s)",
            bodies.len()
        );
        return bodies;
    }
    for css in ["article", "main, [role=main]"] {
        let mut candidates: Vec<(usize, ElementRef<'a>)> =
            outermost(doc.select(&selector(css)).collect())
                .into_iter()
                .filter(|e| !skip.inside_skipped(*e))
                .map(|e| (skip.paragraph_chars(e, Strictness::Protecting), e))
                .collect();
        candidates.sort_by_key(|(chars, _)| std::cmp::Reverse(*chars));
        if let Some(&(chars, el)) = candidates.first() {
            let runner_up = candidates.get(1).map_or(0, |(c, _)| *c);
            // The story holds most of the page's text; a teaser <article>
            // in a sidebar does not, nor does one post of a live blog. A
            // story followed by a row of teaser <article>s may hold less than
            // half the page, but it dwarfs each of them.
            let dominant = runner_up * 2 < chars && chars * 2 >= page_chars;
            let among_teasers = css == "article"
                && runner_up * 2 < chars
                && chars * 4 >= page_chars
                && candidates
                    .iter()
                    .skip(1)
                    .all(|(_, other)| is_teaser_card(*other, skip));
            if chars > 0 && (dominant || among_teasers) {
                tracing::debug!(
                    "extract: container: <{}> holding {chars} of {page_chars} characters",
                    describe(el)
                );
                return vec![el];
            }
        }
    }
    if let Some(best) = best_scored(doc, skip) {
        let best_chars = skip.paragraph_chars(best, Strictness::Protecting);
        // The best-scored block holds a small part of the page's text: a
        // disclaimer with many commas can outscore a story cut into many
        // small blocks. The element where most of the text sits wins then.
        if best_chars * 3 < page_chars {
            if let Some((mass, chars)) = text_mass(root, skip, page_chars) {
                if chars >= 2 * best_chars {
                    tracing::debug!(
                        "extract: container: <{}> holding {chars} of {page_chars} characters, \
                         not the best scored <{}> ({best_chars})",
                        describe(mass),
                        describe(best)
                    );
                    return vec![mass];
                }
            }
        }
        tracing::debug!("extract: container: best scored <{}>", describe(best));
        return vec![best];
    }
    doc.select(&selector("body"))
        .next()
        .map_or_else(|| vec![root], |b| vec![b])
}

/// An `<article>` that points at another story: a linked heading, or text
/// that is mostly links.
fn is_teaser_card(article: ElementRef<'_>, skip: &SkipRules) -> bool {
    let LinkStats { total, linked, .. } = skip.links(article);
    article
        .select(&selector(
            "h2 a[href], h3 a[href], h4 a[href], h5 a[href], a[href] h2, a[href] h3, a[href] h4",
        ))
        .next()
        .is_some()
        || linked * 2 > total
}

/// The deepest element holding at least 60 % of the page's `page_chars`
/// paragraph characters, found by stepping from `<body>` into the child
/// holding the most while it still holds that much.
fn text_mass<'a>(
    root: ElementRef<'a>,
    skip: &SkipRules,
    page_chars: usize,
) -> Option<(ElementRef<'a>, usize)> {
    let need = page_chars * 3 / 5;
    let mut at = root.select(&selector("body")).next()?;
    let mut chars = skip.paragraph_chars(at, Strictness::Protecting);
    if chars < need || need == 0 {
        return None;
    }
    // Real pages nest a few dozen levels; the bound keeps pathological
    // nesting from costing a walk of the subtree per level.
    for _ in 0..64 {
        let best_child = at
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| !skip.skips(*c))
            .map(|c| (c, skip.paragraph_chars(c, Strictness::Protecting)))
            .max_by_key(|(_, n)| *n);
        match best_child {
            Some((child, n)) if n >= need => {
                at = child;
                chars = n;
            }
            _ => return Some((at, chars)),
        }
    }
    Some((at, chars))
}

/// `tag.class#id` of an element, for the debug log.
fn describe(el: ElementRef<'_>) -> String {
    let e = el.value();
    let mut out = e.name().to_string();
    for class in e.classes().take(3) {
        out.push('.');
        out.push_str(class);
    }
    if let Some(id) = e.id() {
        out.push('#');
        out.push_str(id);
    }
    out
}

/// Drops elements nested inside another element of the list.
fn outermost(elements: Vec<ElementRef<'_>>) -> Vec<ElementRef<'_>> {
    elements
        .iter()
        .filter(|e| {
            !e.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| elements.contains(&a))
        })
        .copied()
        .collect()
}

/// The share of the best candidate's score its parent must reach to be taken instead.
const CLIMB_SHARE: f64 = 0.75;

/// Readability-style scoring: each paragraph of 25+ characters scores for
/// its length and commas; its parent gets the score, its grandparent half.
fn best_scored<'a>(doc: &'a Html, skip: &SkipRules) -> Option<ElementRef<'a>> {
    // In first-seen order, so ties go to the earlier element.
    let mut scores: Vec<(ElementRef<'a>, f64)> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    let mut add = |el: ElementRef<'a>, score: f64| {
        let at = *index.entry(node_key(el)).or_insert_with(|| {
            scores.push((el, 0.0));
            scores.len() - 1
        });
        if let Some(entry) = scores.get_mut(at) {
            entry.1 += score;
        }
    };
    // One walk that never enters skipped elements, so each element is
    // weighed once however deep the markup.
    let root = doc.root_element();
    walk(root, |step| {
        let Step::Open(node) = step else {
            return true;
        };
        let Some(el) = ElementRef::wrap(node) else {
            return true;
        };
        if el != root && skip.skips(el) {
            return false;
        }
        let name = el.value().name();
        let text = if name == "p" {
            element_text(el)
        } else if PARAGRAPH_STANDINS.contains(&name) {
            // A <div> standing in for a <p>: only its own text counts.
            own_text(el)
        } else {
            return true;
        };
        let len = text.chars().count();
        if len >= 25 {
            let score = 1.0 + text.matches(',').count() as f64 + (len as f64 / 100.0).min(3.0);
            // As Readability: the parent gets the score, the grandparent
            // half, and ancestors up to five levels a share that shrinks
            // with the distance, so a story cut into many small blocks
            // (page builders) still adds up in the element holding them all.
            for (level, ancestor) in el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .take(5)
                .enumerate()
            {
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => level as f64 * 3.0,
                };
                add(ancestor, score / divider);
            }
        }
        true
    });
    // Text that is mostly links is a menu or a list of teasers.
    for (el, score) in &mut scores {
        let LinkStats { total, linked, .. } = skip.links(*el);
        if total > 0 {
            *score *= 1.0 - linked as f64 / total as f64;
        }
    }
    // Not `max_by`, which would give a tie to the later element.
    let (top, top_score) =
        scores
            .iter()
            .copied()
            .fold(
                None,
                |best: Option<(ElementRef<'a>, f64)>, candidate| match best {
                    Some(b) if b.1 >= candidate.1 => Some(b),
                    _ => Some(candidate),
                },
            )?;
    if tracing::enabled!(tracing::Level::TRACE) {
        let mut ranked: Vec<&(ElementRef<'a>, f64)> = scores.iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (el, score) in ranked.into_iter().take(8) {
            tracing::trace!("extract: candidate <{}> {score:.1}", describe(*el));
        }
    }
    // A parent scoring nearly as high as the best holds much more than the half
    // of the best's score it gets from it: the story goes on in the best's
    // siblings (sections under one body, each with its heading). Readability
    // climbs when a parent scores higher; a page of many sections, each scored
    // apart, needs the climb a little earlier.
    let score_of = |el: ElementRef<'a>| {
        index
            .get(&node_key(el))
            .and_then(|&k| scores.get(k))
            .map_or(0.0, |(_, s)| *s)
    };
    if let Some(parent) = top.parent().and_then(ElementRef::wrap) {
        if !matches!(parent.value().name(), "body" | "html")
            && score_of(parent) >= CLIMB_SHARE * top_score
        {
            tracing::debug!(
                "extract: the parent <{}> of the best scored <{}> scores {:.1} of its {top_score:.1}",
                describe(parent),
                describe(top),
                score_of(parent)
            );
            return Some(parent);
        }
    }
    // Several near-best candidates under one ancestor are parts of one story
    // (Readability's rule): that ancestor holds it all.
    let close: Vec<ElementRef<'a>> = scores
        .iter()
        .filter(|(el, score)| *el != top && *score >= 0.75 * top_score)
        .map(|(el, _)| *el)
        .collect();
    if close.len() >= 3 {
        for ancestor in top.ancestors().filter_map(ElementRef::wrap) {
            if matches!(ancestor.value().name(), "body" | "html") {
                break;
            }
            let inside = close
                .iter()
                .filter(|c| c.ancestors().any(|a| a.id() == ancestor.id()))
                .count();
            if inside >= 3 {
                return Some(ancestor);
            }
        }
    }
    Some(top)
}

type NodeRef<'a> = <ElementRef<'a> as std::ops::Deref>::Target;

/// Identifies an element of one parsed document (its address in the tree).
fn node_key(el: ElementRef<'_>) -> usize {
    std::ptr::from_ref(el.value()) as usize
}

/// A step of a depth-first walk.
enum Step<'a> {
    Open(NodeRef<'a>),
    Close(NodeRef<'a>),
}

/// Depth-first walk of the subtree at `root` without recursion, so deeply
/// nested markup cannot overflow the stack. `visit` returns `false` on an
/// `Open` to skip the node: no children, no `Close`.
fn walk<'a>(root: ElementRef<'a>, mut visit: impl FnMut(Step<'a>) -> bool) {
    let root: NodeRef<'a> = *root;
    let mut node = root;
    loop {
        if visit(Step::Open(node)) {
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
            visit(Step::Close(node));
        }
        // `node` is finished: move to its next sibling, closing the parents
        // whose last child it was.
        loop {
            if node == root {
                return;
            }
            if let Some(sibling) = node.next_sibling() {
                node = sibling;
                break;
            }
            match node.parent() {
                Some(parent) => {
                    node = parent;
                    visit(Step::Close(node));
                }
                None => return,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// What to skip

/// Elements that are never article text.
const SKIP_TAGS: &[&str] = &[
    "amp-ad",
    "amp-analytics",
    "amp-consent",
    "amp-embed",
    "amp-sidebar",
    "amp-social-share",
    "amp-sticky-ad",
    "aside",
    "audio",
    "button",
    "canvas",
    "dialog",
    "embed",
    "footer",
    "h1",
    "iframe",
    "img",
    "input",
    "label",
    "link",
    "map",
    "menu",
    "meta",
    "nav",
    "noscript",
    "object",
    "picture",
    "script",
    "select",
    "source",
    "style",
    "svg",
    "template",
    "textarea",
    "track",
    "video",
];

/// ARIA roles of page furniture.
const SKIP_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
];

/// Class/id words of furniture, matched as whole words of a class or id
/// ("news-feed" matches "feed"; "header" does not match "ad").
const SKIP_WORDS: &[&str] = &[
    "ad",
    "advert",
    "also-read",
    "read-also",
    "lire-aussi",
    "pub",
    "audio-player",
    "author",
    "banner",
    "byline",
    "comment",
    "consent",
    "credit",
    "editor-picks",
    "editors-choice",
    "editors-pick",
    "feed",
    "footer",
    "gdpr",
    "header",
    "masthead",
    "menu",
    "meta",
    "modal",
    "more-news",
    "most-popular",
    "most-read",
    "mostread",
    "nav",
    "navbar",
    "off-screen",
    "offscreen",
    "navigation",
    "overlay",
    "player",
    "popular",
    "popup",
    "pull-quote",
    "pullquote",
    "read-more",
    "screen-reader-text",
    "see-also",
    "share",
    "sharing",
    "skip-link",
    "sr-only",
    "tag",
    "teaser",
    "fade",
    "toolbar",
    "truncated",
    "tweet",
    "instagram-media",
    "tiktok-embed",
    "visually-hidden",
    "visuallyhidden",
    "copyright",
    "widget",
];

/// Furniture words that page builders also put on every block of the page
/// (SiteOrigin's `so-panel widget widget_text`): a name starting with one is
/// a stem (see [`SkipRules::framework_stems`]) like a namespaced one.
const PAGE_BUILDER_WORDS: &[&str] = &["widget"];

/// Class/id word beginnings of furniture ("relatedArticles", "newsletter-box").
const SKIP_PREFIXES: &[&str] = &[
    "advertis",
    "breadcrumb",
    "cookie",
    "newsletter",
    "outbrain",
    "paywall",
    "promo",
    "recirc",
    "recommend",
    "related",
    "sidebar",
    "signup",
    "social",
    "sponsor",
    "subscri",
    "taboola",
    "trending",
];

/// What the skip rules make of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    /// Never article text: by tag, role or hidden state.
    Skip,
    /// Looks like furniture by its class/id or links: skipped unless it holds
    /// most of the page's text (a `<div class="content has-sidebar">`).
    Furniture,
}

/// Skip rules switched off for a second reading (see [`RELAXATIONS`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Relax {
    /// Class/id words, link lists and forms: never [`Verdict::Furniture`].
    furniture: bool,
    /// `hidden`, `aria-hidden`, `display: none` are read.
    hidden: bool,
}

struct SkipRules {
    opts: ExtractOptions,
    relax: Relax,
    /// Class-name stems that end in a furniture word as part of a
    /// framework's naming (`elementor-widget` of `elementor-widget-container`
    /// on every block of the page), so say nothing about the block; only
    /// the rest of such a name is weighed (`sidebar` of
    /// `elementor-widget-sidebar`). Normalized as in `verdict`.
    framework_stems: HashSet<String>,
    /// Verdicts already reached, by [`node_key`]: every walk asks about
    /// every element, and a verdict matches dozens of words against names.
    verdicts: RefCell<HashMap<usize, Verdict>>,
    /// Link statistics of every element of the page, by [`node_key`].
    link_stats: HashMap<usize, LinkStats>,
    /// Layout verdicts of `<table>`s, by [`node_key`].
    layout_tables: RefCell<HashMap<usize, bool>>,
    /// Paragraph characters of the whole page outside never-read elements.
    page_chars: usize,
    /// Furniture verdicts already weighed, by [`node_key`]: weighing walks
    /// the element's subtree, and the scorer asks about every ancestor.
    furniture_skipped: RefCell<HashMap<usize, bool>>,
    /// The page's words, lower-cased and space-separated (outside scripts
    /// and styles), made when a pull quote first asks whether it repeats.
    page_words: OnceCell<String>,
}

impl SkipRules {
    fn new(opts: &ExtractOptions, doc: &Html, relax: Relax) -> SkipRules {
        let mut rules = SkipRules {
            opts: *opts,
            relax,
            framework_stems: HashSet::new(),
            layout_tables: RefCell::new(HashMap::new()),
            verdicts: RefCell::new(HashMap::new()),
            link_stats: link_stats(doc.root_element()),
            page_chars: 0,
            furniture_skipped: RefCell::new(HashMap::new()),
            page_words: OnceCell::new(),
        };
        rules.page_chars = rules.paragraph_chars(doc.root_element(), Strictness::Structural);
        rules.framework_stems = rules.framework_stems(doc);
        // Verdicts so far were reached without the framework stems.
        rules.verdicts.borrow_mut().clear();
        rules
    }

    /// Stems of class names with a furniture word after a namespace
    /// (`elementor-widget` of `elementor-widget-text-editor`; never `widget`
    /// or `widget-area`) whose elements together hold most of the page's
    /// text: a framework names every block that way, story and furniture
    /// alike, so the stem cannot tell them apart.
    fn framework_stems(&self, doc: &Html) -> HashSet<String> {
        let mut carriers: HashMap<String, Vec<ElementRef<'_>>> = HashMap::new();
        let mut stems: HashMap<&str, Option<String>> = HashMap::new();
        for el in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            for class in el.value().classes() {
                // Pages repeat a few hundred class names over thousands of
                // elements: each is weighed once.
                let stem = stems.entry(class).or_insert_with(|| {
                    let name = normalize_name(class);
                    furniture_stem(&name).map(|(stem, _)| stem.to_string())
                });
                if let Some(stem) = stem {
                    let list = carriers.entry(stem.clone()).or_default();
                    if list.last() != Some(&el) {
                        list.push(el);
                    }
                }
            }
        }
        let mut framework = HashSet::new();
        for (name, elements) in carriers {
            let keys: HashSet<usize> = elements.iter().map(|e| node_key(*e)).collect();
            let chars: usize = elements
                .iter()
                .filter(|e| {
                    !e.ancestors()
                        .filter_map(ElementRef::wrap)
                        .any(|a| keys.contains(&node_key(a)))
                })
                .map(|e| self.paragraph_chars(*e, Strictness::Structural))
                .sum();
            if chars * 2 > self.page_chars {
                framework.insert(name);
            }
        }
        framework
    }

    /// Whether `table` lays out the page rather than holding data: older
    /// sites put the whole story in a cell. A presentation role, a nested
    /// table, or cells holding paragraphs and other blocks with real text.
    fn is_layout_table(&self, table: ElementRef<'_>) -> bool {
        let key = node_key(table);
        if let Some(&layout) = self.layout_tables.borrow().get(&key) {
            return layout;
        }
        let layout = table
            .attr("role")
            .is_some_and(|r| matches!(r.trim(), "presentation" | "none"))
            || table.select(&selector("table")).any(|t| t != table)
            || (table
                .select(&selector(
                    "p, div, h2, h3, h4, h5, h6, ul, ol, blockquote, article, section, main",
                ))
                .next()
                .is_some()
                && table.select(&selector("td, th")).any(|cell| {
                    cell.text().map(|t| t.trim().chars().count()).sum::<usize>() > 200
                }));
        self.layout_tables.borrow_mut().insert(key, layout);
        layout
    }

    /// A cell of a layout table is a block of its own; a data table's cells
    /// join their row.
    fn role_of(&self, el: ElementRef<'_>) -> Role {
        let role = role(el.value().name());
        if role != Role::Cell {
            return role;
        }
        let table = el
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "table");
        if table.is_some_and(|t| self.is_layout_table(t)) {
            Role::Block(None)
        } else {
            role
        }
    }

    /// Link statistics of `el` (computed afresh for an element of another
    /// document, such as JSON-LD `articleBody` markup).
    fn links(&self, el: ElementRef<'_>) -> LinkStats {
        self.link_stats
            .get(&node_key(el))
            .copied()
            .unwrap_or_else(|| link_density_parts(el))
    }

    /// Whether `el` and everything inside it is not article text.
    fn skips(&self, el: ElementRef<'_>) -> bool {
        match self.verdict(el) {
            Verdict::Keep => false,
            Verdict::Skip => true,
            Verdict::Furniture => {
                let key = node_key(el);
                if let Some(&skipped) = self.furniture_skipped.borrow().get(&key) {
                    return skipped;
                }
                let skipped =
                    self.paragraph_chars(el, Strictness::Structural) * 2 <= self.page_chars;
                self.furniture_skipped.borrow_mut().insert(key, skipped);
                skipped
            }
        }
    }

    /// Whether some ancestor of `el` is skipped.
    fn inside_skipped(&self, el: ElementRef<'_>) -> bool {
        el.ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| self.skips(a))
    }

    fn verdict(&self, el: ElementRef<'_>) -> Verdict {
        let key = node_key(el);
        if let Some(&verdict) = self.verdicts.borrow().get(&key) {
            return verdict;
        }
        let verdict = self.weigh(el);
        self.verdicts.borrow_mut().insert(key, verdict);
        verdict
    }

    fn weigh(&self, el: ElementRef<'_>) -> Verdict {
        let e = el.value();
        let name = e.name();
        if matches!(name, "html" | "body") {
            return Verdict::Keep;
        }
        if SKIP_TAGS.contains(&name) {
            return Verdict::Skip;
        }
        let optional = match name {
            "figcaption" => !self.opts.read_captions,
            // A figure is an image with its caption, unless it holds text of
            // its own: a quotation or paragraphs set as a figure.
            // A table set in a figure (WordPress's table block) is a table:
            // the table decides, and its caption stays out with captions.
            "figure" => {
                !self.opts.read_captions
                    && !figure_holds_text(el)
                    && el.select(&selector("table")).next().is_none()
            }
            "pre" => !self.opts.read_code,
            // Inline code reads as part of its sentence; a multi-line block does not.
            "code" => !self.opts.read_code && el.text().any(|t| t.contains('\n')),
            "table" => !self.opts.read_tables && !self.is_layout_table(el) && !is_prose_table(el),
            "sup" => is_footnote_marker(el),
            // A date standing alone is a dateline; the intro reads the date.
            "time" => is_standalone(el),
            _ => false,
        };
        if optional
            || (!self.relax.hidden
                && is_hidden(e)
                && !is_streamed_segment(e)
                && !is_collapsed_panel(e))
        {
            return Verdict::Skip;
        }
        if e.attr("role")
            .is_some_and(|r| SKIP_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
        {
            return Verdict::Skip;
        }
        if self.relax.furniture {
            return Verdict::Keep;
        }
        // A form is furniture (search, sign-up, comment forms) unless it
        // holds most of the page: ASP.NET wraps the whole page in one. So is
        // a header, which Webflow sites also use for the story's section.
        if matches!(name, "form" | "header") {
            return Verdict::Furniture;
        }
        let names = self.names_of(e);
        let furniture = (!self.opts.read_captions && has_word(&names, "caption"))
            || heads_related_links(el, self)
            || (is_furniture_name(&names)
                && !is_heading_anchor(name, &names)
                && !self.is_unique_pull_quote(el, &names)
                && !self.wraps_prose(el))
            || (matches!(name, "ul" | "ol") && is_link_list(el, self.links(el)))
            || (matches!(name, "div" | "section") && is_link_block(self.links(el)))
            || (name == "p" && is_link_line(self.links(el)))
            || (name == "a" && is_call_to_action(el, self.links(el)));
        if furniture {
            Verdict::Furniture
        } else {
            Verdict::Keep
        }
    }

    /// The names an element goes by, normalized: its classes (a framework's
    /// stem taken off where the page names every block with it), its id and
    /// the component names of React-built sites (`data-component="byline-block"`).
    fn names_of(&self, e: &scraper::node::Element) -> String {
        let mut names = String::new();
        for class in e.classes() {
            let class = normalize_name(class);
            match furniture_stem(&class) {
                Some((stem, rest)) if self.framework_stems.contains(stem) => names.push_str(rest),
                _ => names.push_str(&class),
            }
            names.push(' ');
        }
        if let Some(id) = e.id() {
            names.push_str(id);
            names.push(' ');
        }
        for attr in ["data-component", "data-testid"] {
            if let Some(v) = e.attr(attr) {
                names.push_str(v);
                names.push(' ');
            }
        }
        normalize_name(&names)
    }

    /// Whether three or more paragraphs of unlinked sentences stand as
    /// children of `block`.
    fn holds_prose(&self, block: ElementRef<'_>) -> bool {
        block
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|p| p.value().name() == "p" && is_prose_paragraph(*p, self.links(*p)))
            .count()
            >= 3
    }

    /// Whether a block named as furniture is, or wraps, a block of the
    /// story's own prose: three or more paragraphs of unlinked sentences of
    /// its own, or in a child block (Consumer Reports's
    /// `rel-article-wrapper`, ids and all named "related articles", holds
    /// the related links box and then the next paragraphs of the story).
    /// Its children are then weighed one by one, so the links box still
    /// goes; a furniture ancestor (a comments section) still skips it all.
    fn wraps_prose(&self, el: ElementRef<'_>) -> bool {
        let is_block = |e: ElementRef<'_>| matches!(e.value().name(), "div" | "section");
        is_block(el)
            && (self.holds_prose(el)
                || el.children().filter_map(ElementRef::wrap).any(|child| {
                    is_block(child) && (self.holds_prose(child) || self.prose_below(child, 3))
                }))
    }

    /// Whether three or more prose paragraphs stand together in a block up
    /// to `depth` levels of plain wrappers below `el` (a listicle's
    /// `listicle-header` section holds its introduction in `div > div >
    /// div.listicle-intro`). Only wrappers whose class and id name no
    /// furniture are gone through, so a comment in a comments list is not
    /// reached.
    fn prose_below(&self, el: ElementRef<'_>, depth: usize) -> bool {
        depth > 0
            && el.children().filter_map(ElementRef::wrap).any(|child| {
                matches!(child.value().name(), "div" | "section")
                    && !is_furniture_name(&self.names_of(child.value()))
                    && (self.holds_prose(child) || self.prose_below(child, depth - 1))
            })
    }

    /// A pull quote repeats a line of the story in large type and is not
    /// read twice; a "pull quote" whose words appear nowhere else on the page
    /// (a customer's testimonial set that way) is the story's own text.
    fn is_unique_pull_quote(&self, el: ElementRef<'_>, names: &str) -> bool {
        if !(has_word(names, "pull-quote") || has_word(names, "pullquote")) {
            return false;
        }
        let others = names.replace("pull-quote", " ").replace("pullquote", " ");
        if is_furniture_name(&others) {
            return false;
        }
        let quote = words_of(el.text());
        let quote: Vec<&str> = quote.split(' ').filter(|w| !w.is_empty()).collect();
        const WINDOW: usize = 6;
        if quote.len() < WINDOW {
            return false;
        }
        let page = self.page_words.get_or_init(|| {
            let root = el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .last()
                .unwrap_or(el);
            let texts = root.descendants().filter_map(|n| {
                let text = n.value().as_text()?;
                let parent = n.parent().and_then(ElementRef::wrap)?;
                (!matches!(parent.value().name(), "script" | "style")).then_some(&**text)
            });
            format!(" {} ", words_of(texts))
        });
        let middle = quote.len().saturating_sub(WINDOW) / 2;
        [0, middle].iter().all(|&at| {
            let window = format!(" {} ", quote[at..at + WINDOW].join(" "));
            page.matches(&window).count() < 2
        })
    }

    /// Characters of paragraph text under `root` that would be read.
    fn paragraph_chars(&self, root: ElementRef<'_>, strictness: Strictness) -> usize {
        let skipped = |el: ElementRef<'_>| match strictness {
            Strictness::Structural => self.verdict(el) == Verdict::Skip,
            Strictness::Protecting => self.skips(el),
        };
        let mut chars = 0;
        let mut in_paragraph = 0usize;
        walk(root, |step| {
            match step {
                Step::Open(node) => match node.value() {
                    Node::Element(e) => {
                        let Some(el) = ElementRef::wrap(node) else {
                            return false;
                        };
                        if el != root && skipped(el) {
                            return false;
                        }
                        if e.name() == "p" {
                            in_paragraph += 1;
                        }
                    }
                    Node::Text(text) if in_paragraph > 0 || holds_paragraph_text(node) => {
                        chars += text.trim().chars().count();
                    }
                    _ => {}
                },
                Step::Close(node) => {
                    if node.value().as_element().is_some_and(|e| e.name() == "p") {
                        in_paragraph = in_paragraph.saturating_sub(1);
                    }
                }
            }
            true
        });
        chars
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// Only never-read elements are skipped; furniture counts.
    Structural,
    /// Furniture holding most of the page's text is read.
    Protecting,
}

/// Class/id names compared lower-cased, with `_` as `-`.
fn normalize_name(name: &str) -> String {
    name.to_lowercase().replace('_', "-")
}

/// `name` split after its first furniture word part when a namespace that is
/// not furniture comes before it: `elementor-widget-text-editor` →
/// (`elementor-widget`, `text-editor`); `widget-area` and `post` → `None`.
fn furniture_stem(name: &str) -> Option<(&str, &str)> {
    let first = name.split('-').next().unwrap_or(name);
    if PAGE_BUILDER_WORDS.contains(&first) {
        return Some((first, name.get(first.len() + 1..).unwrap_or("")));
    }
    let (namespace, _) = name.split_once('-')?;
    if is_furniture_part(namespace) {
        return None;
    }
    let mut end = namespace.len();
    for part in name[namespace.len() + 1..].split('-') {
        end += 1 + part.len();
        if !part.is_empty() && is_furniture_part(part) {
            let rest = name.get(end + 1..).unwrap_or("");
            return Some((&name[..end], rest));
        }
    }
    None
}

/// Whether one part of a name (no spaces or hyphens) is a furniture word
/// (or its plural) or begins like one: [`is_furniture_name`] for one word,
/// without searching.
fn is_furniture_part(part: &str) -> bool {
    SKIP_WORDS
        .iter()
        .any(|w| part == *w || part.strip_suffix('s') == Some(*w))
        || SKIP_PREFIXES.iter().any(|p| part.starts_with(p))
}

/// Whether normalized `names` holds a furniture word or word beginning.
fn is_furniture_name(names: &str) -> bool {
    SKIP_WORDS.iter().any(|w| has_word(names, w))
        || SKIP_PREFIXES.iter().any(|p| has_prefix(names, p))
}

/// A segment a streaming renderer sends hidden and a script moves into the
/// page (React's `<div hidden id="S:0">`): the content, not hidden content.
fn is_streamed_segment(e: &scraper::node::Element) -> bool {
    e.attr("hidden").is_some() && e.id().is_some_and(|id| id.starts_with("S:"))
}

/// A table of words rather than figures, read like paragraphs: either its
/// cells are sentences (pros and cons side by side, a question and its
/// answer: two thirds of its non-empty cells, and at least two, hold eight or
/// more words ending in a full stop, question or exclamation mark), or it is a
/// grid of phrases (at least three rows of two or more cells, averaging three
/// and a half words a cell, with hardly a digit: "Pros | Cons" lists, a
/// comparison of methods, pests and the damage they do). Prices, scores and
/// specifications stay out.
fn is_prose_table(table: ElementRef<'_>) -> bool {
    let mut cells = 0usize;
    let mut data_cells = 0usize;
    let mut sentences = 0usize;
    let mut words = 0usize;
    let mut chars = 0usize;
    let mut digits = 0usize;
    for cell in table.select(&selector("td, th")) {
        let text = element_text(cell);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        cells += 1;
        let n = text.split_whitespace().count();
        words += n;
        chars += text.chars().filter(|c| !c.is_whitespace()).count();
        digits += text.chars().filter(char::is_ascii_digit).count();
        if cell.value().name() == "td" {
            data_cells += 1;
            if n >= 8 && text.ends_with(['.', '!', '?', '…']) {
                sentences += 1;
            }
        }
        // Enough seen: a table of figures will not turn into prose.
        if cells >= 60 {
            break;
        }
    }
    if sentences >= 2 && sentences * 3 >= data_cells * 2 {
        return true;
    }
    let rows = table
        .select(&selector("tr"))
        .filter(|row| {
            row.children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .count()
                >= 2
        })
        .count();
    rows >= 3 && words * 2 >= cells * 7 && digits * 50 < chars.max(1)
}

/// A collapsed accordion or tab panel: hidden until its heading is clicked,
/// but part of the page's text (FAQ answers, guide sections).
fn is_collapsed_panel(e: &scraper::node::Element) -> bool {
    if e.attr("role")
        .is_some_and(|r| matches!(r.trim(), "region" | "tabpanel"))
    {
        return true;
    }
    let mut names = String::new();
    for class in e.classes() {
        names.push_str(&normalize_name(class));
        names.push(' ');
    }
    [
        "accordion",
        "collaps",
        "tab-pane",
        "tabpanel",
        "tab-panel",
        "faq",
    ]
    .iter()
    .any(|p| has_prefix(&names, p))
}

/// A box whose first element is a heading such as "Related stories" or "More
/// from Transport": teasers for other stories.
fn heads_related_links(el: ElementRef<'_>, skip: &SkipRules) -> bool {
    if !matches!(role(el.value().name()), Role::Block(None)) || el.value().name() == "p" {
        return false;
    }
    el.children()
        .filter_map(ElementRef::wrap)
        .next()
        // Only a short first element can be such a heading; not reading a
        // long one keeps deeply nested markup linear.
        .filter(|first| skip.links(*first).total <= 80 && first.descendants().nth(16).is_none())
        .is_some_and(|first| super::clean::is_related_heading(&element_text(first)))
}

/// A `<div>` of three or more links and (almost) nothing else: teaser cards
/// and menus built without a list.
/// A paragraph of sentences: long enough, ending as a sentence ends, and
/// mostly not link text.
fn is_prose_paragraph(p: ElementRef<'_>, stats: LinkStats) -> bool {
    let text: String = p.text().collect();
    let text = text.trim();
    text.chars().count() >= 80
        && text.ends_with(['.', '!', '?', '"', '\u{201d}', ')'])
        && stats.linked * 5 < stats.total.max(1)
}

fn is_link_block(stats: LinkStats) -> bool {
    let LinkStats {
        total,
        linked,
        links,
    } = stats;
    links >= 3 && total > 0 && linked * 10 >= total * 9
}

/// A heading whose only furniture word is `header` (Substack's
/// `header-anchor-post`, `section-header`): a heading is not the site's
/// header.
fn is_heading_anchor(name: &str, names: &str) -> bool {
    matches!(name, "h2" | "h3" | "h4" | "h5" | "h6")
        && has_word(names, "header")
        && !is_furniture_name(&names.replace("header", "h"))
}

/// A short link standing alone in a layout block, with no text around it:
/// a button such as "Book now", "See price at Amazon", "Read full review".
fn is_call_to_action(link: ElementRef<'_>, stats: LinkStats) -> bool {
    if stats.total == 0 || stats.total > 40 || !is_standalone(link) {
        return false;
    }
    link.parent().is_some_and(|parent| {
        parent.children().all(|c| match c.value() {
            Node::Text(t) => t.trim().is_empty() || c == *link,
            _ => true,
        })
    })
}

/// Whether a `<figure>` holds text besides its caption.
fn figure_holds_text(figure: ElementRef<'_>) -> bool {
    figure.select(&selector("blockquote, p, ul, ol")).any(|el| {
        !el.ancestors()
            .filter_map(ElementRef::wrap)
            .take_while(|a| *a != figure)
            .any(|a| a.value().name() == "figcaption")
    })
}

fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() || e.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return true;
    }
    e.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// An inline element that is not part of running text: its parent is
/// structure (a `<div>`, `<header>`), not a paragraph, item or phrase.
fn is_standalone(el: ElementRef<'_>) -> bool {
    el.parent().and_then(ElementRef::wrap).is_some_and(|p| {
        matches!(role(p.value().name()), Role::Block(None)) && p.value().name() != "p"
    })
}

/// A linked reference number such as `<sup><a href="#fn3">[3]</a></sup>`.
fn is_footnote_marker(sup: ElementRef<'_>) -> bool {
    let text: String = sup.text().collect();
    let number = text.trim().trim_start_matches('[').trim_end_matches(']');
    sup.select(&selector("a")).next().is_some()
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// Elements whose own text is paragraph text when a site writes
/// `<div class="body__paragraph">Text</div>` instead of `<p>`.
const PARAGRAPH_STANDINS: &[&str] = &["div", "section", "article", "main", "td", "blockquote"];

/// Whether a text node sits directly in a paragraph stand-in.
fn holds_paragraph_text(text: NodeRef<'_>) -> bool {
    text.parent()
        .and_then(|p| p.value().as_element().map(|e| e.name()))
        .is_some_and(|name| PARAGRAPH_STANDINS.contains(&name))
}

/// The element's own text, without its children's.
fn own_text(el: ElementRef<'_>) -> String {
    let own: String = el
        .children()
        .filter_map(|c| c.value().as_text().map(|t| &**t))
        .collect();
    super::clean::collapse_whitespace(&own)
}

/// Characters of text in `el`, and of text inside its links.
fn link_density_parts(el: ElementRef<'_>) -> LinkStats {
    let total: usize = el.text().map(|t| t.trim().chars().count()).sum();
    let linked: usize = el
        .select(&selector("a"))
        .flat_map(|a| a.text())
        .map(|t| t.trim().chars().count())
        .sum();
    let links = el.select(&selector("a[href]")).count();
    LinkStats {
        total,
        linked,
        links,
    }
}

/// Text characters of an element, those inside links, and its links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LinkStats {
    total: usize,
    linked: usize,
    links: usize,
}

/// [`LinkStats`] of every element under `root`, in one walk (asking each
/// element for its own would be quadratic in deeply nested markup).
fn link_stats(root: ElementRef<'_>) -> HashMap<usize, LinkStats> {
    let mut out = HashMap::new();
    // Open elements with their stats so far, and how many links enclose.
    let mut open: Vec<(usize, LinkStats, bool)> = Vec::new();
    let mut in_link = 0usize;
    walk(root, |step| {
        match step {
            Step::Open(node) => match node.value() {
                Node::Element(e) => {
                    let is_link = e.name() == "a";
                    if is_link {
                        in_link += 1;
                    }
                    let key = std::ptr::from_ref(e) as usize;
                    open.push((
                        key,
                        LinkStats::default(),
                        is_link && e.attr("href").is_some(),
                    ));
                }
                Node::Text(text) => {
                    let chars = text.trim().chars().count();
                    if let Some((_, stats, _)) = open.last_mut() {
                        stats.total += chars;
                        if in_link > 0 {
                            stats.linked += chars;
                        }
                    }
                }
                _ => {}
            },
            Step::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if e.name() == "a" {
                        in_link = in_link.saturating_sub(1);
                    }
                    if let Some((key, stats, is_href)) = open.pop() {
                        if let Some((_, parent, _)) = open.last_mut() {
                            parent.total += stats.total;
                            parent.linked += stats.linked;
                            parent.links += stats.links + usize::from(is_href);
                        }
                        out.insert(key, stats);
                    }
                }
            }
        }
        true
    });
    out
}

/// A short paragraph that is nothing but a link: "Five things we learned
/// from the interview" pointing at another story.
fn is_link_line(stats: LinkStats) -> bool {
    let LinkStats { total, linked, .. } = stats;
    total > 0 && total <= 150 && linked * 10 >= total * 9
}

/// A list of two or more items whose text is (almost) all links: "read
/// also" lists and menus rather than article content.
fn is_link_list(list: ElementRef<'_>, stats: LinkStats) -> bool {
    let items = list
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|c| c.value().name() == "li")
        .count();
    if items < 2 {
        return false;
    }
    let LinkStats { total, linked, .. } = stats;
    total > 0 && linked * 10 >= total * 9
}

fn is_word_boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| c == ' ' || c == '-')
}

/// `word` (or its plural) appears in `names` between spaces/hyphens.
fn has_word(names: &str, word: &str) -> bool {
    names.match_indices(word).any(|(at, _)| {
        let before = names[..at].chars().next_back();
        let mut after = names[at + word.len()..].chars();
        let next = after.next();
        is_word_boundary(before)
            && (is_word_boundary(next) || (next == Some('s') && is_word_boundary(after.next())))
    })
}

/// The words of `texts`, lower-cased, separated by single spaces: runs of
/// letters and digits only, so punctuation and markup splits do not matter.
fn words_of<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for text in texts {
        for c in text.chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// Some word in `names` starts with `prefix`.
fn has_prefix(names: &str, prefix: &str) -> bool {
    names
        .match_indices(prefix)
        .any(|(at, _)| is_word_boundary(names[..at].chars().next_back()))
}

// ---------------------------------------------------------------------------
// Walking the container

/// How an element contributes to the block structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Text flows through it (a, em, span, ...).
    Inline,
    /// Ends the text before it and after it; its own blocks take `Some` kind,
    /// or the surrounding kind with `None`.
    Block(Option<BlockKind>),
    /// A table cell: its text joins the row's with a separator.
    Cell,
    LineBreak,
}

fn role(name: &str) -> Role {
    match name {
        "br" => Role::LineBreak,
        "h2" | "h3" | "h4" => Role::Block(Some(BlockKind::Heading)),
        "h5" | "h6" => Role::Block(Some(BlockKind::Paragraph)),
        "blockquote" => Role::Block(Some(BlockKind::Quote)),
        "li" | "dt" | "dd" => Role::Block(Some(BlockKind::ListItem)),
        "p" | "figcaption" | "pre" | "tr" | "caption" => Role::Block(None),
        "td" | "th" => Role::Cell,
        "a" | "abbr" | "b" | "bdi" | "bdo" | "cite" | "code" | "data" | "del" | "dfn" | "em"
        | "font" | "i" | "ins" | "kbd" | "mark" | "q" | "s" | "samp" | "small" | "span"
        | "strong" | "sub" | "sup" | "time" | "u" | "var" | "wbr" => Role::Inline,
        // div, section, ul, ol, article, main, ...: structure only.
        _ => Role::Block(None),
    }
}

struct Walker<'r> {
    skip: &'r SkipRules,
    sink: BlockSink,
    /// Kinds of the enclosing block elements, innermost last.
    kinds: Vec<BlockKind>,
}

impl<'r> Walker<'r> {
    fn new(skip: &'r SkipRules) -> Walker<'r> {
        Walker {
            skip,
            sink: BlockSink::default(),
            kinds: Vec::new(),
        }
    }

    /// `<article>`s inside the container are teaser cards unless together
    /// they hold most of its text (a live blog's posts).
    fn nested_articles_are_teasers(&self, root: ElementRef<'_>) -> bool {
        let nested = outermost(
            root.select(&selector("article"))
                .filter(|a| *a != root)
                .collect(),
        );
        if nested.is_empty() {
            return false;
        }
        let nested_chars: usize = nested
            .iter()
            .map(|a| self.skip.paragraph_chars(*a, Strictness::Protecting))
            .sum();
        nested_chars * 2 < self.skip.paragraph_chars(root, Strictness::Protecting)
    }

    fn kind(&self) -> BlockKind {
        self.kinds.last().copied().unwrap_or(BlockKind::Paragraph)
    }

    /// Blocks under `root`, in document order. Iterative, so deeply nested
    /// markup cannot overflow the stack.
    fn run(mut self, root: ElementRef<'_>) -> Vec<Block> {
        let skip_nested_articles = self.nested_articles_are_teasers(root);
        walk(root, |step| {
            match step {
                Step::Open(node) => match node.value() {
                    Node::Text(text) => self.sink.push_inline(text),
                    Node::Element(e) => {
                        let Some(el) = ElementRef::wrap(node) else {
                            return false;
                        };
                        if el != root
                            && (self.skip.skips(el)
                                || (skip_nested_articles && e.name() == "article"))
                        {
                            return false;
                        }
                        match self.skip.role_of(el) {
                            Role::Inline => {}
                            Role::LineBreak => self.sink.line_break(),
                            Role::Cell => {
                                if self.sink.has_pending_text() {
                                    self.sink.push_str(", ");
                                }
                            }
                            Role::Block(kind) => {
                                self.sink.flush(self.kind());
                                self.kinds.push(kind.unwrap_or(self.kind()));
                            }
                        }
                    }
                    _ => {}
                },
                Step::Close(node) => {
                    if let Some(Role::Block(_)) =
                        ElementRef::wrap(node).map(|e| self.skip.role_of(e))
                    {
                        self.sink.flush(self.kind());
                        self.kinds.pop();
                    }
                }
            }
            true
        });
        self.sink.into_blocks(BlockKind::Paragraph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_words() {
        assert!(has_word("news-feed sidebar", "feed"));
        assert!(has_word("ad-slot", "ad"));
        assert!(has_word("comments", "comment"));
        assert!(!has_word("article-header", "ad"));
        assert!(!has_word("commentary", "comment"));
        assert!(has_prefix("relatedarticles", "related"));
        assert!(!has_prefix("unrelated", "related"));
    }

    #[test]
    fn furniture_stems_of_framework_names() {
        assert_eq!(
            furniture_stem("elementor-widget-text-editor"),
            Some(("elementor-widget", "text-editor"))
        );
        assert_eq!(
            furniture_stem("elementor-widget-sidebar"),
            Some(("elementor-widget", "sidebar"))
        );
        assert_eq!(
            furniture_stem("elementor-widget"),
            Some(("elementor-widget", ""))
        );
        // The furniture word first: the name is the furniture's own.
        assert_eq!(furniture_stem("sidebar-widget"), None);
        assert_eq!(furniture_stem("comment-body"), None);
        assert_eq!(furniture_stem("entry-content"), None);
        // Except a word page builders put on every block.
        assert_eq!(furniture_stem("widget"), Some(("widget", "")));
        assert_eq!(furniture_stem("widget-text"), Some(("widget", "text")));
    }
}
