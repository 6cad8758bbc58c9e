"""Ordering and grouping scorecards for comparison tables. Pure functions over scorecards."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openness.models import AxisName, Scorecard
from openness.options import GroupKey, SortKey

# Words in the order a reader scans for "what could we use": most open first, and
# "unknown" (could not look) after "closed" so that it never reads as better than closed.
WORD_ORDER = ("open", "partial", "closed", "unknown")
NOT_SCORED = "not scored"


@dataclass(frozen=True)
class Group:
    """A run of rows under one heading."""

    title: str
    cards: tuple[Scorecard, ...]


def _name(card: Scorecard) -> str:
    return card.repo_id.casefold()


def _axis_rank(axis: AxisName) -> Callable[[Scorecard], tuple[int, int]]:
    """Higher level first; unknown and unscored last, in that order."""

    def rank(card: Scorecard) -> tuple[int, int]:
        verdict = card.axes.get(axis)
        if card.status != "scored" or verdict is None:
            return (2, 0)
        if verdict.level is None:
            return (1, 0)
        return (0, -verdict.level)

    return rank


def _class_rank(card: Scorecard) -> tuple[int, str]:
    """Licence class letter, A (most open) first; unscored last."""
    if card.status != "scored" or card.license is None:
        return (1, "")
    return (0, card.license.license_class)


def sort_cards(cards: Sequence[Scorecard], key: SortKey) -> list[Scorecard]:
    """The cards ordered by `key`, ties broken by repo id."""
    if key is SortKey.model:
        return sorted(cards, key=_name)
    if key is SortKey.license:
        return sorted(cards, key=lambda c: (_class_rank(c), _name(c)))
    axis_rank = _axis_rank(key.value)
    return sorted(cards, key=lambda c: (axis_rank(c), _name(c)))


def group_title(card: Scorecard, key: GroupKey) -> str:
    """The heading a card falls under."""
    if card.status != "scored":
        return NOT_SCORED
    if key is GroupKey.license_class:
        lic = card.license
        return f"class {lic.license_class}: {lic.class_title}" if lic else "no licence"
    verdict = card.axes.get(key.value)
    return f"{key.value}: {verdict.verdict if verdict else 'unknown'}"


def _group_rank(title: str, key: GroupKey) -> tuple[int, str]:
    if title == NOT_SCORED:
        return (len(WORD_ORDER) + 1, title)
    if key is GroupKey.license_class:
        return (0, title)  # "class A: ..." sorts A to F
    word = title.split(": ", 1)[1]
    return (WORD_ORDER.index(word), title)


def group_cards(cards: Sequence[Scorecard], key: GroupKey) -> list[Group]:
    """Cards split by `key`, groups ordered most open first, row order kept within a group."""
    titles: dict[str, list[Scorecard]] = {}
    for card in cards:
        titles.setdefault(group_title(card, key), []).append(card)
    ordered = sorted(titles, key=lambda title: _group_rank(title, key))
    return [Group(title, tuple(titles[title])) for title in ordered]


def groups_of(cards: Sequence[Scorecard], key: GroupKey | None) -> list[Group]:
    """One untitled group of everything, or the groups of `key`."""
    if key is None:
        return [Group("", tuple(cards))]
    return group_cards(cards, key)


def flatten(groups: Sequence[Group]) -> list[Scorecard]:
    """Rows in group order, for formats without headings (CSV, JSON)."""
    return [card for group in groups for card in group.cards]


__all__ = ["Group", "GroupKey", "SortKey", "flatten", "group_cards", "groups_of", "sort_cards"]
