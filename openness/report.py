"""A run's report and every way to show it: the value `compare` returns.

The scorecards and what produced them are `openness.models.ReportData`, which is all
the renderers read; this class adds the renderings on top, so the value types never
import the renderers that import them.
"""
from __future__ import annotations

from typing import Any

import openness.render.markdown  # noqa: F401  (registers how a notebook shows a Scorecard)
from openness.models import AXES, ReportData
from openness.options import Format, GroupKey, SortKey
from openness.render import render
from openness.render.arrange import sort_cards
from openness.render.rows import COLUMNS, summary_row
from openness.render.text import for_terminal


class Report(ReportData):
    """Scorecards for one run, with what produced them, and every way to show them.

    A report is the sequence of its scorecards: `len(report)`, `for card in report`,
    `report[0]`, and `report["org/name"]` or `"org/name" in report` with a model as
    `compare` accepts it (an id in any letter case, `org/name@revision`, a Hub URL).
    `print(report)` prints its table; in a notebook it displays as the comparison table
    (`_repr_html_`). It is still a pydantic model: `model_dump`, `model_dump_json` and
    `model_copy` work as on any other (`dict(report)` does not: iterating yields cards).
    """

    @classmethod
    def from_json(cls, text: str | bytes) -> "Report":
        """A report read back from its JSON document (`to_json`, `openness score --format
        json`), of schema_version 2 or the older 1. Raises `UnreadableReport` for anything
        else. The endpoint and the time of the run are not in the document: they are None."""
        import json

        from openness.errors import UnreadableReport
        from openness.render.json import read_report_document

        try:
            doc = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise UnreadableReport(f"not JSON: {exc}") from None
        return cls.model_validate(read_report_document(doc).model_dump())

    def __str__(self) -> str:
        """The table `openness score` prints, safe for a terminal."""
        return for_terminal(self.to_table())

    def sorted(self, by: str = "model") -> "Report":
        """A copy with rows ordered by `model`, `weights`, `data`, `code` or `license`.

        Axes and licence put the most open first; models that could not be scored go last.
        """
        return self.model_copy(update={"scorecards": sort_cards(self.scorecards, SortKey(by))})

    def to_table(self, *, details: bool = False, group_by: str | None = None) -> str:
        """Plain text for a terminal: what `openness score` prints."""
        return self._render("table", details=details, group_by=group_by)

    def to_markdown(self, *, details: bool = False, group_by: str | None = None) -> str:
        """A GitHub markdown table with a legend and a footer; `details` adds the evidence."""
        return self._render("markdown", details=details, group_by=group_by)

    def to_csv(self) -> str:
        """One row per model with stable columns (see `openness.render.rows.COLUMNS`)."""
        return self._render("csv")

    def to_json(self) -> str:
        """The versioned JSON document (schema: `openness/render/report.schema.json`)."""
        return self._render("json")

    def to_html(self, *, group_by: str | None = None) -> str:
        """A standalone HTML page; every verdict opens onto its reasons and evidence."""
        return self._render("html", group_by=group_by)

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per model, the CSV columns (needs `openness[pandas]`)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("Report.to_pandas needs pandas: pip install 'openness[pandas]'") from exc
        frame = pd.DataFrame([summary_row(card) for card in self.scorecards], columns=list(COLUMNS))
        for axis in AXES:
            frame[f"{axis}_level"] = frame[f"{axis}_level"].astype("Int64")
        return frame

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        from openness.render.html import render_table_fragment  # jinja2: only for a notebook

        return render_table_fragment(self)

    def _render(self, fmt: str, *, details: bool = False, group_by: str | None = None) -> str:
        return render(self, Format(fmt), details=details,
                      group_by=GroupKey(group_by) if group_by else None)
