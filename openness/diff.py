"""`openness diff`: what changed between two reports, model by model. Pure: two reports in,
changes out, and the three ways to show them (text, markdown, JSON).

Models are paired by id (in any letter case); a model in one report only is `added` or
`removed`. For a pair: the licence (always shown; a new text behind the same id counts,
as its hash changed), each axis's verdict and level and the evidence items added or
removed, each framework's outcome code, the gate, and a change of status (scored, error).
The commit scored is context, not a change: two revisions of one model always differ in it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from openness.models import AXES, Evidence, LicenseVerdict, ReportData, Scorecard
from openness.render.text import gate_words, markdown_cell, terminal_line

DIFF_VERSION = 1
"""The version of `openness diff --format json` documents (README: `openness diff`)."""

Change = Literal["changed", "same", "added", "removed"]

# A line number in an evidence source ("README.md line 12") moves with any edit above it:
# an item that only moved is the same item.
_LINE_NUMBER = re.compile(r"\bline \d+\b")


def _evidence_key(item: Evidence) -> tuple[str, str, str, str]:
    return item.signal, _LINE_NUMBER.sub("line N", item.source), item.detail, item.strength


@dataclass(frozen=True)
class AxisChange:
    """One axis before and after: verdict, level, and the evidence that came and went."""

    axis: str
    old_verdict: str | None
    old_level: int | None
    new_verdict: str | None
    new_level: int | None
    added: tuple[Evidence, ...] = ()
    removed: tuple[Evidence, ...] = ()

    @property
    def changed(self) -> bool:
        return (self.old_verdict, self.old_level) != (self.new_verdict, self.new_level) or bool(self.added or self.removed)


@dataclass(frozen=True)
class LicenceChange:
    """The licence before and after; either side None for a model not scored there."""

    old: LicenseVerdict | None
    new: LicenseVerdict | None

    @property
    def text_changed(self) -> bool:
        """The licence file changed: another file, a file added or removed, or both hashes
        known and different. A hash not known on one side (unreadable) is no change."""
        old, new = self.old, self.new
        if old is None or new is None:
            return False
        if old.text_file != new.text_file:
            return True
        return old.text_sha256 is not None and new.text_sha256 is not None and old.text_sha256 != new.text_sha256

    @property
    def terms_changed(self) -> bool:
        """What the card declares, or how it is classified, changed."""
        if self.old is None or self.new is None:
            return False
        fields = ("id", "name", "link", "label", "license_class", "flags")
        return any(getattr(self.old, f) != getattr(self.new, f) for f in fields)

    @property
    def changed(self) -> bool:
        return self.terms_changed or self.text_changed


@dataclass(frozen=True)
class FrameworkChange:
    """A framework's outcome code (mof `II`, eu_ai_act `likely`) before and after."""

    rubric: str
    old: str | None
    new: str | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class ModelDiff:
    """One model across the two reports."""

    repo_id: str
    old: Scorecard | None
    new: Scorecard | None
    licence: LicenceChange
    axes: tuple[AxisChange, ...] = ()
    frameworks: tuple[FrameworkChange, ...] = ()

    @property
    def status_changed(self) -> bool:
        old, new = self.old, self.new
        if old is None or new is None:
            return False
        kind = lambda card: card.error.kind if card.error else None  # noqa: E731
        return (old.status, kind(old)) != (new.status, kind(new))

    @property
    def gate_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.gated != self.new.gated

    @property
    def change(self) -> Change:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        parts = [self.status_changed, self.gate_changed, self.licence.changed,
                 *(a.changed for a in self.axes), *(f.changed for f in self.frameworks)]
        return "changed" if any(parts) else "same"


@dataclass(frozen=True)
class ReportDiff:
    """Every model of two reports, paired; `old_name` and `new_name` say what was compared."""

    old_name: str
    new_name: str
    old: ReportData
    new: ReportData
    models: tuple[ModelDiff, ...]

    @property
    def changed(self) -> bool:
        return any(m.change != "same" for m in self.models)

    def counts(self) -> dict[Change, int]:
        found = Counter(m.change for m in self.models)
        return {kind: found.get(kind, 0) for kind in ("changed", "same", "added", "removed")}


def diff_reports(old: ReportData, new: ReportData, old_name: str = "old", new_name: str = "new") -> ReportDiff:
    """What changed from `old` to `new`, model by model, in the order of `old` then the models
    only `new` has. A model twice in a report (two revisions) is paired in order."""
    pending: dict[str, list[Scorecard]] = {}
    for card in new.scorecards:
        pending.setdefault(card.repo_id.lower(), []).append(card)
    models = []
    for card in old.scorecards:
        same = pending.get(card.repo_id.lower())
        models.append(diff_cards(card, same.pop(0) if same else None))
    models += [diff_cards(None, card) for cards in pending.values() for card in cards]
    return ReportDiff(old_name, new_name, old, new, tuple(models))


