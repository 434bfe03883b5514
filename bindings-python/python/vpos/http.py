"""HTTP as plain values (mirrors ``vpos_core::http``), plus a stdlib client for them.

The core performs no I/O: it describes a request (``{"method", "url", "headers": [[n, v]],
"body"}``) and interprets the host's reply (``{"status": int, "body": bytes}`` or, when no
answer came, ``{"error": str}``). :func:`send` is the default way to get that reply.
"""

from __future__ import annotations

# Annotations stay strings (no `typing` import at run time; see vpos/errors.py).

from vpos._vpos import http as _native

RedirectForm = _native.RedirectForm

__all__ = ["RedirectForm", "send"]

#: Replies longer than this are cut: a post-back answer is a single word.
MAX_REPLY_BYTES = 64 * 1024


def send(request: "Mapping[str, object]", timeout: float = 10.0) -> dict[str, int | bytes | str]:
    """Performs ``request`` with :mod:`urllib` and returns the reply in the core's shape.

    Never raises for network trouble: a timeout, a refused connection or a TLS failure comes
    back as ``{"error": "..."}`` so the core can say ``postback_failed``. Redirects are not
    followed (a post-back that is redirected is not an answer). ``timeout`` applies to
    connecting and to each read.
    """
    # Imported here: urllib pulls in http.client, email and ssl, which `import vpos` must not pay.
    import http.client
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
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(req, timeout=timeout) as resp:
            return {"status": resp.status, "body": resp.read(MAX_REPLY_BYTES)}
    except urllib.error.HTTPError as e:
        try:
            content = e.read(MAX_REPLY_BYTES)
        except Exception:  # noqa: BLE001 - the status is what matters; the body is optional
            content = b""
        return {"status": e.code, "body": content}
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return {"error": f"{type(e).__name__}: {reason}"}
