"""Speed of `openness score`: warm re-runs, cold batches at a latency, peak memory; side by side.

Run it by hand from the repository root (pytest never collects it):

    .venv/bin/python benchmarks/score_speed.py [--baseline ../wt-base] [--sizes 250,500,1000]

Each tree (this checkout, and the `--baseline` checkout when given) runs as
`python -m openness score --from IDS --format json --quiet` with PYTHONPATH pointing at
the tree, its own HF_HOME, HF_ENDPOINT at a stand-in Hub (../shared/hub/serve.py) on a
port in 8950-8959, and GITHUB_API_URL at the stand-in GitHub (../shared/github/serve.py).

  warm    the first --warm-n models of the real-card snapshot: one cold run fills
          HF_HOME, then --repeats warm runs (no request expected); best and median
  cold    --sizes synthetic models (generated here, in a temporary root under /tmp: no
          third-party text), each with a base model and datasets, at --latency-ms;
          wall time, CPU (the score process with its workers; the stand-in's apart),
          requests, and the network floor = requests / jobs x latency. Each run is
          printed with the load average before it (the 1-minute figure counts the
          previous run's threads too)
  memory  peak RSS of each cold run (os.wait4), and its growth per model
  cpu     (--cpu) the CPU part alone: snapshots cached, verdict cache cleared, with
          worker processes on and off (OPENNESS_PROCESSES=0), for the break-even

Targets (issue 17): warm 100 under 0.5 s; 1,000 models at 50 ms within 1.5x of the
floor; memory flat in the number of models. Nothing is asserted; figures are printed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PORTS = range(8950, 8960)
PYTHON = sys.executable

# -- a synthetic Hub root: words of our own, shaped like real cards ------------------------

# Mostly plain words, a few the extractors look for: a card costs about what a real one
# costs to judge (measured side by side on this machine, printed by --calibrate).
WORDS = ("the", "a", "of", "and", "to", "in", "we", "this", "is", "for", "with", "on", "at",
         "results", "tokens", "context", "layers", "steps", "batch", "hours", "cluster",
         "table", "section", "below", "above", "shows", "uses", "about", "more", "than")
LICENCES = ("apache-2.0", "mit", "llama3", "cc-by-nc-4.0", "other", "openrail")


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_card(rng: random.Random, base: str | None, datasets: list[str], licence: str, size: int) -> str:
    meta = [f"license: {licence}", "library_name: transformers", "pipeline_tag: text-generation"]
    if base:
        meta.append(f"base_model: {base}")
    if datasets:
        meta += ["datasets:", *(f"- {d}" for d in datasets)]
    body = ["# Synthetic model", "", _paragraph(rng, 40), "", "## Training data", "",
            *(f"Trained on [{d}](https://huggingface.co/datasets/{d})." for d in datasets), "",
            "## Training procedure", ""]
    while sum(len(line) for line in body) < size:
        body += [_paragraph(rng, 60), ""]
    return "---\n" + "\n".join(meta) + "\n---\n" + "\n".join(body) + "\n"


def _write_repo(folder: Path, repo_id: str, card: str, weights: bool) -> None:
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "files" / "README.md").write_text(card, encoding="utf-8")
    siblings = [{"rfilename": "README.md"}, {"rfilename": "config.json"}]
    if weights:
        siblings.append({"rfilename": "model.safetensors"})
    info = {"id": repo_id, "author": repo_id.split("/")[0], "tags": ["transformers", "text-generation"],
            "siblings": siblings, "cardData": {}}
    (folder / "info.json").write_text(json.dumps(info), encoding="utf-8")


def build_synthetic_root(root: Path, n: int, *, bases: int = 40, datasets: int = 30,
                         card_bytes: int = 15_000, seed: int = 17) -> list[str]:
    """A stand-in Hub root of `n` generated models (each with a base model and up to three
    datasets, both generated too); returns the ids of the n models, in order."""
    rng = random.Random(seed)
    dataset_ids = [f"synth-data/set-{i:03d}" for i in range(datasets)]
    for d in dataset_ids:
        folder = root / "datasets" / d
        (folder / "files").mkdir(parents=True, exist_ok=True)
        (folder / "files" / "README.md").write_text(f"---\nlicense: {rng.choice(LICENCES)}\n---\n# {d}\n")
        (folder / "info.json").write_text(json.dumps({"id": d, "tags": [], "cardData": {}}))
    base_ids = [f"synth-base/base-{i:03d}" for i in range(bases)]
    for b in base_ids:
        card = synthetic_card(rng, None, rng.sample(dataset_ids, 2), rng.choice(LICENCES), card_bytes)
        _write_repo(root / "models" / b, b, card, weights=True)
    ids = [f"synth-org-{i % 25:02d}/model-{i:05d}" for i in range(n)]
    for repo_id in ids:
        card = synthetic_card(rng, rng.choice(base_ids), rng.sample(dataset_ids, rng.randint(0, 3)),
                              rng.choice(LICENCES), card_bytes)
        _write_repo(root / "models" / repo_id, repo_id, card, weights=rng.random() < 0.8)
    return ids


# -- stand-ins ---------------------------------------------------------------------------

class StandIn:
    def __init__(self, url: str, proc: subprocess.Popen[bytes]) -> None:
        self.url, self.proc = url, proc

    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.load(response)

    def reset(self) -> None:
        self.get("/__reset")

    def total(self) -> int:
        return int(self.get("/__stats")["total"])

    def stats(self) -> dict[str, Any]:
        return self.get("/__stats")

    def cpu_seconds(self) -> float:
        """The stand-in's own CPU time so far (Linux /proc; NaN elsewhere): it shares the
        machine's cores with the run it answers."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")


