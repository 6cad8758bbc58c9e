"""Evidence: what a snapshot says, as signals for the rubric and items a reader can check."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openness.evidence import extractors
from openness.evidence.card import ParsedCard, parse_card
from openness.evidence.frontmatter import read_front_matter
from openness.evidence.licences import classify
from openness.evidence.lineage import DeclaredParent, declared_parents, weight_edit
from openness.evidence.prose import read_prose
from openness.models import MAX_CARD_BYTES, Evidence, LicenseVerdict, ModelSnapshot
from openness.evidence.terms import CLASS_ORDER, Licences, Vocabulary


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


def extract_evidence(snapshot: ModelSnapshot, vocab: Vocabulary, licences: Licences) -> EvidenceSet:
    """Run every extractor over one snapshot. Pure: no I/O."""
    snapshot, about_card = _card_facts(snapshot)
    card = parse_card(snapshot.card.text) if snapshot.card.status == "ok" and snapshot.card.text else None
    prose = read_prose(card) if card else None
    licence, verdict = _licence(snapshot, licences, extractors.licence_statements(prose, licences))
    named = extractors.datasets_named(snapshot, prose, vocab)
    code_part, code_found = extractors.code(snapshot, prose, vocab)
    parts = [
        about_card,
        licence,
        extractors.gate(snapshot),
        extractors.weights(snapshot, card, vocab),
        extractors.data(snapshot, prose, vocab, named),
        code_part,
    ]
    signals: dict[str, Any] = {"card.status": snapshot.card.status}
    evidence: list[Evidence] = []
    for part in parts:
        signals.update(part.signals)
        evidence.extend(part.evidence)
    kinds = {k for k in str(signals["weights.kinds"]).split(", ") if k != "none"}
    parents = declared_parents(snapshot, vocab, kinds, bool(signals["weights.adapter_only"]), prose)
    lineage = _lineage(parents, weight_edit(snapshot, prose, vocab))
    signals.update(lineage.signals)
    evidence.extend(lineage.evidence)
    papers = tuple(extractors.papers(snapshot, card, vocab))
    return EvidenceSet(signals, tuple(evidence), verdict, papers, tuple(parents), tuple(named.found), code_found)


def _card_facts(snapshot: ModelSnapshot) -> tuple[ModelSnapshot, extractors.Extracted]:
    """What limits the reading of the card: a cut, or metadata taken from its own front matter.

    Returns the snapshot to read (with the front matter as metadata when the Hub sent
    none) and the signals and evidence that say so.
    """
    out = extractors.Extracted()
    card = snapshot.card
    out.signals["card.truncated"] = card.truncated
    if snapshot.requested_id:
        out.add("card.status", "model_info", f"asked for {snapshot.requested_id}: the Hub redirected to "
                                             f"{snapshot.repo_id} (a renamed repo) and this is what it holds", "high")
    if card.truncated:
        out.add("card.status", "README.md",
                f"longer than {MAX_CARD_BYTES:,} bytes: only that much was read, so evidence further down was not seen",
                "high")
    if card.status != "ok" or not card.text or snapshot.card_data:
        return snapshot, out
    front = read_front_matter(card.text)
    where = f"README.md lines 1-{front.last_line}"
    if front.problem:
        out.add("card.status", where if front.last_line else "README.md", f"metadata not read: {front.problem}", "high")
    elif front.data:
        out.add("card.status", where, "the Hub sent no card metadata; the card's own front matter was read instead",
                "medium")
        snapshot = snapshot.model_copy(update={"card_data": front.data})
    return snapshot, out


def _lineage(parents: list[DeclaredParent], edit: tuple[str, str] | None) -> extractors.Extracted:
    out = extractors.Extracted()
    out.signals["lineage.parents"] = len(parents)
    out.signals["lineage.weight_edit"] = edit is not None
    for parent in parents:
        unpinned = f"; {parent.unresolved}" if parent.unresolved else ""
        out.add("lineage.parent", parent.source,
                f"{parent.relation} of {parent.repo_id} (relation from {parent.relation_source}){unpinned}",
                parent.strength)
    if edit:
        out.add("lineage.weight_edit", edit[0], f"weights edited without training: {edit[1]}", "medium")
    return out


def _licence(snapshot: ModelSnapshot, licences: Licences,
             stated: list[extractors.LicenceStatement]) -> tuple[extractors.Extracted, LicenseVerdict]:
    out = extractors.Extracted()
    verdict, parts = classify(licences, snapshot.card_data, snapshot.tags)
    verdict = _with_card_text(verdict, stated, licences)
    out.signals.update({
        "license.id": verdict.id or "none",
        "license.label": verdict.label,
        "license.class": verdict.license_class,
        "license.class_title": verdict.class_title,
    })
    source = "cardData.license" if "license" in snapshot.card_data else "tags"
    for part in parts:
        how = f" via alias '{part.resolved_via.split(':', 1)[1]}'" if part.resolved_via else ""
        declared = part.declared or "nothing"
        out.add("license.class", source,
                f"declares {declared}{how}: {part.label} is class {part.licence_class} ({part.reason})", "high")
    if verdict.name or verdict.link:
        out.add("license.class", "cardData.license_name/license_link",
                f"name {verdict.name!r}, link {verdict.link!r}", "high")
    for item in stated:
        out.add("license.class", item.source,
                f"card text states {item.name} (class {item.licence_class}: {item.reason}): "
                f"{extractors.quote(item.sentence, 120)}", "medium")
    for flag in verdict.flags:
        out.add("license.class", "rubrics/licenses.yaml", f"flag: {flag}", "medium")
    return out, verdict


def _with_card_text(verdict: LicenseVerdict, stated: list[extractors.LicenceStatement],
                    licences: Licences) -> LicenseVerdict:
    """RUBRIC.md: take the more restrictive of metadata and card text, and flag the mismatch.

    Metadata that resolves to nothing (class F) gives way to what the text states.
    """
    if not stated:
        return verdict
    strictest = max(stated, key=lambda s: CLASS_ORDER.index(s.licence_class))
    text_class = strictest.licence_class
    if verdict.license_class == "F":
        flag = "licence-from-card-text"
    elif CLASS_ORDER.index(text_class) > CLASS_ORDER.index(verdict.license_class):
        flag = "card-text-disagrees"
    else:
        return verdict
    return verdict.model_copy(update={
        "license_class": text_class, "class_title": licences.classes[text_class].title,  # type: ignore[index]
        "label": f"{verdict.label}; card text: {strictest.name}", "flags": sorted({*verdict.flags, flag})})


__all__ = ["DeclaredParent", "EvidenceSet", "ParsedCard", "extract_evidence"]
