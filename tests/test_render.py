"""Renderers: every format is covered, and card text cannot break or inject into any of them."""
from __future__ import annotations

import json

import pytest

from openness.models import AxisVerdict, Evidence, LicenseVerdict, RubricRef, Scorecard
from openness.report import Report
from openness.render import Format, render

HOSTILE = "evil | name\nnext line <script>alert(1)</script> \x1b[31mred\x1b[0m"


def hostile_report() -> Report:
    evidence = [Evidence(signal="license.class", source="README.md line 3", detail=HOSTILE, strength="medium")]
    verdict = AxisVerdict(verdict="partial", level=1, reasons=[f"level 1: {HOSTILE}"], evidence=evidence)
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


def test_html_escapes_card_text_and_drops_unsafe_links():
    from golden_report import golden_report

    out = render(golden_report(), Format.html)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "javascript:" not in out
    assert "\x1b" not in out


def test_csv_cells_cannot_run_as_formulas_or_break_rows():
    import csv
    import io

    from golden_report import FORMULA, golden_report

    rows = list(csv.DictReader(io.StringIO(render(golden_report(), Format.csv))))
    assert len(rows) == len(golden_report().scorecards)
    labels = {row["repo_id"]: row["license"] for row in rows}
    assert labels["odd/binary-card"] == "'" + FORMULA
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_sort_puts_most_open_first_then_unknown_then_unscored():
    from golden_report import golden_report

    report = golden_report()
    assert [c.repo_id for c in report.sorted("data").scorecards] == [
        "lab/open-7b", "lab/open-7b-chat", "corp/guarded-13b", "odd/binary-card", "nobody/missing"]
    assert [c.repo_id for c in report.sorted("license").scorecards][:2] == ["lab/open-7b", "lab/open-7b-chat"]
    assert [c.repo_id for c in report.sorted("model").scorecards][0] == "corp/guarded-13b"
    with pytest.raises(ValueError):
        report.sorted("size")


def test_groups_run_from_most_open_to_not_scored():
    from golden_report import golden_report
    from openness.render.arrange import GroupKey, group_cards

    groups = group_cards(golden_report().scorecards, GroupKey.weights)
    assert [g.title for g in groups] == ["weights: open", "weights: partial", "not scored"]
    assert [c.repo_id for c in groups[1].cards] == ["corp/guarded-13b", "odd/binary-card"]
