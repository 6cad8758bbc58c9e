"""Typed errors of each stage. They become one-line messages only at the CLI edge."""
from __future__ import annotations


_QUOTED_MAX = 60


def quoted(text: str) -> str:
    """User or card text as a message shows it: escaped (no control characters reach a
    terminal) and cut short (a 10,000-character id is not repeated whole)."""
    return repr(text if len(text) <= _QUOTED_MAX else f"{text[:_QUOTED_MAX]}…")


class OpennessError(Exception):
    """Base of every error this package raises on purpose."""

    kind = "error"
    """A stable, machine-readable name, used in JSON output."""


class InvalidModelId(OpennessError):
    """The text given as a model id cannot be one."""

    kind = "invalid_id"

    def __init__(self, text: str, why: str) -> None:
        super().__init__(f"{quoted(text)} is not a model id: {why}")
        self.text = text
        self.why = why

    def __reduce__(self) -> tuple[type["InvalidModelId"], tuple[str, str]]:
        return type(self), (self.text, self.why)  # pickled by its own two arguments, not its message


class SourceError(OpennessError):
    """Fetching facts about a model failed."""

    kind = "source_error"

    def __init__(self, repo: str, message: str) -> None:
        super().__init__(f"{repo}: {message}")
        self.repo = repo
        self.message = message

    def __reduce__(self) -> tuple[type["SourceError"], tuple[str, str]]:
        # An exception pickles as its class and args, here the one joined message, which the
        # two-argument constructor cannot take back: a scan's answer crossing processes.
        return type(self), (self.repo, self.message)


class ModelNotFound(SourceError):
    """No such repo, or a private one (the Hub answers both the same way)."""

    kind = "not_found"


class GatedModel(SourceError):
    """The repo is gated and this caller has no access."""

    kind = "gated"


class ModelDisabled(SourceError):
    """The Hub has disabled the repo."""

    kind = "disabled"


class RevisionNotFound(SourceError):
    """The repo exists but not the revision asked for."""

    kind = "revision_not_found"


class RateLimited(SourceError):
    """The Hub refused the call for now (HTTP 429)."""

    kind = "rate_limited"


class HubUnavailable(SourceError):
    """The Hub answered with a server error or an unusable response."""

    kind = "hub_error"


class HubUnreachable(SourceError):
    """No answer at all: refused connection, DNS failure, timeout."""

    kind = "unreachable"


class RubricError(OpennessError):
    """A rubric file is missing, malformed or inconsistent."""

    kind = "rubric_error"


class UserRubricError(RubricError):
    """A rubric file the user added (on OPENNESS_RUBRIC_PATH) is malformed: bad input, not
    a broken installation."""

    kind = "rubric_file_error"


class UnknownRubric(RubricError):
    """No rubric of the name asked for, packaged or on OPENNESS_RUBRIC_PATH."""

    kind = "unknown_rubric"


class UnknownProfile(RubricError):
    """The profile asked for is not in the rubric."""

    kind = "unknown_profile"


class InvalidEndpoint(OpennessError):
    """The Hub endpoint given is not an http(s) URL with a host: refused before any
    request, so a cache filled from another endpoint cannot make it seem to work."""

    kind = "invalid_endpoint"


class ScoringFailed(OpennessError):
    """Scoring one model stopped on something this package did not foresee (a bug that
    hostile input reached). It costs that model, with the cause named, not the batch."""

    kind = "internal_error"

    def __init__(self, text: str, cause: BaseException) -> None:
        super().__init__(f"{text}: could not be scored (internal error: "
                         f"{type(cause).__name__}: {quoted(str(cause))})")


class UnreadableReport(OpennessError):
    """A document given as an openness JSON report is not one this version can read."""

    kind = "unreadable_report"


class NotCached(SourceError):
    """Offline, and the cache holds nothing for this repo."""

    kind = "not_cached"


# Answers that stay true for a while and are worth remembering (negative caching);
# everything else (rate limits, server errors, timeouts) may pass at the next try.
LASTING_ERRORS: dict[str, type[SourceError]] = {
    cls.kind: cls for cls in (ModelNotFound, GatedModel, ModelDisabled, RevisionNotFound)
}

# Failures that say nothing about the repo, only that it could not be looked at this time
# (the Hub failing or not answering after retries, a rate limit, offline without it in the
# cache). What depends on such a lookup is unknown, never "missing" or "closed".
COULD_NOT_LOOK = frozenset({"rate_limited", "hub_error", "unreachable", "not_cached"})


def could_not_look(error: BaseException) -> bool:
    """Whether a failed lookup only means the repo could not be looked at (see COULD_NOT_LOOK)."""
    return getattr(error, "kind", None) in COULD_NOT_LOOK
