#!/usr/bin/env python3
"""Same vectors everywhere, provably (issue #16 item 7).

Every vector runner writes target/vector-runs/<runtime>.json:

    {"runtime": "rust", "run_id": "...",
     "files": {"redsys/handle.json": {"cases": 15, "ran": [0, 1, ...], "failed": [],
                                      "skipped": [{"index": 3, "reason": "..."}],
                                      "errors": {"4": {"code": "...", "field": "..."}},
                                      "known": {"7": "why this case differs, for now"}}}}

This script checks, against the vector files themselves (tests/vectors):

- each required runtime (rust, python, node, and the wasm edge module's node and web builds)
  has a manifest, from this run (`VPOS_VECTOR_RUN_ID`, set by `make test`, when given);
- it names every vector file with its true case count, ran every case, failed none and
  skipped none;
- every case that failed with a vpos error failed with the same {code, field} everywhere;
- a partial runtime (the wasm browser module's builds) accounts for every case: ran and
  passed, or skipped with a reason.

A runtime may declare a case a known difference ("known": {index: reason}, e.g. a binding
still being moved onto the core's JSON reading): it is listed on every run, does not fail the
check, and fails it as soon as it no longer differs (the declaration is stale then).

Usage: scripts/vector_parity.py [--dir target/vector-runs] [--vectors tests/vectors]
Exit status 0 when the runtimes agree, 1 with every difference listed otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
# Must run every case: the reference and the three bindings (wasm: the edge module, both builds).
REQUIRED = ["rust", "python", "node", "wasm-edge-node", "wasm-edge-web"]
# May run a declared share: the wasm browser module has no secret-keyed gateway, and each
# per-gateway edge module has one gateway.
PARTIAL = ["wasm-browser-node", "wasm-browser-web"] + [
    # Each gateway's own edge module (hostedpay-web/edge/<gateway>): its gateway and money.
    f"wasm-edge-{gateway}-{build}"
    for gateway in ["flocash", "redsys", "ceca", "elavon", "paypal", "paypal_rest", "bitpay"]
    for build in ["node", "web"]
]
REFERENCE = "rust"


def vector_files(vectors: Path) -> Dict[str, List[str]]:
    """Every vector file (relative, with /) and its case descriptions."""
    out = {}
    for path in sorted(vectors.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out[path.relative_to(vectors).as_posix()] = [c.get("description", "?") for c in doc["cases"]]
    return out


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=ROOT / "target" / "vector-runs")
    ap.add_argument("--vectors", type=Path, default=ROOT / "tests" / "vectors")
    args = ap.parse_args(argv)

    truth = vector_files(args.vectors)
    run_id = os.environ.get("VPOS_VECTOR_RUN_ID")
    problems: List[str] = []
    known: List[str] = []
    manifests: Dict[str, Dict[str, Any]] = {}

    def case(name: str, index: int) -> str:
        descriptions = truth.get(name, [])
        desc = descriptions[index] if 0 <= index < len(descriptions) else "?"
        return f"{name} #{index} ({desc})"

    for runtime in REQUIRED + PARTIAL:
        path = args.dir / f"{runtime}.json"
        if not path.is_file():
            if runtime in REQUIRED:
                problems.append(f"{runtime}: no manifest {path} (did its vector runner run?)")
            continue
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("runtime") != runtime:
            problems.append(f"{runtime}: {path} says runtime {manifest.get('runtime')!r}")
        if run_id is not None and manifest.get("run_id") != run_id:
            problems.append(f"{runtime}: {path} is from another run ({manifest.get('run_id')!r}, "
                            f"this run is {run_id!r}): a stale manifest proves nothing")
            continue
        manifests[runtime] = manifest

    for runtime, manifest in manifests.items():
        files = manifest.get("files", {})
        for name in sorted(set(truth) - set(files)):
            problems.append(f"{runtime}: {name} ({len(truth[name])} cases) not run at all")
        for name in sorted(set(files) - set(truth)):
            problems.append(f"{runtime}: {name} is not a vector file")
        totals = {"cases": 0, "ran": 0, "skipped": 0, "failed": 0}
        for name, record in sorted(files.items()):
            if name not in truth:
                continue
            count = len(truth[name])
            if record.get("cases") != count:
                problems.append(f"{runtime}: {name} has {count} cases, the runner saw {record.get('cases')}")
            ran = set(record.get("ran", []))
            failed = set(record.get("failed", []))
            skipped = {s["index"]: s.get("reason") for s in record.get("skipped", [])}
            declared = {int(i): why for i, why in record.get("known", {}).items()}
            totals["cases"] += count
            totals["ran"] += len(ran)
            totals["skipped"] += len(skipped)
            totals["failed"] += len(failed)
            for i in range(count):
                if i in skipped:
                    if runtime in REQUIRED:
                        problems.append(f"{runtime}: skipped {case(name, i)}: {skipped[i]}")
                    elif not skipped[i]:
                        problems.append(f"{runtime}: skipped {case(name, i)} without a reason")
                    if i in ran:
                        problems.append(f"{runtime}: {case(name, i)} both ran and skipped")
                elif i not in ran:
                    problems.append(f"{runtime}: did not run {case(name, i)} (nor declare it skipped)")
                elif i in failed and i not in declared:
                    problems.append(f"{runtime}: failed {case(name, i)}")
            for i, why in sorted(declared.items()):
                if i not in ran:
                    problems.append(f"{runtime}: {case(name, i)} is declared a known difference but did not run")
                elif i in failed:
                    known.append(f"{runtime}: {case(name, i)}: {why}")
                else:
                    problems.append(f"{runtime}: {case(name, i)} is declared a known difference ({why}) "
                                    "but passes now: remove the declaration from the runner")
        print(f"vector-parity: {runtime}: {len(files)} files, {totals['cases']} cases, {totals['ran']} ran, "
              f"{totals['skipped']} skipped, {totals['failed']} failed")

    # The same error (code and field) for the same case, whatever the runtime.
    reference = manifests.get(REFERENCE, {}).get("files", {})
    for runtime, manifest in manifests.items():
        if runtime == REFERENCE or not reference:
            continue
        for name, record in sorted(manifest.get("files", {}).items()):
            ref = reference.get(name, {}).get("errors", {})
            mine = record.get("errors", {})
            declared = record.get("known", {})
            ran = {str(i) for i in record.get("ran", [])}
            for i in sorted(set(ref) | set(mine), key=int):
                if i not in ran or ref.get(i) == mine.get(i) or i in declared:
                    continue
                problems.append(f"{runtime}: {case(name, int(i))}: error {mine.get(i)}, "
                                f"{REFERENCE} says {ref.get(i)}")

    for line in known:
        print(f"vector-parity: KNOWN DIFFERENCE {line}")
    sys.stdout.flush()
    if problems:
        print(f"vector-parity: the runtimes did not run the same vectors ({len(problems)} problems):", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"vector-parity: ok, {', '.join(manifests)} agree on {sum(map(len, truth.values()))} cases "
          f"in {len(truth)} files" + (f", but for the {len(known)} known differences above" if known else "")
          + (f" (run {run_id})" if run_id else " (no VPOS_VECTOR_RUN_ID: manifests of any run)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
