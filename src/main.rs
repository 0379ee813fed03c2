//! The `narrator` command line: clap arguments → a validated plan → library calls.
//! Exit codes: 0 success, 1 runtime error, 2 usage error.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use narrator::audio::AudioFormat;
use narrator::batch;
use narrator::cache::{self, SegmentCache};
use narrator::cancel::CancelToken;
use narrator::config::Config;
use narrator::engine::EngineKind;
use narrator::extract::{Article, ExtractOptions};
use narrator::normalize::lexicon::Lexicon;
use narrator::normalize::{self, quotes, DateOrder, NormalizeOptions};
use narrator::pipeline::{self, Progress};
use narrator::plan::{
    self, EncodeRequest, LexiconRequest, NarrationRequest, Plan, PlanError, ProductionRequest,
    Source, Target,
};

#[derive(Parser, Debug)]
#[command(
    name = "narrator",
    version,
    about = "Turn news articles into narrated audio",
    long_about = "Turn news articles into narrated audio: fetch or read an article, extract the story, \
                  normalize it for speech, synthesize it with a TTS engine and join it into one WAV or MP3.",
    after_help = "Examples:\n  narrator narrate https://example.com/news/story -o story.mp3\n  \
                  narrator narrate examples/article.md -o article.wav --engine piper --voice en_US-joe-medium\n  \
                  echo 'On March 13 it cost $49.95.' | narrator normalize\n  \
                  narrator extract examples/kyiv-independent.html --format json\n  narrator voices"
)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// No progress bar, no log output below errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Config file (default: $NARRATOR_CONFIG or ~/.config/narrator/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Narrate an article (URL, .html/.htm, .md, .txt, or - for stdin) into a WAV or MP3 file.
    #[command(
        after_help = "Examples:\n  narrator narrate examples/kyiv-independent.html -o article.mp3\n  \
        narrator narrate https://example.com/story -o story.wav --engine piper --voice en_US-joe-medium --jobs 2\n  \
        narrator narrate story.txt -o story.mp3 --engine piper --voice ./voices/en_GB-alan-medium.onnx --rate 1.1\n  \
        narrator narrate story.md -o s.wav --engine piper-http --engine-url http://127.0.0.1:5000\n  \
        narrator narrate story.md -o s.mp3 --engine openai --engine-url http://127.0.0.1:8000/v1 --voice en_US-joe-medium\n  \
        cat story.txt | narrator narrate - -o story.mp3 --json"
    )]
    Narrate(Box<NarrateArgs>),
    /// Print the spoken form of text: one output line per input line, flushed per line.
    #[command(
        after_help = "Examples:\n  echo 'The $49.95 plan starts July 5, 2024 at 1:34 PM.' | narrator normalize\n  \
        narrator normalize article.txt > spoken.txt\n  \
        echo '\"We agreed,\" Ushakov said.' | narrator normalize --marks"
    )]
    Normalize {
        /// Text file to read (default: stdin).
        file: Option<PathBuf>,
        /// Mark quotations in the spoken text as ⟪…⟫ (nested ones too).
        #[arg(long, conflicts_with = "json")]
        marks: bool,
        /// One JSON object per line: {written, spoken, quotes:[{start,end,text,depth}],
        /// attributions:[…]}; offsets are in characters of `spoken`.
        #[arg(long)]
        json: bool,
        /// Apply the built-in lexicon and this one first (as `narrate --lexicon` does).
        #[arg(long, value_name = "FILE")]
        lexicon: Option<PathBuf>,
        /// Field order of all-numeric dates like 10/07/2023 (default: from --lang).
        #[arg(long, value_name = "mdy|dmy")]
        date_order: Option<DateOrder>,
        /// Language tag of the text (en-US, en-GB, …): sets the default date order.
        #[arg(long, value_name = "TAG", default_value = "en-US")]
        lang: String,
    },
    /// Show the article as the pipeline will read it.
    #[command(
        after_help = "Examples:\n  narrator extract https://example.com/story\n  \
        narrator extract examples/kyiv-independent.html --format json"
    )]
    Extract {
        /// URL, .html/.htm, .md, .txt file, or - for stdin.
        input: String,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
        #[command(flatten)]
        read: ReadFlags,
    },
    /// Narrate many articles into episodes (MP3, VTT, chapters) and a manifest; --feed
    /// writes a podcast feed. Unchanged articles are skipped on a re-run.
    #[command(
        after_help = "Examples:\n  narrator batch articles/ --out-dir episodes --feed --base-url https://example.com/pod/\n  \
        narrator batch https://example.com/rss.xml --out-dir episodes --json\n  \
        narrator batch @urls.txt story.html --out-dir episodes --engine piper --voice en_US-joe-medium"
    )]
    Batch(Box<BatchArgs>),
    /// Write DIR/feed.xml (RSS 2.0 + itunes + podcast namespaces) from a batch's manifest.
    #[command(
        after_help = "Examples:\n  narrator feed episodes --base-url https://example.com/pod/"
    )]
    Feed {
        /// A batch's output directory (holds narrator-batch.json).
        dir: PathBuf,
        /// Public URL of DIR, for the enclosure links.
        #[arg(long, value_name = "URL")]
        base_url: String,
    },
    /// Run the narration server: HTTP API, job queue, media, podcast feed.
    #[cfg(feature = "server")]
    #[command(
        after_help = "Examples:\n  narrator token create --data-dir ./srv --name cms\n  \
        narrator serve --listen 127.0.0.1:8080 --data-dir ./srv --workers 2\n  \
        NARRATOR_HOOK_SECRET=whsec_... narrator serve --data-dir ./srv   \
        # signed POST /v1/hooks/standard\n  \
        narrator serve --listen 0.0.0.0:8080 --queue postgres://narrator@db/narrator \\\n      \
        --storage s3://audio-bucket/narrator --workers 0   # the API alone"
    )]
    Serve(Box<ServeArgs>),
    /// Run workers only: take narrations from a shared queue, put the audio into
    /// the shared storage.
    #[cfg(feature = "server")]
    #[command(
        after_help = "Examples:\n  narrator worker --queue postgres://narrator@db/narrator \\\n      \
        --storage s3://audio-bucket/narrator --workers 2\n\n\
        S3 endpoint and credentials come from AWS_ENDPOINT, AWS_ACCESS_KEY_ID,\n\
        AWS_SECRET_ACCESS_KEY, AWS_REGION (and AWS_ALLOW_HTTP=true for plain http)."
    )]
    Worker(Box<WorkerArgs>),
    /// API tokens of a server (kept in its queue's database).
    #[cfg(feature = "server")]
    #[command(
        after_help = "Examples:\n  narrator token create --data-dir ./srv --name cms\n  \
        narrator token list --data-dir ./srv\n  narrator token revoke cms --data-dir ./srv\n  \
        narrator token create --queue postgres://narrator@db/narrator --name cms"
    )]
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// List every voice the engines can use now.
    #[command(after_help = "Examples:\n  narrator voices\n  narrator voices --json")]
    Voices {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Show, prune or clear the segment cache (the engine's audio per segment, reused
    /// by `narrate` and `batch` when the same text is read again).
    #[command(
        after_help = "Examples:\n  narrator cache stats\n  narrator cache prune --max-size 500M\n  \
        narrator cache clear --cache-dir /tmp/narrator-cache"
    )]
    Cache {
        /// Cache directory (default: $NARRATOR_CACHE_DIR/segments, else the config's
        /// cache_dir, else $XDG_CACHE_HOME/narrator/segments).
        #[arg(long, value_name = "DIR", global = true)]
        cache_dir: Option<PathBuf>,
        #[command(subcommand)]
        action: CacheAction,
    },
}

