"""Evidence extraction: pure functions over a snapshot, checked on small synthetic cards."""
from __future__ import annotations

from openness.evidence import extract_evidence
from openness.evidence.card import parse_card
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary

VOCAB = load_vocabulary()
LICENCES = load_licences()


def snapshot(card: str | None, *, siblings=("README.md", "model.safetensors"), card_data=None,
             tags=(), gated=False, library_name=None) -> ModelSnapshot:
    status = "ok" if card is not None else "absent"
    return ModelSnapshot(repo_id="t/m", sha="0" * 40, gated=gated, card_data=card_data or {},
                         tags=list(tags), siblings=list(siblings), library_name=library_name,
                         card=CardFile(status=status, text=card))


def signals_of(card: str | None, **kw):
    return extract_evidence(snapshot(card, **kw), VOCAB, LICENCES).signals


def evidence_of(card: str | None, **kw):
    return extract_evidence(snapshot(card, **kw), VOCAB, LICENCES).evidence


def test_card_parser_skips_front_matter_and_code_and_numbers_lines():
    text = "---\nlicense: mit\n---\n# Title\n\n```\n# not a heading https://github.com/a/b\n```\n## Data\nsee https://x.org/y\n"
    card = parse_card(text)
    assert [(s.title, s.first) for s in card.sections] == [("Title", 4), ("Data", 9)]
    assert [(link.url, link.line.number) for link in card.links] == [("https://x.org/y", 10)]


def test_weight_files_by_kind_and_trainer_files_excluded():
    sig = signals_of(None, siblings=["a.safetensors", "b.gguf", "training_args.bin", "optimizer.pt", "x.json"])
    assert sig["weights.files"] == 2
    assert sig["weights.kinds"] == "gguf, safetensors"
    assert sig["weights.training_state"] is True  # optimizer state published


def test_adapter_only_repo():
    sig = signals_of(None, siblings=["adapter_config.json", "adapter_model.safetensors"])
    assert sig["weights.files"] == 1 and sig["weights.adapter_only"] is True


def test_datasets_from_metadata_tags_and_links_deduplicated():
    card = "## Training data\nWe used [it](https://huggingface.co/datasets/Org/Set) and more.\n"
    sig = signals_of(card, card_data={"datasets": ["org/set", 7, "other/one"]}, tags=["dataset:tag/only"])
    assert sig["data.datasets"] == 3
    assert sig["data.dataset_ids"] == "org/set, other/one, tag/only"


def test_generic_data_phrase_is_not_disclosure():
    card = "# M\n\nThe model was trained on a mix of publicly available online data.\n"
    sig = signals_of(card)
    assert sig["data.described"] is False and sig["data.identified_count"] == 0
    assert sig["data.unreleased"] == 1
    assert any("generic phrase" in e.detail for e in evidence_of(card))


def test_named_corpora_public_and_not():
    card = "## Training Data\nWe trained on the Pile and WebText, deduplicated with MinHash.\n"
    sig = signals_of(card)
    assert sig["data.public_corpora"] == 1 and sig["data.unreleased"] == 1
    assert sig["data.section"] is True and sig["data.processing"] is True


def test_code_links_classified_by_the_words_around_them():
    card = "\n".join([
        "# M",
        "- Training code and configs: https://github.com/lab/train-it",
        "- Run inference with https://github.com/lab/serve-it",
        "- Evaluation harness: https://gitlab.com/lab/eval-it",
        "- Built with https://github.com/pytorch/pytorch",
        "- Fine-tuning recipe: https://github.com/lab/recipes",
        "- Mirror of training code https://github.com/lab/train-it/tree/main",
    ])
    sig = signals_of(card)
    assert sig["code.training"] == 1 and sig["code.training_links"] == "lab/train-it"
    assert sig["code.evaluation"] == 1 and sig["code.finetune"] == 1
    assert any(e.signal == "code.frameworks" and "pytorch/pytorch" in e.detail for e in evidence_of(card))


def test_training_script_in_repo_and_library_integration():
    sig = signals_of(None, siblings=["train_lora.py", "modeling_m.py", "m.safetensors"], library_name="transformers")
    assert sig["code.finetune"] == 1
    assert sig["code.inference"] >= 2


def test_checkpoint_announcement_is_low_strength_evidence():
    card = "# M\n\nIntermediate checkpoints are available as branches.\n"
    items = [e for e in evidence_of(card) if e.signal == "weights.training_state"]
    assert items and items[0].strength == "low" and items[0].source == "README.md line 3"


