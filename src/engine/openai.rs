//! OpenAI's speech API (`POST {base}/audio/speech`) and the servers that copy it
//! (local-tts-studio, …).
//!
//! Compatible servers differ from OpenAI in ways worth knowing (see
//! docs/engines-http.md): local-tts-studio ignores `model`, `voice` and `speed`
//! (its owner sets them server-side), serves mp3/flac/opus only with ffmpeg
//! installed, and answers text without anything to say with a 500 — such text
//! becomes empty audio here without a request.

use std::time::Duration;

use super::http::{self, Container, RetryPolicy};
use super::{Engine, EngineError, EngineIdentity, EngineInfo, EngineKind, Pcm, SynthesisSettings};
use crate::cancel::CancelToken;

/// Engine id on the command line.
pub const ENGINE_ID: &str = "openai";
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_MODEL: &str = "tts-1";
pub const DEFAULT_VOICE: &str = "alloy";
pub const DEFAULT_API_KEY_ENV: &str = "OPENAI_API_KEY";
/// OpenAI's limit on `input`.
pub const MAX_CHARS: usize = 4_096;
/// OpenAI's range for `speed`.
pub const SPEED_RANGE: (f32, f32) = (0.25, 4.0);
/// Sample rate of OpenAI's raw `pcm` replies (compatible servers may say another
/// one in an `X-Sample-Rate` header).
const PCM_SAMPLE_RATE: u32 = 24_000;
/// Text of the request made at build to check the server, key, model and voice,
/// and to learn the sample rate.
const PROBE_TEXT: &str = "Hi.";

/// Audio format asked of the server. Opus and AAC are not offered: the symphonia
/// build this crate uses has no decoder for them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseFormat {
    /// WAV, 16-bit: lossless and cheap to decode (the default).
    #[default]
    Wav,
    /// Raw 16-bit little-endian mono samples.
    Pcm,
    Mp3,
    Flac,
}

impl ResponseFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFormat::Wav => "wav",
            ResponseFormat::Pcm => "pcm",
            ResponseFormat::Mp3 => "mp3",
            ResponseFormat::Flac => "flac",
        }
    }
}

impl std::str::FromStr for ResponseFormat {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wav" => Ok(ResponseFormat::Wav),
            "pcm" => Ok(ResponseFormat::Pcm),
            "mp3" => Ok(ResponseFormat::Mp3),
            "flac" => Ok(ResponseFormat::Flac),
            other => Err(EngineError::InvalidVoice(format!(
                "response format '{other}' is not supported (use wav, pcm, mp3 or flac; \
                 opus and aac cannot be decoded by this build)"
            ))),
        }
    }
}

impl std::fmt::Display for ResponseFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Load-time configuration of the OpenAI-compatible engine.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAiConfig {
    /// API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`.
    pub base_url: String,
    /// `tts-1`, `tts-1-hd`, `gpt-4o-mini-tts`, …
    pub model: String,
    /// `alloy`, `nova`, … (servers may ignore it).
    pub voice: String,
    /// Environment variable holding the API key. When it is set, the key is sent as
    /// `Authorization: Bearer …`; it is only required for api.openai.com.
    pub api_key_env: String,
    pub response_format: ResponseFormat,
    /// Timeout of one request (connect + synthesis + download).
    pub timeout: Duration,
    /// Retries of a failed request (429/5xx/timeout/connection error), after the first try.
    pub retries: u32,
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            model: DEFAULT_MODEL.into(),
            voice: DEFAULT_VOICE.into(),
            api_key_env: DEFAULT_API_KEY_ENV.into(),
            response_format: ResponseFormat::Wav,
            timeout: Duration::from_secs(120),
            retries: 3,
        }
    }
}

