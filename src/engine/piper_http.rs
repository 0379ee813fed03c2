//! Piper's own HTTP server (`python -m piper.http_server`): one `POST /synthesize`
//! per segment, answered with a WAV file.
//!
//! Server quirks this module works around:
//! - replies are WAV but labelled `text/html`: the body is sniffed, not the header;
//! - text without anything to say (empty, whitespace, "…", "—") makes it answer 500,
//!   so such segments become empty audio without a request;
//! - a JSON body is only read with `Content-Type: application/json`;
//! - `GET /voices` lists the loaded voice's config (sample rate, default
//!   length_scale, speaker count) — plus every voice in its data dirs, so the
//!   loaded voice's name is taken from `GET /info` when the server has it.

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::http::{self, Container, RetryPolicy};
use super::{Engine, EngineError, EngineIdentity, EngineInfo, EngineKind, Pcm, SynthesisSettings};
use crate::cancel::CancelToken;

/// Engine id on the command line.
pub const ENGINE_ID: &str = "piper-http";
/// Where `python -m piper.http_server` listens unless told otherwise.
pub const DEFAULT_URL: &str = "http://127.0.0.1:5000";
/// Longest segment sent in one request. Piper itself has no limit, but it renders
/// the whole text into one in-memory WAV before answering; segments are sentences
/// or paragraphs, so this only stops runaway input.
pub const MAX_CHARS: usize = 5_000;
/// Text of the probe request made at build when the server does not say its rate.
const PROBE_TEXT: &str = "Hi.";

const START_HINT: &str =
    "start it with `python -m piper.http_server -m VOICE.onnx --host 127.0.0.1 --port 5000` \
     (pip install piper-tts flask) or point --engine-url at a running server";

/// Load-time configuration of the Piper HTTP engine.
#[derive(Debug, Clone, PartialEq)]
pub struct PiperHttpConfig {
    /// Base URL of the server, e.g. `http://127.0.0.1:5000`.
    pub url: String,
    /// Timeout of one request (connect + synthesis + download).
    pub timeout: Duration,
    /// Retries of a failed request (429/5xx/timeout/connection error), after the first try.
    pub retries: u32,
}

impl Default for PiperHttpConfig {
    fn default() -> Self {
        Self {
            url: DEFAULT_URL.into(),
            timeout: Duration::from_secs(60),
            retries: 3,
        }
    }
}

impl PiperHttpConfig {
    /// Validate the URL, check that the server answers and learn its voice.
    /// A server that is down fails here, naming the URL and how to start one.
    pub fn build(&self) -> Result<PiperHttpEngine, EngineError> {
        let base = http::base_url(&self.url)?;
        if self.timeout.is_zero() {
            return Err(EngineError::InvalidVoice(
                "piper-http timeout must be above zero".into(),
            ));
        }
        let client = http::client(self.timeout)?;
        let mut engine = PiperHttpEngine {
            synthesize_url: http::join(&base, "synthesize"),
            client,
            policy: RetryPolicy::new(self.retries),
            voice: String::new(),
            sample_rate: 0,
            length_scale: 1.0,
            num_speakers: 1,
        };
        engine.learn_voice(&base)?;
        if engine.sample_rate == 0 {
            // The server did not say; ask it for a word and read the WAV header.
            let pcm = engine.request(
                PROBE_TEXT,
                &SynthesisSettings::default(),
                &CancelToken::new(),
            )?;
            engine.sample_rate = pcm.sample_rate;
        }
        tracing::info!(url = %base, voice = %engine.voice, sample_rate = engine.sample_rate, "piper-http engine ready");
        Ok(engine)
    }
}

/// `GET /info` (newer piper servers): which voice is loaded.
#[derive(Debug, Deserialize)]
struct Info {
    voice: InfoVoice,
}

#[derive(Debug, Deserialize)]
struct InfoVoice {
    name: String,
    #[serde(default)]
    num_speakers: Option<u32>,
}

