"""The issue's archetypes under the G7, OSAID and OSAI rubrics, on real model cards served
by ../shared/hub/serve.py (skipped when it is not beside the repository)."""
from __future__ import annotations

import pytest
from helpers import cli
from test_real_cards import SERVE, real_github, real_hub  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not SERVE.is_file(), reason="../shared/hub is not beside the repository")

G7 = {
    "allenai/OLMo-7B": "open-source-open-data",
    "mistralai/Mixtral-8x7B-v0.1": "open-weights",
    "NousResearch/Llama-2-7b-chat-hf": "weights-available",
    "meta-llama/Meta-Llama-3-8B": "weights-available",
}
OSAID = {"EleutherAI/pythia-6.9b": "aligned", "allenai/OLMo-7B": "aligned", "mistralai/Mixtral-8x7B-v0.1": "not-aligned",
         "NousResearch/Llama-2-7b-chat-hf": "not-aligned", "meta-llama/Meta-Llama-3-8B": "not-aligned"}


@pytest.fixture(scope="module")
def results(real_hub):  # noqa: F811
    run = cli("score", *dict.fromkeys([*G7, *OSAID]), "-F", "g7", "-F", "osaid", "-f", "json",
              endpoint=real_hub)
    assert run.code == 0, run.stderr
    return {m["repo_id"]: m["results"] for m in run.json()["models"]}


def test_g7_archetypes(results):
    assert {repo: results[repo]["g7"]["outcome"]["value"] for repo in G7} == G7


def test_osaid_archetypes(results):
    assert {repo: results[repo]["osaid"]["outcome"]["value"] for repo in OSAID} == OSAID
