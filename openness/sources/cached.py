"""CachedHubSource: a Hub source with a DiskCache around it.

The cache wraps the source's two steps rather than living inside it: `model_facts` (the
commit a revision names) and the card step (the README, and the licence file's hash, at
that commit). A commit already read costs no request; a branch or tag looked up within
the cache's time-to-live neither; a model whose metadata changed but whose commit did not
keeps the card and licence hash read before. A failed
lookup is remembered for a while, per identity, as the cache decides (openness.cache).
What a token read is kept under that identity (`HubSource.cache_for_identity`).
"""
from __future__ import annotations

from typing import Protocol

from openness.cache import DiskCache, RefAnswer, VerdictCache, is_commit
from openness.errors import NotCached, SourceError
from openness.models import CardFile, DatasetSnapshot, LicenceText, ModelRef, ModelSnapshot
from openness.sources.hub import HubFacts, check_dataset_id, model_snapshot
from openness.sources.ratelimit import Budget, Pacer

STORED_CARD_STATES = ("ok", "absent", "unreadable")
"""Card outcomes worth keeping: a card that could not be fetched (unavailable) is asked
again next time, not remembered as missing."""


class HubSteps(Protocol):
    """What the cache needs of the source beneath: `HubSource`, or a test's fake."""

    pacer: Pacer

    @property
    def has_token(self) -> bool: ...

    @property
    def announced_budget(self) -> Budget | None: ...

    def cache_for_identity(self, cache: DiskCache) -> DiskCache: ...

    def model_facts(self, ref: ModelRef) -> HubFacts: ...

    def card(self, repo_id: str, revision: str | None, siblings: tuple[str, ...]) -> CardFile: ...

    def licence_text(self, repo_id: str, revision: str | None, siblings: tuple[str, ...],
                     license_link: object = None) -> LicenceText | None: ...

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot: ...

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    filters: list[str] | None = None, limit: int | None = None) -> list[str]: ...


