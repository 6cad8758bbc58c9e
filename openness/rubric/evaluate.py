"""Judges signals against the rubric: pure, no I/O, no rule of its own."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from openness.models import AXES, AxisName, AxisVerdict, Evidence, Finding, Word
from openness.rubric.schema import Axis, Condition, Profile, Rubric

_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")
# A card that could not be read leaves an axis that needs it unjudged.
_CARD_UNREAD = {"unreadable", "unavailable"}


def fill(template: str, signals: dict[str, Any]) -> str:
    """Fill {signal.name} placeholders; an unknown name stays visible rather than vanish."""
    if "{" not in template:  # most rubric texts: nothing to fill
        return template
    pieces = _pieces(template)
    filled = list(pieces)
    for i in range(1, len(pieces), 2):
        filled[i] = _show(signals.get(pieces[i], f"{{{pieces[i]}}}"))
    return "".join(filled)


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[str, ...]:
    """A template split once at its placeholders: text, name, text, name, ..., text.
    Templates are the rubric's own texts (a few hundred), each filled once per card."""
    return tuple(_PLACEHOLDER.split(template))


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def holds(condition: Condition, signals: dict[str, Any]) -> bool:
    """Whether one condition is met by the signals (a missing signal never meets it)."""
    value = signals.get(condition.signal)
    if value is None:
        return False
    if condition.min is not None:
        return isinstance(value, (int, float)) and value >= condition.min
    if condition.max is not None:
        return isinstance(value, (int, float)) and value <= condition.max
    if condition.in_ is not None:
        return str(value) in condition.in_
    return bool(value == condition.is_)


def evaluate(rubric: Rubric, profile_name: str, signals: dict[str, Any], evidence: tuple[Evidence, ...],
             axes: tuple[AxisName, ...] = AXES) -> dict[AxisName, AxisVerdict]:
    """A verdict for each axis (of `axes`) under the named profile."""
    profile = rubric.profiles[profile_name]
    tests = _Tests(rubric, signals)
    return {axis: _judge_axis(_plan(rubric, axis, profile), profile, tests, evidence) for axis in axes}


@dataclass(frozen=True)
class _Plan:
    """What an axis tests under a profile, worked out once rather than per card."""

    axis: Axis
    name: AxisName
    shown_names: frozenset[str]
    shown_prefixes: tuple[str, ...]
    words: dict[int, Word]
    """The profile's word for each level."""
    conditions: tuple[tuple[str, Condition, bool, bool], ...]
    """axis_conditions in order, each with whether it applies whatever the level is called
    (a level's or a remark's) and whether it is a remark only."""


_PLANS: dict[tuple[int, str, int], tuple[Rubric, Profile, _Plan]] = {}


def _plan(rubric: Rubric, name: AxisName, profile: Profile) -> _Plan:
    known = _PLANS.get((id(rubric), name, id(profile)))
    if known is not None and known[0] is rubric and known[1] is profile:
        return known[2]
    axis = rubric.axes[name]
    names, prefixes = _evidence_from(tuple(axis.evidence_from))
    levels = {c for level in axis.levels for c in level.requires}
    plan = _Plan(axis, name, names, prefixes, {lv.level: profile.word(name, lv.level) for lv in axis.levels},
                 tuple((c, rubric.conditions[c], c in levels or c in axis.remarks, c in axis.remarks and c not in levels)
                       for c in axis_conditions(rubric, name, profile)))
    if len(_PLANS) >= 1_000:  # rubrics are loaded a few times a run; tests load many
        _PLANS.clear()
    _PLANS[(id(rubric), name, id(profile))] = (rubric, profile, plan)
    return plan


class _Tests:
    """One card's signals against a rubric's conditions: each condition tested once
    however many levels, axes and findings ask."""

    __slots__ = ("conditions", "signals", "_held")

    def __init__(self, rubric: Rubric, signals: dict[str, Any]) -> None:
        self.conditions = rubric.conditions
        self.signals = signals
        self._held: dict[str, bool] = {}

    def holds(self, key: str) -> bool:
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = holds(self.conditions[key], self.signals)
        return held

    def all_hold(self, keys: list[str]) -> bool:
        return all(self.holds(key) for key in keys)

    def first_unmet(self, keys: list[str]) -> str | None:
        for key in keys:
            if not self.holds(key):
                return fill(self.conditions[key].unmet, self.signals)
        return None

    def known_not_met(self, key: str) -> bool:
        """Whether the condition's finding would be not_met (told without its words)."""
        return _outcome(self.conditions[key], self.signals, self.holds(key)) == "not_met"


