"""The Model Openness Framework class: the card's own documentation (openness/evidence/
documents.py), each component's status (openness/evidence/components.py) and the class
rubrics/mof.yaml awards from them, on synthetic cards through the pure assessment."""
from __future__ import annotations

import csv
import io

import pytest
from helpers import cli

from openness.api import compare
from openness.assess import Judge, assess_own, join, read_card
from openness.evidence import extract_evidence
from openness.errors import ModelNotFound, SourceError
from openness.evidence.components import COMPONENTS, component_statuses
from openness.models import CardFile, CodeRepoSnapshot, DatasetSnapshot, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary

JUDGE = Judge.load(rubrics=["mof"])
VOCAB, LICENCES = load_vocabulary(), load_licences()
FILES = ["README.md", "config.json", "tokenizer.json", "model.safetensors"]

# Everything MOF asks of a release, on one card: an own paper, evaluation results on public
# benchmarks, a documented public corpus, training, evaluation and data-preparation code,
# intermediate checkpoints.
FULL = """\
# Lumen-7B

**Paper:** [Lumen: an open model](https://arxiv.org/abs/2401.00001)

## Training data

Lumen was trained on The Pile, 300B tokens, deduplicated and filtered.

## Training procedure

The training code is at https://github.com/lumenlab/lumen-train.

Our data preparation pipeline is at https://github.com/lumenlab/lumen-data-prep.

We release 154 checkpoints, one every 1000 steps.

## Evaluation

Evaluated with our evaluation code: https://github.com/lumenlab/lumen-eval

| Task | Score |
|---|---|
| HellaSwag | 71.2 |
| ARC-Challenge | 44.5 |
"""


def snapshot(card: str | None, *, licence: str | None = "apache-2.0", files=FILES, repo_id="lumenlab/Lumen-7B",
             **card_data) -> ModelSnapshot:
    status = "ok" if card is not None else "unavailable"
    data = {**({"license": licence} if licence else {}), **card_data}
    return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data=data, siblings=list(files),
                         card=CardFile(status=status, text=card))


def repo(name: str, tree: list[str], licence: str = "MIT") -> CodeRepoSnapshot:
    return CodeRepoSnapshot(repo=name, status="ok", license_spdx=licence, files=tree, host="github.com",
                            full_name=name, tree_sha="1" * 40)


REPOS = {"lumenlab/lumen-train": repo("lumenlab/lumen-train", ["train.py", "configs/7b.yaml"]),
         "lumenlab/lumen-data-prep": repo("lumenlab/lumen-data-prep", ["data_prep/dedup.py"]),
         "lumenlab/lumen-eval": repo("lumenlab/lumen-eval", ["eval/run_eval.py"])}


def mof(snap: ModelSnapshot, repos=REPOS, datasets=None):
    found = read_card(snap, JUDGE)
    card = join(snap, assess_own(snap, found, datasets or {}, repos, JUDGE), [], JUDGE)
    return card.results["mof"]


def statuses(result) -> dict[str, object]:
    return {f.condition: f.value for f in result.dimensions["class"].findings}


# ---- the class -------------------------------------------------------------------------------

def test_a_release_with_every_component_open_is_class_i():
    result = mof(snapshot(FULL))
    assert result.outcome.value == "I", statuses(result)
    assert [(p.label, p.met, p.total) for p in result.dimensions["class"].progress] == [
        ("Class I", 14, 14), ("Class II", 10, 10), ("Class III", 6, 6)]


@pytest.mark.parametrize("change, component, status, expected", [
    (lambda c: c.replace("We release 154 checkpoints, one every 1000 steps.", ""),
     "intermediate_parameters", "missing", "II"),
    (lambda c: c.replace("https://github.com/lumenlab/lumen-eval", "our own tools"), "evaluation_code", "missing", "III"),
    (lambda c: c.split("## Evaluation")[0], "evaluation_results", "missing", "none"),
    (lambda c: c.replace("**Paper:** [Lumen: an open model](https://arxiv.org/abs/2401.00001)", ""),
     "technical_report", "missing", "none"),
])
def test_a_missing_component_stops_the_class_where_mof_puts_it(change, component, status, expected):
    result = mof(snapshot(change(FULL)))
    assert statuses(result)[component] == status
    assert result.outcome.value == expected
    found = result.dimensions["class"]
    if expected != "none":
        assert component in found.next_needs  # what would lift the model names the component