impl OpenAiConfig {
    /// Validate the config, then synthesize a short probe word once: this checks
    /// that the server answers and accepts the key, model, voice and format, and
    /// tells the sample rate (24 kHz at OpenAI; the voice's rate at piper-based
    /// servers). A server that is down fails here, naming the URL.
    pub fn build(&self) -> Result<OpenAiEngine, EngineError> {
        let base = http::base_url(&self.base_url)?;
        for (what, value) in [("model", &self.model), ("voice", &self.voice)] {
            if value.trim().is_empty() {
                return Err(EngineError::InvalidVoice(format!(
                    "openai {what} must not be empty"
                )));
            }
        }
        if self.timeout.is_zero() {
            return Err(EngineError::InvalidVoice(
                "openai timeout must be above zero".into(),
            ));
        }
        let api_key = std::env::var(&self.api_key_env)
            .ok()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty());
        if api_key.is_none() && base.host_str() == Some("api.openai.com") {
            return Err(EngineError::InvalidVoice(format!(
                "{} needs an API key: set the environment variable {}",
                base, self.api_key_env
            )));
        }
        let mut engine = OpenAiEngine {
            client: http::client(self.timeout)?,
            speech_url: http::join(&base, "audio/speech"),
            policy: RetryPolicy::new(self.retries),
            model: self.model.trim().to_string(),
            voice: self.voice.trim().to_string(),
            api_key,
            api_key_env: self.api_key_env.clone(),
            format: self.response_format,
            sample_rate: 0,
        };
        let probe = engine
            .request(
                PROBE_TEXT,
                1.0,
                &engine.policy.for_health_check(),
                &CancelToken::new(),
            )
            .map_err(|e| engine.explain(e))?;
        engine.sample_rate = probe.sample_rate;
        tracing::info!(url = %engine.speech_url, model = %engine.model, voice = %engine.voice, sample_rate = engine.sample_rate, "openai engine ready");
        Ok(engine)
    }
}

/// A live client of an OpenAI-compatible speech endpoint.
pub struct OpenAiEngine {
    client: reqwest::blocking::Client,
    speech_url: String,
    policy: RetryPolicy,
    model: String,
    voice: String,
    api_key: Option<String>,
    api_key_env: String,
    format: ResponseFormat,
    sample_rate: u32,
}

impl std::fmt::Debug for OpenAiEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("OpenAiEngine")
            .field("speech_url", &self.speech_url)
            .field("model", &self.model)
            .field("voice", &self.voice)
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .field("format", &self.format)
            .field("sample_rate", &self.sample_rate)
            .finish()
    }
}

