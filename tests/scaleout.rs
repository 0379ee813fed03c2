//! Scale-out: `narrator serve` and `narrator worker` processes sharing one queue and
//! one storage. The contract runs on both backends: the embedded SQLite queue with
//! a media directory, and a real PostgreSQL 15 cluster with a real S3-compatible
//! server (moto), both on 127.0.0.1 and started by the test itself.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Response;
use serde_json::{json, Value};

use support::narrator;
use support::server::{client, free_port, Server};
use support::services::{Moto, PgCluster};

const BUCKET: &str = "narrator-test";
const PREFIX: &str = "site/a";

/// One shared queue and storage, and the processes using them.
struct Cluster {
    dir: tempfile::TempDir,
    queue: String,
    storage: String,
    env: Vec<(&'static str, String)>,
    pg: Option<PgCluster>,
    s3: Option<Moto>,
}

impl Cluster {
    /// The embedded default, made explicit so separate processes share it.
    fn sqlite() -> Cluster {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("shared");
        Cluster {
            queue: format!("sqlite://{}", data.display()),
            storage: format!("file://{}", data.join("media").display()),
            dir,
            env: Vec::new(),
            pg: None,
            s3: None,
        }
    }

    /// PostgreSQL and an S3-compatible bucket; None when either is not installed
    /// (and NARRATOR_REQUIRE_REAL_ENGINES is unset: then it panics).
    fn postgres() -> Option<Cluster> {
        let pg = PgCluster::start()?;
        let s3 = Moto::start()?;
        s3.create_bucket(BUCKET);
        Some(Cluster {
            dir: tempfile::tempdir().expect("tempdir"),
            queue: pg.url.clone(),
            storage: format!("s3://{BUCKET}/{PREFIX}"),
            env: s3.env(),
            pg: Some(pg),
            s3: Some(s3),
        })
    }

    fn cmd(&self, dir: &Path) -> Command {
        let mut c = narrator(dir);
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    fn token(&self, name: &str) -> String {
        let o = self
            .cmd(self.dir.path())
            .args(["token", "create", "--name", name, "--queue", &self.queue])
            .output()
            .expect("token create");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    /// `narrator serve` in its own subdirectory on the shared queue and storage.
    fn serve(&self, name: &str, args: &[&str]) -> Server {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).expect("server dir");
        let mut all: Vec<String> = ["--queue", &self.queue, "--storage", &self.storage]
            .iter()
            .map(|s| s.to_string())
            .collect();
        all.extend(args.iter().map(|s| s.to_string()));
        Server::start_env(&dir, free_port(), all, &self.env)
    }

    fn worker(&self, name: &str, args: &[&str]) -> Worker {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).expect("worker dir");
        let log = std::fs::File::create(dir.join("worker.log")).expect("log");
        let child = self
            .cmd(&dir)
            .args(["worker", "--queue", &self.queue, "--storage", &self.storage])
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(args)
            .env("NARRATOR_LOG", "narrator=info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start narrator worker");
        Worker { child, dir }
    }

    /// The storage's object `name` (under media/), straight from the store.
    fn object(&self, name: &str) -> Option<Vec<u8>> {
        match &self.s3 {
            Some(s3) => s3.get(BUCKET, &format!("{PREFIX}/{name}")),
            None => std::fs::read(self.media_dir().join(name)).ok(),
        }
    }

