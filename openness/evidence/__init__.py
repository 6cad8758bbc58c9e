"""Evidence: what a snapshot says, as signals for the rubric and items a reader can check."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import openness.evidence.extractors as extractors
from openness.evidence.card import ParsedCard
from openness.evidence.lineage import DeclaredParent
from openness.models import Evidence, LicenseVerdict, ModelSnapshot
from openness.evidence.terms import Licences, Vocabulary

from openness.evidence.registry import Reading, extractors_in_order


@dataclass(frozen=True)
class EvidenceSet:
    """Everything extracted from one snapshot."""

    signals: dict[str, Any]
    evidence: tuple[Evidence, ...]
    license: LicenseVerdict
    papers: tuple[str, ...]
    parents: tuple[DeclaredParent, ...]
    datasets: tuple[str, ...]
    """Dataset ids the model names, to be looked up on the Hub."""
    code: extractors.CodeFindings
    """Code sources by kind and the code-host links behind them (repositories to read)."""


def extract_evidence(snapshot: ModelSnapshot, vocab: Vocabulary, licences: Licences, *,
                     frameworks: bool = True) -> EvidenceSet:
    """Run the extractors (openness/evidence/registry.py) over one snapshot. Pure: no I/O.

    `frameworks` False skips the extractors only the framework rubrics read (the openness
    axes never test their signals: the rubric loader checks it), so plain scoring does not
    pay for them."""
    reading = Reading(snapshot, vocab, licences, signals={"card.status": snapshot.card.status})
    evidence: list[Evidence] = []
    for extractor in extractors_in_order():
        if extractor.for_frameworks and not frameworks:
            continue
        part = extractor.run(reading)
        reading.signals.update(part.signals)
        evidence.extend(part.evidence)
    papers = tuple(extractors.papers(reading.snapshot, reading.card, vocab))
    return EvidenceSet(reading.signals, tuple(evidence), reading.found["licence"], papers,
                       tuple(reading.found["parents"]), tuple(reading.found["datasets"].found), reading.found["code"])


__all__ = ["DeclaredParent", "EvidenceSet", "ParsedCard", "extract_evidence"]
