//! Many articles → episodes in one directory, recorded in a manifest
//! (`narrator-batch.json`), ready for a podcast feed. A door onto the plan: every
//! article is narrated by the same [`Plan`] `narrate` runs, with one engine loaded
//! once for the whole batch.
//!
//! Re-running is cheap: an article whose spoken text, voice and settings are
//! unchanged is skipped ("up to date"); a changed one is rendered to a new file name
//! (podcast apps ignore a reused enclosure URL) and the old file removed; its guid,
//! derived from the article's identity, stays. The manifest is written atomically
//! after each article, so a killed batch resumes where it stopped.

pub mod inputs;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::audio::AudioFormat;
use crate::cancel::CancelToken;
use crate::engine::Engine;
use crate::pipeline::{NoProgress, Progress};
use crate::plan::{Plan, PlanError, Prepared, Source, Target};
use crate::publish::{self, chapters, feed, TimingMap};

pub use inputs::{expand, BatchItem, InputError};

/// The manifest file in the output directory.
pub const MANIFEST: &str = "narrator-batch.json";

/// Errors that stop a whole batch (one article failing never does).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("output directory {path}: {source}")]
    OutDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("manifest {path} is unreadable: {reason} (move it away to start afresh)")]
    Manifest { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Feed(#[from] feed::FeedError),
}

impl BatchError {
    /// The user asked for something wrong (a directory that cannot be written, a bad
    /// base URL) rather than the run failing.
    pub fn is_usage(&self) -> bool {
        match self {
            BatchError::OutDir { .. } => true,
            BatchError::Feed(e) => e.is_usage(),
            BatchError::Plan(e) => e.is_usage(),
            _ => false,
        }
    }
}

/// One episode as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// The input it came from (URL, path, or feed item link).
    pub source: String,
    /// What the article is, whatever its audio: canonical URL, feed guid or CMS id.
    pub identity: String,
    /// The feed item's guid (derived from `identity`, stable across re-narrations).
    pub guid: String,
    pub slug: String,
    pub title: String,
    pub link: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub author: Option<String>,
    /// A short description (the first paragraph).
    pub description: Option<String>,
    /// File names in the output directory.
    pub audio_file: String,
    pub bytes: u64,
    pub duration_s: f64,
    pub transcript_vtt: String,
    /// The timing map (narrator's JSON: each segment's written and spoken text).
    pub timing_json: String,
    /// Podcasting 2.0 JSON transcript, which podcast apps read.
    pub transcript_json: String,
    pub chapters_json: String,
    /// Hash of everything that decides the audio: engine fingerprint, settings, and
    /// every segment's spoken text, voice and pause.
    pub content_hash: String,
}

/// `narrator-batch.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub episodes: Vec<Episode>,
}

impl Manifest {
    /// Read the manifest in `dir` (a missing one is empty).
    pub fn load(dir: &Path) -> Result<Manifest, BatchError> {
        let path = dir.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| BatchError::Manifest {
                path,
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
                version: 1,
                episodes: Vec::new(),
            }),
            Err(e) => Err(BatchError::Manifest {
                path,
                reason: e.to_string(),
            }),
        }
    }

    /// Write it atomically (temp file + rename).
    pub fn save(&self, dir: &Path) -> Result<(), BatchError> {
        let path = dir.join(MANIFEST);
        let json = serde_json::to_vec_pretty(self).map_err(|e| BatchError::Manifest {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&path, &json)
    }

    fn find(&self, identity: &str) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.identity == identity)
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), BatchError> {
    let err = |source| BatchError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = crate::atomic::temp_beside(path, ".part").map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// What happened to one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Outcome {
    /// Rendered (new or changed).
    Written {
        episode: Box<Episode>,
        synth_s: f64,
        /// Segments replayed from the segment cache (the plan's) instead of synthesized.
        segments_cached: usize,
    },
    /// Unchanged since the last run: nothing synthesized.
    UpToDate {
        episode: Box<Episode>,
    },
    Failed {
        reason: String,
    },
}

/// One line of the batch report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleReport {
    pub source: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Progress of a batch: articles, and the segments of the one being rendered.
