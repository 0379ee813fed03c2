//! Opus in Ogg (RFC 7845), streamed: 20 ms packets from libopus, pages of one
//! second, exact length through pre-skip and end trimming. The comment header
//! (tags, chapters) is written first with room reserved for it and rewritten in
//! place when the chapters' times are known.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use super::tags::{ChapterMark, Metadata};
use super::AudioError;

/// Errors of the Opus writer, before the path is known to them.
#[derive(Debug)]
pub(crate) enum OpusError {
    Io(std::io::Error),
    Codec(String),
}

impl OpusError {
    pub(crate) fn at(self, path: &Path) -> AudioError {
        match self {
            Self::Io(source) => AudioError::Io {
                path: path.to_path_buf(),
                source,
            },
            Self::Codec(m) => AudioError::Opus(m),
        }
    }
}

impl From<std::io::Error> for OpusError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<opus::Error> for OpusError {
    fn from(e: opus::Error) -> Self {
        Self::Codec(e.to_string())
    }
}

const SERIAL: u32 = 0x6e61_7272; // "narr"
const PACKETS_PER_PAGE: u64 = 50; // one second of 20 ms packets
/// Largest comment header (tags, chapters, cover art) written.
const MAX_TAGS: usize = 16 << 20;
const VENDOR: &str = concat!("narrator ", env!("CARGO_PKG_VERSION"));

pub(crate) struct OggOpusWriter<W: Write + Seek> {
    enc: opus::Encoder,
    w: W,
    seq: u32,
    page_lacing: Vec<u8>,
    page_data: Vec<u8>,
    page_packets: u64,
    rate: u32,
    frame: usize,
    pre_skip: u64,
    pending: Vec<f32>,
    held: Option<Vec<u8>>,
    /// Samples (at 48 kHz) given to the encoder so far, pre-skip included.
    encoded: u64,
    /// Samples of the programme written by the caller.
    input: u64,
    tags_offset: u64,
    tags_len: usize,
    out: Vec<u8>,
}

fn tags_packet(meta: &Metadata, size: Option<usize>) -> Vec<u8> {
    let comments = meta.vorbis_comments();
    let mut p = Vec::new();
    p.extend_from_slice(b"OpusTags");
    p.extend_from_slice(&(VENDOR.len() as u32).to_le_bytes());
    p.extend_from_slice(VENDOR.as_bytes());
    p.extend_from_slice(&(comments.len() as u32).to_le_bytes());
    for (k, v) in comments {
        let c = format!("{k}={v}");
        p.extend_from_slice(&(c.len() as u32).to_le_bytes());
        p.extend_from_slice(c.as_bytes());
    }
    if let Some(size) = size {
        // Zero padding after the comments is allowed (RFC 7845 §5.2, LSB 0: may be
        // discarded).
        if p.len() < size {
            p.resize(size, 0);
        }
    }
    p
}

/// Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, init 0).
fn ogg_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// An Ogg page from its lacing values and data.
fn page(lacing: &[u8], data: &[u8], seq: u32, header_type: u8, granule: u64) -> Vec<u8> {
    let mut page = Vec::with_capacity(27 + lacing.len() + data.len());
    page.extend_from_slice(b"OggS");
    page.push(0);
    page.push(header_type);
    page.extend_from_slice(&granule.to_le_bytes());
    page.extend_from_slice(&SERIAL.to_le_bytes());
    page.extend_from_slice(&seq.to_le_bytes());
    page.extend_from_slice(&[0; 4]);
    page.push(lacing.len() as u8);
    page.extend_from_slice(lacing);
    page.extend_from_slice(data);
    let crc = ogg_crc(&page);
    page[22..26].copy_from_slice(&crc.to_le_bytes());
    page
}

fn lace(len: usize, lacing: &mut Vec<u8>) {
    lacing.extend(std::iter::repeat_n(255u8, len / 255));
    lacing.push((len % 255) as u8);
}

/// One Ogg page holding exactly one packet (< 255 * 255 bytes).
fn single_packet_page(packet: &[u8], seq: u32, header_type: u8, granule: u64) -> Vec<u8> {
    let mut lacing = Vec::new();
    lace(packet.len(), &mut lacing);
    page(&lacing, packet, seq, header_type, granule)
}

