"""The real CLI against the stand-in Hub (real HTTP on loopback) with synthetic cards."""
from __future__ import annotations

import re

import pytest

import openness

from helpers import axes, cli, cli_process


@pytest.mark.parametrize(
    ("repo_id", "expected", "licence_class"),
    [
        ("openlab/atlas-7b", ("open", "open", "open"), "A"),           # fully open
        ("weightsco/breeze-7b", ("open", "closed", "closed"), "A"),    # open weights, closed data
        ("gatedco/summit-8b", ("partial", "closed", "closed"), "D"),   # manual gate, community licence
        ("railco/meadow-3b", ("partial", "partial", "closed"), "C"),   # RAIL
        ("ncco/lumen-2b", ("partial", "closed", "closed"), "E"),       # non-commercial
        ("aliasco/harbor-13b", ("partial", "closed", "closed"), "C"),  # license: other via alias
        ("nocard/bare-1b", ("partial", "closed", "closed"), "F"),      # no card: no licence
        ("cardonly/notes-only", ("closed", "closed", "closed"), "A"),  # README only, no weights
        # an adapter that discloses nothing, on a fully open base: the join is partial
        ("adapterco/tiny-lora", ("open", "partial", "partial"), "A"),
        ("oddco/binary-card", ("open", "unknown", "unknown"), "A"),    # card unreadable
        ("oddco/mystery-other", ("partial", "closed", "closed"), "F"), # other, unresolvable
    ],
)
def test_verdicts_of_synthetic_models(hub_url, repo_id, expected, licence_class):
    run = cli("score", repo_id, "--format", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    model = run.model(repo_id)
    assert model["status"] == "scored"
    assert axes(model) == expected
    assert model["license"]["class"] == licence_class


def test_json_contract_keys_and_types(hub_url, hub):
    doc = cli("score", "openlab/atlas-7b", "-f", "json", endpoint=hub_url).json()
    assert list(doc) == ["schema_version", "tool", "rubric", "models"]
    assert doc["schema_version"] == 2
    assert doc["tool"]["name"] == "openness" and doc["tool"]["version"]
    assert doc["rubric"] == {"id": "openness", "version": doc["rubric"]["version"], "profile": "default"}
    model = doc["models"][0]
    assert list(model)[:7] == ["repo_id", "revision", "status", "error", "license", "gated", "axes"]
    assert model["revision"] == hub.sha_of("openlab/atlas-7b")
    for axis in model["axes"].values():
        assert axis["verdict"] in {"open", "partial", "closed", "unknown"}
        assert axis["level"] in {0, 1, 2, 3, 4}
        assert axis["reasons"] and all(isinstance(r, str) for r in axis["reasons"])
        for item in axis["evidence"]:
            assert set(item) >= {"source", "detail", "strength"}
            assert item["strength"] in {"high", "medium", "low"}


def test_unknown_axis_has_no_score_and_says_why(hub_url):
    model = cli("score", "oddco/binary-card", "-f", "json", endpoint=hub_url).model("oddco/binary-card")
    data = model["axes"]["data"]
    assert data == {**data, "verdict": "unknown", "level": None}
    assert "could not read the model card" in data["reasons"][0]


def test_evidence_names_licence_files_and_what_was_searched(hub_url):
    model = cli("score", "weightsco/breeze-7b", "-f", "json", endpoint=hub_url).model("weightsco/breeze-7b")
    weights = " ".join(e["detail"] for e in model["axes"]["weights"]["evidence"])
    assert "apache-2.0" in weights and ".safetensors" in weights
    assert "searched" in " ".join(model["axes"]["data"]["reasons"])
    assert "searched" in " ".join(model["axes"]["code"]["reasons"])
    sources = {e["source"] for e in model["axes"]["code"]["evidence"]}
    assert any(s.startswith("README.md line ") for s in sources)


def test_gate_prompt_is_evidence(hub_url):
    model = cli("score", "gatedco/summit-8b", "-f", "json", endpoint=hub_url).model("gatedco/summit-8b")
    assert model["gated"] == "manual"
    sources = [e["source"] for e in model["axes"]["weights"]["evidence"]]
    assert "cardData.extra_gated_prompt" in sources
    assert any("manual approval" in r for r in model["axes"]["weights"]["reasons"])


def test_alias_resolution_is_shown(hub_url):
    model = cli("score", "aliasco/harbor-13b", "-f", "json", endpoint=hub_url).model("aliasco/harbor-13b")
    assert model["license"]["id"] == "other"
    assert model["license"]["resolved_via"].startswith("alias:")


def test_adapter_repo_says_base_weights_are_needed(hub_url):
    model = cli("score", "adapterco/tiny-lora", "-f", "json", endpoint=hub_url).model("adapterco/tiny-lora")
    assert any("adapter weights only" in r for r in model["axes"]["weights"]["reasons"])


def test_table_shows_three_axes_licence_and_gate(hub_url):
    run = cli("score", "gatedco/summit-8b", endpoint=hub_url)
    assert run.code == 0
    lines = run.stdout.splitlines()
    for axis, word in (("weights", "partial"), ("data", "closed"), ("code", "closed")):
        row = next(line for line in lines if line.startswith(axis + " "))
        assert word in row and "/4" in row
    assert any(line.startswith("licence: llama3.1 (class D") for line in lines)
    assert "gate: manual approval" in lines


def test_details_lists_evidence_under_each_axis(hub_url):
    plain = cli("score", "openlab/atlas-7b", endpoint=hub_url).stdout
    detailed = cli("score", "openlab/atlas-7b", "--details", endpoint=hub_url).stdout
    assert "[high] siblings:" not in plain
    assert "[high] siblings:" in detailed
    assert "openlab/atlas-train" in detailed and "README.md line" in detailed


def test_markdown_details_has_a_section_per_model(hub_url):
    out = cli("score", "openlab/atlas-7b", "ncco/lumen-2b", "-f", "markdown", "-d", endpoint=hub_url).stdout
    assert out.count("\n### ") == 2
    assert "**weights: partial** (1/4)" in out
    assert "profile default" in out


def test_same_result_in_table_and_json_for_one_model(hub_url):
    doc = cli("score", "railco/meadow-3b", "-f", "json", endpoint=hub_url).model("railco/meadow-3b")
    table = cli("score", "railco/meadow-3b", endpoint=hub_url).stdout
    for axis, verdict in doc["axes"].items():
        row = next(line for line in table.splitlines() if line.startswith(axis + " "))
        assert row.split()[1:3] == [verdict["verdict"], f"{verdict['level']}/4"]


@pytest.mark.parametrize(
    ("repo_id", "kind"),
    [("nobody/nothing", "not_found"), ("hiddenco/secret-model", "not_found"),
     ("banned/gone-model", "disabled"), ("revco/pinned@no-such-branch", "revision_not_found")],
)
def test_unscorable_model_is_an_error_entry_with_exit_1(hub_url, repo_id, kind):
    run = cli("score", repo_id, "-f", "json", endpoint=hub_url)
    assert run.code == 1
    model = run.json()["models"][0]
    assert model["status"] == "error" and model["error"]["kind"] == kind
    assert model["axes"] == {}
    assert len(run.stderr.strip().splitlines()) == 1


def test_one_failure_does_not_sink_the_batch(hub_url):
    run = cli("score", "openlab/atlas-7b", "nobody/nothing", "weightsco/breeze-7b", "-f", "json", endpoint=hub_url)
    assert run.code == 1
    models = run.json()["models"]
    assert [m["repo_id"] for m in models] == ["openlab/atlas-7b", "nobody/nothing", "weightsco/breeze-7b"]
    assert [m["status"] for m in models] == ["scored", "error", "scored"]
    assert run.stderr.strip() == "openness: nobody/nothing: no such model on the Hub (or it is private)"


def test_revision_by_branch_and_by_sha(hub_url, hub):
    sha = hub.sha_of("revco/pinned")
    by_sha = cli("score", f"revco/pinned@{sha}", "-f", "json", endpoint=hub_url).model("revco/pinned")
    assert by_sha["revision"] == sha
    by_branch = cli("score", "revco/pinned@v1", "-f", "json", endpoint=hub_url).model("revco/pinned")
    assert by_branch["status"] == "scored" and by_branch["revision"] != sha


@pytest.mark.parametrize("bad", ["a b/c", "../etc/passwd", "org/name@", "x/y/z", "org/na--me", "",
                                 "org/" + "n" * 5000, "組織/模型", "org/\x1b]0;title\x07name",
                                 "https://huggingface.co/datasets/org/corpus"])
def test_invalid_id_exits_2_with_one_line(hub_url, bad):
    run = cli("score", bad, "openlab/atlas-7b", "-f", "json", endpoint=hub_url)
    assert run.code == 2
    assert run.stderr.count("\n") == 1 and "is not a model id" in run.stderr
    assert len(run.stderr) < 250 and "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert run.model("openlab/atlas-7b")["status"] == "scored"  # the rest of the batch is scored


def test_a_hub_url_is_scored_as_the_id_it_names(hub_url, hub):
    sha = hub.sha_of("revco/pinned")
    run = cli("score", "https://huggingface.co/openlab/atlas-7b",
              f"https://huggingface.co/revco/pinned/tree/{sha}", "-f", "json", endpoint=hub_url)
    assert run.code == 0
    assert [(m["repo_id"], m["revision"]) for m in run.json()["models"]] == [
        ("openlab/atlas-7b", hub.sha_of("openlab/atlas-7b")), ("revco/pinned", sha)]


def test_unknown_profile_is_a_usage_error(hub_url):
    run = cli("score", "openlab/atlas-7b", "--profile", "nope", endpoint=hub_url)
    assert run.code == 2
    assert run.stderr.strip().startswith("openness: no profile named 'nope'")


def test_profile_changes_words_not_levels(hub_url):
    default = cli("score", "railco/meadow-3b", "-f", "json", endpoint=hub_url).model("railco/meadow-3b")
    crfm = cli("score", "railco/meadow-3b", "-f", "json", "-p", "crfm", endpoint=hub_url).model("railco/meadow-3b")
    assert default["axes"]["weights"]["level"] == crfm["axes"]["weights"]["level"] == 2
    assert (default["axes"]["weights"]["verdict"], crfm["axes"]["weights"]["verdict"]) == ("partial", "open")
    osai = cli("score", "ncco/lumen-2b", "-f", "json", "-p", "osai", endpoint=hub_url)
    assert osai.json()["rubric"]["profile"] == "osai"


def test_crfm_calls_downloadable_weights_open_whatever_the_licence(hub_url):
    # non-commercial behind an automatic click-through; an unresolvable licence, no gate;
    # a community licence behind a manual approval gate
    ids = ["ncco/lumen-2b", "oddco/mystery-other", "gatedco/summit-8b"]
    doc = cli("score", *ids, "-f", "json", "-p", "crfm", endpoint=hub_url).json()
    weights = {m["repo_id"]: (m["axes"]["weights"]["level"], m["axes"]["weights"]["verdict"]) for m in doc["models"]}
    assert weights == {"ncco/lumen-2b": (1, "open"), "oddco/mystery-other": (1, "open"),
                       "gatedco/summit-8b": (1, "partial")}
    summit = next(m for m in doc["models"] if m["repo_id"] == "gatedco/summit-8b")
    assert any(r.startswith("partial under this profile:") for r in summit["axes"]["weights"]["reasons"])


def test_console_entry_point_and_hub_endpoint_from_environment(hub_url):
    run = cli_process("score", "weightsco/breeze-7b", "nobody/nothing", endpoint=hub_url)
    assert run.code == 1
    rows = {line.split()[0]: line for line in run.stdout.splitlines() if "/" in line.split(" ", 1)[0]}
    assert "open 3/4" in rows["weightsco/breeze-7b"] and "not scored: not found" in rows["nobody/nothing"]
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        "openness: nobody/nothing: no such model on the Hub (or it is private)"]


