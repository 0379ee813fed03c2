//! Telling text from binary data before it reaches extraction: a PNG saved as
//! `.html`, a PDF named `.txt`, an archive, or bytes that are not text in any
//! charset the decoder would read them in (`extract::decode`: a byte-order mark,
//! the transport's charset, a `<meta>` charset, UTF-8, else Windows-1252).
//!
//! Windows-1252 gives every byte a character, so "does it decode?" cannot tell
//! text from noise. What can: in every ASCII-compatible charset (all that
//! encoding_rs reads except UTF-16), bytes 0x00–0x1F and 0x7F are control codes,
//! and text has next to none of them besides tab, line feed, carriage return and
//! form feed, while random bytes are about 11 % control codes. UTF-16 (by BOM or
//! named by the transport) is judged on its decoded characters instead.

use std::fmt;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// How far into the bytes NUL bytes are looked for.
const NUL_WINDOW: usize = 8 * 1024;
/// How much is measured for control codes.
const SAMPLE: usize = 64 * 1024;

/// What binary data was recognised as, by [`sniff_binary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BinaryKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Tiff,
    Zip,
    Epub,
    /// Office Open XML: .docx, .xlsx, .pptx.
    OfficeOpenXml,
    /// OpenDocument: .odt, .ods, .odp.
    OpenDocument,
    /// OLE2 compound file: .doc, .xls, .ppt before 2007.
    OldOffice,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
    SevenZip,
    Rar,
    Tar,
    Elf,
    MachO,
    /// `CA FE BA BE`: a Java class file or a universal Mach-O binary.
    JavaClassOrFatMachO,
    /// `MZ`: a DOS or Windows executable.
    WindowsExecutable,
    Wasm,
    Mp3,
    Ogg,
    Flac,
    Wav,
    Avi,
    /// Another RIFF container.
    Riff,
    /// ISO base media (`ftyp` at 4): MP4, M4A, QuickTime, HEIC.
    IsoMedia,
    /// Matroska or WebM.
    Matroska,
    Sqlite,
    /// NUL bytes near the start, which no text outside UTF-16 has.
    NulBytes,
    /// Too many control codes to be text in any ASCII-compatible charset.
    ControlBytes {
        percent: u8,
    },
    /// Marked or declared UTF-16, but its characters are largely control codes,
    /// private-use or invalid.
    NotUtf16 {
        percent: u8,
    },
}

impl BinaryKind {
    /// What the data looks like, as a noun phrase ("a PNG image").
    fn noun(self) -> Option<&'static str> {
        use BinaryKind::*;
        Some(match self {
            Pdf => "a PDF document",
            Png => "a PNG image",
            Jpeg => "a JPEG image",
            Gif => "a GIF image",
            Webp => "a WebP image",
            Tiff => "a TIFF image",
            Zip => "a ZIP archive",
            Epub => "an EPUB e-book",
            OfficeOpenXml => "a Microsoft Office document (.docx, .xlsx or .pptx)",
            OpenDocument => "an OpenDocument file (.odt, .ods or .odp)",
            OldOffice => "an old Microsoft Office document (.doc, .xls or .ppt)",
            Gzip => "gzip-compressed data",
            Bzip2 => "bzip2-compressed data",
            Xz => "xz-compressed data",
            Zstd => "zstd-compressed data",
            SevenZip => "a 7-Zip archive",
            Rar => "a RAR archive",
            Tar => "a tar archive",
            Elf => "an ELF executable or library",
            MachO => "a Mach-O executable or library",
            JavaClassOrFatMachO => "a Java class file or a universal Mach-O binary",
            WindowsExecutable => "a Windows or DOS executable",
            Wasm => "a WebAssembly module",
            Mp3 => "MP3 audio",
            Ogg => "Ogg audio or video",
            Flac => "FLAC audio",
            Wav => "WAV audio",
            Avi => "an AVI video",
            Riff => "a RIFF media file",
            IsoMedia => "an MP4, M4A or QuickTime file",
            Matroska => "a Matroska or WebM video",
            Sqlite => "an SQLite database",
            NulBytes | ControlBytes { .. } | NotUtf16 { .. } => return None,
        })
    }

    /// What to do instead.
    pub(crate) fn hint(self) -> &'static str {
        use BinaryKind::*;
        match self {
            Pdf => "convert the PDF to text first and pass the .txt file",
            Zip | Gzip | Bzip2 | Xz | Zstd | SevenZip | Rar | Tar => {
                "unpack it and pass the article inside"
            }
            Epub | OfficeOpenXml | OpenDocument | OldOffice => {
                "save or export it as HTML or plain text first"
            }
            _ => "narrator reads HTML, Markdown or plain text",
        }
    }
}