pub trait BatchProgress: Sync {
    fn articles(&self, _total: usize) {}
    fn article_started(&self, _index: usize, _source: &str) {}
    /// Segment progress of the article being rendered.
    fn segments(&self) -> &dyn Progress {
        &NoProgress
    }
    fn article_done(&self, _index: usize, _report: &ArticleReport) {}
}

/// Reports nothing.
pub struct Quiet;
impl BatchProgress for Quiet {}

/// A batch: the plan every article is read with, and where episodes go.
pub struct Batch {
    /// The narration settings (its source is replaced by each article's).
    pub plan: Plan,
    pub out_dir: PathBuf,
}

impl Batch {
    /// Narrate every item into `out_dir`, updating the manifest after each one.
    /// Items that fail are reported and skipped; the engine is built once.
    pub fn run(
        &self,
        items: &[BatchItem],
        progress: &dyn BatchProgress,
        cancel: &CancelToken,
    ) -> Result<Vec<ArticleReport>, BatchError> {
        std::fs::create_dir_all(&self.out_dir).map_err(|source| BatchError::OutDir {
            path: self.out_dir.clone(),
            source,
        })?;
        probe_writable(&self.out_dir)?;
        let mut manifest = Manifest::load(&self.out_dir)?;
        manifest.version = 1;
        progress.articles(items.len());
        let mut engine: Option<Arc<dyn Engine>> = None;
        let mut reports = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if cancel.is_canceled() {
                break;
            }
            progress.article_started(i, &item.source);
            let outcome = match self.one(item, &mut engine, &mut manifest, progress, cancel) {
                Ok(o) => o,
                Err(ArticleError::Fatal(e)) => return Err(e),
                Err(ArticleError::Failed(reason)) => Outcome::Failed { reason },
            };
            let report = ArticleReport {
                source: item.source.clone(),
                outcome,
            };
            progress.article_done(i, &report);
            reports.push(report);
        }
        Ok(reports)
    }

    fn one(
        &self,
        item: &BatchItem,
        engine: &mut Option<Arc<dyn Engine>>,
        manifest: &mut Manifest,
        progress: &dyn BatchProgress,
        cancel: &CancelToken,
    ) -> Result<Outcome, ArticleError> {
        let fail = |e: PlanError| ArticleError::Failed(e.to_string());
        let mut plan = self.plan.clone();
        plan.source = item.load.clone();
        plan.ssml = matches!(&item.load, Source::File(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("ssml")));
        let m = &item.meta;
        if plan.metadata.title.is_none() {
            plan.metadata.title.clone_from(&m.title);
        }
        if plan.metadata.published.is_none() {
            plan.metadata.published.clone_from(&m.published);
        }
        if plan.metadata.author.is_none() {
            plan.metadata.author.clone_from(&m.author);
        }
        let loaded = plan.load().map_err(fail)?;
        let shared = match engine {
            Some(e) => e.clone(),
            None => {
                let e = plan.build_engine().map_err(fail)?;
                *engine = Some(e.clone());
                e
            }
        };
        let format = plan.format.unwrap_or(AudioFormat::Mp3);
        let mut prepared = plan.prepare_with(loaded, shared).map_err(fail)?;
        prepared.options.format = format;
        let hash = content_hash(&prepared);
        let existing = manifest.find(&item.identity).cloned();
        if let Some(e) = &existing {
            let file = self.out_dir.join(&e.audio_file);
            let same_size = std::fs::metadata(&file).is_ok_and(|md| md.len() == e.bytes);
            let side_files = [
                &e.transcript_vtt,
                &e.timing_json,
                &e.transcript_json,
                &e.chapters_json,
            ]
            .iter()
            .all(|f| self.out_dir.join(f).is_file());
            if e.content_hash == hash && same_size && side_files {
                return Ok(Outcome::UpToDate {
                    episode: Box::new(e.clone()),
                });
            }
        }
        let article = prepared.article.clone().unwrap_or_default();
        let title = article
            .title
            .clone()
            .or_else(|| m.title.clone())
            .unwrap_or_else(|| item.source.clone());
        let slug = match &existing {
            Some(e) => e.slug.clone(),
            None => {
                let taken: BTreeSet<&str> =
                    manifest.episodes.iter().map(|e| e.slug.as_str()).collect();
                unique_slug(&slug_base(&title, &item.identity), &taken)
            }
        };
        let ext = match format {
            AudioFormat::Wav => "wav",
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Opus => "opus",
        };
        let audio_file = format!("{slug}-{}.{ext}", &hash[..10]);
        let audio_path = self.out_dir.join(&audio_file);
        let rendered = prepared
            .render(
                Target::Path(audio_path.clone()),
                progress.segments(),
                cancel,
            )
            .map_err(|e| match e {
                PlanError::Narrate(crate::pipeline::NarrateError::Audio(
                    crate::audio::AudioError::Io { .. },
                )) => ArticleError::Fatal(BatchError::Plan(e)),
                e => fail(e),
            })?;
        let bytes = std::fs::metadata(&audio_path)
            .map(|md| md.len())
            .map_err(|source| {
                ArticleError::Fatal(BatchError::Write {
                    path: audio_path.clone(),
                    source,
                })
            })?;
        let side = self
            .write_side_files(&slug, &rendered.timing, &title)
            .map_err(ArticleError::Fatal)?;
        let description = article
            .blocks
            .iter()
            .find(|b| b.kind == crate::extract::BlockKind::Paragraph)
            .map(|b| b.text.chars().take(600).collect::<String>());
        let episode = Episode {
            source: item.source.clone(),
            identity: item.identity.clone(),
            guid: feed::episode_guid(&item.identity),
            slug,
            title,
            link: item.link.clone(),
            published: article.published.clone().or_else(|| m.published.clone()),
            language: article.language.clone(),
            author: article.byline.clone().or_else(|| m.author.clone()),
            description: description.or_else(|| m.description.clone()),
            audio_file: audio_file.clone(),
            bytes,
            duration_s: rendered.summary.duration_s,
            transcript_vtt: side.vtt,
            timing_json: side.timing,
            transcript_json: side.transcript,
            chapters_json: side.chapters,
            content_hash: hash,
        };
        match manifest
            .episodes
            .iter_mut()
            .find(|e| e.identity == item.identity)
        {
            Some(e) => *e = episode.clone(),
            None => manifest.episodes.push(episode.clone()),
        }
        manifest.save(&self.out_dir).map_err(ArticleError::Fatal)?;
        // The old enclosure goes only once the manifest points at the new one.
        if let Some(old) = existing.filter(|e| e.audio_file != audio_file) {
            let _ = std::fs::remove_file(self.out_dir.join(old.audio_file));
        }
        Ok(Outcome::Written {
            episode: Box::new(episode),
            synth_s: rendered.summary.synth_s,
            segments_cached: rendered.summary.segments_cached,
        })
    }

    /// `<slug>.vtt`, `<slug>.json` (the timing map), `<slug>.transcript.json`
    /// (Podcasting 2.0) and `<slug>.chapters.json`.
    fn write_side_files(
        &self,
        slug: &str,
        timing: &TimingMap,
        title: &str,
    ) -> Result<SideFiles, BatchError> {
        let side = SideFiles {
            vtt: format!("{slug}.vtt"),
            timing: format!("{slug}.json"),
            transcript: format!("{slug}.transcript.json"),
            chapters: format!("{slug}.chapters.json"),
        };
        for name in [&side.vtt, &side.timing] {
            let path = self.out_dir.join(name);
            publish::transcript::prepare(&path, timing)
                .and_then(|t| t.persist())
                .map_err(|e| BatchError::Write {
                    path: path.clone(),
                    source: std::io::Error::other(e.to_string()),
                })?;
        }
        write_atomic(
            &self.out_dir.join(&side.transcript),
            chapters::transcript_json(timing).as_bytes(),
        )?;
        write_atomic(
            &self.out_dir.join(&side.chapters),
            chapters::chapters_json(&timing.chapters(), Some(title)).as_bytes(),
        )?;
        Ok(side)
    }
}

