"""A rubric file with dimensions of its own, dropped into a rubric folder, is loaded,
scored, rendered in every format and documented, with no code change."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import cli

from openness.render.json import json_schema_text

TOY = """\
id: toy
version: "0.1"
title: Toy labels
source: tests/test_rubric_files.py, a rubric no code knows
description: A made-up rubric with two dimensions of its own.
dimensions:
  label:
    title: Weights label
    question: Which label do the weights earn?
    levels:
      - label: Open Weights
        requires: [weights_open, licence_osi]
        summary: "weights {openness.weights.verdict} under licence class {license.class}"
      - label: Weights Available
        requires: [has_weights]
      - label: No Weights
        requires: []
  data_class:
    title: Data class
    question: Is the training data open?
    levels:
      - label: Class II
        requires: [data_open]
      - label: Class III
        requires: []
conditions:
  weights_open:
    signal: openness.weights.level
    min: 3
    unmet: "weights are {openness.weights.verdict}"
    why: The label needs open weights.
    remediation: Publish the weights under an open licence.
  licence_osi:
    signal: license.class
    in: [A]
    unmet: "licence class {license.class}"
  has_weights:
    signal: weights.files
    min: 1
    unmet: no weight files
  data_open:
    signal: openness.data.level
    min: 3
    unmet: "data is {openness.data.verdict}"
    remediation: Publish the training data.
