//! The committed TypeScript declarations of the JSON shapes (`types/vpos.d.ts`) are what
//! `vpos_core::ts::declarations()` generates from the serde types now. With `VPOS_TS_OUT=path`
//! the test writes the generated file there instead (`make types` rewrites the committed one,
//! `make types-check` generates into a temporary file and diffs).
#![cfg(feature = "ts")]

use std::path::Path;

#[test]
fn committed_declarations_are_generated() {
    let generated = vpos_core::ts::declarations();
    if let Some(out) = std::env::var_os("VPOS_TS_OUT") {
        std::fs::write(&out, &generated).expect("write the generated declarations");
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../types/vpos.d.ts");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "types/vpos.d.ts is stale: run `make types` and commit it"
    );
}
