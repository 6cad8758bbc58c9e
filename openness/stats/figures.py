"""The stats as matplotlib figures: stacked bars of shares, shares over time, and the
open-weights-only table; PNG or SVG bytes, no display needed.

Which figures a summary has, their titles and captions are decided here without
matplotlib (`figure_specs`), so the page can say what it shows; only `render_figure`
imports it (slow: about a second). Figures are drawn on `matplotlib.figure.Figure`
directly, never through pyplot, so no GUI backend and no global figure state is touched.

Every label comes from the summary, already one terminal-safe line; math text is off
(`text.parse_math`), so a `$` in an author's name is a dollar sign, not TeX; SVG text is
drawn as paths, so no label is ever text in the SVG that a browser would read.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from openness.models import AXES
from openness.render.text import shorten
from openness.stats.errors import MissingExtra
from openness.stats.summary import OPEN_WEIGHTS_ONLY, WORDS, Breakdown, Summary
from openness.stats.text import percent

FigureFormat = Literal["png", "svg"]

# Paul Tol's high-contrast scheme (https://personal.sron.nl/~pault/): told apart with every
# common colour-vision deficiency and in greyscale too (dark blue, light ochre, mid red),
# with unknown a neutral grey. The same four colours in every figure and on the page.
PALETTE = {"open": "#004488", "partial": "#DDAA33", "closed": "#BB5566", "unknown": "#BBBBBB"}
INK_ON = {"open": "white", "partial": "black", "closed": "white", "unknown": "black"}
WIDTH_IN = 10.0
ROW_IN = 0.34
"""Height of one bar in the grouped charts: a label a line high and a gap."""
LABEL_CHARS = 40
MIN_LABELLED_SHARE = 0.06
"""A segment narrower than this carries no percentage: the text would not fit."""
GROUPED_LABELLED_SHARE = 0.14
"""The same in a chart of three panels side by side, each a third as wide."""
MIN_MONTH_MODELS = 20
"""A month with fewer models gets no shares over time: 1 model of 1 is 100%, and noise."""
FONT_SIZE = 10
_RC = {"text.parse_math": False, "svg.fonttype": "path", "font.size": FONT_SIZE, "axes.titlesize": 11,
       "axes.spines.top": False, "axes.spines.right": False, "savefig.dpi": 110}


# No date (the same bytes each run) and, in SVG, no RDF block: a page that inlines several
# figures need not repeat it.
_NO_METADATA: dict[str, dict[str, None]] = {"svg": {"Date": None, "Creator": None, "Format": None, "Type": None},
                                            "png": {"Software": None}}


@dataclass(frozen=True)
class FigureSpec:
    """One figure: a file name, what the page says about it, and how tall it is drawn."""

    name: str
    title: str
    caption: str
    height_in: float
    table: bool = False
    """The top-models table: the page shows it as an HTML table instead."""


def figure_specs(summary: Summary) -> list[FigureSpec]:
    """The figures this summary has: none without scored rows; over time only when dated."""
    if not summary.scored:
        return []
    overall = summary.overall
    shares = {axis: percent(overall.axis(axis).share("open")) for axis in AXES}
    specs = [
        FigureSpec("axes", "Open, partial and closed on each axis",
                   f"Weights are open for {shares['weights']} of scored models, data for {shares['data']} "
                   f"and code for {shares['code']}: compare the dark-blue share across the three bars.",
                   1.0 + 3 * 0.5),
        _grouped("pipeline_tags", "By pipeline tag", summary.pipeline_tags,
                 "One bar per task, models in brackets: which tasks publish their data and code "
                 "as well as their weights."),
        _grouped("licence_classes", "By licence class", summary.licence_classes,
                 "From OSI-approved (A) to unknown terms (F): the licence class caps how open the weights "
                 "can be; data and code are judged apart from it."),
        _grouped("authors", f"The {len(summary.authors)} authors with the most models", summary.authors,
                 f"Who publishes the most models (of {summary.authors_total:,} authors), and how openly: "
                 "look for authors whose data and code bars are blue too."),
    ]
    if summary.months:
        specs.append(FigureSpec(
            "over_time", "Over time",
            _over_time_caption(summary), 1.2 + 1.6 + (3 * 1.5 if _share_months(summary) else 0)))
    if summary.open_weights_only:
        specs.append(FigureSpec(
            "open_weights_only", f"The {len(summary.open_weights_only)} most downloaded open-weights-only models",
            f"Open-weights only: {OPEN_WEIGHTS_ONLY}. {summary.open_weights_only_total:,} scored models are.",
            0.9 + 0.3 * (1 + len(summary.open_weights_only)), table=True))
    return specs


def _share_months(summary: Summary) -> int:
    return sum(1 for month in summary.months if month.models >= MIN_MONTH_MODELS)


def _over_time_caption(summary: Summary) -> str:
    counted = f"Models per month {_dated_by(summary)}"
    shown = _share_months(summary)
    if not shown:
        return f"{counted}; no month has {MIN_MONTH_MODELS} models, too few for shares over time."
    left_out = len(summary.months) - shown
    return (f"{counted} (top), and each word's share of them on each axis: look at whether the dark-blue "
            "band widens over the years"
            + (f" ({left_out} month(s) with fewer than {MIN_MONTH_MODELS} models have no shares)." if left_out
               else "."))


def _grouped(name: str, title: str, groups: Sequence[Breakdown], caption: str) -> FigureSpec:
    return FigureSpec(name, title, caption, 1.1 + ROW_IN * max(1, len(groups)))


def _dated_by(summary: Summary) -> str:
    used = dict(summary.dated_by)
    if used.get("created_at") and used.get("last_modified"):
        return "of creation (else of last modification)"
    return "of creation" if used.get("created_at") else "of last modification"


def render_figure(spec: FigureSpec, summary: Summary, fmt: FigureFormat) -> bytes:
    """One figure as PNG or SVG bytes (the same bytes for the same summary)."""
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    draw: Callable[[Any, Summary], None] = {
        "axes": _draw_axes, "pipeline_tags": _draw_grouped("pipeline_tags"),
        "licence_classes": _draw_grouped("licence_classes"), "authors": _draw_grouped("authors"),
        "over_time": _draw_over_time, "open_weights_only": _draw_table,
    }[spec.name]
    # A fixed hash salt per figure: reproducible SVG, and ids that differ between figures
    # (several are inlined in one page, where a shared id would be ambiguous).
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"openness-{spec.name}"}), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs DejaVu Sans lacks (CJK names) are drawn as boxes
        # Margins are set by hand (`_margins`), not by a layout engine: constrained layout
        # draws the figure an extra time to measure it, which doubled the time per figure.
        figure = Figure(figsize=(WIDTH_IN, spec.height_in))
        draw(figure, summary)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata=_NO_METADATA[fmt])
    return buffer.getvalue()


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("matplotlib", "drawing figures") from None
    return matplotlib


def _text_width_in(labels: Sequence[str]) -> float:
    """The widest label's width in inches at the tick label size, measured without drawing."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(size=FONT_SIZE)
    widest = max((measure.get_text_width_height_descent(label, font, ismath=False)[0] for label in labels), default=0)
    return widest / 72