def _judge_axis(plan: _Plan, profile: Profile, tests: _Tests, evidence: tuple[Evidence, ...]) -> AxisVerdict:
    axis, signals = plan.axis, tests.signals
    names, prefixes = plan.shown_names, plan.shown_prefixes
    shown = [e for e in evidence if e.signal in names or e.signal.startswith(prefixes)]
    if "card" in axis.needs and signals.get("card.status") in _CARD_UNREAD:
        why = f"could not read the model card ({signals.get('card.status')}), so {axis.title.lower()} was not judged"
        return AxisVerdict(verdict="unknown", level=None, reasons=[why], evidence=shown,
                           findings=_findings(plan, signals, card_unread=why))
    level, reasons = _level_of(axis, tests)
    undecided = _undecided_of(plan, level, tests)
    if undecided is not None:
        floor = [f"at least {reasons[0]}"] if level > 0 and reasons and reasons[0].startswith("level ") else []
        return AxisVerdict(verdict="unknown", level=None, reasons=[*floor, undecided], evidence=shown,
                           findings=_findings(plan, signals, open_word=False))
    reasons += [fill(tests.conditions[c].met or "", signals) for c in axis.remarks if tests.holds(c)]
    word = called = plan.words[level]
    if word == "open":
        unmet = tests.first_unmet(profile.open_requires.get(plan.name, []))
        if unmet:
            word = "partial"
            reasons.append(f"partial under this profile: {unmet}")
    return AxisVerdict(verdict=word, level=level, reasons=reasons, evidence=shown,
                       findings=_findings(plan, signals, open_word=called == "open"))


def axis_conditions(rubric: Rubric, name: AxisName, profile: Profile) -> list[str]:
    """The conditions an axis tests under a profile, each once: levels from 4 down, then
    its remarks, then what the profile asks of it to be called open."""
    axis = rubric.axes[name]
    names = [c for level in axis.levels for c in level.requires] + axis.remarks + profile.open_requires.get(name, [])
    return list(dict.fromkeys(names))


def _findings(plan: _Plan, signals: dict[str, Any], *, open_word: bool = True,
              card_unread: str | None = None) -> list[Finding]:
    """One finding per condition of the axis. `open_word`: whether the level reached is
    called open, without which the profile's own conditions do not apply. A remark (a
    condition that only adds a note when it holds) that does not hold is not applicable:
    nothing to note, nothing to change."""
    return [_finding(c, condition, signals, card_unread=card_unread, applies=open_word or always, remark=remark)
            for c, condition, always, remark in plan.conditions]


def _finding(key: str, condition: Condition, signals: dict[str, Any], *, card_unread: str | None,
             applies: bool, remark: bool) -> Finding:
    if card_unread:
        return Finding(condition=key, outcome="unknown", signal=condition.signal, value=None,
                       message=card_unread, remediation=condition.remediation)
    found = condition_finding(key, condition, signals)
    if remark and found.outcome == "not_met":
        return found.model_copy(update={"outcome": "not_applicable", "remediation": None,
                                        "message": f"nothing to note: {found.message}"})
    if not applies and found.outcome != "unknown":
        return found.model_copy(update={"outcome": "not_applicable", "remediation": None,
                                        "message": "applies only when the level reached is called open"})
    return found


_MISSING = object()
_KEYED = frozenset({str, int, float, bool, type(None), object})
"""Kinds of value a finding is remembered by (`object`: a signal a text names is missing)."""
_FINDINGS: dict[tuple[Any, ...], tuple[Condition, Finding]] = {}
_NAMED: dict[int, tuple[Condition, tuple[str, ...]]] = {}
MAX_FINDINGS = 20_000
"""Findings remembered at most; the memory is then cleared and starts again."""


def condition_finding(key: str, condition: Condition, signals: dict[str, Any]) -> Finding:
    """One condition tested: met, not met, or unknown when no signal value was had.

    A finding depends on the condition, the value of its signal and the values its texts
    name, nothing else; across cards these repeat (most cards state few facts), so a
    finding already made for the same values is handed out again (it is frozen). The
    condition is kept with it, so its id cannot be reused by another one while remembered."""
    value = signals.get(condition.signal)
    remember = _memo_key(key, condition, value, signals)
    hit = _FINDINGS.get(remember) if remember is not None else None
    if hit is not None and hit[0] is condition:
        return hit[1]
    found = _condition_finding(key, condition, signals, value)
    if remember is not None:
        if len(_FINDINGS) >= MAX_FINDINGS:
            _FINDINGS.clear()
        _FINDINGS[remember] = (condition, found)
    return found


