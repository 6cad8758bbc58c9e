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

Two readers give the same results: libyaml's (C, about five times faster on real cards,
where model-index tables make most of the text) when PyYAML was built with it, and the
pure-Python one otherwise. The pure one is the reference: the C reader composes the
block, then builds the plain values it holds itself, and hands the block to the pure
reader for anything out of the ordinary (an alias, a tag or merge key, a key that is not
a scalar, deep nesting, any error), so every problem is worded by one reader only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


MAX_FRONT_MATTER_CHARS = 64_000
"""Real front matter runs to a few KB; model-index tables to a few tens."""
MAX_INT_BITS = 64
"""Integers wider than this (a hex or sexagesimal run of digits) are dropped: no card
field needs one, and Python refuses to write one of over 4,300 digits as text or JSON."""
MAX_FAST_DEPTH = 64
"""Nesting the C reader builds itself. Real front matter nests a few levels (a model-index
six); deeper blocks go to the pure reader, which refuses some as nested too deeply."""

_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _SEQ, _MAP = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
_PLAIN_SCALARS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Where openness.evidence.card.split_lines splits, so lines are numbered as the card parser numbers them."""
_SCANNERS_DIFFER = re.compile("[\t\ufeff\x85\u2028\u2029]|(?<![^\\s\\[{,:])!|[|>][-+0-9]*#")
"""Text that libyaml's scanner and PyYAML's read apart: libyaml takes a tab as blank space
where PyYAML refuses it, reads a byte-order mark or a Unicode line break inside the text
its own way, resolves a `!`-tagged empty value to text where PyYAML makes it null, and
takes a comment right after a block scalar's `|+` where PyYAML refuses it. A tag opens a
node, so only a `!` at the start or after a blank, `[`, `{`, `,` or `:` can be one: the
`!` inside words and sentences ("Hello!") is plain text to both."""


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


def _int_or_text(loader: Any, node: Any) -> Any:
    try:
        return SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:  # over Python's 4,300-digit limit for text to integer
        return loader.construct_scalar(node)


def _timestamp_or_text(loader: Any, node: Any) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):  # 2024-02-30, a year 0, an hour 99
        return loader.construct_scalar(node)


class _NoAliasLoader(yaml.SafeLoader):
    """The pure reader: a SafeLoader that refuses aliases (no expansion, so no
    exponential blow-up)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark.line + 2)  # 1-based, after the `---`
        return super().compose_node(parent, index)


def _float(loader: Any, node: Any) -> Any:
    """SafeConstructor's float, without its text handling for the plain decimals a
    model-index is full of. Python's float() reads what YAML reads there (underscores
    between digits included); what it refuses (`.inf`, `1:30`, `_1`) and anything with an
    n (a NaN's sign is kept by float() and dropped by YAML's) take YAML's own road."""
    value = node.value
    if "n" not in value and "N" not in value:
        try:
            return float(value)
        except ValueError:
            pass
    return SafeConstructor.construct_yaml_float(loader, node)


_NoAliasLoader.add_constructor(_INT, _int_or_text)
_NoAliasLoader.add_constructor(_TIMESTAMP, _timestamp_or_text)


_RESOLVED: dict[tuple[Any, Any, Any], Any] = {}
MAX_REMEMBERED = 50_000
"""Tags remembered at most (a few MB); the memory is then cleared and starts again."""
MAX_REMEMBERED_CHARS = 80
"""Only short texts are remembered: the ones that repeat, and a bound on the memory."""

