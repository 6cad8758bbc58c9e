"""`openness badge`: the shields.io endpoint JSON, the markdown snippet, the static PNG."""
from __future__ import annotations

import io
import json
import sys
from urllib.parse import quote

import jsonschema
import pytest
from helpers import cli

from openness.badge import (Badge, BadgeImageUnavailable, axis_badge, badge_for, endpoint_document,
                            markdown_snippet, png_bytes, summary_badge)
from openness.models import AxisVerdict, Scorecard

# The endpoint badge's schema as https://shields.io/badges/endpoint-badge documents it:
# schemaVersion always 1; label required (may be empty); message required, not empty;
# the other keys optional, and no others.
SHIELDS_ENDPOINT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schemaVersion", "label", "message"],
    "additionalProperties": False,
    "properties": {
        "schemaVersion": {"const": 1},
        "label": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
        "color": {"type": "string", "minLength": 1},
        "labelColor": {"type": "string", "minLength": 1},
        "isError": {"type": "boolean"},
        "namedLogo": {"type": "string"},
        "logoSvg": {"type": "string"},
        "logoColor": {"type": "string"},
        "logoWidth": {"type": "integer"},
        "style": {"enum": ["flat", "flat-square", "plastic", "for-the-badge", "social"]},
        "cacheSeconds": {"type": "integer", "minimum": 300},
    },
}
SHIELDS_NAMED_COLOURS = {"brightgreen", "green", "yellowgreen", "yellow", "orange", "red", "blue",
                         "lightgrey", "success", "important", "critical", "informational", "inactive"}


def _card(weights: str, data: str, code: str) -> Scorecard:
    levels = {"open": 4, "partial": 2, "closed": 0, "unknown": None}
    axes = {axis: AxisVerdict(verdict=word, level=levels[word], reasons=[], evidence=[])  # type: ignore[arg-type]
            for axis, word in zip(("weights", "data", "code"), (weights, data, code))}
    return Scorecard(repo_id="org/name", revision="0" * 40, status="scored", axes=axes)  # type: ignore[arg-type]


def test_the_schema_written_here_refuses_what_shields_refuses():
    validator = jsonschema.Draft202012Validator(SHIELDS_ENDPOINT_SCHEMA)
    assert validator.is_valid({"schemaVersion": 1, "label": "", "message": "x", "color": "red"})
    for bad in ({"schemaVersion": 2, "label": "a", "message": "x"}, {"schemaVersion": 1, "label": "a", "message": ""},
                {"schemaVersion": 1, "message": "x"}, {"schemaVersion": 1, "label": "a", "message": "x", "colour": "red"}):
        assert not validator.is_valid(bad), bad


@pytest.mark.parametrize("axis", ["weights", "data", "code", "summary"])
def test_the_badge_json_is_a_shields_endpoint_document(hub_url, axis):
    run = cli("badge", "openlab/atlas-7b", "--axis", axis, "--endpoint", hub_url)
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    jsonschema.validate(doc, SHIELDS_ENDPOINT_SCHEMA)
    assert doc["color"] in SHIELDS_NAMED_COLOURS
    if axis == "summary":
        assert doc == {"schemaVersion": 1, "label": "openness", "message": "W open · D open · C open",
                       "color": "brightgreen"}
    else:
        assert doc["label"] == f"open {axis}" and doc["message"].startswith("open ") and doc["color"] == "brightgreen"


def test_one_axis_reads_verdict_and_level_and_is_coloured_by_the_verdict():
    card = _card("open", "partial", "closed")
    assert axis_badge(card, "weights") == Badge("open weights", "open 4/4", "brightgreen")
    assert axis_badge(card, "data") == Badge("open data", "partial 2/4", "yellow")
    assert axis_badge(card, "code") == Badge("open code", "closed 0/4", "red")
    assert summary_badge(card) == Badge("openness", "W open · D partial · C closed", "yellow")


@pytest.mark.parametrize("words", [("unknown", "unknown", "unknown"), ("open", "open", "unknown"),
                                   ("unknown", "closed", "closed")])
def test_unknown_is_never_green(words):
    card = _card(*words)
    badges = [summary_badge(card)] + [axis_badge(card, a) for a, w in zip(("weights", "data", "code"), words)
                                      if w == "unknown"]
    assert all(b.color not in ("brightgreen", "green", "yellowgreen") for b in badges), badges
    assert axis_badge(_card("unknown", "open", "open"), "weights") == Badge("open weights", "unknown", "lightgrey")


