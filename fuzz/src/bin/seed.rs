//! Writes the seed corpora: `fuzz/corpus/<target>/<hash>` for every target (or the targets
//! named on the command line), from `tests/vectors`. Existing files are kept, so a corpus
//! libFuzzer grew stays and is only topped up.

use std::path::Path;

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (target, _) in vpos_fuzz::TARGETS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == target) {
            continue;
        }
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let seeds = vpos_fuzz::seeds::for_target(target);
        for seed in &seeds {
            let path = dir.join(vpos_fuzz::seeds::name(seed));
            std::fs::write(&path, seed).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        println!("{target}: {} seeds in {}", seeds.len(), dir.display());
    }
}
