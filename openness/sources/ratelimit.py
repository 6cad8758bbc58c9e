"""Pacing to the Hub's rate limit: one budget, shared by every thread of a run.

The Hub announces its budget on its answers, successes included (IETF draft
"RateLimit header fields for HTTP", as huggingface.co sends them):

    RateLimit: "api";r=480;t=217                       480 calls left, the window resets in 217 s
    RateLimit-Policy: "fixed window";"api";q=500;w=300  500 calls per 300 s window

A run that spends its budget in a burst gets 429s for the rest of the window, and each
of those costs a model (or, when the run may wait, a wait per thread). The pacer reads
every answer's headers and, once few calls are left, spreads them over what remains of
the window; when none are left, every call waits for the window to reset, instead of
each thread learning it from its own 429.
"""
from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

# huggingface.co's budget for callers without a token: 500 API calls (/api/...) per
# 5 minutes; file downloads (the resolver, README.md) have their own, 3,000 per 5 minutes.
# Source: https://huggingface.co/docs/hub/rate-limits, as ../shared/design/HUB.md records it.
# A token raises it (1,000 and more); the Hub then announces its own numbers.


@dataclass(frozen=True)
class Budget:
    """So many calls per window of so many seconds."""

    calls: int
    window_s: float

    def describe(self) -> str:
        """`500 per 5 minutes`."""
        if self.window_s >= 120 and self.window_s % 60 == 0:
            return f"{self.calls:,} per {self.window_s / 60:.0f} minutes"
        return f"{self.calls:,} per {self.window_s:g} s"

    def minutes_for(self, calls: float) -> int:
        """About how long `calls` take within this budget: the first window's calls go at
        once, every further window's after a wait of one window."""
        windows = max(0, math.ceil(calls / self.calls) - 1)
        return math.ceil(windows * self.window_s / 60)


HUB_ANONYMOUS_API_BUDGET = Budget(calls=500, window_s=300.0)
"""What huggingface.co allows a caller without HF_TOKEN in API calls (see the source above)."""
API_CALLS_PER_MODEL = 1.5
"""What scoring one uncached model costs in API calls: its model_info, and on average about
half a call more for its parents and datasets (its card is a download, not an API call)."""
API_CALLS_PER_LISTED_MODEL = 0.5
"""The same for a model from a listing (--author, --search, --filter): its page carried its
metadata, so only parents and datasets are asked."""
LONGEST_WAIT_S = 900.0
"""The longest rate-limit wait sat out when waiting is allowed: three times the Hub's
5-minute window. A Hub asking for more is not limiting a rate; the run fails fast."""
UNATTENDED_WAIT_S = 60.0
"""The longest one sat out when it is not (piped, CI): a longer one fails the model at once,
saying when to try again (as RetryPolicy.max_wait_s, the API's default)."""
PACE_FLOOR = 16
"""Calls left below which the pacer spreads them out: at least the requests a run keeps
in flight (the default --jobs), whose calls the Hub has not counted yet when it answers."""
PACE_SHARE = 0.1
"""...or this share of the window's budget, whichever is more."""
SAME_WINDOW_S = 1.0
"""Two announced reset times this close are the same window: the Hub says `t` in whole seconds."""

_PARAM = re.compile(r"(?:^|[;,\s])([a-z]+)=(\d+(?:\.\d+)?)")
_NAME = re.compile(r'^\s*"([^"]*)"')


@dataclass(frozen=True)
class Announced:
    """What one answer's headers say of one budget (the policy's name: "api", "resolvers")."""

    name: str | None
    remaining: int
    reset_s: float
    budget: Budget | None = None


def read_rate_limit(headers: Mapping[str, str]) -> Announced | None:
    """The `RateLimit` (and `RateLimit-Policy`) headers of one answer, or None without them.
    `headers` has lower-case names. Hostile values (no numbers, huge numbers) read as absent."""
    value = headers.get("ratelimit")
    if not value:
        return None
    params = dict(_PARAM.findall(value))
    if "r" not in params or "t" not in params:
        return None
    remaining, reset_s = float(params["r"]), float(params["t"])
    if remaining > 1e9 or reset_s > 1e7:
        return None
    budget = None
    policy = dict(_PARAM.findall(headers.get("ratelimit-policy") or ""))
    if "q" in policy and "w" in policy and 0 < float(policy["q"]) <= 1e9 and 0 < float(policy["w"]) <= 1e7:
        budget = Budget(calls=int(float(policy["q"])), window_s=float(policy["w"]))
    name = _NAME.match(value)
    return Announced(name.group(1) if name else None, int(remaining), reset_s, budget)


class _Window:
    """One budget's window, as the Hub last announced it."""

    def __init__(self, remaining: int, reset_at: float, budget: Budget | None) -> None:
        self.remaining = remaining
        self.reset_at = reset_at
        self.budget = budget
        self.next_at = 0.0
        """When the next paced call may start."""


