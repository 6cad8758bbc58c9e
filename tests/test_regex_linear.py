"""Every regex applied to card text runs in linear time, whatever the text (issue 13).

Card text is hostile, and Python's `re` backtracks: a pattern such as `\\s*\\s*x` or
`(a+)+b` takes quadratic (or worse) time on a long near miss. This walks every pattern the
extractors apply to card text: those in rubrics/*.yaml as the vocabulary and the licences
load them, and those compiled at module level in openness/evidence/. Each is fed near
misses built from its own pieces (its literal runs, a character of each class it holds,
its alternatives side by side, a piece followed by a long run) and from the text that
broke patterns before (runs of digits and separators, of spaces, unclosed brackets and
links), at N and 4N characters; the work for 4N must stay far below the sixteen times a
quadratic step takes. Each pattern is run the way the code runs it: from every position
(`finditer`), or once at one position for those only ever matched there.

Timing every near miss best of three would take a minute, so each is first run once at
each size; only those that grow more than 8x then get the real check, best of three, the
two sizes timed in turn. The first pass decides nothing by itself: a slow machine only
sends more near misses to the real check.

Bounded repeats ({0,500}) are no excuse: they make a pattern linear only beyond its reach,
with a constant as large as the reach. The HTML link patterns, retrying each 'href=' of an
unclosed run from every '<a', took 17 microseconds a character that way (16 s for a 1 MB
line); within the reach that shows here as quadratic growth.
"""
from __future__ import annotations

import re
import re._constants as sre  # type: ignore[import-not-found]  # the parser's opcodes: what a pattern is made of
import re._parser as sre_parse  # type: ignore[import-not-found]  # no stubs: CPython's own regex parser
import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from openness.evidence import access, card, documents, extractors, frontmatter, licences, lineage, prose, regulation, repos
from openness.rubric import load_licences, load_vocabulary

N = 600
# Fields of the rubric files that hold names, reasons and ids, not patterns.
NOT_PATTERNS = {"id", "version", "reason", "name", "kind", "relation", "obtainable", "key", "notes", "title",
                "meaning", "summary", "question", "unmet", "met", "signal", "description"}
# The text that broke patterns before, whatever the pattern holds.
HOSTILE_UNITS = [" ", "\t", "  \n", "1", "1,", "1.", "1 ", "1 k ", "a", "a ", "a-", "-", ".", ". ", ":", "/", "x/",
                 "[", "](", "[a](", "<", "<a ", "<a href=", "`", "*", "**", "_", "#", "|", "| ", "(", ")", "'", '"',
                 "http://", "https://x.org/", "hf.co/", "e.g. ", "\u00a0", "é"]


