"""The `openness` command: parse, run the API, render, choose the exit code.

Exit codes (also in `openness --help` and the README):
  0  every model was scored
  1  at least one model could not be scored (not found, gated, Hub failure, not cached
     when offline), or a listing found nothing; the other models are still in the
     output, and each failure has one line on stderr
  2  bad input: an invalid model id or --endpoint, an unknown option, profile or rubric, a
     malformed rubric file on OPENNESS_RUBRIC_PATH, no ids,
     an unreadable --from file (or one over 4 MiB or 100,000 lines), an --output that
     cannot be written or whose suffix names no format
  3  the tool itself failed (broken rubric files, an internal error)
  4  a gate failed (--fail-on, --min): the report is written, and each failed gate has
     one line on stderr naming the model, the condition and the verdict
  130  interrupted (Ctrl-C); no report is written, the cache stays consistent

`openness diff` answers as `diff` does instead: 0 no change, 1 changes, 2 trouble
(openness/diff_command.py).
"""


import contextlib
import os
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, NoReturn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import IO

    from rich.console import Console

    from openness.api import Streamed
    from openness.gates import Gate
    from openness.models import Scorecard
    from openness.sources.interface import MetadataSource
    from openness.sources.local import LocalModel
    from openness.options import Format, GroupKey, SortKey

EXIT_OK, EXIT_UNSCORED, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_GATE = 4

_HELP = """How open is an AI model, really? Scores Hugging Face Hub models on three separate
axes: open weights, open training data, open training code. Every verdict carries the
evidence that decided it.

\b
Examples:
  openness score org/model
  openness score org/model@v1.0 --details
  openness score org/a org/b org/c --sort weights
  openness score --from models.txt --output report.html
  openness score org/a --format json | jq '.models[0].axes'
  openness score org/a --framework mof --min mof=III
  openness check ./my-model --fail-on data=closed
  openness rubric list

\b
The Hub is reached through huggingface_hub: HF_ENDPOINT picks another endpoint,
HF_TOKEN (or `hf auth login`) a token for gated or private models, HF_HOME the cache.
GitHub repositories that cards link are read through GitHub's REST API:
GITHUB_API_URL picks another endpoint (default https://api.github.com), GITHUB_TOKEN
(or GH_TOKEN) a token for GitHub's higher rate limit; --no-repos reads none.

\b
Exit codes: 0 all scored; 1 some model could not be scored (the rest are still
printed); 2 bad input (invalid id, endpoint, option, profile or rubric); 3 internal failure;
4 a gate (--fail-on, --min) failed; 130 interrupted. The README lists each error and what to do about it."""


_SCORE_HELP = """Score models on open weights, open data and open code, each with its evidence.

One model prints its verdicts and their reasons; several print one comparison table,
a row per model. Models that cannot be scored stay in the table and get one line on
stderr each.

\b
Examples:
  openness score org/a org/b org/c --format markdown > comparison.md
  openness score --from models.txt --sort data --group-by license-class
  cat models.txt | openness score --from - --format csv > comparison.csv
  openness score org/a org/b --output report.html     # format from the suffix
  openness score https://huggingface.co/org/a/tree/v1.0

\b
  openness score --author EleutherAI --limit 20 --sort data
  openness score --filter base_model:finetune:org/base --format csv

\b
A --from file holds one id per line; blank lines and text after '#' are ignored.
A model given twice is scored once, whatever the spelling (id, URL, letter case).
At most 4 MiB and 100,000 lines per --from.

\b
What is fetched is cached by commit under $HF_HOME/openness (default
~/.cache/huggingface/openness): a second run over the same models makes no Hub
request. Which commit a branch points to is trusted for an hour; --refresh fetches
everything again, --offline (or HF_HUB_OFFLINE=1) never touches the network.

\b
Without HF_TOKEN the Hub allows 500 API calls per 5 minutes (a model costs one or
two): a run paces itself to the budget the Hub announces, says up front when a batch
needs more, and waits for the Hub's limit at a terminal; piped, the models past it fail
as rate_limited unless --wait-for-rate-limit is given.

\b
Code repositories a card links on GitHub are read too (licence, file tree, README),
once per run, through GITHUB_API_URL (default https://api.github.com) with
GITHUB_TOKEN or GH_TOKEN if set (60 requests an hour without one, 5,000 with); they
are cached like the rest. A repository GitHub will not give (rate limit, outage) leaves
the code verdict to the card and never changes the exit code. --no-repos reads none."""


_SCAN_HELP = """Score every model card in a card dump, with no request to the Hub.

The dump is the Hub's daily card dump (librarian-bots/model_cards_with_metadata) or any
parquet with its columns. Each card is judged exactly as `score` judges it; what a dump
cannot show is unknown, never closed, and said in each row's `limits`: the file list, gate
and commit (unless --listing gives them), datasets (unless --datasets), and parents that
are not in the scanned files. Parents that are in them are joined in as `score` would.

Examples:

  openness scan model-cards.parquet -o scan.parquet

  openness scan data/*.parquet -o scan.jsonl -F mof -F eu-ai-act --jobs 8

  openness scan data/*.parquet -o scan.jsonl --resume   # after a stop

  openness stats scan.parquet --output report.html

Exit codes: 0 done (rows not scored keep their reason), 2 bad input, 130 interrupted.
"""

_DIFF_HELP = """What changed between two reports, or two revisions of one model: per model and
axis the verdict and level before and after, the evidence added and removed, framework
outcomes, and the licence (always shown; a new LICENSE text behind the same id counts).

\b
Examples:
  openness diff before.json after.json
  openness diff org/model@v1.0 org/model@main --format markdown
  openness score org/a org/b -f json -o new.json && openness diff old.json new.json

\b
Exit codes, as diff's: 0 nothing changed; 1 something changed; 2 trouble (a report that
cannot be read, an invalid id, a revision that could not be scored); 3 internal failure."""


def _say(message: str) -> None:
    """One `openness:` line on stderr. Messages quote ids, card text and the Hub's answers:
    they pass through the one terminal sanitiser and stay on one line."""
    from openness.render.text import terminal_line

    print(f"openness: {terminal_line(message)}", file=sys.stderr)


def _fail(message: str, code: int) -> NoReturn:
    _say(message)
    raise SystemExit(code)