impl fmt::Display for BinaryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.noun(), *self) {
            (Some(noun), _) => write!(f, "it looks like {noun}"),
            (None, BinaryKind::NulBytes) => f.write_str("it contains NUL bytes (binary data)"),
            (None, BinaryKind::ControlBytes { percent }) => write!(
                f,
                "{percent}% of its bytes are control codes in UTF-8, Windows-1252 and every \
                 other charset narrator reads (binary data?)"
            ),
            (None, BinaryKind::NotUtf16 { percent }) => write!(
                f,
                "it is marked as UTF-16 but {percent}% of its characters are control codes, \
                 private-use or invalid (binary data?)"
            ),
            (None, _) => f.write_str("it is binary data"),
        }
    }
}

/// Whether `bytes` are binary data rather than text, and what they look like:
/// known file signatures first (whatever the file's name says), then NUL bytes,
/// then the share of control codes. `charset_hint` is the transport's charset
/// (HTTP `Content-Type`), which can make BOM-less bytes UTF-16.
///
/// `None` for text in any charset the decoder reads, including UTF-16 with a
/// byte-order mark, legacy single-byte charsets and ISO-2022-JP.
pub fn sniff_binary(bytes: &[u8], charset_hint: Option<&str>) -> Option<BinaryKind> {
    if let Some(kind) = signature(bytes) {
        return Some(kind);
    }
    // The decoder's choice: a BOM wins, then the transport's charset.
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((e, bom)) => (Some(e), bytes.get(bom..).unwrap_or_default()),
        None => (
            charset_hint.and_then(|l| Encoding::for_label(l.trim().as_bytes())),
            bytes,
        ),
    };
    match encoding {
        Some(e) if e == UTF_16LE || e == UTF_16BE => utf16_verdict(e, body),
        // Every other charset encoding_rs reads is ASCII-compatible.
        _ => bytes_verdict(body),
    }
}

fn utf16_verdict(encoding: &'static Encoding, body: &[u8]) -> Option<BinaryKind> {
    let sample = &body[..body.len().min(SAMPLE)];
    let (text, _) = encoding.decode_without_bom_handling(sample);
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        total += 1;
        let is_bad = matches!(c,
            '\u{0}'..='\u{8}' | '\u{b}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            | '\u{e000}'..='\u{f8ff}' | '\u{fffd}'..='\u{ffff}');
        bad += usize::from(is_bad);
    }
    // A cut at the end of the sample can leave one broken character.
    let bad = if body.len() > sample.len() {
        bad.saturating_sub(1)
    } else {
        bad
    };
    // UTF-16 text has none of these; random 16-bit units are about 13 % of them.
    (bad * 20 > total).then(|| BinaryKind::NotUtf16 {
        percent: percent(bad, total),
    })
}

fn bytes_verdict(body: &[u8]) -> Option<BinaryKind> {
    if body[..body.len().min(NUL_WINDOW)].contains(&0) {
        return Some(BinaryKind::NulBytes);
    }
    let sample = &body[..body.len().min(SAMPLE)];
    if sample.is_empty() {
        return None;
    }
    let controls = control_bytes(sample);
    let share = percent(controls, sample.len());
    // More than a tenth control codes is not text in any ASCII-compatible
    // charset; random bytes are 11 %.
    if controls * 10 > sample.len() {
        return Some(BinaryKind::ControlBytes { percent: share });
    }
    // Not UTF-8 either: text in a legacy charset has next to no control codes
    // (a stray DOS end-of-file or two at most).
    if !is_utf8_prefix(sample, sample.len() < body.len())
        && controls >= 4
        && controls * 100 > sample.len()
    {
        return Some(BinaryKind::ControlBytes { percent: share });
    }
    None
}

/// Bytes that are control codes in every ASCII-compatible charset: C0 except
/// tab, line feed, carriage return and form feed, and DEL. An escape that opens
/// an ISO-2022 designation (`ESC $`, `ESC (`, …) is text in ISO-2022-JP.
fn control_bytes(sample: &[u8]) -> usize {
    sample
        .iter()
        .enumerate()
        .filter(|&(i, &b)| match b {
            b'\t' | b'\n' | b'\r' | 0x0C => false,
            0x1B => !matches!(sample.get(i + 1), Some(b'$' | b'(' | b')' | b'*' | b'+')),
            0x00..=0x1F | 0x7F => true,
            _ => false,
        })
        .count()
}