#[derive(Subcommand, Debug)]
enum CacheAction {
    /// Entries and size.
    Stats {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Remove least recently used segments until the cache is at most this size.
    Prune {
        /// Size cap: 500M, 2G, 1.5GiB, bytes (default: the config's cache_max_bytes, else 2G).
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_size: Option<u64>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Remove every cached segment.
    Clear {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ExtractFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug, Clone, Default)]
struct ReadFlags {
    /// Read image captions.
    #[arg(long)]
    read_captions: bool,
    /// Read code blocks.
    #[arg(long)]
    read_code: bool,
    /// Read tables.
    #[arg(long)]
    read_tables: bool,
    /// Largest page or file accepted, in bytes (default 10 MiB; config: max_bytes).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
}

/// How the article is read: engine, voice, rate and the text options every
/// narrating command shares (`narrate`, `batch`).
#[derive(clap::Args, Debug)]
struct VoiceFlags {
    /// Engine: espeak (embedded), piper (in-process), piper-http, openai.
    #[arg(long, value_parser = parse_engine)]
    engine: Option<EngineKind>,
    /// Voice id (see `narrator voices`), a path to a Piper .onnx model, or an openai voice name.
    #[arg(long)]
    voice: Option<String>,
    /// Base URL of an HTTP engine (piper-http: http://HOST:PORT; openai: http://HOST:PORT/v1).
    #[arg(long)]
    engine_url: Option<String>,
    /// Model name for the openai engine (default tts-1).
    #[arg(long)]
    model: Option<String>,
    /// Speaking rate multiplier (1.0 normal, 1.2 = 20 % faster).
    #[arg(long)]
    rate: Option<f32>,
    /// Speaker index for multi-speaker Piper voices.
    #[arg(long)]
    speaker: Option<i64>,
    /// Piper noise scale (0 = deterministic).
    #[arg(long)]
    noise_scale: Option<f32>,
    /// Piper phoneme-width noise (0 = deterministic).
    #[arg(long)]
    noise_w: Option<f32>,
    /// Segments synthesized concurrently (batch: one engine for the whole batch).
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Do not read the title and byline first.
    #[arg(long)]
    no_intro: bool,
    /// Pronunciation lexicon (TOML [[entry]] word/pattern, spoken, ipa); beats the
    /// config's `lexicon` and the built-in one.
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// Do not use the built-in lexicon of news names (voices/lexicon.toml).
    #[arg(long)]
    no_builtin_lexicon: bool,
    /// Field order of all-numeric dates like 10/07/2023 (default: from the article's
    /// language tag, else the voice's, else mdy).
    #[arg(long, value_name = "mdy|dmy")]
    date_order: Option<DateOrder>,
}

impl VoiceFlags {
    /// Set the request's engine, voice, rate and text options from these flags.
    fn apply(&self, req: &mut NarrationRequest) {
        req.engine = self.engine;
        req.voice = self.voice.clone();
        req.engine_url = self.engine_url.clone();
        req.model = self.model.clone();
        req.rate = self.rate;
        req.speaker = self.speaker;
        req.noise_scale = self.noise_scale;
        req.noise_w = self.noise_w;
        req.jobs = self.jobs;
        req.intro = self.no_intro.then_some(false);
        req.date_order = self.date_order;
        req.lexicon = LexiconRequest {
            builtin: !self.no_builtin_lexicon,
            files: self.lexicon.iter().cloned().collect(),
            toml: None,
        };
    }
}

#[derive(clap::Args, Debug)]
struct NarrateArgs {
    /// URL, .html/.htm, .md, .txt file, or - for stdin.
    input: String,
    /// Output file; its extension (.wav, .mp3, .opus) picks the format unless --format is given.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format: wav, mp3, opus (default: from the output file's extension).
    #[arg(long, value_parser = parse_format)]
    format: Option<AudioFormat>,
    /// MP3 bitrate in kbit/s.
    #[arg(long)]
    bitrate: Option<u32>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    json: bool,
    /// Read the input as SSML (default for .ssml files): speak, p, s, break, say-as,
    /// sub, phoneme, voice, prosody rate, emphasis.
    #[arg(long)]
    ssml: bool,
    /// Make each quotation a segment of its own (cut sentences at quote edges).
    #[arg(long)]
    split_quotes: bool,
    /// Read quoted speech in this voice (same forms as --voice; implies --split-quotes).
    #[arg(long, value_name = "VOICE")]
    quote_voice: Option<String>,
    #[command(flatten)]
    voice: VoiceFlags,
    #[command(flatten)]
    read: ReadFlags,
    #[command(flatten)]
    production: ProductionFlags,
    #[command(flatten)]
    cache: CacheFlags,
}

/// Which segment cache a narration uses.
#[derive(clap::Args, Debug)]
struct CacheFlags {
    /// Segment cache directory (default: $NARRATOR_CACHE_DIR/segments, else the
    /// config's cache_dir, else $XDG_CACHE_HOME/narrator/segments).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Synthesize every segment; read and write no cache.
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
}

impl CacheFlags {
    fn cache(&self, config: &Config) -> Option<SegmentCache> {
        if self.no_cache {
            return None;
        }
        let cache = SegmentCache::configured(self.cache_dir.as_deref(), config);
        if cache.is_none() {
            tracing::warn!("no cache directory (no $HOME): segments are not cached");
        }
        cache
    }
}

#[derive(clap::Args, Debug)]
struct BatchArgs {
    /// Article URLs or files, directories (their .html/.htm/.md/.txt files), @LIST files
    /// (one input a line), RSS/Atom feeds (URL or file).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Where episodes and the manifest (narrator-batch.json) go.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// Write DIR/feed.xml (needs --base-url).
    #[arg(long)]
    feed: bool,
    /// Public URL of DIR, for the feed's enclosure links.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// One JSON line per article on stdout.
    #[arg(long)]
    json: bool,
    /// Episode format (default mp3).
    #[arg(long, value_parser = parse_format)]
    format: Option<AudioFormat>,
    /// MP3 bitrate in kbit/s (default 96, CBR).
    #[arg(long)]
    bitrate: Option<u32>,
    /// The spoken AI-narration disclosure at the start of each episode.
    #[arg(long, value_name = "TEXT")]
    disclosure: Option<String>,
    /// No spoken disclosure.
    #[arg(long, conflicts_with = "disclosure")]
    no_disclosure: bool,
    #[command(flatten)]
    voice: VoiceFlags,
    #[command(flatten)]
    read: ReadFlags,
    #[command(flatten)]
    cache: CacheFlags,
}

impl BatchArgs {
    /// The flags as the request every article is narrated with; episode encoding and
    /// the spoken disclosure default to the config's `[feed]`.
    fn request(&self, feed: &narrator::publish::feed::FeedSettings) -> NarrationRequest {
        // The source is each article's; this one is a placeholder.
        let mut req = NarrationRequest::new(Source::Text(String::new()));
        req.format = Some(self.format.unwrap_or(AudioFormat::Mp3));
        self.voice.apply(&mut req);
        req.max_bytes = self.read.max_bytes;
        req.read = extract_options(&self.read);
        req.disclosure = if self.no_disclosure {
            None
        } else {
            self.disclosure
                .clone()
                .or_else(|| feed.spoken_disclosure().map(str::to_string))
        };
        // Spoken-word podcast delivery: 44.1 kHz, CBR 96 kbit/s mono, -16 LUFS, -1 dBTP.
        req.encode = EncodeRequest {
            mp3_bitrate_kbps: Some(self.bitrate.unwrap_or(feed.mp3_bitrate_kbps)),
            mp3_vbr_quality: None,
            opus_bitrate_kbps: None,
            sample_rate: Some(feed.sample_rate),
        };
        req.production.loudness_lufs = Some(feed.loudness_lufs);
        req.production.true_peak_dbtp = Some(feed.true_peak_dbtp);
        req
    }
}

/// Loudness, joins, music, tags, chapters, transcript (`narrate`).
#[derive(clap::Args, Debug)]
struct ProductionFlags {
    /// Integrated loudness target, LUFS (EBU R128; broadcast: -23).
    #[arg(long, default_value_t = -16.0, allow_negative_numbers = true)]
    loudness: f64,
    /// True-peak ceiling, dBTP.
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true)]
    true_peak: f64,
    /// Keep the engine's level (no loudness normalization or limiting).
    #[arg(long)]
    no_loudness: bool,
    /// Keep the engine's leading/trailing silence around each segment.
    #[arg(long)]
    no_trim: bool,
    /// Music before the narration (any format symphonia decodes).
    #[arg(long, value_name = "FILE")]
    intro_audio: Option<PathBuf>,
    /// Music after the narration.
    #[arg(long, value_name = "FILE")]
    outro_audio: Option<PathBuf>,
    /// Intro/outro crossfade, milliseconds.
    #[arg(long, default_value_t = 1500)]
    crossfade_ms: u64,
    /// Write a transcript: .vtt, .srt, or .json (timing map of every segment).
    #[arg(long, value_name = "FILE")]
    transcript: Option<PathBuf>,
    /// Cover image (JPEG or PNG) for the tags (MP3: APIC, Opus: METADATA_BLOCK_PICTURE).
    #[arg(long, value_name = "FILE")]
    cover: Option<PathBuf>,
    /// MP3 VBR quality 0 (best) to 9, instead of a constant --bitrate.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=9))]
    vbr: Option<u8>,
    /// Opus bitrate in kbit/s (default 32).
    #[arg(long)]
    opus_bitrate: Option<u32>,
    /// No chapters (MP3 CHAP/CTOC, Opus CHAPTERnnn) at headings.
    #[arg(long)]
    no_chapters: bool,
}

