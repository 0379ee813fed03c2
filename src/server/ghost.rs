//! Ghost's post webhooks: the signature, and what an event asks narrator to do.

use serde_json::Value;
use subtle::ConstantTimeEq;

use super::webhook::hmac_hex;

/// How old (or how far in the future) a signed Ghost call may be.
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum GhostError {
    #[error("X-Ghost-Signature is missing")]
    Missing,
    #[error("X-Ghost-Signature is not 'sha256=<hex>, t=<ms>'")]
    Malformed,
    #[error("X-Ghost-Signature does not match the body")]
    Mismatch,
    #[error("X-Ghost-Signature is stale (t is more than 5 minutes from now)")]
    Stale,
}

/// Check `header` (`sha256=<hex>, t=<ms>`) against the raw `body`: the hex is
/// HMAC-SHA256(secret, body followed by the t string).
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now_ms: i64,
) -> Result<(), GhostError> {
    let header = header.ok_or(GhostError::Missing)?;
    let mut sig = None;
    let mut t = None;
    for part in header.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("sha256=") {
            sig = Some(v);
        } else if let Some(v) = part.strip_prefix("t=") {
            t = Some(v);
        }
    }
    let (sig, t) = sig.zip(t).ok_or(GhostError::Malformed)?;
    let t_ms: i64 = t.parse().map_err(|_| GhostError::Malformed)?;
    let expected = hmac_hex(secret, &[body, t.as_bytes()]);
    if !bool::from(
        expected
            .as_bytes()
            .ct_eq(sig.to_ascii_lowercase().as_bytes()),
    ) {
        return Err(GhostError::Mismatch);
    }
    if (now_ms - t_ms).abs() > MAX_SKEW_MS {
        return Err(GhostError::Stale);
    }
    Ok(())
}

/// What a Ghost event asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum GhostAction {
    /// Narrate this post.
    Narrate(GhostPost),
    /// Take the post's narrations down.
    Remove { post_id: String },
    /// Nothing to do (an edit that changed neither text nor title, a draft).
    Ignore(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct GhostPost {
    pub id: String,
    pub title: Option<String>,
    pub html: String,
    pub author: Option<String>,
    pub published_at: Option<String>,
    pub url: Option<String>,
    pub public: bool,
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

/// Read a Ghost body. `event` is Ghost's event name when known (from the webhook's
/// URL, `?event=`); otherwise it is inferred from `current` and `previous`.
pub fn action(body: &Value, event: Option<&str>) -> Result<GhostAction, String> {
    let post = body.get("post").ok_or("the body has no 'post'")?;
    let current = post.get("current").cloned().unwrap_or(Value::Null);
    let previous = post.get("previous").cloned().unwrap_or(Value::Null);
    let id_of = |v: &Value| str_of(v, "id");
    let post_id = id_of(&current)
        .or_else(|| id_of(&previous))
        .ok_or("the post has no id")?;
    let status = str_of(&current, "status");
    let event = match event {
        Some(e) => e.to_string(),
        None => {
            let has_current = current.as_object().is_some_and(|o| !o.is_empty());
            let was_published = str_of(&previous, "status").as_deref() == Some("published");
            if !has_current {
                "post.deleted".into()
            } else if status.as_deref() != Some("published") {
                if was_published {
                    "post.unpublished".into()
                } else {
                    return Ok(GhostAction::Ignore("the post is not published"));
                }
            } else if previous.get("status").is_some() && !was_published {
                "post.published".into()
            } else if previous.as_object().is_some_and(|o| !o.is_empty()) {
                "post.published.edited".into()
            } else {
                "post.published".into()
            }
        }
    };
    match event.as_str() {
        "post.unpublished" | "post.deleted" => Ok(GhostAction::Remove { post_id }),
        "post.published" | "post.published.edited" => {
            if event == "post.published.edited"
                && previous.get("html").is_none()
                && previous.get("title").is_none()
            {
                return Ok(GhostAction::Ignore(
                    "neither the text nor the title changed",
                ));
            }
            let html = str_of(&current, "html").ok_or("the post has no html")?;
            let author = current
                .get("primary_author")
                .and_then(|a| str_of(a, "name"))
                .or_else(|| {
                    current
                        .get("authors")
                        .and_then(|a| a.get(0))
                        .and_then(|a| str_of(a, "name"))
                });
            Ok(GhostAction::Narrate(GhostPost {
                id: post_id,
                title: str_of(&current, "title"),
                html,
                author,
                published_at: str_of(&current, "published_at"),
                url: str_of(&current, "url"),
                public: str_of(&current, "visibility").is_none_or(|v| v == "public"),
            }))
        }
        other => Err(format!("event '{other}' is not one narrator handles")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signatures_are_hmac_of_body_then_t() {
        let body = br#"{"post":{}}"#;
        let t = "1700000000000";
        let hex = hmac_hex(b"s3cret", &[body, t.as_bytes()]);
        let header = format!("sha256={hex}, t={t}");
        assert_eq!(
            verify(b"s3cret", Some(&header), body, 1_700_000_000_000),
            Ok(())
        );
        assert_eq!(
            verify(b"other", Some(&header), body, 1_700_000_000_000),
            Err(GhostError::Mismatch)
        );
        assert_eq!(
            verify(
                b"s3cret",
                Some(&header),
                body,
                1_700_000_000_000 + MAX_SKEW_MS + 1
            ),
            Err(GhostError::Stale)
        );
        assert_eq!(
            verify(b"s3cret", Some("sha256=zz"), body, 0),
            Err(GhostError::Malformed)
        );
        assert_eq!(verify(b"s3cret", None, body, 0), Err(GhostError::Missing));
    }

    #[test]
    fn edits_narrate_only_when_text_or_title_changed() {
        let current =
            json!({"id": "p1", "status": "published", "html": "<p>Hi.</p>", "title": "T"});
        let tags_only = json!({"post": {"current": current, "previous": {"tags": []}}});
        assert!(matches!(
            action(&tags_only, Some("post.published.edited")),
            Ok(GhostAction::Ignore(_))
        ));
        let retitled = json!({"post": {"current": current, "previous": {"title": "Old"}}});
        assert!(matches!(
            action(&retitled, Some("post.published.edited")),
            Ok(GhostAction::Narrate(_))
        ));
        let members = json!({"post": {"current": {"id": "p2", "status": "published",
            "html": "<p>x</p>", "visibility": "members"}, "previous": {}}});
        match action(&members, Some("post.published")) {
            Ok(GhostAction::Narrate(p)) => assert!(!p.public),
            other => panic!("{other:?}"),
        }
        let gone =
            json!({"post": {"current": {}, "previous": {"id": "p3", "status": "published"}}});
        assert_eq!(
            action(&gone, None),
            Ok(GhostAction::Remove {
                post_id: "p3".into()
            })
        );
    }
}