def test_a_model_that_was_not_scored_gets_no_badge():
    card = Scorecard(repo_id="org/name", revision=None, status="error")
    with pytest.raises(Exception, match="not scored"):
        badge_for(card)


def test_exit_codes(hub_url):
    missing = cli("badge", "nobody/nothing", "--endpoint", hub_url)
    assert (missing.code, missing.stdout) == (1, "") and "nobody/nothing" in missing.stderr
    bad = cli("badge", "not an id", "--endpoint", hub_url)
    assert bad.code == 2 and "not a model id" in bad.stderr
    assert cli("badge", "openlab/atlas-7b", "--axis", "licence", "--endpoint", hub_url).code == 2


def test_the_png_opens_with_a_badge_shape(hub_url, tmp_path):
    from PIL import Image

    target = tmp_path / "badge.png"
    run = cli("badge", "ncco/lumen-2b", "--image", str(target), "--endpoint", hub_url)
    assert run.code == 0, run.stderr
    assert run.stdout == ""  # the file is the output
    with Image.open(target) as image:
        image.load()
        assert image.format == "PNG"
        width, height = image.size
        assert height == 20 and 60 <= width <= 600
        colours = {colour for _, colour in image.getcolors(maxcolors=100_000) or []}
    assert (0xdf, 0xb3, 0x17) in colours  # the summary's yellow (W partial), shields' shade


def test_a_missing_pillow_is_one_line_and_exit_2(hub_url, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # `import PIL` now raises ImportError
    with pytest.raises(BadgeImageUnavailable):
        png_bytes(Badge("a", "b", "red"))
    run = cli("badge", "openlab/atlas-7b", "--image", str(tmp_path / "b.png"), "--endpoint", hub_url)
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        "openness: --image needs Pillow, which is not installed: pip install 'openness[badge]'"]
    assert not (tmp_path / "b.png").exists()


def test_the_markdown_snippet_links_the_endpoint_badge_and_the_static_png(hub_url):
    json_url = "https://example.org/raw/openness.json?x=1&y=2"
    run = cli("badge", "openlab/atlas-7b", "--axis", "data", "--markdown", "--json-url", json_url,
              "--endpoint", hub_url)
    assert run.code == 0, run.stderr
    page = f"{hub_url}/openlab/atlas-7b"
    lines = [line for line in run.stdout.splitlines() if line.startswith("[![")]
    assert lines[0].startswith("[![open data: open ") and lines[0].endswith(
        f"](https://img.shields.io/endpoint?url={quote(json_url, safe='')})]({page})")
    assert lines[1].endswith(f"]({page}/resolve/main/openness-badge.png)]({page})")


def test_the_snippet_lets_no_markup_through():
    hostile = Badge("x](javascript:alert(1)) <img src=x>", "![y](http://evil)\n# heading", "red")
    snippet = markdown_snippet(hostile, "org/name", hub="https://huggingface.co",
                               image_name="a-->b <script>.png")
    for line in snippet.splitlines():
        if line.startswith("[!["):
            alt = line[3:line.index("](")]
            assert "<" not in alt and "\n" not in alt and "](" not in alt
    assert "<script>" not in snippet and snippet.count("-->") == 2  # the two comments' own ends
    assert "# heading" not in snippet.replace("\\# heading", "")


def test_the_endpoint_document_carries_only_its_own_words():
    doc = endpoint_document(summary_badge(_card("open", "closed", "unknown")))
    jsonschema.validate(doc, SHIELDS_ENDPOINT_SCHEMA)
    assert doc["message"] == "W open · D closed · C unknown" and doc["color"] == "yellow"


def test_png_bytes_are_a_png():
    from PIL import Image

    with Image.open(io.BytesIO(png_bytes(Badge("open weights", "open 4/4", "brightgreen")))) as image:
        assert image.size[1] == 20


def test_badge_help_shows_plain_values_not_python_types():
    shown = cli("badge", "--help")
    text = " ".join(shown.stdout.split())
    assert shown.code == 0 and "Usage: openness badge [OPTIONS] MODEL" in text
    assert "<str>" not in text and "{MODEL}" not in text and "BadgeAxisChoice" not in text
    assert "<weights|data|code|summary>" in text and "openness[badge]" in text