/// Where a server's or worker's queue and storage are.
#[cfg(feature = "server")]
#[derive(clap::Args, Debug)]
struct BackendArgs {
    /// This process's directory: render scratch, the segment cache and, by
    /// default, the queue and the media (config [server] data_dir).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The job queue and the records: postgres://USER@HOST/DB, or the default,
    /// SQLite in the data dir (env NARRATOR_QUEUE).
    #[arg(
        long,
        env = "NARRATOR_QUEUE",
        hide_env_values = true,
        value_name = "URL"
    )]
    queue: Option<String>,
    /// Where audio, transcripts and the feed go: s3://BUCKET/PREFIX (AWS_* variables
    /// give endpoint and credentials) or file://DIR (default: DATA_DIR/media).
    #[arg(long, env = "NARRATOR_STORAGE", value_name = "URL")]
    storage: Option<String>,
    /// Fetch article URLs on loopback, private and link-local addresses.
    #[arg(long)]
    allow_private_urls: bool,
    /// The workers' segment cache (default: DIR/segments in the data dir).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,
    /// Synthesize every segment; no segment cache.
    #[arg(long)]
    no_cache: bool,
}

#[cfg(feature = "server")]
#[derive(clap::Args, Debug)]
struct WorkerArgs {
    #[command(flatten)]
    backend: BackendArgs,
    /// Narrations this process renders at once (default: the cores, at most 4).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
}

