//! Bytes that are not text (images, PDFs, archives, noise, NUL bytes) are refused
//! by the source stage whatever the file is called or the server says it is: one
//! line naming the input and what it looks like, exit 1, no output file.

mod support;

use std::path::Path;

use narrator::source::sniff_binary;
use support::*;

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// The start of a real PDF: header, binary marker line, first object.
const PDF: &[u8] =
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";

/// `hello.html` (stored, not deflated) in a ZIP archive.
fn zip() -> Vec<u8> {
    let data = b"<p>hello</p>";
    let name = b"hello.html";
    let mut z = b"PK\x03\x04\x0a\0\0\0\0\0\0\0\0\0".to_vec();
    z.extend(0u32.to_le_bytes()); // CRC (not checked by anyone here)
    z.extend((data.len() as u32).to_le_bytes());
    z.extend((data.len() as u32).to_le_bytes());
    z.extend((name.len() as u16).to_le_bytes());
    z.extend(0u16.to_le_bytes());
    z.extend(name);
    z.extend(data);
    z
}

/// A gzip member holding one stored (uncompressed) deflate block.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut g = b"\x1f\x8b\x08\0\0\0\0\0\0\xff\x01".to_vec();
    let len = data.len() as u16;
    g.extend(len.to_le_bytes());
    g.extend((!len).to_le_bytes());
    g.extend(data);
    g.extend(0u32.to_le_bytes());
    g.extend(u32::from(len).to_le_bytes());
    g
}

/// 64 KiB from /dev/urandom where there is one, else deterministic noise.
fn random_bytes() -> Vec<u8> {
    use std::io::Read;
    let mut bytes = vec![0u8; 64 * 1024];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for b in &mut bytes {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = (seed >> 32) as u8;
        }
    }
    bytes
}

/// Runs narrator in `dir` and checks the refusal: exit 1, exactly one line on
/// stderr that names `input` and says `needle`, and nothing written beside the
/// inputs.
fn assert_refused(
    dir: &Path,
    args: &[&str],
    stdin: Option<&Path>,
    input: &str,
    needle: &str,
) -> String {
    let before = files_in(dir);
    let mut cmd = narrator(dir);
    cmd.args(args);
    if let Some(p) = stdin {
        cmd.stdin(std::fs::File::open(p).expect("stdin file"));
    }
    let o = run(&mut cmd);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
    let line = err.trim_end();
    assert!(!line.contains('\n'), "{args:?}: more than one line: {err}");
    assert!(
        line.starts_with(&format!("narrator: error: {input} is not text: ")),
        "{args:?}: {err}"
    );
    assert!(
        line.contains(needle),
        "{args:?}: expected {needle:?} in {err}"
    );
    assert_eq!(files_in(dir), before, "{args:?} wrote something");
    assert!(!dir.join("out.mp3").exists());
    line.to_string()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write input");
}

fn narrate_refused(dir: &Path, name: &str, needle: &str) -> String {
    assert_refused(
        dir,
        &["narrate", name, "-o", "out.mp3", "--quiet"],
        None,
        name,
        needle,
    )
}

#[test]
fn nul_bytes_in_a_text_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "notes.txt",
        b"A headline\n\nThe first paragraph.\0\0\0\x01\x02 and then some.\n",
    );
    narrate_refused(dir.path(), "notes.txt", "contains NUL bytes (binary data)");
}

#[test]
fn random_bytes_named_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = random_bytes();
    write(dir.path(), "noise.html", &bytes);
    narrate_refused(dir.path(), "noise.html", "binary data");
    // Without a single NUL byte, the control codes give it away.
    let no_nul: Vec<u8> = bytes.into_iter().filter(|&b| b != 0).collect();
    write(dir.path(), "noise2.html", &no_nul);
    narrate_refused(dir.path(), "noise2.html", "of its bytes are control codes");
}

#[test]
fn png_named_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "article.html", PNG);
    narrate_refused(dir.path(), "article.html", "it looks like a PNG image");
}

#[test]
fn pdf_named_txt() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "paper.txt", PDF);
    let line = narrate_refused(dir.path(), "paper.txt", "it looks like a PDF document");
    assert!(line.contains("convert the PDF to text"), "{line}");
}

#[test]
fn zip_and_gzip_archives() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "story.md", &zip());
    let line = narrate_refused(dir.path(), "story.md", "it looks like a ZIP archive");
    assert!(line.contains("unpack it"), "{line}");
    write(dir.path(), "page.html", &gzip(b"<html><p>hello</p></html>"));
    narrate_refused(
        dir.path(),
        "page.html",
        "it looks like gzip-compressed data",
    );
}

#[test]
fn binary_on_standard_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stdin = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(stdin.path(), PNG).expect("write");
    assert_refused(
        dir.path(),
        &["narrate", "-", "-o", "out.mp3", "--quiet"],
        Some(stdin.path()),
        "standard input",
        "it looks like a PNG image",
    );
    assert_refused(
        dir.path(),
        &["extract", "-"],
        Some(stdin.path()),
        "standard input",
        "it looks like a PNG image",
    );
}

#[test]
fn extract_refuses_binary_the_same_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.html", PDF);
    assert_refused(
        dir.path(),
        &["extract", "a.html", "--format", "json"],
        None,
        "a.html",
        "it looks like a PDF document",
    );
    write(dir.path(), "b.txt", b"text\0with NUL");
    assert_refused(
        dir.path(),
        &["extract", "b.txt"],
        None,
        "b.txt",
        "contains NUL bytes",
    );
}

#[test]
fn fetched_bodies_are_sniffed_whatever_their_content_type() {
    let base = serve(vec![
        (
            "/story.html",
            Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                body: gzip(b"<html><p>compressed twice</p></html>"),
            },
        ),
        (
            "/download",
            Reply {
                status: 200,
                content_type: "application/octet-stream",
                body: PNG.to_vec(),
            },
        ),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let story = format!("{base}/story.html");
    assert_refused(
        dir.path(),
        &["narrate", &story, "-o", "out.mp3", "--quiet"],
        None,
        &story,
        "it looks like gzip-compressed data",
    );
    let download = format!("{base}/download");
    assert_refused(
        dir.path(),
        &["extract", &download],
        None,
        &download,
        "it looks like a PNG image",
    );
}

/// UTF-16 has NUL bytes in every ASCII character: with a byte-order mark it is
/// text, and reads as such.
#[test]
fn utf16_with_a_bom_still_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "Київ готується до зими\n\nМіська рада каже, що тепла вистачить.\n";
    for (name, bom, be) in [
        ("le.txt", [0xFF, 0xFE], false),
        ("be.txt", [0xFE, 0xFF], true),
    ] {
        let mut bytes = bom.to_vec();
        for u in text.encode_utf16() {
            bytes.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        write(dir.path(), name, &bytes);
        let o = run(narrator(dir.path()).args(["extract", name]));
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Міська рада"), "{name}: {out}");
    }
}

/// No real page is taken for binary: every fixture and example, in whatever
/// charset it is.
#[test]
fn every_fixture_and_example_is_text() {
    let mut checked = 0;
    let mut dirs: Vec<_> = ["tests/data/extract", "tests/data/ssml", "examples"]
        .iter()
        .map(|d| root().join(d))
        .collect();
    // Subdirectories too (examples/wordpress).
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).expect("read");
            assert_eq!(sniff_binary(&bytes, None), None, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} files");
}