def _build_app():  # typer is imported only when a command runs: `--version` stays fast
    from enum import Enum

    import typer

    class ExplainFormat(str, Enum):
        text = "text"
        json = "json"

    from openness.options import Format, GroupKey, SortKey

    app = typer.Typer(help=_HELP, add_completion=False, no_args_is_help=True,
                      pretty_exceptions_enable=False, rich_markup_mode=None)
    plain_help = _plain_help_command()

    def _print_version(value: bool) -> None:
        if value:
            from openness.version import __version__

            print(f"openness {__version__}")
            raise typer.Exit()

    @app.callback()
    def _root(
        version: Annotated[bool, typer.Option(
            "--version", help="Print the version and exit.", is_eager=True,
            callback=_print_version)] = False,
    ) -> None:
        """How open is an AI model? Weights, data and code, judged separately, with evidence."""

    # The gates, on `score` and `check` alike.
    FailOn = Annotated[list[str] | None, typer.Option(
        "--fail-on", metavar="KEY=VALUE", rich_help_panel="Gates (CI)", show_default=False,
        help="Exit 4 when a model's axis or framework outcome is VALUE: data=closed, "
             "eu-ai-act=not-available; repeatable.")]
    Minimum = Annotated[list[str] | None, typer.Option(
        "--min", metavar="KEY=VALUE", rich_help_panel="Gates (CI)", show_default=False,
        help="Exit 4 when a model's axis or framework outcome is below VALUE (unknown is below "
             "everything): weights=open, mof=III; repeatable.")]

    @app.command(help=_SCORE_HELP, cls=plain_help)
    def score(
        models: Annotated[list[str] | None, typer.Argument(
            help="Model ids on the Hub: org/name, org/name@revision (branch, tag or commit), "
                 "or a huggingface.co URL.",
            metavar="MODEL...", show_default=False)] = None,
        from_file: Annotated[str | None, typer.Option(
            "--from", metavar="FILE",
            help="Read more ids from FILE, one per line ('#' starts a comment); '-' reads stdin.",
            show_default=False)] = None,
        output_format: Annotated[Format | None, typer.Option(
            "--format", "-f", case_sensitive=False, show_default=False,
            help="table (terminal), markdown, csv, json or html. "
                 "Default: from the --output suffix, else table.")] = None,
        output: Annotated[str | None, typer.Option(
            "--output", "-o", metavar="FILE", show_default=False,
            help="Write the report to FILE (replaced whole, never half-written) instead of stdout; "
                 "'-' is stdout; a FIFO or device is written into, as by '>'.")] = None,
        details: Annotated[bool, typer.Option(
            "--details", "-d", help="List every reason and the evidence behind each verdict.")] = False,
        sort: Annotated[SortKey | None, typer.Option(
            case_sensitive=False, show_default=False,
            help="Order rows by model name, an axis or the licence class (most open first).")] = None,
        group_by: Annotated[GroupKey | None, typer.Option(
            "--group-by", case_sensitive=False, show_default=False,
            help="One table per licence class, or per verdict on an axis.")] = None,
        profile: Annotated[str, typer.Option(
            "--profile", "-p", metavar="NAME", help="Which words the levels get: default, crfm, osai or osi.")] = "default",
        endpoint: Annotated[str | None, typer.Option(
            metavar="URL", help="Hub endpoint URL. Default: HF_ENDPOINT, else https://huggingface.co.",
            show_default=False)] = None,
        author: Annotated[str | None, typer.Option(
            metavar="ORG", rich_help_panel="Models from the Hub's listing", show_default=False,
            help="Every model of this user or organisation.")] = None,
        search: Annotated[str | None, typer.Option(
            metavar="TEXT", rich_help_panel="Models from the Hub's listing", show_default=False,
            help="Models whose id contains TEXT.")] = None,
        filters: Annotated[list[str] | None, typer.Option(
            "--filter", metavar="TAG", rich_help_panel="Models from the Hub's listing", show_default=False,
            help="Models carrying TAG (a library, task, licence:..., base_model:...); repeatable.")] = None,
        limit: Annotated[int | None, typer.Option(
            metavar="N", min=1, rich_help_panel="Models from the Hub's listing", show_default=False,
            help="At most N models from the listing.")] = None,
        jobs: Annotated[int, typer.Option(
            metavar="N", min=1, max=64,
            help="Requests in flight at once (models, parents, datasets and repositories).")] = 16,
        refresh: Annotated[bool, typer.Option(
            "--refresh", help="Fetch everything again instead of using the cache.")] = False,
        offline: Annotated[bool, typer.Option(
            "--offline", help="Use only the cache (also: HF_HUB_OFFLINE=1); "
                              "models not in it are reported unscored.")] = False,
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="No progress bar or waiting status (there is none when stderr "
                                  "is not a terminal).")] = False,
        no_repos: Annotated[bool, typer.Option(
            "--no-repos", help="Do not read linked GitHub repositories (no GitHub request); "
                               "code is judged from the card alone.")] = False,
        rubrics: Annotated[list[str] | None, typer.Option(
            "--rubric", "-r", metavar="NAME", show_default=False,
            help="Also judge under another rubric ('openness rubric list'), as more columns; "
                 "repeatable; 'all' for every one.")] = None,
        frameworks: Annotated[list[str] | None, typer.Option(
            "--framework", "-F", metavar="NAME", show_default=False,
            help="Also judge under a framework: mof, g7, osaid, eu-ai-act or osai (a rubric, as "
                 "--rubric); repeatable; 'all' for every one. Adds its outcome column "
                 "(mof, g7, osaid, eu_ai_act, osai in CSV) and its results in JSON.")] = None,
        wait_for_rate_limit: Annotated[bool | None, typer.Option(
            "--wait-for-rate-limit/--no-wait-for-rate-limit", show_default=False,
            help="Sit out the Hub's rate limit, however long its window (up to 15 minutes a wait), "
                 "instead of failing the models past it. Default: wait when stderr is a terminal.")] = None,
        fail_on: FailOn = None,
        minimum: Minimum = None,
    ) -> None:
        request = ScoreRequest(models=list(models or []), from_file=from_file, output_format=output_format,
                               output=output, details=details, sort=sort, group_by=group_by,
                               profile=profile, endpoint=endpoint, jobs=jobs, author=author, search=search,
                               filters=list(filters or []), limit=limit, refresh=refresh,
                               offline=offline or None, quiet=quiet, repos=not no_repos,
                               wait_for_rate_limit=wait_for_rate_limit,
                               rubrics=list(dict.fromkeys([*(rubrics or []), *(frameworks or [])])),
                               fail_on=list(fail_on or []), minimum=list(minimum or []))
        raise SystemExit(run_score(request))

    @app.command(cls=plain_help)
    def check(
        paths: Annotated[list[str] | None, typer.Argument(
            metavar="PATH...", show_default=False,
            help="Model folders (a README.md with its front matter, and the files beside it) or "
                 "README.md files. Default: the current folder.")] = None,
        output_format: Annotated[Format | None, typer.Option(
            "--format", "-f", case_sensitive=False, show_default=False,
            help="table (terminal), markdown, csv, json or html. Default: from the --output suffix, "
                 "else table.")] = None,
        output: Annotated[str | None, typer.Option(
            "--output", "-o", metavar="FILE", show_default=False, help="Write the report to FILE.")] = None,
        details: Annotated[bool, typer.Option(
            "--details", "-d", help="List every reason and the evidence behind each verdict.")] = False,
        profile: Annotated[str, typer.Option(
            "--profile", "-p", metavar="NAME", help="Which words the levels get.")] = "default",
        endpoint: Annotated[str | None, typer.Option(
            metavar="URL", show_default=False,
            help="Hub endpoint URL for the parents and datasets the card names.")] = None,
        offline: Annotated[bool, typer.Option(
            "--offline", help="Look nothing up: parents and datasets only from the cache, no "
                              "repository read (the folder itself is always read from disk).")] = False,
        no_repos: Annotated[bool, typer.Option(
            "--no-repos", help="Do not read the GitHub repositories the card links.")] = False,
        frameworks: Annotated[list[str] | None, typer.Option(
            "--framework", "-F", metavar="NAME", show_default=False,
            help="Also judge under a framework (mof, g7, osaid, eu-ai-act, osai); repeatable.")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
        fail_on: FailOn = None,
        minimum: Minimum = None,
    ) -> None:
        """Check a model folder before it ships: the verdicts it would get on the Hub, and
        what to change to make it more open.

        The folder itself is read from disk, never uploaded; the parents, datasets and
        repositories its card names are looked up as for `score` (--offline: not at all).
        The same gates as `score` make it a CI or pre-commit check (exit 4 when one fails).

        Examples:
          openness check ./my-model
          openness check models/*/README.md --offline --fail-on data=closed
        """
        request = ScoreRequest(models=[], output_format=output_format, output=output, details=details,
                               profile=profile, endpoint=endpoint, offline=offline or None, quiet=quiet,
                               repos=not (no_repos or offline), rubrics=list(frameworks or []),
                               fail_on=list(fail_on or []), minimum=list(minimum or []),
                               check_paths=list(paths or ["."]))
        raise SystemExit(run_score(request))

    @app.command()
    def schema() -> None:
        """Print the JSON Schema of `--format json` output (draft 2020-12)."""
        from openness.render.json import json_schema_text

        sys.stdout.write(json_schema_text())

    class BadgeAxisChoice(str, Enum):
        weights = "weights"
        data = "data"
        code = "code"
        summary = "summary"

    @app.command(cls=plain_help)
    def badge(
        model: Annotated[str, typer.Argument(help="A model id: org/name, or org/name@revision.", metavar="MODEL")],
        axis: Annotated[BadgeAxisChoice, typer.Option(
            "--axis", "-a", case_sensitive=False,
            help="One axis (label 'open weights', message 'open 4/4'), or summary: all three on one badge.")
        ] = BadgeAxisChoice.summary,
        markdown: Annotated[bool, typer.Option(
            "--markdown", help="Print a README snippet (shields.io endpoint badge and static PNG) "
                               "instead of the JSON.")] = False,
        json_url: Annotated[str | None, typer.Option(
            "--json-url", metavar="URL", show_default=False,
            help="The public URL the badge JSON is served at, for the --markdown snippet.")] = None,
        image: Annotated[str | None, typer.Option(
            "--image", metavar="FILE.png", show_default=False,
            help="Write the badge to FILE.png as a static PNG, for a Hub model card, instead of "
                 "printing the JSON (needs Pillow: pip install 'openness[badge]').")] = None,
        profile: Annotated[str, typer.Option("--profile", "-p", metavar="NAME",
                                             help="Which words the levels get.")] = "default",
        endpoint: Annotated[str | None, typer.Option(metavar="URL", show_default=False,
                                                     help="Hub endpoint URL.")] = None,
        offline: Annotated[bool, typer.Option(
            "--offline", help="Use only the cache (also: HF_HUB_OFFLINE=1), as for score.")] = False,
        no_repos: Annotated[bool, typer.Option(
            "--no-repos", help="Do not read linked GitHub repositories.")] = False,
    ) -> None:
        """A badge for a model: shields.io endpoint JSON (default), a markdown snippet, or a PNG.

        \b
        Examples:
          openness badge org/model > openness.json            # commit it, serve it raw
          openness badge org/model --axis data --markdown --json-url https://.../openness.json
          openness badge org/model --image openness.png       # for a Hub model card
        """
        raise SystemExit(run_badge(model, axis.value, markdown=markdown, json_url=json_url, image=image,
                                   profile=profile, endpoint=endpoint, offline=offline or None, repos=not no_repos))

    class DiffFormat(str, Enum):
        text = "text"
        json = "json"
        markdown = "markdown"

    @app.command(cls=plain_help, help=_DIFF_HELP)
    def diff(
        old: Annotated[str, typer.Argument(metavar="OLD", help="A JSON report file, or org/name@revision.")],
        new: Annotated[str, typer.Argument(metavar="NEW", help="A JSON report file, or org/name@revision.")],
        output_format: Annotated[DiffFormat, typer.Option(
            "--format", "-f", case_sensitive=False,
            help="text, markdown, or json (diff_version 1, see the README).")] = DiffFormat.text,
        profile: Annotated[str, typer.Option("--profile", "-p", metavar="NAME",
                                             help="Which words the levels get (revisions only).")] = "default",
        endpoint: Annotated[str | None, typer.Option(metavar="URL", show_default=False,
                                                     help="Hub endpoint URL (revisions only).")] = None,
        frameworks: Annotated[list[str] | None, typer.Option(
            "--framework", "-F", metavar="NAME", show_default=False,
            help="Also compare a framework's outcome (mof, g7, osaid, eu-ai-act, osai; revisions "
                 "only: a report file holds the frameworks it was scored with).")] = None,
        no_repos: Annotated[bool, typer.Option("--no-repos", help="Do not read linked GitHub repositories.")] = False,
        refresh: Annotated[bool, typer.Option("--refresh", help="Fetch again instead of using the cache.")] = False,
        offline: Annotated[bool, typer.Option("--offline", help="Use only the cache.")] = False,
    ) -> None:
        from openness.diff_command import DiffRequest, DiffTrouble, run_diff
        from openness.errors import UnknownProfile, UnknownRubric, UserRubricError

        _warnings_to_stderr()
        _check_endpoint(endpoint)
        request = DiffRequest(old, new, output_format.value, profile=profile, endpoint=endpoint,
                              frameworks=tuple(frameworks or ()), repos=not no_repos, refresh=refresh,
                              offline=offline or None)
        try:
            code = run_diff(request)
        except (DiffTrouble, UnknownProfile, UnknownRubric, UserRubricError) as exc:
            _fail(str(exc), EXIT_USAGE)
        except KeyboardInterrupt:
            _interrupted()
        raise SystemExit(code)

    class Engine(str, Enum):
        local = "local"
        ray = "ray"

    @app.command(cls=plain_help, help=_SCAN_HELP)
    def scan(
        inputs: Annotated[list[str], typer.Argument(metavar="PARQUET...", show_default=False,
                                                    help="Card dump files (librarian-bots/model_cards_with_metadata).")],
        output: Annotated[str, typer.Option("--output", "-o", metavar="OUT", show_default=False,
                                            help="Where the rows go: .parquet, .jsonl or .csv.")],
        frameworks: Annotated[list[str] | None, typer.Option(
            "--framework", "-F", metavar="NAME", show_default=False,
            help="Also judge each model under a framework (mof, g7, osaid, eu-ai-act, osai, or all).")] = None,
        profile: Annotated[str, typer.Option("--profile", "-p", metavar="NAME", help="Which words the levels get.")] = "default",
        jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes (0: one per core).")] = 0,
        resume: Annotated[bool, typer.Option("--resume", help="Skip the models already in OUT and add the rest.")] = False,
        listing: Annotated[str | None, typer.Option(metavar="PARQUET", show_default=False,
                                                    help="A listing crawl (id, siblings, gated, sha): weights and gates "
                                                         "are then judged from the files, as `score` does.")] = None,
        datasets: Annotated[str | None, typer.Option(metavar="PARQUET", show_default=False,
                                                     help="A dataset-card dump (datasetId, tags): dataset licences.")] = None,
        engine: Annotated[Engine, typer.Option("--engine", case_sensitive=False,
                                               help="local (processes on this machine) or ray (a Ray cluster; "
                                                    "pip install 'openness[ray]').")] = Engine.local,
        batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=100_000, metavar="ROWS", help="Rows per task.")] = 256,
        limit: Annotated[int | None, typer.Option(min=1, show_default=False, metavar="N",
                                                  help="Scan at most this many rows (a quick look).")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no closing line.")] = False,
    ) -> None:
        import time

        from openness.errors import UnknownProfile, UnknownRubric, UserRubricError
        from openness.scan.local import ScanRequest
        from openness.scan.output import ScanInputError
        from openness.scan_command import closing_line, run_scan_command

        _warnings_to_stderr()
        request = ScanRequest(tuple(inputs), output, profile=profile, frameworks=tuple(frameworks or ()), jobs=jobs,
                              batch_size=batch_size, resume=resume, listing=listing, datasets=datasets, limit=limit)
        started = time.monotonic()
        try:
            tally = run_scan_command(request, engine=engine.value, quiet=quiet)
        except (ScanInputError, UnknownProfile, UnknownRubric, UserRubricError) as exc:
            _fail(str(exc), EXIT_USAGE)
        except KeyboardInterrupt:
            _say("interrupted; the rows written so far are kept: --resume goes on from them")
            raise SystemExit(EXIT_INTERRUPTED)
        if not quiet:
            _say(closing_line(tally, request, time.monotonic() - started))

    from openness.stats_command import DEFAULT_TOP, FigureFormat

    @app.command(cls=plain_help)
    def stats(
        scan: Annotated[str, typer.Argument(metavar="OUT", help="What `openness scan` wrote: .parquet (or a "
                                            "folder of them), .jsonl or .csv; a `score -f csv` file reads too.")],
        output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE.html", show_default=False,
                                                   help="Write one self-contained HTML page.")] = None,
        figures: Annotated[str | None, typer.Option(metavar="DIR", show_default=False,
                                                    help="Also write each figure to DIR.")] = None,
        figure_format: Annotated[FigureFormat, typer.Option("--format", "-f", case_sensitive=False,
                                                            help="png or svg, for --figures.")] = FigureFormat.png,
        top: Annotated[int, typer.Option(min=1, max=100, help="How many authors, pipeline tags and "
                                         "open-weights-only models to show.")] = DEFAULT_TOP,
    ) -> None:
        """The state of openness across a scan, in numbers or pictures: the share of open, partial and
        closed models on each axis; by pipeline tag, licence class and top authors; over time; and the
        most downloaded open-weights-only models. Without --output, a plain-text summary. Exit 2 on
        trouble (a file that cannot be read or is not a scan)."""
        from openness.stats_command import StatsRequest, StatsTrouble, run_stats

        try:
            raise SystemExit(run_stats(StatsRequest(scan, output, figures, figure_format, top),
                                       colour=_stdout_style()[0]))
        except StatsTrouble as exc:
            _fail(str(exc), EXIT_USAGE)
        except KeyboardInterrupt:
            _interrupted()

    rubric_app = typer.Typer(help="The rubrics: the openness axes and the other rubrics --rubric adds. "
                                  "More rubric files are read from the folders OPENNESS_RUBRIC_PATH names.",
                             no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(rubric_app, name="rubric")

    @rubric_app.command("list")
    def rubric_list() -> None:
        """One line per rubric: id, version, title and its dimensions."""
        raise SystemExit(run_rubric("list"))

    @rubric_app.command("show")
    def rubric_show(name: Annotated[str, typer.Argument(metavar="NAME", help="A rubric id from 'openness rubric list'.")]) -> None:
        """A rubric's dimensions, levels and conditions, with why each matters and how to meet it."""
        raise SystemExit(run_rubric("show", name))

    @rubric_app.command("docs")
    def rubric_docs() -> None:
        """Every rubric as one markdown document, generated from the rubric files."""
        raise SystemExit(run_rubric("docs"))

    @app.command(cls=plain_help)
    def explain(
        model: Annotated[str, typer.Argument(help="A model id: org/name, or org/name@revision.", metavar="MODEL")],
        profile: Annotated[str, typer.Option("--profile", "-p", metavar="NAME",
                                             help="Which words the levels get.")] = "default",
        endpoint: Annotated[str | None, typer.Option(metavar="URL", show_default=False,
                                                     help="Hub endpoint URL.")] = None,
        no_repos: Annotated[bool, typer.Option(
            "--no-repos", help="Do not read linked GitHub repositories (GITHUB_API_URL, GITHUB_TOKEN).")] = False,
        offline: Annotated[bool, typer.Option(
            "--offline", help="Use only the cache (also: HF_HUB_OFFLINE=1), as for score.")] = False,
        output_format: Annotated[ExplainFormat, typer.Option(
            "--format", "-f", case_sensitive=False,
            help="text (for reading), or json: the same steps as data, evidence listed once "
                 "and referred to by index.")] = ExplainFormat.text,
        frameworks: Annotated[list[str] | None, typer.Option(
            "--framework", "-F", metavar="NAME", show_default=False,
            help="Also show each criterion of a framework (mof, g7, osaid, eu-ai-act, osai, or any "
                 "rubric) with its outcome, source and evidence; repeatable; 'all' for every one.")] = None,
    ) -> None:
        """Show how each verdict was reached: evidence -> signal -> rubric condition -> level."""
        raise SystemExit(run_explain(model, profile, endpoint, repos=not no_repos, offline=offline or None,
                                     as_json=output_format is ExplainFormat.json, frameworks=list(frameworks or [])))

    return app


def _plain_help_command():
    """The command class for `score` and `explain`: their --help names no Python type.

    typer writes an argument as `MODEL <list[str]>` (its annotation) and as `{MODEL}` in
    the usage line, and a range as `1<=x<=64`: here an argument is its metavar alone
    (`[MODEL...]` when optional) and a range is said in words.
    """
    from typing import Any

    from typer.core import TyperCommand

    def usage_name(param: Any) -> str:
        name = param.metavar or (param.name or "").upper()
        return name if param.required else f"[{name}]"

    def range_words(param: Any) -> tuple[str, str] | None:
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        if low is not None and high is not None:
            return f"{low}<=x<={high}", f"{low} to {high}"
        if low is not None:
            return f"x>={low}", f"at least {low}"
        if high is not None:
            return f"x<={high}", f"at most {high}"
        return None

    class PlainHelp(TyperCommand):
        def collect_usage_pieces(self, ctx: Any) -> list[str]:
            pieces = [self.options_metavar] if self.options_metavar else []
            for param in self.get_params(ctx):
                is_argument = param.param_type_name == "argument"
                pieces += [usage_name(param)] if is_argument else param.get_usage_pieces(ctx)
            return pieces

        def format_options(self, ctx: Any, formatter: Any) -> None:
            arguments, options = [], []
            for param in self.get_params(ctx):
                record = param.get_help_record(ctx)
                if record is None:
                    continue
                name, text = record
                said = range_words(param)
                if said:
                    text = text.replace(*said)
                if param.param_type_name == "argument":
                    arguments.append((param.metavar or (param.name or "").upper(), text))
                else:
                    options.append((name, text))
            for title, rows in (("Arguments", arguments), ("Options", options)):
                if rows:
                    with formatter.section(title):
                        formatter.write_dl(rows)

    return PlainHelp


@dataclass(frozen=True)
class ScoreRequest:
    """What `openness score` was asked to do, as parsed from the command line."""

    models: list[str]
    from_file: str | None = None
    output_format: "Format | None" = None
    output: str | None = None
    details: bool = False
    sort: "SortKey | None" = None
    group_by: "GroupKey | None" = None
    profile: str = "default"
    endpoint: str | None = None
    jobs: int = 16
    author: str | None = None
    search: str | None = None
    filters: list[str] = field(default_factory=list)
    limit: int | None = None
    refresh: bool = False
    offline: bool | None = None
    """True for --offline; None leaves it to HF_HUB_OFFLINE."""
    quiet: bool = False
    repos: bool = True
    """False for --no-repos: no linked repository is read."""
    wait_for_rate_limit: bool | None = None
    """--wait-for-rate-limit (True), --no-wait-for-rate-limit (False), or None: wait at a terminal."""
    rubrics: list[str] = field(default_factory=list)
    """--rubric: other rubrics to judge under, by id."""
    fail_on: list[str] = field(default_factory=list)
    """--fail-on KEY=VALUE gates."""
    minimum: list[str] = field(default_factory=list)
    """--min KEY=VALUE gates."""
    check_paths: list[str] | None = None
    """`openness check`: the local folders to score (None for `score`)."""

    @property
    def lists_models(self) -> bool:
        """True when models come from the Hub's listing (--author, --search, --filter)."""
        return bool(self.author or self.search or self.filters)


def parse_id_lines(text: str) -> list[str]:
    """Ids from a list file: one per line; blank lines and everything after '#' ignored."""
    ids = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            ids.append(entry)
    return ids


def _read_ids(request: ScoreRequest, listed: list[str]) -> list[str]:
    """The ids from the arguments, --from, then the listing, the first spelling of each model
    kept; exits 2 when none."""
    ids = list(request.models)
    if request.from_file is not None:
        ids += parse_id_lines(_read_id_file(request.from_file))
    ids += listed
    if not ids and request.lists_models:
        _fail("the Hub's listing has no models matching --author/--search/--filter", EXIT_UNSCORED)
    if not ids:
        _fail("no model ids given: pass ids (org/name), --from FILE, or --author/--search/--filter", EXIT_USAGE)
    from openness.ids import unique_model_texts

    return unique_model_texts(ids)


# What one --from may hold. Far above any real batch (a run asks the Hub a few times per
# model), far below what would exhaust memory: /dev/zero or a million lines is refused
# after reading at most MAX_FROM_BYTES, never read whole.
MAX_FROM_BYTES = 4 * 1024 * 1024
MAX_FROM_LINES = 100_000
# The line ends str.splitlines knows, \r\n as one.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _read_id_file(name: str) -> str:
    """The text of a --from file ('-' is stdin), at most MAX_FROM_BYTES and MAX_FROM_LINES
    lines (blank and comment lines count); exits 2 beyond either, or when unreadable."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_FROM_BYTES + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_FROM_BYTES + 1)
        if len(data) > MAX_FROM_BYTES:
            _fail(f"cannot read ids from {name}: over {MAX_FROM_BYTES // (1024 * 1024)} MiB "
                  f"(split the list; at most {MAX_FROM_LINES:,} lines per run)", EXIT_USAGE)
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read ids from {name}: {_os_reason(exc)}", EXIT_USAGE)
    # Counted as parse_id_lines splits (str.splitlines: \r, \f and the like end a line
    # too), lazily, so that counting a crafted file costs no list of millions of strings.
    lines = sum(1 for _ in _LINE_BREAK.finditer(text))
    lines += bool(text) and not _LINE_BREAK.fullmatch(text[-1])  # a last line without its end
    if lines > MAX_FROM_LINES:
        _fail(f"cannot read ids from {name}: over {MAX_FROM_LINES:,} lines "
              f"(split the list; at most {MAX_FROM_LINES:,} lines per run)", EXIT_USAGE)
    return text


def _os_reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__


def _output_file(request: ScoreRequest) -> str | None:
    """The file --output names; None for stdout (no --output, or `-o -` as in most tools)."""
    return None if request.output in (None, "", "-") else request.output


def _choose_format(request: ScoreRequest):
    """--format, else what the --output suffix names, else table; exits 2 on a suffix that
    names no format (`-o report.xlsx` must not quietly get a text table)."""
    from openness.files import writes_through
    from openness.options import SUFFIX_FORMATS, Format

    output = _output_file(request)
    if request.output_format is not None:
        return request.output_format
    if output is None:
        return Format.table
    suffix = os.path.splitext(output)[1].lower()
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    if not suffix and writes_through(output):  # /dev/stdout, a FIFO: what stdout would get
        return Format.table
    _fail(f"cannot tell the format of {output} from its name: give --format, or end it in "
          f"{', '.join(sorted(SUFFIX_FORMATS))}", EXIT_USAGE)


def _as_format(output: str, fmt) -> str:
    """` as json` when the format written is not the one the file's suffix names."""
    from openness.options import SUFFIX_FORMATS

    return "" if SUFFIX_FORMATS.get(os.path.splitext(output)[1].lower()) is fmt else f" as {fmt.value}"


def run_score(request: ScoreRequest) -> int:
    """Score, write the report (stdout or --output) and failures on stderr; return the exit code."""
    from openness.api import compare, github_source, hub_address, hub_source
    from openness.errors import SourceError, UnknownProfile, UnknownRubric, UserRubricError
    from openness.files import output_problem, write_report, writes_through
    from openness.options import Format
    from openness.render import render
    from openness.render.text import for_terminal, for_terminal_keeping_colour
    from openness.sources.ratelimit import LONGEST_WAIT_S, UNATTENDED_WAIT_S

    _warnings_to_stderr()
    if request.limit and not request.lists_models:
        _fail("--limit applies to --author, --search or --filter", EXIT_USAGE)
    gates = _gates(request)  # bad input is said before any work
    output = _output_file(request)
    problem = output_problem(output) if output else None
    if problem:
        _fail(f"cannot write {output}: {problem}", EXIT_USAGE)
    fmt = _choose_format(request)
    _check_endpoint(request.endpoint)
    waits = request.wait_for_rate_limit if request.wait_for_rate_limit is not None else _stderr_is_terminal()
    source = hub_source(request.endpoint, refresh=request.refresh, offline=request.offline,
                        max_wait_s=LONGEST_WAIT_S if waits else UNATTENDED_WAIT_S)
    code_host = github_source(refresh=request.refresh, offline=request.offline) if request.repos else None
    address = hub_address(request.endpoint)
    local: "list[LocalModel]" = []  # `openness check`: the folders, scored under local/ ids
    if request.check_paths is not None:
        source, local = _local_source(request.check_paths, source)
    listed: list[str] = []
    if request.lists_models:
        try:
            with _progress_bar(1, request.quiet, address):  # only says so if the Hub keeps it waiting
                listed = source.list_models(author=request.author, search=request.search,
                                            filters=request.filters, limit=request.limit)
        except SourceError as exc:
            _fail(f"could not list models: {str(exc).split(': ', 1)[-1]}", EXIT_UNSCORED)
    ids = [m.repo_id for m in local] if request.check_paths is not None else _read_ids(request, listed)
    notice = _budget_notice(source, ids, set(listed), waits)
    if notice:
        _say(notice)
    options = dict(profile=request.profile, source=source, endpoint=address, jobs=request.jobs,
                   code_host=code_host, repos=request.repos,
                   rubrics=list(dict.fromkeys([*request.rubrics, *(g.framework for g in gates if g.framework)])))
    streams = _streams(request, fmt, gates)
    try:
        with _progress_bar(len(ids), request.quiet, address) as advance:
            if streams:
                streamed = _stream_report(ids, options, advance, fmt)
            else:
                report = compare(ids, on_scored=advance, **options)  # type: ignore[arg-type]
    except (UnknownProfile, UnknownRubric, UserRubricError) as exc:  # a broken packaged rubric is EXIT_INTERNAL
        _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        _interrupted()
    if streams:
        return _finish_streamed(request, streamed, output, fmt)
    if request.check_paths is not None:  # a folder is shown by the path given, not its local/ id
        paths = {m.repo_id: m.path for m in local}
        report = report.model_copy(update={"scorecards": [
            card.model_copy(update={"repo_id": paths.get(card.repo_id, card.repo_id)}) for card in report.scorecards]})
    if request.sort is not None:
        report = report.sorted(request.sort.value)
    colour, width = (False, None) if output else _stdout_style()  # a file gets neither
    text = render(report, fmt, details=request.details, group_by=request.group_by, colour=colour, width=width)
    if output:
        if fmt is Format.table and writes_through(output):
            text = for_terminal(text)  # /dev/stdout, /dev/tty, a FIFO: as stdout would get it
        try:
            write_report(output, text)
        except OSError as exc:
            _fail(f"cannot write {output}: {_os_reason(exc)}", EXIT_USAGE)
    elif fmt is not Format.table or not _all_unreachable(report.scorecards):
        # The table is meant for a terminal; the other formats keep the text exactly and
        # escape it their own way. A table of nothing but "could not reach the Hub" rows
        # would only repeat the one line said on stderr.
        if request.check_paths is not None and fmt is Format.table:
            text += _to_change(report.scorecards)
        if fmt is Format.table:
            text = for_terminal_keeping_colour(text) if colour else for_terminal(text)
        sys.stdout.write(text)
        sys.stdout.flush()
    failed = [card for card in report.scorecards if card.status == "error" and card.error]
    for line in _failure_lines(failed, request.endpoint):
        _say(line)
    if output:
        scored = len(report.scorecards) - len(failed)
        _say(f"wrote {output}{_as_format(output, fmt)} ({scored} of {len(report.scorecards)} models scored)")
    gate_lines = _gate_lines(gates, report.scorecards)
    for line in gate_lines:
        _say(line)
    if any(card.error and card.error.kind == "invalid_id" for card in failed):
        return EXIT_USAGE
    if gate_lines:
        return EXIT_GATE
    return EXIT_UNSCORED if failed else EXIT_OK


def _streams(request: ScoreRequest, fmt: "Format", gates: "list[Gate]") -> bool:
    """Whether the report can be written model by model as the batch is scored: JSON or
    CSV, in the order asked, with nothing that needs every card at once (sorting, groups,
    gates, `check`'s paths). A batch then holds no scorecard it has written."""
    from openness.options import Format

    return fmt in (Format.json, Format.csv) and request.sort is None and request.group_by is None and not gates \
        and request.check_paths is None


@dataclass
class _Streamed:
    """A JSON or CSV report written model by model to a temporary file, and what stderr says of it."""

    spool: "IO[str]"
    failed: "list[Scorecard]"
    count: int


def _stream_report(ids: list[str], options: dict, advance: "Callable[[Scorecard], None]",
                   fmt: "Format") -> _Streamed:
    """Score `ids`, each scorecard's JSON (or CSV row) written to a temporary file as soon
    as it and those before it are done (CSV rows from the first card judged under the
    other rubrics asked for, which shows the header's columns): no batch is held in
    memory, and the file goes to --output or stdout only once the batch is through (an
    interrupted run still writes nothing). Only the failed cards are kept, for their
    lines on stderr."""
    import tempfile

    from openness.api import compare_streaming
    from openness.options import Format, other_rubric_names
    from openness.render.csv import batch_csv_pieces
    from openness.render.json import json_pieces
    from openness.version import __version__

    streamed = _Streamed(tempfile.TemporaryFile("w+", encoding="utf-8", newline=""), [], 0)

    def cards(batch: "Streamed") -> "Iterator[Scorecard]":
        for card in batch.cards:
            streamed.count += 1
            if card.status == "error" and card.error:
                streamed.failed.append(card)
            yield card

    try:
        with compare_streaming(ids, on_scored=advance, **options) as batch:
            pieces = json_pieces(__version__, batch.rubric, cards(batch)) if fmt is Format.json \
                else batch_csv_pieces(cards(batch), other_rubrics=bool(other_rubric_names(options["rubrics"])))
            streamed.spool.writelines(pieces)
    except BaseException:
        streamed.spool.close()
        raise
    return streamed


def _finish_streamed(request: ScoreRequest, streamed: _Streamed, output: str | None, fmt: "Format") -> int:
    """`run_score`'s end for a streamed report: the report to --output or stdout, the
    failures on stderr, the exit code."""
    import shutil

    from openness.files import write_report

    with streamed.spool as spool:
        spool.seek(0)
        if output:
            try:
                write_report(output, iter(lambda: spool.read(1 << 16), ""))
            except OSError as exc:
                _fail(f"cannot write {output}: {_os_reason(exc)}", EXIT_USAGE)
        else:
            shutil.copyfileobj(spool, sys.stdout, 1 << 16)
            sys.stdout.flush()
    failed, count = streamed.failed, streamed.count
    for line in _failure_lines(failed, request.endpoint):
        _say(line)
    if output:
        _say(f"wrote {output}{_as_format(output, fmt)} ({count - len(failed)} of {count} models scored)")
    if any(card.error and card.error.kind == "invalid_id" for card in failed):
        return EXIT_USAGE
    return EXIT_UNSCORED if failed else EXIT_OK


def _gates(request: ScoreRequest) -> "list[Gate]":
    """The gates asked for, checked against the axes and the frameworks (exit 2 if bad)."""
    if not request.fail_on and not request.minimum:  # before the imports: a warm run needs no rubric code
        return []
    from openness.errors import UserRubricError
    from openness.gates import InvalidGate, parse_gates
    from openness.rubric.loader import load_frameworks

    try:
        return parse_gates(request.fail_on, request.minimum, load_frameworks())
    except (InvalidGate, UserRubricError) as exc:
        _fail(str(exc), EXIT_USAGE)


def _gate_lines(gates: "list[Gate]", cards: "list[Scorecard]") -> list[str]:
    if not gates:  # openness.gates imports the rubric code, which a warm run does without
        return []
    from openness.gates import gate_failures
    from openness.render.text import terminal_line

    return [f"gate failed: {terminal_line(line)}" for line in gate_failures(gates, cards)]


def _local_source(paths: list[str], beneath: "MetadataSource") -> "tuple[MetadataSource, list[LocalModel]]":
    """`openness check`: the folders, served under their local ids over the Hub source."""
    from openness.sources.local import LocalFolderSource, NotAModelFolder, local_models

    try:
        local = local_models(paths)
    except NotAModelFolder as exc:
        _fail(str(exc), EXIT_USAGE)
    return LocalFolderSource(local, beneath), local


def _to_change(cards: "list[Scorecard]") -> str:
    """For a publisher: what would make each checked model more open, from the rubric's
    remediation texts (each said once per model)."""
    from openness.render.text import terminal_line

    out = []
    for card in cards:
        advice = list(dict.fromkeys(
            f"{axis}: {finding.remediation}" for axis, verdict in card.axes.items()
            for finding in verdict.findings if finding.outcome in ("not_met", "unknown") and finding.remediation))
        advice += list(dict.fromkeys(
            f"{rubric}: {finding.remediation}" for rubric, result in card.results.items()
            for dim in result.dimensions.values() for finding in dim.findings
            if finding.outcome in ("not_met", "unknown") and finding.remediation))
        if advice:
            out += ["", f"To make {terminal_line(card.repo_id)} more open:"] + [f"  - {terminal_line(a)}" for a in advice]
    return "\n".join(out) + "\n" if out else ""


def run_rubric(action: str, name: str | None = None) -> int:
    """`openness rubric list | show NAME | docs`; a bad rubric file or name exits 2."""
    from openness.errors import UserRubricError
    from openness.render.rubric_docs import framework_view, openness_view, rubric_list, rubric_text, rubrics_markdown
    from openness.render.text import for_terminal
    from openness.rubric import load_rubric
    from openness.rubric.loader import load_frameworks

    try:
        views = [openness_view(load_rubric()), *(framework_view(f) for f in load_frameworks().values())]
    except UserRubricError as exc:  # a broken packaged rubric is EXIT_INTERNAL, as for score
        _fail(str(exc), EXIT_USAGE)
    if action == "list":
        text = rubric_list(views)
    elif action == "docs":
        text = rubrics_markdown(views)
    else:
        view = next((v for v in views if v.id == name), None)
        if view is None:
            from openness.errors import quoted

            _fail(f"no rubric named {quoted(name or '')} (known: {', '.join(v.id for v in views)})", EXIT_USAGE)
        text = rubric_text(view)
    sys.stdout.write(for_terminal(text) if sys.stdout.isatty() else text)
    return EXIT_OK


def run_explain(model: str, profile: str, endpoint: str | None, repos: bool = True,
                offline: bool | None = None, as_json: bool = False, frameworks: list[str] | None = None) -> int:
    """Print the path from evidence to verdicts for one model; the exit code as for `score`.
    `offline` True reads only the cache; None leaves it to HF_HUB_OFFLINE. `as_json`
    prints it as one JSON document (kept whole even when the model was not scored)."""
    from openness.api import Judge, hub_source, trace
    from openness.errors import InvalidModelId, UnknownProfile, UnknownRubric, UserRubricError
    from openness.render.explain import render_explain, render_explain_json
    from openness.render.text import for_terminal

    _warnings_to_stderr()
    _check_endpoint(endpoint)
    try:
        judge = Judge.load(profile, frameworks or ())
        found = trace(model, profile=profile, source=hub_source(endpoint, offline=offline), repos=repos,
                      offline=offline, rubrics=frameworks or ())
    except (InvalidModelId, UnknownProfile, UnknownRubric, UserRubricError) as exc:
        _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        _interrupted()
    rubric, chosen = judge.rubric, judge.frameworks
    if as_json:
        sys.stdout.write(render_explain_json(found, rubric, profile, chosen))
    elif not _all_unreachable([found.card]):
        sys.stdout.write(for_terminal(render_explain(found, rubric, profile, chosen)))
    if found.card.status != "scored" and found.card.error:
        for line in _failure_lines([found.card], endpoint):
            _say(line)
        return EXIT_UNSCORED
    return EXIT_OK


def run_badge(model: str, axis: str, *, markdown: bool = False, json_url: str | None = None,
              image: str | None = None, profile: str = "default", endpoint: str | None = None,
              offline: bool | None = None, repos: bool = True) -> int:
    """Score one model and print its badge (openness/badge.py); exit codes as for `score`,
    and 2 when --image cannot be drawn (no Pillow) or written."""
    from openness.api import hub_address, score
    from openness.badge import BadgeImageUnavailable, badge_for, endpoint_json, markdown_snippet, png_bytes
    from openness.errors import InvalidModelId, UnknownProfile, UserRubricError

    _warnings_to_stderr()
    _check_endpoint(endpoint)
    try:
        card = score(model, profile=profile, endpoint=endpoint, offline=offline, repos=repos)
    except (InvalidModelId, UnknownProfile, UserRubricError) as exc:
        _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        _interrupted()
    if card.status != "scored":
        for line in _failure_lines([card], endpoint):
            _say(line)
        return EXIT_UNSCORED
    shown = badge_for(card, axis)  # type: ignore[arg-type]  # typer's choice holds a BadgeAxis
    if image:
        try:
            drawn = png_bytes(shown)
        except BadgeImageUnavailable as exc:
            _fail(str(exc), EXIT_USAGE)
        try:
            with open(image, "wb") as out:
                out.write(drawn)
        except OSError as exc:
            _fail(f"cannot write {image}: {_os_reason(exc)}", EXIT_USAGE)
    if markdown:
        name = os.path.basename(image) if image else "openness-badge.png"
        sys.stdout.write(markdown_snippet(shown, card.repo_id, hub=hub_address(endpoint), json_url=json_url,
                                          image_name=name))
    elif not image:
        sys.stdout.write(endpoint_json(shown))
    return EXIT_OK


def _budget_notice(source: object, ids: list[str], listed: set[str], waits: bool) -> str | None:
    """The line said before a batch that needs more Hub API calls than the Hub allows a
    caller without a token in one window; None when it fits, or a token is set."""
    from openness.models import ModelRef
    from openness.sources.cached import CachedHubSource
    from openness.sources.hub import HubSource
    from openness.sources.ratelimit import (API_CALLS_PER_LISTED_MODEL, API_CALLS_PER_MODEL,
                                            HUB_ANONYMOUS_API_BUDGET, budget_notice)

    if not isinstance(source, (HubSource, CachedHubSource)) or source.has_token:
        return None
    calls = 0.0
    for text in ids:
        try:
            ref = ModelRef.parse(text)
        except Exception:  # an invalid id costs no call; it is reported with the others
            continue
        if not source.is_cached(ref):
            calls += API_CALLS_PER_LISTED_MODEL if text in listed else API_CALLS_PER_MODEL
    budget = source.announced_budget or HUB_ANONYMOUS_API_BUDGET
    return budget_notice(len(ids), calls, budget, waits=waits)


def _all_unreachable(cards: "list[Scorecard]") -> bool:
    """True when no model was scored because the Hub could not be reached at all."""
    return bool(cards) and all(card.error is not None and card.error.kind == "unreachable" for card in cards)


def _failure_lines(failed: "list[Scorecard]", endpoint: str | None) -> list[str]:
    """The stderr lines for models that could not be scored: one each, except that the
    models the Hub could not be reached for share one line per cause, which names the
    Hub's address and what to do (with no network, every model fails the same way)."""
    from openness.cache import DEFAULT_ENDPOINT
    from openness.sources.origins import without_credentials

    address = without_credentials((endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"))
    lines: list[str] = []
    unreachable: dict[str, list[str]] = {}  # cause -> models
    places: dict[str, int] = {}  # cause -> its line, where its first model failed
    for card in failed:
        if card.error is None:
            continue
        if card.error.kind != "unreachable":
            lines.append(card.error.message)
            continue
        cause = card.error.message.removeprefix(f"{card.repo_id}: ")
        if cause not in places:
            places[cause] = len(lines)
            lines.append(cause)
        unreachable.setdefault(cause, []).append(card.repo_id)
    for cause, repos in unreachable.items():
        which = repos[0] if len(repos) == 1 else f"{len(repos)} models"
        where = cause.replace("the Hub", f"the Hub at {address}", 1)
        lines[places[cause]] = (
            f"{where}, for {which}: check the network, or set --endpoint or HF_ENDPOINT to a Hub "
            "that can be reached; --offline scores what is already cached")
    return lines


def _check_endpoint(endpoint: str | None) -> None:
    """Exit 2 at once, before any request or cache read, when --endpoint (or HF_ENDPOINT)
    is not an http(s) URL: `localhost:8080` would otherwise fail model by model, or seem
    to work from a warm cache."""
    from openness.api import check_endpoint
    from openness.errors import InvalidEndpoint

    try:
        check_endpoint(endpoint, name="--endpoint")
    except InvalidEndpoint as exc:
        _fail(str(exc), EXIT_USAGE)


def _interrupted() -> NoReturn:
    """Ctrl-C: say so and leave at once, without waiting for requests in flight.

    Everything the cache holds was renamed into place whole, so what was fetched before
    the interrupt is kept and nothing half-written is ever read; no report is written.
    """
    _say("interrupted; no report written (what was already fetched stays cached)")
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(EXIT_INTERRUPTED)  # threads still waiting on the network would delay a normal exit


# How long a run on a terminal may go with nothing scored before it says what it waits for:
# a Hub that accepts connections and never answers otherwise shows nothing at all.
WAITING_NOTICE_S = 10.0
WAITING_NOTICE_VARIABLE = "OPENNESS_WAITING_NOTICE_S"


@contextlib.contextmanager
def _progress_bar(total: int, quiet: bool, address: str = ""):
    """On a terminal (not quiet): for a batch, a progress bar on stderr; for any run, a
    status line "waiting for the Hub at <address> (N s)..." once nothing has been scored
    for WAITING_NOTICE_S (OPENNESS_WAITING_NOTICE_S), gone when the run ends.

    Yields the callback `compare` calls as each model is finished (None when nothing is shown).
    """
    if quiet or not _stderr_is_terminal():
        yield None
        return
    import threading
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from openness.render.text import terminal_line

    batch = total >= 2
    # The description is a repo id, which the Hub's listing or the user supplies: shown as
    # plain text (markup=False), so `[link=...]` makes no link and `[/x]` raises nothing.
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) if batch else ()
    bar = Progress(*columns, TextColumn("{task.description}", markup=False), console=_progress_console(),
                   transient=True)
    task = bar.add_task("", total=total)
    started, scored, over = time.monotonic(), threading.Event(), threading.Event()

    def say_what_it_waits_for() -> None:
        if over.wait(_waiting_notice_s()) or scored.is_set():
            return
        if not batch:  # a single model shows nothing until now
            bar.start()
        while not scored.is_set():
            waited = int(time.monotonic() - started)
            bar.update(task, description=terminal_line(f"waiting for the Hub at {address} ({waited} s)..."))
            if over.wait(1.0):
                return

    def advance(card: "Scorecard") -> None:
        scored.set()
        if batch:
            bar.update(task, advance=1, description=terminal_line(card.repo_id))

    if batch:
        bar.start()
    watcher = threading.Thread(target=say_what_it_waits_for, name="openness-waiting", daemon=True)
    watcher.start()
    try:
        yield advance
    finally:
        over.set()
        watcher.join()
        bar.stop()


def _waiting_notice_s() -> float:
    """WAITING_NOTICE_S, or OPENNESS_WAITING_NOTICE_S when it is a number (tests use 0.3)."""
    try:
        return max(0.0, float(os.environ.get(WAITING_NOTICE_VARIABLE, WAITING_NOTICE_S)))
    except ValueError:
        return WAITING_NOTICE_S


def _stdout_style() -> "tuple[bool, int | None]":
    """Colour and width for the table on stdout. On a terminal: colour, and the terminal's
    width (COLUMNS first). Piped: no colour and no width, so the text is the same
    wherever it goes (REASON_WIDTH cuts reasons)."""
    import shutil

    terminal = sys.stdout.isatty()
    return _wants_colour(terminal), shutil.get_terminal_size().columns if terminal else None


def _wants_colour(terminal: bool) -> bool:
    """NO_COLOR (any non-empty value, https://no-color.org) turns colour off; FORCE_COLOR
    (non-empty, not 0) turns it on even when piped; else only a terminal that is not `dumb`."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return terminal and os.environ.get("TERM") != "dumb"


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _progress_console() -> "Console":
    from rich.console import Console

    return Console(stderr=True)


def _warnings_to_stderr() -> None:
    """Warnings from the library (a broken cache entry, say) as one `openness:` line each."""
    import logging

    class ToStderr(logging.Handler):  # sys.stderr looked up per line: tests swap it
        def emit(self, record: logging.LogRecord) -> None:
            # A notice (the run waiting for the Hub's rate limit) is news, not a warning.
            _say(record.getMessage() if getattr(record, "notice", False) else f"warning: {record.getMessage()}")

    logger = logging.getLogger("openness")
    if not any(type(h).__name__ == "ToStderr" for h in logger.handlers):
        logger.addHandler(ToStderr(logging.WARNING))
        logger.propagate = False


def main() -> None:
    """Entry point of the `openness` console script and `python -m openness`."""
    if sys.argv[1:] == ["--version"]:  # answered before anything heavy is imported
        from openness.version import __version__

        print(f"openness {__version__}")
        return
    try:
        _build_app()(prog_name="openness")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
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
