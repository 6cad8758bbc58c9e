"""`openness explain`: the path from each piece of evidence to each level, for checking by hand.

For every axis: the levels the rubric tried, from 4 down to the one reached; under each,
its conditions (met or not), the signal value each tested, and the evidence items that
signal was computed from; then the word the profile gives the level, and, for a derived
model, how the parents changed it. Pure: a Trace in, text out.

The text is for a terminal: card and Hub text in it (ids, licence names, evidence,
signal values, reasons) passes through `terminal_line`, one line each, and the whole
page through `for_terminal`.
"""
from __future__ import annotations

from typing import Any

from openness.evidence.signals import FED_BY
from openness.assess import Trace
from openness.models import AXES, AxisName, AxisVerdict, DimensionResult, Evidence, Finding, RubricResult
from openness.render.text import for_terminal, terminal_line
from openness.render.rows import dimension_label
from openness.rubric.schema import Framework, Rubric

_MARK = {"met": "met    ", "not_met": "NOT met", "unknown": "unknown", "not_applicable": "n/a    "}


def render_explain(trace: Trace, rubric: Rubric, profile: str, frameworks: tuple[Framework, ...] = ()) -> str:
    """The whole explanation of one model, as plain text; with `frameworks`, each one's
    criteria too (the model's results under them are on the trace's card)."""
    card = trace.card
    if card.status != "scored":
        why = card.error.message if card.error else "unknown error"
        return for_terminal(f"{terminal_line(card.repo_id)}: could not be scored: {terminal_line(why)}\n")
    title = f"{terminal_line(card.repo_id)} @ {terminal_line((card.revision or '?')[:12])}"
    head = [f"{title}: how each verdict was reached "
            f"(rubric {rubric.id} {rubric.version}, profile {profile})",
            "Each axis tries the levels from 4 down; the first level whose conditions all hold is the",
            "level reached. Under each condition: the signal it tests, its value, and the evidence",
            "items (where they were found) that the value was computed from.", ""]
    if card.license:
        head.insert(1, f"licence: {terminal_line(card.license.label)} "
                       f"(class {card.license.license_class}: {terminal_line(card.license.class_title)})")
    body = [line for axis in AXES for line in _axis(trace, rubric, profile, axis)]
    body += [line for framework in frameworks if framework.id in card.results
             for line in _framework(trace, framework, card.results[framework.id])]
    return for_terminal("\n".join(head + body) + "\n")


def _framework(trace: Trace, framework: Framework, result: RubricResult) -> list[str]:
    """A framework's dimensions: the level reached, progress per level, then every
    criterion with its outcome, the value tested, its source and the evidence behind it."""
    dated = f", {framework.date}" if framework.date else ""
    lines = ["", f"=== {framework.id}: {terminal_line(framework.title)} {framework.version} ===",
             f"source: {terminal_line(framework.source)}{dated}"]
    if result.outcome is not None:
        lines.append(f"outcome: {result.outcome.column} = {result.outcome.value}")
    shown: set[int] = set()
    for name, found in result.dimensions.items():
        dimension = framework.dimensions[name]
        lines += ["", f"== {name}: {terminal_line(dimension_label(result, name))} ==", f"  {terminal_line(dimension.question)}"]
        lines += [f"  {terminal_line(reason)}" for reason in found.reasons]
        if found.progress:
            lines.append("  progress: " + ", ".join(f"{p.label} {p.met}/{p.total}" for p in found.progress))
        if found.next_level:
            lines.append(f"  to reach {found.next_level}: " + ", ".join(found.next_needs))
        for finding in found.findings:
            lines += _framework_finding(trace, framework, finding, shown,
                                        reported_only=finding.condition in dimension.informs)
    return lines


def _framework_finding(trace: Trace, framework: Framework, finding: Finding, shown: set[int],
                       reported_only: bool) -> list[str]:
    condition = framework.conditions[finding.condition]
    note = " (reported, decides no level)" if reported_only else ""
    lines = [f"    {_MARK[finding.outcome]}  {finding.condition}{note}: {condition.signal} = "
             f"{_show(finding.value) if finding.value is not None else 'not known'} (needs {condition.test_text})"]
    if finding.outcome != "met":
        lines.append(f"            because: {terminal_line(finding.message)}")
        if finding.remediation:
            lines.append(f"            to change it: {terminal_line(finding.remediation)}")
    if condition.source:
        lines.append(f"            source: {terminal_line(condition.source)}")
    for index, item in enumerate(trace.evidence):
        if _feeds(item, condition.signal) and index not in shown:
            shown.add(index)
            lines.append(f"            <- [{item.strength}] {terminal_line(item.source)}: {terminal_line(item.detail)}")
    return lines


