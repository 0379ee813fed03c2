//! The narration plan: what every door (the CLI, `batch`, the server, a queue worker)
//! runs, so a job queued by a CMS renders exactly like `narrator narrate`.
//!
//! A [`NarrationRequest`] is plain serde data: what one narration asks for (a job
//! queue stores it as JSON). [`Plan::resolve`] combines it with the config file and
//! the voice catalog — the request beats the config, the config beats the voice's
//! catalog defaults, which beat the built-in defaults — validates it, and tunes the
//! engines. [`Plan::prepare`] loads the article and the engines and builds the
//! script; [`Prepared::render`] synthesizes it to a path (atomically) or any writer.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::audio::{AudioError, AudioFormat, Cover, EncodeOptions, LoudnessTarget, Mastering};
use crate::cache::{CachedEngine, SegmentCache};
use crate::cancel::CancelToken;
use crate::config::Config;
use crate::engine::SynthesisSettings;
use crate::engine::{self, Engine, EngineChoice, EngineConfig, EngineError, EngineKind};
use crate::extract::{self, Article, ExtractError, ExtractOptions};
use crate::normalize::lexicon::{Lexicon, LexiconError};
use crate::normalize::{DateOrder, NormalizeOptions};
use crate::pipeline::{self, NarrateError, Production, Progress, RenderOptions, Rendered};
use crate::publish::{PublishError, TranscriptFormat};
use crate::script::ssml::SsmlError;
use crate::script::{Script, ScriptOptions};
use crate::source::{self, DocKind, Document, FetchOptions, Input, SourceError};
use crate::voices::{self, Catalog, VoiceError};

/// Where the article comes from. In JSON: `{"url": "…"}`, `{"file": "story.html"}`,
/// `{"html": "<html>…"}`, `{"markdown": "…"}`, `{"text": "…"}`, `{"ssml": "<speak>…"}`,
/// or `"stdin"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Url(String),
    File(PathBuf),
    Stdin,
    Html(String),
    Markdown(String),
    Text(String),
    Ssml(String),
}

impl Source {
    /// A command-line argument: `-` is stdin, `scheme:…` a URL (validated when the
    /// plan is resolved), anything else a file.
    pub fn from_arg(arg: &str) -> Source {
        match Input::parse(arg) {
            Ok(Input::Stdin) => Source::Stdin,
            Ok(Input::File(p)) => Source::File(p),
            // Invalid URLs and other schemes are reported when the plan is resolved.
            Ok(Input::Url(_)) | Err(_) => Source::Url(arg.trim().to_string()),
        }
    }

    /// The source's URL, for tags and feeds.
    pub fn url(&self) -> Option<&str> {
        match self {
            Source::Url(u) => Some(u),
            _ => None,
        }
    }
}

/// Pronunciations: the built-in lexicon (unless turned off), then the config's file,
/// then these files, then the inline TOML; later ones win.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LexiconRequest {
    pub builtin: bool,
    pub files: Vec<PathBuf>,
    /// Lexicon entries as TOML text (`[[entry]] word = … spoken = …`).
    pub toml: Option<String>,
}

impl Default for LexiconRequest {
    fn default() -> Self {
        Self {
            builtin: true,
            files: Vec::new(),
            toml: None,
        }
    }
}

/// Encoder overrides (unset: the config's `[output]`, else the defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EncodeRequest {
    pub mp3_bitrate_kbps: Option<u32>,
    /// MP3 VBR quality 0 (best) to 9 instead of a constant bitrate.
    pub mp3_vbr_quality: Option<u8>,
    pub opus_bitrate_kbps: Option<u32>,
    /// Programme sample rate, Hz (default: the engine's; podcast episodes: 44100).
    pub sample_rate: Option<u32>,
}

/// Loudness, joins, music, tags, chapters and transcript.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProductionRequest {
    /// Integrated loudness target, LUFS (default −16; broadcast −23).
    pub loudness_lufs: Option<f64>,
    /// True-peak ceiling, dBTP (default −1).
    pub true_peak_dbtp: Option<f64>,
    /// Keep the engine's level: no loudness normalization or limiting.
    pub keep_level: bool,
    /// Keep the engine's leading/trailing silence around each segment.
    pub keep_silence: bool,
    pub intro_audio: Option<PathBuf>,
    pub outro_audio: Option<PathBuf>,
    /// Intro/outro crossfade (default 1500 ms).
    pub crossfade_ms: Option<u64>,
    /// Write a transcript beside the audio: `.vtt`, `.srt` or `.json`.
    pub transcript: Option<PathBuf>,
    /// JPEG or PNG cover for the tags.
    pub cover: Option<PathBuf>,
    /// No chapters at headings.
    pub no_chapters: bool,
}

