"""Agreement and Cohen's kappa per organisation half of the calibration labels.

Rules are developed on one half (`dev`) and checked on the other (`held`), split by
organisation so that one publisher's template cannot be learnt on one side and rewarded on
the other. The split is a hash of the organisation name: stable, and blind to the labels.

    python3 ../shared/eval/agreement.py --labels ../shared/eval/calibration.csv \\
        --cmd ".venv/bin/openness score" --json /tmp/agreement.json --quiet
    .venv/bin/python benchmarks/org_halves.py /tmp/agreement.json [--misses dev|held|all]
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

AXES = ("weights", "data", "code")
WORDS = ("open", "partial", "closed")


def half(repo_id: str) -> str:
    """`dev` or `held`: which half of the organisations a model's publisher falls in."""
    org = repo_id.split("/")[0].lower()
    return "dev" if int(hashlib.sha256(org.encode()).hexdigest(), 16) % 2 == 0 else "held"


def kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of (label, verdict) pairs, as shared/eval/agreement.py computes it."""
    n = len(pairs)
    if not n:
        return 0.0
    observed = sum(a == b for a, b in pairs) / n
    expected = sum(sum(a == k for a, _ in pairs) * sum(b == k for _, b in pairs) for k in WORDS) / n / n
    return 1.0 if expected >= 1 else (observed - expected) / (1 - expected)


def summary(rows: list[dict], which: str) -> dict[str, tuple[int, int, float]]:
    """Per axis: (agreeing, counted, kappa) over the rows of one half ('all' for both)."""
    out = {}
    for axis in AXES:
        pairs = [(r[axis]["label"], r[axis]["scored"]) for r in rows
                 if r[axis]["label"] in WORDS and (which == "all" or half(r["repo_id"]) == which)]
        out[axis] = (sum(a == b for a, b in pairs), len(pairs), kappa(pairs))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("agreement_json", type=Path, help="the --json output of shared/eval/agreement.py")
    ap.add_argument("--misses", choices=("dev", "held", "all"), help="also list the disagreements of a half")
    args = ap.parse_args(argv)
    rows = json.loads(args.agreement_json.read_text(encoding="utf-8"))["rows"]
    for which in ("dev", "held", "all"):
        parts = [f"{axis} {100 * a / max(n, 1):.0f}% ({a}/{n}, kappa {k:.2f})"
                 for axis, (a, n, k) in summary(rows, which).items()]
        print(f"{which:5s} " + ", ".join(parts))
    if args.misses:
        for axis in AXES:
            for r in rows:
                got = r[axis]
                if got["label"] in WORDS and got["label"] != got["scored"] and (
                        args.misses == "all" or half(r["repo_id"]) == args.misses):
                    print(f"  {axis:7s} {r['repo_id']:55s} label {got['label']:8s} scored {got['scored']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
