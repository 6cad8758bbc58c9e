"""The JSON output against the JSON Schema shipped in the package."""
from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from golden_report import golden_report
from helpers import cli
from openness.render import Format, render
from openness.render.json import SCHEMA_VERSION, json_schema_text


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(json_schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator, doc) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_schema_version_matches_the_document(validator):
    assert validator.schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


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
        lambda d: d.update(schema_version=2),
    ],
)
def test_schema_rejects_a_document_that_breaks_the_contract(validator, breakage):
    doc = copy.deepcopy(json.loads(render(golden_report(), Format.json)))
    breakage(doc)
    assert errors(validator, doc)
