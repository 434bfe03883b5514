"""The project's own ``hostedpay-sandbox`` for the tests that talk to it over HTTP: one way to
start it (with the options a test needs), wait for its "listening" line, reach it and stop it,
and the merchant accounts that point a gateway at it; and the relay that takes its
webhooks and notifications to the Django view in the test's own thread.

``HOSTEDPAY_SANDBOX`` names a built binary to run (its wheel's, or
``target/debug/hostedpay-sandbox``); without it, ``cargo run -p vpos-sandbox``."""

from __future__ import annotations

import http.client
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

REPO = Path(__file__).resolve().parents[2]
#: A built ``hostedpay-sandbox`` to run instead of ``cargo run -p vpos-sandbox``.
SANDBOX_BINARY = os.environ.get("HOSTEDPAY_SANDBOX")
LISTENING = "hostedpay-sandbox listening on "


def cargo() -> Optional[str]:
    return shutil.which("cargo")


#: For the tests (or modules) that need the sandbox: skipped where it cannot run.
needs_sandbox = pytest.mark.skipif(
    cargo() is None and not SANDBOX_BINARY,
    reason="needs cargo (or HOSTEDPAY_SANDBOX) to run the project's hostedpay-sandbox")


class Sandbox:
    """``hostedpay-sandbox`` on a free port of 127.0.0.1, its base URL in ``base``.

    ``options`` are its command-line flags (``--seed``, ``--time-scale`` …); ``config`` is
    written to a temporary JSON file given as ``--config``. ``binary`` is what runs (``None``:
    ``cargo run``, the README's command)."""

    def __init__(self, *options: str, config: Optional[Mapping[str, Any]] = None,
                 binary: Optional[str] = SANDBOX_BINARY) -> None:
        self._config_path: Optional[str] = None
        if config is not None:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
                json.dump(config, file)
            self._config_path = file.name
            options = (*options, "--config", file.name)
        command = [binary] if binary else [cargo() or "cargo", "run", "-q", "-p", "vpos-sandbox", "--"]
        self.proc = subprocess.Popen([*command, "--listen", "127.0.0.1:0", *options], cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith(LISTENING):
            self.close()
            raise RuntimeError(f"hostedpay-sandbox did not start: {line!r}")
        self.base = line[len(LISTENING):].strip()
        # Keep reading its output so a full pipe never blocks it.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for _ in self.proc.stdout:
            pass

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        path = getattr(self, "_config_path", None)
        if path:
            Path(path).unlink(missing_ok=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- HTTP -----------------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes = b"",
                content_type: str = "application/json") -> Tuple[int, Dict[str, str], bytes]:
        """One request, redirects not followed (an approve page's 303 goes to the shop)."""
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": content_type})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def post(self, path: str, data: bytes, content_type: str) -> Tuple[int, bytes]:
        """A POST as a browser sends it: redirects followed, an error status returned as such."""
        req = Request(self.base + path, data=data, method="POST", headers={"Content-Type": content_type})
        try:
            with urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
                return resp.status, resp.read()
        except HTTPError as e:
            return e.code, e.read()

    def json(self, path: str) -> Any:
        with urlopen(self.base + path, timeout=30) as resp:  # noqa: S310 - loopback only
            return json.loads(resp.read())

    def send_json(self, path: str, doc: Mapping[str, Any]) -> Tuple[int, Any]:
        status, body = self.post(path, json.dumps(doc).encode(), "application/json")
        return status, json.loads(body or b"null")

    # --- its control API (/_sandbox/…) ---------------------------------------------------

    def reset(self) -> None:
        status, _ = self.post("/_sandbox/reset", b"", "application/json")
        assert status == 200

    def faults(self, **counts: int) -> None:
        status, answer = self.send_json("/_sandbox/faults", counts)
        assert status == 200, answer

    def pay(self, gateway: str, order: str, outcome: str) -> Any:
        status, answer = self.send_json("/_sandbox/pay", {"gateway": gateway, "order": order, "outcome": outcome})
        assert status == 200, answer
        return answer

    def events(self) -> List[Dict[str, Any]]:
        events: List[Dict[str, Any]] = self.json("/_sandbox/events")["events"]
        return events

    def orders(self, gateway: str) -> List[Dict[str, Any]]:
        return [o for o in self.json("/_sandbox/orders")["orders"] if o.get("gateway") == gateway]

    def order(self, gateway: str, order: str) -> Dict[str, Any]:
        """The sandbox's one row of ``order`` (Redsys ``Ds_Order``, PayPal's id, Bitpay's invoice id)."""
        rows = [o for o in self.orders(gateway) if o.get("order") == order]
        assert len(rows) == 1, rows
        return rows[0]

    # --- merchant accounts pointed at it ---------------------------------------------------

    def redsys(self, account: Mapping[str, Any], **extra: Any) -> Dict[str, Any]:
        """``account`` (merchant code, terminal, key) with Redsys's endpoints on the sandbox."""
        return {**account, "checkout_url": f"{self.base}/sis/realizarPago",
                "rest_url": f"{self.base}/sis/rest/trataPeticionREST", **extra}

    def ceca(self, **extra: Any) -> Dict[str, Any]:
        """The sandbox's CECA terminal (sandbox/src/config.rs), its checkout on the sandbox."""
        return {"merchant_id": "111950028", "acquirer_bin": "0000554052", "terminal_id": "00000003",
                "key": "99888888", "cipher": "SHA2", "checkout_url": f"{self.base}/tpvweb/tpv/compra.action",
                **extra}

    def paypal_rest(self, **extra: Any) -> Dict[str, Any]:
        """The sandbox's PayPal REST app and webhook (sandbox/src/config.rs)."""
        return {"client_id": "sandbox-paypal-client-id", "secret": "sandbox-paypal-secret",
                "api_base": self.base, "webhook_id": "SANDBOXWEBHOOK0001", "merchant": "HOSTEDPAY0001", **extra}


def running(*options: str, config: Optional[Mapping[str, Any]] = None,
            binary: Optional[str] = SANDBOX_BINARY) -> Iterator[Sandbox]:
    """A sandbox for a fixture's ``yield``: stopped when the fixture ends."""
    with Sandbox(*options, config=config, binary=binary) as box:
        yield box


class Relay:
    """The webhook listener the sandbox posts to: each delivery waits in ``inbox`` until the
    test's thread has posted it to the Django view, and is answered with the view's status."""

    def __init__(self) -> None:
        self.inbox: "queue.Queue[Tuple[Dict[str, str], bytes, queue.Queue[int]]]" = queue.Queue()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer: "queue.Queue[int]" = queue.Queue()
                relay.inbox.put(({k: v for k, v in self.headers.items()}, body, answer))
                try:
                    status = answer.get(timeout=30)
                except queue.Empty:
                    status = 503
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def drain(self) -> None:
        while True:
            try:
                _, _, answer = self.inbox.get_nowait()
            except queue.Empty:
                return
            answer.put(503)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def serve(self, failure: str, handle: Callable[[Dict[str, str], bytes], Tuple[int, bool]],
              seconds: float = 20) -> None:
        """Hands each delivery, in this thread, to ``handle`` (what the shop does with it), answers
        the sandbox with the status ``handle`` gives, and stops once ``handle`` says it was the
        one awaited; fails with ``failure`` after ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            assert left > 0, failure
            try:
                headers, body, answer = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            status, done = handle(headers, body)
            answer.put(status)
            if done:
                return

