"""One row per model: the cells every comparison format shows, as plain values.

Terminal, markdown and HTML tables, CSV and pandas all start from `summary_row`, so a
model reads the same in every format. Text here is raw (straight from cards); each
renderer escapes it for its own format.
"""
from __future__ import annotations

from typing import Any

from collections.abc import Sequence

from openness.models import AXES, AxisVerdict, LineageEntry, Scorecard
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
    return verdict.level if verdict.score is None else f"{verdict.level} {verdict.score}/4"


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


def summary_row(card: Scorecard) -> dict[str, Any]:
    """The model as `COLUMNS`: words, levels (int or None), licence, gate, parents, error."""
    row: dict[str, Any] = {"repo_id": card.repo_id, "revision": card.revision, "status": card.status}
    for axis in AXES:
        verdict = card.axes.get(axis)
        row[axis] = verdict.level if verdict else None
        row[f"{axis}_level"] = verdict.score if verdict else None
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
    return row


def table_cells(card: Scorecard) -> list[str]:
    """The comparison table's cells: model, three axes, licence, gate, parent (raw text)."""
    if card.status != "scored":
        kind = card.error.kind.replace("_", " ") if card.error else "error"
        return [card.repo_id, f"not scored: {kind}", "—", "—", "—", "—", "—"]
    return [card.repo_id, *(level_text(card.axes.get(a)) for a in AXES),
            licence_text(card), gate_words(card.gated), parents_text(card)]


TABLE_HEADERS = ["model", "weights", "data", "code", "licence", "gate", "parent"]
