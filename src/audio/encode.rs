use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use mp3lame_encoder::{Builder as LameBuilder, Encoder as Lame, FlushGap, MonoPcm};
use tempfile::NamedTempFile;

use super::tags::Metadata;
use super::AudioError;

/// Output container/codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioFormat {
    Wav,
    Mp3,
    /// Opus in Ogg (48 kHz). Always a variant, so configs and requests that
    /// name it parse; only builds with the `opus` feature can write it
    /// ([`AudioFormat::check_available`]).
    Opus,
}

impl AudioFormat {
    /// Pick the format from a file name's extension; a format this build
    /// cannot write is an error here, before any synthesis.
    pub fn from_path(path: &Path) -> Result<Self, AudioError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        Self::from_name(&ext)
    }

    /// The sample rate the codec needs, if it dictates one (Opus: 48 kHz).
    pub fn required_rate(self) -> Option<u32> {
        match self {
            Self::Opus => Some(48_000),
            _ => None,
        }
    }

    /// The format named `name` (`wav`, `mp3`, `opus`, or an extension), if
    /// this build can write it.
    pub fn from_name(name: &str) -> Result<Self, AudioError> {
        let format = match name.to_ascii_lowercase().as_str() {
            "wav" | "wave" => Self::Wav,
            "mp3" => Self::Mp3,
            "opus" | "ogg" | "oga" => Self::Opus,
            other => return Err(AudioError::UnsupportedFormat(other.to_string())),
        };
        format.check_available()?;
        Ok(format)
    }

    /// Whether this build can write the format: Opus needs the `opus` cargo
    /// feature. For a format that came from elsewhere (config, a JSON request),
    /// call this before synthesizing.
    pub fn check_available(self) -> Result<(), AudioError> {
        match self {
            Self::Opus if !cfg!(feature = "opus") => Err(AudioError::OpusNotBuilt),
            _ => Ok(()),
        }
    }
}

/// Encoder settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EncodeOptions {
    /// Constant MP3 bitrate in kbit/s (mono speech: 48–64 is transparent enough).
    pub mp3_bitrate_kbps: u32,
    /// MP3 VBR quality 0 (best) to 9; when set, VBR replaces the constant bitrate.
    pub mp3_vbr_quality: Option<u8>,
    /// Opus bitrate in kbit/s (VBR; 24–32 is transparent for mono speech).
    pub opus_bitrate_kbps: u32,
    /// Programme sample rate (None: the engine's; Opus is always 48 kHz).
    pub sample_rate: Option<u32>,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        Self {
            mp3_bitrate_kbps: 64,
            mp3_vbr_quality: None,
            opus_bitrate_kbps: 32,
            sample_rate: None,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> AudioError + '_ {
    move |source| AudioError::Io {
        path: path.to_path_buf(),
        source,
    }
}

enum Sink {
    Wav(hound::WavWriter<BufWriter<File>>),
    Mp3 {
        lame: Box<Lame>,
        /// The MP3 stream; the ID3 tag goes before it when the file is finished.
        body: NamedTempFile,
        file: BufWriter<File>,
        buf: Vec<u8>,
        pcm: Vec<i16>,
    },
    #[cfg(feature = "opus")]
    Opus(Box<super::opus::OggOpusWriter<BufWriter<File>>>),
}

/// An audio file being written: a temp file beside `path`, renamed onto `path` by
/// [`OutputFile::finish`]. Dropped unfinished (error, panic, Ctrl-C unwinding), the
/// temp files are removed and `path` is left untouched.
pub struct OutputFile {
    path: PathBuf,
    tmp: NamedTempFile,
    sink: Sink,
    sample_rate: u32,
}

fn to_i16(samples: &[f32], out: &mut Vec<i16>) {
    out.clear();
    out.extend(
        samples
            .iter()
            .map(|&s| (s.clamp(-1.0, 1.0) * 32767.0).round() as i16),
    );
}

fn lame_bitrate(kbps: u32) -> mp3lame_encoder::Bitrate {
    use mp3lame_encoder::Bitrate::*;
    match kbps {
        0..=8 => Kbps8,
        9..=16 => Kbps16,
        17..=24 => Kbps24,
        25..=32 => Kbps32,
        33..=40 => Kbps40,
        41..=48 => Kbps48,
        49..=64 => Kbps64,
        65..=80 => Kbps80,
        81..=96 => Kbps96,
        97..=112 => Kbps112,
        113..=128 => Kbps128,
        129..=160 => Kbps160,
        161..=192 => Kbps192,
        193..=224 => Kbps224,
        225..=256 => Kbps256,
        _ => Kbps320,
    }
}

fn temp_beside(path: &Path, suffix: &str) -> Result<NamedTempFile, AudioError> {
    crate::atomic::temp_beside(path, suffix).map_err(io_err(path))
}