/// Whether `sample` is UTF-8, allowing a character cut at its end when it is a
/// prefix of longer data.
fn is_utf8_prefix(sample: &[u8], truncated: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => truncated && e.error_len().is_none(),
    }
}

fn percent(part: usize, whole: usize) -> u8 {
    if whole == 0 {
        return 0;
    }
    u8::try_from((part * 100 + whole / 2) / whole).unwrap_or(100)
}

/// Known file signatures ("magic bytes") at fixed offsets.
fn signature(b: &[u8]) -> Option<BinaryKind> {
    use BinaryKind::*;
    let at = |offset: usize, magic: &[u8]| {
        b.get(offset..offset + magic.len())
            .is_some_and(|s| s == magic)
    };
    // RIFF and ISO media start with a chunk size: one byte of it is below 0x20
    // in any file under the size limit, so a sentence cannot match.
    let riff = at(0, b"RIFF") && b.get(7).is_some_and(|&s| s < 0x20);
    let kind = if at(0, b"%PDF-") {
        Pdf
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Png
    } else if at(0, b"\xFF\xD8\xFF") {
        Jpeg
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Gif
    } else if riff && at(8, b"WEBP") {
        Webp
    } else if riff && at(8, b"WAVE") {
        Wav
    } else if riff && at(8, b"AVI ") {
        Avi
    } else if riff {
        Riff
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        Tiff
    } else if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") || at(0, b"PK\x07\x08") {
        zip_kind(b)
    } else if at(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        OldOffice
    } else if at(0, b"\x1F\x8B\x08") {
        Gzip
    } else if at(0, b"BZh")
        && b.get(3).is_some_and(|d| (b'1'..=b'9').contains(d))
        && (at(4, b"1AY&SY") || at(4, b"\x17\x72\x45\x38\x50\x90"))
    {
        Bzip2
    } else if at(0, b"\xFD7zXZ\0") {
        Xz
    } else if at(0, b"\x28\xB5\x2F\xFD") {
        Zstd
    } else if at(0, b"7z\xBC\xAF\x27\x1C") {
        SevenZip
    } else if at(0, b"Rar!\x1A\x07") {
        Rar
    } else if at(257, b"ustar\0") || at(257, b"ustar  \0") {
        Tar
    } else if at(0, b"\x7FELF") {
        Elf
    } else if at(0, b"\xFE\xED\xFA\xCE")
        || at(0, b"\xFE\xED\xFA\xCF")
        || at(0, b"\xCE\xFA\xED\xFE")
        || at(0, b"\xCF\xFA\xED\xFE")
    {
        MachO
    } else if at(0, b"\xCA\xFE\xBA\xBE") {
        JavaClassOrFatMachO
    } else if at(0, b"MZ") && b.len() >= 64 && b[2..64].contains(&0) {
        // "MZ" alone starts words too; a DOS header is full of zeros.
        WindowsExecutable
    } else if at(0, b"\0asm") {
        Wasm
    } else if at(0, b"ID3") && b.get(3).is_some_and(|v| (2..=4).contains(v)) && b.get(4) == Some(&0)
    {
        Mp3
    } else if b.len() >= 4 && b[0] == 0xFF && b[1] & 0xE6 == 0xE2 && b[2] & 0xF0 != 0xF0 {
        // An MPEG audio layer III frame header (the UTF-16LE BOM FF FE is layer I).
        Mp3
    } else if at(0, b"OggS\0") {
        Ogg
    } else if at(0, b"fLaC") {
        Flac
    } else if at(4, b"ftyp") && b.first().is_some_and(|&s| s < 0x20) {
        IsoMedia
    } else if at(0, b"\x1A\x45\xDF\xA3") {
        Matroska
    } else if at(0, b"SQLite format 3\0") {
        Sqlite
    } else {
        return None;
    };
    Some(kind)
}

