"""One scoring run: fetches each repo and dataset at most once, walks lineage, joins verdicts."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from openness.assess import (MAX_LINEAGE_ENTRIES, Judge, Lookups, OwnAssessment, Trace, assess_own, error_card, join,
                             lookups_needed, parent_outcome, read_card)
from openness.errors import SourceError
from openness.evidence.datasets import DatasetLookup
from openness.models import CodeRepoSnapshot, ModelRef, ModelSnapshot, Scorecard
from openness.rubric.lineage import ParentOutcome
from openness.sources.interface import CodeHost, MetadataSource

__all__ = ["MAX_LINEAGE_ENTRIES", "Memo", "ScoringRun", "Trace"]

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
        card = self._judge_once(ref, depth=0, path=()).card
        assert card is not None, "a repo walked to always has a card; only cut parents have none"
        return card

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

    def _prefetch(self, needed: Lookups, parents: bool) -> None:
        """Ask for every repository, dataset and (when the walk goes on) parent at once;
        the walk below then mostly waits less."""
        for repo in needed.repos:
            self._repo_future(repo)
        for parent_id in needed.parent_ids if parents else ():
            try:
                self._snapshot_future(ModelRef.parse(parent_id))
            except Exception:  # an invalid id is reported when the walk reaches it
                continue
        for dataset_id in needed.datasets:
            self._dataset_future(dataset_id)

    def trace(self, ref: ModelRef) -> "Trace":
        """A model's scorecard with the signals and evidence of its own stage, for explaining it."""
        card = self.score(ref)
        snapshot = self._snapshot_future(ref).result()
        if isinstance(snapshot, SourceError):
            return Trace(card, {}, (), {})
        own = self._own(snapshot, prefetch_parents=False)
        return Trace(card, own.signals, own.evidence, own.verdicts)

    def _own(self, snapshot: ModelSnapshot, prefetch_parents: bool) -> OwnAssessment:
        """The model's own assessment, once its datasets and repositories are in hand."""
        found = read_card(snapshot, self._judge)
        needed = lookups_needed(found, repos=self._code_host is not None)
        self._prefetch(needed, parents=prefetch_parents)
        datasets = {d: self._dataset_future(d).result() for d in needed.datasets}
        repos = {repo: self._repo_future(repo).result() for repo in needed.repos}
        return assess_own(snapshot, found, datasets, repos, self._judge)

    def _score(self, ref: ModelRef, depth: int, path: tuple[str, ...]) -> "_Judged":
        snapshot = self._snapshot_future(ref).result()
        if isinstance(snapshot, SourceError):
            return _Judged(error_card(ref.repo_id, ref.revision, snapshot), frozenset(), depth)
        own = self._own(snapshot, prefetch_parents=depth < self._judge.rubric.lineage.max_depth)
        here = (*path, snapshot.repo_id.lower())
        walked = [self._parent(p, depth + 1, here) for p in lookups_needed(own.found).parents]
        card = join(snapshot, own, [outcome for outcome, _ in walked], self._judge)
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
        return parent_outcome(parent, judged.card), judged  # type: ignore[arg-type]


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