impl OutputFile {
    /// Start writing mono audio at `sample_rate` to `path` in `format`, untagged.
    pub fn create(
        path: &Path,
        format: AudioFormat,
        sample_rate: u32,
        opts: &EncodeOptions,
    ) -> Result<Self, AudioError> {
        Self::create_tagged(path, format, sample_rate, opts, &Metadata::default())
    }

    /// Start writing; `meta` is the metadata as known before the audio (chapter
    /// titles and count, not their times): Ogg Opus reserves room for its tags
    /// from it. The final metadata is given to [`OutputFile::finish_with`].
    pub fn create_tagged(
        path: &Path,
        format: AudioFormat,
        sample_rate: u32,
        opts: &EncodeOptions,
        meta: &Metadata,
    ) -> Result<Self, AudioError> {
        format.check_available()?;
        let tmp = temp_beside(path, ".part")?;
        let file = tmp.reopen().map_err(io_err(path))?;
        let writer = BufWriter::with_capacity(1 << 16, file);
        let sink = match format {
            AudioFormat::Wav => {
                let spec = hound::WavSpec {
                    channels: 1,
                    sample_rate,
                    bits_per_sample: 16,
                    sample_format: hound::SampleFormat::Int,
                };
                Sink::Wav(hound::WavWriter::new(writer, spec)?)
            }
            AudioFormat::Mp3 => {
                let mp3 = |e: &dyn std::fmt::Display| AudioError::Mp3(e.to_string());
                let mut b =
                    LameBuilder::new().ok_or_else(|| mp3(&"cannot allocate LAME encoder"))?;
                b.set_num_channels(1).map_err(|e| mp3(&e))?;
                b.set_sample_rate(sample_rate).map_err(|e| mp3(&e))?;
                match opts.mp3_vbr_quality {
                    Some(q) => {
                        b.set_vbr_mode(mp3lame_encoder::VbrMode::Mtrh)
                            .map_err(|e| mp3(&e))?;
                        b.set_vbr_quality(lame_quality(q)).map_err(|e| mp3(&e))?;
                    }
                    None => b
                        .set_brate(lame_bitrate(opts.mp3_bitrate_kbps))
                        .map_err(|e| mp3(&e))?,
                }
                b.set_quality(mp3lame_encoder::Quality::Good)
                    .map_err(|e| mp3(&e))?;
                // The LAME/Xing tag carries encoder delay and padding, so decoders
                // (symphonia with gapless on, browsers, players) trim them and the
                // MP3 lasts exactly as long as the PCM.
                b.set_to_write_vbr_tag(true).map_err(|e| mp3(&e))?;
                let lame = b.build().map_err(|e| mp3(&e))?;
                // The stream goes to a body file; the ID3 tag (whose chapters are
                // known only at the end) is written before it when finished.
                let body = temp_beside(path, ".mp3body")?;
                let mut file =
                    BufWriter::with_capacity(1 << 16, body.reopen().map_err(io_err(path))?);
                // LAME does not put the tag frame in the stream: reserve room for it
                // at the start and fill it in when the stream is finished.
                let reserved = vec![0u8; lame.lame_tag_size()];
                file.write_all(&reserved).map_err(io_err(path))?;
                Sink::Mp3 {
                    lame: Box::new(lame),
                    body,
                    file,
                    buf: Vec::new(),
                    pcm: Vec::new(),
                }
            }
            #[cfg(feature = "opus")]
            AudioFormat::Opus => Sink::Opus(Box::new(super::opus::OggOpusWriter::new(
                writer,
                sample_rate,
                opts.opus_bitrate_kbps,
                meta,
            )?)),
            #[cfg(not(feature = "opus"))]
            AudioFormat::Opus => {
                let _ = (writer, meta);
                return Err(AudioError::OpusNotBuilt);
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            tmp,
            sink,
            sample_rate,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append mono samples in [-1, 1].
    pub fn write(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        match &mut self.sink {
            Sink::Wav(w) => {
                for chunk in samples.chunks(1 << 16) {
                    let mut i16w = w.get_i16_writer(chunk.len() as u32);
                    for &s in chunk {
                        i16w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16);
                    }
                    i16w.flush()?;
                }
                Ok(())
            }
            Sink::Mp3 {
                lame,
                file,
                buf,
                pcm,
                ..
            } => {
                for chunk in samples.chunks(8192) {
                    to_i16(chunk, pcm);
                    buf.clear();
                    buf.reserve(mp3lame_encoder::max_required_buffer_size(pcm.len()));
                    lame.encode_to_vec(MonoPcm(pcm.as_slice()), buf)
                        .map_err(|e| AudioError::Mp3(e.to_string()))?;
                    file.write_all(buf).map_err(io_err(&self.path))?;
                }
                Ok(())
            }
            #[cfg(feature = "opus")]
            Sink::Opus(w) => w.write(samples).map_err(|e| e.at(&self.path)),
        }
    }

    /// Flush the encoder, then atomically rename the temp file onto the target path.
    pub fn finish(self) -> Result<(), AudioError> {
        self.finish_with(&Metadata::default())
    }

    /// Finish with tags and chapters (MP3: ID3v2.4 with CHAP/CTOC; Opus: Vorbis
    /// comments; WAV: none).
    pub fn finish_with(self, meta: &Metadata) -> Result<(), AudioError> {
        let OutputFile {
            path, tmp, sink, ..
        } = self;
        match sink {
            Sink::Wav(w) => w.finalize()?,
            Sink::Mp3 {
                mut lame,
                body,
                mut file,
                mut buf,
                ..
            } => {
                buf.clear();
                buf.reserve(7200);
                lame.flush_to_vec::<FlushGap>(&mut buf)
                    .map_err(|e| AudioError::Mp3(e.to_string()))?;
                file.write_all(&buf).map_err(io_err(&path))?;
                // Fill the reserved first frame with the final LAME tag.
                let mut tag = Vec::with_capacity(lame.lame_tag_size().max(1));
                if lame.lame_tag_encode_to_vec(&mut tag).is_some() {
                    file.seek(SeekFrom::Start(0)).map_err(io_err(&path))?;
                    file.write_all(&tag).map_err(io_err(&path))?;
                }
                file.flush().map_err(io_err(&path))?;
                drop(file);
                let mut out =
                    BufWriter::with_capacity(1 << 16, tmp.reopen().map_err(io_err(&path))?);
                let is_empty = *meta == Metadata::default();
                if !is_empty {
                    let id3 = meta
                        .id3_bytes(None)
                        .map_err(|e| AudioError::Tags(e.to_string()))?;
                    out.write_all(&id3).map_err(io_err(&path))?;
                }
                let mut src = body.reopen().map_err(io_err(&path))?;
                std::io::copy(&mut src, &mut out).map_err(io_err(&path))?;
                out.flush().map_err(io_err(&path))?;
                out.get_ref().sync_all().map_err(io_err(&path))?;
            }
            #[cfg(feature = "opus")]
            Sink::Opus(w) => w.finish(meta).map_err(|e| e.at(&path))?,
        }
        tmp.persist(&path).map_err(|e| AudioError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(())
    }
}

fn lame_quality(q: u8) -> mp3lame_encoder::Quality {
    use mp3lame_encoder::Quality::*;
    match q {
        0 => Best,
        1 => SecondBest,
        2 => NearBest,
        3 => VeryNice,
        4 => Nice,
        5 => Good,
        6 => Decent,
        7 => Ok,
        8 => SecondWorst,
        _ => Worst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(AudioFormat::from_name("WAVE").ok(), Some(AudioFormat::Wav));
        assert_eq!(
            AudioFormat::from_path(Path::new("a/b.MP3")).ok(),
            Some(AudioFormat::Mp3)
        );
        assert!(matches!(
            AudioFormat::from_name("flac"),
            Err(AudioError::UnsupportedFormat(f)) if f == "flac"
        ));
        // The variant parses from config/JSON whether or not it can be written.
        let f: AudioFormat = serde_json::from_str("\"opus\"").expect("serde name");
        assert_eq!(f, AudioFormat::Opus);
    }

    #[cfg(feature = "opus")]
    #[test]
    fn opus_is_available_with_the_feature() {
        for name in ["opus", "ogg", "OGA"] {
            assert_eq!(AudioFormat::from_name(name).ok(), Some(AudioFormat::Opus));
        }
        assert!(AudioFormat::Opus.check_available().is_ok());
    }

    #[cfg(not(feature = "opus"))]
    #[test]
    fn opus_without_the_feature_is_refused_naming_it_and_writes_nothing() {
        for name in ["opus", "ogg", "OGA"] {
            let err = AudioFormat::from_name(name).expect_err(name);
            assert!(matches!(err, AudioError::OpusNotBuilt), "{name}: {err}");
            assert!(err.to_string().contains("--features opus"), "{err}");
        }
        assert!(matches!(
            AudioFormat::from_path(Path::new("x.opus")),
            Err(AudioError::OpusNotBuilt)
        ));
        // A format that came from elsewhere (config, a request) is refused by
        // the encoder too, before it creates anything.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.opus");
        let r = OutputFile::create(&path, AudioFormat::Opus, 48_000, &EncodeOptions::default());
        assert!(matches!(r, Err(AudioError::OpusNotBuilt)));
        let left = std::fs::read_dir(dir.path()).expect("read dir").count();
        assert_eq!(left, 0, "nothing written");
    }
}
