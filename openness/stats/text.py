"""The plain-text summary `openness stats` prints without --output: tables that pipe well
(grep, less, a file), with the verdict words coloured only when asked (a terminal)."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from tabulate import tabulate

from openness.models import AXES
from openness.render.text import paint_verdict, terminal_line
from openness.stats.summary import OPEN_WEIGHTS_ONLY, WORDS, AxisCounts, Breakdown, Summary, by_year


def percent(share: float) -> str:
    """A share as a whole percentage that never rounds a few models away: <1%, >99%."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share * 100:.0f}%"


def render_stats_text(summary: Summary, source: str, *, colour: bool = False) -> str:
    paint: Callable[[str], str] = paint_verdict if colour else str
    parts = [_headline(summary, source)]
    if summary.scored:
        parts += [
            _axes_table(summary.overall, paint)
            + f"\nopen on all three axes: {summary.fully_open:,} ({percent(summary.fully_open / summary.scored)})",
            _open_shares("by pipeline tag", "pipeline tag", summary.pipeline_tags, paint),
            _open_shares("by licence class", "licence class", summary.licence_classes, paint),
            _open_shares(f"the {len(summary.authors)} authors with the most models (of {summary.authors_total:,})",
                         "author", summary.authors, paint),
        ]
        if summary.months:
            parts.append(_open_shares(f"by year {_dated_by(summary)}", "year", by_year(summary.months), paint))
        parts.append(_open_weights_only(summary))
    if summary.limits:
        parts.append("what the scan could not see:\n" + "\n".join(
            f"  {count:>9,} rows  {text}" for text, count in summary.limits))
    return "\n\n".join(parts) + "\n"


def _headline(summary: Summary, source: str) -> str:
    line = f"openness stats: {summary.rows:,} rows in {terminal_line(source)}"
    errors = ", ".join(f"{kind} {count:,}" for kind, count in summary.not_scored)
    scored = f"{summary.scored:,} scored" + (f"; {summary.rows - summary.scored:,} not scored ({errors})"
                                             if errors else "")
    return f"{line}\n{scored}"


def _axes_table(overall: Breakdown, paint: Callable[[str], str]) -> str:
    rows = [[axis, *(percent(overall.axis(axis).share(word)) for word in WORDS)] for axis in AXES]
    return tabulate(rows, headers=["share of scored models", *(paint(word) for word in WORDS)],
                    tablefmt="simple", disable_numparse=True, colalign=("left", *("right",) * len(WORDS)))


def _open_shares(title: str, column: str, groups: Sequence[Breakdown], paint: Callable[[str], str]) -> str:
    """A title, then one line per group: its models and the share open on each axis."""
    rows = [[group.label, f"{group.models:,}", *(_open(group.axis(axis)) for axis in AXES)] for group in groups]
    table = tabulate(rows, headers=[column, "models", *AXES], tablefmt="simple", disable_numparse=True,
                     colalign=("left", *("right",) * (1 + len(AXES))))
    return f"share {paint('open')} on each axis, {title}:\n{table}"


def _open(counts: AxisCounts) -> str:
    return percent(counts.share("open"))


def _dated_by(summary: Summary) -> str:
    used = dict(summary.dated_by)
    if used.get("last_modified") and not used.get("created_at"):
        return "of last modification (the scan has no creation dates)"
    if used.get("last_modified"):
        return "of creation (else of last modification)"
    return "of creation"


def _open_weights_only(summary: Summary) -> str:
    head = f"open-weights only: {summary.open_weights_only_total:,} models ({OPEN_WEIGHTS_ONLY})"
    if not summary.open_weights_only:
        return head
    rows = [[rank, model.repo_id, f"{model.downloads:,}", model.weights, model.license or "?"]
            for rank, model in enumerate(summary.open_weights_only, 1)]
    table = tabulate(rows, headers=["#", "most downloaded", "downloads", "weights", "licence"],
                     tablefmt="simple", disable_numparse=True, colalign=("right", "left", "right", "left", "left"))
    return f"{head}\n{table}"
