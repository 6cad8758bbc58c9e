"""`openness scan --engine ray`: the same scan as a Ray Data pipeline, so it runs on a
laptop or on a cluster unchanged: `read_parquet` -> `map_batches(score)` -> rows written.

Each Ray worker builds the batch function once (`_RayScorer`, a callable class: the rubric
and the scan's context arrive once per actor, not per batch) and runs `batch.score_batch`,
the function the local engine runs. Rows whose parents are in the scan come back marked
pending and are joined in a second round of Ray tasks (`batch.join_pending`). The driver
writes the rows with the same writer as the local scan, so OUT is the same file either way.

Where it runs: `ray.init()` joins the cluster named by RAY_ADDRESS when it is set (`ray
start --head` on one machine, `RAY_ADDRESS=auto`), else starts a local instance. Every read
goes through Ray's read_parquet, so inputs may be on any filesystem it reads (a shared
folder, `s3://...`): they come from the user, never from a card.
"""
from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from openness.scan.batch import Pending, score_batch
from openness.scan.context import ScanContext
from openness.scan.dump import DUMP_COLUMNS, ID_COLUMN
from openness.scan.local import (JoinWork, Progress, ScanRequest, ScanTally, Spill, framework_columns, join_work, reach,
                                 scan_context)
from openness.scan.output import ScanInputError, ScanWriter, done_ids
from openness.scan.rows import scan_columns

_PENDING = "pending"
_PARENTS = "_pending_parents"
_EVIDENCE = "_pending_evidence"


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the Data library is an extra of ray)
    except ImportError:
        raise ScanInputError("--engine ray needs Ray: pip install 'openness[ray]'") from None
    return ray


class _RayScorer:
    """The batch function on a Ray worker: scan rows out of dump rows."""

    def __init__(self, context: ScanContext, columns: tuple[str, ...]) -> None:
        self.context = context
        self.columns = columns

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        result = score_batch(batch.to_pylist(), self.context)
        rows = [{c: r.get(c) for c in self.columns} | {_PARENTS: None, _EVIDENCE: None} for r in result.rows]
        rows += [{c: None for c in self.columns} | {"repo_id": p.repo_id, "status": _PENDING,
                                                     _PARENTS: json.dumps(list(p.parents)), _EVIDENCE: p.evidence}
                 for p in result.pending]
        return pa.Table.from_pylist(rows, schema=_schema(self.columns))


def _schema(columns: tuple[str, ...]) -> Any:
    import pyarrow as pa

    from openness.scan.rows import INT_COLUMNS

    return pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in columns]
                     + [(_PARENTS, pa.string()), (_EVIDENCE, pa.binary())])


