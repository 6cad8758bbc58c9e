"""A cold batch: what it asks of the Hub, and how it reads the answers (issue 17)."""
from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from openness.sources.bodies import read_capped


def _answer(chunks: list[bytes], sock: object = None) -> SimpleNamespace:
    stream = SimpleNamespace(get_extra_info=lambda what: sock if what == "socket" else None)
    return SimpleNamespace(extensions={"network_stream": stream} if sock else {}, iter_bytes=lambda: iter(chunks))


@pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK is Linux only")
def test_headers_are_acknowledged_at_once_before_the_body_is_read():
    # A server writing headers and body apart has the body held by Nagle until that ACK.
    with socket.create_server(("127.0.0.1", 0)) as server, \
            socket.create_connection(server.getsockname()) as client:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 0)
        assert read_capped(_answer([b"ab", b"cd"], client), 3) == (b"abc", True)
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK) == 1


def test_an_answer_without_a_socket_is_read_as_it_comes():
    assert read_capped(_answer([b"ab", b"cd"]), 10) == (b"abcd", False)


def test_cache_entries_are_written_whole_with_the_umask_mode_and_no_temporary_left(tmp_path):
    import os

    from openness.cache import _read_regular_file, _write_entry

    path = tmp_path / "a" / "b" / "entry.json"  # folders made on the way
    _write_entry(str(path), "é".encode() * 40_000)
    _write_entry(str(path), b"{}")  # replaced whole
    assert _read_regular_file(path) == "{}"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["entry.json"]
    _write_entry(str(path), "é".encode() * 40_000)
    assert _read_regular_file(path) == "é" * 40_000
