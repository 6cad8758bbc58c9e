"""Properties that hold for any card, however hostile (issue 6).

Model cards are written by anyone: malformed, huge, binary, or carrying text that would
break a markdown table or inject into a terminal, an HTML page or a spreadsheet. These
tests feed arbitrary input (strategies in tests/strategies.py) to the card parser, to
evidence extraction and the rubric, and to every renderer, and check what must hold for
every input rather than for a few examples.

Deterministic for CI: every test runs under the `openness-properties` settings
(derandomize, no deadline, no example database), so each run tries the same examples.
For a deeper local search, multiply the examples: OPENNESS_PROPERTY_SCALE=20.
"""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from golden_report import CHAT, OPEN, RESTRICTED, UNREADABLE
from helpers import assert_linear
from memory_source import MemorySource
from openness.api import Judge, score_text
from openness.evidence import extract_evidence
from openness.evidence.card import parse_card
from openness.evidence.datasets import dataset_entry, dataset_findings
from openness.models import AXES, CardFile, ModelRef, ModelSnapshot
from openness.report import Report
from openness.options import Format, GroupKey
from openness.render import render
from openness.render.arrange import flatten, groups_of
from openness.render.html import render_table_fragment
from openness.render.json import json_schema_text
from openness.render.rows import COLUMNS, TABLE_HEADERS, summary_row
from openness.render.text import one_line
from openness.rubric import evaluate
from openness.rubric.lineage import ParentOutcome, join_lineage
from openness.run import ScoringRun
from strategies import (LICENCES, REPO_IDS, RUBRIC, VOCAB, card_texts, dataset_lookups, reports, snapshots,
                        texts)

