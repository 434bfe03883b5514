"""Interleaved timing and the row format every peer benchmark writes.

Two implementations are timed in alternating batches (A B A B ...), so a change in the machine's
load hits both alike; each side's figure is the median per-call time over the rounds, wall time
and CPU time (`time.process_time`) side by side. Only the ratio of two figures from one run
means anything on a shared machine.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Callable, Dict, List, Optional

ROUNDS = int(os.environ.get("VPOS_BENCH_ROUNDS", "51"))
# Each batch runs for about this long: long enough that timer resolution and call overhead
# vanish, short enough that most batches finish inside one scheduler time slice on a busy
# machine (a batch that was preempted is slow, and the median leaves it out).
BATCH_SECONDS = float(os.environ.get("VPOS_BENCH_BATCH_SECONDS", "0.002"))


def _batch(fn: Callable[[], object], n: int) -> "tuple[float, float]":
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n


def _calls_per_batch(fn: Callable[[], object]) -> int:
    n = 1
    while True:
        wall, _ = _batch(fn, n)
        if wall * n >= BATCH_SECONDS / 10 or n >= 1 << 20:
            return max(1, int(BATCH_SECONDS / wall))
        n *= 4


def interleaved(vpos: Callable[[], object], peer: Callable[[], object]) -> Dict[str, float]:
    """Median seconds per call of each side, wall and CPU, over `ROUNDS` alternating batches."""
    for fn in (vpos, peer):  # warm caches and lazy imports before anything is timed
        for _ in range(50):
            fn()
    nv, np_ = _calls_per_batch(vpos), _calls_per_batch(peer)
    samples: Dict[str, List[float]] = {"vpos": [], "vpos_cpu": [], "peer": [], "peer_cpu": []}
    ratios: List[float] = []
    for _ in range(ROUNDS):
        w, c = _batch(vpos, nv)
        samples["vpos"].append(w)
        samples["vpos_cpu"].append(c)
        w, c = _batch(peer, np_)
        samples["peer"].append(w)
        samples["peer_cpu"].append(c)
        ratios.append(samples["peer"][-1] / samples["vpos"][-1])
    times = {k: statistics.median(v) for k, v in samples.items()}
    # The two batches of a round ran back to back, under the same load: the median of the
    # rounds' ratios is steadier than the ratio of the medians on a busy machine.
    times["ratio"] = statistics.median(ratios)
    return times


def load_average() -> Optional[float]:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def row(
    name: str,
    times: Dict[str, float],
    peer_name: str,
    *,
    at_least: Optional[float] = None,
    unit: str = "us",
) -> dict:
    """A peers.json row: `ratio` is peer time / vpos time (the median of the rounds' ratios),
    `met` when it reaches `at_least`; `ratio_cpu` the same from the CPU-time medians."""
    scale = 1e6 if unit == "us" else 1e3
    ratio = times.get("ratio", times["peer"] / times["vpos"])
    return {
        "name": name,
        "vpos": round(times["vpos"] * scale, 3),
        "peer": round(times["peer"] * scale, 3),
        "ratio": round(ratio, 3),
        "target": f">= {at_least:g}x" if at_least is not None else None,
        "met": ratio >= at_least if at_least is not None else None,
        "unit": unit,
        "vpos_cpu": round(times["vpos_cpu"] * scale, 3) if "vpos_cpu" in times else None,
        "peer_cpu": round(times["peer_cpu"] * scale, 3) if "peer_cpu" in times else None,
        "ratio_cpu": round(times["peer_cpu"] / times["vpos_cpu"], 3) if "vpos_cpu" in times else None,
        "peer_impl": peer_name,
        "rounds": ROUNDS,
        "load_average": load_average(),
    }


def line(r: dict) -> str:
    """The one line a row prints: `name: vpos …, peer …, ratio …× (target …): met`."""
    unit = "µs" if r["unit"] == "us" else r["unit"]
    peer = f"{r['peer']:.2f} {unit}" if r["peer"] is not None else "—"
    ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "—"
    cpu = ""
    if r.get("vpos_cpu") is not None and r.get("peer_cpu") is not None:
        cpu = f" [cpu {r['vpos_cpu']:.2f} / {r['peer_cpu']:.2f} {unit}]"
    verdict = "met" if r["met"] else "NOT met"
    return (
        f"{r['name']}: vpos {r['vpos']:.2f} {unit}, {r.get('peer_impl') or 'peer'} {peer}, "
        f"ratio {ratio}{cpu} (target {r['target']}): {verdict}"
    )
