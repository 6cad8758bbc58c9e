"""One scoring run: fetches each repo and dataset at most once, walks lineage, joins verdicts."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from openness.errors import COULD_NOT_LOOK, SourceError
from openness.evidence import EvidenceSet, extract_evidence
from openness.evidence.datasets import DatasetLookup, dataset_entry, dataset_findings, lookup_failure
from openness.evidence.repos import repo_findings
from openness.models import (AxisName, AxisVerdict, CodeRepoSnapshot, DatasetEntry, Evidence, LineageEntry,
                             ModelRef, ModelSnapshot, RepoEntry, Scorecard)
from openness.rubric import evaluate
from openness.rubric.lineage import ParentOutcome, join_lineage
from openness.sources.interface import CodeHost, MetadataSource

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

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Computes each key once, even when several threads ask at the same moment.

    The first caller starts the work (in `pool` when given, else inline); the others get
    the same future. Failures are remembered too, so a missing parent shared by many
    models costs one request, not one each.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[K, Future[V]] = {}

    def future(self, key: K, compute: Callable[[], V], pool: Executor | None = None) -> Future[V]:
        """The future value for `key`, starting its computation if nobody has yet."""
        with self._lock:
            future = self._futures.get(key)
            if future is not None:
                return future
            if pool is not None:
                future = self._futures[key] = pool.submit(compute)
                return future
            future = self._futures[key] = Future()
        try:
            future.set_result(compute())
        except BaseException as exc:  # stored, then raised to every caller
            future.set_exception(exc)
        return future

    def get(self, key: K, compute: Callable[[], V], pool: Executor | None = None) -> V:
        """The value for `key`, computing it if nobody has yet."""
        return self.future(key, compute, pool).result()


class ScoringRun:
    """Scores models against one source and judge, sharing fetches across the whole run.

    Fetches run on a pool of `jobs` threads that only fetch (they never wait on other
    work, so they cannot deadlock), which bounds the requests in flight. As soon as a
    model's snapshot is read, its parents and datasets are requested together.
    Use it as a context manager, so the pool is shut down.
    """

    def __init__(self, source: MetadataSource, judge: "Judge", *, jobs: int = 8,
                 code_host: CodeHost | None = None) -> None:
        self._source = source
        self._code_host = code_host
        self._judge = judge
        self._pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="openness-fetch")
        self._snapshots: Memo[str, ModelSnapshot | SourceError] = Memo()
        self._datasets: Memo[str, DatasetLookup] = Memo()
        self._repos: Memo[str, CodeRepoSnapshot] = Memo()
        self._judged_lock = threading.Lock()
        self._judged: dict[str, list[_Judged]] = {}
        """Scorecards already judged, by lower-case `org/name[@revision]` (see _Judged.fits)."""

    def __enter__(self) -> "ScoringRun":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        # After Ctrl-C nobody wants the answers in flight: leave without waiting for them.
        interrupted = exc_type is not None and issubclass(exc_type, KeyboardInterrupt)
        self._pool.shutdown(wait=not interrupted, cancel_futures=True)

    def score(self, ref: ModelRef) -> Scorecard:
        """A model's scorecard, lineage and datasets included; errors become error cards."""
        return self._judge_once(ref, depth=0, path=()).card

    def _judge_once(self, ref: ModelRef, depth: int, path: tuple[str, ...]) -> "_Judged":
        """The repo's scorecard, judged once per run wherever it can be: a parent shared by
        many children (or by every path through a lattice of ancestors) is not judged again
        for each, which keeps the walk linear in the repos rather than in the paths."""
        key = str(ref).lower()
        on_path = frozenset(path)
        max_depth = self._judge.rubric.lineage.max_depth
        with self._judged_lock:
            for judged in self._judged.get(key, ()):
                if judged.fits(depth, on_path, max_depth):
                    return judged
        judged = self._score(ref, depth, path)
        if not judged.seen & on_path:  # no cycle cut against the path above: valid for other paths
            with self._judged_lock:
                self._judged.setdefault(key, []).append(judged)
        return judged

    def _snapshot_future(self, ref: ModelRef) -> Future[ModelSnapshot | SourceError]:
        def fetch() -> ModelSnapshot | SourceError:
            try:
                return self._source.fetch(ref)
            except SourceError as exc:
                return exc
        return self._snapshots.future(str(ref).lower(), fetch, self._pool)

    def _dataset_future(self, dataset_id: str) -> Future[DatasetLookup]:
        def fetch() -> DatasetLookup:
            try:
                return self._source.fetch_dataset(dataset_id)
            except SourceError as exc:
                return exc
        return self._datasets.future(dataset_id.lower(), fetch, self._pool)

    def _repo_future(self, repo: str) -> Future[CodeRepoSnapshot]:
        host = self._code_host
        assert host is not None
        return self._repos.future(repo.lower(), lambda: host.fetch_repo(repo), self._pool)

    def _prefetch(self, parents, datasets) -> None:
        """Ask for every parent and dataset at once; the walk below then mostly waits less."""
        for parent in parents:
            if parent.unresolved:  # a name, not a Hub id: nothing to fetch
                continue
            try:
                self._snapshot_future(ModelRef.parse(parent.repo_id))
            except Exception:  # an invalid id is reported when the walk reaches it
                continue
        for dataset_id in datasets:
            self._dataset_future(dataset_id)

    def trace(self, ref: ModelRef) -> "Trace":
        """A model's scorecard with the signals and evidence of its own stage, for explaining it."""
        card = self.score(ref)
        snapshot = self._snapshot_future(ref).result()
        if isinstance(snapshot, SourceError):
            return Trace(card, {}, (), {})
        stage = self._own_stage(snapshot, prefetch_parents=False)
        return Trace(card, stage.signals, stage.evidence, stage.verdicts)

    def _own_stage(self, snapshot: ModelSnapshot, prefetch_parents: bool) -> "_OwnStage":
        """Evidence, dataset lookups and verdicts of the model's own card, before lineage."""
        judge = self._judge
        found = extract_evidence(snapshot, judge.vocabulary, judge.licences)
        looked_up = found.datasets[:MAX_DATASETS]
        repos = found.code.lookups()[:MAX_REPOS] if self._code_host else []
        for repo in repos:
            self._repo_future(repo)
        self._prefetch(found.parents[:MAX_PARENTS] if prefetch_parents else (), looked_up)
        lookups = [(d, self._dataset_future(d).result()) for d in looked_up]
        entries = [dataset_entry(d, lookup, judge.licences) for d, lookup in lookups]
        entries += [dataset_entry(d, _too_many("dataset", d, MAX_DATASETS), judge.licences)
                    for d in found.datasets[MAX_DATASETS:]]
        failed = {d: why for d, lookup in lookups if (why := lookup_failure(lookup)) is not None}
        more = dataset_findings(entries, failed)
        read = {repo: self._repo_future(repo).result() for repo in repos}
        code = repo_findings(found.code, read, judge.vocabulary, judge.licences, snapshot.repo_id)
        signals = {**found.signals, **more.signals, **code.signals}
        evidence = found.evidence + tuple(more.evidence) + tuple(code.evidence)
        return _OwnStage(found, entries, signals, evidence, evaluate(judge.rubric, judge.profile, signals, evidence),
                         read)

    def _score(self, ref: ModelRef, depth: int, path: tuple[str, ...]) -> "_Judged":
        from openness.api import error_card

        snapshot = self._snapshot_future(ref).result()
        if isinstance(snapshot, SourceError):
            return _Judged(error_card(ref.repo_id, ref.revision, snapshot), frozenset(), depth)
        judge = self._judge
        stage = self._own_stage(snapshot, prefetch_parents=depth < judge.rubric.lineage.max_depth)
        found, entries, signals, evidence, own = stage.found, stage.entries, stage.signals, stage.evidence, stage.verdicts
        followed = found.parents[:MAX_PARENTS]
        here = (*path, snapshot.repo_id.lower())
        walked = [self._parent(p, depth + 1, here) for p in followed]
        parents = [outcome for outcome, _ in walked]
        parents += [ParentOutcome(p, "error", reason=f"not followed: the card names more than {MAX_PARENTS} parents")
                    for p in found.parents[MAX_PARENTS:]]
        joined = join_lineage(judge.rubric, judge.profile, own, found.license, signals, evidence, parents)
        lineage, omitted = _lineage_entries(parents, depth=1)
        card = Scorecard(
            repo_id=snapshot.repo_id, revision=snapshot.sha, status="scored", license=joined.license,
            gated=snapshot.gated, axes=joined.axes, papers=list(found.papers),
            lineage=lineage, lineage_omitted=omitted, datasets=entries,
            repositories=[RepoEntry.of(snap) for snap in stage.repos.values()],
        )
        return _Judged.of(card, depth, here[-1], walked)

    def _parent(self, parent, depth: int, path: tuple[str, ...]) -> "tuple[ParentOutcome, _Judged | None]":
        """What became of one parent, and its judged card when it was walked to."""
        if parent.unresolved:
            return ParentOutcome(parent, "unresolved", reason=parent.unresolved), None
        key = parent.repo_id.lower()
        if key in path:
            return ParentOutcome(parent, "cycle", reason="is already an ancestor (a cycle), not followed"), \
                _Judged(None, frozenset({key}), depth)
        if depth > self._judge.rubric.lineage.max_depth:
            return ParentOutcome(parent, "depth_cap",
                                 reason=f"lies beyond the depth cap of {self._judge.rubric.lineage.max_depth}"), \
                _Judged(None, frozenset({key}), depth, capped=True)
        try:
            ref = ModelRef.parse(parent.repo_id)
        except Exception as exc:  # a malformed id in someone's card
            return ParentOutcome(parent, "error", reason=f"is not a valid repo id ({exc})"), None
        judged = self._judge_once(ref, depth, path)
        return self._outcome(parent, judged.card), judged  # type: ignore[arg-type]

    @staticmethod
    def _outcome(parent, card: Scorecard) -> ParentOutcome:
        if card.status == "scored":
            return ParentOutcome(parent, "scored", card=card)
        kind = card.error.kind if card.error else "error"
        status = kind if kind in ("not_found", "gated") else "error"
        message = card.error.message.split(": ", 1)[-1] if card.error else "could not be fetched"
        if kind in COULD_NOT_LOOK:  # the Hub failed, not the parent: unknown, never "missing"
            return ParentOutcome(parent, status, reason=f"could not be looked up ({message})", unknown=True)
        return ParentOutcome(parent, status, reason=f"could not be resolved: {message}")


