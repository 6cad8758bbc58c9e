"""CSV for spreadsheets: one row per model, the stable columns of `rows.COLUMNS`."""
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
    from openness.render.rows import COLUMNS, summary_row

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for card in report.scorecards:
        row = summary_row(card)
        writer.writerow([csv_cell(row[column]) for column in COLUMNS])
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """One line of text that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = one_line(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
