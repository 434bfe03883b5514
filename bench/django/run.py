"""``make bench-django``: the vpos Redsys notification endpoint next to a plain python-redsys
view (``plainapp/views.py``), both under the same gunicorn (4 sync workers) on PostgreSQL.

For each round a bounded load generator on 127.0.0.1 (16 client threads, ``http.client``, one
connection per request as gunicorn's sync workers close them; at most 60 s a round) posts
distinct Redsys notifications, signed with Redsys's public test key by the vpos binding's
signer, plus duplicates of a tenth of them shuffled in, each paying its own payment. The
rounds alternate vpos, plain, vpos, plain … after one warm-up round each, so a noisy machine
weighs on both alike. Afterwards the database is checked for exactly-once: every notified
payment paid, one applied notification and one delivered event per payment, every duplicate
stored ``already_applied``, every answer 200.

Reports notifications/s (answered notifications, duplicates included, over the round's wall
time), p50/p99 latency seen by the clients, SQL statements per applied notification (counted by
the site's middleware, ``X-SQL-Statements``), the gunicorn workers' CPU time per notification
(``/proc``: what a busy machine stretches least), the ratio vpos ÷ plain (target ≥ 1.2), the
load average, and writes them to the JSON file named by ``--out``. Exit status 1 when a check fails
(a missed target is reported, not a failure).

The database (``DATABASE_URL``, PostgreSQL) is created when missing, migrated, and its vpos
tables emptied first: give it a database of its own.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import unquote, urlencode, urlparse

HERE = Path(__file__).resolve().parent
CLIENTS = 16
WORKERS = 4
ROUND_SECONDS = 60.0
TARGET = 1.2
AMOUNT_MINOR = 4999
URLS = {"vpos": "/vpos/redsys/default/", "plain": "/plain/redsys/"}


def ensure_database(url: str) -> None:
    """Creates the database named in ``url`` when the server does not have it."""
    import psycopg

    u = urlparse(url)
    name = unquote(u.path.lstrip("/")) or "postgres"
    admin = u._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone() is None:
            conn.execute(f'create database "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()


def reset_tables() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("truncate vpos_paymentevent, vpos_notification, vpos_refund, vpos_payment "
                       "restart identity cascade")


def signed_body(gateway: Any, order: str, auth: str) -> bytes:
    """An HTTP-POST Redsys notification for ``order``, signed by the vpos binding."""
    from django.conf import settings

    params = base64.b64encode(json.dumps({
        "Ds_Date": "06%2F12%2F2026", "Ds_Hour": "10%3A00", "Ds_Amount": str(AMOUNT_MINOR),
        "Ds_Currency": "978", "Ds_Order": order, "Ds_MerchantCode": settings.REDSYS_MERCHANT,
        "Ds_Terminal": settings.REDSYS_TERMINAL.rjust(3, "0"), "Ds_Response": "0000",
        "Ds_TransactionType": "0", "Ds_AuthorisationCode": auth, "Ds_SecurePayment": "1",
        "Ds_MerchantData": "",
    }, separators=(",", ":")).encode()).decode()
    return urlencode({"Ds_SignatureVersion": "HMAC_SHA256_V1", "Ds_MerchantParameters": params,
                      "Ds_Signature": gateway.sign(order, params)}).encode()


def prepare_round(index: int, count: int, duplicates: float, seed: int) -> Tuple[List[str], List[Tuple[str, bytes]]]:
    """Creates ``count`` payments for round ``index`` and returns their orders and the
    shuffled requests (each notification once, a ``duplicates`` share of them twice)."""
    import hostedpay
    from django.conf import settings
    from hostedpay.django import conf
    from hostedpay.django.models import Payment

    account = conf.get_account("redsys", "default")
    gateway = hostedpay.redsys.Gateway(dict(settings.VPOS["redsys"]))
    orders = [f"{index + 1:02d}{i:010d}" for i in range(count)]
    Payment.objects.bulk_create(
        [Payment(gateway="redsys", account="default", order_id=o, merchant=settings.REDSYS_MERCHANT,
                 amount_minor=AMOUNT_MINOR, currency="EUR", item_name="Tea", live=account.live) for o in orders],
        batch_size=1000)
    bodies = [(o, signed_body(gateway, o, f"{i % 1000000:06d}")) for i, o in enumerate(orders)]
    rng = random.Random(seed + index)
    requests = bodies + rng.sample(bodies, int(count * duplicates))
    rng.shuffle(requests)
    return orders, requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="benchsite.settings")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--chdir", str(HERE),
                             "--log-level", "warning", "benchsite.wsgi:application"], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", URLS["vpos"])
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def server_cpu_seconds(master: int) -> Optional[float]:
    """User + system CPU time of gunicorn's workers so far (Linux ``/proc``; else ``None``):
    the cost per notification, which a busy machine stretches far less than wall time."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:  # ppid; utime and stime are fields 14 and 15 of stat
                total += int(fields[11]) + int(fields[12])
        return total / ticks
    except (OSError, ValueError, IndexError):
        return None


