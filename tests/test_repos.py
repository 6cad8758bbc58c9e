"""Evidence from linked code repositories: the tree decides only for the model's own repository,
the licence of training code is checked, and a failed lookup falls back to the card, said so."""
from __future__ import annotations

import pytest

from helpers import assert_linear
from openness.evidence import extract_evidence
from openness.evidence.repos import named_after, repo_findings, tree_kinds
from openness.models import CardFile, CodeRepoSnapshot, ModelSnapshot
from openness.rubric import load_licences, load_rubric, load_vocabulary
from openness.rubric.evaluate import evaluate

VOCAB = load_vocabulary()
LICENCES = load_licences()
RUBRIC = load_rubric()

TRAINING_TREE = ["README.md", "LICENSE", "pretrain/model_7b.py", "configs/7b.yaml", "scripts/train.sh",
                 "eval/run_eval.py", "data_processing/dedup.py", "docs/training.md"]
FINETUNE_TREE = ["README.md", "finetune/finetune.py", "finetune/scripts/run_sft_7b.sh", "demo/app.py"]
INFERENCE_TREE = ["README.md", "generate.py", "model.py", "examples/train.py", "notebooks/train_lora.ipynb"]


def snapshot(card: str, repo_id: str = "acme/Widget-7B") -> ModelSnapshot:
    return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data={"license": "apache-2.0"},
                         siblings=["README.md", "model.safetensors"], card=CardFile(status="ok", text=card))


def repo(name: str, files: list[str], licence: str | None = "Apache-2.0", status: str = "ok") -> CodeRepoSnapshot:
    if status != "ok":
        return CodeRepoSnapshot(repo=name, status=status, problem="boom")  # type: ignore[arg-type]
    return CodeRepoSnapshot(repo=name, status="ok", full_name=name, license_spdx=licence, files=files,
                            tree_sha="1" * 40, default_branch="main")


def judged(card: str, repos: dict[str, CodeRepoSnapshot] | None, repo_id: str = "acme/Widget-7B"):
    """The code verdict and the evidence of a card, with the given repositories read."""
    found = extract_evidence(snapshot(card, repo_id), VOCAB, LICENCES)
    signals, evidence = dict(found.signals), found.evidence
    if repos is not None:
        more = repo_findings(found.code, repos, VOCAB, LICENCES, repo_id)
        signals.update(more.signals)
        evidence = evidence + tuple(more.evidence)
    return evaluate(RUBRIC, "default", signals, evidence)["code"], signals, found


def test_tree_kinds_sort_files_and_skip_docs_examples_and_notebooks():
    kinds = tree_kinds(TRAINING_TREE + INFERENCE_TREE, VOCAB.code.repo_tree).files
    assert set(kinds["training"]) == {"pretrain/model_7b.py", "scripts/train.sh"}
    assert kinds["evaluation"] == ["eval/run_eval.py"]
    assert kinds["data_processing"] == ["data_processing/dedup.py"]
    assert "examples/train.py" not in sum(kinds.values(), [])  # an example for users
    assert "notebooks/train_lora.ipynb" not in sum(kinds.values(), [])


def test_short_stage_words_need_a_boundary():
    # "tiktoken_ext" holds "kto", "lorax" holds "lora": neither is a fine-tuning script.
    kinds = tree_kinds(["src/tiktoken_ext/mod.py", "lib/lorax/core.py", "sft/train.py", "train_lora.py"],
                       VOCAB.code.repo_tree).files
    assert kinds.get("finetune") == ["sft/train.py", "train_lora.py"]


def test_named_after_reads_the_names_without_punctuation():
    assert named_after("acme/widget", "acme/Widget-7B-Chat")
    assert named_after("org/TinyThing", "other/tinything_v1.1")
    assert not named_after("acme/llm", "acme/Widget-7B")
    assert not named_after("acme/ab", "acme/ab-7b")  # too short to tell


def test_own_repository_with_training_code_gives_c3_with_its_licence():
    card = "# Widget\n\nSee [GitHub](https://github.com/acme/tools) for more.\n"
    verdict, signals, found = judged(card, {"acme/tools": repo("acme/tools", TRAINING_TREE, "MIT")})
    assert (verdict.level, verdict.verdict) == (4, "open")  # training, evaluation and data code
    assert signals["code.licences"] == "acme/tools: MIT (class A)"
    detail = next(e.detail for e in verdict.evidence if e.signal == "code.repository")
    assert "`pretrain/model_7b.py`" in detail and "licence MIT" in detail


def test_without_the_lookup_the_same_card_is_inference_only():
    card = "# Widget\n\nSee [GitHub](https://github.com/acme/tools) for more.\n"
    verdict, _, found = judged(card, None)
    assert found.code.lookups() == ["acme/tools"]
    assert (verdict.level, verdict.verdict) == (1, "closed")


