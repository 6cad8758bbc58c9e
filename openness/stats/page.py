"""The stats as one self-contained HTML page: headline numbers, what the scan could not
see, each figure inline as SVG with a caption, and the open-weights-only table.

Jinja2 with autoescaping renders it, as for the report page (openness/render/html.py):
authors, tags and model ids are hostile text, escaped by default. The figures are SVG that
matplotlib drew from those labels with text as paths; they are inlined only after their
comments are dropped and a check finds nothing a browser would run.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from openness.models import AXES
from openness.render.html import DEFAULT_HUB, WORD_MEANINGS, model_url
from openness.stats.errors import UnsafeFigure
from openness.stats.figures import INK_ON, PALETTE, FigureSpec
from openness.stats.summary import OPEN_WEIGHTS_ONLY, WORDS, Summary
from openness.stats.text import percent

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# What a browser would run or fetch: scripts, embedded HTML, event handlers, and any
# reference that is not to an element of the figure itself (`#id`).
_UNSAFE_SVG = re.compile(r"<script|<foreignObject|<iframe|\son[a-z]+\s*=|javascript:|@import"
                         r"|href\s*=\s*(?![\"']?#)|url\(\s*(?![\"']?#)", re.IGNORECASE)


def inline_svg(data: bytes) -> str:
    """matplotlib's SVG file as an element for the page: no XML prolog, doctype or comments
    (matplotlib puts each label's text in one); scaled by CSS through its viewBox."""
    text = data.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        raise UnsafeFigure("a figure is not SVG")
    svg = _COMMENT.sub("", text[start:])
    if _UNSAFE_SVG.search(svg):
        raise UnsafeFigure("a figure holds a script, an event handler or an external link")
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("openness.stats", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_stats_html(summary: Summary, *, source: str, generated_at: datetime, tool_version: str,
                      figures: Sequence[tuple[FigureSpec, str]]) -> str:
    """The page. `figures` are (spec, inline SVG from `inline_svg`); a spec that is a table
    is shown as an HTML table instead of its picture."""
    from markupsafe import Markup

    overall = summary.overall
    view = {
        "title": f"The state of openness: {summary.rows:,} models",
        "source": source,
        "generated": generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        "tool_version": tool_version,
        "summary": summary,
        "not_scored": summary.rows - summary.scored,
        "headline": [(axis, percent(overall.axis(axis).share("open")), percent(overall.axis(axis).share("partial")))
                     for axis in AXES],
        "fully_open": percent(summary.fully_open / summary.scored) if summary.scored else "0%",
        "span": (summary.months[0].label, summary.months[-1].label) if summary.months else None,
        "words": [(word, PALETTE[word], INK_ON[word], WORD_MEANINGS[word]) for word in WORDS],
        "limits": [(text, "every row" if count == summary.rows else f"{count:,} rows")
                   for text, count in summary.limits],
        "figures": [{"name": spec.name, "title": spec.title, "caption": spec.caption, "svg": Markup(svg)}
                    for spec, svg in figures if not spec.table],
        "open_weights_only": OPEN_WEIGHTS_ONLY,
        "top_models": [{"rank": rank, "repo_id": m.repo_id, "url": model_url(DEFAULT_HUB, m.repo_id),
                        "author": m.author, "downloads": f"{m.downloads:,}",
                        "likes": "" if m.likes is None else f"{m.likes:,}", "weights": m.weights,
                        "colour": PALETTE[m.weights], "ink": INK_ON[m.weights],
                        "license": m.license or "?", "pipeline_tag": m.pipeline_tag or ""}
                       for rank, m in enumerate(summary.open_weights_only, 1)],
    }
    return _environment().get_template("stats.html").render(view).rstrip("\n") + "\n"