#[cfg(feature = "server")]
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Address to listen on (config [server] listen; default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
    #[command(flatten)]
    backend: BackendArgs,
    /// Narrations rendered at once by this process (default: the cores, at most 4;
    /// 0 runs the API alone, for `narrator worker` processes to render).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Redirect media requests to presigned URLs valid this many seconds (s3://
    /// storage) instead of streaming them through the server.
    #[arg(long, value_name = "SECONDS")]
    media_redirect: Option<u64>,
    /// The URL clients reach this server at, for feed and media links.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Signs callbacks (Standard Webhooks): whsec_ followed by base64 key bytes.
    #[arg(
        long,
        env = "NARRATOR_WEBHOOK_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    webhook_secret: Option<String>,
    /// Verifies inbound Standard-Webhooks calls on /v1/hooks/standard (whsec_…);
    /// default: the --webhook-secret, so one key is shared with the CMS both ways.
    #[arg(
        long,
        env = "NARRATOR_HOOK_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    hook_secret: Option<String>,
    /// Edits of one article closer together than this become one job (default 2000).
    #[arg(long, value_name = "MS")]
    coalesce_ms: Option<u64>,
    /// Verifies Ghost's X-Ghost-Signature (the secret Ghost shows for the webhook).
    #[arg(
        long,
        env = "NARRATOR_GHOST_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    ghost_secret: Option<String>,
    /// Requests per minute per API token (default 600).
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// Largest request body in bytes (default 2 MiB).
    #[arg(long, value_name = "BYTES")]
    max_body_bytes: Option<usize>,
    /// Callback delivery attempts (default 8).
    #[arg(long, value_name = "N")]
    callback_attempts: Option<u32>,
    /// First callback retry delay, milliseconds (doubles each time; default 500).
    #[arg(long, value_name = "MS")]
    callback_retry_ms: Option<u64>,
}

#[cfg(feature = "server")]
#[derive(Subcommand, Debug)]
enum TokenAction {
    /// Make a token; it is printed once, and only its hash is kept.
    Create {
        #[command(flatten)]
        at: TokenStore,
        #[arg(long)]
        name: String,
    },
    /// The tokens by name (never the secrets).
    List {
        #[command(flatten)]
        at: TokenStore,
    },
    /// Revoke a token by name.
    Revoke {
        name: String,
        #[command(flatten)]
        at: TokenStore,
    },
}

/// The server whose tokens: its data dir (embedded queue) or its queue URL.
#[cfg(feature = "server")]
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
struct TokenStore {
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// postgres://… (the queue `serve --queue` was given).
    #[arg(
        long,
        env = "NARRATOR_QUEUE",
        hide_env_values = true,
        value_name = "URL"
    )]
    queue: Option<String>,
}

#[cfg(feature = "server")]
impl TokenStore {
    async fn open(&self) -> Result<narrator::server::store::Store> {
        use narrator::server::{self, queue::QueueUrl};
        let dir = self.data_dir.clone().unwrap_or_default();
        let url = QueueUrl::parse(self.queue.as_deref(), &dir).map_err(server_err)?;
        server::open_store(&url).await.map_err(server_err)
    }
}

#[cfg(feature = "server")]
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[cfg(feature = "server")]
fn server_err(e: narrator::server::ServerError) -> anyhow::Error {
    if e.is_usage() {
        usage(e)
    } else {
        anyhow::Error::new(e)
    }
}

