"""The runner of the GitHub Action (action.yml): `python -m openness.github_action`.

It reads the action's inputs from INPUT_* variables (action.yml passes each one through
`env:`, never into the shell's text), runs `openness score` (or `openness check PATH`)
through the same typer app as the console script, with the gates as CLI arguments, then:

- appends the report in `format` (markdown by default) to $GITHUB_STEP_SUMMARY;
- writes the JSON report to $GITHUB_OUTPUT as the multi-line output `report`
  (`report<<DELIMITER`, a random delimiter the text does not hold);
- exits with the CLI's exit code (0 ok, 1 a model not scored, 2 bad input, 4 a gate failed).
"""
from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from openness.cli import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, parse_id_lines
from openness.options import Format

OUTPUT_NAME = "report"


@dataclass(frozen=True)
class ActionInputs:
    """The action's inputs as the runner reads them."""

    models: tuple[str, ...] = ()
    path: str | None = None
    fail_on: tuple[str, ...] = ()
    min: tuple[str, ...] = ()
    format: Format = Format.markdown

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ActionInputs":
        """From INPUT_MODELS (newline or space separated, `#` comments), INPUT_PATH,
        INPUT_FAIL-ON and INPUT_MIN (one gate spec a line), INPUT_FORMAT. GitHub names the
        variables after the inputs, dashes kept; INPUT_FAIL_ON is read too.
        Raises ValueError for a format the summary cannot take."""
        def value(name: str) -> str:
            return env.get(f"INPUT_{name}", env.get(f"INPUT_{name.replace('-', '_')}", "")).strip()

        models = tuple(word for line in parse_id_lines(value("MODELS")) for word in line.split())
        fmt = value("FORMAT").lower() or Format.markdown.value
        if fmt not in (f.value for f in Format) or fmt == Format.html.value:
            raise ValueError(f"format {fmt!r}: the summary takes markdown, table, csv or json")
        return cls(models=models, path=value("PATH") or None, fail_on=_specs(value("FAIL-ON")),
                   min=_specs(value("MIN")), format=Format(fmt))


def _specs(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


def cli_arguments(inputs: ActionInputs, json_file: str) -> list[str]:
    """The `openness` command line for these inputs, writing the JSON report to `json_file`.
    Raises ValueError when neither models nor a path is given, or both are."""
    if bool(inputs.models) == bool(inputs.path):
        raise ValueError("give `models` or `path` (not both)")
    command = ["check", inputs.path] if inputs.path else ["score", *inputs.models]
    gates = [arg for spec in inputs.fail_on for arg in ("--fail-on", spec)]
    gates += [arg for spec in inputs.min for arg in ("--min", spec)]
    # No --quiet: stderr in a job is not a terminal, so there is no progress bar to silence,
    # and `check` need not know the option.
    return [*command, "--format", "json", "--output", json_file, *gates]


def summary_text(report_json: str, fmt: Format) -> str:
    """The report as the step summary shows it: markdown as is, other formats in a code fence."""
    from openness.render import render
    from openness.report import Report

    text = render(Report.from_json(report_json), fmt)
    if fmt is Format.markdown:
        return text
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}\n{text.rstrip()}\n{fence}\n"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def output_block(name: str, text: str, token: Callable[[], str] = lambda: secrets.token_hex(16)) -> str:
    """`name<<DELIMITER`, the text, the delimiter: GitHub's form for a multi-line output.
    The delimiter is random and never a line of the text (a report could hold any line)."""
    delimiter = f"ghadelimiter_{token()}"
    while delimiter in text:
        delimiter = f"ghadelimiter_{token()}"
    return f"{name}<<{delimiter}\n{text.rstrip(chr(10))}\n{delimiter}\n"


def run_cli(argv: list[str]) -> int:
    """`openness ARGV` in this process, as the console script runs it; its exit code."""
    from openness.cli import _build_app

    try:
        _build_app()(args=argv, prog_name="openness")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    return EXIT_OK


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)


def run(env: Mapping[str, str]) -> int:
    """The whole action step; returns the exit code."""
    from openness.render.text import terminal_line

    with tempfile.TemporaryDirectory(prefix="openness-action-") as folder:
        json_file = str(Path(folder) / "report.json")
        try:
            inputs = ActionInputs.from_env(env)
            argv = cli_arguments(inputs, json_file)
        except ValueError as exc:  # the inputs' text may be anything: one plain line
            print(f"openness: {terminal_line(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        code = run_cli(argv)
        report = Path(json_file).read_text(encoding="utf-8") if os.path.exists(json_file) else ""
    if report:
        _append(env.get("GITHUB_STEP_SUMMARY"), summary_text(report, inputs.format))
    else:  # bad input: the CLI said why on stderr
        _append(env.get("GITHUB_STEP_SUMMARY"), f"openness wrote no report (exit code {code}): see the step's log.\n")
    _append(env.get("GITHUB_OUTPUT"), output_block(OUTPUT_NAME, report))
    return code


def main() -> None:
    try:
        code = run(os.environ)
    except Exception as exc:  # the log gets one line, as from the CLI
        print(f"openness: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = EXIT_INTERNAL
    raise SystemExit(code)


if __name__ == "__main__":
    main()
