"""`openness diff OLD NEW` at the command line: read or score both sides, print the diff,
choose the exit code. The comparison itself is openness.diff (pure).

Exit codes, as `diff` and `git diff --exit-code` give them, so that CI can branch on them:
0 nothing changed, 1 something changed, 2 trouble (a report that cannot be read, an
invalid id, two sides of different kinds, a revision that could not be scored), 3 the
tool itself failed, 130 interrupted.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from openness.models import ModelRef, ReportData

EXIT_SAME, EXIT_CHANGED, EXIT_TROUBLE = 0, 1, 2
MAX_REPORT_BYTES = 256 * 2**20
"""A report file read at most: far beyond any real run's (a model is a few KB), and /dev/zero
or a wrong path to a disk image is refused rather than read into memory."""

DiffFormat = Literal["text", "json", "markdown"]


@dataclass(frozen=True)
class DiffRequest:
    """What `openness diff` was asked, as parsed from the command line."""

    old: str
    new: str
    output_format: DiffFormat = "text"
    profile: str = "default"
    endpoint: str | None = None
    frameworks: Sequence[str] = field(default_factory=tuple)
    repos: bool = True
    refresh: bool = False
    offline: bool | None = None


class DiffTrouble(Exception):
    """Why the two sides cannot be compared; said on stderr, exit 2."""


def is_report_file(text: str) -> bool:
    """A side is a report file when such a file exists, or its name ends in .json (a JSON file
    that is missing is then said to be missing, never looked up as a model id)."""
    return os.path.isfile(text) or text.lower().endswith(".json")


def read_report_file(name: str) -> ReportData:
    """A JSON report (schema_version 1 or 2), at most MAX_REPORT_BYTES."""
    from openness.errors import UnreadableReport
    from openness.report import Report

    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise DiffTrouble(f"cannot read {name}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise DiffTrouble(f"cannot read {name}: over {MAX_REPORT_BYTES // 2**20} MiB")
    try:
        return Report.from_json(data)
    except UnreadableReport as exc:
        raise DiffTrouble(f"cannot read {name}: {exc}") from None


def two_revisions(old: str, new: str) -> tuple[ModelRef, ModelRef]:
    """Both sides as model references of one model (an id in any letter case or URL form)."""
    from openness.errors import InvalidModelId

    try:
        refs = ModelRef.parse(old), ModelRef.parse(new)
    except InvalidModelId as exc:
        raise DiffTrouble(str(exc)) from None
    if refs[0].repo_id.lower() != refs[1].repo_id.lower():
        raise DiffTrouble(f"{old} and {new} are not one model: give two revisions of one model "
                          "(org/name@rev1 org/name@rev2), or two JSON report files")
    return refs


def score_revisions(request: DiffRequest, refs: tuple[ModelRef, ModelRef]) -> tuple[ReportData, ReportData]:
    """Each revision scored through the usual API, one source (and cache) for both."""
    from openness.api import compare, hub_address, hub_source

    source = hub_source(request.endpoint, refresh=request.refresh, offline=request.offline)
    address = hub_address(request.endpoint)
    reports = tuple(compare([str(ref)], profile=request.profile, source=source, endpoint=address,
                            repos=request.repos, rubrics=list(request.frameworks)) for ref in refs)
    failed = [card.error.message for report in reports for card in report if card.error]
    if failed:
        raise DiffTrouble("; ".join(failed))
    return reports[0], reports[1]


def run_diff(request: DiffRequest) -> int:
    """Compare, print, and return the exit code (EXIT_SAME, EXIT_CHANGED); raises DiffTrouble."""
    from openness.diff import diff_reports, render_diff_json, render_diff_markdown, render_diff_text
    from openness.version import __version__

    files = is_report_file(request.old), is_report_file(request.new)
    if all(files):
        old, new = read_report_file(request.old), read_report_file(request.new)
    elif any(files):
        raise DiffTrouble("give two JSON report files, or two revisions of one model, not one of each")
    else:
        old, new = score_revisions(request, two_revisions(request.old, request.new))
    diff = diff_reports(old, new, request.old, request.new)
    if request.output_format == "json":
        text = render_diff_json(diff, __version__)
    elif request.output_format == "markdown":
        text = render_diff_markdown(diff)
    else:
        text = render_diff_text(diff)
    sys.stdout.write(text)
    sys.stdout.flush()
    return EXIT_CHANGED if diff.changed else EXIT_SAME
