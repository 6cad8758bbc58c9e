"""The GitHub Action's runner (openness/github_action.py, action.yml) against the stand-in Hub."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from openness.github_action import ActionInputs, cli_arguments, output_block

ROOT = Path(__file__).resolve().parents[1]


def outputs_of(text: str) -> dict[str, str]:
    """The outputs a GITHUB_OUTPUT file sets, read as the runner does: `name=value` lines
    and `name<<DELIMITER` blocks ended by a line that is exactly the delimiter."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            else:
                raise AssertionError(f"output {name} has no closing delimiter")
            found[name] = "\n".join(body)
        elif line:
            name, value = line.split("=", 1)
            found[name] = value
    return found


def _action_env(tmp_path: Path, hub_url: str, **inputs: str) -> dict[str, str]:
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("## earlier step\n", encoding="utf-8")  # the runner appends, never replaces
    output.write_text("", encoding="utf-8")
    env = {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
    return {**env, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "HF_ENDPOINT": hub_url}


def test_the_action_writes_the_table_to_the_summary_and_the_json_to_its_output(hub_url, tmp_path, monkeypatch):
    from openness.github_action import run

    env = _action_env(tmp_path, hub_url, models="openlab/atlas-7b\n  ncco/lumen-2b  # the NC one\n")
    monkeypatch.setenv("HF_ENDPOINT", hub_url)
    assert run(env) == 0
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("## earlier step\n")
    assert "| model | weights | data | code |" in summary
    assert "| openlab/atlas-7b | open" in summary and "| ncco/lumen-2b | partial" in summary
    report = json.loads(outputs_of(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))["report"])
    assert report["schema_version"] == 2
    assert [m["repo_id"] for m in report["models"]] == ["openlab/atlas-7b", "ncco/lumen-2b"]


def test_python_m_runs_it_and_exits_with_the_cli_code(hub_url, tmp_path):
    env = _action_env(tmp_path, hub_url, models="openlab/atlas-7b nobody/nothing", format="csv")
    done = subprocess.run([sys.executable, "-m", "openness.github_action"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # a model not scored, as `openness score` says
    assert "nobody/nothing" in done.stderr
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "```\nrepo_id,revision,status" in summary  # csv in a code block
    report = json.loads(outputs_of(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))["report"])
    assert [m["status"] for m in report["models"]] == ["scored", "error"]


def test_no_models_and_no_path_is_bad_input(tmp_path, hub_url):
    from openness.github_action import run

    env = _action_env(tmp_path, hub_url, models="  \n")
    assert run(env) == 2
    assert Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8") == ""


def test_inputs_become_cli_arguments_with_the_gates_passed_through():
    inputs = ActionInputs.from_env({"INPUT_MODELS": "a/b\nc/d e/f", "INPUT_FAIL_ON": "data=closed\n\ncode=closed\n",
                                    "INPUT_MIN": "weights=open", "INPUT_FORMAT": "Markdown"})
    assert cli_arguments(inputs, "r.json") == [
        "score", "a/b", "c/d", "e/f", "--format", "json", "--output", "r.json",
        "--fail-on", "data=closed", "--fail-on", "code=closed", "--min", "weights=open"]
    folder = ActionInputs.from_env({"INPUT_PATH": "model/", "INPUT_FAIL-ON": "mof=none"})
    assert cli_arguments(folder, "r.json")[:2] == ["check", "model/"]
    assert "--fail-on" in cli_arguments(folder, "r.json")
    with pytest.raises(ValueError):
        ActionInputs.from_env({"INPUT_MODELS": "a/b", "INPUT_FORMAT": "html"})
    with pytest.raises(ValueError):
        cli_arguments(ActionInputs(models=("a/b",), path="x"), "r.json")


def test_the_output_delimiter_is_random_and_never_in_the_text():
    tokens = iter(["aaaa", "bbbb"])
    text = '{"card": "ghadelimiter_aaaa"}\nghadelimiter_aaaa\n'
    block = output_block("report", text, token=lambda: next(tokens))
    assert block.startswith("report<<ghadelimiter_bbbb\n") and block.endswith("\nghadelimiter_bbbb\n")
    assert outputs_of(block) == {"report": text.rstrip("\n")}
    assert output_block("r", "x").split("\n")[0] != output_block("r", "x").split("\n")[0]


def test_action_yml_passes_every_input_through_the_environment():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"models", "path", "fail-on", "min", "format", "python-version", "version"}
    steps = action["runs"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install openness")
    assert 'pip install --quiet "${{ github.action_path }}"' in install["run"]
    runner = next(s for s in steps if s.get("id") == "openness")
    assert runner["run"].strip() == "python -m openness.github_action"
    assert "${{" not in runner["run"] and "inputs." not in install["run"]  # no input in a shell's text
    assert set(runner["env"]) == {"INPUT_MODELS", "INPUT_PATH", "INPUT_FAIL_ON", "INPUT_MIN", "INPUT_FORMAT"}
    assert action["outputs"]["report"]["value"] == "${{ steps.openness.outputs.report }}"
    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
    assert any("openness@" in step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"])


def test_a_failed_gate_exits_4_and_still_writes_the_summary_and_the_report(hub_url, tmp_path, monkeypatch):
    from openness.github_action import run

    env = _action_env(tmp_path, hub_url, models="ncco/lumen-2b", fail_on="data=closed\n", min="weights=partial")
    monkeypatch.setenv("HF_ENDPOINT", hub_url)
    assert run(env) == 4
    assert "| ncco/lumen-2b | partial" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    report = json.loads(outputs_of(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))["report"])
    assert report["models"][0]["axes"]["data"]["verdict"] == "closed"


def test_a_path_input_checks_the_folder(hub_url, tmp_path, monkeypatch):
    from openness.github_action import run

    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Mine\n", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0")
    env = _action_env(tmp_path, hub_url, path=str(folder), min="weights=open")
    monkeypatch.setenv("HF_ENDPOINT", hub_url)
    assert run(env) == 0
    report = json.loads(outputs_of(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))["report"])
    assert report["models"][0]["repo_id"] == str(folder) and report["models"][0]["axes"]["weights"]["verdict"] == "open"
