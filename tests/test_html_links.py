"""The HTML report links what a reader checks by hand (the model on its Hub, the card
line at the commit scored, the GitHub repository), says which Hub and when, and stays
readable on a phone. Links are built only from validated ids and commits: a hostile id,
source or endpoint never becomes a link, nor leaves its attribute."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest

import openness
from helpers import cli
from openness.models import AxisVerdict, Evidence, LicenseVerdict, RepoEntry, RubricRef, Scorecard
from openness.report import Report
from openness.render.html import render_html

SHA = "0123456789abcdef0123456789abcdef01234567"
RUBRIC = RubricRef(id="openness", version="1.0.0", profile="default")
LICENCE = LicenseVerdict(id="mit", label="mit", license_class="A", class_title="permissive")


class Page(HTMLParser):
    """Every link (href -> its text), every attribute name and every tag of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.attributes: set[str] = set()
        self.tags: set[str] = set()
        self._href: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag == "a":
            self._href = dict(attrs)["href"]
            self.links[self._href] = ""

    def handle_data(self, data):
        if self._href is not None:
            self.links[self._href] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def _ev(source: str) -> Evidence:
    return Evidence(signal="code.training", source=source, detail="found", strength="medium")


def _card(repo_id: str, revision: str | None, sources: list[str], repos: list[RepoEntry] = ()) -> Scorecard:
    verdict = AxisVerdict(verdict="open", level=3, reasons=["linked"], evidence=[_ev(s) for s in sources])
    return Scorecard(repo_id=repo_id, revision=revision, status="scored", license=LICENCE,
                     axes={"weights": verdict, "data": verdict, "code": verdict},
                     repositories=list(repos))


def _report(*cards: Scorecard, endpoint: str | None = "https://hub.example",
            scored_at: datetime | None = datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc)) -> Report:
    return Report(tool_version="0.0.0", rubric=RUBRIC, scorecards=list(cards), endpoint=endpoint,
                  scored_at=scored_at)


def test_models_card_lines_and_repositories_link_to_their_pages():
    repo = RepoEntry(repo="lab/train", url="https://github.com/lab/train-v2", status="ok", license="MIT")
    gone = RepoEntry(repo="lab/gone", url="https://github.com/lab/gone", status="not_found")
    card = _card("lab/model-7b", SHA, ["README.md line 12", "github.com/lab/train-v2", "siblings"], [repo, gone])
    page = Page(render_html(_report(card)))
    assert page.links == {
        "https://hub.example/lab/model-7b": "lab/model-7b",
        f"https://hub.example/lab/model-7b/blob/{SHA}/README.md#L12": "README.md line 12",
        "https://github.com/lab/train-v2": "lab/train",  # the evidence line and the renamed repo
        "https://github.com/lab/gone": "lab/gone",
    }


def test_the_page_says_which_hub_and_when():
    text = render_html(_report(_card("lab/m", SHA, [])))
    assert "https://hub.example" in text and "2026-03-04 05:06 UTC" in text
    unrecorded = render_html(_report(_card("lab/m", SHA, []), endpoint=None, scored_at=None))
    assert "not recorded" in unrecorded
    assert "https://huggingface.co/lab/m" in Page(unrecorded).links


def test_an_endpoint_with_a_path_or_credentials_links_without_them():
    text = render_html(_report(_card("lab/m", SHA, []), endpoint="http://u:pw@127.0.0.1:8080/hub/?q#f"))
    assert set(Page(text).links) == {"http://127.0.0.1:8080/hub/lab/m"}
    assert "pw" not in text


def test_a_card_line_links_only_at_a_full_commit():
    for revision in ("main", SHA[:12], None, SHA + "0"):
        links = Page(render_html(_report(_card("lab/m", revision, ["README.md line 3"])))).links
        assert not any("README.md" in href for href in links), revision


