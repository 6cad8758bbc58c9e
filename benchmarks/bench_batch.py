"""Batch benchmark: `openness score` against a naive huggingface_hub loop, on a stand-in Hub.

Run it on demand from the repository root (pytest never collects it):

    .venv/bin/python benchmarks/bench_batch.py [-n 100] [--latency-ms 50] [--jobs N] [--json]

It needs ../shared next to the repository (override with --shared DIR): it starts
shared/hub/serve.py on the real-card snapshot, with every request delayed by
--latency-ms, and measures, for the first N model ids of the snapshot (sorted):

  naive    a fresh Python process that calls HfApi().model_info(id) and then
           hf_hub_download(id, "README.md") for each id in turn
  cold     `openness score --from IDS --format json --quiet` with an empty HF_HOME
  warm     the same command again, with the HF_HOME the cold run filled
  startup  `openness --version` and `openness --help`, best of 5

Each run gets HF_ENDPOINT pointed at the stand-in, HF_HUB_DISABLE_TELEMETRY=1,
HF_HUB_DISABLE_XET=1, its own HF_HOME, and no HF_TOKEN. Request counts come from the
stand-in's /__stats.

Targets (shown beside the figures as PASS or MISS; nothing is asserted):
  naive wall time / cold wall time   >= 8x
  warm re-run                         0 requests to the Hub, under 1 s
  openness --version                  under 0.25 s (best of 5)
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET_RATIO = 8.0
TARGET_WARM_REQUESTS = 0
TARGET_WARM_SECONDS = 1.0
TARGET_VERSION_SECONDS = 0.25
STARTUP_REPEATS = 5
SERVER_START_TIMEOUT = 60.0
SHOWN_REPEATED_PATHS = 5

# Run in a fresh interpreter: huggingface_hub reads HF_ENDPOINT and HF_HOME at import time,
# and a clean process also makes the naive figure include its own import cost, as a user's
# script would. Prints one JSON object: how many models, and the exceptions by type.
NAIVE_CHILD = """
import json, sys
from huggingface_hub import HfApi, hf_hub_download

