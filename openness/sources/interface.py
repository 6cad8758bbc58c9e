"""The boundary to wherever model facts come from: one method, easy to fake."""
from __future__ import annotations

from typing import Protocol

from openness.models import DatasetSnapshot, ModelRef, ModelSnapshot


class MetadataSource(Protocol):
    """Fetches the facts about one model. Raises openness.errors.SourceError subclasses."""

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        """Return a snapshot of `ref`, or raise a SourceError saying why not."""
        ...

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        """Return what the Hub says of a dataset, or raise a SourceError (ModelNotFound if absent)."""
        ...
