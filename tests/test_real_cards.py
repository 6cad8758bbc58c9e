"""The issue's acceptance checks on real model cards, served by ../shared/hub/serve.py.

The real cards are third-party text and stay in ../shared; these tests skip when it is
not beside the repository (a user's clone).
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import axes, cli

SHARED = Path(__file__).resolve().parents[2] / "shared"
SERVE = SHARED / "hub" / "serve.py"
SNAPSHOT = SHARED / "hub" / "snapshot"
GITHUB_SERVE = SHARED / "github" / "serve.py"
GITHUB_SNAPSHOT = SHARED / "github" / "snapshot"

pytestmark = pytest.mark.skipif(not SERVE.is_file(), reason="../shared/hub is not beside the repository")


def _serve(folder: Path, *options: str, serve: Path = SERVE, snapshot: Path = SNAPSHOT):
    """Run serve.py over the real-card snapshot (or another stand-in); yields its URL."""
    url_file = folder / "url"
    proc = subprocess.Popen([sys.executable, str(serve), "--root", str(snapshot), "--url-file", str(url_file),
                             *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if url_file.exists() and url_file.read_text().strip():
                break
            time.sleep(0.05)
        else:
            pytest.fail("the shared stand-in Hub did not start")
        yield url_file.read_text().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module", autouse=True)
def real_github(tmp_path_factory):
    """The stand-in GitHub with the repositories the real cards link, for every test here:
    experts judge a linked repository by what it holds, and so does the scorer."""
    if not GITHUB_SERVE.is_file():
        yield None
        return
    with pytest.MonkeyPatch.context() as patch:
        for url in _serve(tmp_path_factory.mktemp("github"), serve=GITHUB_SERVE, snapshot=GITHUB_SNAPSHOT):
            patch.setenv("GITHUB_API_URL", url)
            yield url


@pytest.fixture(scope="module")
def real_hub(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("hub"))


@pytest.fixture(scope="module")
def flaky_hub(tmp_path_factory):
    """The same Hub answering one request in five with a 503."""
    yield from _serve(tmp_path_factory.mktemp("flaky-hub"), "--fail-rate", "0.2")


EXPECTED = {
    "mistralai/Mixtral-8x7B-v0.1": ("open", "closed", "closed"),
    "allenai/OLMo-7B": ("open", "open", "open"),
}


@pytest.fixture(scope="module")
def report(real_hub):
    ids = [*EXPECTED, "bigscience/bloom", "microsoft/phi-2", "deepseek-ai/deepseek-llm-7b-chat", "nobody/unknown-model"]
    run = cli("score", *ids, "--format", "json", endpoint=real_hub)
    return run


def test_archetypes(report):
    for repo_id, expected in EXPECTED.items():
        assert axes(report.model(repo_id)) == expected, repo_id


def test_use_restricted_weights_are_partial(report):
    assert report.model("bigscience/bloom")["axes"]["weights"]["verdict"] == "partial"
    assert report.model("bigscience/bloom")["license"]["class"] == "C"
    assert report.model("microsoft/phi-2")["axes"]["weights"]["verdict"] == "partial"
    assert report.model("microsoft/phi-2")["license"]["class"] == "E"
    deepseek = report.model("deepseek-ai/deepseek-llm-7b-chat")
    assert deepseek["axes"]["weights"]["verdict"] == "partial"
    assert deepseek["license"]["id"] == "other" and deepseek["license"]["resolved_via"].startswith("alias:")


def test_mixtral_evidence_names_licence_files_and_searches(report):
    model = report.model("mistralai/Mixtral-8x7B-v0.1")
    details = " ".join(e["detail"] for e in model["axes"]["weights"]["evidence"])
    assert "apache-2.0" in details and "model-00001-of-00002.safetensors" in details
    for axis in ("data", "code"):
        assert "searched" in " ".join(model["axes"][axis]["reasons"])


def test_unknown_id_in_a_batch(report):
    assert report.code == 1
    assert report.model("nobody/unknown-model")["status"] == "error"
    assert sum(m["status"] == "scored" for m in report.json()["models"]) == 5
    assert report.stderr.strip().splitlines() == [
        "openness: nobody/unknown-model: no such model on the Hub (or it is private)"]


def test_single_unknown_id_exits_non_zero_with_one_line(real_hub):
    run = cli("score", "nobody/unknown-model", endpoint=real_hub)
    assert run.code == 1 and len(run.stderr.strip().splitlines()) == 1


def test_derived_models_inherit_from_their_parents(real_hub):
    import json
    import urllib.request

    urllib.request.urlopen(real_hub + "/__reset").read()
    ids = ["HuggingFaceH4/zephyr-7b-beta", "TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ",
           "lmstudio-community/gemma-2-2b-it-GGUF", "mistralai/Mistral-7B-Instruct-v0.1",
           "mistralai/Mistral-7B-v0.1"]
    run = cli("score", *ids, "--format", "json", endpoint=real_hub)
    stats = json.loads(urllib.request.urlopen(real_hub + "/__stats").read())
    assert stats["repeated_paths"] == {}

    zephyr = run.model("HuggingFaceH4/zephyr-7b-beta")
    assert axes(zephyr) == ("open", "partial", "partial")
    assert zephyr["lineage"][0]["repo_id"] == "mistralai/Mistral-7B-v0.1"
    assert zephyr["lineage"][0]["relation"] == "finetune"
    ultrachat = next(d for d in zephyr["datasets"] if d["id"] == "HuggingFaceH4/ultrachat_200k")
    assert (ultrachat["status"], ultrachat["license"]) == ("found", "mit")

    gptq = run.model("TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ")
    assert axes(gptq) == ("open", "closed", "closed")
    assert gptq["lineage"][0]["repo_id"] == "mistralai/Mixtral-8x7B-Instruct-v0.1"
    assert gptq["axes"]["data"]["reasons"][0].startswith("inherited from quantized parent")

    gguf = run.model("lmstudio-community/gemma-2-2b-it-GGUF")
    assert gguf["axes"]["weights"]["verdict"] == "partial"
    parent = gguf["lineage"][0]
    assert (parent["repo_id"], parent["status"]) == ("google/gemma-2-2b-it", "not_found")


THREE_REAL = ["mistralai/Mixtral-8x7B-v0.1", "allenai/OLMo-7B", "bigscience/bloom"]


def test_comparison_formats_on_real_cards(real_hub):
    # In-process: the formats are the point here; the console script's own path is
    # covered by the module's `report` run and the tests after this one.
    markdown = cli("score", *THREE_REAL, "-f", "markdown", endpoint=real_hub).stdout
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert table[0].startswith("| model | weights | data | code | licence | gate | parent |")
    assert set(table[1]) <= {"|", "-"}
    assert [row.split(" | ")[0].lstrip("| ") for row in table[2:]] == THREE_REAL

    sheet = cli("score", *THREE_REAL, "-f", "csv", endpoint=real_hub).stdout
    assert [row["repo_id"] for row in csv.DictReader(io.StringIO(sheet))] == THREE_REAL

    html = cli("score", *THREE_REAL, "-f", "html", endpoint=real_hub).stdout
    assert html.count("<table>") == 1 and html.count('<th scope="row">') == 3


def test_python_api_agrees_with_the_cli_on_real_cards(real_hub):
    import openness

    report = openness.compare(THREE_REAL, endpoint=real_hub)
    doc = cli("score", *THREE_REAL, "-f", "json", endpoint=real_hub).json()
    assert [axes(m) for m in doc["models"]] == [
        tuple(card.axes[a].verdict for a in ("weights", "data", "code")) for card in report.scorecards]
    assert "<table>" in report._repr_html_()


def test_committed_example_report_is_what_the_example_script_builds(real_hub, tmp_path):
    """examples/neurips_2023.md must be regenerated when verdicts change (command in the script)."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "report.md"
    source = "a stand-in Hub serving a snapshot of the real cards (revisions differ from the live Hub)"
    subprocess.run([sys.executable, str(root / "examples" / "neurips_2023.py"), "--endpoint", real_hub,
                    "--source", source, "-o", str(out)], check=True, timeout=120)
    assert out.read_text(encoding="utf-8") == (root / "examples" / "neurips_2023.md").read_text(encoding="utf-8")


def _real_ids(count: int) -> list[str]:
    infos = sorted(SNAPSHOT.glob("models/*/*/info.json"))
    return [f"{p.parent.parent.name}/{p.parent.name}" for p in infos][:count]


def test_a_batch_is_scored_whole_when_one_request_in_five_fails(real_hub, flaky_hub, tmp_path, brief_backoff):
    ids = _real_ids(12)
    clean = cli("score", *ids, "-f", "json", endpoint=real_hub)
    flaky = cli("score", *ids, "-f", "json", "--refresh", endpoint=flaky_hub)
    assert flaky.code == clean.code == 0, flaky.stderr
    assert [m["status"] for m in flaky.json()["models"]] == ["scored"] * len(ids)
    for model in clean.json()["models"]:
        assert flaky.model(model["repo_id"])["axes"] == model["axes"], model["repo_id"]
