"""The words around a card line: its paragraph, the sentence holding a phrase, the headings above.

Cards wrap prose at any width and put several sentences (and links) on one line, so a line
alone is the wrong unit for "what does the text around this link say". Here a paragraph is
rebuilt from wrapped lines, and the sentence holding a link or a name is cut out of it.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from openness.evidence.card import Line, Link, ParsedCard, plain

# A line that opens a block of its own: a list item, a table row, an HTML block, a heading.
# Any other line continues the paragraph above it (a wrapped line or a list item's tail).
_BLOCK_START = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|\||<(tr|td|th|li|p|h[1-6]|div|table|details|summary)\b|#)",
                          re.IGNORECASE)
# Bare URLs are dropped from a sentence: their words (".../alignment-handbook") are not
# what the text says about them.
_URL = re.compile(r"https?://\S+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|<br\s*/?>", re.IGNORECASE)
# The same ends found from the mark before them: every alternative opens with a literal, so
# `re` skips at C speed to a mark (the lookbehinds above get no such skip: each character
# of the window was tried against the three alternatives). _sentence_ends turns each
# match into the end _SENTENCE_END finds there.
_SENTENCE_MARK = re.compile(r"\.\s+|!\s+|\?\s+|。|！|？|<br\s*/?>", re.IGNORECASE)
_CLOSING_MARKS = frozenset(".!?")
_WIDE_MARKS = frozenset("。！？")
_MARKS = _CLOSING_MARKS | _WIDE_MARKS
# "e.g. arXiv" or "et al. 2023" do not end a sentence.
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|fig|al|no|incl|resp)\.$", re.IGNORECASE)
# A run-on line (a wide table, an HTML block) can hold thousands of characters without a
# full stop: the words near a link are what describe it, so a sentence is cut to this window.
_WINDOW = 300
_MD_LINK = re.compile(r"\[([^\[\]]{0,500})\]\(\s*<?([^\s)>]{1,2000})")
# The lookahead fails a tag at once when no '>' (within the 3,006 characters the parts
# below can span) or no closing '</a>' follows: without it, each 'href=' of a long
# unclosed run was tried in turn, some 2,000 steps a character. The possessive repeats
# never need to give back ('>' ends them all, and a shorter URL leaves the '>' farther).
_HTML_LINK = re.compile(r"<a\b(?=[^>]{0,3006}+>.{0,500}?</a>)[^>]{0,500}?href=[\"']?+([^\"'\s>]{1,2000}+)[^>]{0,500}+>"
                        r"(.{0,500}?)</a>", re.IGNORECASE)


class _Paragraph(NamedTuple):
    text: str
    """The paragraph's raw lines joined by single spaces."""
    starts: dict[int, int]
    """Line number -> offset of that line's text in `text`."""


@dataclass(frozen=True)
class Prose:
    """A card's paragraphs and heading paths, for asking what the words around a line say."""

    card: ParsedCard
    paragraphs: dict[int, _Paragraph]
    """Line number -> the paragraph the line belongs to."""
    _anchors: dict[int, tuple[_FirstWithPrefix, _FirstWithPrefix]] = field(
        default_factory=dict, repr=False, compare=False)
    """Line number -> its markdown and HTML link targets with their texts, read once per line."""
    _found: dict[tuple[int, str], int] = field(default_factory=dict, repr=False, compare=False)
    """(line number, text) -> where the text first stands on the line."""
    memo: dict[tuple[str, ...], object] = field(default_factory=dict, repr=False, compare=False)
    """Answers readers share within this card (a link asked about by two extractors), by a key they choose."""

    def sentence(self, line: Line, needle: str | None = None) -> str:
        """The sentence holding `needle` on `line` (or every sentence on the line), markup removed."""
        para = self.paragraphs.get(line.number)
        if para is None:
            return _words(line.text)
        start = para.starts[line.number]
        at = self.find(line, needle) if needle else -1
        if at >= 0:
            return _words(_sentence_around(para.text, start + at, start + at + len(needle or "")))
        return _words(_sentence_around(para.text, start, start + len(line.text)))

    def find(self, line: Line, text: str) -> int:
        """line.text.find(text), asked once per line and text: a line of thousands of links
        is asked about each link by several readers."""
        key = (line.number, text)
        if key not in self._found:
            self._found[key] = line.text.find(text)
        return self._found[key]

    def anchor(self, link: Link) -> str | None:
        """The text a markdown or HTML link is written on (`[text](url)`, `<a href=url>text</a>`).

        The first link on the line whose target starts with the URL gives it, markdown before
        HTML. The line's links are read once, on the first question about any of them:
        scanning the line for each of its links was quadratic on a line of thousands.
        """
        markdown, html = self._links_on(link.line)
        raw = markdown.first(link.url)
        text = _words(raw) if raw is not None else _words(html.first(link.url) or "")
        return text if re.search(r"\w", text) else None

    def _links_on(self, line: Line) -> tuple[_FirstWithPrefix, _FirstWithPrefix]:
        found = self._anchors.get(line.number)
        if found is None:
            found = (_FirstWithPrefix([(m.group(2), m.group(1)) for m in _MD_LINK.finditer(line.text)]),
                     _FirstWithPrefix([(m.group(1), m.group(2)) for m in _HTML_LINK.finditer(line.text)]))
            self._anchors[line.number] = found
        return found

    def paragraph(self, line: Line) -> str:
        """The whole paragraph holding `line`, markup removed."""
        para = self.paragraphs.get(line.number)
        return _words(para.text if para else line.text)

    def headings(self, number: int) -> tuple[str, ...]:
        """Titles of every section holding line `number`, outermost first."""
        return tuple(s.title for s in self.card.sections if s.first < number <= s.last)