@dataclass(frozen=True)
class _Judged:
    """A scorecard and what its walk depended on, so it can be reused without judging again.

    A card depends on the path above it only through cycle cuts (a parent already on the
    path), and on its depth only through the depth cap. So it fits another place in the
    walk when none of the repos its walk met is on that place's path, and the cap cuts
    the same there (the same depth, or no cut at either).
    """

    card: Scorecard | None
    """None for a parent that was cut (cycle, depth cap), not walked to."""
    seen: frozenset[str]
    """Every repo id (lower case) its walk met: itself, its ancestors, the ones cut."""
    depth: int
    capped: bool = False
    """Whether the depth cap cut its walk."""
    height: int = 0
    """How many levels of ancestors its walk went down (a parent cut counts as one)."""

    @classmethod
    def of(cls, card: Scorecard, depth: int, repo: str,
           walked: "list[tuple[ParentOutcome, _Judged | None]]") -> "_Judged":
        below = [judged for _, judged in walked if judged is not None]
        parents = {outcome.parent.repo_id.lower() for outcome, _ in walked}  # a parent that failed too
        return cls(card, frozenset({repo, *parents, *(key for judged in below for key in judged.seen)}), depth,
                   capped=any(judged.capped for judged in below),
                   height=max((1 + judged.height for judged in below), default=0))

    def fits(self, depth: int, on_path: frozenset[str], max_depth: int) -> bool:
        if self.card is None or self.seen & on_path:
            return False
        return depth == self.depth or (not self.capped and depth + self.height <= max_depth)


