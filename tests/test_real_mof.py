"""The MOF class on real cards (the stand-in Hub over ../shared's snapshot; skipped when it
is not beside the repository): the archetype, and agreement with the classes the Model
Openness Tool records (benchmarks/mof-agreement.md explains each disagreement)."""
from __future__ import annotations

import csv

import pytest
from helpers import cli
from test_real_cards import SERVE, SHARED, _serve

CLASSES = SHARED / "eval" / "mot-classes.csv"
pytestmark = pytest.mark.skipif(not SERVE.is_file() or not CLASSES.is_file(),
                                reason="../shared/hub or ../shared/eval is not beside the repository")


@pytest.fixture(scope="module")
def real_hub(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("hub"))


@pytest.fixture(scope="module")
def mot_rows():
    return list(csv.DictReader(CLASSES.open(encoding="utf-8")))


@pytest.fixture(scope="module")
def scored(real_hub, mot_rows):
    run = cli("score", *(r["repo_id"] for r in mot_rows), "--framework", "mof", "--no-repos", "-f", "json",
              endpoint=real_hub)
    assert run.code == 0, run.stderr
    return {m["repo_id"]: m for m in run.json()["models"]}


def test_olmo_7b_is_class_i_with_every_component_included(scored):
    result = scored["allenai/OLMo-7B"]["results"]["mof"]
    assert result["outcome"]["value"] == "I"
    assert all(f["outcome"] == "met" for f in result["dimensions"]["class"]["findings"][:14])


def test_the_class_agrees_with_the_mot_on_at_least_nine_models_in_ten(scored, mot_rows):
    got = {repo: model["results"]["mof"]["outcome"]["value"] for repo, model in scored.items()}
    disagree = {r["repo_id"]: (r["mof_class"], got[r["repo_id"]]) for r in mot_rows if got[r["repo_id"]] != r["mof_class"]}
    assert len(disagree) <= len(mot_rows) // 10, disagree