def _text_patterns(model: BaseModel, path: str) -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every pattern a rubric file holds: str fields (and lists of them) other than names and reasons."""
    for name, value in model:
        where = f"{path}.{name}"
        if isinstance(value, BaseModel):
            yield from _text_patterns(value, where)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for i, item in enumerate(value):
                yield from _text_patterns(item, f"{where}[{i}]")
        elif isinstance(value, dict) and value and isinstance(next(iter(value.values())), BaseModel):
            for key, item in value.items():
                yield from _text_patterns(item, f"{where}[{key}]")
        elif name in NOT_PATTERNS or name in {"names", "built_from", "relations", "quantized_kinds", "flags"}:
            continue
        elif isinstance(value, str):
            yield where, re.compile(value, 0 if name == "bare_name" else re.IGNORECASE)
        elif name == "links" and isinstance(value, list):  # licence aliases: patterns over the card's link URLs
            for i, item in enumerate(value):
                yield f"{where}[{i}]", re.compile(item, re.IGNORECASE)


# Patterns over file names, repository paths and repo ids, never over card text (a hostile
# repository tree has a test of its own: test_repos.py).
NOT_CARD_TEXT = ("vocabulary.weight_files.", "vocabulary.code.repo_tree.", "vocabulary.code.repo_files[",
                 "vocabulary.lineage.quantized_names", "vocabulary.lineage.weight_edits.names[",
                 "vocabulary.documents.architecture_files", "vocabulary.documents.tokenizer_files")


def all_patterns() -> dict[str, re.Pattern[str]]:
    vocab = load_vocabulary()
    found = {name: p for name, p in _text_patterns(vocab, "vocabulary") if not name.startswith(NOT_CARD_TEXT)}
    found.update(_text_patterns(load_licences().text, "licenses.text"))
    found.update((f"licenses.aliases[{a.key}].links[{i}]", p)
                 for a in load_licences().aliases for i, p in enumerate(a.link_patterns))
    # vocab.data.any_corpus is left out: it is the corpus patterns side by side, each scanned on its own
    for module in (access, card, documents, extractors, frontmatter, licences, lineage, prose, regulation, repos):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{module.__name__}.{name}"] = value
    return found


PATTERNS = all_patterns()


def _pieces(pattern: re.Pattern[str]) -> set[str]:
    """The words, literal runs and class members a pattern is built from, and its alternatives side by side."""
    found: set[str] = set()

    def walk(items: sre_parse.SubPattern | list) -> str:
        """Collects pieces below; returns the literal text the sequence opens with."""
        run, opening, opened = "", "", False
        for op, av in items:
            if op is sre.LITERAL:
                run += chr(av)
                continue
            if run:
                found.add(run)
            if not opened:
                opening, opened = run, True
            run = ""
            if op is sre.IN:
                found.update(_members(av))
            elif op is sre.BRANCH:
                words = [walk(branch) for branch in av[1]]
                found.add(" ".join(w for w in words if w))
                found.add("".join(w for w in words if w))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                inner = walk(av[2])
                if inner:
                    found.add(inner)
            elif op is sre.SUBPATTERN:
                walk(av[3])
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                walk(av[1])
            elif op is sre.ATOMIC_GROUP:
                walk(av)
            elif op is sre.ANY:
                found.add("a")
        if run:
            found.add(run)
        return run if not opened else opening

    walk(sre_parse.parse(pattern.pattern, pattern.flags))
    return {p for p in found if p}


def _members(items: list) -> set[str]:
    chars = {sre.CATEGORY_DIGIT: "7", sre.CATEGORY_NOT_DIGIT: "x", sre.CATEGORY_SPACE: " ",
             sre.CATEGORY_NOT_SPACE: "x", sre.CATEGORY_WORD: "w", sre.CATEGORY_NOT_WORD: "-"}
    found = set()
    for op, av in items:
        if op is sre.LITERAL:
            found.add(chr(av))
        elif op is sre.RANGE:
            found.update((chr(av[0]), chr(av[1])))
        elif op is sre.CATEGORY:
            found.add(chars.get(av, "x"))
    return found


def _units(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(opening, run) of the near misses: each piece repeated, cut short, with a space; a piece then a
    run of spaces or of its last character."""
    units = {("", unit) for unit in HOSTILE_UNITS}
    for piece in _pieces(pattern):
        units.update((("", piece), ("", piece + " "), ("", piece[:-1] or piece), (piece, " "), (piece, piece[-1])))
    return sorted(units)


