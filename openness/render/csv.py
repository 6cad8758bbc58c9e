"""CSV for spreadsheets: one row per model, the stable columns of `rows.COLUMNS`, then one
per dimension of the other rubrics asked for (`mof.class`)."""
from __future__ import annotations

import csv
import io
from typing import Any

from openness.models import ReportData
from openness.render.text import one_line

# A cell starting with one of these is read as a formula by Excel, LibreOffice and
# Google Sheets (CSV injection); a leading apostrophe makes it plain text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: ReportData) -> str:
    """A header row, then a row per scorecard in report order (RFC 4180 quoting, \\n line ends)."""
    from openness.render.rows import csv_columns, summary_row

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = csv_columns(report.scorecards)
    writer.writerow(columns)
    for card in report.scorecards:
        row = summary_row(card)
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """One line of text that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = one_line(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
