"""One standalone HTML page: the comparison table, each cell's evidence one click away.

Jinja2 with autoescaping on renders the page, so every value from a card is escaped by
default, with no call site that could forget to. The view built here is plain text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from openness.ids import is_repo_id
from openness.models import AXES, RepoEntry, ReportData, Scorecard
from openness.render.arrange import GroupKey, groups_of
from openness.render.rows import (FINDING_MARKS, TABLE_HEADERS, ResultColumn, findings_summary, level_text,
                                  licence_classes, licence_text, lineage_omitted_text, lineage_text, open_findings,
                                  parents_text, result_columns, result_text)
from openness.render.text import gate_words, headline, one_line
from openness.sources.origins import without_credentials

_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")

DEFAULT_HUB = "https://huggingface.co"
"""Where model links point when a report does not record its Hub (one built by hand)."""
# Evidence that cites a card line, and a commit to pin the link to: only these become links.
_CARD_LINE = re.compile(r"README\.md line ([1-9][0-9]{0,6})")
_COMMIT = re.compile(r"[0-9a-f]{40}")
# GitHub's rules: owner up to 39 letters, digits or "-"; repo names letters, digits, "._-".
_GITHUB_REPO = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})")
_GITHUB_SOURCE = re.compile(r"github\.com/(.+)")
_GITHUB_URL = re.compile(r"https://github\.com/(.+)")

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


def render_html(report: ReportData, *, group_by: GroupKey | None = None, title: str | None = None) -> str:
    """A complete page (inline CSS, no scripts, no external requests)."""
    return _template("report.html").render(_view(report, group_by, title)).rstrip("\n") + "\n"


def render_table_fragment(report: ReportData) -> str:
    """The tables, legend and footer without the page around them, for notebooks."""
    return _template("fragment.html").render(_view(report, None, None)).rstrip("\n") + "\n"


def _view(report: ReportData, group_by: GroupKey | None, title: str | None) -> dict[str, Any]:
    cards = report.scorecards
    hub = hub_base(report.endpoint)
    results = result_columns(cards)
    return {
        "title": title or "How open are these models?",
        "headers": [*TABLE_HEADERS, *(one_line(column.header) for column in results)],
        "groups": [{"title": g.title, "rows": [_row(card, hub, results) for card in g.cards]}
                   for g in groups_of(cards, group_by)],
        "words": WORD_MEANINGS,
        "classes": licence_classes(cards),
        "tool_version": report.tool_version,
        "rubric": report.rubric,
        # A report built by hand may carry `user:pw@` in its endpoint: never print it.
        "endpoint": one_line(without_credentials(report.endpoint)) if report.endpoint else None,
        "default_hub": DEFAULT_HUB,
        "scored_at": report.scored_at.strftime("%Y-%m-%d %H:%M UTC") if report.scored_at else None,
    }


def hub_base(endpoint: str | None) -> str | None:
    """The Hub's web address to link models under: `endpoint` as scheme, host, port and
    path (credentials, query and fragment dropped), the default Hub when None, and None
    (no Hub links) when it is not a plain http(s) URL."""
    if endpoint is None:
        return DEFAULT_HUB
    if safe_url(endpoint) is None:
        return None
    try:
        url = urlsplit(endpoint.strip())
        host, port = url.hostname, url.port
    except ValueError:
        return None
    if not host or not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host):
        return None
    netloc = f"[{host}]" if ":" in host else host
    path = quote(url.path.rstrip("/"), safe="/-._~")
    return f"{url.scheme.lower()}://{netloc}{f':{port}' if port else ''}{path}"


def model_url(hub: str | None, repo_id: str) -> str | None:
    """The model's Hub page, for an id that is valid (the only ids the Hub can have)."""
    return f"{hub}/{quote(repo_id, safe='/')}" if hub and is_repo_id(repo_id) else None


