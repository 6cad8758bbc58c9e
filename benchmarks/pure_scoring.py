"""Cards per second of the pure scoring of a card, on the whole-Hub dump slice, by stage.

Issue 17 wants the pure function behind `score` and `scan` (openness/assess.py) fast
enough for the whole Hub: 500 cards/s per core. This script reads
../shared/hubdump/model-cards-2024-10.parquet (3,307 real cards, next to the repository;
override with --shared DIR), and for each row times, in CPU seconds of this process:

- front matter: the ModelSnapshot built from the row as a scan builds it
  (openness.scan.dump.snapshot_from_row: the front matter read, without the fields only
  framework rubrics read unless --frameworks; no file list, gate or commit);
- read_card: the evidence of the card (openness.assess.read_card);
- assess_own: the model's own verdicts, with no dataset or repository looked up;
- join: the scorecard, with no parent.

With --frameworks the judge also judges every other rubric (Judge.load(rubrics=["all"])),
as `scan --rubric all` does. The figure is cards per CPU second, which is cards/s per core.

Run from the repository root:
    .venv/bin/python benchmarks/pure_scoring.py [--frameworks] [--limit N] [--rounds R] [--json]
When the shared folder is absent it says so and exits 0 (nothing to measure).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DUMP = Path("hubdump") / "model-cards-2024-10.parquet"
STAGES = ("front matter", "read_card", "assess_own", "join")


def load_rows(path: Path, limit: int | None) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["modelId", "card", "tags", "library_name", "pipeline_tag"])
    rows = table.to_pylist()
    return rows[:limit] if limit else rows


def snapshot(row: dict[str, Any], leave_out: frozenset[str] = frozenset()) -> Any:
    """The ModelSnapshot a scan builds from one dump row (openness.scan.dump)."""
    from openness.scan.dump import snapshot_from_row

    return snapshot_from_row(row, None, leave_out)


def one_round(rows: list[dict[str, Any]], judge: Any) -> dict[str, float]:
    """CPU seconds spent in each stage over all rows."""
    from openness.assess import assess_own, join, read_card

    from openness.scan.dump import FRAMEWORK_ONLY_FIELDS

    leave_out = frozenset() if judge.frameworks else FRAMEWORK_ONLY_FIELDS  # as a scan reads the cards
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.process_time
    for row in rows:
        t0 = clock()
        snap = snapshot(row, leave_out)
        t1 = clock()
        found = read_card(snap, judge)
        t2 = clock()
        own = assess_own(snap, found, {}, {}, judge)
        t3 = clock()
        join(snap, own, [], judge)
        t4 = clock()
        for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            spent[stage] += seconds
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--frameworks", action="store_true", help="also judge every other rubric")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N rows")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the rows; the best is shown")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = parser.parse_args(argv)
    path = args.shared / DUMP
    if not path.is_file():
        print(f"skipped: {path} is absent (the dump slice lives in ../shared beside the repository)")
        return 0

    from openness.assess import Judge

    judge = Judge.load(rubrics=["all"]) if args.frameworks else Judge.load()
    rows = load_rows(path, args.limit)
    one_round(rows[:50], judge)  # warm up: imports, compiled patterns, caches filled once
    best = min((one_round(rows, judge) for _ in range(max(args.rounds, 1))), key=lambda s: sum(s.values()))
    total = sum(best.values())
    print(f"{len(rows):,} dump cards, judge: {'default + all frameworks' if args.frameworks else 'default'}, "
          f"best of {max(args.rounds, 1)}, python {platform.python_version()} ({sys.executable})")
    print(f"{'stage':<14} {'CPU s':>8} {'share':>7} {'ms/card':>8}")
    for stage, seconds in best.items():
        print(f"{stage:<14} {seconds:>8.2f} {seconds / total:>7.1%} {1000 * seconds / len(rows):>8.3f}")
    print(f"{'total':<14} {total:>8.2f} {1:>7.0%} {1000 * total / len(rows):>8.3f}")
    print(f"cards/s per core: {len(rows) / total:,.0f}")
    if args.json:
        print(json.dumps({"cards": len(rows), "frameworks": args.frameworks, "cpu_seconds": best,
                          "cards_per_second_per_core": round(len(rows) / total, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
