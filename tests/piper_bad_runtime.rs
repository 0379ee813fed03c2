//! A missing or broken ONNX Runtime library is an `EngineError::Runtime`, never a
//! panic. Its own test binary: `ort` initialisation is process-global.

#![cfg(feature = "piper")]

use narrator::engine::piper::{find_onnxruntime, PiperConfig};
use narrator::engine::EngineError;

const MINIMAL_VOICE_JSON: &str = r#"{
  "audio": {"sample_rate": 22050},
  "espeak": {"voice": "en-us"},
  "phoneme_type": "espeak",
  "num_speakers": 1,
  "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], "a": [14]}
}"#;

#[test]
fn bad_ort_dylib_path_is_a_runtime_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("voice.onnx");
    std::fs::write(&model, b"not a model").expect("write model");
    std::fs::write(dir.path().join("voice.onnx.json"), MINIMAL_VOICE_JSON).expect("write json");

    // A file that exists but is no shared library: dlopen fails inside `ort`.
    let not_a_library = dir.path().join("libonnxruntime.so");
    std::fs::write(&not_a_library, b"garbage").expect("write fake library");
    std::env::set_var("ORT_DYLIB_PATH", &not_a_library);
    let err = PiperConfig::new(&model)
        .build()
        .expect_err("cannot load a fake library");
    assert!(matches!(err, EngineError::Runtime(_)), "{err:?}");
    assert!(
        err.to_string().contains("ORT_DYLIB_PATH"),
        "error names the fix: {err}"
    );

    // A path that does not exist: refused before `ort` is touched.
    std::env::set_var("ORT_DYLIB_PATH", dir.path().join("missing.so"));
    let err = find_onnxruntime().expect_err("no such file");
    assert!(matches!(err, EngineError::Runtime(_)), "{err:?}");
    let err = PiperConfig::new(&model).build().expect_err("no such file");
    assert!(matches!(err, EngineError::Runtime(_)), "{err:?}");
}
