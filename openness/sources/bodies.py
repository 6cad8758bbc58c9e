"""Reading an HTTP answer's body up to a bound: a hostile or broken server cannot fill memory."""
from __future__ import annotations

from typing import Any


def read_capped(response: Any, limit: int) -> tuple[bytes, bool]:
    """At most `limit` bytes of a streamed response, and whether there was more."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    body = b"".join(chunks)
    return body[:limit], len(body) > limit
