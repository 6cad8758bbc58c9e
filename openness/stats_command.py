"""`openness stats OUT` at the command line: read a scan, summarise it, then print the
plain-text summary, or write the HTML page and the figures. The counting is
openness.stats.summary (pure); the files are read and written here and in stats.read.

Exit codes: 0 done; 2 trouble (a missing or unreadable file, a file that is not a scan, an
output that cannot be written, a missing extra), as one line on stderr.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openness.stats.figures import FigureFormat as FileFormat
    from openness.stats.summary import Summary

EXIT_OK = 0
DEFAULT_TOP = 15
PAGE_SUFFIXES = (".html", ".htm")


class FigureFormat(str, Enum):
    png = "png"
    svg = "svg"


@dataclass(frozen=True)
class StatsRequest:
    """What `openness stats` was asked, as parsed from the command line."""

    scan: str
    output: str | None = None
    figures: str | None = None
    figure_format: FigureFormat = FigureFormat.png
    top: int = DEFAULT_TOP


class StatsTrouble(Exception):
    """Why the stats cannot be made; said on stderr, exit 2."""


def run_stats(request: StatsRequest, *, colour: bool = False) -> int:
    """Do what `request` asks; raises StatsTrouble."""
    from openness.stats.errors import MissingExtra, ScanUnreadable, UnsafeFigure

    _check_outputs(request)
    try:
        summary = _summarise(request)
        if request.figures:
            _write_figures(summary, request.figures, "svg" if request.figure_format is FigureFormat.svg else "png")
        if request.output:
            _write(request.output, _page(summary, request.scan).encode("utf-8"))
        else:
            from openness.stats.text import render_stats_text

            sys.stdout.write(render_stats_text(summary, request.scan, colour=colour))
            sys.stdout.flush()
    except (ScanUnreadable, MissingExtra, UnsafeFigure) as exc:
        raise StatsTrouble(str(exc)) from None
    return EXIT_OK


def _check_outputs(request: StatsRequest) -> None:
    """Everything about the outputs that can be refused before the scan is read (a whole-Hub
    scan takes a while): the page's suffix, the figures folder, matplotlib."""
    if request.output and not request.output.lower().endswith(PAGE_SUFFIXES):
        raise StatsTrouble(f"--output writes an HTML page: give a file ending in .html, not {request.output}")
    if request.figures and os.path.exists(request.figures) and not os.path.isdir(request.figures):
        raise StatsTrouble(f"--figures {request.figures} is a file: give a folder")
    if (request.output or request.figures) and importlib.util.find_spec("matplotlib") is None:
        raise StatsTrouble("figures need matplotlib: pip install 'openness[stats]'")


def _summarise(request: StatsRequest) -> Summary:
    from openness.rubric.loader import load_licences
    from openness.stats.read import read_scan
    from openness.stats.summary import summarise

    titles: dict[str, str] = {letter: licence_class.title for letter, licence_class in load_licences().classes.items()}
    return summarise(read_scan(request.scan), top=request.top, class_titles=titles)


def _page(summary: Summary, source: str) -> str:
    from openness.stats.figures import figure_specs, render_figure
    from openness.stats.page import inline_svg, render_stats_html
    from openness.version import __version__

    figures = [(spec, "" if spec.table else inline_svg(render_figure(spec, summary, "svg")))
               for spec in figure_specs(summary)]
    return render_stats_html(summary, source=Path(source).name, generated_at=datetime.now(timezone.utc),
                             tool_version=__version__, figures=figures)


def _write_figures(summary: Summary, folder: str, fmt: FileFormat) -> None:
    from openness.stats.figures import figure_specs, render_figure

    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise StatsTrouble(f"cannot make {folder}: {exc.strerror or type(exc).__name__}") from None
    for spec in figure_specs(summary):
        _write(os.path.join(folder, f"{spec.name}.{fmt}"), render_figure(spec, summary, fmt))


def _write(name: str, data: bytes) -> None:
    try:
        with open(name, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise StatsTrouble(f"cannot write {name}: {exc.strerror or type(exc).__name__}") from None
