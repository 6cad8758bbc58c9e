"""The training-data axis reads cards the way the expert labels do (RUBRIC.md conventions).

Each test is a small synthetic card standing for a card shape, and checks the data level it
reaches (D0-D4) as well as the evidence that decided it.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from openness.evidence import extract_evidence
from openness.models import CardFile, Evidence, ModelSnapshot
from openness.rubric import evaluate, load_licences, load_rubric, load_vocabulary

VOCAB = load_vocabulary()
LICENCES = load_licences()
RUBRIC = load_rubric()


def snapshot(card: str | None, *, card_data: dict[str, Any] | None = None, tags: tuple[str, ...] = ()) -> ModelSnapshot:
    return ModelSnapshot(repo_id="t/m", sha="0" * 40, card_data=card_data or {}, tags=list(tags),
                         siblings=["README.md", "model.safetensors"], card=CardFile(status="ok", text=card))


def read(card: str, **kw: Any) -> tuple[dict[str, Any], list[Evidence]]:
    found = extract_evidence(snapshot(card, **kw), VOCAB, LICENCES)
    return found.signals, list(found.evidence)


def data_level(card: str, **kw: Any) -> int:
    """The data level the card alone reaches (the Hub's dataset lookups not made)."""
    found = extract_evidence(snapshot(card, **kw), VOCAB, LICENCES)
    signals = {**found.signals, "data.datasets_not_open": 0}  # as if every named dataset were open
    score = evaluate(RUBRIC, "default", signals, found.evidence)["data"].score
    assert score is not None
    return score


def details(evidence: list[Evidence], signal: str) -> list[str]:
    return [e.detail for e in evidence if e.signal == signal]


def grows_linearly(make: Callable[[int], str], run: Callable[[str], object], n: int) -> bool:
    """Whether the work on an input of size 2n is well under four times that on size n.

    A quadratic step quadruples; a linear one doubles. The best of three runs of each is
    compared, so that a busy machine does not decide it.
    """
    def best(size: int) -> float:
        text = make(size)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run(text)
            times.append(time.perf_counter() - start)
        return min(times)

    best(n // 10)  # warm up caches and compiled patterns
    return best(2 * n) < 3 * best(n)


def extract(text: str) -> object:
    return extract_evidence(snapshot(text), VOCAB, LICENCES)


# ---- partly obtainable corpora --------------------------------------------------------

def test_a_withdrawn_corpus_is_identified_but_caps_data_at_d2():
    card = "# M\n\n## Training data\nThe model was trained on a subset of LAION-5B, filtered for resolution.\n"
    signals, evidence = read(card)
    assert signals["data.identified_count"] == 1 and signals["data.partly_obtainable"] == 1
    assert signals["data.unreleased"] == 0
    assert any("LAION" in d and "partly obtainable" in d for d in details(evidence, "data.partly_obtainable"))
    assert data_level(card) == 2


def test_a_corpus_only_in_unofficial_dumps_alone_is_d2_not_d1():
    card = "# M\n\n## Training data\nFine-tuned on 70k ShareGPT conversations.\n"
    assert data_level(card) == 2


def test_a_public_corpus_beside_a_withdrawn_one_stays_d2():
    card = "# M\n\n## Training data\nWe trained on English Wikipedia and BookCorpus.\n"
    signals, _ = read(card)
    assert signals["data.public_corpora"] == 1 and signals["data.partly_obtainable_as"] == "BookCorpus"
    assert data_level(card) == 2


def test_a_hub_copy_of_a_withdrawn_corpus_is_partly_obtainable():
    card = "# M\n\n## Training data\nSee the metadata: 2M images in all.\n"
    signals, evidence = read(card, card_data={"datasets": ["someone/laion2B-en-subset", "org/clean-set"]})
    assert signals["data.partly_obtainable"] == 1
    assert any("someone/laion2B-en-subset is a copy of LAION" in d for d in details(evidence, "data.partly_obtainable"))
    assert data_level(card, card_data={"datasets": ["someone/laion2B-en-subset", "org/clean-set"]}) == 2
    assert data_level(card, card_data={"datasets": ["org/clean-set"]}) == 3