/// What to say about the article when the page does not (or says it wrong): a CMS
/// knows its post's title, author and publication time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetadataRequest {
    pub title: Option<String>,
    pub author: Option<String>,
    /// ISO 8601 date or date-time.
    pub published: Option<String>,
}

/// One narration, as asked for. Everything but `source` is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrationRequest {
    pub source: Source,
    /// Read the source as SSML (default for `.ssml` files and `{"ssml": …}`).
    #[serde(default)]
    pub ssml: bool,
    /// Output format (default: the config's, else the output file's extension, else MP3).
    #[serde(default)]
    pub format: Option<AudioFormat>,
    #[serde(default)]
    pub engine: Option<EngineKind>,
    #[serde(default)]
    pub voice: Option<String>,
    #[serde(default)]
    pub engine_url: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    /// Speaking-rate multiplier, 0.25 to 4.
    #[serde(default)]
    pub rate: Option<f32>,
    #[serde(default)]
    pub speaker: Option<i64>,
    #[serde(default)]
    pub noise_scale: Option<f32>,
    #[serde(default)]
    pub noise_w: Option<f32>,
    /// Segments synthesized concurrently.
    #[serde(default)]
    pub jobs: Option<usize>,
    /// Read "<title>. By <author>. <date>." first (default on).
    #[serde(default)]
    pub intro: Option<bool>,
    /// Said first: an AI-narration disclosure (batch and server episodes default to one).
    #[serde(default)]
    pub disclosure: Option<String>,
    #[serde(default)]
    pub split_quotes: bool,
    #[serde(default)]
    pub quote_voice: Option<String>,
    #[serde(default)]
    pub date_order: Option<DateOrder>,
    /// Largest page or file accepted, bytes (default 10 MiB).
    #[serde(default)]
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub read: ExtractOptions,
    #[serde(default)]
    pub lexicon: LexiconRequest,
    #[serde(default)]
    pub encode: EncodeRequest,
    #[serde(default)]
    pub production: ProductionRequest,
    #[serde(default)]
    pub metadata: MetadataRequest,
}

impl NarrationRequest {
    /// A request for `source` with every setting left to the config and defaults.
    pub fn new(source: Source) -> Self {
        Self {
            source,
            ssml: false,
            format: None,
            engine: None,
            voice: None,
            engine_url: None,
            model: None,
            rate: None,
            speaker: None,
            noise_scale: None,
            noise_w: None,
            jobs: None,
            intro: None,
            split_quotes: false,
            disclosure: None,
            quote_voice: None,
            date_order: None,
            max_bytes: None,
            read: ExtractOptions::default(),
            lexicon: LexiconRequest::default(),
            encode: EncodeRequest::default(),
            production: ProductionRequest::default(),
            metadata: MetadataRequest::default(),
        }
    }
}

/// Why a plan could not be made or run. [`PlanError::is_usage`] tells a wrong request
/// (exit 2, HTTP 422) from a failure while carrying it out (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Voice(#[from] VoiceError),
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error("unknown engine '{name}' (this build has: {known})")]
    UnknownEngine { name: String, known: String },
    #[error("engine '{0}' is not in this build")]
    EngineNotBuilt(&'static str),
    #[error("voice '{voice}' needs engine '{engine}', not in this build")]
    VoiceEngineNotBuilt { voice: String, engine: String },
    #[error("quote voice '{voice}': {source}")]
    QuoteVoice {
        voice: String,
        #[source]
        source: Box<PlanError>,
    },
    /// The source as given cannot be read (bad URL, missing file).
    #[error(transparent)]
    BadSource(SourceError),
    /// Fetching or reading the source failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error(transparent)]
    Ssml(#[from] SsmlError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Format(AudioError),
    #[error(transparent)]
    Transcript(PublishError),
    #[error(transparent)]
    Narrate(NarrateError),
    #[error("cannot write the narration: {0}")]
    Write(#[source] std::io::Error),
    #[error("canceled")]
    Canceled,
}

impl From<NarrateError> for PlanError {
    fn from(e: NarrateError) -> Self {
        match e {
            NarrateError::Canceled => PlanError::Canceled,
            e => PlanError::Narrate(e),
        }
    }
}

impl PlanError {
    /// The request was wrong (as opposed to the run failing).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            PlanError::Invalid(_)
                | PlanError::Voice(_)
                | PlanError::Lexicon(_)
                | PlanError::UnknownEngine { .. }
                | PlanError::EngineNotBuilt(_)
                | PlanError::VoiceEngineNotBuilt { .. }
                | PlanError::QuoteVoice { .. }
                | PlanError::BadSource(_)
                | PlanError::Ssml(_)
                | PlanError::Format(_)
                | PlanError::Transcript(_)
        )
    }

    /// Whether running the same plan again may succeed (engine or network trouble).
    pub fn is_retryable(&self) -> bool {
        match self {
            PlanError::Engine(e) => e.is_retryable(),
            PlanError::Narrate(NarrateError::Segment { source, .. }) => source.is_retryable(),
            PlanError::Source(e) => {
                matches!(
                    e,
                    SourceError::Unreachable { .. }
                        | SourceError::Timeout { .. }
                        | SourceError::Http { .. }
                ) || matches!(e, SourceError::HttpStatus { status, .. } if *status == 429 || *status >= 500)
            }
            _ => false,
        }
    }
}

