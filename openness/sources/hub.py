"""HubSource: model facts from a Hugging Face Hub. The one module that imports huggingface_hub.

The endpoint, token and cache follow the Hub's own conventions (HF_ENDPOINT, HF_TOKEN or
the stored login, HF_HOME) unless given explicitly. Every call carries a timeout, because
`HfApi.model_info` has none by default.

The token goes only to the endpoint's origin (scheme, host and port): a listing page or a
redirect on another host is asked without it. Over plain http it goes only to a loopback
address; to another machine it is dropped, with one warning.

The source keeps nothing between runs: `openness.sources.cached.CachedHubSource` wraps it
with a DiskCache, and keeps what a token read apart (`cache_for_identity`), so that a run
without the token is never answered with a private model.
"""
from __future__ import annotations

import json
import logging
import math
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

from openness.errors import (
    GatedModel,
    HubUnavailable,
    HubUnreachable,
    InvalidModelId,
    ModelDisabled,
    ModelNotFound,
    RateLimited,
    RevisionNotFound,
    SourceError,
    quoted,
)
from openness.cache import DiskCache, is_commit
from openness.models import (MAX_CARD_BYTES, MAX_LICENCE_BYTES, CardFile, DatasetSnapshot, LicenceText, ModelRef,
                             ModelSnapshot)
from openness.sources.bodies import read_capped
from openness.sources.licence_file import licence_file, licence_text
from openness.sources.origins import origin, safe_for_token, without_credentials
from openness.sources.ratelimit import Budget, Pacer
from openness.sources.retry import (RETRY_STATUSES, BreakerOpen, CircuitBreaker, Retryable, RetryPolicy,
                                    call_with_retries)

T = TypeVar("T")
log = logging.getLogger("openness.hub")

# The keys the scorer reads; asking for just these keeps the answer small.
EXPAND_KEYS = [
    "cardData", "gated", "siblings", "tags", "sha", "library_name",
    "pipeline_tag", "baseModels", "lastModified",
]
# What a listing page can carry for each model (`baseModels` is single-model only: the
# lineage then comes from `base_model` metadata and `base_model:` tags, as the Hub shows it).
LIST_EXPAND_KEYS = [key for key in EXPAND_KEYS if key != "baseModels"]
CARD_FILE = "README.md"
DEFAULT_TIMEOUT_S = 10.0
# The most of a model_info or dataset_info answer read, once decoded: a repo with 100,000
# files lists them in about 6 MB; a larger answer is broken or hostile (a gzip bomb).
MAX_INFO_BYTES = 16 * 2**20
# Listing pages read at most: the Hub sends up to 1,000 models a page, so this is far
# beyond any author's or search's listing; past it (or a `next` link that loops) is an error.
MAX_LIST_PAGES = 500
# The most of an error answer read: the Hub's are a line of JSON.
MAX_ERROR_BYTES = 64 * 2**10
# Share of undecodable bytes above which a card is "not text" rather than "a bit off".
_MAX_BAD_BYTES_SHARE = 0.01