#[cfg(feature = "server")]
fn token_cmd(action: TokenAction) -> Result<()> {
    let rt = runtime()?;
    rt.block_on(async {
        match action {
            TokenAction::Create { at, name } => {
                let store = at.open().await?;
                let secret = store.create_token(&name).await.map_err(server_err)?;
                println!("{secret}");
                eprintln!("token '{name}' created; it is shown only this once");
            }
            TokenAction::List { at } => {
                let store = at.open().await?;
                for (name, created, revoked) in store.list_tokens().await.map_err(server_err)? {
                    let state = if revoked.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!("{name}\t{state}\tcreated {created}");
                }
            }
            TokenAction::Revoke { name, at } => {
                let store = at.open().await?;
                if !store.revoke_token(&name).await.map_err(server_err)? {
                    return Err(usage(anyhow!("no active token named '{name}'")));
                }
                eprintln!("token '{name}' revoked");
            }
        }
        Ok(())
    })
}

#[cfg(feature = "server")]
fn serve_cmd(args: ServeArgs, config: &Config) -> Result<()> {
    use narrator::server::{self, webhook::WebhookSecret};
    let s = &config.server;
    let listen = match (args.listen, &s.listen) {
        (Some(a), _) => a,
        (None, Some(a)) => a
            .parse()
            .map_err(|e| usage(anyhow!("config [server] listen '{a}': {e}")))?,
        (None, None) => std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    let mut opts = backend_options(&args.backend, listen, config, "serve")?;
    if let Some(w) = args.workers.or(s.workers) {
        opts.workers = w;
    }
    if let Some(secs) = args.media_redirect {
        if secs == 0 {
            return Err(usage(anyhow!("--media-redirect must be at least 1 second")));
        }
        opts.media_redirect = Some(std::time::Duration::from_secs(secs));
    }
    if let Some(u) = args.public_url.or_else(|| s.public_url.clone()) {
        opts.public_url = Some(parse_base_url(&u)?);
    }
    opts.webhook_secret = args
        .webhook_secret
        .as_deref()
        .map(WebhookSecret::parse)
        .transpose()
        .map_err(|e| usage(anyhow!("--webhook-secret: {e}")))?;
    opts.hook_secret = match args.hook_secret.as_deref().filter(|h| !h.is_empty()) {
        Some(h) => Some(WebhookSecret::parse(h).map_err(|e| usage(anyhow!("--hook-secret: {e}")))?),
        None => opts.webhook_secret.clone(),
    };
    if let Some(ms) = args.coalesce_ms {
        opts.coalesce_window = std::time::Duration::from_millis(ms);
    }
    opts.ghost_secret = args.ghost_secret.filter(|g| !g.is_empty());
    if let Some(r) = args.rate_limit.or(s.rate_limit_per_minute) {
        opts.rate_limit_per_minute = r;
    }
    if let Some(b) = args.max_body_bytes.or(s.max_body_bytes) {
        opts.max_body_bytes = b;
    }
    if let Some(n) = args.callback_attempts {
        opts.callback_retry.attempts = n.max(1);
    }
    if let Some(ms) = args.callback_retry_ms {
        opts.callback_retry.first_delay = std::time::Duration::from_millis(ms);
    }
    let catalog = plan::catalog_for(config).map_err(plan_err)?;
    let rt = runtime()?;
    let served = rt.block_on(server::serve(opts, config.clone(), catalog));
    // A render stuck in a fetch does not hold the exit up: its job is recovered by
    // the queue on the next start.
    rt.shutdown_timeout(std::time::Duration::from_secs(5));
    served.map_err(server_err)
}

/// The options `serve` and `worker` share: data dir, queue, storage, cache.
#[cfg(feature = "server")]
fn backend_options(
    args: &BackendArgs,
    listen: std::net::SocketAddr,
    config: &Config,
    door: &str,
) -> Result<narrator::server::ServerOptions> {
    use narrator::server::{media::StorageUrl, queue::QueueUrl, ServerOptions};
    let s = &config.server;
    let data_dir = args.data_dir.clone().or_else(|| s.data_dir.clone());
    let shared = args.queue.is_some() && args.storage.is_some();
    let (data_dir, own_dir) = match data_dir {
        Some(d) => (d, true),
        // Queue and storage elsewhere: this process needs only scratch space.
        None if shared => (
            std::env::temp_dir().join(format!("narrator-{door}-{}", std::process::id())),
            false,
        ),
        None => {
            return Err(usage(anyhow!(
                "{door} needs --data-dir DIR (or [server] data_dir), or both --queue and --storage"
            )))
        }
    };
    let mut opts = ServerOptions::new(listen, data_dir.clone());
    opts.queue = QueueUrl::parse(args.queue.as_deref(), &data_dir).map_err(server_err)?;
    opts.storage = StorageUrl::parse(args.storage.as_deref(), &data_dir).map_err(server_err)?;
    opts.allow_private_urls = args.allow_private_urls || s.allow_private_urls;
    if args.no_cache {
        opts.cache_dir = None;
    } else if let Some(dir) = &args.cache_dir {
        opts.cache_dir = Some(dir.clone());
    } else if !own_dir {
        // No data dir: the user's cache (kept across runs, unlike the scratch).
        opts.cache_dir =
            narrator::cache::SegmentCache::configured(None, config).map(|c| c.dir().to_path_buf());
    }
    Ok(opts)
}

#[cfg(feature = "server")]
fn worker_cmd(args: WorkerArgs, config: &Config) -> Result<()> {
    use narrator::server;
    let unused = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mut opts = backend_options(&args.backend, unused, config, "worker")?;
    if let Some(w) = args.workers.or(config.server.workers) {
        if w == 0 {
            return Err(usage(anyhow!("--workers must be at least 1")));
        }
        opts.workers = w;
    }
    let catalog = plan::catalog_for(config).map_err(plan_err)?;
    let rt = runtime()?;
    let worked = rt.block_on(server::work(opts, config.clone(), catalog));
    rt.shutdown_timeout(std::time::Duration::from_secs(5));
    worked.map_err(server_err)
}

fn parse_format(s: &str) -> std::result::Result<AudioFormat, String> {
    AudioFormat::from_name(s).map_err(|e| e.to_string())
}

fn parse_size(s: &str) -> std::result::Result<u64, String> {
    cache::parse_size(s).map_err(|e| e.to_string())
}

fn parse_engine(s: &str) -> std::result::Result<EngineKind, String> {
    plan::parse_engine(s).map_err(|e| e.to_string())
}

/// An error in what the user asked for (exit code 2), as opposed to a failure
/// while doing it (exit code 1).
#[derive(Debug)]
struct UsageError(anyhow::Error);
impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}
impl std::error::Error for UsageError {}