def _axis(trace: Trace, rubric: Rubric, profile: str, name: AxisName) -> list[str]:
    axis, own, final = rubric.axes[name], trace.own.get(name), trace.card.axes.get(name)
    if own is None or final is None:
        return []
    lines = [f"== {name}: {final.verdict} (level {_score(final)} of 4) =="]
    if own.level is None:
        return [*lines, f"  not judged: {terminal_line(own.reasons[0])}", ""]
    shown: set[int] = set()
    for level in axis.levels:
        if level.level < own.level:
            break
        reached = level.level == own.level
        verdict = "reached: every condition holds" if reached else "not reached"
        lines.append(f"  level {level.level}: {verdict}")
        if not level.requires:
            lines.append("    (needs nothing: the floor)")
        for condition_name in level.requires:
            lines += _condition(rubric, _finding(own, condition_name), trace, shown)
    not_higher = _not_higher(axis.levels, own)
    if not_higher:
        lines.append(f"  not level {own.level + 1}: {terminal_line(not_higher.message)}")
    # The word the verdict got: the profile's word for the level, unless one of the
    # profile's `open_requires` conditions kept it partial (said in a remark below).
    lines.append(f"  word: level {own.level} is '{own.verdict}' under profile {profile}")
    lines += [f"  remark: {terminal_line(r)}" for r in own.reasons[1:] if not r.startswith("not level")]
    lines += _lineage(own, final)
    lines += _unused(trace.evidence, axis.evidence_from, shown)
    return [*lines, ""]


def _finding(verdict: AxisVerdict, name: str) -> Finding:
    """The verdict's finding on one condition (every condition of the axis has one)."""
    return next(f for f in verdict.findings if f.condition == name)


def _not_higher(levels: list[Any], own: AxisVerdict) -> Finding | None:
    """The first condition of the level above the one reached that was not met."""
    above = next((lv for lv in levels if lv.level == (own.level or 0) + 1), None)
    if above is None:
        return None
    return next((f for c in above.requires if (f := _finding(own, c)).outcome != "met"), None)


def _condition(rubric: Rubric, finding: Finding, trace: Trace, shown: set[int]) -> list[str]:
    condition = rubric.conditions[finding.condition]
    value = "(not produced)" if finding.value is None else finding.value
    lines = [f"    {_MARK[finding.outcome]} {finding.condition}: {condition.signal} = {_show(value)} "
             f"(needs {condition.test_text})"]
    if finding.outcome != "met":
        lines.append(f"            because {terminal_line(finding.message)}")
    if finding.remediation and finding.outcome in ("not_met", "unknown"):
        lines.append(f"            to change it: {terminal_line(finding.remediation)}")
    fed = [i for i, item in enumerate(trace.evidence) if _feeds(item, condition.signal)]
    for index in fed:
        if index not in shown:
            shown.add(index)
            item = trace.evidence[index]
            lines.append(f"            <- [{item.strength}] {terminal_line(item.source)}: {terminal_line(item.detail)}")
    if fed and all(i in shown for i in fed) and not lines[-1].startswith("            <-"):
        lines.append("            <- (its evidence is listed above)")
    return lines


def _feeds(item: Evidence, signal: str) -> bool:
    return any(item.signal == f or (f.endswith(".") and item.signal.startswith(f)) for f in FED_BY.get(signal, (signal,)))


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return terminal_line(str(value))


def _score(verdict: AxisVerdict) -> str:
    return "?" if verdict.level is None else str(verdict.level)


def _lineage(own: AxisVerdict, final: AxisVerdict) -> list[str]:
    if (own.level, own.verdict) == (final.level, final.verdict) and own.reasons == final.reasons:
        return []
    lines = [f"  lineage: the model's own card gives level {_score(own)} ({own.verdict}); "
             f"with its parents the verdict is level {_score(final)} ({final.verdict}):"]
    return lines + [f"    - {terminal_line(reason)}" for reason in final.reasons]


def _unused(evidence: tuple[Evidence, ...], prefixes: list[str], shown: set[int]) -> list[str]:
    """Evidence of this axis that fed no condition shown above (named frameworks, set-aside links)."""
    rest = [e for i, e in enumerate(evidence) if i not in shown
            and any(e.signal == p or (p.endswith(".") and e.signal.startswith(p)) for p in prefixes)]
    if not rest:
        return []
    return ["  also read (fed no condition above):"] + [
        f"    - [{e.strength}] {terminal_line(e.source)}: {terminal_line(e.detail)}" for e in rest]


EXPLAIN_SCHEMA_VERSION = 2
"""2: each axis says `verdict` for the word and `level` for the number (1 said `level` and `score`)."""


