"""One flat row per scanned model: the columns of `score`'s CSV, the dump's own facts, and
the key evidence, lineage and what the dump could not show as JSON text. Pure."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openness.models import AXES, Scorecard
from openness.render.rows import COLUMNS, summary_row
from openness.scan.context import ScanContext

ScanRow = dict[str, Any]
SCAN_VERSION = "1"
"""The version of the row layout, kept in the output (parquet key/value metadata
`openness_scan_version`): columns are only ever added within a version."""
DUMP_FACTS = ("author", "pipeline_tag", "library_name", "downloads", "likes", "created_at", "last_modified")
JSON_COLUMNS = ("evidence", "lineage", "limits")
INT_COLUMNS = ("weights_level", "data_level", "code_level", "downloads", "likes")
MAX_EVIDENCE_PER_AXIS = 6
MAX_REASONS_PER_AXIS = 4


def scan_columns(framework_columns: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Every column of a scan, in order: the same for every row, whatever it holds."""
    return (*COLUMNS, *DUMP_FACTS, *framework_columns, *JSON_COLUMNS)


def scan_row(card: Scorecard, row: Mapping[str, Any], context: ScanContext) -> ScanRow:
    """The model's output row: `score`'s CSV cells, the dump's facts, evidence as JSON."""
    out: ScanRow = summary_row(card)
    out |= {
        "author": _text(row.get("author")),
        "pipeline_tag": _text(row.get("pipeline_tag")),
        "library_name": _text(row.get("library_name")),
        "downloads": _int(row.get("downloads")),
        "likes": _int(row.get("likes")),
        "created_at": _text(row.get("createdAt")),
        "last_modified": _text(row.get("last_modified")),
        "evidence": json.dumps(_evidence(card), ensure_ascii=False),
        "lineage": json.dumps([e.model_dump(mode="json", exclude_none=True) for e in card.lineage], ensure_ascii=False),
        "limits": json.dumps(limits(card, row, context), ensure_ascii=False),
    }
    return out


LIMIT_NO_LISTING = "file list, gate and commit not seen: weights judged from tags and card text only"
LIMIT_DATASETS = "datasets not looked up: their licences and gates are unknown"
LIMIT_PARENTS = "parents outside the scanned data not looked up: unknown, never lowering the model"


def limits(card: Scorecard, row: Mapping[str, Any], context: ScanContext) -> list[str]:
    """What the scan could not see for this model: a few fixed phrases, so that a whole
    scan can be counted by them (which datasets and parents: `evidence`, `lineage`)."""
    if card.status != "scored":
        return []
    said: list[str] = []
    if str(row.get("modelId", "")).lower() not in context.listings:
        said.append(LIMIT_NO_LISTING)
    if any(d.status != "found" and d.id.lower() not in context.datasets for d in card.datasets):
        said.append(LIMIT_DATASETS)
    if any(e.depth == 1 and e.status not in ("scored", "unresolved", "cycle", "depth_cap") for e in card.lineage):
        said.append(LIMIT_PARENTS)
    return said


def _evidence(card: Scorecard) -> dict[str, Any]:
    if card.status != "scored":
        return {}
    return {axis: {"reasons": verdict.reasons[:MAX_REASONS_PER_AXIS],
                   "evidence": [f"{e.source}: {e.detail}" for e in verdict.evidence[:MAX_EVIDENCE_PER_AXIS]]}
            for axis in AXES if (verdict := card.axes.get(axis))}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)[:300]


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value else None
