//! What the HTTP engines share: the blocking client, one request with retries and
//! backoff, short error-body excerpts, and decoding an audio reply into [`Pcm`].

use crate::cancel::CancelToken;
use std::io::Read;
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use url::Url;

use super::{EngineError, Pcm};

/// The most bytes one reply may carry. Ten minutes of 48 kHz stereo 16-bit WAV is
/// ~110 MB; an engine answer bigger than this is broken, not long.
const MAX_REPLY_BYTES: u64 = 128 * 1024 * 1024;
/// How much of an error body ends up in an error message.
const EXCERPT_CHARS: usize = 200;

/// How often, and how patiently, one request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt (0: try once).
    pub retries: u32,
    /// Wait before the first retry; doubled for each further retry.
    pub base_delay: Duration,
    /// Cap on any single wait, including a server's `Retry-After`.
    pub max_delay: Duration,
    /// Retry timeouts and connection errors too (off for start-up checks: a server
    /// that is down should fail the build at once, not after the backoff).
    pub retry_unreachable: bool,
}

impl RetryPolicy {
    pub fn new(retries: u32) -> Self {
        Self {
            retries,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            retry_unreachable: true,
        }
    }

    /// The same policy for a start-up check: busy servers (429/5xx) are still
    /// waited for, unreachable ones fail at once.
    pub fn for_health_check(self) -> Self {
        Self {
            retry_unreachable: false,
            ..self
        }
    }

    /// The wait before retry number `retry` (0-based): 0.5 s, 1 s, 2 s, … unless the
    /// server said how long to wait.
    fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        retry_after.unwrap_or(backoff).min(self.max_delay)
    }
}

