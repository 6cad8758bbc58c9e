"""Pydantic shapes of the rubric files in rubrics/: the openness rubric and the rubrics with
dimensions of their own. The licence and vocabulary shapes are in openness.evidence.terms."""
from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from openness.models import AXES, AxisName, Word

from openness.evidence.terms import LicenceClass


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---- openness.yaml ---------------------------------------------------------------------

class Condition(_Data):
    """A test of one signal: `min` / `max` (a number at least / at most), `in` (one of), or `is` (equal)."""

    signal: str
    min: int | None = None
    max: int | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    is_: bool | str | None = Field(default=None, alias="is")
    unmet: str
    """The reason shown when the test fails; braces are filled from the signals."""
    met: str | None = None
    """The remark shown when the test holds, for conditions used as axis remarks."""
    why: str | None = None
    """Why the condition matters: the rubric's reason for it, with its source."""
    remediation: str | None = None
    """What a publisher can do when it is not met (none for a condition that only informs)."""
    source: str | None = None
    """Where a framework's text sets this criterion (article, section, URL), for readers to check."""
    unknown: str | None = None
    """The reason shown when the signal has no value (braces filled), instead of the generic one."""
    unknown_if: list[str] | None = None
    """Values of the signal that say the fact could not be told (licence class F: terms not
    known), found unknown rather than not met."""

    @property
    def test_text(self) -> str:
        """The test in words: `at least 1`, `at most 10^25`, `one of A, B`, `yes`."""
        if self.min is not None:
            return f"at least {_number(self.min)}"
        if self.max is not None:
            return f"at most {_number(self.max)}"
        if self.in_ is not None:
            unknown = f" ({' or '.join(self.unknown_if)}: cannot tell)" if self.unknown_if else ""
            return "one of " + ", ".join(self.in_) + unknown
        if isinstance(self.is_, bool):
            return "yes" if self.is_ else "no"
        return str(self.is_)

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        tests = [t for t in (self.min, self.max, self.in_, self.is_) if t is not None]
        if len(tests) != 1:
            raise ValueError(f"condition on {self.signal} needs exactly one of min, max, in, is")
        return self


def _number(value: int) -> str:
    """A threshold as people write it: 10^25 rather than twenty-six digits."""
    power = len(str(value)) - 1
    return f"10^{power}" if value >= 10**6 and value == 10**power else str(value)


class Level(_Data):
    """One level of an axis: the conditions that earn it and how to say it."""

    level: int = Field(ge=0, le=4)
    summary: str
    requires: list[str]


class Axis(_Data):
    """One axis: its question, what it needs to be judged at all, its levels from 4 down."""

    title: str
    question: str
    needs: list[Literal["card"]]
    """Inputs without which the axis is unknown (could not look)."""
    evidence_from: list[str]
    """Signal names or prefixes (ending in '.') whose evidence this axis shows."""
    levels: list[Level]
    remarks: list[str] = Field(default_factory=list)
    """Conditions whose `met` text is added to the reasons whenever they hold."""

    @field_validator("levels")
    @classmethod
    def _four_down_to_zero(cls, levels: list[Level]) -> list[Level]:
        if [lv.level for lv in levels] != [4, 3, 2, 1, 0]:
            raise ValueError("levels must be listed 4, 3, 2, 1, 0")
        if levels[-1].requires:
            raise ValueError("level 0 must require nothing")
        return levels


class Profile(_Data):
    """Which word each level gets, and what an axis must also meet to be called open."""

    description: str
    words: dict[AxisName, dict[Word, list[int]]]
    open_requires: dict[AxisName, list[str]] = Field(default_factory=dict)

    @field_validator("words")
    @classmethod
    def _every_level_once(cls, words: dict[AxisName, dict[Word, list[int]]]) -> Any:
        for axis in AXES:
            levels = sorted(lv for group in words.get(axis, {}).values() for lv in group)
            if levels != [0, 1, 2, 3, 4]:
                raise ValueError(f"profile words for {axis} must name each level 0-4 once")
        return words

    def word(self, axis: AxisName, level: int) -> Word:
        """The word this profile gives `level` on `axis`."""
        for word, levels in self.words[axis].items():
            if level in levels:
                return word
        raise AssertionError("validated: every level has a word")


class OwnStageRule(_Data):
    """An own-stage level that counts as complete for the join when the model is derived."""

    relations: list[str]
    """Applies when every parent has one of these relations and one was resolved."""
    axis: AxisName
    level: int = Field(ge=0, le=4)
    """The own level it applies to."""
    requires: list[str]
    """Conditions the model's own signals must meet."""
    becomes: int = Field(ge=0, le=4)
    """The own level taken into the join instead."""
    reason: str


class WeightEditRule(_Data):
    """A model made by editing its parents' weights without training."""

    relations: list[str]
    """Relations that are edits by nature (a merge)."""
    when_any: list[str]
    """Conditions on the model's own signals, any of which marks an edit (abliteration)."""
    axes: list[AxisName]
    """Axes with no own stage: they come from the parents alone."""
    reason: str


class LineageRules(_Data):
    """How a derived model's verdicts combine with its parents'."""

    max_depth: int = Field(ge=1, le=100)
    join_level: int = Field(ge=0, le=4)
    """The level given when own and parent words differ (RUBRIC.md: partial)."""
    unresolved_cap: int = Field(ge=0, le=4)
    """The highest level an axis keeps when a parent cannot be resolved."""
    unresolved_cap_on: list[Literal["own", "parent", "join"]]
    """The rules whose axes take that cap: those that need the parent's verdict."""
    licence_flows_down: list[LicenceClass]
    """Parent licence classes that bind the child; a parent of another class is not binding."""
    relations: dict[str, dict[AxisName, Literal["own", "parent", "join"]]]
    own_stage_complete: list[OwnStageRule] = Field(default_factory=list)
    weight_edit: WeightEditRule | None = None


