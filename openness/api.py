"""The Python API, the same one the CLI uses: the only place that puts the stages together."""
from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openness import __version__
from openness.errors import InvalidModelId, OpennessError, UnknownProfile
from openness.models import ErrorInfo, ModelRef, Report, RubricRef, Scorecard
from openness.rubric import load_licences, load_rubric, load_vocabulary
from openness.rubric.schema import Licences, Rubric, Vocabulary
from openness.sources.interface import MetadataSource

if TYPE_CHECKING:
    from openness.run import ScoringRun

DEFAULT_JOBS = 8


@dataclass(frozen=True)
class Judge:
    """The rubric files and the profile that turn evidence into verdicts."""

    rubric: Rubric
    vocabulary: Vocabulary
    licences: Licences
    profile: str = "default"

    @classmethod
    def load(cls, profile: str = "default") -> "Judge":
        """The packaged rubric under `profile`; raises UnknownProfile for a name it lacks."""
        rubric = load_rubric()
        if profile not in rubric.profiles:
            known = ", ".join(rubric.profiles)
            raise UnknownProfile(f"no profile named {profile!r} (known: {known})")
        return cls(rubric, load_vocabulary(), load_licences(), profile)

    @property
    def ref(self) -> RubricRef:
        """Which rubric, version and profile this judge applies."""
        return RubricRef(id=self.rubric.id, version=self.rubric.version, profile=self.profile)


def hub_source(endpoint: str | None = None, token: str | None = None) -> MetadataSource:
    """A source reading the Hub at `endpoint` (default: HF_ENDPOINT or huggingface.co)."""
    from openness.sources.hub import HubSource  # imported late: huggingface_hub is slow to import

    return HubSource(endpoint=endpoint, token=token)


def score_ref(ref: ModelRef, source: MetadataSource, judge: Judge) -> Scorecard:
    """Fetch, extract and judge one model with its lineage; a source error becomes an error scorecard."""
    from openness.run import ScoringRun

    return ScoringRun(source, judge).score(ref)


def error_card(repo_id: str, revision: str | None, exc: OpennessError) -> Scorecard:
    """A scorecard that stands in the output for a model that could not be scored."""
    message = str(exc)
    return Scorecard(repo_id=repo_id, revision=revision, status="error",
                     error=ErrorInfo(kind=exc.kind, message=message))


def score_text(text: str, run: "ScoringRun") -> Scorecard:
    """Score a model given as user text; an invalid id becomes an error scorecard."""
    try:
        ref = ModelRef.parse(text)
    except InvalidModelId as exc:
        return error_card(text, None, exc)
    return run.score(ref)


def score(repo_id: str, *, profile: str = "default", revision: str | None = None,
          endpoint: str | None = None, token: str | None = None,
          source: MetadataSource | None = None) -> Scorecard:
    """Score one model on open weights, open data and open code.

    Args:
        repo_id: `org/name`, or `org/name@revision`.
        profile: which words the levels get: default, crfm, osai or osi.
        revision: a branch, tag or commit; overrides one given after `@`.
        endpoint: the Hub URL (default: HF_ENDPOINT, else https://huggingface.co).
        token: a Hub token for private models (default: HF_TOKEN or `hf auth login`).
        source: where snapshots come from, instead of the Hub (for tests and mirrors).

    Returns:
        A frozen Scorecard. Hub failures (not found, gated, unreachable) come back as a
        scorecard with status "error" and the reason; nothing is raised for them.

    Raises:
        InvalidModelId: `repo_id` cannot be a model id.
        UnknownProfile: no profile of that name.
    """
    ref = ModelRef.parse(repo_id)
    if revision:
        ref = ModelRef(repo_id=ref.repo_id, revision=revision)
    return score_ref(ref, source or hub_source(endpoint, token), Judge.load(profile))


def compare(repo_ids: Iterable[str] | str, *, profile: str = "default", endpoint: str | None = None,
            token: str | None = None, source: MetadataSource | None = None,
            jobs: int = DEFAULT_JOBS) -> Report:
    """Score many models side by side, concurrently, sharing fetches of common parents.

    Args:
        repo_ids: ids as for `score` (`org/name` or `org/name@revision`), in the order
            the report should list them. A single string is one id.
        profile, endpoint, token, source: as for `score`.
        jobs: models fetched at once.

    Returns:
        A frozen Report, a scorecard per id in the order given. An id that cannot be
        scored (invalid, missing, gated, Hub failure) is in it with status "error".
        `report.to_markdown()`, `.to_csv()`, `.to_json()`, `.to_html()` and
        `.to_pandas()` render it; a notebook shows it as a table.

    Raises:
        UnknownProfile: no profile of that name.
    """
    from openness.run import ScoringRun

    judge = Judge.load(profile)
    run = ScoringRun(source or hub_source(endpoint, token), judge)
    texts = [repo_ids] if isinstance(repo_ids, str) else list(repo_ids)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(texts) or 1))) as pool:
        cards = list(pool.map(lambda text: score_text(text, run), texts))
    return Report(tool_version=__version__, rubric=judge.ref, scorecards=cards)
