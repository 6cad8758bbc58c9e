"""Renderers: every format is covered, and card text cannot break or inject into any of them."""
from __future__ import annotations

import json

import pytest

from openness.models import AxisVerdict, Evidence, LicenseVerdict, Report, RubricRef, Scorecard
from openness.render import Format, render

HOSTILE = "evil | name\nnext line <script>alert(1)</script> \x1b[31mred\x1b[0m"


def hostile_report() -> Report:
    evidence = [Evidence(signal="license.class", source="README.md line 3", detail=HOSTILE, strength="medium")]
    verdict = AxisVerdict(level="partial", score=1, reasons=[f"level 1: {HOSTILE}"], evidence=evidence)
    card = Scorecard(
        repo_id="t/m", revision="0" * 40, status="scored",
        license=LicenseVerdict(id="other", name=HOSTILE, label=HOSTILE, license_class="F", class_title="Unknown"),
        axes={"weights": verdict, "data": verdict, "code": verdict},
    )
    return Report(tool_version="9.9", rubric=RubricRef(id="r", version="1", profile="default"), scorecards=[card])


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders(fmt):
    assert render(hostile_report(), fmt, details=True).endswith("\n")


def test_markdown_cells_cannot_break_the_table_or_inject_html():
    out = render(hostile_report(), Format.markdown, details=True)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\x1b" not in out
    for line in out.splitlines():
        if line.startswith("| weights"):
            assert line.count("|") - line.count("\\|") == 5


def test_terminal_output_has_no_control_characters():
    out = render(hostile_report(), Format.table, details=True)
    assert "\x1b" not in out
    assert all(ch == "\n" or ch >= " " for ch in out)


def test_json_keeps_text_verbatim():
    doc = json.loads(render(hostile_report(), Format.json))
    assert doc["models"][0]["license"]["name"] == HOSTILE