def test_every_evidence_item_points_somewhere_checkable():
    card = "## Training data\nThe Pile. Code: https://github.com/a/b training code\n"
    for item in evidence_of(card, card_data={"license": "mit", "datasets": ["a/b"]}):
        assert item.source and item.detail
        assert item.source.split(" ")[0] in {"cardData.license", "cardData.datasets", "gated", "siblings",
                                              "README.md", "tags", "library_name"}


def parents_of(**kw):
    return [(p.repo_id, p.relation, p.relation_source)
            for p in extract_evidence(snapshot(None, **kw), VOCAB, LICENCES).parents]


def test_parent_relation_stated_in_card_wins():
    assert parents_of(card_data={"base_model": "a/b", "base_model_relation": "quantized"}) == [
        ("a/b", "quantized", "cardData.base_model_relation")]


def test_parent_relation_from_hub_field_and_tags():
    assert parents_of(card_data={"base_model": "a/b"}, tags=["base_model:finetune:a/b"]) == [
        ("a/b", "finetune", "tags")]


def test_parent_relation_inferred_like_the_hub():
    assert parents_of(card_data={"base_model": ["a/b", "c/d"]})[0][1:] == ("merge", "inferred (several parents)")
    assert parents_of(card_data={"base_model": "a/b"}, siblings=["adapter_model.safetensors"])[0][1] == "adapter"
    assert parents_of(card_data={"base_model": "a/b"}, siblings=["m.Q4_K_M.gguf"])[0][1] == "quantized"
    assert parents_of(card_data={"base_model": "a/b"})[0][1] == "finetune"


def test_parents_tolerate_wrong_types():
    assert parents_of(card_data={"base_model": [1, 2, None]}) == []
    assert parents_of(card_data={"base_model": {"x": 1}}) == []


def code_evidence(card: str):
    return {(e.signal, e.detail.split(":")[0]) for e in evidence_of(card) if e.signal.startswith("code.")}


def test_a_known_framework_the_card_says_trained_the_model_is_training_code():
    card = "# M\n\nThe model was trained on our corpus using the\n[Neo library](https://github.com/lab/gpt-neox). It is fast.\n"
    sig = signals_of(card)
    assert sig["code.training"] == 1 and sig["code.training_links"] == "lab/gpt-neox"


def test_a_known_framework_only_named_is_not_this_models_code():
    sig = signals_of("# M\n\n- Library: [Neo](https://github.com/lab/gpt-neox)\n")
    assert sig["code.training"] == 0 and sig["code.inference"] == 0
    assert ("code.frameworks", "lab/gpt-neox") in code_evidence("# M\n\n- Library: [Neo](https://github.com/lab/gpt-neox)\n")


def test_a_framework_under_a_training_heading_counts():
    card = "# Training\n## Software\n- Orchestration: [MD](https://github.com/fork/Megatron-DeepSpeed)\n"
    assert signals_of(card)["code.training_links"] == "fork/Megatron-DeepSpeed"


def test_a_fine_tuning_codebase_as_the_cards_repository_is_stage_code():
    card = "### Model Sources\n- **Repository:** https://github.com/lab/alignment-handbook\n"
    sig = signals_of(card)
    assert sig["code.finetune"] == 1 and sig["code.training"] == 0


def test_a_pretraining_framework_used_for_a_preference_step_is_stage_code():
    card = "# M\n\nWe then aligned the model with a DPO trainer built on [kit](https://github.com/lab/EasyLM).\n"
    sig = signals_of(card)
    assert sig["code.finetune"] == 1 and sig["code.training"] == 0


def test_fine_tuning_offered_to_users_is_usage_code():
    card = "\n".join([
        "## Fine-tuning",
        "You can fine-tune the model on your own data with [scripts](https://github.com/lab/tune).",
        "Tools such as [LF](https://github.com/x/LLaMA-Factory) offer fine-tuning frameworks.",
    ])
    sig = signals_of(card)
    assert sig["code.finetune"] == 0 and sig["code.training"] == 0 and sig["code.inference"] == 1


def test_recipes_for_using_the_model_are_not_a_training_recipe():
    card = ("# M\n\nFeedback goes to the [README](https://github.com/lab/models). For recipes on how to use "
            "the model in applications, go [here](https://github.com/lab/recipes).\n")
    sig = signals_of(card)
    assert sig["code.finetune"] == 0 and sig["code.inference"] == 2


def test_reproducible_environments_are_not_reproducing_training():
    card = "# Env\n\nUse [lock](https://github.com/o/lock) to get reproducible lock files for environments.\n"
    assert signals_of(card)["code.training"] == 0