HOSTILE_IDS = ['javascript:alert(1)', 'lab/m" onmouseover="alert(1)', "lab/<script>", "a/b/c",
               "lab/m\njavascript:x", "../../evil", "lab/m?x=1", "lab/m#frag"]
HOSTILE_SOURCES = ['github.com/javascript:alert(1)', 'github.com/a/b" onclick="x', "github.com/a/..",
                   "github.com/a/b/c", "README.md line 0", "README.md line 12x", 'README.md line 1"><img src=x onerror=alert(1)>',
                   "javascript:alert(1)", "https://evil.example/a"]
HOSTILE_ENDPOINTS = ["javascript:alert(1)", "data:text/html,x", 'https://hub.example/"><script>x</script>',
                     "https://hub.example\n/x", "//evil.example", "https://"]


@pytest.mark.parametrize("repo_id", HOSTILE_IDS)
def test_a_hostile_id_never_becomes_a_link(repo_id):
    evil = RepoEntry(repo=repo_id, url=f"javascript:{repo_id}", status="ok")
    page = Page(render_html(_report(_card(repo_id, SHA, ["README.md line 2"], [evil]))))
    assert page.links == {}
    assert page.attributes <= {"lang", "charset", "name", "content", "class", "scope", "title", "data-label",
                               "colspan", "href", "rel"}
    assert "script" not in page.tags


@pytest.mark.parametrize("source", HOSTILE_SOURCES)
def test_a_hostile_evidence_source_never_becomes_a_link(source):
    page = Page(render_html(_report(_card("lab/m", SHA, [source]))))
    assert set(page.links) == {"https://hub.example/lab/m"}
    assert not page.attributes & {"onclick", "onerror", "src"} and "img" not in page.tags


@pytest.mark.parametrize("endpoint", HOSTILE_ENDPOINTS)
def test_a_hostile_endpoint_yields_only_plain_http_links(endpoint):
    page = Page(render_html(_report(_card("lab/m", SHA, ["README.md line 2"]), endpoint=endpoint)))
    assert "script" not in page.tags
    for href in page.links:
        assert re.fullmatch(r"https?://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9%/._~#-]*)?", href), href


def _style(text: str) -> str:
    return re.search(r"<style>(.*?)</style>", text, re.S).group(1)


def test_opening_a_cell_does_not_reflow_the_table():
    # With an automatic layout a column widens to what its opened details hold.
    style = _style(render_html(_report(_card("lab/m", SHA, []))))
    assert re.search(r"\.openness-report table \{[^}]*table-layout: fixed", style)


def test_a_narrow_screen_gets_labelled_blocks_not_a_sideways_scroll():
    text = render_html(_report(_card("a-very-long-organisation-name/" + "m" * 90, SHA, [])))
    assert 'name="viewport" content="width=device-width' in text
    style = _style(text)
    narrow = re.search(r"@media \(max-width: 40rem\) \{(.*)\}", style, re.S).group(1)
    assert re.search(r"\.openness-report td[^{]*\{[^}]*display: block", narrow)
    assert re.search(r"\.openness-report thead \{ display: none", narrow)
    # Nothing may refuse to wrap: a long id or URL breaks anywhere instead of widening the page.
    assert "nowrap" not in style and "overflow-wrap: anywhere" in style
    assert 'data-label="weights"' in text and 'data-label="licence"' in text


def test_compare_records_the_hub_and_the_time(hub_url):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    report = openness.compare(["openlab/atlas-7b"], endpoint=hub_url)
    assert report.endpoint == hub_url.rstrip("/")
    assert report.scored_at is not None and report.scored_at >= before
    assert f"{hub_url.rstrip('/')}/openlab/atlas-7b" in Page(report.to_html()).links


def test_the_cli_page_links_to_the_hub_it_read(hub_url):
    run = cli("score", "openlab/atlas-7b", "--format", "html", endpoint=hub_url)
    assert run.code == 0
    assert f"{hub_url.rstrip('/')}/openlab/atlas-7b" in Page(run.stdout).links
