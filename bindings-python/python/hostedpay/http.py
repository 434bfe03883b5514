"""HTTP as plain values (mirrors ``vpos_core::http``), plus a stdlib client for them.

The core performs no I/O: it describes a request (``{"method", "url", "headers": [[n, v]],
"body"}``) and interprets the host's reply (``{"status": int, "body": bytes}`` or, when no
answer came, ``{"error": str}``). :func:`send` is the default way to get that reply.
"""

from __future__ import annotations

# Annotations stay strings (no `typing` import at run time; see hostedpay/errors.py).

from hostedpay._hostedpay import http as _native

RedirectForm = _native.RedirectForm

__all__ = ["RedirectForm", "send"]

#: Replies longer than this are cut: a post-back answer is a single word.
MAX_REPLY_BYTES = 64 * 1024


def send(request: "Mapping[str, object]", timeout: float = 10.0) -> dict[str, int | bytes | str]:
    """Performs ``request`` with :mod:`urllib` and returns the reply in the core's shape.

    Never raises for network trouble: a timeout, a refused connection or a TLS failure comes
    back as ``{"error": "..."}`` so the core can say ``postback_failed``. Redirects are not
    followed (a post-back that is redirected is not an answer). ``timeout`` bounds the whole
    exchange, not each read: a reply dripped a byte at a time is cut off once ``timeout``
    seconds have passed since the request started (connecting to each of the host's
    addresses is bounded by what is left of it).
    """
    # Imported here: urllib pulls in http.client, email and ssl, which `import hostedpay` must not pay.
    import http.client
    import time
    import urllib.error
    import urllib.request

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    method = request["method"]
    body = request.get("body")
    data = body.encode("utf-8") if (body and method != "GET") else None
    req = urllib.request.Request(
        request["url"], data=data, method=method, headers=dict(request.get("headers") or ())
    )
    deadline = _Deadline(timeout)
    opener = urllib.request.build_opener(_NoRedirect(), *deadline.handlers())
    try:
        try:
            with opener.open(req, timeout=timeout) as resp:
                return deadline.reply({"status": resp.status, "body": resp.read(MAX_REPLY_BYTES)})
        except urllib.error.HTTPError as e:
            try:
                content = e.read(MAX_REPLY_BYTES)
            except Exception:  # noqa: BLE001 - the status is what matters; the body is optional
                content = b""
            finally:
                e.close()
            return deadline.reply({"status": e.code, "body": content})
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
            if deadline.expired or time.monotonic() >= deadline.at:
                return deadline.timed_out()
            reason = getattr(e, "reason", e)
            return {"error": f"{type(e).__name__}: {reason}"}
    finally:
        deadline.cancel()


class _Deadline:
    """The total deadline of one :func:`send`: a timer shuts the connection's socket down
    when it passes, which ends any read in progress (``socket.shutdown`` is the way to wake
    a blocked reader from another thread; the socket is closed by its owner as usual)."""

    def __init__(self, timeout: float) -> None:
        import threading
        import time

        self.timeout = timeout
        self.at = time.monotonic() + timeout
        self.expired = False
        self._lock = threading.Lock()
        self._sock: object = None
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def handlers(self) -> "list[object]":
        import http.client
        import urllib.request

        watch = self

        def connection(base: type) -> type:
            class Connection(base):  # type: ignore[misc, valid-type]
                def __init__(self, *args: object, **kwargs: object) -> None:
                    super().__init__(*args, **kwargs)
                    create = self._create_connection

                    def connect(address: object, timeout: object = None, *rest: object) -> object:
                        sock = create(address, watch.remaining(), *rest)
                        watch.watch(sock)
                        return sock

                    self._create_connection = connect

                def connect(self) -> None:
                    super().connect()
                    watch.watch(self.sock)  # the TLS socket that replaced the TCP one
                    self.sock.settimeout(watch.remaining())

            return Connection

        class HTTPHandler(urllib.request.HTTPHandler):
            def do_open(self, http_class: type, req: object, **kwargs: object) -> object:
                return super().do_open(connection(http_class), req, **kwargs)

        out: "list[object]" = [HTTPHandler()]
        if hasattr(http.client, "HTTPSConnection"):
            class HTTPSHandler(urllib.request.HTTPSHandler):
                def do_open(self, http_class: type, req: object, **kwargs: object) -> object:
                    return super().do_open(connection(http_class), req, **kwargs)

            out.append(HTTPSHandler())
        return out

    def remaining(self) -> float:
        import socket
        import time

        left = self.at - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out")
        return left

    def watch(self, sock: object) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shutdown()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        import socket

        try:
            # The plain socket's shutdown, also for a TLS socket: ends the TCP connection at
            # once, without touching the TLS state another thread is reading through.
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)  # type: ignore[arg-type]
        except (OSError, TypeError):
            pass  # not connected yet, or already closed

    def cancel(self) -> None:
        self._timer.cancel()

    def reply(self, reply: "dict[str, int | bytes | str]") -> "dict[str, int | bytes | str]":
        # A body cut short by the deadline is no answer.
        return self.timed_out() if self.expired else reply

    def timed_out(self) -> "dict[str, int | bytes | str]":
        return {"error": f"TimeoutError: no complete reply within {self.timeout:g} s"}
