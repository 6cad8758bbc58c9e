"""The Hub token and the cache: the token goes only to its origin and never over plain
http to another machine; what was read with a token is not served to a run without it;
credentials in the endpoint URL name no folder; http and https keep apart."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from helpers import cli
from hubstub import HubStub

from openness import compare
from openness.cache import DiskCache, endpoint_folder
from openness.models import ModelRef
from openness.sources.cached import CachedHubSource
from openness.sources.hub import HubSource
from openness.sources.retry import RetryPolicy

FAST = RetryPolicy(base_s=0.0, cap_s=0.0)
TOKEN = "hf_stubSecurityTokenNeverToBeSeen1234"
OTHER_TOKEN = "hf_stubOtherIdentityToken5678"
SECRET = "hiddenco/secret-model"
PUBLIC = "railco/meadow-3b"


@pytest.fixture
def other_host(hub_root):
    """A second stand-in Hub on another port: another origin, which must never see the token."""
    with HubStub(hub_root) as stub:
        stub.tokens = {TOKEN: set()}  # it would accept the token: only the client can hold it back
        yield stub


def bearers(stub: HubStub, token: str = TOKEN) -> list[str]:
    """The requests that reached `stub` carrying `token`."""
    return [key for key, auth in stub.authorizations if auth and token in auth]


def source(endpoint: str, token: str | None, hf_home: Path | None = None) -> HubSource | CachedHubSource:
    hub = HubSource(endpoint=endpoint, token=token, retry=FAST)
    return CachedHubSource(hub, DiskCache(hf_home / "openness", endpoint=endpoint)) if hf_home else hub


def status(endpoint: str, token: str | None, hf_home: Path, repo_id: str) -> str:
    card = compare([repo_id], source=source(endpoint, token, hf_home), repos=False)[repo_id]
    return "scored" if card.status == "scored" else card.error.kind  # type: ignore[union-attr]


# -- 1. the token goes only to its origin ------------------------------------------------------

def test_a_listing_page_on_another_host_is_asked_without_the_token(hub, other_host):
    hub.tokens = {TOKEN: set()}
    hub.page_size = 2
    hub.next_base = other_host.url
    ids = source(hub.url, TOKEN).list_models(author="kids")
    assert ids == [i for i in hub.repo_ids() if i.startswith("kids/")]  # page two came from the other host
    assert bearers(hub) and not bearers(other_host)
    assert other_host.stats["by_path"].get("GET /api/models")


def test_a_card_redirected_to_another_host_is_asked_without_the_token(hub, other_host):
    hub.tokens = {TOKEN: set()}
    hub.redirects = {"/kids/child-01/resolve/": other_host.url}
    snapshot = source(hub.url, TOKEN).fetch(ModelRef.parse("kids/child-01"))
    assert snapshot.card.status == "ok" and snapshot.card.text
    assert bearers(hub) and not bearers(other_host)
    assert any(key.startswith("GET /kids/child-01/resolve/") for key, _ in other_host.authorizations)


# -- 2. no token over plain http but to loopback ----------------------------------------------

def test_no_token_goes_over_plain_http_to_another_machine(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.tokens = {TOKEN: {SECRET}}
    # 0.0.0.0 reaches the stub on this machine, yet is no loopback address: to the
    # client it is another machine.
    remote = hub.url.replace("127.0.0.1", "0.0.0.0")
    run = cli("score", PUBLIC, SECRET, "-f", "json", endpoint=remote)
    assert hub.authorizations and not bearers(hub)
    assert run.stderr.count("plain http") == 1 and TOKEN not in run.stderr
    assert '"not_found"' in run.stdout  # the private model, asked anonymously


def test_the_token_still_goes_over_plain_http_to_loopback(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.tokens = {TOKEN: {SECRET}}
    run = cli("score", SECRET, "-f", "json", endpoint=hub.url)
    assert bearers(hub) and "plain http" not in run.stderr and run.code == 0


# -- 3. what a token read stays with that token ------------------------------------------------

def test_a_private_model_read_with_a_token_is_not_served_from_the_cache_without_it(hub, hf_home):
    hub.tokens = {TOKEN: {SECRET}}
    assert status(hub.url, TOKEN, hf_home, SECRET) == "scored"
    hub.reset_stats()
    assert status(hub.url, None, hf_home, SECRET) == "not_found"
    assert hub.stats["total"] > 0  # asked the Hub, which refused an anonymous caller
    assert status(hub.url, OTHER_TOKEN, hf_home, SECRET) != "scored"  # nor to another identity


def test_not_found_is_remembered_per_identity(hub, hf_home):
    hub.tokens = {TOKEN: {SECRET}, OTHER_TOKEN: set()}
    assert status(hub.url, None, hf_home, SECRET) == "not_found"
    assert status(hub.url, OTHER_TOKEN, hf_home, SECRET) == "not_found"
    assert status(hub.url, TOKEN, hf_home, SECRET) == "scored"  # neither "not found" stands in
    hub.reset_stats()
    assert status(hub.url, None, hf_home, SECRET) == "not_found"  # each answer kept for its own identity
    assert status(hub.url, TOKEN, hf_home, SECRET) == "scored"
    assert hub.stats["total"] == 0


def test_public_answers_read_without_a_token_stay_shared(hub, hf_home):
    hub.tokens = {TOKEN: set()}
    assert status(hub.url, None, hf_home, PUBLIC) == "scored"
    hub.reset_stats()
    assert status(hub.url, TOKEN, hf_home, PUBLIC) == "scored"
    assert hub.stats["total"] == 0
    names = [str(p.relative_to(hf_home)) for p in hf_home.rglob("*")]
    assert not any(TOKEN in name for name in names)


# -- 4. credentials in the endpoint ----------------------------------------------------------------

def test_credentials_in_the_endpoint_name_no_folder_and_show_nowhere(hub, hf_home, caplog):
    caplog.set_level(logging.DEBUG)
    endpoint = hub.url.replace("http://", "http://someone:pw-Secret-42@")
    run = cli("score", PUBLIC, "nobody/missing", "--details", "-f", "json", endpoint=endpoint)
    assert '"scored"' in run.stdout
    names = [str(p) for p in hf_home.rglob("*")]
    assert names and not any("pw-Secret-42" in n or "someone" in n for n in names)
    # Our own logs; httpx logs each URL it requests at INFO, as the user wrote it.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("openness"))
    for text in (run.stdout, run.stderr, logged, repr(source(endpoint, None, hf_home))):
        assert "pw-Secret-42" not in text
    assert endpoint_folder(endpoint) == endpoint_folder(hub.url)


# -- 5. http and https apart -----------------------------------------------------------------------

def test_http_and_https_endpoints_keep_their_own_cache_trees(hub, hf_home):
    assert status(hub.url, None, hf_home, PUBLIC) == "scored"
    over_https = hub.url.replace("http://", "https://")
    offline = DiskCache(hf_home / "openness", endpoint=over_https, offline=True)
    card = compare([PUBLIC], source=CachedHubSource(HubSource(endpoint=over_https), offline), repos=False)[PUBLIC]
    assert card.status == "error" and card.error.kind == "not_cached"  # type: ignore[union-attr]
    assert endpoint_folder("http://mirror.example") != endpoint_folder("https://mirror.example")
    assert endpoint_folder("https://huggingface.co") == "huggingface.co"  # existing caches still found


def test_an_unreadable_stored_token_is_a_warning_not_a_crash(hub, tmp_path, monkeypatch, caplog):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path))  # a folder where the token file should be
    with caplog.at_level(logging.WARNING, logger="openness"):
        snapshot = source(hub.url, None).fetch(ModelRef.parse(PUBLIC))
    assert snapshot.card.status == "ok" and "token could not be read" in caplog.text
    assert not bearers(hub, "Bearer")
