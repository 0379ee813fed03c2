//! Signed callbacks out (Standard Webhooks) and signature checks in.

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::store::Store;

type HmacSha256 = Hmac<Sha256>;

/// A Standard Webhooks signing key: `whsec_` + base64 of the key bytes.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret is 'whsec_' followed by base64 key bytes")]
    Malformed,
}

impl WebhookSecret {
    pub fn parse(s: &str) -> Result<Self, SecretError> {
        let b64 = s
            .trim()
            .strip_prefix("whsec_")
            .ok_or(SecretError::Malformed)?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| SecretError::Malformed)?;
        if key.is_empty() {
            return Err(SecretError::Malformed);
        }
        Ok(Self(key))
    }

    /// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        )
    }

    /// Whether `header` (space-separated `v1,…` signatures) holds a valid signature.
    pub fn verify(&self, id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
        let expected = self.sign(id, timestamp, body);
        let mut ok = false;
        for sig in header.split_whitespace() {
            ok |= bool::from(sig.as_bytes().ct_eq(expected.as_bytes()));
        }
        ok
    }
}

/// How far a signed inbound call's `webhook-timestamp` may be from now (the
/// Standard Webhooks reference libraries' tolerance).
pub const TOLERANCE_S: i64 = 5 * 60;

/// Why an inbound Standard-Webhooks call is refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    #[error("the headers webhook-id, webhook-timestamp and webhook-signature are required")]
    Missing,
    #[error("webhook-timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is more than 5 minutes from now")]
    Stale,
    #[error("webhook-signature does not match the body")]
    Mismatch,
}

/// The headers of an inbound Standard-Webhooks call.
#[derive(Debug, Clone, Copy)]
pub struct InboundHeaders<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

impl WebhookSecret {
    /// Check an inbound call: all three headers present, the timestamp within
    /// [`TOLERANCE_S`] of `now` (seconds), and one of the `v1,` signatures that of
    /// `id.timestamp.body`. Returns the message id.
    pub fn verify_inbound<'a>(
        &self,
        h: InboundHeaders<'a>,
        body: &[u8],
        now: i64,
    ) -> Result<&'a str, InboundError> {
        let (Some(id), Some(ts), Some(sig)) = (
            h.id.map(str::trim).filter(|s| !s.is_empty()),
            h.timestamp.map(str::trim).filter(|s| !s.is_empty()),
            h.signature.filter(|s| !s.trim().is_empty()),
        ) else {
            return Err(InboundError::Missing);
        };
        let ts: i64 = ts.parse().map_err(|_| InboundError::BadTimestamp)?;
        if !self.verify(id, ts, body, sig) {
            return Err(InboundError::Mismatch);
        }
        if now.abs_diff(ts) > TOLERANCE_S as u64 {
            return Err(InboundError::Stale);
        }
        Ok(id)
    }
}

/// HMAC-SHA256 of `parts` under `key`, as lower-case hex.
pub fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How callbacks are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 8,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(300),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The delay before retry `n` (1-based): exponential, capped, with ±25 % jitter so
/// many failed deliveries do not come back at once.
pub fn backoff(policy: &RetryPolicy, n: u32) -> Duration {
    let base = policy
        .first_delay
        .saturating_mul(2u32.saturating_pow(n.saturating_sub(1)))
        .min(policy.max_delay);
    let r = uuid::Uuid::new_v4().as_u128() as u64 % 1000; // 0..1000
    let factor = 0.75 + (r as f64) / 2000.0; // 0.75..1.25
    base.mul_f64(factor)
}

/// What one delivery attempt came to.
enum Attempt {
    Delivered,
    /// The endpoint answered 410 Gone: it is disabled.
    Gone,
    Retry,
}

async fn attempt(
    client: &reqwest::Client,
    secret: Option<&WebhookSecret>,
    policy: &RetryPolicy,
    url: &str,
    msg_id: &str,
    body: &[u8],
) -> Attempt {
    let ts = super::store::now();
    let mut req = client
        .post(url)
        .timeout(policy.timeout)
        .header("content-type", "application/json")
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", ts.to_string())
        .body(body.to_vec());
    if let Some(s) = secret {
        req = req.header("webhook-signature", s.sign(msg_id, ts, body));
    }
    match req.send().await {
        Ok(r) if r.status().is_success() => Attempt::Delivered,
        Ok(r) if r.status() == reqwest::StatusCode::GONE => Attempt::Gone,
        Ok(r) => {
            tracing::info!(%msg_id, status = %r.status(), "callback refused");
            Attempt::Retry
        }
        Err(e) => {
            tracing::info!(%msg_id, "callback failed: {e}");
            Attempt::Retry
        }
    }
}

