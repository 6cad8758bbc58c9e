"""The scan on one machine: batches scored in worker processes, rows written as they come.

Three passes over the inputs, each streaming: the ids (one column), the cards (scored in
`jobs` processes; a row whose parent is in the scan waits), and the rows the waiting
models and their parents need (the lineage join, `batch.join_pending`). Memory holds the
ids, at most `2 x jobs` batches in flight, and the waiting rows.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

from openness.assess import Judge
from openness.models import CardFile, ModelSnapshot
from openness.scan.batch import BatchResult, Pending, join_pending, score_batch
from openness.scan.context import ScanContext
from openness.scan.dump import Listing, dataset_from_tags, listing_from_row
from openness.scan.output import ScanWriter, done_ids, input_files, open_parquet, read_batches, read_ids
from openness.scan.rows import scan_columns

DEFAULT_BATCH = 256
T = TypeVar("T")


@dataclass(frozen=True)
class ScanRequest:
    """What `openness scan` was asked to do."""

    inputs: tuple[str, ...]
    output: str
    profile: str = "default"
    frameworks: tuple[str, ...] = ()
    jobs: int = 0
    """Worker processes; 0 for one per core."""
    batch_size: int = DEFAULT_BATCH
    resume: bool = False
    listing: str | None = None
    datasets: str | None = None
    limit: int | None = None
    """Score at most this many rows (after resumed ones are skipped): for a quick look."""


@dataclass
class ScanTally:
    """What a scan did, for its closing line."""

    scored: int = 0
    errors: int = 0
    skipped: int = 0
    pending: int = 0
    by_axis: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            if row.get("status") == "scored":
                self.scored += 1
            else:
                self.errors += 1


Progress = Callable[[int], None]
"""Told how many more rows are done."""


def scan_context(request: ScanRequest, ids: frozenset[str]) -> ScanContext:
    """The judge and the optional listing and dataset facts, loaded once per scan."""
    judge = Judge.load(request.profile, request.frameworks)
    return ScanContext(judge, ids, listings=_listings(request.listing, ids) if request.listing else {},
                       datasets=_datasets(request.datasets) if request.datasets else {})


def framework_columns(judge: Judge) -> tuple[str, ...]:
    """The framework columns every row has: those of a card judged with nothing in it."""
    from openness.assess import assess_own, join, read_card
    from openness.render.rows import COLUMNS, csv_columns

    if not judge.frameworks:
        return ()
    empty = ModelSnapshot(repo_id="scan/columns", card=CardFile(status="ok", text=""))
    card = join(empty, assess_own(empty, found := read_card(empty, judge), {}, {}, judge), [], judge)
    del found
    return tuple(c for c in csv_columns([card]) if c not in COLUMNS)


def run_scan(request: ScanRequest, progress: Progress | None = None) -> ScanTally:
    """Scan the inputs into the output; returns what was done."""
    files = input_files(request.inputs)
    ids = frozenset(i.lower() for i in read_ids(files))
    context = scan_context(request, ids)
    skip = done_ids(request.output) if request.resume else set()
    tally = ScanTally(skipped=len(skip & ids))
    pending: list[Pending] = []
    columns = scan_columns(framework_columns(context.judge))
    with ScanWriter(request.output, columns, resume=request.resume) as writer, \
            _Workers(request.jobs, context) as workers, Spill() as evidence:
        for result in workers.each(_score_in_worker, _batches(files, request, skip)):
            writer.write(result.rows)
            tally.count(result.rows)
            pending += evidence.set_aside(result.pending)
            if progress:
                progress(len(result.rows))
        tally.pending = len(pending)
        for rows in workers.each(_join_in_worker, _join_work(files, pending, request.batch_size, evidence)):
            writer.write(rows)
            tally.count(rows)
            if progress:
                progress(len(rows))
    return tally


class _Workers:
    """Worker processes sharing the scan's context (fork: the ids and listing loaded once),
    or the calling process alone for `jobs=1`; at most 2 x jobs tasks in flight."""

    def __init__(self, jobs: int, context: ScanContext) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self._context = context
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "_Workers":
        if self.jobs > 1:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker, initargs=(self._context,))
        else:
            _set_context(self._context)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=exc_type is None, cancel_futures=True)

    def each(self, task: Callable[[Any], T], items: Iterable[Any]) -> Iterator[T]:
        """task(item) for every item, results as they finish."""
        if self._pool is None:
            yield from (task(item) for item in items)
            return
        inflight: set[Future[T]] = set()
        for item in items:
            inflight.add(self._pool.submit(task, item))
            if len(inflight) >= 2 * self.jobs:
                finished, still = wait(inflight, return_when=FIRST_COMPLETED)
                inflight = set(still)
                yield from (f.result() for f in finished)
        while inflight:
            finished, still = wait(inflight, return_when=FIRST_COMPLETED)
            inflight = set(still)
            yield from (f.result() for f in finished)


def _batches(files: Sequence[Any], request: ScanRequest, skip: set[str]) -> Iterator[list[dict[str, Any]]]:
    left = request.limit
    for batch in read_batches(files, request.batch_size):
        rows = [r for r in batch if str(r.get("modelId", "")).lower() not in skip] if skip else batch
        if left is not None:
            rows, left = rows[:left], left - min(left, len(rows))
        if rows:
            yield rows
        if left == 0:
            return


_WORKER_CONTEXT: ScanContext | None = None


def _set_context(context: ScanContext) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context


def _start_worker(context: ScanContext) -> None:
    _set_context(context)
    # What a worker process holds now (modules, the judge, the ids) lives as long as it
    # does: set apart from the collector, which would walk it on every full collection.
    gc.freeze()


def _score_in_worker(rows: list[dict[str, Any]]) -> BatchResult:
    assert _WORKER_CONTEXT is not None, "set by the pool's initializer"
    return score_batch(rows, _WORKER_CONTEXT)


JoinWork = tuple[list[dict[str, Any]], list[str], dict[str, bytes]]
"""One task of the lineage pass: the rows its walk reaches, the waiting models to score,
and their evidence from the first pass."""


def _join_in_worker(work: JoinWork) -> list[dict[str, Any]]:
    assert _WORKER_CONTEXT is not None, "set by the pool's initializer"
    rows, pending, evidence = work
    return join_pending(rows, pending, _WORKER_CONTEXT, evidence)


def _join_work(files: Sequence[Any], pending: list[Pending], batch_size: int, evidence: "Spill") -> Iterator[JoinWork]:
    """The lineage pass's tasks, with the rows they need read again from the inputs."""
    if not pending:
        return
    parents_of = {p.repo_id.lower(): [x.lower() for x in p.parents] for p in pending}
    needed = reach(parents_of, list(parents_of))
    with Spill() as spill:
        for batch in read_batches(files, batch_size):
            spill.keep(r for r in batch if str(r.get("modelId", "")).lower() in needed)
        yield from join_work(spill, pending, batch_size, evidence)