@pytest.mark.parametrize("licence, status", [
    ("cc-by-nc-4.0", "invalid licence"),   # non-commercial: not open
    ("llama2", "invalid licence"),         # custom community licence
    ("apple-ascl", "invalid licence"),     # permissive, but neither OSI, FSF nor open data
    ("cc-by-4.0", "included"),             # an open-data licence counts
    ("openmdw-1.0", "included"),
    (None, "unlicensed"),
])
def test_the_licence_decides_whether_a_present_component_counts(licence, status):
    result = mof(snapshot(FULL, licence=licence))
    assert statuses(result)["final_parameters"] == status
    assert result.outcome.value == ("I" if status == "included" else "none")


def test_a_component_with_a_licence_of_its_own_that_is_not_open_is_invalid():
    closed = {**REPOS, "lumenlab/lumen-train": repo("lumenlab/lumen-train", ["train.py"], licence="CC-BY-NC-4.0")}
    assert statuses(mof(snapshot(FULL), repos=closed))["training_code"] == "invalid licence"


def test_a_dataset_the_hub_lacks_is_not_an_invalid_licence_a_closed_one_is_and_a_failed_lookup_is_unknown():
    card = FULL.replace("trained on The Pile", "trained on [corpus](https://huggingface.co/datasets/lumenlab/corpus)")
    snap = snapshot(card, datasets=["lumenlab/corpus"])
    missing = mof(snap, datasets={"lumenlab/corpus": ModelNotFound("lumenlab/corpus", "no such dataset")})
    assert statuses(missing)["datasets"] == "included"  # its terms are unknown: the release's licence stands
    closed = DatasetSnapshot(id="lumenlab/corpus", sha="2" * 40, license="cc-by-nc-4.0")
    assert statuses(mof(snap, datasets={"lumenlab/corpus": closed}))["datasets"] == "invalid licence"
    failed = mof(snap, datasets={"lumenlab/corpus": SourceError("dataset lumenlab/corpus", "timed out")})
    assert statuses(failed)["datasets"] is None and failed.outcome.value == "unknown"  # never lowered silently


def test_a_card_that_could_not_be_read_is_unknown_never_a_class():
    result = mof(snapshot(None))
    assert result.outcome.value == "unknown" and result.dimensions["class"].verdict is None
    assert statuses(result)["technical_report"] is None


def test_corpus_construction_code_counts_as_the_data_preprocessing_of_data_taken_as_published():
    without_own = FULL.replace("Our data preparation pipeline is at https://github.com/lumenlab/lumen-data-prep.", "")
    assert statuses(mof(snapshot(without_own)))["data_preprocessing_code"] == "included"  # The Pile's code is public
    private = without_own.replace("The Pile", "a corpus of our own")
    assert statuses(mof(snapshot(private)))["data_preprocessing_code"] == "missing"


def test_every_component_has_a_status_and_the_three_optional_ones_decide_nothing():
    signals = component_statuses({"card.status": "ok"})
    assert set(signals) == {f"mof.{c.name}" for c in COMPONENTS} and len(COMPONENTS) == 17
    assert sum(c.required for c in COMPONENTS) == 14
    result = mof(snapshot(FULL))
    informs = [f.condition for f in result.dimensions["class"].findings][-3:]
    assert informs == ["sample_outputs", "supporting_libraries", "model_metadata"]


# ---- the card's own documentation ---------------------------------------------------------------

def documents(card: str, repo_id="lumenlab/Lumen-7B", **card_data) -> dict[str, object]:
    found = extract_evidence(snapshot(card, repo_id=repo_id, **card_data), VOCAB, LICENCES)
    return {k: v for k, v in found.signals.items() if k.startswith(("docs.", "files."))}


@pytest.mark.parametrize("line", [
    "- Paper: https://arxiv.org/abs/2401.00001",
    "See our paper (https://arxiv.org/abs/2401.00001) for details.",
    "[Lumen technical report](https://arxiv.org/pdf/2401.00001.pdf)",
    "Details are in the [accompanying paper](https://arxiv.org/abs/2401.00001).",
])
def test_a_paper_the_card_labels_as_its_own_is_counted(line):
    assert documents(f"# M\n\n{line}\n")["docs.paper_as"] == "2401.00001"


