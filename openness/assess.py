"""The pure middle: from facts in hand to a judged scorecard. No threads, no I/O.

Three steps, each a plain function of values (all picklable, so a scan may run them in
other processes):

1. `read_card(snapshot, judge)`: the evidence of a model's card and metadata, and from it
   `lookups_needed(...)`: which parents, datasets and code repositories to look up.
2. `assess_own(snapshot, found, datasets, repos, judge)`: the model's own verdicts, from
   the snapshot and the answers to those lookups (an answer may be a SourceError: a
   lookup that failed is unknown, never missing).
3. `join(snapshot, own, parents, judge)`: the scorecard, its parents' results joined in
   under the rubric's lineage rules.

`openness.run` only fetches, runs things concurrently and decides the order of work.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openness.errors import COULD_NOT_LOOK, OpennessError, SourceError, UnknownProfile, UnknownRubric, quoted
from openness.evidence import EvidenceSet, extract_evidence
from openness.evidence.datasets import DatasetLookup, dataset_entry, dataset_findings, lookup_failure
from openness.evidence.repos import repo_findings
from openness.evidence.lineage import DeclaredParent
from openness.options import AXES_RUBRIC, other_rubric_names
from openness.models import (AxisName, AxisVerdict, CodeRepoSnapshot, DatasetEntry, ErrorInfo, Evidence,
                             LineageEntry, ModelSnapshot, RepoEntry, RubricRef, Scorecard)
from openness.rubric import evaluate, load_licences, load_rubric, load_vocabulary
from openness.rubric.frameworks import framework_signals, inherited_signals, judge_framework
from openness.rubric.lineage import ParentOutcome, join_lineage
from openness.rubric.loader import load_frameworks
from openness.evidence.terms import Licences, Vocabulary
from openness.rubric.schema import Framework, Rubric

# A card may name any number of parents and datasets; real ones name a handful (a merge
# a dozen at most). Beyond these nothing is fetched, so one hostile card cannot make a
# run send thousands of requests; what was left out is reported, not dropped.
MAX_PARENTS = 16
MAX_DATASETS = 32
# Code repositories read per model: real cards link a few of their own.
MAX_REPOS = 8
# Lineage entries one scorecard lists. Real lineages run to a few dozen; a lattice (each
# level two parents sharing the same two grandparents) lists every path, 2^depth of them,
# so beyond this the rest is counted (Scorecard.lineage_omitted), not listed.
MAX_LINEAGE_ENTRIES = 512


@dataclass(frozen=True)
class Judge:
    """The rubric files and the profile that turn evidence into verdicts."""

    rubric: Rubric
    vocabulary: Vocabulary
    licences: Licences
    profile: str = "default"
    frameworks: tuple[Framework, ...] = ()
    """Other rubrics each scorecard is also judged under (its `results`), in the order asked."""

    @classmethod
    def load(cls, profile: str = "default", rubrics: Sequence[str] = ()) -> "Judge":
        """The packaged rubric under `profile`, and the other rubrics named in `rubrics`
        ("all" for every one); raises UnknownProfile or UnknownRubric for a name it lacks."""
        rubric = load_rubric()
        if profile not in rubric.profiles:
            known = ", ".join(rubric.profiles)
            raise UnknownProfile(f"no profile named {profile!r} (known: {known})")
        return cls(rubric, load_vocabulary(), load_licences(), profile, frameworks_named(rubrics))

    @property
    def ref(self) -> RubricRef:
        """Which rubric, version and profile this judge applies."""
        return RubricRef(id=self.rubric.id, version=self.rubric.version, profile=self.profile)


def frameworks_named(names: Sequence[str]) -> tuple[Framework, ...]:
    """The rubrics with dimensions of their own that `names` asks for, each once, in order;
    "all" is every one found. "openness" is the axes themselves: nothing to add."""
    asked = other_rubric_names(names)
    if not asked:
        return ()
    found = load_frameworks()
    if "all" in asked:
        return tuple(found.values())
    missing = [n for n in asked if n not in found]
    if missing:
        known = ", ".join([AXES_RUBRIC, *found])
        raise UnknownRubric(f"no rubric named {quoted(missing[0])} (known: {known})")
    return tuple(found[n] for n in dict.fromkeys(asked))


def error_card(repo_id: str, revision: str | None, exc: OpennessError) -> Scorecard:
    """A scorecard that stands in the output for a model that could not be scored."""
    return Scorecard(repo_id=repo_id, revision=revision, status="error",
                     error=ErrorInfo(kind=exc.kind, message=str(exc)))


@dataclass(frozen=True)
class Trace:
    """What `openness explain` shows: the final scorecard and how the model's own stage was judged."""

    card: Scorecard
    signals: dict[str, Any]
    """Every signal of the model's own card (after dataset lookups), by name."""
    evidence: tuple[Evidence, ...]
    own: dict[AxisName, AxisVerdict]
    """Verdicts of the model's own stage, before its parents were joined in."""