class Spill:
    """Values kept on disk by lower-case id between the passes: the rows the lineage pass
    needs and the waiting models' evidence. A tenth of a big scan's models may wait, and
    holding their cards in memory would grow with the scan."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._at: dict[str, tuple[int, int]] = {}

    def keep(self, rows: Iterable[dict[str, Any]]) -> None:
        """Dump rows, by their id."""
        for row in rows:
            self._put(str(row.get("modelId", "")).lower(), pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))

    def set_aside(self, pending: Iterable[Pending]) -> list[Pending]:
        """Each waiting model's evidence, by its id; returns them without it."""
        out = []
        for item in pending:
            self._put(item.repo_id.lower(), item.evidence)
            out.append(Pending(item.repo_id, item.parents))
        return out

    def _put(self, key: str, data: bytes) -> None:
        self._file.seek(0, os.SEEK_END)
        self._at[key] = (self._file.tell(), len(data))
        self._file.write(data)

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def raw(self, key: str) -> bytes:
        offset, size = self._at[key]
        self._file.seek(offset)
        return self._file.read(size)

    def __getitem__(self, key: str) -> dict[str, Any]:
        row: dict[str, Any] = pickle.loads(self.raw(key))  # our own bytes, written above
        return row

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def join_work(rows: "Spill | Mapping[str, dict[str, Any]]", pending: list[Pending], batch_size: int,
              evidence: "Spill | None" = None) -> Iterator[JoinWork]:
    """Waiting models in chunks (those sharing a first parent together, so a parent is
    judged once per chunk), each with the rows its walk reaches and its evidence."""
    parents_of = {p.repo_id.lower(): [x.lower() for x in p.parents] for p in pending}
    ordered = sorted(pending, key=lambda p: (p.parents[0].lower(), p.repo_id.lower()))
    for start in range(0, len(ordered), batch_size):
        chunk = [p.repo_id for p in ordered[start:start + batch_size]]
        walk = reach(parents_of, [c.lower() for c in chunk])
        known = {k: evidence.raw(k) for k in sorted(walk) if k in evidence} if evidence else {}
        yield [rows[k] for k in sorted(walk) if k in rows], chunk, known


def reach(parents_of: dict[str, list[str]], start: list[str]) -> set[str]:
    """The models and every ancestor among the waiting models' parents, from `start`."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo += parents_of.get(key, ())
    return seen


def _listings(path: str, ids: frozenset[str]) -> dict[str, Listing]:
    """The listing rows of the scanned models (other rows are not kept)."""
    files = [open_parquet(path, "id")]
    found: dict[str, Listing] = {}
    for handle in files:
        columns = [c for c in ("id", "siblings", "gated", "sha") if c in handle.schema_arrow.names]
        for batch in handle.iter_batches(batch_size=8_192, columns=columns):
            for row in batch.to_pylist():
                key = str(row.get("id") or "").lower()
                if key in ids:
                    found[key] = listing_from_row(row)
    return found


def _datasets(path: str) -> dict[str, Any]:
    """Dataset licences from a dataset-card dump's `license:` tags, by lower-case id."""
    files = [open_parquet(path, "datasetId")]
    found = {}
    for handle in files:
        for batch in handle.iter_batches(batch_size=65_536, columns=["datasetId", "tags"]):
            for row in batch.to_pylist():
                if isinstance(row.get("datasetId"), str):
                    found[row["datasetId"].lower()] = dataset_from_tags(row["datasetId"], row.get("tags"))
    return found
