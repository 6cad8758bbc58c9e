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


# ---- one golden assessment per rubric file ------------------------------------------------
# Fixed synthetic models judged under each packaged rubric (the openness axes, and every
# rubrics/*.yaml with dimensions of its own): what each level or label and each finding
# comes to. A rubric file's change shows here as a diff to read.

def _assessment_models():
    from openness.models import CardFile, ModelSnapshot

    def snap(repo_id, card, files=("model.safetensors",), status="ok", **card_data):
        return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data=card_data, siblings=["README.md", *files],
                             card=CardFile(status=status, text=f"# M\n\n{card}" if status == "ok" else None))

    return [
        snap("golden/open", "## Training data\n\nTrained on The Pile (deduplicated and filtered), 300B tokens.\n\n"
             "## Training procedure\n\nThe training code is at https://github.com/t/trainer.\n", license="apache-2.0"),
        snap("golden/closed", "## Training data\n\nA mix of publicly available data.\n", license="llama3"),
        snap("golden/adapter", "A LoRA adapter.\n", files=("adapter_model.safetensors",), license="mit"),
        snap("golden/unreadable", "", status="unreadable", license="cc-by-nc-4.0"),
    ]


def _rubric_ids() -> list[str]:
    from openness.rubric.loader import load_frameworks

    return ["openness", *load_frameworks((_packaged_dir(),))]


def _packaged_dir():
    from openness.rubric.loader import rubric_dir

    return rubric_dir()


@pytest.mark.parametrize("rubric", _rubric_ids())
def test_each_rubric_file_has_a_golden_assessment(rubric):
    import json

    from openness.api import compare

    from memory_source import MemorySource

    report = compare([m.repo_id for m in _assessment_models()], source=MemorySource(_assessment_models()),
                     repos=False, rubrics=[rubric])
    assessed = {}
    for card in report:
        if rubric == "openness":
            assessed[card.repo_id] = {axis: {"verdict": v.verdict, "level": v.level,
                                             "findings": {f.condition: f.outcome for f in v.findings}}
                                      for axis, v in card.axes.items()}
        else:
            assessed[card.repo_id] = {name: {"label": d.verdict, "findings": {f.condition: f.outcome for f in d.findings}}
                                      for name, d in card.results[rubric].dimensions.items()}
    actual = json.dumps(assessed, indent=2, sort_keys=True) + "\n"
    path = GOLDEN / f"assessment-{rubric}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.exists(), f"no golden assessment for rubric {rubric}; UPDATE_GOLDEN=1 writes it"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs; UPDATE_GOLDEN=1 regenerates it"
