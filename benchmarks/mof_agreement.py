"""The MOF class `openness` estimates, against the class the Model Openness Tool records.

Starts the stand-in Hub (and the stand-in GitHub when present) from ../shared, scores
every model of ../shared/eval/mot-classes.csv with `--framework mof --format json`, and
prints the agreement, then each disagreement with the components that decided it.
benchmarks/mof-agreement.md explains every disagreement of the last run.

    python benchmarks/mof_agreement.py                # with the linked repositories read
    python benchmarks/mof_agreement.py --no-repos     # from the cards alone
    python benchmarks/mof_agreement.py --json out.json
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLASSES = SHARED / "eval" / "mot-classes.csv"


def start(script: Path, snapshot: Path) -> tuple[subprocess.Popen[bytes], str]:
    url_file = Path(tempfile.mkdtemp()) / "url"
    proc = subprocess.Popen([sys.executable, str(script), "--root", str(snapshot), "--url-file", str(url_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if url_file.exists() and url_file.read_text().strip():
            return proc, url_file.read_text().strip()
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{script} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-repos", action="store_true", help="score from the cards alone")
    parser.add_argument("--json", type=Path, help="write the per-model comparison here")
    args = parser.parse_args()
    if not CLASSES.is_file():
        print(f"{CLASSES} is not there: nothing to compare")
        return 2
    rows = list(csv.DictReader(CLASSES.open(encoding="utf-8")))
    servers = []
    hub, hub_url = start(SHARED / "hub" / "serve.py", SHARED / "hub" / "snapshot")
    servers.append(hub)
    home = tempfile.mkdtemp(prefix="hfhome-")
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "GITHUB_TOKEN", "GH_TOKEN")}
    env.update(HF_ENDPOINT=hub_url, HF_HOME=home, HF_HUB_DISABLE_TELEMETRY="1")
    if not args.no_repos and (SHARED / "github" / "serve.py").is_file():
        github, github_url = start(SHARED / "github" / "serve.py", SHARED / "github" / "snapshot")
        servers.append(github)
        env["GITHUB_API_URL"] = github_url
    command = [sys.executable, "-m", "openness", "score", *(r["repo_id"] for r in rows),
               "--framework", "mof", "--format", "json", "--quiet", *(["--no-repos"] if args.no_repos else [])]
    started = time.monotonic()
    try:
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    finally:
        for server in servers:
            server.terminate()
        shutil.rmtree(home, ignore_errors=True)
    elapsed = time.monotonic() - started
    report = json.loads(run.stdout)
    models = {m["repo_id"]: m for m in report["models"]}
    compared = []
    for row in rows:
        model = models.get(row["repo_id"], {})
        result = (model.get("results") or {}).get("mof")
        got = result["outcome"]["value"] if result else f"not scored ({model.get('status')})"
        dimension = result["dimensions"]["class"] if result else {}
        compared.append({
            "repo_id": row["repo_id"], "mot": row["mof_class"], "mot_progress": row["progress"], "openness": got,
            "progress": {p["label"]: f"{p['met']}/{p['total']}" for p in dimension.get("progress", [])},
            "not_included": {f["condition"]: f["value"] for f in dimension.get("findings", []) if f["outcome"] != "met"},
        })
    agree = sum(c["mot"] == c["openness"] for c in compared)
    print(f"MOF class agreement with MOT: {agree}/{len(compared)} ({agree / len(compared):.1%}), "
          f"{'cards alone' if args.no_repos else 'repositories read'}, {elapsed:.1f} s")
    for item in compared:
        if item["mot"] != item["openness"]:
            print(f"  {item['repo_id']}: MOT {item['mot']} ({item['mot_progress']}), openness {item['openness']}; "
                  f"progress {item['progress']}; not included: {item['not_included']}")
    if args.json:
        args.json.write_text(json.dumps(compared, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
