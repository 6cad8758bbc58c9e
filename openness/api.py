"""The Python API, the same one the CLI uses: the only place that puts the stages together."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from openness.version import __version__
from openness.errors import InvalidEndpoint, InvalidModelId, ScoringFailed, UnknownProfile, UnknownRubric, quoted
from openness.ids import unique_model_texts
from openness.models import ModelRef, RubricRef, Scorecard
from openness.report import Report
from openness.sources.interface import CodeHost, MetadataSource

if TYPE_CHECKING:
    from openness.assess import Judge, Trace, error_card
    from openness.cache import VerdictCache
    from openness.run import ScoringRun

# The errors the functions below document raising are importable from here as well.
__all__ = ["DEFAULT_JOBS", "InvalidEndpoint", "InvalidModelId", "Judge", "Streamed", "UnknownProfile", "UnknownRubric",
           "compare", "compare_streaming",
           "error_card",
           "github_source", "hub_source", "score", "trace"]


def __getattr__(name: str) -> Any:
    """`Judge` and `error_card` as before, imported when first asked for: the judging code
    (regexes, rubric schema) costs more to import than a warm run answered from the
    verdict cache takes in all."""
    if name == "Judge":
        from openness.assess import Judge

        return Judge
    if name == "error_card":
        from openness.assess import error_card

        return error_card
    raise AttributeError(f"module 'openness.api' has no attribute {name!r}")


# Requests in flight at once. Hub calls are small and latency-bound, so more than a
# handful pays off; 16 stays far below what the Hub tolerates from one client.
DEFAULT_JOBS = 16


ANSWERING_THREADS = 2
"""Threads that score a batch every model of which may be answered from kept verdicts
(benchmarks/score_speed.py, warm: 2 threads answer 100 models in ~2/3 of the time 16 take)."""


def check_endpoint(endpoint: str | None, *, name: str = "the endpoint") -> str | None:
    """`endpoint` if it is an http(s) URL with a host, else raise InvalidEndpoint saying why.

    None checks HF_ENDPOINT instead when it is set (None when neither is). A scheme-less
    `localhost:8080` is refused here rather than failing model by model later; `name` is
    how the message names the value (`--endpoint`).
    """
    import os
    from urllib.parse import urlsplit

    if endpoint is None:
        endpoint, name = os.environ.get("HF_ENDPOINT") or None, "HF_ENDPOINT"
        if endpoint is None:
            return None
    try:
        url = urlsplit(endpoint.strip())
        url.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        url = None
    if url is None or url.scheme.lower() not in ("http", "https") or not url.hostname \
            or any(c.isspace() or not c.isprintable() for c in endpoint.strip()):
        raise InvalidEndpoint(f"{name} {quoted(endpoint)} is not a Hub URL: expected http:// or "
                              "https:// and a host, e.g. https://huggingface.co or http://localhost:8080")
    return endpoint


def hub_address(endpoint: str | None) -> str:
    """The Hub `endpoint` names (else HF_ENDPOINT, else huggingface.co), without credentials."""
    import os

    from openness.cache import DEFAULT_ENDPOINT
    from openness.sources.origins import without_credentials

    return without_credentials((endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).strip().rstrip("/"))


def hub_source(endpoint: str | None = None, token: str | None = None, *, cache: bool = True,
               refresh: bool = False, offline: bool | None = None,
               max_wait_s: float | None = None) -> MetadataSource:
    """A source reading the Hub at `endpoint` (default: HF_ENDPOINT or huggingface.co).

    With `cache`, what is fetched is kept under $HF_HOME/openness (see openness.cache);
    `refresh` ignores what is there, `offline` (default: HF_HUB_OFFLINE) uses nothing else.
    `max_wait_s` is the longest wait for the Hub's rate limit that is sat out (default
    60 s; `openness.sources.ratelimit.LONGEST_WAIT_S` waits out any window the Hub sets);
    calls always pace themselves to the budget the Hub announces.
    Raises InvalidEndpoint when the endpoint (or HF_ENDPOINT) is not an http(s) URL.
    """
    from openness.cache import DiskCache, offline_from_environment
    from openness.sources.cached import CachedHubSource
    from openness.sources.hub import HubSource

    check_endpoint(endpoint)
    offline = offline_from_environment() if offline is None else offline
    hub = HubSource(endpoint=endpoint, token=token, max_wait_s=max_wait_s)
    if not (cache or offline):
        return hub
    return CachedHubSource(hub, DiskCache(endpoint=endpoint, refresh=refresh, offline=offline))


def github_source(api_url: str | None = None, token: str | None = None, *, cache: bool = True,
                  refresh: bool = False, offline: bool | None = None) -> CodeHost:
    """A code host reading GitHub's REST API at `api_url` (default: GITHUB_API_URL, else
    https://api.github.com) with `token` (default: GITHUB_TOKEN, else GH_TOKEN).

    Cache, `refresh` and `offline` (default: HF_HUB_OFFLINE) as for `hub_source`: what is
    read is kept under $HF_HOME/openness/v1/github.
    """
    from openness.cache import CodeRepoCache, offline_from_environment
    from openness.sources.github import GitHubSource, resolve_api_url

    api_url = resolve_api_url(api_url)
    offline = offline_from_environment() if offline is None else offline
    disk = CodeRepoCache(api_url, refresh=refresh, offline=offline) if cache or offline else None
    return GitHubSource(api_url=api_url, token=token, cache=disk)


def _code_host(code_host: CodeHost | None, repos: bool, refresh: bool, offline: bool | None) -> CodeHost | None:
    """The code host a call reads linked repositories from: none when `repos` is off."""
    if not repos:
        return None
    return code_host or github_source(refresh=refresh, offline=offline)


def score_ref(ref: ModelRef, source: MetadataSource, judge: Judge, code_host: CodeHost | None = None) -> Scorecard:
    """Fetch, extract and judge one model with its lineage; a source error becomes an error scorecard."""
    from openness.run import ScoringRun

    with ScoringRun(source, judge, code_host=code_host) as run:
        return run.score(ref)


def score_text(text: str, run: "ScoringRun") -> Scorecard:
    """Score a model given as user text; an invalid id becomes an error scorecard."""
    try:
        ref = ModelRef.parse(text)
    except InvalidModelId as exc:
        from openness.assess import error_card  # only here: a warm run imports no judging code

        return error_card(text, None, exc)
    return run.score(ref)


def score(repo_id: str, *, profile: str = "default", revision: str | None = None,
          endpoint: str | None = None, token: str | None = None, refresh: bool = False,
          offline: bool | None = None, source: MetadataSource | None = None,
          code_host: CodeHost | None = None, repos: bool = True, max_wait_s: float | None = None,
          rubrics: Sequence[str] = ()) -> Scorecard:
    """Score one model on open weights, open data and open code.

    Args:
        repo_id: `org/name`, or `org/name@revision`.
        profile: which words the levels get: default, crfm, osai or osi.
        revision: a branch, tag or commit; overrides one given after `@`.
        endpoint: the Hub URL (default: HF_ENDPOINT, else https://huggingface.co).
        token: a Hub token for private models (default: HF_TOKEN or `hf auth login`).
        refresh: fetch again what is in the disk cache ($HF_HOME/openness).
        offline: use only the disk cache (default: the HF_HUB_OFFLINE variable); what is
            not there comes back as an error scorecard of kind "not_cached".
        source: where snapshots come from, instead of the Hub (for tests and mirrors).
        code_host: where linked code repositories are read (default: GitHub, see
            `github_source`, with the same refresh and offline).
        repos: False reads no linked repository at all: code is judged from the card.
        max_wait_s: the longest wait for the Hub's rate limit that is sat out (see `compare`).
        rubrics: other rubrics to judge the model under too, by id (`openness rubric list`;
            "all" for every one): the scorecard's `results`.

    Returns:
        A frozen Scorecard. Hub failures (not found, gated, unreachable) come back as a
        scorecard with status "error" and the reason; nothing is raised for them.

    Raises:
        InvalidModelId: `repo_id` cannot be a model id.
        UnknownProfile: no profile of that name.
        UnknownRubric: no rubric of a name in `rubrics`.
        InvalidEndpoint: `endpoint` (or HF_ENDPOINT) is not an http(s) URL.
    """
    from openness.assess import Judge

    ref = ModelRef.parse(repo_id)
    if revision:
        ref = ModelRef(repo_id=ref.repo_id, revision=revision)
    source = source or hub_source(endpoint, token, refresh=refresh, offline=offline, max_wait_s=max_wait_s)
    return score_ref(ref, source, Judge.load(profile, rubrics), _code_host(code_host, repos, refresh, offline))


def trace(repo_id: str, *, profile: str = "default", endpoint: str | None = None, token: str | None = None,
          offline: bool | None = None, source: MetadataSource | None = None,
          code_host: CodeHost | None = None, repos: bool = True, rubrics: Sequence[str] = ()) -> "Trace":
    """Score one model and keep what `openness explain` shows: its own signals and evidence.

    Arguments as for `score`.

    Raises:
        InvalidModelId: `repo_id` cannot be a model id.
        UnknownProfile: no profile of that name.
        UnknownRubric: no rubric of a name in `rubrics`.
    """
    from openness.assess import Judge
    from openness.run import ScoringRun

    ref = ModelRef.parse(repo_id)
    judge = Judge.load(profile, rubrics)
    hosted = _code_host(code_host, repos, False, offline)
    with ScoringRun(source or hub_source(endpoint, token, offline=offline), judge, code_host=hosted) as run:
        return run.trace(ref)


def compare(repo_ids: Iterable[str] | str, *, profile: str = "default", endpoint: str | None = None,
            token: str | None = None, refresh: bool = False, offline: bool | None = None,
            source: MetadataSource | None = None, jobs: int = DEFAULT_JOBS,
            on_scored: Callable[[Scorecard], None] | None = None,
            code_host: CodeHost | None = None, repos: bool = True,
            max_wait_s: float | None = None, rubrics: Sequence[str] = ()) -> Report:
    """Score many models side by side, concurrently, sharing fetches of common parents.

    Args:
        repo_ids: ids as for `score` (`org/name` or `org/name@revision`), in the order
            the report should list them. A single string is one id. A model given again
            (in other letter case, or as a URL) is scored once, under its first spelling.
        profile, endpoint, token, refresh, offline, source, code_host, repos, rubrics: as for `score`.
        jobs: requests in flight at once, across models, parents, datasets and repositories.
        on_scored: called with each scorecard as it is finished (for progress bars),
            from worker threads.
        max_wait_s: the longest wait for the Hub's rate limit that is sat out (default
            60 s); a model whose call is told to wait longer is a `rate_limited` error.
            A large batch without a token needs more: `LONGEST_WAIT_S` (15 minutes, from
            `openness.sources.ratelimit`) waits out any window the Hub sets. Ignored with
            `source`.

    Returns:
        A frozen Report, a scorecard per id in the order given. An id that cannot be
        scored (invalid, missing, gated, Hub failure) is in it with status "error".
        `report.to_markdown()`, `.to_csv()`, `.to_json()`, `.to_html()` and
        `.to_pandas()` render it; a notebook shows it as a table.

    Raises:
        UnknownProfile: no profile of that name.
        UnknownRubric: no rubric of a name in `rubrics`.
        InvalidEndpoint: `endpoint` (or HF_ENDPOINT) is not an http(s) URL.
    """
    with compare_streaming(repo_ids, profile=profile, endpoint=endpoint, token=token, refresh=refresh,
                           offline=offline, source=source, jobs=jobs, on_scored=on_scored, code_host=code_host,
                           repos=repos, max_wait_s=max_wait_s, rubrics=rubrics) as batch:
        cards = list(batch.cards)
        rubric = batch.rubric()
    return Report(tool_version=__version__, rubric=rubric, scorecards=cards, endpoint=batch.endpoint,
                  scored_at=datetime.now(timezone.utc).replace(microsecond=0))


@dataclass(frozen=True)
class Streamed:
    """A batch being scored (see `compare_streaming`)."""

    cards: Iterator[Scorecard]
    """The scorecards in the order asked, each as soon as it and those before it are done."""
    rubric: Callable[[], RubricRef]
    """Which rubric judged the batch (as `Report.rubric`); asked once a card has come."""
    endpoint: str | None
    """The Hub address for the report's links (as `Report.endpoint`)."""