# ---- 1. what the card says, and what it needs looked up ----------------------------------

@dataclass(frozen=True)
class Lookups:
    """What a model's card needs looked up before it can be judged, within the caps."""

    parents: tuple[DeclaredParent, ...]
    """Parents to walk to, in the card's order (at most MAX_PARENTS)."""
    datasets: tuple[str, ...]
    """Dataset ids to look up on the Hub (at most MAX_DATASETS)."""
    repos: tuple[str, ...]
    """Code repositories (`owner/name`) to read, when reading them is on (at most MAX_REPOS)."""

    @property
    def parent_ids(self) -> tuple[str, ...]:
        """Hub ids among the parents (a parent named only by a name has none to fetch)."""
        return tuple(p.repo_id for p in self.parents if not p.unresolved)


def read_card(snapshot: ModelSnapshot, judge: Judge) -> EvidenceSet:
    """The evidence a model's card and metadata hold, before anything is looked up."""
    return extract_evidence(snapshot, judge.vocabulary, judge.licences, frameworks=bool(judge.frameworks))


def lookups_needed(found: EvidenceSet, *, repos: bool = True) -> Lookups:
    """The parents, datasets and repositories `found` names, each list cut at its cap."""
    return Lookups(parents=tuple(found.parents[:MAX_PARENTS]), datasets=tuple(found.datasets[:MAX_DATASETS]),
                   repos=tuple(found.code.lookups()[:MAX_REPOS]) if repos else ())


# ---- 2. the model's own verdicts -----------------------------------------------------------

@dataclass(frozen=True)
class OwnAssessment:
    """A model judged on its own card, its datasets and its repositories, before lineage."""

    found: EvidenceSet
    entries: list[DatasetEntry]
    signals: dict[str, Any]
    evidence: tuple[Evidence, ...]
    verdicts: dict[AxisName, AxisVerdict]
    repos: dict[str, CodeRepoSnapshot]
    """The linked code repositories read, by `owner/name` as the card gave them."""


def assess_own(snapshot: ModelSnapshot, found: EvidenceSet, datasets: Mapping[str, DatasetLookup],
               repos: Mapping[str, CodeRepoSnapshot], judge: Judge) -> OwnAssessment:
    """The model's own verdicts from its evidence and the answers to its lookups.

    `datasets` answers each id of `lookups_needed(found).datasets` (an id missing from it
    counts as a lookup that failed); `repos` the repositories read (none when off).
    """
    looked_up = found.datasets[:MAX_DATASETS]
    lookups = [(d, datasets.get(d, SourceError(f"dataset {d}", "not looked up"))) for d in looked_up]
    entries = [dataset_entry(d, lookup, judge.licences) for d, lookup in lookups]
    entries += [dataset_entry(d, _too_many("dataset", d, MAX_DATASETS), judge.licences)
                for d in found.datasets[MAX_DATASETS:]]
    failed = {d: why for d, lookup in lookups if (why := lookup_failure(lookup)) is not None}
    more = dataset_findings(entries, failed)
    read = dict(repos)
    code = repo_findings(found.code, read, judge.vocabulary, judge.licences, snapshot.repo_id)
    signals = {**found.signals, **more.signals, **code.signals}
    evidence = found.evidence + tuple(more.evidence) + tuple(code.evidence)
    return OwnAssessment(found, entries, signals, evidence,
                         evaluate(judge.rubric, judge.profile, signals, evidence), read)


