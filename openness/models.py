"""Frozen value types passed between the stages: reference -> snapshot -> evidence -> scorecard."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Literal, Self, overload

from pydantic import BaseModel, ConfigDict, Field

from openness.ids import model_key, parse_model_text

Strength = Literal["high", "medium", "low"]
Word = Literal["open", "partial", "closed", "unknown"]
AxisName = Literal["weights", "data", "code"]
AXES: tuple[AxisName, ...] = ("weights", "data", "code")



class Frozen(BaseModel):
    """Base of every value type: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelRef(Frozen):
    """A model to score: a Hub repo id and an optional revision (branch, tag or commit)."""

    repo_id: str
    """`org/name` (or a bare legacy name) exactly as the user gave it."""
    revision: str | None = None
    """The revision after `@`, or None for the default branch."""

    @classmethod
    def parse(cls, text: str) -> "ModelRef":
        """Parse `org/name`, `org/name@revision` or a huggingface.co URL (`/tree/<rev>`
        included); raise InvalidModelId with the reason."""
        repo_id, revision = parse_model_text(text)
        return cls(repo_id=repo_id, revision=revision)

    def __str__(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id


CardStatus = Literal["ok", "absent", "unreadable", "unavailable"]
MAX_CARD_BYTES = 1_000_000
"""Cards beyond this are read in part: a few real cards run to hundreds of KB, none that
matters needs more, and a hostile one must not fill memory."""


class CardFile(Frozen):
    """What became of the model card (README.md) when we tried to read it."""

    status: CardStatus
    """ok: read; absent: the repo has no README.md; unreadable: not text;
    unavailable: could not be fetched (network, server error)."""
    text: str | None = None
    """The card's text, front matter included, when status is ok."""
    truncated: bool = False
    """True when the card was longer than the bound we read."""
    problem: str | None = None
    """Why the card could not be read, for unreadable and unavailable."""


LicenceTextStatus = Literal["ok", "unreadable", "unavailable"]
MAX_LICENCE_BYTES = 256 * 1024
"""Licence files beyond this are not hashed: the longest real ones (Llama, Gemma terms) run to
tens of KB, and a hash of part of a file would say nothing true about the file."""


class LicenceText(Frozen):
    """The repository's licence file at the scored commit, kept as its SHA-256 only: enough
    to tell that the text behind a licence id changed, without keeping the text."""

    file: str
    """The file read: the one `license_link` names when it is a file of the repo, else
    LICENSE, LICENSE.md, LICENSE.txt, LICENCE... at the repo's root."""
    status: LicenceTextStatus
    """ok: read and hashed; unreadable: it cannot be (gated, over MAX_LICENCE_BYTES, gone);
    unavailable: could not be fetched this time (network, server error), asked again next run."""
    sha256: str | None = None
    """The SHA-256 of the file's bytes (as `sha256sum` prints it), when status is ok."""
    problem: str | None = None
    """Why there is no hash, when status is not ok."""


class ModelSnapshot(Frozen):
    """Facts fetched about one model, with no judgement. This is what a cache keeps."""

    repo_id: str
    """The repo id as the Hub spells it."""
    requested_revision: str | None = None
    """The revision asked for, if any."""
    requested_id: str | None = None
    """The id asked for, when the Hub answered under another (it redirected: a renamed repo)."""
    sha: str | None = None
    """The commit the facts describe."""
    gated: bool | str = False
    """False, "auto" (click-through), "manual" (the publisher approves each request) or
    "unknown" (a gate the Hub reports in a form not understood)."""
    card_data: dict[str, Any] = Field(default_factory=dict)
    """The card's metadata (YAML front matter) as the Hub parsed it."""
    tags: list[str] = Field(default_factory=list)
    siblings: list[str] = Field(default_factory=list)
    """Every file name in the repository at that commit."""
    listing_seen: bool = True
    """Whether the repository's own facts (file list, gate, commit) were seen. False for a
    card read from a dump of cards: `siblings` and `gated` are then not the repo's, and the
    weights are judged from tags and card text only (what could not be seen is unknown)."""
    library_name: str | None = None
    pipeline_tag: str | None = None
    base_models: dict[str, Any] | None = None
    """The Hub's `baseModels` field: {relation, models: [{id}]}."""
    last_modified: str | None = None
    card: CardFile
    """The model card, or why it could not be read."""
    licence_text: LicenceText | None = None
    """The licence file at `sha`, or None when the repo holds none (see LicenceText)."""


class DatasetSnapshot(Frozen):
    """Facts about one dataset repo on the Hub."""

    id: str
    sha: str | None = None
    """The commit the facts describe."""
    license: Any = None
    """`cardData.license` as the Hub gives it (string, list or absent)."""
    gated: bool | str = False
    tags: list[str] = Field(default_factory=list)


RepoStatus = Literal["ok", "not_found", "rate_limited", "unavailable", "not_cached", "off"]


class CodeRepoSnapshot(Frozen):
    """What a code host says of one repository a card links, with no judgement. Cached by tree sha.

    A lookup that fails is a snapshot too (status other than ok, with `problem`): the
    verdict then rests on the card alone and says why, and the batch goes on.
    """

    repo: str
    """`owner/name` as the card links it (GitHub treats it without regard to case)."""
    host: str = "github.com"
    status: RepoStatus
    """ok: read; not_found: gone or private; rate_limited: the host's rate limit was reached;
    unavailable: could not be read (network, server error); not_cached: offline and not in
    the cache; off: lookups of code repositories were turned off."""
    full_name: str | None = None
    """`owner/name` as the host names it now (differs after a rename)."""
    license_spdx: str | None = None
    """The host's detected licence: an SPDX id, `NOASSERTION` (a licence it could not
    match), or None (no licence file)."""
    fork: bool = False
    archived: bool = False
    default_branch: str | None = None
    tree_sha: str | None = None
    """The commit tree the file list describes."""
    files: list[str] = Field(default_factory=list)
    """Paths of the files (blobs) in the recursive tree, at most MAX_REPO_FILES."""
    files_truncated: bool = False
    """True when the host cut the tree or it held more than MAX_REPO_FILES files."""
    readme: str | None = None
    """The README's text, at most MAX_REPO_README_BYTES."""
    problem: str | None = None
    """Why the repository could not be read, when status is not ok."""


MAX_REPO_FILES = 20_000
MAX_REPO_README_BYTES = 200_000


class Evidence(Frozen):
    """One fact a reader can check by hand: where it was found, what it says, how strong."""

    signal: str
    """The signal this item supports, e.g. `license.class` or `code.training`."""
    source: str
    """Where: a metadata key, `siblings`, `tags`, or `README.md line N`."""
    detail: str
    """What was found, in words."""
    strength: Strength
    """high: metadata or file list; medium: card text; low: heuristic."""


FindingOutcome = Literal["met", "not_met", "unknown", "not_applicable"]


class Finding(Frozen):
    """One rubric condition tested on the model's own card and metadata.

    Outcomes: `met`; `not_met`; `unknown` (the signal could not be had: the card was not
    read, or nothing produced it), never taken for met; `not_applicable` (a condition
    that applies only when the axis would otherwise be open, and it is not).
    """

    condition: str
    """The condition's name in the rubric (rubrics/openness.yaml `conditions`)."""
    outcome: FindingOutcome
    signal: str
    """The signal it tested; the verdict's evidence items with this signal are what it rests on."""
    value: str | int | float | bool | None
    """The signal's value as tested (None when unknown)."""
    message: str
    """What was found, in words: the rubric's reason when not met."""
    remediation: str | None = None
    """What the publisher could do about it, on an outcome other than met."""


class AxisVerdict(Frozen):
    """The verdict on one axis: its word, its level and the reasons and evidence behind them."""

    verdict: Word
    """open / partial / closed, or unknown when the scorer could not look."""
    level: int | None
    """The rubric level 0-4 (RUBRIC.md), or None when unknown."""
    reasons: list[str]
    """One line each; the first is the headline."""
    evidence: list[Evidence]
    findings: list[Finding] = Field(default_factory=list)
    """Every condition of this axis tested on the model's own card, in the rubric's order
    (levels from 4 down, then remarks and the profile's own). The join with parents adds
    reasons, not findings: findings say what this repo's publisher can change."""


class LevelProgress(Frozen):
    """How far a model is on one level: `met` of its `total` conditions."""

    label: str
    met: int
    total: int


class DimensionResult(Frozen):
    """Where a model stands on one dimension of a rubric with dimensions of its own."""

    verdict: str | None
    """The label of the level reached ("Class II", "exemption likely"), or None when the tool
    could not tell (a condition of a level above could not be tested): unknown, never the
    floor by default."""
    rank: int | None
    """0 for the dimension's first (best) level, 1 for the next...; None when unknown."""
    reasons: list[str]
    findings: list[Finding] = Field(default_factory=list)
    """Every condition the dimension's levels name, then those it only reports (`informs`)."""
    progress: list[LevelProgress] = Field(default_factory=list)
    """Each level above the floor: how many of its conditions are met."""
    next_level: str | None = None
    """The level just above the one reached (None at the top, or when unknown)."""
    next_needs: list[str] = Field(default_factory=list)
    """The conditions of `next_level` not met (or not known): what would lift the model."""


class OutcomeResult(Frozen):
    """The framework's answer as a stable code (`mof` = `II`), for scripts and gates."""

    column: str
    """The CSV column, named after the framework."""
    dimension: str
    value: str
    """One of the rubric's documented codes, or its code for unknown."""


class RubricResult(Frozen):
    """A model judged under one more rubric (a framework: MOF, G7, OSAID, EU AI Act)."""

    rubric: str
    version: str
    title: str
    dimensions: dict[str, DimensionResult]
    outcome: OutcomeResult | None = None


class LicenseVerdict(Frozen):
    """The licence as declared and as classified."""

    id: str | None
    """The Hub `license:` value (joined with ' + ' for a compound licence), or None."""
    name: str | None = None
    """`license_name`, for `license: other`."""
    link: str | None = None
    """`license_link`, for `license: other`."""
    label: str
    """What to show a reader: the resolved licence name or the id."""
    license_class: str = Field(serialization_alias="class")
    """A-F, see rubrics/licenses.yaml."""
    class_title: str
    resolved_via: str | None = None
    """How `other` was resolved: `alias:<key>`, or None."""
    flags: list[str] = Field(default_factory=list)
    text_file: str | None = None
    """The repository's licence file (LICENSE...), or None when it holds none."""
    text_sha256: str | None = None
    """The SHA-256 of that file at the scored commit; None when there is none, or it could
    not be read (unknown: `text_file` is then set)."""


class ErrorInfo(Frozen):
    """Why a model could not be scored."""

    kind: str
    """A stable name: not_found, gated, disabled, revision_not_found, rate_limited, hub_error, unreachable, ..."""
    message: str


class LineageEntry(Frozen):
    """One ancestor of a model and what became of it."""

    repo_id: str
    relation: str
    """finetune, adapter, quantized or merge: how the child relates to this parent."""
    depth: int
    """1 for a direct parent, 2 for a grandparent, ..."""
    status: Literal["scored", "not_found", "gated", "cycle", "depth_cap", "error", "unresolved"]
    """unresolved: named in the card text only by a name no Hub repo could be pinned to."""
    axes: dict[AxisName, Word] = Field(default_factory=dict)
    """The parent's own verdict words (joined with its own ancestors), when scored."""
    reason: str | None = None
    """Why a parent was not scored."""


class DatasetEntry(Frozen):
    """A dataset the model names, as found on the Hub."""

    id: str
    status: Literal["found", "missing", "error"]
    license: str | None = None
    license_class: str | None = Field(default=None, serialization_alias="class")
    gated: bool | str = False


class RepoEntry(Frozen):
    """A code repository the card links, and what the code host said of it."""

    repo: str
    """`owner/name` as the card links it."""
    url: str
    """Its web address, under the name the host gives it now (after a rename)."""
    status: RepoStatus
    """ok, or why it could not be read (see CodeRepoSnapshot.status)."""
    license: str | None = None
    """The host's detected licence (an SPDX id, or NOASSERTION), None without a licence file."""
    fork: bool = False
    archived: bool = False
    tree_sha: str | None = None
    """The commit tree whose files were read."""
    problem: str | None = None
    """Why it could not be read, when status is not ok."""

    @classmethod
    def of(cls, snapshot: CodeRepoSnapshot) -> "RepoEntry":
        name = snapshot.full_name or snapshot.repo
        return cls(repo=snapshot.repo, url=f"https://{snapshot.host}/{name}", status=snapshot.status,
                   license=snapshot.license_spdx, fork=snapshot.fork, archived=snapshot.archived,
                   tree_sha=snapshot.tree_sha, problem=snapshot.problem)


class Scorecard(Frozen):
    """The result for one model: three verdicts, or the error that stopped it."""

    repo_id: str
    revision: str | None
    """The commit scored, or the revision asked for when scoring failed."""
    status: Literal["scored", "error"]
    error: ErrorInfo | None = None
    license: LicenseVerdict | None = None
    gated: bool | str = False
    axes: dict[AxisName, AxisVerdict] = Field(default_factory=dict)
    papers: list[str] = Field(default_factory=list)
    """Papers the card links (arXiv and the like)."""
    lineage: list[LineageEntry] = Field(default_factory=list)
    lineage_omitted: int = 0
    """Ancestors not listed in `lineage`: a card lists at most 512 (a lattice of shared
    ancestors has one entry per path, which doubles with every level)."""
    datasets: list[DatasetEntry] = Field(default_factory=list)
    repositories: list[RepoEntry] = Field(default_factory=list)
    """The code repositories the card links that were looked up, in the order found."""
    results: dict[str, RubricResult] = Field(default_factory=dict)
    """Results under the other rubrics asked for (`--rubric`), by rubric id; the openness
    rubric's own are `axes`."""

    def _repr_markdown_(self) -> str | None:
        """A notebook shows the model's row, then its reasons and evidence (once the
        renderers are loaded, as they are for every card the API returns)."""
        view = NOTEBOOK_VIEWS.get("scorecard")
        return view(self) if view else None


NOTEBOOK_VIEWS: dict[str, Callable[[Any], str]] = {}
"""How a notebook shows a value, by kind ("scorecard"). `openness.render.markdown` fills
it when loaded: the value types never import the renderers, which import them."""


class RubricRef(Frozen):
    """Which rubric and profile judged a report."""

    id: str
    version: str
    profile: str


def _names_commit(asked: str, revision: str | None) -> bool:
    """True when the revision asked for is `revision` or an abbreviation of its commit."""
    if revision is None:
        return False
    return asked == revision or (_looks_like_commit(asked) and revision.lower().startswith(asked.lower()))


def _looks_like_commit(revision: str) -> bool:
    """True for a commit or its abbreviation (7 to 40 hex digits)."""
    return 7 <= len(revision) <= 40 and all(c in "0123456789abcdef" for c in revision.lower())


class ReportData(Frozen):
    """Scorecards for one run, with what produced them: what the renderers read.

    It is the sequence of its scorecards: `len(report)`, `for card in report`,
    `report[0]`, and `report["org/name"]` or `"org/name" in report` with a model as
    `compare` accepts it (an id in any letter case, `org/name@revision`, a Hub URL).
    It is still a pydantic model: `model_dump`, `model_dump_json` and `model_copy` work
    as on any other (`dict(report)` does not: iterating yields cards).
    `openness.report.Report` adds every way to show it; the renderers need only this.
    """

    tool_version: str
    rubric: RubricRef
    scorecards: list[Scorecard]
    endpoint: str | None = None
    """The Hub the models were read from (without credentials); None when not recorded."""
    scored_at: datetime | None = None
    """When the run finished (UTC); None when not recorded."""

    @property
    def all_scored(self) -> bool:
        """True when no model ended in an error."""
        return all(card.status == "scored" for card in self.scorecards)

    def __len__(self) -> int:
        return len(self.scorecards)

    def __iter__(self) -> Iterator[Scorecard]:  # type: ignore[override]
        # pydantic's own __iter__ yields (field, value) pairs; a report is read as its cards.
        return iter(self.scorecards)

    def __contains__(self, item: object) -> bool:
        """True for a scorecard of this report, or a model `report[item]` finds."""
        if isinstance(item, Scorecard):
            return item in self.scorecards
        return isinstance(item, str) and self._find(item) is not None

    @overload
    def __getitem__(self, key: str | int) -> Scorecard: ...

    @overload
    def __getitem__(self, key: slice) -> Self: ...

    def __getitem__(self, key: str | int | slice) -> "Scorecard | Self":
        """The scorecard of a model (as `compare` accepts it: id in any letter case,
        `org/name@revision`, Hub URL), or by position; a slice is a report of those rows.
        KeyError when the report holds no such model."""
        if isinstance(key, slice):
            return self.model_copy(update={"scorecards": self.scorecards[key]})
        if isinstance(key, int):
            return self.scorecards[key]
        card = self._find(key)
        if card is None:
            raise KeyError(key)
        return card

    def _find(self, text: str) -> Scorecard | None:
        """The card `text` names. A revision after `@` picks the card of that commit (or
        the failed request for it); a branch or tag name, which a scored card does not
        record, finds the model when the report holds only one card of it."""
        exact = next((card for card in self.scorecards if card.repo_id == text), None)
        key = model_key(text)
        if exact is not None or key is None:
            return exact
        repo, revision = key
        same = [card for card in self.scorecards if card.repo_id.lower() == repo]
        if revision is None or not same:
            return same[0] if same else None
        pinned = [card for card in same if _names_commit(revision, card.revision)]
        if pinned or _looks_like_commit(revision):
            return pinned[0] if pinned else None
        return same[0] if len(same) == 1 else None

    def __repr__(self) -> str:
        # The whole evidence of every card runs to kilobytes: name the models instead.
        shown = ", ".join(repr(card.repo_id) for card in self.scorecards[:8])
        more = f", ... {len(self) - 8} more" if len(self) > 8 else ""
        return (f"{type(self).__name__}(tool_version={self.tool_version!r}, rubric={self.rubric!r}, "
                f"scorecards=[{len(self)}: {shown}{more}])")
