//! `narrator serve`: the real binary on 127.0.0.1 with a temp data dir (SQLite on
//! disk), driven over HTTP. The silence engine keeps renders fast and exact.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::blocking::Response;
use serde_json::{json, Value};
use sha2::Sha256;

use support::narrator;
use support::server::{client, free_port, token, Server};

const STORY: &str = "Council approves bridge plan.\n\nThe city council voted on Tuesday to rebuild the bridge.\n\nWork starts in May.";

fn json_of(r: Response) -> Value {
    let text = r.text().expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn post(s: &Server, tok: &str, body: &Value) -> (u16, Value) {
    let r = client()
        .post(s.url("/v1/narrations"))
        .bearer_auth(tok)
        .json(body)
        .send()
        .expect("POST");
    let status = r.status().as_u16();
    (status, json_of(r))
}

fn get(s: &Server, tok: &str, path: &str) -> Value {
    let r = client()
        .get(s.url(path))
        .bearer_auth(tok)
        .send()
        .expect("GET");
    assert_eq!(r.status(), 200, "GET {path}");
    json_of(r)
}

/// Poll until the narration is no longer queued or running.
fn wait_finished(s: &Server, tok: &str, id: &str, secs: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let n = get(s, tok, &format!("/v1/narrations/{id}"));
        if !matches!(n["status"].as_str(), Some("queued" | "running")) {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "still {}: {}",
            n["status"],
            s.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Wait (up to 10 s) for `cond`: what a narration's "done" is followed by (the feed
/// rewrite, removing a replaced revision's files) lands just after it.
fn eventually(mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "condition never met");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The feed, once `cond` holds for it.
fn feed_when(s: &Server, cond: impl Fn(&str) -> bool) -> String {
    let mut feed = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = client().get(s.url("/feed.xml")).send().expect("feed");
        if r.status() == 200 {
            feed = r.text().expect("feed text");
            if cond(&feed) {
                return feed;
            }
        }
        assert!(Instant::now() < deadline, "feed never as expected: {feed}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn silence(text: &str, external_id: &str) -> Value {
    json!({"source": {"text": text}, "external_id": external_id, "engine": "silence",
           "title": "Bridge plan"})
}

fn assert_problem(r: Response, status: u16, kind: &str) -> Value {
    assert_eq!(r.status().as_u16(), status);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let p = json_of(r);
    assert_eq!(
        p["type"],
        format!("https://narrator.dev/problems/{kind}"),
        "{p}"
    );
    assert_eq!(p["status"], status);
    p
}

#[test]
fn every_v1_route_needs_a_valid_token_and_revoked_tokens_stop_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(dir.path(), &[]);
    let c = client();
    for (method, path) in [
        ("POST", "/v1/narrations"),
        ("GET", "/v1/narrations"),
        ("GET", "/v1/narrations/nar_x"),
        ("DELETE", "/v1/narrations/nar_x"),
    ] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let r = c.request(m.clone(), s.url(path)).send().expect("send");
        assert_eq!(
            r.headers().get("www-authenticate").map(|v| v.as_bytes()),
            Some(&b"Bearer"[..])
        );
        assert_problem(r, 401, "unauthorized");
        let r = c
            .request(m, s.url(path))
            .bearer_auth("nrt_not-a-token")
            .send()
            .expect("send");
        assert_problem(r, 401, "unauthorized");
    }
    assert_eq!(get(&s, &tok, "/v1/narrations")["items"], json!([]));

    let list = narrator(dir.path())
        .args(["token", "list", "--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .expect("token list");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("cms\tactive"), "{listed}");
    assert!(!listed.contains(&tok), "the secret is never shown again");
    let db = std::fs::read(dir.path().join("data/narrator.db")).expect("db");
    assert!(
        !db.windows(tok.len()).any(|w| w == tok.as_bytes()),
        "the token is stored hashed"
    );

    let revoke = narrator(dir.path())
        .args(["token", "revoke", "cms", "--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .expect("token revoke");
    assert!(revoke.status.success());
    let r = c
        .get(s.url("/v1/narrations"))
        .bearer_auth(&tok)
        .send()
        .expect("send");
    assert_problem(r, 401, "unauthorized");
    assert!(!s.log().contains(&tok), "the token is never logged");
}

#[test]
fn a_narration_is_queued_rendered_and_served_with_ranges_etags_cors_and_the_feed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(dir.path(), &["--workers", "1"]);
    let (status, n) = post(&s, &tok, &silence(STORY, "post-1"));
    assert_eq!(status, 202, "{n}");
    assert_eq!(n["status"], "queued");
    let id = n["id"].as_str().expect("id").to_string();
    assert!(n["links"]["self"]
        .as_str()
        .is_some_and(|l| l.ends_with(&id)));

    let done = wait_finished(&s, &tok, &id, 60);
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["external_id"], "post-1");
    let total = done["progress"]["segments_total"].as_i64().expect("total");
    assert!(total >= 3, "{done}");
    assert_eq!(done["progress"]["segments_done"].as_i64(), Some(total));
    assert!(done["duration_s"].as_f64().expect("duration") > 1.0);

    let c = client();
    let audio_url = done["audio_url"].as_str().expect("audio_url");
    let full = c.get(audio_url).send().expect("audio");
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["content-type"], "audio/mpeg");
    let etag = full.headers()["etag"].to_str().expect("etag").to_string();
    let bytes = full.bytes().expect("bytes").to_vec();
    assert_eq!(bytes.len() as i64, done["bytes"].as_i64().expect("bytes"));
    assert!(bytes.starts_with(b"ID3") || bytes[0] == 0xff, "an MP3");

    let part = c
        .get(audio_url)
        .header("Range", "bytes=100-1099")
        .send()
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-1099/{}", bytes.len()).as_str()
    );
    assert_eq!(part.bytes().expect("part").as_ref(), &bytes[100..1100]);
    let tail = c
        .get(audio_url)
        .header("Range", "bytes=-10")
        .send()
        .expect("suffix");
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.bytes().expect("tail").as_ref(),
        &bytes[bytes.len() - 10..]
    );
    let beyond = c
        .get(audio_url)
        .header("Range", format!("bytes={}-", bytes.len()))
        .send()
        .expect("beyond");
    assert_eq!(beyond.status(), 416);
    let cached = c
        .get(audio_url)
        .header("If-None-Match", &etag)
        .send()
        .expect("conditional");
    assert_eq!(cached.status(), 304);

    let vtt = c
        .get(done["transcript_url"].as_str().expect("transcript"))
        .header("Origin", "https://news.example")
        .send()
        .expect("vtt");
    assert_eq!(vtt.status(), 200);
    assert_eq!(vtt.headers()["access-control-allow-origin"], "*");
    assert!(vtt.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("text/vtt"));
    let vtt = vtt.text().expect("vtt text");
    assert!(
        vtt.starts_with("WEBVTT") && vtt.contains("rebuild the bridge"),
        "{vtt}"
    );
    let chapters = json_of(
        c.get(done["chapters_url"].as_str().expect("chapters"))
            .send()
            .expect("chapters"),
    );
    assert_eq!(chapters["version"], "1.2.0", "{chapters}");

    // The feed is rewritten just after the narration is recorded done.
    let feed = feed_when(&s, |f| f.contains(&format!("{id}.mp3")));
    assert!(feed.contains("<title>Bridge plan</title>"), "{feed}");
    assert!(feed.contains(&format!("{id}.mp3")), "{feed}");

    let metrics = c
        .get(s.url("/metrics"))
        .send()
        .expect("metrics")
        .text()
        .expect("text");
    assert!(
        metrics.contains("narrator_narrations{status=\"done\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("narrator_queue_depth 0"), "{metrics}");
    assert!(
        metrics.contains("narrator_synthesis_seconds_total"),
        "{metrics}"
    );

    let listed = get(&s, &tok, "/v1/narrations?status=done");
    assert_eq!(listed["items"][0]["id"], id.as_str());
    assert_eq!(listed["next"], Value::Null);
    assert_eq!(
        get(&s, &tok, "/v1/narrations?status=failed")["items"],
        json!([])
    );
}

#[test]
fn reposts_are_idempotent_edits_make_revisions_and_delete_removes_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(dir.path(), &["--workers", "1"]);
    let c = client();
    let body = silence(STORY, "post-7");
    let first = c
        .post(s.url("/v1/narrations"))
        .bearer_auth(&tok)
        .header("Idempotency-Key", "k-1")
        .json(&body)
        .send()
        .expect("post");
    assert_eq!(first.status(), 202);
    let id = json_of(first)["id"].as_str().expect("id").to_string();
    // The same key and body again: the same narration, nothing new queued.
    let again = c
        .post(s.url("/v1/narrations"))
        .bearer_auth(&tok)
        .header("Idempotency-Key", "k-1")
        .json(&body)
        .send()
        .expect("post");
    assert_eq!(again.status(), 200);
    assert_eq!(json_of(again)["id"], id.as_str());
    // The key with another body is a conflict.
    let other = c
        .post(s.url("/v1/narrations"))
        .bearer_auth(&tok)
        .header("Idempotency-Key", "k-1")
        .json(&silence("Something else.", "post-7"))
        .send()
        .expect("post");
    assert_problem(other, 409, "conflict");

    assert_eq!(wait_finished(&s, &tok, &id, 60)["status"], "done");
    // Unchanged article, no key: 200 with the existing narration.
    let (status, same) = post(&s, &tok, &body);
    assert_eq!((status, same["id"].as_str()), (200, Some(id.as_str())));
    // Different bytes, the same spoken text (whitespace): still the same narration,
    // found by the prepared script's content hash.
    let spaced = STORY.replace("voted on", "voted   on") + "\n\n";
    let (status, same) = post(&s, &tok, &silence(&spaced, "post-7"));
    assert_eq!(
        (status, same["id"].as_str()),
        (200, Some(id.as_str())),
        "{same}"
    );

    // An edit: a new revision.
    let edited = STORY.replace("May", "June");
    let (status, rev) = post(&s, &tok, &silence(&edited, "post-7"));
    assert_eq!(status, 202, "{rev}");
    let rev_id = rev["id"].as_str().expect("id").to_string();
    assert_ne!(rev_id, id);
    assert_eq!(rev["revision"], 2);
    assert_eq!(wait_finished(&s, &tok, &rev_id, 60)["status"], "done");
    let both = get(&s, &tok, "/v1/narrations?external_id=post-7");
    assert_eq!(both["items"].as_array().map(Vec::len), Some(2));
    let page = get(&s, &tok, "/v1/narrations?external_id=post-7&limit=1");
    assert_eq!(page["items"][0]["id"], rev_id.as_str());
    let next = page["next"].as_str().expect("a cursor");
    let page2 = get(
        &s,
        &tok,
        &format!("/v1/narrations?external_id=post-7&limit=1&cursor={next}"),
    );
    assert_eq!(page2["items"][0]["id"], id.as_str());
    // One item per article: the newest.
    feed_when(&s, |f| {
        f.contains(&format!("{rev_id}.mp3")) && !f.contains(&format!("{id}.mp3"))
    });
    // The new revision replaces the old one's files.
    eventually(|| get(&s, &tok, &format!("/v1/narrations/{id}"))["deleted"] == true);
    let old = get(&s, &tok, &format!("/v1/narrations/{id}"));
    assert_eq!(
        (old["deleted"].as_bool(), old["audio_url"].is_null()),
        (Some(true), true),
        "{old}"
    );
    let old_audio = c
        .get(s.url(&format!("/media/{id}.mp3")))
        .send()
        .expect("old");
    assert_eq!(old_audio.status(), 404);

    // A revision posted while another is queued cancels it.
    let (_, r3) = post(&s, &tok, &silence(&STORY.replace("May", "July"), "post-7"));
    let (_, r4) = post(
        &s,
        &tok,
        &silence(&STORY.replace("May", "August"), "post-7"),
    );
    let r3 = wait_finished(&s, &tok, r3["id"].as_str().expect("id"), 60);
    let r4_id = r4["id"].as_str().expect("id").to_string();
    assert_eq!(wait_finished(&s, &tok, &r4_id, 60)["status"], "done");
    assert!(r3["status"] == "canceled" || r3["status"] == "done", "{r3}");

    // DELETE: gone from media and the feed.
    let audio = get(&s, &tok, &format!("/v1/narrations/{r4_id}"))["audio_url"]
        .as_str()
        .expect("audio")
        .to_string();
    let del = c
        .delete(s.url(&format!("/v1/narrations/{r4_id}")))
        .bearer_auth(&tok)
        .send()
        .expect("delete");
    assert_eq!(del.status(), 204);
    assert_eq!(c.get(&audio).send().expect("audio").status(), 404);
    let gone = c
        .get(s.url(&format!("/v1/narrations/{r4_id}")))
        .bearer_auth(&tok)
        .send()
        .expect("get");
    assert_problem(gone, 404, "not-found");
    let listed = get(&s, &tok, "/v1/narrations?external_id=post-7");
    // By id: an older revision canceled by this one names it in its error.
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert!(
        !ids.contains(&r4_id.as_str()),
        "a deleted narration is not listed: {listed}"
    );
    // DELETE is idempotent.
    let again = c
        .delete(s.url(&format!("/v1/narrations/{r4_id}")))
        .bearer_auth(&tok)
        .send()
        .expect("delete");
    assert_eq!(again.status(), 204);
    let feed = c
        .get(s.url("/feed.xml"))
        .send()
        .expect("feed")
        .text()
        .expect("text");
    assert!(!feed.contains(&format!("{r4_id}.mp3")), "{feed}");
    let missing = c
        .delete(s.url("/v1/narrations/nar_nope"))
        .bearer_auth(&tok)
        .send()
        .expect("delete");
    assert_problem(missing, 404, "not-found");
}

#[test]
fn bad_requests_are_problem_details_naming_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(
        dir.path(),
        &["--max-body-bytes", "4096", "--rate-limit", "20"],
    );
    let c = client();
    let send = |body: &str| {
        c.post(s.url("/v1/narrations"))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .expect("post")
    };
    let p = assert_problem(
        send(r#"{"source": {"text": "Hi."}}"#),
        422,
        "invalid-request",
    );
    assert_eq!(p["field"], "/external_id", "{p}");
    let p = assert_problem(
        send(r#"{"source": {"text": "Hi.", "url": "https://example.com/"}, "external_id": "a"}"#),
        422,
        "invalid-request",
    );
    assert_eq!(p["field"], "/source", "{p}");
    let p = assert_problem(
        send(r#"{"source": {}, "external_id": "a"}"#),
        422,
        "invalid-request",
    );
    assert_eq!(p["field"], "/source", "{p}");
    let p = assert_problem(
        send(r#"{"source": {"text": "Hi."}, "external_id": "a", "engine": "nope"}"#),
        422,
        "invalid-request",
    );
    assert_eq!(p["field"], "/engine", "{p}");
    let p = assert_problem(
        send(r#"{"source": {"text": "Hi."}, "external_id": "a", "colour": "red"}"#),
        422,
        "invalid-request",
    );
    assert_eq!(p["field"], "/colour", "{p}");
    let p = assert_problem(
        send(r#"{"source": {"text": "Hi."}, "external_id": 5}"#),
        422,
        "invalid-request",
    );
    assert_eq!(p["field"], "/external_id", "{p}");
    assert_problem(send("{not json"), 400, "malformed-json");
    let big = json!({"source": {"text": "word ".repeat(2000)}, "external_id": "a"}).to_string();
    assert_problem(send(&big), 413, "too-large");
    let r = c
        .get(s.url("/v1/narrations/nar_missing"))
        .bearer_auth(&tok)
        .send()
        .expect("get");
    assert_problem(r, 404, "not-found");
    // Nothing was queued by any of them.
    assert_eq!(get(&s, &tok, "/v1/narrations")["items"], json!([]));

    // The per-token rate limit: 20 a minute, then 429 with Retry-After.
    let mut limited = None;
    for _ in 0..25 {
        let r = c
            .get(s.url("/v1/narrations"))
            .bearer_auth(&tok)
            .send()
            .expect("get");
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("rate limited within 25 requests");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_problem(r, 429, "rate-limited");

    let doc = json_of(c.get(s.url("/openapi.json")).send().expect("openapi"));
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/v1/narrations",
        "/v1/narrations/{id}",
        "/v1/hooks/ghost",
        "/media/{file}",
        "/feed.xml",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["CreateNarration"]["required"],
        json!(["source", "external_id"])
    );
}

fn ghost_signature(secret: &str, body: &[u8], t_ms: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body);
    mac.update(t_ms.to_string().as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}, t={t_ms}")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
}

#[test]
fn ghost_hooks_need_a_good_signature_and_members_posts_stay_out_of_the_feed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let secret = "ghost-webhook-secret";
    let s = Server::start(dir.path(), &["--ghost-secret", secret]);
    let c = client();
    let hook = |body: &Value, sig: Option<String>, event: &str| {
        let raw = body.to_string();
        let mut r = c
            .post(s.url(&format!("/v1/hooks/ghost?event={event}")))
            .header("content-type", "application/json")
            .body(raw);
        if let Some(sig) = sig {
            r = r.header("X-Ghost-Signature", sig);
        }
        r.send().expect("hook")
    };
    let post_body = json!({"post": {"current": {
        "id": "6512", "title": "Harbour reopens", "status": "published", "visibility": "public",
        "html": "<p>The harbour reopened on Monday after repairs.</p>",
        "primary_author": {"name": "Ana Ruiz"}, "published_at": "2026-11-30T08:00:00.000Z"
    }, "previous": {"status": "draft"}}});
    let raw = post_body.to_string();

    // Unsigned, wrongly signed, stale: 401 and nothing queued.
    assert_problem(
        hook(&post_body, None, "post.published"),
        401,
        "unauthorized",
    );
    let wrong = ghost_signature("not-the-secret", raw.as_bytes(), now_ms());
    assert_problem(
        hook(&post_body, Some(wrong), "post.published"),
        401,
        "unauthorized",
    );
    let stale = ghost_signature(secret, raw.as_bytes(), now_ms() - 10 * 60 * 1000);
    assert_problem(
        hook(&post_body, Some(stale), "post.published"),
        401,
        "unauthorized",
    );
    assert_eq!(get(&s, &tok, "/v1/narrations")["items"], json!([]));

    let good = ghost_signature(secret, raw.as_bytes(), now_ms());
    let r = hook(&post_body, Some(good), "post.published");
    assert_eq!(r.status(), 202);
    let n = json_of(r);
    assert_eq!(n["external_id"], "ghost:6512");
    let id = n["id"].as_str().expect("id").to_string();

    // An edit that changed only tags: nothing to narrate.
    let tags = json!({"post": {"current": post_body["post"]["current"], "previous": {"tags": []}}});
    let sig = ghost_signature(secret, tags.to_string().as_bytes(), now_ms());
    let r = hook(&tags, Some(sig), "post.published.edited");
    assert_eq!(r.status(), 200);
    assert!(json_of(r)["ignored"].is_string());

    // A members-only post is narrated but never in the public feed.
    let members = json!({"post": {"current": {
        "id": "7000", "title": "Members briefing", "status": "published", "visibility": "members",
        "html": "<p>Only for members.</p>"}, "previous": {}}});
    let sig = ghost_signature(secret, members.to_string().as_bytes(), now_ms());
    let r = hook(&members, Some(sig), "post.published");
    assert_eq!(r.status(), 202);
    let members_id = json_of(r)["id"].as_str().expect("id").to_string();
    assert_eq!(wait_finished(&s, &tok, &id, 60)["status"], "done");
    let m = wait_finished(&s, &tok, &members_id, 60);
    assert_eq!(
        (m["status"].as_str(), m["public"].as_bool()),
        (Some("done"), Some(false))
    );
    let feed = feed_when(&s, |f| f.contains("Harbour reopens"));
    assert!(!feed.contains("Members briefing"), "{feed}");

    // Unpublished: removed.
    let gone = json!({"post": {"current": {"id": "6512", "status": "draft"}, "previous": {"status": "published"}}});
    let sig = ghost_signature(secret, gone.to_string().as_bytes(), now_ms());
    let r = hook(&gone, Some(sig), "post.unpublished");
    assert_eq!(r.status(), 200);
    assert_eq!(json_of(r)["removed"], json!([id]));
    let feed = c
        .get(s.url("/feed.xml"))
        .send()
        .expect("feed")
        .text()
        .expect("text");
    assert!(!feed.contains("Harbour reopens"), "{feed}");
}

/// A callback receiver on 127.0.0.1: answers with `statuses` in turn (the last one
/// repeats) and records each request's headers and body.
type Received = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

fn receiver(statuses: Vec<u16>) -> (String, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut s) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            let head_end = loop {
                if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break p + 4;
                }
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break 0,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            if head_end == 0 {
                continue;
            }
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let headers: Vec<(String, String)> = head
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + len {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let body = buf[head_end..].to_vec();
            g.lock().expect("lock").push((headers, body));
            let status = *statuses.get(i).or(statuses.last()).expect("a status");
            let _ = s.write_all(
                format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    (format!("http://{addr}/hook"), got)
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> &'a str {
    h.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn wait_for_deliveries(got: &Received, n: usize, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while got.lock().expect("lock").len() < n {
        assert!(
            Instant::now() < deadline,
            "{} deliveries, wanted {n}",
            got.lock().expect("lock").len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[test]
fn callbacks_are_signed_standard_webhooks_retried_with_the_same_id_and_410_disables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(
        dir.path(),
        &[
            "--webhook-secret",
            WHSEC,
            "--callback-retry-ms",
            "100",
            "--callback-attempts",
            "4",
        ],
    );
    // First attempt fails (500), the retry succeeds.
    let (url, got) = receiver(vec![500, 200]);
    let mut body = silence(STORY, "cb-1");
    body["callback_url"] = json!(url);
    let (status, n) = post(&s, &tok, &body);
    assert_eq!(status, 202);
    let id = n["id"].as_str().expect("id");
    wait_for_deliveries(&got, 2, 60);
    std::thread::sleep(Duration::from_millis(500));
    let got_now = got.lock().expect("lock").clone();
    assert_eq!(got_now.len(), 2, "a 2xx ends the retries");
    let key = base64::engine::general_purpose::STANDARD
        .decode(WHSEC.trim_start_matches("whsec_"))
        .expect("key");
    for (h, b) in &got_now {
        let msg_id = header(h, "webhook-id");
        let ts = header(h, "webhook-timestamp");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
        mac.update(format!("{msg_id}.{ts}.").as_bytes());
        mac.update(b);
        let expected = format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        );
        assert_eq!(header(h, "webhook-signature"), expected);
        let event: Value = serde_json::from_slice(b).expect("JSON");
        assert_eq!(event["type"], "narration.done");
        assert_eq!(event["data"]["id"], id);
        assert!(event["data"]["audio_url"].is_string());
    }
    assert_eq!(
        header(&got_now[0].0, "webhook-id"),
        header(&got_now[1].0, "webhook-id"),
        "a redelivery keeps its webhook-id"
    );

    // A 410 disables the endpoint: no retries, and nothing more is sent to it.
    let (gone_url, gone) = receiver(vec![410]);
    for (i, ext) in ["cb-2", "cb-3"].into_iter().enumerate() {
        let mut body = silence(&format!("Story number {i}."), ext);
        body["callback_url"] = json!(gone_url);
        let (_, n) = post(&s, &tok, &body);
        assert_eq!(
            wait_finished(&s, &tok, n["id"].as_str().expect("id"), 60)["status"],
            "done"
        );
        std::thread::sleep(Duration::from_millis(800));
    }
    assert_eq!(gone.lock().expect("lock").len(), 1);
}

/// An article server whose first answer waits `delay` (so a job is caught running).
fn slow_article(delay: Duration) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(Mutex::new(0usize));
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let h = h.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let first = {
                    let mut n = h.lock().expect("lock");
                    *n += 1;
                    *n == 1
                };
                if first {
                    std::thread::sleep(delay);
                }
                let body = "<html><head><title>Slow story</title></head><body><article>\
                    <h1>Slow story</h1><p>The committee met for six hours on Thursday.</p>\
                    <p>It adjourned without a vote.</p></article></body></html>";
                let _ = s.write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    (format!("http://{addr}/story"), hits)
}

#[test]
fn a_job_killed_mid_run_completes_after_a_restart_on_the_same_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let (url, hits) = slow_article(Duration::from_secs(30));
    let (callback, got) = receiver(vec![200]);
    let s = Server::start(
        dir.path(),
        &[
            "--allow-private-urls",
            "--workers",
            "1",
            "--webhook-secret",
            WHSEC,
        ],
    );
    let (status, n) = post(
        &s,
        &tok,
        &json!({"source": {"url": url}, "external_id": "slow-1", "engine": "silence",
                "callback_url": callback}),
    );
    assert_eq!(status, 202, "{n}");
    let id = n["id"].as_str().expect("id").to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(&s, &tok, &format!("/v1/narrations/{id}"))["status"] != "running" {
        assert!(Instant::now() < deadline, "never running: {}", s.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    while *hits.lock().expect("lock") == 0 {
        std::thread::sleep(Duration::from_millis(50));
    }
    let s = s.kill_and_restart();
    let done = wait_finished(&s, &tok, &id, 90);
    assert_eq!(done["status"], "done", "{done} {}", s.log());
    assert_eq!(done["title"], "Slow story");
    assert!(
        *hits.lock().expect("lock") >= 2,
        "the article was fetched again"
    );
    // The callback comes from the new process (at least once; every copy one id).
    wait_for_deliveries(&got, 1, 30);
    let deliveries = got.lock().expect("lock").clone();
    for (h, b) in &deliveries {
        assert_eq!(
            header(h, "webhook-id"),
            header(&deliveries[0].0, "webhook-id")
        );
        let event: Value = serde_json::from_slice(b).expect("JSON");
        assert_eq!(event["type"], "narration.done");
        assert_eq!(event["data"]["id"], id.as_str());
    }
    let audio = client()
        .get(done["audio_url"].as_str().expect("audio"))
        .send()
        .expect("audio");
    assert_eq!(audio.status(), 200);
    assert_eq!(
        audio.bytes().expect("bytes").len() as i64,
        done["bytes"].as_i64().expect("bytes")
    );
}

#[test]
fn article_urls_on_private_addresses_are_refused_without_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let (url, hits) = slow_article(Duration::from_millis(0));
    let (callback, got) = receiver(vec![200]);
    let s = Server::start(dir.path(), &["--webhook-secret", WHSEC]);
    for (ext, u) in [
        ("ssrf-1", url.clone()),
        ("ssrf-2", url.replace("127.0.0.1", "localhost")),
        (
            "ssrf-3",
            "http://169.254.169.254/latest/meta-data/".to_string(),
        ),
    ] {
        let (status, n) = post(
            &s,
            &tok,
            &json!({"source": {"url": u}, "external_id": ext, "engine": "silence", "callback_url": callback}),
        );
        assert_eq!(status, 202, "{n}");
        let f = wait_finished(&s, &tok, n["id"].as_str().expect("id"), 60);
        assert_eq!(f["status"], "failed", "{f}");
        let err = f["error"].as_str().expect("error");
        assert!(
            err.contains("private") && err.contains("--allow-private-urls"),
            "{err}"
        );
    }
    assert_eq!(
        *hits.lock().expect("lock"),
        0,
        "no request reached the private server"
    );
    // Each failure is called back as narration.failed.
    wait_for_deliveries(&got, 3, 30);
    for (_, b) in got.lock().expect("lock").iter() {
        let event: Value = serde_json::from_slice(b).expect("JSON");
        assert_eq!(event["type"], "narration.failed", "{event}");
        let error = event["data"]["error"].as_str().unwrap_or_default();
        assert!(error.contains("private"), "{event}");
    }
}

#[test]
fn sigterm_stops_the_server_promptly_and_the_job_runs_after_the_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let (url, hits) = slow_article(Duration::from_secs(60));
    let mut s = Server::start(dir.path(), &["--allow-private-urls", "--workers", "1"]);
    let (status, n) = post(
        &s,
        &tok,
        &json!({"source": {"url": url}, "external_id": "term-1", "engine": "silence"}),
    );
    assert_eq!(status, 202, "{n}");
    let id = n["id"].as_str().expect("id").to_string();
    while *hits.lock().expect("lock") == 0 {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status();
    let started = Instant::now();
    let exit = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}: {}", s.log());
    let (dir_path, port, args) = (s.dir.clone(), s.port, s.args.clone());
    drop(s);
    let s = Server::start_on(&dir_path, port, args);
    let done = wait_finished(&s, &tok, &id, 90);
    assert_eq!(done["status"], "done", "{done} {}", s.log());
}

#[test]
fn a_callback_still_owed_when_the_server_dies_is_delivered_after_the_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    // Refused once; the retry (from the restarted process) is accepted.
    let (url, got) = receiver(vec![503, 200]);
    let s = Server::start(
        dir.path(),
        &["--webhook-secret", WHSEC, "--callback-retry-ms", "3000"],
    );
    let mut body = silence(STORY, "owed-1");
    body["callback_url"] = json!(url);
    let (status, n) = post(&s, &tok, &body);
    assert_eq!(status, 202, "{n}");
    wait_for_deliveries(&got, 1, 60);
    let s = s.kill_and_restart();
    wait_for_deliveries(&got, 2, 60);
    let d = got.lock().expect("lock").clone();
    assert_eq!(header(&d[0].0, "webhook-id"), header(&d[1].0, "webhook-id"));
    assert_eq!(d[0].1, d[1].1, "the same message body");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        got.lock().expect("lock").len(),
        2,
        "delivered once accepted: {}",
        s.log()
    );
}

/// `webhook-signature` for a Standard-Webhooks call, computed here from the spec
/// (HMAC-SHA256 of "id.timestamp.body" under the whsec_ key bytes), not by the server's code.
fn standard_signature(secret: &str, msg_id: &str, ts: i64, body: &[u8]) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("key");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{msg_id}.{ts}.").as_bytes());
    mac.update(body);
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

fn now_s() -> i64 {
    now_ms() / 1000
}

/// POST a Standard-Webhooks call: `sig` None signs it correctly with `secret`.
fn standard_hook(
    s: &Server,
    secret: &str,
    msg_id: &str,
    ts: i64,
    body: &Value,
    sig: Option<&str>,
) -> Response {
    let raw = body.to_string();
    let sig = sig
        .map(str::to_string)
        .unwrap_or_else(|| standard_signature(secret, msg_id, ts, raw.as_bytes()));
    client()
        .post(s.url("/v1/hooks/standard"))
        .header("content-type", "application/json")
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(raw)
        .send()
        .expect("hook")
}

fn count_of(s: &Server, tok: &str, external_id: &str) -> usize {
    get(s, tok, &format!("/v1/narrations?external_id={external_id}"))["items"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn standard_webhooks_hooks_need_a_fresh_good_signature_and_a_replay_is_queued_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let hook_secret = "whsec_c2VjcmV0LWtleS1mb3ItdGhlLWNtcy1ob29rcw==";
    let s = Server::start(
        dir.path(),
        &["--hook-secret", hook_secret, "--webhook-secret", WHSEC],
    );
    let body = silence(STORY, "sw:1");

    // Wrong key (the callback key is not the hook key here), a tampered body, a stale
    // or future timestamp, missing headers: 401, nothing queued.
    let wrong = standard_signature(WHSEC, "msg_1", now_s(), body.to_string().as_bytes());
    let p = assert_problem(
        standard_hook(&s, hook_secret, "msg_1", now_s(), &body, Some(&wrong)),
        401,
        "unauthorized",
    );
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("signature")),
        "{p}"
    );
    let signed_other = standard_signature(
        hook_secret,
        "msg_1",
        now_s(),
        silence("Another text.", "sw:1").to_string().as_bytes(),
    );
    assert_problem(
        standard_hook(
            &s,
            hook_secret,
            "msg_1",
            now_s(),
            &body,
            Some(&signed_other),
        ),
        401,
        "unauthorized",
    );
    for ts in [now_s() - 6 * 60, now_s() + 6 * 60] {
        let p = assert_problem(
            standard_hook(&s, hook_secret, "msg_1", ts, &body, None),
            401,
            "unauthorized",
        );
        assert!(
            p["detail"]
                .as_str()
                .is_some_and(|d| d.contains("timestamp")),
            "{p}"
        );
    }
    let bare = client()
        .post(s.url("/v1/hooks/standard"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .expect("hook");
    assert_problem(bare, 401, "unauthorized");
    assert_eq!(
        count_of(&s, &tok, "sw:1"),
        0,
        "a refused call queues nothing"
    );

    // Good: queued without a bearer token, within the tolerance window (4 min old).
    let r = standard_hook(&s, hook_secret, "msg_1", now_s() - 4 * 60, &body, None);
    assert_eq!(r.status(), 202);
    let n = json_of(r);
    let id = n["id"].as_str().expect("id").to_string();
    assert_eq!(n["status"], "queued");
    // The sender's retry of the same message (same id, new timestamp, new
    // signature) is answered with that narration; nothing new is queued.
    let r = standard_hook(&s, hook_secret, "msg_1", now_s(), &body, None);
    assert_eq!(r.status(), 200);
    assert_eq!(json_of(r)["id"], id.as_str());
    // Even when the body changed: the id says it is the same message.
    let r = standard_hook(
        &s,
        hook_secret,
        "msg_1",
        now_s(),
        &silence("Changed text.", "sw:1"),
        None,
    );
    assert_eq!(
        (r.status().as_u16(), json_of(r)["id"].clone()),
        (200, json!(id))
    );
    assert_eq!(count_of(&s, &tok, "sw:1"), 1);
    assert_eq!(wait_finished(&s, &tok, &id, 60)["status"], "done");

    // A signed body that is not a narration request: 422 naming the field, and
    // its redelivery is looked at again (not taken for processed).
    let bad = json!({"source": {"text": "x"}});
    for _ in 0..2 {
        let p = assert_problem(
            standard_hook(&s, hook_secret, "msg_bad", now_s(), &bad, None),
            422,
            "invalid-request",
        );
        assert_eq!(p["field"], "/external_id", "{p}");
    }
    // A new message with a fixed body: narrated.
    let mut fixed = bad.clone();
    fixed["external_id"] = json!("sw:2");
    fixed["engine"] = json!("silence");
    let r = standard_hook(&s, hook_secret, "msg_bad", now_s(), &fixed, None);
    assert_eq!(r.status(), 202);
    drop(s);

    // Without --hook-secret, the callback key verifies hooks too.
    let dir2 = tempfile::tempdir().expect("tempdir");
    let s = Server::start(dir2.path(), &["--webhook-secret", WHSEC]);
    let r = standard_hook(&s, WHSEC, "msg_x", now_s(), &silence(STORY, "sw:3"), None);
    assert_eq!(r.status(), 202);
    drop(s);
    // And with neither, hooks are off.
    let dir3 = tempfile::tempdir().expect("tempdir");
    let s = Server::start(dir3.path(), &[]);
    assert_problem(
        standard_hook(&s, WHSEC, "msg_y", now_s(), &silence(STORY, "sw:4"), None),
        403,
        "forbidden",
    );
}

#[test]
fn a_burst_of_edits_is_one_job_and_renders_the_last_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(dir.path(), &["--workers", "1", "--coalesce-ms", "1500"]);
    let edits = ["May", "June", "July", "August"];
    let ids: Vec<String> = edits
        .iter()
        .map(|month| {
            let (status, n) = post(&s, &tok, &silence(&STORY.replace("May", month), "burst"));
            assert_eq!(status, 202, "{n}");
            n["id"].as_str().expect("id").to_string()
        })
        .collect();
    // The first event starts at once (a worker may already run it); the second
    // waits out the window, and every later one lands in that queued revision.
    assert_eq!(ids[1], ids[2]);
    assert_eq!(ids[2], ids[3]);
    let last = wait_finished(&s, &tok, &ids[3], 60);
    assert_eq!(last["status"], "done", "{last}");
    let first = wait_finished(&s, &tok, &ids[0], 60);
    if ids[0] != ids[1] {
        // A worker took the first one before the second event: it was canceled.
        assert_eq!(first["status"], "canceled", "{first}");
    }
    let all = get(&s, &tok, "/v1/narrations?external_id=burst");
    let items = all["items"].as_array().expect("items");
    assert!(items.len() <= 2, "{all}");
    assert_eq!(
        items.iter().filter(|n| n["status"] == "done").count(),
        1,
        "{all}"
    );
    // What was rendered is the last edit.
    let vtt = client()
        .get(last["transcript_url"].as_str().expect("vtt"))
        .send()
        .expect("vtt")
        .text()
        .expect("text");
    assert!(vtt.contains("August"), "{vtt}");
    assert!(!vtt.contains("July"), "{vtt}");

    // Later, outside the window and with the revision done, an edit is a new
    // revision that starts at once.
    std::thread::sleep(Duration::from_millis(1600));
    let (status, n) = post(&s, &tok, &silence(&STORY.replace("May", "March"), "burst"));
    assert_eq!(status, 202);
    assert_ne!(n["id"], last["id"]);
    assert_eq!(
        wait_finished(&s, &tok, n["id"].as_str().expect("id"), 60)["status"],
        "done"
    );
}

/// The value of an unlabelled metric in `/metrics`.
fn metric(s: &Server, name: &str) -> f64 {
    let text = client()
        .get(s.url("/metrics"))
        .send()
        .expect("metrics")
        .text()
        .expect("text");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// (renders, cache hits, cache misses, synthesis seconds).
fn synthesis_counters(s: &Server) -> (f64, f64, f64, f64) {
    (
        metric(s, "narrator_renders_total"),
        metric(s, "narrator_cache_hits_total"),
        metric(s, "narrator_cache_misses_total"),
        metric(s, "narrator_synthesis_seconds_total"),
    )
}

#[test]
fn republishing_50_unchanged_articles_synthesizes_nothing_and_a_new_job_replays_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(dir.path(), &["--workers", "2", "--rate-limit", "100000"]);
    assert_eq!(synthesis_counters(&s), (0.0, 0.0, 0.0, 0.0));
    let article = |i: usize| {
        silence(
            &format!("Harbour story {i}.\n\nThe harbour of town {i} reopened on Monday.\n\nShips number {i} came in."),
            &format!("art-{i}"),
        )
    };
    let ids: Vec<String> = (0..50)
        .map(|i| {
            let (status, n) = post(&s, &tok, &article(i));
            assert_eq!(status, 202, "{n}");
            n["id"].as_str().expect("id").to_string()
        })
        .collect();
    for id in &ids {
        assert_eq!(wait_finished(&s, &tok, id, 120)["status"], "done");
    }
    let first = synthesis_counters(&s);
    assert_eq!(first.0, 50.0, "one render per article: {first:?}");
    assert!(
        first.2 >= 150.0,
        "every article's 3 paragraphs synthesized: {first:?}"
    );

    // The same 50 again: the same narrations, no render, nothing synthesized.
    for (i, id) in ids.iter().enumerate() {
        let (status, n) = post(&s, &tok, &article(i));
        assert_eq!((status, n["id"].as_str()), (200, Some(id.as_str())), "{n}");
    }
    assert_eq!(synthesis_counters(&s), first);
    assert_eq!(metric(&s, "narrator_queue_depth"), 0.0);

    // A narration deleted and published again is a new job, but its segments come
    // from the cache: nothing more is synthesized.
    let del = client()
        .delete(s.url(&format!("/v1/narrations/{}", ids[7])))
        .bearer_auth(&tok)
        .send()
        .expect("delete");
    assert_eq!(del.status(), 204);
    let (status, again) = post(&s, &tok, &article(7));
    assert_eq!(status, 202, "{again}");
    let again = wait_finished(&s, &tok, again["id"].as_str().expect("id"), 60);
    assert_eq!(again["status"], "done");
    let segments = again["progress"]["segments_total"]
        .as_f64()
        .expect("segments");
    let after = synthesis_counters(&s);
    assert_eq!(after.0, first.0 + 1.0, "{after:?}");
    assert_eq!(
        after.1,
        first.1 + segments,
        "every segment a hit: {after:?}"
    );
    assert_eq!(
        (after.2, after.3),
        (first.2, first.3),
        "no synthesis: {after:?}"
    );
    assert!(dir.path().join("data/segments").is_dir());
}

/// Run the WordPress mu-plugin (examples/wordpress/narrator.php, unchanged) under
/// the minimal WordPress of tests/data/wordpress/harness.php; the requests it made.
fn wordpress(php: &Path, s: &Server, tok: &str, scenario: &str) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(php)
        .arg(root.join("tests/data/wordpress/harness.php"))
        .arg(root.join("examples/wordpress/narrator.php"))
        .arg(scenario)
        .env("NARRATOR_URL", &s.base)
        .env("NARRATOR_TOKEN", tok)
        .env("NARRATOR_ENGINE", "silence")
        .output()
        .expect("run php");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "php {scenario}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn the_wordpress_plugin_narrates_published_posts_and_deletes_with_the_post() {
    let Some(php) = support::tools::require_tool("php") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "wordpress");
    let s = Server::start(dir.path(), &[]);
    let ext = "wordpress:news.example:42";

    let sent = wordpress(&php, &s, &tok, "publish");
    // The autosave, the revision, the draft and the page sent nothing; the publish
    // and the unchanged save after it each sent one POST.
    let posts: Vec<&Value> = sent.iter().filter(|r| r["method"] == "POST").collect();
    assert_eq!(posts.len(), 2, "{sent:?}");
    assert_eq!(sent.len(), 3, "two POSTs and the post meta: {sent:?}");
    assert_eq!(posts[0]["status"], 202, "{sent:?}");
    assert_eq!(
        posts[1]["status"], 200,
        "an unchanged save is not a new job: {sent:?}"
    );
    let id = posts[0]["body"]["id"].as_str().expect("id").to_string();
    assert_eq!(posts[1]["body"]["id"], id.as_str());
    assert_eq!(sent[2]["meta"], id.as_str(), "the id is kept in post meta");
    for other in ["43", "44", "101", "102"] {
        assert_eq!(
            count_of(&s, &tok, &format!("wordpress:news.example:{other}")),
            0
        );
    }

    let n = wait_finished(&s, &tok, &id, 60);
    assert_eq!(n["status"], "done", "{n}");
    assert_eq!(n["external_id"], ext);
    assert_eq!(n["title"], "Harbour reopens & ferries return");
    assert_eq!(n["link"], "https://news.example/harbour-reopens/");
    assert_eq!(n["metadata"]["wordpress_post_id"], 42);
    let vtt = client()
        .get(n["transcript_url"].as_str().expect("vtt"))
        .send()
        .expect("vtt")
        .text()
        .expect("text");
    assert!(vtt.contains("Ferries to the islands"), "{vtt}");
    let feed = feed_when(&s, |f| f.contains(&format!("{id}.mp3")));
    assert!(
        feed.contains("https://news.example/harbour-reopens/"),
        "{feed}"
    );
    assert!(feed.contains("Ana Ruiz"), "{feed}");

    let sent = wordpress(&php, &s, &tok, "delete");
    let methods: Vec<&str> = sent.iter().filter_map(|r| r["method"].as_str()).collect();
    assert_eq!(methods, ["GET", "DELETE"], "{sent:?}");
    assert_eq!(sent[1]["status"], 204);
    let gone = client()
        .get(s.url(&format!("/v1/narrations/{id}")))
        .bearer_auth(&tok)
        .send()
        .expect("get");
    assert_problem(gone, 404, "not-found");
    assert_eq!(count_of(&s, &tok, ext), 0);
    feed_when(&s, |f| !f.contains(&format!("{id}.mp3")));
}

/// A loopback "proxy" that accepts and drops every connection: with HTTP(S)_PROXY
/// pointing at it, nothing the server is asked to fetch or call back leaves
/// 127.0.0.1 (schemathesis generates callback and article URLs on any host).
fn dead_end_proxy() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            drop(conn);
        }
    });
    format!("http://{addr}")
}

