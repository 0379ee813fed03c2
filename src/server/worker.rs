//! The queue's side: a job is a narration id and its serialized request; a worker
//! runs the plan on a blocking thread and records what came of it.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::audio::AudioFormat;
use crate::batch;
use crate::cancel::CancelToken;
use crate::pipeline::{Progress, SegmentDone};
use crate::plan::{NarrationRequest, Plan, PlanError, Target};
use crate::publish::{chapters, transcript};

use super::media::Media;
use super::store::{Finished, Status};
use super::AppState;

/// The queue's name in the `Jobs` table.
pub const QUEUE: &str = "narrations";

/// One job: which narration, and the request it renders.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NarrationJob {
    pub narration_id: String,
    pub request: NarrationRequest,
}

/// The files of a narration in the media directory.
pub struct MediaFiles {
    pub audio: String,
    pub vtt: String,
    pub timing: String,
    pub transcript: String,
    pub chapters: String,
}

pub fn media_files(id: &str, format: AudioFormat) -> MediaFiles {
    let ext = match format {
        AudioFormat::Wav => "wav",
        AudioFormat::Mp3 => "mp3",
        AudioFormat::Opus => "opus",
    };
    MediaFiles {
        audio: format!("{id}.{ext}"),
        vtt: format!("{id}.vtt"),
        timing: format!("{id}.timing.json"),
        transcript: format!("{id}.transcript.json"),
        chapters: format!("{id}.chapters.json"),
    }
}

impl MediaFiles {
    /// Every file, the audio first.
    pub fn all(&self) -> [&str; 5] {
        [
            &self.audio,
            &self.vtt,
            &self.timing,
            &self.transcript,
            &self.chapters,
        ]
    }
}

/// Remove every file of narration `id` (whatever its format) from the storage.
pub async fn remove_media(media: &Media, id: &str) {
    let mut names = Vec::new();
    for format in [AudioFormat::Mp3, AudioFormat::Wav, AudioFormat::Opus] {
        let files = media_files(id, format);
        if names.is_empty() {
            names.extend(files.all().iter().map(|s| s.to_string()));
        } else {
            names.push(files.audio);
        }
    }
    for name in names {
        if let Err(e) = media.delete(&name).await {
            tracing::warn!(narration = %id, "cannot remove {name}: {e}");
        }
    }
}

/// Progress into the database, from the render's threads.
struct JobProgress {
    state: Arc<AppState>,
    handle: tokio::runtime::Handle,
    id: String,
    total: AtomicI64,
    done: AtomicI64,
    /// Segments replayed from the segment cache (either tier).
    cached: Arc<AtomicI64>,
}

impl JobProgress {
    fn save(&self) {
        let done = self.done.load(Ordering::SeqCst);
        let total = self.total.load(Ordering::SeqCst);
        if let Err(e) = self
            .handle
            .block_on(self.state.store.set_progress(&self.id, done, total))
        {
            tracing::warn!("progress of {}: {e}", self.id);
        }
    }
}

impl Progress for JobProgress {
    fn start(&self, total: usize) {
        self.total.store(total as i64, Ordering::SeqCst);
        self.save();
    }
    fn segment_done(&self, done: &SegmentDone) {
        let m = &self.state.metrics;
        if done.cached {
            m.cache_hits.fetch_add(1, Ordering::Relaxed);
            self.cached.fetch_add(1, Ordering::Relaxed);
        } else {
            m.cache_misses.fetch_add(1, Ordering::Relaxed);
            m.synthesis_us
                .fetch_add((done.synth_s * 1e6) as u64, Ordering::Relaxed);
        }
        self.done.fetch_add(1, Ordering::SeqCst);
        self.save();
    }
}

