//! Shared helpers for integration tests: run the real binary in temp dirs, a
//! small real HTTP server on 127.0.0.1, and the real tools tests compare against
//! ([`tools`]: found once, skipped or failed by one rule).
#![allow(dead_code)]

pub mod server;
pub mod services;
pub mod tools;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// The narrator binary with a private cache/config, run in `dir`.
pub fn narrator(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_narrator"));
    c.current_dir(dir)
        .env("NARRATOR_CONFIG", dir.join("no-config.toml"))
        .env(
            "NARRATOR_CACHE_DIR",
            root().join("target").join("test-cache"),
        )
        .env_remove("NARRATOR_LOG");
    c
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run narrator");
    if std::env::var_os("NARRATOR_TEST_VERBOSE").is_some() {
        eprintln!("stderr: {}", String::from_utf8_lossy(&out.stderr));
    }
    out
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Files in `dir` (names), to check nothing was left behind.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// One canned HTTP response.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// A real HTTP/1.1 server on 127.0.0.1 that answers each path with a fixed reply
/// (unknown paths: 404). Runs until the test process ends.
pub fn serve(routes: Vec<(&'static str, Reply)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let routes = routes.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let req = String::from_utf8_lossy(&buf);
                let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = routes
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, r)| r.clone())
                    .unwrap_or(Reply {
                        status: 404,
                        content_type: "text/html",
                        body: b"<html><body>not found</body></html>".to_vec(),
                    });
                let head = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.status,
                    reply.content_type,
                    reply.body.len()
                );
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&reply.body);
            });
        }
    });
    format!("http://{addr}")
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}
