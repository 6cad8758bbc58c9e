"""The terminal view (tabulate): one model as a block, several as one comparison table.

Every piece of third-party text passes through `terminal_line` (render/text.py).
"""
from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate

from openness.models import AXES, Report, Scorecard
from openness.render.arrange import GroupKey, groups_of
from openness.render.rows import TABLE_HEADERS, lineage_omitted_text, lineage_text, table_cells
from openness.render.text import gate_words, headline, shorten, terminal_line

REASON_WIDTH = 100
CELL_WIDTH = 60


def render_table(report: Report, *, details: bool = False, group_by: GroupKey | None = None) -> str:
    """A block for a single model; a comparison table for several, then what failed.

    With `details`, every model's reasons and evidence follow.
    """
    cards = report.scorecards
    footer = f"rubric {report.rubric.id} {report.rubric.version}, profile {report.rubric.profile}"
    if len(cards) == 1 and group_by is None:
        return _block(cards[0], details) + f"\n\n{footer}\n"
    parts = [_comparison(cards, group_by)]
    failures = [card for card in cards if card.status != "scored" and card.error]
    if failures:
        parts.append("not scored:\n" + "\n".join(
            f"  {terminal_line(c.error.message)}" for c in failures))  # type: ignore[union-attr]
    if details:
        parts += [_block(card, True) for card in cards if card.status == "scored"]
    return "\n\n".join(parts) + f"\n\n{footer}\n"


def _comparison(cards: Sequence[Scorecard], group_by: GroupKey | None) -> str:
    tables = []
    for group in groups_of(cards, group_by):
        rows = [[shorten(terminal_line(cell), CELL_WIDTH) for cell in table_cells(card)] for card in group.cards]
        table = tabulate(rows, headers=TABLE_HEADERS, tablefmt="simple", disable_numparse=True)
        tables.append(f"{terminal_line(group.title)}\n{table}" if group.title else table)
    return "\n\n".join(tables)


def _block(card: Scorecard, details: bool) -> str:
    if card.status == "error" and card.error:
        return f"{terminal_line(card.repo_id)}\n  error ({card.error.kind}): {terminal_line(card.error.message)}"
    title = terminal_line(card.repo_id) + (f" @ {terminal_line(card.revision[:12])}" if card.revision else "")
    licence = card.license
    lic = (f"{terminal_line(licence.label)} (class {licence.license_class}: {terminal_line(licence.class_title)})"
           if licence else "?")
    rows = [
        [axis, verdict.level, "?" if verdict.score is None else f"{verdict.score}/4",
         shorten(terminal_line(headline(verdict.reasons)), REASON_WIDTH)]
        for axis, verdict in ((a, card.axes[a]) for a in AXES if a in card.axes)
    ]
    table = tabulate(rows, headers=["axis", "verdict", "level", "reason"], tablefmt="simple",
                     disable_numparse=True)
    head = f"{title}\nlicence: {lic}\ngate: {terminal_line(gate_words(card.gated))}"
    parts = [head, table]
    if details:
        parts.append(_details(card))
    return "\n\n".join(parts)


def _details(card: Scorecard) -> str:
    lines: list[str] = []
    for axis in AXES:
        verdict = card.axes.get(axis)
        if verdict is None:
            continue
        lines.append(f"{axis}: {verdict.level}" + ("" if verdict.score is None else f" (level {verdict.score})"))
        lines += [f"  - {terminal_line(r)}" for r in verdict.reasons]
        lines += [f"    [{e.strength}] {terminal_line(e.source)}: {terminal_line(e.detail)}" for e in verdict.evidence]
        if not verdict.evidence:
            lines.append("    (no evidence items)")
    if card.lineage:
        lines.append("lineage:")
        lines += [f"  {'  ' * (e.depth - 1)}{terminal_line(lineage_text(e))}" for e in card.lineage]
        lines += [f"  {cut}" for cut in [lineage_omitted_text(card)] if cut]
    if card.papers:
        lines.append("papers: " + ", ".join(terminal_line(p) for p in card.papers))
    return "\n".join(lines)