ids = [line.strip() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
api = HfApi()
errors = {}
for repo_id in ids:
    try:
        api.model_info(repo_id)
        hf_hub_download(repo_id, "README.md")
    except Exception as exc:  # one failing model must not stop the loop
        name = type(exc).__name__
        errors[name] = errors.get(name, 0) + 1
print(json.dumps({"models": len(ids), "failed": sum(errors.values()), "errors": errors}))
"""


# -- figures ------------------------------------------------------------------------------

@dataclass
class Figure:
    """One line of the report: a measured value, and its target when it has one."""

    key: str
    label: str
    value: float | int | None
    unit: str = ""
    target: str = ""
    passed: bool | None = None


def fmt_value(value: float | int | None, unit: str) -> str:
    """A figure as printed: seconds to the millisecond, ratios to two decimals."""
    if value is None:
        return "n/a"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "s":
        return f"{value:.3f} s"
    return str(value)


def print_report(figures: Sequence[Figure], notes: Sequence[str], setup: dict[str, Any]) -> None:
    """One figure a line, its target and PASS or MISS beside it, then the notes."""
    width = max(len(f.label) for f in figures)
    jobs = setup["jobs"] if setup["jobs"] is not None else "openness default"
    print(f"openness batch benchmark: {setup['models']} models, "
          f"{setup['latency_ms']:g} ms per request, jobs: {jobs}")
    print("-" * (width + 40))
    for f in figures:
        line = f"{f.label:<{width}}  {fmt_value(f.value, f.unit):>10}"
        if f.target:
            line += f"   target {f.target:<9} {'PASS' if f.passed else 'MISS'}"
        print(line.rstrip())
    for note in notes:
        print(note)


# -- paths and arguments --------------------------------------------------------------------

def default_openness() -> Path:
    """The console script installed beside the interpreter running this file."""
    return Path(sys.executable).parent / "openness"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("-n", type=int, default=100, help="how many model ids (default: 100)")
    ap.add_argument("--latency-ms", type=float, metavar="MS", default=50.0, help="delay the stand-in adds to every request (default: 50)")
    ap.add_argument("--jobs", type=int, metavar="N", default=None, help="passed to `openness score --jobs` (default: not passed)")
    ap.add_argument("--shared", type=Path, metavar="DIR", default=Path(__file__).resolve().parents[2] / "shared",
                    help="the shared folder holding hub/serve.py and hub/snapshot (default: ../shared)")
    ap.add_argument("--openness", type=Path, metavar="PATH", default=default_openness(), help="the openness executable (default: the one beside this Python)")
    ap.add_argument("--timeout", type=float, metavar="SECONDS", default=900.0, help="seconds allowed for each timed run (default: 900)")
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("-n must be at least 1")
    return args


def check_inputs(args: argparse.Namespace) -> tuple[Path, Path]:
    """serve.py and the snapshot root; exits with one line when something is missing."""
    serve, root = args.shared / "hub" / "serve.py", args.shared / "hub" / "snapshot"
    if not args.shared.is_dir():
        sys.exit(f"bench_batch: {args.shared} not found; pass --shared DIR (the folder holding hub/serve.py)")
    if not serve.is_file() or not (root / "models").is_dir():
        sys.exit(f"bench_batch: {args.shared} has no hub/serve.py and hub/snapshot/models")
    if not args.openness.is_file():
        sys.exit(f"bench_batch: {args.openness} not found; install the package or pass --openness PATH")
    return serve, root


def pick_model_ids(models_dir: Path, n: int) -> list[str]:
    """The first n `<org>/<name>` folders of the snapshot that hold an info.json, sorted."""
    ids = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in models_dir.glob("*/*/info.json"))
    return ids[:n]


# -- the stand-in Hub -----------------------------------------------------------------------

class StandInHub:
    """A running serve.py: its base URL, and its request statistics."""

    def __init__(self, url: str):
        self.url = url

    def _get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.load(response)

    def reset(self) -> None:
        self._get("/__reset")

    def stats(self) -> dict[str, Any]:
        """Keys: total, by_kind, max_in_flight, distinct_paths, repeated_paths ({path: count})."""
        return self._get("/__stats")


def wait_for_url(proc: subprocess.Popen[bytes], url_file: Path, log: Path) -> str:
    """The base URL serve.py writes once it listens; exits if it dies or takes too long."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench_batch: serve.py exited with {proc.returncode}: {log.read_text().strip()}")
        text = url_file.read_text() if url_file.exists() else ""
        if text.endswith("\n"):  # written whole
            return text.strip()
        time.sleep(0.05)
    sys.exit(f"bench_batch: serve.py wrote no URL within {SERVER_START_TIMEOUT:.0f} s")


@contextmanager
def stand_in_hub(serve: Path, root: Path, latency_ms: float, work: Path) -> Iterator[StandInHub]:
    """Start serve.py on `root` and stop it on the way out, whatever happens in between."""
    url_file, log = work / "hub.url", work / "hub.log"
    cmd = [sys.executable, str(serve), "--root", str(root), "--latency-ms", str(latency_ms),
           "--url-file", str(url_file)]
    with open(log, "wb") as log_out:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log_out)
    try:
        yield StandInHub(wait_for_url(proc, url_file, log))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- timed runs ------------------------------------------------------------------------------

def hub_env(url: str, hf_home: Path) -> dict[str, str]:
    """The caller's environment without any HF_* setting or token, then the stand-in's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "HUGGINGFACE_", "HUGGING_FACE_"))}
    hf_home.mkdir(parents=True, exist_ok=True)
    env.update(HF_ENDPOINT=url, HF_HOME=str(hf_home), HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_XET="1")
    return env


@dataclass
class Run:
    """One timed child process."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str


def timed_run(cmd: Sequence[str], env: dict[str, str], timeout: float, stdout_file: Path | None = None) -> Run:
    """Run `cmd` to completion; its stdout goes to `stdout_file` when given, else to a pipe."""
    sink = open(stdout_file, "wb") if stdout_file else nullcontext(subprocess.PIPE)
    with sink as out:
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.PIPE, timeout=timeout)
        seconds = time.perf_counter() - start
    stdout = stdout_file.read_text(encoding="utf-8") if stdout_file else done.stdout.decode()
    return Run(seconds, done.returncode, stdout, done.stderr.decode(errors="replace"))


