"""Joins a derived model's verdicts with its parents' (RUBRIC.md, "Derived models"). Pure.

The rules per relation are data (`lineage:` in rubrics/openness.yaml); this module only
applies them: keep own, take the parent's, or join (equal words stay, different words
give the join level), cap at the unresolved level when a parent could not be looked at,
and judge weights again under the most restrictive licence class along the chain. Two
refinements are data too: an own stage that counts as complete for a fine-tune
(`own_stage_complete`), and weight edits, whose data and code are their parents' alone
(`weight_edit`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openness.evidence.lineage import DeclaredParent
from openness.models import AXES, AxisName, AxisVerdict, Evidence, LicenseVerdict, Scorecard
from openness.rubric.evaluate import evaluate, holds
from openness.evidence.terms import CLASS_ORDER
from openness.rubric.schema import Profile, Rubric

# How each side of a join is named in a reason: (the model's own stage, its parent).
_SIDES = {"finetune": ("fine-tune", "base"), "adapter": ("adapter", "base"),
          "merge": ("merge", "parent"), "quantized": ("quantized copy", "original")}


@dataclass(frozen=True)
class ParentOutcome:
    """A declared parent and what became of it: its scorecard, or why there is none."""

    parent: DeclaredParent
    status: str
    """scored, not_found, gated, cycle, depth_cap, error, or unresolved (named only by a name)."""
    card: Scorecard | None = None
    reason: str | None = None
    unknown: bool = False
    """True when the parent could not be looked at (the Hub failing or not answering, a
    rate limit, offline): not an answer about the parent, so what depends on it alone is
    unknown, never lowered to the model's own stage without a word."""

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
    licence, signals, unknown = _licence_down_the_chain(rubric, licence, signals, parents)
    axes = dict(own)
    axes["weights"] = evaluate(rubric, profile_name, signals, evidence, axes=("weights",))["weights"]
    if unknown:
        axes["weights"] = _noted(axes["weights"], unknown)
    edit = _weight_edit(rubric, signals, parents)
    for axis in AXES:
        rule = _rule(rubric, axis, parents)
        if edit and axis in edit:
            axes[axis] = _parents_only(rubric, profile, axis, axes[axis], parents)
        elif rule == "parent":
            axes[axis] = _inherit(axis, axes[axis], parents) or _not_looked_up(axes[axis], parents) or axes[axis]
        elif rule == "join":
            own_side = _own_stage_complete(rubric, profile, axis, axes[axis], signals, parents)
            axes[axis] = _join(rubric, profile, axis, own_side, parents)
        axes[axis] = _cap_unresolved(rubric, profile, axis, axes[axis], parents, rule)
        axes[axis] = _with_parent_evidence(axes[axis], axis, parents)
    return Joined(axes, licence)


def _rule(rubric: Rubric, axis: AxisName, parents: list[ParentOutcome]) -> str:
    rules = {rubric.lineage.relations.get(p.parent.relation, {}).get(axis, "join") for p in parents}
    return rules.pop() if len(rules) == 1 else "join"


def _licence_down_the_chain(rubric: Rubric, licence: LicenseVerdict, signals: dict[str, Any],
                            parents: list[ParentOutcome]) -> tuple[LicenseVerdict, dict[str, Any], list[str]]:
    """The most restrictive class among own and the parents' binding ones (theirs include their parents').

    Only the classes in `licence_flows_down` bind: a parent whose licence is unknown (F)
    is flagged for a reader to check, not taken as the child's licence. Returns the
    licence, the signals judged under it, and a note per parent whose licence is unknown.
    """
    flows = set(rubric.lineage.licence_flows_down)
    strictest, source, unknown = licence.license_class, None, []
    for outcome in parents:
        theirs = outcome.card.license if outcome.resolved and outcome.card else None
        if theirs is None:
            continue
        if theirs.license_class not in flows:
            if theirs.license_class == "F" and licence.license_class != "F":
                unknown.append(outcome.parent.repo_id)
            continue
        if CLASS_ORDER.index(theirs.license_class) > CLASS_ORDER.index(strictest):
            strictest, source = theirs.license_class, (outcome.parent.repo_id, theirs)
    flags = {*licence.flags, *(f"parent-licence-unknown:{repo}" for repo in unknown)}
    notes = [f"parent licence unknown: check {repo} (its licence is class F, so it does not cap this model's "
             f"own {licence.label})" for repo in unknown]
    if source is None:
        return licence.model_copy(update={"flags": sorted(flags)}), signals, notes
    parent_id, theirs = source
    label = f"{licence.label}, bound by parent {parent_id}'s {theirs.label}"
    flags.add(f"restricted-by-parent:{parent_id}")
    updated = licence.model_copy(update={"license_class": strictest, "class_title": theirs.class_title,
                                         "label": label, "flags": sorted(flags)})
    return updated, {**signals, "license.class": strictest, "license.label": label,
                     "license.class_title": theirs.class_title}, notes