/// Resolve, prepare and render on this (blocking) thread, into `dir` (the job's
/// scratch directory; the caller puts the files into the storage).
fn render(
    state: &AppState,
    job: &NarrationJob,
    dir: &Path,
    progress: &JobProgress,
    cancel: &CancelToken,
) -> Result<Finished, PlanError> {
    let mut plan = Plan::resolve(&job.request, &state.config, &state.catalog)?;
    plan.fetch.allow_private_addresses = state.options.allow_private_urls;
    plan.cache = state.cache.clone();
    let format = plan.format.unwrap_or(AudioFormat::Mp3);
    plan.format = Some(format);
    if cancel.is_canceled() {
        return Err(PlanError::Canceled);
    }
    let prepared = plan.prepare_cached(&state.engines)?;
    let content_hash = batch::content_hash(&prepared);
    let article = prepared.article.clone();
    let files = media_files(&job.narration_id, format);
    let rendered = prepared.render(Target::Path(dir.join(&files.audio)), progress, cancel)?;
    let title = article.as_ref().and_then(|a| a.title.clone());
    let written = (|| -> Result<(), crate::publish::PublishError> {
        transcript::write(&dir.join(&files.vtt), &rendered.timing)?;
        transcript::write(&dir.join(&files.timing), &rendered.timing)?;
        let io = |e| crate::publish::PublishError::Io {
            path: dir.to_path_buf(),
            source: e,
        };
        std::fs::write(
            dir.join(&files.transcript),
            chapters::transcript_json(&rendered.timing),
        )
        .map_err(io)?;
        std::fs::write(
            dir.join(&files.chapters),
            chapters::chapters_json(&rendered.timing.chapters(), title.as_deref()),
        )
        .map_err(io)?;
        Ok(())
    })();
    written.map_err(PlanError::Transcript)?;
    let bytes = std::fs::metadata(dir.join(&files.audio))
        .map(|m| m.len() as i64)
        .map_err(PlanError::Write)?;
    Ok(Finished {
        content_hash,
        segments: rendered.summary.segments as i64,
        duration_s: rendered.summary.duration_s,
        bytes,
        synth_s: rendered.summary.synth_s,
        audio_file: files.audio,
        title,
        author: article.as_ref().and_then(|a| a.byline.clone()),
        published: article.as_ref().and_then(|a| a.published.clone()),
        link: job.request.source.url().map(str::to_string),
        language: article.as_ref().and_then(|a| a.language.clone()),
    })
}

