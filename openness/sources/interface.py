"""The boundary to wherever model facts come from: one method, easy to fake."""
from __future__ import annotations

from typing import Protocol

from openness.models import ModelRef, ModelSnapshot


class MetadataSource(Protocol):
    """Fetches the facts about one model. Raises openness.errors.SourceError subclasses."""

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        """Return a snapshot of `ref`, or raise a SourceError saying why not."""
        ...
