"""`openness scan --engine ray`: the same rows as the local scan, from a local Ray instance.

Skipped where Ray is not installed (`pip install 'openness[ray]'`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("ray.data")

from scan_fixtures import base_rows, write_dump  # noqa: E402


def test_the_ray_engine_writes_the_same_rows_as_the_local_engine(tmp_path):
    dump = write_dump(tmp_path / "dump.parquet", base_rows())
    outputs = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.jsonl"
        env = {**os.environ, "RAY_ADDRESS": "", "RAY_DISABLE_USAGE_STATS": "1", "RAY_AUTH_MODE": "disabled"}
        done = subprocess.run([sys.executable, "-m", "openness", "scan", str(dump), "-o", str(out), "--jobs", "1",
                               "--batch-size", "3", "--engine", engine, "--quiet"],
                              env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs[engine] = sorted(out.read_text(encoding="utf-8").splitlines(), key=lambda l: json.loads(l)["repo_id"])
    assert len(outputs["ray"]) == len(base_rows())
    assert outputs["ray"] == outputs["local"]
