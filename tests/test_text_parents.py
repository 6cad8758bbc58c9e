"""Parents named only in the card text (RUBRIC.md, "Derived models"): read, resolved, never guessed.

Every card here is invented for the test. `parents()` runs the real extractor over a
synthetic snapshot, so metadata, the words in rubrics/vocabulary.yaml and the resolution
of names are exercised together.
"""
from __future__ import annotations

import unicodedata

import pytest

from openness.evidence import extract_evidence
from openness.evidence import lineage as lineage_module
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary

VOCAB = load_vocabulary()
LICENCES = load_licences()
ME = "acme/widget-7b-chat"


def snapshot(card: str, *, card_data=None, tags=(), siblings=("README.md", "model.safetensors"),
             repo_id: str = ME) -> ModelSnapshot:
    return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data=card_data or {"license": "mit"},
                         tags=list(tags), siblings=list(siblings), card=CardFile(status="ok", text=card))


def parents(card: str, **kw):
    return list(extract_evidence(snapshot(card, **kw), VOCAB, LICENCES).parents)


def ids(card: str, **kw) -> list[tuple[str, str]]:
    return [(p.repo_id, p.relation) for p in parents(card, **kw)]


# ---- the shapes a card names its parent in -----------------------------------------------

def test_template_field_with_a_hub_link_is_a_parent_at_medium_strength():
    card = ("# Widget chat\n\n## Model Details\n\n- **Developed by:** Acme\n"
            "- **Finetuned from model:** [zeta/base-7b](https://huggingface.co/zeta/base-7b)\n")
    [parent] = parents(card)
    assert (parent.repo_id, parent.relation) == ("zeta/base-7b", "finetune")
    assert parent.source == "README.md line 6" and parent.strength == "medium"
    assert parent.unresolved is None
    assert "Finetuned from model" in parent.relation_source


def test_template_placeholder_is_no_parent():
    card = "# W\n\n## Model Details\n\n- **Finetuned from model [optional]:** More Information Needed\n"
    assert parents(card) == []


def test_trainer_sentence_names_the_parent_and_its_relation():
    card = "# W\n\nThis model is a fine-tuned version of [zeta/base-7b](https://huggingface.co/zeta/base-7b) on chats.\n"
    assert ids(card) == [("zeta/base-7b", "finetune")]
    assert "fine-tuned version of zeta/base-7b" in parents(card)[0].relation_source


def test_base_model_badge_names_the_parent():
    card = ("# W\n\n[![Base model](https://img.shields.io/badge/base-x-blue)](https://huggingface.co/zeta/base-7b) "
            "[![Data](https://img.shields.io/badge/d-y-red)](https://huggingface.co/datasets/zeta/sft)\n")
    assert ids(card) == [("zeta/base-7b", "finetune")]


@pytest.mark.parametrize(("sentence", "relation"), [
    ("Our model is distilled from zeta/teacher-70b with a progressive loss.", "finetune"),
    ("These weights are a delta against zeta/teacher-70b: add them back to use the model.", "finetune"),
    ("We publish the weight diff against zeta/teacher-70b only.", "finetune"),
    ("This repo is a quantized version of [zeta/teacher-70b](https://huggingface.co/zeta/teacher-70b).", "quantized"),
    ("This is a chat model finetuned on top of [zeta/teacher-70b](https://hf.co/zeta/teacher-70b).", "finetune"),
])
def test_words_give_the_relation(sentence, relation):
    assert ids(f"# W\n\n{sentence}\n") == [("zeta/teacher-70b", relation)]


def test_a_merge_of_several_models_names_each_parent():
    card = "# W\n\nWidget is a merge of zeta/a-7b, zeta/b-7b and omega/c-7b made with a slerp recipe.\n"
    assert ids(card) == [("zeta/a-7b", "merge"), ("zeta/b-7b", "merge"), ("omega/c-7b", "merge")]


def test_a_model_built_on_two_bases_is_no_merge():
    card = ("# W\n\n## License\n\nThe model is built on top of two pre-trained models: "
            "[zeta/vision-enc](https://huggingface.co/zeta/vision-enc) and "
            "[omega/text-7b](https://huggingface.co/omega/text-7b). Both are Apache 2.0.\n")
    assert ids(card) == [("zeta/vision-enc", "finetune"), ("omega/text-7b", "finetune")]


def test_relation_stated_in_metadata_wins_over_the_words():
    card = "# W\n\nA fine-tuned version of zeta/base-7b.\n"
    assert ids(card, card_data={"license": "mit", "base_model_relation": "adapter"}) == [("zeta/base-7b", "adapter")]


