"""The boundary to wherever model facts come from: three methods, easy to fake (the tests'
`memory_source` is one)."""
from __future__ import annotations

from typing import Protocol

from openness.models import CodeRepoSnapshot, DatasetSnapshot, ModelRef, ModelSnapshot


class MetadataSource(Protocol):
    """Fetches the facts about one model. Raises openness.errors.SourceError subclasses."""

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        """Return a snapshot of `ref`, or raise a SourceError saying why not."""
        ...

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        """Return what the Hub says of a dataset, or raise a SourceError (ModelNotFound if absent)."""
        ...

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    filters: list[str] | None = None, limit: int | None = None) -> list[str]:
        """Ids of the models the listing names (of `author`, with `search` in the id,
        carrying every tag in `filters`), at most `limit`; raises a SourceError."""
        ...


class CodeHost(Protocol):
    """Reads repositories that cards link (GitHub's REST API, or a stand-in)."""

    def fetch_repo(self, repo: str) -> CodeRepoSnapshot:
        """What the host holds for `owner/name`. Never raises for a failed lookup: the
        snapshot's status and problem say what went wrong (not found, rate limit, ...)."""
        ...