@contextmanager
def compare_streaming(repo_ids: Iterable[str] | str, *, profile: str = "default", endpoint: str | None = None,
                      token: str | None = None, refresh: bool = False, offline: bool | None = None,
                      source: MetadataSource | None = None, jobs: int = DEFAULT_JOBS,
                      on_scored: Callable[[Scorecard], None] | None = None,
                      code_host: CodeHost | None = None, repos: bool = True,
                      max_wait_s: float | None = None, rubrics: Sequence[str] = ()) -> Iterator[Streamed]:
    """`compare`, with the scorecards handed on in order as they finish instead of kept in
    a Report: a writer that sends each one on holds no batch in memory (`openness score
    --format json` and `--format csv` do). Arguments and errors as for `compare`; use it as a context
    manager, and read `cards` inside it."""
    from openness.run import ScoringRun

    def load_judge() -> "Judge":
        from openness.assess import Judge

        return Judge.load(profile, rubrics)

    # Record the Hub asked, for the report's links; a source given without an endpoint
    # may be any other (a stand-in, a test double): say nothing rather than guess.
    address = hub_address(endpoint) if source is None or endpoint else None
    source = source or hub_source(endpoint, token, refresh=refresh, offline=offline, max_wait_s=max_wait_s)
    # The Hub ignores the case of ids and a URL names the same repo: one row per model.
    texts = unique_model_texts([repo_ids] if isinstance(repo_ids, str) else list(repo_ids))

    def kept(text: str) -> bool:
        try:
            return run.may_have_verdict(ModelRef.parse(text))
        except Exception:  # scored (and its failure reported) the ordinary way below
            return False

    def prefetch(index: int) -> None:
        """Ask for the snapshot of the model `index` now, unless a verdict may answer it."""
        if index < len(texts) and not answered[index]:
            try:
                run.prefetch(ModelRef.parse(texts[index]))
            except Exception:  # an invalid id: reported when the model's turn comes
                pass

    def one(index: int) -> Scorecard:
        # Each model that starts asks for the one `workers + lookahead` places further on:
        # the fetch threads keep busy while the scoring threads judge.
        prefetch(index + workers + lookahead)
        text = texts[index]
        try:
            card = score_text(text, run)
        except Exception as exc:  # one model's hostile input must never end the whole batch
            from openness.assess import error_card

            card = error_card(text, None, ScoringFailed(text, exc))
        if on_scored:
            on_scored(card)
        return card

    hosted = _code_host(code_host, repos, refresh, offline)
    verdicts = _verdict_cache(source, profile, rubrics, repos=hosted is not None)
    # Without a verdict cache the judge is loaded (and a bad profile or rubric name raised)
    # before anything else; with one, only when some model has no verdict to reuse.
    judge = load_judge() if verdicts is None else load_judge
    with ScoringRun(source, judge, jobs=jobs, code_host=hosted, verdicts=verdicts) as run:
        # A look at the disk only (no request, nothing read): which models have a verdict
        # kept. Those that do are checked as they are scored, streaming like the rest.
        answered = [kept(text) for text in texts] if verdicts is not None else [False] * len(texts)
        to_judge = len(texts) - sum(answered)
        # A batch the disk may answer whole is CPU work under one lock (the GIL): more than
        # a few threads only take turns (a lookup it still needs goes to the fetch threads).
        workers = max(1, min(jobs if to_judge else min(jobs, ANSWERING_THREADS), len(texts) or 1))
        # How many models beyond those being scored have their snapshots asked for: enough
        # to keep every fetch thread busy, few enough that the snapshots held stay bounded.
        lookahead = max(1, jobs)
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            if to_judge or not texts:
                run.judge  # noqa: B018 - loads it here, so UnknownProfile and the like reach the caller
                run.use_processes(to_judge)  # here too: before threads judge, never from one
            for index in range(workers + lookahead):  # the first ones first: fetches run in order
                prefetch(index)
            yield Streamed(_in_order(pool, one, len(texts), ahead=4 * workers), run.rubric_ref, address)
        except BaseException:  # interrupted, or the reader failed: do not wait for models still being scored
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


def _in_order(pool: ThreadPoolExecutor, one: Callable[[int], Scorecard], count: int, *,
              ahead: int) -> Iterator[Scorecard]:
    """`one(0)`, `one(1)`, ... run on `pool`, handed on in order, at most `ahead` started
    beyond the last one handed on. (Executor.map starts them all: behind one slow model,
    every card finished after it waited in memory, a batch's worth on a busy machine.)"""
    started: deque[Future[Scorecard]] = deque()
    for index in range(count):
        if len(started) >= ahead:
            yield started.popleft().result()
        started.append(pool.submit(one, index))
    while started:
        yield started.popleft().result()


def _verdict_cache(source: MetadataSource, profile: str, rubrics: Sequence[str], *,
                   repos: bool) -> "VerdictCache | None":
    """Where finished scorecards are kept for this source and these options: beside a
    disk-cached Hub source's snapshots; None for any other source, or when the rubric
    files cannot be read (the judge then says why)."""
    from openness.cache import verdict_key

    make = getattr(source, "verdict_cache", None)
    if make is None:
        return None
    key = verdict_key(profile=profile, rubrics=tuple(rubrics), repos=repos)
    return make(key) if key is not None else None
