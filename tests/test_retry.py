"""Retry policy as pure functions: what the server asks for wins, else jittered backoff."""
from __future__ import annotations

import random

import pytest

from openness.sources.retry import RetryPolicy, Retryable, backoff_s, call_with_retries, server_wait_s


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "Thu, 01 Jan 1970 00:01:40 GMT"}, 40.0),  # an HTTP date, 40 s after "now"
        ({"ratelimit": '"api";r=0;t=12'}, 12.0),
        ({"ratelimit-reset": "5"}, 5.0),
        ({"retry-after": "3", "ratelimit": '"api";r=0;t=12'}, 3.0),  # Retry-After first
        ({}, None),
        ({"ratelimit": '"api";r=10'}, None),
    ],
)
def test_server_wait(headers, wait):
    assert server_wait_s(headers, now=60.0) == wait


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(base_s=1.0, cap_s=4.0)
    rng = random.Random(1)
    assert all(0 <= backoff_s(1, policy, rng) <= 1.0 for _ in range(50))
    assert max(backoff_s(10, policy, rng) for _ in range(200)) <= 4.0
    assert max(backoff_s(3, policy, rng) for _ in range(200)) > 2.0


class Flaky:
    """Fails `times` times with the given headers, then answers."""

    def __init__(self, times: int, headers: dict[str, str] | None = None) -> None:
        self.times, self.headers, self.calls = times, headers, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.times:
            raise Retryable(RuntimeError(f"failure {self.calls}"), self.headers)
        return "answer"


def test_retries_until_an_answer_sleeping_what_the_server_asked():
    slept: list[float] = []
    call = Flaky(2, {"Retry-After": "2"})
    assert call_with_retries(call, RetryPolicy(attempts=3), sleep=slept.append) == "answer"
    assert call.calls == 3 and slept == [2.0, 2.0]


def test_gives_up_after_the_last_attempt_with_the_original_error():
    call = Flaky(10)
    with pytest.raises(RuntimeError, match="failure 3"):
        call_with_retries(call, RetryPolicy(attempts=3), sleep=lambda s: None)
    assert call.calls == 3


def test_a_wait_longer_than_allowed_ends_at_once():
    slept: list[float] = []
    call = Flaky(1, {"RateLimit": '"api";r=0;t=300'})
    with pytest.raises(RuntimeError):
        call_with_retries(call, RetryPolicy(max_wait_s=60), sleep=slept.append)
    assert call.calls == 1 and slept == []


def test_other_errors_are_not_retried():
    calls = []

    def broken():
        calls.append(1)
        raise KeyError("not retryable")

    with pytest.raises(KeyError):
        call_with_retries(broken, RetryPolicy(), sleep=lambda s: None)
    assert len(calls) == 1
