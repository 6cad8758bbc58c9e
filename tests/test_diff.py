"""`openness diff` (issue 16): two revisions of one model on the stand-in Hub
(tests/hubstub.py `add_revision`), and two JSON report files, v1 and v2 mixed.
The real huggingface_hub runs against the stub.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import cli
from test_licence_text import LICENCE_V1, LICENCE_V2, revised  # noqa: F401 (a fixture)

FIXTURES = Path(__file__).parent / "fixtures"


def diff(*args: str, endpoint: str | None = None):
    return cli("diff", *args, *(["--endpoint", endpoint] if endpoint else []))


# -- openness diff org/m@v1 org/m@v2 ----------------------------------------------------------
def test_diff_of_two_revisions_shows_a_new_licence_text_behind_the_same_id(hub, hub_url, revised):
    run = diff(f"{revised}@v1", f"{revised}@v2", "--no-repos", endpoint=hub_url)
    assert run.code == 1, run.stderr
    old, new = (hashlib.sha256(t).hexdigest()[:12] for t in (LICENCE_V1, LICENCE_V2))
    assert "  licence: apache-2.0 (class A), same id" in run.stdout
    assert (f"  licence text: LICENSE sha256 {old} -> LICENSE sha256 {new} "
            "(the text changed behind the same id)") in run.stdout
    doc = json.loads(diff(f"{revised}@v1", f"{revised}@v2", "--no-repos", "-f", "json", endpoint=hub_url).stdout)
    [model] = doc["models"]
    assert doc["diff_version"] == 1 and doc["changed"] and model["change"] == "changed"
    assert model["license"]["text_changed"] and model["license"]["old"]["id"] == model["license"]["new"]["id"]


def test_diff_of_two_revisions_shows_a_change_of_licence_id(hub, hub_url, revised):
    run = diff(f"{revised}@v1", f"{revised}@v3", "--no-repos", endpoint=hub_url)
    assert run.code == 1, run.stderr
    assert "  licence: apache-2.0 (class A) -> mit (class A)" in run.stdout
    assert "licence text: LICENSE sha256" in run.stdout and "same id" not in run.stdout


def test_diff_of_a_revision_with_itself_is_no_change_and_still_shows_the_licence(hub, hub_url, revised):
    run = diff(f"{revised}@v1", revised, "--no-repos", endpoint=hub_url)  # v1 has main's files
    assert run.code == 0, run.stderr
    sha = hashlib.sha256(LICENCE_V1).hexdigest()[:12]
    assert f"  licence: apache-2.0 (class A), unchanged; text LICENSE sha256 {sha}" in run.stdout
    assert run.stdout.endswith("1 model compared: 0 changed, 1 same, 0 added, 0 removed\n")


@pytest.mark.parametrize("sides, message", [
    (("difflab/m@v1", "difflab/m@nope"), "no such revision"),
    (("difflab/m@v1", "otherlab/m@v1"), "not one model"),
    (("difflab/m@v1", "missing-report.json"), "not one of each"),
    (("missing-old.json", "missing-new.json"), "cannot read missing-old.json"),
])
def test_diff_that_cannot_compare_exits_2_with_one_line(hub, hub_url, revised, sides, message):
    run = diff(*sides, "--no-repos", endpoint=hub_url)
    assert run.code == 2 and run.stdout == ""
    assert message in run.stderr and len(run.stderr.splitlines()) == 1


# -- openness diff old.json new.json ------------------------------------------------------------
def _v2_after(tmp_path: Path, hostile: str = "") -> Path:
    """The golden v2 report, with one model's data axis lowered, an evidence item added,
    a framework outcome changed, and a licence text hash where there was none."""
    doc = json.loads((Path(__file__).parent / "golden/report.json").read_text(encoding="utf-8"))
    model = doc["models"][0]
    model["axes"]["data"].update(verdict="partial", level=2)
    model["axes"]["data"]["evidence"].append(
        {"signal": "data.named", "source": "README.md line 40", "detail": f"new corpus{hostile}", "strength": "medium"})
    model["license"].update(text_file="LICENSE", text_sha256="f" * 64)
    path = tmp_path / "after.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_diff_of_a_v1_and_a_v2_report_names_what_changed(tmp_path):
    run = diff(str(FIXTURES / "report-v1.json"), str(_v2_after(tmp_path)))
    assert run.code == 1, run.stderr
    lines = run.stdout.splitlines()
    start = lines.index("lab/open-7b (aaaaaaaaaaaa -> aaaaaaaaaaaa): changed")
    assert lines[start + 1:start + 5] == [
        "  licence: apache-2.0 (class A), same id",
        f"  licence text: no licence file recorded -> LICENSE sha256 {'f' * 12}",
        "  data: open (3) -> partial (2)",
        "    + [data.named] README.md line 40: new corpus",
    ]
    assert "lab/open-7b-chat (bbbbbbbbbbbb -> bbbbbbbbbbbb): same" in lines
    assert lines[-1] == "5 models compared: 1 changed, 4 same, 0 added, 0 removed"


def test_diff_json_and_markdown_of_two_reports(tmp_path):
    old, new = str(FIXTURES / "report-v1.json"), str(_v2_after(tmp_path, " <b>|x|</b>"))
    doc = json.loads(diff(old, new, "-f", "json").stdout)
    assert doc["summary"] == {"changed": 1, "same": 4, "added": 0, "removed": 0}
    data = doc["models"][0]["axes"]["data"]
    assert data["old"] == {"verdict": "open", "level": 3} and data["new"] == {"verdict": "partial", "level": 2}
    assert [e["detail"] for e in data["evidence_added"]] == ["new corpus <b>|x|</b>"] and not data["evidence_removed"]
    markdown = diff(old, new, "-f", "markdown").stdout
    assert "### lab/open\\-7b (aaaaaaaaaaaa \\-> aaaaaaaaaaaa): changed" not in markdown  # '-' is not escaped
    assert "### lab/open-7b (aaaaaaaaaaaa -&gt; aaaaaaaaaaaa): changed" in markdown
    assert "new corpus &lt;b&gt;\\|x\\|&lt;/b&gt;" in markdown and "<b>" not in markdown


def test_a_report_against_itself_is_no_change_and_models_that_came_and_went_are_changes(tmp_path):
    golden = Path(__file__).parent / "golden/report.json"
    assert diff(str(golden), str(golden)).code == 0
    doc = json.loads(golden.read_text(encoding="utf-8"))
    doc["models"] = doc["models"][1:] + [{**doc["models"][0], "repo_id": "lab/renamed-7b"}]
    after = tmp_path / "after.json"
    after.write_text(json.dumps(doc), encoding="utf-8")
    run = diff(str(golden), str(after), "-f", "json")
    assert run.code == 1
    changes = {m["repo_id"]: m["change"] for m in json.loads(run.stdout)["models"]}
    assert changes["lab/open-7b"] == "removed" and changes["lab/renamed-7b"] == "added"


def test_hostile_evidence_never_reaches_the_terminal_unsanitised(tmp_path):
    hostile = "\x1b]0;owned\x07\x1b[2J\nopenness: all clear\u202e\u200b"
    run = diff(str(FIXTURES / "report-v1.json"), str(_v2_after(tmp_path, hostile)))
    assert run.code == 1
    assert not any(c in run.stdout for c in "\x1b\x07\u202e\u200b")
    assert not any(line.startswith("openness: all clear") for line in run.stdout.splitlines())
    assert "    + [data.named] README.md line 40: new corpus]0;owned[2J openness: all clear" in run.stdout


def test_a_framework_outcome_and_a_gate_that_changed_are_shown(hub, hub_url, tmp_path):
    before = cli("score", "aliasco/harbor-13b", "-F", "mof", "-f", "json", "--no-repos", endpoint=hub_url)
    doc = before.json()
    old_code = doc["models"][0]["results"]["mof"]["outcome"]["value"]
    new_code = "I" if old_code != "I" else "III"
    (tmp_path / "old.json").write_text(before.stdout, encoding="utf-8")
    doc["models"][0]["results"]["mof"]["outcome"]["value"] = new_code
    doc["models"][0]["gated"] = "manual"
    (tmp_path / "new.json").write_text(json.dumps(doc), encoding="utf-8")
    run = diff(str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert run.code == 1
    assert f"  mof: {old_code} -> {new_code}" in run.stdout and "  gate: none -> manual approval" in run.stdout
    frameworks = json.loads(diff(str(tmp_path / "old.json"), str(tmp_path / "new.json"), "-f", "json").stdout)
    assert frameworks["models"][0]["frameworks"] == {"mof": {"changed": True, "old": old_code, "new": new_code}}
