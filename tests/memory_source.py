"""A metadata source held in memory: the source interface with no HTTP, for the pure API.

The scorer sees it as it sees the Hub (`openness.sources.interface.MetadataSource`):
`fetch`, `fetch_dataset`, `list_models`. A model or dataset it does not hold is not on
the Hub (ModelNotFound); an exception given as a dataset is raised as that lookup's
failure. Every id asked for is remembered in `asked`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from openness.errors import ModelNotFound
from openness.models import DatasetSnapshot, ModelRef, ModelSnapshot


class MemorySource:
    def __init__(self, models: Iterable[ModelSnapshot] | Mapping[str, ModelSnapshot] = (),
                 datasets: Mapping[str, DatasetSnapshot | Exception] | None = None) -> None:
        snapshots = models.values() if isinstance(models, Mapping) else models
        self.models = {m.repo_id.lower(): m for m in snapshots}
        self.datasets = {k.lower(): v for k, v in (datasets or {}).items()}
        self.asked: list[str] = []

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        self.asked.append(ref.repo_id)
        found = self.models.get(ref.repo_id.lower())
        if found is None:
            raise ModelNotFound(ref.repo_id, "no such model")
        return found

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        found = self.datasets.get(dataset_id.lower())
        if found is None:
            raise ModelNotFound(dataset_id, "no such dataset")
        if isinstance(found, Exception):
            raise found
        return found

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    filters: list[str] | None = None, limit: int | None = None) -> list[str]:
        ids = [m.repo_id for m in self.models.values()
               if (author is None or m.repo_id.lower().startswith(author.lower() + "/"))
               and (search is None or search.lower() in m.repo_id.lower())
               and all(tag in m.tags for tag in filters or [])]
        return ids[:limit] if limit else ids