def test_pictures_and_data_files_on_code_hosts_are_not_code():
    card = "\n".join([
        "# M",
        "![banner](https://github.com/lab/train-it/blob/main/banner.png?raw=true)",
        "Training code: see the [list of domains](https://github.com/lab/train-it/blob/master/domains.txt).",
        "Our [records](https://github.com/lab/train-it/tree/master/data) are public.",
    ])
    assert signals_of(card)["code.inference"] == 0


def test_dataset_links_by_their_words_and_files():
    card = "\n".join([
        "# M",
        "- Pretraining [Data](https://hf.co/datasets/lab/pre-mix) and [Logs](https://x.org/l).",
        "- [Benchmark](https://huggingface.co/datasets/lab/bench-set) | [Pretrain Dataset](https://huggingface.co/datasets/lab/corpus)",
        "![badge](https://huggingface.co/datasets/huggingface/badges/resolve/main/b.svg)",
        "## News",
        "- Check out our other project [Thing](https://huggingface.co/datasets/lab/other-project).",
        "## How to use",
        "We fine-tune it on [a small set](https://huggingface.co/datasets/lab/tiny-sft) by default.",
    ])
    sig = signals_of(card, card_data={"datasets": ["lab/main", "openai_humaneval"]})
    assert sig["data.dataset_ids"] == "lab/main, lab/pre-mix, lab/corpus"
    set_aside = {e.detail.split(",")[0] for e in evidence_of(card, card_data={"datasets": ["openai_humaneval"]})
                 if "but" in e.detail and e.signal == "data.datasets"}
    assert set_aside == {"names dataset openai_humaneval", "names dataset lab/bench-set",
                         "names dataset huggingface/badges", "names dataset lab/other-project",
                         "names dataset lab/tiny-sft"}


def test_a_corpus_kept_out_of_the_data_is_no_source():
    card = ("## Training data\nWe scraped forums. Note that all Wikipedia pages were removed, so the model was\n"
            "not trained on any part of Wikipedia. The scrape has not been publicly released.\n")
    sig = signals_of(card)
    assert sig["data.public_corpora"] == 0 and sig["data.identified_count"] == 0
    assert sig["data.unreleased_as"] == "data the card says is not released"


def test_a_closed_source_given_as_an_example_of_a_public_corpus_is_a_part_of_it():
    card = ("## Training data\nThe Pile is a large public dataset. It holds texts from many sources: web\n"
            "pages (e.g. Common Crawl), books (e.g. Gutenberg) and code.\n")
    sig = signals_of(card)
    assert sig["data.unreleased"] == 0 and "The Pile" in sig["data.identified"]
    assert any("only as an example of what The Pile contains" in e.detail for e in evidence_of(card))


def test_a_closed_source_named_on_its_own_is_still_withheld():
    sig = signals_of("## Training data\nWe trained on The Pile and on Common Crawl (2023 snapshots).\n")
    assert sig["data.unreleased_as"] == "Common Crawl"


def licence_of(card: str, **kw):
    return extract_evidence(snapshot(card, **kw), VOCAB, LICENCES).license


def test_a_licence_stated_in_text_fills_in_for_missing_metadata():
    verdict = licence_of("# M\n\nThe model weights are released under the Apache 2.0 license.\n")
    assert (verdict.license_class, verdict.flags) == ("A", ["licence-from-card-text"])


def test_stricter_terms_in_the_text_win_over_metadata_and_are_flagged():
    card = "## License\nUse of the model must follow the Acme Model Community License; commercial use needs an application.\n"
    verdict = licence_of(card, card_data={"license": "apache-2.0"})
    assert verdict.license_class == "D" and "card-text-disagrees" in verdict.flags
    assert "card text" in verdict.label


def test_a_licence_link_in_the_text_resolves_through_the_aliases():
    card = ("## License\nThis code repository is licensed under the MIT License. The use of the base models is "
            "subject to its [License](https://github.com/deepseek-ai/Some-Model/blob/main/LICENSE-MODEL).\n")
    verdict = licence_of(card, card_data={"license": "mit"})
    assert verdict.license_class == "C"
    sources = [e.source for e in evidence_of(card, card_data={"license": "mit"}) if "card text states" in e.detail]
    assert sources == ["README.md line 2"]


def test_news_code_and_data_licences_say_nothing_of_the_weights():
    card = "\n".join([
        "## News",
        "- The model community license was updated to v2.",
        "## Data",
        "The model was trained on a dataset licensed for non-commercial research only.",
    ])
    verdict = licence_of(card, card_data={"license": "apache-2.0"})
    assert (verdict.license_class, verdict.flags) == ("A", [])