def _too_many(kind: str, name: str, limit: int) -> SourceError:
    return SourceError(f"{kind} {name}", f"not looked up: the card names more than {limit} {kind}s")


# ---- 3. the join with the parents ----------------------------------------------------------

def parent_outcome(parent: DeclaredParent, card: Scorecard) -> ParentOutcome:
    """What a parent walked to gave: its scorecard, or why there is none."""
    if card.status == "scored":
        return ParentOutcome(parent, "scored", card=card)
    kind = card.error.kind if card.error else "error"
    status = kind if kind in ("not_found", "gated") else "error"
    message = card.error.message.split(": ", 1)[-1] if card.error else "could not be fetched"
    if kind in COULD_NOT_LOOK:  # the Hub failed, not the parent: unknown, never "missing"
        return ParentOutcome(parent, status, reason=f"could not be looked up ({message})", unknown=True)
    return ParentOutcome(parent, status, reason=f"could not be resolved: {message}")


def parents_not_followed(found: EvidenceSet) -> list[ParentOutcome]:
    """The parents beyond MAX_PARENTS: named, not walked to."""
    return [ParentOutcome(p, "error", reason=f"not followed: the card names more than {MAX_PARENTS} parents")
            for p in found.parents[MAX_PARENTS:]]


def join(snapshot: ModelSnapshot, own: OwnAssessment, parents: list[ParentOutcome], judge: Judge) -> Scorecard:
    """The model's scorecard: its own verdicts with its parents' joined in, its lineage
    listed (at most MAX_LINEAGE_ENTRIES entries) and its datasets and repositories."""
    outcomes = [*parents, *parents_not_followed(own.found)]
    joined = join_lineage(judge.rubric, judge.profile, own.verdicts, own.found.license, own.signals,
                          own.evidence, outcomes)
    lineage, omitted = lineage_entries(outcomes, depth=1)
    card = Scorecard(
        repo_id=snapshot.repo_id, revision=snapshot.sha, status="scored", license=joined.license,
        gated=snapshot.gated, axes=joined.axes, papers=list(own.found.papers),
        lineage=lineage, lineage_omitted=omitted, datasets=own.entries,
        repositories=[RepoEntry.of(snap) for snap in own.repos.values()],
    )
    if not judge.frameworks:
        return card
    signals = framework_signals(own.signals, card, own=own.verdicts,
                                parents=[o.card if o.resolved else None for o in outcomes])
    return card.model_copy(update={"results": {f.id: judge_framework(f, inherited_signals(f, signals, parents))
                                               for f in judge.frameworks}})


def lineage_entries(parents: list[ParentOutcome], depth: int) -> tuple[list[LineageEntry], int]:
    """The ancestors to list, parent by parent with each one's own ancestors after it, at
    most MAX_LINEAGE_ENTRIES of them; and how many more there were."""
    entries: list[LineageEntry] = []
    total = 0
    for outcome in parents:
        card = outcome.card if outcome.resolved else None
        total += 1 + (len(card.lineage) + card.lineage_omitted if card else 0)
        if len(entries) < MAX_LINEAGE_ENTRIES:
            entries.append(LineageEntry(
                repo_id=outcome.parent.repo_id, relation=outcome.parent.relation, depth=depth,
                status=outcome.status,  # type: ignore[arg-type]
                axes={axis: verdict.verdict for axis, verdict in card.axes.items()} if card else {},
                reason=outcome.reason,
            ))
        if card:
            room = MAX_LINEAGE_ENTRIES - len(entries)
            entries += [e.model_copy(update={"depth": e.depth + depth}) for e in card.lineage[:max(room, 0)]]
    return entries, total - len(entries)
