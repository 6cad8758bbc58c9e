"""The stand-in Hub behaves like the Hub, as far as the scorer can tell.

Real HTTP and the real huggingface_hub client against tests/hubstub.py; no mocks.
"""
import json
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    BadRequestError,
    DisabledRepoError,
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from hubstub import HubStub

SHA = re.compile(r"[0-9a-f]{40}")
EXPAND = ["cardData", "gated", "siblings", "sha", "tags", "baseModels", "library_name"]


@pytest.fixture
def api(hub):
    return HfApi(endpoint=hub.url)


def _raw(url, method="GET", headers=None):
    """(status, headers, body) of one plain HTTP request, errors included."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


# -- model info ----------------------------------------------------------------------------

def test_model_info_expand_returns_the_scorer_fields(api):
    info = api.model_info("openlab/atlas-7b", expand=EXPAND, timeout=5)
    assert info.id == "openlab/atlas-7b"
    assert SHA.fullmatch(info.sha)
    assert info.gated is False
    assert info.card_data.license == "apache-2.0"
    assert info.card_data.datasets == ["openlab/atlas-corpus"]
    names = {s.rfilename for s in info.siblings}
    assert {"README.md", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"} <= names
    assert "license:apache-2.0" in info.tags and "arxiv:2401.00001" in info.tags
    # keys not asked for are not sent
    assert info.downloads is None and info.created_at is None


def test_model_info_without_expand_returns_everything(api):
    info = api.model_info("openlab/atlas-7b", timeout=5)
    assert info.sha and info.tags and info.siblings and info.card_data is not None
    assert info.downloads == 1234 and info.created_at is not None


def test_model_ids_match_case_insensitively(api):
    info = api.model_info("OpenLab/Atlas-7B", expand=["sha"], timeout=5)
    assert info.id == "openlab/atlas-7b"


def test_gate_values_pass_through(api):
    assert api.model_info("gatedco/summit-8b", expand=["gated"], timeout=5).gated == "manual"
    assert api.model_info("ncco/lumen-2b", expand=["gated"], timeout=5).gated == "auto"
    card = api.model_info("gatedco/summit-8b", expand=["cardData"], timeout=5).card_data
    assert "Summit Community License" in card.extra_gated_prompt


def test_adapter_base_models(api):
    info = api.model_info("adapterco/tiny-lora", expand=EXPAND, timeout=5)
    assert info.base_models == {"relation": "adapter", "models": [{"id": "openlab/atlas-7b"}]}
    assert info.card_data.base_model == "openlab/atlas-7b"
    assert "base_model:adapter:openlab/atlas-7b" in info.tags


def test_derived_sha_is_stable(hub_root, hub):
    other = HubStub(hub_root)  # not started: loading is enough
    assert other.sha_of("openlab/atlas-7b") == hub.sha_of("openlab/atlas-7b")
    assert hub.sha_of("revco/pinned") == "5c1e0a7d93b2f4e6a8c0d2f4b6a8c0e2d4f6a8b1"


def test_unknown_expand_value_is_a_bad_request(api):
    with pytest.raises(BadRequestError):
        api.model_info("openlab/atlas-7b", expand=["card_data"], timeout=5)


# -- revisions ---------------------------------------------------------------------------------

def test_revision_by_sha_by_branch_and_main(api, hub):
    sha = hub.sha_of("revco/pinned")
    assert api.model_info("revco/pinned", revision=sha, expand=["sha"], timeout=5).sha == sha
    assert api.model_info("revco/pinned", revision="main", expand=["sha"], timeout=5).sha == sha
    v1 = api.model_info("revco/pinned", revision="v1", expand=["sha"], timeout=5).sha
    assert v1 == "0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
    assert api.model_info("revco/pinned", revision=v1, expand=["sha"], timeout=5).sha == v1
    assert "GET /api/models/revco/pinned/revision/v1" in hub.stats["by_path"]


def test_bad_revision(api, hub, tmp_path):
    with pytest.raises(RevisionNotFoundError):
        api.model_info("openlab/atlas-7b", revision="step999999", timeout=5)
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download("openlab/atlas-7b", "README.md", revision="0" * 40,
                        endpoint=hub.url, cache_dir=tmp_path)


# -- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("repo_id", ["nobody/nothing", "hiddenco/secret-model"])
def test_unknown_and_private_repos_are_not_found(api, repo_id, hub, tmp_path):
    with pytest.raises(RepositoryNotFoundError) as exc:
        api.model_info(repo_id, timeout=5)
    assert not isinstance(exc.value, GatedRepoError)
    assert exc.value.response.status_code == 401
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(repo_id, "README.md", endpoint=hub.url, cache_dir=tmp_path)


def test_disabled_repo(api, hub, tmp_path):
    with pytest.raises(DisabledRepoError) as exc:
        api.model_info("banned/gone-model", timeout=5)
    assert isinstance(exc.value, HfHubHTTPError)
    assert exc.value.response.status_code == 403
    # hf_hub_download treats a 403 like a connection problem: LocalEntryNotFoundError,
    # with the DisabledRepoError as its cause. One HEAD, no retry.
    hub.reset_stats()
    with pytest.raises(LocalEntryNotFoundError) as exc:
        hf_hub_download("banned/gone-model", "README.md", endpoint=hub.url, cache_dir=tmp_path)
    assert isinstance(exc.value.__cause__, DisabledRepoError)
    assert hub.stats["total"] == 1


def test_rate_limited_api_call(api, hub):
    hub.rate_limited = True
    with pytest.raises(HfHubHTTPError) as exc:
        api.model_info("openlab/atlas-7b", timeout=5)
    resp = exc.value.response
    assert resp.status_code == 429
    assert resp.headers["RateLimit"] == '"api";r=0;t=1'
    assert resp.headers["Retry-After"] == "1" and "RateLimit-Policy" in resp.headers
    assert hub.stats["total"] == 1  # model_info never retries
    # only /api/ calls are limited; the resolver still answers
    status, _, _ = _raw(f"{hub.url}/openlab/atlas-7b/resolve/main/README.md", "HEAD")
    assert status == 200


def test_fail_paths_inject_status(api, hub):
    hub.fail_paths = {"/api/models/openlab/atlas-7b": 503}
    with pytest.raises(HfHubHTTPError) as exc:
        api.model_info("openlab/atlas-7b", timeout=5)
    assert exc.value.response.status_code == 503
    assert api.model_info("weightsco/breeze-7b", expand=["sha"], timeout=5).sha


# -- downloads ------------------------------------------------------------------------------------

def test_readme_download_pinned_to_sha_is_cached(hub, hub_root, tmp_path):
    sha = hub.sha_of("openlab/atlas-7b")
    path = hf_hub_download("openlab/atlas-7b", "README.md", revision=sha,
                           endpoint=hub.url, cache_dir=tmp_path)
    expected = (hub_root / "models/openlab/atlas-7b/files/README.md").read_bytes()
    assert Path(path).read_bytes() == expected
    assert hub.stats["by_path"] == {
        f"HEAD /openlab/atlas-7b/resolve/{sha}/README.md": 1,
        f"GET /openlab/atlas-7b/resolve/{sha}/README.md": 1,
    }
    hub.reset_stats()
    again = hf_hub_download("openlab/atlas-7b", "README.md", revision=sha,
                            endpoint=hub.url, cache_dir=tmp_path)
    assert again == path
    assert hub.stats["total"] == 0  # warm call with a 40-hex revision: no request at all
    hf_hub_download("openlab/atlas-7b", "README.md", endpoint=hub.url, cache_dir=tmp_path)
    assert hub.stats["by_path"] == {"HEAD /openlab/atlas-7b/resolve/main/README.md": 1}


def test_resolve_headers(hub):
    status, headers, body = _raw(f"{hub.url}/openlab/atlas-7b/resolve/main/README.md")
    assert status == 200
    assert headers["X-Repo-Commit"] == hub.sha_of("openlab/atlas-7b")
    assert re.fullmatch(r'"[0-9a-f]{40}"', headers["ETag"])
    assert int(headers["Content-Length"]) == len(body)
    assert headers["Content-Type"].startswith("text/plain")
    # a weight listed in siblings but without a body on disk gets a stand-in body
    status, _, body = _raw(f"{hub.url}/openlab/atlas-7b/resolve/main/model-00001-of-00002.safetensors")
    assert status == 200 and body


def test_missing_readme(hub, tmp_path):
    with pytest.raises(RemoteEntryNotFoundError) as exc:
        hf_hub_download("nocard/bare-1b", "README.md", endpoint=hub.url, cache_dir=tmp_path)
    assert isinstance(exc.value, EntryNotFoundError)
    assert exc.value.response.headers["X-Repo-Commit"] == hub.sha_of("nocard/bare-1b")
    assert hub.stats["total"] == 1


def test_gated_repo_readme_is_public_other_files_are_not(hub, tmp_path):
    path = hf_hub_download("gatedco/summit-8b", "README.md", endpoint=hub.url, cache_dir=tmp_path)
    assert "Summit-8B" in Path(path).read_text(encoding="utf-8")
    with pytest.raises(GatedRepoError) as exc:
        hf_hub_download("gatedco/summit-8b", "config.json", endpoint=hub.url, cache_dir=tmp_path)
    assert exc.value.response.status_code == 401
    # a token granted the repo passes the gate; an unknown token is refused outright
    hub.tokens = {"hf_stub_granted": {"gatedco/summit-8b"}}
    ok = hf_hub_download("gatedco/summit-8b", "config.json", endpoint=hub.url,
                         cache_dir=tmp_path, token="hf_stub_granted")
    assert json.loads(Path(ok).read_text(encoding="utf-8"))
    with pytest.raises(HfHubHTTPError) as refused:
        hf_hub_download("gatedco/summit-8b", "config.json", endpoint=hub.url,
                        cache_dir=tmp_path / "other", token="hf_stub_unknown")
    assert refused.value.response.status_code == 401


def test_private_repo_is_readable_with_a_granted_token_only(api, hub):
    hub.tokens = {"hf_stub_granted": {"hiddenco/secret-model"}, "hf_stub_other": set()}
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("hiddenco/secret-model", timeout=5)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("hiddenco/secret-model", timeout=5, token="hf_stub_other")
    assert api.model_info("hiddenco/secret-model", timeout=5, token="hf_stub_granted").id == "hiddenco/secret-model"


def test_random_faults_depend_on_seed_and_path_only(hub):
    hub.fail_rate, hub.fail_seed = 0.5, 7

    def statuses():
        hub.reset_stats()
        return [urlopen_status(f"{hub.url}/api/models/openlab/atlas-7b") for _ in range(12)]

    first = statuses()
    assert 503 in first and 200 in first
    assert statuses() == first


@pytest.mark.parametrize("mode", ["reset", "truncated", "invalid_json"])
def test_broken_replies(hub, mode):
    import http.client

    hub.fail_next = {"/api/models/openlab/atlas-7b": [mode]}
    host, port = hub.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("GET", "/api/models/openlab/atlas-7b")
    if mode == "reset":
        with pytest.raises(http.client.RemoteDisconnected):
            conn.getresponse()
        return
    response = conn.getresponse()
    if mode == "truncated":
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.read())


def urlopen_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_binary_readme_is_served_byte_exact(hub, hub_root, tmp_path):
    path = hf_hub_download("oddco/binary-card", "README.md", endpoint=hub.url, cache_dir=tmp_path)
    data = Path(path).read_bytes()
    assert data == (hub_root / "models/oddco/binary-card/files/README.md").read_bytes()
    assert b"\x00" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


# -- datasets ------------------------------------------------------------------------------------

def test_dataset_info(api, hub, tmp_path):
    corpus = api.dataset_info("openlab/atlas-corpus", timeout=5)
    assert corpus.card_data.license == "odc-by" and corpus.gated is False
    assert "license:odc-by" in corpus.tags and SHA.fullmatch(corpus.sha)
    assert api.dataset_info("openlab/atlas-sft", timeout=5).card_data.license == "mit"
    mix = api.dataset_info("gatedco/private-mix", timeout=5)
    assert mix.gated == "manual" and mix.card_data.license == "other"
    with pytest.raises(RepositoryNotFoundError):
        api.dataset_info("openlab/atlas-7b", timeout=5)  # a model, not a dataset
    path = hf_hub_download("openlab/atlas-corpus", "README.md", repo_type="dataset",
                           endpoint=hub.url, cache_dir=tmp_path)
    assert "Atlas Corpus" in Path(path).read_text(encoding="utf-8")


# -- stats and the stub itself -------------------------------------------------------------------------

def test_stats_count_repeats_and_concurrency(api, hub):
    for _ in range(3):
        api.model_info("railco/meadow-3b", expand=["sha"], timeout=5)
    api.model_info("ncco/lumen-2b", expand=["sha"], timeout=5)
    stats = hub.stats
    assert stats["total"] == 4
    assert stats["repeated"] == {"GET /api/models/railco/meadow-3b": 3}
    assert stats["by_path"]["GET /api/models/ncco/lumen-2b"] == 1

    hub.reset_stats()
    hub.latency_s = 0.2
    threads = [threading.Thread(target=api.model_info, args=(rid,), kwargs={"timeout": 5})
               for rid in ("openlab/atlas-7b", "weightsco/breeze-7b", "railco/meadow-3b", "ncco/lumen-2b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert hub.stats["total"] == 4 and hub.stats["max_in_flight"] >= 2


def test_stats_endpoint_is_not_counted_and_other_paths_404(hub):
    status, _, _ = _raw(f"{hub.url}/api/spaces")
    assert status == 404
    status, _, _ = _raw(f"{hub.url}/api/models/openlab/atlas-7b/tree/main")
    assert status == 404
    status, _, body = _raw(f"{hub.url}/__stats")
    assert status == 200
    assert json.loads(body)["total"] == 2 == hub.stats["total"]


def test_start_stop_context_manager(hub_root):
    with HubStub(hub_root) as stub:
        url = stub.url
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert _raw(f"{url}/api/models/openlab/atlas-7b")[0] == 200
    assert stub.url is None


# -- the fixtures themselves ---------------------------------------------------------------------------

def test_fixture_cards_mirror_card_data(hub_root):
    yaml = pytest.importorskip("yaml")
    infos = sorted(hub_root.glob("*/*/*/info.json"))
    ids = {json.loads(p.read_text(encoding="utf-8"))["id"] for p in infos}
    assert {"openlab/atlas-7b", "nocard/bare-1b", "revco/pinned", "openlab/atlas-corpus",
            "gatedco/private-mix"} <= ids and len(ids) == len(infos)
    for info_path in infos:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        readme = info_path.parent / "files" / "README.md"
        listed = {s["rfilename"] for s in info.get("siblings", [])}
        if "README.md" not in listed:
            assert "cardData" not in info, info_path
            continue
        raw = readme.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue  # oddco/binary-card on purpose
        assert text.startswith("---\n"), readme
        front = yaml.safe_load(text[4:text.index("\n---", 4)])
        assert front == info["cardData"], info_path
        body_lines = text[text.index("\n---", 4) + 4:].strip().splitlines()
        if "models" in info_path.parts:
            assert 15 <= len(body_lines) <= 60, readme