struct SideFiles {
    vtt: String,
    timing: String,
    transcript: String,
    chapters: String,
}

/// Write `DIR/feed.xml` from the manifest in `dir` (and `DIR/cover.png` when the
/// settings name no image).
pub fn write_feed(
    dir: &Path,
    base_url: &url::Url,
    settings: &feed::FeedSettings,
) -> Result<PathBuf, BatchError> {
    let manifest = Manifest::load(dir)?;
    let episodes: Vec<feed::Episode> = manifest
        .episodes
        .iter()
        .map(|e| feed::Episode {
            guid: e.guid.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            link: e.link.clone(),
            published: e.published.clone(),
            audio_file: e.audio_file.clone(),
            audio_bytes: e.bytes,
            duration_s: e.duration_s,
            transcript_vtt: Some(e.transcript_vtt.clone()),
            transcript_json: Some(e.transcript_json.clone()),
            chapters_json: Some(e.chapters_json.clone()),
            language: e.language.clone(),
            author: e.author.clone(),
        })
        .collect();
    Ok(feed::write_feed(dir, base_url, settings, &episodes)?)
}

enum ArticleError {
    /// This article failed; the batch goes on.
    Failed(String),
    /// The output directory or manifest failed: the batch stops.
    Fatal(BatchError),
}