def _noted(verdict: AxisVerdict, notes: list[str]) -> AxisVerdict:
    return verdict.model_copy(update={"reasons": [*verdict.reasons, *notes]})


def _inherit(axis: AxisName, own: AxisVerdict, parents: list[ParentOutcome]) -> AxisVerdict | None:
    resolved = [p for p in parents if p.resolved and p.card and axis in p.card.axes]
    if len(resolved) != 1:
        return None
    outcome = resolved[0]
    theirs = outcome.card.axes[axis]  # type: ignore[union-attr]
    reasons = [f"inherited from {outcome.parent.relation} parent {outcome.parent.repo_id}: {theirs.reasons[0]}",
               *theirs.reasons[1:], f"own card: {own.reasons[0]}"]
    return AxisVerdict(verdict=theirs.verdict, level=theirs.level, reasons=reasons, evidence=list(own.evidence),
                       findings=list(own.findings))


def _not_looked_up(own: AxisVerdict, parents: list[ParentOutcome]) -> AxisVerdict | None:
    """Unknown, when the verdict is a parent's alone and that parent could not be looked at;
    None otherwise. The model's own stage is not the answer: it would lower the verdict
    (a quantized copy's card rarely says anything about data) without a word."""
    failed = [p for p in parents if p.unknown]
    if not failed:
        return None
    why = "; ".join(f"{p.parent.repo_id} {p.reason}" for p in failed)
    return AxisVerdict(verdict="unknown", level=None, evidence=list(own.evidence), findings=list(own.findings), reasons=[
        f"unknown: the verdict is its {failed[0].parent.relation} parent's, and the parent {why}",
        f"own card (not counted): {own.reasons[0]}"])


def _own_stage_complete(rubric: Rubric, profile: Profile, axis: AxisName, own: AxisVerdict,
                        signals: dict[str, Any], parents: list[ParentOutcome]) -> AxisVerdict:
    """The own stage as it enters the join: raised when a rule says it is complete for a derived model."""
    resolved = any(p.resolved and p.card and axis in p.card.axes for p in parents)
    for rule in rubric.lineage.own_stage_complete:
        applies = (rule.axis == axis and own.level == rule.level and resolved
                   and all(p.parent.relation in rule.relations for p in parents)
                   and all(holds(rubric.conditions[c], signals) for c in rule.requires))
        if applies:
            word = profile.word(axis, rule.becomes)
            return own.model_copy(update={"verdict": word, "level": rule.becomes, "reasons": [
                f"level {rule.becomes}: {word} for its own stage: {rule.reason}", *own.reasons]})
    return own


def _join(rubric: Rubric, profile: Profile, axis: AxisName, own: AxisVerdict | None,
          parents: list[ParentOutcome]) -> AxisVerdict:
    """Own stage (when there is one) and resolved parents: equal words stay, else the join level."""
    relation = parents[0].parent.relation
    own_name, parent_name = _SIDES.get(relation, ("own stage", "parent"))
    # (short name for the headline, longer name for the detail line, verdict)
    sides = [(own_name, f"own stage ({own_name})", own)] if own is not None else []
    sides += [(f"{parent_name} {p.parent.repo_id}", f"{p.parent.relation} parent {p.parent.repo_id}",
               p.card.axes[axis]) for p in parents if p.resolved and p.card and axis in p.card.axes]
    known = [v for _, _, v in sides if v.level is not None]
    if own is not None and (len(sides) == 1 or not known):
        return own
    words = {v.verdict for v in known}
    if len(words) == 1 and len(known) == len(sides):
        score = min(v.level for v in known if v.level is not None)
    else:
        score = rubric.lineage.join_level
    word = profile.word(axis, score)
    headline = f"level {score}: {word} ({', '.join(f'{short} {v.verdict}' for short, _, v in sides)})"
    details = [f"{name}: {_headline(v)}" for _, name, v in sides]
    evidence = list(own.evidence) if own is not None else []
    return AxisVerdict(verdict=word, level=score, reasons=[headline, *details], evidence=evidence,
                       findings=list(own.findings) if own is not None else [])


def _weight_edit(rubric: Rubric, signals: dict[str, Any], parents: list[ParentOutcome]) -> list[AxisName]:
    """The axes that come from the parents alone, when the model is a weight edit without training."""
    rule = rubric.lineage.weight_edit
    if rule is None:
        return []
    by_relation = all(p.parent.relation in rule.relations for p in parents)
    by_words = any(holds(rubric.conditions[c], signals) for c in rule.when_any)
    return list(rule.axes) if by_relation or by_words else []


