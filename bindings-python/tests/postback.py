"""A real FloCash post-back endpoint on 127.0.0.1 (``http.server`` in a thread).

Tests set what it answers (status, body, delay) and read what it received. It is a server,
not a mock of the client: the notification view's stdlib client really connects to it.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List, Optional, Tuple


class PostbackServer:
    def __init__(self) -> None:
        self.status = 200
        self.body = b"VERIFIED"
        self.delay = 0.0
        self.barrier: Optional[threading.Barrier] = None
        self.received: List[Tuple[str, dict, bytes]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with server._lock:
                    server.received.append((self.path, dict(self.headers), body))
                if server.barrier is not None:
                    try:
                        server.barrier.wait(timeout=20)
                    except threading.BrokenBarrierError:
                        pass
                if server.delay:
                    time.sleep(server.delay)
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    self.wfile.write(server.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 64  # 20 deliveries connect at once in the concurrency test

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "PostbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
