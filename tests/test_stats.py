"""`openness stats`: a scan file (parquet, JSON lines, CSV) -> the right counts -> a text
summary, figures and an HTML page that escape hostile labels; errors are one line, exit 2.

Every scan here is synthetic, written by the test. matplotlib is slow to import and draw,
so only two tests draw figures (a page with SVG, and PNG files), from a handful of rows.
"""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from helpers import cli
from openness.stats.errors import UnsafeFigure
from openness.stats.figures import figure_specs
from openness.stats.page import inline_svg
from openness.stats.read import read_scan
from openness.stats.summary import ScanRow, summarise
from openness.stats.text import render_stats_text

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

LIMITS = json.dumps(["weights judged from tags and card text only", "datasets not looked up"])
HOSTILE = "<script>alert(1)</script>\x1b[31m$x^2$\u202e"


def _row(repo_id: str, weights: str | None, data: str | None, code: str | None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "repo_id": repo_id, "revision": "0" * 40, "status": "scored", "weights": weights, "data": data, "code": code,
        "weights_level": None, "data_level": None, "code_level": None, "license": "apache-2.0",
        "license_id": "apache-2.0", "license_class": "A", "gated": "none", "parents": None, "error_kind": None,
        "error": None, "author": repo_id.split("/")[0], "pipeline_tag": "text-generation", "library_name": None,
        "downloads": 10, "likes": 1, "created_at": None, "last_modified": None,
        "evidence": json.dumps({"weights": [{"detail": "x" * 50}]}), "limits": LIMITS, "lineage": None,
    }
    return row | extra


def _scan(dated: bool = True) -> list[dict[str, Any]]:
    """Eight rows: one of them not scored, one with no author column, one dated only by
    last_modified, one fully open, three open-weights only (one without downloads)."""
    when = (lambda text: text) if dated else (lambda text: None)
    return [
        _row("lab/a", "open", "closed", "closed", downloads=500, created_at=when("2024-01-05T10:00:00Z")),
        _row("lab/b", "partial", "closed", "closed", downloads=900, license_class="D", license="llama3",
             created_at=when("2024-01-20T00:00:00Z")),
        _row("lab/c", "open", "open", "open", downloads=5, created_at=when("2024-02-01T00:00:00Z")),
        _row("other/d", "open", "unknown", "closed", downloads=10_000, pipeline_tag="fill-mask",
             created_at=when("2024-02-03T00:00:00Z")),
        _row("other/e", "closed", "closed", "partial", pipeline_tag=None, license_class=None, license=None,
             last_modified=when("2023-12-31T23:59:59Z")),
        _row("third/f", "open", "closed", "closed", downloads=None, author=None),
        _row("third/g", "bogus", None, "closed", pipeline_tag="fill-mask"),
        _row("lab/broken", None, None, None, status="error", error_kind="card_unreadable", error="bad YAML"),
    ]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    if path.suffix == ".parquet":
        table = pa.Table.from_pylist(rows)
        for column in ("created_at", "last_modified"):  # parquet scans hold timestamps
            stamps = [None if v is None else datetime.fromisoformat(v.replace("Z", "+00:00")) for v in table[column].to_pylist()]
            table = table.set_column(table.schema.get_field_index(column), column, pa.array(stamps, pa.timestamp("us", tz="UTC")))
        pq.write_table(table.replace_schema_metadata({"openness_scan_version": "1"}), path)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return path


# -- counting -------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
def test_the_summary_counts_each_format_alike(tmp_path, suffix):
    summary = summarise(read_scan(str(_write(tmp_path / f"scan{suffix}", _scan()))), top=2,
                        class_titles={"A": "OSI-approved"})
    assert (summary.rows, summary.scored, summary.not_scored) == (8, 7, (("card_unreadable", 1),))
    overall = summary.overall
    assert (overall.weights.open, overall.weights.partial, overall.weights.closed, overall.weights.unknown) == (4, 1, 1, 1)
    assert (overall.data.open, overall.data.closed, overall.data.unknown) == (1, 4, 2)
    assert summary.fully_open == 1
    # The two most common tags, then no tag; the author from the id when the column is empty.
    assert [(g.label, g.models) for g in summary.pipeline_tags] == [("text-generation", 4), ("fill-mask", 2), ("no tag", 1)]
    assert [g.label for g in summary.licence_classes] == ["A: OSI-approved", "D", "no licence class"]
    assert [(g.label, g.models) for g in summary.authors] == [("lab", 3), ("other", 2)]
    assert summary.authors_total == 3
    # created_at, else last_modified; undated rows are in no month.
    assert [(m.label, m.models) for m in summary.months] == [("2023-12", 1), ("2024-01", 2), ("2024-02", 2)]
    assert dict(summary.dated_by) == {"created_at": 4, "last_modified": 1, "undated": 2}
    # Open-weights only: a, b and f (data unknown is not closed: d is out); f has no downloads.
    assert summary.open_weights_only_total == 3
    assert [(m.repo_id, m.downloads, m.weights) for m in summary.open_weights_only] == [("lab/b", 900, "partial"),
                                                                                    ("lab/a", 500, "open")]
    assert summary.limits == (("datasets not looked up", 8), ("weights judged from tags and card text only", 8))


