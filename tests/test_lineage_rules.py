"""RUBRIC.md's lineage rules, end to end over an in-memory Hub of invented models.

Each model is scored by the real ScoringRun (evidence, rubric, join); only the source is
a stand-in. The bases are checked first, so every test below rests on a known parent.
"""
from __future__ import annotations

import pytest

from memory_source import MemorySource

from openness.api import Judge
from openness.models import CardFile, ModelRef, ModelSnapshot
from openness.run import ScoringRun

OPEN_DATA = "## Training data\n\nTrained on The Pile (deduplicated and filtered), 300B tokens.\n\n"
OPEN_CODE = "## Training procedure\n\nThe training code is at https://github.com/t/trainer.\n"
CLOSED = ("## Training data\n\nA mix of publicly available data.\n\n"
          "## Inference\n\nInference code: https://github.com/t/serve (runs the model).\n")
RECIPE = "## Fine-tuning\n\nThe fine-tuning recipe is at https://github.com/t/recipes.\n"
SFT_DATA = "## Training data\n\nFine-tuned on OpenAssistant conversations (oasst1).\n\n"


def model(repo_id: str, card: str, *, licence="apache-2.0", base=None, relation=None, tags=(),
          files=("model.safetensors",), status="ok", **metadata) -> ModelSnapshot:
    card_data = {"license": licence, **metadata}
    if base is not None:
        card_data["base_model"] = base
    if relation is not None:
        card_data["base_model_relation"] = relation
    return ModelSnapshot(repo_id=repo_id, sha="0" * 40, card_data=card_data, tags=list(tags),
                         siblings=["README.md", *files],
                         card=CardFile(status=status, text=f"# {repo_id}\n\n{card}" if status == "ok" else None))


MODELS = [
    model("t/base-open", OPEN_DATA + OPEN_CODE),
    model("t/base-closed", CLOSED),
    model("t/base-closed-2", CLOSED),
    model("t/base-unknown-licence", CLOSED, licence="other"),
    model("t/base-research", CLOSED, licence="cc-by-nc-4.0"),
    model("t/ft-recipe-open-base", SFT_DATA + RECIPE, licence="mit", base="t/base-open", relation="finetune"),
    model("t/ft-recipe-closed-base", SFT_DATA + RECIPE, licence="mit", base="t/base-closed", relation="finetune"),
    model("t/ft-recipe-lost-base", SFT_DATA + RECIPE, licence="mit", base="nobody/gone", relation="finetune"),
    model("t/ft-unknown-licence-base", SFT_DATA, licence="mit", base="t/base-unknown-licence"),
    model("t/ft-research-base", SFT_DATA, licence="mit", base="t/base-research"),
    model("t/merge-closed", "Merged with [mergekit](https://github.com/arcee-ai/mergekit) using this config.\n",
          base=["t/base-closed", "t/base-closed-2"], files=("model.safetensors", "mergekit_config.yml")),
    model("t/merge-lost", "Merged with [mergekit](https://github.com/arcee-ai/mergekit).\n",
          base=["nobody/a", "nobody/b"]),
    model("t/merge-mixed", "A merge.\n", base=["t/base-open", "t/base-closed"]),
    model("t/merge-unread", "", base=["nobody/a", "nobody/b"], status="unreadable"),
    model("t/abliterated", "This model is an abliterated copy of its base.\n\n" + OPEN_DATA + OPEN_CODE,
          base="t/base-closed", tags=("abliterated",)),
    model("t/text-named", "A fine-tuned version of [t/base-open](https://huggingface.co/t/base-open).\n\n"
          + SFT_DATA + RECIPE, licence="mit"),
    model("t/text-unresolved", "These weights are a delta against Mystery-13B.\n\n" + OPEN_DATA + OPEN_CODE),
]


@pytest.fixture(scope="module")
def scored():
    hub = MemorySource(MODELS)
    with ScoringRun(hub, Judge.load(), jobs=2) as run:
        cards = {m.repo_id: run.score(ModelRef.parse(m.repo_id)) for m in MODELS}
    return cards, hub


def words(card) -> tuple[str, str, str]:
    return tuple(card.axes[a].verdict for a in ("weights", "data", "code"))  # type: ignore[return-value]


def test_the_bases_are_what_the_tests_assume(scored):
    cards, _ = scored
    assert words(cards["t/base-open"]) == ("open", "open", "open")
    assert words(cards["t/base-closed"]) == ("open", "closed", "closed")
    assert cards["t/base-unknown-licence"].license.license_class == "F"
    assert cards["t/base-research"].license.license_class == "E"
    own = cards["t/ft-recipe-lost-base"].axes["code"]
    assert own.level == 2  # the recipe alone: C2, and with the base lost it stays there


# ---- rule: fine-tuning as the only own stage -----------------------------------------------