fn schemathesis_seed() -> Vec<String> {
    match std::env::var("NARRATOR_SCHEMATHESIS_SEED") {
        Ok(s) if s == "random" => Vec::new(),
        Ok(s) if !s.trim().is_empty() => vec!["--seed".into(), s.trim().into()],
        _ => vec![
            "--seed".into(),
            "51234370037171476657422745525293129000".into(),
        ],
    }
}

#[test]
fn schemathesis_finds_no_failure_with_all_checks() {
    let Some(venv) = support::tools::venv_with_modules(&["schemathesis"]) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "schemathesis");
    let proxy = dead_end_proxy();
    let env = [
        ("HTTP_PROXY", proxy.clone()),
        ("HTTPS_PROXY", proxy.clone()),
        ("ALL_PROXY", proxy),
        ("NO_PROXY", String::new()),
    ];
    let args = [
        "--rate-limit",
        "10000000",
        "--webhook-secret",
        WHSEC,
        "--ghost-secret",
        "ghost-secret",
        "--callback-attempts",
        "1",
    ];
    let s = Server::start_env(
        dir.path(),
        free_port(),
        args.iter().map(|a| a.to_string()).collect(),
        &env,
    );
    // Bounded: 10 examples per operation and a 90 s budget for the phases that
    // repeat; one worker, so one scenario's DELETE cannot pull a narration from
    // under another's GET.
    let out = Command::new(venv.join("bin").join("schemathesis"))
        .current_dir(dir.path())
        .arg("--config-file")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schemathesis/schemathesis.toml"),
        )
        .args(["run", &s.url("/openapi.json"), "--checks", "all"])
        .args(["--max-examples", "10", "--max-time", "90", "--workers", "1"])
        .args(["--request-timeout", "30", "--no-color"])
        // A fixed seed, so CI replays the same cases; NARRATOR_SCHEMATHESIS_SEED
        // picks another (`random`: schemathesis draws one and prints it).
        .args(schemathesis_seed())
        .arg("--header")
        .arg(format!("Authorization: Bearer {tok}"))
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("run schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis failed ({}):\n{report}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Every operation of the document was tested ("Selected: N/N", "Tested: N").
    let count = |label: &str| {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .and_then(|rest| rest.trim().split('/').next()?.trim().parse::<u32>().ok())
    };
    let selected = count("Selected:");
    assert!(selected.is_some_and(|n| n >= 10), "{report}");
    assert_eq!(count("Tested:"), selected, "{report}");
    // Still serving after all that.
    assert_eq!(
        client()
            .get(s.url("/healthz"))
            .send()
            .expect("health")
            .status(),
        200
    );
}

