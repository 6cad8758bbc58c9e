"""The extractor registry: each extractor sets exactly the signals it declares, every
signal has a meaning and a producer, and a rubric may test only produced signals."""
from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import RubricError
from openness.evidence.registry import (REFINEMENTS, Reading, evidence_kinds, extractors_in_order,
                                        produced_signals)
from openness.evidence.signals import SIGNALS
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary
from openness.rubric.loader import RUBRIC_FILE, load_rubric, rubric_dir

CARDS = [
    ModelSnapshot(repo_id="t/m", sha="0" * 40, card_data={"license": "mit", "datasets": ["t/d"], "base_model": "t/b"},
                  siblings=["README.md", "model.safetensors"],
                  card=CardFile(status="ok", text="# M\n\n## Training data\nThe Pile.\n\nCode: https://github.com/t/train\n")),
    ModelSnapshot(repo_id="t/bare", sha="0" * 40, siblings=[], card=CardFile(status="absent")),
    ModelSnapshot(repo_id="t/front", sha="0" * 40, siblings=["adapter_model.safetensors"],
                  card=CardFile(status="ok", text="---\nlicense: apache-2.0\n---\n# F\n")),
]


@pytest.mark.parametrize("snapshot", CARDS, ids=[c.repo_id for c in CARDS])
def test_each_extractor_sets_exactly_the_signals_it_declares(snapshot):
    reading = Reading(snapshot, load_vocabulary(), load_licences(), signals={"card.status": snapshot.card.status})
    for extractor in extractors_in_order():
        part = extractor.run(reading)
        assert set(part.signals) == set(extractor.produces), extractor.name
        reading.signals.update(part.signals)


def test_every_signal_has_a_meaning_and_a_producer():
    assert produced_signals() <= set(SIGNALS)  # each one produced is explained
    assert set(SIGNALS) == produced_signals() | evidence_kinds()  # each one explained is produced or recorded
    assert all(set(r.refines) <= produced_signals() for r in REFINEMENTS)


def test_a_rubric_testing_a_signal_nobody_produces_is_refused(tmp_path: Path):
    text = (rubric_dir() / RUBRIC_FILE).read_text(encoding="utf-8")
    (tmp_path / RUBRIC_FILE).write_text(text.replace("signal: weights.files", "signal: weights.filez", 1),
                                        encoding="utf-8")
    with pytest.raises(RubricError, match="tests signals no extractor produces: weights.filez"):
        load_rubric(tmp_path)


def test_plain_scoring_skips_what_only_the_frameworks_read_and_gives_the_same_axes():
    from openness.assess import Judge, assess_own, join, read_card
    from openness.evidence.registry import produced_signals
    from openness.models import CardFile, ModelSnapshot

    only_frameworks = {s for e in extractors_in_order() if e.for_frameworks for s in e.produces}
    assert {"docs.paper", "eu.training_compute"} <= only_frameworks
    assert not only_frameworks & produced_signals(for_frameworks=False)  # the openness rubric may not test them
    snap = ModelSnapshot(repo_id="o/m", sha="0" * 40, card_data={"license": "mit"},
                         siblings=["README.md", "config.json", "model.safetensors"],
                         card=CardFile(status="ok", text="# M\n\nPaper: https://arxiv.org/abs/2401.00001\n"))
    plain, framed = Judge.load(), Judge.load(rubrics=["mof"])
    assert not only_frameworks & set(read_card(snap, plain).signals)
    assert only_frameworks <= set(read_card(snap, framed).signals)
    cards = [join(snap, assess_own(snap, read_card(snap, j), {}, {}, j), [], j) for j in (plain, framed)]
    assert cards[0].axes == cards[1].axes and cards[1].results["mof"].outcome is not None
