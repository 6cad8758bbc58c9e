"""Disagreements with the expert labels: every one on the calibration set, with a diagnosis.

Run it on demand from the repository root (pytest never collects it):

    .venv/bin/python benchmarks/disagreements.py [--shared DIR] [--output FILE] [--check]

It needs ../shared next to the repository (override with --shared DIR); without it, it
says so in one line and exits 0. It starts shared/hub/serve.py on the real-card snapshot,
runs `openness score --format json` once over every labelled model the snapshot holds
(fresh HF_HOME, no HF_TOKEN, telemetry and Xet off, as shared/eval/agreement.py does),
compares each axis word with the label, and writes benchmarks/DISAGREEMENTS.md: the
per-axis agreement and Cohen's kappa, for all models and for each organisation half (`dev`,
where rules were developed, and `held`, kept out of development; see org_halves.py), beside
the figures recorded before (benchmarks/agreement-before.yaml), and one line per
disagreement with its diagnosis. When shared/github holds the stand-in GitHub, it is
started too and GITHUB_API_URL points at it, as shared/eval/agreement.py does.

Diagnoses are judgements made by reading each card, kept in benchmarks/diagnoses.yaml
keyed by model and axis: `scorer` (the scorer is wrong, and why), `card` (the card lacks
the evidence) or `label` (the label is debatable under RUBRIC.md, and why). A disagreement
with no diagnosis is written as "not diagnosed yet"; a diagnosis whose disagreement has
gone is reported on stderr. With --check the exit code is 1 in either case.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from org_halves import half, kappa  # noqa: E402  (a script beside this one)

ROOT = Path(__file__).resolve().parents[1]
AXES = ("weights", "data", "code")
WORDS = ("open", "partial", "closed")
CATEGORIES = {
    "scorer": "scorer wrong",
    "card": "card lacks the evidence",
    "label": "label debatable",
}
SERVER_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Row:
    """One model and axis: the label, the verdict, and the diagnosis if they differ."""

    model: str
    axis: str
    label: str
    word: str
    level: int | None
    category: str | None = None
    why: str | None = None


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    serve, snapshot = args.shared / "hub" / "serve.py", args.shared / "hub" / "snapshot"
    labels_file = args.labels or args.shared / "eval" / "calibration.csv"
    if not serve.is_file() or not labels_file.is_file():
        print(f"skipped: {args.shared} has no hub/serve.py or eval/calibration.csv")
        return 0
    labels = _labels(labels_file, _snapshot_ids(snapshot))
    github = (args.shared / "github" / "serve.py", args.shared / "github" / "snapshot")
    report = _score(serve, snapshot, args.openness, sorted(labels), github)
    diagnoses = yaml.safe_load(args.diagnoses.read_text(encoding="utf-8")) or {}
    rows = _compare(labels, report, diagnoses)
    before = yaml.safe_load(args.before.read_text(encoding="utf-8")) if args.before.is_file() else {}
    args.output.write_text(_markdown(rows, labels_file, before or {}), encoding="utf-8")
    stale = _stale(rows, diagnoses)
    for key in stale:
        print(f"diagnosis without a disagreement: {key}", file=sys.stderr)
    undiagnosed = [r for r in rows if r.word != r.label and r.category is None]
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}: "
          f"{_figures_line(rows)}; {len(undiagnosed)} not diagnosed")
    return 1 if args.check and (stale or undiagnosed) else 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--labels", type=Path, help="default: SHARED/eval/calibration.csv")
    ap.add_argument("--diagnoses", type=Path, default=ROOT / "benchmarks" / "diagnoses.yaml")
    ap.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "DISAGREEMENTS.md")
    ap.add_argument("--before", type=Path, default=ROOT / "benchmarks" / "agreement-before.yaml",
                    help="agreement recorded before the current rules, shown beside today's")
    ap.add_argument("--openness", default=str(Path(sys.executable).with_name("openness")),
                    help="the openness executable (default: beside this Python)")
    ap.add_argument("--check", action="store_true", help="exit 1 on undiagnosed or stale entries")
    return ap.parse_args(argv)


def _snapshot_ids(snapshot: Path) -> set[str]:
    return {json.loads(p.read_text(encoding="utf-8"))["id"] for p in (snapshot / "models").rglob("info.json")}


def _labels(path: Path, present: set[str]) -> dict[str, dict[str, str]]:
    """Labelled models the snapshot holds: id -> axis -> word (unknown labels left out)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["repo_id"]: {a: r[a].strip().lower() for a in AXES if r[a].strip().lower() in WORDS}
            for r in rows if r["repo_id"] in present}


