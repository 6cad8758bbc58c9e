"""Renderers: pure functions from a Report to text. The CLI decides where the text goes."""
from __future__ import annotations

from enum import Enum
from typing import assert_never

from openness.models import Report


class Format(str, Enum):
    """Output formats; `render` must cover every member (a test loops over them)."""

    table = "table"
    json = "json"
    markdown = "markdown"


def render(report: Report, fmt: Format, *, details: bool = False) -> str:
    """The report in `fmt`, ending with a newline."""
    if fmt is Format.table:
        from openness.render.terminal import render_table

        return render_table(report, details=details)
    if fmt is Format.json:
        from openness.render.json import render_json

        return render_json(report)
    if fmt is Format.markdown:
        from openness.render.markdown import render_markdown

        return render_markdown(report, details=details)
    assert_never(fmt)


__all__ = ["Format", "render"]
