"""The JSON document: versioned, keys in a stable order, the same for every run."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from openness.errors import UnreadableReport
from openness.models import AXES, AxisVerdict, LicenseVerdict, ReportData, RubricRef, Scorecard
from openness.render.text import SURROGATE

SCHEMA_VERSION = 2
"""2 (openness 0.x, December 2026): an axis says `verdict` for its word and `level` for its
number, as the CLI and CSV do; a rubric result's dimension says `verdict` for its label.
Version 1 said `level` for the word and `score` for the number, and `label`;
`openness.report.load_report` reads both."""
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
    return "".join(json_pieces(report.tool_version, report.rubric, report.scorecards))


def json_pieces(tool_version: str | None, rubric: RubricRef | Callable[[], RubricRef],
                cards: Iterable[Scorecard]) -> Iterator[str]:
    """`render_json`'s text in pieces: the head, one piece per model as `cards` yields it,
    then the end. Joined, exactly `json.dumps(report_document(...), indent=2,
    ensure_ascii=False)` and a newline; a writer can send each piece on as it comes, so
    no document of every model is ever held (openness.cli streams a batch this way).

    `rubric` may be a function, asked once the first card has come (or there is none):
    a batch answered from kept verdicts knows its rubric from them, with no judge loaded."""
    models = iter(cards)
    first = next(models, None)
    ref = rubric() if callable(rubric) else rubric
    head = {"schema_version": SCHEMA_VERSION, "tool": {"name": TOOL_NAME, "version": tool_version},
            "rubric": ref.model_dump()}
    text = _indented(head, 0)
    yield text[:-2] + ',\n  "models": ['  # the head without its closing brace
    if first is None:
        yield "]\n}\n"
        return
    yield "\n    " + _indented(_model(first), 2, floats=_has_float(first))
    for card in models:
        yield ",\n    " + _indented(_model(card), 2, floats=_has_float(card))
    yield "\n  ]\n}\n"


def _indented(value: dict[str, Any], level: int, *, floats: bool = False) -> str:
    """`value` as json.dumps(indent=2, ensure_ascii=False) writes it `level` levels deep.

    pydantic_core writes the same text three times as fast (serde_json; raw UTF-8, the
    same escapes, `[]` and `{}` for empty ones); it writes some floats otherwise (1e-05 as
    0.00001) and refuses lone surrogates, so those go through json.dumps. JSON text holds
    no raw newline, so indenting every line is a replace."""
    text = None
    if not floats:
        import pydantic_core

        try:
            text = pydantic_core.to_json(value, indent=2).decode("utf-8")
        except (pydantic_core.PydanticSerializationError, UnicodeDecodeError):
            text = None
    if text is None:
        text = json.dumps(value, indent=2, ensure_ascii=False)
        text = SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.replace("\n", "\n" + "  " * level) if level else text


def _has_float(card: Scorecard) -> bool:
    """Whether a finding's value is a float: the one place a scorecard may hold one."""
    return any(type(finding.value) is float for verdict in card.axes.values() for finding in verdict.findings)


def _model(card: Scorecard) -> dict[str, Any]:
    return {
        "repo_id": card.repo_id,
        "revision": card.revision,
        "status": card.status,
        "error": card.error.model_dump() if card.error else None,
        "license": _licence(card.license) if card.license else None,
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


def _licence(licence: LicenseVerdict) -> dict[str, Any]:
    entry = licence.model_dump(by_alias=True)
    if licence.text_file is None:  # only for a repo with a licence file, so that other reports read as before
        del entry["text_file"], entry["text_sha256"]
    return entry


def _axis(verdict: AxisVerdict) -> dict[str, Any]:
    return {
        "verdict": verdict.verdict,
        "level": verdict.level,
        "reasons": list(verdict.reasons),
        "evidence": [e.model_dump(include={"source", "detail", "strength", "signal"}) for e in verdict.evidence],
        "findings": [f.model_dump() for f in verdict.findings],
    }


def model_entry(card: Scorecard) -> dict[str, Any]:
    """One model's entry of `models`, as other JSON documents (`explain`) embed it."""
    return _model(card)


READABLE_VERSIONS = (1, 2)


def read_report_document(doc: Any) -> ReportData:
    """A report document of any readable schema_version back as the report it was made of.

    What the document does not carry (the endpoint, the time of the run) is None. A
    version 1 document is read through its own names: an axis's `level` was its word and
    `score` its number, a dimension result's `label` its verdict.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("tool"), dict) or doc["tool"].get("name") != TOOL_NAME:
        raise UnreadableReport("not an openness JSON report (no tool named openness)")
    version = doc.get("schema_version")
    if version not in READABLE_VERSIONS:
        raise UnreadableReport(f"schema_version {version!r} cannot be read by this openness "
                               f"(it reads {', '.join(map(str, READABLE_VERSIONS))})")
    models = doc.get("models")
    if not isinstance(models, list):
        raise UnreadableReport("an openness report without a list of models")
    try:
        return ReportData(tool_version=doc["tool"].get("version"), rubric=RubricRef.model_validate(doc.get("rubric")),
                          scorecards=[_read_model(m, version) for m in models])
    except (ValidationError, TypeError, AttributeError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        where = ".".join(str(part) for part in first["loc"]) if first else type(exc).__name__
        raise UnreadableReport(f"a model entry does not fit schema_version {version} ({where})") from None


def _read_model(entry: dict[str, Any], version: int) -> Scorecard:
    fields = dict(entry)
    if version == 1:
        fields["axes"] = {axis: _v1_axis(verdict) for axis, verdict in entry.get("axes", {}).items()}
        fields["results"] = {rubric: {**result, "dimensions": {name: _v1_dimension(dim)
                                                               for name, dim in result["dimensions"].items()}}
                             for rubric, result in entry.get("results", {}).items()}
    # The licence and dataset entries are written by their aliases (`class`).
    if isinstance(fields.get("license"), dict):
        fields["license"] = {("license_class" if k == "class" else k): v for k, v in fields["license"].items()}
    fields["datasets"] = [{("license_class" if k == "class" else k): v for k, v in d.items()}
                          for d in fields.get("datasets", [])]
    return Scorecard.model_validate(fields)


def _v1_axis(verdict: dict[str, Any]) -> dict[str, Any]:
    renamed = {k: v for k, v in verdict.items() if k not in ("level", "score")}
    return {"verdict": verdict.get("level"), "level": verdict.get("score"), **renamed}


def _v1_dimension(dimension: dict[str, Any]) -> dict[str, Any]:
    return {("verdict" if k == "label" else k): v for k, v in dimension.items()}