"""
MODELS = ["openlab/atlas-7b", "railco/meadow-3b", "ncco/lumen-2b", "oddco/binary-card"]


@pytest.fixture
def toy_folder(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "more-rubrics"
    folder.mkdir()
    (folder / "toy.yaml").write_text(TOY, encoding="utf-8")
    monkeypatch.setenv("OPENNESS_RUBRIC_PATH", str(folder))
    return folder


def expected(model: dict) -> dict[str, str]:
    """What the toy rubric says, worked out by hand from the openness verdicts in the JSON."""
    weights, data = model["axes"]["weights"], model["axes"]["data"]
    if weights["level"] is not None and weights["level"] >= 3 and model["license"]["class"] == "A":
        label = "Open Weights"
    else:
        label = "Weights Available" if any(e["signal"] == "weights.files" for e in weights["evidence"]) \
            and weights["level"] else "No Weights"
    if data["level"] is None:
        data_class = None  # could not tell: never the floor
    else:
        data_class = "Class II" if data["level"] >= 3 else "Class III"
    return {"label": label, "data_class": data_class}


def test_a_dropped_in_rubric_is_scored_and_written_in_every_format(hub_url, toy_folder):
    run = cli("score", *MODELS, "--rubric", "toy", "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    doc = run.json()
    from jsonschema import Draft202012Validator
    assert list(Draft202012Validator(json.loads(json_schema_text())).iter_errors(doc)) == []
    labels = {}
    for model in doc["models"]:
        result = model["results"]["toy"]
        assert (result["rubric"], result["version"], result["title"]) == ("toy", "0.1", "Toy labels")
        found = {name: dim["verdict"] for name, dim in result["dimensions"].items()}
        assert found == expected(model), model["repo_id"]
        labels[model["repo_id"]] = found
    assert {f["label"] for f in labels.values()} >= {"Open Weights"}
    assert labels["oddco/binary-card"]["data_class"] is None  # its card could not be read

    sheet = list(csv.DictReader(io.StringIO(cli("score", *MODELS, "-r", "toy", "-f", "csv", endpoint=hub_url).stdout)))
    assert [row["toy.label"] for row in sheet] == [labels[m]["label"] for m in MODELS]
    assert list(sheet[0])[-2:] == ["toy.label", "toy.data_class"]  # after the stable columns
    table = cli("score", *MODELS, "-r", "toy", endpoint=hub_url).stdout
    assert "toy: label" in table and "Open Weights" in table and "unknown" in table
    markdown = cli("score", *MODELS, "-r", "toy", "-f", "markdown", "--details", endpoint=hub_url).stdout
    assert "| toy: label | toy: data\\_class |" in markdown and "**toy: label: Open Weights**" in markdown
    html = cli("score", *MODELS, "-r", "toy", "-f", "html", endpoint=hub_url).stdout
    assert '<th scope="col">toy: data_class</th>' in html and 'data-label="toy: label"' in html
    single = cli("score", MODELS[0], "-r", "toy", endpoint=hub_url).stdout
    assert "toy: label" in single and "toy: data_class" in single


def test_without_the_option_the_report_is_what_it_was(hub_url, toy_folder):
    doc = cli("score", *MODELS, "-f", "json", endpoint=hub_url).json()
    assert not any("results" in model for model in doc["models"])
    assert "toy" not in cli("score", *MODELS, endpoint=hub_url).stdout


def test_the_rubric_commands_list_show_and_document_it(toy_folder):
    listing = cli("rubric", "list")
    assert listing.code == 0 and "toy" in listing.stdout and "openness" in listing.stdout
    shown = cli("rubric", "show", "toy").stdout
    assert "Open Weights: needs weights_open, licence_osi" in shown
    assert "to meet it: Publish the weights under an open licence." in shown
    docs = cli("rubric", "docs").stdout
    assert "## Toy labels (`toy` 0.1)" in docs and "| Class III | nothing (the floor) |" in docs


def test_an_unknown_rubric_or_a_broken_file_is_one_line_and_exit_2(hub_url, toy_folder):
    run = cli("score", MODELS[0], "--rubric", "nope", endpoint=hub_url)
    assert run.code == 2 and run.stderr.count("\n") == 1 and "no rubric named 'nope' (known: openness, " in run.stderr
    assert "toy" in run.stderr.split("known: ", 1)[1]
    (toy_folder / "broken.yaml").write_text(TOY.replace("id: toy", "id: broken").replace("[has_weights]", "[nothing]"))
    run = cli("score", MODELS[0], "--rubric", "toy", endpoint=hub_url)
    assert run.code == 2 and "broken.yaml" in run.stderr and "undefined conditions: nothing" in run.stderr
    assert "Traceback" not in run.stderr
    assert cli("rubric", "list").code == 2


def test_the_rubric_folders_document_is_generated_from_the_files(monkeypatch):
    monkeypatch.delenv("OPENNESS_RUBRIC_PATH", raising=False)
    committed = (Path(__file__).resolve().parents[1] / "rubrics" / "README.md").read_text(encoding="utf-8")
    assert cli("rubric", "docs").stdout == committed, "regenerate: openness rubric docs > rubrics/README.md"


def test_a_rubric_path_that_names_no_folder_is_bad_input(hub_url, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_RUBRIC_PATH", str(tmp_path / "nowhere"))
    run = cli("score", MODELS[0], "--rubric", "toy", endpoint=hub_url)
    assert run.code == 2 and "OPENNESS_RUBRIC_PATH names" in run.stderr and "not a folder" in run.stderr
    assert cli("rubric", "list").code == 2


@pytest.mark.parametrize("condition, says", [
    ("    signal: openness.weights.score\n    min: 3\n", "tests openness.weights.score, now named openness.weights.level"),
    ("    signal: openness.weights.level\n    in: [open]\n", "the word is openness.weights.verdict"),
    ("    signal: openness.weights.level\n    is: open\n", "the word is openness.weights.verdict"),
])
def test_a_rubric_written_with_the_version_1_axis_names_is_refused_with_the_new_name(toy_folder, condition, says):
    """Before schema_version 2 the axis word was `level` and the number `score`: a word
    tested against `level` (now the number) would never hold, so it is named, not run."""
    old = TOY.replace("    signal: openness.weights.level\n    min: 3\n", condition)
    assert old != TOY
    (toy_folder / "toy.yaml").write_text(old, encoding="utf-8")
    run = cli("rubric", "list")
    assert run.code == 2 and run.stderr.count("\n") == 1 and says in run.stderr, run.stderr


# ---- a framework: an outcome code for scripts, criteria with sources, reported-only duties ----

FRAMEWORK = TOY.replace("id: toy\n", "id: toyfw\n").replace('version: "0.1"\n', 'version: "0.1"\ndate: "2026-05-29"\n') + """\
  no_gate:
    signal: gate
    in: [none]
    unmet: "the weights are behind a gate ({gate})"
    source: Toy Act, Art. 2
outcome:
  dimension: label
  column: toy_label
  codes: {"Open Weights": open-weights, "Weights Available": weights-available, "No Weights": none}