def last_line(text: str) -> str:
    """The last non-blank line of a child's output, for one-line messages."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def run_naive(hub: StandInHub, ids_file: Path, hf_home: Path, timeout: float) -> dict[str, Any]:
    """Time the naive loop in a fresh interpreter; exits if the child itself crashes."""
    hub.reset()
    run = timed_run([sys.executable, "-c", NAIVE_CHILD, str(ids_file)], hub_env(hub.url, hf_home), timeout)
    stats = hub.stats()
    if run.returncode != 0:
        sys.exit(f"bench_batch: the naive loop failed ({run.returncode}): {last_line(run.stderr)}")
    outcome = json.loads(last_line(run.stdout))
    return {"seconds": run.seconds, "requests": stats["total"], "failed": outcome["failed"],
            "errors": outcome["errors"]}


def score_command(args: argparse.Namespace, ids_file: Path) -> list[str]:
    """The command timed cold and warm; --jobs only when the caller gave one."""
    cmd = [str(args.openness), "score", "--from", str(ids_file), "--format", "json", "--quiet"]
    if args.jobs is not None:
        cmd += ["--jobs", str(args.jobs)]
    return cmd


def count_scored(report_text: str) -> tuple[int | None, int | None]:
    """(models listed, models scored) in the JSON report; (None, None) if it is not one."""
    try:
        models = json.loads(report_text)["models"]
    except (ValueError, KeyError, TypeError):
        return None, None
    return len(models), sum(1 for m in models if m.get("status") == "scored")


def run_score(hub: StandInHub, cmd: Sequence[str], hf_home: Path, timeout: float,
              out_file: Path) -> dict[str, Any]:
    """One timed `openness score` run. Exit 0 (all scored) and 1 (some unscored) both count
    as a finished run; anything else leaves its figures empty and keeps the error line."""
    hub.reset()
    run = timed_run(cmd, hub_env(hub.url, hf_home), timeout, stdout_file=out_file)
    stats = hub.stats()
    if run.returncode not in (0, 1):
        return {"ok": False, "exit_code": run.returncode, "error": last_line(run.stderr)}
    listed, scored = count_scored(run.stdout)
    repeated = sorted(stats["repeated_paths"].items(), key=lambda kv: (-kv[1], kv[0]))
    return {"ok": True, "exit_code": run.returncode, "seconds": run.seconds,
            "requests": stats["total"], "max_in_flight": stats["max_in_flight"],
            "models": listed, "scored": scored, "repeated_paths": len(repeated),
            "repeated_examples": repeated[:SHOWN_REPEATED_PATHS]}


def best_of(cmd: Sequence[str], env: dict[str, str], repeats: int) -> float:
    """The shortest wall time of `repeats` runs of `cmd`."""
    return min(timed_run(cmd, env, timeout=60).seconds for _ in range(repeats))


# -- putting it together -----------------------------------------------------------------------

def build_figures(naive: dict[str, Any], cold: dict[str, Any], warm: dict[str, Any],
                  version_s: float, help_s: float) -> list[Figure]:
    """Every figure of the report, in order. A target is met only by a measured value."""
    def fig(key: str, label: str, value: Any, unit: str = "", target: str = "",
            meets: Callable[[Any], bool] | None = None) -> Figure:
        passed = None if meets is None else (value is not None and bool(meets(value)))
        return Figure(key, label, value, unit, target, passed)

    ratio = naive["seconds"] / cold["seconds"] if cold.get("seconds") else None
    return [
        fig("naive_seconds", "naive loop: wall time", naive["seconds"], "s"),
        fig("naive_requests", "naive loop: requests", naive["requests"]),
        fig("naive_failed", "naive loop: models that raised", naive["failed"]),
        fig("cold_seconds", "openness cold: wall time", cold.get("seconds"), "s"),
        fig("cold_requests", "openness cold: requests", cold.get("requests")),
        fig("cold_max_in_flight", "openness cold: max in flight", cold.get("max_in_flight")),
        fig("cold_repeated_paths", "openness cold: repeated paths", cold.get("repeated_paths")),
        fig("cold_models", "openness cold: models in the JSON", cold.get("models")),
        fig("cold_scored", "openness cold: models scored", cold.get("scored")),
        fig("warm_seconds", "openness warm: wall time", warm.get("seconds"), "s",
            f"< {TARGET_WARM_SECONDS:g} s", lambda v: v < TARGET_WARM_SECONDS),
        fig("warm_requests", "openness warm: requests", warm.get("requests"), "",
            f"{TARGET_WARM_REQUESTS}", lambda v: v <= TARGET_WARM_REQUESTS),
        fig("version_seconds", f"openness --version: best of {STARTUP_REPEATS}", version_s, "s",
            f"< {TARGET_VERSION_SECONDS:g} s", lambda v: v < TARGET_VERSION_SECONDS),
        fig("help_seconds", f"openness --help: best of {STARTUP_REPEATS}", help_s, "s"),
        fig("ratio_naive_over_cold", "naive / cold wall time", ratio, "x",
            f">= {TARGET_RATIO:g}x", lambda v: v >= TARGET_RATIO),
    ]


def report_notes(naive: dict[str, Any], cold: dict[str, Any], warm: dict[str, Any]) -> list[str]:
    """Lines that explain the figures: exceptions, repeated paths, failed runs."""
    notes = []
    if naive["errors"]:
        notes.append("naive loop exceptions: " + ", ".join(f"{k} x{v}" for k, v in sorted(naive["errors"].items())))
    for path, count in cold.get("repeated_examples", []):
        notes.append(f"cold run asked {count}x: {path}")
    for name, run in (("cold", cold), ("warm", warm)):
        if not run["ok"]:
            notes.append(f"{name} run failed with exit code {run['exit_code']}: {run['error']}")
    return notes


def run_all(args: argparse.Namespace, serve: Path, root: Path,
            work: Path) -> tuple[list[Figure], list[str], dict[str, Any]]:
    """Start the stand-in Hub, time every run against it, and stop it again."""
    ids = pick_model_ids(root / "models", args.n)
    ids_file = work / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n", encoding="utf-8")
    cold_home = work / "hf_home_openness"
    cmd = score_command(args, ids_file)
    with stand_in_hub(serve, root, args.latency_ms, work) as hub:
        progress(f"stand-in Hub at {hub.url}: {len(ids)} models, {args.latency_ms:g} ms per request")
        progress("naive loop ...")
        naive = run_naive(hub, ids_file, work / "hf_home_naive", args.timeout)
        progress("openness cold: " + " ".join(cmd))
        cold = run_score(hub, cmd, cold_home, args.timeout, work / "cold.json")
        progress("openness warm ...")
        warm = run_score(hub, cmd, cold_home, args.timeout, work / "warm.json")
        progress(f"openness --version and --help, best of {STARTUP_REPEATS} ...")
        env = hub_env(hub.url, cold_home)
        version_s = best_of([str(args.openness), "--version"], env, STARTUP_REPEATS)
        help_s = best_of([str(args.openness), "--help"], env, STARTUP_REPEATS)
    setup = {"models": len(ids), "latency_ms": args.latency_ms, "jobs": args.jobs,
             "openness": str(args.openness), "shared": str(args.shared)}
    return build_figures(naive, cold, warm, version_s, help_s), report_notes(naive, cold, warm), setup


def progress(message: str) -> None:
    print(f"bench_batch: {message}", file=sys.stderr, flush=True)


def as_json(figures: Sequence[Figure], notes: Sequence[str], setup: dict[str, Any]) -> str:
    """One line: the setup, every figure's value, each target with its outcome, the notes."""
    return json.dumps({
        "setup": setup,
        "figures": {f.key: f.value for f in figures},
        "targets": {f.key: {"target": f.target, "pass": f.passed} for f in figures if f.target},
        "notes": list(notes),
    })


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    serve, root = check_inputs(args)
    # On SIGTERM, unwind like Ctrl-C does, so the stand-in Hub is still stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
            figures, notes, setup = run_all(args, serve, root, Path(tmp))
    except KeyboardInterrupt:
        print("bench_batch: interrupted", file=sys.stderr)
        return 130
    except subprocess.TimeoutExpired as exc:
        sys.exit(f"bench_batch: {Path(exc.cmd[0]).name} took longer than {exc.timeout:g} s (see --timeout)")
    print_report(figures, notes, setup)
    if args.json:
        print(as_json(figures, notes, setup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