def _free_port(taken: set[int]) -> int:
    import socket

    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    sys.exit("score_speed: no free port in 8950-8959")


@contextmanager
def serve(script: Path, root: Path, latency_ms: float, taken: set[int], work: Path) -> Iterator[StandIn]:
    port = _free_port(taken)
    url_file = work / f"url-{port}"
    url_file.unlink(missing_ok=True)  # a stopped server's, on the same port
    proc = subprocess.Popen([PYTHON, str(script), "--root", str(root), "--port", str(port),
                             "--latency-ms", str(latency_ms), "--url-file", str(url_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (url_file.exists() and url_file.read_text().endswith("\n")):
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"score_speed: {script} did not start")
            time.sleep(0.05)
        yield StandIn(url_file.read_text().strip(), proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        taken.discard(port)


# -- timed runs ---------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    """User and system time of the run and the worker processes it waited for: steadier
    than wall time on a machine that is busy with other work."""
    peak_rss_mb: float
    requests: int
    max_in_flight: int
    exit_code: int
    scored: int
    stdout_digest: str


# Linux gives a child the peak RSS of the process it was forked from (the mm it shared
# until exec): this process holds a parsed 1,000-model report after a run, so the next
# run's ru_maxrss would start at ~90 MB whatever it used. The score process is started
# from this small launcher instead, which reports the score process's own peak.
_LAUNCHER = """import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_score(tree: Path, ids_file: Path, hf_home: Path, hub: StandIn, github: StandIn | None, *,
              jobs: int, repos: bool, extra_env: dict[str, str] | None = None, own_rss: bool = False) -> Run:
    """One `openness score` run; `own_rss` starts it through _LAUNCHER (a few ms more), so
    that its peak RSS is its own."""
    import hashlib

    # PYTHONDONTWRITEBYTECODE is left out: an installed tool runs from compiled bytecode,
    # and compiling every module again on each run is not what a user's warm run costs.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "HUGGINGFACE_", "HUGGING_FACE_", "GITHUB_", "GH_", "OPENNESS_"))
           and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(tree), HF_HOME=str(hf_home), HF_ENDPOINT=hub.url, HF_HUB_DISABLE_TELEMETRY="1",
               HF_HUB_DISABLE_XET="1", GITHUB_API_URL=github.url if github else "http://127.0.0.1:9")
    env.update(extra_env or {})
    cmd = [PYTHON, "-m", "openness", "score", "--from", str(ids_file), "--format", "json", "--quiet",
           "--jobs", str(jobs)] + ([] if repos else ["--no-repos"])
    rss_file = Path(tempfile.mkstemp(prefix="score-speed-rss-")[1])
    if own_rss:
        cmd = [PYTHON, "-c", _LAUNCHER, str(rss_file), *cmd]
    hub.reset()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=tree, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    peak_kb = int(rss_file.read_text() or 0) if own_rss else usage.ru_maxrss
    rss_file.unlink(missing_ok=True)
    stats = hub.stats()
    try:
        doc = json.loads(text)
        scored = sum(1 for m in doc["models"] if m.get("status") == "scored")
        doc.pop("scored_at", None)
        digest = hashlib.sha256(json.dumps(doc["models"], sort_keys=True).encode()).hexdigest()[:12]
    except (ValueError, KeyError):
        scored, digest = -1, "(not JSON)"
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024, stats["total"], stats["max_in_flight"], proc.returncode,
               scored, digest)


# -- scenarios -----------------------------------------------------------------------------

def _load() -> str:
    """The load average now: wall times mean little on a machine busy with other work."""
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} CPUs{'' if one < 0.5 else ': BUSY, wall times inflated'}"