/// What schemathesis found, one case each: the answers now match /openapi.json.
#[test]
fn requests_outside_the_schema_are_refused_as_it_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tok = token(dir.path(), "cms");
    let s = Server::start(dir.path(), &["--ghost-secret", "g"]);
    let c = client();
    let create = |body: Value| {
        c.post(s.url("/v1/narrations"))
            .bearer_auth(&tok)
            .json(&body)
            .send()
            .expect("post")
    };
    let cases = [
        // A null beside a source is a second source (maxProperties 1).
        (
            json!({"source": {"html": "<p>x</p>", "text": null}, "external_id": "a"}),
            "/source",
        ),
        (
            json!({"source": {"text": ""}, "external_id": "a"}),
            "/source/text",
        ),
        (
            json!({"source": {"text": 5}, "external_id": "a"}),
            "/source/text",
        ),
        // Engines and voices this server does not run are not in the schema's enum.
        (
            json!({"source": {"text": "x"}, "external_id": "a", "engine": "openai"}),
            "/engine",
        ),
        (
            json!({"source": {"text": "x"}, "external_id": "a", "voice": "nope"}),
            "/voice",
        ),
        (
            json!({"source": {"text": "x"}, "external_id": "a", "link": "ftp://x"}),
            "/link",
        ),
    ];
    for (body, field) in cases {
        let p = assert_problem(create(body.clone()), 422, "invalid-request");
        assert_eq!(p["field"], field, "{body}: {p}");
    }
    // Nulls for optional fields are the same as leaving them out.
    let r = create(
        json!({"source": {"text": "Fine."}, "external_id": "b", "engine": "silence",
        "callback_url": null, "title": null, "format": null}),
    );
    assert_eq!(r.status(), 202);
    for q in ["limit=0", "limit=201", "cursor=abc"] {
        let r = c
            .get(s.url(&format!("/v1/narrations?{q}")))
            .bearer_auth(&tok)
            .send()
            .expect("list");
        assert_problem(r, 422, "invalid-request");
    }
    let r = c
        .post(s.url("/v1/hooks/ghost?event=post.published&event=post.deleted"))
        .body("{}")
        .send()
        .expect("ghost");
    assert_problem(r, 422, "invalid-request");
    let doc: Value = json_of(c.get(s.url("/openapi.json")).send().expect("doc"));
    let engines = &doc["components"]["schemas"]["CreateNarration"]["properties"]["engine"]["enum"];
    assert!(
        engines
            .as_array()
            .is_some_and(|e| e.contains(&json!("silence"))),
        "{engines}"
    );
    assert!(!engines.to_string().contains("openai"), "{engines}");
}