class HubSource:
    """Reads model info and the model card from a Hub, over HTTP, through huggingface_hub.

    Two steps, which a cache wraps (openness.sources.cached): `model_facts` (what
    model_info says at a revision, with its commit) and the card step at that commit:
    `card` (the README) and `licence_text` (the LICENSE file's hash); `fetch` is the two
    in turn. Every call retries by itself (see retry.py).
    """

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy = RetryPolicy(),
        breaker: CircuitBreaker | None = None,
        pacer: Pacer | None = None,
        max_wait_s: float | None = None,
    ) -> None:
        """`max_wait_s`: the longest wait for the Hub's rate limit that is sat out (default
        `retry.max_wait_s`, 60 s); a longer one fails the call at once, saying when to
        try again. `math.inf` waits whatever the Hub asks."""
        self._endpoint = endpoint
        self._breaker = breaker or CircuitBreaker()
        """Shared by every request of this source, so by the whole run (see retry.py)."""
        self.pacer = pacer or Pacer()
        """Shared likewise: the Hub's budget is the caller's, whatever the thread."""
        if self.pacer.on_wait is None:
            self.pacer.on_wait = self._say_waiting
        self._token = _usable_token(endpoint, token)
        self._timeout = timeout
        self._retry = retry if max_wait_s is None else replace(retry, max_wait_s=max_wait_s)
        self._client_lock = threading.Lock()
        self._client: Any = None
        self._listed: dict[str, HubFacts] = {}
        """Model infos from listing pages, used instead of a model_info call each."""

    def cache_for_identity(self, cache: DiskCache) -> DiskCache:
        """The part of `cache` this source's answers belong in: what is read with a token is
        kept apart, under that identity (a hash of the token, never the token itself)."""
        return cache.for_identity(self._token) if self._token else cache

    def __repr__(self) -> str:  # never show the token
        endpoint = without_credentials(self._endpoint) if self._endpoint else None
        return f"HubSource(endpoint={endpoint!r})"

    @property
    def _hub(self) -> "_HubClient":
        """huggingface_hub, imported and set up on the first real request only."""
        with self._client_lock:
            if self._client is None:
                self._client = _HubClient(self._endpoint, self._token, self._timeout, self.pacer.observe)
            return self._client

    @property
    def has_token(self) -> bool:
        """Whether requests carry a token (so the Hub's budget is the token's, not the anonymous one)."""
        return self._token is not None

    @property
    def announced_budget(self) -> Budget | None:
        """The API budget the Hub announced in this run (RateLimit-Policy), if it has yet."""
        return self.pacer.budgets.get("api")

    def is_cached(self, ref: ModelRef) -> bool:
        """False: without a cache every fetch asks the Hub."""
        return False

    def _say_waiting(self, seconds: float) -> None:
        hint = "" if self._token else " (set HF_TOKEN for a larger budget)"
        log.warning("rate limited by the Hub: waiting up to %s s for its budget to renew%s",
                    math.ceil(seconds), hint, extra={"notice": True})

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        """Model info at the requested revision, then the card pinned to its commit."""
        facts = self.model_facts(ref)
        repo_id, revision = facts.id or ref.repo_id, facts.sha or ref.revision
        return model_snapshot(ref, facts, self.card(repo_id, revision, facts.siblings),
                              self.licence_text(repo_id, revision, facts.siblings, facts.card_data.get("license_link")))

    def model_facts(self, ref: ModelRef) -> HubFacts:
        """What model_info says of `ref`, its `id` as the Hub spells it (a renamed repo's new
        name); from the listing already read, when `ref` names no revision and was listed
        (such facts lack `baseModels`: `listed` is set)."""
        listed = self._listed.get(ref.repo_id.lower()) if ref.revision is None else None
        facts = listed or self._call(lambda: HubFacts.of(*self._hub.model_info(ref)), str(ref))
        return replace(facts, id=_answered_id(facts, ref.repo_id, str(ref)))

    def card(self, repo_id: str, revision: str | None, siblings: tuple[str, ...]) -> CardFile:
        """The model card at `revision` (a commit, when the Hub gave one): absent when the
        file list has no README; unavailable, with why, when it could not be read."""
        if CARD_FILE not in siblings:
            return CardFile(status="absent")
        from huggingface_hub.errors import EntryNotFoundError

        try:
            raw, truncated = self._call(lambda: self._hub.read_file(repo_id, CARD_FILE, revision), repo_id,
                                        budget="resolvers")
        except SourceError as exc:  # the model is still scored; data and code become unknown
            if isinstance(exc.__cause__, EntryNotFoundError):
                return CardFile(status="absent")
            return CardFile(status="unavailable", problem=str(exc).split(": ", 1)[-1])
        return card_from_bytes(raw, truncated)

    def licence_text(self, repo_id: str, revision: str | None, siblings: tuple[str, ...],
                     license_link: object = None) -> LicenceText | None:
        """The hash of the repo's licence file at `revision` (see licence_file), None when
        the file list has none. A read that failed is `unavailable` (unknown), never "no
        licence"; a gate, a file gone or over MAX_LICENCE_BYTES is `unreadable`."""
        name = licence_file(siblings, repo_id, license_link)
        if name is None:
            return None
        from huggingface_hub.errors import EntryNotFoundError, GatedRepoError

        try:
            raw, more = self._call(lambda: self._hub.read_file(repo_id, name, revision, limit=MAX_LICENCE_BYTES),
                                   repo_id, budget="resolvers")
        except SourceError as exc:
            lasting = isinstance(exc.__cause__, (EntryNotFoundError, GatedRepoError))
            return LicenceText(file=name, status="unreadable" if lasting else "unavailable",
                               problem=str(exc).split(": ", 1)[-1])
        return licence_text(name, raw, more)

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        """The dataset's licence, gate and tags from `dataset_info`."""
        check_dataset_id(dataset_id)
        info = self._call(lambda: HubFacts.of(*self._hub.dataset_info(dataset_id)), f"dataset {dataset_id}",
                          what="dataset")
        return DatasetSnapshot(
            id=_answered_id(info, dataset_id, f"dataset {dataset_id}"), sha=info.sha,
            license=info.card_data.get("license"),
            gated=gate_of(info.gated),
            tags=list(info.tags),
        )

    def list_models(self, *, author: str | None = None, search: str | None = None,
                    filters: list[str] | None = None, limit: int | None = None) -> list[str]:
        """Ids the Hub's listing gives, read page by page; each model's metadata is kept,
        so scoring it then costs only its card (or nothing, when cached)."""
        infos = self._listing(author=author, search=search, filters=filters, limit=limit)
        ids = []
        for info in infos:
            if isinstance(getattr(info, "id", None), str):
                self._listed[info.id.lower()] = HubFacts.of_listing(info)
                ids.append(info.id)
        return ids

    def _listing(self, *, author: str | None, search: str | None, filters: list[str] | None,
                 limit: int | None) -> list[Any]:
        """The listing's models, page by page, each page with its own retries (a wait the Hub
        asks for beyond RetryPolicy.max_wait_s ends it, as for any call). Bounded: a `next`
        link back to a page already read, or more than MAX_LIST_PAGES pages, is one error,
        never a run that does not end."""
        query: dict[str, Any] = {"expand": LIST_EXPAND_KEYS}
        for key, value in (("author", author), ("search", search), ("filter", filters or None), ("limit", limit)):
            if value:
                query[key] = value
        params: dict[str, Any] | None = query
        url: str | None = f"{self._hub.endpoint}/api/models"
        seen: set[str] = set()
        infos: list[Any] = []
        while url is not None and (limit is None or len(infos) < limit):
            if url in seen:
                raise HubUnavailable("listing", f"the listing's next link leads back to a page already read "
                                                f"(a loop), after {len(seen)} page(s); stopped")
            if len(seen) >= MAX_LIST_PAGES:
                raise HubUnavailable("listing", f"the listing runs past {MAX_LIST_PAGES} pages; stopped "
                                                "(narrow it, or give a limit)")
            seen.add(url)
            page_url, page_params = url, params
            items, url = self._call(lambda: self._hub.list_page(page_url, page_params), "listing models")
            infos += items
            params = None  # the next link carries the query
        return infos[:limit] if limit is not None else infos

    def _call(self, call: Callable[[], T], repo: str, what: str = "model", budget: str = "api") -> T:
        """`call()` with retries; what still fails becomes one of our typed errors. `budget`
        is the Hub's rate-limit budget the call draws on: "api", or "resolvers" for files."""
        def told_to_wait(seconds: float, failure: Retryable) -> None:
            if getattr(getattr(failure.cause, "response", None), "status_code", None) == 429:
                self.pacer.announce(budget, seconds)

        try:
            return call_with_retries(lambda: self._attempt(call, budget), self._retry, on_server_wait=told_to_wait)
        except BreakerOpen as exc:
            raise HubUnreachable(repo, str(exc)) from None
        except SourceError:
            raise
        except Exception as exc:  # translated into our own typed errors
            raise translate_error(exc, repo, what=what) from exc

    def _attempt(self, call: Callable[[], T], budget: str) -> T:
        """One try, unless the breaker is open, when the Hub's budget allows; its outcome
        tells the breaker whether the Hub answered."""
        self._breaker.check()
        with self.pacer.slot(budget, self._retry.max_wait_s):
            self._breaker.check()  # it may have opened while this call waited
            try:
                result = _retryable(call)
            except Exception as exc:
                cause = exc.cause if isinstance(exc, Retryable) else exc
                if _is_transport_error(cause):
                    self._breaker.failed(_short(cause) if not _is_timeout(cause) else "timed out")
                else:
                    self._breaker.answered()
                raise
        self._breaker.answered()
        return result



