"""Reading an HTTP answer's body up to a bound: a hostile or broken server cannot fill memory."""
from __future__ import annotations

import socket
from typing import Any

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)
"""Linux only; elsewhere the body is read as it comes."""


def read_capped(response: Any, limit: int) -> tuple[bytes, bool]:
    """At most `limit` bytes of a streamed response, and whether there was more."""
    acknowledge_now(response)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    body = b"".join(chunks)
    return body[:limit], len(body) > limit


def acknowledge_now(response: Any) -> None:
    """Acknowledge the headers just read at once, rather than after Linux's delayed-ACK
    timer (~40 ms on a connection used request after request).

    A server that writes its headers and its body in two writes (Python's http.server, so
    the stand-in Hub; many small servers) has the body held back by Nagle's algorithm
    until the headers are acknowledged: without this, every answer on a kept-alive
    connection came ~40 ms late, which at 50 ms of latency nearly doubled a batch's wall
    time. One system call an answer; nothing changes when the body came with the headers.
    """
    if _QUICKACK is None:
        return
    try:
        sock = response.extensions["network_stream"].get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
    except Exception:  # no socket to reach (a test's transport, HTTP/2): read as it comes
        pass
