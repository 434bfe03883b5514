"""Where a notification's CPU goes: the vpos Redsys endpoint and the plain python-redsys view run
in this one process through Django's WSGI handler (as gunicorn's workers call it), on the bench
site's settings and PostgreSQL database (``DATABASE_URL``; its vpos tables are emptied, as
``run.py`` does), with no HTTP server and no load generator.

    DATABASE_URL=postgres://... target/bench/django-venv/bin/python bench/django/profile_views.py time
    DATABASE_URL=postgres://... target/bench/django-venv/bin/python bench/django/profile_views.py vpos

``time`` (the default): rounds of ``N`` notifications (default 400), vpos and plain
alternating ``PAIRS`` times (default 3), CPU and wall time per notification of this process.
``vpos`` or ``plain``: one round under ``cProfile`` on the CPU clock, the top ``TOP`` functions
sorted by ``SORT`` (default ``cumulative``) printed and the profile written to
``target/bench/<view>.prof``. A tool for looking, not a benchmark: ``make bench-django`` is.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402 - bench/django/run.py

N = int(os.environ.get("N", "400"))


def environ(path: str, body: bytes) -> Dict[str, Any]:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "HTTP_USER_AGENT": "bench",
            "HTTP_CONNECTION": "close", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False, "wsgi.version": (1, 0)}


def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
    assert status.startswith("200"), status


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "time"
    run.setup_django(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/vpos_bench")
    run.reset_tables()
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    rounds = iter(range(100))

    def prepared(view: str, count: int = N) -> List[Dict[str, Any]]:
        _, requests = run.prepare_round(next(rounds), count, 0.0, 1)
        return [environ(run.URLS[view], body) for _, body in requests]

    def go(envs: List[Dict[str, Any]]) -> None:
        for e in envs:
            response = app(e, start_response)
            b"".join(response)
            response.close()

    go(prepared("vpos", 50))  # warm-up: connections, caches
    go(prepared("plain", 50))
    if mode == "time":
        results: Dict[str, List[Tuple[float, float]]] = {"vpos": [], "plain": []}
        for _ in range(int(os.environ.get("PAIRS", "3"))):
            for view in ("vpos", "plain"):
                envs = prepared(view)
                cpu, wall = time.process_time(), time.perf_counter()
                go(envs)
                results[view].append((1000 * (time.process_time() - cpu) / N, 1000 * (time.perf_counter() - wall) / N))
        for view, rs in results.items():
            print(view, ", ".join(f"CPU {c:.3f} ms wall {w:.3f} ms" for c, w in rs))
        cpu_v, cpu_p = (statistics.median(c for c, _ in results[v]) for v in ("vpos", "plain"))
        print(f"median CPU per notification: vpos {cpu_v:.3f} ms, plain {cpu_p:.3f} ms, plain/vpos {cpu_p / cpu_v:.2f}")
        return
    envs = prepared(mode)
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    go(envs)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "60")))
    print(out.getvalue())
    Path("target/bench").mkdir(parents=True, exist_ok=True)
    profile.dump_stats(f"target/bench/{mode}.prof")


if __name__ == "__main__":
    main()