/// The source as given can be read: an http(s) URL, or a file that exists.
fn check_source(source: &Source) -> Result<(), PlanError> {
    match source {
        Source::Url(u) => match Input::parse(u).map_err(PlanError::BadSource)? {
            Input::Url(_) => Ok(()),
            _ => Err(PlanError::Invalid(format!("'{u}' is not an http(s) URL"))),
        },
        Source::File(p) if !p.exists() => Err(PlanError::BadSource(SourceError::FileNotFound {
            path: p.clone(),
        })),
        _ => Ok(()),
    }
}

/// Fetch limits: the request's `max_bytes`, else the config's, else the default.
fn fetch_options(req: &NarrationRequest, config: &Config) -> FetchOptions {
    let mut fetch = FetchOptions::default();
    if let Some(max) = req.max_bytes.or(config.max_bytes) {
        fetch.max_bytes = max;
    }
    fetch
}

/// Only the extraction of a request's source (`narrator extract`): the article as
/// the narration would read it, with the request's metadata applied.
pub fn extract_article(req: &NarrationRequest, config: &Config) -> Result<Article, PlanError> {
    check_source(&req.source)?;
    match load_source(
        &req.source,
        false,
        &fetch_options(req, config),
        &req.read,
        &req.metadata,
    )? {
        Loaded::Article(a) => Ok(a),
        Loaded::Ssml(_) => Err(PlanError::Invalid("SSML has no article to extract".into())),
    }
}

/// Read a source: an article (extracted, metadata overrides applied) or SSML.
fn load_source(
    source: &Source,
    ssml: bool,
    fetch: &FetchOptions,
    extract: &ExtractOptions,
    metadata: &MetadataRequest,
) -> Result<Loaded, PlanError> {
    let inline = |text: &str, kind: DocKind| -> Result<Document, PlanError> {
        if text.len() as u64 > fetch.max_bytes {
            return Err(SourceError::TooLarge {
                input: "the request's text".into(),
                limit: fetch.max_bytes,
            }
            .into());
        }
        Ok(Document::new(text.as_bytes().to_vec(), kind))
    };
    let doc = match source {
        Source::Ssml(xml) => return Ok(Loaded::Ssml(xml.clone())),
        Source::Html(t) => inline(t, DocKind::Html)?,
        Source::Markdown(t) => inline(t, DocKind::Markdown)?,
        Source::Text(t) => inline(t, DocKind::Text)?,
        Source::Url(u) => {
            let input = Input::parse(u).map_err(PlanError::BadSource)?;
            source::load(&input, fetch)?
        }
        Source::File(p) => source::load(&Input::File(p.clone()), fetch)?,
        Source::Stdin => source::load(&Input::Stdin, fetch)?,
    };
    if ssml {
        return Ok(Loaded::Ssml(
            String::from_utf8_lossy(&doc.bytes).into_owned(),
        ));
    }
    let mut article = extract::extract(&doc, extract)?;
    if let Some(t) = metadata.title.as_ref().filter(|t| !t.trim().is_empty()) {
        article.title = Some(t.clone());
    }
    if let Some(a) = metadata.author.as_ref().filter(|t| !t.trim().is_empty()) {
        article.byline = Some(a.clone());
    }
    if let Some(p) = metadata.published.as_ref().filter(|t| !t.trim().is_empty()) {
        article.published = Some(p.clone());
    }
    Ok(Loaded::Article(article))
}

