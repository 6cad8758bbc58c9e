"""Judges a model under a rubric with dimensions of its own: pure, no I/O, no rule of its own.

Each dimension tries its levels in order; the first whose conditions all hold is the
result. A level that cannot be told (a condition's signal is missing, or an openness
verdict it tests is unknown) and has no condition plainly unmet stops the walk: the
result is unknown, because a lower level would claim more than the tool saw.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openness.evidence.components import component_statuses
from openness.evidence.registry import libre
from openness.models import (AxisName, AxisVerdict, DimensionResult, Finding, LevelProgress, OutcomeResult, RubricResult,
                             Scorecard)
from openness.rubric.evaluate import condition_finding, fill
from openness.rubric.lineage import ParentOutcome
from openness.rubric.schema import Condition, Dimension, Framework


def framework_signals(signals: dict[str, Any], card: Scorecard, own: Mapping[AxisName, AxisVerdict] | None = None,
                      parents: Sequence[Scorecard | None] | None = None) -> dict[str, Any]:
    """The model's own signals, with the scorecard's verdicts after lineage: the openness
    axes as `openness.<axis>.level` (0-4) and `openness.<axis>.verdict` (the word), None
    when unknown; the licence class along the chain as `license.class` (and `license.libre`);
    and the signals derived from them (openness.evidence.components).

    Frameworks that tell a base model from the model users get (the Open Source AI Index)
    also see each side before the join: `openness.<axis>.own_level`, the model's own stage
    (`own`: its verdicts before the join), and `openness.<axis>.base_level`, its base: the
    lowest level among its direct parents (`parents`: each one's scorecard, None for one
    that could not be scored, which leaves the base unknown); a model with no parent is
    its own base."""
    joined = dict(signals)
    for axis, verdict in card.axes.items():
        unknown = verdict.level is None
        joined[f"openness.{axis}.level"] = None if unknown else verdict.level
        joined[f"openness.{axis}.verdict"] = None if unknown else verdict.verdict
        own_verdict = (own or {}).get(axis, verdict)
        joined[f"openness.{axis}.own_level"] = own_verdict.level
        joined[f"openness.{axis}.base_level"] = _base_level(axis, card, signals, parents)
    if card.license is not None:
        joined["license.class"] = card.license.license_class
        joined["license.libre"] = libre(card.license)
    return joined | component_statuses(joined)


def inherited_signals(framework: Framework, signals: dict[str, Any],
                      parents: Sequence[ParentOutcome]) -> dict[str, Any]:
    """`signals` with what the framework's `inherits` rule takes from the parents' results
    under the same rubric: for each listed signal, the largest of the model's own value and
    its scored parents' (a parent not scored under this rubric gives nothing)."""
    rule = framework.inherits
    if rule is None or not parents or any(p.parent.relation not in rule.relations for p in parents):
        return signals
    joined = dict(signals)
    for name in rule.signals:
        found = [(value, p.parent.repo_id) for p in parents
                 if p.card is not None and p.resolved and (value := _parent_value(p.card, framework.id, name)) is not None]
        if not found:
            continue
        value, parent = max(found)
        own = signals.get(name)
        if isinstance(own, (int, float)) and own >= value:
            continue
        joined[name] = value
        if f"{name}_as" in signals:
            mine = "unknown on its own card" if own is None else f"{signals.get(f'{name}_as')} on its own card"
            joined[f"{name}_as"] = f"{_number(value)}, its parent {parent}'s ({mine}; {rule.reason})"
    return joined


def _base_level(axis: AxisName, card: Scorecard, signals: dict[str, Any],
                parents: Sequence[Scorecard | None] | None) -> int | None:
    if not parents:
        # no parent named: the model is its own base; parents named but not given: unknown
        return card.axes[axis].level if not signals.get("lineage.parents") else None
    levels = [p.axes[axis].level if p is not None and axis in p.axes else None for p in parents]
    return None if any(lv is None for lv in levels) else min(lv for lv in levels if lv is not None)


def _parent_value(card: Scorecard, rubric: str, signal: str) -> int | float | None:
    result = card.results.get(rubric)
    if result is None:
        return None
    for dimension in result.dimensions.values():
        for finding in dimension.findings:
            if finding.signal == signal and isinstance(finding.value, (int, float)) \
                    and not isinstance(finding.value, bool):
                return finding.value
    return None


def _number(value: int | float) -> str:
    return f"{value:.2g}" if abs(value) >= 1e6 else str(value)


def judge_framework(framework: Framework, signals: dict[str, Any]) -> RubricResult:
    """The model's result on every dimension of `framework`, and its outcome code."""
    tested: dict[str, Finding] = {}  # a condition several dimensions name is tested once
    dimensions = {name: judge_dimension(dim, framework.conditions, signals, tested)
                  for name, dim in framework.dimensions.items()}
    return RubricResult(rubric=framework.id, version=framework.version, title=framework.title,
                        dimensions=dimensions, outcome=_outcome(framework, dimensions))


def _outcome(framework: Framework, dimensions: dict[str, DimensionResult]) -> OutcomeResult | None:
    rule = framework.outcome
    if rule is None:
        return None
    reached = dimensions[rule.dimension].verdict
    value = rule.codes[reached] if reached is not None else rule.unknown
    return OutcomeResult(column=rule.column, dimension=rule.dimension, value=value)


def judge_dimension(dimension: Dimension, conditions: dict[str, Condition], signals: dict[str, Any],
                    tested: dict[str, Finding] | None = None) -> DimensionResult:
    """`tested`: findings already had for these signals, by condition (filled in here)."""
    tested = {} if tested is None else tested
    findings: dict[str, Finding] = {}  # every condition the levels name, then those it informs on
    for name in [c for level in dimension.levels for c in level.requires] + dimension.informs:
        if name not in findings:
            found = tested.get(name)
            if found is None:
                found = tested[name] = condition_finding(name, conditions[name], signals)
            findings[name] = found
    shown = list(findings.values())
    met = {name for name, found in findings.items() if found.outcome == "met"}
    progress = [LevelProgress(label=level.label, total=len(level.requires),
                              met=sum(1 for c in level.requires if c in met))
                for level in dimension.levels if level.requires]
    passed_over: list[str] = []
    for rank, level in enumerate(dimension.levels):
        unmet = unknown = None
        for c in level.requires:  # the first not met decides; else the first unknown
            found = findings[c]
            if found.outcome == "not_met":
                unmet = found
                break
            if unknown is None and found.outcome == "unknown":
                unknown = found
        if unmet is not None:
            passed_over.append(f"not {level.label}: {unmet.message}")
            continue
        if unknown is not None:
            return DimensionResult(verdict=None, rank=None, findings=shown, progress=progress, reasons=[
                f"could not tell whether {level.label}: {unknown.message}", *passed_over])
        said = fill(level.summary, signals) if level.summary else level.label
        above = dimension.levels[rank - 1] if rank > 0 else None
        return DimensionResult(verdict=level.label, rank=rank, findings=shown, progress=progress,
                               reasons=[said, *passed_over[-1:]],
                               next_level=above.label if above else None,
                               next_needs=[c for c in above.requires if c not in met] if above else [])
    raise AssertionError("validated: the last level requires nothing")
