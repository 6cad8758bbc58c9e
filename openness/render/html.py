"""One standalone HTML page: the comparison table, each cell's evidence one click away.

Jinja2 with autoescaping on renders the page, so every value from a card is escaped by
default, with no call site that could forget to. The view built here is plain text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from openness.models import AXES, Report, Scorecard
from openness.render.arrange import GroupKey, groups_of
from openness.render.rows import (TABLE_HEADERS, level_text, licence_classes, licence_text, lineage_omitted_text,
                                  lineage_text,
                                  parents_text)
from openness.render.text import gate_words, headline, one_line

_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")

WORD_MEANINGS = {
    "open": "meets this profile's bar for open on that axis",
    "partial": "some of it is available, on restrictive terms or with gaps",
    "closed": "nothing usable found; the evidence says what was searched",
    "unknown": "the tool could not look; never counted as open",
}


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # autoescape=True for every template, whatever its name: .css partials included
    # into the page must not switch escaping off.
    return Environment(loader=PackageLoader("openness.render", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def _template(name: str):
    return _environment().get_template(name)


def render_html(report: Report, *, group_by: GroupKey | None = None, title: str | None = None) -> str:
    """A complete page (inline CSS, no scripts, no external requests)."""
    return _template("report.html").render(_view(report, group_by, title)).rstrip("\n") + "\n"


def render_table_fragment(report: Report) -> str:
    """The tables, legend and footer without the page around them, for notebooks."""
    return _template("fragment.html").render(_view(report, None, None)).rstrip("\n") + "\n"


def _view(report: Report, group_by: GroupKey | None, title: str | None) -> dict[str, Any]:
    cards = report.scorecards
    return {
        "title": title or "How open are these models?",
        "headers": TABLE_HEADERS,
        "groups": [{"title": g.title, "rows": [_row(card) for card in g.cards]}
                   for g in groups_of(cards, group_by)],
        "words": WORD_MEANINGS,
        "classes": licence_classes(cards),
        "tool_version": report.tool_version,
        "rubric": report.rubric,
    }


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: a card must not plant `javascript:` links,
    nor control characters, spaces or lone surrogates inside one."""
    url = url.strip() if url else ""
    if url.lower().startswith(("https://", "http://")) and not _NOT_IN_URL.search(url):
        return url
    return None


def _row(card: Scorecard) -> dict[str, Any]:
    row: dict[str, Any] = {"repo_id": one_line(card.repo_id), "status": card.status,
                           "revision": one_line(card.revision or "")[:12]}
    if card.status != "scored":
        error = card.error
        row["error"] = {"kind": (error.kind if error else "error").replace("_", " "),
                        "message": one_line(error.message) if error else ""}
        return row
    row["error"] = None
    row["axes"] = [_axis(card, axis) for axis in AXES]
    lic = card.license
    row["licence"] = {
        "summary": one_line(licence_text(card)),
        "lines": [one_line(line) for line in _licence_lines(card)],
        "link": safe_url(lic.link) if lic else None,
    }
    row["gate"] = gate_words(card.gated)
    row["parents"] = {"summary": one_line(parents_text(card)),
                      "lines": [f"{'· ' * (e.depth - 1)}{one_line(lineage_text(e))}" for e in card.lineage]
                      + ([cut] if (cut := lineage_omitted_text(card)) else [])}
    return row


def _axis(card: Scorecard, axis: str) -> dict[str, Any]:
    verdict = card.axes.get(axis)  # type: ignore[call-overload]
    if verdict is None:
        return {"name": axis, "level": "unknown", "label": "not judged", "headline": "not judged",
                "reasons": [], "evidence": []}
    return {
        "name": axis,
        "level": verdict.level,
        "label": level_text(verdict),
        "headline": one_line(headline(verdict.reasons)),
        "reasons": [one_line(r) for r in verdict.reasons],
        "evidence": [{"strength": e.strength, "source": one_line(e.source), "detail": one_line(e.detail)}
                     for e in verdict.evidence],
    }


def _licence_lines(card: Scorecard) -> list[str]:
    lic = card.license
    if lic is None:
        return []
    lines = [f"class {lic.license_class}: {lic.class_title}", f"metadata license: {lic.id or 'none'}"]
    if lic.name:
        lines.append(f"license_name: {lic.name}")
    if lic.resolved_via:
        lines.append(f"resolved via {lic.resolved_via}")
    lines += [f"flag: {flag}" for flag in lic.flags]
    return lines