/// A successful (2xx) reply, read in full.
#[derive(Debug)]
pub(crate) struct Reply {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Whether a failed reply is worth retrying, beyond its status code: servers answer
/// some permanent conditions with 429/5xx (OpenAI's `insufficient_quota` is a 429,
/// local-tts answers "no voice configured" with a 503).
pub(crate) type PermanentFailure = fn(status: u16, body: &[u8]) -> bool;

/// Never treat a 429/5xx as permanent.
pub(crate) fn never_permanent(_status: u16, _body: &[u8]) -> bool {
    false
}

/// Send the request `make` builds, retrying on 429, 5xx, timeouts and connection
/// errors with exponential backoff (honouring `Retry-After`), never on other 4xx.
/// `url` is what errors name.
pub(crate) fn send(
    url: &str,
    policy: &RetryPolicy,
    permanent: PermanentFailure,
    cancel: &CancelToken,
    make: impl Fn() -> RequestBuilder,
) -> Result<Reply, EngineError> {
    let mut retry = 0;
    loop {
        if cancel.is_canceled() {
            return Err(EngineError::Canceled);
        }
        let (error, retry_after) = match attempt(url, make(), permanent) {
            Ok(reply) => return Ok(reply),
            Err(Failure {
                error,
                retry_after,
                permanent: false,
            }) if error.is_retryable()
                && (policy.retry_unreachable
                    || !matches!(error, EngineError::Unreachable { .. })) =>
            {
                (error, retry_after)
            }
            Err(f) => return Err(f.error),
        };
        if retry >= policy.retries {
            return Err(with_attempts(error, retry + 1));
        }
        let wait = policy.delay(retry, retry_after);
        tracing::warn!(%url, error = %error, retry = retry + 1, of = policy.retries, ?wait, "engine request failed; retrying");
        if cancel.sleep(wait) {
            return Err(EngineError::Canceled);
        }
        retry += 1;
    }
}

struct Failure {
    error: EngineError,
    retry_after: Option<Duration>,
    permanent: bool,
}

fn attempt(
    url: &str,
    request: RequestBuilder,
    permanent: PermanentFailure,
) -> Result<Reply, Failure> {
    let unreachable = |e: reqwest::Error| Failure {
        error: EngineError::Unreachable {
            url: url.to_string(),
            source: Box::new(Flat::from(&e)),
        },
        retry_after: None,
        // A request that cannot even be built (bad header value …) will not heal.
        permanent: e.is_builder(),
    };
    let response = request.send().map_err(unreachable)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_body(response).map_err(|e| Failure {
        error: EngineError::Unreachable {
            url: url.to_string(),
            source: Box::new(e),
        },
        retry_after: None,
        permanent: false,
    })?;
    if status.is_success() {
        return Ok(Reply { headers, body });
    }
    Err(Failure {
        error: EngineError::Http {
            status: status.as_u16(),
            body: excerpt(&body),
        },
        retry_after: retry_after(&headers),
        permanent: permanent(status.as_u16(), &body),
    })
}

fn read_body(response: Response) -> Result<Vec<u8>, std::io::Error> {
    let mut body = Vec::new();
    response.take(MAX_REPLY_BYTES + 1).read_to_end(&mut body)?;
    if body.len() as u64 > MAX_REPLY_BYTES {
        return Err(std::io::Error::other(format!(
            "reply is over the limit of {MAX_REPLY_BYTES} bytes"
        )));
    }
    Ok(body)
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and is ignored:
/// the backoff applies instead).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let secs: f64 = value.parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

fn with_attempts(error: EngineError, attempts: u32) -> EngineError {
    match error {
        EngineError::Http { status, body } if attempts > 1 => EngineError::Http {
            status,
            body: format!("{body} (after {attempts} attempts)"),
        },
        other => other,
    }
}

/// A reqwest error flattened into one line with its causes ("error sending request
/// …: client error (Connect): tcp connect error: Connection refused"), so that the
/// message stays useful when only `Display` of the outer error is printed.
#[derive(Debug)]
pub(crate) struct Flat(String);

impl std::fmt::Display for Flat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Flat {}

impl Flat {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// Append a hint telling the user what to do.
    pub fn hint(mut self, hint: &str) -> Self {
        self.0.push_str("; ");
        self.0.push_str(hint);
        self
    }
}

impl From<&reqwest::Error> for Flat {
    fn from(e: &reqwest::Error) -> Self {
        let mut message = if e.is_timeout() {
            "timed out".to_string()
        } else {
            e.to_string()
        };
        let mut next = std::error::Error::source(e);
        while let Some(cause) = next {
            let text = cause.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            next = cause.source();
        }
        Self(message)
    }
}

/// Add `hint` to an `Unreachable` error (what to start, what to check).
pub(crate) fn hint_unreachable(error: EngineError, hint: &str) -> EngineError {
    match error {
        EngineError::Unreachable { url, source } => EngineError::Unreachable {
            url,
            source: Box::new(Flat::new(source.to_string()).hint(hint)),
        },
        other => other,
    }
}

/// A short, single-line excerpt of an error body: the `error.message` of an
/// OpenAI-style JSON error, else the text with HTML tags stripped.
pub(crate) fn excerpt(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        let error = json.get("error").unwrap_or(&json);
        let message = error.get("message").and_then(|m| m.as_str());
        let code = error.get("code").and_then(|c| c.as_str());
        match (message, code) {
            (Some(m), Some(c)) => return truncate(&format!("{m} [{c}]")),
            (Some(m), None) => return truncate(m),
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(body);
    let mut plain = String::with_capacity(text.len().min(4096));
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let collapsed = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return "(empty body)".into();
    }
    truncate(&collapsed)
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Build the shared blocking client. Must not be called from inside an async
/// runtime (reqwest's blocking client runs its own).
pub(crate) fn client(timeout: Duration) -> Result<Client, EngineError> {
    Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("narrator/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            EngineError::Synthesis(format!(
                "could not set up the HTTP client: {}",
                Flat::from(&e)
            ))
        })
}