def test_the_top_models_are_the_most_downloaded_whatever_the_order_they_come_in():
    rows = [ScanRow(f"o/m{i}", "scored", "open", "closed", "closed", downloads=d) for i, d in enumerate([3, 9, 1, 7, 9])]
    summary = summarise(rows, top=3)
    assert [(m.repo_id, m.downloads) for m in summary.open_weights_only] == [("o/m1", 9), ("o/m4", 9), ("o/m3", 7)]


def test_a_folder_of_parquet_files_reads_as_one_scan(tmp_path):
    rows = _scan()
    (tmp_path / "out").mkdir()
    _write(tmp_path / "out" / "part-0.parquet", rows[:4])
    _write(tmp_path / "out" / "part-1.parquet", rows[4:])
    assert summarise(read_scan(str(tmp_path / "out"))).rows == 8


def test_over_time_is_drawn_only_when_the_scan_has_dates():
    dated = summarise([ScanRow("o/m", weights="open", created_at="2024-05-01")])
    undated = summarise([ScanRow("o/m", weights="open"), ScanRow("o/n", weights="open", created_at="1970-01-01")])
    assert "over_time" in [spec.name for spec in figure_specs(dated)]
    assert "over_time" not in [spec.name for spec in figure_specs(undated)]
    assert figure_specs(summarise([])) == []


# -- text -----------------------------------------------------------------------------------
def test_the_text_summary_is_plain_unless_colour_is_asked_and_drops_control_characters():
    summary = summarise([ScanRow(f"{HOSTILE}/m", weights="open", data="closed", code="closed", downloads=1,
                                 pipeline_tag=HOSTILE)])
    plain = render_stats_text(summary, "scan.jsonl")
    assert "\x1b" not in plain and "\u202e" not in plain
    assert "<script>alert(1)</script>[31m$x^2$" in plain  # text, shown as text
    assert "\x1b[32mopen\x1b[0m" in render_stats_text(summary, "scan.jsonl", colour=True)


def test_stats_prints_the_summary_when_no_page_is_asked(tmp_path):
    run = cli("stats", str(_write(tmp_path / "scan.csv", _scan())))
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("openness stats: 8 rows in ")
    assert "open-weights only: 3 models" in run.stdout and "\x1b" not in run.stdout


# -- figures and the page (the two tests that draw) -----------------------------------------
def test_the_page_escapes_hostile_ids_and_inlines_svg_figures(tmp_path):
    rows = _scan()
    rows[0] |= {"repo_id": f"lab/{HOSTILE}", "author": HOSTILE}
    page = tmp_path / "report.html"
    run = cli("stats", str(_write(tmp_path / "scan.jsonl", rows)), "--output", str(page))
    assert run.code == 0, run.stderr
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "\x1b" not in html and "\u202e" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") == 5  # axes, tags, classes, authors, over time; the table is HTML
    assert "What the scan could not see" in html and "datasets not looked up" in html
    # Nothing the page would fetch: no stylesheet, script, image or font; links only to models.
    assert not re.search(r"<link|<img|src=|@import|url\((?!#)", html)
    assert re.findall(r'<a href="([^"]*)"', html) == ["https://huggingface.co/lab/b"]
    assert {href[0] for href in re.findall(r'xlink:href="([^"]*)"', html)} == {"#"}
    for svg in re.findall(r"<svg.*?</svg>", html, re.DOTALL):  # each inline figure is well-formed SVG
        assert ElementTree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg" and len(svg) > 5_000