/// 429/5xx answers that retrying will not fix.
fn permanent_failure(status: u16, body: &[u8]) -> bool {
    const PERMANENT_CODES: [&str; 5] = [
        // OpenAI: out of credit is a 429.
        "insufficient_quota",
        // local-tts-studio: server-side setup missing (all 503/500).
        "no_default_voice",
        "voice_not_ready",
        "engine_not_installed",
        "auth_not_configured",
    ];
    if status != 429 && status < 500 {
        return false;
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let error = json.get("error").unwrap_or(&json);
    let code = error.get("code").and_then(|c| c.as_str());
    let kind = error.get("type").and_then(|c| c.as_str());
    [code, kind]
        .iter()
        .flatten()
        .any(|c| PERMANENT_CODES.contains(c))
}

impl OpenAiEngine {
    fn request(
        &self,
        text: &str,
        speed: f32,
        policy: &RetryPolicy,
        cancel: &CancelToken,
    ) -> Result<Pcm, EngineError> {
        let body = serde_json::json!({
            "model": self.model,
            "voice": self.voice,
            "input": text,
            "response_format": self.format.as_str(),
            "speed": speed,
        });
        let reply = http::send(&self.speech_url, policy, permanent_failure, cancel, || {
            let request = self.client.post(&self.speech_url).json(&body);
            match &self.api_key {
                Some(key) => request.bearer_auth(key),
                None => request,
            }
        })?;
        match self.format {
            ResponseFormat::Wav => http::decode(reply.body, Container::Wav),
            ResponseFormat::Mp3 => http::decode(reply.body, Container::Mp3),
            ResponseFormat::Flac => http::decode(reply.body, Container::Flac),
            ResponseFormat::Pcm => {
                let rate = reply
                    .headers
                    .get("x-sample-rate")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .filter(|&r| r > 0)
                    .unwrap_or(PCM_SAMPLE_RATE);
                let samples: Vec<i16> = reply
                    .body
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
                Ok(Pcm::from_i16(rate, &samples))
            }
        }
    }

    /// Say what to do about the build-time failures people hit.
    fn explain(&self, error: EngineError) -> EngineError {
        match error {
            EngineError::Http { status: 401, body } => EngineError::Http {
                status: 401,
                body: format!("{body} (check the API key in ${})", self.api_key_env),
            },
            EngineError::Http { status: 404, body } => EngineError::Http {
                status: 404,
                body: format!(
                    "{body} ({} not found: does --engine-url end in /v1?)",
                    self.speech_url
                ),
            },
            other => http::hint_unreachable(
                other,
                "start an OpenAI-compatible server (e.g. `local-tts --port 8000`) \
                 or point --engine-url at a running one",
            ),
        }
    }
}

impl Engine for OpenAiEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: ENGINE_ID.into(),
            voice: self.voice.clone(),
            sample_rate: self.sample_rate,
            max_chars: MAX_CHARS,
        }
    }

    fn synthesize(&self, text: &str, settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        self.synthesize_with(text, settings, &CancelToken::new())
    }

    fn identity(&self) -> EngineIdentity {
        EngineIdentity {
            kind: Some(EngineKind::Openai),
            accepts_ipa: false,
            fingerprint: format!(
                "openai|{}|{}|{}|{}",
                self.speech_url,
                self.model,
                self.voice,
                self.format.as_str()
            ),
        }
    }

    fn synthesize_with(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &CancelToken,
    ) -> Result<Pcm, EngineError> {
        if let Some(silent) = http::precheck(text, self.sample_rate, MAX_CHARS)? {
            return Ok(silent);
        }
        let speed = settings.rate;
        if !(SPEED_RANGE.0..=SPEED_RANGE.1).contains(&speed) {
            return Err(EngineError::InvalidVoice(format!(
                "speaking rate {speed} is outside the range {}–{} this API accepts",
                SPEED_RANGE.0, SPEED_RANGE.1
            )));
        }
        if settings.speaker.is_some()
            || settings.noise_scale.is_some()
            || settings.noise_w.is_some()
        {
            tracing::debug!("the openai engine ignores speaker and noise settings");
        }
        self.request(text, speed, &self.policy, cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        assert_eq!(
            "WAV".parse::<ResponseFormat>().ok(),
            Some(ResponseFormat::Wav)
        );
        assert_eq!(
            "mp3".parse::<ResponseFormat>().ok(),
            Some(ResponseFormat::Mp3)
        );
        assert!("opus".parse::<ResponseFormat>().is_err());
    }

    #[test]
    fn permanent_failures() {
        let quota = br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert!(permanent_failure(429, quota));
        let rate = br#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#;
        assert!(!permanent_failure(429, rate));
        let voice = br#"{"error":{"message":"No default voice","type":"server_error","code":"no_default_voice"}}"#;
        assert!(permanent_failure(503, voice));
        assert!(!permanent_failure(503, b"<html>Service Unavailable</html>"));
    }

    #[test]
    fn api_openai_com_needs_a_key() {
        let config = OpenAiConfig {
            api_key_env: "NARRATOR_TEST_SURELY_UNSET_KEY".into(),
            ..Default::default()
        };
        let err = config.build().expect_err("no key");
        assert!(
            err.to_string().contains("NARRATOR_TEST_SURELY_UNSET_KEY"),
            "{err}"
        );
    }
}
