"""The terminal view (tabulate): one model as a block, several as one comparison table.

Every piece of third-party text passes through `terminal_line` (render/text.py); colour,
when asked for, is added after that, by `paint_verdict` only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from tabulate import tabulate

from openness.models import AXES, ReportData, Scorecard
from openness.render.arrange import GroupKey, groups_of
from openness.render.rows import (FINDING_MARKS, TABLE_HEADERS, dimension_label, findings_summary, lineage_omitted_text, lineage_text,
                                  open_findings, result_columns, table_cells)
from openness.render.text import gate_words, headline, paint_verdict, shorten, terminal_line

# Where a reason is cut when the width is not known (piped, a file): the same every run,
# so that saved output does not depend on the terminal it was made in.
REASON_WIDTH = 100
# However narrow the terminal, a reason keeps this much (the line then wraps).
MIN_REASON_WIDTH = 30
CELL_WIDTH = 60


def render_table(report: ReportData, *, details: bool = False, group_by: GroupKey | None = None,
                 colour: bool = False, width: int | None = None) -> str:
    """A block for a single model; a comparison table for several, then what failed.

    With `details`, every model's reasons and evidence follow. `colour` colours the
    verdict words (for a terminal); `width`, the terminal's, decides where a single
    model's reasons are cut (REASON_WIDTH when None).
    """
    paint = paint_verdict if colour else _plain
    cards = report.scorecards
    footer = f"rubric {report.rubric.id} {report.rubric.version}, profile {report.rubric.profile}"
    if len(cards) == 1 and group_by is None:
        return _block(cards[0], details, paint, width) + f"\n\n{footer}\n"
    parts = [_comparison(cards, group_by, paint)]
    failures = [card for card in cards if card.status != "scored" and card.error]
    if failures:
        parts.append("not scored:\n" + "\n".join(
            f"  {terminal_line(c.error.message)}" for c in failures))  # type: ignore[union-attr]
    if details:
        parts += [_block(card, True, paint, width) for card in cards if card.status == "scored"]
    return "\n\n".join(parts) + f"\n\n{footer}\n"


def _plain(cell: str) -> str:
    return cell


def _comparison(cards: Sequence[Scorecard], group_by: GroupKey | None, paint: Callable[[str], str]) -> str:
    tables = []
    axis_columns = range(1, 1 + len(AXES))  # model, then one column per axis
    results = result_columns(cards)
    headers = [*TABLE_HEADERS, *(terminal_line(column.header) for column in results)]
    for group in groups_of(cards, group_by):
        rows = [[paint(text) if column in axis_columns else text
                 for column, text in enumerate(shorten(terminal_line(cell), CELL_WIDTH)
                                               for cell in table_cells(card, results))]
                for card in group.cards]
        table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
        tables.append(f"{terminal_line(group.title)}\n{table}" if group.title else table)
    return "\n\n".join(tables)


def _block(card: Scorecard, details: bool, paint: Callable[[str], str], width: int | None) -> str:
    if card.status == "error" and card.error:
        return f"{terminal_line(card.repo_id)}\n  error ({card.error.kind}): {terminal_line(card.error.message)}"
    title = terminal_line(card.repo_id) + (f" @ {terminal_line(card.revision[:12])}" if card.revision else "")
    licence = card.license
    lic = (f"{terminal_line(licence.label)} (class {licence.license_class}: {terminal_line(licence.class_title)})"
           if licence else "?")
    headers = ["axis", "verdict", "level", "reason"]
    cells = [
        [axis, verdict.verdict, "?" if verdict.level is None else f"{verdict.level}/4",
         terminal_line(headline(verdict.reasons))]
        for axis, verdict in ((a, card.axes[a]) for a in AXES if a in card.axes)
    ]
    # Other rubrics asked for: a row per dimension, its label where the word goes.
    cells += [[terminal_line(f"{rubric}: {name}"), terminal_line(dimension_label(result, name)), "",
               terminal_line(headline(found.reasons))]
              for rubric, result in card.results.items() for name, found in result.dimensions.items()]
    room = _reason_room(headers, cells, width)
    rows = [[axis, paint(level), score, shorten(reason, room)] for axis, level, score, reason in cells]
    table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    head = f"{title}\nlicence: {lic}\ngate: {terminal_line(gate_words(card.gated))}"
    parts = [head, table]
    if details:
        parts.append(_details(card))
    return "\n\n".join(parts)


def _reason_room(headers: list[str], cells: list[list[str]], width: int | None) -> int:
    """How many characters the reason column may take: what the terminal's width leaves
    after the other columns and their two-space gaps; REASON_WIDTH when no width is known.
    (tabulate's "simple" format makes a column at least its header plus 2 wide.)"""
    if width is None:
        return REASON_WIDTH
    others = sum(max(len(headers[i]) + 2, *(len(row[i]) for row in cells)) + 2 for i in range(len(headers) - 1))
    return max(MIN_REASON_WIDTH, width - others)


def _details(card: Scorecard) -> str:
    lines: list[str] = []
    for axis in AXES:
        verdict = card.axes.get(axis)
        if verdict is None:
            continue
        lines.append(f"{axis}: {verdict.verdict}" + ("" if verdict.level is None else f" (level {verdict.level})"))
        lines += [f"  - {terminal_line(r)}" for r in verdict.reasons]
        lines += [f"    [{e.strength}] {terminal_line(e.source)}: {terminal_line(e.detail)}" for e in verdict.evidence]
        if not verdict.evidence:
            lines.append("    (no evidence items)")
        summary = findings_summary(verdict.findings)
        if summary:
            lines.append(f"  findings: {summary}")
        for finding in open_findings(verdict.findings):
            lines.append(f"    {FINDING_MARKS[finding.outcome]} {finding.condition}: {terminal_line(finding.message)}")
            if finding.remediation:
                lines.append(f"      to change it: {terminal_line(finding.remediation)}")
    if card.lineage:
        lines.append("lineage:")
        lines += [f"  {'  ' * (e.depth - 1)}{terminal_line(lineage_text(e))}" for e in card.lineage]
        lines += [f"  {cut}" for cut in [lineage_omitted_text(card)] if cut]
    if card.papers:
        lines.append("papers: " + ", ".join(terminal_line(p) for p in card.papers))
    return "\n".join(lines)
