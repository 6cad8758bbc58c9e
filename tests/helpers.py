"""Running the real CLI in tests: in-process through typer's runner, or as a subprocess."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from click.testing import CliRunner as ClickRunner
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
    result = ClickRunner().invoke(_command(), argv, prog_name="openness", input=stdin)
    return Run(result.exit_code, result.stdout, result.stderr)


@lru_cache(maxsize=1)
def _command() -> Any:
    """The console script's command, built once per test process: typer turns the app into
    a click command on every invoke otherwise, reading every option's signature again."""
    import typer.main

    return typer.main.get_command(_build_app())


def cli_process(*args: str, endpoint: str, timeout: float = 120) -> Run:
    """Run `python -m openness ARGS` in a child process with HF_ENDPOINT set."""
    env = {**os.environ, "HF_ENDPOINT": endpoint}
    done = subprocess.run([sys.executable, "-m", "openness", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def axes(model: dict[str, Any]) -> tuple[str, str, str]:
    """(weights, data, code) words of one JSON model entry."""
    return tuple(model["axes"][a]["verdict"] for a in ("weights", "data", "code"))  # type: ignore[return-value]


@dataclass(frozen=True)
class Growth:
    """Best CPU times of some work on an input and on `factor` times that input."""

    small: float
    large: float
    factor: int
    bound: float

    @property
    def linear(self) -> bool:
        return self.large < self.bound * self.small

    def __str__(self) -> str:
        return f"{self.small:.4f} s -> {self.large:.4f} s for {self.factor}x the input (bound {self.bound}x)"


def growth(make: Callable[[int], Any], run: Callable[[Any], object], n: int, *, factor: int = 2,
           floor: float = 0.005, rounds: int = 9) -> Growth:
    """How `run`'s CPU time grows from `make(n)` to `make(factor * n)`.

    No wall-clock bound (a busy machine would fail it): linear work grows by `factor`, a
    quadratic step by its square, and the bound sits halfway between. CPU time of this
    process only, with the garbage collector off, so neither another process taking the
    core nor the size of this process's heap counts; the two sizes are
    timed in turn, so that a busy spell (cache, memory) falls on both alike; each at its
    best of up to `rounds`, stopping at the first round that is plainly linear. The floor
    keeps timer noise on sub-millisecond runs out: a quadratic step on these sizes takes
    far longer than that, so it hides none.
    """
    def once(value: Any) -> float:
        # The collector off while timed, as timeit does: a full collection walks every object
        # of this test process (thousands of tests' worth in a long-lived xdist worker), a
        # cost of the heap, not of `run`, and the larger input triggers more of them.
        enabled = gc.isenabled()
        gc.disable()
        try:
            start = time.process_time()
            run(value)
            return time.process_time() - start
        finally:
            if enabled:
                gc.enable()

    once(make(max(1, n // 10)))  # warm up caches and compiled patterns
    small_input, large_input = make(n), make(factor * n)
    bound = (factor + factor * factor) / 2
    small = large = float("inf")
    for _ in range(rounds):
        small = min(small, once(small_input))
        large = min(large, once(large_input))
        result = Growth(max(small, floor), large, factor, bound)
        # Stop early only when plainly linear (within a quarter of `factor`): a quadratic
        # step would need its smaller run slowed by more than half to look so.
        if large < 1.25 * factor * max(small, floor):
            break
    return result


def assert_linear(make: Callable[[int], Any], run: Callable[[Any], object], n: int, **options: Any) -> None:
    """Fail unless `run` grows about linearly from `make(n)` to a multiple of it (see `growth`)."""
    found = growth(make, run, n, **options)
    assert found.linear, f"not linear: {found}"


def cli_on_a_terminal(*args: str, stream: str = "stdout", env: dict[str, str] | None = None,
                      unset: tuple[str, ...] = ()) -> str:
    """Run `openness ARGS` in-process with `stream` (stdout or stderr) on a pseudo-terminal,
    as the console script runs; what it wrote there, with the terminal's \\r\\n as \\n.

    The same code path as a child process on a terminal (`isatty()` is true, rich sees a
    terminal), without a Python start-up per run. `env` is set for the run only.
    """
    import pty
    import threading

    from openness.cli import main

    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read while the CLI writes: a full pty buffer would block it
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the writing end was closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    terminal = open(follower, "w", encoding="utf-8", errors="replace", closefd=False)
    saved_env = {key: os.environ.get(key) for key in [*(env or {}), *unset]}
    saved = sys.stdout, sys.stderr, sys.argv
    for key in unset:
        os.environ.pop(key, None)
    os.environ.update(env or {})
    try:
        if stream == "stdout":
            sys.stdout = terminal
        else:
            sys.stderr = terminal
        sys.argv = ["openness", *args]
        try:
            main()
        except SystemExit:
            pass
    finally:
        terminal.flush()
        sys.stdout, sys.stderr, sys.argv = saved
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        terminal.close()
        os.close(follower)
        reader.join(timeout=30)
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