def test_recipe_of_a_fine_tune_is_complete_for_its_own_stage_so_an_open_base_makes_it_open(scored):
    code = scored[0]["t/ft-recipe-open-base"].axes["code"]
    assert (code.verdict, code.level) == ("open", 3)
    assert code.reasons[0] == "level 3: open (fine-tune open, base t/base-open open)"
    assert code.reasons[1].startswith("own stage (fine-tune): level 3: open for its own stage: the fine-tuning code")


def test_recipe_over_a_closed_base_is_partial_with_both_sides_named(scored):
    code = scored[0]["t/ft-recipe-closed-base"].axes["code"]
    assert (code.verdict, code.level) == ("partial", 2)
    assert code.reasons[0] == "level 2: partial (fine-tune open, base t/base-closed closed)"


def test_recipe_over_a_base_that_cannot_be_resolved_is_not_raised(scored):
    code = scored[0]["t/ft-recipe-lost-base"].axes["code"]
    assert code.level == 2 and not any("for its own stage" in r for r in code.reasons)


def test_data_join_names_both_sides(scored):
    data = scored[0]["t/ft-recipe-closed-base"].axes["data"]
    assert data.reasons[0] == "level 2: partial (fine-tune open, base t/base-closed closed)"


# ---- rule: a parent whose licence is unknown does not cap --------------------------------

def test_a_parent_licence_of_unknown_class_is_flagged_not_inherited(scored):
    card = scored[0]["t/ft-unknown-licence-base"]
    assert card.license.license_class == "A" and card.axes["weights"].verdict == "open"
    assert "parent-licence-unknown:t/base-unknown-licence" in card.license.flags
    assert any(r.startswith("parent licence unknown: check t/base-unknown-licence") for r in card.axes["weights"].reasons)


def test_a_known_restrictive_parent_licence_still_flows_down(scored):
    card = scored[0]["t/ft-research-base"]
    assert card.license.license_class == "E" and card.axes["weights"].verdict == "partial"
    assert "restricted-by-parent:t/base-research" in card.license.flags
    assert not any(f.startswith("parent-licence-unknown") for f in card.license.flags)


# ---- rule: a weight edit has no training data or code of its own --------------------------

def test_a_merge_of_closed_parents_with_only_a_merge_recipe_is_closed(scored):
    code = scored[0]["t/merge-closed"].axes["code"]
    assert code.verdict == "closed"
    assert code.reasons[0].startswith("inherited from its parents: level ")
    assert "(parent t/base-closed closed, parent t/base-closed-2 closed)" in code.reasons[0]
    assert any("its recipe documents the edit, not training" in r for r in code.reasons)


def test_a_merge_whose_parents_are_lost_is_closed_with_the_reason(scored):
    code = scored[0]["t/merge-lost"].axes["code"]
    assert code.verdict == "closed"
    assert code.reasons[0].startswith("level 0: closed: no parent could be judged, and a weight edit")


def test_a_merge_of_an_open_and_a_closed_parent_is_partial(scored):
    card = scored[0]["t/merge-mixed"]
    assert words(card)[1:] == ("partial", "partial")


def test_a_merge_whose_card_could_not_be_read_stays_unknown(scored):
    card = scored[0]["t/merge-unread"]
    assert card.axes["data"].verdict == "unknown" and card.axes["code"].verdict == "unknown"


def test_an_abliterated_model_takes_its_parents_data_and_code_not_its_own(scored):
    card = scored[0]["t/abliterated"]
    assert words(card)[1:] == ("closed", "closed")  # its own card claims open data and code
    assert card.axes["code"].reasons[0].startswith("inherited from finetune parent t/base-closed")
    edits = [e for e in card.axes["code"].evidence if e.signal == "lineage.weight_edit"]
    assert edits and "abliteration removes a refusal direction" in edits[0].detail


# ---- rule: a parent named only in the card text --------------------------------------------

def test_a_text_named_parent_is_joined_like_a_declared_one(scored):
    card = scored[0]["t/text-named"]
    [entry] = card.lineage
    assert (entry.repo_id, entry.relation, entry.status) == ("t/base-open", "finetune", "scored")
    assert words(card) == ("open", "open", "open")
    parent_items = [e for e in card.axes["data"].evidence if e.signal == "lineage.parent"]
    assert {e.strength for e in parent_items} == {"medium"}


def test_an_unresolved_text_parent_is_not_fetched_and_caps_the_joined_axes(scored):
    cards, hub = scored
    card = cards["t/text-unresolved"]
    [entry] = card.lineage
    assert (entry.repo_id, entry.status) == ("Mystery-13B", "unresolved")
    assert entry.reason == 'was named only as "Mystery-13B" in the card text and could not be pinned to a Hub repo'
    assert "Mystery-13B" not in hub.asked
    for axis in ("data", "code"):
        verdict = card.axes[axis]
        assert (verdict.verdict, verdict.level) == ("partial", 2)
        assert 'named only as "Mystery-13B"' in verdict.reasons[0]