def diff_cards(old: Scorecard | None, new: Scorecard | None) -> ModelDiff:
    """One model before and after (either None: only in one report)."""
    either = new or old
    assert either is not None, "a model diff needs a card on one side at least"
    licence = LicenceChange(old.license if old else None, new.license if new else None)
    if old is None or new is None:
        return ModelDiff(either.repo_id, old, new, licence)
    axes = tuple(_axis(axis, old, new) for axis in AXES if axis in old.axes or axis in new.axes)
    rubrics = list(dict.fromkeys([*old.results, *new.results]))
    frameworks = tuple(FrameworkChange(r, _outcome(old, r), _outcome(new, r)) for r in rubrics)
    return ModelDiff(new.repo_id, old, new, licence, axes, frameworks)


def _outcome(card: Scorecard, rubric: str) -> str | None:
    result = card.results.get(rubric)
    return result.outcome.value if result and result.outcome else None


def _axis(axis: str, old: Scorecard, new: Scorecard) -> AxisChange:
    before, after = old.axes.get(axis), new.axes.get(axis)  # type: ignore[call-overload]
    old_items = Counter(_evidence_key(e) for e in before.evidence) if before else Counter()
    new_items = Counter(_evidence_key(e) for e in after.evidence) if after else Counter()
    added = _take(after.evidence if after else [], new_items - old_items)
    removed = _take(before.evidence if before else [], old_items - new_items)
    return AxisChange(axis, before.verdict if before else None, before.level if before else None,
                      after.verdict if after else None, after.level if after else None, added, removed)


def _take(items: Iterable[Evidence], wanted: Counter[tuple[str, str, str, str]]) -> tuple[Evidence, ...]:
    """The items `wanted` counts, in their order."""
    left = Counter(wanted)
    taken = []
    for item in items:
        key = _evidence_key(item)
        if left[key] > 0:
            left[key] -= 1
            taken.append(item)
    return tuple(taken)


# -- text -------------------------------------------------------------------------------
def _short_sha(sha: str | None) -> str:
    return sha[:12] if sha else "unknown"


def _licence_words(licence: LicenseVerdict | None) -> str:
    if licence is None:
        return "not scored"
    return f"{licence.label} (class {licence.license_class})"


def _text_words(licence: LicenseVerdict | None) -> str:
    if licence is None or licence.text_file is None:
        # A report records the file only when the repository held one; one written before
        # 0.2 records none either way, so this cannot say more than "none recorded".
        return "no licence file recorded"
    return f"{licence.text_file} sha256 {_short_sha(licence.text_sha256)}"


def _level_words(verdict: str | None, level: int | None) -> str:
    if verdict is None:
        return "not scored"
    return verdict if level is None else f"{verdict} ({level})"


def _licence_lines(change: LicenceChange) -> list[str]:
    old, new = change.old, change.new
    if not change.changed:
        return [f"licence: {_licence_words(new or old)}, unchanged; text {_text_words(new or old)}"]
    lines = [f"licence: {_licence_words(old)} -> {_licence_words(new)}" if change.terms_changed
             else f"licence: {_licence_words(new)}, same id"]
    if change.text_changed:
        same_id = old is not None and new is not None and old.id == new.id \
            and old.text_sha256 is not None and new.text_sha256 is not None
        lines.append(f"licence text: {_text_words(old)} -> {_text_words(new)}"
                     + (" (the text changed behind the same id)" if same_id else ""))
    else:
        lines.append(f"licence text: {_text_words(new)}, unchanged")
    return lines


def _model_lines(model: ModelDiff) -> list[str]:
    """The lines of one model, unsanitised (the caller makes each safe for its output)."""
    old, new = model.old, model.new
    revisions = f"{_short_sha(old.revision) if old else '-'} -> {_short_sha(new.revision) if new else '-'}"
    lines = [f"{model.repo_id} ({revisions}): {model.change}"]
    if old is None or new is None:
        card = new or old
        assert card is not None
        lines.append(f"  licence: {_licence_words(card.license)}; text {_text_words(card.license)}")
        lines += [f"  {axis}: {_level_words(v.verdict, v.level)}" for axis, v in card.axes.items()]
        return lines
    word = lambda c: c.status + (f" ({c.error.kind})" if c.error else "")  # noqa: E731
    if model.status_changed:
        lines.append(f"  status: {word(old)} -> {word(new)}")
    elif old.status == "error":
        return [*lines, f"  status: {word(new)}, unchanged"]
    lines += [f"  {line}" for line in _licence_lines(model.licence)]
    if model.gate_changed:
        lines.append(f"  gate: {gate_words(old.gated)} -> {gate_words(new.gated)}")
    for axis in model.axes:
        if not axis.changed:
            continue
        before = _level_words(axis.old_verdict, axis.old_level)
        after = _level_words(axis.new_verdict, axis.new_level)
        lines.append(f"  {axis.axis}: {before} -> {after}" if before != after
                     else f"  {axis.axis}: {after}, evidence changed")
        lines += [f"    + [{e.signal}] {e.source}: {e.detail}" for e in axis.added]
        lines += [f"    - [{e.signal}] {e.source}: {e.detail}" for e in axis.removed]
    for framework in model.frameworks:
        if framework.changed:
            # None is "not judged under it" ("none" is a code of its own, mof's lowest).
            lines.append(f"  {framework.rubric}: {framework.old or 'not judged'} -> {framework.new or 'not judged'}")
    return lines


