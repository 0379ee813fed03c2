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

/// Remove every file of narration `id` (whatever its format).
pub fn remove_media(media_dir: &Path, id: &str) {
    let Ok(entries) = std::fs::read_dir(media_dir) else {
        return;
    };
    let prefix = format!("{id}.");
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
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
        } else {
            m.cache_misses.fetch_add(1, Ordering::Relaxed);
            m.synthesis_us
                .fetch_add((done.synth_s * 1e6) as u64, Ordering::Relaxed);
        }
        self.done.fetch_add(1, Ordering::SeqCst);
        self.save();
    }
}

/// Resolve, prepare and render on this (blocking) thread.
fn render(
    state: &AppState,
    job: &NarrationJob,
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
    let prepared = plan.prepare()?;
    let content_hash = batch::content_hash(&prepared);
    let article = prepared.article.clone();
    let files = media_files(&job.narration_id, format);
    let dir = &state.media_dir;
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
    // Canceled between the check above and registering the token.
    if state
        .store
        .get(&id)
        .await?
        .is_some_and(|n| n.status == Status::Canceled)
    {
        cancel.cancel();
    }
    tracing::info!(narration = %id, "rendering");
    state.metrics.renders.fetch_add(1, Ordering::Relaxed);
    let progress = JobProgress {
        state: state.clone(),
        handle: tokio::runtime::Handle::current(),
        id: id.clone(),
        total: AtomicI64::new(0),
        done: AtomicI64::new(0),
    };
    let result = {
        let state = state.clone();
        let cancel = cancel.clone();
        tokio::task::spawn_blocking(move || render(&state, &job, &progress, &cancel)).await
    };
    state.running.lock().await.remove(&id);
    let event = match result {
        Ok(Ok(finished)) => {
            if state.store.set_done(&id, &finished).await? {
                tracing::info!(narration = %id, "done");
                if let Some(n) = state.store.get(&id).await? {
                    for old in state.store.superseded(&n.external_id, n.revision).await? {
                        state.store.delete(&old.id).await?;
                        remove_media(&state.media_dir, &old.id);
                    }
                }
                Some("narration.done")
            } else {
                // Canceled or deleted while the last segment was written.
                remove_media(&state.media_dir, &id);
                None
            }
        }
        Ok(Err(PlanError::Canceled)) => {
            remove_media(&state.media_dir, &id);
            if state.shutting_down.load(Ordering::SeqCst) {
                // Not canceled by a client: the server is stopping. Queue it again
                // for the next start.
                if let Some(n) = state.store.get(&id).await? {
                    if n.status.is_active() && !n.deleted {
                        let request = serde_json::from_str(&n.request)
                            .map_err(|e| super::ServerError::Queue(e.to_string()))?;
                        super::api::enqueue(&state, &id, request, std::time::Duration::ZERO)
                            .await?;
                    }
                }
            }
            None
        }
        Ok(Err(e)) => {
            tracing::info!(narration = %id, "failed: {e:#}");
            remove_media(&state.media_dir, &id);
            let detail = error_chain(&e);
            state
                .store
                .set_failed(&id, &detail)
                .await?
                .then_some("narration.failed")
        }
        Err(join) => {
            remove_media(&state.media_dir, &id);
            state
                .store
                .set_failed(&id, &format!("the render stopped: {join}"))
                .await?
                .then_some("narration.failed")
        }
    };
    if let Some(event) = event {
        if event == "narration.done" {
            super::api::refresh_feed(&state).await;
        }
        super::api::send_callback(&state, &id, event).await;
    }
    Ok(())
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