def _filled(unit: tuple[str, str], n: int) -> str:
    """A near miss of n characters: the unit's opening once, then its run repeated."""
    opening, run = unit
    return opening + (run * ((n - len(opening)) // len(run) + 1))[:n - len(opening)]


# Patterns the code only ever applies at one position (`pattern.match(text, at)`): their
# work is one attempt there, whatever they would cost searched from every position.
ANCHORED = {"vocabulary.lineage.text_parents.filler", "vocabulary.lineage.text_parents.not_after",
            "vocabulary.lineage.text_parents.not_names", "vocabulary.lineage.text_parents.bare_name",
            "vocabulary.lineage.text_parents.not_models", "vocabulary.lineage.text_parents.sibling_entry",
            "openness.evidence.lineage._SLOT", "openness.evidence.card._FENCE", "openness.evidence.card._HEADING",
            "openness.evidence.card._HTML_HEADING", "openness.evidence.prose._BLOCK_START",
            "openness.evidence.extractors._LIST_ITEM", "openness.evidence.extractors._TABLE_ROW",
            "openness.evidence.extractors._CODE_REPO"}


def _anchored(name: str) -> bool:
    # text_parents fields and the words after a parent phrase (`then`) are matched at one place too
    return name in ANCHORED or name.startswith("vocabulary.lineage.text_parents.fields[") or (
        name.startswith("vocabulary.lineage.text_parents.phrases[") and name.endswith(".then"))


def _work(pattern: re.Pattern[str], text: str, anchored: bool = False) -> float:
    start = time.process_time()  # CPU time of this process: another process taking the core does not count
    if anchored:
        pattern.match(text)
    else:
        for _ in pattern.finditer(text):  # every match, as finditer and sub use it: search alone stops at the first
            pass
    return time.process_time() - start


def _grows_quadratically(pattern: re.Pattern[str], unit: tuple[str, str],
                         anchored: bool = False) -> tuple[bool, float, float]:
    """Whether 4x the text takes far more than 4x the work (best of three, the two sizes timed in turn)."""
    small_text, large_text = _filled(unit, N), _filled(unit, 4 * N)
    small = large = float("inf")
    for _ in range(3):
        small = min(small, _work(pattern, small_text, anchored))
        large = min(large, _work(pattern, large_text, anchored))
    # Linear: about 4x. Quadratic: 16x. A floor keeps timer noise on tiny runs out.
    return large > 10 * max(small, 0.0005), small, large


def test_the_scan_reaches_every_kind_of_pattern():
    names = set(PATTERNS)
    for expected in ("vocabulary.data.size_phrase", "vocabulary.data.corpora[0].pattern",
                     "vocabulary.lineage.text_parents.phrases[0].pattern", "vocabulary.code.not_code",
                     "licenses.text.licence_words", "licenses.text.phrases[0].pattern",
                     "openness.evidence.prose._HTML_LINK", "openness.evidence.lineage._SLOT"):
        assert expected in names
    assert len(PATTERNS) > 150


def test_near_misses_are_built_from_a_patterns_own_pieces():
    units = _units(re.compile(r"\btrained\s+on\s+(?:the\s+)?(web|books)\d+", re.IGNORECASE))
    for expected in ("trained", "traine", "on ", "web books", "7", " ", "1,", "[a]("):
        assert ("", expected) in units
    assert ("trained", " ") in units and _filled(("on", " "), 6) == "on    "


def test_the_check_catches_a_quadratic_pattern():
    assert _grows_quadratically(re.compile(r"\s*x"), ("", " "))[0]  # every start scans the run
    assert _grows_quadratically(re.compile(r"[a-z]+\d+\b"), ("", "a"))[0]
    assert _grows_quadratically(re.compile(r"^a\s*\s*x"), ("a", " "), anchored=True)[0]
    assert not _grows_quadratically(re.compile(r"\bword\b"), ("", "word "))[0]


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_over_card_text_is_linear(name):
    pattern = PATTERNS[name]
    slow = []
    anchored = _anchored(name)
    for unit in _units(pattern):
        small, large = _work(pattern, _filled(unit, N), anchored), _work(pattern, _filled(unit, 4 * N), anchored)
        if large < 8 * max(small, 0.0005):
            continue  # clearly linear already, on one run each
        quadratic, small, large = _grows_quadratically(pattern, unit, anchored)
        if quadratic:
            slow.append(f"{unit!r}: {small * 1000:.1f} ms -> {large * 1000:.1f} ms for 4x")
    assert not slow, f"{name} grows faster than linear on: " + "; ".join(slow[:5])