def model_snapshot(ref: ModelRef, facts: HubFacts, card: CardFile,
                   licence: LicenceText | None = None) -> ModelSnapshot:
    """The snapshot of `ref` from what model_info said (`facts`, its id checked), its card
    and its licence file's hash."""
    repo_id = facts.id or ref.repo_id
    return ModelSnapshot(
        repo_id=repo_id,
        requested_revision=ref.revision,
        requested_id=ref.repo_id if repo_id.lower() != ref.repo_id.lower() else None,
        sha=facts.sha,
        gated=gate_of(facts.gated),
        card_data=dict(facts.card_data),
        tags=list(facts.tags),
        siblings=list(facts.siblings),
        library_name=facts.library_name,
        pipeline_tag=facts.pipeline_tag,
        base_models=facts.base_models,
        last_modified=facts.last_modified,
        card=card,
        licence_text=licence,
    )


def check_dataset_id(dataset_id: str) -> None:
    """Cards name datasets in prose too ("The Pile"): what cannot be an id is no request
    and no cache entry. Raises SourceError."""
    try:
        ModelRef.parse(dataset_id)
    except InvalidModelId:
        raise SourceError(f"dataset {dataset_id}", "not a Hub dataset id") from None


class _HubClient:
    """The calls the scorer makes, each one HTTP request, all through huggingface_hub."""

    def __init__(self, endpoint: str | None, token: str | None, timeout: float,
                 observe: Callable[[Mapping[str, str], str], None] = lambda headers, budget: None) -> None:
        from huggingface_hub import HfApi
        from huggingface_hub.utils import build_hf_headers

        self.endpoint = hub_endpoint(endpoint)
        self.timeout = timeout
        self.observe = observe
        """Told the headers of every answer, errors too: the Hub announces its budget on each."""
        # `False`, not None: None would let huggingface_hub pick up HF_TOKEN by itself.
        self.api = HfApi(endpoint=self.endpoint, token=token or False)
        # Built once, before worker threads exist: huggingface_hub loads its user-agent
        # registry (a request, unless telemetry is off) the first time it builds headers.
        self.headers = build_hf_headers(token=token or False)
        self.anonymous_headers = build_hf_headers(token=False)

    def headers_for(self, url: str) -> dict[str, str]:
        """The headers with the token for the endpoint's own origin, without it for any other."""
        return self.headers if origin(url) == origin(self.endpoint) else self.anonymous_headers

    # model_info and dataset_info read the JSON themselves: huggingface_hub's ModelInfo
    # refuses a whole answer for one field of an odd type (`cardData.tags: 5`, a sibling
    # without a name), and HubFacts reads around such a field instead.
    def model_info(self, ref: ModelRef) -> tuple[Any, str | None]:
        """The raw JSON of /api/models/{id}[/revision/{rev}], as HfApi.model_info asks for it,
        and the id a redirect led to (a renamed repo), if any."""
        return self._info_json("models", ref.repo_id, ref.revision, EXPAND_KEYS)

    def dataset_info(self, dataset_id: str) -> tuple[Any, str | None]:
        return self._info_json("datasets", dataset_id, None, ["cardData", "gated", "tags", "sha"])

    def _info_json(self, kind: str, repo_id: str, revision: str | None,
                   expand: list[str]) -> tuple[Any, str | None]:
        from huggingface_hub.utils import get_session, hf_raise_for_status

        url = f"{self.endpoint}/api/{kind}/{repo_id}"
        if revision is not None:
            url += f"/revision/{quote(revision, safe='')}"
        # Streamed and read up to a bound, counted after decoding: a small gzip body can
        # decode to gigabytes, and `response.content` would hold all of it.
        with get_session().stream("GET", url, headers=self.headers, timeout=self.timeout,
                                  params={"expand": expand}, follow_redirects=True) as response:
            self.observe(response.headers, "api")
            if response.status_code >= 400:
                read_capped(response, MAX_ERROR_BYTES)
                hf_raise_for_status(response)
            body, more = read_capped(response, MAX_INFO_BYTES)
            moved_to = None
            if response.history:  # the Hub redirects a renamed repo's API calls to its new name
                parts = str(response.url.path).split("/")
                moved_to = "/".join(parts[3:5]) if len(parts) >= 5 and parts[1:3] == ["api", kind] else None
        if more:
            raise AnswerTooLarge(f"the answer is over {_size(MAX_INFO_BYTES)} once decoded; not read further")
        return read_json(body), moved_to

    def list_page(self, url: str, params: dict[str, Any] | None) -> tuple[list[Any], str | None]:
        """One page of a listing and the `next` link, as `HfApi.list_models` reads them, but
        asked with the token only on the endpoint's origin, and read up to a bound."""
        from huggingface_hub.hf_api import ModelInfo
        from huggingface_hub.utils import get_session, hf_raise_for_status

        with get_session().stream("GET", url, params=params, headers=self.headers_for(url),
                                  timeout=self.timeout, follow_redirects=True) as response:
            self.observe(response.headers, "api")
            if response.status_code >= 400:
                read_capped(response, MAX_ERROR_BYTES)
                hf_raise_for_status(response)
            body, more = read_capped(response, MAX_INFO_BYTES)
            next_url = response.links.get("next", {}).get("url")
        if more:
            raise AnswerTooLarge(f"a listing page is over {_size(MAX_INFO_BYTES)} once decoded; not read further")
        data = read_json(body)
        items = [ModelInfo(**{"siblings": None, **item}) for item in data if isinstance(item, dict)] \
            if isinstance(data, list) else []
        return items, next_url

    def read_file(self, repo_id: str, filename: str, revision: str | None,
                  limit: int = MAX_CARD_BYTES) -> tuple[bytes, bool]:
        """At most `limit` bytes of a file, in one GET (hf_hub_download would HEAD first)."""
        from huggingface_hub import hf_hub_url
        from huggingface_hub.utils import get_session, hf_raise_for_status

        url = hf_hub_url(repo_id, filename, revision=revision or "main", endpoint=self.endpoint)
        # httpx drops the Authorization header on a redirect to another origin (scheme, host
        # or port), so a card moved elsewhere is asked without the token (a test holds this).
        with get_session().stream("GET", url, headers=self.headers, timeout=self.timeout,
                                  follow_redirects=True) as response:
            self.observe(response.headers, "resolvers")
            if response.status_code >= 400:
                response.read()
                hf_raise_for_status(response)
            return read_capped(response, limit)