def test_declared_parent_makes_the_text_unread():
    card = "# W\n\nA fine-tuned version of zeta/other-7b.\n"
    assert ids(card, card_data={"license": "mit", "base_model": "zeta/base-7b"}) == [("zeta/base-7b", "finetune")]


# ---- what is not a parent ------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Widget is an auto-regressive language model based on the LLaMA transformer architecture.",
    "Widget is based on the Transformer architecture of zeta/base-7b.",
    "Layer normalisation is based on [RMSNorm](https://arxiv.org/abs/1910.07467).",
    "Widget was fine-tuned from scratch on our own corpus.",
    "You can find the quantized version of Widget here: zeta/widget-4bit.",
    "A fine-tuned version of [our data](https://huggingface.co/datasets/zeta/sft-data).",
])
def test_words_that_name_no_parent(sentence):
    assert parents(f"# W\n\n{sentence}\n") == []


def test_news_and_sibling_lists_speak_of_other_models():
    card = ("# W\n\n## News\n\n- We released Gizmo-33B, fine-tuned from zeta/big-33b.\n\n"
            "## Models\n\n* **Widget-7B-instruct**: further trained from Widget-7B-mono.\n\n"
            "## Model description\n\n* **Widget-7B-python**: further trained from zeta/py-7b on Python.\n")
    assert parents(card) == []


def test_a_parent_named_in_a_later_section_that_is_not_model_details_is_not_read():
    filler = "".join(f"Paragraph {i} about the widget.\n\n" for i in range(12))
    card = f"# W\n\n{filler}## Limitations\n\nThis is a fine-tuned version of zeta/base-7b.\n"
    assert parents(card) == []


def test_the_model_itself_is_passed_over_for_the_next_statement():
    card = (f"# W\n\nThis model is a fine-tuned version of [{ME}](https://huggingface.co/{ME}).\n\n"
            "It was fine-tuned from widget-7b-chat by Acme.\n\n"
            "The chat model is a fine-tuned version of zeta/base-7b.\n")
    assert ids(card) == [("zeta/base-7b", "finetune")]


# ---- resolving a bare name -----------------------------------------------------------------

def test_bare_name_is_pinned_to_the_one_repo_of_that_name_the_card_links():
    card = ("# W\n\nBased on `pythia-1b`, Widget was trained on chats.\n\n"
            "## Model Overview\n\nDerived from [Pythia](https://huggingface.co/ZetaAI/pythia-1b).\n")
    assert ids(card) == [("ZetaAI/pythia-1b", "finetune")]


def test_bare_name_in_a_strong_phrase_is_pinned_case_blind():
    card = "# W\n\nWidget was fine-tuned from Pythia-1B. See https://huggingface.co/ZetaAI/pythia-1b for the base.\n"
    assert ids(card) == [("ZetaAI/pythia-1b", "finetune")]


def test_bare_name_that_cannot_be_pinned_stays_unresolved_with_the_reason():
    [parent] = parents("# W\n\nThese weights are a delta against LLaMA 13B. Apply them to the original.\n")
    assert parent.repo_id == "LLaMA 13B" and parent.relation == "finetune"
    assert parent.unresolved == 'was named only as "LLaMA 13B" in the card text and could not be pinned to a Hub repo'


def test_bare_name_with_two_repos_of_that_name_is_not_guessed():
    card = ("# W\n\nWidget was fine-tuned from Base-7B.\n\nSee https://huggingface.co/zeta/base-7b and "
            "https://huggingface.co/omega/base-7b.\n")
    [parent] = parents(card)
    assert parent.repo_id == "Base-7B" and "the card links 2 repos of that name" in (parent.unresolved or "")


def test_an_exact_org_name_is_used_as_written_without_a_link():
    assert ids("# W\n\nWidget was fine-tuned from omega/Base-7B-v2 on chats.\n") == [("omega/Base-7B-v2", "finetune")]


def test_a_loose_phrase_needs_a_pinned_name():
    assert parents("# W\n\nWidget is based on `Base-7B` with a new head.\n") == []


def test_the_evidence_says_the_parent_was_named_in_the_text():
    found = extract_evidence(snapshot("# W\n\nA fine-tuned version of LLaMA.\n"), VOCAB, LICENCES)
    [item] = [e for e in found.evidence if e.signal == "lineage.parent"]
    assert (item.source, item.strength) == ("README.md line 3", "medium")
    assert 'named only as "LLaMA"' in item.detail


