"""A scan's rows folded into one frozen `Summary`: pure and single-pass.

Rows stream through `summarise` one at a time and only counters are kept (a few integers
per pipeline tag, licence class, month and author, and the top-N heap), so a whole-Hub
scan of 700,000 rows needs memory for its distinct authors, never for its rows.

Every breakdown counts scored rows only: a row that could not be scored has no verdicts,
and counting it as closed or unknown would say something the scan does not know. The rows
that were not scored are counted apart, by error kind.

Labels (authors, tags, licence classes, limits) come from cards and the Hub: hostile. They
are made one terminal-safe line and cut short here, once; each renderer then escapes them
for its own format as usual.
"""
from __future__ import annotations

import heapq
import json
from array import array
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from openness.models import AXES
from openness.render.text import shorten, terminal_line

WORDS = ("open", "partial", "closed", "unknown")
_WORD_INDEX = {word: index for index, word in enumerate(WORDS)}
_CLOSED = _WORD_INDEX["closed"]
_CELLS = len(AXES) * len(WORDS)
_ZEROS = array("I", [0] * (1 + _CELLS))

LABEL_WIDTH = 60
"""Where an author, a tag or a model id is cut: a label is for a chart's axis, not a card."""
KEY_CHARS = 4 * LABEL_WIDTH
"""A group's key is cut here: a hostile author of a megabyte is not kept whole per row."""
LIMIT_WIDTH = 200
MAX_DISTINCT_LIMITS = 200
"""Distinct `limits` texts kept: a scan says the same few things on every row; a file that
says something new on each row must not grow the counter without bound."""
MAX_PARSED_LIMITS = 4096
"""`limits` JSON texts remembered once parsed: rows repeat the same text, so each
distinct text is parsed once (up to this many)."""
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
"""Dates outside these years are placeholders (1970 from a zero timestamp), not dates."""
_MONTH = re.compile(r"\s*(\d{4})-(\d{2})")
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")

NO_TAG, NO_CLASS, NO_AUTHOR = "no tag", "no licence class", "no author"
OPEN_WEIGHTS_ONLY = ("weights open or partial, data and code both closed; "
                     "a model whose data or code is unknown is not counted")


class ScanRow(NamedTuple):
    """One row of a scan file, as read: verdict words, labels and dates as the file has them
    (text, numbers, datetimes or None). A NamedTuple: 700,000 of them are made and dropped."""

    repo_id: str
    status: str | None = None
    weights: str | None = None
    data: str | None = None
    code: str | None = None
    license: str | None = None
    license_class: str | None = None
    author: str | None = None
    pipeline_tag: str | None = None
    downloads: int | None = None
    likes: int | None = None
    created_at: object = None
    last_modified: object = None
    limits: object = None
    error_kind: str | None = None


@dataclass(frozen=True)
class AxisCounts:
    """How many models got each word on one axis."""

    open: int = 0
    partial: int = 0
    closed: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.open + self.partial + self.closed + self.unknown

    def count(self, word: str) -> int:
        return int(getattr(self, word))

    def share(self, word: str) -> float:
        """The fraction of models with `word` (0 when there are none)."""
        return self.count(word) / self.total if self.total else 0.0


@dataclass(frozen=True)
class Breakdown:
    """One group of models (a tag, a licence class, an author, a month, or all of them) and
    its words on each axis."""

    label: str
    models: int
    weights: AxisCounts
    data: AxisCounts
    code: AxisCounts

    def axis(self, name: str) -> AxisCounts:
        return {"weights": self.weights, "data": self.data, "code": self.code}[name]


@dataclass(frozen=True)
class TopModel:
    """A model of the open-weights-only table."""

    repo_id: str
    author: str
    downloads: int
    likes: int | None
    weights: str
    license: str | None
    pipeline_tag: str | None


