"""Making card-derived text safe for each output: terminals, markdown tables."""
from __future__ import annotations

import re

# C0 and C1 control characters (ESC among them) and DEL: a card must not be able to
# move the cursor, recolour or retitle the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
# A lone surrogate (from a `\ud800` escape in card metadata, JSON or YAML) is a valid
# Python str but cannot be written as UTF-8: printing or saving the report would fail.
SURROGATE = re.compile(r"[\ud800-\udfff]")


def one_line(text: str) -> str:
    """Control characters dropped, lone surrogates as U+FFFD, all whitespace, newlines
    too, as single spaces."""
    return _SPACES.sub(" ", SURROGATE.sub("\ufffd", _CONTROL.sub("", text))).strip()


def shorten(text: str, width: int) -> str:
    """At most `width` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def markdown_cell(text: str) -> str:
    """Text for a GitHub table cell: one line, no raw HTML, pipes and markup escaped."""
    flat = one_line(text)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\|`*_\[\]])", r"\\\1", flat)


# One table for every renderer, so a gate reads the same in each.
GATE_WORDS = {False: "none", "auto": "click-through", "manual": "manual approval", "unknown": "unknown gate"}


def gate_words(gated: bool | str) -> str:
    """How a gate value reads to a person."""
    return GATE_WORDS.get(gated, one_line(str(gated)))


def headline(reasons: list[str]) -> str:
    """The first reason without its 'level N:' prefix."""
    first = reasons[0] if reasons else ""
    return re.sub(r"^level \d: ", "", first)