/// ZIP archives that are documents: EPUB and OpenDocument store an uncompressed
/// `mimetype` entry first; Office Open XML starts with `[Content_Types].xml` or a
/// part under `_rels/`, `word/`, `xl/` or `ppt/`.
fn zip_kind(b: &[u8]) -> BinaryKind {
    let name_len = b
        .get(26..28)
        .map_or(0, |n| usize::from(u16::from_le_bytes([n[0], n[1]])));
    let extra_len = b
        .get(28..30)
        .map_or(0, |n| usize::from(u16::from_le_bytes([n[0], n[1]])));
    let name = b.get(30..30 + name_len).unwrap_or_default();
    let data = b.get(30 + name_len + extra_len..).unwrap_or_default();
    if name == b"mimetype" {
        if data.starts_with(b"application/epub+zip") {
            return BinaryKind::Epub;
        }
        if data.starts_with(b"application/vnd.oasis.opendocument") {
            return BinaryKind::OpenDocument;
        }
    }
    let office = [
        &b"[Content_Types].xml"[..],
        b"_rels/",
        b"word/",
        b"xl/",
        b"ppt/",
    ];
    if office.iter().any(|p| name.starts_with(p)) {
        return BinaryKind::OfficeOpenXml;
    }
    BinaryKind::Zip
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic noise (xorshift64*), standing in for /dev/urandom.
    fn noise(n: usize, mut seed: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed >> 12;
                seed ^= seed << 25;
                seed ^= seed >> 27;
                (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
            })
            .collect()
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some('\u{feff}').into_iter().chain(text.chars());
        for c in units {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
        }
        out
    }

    const PAGE: &str = "<!doctype html><html><head><title>Київ — café</title></head>\
        <body><article><h1>Новини</h1><p>Le café de la gare a rouvert. 東京の天気は晴れ。\
        서울 뉴스. Über 20 % mehr…</p></article></body></html>\n";

    #[test]
    fn signatures_whatever_the_name() {
        let cases: &[(&[u8], BinaryKind)] = &[
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", BinaryKind::Pdf),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", BinaryKind::Png),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF\0", BinaryKind::Jpeg),
            (b"GIF89a\x01\0\x01\0", BinaryKind::Gif),
            (b"RIFF\x24\0\0\0WEBPVP8 ", BinaryKind::Webp),
            (b"RIFF\x24\0\0\0WAVEfmt ", BinaryKind::Wav),
            (b"PK\x03\x04\x14\0\0\0\x08\0", BinaryKind::Zip),
            (b"\x1F\x8B\x08\0\0\0\0\0\0\x03", BinaryKind::Gzip),
            (b"BZh91AY&SY\x01\x02", BinaryKind::Bzip2),
            (b"\xFD7zXZ\0\0\x04", BinaryKind::Xz),
            (b"7z\xBC\xAF\x27\x1C\0\x04", BinaryKind::SevenZip),
            (b"\x7FELF\x02\x01\x01\0", BinaryKind::Elf),
            (b"\xCF\xFA\xED\xFE\x07\0\0\x01", BinaryKind::MachO),
            (b"ID3\x04\0\0\0\0\x01\x00", BinaryKind::Mp3),
            (b"\xFF\xFB\x90\x64\0\0", BinaryKind::Mp3),
            (b"OggS\0\x02\0\0", BinaryKind::Ogg),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", BinaryKind::IsoMedia),
            (b"SQLite format 3\0\x10\0", BinaryKind::Sqlite),
            (b"\x28\xB5\x2F\xFD\x04\0", BinaryKind::Zstd),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff_binary(bytes, None), Some(*want), "{bytes:?}");
        }
        let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0".to_vec();
        exe.resize(128, 0);
        assert_eq!(
            sniff_binary(&exe, None),
            Some(BinaryKind::WindowsExecutable)
        );
        let mut tar = b"article.html".to_vec();
        tar.resize(257, 0);
        tar.extend(b"ustar\x0000");
        assert_eq!(sniff_binary(&tar, None), Some(BinaryKind::Tar));
    }

    #[test]
    fn zip_documents_are_named() {
        let entry = |name: &[u8], data: &[u8]| {
            let mut z = b"PK\x03\x04\x0a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
            z.extend((name.len() as u16).to_le_bytes());
            z.extend(0u16.to_le_bytes());
            z.extend(name);
            z.extend(data);
            z
        };
        let epub = entry(b"mimetype", b"application/epub+zip");
        assert_eq!(sniff_binary(&epub, None), Some(BinaryKind::Epub));
        let odt = entry(b"mimetype", b"application/vnd.oasis.opendocument.text");
        assert_eq!(sniff_binary(&odt, None), Some(BinaryKind::OpenDocument));
        let docx = entry(b"[Content_Types].xml", b"\x8d\x92");
        assert_eq!(sniff_binary(&docx, None), Some(BinaryKind::OfficeOpenXml));
        let zip = entry(b"article.html", b"<p>");
        assert_eq!(sniff_binary(&zip, None), Some(BinaryKind::Zip));
    }

    #[test]
    fn text_that_starts_like_a_signature_is_text() {
        for text in [
            "MZ is how the town signs its name.\n",
            "ID3 tags hold a song's title.\n",
            "BZh, the code, is not what this is about.\n",
            "RIFF of WAVE after wave.\n",
            "The ftyp box comes first in an MP4 file.\n",
        ] {
            assert_eq!(sniff_binary(text.as_bytes(), None), None, "{text}");
        }
    }

    #[test]
    fn random_bytes_are_refused() {
        for (seed, n) in [(1u64, 131_072usize), (2, 4096), (3, 300), (4, 64)] {
            let bytes = noise(n, seed);
            let got = sniff_binary(&bytes, None);
            assert!(
                matches!(
                    got,
                    Some(BinaryKind::NulBytes | BinaryKind::ControlBytes { .. })
                ),
                "{n} random bytes: {got:?}"
            );
        }
        // Without a single NUL, the control codes give it away.
        let no_nul: Vec<u8> = noise(8192, 5).into_iter().filter(|&b| b != 0).collect();
        let got = sniff_binary(&no_nul, None);
        assert!(
            matches!(got, Some(BinaryKind::ControlBytes { percent }) if (9..=13).contains(&percent)),
            "{got:?}"
        );
        // And declared as some charset, still.
        let got = sniff_binary(&no_nul, Some("shift_jis"));
        assert!(
            matches!(got, Some(BinaryKind::ControlBytes { .. })),
            "{got:?}"
        );
    }

    #[test]
    fn nul_bytes_are_refused() {
        assert_eq!(
            sniff_binary(b"A headline\n\nText\0with a NUL.\n", None),
            Some(BinaryKind::NulBytes)
        );
        // After a UTF-8 BOM too.
        assert_eq!(
            sniff_binary(b"\xEF\xBB\xBFText\0\0", None),
            Some(BinaryKind::NulBytes)
        );
    }

    #[test]
    fn text_in_every_charset_the_decoder_reads_passes() {
        assert_eq!(sniff_binary(PAGE.as_bytes(), None), None);
        for label in [
            "windows-1252",
            "windows-1251",
            "koi8-r",
            "iso-8859-2",
            "shift_jis",
            "euc-jp",
            "iso-2022-jp",
            "gbk",
            "big5",
            "euc-kr",
        ] {
            let encoding = Encoding::for_label(label.as_bytes()).expect(label);
            let (bytes, _, _) = encoding.encode(PAGE);
            assert_eq!(sniff_binary(&bytes, None), None, "{label} undeclared");
            assert_eq!(sniff_binary(&bytes, Some(label)), None, "{label} declared");
        }
    }

    #[test]
    fn utf16_text_passes_with_a_bom_or_a_declared_charset() {
        for big_endian in [false, true] {
            let marked = utf16(PAGE, big_endian, true);
            assert_eq!(sniff_binary(&marked, None), None, "BOM, BE {big_endian}");
            let bare = utf16(PAGE, big_endian, false);
            let label = if big_endian { "utf-16be" } else { "utf-16le" };
            assert_eq!(sniff_binary(&bare, Some(label)), None, "{label}");
            // Without a BOM or a declared charset it is read as bytes: NULs.
            assert_eq!(sniff_binary(&bare, None), Some(BinaryKind::NulBytes));
        }
        // A long UTF-16 text whose sample ends mid-surrogate pair still passes.
        let long = utf16(&"😀 emoji and text. ".repeat(4000), false, true);
        assert_eq!(sniff_binary(&long, None), None);
    }

    #[test]
    fn noise_behind_a_utf16_bom_is_refused() {
        let mut bytes = b"\xFF\xFE".to_vec();
        bytes.extend(noise(8192, 6));
        let got = sniff_binary(&bytes, None);
        assert!(matches!(got, Some(BinaryKind::NotUtf16 { .. })), "{got:?}");
    }

    #[test]
    fn text_with_a_few_control_codes_passes() {
        // Terminal colours, a form feed, a DOS end-of-file mark.
        let log = "\x1b[1mBold\x1b[0m headline\n\x0cNext page.\n".repeat(20) + "\x1a";
        assert_eq!(sniff_binary(log.as_bytes(), None), None);
        let (legacy, _, _) = encoding_rs::WINDOWS_1252.encode("Café crème, déjà vu.\n\x1a");
        assert_eq!(sniff_binary(&legacy, None), None);
    }

    #[test]
    fn messages_say_what_it_looks_like() {
        assert_eq!(BinaryKind::Png.to_string(), "it looks like a PNG image");
        assert_eq!(
            BinaryKind::NulBytes.to_string(),
            "it contains NUL bytes (binary data)"
        );
        assert!(BinaryKind::ControlBytes { percent: 11 }
            .to_string()
            .starts_with("11% of its bytes are control codes"));
        assert!(BinaryKind::Gzip.hint().contains("unpack"));
    }
}
