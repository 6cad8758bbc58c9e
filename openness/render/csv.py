"""CSV for spreadsheets: one row per model, the stable columns of `rows.COLUMNS`, then one
per dimension of the other rubrics asked for (`mof.class`)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from openness.models import ReportData, Scorecard
from openness.render.text import one_line

# A cell starting with one of these is read as a formula by Excel, LibreOffice and
# Google Sheets (CSV injection); a leading apostrophe makes it plain text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: ReportData) -> str:
    """A header row, then a row per scorecard in report order (RFC 4180 quoting, \\n line ends)."""
    from openness.render.rows import csv_columns

    return _lines(csv_columns(report.scorecards), report.scorecards, header=True)


def batch_csv_pieces(cards: Iterable[Scorecard], *, other_rubrics: bool) -> Iterator[str]:
    """The CSV of one batch's cards in pieces, a row as each card comes, so a writer holds
    no batch (openness.cli streams `score --format csv` this way): the text render_csv
    gives for them. `other_rubrics`: whether the batch is judged under rubrics besides the
    axes; their columns are known only from a card judged under them, so cards are then
    held until the first that has results (a failed model has none), or to the end. Every
    card judged in one batch is judged under the same rubrics, each with all its
    dimensions: the header read from that card holds for the rest."""
    from openness.render.rows import COLUMNS, csv_columns

    held: list[Scorecard] = []
    columns: list[str] | None = None if other_rubrics else list(COLUMNS)
    if columns is not None:
        yield _lines(columns, [], header=True)
    for card in cards:
        if columns is not None:
            yield _lines(columns, [card])
            continue
        held.append(card)
        if card.results:
            columns = csv_columns(held)
            yield _lines(columns, held, header=True)
            held = []
    if columns is None:  # no card was judged under the other rubrics: the stable columns alone
        yield _lines(csv_columns(held), held, header=True)


def _lines(columns: list[str], cards: Iterable[Scorecard], *, header: bool = False) -> str:
    """The rows of `cards` under `columns` (and the header row first)."""
    from openness.render.rows import summary_row

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(columns)
    for card in cards:
        row = summary_row(card)
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """One line of text that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = one_line(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text