def test_unreachable_hub_is_one_line_with_its_address_and_what_to_do_not_a_traceback():
    # In-process: an exception escaping the command would exit 1 with no such line here.
    run = cli("score", "a/b", "c/d", endpoint="http://127.0.0.1:9")
    assert run.code == 1
    assert run.stdout == ""  # a table of failed rows would only repeat the line below
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("openness: could not reach the Hub at http://127.0.0.1:9 (")
    assert "for 2 models" in lines[0] and "HF_ENDPOINT" in lines[0] and "--offline" in lines[0]
    assert "Traceback" not in run.stderr


def test_version_and_help():
    run = cli("--version")
    assert run.code == 0 and run.stdout.startswith("openness ")
    helptext = cli("score", "--help").stdout
    for word in ("--format", "--details", "--profile", "org/name@revision"):
        assert word in helptext


@pytest.mark.parametrize("bad", ["THE STUB WITHOUT ITS SCHEME", "localhost:8080", "ftp://hub.example",
                                 "http://", "https://hub.example:port", "hub.example"])
def test_an_endpoint_that_is_no_http_url_exits_2_at_once(hub_url, bad, monkeypatch):
    assert cli("score", "openlab/atlas-7b", endpoint=hub_url).code == 0  # the cache is warm
    bad = hub_url.split("://", 1)[1] if bad.startswith("THE STUB") else bad
    for args in (("score", "openlab/atlas-7b", "--endpoint", bad), ("explain", "openlab/atlas-7b", "--endpoint", bad)):
        run = cli(*args)
        assert run.code == 2 and run.stdout == ""
        assert run.stderr.count("\n") == 1 and run.stderr.startswith("openness: --endpoint ")
        assert "http://" in run.stderr and "https://" in run.stderr
    monkeypatch.setenv("HF_ENDPOINT", bad)
    run = cli("score", "openlab/atlas-7b")
    assert run.code == 2 and run.stderr.startswith("openness: HF_ENDPOINT ")
    with pytest.raises(openness.errors.InvalidEndpoint):
        openness.compare(["openlab/atlas-7b"], endpoint=bad)


