"""Local files the CLI reads and writes: --output targets, --from bounds, a cache folder
that cannot be used. Synthetic models from the stand-in Hub; no network."""
from __future__ import annotations

import json
import os
import threading

import pytest

from helpers import cli, cli_process

ONE = "openlab/atlas-7b"


@pytest.fixture
def folder(tmp_path):
    """An empty folder of the test's own (tmp_path also holds the test's HF_HOME)."""
    made = tmp_path / "out"
    made.mkdir()
    return made


# -- --output -----------------------------------------------------------------------------

def test_output_dash_means_stdout(hub_url, folder, monkeypatch):
    monkeypatch.chdir(folder)
    run = cli("score", ONE, "-o", "-", "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert run.json()["models"][0]["repo_id"] == ONE
    assert list(folder.iterdir()) == []  # no file named '-'
    assert "wrote" not in run.stderr


@pytest.mark.parametrize("name", ["report.xlsx", "report"])
def test_an_output_suffix_that_names_no_format_is_refused_before_any_work(hub_url, hub, folder, name):
    before = hub.stats["total"]
    run = cli("score", ONE, "-o", str(folder / name), endpoint=hub_url)
    assert run.code == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert run.stderr.startswith(f"openness: cannot tell the format of {folder / name}") and "--format" in run.stderr
    assert list(folder.iterdir()) == []
    assert hub.stats["total"] == before  # refused before a single request


def test_an_explicit_format_for_an_unknown_suffix_is_named(hub_url, folder):
    target = folder / "report.xlsx"
    run = cli("score", ONE, "-o", str(target), "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 2
    assert f"wrote {target} as json (1 of 1 models scored)" in run.stderr


def test_an_output_folder_is_refused_with_one_line(hub_url, folder):
    (folder / "out.md").mkdir()
    run = cli("score", ONE, "-o", str(folder / "out.md"), endpoint=hub_url)
    assert run.code == 2 and run.stderr == f"openness: cannot write {folder / 'out.md'}: it is a folder\n"


def test_a_fifo_is_written_into_not_replaced(hub_url, folder):
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run = cli("score", ONE, "-o", str(fifo), "-f", "csv", endpoint=hub_url)
    reader.join(30)
    assert run.code == 0, run.stderr
    assert got and got[0].decode().startswith("repo_id,revision")
    assert fifo.is_fifo() and [p.name for p in folder.iterdir()] == ["pipe"]


def test_a_symlink_to_a_device_is_written_through(hub_url, folder):
    link = folder / "sink"
    link.symlink_to("/dev/null")
    run = cli("score", ONE, "-o", str(link), endpoint=hub_url)  # no suffix: a table, as stdout gets
    assert run.code == 0, run.stderr
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert [p.name for p in folder.iterdir()] == ["sink"]


def test_a_symlink_to_a_regular_file_stays_a_link_and_its_target_gets_the_report(hub_url, folder):
    real = folder / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = folder / "link.md"
    link.symlink_to(real)
    assert cli("score", ONE, "-o", str(link), endpoint=hub_url).code == 0
    assert link.is_symlink() and "| model |" in real.read_text(encoding="utf-8")


def test_a_symlink_to_dev_stdout_writes_to_stdout(hub_url, folder):
    link = folder / "out.json"
    link.symlink_to("/dev/stdout")
    run = cli_process("score", ONE, "-o", str(link), "--no-repos", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert run.json()["models"][0]["repo_id"] == ONE
    assert link.is_symlink() and [p.name for p in folder.iterdir()] == ["out.json"]


# -- --from ------------------------------------------------------------------------------

def test_from_dev_zero_is_refused_after_reading_at_most_the_bound(hub_url, hub):
    before = hub.stats["total"]
    run = cli("score", "--from", "/dev/zero", endpoint=hub_url)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr == ("openness: cannot read ids from /dev/zero: over 4 MiB "
                          "(split the list; at most 100,000 lines per run)\n")
    assert hub.stats["total"] == before


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r", "\x0c"])
def test_a_from_list_of_more_lines_than_the_bound_is_refused_before_any_request(hub_url, hub, tmp_path, line_end):
    listing = tmp_path / "many.txt"
    listing.write_bytes(("a/b" + line_end).encode() * 100_001)  # one line too many, under 4 MiB
    before = hub.stats["total"]
    run = cli("score", "--from", str(listing), endpoint=hub_url)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith(f"openness: cannot read ids from {listing}: over 100,000 lines")
    assert hub.stats["total"] == before  # not one id of them asked for


@pytest.mark.parametrize(("lines", "code"), [(3, 0), (4, 2)])
def test_the_line_bound_counts_every_line_of_stdin_too(hub_url, monkeypatch, lines, code):
    import openness.cli

    monkeypatch.setattr(openness.cli, "MAX_FROM_LINES", 3)
    text = "# models\n" + "\n" * (lines - 2) + ONE  # the last line has no line end
    run = cli("score", "--from", "-", endpoint=hub_url, stdin=text)
    assert run.code == code, run.stderr


# -- the cache folder and its entries -----------------------------------------------------

def _entries(hf_home):
    return sorted(p for p in (hf_home / "openness").rglob("*.json") if "/models/" in str(p))


def test_a_cache_entry_replaced_by_a_fifo_is_a_warning_and_a_refetch(hub_url, hf_home):
    assert cli("score", ONE, endpoint=hub_url).code == 0
    [entry] = [p for p in _entries(hf_home) if "/refs/" not in str(p)]
    entry.unlink()
    os.mkfifo(entry)  # nobody will ever write to it: reading it must not wait
    run = cli("score", ONE, "-f", "json", endpoint=hub_url)
    assert run.code == 0, run.stderr
    assert "ignoring a broken cache entry (not a regular file)" in run.stderr
    assert entry.is_file() and json.loads(entry.read_text(encoding="utf-8"))["sha"]  # written anew


def test_a_cache_entry_linked_to_a_device_is_not_read(hub_url, hf_home):
    assert cli("score", ONE, endpoint=hub_url).code == 0
    [entry] = [p for p in _entries(hf_home) if "/refs/" not in str(p)]
    entry.unlink()
    entry.symlink_to("/dev/zero")  # endless: reading it whole would never finish
    run = cli("score", ONE, endpoint=hub_url)
    assert run.code == 0 and "not a regular file" in run.stderr
    assert entry.is_file() and not entry.is_symlink()


@pytest.mark.parametrize("file_at", ["hf_home", "openness", "v2"])
def test_a_cache_folder_that_is_a_file_is_one_warning_and_the_run_goes_on(hub_url, hub, tmp_path, monkeypatch,
                                                                           file_at):
    home = tmp_path / "home"
    blocker = {"hf_home": home, "openness": home / "openness", "v2": home / "openness" / "v2"}[file_at]
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("HF_HOME", str(home))
    for _ in range(2):  # nothing is kept, nothing is read back: the second run asks again
        hub.reset_stats()
        run = cli("score", ONE, "openlab/atlas-7b-chat", "-f", "json", endpoint=hub_url)
        assert run.model(ONE)["status"] == "scored"
        warnings = [line for line in run.stderr.splitlines() if "cache" in line]
        assert warnings == [f"openness: warning: the cache cannot be used ({blocker} is not a folder; "
                            "check HF_HOME); going on without it"]
        assert hub.stats["total"] > 0
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_a_cache_folder_that_may_not_be_read_is_one_warning(hub_url, hf_home, monkeypatch):
    import openness.cache

    assert cli("score", ONE, "--no-repos", endpoint=hub_url).code == 0
    [folder] = [p for p in (hf_home / "openness" / "v2").iterdir() if p.name != "github"]
    monkeypatch.setattr(openness.cache, "_accessible", lambda path, mode: not mode & os.R_OK)
    run = cli("score", ONE, "--offline", "--no-repos", endpoint=hub_url)
    assert run.code == 1  # offline, and the cache may not be read: not in the cache
    assert [line for line in run.stderr.splitlines() if "cache" in line] == [
        f"openness: warning: the cache cannot be used ({folder} may not be read; check HF_HOME); going on without it",
        f"openness: {ONE}: not in the cache, and the Hub is not used offline"]


def test_a_read_only_cache_is_read_but_not_written_and_says_so_once(hub_url, hub, hf_home, monkeypatch):
    import openness.cache

    assert cli("score", ONE, endpoint=hub_url).code == 0
    kept = _entries(hf_home)
    (kept[0].parent / "stale.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(openness.cache, "_accessible", lambda path, mode: not mode & os.W_OK)
    hub.reset_stats()
    run = cli("score", ONE, "--offline", endpoint=hub_url)
    assert run.code == 0 and hub.stats["total"] == 0  # answered from the cache
    assert [line for line in run.stderr.splitlines() if "cache" in line] == [
        "openness: warning: the cache is read-only "
        f"({next(p for p in (hf_home / 'openness' / 'v2').iterdir() if p.name != 'github')} may not be written); "
        "what is fetched now is not kept"]