def _parents_only(rubric: Rubric, profile: Profile, axis: AxisName, own: AxisVerdict,
                  parents: list[ParentOutcome]) -> AxisVerdict:
    """A weight edit's verdict from its parents: it has no stage of its own on this axis."""
    reason = rubric.lineage.weight_edit.reason if rubric.lineage.weight_edit else ""
    own_note = f"own card (not counted: {reason}): {own.reasons[0]}"
    judged = [p for p in parents if p.resolved and p.card and axis in p.card.axes
              and p.card.axes[axis].level is not None]
    if not judged and own.level is None:
        return own  # the card could not be read: nothing is known, not even "nothing of its own"
    if not judged and any(p.unknown for p in parents):
        return _not_looked_up(own, parents) or own
    if not judged:
        return AxisVerdict(verdict=profile.word(axis, 0), level=0, evidence=list(own.evidence),
                           findings=list(own.findings), reasons=[
            f"level 0: {profile.word(axis, 0)}: no parent could be judged, and {reason}", own_note])
    if len(judged) == 1:
        inherited = _inherit(axis, own, judged)
        if inherited is not None:
            return inherited.model_copy(update={"reasons": [*inherited.reasons[:-1], own_note]})
    joined = _join(rubric, profile, axis, None, judged)
    headline = f"inherited from its parents: {joined.reasons[0]}"
    return joined.model_copy(update={"reasons": [headline, *joined.reasons[1:], own_note],
                                     "evidence": list(own.evidence)})


def _cap_unresolved(rubric: Rubric, profile: Profile, axis: AxisName, verdict: AxisVerdict,
                    parents: list[ParentOutcome], rule: str) -> AxisVerdict:
    blocked = [p for p in parents if _blocks(p, axis)]
    cap = rubric.lineage.unresolved_cap
    if not blocked or verdict.level is None:
        return verdict
    why = "; ".join(f"{p.parent.repo_id} {p.reason or 'was not fully judged (see its lineage)'}" for p in blocked)
    if rule not in rubric.lineage.unresolved_cap_on:
        # Judged on the model's own evidence; say what could not be checked up the chain.
        note = f"a parent could not be judged, so its licence was not checked ({why})"
        return verdict.model_copy(update={"reasons": [*verdict.reasons, note]})
    if verdict.level <= cap:
        return _below_cap(profile, axis, verdict, blocked, cap, why)
    reasons = [f"level {cap}: at most {profile.word(axis, cap)}, because a parent could not be judged ({why})",
               *verdict.reasons]
    return AxisVerdict(verdict=profile.word(axis, cap), level=cap, reasons=reasons, evidence=list(verdict.evidence),
                       findings=list(verdict.findings))


def _below_cap(profile: Profile, axis: AxisName, verdict: AxisVerdict, blocked: list[ParentOutcome],
               cap: int, why: str) -> AxisVerdict:
    """A joined verdict already at or below the cap: said, never left silent. When the
    parent could not be looked at and the verdict's word is below the cap's, the join
    could come out either way (closed with a closed parent, partial with any other):
    unknown, with the reason. A parent that is not there (a real answer) leaves the own
    stage's verdict, with the reason."""
    word = profile.word(axis, cap)
    if any(p.unknown for p in blocked) and verdict.verdict != word:
        return AxisVerdict(verdict="unknown", level=None, evidence=list(verdict.evidence),
                           findings=list(verdict.findings), reasons=[
            f"unknown: {verdict.verdict} or {word} depending on a parent that {why}", *verdict.reasons])
    note = f"a parent could not be judged, so this is at most {word} ({why})"
    return verdict.model_copy(update={"reasons": [*verdict.reasons, note]})


def _blocks(outcome: ParentOutcome, axis: AxisName) -> bool:
    """A parent that was not resolved, was not judged on `axis`, or has an unresolved ancestor."""
    card = outcome.card
    if not outcome.resolved or card is None:
        return True
    verdict = card.axes.get(axis)
    return verdict is None or verdict.level is None or any(e.status != "scored" for e in card.lineage)


def _with_parent_evidence(verdict: AxisVerdict, axis: AxisName, parents: list[ParentOutcome]) -> AxisVerdict:
    items = list(verdict.evidence)
    for outcome in parents:
        name = f"parent {outcome.parent.repo_id}"
        strength = outcome.parent.strength
        if outcome.resolved and outcome.card and axis in outcome.card.axes:
            theirs = outcome.card.axes[axis]
            detail = f"{outcome.parent.relation} parent: {axis} {theirs.verdict} ({_headline(theirs)})"
        else:
            detail = f"{outcome.parent.relation} parent could not be judged: {outcome.reason}"
        items.append(Evidence(signal="lineage.parent", source=name, detail=detail, strength=strength))
    return verdict.model_copy(update={"evidence": items})


def _headline(verdict: AxisVerdict) -> str:
    first = verdict.reasons[0] if verdict.reasons else verdict.verdict
    return first
