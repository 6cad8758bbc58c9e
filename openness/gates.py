"""Gates for CI: `--fail-on KEY=VALUE` and `--min KEY=VALUE` over scorecards. Pure.

KEY is an axis (weights, data, code) or a framework (its id, `eu-ai-act`, or its CSV
column, `eu_ai_act`). VALUE is an axis verdict (open, partial, closed, unknown) or one of
the framework's outcome codes (`openness rubric show NAME`). `--fail-on` fails a model
whose value is VALUE; `--min` fails one whose value is below VALUE, best first in the
rubric's order (open > partial > closed; Class I > II > III > none). Unknown is never at
least anything: it fails every `--min`, as it never counts as open.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from openness.errors import OpennessError, quoted
from openness.models import AXES, Scorecard
from openness.rubric.schema import Framework

GateKind = Literal["fail-on", "min"]
AXIS_VERDICTS = ("open", "partial", "closed")
"""Best first; `unknown` is below every one of them."""


class InvalidGate(OpennessError):
    """A gate that names no axis or framework, or a value it cannot have: bad input."""

    kind = "invalid_gate"


@dataclass(frozen=True)
class Gate:
    kind: GateKind
    key: str
    """An axis, or a framework's id."""
    value: str
    order: tuple[str, ...]
    """The values this key can have, best first (unknown not among them)."""
    given: str

    @property
    def option(self) -> str:
        return f"--{self.kind} {self.given}"

    @property
    def framework(self) -> str | None:
        return None if self.key in AXES else self.key

    def failure(self, card: Scorecard) -> str | None:
        """Why `card` fails this gate, or None when it passes (or was not scored: its own
        error says why, and no gate can be judged on it)."""
        if card.status != "scored":
            return None
        found = self._value(card)
        if self.kind == "fail-on":
            return f"{self.key} is {found}" if found == self.value else None
        if found in self.order and self.order.index(found) <= self.order.index(self.value):
            return None
        return f"{self.key} is {found}, below {self.value}"

    def _value(self, card: Scorecard) -> str:
        if self.framework is None:
            verdict = card.axes.get(self.key)  # type: ignore[call-overload]
            return verdict.verdict if verdict is not None else "unknown"
        result = card.results.get(self.key)
        return result.outcome.value if result is not None and result.outcome is not None else "unknown"


def parse_gates(fail_on: Sequence[str], minimum: Sequence[str], frameworks: Mapping[str, Framework]) -> list[Gate]:
    """Every gate given, checked against the axes and the frameworks; raises InvalidGate."""
    return [parse_gate("fail-on", text, frameworks) for text in fail_on] + \
           [parse_gate("min", text, frameworks) for text in minimum]


def parse_gate(kind: GateKind, text: str, frameworks: Mapping[str, Framework]) -> Gate:
    key, sep, value = text.partition("=")
    key, value = key.strip().lower(), value.strip()
    if not sep or not key or not value:
        raise InvalidGate(f"--{kind} {quoted(text)}: write it as KEY=VALUE, e.g. data=closed or mof=II")
    if key in AXES:
        return _checked(kind, key, value.lower(), AXIS_VERDICTS, text)
    framework = _framework(key, frameworks)
    if framework is None or framework.outcome is None:
        known = [*AXES, *(f.id for f in frameworks.values() if f.outcome is not None)]
        raise InvalidGate(f"--{kind} {quoted(text)}: {quoted(key)} is no axis or framework with an outcome "
                          f"(known: {', '.join(known)})")
    order = tuple(dict.fromkeys(framework.outcome.codes.values()))
    return _checked(kind, framework.id, value, order, text, framework.outcome.unknown)


def _checked(kind: GateKind, key: str, value: str, order: tuple[str, ...], text: str,
             unknown: str = "unknown") -> Gate:
    allowed = [*order, unknown] if kind == "fail-on" else list(order)
    if value not in allowed:
        raise InvalidGate(f"--{kind} {quoted(text)}: {key} is one of {', '.join(allowed)}")
    return Gate(kind, key, value, order, text)


def _framework(key: str, frameworks: Mapping[str, Framework]) -> Framework | None:
    return next((f for f in frameworks.values()
                 if key == f.id or (f.outcome is not None and key == f.outcome.column)), None)


def gate_failures(gates: Sequence[Gate], cards: Sequence[Scorecard]) -> list[str]:
    """One line per model and failed gate: `org/name: data is closed (--fail-on data=closed)`."""
    return [f"{card.repo_id}: {why} ({gate.option})"
            for card in cards for gate in gates if (why := gate.failure(card)) is not None]