/// Parse an engine base URL: http(s) with a host. Trailing slashes are dropped so
/// that paths can be appended.
pub(crate) fn base_url(raw: &str) -> Result<Url, EngineError> {
    let raw = raw.trim();
    let url = Url::parse(raw).map_err(|e| {
        EngineError::InvalidVoice(format!("engine URL '{raw}' is not a valid URL: {e}"))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(EngineError::InvalidVoice(format!(
            "engine URL '{raw}' must be an http:// or https:// URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(EngineError::InvalidVoice(format!(
            "engine URL '{raw}' must not have a query or fragment"
        )));
    }
    Ok(url)
}

/// `base` + `/path`, whether or not `base` ends with a slash.
pub(crate) fn join(base: &Url, path: &str) -> String {
    format!(
        "{}/{}",
        base.as_str().trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Whether `text` holds anything a voice can say. Piper (and local-tts, which runs
/// it) answers text without a letter or digit ("…", "—", "?!") with a 500, so such
/// segments are rendered as silence without asking the server.
pub(crate) fn speakable(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Container formats the decoder is told to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Wav,
    Mp3,
    Flac,
}

impl Container {
    fn extension(self) -> &'static str {
        match self {
            Container::Wav => "wav",
            Container::Mp3 => "mp3",
            Container::Flac => "flac",
        }
    }
}

/// Whether `bytes` start like a WAV file (content types are not trusted: piper's
/// server labels its WAV replies text/html).
pub(crate) fn is_wav(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE"
}

/// Decode a whole audio reply into mono f32 PCM (channels are averaged).
pub(crate) fn decode(bytes: Vec<u8>, container: Container) -> Result<Pcm, EngineError> {
    use symphonia::core::audio::SampleBuffer;
    use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
    use symphonia::core::errors::Error as SymError;
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;

    let bad = |what: &str, e: &dyn std::fmt::Display| EngineError::BadAudio(format!("{what}: {e}"));
    let mut bytes = bytes;
    if container == Container::Wav {
        if !is_wav(&bytes) {
            return Err(EngineError::BadAudio(format!(
                "expected a WAV reply, got {} bytes starting: {}",
                bytes.len(),
                excerpt(&bytes[..bytes.len().min(400)])
            )));
        }
        fix_streamed_wav_sizes(&mut bytes);
    }

    let source = MediaSourceStream::new(Box::new(std::io::Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    hint.with_extension(container.extension());
    // Gapless: drop the encoder delay and padding MP3 frames carry, so segments
    // join without clicks or gaps.
    let options = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, source, &options, &MetadataOptions::default())
        .map_err(|e| bad("unrecognised audio container", &e))?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| EngineError::BadAudio("no audio track in the reply".into()))?;
    let track_id = track.id;
    let mut sample_rate = track.codec_params.sample_rate.unwrap_or(0);
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| bad("unsupported codec", &e))?;

    let mut samples = Vec::new();
    let mut buffer: Option<SampleBuffer<f32>> = None;
    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(bad("could not read the audio stream", &e)),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            // A corrupt frame in a compressed stream: skip it, as players do.
            Err(SymError::DecodeError(e)) => {
                tracing::debug!(error = e, "skipping undecodable audio packet");
                continue;
            }
            Err(e) => return Err(bad("could not decode the audio", &e)),
        };
        let spec = *decoded.spec();
        sample_rate = spec.rate;
        let channels = spec.channels.count().max(1);
        let needed = decoded.capacity() as u64;
        let buf = match &mut buffer {
            Some(b) if b.capacity() as u64 >= needed * channels as u64 => b,
            _ => buffer.insert(SampleBuffer::new(needed, spec)),
        };
        buf.copy_interleaved_ref(decoded);
        if channels == 1 {
            samples.extend_from_slice(buf.samples());
        } else {
            samples.extend(
                buf.samples()
                    .chunks_exact(channels)
                    .map(|f| f.iter().sum::<f32>() / channels as f32),
            );
        }
    }
    if sample_rate == 0 {
        return Err(EngineError::BadAudio(
            "the reply does not state its sample rate".into(),
        ));
    }
    Ok(Pcm::new(sample_rate, samples))
}

/// Streaming servers (OpenAI among them) write WAV headers before they know the
/// length and put 0xFFFFFFFF (or 0) in the RIFF and data sizes. Clamp both to what
/// arrived, so the decoder reads exactly the received frames.
fn fix_streamed_wav_sizes(bytes: &mut [u8]) {
    let total = bytes.len();
    let mut pos = 12;
    while pos + 8 <= total {
        let id = [bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]];
        let size = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]);
        let body = pos + 8;
        if &id == b"data" {
            let available = total - body;
            if size as usize > available || size == 0 {
                let clamped = u32::try_from(available).unwrap_or(u32::MAX);
                bytes[pos + 4..pos + 8].copy_from_slice(&clamped.to_le_bytes());
                let riff = u32::try_from(total - 8).unwrap_or(u32::MAX);
                bytes[4..8].copy_from_slice(&riff.to_le_bytes());
            }
            return;
        }
        // Chunks are padded to an even length.
        pos = body
            .saturating_add(size as usize)
            .saturating_add(size as usize & 1);
    }
}

