"""How the card's own words place code links: notebooks, data pages, codebase tags and fields."""
from __future__ import annotations

from openness.evidence import extract_evidence
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary

VOCAB = load_vocabulary()
LICENCES = load_licences()


def found(card: str, tags: tuple[str, ...] = ()):
    snap = ModelSnapshot(repo_id="acme/widget", sha="0" * 40, tags=list(tags), siblings=["README.md"],
                         card=CardFile(status="ok", text=card))
    return extract_evidence(snap, VOCAB, LICENCES)


def kinds(card: str, tags: tuple[str, ...] = ()) -> dict[str, str]:
    return {link.repo: link.kind for link in found(card, tags).code.links}


def test_a_fine_tuning_notebook_is_a_guide_for_users():
    card = "# W\n\nOur fine-tuning recipe: [notebook](https://github.com/acme/tools/blob/main/finetune.ipynb).\n"
    assert kinds(card) == {"acme/tools": "inference"}
    assert found(card).signals["code.finetune"] == 0


def test_the_same_recipe_as_a_script_is_fine_tuning_code():
    card = "# W\n\nOur fine-tuning recipe: [script](https://github.com/acme/tools/blob/main/finetune.py).\n"
    assert kinds(card) == {"acme/tools": "finetune"}


def test_a_github_page_that_is_the_object_of_trained_on_is_data_not_code():
    card = "# W\n\nThe model was trained on [the Widget corpus](https://github.com/acme/widget-corpus) for 3 epochs.\n"
    result = found(card)
    assert result.code.links == [] and result.code.lookups() == []
    assert any(e.signal == "code.not_code" for e in result.evidence)


def test_a_training_codebase_in_the_hub_tags_is_stage_code_only():
    # RUBRIC.md: a framework the model was trained with, without its recipe, is C2.
    signals = found("# W\n\nA chat model.\n", tags=("axolotl", "license:mit")).signals
    assert signals["code.finetune"] == 1 and signals["code.training"] == 0


def test_a_general_library_in_the_tags_is_no_code_of_the_model():
    signals = found("# W\n\nA chat model.\n", tags=("transformers", "trl", "generated_from_trainer")).signals
    assert signals["code.some_stage"] == 0


def test_a_codebase_field_presents_the_models_own_repository():
    links = found("# W\n\n- Codebase: https://github.com/acme/engine\n").code.links
    assert [(link.repo, link.own) for link in links] == [("acme/engine", True)]


def test_a_link_written_github_in_a_header_row_is_the_models_own():
    links = found("# W\n\n[Paper](https://arxiv.org/abs/2401.00001) | [GitHub](https://github.com/acme/engine)\n").code.links
    assert [(link.repo, link.own) for link in links] == [("acme/engine", True)]


def test_a_thanked_repository_is_not_the_models_own():
    links = found("# W\n\nWe thank [engine](https://github.com/other/engine) for its help.\n").code.links
    assert [(link.repo, link.own) for link in links] == [("other/engine", False)]


def test_a_known_codebase_given_as_the_models_codebase_trained_it():
    card = "# W\n\n* [Codebase (acme/llm-foundry repo)](https://github.com/acme/llm-foundry/)\n"
    assert kinds(card) == {"acme/llm-foundry": "training"}


def test_the_same_codebase_only_named_is_not_the_models_code():
    card = "# W\n\nSee also [llm-foundry](https://github.com/acme/llm-foundry/), a nice project.\n"
    assert kinds(card) == {"acme/llm-foundry": "framework"}


def test_trained_on_a_format_is_not_a_data_page():
    card = "# W\n\nThe model was trained on our [response format](https://github.com/acme/format) only.\n"
    result = found(card)
    assert not any(e.signal == "code.not_code" for e in result.evidence)
    assert [link.repo for link in result.code.links] == ["acme/format"]
    assert not any("project page" in e.detail for e in result.evidence)


def test_a_repository_linked_once_as_training_data_is_data_wherever_else_it_stands():
    card = ("# W\n\nW was finetuned on a mixture of [Chats](https://github.com/acme/chats).\n\n"
            "## Training\n\nW was finetuned on 150M tokens from [Chats](https://github.com/acme/chats).\n")
    result = found(card)
    assert result.code.links == [] and result.code.lookups() == []
    assert result.signals["code.finetune"] == 0


def test_instructions_to_fine_tune_are_a_guide_for_users():
    card = ("# W\n\nTo train a full finetune on your cluster, follow the instructions here: "
            "[guide](https://github.com/acme/finetune-guide).\n")
    assert kinds(card) == {"acme/finetune-guide": "inference"}