def _memo_key(key: str, condition: Condition, value: Any, signals: dict[str, Any]) -> tuple[Any, ...] | None:
    """What a finding is remembered by: the condition and, kind and value, its signal's
    value and each value its texts name; None when one of them cannot be a key."""
    parts: list[Any] = [key, id(condition)]
    for item in (value, *[signals.get(name, _MISSING) for name in _named(condition)]):
        kind = type(item)
        if kind not in _KEYED:
            return None
        # -0.0 == 0.0, yet they are shown apart; equal values of the other kinds read the same
        parts += (kind, repr(item) if kind is float else item)
    return tuple(parts)


def _named(condition: Condition) -> tuple[str, ...]:
    """The signals a condition's texts name in braces, found once per condition."""
    known = _NAMED.get(id(condition))
    if known is not None and known[0] is condition:
        return known[1]
    names = tuple(name for text in (condition.unknown, condition.unmet, condition.met) if text
                  for name in _pieces(text)[1::2])
    if len(_NAMED) >= MAX_FINDINGS:
        _NAMED.clear()
    _NAMED[id(condition)] = (condition, names)
    return names


def _condition_finding(key: str, condition: Condition, signals: dict[str, Any], value: Any) -> Finding:
    if value is None:
        return Finding(condition=key, outcome="unknown", signal=condition.signal, value=None,
                       message=fill(condition.unknown, signals) if condition.unknown
                       else f"no value for {condition.signal}: it could not be read",
                       remediation=condition.remediation)
    shown = value if isinstance(value, (str, int, float, bool)) else str(value)
    if condition.unknown_if is not None and str(value) in condition.unknown_if:
        return Finding(condition=key, outcome="unknown", signal=condition.signal, value=shown,
                       message=f"{condition.signal} is {_show(value)}: " + fill(condition.unmet, signals),
                       remediation=condition.remediation)
    if holds(condition, signals):
        return Finding(condition=key, outcome="met", signal=condition.signal, value=shown,
                       message=fill(condition.met, signals) if condition.met else f"{condition.signal} is {_show(value)} ({condition.test_text})")
    return Finding(condition=key, outcome="not_met", signal=condition.signal, value=shown,
                   message=fill(condition.unmet, signals), remediation=condition.remediation)


@lru_cache(maxsize=64)
def _evidence_from(listed: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """An axis's `evidence_from` as the signal names it shows and the prefixes (ending in
    '.') whose signals it shows, made once rather than tested item by item per card."""
    return frozenset(listed), tuple(p for p in listed if p.endswith("."))


def _level_of(axis: Axis, tests: _Tests) -> tuple[int, list[str]]:
    """The highest level whose conditions all hold, its summary, and why not one higher."""
    for index, level in enumerate(axis.levels):
        if tests.all_hold(level.requires):
            why_not = tests.first_unmet(axis.levels[index - 1].requires) if index else None
            summary = fill(level.summary, {**tests.signals, "why_not_higher": why_not or ""})
            reasons = [f"level {level.level}: {summary}"]
            if why_not and "{why_not_higher}" not in level.summary:
                reasons.append(f"not level {axis.levels[index - 1].level}: {why_not}")
            return level.level, reasons
    raise AssertionError("validated: level 0 requires nothing")


def _undecided_of(plan: _Plan, level: int, tests: _Tests) -> str | None:
    """Why the verdict is unknown, when a level above `level` that the profile words
    differently is kept from holding only by conditions that could not be tested (no value
    was had, or one the rubric marks `unknown_if`): what could not be seen must not lower a
    verdict. None when every higher level is ruled out by a condition known to fail."""
    for candidate in plan.axis.levels:
        if candidate.level <= level:
            return None
        if plan.words[candidate.level] == plan.words[level]:
            continue
        # Most candidates fail on a condition known to fail: told apart without the findings' words.
        if any(tests.known_not_met(c) for c in candidate.requires):
            continue
        outcomes = [condition_finding(c, tests.conditions[c], tests.signals) for c in candidate.requires]
        if all(found.outcome in ("met", "unknown") for found in outcomes):
            unseen = [found.message for found in outcomes if found.outcome == "unknown"]
            return (f"unknown: level {candidate.level} ({plan.words[candidate.level]}) "
                    f"if what could not be seen holds: {'; '.join(unseen)}")
    return None


def _outcome(condition: Condition, signals: dict[str, Any], held: bool | None = None) -> str:
    """The outcome condition_finding gives, without its words (`held`: holds(), when known)."""
    value = signals.get(condition.signal)
    if value is None or (condition.unknown_if is not None and str(value) in condition.unknown_if):
        return "unknown"
    return "met" if (holds(condition, signals) if held is None else held) else "not_met"

