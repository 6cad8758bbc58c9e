"""A card's YAML front matter, read defensively, for when the Hub gives no metadata.

The Hub parses front matter itself and sends the result as `cardData`; that stays the
source whenever it is there. When it is not (an older mirror, a listing without it, a
Hub that could not parse the block), the README's own block is read here, because a
licence or dataset list in it is still evidence. Cards are written by anyone, so the
block is bounded in size, YAML aliases are refused outright (an "alias bomb" expands a
few lines into gigabytes), and anything but a mapping is set aside with a reason. A
scalar that YAML would turn into a value Python refuses (a date the calendar lacks, an
integer of thousands of digits) stays the text it was written as, so one odd field costs
that field's meaning, never the model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from openness.evidence.card import split_lines

MAX_FRONT_MATTER_CHARS = 64_000
"""Real front matter runs to a few KB; model-index tables to a few tens."""
MAX_INT_BITS = 64
"""Integers wider than this (a hex or sexagesimal run of digits) are dropped: no card
field needs one, and Python refuses to write one of over 4,300 digits as text or JSON."""


@dataclass(frozen=True)
class FrontMatter:
    """What the README's leading `---` block held, or why it was not used."""

    data: dict[str, Any] | None
    """The mapping, when it could be read."""
    last_line: int
    """README line of the closing `---` (0 when there is no block)."""
    problem: str | None = None
    """Why the block was set aside, in words; None when read or absent."""


class _AliasRefused(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        super().__init__(f"alias at line {line}")
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: no expansion, so no exponential blow-up."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark.line + 2)  # 1-based, after the `---`
        return super().compose_node(parent, index)

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # over Python's 4,300-digit limit for text to integer
            return self.construct_scalar(node)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):  # 2024-02-30, a year 0, an hour 99
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _NoAliasLoader.construct_yaml_int)
_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp)


def read_front_matter(text: str) -> FrontMatter:
    """The leading `---` ... `---` block of a card, parsed as a mapping if it safely can be."""
    lines = split_lines(text)  # numbered as the card parser numbers them
    if not lines or lines[0].strip() != "---":
        return FrontMatter(None, 0)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return FrontMatter(None, 0, "the front matter block is never closed")
    block = "\n".join(lines[1:end])
    if len(block) > MAX_FRONT_MATTER_CHARS:
        return FrontMatter(None, end + 1, f"the front matter is over {MAX_FRONT_MATTER_CHARS:,} characters")
    try:
        data = yaml.load(block, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except _AliasRefused as exc:
        return FrontMatter(None, end + 1, f"the front matter uses YAML aliases (*name, README.md line "
                                          f"{exc.line}), which are never expanded")
    except yaml.YAMLError as exc:
        return FrontMatter(None, end + 1, f"the front matter is not valid YAML ({_first_line(exc)})")
    except RecursionError:
        return FrontMatter(None, end + 1, "the front matter is nested too deeply")
    except (ValueError, OverflowError, TypeError) as exc:  # a value no constructor above foresaw
        return FrontMatter(None, end + 1, f"the front matter holds a value that cannot be read "
                                          f"({type(exc).__name__})")
    if data is None:
        return FrontMatter(None, end + 1)
    if not isinstance(data, dict):
        return FrontMatter(None, end + 1, f"the front matter is a {_kind(data)}, not a mapping of fields")
    return FrontMatter({str(k): _plain(v) for k, v in data.items()}, end + 1)


def _plain(value: Any, depth: int = 0) -> Any:
    """JSON-like values only, as the Hub's cardData would hold: YAML dates become text,
    binary and other tagged values are dropped."""
    if depth > 20:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return None
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return None


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__)


def _first_line(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 2}" if mark is not None else ""  # +1 for 1-based, +1 for the `---`
    return f"{problem}{where}" if problem else " ".join(str(exc).split())[:120]
