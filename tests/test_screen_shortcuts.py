"""Round-3 shortcuts of the card reading give the plain way's answer: screen.search, the
screen's bulk line lookup, the one-pass sentence words, and data lines found among candidates."""
from __future__ import annotations

import random
import re

from test_regex_linear import PATTERNS
from test_screen import near_texts

from openness.evidence import extractors
from openness.evidence.card import parse_card, plain
from openness.evidence.prose import _URL, _words, read_prose
from openness.evidence.screen import LineScreen, fold, search
from openness.rubric import load_vocabulary

VOCAB = load_vocabulary()
NOISE = ["A", "I", "\u0130", "\u0131", "\u017f", "\u212a", " ", "\n", "-", "_", "*", "[", "]", "(", ")", "1", ".", "许"]


def test_search_answers_as_re_search_does():
    rnd = random.Random(31)  # fixed: the same texts on every run
    matched = 0
    for name, pattern in PATTERNS.items():
        for text in near_texts(pattern, rnd, 12, NOISE):
            expected = pattern.search(text)
            got = search(pattern, text)
            assert (got and got.span(), got and got.group(0)) == (expected and expected.span(),
                                                                  expected and expected.group(0)), (name, text)
            assert (search(pattern, text, fold(text)) is None) == (expected is None)
            matched += expected is not None
    assert matched > 200  # the texts do reach matches, not only misses


def test_a_common_word_s_lines_are_the_lines_holding_it():
    rnd = random.Random(5)
    for _ in range(200):
        count = rnd.randint(0, 30)
        texts = ["".join(rnd.choice(["da", "ta", "DATA", "x ", "\u0130", "é"]) for _ in range(rnd.randint(0, 6)))
                 for _ in range(count)]
        numbers = sorted(rnd.sample(range(1, 100), count))
        screen = LineScreen(numbers, texts)
        for word in ("data", "ta", "i"):
            assert list(screen.lines_holding(word)) == [n for n, t in zip(numbers, texts) if word in fold(t)]


def test_sentence_words_are_plain_then_urls_cut_then_plain():
    rnd = random.Random(9)
    pieces = ["http://a.b/c", "https://x.y/*z_", "[t](https://u.v/w)", "<b>", "</a>", "**", "_", "`", "# ", "|",
              "![", "](", ")", " ", "\t", "word", "http", "://", ">", "<"]
    for _ in range(2000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        assert _words(text) == plain(_URL.sub(" ", plain(text))), repr(text)


CARD = """# Model

Intro line.
We trained it on
the web: a mix of:
- books
- code

  indented tail
After the list.

## Training data

| Source | Share |
|---|---|
| Web | 90% |

## Other

Fine-tuned on **the chats** listed:
* one
* two
Nothing here.
This model was pre_trained for a while.
"""


def test_data_lines_found_among_candidates_are_those_of_the_walk_over_every_line(monkeypatch):
    variants = [CARD, CARD.replace("a mix of:", "a mix"), CARD.replace("## Other", "## Training procedure"),
                CARD * 3, "no words at all\n", ""]
    for text in variants:
        prose = read_prose(parse_card(text))
        found = extractors.data_lines(prose, VOCAB)
        with monkeypatch.context() as patch:  # a screen that names no lines: the walk over every line
            patch.setattr(LineScreen, "lines_with", lambda self, pattern: None)
            walked = extractors.data_lines(read_prose(parse_card(text)), VOCAB)
        assert [line.number for line in found] == [line.number for line in walked], text[:40]
    assert len(extractors.data_lines(read_prose(parse_card(CARD)), VOCAB)) >= 8


def test_search_skips_the_regex_where_no_word_stands():
    class Counting:
        """A pattern stand-in that counts its searches (re.Pattern cannot be subclassed)."""

        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern, self.flags, self.calls = pattern.pattern, pattern.flags, 0
            self._real = pattern

        def search(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
            self.calls += 1
            return self._real.search(text, pos, endpos)

        def match(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:  # first_match's try at one place
            self.calls += 1
            return self._real.match(text, pos, endpos)

    counting = Counting(re.compile(r"\b(trained|tuned)\s+on\b", re.IGNORECASE))
    assert search(counting, "nothing of the kind " * 50) is None  # type: ignore[arg-type]
    assert counting.calls == 0
    assert search(counting, "It was TRAINED on books") is not None  # type: ignore[arg-type]
    assert counting.calls == 1


def test_bibtex_entries_are_found_wherever_they_stand_among_lines_with_and_without_at():
    from openness.evidence.documents import _bibtex_papers
    entry = "@article{acme2024model,\n  title={Acme Model},\n  eprint={2401.00001},\n  archivePrefix={arXiv}\n}\n"
    filler = ["mail me: a@b.c\n", "plain line\n", "@ not an entry\n", "\n"]
    rnd = random.Random(23)
    for _ in range(50):
        parts = [rnd.choice(filler) for _ in range(rnd.randint(0, 6))]
        spot = rnd.randint(0, len(parts))
        text = "".join(parts[:spot]) + entry + "".join(parts[spot:])
        papers = _bibtex_papers(text, frozenset({"acme"}))
        assert [p.source for p in papers] == [f"README.md line {''.join(parts[:spot]).count(chr(10)) + 1}"], text
