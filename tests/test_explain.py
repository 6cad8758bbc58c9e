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