/// The voice catalog the config points at (built-in, voice dirs, Python packages).
pub fn catalog_for(config: &Config) -> Result<Catalog, PlanError> {
    Ok(Catalog::load(&voices::voice_dirs(&config.voices_dirs))?)
}

/// The built-in lexicon (unless turned off), then `files` in order: later files win.
pub fn load_lexicon(builtin: bool, files: &[&Path]) -> Result<Lexicon, PlanError> {
    let mut lex = if builtin {
        Lexicon::builtin()?
    } else {
        Lexicon::new()
    };
    for p in files {
        lex.load(p)?;
    }
    Ok(lex)
}

/// Where a render goes.
pub enum Target<'a> {
    /// A file, written to a temp file beside it and renamed into place when done.
    Path(PathBuf),
    /// Any writer: the audio is written to it only once the whole narration has
    /// rendered (nothing on error or cancel).
    Writer(&'a mut dyn Write),
}

/// A resolved, validated narration: everything decided, nothing loaded yet.
#[derive(Debug, Clone)]
pub struct Plan {
    pub source: Source,
    pub ssml: bool,
    pub fetch: FetchOptions,
    pub extract: ExtractOptions,
    /// Explicit format (request or config); else the output path decides.
    pub format: Option<AudioFormat>,
    /// The run's engine, tuned for `jobs`.
    pub engine: EngineConfig,
    /// The run's voice as asked for (segments asking for another voice get an engine
    /// of their own).
    pub voice: Option<String>,
    pub quote_voice: Option<String>,
    pub settings: SynthesisSettings,
    pub jobs: usize,
    pub script: ScriptOptions,
    /// Explicit date order; else the article's language, else the voice's.
    pub date_order: Option<DateOrder>,
    pub voice_language: Option<String>,
    pub lexicon: Lexicon,
    pub encode: EncodeOptions,
    pub production: Production,
    pub metadata: MetadataRequest,
    /// The segment cache the render reads and fills (None: every segment is
    /// synthesized). Set by the door — the CLI from `--cache-dir`/`--no-cache` and
    /// the config — never by a request: a queued job does not choose directories.
    pub cache: Option<SegmentCache>,
    /// How other voices' engines are chosen: the explicit engine kind, if any.
    engine_kind: Option<EngineKind>,
    choice: EngineChoice,
    catalog: Catalog,
}

/// Concurrent segments when neither request nor config says: the cores, at most 4.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
}