def _retryable(call: Callable[[], T]) -> T:
    """Run `call`, marking the failures worth another try: 429, 5xx, timeouts, lost connections."""
    from huggingface_hub.errors import HfHubHTTPError

    try:
        return call()
    except HfHubHTTPError as exc:
        response = getattr(exc, "response", None)
        if response is not None and getattr(response, "status_code", None) in RETRY_STATUSES:
            raise Retryable(exc, dict(response.headers)) from exc
        raise
    except Exception as exc:
        # Timeouts, dropped connections and garbled answers (a proxy's error page, a cut
        # body) may pass; a refused connection or an unknown host will not within
        # seconds, and retrying them only makes the user wait.
        if isinstance(exc, json.JSONDecodeError) or (_is_transport_error(exc) and not _is_connect_error(exc)):
            raise Retryable(exc, timed_out=_is_timeout(exc)) from exc
        raise


@dataclass(frozen=True)
class HubFacts:
    """What the scorer reads of a model_info or dataset_info answer, each field in the
    type it must have. A field of another type (from a broken or hostile endpoint, or a
    card's odd metadata) is read as absent, so it costs that field, never the model."""

    id: str | None = None
    sha: str | None = None
    """A commit id, or None: it names cache files and URLs (see _commit_or_none)."""
    gated: Any = False
    """The Hub's value as sent; gate_of() says what it means."""
    card_data: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    library_name: str | None = None
    pipeline_tag: str | None = None
    base_models: dict[str, Any] | None = None
    last_modified: str | None = None

    moved_to: str | None = None
    """The id the Hub redirected the request to (a renamed repo), if it did."""
    listed: bool = False
    """Read from a listing page, which carries no `baseModels`: good for this run, but it
    must not stand in a cache for the full answer."""

    @classmethod
    def of(cls, data: Any, moved_to: str | None = None) -> "HubFacts":
        """The facts in the JSON answer; ValueError when it is not an object at all."""
        if not isinstance(data, dict):
            raise ValueError(f"the answer is a {type(data).__name__}, not an object")
        card = data.get("cardData")
        return cls(
            moved_to=moved_to,
            id=data["id"] if isinstance(data.get("id"), str) and data["id"] else None,
            sha=_commit_or_none(data.get("sha")),
            gated=data.get("gated", False),
            card_data={str(k): v for k, v in card.items() if v is not None} if isinstance(card, dict) else {},
            tags=_strings(data.get("tags")),
            siblings=tuple(s["rfilename"] for s in _list(data.get("siblings"))
                           if isinstance(s, dict) and isinstance(s.get("rfilename"), str)),
            library_name=_str_or_none(data.get("library_name")),
            pipeline_tag=_str_or_none(data.get("pipeline_tag")),
            base_models=_dict_or_none(data.get("baseModels")),
            last_modified=_timestamp(data.get("lastModified")),
        )

    @classmethod
    def of_listing(cls, info: Any) -> "HubFacts":
        """The facts of one model of a listing page (a huggingface_hub ModelInfo)."""
        return cls(
            listed=True,
            id=info.id if isinstance(info.id, str) and info.id else None,
            sha=_commit_or_none(info.sha),
            gated=info.gated,
            card_data=_card_data(info),
            tags=_strings(info.tags),
            siblings=tuple(s.rfilename for s in (info.siblings or []) if isinstance(s.rfilename, str)),
            library_name=_str_or_none(info.library_name),
            pipeline_tag=_str_or_none(info.pipeline_tag),
            last_modified=info.last_modified.isoformat() if info.last_modified else None,
        )