/// The parts of a piper voice config (`*.onnx.json`) this engine uses.
#[derive(Debug, Deserialize)]
struct VoiceConfig {
    #[serde(default)]
    audio: Option<AudioConfig>,
    #[serde(default)]
    inference: Option<InferenceConfig>,
    #[serde(default)]
    num_speakers: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct AudioConfig {
    sample_rate: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct InferenceConfig {
    length_scale: Option<f32>,
}

/// A live connection to a Piper HTTP server.
#[derive(Debug)]
pub struct PiperHttpEngine {
    client: reqwest::blocking::Client,
    synthesize_url: String,
    policy: RetryPolicy,
    voice: String,
    sample_rate: u32,
    /// The voice's own length_scale, which `rate` divides.
    length_scale: f32,
    num_speakers: u32,
}

impl PiperHttpEngine {
    /// Health check + voice facts from `GET /voices` (and `GET /info` if served).
    /// A server that is down fails the build at once; a busy one is waited for.
    fn learn_voice(&mut self, base: &Url) -> Result<(), EngineError> {
        let check = self.policy.for_health_check();
        let voices_url = http::join(base, "voices");
        let reply = http::send(
            &voices_url,
            &check,
            http::never_permanent,
            &CancelToken::new(),
            || self.client.get(&voices_url),
        )
        .map_err(|e| http::hint_unreachable(e, START_HINT))?;
        let voices: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&reply.body).map_err(|e| {
                EngineError::InvalidVoice(format!(
                    "{voices_url} did not answer like a piper HTTP server ({e}): {}",
                    http::excerpt(&reply.body)
                ))
            })?;

        let info_url = http::join(base, "info");
        // Only newer servers have /info: one try, a 404 is expected.
        let info = http::send(
            &info_url,
            &RetryPolicy::new(0),
            http::never_permanent,
            &CancelToken::new(),
            || self.client.get(&info_url),
        )
        .ok()
        .and_then(|r| serde_json::from_slice::<Info>(&r.body).ok());

        let (name, config) = match &info {
            Some(info) => (info.voice.name.clone(), voices.get(&info.voice.name)),
            None if voices.len() == 1 => match voices.iter().next() {
                Some((name, config)) => (name.clone(), Some(config)),
                None => (String::new(), None),
            },
            None => (String::new(), None),
        };
        self.voice = if name.is_empty() {
            "default".into()
        } else {
            name
        };
        let config = config.and_then(|c| serde_json::from_value::<VoiceConfig>(c.clone()).ok());
        if let Some(config) = &config {
            self.sample_rate = config
                .audio
                .as_ref()
                .and_then(|a| a.sample_rate)
                .unwrap_or(0);
            self.length_scale = config
                .inference
                .as_ref()
                .and_then(|i| i.length_scale)
                .filter(|s| s.is_finite() && *s > 0.0)
                .unwrap_or(1.0);
            self.num_speakers = config.num_speakers.unwrap_or(1).max(1);
        }
        if let Some(n) = info.as_ref().and_then(|i| i.voice.num_speakers) {
            self.num_speakers = n.max(1);
        }
        Ok(())
    }

    fn request(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &CancelToken,
    ) -> Result<Pcm, EngineError> {
        let body = self.request_body(text, settings)?;
        let reply = http::send(
            &self.synthesize_url,
            &self.policy,
            http::never_permanent,
            cancel,
            || self.client.post(&self.synthesize_url).json(&body),
        )?;
        let pcm = http::decode(reply.body, Container::Wav)?;
        if self.sample_rate != 0 && pcm.sample_rate != self.sample_rate {
            tracing::warn!(
                expected = self.sample_rate,
                got = pcm.sample_rate,
                "piper-http reply has another sample rate than the voice config says"
            );
        }
        Ok(pcm)
    }

    fn request_body(
        &self,
        text: &str,
        settings: &SynthesisSettings,
    ) -> Result<serde_json::Value, EngineError> {
        let rate = settings.rate;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(EngineError::InvalidVoice(format!(
                "speaking rate {rate} must be a positive number"
            )));
        }
        let text = super::letters::respell_letter_a(text);
        let mut body = serde_json::json!({ "text": text });
        // Only override the voice's timing when asked to: the server may have been
        // started with its own --length-scale.
        if (rate - 1.0).abs() > f32::EPSILON {
            body["length_scale"] = serde_json::json!(self.length_scale / rate);
        }
        if let Some(speaker) = settings.speaker {
            // The server maps an out-of-range id to 0 silently (and one equal to the
            // count crashes the model): refuse it here instead.
            if speaker < 0 || speaker >= i64::from(self.num_speakers) {
                return Err(EngineError::InvalidVoice(format!(
                    "speaker {speaker} is out of range: voice '{}' has {} speaker(s)",
                    self.voice, self.num_speakers
                )));
            }
            if self.num_speakers > 1 {
                body["speaker_id"] = serde_json::json!(speaker);
            }
        }
        for (key, value) in [
            ("noise_scale", settings.noise_scale),
            ("noise_w_scale", settings.noise_w),
        ] {
            if let Some(v) = value {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(EngineError::InvalidVoice(format!(
                        "{key} {v} must be a non-negative number"
                    )));
                }
                body[key] = serde_json::json!(v);
            }
        }
        Ok(body)
    }
}

impl Engine for PiperHttpEngine {
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

    fn synthesize_with(
        &self,
        text: &str,
        settings: &SynthesisSettings,
        cancel: &CancelToken,
    ) -> Result<Pcm, EngineError> {
        if let Some(silent) = http::precheck(text, self.sample_rate, MAX_CHARS)? {
            return Ok(silent);
        }
        self.request(text, settings, cancel)
    }

    fn identity(&self) -> EngineIdentity {
        EngineIdentity {
            kind: Some(EngineKind::PiperHttp),
            // piper1-gpl's server phonemizes with PiperVoice.phonemize, which takes
            // [[ ipa ]] blocks as raw phonemes.
            accepts_ipa: true,
            fingerprint: format!(
                "piper-http|{}|{}|{}|{}|{}",
                self.synthesize_url,
                self.voice,
                self.sample_rate,
                self.length_scale,
                super::letters::TEXT_PREP
            ),
        }
    }
}
