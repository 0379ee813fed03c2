//! Tags and chapters: ID3v2.4 (MP3, with CHAP + CTOC) and Vorbis comments (Opus,
//! with the CHAPTERnnn chapter convention).

use std::time::Duration;

use id3::frame::{Chapter as Chap, Picture, PictureType, TableOfContents};
use id3::{Frame, TagLike, Version};
use serde::{Deserialize, Serialize};

/// One chapter: starts at a heading (or the title) and runs to the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChapterMark {
    pub title: String,
    pub start: Duration,
    pub end: Duration,
}

/// A cover image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub mime: String,
    pub data: Vec<u8>,
}

impl Cover {
    /// A cover from an image file's bytes; the type is taken from its magic number.
    pub fn from_bytes(data: Vec<u8>) -> Option<Self> {
        let mime = if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            return None;
        };
        Some(Self {
            mime: mime.into(),
            data,
        })
    }
}

/// What the output file says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    /// The byline.
    pub artist: Option<String>,
    /// The publication.
    pub album: Option<String>,
    /// Publication date (ISO 8601 as found).
    pub date: Option<String>,
    /// The article's URL.
    pub source_url: Option<String>,
    pub cover: Option<Cover>,
    pub chapters: Vec<ChapterMark>,
}

impl Metadata {
    /// Upper bound of the encoded ID3 tag size, known before the chapters' times.
    pub fn id3_size_hint(&self, chapters: usize, chapter_title_bytes: usize) -> usize {
        let text: usize = [
            &self.title,
            &self.artist,
            &self.album,
            &self.date,
            &self.source_url,
        ]
        .iter()
        .map(|s| s.as_ref().map_or(0, |s| s.len() * 2 + 32))
        .sum();
        4096 + text
            + self.cover.as_ref().map_or(0, |c| c.data.len() + 64)
            + chapters * 96
            + chapter_title_bytes * 2
    }

    /// The ID3v2.4 tag.
    pub fn id3(&self) -> id3::Tag {
        let mut tag = id3::Tag::new();
        if let Some(t) = &self.title {
            tag.set_title(t);
        }
        if let Some(a) = &self.artist {
            tag.set_artist(a);
        }
        if let Some(a) = &self.album {
            tag.set_album(a);
        }
        if let Some(d) = self
            .date
            .as_deref()
            .and_then(|d| d.parse::<id3::Timestamp>().ok())
        {
            tag.set_date_released(d);
            tag.set_date_recorded(d);
        }
        if let Some(u) = &self.source_url {
            tag.add_frame(Frame::link("WOAS", u));
        }
        if let Some(c) = &self.cover {
            tag.add_frame(Picture {
                mime_type: c.mime.clone(),
                picture_type: PictureType::CoverFront,
                description: String::new(),
                data: c.data.clone(),
            });
        }
        if !self.chapters.is_empty() {
            let ids: Vec<String> = (0..self.chapters.len()).map(|i| format!("ch{i}")).collect();
            for (c, id) in self.chapters.iter().zip(&ids) {
                tag.add_frame(Chap {
                    element_id: id.clone(),
                    start_time: ms(c.start),
                    end_time: ms(c.end),
                    start_offset: u32::MAX,
                    end_offset: u32::MAX,
                    frames: vec![Frame::text("TIT2", c.title.clone())],
                });
            }
            tag.add_frame(TableOfContents {
                element_id: "toc".into(),
                top_level: true,
                ordered: true,
                elements: ids,
                frames: vec![],
            });
        }
        tag
    }

    /// Encode the ID3 tag, padded with zeros to exactly `size` bytes when it fits.
    pub fn id3_bytes(&self, size: Option<usize>) -> Result<Vec<u8>, id3::Error> {
        let tag = self.id3();
        let mut out = Vec::new();
        tag.write_to(&mut out, Version::Id3v24)?;
        if let Some(size) = size.filter(|&s| s > out.len()) {
            let mut padded = Vec::with_capacity(size);
            id3::Encoder::new()
                .version(Version::Id3v24)
                .padding(size - out.len())
                .encode(&tag, &mut padded)?;
            if padded.len() == size {
                return Ok(padded);
            }
        }
        Ok(out)
    }

    /// Vorbis comments (Opus), with chapters as CHAPTERnnn / CHAPTERnnnNAME.
    pub fn vorbis_comments(&self) -> Vec<(String, String)> {
        let mut c = Vec::new();
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                c.push((k.to_string(), v.clone()));
            }
        };
        put("TITLE", &self.title);
        put("ARTIST", &self.artist);
        put("ALBUM", &self.album);
        put("DATE", &self.date);
        put("CONTACT", &self.source_url);
        if let Some(cover) = &self.cover {
            c.push(("METADATA_BLOCK_PICTURE".into(), flac_picture_base64(cover)));
        }
        for (i, ch) in self.chapters.iter().enumerate() {
            let n = i + 1;
            c.push((format!("CHAPTER{n:03}"), clock(ch.start)));
            c.push((format!("CHAPTER{n:03}NAME"), ch.title.clone()));
        }
        c
    }
}

/// A FLAC PICTURE block, base64: how Vorbis comments carry cover art.
fn flac_picture_base64(cover: &Cover) -> String {
    use base64::Engine as _;
    let mut b = Vec::with_capacity(cover.data.len() + 64);
    let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes();
    b.extend_from_slice(&3u32.to_be_bytes()); // front cover
    b.extend_from_slice(&len(cover.mime.len()));
    b.extend_from_slice(cover.mime.as_bytes());
    b.extend_from_slice(&0u32.to_be_bytes()); // no description
    b.extend_from_slice(&[0; 16]); // width, height, depth, colours: unknown
    b.extend_from_slice(&len(cover.data.len()));
    b.extend_from_slice(&cover.data);
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// HH:MM:SS.mmm
pub fn clock(d: Duration) -> String {
    let ms = d.as_millis();
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}