/// The job handler the queue's workers run. Errors returned here are the queue's
/// (the database); a narration that fails is recorded as failed and the job is done.
pub async fn run_job(job: NarrationJob, state: Arc<AppState>) -> Result<(), super::ServerError> {
    let id = job.narration_id.clone();
    match state.store.get(&id).await? {
        Some(n) if n.status.is_active() && !n.deleted => {}
        Some(n) if matches!(n.status, Status::Done | Status::Failed) => {
            // A redelivery after a crash between recording the outcome and the ack:
            // make sure the callback is queued (the outbox keeps one per event).
            let event = if n.status == Status::Done {
                "narration.done"
            } else {
                "narration.failed"
            };
            super::api::send_callback(&state, &id, event).await;
            return Ok(());
        }
        _ => return Ok(()), // canceled or deleted
    }
    if !state.store.set_running(&id).await? {
        return Ok(());
    }
    // The row holds the newest request: an edit that came while the job waited
    // was put into the queued revision (coalescing), not into this job.
    let mut job = job;
    if let Some(n) = state.store.get(&id).await? {
        match serde_json::from_str(&n.request) {
            Ok(request) => job.request = request,
            Err(e) => {
                tracing::warn!(narration = %id, "stored request unreadable ({e}); using the job's")
            }
        }
    }
    let cancel = CancelToken::new();
    state
        .running
        .lock()
        .await
        .insert(id.clone(), cancel.clone());
    // A cancel or delete may come from another process (the API server, while
    // this worker renders): watch the row.
    let watcher = tokio::spawn(watch_canceled(state.clone(), id.clone(), cancel.clone()));
    tracing::info!(narration = %id, "rendering");
    state.metrics.renders.fetch_add(1, Ordering::Relaxed);
    let cached = Arc::new(AtomicI64::new(0));
    let progress = JobProgress {
        state: state.clone(),
        handle: tokio::runtime::Handle::current(),
        id: id.clone(),
        total: AtomicI64::new(0),
        done: AtomicI64::new(0),
        cached: cached.clone(),
    };
    // This attempt's own scratch directory: a redelivered job (another worker,
    // after this one was presumed dead) never writes into the same files.
    let scratch = state
        .staging
        .join(format!("{id}-{}", uuid::Uuid::new_v4().simple()));
    let result = match std::fs::create_dir_all(&scratch) {
        Err(e) => Ok(Err(PlanError::Write(e))),
        Ok(()) => {
            let state = state.clone();
            let cancel = cancel.clone();
            let dir = scratch.clone();
            tokio::task::spawn_blocking(move || render(&state, &job, &dir, &progress, &cancel))
                .await
        }
    };
    // Into the storage before the row says done: a client told "done" finds every
    // file. Objects are written whole, so a reader never sees half a file.
    let result = match result {
        Ok(Ok(finished)) if !cancel.is_canceled() => {
            match upload(&state, &scratch, &id, &finished).await {
                Ok(()) => Ok(Ok(finished)),
                Err(e) => Ok(Err(PlanError::Write(std::io::Error::other(e.to_string())))),
            }
        }
        other => other,
    };
    let _ = std::fs::remove_dir_all(&scratch);
    watcher.abort();
    state.running.lock().await.remove(&id);
    let event = match result {
        Ok(Ok(finished)) => {
            if state.store.set_done(&id, &finished).await? {
                tracing::info!(
                    narration = %id,
                    segments = finished.segments,
                    cached = cached.load(Ordering::Relaxed),
                    "done"
                );
                if let Some(n) = state.store.get(&id).await? {
                    for old in state.store.superseded(&n.external_id, n.revision).await? {
                        state.store.delete(&old.id).await?;
                        remove_media(&state.media, &old.id).await;
                    }
                }
                Some("narration.done")
            } else {
                // Canceled or deleted while the last segment was written, or done
                // by another attempt of the job (a worker presumed dead that was
                // not): that one's files are the same and stay.
                let done_elsewhere = state
                    .store
                    .get(&id)
                    .await?
                    .is_some_and(|n| n.status == Status::Done && !n.deleted);
                if !done_elsewhere {
                    remove_media(&state.media, &id).await;
                }
                None
            }
        }
        Ok(Err(PlanError::Canceled)) => {
            if state.shutting_down.load(Ordering::SeqCst) {
                // Not canceled by a client: the process is stopping. Queue it again
                // for the next worker. (Its files stay: the row is still active and
                // the next render replaces them.)
                if let Some(n) = state.store.get(&id).await? {
                    if n.status.is_active() && !n.deleted {
                        let request = serde_json::from_str(&n.request)
                            .map_err(|e| super::ServerError::Queue(e.to_string()))?;
                        super::api::enqueue(&state, &id, request, std::time::Duration::ZERO)
                            .await?;
                    }
                }
            } else {
                remove_media(&state.media, &id).await;
            }
            None
        }
        Ok(Err(e)) => {
            tracing::info!(narration = %id, "failed: {e:#}");
            let detail = error_chain(&e);
            state
                .store
                .set_failed(&id, &detail)
                .await?
                .then_some("narration.failed")
        }
        Err(join) => state
            .store
            .set_failed(&id, &format!("the render stopped: {join}"))
            .await?
            .then_some("narration.failed"),
    };
    if let Some(event) = event {
        if event == "narration.done" {
            super::api::refresh_feed(&state).await;
        }
        super::api::send_callback(&state, &id, event).await;
    }
    Ok(())
}

/// Put narration `id`'s files from `dir` into the storage, the audio last: a
/// redelivered job's upload replaces an earlier attempt's objects whole.
async fn upload(
    state: &AppState,
    dir: &Path,
    id: &str,
    finished: &Finished,
) -> Result<(), super::ServerError> {
    let files = media_files(id, AudioFormat::Mp3);
    let all = files.all();
    for name in all[1..]
        .iter()
        .copied()
        .chain([finished.audio_file.as_str()])
    {
        state.media.put_file(name, &dir.join(name)).await?;
    }
    Ok(())
}

/// Cancel `token` when narration `id` is canceled or deleted in the store (by any
/// process). Runs until aborted.
async fn watch_canceled(state: Arc<AppState>, id: String, token: CancelToken) {
    loop {
        match state.store.get(&id).await {
            Ok(Some(n)) if n.status == Status::Canceled || n.deleted => {
                token.cancel();
                return;
            }
            Ok(None) => {
                token.cancel();
                return;
            }
            _ => {}
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// An error and its causes, `: `-separated (as `{:#}` prints an anyhow chain).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        // Some errors already print their source; say each thing once.
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cause = c.source();
    }
    s
}
