"""Reads a model card's markdown: front matter, headings, links, with README line numbers."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from openness.evidence.screen import LineScreen

# A code fence as CommonMark reads it: a run of at least three backticks or tildes at the
# start of a line. A backtick run followed by more backticks on the line is an inline code
# span (```like this```), not a fence: taking it for one hid the rest of the card.
# Leading spaces are allowed beyond CommonMark's three, because cards nest fences in list
# items. Both repeats are single and anchored: linear on any line.
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
# No `\s*#*\s*$` for the closing `#`s: after a lazy `(.*?)` it backtracks cubically on a
# heading followed by a long run of spaces (seconds for 1,000 of them). `plain` drops the
# `#`s and the spaces anyway.
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
# Line breaks as an editor, git and GitHub count them for "README.md line N".
# str.splitlines() would also break at \x0c, \x1c-\x1e, \x85, \u2028 and \u2029,
# so a card holding them would get evidence pointing at the wrong lines.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}|`]+")
# Bounded repeats: an unbounded `\]\([^)]*\)` scans to the end of the line from every
# `](`, which is quadratic on a long line of them. The single marks are spelt as one
# alternative each, not as the class [*_`>#|]: when every alternative opens with a literal,
# `re` skips at C speed to the characters that can open a match (a class among them turns
# that off, and each character of the text is tried against every alternative: sub() ran
# twice as long). The marks exclude each other, so the order among them changes nothing.
_MARKUP = re.compile(r"<[^>]{0,200}>|\*|_|`|>|#|\||!\[|\]\([^)]{0,200}\)|\[|\]")


class Line(NamedTuple):
    """A line of the card body outside code blocks.

    A named tuple, not a frozen dataclass: a card makes one per line, and a frozen
    dataclass sets each field through object.__setattr__ (a fifth of parsing a card).
    """

    number: int
    """1-based line number in README.md, front matter included."""
    text: str
    section: str
    """Title of the nearest heading above, '' before the first."""


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it, down to the next heading of the same or higher rank."""

    title: str
    rank: int
    first: int
    last: int
    lines: tuple[Line, ...] = field(default=())

    @property
    def text(self) -> str:
        """The section's prose, markup stripped."""
        return " ".join(plain(line.text) for line in self.lines)


class Link(NamedTuple):
    """A URL in the card and the line it stands on (a named tuple, as Line is)."""

    url: str
    line: Line
    start: int = -1
    """Where the URL starts in the line's text (-1 when not known)."""


@dataclass(frozen=True)
class ParsedCard:
    """The parts of a card the extractors read."""

    lines: tuple[Line, ...]
    sections: tuple[Section, ...]
    links: tuple[Link, ...]

    @cached_property
    def by_number(self) -> dict[int, Line]:
        """Each line by its README line number."""
        return {line.number: line for line in self.lines}

    def lines_in(self, numbers: frozenset[int] | None) -> Sequence[Line]:
        """The lines of these numbers, in order (every line for None): a screen's few lines
        without a walk through the card."""
        if numbers is None:
            return self.lines
        by_number = self.by_number
        return [by_number[number] for number in sorted(numbers)]

    @cached_property
    def table_rows(self) -> tuple[int, ...]:
        """Indices into `lines` of the markdown table rows (lines opening with '|'), found once per card."""
        return tuple(i for i, line in enumerate(self.lines)
                     if "|" in line.text and line.text.lstrip().startswith("|"))

    @cached_property
    def table_cells(self) -> dict[int, list[str]]:
        """Line number -> the table row's cells, markup removed, filled as readers ask (each row cut once)."""
        return {}

    @cached_property
    def numbers(self) -> list[int]:
        """The README line number of each of `lines`, in order (for bisecting to a line's index)."""
        return [line.number for line in self.lines]

    @cached_property
    def screen(self) -> LineScreen:
        """Which lines each pattern might match, to skip the rest without running it."""
        return LineScreen(self.numbers, [line.text for line in self.lines])


def plain(text: str) -> str:
    """Markdown and HTML markup removed, whitespace collapsed."""
    # A card's readers ask for the same short texts again (a data line by the corpora, then
    # by the generic phrases; a heading's title): those are remembered, the long ones not.
    return _plain_short(text) if len(text) <= _PLAIN_REMEMBERED else _plain(text)


# Texts up to this long are remembered by plain(), the last _PLAIN_KEPT of them.
_PLAIN_REMEMBERED = 400
_PLAIN_KEPT = 1024


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split())


