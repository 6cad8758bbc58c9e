"""`openness explain`: from each evidence item to its signal, its rubric condition and the level."""
from __future__ import annotations

import re

from helpers import cli


def explain(model: str, hub_url: str, *extra: str):
    return cli("explain", model, "--endpoint", hub_url, *extra)


def test_every_axis_shows_its_levels_conditions_signals_and_evidence(hub_url):
    run = explain("openlab/atlas-7b", hub_url)
    assert run.code == 0, run.stderr
    text = run.stdout
    for axis in ("weights", "data", "code"):
        assert re.search(rf"^== {axis}: open \(level [34] of 4\) ==$", text, re.MULTILINE), axis
    assert re.search(r"^    met     open_licence: license\.class = A \(needs one of A, B\)$", text, re.MULTILINE)
    assert re.search(r"^            <- \[high\] cardData\.license: declares apache-2\.0", text, re.MULTILINE)
    assert re.search(r"<- \[medium\] README\.md line \d+: ", text)
    assert text.count("word: level") == 3


def test_an_unmet_condition_says_why_and_the_level_above_is_named(hub_url):
    text = explain("lineage/chat-ft", hub_url).stdout
    assert "NOT met" in text and "because " in text
    assert re.search(r"^  not level \d: ", text, re.MULTILINE)


def test_a_derived_model_shows_how_its_parents_changed_the_verdict(hub_url):
    text = explain("lineage/chat-ft", hub_url).stdout
    assert "lineage: the model's own card gives level" in text
    assert "finetune parent lineage/base-closed" in text


def test_the_profile_names_the_word(hub_url):
    text = explain("openlab/atlas-7b", hub_url, "--profile", "osi").stdout
    assert "under profile osi" in text


def test_a_model_that_cannot_be_scored_exits_1_and_says_why(hub_url):
    run = explain("nobody/nothing-here", hub_url)
    assert run.code == 1 and "could not be scored" in run.stdout


def test_a_bad_id_or_profile_is_a_usage_error(hub_url):
    assert explain("not an id", hub_url).code == 2
    assert explain("openlab/atlas-7b", hub_url, "--profile", "nope").code == 2


def test_the_word_is_the_verdict_when_the_profile_keeps_it_partial(hub_url):
    run = explain("gatedco/summit-8b", hub_url, "--profile", "crfm")
    assert "== weights: partial (level 1 of 4) ==" in run.stdout
    assert "word: level 1 is 'partial' under profile crfm" in run.stdout
    assert "partial under this profile: " in run.stdout


def test_explain_offline_reads_only_the_cache(hub_url, hub):
    assert cli("score", "railco/meadow-3b", "--no-repos", endpoint=hub_url).code == 0
    online = explain("railco/meadow-3b", hub_url, "--no-repos").stdout
    before = hub.stats["total"]
    run = explain("railco/meadow-3b", hub_url, "--offline", "--no-repos")
    assert run.code == 0 and run.stdout == online
    missing = explain("openlab/atlas-7b", hub_url, "--offline", "--no-repos")
    assert missing.code == 1 and "openlab/atlas-7b" in missing.stderr
    assert hub.stats["total"] == before  # no request to the Hub


def test_explain_as_json_has_the_steps_of_the_text(hub_url):
    import json

    text = explain("lineage/chat-ft", hub_url).stdout
    run = explain("lineage/chat-ft", hub_url, "--format", "json")
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["schema_version"] == 2 and doc["rubric"]["profile"] == "default"
    assert doc["model"]["repo_id"] == "lineage/chat-ft" and set(doc["axes"]) == {"weights", "data", "code"}
    conditions = [c for axis in doc["axes"].values() for level in axis["levels"] for c in level["conditions"]]
    assert sum(not c["met"] for c in conditions) == text.count("NOT met") > 0
    assert sum(c["met"] for c in conditions) == text.count("  met     ")
    for name, axis in doc["axes"].items():
        assert axis["verdict"] == doc["model"]["axes"][name]["verdict"]
        assert [lv["reached"] for lv in axis["levels"]][-1] and axis["levels"][-1]["level"] == axis["own"]["level"]
        assert f"== {name}: {axis['verdict']} (level {axis['level']} of 4) ==" in text
    assert all(0 <= i < len(doc["evidence"]) for c in conditions for i in c["evidence"])
    assert any(axis["changed_by_parents"] and axis["final_reasons"] for axis in doc["axes"].values())


def test_explain_as_json_of_a_model_that_cannot_be_scored(hub_url):
    import json

    run = explain("nobody/nothing-here", hub_url, "-f", "json")
    assert run.code == 1 and run.stderr.count("\n") == 1
    doc = json.loads(run.stdout)
    assert doc["model"]["status"] == "error" and doc["model"]["error"]["kind"] == "not_found"
    assert doc["axes"] == {} and doc["evidence"] == []
