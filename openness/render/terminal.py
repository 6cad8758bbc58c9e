"""The terminal view: a block per model with a table of the three axes (tabulate)."""
from __future__ import annotations

from tabulate import tabulate

from openness.models import AXES, Report, Scorecard
from openness.render.text import gate_words, headline, one_line, shorten

REASON_WIDTH = 100


def render_table(report: Report, *, details: bool = False) -> str:
    """Every model in turn; with `details`, all reasons and the evidence under each axis."""
    blocks = [_block(card, details) for card in report.scorecards]
    footer = f"rubric {report.rubric.id} {report.rubric.version}, profile {report.rubric.profile}"
    return "\n\n".join(blocks) + f"\n\n{footer}\n"


def _block(card: Scorecard, details: bool) -> str:
    if card.status == "error" and card.error:
        return f"{card.repo_id}\n  error ({card.error.kind}): {one_line(card.error.message)}"
    title = card.repo_id + (f" @ {card.revision[:12]}" if card.revision else "")
    licence = card.license
    lic = f"{one_line(licence.label)} (class {licence.license_class}: {licence.class_title})" if licence else "?"
    rows = [
        [axis, verdict.level, "?" if verdict.score is None else f"{verdict.score}/4",
         shorten(one_line(headline(verdict.reasons)), REASON_WIDTH)]
        for axis, verdict in ((a, card.axes[a]) for a in AXES if a in card.axes)
    ]
    table = tabulate(rows, headers=["axis", "verdict", "level", "reason"], tablefmt="simple")
    head = f"{title}\nlicence: {lic}\ngate: {gate_words(card.gated)}"
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
        lines += [f"  - {one_line(r)}" for r in verdict.reasons]
        lines += [f"    [{e.strength}] {one_line(e.source)}: {one_line(e.detail)}" for e in verdict.evidence]
        if not verdict.evidence:
            lines.append("    (no evidence items)")
    if card.papers:
        lines.append("papers: " + ", ".join(one_line(p) for p in card.papers))
    return "\n".join(lines)