@dataclass(frozen=True)
class _OwnStage:
    found: EvidenceSet
    entries: list[DatasetEntry]
    signals: dict[str, Any]
    evidence: tuple[Evidence, ...]
    verdicts: dict[AxisName, AxisVerdict]
    repos: dict[str, CodeRepoSnapshot]
    """The linked code repositories read, by lower-case `owner/name`."""


@dataclass(frozen=True)
class Trace:
    """What `openness explain` shows: the final scorecard and how the model's own stage was judged."""

    card: Scorecard
    signals: dict[str, Any]
    """Every signal of the model's own card (after dataset lookups), by name."""
    evidence: tuple[Evidence, ...]
    own: dict[AxisName, AxisVerdict]
    """Verdicts of the model's own stage, before its parents were joined in."""


def _too_many(kind: str, name: str, limit: int) -> SourceError:
    return SourceError(f"{kind} {name}", f"not looked up: the card names more than {limit} {kind}s")


def _lineage_entries(parents: list[ParentOutcome], depth: int) -> tuple[list[LineageEntry], int]:
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
                axes={axis: verdict.level for axis, verdict in card.axes.items()} if card else {},
                reason=outcome.reason,
            ))
        if card:
            room = MAX_LINEAGE_ENTRIES - len(entries)
            entries += [e.model_copy(update={"depth": e.depth + depth}) for e in card.lineage[:max(room, 0)]]
    return entries, total - len(entries)


from openness.api import Judge  # noqa: E402  (the run needs the judge type; api imports run lazily)
