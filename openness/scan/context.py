"""What every batch of one scan shares. Pure data, picklable: it travels to worker
processes and Ray actors once, not with every batch."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openness.assess import Judge
from openness.models import DatasetSnapshot
from openness.scan.dump import FRAMEWORK_ONLY_FIELDS, Listing


@dataclass(frozen=True)
class ScanContext:
    """What every batch of one scan shares: the judge and the facts beside the cards."""

    judge: Judge
    scanned: frozenset[str] = frozenset()
    """Lower-case ids of every model in the scan: parents among them are joined in."""
    listings: Mapping[str, Listing] = field(default_factory=dict)
    """Repository facts by lower-case id, from a listing crawl (optional)."""
    datasets: Mapping[str, DatasetSnapshot] = field(default_factory=dict)
    """Dataset facts by lower-case id, from a dataset-card dump (optional)."""

    @property
    def unread_fields(self) -> frozenset[str]:
        """Front matter fields no extractor of this judge reads: left unparsed."""
        return frozenset() if self.judge.frameworks else FRAMEWORK_ONLY_FIELDS