/// The pages of one packet of any size, numbered from `first_seq`: continued
/// pages carry flag 1 and, where no packet ends, granule −1 (RFC 3533).
fn packet_pages(packet: &[u8], first_seq: u32) -> Vec<Vec<u8>> {
    let mut lacing = Vec::new();
    lace(packet.len(), &mut lacing);
    let mut pages = Vec::new();
    let mut data = packet;
    for (k, lv) in lacing.chunks(255).enumerate() {
        let n: usize = lv.iter().map(|&v| usize::from(v)).sum();
        let (this, rest) = data.split_at(n.min(data.len()));
        data = rest;
        let last = (k + 1) * 255 >= lacing.len();
        let granule = if last { 0 } else { u64::MAX };
        let flag = if k > 0 { 0x01 } else { 0 };
        pages.push(page(lv, this, first_seq + k as u32, flag, granule));
    }
    pages
}

impl<W: Write + Seek> OggOpusWriter<W> {
    pub(crate) fn new(mut w: W, rate: u32, kbps: u32, meta: &Metadata) -> Result<Self, AudioError> {
        if ![8_000, 12_000, 16_000, 24_000, 48_000].contains(&rate) {
            return Err(AudioError::Opus(format!(
                "Opus encodes 8, 12, 16, 24 or 48 kHz, not {rate} Hz"
            )));
        }
        let codec = |e: opus::Error| AudioError::Opus(e.to_string());
        let io = |e: std::io::Error| AudioError::Opus(e.to_string());
        let mut enc = opus::Encoder::new(rate, opus::Channels::Mono, opus::Application::Audio)
            .map_err(codec)?;
        enc.set_bitrate(opus::Bitrate::Bits((kbps.clamp(6, 256) * 1000) as i32))
            .map_err(codec)?;
        enc.set_vbr(true).map_err(codec)?;
        let lookahead = u64::try_from(enc.get_lookahead().map_err(codec)?).unwrap_or(0);
        let pre_skip = lookahead * 48_000 / u64::from(rate);

        let mut head = Vec::with_capacity(19);
        head.extend_from_slice(b"OpusHead");
        head.push(1);
        head.push(1);
        head.extend_from_slice(&(pre_skip as u16).to_le_bytes());
        head.extend_from_slice(&rate.to_le_bytes());
        head.extend_from_slice(&0i16.to_le_bytes());
        head.push(0);
        w.write_all(&single_packet_page(&head, 0, 0x02, 0))
            .map_err(io)?;

        // Reserve the comment header: the chapters' times are fixed-width, so the
        // final comments are as long as these placeholders; keep slack anyway.
        let placeholder = Metadata {
            chapters: meta
                .chapters
                .iter()
                .map(|c| ChapterMark {
                    title: c.title.clone(),
                    ..c.clone()
                })
                .collect(),
            ..meta.clone()
        };
        let tags_len = tags_packet(&placeholder, None).len() + 512;
        if tags_len > MAX_TAGS {
            return Err(AudioError::Opus(format!(
                "tags and chapters too large for the Opus comment header ({tags_len} bytes)"
            )));
        }
        let tags_offset = w.stream_position().map_err(io)?;
        let pages = packet_pages(&tags_packet(&placeholder, Some(tags_len)), 1);
        for p in &pages {
            w.write_all(p).map_err(io)?;
        }
        let first_audio_page = 1 + pages.len() as u32;
        Ok(Self {
            enc,
            w,
            seq: first_audio_page,
            page_lacing: Vec::new(),
            page_data: Vec::new(),
            page_packets: 0,
            rate,
            frame: rate as usize / 50,
            pre_skip,
            pending: Vec::new(),
            held: None,
            encoded: 0,
            input: 0,
            tags_offset,
            tags_len,
            out: vec![0u8; 4000],
        })
    }

    fn to48(&self, n: u64) -> u64 {
        n * 48_000 / u64::from(self.rate)
    }

    fn encode_frames(&mut self) -> Result<(), OpusError> {
        let mut start = 0;
        while self.pending.len() - start >= self.frame {
            let n = self
                .enc
                .encode_float(&self.pending[start..start + self.frame], &mut self.out)?;
            start += self.frame;
            let packet = self.out[..n].to_vec();
            if let Some(prev) = self.held.replace(packet) {
                self.emit(prev, false)?;
            }
        }
        self.pending.drain(..start);
        Ok(())
    }

    fn emit(&mut self, packet: Vec<u8>, last: bool) -> Result<(), OpusError> {
        self.encoded += self.to48(self.frame as u64);
        let segments = packet.len() / 255 + 1;
        if self.page_lacing.len() + segments > 255 {
            self.flush_page(false, self.encoded - self.to48(self.frame as u64))?;
        }
        lace(packet.len(), &mut self.page_lacing);
        self.page_data.extend_from_slice(&packet);
        self.page_packets += 1;
        if last {
            // End trimming: the last page's granule is where the programme ends.
            let end = self.pre_skip + self.to48(self.input);
            self.flush_page(true, end)?;
        } else if self.page_packets >= PACKETS_PER_PAGE {
            self.flush_page(false, self.encoded)?;
        }
        Ok(())
    }