class AnswerTooLarge(ValueError):
    """A Hub answer larger than any real one: not read to its end, not retried."""


def read_json(body: bytes) -> Any:
    """A JSON answer, with integers too wide for any card field read as absent (None):
    Python refuses to read one of over 4,300 digits, and cannot write it back."""
    return json.loads(body, parse_int=_bounded_int)


def _bounded_int(text: str) -> int | None:
    return int(text) if len(text.lstrip("-")) <= 19 else None  # no field the scorer reads needs more


def _answered_id(info: HubFacts, asked: str, what: str) -> str:
    """The id the answer is for: as the Hub spells it (ids ignore case), or a renamed repo's
    new name when the Hub redirected there. An answer for any other repo is refused, so
    it can neither become a row under the wrong name nor enter the cache."""
    answered = info.id or asked
    if answered.lower() == asked.lower() or (info.moved_to or "").lower() == answered.lower():
        return answered
    raise HubUnavailable(what, f"the Hub answered for another repo ({quoted(answered)}) than the one asked; "
                               "not scored, nothing cached")


def gate_of(value: Any) -> bool | str:
    """False (no gate), "auto", "manual", or "unknown": any other value (`true`, a word the
    Hub may add later) says there is a gate without saying which, so it is never read as
    no gate. An absent value (None) is no gate, as the Hub leaves it out for ungated repos."""
    if value is None or value is False:
        return False
    if value in ("auto", "manual"):
        return str(value)
    return "unknown"


