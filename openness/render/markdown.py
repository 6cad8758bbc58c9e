"""Markdown for documents: one GitHub comparison table, a legend, evidence with --details."""
from __future__ import annotations

from collections.abc import Sequence

from openness.models import AXES, NOTEBOOK_VIEWS, ReportData, Scorecard
from openness.render.arrange import GroupKey, groups_of
from openness.render.rows import (FINDING_MARKS, TABLE_HEADERS, dimension_label, findings_summary, licence_classes,
                                  lineage_omitted_text, lineage_text, open_findings, result_columns, table_cells)
from openness.render.text import gate_words, headline, markdown_cell

LEGEND_WORDS = (
    "**open** / **partial** / **closed**: the profile's word for the level reached on that axis; "
    "**unknown**: the tool could not look (never counted as open).",
    "**n/4**: the rubric level, 0-4, judged separately for weights, training data and training code.",
    "**gate**: whether the Hub asks for a click-through or the publisher's approval before download.",
)


def render_markdown(report: ReportData, *, details: bool = False, group_by: GroupKey | None = None) -> str:
    """The comparison table (a table per group), a legend, evidence sections, a footer."""
    parts = [markdown_table(report.scorecards, group_by), legend(report.scorecards)]
    failures = [card for card in report.scorecards if card.status != "scored" and card.error]
    if failures:
        parts.append("**Not scored**\n\n" + "\n".join(
            f"- {markdown_cell(c.error.message)}" for c in failures))  # type: ignore[union-attr]
    if details:
        parts += [section(card) for card in report.scorecards if card.status == "scored"]
    parts.append(f"_Scored by openness {markdown_cell(report.tool_version)} with rubric "
                 f"{markdown_cell(report.rubric.id)} {markdown_cell(report.rubric.version)}, "
                 f"profile {markdown_cell(report.rubric.profile)}._")
    return "\n\n".join(parts) + "\n"


def markdown_table(cards: Sequence[Scorecard], group_by: GroupKey | None = None) -> str:
    """A GitHub table, a row per model; under a `####` heading per group when grouped."""
    tables = []
    results = result_columns(cards)
    headers = [*TABLE_HEADERS, *(markdown_cell(column.header) for column in results)]
    for group in groups_of(cards, group_by):
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(markdown_cell(cell) for cell in table_cells(card, results)) + " |"
                  for card in group.cards]
        table = "\n".join(lines)
        tables.append(f"#### {markdown_cell(group.title)}\n\n{table}" if group.title else table)
    return "\n\n".join(tables)


def legend(cards: Sequence[Scorecard]) -> str:
    """What the words, levels, licence classes and gates in the table mean."""
    classes = licence_classes(cards)
    lines = list(LEGEND_WORDS)
    if classes:
        lines.append("**licence classes**: " + "; ".join(
            f"{letter}: {markdown_cell(title)}" for letter, title in classes) + ".")
    return "**Legend**\n\n" + "\n".join(f"- {line}" for line in lines)


def section(card: Scorecard) -> str:
    """One model's reasons and evidence under each axis."""
    lic = card.license
    facts = (f"Revision `{markdown_cell(card.revision or 'unknown')}` · licence "
             + (f"{markdown_cell(lic.label)} (class {lic.license_class}: {markdown_cell(lic.class_title)})"
                if lic else "?")
             + f" · gate: {markdown_cell(gate_words(card.gated))}")
    out = [f"### {markdown_cell(card.repo_id)}", "", facts, ""]
    for axis in AXES:
        verdict = card.axes.get(axis)
        if verdict is None:
            continue
        level = "?" if verdict.level is None else f"{verdict.level}/4"
        out.append(f"**{axis}: {verdict.verdict}** ({level}): {markdown_cell(headline(verdict.reasons))}\n")
        out += [f"- {markdown_cell(r)}" for r in verdict.reasons]
        out += [f"  - _{e.strength}_ · {markdown_cell(e.source)}: {markdown_cell(e.detail)}" for e in verdict.evidence]
        summary = findings_summary(verdict.findings)
        if summary:
            out.append(f"- findings: {summary}")
            out += [f"  - {FINDING_MARKS[f.outcome]} `{markdown_cell(f.condition)}`: {markdown_cell(f.message)}"
                    + (f" (to change it: {markdown_cell(f.remediation)})" if f.remediation else "")
                    for f in open_findings(verdict.findings)]
        out.append("")
    for rubric, result in card.results.items():
        for name, found in result.dimensions.items():
            label = dimension_label(result, name)
            out.append(f"**{markdown_cell(rubric)}: {markdown_cell(name)}: {markdown_cell(label)}** "
                       f"({markdown_cell(result.title)})\n")
            out += [f"- {markdown_cell(r)}" for r in found.reasons]
            out.append("")
    if card.lineage:
        out.append("**lineage**\n")
        out += [f"- {'  ' * (e.depth - 1)}{markdown_cell(lineage_text(e))}" for e in card.lineage]
        out += [f"- {cut}" for cut in [lineage_omitted_text(card)] if cut]
    return "\n".join(out).rstrip()


def scorecard_markdown(card: Scorecard) -> str:
    """One model as a notebook shows it: its row, then its reasons and evidence."""
    return markdown_table([card]) + ("\n\n" + section(card) if card.status == "scored" else "") + "\n"


NOTEBOOK_VIEWS["scorecard"] = scorecard_markdown