class CachedHubSource:
    """A MetadataSource: `source`'s answers, kept in `cache` by commit."""

    def __init__(self, source: HubSteps, cache: DiskCache) -> None:
        self.source = source
        self._cache = source.cache_for_identity(cache)

    def __repr__(self) -> str:
        return f"CachedHubSource({self.source!r}, cache={self._cache!r})"

    # -- what the run reads of the source beneath ------------------------------------
    @property
    def pacer(self) -> Pacer:
        return self.source.pacer

    @property
    def has_token(self) -> bool:
        return self.source.has_token

    @property
    def announced_budget(self) -> Budget | None:
        return self.source.announced_budget

    # -- what a run keeps beside the snapshots --------------------------------------------
    def verdict_cache(self, key: str) -> VerdictCache:
        """Finished scorecards under `key` (openness.cache.verdict_key), in this identity's tree."""
        cache = self._cache
        return VerdictCache(cache.folder, f"{key}:offline={cache.offline}", refresh=cache.refresh, access=cache.access)

    def known_commit(self, ref: ModelRef) -> str | None:
        """The commit `ref` names as far as the cache knows now, without a request: the
        revision itself when it is a commit, else a fresh ref's; None when it cannot say."""
        if is_commit(ref.revision):
            return ref.revision
        answer = self._cache.ref("model", ref.repo_id, ref.revision)
        return answer.sha if answer is not None and not answer.error_kind else None

    def known_state(self, kind: str, name: str) -> str | None:
        """What a model or dataset resolves to as far as the cache knows now, without a
        request or reading a snapshot: its commit, or `!` and the lasting error a fresh ref
        holds (as openness.run states a dependency); None when only a fetch can say."""
        if kind == "model":
            try:
                ref = ModelRef.parse(name)
            except Exception:  # the fetch says why
                return None
            return self._model_state(ref)
        if kind != "dataset":
            return None
        try:
            check_dataset_id(name)
        except SourceError:
            return None
        return _state(self._cache.ref("dataset", name, None))

    def _model_state(self, ref: ModelRef) -> str | None:
        """known_state of a model already parsed."""
        if is_commit(ref.revision):
            return ref.revision
        return _state(self._cache.ref("model", ref.repo_id, ref.revision))

    def holds(self, ref: ModelRef, sha: str) -> bool:
        """Whether fetching `ref` again, now known to be at `sha`, costs no request: its
        revision is that commit, or a fresh ref says so, and the snapshot is on disk. A
        run then need not keep the snapshot in memory (openness.run)."""
        return self.known_commit(ref) == sha and self._cache.holds_model(ref.repo_id, sha)

    # -- MetadataSource ---------------------------------------------------------------
    def is_cached(self, ref: ModelRef) -> bool:
        """True when fetching `ref` costs no request: its snapshot, or its failure, is cached,
        or nothing is ever asked (offline). For a batch's estimate of its requests: the
        snapshot's file is looked at, not read (the run reads it once, when it needs it)."""
        if self._cache.offline:
            return True
        state = self._model_state(ref)  # a commit, a remembered failure ("!..."), or None
        return state is not None and (state.startswith("!") or self._cache.holds_model(ref.repo_id, state))

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        cached = self._cached_model(ref)
        if cached is not None:
            return cached
        try:
            facts = self.source.model_facts(ref)
        except SourceError as exc:
            self._cache.store_error("model", ref.repo_id, ref.revision, exc)
            raise
        repo_id = facts.id or ref.repo_id
        known = self._cache.model(repo_id, facts.sha) if facts.sha else None
        revision = facts.sha or ref.revision
        card = known.card if known else self.source.card(repo_id, revision, facts.siblings)
        licence = known.licence_text if known else self.source.licence_text(
            repo_id, revision, facts.siblings, facts.card_data.get("license_link"))
        snapshot = model_snapshot(ref, facts, card, licence)
        lasting = card.status in STORED_CARD_STATES and (licence is None or licence.status != "unavailable")
        if facts.sha and not facts.listed and lasting:
            # Under the name asked only: a renamed repo's new name was not asked, and
            # an answer must never stand in the cache for a repo nobody asked about.
            self._cache.store_model(snapshot, as_id=ref.repo_id)
            if not is_commit(ref.revision):
                self._cache.store_ref("model", ref.repo_id, ref.revision, facts.sha)
        return snapshot

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        check_dataset_id(dataset_id)
        cache = self._cache
        answer = cache.ref("dataset", dataset_id, None)
        if answer:
            answer.raise_if_error(f"dataset {dataset_id}")
            hit = cache.dataset(dataset_id, answer.sha or "")
            if hit:
                return hit
        if cache.offline:
            raise NotCached(f"dataset {dataset_id}", "not in the cache, and the Hub is not used offline")
        try:
            snapshot = self.source.fetch_dataset(dataset_id)
        except SourceError as exc:
            cache.store_error("dataset", dataset_id, None, exc)
            raise
        if snapshot.sha:
            cache.store_dataset(snapshot, as_id=dataset_id)  # under the name asked only, as for models
            cache.store_ref("dataset", dataset_id, None, snapshot.sha)
        return snapshot

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    filters: list[str] | None = None, limit: int | None = None) -> list[str]:
        if self._cache.offline:
            raise NotCached("listing", "the Hub cannot be listed offline")
        return self.source.list_models(author=author, search=search, filters=filters, limit=limit)

    def _cached_model(self, ref: ModelRef) -> ModelSnapshot | None:
        cache = self._cache
        sha = ref.revision if is_commit(ref.revision) else None
        if sha is None:
            answer = cache.ref("model", ref.repo_id, ref.revision)
            if answer:
                answer.raise_if_error(str(ref))
                sha = answer.sha
        hit = cache.model(ref.repo_id, sha) if sha else None
        if hit is not None:
            return hit.model_copy(update={"requested_revision": ref.revision})
        if cache.offline:
            raise NotCached(str(ref), "not in the cache, and the Hub is not used offline")
        return None


def _state(answer: RefAnswer | None) -> str | None:
    """A remembered ref as openness.run states a dependency: its commit, `!` and its lasting
    error, or None when there is none."""
    if answer is None:
        return None
    return f"!{answer.error_kind}" if answer.error_kind else answer.sha