@dataclass(frozen=True)
class Summary:
    """Everything the stats renderers show, counted once."""

    rows: int
    scored: int
    not_scored: tuple[tuple[str, int], ...]
    """(error kind, rows), most first."""
    overall: Breakdown
    fully_open: int
    """Scored models open on all three axes."""
    pipeline_tags: tuple[Breakdown, ...]
    """The `top` most common tags, then the rest as one group, then models with no tag."""
    licence_classes: tuple[Breakdown, ...]
    """Every class, A first, then models with none."""
    authors: tuple[Breakdown, ...]
    """The `top` authors with the most scored models."""
    authors_total: int
    months: tuple[Breakdown, ...]
    """Per month (YYYY-MM) of creation, else of last modification; empty when no row is dated."""
    dated_by: tuple[tuple[str, int], ...]
    """(column, rows) for created_at, last_modified and undated rows."""
    open_weights_only: tuple[TopModel, ...]
    """The `top` most downloaded such models (see OPEN_WEIGHTS_ONLY), most first."""
    open_weights_only_total: int
    limits: tuple[tuple[str, int], ...]
    """What the scan could not see (its rows' `limits`), with how many rows say so."""
    top: int


def summarise(rows: Iterable[ScanRow], *, top: int = 15, class_titles: Mapping[str, str] | None = None) -> Summary:
    """One pass over `rows`. `class_titles` names the licence classes (A: OSI-approved)."""
    tally = _Tally(top)
    for row in rows:
        tally.add(row)
    return tally.summary(class_titles or {})