fn usage(e: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(UsageError(e.into()))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.verbose, cli.quiet);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let is_usage = e.downcast_ref::<UsageError>().is_some();
            eprintln!("narrator: error: {e:#}");
            ExitCode::from(if is_usage { 2 } else { 1 })
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NARRATOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("narrator={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn run(cli: Cli) -> Result<()> {
    let (config, config_path) = Config::load(cli.config.as_deref()).map_err(usage)?;
    if let Some(p) = &config_path {
        tracing::info!("config: {}", p.display());
    }
    match cli.command {
        Command::Narrate(args) => narrate(*args, &config, cli.quiet),
        Command::Normalize {
            file,
            marks,
            json,
            lexicon,
            date_order,
            lang,
        } => {
            let mode = if json {
                NormalizeOutput::Json
            } else if marks {
                NormalizeOutput::Marks
            } else {
                NormalizeOutput::Plain
            };
            let lexicon = match lexicon {
                Some(p) => Some(plan::load_lexicon(true, &[p.as_path()]).map_err(plan_err)?),
                None => None,
            };
            let opts = NormalizeOptions {
                date_order: date_order
                    .or(config.date_order)
                    .unwrap_or_else(|| DateOrder::for_language(&lang)),
            };
            normalize_cmd(file.as_deref(), mode, lexicon.as_ref(), &opts)
        }
        Command::Extract {
            input,
            format,
            read,
        } => extract_cmd(&input, format, &read, &config),
        Command::Voices { json } => voices_cmd(&config, json),
        Command::Batch(args) => batch_cmd(*args, &config, cli.quiet),
        Command::Feed { dir, base_url } => feed_cmd(&dir, &base_url, &config, cli.quiet),
        Command::Cache { cache_dir, action } => cache_cmd(cache_dir.as_deref(), action, &config),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve_cmd(*args, &config),
        #[cfg(feature = "server")]
        Command::Worker(args) => worker_cmd(*args, &config),
        #[cfg(feature = "server")]
        Command::Token { action } => token_cmd(action),
    }
}

fn extract_options(read: &ReadFlags) -> ExtractOptions {
    ExtractOptions {
        read_captions: read.read_captions,
        read_code: read.read_code,
        read_tables: read.read_tables,
    }
}

fn load_article(input: &str, read: &ReadFlags, config: &Config) -> Result<Article> {
    let mut req = NarrationRequest::new(Source::from_arg(input));
    req.max_bytes = read.max_bytes;
    req.read = extract_options(read);
    plan::extract_article(&req, config).map_err(plan_err)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NormalizeOutput {
    Plain,
    Marks,
    Json,
}

fn normalize_cmd(
    file: Option<&Path>,
    mode: NormalizeOutput,
    lexicon: Option<&Lexicon>,
    opts: &NormalizeOptions,
) -> Result<()> {
    let input: Box<dyn std::io::Read> = match file {
        Some(p) if p != Path::new("-") => Box::new(
            std::fs::File::open(p)
                .with_context(|| format!("cannot open {}", p.display()))
                .map_err(usage)?,
        ),
        _ => Box::new(std::io::stdin().lock()),
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, input);
    let mut tracker = quotes::QuoteTracker::new();
    // Buffered: stdout alone is line-buffered, one write(2) per line. The output is
    // flushed whenever the input has nothing more buffered, so an interactive or piped
    // caller still gets each line as soon as it was read.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut buf = Vec::new();
    loop {
        if reader.buffer().is_empty() {
            out.flush()?;
        }
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let applied;
        let line = match lexicon {
            Some(lex) => {
                applied = lex.apply(line, Default::default());
                applied.as_str()
            }
            None => line,
        };
        match mode {
            NormalizeOutput::Plain => {
                out.write_all(normalize::normalize(line, opts).as_bytes())?;
                out.write_all(b"\n")?;
            }
            NormalizeOutput::Marks | NormalizeOutput::Json => {
                // Each line is a paragraph; a quote left open continues into the next.
                let spans = tracker.paragraph(line);
                let m = quotes::normalize_marked(line, &spans, opts);
                if mode == NormalizeOutput::Json {
                    writeln!(out, "{}", serde_json::to_string(&m)?)?;
                } else {
                    writeln!(out, "{}", m.marked("⟪", "⟫"))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn extract_cmd(
    input: &str,
    format: ExtractFormat,
    read: &ReadFlags,
    config: &Config,
) -> Result<()> {
    let article = load_article(input, read, config)?;
    let mut out = std::io::stdout().lock();
    match format {
        ExtractFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&article)?)?,
        ExtractFormat::Text => {
            if let Some(t) = &article.title {
                writeln!(out, "{t}")?;
            }
            if let Some(b) = &article.byline {
                writeln!(
                    out,
                    "By {}",
                    b.trim_start_matches("By ").trim_start_matches("by ")
                )?;
            }
            if let Some(d) = &article.published {
                writeln!(out, "{d}")?;
            }
            for b in &article.blocks {
                writeln!(out, "\n{}", b.text)?;
            }
        }
    }
    Ok(())
}

fn voices_cmd(config: &Config, json: bool) -> Result<()> {
    let list = plan::catalog_for(config).map_err(plan_err)?.list();
    let list: Vec<_> = list.into_iter().filter(|v| v.engine.is_built()).collect();
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<24} {:<8} {:<9} {:>8}  LOCATION",
        "ID", "ENGINE", "LANGUAGE", "RATE"
    )?;
    for v in list {
        let rate = v
            .sample_rate
            .map(|r| format!("{r} Hz"))
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:<24} {:<8} {:<9} {:>8}  {}",
            v.id,
            v.engine.name(),
            v.language.as_deref().unwrap_or("-"),
            rate,
            v.location
        )?;
    }
    Ok(())
}