class _FirstWithPrefix:
    """(key, value) pairs in order; asks for the value of the first key starting with a prefix.

    Keys starting with a prefix are one run of the keys sorted, so each question is two
    binary searches and a range minimum (of positions in the original order) over a sparse
    table: O(log n) per question after O(n log n) once, where a scan is O(n) per question.
    """

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._values = [value for _, value in items]
        order = sorted(range(len(items)), key=lambda i: (items[i][0], i))
        self._keys = [items[i][0] for i in order]
        # _earliest[k][j]: the smallest original position among sorted keys j .. j + 2**k - 1
        self._earliest = [order]
        width = 1
        while 2 * width <= len(order):
            row = self._earliest[-1]
            self._earliest.append([min(row[j], row[j + width]) for j in range(len(row) - width)])
            width *= 2

    def first(self, prefix: str) -> str | None:
        """The value of the earliest key that starts with `prefix`, or None."""
        # Cut to the prefix's length, the sorted keys stay sorted: those equal to it are one run.
        def head(key: str) -> str:
            return key[:len(prefix)]
        low = bisect_left(self._keys, prefix, key=head)
        high = bisect_right(self._keys, prefix, lo=low, key=head)
        if high == low:
            return None
        level = (high - low).bit_length() - 1
        row = self._earliest[level]
        return self._values[min(row[low], row[high - (1 << level)])]


def read_prose(card: ParsedCard) -> Prose:
    """Group a card's lines into paragraphs (once per card)."""
    paragraphs: dict[int, _Paragraph] = {}
    headings = {s.first for s in card.sections}
    new_paragraph = tuple.__new__  # _Paragraph(...) without the named tuple's Python-level __new__
    for block in _blocks(card.lines, headings):
        if len(block) == 1:  # most paragraphs are one line: no joining, no offsets to add up
            line = block[0]
            paragraphs[line.number] = new_paragraph(_Paragraph, (line.text, {line.number: 0}))
            continue
        text, starts, offset = [], {}, 0
        for line in block:
            starts[line.number] = offset
            text.append(line.text)
            offset += len(line.text) + 1
        para = _Paragraph(" ".join(text), starts)
        paragraphs.update({line.number: para for line in block})
    return Prose(card, paragraphs)


def _blocks(lines: tuple[Line, ...], headings: set[int]) -> list[list[Line]]:
    """Runs of consecutive lines that read as one paragraph (a heading stands alone)."""
    blocks: list[list[Line]] = []
    previous: Line | None = None
    for line in lines:
        blank = not line.text.strip()
        joins = (previous is not None and not blank and line.number == previous.number + 1
                 and previous.number not in headings and line.number not in headings
                 and not _BLOCK_START.match(line.text))
        if joins and blocks:
            blocks[-1].append(line)
        elif not blank:
            blocks.append([line])
        previous = None if blank else line
    return blocks


def _words(text: str) -> str:
    # plain() leaves no markup behind (every '>' '*' '_' '`' '#' '|' '[' ']' goes, so no tag,
    # link or picture can form again) and its spaces single: on its output, plain() only
    # collapses the spaces where a URL was cut, and with no URL it changes nothing.
    flat = plain(text)
    return " ".join(_URL.sub(" ", flat).split()) if "http" in flat else flat


def _sentence_around(text: str, start: int, end: int) -> str:
    """The stretch of `text` between the sentence ends around [start, end), at most _WINDOW each side."""
    # Only the window is searched, and without slicing: a paragraph of thousands of links
    # is asked about each of them, and scanning it whole each time was quadratic.
    low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    left, right = low, high
    # The abbreviation test only for the ends that bound the stretch: the line's own
    # sentence ends, between start and end, are many on a long line and bound nothing.
    for match_start, match_end in _sentence_ends(text, low, high):
        if match_end <= start:
            if not _ABBREVIATION.search(text, max(0, match_start - 12), match_start):
                left = match_end
        elif match_start >= end and not _ABBREVIATION.search(text, max(0, match_start - 12), match_start):
            right = match_start
            break
    return text[left:right]


def _sentence_ends(text: str, low: int, high: int) -> Iterator[tuple[int, int]]:
    """The spans of _SENTENCE_END.finditer(text, low, high), found with _SENTENCE_MARK.

    A mark is never inside an end (the ends hold spaces and <br> tags), so the mark found
    for each end lies at or after the previous end: only a mark just before `low` is out
    of the scan's reach, and the first end is then asked of _SENTENCE_END itself."""
    at = low
    if 0 < low <= high and text[low - 1] in _MARKS:
        first = _SENTENCE_END.match(text, low, high)
        if first is not None:
            yield first.span()
            at = first.end()  # after an empty end, a <br> may still open at the same place
    for match in _SENTENCE_MARK.finditer(text, at, high):
        mark = text[match.start()]
        if mark in _CLOSING_MARKS:
            yield match.start() + 1, match.end()  # the spaces after the mark
        elif mark in _WIDE_MARKS:
            yield match.end(), match.end()  # the empty end just after it
        else:
            yield match.span()