class Pacer:
    """Run-wide: spends the Hub's announced budget evenly instead of in a burst.

    Every call runs inside `slot(kind, max_wait_s)`, which may wait before it; the call
    passes its answer's headers to `observe(headers, kind)`. `kind` is the budget a call
    draws on ("api" for /api/ calls, "resolvers" for downloads); an answer naming its
    policy updates that one. A budget nobody announced is not paced. The calls left are
    counted as the Hub last said, minus the calls started and not yet answered (the Hub
    may not have counted those yet), so the estimate errs low. `on_wait(seconds)` is told
    once per window when calls start waiting for it (the CLI says so on stderr).
    """

    def __init__(self, *, on_wait: Callable[[float], None] | None = None) -> None:
        self.on_wait = on_wait
        self._changed = threading.Condition()
        self._windows: dict[str, _Window] = {}
        self._outstanding: dict[str, int] = {}
        self._said_lock = threading.Lock()
        self._said_until = -math.inf
        """When the last wait said on stderr ends."""
        self.budgets: dict[str, Budget] = {}
        """Every budget announced in this run, by name."""

    def observe(self, headers: Mapping[str, str], kind: str = "api") -> None:
        """Read one answer's RateLimit headers, if it has them."""
        announced = read_rate_limit(headers)
        if announced is None:
            return
        name = announced.name or kind
        with self._changed:
            if announced.budget:
                self.budgets[name] = announced.budget
            old = self._windows.get(name)
            window = _Window(announced.remaining, time.monotonic() + announced.reset_s,
                             announced.budget or (old.budget if old else None))
            if old is not None and abs(window.reset_at - old.reset_at) < SAME_WINDOW_S:
                # Answers come back out of order: within a window the count only falls.
                window.remaining = min(window.remaining, old.remaining)
                window.reset_at = min(window.reset_at, old.reset_at)
                window.next_at = old.next_at
            self._windows[name] = window
            self._changed.notify_all()

    @contextmanager
    def slot(self, kind: str = "api", max_wait_s: float = math.inf) -> Iterator[None]:
        """Around one call: first waits, if the budget asks for it, never longer than
        `max_wait_s` at a time (a longer wait is left to the Hub's 429, which fails fast
        or is waited out by the retries)."""
        wait = self._reserve(kind, max_wait_s)
        try:
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            with self._changed:
                self._outstanding[kind] -= 1
                self._changed.notify_all()

    def announce(self, kind: str, wait_s: float) -> None:
        """Tell `on_wait` of a wait for the window `kind`, unless one already said ends as
        late: once per window, whichever thread and budget meet it first."""
        ends = time.monotonic() + wait_s
        with self._said_lock:
            if ends <= self._said_until + SAME_WINDOW_S:
                return
            self._said_until = ends
        if self.on_wait is not None:
            self.on_wait(wait_s)

    def _reserve(self, kind: str, max_wait_s: float) -> float:
        """Count one call as started; the seconds it is to wait first."""
        with self._changed:
            while True:
                now = time.monotonic()
                window = self._windows.get(kind)
                if window is not None and now >= window.reset_at:  # a new window: unknown until told
                    del self._windows[kind]
                    window = None
                outstanding = self._outstanding.get(kind, 0)
                if window is None or window.remaining - outstanding > self._low_mark(window):
                    wait = 0.0
                    break
                left = window.reset_at - now
                estimate = window.remaining - outstanding
                if estimate <= 0:  # spent, as far as is known: wait for answers or the reset
                    if left > max_wait_s:
                        wait = 0.0
                        break
                    self.announce(kind, left)
                    self._changed.wait(timeout=left)
                    continue
                start = max(now, window.next_at)
                wait = start - now
                if wait <= max_wait_s:  # few calls left: spread evenly over the rest of the window
                    window.next_at = start + max(0.0, window.reset_at - start) / estimate
                else:
                    wait = 0.0
                break
            self._outstanding[kind] = outstanding + 1
        if wait > 0:
            self.announce(kind, min(left, max_wait_s))
        return wait

    @staticmethod
    def _low_mark(window: _Window | None) -> float:
        if window is None:
            return 0.0
        return max(PACE_FLOOR, window.budget.calls * PACE_SHARE if window.budget else 0)


def budget_notice(models: int, calls: float, budget: Budget, *, waits: bool) -> str | None:
    """What to say before a batch of `models` needing about `calls` API calls, when they
    are more than `budget` allows in one window (None when they fit). `waits`: whether
    the run sits out the Hub's rate limit (else the models past it fail, fast)."""
    if calls <= budget.calls:
        return None
    minutes = budget.minutes_for(calls)
    need = (f"{models:,} models need about {math.ceil(calls):,} Hub API calls; without HF_TOKEN "
            f"the Hub allows {budget.describe()}")
    fewer = "set HF_TOKEN for a larger budget; a listing (--author, --search, --filter) needs fewer calls"
    if waits:
        return f"{need}: this may take about {minutes} minutes ({fewer})"
    return (f"{need}: models past it will fail as rate_limited, as this run does not wait for the "
            f"Hub (--wait-for-rate-limit waits, about {minutes} minutes; {fewer})")
