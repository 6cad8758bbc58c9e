"""The evidence extractors, each with what it reads and the signals it produces.

`extract_evidence` runs them in this order over one `Reading`: the per-card memo that
parses the card, rebuilds its prose and reads its metadata once, for every extractor. A
signal's meaning is in `openness.evidence.signals.SIGNALS`; `produced_signals()` is what
the rubric loaders check a rubric against (a condition on a signal nobody produces is an
error in the rubric file, not a finding that is never met).

Two lookups later give some signals again with what they found (`refines`): the datasets
the card names (openness/evidence/datasets.py) and the code repositories it links
(openness/evidence/repos.py). They run in the assessment, once the lookups are answered.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import openness.evidence.access as access
import openness.evidence.extractors as extractors
import openness.evidence.regulation as regulation
from openness.evidence.card import ParsedCard, parse_card
from openness.evidence.components import COMPONENT_SIGNALS
from openness.evidence.documents import documents
from openness.evidence.frontmatter import read_front_matter
from openness.evidence.licences import classify
from openness.evidence.lineage import DeclaredParent, declared_parents, lines_read, weight_edit
from openness.evidence.prose import Prose, read_prose
from openness.evidence.terms import CLASS_ORDER, Licences, Vocabulary
from openness.models import MAX_CARD_BYTES, LicenseVerdict, ModelSnapshot


@dataclass
class Reading:
    """One snapshot as every extractor reads it: the card parsed and its prose rebuilt once,
    and what earlier extractors found (`signals`, `found`) for later ones to build on."""

    snapshot: ModelSnapshot
    vocab: Vocabulary
    licences: Licences
    signals: dict[str, Any] = field(default_factory=dict)
    found: dict[str, Any] = field(default_factory=dict)
    """Findings beyond signals, by extractor: the licence verdict, named datasets, code links."""

    @cached_property
    def card(self) -> ParsedCard | None:
        card = self.snapshot.card
        return parse_card(card.text) if card.status == "ok" and card.text else None

    @cached_property
    def prose(self) -> Prose | None:
        return read_prose(self.card) if self.card else None


@dataclass(frozen=True)
class Extractor:
    name: str
    reads: tuple[str, ...]
    """What it needs: metadata, files, card text, prose, earlier signals, vocabulary, licences."""
    produces: tuple[str, ...]
    """Signals it sets (names in SIGNALS)."""
    run: Callable[[Reading], extractors.Extracted]
    evidence: tuple[str, ...] = ()
    """Evidence kinds it records that are not signals the rubric tests (shown by explain)."""
    for_frameworks: bool = False
    """Only the framework rubrics test what it produces: skipped when none is asked for."""


@dataclass(frozen=True)
class Refinement:
    """A later stage that gives signals again, once its lookups are answered."""

    name: str
    reads: tuple[str, ...]
    refines: tuple[str, ...]
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """Signals computed from other signals once the lookups and the lineage join are done
    (openness.rubric.frameworks applies them), for the rubrics with dimensions."""

    name: str
    reads: tuple[str, ...]
    produces: tuple[str, ...]


DERIVATIONS = (
    Derivation("mof components", ("weights, documents, data and code signals", "the licence after lineage"),
               COMPONENT_SIGNALS),
)


def produced_signals(*, for_frameworks: bool = True) -> frozenset[str]:
    """Every signal an extractor or a derivation produces: what a framework rubric may test.
    `for_frameworks` False: what the openness rubric may test (no framework-only extractor,
    no derivation, which runs after lineage)."""
    if not for_frameworks:
        return frozenset({"card.status", *(s for e in extractors_in_order() if not e.for_frameworks
                                           for s in e.produces)})
    return frozenset({"card.status", *(s for e in extractors_in_order() for s in e.produces),
                      *(s for d in DERIVATIONS for s in d.produces)})


def evidence_kinds() -> frozenset[str]:
    """Evidence kinds recorded beside the signals."""
    kinds = [k for e in extractors_in_order() for k in e.evidence] + [k for r in REFINEMENTS for k in r.evidence]
    return frozenset(kinds)


def extractors_in_order() -> tuple[Extractor, ...]:
    return (
        Extractor("card", ("metadata", "card text"), ("card.truncated",), card_facts),
        Extractor("licence", ("metadata", "tags", "prose", "licences"),
                  ("license.id", "license.label", "license.class", "license.class_title", "license.libre"),
                  licence_part),
        Extractor("gate", ("metadata",), ("gate", "gate.as"), lambda r: extractors.gate(r.snapshot)),
        Extractor("weights", ("files", "card text", "vocabulary"),
                  ("repo.files", "weights.files", "weights.kinds", "weights.suffixes", "weights.adapter_only",
                   "weights.training_state"),
                  lambda r: extractors.weights(r.snapshot, r.card, r.vocab)),
        Extractor("data", ("metadata", "tags", "prose", "vocabulary"), DATA_SIGNALS, _data),
        Extractor("code", ("metadata", "tags", "prose", "vocabulary"), CODE_SIGNALS, _code,
                  evidence=("code.frameworks", "code.not_code", "code.procedure_section")),
        Extractor("lineage", ("metadata", "tags", "prose", "weights signals", "vocabulary"),
                  ("lineage.parents", "lineage.weight_edit"), lineage_part, evidence=("lineage.parent",)),
        Extractor("documents", ("files", "card text", "metadata", "data signals", "vocabulary"), DOCUMENT_SIGNALS,
                  lambda r: documents(r.snapshot, r.card, r.vocab.documents, r.signals), for_frameworks=True),
        Extractor("regulation", ("metadata", "tags", "files", "card text", "weights and gate signals"),
                  EU_SIGNALS, lambda r: regulation.regulation(r.snapshot, r.card, r.signals), evidence=("eu.monetised",),
                  for_frameworks=True),
        Extractor("access", ("files", "card text", "code and weights signals", "code links", "vocabulary"),
                  access.ACCESS_SIGNALS, lambda r: access.access(r.snapshot, r.signals, r.found.get("code"), r.vocab),
                  for_frameworks=True),
    )


DATA_SIGNALS = ("data.datasets", "data.dataset_ids", "data.datasets_missing", "data.datasets_not_open",
                "data.datasets_closed", "data.datasets_unchecked",
                "data.datasets_summary", "data.public_corpora", "data.corpora_code", "data.identified_count", "data.identified",
                "data.unreleased", "data.unreleased_as", "data.partly_obtainable", "data.partly_obtainable_as",
                "data.section", "data.processing", "data.described", "data.described_as", "data.searched")
CODE_SIGNALS = ("code.training", "code.training_links", "code.finetune", "code.finetune_links", "code.some_stage",
                "code.evaluation", "code.data_processing", "code.inference", "code.inference_links",
                "code.searched", "code.training_not_open", "code.training_not_open_as", "code.licences",
                "code.repos_unchecked", "code.repos_unchecked_as")
DOCUMENT_SIGNALS = ("files.architecture", "files.tokenizer", "docs.paper", "docs.paper_as", "docs.eval_results",
                    "docs.eval_data", "docs.data_card")
EU_SIGNALS = ("eu.generative", "eu.generative_as", "eu.parameters", "eu.parameters_as", "eu.training_tokens",
              "eu.training_tokens_as", "eu.training_compute", "eu.training_compute_as", "eu.weights_public",
              "eu.weights_public_as", "eu.architecture_public", "eu.architecture_public_as", "eu.usage_public",
              "eu.usage_public_as", "eu.monetisation_flagged", "eu.not_monetised", "eu.monetised_as",
              "eu.training_summary", "eu.training_summary_as", "eu.copyright_policy", "eu.copyright_policy_as")
REFINEMENTS = (
    Refinement("datasets", ("dataset lookups", "licences"),
               ("data.datasets_missing", "data.datasets_not_open", "data.datasets_closed", "data.datasets_unchecked",
                "data.datasets_summary")),
    Refinement("repositories", ("repository trees, READMEs and licences", "vocabulary", "licences"), CODE_SIGNALS,
               evidence=("code.repository",)),
)


def _data(reading: Reading) -> extractors.Extracted:
    # The training-data lines are read once: both steps need them (a tenth of a card's reading).
    lines = extractors.data_lines(reading.prose, reading.vocab)
    named = extractors.datasets_named(reading.snapshot, reading.prose, reading.vocab, lines)
    reading.found["datasets"] = named
    return extractors.data(reading.snapshot, reading.prose, reading.vocab, named, lines)


def _code(reading: Reading) -> extractors.Extracted:
    part, found = extractors.code(reading.snapshot, reading.prose, reading.vocab)
    reading.found["code"] = found
    return part


# ---- the extractors that are not in extractors.py ------------------------------------------

def card_facts(reading: Reading) -> extractors.Extracted:
    """The card extractor: a cut card, a renamed repo, front matter standing in for metadata
    (the snapshot every later extractor reads)."""
    reading.snapshot, out = _card_facts(reading.snapshot)
    return out


def licence_part(reading: Reading) -> extractors.Extracted:
    """The licence extractor: metadata, tags and what the card text states."""
    out, verdict = _licence(reading.snapshot, reading.licences,
                            extractors.licence_statements(reading.prose, reading.licences))
    reading.found["licence"] = verdict
    return out


def lineage_part(reading: Reading) -> extractors.Extracted:
    """The lineage extractor: declared parents (reading the weight kinds found before) and
    whether the weights were edited without training."""
    kinds = {k for k in str(reading.signals["weights.kinds"]).split(", ") if k != "none"}
    # The lines both steps read in the card text, picked out once.
    read = lines_read(reading.prose, reading.vocab.lineage.text_parents) if reading.prose else None
    parents = declared_parents(reading.snapshot, reading.vocab, kinds, bool(reading.signals["weights.adapter_only"]),
                               reading.prose, read)
    reading.found["parents"] = parents
    return _lineage(parents, weight_edit(reading.snapshot, reading.prose, reading.vocab, read))


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
    if snapshot.licence_text is not None:  # what the id stands for at this commit: `openness diff` compares it
        verdict = verdict.model_copy(update={"text_file": snapshot.licence_text.file,
                                             "text_sha256": snapshot.licence_text.sha256})
    out.signals.update({
        "license.id": verdict.id or "none",
        "license.label": verdict.label,
        "license.class": verdict.license_class,
        "license.class_title": verdict.class_title,
        "license.libre": libre(verdict),
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


def libre(verdict: LicenseVerdict) -> bool | None:
    """Whether the licence is OSI-approved, FSF-libre or an open-data licence (class A or B
    without the `not-libre` flag); None when it cannot be resolved (class F, never open)."""
    if verdict.license_class == "F":
        return None
    return verdict.license_class in ("A", "B") and "not-libre" not in verdict.flags


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
