"""The growth check the speed tests rely on tells linear work from quadratic work."""
from __future__ import annotations

from helpers import growth


def _pairs(text: str) -> int:
    return sum(1 for a in text for b in text if a == b)


def test_quadratic_work_is_not_taken_for_linear():
    found = growth(lambda n: "ab" * n, _pairs, 200, factor=4)
    assert not found.linear, found


def test_linear_work_is_taken_for_linear():
    found = growth(lambda n: "ab" * n, lambda text: text.count("a") + sum(1 for _ in text), 200_000)
    assert found.linear, found