def warm(trees: dict[str, Path], args: argparse.Namespace, shared: Path, work: Path, taken: set[int]) -> None:
    root = shared / "hub" / "snapshot"
    ids = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in (root / "models").glob("*/*/info.json"))
    ids_file = work / "warm-ids.txt"
    ids_file.write_text("\n".join(ids[:args.warm_n]) + "\n")
    print(f"\n## warm re-run: {args.warm_n} real-card models, repos read (stand-in GitHub), jobs {args.jobs}; {_load()}")
    print("tree       cold s  cold req  warm best s  warm median s  warm CPU s  warm req  output")
    with serve(shared / "hub" / "serve.py", root, 0, taken, work) as hub, \
            serve(shared / "github" / "serve.py", shared / "github" / "snapshot", 0, taken, work) as gh:
        for name, tree in trees.items():
            home = work / f"home-warm-{name}"
            shutil.rmtree(home, ignore_errors=True)
            cold = run_score(tree, ids_file, home, hub, gh, jobs=args.jobs, repos=True)
            runs = [run_score(tree, ids_file, home, hub, gh, jobs=args.jobs, repos=True) for _ in range(args.repeats)]
            secs = [r.seconds for r in runs]
            cpu = statistics.median(r.cpu_seconds for r in runs)
            print(f"{name:<9} {cold.seconds:7.2f}  {cold.requests:8d}  {min(secs):11.2f}  {statistics.median(secs):13.2f}"
                  f"  {cpu:10.2f}  {max(r.requests for r in runs):8d}  {runs[-1].stdout_digest}"
                  f"{'' if runs[-1].stdout_digest == cold.stdout_digest else ' (differs from cold!)'}")


def cold(trees: dict[str, Path], args: argparse.Namespace, shared: Path, work: Path, taken: set[int]) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    root = work / "synthetic-root"
    if not root.is_dir():
        build_synthetic_root(root, max(sizes))
    ids = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in (root / "models").glob("synth-org-*/*/info.json"))
    processes = f"OPENNESS_PROCESSES={args.processes}" if args.processes is not None else "worker processes: one a core"
    print(f"\n## cold batches: synthetic models at {args.latency_ms:g} ms a request, --no-repos, jobs {args.jobs}, "
          f"{processes}; {_load()}")
    print("tree       models   wall s   CPU s  CPU ms/model  hub CPU s  requests  in flight  floor s  wall/floor  peak RSS MB  output")
    with serve(shared / "hub" / "serve.py", root, args.latency_ms, taken, work) as hub:
        for n in sizes:
            ids_file = work / f"cold-{n}.txt"
            ids_file.write_text("\n".join(ids[:n]) + "\n")
            for name, tree in [item for _ in range(args.cold_repeats) for item in trees.items()]:  # alternating
                home = work / f"home-cold-{name}-{n}"
                shutil.rmtree(home, ignore_errors=True)
                load, hub_cpu = os.getloadavg()[0], hub.cpu_seconds()
                extra = {"OPENNESS_PROCESSES": args.processes} if args.processes is not None else None
                run = run_score(tree, ids_file, home, hub, None, jobs=args.jobs, repos=False, own_rss=True,
                                extra_env=extra)
                hub_cpu = hub.cpu_seconds() - hub_cpu
                floor = run.requests / args.jobs * args.latency_ms / 1000
                print(f"{name:<9} {n:7d}  {run.seconds:7.2f}  {run.cpu_seconds:6.2f}  {run.cpu_seconds / n * 1000:12.1f}"
                      f"  {hub_cpu:9.2f}  {run.requests:8d}  {run.max_in_flight:9d}  {floor:7.2f}"
                      f"  {run.seconds / floor if floor else float('nan'):10.2f}  {run.peak_rss_mb:11.1f}  "
                      f"{run.stdout_digest} ({run.scored} scored)  load {load:.2f}")
                shutil.rmtree(home, ignore_errors=True)


