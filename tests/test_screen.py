"""The needle screen: it skips a regex only where the regex cannot match (openness/evidence/screen.py)."""
from __future__ import annotations

import random
import re
from collections.abc import Iterator

from test_regex_linear import PATTERNS, _pieces

from openness.evidence import extract_evidence, extractors
from openness.evidence.card import parse_card
from openness.evidence.screen import _ASCII_PARTNERS, LineScreen, fold, might_match, needles
from openness.models import CardFile, ModelSnapshot
from openness.rubric import load_licences, load_vocabulary

VOCAB, LICENCES = load_vocabulary(), load_licences()


def test_needles_are_words_every_match_holds():
    assert needles(re.compile(r"\bthe\s+pile\b|\bpile-?dedup", re.IGNORECASE)) == ("dedup", "pile")
    assert needles(re.compile(r"\b(m?c4)\b|colossal\s+clean", re.IGNORECASE)) == ("c4", "colossal")
    assert needles(re.compile(r"(?:trained|fine-?tuned)\s+on", re.IGNORECASE)) == ("trained", "tuned")
    assert needles(re.compile(r"许可|协议")) == ("协议", "许可")
    assert needles(re.compile(r"(?:ab)+cd")) == ("ab",)  # a repeat taken at least once counts


def test_a_pattern_that_can_match_without_a_word_is_never_screened():
    for pattern in (r"\d+\s*(tokens|)", r"(word)?\s+x", r"(word)*", r"[a-z]+\d", r"x", r"(?=word)\w"):
        assert needles(re.compile(pattern, re.IGNORECASE)) is None, pattern


def test_the_ascii_partners_are_every_character_re_matches_to_ascii_ignoring_case():
    others = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    found = {m.group(): [a for a in map(chr, range(128)) if re.fullmatch(re.escape(a), m.group(), re.IGNORECASE)]
             for m in re.finditer(r"[\x00-\x7f]", others, re.IGNORECASE)}
    assert {chr(k): v for k, v in _ASCII_PARTNERS.items()} == {c: a[-1] for c, a in found.items()}
    assert all(len({x.lower() for x in a}) == 1 for a in found.values())


def test_lookalikes_that_re_matches_are_not_screened_out():
    pile = re.compile(r"\bthe\s+pile\b", re.IGNORECASE)
    for text in ("THE PILE", "the P\u0130LE", "the p\u0131le", "The Pile"):  # dotted and dotless i
        assert pile.search(text) and might_match(pile, text), text
    kelvin = re.compile(r"\bkernel\b", re.IGNORECASE)
    assert kelvin.search("\u212aernel") and might_match(kelvin, "\u212aernel")
    long_s = re.compile(r"\bsafe\b", re.IGNORECASE)
    assert long_s.search("\u017fafe") and might_match(long_s, "\u017fafe")
    assert fold("D\u0130V") == "div"


# Characters that make near misses: case partners, markup, spaces, digits.
NOISE = ["A", "i", "I", "\u0130", "\u0131", "\u017f", "\u212a", " ", "\n", "-", "_", "*", "[", "]", "(", ")",
         "1", ".", ",", "/", "é", "许"]


def near_texts(pattern: re.Pattern[str], rnd: random.Random, count: int, noise: list[str] = NOISE) -> Iterator[str]:
    """Texts made of the pattern's own pieces and `noise`, some upper-cased: matches and near misses."""
    pieces = sorted(_pieces(pattern)) + noise
    for _ in range(count):
        parts = [rnd.choice(pieces) for _ in range(rnd.randint(1, 8))]
        yield "".join(p.upper() if rnd.random() < 0.3 else p for p in parts)


def test_no_pattern_is_screened_out_where_it_matches():
    rnd = random.Random(13)  # fixed: the same texts on every run
    matched = 0
    for name, pattern in PATTERNS.items():
        for text in near_texts(pattern, rnd, 60):
            if pattern.search(text):
                matched += 1
                assert might_match(pattern, text), (name, text)
    assert matched > 1000  # the texts do reach matches, not only misses


def test_the_line_screen_names_the_lines_a_pattern_might_match():
    card = parse_card("# A\n\nThe PILE is here\nnothing\n[x](y) the p\u0131le\n")
    pile = re.compile(r"\bthe\s+pile\b", re.IGNORECASE)
    assert card.screen.lines_with(pile) == {3, 5}
    assert card.screen.lines_with(re.compile(r"x|\d")) is None
    screen = LineScreen([7, 8], ["a pile", "pile pile pile"])
    assert screen.lines_with(pile) == {7, 8}
    assert screen.lines_with_any([pile, re.compile("nothing")]) == {7, 8}


def test_lines_that_hold_no_word_of_a_pattern_are_not_read_by_it(monkeypatch):
    """On a long card of filler, markup is stripped from a handful of lines, not from each (it was twice each)."""
    calls = []
    real_plain = extractors.plain
    monkeypatch.setattr(extractors, "plain", lambda text: calls.append(text) or real_plain(text))
    text = ("# M\n\n## Training data\n\nTrained on [the Pile](https://huggingface.co/datasets/o/pile).\n"
            + "filler line of a very long card\n" * 5000)
    snapshot = ModelSnapshot(repo_id="t/m", sha="0" * 40, siblings=["model.safetensors"],
                             card=CardFile(status="ok", text=text))
    found = extract_evidence(snapshot, VOCAB, LICENCES)
    assert found.signals["data.public_corpora"] == 1
    assert len(calls) < 100, f"markup stripped {len(calls)} times for 5,000 filler lines"
