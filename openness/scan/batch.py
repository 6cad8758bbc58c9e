"""Scoring dump rows: the same pure middle as `score` (`openness.assess`), with nothing
looked up. No I/O; every value is picklable, so a batch runs in any process or on a Ray
worker.

A row whose parents are all outside the scanned data is scored at once: those parents are
unknown, as offline (`not_cached`), so they never lower a verdict. A row naming a parent
that is in the scanned data waits for the second pass (`join_pending`), which walks the
lineage over the scanned rows with `openness.run.ScoringRun`, exactly as `score` walks the
Hub: cycles and the depth cap are handled the same way.
"""
from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openness.assess import Judge, assess_own, error_card, join, lookups_needed, parent_outcome, read_card
from openness.errors import NotCached, OpennessError
from openness.evidence import EvidenceSet
from openness.evidence.lineage import DeclaredParent
from openness.models import DatasetSnapshot, ModelRef, ModelSnapshot, Scorecard
from openness.rubric.lineage import ParentOutcome
from openness.scan.dump import Listing, snapshot_from_row
from openness.scan.context import ScanContext
from openness.scan.rows import ScanRow, scan_row

NOT_SCANNED = "not in the scanned data (a scan looks nothing up)"


@dataclass(frozen=True)
class Pending:
    """A row to score in the second pass: it names parents that are in the scan."""

    repo_id: str
    parents: tuple[str, ...]
    evidence: bytes = b""
    """Its card's evidence (read_card's EvidenceSet, pickled), so the second pass reads the
    card only once; kept on disk between the passes, empty once it is stored there."""


@dataclass(frozen=True)
class BatchResult:
    rows: list[ScanRow]
    """Final rows, in the batch's order."""
    pending: list[Pending]


def score_batch(rows: Iterable[Mapping[str, Any]], context: ScanContext) -> BatchResult:
    """Each row scored, or set aside for the lineage pass; one bad row is its own error row."""
    done: list[ScanRow] = []
    pending: list[Pending] = []
    for row in rows:
        try:
            outcome = score_row(row, context)
        except Exception as exc:  # a fault of ours on one card costs that card's row, not the scan
            outcome = failed_row(row, exc, context)
        (pending if isinstance(outcome, Pending) else done).append(outcome)  # type: ignore[arg-type]
    return BatchResult(done, pending)


class RowFailed(OpennessError):
    """Scoring one row raised an error the scan did not expect (a fault of the tool)."""

    kind = "internal_error"


def failed_row(row: Mapping[str, Any], exc: BaseException, context: ScanContext) -> ScanRow:
    """The row of a model whose scoring failed, with the error named."""
    error = RowFailed(f"scoring failed: {type(exc).__name__}: {str(exc)[:300]}")
    return scan_row(error_card(str(row.get("modelId") or "?")[:200], None, error), row, context)


def score_row(row: Mapping[str, Any], context: ScanContext) -> ScanRow | Pending:
    """One dump row: its scan row, or Pending when a parent is in the scan."""
    try:
        snapshot = snapshot_from_row(row, context.listings.get(str(row.get("modelId", "")).lower()),
                                     context.unread_fields)
    except OpennessError as exc:
        return scan_row(error_card(str(row.get("modelId") or "?")[:200], None, exc), row, context)
    judge = context.judge
    found = read_card(snapshot, judge)
    needed = lookups_needed(found, repos=False)
    inside = tuple(p for p in needed.parent_ids if p.lower() in context.scanned)
    if inside:
        return Pending(snapshot.repo_id, inside, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    own = assess_own(snapshot, found, {d: dataset_answer(d, context) for d in needed.datasets}, {}, judge)
    card = join(snapshot, own, [outside_parent(p) for p in needed.parents], judge)
    return scan_row(card, row, context)


def dataset_answer(dataset_id: str, context: ScanContext) -> DatasetSnapshot | NotCached:
    """A dataset as the dataset dump shows it, or unknown: a scan looks nothing up."""
    return context.datasets.get(dataset_id.lower()) or NotCached(f"dataset {dataset_id}", NOT_SCANNED)


def outside_parent(parent: DeclaredParent) -> ParentOutcome:
    """A parent not walked to: named only by a name, or not in the scanned data (unknown,
    as offline: it never lowers the child's verdict)."""
    if parent.unresolved:
        return ParentOutcome(parent, "unresolved", reason=parent.unresolved)
    return parent_outcome(parent, error_card(parent.repo_id, None, NotCached(parent.repo_id, NOT_SCANNED)))


class ScannedSource:
    """A MetadataSource over the scanned rows for the lineage pass: a row's snapshot, or
    NotCached for anything outside the scan (no request is ever made)."""

    def __init__(self, snapshots: Mapping[str, ModelSnapshot], context: ScanContext) -> None:
        self._snapshots = {k.lower(): v for k, v in snapshots.items()}
        self._context = context

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        found = self._snapshots.get(ref.repo_id.lower())
        if found is None or ref.revision is not None:
            raise NotCached(str(ref), NOT_SCANNED)
        return found

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        answer = dataset_answer(dataset_id, self._context)
        if isinstance(answer, NotCached):
            raise answer
        return answer

    def list_models(self, **_: Any) -> list[ModelRef]:
        raise NotCached("listing", NOT_SCANNED)


def join_pending(rows: Sequence[Mapping[str, Any]], pending: Sequence[str], context: ScanContext,
                 evidence: Mapping[str, bytes] | None = None) -> list[ScanRow]:
    """The second pass: each pending model scored with its parents among `rows` (the
    pending rows and the rows of their parents) joined in, as `score` would offline.
    `evidence`: the first pass's Pending.evidence by lower-case id, read instead of the card."""
    from openness.run import ScoringRun

    known = evidence or {}

    def card_reader(snapshot: ModelSnapshot, judge: Judge) -> EvidenceSet:
        stored = known.get(snapshot.repo_id.lower())
        # our own bytes, pickled by a scan worker from the same row read the same way
        return pickle.loads(stored) if stored else read_card(snapshot, judge)

    by_id = {str(r.get("modelId", "")).lower(): r for r in rows}
    snapshots: dict[str, ModelSnapshot] = {}
    for key, row in by_id.items():
        try:
            snapshots[key] = snapshot_from_row(row, context.listings.get(key), context.unread_fields)
        except OpennessError:
            continue  # its own row says why; as a parent it is unknown
    out: list[ScanRow] = []
    with ScoringRun(ScannedSource(snapshots, context), context.judge, jobs=1,  # type: ignore[arg-type]
                    card_reader=card_reader) as run:
        for repo_id in pending:
            try:
                card: Scorecard = run.score(ModelRef(repo_id=repo_id))
            except Exception as exc:  # as in score_batch: one row, not the scan
                out.append(failed_row(by_id[repo_id.lower()], exc, context))
                continue
            out.append(scan_row(card, by_id[repo_id.lower()], context))
    return out
