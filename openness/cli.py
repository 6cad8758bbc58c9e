"""The `openness` command: parse, run the API, render, choose the exit code.

Exit codes (also in `openness --help` and the README):
  0  every model was scored
  1  at least one model could not be scored (not found, gated, Hub failure); the others
     are still in the output, and each failure has one line on stderr
  2  bad input: an invalid model id, an unknown option or profile, no ids
  3  the tool itself failed (broken rubric files, an internal error)
"""


import os
import sys
from typing import Annotated, NoReturn

EXIT_OK, EXIT_UNSCORED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

_HELP = """How open is an AI model, really? Scores Hugging Face Hub models on three separate
axes: open weights, open training data, open training code. Every verdict carries the
evidence that decided it.

\b
Examples:
  openness score org/model
  openness score org/model@v1.0 --details
  openness score org/a org/b --format markdown > openness.md
  openness score org/a --format json | jq '.models[0].axes'

\b
The Hub is reached through huggingface_hub: HF_ENDPOINT picks another endpoint,
HF_TOKEN (or `hf auth login`) a token for gated or private models, HF_HOME the cache.

\b
Exit codes: 0 all scored; 1 some model could not be scored (the rest are still
printed); 2 bad input (invalid id, option or profile); 3 internal failure."""


def _fail(message: str, code: int) -> NoReturn:
    print(f"openness: {message}", file=sys.stderr)
    raise SystemExit(code)


def _build_app():  # typer is imported only when a command runs: `--version` stays fast
    import typer

    from openness.render import Format

    app = typer.Typer(help=_HELP, add_completion=False, no_args_is_help=True,
                      pretty_exceptions_enable=False, rich_markup_mode=None)

    def _print_version(value: bool) -> None:
        if value:
            from openness import __version__

            print(f"openness {__version__}")
            raise typer.Exit()

    @app.callback()
    def _root(
        version: Annotated[bool, typer.Option(
            "--version", help="Print the version and exit.", is_eager=True,
            callback=_print_version)] = False,
    ) -> None:
        """How open is an AI model? Weights, data and code, judged separately, with evidence."""

    @app.command()
    def score(
        models: Annotated[list[str], typer.Argument(
            help="Model ids on the Hub: org/name, or org/name@revision (branch, tag or commit).",
            show_default=False)],
        output_format: Annotated[Format, typer.Option(
            "--format", "-f", help="table for people, json for programs, markdown for documents.",
            case_sensitive=False)] = Format.table,
        details: Annotated[bool, typer.Option(
            "--details", "-d", help="List every reason and the evidence behind each verdict.")] = False,
        profile: Annotated[str, typer.Option(
            "--profile", "-p", help="Which words the levels get: default, crfm, osai or osi.")] = "default",
        endpoint: Annotated[str | None, typer.Option(
            help="Hub endpoint URL. Default: HF_ENDPOINT, else https://huggingface.co.",
            show_default=False)] = None,
        jobs: Annotated[int, typer.Option(help="Models fetched at once.", min=1, max=64)] = 8,
    ) -> None:
        """Score models on open weights, open data and open code, each with its evidence."""
        raise SystemExit(run_score(models, output_format, details, profile, endpoint, jobs))

    return app


def run_score(models: list[str], output_format: object, details: bool, profile: str,
              endpoint: str | None, jobs: int) -> int:
    """Score, print the report on stdout and failures on stderr; return the exit code."""
    from openness.api import compare
    from openness.errors import UnknownProfile
    from openness.render import Format, render

    assert isinstance(output_format, Format)
    try:
        report = compare(models, profile=profile, endpoint=endpoint, jobs=jobs)
    except UnknownProfile as exc:
        _fail(str(exc), EXIT_USAGE)
    sys.stdout.write(render(report, output_format, details=details))
    sys.stdout.flush()
    failed = [card for card in report.scorecards if card.status == "error" and card.error]
    for card in failed:
        print(f"openness: {card.error.message}", file=sys.stderr)  # type: ignore[union-attr]
    if any(card.error and card.error.kind == "invalid_id" for card in failed):
        return EXIT_USAGE
    return EXIT_UNSCORED if failed else EXIT_OK


def main() -> None:
    """Entry point of the `openness` console script and `python -m openness`."""
    if sys.argv[1:] == ["--version"]:  # answered before anything heavy is imported
        from openness import __version__

        print(f"openness {__version__}")
        return
    try:
        _build_app()(prog_name="openness")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # never a traceback for users; OPENNESS_DEBUG=1 shows it
        if os.environ.get("OPENNESS_DEBUG"):
            raise
        from openness.errors import OpennessError

        if isinstance(exc, OpennessError):
            _fail(str(exc), EXIT_INTERNAL)
        _fail(f"internal error: {type(exc).__name__}: {exc} (set OPENNESS_DEBUG=1 for details)",
              EXIT_INTERNAL)


if __name__ == "__main__":
    main()
