"""Faster forms of a search give re's own answer (openness/evidence/screen.py first_match,
the markup pattern of openness/evidence/card.py): the same first match, span and groups."""
from __future__ import annotations

import random
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st
from test_regex_linear import PATTERNS
from test_screen import near_texts

from openness.evidence.card import _MARKUP, plain
from openness.evidence.screen import _CHARS_PER_TRY, _OPENINGS_TRIED, all_matches, first_match, fold, leads


def same(found: re.Match[str] | None, expected: re.Match[str] | None) -> bool:
    if found is None or expected is None:
        return found is expected
    return (found.span(), found.groups()) == (expected.span(), expected.groups())


def test_lead_words_are_the_words_every_match_opens_with():
    def of(pattern: str) -> tuple[str, ...] | None:
        return leads(re.compile(pattern, re.IGNORECASE))

    assert of(r"\b(intermediate\s+checkpoints?|checkpoints?\s+at)") == ("checkpoint", "intermediate")
    assert of(r"\bthe\s+pile\b|\bpile-?dedup") == ("pile-", "pilededup", "the")
    assert of(r"(?:huggingface|hf)\.co/") == ("hf", "huggingface")  # the parser made it h(?:uggingface|f)
    assert of(r"\brevision|revisions?/branches|\d{2,5}\s+checkpoints") == ("", "revision")  # "": a digit
    assert of(r"(?<!open)\bwebtext\b") == ("webtext",)
    assert of(r"\b(trained|(pre-?)?training\s+data)") == ("pre", "trained", "training")  # an optional opening
    assert of(r"licen[cs]e") == ("licen",)
    assert of(r"许可|协议") == ("协议", "许可")
    for pattern in (r"(ab)?", r"a?b?", r"\d|x", r"(^|/)gpt", r"x|yz", r"[Aa]pache", r"(?=ab)\w+"):
        assert of(pattern) is None, pattern  # a match may open with something else, or with nothing


def test_first_match_gives_search_s_answer_on_every_vocabulary_pattern():
    rnd = random.Random(17)  # fixed: the same texts on every run
    matched = 0
    for name, pattern in PATTERNS.items():
        for text in near_texts(pattern, rnd, 40):
            for variant in (text, "x" + text, "é" + text + "a", text.upper()):  # word characters around it
                expected = pattern.search(variant)
                matched += expected is not None
                assert same(first_match(pattern, variant), expected), (name, variant)
                assert same(first_match(pattern, variant, fold(variant)), expected), (name, variant)
    assert matched > 2000  # the texts do reach matches, not only misses


OPENINGS = ["the", "THE", "The", "pile", "PİLE", "pıle", "ſafe", "\u212aernel", "kernel", "train", "pre-",
            "training", "data", "x", "_", "é", "ü", "1", "٣", "7B", " ", "\n", "-", ".", "許可"]
SAMPLE = [re.compile(p, flags) for p in (
    r"\bthe\s+pile\b|\bpile-?dedup", r"\b(pre-?)?train(ing|ed)?\b", r"(?<![\w.])data\b", r"\bsafe|kernel\b",
    r"train\w*\s+data", r"(?<=-)training", r"\b許可", r"\b\d+\s*(b|m)\b|model") for flags in (re.IGNORECASE, 0)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(OPENINGS), st.text(max_size=3)), max_size=12).map("".join),
       st.sampled_from(SAMPLE))
def test_first_match_agrees_with_search_on_generated_texts(text, pattern):
    assert same(first_match(pattern, text), pattern.search(text))


class Counted:
    """A pattern that counts the tries made with it (re.Pattern cannot be subclassed)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.flags, self._compiled, self.calls = pattern.pattern, pattern.flags, pattern, 0

    def match(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        self.calls += 1
        return self._compiled.match(text, pos, endpos)

    def search(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        self.calls += 1
        return self._compiled.search(text, pos, endpos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        self.calls += 1
        return self._compiled.finditer(text)


def test_a_lead_word_that_stands_everywhere_is_tried_a_few_times_then_searched():
    pattern = Counted(re.compile(r"\bdata\s+card\b", re.IGNORECASE))
    text = "metadata data, " * 1000 + "Data Card"
    found = first_match(pattern, text)  # type: ignore[arg-type]
    assert found is not None and found.start() == len(text) - 9
    places = text.lower().count("data")
    # Not one try per place (2,000 of them): the search takes over after those a text this long allows.
    assert pattern.calls == _OPENINGS_TRIED + len(text) // _CHARS_PER_TRY + 1 < places / 4


MARKS = ["<", ">", "<b>", "</a>", "*", "_", "`", "#", "|", "!", "![", "[", "]", "](", ")", "(", "](x)", " ", "a"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(MARKS), st.text(max_size=3)), max_size=16).map("".join))
def test_markup_marks_as_alternatives_remove_what_the_class_did(text):
    as_class = re.compile(r"<[^>]{0,200}>|[*_`>#|]|!\[|\]\([^)]{0,200}\)|\[|\]")
    assert _MARKUP.sub(" ", text) == as_class.sub(" ", text)
    assert plain(text) == " ".join(as_class.sub(" ", text).split())


SENTENCE_PIECES = [".", "!", "?", "。", "！", "？", " ", "  ", "\n", "\t", "\u3000", "<br>", "<BR/>", "<br >", "<b", "e.g.",
                   "etc.", "a", "Word", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SENTENCE_PIECES), st.text(max_size=2)), max_size=16).map("".join),
       st.integers(0, 40), st.integers(0, 40))
def test_sentence_ends_found_from_their_marks_are_those_of_the_lookbehind_pattern(text, low, high):
    from openness.evidence.prose import _SENTENCE_END, _sentence_ends
    low, high = min(low, len(text)), min(max(low, high), len(text))
    assert list(_sentence_ends(text, low, high)) == [m.span() for m in _SENTENCE_END.finditer(text, low, high)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(OPENINGS), st.text(max_size=3)), max_size=12).map("".join),
       st.sampled_from(SAMPLE), st.integers(-2, 40), st.one_of(st.none(), st.integers(-2, 40)))
def test_first_match_in_a_part_and_every_match_agree_with_re(text, pattern, pos, endpos):
    expected = pattern.search(text, pos, len(text) if endpos is None else endpos)
    assert same(first_match(pattern, text, None, pos, endpos), expected)
    assert same(first_match(pattern, text, fold(text), pos, endpos), expected)
    assert [m.span() for m in all_matches(pattern, text)] == [m.span() for m in pattern.finditer(text)]


def test_every_match_of_a_long_text_is_found_with_one_try_each():
    pattern = Counted(re.compile(r"\b\d+\s*b\b", re.IGNORECASE))  # a digit leads: tried as 0-9 in ASCII text
    text = "a 7B model, " * 2000
    assert len(list(all_matches(pattern, text))) == 2000  # type: ignore[arg-type]
    assert pattern.calls == 2000  # one try where each match starts, none elsewhere
    assert [m.span() for m in all_matches(pattern, text + "٣b")] == [  # type: ignore[arg-type]
        m.span() for m in re.finditer(r"\b\d+\s*b\b", text + "٣b", re.IGNORECASE)]  # another digit: re's own
