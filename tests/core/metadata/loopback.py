"""An HTTP server on 127.0.0.1 (a free port) on a thread of its own, for the loopback
stand-ins of the services kbapp asks (arXiv's API, the DOI resolver)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Loopback:
    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._stopped = False

    @property
    def base(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stopped, its address kept (a test may ask it again: refused)."""
        if self._server is not None and not self._stopped:
            self._stopped = True
            self._server.shutdown()
            self._server.server_close()
