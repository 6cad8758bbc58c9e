"""The rubrics as documents, generated from their files: `openness rubric list | show | docs`.

Pure: rubric data in, text out. The openness rubric (axes with levels 4..0 and profiles)
and the rubrics with dimensions of their own share one shape here: dimensions with
levels from the best down, each level naming its conditions, each condition its test,
why it matters and what a publisher can do.
"""
from __future__ import annotations

from dataclasses import dataclass

from openness.rubric.schema import Condition, Framework, Outcome, Rubric


@dataclass(frozen=True)
class _Level:
    label: str
    requires: list[str]
    summary: str


@dataclass(frozen=True)
class _Dimension:
    name: str
    title: str
    question: str
    levels: list[_Level]
    informs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RubricView:
    """What the documents say of one rubric."""

    id: str
    version: str
    title: str
    source: str
    description: str
    dimensions: list[_Dimension]
    conditions: dict[str, Condition]
    profiles: dict[str, str]
    date: str = ""
    outcome: Outcome | None = None


def openness_view(rubric: Rubric) -> RubricView:
    """The openness rubric: its axes as dimensions, levels labelled `level N`."""
    dims = [_Dimension(name, axis.title, axis.question,
                       [_Level(f"level {lv.level}", lv.requires, lv.summary) for lv in axis.levels])
            for name, axis in rubric.axes.items()]
    return RubricView(rubric.id, rubric.version, "Openness: weights, training data, training code",
                      "RUBRIC.md of the design notes (rubrics/openness.yaml)", rubric.notes.strip(), dims,
                      rubric.conditions, {name: p.description for name, p in rubric.profiles.items()})


def framework_view(framework: Framework) -> RubricView:
    dims = [_Dimension(name, dim.title, dim.question, [_Level(lv.label, lv.requires, lv.summary) for lv in dim.levels],
                       tuple(dim.informs))
            for name, dim in framework.dimensions.items()]
    return RubricView(framework.id, framework.version, framework.title, framework.source,
                      framework.description.strip(), dims, framework.conditions, {},
                      date=framework.date, outcome=framework.outcome)


def rubric_list(views: list[RubricView]) -> str:
    """One line per rubric: id, version, title and its dimensions."""
    width = max(len(v.id) for v in views)
    return "".join(f"{v.id:<{width}}  {v.version:<8}  {v.title} ({', '.join(d.name for d in v.dimensions)})\n"
                   for v in views)


def rubric_text(view: RubricView) -> str:
    """One rubric for reading at a terminal: dimensions, levels, conditions."""
    lines = [f"{view.id} {view.version}: {view.title}", f"source: {view.source}" + (f" ({view.date})" if view.date else "")]
    if view.description:
        lines += ["", view.description]
    for dim in view.dimensions:
        lines += ["", f"== {dim.name}: {dim.title} ==", dim.question]
        for level in dim.levels:
            needs = ", ".join(level.requires) if level.requires else "nothing (the floor)"
            lines.append(f"  {level.label}: needs {needs}")
        if dim.informs:
            lines.append(f"  also reported, deciding no level: {', '.join(dim.informs)}")
    if view.outcome:
        codes = ", ".join(f"{code} ({label})" for label, code in view.outcome.codes.items())
        lines += ["", f"outcome: CSV column {view.outcome.column}, from {view.outcome.dimension}: "
                      f"{codes}, {view.outcome.unknown} (could not tell)"]
    lines += ["", "conditions:"]
    for name in _used(view):
        condition = view.conditions[name]
        lines.append(f"  {name}: {condition.signal} {condition.test_text}")
        lines += [f"    why: {condition.why}"] if condition.why else []
        lines += [f"    to meet it: {condition.remediation}"] if condition.remediation else []
        lines += [f"    source: {condition.source}"] if condition.source else []
    if view.profiles:
        lines += ["", "profiles:"] + [f"  {name}: {text}" for name, text in view.profiles.items()]
    return "\n".join(lines) + "\n"


def rubrics_markdown(views: list[RubricView]) -> str:
    """Every rubric as one markdown document (what rubrics/README.md holds)."""
    out = ["# Rubrics", "",
           "Generated from the rubric files in this folder by `openness rubric docs`; edit the",
           "YAML, not this page. Each dimension tries its levels from the first down and takes",
           "the first whose conditions all hold. A condition that cannot be tested is unknown,",
           "never met.", ""]
    for view in views:
        dated = f" ({view.date})" if view.date else ""
        out += [f"## {view.title} (`{view.id}` {view.version})", "", f"Source: {view.source}{dated}", ""]
        if view.description:
            out += [view.description, ""]
        for dim in view.dimensions:
            out += [f"### {dim.name}: {dim.title}", "", dim.question, "", "| level | needs |", "|---|---|"]
            out += [f"| {level.label} | {', '.join(f'`{c}`' for c in level.requires) or 'nothing (the floor)'} |"
                    for level in dim.levels]
            out.append("")
            if dim.informs:
                out += [f"Also reported, deciding no level: {', '.join(f'`{c}`' for c in dim.informs)}.", ""]
        if view.outcome:
            out += [f"Outcome, CSV column `{view.outcome.column}` (from `{view.outcome.dimension}`): "
                    + ", ".join(f"`{code}` ({_cell(label)})" for label, code in view.outcome.codes.items())
                    + f", `{view.outcome.unknown}` when the tool could not tell.", ""]
        sourced = any(view.conditions[name].source for name in _used(view))
        out += ["### Conditions", "", "| condition | test | why | to meet it |" + (" source |" if sourced else ""),
                "|---|---|---|---|" + ("---|" if sourced else "")]
        out += [f"| `{name}` | `{view.conditions[name].signal}` {_cell(view.conditions[name].test_text)} | "
                f"{_cell(view.conditions[name].why or '')} | {_cell(view.conditions[name].remediation or '')} |"
                + (f" {_cell(view.conditions[name].source or '')} |" if sourced else "")
                for name in _used(view)]
        out.append("")
        if view.profiles:
            out += ["### Profiles", ""] + [f"- `{name}`: {text}" for name, text in view.profiles.items()] + [""]
    return "\n".join(out).rstrip() + "\n"


def _used(view: RubricView) -> list[str]:
    """Every condition of the rubric: those its levels name first, in order, then the rest."""
    named = [c for dim in view.dimensions for level in dim.levels for c in level.requires]
    named += [c for dim in view.dimensions for c in dim.informs]
    return list(dict.fromkeys([*named, *view.conditions]))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