class _Tally:
    """The counters `summarise` keeps while rows go by. Each group holds one list:
    [models, then a count per axis and word], so adding a row is a few index increments."""

    def __init__(self, top: int) -> None:
        self.top = top
        self.rows = 0
        self.not_scored: Counter[str] = Counter()
        self.overall = _new_cells()
        self.fully_open = 0
        self.tags: dict[str | None, list[int]] = {}
        self.classes: dict[str | None, list[int]] = {}
        # Authors are many (one per few models on the Hub): their counts live in one flat
        # array, 13 machine integers each, not a list of Python ints per author (a third
        # of the memory: 50 MB against 75 MB for 220,000 authors).
        self.authors: dict[str, int] = {}
        self.author_cells = array("I")
        self.months: dict[str, list[int]] = {}
        self.dated_by: Counter[str] = Counter({"created_at": 0, "last_modified": 0, "undated": 0})
        self.limits: Counter[str] = Counter()
        self.parsed_limits: dict[str, tuple[str, ...]] = {}
        self.month_of_head: dict[str, str | None] = {}
        self.heap: list[tuple[int, int, TopModel]] = []
        self.open_weights_only = 0

    def add(self, row: ScanRow) -> None:
        self.rows += 1
        for text in self._limits_of(row.limits):
            key = text if text in self.limits or len(self.limits) < MAX_DISTINCT_LIMITS else "(other limits)"
            self.limits[key] += 1
        if row.status == "error":
            self.not_scored[_key(row.error_kind) or "error"] += 1
            return
        weights, data, code = _word(row.weights), _word(row.data), _word(row.code)
        cells = (1 + weights, 1 + len(WORDS) + data, 1 + 2 * len(WORDS) + code)
        # Groups are keyed by the raw text (cut short): made a safe label only when shown,
        # once per group rather than once per row.
        author = _key(row.author) or _owner(row.repo_id)
        _add(self.overall, cells)
        _add(_group(self.tags, _key(row.pipeline_tag)), cells)
        _add(_group(self.classes, _key(row.license_class)), cells)
        self._add_author(author, cells)
        month, source = self._month(row.created_at), "created_at"
        if month is None:
            month, source = self._month(row.last_modified), "last_modified"
        self.dated_by[source if month else "undated"] += 1
        if month:
            _add(_group(self.months, month), cells)
        if weights == data == code == 0:
            self.fully_open += 1
        if weights <= 1 and data == code == _CLOSED:
            self._open_weights_only(row, author, WORDS[weights])

    def _add_author(self, author: str, cells: tuple[int, int, int]) -> None:
        start = self.authors.get(author)
        if start is None:
            start = self.authors[author] = len(self.author_cells)
            self.author_cells.extend(_ZEROS)
        counts = self.author_cells
        counts[start] += 1
        for cell in cells:
            counts[start + cell] += 1

    def _author_counts(self, author: str) -> list[int]:
        start = self.authors[author]
        return list(self.author_cells[start:start + 1 + _CELLS])

    def _month(self, value: object) -> str | None:
        """`_month_of`, remembered for text that starts with YYYY-MM (all a scan's dates):
        a few hundred distinct months, and no regex per row."""
        if not isinstance(value, str):
            return _month_of(value)
        head = value[:7]
        if head in self.month_of_head:
            return self.month_of_head[head]
        month = _month_of(value)
        if _YEAR_MONTH.fullmatch(head) and len(self.month_of_head) < MAX_PARSED_LIMITS:
            self.month_of_head[head] = month
        return month

    def _open_weights_only(self, row: ScanRow, author: str, weights: str) -> None:
        self.open_weights_only += 1
        downloads = _count(row.downloads)
        if downloads is None:  # unranked: counted above, never listed
            return
        # (downloads, -arrival): among equal downloads the earlier row stays, whatever the ids.
        key = (downloads, -self.open_weights_only)
        if len(self.heap) < self.top or key > self.heap[0][:2]:
            model = TopModel(repo_id=shorten(terminal_line(row.repo_id), 2 * LABEL_WIDTH), author=_author_label(author),
                             downloads=downloads, likes=_count(row.likes), weights=weights,
                             license=_label(row.license), pipeline_tag=_label(row.pipeline_tag))
            item = (*key, model)
            if len(self.heap) < self.top:
                heapq.heappush(self.heap, item)
            else:
                heapq.heapreplace(self.heap, item)

    def _limits_of(self, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            known = self.parsed_limits.get(value)
            if known is None:
                known = _parse_limits(value)
                if len(self.parsed_limits) < MAX_PARSED_LIMITS:
                    self.parsed_limits[value] = known
            return known
        return _limit_texts(value)

    def summary(self, class_titles: Mapping[str, str]) -> Summary:
        top_tags = heapq.nsmallest(self.top, (k for k in self.tags if k is not None),
                                   key=lambda k: (-self.tags[k][0], k))
        listed = set(top_tags)
        rest = [counts for tag, counts in self.tags.items() if tag is not None and tag not in listed]
        tags = [_breakdown(_label(tag) or NO_TAG, self.tags[tag]) for tag in top_tags]
        if rest:
            tags.append(_breakdown(f"{len(rest):,} other tags", _sum_cells(rest)))
        if None in self.tags:
            tags.append(_breakdown(NO_TAG, self.tags[None]))
        classes = [_breakdown(_class_label(letter, class_titles), self.classes[letter])
                   for letter in sorted(k for k in self.classes if k is not None)]
        if None in self.classes:
            classes.append(_breakdown(NO_CLASS, self.classes[None]))
        cells = self.author_cells
        top_authors = heapq.nsmallest(self.top, self.authors, key=lambda a: (-cells[self.authors[a]], a))
        return Summary(
            rows=self.rows,
            scored=self.overall[0],
            not_scored=tuple(sorted(((_label(kind) or "error", count) for kind, count in self.not_scored.items()),
                                    key=lambda item: (-item[1], item[0]))),
            overall=_breakdown("all scored models", self.overall),
            fully_open=self.fully_open,
            pipeline_tags=tuple(tags),
            licence_classes=tuple(classes),
            authors=tuple(_breakdown(_author_label(author), self._author_counts(author)) for author in top_authors),
            authors_total=len(self.authors),
            months=tuple(_breakdown(month, self.months[month]) for month in sorted(self.months)),
            dated_by=tuple(self.dated_by.items()),
            open_weights_only=tuple(item[2] for item in sorted(self.heap, key=lambda i: (-i[0], i[2].repo_id))),
            open_weights_only_total=self.open_weights_only,
            limits=tuple(sorted(self.limits.items(), key=lambda item: (-item[1], item[0]))),
            top=self.top,
        )


def by_year(months: Sequence[Breakdown]) -> list[Breakdown]:
    """Monthly groups (YYYY-MM) summed into years: a text line per month is too many."""
    years: dict[str, list[Breakdown]] = {}
    for month in months:
        years.setdefault(month.label[:4], []).append(month)
    return [_sum(year, groups) for year, groups in years.items()]


def _sum(label: str, groups: Sequence[Breakdown]) -> Breakdown:
    def axis(name: str) -> AxisCounts:
        return AxisCounts(*(sum(g.axis(name).count(word) for g in groups) for word in WORDS))

    return Breakdown(label, sum(g.models for g in groups), *(axis(name) for name in AXES))


def _new_cells() -> list[int]:
    return [0] * (1 + _CELLS)


def _group(table: dict, key: object) -> list[int]:
    cells = table.get(key)
    if cells is None:
        cells = table[key] = _new_cells()
    return cells


def _add(counts: list[int], cells: tuple[int, ...]) -> None:
    counts[0] += 1
    for cell in cells:
        counts[cell] += 1


def _sum_cells(groups: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*groups)]


