"""Running the real CLI in tests: in-process through typer's runner, or as a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from openness.cli import _build_app


@dataclass(frozen=True)
class Run:
    """What one CLI run printed and returned."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        """stdout parsed as the JSON report."""
        return json.loads(self.stdout)

    def model(self, repo_id: str) -> dict[str, Any]:
        """One model's entry of the JSON report."""
        return next(m for m in self.json()["models"] if m["repo_id"] == repo_id)


def cli(*args: str, endpoint: str | None = None, stdin: str | None = None) -> Run:
    """Run `openness ARGS` in-process (the same typer app as the console script)."""
    extra = ["--endpoint", endpoint] if endpoint else []
    argv = list(args)
    if argv and argv[0] == "score":
        argv = argv[:1] + extra + argv[1:]
    result = CliRunner().invoke(_build_app(), argv, prog_name="openness", input=stdin)
    return Run(result.exit_code, result.stdout, result.stderr)


def cli_process(*args: str, endpoint: str, timeout: float = 120) -> Run:
    """Run `python -m openness ARGS` in a child process with HF_ENDPOINT set."""
    env = {**os.environ, "HF_ENDPOINT": endpoint}
    done = subprocess.run([sys.executable, "-m", "openness", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def axes(model: dict[str, Any]) -> tuple[str, str, str]:
    """(weights, data, code) words of one JSON model entry."""
    return tuple(model["axes"][a]["level"] for a in ("weights", "data", "code"))  # type: ignore[return-value]


def read_pty(leader: int, proc: "subprocess.Popen[bytes]") -> str:
    """Everything a child wrote to a pseudo-terminal (until it closed it), as text."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")
