"""Joins a derived model's verdicts with its parents' (RUBRIC.md, "Derived models"). Pure.

The rules per relation are data (`lineage:` in rubrics/openness.yaml); this module only
applies them: keep own, take the parent's, or join (equal words stay, different words
give the join level), cap at the unresolved level when a parent could not be looked at,
and judge weights again under the most restrictive licence class along the chain.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openness.evidence.lineage import DeclaredParent
from openness.models import AXES, AxisName, AxisVerdict, Evidence, LicenseVerdict, Scorecard
from openness.rubric.evaluate import evaluate
from openness.rubric.schema import CLASS_ORDER, Profile, Rubric


@dataclass(frozen=True)
class ParentOutcome:
    """A declared parent and what became of it: its scorecard, or why there is none."""

    parent: DeclaredParent
    status: str
    """scored, not_found, gated, cycle, depth_cap or error."""
    card: Scorecard | None = None
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        """True when the parent was scored."""
        return self.status == "scored" and self.card is not None


@dataclass(frozen=True)
class Joined:
    """A model's verdicts after its lineage has been taken into account."""

    axes: dict[AxisName, AxisVerdict]
    license: LicenseVerdict


def join_lineage(rubric: Rubric, profile_name: str, own: dict[AxisName, AxisVerdict],
                 licence: LicenseVerdict, signals: dict[str, Any], evidence: tuple[Evidence, ...],
                 parents: list[ParentOutcome]) -> Joined:
    """Own verdicts combined with the parents' under the rubric's lineage rules."""
    if not parents:
        return Joined(own, licence)
    profile = rubric.profiles[profile_name]
    licence, signals = _licence_down_the_chain(licence, signals, parents)
    axes = dict(own)
    axes["weights"] = evaluate(rubric, profile_name, signals, evidence)["weights"]
    for axis in AXES:
        rule = _rule(rubric, axis, parents)
        if rule == "parent":
            axes[axis] = _inherit(axis, axes[axis], parents) or axes[axis]
        elif rule == "join":
            axes[axis] = _join(rubric, profile, axis, axes[axis], parents)
        axes[axis] = _cap_unresolved(rubric, profile, axis, axes[axis], parents, rule)
        axes[axis] = _with_parent_evidence(axes[axis], axis, parents)
    return Joined(axes, licence)


def _rule(rubric: Rubric, axis: AxisName, parents: list[ParentOutcome]) -> str:
    rules = {rubric.lineage.relations.get(p.parent.relation, {}).get(axis, "join") for p in parents}
    return rules.pop() if len(rules) == 1 else "join"


def _licence_down_the_chain(licence: LicenseVerdict, signals: dict[str, Any],
                            parents: list[ParentOutcome]) -> tuple[LicenseVerdict, dict[str, Any]]:
    """The most restrictive class among own and parents' (parents' already include theirs)."""
    strictest, source = licence.license_class, None
    for outcome in parents:
        theirs = outcome.card.license if outcome.resolved and outcome.card else None
        if theirs and CLASS_ORDER.index(theirs.license_class) > CLASS_ORDER.index(strictest):
            strictest, source = theirs.license_class, (outcome.parent.repo_id, theirs)
    if source is None:
        return licence, signals
    parent_id, theirs = source
    label = f"{licence.label}, bound by parent {parent_id}'s {theirs.label}"
    flags = sorted({*licence.flags, f"restricted-by-parent:{parent_id}"})
    updated = licence.model_copy(update={"license_class": strictest, "class_title": theirs.class_title,
                                         "label": label, "flags": flags})
    return updated, {**signals, "license.class": strictest, "license.label": label,
                     "license.class_title": theirs.class_title}


def _inherit(axis: AxisName, own: AxisVerdict, parents: list[ParentOutcome]) -> AxisVerdict | None:
    resolved = [p for p in parents if p.resolved and p.card and axis in p.card.axes]
    if len(resolved) != 1:
        return None
    outcome = resolved[0]
    theirs = outcome.card.axes[axis]  # type: ignore[union-attr]
    reasons = [f"inherited from {outcome.parent.relation} parent {outcome.parent.repo_id}: {theirs.reasons[0]}",
               *theirs.reasons[1:], f"own card: {own.reasons[0]}"]
    return AxisVerdict(level=theirs.level, score=theirs.score, reasons=reasons, evidence=list(own.evidence))


def _join(rubric: Rubric, profile: Profile, axis: AxisName, own: AxisVerdict,
          parents: list[ParentOutcome]) -> AxisVerdict:
    sides = [("own stage", own)] + [
        (f"{p.parent.relation} parent {p.parent.repo_id}", p.card.axes[axis])
        for p in parents if p.resolved and p.card and axis in p.card.axes]
    known = [v for _, v in sides if v.score is not None]
    if len(sides) == 1 or not known:
        return own
    words = {v.level for v in known}
    if len(words) == 1 and len(known) == len(sides):
        score = min(v.score for v in known if v.score is not None)
    else:
        score = rubric.lineage.join_level
    word = profile.word(axis, score)
    headline = f"level {score}: {word} across the lineage: " + "; ".join(
        f"{name} {v.level}" for name, v in sides)
    details = [f"{name}: {_headline(v)}" for name, v in sides]
    return AxisVerdict(level=word, score=score, reasons=[headline, *details], evidence=list(own.evidence))


def _cap_unresolved(rubric: Rubric, profile: Profile, axis: AxisName, verdict: AxisVerdict,
                    parents: list[ParentOutcome], rule: str) -> AxisVerdict:
    blocked = [p for p in parents if _blocks(p, axis)]
    cap = rubric.lineage.unresolved_cap
    if not blocked or verdict.score is None:
        return verdict
    why = "; ".join(f"{p.parent.repo_id} {p.reason or 'was not fully judged (see its lineage)'}" for p in blocked)
    if rule not in rubric.lineage.unresolved_cap_on:
        # Judged on the model's own evidence; say what could not be checked up the chain.
        note = f"a parent could not be judged, so its licence was not checked ({why})"
        return verdict.model_copy(update={"reasons": [*verdict.reasons, note]})
    if verdict.score <= cap:
        return verdict
    reasons = [f"level {cap}: at most {profile.word(axis, cap)}, because a parent could not be judged ({why})",
               *verdict.reasons]
    return AxisVerdict(level=profile.word(axis, cap), score=cap, reasons=reasons, evidence=list(verdict.evidence))


def _blocks(outcome: ParentOutcome, axis: AxisName) -> bool:
    """A parent that was not resolved, was not judged on `axis`, or has an unresolved ancestor."""
    card = outcome.card
    if not outcome.resolved or card is None:
        return True
    verdict = card.axes.get(axis)
    return verdict is None or verdict.score is None or any(e.status != "scored" for e in card.lineage)


def _with_parent_evidence(verdict: AxisVerdict, axis: AxisName, parents: list[ParentOutcome]) -> AxisVerdict:
    items = list(verdict.evidence)
    for outcome in parents:
        name = f"parent {outcome.parent.repo_id}"
        if outcome.resolved and outcome.card and axis in outcome.card.axes:
            theirs = outcome.card.axes[axis]
            detail = f"{outcome.parent.relation} parent: {axis} {theirs.level} ({_headline(theirs)})"
        else:
            detail = f"{outcome.parent.relation} parent could not be judged: {outcome.reason}"
        items.append(Evidence(signal="lineage.parent", source=name, detail=detail, strength="high"))
    return verdict.model_copy(update={"evidence": items})


def _headline(verdict: AxisVerdict) -> str:
    first = verdict.reasons[0] if verdict.reasons else verdict.level
    return first