/// The checks every HTTP engine makes before a request: text with nothing to say
/// is empty audio without a request (servers answer it with errors), and text over
/// the engine's input limit is refused.
pub(crate) fn precheck(
    text: &str,
    sample_rate: u32,
    max_chars: usize,
) -> Result<Option<Pcm>, EngineError> {
    if !speakable(text) {
        return Ok(Some(Pcm::new(sample_rate, Vec::new())));
    }
    let len = text.chars().count();
    if len > max_chars {
        return Err(EngineError::TooLong {
            len,
            limit: max_chars,
        });
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(rate: u32, channels: u16, frames: &[i16]) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = std::io::Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut cursor, spec).expect("wav header");
        for &s in frames {
            writer.write_sample(s).expect("sample");
        }
        writer.finalize().expect("finalize");
        cursor.into_inner()
    }

    #[test]
    fn decodes_mono_wav() {
        let pcm = decode(wav(22_050, 1, &[0, 16_384, -16_384, 0]), Container::Wav).expect("decode");
        assert_eq!(pcm.sample_rate, 22_050);
        assert_eq!(pcm.samples, vec![0.0, 0.5, -0.5, 0.0]);
    }

    #[test]
    fn decodes_mp3() {
        use mp3lame_encoder::{Builder, FlushNoGap, MonoPcm};
        let rate = 24_000;
        let tone: Vec<i16> = (0..rate)
            .map(|i| ((f64::from(i) * 0.115).sin() * 12_000.0) as i16)
            .collect();
        let mut lame = Builder::new().expect("lame");
        lame.set_num_channels(1).expect("channels");
        lame.set_sample_rate(rate).expect("rate");
        let mut lame = lame.build().expect("encoder");
        let mut mp3 = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(tone.len()));
        lame.encode_to_vec(MonoPcm(tone.as_slice()), &mut mp3)
            .expect("encode");
        lame.flush_to_vec::<FlushNoGap>(&mut mp3).expect("flush");

        let pcm = decode(mp3, Container::Mp3).expect("decode");
        assert_eq!(pcm.sample_rate, rate);
        // MP3 pads to whole frames (1152 samples) plus the encoder delay.
        let extra = pcm.samples.len() as i64 - i64::from(rate);
        assert!(
            (-1152..=2 * 1152 + 576).contains(&extra),
            "{} samples",
            pcm.samples.len()
        );
        assert!(pcm.samples.iter().any(|s| s.abs() > 0.2));
    }

    #[test]
    fn downmixes_stereo() {
        let pcm = decode(
            wav(24_000, 2, &[16_384, 0, -16_384, -16_384]),
            Container::Wav,
        )
        .expect("decode");
        assert_eq!(pcm.sample_rate, 24_000);
        assert_eq!(pcm.samples, vec![0.25, -0.5]);
    }

    #[test]
    fn decodes_streamed_wav_with_unknown_sizes() {
        let frames: Vec<i16> = (0..5000).map(|i| (i % 100) as i16).collect();
        let mut bytes = wav(24_000, 1, &frames);
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let data = bytes
            .windows(4)
            .position(|w| w == b"data")
            .expect("data chunk");
        bytes[data + 4..data + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        let pcm = decode(bytes, Container::Wav).expect("decode");
        assert_eq!(pcm.samples.len(), 5000);
    }

    #[test]
    fn rejects_non_wav_with_an_excerpt() {
        let err = decode(
            b"<html><title>500 Internal Server Error</title></html>".to_vec(),
            Container::Wav,
        )
        .expect_err("not wav");
        let message = err.to_string();
        assert!(message.contains("500 Internal Server Error"), "{message}");
    }

    #[test]
    fn rejects_truncated_garbage_without_panicking() {
        for bytes in [
            b"RIFF".to_vec(),
            b"RIFF\0\0\0\0WAVE".to_vec(),
            b"RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff".to_vec(),
        ] {
            assert!(decode(bytes, Container::Wav).is_err());
        }
        assert!(decode(vec![0xff; 64], Container::Mp3).is_err());
    }

    #[test]
    fn excerpts_json_errors_and_html() {
        let json = br#"{"error":{"message":"Incorrect API key provided.","type":"x","code":"invalid_api_key"}}"#;
        assert_eq!(
            excerpt(json),
            "Incorrect API key provided. [invalid_api_key]"
        );
        let html = b"<!doctype html>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>";
        assert_eq!(
            excerpt(html),
            "500 Internal Server Error Internal Server Error"
        );
        assert_eq!(excerpt(b""), "(empty body)");
        let long = "é".repeat(1000);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn backoff_doubles_and_honours_retry_after() {
        let policy = RetryPolicy::new(3);
        assert_eq!(policy.delay(0, None), Duration::from_millis(500));
        assert_eq!(policy.delay(1, None), Duration::from_secs(1));
        assert_eq!(policy.delay(2, None), Duration::from_secs(2));
        assert_eq!(policy.delay(40, None), Duration::from_secs(30));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(999))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn base_urls() {
        assert!(base_url("http://127.0.0.1:5000").is_ok());
        assert!(base_url("ftp://x").is_err());
        assert!(base_url("127.0.0.1:5000").is_err());
        assert!(base_url("not a url").is_err());
        let base = base_url("http://h:1/v1/").expect("url");
        assert_eq!(join(&base, "audio/speech"), "http://h:1/v1/audio/speech");
    }

    #[test]
    fn speakable_text() {
        assert!(speakable("Hi"));
        assert!(speakable("42"));
        assert!(!speakable(""));
        assert!(!speakable(" … — ?! "));
    }
}
