"""Paragraphs and sentences rebuilt from card lines, and the headings above a line."""
from __future__ import annotations

from openness.evidence.card import parse_card
from openness.evidence.prose import read_prose


def _line(card, needle):
    return next(line for line in card.lines if needle in line.text)


def test_a_sentence_is_rebuilt_across_wrapped_lines():
    card = parse_card("# M\n\nOur model was trained with the\n[Trainer kit](https://github.com/o/kit) on many\nGPUs. It runs anywhere.\n")
    prose = read_prose(card)
    link = card.links[0]
    assert prose.sentence(link.line, link.url) == "Our model was trained with the Trainer kit on many GPUs."


def test_list_items_and_headings_are_paragraphs_of_their_own():
    card = parse_card("## Links\n- Code: https://github.com/o/a\n  for training and configs\n- Demo: https://github.com/o/b\n")
    prose = read_prose(card)
    first, second = card.links
    assert prose.sentence(first.line, first.url) == "- Code: for training and configs"
    assert prose.sentence(second.line, second.url) == "- Demo:"
    assert prose.headings(second.line.number) == ("Links",)


def test_abbreviations_do_not_end_a_sentence():
    card = parse_card("# M\n\nIt mixes sources (e.g. Books, i.e. novels) into one corpus. Then more.\n")
    prose = read_prose(card)
    line = _line(card, "novels")
    assert prose.sentence(line, "Books") == "It mixes sources (e.g. Books, i.e. novels) into one corpus."


def test_headings_are_listed_outermost_first():
    card = parse_card("# Card\n## Training\n### Software\n- Orchestration: https://github.com/o/x\n")
    prose = read_prose(card)
    assert prose.headings(card.links[0].line.number) == ("Card", "Training", "Software")
