"""Collects the rows the peer benchmarks wrote into one list, target/bench/peers.json, and prints
one line per target.

Usage: report.py OUT.json FRAGMENT.json...   (each fragment a list of rows: name, vpos, peer,
ratio, target, met, ...). A missing fragment fails the run: its benchmark did not finish.
A missed target does not: it is `"met": false`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

FIELDS = ("name", "vpos", "peer", "ratio", "target", "met")


def main() -> int:
    out, fragments = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    rows = []
    for fragment in fragments:
        if not fragment.exists():
            print(f"bench-peers: {fragment} is missing (its benchmark did not finish)", file=sys.stderr)
            return 1
        for r in json.loads(fragment.read_text()):
            missing = [f for f in FIELDS if f not in r]
            if missing:
                print(f"bench-peers: a row of {fragment} lacks {missing}", file=sys.stderr)
                return 1
            rows.append(r)
    out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    met = sum(1 for r in rows if r["met"])
    print(f"\nbench-peers: {met} of {len(rows)} targets met (load average now {os.getloadavg()[0]:.2f}; "
          f"ratios = peer time / vpos time, core rows core / reference); written to {out}")
    for r in rows:
        unit = "µs" if r.get("unit", "us") == "us" else r["unit"]
        print(f"  {'met    ' if r['met'] else 'NOT met'}  {r['name']}: ratio {r['ratio']:.2f}x "
              f"(target {r['target']}; vpos {r['vpos']:.2f} {unit}, peer {r['peer']:.2f} {unit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
