"""A quick, sound test that a pattern cannot match a text: words every match must hold.

Most vocabulary patterns find nothing on most card lines, and Python's `re` spends about a
microsecond per character learning that (a pattern of many alternatives opening with
`\\b` gets no fast scan). Every match of `\\bthe\\s+pile\\b|\\bpile-?dedup` holds "pile",
so a line without "pile" (nor "dedup") needs no regex at all: `str` methods look for such words at
C speed, and the regex runs only where one stands. The answer is never changed: the words
are read off the pattern's own parse, and a pattern with none to give (or a piece this
module does not read) is always run.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, contains
from typing import Any, Generic, TypeVar

try:  # CPython's own regex parser: the pattern as `re` reads it
    import re._constants as _ops  # type: ignore[import-not-found]
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # another Python: no screening, every pattern is run
    _parser = None

# Non-ASCII characters that `re` matches to an ASCII letter when ignoring case (dotted and
# dotless i, long s, the Kelvin sign); tests/test_screen.py asks `re` for the full list.
_ASCII_PARTNERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
# The same as (character, replacement) pairs: str.translate with a table looks up every
# character of a non-ASCII card in Python's dict (a third of a card's screening time);
# a few str.replace calls for the partners that occur do the same at C speed.
_PARTNER_PAIRS = tuple((chr(code), ascii_letter) for code, ascii_letter in _ASCII_PARTNERS.items())
# Needles shorter than this screen out too little to be worth the look.
_MIN_NEEDLE = 2
# Lines found one find() and bisect at a time before the rest are asked all at once: a word
# on many lines ("data", "is") costs a Python step per line holding it, the rest a C step per line.
_HITS_ONE_BY_ONE = 4
# Places where a match might start that first_match tries one by one before handing the
# rest of the text to the pattern's own search (a lead word that stands everywhere): this
# many, and one more for every _CHARS_PER_TRY characters searched. A try is a Python call,
# some ten times the cost of search() at a character; each try is one search() would make.
_OPENINGS_TRIED = 8
_CHARS_PER_TRY = 32
# Lead words shorter than this find too many places to try.
_MIN_LEAD = 2


def fold(text: str) -> str:
    """The text as needles are looked for in it: lower case, with the characters `re` takes for ASCII letters made them."""
    if text.isascii():
        return text.lower()
    for partner, ascii_letter in _PARTNER_PAIRS:
        if partner in text:
            text = text.replace(partner, ascii_letter)
    return text.lower()


@lru_cache(maxsize=4096)
def needles(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case words, one of which every match of `pattern` holds; None when none are known."""
    if _parser is None:
        return None
    try:
        found = _needs(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a construct this reading does not know: run the pattern, never guess
        return None
    if found is None or min(map(len, found)) < _MIN_NEEDLE:
        return None
    return tuple(sorted(found))


_NOWHERE: tuple[()] = ()
_NO_LINES: frozenset[int] = frozenset()
_BY_ID_CAP = 4096
T = TypeVar("T")


class _ByPattern(Generic[T]):
    """compute(pattern), once per pattern, looked up by its id: hashing a compiled pattern
    hashes its code each time. The vocabulary's patterns live as long as the process, and
    each is kept here beside its value, so no id is reused while cached; past _BY_ID_CAP
    patterns (made on the fly) the memory starts over rather than grow."""

    def __init__(self, compute: Callable[[re.Pattern[str]], T]) -> None:
        self._compute = compute
        self._known: dict[int, tuple[re.Pattern[str], T]] = {}

    def get(self, pattern: re.Pattern[str]) -> T:
        known = self._known.get(id(pattern))
        if known is None:
            if len(self._known) >= _BY_ID_CAP:
                self._known.clear()
            known = self._known[id(pattern)] = (pattern, self._compute(pattern))
        return known[1]


_needles_by_id = _ByPattern(needles).get  # a bound method: called as cheaply as a function


def might_match(pattern: re.Pattern[str], text: str, folded: str | None = None) -> bool:
    """False only when `pattern` cannot match anywhere in `text` (`folded`: fold(text), if at hand)."""
    words = needles(pattern)
    if words is None:
        return True
    folded = fold(text) if folded is None else folded
    return any(word in folded for word in words)


def search(pattern: re.Pattern[str], text: str, folded: str | None = None) -> re.Match[str] | None:
    """pattern.search(text), without running the regex when no needle of it stands in the
    text (`folded`: fold(text), if at hand, to share among patterns). The same answer: a
    vocabulary pattern of many alternatives takes some 50 ns a character to fail on a
    sentence, and looking for its few words takes a tenth of that."""
    words = _needles_by_id(pattern)
    if words is not None:
        folded = fold(text) if folded is None else folded
        for word in words:
            if word in folded:
                break
        else:
            return None
    return first_match(pattern, text, folded)


@lru_cache(maxsize=4096)
def leads(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of `pattern` opens with (once past its
    zero-width assertions: `\\b`, `^`, lookarounds), "" for a decimal digit; None when none are known."""
    if _parser is None:
        return None
    try:
        found = _leads(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a construct this reading does not know: search as re does
        return None
    if found is None or min(map(len, found - {_DIGIT}), default=_MIN_LEAD) < _MIN_LEAD:
        return None
    # A word that opens with another lead word adds no place to try ("revision" has "revisions").
    return tuple(word for word in sorted(found) if not any(word.startswith(other) for other in found if other
                                                           and other != word))


# A lead that is no word: a decimal digit (`\\d`, `[0-9]`), which in an ASCII text is one of 0-9.
_DIGIT = ""


@lru_cache(maxsize=4096)
def _opening(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern matching `words` in a folded text: where it finds one, a lead word starts.

    Each alternative opens with a literal, so `re` skips at C speed to the characters that
    may open one (a vocabulary pattern matched ignoring case, or opening with `\\b`, gets no
    such skip, and is tried at every character of the text)."""
    return re.compile("|".join([*map(re.escape, filter(None, words)), *("0123456789" if _DIGIT in words else "")]))


def _opening_of(pattern: re.Pattern[str]) -> tuple[re.Pattern[str] | None, bool]:
    """The opening pattern of `pattern`'s lead words (None without them), and whether it
    holds only for ASCII texts (a lead digit: `\\d` matches other digits too)."""
    words = leads(pattern)
    return _opening(words) if words else None, words is not None and _DIGIT in words


_opening_by_id = _ByPattern(_opening_of).get


def first_match(pattern: re.Pattern[str], text: str, folded: str | None = None,
                pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """pattern.search(text, pos, endpos), tried only where a lead word of the pattern stands
    (`folded`: fold(text), if at hand; without it only the part searched is folded).

    The same answer: every match opens with a lead word, so a place where none stands
    cannot start one; search() tries the places in order, and pattern.match(text, at, endpos)
    is its try at `at` (the text before `at` stays in view of `\\b` and lookbehinds). After
    a few places (more in a longer text) the pattern's own search takes over from the next
    one: the tries are some of those search() makes, so the work stays within its own."""
    size = len(text)
    # Where re's own search looks (it clamps pos and endpos to the text).
    start, end = min(max(pos, 0), size), size if endpos is None else min(max(endpos, 0), size)
    opening, ascii_only = _opening_by_id(pattern)
    if opening is None or start >= end:
        return pattern.search(text, start, end)
    # Only the part searched is read (a line of a whole card, asked once per line).
    piece, base = (text, 0) if folded is not None or (start == 0 and end == size) else (text[start:end], start)
    if ascii_only and not piece.isascii():
        return pattern.search(text, start, end)
    folded = fold(piece) if folded is None else folded
    if len(folded) != len(piece):  # fold() keeps every character in place; never guess if not
        return pattern.search(text, start, end)
    return _tried(pattern, opening, text, folded, base, start, end)


def _tried(pattern: re.Pattern[str], opening: re.Pattern[str], text: str, folded: str, base: int,
           start: int, end: int) -> re.Match[str] | None:
    """first_match's tries, in text[start:end] (folded[i] is text[base + i] folded)."""
    hit = opening.search(folded, start - base, end - base)
    for _ in range(_OPENINGS_TRIED + (end - start) // _CHARS_PER_TRY):
        if hit is None:
            return None
        at = base + hit.start()
        found = pattern.match(text, at, end)
        if found is not None:
            return found
        hit = opening.search(folded, at - base + 1, end - base)
    return None if hit is None else pattern.search(text, base + hit.start(), end)


def all_matches(pattern: re.Pattern[str], text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), each match found as first_match finds one. A pattern with lead
    words never matches the empty string, and after a match that is not empty finditer goes
    on from its end: a search from there. The text is looked at once, not once per match."""
    opening, ascii_only = _opening_by_id(pattern)
    if opening is None or (ascii_only and not text.isascii()):
        yield from pattern.finditer(text)
        return
    folded = fold(text) if folded is None else folded
    if len(folded) != len(text):
        yield from pattern.finditer(text)
        return
    at, size = 0, len(text)
    while at < size and (found := _tried(pattern, opening, text, folded, 0, at, size)) is not None:
        yield found
        at = found.end()


class LineScreen:
    """Which lines of a text a pattern might match, from one look at the whole text per pattern.

    A needle holds no whitespace, so it never spans two lines: a line holding none of a
    pattern's needles cannot match, nor can any text made of its words (markup removed,
    lines of a paragraph joined by spaces). Finding the needles in the whole text once
    costs a few C-speed scans, where asking each line costs a Python call per line.
    """

    def __init__(self, numbers: list[int], texts: list[str]) -> None:
        self._numbers = numbers
        # Where each line starts in the joined text: the lengths before it, and one "\n" after
        # each of them (map, accumulate and count run at C speed, where a loop would not).
        self._starts = list(map(add, accumulate(map(len, texts), initial=0), count()))[:-1]
        self._folded = fold("\n".join(texts))
        # Keyed by id(): hashing a compiled pattern hashes its code, each time. The pattern is
        # kept with its answer so that its id cannot be reused while the screen lives.
        self._memo: dict[int, tuple[re.Pattern[str], frozenset[int] | None]] = {}
        # Patterns share words ("training", "data"): each is looked for in the text once.
        self._by_word: dict[str, list[int] | tuple[()]] = {}
        self._split: list[str] | None = None

    def lines_with(self, pattern: re.Pattern[str]) -> frozenset[int] | None:
        """Numbers of the lines holding a needle of `pattern`; None when every line might match."""
        known = self._memo.get(id(pattern))
        if known is None:
            words = _needles_by_id(pattern)
            if words is None:
                known = (pattern, None)
            else:
                # Most words stand nowhere in a card: `in` at C speed says so, and the line
                # numbers are looked for only for the words that do stand somewhere.
                by_word, folded, held = self._by_word, self._folded, []
                for word in words:
                    lines = by_word.get(word)
                    if lines is None:
                        at = folded.find(word)
                        lines = by_word[word] = self._find_lines(word, at) if at >= 0 else _NOWHERE
                    if lines:
                        held.append(lines)
                known = (pattern, frozenset(held[0]) if len(held) == 1 else
                         frozenset().union(*held) if held else _NO_LINES)
            self._memo[id(pattern)] = known
        return known[1]

    def lines_holding(self, word: str) -> list[int] | tuple[()]:
        """Numbers of the lines holding `word` (lower case) as fold() leaves them: a superset of
        those whose lower-cased text holds it."""
        lines = self._by_word.get(word)
        if lines is None:
            at = self._folded.find(word)
            lines = self._by_word[word] = self._find_lines(word, at) if at >= 0 else _NOWHERE
        return lines

    def lines_with_any(self, patterns: Iterable[re.Pattern[str]]) -> frozenset[int] | None:
        """Numbers of the lines one of `patterns` might match; None when that may be any line."""
        found: set[int] = set()
        for pattern in patterns:
            lines = self.lines_with(pattern)
            if lines is None:
                return None
            found |= lines
        return frozenset(found)

    def _find_lines(self, word: str, at: int) -> list[int]:
        """The numbers of the lines holding `word`, whose first place in the text is `at`."""
        found, starts, numbers = [], self._starts, self._numbers
        while at >= 0:
            index = bisect_right(starts, at) - 1
            found.append(numbers[index])
            following = index + 1  # one hit per line is enough: go on from the next line
            if following >= len(starts):
                break
            if len(found) >= _HITS_ONE_BY_ONE and (lines := self._lines()) is not None:
                # A common word: the remaining lines asked at C speed (`word in line` for each).
                found += compress(numbers[following:], map(contains, lines[following:], repeat(word)))
                break
            at = self._folded.find(word, starts[following])
        return found

    def _lines(self) -> list[str] | None:
        """The folded text's lines, split once (None if a line held a line break of its own)."""
        if self._split is None:
            lines = self._folded.split("\n")
            self._split = lines if len(lines) == len(self._numbers) else []
        return self._split or None


def _needs(items: Any) -> frozenset[str] | None:
    """Words one of which every match of this sequence of pattern items holds, or None.

    Each item of a sequence is matched, so any one item's words are needed; the item whose
    shortest word is longest screens best. Consecutive literal characters form one word.
    """
    options: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        char = chr(av) if op is _ops.LITERAL else ""
        # An ASCII character, or one without case (许): `re` matches it only as fold() leaves it.
        if char and (char.isascii() or char.lower() == char == char.upper()) and not char.isspace():
            run += char.lower()
            continue
        if run:
            options.append(frozenset([run]))
            run = ""
        inner = _item_needs(op, av)
        if inner:
            options.append(inner)
    if run:
        options.append(frozenset([run]))
    return max(options, key=lambda words: min(map(len, words)), default=None)


def _item_needs(op: Any, av: Any) -> frozenset[str] | None:
    """The words one parsed item (a group, a repeat, an alternation) needs, or None."""
    if op is _ops.SUBPATTERN:
        return _needs(av[3])  # (group, added flags, removed flags, items)
    if op is _ops.ATOMIC_GROUP:
        return _needs(av)
    if op in (_ops.MAX_REPEAT, _ops.MIN_REPEAT, _ops.POSSESSIVE_REPEAT):
        low, _, body = av
        return _needs(body) if low >= 1 else None
    if op is _ops.BRANCH:
        branches = [_needs(branch) for branch in av[1]]
        if any(words is None for words in branches):
            return None  # one branch needs nothing: the alternation needs nothing
        return frozenset(word for words in branches if words for word in words)
    return None  # a class, an assertion, a back-reference: no word of its own


_ZERO_WIDTH = frozenset(getattr(_ops, name) for name in ("AT", "ASSERT", "ASSERT_NOT")) if _parser else frozenset()
_REPEATS = frozenset(getattr(_ops, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")) \
    if _parser else frozenset()


def _leads(items: Any) -> frozenset[str] | None:
    """Words one of which every match of this sequence of pattern items opens with, or None:
    the literal characters that open it, past its zero-width assertions; an item that may
    match nothing (`(pre-?)?training`) adds its words to those of the items after it."""
    run = ""
    for index, (op, av) in enumerate(items):
        char = chr(av) if op is _ops.LITERAL else ""
        # As in _needs: a character `re` matches only as fold() leaves it.
        if char and (char.isascii() or char.lower() == char == char.upper()):
            run += char.lower()
            continue
        if run:  # the words of what follows go on from it (the parser cuts `hf|huggingface` to h(f|uggingface))
            rest = _leads(items[index:])
            return frozenset(run + word for word in rest) if rest and _DIGIT not in rest else frozenset([run])
        if op in _ZERO_WIDTH:
            continue
        if op in _REPEATS and av[0] == 0:  # taken or not: its words, or those of what follows
            body, rest = _leads(av[2]), _leads(items[index + 1:])
            return None if body is None or rest is None else body | rest
        return _item_leads(op, av)
    return frozenset([run]) if run else None


# How the parser spells a class of decimal digits: `\\d` and `[0-9]`.
_DIGIT_CLASSES = ([(_ops.CATEGORY, _ops.CATEGORY_DIGIT)], [(_ops.RANGE, (48, 57))]) if _parser else ()


def _item_leads(op: Any, av: Any) -> frozenset[str] | None:
    """The words one parsed item (a group, a repeat, an alternation) opens with, or None."""
    if op is _ops.SUBPATTERN:
        return _leads(av[3])
    if op is _ops.ATOMIC_GROUP:
        return _leads(av)
    if op is _ops.IN and av in _DIGIT_CLASSES:
        return frozenset([_DIGIT])
    if op in _REPEATS:
        low, _, body = av
        return _leads(body) if low >= 1 else None
    if op is _ops.BRANCH:
        branches = [_leads(branch) for branch in av[1]]
        if any(words is None for words in branches):
            return None
        return frozenset(word for words in branches if words for word in words)
    return None