def test_an_unreachable_hub_is_said_once_beside_other_failures_and_in_explain(hub_url):
    import socket

    with socket.socket() as closed:  # a loopback port bound but not listening: refused at once
        closed.bind(("127.0.0.1", 0))
        address = f"http://127.0.0.1:{closed.getsockname()[1]}"
        run = cli("score", "a/b", "not an id", "c/d", "--endpoint", address)
        lines = run.stderr.splitlines()
        assert run.code == 2 and len(lines) == 2
        assert "is not a model id" in lines[1]
        assert lines[0].startswith(f"openness: could not reach the Hub at {address} (")
        assert "for 2 models" in lines[0] and "HF_ENDPOINT" in lines[0]
        assert "not an id" in run.stdout  # not every row is unreachable: the table stays
        run = cli("explain", "a/b", "--endpoint", address)
        assert run.code == 1 and run.stdout == ""
        assert run.stderr.count("\n") == 1 and "for a/b: check the network" in run.stderr
    as_json = cli("score", "nobody/nothing", "-f", "json", endpoint=hub_url)
    assert as_json.stderr == "openness: nobody/nothing: no such model on the Hub (or it is private)\n"


@pytest.mark.parametrize("command", [[], ["score"], ["explain"]])
def test_help_shows_plain_values_not_python_types(command):
    shown = cli(*command, "--help")
    assert shown.code == 0
    text = " ".join(shown.stdout.split())  # as one line: help wraps anywhere
    internal = re.compile(r"<(?:list\[)?(?:str|int|bool)\]?>|\{MODEL\}|<=x|x>=|x<=|\b(?:Format|SortKey|GroupKey|"
                          r"ExplainFormat)\b|\.table\b|\.text\b")
    assert not internal.findall(text), internal.findall(text)
    if command == ["score"]:
        assert "Usage: openness score [OPTIONS] [MODEL...]" in text and "MODEL... Model ids" in text
        assert "<table|markdown|csv|json|html>" in text and "[default: 16; 1 to 64]" in text
    if command == ["explain"]:
        assert "Usage: openness explain [OPTIONS] MODEL" in text and "[default: text]" in text
