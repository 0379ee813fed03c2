//! Article metadata from the page head: JSON-LD, OpenGraph and friends.

use scraper::Html;
use serde_json::Value;

use super::clean::collapse_whitespace;
use super::html::{element_text, selector};

/// What the page says about its article, each field from the most reliable
/// source that has it.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    /// JSON-LD `headline`.
    pub headline: Option<String>,
    /// `og:title`, site name removed.
    pub og_title: Option<String>,
    /// `<title>`, site name removed.
    pub html_title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    /// JSON-LD `articleBody`, for pages that render the story with scripts.
    pub article_body: Option<String>,
}

impl Metadata {
    pub(crate) fn read(doc: &Html) -> Metadata {
        let ld = json_ld_article(doc).unwrap_or_default();
        let og_title =
            meta_content(doc, &["og:title", "twitter:title"]).map(|t| strip_site_name(&t));
        // Not `title` alone: an inline <svg> has <title>s of its own.
        let html_title = doc
            .select(&selector("head title"))
            .chain(doc.select(&selector("title")))
            .next()
            .map(element_text)
            .map(|t| strip_site_name(&t));
        let byline = ld
            .author
            .or_else(|| {
                meta_content(
                    doc,
                    &[
                        "author",
                        "article:author",
                        "parsely-author",
                        "sailthru.author",
                        "dc.creator",
                    ],
                )
                .filter(|a| !a.starts_with("http"))
            })
            .or_else(|| first_text(doc, "[rel~=author]"))
            .or_else(|| first_text(doc, "[itemprop~=author] [itemprop~=name]"))
            .or_else(|| first_text(doc, "[itemprop~=author]"))
            .or_else(|| first_text(doc, ".byline, .author-name, .article-author"))
            .and_then(|b| clean_byline(&b));
        let published = ld.date_published.or_else(|| {
            meta_content(
                doc,
                &[
                    "article:published_time",
                    "datePublished",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "parsely-pub-date",
                    "sailthru.date",
                    "dc.date.issued",
                    "dc.date",
                    "date",
                ],
            )
        });
        let language = doc
            .root_element()
            .attr("lang")
            .and_then(normalize_language)
            .or_else(|| {
                meta_content(doc, &["content-language", "og:locale"])
                    .and_then(|l| normalize_language(&l))
            })
            .or_else(|| ld.language.as_deref().and_then(normalize_language));
        Metadata {
            headline: ld.headline,
            og_title,
            html_title,
            byline,
            published,
            language,
            article_body: ld.article_body,
        }
    }
}

#[derive(Debug, Default)]
struct LdArticle {
    headline: Option<String>,
    author: Option<String>,
    date_published: Option<String>,
    language: Option<String>,
    article_body: Option<String>,
}

/// The first JSON-LD object typed as an article (`NewsArticle`, `Article`,
/// `BlogPosting`, ...), looking through arrays and `@graph`.
fn json_ld_article(doc: &Html) -> Option<LdArticle> {
    doc.select(&selector("script[type='application/ld+json']"))
        .filter_map(|script| {
            let raw: String = script.text().collect();
            serde_json::from_str::<Value>(raw.trim())
                .or_else(|_| {
                    // Some sites leave raw newlines inside strings.
                    serde_json::from_str::<Value>(&raw.replace(['\n', '\r', '\t'], " "))
                })
                .ok()
        })
        .find_map(|value| find_article(&value, 0).map(ld_fields))
}

fn find_article(value: &Value, depth: usize) -> Option<&Value> {
    if depth > 8 {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().find_map(|v| find_article(v, depth + 1)),
        Value::Object(map) => {
            if is_article_type(map.get("@type")) {
                return Some(value);
            }
            map.get("@graph")
                .or_else(|| map.get("mainEntity"))
                .and_then(|v| find_article(v, depth + 1))
        }
        _ => None,
    }
}

fn is_article_type(ty: Option<&Value>) -> bool {
    let is_article = |s: &str| {
        s.ends_with("Article") || matches!(s, "BlogPosting" | "LiveBlogPosting" | "Report")
    };
    match ty {
        Some(Value::String(s)) => is_article(s),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).any(is_article),
        _ => false,
    }
}

