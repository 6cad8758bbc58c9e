"""One row per model: the cells every comparison format shows, as plain values.

Terminal, markdown and HTML tables, CSV and pandas all start from `summary_row`, so a
model reads the same in every format. Text here is raw (straight from cards); each
renderer escapes it for its own format.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openness.models import AXES, AxisVerdict, Finding, LineageEntry, RubricResult, Scorecard
from openness.render.text import gate_words

# CSV and pandas columns, in this order, for every model; a new column goes at the end.
COLUMNS: tuple[str, ...] = (
    "repo_id", "revision", "status",
    "weights", "weights_level", "data", "data_level", "code", "code_level",
    "license", "license_id", "license_class", "gated", "parents",
    "error_kind", "error",
)


def level_text(verdict: AxisVerdict | None) -> str:
    """`open 3/4`, or `unknown` (no level); an em dash when the axis was not judged."""
    if verdict is None:
        return "—"
    return verdict.verdict if verdict.level is None else f"{verdict.verdict} {verdict.level}/4"


def licence_text(card: Scorecard) -> str:
    """`apache-2.0 (A)`: the licence as a reader knows it, with its class letter."""
    lic = card.license
    return f"{lic.label} ({lic.license_class})" if lic else "—"


def parents_text(card: Scorecard) -> str:
    """Direct parents as `finetune of org/name`; an em dash when there are none."""
    parents = [entry for entry in card.lineage if entry.depth == 1]
    if not parents:
        return "—"
    return ", ".join(
        f"{entry.relation} of {entry.repo_id}" + ("" if entry.status == "scored" else f" ({entry.status.replace('_', ' ')})")
        for entry in parents
    )


def lineage_text(entry: LineageEntry) -> str:
    """`finetune of org/base: open / partial / closed`, or why the ancestor was not scored."""
    if entry.status == "scored":
        outcome = " / ".join(entry.axes.get(axis, "?") for axis in AXES)
    else:
        outcome = entry.status.replace("_", " ") + (f" ({entry.reason})" if entry.reason else "")
    return f"{entry.relation} of {entry.repo_id}: {outcome}"


def lineage_omitted_text(card: Scorecard) -> str | None:
    """The line that says the lineage list was cut, when it was."""
    if not card.lineage_omitted:
        return None
    return f"… and {card.lineage_omitted:,} more ancestor entries, not listed (at most {len(card.lineage):,} are)"


def licence_classes(cards: Sequence[Scorecard]) -> list[tuple[str, str]]:
    """(letter, title) of every licence class in the cards, A first: what a legend explains."""
    return sorted({(c.license.license_class, c.license.class_title) for c in cards if c.license})


def csv_columns(cards: Sequence[Scorecard]) -> list[str]:
    """`COLUMNS`, then for each other rubric asked for: its outcome code (a column named
    after the framework, `mof`), then a column per dimension (`mof.class`)."""
    return [*COLUMNS, *(column.key for column in result_columns(cards, every_dimension=True))]


def summary_row(card: Scorecard) -> dict[str, Any]:
    """The model as `csv_columns`: words, levels (int or None), licence, gate, parents,
    error, and each other rubric's labels (None when unknown or not judged)."""
    row: dict[str, Any] = {"repo_id": card.repo_id, "revision": card.revision, "status": card.status}
    for axis in AXES:
        verdict = card.axes.get(axis)
        row[axis] = verdict.verdict if verdict else None
        row[f"{axis}_level"] = verdict.level if verdict else None
    lic = card.license
    row |= {
        "license": lic.label if lic else None,
        "license_id": lic.id if lic else None,
        "license_class": lic.license_class if lic else None,
        "gated": gate_words(card.gated) if card.status == "scored" else None,
        "parents": parents_text(card) if card.lineage else None,
        "error_kind": card.error.kind if card.error else None,
        "error": card.error.message if card.error else None,
    }
    for rubric, result in card.results.items():
        if result.outcome is not None:
            row[result.outcome.column] = result.outcome.value
        row |= {f"{rubric}.{dim}": found.verdict for dim, found in result.dimensions.items()}
    return row


def table_cells(card: Scorecard, results: Sequence[ResultColumn] = ()) -> list[str]:
    """The comparison table's cells: model, three axes, licence, gate, parent, then one
    per result column of the other rubrics asked for (raw text)."""
    if card.status != "scored":
        kind = card.error.kind.replace("_", " ") if card.error else "error"
        return [card.repo_id, f"not scored: {kind}", "—", "—", "—", "—", "—", *("—" for _ in results)]
    return [card.repo_id, *(level_text(card.axes.get(a)) for a in AXES),
            licence_text(card), gate_words(card.gated), parents_text(card),
            *(result_text(card, column) for column in results)]


TABLE_HEADERS = ["model", "weights", "data", "code", "licence", "gate", "parent"]


@dataclass(frozen=True)
class ResultColumn:
    """One dimension of another rubric, shown as a column after the openness ones; for a
    rubric with an outcome (`outcome_column`), the outcome stands for the rubric."""

    rubric: str
    dimension: str
    outcome_column: str | None = None

    @property
    def header(self) -> str:
        """`mof` for an outcome, `osai: weights_basemodel` for a dimension, in tables."""
        return self.rubric if self.outcome_column else f"{self.rubric}: {self.dimension}"

    @property
    def key(self) -> str:
        """The CSV column: `mof` (the outcome code) or `mof.class` (the label)."""
        return self.outcome_column or f"{self.rubric}.{self.dimension}"


def result_columns(cards: Sequence[Scorecard], *, every_dimension: bool = False) -> list[ResultColumn]:
    """The other rubrics' columns, in the order met: a rubric with an outcome is one
    column (its outcome), unless `every_dimension` (CSV: the code, then each dimension)."""
    columns: dict[ResultColumn, None] = {}
    for card in cards:
        for rubric, result in card.results.items():
            if result.outcome is not None:
                columns[ResultColumn(rubric, result.outcome.dimension, result.outcome.column)] = None
                if not every_dimension:
                    continue
            columns |= {ResultColumn(rubric, dim): None for dim in result.dimensions}
    return list(columns)


def result_text(card: Scorecard, column: ResultColumn) -> str:
    """The label reached, `unknown` when the tool could not tell, an em dash when not judged."""
    result = card.results.get(column.rubric)
    found = result.dimensions.get(column.dimension) if result else None
    if found is None or result is None:
        return "—"
    return dimension_label(result, column.dimension)


def dimension_label(result: RubricResult, dimension: str) -> str:
    """The label a dimension reached; when the tool could not tell, the framework's own word
    for that on its outcome dimension (`undetermined`), `unknown` on the others."""
    found = result.dimensions[dimension]
    if found.verdict is not None:
        return found.verdict
    outcome = result.outcome
    return outcome.value if outcome is not None and outcome.dimension == dimension else "unknown"


FINDING_MARKS = {"met": "met", "not_met": "NOT met", "unknown": "unknown", "not_applicable": "n/a"}


def findings_summary(findings: Sequence[Finding]) -> str | None:
    """`5 of 8 conditions met`, or None when the verdict carries no findings."""
    if not findings:
        return None
    met = sum(f.outcome == "met" for f in findings)
    return f"{met} of {len(findings)} conditions met"


def open_findings(findings: Sequence[Finding]) -> list[Finding]:
    """The findings a publisher can act on: not met, or not known."""
    return [f for f in findings if f.outcome in ("not_met", "unknown")]
