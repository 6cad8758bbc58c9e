"""The table on a terminal: verdict words in colour (never piped, never with NO_COLOR,
never anything but our own colour codes) and reasons cut at the terminal's width."""
from __future__ import annotations

import re

from helpers import cli, cli_on_a_terminal

from openness.render.terminal import REASON_WIDTH
from openness.render.text import for_terminal_keeping_colour, paint_verdict

THREE = ["openlab/atlas-7b", "railco/meadow-3b", "ncco/lumen-2b"]
ESC = "\x1b"
OUR_COLOUR = re.compile("\x1b\\[(?:32|33|31|2|0)m")
LONG = "kids/child-01"  # a single model: the block view, reasons in their own column


def on_a_terminal(args: list[str], endpoint: str, **env: str) -> str:
    """What the CLI writes to stdout when stdout is a pseudo-terminal."""
    return cli_on_a_terminal(*args, env={"HF_ENDPOINT": endpoint, "TERM": "xterm", **env},
                             unset=("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERM"))


def test_verdicts_are_coloured_on_a_terminal_only(hub_url, monkeypatch):
    coloured = on_a_terminal(["score", *THREE], hub_url, COLUMNS="200")
    assert "\x1b[32mopen\x1b[0m" in coloured or "\x1b[31mclosed\x1b[0m" in coloured
    assert not OUR_COLOUR.sub("", coloured).count(ESC)  # our codes, and no other
    single = on_a_terminal(["score", THREE[0]], hub_url, COLUMNS="200")
    assert OUR_COLOUR.search(single)
    assert ESC not in on_a_terminal(["score", *THREE], hub_url, NO_COLOR="1")
    assert OUR_COLOUR.search(on_a_terminal(["score", *THREE], hub_url, NO_COLOR=""))  # empty: no effect
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    piped = cli("score", *THREE, endpoint=hub_url)
    assert piped.stdout and ESC not in piped.stdout
    # Colour does not change the text: without its codes it is the piped table.
    assert OUR_COLOUR.sub("", coloured).strip() == piped.stdout.strip()


def test_force_color_colours_a_pipe_but_never_a_file(hub_url, monkeypatch, tmp_path):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert OUR_COLOUR.search(cli("score", *THREE, endpoint=hub_url).stdout)
    target = tmp_path / "table.txt"
    assert cli("score", *THREE, "-o", str(target), endpoint=hub_url).code == 0
    assert ESC not in target.read_text()
    monkeypatch.setenv("NO_COLOR", "1")  # NO_COLOR wins
    assert ESC not in cli("score", *THREE, endpoint=hub_url).stdout


def test_colour_is_added_after_the_sanitiser_and_survives_only_as_ours():
    painted = paint_verdict("partial 2/4")
    assert painted == "\x1b[33mpartial\x1b[0m 2/4"
    assert paint_verdict("not scored: gated") == "not scored: gated"
    # The last pass keeps our exact codes and drops every other escape around them.
    hostile = painted + "\x1b]0;title\x07\x1b[8mhidden\x1b[38;5;1m"
    assert for_terminal_keeping_colour(hostile) == painted + "]0;title[8mhidden[38;5;1m"


def _reason_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("weights", "data", "code"))]


def test_reason_width_follows_columns_on_a_terminal(hub_url, monkeypatch):
    wide = _reason_lines(on_a_terminal(["score", LONG], hub_url, COLUMNS="400", NO_COLOR="1"))
    narrow = _reason_lines(on_a_terminal(["score", LONG], hub_url, COLUMNS="70", NO_COLOR="1"))
    assert wide and len(wide) == len(narrow)
    assert max(len(line) for line in wide) > 70  # the fixture has reasons longer than 70
    assert max(len(line) for line in narrow) <= 70
    assert any(line.endswith("…") for line in narrow)
    assert not any(line.endswith("…") for line in wide)
    # Piped, the width is the same whatever COLUMNS says.
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "70")
    piped_narrow = cli("score", LONG, endpoint=hub_url).stdout
    monkeypatch.setenv("COLUMNS", "400")
    assert cli("score", LONG, endpoint=hub_url).stdout == piped_narrow


def test_a_reason_is_cut_at_the_width_given_else_at_a_fixed_one():
    from openness.models import AxisVerdict
    from openness.render.terminal import _block, _plain

    reason = "level 3: " + "word " * 60
    card = _card_with(AxisVerdict.model_construct(verdict="open", level=3, reasons=[reason], evidence=[]))
    fixed = _reason_lines(_block(card, False, _plain, None))
    assert max(len(line.split("3/4", 1)[1].strip()) for line in fixed) == REASON_WIDTH
    for width in (60, 120, 400):
        lines = _reason_lines(_block(card, False, _plain, width))
        assert max(len(line) for line in lines) <= max(width, 30 + 25)
    assert "…" not in "".join(_reason_lines(_block(card, False, _plain, 400)))


def _card_with(verdict):
    from openness.models import Scorecard

    return Scorecard.model_construct(repo_id="org/model", revision=None, status="scored", error=None,
                                     license=None, gated=False, axes={"weights": verdict}, lineage=[],
                                     papers=[])
