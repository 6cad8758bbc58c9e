"""Golden files: every renderer on one fixed report, byte for byte.

A deliberate change to the output is made by regenerating the files and reading the diff:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from golden_report import golden_report
from openness.render import Format, GroupKey, render

GOLDEN = Path(__file__).parent / "golden"

CASES = [
    ("report.txt", Format.table, {"details": True}),
    ("report.md", Format.markdown, {"details": True}),
    ("report.csv", Format.csv, {}),
    ("report.json", Format.json, {}),
    ("report.html", Format.html, {}),
    ("grouped.md", Format.markdown, {"group_by": GroupKey.license_class}),
]


def test_every_format_has_a_golden_file():
    assert {fmt for _, fmt, _ in CASES} == set(Format)


@pytest.mark.parametrize(("name", "fmt", "options"), CASES, ids=[c[0] for c in CASES])
def test_renderer_matches_golden_file(name, fmt, options):
    actual = render(golden_report(), fmt, **options)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file; UPDATE_GOLDEN=1 regenerates it"