    fn flush_page(&mut self, eos: bool, granule: u64) -> Result<(), OpusError> {
        if self.page_lacing.is_empty() {
            return Ok(());
        }
        let p = page(
            &self.page_lacing,
            &self.page_data,
            self.seq,
            if eos { 0x04 } else { 0 },
            granule,
        );
        self.w.write_all(&p)?;
        self.seq += 1;
        self.page_lacing.clear();
        self.page_data.clear();
        self.page_packets = 0;
        Ok(())
    }

    pub(crate) fn write(&mut self, samples: &[f32]) -> Result<(), OpusError> {
        self.input += samples.len() as u64;
        self.pending
            .extend(samples.iter().map(|s| s.clamp(-1.0, 1.0)));
        self.encode_frames()
    }

    pub(crate) fn finish(mut self, meta: &Metadata) -> Result<(), OpusError> {
        // Feed the encoder's look-ahead and pad to whole frames.
        let lookahead = (self.pre_skip * u64::from(self.rate) / 48_000) as usize;
        let total = self.pending.len() + lookahead;
        let padded = total.div_ceil(self.frame).max(1) * self.frame;
        self.pending.resize(padded, 0.0);
        self.encode_frames()?;
        if let Some(last) = self.held.take() {
            self.emit(last, true)?;
        }
        let tags = tags_packet(meta, Some(self.tags_len));
        if tags.len() != self.tags_len {
            return Err(OpusError::Codec(format!(
                "tags grew past the reserved comment header ({} > {} bytes)",
                tags.len(),
                self.tags_len
            )));
        }
        let mut w = self.w;
        w.seek(SeekFrom::Start(self.tags_offset))?;
        // Same size as reserved, so the same pages in the same place.
        for p in packet_pages(&tags, 1) {
            w.write_all(&p)?;
        }
        w.seek(SeekFrom::End(0))?;
        w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{AudioFormat, Cover, EncodeOptions, OutputFile};
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;

    #[test]
    fn crc_is_pinned() {
        // A pinned value; `symphonia_reads_every_packet` is the independent check
        // (symphonia's Ogg reader drops every page whose CRC does not match).
        assert_eq!(ogg_crc(b"OggS"), 0x5fb0_a94f);
    }

    #[test]
    fn large_packets_span_pages() {
        let packet = vec![7u8; 255 * 255 * 2 + 10];
        let pages = packet_pages(&packet, 1);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[1][5], 0x01, "continued");
        assert_eq!(&pages[0][6..14], &u64::MAX.to_le_bytes());
        assert_eq!(&pages[2][6..14], &0u64.to_le_bytes());
        let data: usize = pages
            .iter()
            .map(|p| p.len() - 27 - usize::from(p[26]))
            .sum();
        assert_eq!(data, packet.len());
    }

    /// symphonia's Ogg reader checks every page's CRC: all the packets
    /// of a file with a multi-page comment header (a large cover) come through.
    #[test]
    fn symphonia_reads_every_packet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.opus");
        let mut jpeg = vec![0xFF, 0xD8, 0xFF];
        jpeg.resize(100_000, 0x55);
        let meta = Metadata {
            title: Some("T".into()),
            cover: Cover::from_bytes(jpeg),
            chapters: vec![ChapterMark {
                title: "One".into(),
                start: std::time::Duration::ZERO,
                end: std::time::Duration::ZERO,
            }],
            ..Metadata::default()
        };
        let mut f = OutputFile::create_tagged(
            &path,
            AudioFormat::Opus,
            48_000,
            &EncodeOptions::default(),
            &meta,
        )
        .expect("create");
        let n: usize = 48_000 * 3 + 123;
        let tone: Vec<f32> = (0..n).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
        f.write(&tone).expect("write");
        let mut done = meta.clone();
        done.chapters[0].end = std::time::Duration::from_secs(3);
        f.finish_with(&done).expect("finish");

        let file = std::fs::File::open(&path).expect("open");
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        hint.with_extension("opus");
        let mut fmt = symphonia::default::get_probe()
            .format(
                &hint,
                mss,
                &FormatOptions::default(),
                &MetadataOptions::default(),
            )
            .expect("probe")
            .format;
        let track = fmt.default_track().expect("track").clone();
        assert_eq!(
            track.codec_params.codec,
            symphonia::core::codecs::CODEC_TYPE_OPUS
        );
        let mut packets = 0;
        while fmt.next_packet().is_ok() {
            packets += 1;
        }
        let pre_skip: usize = 312; // libopus look-ahead at 48 kHz
        assert_eq!(packets, (n + pre_skip).div_ceil(960));
    }
}
