"""Retrying Hub calls: backoff on 429, 5xx and timeouts, honouring what the Hub says.

`model_info` and `dataset_info` never retry by themselves, so every call the scorer makes
goes through `call_with_retries`. The wait before the next attempt is, in order: the
`Retry-After` header, the `t=` of a `RateLimit` header (IETF draft, as the Hub sends it),
else exponential backoff with full jitter. A wait longer than `max_wait_s` is not worth
sitting through: the error is raised at once and says when to try again.
"""
from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_RATELIMIT_RESET = re.compile(r"(?:^|[;,\s])t=(\d+)")


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try, and how long to wait between tries."""

    attempts: int = 8
    """Tries in all, the first included. With one request in five failing (a bad day on
    the Hub), a request still fails eight times running only once in 390,000, so a batch
    comes back whole; a Hub that is down costs at most about 16 s of waiting per request."""
    base_s: float = 0.25
    """The first backoff step; each later one doubles, up to `cap_s`."""
    cap_s: float = 4.0
    max_wait_s: float = 60.0
    """A server asking for a longer wait than this ends the retries."""
    timeout_attempts: int = 3
    """Tries in all for a request that keeps timing out: each costs the whole timeout (10 s),
    so a Hub that accepts connections and never answers costs one request about 30 s, not
    eight timeouts (88 s) before anything is said."""


class Retryable(Exception):
    """Raised by a call to say: this failure may pass; here is what the server asked for."""

    def __init__(self, cause: BaseException, headers: Mapping[str, str] | None = None, *,
                 timed_out: bool = False) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.timed_out = timed_out


def server_wait_s(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait (Retry-After or RateLimit t=), or None."""
    retry_after = headers.get("retry-after")
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when - (time.time() if now is None else now))
    for name in ("ratelimit", "ratelimit-reset"):
        announced = headers.get(name)
        if not announced:
            continue
        if announced.strip().isdigit():
            return float(announced.strip())
        match = _RATELIMIT_RESET.search(announced)
        if match:
            return float(match.group(1))
    return None


def backoff_s(attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Full-jitter exponential backoff for the attempt that just failed (1-based)."""
    return rng.uniform(0, min(policy.cap_s, policy.base_s * 2 ** (attempt - 1)))


def call_with_retries(call: Callable[[], T], policy: RetryPolicy, *,
                      sleep: Callable[[float], None] = time.sleep,
                      rng: random.Random | None = None,
                      on_server_wait: Callable[[float, "Retryable"], None] | None = None) -> T:
    """`call()`, tried again after each Retryable failure; the last failure's cause is raised.
    `on_server_wait(seconds, failure)` is told before a wait the server asked for is sat out."""
    rng = rng or random.Random()
    timeouts = 0
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except Retryable as failure:
            asked = server_wait_s(failure.headers)
            timeouts += failure.timed_out
            last = attempt == policy.attempts or timeouts >= policy.timeout_attempts
            if last or (asked is not None and asked > policy.max_wait_s):
                raise failure.cause from None
            if asked is not None and on_server_wait is not None:
                on_server_wait(asked, failure)
            sleep(asked if asked is not None else backoff_s(attempt, policy, rng))
    raise AssertionError("unreachable: the loop returns or raises")


class BreakerOpen(Exception):
    """Raised instead of a request once the breaker has opened: the service is not asked."""


class CircuitBreaker:
    """Run-wide: after `threshold` requests running failed to connect or timed out, with
    no answer of any kind in between, the source stops asking for the rest of the run.
    The Hub's source and GitHub's each have their own.

    A Hub that accepts connections and never answers costs each request its timeout and
    every retry; over a batch of a hundred models that was minutes. Shared by every thread
    of a run, so the requests in flight when it opens are the last ones sent.
    """

    def __init__(self, threshold: int = 8, service: str = "the Hub") -> None:
        self.threshold = threshold
        self.service = service
        """How the reason names what is not asked ("the Hub", "GitHub")."""
        self._lock = threading.Lock()
        self._running = 0
        self._last: str | None = None
        self.opened = False

    def check(self) -> None:
        """Raise BreakerOpen when open: the caller then sends nothing."""
        if self.opened:
            raise BreakerOpen(self.reason())

    def failed(self, what: str) -> None:
        """A request that could not connect or timed out (`what`: a short description)."""
        with self._lock:
            self._running += 1
            self._last = what
            if self._running >= self.threshold:
                self.opened = True

    def answered(self) -> None:
        """Any answer at all (an error status too): the Hub is there."""
        with self._lock:
            if not self.opened:
                self._running = 0

    def reason(self) -> str:
        return (f"not asked: {self.threshold} requests running failed to connect or timed out "
                f"(last: {self._last}), so the rest of this run does not wait on {self.service}")