def run_round(port: int, view: str, requests: List[Tuple[str, bytes]], master: int = 0) -> Dict[str, Any]:
    """Posts ``requests`` to ``view`` from CLIENTS threads, for at most ROUND_SECONDS."""
    cpu_before = server_cpu_seconds(master) if master else None
    lock = threading.Lock()
    todo = iter(requests)
    results: List[Tuple[str, int, float, int]] = []  # order, status, seconds, statements
    errors: List[str] = []
    start = time.monotonic()
    deadline = start + ROUND_SECONDS

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            order, body = item
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", URLS[view], body, {"Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                response.read()
                statements = int(response.getheader("X-SQL-Statements") or -1)
                conn.close()
            except OSError as e:
                with lock:
                    errors.append(f"{order}: {type(e).__name__}: {e}")
                continue
            took = time.perf_counter() - began
            with lock:
                results.append((order, response.status, took, statements))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    cpu_after = server_cpu_seconds(master) if master else None
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    latencies = sorted(r[2] for r in results)
    return {
        "view": view, "sent": len(requests), "answered": len(results), "errors": errors[:10],
        "error_count": len(errors), "seconds": round(wall, 3),
        "per_second": round(len(results) / wall, 1) if wall else 0.0,
        "p50_ms": round(1000 * percentile(latencies, 50), 2), "p99_ms": round(1000 * percentile(latencies, 99), 2),
        "statuses": sorted({r[1] for r in results}),
        "server_cpu_ms": round(1000 * cpu / len(results), 3) if cpu is not None and results else None,
        "_results": results,
    }


