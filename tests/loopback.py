"""What the project's stand-in servers (hubstub.py, githubstub.py) share: a threaded HTTP
server on loopback and a keep-alive request handler that answers without delay."""
from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def handle_error(self, request, client_address) -> None:
        # A client that stops reading early (a bounded README read) or times out is
        # normal here; anything else is still printed.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class LoopbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle's algorithm on, the second waits
    # for the client's delayed ACK (40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True
    timeout = 30  # an idle keep-alive connection frees its thread after this long


def serve(server: LoopbackServer, name: str) -> tuple[threading.Thread, str]:
    """Serve `server` on a daemon thread; the thread and the server's base URL."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True)
    thread.start()
    return thread, f"http://127.0.0.1:{server.server_address[1]}"