def card_from_bytes(raw: bytes, truncated: bool) -> CardFile:
    """The card as text; binary or mostly undecodable bytes make it unreadable."""
    if b"\x00" in raw:
        return CardFile(status="unreadable", problem="README.md is binary, not text")
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if raw and bad > _MAX_BAD_BYTES_SHARE * len(raw) + (3 if truncated else 0):
        return CardFile(status="unreadable", problem="README.md is not UTF-8 text")
    return CardFile(status="ok", text=text, truncated=truncated)


def translate_error(exc: BaseException, repo: str, what: str = "model") -> SourceError:
    """Turn a huggingface_hub or HTTP error into one of ours, subclasses first."""
    from huggingface_hub.errors import (
        DisabledRepoError,
        GatedRepoError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(exc, GatedRepoError):  # a subclass of RepositoryNotFoundError: first
        return GatedModel(repo, "gated: accept its conditions on the Hub and set HF_TOKEN")
    if isinstance(exc, RepositoryNotFoundError):
        return ModelNotFound(repo, f"no such {what} on the Hub (or it is private)")
    if isinstance(exc, RevisionNotFoundError):
        return RevisionNotFound(repo, "the repo has no such revision")
    if isinstance(exc, DisabledRepoError):
        return ModelDisabled(repo, "the Hub has disabled this repo")
    if isinstance(exc, HfHubHTTPError):
        return _http_status_error(exc, repo)
    if _is_timeout(exc):
        return HubUnreachable(repo, "the Hub did not answer in time (timed out, after retries)")
    if _is_transport_error(exc):
        return HubUnreachable(repo, f"could not reach the Hub ({_short(exc)})")
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return HubUnavailable(repo, f"the Hub's answer could not be read ({_short(exc)})")
    return HubUnavailable(repo, f"unexpected failure ({type(exc).__name__}: {_short(exc)})")


def _http_status_error(exc: Any, repo: str) -> SourceError:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 429:
        from openness.sources.retry import server_wait_s

        headers = {k.lower(): v for k, v in getattr(exc.response, "headers", {}).items()}
        wait = server_wait_s(headers)
        when = f"try again in {wait:.0f} s" if wait is not None else "try again later"
        return RateLimited(repo, f"the Hub's rate limit was reached; {when}, set HF_TOKEN for a larger "
                                 "budget, or let the run wait (--wait-for-rate-limit)")
    if status == 403:
        return ModelDisabled(repo, "access refused (HTTP 403): the repo may be disabled")
    if status == 401:  # a missing repo says so in X-Error-Code; a bare 401 is about the token
        return HubUnavailable(repo, "the Hub refused the credentials (HTTP 401): check HF_TOKEN")
    if isinstance(status, int) and status >= 500:
        return HubUnavailable(repo, f"the Hub answered HTTP {status} (a server error) to every try; try again later")
    return HubUnavailable(repo, f"the Hub answered HTTP {status}")


def _http() -> Any:
    """The HTTP package huggingface_hub runs on (imported only once a request has failed)."""
    try:
        import httpx2 as http
    except ImportError:  # older huggingface_hub releases use httpx
        import httpx as http  # type: ignore[no-redef,import-not-found,unused-ignore]
    return http


def _is_transport_error(exc: BaseException) -> bool:
    return isinstance(exc, (_http().TransportError, ConnectionError, TimeoutError))


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, (_http().TimeoutException, TimeoutError))


