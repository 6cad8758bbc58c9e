"""The JSON document: versioned, keys in a stable order, the same for every run."""
from __future__ import annotations

import json
from typing import Any

from openness.models import AXES, AxisVerdict, ReportData, Scorecard
from openness.render.text import SURROGATE

SCHEMA_VERSION = 1
TOOL_NAME = "openness"
SCHEMA_FILE = "report.schema.json"
"""The JSON Schema of this document, shipped beside this module."""


def json_schema_text() -> str:
    """The JSON Schema (draft 2020-12) that every document of SCHEMA_VERSION satisfies."""
    from importlib.resources import files

    return files("openness.render").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def report_document(report: ReportData) -> dict[str, Any]:
    """The report as plain data, in the documented key order."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "rubric": report.rubric.model_dump(),
        "models": [_model(card) for card in report.scorecards],
    }


def render_json(report: ReportData) -> str:
    """Indented JSON, one document, ending with a newline.

    Text is kept exactly as the card gave it; a lone surrogate, which UTF-8 cannot
    encode, is written as its `\\udXXXX` escape, so that it still reads back the same.
    """
    text = json.dumps(report_document(report), indent=2, ensure_ascii=False)
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _model(card: Scorecard) -> dict[str, Any]:
    return {
        "repo_id": card.repo_id,
        "revision": card.revision,
        "status": card.status,
        "error": card.error.model_dump() if card.error else None,
        "license": card.license.model_dump(by_alias=True) if card.license else None,
        "gated": card.gated,
        "axes": {axis: _axis(card.axes[axis]) for axis in AXES if axis in card.axes},
        "papers": list(card.papers),
        "lineage": [entry.model_dump() for entry in card.lineage],
        "datasets": [entry.model_dump(by_alias=True) for entry in card.datasets],
        "repositories": [entry.model_dump() for entry in card.repositories],
        # Only when the list was cut, so that reports of ordinary lineages read as before.
        **({"lineage_omitted": card.lineage_omitted} if card.lineage_omitted else {}),
        # Only when other rubrics were asked for (--rubric).
        **({"results": {rubric: result.model_dump() for rubric, result in card.results.items()}}
           if card.results else {}),
    }


def _axis(verdict: AxisVerdict) -> dict[str, Any]:
    return {
        "level": verdict.level,
        "score": verdict.score,
        "reasons": list(verdict.reasons),
        "evidence": [e.model_dump(include={"source", "detail", "strength", "signal"}) for e in verdict.evidence],
        "findings": [f.model_dump() for f in verdict.findings],
    }


def model_entry(card: Scorecard) -> dict[str, Any]:
    """One model's entry of `models`, as other JSON documents (`explain`) embed it."""
    return _model(card)