def _breakdown(label: str, counts: list[int]) -> Breakdown:
    def axis(index: int) -> AxisCounts:
        start = 1 + index * len(WORDS)
        return AxisCounts(*counts[start:start + len(WORDS)])

    return Breakdown(label, counts[0], *(axis(index) for index in range(len(AXES))))


def _word(value: object) -> int:
    """A verdict word's index; anything that is not one of the four words is unknown."""
    if not isinstance(value, str):
        return 3
    index = _WORD_INDEX.get(value)
    return _WORD_INDEX.get(value.strip().lower(), 3) if index is None else index  # " Open" from a hand-made CSV


def _key(value: object) -> str | None:
    """A group's key: the file's text as it is, cut short (memory per group stays bounded);
    None for nothing (null, blank, not text)."""
    if not isinstance(value, str) or not value or value.isspace():
        return None
    return value[:KEY_CHARS]


def _owner(repo_id: str) -> str:
    """The Hub's owner of an id ("org/name"), the key of its author; old ids have none."""
    owner, slash, _ = repo_id.partition("/")
    return (_key(owner) or NO_AUTHOR) if slash else NO_AUTHOR


def _author_label(key: str) -> str:
    return _label(key) or NO_AUTHOR


def _class_label(letter: str, titles: Mapping[str, str]) -> str:
    label = _label(letter, 20) or NO_CLASS
    return f"{label}: {titles[letter]}" if letter in titles else label


def _label(value: object, width: int = LABEL_WIDTH) -> str | None:
    """Text from the file as one safe, short line; None for nothing (null, blank, not text)."""
    if not isinstance(value, str):
        return None
    text = terminal_line(value[: 4 * width])  # cut before cleaning: a label is never long
    return shorten(text, width) if text else None


def _count(value: object) -> int | None:
    """A download or like count as an int; None when the file has none or nonsense."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value == value and 0 <= value < 2**63:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 20:
        return int(value)
    return None


def _month_of(value: object) -> str | None:
    """YYYY-MM of a date, a datetime, or ISO 8601 text; None for anything else."""
    if isinstance(value, date):  # datetime (and pandas' Timestamp) too
        year, month = value.year, value.month
    elif isinstance(value, str):
        found = _MONTH.match(value[:40])
        if not found:
            return None
        year, month = int(found.group(1)), int(found.group(2))
    else:
        return None
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def _parse_limits(text: str) -> tuple[str, ...]:
    try:
        return _limit_texts(json.loads(text))
    except (ValueError, RecursionError):
        return ()


def _limit_texts(value: object) -> tuple[str, ...]:
    """A row's `limits` (a list of texts) as distinct short lines; a lone text is one limit."""
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items[:50]:
        text = item if isinstance(item, str) else json.dumps(item, sort_keys=True, default=str)
        label = _label(text, LIMIT_WIDTH)
        if label and label not in texts:
            texts.append(label)
    return tuple(texts)
