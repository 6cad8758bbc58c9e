"""`openness scan --engine ray`: the same rows as the local scan, from a local Ray instance.

Skipped where Ray is not installed (`pip install 'openness[ray]'`)."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("pyarrow")
# Only whether Ray is there, not an import of it: every xdist worker collects this module,
# and importing ray.data (with pandas) costs each of them over a second of CPU.
if importlib.util.find_spec("ray") is None:
    pytest.skip("Ray is not installed: pip install 'openness[ray]'", allow_module_level=True)

from helpers import cli  # noqa: E402
from scan_fixtures import base_rows, write_dump  # noqa: E402


def _rows(path) -> list[str]:
    return sorted(path.read_text(encoding="utf-8").splitlines(), key=lambda l: json.loads(l)["repo_id"])


def test_the_ray_engine_writes_the_same_rows_as_the_local_engine(tmp_path):
    pytest.importorskip("ray.data")  # ray without its Data extra: skipped, as before
    dump = write_dump(tmp_path / "dump.parquet", base_rows())
    # The local engine in-process (tests/test_scan.py runs it so throughout); Ray in a child,
    # so its local instance starts and stops with that process, as a user's would.
    local, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    run = cli("scan", str(dump), "-o", str(local), "--jobs", "1", "--batch-size", "3", "--engine", "local",
              "--quiet")
    assert run.code == 0, run.stderr[-2000:]
    # Ray's default authentication mode, as a user gets it (its token kept in this HOME).
    env = {k: v for k, v in os.environ.items()
           if k not in ("RAY_ADDRESS", "RAY_AUTH_MODE", "RAY_BACKEND_LOG_LEVEL") and not k.startswith("RAY_AUTH_TOKEN")}
    env |= {"RAY_DISABLE_USAGE_STATS": "1", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "openness", "scan", str(dump), "-o", str(ray_out), "--jobs", "1",
                           "--batch-size", "3", "--engine", "ray"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    # stderr is for the scan's own lines: not Ray's notice of its default mode, nor the C++
    # line that setting RAY_BACKEND_LOG_LEVEL prints (other machines may add Ray's warnings
    # about themselves, a small /dev/shm say, which a user should see).
    assert "openness: scanned" in done.stderr
    assert "Token authentication is enabled" not in done.stderr, done.stderr[-2000:]
    assert "RAY_BACKEND_LOG_LEVEL" not in done.stderr, done.stderr[-2000:]
    assert len(_rows(ray_out)) == len(base_rows())
    assert _rows(ray_out) == _rows(local)
