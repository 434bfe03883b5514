//! Replays every target over its seeds (from `tests/vectors`) and its saved crash inputs
//! (`fuzz/regressions/<target>/`), as plain function calls: no libFuzzer, no instrumentation.
//! A panic here is a fuzzing finding come back.

use std::path::Path;

/// A panic's message, as far as it is text.
fn message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not text)")
}

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("regression entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), data)
        })
        .collect()
}

#[test]
fn every_target_replays_its_seeds_and_regressions() {
    let mut total = 0;
    for (target, run) in vpos_fuzz::TARGETS {
        let seeds = vpos_fuzz::seeds::for_target(target);
        assert!(!seeds.is_empty(), "{target}: no seeds in tests/vectors");
        for seed in &seeds {
            let name = vpos_fuzz::seeds::name(seed);
            if let Err(e) = std::panic::catch_unwind(|| run(seed)) {
                panic!("{target}: seed {name} panicked: {}", message(&*e));
            }
        }
        let saved = regressions(target);
        for (path, data) in &saved {
            if let Err(e) = std::panic::catch_unwind(|| run(data)) {
                panic!("{target}: regression {path} panicked: {}", message(&*e));
            }
        }
        println!(
            "{target}: {} seeds, {} regressions",
            seeds.len(),
            saved.len()
        );
        total += seeds.len() + saved.len();
    }
    println!("{total} inputs replayed");
}

/// Every target has a binary (fuzz_targets/<name>.rs) calling the function of its name, a
/// `[[bin]]` in Cargo.toml, and is one that `run.sh` (`make fuzz`) runs.
#[test]
fn every_target_has_a_fuzz_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| {
        std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let (manifest, run) = (read("Cargo.toml"), read("run.sh"));
    let dir = root.join("fuzz_targets");
    for (target, _) in vpos_fuzz::TARGETS {
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{target}.rs\"")),
            "no [[bin]] for {target} in fuzz/Cargo.toml"
        );
        assert!(
            run.split_whitespace().any(|w| w.trim_start_matches('(') == *target
                || w.trim_end_matches(')') == *target),
            "fuzz/run.sh does not run {target}"
        );
        let path = dir.join(format!("{target}.rs"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            text.contains(&format!("vpos_fuzz::{target}(")),
            "{} does not call vpos_fuzz::{target}",
            path.display()
        );
    }
}