def test_a_repository_named_after_the_model_counts_by_its_tree():
    card = "# Widget\n\nIt was introduced in [this repository](https://github.com/acme/widget).\n"
    verdict, _, _ = judged(card, {"acme/widget": repo("acme/widget", TRAINING_TREE)})
    assert verdict.level == 4


def test_someone_elses_repository_keeps_the_cards_word():
    # A repository the card thanks, or names as a tool, is not the model's own code.
    card = "# Widget\n\nThanks to [Trainer Kit](https://github.com/other/trainer-kit) and friends.\n"
    verdict, _, _ = judged(card, {"other/trainer-kit": repo("other/trainer-kit", TRAINING_TREE)})
    assert verdict.level == 1


def test_fine_tuning_scripts_in_the_own_repository_are_usage_code():
    card = "# Widget\n\n- Code: https://github.com/acme/widget\n"
    verdict, _, _ = judged(card, {"acme/widget": repo("acme/widget", FINETUNE_TREE)})
    assert (verdict.level, verdict.verdict) == (1, "closed")  # RUBRIC.md C1


def test_training_code_under_a_non_open_licence_is_c2():
    card = "# Widget\n\nThe training code is in [our repository](https://github.com/acme/widget).\n"
    verdict, signals, _ = judged(card, {"acme/widget": repo("acme/widget", TRAINING_TREE, "CC-BY-NC-4.0")})
    assert (verdict.level, verdict.verdict) == (2, "partial")
    assert "not open" in " ".join(verdict.reasons)
    assert signals["code.training_not_open"] == 1


@pytest.mark.parametrize("licence", ["NOASSERTION", None])
def test_an_unidentified_licence_does_not_lower_the_verdict(licence):
    card = "# Widget\n\nThe training code is in [our repository](https://github.com/acme/widget).\n"
    verdict, _, _ = judged(card, {"acme/widget": repo("acme/widget", ["train.py"], licence)})
    assert verdict.level == 3


@pytest.mark.parametrize("status", ["rate_limited", "unavailable", "not_cached", "off"])
def test_a_failed_lookup_falls_back_to_the_card_and_says_so(status):
    card = "# Widget\n\nThe training code is in [our repository](https://github.com/acme/widget).\n"
    alone, _, _ = judged(card, None)
    verdict, signals, _ = judged(card, {"acme/widget": repo("acme/widget", [], status=status)})
    assert (verdict.level, verdict.verdict) == (alone.level, alone.verdict) == (3, "open")
    said = [e.detail for e in verdict.evidence if e.signal == "code.repository"]
    assert said and said[0].startswith("code from card only")
    assert signals["code.repos_unchecked"] == 1
    if status == "rate_limited":
        assert said[0] == "code from card only: GitHub rate limit reached; set GITHUB_TOKEN"


def test_a_missing_repository_is_said_and_not_counted_as_unchecked():
    card = "# Widget\n\n- Codebase: https://github.com/acme/widget\n"
    verdict, signals, _ = judged(card, {"acme/widget": repo("acme/widget", [], status="not_found")})
    assert signals["code.repos_unchecked"] == 0
    assert any("gone or private" in e.detail for e in verdict.evidence)


def test_general_libraries_are_never_looked_up():
    card = ("# Widget\n\nRuns with [transformers](https://github.com/huggingface/transformers) and "
            "[vllm](https://github.com/vllm-project/vllm); code at https://github.com/acme/widget\n")
    _, _, found = judged(card, None)
    assert found.code.lookups() == ["acme/widget"]


@pytest.mark.parametrize(("sentence", "counts"), [
    ("We have open-sourced all artifacts, including code, data and checkpoints.", True),
    ("The full training script is accessible in this repository: `train_script.py`.", True),
    ("We release the training code, data and intermediate checkpoints.", True),
    ("We will release the training code soon.", False),
    ("The training code is not released.", False),
])
def test_a_code_release_stated_in_prose(sentence, counts):
    verdict, _, _ = judged(f"# Widget\n\n{sentence}\n", None)
    assert (verdict.level >= 3) is counts


def test_tree_reading_stays_linear_on_a_huge_hostile_tree():
    def tree(n: int) -> list[str]:
        return [f"{'a/' * 20}{'x' * 100}_{i}.py" for i in range(n)]

    assert_linear(tree, lambda files: tree_kinds(files, VOCAB.code.repo_tree), 500, factor=4)


def test_a_passive_release_statement_counts_too():
    verdict, _, _ = judged("# Widget\n\nOur training and inference code is released under the Apache License 2.0.\n", None)
    assert verdict.level == 3
    verdict, _, _ = judged("# Widget\n\nThe training code will be released later.\n", None)
    assert verdict.level < 3
