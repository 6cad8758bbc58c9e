"""The issue's EU AI Act archetypes on real model cards, served by ../shared/hub/serve.py
(skipped when it is not beside the repository, as in tests/test_real_cards.py)."""
from __future__ import annotations

import pytest

from helpers import cli
from test_real_cards import SERVE, _serve

pytestmark = pytest.mark.skipif(not SERVE.is_file(), reason="../shared/hub is not beside the repository")

MODELS = ["NousResearch/Llama-2-7b-chat-hf", "meta-llama/Meta-Llama-3-8B", "CohereForAI/c4ai-command-r-plus",
          "EleutherAI/pythia-6.9b", "allenai/OLMo-7B", "Qwen/Qwen2-7B"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    for url in _serve(tmp_path_factory.mktemp("eu-hub")):
        # One run: the CSV column is the JSON outcome's value (tests/test_rubric_files.py checks that)
        doc = cli("score", *MODELS, "-F", "eu-ai-act", "--no-repos", "-f", "json", endpoint=url).json()
        found = {m["repo_id"]: m["results"]["eu-ai-act"] for m in doc["models"]}
        yield found, {model: result["outcome"]["value"] for model, result in found.items()}


def _finding(result, name):
    return next(f for f in result["dimensions"]["exemption"]["findings"] if f["condition"] == name)


def test_llama_models_are_exemption_not_available_for_their_use_restricted_licence(results):
    found, codes = results
    for model in MODELS[:2]:
        assert codes[model] == "not-available"
        assert _finding(found[model], "licence_free_open")["outcome"] == "not_met"
        assert "class D" in _finding(found[model], "licence_free_open")["message"]


def test_a_non_commercial_model_fails_the_licence_condition(results):
    found, codes = results
    licence = _finding(found["CohereForAI/c4ai-command-r-plus"], "licence_free_open")
    assert licence["outcome"] == "not_met" and "class E" in licence["message"]
    assert codes["CohereForAI/c4ai-command-r-plus"] == "not-available"


def test_unknown_tokens_leave_systemic_risk_unknown_and_the_outcome_undetermined(results):
    found, codes = results
    assert _finding(found["Qwen/Qwen2-7B"], "not_systemic_risk")["outcome"] == "unknown"
    assert _finding(found["Qwen/Qwen2-7B"], "licence_free_open")["outcome"] == "met"
    assert codes["Qwen/Qwen2-7B"] == "undetermined"


def test_open_models_stating_parameters_and_tokens_are_exemption_likely(results):
    found, codes = results
    for model in ("EleutherAI/pythia-6.9b", "allenai/OLMo-7B"):
        assert codes[model] == "likely", model
        assert _finding(found[model], "not_systemic_risk")["outcome"] == "met"
    assert "6.44B parameters x 300B tokens" in _finding(found["EleutherAI/pythia-6.9b"], "not_systemic_risk")["message"]
    assert "7B parameters x 2.5T tokens" in _finding(found["allenai/OLMo-7B"], "not_systemic_risk")["message"]
    assert found["allenai/OLMo-7B"]["dimensions"]["scope"]["findings"][1]["outcome"] == "met"  # over 10^23
