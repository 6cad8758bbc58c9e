"""Renderers: pure functions from a report's data (models.ReportData) to text. The CLI decides where the text goes."""
from __future__ import annotations

from typing import assert_never

from openness.models import ReportData
from openness.options import SUFFIX_FORMATS, Format, GroupKey, SortKey
from openness.render.arrange import flatten, groups_of


def render(report: ReportData, fmt: Format, *, details: bool = False, group_by: GroupKey | None = None,
           colour: bool = False, width: int | None = None) -> str:
    """The report in `fmt`, ending with a newline.

    `colour` and `width` are for the table on a terminal (see `render_table`); other
    formats ignore them.

    `group_by` puts each group under its own heading in table, markdown and HTML, and
    keeps the rows of a group together in CSV and JSON.
    """
    if fmt is Format.table:
        from openness.render.terminal import render_table

        return render_table(report, details=details, group_by=group_by, colour=colour, width=width)
    if fmt is Format.markdown:
        from openness.render.markdown import render_markdown

        return render_markdown(report, details=details, group_by=group_by)
    if fmt is Format.html:
        from openness.render.html import render_html

        return render_html(report, group_by=group_by)
    flat = report if group_by is None else report.model_copy(
        update={"scorecards": flatten(groups_of(report.scorecards, group_by))})
    if fmt is Format.json:
        from openness.render.json import render_json

        return render_json(flat)
    if fmt is Format.csv:
        from openness.render.csv import render_csv

        return render_csv(flat)
    assert_never(fmt)


__all__ = ["Format", "GroupKey", "SUFFIX_FORMATS", "SortKey", "render"]
