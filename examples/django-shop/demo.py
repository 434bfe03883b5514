#!/usr/bin/env python3
"""`make demo`: the gateway sandbox and the demo shop, both on free ports of 127.0.0.1.

1. binds the shop's socket (port 0: a free one), so its notification URLs are known;
2. starts hostedpay-sandbox with the "back office" notification URLs of FloCash and CECA (a
   --config file) and reads the sandbox's address from its first line;
3. points the shop at the sandbox, migrates the SQLite database, sets a fresh password for
   the `admin` user, and serves the shop (Django's threaded WSGI server, static files for the
   admin included) until Ctrl-C or SIGTERM, which stop both.

The first lines printed are machine-readable (`shop: URL`, `sandbox: URL`, `admin: ...`,
`reconcile: COMMAND`, the shell command that runs `manage.py vpos_reconcile` against this shop):
the end-to-end test reads them.
"""

import argparse
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")


def _die_with_parent():
    """The sandbox is stopped by the kernel if this process dies without cleaning up (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort
        pass


def _stop(signum, frame):
    raise KeyboardInterrupt


def start_sandbox(binary, port, time_scale, shop_url, token, workdir):
    config = Path(workdir) / "sandbox.json"
    # FloCash's back-office settings: where notifications go (the URL holds the secret token,
    # so it is not put in the checkout form the customer's browser sees), and "pending, paid
    # later" payments settle 10 real seconds after the customer chose them. CECA's panel URL
    # likewise; a pending PayPal payment completes, and a paid Bitpay invoice confirms, a few
    # real seconds later.
    config.write_text(json.dumps({
        "flocash": {"notify_url": f"{shop_url}/vpos/flocash/default/{token}/",
                    "pending_seconds": int(10 * time_scale)},
        "ceca": {"notify_url": f"{shop_url}/vpos/ceca/default/"},
        "paypal": {"pending_seconds": int(10 * time_scale)},
        "bitpay": {"confirm_seconds": int(3 * time_scale)},
        # PayPal REST's webhook subscription: hostedpay.django's notification URL.
        "paypal_rest": {"webhook_url": f"{shop_url}/vpos/paypal_rest/default/"},
    }))
    config.chmod(0o600)
    proc = subprocess.Popen(
        [binary, "--listen", f"127.0.0.1:{port}", "--time-scale", str(time_scale), "--config", str(config)],
        stdout=subprocess.PIPE, text=True, preexec_fn=_die_with_parent)
    first = proc.stdout.readline()
    prefix = "hostedpay-sandbox listening on "
    if not first.startswith(prefix):
        proc.kill()
        raise SystemExit(f"demo: hostedpay-sandbox did not start (said {first!r})")

    def relay():
        for line in proc.stdout:
            print(f"[sandbox] {line}", end="", flush=True)

    threading.Thread(target=relay, daemon=True).start()
    return proc, first[len(prefix):].strip().rstrip("/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", required=True, help="the hostedpay-sandbox binary")
    parser.add_argument("--time-scale", type=int, default=3600,
                        help="sandbox time runs this many times faster (3600: FloCash's hourly retry every second)")
    parser.add_argument("--port", type=int, default=0, help="shop port (0: a free one)")
    parser.add_argument("--sandbox-port", type=int, default=0, help="sandbox port (0: a free one)")
    parser.add_argument("--db", default=os.environ.get("SHOP_DB", str(HERE / "db.sqlite3")), help="SQLite file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class RequestHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            path = getattr(self, "path", "")
            # The order page polls every second; hostedpay.django logs notifications itself, with
            # the token in their URL hidden.
            if path.startswith(("/vpos/", "/static/")) or path.endswith("/status.json"):
                return
            sys.stderr.write(f"[shop] {format % args}\n")

    server = ThreadedWSGIServer(("127.0.0.1", args.port), RequestHandler)
    shop_url = f"http://127.0.0.1:{server.server_port}"
    token = secrets.token_urlsafe(24)
    sandbox = None
    with tempfile.TemporaryDirectory(prefix="vpos-demo-") as workdir:
        try:
            sandbox, sandbox_url = start_sandbox(args.sandbox, args.sandbox_port, args.time_scale,
                                                 shop_url, token, workdir)
            os.environ.update(SANDBOX_URL=sandbox_url, SHOP_URL=shop_url, VPOS_FLOCASH_TOKEN=token,
                              SHOP_DB=args.db)

            import django
            from django.contrib.staticfiles.handlers import StaticFilesHandler
            from django.core.management import call_command
            from django.core.wsgi import get_wsgi_application

            django.setup()
            call_command("check", fail_level="ERROR")  # vpos validates every gateway's settings here
            call_command("migrate", verbosity=0)
            from django.contrib.auth import get_user_model

            password = secrets.token_urlsafe(12)
            admin, _ = get_user_model().objects.get_or_create(username="admin")
            admin.is_staff = admin.is_superuser = True
            admin.set_password(password)
            admin.save()
            server.set_app(StaticFilesHandler(get_wsgi_application()))

            print(f"shop: {shop_url}/", flush=True)
            print(f"sandbox: {sandbox_url}/", flush=True)
            print(f"admin: {shop_url}/admin/ user admin password {password}", flush=True)
            # What cron would run: the shop's settings (these URLs, this database), every
            # payment still waiting and every operation still pending, whatever its age.
            reconcile = " ".join(
                [f"{k}={shlex.quote(os.environ[k])}" for k in ("SANDBOX_URL", "SHOP_URL", "SHOP_DB")]
                + [shlex.quote(sys.executable), shlex.quote(str(HERE / "manage.py")), "vpos_reconcile",
                   "--older-than", "0s"])
            print(f"reconcile: {reconcile}", flush=True)
            print(f"""
  vpos demo shop          {shop_url}/        <- open this
  Django admin            {shop_url}/admin/  (user admin, password {password})
  gateways (hostedpay-sandbox) {sandbox_url}/_sandbox/  event log and fault injection
  database                {args.db}
  Buy, pay with FloCash, Redsys, CECA, Santander Elavon, PayPal, PayPal (classic) or Bitpay, pick an outcome on
  the gateway's page, watch the order page follow the notifications.

  Nothing stuck: lose the next payment's notifications and the next operation's reply
    curl -X POST {sandbox_url}/_sandbox/faults -H 'content-type: application/json' \\
         -d '{{"lose_notifications": 1, "lose_replies": 1}}'
  pay with Redsys: the order page stays "new". Ask the gateways what became of it:
    {reconcile}
  and the order reads "paid". Refund it in the admin (Payments, action "Refund what
  remains"): the refund stays "pending" (gateway_unavailable); run the same command again:
  the refund reads "succeeded" and the order "refunded", the sandbox refunded it once.
  Ctrl-C stops both.
""", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\ndemo: stopping", flush=True)
        finally:
            server.server_close()
            if sandbox is not None and sandbox.poll() is None:
                sandbox.terminate()
                try:
                    sandbox.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    sandbox.kill()
                    sandbox.wait()
    print("demo: shop and sandbox stopped", flush=True)


if __name__ == "__main__":
    main()
