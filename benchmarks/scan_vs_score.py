"""Does the scan judge a card as `score` does? On the cards that are both in the dump slice
(../shared/hubdump) and on the stand-in Hub (../shared/hub/snapshot), with the dump's card
text in both:

- reference: `score`'s own machinery (openness.run.ScoringRun) over a source that serves
  each model's stand-in Hub facts (file list, gate, commit, tags) with the dump's card text,
  and nothing else: parents outside these models and datasets are not looked up, as with
  `score --offline` on an empty cache;
- the scan with a listing made of the same Hub facts: must agree on every axis;
- the scan of the dump alone: differs only where the dump lacks a fact. Each difference is
  named by the fact that decided it.

    python benchmarks/scan_vs_score.py [--frameworks]
"""
from __future__ import annotations

import argparse
import ast
import collections
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DUMP = SHARED / "hubdump" / "model-cards-2024-10.parquet"
MODELS = SHARED / "hub" / "snapshot" / "models"
AXES = ("weights", "data", "code")


def hub_facts() -> dict[str, dict[str, Any]]:
    """info.json of each stand-in model, by lower-case id."""
    found = {}
    for info in MODELS.glob("*/*/info.json"):
        data = json.loads(info.read_text(encoding="utf-8"))
        siblings = data.get("siblings") or []
        if isinstance(siblings, str):  # some snapshots keep the list as its Python text
            siblings = ast.literal_eval(siblings)
        data["siblings"] = [s["rfilename"] if isinstance(s, dict) else s for s in siblings]
        found[data["id"].lower()] = data
    return found


def reference(rows: list[dict[str, Any]], facts: dict[str, dict[str, Any]], judge: Any) -> dict[str, dict[str, Any]]:
    from openness.errors import NotCached
    from openness.models import ModelRef
    from openness.run import ScoringRun
    from openness.scan.dump import Listing, snapshot_from_row

    snapshots = {}
    for row in rows:
        info = facts[row["modelId"].lower()]
        listing = Listing(tuple(info["siblings"]), info.get("gated") or False, info.get("sha"))
        snap = snapshot_from_row(row, listing)
        snapshots[row["modelId"].lower()] = snap.model_copy(update={"tags": list(info.get("tags") or [])})

    class Offline:
        def fetch(self, ref: ModelRef) -> Any:
            if ref.repo_id.lower() in snapshots and ref.revision is None:
                return snapshots[ref.repo_id.lower()]
            raise NotCached(str(ref), "not looked up")

        def fetch_dataset(self, dataset_id: str) -> Any:
            raise NotCached(f"dataset {dataset_id}", "not looked up")

        def list_models(self, **_: Any) -> Any:
            raise NotCached("listing", "not looked up")

    out = {}
    with ScoringRun(Offline(), judge, jobs=1) as run:  # type: ignore[arg-type]
        for row in rows:
            card = run.score(ModelRef(repo_id=row["modelId"]))
            out[row["modelId"].lower()] = {a: (v.verdict, v.level) for a, v in card.axes.items()}
    return out


def scanned(dump: Path, out: Path, listing: Path | None, frameworks: list[str]) -> dict[str, dict[str, Any]]:
    from openness.scan.local import ScanRequest, run_scan

    run_scan(ScanRequest((str(dump),), str(out), jobs=1, listing=str(listing) if listing else None,
                         frameworks=tuple(frameworks)))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["repo_id"].lower(): r for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    if not DUMP.exists() or not MODELS.exists():
        print("scan_vs_score: ../shared/hubdump or ../shared/hub/snapshot is absent; nothing to compare")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    from openness.assess import Judge

    facts = hub_facts()
    table = pq.read_table(DUMP)
    rows = [r for r in table.to_pylist() if r["modelId"].lower() in facts]
    judge = Judge.load()
    expected = reference(rows, facts, judge)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), dump)
        listing = Path(tmp) / "listing.parquet"
        pq.write_table(pa.Table.from_pylist([{"id": facts[r["modelId"].lower()]["id"],
                                              "siblings": facts[r["modelId"].lower()]["siblings"],
                                              "gated": str(facts[r["modelId"].lower()].get("gated") or False).lower(),
                                              "sha": facts[r["modelId"].lower()].get("sha")} for r in rows]), listing)
        with_listing = scanned(dump, Path(tmp) / "listed.jsonl", listing, [])
        dump_only = scanned(dump, Path(tmp) / "dump.jsonl", None, [])
    print(f"models on both the stand-in Hub and in the dump: {len(rows)}")
    for name, got in (("scan with a listing of the Hub facts", with_listing), ("scan of the dump alone", dump_only)):
        differ: collections.Counter[str] = collections.Counter()
        named: collections.Counter[str] = collections.Counter()
        for key, axes in expected.items():
            row = got[key]
            for axis in AXES:
                if (row[axis], row[f"{axis}_level"]) != axes[axis]:
                    differ[axis] += 1
                    named[_why(axis, row, axes[axis])] += 1
        total = sum(differ.values())
        print(f"\n{name}: {len(expected) * 3 - total}/{len(expected) * 3} axis verdicts the same")
        for why, count in named.most_common():
            print(f"  {count:4d}  {why}")


def _why(axis: str, row: dict[str, Any], expected: tuple[str, int | None]) -> str:
    """The fact the dump lacked that decided a difference, in words."""
    reasons = json.loads(row["evidence"]).get(axis, {}).get("reasons", [])
    last = reasons[-1] if reasons else ""
    if axis == "weights" and "file list" in last:
        return f"weights {row[axis]} not {expected[0]}: no file list in the dump and no file-format tag"
    if axis == "weights" and "gate" in last:
        return (f"weights {row[axis]} {row['weights_level']} not {expected[0]} {expected[1]}: the card configures a "
                "gate whose kind (automatic or manual) the dump does not show")
    if axis == "weights":
        return f"weights {row[axis]} not {expected[0]}: tags differ from the Hub's ({last[:90]})"
    return f"UNEXPLAINED {axis}: scan {row[axis]} {row[f'{axis}_level']}, score {expected} ({last[:90]})"


if __name__ == "__main__":
    main()
