"""The JSON output against the JSON Schema shipped in the package."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from golden_report import golden_report
from helpers import cli
from openness.errors import UnreadableReport
from openness.models import DimensionResult, RubricResult
from openness.render import Format, render
from openness.report import Report
from openness.render.json import SCHEMA_VERSION, json_schema_text


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(json_schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator, doc) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_schema_version_matches_the_document(validator):
    assert validator.schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_golden_report_is_valid(validator):
    assert errors(validator, json.loads(render(golden_report(), Format.json))) == []


def test_cli_output_is_valid_for_every_kind_of_model(validator, hub_url):
    ids = ["openlab/atlas-7b", "gatedco/summit-8b", "oddco/binary-card", "adapterco/tiny-lora",
           "kids/child-01", "nobody/nothing", "bad id"]
    doc = cli("score", *ids, "-f", "json", endpoint=hub_url).json()
    assert {m["status"] for m in doc["models"]} == {"scored", "error"}
    assert any(m["lineage"] for m in doc["models"]) and any(m["datasets"] for m in doc["models"])
    assert errors(validator, doc) == []


def test_schema_command_prints_the_shipped_schema():
    run = cli("schema")
    assert run.code == 0 and json.loads(run.stdout) == json.loads(json_schema_text())


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["models"][0]["axes"]["weights"].update(score=5),
        lambda d: d["models"][0]["axes"]["data"].update(level="opn"),
        lambda d: d["models"][0].pop("license"),
        lambda d: d["models"][0].update(surprise=True),
        lambda d: d["models"][0]["license"].update({"class": "G"}),
        lambda d: d["models"][3]["axes"]["data"].update(score=2),      # unknown with a level
        lambda d: d["models"][4].update(axes=d["models"][0]["axes"]),  # an error with verdicts
        lambda d: d.update(schema_version=1),
    ],
)
def test_schema_rejects_a_document_that_breaks_the_contract(validator, breakage):
    doc = copy.deepcopy(json.loads(render(golden_report(), Format.json)))
    breakage(doc)
    assert errors(validator, doc)


# ---- reading reports back: version 2, and version 1 with its old names -----------------------

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_report_reads_back_from_its_json_as_the_same_report():
    report = golden_report()
    again = Report.from_json(report.to_json())
    assert again.scorecards == report.scorecards and again.rubric == report.rubric
    assert again.to_json() == report.to_json()


def test_a_version_1_document_reads_as_the_report_it_was_made_of():
    """fixtures/report-v1.json is the golden report as schema_version 1 wrote it: the axis
    word under `level` and the number under `score`."""
    old = json.loads((FIXTURES / "report-v1.json").read_text(encoding="utf-8"))
    assert old["schema_version"] == 1 and old["models"][0]["axes"]["weights"]["level"] == "open"
    report = Report.from_json(json.dumps(old))
    assert report.scorecards == golden_report().scorecards
    assert report["lab/open-7b"].axes["weights"].verdict == "open" and report["lab/open-7b"].axes["weights"].level == 4


def test_a_version_1_rubric_result_reads_its_label_as_the_verdict():
    result = RubricResult(rubric="toy", version="0.1", title="Toy", dimensions={
        "label": DimensionResult(verdict="Open Weights", rank=0, reasons=["weights open"])})
    card = golden_report().scorecards[0].model_copy(update={"results": {"toy": result}})
    doc = json.loads(golden_report().model_copy(update={"scorecards": [card]}).to_json())
    doc["schema_version"] = 1
    model = doc["models"][0]
    model["axes"] = {axis: {"level": v["verdict"], "score": v["level"], **{k: x for k, x in v.items() if k not in ("verdict", "level")}}
                     for axis, v in model["axes"].items()}
    model["results"]["toy"]["dimensions"]["label"] = {"label": "Open Weights", "rank": 0, "reasons": ["weights open"], "findings": []}
    assert Report.from_json(json.dumps(doc)).scorecards == [card]


@pytest.mark.parametrize("text, says", [
    ("{not json", "not JSON"),
    ('{"models": []}', "not an openness JSON report"),
    ('{"schema_version": 3, "tool": {"name": "openness", "version": "9"}, "models": []}', "schema_version 3 cannot be read"),
    ('{"schema_version": 2, "tool": {"name": "openness", "version": "1"}, "rubric": {"id": "openness", "version": "1", "profile": "default"}, '
     '"models": [{"repo_id": "a/b", "revision": null, "status": "maybe"}]}', "does not fit schema_version 2 (status)"),
])
def test_a_document_that_is_no_readable_report_is_named_as_such(text, says):
    with pytest.raises(UnreadableReport, match=re.escape(says)):
        Report.from_json(text)