def test_checkpoints_as_step_revisions_or_a_linked_repository():
    for card in ("# M\n\nLoad another checkpoint with `revision=step20000-tokens84B`.\n",
                 "# M\n\n154 checkpoints are saved every 1,000 steps.\n",
                 "# M\n\nGet the checkpoints [here](https://huggingface.co/lab/model-intermediate).\n"):
        assert signals_of(card)["weights.training_state"] is True, card
    assert signals_of("# M\n\nThe final checkpoint is the main branch.\n")["weights.training_state"] is False


def test_data_linked_per_training_stage_describes_the_data():
    card = "\n".join([
        "# M",
        "- **Pretraining** [Code](https://github.com/lab/pre), [Data](https://hf.co/datasets/lab/pre-mix)",
        "- **SFT** [Data](https://hf.co/datasets/lab/sft-mix)",
    ])
    sig = signals_of(card)
    assert sig["data.described"] is True and sig["data.identified_count"] == 2
    assert signals_of("# M\n\n[Data released](https://hf.co/datasets/lab/pairs).\n")["data.described"] is False


def test_a_repository_for_both_training_and_inference_is_training_code():
    card = ("# M\n\nWe recommend our research repository (https://github.com/lab/gen-models),\n"
            "which is suited to both training and inference.\n")
    assert signals_of(card)["code.training_links"] == "lab/gen-models"


def test_a_generic_phrase_may_carry_a_word_or_two_but_needs_the_word_data():
    assert signals_of("## Training data\nTrained on our internal Orca-style dataset.\n")["data.unreleased"] == 1
    assert signals_of("## Training\nWe trained it on our in-house Dataflow Unit.\n")["data.unreleased"] == 0


def test_the_loading_code_of_a_card_whose_lines_end_in_a_lone_carriage_return_is_quoted_from_its_line():
    # A lone "\r" ends a line for the card parser (and editors); the line holding the repo's
    # id was cut at "\n" only, so the whole card read as line 1 and was quoted from its start.
    text = "# Model\r\rSome words.\r\r```python\rmodel = AutoModel.from_pretrained(\"t/m\")\r```\r"
    snap = snapshot(text, siblings=()).model_copy(update={"listing_seen": False})
    found = [e for e in extract_evidence(snap, VOCAB, LICENCES).evidence
             if e.signal == "weights.files" and "loads this repository" in e.detail]
    assert [e.source for e in found] == ["README.md line 6"]
    assert "Some words" not in found[0].detail and "from_pretrained" in found[0].detail.replace(" ", "_")


def _loading_lines(text: str) -> list[str]:
    snap = snapshot(text, siblings=()).model_copy(update={"listing_seen": False})
    return [e.source for e in extract_evidence(snap, VOCAB, LICENCES).evidence
            if e.signal == "weights.files" and "loads this repository" in e.detail]


def test_loading_code_after_front_matter_closed_by_dots_is_found_before_a_later_rule():
    # The front matter ended at the next line opening with "---", so a block closed by
    # "..." (as YAML allows and the card parser reads) ran on to a markdown rule below the
    # loading code, and the code counted as front matter.
    text = ("---\nlicense: mit\n...\n# Model\n\n```python\nAutoModel.from_pretrained(\"t/m\")\n```\n"
            "\n---\n\nMore words.\n")
    assert _loading_lines(text) == ["README.md line 7"]


def test_front_matter_whose_lines_end_in_crlf_or_a_lone_cr_ends_where_the_parser_ends_it():
    for brk in ("\r\n", "\r"):
        text = brk.join(["---", "license: mit", "...", "AutoModel.from_pretrained(\"t/m\")", "", "---", ""])
        assert _loading_lines(text) == ["README.md line 4"], repr(brk)


def test_a_line_of_more_than_three_dashes_does_not_end_the_front_matter():
    # Only a line that is "---" or "..." closes the block; "-----" did, so the front matter
    # after it (here a loading call, as a widget's text might hold) counted as card code.
    text = "---\nlicense: mit\n-----\nAutoModel.from_pretrained(\"t/m\")\n---\n# Model\n\nWords.\n"
    assert _loading_lines(text) == []


def test_loading_code_in_a_card_whose_front_matter_is_never_closed_is_body_as_the_parser_reads_it():
    # No line closes the block (a heading's "-----" underline does not), so the parser reads
    # the whole card as body; the loading code above the underline is code in the card.
    text = "---\nlicense: mit\n# Model\n\n```python\nAutoModel.from_pretrained(\"t/m\")\n```\n\nUse\n-----\n"
    assert _loading_lines(text) == ["README.md line 6"]
