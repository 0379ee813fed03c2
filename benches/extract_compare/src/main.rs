//! Writes OUT/TOOL/NAME.txt: each candidate crate's text for each fixture in
//! tests/data/extract (pages decoded to UTF-8 first with the charset their
//! `<meta>` names, so every tool gets the same input).

use std::path::{Path, PathBuf};

fn decode(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_lowercase();
    let enc = if head.contains("windows-1251") {
        encoding_rs::WINDOWS_1251
    } else if head.contains("iso-8859-1") {
        encoding_rs::WINDOWS_1252
    } else {
        encoding_rs::UTF_8
    };
    enc.decode(bytes).0.into_owned()
}

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "out".into()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixtures = root.join("tests/data/extract");
    for tool in ["dom_smoothie", "rs-trafilatura", "trafilatura"] {
        std::fs::create_dir_all(out.join(tool))?;
    }
    for entry in std::fs::read_dir(&fixtures)?.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(name) = file.strip_suffix(".expected.txt") else {
            continue;
        };
        let mut page = fixtures.join(format!("{name}.html"));
        if !page.exists() {
            page = root.join("examples").join(format!("{name}.html"));
        }
        let html = decode(&std::fs::read(&page)?);
        let cfg = dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Formatted,
            ..Default::default()
        };
        let smoothie = dom_smoothie::Readability::new(html.as_str(), None, Some(cfg))
            .and_then(|mut r| r.parse())
            .map(|a| a.text_content.to_string())
            .unwrap_or_default();
        let rs_traf = rs_trafilatura::extract(&html)
            .map(|r| r.content_text)
            .unwrap_or_default();
        let traf = trafilatura::extract(&html, &trafilatura::Options::default())
            .map(|r| r.content_text)
            .unwrap_or_default();
        std::fs::write(out.join("dom_smoothie").join(format!("{name}.txt")), smoothie)?;
        std::fs::write(out.join("rs-trafilatura").join(format!("{name}.txt")), rs_traf)?;
        std::fs::write(out.join("trafilatura").join(format!("{name}.txt")), traf)?;
    }
    Ok(())
}