"""
FRAMEWORK = FRAMEWORK.replace("    why: The label needs open weights.\n",
                              "    why: The label needs open weights.\n    source: Toy Act, Art. 1(a)\n")
FRAMEWORK = FRAMEWORK.replace("      - label: No Weights\n        requires: []\n",
                              "      - label: No Weights\n        requires: []\n    informs: [no_gate]\n")


@pytest.fixture
def framework_folder(toy_folder: Path) -> Path:
    (toy_folder / "toy.yaml").unlink()
    (toy_folder / "toyfw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    return toy_folder


def test_a_framework_outcome_is_a_stable_code_in_csv_and_json_and_one_column_in_tables(hub_url, framework_folder):
    doc = cli("score", *MODELS, "--framework", "toyfw", "-f", "json", endpoint=hub_url).json()
    codes = {"Open Weights": "open-weights", "Weights Available": "weights-available", "No Weights": "none"}
    for model in doc["models"]:
        result = model["results"]["toyfw"]
        label = result["dimensions"]["label"]
        assert result["outcome"] == {"column": "toy_label", "dimension": "label", "value": codes[label["verdict"]]}
        # the reported-only condition is a finding and decides nothing
        assert [f["condition"] for f in label["findings"]][-1] == "no_gate"
        assert [p["label"] for p in label["progress"]] == ["Open Weights", "Weights Available"]
        if label["verdict"] == "Weights Available":
            assert label["next_level"] == "Open Weights" and label["next_needs"]
    sheet = list(csv.DictReader(io.StringIO(cli("score", *MODELS, "-F", "toyfw", "-f", "csv", endpoint=hub_url).stdout)))
    assert list(sheet[0])[-3:] == ["toy_label", "toyfw.label", "toyfw.data_class"]
    assert {row["toy_label"] for row in sheet} <= set(codes.values())
    table = cli("score", *MODELS, "-F", "toyfw", endpoint=hub_url).stdout
    assert "toyfw" in table.splitlines()[0] and "toyfw: data_class" not in table


def test_explain_shows_each_criterion_of_a_framework_with_its_source_and_evidence(hub_url, framework_folder):
    text = cli("explain", MODELS[0], "--framework", "toyfw", "--endpoint", hub_url).stdout
    assert "=== toyfw: Toy labels 0.1 ===" in text and "2026-05-29" in text
    assert "weights_open: openness.weights.level = " in text and "source: Toy Act, Art. 1(a)" in text
    assert "no_gate (reported, decides no level): gate = none" in text
    assert "<- [high] " in text.split("=== toyfw")[1] or "(its evidence" in text
    doc = cli("explain", MODELS[0], "-F", "toyfw", "-f", "json", "--endpoint", hub_url).json()
    conditions = {c["name"]: c for c in doc["frameworks"]["toyfw"]["dimensions"]["label"]["conditions"]}
    assert conditions["weights_open"]["source"] == "Toy Act, Art. 1(a)"
    assert conditions["has_weights"]["evidence"] and all(isinstance(i, int) for i in conditions["has_weights"]["evidence"])
    assert cli("explain", MODELS[0], "-F", "nope", "--endpoint", hub_url).code == 2


def test_the_docs_name_each_criterions_source_the_date_and_the_outcome_codes(framework_folder):
    docs = cli("rubric", "docs").stdout
    assert "Source: tests/test_rubric_files.py, a rubric no code knows (2026-05-29)" in docs
    assert "Outcome, CSV column `toy_label` (from `label`): `open-weights` (Open Weights)" in docs
    assert "Toy Act, Art. 1(a)" in docs and "Also reported, deciding no level: `no_gate`." in docs


def test_an_outcome_without_a_code_for_every_label_is_refused(framework_folder):
    broken = FRAMEWORK.replace(', "No Weights": none}', "}")
    (framework_folder / "toyfw.yaml").write_text(broken, encoding="utf-8")
    run = cli("rubric", "list")
    assert run.code == 2 and "needs a code for each label" in run.stderr and "No Weights" in run.stderr


def test_every_packaged_framework_is_dated_versioned_and_cites_a_source_for_each_criterion(monkeypatch):
    from openness.rubric.loader import load_frameworks

    monkeypatch.delenv("OPENNESS_RUBRIC_PATH", raising=False)
    frameworks = load_frameworks()
    assert {"mof", "eu-ai-act"} <= set(frameworks)
    for framework in frameworks.values():
        assert framework.date and framework.version and framework.source, framework.id
        unsourced = [name for name, condition in framework.conditions.items() if not condition.source]
        assert unsourced == [], (framework.id, unsourced)
        assert framework.outcome is not None or framework.id == "osai", framework.id
    docs = cli("rubric", "docs").stdout
    for framework in frameworks.values():
        assert f"(`{framework.id}` {framework.version})" in docs and framework.date in docs
