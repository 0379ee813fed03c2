//! The real `narrator serve` on 127.0.0.1 for the server and player tests: a free
//! port, the process (killed when dropped), an HTTP client and API tokens.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;

use super::narrator;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A running `narrator serve`; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
    pub port: u16,
    pub args: Vec<String>,
}

impl Server {
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        Self::start_on(
            dir,
            free_port(),
            args.iter().map(|s| s.to_string()).collect(),
        )
    }

    pub fn start_on(dir: &Path, port: u16, args: Vec<String>) -> Server {
        Self::start_env(dir, port, args, &[])
    }

    pub fn start_env(dir: &Path, port: u16, args: Vec<String>, env: &[(&str, String)]) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"))
            .expect("log");
        let child = narrator(dir)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(&args)
            .env("NARRATOR_LOG", "narrator=info")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start narrator serve");
        let mut s = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir: dir.to_path_buf(),
            port,
            args,
        };
        s.wait_healthy();
        s
    }

    pub fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let c = client();
        loop {
            if let Ok(r) = c.get(format!("{}/healthz", self.base)).send() {
                if r.status() == 200 {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited ({status}): {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "server never healthy: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// kill -9, then the same command on the same data dir and port.
    pub fn kill_and_restart(mut self) -> Server {
        let _ = Command::new("kill")
            .args(["-9", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let (dir, port, args) = (self.dir.clone(), self.port, self.args.clone());
        std::mem::forget(self);
        Server::start_on(&dir, port, args)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

pub fn token(dir: &Path, name: &str) -> String {
    let o = narrator(dir)
        .args(["token", "create", "--name", name, "--data-dir"])
        .arg(dir.join("data"))
        .output()
        .expect("token create");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(t.starts_with("nrt_") && t.len() > 40, "{t}");
    t
}
