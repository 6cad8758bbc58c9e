"""Nothing from the Hub or a card reaches a terminal as control, BiDi or invisible characters.

One hostile set of texts (escape sequences that retitle the terminal, write the clipboard
(OSC 52) or hide text, C1 controls, BiDi overrides, zero-width characters and rich markup)
is put wherever a third party can put text: card prose, metadata, repo ids in a listing,
the Hub's answers that end up quoted in an error. Every path that prints to a terminal
(the table, --details, explain, stderr error lines, warnings, the progress bar) is run
over it, and none of those characters may come out. File formats keep the text exactly.
"""
from __future__ import annotations

import io
import json
import logging
import re
from types import SimpleNamespace

import pytest
from helpers import cli

from openness import cli as cli_module

# OSC 0 retitles the terminal, OSC 52 writes the clipboard, SGR 8 hides what follows,
# CSI 2J clears the screen; \x9b is the one-byte (C1) CSI; \x85 is NEL.
ESCAPES = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[8mhidden\x1b[0m\x1b[2J\x9b31m\x85\r\x00\x7f"
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u2060\ufeff"
MARKUP = "[link=https://evil.example/]click[/link] [/x] [bold]b[/bold]"
HOSTILE = f"{ESCAPES}safe{INVISIBLE}text {MARKUP}"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + INVISIBLE + "]")

CARD = "hostile-text/card"
BROKEN = "hostile-answer/bad-date"  # the Hub answers for another repo, and the error quotes it
LISTED_ORG = "hostile-listing"


def _card_repo() -> tuple[dict, dict[str, bytes]]:
    info = {"id": CARD, "tags": ["transformers"], "library_name": "transformers",
            "siblings": [{"rfilename": "model.safetensors"}, {"rfilename": "README.md"}],
            "cardData": {"license": "other", "license_name": HOSTILE, "datasets": [HOSTILE],
                         "base_model": HOSTILE}}
    prose = HOSTILE.replace("\x00", "")  # a NUL makes the card binary, read as unreadable
    readme = (f"# {prose}\n\n## Training data\n\nTrained on {prose} and on "
              f"[{prose}](https://huggingface.co/datasets/hostile-text/corpus).\n\n"
              f"## Training code\n\nThe code is at https://github.com/hostile-text/{prose}.\n")
    return info, {"README.md": readme.encode(), "model.safetensors": b"\0"}


@pytest.fixture(scope="module")
def hostile_hub(hub):
    ids = [hub.add_repo(*_card_repo()),
           hub.add_repo({"id": BROKEN, "lastModified": f"2024{HOSTILE}", "siblings": []}, {}),
           hub.add_repo({"id": f"{LISTED_ORG}/{HOSTILE}", "tags": [], "siblings": []}, {}),
           hub.add_repo({"id": f"{LISTED_ORG}/plain", "tags": [], "siblings": []}, {})]
    yield hub
    for repo_id in ids:
        hub.remove_repo(repo_id)


def _assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not found, f"reached the terminal: {found}"
    assert "\x1b]8;" not in text  # no hyperlink was made


# Each path, and a piece of the hostile text it must still show (sanitised, not dropped).
TERMINAL_PATHS = {
    "table": (("score", CARD), "safetext"),
    "details": (("score", CARD, "--details"), "safetext"),
    "comparison-details": (("score", CARD, "openlab/atlas-7b", "--details", "--no-repos"), "safetext"),
    "explain": (("explain", CARD), "safetext"),
    # every framework's findings quote card text too (a paper's title, a stated count)
    "frameworks-details": (("score", CARD, "--framework", "all", "--details"), "safetext"),
    "explain-frameworks": (("explain", CARD, "--framework", "all"), "safetext"),
    "error-line": (("score", BROKEN, "openlab/atlas-7b"), "safetext"),
    "explain-error": (("explain", BROKEN), "safetext"),
    "listing": (("score", "--author", LISTED_ORG), f"{LISTED_ORG}/]0;pwned"),  # ids are cut short
}


@pytest.mark.parametrize(("args", "shown"), TERMINAL_PATHS.values(), ids=TERMINAL_PATHS.keys())
def test_no_hostile_character_reaches_the_terminal(hostile_hub, args, shown):
    # The Hub's answer for BROKEN names another repo, with hostile text in its name: the
    # error line quotes it. (Set here: the stub's knobs are reset before each test.)
    hostile_hub.answer_as[BROKEN.lower()] = f"hostile-answer/safetext{HOSTILE}"
    run = cli(args[0], "--endpoint", hostile_hub.url, *args[1:])
    assert "Traceback" not in run.stderr
    _assert_clean(run.stdout)
    _assert_clean(run.stderr)
    assert shown in run.stdout + run.stderr


def test_warnings_are_sanitised(capsys):
    cli_module._warnings_to_stderr()
    logging.getLogger("openness.cache").warning("a broken entry:\n%s", HOSTILE)
    err = capsys.readouterr().err
    _assert_clean(err)
    assert err.count("\n") == 1 and "safetext" in err  # one line, as every other warning


def test_the_progress_bar_shows_hostile_ids_as_plain_text(monkeypatch):
    screen = io.StringIO()
    from rich.console import Console

    monkeypatch.setattr(cli_module, "_progress_console",
                        lambda: Console(file=screen, force_terminal=True, width=300))
    monkeypatch.setattr(cli_module, "_stderr_is_terminal", lambda: True)
    for repo_id in (f"{LISTED_ORG}/{HOSTILE}", "[/x]", "org/[link=https://evil.example/]x"):
        with cli_module._progress_bar(2, quiet=False) as advance:  # each id shown when the bar stops
            assert advance is not None
            advance(SimpleNamespace(repo_id=repo_id))  # a MarkupError would raise
    out = screen.getvalue()
    assert "safetext" in out and "[/x]" in out
    assert "\x1b]" not in out and "\x07" not in out  # neither OSC (title, clipboard, link) nor BEL
    assert not re.search("[" + INVISIBLE + "\x85\x9b]", out)
    assert "[link=https://evil.example/]" in out  # shown as typed, not made a link


def test_file_formats_keep_the_text_exactly(hostile_hub):
    run = cli("score", "--endpoint", hostile_hub.url, CARD, "-f", "json")
    assert run.code == 0
    licence = run.model(CARD)["license"]
    assert INVISIBLE in json.dumps(licence, ensure_ascii=False)
