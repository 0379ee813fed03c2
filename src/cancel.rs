//! Cooperative cancellation: one token shared by a run's workers, its writer and
//! every retry wait, so a canceled narration stops promptly and leaves no file.
//!
//! Nothing here polls: waiting threads block on a condition variable (retry waits)
//! or are woken by a callback the token runs when it is canceled (the pipeline's
//! writer gets a message on its channel).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

type Callback = Box<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct Inner {
    canceled: AtomicBool,
    next_id: AtomicU64,
    /// Callbacks to run on cancel, by registration id.
    callbacks: Mutex<Vec<(u64, Callback)>>,
    /// Guards nothing but the wait; paired with `wake`.
    lock: Mutex<()>,
    wake: Condvar,
}

/// A cancel signal: clone it freely; [`CancelToken::cancel`] on any clone cancels all.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<Inner>);

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("canceled", &self.is_canceled())
            .finish()
    }
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancel: wakes every wait and runs every registered callback (once).
    pub fn cancel(&self) {
        if self.0.canceled.swap(true, Ordering::SeqCst) {
            return;
        }
        {
            let _g = self.0.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.0.wake.notify_all();
        }
        let callbacks = self
            .0
            .callbacks
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (_, f) in callbacks.iter() {
            f();
        }
    }

    pub fn is_canceled(&self) -> bool {
        self.0.canceled.load(Ordering::SeqCst)
    }

    /// Sleep for `d` unless canceled first; returns `true` when canceled.
    pub fn sleep(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut g = self.0.lock.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if self.is_canceled() {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            g = self
                .0
                .wake
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Run `f` when the token is canceled (at once if it already is). The callback is
    /// removed when the returned guard is dropped.
    pub fn on_cancel(&self, f: impl Fn() + Send + Sync + 'static) -> CancelGuard {
        let id = self.0.next_id.fetch_add(1, Ordering::SeqCst);
        {
            let mut cbs = self
                .0
                .callbacks
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            cbs.push((id, Box::new(f)));
        }
        if self.is_canceled() {
            let cbs = self
                .0
                .callbacks
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((_, f)) = cbs.iter().find(|(i, _)| *i == id) {
                f();
            }
        }
        CancelGuard {
            token: self.clone(),
            id,
        }
    }
}

/// Unregisters an [`CancelToken::on_cancel`] callback when dropped.
pub struct CancelGuard {
    token: CancelToken,
    id: u64,
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        let mut cbs = self
            .token
            .0
            .callbacks
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cbs.retain(|(i, _)| *i != self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn sleep_returns_early_on_cancel() {
        let t = CancelToken::new();
        let t2 = t.clone();
        let started = Instant::now();
        let h = std::thread::spawn(move || t2.sleep(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(20));
        t.cancel();
        assert!(h.join().expect("join"));
        assert!(started.elapsed() < Duration::from_secs(10));
        // Not canceled: sleeps the whole time and says so.
        assert!(!CancelToken::new().sleep(Duration::from_millis(1)));
    }

    #[test]
    fn callbacks_run_once_and_guards_unregister() {
        let t = CancelToken::new();
        let n = Arc::new(AtomicUsize::new(0));
        let n2 = n.clone();
        let kept = t.on_cancel(move || {
            n2.fetch_add(1, Ordering::SeqCst);
        });
        let n3 = n.clone();
        drop(t.on_cancel(move || {
            n3.fetch_add(100, Ordering::SeqCst);
        }));
        t.cancel();
        t.cancel();
        assert_eq!(n.load(Ordering::SeqCst), 1);
        // Registered after the cancel: runs at once.
        let n4 = n.clone();
        let _late = t.on_cancel(move || {
            n4.fetch_add(10, Ordering::SeqCst);
        });
        assert_eq!(n.load(Ordering::SeqCst), 11);
        drop(kept);
    }
}