def _score(serve: Path, snapshot: Path, openness: str, ids: list[str],
           github: tuple[Path, Path]) -> dict[str, dict]:
    """The JSON report's models by id, scored through a fresh stand-in Hub (and GitHub, when present)."""
    work = Path(tempfile.mkdtemp(prefix="openness-disagreements-"))
    servers = [_start(serve, snapshot, work / "hub-url")]
    secrets = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN")
    env = {k: v for k, v in os.environ.items() if k not in secrets}
    try:
        env.update(HF_ENDPOINT=_wait_for(work / "hub-url"), HF_HOME=str(work / "hf-home"),
                   HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_XET="1")
        if github[0].is_file() and github[1].is_dir():
            servers.append(_start(*github, work / "github-url"))
            env.update(GITHUB_API_URL=_wait_for(work / "github-url"))
        run = subprocess.run([openness, "score", *ids, "--format", "json", "--quiet"], env=env,
                             capture_output=True, text=True, timeout=600)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    if not run.stdout.strip():
        raise SystemExit(f"openness printed no report (exit {run.returncode}): {run.stderr[-500:]}")
    return {m["repo_id"]: m for m in json.loads(run.stdout)["models"]}


def _start(serve: Path, snapshot: Path, url_file: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(serve), "--root", str(snapshot), "--url-file", str(url_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(url_file: Path) -> str:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if url_file.is_file() and url_file.read_text().strip():
            return url_file.read_text().strip()
        time.sleep(0.05)
    raise SystemExit(f"the stand-in server writing {url_file.name} did not start")


def _compare(labels: dict[str, dict[str, str]], report: dict[str, dict], diagnoses: dict) -> list[Row]:
    rows = []
    for model, wanted in sorted(labels.items(), key=lambda kv: kv[0].lower()):
        axes = (report.get(model) or {}).get("axes") or {}
        for axis, label in wanted.items():
            verdict = axes.get(axis) or {}
            word, level = str(verdict.get("verdict", "missing")), verdict.get("level")
            note = (diagnoses.get(model) or {}).get(axis) or {} if word != label else {}
            rows.append(Row(model, axis, label, word, level, note.get("category"), note.get("why")))
    return rows


def _stale(rows: list[Row], diagnoses: dict) -> list[str]:
    disagreeing = {(r.model, r.axis) for r in rows if r.word != r.label}
    return [f"{model} {axis}" for model, axes in diagnoses.items() for axis in axes
            if (model, axis) not in disagreeing]


def _figures(rows: list[Row], which: str = "all") -> dict[str, tuple[int, int, float]]:
    """Per axis: (agreeing, counted, Cohen's kappa) over one organisation half, or all."""
    out = {}
    for axis in AXES:
        pairs = [(r.label, r.word) for r in rows if r.axis == axis and which in ("all", half(r.model))]
        out[axis] = (sum(a == b for a, b in pairs), len(pairs), kappa(pairs))
    return out


def _figures_line(rows: list[Row]) -> str:
    return ", ".join(f"{axis} {100 * a / n:.0f}% ({a}/{n}, kappa {k:.2f})"
                     for axis, (a, n, k) in _figures(rows).items() if n)


def _agreement_table(rows: list[Row], before: dict) -> list[str]:
    lines = ["| axis | models | before: agreement (kappa) | now: agreement (kappa) | now: models |",
             "|---|---|---|---|---|"]
    for which in ("all", "dev", "held"):
        for axis, (a, n, k) in _figures(rows, which).items():
            was = (before.get(which) or {}).get(axis)
            then = f"{was['agreement']}% ({was['kappa']:.2f})" if was else "not recorded"
            lines.append(f"| {axis} | {which} | {then} | {100 * a / max(n, 1):.0f}% ({k:.2f}) | {a}/{n} |")
    return lines


def _markdown(rows: list[Row], labels_file: Path, before: dict) -> str:
    misses = [r for r in rows if r.word != r.label]
    counts = {key: sum(r.category == key for r in misses) for key in CATEGORIES}
    lines = [
        "# Disagreements with the expert labels",
        "",
        "Generated by `benchmarks/disagreements.py` (do not edit by hand): the scorer run over every",
        f"labelled model of `{labels_file.name}` that the stand-in Hub's real-card snapshot holds, under",
        "the default profile. Diagnoses come from `benchmarks/diagnoses.yaml`, written after reading",
        "each card: **scorer wrong** (and why), **card lacks the evidence**, or **label debatable**",
        "under RUBRIC.md (and why). `openness explain MODEL` shows the path from evidence to verdict.",
        "",
        "Calibration is split by organisation (a hash of the name, blind to the labels): rules were first",
        "developed on the `dev` half only; the `held` half shows how they carry to publishers",
        f"nobody tuned on. {(before.get('note') or '').strip()}",
        "",
        *_agreement_table(rows, before),
        "",
        f"{len(misses)} disagreements: " + ", ".join(f"{counts[k]} {v}" for k, v in CATEGORIES.items())
        + f", {sum(r.category is None for r in misses)} not diagnosed yet.",
        "",
        "| model | half | axis | label | verdict | diagnosis | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in misses:
        verdict = f"{r.word} {r.level}/4" if r.level is not None else r.word
        category = CATEGORIES.get(r.category or "", "not diagnosed yet")
        lines.append(f"| {r.model} | {half(r.model)} | {r.axis} | {r.label} | {verdict} | {category} | "
                     f"{_cell(r.why or '')} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


if __name__ == "__main__":
    sys.exit(main())