def cpu(trees: dict[str, Path], args: argparse.Namespace, shared: Path, work: Path, taken: set[int]) -> None:
    """The CPU part alone: snapshots on disk, verdicts cleared before each run."""
    sizes = [int(s) for s in args.cpu_sizes.split(",")]
    root = work / "synthetic-root"
    if not root.is_dir():
        build_synthetic_root(root, max(max(sizes), 1000))
    ids = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in (root / "models").glob("synth-org-*/*/info.json"))
    print("\n## CPU part: snapshots cached, no verdict cache; worker processes on (auto) and off")
    print("tree/processes     models   wall s   CPU s  output")
    with serve(shared / "hub" / "serve.py", root, 0, taken, work) as hub:
        for n in sizes:
            ids_file = work / f"cpu-{n}.txt"
            ids_file.write_text("\n".join(ids[:n]) + "\n")
            for name, tree in trees.items():
                home = work / f"home-cpu-{name}"
                run_score(tree, ids_file, home, hub, None, jobs=args.jobs, repos=False)  # fill the snapshot cache
                for label, value in (("auto", None), ("off", "0"), ("on", "2")):
                    if name != "after" and label != "auto":
                        continue
                    secs, cpus = [], []
                    for _ in range(args.repeats):
                        for verdicts in home.glob("openness/*/*/verdicts"):
                            shutil.rmtree(verdicts)
                        extra = {"OPENNESS_PROCESSES": value} if value is not None else {}
                        run = run_score(tree, ids_file, home, hub, None, jobs=args.jobs, repos=False, extra_env=extra)
                        secs.append(run.seconds)
                        cpus.append(run.cpu_seconds)
                    print(f"{name + '/' + label:<17} {n:7d}  {statistics.median(secs):7.2f}  {statistics.median(cpus):6.2f}"
                          f"  {run.stdout_digest}")


def calibrate(tree: Path, shared: Path) -> None:
    """ms to read a synthetic card and a real one, in this process (the tree on sys.path)."""
    sys.path.insert(0, str(tree))
    from openness.assess import Judge, read_card
    from openness.models import CardFile, ModelSnapshot

    judge, rng = Judge.load(), random.Random(1)
    real = [p.read_text(encoding="utf-8") for p in sorted((shared / "hub" / "snapshot" / "models").glob("*/*/files/README.md"))[:60]]
    synthetic = [synthetic_card(rng, "synth-base/base-001", ["synth-data/set-001"], "mit", 15_000) for _ in range(60)]
    for name, cards in (("real", real), ("synthetic", synthetic)):
        snaps = [ModelSnapshot(repo_id="a/b", sha="a" * 40, card=CardFile(status="ok", text=c)) for c in cards]
        start = time.perf_counter()
        for snap in snaps:
            read_card(snap, judge)
        print(f"{name:<10} {(time.perf_counter() - start) / len(snaps) * 1000:6.1f} ms a card "
              f"({sum(map(len, cards)) // len(cards)} characters on average)")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--baseline", type=Path, help="an older checkout to time beside this one (e.g. a worktree of main)")
    ap.add_argument("--tree", type=Path, default=HERE.parent, help="the checkout timed as 'after' (default: this one)")
    ap.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    ap.add_argument("--warm-n", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="250,500,1000", help="cold batch sizes (default: 250,500,1000)")
    ap.add_argument("--cold-repeats", type=int, default=1,
                    help="cold runs of each tree, alternating (a busy machine's wall times vary run to run)")
    ap.add_argument("--processes", help="OPENNESS_PROCESSES for the cold runs (default: unset: one worker a core, "
                                        "as openness.run.worker_count decides)")
    ap.add_argument("--cpu-sizes", default="25,50,100,250")
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--calibrate", action="store_true", help="only time reading a synthetic card against a real one")
    ap.add_argument("--only", choices=("warm", "cold", "cpu"), action="append",
                    help="run only these scenarios (repeatable; default: warm and cold)")
    ap.add_argument("--work", type=Path, help="keep generated roots and caches here (default: a temporary folder)")
    args = ap.parse_args(argv)
    shared = args.shared if (args.shared / "hub" / "serve.py").is_file() else Path("/work/shared")
    if not (shared / "hub" / "serve.py").is_file():
        sys.exit(f"score_speed: no hub/serve.py under {args.shared}; pass --shared DIR")
    if args.calibrate:
        return calibrate(args.tree.resolve(), shared)
    trees = {"after": args.tree.resolve()}
    if args.baseline:
        trees = {"before": args.baseline.resolve(), **trees}
    taken: set[int] = set()
    work = args.work or Path(tempfile.mkdtemp(prefix="score-speed-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"score_speed: {', '.join(f'{k}={v}' for k, v in trees.items())}; work folder {work}; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    for scenario in args.only or ("warm", "cold"):
        {"warm": warm, "cold": cold, "cpu": cpu}[scenario](trees, args, shared, work, taken)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