_C_LOADER: type | None = None
"""The C reader's loader class; None when PyYAML was built without libyaml."""
if yaml.__with_libyaml__:
    class _LibyamlLoader(yaml.CSafeLoader):
        """libyaml's parser and composer, with the same constructors as the pure reader."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """The tag of an untagged node, remembered: real blocks repeat the same few
            keys and values (a model-index its `type:` and `value:` hundreds of times), and
            the regexes that decide whether a text is a number, a date or null would run
            for each. The answer depends on nothing else while no path resolver is set."""
            if self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            key = (kind, value, implicit)
            tag = _RESOLVED.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if value is None or len(value) <= MAX_REMEMBERED_CHARS:
                    if len(_RESOLVED) >= MAX_REMEMBERED:
                        _RESOLVED.clear()
                    _RESOLVED[key] = tag
            return tag

    _LibyamlLoader.add_constructor(_FLOAT, _float)
    _LibyamlLoader.add_constructor(_INT, _int_or_text)
    _LibyamlLoader.add_constructor(_TIMESTAMP, _timestamp_or_text)
    _C_LOADER = _LibyamlLoader


class _Unusual(Exception):
    """What the C reader leaves to the pure one."""


def _load(block: str) -> Any:
    """The block's value: built from libyaml's nodes when it is plain, by the pure reader
    otherwise (which raises the same errors either way: it is the only one that words them)."""
    if _C_LOADER is not None and _scanners_agree(block):
        try:
            return _load_c(_C_LOADER, block)
        except Exception:  # noqa: BLE001 (any failure: the reference reader fails the same way and words it)
            pass
    return yaml.load(block, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)


def _scanners_agree(block: str) -> bool:
    """Whether libyaml reads `block` as PyYAML does, as far as a cheap look can tell: a few
    real blocks in a hundred are left to PyYAML, which costs only time."""
    if _SCANNERS_DIFFER.search(block):
        return False
    # libyaml lets a plain value inside [ ] or { } hold a `?` (a URL's query); PyYAML ends it
    # there. A line that opens with `#` is a comment, or text of a quoted or block scalar:
    # a `?` there is no plain value's (the Hub's template links its spec so, `?plain=1`).
    if "?" not in block or ("[" not in block and "{" not in block):
        return True
    return not any("?" in line and not line.lstrip().startswith("#") for line in block.split("\n"))


def _load_c(loader_class: type, block: str) -> Any:
    loader = loader_class(block)  # a lone surrogate fails here (UnicodeEncodeError)
    try:
        node = loader.get_single_node()
        # an alias needs an anchor (`&name`): without one there is no alias to look for
        return None if node is None else _build(loader, node, set() if "&" in block else None, 0)
    finally:
        loader.dispose()


def _build(loader: Any, node: Any, seen: set[int] | None, depth: int) -> Any:
    """What SafeConstructor makes of a plain node: strings, numbers, booleans, null,
    dates, lists and mappings with scalar keys; _Unusual for anything else.

    The C composer does not call a Python `compose_node`, so an alias cannot be refused
    as it is read; it comes back as the very node its anchor named, reached a second
    time here. Each node is visited once, so the walk is linear however the aliases nest.
    """
    if depth > MAX_FAST_DEPTH:
        raise _Unusual
    if seen is not None:
        if id(node) in seen:
            raise _Unusual
        seen.add(id(node))
    tag = node.tag
    if isinstance(node, ScalarNode) and tag in _PLAIN_SCALARS:
        return node.value if tag == _STR else loader.yaml_constructors[tag](loader, node)
    if isinstance(node, SequenceNode) and tag == _SEQ:
        return [_build(loader, child, seen, depth + 1) for child in node.value]
    if isinstance(node, MappingNode) and tag == _MAP:
        out = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag not in _PLAIN_SCALARS:  # `<<` merges, `=`, complex keys
                raise _Unusual
            out[_build(loader, key, seen, depth + 1)] = _build(loader, value, seen, depth + 1)
        return out
    raise _Unusual  # a tag of its own, !!binary, !!set, !!omap: rare, and left to the reference


def read_front_matter(text: str, leave_out: frozenset[str] = frozenset()) -> FrontMatter:
    """The leading `---` ... `---` block of a card, parsed as a mapping if it safely can be.

    `leave_out`: top-level fields the caller will never read (a scan without framework
    rubrics never reads `model-index`, nine tenths of the front matter text of a dump).
    Each is left out of the result, and left unparsed where its lines can be told apart
    (`_without_fields`)."""
    found = _find_block(text)
    if found is None:
        return FrontMatter(None, 0)
    end, block = found  # end: the closing line, counted from 0 as split_lines counts
    if block is None:
        return FrontMatter(None, 0, "the front matter block is never closed")
    if len(block) > MAX_FRONT_MATTER_CHARS:
        return FrontMatter(None, end + 1, f"the front matter is over {MAX_FRONT_MATTER_CHARS:,} characters")
    shorter = _without_fields(block, leave_out) if leave_out else None
    if shorter is not None:
        return FrontMatter(shorter, end + 1)
    try:
        data = _load(block)
    except _AliasRefused as exc:
        return FrontMatter(None, end + 1, f"the front matter uses YAML aliases (*name, README.md line "
                                          f"{exc.line}), which are never expanded")
    except yaml.YAMLError as exc:
        return FrontMatter(None, end + 1, f"the front matter is not valid YAML ({_first_line(exc)})")
    except RecursionError:
        return FrontMatter(None, end + 1, "the front matter is nested too deeply")
    # A value no constructor above foresaw: an explicit tag on text it cannot hold
    # (`!!bool x` a KeyError, `!!int` with no digits an IndexError, `!!timestamp x`).
    except (ValueError, OverflowError, TypeError, LookupError, AttributeError) as exc:
        return FrontMatter(None, end + 1, f"the front matter holds a value that cannot be read "
                                          f"({type(exc).__name__})")
    if data is None:
        return FrontMatter(None, end + 1)
    if not isinstance(data, dict):
        return FrontMatter(None, end + 1, f"the front matter is a {_kind(data)}, not a mapping of fields")
    return FrontMatter({str(k): _plain(v) for k, v in data.items() if str(k) not in leave_out}, end + 1)


def _without_fields(block: str, fields: frozenset[str]) -> dict[str, Any] | None:
    """The block's mapping without `fields`, read without parsing their lines; None when
    that cannot be done safely (the caller then parses the whole block and drops them).

    A field is cut by lines only when its lines are plainly its own: its key stands alone
    at the start of a line (`model-index:`, a block value follows), the text before it
    reads as a mapping on its own (so no quote, bracket or block scalar is still open
    there), its value's lines are indented, `- ` items, comments or blank, and hold no
    quote, bracket, anchor, alias or tag (so nothing opened there runs on past them), and
    the line after them starts the next field. What is left then reads as the whole block
    reads, less those fields. One difference remains by design: a field that is not valid
    YAML is never parsed, so it no longer costs the fields around it.
    """
    if "&" in block or "*" in block:  # an alias may cross a cut: parse it all (aliases are refused there)
        return None
    lines = block.split("\n")
    kept: list[str] = []
    index, cut, checked = 0, False, 0
    while index < len(lines):
        line = lines[index]
        key = line.rstrip(" ")
        if not (key.endswith(":") and key[:-1] in fields):
            kept.append(line)
            index += 1
            continue
        # Only the lines kept since the last cut are read: nothing was left open before that
        # cut and they open with a field (the line after a cut must start one), so they read
        # alone as they read after the lines above. Reading every line kept at every cut was
        # quadratic (40 s for a 64 KB block repeating `a: 1` and `model-index:`).
        if not _reads_alone(kept[checked:]):
            return None
        checked = len(kept)
        index += 1
        while index < len(lines) and _inside_value(lines[index]):
            if _may_run_on(lines[index]):
                return None
            index += 1
        if index < len(lines) and not _starts_field(lines[index]):
            return None
        cut = True
    if not cut:
        return None
    try:
        data = _load("\n".join(kept))
    except Exception:  # noqa: BLE001 (the whole block is then parsed, and any problem worded from it)
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        return None
    return {str(k): _plain(v) for k, v in data.items() if str(k) not in fields}


_CUT_UNSAFE = re.compile("[\"'!\t]")
"""What may open or close a quote across lines, or be read apart by the two YAML
readers (a tag, a tab)."""
_FIELD_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_FIELD_CHARS = _FIELD_START | frozenset(" .-/")


def _starts_field(line: str) -> bool:
    """Whether a line starts a plain top-level field (`name: ...`, `base_model:`)."""
    key, colon, rest = line.partition(":")
    return (bool(colon) and bool(key) and key[0] in _FIELD_START and rest[:1] in ("", " ")
            and set(key) <= _FIELD_CHARS)


def _may_run_on(line: str) -> bool:
    """Whether something opened on this line may run on past it: a quote, or a flow
    bracket left open (`results: []` closes its own; a `#` may hide a closing one)."""
    if _CUT_UNSAFE.search(line):
        return True
    if "[" in line or "]" in line or "{" in line or "}" in line:
        return "#" in line or line.count("[") != line.count("]") or line.count("{") != line.count("}")
    return False


def _inside_value(line: str) -> bool:
    """Whether a line belongs to a top-level field's block value: indented, a `- ` item at
    the margin, a comment or blank."""
    return not line or line[0] in " #" or line == "-" or line.startswith("- ")


def _reads_alone(lines: list[str]) -> bool:
    """Whether these lines parse as a mapping (or nothing) by themselves."""
    try:
        data = _load("\n".join(lines)) if lines else None
    except Exception:  # noqa: BLE001 (not alone: parse the whole block)
        return False
    return data is None or isinstance(data, dict)


def _find_block(text: str) -> tuple[int, str | None] | None:
    """Where the card's leading block ends and what it holds, its lines joined by "\n",
    as `split_lines` would split and number them; None when the card does not open with
    `---`, a None block when it is never closed.

    Only the lines up to the closing one are read: a card runs to a megabyte, its front
    matter to a few KB. A closing line holds `---` or `...`, so the search jumps from one
    to the next; each line is looked at once, whatever the card holds."""
    first = _LINE_BREAK.search(text)
    if (text[:first.start()] if first else text).strip() != "---":
        return None
    body = first.end() if first else len(text)
    pos, dashes, dots = body, text.find("---", body), text.find("...", body)
    while dashes >= 0 or dots >= 0:
        hit = min(p for p in (dashes, dots) if p >= 0)
        start = max(text.rfind("\n", pos, hit), text.rfind("\r", pos, hit), pos - 1) + 1
        brk = _LINE_BREAK.search(text, hit)
        stop = brk.start() if brk else len(text)
        if text[start:stop].strip() in ("---", "..."):
            before = start - (2 if text.startswith("\r\n", start - 2) else 1)  # the break ending the last line inside
            line = text.count("\n", 0, start) + text.count("\r", 0, start) - text.count("\r\n", 0, start)
            return line, _LINE_BREAK.sub("\n", text[body:before]) if before > body else ""
        pos = brk.end() if brk else len(text)
        if 0 <= dashes < pos:  # -1: none left, never searched for again
            dashes = text.find("---", pos)
        if 0 <= dots < pos:
            dots = text.find("...", pos)
    return 0, None


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