def _margins(figure: Any, *, left_in: float, top_in: float = 0.75, bottom_in: float = 0.35,
             right_in: float = 0.3, hspace_in: float = 0.0, wspace: float = 0.16) -> None:
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=min(0.6, (left_in + 0.15) / width), right=1 - right_in / width,
                           top=1 - top_in / height, bottom=bottom_in / height,
                           hspace=hspace_in, wspace=wspace)


def _legend(figure: Any) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=PALETTE[word], label=word) for word in WORDS]
    figure.legend(handles=handles, loc="upper center", ncols=len(WORDS), frameon=False,
                  bbox_to_anchor=(0.5, 1.0), borderaxespad=0.3)


def _stacked_bars(ax: Any, shares: Sequence[Callable[[str], float]], min_labelled: float) -> None:
    """One horizontal bar per group, first at the top, split into the four words. One
    collection per word rather than a rectangle artist per segment: far fewer artists."""
    from matplotlib.collections import PolyCollection

    half = 0.36
    lefts = [0.0] * len(shares)
    for word in WORDS:
        widths = [share(word) for share in shares]
        boxes = [[(x, y - half), (x + w, y - half), (x + w, y + half), (x, y + half)]
                 for y, (x, w) in enumerate(zip(lefts, widths)) if w > 0]
        ax.add_collection(PolyCollection(boxes, facecolors=PALETTE[word], edgecolors="none", label=word))
        for y, (left, width) in enumerate(zip(lefts, widths)):
            if width >= min_labelled:
                ax.text(left + width / 2, y, percent(width), ha="center", va="center", fontsize=8, color=INK_ON[word])
        lefts = [left + width for left, width in zip(lefts, widths)]
    ax.set_xlim(0, 1)
    ax.set_ylim(len(shares) - 0.5, -0.5)
    ax.set_xticks([0, 0.5, 1], labels=["0%", "50%", "100%"])
    ax.tick_params(axis="y", length=0)


