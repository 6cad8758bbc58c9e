"""`openness check` (a model folder before it ships) and the CI gates `--fail-on` / `--min`
on `score` and `check`, with their own exit code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli

from openness.cli import EXIT_GATE, EXIT_OK, EXIT_USAGE

OPEN, CLOSED = "openlab/atlas-7b", "ncco/lumen-2b"  # fixtures: open on every axis (MOF I); non-commercial

CARD = """---
license: apache-2.0
datasets:
- lab/chat-mix
base_model: openlab/atlas-7b
---
# Breeze

## Training data

Fine-tuned on [lab/chat-mix](https://huggingface.co/datasets/lab/chat-mix), 2B tokens, deduplicated.

## Training procedure

The fine-tuning code is at https://github.com/breezelab/breeze-train.
"""
FILES = {"README.md": CARD.encode(), "config.json": b"{}", "model.safetensors": b"\0",
         "LICENSE": b"Apache License 2.0"}


def folder(tmp_path: Path, name: str = "breeze-7b", card: str = CARD) -> Path:
    path = tmp_path / name
    path.mkdir()
    for file, body in {**FILES, "README.md": card.encode()}.items():
        (path / file).write_bytes(body)
    return path


def axes(run) -> dict:
    model = json.loads(run.stdout)["models"][0]
    return {"axes": model["axes"], "license": model["license"], "lineage": model["lineage"]}


# ---- check ---------------------------------------------------------------------------------

def test_a_folder_gets_the_verdicts_the_same_repository_gets_on_the_hub(hub, hub_url, tmp_path):
    """The folder is what would be pushed: the same card and files, published on the stand-in Hub."""
    local = folder(tmp_path)
    info = {"id": "breezelab/breeze-7b", "sha": "e" * 40, "siblings": [{"rfilename": f} for f in FILES],
            "cardData": {"license": "apache-2.0", "datasets": ["lab/chat-mix"], "base_model": "openlab/atlas-7b"}}
    repo = hub.add_repo(info, FILES)
    try:
        published = cli("score", "breezelab/breeze-7b", "-f", "json", "--no-repos", endpoint=hub_url)
        checked = cli("check", str(local), "-f", "json", "--no-repos", "--endpoint", hub_url)
    finally:
        hub.remove_repo(repo)
    assert published.code == checked.code == EXIT_OK, checked.stderr
    assert axes(checked) == axes(published)
    assert json.loads(checked.stdout)["models"][0]["repo_id"] == str(local)  # shown as the path given


def test_a_folder_is_checked_with_no_network_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-home"))
    card = CARD.replace("base_model: openlab/atlas-7b\n", "").replace("datasets:\n- lab/chat-mix\n", "")
    run = cli("check", str(folder(tmp_path, card=card)), "--offline", "-f", "json",
              "--endpoint", "http://192.0.2.1:9")  # TEST-NET: any request would hang, then fail
    assert run.code == EXIT_OK, run.stderr
    model = json.loads(run.stdout)["models"][0]
    assert model["status"] == "scored" and model["axes"]["weights"]["verdict"] == "open"


def test_offline_a_parent_not_looked_up_is_unknown_never_a_lower_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-home"))
    run = cli("check", str(folder(tmp_path)), "--offline", "-f", "json", "--endpoint", "http://192.0.2.1:9")
    model = json.loads(run.stdout)["models"][0]
    assert model["lineage"][0]["status"] == "error" and "not in the cache" in model["lineage"][0]["reason"]
    assert model["axes"]["data"]["verdict"] != "closed"


def test_check_tells_the_publisher_what_to_change(hub_url, tmp_path):
    bare = "---\nlicense: apache-2.0\n---\n# Breeze\n\nA model.\n"
    run = cli("check", str(folder(tmp_path, card=bare)), "--no-repos", "--endpoint", hub_url)
    assert run.code == EXIT_OK
    advice = run.stdout.split("more open:")[1]
    assert "data: " in advice and "datasets" in advice  # the rubric's remediation text
    assert cli("check", str(folder(tmp_path, "b", card=bare)), "-f", "json", "--no-repos",
               "--endpoint", hub_url).stdout.count("more open") == 0  # only the table gets the advice


def test_a_readme_path_as_pre_commit_passes_it_is_its_folder(hub_url, tmp_path):
    local = folder(tmp_path)
    run = cli("check", str(local / "README.md"), "--offline", "--no-repos", "-f", "csv", "--endpoint", hub_url)
    assert run.code in (EXIT_OK, 1) and str(local / "README.md") in run.stdout


@pytest.mark.parametrize("make, says", [
    (lambda p: p / "missing", "is no folder and no README.md"),
    (lambda p: p, "has no README.md"),
])
def test_a_path_that_is_no_model_folder_is_one_line_and_exit_2(tmp_path, make, says):
    run = cli("check", str(make(tmp_path)))
    assert run.code == EXIT_USAGE and run.stderr.count("\n") == 1 and says in run.stderr


# ---- gates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("gate, model, fails", [
    (("--fail-on", "data=closed"), CLOSED, True),
    (("--fail-on", "data=closed"), OPEN, False),
    (("--min", "weights=open"), CLOSED, True),
    (("--min", "weights=open"), OPEN, False),
    (("--min", "mof=II"), CLOSED, True),
    (("--min", "mof=II"), OPEN, False),
    (("--fail-on", "eu-ai-act=not-available"), CLOSED, True),
    (("--fail-on", "eu_ai_act=not-available"), OPEN, False),  # the CSV column's name works too
])
def test_each_gate_form_passes_and_fails_with_its_own_exit_code(hub_url, gate, model, fails):
    run = cli("score", model, "--no-repos", *gate, "-f", "csv", endpoint=hub_url)
    assert run.code == (EXIT_GATE if fails else EXIT_OK), run.stderr
    assert run.stdout.startswith("repo_id,")  # the report is written either way
    lines = [line for line in run.stderr.splitlines() if "gate failed" in line]
    if fails:
        key = gate[1].split("=")[0].replace("_", "-")
        assert lines == [lines[0]] and model in lines[0] and key in lines[0] and f"({gate[0]} {gate[1]})" in lines[0]
    else:
        assert lines == []


def test_a_gate_line_names_the_model_the_condition_and_the_verdict(hub_url):
    run = cli("score", OPEN, CLOSED, "--no-repos", "--fail-on", "data=closed", "--min", "weights=open",
              "-f", "json", endpoint=hub_url)
    assert run.code == EXIT_GATE
    assert run.stderr.splitlines() == [
        f"openness: gate failed: {CLOSED}: data is closed (--fail-on data=closed)",
        f"openness: gate failed: {CLOSED}: weights is partial, below open (--min weights=open)",
    ]


def test_gates_work_on_check_too(hub_url, tmp_path):
    run = cli("check", str(folder(tmp_path)), "--no-repos", "--fail-on", "weights=open", "--endpoint", hub_url)
    assert run.code == EXIT_GATE and "breeze-7b: weights is open (--fail-on weights=open)" in run.stderr


@pytest.mark.parametrize("gate, says", [
    (("--fail-on", "data"), "write it as KEY=VALUE"),
    (("--min", "weights=great"), "weights is one of open, partial, closed"),
    (("--min", "mof=IV"), "mof is one of I, II, III, none"),
    (("--fail-on", "nope=x"), "is no axis or framework with an outcome"),
])
def test_a_gate_that_cannot_be_is_bad_input_before_any_request(hub, hub_url, gate, says):
    before = len(hub.authorizations)  # every request the stand-in Hub answers is recorded there
    run = cli("score", OPEN, "--refresh", *gate, endpoint=hub_url)  # --refresh: scoring would ask the Hub
    assert run.code == EXIT_USAGE and run.stderr.count("\n") == 1 and says in run.stderr
    assert len(hub.authorizations) == before


def test_unknown_is_below_every_minimum(hub_url):
    run = cli("score", "oddco/binary-card", "--no-repos", "--min", "data=closed", "-f", "csv", endpoint=hub_url)
    assert run.code == EXIT_GATE and "data is unknown, below closed" in run.stderr
