"""The licence text behind an id (issue 16): the repository's licence file, read at the
scored commit and kept as its SHA-256, in the snapshot and the scorecard's licence; and the
stand-in Hub's second revisions (tests/hubstub.py `add_revision`) that `openness diff` uses.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from helpers import cli

import openness
from openness.render.json import json_schema_text
from openness.sources.licence_file import licence_file

FIXTURES = Path(__file__).parent / "fixtures"
LICENCE_V1 = b"Example Model Licence\nVersion 1\nUse it for anything.\n"
LICENCE_V2 = b"Example Model Licence\nVersion 1\nUse it for anything but research.\n"


def _info(repo_id: str, licence: str = "apache-2.0") -> dict:
    return {"id": repo_id, "cardData": {"license": licence}, "tags": [f"license:{licence}"],
            "siblings": [{"rfilename": "README.md"}, {"rfilename": "model.safetensors"}]}


@pytest.fixture
def revised(hub) -> str:
    """difflab/m: v1 and v2 under one licence id, v2 with another LICENSE text; v3 under MIT."""
    repo = "difflab/m"
    if repo not in hub.repo_ids():
        hub.add_repo(_info(repo), {"README.md": b"---\nlicense: apache-2.0\n---\n# M\n", "LICENSE": LICENCE_V1})
        hub.add_revision(repo, "v1")
        hub.add_revision(repo, "v2", files={"LICENSE": LICENCE_V2})
        hub.add_revision(repo, "v3", {"cardData": {"license": "mit"}, "tags": ["license:mit"]},
                         {"README.md": b"---\nlicense: mit\n---\n# M\n", "LICENSE": b"MIT License\n"})
    return repo


# -- the stand-in Hub's revisions -----------------------------------------------------------
def test_a_revision_of_the_stub_serves_its_own_files_and_info_and_main_stays(hub, hub_url, revised):
    from huggingface_hub import HfApi

    api = HfApi(endpoint=hub_url, token=False)
    main, v2, v3 = (api.model_info(revised, revision=r, timeout=5) for r in ("main", "v2", "v3"))
    assert len({main.sha, v2.sha, v3.sha}) == 3
    assert main.card_data["license"] == "apache-2.0" and v3.card_data["license"] == "mit"
    read = lambda rev: api.hf_hub_download(revised, "LICENSE", revision=rev)  # noqa: E731
    assert Path(read("main")).read_bytes() == LICENCE_V1 and Path(read("v2")).read_bytes() == LICENCE_V2


# -- the licence text in the snapshot and the scorecard ----------------------------------------
@pytest.mark.parametrize("link, siblings, expected", [
    ("LICENSE.md", ["LICENSE", "LICENSE.md"], "LICENSE.md"),
    ("https://huggingface.co/org/m/blob/main/docs/TERMS.txt", ["docs/TERMS.txt", "LICENSE"], "docs/TERMS.txt"),
    ("https://huggingface.co/other/m/blob/main/TERMS", ["TERMS", "LICENSE.txt"], "LICENSE.txt"),
    ("https://example.com/licence", ["licence.md", "LICENSE-CODE"], "licence.md"),
    (None, ["LICENCE", "LICENSE.txt", "LICENSE"], "LICENSE"),
    (None, ["README.md", "sub/LICENSE"], None),
])
def test_the_licence_file_is_the_linked_one_in_the_repo_else_the_best_named(link, siblings, expected):
    assert licence_file(siblings, "org/m", link) == expected


def test_a_scorecard_carries_the_hash_of_the_licence_file_at_the_scored_commit(hub, hub_url):
    card = openness.score("aliasco/harbor-13b", endpoint=hub_url, repos=False)
    body = (FIXTURES / "hub/models/aliasco/harbor-13b/files/LICENSE").read_bytes()
    assert card.license.text_file == "LICENSE"
    assert card.license.text_sha256 == hashlib.sha256(body).hexdigest()
    run = cli("score", "aliasco/harbor-13b", "-f", "json", "--no-repos", endpoint=hub_url)
    jsonschema.validate(run.json(), json.loads(json_schema_text()))
    assert run.model("aliasco/harbor-13b")["license"]["text_sha256"] == card.license.text_sha256


def test_a_licence_file_that_could_not_be_read_is_unknown_not_no_licence(hub, hub_url):
    hub.fail_paths = {"/aliasco/harbor-13b/resolve/" + hub.sha_of("aliasco/harbor-13b") + "/LICENSE": 403}
    card = openness.score("aliasco/harbor-13b", endpoint=hub_url, repos=False)
    assert card.status == "scored"
    assert (card.license.text_file, card.license.text_sha256) == ("LICENSE", None)
    hub.fail_paths = {}
    again = openness.score("aliasco/harbor-13b", endpoint=hub_url, repos=False)  # not cached as unknown
    assert again.license.text_sha256 is not None


def test_a_repo_without_a_licence_file_has_no_text_keys_in_its_json(hub, hub_url):
    run = cli("score", "openlab/atlas-7b", "-f", "json", "--no-repos", endpoint=hub_url)
    assert not {"text_file", "text_sha256"} & set(run.model("openlab/atlas-7b")["license"])


def test_a_checked_folder_carries_the_hash_its_licence_file_will_have_on_the_hub(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m/README.md").write_bytes(b"---\nlicense: other\nlicense_link: TERMS.md\n---\n# M\n")
    (tmp_path / "m/TERMS.md").write_bytes(LICENCE_V2)
    (tmp_path / "m/LICENSE").write_bytes(LICENCE_V1)
    run = cli("check", str(tmp_path / "m"), "--offline", "--no-repos", "-f", "json")
    licence = run.json()["models"][0]["license"]
    assert (licence["text_file"], licence["text_sha256"]) == ("TERMS.md", hashlib.sha256(LICENCE_V2).hexdigest())
