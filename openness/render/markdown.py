"""Markdown for documents: a GitHub table per model, evidence as lists with --details."""
from __future__ import annotations

from openness.models import AXES, Report, Scorecard
from openness.render.text import gate_words, headline, markdown_cell



def render_markdown(report: Report, *, details: bool = False) -> str:
    """A section per model; a footer naming the tool, rubric and profile."""
    sections = [_section(card, details) for card in report.scorecards]
    footer = (f"_Scored by openness {report.tool_version} with rubric {report.rubric.id} "
              f"{report.rubric.version}, profile {report.rubric.profile}._")
    return "\n\n".join(sections + [footer]) + "\n"


def _section(card: Scorecard, details: bool) -> str:
    title = f"### {markdown_cell(card.repo_id)}"
    if card.status == "error" and card.error:
        return f"{title}\n\n**error** ({card.error.kind}): {markdown_cell(card.error.message)}"
    lic = card.license
    facts = (f"Revision `{card.revision or 'unknown'}` · licence {markdown_cell(lic.label) if lic else '?'}"
             + (f" (class {lic.license_class}: {markdown_cell(lic.class_title)})" if lic else "")
             + f" · gate: {markdown_cell(gate_words(card.gated))}")
    rows = ["| axis | verdict | level | reason |", "|---|---|---|---|"]
    for axis in AXES:
        verdict = card.axes.get(axis)
        if verdict is None:
            continue
        level = "?" if verdict.score is None else f"{verdict.score}/4"
        rows.append(f"| {axis} | **{verdict.level}** | {level} | {markdown_cell(headline(verdict.reasons))} |")
    parts = [title, facts, "\n".join(rows)]
    if details:
        parts.append(_details(card))
    return "\n\n".join(parts)


def _details(card: Scorecard) -> str:
    out: list[str] = []
    for axis in AXES:
        verdict = card.axes.get(axis)
        if verdict is None:
            continue
        out.append(f"**{axis}: {verdict.level}**\n")
        out += [f"- {markdown_cell(r)}" for r in verdict.reasons]
        out += [f"  - _{e.strength}_ · {markdown_cell(e.source)}: {markdown_cell(e.detail)}" for e in verdict.evidence]
        out.append("")
    return "\n".join(out).rstrip()
