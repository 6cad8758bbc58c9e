"""One scoring run: fetches each repo and dataset at most once, walks lineage, joins verdicts."""
from __future__ import annotations

import gc
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from openness.cache import CachedVerdict, Dependency, VerdictCache
from openness.errors import COULD_NOT_LOOK, SourceError
from openness.models import CodeRepoSnapshot, ModelRef, ModelSnapshot, RubricRef, Scorecard
from openness.sources.interface import CodeHost, MetadataSource

if TYPE_CHECKING:
    from openness.assess import Judge, Lookups, OwnAssessment, Trace
    from openness.evidence import EvidenceSet
    from openness.evidence.datasets import DatasetLookup
    from openness.rubric.lineage import ParentOutcome

__all__ = ["MAX_LINEAGE_ENTRIES", "Memo", "ScoringRun", "Trace", "worker_count"]

log = logging.getLogger("openness.run")


def __getattr__(name: str) -> Any:
    """The judging code is imported when first used, not with this module: a warm run
    answered from the verdict cache never needs it (see openness.api)."""
    if name == "MAX_LINEAGE_ENTRIES":
        from openness.assess import MAX_LINEAGE_ENTRIES

        return MAX_LINEAGE_ENTRIES
    if name == "Trace":
        from openness.assess import Trace

        return Trace
    raise AttributeError(f"module 'openness.run' has no attribute {name!r}")


def read_card(snapshot: ModelSnapshot, judge: "Judge") -> "EvidenceSet":
    """openness.assess.read_card, imported on first use; the run calls it through this
    name (so a test may stand in for it, in-process and in forked workers alike)."""
    from openness.assess import read_card as read

    return read(snapshot, judge)

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

    def __len__(self) -> int:
        with self._lock:
            return len(self._futures)

    def forget(self, key: K) -> None:
        """Drop the value kept for `key` (whoever holds its future still gets it); the next
        caller computes it again."""
        with self._lock:
            self._futures.pop(key, None)



def _stable(error: BaseException) -> str | None:
    """A failed lookup as a dependency's state, `!` and its kind, when it says the same
    every time (not found, gated, not an id); None for one that could not look (a rate
    limit, an outage, offline): the assessment calls that unknown, and so does the cache."""
    kind = getattr(error, "kind", None)
    return f"!{kind}" if isinstance(kind, str) and kind not in COULD_NOT_LOOK else None


class _HoldsSnapshots(Protocol):
    def holds(self, ref: ModelRef, sha: str) -> bool: ...


def _model_state(found: "ModelSnapshot | SourceError") -> str | None:
    """A model dependency's state: its commit, or `!` and a lasting error; None is unknown."""
    if isinstance(found, SourceError):
        return _stable(found)
    return found.sha or None


def _dataset_state(found: DatasetLookup) -> str | None:
    if isinstance(found, BaseException):
        return _stable(found)
    return found.sha or None