def _is_connect_error(exc: BaseException) -> bool:
    return isinstance(exc, (_http().ConnectError, ConnectionRefusedError))


def hub_endpoint(endpoint: str | None) -> str:
    """The Hub asked: `endpoint`, else HF_ENDPOINT as it is now, else huggingface_hub's.

    huggingface_hub reads HF_ENDPOINT once, when it is first imported; a program (or a
    notebook) that sets it later would have its models asked of huggingface.co while
    the cache and the messages name the endpoint it set.
    """
    from huggingface_hub import constants

    return (endpoint or os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).strip().rstrip("/")


def _usable_token(endpoint: str | None, token: str | None) -> str | None:
    """`token`, else the one huggingface_hub would use (HF_TOKEN or the stored login); None
    when there is none, or when the endpoint is plain http to another machine, where
    anyone on the way could read it."""
    from huggingface_hub import constants

    if token is None and not constants.HF_HUB_DISABLE_IMPLICIT_TOKEN and not _surely_no_token(constants.HF_TOKEN_PATH):
        from huggingface_hub.utils import get_token  # its import is most of a warm run's start

        try:
            token = get_token()
        except Exception as exc:  # a failed OIDC exchange, an unreadable token file: go on without
            log.warning("the Hub token could not be read (%s); going on without it", type(exc).__name__)
            token = None
    if not token:
        return None
    url = hub_endpoint(endpoint)
    if not safe_for_token(url):
        where = origin(url)
        log.warning("the Hub endpoint %s is plain http to another machine: the Hub token (HF_TOKEN) "
                    "is not sent over it",
                    f"{where[0]}://{where[1]}:{where[2]}" if where else "(not an http(s) URL)")
        return None
    return token


_TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE")


def _surely_no_token(token_path: str) -> bool:
    """True when huggingface_hub's `get_token` could only answer None: no token variable,
    no OIDC exchange asked for, no IPython (Colab's secret vault is read through it) and no
    stored login file. Decided without importing huggingface_hub.utils, which costs more
    than a warm run's whole scoring; any doubt leaves the answer to `get_token`."""
    import builtins
    import sys

    if any(os.environ.get(name) for name in _TOKEN_VARIABLES):
        return False
    if "IPython" in sys.modules or hasattr(builtins, "get_ipython"):
        return False
    return not os.path.lexists(token_path)


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n // 2**10} KB"


def _short(exc: BaseException) -> str:
    text = without_credentials(" ".join(str(exc).split()))
    return text[:160] or type(exc).__name__


def _card_data(info: Any) -> dict[str, Any]:
    data = getattr(info, "card_data", None)
    if data is None:
        return {}
    try:
        return dict(data.to_dict())
    except Exception:  # metadata that the library itself cannot serialise
        return {}


def _commit_or_none(value: Any) -> str | None:
    """The commit id the Hub gave, if it is one: it names cache files and URLs, so anything
    else (from a broken or hostile endpoint) is dropped and the answer is not cached."""
    return value.lower() if isinstance(value, str) and is_commit(value.lower()) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str))


def _timestamp(value: Any) -> str | None:
    """The Hub's `lastModified`, as huggingface_hub would turn it into ISO text; None if unreadable."""
    if not isinstance(value, str):
        return None
    from huggingface_hub.utils import parse_datetime

    try:
        return parse_datetime(value).isoformat()
    except ValueError:
        return None
