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
    run = cli("score", *dict.fromkeys([*G7, *OSAID]), "-F", "g7", "-F", "osaid", "-F", "osai", "-f", "json",
              endpoint=real_hub)
    assert run.code == 0, run.stderr
    return {m["repo_id"]: m["results"] for m in run.json()["models"]}


def test_g7_archetypes(results):
    assert {repo: results[repo]["g7"]["outcome"]["value"] for repo in G7} == G7


def test_osaid_archetypes(results):
    assert {repo: results[repo]["osaid"]["outcome"]["value"] for repo in OSAID} == OSAID


def test_osai_tells_a_fine_tunes_base_from_its_own_stage(real_hub):  # noqa: F811
    """zephyr-7b-beta: its own fine-tuning data is open, its base Mistral-7B's data is not
    (the index's own rating of Zephyr reads the same way)."""
    run = cli("score", "HuggingFaceH4/zephyr-7b-beta", "-F", "osai", "-f", "json", endpoint=real_hub)
    dims = {k: v["verdict"] for k, v in run.json()["models"][0]["results"]["osai"]["dimensions"].items()}
    assert dims["datasources_basemodel"] == "closed" and dims["datasources_endmodel"] == "open"
    assert dims["weights_basemodel"] == "open" and dims["trainingcode"] == "partial"


def test_osai_keeps_click_through_weights_partial(results):
    assert results["mistralai/Mixtral-8x7B-v0.1"]["osai"]["dimensions"]["weights_endmodel"]["verdict"] == "partial"
    assert results["allenai/OLMo-7B"]["osai"]["outcome"]["value"] == "open"


def test_osai_package_on_real_cards(results):
    """OLMo's card installs ai2-olmo, its own package; Llama 2's names code that runs it only."""
    package = {repo: results[repo]["osai"]["dimensions"]["package"]["verdict"] for repo in results}
    assert package["allenai/OLMo-7B"] == "open"
    assert package["NousResearch/Llama-2-7b-chat-hf"] == package["mistralai/Mixtral-8x7B-v0.1"] == "partial"


def test_osai_documentation_on_real_cards(results):
    dims = {repo: {k: v["verdict"] for k, v in results[repo]["osai"]["dimensions"].items()} for repo in results}
    assert [dims["allenai/OLMo-7B"][k] for k in ("preprint", "modelcard", "datasheet")] == ["open"] * 3
    assert [dims["mistralai/Mixtral-8x7B-v0.1"][k] for k in ("modelcard", "datasheet")] == ["partial", "closed"]