    /// Every object under media/ with its size.
    fn objects(&self) -> Vec<(String, u64)> {
        match &self.s3 {
            Some(s3) => s3
                .list(BUCKET, &format!("{PREFIX}/"))
                .into_iter()
                .map(|(k, n)| (k[PREFIX.len() + 1..].to_string(), n))
                .filter(|(k, _)| !k.starts_with("segments/"))
                .collect(),
            None => std::fs::read_dir(self.media_dir())
                .map(|rd| {
                    rd.flatten()
                        .map(|e| {
                            let n = e.metadata().map(|m| m.len()).unwrap_or(0);
                            (e.file_name().to_string_lossy().to_string(), n)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn media_dir(&self) -> PathBuf {
        PathBuf::from(self.storage.trim_start_matches("file://"))
    }
}

struct Worker {
    child: Child,
    dir: PathBuf,
}

impl Worker {
    /// The worker's log, without terminal colours.
    fn log(&self) -> String {
        let raw = std::fs::read_to_string(self.dir.join("worker.log")).unwrap_or_default();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(ch) = chars.next() {
            if ch == '\u{1b}' {
                // CSI: ESC [ parameters, then a letter.
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(ch);
            }
        }
        out
    }

    fn kill9(&mut self) {
        let _ = Command::new("kill")
            .args(["-9", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json_of(r: Response) -> Value {
    let text = r.text().expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn post(s: &Server, tok: &str, body: &Value) -> Value {
    let r = client()
        .post(s.url("/v1/narrations"))
        .bearer_auth(tok)
        .json(body)
        .send()
        .expect("POST");
    assert_eq!(r.status(), 202, "POST {body}");
    json_of(r)
}

fn get(s: &Server, tok: &str, id: &str) -> (u16, Value) {
    let r = client()
        .get(s.url(&format!("/v1/narrations/{id}")))
        .bearer_auth(tok)
        .send()
        .expect("GET");
    (r.status().as_u16(), json_of(r))
}

fn status(s: &Server, tok: &str, id: &str) -> String {
    get(s, tok, id).1["status"]
        .as_str()
        .unwrap_or("?")
        .to_string()
}

fn wait_status(s: &Server, tok: &str, id: &str, want: &str, secs: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let (_, n) = get(s, tok, id);
        if n["status"] == want {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "{id} is {} after {secs} s, not {want}: {n}\n{}",
            n["status"],
            s.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The body of a public GET (no token), as text.
fn text_of(s: &Server, path: &str) -> String {
    client()
        .get(s.url(path))
        .send()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .text()
        .expect("text")
}

fn metric(s: &Server, name: &str) -> f64 {
    let text = text_of(s, "/metrics");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

fn espeak(text: &str, external_id: &str) -> Value {
    json!({"source": {"text": text}, "external_id": external_id, "engine": "espeak",
           "title": external_id})
}

/// Decodes as audio of about the narration's recorded length.
fn assert_audio(bytes: &[u8], n: &Value) {
    assert_eq!(
        bytes.len() as i64,
        n["bytes"].as_i64().expect("bytes"),
        "{n}"
    );
    let pcm = narrator::audio::decode(bytes.to_vec(), Some("mp3")).expect("decodes");
    let secs = pcm.samples.len() as f64 / pcm.sample_rate as f64;
    let want = n["duration_s"].as_f64().expect("duration");
    assert!(
        (secs - want).abs() < 0.2,
        "{secs} s decoded, {want} s recorded"
    );
}

/// The contract every queue backend keeps, with the API and the workers in
/// separate processes.
fn contract(c: &Cluster) {
    // Two servers and a token starting at once on a fresh database: the schema
    // set-up takes turns, all three succeed.
    let (a, b, tok) = std::thread::scope(|sc| {
        let a = sc.spawn(|| c.serve("api-a", &["--workers", "0"]));
        let b = sc.spawn(|| c.serve("api-b", &["--workers", "0"]));
        let tok = sc.spawn(|| c.token("cms"));
        (
            a.join().expect("a"),
            b.join().expect("b"),
            tok.join().expect("token"),
        )
    });
    drop(b);
    let s = a;

    // No worker yet: jobs wait in the queue.
    let kept = post(&s, &tok, &espeak("The bridge reopens in May.", "kept"));
    let dropped = post(&s, &tok, &espeak("This one is withdrawn.", "dropped"));
    let (kept, dropped) = (
        kept["id"].as_str().expect("id").to_string(),
        dropped["id"].as_str().expect("id").to_string(),
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(status(&s, &tok, &kept), "queued");
    assert_eq!(metric(&s, "narrator_queue_depth"), 2.0);
    let r = client()
        .delete(s.url(&format!("/v1/narrations/{dropped}")))
        .bearer_auth(&tok)
        .send()
        .expect("DELETE");
    assert_eq!(r.status(), 204);

    // A worker process on the same queue and storage renders what is queued.
    let w = c.worker("w1", &["--workers", "1"]);
    let n = wait_status(&s, &tok, &kept, "done", 120);
    let file = format!("{kept}.mp3");
    let stored = c.object(&file).expect("audio object");
    assert_audio(&stored, &n);
    for side in ["vtt", "timing.json", "transcript.json", "chapters.json"] {
        assert!(c.object(&format!("{kept}.{side}")).is_some(), "{side}");
    }
    // Served by the API process from the storage, byte ranges kept.
    let audio_url = n["audio_url"].as_str().expect("audio_url");
    let full = client().get(audio_url).send().expect("audio");
    assert_eq!(full.status(), 200);
    assert_eq!(full.bytes().expect("bytes").as_ref(), &stored[..]);
    let part = client()
        .get(audio_url)
        .header("Range", "bytes=10-109")
        .send()
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 10-109/{}", stored.len()).as_str()
    );
    assert_eq!(part.bytes().expect("part").as_ref(), &stored[10..110]);
    // The feed, written by the API process though another process rendered.
    let feed = text_of(&s, "/feed.xml");
    assert!(feed.contains(&file), "{feed}");
    assert!(c.object("feed.xml").is_some());

    // The deleted job never ran: gone from the API, nothing in the storage.
    assert_eq!(get(&s, &tok, &dropped).0, 404);
    assert!(c.object(&format!("{dropped}.mp3")).is_none());

    // A cancel reaches a render running in another process.
    let long: String = (1..=120)
        .map(|i| format!("Paragraph {i} of the council's long report on the bridge.\n\n"))
        .collect();
    let running = post(&s, &tok, &espeak(&long, "long"));
    let running = running["id"].as_str().expect("id").to_string();
    wait_status(&s, &tok, &running, "running", 60);
    let deadline = Instant::now() + Duration::from_secs(60);
    while get(&s, &tok, &running).1["progress"]["segments_done"]
        .as_i64()
        .unwrap_or(0)
        < 2
    {
        assert!(Instant::now() < deadline, "no progress: {}", w.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    // An edit while it renders: the new revision replaces the running one.
    let edit = post(&s, &tok, &espeak("The report was withdrawn.", "long"));
    let n = wait_status(&s, &tok, &running, "canceled", 30);
    assert!(
        n["progress"]["segments_done"].as_i64().unwrap_or(0) < 120,
        "{n}"
    );
    // The worker is free again: the edit is done, the canceled one has no file.
    wait_status(&s, &tok, edit["id"].as_str().expect("id"), "done", 60);
    assert!(c.object(&format!("{running}.mp3")).is_none(), "{}", w.log());
}

#[test]
fn the_queue_contract_holds_on_sqlite_with_a_media_directory() {
    contract(&Cluster::sqlite());
}

#[test]
fn the_queue_contract_holds_on_postgresql_with_an_s3_bucket() {
    let Some(c) = Cluster::postgres() else { return };
    contract(&c);
    // Tokens live in the queue's database: any server on it knows them.
    let pg = c.pg.as_ref().expect("pg");
    assert_eq!(pg.psql("SELECT name FROM tokens").trim(), "cms");
    let tok = c.token("second");

    // The segment cache's shared tier: a worker on another machine (its own empty
    // local cache) replays the segments the first worker synthesized.
    let s3 = c.s3.as_ref().expect("s3");
    assert!(!s3.list(BUCKET, &format!("{PREFIX}/segments/")).is_empty());
    let s = c.serve("api-c", &["--workers", "0", "--media-redirect", "60"]);
    let w = c.worker("w2", &["--workers", "1"]);
    let mut body = espeak("The bridge reopens in May.", "kept-again");
    body["title"] = json!("kept"); // the title is read too: the same one
    let again = post(&s, &tok, &body);
    let id = again["id"].as_str().expect("id");
    let n = wait_status(&s, &tok, id, "done", 60);
    let segments = n["progress"]["segments_total"].as_i64().expect("segments");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !w.log().contains(&format!(
        "narration={id} segments={segments} cached={segments}"
    )) {
        assert!(Instant::now() < deadline, "not replayed: {}", w.log());
        std::thread::sleep(Duration::from_millis(50));
    }

    // --media-redirect: media answered by a presigned URL the bucket serves.
    let no_follow = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let audio_url = n["audio_url"].as_str().expect("audio_url");
    let r = no_follow.get(audio_url).send().expect("audio");
    assert_eq!(r.status(), 307);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        location.starts_with(&s3.endpoint) && location.contains("X-Amz-Signature="),
        "{location}"
    );
    let bytes = no_follow
        .get(&location)
        .send()
        .expect("presigned")
        .bytes()
        .expect("bytes");
    assert_eq!(Some(bytes.to_vec()), c.object(&format!("{id}.mp3")));
    let missing = no_follow
        .get(s.url("/media/nar_missing.mp3"))
        .send()
        .expect("missing");
    assert_eq!(missing.status(), 404);
}

/// The narration a worker process (by pid) is rendering now, from the queue's
/// own table: apalis names the worker holding a job in `lock_by`.
fn job_running_on(pg: &PgCluster, pid: u32) -> Option<String> {
    let out = pg.psql(&format!(
        "SELECT convert_from(job, 'UTF8')::json->>'narration_id' FROM apalis.jobs
         WHERE status = 'Running' AND lock_by LIKE '%-{pid}-%' LIMIT 1"
    ));
    let id = out.trim();
    (!id.is_empty()).then(|| id.to_string())
}

#[test]
fn a_hundred_jobs_on_three_workers_all_finish_when_one_is_killed_mid_job() {
    let Some(c) = Cluster::postgres() else { return };
    let pg = c.pg.as_ref().expect("pg");
    let tok = c.token("cms");
    let s = c.serve("api", &["--workers", "0"]);
    let mut workers: Vec<Worker> = (1..=3)
        .map(|i| c.worker(&format!("w{i}"), &["--workers", "1"]))
        .collect();
    let ids: Vec<String> = (0..100)
        .map(|i| {
            let text = format!(
                "Item {i}. The council met on Tuesday and approved {} new homes near the river.",
                i * 7 + 3
            );
            post(&s, &tok, &espeak(&text, &format!("item-{i}")))["id"]
                .as_str()
                .expect("id")
                .to_string()
        })
        .collect();

    // kill -9 the first worker in the middle of one of its jobs.
    let pid = workers[0].child.id();
    let deadline = Instant::now() + Duration::from_secs(120);
    let victim = loop {
        if let Some(id) = job_running_on(pg, pid) {
            break id;
        }
        assert!(
            Instant::now() < deadline,
            "worker 1 never took a job: {}",
            workers[0].log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    workers[0].kill9();
    let killed = Instant::now();
    // Recovered: another worker takes it (after 3 missed 2-second heartbeats).
    let n = wait_status(&s, &tok, &victim, "done", 120);
    eprintln!(
        "the killed worker's job {victim} was done {:.1} s after the kill",
        killed.elapsed().as_secs_f64()
    );

    let mut done = Vec::new();
    for id in &ids {
        done.push(wait_status(&s, &tok, id, "done", 600));
    }
    // Every audio object is there and decodes, at the length the API reports.
    for n in &done {
        let id = n["id"].as_str().expect("id");
        let bytes = c.object(&format!("{id}.mp3")).expect("audio object");
        assert_audio(&bytes, n);
    }
    assert_eq!(
        c.object(&format!("{victim}.mp3")).map(|b| b.len() as i64),
        n["bytes"].as_i64()
    );
    // Nothing a client can see twice: one audio object per narration, no stray
    // object, one done row per article, and no job left in the queue.
    let objects = c.objects();
    let mp3: Vec<&String> = objects
        .iter()
        .map(|(k, _)| k)
        .filter(|k| k.ends_with(".mp3"))
        .collect();
    assert_eq!(mp3.len(), 100, "{mp3:?}");
    for (name, _) in &objects {
        let stem = name.split('.').next().unwrap_or("");
        assert!(
            ids.iter().any(|id| id == stem) || name == "feed.xml" || name == "cover.png",
            "stray object {name}"
        );
    }
    assert_eq!(objects.len(), 100 * 5 + 2, "{objects:?}");
    assert_eq!(
        pg.psql("SELECT COUNT(*) FROM narrations WHERE status = 'done'")
            .trim(),
        "100"
    );
    assert_eq!(
        pg.psql("SELECT COUNT(DISTINCT external_id) FROM narrations")
            .trim(),
        "100"
    );
    assert_eq!(metric(&s, "narrator_queue_depth"), 0.0);
    let feed = text_of(&s, "/feed.xml");
    assert_eq!(feed.matches("<enclosure").count(), 100);
}