/// Fail early, naming the directory, when it cannot be written.
fn probe_writable(dir: &Path) -> Result<(), BatchError> {
    crate::atomic::temp_beside(&dir.join(MANIFEST), ".probe")
        .map(drop)
        .map_err(|source| BatchError::OutDir {
            path: dir.to_path_buf(),
            source,
        })
}

/// The hash of everything that decides the audio.
pub fn content_hash(p: &Prepared) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field("narrator-episode-v1");
    field(&p.engine.identity().fingerprint);
    for (voice, e) in &p.voices {
        field(voice);
        field(&e.identity().fingerprint);
    }
    let o = &p.options;
    field(&format!("{:?}", o.format));
    field(&format!("{:?}", o.encode));
    field(&format!("{:?}", o.settings));
    field(&format!("{:?}", o.production.mastering));
    field(&format!(
        "{:?}|{:?}|{:?}",
        o.production.intro_audio, o.production.outro_audio, o.production.crossfade
    ));
    field(&format!("{}", o.production.chapters));
    for s in &p.script.segments {
        field(&s.spoken);
        field(&s.written);
        field(&format!(
            "{:?}|{:?}|{:?}|{:?}",
            s.kind, s.voice, s.rate_percent, s.pause_after
        ));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A deterministic ASCII slug for a title: lower case, `a-z0-9` and single dashes,
/// at most 60 characters; a title with no ASCII letters or digits falls back to a
/// hash of the identity.
pub fn slug_base(title: &str, identity: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    // Cut at a word boundary when the title was too long.
    if slug.len() >= 60 {
        if let Some(cut) = slug.rfind('-').filter(|&c| c >= 20) {
            slug.truncate(cut);
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        let hash = crate::engine::sha256_hex(identity.as_bytes());
        format!("article-{}", &hash[..8])
    } else {
        slug
    }
}

/// `base`, or `base-2`, `base-3`, … — the first not in `taken`.
pub fn unique_slug(base: &str, taken: &BTreeSet<&str>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken.contains(s.as_str()))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_safe_and_unique() {
        assert_eq!(
            slug_base("Kremlin: talks \"resume\" on March 13!", "x"),
            "kremlin-talks-resume-on-march-13"
        );
        assert_eq!(slug_base("../../etc/passwd", "x"), "etc-passwd");
        let cyr = slug_base("Кремль", "https://example.com/a");
        assert!(cyr.starts_with("article-") && cyr.len() == 16, "{cyr}");
        assert_eq!(cyr, slug_base("Кремль", "https://example.com/a"));
        assert!(slug_base(&"a".repeat(300), "x").len() <= 60);
        let taken: BTreeSet<&str> = ["news", "news-2"].into_iter().collect();
        assert_eq!(unique_slug("news", &taken), "news-3");
        assert_eq!(unique_slug("other", &taken), "other");
    }
}
