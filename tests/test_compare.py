"""Comparing many models: the CLI's batch table, input lists, output files, sorting and
grouping, and the Python API, against the stand-in Hub with synthetic cards."""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest

import openness
from helpers import axes, cli
from openness.render.rows import COLUMNS

THREE = ["openlab/atlas-7b", "railco/meadow-3b", "ncco/lumen-2b"]


def markdown_rows(text: str) -> list[list[str]]:
    """The cells of every markdown table row, separator rows included."""
    return [[cell.strip() for cell in line.strip("|").split(" | ")]
            for line in text.splitlines() if line.startswith("| ") or line.startswith("|---")]


class TableCounter(HTMLParser):
    """Counts tags and collects the text of table rows in an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.row_heads: list[str] = []
        self._in_row_head = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag in ("th", "div"):  # the name may sit inside a link; the revision's div ends it
            self._in_row_head = tag == "th" and ("scope", "row") in attrs

    def handle_endtag(self, tag):
        if tag in ("th", "div"):
            self._in_row_head = False

    def handle_data(self, data):
        if self._in_row_head and data.strip():
            self.row_heads.append(data.strip())


def parse_html(text: str) -> TableCounter:
    parser = TableCounter()
    parser.feed(text)
    return parser


def test_several_ids_print_one_comparison_table(hub_url):
    run = cli("score", *THREE, endpoint=hub_url)
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["model", "weights", "data", "code", "licence", "gate", "parent"]
    rows = {line.split()[0]: line for line in lines if line.split() and line.split()[0] in THREE}
    assert set(rows) == set(THREE)
    assert "open 4/4" in rows["openlab/atlas-7b"] and "(A)" in rows["openlab/atlas-7b"]
    assert "(C)" in rows["railco/meadow-3b"] and "(E)" in rows["ncco/lumen-2b"]


def test_markdown_comparison_has_header_separator_rows_legend_and_footer(hub_url):
    out = cli("score", *THREE, "-f", "markdown", endpoint=hub_url).stdout
    rows = markdown_rows(out)
    assert rows[0] == ["model", "weights", "data", "code", "licence", "gate", "parent"]
    assert rows[1][0].startswith("---")
    assert [row[0] for row in rows[2:]] == THREE
    assert "**Legend**" in out and "C: " in out  # the classes present are explained
    footer = out.rstrip().splitlines()[-1]
    assert footer.startswith(f"_Scored by openness {openness.__version__} with rubric openness ")
    assert footer.endswith("profile default._")


def test_every_format_says_the_same(hub_url):
    ids = [*THREE, "adapterco/tiny-lora", "nobody/nothing"]
    doc = cli("score", *ids, "-f", "json", endpoint=hub_url).json()
    expected = {m["repo_id"]: m for m in doc["models"]}

    sheet = list(csv.DictReader(io.StringIO(cli("score", *ids, "-f", "csv", endpoint=hub_url).stdout)))
    markdown = {row[0]: row for row in markdown_rows(cli("score", *ids, "-f", "markdown", endpoint=hub_url).stdout)}
    html = cli("score", *ids, "-f", "html", endpoint=hub_url).stdout
    for row in sheet:
        model = expected[row["repo_id"]]
        assert row["status"] == model["status"]
        if model["status"] != "scored":
            assert row["error_kind"] == model["error"]["kind"] and row["weights"] == ""
            continue
        for axis, verdict in model["axes"].items():
            assert (row[axis], int(row[f"{axis}_level"])) == (verdict["verdict"], verdict["level"])
            assert markdown[row["repo_id"]][["weights", "data", "code"].index(axis) + 1] == \
                f"{verdict['verdict']} {verdict['level']}/4"
        assert row["license_class"] == model["license"]["class"]
    assert [row["repo_id"] for row in sheet] == ids
    assert parse_html(html).row_heads == ids


def test_csv_has_stable_columns_and_one_row_per_model(hub_url):
    out = cli("score", *THREE, "-f", "csv", endpoint=hub_url).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == COLUMNS
    assert [row[0] for row in rows[1:]] == THREE
    assert all(len(row) == len(COLUMNS) for row in rows)


def test_html_is_one_page_with_a_table_and_evidence_behind_each_verdict(hub_url):
    out = cli("score", *THREE, "-f", "html", endpoint=hub_url).stdout
    page = parse_html(out)
    assert out.startswith("<!doctype html>") and page.tags["html"] == 1 and page.tags["table"] == 1
    assert page.tags["tr"] == 1 + len(THREE)
    # each axis cell and each licence cell opens onto its reasons
    assert page.tags["details"] >= 4 * len(THREE)
    assert "script" not in page.tags and "<link" not in out


def test_ids_from_a_file_with_comments_blank_lines_and_repeats(hub_url, tmp_path):
    listing = tmp_path / "models.txt"
    listing.write_text("# models we might ship\nopenlab/atlas-7b\n\nrailco/meadow-3b   # RAIL\n"
                       "openlab/atlas-7b\n", encoding="utf-8")
    run = cli("score", "ncco/lumen-2b", "--from", str(listing), "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert [m["repo_id"] for m in run.json()["models"]] == ["ncco/lumen-2b", "openlab/atlas-7b", "railco/meadow-3b"]


def test_ids_from_stdin(hub_url):
    run = cli("score", "--from", "-", "-f", "csv", endpoint=hub_url, stdin="openlab/atlas-7b\nncco/lumen-2b\n")
    assert run.code == 0, run.stderr
    assert [row["repo_id"] for row in csv.DictReader(io.StringIO(run.stdout))] == ["openlab/atlas-7b", "ncco/lumen-2b"]


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "no model ids given"),
     (("--from", "/no/such/list.txt"), "cannot read ids from /no/such/list.txt"),
     (("openlab/atlas-7b", "--output", "/no/such/folder/report.md"), "cannot write /no/such/folder/report.md")],
)
def test_bad_input_lists_and_outputs_exit_2_with_one_line(hub_url, args, message):
    run = cli("score", *args, endpoint=hub_url)
    assert run.code == 2
    assert run.stderr.startswith(f"openness: {message}") and len(run.stderr.strip().splitlines()) == 1
    assert run.stdout == ""


@pytest.mark.parametrize(("suffix", "marker"), [(".md", "| model |"), (".csv", "repo_id,revision"),
                                                (".json", '"schema_version"'), (".html", "<!doctype html>")])
def test_output_file_takes_its_format_from_the_suffix(hub_url, tmp_path, suffix, marker):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / f"report{suffix}"
    run = cli("score", *THREE, "--output", str(target), endpoint=hub_url)
    assert run.code == 0 and run.stdout == ""
    assert marker in target.read_text(encoding="utf-8")
    assert f"wrote {target} (3 of 3 models scored)" in run.stderr
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left behind


def test_explicit_format_wins_over_the_suffix(hub_url, tmp_path):
    target = tmp_path / "report.txt"
    cli("score", *THREE, "-o", str(target), "-f", "json", endpoint=hub_url)
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 2


def test_sort_by_axis_puts_the_most_open_first_and_failures_last(hub_url):
    ids = ["nobody/nothing", "ncco/lumen-2b", "openlab/atlas-7b", "oddco/binary-card", "railco/meadow-3b"]
    doc = cli("score", *ids, "--sort", "data", "-f", "json", endpoint=hub_url).json()
    order = [(m["repo_id"], m["axes"]["data"]["level"] if m["axes"] else "error") for m in doc["models"]]
    assert order[0][0] == "openlab/atlas-7b"
    scores = [score for _, score in order if isinstance(score, int)]
    assert scores == sorted(scores, reverse=True)
    assert [repo for repo, _ in order][-2:] == ["oddco/binary-card", "nobody/nothing"]  # unknown, then error


def test_sort_by_licence_class(hub_url):
    doc = cli("score", *THREE, "--sort", "license", "-f", "json", endpoint=hub_url).json()
    assert [m["license"]["class"] for m in doc["models"]] == ["A", "C", "E"]


def test_group_by_licence_class_gives_a_table_per_class(hub_url):
    ids = ["ncco/lumen-2b", "openlab/atlas-7b", "railco/meadow-3b", "weightsco/breeze-7b"]
    out = cli("score", *ids, "--group-by", "license-class", "-f", "markdown", endpoint=hub_url).stdout
    headings = [line for line in out.splitlines() if line.startswith("#### ")]
    assert [h.split()[2] for h in headings] == ["A:", "C:", "E:"]
    section_a = out.split("#### ")[1]
    assert "openlab/atlas-7b" in section_a and "weightsco/breeze-7b" in section_a
    assert "ncco/lumen-2b" not in section_a


def test_python_api_gives_the_same_verdicts_as_the_cli(hub_url):
    report = openness.compare(THREE, endpoint=hub_url)
    doc = cli("score", *THREE, "-f", "json", endpoint=hub_url).json()
    assert json.loads(report.to_json())["models"] == doc["models"]
    for model in doc["models"]:
        card = report[model["repo_id"]]
        assert tuple(card.axes[a].verdict for a in ("weights", "data", "code")) == axes(model)
    single = openness.score("railco/meadow-3b", endpoint=hub_url)
    assert single == report["railco/meadow-3b"]


def test_report_renders_like_the_cli(hub_url):
    report = openness.compare(THREE, endpoint=hub_url)
    assert report.to_markdown() == cli("score", *THREE, "-f", "markdown", endpoint=hub_url).stdout
    assert report.to_csv() == cli("score", *THREE, "-f", "csv", endpoint=hub_url).stdout
    assert report.to_html() == cli("score", *THREE, "-f", "html", endpoint=hub_url).stdout
    assert report.sorted("license").to_table() == cli("score", *THREE, "--sort", "license", endpoint=hub_url).stdout


def test_notebook_display(hub_url):
    report = openness.compare(THREE, endpoint=hub_url)
    fragment = report._repr_html_()
    page = parse_html(fragment)
    assert page.tags["table"] == 1 and "html" not in page.tags and "body" not in page.tags
    assert page.row_heads == THREE
    assert report._repr_markdown_() == report.to_markdown()
    assert report["openlab/atlas-7b"]._repr_markdown_().startswith("| model | weights |")


def test_to_pandas_has_a_row_per_model_and_integer_levels(hub_url):
    frame = openness.compare([*THREE, "nobody/nothing"], endpoint=hub_url).to_pandas()
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["repo_id"]) == [*THREE, "nobody/nothing"]
    assert str(frame["weights_level"].dtype) == "Int64"
    assert frame.loc[0, "weights_level"] == 4 and frame.isna().loc[3, "weights_level"]


def test_api_options_revision_profile_and_a_single_string(hub_url, hub):
    on_branch = openness.score("revco/pinned", revision="v1", endpoint=hub_url)
    on_main = openness.score("revco/pinned", endpoint=hub_url)
    assert on_main.revision == hub.sha_of("revco/pinned")
    assert on_branch.status == "scored" and on_branch.revision not in (None, on_main.revision)
    assert openness.compare("openlab/atlas-7b", endpoint=hub_url, profile="osi").rubric.profile == "osi"
    with pytest.raises(openness.api.UnknownProfile):
        openness.compare(THREE, endpoint=hub_url, profile="nope")
    with pytest.raises(KeyError):
        openness.compare("openlab/atlas-7b", endpoint=hub_url)["not/there"]


def test_a_report_is_the_sequence_of_its_scorecards(hub_url):
    report = openness.compare([*THREE, "nobody/nothing"], endpoint=hub_url)
    assert len(report) == 4
    assert [card.repo_id for card in report] == [*THREE, "nobody/nothing"]
    assert report[0] is report.scorecards[0] and report[-1].status == "error"
    assert [card.repo_id for card in report[1:3]] == THREE[1:3]
    assert report.model_dump()["scorecards"][0]["repo_id"] == THREE[0]  # still a pydantic model
    assert openness.report.Report.model_validate_json(report.model_dump_json()) == report


def test_a_report_finds_a_model_as_compare_accepts_it(hub_url):
    report = openness.compare(THREE, endpoint=hub_url)
    atlas = report["openlab/atlas-7b"]
    for spelling in ("OpenLab/Atlas-7B", "https://huggingface.co/openlab/atlas-7b",
                     "hf.co/OPENLAB/atlas-7b", f"openlab/atlas-7b@{atlas.revision}",
                     f"openlab/atlas-7b@{atlas.revision[:7]}", "openlab/atlas-7b@main"):
        assert spelling in report
        assert report[spelling] == atlas
    assert atlas in report
    for absent in ("openlab/atlas-8b", "not an id", "openlab/atlas-7b@0000000", 3):
        assert absent not in report
    with pytest.raises(KeyError):
        report["https://huggingface.co/openlab/atlas-8b"]


def test_print_shows_the_table_not_the_internals(hub_url):
    report = openness.compare(THREE, endpoint=hub_url)
    assert str(report) == report.to_table() == cli("score", *THREE, endpoint=hub_url).stdout
    assert "evidence" not in repr(report) and len(repr(report)) < 300
    assert all(repo in repr(report) for repo in THREE)


SPELLINGS = ["openlab/atlas-7b", "https://huggingface.co/openlab/atlas-7b", "OpenLab/Atlas-7B",
             "hf.co/OPENLAB/ATLAS-7B", "railco/meadow-3b"]


def test_one_model_in_several_spellings_is_one_row(hub_url):
    doc = cli("score", *SPELLINGS, "-f", "json", endpoint=hub_url).json()
    assert [m["repo_id"] for m in doc["models"]] == ["openlab/atlas-7b", "railco/meadow-3b"]
    report = openness.compare(SPELLINGS[::-1], endpoint=hub_url)
    assert [card.repo_id for card in report] == ["railco/meadow-3b", "openlab/atlas-7b"]
    missing = openness.compare(["nobody/Nothing", "https://huggingface.co/NOBODY/nothing"], endpoint=hub_url)
    assert [card.repo_id for card in missing] == ["nobody/Nothing"]  # the first spelling is kept


def test_revisions_and_invalid_ids_stay_apart_when_ids_are_deduplicated():
    from openness.ids import unique_model_texts

    texts = ["Org/A", "org/a@v1", "org/a@V1", "ORG/A", "not an id", " not an id ", "org/a@v1"]
    assert unique_model_texts(texts) == ["Org/A", "org/a@v1", "org/a@V1", "not an id"]


def test_a_scorecard_from_the_api_shows_in_a_notebook_in_a_fresh_interpreter():
    import subprocess
    import sys

    code = ("import openness.api\nfrom openness.models import Scorecard\n"
            "card = Scorecard(repo_id='a/b', revision=None, status='error')\nprint(card._repr_markdown_())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("| model | weights |")