def _draw_axes(figure: Any, summary: Summary) -> None:
    ax = figure.subplots()
    _margins(figure, left_in=_text_width_in(AXES), top_in=0.7)
    _stacked_bars(ax, [summary.overall.axis(axis).share for axis in AXES], MIN_LABELLED_SHARE)
    ax.set_yticks(range(len(AXES)), labels=list(AXES))
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], labels=["0%", "25%", "50%", "75%", "100%"])
    ax.set_title(f"{summary.scored:,} scored models", loc="left")
    _legend(figure)


def _draw_grouped(field: str) -> Callable[[Any, Summary], None]:
    def draw(figure: Any, summary: Summary) -> None:
        groups: Sequence[Breakdown] = getattr(summary, field)
        labels = [f"{shorten(g.label, LABEL_CHARS)} ({g.models:,})" for g in groups]
        panels = figure.subplots(1, len(AXES), sharey=True)
        _margins(figure, left_in=_text_width_in(labels))
        for ax, axis in zip(panels, AXES):
            _stacked_bars(ax, [g.axis(axis).share for g in groups], GROUPED_LABELLED_SHARE)
            ax.set_title(axis)
            # 0% and 100% kept inside their panel: side by side they would run together.
            first, *_, last = ax.get_xticklabels()
            first.set_horizontalalignment("left")
            last.set_horizontalalignment("right")
        panels[0].set_yticks(range(len(groups)), labels=labels)
        _legend(figure)

    return draw


def _draw_over_time(figure: Any, summary: Summary) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import FuncFormatter

    months = summary.months
    when = [datetime(int(m.label[:4]), int(m.label[5:7]), 15) for m in months]
    shown = [(day, m) for day, m in zip(when, months) if m.models >= MIN_MONTH_MODELS]
    rows = 1 + (len(AXES) if shown else 0)
    count_ax, *panels = figure.subplots(rows, 1, sharex=True, squeeze=False,
                                        gridspec_kw={"height_ratios": [1.2] + [1.0] * (rows - 1)})[:, 0]
    _margins(figure, left_in=_text_width_in(["100%", "1,000,000"]), hspace_in=0.45, bottom_in=0.45)
    count_ax.bar(when, [m.models for m in months], width=25, color="#555555")
    count_ax.set_title("models per month", loc="left")
    count_ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    for ax, axis in zip(panels, AXES):
        # A flat step per month: each month's shares as counted, nothing drawn in between.
        ax.stackplot([day for day, _ in shown], *([m.axis(axis).share(word) for _, m in shown] for word in WORDS),
                     colors=[PALETTE[word] for word in WORDS], labels=WORDS, linewidth=0, step="mid")
        ax.set_ylim(0, 1)
        ax.set_yticks([0, 0.5, 1], labels=["0%", "50%", "100%"])
        ax.set_title(f"{axis}: share of each word", loc="left")
    bottom = (panels or [count_ax])[-1]
    locator = AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    _legend(figure)


def _draw_table(figure: Any, summary: Summary) -> None:
    ax = figure.subplots()
    _margins(figure, left_in=0.0, top_in=0.4, bottom_in=0.1, right_in=0.1)
    ax.axis("off")
    rows = [[str(rank), shorten(m.repo_id, 2 * LABEL_CHARS), f"{m.downloads:,}", m.weights,
             shorten(m.license or "?", 22), shorten(m.pipeline_tag or "", 30)]
            for rank, m in enumerate(summary.open_weights_only, 1)]
    table = ax.table(cellText=rows, colLabels=["#", "model", "downloads", "weights", "licence", "pipeline tag"],
                     bbox=(0, 0, 1, 1), cellLoc="left", colLoc="left",
                     colWidths=[0.04, 0.39, 0.11, 0.08, 0.14, 0.24])
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (row, column), cell in table.get_celld().items():
        cell.set_edgecolor("#DDDDDD")
        cell.PAD = 0.03
        if row == 0:
            cell.set_text_props(weight="bold")
        elif column == 3:
            cell.set_facecolor(PALETTE[rows[row - 1][3]])
            cell.get_text().set_color(INK_ON[rows[row - 1][3]])
        if column == 2:
            cell.get_text().set_horizontalalignment("right")
    ax.set_title(f"{summary.open_weights_only_total:,} models are open-weights only: {OPEN_WEIGHTS_ONLY}",
                 loc="left", fontsize=9)
