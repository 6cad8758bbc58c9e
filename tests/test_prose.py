"""Paragraphs and sentences rebuilt from card lines, and the headings above a line."""
from __future__ import annotations

from helpers import assert_linear

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


# ---- link texts --------------------------------------------------------------------------

def test_a_link_text_is_the_first_link_on_the_line_whose_target_starts_with_the_url():
    card = parse_card('# M\n\n[one](https://x.org/a/b) <a href="https://x.org/c">three</a> [two](https://x.org/a) '
                      "and a bare https://x.org/d here\n")
    prose = read_prose(card)
    by_url = {link.url: prose.anchor(link) for link in card.links}
    # "https://x.org/a" is a prefix of the first target: the first link on the line wins
    assert by_url == {"https://x.org/a/b": "one", "https://x.org/c": "three", "https://x.org/a": "one",
                      "https://x.org/d": None}


def test_the_texts_of_thousands_of_links_on_one_line_cost_linear_time():
    def line_of(n: int):
        card = parse_card("# M\n\n" + " ".join(f"[set {i}](https://hf.co/datasets/o/d{i}) "
                                                 f'<a href="https://x.org/{i}">page {i}</a>' for i in range(n)) + "\n")
        return card, read_prose(card)

    def texts(read) -> None:
        card, prose = read
        found = [prose.anchor(link) for link in card.links]
        assert found[0] == "set 0" and found[-1] == f"page {len(card.links) // 2 - 1}"

    # Linear: about 4x. Quadratic (each link rescanning the line): 16x.
    assert_linear(line_of, texts, 300, factor=4, floor=0.002)
