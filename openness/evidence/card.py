"""Reads a model card's markdown: front matter, headings, links, with README line numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}|`]+")
_MARKUP = re.compile(r"<[^>]{0,200}>|[*_`>#|]|!\[|\]\([^)]*\)|\[|\]")


@dataclass(frozen=True)
class Line:
    """A line of the card body outside code blocks."""

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


@dataclass(frozen=True)
class Link:
    """A URL in the card and the line it stands on."""

    url: str
    line: Line


@dataclass(frozen=True)
class ParsedCard:
    """The parts of a card the extractors read."""

    lines: tuple[Line, ...]
    sections: tuple[Section, ...]
    links: tuple[Link, ...]


def plain(text: str) -> str:
    """Markdown and HTML markup removed, whitespace collapsed."""
    return " ".join(_MARKUP.sub(" ", text).split())


def body_start(lines: list[str]) -> int:
    """Index of the first body line: after a leading `---` front-matter block, if closed."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return i + 1
    return 0  # unclosed front matter: treat everything as body rather than lose it


def parse_card(text: str) -> ParsedCard:
    """Split a card into body lines (outside code fences), sections and links."""
    raw = text.splitlines()
    start = body_start(raw)
    lines: list[Line] = []
    headings: list[tuple[int, str, int]] = []  # (rank, title, index into lines)
    in_fence, section = False, ""
    for number, text_line in enumerate(raw[start:], start=start + 1):
        if _FENCE.match(text_line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _heading(text_line)
        if heading:
            section = heading[1]
            headings.append((heading[0], heading[1], len(lines)))
        lines.append(Line(number, text_line, section))
    return ParsedCard(tuple(lines), _sections(lines, headings), _links(lines))


def _heading(text: str) -> tuple[int, str] | None:
    match = _HEADING.match(text) or _HTML_HEADING.match(text)
    if not match:
        return None
    title = plain(match.group(2))
    return (len(match.group(1)) if match.re is _HEADING else int(match.group(1)), title) if title else None


def _sections(lines: list[Line], headings: list[tuple[int, str, int]]) -> tuple[Section, ...]:
    sections = []
    for pos, (rank, title, index) in enumerate(headings):
        end = len(lines)
        for later_rank, _, later_index in headings[pos + 1:]:
            if later_rank <= rank:
                end = later_index
                break
        body = tuple(lines[index + 1:end])
        last = body[-1].number if body else lines[index].number
        sections.append(Section(title, rank, lines[index].number, last, body))
    return tuple(sections)


def _links(lines: list[Line]) -> tuple[Link, ...]:
    return tuple(Link(m.group(0).rstrip(".,;:!?"), line) for line in lines for m in _URL.finditer(line.text))