fn cache_cmd(dir: Option<&Path>, action: CacheAction, config: &Config) -> Result<()> {
    let cache = SegmentCache::configured(dir, config).ok_or_else(|| {
        usage(anyhow!(
            "no cache directory: pass --cache-dir (there is no $HOME)"
        ))
    })?;
    let dir = cache.dir().display();
    let mut out = std::io::stdout().lock();
    match action {
        CacheAction::Stats { json } => {
            let stats = cache.stats()?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&stats)?)?;
            } else {
                writeln!(
                    out,
                    "{dir}: {} segments, {} of {}",
                    stats.entries,
                    cache::format_size(stats.bytes),
                    cache::format_size(stats.max_bytes)
                )?;
            }
        }
        CacheAction::Prune { max_size, json } => {
            let report = cache.prune(max_size.unwrap_or(cache.max_bytes()))?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            } else {
                writeln!(
                    out,
                    "{dir}: removed {} segments ({}); {} segments ({}) left",
                    report.removed,
                    cache::format_size(report.removed_bytes),
                    report.entries,
                    cache::format_size(report.bytes)
                )?;
            }
        }
        CacheAction::Clear { json } => {
            let report = cache.clear()?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            } else {
                writeln!(
                    out,
                    "{dir}: removed {} segments ({})",
                    report.removed,
                    cache::format_size(report.removed_bytes)
                )?;
            }
        }
    }
    Ok(())
}

struct Bar(Option<indicatif::ProgressBar>);
impl Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(b) = &self.0 {
            b.set_length(total as u64);
        }
    }
    fn segment_done(&self, done: &pipeline::SegmentDone) {
        if let Some(b) = &self.0 {
            b.inc(1);
            tracing::debug!(
                segment = done.id,
                audio_s = done.audio_s,
                synth_s = done.synth_s,
                engine = %done.engine,
                cached = done.cached,
                "segment written"
            );
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl NarrateArgs {
    /// The flags as a narration request (what a job queue would store).
    fn request(&self) -> NarrationRequest {
        let p = &self.production;
        let mut req = NarrationRequest::new(Source::from_arg(&self.input));
        req.ssml = self.ssml;
        req.format = self.format;
        self.voice.apply(&mut req);
        req.split_quotes = self.split_quotes;
        req.quote_voice = self.quote_voice.clone();
        req.max_bytes = self.read.max_bytes;
        req.read = extract_options(&self.read);
        req.encode = EncodeRequest {
            mp3_bitrate_kbps: self.bitrate,
            mp3_vbr_quality: p.vbr,
            opus_bitrate_kbps: p.opus_bitrate,
            sample_rate: None,
        };
        req.production = ProductionRequest {
            loudness_lufs: Some(p.loudness),
            true_peak_dbtp: Some(p.true_peak),
            keep_level: p.no_loudness,
            keep_silence: p.no_trim,
            intro_audio: p.intro_audio.clone(),
            outro_audio: p.outro_audio.clone(),
            crossfade_ms: Some(p.crossfade_ms),
            transcript: p.transcript.clone(),
            cover: p.cover.clone(),
            no_chapters: p.no_chapters,
        };
        req
    }
}

/// A plan error as the CLI reports it: a wrong request is a usage error (exit 2).
fn plan_err(e: PlanError) -> anyhow::Error {
    if e.is_usage() {
        usage(e)
    } else {
        anyhow::Error::new(e)
    }
}

fn narrate(args: NarrateArgs, config: &Config, quiet: bool) -> Result<()> {
    let started = Instant::now();
    let request = args.request();
    let catalog = plan::catalog_for(config).map_err(plan_err)?;
    let mut plan = Plan::resolve(&request, config, &catalog).map_err(plan_err)?;
    plan.cache = args.cache.cache(config);
    let target = Target::Path(args.output.clone());
    let format = plan.check_target(&target).map_err(plan_err)?;
    let mut prepared = plan.prepare().map_err(plan_err)?;
    prepared.options.format = format;
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(prepared.script.segments.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} segments, ETA {eta}",
        ) {
            b.set_style(style);
        }
        b
    });
    let mut summary = prepared
        .render(target, &Bar(bar), &CancelToken::new())
        .map_err(plan_err)?
        .summary;
    summary.total_s = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else if !quiet {
        let cached = match summary.segments_cached {
            0 => String::new(),
            n => format!(" ({n} from the cache)"),
        };
        eprintln!(
            "wrote {} ({:.1} s of audio, {} segments{cached}, {} / {}) in {:.1} s",
            summary.output.display(),
            summary.duration_s,
            summary.segments,
            summary.engine,
            summary.voice,
            summary.total_s
        );
    }
    Ok(())
}

