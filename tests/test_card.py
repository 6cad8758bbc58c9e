"""The card parser's code fences, read as CommonMark reads them (synthetic cards)."""
from __future__ import annotations

from helpers import assert_linear

from openness.evidence.card import parse_card


def body(text: str) -> list[str]:
    return [line.text for line in parse_card(text).lines]


def test_inline_triple_backtick_span_is_not_a_fence():
    text = "Run ```pip install x``` first.\n# Training data\nWe used the Pile.\n"
    card = parse_card(text)
    assert [s.title for s in card.sections] == ["Training data"]
    assert "We used the Pile." in body(text)


def test_backtick_fence_with_info_string_hides_its_content():
    text = "```python title\n# not a heading\n```\n# Real\n"
    assert [s.title for s in parse_card(text).sections] == ["Real"]


def test_closing_fence_must_be_as_long_as_the_opener_and_of_the_same_character():
    text = "````\n```\n~~~~~\n# still code\n````\n# After\n"
    assert body(text) == ["# After"]
    text = "~~~\n```\n# still code\n~~~~\n# After\n"
    assert body(text) == ["# After"]


def test_a_closing_fence_has_nothing_but_the_run_on_its_line():
    text = "```\n``` not closed\n# still code\n```\n# After\n"
    assert body(text) == ["# After"]


def test_tilde_fence_may_hold_backticks_in_its_info_string():
    text = "~~~ `weird` info\n# code\n~~~\n# After\n"
    assert body(text) == ["# After"]


def test_fence_nested_in_a_list_item_is_still_a_fence():
    text = "- step:\n    ```bash\n    # comment\n    ```\n# After\n"
    assert body(text) == ["- step:", "# After"]


def test_fence_reading_stays_linear_on_a_long_line_of_backticks():
    assert_linear(lambda n: ("```" + "`" * n + " x" * n + "\n") * 4 + "```" * n + "\n", parse_card, 100_000)