/// The callback outbox, delivered until the server stops: each message is signed
/// when there is a secret and retried with backoff on non-2xx or timeout; a 410
/// disables the endpoint. Messages live in the database, so a restart resumes them,
/// and every attempt keeps the message's `webhook-id`, so receivers can drop
/// duplicates.
pub async fn run_outbox(
    client: reqwest::Client,
    store: Store,
    secret: Option<WebhookSecret>,
    policy: RetryPolicy,
    wake: std::sync::Arc<tokio::sync::Notify>,
    mut stop: tokio::sync::broadcast::Receiver<()>,
) {
    loop {
        let due = match store.outbox_due().await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("callbacks: {e}");
                Vec::new()
            }
        };
        let sends = due.into_iter().map(|(msg_id, url, body, attempts)| {
            let (client, store, secret, policy) = (&client, &store, secret.as_ref(), &policy);
            async move {
                // Several serving processes share the outbox: the one that claims a
                // message sends it (the claim lapses if that process dies).
                let lease = (policy.timeout.as_millis() as i64).saturating_mul(2) + 5_000;
                if !store
                    .outbox_claim(&msg_id, attempts, lease)
                    .await
                    .unwrap_or(false)
                {
                    return;
                }
                let disabled = store.endpoint_disabled(&url).await.unwrap_or(false);
                let outcome = if disabled {
                    Attempt::Gone
                } else {
                    attempt(client, secret, policy, &url, &msg_id, &body).await
                };
                let n = attempts as u32 + 1;
                let (state, next) = match outcome {
                    Attempt::Delivered => ("delivered", 0),
                    Attempt::Gone => {
                        tracing::info!(%msg_id, "callback endpoint answered 410; disabled");
                        if let Err(e) = store.disable_endpoint(&url).await {
                            tracing::warn!("callbacks: {e}");
                        }
                        ("gone", 0)
                    }
                    Attempt::Retry if n >= policy.attempts => {
                        tracing::warn!(%msg_id, "callback given up after {n} attempts");
                        ("given_up", 0)
                    }
                    Attempt::Retry => (
                        "pending",
                        super::store::now_ms() + backoff(policy, n).as_millis() as i64,
                    ),
                };
                if let Err(e) = store.outbox_attempted(&msg_id, state, next).await {
                    tracing::warn!("callbacks: {e}");
                }
            }
        });
        futures_util::future::join_all(sends).await;
        let wait = match store.outbox_next_at().await {
            Ok(Some(at)) => (at - super::store::now_ms()).clamp(10, 1000) as u64,
            _ => 1000,
        };
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
            _ = stop.recv() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_webhooks_spec_vector() {
        let s = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let sig = s.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(s.verify(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
            "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ));
        assert!(!s.verify(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265331,
            br#"{"test": 2432232314}"#,
            &sig
        ));
    }

    #[test]
    fn inbound_calls_need_all_headers_a_match_and_a_fresh_timestamp() {
        let s = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
        let body = br#"{"test": 2432232314}"#;
        let sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let h = |id, ts, sig| InboundHeaders {
            id,
            timestamp: ts,
            signature: sig,
        };
        let good = h(
            Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
            Some("1614265330"),
            Some(sig),
        );
        assert_eq!(
            s.verify_inbound(good, body, 1614265330 + TOLERANCE_S),
            Ok("msg_p5jXN8AQM9LWM0D4loKWxJek")
        );
        assert_eq!(
            s.verify_inbound(good, body, 1614265330 + TOLERANCE_S + 1),
            Err(InboundError::Stale)
        );
        assert_eq!(
            s.verify_inbound(good, body, 1614265330 - TOLERANCE_S - 1),
            Err(InboundError::Stale)
        );
        assert_eq!(
            s.verify_inbound(good, br#"{"test": 1}"#, 1614265330),
            Err(InboundError::Mismatch)
        );
        let other_id = h(Some("msg_other"), Some("1614265330"), Some(sig));
        assert_eq!(
            s.verify_inbound(other_id, body, 1614265330),
            Err(InboundError::Mismatch)
        );
        let no_id = h(None, Some("1614265330"), Some(sig));
        assert_eq!(
            s.verify_inbound(no_id, body, 1614265330),
            Err(InboundError::Missing)
        );
        let bad_ts = h(
            Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
            Some("soon"),
            Some(sig),
        );
        assert_eq!(
            s.verify_inbound(bad_ts, body, 1614265330),
            Err(InboundError::BadTimestamp)
        );
    }

    #[test]
    fn secrets_without_the_prefix_are_refused() {
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(WebhookSecret::parse("whsec_").is_err());
        assert!(WebhookSecret::parse("whsec_!!!").is_err());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            attempts: 10,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            timeout: Duration::from_secs(1),
        };
        let first = backoff(&p, 1);
        assert!(first >= Duration::from_millis(750) && first <= Duration::from_millis(1250));
        let late = backoff(&p, 9);
        assert!(late >= Duration::from_secs(6) && late <= Duration::from_secs(10));
    }
}