def run_scan_on_ray(request: ScanRequest, progress: Progress | None = None) -> ScanTally:
    """The scan on Ray; the output file is written by the driver as rows arrive."""
    ray = _ray()
    if not ray.is_initialized():
        with _without_default_auth_notice():
            ray.init(address=os.environ.get("RAY_ADDRESS") or None, include_dashboard=False,
                     log_to_driver=False, configure_logging=False,
                     **({"num_cpus": max(2, request.jobs)} if request.jobs and not os.environ.get("RAY_ADDRESS") else {}))
    _quiet(ray)
    inputs = list(request.inputs)
    ids = frozenset(str(i).lower() for batch in ray.data.read_parquet(inputs, columns=[ID_COLUMN]).iter_batches(
        batch_format="pyarrow", batch_size=65_536) for i in batch.column(0).to_pylist() if i is not None)
    context = scan_context(request, ids)
    columns = scan_columns(framework_columns(context.judge))
    skip = done_ids(request.output) if request.resume else set()
    names = set(ray.data.read_parquet(inputs).schema().names)
    columns_read = [c for c in DUMP_COLUMNS if c in names]
    dataset = ray.data.read_parquet(inputs, columns=columns_read)
    if skip:
        dataset = dataset.filter(lambda row: str(row.get(ID_COLUMN, "")).lower() not in skip)
    if request.limit:
        dataset = dataset.limit(request.limit)
    with warnings.catch_warnings():  # Ray's own deprecation notices are not the user's business
        warnings.simplefilter("ignore")
        scored = dataset.map_batches(_RayScorer, fn_constructor_args=(context, columns), batch_format="pyarrow",
                                     batch_size=request.batch_size, compute=ray.data.ActorPoolStrategy(min_size=1, max_size=_cpus(ray)),
                                     # no restarts: the scan is resumable, and a restart would need
                                     # the context again from the object store
                                     max_restarts=0)
    tally = ScanTally(skipped=len(skip & ids))
    pending: list[Pending] = []
    with ScanWriter(request.output, columns, resume=request.resume) as writer, Spill() as evidence:
        for batch in scored.iter_batches(batch_format="pyarrow", batch_size=None):
            rows = batch.to_pylist()
            done = [{c: r[c] for c in columns} for r in rows if r["status"] != _PENDING]
            pending += evidence.set_aside(Pending(r["repo_id"], tuple(json.loads(r[_PARENTS])), r[_EVIDENCE] or b"")
                                          for r in rows if r["status"] == _PENDING)
            writer.write(done)
            tally.count(done)
            if progress:
                progress(len(done))
        tally.pending = len(pending)
        for rows in _joined_on_ray(ray, ray.data.read_parquet(inputs, columns=columns_read), request, pending,
                                   context, evidence):
            writer.write(rows)
            tally.count(rows)
            if progress:
                progress(len(rows))
    return tally


def _cpus(ray: Any) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


_DEFAULT_AUTH_NOTICE = "Token authentication is enabled for this Ray cluster"


class _DefaultAuthNotice(logging.Filter):
    """Drops Ray's notice that the local instance it starts uses token authentication, its
    own default (known by the function that logs it, or by its opening words should that
    be renamed); any other line of that logger stays, its notice of the mode turned off too."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.funcName == "_warn_token_auth_enabled"
                    or str(record.msg).startswith(_DEFAULT_AUTH_NOTICE))


@contextmanager
def _without_default_auth_notice() -> Iterator[None]:
    """Keep the local instance's start quiet on stderr, which is for the scan's own lines;
    only while it starts (a caller's own ray.init later is left as Ray has it).
    RAY_BACKEND_LOG_LEVEL is left alone: setting it makes Ray's C++ side print a line
    saying so."""
    logger = logging.getLogger("ray._private.authentication.authentication_token_setup")
    notice = _DefaultAuthNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


def _quiet(ray: Any) -> None:
    """Ray Data's own progress bars and log lines off: the scan's output is the rows, and
    stderr is for the scan's own lines."""
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    logging.getLogger("ray").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False


def _joined_on_ray(ray: Any, dataset: Any, request: ScanRequest, pending: list[Pending],
                   context: ScanContext, evidence: Spill) -> Iterator[list[dict[str, Any]]]:
    """The lineage pass as Ray tasks, one per chunk of waiting models with the rows it needs."""
    if not pending:
        return
    parents_of = {p.repo_id.lower(): [x.lower() for x in p.parents] for p in pending}
    needed = reach(parents_of, list(parents_of))
    with Spill() as spill:
        for batch in dataset.iter_batches(batch_format="pyarrow", batch_size=request.batch_size):
            spill.keep(r for r in batch.to_pylist() if str(r.get(ID_COLUMN, "")).lower() in needed)
        shared = ray.put(context)
        task = ray.remote(_join_task)
        refs = [task.remote(work, shared) for work in join_work(spill, pending, request.batch_size, evidence)]
    while refs:
        ready, refs = ray.wait(refs, num_returns=1)
        yield ray.get(ready[0])


def _join_task(work: JoinWork, context: ScanContext) -> list[dict[str, Any]]:
    from openness.scan.batch import join_pending

    rows, chunk, evidence = work
    return join_pending(rows, chunk, context, evidence)