# ---- hostile text --------------------------------------------------------------------------

def test_a_card_naming_a_parent_thousands_of_times_is_read_in_linear_work(monkeypatch):
    calls = []
    real = lineage_module._name_at

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(lineage_module, "_name_at", counting)

    def work(repeats: int) -> int:
        calls.clear()
        line = f"This is a fine-tuned version of [{ME}](https://huggingface.co/{ME}). "
        card = "# W\n\n## Model Details\n\n" + line * repeats + "\n"
        assert parents(card) == []  # only the model itself is named: nothing to follow
        return len(calls)

    small, large = work(300), work(3_000)
    assert small >= 300
    assert large <= 10 * small + 10  # ten times the text, at most ten times the work


def test_a_long_run_of_phrases_without_names_finds_nothing():
    card = "# W\n\n" + "fine-tuned from " * 5_000 + "\n\n" + "based on [" * 5_000 + "\n"
    assert parents(card) == []


def test_control_characters_never_reach_a_parent_name():
    card = "# W\n\nA fine-tuned version of [Ev\x1bil\x07 Base\u200b-7B\x00](https://example.com/x).\n"
    [parent] = parents(card)
    assert not any(unicodedata.category(c)[0] == "C" for c in parent.repo_id + parent.relation_source)
    assert parent.unresolved and "Base" in parent.repo_id


def test_a_text_parent_that_is_the_model_itself_is_ignored():
    assert parents(f"# W\n\nA fine-tuned version of {ME}.\n") == []
    assert parents("# W\n\nA fine-tuned version of `Widget-7B-Chat`.\n") == []


# ---- a weight edit without training ------------------------------------------------------

def edit_signal(card: str, **kw) -> bool:
    return extract_evidence(snapshot(card, **kw), VOCAB, LICENCES).signals["lineage.weight_edit"]


def test_an_abliterated_model_says_so_and_names_its_parent():
    card = "# W\n\nThis model is an abliterated version of [zeta/base-7b](https://huggingface.co/zeta/base-7b).\n"
    assert edit_signal(card) is True
    assert ids(card) == [("zeta/base-7b", "finetune")]


@pytest.mark.parametrize(("card", "kw"), [
    ("# W\n\nA chat model.\n", {"tags": ["abliterated"]}),
    ("# W\n\nA chat model.\n", {"repo_id": "acme/widget-7b-abliterated"}),
    ("# W\n\nWe pruned half of the layers of zeta/base-7b without any retraining.\n", {}),
])
def test_weight_edit_from_tags_name_or_statement(card, kw):
    assert edit_signal(card, **kw) is True


@pytest.mark.parametrize("card", [
    "# W\n\nAn abliterated version of this model is also available at acme/widget-abl.\n",
    "# W\n\nThe model was pruned and then retrained on 90B tokens with distillation.\n",
    "# W\n\n## Usage\n\nThis model is an abliterated version of zeta/base-7b.\n",
])
def test_words_that_do_not_make_this_model_a_weight_edit(card):
    assert edit_signal(card) is False


def test_a_huge_heading_over_many_lines_is_matched_once(monkeypatch):
    searched = []
    compiled = VOCAB.lineage.text_parents.compiled

    class Counting:
        def __init__(self, regex):
            self.regex = regex

        def search(self, text, *args):
            searched.append(len(text))
            return self.regex.search(text, *args)

    monkeypatch.setitem(compiled, "skip_sections", Counting(compiled["skip_sections"]))
    monkeypatch.setitem(compiled, "sections", Counting(compiled["sections"]))
    def work(lines: int) -> int:
        searched.clear()
        card = "# " + "Model details " * 5_000 + "\n\n" + "A line about the widget.\n" * lines
        assert parents(card) == []
        return sum(searched)

    assert work(100) == work(2_000) > 0  # the title is matched per reading, not per line under it


def test_is_a_fine_tuned_linked_model_names_the_parent():
    card = "# Widget\n\nWidget is a fine-tuned [Base-7B](https://huggingface.co/org/Base-7B) language model.\n"
    assert ids(card) == [("org/Base-7B", "finetune")]


def test_is_a_fine_tuned_chat_model_names_no_parent():
    assert ids("# Widget\n\nWidget is a fine-tuned chat model for support desks.\n") == []


def test_finetuned_from_weights_field_names_the_parent():
    card = "# Widget\n\n- **Finetuned from weights:** [Base-7B](https://huggingface.co/org/Base-7B)\n"
    assert ids(card) == [("org/Base-7B", "finetune")]