class Rubric(_Data):
    """The whole rubric file."""

    id: str
    version: str
    notes: str = ""
    axes: dict[AxisName, Axis]
    conditions: dict[str, Condition]
    profiles: dict[str, Profile]
    lineage: LineageRules

    @model_validator(mode="after")
    def _references_resolve(self) -> "Rubric":
        if set(self.axes) != set(AXES):
            raise ValueError(f"the rubric must define exactly the axes {', '.join(AXES)}")
        named = [c for ax in self.axes.values() for lv in ax.levels for c in lv.requires]
        named += [c for ax in self.axes.values() for c in ax.remarks]
        named += [c for p in self.profiles.values() for cs in p.open_requires.values() for c in cs]
        named += [c for rule in self.lineage.own_stage_complete for c in rule.requires]
        named += self.lineage.weight_edit.when_any if self.lineage.weight_edit else []
        missing = sorted(set(named) - set(self.conditions))
        if missing:
            raise ValueError(f"levels or profiles name undefined conditions: {', '.join(missing)}")
        silent = sorted(c for ax in self.axes.values() for c in ax.remarks if not self.conditions[c].met)
        if silent:
            raise ValueError(f"remarks need a `met` text: {', '.join(silent)}")
        if "default" not in self.profiles:
            raise ValueError("the rubric needs a 'default' profile")
        return self


# ---- other rubrics: frameworks with dimensions of their own ------------------------------

class DimensionLevel(_Data):
    """One labelled level of a dimension: the conditions that earn it and how to say it."""

    label: str
    """What the level is called ("Class II", "exemption likely", "Open Weights")."""
    requires: list[str]
    summary: str = ""
    """Said with the label when it is reached; braces are filled from the signals."""


class Dimension(_Data):
    """One question a framework asks of a model, with its levels from the best down."""

    title: str
    question: str
    levels: list[DimensionLevel]
    """Tried in order; the first whose conditions all hold is the result. The last needs nothing."""
    informs: list[str] = Field(default_factory=list)
    """Conditions tested and reported as findings that decide no level (duties that apply
    whatever the outcome, facts a card cannot show)."""

    @field_validator("levels")
    @classmethod
    def _ends_with_a_floor(cls, levels: list[DimensionLevel]) -> list[DimensionLevel]:
        if not levels or levels[-1].requires:
            raise ValueError("the last level must require nothing (the floor every model reaches)")
        if len({lv.label for lv in levels}) != len(levels):
            raise ValueError("level labels must differ")
        return levels


class Outcome(_Data):
    """The one dimension that answers the framework's question, as a stable code for
    scripts: the CSV column `column` and the result's `outcome`."""

    dimension: str
    column: str
    """The CSV column, named after the framework (`mof`, `eu_ai_act`)."""
    codes: dict[str, str]
    """Each level's label -> its code (`Class II` -> `II`); every label has one."""
    unknown: str = "unknown"
    """The code when the tool could not tell."""

    @field_validator("column")
    @classmethod
    def _a_plain_column(cls, column: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", column):
            raise ValueError("the outcome column must be lower-case letters, digits or '_'")
        return column


class Inheritance(_Data):
    """Signals a derived model takes from its parents' results under the same rubric: the
    largest of its own value and theirs (a fine-tune's training compute is at least its
    base's). A signal `<name>_as` beside one taken says where it came from."""

    relations: list[str]
    """Applies when every parent has one of these relations (a fine-tune, not a merge)."""
    signals: list[str]
    reason: str


class Framework(_Data):
    """A rubric file with dimensions of its own (a framework people already use), judged
    from the same signals as the openness axes, and from the openness verdicts themselves
    (`openness.<axis>.verdict` for the word, `openness.<axis>.level` for the number, after lineage)."""

    id: str
    version: str
    title: str
    source: str
    """Where the framework is defined (a URL or a document), for readers to check."""
    description: str = ""
    date: str = ""
    """The date of the framework's text this file follows (a framework changes: cite which)."""
    dimensions: dict[str, Dimension]
    conditions: dict[str, Condition]
    outcome: Outcome | None = None
    inherits: Inheritance | None = None

    @model_validator(mode="after")
    def _references_resolve(self) -> "Framework":
        named = {c for dim in self.dimensions.values() for lv in dim.levels for c in lv.requires}
        named |= {c for dim in self.dimensions.values() for c in dim.informs}
        missing = sorted(named - set(self.conditions))
        if missing:
            raise ValueError(f"levels name undefined conditions: {', '.join(missing)}")
        if self.outcome is not None:
            dimension = self.dimensions.get(self.outcome.dimension)
            if dimension is None:
                raise ValueError(f"the outcome names no dimension of this rubric: {self.outcome.dimension!r}")
            labels = {lv.label for lv in dimension.levels}
            if set(self.outcome.codes) != labels:
                raise ValueError(f"the outcome needs a code for each label of {self.outcome.dimension}, and no other: "
                                 f"{', '.join(sorted(labels ^ set(self.outcome.codes)))}")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.id):
            raise ValueError("id must be lower-case letters, digits, '-' or '_'")
        return self