def percentile(sorted_values: List[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def check_exactly_once(orders: List[str], results: List[Tuple[str, int, float, int]]) -> List[str]:
    """What the database says against what was answered: the problems found (none: [])."""
    from collections import Counter

    from django.db.models import Count, Q
    from hostedpay.django.models import Notification, Payment, PaymentEvent

    problems: List[str] = []
    answered = Counter(r[0] for r in results)
    bad = [r for r in results if r[1] != 200]
    if bad:
        problems.append(f"{len(bad)} answers not 200 (first: {bad[0][:2]})")
    payments = {p["order_id"]: p for p in Payment.objects.filter(gateway="redsys", order_id__in=orders)
                .values("order_id", "status").annotate(n_events=Count("events", distinct=True),
                                                      n_delivered=Count("events", distinct=True,
                                                                        filter=Q(events__delivered_at__isnull=False)))}
    notes = {n["order_id"]: n for n in Notification.objects.filter(gateway="redsys", order_id__in=orders)
             .values("order_id").annotate(total=Count("id"), applied=Count("id", filter=Q(verdict="applied")),
                                         again=Count("id", filter=Q(verdict="already_applied")),
                                         keys=Count("applied_event_key", distinct=True))}
    for order, times in answered.items():
        p, n = payments.get(order), notes.get(order)
        if p is None or n is None:
            problems.append(f"{order}: no payment or no notification row")
            continue
        if p["status"] != "paid" or p["n_events"] != 1 or p["n_delivered"] != 1:
            problems.append(f"{order}: status {p['status']}, {p['n_events']} events, {p['n_delivered']} delivered")
        if (n["total"], n["applied"], n["again"], n["keys"]) != (times, 1, times - 1, 1):
            problems.append(f"{order}: {times} answered, notifications {n}")
    return problems


def summary(rounds: List[Dict[str, Any]], view: str) -> Dict[str, Any]:
    mine = [r for r in rounds if r["view"] == view and not r["warmup"]]
    answered = sum(r["answered"] for r in mine)
    seconds = sum(r["seconds"] for r in mine)
    latencies = sorted(x[2] for r in mine for x in r["_results"])
    applied_statements = [x[3] for r in mine for x in r["_results"] if x[3] >= 0]
    cpu = [r["server_cpu_ms"] for r in mine if r["server_cpu_ms"] is not None]
    return {
        "notifications": answered,
        "per_second": round(answered / seconds, 1) if seconds else 0.0,
        "per_second_rounds": [r["per_second"] for r in mine],
        "p50_ms": round(1000 * percentile(latencies, 50), 2),
        "p99_ms": round(1000 * percentile(latencies, 99), 2),
        # The most frequent count is the applied notifications' (duplicates are a tenth).
        "statements_per_notification": statistics.mode(applied_statements) if applied_statements else None,
        "statements_seen": sorted(set(applied_statements)),
        # gunicorn workers' CPU time per answered notification (PostgreSQL's own not included).
        "server_cpu_ms": round(statistics.median(cpu), 3) if cpu else None,
        "server_cpu_ms_rounds": cpu,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="target/bench/django.json")
    parser.add_argument("--notifications", type=int, default=2000, help="distinct notifications per round")
    parser.add_argument("--duplicates", type=float, default=0.1, help="share of them posted twice")
    parser.add_argument("--pairs", type=int, default=3, help="vpos/plain round pairs, after the warm-up pair")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/vpos_bench"

    ensure_database(url)
    setup_django(url)
    reset_tables()
    plan = [("vpos", True), ("plain", True)] + [(v, False) for _ in range(args.pairs) for v in ("vpos", "plain")]
    prepared = []
    for index, (view, warmup) in enumerate(plan):
        count = max(50, args.notifications // 10) if warmup else args.notifications
        prepared.append((view, warmup, *prepare_round(index, count, args.duplicates, args.seed)))
    from django.db import connection

    connection.close()  # gunicorn's workers open their own

    port = free_port()
    server = start_gunicorn(url, port)
    rounds = []
    try:
        for view, warmup, orders, requests in prepared:
            result = run_round(port, view, requests, server.pid)
            result["warmup"] = warmup
            result["_orders"] = orders
            rounds.append(result)
            print(f"bench-django: {view:5} {'warm-up' if warmup else 'round':7} {result['answered']:5} answered "
                  f"in {result['seconds']:6.2f} s: {result['per_second']:7.1f}/s, p50 {result['p50_ms']} ms, "
                  f"p99 {result['p99_ms']} ms, workers' CPU {result['server_cpu_ms']} ms each", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    problems: List[str] = []
    for r in rounds:
        found = check_exactly_once(r["_orders"], r["_results"])
        if r["error_count"]:
            found.append(f"{r['error_count']} requests failed: {r['errors'][:3]}")
        r["exactly_once"] = not found
        r["problems"] = found[:20]
        problems += [f"{r['view']} round: {p}" for p in found]
    vpos_summary, plain_summary = summary(rounds, "vpos"), summary(rounds, "plain")
    ratio = vpos_summary["per_second"] / plain_summary["per_second"] if plain_summary["per_second"] else 0.0
    cpu_ratio = (plain_summary["server_cpu_ms"] / vpos_summary["server_cpu_ms"]
                 if plain_summary["server_cpu_ms"] and vpos_summary["server_cpu_ms"] else None)
    report = {
        "name": "Django Redsys notification endpoint, PostgreSQL, gunicorn 4 workers, 16 clients",
        "vpos": vpos_summary, "plain": plain_summary, "ratio": round(ratio, 3), "target": TARGET,
        "met": ratio >= TARGET, "exactly_once": not problems, "problems": problems[:20],
        # plain ÷ vpos workers' CPU per notification: what the ratio would be were the workers
        # alone on the CPU (PostgreSQL's share is not in it).
        "ratio_server_cpu": round(cpu_ratio, 3) if cpu_ratio is not None else None,
        "clients": CLIENTS, "workers": WORKERS, "round_seconds_max": ROUND_SECONDS,
        "notifications_per_round": args.notifications, "duplicates": args.duplicates,
        "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
        "rounds": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rounds],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"bench-django: vpos {vpos_summary['per_second']}/s (p50 {vpos_summary['p50_ms']} ms, "
          f"p99 {vpos_summary['p99_ms']} ms, {vpos_summary['statements_per_notification']} statements), "
          f"plain {plain_summary['per_second']}/s (p50 {plain_summary['p50_ms']} ms, p99 {plain_summary['p99_ms']} ms, "
          f"{plain_summary['statements_per_notification']} statements): ratio {ratio:.2f} (target {TARGET}, "
          f"{'met' if ratio >= TARGET else 'not met'}); workers' CPU per notification vpos "
          f"{vpos_summary['server_cpu_ms']} ms, plain {plain_summary['server_cpu_ms']} ms; "
          f"exactly once: {'yes' if not problems else 'NO'}; "
          f"load average {report['load_average']}; {out}")
    for p in problems[:20]:
        print(f"bench-django: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