settings.register_profile(
    "openness-properties", deadline=None, derandomize=True, database=None, print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROFILE = settings.get_profile("openness-properties")
SCALE = float(os.environ.get("OPENNESS_PROPERTY_SCALE", "1"))


def examples(n: int) -> settings:
    """The shared profile with `n` examples (times OPENNESS_PROPERTY_SCALE)."""
    return settings(PROFILE, max_examples=max(1, int(n * SCALE)))


SCHEMA = Draft202012Validator(json.loads(json_schema_text()))
CARD_AXES = {axis for axis in AXES if "card" in RUBRIC.axes[axis].needs}
# What a spreadsheet runs as a formula (the test's own list, not the renderer's).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def physical_lines(text: str) -> list[str]:
    """README lines as an editor, git and GitHub number them: \\n, \\r\\n or \\r ends a line."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines[-1] == "" else lines


# ---- 1. the card parser ----------------------------------------------------------------

@examples(120)
@given(card_texts())
@example("---")
@example("---\n")
@example("---\nlicense: mit\n")
@example("```\n# not a heading\n")
@example("~~~\n```\n# still code\n~~~\n# Title\n")
@example("```inline``` span\n# Title\n````\n```\n# still code\n````\n")
@example("<h2>Data</h2>\n<h1 x='>'>t</h1>\n<h3>unclosed\n")
@example("a\x0cb\u2028c\x85d\x1ce\n# H https://x.example/a\n")
@example("a\rb\r\nc\n\n\rhttps://github.com/o/r.\n")
@example("\x00# h\x00\n\x00")
@example("# a" + " " * 50 + "x")
def test_card_parser_never_raises_and_numbers_lines_as_the_readme_does(text):
    card = parse_card(text)
    lines = physical_lines(text)
    numbers = [line.number for line in card.lines]
    assert all(a < b for a, b in zip(numbers, numbers[1:])), "line numbers must strictly increase"
    for line in card.lines:
        assert 1 <= line.number <= len(lines)
        assert line.text == lines[line.number - 1], "a line's number must point at its own text in README.md"
        # CommonMark: a fence opens with 3+ backticks (no backtick after them on the line)
        # or 3+ tildes; ```inline``` is a code span in body text.
        assert not re.match(r"\s*(~{3,}|`{3,}[^`]*$)", line.text), "a fence line is never body text"
    if lines and lines[0].strip() == "---":
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if closing is not None:
            assert all(n > closing + 1 for n in numbers), "front matter is not body text"
    body = {line.number for line in card.lines}
    for section in card.sections:
        assert section.first <= section.last
        assert section.first in body and section.last in body
        assert 1 <= section.rank <= 6 and section.title and section.title == section.title.strip()
        assert all(section.first < line.number <= section.last for line in section.lines)
    for link in card.links:
        assert link.url in link.line.text
        assert link.url.startswith(("http://", "https://"))
        assert link.line.number in body


# ---- 2. evidence extraction and the rubric ---------------------------------------------

JUDGES = {name: Judge.load(name) for name in RUBRIC.profiles}
PARENT_CARDS = [OPEN, CHAT, RESTRICTED, UNREADABLE]


def check_verdicts(axes, card_status: str, *, joined: bool) -> None:
    """Every axis judged, its word and level consistent; an unread card is never open.

    A model's own verdict on an axis that needs the card is unknown when the card could
    not be read. Joined with its parents it may become known, but open only when taken
    whole from a parent (a quantized copy's data is its parent's).
    """
    assert set(axes) == set(AXES)
    for axis, verdict in axes.items():
        assert verdict.verdict in ("open", "partial", "closed", "unknown")
        assert (verdict.verdict == "unknown") == (verdict.level is None)
        assert verdict.level is None or 0 <= verdict.level <= 4
        assert verdict.reasons and all(isinstance(r, str) and r for r in verdict.reasons)
        check_evidence(verdict.evidence)
        if card_status in ("unreadable", "unavailable") and axis in CARD_AXES:
            if not joined:
                assert verdict.verdict == "unknown", (axis, verdict.reasons)
            elif verdict.verdict == "open":
                assert verdict.reasons[0].startswith("inherited from"), (axis, verdict.reasons)


def check_evidence(items) -> None:
    for item in items:
        assert item.source.strip() and item.detail.strip(), item
        assert item.strength in ("high", "medium", "low")


@examples(60)
@given(snapshot=snapshots(), profile=st.sampled_from(sorted(JUDGES)), data=st.data())
def test_extraction_and_rubric_accept_any_snapshot(snapshot, profile, data):
    judge = JUDGES[profile]
    found = extract_evidence(snapshot, judge.vocabulary, judge.licences)
    check_evidence(found.evidence)
    assert found.license.license_class in "ABCDEF"
    entries = [dataset_entry(d, data.draw(dataset_lookups(d)), judge.licences) for d in found.datasets]
    more = dataset_findings(entries)
    check_evidence(more.evidence)
    signals = {**found.signals, **more.signals}
    evidence = found.evidence + tuple(more.evidence)
    own = evaluate(judge.rubric, profile, signals, evidence)
    check_verdicts(own, snapshot.card.status, joined=False)

    outcome = st.one_of(
        st.builds(lambda card: ("scored", card, None), st.sampled_from(PARENT_CARDS)),
        st.tuples(st.sampled_from(["not_found", "gated", "error", "cycle", "depth_cap"]), st.none(),
                  st.none() | texts(max_pieces=3)))
    parents = [ParentOutcome(p, *data.draw(outcome)) for p in found.parents]
    joined = join_lineage(judge.rubric, profile, own, found.license, signals, evidence, parents)
    check_verdicts(joined.axes, snapshot.card.status, joined=True)


def _found(card_data: dict, *, tags=(), card: str | None = "# M\n") -> object:
    snapshot = ModelSnapshot(repo_id="t/m", sha="0" * 40, card_data=card_data, tags=list(tags),
                             siblings=["model.safetensors"],
                             card=CardFile(status="ok", text=card) if card else CardFile(status="absent"))
    found = extract_evidence(snapshot, VOCAB, LICENCES)
    check_verdicts(evaluate(RUBRIC, "default", found.signals, found.evidence), snapshot.card.status, joined=False)
    check_evidence(found.evidence)
    return found


@pytest.mark.parametrize("value", [3, 2.5, True, {"id": "mit"}, [1, 2], [{"mit": 1}]],
                         ids=["int", "float", "bool", "mapping", "list-of-numbers", "list-of-mappings"])
def test_a_licence_of_the_wrong_type_is_declared_but_never_believed(value):
    found = _found({"license": value, "license_name": 7, "license_link": ["https://x.example"]})
    assert found.license.license_class == "F"
    assert found.license.id == f"<{type(value).__name__}>"
    assert found.license.name is None and found.license.link is None


def test_a_dataset_mapping_names_no_dataset():
    found = _found({"datasets": {"org/set": "train", "other/set": {"split": 1}}})
    assert found.datasets == () and found.signals["data.datasets"] == 0


def test_parents_that_are_numbers_are_ignored_and_ids_beside_them_kept():
    assert _found({"base_model": [1, 2.5, -3]}).parents == ()
    found = _found({"base_model": [1, "org/base", None], "base_model_relation": ["adapter"]})
    assert [(p.repo_id, p.relation) for p in found.parents] == [("org/base", "finetune")]


def test_other_fields_of_the_wrong_type_do_not_break_extraction():
    found = _found({"language": 3, "tags": {"a": 1}, "pipeline_tag": [None], "model-index": "x",
                    "extra_gated_prompt": ["x"], "extra_gated_fields": [1], "base_model_relation": {"a": 1}},
                   tags=["license:", "dataset:", "base_model:", "base_model:a:b:c", "arxiv:"], card=None)
    assert found.license.license_class == "F"


# ---- 2b. the whole run: a stand-in Hub of hostile snapshots, then every renderer -------

@examples(15)
@given(data=st.data(), profile=st.sampled_from(sorted(JUDGES)), group_by=st.sampled_from([None, *GroupKey]),
       details=st.booleans(), bad_id=texts(surrogates=True, max_pieces=4))
def test_scoring_a_hub_of_hostile_cards_gives_valid_verdicts_in_every_format(data, profile, group_by, details,
                                                                              bad_id):
    # Parents name each other from a small pool, so cycles, chains and missing ones all occur.
    models = {rid: data.draw(snapshots(st.just(rid)), label=rid) for rid in REPO_IDS
              if rid == "t/root" or data.draw(st.booleans(), label=f"{rid} on the Hub")}
    names = {d for s in models.values() for d in extract_evidence(s, VOCAB, LICENCES).datasets}
    datasets = {d: data.draw(dataset_lookups(d), label=d) for d in sorted(names)}
    judge = JUDGES[profile]
    with ScoringRun(MemorySource(models, datasets), judge, jobs=2) as run:
        cards = [run.score(ModelRef.parse("t/root")), score_text(bad_id, run)]
    root = cards[0]
    assert root.status == "scored"
    resolved = any(e.depth == 1 and e.status == "scored" for e in root.lineage)
    check_verdicts(root.axes, models["t/root"].card.status, joined=resolved)
    report = Report(tool_version="0.0.0+properties", rubric=judge.ref, scorecards=cards)
    check_every_format(report, details=details, group_by=group_by)


# ---- 3. renderers ----------------------------------------------------------------------

def _regressions() -> Report:
    """What these properties first caught: a lone surrogate (YAML or JSON `\\ud800` in card
    metadata) broke writing every format as UTF-8, and an http link holding control
    characters reached the page's href."""
    from golden_report import golden_report

    report = golden_report()
    odd = RESTRICTED.model_copy(update={"license": RESTRICTED.license.model_copy(update={
        "name": "evil\ud800 pair\ud800\udfff", "label": "evil\ud800", "link": "https://evil.example/\x1b[31m\x00"})})
    return report.model_copy(update={"scorecards": [*report.scorecards, odd]})


@examples(40)
@given(report=reports(), details=st.booleans(), group_by=st.sampled_from([None, *GroupKey]))
@example(report=_regressions(), details=True, group_by=None)
@example(report=_regressions(), details=False, group_by=GroupKey.license_class)
def test_card_text_cannot_break_or_inject_into_any_format(report, details, group_by):
    check_every_format(report, details=details, group_by=group_by)


def check_every_format(report: Report, *, details: bool, group_by: GroupKey | None) -> None:
    assert set(CHECKS) == set(Format), "a new format needs its own checks here"
    for fmt in Format:
        out = render(report, fmt, details=details, group_by=group_by)
        assert out.endswith("\n")
        out.encode("utf-8")  # what the CLI writes; a lone surrogate would raise here
        CHECKS[fmt](report, out, details=details, group_by=group_by)


def unescape_markdown(cell: str) -> str:
    return html.unescape(re.sub(r"\\([\\|`*_\[\]])", r"\1", cell))


def split_row(line: str) -> list[str]:
    """Cells of a GitHub table row: a pipe ends a cell unless a backslash escapes it."""
    assert line.startswith("|") and line.endswith("|") and not line.endswith("\\|"), line
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])]


