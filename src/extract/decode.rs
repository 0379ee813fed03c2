//! Bytes → text, choosing the character encoding the way browsers do:
//! byte-order mark, then the transport's charset, then (HTML only) a
//! `<meta charset>` / `http-equiv` declaration, then UTF-8 — falling back to
//! windows-1252 when undeclared bytes are not valid UTF-8.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// How far into an HTML document to look for a `<meta>` charset.
const META_PRESCAN_BYTES: usize = 8 * 1024;

pub(crate) fn decode(bytes: &[u8], charset_hint: Option<&str>, is_html: bool) -> String {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return encoding.decode_without_bom_handling(rest).0.into_owned();
    }
    let declared = charset_hint
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        .or_else(|| {
            is_html
                .then(|| meta_charset(bytes))
                .flatten()
                // A document that could be read to find its meta tag is not
                // UTF-16, whatever it says (HTML spec, "prescan").
                .map(|e| {
                    if e == UTF_16BE || e == UTF_16LE {
                        UTF_8
                    } else {
                        e
                    }
                })
        });
    if let Some(encoding) = declared {
        return encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The encoding named by the first `<meta>` tag that declares one, either as
/// `<meta charset="...">` or `<meta http-equiv="Content-Type" content="...;
/// charset=...">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_PRESCAN_BYTES)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(start) = find(&lower[from..], b"<meta").map(|i| i + from) {
        let end = find(&lower[start..], b">").map_or(lower.len(), |i| i + start);
        let tag = &lower[start..end];
        if let Some(encoding) = charset_in_tag(tag) {
            return Some(encoding);
        }
        from = end;
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let at = find(tag, b"charset")? + b"charset".len();
    let rest = &tag[at..];
    let rest = trim_start(rest);
    let rest = trim_start(rest.strip_prefix(b"=")?);
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..len])
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_hint_wins_over_default() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Київ");
        assert_eq!(decode(&bytes, Some("windows-1251"), true), "Київ");
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let page = b"<html><head><meta charset='iso-8859-1'></head><p>caf\xe9</p>";
        assert!(decode(page, None, true).contains("café"));
        let page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>\xca\xe8\xbf\xe2</p>";
        assert!(decode(page, None, true).contains("Київ"));
    }

    #[test]
    fn bom_wins_and_invalid_utf8_falls_back() {
        assert_eq!(decode(b"\xef\xbb\xbfhi", Some("windows-1251"), false), "hi");
        assert_eq!(decode(b"caf\xe9", None, false), "café");
    }
}
