"""Making card-derived text safe for each output: terminals, markdown tables."""
from __future__ import annotations

import re

# C0 and C1 control characters (ESC among them) and DEL: a card must not be able to
# move the cursor, recolour or retitle the user's terminal. Tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters a terminal does not show but that change what is shown: BiDi embeddings,
# overrides and isolates (U+202A-202E, U+2066-2069) and marks (U+061C, U+200E-200F)
# reorder the text around them ("Trojan source"); zero-width and invisible characters
# (U+200B-200D, U+2060-2064, U+FEFF), the deprecated format characters (U+206A-206F),
# interlinear annotations (U+FFF9-FFFB) and tag characters (U+E0000-E007F) hide words
# or smuggle text a reader cannot see.
_INVISIBLE = re.compile(
    "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]")
# Line and paragraph separators end a line in some terminals: a space, as other spacing.
_SEPARATORS = re.compile("[\u2028\u2029]")
_SPACES = re.compile(r"\s+")
# A lone surrogate (from a `\ud800` escape in card metadata, JSON or YAML) is a valid
# Python str but cannot be written as UTF-8: printing or saving the report would fail.
SURROGATE = re.compile(r"[\ud800-\udfff]")


def one_line(text: str) -> str:
    """Control characters dropped, lone surrogates as U+FFFD, all whitespace, newlines
    too, as single spaces. What files keep (CSV, markdown, HTML): other characters stay."""
    return _SPACES.sub(" ", SURROGATE.sub("\ufffd", _CONTROL.sub("", text))).strip()


def for_terminal(text: str) -> str:
    """Text as it may reach a terminal: the one sanitiser every terminal path uses
    (tables, --details, explain, stderr lines, warnings, the progress bar).

    Control characters, BiDi controls and invisible characters are dropped, lone
    surrogates become U+FFFD; newlines and tabs stay, so a whole page can pass through.
    """
    return _SEPARATORS.sub(" ", _INVISIBLE.sub("", SURROGATE.sub("\ufffd", _CONTROL.sub("", text))))


def terminal_line(text: str) -> str:
    """`for_terminal` on one line: all whitespace, newlines too, as single spaces, so
    third-party text cannot start a line of its own that looks like ours."""
    return one_line(for_terminal(text))


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


# Colour for the verdict words on a terminal (SGR: green, yellow, red, dim). Only the
# terminal renderer adds these, to cells it has already sanitised: they are the one kind
# of escape sequence our output carries, and never text from a card or the Hub.
_VERDICT_SGR = {"open": "32", "partial": "33", "closed": "31", "unknown": "2"}
_RESET = "\x1b[0m"
_VERDICT_WORD = re.compile(r"(open|partial|closed|unknown)\b")
# Exactly the sequences above, no other: what `for_terminal_keeping_colour` lets through.
_OUR_SGR = re.compile("(\x1b\\[(?:32|33|31|2|0)m)")


def paint_verdict(cell: str) -> str:
    """A sanitised cell with its leading verdict word coloured; other cells unchanged."""
    found = _VERDICT_WORD.match(cell)
    if not found:
        return cell
    word = found.group(1)
    return f"\x1b[{_VERDICT_SGR[word]}m{word}{_RESET}{cell[found.end():]}"


def for_terminal_keeping_colour(text: str) -> str:
    """`for_terminal` on everything but our own verdict colours (`paint_verdict`'s exact
    sequences): the last pass over a coloured table still drops every other escape."""
    pieces = _OUR_SGR.split(text)  # odd indices are the separators: our sequences
    return "".join(piece if index % 2 else for_terminal(piece) for index, piece in enumerate(pieces))