def explain_document(trace: Trace, rubric: Rubric, profile: str, frameworks: tuple[Framework, ...] = ()) -> dict[str, Any]:
    """What the text of `explain` says, as plain data (`openness explain --format json`).

    `model` is the model's entry as in the report JSON. `evidence` lists every evidence
    item of the model's own card once; conditions refer to the items that fed them by
    their index in it. Per axis: the levels tried from 4 down to the one reached, each
    condition with the signal value it tested, the reason the level above was not
    reached, the word, the remarks, and whether the parents changed the verdict.
    """
    from openness.version import __version__
    from openness.render.json import model_entry

    card = trace.card
    axes: dict[str, Any] = {}
    if card.status == "scored":
        for name in AXES:
            own, final = trace.own.get(name), card.axes.get(name)
            if own is not None and final is not None:
                axes[name] = _axis_data(trace, rubric, name, own, final)
    return {
        "schema_version": EXPLAIN_SCHEMA_VERSION,
        "tool": {"name": "openness", "version": __version__},
        "rubric": {"id": rubric.id, "version": rubric.version, "profile": profile},
        "model": model_entry(card),
        "evidence": [e.model_dump(include={"signal", "source", "detail", "strength"}) for e in trace.evidence]
        if card.status == "scored" else [],
        "axes": axes,
        **({"frameworks": {f.id: _framework_data(trace, f, card.results[f.id]) for f in frameworks
                           if f.id in card.results}} if frameworks and card.status == "scored" else {}),
    }


def _framework_data(trace: Trace, framework: Framework, result: RubricResult) -> dict[str, Any]:
    """A framework's result, each criterion with its source and the evidence it rests on."""
    return {"title": framework.title, "version": framework.version, "date": framework.date,
            "source": framework.source,
            "outcome": result.outcome.model_dump() if result.outcome else None,
            "dimensions": {name: _dimension_data(trace, framework, found) for name, found in result.dimensions.items()}}


def _dimension_data(trace: Trace, framework: Framework, found: DimensionResult) -> dict[str, Any]:
    conditions = []
    for finding in found.findings:
        condition = framework.conditions[finding.condition]
        conditions.append({"name": finding.condition, "signal": condition.signal, "value": finding.value,
                           "needs": condition.test_text, "outcome": finding.outcome,
                           "because": None if finding.outcome == "met" else finding.message,
                           "remediation": finding.remediation, "source": condition.source,
                           "evidence": [i for i, item in enumerate(trace.evidence) if _feeds(item, condition.signal)]})
    return {"verdict": found.verdict, "rank": found.rank, "reasons": list(found.reasons),
            "progress": [p.model_dump() for p in found.progress], "next_level": found.next_level,
            "next_needs": list(found.next_needs), "conditions": conditions}


def render_explain_json(trace: Trace, rubric: Rubric, profile: str, frameworks: tuple[Framework, ...] = ()) -> str:
    """`explain_document` as indented JSON, one document ending with a newline; text kept
    as the card gave it (a lone surrogate as its escape), as the report JSON does."""
    import json

    from openness.render.text import SURROGATE

    text = json.dumps(explain_document(trace, rubric, profile, frameworks), indent=2, ensure_ascii=False, default=str)
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _axis_data(trace: Trace, rubric: Rubric, name: AxisName, own: AxisVerdict, final: AxisVerdict) -> dict[str, Any]:
    axis = rubric.axes[name]
    data: dict[str, Any] = {"verdict": final.verdict, "level": final.level,
                            "own": {"verdict": own.verdict, "level": own.level}}
    if own.level is None:
        return {**data, "not_judged": own.reasons[0], "levels": [], "not_higher": None,
                "remarks": [], "changed_by_parents": False}
    used: set[int] = set()
    levels = []
    for level in axis.levels:
        if level.level < own.level:
            break
        levels.append({"level": level.level, "reached": level.level == own.level,
                       "conditions": [_condition_data(rubric, _finding(own, c), trace, used) for c in level.requires]})
    not_higher = _not_higher(axis.levels, own)
    changed = (own.level, own.verdict, own.reasons) != (final.level, final.verdict, final.reasons)
    return {**data, "levels": levels,
            "not_higher": not_higher.message if not_higher else None,
            "remarks": [r for r in own.reasons[1:] if not r.startswith("not level")],
            "changed_by_parents": changed, **({"final_reasons": list(final.reasons)} if changed else {}),
            "also_read": [i for i, e in enumerate(trace.evidence) if i not in used
                          and any(e.signal == p or (p.endswith(".") and e.signal.startswith(p))
                                  for p in axis.evidence_from)]}


def _condition_data(rubric: Rubric, finding: Finding, trace: Trace, used: set[int]) -> dict[str, Any]:
    condition = rubric.conditions[finding.condition]
    met = finding.outcome == "met"
    fed = [i for i, item in enumerate(trace.evidence) if _feeds(item, condition.signal)]
    used.update(fed)
    return {"name": finding.condition, "signal": condition.signal, "value": trace.signals.get(condition.signal),
            "needs": condition.test_text, "met": met, "outcome": finding.outcome,
            "because": None if met else finding.message, "remediation": finding.remediation, "evidence": fed}
