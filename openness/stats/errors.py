"""Why `openness stats` cannot go on; each is one line at the CLI edge (exit 2)."""
from __future__ import annotations

from openness.errors import OpennessError


class ScanUnreadable(OpennessError):
    """The scan file is missing, of an unknown format, broken, or not a scan at all."""

    kind = "unreadable_scan"


class MissingExtra(OpennessError):
    """A library the stats need (pyarrow for parquet, matplotlib for figures) is not installed."""

    kind = "missing_extra"

    def __init__(self, library: str, needed_for: str) -> None:
        super().__init__(f"{needed_for} needs {library}: pip install 'openness[stats]'")
        self.library = library


class UnsafeFigure(OpennessError):
    """An SVG figure holds something a browser would run or fetch: it is never inlined."""

    kind = "unsafe_figure"
