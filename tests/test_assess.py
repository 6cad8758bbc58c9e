"""The pure assessment core (openness/assess.py): plain values in, a scorecard out, no
threads and no I/O; and the join with parents, case by case (RUBRIC.md, lineage)."""
from __future__ import annotations

import pickle

import pytest

from openness.api import compare
from openness.assess import (MAX_DATASETS, MAX_PARENTS, Judge, assess_own, join, lookups_needed, parent_outcome,
                             read_card)
from openness.errors import ModelNotFound, SourceError
from openness.evidence.lineage import DeclaredParent
from openness.models import CardFile, ModelSnapshot
from openness.rubric.lineage import ParentOutcome

JUDGE = Judge.load()
OPEN = ("## Training data\n\nTrained on The Pile (deduplicated and filtered), 300B tokens.\n\n"
        "## Training procedure\n\nThe training code is at https://github.com/t/trainer.\n")
CLOSED = "## Training data\n\nA mix of publicly available data.\n"


def snapshot(repo_id: str, card: str, **card_data) -> ModelSnapshot:
    return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data={"license": "apache-2.0", **card_data},
                         siblings=["README.md", "model.safetensors"], card=CardFile(status="ok", text=f"# M\n\n{card}"))


def alone(snap: ModelSnapshot):
    """The scorecard of a model with no parents, assessed by the pure functions alone."""
    found = read_card(snap, JUDGE)
    own = assess_own(snap, found, {}, {}, JUDGE)
    return join(snap, own, [], JUDGE)


def test_the_pipeline_runs_on_plain_values_and_its_values_pickle():
    snap = snapshot("t/m", OPEN, datasets=["t/corpus"])
    found = read_card(snap, JUDGE)
    needed = lookups_needed(found)
    assert needed.datasets == ("t/corpus",) and needed.parents == ()
    own = assess_own(snap, found, {"t/corpus": ModelNotFound("t/corpus", "no such dataset")}, {}, JUDGE)
    card = join(snap, own, [], JUDGE)
    assert card.status == "scored" and card.axes["weights"].verdict == "open"
    assert pickle.loads(pickle.dumps((snap, own, card))) == (snap, own, card)  # fit for other processes


def test_what_a_card_needs_looked_up_is_capped():
    snap = snapshot("t/m", OPEN, datasets=[f"t/d{i}" for i in range(MAX_DATASETS + 5)],
                    base_model=[f"t/p{i}" for i in range(MAX_PARENTS + 3)])
    needed = lookups_needed(read_card(snap, JUDGE))
    assert len(needed.datasets) == MAX_DATASETS and len(needed.parents) == MAX_PARENTS
    assert lookups_needed(read_card(snap, JUDGE), repos=False).repos == ()


def test_a_dataset_with_no_answer_counts_as_a_lookup_that_failed_never_as_missing():
    snap = snapshot("t/m", OPEN, datasets=["t/corpus"])
    found = read_card(snap, JUDGE)
    unanswered = assess_own(snap, found, {}, {}, JUDGE)
    failed = assess_own(snap, found, {"t/corpus": SourceError("dataset t/corpus", "timed out")}, {}, JUDGE)
    assert [e.status for e in unanswered.entries] == [e.status for e in failed.entries] == ["error"]


OPEN_PARENT = alone(snapshot("t/base-open", OPEN))
CLOSED_PARENT = alone(snapshot("t/base-closed", CLOSED))


def outcome(relation: str, parent: str) -> ParentOutcome:
    declared = DeclaredParent(repo_id=f"t/{parent}", relation=relation, source="cardData.base_model",
                              relation_source="cardData.base_model_relation")
    if parent == "base-open":
        return parent_outcome(declared, OPEN_PARENT)
    if parent == "base-closed":
        return parent_outcome(declared, CLOSED_PARENT)
    if parent == "gone":  # the Hub answered: no such model
        return ParentOutcome(declared, "not_found", reason="could not be resolved: no such model")
    return ParentOutcome(declared, "error", reason="could not be looked up (timed out)", unknown=True)


# (child's own card, relation, parent) -> (data, code) after the join. RUBRIC.md: a
# quantization takes its parent's data and code; a fine-tune joins its own stage with
# the parent's (equal words stay, different ones are partial); a parent that is not
# there caps a join at partial; one that could not be looked up makes what depends on
# it unknown, never lower.
JOINS = [
    (OPEN, "finetune", "base-open", ("open", "open")),
    (OPEN, "finetune", "base-closed", ("partial", "partial")),
    (CLOSED, "finetune", "base-open", ("partial", "partial")),
    (CLOSED, "quantized", "base-open", ("open", "open")),
    (OPEN, "quantized", "base-closed", ("closed", "closed")),
    (OPEN, "finetune", "gone", ("partial", "partial")),
    (CLOSED, "quantized", "lookup-failed", ("unknown", "unknown")),
    (CLOSED, "finetune", "lookup-failed", ("unknown", "unknown")),
]


@pytest.mark.parametrize(("own_card", "relation", "parent", "expected"), JOINS)
def test_the_join_with_a_parent(own_card, relation, parent, expected):
    snap = snapshot("t/child", own_card)
    own = assess_own(snap, read_card(snap, JUDGE), {}, {}, JUDGE)
    card = join(snap, own, [outcome(relation, parent)], JUDGE)
    assert (card.axes["data"].verdict, card.axes["code"].verdict) == expected
    assert card.axes["weights"].verdict == own.verdicts["weights"].verdict  # the weights are the child's own
    assert [e.repo_id for e in card.lineage] == [f"t/{parent}"]


def test_the_api_scores_from_a_source_held_in_memory(memory_source):
    source = memory_source([snapshot("t/base-open", OPEN), snapshot("t/child", CLOSED, base_model="t/base-open")])
    report = compare(["t/child", "t/none"], source=source, repos=False)
    assert [c.status for c in report] == ["scored", "error"]
    assert report["t/child"].lineage[0].repo_id == "t/base-open"
    assert source.asked.count("t/base-open") == 1