fn ld_fields(article: &Value) -> LdArticle {
    let text = |key: &str| {
        article
            .get(key)
            .and_then(Value::as_str)
            .map(|s| collapse_whitespace(&decode_entities(s)))
            .filter(|s| !s.is_empty())
    };
    LdArticle {
        headline: text("headline").or_else(|| text("name")),
        author: article.get("author").and_then(author_names),
        date_published: text("datePublished").or_else(|| text("dateCreated")),
        language: text("inLanguage"),
        article_body: article
            .get("articleBody")
            .and_then(Value::as_str)
            .map(decode_entities)
            .filter(|s| !s.trim().is_empty()),
    }
}

/// `"author"` as a string, a Person/Organization, or a list of them.
fn author_names(author: &Value) -> Option<String> {
    let names: Vec<String> = match author {
        Value::Array(items) => items.iter().filter_map(author_names).collect(),
        Value::Object(map) => map
            .get("name")
            .and_then(Value::as_str)
            .map(|s| vec![collapse_whitespace(&decode_entities(s))])
            .unwrap_or_default(),
        Value::String(s) if !s.starts_with("http") => vec![collapse_whitespace(s)],
        _ => Vec::new(),
    };
    let names: Vec<String> = names.into_iter().filter(|n| !n.is_empty()).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// The `content` of the first `<meta>` whose `property`, `name` or
/// `itemprop` is one of `keys` (in order of preference).
fn meta_content(doc: &Html, keys: &[&str]) -> Option<String> {
    let metas: Vec<_> = doc.select(&selector("meta[content]")).collect();
    keys.iter().find_map(|key| {
        metas.iter().find_map(|m| {
            let named = ["property", "name", "itemprop", "http-equiv"]
                .iter()
                .any(|attr| {
                    m.attr(attr)
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case(key))
                });
            named
                .then(|| m.attr("content").map(collapse_whitespace))
                .flatten()
                .filter(|c| !c.is_empty())
        })
    })
}

fn first_text(doc: &Html, css: &'static str) -> Option<String> {
    doc.select(&selector(css))
        .map(|e| {
            e.attr("content")
                .map(collapse_whitespace)
                .unwrap_or_else(|| element_text(e))
        })
        .find(|t| !t.is_empty())
}

fn clean_byline(raw: &str) -> Option<String> {
    let text = collapse_whitespace(raw);
    let text = match text.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("by ") => text[3..].trim().to_string(),
        _ => text,
    };
    (!text.is_empty() && text.chars().count() <= 120).then_some(text)
}

/// "en_US" → "en-US"; empty → None.
fn normalize_language(raw: &str) -> Option<String> {
    let tag = raw.trim().replace('_', "-");
    (!tag.is_empty() && tag.len() <= 35).then_some(tag)
}

const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " • "];

/// "Headline | Site" → "Headline" (also "Site - Headline"): the shorter end
/// segment of up to five words is taken to be the site's name.
pub(crate) fn strip_site_name(title: &str) -> String {
    let title = collapse_whitespace(title);
    let words = |s: &str| s.split_whitespace().count();
    for sep in TITLE_SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            if words(tail) <= 5 && words(head) >= words(tail) && words(head) >= 2 {
                return head.trim().to_string();
            }
        }
        if let Some((head, tail)) = title.split_once(sep) {
            if words(head) <= 3 && words(tail) > words(head) + 2 {
                return tail.trim().to_string();
            }
        }
    }
    title
}

/// The character references that turn up in JSON-LD strings (and, undecoded, in
/// text copied out of HTML).
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_site_names() {
        assert_eq!(
            strip_site_name("Russia opposes ceasefire | The Kyiv Independent"),
            "Russia opposes ceasefire"
        );
        assert_eq!(
            strip_site_name("BBC News - Storm hits the northern coast overnight"),
            "Storm hits the northern coast overnight"
        );
        assert_eq!(strip_site_name("Plain headline"), "Plain headline");
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode_entities("A &amp; B &#8217;s &#x41; &bogus"),
            "A & B ’s A &bogus"
        );
    }

    #[test]
    fn joins_authors() {
        let v: Value = serde_json::json!([{"name": "A"}, {"name": "B"}, "C"]);
        assert_eq!(author_names(&v).as_deref(), Some("A, B and C"));
    }
}