/// An engine by its command-line name, among those this build has.
pub fn parse_engine(name: &str) -> Result<EngineKind, PlanError> {
    EngineKind::parse(name).ok_or_else(|| PlanError::UnknownEngine {
        name: name.to_string(),
        known: engine::registry()
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn built(kind: EngineKind) -> Result<EngineKind, PlanError> {
    if engine::registry().contains(&kind) {
        Ok(kind)
    } else {
        Err(PlanError::EngineNotBuilt(kind.name()))
    }
}

/// The engine for `voice`: the run's engine if one is named, else the voice's own,
/// else the first engine of this build.
fn engine_config_for(
    kind: Option<EngineKind>,
    choice: &EngineChoice,
    catalog: &Catalog,
    jobs: usize,
) -> Result<EngineConfig, PlanError> {
    let kind = match kind {
        Some(k) => built(k)?,
        None => match &choice.voice {
            Some(v) => {
                let rv = catalog.resolve(v)?;
                if !rv.engine.is_built() {
                    return Err(PlanError::VoiceEngineNotBuilt {
                        voice: v.clone(),
                        engine: rv.engine.name().to_string(),
                    });
                }
                rv.engine
            }
            None => *engine::registry()
                .first()
                .filter(|k| **k != EngineKind::Silence)
                .ok_or_else(|| {
                    PlanError::Invalid(
                        "no engine configured: pass --engine piper --voice MODEL".into(),
                    )
                })?,
        },
    };
    let mut config = engine::config_for(kind, choice, catalog)?;
    tune(&mut config, jobs);
    Ok(config)
}

/// Engine tuning for `jobs` concurrent segments; every engine a plan builds gets it
/// (the run's voice, the quote voice and SSML voices alike).
#[cfg_attr(not(feature = "piper"), allow(unused_variables))]
fn tune(config: &mut EngineConfig, jobs: usize) {
    #[cfg(feature = "piper")]
    if let EngineConfig::Piper(c) = config {
        c.tune_for_jobs(jobs);
    }
}

impl Plan {
    /// Resolve `req` against the config and catalog: precedence, defaults and every
    /// check that needs no network (files exist, values in range, lexicons parse,
    /// the voice resolves).
    pub fn resolve(
        req: &NarrationRequest,
        config: &Config,
        catalog: &Catalog,
    ) -> Result<Plan, PlanError> {
        let rate = req.rate.or(config.rate);
        if let Some(r) = rate {
            if !(0.25..=4.0).contains(&r) {
                return Err(PlanError::Invalid(format!(
                    "rate {r} is out of range (0.25 to 4.0)"
                )));
            }
        }
        check_source(&req.source)?;
        let ssml = req.ssml
            || matches!(req.source, Source::Ssml(_))
            || matches!(&req.source, Source::File(p) if p
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ssml")));

        let fetch = fetch_options(req, config);

        let format = req.format.or(config.format);
        let engine_kind = req.engine.or(config.engine);
        let voice = req.voice.clone().or_else(|| config.voice.clone());
        let choice = EngineChoice {
            voice: voice.clone(),
            url: req.engine_url.clone().or_else(|| config.engine_url.clone()),
            model: req.model.clone().or_else(|| config.model.clone()),
            api_key_env: config.api_key_env.clone(),
        };
        let jobs = req.jobs.or(config.jobs).unwrap_or_else(default_jobs).max(1);
        let engine = engine_config_for(engine_kind, &choice, catalog, jobs)?;

        // A catalog voice may set its own default rate and language.
        let catalog_voice = voice.as_deref().and_then(|v| catalog.resolve(v).ok());
        let settings = SynthesisSettings {
            rate: rate
                .or(catalog_voice.as_ref().and_then(|v| v.rate))
                .unwrap_or(1.0),
            speaker: req.speaker,
            noise_scale: req.noise_scale,
            noise_w: req.noise_w,
        };

        let mut lexicon = if req.lexicon.builtin {
            Lexicon::builtin()?
        } else {
            Lexicon::new()
        };
        for p in config.lexicon.iter().chain(&req.lexicon.files) {
            lexicon.load(p)?;
        }
        if let Some(text) = &req.lexicon.toml {
            lexicon.add_toml(text, Path::new("the request's lexicon"))?;
        }

        let mut encode = config.output.clone();
        if let Some(b) = req.encode.mp3_bitrate_kbps {
            encode.mp3_bitrate_kbps = b;
        }
        encode.mp3_vbr_quality = req.encode.mp3_vbr_quality.or(encode.mp3_vbr_quality);
        if let Some(q) = encode.mp3_vbr_quality {
            if q > 9 {
                return Err(PlanError::Invalid(format!(
                    "MP3 VBR quality {q} is out of range (0 to 9)"
                )));
            }
        }
        if let Some(b) = req.encode.opus_bitrate_kbps {
            encode.opus_bitrate_kbps = b;
        }
        if let Some(r) = req.encode.sample_rate {
            if !(8_000..=48_000).contains(&r) {
                return Err(PlanError::Invalid(format!(
                    "sample rate {r} Hz is out of range (8000 to 48000)"
                )));
            }
            encode.sample_rate = Some(r);
        }

        let quote_voice = req
            .quote_voice
            .clone()
            .or_else(|| config.quote_voice.clone());
        let script = ScriptOptions {
            pauses: config.pauses,
            intro: req.intro.or(config.intro).unwrap_or(true),
            split_quotes: req.split_quotes,
            quote_voice: quote_voice.clone(),
            disclosure: req.disclosure.clone(),
            ..ScriptOptions::default()
        };

        Ok(Plan {
            source: req.source.clone(),
            ssml,
            fetch,
            extract: req.read,
            format,
            engine,
            voice,
            quote_voice,
            settings,
            jobs,
            script,
            date_order: req.date_order.or(config.date_order),
            voice_language: catalog_voice.and_then(|v| v.language),
            lexicon,
            encode,
            production: production(&req.production)?,
            metadata: req.metadata.clone(),
            cache: None,
            engine_kind,
            choice,
            catalog: catalog.clone(),
        })
    }

    /// The format for `target`: the plan's, else the path's extension, else MP3.
    pub fn format_for(&self, target: &Target<'_>) -> Result<AudioFormat, PlanError> {
        match (self.format, target) {
            (Some(f), _) => f.check_available().map(|()| f).map_err(PlanError::Format),
            (None, Target::Path(p)) => AudioFormat::from_path(p).map_err(PlanError::Format),
            (None, Target::Writer(_)) => Ok(AudioFormat::Mp3),
        }
    }

    /// Check that `target` can be written: its format, and that its directory exists.
    pub fn check_target(&self, target: &Target<'_>) -> Result<AudioFormat, PlanError> {
        let format = self.format_for(target)?;
        if let Target::Path(p) = target {
            if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !parent.is_dir() {
                    return Err(PlanError::Invalid(format!(
                        "output directory {} does not exist",
                        parent.display()
                    )));
                }
            }
        }
        Ok(format)
    }

    /// Load the article (or SSML) and build the engine, side by side: a bad voice or a
    /// down server is reported before a fetch error. Then build the script and the
    /// engines of any other voice it asks for.
    pub fn prepare(&self) -> Result<Prepared, PlanError> {
        let (engine, input) = std::thread::scope(|scope| {
            let input = scope.spawn(|| self.load());
            let engine = self.engine_config(&self.engine).build();
            let input = input
                .join()
                .unwrap_or_else(|_| Err(PlanError::Invalid("loading the article panicked".into())));
            (engine, input)
        });
        let engine: Arc<dyn Engine> = Arc::from(engine?);
        let input = input?;
        self.prepare_with(input, engine)
    }

    /// [`Plan::prepare`] with the run's engine from `engines` (built there the first
    /// time this configuration is asked for): a long-running door, such as a
    /// server's worker, loads a Piper voice once instead of for every job.
    pub fn prepare_cached(&self, engines: &EngineCache) -> Result<Prepared, PlanError> {
        let (engine, input) = std::thread::scope(|scope| {
            let input = scope.spawn(|| self.load());
            let engine = engines.get_or_build(self);
            let input = input
                .join()
                .unwrap_or_else(|_| Err(PlanError::Invalid("loading the article panicked".into())));
            (engine, input)
        });
        let engine = engine?;
        self.prepare_with(input?, engine)
    }

    /// [`Plan::prepare`] with the input and engine already at hand (a batch keeps one
    /// engine for many articles).
    pub fn prepare_with(
        &self,
        input: Loaded,
        engine: Arc<dyn Engine>,
    ) -> Result<Prepared, PlanError> {
        let article_language = match &input {
            Loaded::Article(a) => a.language.clone(),
            Loaded::Ssml(_) => None,
        };
        let date_order = self
            .date_order
            .or_else(|| {
                article_language
                    .as_deref()
                    .or(self.voice_language.as_deref())
                    .map(DateOrder::for_language)
            })
            .unwrap_or_default();
        let mut options = RenderOptions {
            output: PathBuf::new(),
            format: self.format.unwrap_or(AudioFormat::Mp3),
            encode: self.encode.clone(),
            settings: self.settings.clone(),
            jobs: self.jobs,
            script: self.script.clone(),
            normalize: NormalizeOptions { date_order },
            lexicon: self.lexicon.clone(),
            production: self.production.clone(),
        };
        let (script, article) = match input {
            Loaded::Article(article) => {
                let mut meta = pipeline::metadata_for(&article, self.source.url());
                meta.cover = options.production.metadata.cover.take();
                options.production.metadata = meta;
                (
                    pipeline::script_for(&article, engine.as_ref(), &options),
                    Some(article),
                )
            }
            // SSML has no article metadata: tags come from the request alone.
            Loaded::Ssml(xml) => (
                pipeline::script_for_ssml(&xml, engine.as_ref(), &options)?,
                None,
            ),
        };
        let voices = self.voice_engines(&script)?;
        Ok(Prepared {
            script,
            engine,
            voices,
            article,
            options,
            cache: self.cache.clone(),
        })
    }

    /// Read the source: an article (extracted) or an SSML document.
    pub fn load(&self) -> Result<Loaded, PlanError> {
        load_source(
            &self.source,
            self.ssml,
            &self.fetch,
            &self.extract,
            &self.metadata,
        )
    }

    /// Build the run's engine (validated: model loads, server answers).
    pub fn build_engine(&self) -> Result<Arc<dyn Engine>, PlanError> {
        Ok(Arc::from(self.engine_config(&self.engine).build()?))
    }

    /// `config` as this run builds it: with a cache, a Piper voice remembers its
    /// model's digest beside it.
    fn engine_config<'c>(&self, config: &'c EngineConfig) -> std::borrow::Cow<'c, EngineConfig> {
        #[cfg(feature = "piper")]
        if let (Some(cache), EngineConfig::Piper(c)) = (&self.cache, config) {
            let mut c = c.clone();
            c.digest_memo = Some(cache.digest_memo_dir());
            return std::borrow::Cow::Owned(EngineConfig::Piper(c));
        }
        std::borrow::Cow::Borrowed(config)
    }

    /// Engines for the other voices the script asks for: the quote voice, and SSML
    /// `<voice name>`s. A quote voice that cannot be loaded is an error; an SSML voice
    /// that cannot is read in the run's voice, with a warning (the closest honest
    /// rendering).
    fn voice_engines(&self, script: &Script) -> Result<OwnedVoices, PlanError> {
        let wanted: std::collections::BTreeSet<&str> = script
            .segments
            .iter()
            .filter_map(|s| s.voice.as_deref())
            .filter(|v| Some(*v) != self.voice.as_deref() && !v.is_empty())
            .collect();
        let mut out = Vec::new();
        for v in wanted {
            let choice = EngineChoice {
                voice: Some(v.to_string()),
                ..self.choice.clone()
            };
            let built = engine_config_for(self.engine_kind, &choice, &self.catalog, self.jobs)
                .and_then(|c| Ok(Arc::from(self.engine_config(&c).build()?)));
            match built {
                Ok(e) => out.push((v.to_string(), e)),
                Err(e) if self.quote_voice.as_deref() == Some(v) => {
                    return Err(PlanError::QuoteVoice {
                        voice: v.to_string(),
                        source: Box::new(e),
                    })
                }
                Err(e) => {
                    tracing::warn!("voice '{v}' is not available ({e}); the run's voice reads it")
                }
            }
        }
        Ok(out)
    }

    /// Prepare and render in one go.
    pub fn narrate(
        &self,
        target: Target<'_>,
        progress: &dyn Progress,
        cancel: &CancelToken,
    ) -> Result<Rendered, PlanError> {
        let format = self.check_target(&target)?;
        if cancel.is_canceled() {
            return Err(PlanError::Canceled);
        }
        let mut prepared = self.prepare()?;
        prepared.options.format = format;
        prepared.render(target, progress, cancel)
    }
}

/// The mastering, music, cover and transcript a request asks for, checked.
fn production(p: &ProductionRequest) -> Result<Production, PlanError> {
    let loudness = p.loudness_lufs.unwrap_or(-16.0);
    let true_peak = p.true_peak_dbtp.unwrap_or(-1.0);
    if !(-70.0..=0.0).contains(&loudness) || !(-20.0..=0.0).contains(&true_peak) {
        return Err(PlanError::Invalid(
            "loudness must be in -70..0 LUFS and true peak in -20..0 dBTP".into(),
        ));
    }
    for path in [&p.intro_audio, &p.outro_audio, &p.cover]
        .into_iter()
        .flatten()
    {
        if !path.is_file() {
            return Err(PlanError::Invalid(format!(
                "{} does not exist",
                path.display()
            )));
        }
    }
    if let Some(t) = &p.transcript {
        TranscriptFormat::from_path(t).map_err(PlanError::Transcript)?;
    }
    let mut metadata = crate::audio::Metadata::default();
    if let Some(c) = &p.cover {
        let bytes = std::fs::read(c)
            .map_err(|e| PlanError::Invalid(format!("cannot read cover {}: {e}", c.display())))?;
        metadata.cover = Some(Cover::from_bytes(bytes).ok_or_else(|| {
            PlanError::Invalid(format!("cover {} is not a JPEG or PNG image", c.display()))
        })?);
    }
    Ok(Production {
        mastering: Mastering {
            loudness: (!p.keep_level).then_some(LoudnessTarget {
                integrated_lufs: loudness,
                true_peak_dbtp: true_peak,
            }),
            trim: !p.keep_silence,
            ..Mastering::default()
        },
        intro_audio: p.intro_audio.clone(),
        outro_audio: p.outro_audio.clone(),
        crossfade: Duration::from_millis(p.crossfade_ms.unwrap_or(1500)),
        metadata,
        chapters: !p.no_chapters,
        transcript: p.transcript.clone(),
    })
}

/// Live engines by voice name, for segments that ask for another voice.
pub type OwnedVoices = Vec<(String, Arc<dyn Engine>)>;

/// Engines built by earlier runs of this process, by their configuration (at most
/// [`EngineCache::MAX`], the oldest dropped first). An engine is shared by the runs
/// that use it at once, as the sentences of one run share it.
#[derive(Default)]
pub struct EngineCache {
    built: std::sync::Mutex<Vec<(String, Arc<dyn Engine>)>>,
}

impl EngineCache {
    /// Engines kept: each Piper voice holds its model (~300 MB at its peak).
    pub const MAX: usize = 4;

    /// The engine `plan` runs with: kept from an earlier run with the same
    /// configuration, or built (and validated) now.
    pub fn get_or_build(&self, plan: &Plan) -> Result<Arc<dyn Engine>, PlanError> {
        let config = plan.engine_config(&plan.engine);
        let key = format!("{:?}", config.as_ref());
        let lock = || {
            self.built
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some((_, e)) = lock().iter().find(|(k, _)| *k == key) {
            return Ok(e.clone());
        }
        // Built outside the lock: a slow model load does not hold up other voices.
        let engine: Arc<dyn Engine> = Arc::from(config.build()?);
        let mut built = lock();
        if let Some((_, e)) = built.iter().find(|(k, _)| *k == key) {
            return Ok(e.clone()); // built meanwhile by another run
        }
        if built.len() >= Self::MAX {
            built.remove(0);
        }
        built.push((key, engine.clone()));
        Ok(engine)
    }
}

/// What a plan reads: an article, or an SSML document.
#[derive(Debug, Clone)]
pub enum Loaded {
    Article(Article),
    Ssml(String),
}

/// A narration ready to render: the script and the live engines.
pub struct Prepared {
    pub script: Script,
    pub engine: Arc<dyn Engine>,
    /// Engines for segments that ask for another voice.
    pub voices: OwnedVoices,
    /// The extracted article (None for SSML).
    pub article: Option<Article>,
    pub options: RenderOptions,
    /// Segments are replayed from (and stored in) this cache, for every engine.
    pub cache: Option<SegmentCache>,
}

impl Prepared {
    /// Synthesize the script to `target`. Canceled or failed, nothing is left: no file
    /// at the path, nothing written to the writer.
    pub fn render(
        mut self,
        target: Target<'_>,
        progress: &dyn Progress,
        cancel: &CancelToken,
    ) -> Result<Rendered, PlanError> {
        // With a cache, every engine (the run's and each voice's) answers from it.
        let cached: Option<(CachedEngine<'_>, Vec<(&String, CachedEngine<'_>)>)> =
            self.cache.as_ref().map(|c| {
                let voices = self.voices.iter();
                (
                    CachedEngine::new(self.engine.as_ref(), c),
                    voices
                        .map(|(v, e)| (v, CachedEngine::new(e.as_ref(), c)))
                        .collect(),
                )
            });
        let (engine, voices): (&dyn Engine, pipeline::VoiceEngines<'_>) = match &cached {
            Some((run, voices)) => (
                run,
                voices
                    .iter()
                    .map(|(v, e)| ((*v).clone(), e as &dyn Engine))
                    .collect(),
            ),
            None => (
                self.engine.as_ref(),
                self.voices
                    .iter()
                    .map(|(v, e)| (v.clone(), e.as_ref()))
                    .collect(),
            ),
        };
        match target {
            Target::Path(path) => {
                self.options.output = path;
                Ok(pipeline::render_with(
                    &self.script,
                    engine,
                    &voices,
                    &self.options,
                    progress,
                    cancel,
                )?)
            }
            Target::Writer(w) => {
                let dir = tempfile::tempdir().map_err(PlanError::Write)?;
                let ext = match self.options.format {
                    AudioFormat::Wav => "wav",
                    AudioFormat::Mp3 => "mp3",
                    AudioFormat::Opus => "opus",
                };
                self.options.output = dir.path().join(format!("narration.{ext}"));
                let mut rendered = pipeline::render_with(
                    &self.script,
                    engine,
                    &voices,
                    &self.options,
                    progress,
                    cancel,
                )?;
                let mut file =
                    std::fs::File::open(&self.options.output).map_err(PlanError::Write)?;
                std::io::copy(&mut file, w).map_err(PlanError::Write)?;
                w.flush().map_err(PlanError::Write)?;
                rendered.summary.output = PathBuf::new();
                Ok(rendered)
            }
        }
    }
}
