"""HubSource: model facts from a Hugging Face Hub. The one module that imports huggingface_hub.

The endpoint, token and cache follow the Hub's own conventions (HF_ENDPOINT, HF_TOKEN or
the stored login, HF_HOME) unless given explicitly. Every call carries a timeout, because
`HfApi.model_info` has none by default.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openness.errors import (
    GatedModel,
    HubUnavailable,
    HubUnreachable,
    ModelDisabled,
    ModelNotFound,
    RateLimited,
    RevisionNotFound,
    SourceError,
)
from openness.models import CardFile, DatasetSnapshot, ModelRef, ModelSnapshot

# The keys the scorer reads; asking for just these keeps the answer small.
EXPAND_KEYS = [
    "cardData", "gated", "siblings", "tags", "sha", "library_name",
    "pipeline_tag", "baseModels", "lastModified",
]
CARD_FILE = "README.md"
DEFAULT_TIMEOUT_S = 10.0
# Cards beyond this are read in part: a few real cards run to hundreds of KB, none
# that matters needs more, and a hostile one must not fill memory.
MAX_CARD_BYTES = 1_000_000
# Share of undecodable bytes above which a card is "not text" rather than "a bit off".
_MAX_BAD_BYTES_SHARE = 0.01


class HubSource:
    """Reads model info and the model card from a Hub, over HTTP, through huggingface_hub."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        cache_dir: str | Path | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        from huggingface_hub import HfApi, constants
        from huggingface_hub.utils import build_hf_headers

        # Building headers once here, before any worker thread, lets huggingface_hub load
        # its user-agent registry (one request a day, unless telemetry is off) a single
        # time; threads racing to build their first headers would each request it.
        build_hf_headers(token=False)
        self.endpoint = (endpoint or constants.ENDPOINT).rstrip("/")
        self._token = token
        self._cache_dir = cache_dir
        self._timeout = timeout
        self._api = HfApi(endpoint=self.endpoint, token=token)

    def __repr__(self) -> str:  # never show the token
        return f"HubSource(endpoint={self.endpoint!r})"

    def fetch(self, ref: ModelRef) -> ModelSnapshot:
        """Model info at the requested revision, then the card pinned to its commit."""
        info = self._model_info(ref)
        siblings = [s.rfilename for s in (info.siblings or [])]
        card = self._card(info.id or ref.repo_id, info.sha or ref.revision, siblings)
        return ModelSnapshot(
            repo_id=info.id or ref.repo_id,
            requested_revision=ref.revision,
            sha=info.sha,
            gated=info.gated if info.gated in ("auto", "manual") else False,
            card_data=_card_data(info),
            tags=[t for t in (info.tags or []) if isinstance(t, str)],
            siblings=siblings,
            library_name=_str_or_none(info.library_name),
            pipeline_tag=_str_or_none(info.pipeline_tag),
            base_models=_dict_or_none(getattr(info, "base_models", None)),
            last_modified=info.last_modified.isoformat() if info.last_modified else None,
            card=card,
        )

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        """The dataset's licence, gate and tags from `dataset_info`."""
        try:
            info = self._api.dataset_info(dataset_id, expand=["cardData", "gated", "tags"],
                                          timeout=self._timeout)
        except Exception as exc:
            raise translate_error(exc, f"dataset {dataset_id}", what="dataset") from exc
        card = _card_data(info)
        return DatasetSnapshot(
            id=info.id or dataset_id, license=card.get("license"),
            gated=info.gated if info.gated in ("auto", "manual") else False,
            tags=[t for t in (info.tags or []) if isinstance(t, str)],
        )

    def _model_info(self, ref: ModelRef) -> Any:
        try:
            return self._api.model_info(
                ref.repo_id, revision=ref.revision, expand=EXPAND_KEYS, timeout=self._timeout
            )
        except Exception as exc:  # translated into our own typed errors
            raise translate_error(exc, str(ref)) from exc

    def _card(self, repo_id: str, revision: str | None, siblings: list[str]) -> CardFile:
        if CARD_FILE not in siblings:
            return CardFile(status="absent")
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError

        try:
            path = hf_hub_download(
                repo_id, CARD_FILE, revision=revision, endpoint=self.endpoint,
                token=self._token, cache_dir=self._cache_dir, etag_timeout=self._timeout,
            )
        except EntryNotFoundError:
            return CardFile(status="absent")
        except Exception as exc:  # the model is still scored; data and code become unknown
            problem = translate_error(exc, repo_id)
            return CardFile(status="unavailable", problem=str(problem).split(": ", 1)[-1])
        return read_card_file(Path(path))


def read_card_file(path: Path, limit: int = MAX_CARD_BYTES) -> CardFile:
    """Read at most `limit` bytes of a card; binary or mostly undecodable text is unreadable."""
    with open(path, "rb") as fh:
        raw = fh.read(limit + 1)
    truncated = len(raw) > limit
    raw = raw[:limit]
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
    if _is_transport_error(exc):
        return HubUnreachable(repo, f"could not reach the Hub ({_short(exc)})")
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return HubUnavailable(repo, f"the Hub's answer could not be read ({_short(exc)})")
    return HubUnavailable(repo, f"unexpected failure ({type(exc).__name__}: {_short(exc)})")


def _http_status_error(exc: Any, repo: str) -> SourceError:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 429:
        return RateLimited(repo, "the Hub's rate limit was reached; try again later or set HF_TOKEN")
    if status == 403:
        return ModelDisabled(repo, "access refused (HTTP 403): the repo may be disabled")
    if status == 401:
        return ModelNotFound(repo, "no such model on the Hub (or it is private)")
    return HubUnavailable(repo, f"the Hub answered HTTP {status}")


def _is_transport_error(exc: BaseException) -> bool:
    try:
        import httpx2 as http
    except ImportError:  # older huggingface_hub releases use httpx
        import httpx as http  # type: ignore[no-redef]
    return isinstance(exc, (http.TransportError, ConnectionError, TimeoutError))


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] or type(exc).__name__


def _card_data(info: Any) -> dict[str, Any]:
    data = getattr(info, "card_data", None)
    if data is None:
        return {}
    try:
        return dict(data.to_dict())
    except Exception:  # metadata that the library itself cannot serialise
        return {}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None