def _summary(diff: ReportDiff) -> str:
    counts = diff.counts()
    n = len(diff.models)
    return f"{n} model{'s' if n != 1 else ''} compared: " + ", ".join(f"{v} {k}" for k, v in counts.items())


def render_diff_text(diff: ReportDiff) -> str:
    """Plain text, every line through the terminal sanitiser (card text is hostile)."""
    lines = [f"openness diff: {diff.old_name} -> {diff.new_name}"]
    for model in diff.models:
        lines += _model_lines(model)
    lines.append(_summary(diff))
    return "".join(_indented_line(line) + "\n" for line in lines)


def _indented_line(line: str) -> str:
    """`terminal_line` keeps no leading spaces: the indent is ours, the rest is sanitised."""
    indent = len(line) - len(line.lstrip(" "))
    return " " * indent + terminal_line(line)


def render_diff_markdown(diff: ReportDiff) -> str:
    """A markdown section per model that changed (or came or went), bullets escaped."""
    out = [f"## openness diff: {markdown_cell(diff.old_name)} → {markdown_cell(diff.new_name)}", ""]
    for model in diff.models:
        head, *rest = _model_lines(model)
        out.append(f"### {markdown_cell(head)}")
        out.append("")
        for line in rest:
            depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
            out.append("  " * max(depth, 0) + f"- {markdown_cell(line.strip())}")
        out.append("")
    out.append(markdown_cell(_summary(diff)))
    return "\n".join(out) + "\n"


# -- JSON ---------------------------------------------------------------------------------
def diff_document(diff: ReportDiff, tool_version: str) -> dict[str, Any]:
    """The diff as plain data (DIFF_VERSION; keys documented in the README)."""
    return {
        "diff_version": DIFF_VERSION,
        "tool": {"name": "openness", "version": tool_version},
        "old": {"name": diff.old_name, "rubric": diff.old.rubric.model_dump()},
        "new": {"name": diff.new_name, "rubric": diff.new.rubric.model_dump()},
        "changed": diff.changed,
        "summary": diff.counts(),
        "models": [_model_entry(m) for m in diff.models],
    }


def render_diff_json(diff: ReportDiff, tool_version: str) -> str:
    return json.dumps(diff_document(diff, tool_version), indent=2, ensure_ascii=False) + "\n"


def _card_entry(card: Scorecard | None) -> dict[str, Any] | None:
    if card is None:
        return None
    return {"revision": card.revision, "status": card.status, "error": card.error.kind if card.error else None,
            "gated": card.gated}


def _licence_entry(licence: LicenseVerdict | None) -> dict[str, Any] | None:
    if licence is None:
        return None
    return {"id": licence.id, "label": licence.label, "class": licence.license_class,
            "text_file": licence.text_file, "text_sha256": licence.text_sha256}


def _evidence_entry(item: Evidence) -> dict[str, str]:
    return item.model_dump(include={"signal", "source", "detail", "strength"})


def _model_entry(model: ModelDiff) -> dict[str, Any]:
    return {
        "repo_id": model.repo_id,
        "change": model.change,
        "old": _card_entry(model.old),
        "new": _card_entry(model.new),
        "license": {"changed": model.licence.changed, "text_changed": model.licence.text_changed,
                    "old": _licence_entry(model.licence.old), "new": _licence_entry(model.licence.new)},
        "axes": {a.axis: {"changed": a.changed,
                          "old": {"verdict": a.old_verdict, "level": a.old_level},
                          "new": {"verdict": a.new_verdict, "level": a.new_level},
                          "evidence_added": [_evidence_entry(e) for e in a.added],
                          "evidence_removed": [_evidence_entry(e) for e in a.removed]} for a in model.axes},
        "frameworks": {f.rubric: {"changed": f.changed, "old": f.old, "new": f.new} for f in model.frameworks},
    }
