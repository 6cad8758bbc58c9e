"""`openness scan`: a card dump scored with the same assessment as `score`, nothing looked up."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from helpers import cli  # noqa: E402
from scan_fixtures import base_rows, card, row, write_dump  # noqa: E402

from openness.scan.local import ScanRequest, run_scan  # noqa: E402


def scan_rows(tmp_path: Path, rows=None, *args: str, name: str = "out.jsonl") -> dict[str, dict]:
    dump = write_dump(tmp_path / "dump.parquet", base_rows() if rows is None else rows)
    out = tmp_path / name
    run = cli("scan", str(dump), "-o", str(out), "--jobs", "1", *args)
    assert run.code == 0, run.stderr
    return {r["repo_id"]: r for r in read_out(out)}


def read_out(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> dict[str, dict]:
    return scan_rows(tmp_path_factory.mktemp("scan"))


def test_every_row_of_the_dump_has_one_output_row(scanned):
    assert sorted(scanned) == sorted(r["modelId"] for r in base_rows())


def test_weights_without_a_file_list_or_format_tag_are_unknown_never_closed(scanned):
    notags = scanned["ncco/notags"]
    assert (notags["weights"], notags["weights_level"]) == ("unknown", None)
    assert "file list" in json.loads(notags["evidence"])["weights"]["reasons"][-1]
    assert any("file list" in said for said in json.loads(notags["limits"]))


def test_a_file_format_tag_and_an_open_licence_make_the_weights_open(scanned):
    assert (scanned["ncco/base"]["weights"], scanned["ncco/base"]["weights_level"]) == ("open", 3)
    assert any("tags:" in e for e in json.loads(scanned["ncco/base"]["evidence"])["weights"]["evidence"])


def test_a_gate_the_card_configures_leaves_the_weights_unknown_not_lowered(scanned):
    gated = scanned["ncco/gatedcard"]
    assert gated["weights"] == "unknown" and gated["gated"] != "no gate"
    assert "gate" in json.loads(gated["evidence"])["weights"]["reasons"][-1]


def test_a_parent_in_the_scan_is_joined_and_one_outside_is_unknown_and_named(scanned):
    child = scanned["ncco/child"]
    assert child["parents"] == "finetune of ncco/base"
    lineage = json.loads(child["lineage"])
    assert lineage[0]["repo_id"] == "ncco/base" and lineage[0]["status"] == "scored"
    orphan = scanned["ncco/orphan"]
    assert "elsewhere/missing" in orphan["parents"]
    assert any("parents outside the scanned data" in said for said in json.loads(orphan["limits"]))
    assert not any("parents" in said for said in json.loads(child["limits"]))
    # a parent not looked at never lowers the child: unknown, not closed
    assert orphan["data"] == "unknown"


def test_a_cycle_among_scanned_parents_ends_with_both_rows(scanned):
    for name in ("ncco/cyc-a", "ncco/cyc-b"):
        assert scanned[name]["status"] == "scored"
        assert "cycle" in json.dumps(json.loads(scanned[name]["lineage"]))


def test_a_row_that_names_no_model_keeps_its_row_with_the_reason(scanned):
    bad = scanned["../../etc/passwd"]
    assert bad["status"] == "error" and bad["error_kind"] == "bad_row"
    assert "model id" in bad["error"]


def test_a_row_without_a_card_is_scored_with_the_card_axes_unknown(scanned):
    nocard = scanned["ncco/nocard"]
    assert nocard["status"] == "scored" and nocard["data"] == "unknown"


def test_the_three_formats_hold_the_same_rows(tmp_path):
    by_format = {suffix: scan_rows(tmp_path, None, name=f"out.{suffix}") for suffix in ("jsonl", "parquet", "csv")}
    assert by_format["jsonl"] == by_format["parquet"]
    as_text = {k: {c: "" if v is None else str(v) for c, v in r.items()} for k, r in by_format["jsonl"].items()}
    assert as_text == by_format["csv"]
    assert pq.read_schema(tmp_path / "out.parquet").metadata[b"openness_scan_version"] == b"1"


@pytest.mark.parametrize("suffix", ["jsonl", "parquet"])
def test_resume_adds_only_the_models_not_yet_written(tmp_path, suffix):
    dump = write_dump(tmp_path / "dump.parquet", base_rows())
    out = tmp_path / f"out.{suffix}"
    assert cli("scan", str(dump), "-o", str(out), "--jobs", "1", "--limit", "3").code == 0
    assert len(read_out(out)) == 3
    if suffix == "jsonl":  # a run killed mid-line leaves a torn last line: it is cut, not kept
        out.write_text(out.read_text() + '{"repo_id": "ncco/tor', encoding="utf-8")
    run = cli("scan", str(dump), "-o", str(out), "--jobs", "1", "--resume")
    assert run.code == 0, run.stderr
    ids = [r["repo_id"] for r in read_out(out)]
    assert sorted(ids) == sorted(r["modelId"] for r in base_rows())
    assert "already there" in run.stderr


def _scan_killed_hard(dump: Path, out: Path, after_rows: int) -> None:
    """A parquet scan in a forked child, killed (os._exit: no cleanup, no footer) once
    `after_rows` rows are written, with a row group of two rows."""
    import multiprocessing
    import os

    def child() -> None:
        import openness.scan.output as output

        output.ROW_GROUP = 2
        done = 0

        def progress(rows: int) -> None:
            nonlocal done
            done += rows
            if done >= after_rows:
                os._exit(9)

        run_scan(ScanRequest((str(dump),), str(out), jobs=1, batch_size=1), progress)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(60)
    assert process.exitcode == 9


def test_a_parquet_scan_killed_hard_keeps_its_finished_row_groups_for_resume(tmp_path):
    rows = base_rows()
    dump = write_dump(tmp_path / "dump.parquet", rows)
    out = tmp_path / "out.parquet"
    _scan_killed_hard(dump, out, after_rows=5)
    assert not out.exists()
    from openness.scan.output import done_ids, finished_parts

    kept = done_ids(str(out))
    assert len(finished_parts(str(out))) >= 2 and len(kept) >= 4  # two-row parts, finished before the kill
    run = cli("scan", str(dump), "-o", str(out), "--jobs", "1", "--resume")
    assert run.code == 0, run.stderr
    assert f"{len(kept):,} already there" in run.stderr
    ids = [r["repo_id"] for r in read_out(out)]
    assert sorted(ids) == sorted(r["modelId"] for r in rows)  # each once: none lost, none twice
    assert not (tmp_path / "out.parquet.parts").exists()
    (tmp_path / "fresh").mkdir()
    fresh = scan_rows(tmp_path / "fresh", rows, name="out.parquet")
    assert {r["repo_id"]: r for r in read_out(out)} == fresh


def test_a_scan_without_resume_starts_over_from_no_parts(tmp_path):
    rows = base_rows()
    dump = write_dump(tmp_path / "dump.parquet", rows)
    out = tmp_path / "out.parquet"
    _scan_killed_hard(dump, out, after_rows=3)
    run = cli("scan", str(dump), "-o", str(out), "--jobs", "1")
    assert run.code == 0, run.stderr
    assert sorted(r["repo_id"] for r in read_out(out)) == sorted(r["modelId"] for r in rows)


def test_worker_processes_write_the_same_rows_as_one_process(tmp_path):
    rows = base_rows()
    one = scan_rows(tmp_path, rows)
    dump = tmp_path / "dump.parquet"
    out = tmp_path / "two.jsonl"
    run_scan(ScanRequest((str(dump),), str(out), jobs=2, batch_size=2))
    assert {r["repo_id"]: r for r in read_out(out)} == one


def test_a_listing_gives_the_file_list_and_the_gate(tmp_path):
    listing = pa.Table.from_pylist([
        {"id": "ncco/notags", "siblings": [{"rfilename": "README.md"}, {"rfilename": "model.safetensors"}],
         "gated": "false", "sha": "a" * 40},
        {"id": "ncco/gatedcard", "siblings": [{"rfilename": "model.safetensors"}], "gated": "manual", "sha": "b" * 40},
    ])
    pq.write_table(listing, tmp_path / "listing.parquet")
    found = scan_rows(tmp_path, None, "--listing", str(tmp_path / "listing.parquet"))
    assert (found["ncco/notags"]["weights"], found["ncco/notags"]["weights_level"]) == ("open", 3)
    assert not any("file list" in said for said in json.loads(found["ncco/notags"]["limits"]))
    assert (found["ncco/gatedcard"]["weights"], found["ncco/gatedcard"]["weights_level"]) == ("partial", 1)


def test_a_dataset_dump_gives_the_licence_of_a_named_dataset(tmp_path):
    datasets = pa.Table.from_pylist([{"datasetId": "ncco/corpus", "tags": ["license:cc-by-4.0"]}])
    pq.write_table(datasets, tmp_path / "datasets.parquet")
    without = scan_rows(tmp_path, None)
    found = scan_rows(tmp_path, None, "--datasets", str(tmp_path / "datasets.parquet"), name="with.jsonl")
    assert any("datasets not looked up" in said for said in json.loads(without["ncco/base"]["limits"]))
    assert not any("datasets" in said for said in json.loads(found["ncco/base"]["limits"]))
    assert "could not be looked up" in json.dumps(json.loads(without["ncco/base"]["evidence"])["data"])
    assert "licence cc-by-4.0 (class B)" in json.dumps(json.loads(found["ncco/base"]["evidence"])["data"])


def test_frameworks_add_their_outcome_columns(tmp_path):
    found = scan_rows(tmp_path, None, "-F", "mof", "-F", "g7")
    assert {"mof", "g7"} <= set(found["ncco/base"])
    assert found["ncco/base"]["g7"] in ("open-source-open-data", "open-source", "open-weights",
                                        "weights-available", "none", "unknown")


def test_hostile_cards_cost_their_own_row_only(tmp_path):
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nlicense: mit"
    rows = [row("ncco/bomb", card(bomb)), row("ncco/huge", card("license: mit", "word " * 300_000)),
            row("ncco/escape", card("license: mit", "\x1b[2J\x1b]8;;http://x\x07 trained on \x00 data")),
            row("ncco/fine", card("license: mit"), ["safetensors"])]
    found = scan_rows(tmp_path, rows)
    assert sorted(found) == ["ncco/bomb", "ncco/escape", "ncco/fine", "ncco/huge"]
    assert all(r["status"] == "scored" for r in found.values())
    assert found["ncco/fine"]["weights"] == "open"


@pytest.mark.parametrize("args, says", [
    (["/nonexistent/dump.parquet", "-o", "{tmp}/out.jsonl"], "no such file"),
    (["{readme}", "-o", "{tmp}/out.jsonl"], "not a readable parquet file"),
    (["{dump}", "-o", "{tmp}/out.txt"], "cannot tell the output format"),
    (["{other}", "-o", "{tmp}/out.jsonl"], "not a card dump"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, says):
    dump = write_dump(tmp_path / "dump.parquet", base_rows()[:1])
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    (tmp_path / "README.md").write_text("# not parquet\n")
    filled = [a.format(tmp=tmp_path, dump=dump, readme=tmp_path / "README.md", other=tmp_path / "other.parquet")
              for a in args]
    run = cli("scan", *filled)
    assert run.code == 2
    assert says in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


PARITY_CARD = card(
    "license: apache-2.0\ndatasets:\n- ncco/corpus\nbase_model: elsewhere/base",
    "## Training data\n\nWe trained on [ncco/corpus](https://huggingface.co/datasets/ncco/corpus), 2T tokens, "
    "deduplicated and filtered.\n\n## Training procedure\n\nThe training code is at "
    "https://github.com/ncco/trainer (pretraining scripts and configs).\n")


def test_a_card_is_judged_as_check_offline_judges_the_same_card_and_files(tmp_path):
    folder = tmp_path / "lumen"
    folder.mkdir()
    (folder / "README.md").write_text(PARITY_CARD, encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0")
    checked = cli("check", "--offline", "--no-repos", "--format", "json", str(folder))
    assert checked.code in (0, 1), checked.stderr
    expected = checked.json()["models"][0]["axes"]
    listing = pa.Table.from_pylist([{"id": "ncco/lumen", "siblings": ["README.md", "model.safetensors"],
                                     "gated": "false", "sha": "c" * 40}])
    pq.write_table(listing, tmp_path / "listing.parquet")
    found = scan_rows(tmp_path, [row("ncco/lumen", PARITY_CARD, ["safetensors", "base_model:elsewhere/base"])],
                      "--listing", str(tmp_path / "listing.parquet"))["ncco/lumen"]
    assert {axis: (found[axis], found[f"{axis}_level"]) for axis in ("weights", "data", "code")} == \
        {axis: (v["verdict"], v["level"]) for axis, v in expected.items()}


def test_card_code_that_loads_this_very_repo_shows_the_weights_when_no_file_list_was_seen(tmp_path):
    loads = "```python\nmodel = AutoModel.from_pretrained(\"ncco/loader\")\n```"
    other = "```python\nmodel = AutoModel.from_pretrained(\"ncco/someone-else\")\n```"
    found = scan_rows(tmp_path, [row("ncco/loader", card("license: apache-2.0", loads)),
                                 row("ncco/other", card("license: apache-2.0", other))])
    assert (found["ncco/loader"]["weights"], found["ncco/loader"]["weights_level"]) == ("open", 3)
    assert "loads this repository" in json.dumps(json.loads(found["ncco/loader"]["evidence"])["weights"])
    assert found["ncco/other"]["weights"] == "unknown"


def test_a_dotted_capital_i_before_the_loading_code_neither_hides_it_nor_loops(tmp_path, monkeypatch):
    # "İ" lower-cases to two characters: places found in the lower-cased card stood past the
    # line they named, and past the card's end the same place was found again, for ever.
    import openness.evidence.extractors as extractors

    tries = []

    def counted(*args, **kwargs):
        tries.append(args)
        assert len(tries) <= 3, "the loading line is looked for again and again"
        return first_match(*args, **kwargs)

    first_match = extractors.first_match
    monkeypatch.setattr(extractors, "first_match", counted)
    loads = "İstanbul İzmir " + "İ" * 300 + "\n\n```python\nmodel = AutoModel.from_pretrained(\"ncco/loader\")\n```"
    found = scan_rows(tmp_path, [row("ncco/loader", card("license: apache-2.0", loads))])
    assert (found["ncco/loader"]["weights"], found["ncco/loader"]["weights_level"]) == ("open", 3)
    said = json.dumps(json.loads(found["ncco/loader"]["evidence"])["weights"])
    assert "loads this repository" in said and "AutoModel.from" in said, said


def test_a_fault_on_one_card_costs_that_row_only(tmp_path, monkeypatch):
    import openness.scan.batch as batch

    real = batch.read_card

    def flaky(snapshot, judge):
        if snapshot.repo_id == "ncco/notags":
            raise RuntimeError("a bug met on this card")
        return real(snapshot, judge)

    monkeypatch.setattr(batch, "read_card", flaky)
    found = scan_rows(tmp_path)
    assert sorted(found) == sorted(r["modelId"] for r in base_rows())
    assert found["ncco/notags"]["error_kind"] == "internal_error"
    assert "RuntimeError: a bug met on this card" in found["ncco/notags"]["error"]
    assert found["ncco/base"]["status"] == "scored"


def test_the_fields_a_scan_leaves_unparsed_are_read_by_no_extractor_of_the_openness_rubric():
    from openness.assess import Judge, read_card
    from openness.models import CardFile, ModelSnapshot
    from openness.scan.dump import FRAMEWORK_ONLY_FIELDS

    index = [{"name": "m", "results": [{"task": {"type": "text-generation"},
                                         "dataset": {"type": "ncco/bench", "name": "Bench"},
                                         "metrics": [{"type": "accuracy", "value": 0.5}]}]}]
    text = card("license: apache-2.0\ndatasets:\n- ncco/corpus", "Trained on ncco/corpus with train.py.")

    def evidence(judge, with_fields: bool):
        data = {"license": "apache-2.0", "datasets": ["ncco/corpus"]}
        data |= {field: index for field in FRAMEWORK_ONLY_FIELDS} if with_fields else {}
        snap = ModelSnapshot(repo_id="ncco/m", card_data=data, card=CardFile(status="ok", text=text))
        found = read_card(snap, judge)
        return found.signals, found.evidence

    plain = Judge.load()
    assert evidence(plain, True) == evidence(plain, False)
    frameworks = Judge.load(rubrics=["all"])
    assert evidence(frameworks, True) != evidence(frameworks, False)  # they do read it


def test_the_lineage_pass_reads_a_waiting_card_once(tmp_path, monkeypatch):
    import collections

    import openness.scan.batch as batch

    real, reads = batch.read_card, collections.Counter()

    def counted(snapshot, judge):
        reads[snapshot.repo_id] += 1
        return real(snapshot, judge)

    monkeypatch.setattr(batch, "read_card", counted)
    found = scan_rows(tmp_path)
    waiting = ("ncco/child", "ncco/cyc-a", "ncco/cyc-b")  # each names a parent in the scan
    assert all(found[m]["status"] == "scored" for m in waiting)
    assert {m: reads[m] for m in waiting} == dict.fromkeys(waiting, 1)
    assert found["ncco/child"]["weights"] == found["ncco/base"]["weights"]  # the parent still joined in