def check_markdown(report: Report, out: str, *, details: bool, group_by: GroupKey | None) -> None:
    assert "<" not in out, "no raw HTML: every '<' from a card is written &lt;"
    assert not [ch for ch in out if ch != "\n" and unicodedata.category(ch) in ("Cc", "Zl", "Zp")]
    lines = out.split("\n")
    assert lines == out.splitlines() + [""], "no line break but \\n"
    rows = [line for line in lines if line.startswith("|")]
    expected: list[tuple[str, object]] = []
    for group in groups_of(report.scorecards, group_by):
        expected += [("header", None), ("rule", None)] + [("row", card) for card in group.cards]
    assert len(rows) == len(expected), "each model is exactly one physical line of its table"
    for line, (kind, card) in zip(rows, expected):
        cells = split_row(line)
        assert len(cells) == len(TABLE_HEADERS), line
        if kind == "header":
            assert cells == TABLE_HEADERS
        elif kind == "row":
            assert unescape_markdown(cells[0]) == one_line(card.repo_id), "the model cell reads back exactly"
    scored = [card for card in report.scorecards if card.status == "scored"]
    assert sum(line.startswith("### ") for line in lines) == (len(scored) if details else 0)


class Tags(HTMLParser):
    """Every piece of markup in a page, as html.parser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.markup: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.markup.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.markup.append(("startend", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.markup.append(("end", tag))

    def handle_comment(self, data):
        self.markup.append(("comment",))

    def handle_decl(self, decl):
        self.markup.append(("decl", decl))

    def handle_pi(self, data):
        self.markup.append(("pi",))

    def unknown_decl(self, data):
        self.markup.append(("unknown_decl",))


# Attributes whose value is the template's own; the others (title, href, content) carry text.
STRUCTURAL = {"class", "scope", "colspan", "rel", "lang", "charset", "name"}
FREE_TEXT = {"repo_id", "revision", "message", "id", "name", "link", "label", "resolved_via", "flags", "reasons",
             "source", "detail", "papers", "reason"}


def markup_of(page: str) -> list[tuple]:
    parser = Tags()
    parser.feed(page)
    parser.close()
    shape = []
    for item in parser.markup:
        if item[0] in ("start", "startend"):
            attrs = item[2]
            for name, value in attrs:
                assert not name.startswith("on"), f"event handler attribute {name}"
                if name == "href":
                    assert value.lower().startswith(("https://", "http://")), f"href {value!r}"
            item = (*item[:2], tuple((name, value if name in STRUCTURAL else None) for name, value in attrs))
        shape.append(item)
    return shape


def harmless(text: str) -> str:
    """Text that renders with the same markup as `text` would: same emptiness, same link-ness."""
    from openness.render.html import safe_url

    if text == "":
        return ""
    if safe_url(text):
        return "https://example.org/licence"
    return "plain words" if one_line(text) else " "


def _makes_a_link(key: str, value: str) -> bool:
    """True for the texts the page turns into links: a valid id, a full commit, a card line
    or a GitHub repository as evidence source. They hold only characters that cannot make
    markup, so they are kept as they are, and the page keeps its links."""
    from openness.ids import is_repo_id
    from openness.render.html import _CARD_LINE, _COMMIT, _GITHUB_SOURCE, github_url

    if key == "repo_id":
        return is_repo_id(value)
    if key == "revision":
        return bool(_COMMIT.fullmatch(value))
    if key == "source":
        repo = _GITHUB_SOURCE.fullmatch(value)
        return bool(_CARD_LINE.fullmatch(value) or (repo and github_url(repo.group(1))))
    return False


def shade(value, key: str | None = None):
    """The report's dump with every card-derived string made harmless."""
    if isinstance(value, dict):
        return {k: shade(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [shade(v, key) for v in value]
    if isinstance(value, str) and key in FREE_TEXT:
        return value if _makes_a_link(key, value) else harmless(value)
    if isinstance(value, str) and key == "license":  # a dataset's licence
        return harmless(value)
    return value


def check_html(report: Report, out: str, *, details: bool, group_by: GroupKey | None) -> None:
    assert not [ch for ch in out if ch not in "\n" and unicodedata.category(ch) == "Cc"], \
        "no control characters: the page may be read in a terminal too"
    calm = Report.model_validate(shade(report.model_dump()))
    assert markup_of(out) == markup_of(render(calm, Format.html, group_by=group_by)), \
        "card text added or changed markup"
    assert markup_of(render_table_fragment(report)) == markup_of(render_table_fragment(calm))


def check_table(report: Report, out: str, *, details: bool, group_by: GroupKey | None) -> None:
    bad = [ch for ch in out if ch != "\n" and unicodedata.category(ch) in ("Cc", "Zl", "Zp")]
    assert not bad, f"control characters reach the terminal: {bad!r}"
    blocks = out.split("\n\n")
    cards = report.scorecards
    if len(cards) == 1 and group_by is None:
        card = cards[0]
        if card.status == "error":
            assert len(blocks[0].split("\n")) == 2
        else:
            assert len(blocks[0].split("\n")) == 3, "title, licence and gate: one line each"
            assert len(blocks[1].split("\n")) == 2 + len(card.axes), "one line per axis"
        return
    for block, group in zip(blocks, groups_of(cards, group_by)):
        title = 1 if group.title else 0
        assert len(block.split("\n")) == title + 2 + len(group.cards), "each model is one line of the table"


def check_csv(report: Report, out: str, *, details: bool, group_by: GroupKey | None) -> None:
    assert not [ch for ch in out if ch != "\n" and unicodedata.category(ch) in ("Cc", "Zl", "Zp")]
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == list(COLUMNS)
    cards = flatten(groups_of(report.scorecards, group_by))
    assert len(rows) == 1 + len(cards)
    for row, card in zip(rows[1:], cards):
        assert len(row) == len(COLUMNS)
        for column, cell in zip(COLUMNS, row):
            value = summary_row(card)[column]
            text = "" if value is None else one_line(str(value))
            assert not cell.startswith(FORMULA_STARTS), f"{column} would run as a formula: {cell!r}"
            assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text), column


def read_back(value):
    """`value` as any JSON reader gets it back: exactly, except that a surrogate pair
    held as two code points (`\\ud800\\udfff` from YAML escapes) reads as the one
    character it encodes; JSON has no way to write the two apart."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if isinstance(value, (list, tuple)):
        return [read_back(v) for v in value]
    return value


def check_json(report: Report, out: str, *, details: bool, group_by: GroupKey | None) -> None:
    doc = json.loads(out)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in SCHEMA.iter_errors(doc)]
    assert errors == []
    cards = flatten(groups_of(report.scorecards, group_by))
    assert len(doc["models"]) == len(cards)
    for model, card in zip(doc["models"], cards):  # card text comes back exactly, nothing cleaned
        assert model["repo_id"] == read_back(card.repo_id)
        assert (model["error"] or {}).get("message") == read_back(card.error.message if card.error else None)
        lic = card.license
        if lic:
            assert [model["license"][k] for k in ("id", "name", "link", "label", "resolved_via", "flags")] == \
                read_back([lic.id, lic.name, lic.link, lic.label, lic.resolved_via, lic.flags])
        for axis, verdict in card.axes.items():
            assert model["axes"][axis]["reasons"] == read_back(verdict.reasons)
            assert [[e["source"], e["detail"]] for e in model["axes"][axis]["evidence"]] == \
                [read_back([e.source, e.detail]) for e in verdict.evidence]
        assert [[e["repo_id"], e["reason"]] for e in model["lineage"]] == \
            [read_back([e.repo_id, e.reason]) for e in card.lineage]
        assert [[d["id"], d["license"]] for d in model["datasets"]] == \
            [read_back([d.id, d.license]) for d in card.datasets]
        assert model["papers"] == read_back(card.papers)


CHECKS = {Format.table: check_table, Format.markdown: check_markdown, Format.csv: check_csv,
          Format.json: check_json, Format.html: check_html}


# ---- huge cards ------------------------------------------------------------------------
# A README is read up to 1 MB. Each card shape below is one a quadratic (or worse) step once
# took minutes or hours over. No wall-clock bound (a busy machine would fail it): the time
# for four times the input must stay near four times the time, far below the sixteen times
# a quadratic step takes (helpers.growth).

HUGE = {
    "heading then spaces": lambda n: "# a" + " " * (4 * n) + "x\n",
    "many links on one line": lambda n: "## Training\n" + "https://github.com/org/train " * n + "\n",
    "many distinct links on one line": lambda n: "## Training\n" + " ".join(f"https://github.com/o/r{i}" for i in range(n)),
    "many headings": lambda n: "# a\n" * (8 * n),
    "unclosed link targets": lambda n: "## Training data\n" + "](" * (20 * n) + "\n",
    "many dataset links": lambda n: "\n".join(f"https://huggingface.co/datasets/o/d{i}" for i in range(n)),
    "many dataset links on one line": lambda n: "## Training data\nTrained on " + " ".join(
        f"[set {i}](https://huggingface.co/datasets/o/d{i})" for i in range(n)),
}
SMALL = 400  # the larger card is four times this


def _extract(text: str) -> None:
    card = ModelSnapshot(repo_id="t/m", sha="0" * 40, siblings=["model.safetensors"],
                         card=CardFile(status="ok", text=text))
    check_evidence(extract_evidence(card, VOCAB, LICENCES).evidence)


@pytest.mark.parametrize("make", list(HUGE.values()), ids=list(HUGE))
def test_a_huge_hostile_card_costs_linear_time(make):
    assert_linear(make, _extract, SMALL, factor=4, floor=0.002)