def _repo_state(found: CodeRepoSnapshot) -> str | None:
    if found.status == "ok":  # a tree GitHub did not name: what was read stands for it
        return found.tree_sha or "content:" + hashlib.sha256(
            found.model_dump_json(exclude={"repo"}).encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return "!not_found" if found.status == "not_found" else None


class ScoringRun:
    """Scores models against one source and judge, sharing fetches across the whole run.

    Fetches run on a pool of `jobs` threads that only fetch (they never wait on other
    work, so they cannot deadlock), which bounds the requests in flight. As soon as a
    model's snapshot is read, its parents and datasets are requested together.
    Use it as a context manager, so the pool is shut down.
    """

    def __init__(self, source: MetadataSource, judge: "Judge | Callable[[], Judge]", *, jobs: int = 8,
                 code_host: CodeHost | None = None, verdicts: VerdictCache | None = None,
                 card_reader: "Callable[[ModelSnapshot, Judge], EvidenceSet] | None" = None) -> None:
        self._source = source
        self._card_reader = card_reader
        """Stands in for read_card where the evidence of some cards is already at hand (a scan's lineage pass)."""
        self._code_host = code_host
        self._judge_value: Judge | None = None if callable(judge) else judge
        self._load_judge: Callable[[], Judge] | None = judge if callable(judge) else None
        self._judge_lock = threading.Lock()
        self._verdicts = verdicts
        self._workers: _Workers | None = None
        self._kept_rubric: RubricRef | None = None
        holds = getattr(source, "holds", None)
        self._holds: _HoldsSnapshots | None = source if callable(holds) else None  # type: ignore[assignment]
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
        if self._workers is not None:
            self._workers.close(wait=not interrupted)

    def use_processes(self, models: int) -> int:
        """Read cards in worker processes when `models` are enough to pay for starting them
        (see `worker_count`); call it on the main thread, before the batch is scored.
        Returns how many were started (0: cards are read in this process)."""
        count = worker_count(models)
        if count and self._workers is None:
            self._workers = _Workers.start(self.judge, count)
        return self._workers.count if self._workers else 0

    @property
    def judge(self) -> Judge:
        """The judge, loaded when first needed (a run answered from verdicts never needs it).
        Ask for it on the calling thread first to have its errors raised there."""
        with self._judge_lock:
            if self._judge_value is None:
                assert self._load_judge is not None
                self._judge_value = self._load_judge()
            return self._judge_value

    @property
    def _judge(self) -> Judge:
        return self.judge

    def score(self, ref: ModelRef) -> Scorecard:
        """A model's scorecard, lineage and datasets included; errors become error cards.

        With a verdict cache, a scorecard kept for the model's commit is reused when every
        dependency it was judged from is unchanged; a new one is kept unless it is an error
        card or rests on a lookup that failed."""
        kept = self.kept_verdict(ref)
        if kept is not None:
            return kept.card
        judged = self._judge_once(ref, depth=0, path=())
        card = judged.card
        assert card is not None, "a repo walked to always has a card; only cut parents have none"
        if self._verdicts is not None and card.status == "scored" and card.revision and judged.depends_on is not None:
            self._verdicts.put(ref.repo_id, card.revision, CachedVerdict(card, self.judge.ref, judged.depends_on))
        self._let_go(ref, card)
        self._let_go_judged(str(ref).lower())
        return card

    def prefetch(self, ref: ModelRef) -> None:
        """Start fetching `ref`'s snapshot on the fetch threads, for a model scored soon."""
        self._snapshot_future(ref)

    def kept_verdict(self, ref: ModelRef) -> CachedVerdict | None:
        """The verdict cache's scorecard for `ref`, if every dependency is as it was judged.

        The ref is resolved to its commit the way a fetch resolves it (the Hub cache's own
        time-to-live for branches), and so is every dependency: on a warm run that is the
        disk alone, with no request and nothing judged."""
        if self._verdicts is None:
            return None
        state = self._known_state("model", str(ref)) or _model_state(self._snapshot_future(ref).result())
        kept = self._verdicts.get(ref.repo_id, state) if state and not state.startswith("!") else None
        if kept is None:
            return None
        # What the cache knows without a request is enough for most; the rest are fetched,
        # all at once, as a run fetches (a branch past its time-to-live is asked again).
        pending = []
        for kind, name, recorded in kept.depends_on:
            known = self._known_state(kind, name)
            # A repository's ref names the tree it is stored under, and a tree GitHub did not
            # name is stated as a hash of what was read: only its snapshot can say no.
            if known is None or (known != recorded and kind == "repo"):
                pending.append((recorded, self._dependency(kind, name)))
            elif known != recorded:
                return None
        for recorded, (future, state_of) in pending:
            if future is None or state_of(future.result()) != recorded:
                return None
        self._let_go(ref, kept.card)
        self._kept_rubric = kept.rubric
        return kept

    def _known_state(self, kind: str, name: str) -> str | None:
        """A dependency's state from the source's (or, for a repository, the code host's)
        cache alone, when it keeps one (else None)."""
        holder = self._code_host if kind == "repo" else self._source
        known = getattr(holder, "known_state", None)
        return known(kind, name) if callable(known) else None

    def may_have_verdict(self, ref: ModelRef) -> bool:
        """Whether a verdict is kept for `ref`'s commit as the cache knows it now: a look at
        the disk, no request and nothing read (the verdict's dependencies are checked when
        the model is scored). A batch uses it to decide, before any work, whether it needs
        the judge and worker processes at all."""
        known = getattr(self._source, "known_commit", None)
        if self._verdicts is None or not callable(known):
            return False
        sha = known(ref)
        return isinstance(sha, str) and self._verdicts.has(ref.repo_id, sha)

    def _dependency(self, kind: str, name: str) -> "tuple[Future | None, Callable[[object], str | None]]":
        """The future answer for one recorded dependency, and how to read its state."""
        if kind == "model":
            try:
                return self._snapshot_future(ModelRef.parse(name)), _model_state  # type: ignore[return-value]
            except Exception:
                return None, _model_state  # type: ignore[return-value]
        if kind == "dataset":
            return self._dataset_future(name), _dataset_state  # type: ignore[return-value]
        if kind == "repo" and self._code_host is not None:
            return self._repo_future(name), _repo_state  # type: ignore[return-value]
        return None, _model_state  # type: ignore[return-value]

    def _let_go(self, ref: ModelRef, card: Scorecard) -> None:
        """Stop keeping a finished model's snapshot in memory when the source can give it
        again without a request (a disk cache): a batch then holds scorecards, not cards."""
        if self._holds is not None and card.revision and self._holds.holds(ref, card.revision):
            self._snapshots.forget(str(ref).lower())

    def _let_go_judged(self, key: str) -> None:
        """Stop keeping a finished model's own scorecard for reuse: a batch would otherwise
        hold every card it scored until the end (the caller has it now). A card judged as
        someone's parent stays, for the other children; should a finished model turn out
        to be a parent later in the batch, it is judged again, to the same card."""
        with self._judged_lock:
            parents = [judged for judged in self._judged.get(key, ()) if judged.depth > 0]
            if parents:
                self._judged[key] = parents
            else:
                self._judged.pop(key, None)

    @property
    def cards_held(self) -> int:
        """How many judged scorecards the run keeps for reuse now (parents' only, once their
        children are done)."""
        with self._judged_lock:
            return sum(len(entries) for entries in self._judged.values())

    @property
    def snapshots_held(self) -> int:
        """How many model snapshots the run keeps in memory now (finished models' are let go)."""
        return len(self._snapshots)

    def rubric_ref(self) -> RubricRef:
        """Which rubric judged the run: the judge's, or, when none was loaded, the verdicts'
        reused (their key holds the rubric files and the profile, so they name the same)."""
        if self._judge_value is None and self._kept_rubric is not None:
            return self._kept_rubric
        return self.judge.ref

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
        from openness.assess import Trace

        card = self.score(ref)
        snapshot = self._snapshot_future(ref).result()
        if isinstance(snapshot, SourceError):
            return Trace(card, {}, (), {})
        own = self._own(snapshot, prefetch_parents=False)
        return Trace(card, own.signals, own.evidence, own.verdicts)

    def _own(self, snapshot: ModelSnapshot, prefetch_parents: bool) -> OwnAssessment:
        """The model's own assessment, once its datasets and repositories are in hand."""
        return self._own_and_lookups(snapshot, prefetch_parents)[0]

    def _own_and_lookups(self, snapshot: ModelSnapshot,
                         prefetch_parents: bool) -> "tuple[OwnAssessment, list[Dependency | None]]":
        """The model's own assessment, and the state of each lookup it rests on (None: unknown)."""
        from openness.assess import assess_own, lookups_needed

        workers = self._workers
        found: Any = workers.call(_read_card_job, snapshot) if workers and not self._card_reader else _NOT_RUN
        if found is _NOT_RUN:
            found = (self._card_reader or read_card)(snapshot, self._judge)
        needed = lookups_needed(found, repos=self._code_host is not None)
        self._prefetch(needed, parents=prefetch_parents)
        datasets = {d: self._dataset_future(d).result() for d in needed.datasets}
        repos = {repo: self._repo_future(repo).result() for repo in needed.repos}
        deps: list[Dependency | None] = [_dependency_of("dataset", d, _dataset_state(lookup))
                                         for d, lookup in datasets.items()]
        deps += [_dependency_of("repo", repo, _repo_state(read)) for repo, read in repos.items()]
        return assess_own(snapshot, found, datasets, repos, self._judge), deps

    def _score(self, ref: ModelRef, depth: int, path: tuple[str, ...]) -> "_Judged":
        from openness.assess import error_card, join, lookups_needed

        snapshot = self._snapshot_future(ref).result()
        if isinstance(snapshot, SourceError):
            return _Judged(error_card(ref.repo_id, ref.revision, snapshot), frozenset(), depth,
                           depends_on=_as_dependencies([_dependency_of("model", str(ref), _model_state(snapshot))]))
        own, looked_up = self._own_and_lookups(snapshot, prefetch_parents=depth < self._judge.rubric.lineage.max_depth)
        here = (*path, snapshot.repo_id.lower())
        walked = [self._parent(p, depth + 1, here) for p in lookups_needed(own.found).parents]
        card = join(snapshot, own, [outcome for outcome, _ in walked], self._judge)
        mine = _as_dependencies([_dependency_of("model", str(ref), _model_state(snapshot)), *looked_up])
        return _Judged.of(card, depth, here[-1], walked, mine)

    def _parent(self, parent, depth: int, path: tuple[str, ...]) -> "tuple[ParentOutcome, _Judged | None]":
        """What became of one parent, and its judged card when it was walked to."""
        from openness.assess import parent_outcome
        from openness.rubric.lineage import ParentOutcome

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
    depends_on: "tuple[Dependency, ...] | None" = ()
    """The state of every model, dataset and repository its walk read; None when one of
    them could not be looked up (an unknown: the card is not kept as final)."""

    @property
    def known(self) -> bool:
        return self.depends_on is not None

    @classmethod
    def of(cls, card: Scorecard, depth: int, repo: str,
           walked: "list[tuple[ParentOutcome, _Judged | None]]",
           mine: "tuple[Dependency, ...] | None" = ()) -> "_Judged":
        below = [judged for _, judged in walked if judged is not None]
        parents = {outcome.parent.repo_id.lower() for outcome, _ in walked}  # a parent that failed too
        deps = None if mine is None or any(not judged.known for judged in below) else \
            tuple(sorted({*mine, *(dep for judged in below for dep in judged.depends_on or ())}))
        return cls(card, frozenset({repo, *parents, *(key for judged in below for key in judged.seen)}), depth,
                   capped=any(judged.capped for judged in below),
                   height=max((1 + judged.height for judged in below), default=0), depends_on=deps)

    def fits(self, depth: int, on_path: frozenset[str], max_depth: int) -> bool:
        if self.card is None or self.seen & on_path:
            return False
        return depth == self.depth or (not self.capped and depth + self.height <= max_depth)


def _dependency_of(kind: str, name: str, state: str | None) -> Dependency | None:
    return (kind, name, state) if state is not None else None


def _as_dependencies(deps: "Iterable[Dependency | None]") -> "tuple[Dependency, ...] | None":
    """The dependencies, or None when any is unknown."""
    found = list(deps)
    return None if any(dep is None for dep in found) else tuple(found)  # type: ignore[arg-type]


# ---- worker processes for the CPU part -----------------------------------------------------

PROCESSES_VARIABLE = "OPENNESS_PROCESSES"
"""0: read cards in this process; N: N worker processes whatever the batch; unset: automatic."""
MIN_MODELS_FOR_PROCESSES = 48
"""Models to judge below which worker processes cost more than they save (measured with
benchmarks/score_speed.py --only cpu: forking two workers and shipping cards to them pays
off from a few dozen models on two cores)."""


def worker_count(models: int) -> int:
    """How many worker processes a batch of `models` to judge gets: one a core, when there
    are two cores or more and enough models; OPENNESS_PROCESSES overrides.

    Other work on the machine is no reason to judge in-process: the scheduler shares the
    cores by task, so the batch's own processes still get more of them than one process
    would. Measured with benchmarks/score_speed.py (1,000 models at 50 ms, 2 cores), wall
    time over the network floor with workers and without: 1.67-1.70 / 1.91-2.26 with
    the benchmark's own stand-in Hub beside it, 1.73-1.83 / 2.07-2.10 with one core kept
    busy by another process, 1.94-2.11 / 2.70-2.78 with both. (It used to read the load average,
    which a previous run of the tool itself raises for a minute.)"""
    import os

    asked = os.environ.get(PROCESSES_VARIABLE, "").strip()
    if asked.isdigit():
        return min(int(asked), 64)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores if cores > 1 and models >= MIN_MODELS_FOR_PROCESSES else 0


_NOT_RUN = object()
"""What a worker call gives when the workers could not run it (the caller judges in-process)."""
_worker_judge: "Judge | None" = None


def _start_worker(judge: "Judge") -> None:
    global _worker_judge
    _worker_judge = judge


def _ready() -> bool:
    return True


def _read_card_job(snapshot: ModelSnapshot) -> object:
    assert _worker_judge is not None
    return read_card(snapshot, _worker_judge)


class _Workers:
    """A process pool for reading cards (read_card, most of the pure middle's work): threads
    fetch, processes read, so a second core is used. The model's own verdicts (assess_own)
    are judged where the answers to its lookups are, in the run: sending the card, its
    evidence and those answers to a worker again, and the verdicts back, cost the run's
    process more than judging them (1,000 models at 50 ms, 2 cores: 10-15% less CPU a
    model, wall over the network floor 1.74-2.10 against 1.97-2.25, same output).

    Any failure of the pool itself (it cannot start, a worker dies, a value does not
    pickle) turns it off and the run reads cards in-process: the output is the same either
    way."""

    def __init__(self, pool: "Executor", count: int) -> None:
        self._pool: Executor | None = pool
        self.count = count

    @classmethod
    def start(cls, judge: "Judge", count: int) -> "_Workers | None":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one: the workers inherit the loaded judge and code, and start
        # in milliseconds. They are started here, on the calling thread, all at once.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        gc.freeze()  # a forked worker's collector then leaves the inherited objects (and their pages) alone
        try:
            pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(method),
                                       initializer=_start_worker, initargs=(judge,))
            pool.submit(_ready).result()
        except Exception:  # no processes here (a sandbox, no /dev/shm): judge in-process
            log.debug("worker processes unavailable; judging in-process", exc_info=True)
            return None
        finally:
            gc.unfreeze()
        return cls(pool, count)

    def call(self, job: "Callable[..., object]", *args: object) -> object:
        """`job(*args)` in a worker; _NOT_RUN when the pool failed (not when the job raised)."""
        from concurrent.futures.process import BrokenProcessPool
        from pickle import PicklingError

        pool = self._pool
        if pool is None:
            return _NOT_RUN
        try:
            future = pool.submit(job, *args)
        except (BrokenProcessPool, RuntimeError, PicklingError, TypeError):
            self._pool = None
            return _NOT_RUN
        try:
            return future.result()
        except (BrokenProcessPool, PicklingError):
            log.debug("a worker process failed; judging in-process from now on", exc_info=True)
            self._pool = None
            return _NOT_RUN

    def close(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