def evidence_url(hub: str | None, card: Scorecard, source: str) -> str | None:
    """Where a reader checks one piece of evidence: the card line at the commit scored,
    or the GitHub repository; None for anything else (metadata keys, file lists)."""
    line = _CARD_LINE.fullmatch(source)
    if line:
        page = model_url(hub, card.repo_id)
        sha = card.revision or ""
        return f"{page}/blob/{sha}/README.md#L{line.group(1)}" if page and _COMMIT.fullmatch(sha) else None
    repo = _GITHUB_SOURCE.fullmatch(source)
    return github_url(repo.group(1)) if repo else None


def github_url(owner_name: str) -> str | None:
    """`https://github.com/owner/name` for a valid `owner/name`, else None."""
    match = _GITHUB_REPO.fullmatch(owner_name)
    if not match or match.group(2) in (".", ".."):
        return None
    return f"https://github.com/{owner_name}"


def repository_url(entry: RepoEntry) -> str | None:
    """A repository's GitHub page: its recorded address when that is one, else its name's."""
    recorded = _GITHUB_URL.fullmatch(entry.url)
    return (github_url(recorded.group(1)) if recorded else None) or github_url(entry.repo)


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: a card must not plant `javascript:` links,
    nor control characters, spaces or lone surrogates inside one."""
    url = url.strip() if url else ""
    if url.lower().startswith(("https://", "http://")) and not _NOT_IN_URL.search(url):
        return url
    return None


def _row(card: Scorecard, hub: str | None, results: list[ResultColumn]) -> dict[str, Any]:
    row: dict[str, Any] = {"repo_id": one_line(card.repo_id), "status": card.status,
                           "revision": one_line(card.revision or "")[:12],
                           "link": model_url(hub, card.repo_id)}
    if card.status != "scored":
        error = card.error
        row["error"] = {"kind": (error.kind if error else "error").replace("_", " "),
                        "message": one_line(error.message) if error else ""}
        return row
    row["error"] = None
    row["axes"] = [_axis(card, axis, hub) for axis in AXES]
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
    row["results"] = [_result(card, column) for column in results]
    return row


def _result(card: Scorecard, column: ResultColumn) -> dict[str, Any]:
    """One cell of another rubric: its label, opening onto its reasons."""
    result = card.results.get(column.rubric)
    found = result.dimensions.get(column.dimension) if result else None
    return {"name": one_line(column.header), "label": one_line(result_text(card, column)),
            "reasons": [one_line(r) for r in found.reasons] if found else []}


def _axis(card: Scorecard, axis: str, hub: str | None) -> dict[str, Any]:
    verdict = card.axes.get(axis)  # type: ignore[call-overload]
    # The code cell lists the repositories looked up, so each is one click from its verdict.
    repos = [{"name": one_line(r.repo), "link": repository_url(r),
              "about": one_line(", ".join([r.status.replace("_", " ")] + ([r.license] if r.license else [])))}
             for r in card.repositories] if axis == "code" else []
    if verdict is None:
        return {"name": axis, "verdict": "unknown", "label": "not judged", "headline": "not judged",
                "reasons": [], "evidence": [], "repositories": repos, "findings_summary": None, "findings": []}
    return {
        "name": axis,
        "verdict": verdict.verdict,
        "label": level_text(verdict),
        "headline": one_line(headline(verdict.reasons)),
        "reasons": [one_line(r) for r in verdict.reasons],
        "evidence": [{"strength": e.strength, "source": one_line(e.source), "detail": one_line(e.detail),
                      "link": evidence_url(hub, card, e.source)}
                     for e in verdict.evidence],
        "repositories": repos,
        "findings_summary": findings_summary(verdict.findings),
        "findings": [{"mark": FINDING_MARKS[f.outcome], "condition": one_line(f.condition),
                      "message": one_line(f.message), "remediation": one_line(f.remediation or "")}
                     for f in open_findings(verdict.findings)],
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