@pytest.mark.parametrize("line", [
    "Trained on the Pile ([link](https://arxiv.org/abs/2101.00027)).",
    "We use rotary embeddings (https://arxiv.org/abs/2104.09864).",
    "[LLaMA paper](https://arxiv.org/abs/2302.13971)",  # another model's paper, named
])
def test_a_cited_paper_is_not_the_models_own(line):
    assert documents(f"# M\n\n{line}\n")["docs.paper"] == 0


def test_a_bibtex_entry_naming_the_model_or_its_publisher_is_its_paper_and_a_citation_of_others_is_not():
    card = """# M

```bibtex
@article{gao2020pile,
  title={The {P}ile: An 800GB Dataset of Diverse Text for Language Modeling},
  journal={arXiv preprint arXiv:2101.00027},
}
@misc{lumen-software,
  title={Lumen: the code},
  howpublished={https://github.com/lumenlab/lumen-train},
}
@misc{lumen2024,
  title={Lumen: An Open Language Model},
  eprint={2401.00001},
  archivePrefix={arXiv},
}
```
"""
    # the Pile is cited, the software entry is no paper: only the last is the model's own
    assert documents(card)["docs.paper_as"] == "2401.00001"


def test_evaluation_results_need_scores_not_just_a_heading():
    assert documents("# M\n\n## Evaluation\n\nWe evaluated it.\n")["docs.eval_results"] is False
    table = documents("# M\n\n## Results\n\n| task | acc |\n|---|---|\n| PIQA | 0.71 |\n")
    assert table["docs.eval_results"] is True and table["docs.eval_data"] == 1
    plots = documents("# M\n\n## Evaluations\n\n<details><summary>LAMBADA</summary>\n<img src=\"x.png\"/>\n</details>\n")
    assert plots["docs.eval_results"] is True and plots["docs.eval_data"] == 1
    index = documents("# M\n", **{"model-index": [{"name": "m", "results": [{"dataset": {"type": "cais/mmlu"}}]}]})
    assert index["docs.eval_results"] is True and index["docs.eval_data"] == 1


def test_files_that_define_the_architecture_and_the_tokenizer():
    assert documents("# M\n")["files.architecture"] is True and documents("# M\n")["files.tokenizer"] is True
    bare = extract_evidence(snapshot("# M\n", files=["README.md", "model.safetensors"]), VOCAB, LICENCES).signals
    assert (bare["files.architecture"], bare["files.tokenizer"]) == (False, False)


def test_an_unread_card_leaves_its_documentation_unknown():
    found = extract_evidence(snapshot(None), VOCAB, LICENCES).signals
    assert found["docs.paper"] is None and found["docs.eval_results"] is None and found["docs.data_card"] is None


# ---- the command line -----------------------------------------------------------------------

def test_the_mof_column_says_the_class_code_in_csv_and_the_class_in_tables(memory_source):
    source = memory_source([snapshot(FULL), snapshot(FULL, repo_id="lumenlab/Lumen-nc", licence="cc-by-nc-4.0")])
    report = compare(["lumenlab/Lumen-7B", "lumenlab/Lumen-nc"], source=source, repos=False, rubrics=["mof"])
    sheet = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert [row["mof"] for row in sheet] == ["I", "none"]
    assert list(sheet[0])[-2:] == ["mof", "mof.class"]
    assert "mof" in report.to_table().splitlines()[0] and "Class I\n" in report.to_table()


def test_the_framework_flag_and_explain_name_each_component(hub_url):
    run = cli("score", "openlab/atlas-7b", "--framework", "mof", "-f", "csv", endpoint=hub_url)
    assert run.code == 0 and "mof" in run.stdout.splitlines()[0].split(",")
    text = cli("explain", "openlab/atlas-7b", "--framework", "mof", "--endpoint", hub_url).stdout
    assert "=== mof: Model Openness Framework class" in text
    assert "data_card: mof.data_card = " in text and "source: MOF §4" in text
