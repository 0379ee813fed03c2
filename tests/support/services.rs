//! Real backing services for the scale-out tests: a throwaway PostgreSQL cluster
//! ([`PgCluster`]) and an S3-compatible server ([`Moto`], moto from the project
//! venv), each on a free port on 127.0.0.1 and stopped when dropped. A missing
//! PostgreSQL or moto goes through [`super::tools::unavailable`] (skip, or fail
//! under `NARRATOR_REQUIRE_REAL_ENGINES`); anything else going wrong panics.

use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::Url;
use tempfile::TempDir;

use super::server::free_port;
use super::tools::{find_on_path, unavailable, venv_dir};

const PG_HINT: &str = "install the Debian package postgresql (bash .ci/setup does)";
/// An `Authorization` header moto accepts as "signed by access key `testing`" (it
/// parses the credential scope but checks no signature).
pub const FAKE_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=testing/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, \
    Signature=0000000000000000000000000000000000000000000000000000000000000000";

const MOTO_HINT: &str =
    "bash .ci/setup installs moto[server] into .venv; or set NARRATOR_VENV to a venv with it";

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn output_text(o: &Output) -> String {
    format!(
        "{}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A directory holding `initdb`, `pg_ctl` and `postgres`: the real directory of the
/// `initdb` on `PATH` (Debian's `/usr/bin` has none; a symlink elsewhere points into
/// the versioned dir), else the newest `/usr/lib/postgresql/<version>/bin`.
fn postgres_bin_dir() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|t| is_executable(&dir.join(t)))
    };
    if let Some(initdb) = find_on_path("initdb") {
        for dir in [
            initdb
                .canonicalize()
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf)),
            initdb.parent().map(Path::to_path_buf),
        ]
        .into_iter()
        .flatten()
        {
            if complete(dir.as_path()) {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version: Vec<u64> = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| complete(bin.as_path()))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// A throwaway PostgreSQL cluster in a temp dir, listening only on 127.0.0.1:`port`,
/// with superuser `narrator` (trust auth) and an empty database `narrator`.
/// Stopped (`pg_ctl stop -m immediate`) and deleted when dropped.
pub struct PgCluster {
    /// `postgres://narrator@127.0.0.1:<port>/narrator`
    pub url: String,
    pub port: u16,
    /// initdb, pg_ctl, postgres (and psql, if there) live here.
    bin: PathBuf,
    psql_bin: PathBuf,
    /// initdb and pg_ctl run as the `postgres` user (they refuse to run as root).
    as_postgres: bool,
    started: bool,
    // Last field: removed after `drop` has stopped the server.
    dir: TempDir,
}

impl PgCluster {
    /// A fresh cluster, or `None` (by the policy of [`unavailable`]) if PostgreSQL's
    /// server binaries are not installed.
    pub fn start() -> Option<PgCluster> {
        let Some(bin) = postgres_bin_dir() else {
            return unavailable(
                "PostgreSQL",
                "initdb",
                &format!(
                    "initdb, pg_ctl and postgres neither on PATH nor in /usr/lib/postgresql/*/bin; {PG_HINT}"
                ),
            );
        };
        let psql_bin = if is_executable(&bin.join("psql")) {
            bin.join("psql")
        } else if let Some(p) = find_on_path("psql") {
            p
        } else {
            return unavailable(
                "PostgreSQL",
                "psql",
                &format!("not on PATH nor in {}; {PG_HINT}", bin.display()),
            );
        };
        let as_postgres = running_as_root();
        if as_postgres
            && !Command::new("id")
                .args(["-u", "postgres"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        {
            return unavailable(
                "PostgreSQL",
                "the postgres user",
                &format!(
                    "running as root, and initdb refuses root; {PG_HINT} (it creates the user)"
                ),
            );
        }

        let dir = tempfile::Builder::new()
            .prefix("narrator-pg-")
            .tempdir()
            .expect("temp dir for PostgreSQL");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
                .expect("chmod the PostgreSQL temp dir");
        }
        if as_postgres {
            let o = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(dir.path())
                .output()
                .expect("run chown");
            assert!(o.status.success(), "chown -R postgres: {}", output_text(&o));
        }
        let mut pg = PgCluster {
            url: String::new(),
            port: 0,
            bin,
            psql_bin,
            as_postgres,
            started: false,
            dir,
        };

        let o = pg
            .pg_command("initdb")
            .arg("-D")
            .arg(pg.data_dir())
            .args([
                "-A",
                "trust",
                "-U",
                "narrator",
                "--encoding",
                "UTF8",
                "--no-sync",
            ])
            .output()
            .expect("run initdb");
        assert!(o.status.success(), "initdb failed: {}", output_text(&o));

        // free_port() releases the port before postgres binds it: retry on a lost race.
        let socket_dir = pg.dir.path().to_str().expect("UTF-8 temp dir").to_string();
        assert!(
            !socket_dir.contains(['\'', ' ', '"', '\\']),
            "temp dir {socket_dir:?} cannot be quoted for pg_ctl -o"
        );
        let mut attempts = 0;
        loop {
            attempts += 1;
            let port = free_port();
            let opts = format!(
                "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{socket_dir}' \
                 -c fsync=off -c max_connections=200"
            );
            let o = pg
                .pg_command("pg_ctl")
                .arg("start")
                .arg("-D")
                .arg(pg.data_dir())
                .arg("-l")
                .arg(pg.log_path())
                .args(["-w", "-t", "60", "-o", &opts])
                .output()
                .expect("run pg_ctl start");
            if o.status.success() {
                pg.port = port;
                pg.started = true;
                break;
            }
            let log = pg.log();
            if attempts < 3 && log.contains("could not bind") {
                continue;
            }
            panic!(
                "pg_ctl start failed: {}\nserver log:\n{log}",
                output_text(&o)
            );
        }
        pg.wait_ready();
        pg.url = format!("postgres://narrator@127.0.0.1:{}/narrator", pg.port);
        let admin = format!("postgres://narrator@127.0.0.1:{}/postgres", pg.port);
        pg.psql_at(&admin, "CREATE DATABASE narrator");
        assert_eq!(
            pg.psql("select 1").trim(),
            "1",
            "the narrator database answers"
        );
        Some(pg)
    }

    /// `psql -At -d <url> -c <sql>` (no psqlrc, stop on the first error): its stdout.
    /// Panics with psql's stderr if it fails.
    pub fn psql(&self, sql: &str) -> String {
        self.psql_at(&self.url, sql)
    }

    /// The server's log (`pg_ctl -l`), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn psql_at(&self, url: &str, sql: &str) -> String {
        let o = Command::new(&self.psql_bin)
            .args(["-X", "-v", "ON_ERROR_STOP=1", "-At", "-d", url, "-c", sql])
            .env_remove("PGPASSWORD")
            .env_remove("PGSERVICE")
            .output()
            .expect("run psql");
        assert!(
            o.status.success(),
            "psql -c {sql:?} failed: {}",
            output_text(&o)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("postgres.log")
    }

    /// `tool` from the PostgreSQL bin dir, run as `postgres` when we are root, in the
    /// temp dir (the postgres user may not be able to enter the test's cwd).
    fn pg_command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        c.current_dir(self.dir.path()).stdin(Stdio::null());
        c
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let isready = self.bin.join("pg_isready");
        loop {
            let ready = if is_executable(&isready) {
                Command::new(&isready)
                    .args([
                        "-q",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        &self.port.to_string(),
                        "-U",
                        "narrator",
                        "-d",
                        "postgres",
                    ])
                    .status()
                    .is_ok_and(|s| s.success())
            } else {
                TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            };
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "PostgreSQL on port {} never became ready; log:\n{}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.started {
            let _ = self
                .pg_command("pg_ctl")
                .arg("stop")
                .arg("-D")
                .arg(self.data_dir())
                .args(["-m", "immediate", "-w", "-t", "30"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        // `dir` (TempDir) removes the cluster after this.
    }
}

/// moto's S3-compatible server (`moto_server` from the project venv) on
/// 127.0.0.1:`port`, all state in memory; killed when dropped. Path-style
/// addressing (`http://127.0.0.1:<port>/<bucket>/<key>`). moto verifies no
/// signatures, but it answers 403 to any request on an existing object that has
/// no `Authorization` header at all (its "anonymous access to a private object"
/// check), so the helpers below send a fixed, unsigned one ([`FAKE_AUTHORIZATION`]).
pub struct Moto {
    /// `http://127.0.0.1:<port>`
    pub endpoint: String,
    pub port: u16,
    child: Child,
    client: Client,
    dir: TempDir,
}

impl Moto {
    /// A fresh server, or `None` (by the policy of [`unavailable`]) if the venv has
    /// no `moto_server`.
    pub fn start() -> Option<Moto> {
        let exe = venv_dir().join("bin").join("moto_server");
        if !is_executable(&exe) {
            return unavailable(
                "S3-compatible server",
                "moto_server",
                &format!("no {}; {MOTO_HINT}", exe.display()),
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("narrator-moto-")
            .tempdir()
            .expect("temp dir for moto");
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            reqwest::header::HeaderValue::from_static(FAKE_AUTHORIZATION),
        );
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .default_headers(headers)
            .build()
            .expect("client");
        // free_port() releases the port before moto binds it: retry on a lost race.
        let log_path = dir.path().join("moto.log");
        let mut attempts = 0;
        loop {
            attempts += 1;
            let port = free_port();
            let log = File::create(&log_path).expect("moto log");
            let mut child = Command::new(&exe)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("moto log"))
                .stderr(log)
                .spawn()
                .expect("start moto_server");
            let endpoint = format!("http://127.0.0.1:{port}");
            match wait_answers(&mut child, &client, &endpoint) {
                Ok(()) => {
                    return Some(Moto {
                        endpoint,
                        port,
                        child,
                        client,
                        dir,
                    })
                }
                Err(why) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                    if attempts < 3 && log.contains("Address already in use") {
                        continue;
                    }
                    panic!("moto_server on port {port} {why}; log:\n{log}");
                }
            }
        }
    }

    /// Environment for a narrator process that talks to this server (`object_store`'s
    /// `AmazonS3Builder::from_env` keys, plus the AWS SDK's names for the region and
    /// the instance-metadata switch).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_DEFAULT_REGION", "us-east-1".to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ]
    }

    /// Creates `name` (in us-east-1, so no location constraint body). Panics on failure.
    pub fn create_bucket(&self, name: &str) {
        let r = self
            .client
            .put(self.url(name, None))
            .send()
            .expect("PUT bucket");
        let status = r.status();
        assert!(
            status.is_success(),
            "create bucket {name}: {status} {}",
            r.text().unwrap_or_default()
        );
    }

    /// Stores `body` at `bucket/key` (no Content-Type: moto, a Flask app, would eat a
    /// form-encoded body). Panics on failure.
    pub fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        let r = self
            .client
            .put(self.url(bucket, Some(key)))
            .body(body.into())
            .send()
            .expect("PUT object");
        let status = r.status();
        assert!(
            status.is_success(),
            "put {bucket}/{key}: {status} {}",
            r.text().unwrap_or_default()
        );
    }

    /// Every object under `prefix` in `bucket` as (key, size), in key order
    /// (ListObjectsV2, following continuation tokens). Panics on failure.
    pub fn list(&self, bucket: &str, prefix: &str) -> Vec<(String, u64)> {
        self.list_paged(bucket, prefix, 1000)
    }

    /// [`Moto::list`] with `max_keys` per ListObjectsV2 page.
    pub(crate) fn list_paged(
        &self,
        bucket: &str,
        prefix: &str,
        max_keys: usize,
    ) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = self.url(bucket, None);
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("list-type", "2")
                    .append_pair("prefix", prefix)
                    .append_pair("max-keys", &max_keys.to_string());
                if let Some(t) = &token {
                    q.append_pair("continuation-token", t);
                }
            }
            let r = self.client.get(url).send().expect("ListObjectsV2");
            let status = r.status();
            let text = r.text().expect("ListObjectsV2 body");
            assert!(
                status.is_success(),
                "list {bucket}/{prefix}: {status} {text}"
            );
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("ListObjectsV2 XML: {e}: {text}"));
            let root = doc.root_element();
            let child_text = |node: roxmltree::Node, name: &str| {
                node.children()
                    .find(|c| c.is_element() && c.tag_name().name() == name)
                    .map(|c| c.text().unwrap_or("").to_string())
            };
            for contents in root
                .children()
                .filter(|c| c.is_element() && c.tag_name().name() == "Contents")
            {
                let key = child_text(contents, "Key").expect("Contents without Key");
                let size = child_text(contents, "Size")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or_else(|| panic!("Contents of {key} without a Size: {text}"));
                out.push((key, size));
            }
            let truncated = child_text(root, "IsTruncated").is_some_and(|t| t.trim() == "true");
            token = child_text(root, "NextContinuationToken").filter(|t| !t.is_empty());
            if !truncated {
                return out;
            }
            assert!(
                token.is_some(),
                "truncated listing without a continuation token: {text}"
            );
        }
    }

    /// The bytes at `bucket/key`, or `None` if there is no such key (404 NoSuchKey).
    /// Panics on any other failure, a missing bucket included.
    pub fn get(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let r = self
            .client
            .get(self.url(bucket, Some(key)))
            .send()
            .expect("GET object");
        let status = r.status();
        let body = r.bytes().expect("GET object body");
        if status == reqwest::StatusCode::NOT_FOUND
            && String::from_utf8_lossy(&body).contains("<Code>NoSuchKey</Code>")
        {
            return None;
        }
        assert!(
            status.is_success(),
            "get {bucket}/{key}: {status} {}",
            String::from_utf8_lossy(&body)
        );
        Some(body.to_vec())
    }

    /// moto's own output, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }

    /// `<endpoint>/<bucket>[/<key>]`, path-style, each key segment percent-encoded.
    fn url(&self, bucket: &str, key: Option<&str>) -> Url {
        let mut url = Url::parse(&self.endpoint).expect("endpoint URL");
        {
            let mut segments = url.path_segments_mut().expect("base URL");
            segments.clear().push(bucket);
            if let Some(key) = key {
                segments.extend(key.split('/'));
            }
        }
        url
    }
}

/// Waits until `GET <endpoint>/` gets any HTTP answer from `child`.
fn wait_answers(child: &mut Child, client: &Client, endpoint: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited ({status})"));
        }
        if client.get(format!("{endpoint}/")).send().is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err("never answered GET /".to_string());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
