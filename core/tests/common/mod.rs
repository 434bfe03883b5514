//! What the integration tests that read `tests/vectors/` share: finding the files and reading
//! a case's input the way every runner does.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;

/// `tests/vectors`: one directory per gateway (and `money`), run by every binding too.
pub fn vectors_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every `.json` file under `dir`, depth first, in path order.
pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

pub fn de<T: serde::de::DeserializeOwned>(v: &Value, key: &str) -> T {
    serde_json::from_value(v.get(key).cloned().unwrap_or(Value::Null))
        .unwrap_or_else(|e| panic!("input.{key} does not deserialize: {e}"))
}

/// The notification body: `body_base64` for bytes that are not UTF-8, else `body`.
pub fn body(input: &Value) -> Vec<u8> {
    if let Some(b) = input.get("body_base64") {
        return base64::engine::general_purpose::STANDARD
            .decode(b.as_str().unwrap())
            .unwrap();
    }
    input
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or("")
        .as_bytes()
        .to_vec()
}

pub fn content_type(input: &Value) -> &str {
    input
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("application/x-www-form-urlencoded")
}

pub fn to_json<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}