def test_png_figures_open_and_there_is_no_chart_over_time_without_dates(tmp_path):
    image = pytest.importorskip("PIL.Image")
    run = cli("stats", str(_write(tmp_path / "scan.parquet", _scan(dated=False))), "--figures", str(tmp_path / "f"),
              "--format", "PNG")
    assert run.code == 0, run.stderr
    names = sorted(p.name for p in (tmp_path / "f").iterdir())
    assert names == ["authors.png", "axes.png", "licence_classes.png", "open_weights_only.png", "pipeline_tags.png"]
    with image.open(tmp_path / "f" / "pipeline_tags.png") as png:
        assert png.format == "PNG" and png.size[0] >= 1000 and len(png.convert("RGB").getcolors(2**16) or ()) > 8


def test_an_svg_with_a_script_or_an_external_link_is_never_inlined():
    assert inline_svg(b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="9pt" height="9pt" viewBox="0 0 9 9">'
                      b'<!-- <script> --><use xlink:href="#g"/></svg>') == '<svg viewBox="0 0 9 9"><use xlink:href="#g"/></svg>'
    for bad in (b"<svg><script>x</script></svg>", b'<svg><image href="https://x.org/t.png"/></svg>',
                b'<svg onload="x()"></svg>', b'<svg><style>@import "https://x.org/f.css";</style></svg>',
                b'<svg><path style="fill: url(https://x.org/p)"/></svg>', b"<p>not svg</p>"):
        with pytest.raises(UnsafeFigure):
            inline_svg(bad)


# -- errors ---------------------------------------------------------------------------------
def _not_a_scan(tmp_path: Path) -> str:
    return str(_write(tmp_path / "x.jsonl", [{"id": "a/b", "likes": 1}]))


def _broken_json(tmp_path: Path) -> str:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(_row("a/b", "open", "closed", "closed")) + "\n{not json\n", encoding="utf-8")
    return str(path)


def _other_version(tmp_path: Path) -> str:
    table = pa.Table.from_pylist([_row("a/b", "open", "closed", "closed")])
    pq.write_table(table.replace_schema_metadata({"openness_scan_version": "2"}), tmp_path / "x.parquet")
    return str(tmp_path / "x.parquet")


def _not_parquet(tmp_path: Path) -> str:
    (tmp_path / "x.parquet").write_bytes(b"repo_id,weights\n")
    return str(tmp_path / "x.parquet")


@pytest.mark.parametrize("make, extra, message", [
    (lambda tmp: str(tmp / "missing.parquet"), [], "no such file"),
    (lambda tmp: str(tmp / "scan.txt"), [], "cannot tell the format"),
    (_not_parquet, [], "cannot read"),
    (_not_a_scan, [], "is not an openness scan: no column repo_id, weights, data, code"),
    (_broken_json, [], "line 2 is not JSON"),
    (_other_version, [], "scan version 2"),
    (_not_a_scan, ["--output", "report.txt"], "--output writes an HTML page"),
])
def test_stats_that_cannot_go_on_exits_2_with_one_line(tmp_path, make, extra, message):
    run = cli("stats", make(tmp_path), *extra)
    assert run.code == 2 and run.stdout == ""
    assert message in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr


def test_a_missing_extra_is_named_with_the_pip_command(tmp_path, monkeypatch):
    import importlib.util
    import sys

    scan = str(_write(tmp_path / "scan.parquet", _scan()))
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    run = cli("stats", scan)
    assert run.code == 2 and "reading a parquet scan needs pyarrow: pip install 'openness[stats]'" in run.stderr
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    run = cli("stats", str(_write(tmp_path / "scan.csv", _scan())), "--output", str(tmp_path / "r.html"))
    assert run.code == 2 and run.stderr.strip() == "openness: figures need matplotlib: pip install 'openness[stats]'"


def test_a_json_line_over_the_cap_is_refused_not_read_whole(tmp_path, monkeypatch):
    from openness.stats import read

    monkeypatch.setattr(read, "MAX_LINE_BYTES", 2_000)
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(_row("a/b", "open", "closed", "closed")) + "\n" + "x" * 5_000, encoding="utf-8")
    with pytest.raises(read.ScanUnreadable, match="line 2 is over"):
        summarise(read_scan(str(path)))