/// Two bars on a terminal: articles, and the segments of the article being read.
struct BatchBars {
    articles: Option<indicatif::ProgressBar>,
    segments: Bar,
    json: bool,
}

impl batch::BatchProgress for BatchBars {
    fn articles(&self, total: usize) {
        if let Some(b) = &self.articles {
            b.set_length(total as u64);
        }
    }
    fn article_started(&self, _index: usize, source: &str) {
        if let Some(b) = &self.articles {
            b.set_message(source.to_string());
        }
        if let Some(s) = &self.segments.0 {
            s.reset();
        }
    }
    fn segments(&self) -> &dyn Progress {
        &self.segments
    }
    fn article_done(&self, _index: usize, report: &batch::ArticleReport) {
        if let Some(b) = &self.articles {
            b.inc(1);
        }
        if self.json {
            if let Ok(line) = serde_json::to_string(report) {
                println!("{line}");
            }
        }
    }
}

fn batch_err(e: batch::BatchError) -> anyhow::Error {
    if e.is_usage() {
        usage(e)
    } else {
        anyhow::Error::new(e)
    }
}

fn parse_base_url(u: &str) -> Result<url::Url> {
    let url = url::Url::parse(u).map_err(|e| usage(anyhow!("--base-url {u} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(usage(anyhow!("--base-url {u} must be an http(s) URL")));
    }
    Ok(url)
}

fn feed_cmd(dir: &Path, base_url: &str, config: &Config, quiet: bool) -> Result<()> {
    let base = parse_base_url(base_url)?;
    if !dir.join(batch::MANIFEST).is_file() {
        return Err(usage(anyhow!(
            "{} has no {} (run `narrator batch … --out-dir {}` first)",
            dir.display(),
            batch::MANIFEST,
            dir.display()
        )));
    }
    let path = batch::write_feed(dir, &base, &config.feed).map_err(batch_err)?;
    if !quiet {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn batch_cmd(args: BatchArgs, config: &Config, quiet: bool) -> Result<()> {
    let base_url = match &args.base_url {
        Some(u) => Some(parse_base_url(u)?),
        None if args.feed => return Err(usage(anyhow!("--feed needs --base-url URL"))),
        None => None,
    };
    let request = args.request(&config.feed);
    let catalog = plan::catalog_for(config).map_err(plan_err)?;
    let mut plan = Plan::resolve(&request, config, &catalog).map_err(plan_err)?;
    plan.cache = args.cache.cache(config);
    let (items, bad_inputs) = batch::expand(&args.inputs, &plan.fetch);
    for (input, e) in &bad_inputs {
        eprintln!("narrator: {input}: {e}");
        if args.json {
            println!(
                "{}",
                serde_json::json!({"source": input, "status": "failed", "reason": e.to_string()})
            );
        }
    }
    let tty = !quiet && std::io::stderr().is_terminal();
    let multi = indicatif::MultiProgress::new();
    let bars = BatchBars {
        articles: tty.then(|| {
            let b = multi.add(indicatif::ProgressBar::new(items.len() as u64));
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "[{elapsed_precise}] {bar:30} {pos}/{len} articles  {msg}",
            ) {
                b.set_style(style);
            }
            b
        }),
        segments: Bar(tty.then(|| {
            let b = multi.add(indicatif::ProgressBar::new(0));
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "             {bar:30} {pos}/{len} segments, ETA {eta}",
            ) {
                b.set_style(style);
            }
            b
        })),
        json: args.json,
    };
    let runner = batch::Batch {
        plan,
        out_dir: args.out_dir.clone(),
    };
    let reports = runner
        .run(&items, &bars, &CancelToken::new())
        .map_err(batch_err)?;
    if let Some(b) = &bars.articles {
        b.finish_and_clear();
    }
    if args.feed {
        if let Some(base) = &base_url {
            let path = batch::write_feed(&args.out_dir, base, &config.feed).map_err(batch_err)?;
            if !quiet {
                eprintln!("wrote {}", path.display());
            }
        }
    }
    let failed = reports
        .iter()
        .filter(|r| matches!(r.outcome, batch::Outcome::Failed { .. }))
        .count()
        + bad_inputs.len();
    if !quiet {
        eprintln!("{:<10} {:>8} {:>9}  SOURCE", "STATUS", "AUDIO", "BYTES");
        for r in &reports {
            match &r.outcome {
                batch::Outcome::Written { episode, .. } | batch::Outcome::UpToDate { episode } => {
                    let status = if matches!(r.outcome, batch::Outcome::Written { .. }) {
                        "written"
                    } else {
                        "up to date"
                    };
                    eprintln!(
                        "{status:<10} {:>7.1}s {:>9}  {} → {}",
                        episode.duration_s, episode.bytes, r.source, episode.audio_file
                    );
                }
                batch::Outcome::Failed { reason } => {
                    eprintln!(
                        "{:<10} {:>8} {:>9}  {}: {reason}",
                        "failed", "-", "-", r.source
                    )
                }
            }
        }
        eprintln!(
            "{} articles: {} written, {} up to date, {} failed",
            reports.len() + bad_inputs.len(),
            reports
                .iter()
                .filter(|r| matches!(r.outcome, batch::Outcome::Written { .. }))
                .count(),
            reports
                .iter()
                .filter(|r| matches!(r.outcome, batch::Outcome::UpToDate { .. }))
                .count(),
            failed
        );
    }
    if failed > 0 {
        return Err(anyhow!("{failed} of the batch's articles failed"));
    }
    Ok(())
}