_plain_short = lru_cache(maxsize=_PLAIN_KEPT)(_plain)


def body_start(lines: list[str]) -> int:
    """Index of the first body line: after a leading `---` front-matter block, if closed."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return i + 1
    return 0  # unclosed front matter: treat everything as body rather than lose it


def split_lines(text: str) -> list[str]:
    """The card's physical lines, split at \\n, \\r\\n and \\r only; no empty last line."""
    raw = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)  # the same lines, at C speed
    return raw[:-1] if raw[-1] == "" else raw


def breaks_as_newlines(text: str) -> str:
    """The text with every line break split_lines reads made one "\\n" in place ("\\r\\n" becomes
    " \\n", a lone "\\r" "\\n"): the same length, so a place found in it is the same place in
    `text`, and its lines, split and counted at "\\n", are the card's lines."""
    return text.replace("\r\n", " \n").replace("\r", "\n") if "\r" in text else text


def parse_card(text: str) -> ParsedCard:
    """Split a card into body lines (outside code fences), sections and links."""
    raw = split_lines(text)
    start = body_start(raw)
    lines: list[Line] = []
    headings: list[tuple[int, str, int]] = []  # (rank, title, index into lines)
    fence, section = "", ""  # the run that opened the code block we are in, or ""
    new_line = tuple.__new__  # Line(...) without the named tuple's Python-level __new__
    for number, text_line in enumerate(raw[start:], start=start + 1):
        if fence:
            # A closing run is at least as long as the opener: a line without the opener holds none.
            if fence in text_line and _closes(text_line, fence):
                fence = ""
            continue
        # A fence holds ``` or ~~~ and a heading a # or a <: most lines hold neither, and a
        # substring test costs far less than a regex call.
        opener = _fence_opener(text_line) if "```" in text_line or "~~~" in text_line else ""
        if opener:
            fence = opener
            continue
        # Both heading forms open the line, after whitespace as `re` and str.lstrip read it
        # (both by str.isspace): a '#' or '<' further on (an anchor, a tag) is no heading.
        heading = _heading(text_line) if ("#" in text_line or "<" in text_line) and \
            text_line.lstrip()[:1] in ("#", "<") else None
        if heading:
            section = heading[1]
            headings.append((heading[0], heading[1], len(lines)))
        lines.append(new_line(Line, (number, text_line, section)))
    return ParsedCard(tuple(lines), _sections(lines, headings), _links(lines))


def _fence_opener(text: str) -> str:
    """The backtick or tilde run that opens a code block on this line, or "" when none does."""
    match = _FENCE.match(text)
    if not match or (match.group(1)[0] == "`" and "`" in match.group(2)):
        return ""
    return match.group(1)


def _closes(text: str, opener: str) -> bool:
    """CommonMark: a closing fence is a run of the opener's character, at least as long, alone on its line."""
    run = text.strip()
    return len(run) >= len(opener) and run == opener[0] * len(run)


def _heading(text: str) -> tuple[int, str] | None:
    match = _HEADING.match(text) or _HTML_HEADING.match(text)
    if not match:
        return None
    title = plain(match.group(2))
    return (len(match.group(1)) if match.re is _HEADING else int(match.group(1)), title) if title else None


def _sections(lines: list[Line], headings: list[tuple[int, str, int]]) -> tuple[Section, ...]:
    # Where each section ends, in one pass: a heading closes every open section of the
    # same or a lower rank (the open ones, bottom to top, have rising ranks). Looking
    # ahead from each heading instead costs quadratic time on a card of many headings.
    ends = [len(lines)] * len(headings)
    still_open: list[int] = []
    for pos, (rank, _, index) in enumerate(headings):
        while still_open and headings[still_open[-1]][0] >= rank:
            ends[still_open.pop()] = index
        still_open.append(pos)
    sections = []
    for (rank, title, index), end in zip(headings, ends):
        body = tuple(lines[index + 1:end])
        last = body[-1].number if body else lines[index].number
        sections.append(Section(title, rank, lines[index].number, last, body))
    return tuple(sections)


def _links(lines: list[Line]) -> tuple[Link, ...]:
    new_link = tuple.__new__  # Link(...) without the named tuple's Python-level __new__
    return tuple(new_link(Link, (m.group(0).rstrip(".,;:!?"), line, m.start()))
                 for line in lines if "http" in line.text for m in _URL.finditer(line.text))  # a URL holds "http"
