"""The cache wraps a source's two steps (facts at a revision, then the card at a commit):
what it saves, what it never keeps, and the identity it keeps a token's answers under.

The source beneath is a fake of `HubSteps`, the narrow interface the cache needs; the real
HubSource under it runs over loopback HTTP in test_hub_security.py and test_cache*.py.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from openness.cache import DiskCache
from openness.errors import ModelNotFound, NotCached
from openness.models import CardFile, DatasetSnapshot, LicenceText, ModelRef
from openness.sources.cached import CachedHubSource
from openness.sources.hub import HubFacts
from openness.sources.ratelimit import Pacer

SHA = "a" * 40
OTHER_SHA = "b" * 40
CARD = "---\nlicense: apache-2.0\n---\n# Model\n"


class FakeHub:
    """Answers from a dict, counting each step it is asked for."""

    def __init__(self, *, token: str | None = None) -> None:
        self.pacer = Pacer()
        self.token = token
        self.asked: Counter[str] = Counter()
        self.sha = SHA
        self.tags: tuple[str, ...] = ("text-generation",)
        self.card_status = "ok"
        self.listed = False
        self.missing: set[str] = set()
        self.licence: LicenceText | None = None
        """The licence step's answer; None: the repo holds no licence file (no request)."""

    @property
    def has_token(self) -> bool:
        return self.token is not None

    @property
    def announced_budget(self) -> None:
        return None

    def cache_for_identity(self, cache: DiskCache) -> DiskCache:
        return cache.for_identity(self.token) if self.token else cache

    def model_facts(self, ref: ModelRef) -> HubFacts:
        self.asked["facts"] += 1
        if ref.repo_id in self.missing:
            raise ModelNotFound(ref.repo_id, "no such model")
        files = ("README.md", "LICENSE") if self.licence else ("README.md",)
        return HubFacts(id=ref.repo_id, sha=self.sha, tags=self.tags, siblings=files, listed=self.listed)

    def card(self, repo_id: str, revision: str | None, siblings: tuple[str, ...]) -> CardFile:
        self.asked["card"] += 1
        if self.card_status != "ok":
            return CardFile(status="unavailable", problem="the Hub failed")
        return CardFile(status="ok", text=CARD)

    def licence_text(self, repo_id: str, revision: str | None, siblings: tuple[str, ...],
                     license_link: object = None) -> LicenceText | None:
        if "LICENSE" not in siblings:
            return None
        self.asked["licence"] += 1
        return self.licence

    def fetch_dataset(self, dataset_id: str) -> DatasetSnapshot:
        self.asked["dataset"] += 1
        return DatasetSnapshot(id=dataset_id, sha=SHA, license="cc-by-4.0")

    def list_models(self, **query: object) -> list[str]:
        self.asked["list"] += 1
        return ["org/a"]


def cached(tmp_path: Path, hub: FakeHub, **options: object) -> CachedHubSource:
    return CachedHubSource(hub, DiskCache(tmp_path, endpoint="http://127.0.0.1:1", **options))  # type: ignore[arg-type]


REF = ModelRef.parse("org/model")


def test_a_commit_read_once_costs_no_step_again(tmp_path):
    hub = FakeHub()
    first = cached(tmp_path, hub).fetch(REF)
    again = cached(tmp_path, hub).fetch(REF)  # a new run over the same cache
    assert again == first and first.card.text == CARD
    assert hub.asked == Counter(facts=1, card=1)


def test_a_branch_past_its_time_to_live_is_asked_again_but_an_unchanged_commit_keeps_its_card(tmp_path):
    hub = FakeHub()
    cached(tmp_path, hub, ref_ttl_s=0).fetch(REF)
    hub.tags = ("text-generation", "new-tag")  # the metadata may be read anew; the commit is the same
    again = cached(tmp_path, hub, ref_ttl_s=0).fetch(REF)
    assert hub.asked == Counter(facts=2, card=1)
    assert again.card.text == CARD


def test_a_new_commit_reads_its_own_card(tmp_path):
    hub = FakeHub()
    cached(tmp_path, hub, ref_ttl_s=0).fetch(REF)
    hub.sha = OTHER_SHA
    assert cached(tmp_path, hub, ref_ttl_s=0).fetch(REF).sha == OTHER_SHA
    assert hub.asked == Counter(facts=2, card=2)


@pytest.mark.parametrize("why", ["listed", "card unavailable"])
def test_what_must_not_stand_for_a_full_answer_is_not_kept(tmp_path, why):
    """A listing's facts lack baseModels; a card that could not be fetched is no card."""
    hub = FakeHub()
    hub.listed = why == "listed"
    hub.card_status = "ok" if why == "listed" else "unavailable"
    cached(tmp_path, hub).fetch(REF)
    cached(tmp_path, hub).fetch(REF)
    assert hub.asked == Counter(facts=2, card=2)


def test_the_licence_hash_is_kept_with_its_commit_but_a_failed_read_is_asked_again(tmp_path):
    hub = FakeHub()
    hub.licence = LicenceText(file="LICENSE", status="ok", sha256="c" * 64)
    first = cached(tmp_path, hub).fetch(REF)
    assert cached(tmp_path, hub).fetch(REF) == first and first.licence_text == hub.licence
    assert hub.asked == Counter(facts=1, card=1, licence=1)

    hub.sha, hub.asked = OTHER_SHA, Counter()
    hub.licence = LicenceText(file="LICENSE", status="unavailable", problem="the Hub failed")
    for _ in range(2):  # unknown this time: never kept as the commit's answer
        assert cached(tmp_path, hub, ref_ttl_s=0).fetch(REF).licence_text == hub.licence
    assert hub.asked == Counter(facts=2, card=2, licence=2)


def test_not_found_is_remembered_and_offline_nothing_is_asked(tmp_path):
    hub = FakeHub()
    hub.missing.add("org/gone")
    gone = ModelRef.parse("org/gone")
    for _ in range(2):
        with pytest.raises(ModelNotFound):
            cached(tmp_path, hub).fetch(gone)
    assert hub.asked == Counter(facts=1)
    offline = cached(tmp_path, hub, offline=True)
    with pytest.raises(NotCached):
        offline.fetch(ModelRef.parse("org/never-seen"))
    with pytest.raises(NotCached):
        offline.list_models(author="org")
    assert hub.asked == Counter(facts=1)


def test_what_a_token_read_is_kept_apart_from_a_run_without_it(tmp_path):
    private = FakeHub(token="hf_secret")
    cached(tmp_path, private).fetch(REF)
    public = FakeHub()
    cached(tmp_path, public).fetch(REF)
    assert public.asked == Counter(facts=1, card=1)  # not answered from the token's tree
    assert not any("hf_secret" in str(path) for path in tmp_path.rglob("*"))


def test_a_dataset_is_kept_by_commit_and_prose_names_cost_nothing(tmp_path):
    hub = FakeHub()
    for _ in range(2):
        assert cached(tmp_path, hub).fetch_dataset("org/corpus").license == "cc-by-4.0"
    with pytest.raises(Exception, match="not a Hub dataset id"):
        cached(tmp_path, hub).fetch_dataset("The Pile")
    assert hub.asked == Counter(dataset=1)


def test_is_cached_says_whether_fetching_asks_the_hub_without_reading_the_snapshot(tmp_path, monkeypatch):
    # The batch's estimate of its requests (the rate-limit notice) asks this of every model
    # before the run, which reads each snapshot anyway: it looks at files, never reads one.
    hub = FakeHub()
    hub.missing.add("org/gone")
    cached(tmp_path, hub).fetch(REF)
    with pytest.raises(ModelNotFound):
        cached(tmp_path, hub).fetch(ModelRef.parse("org/gone"))
    token = FakeHub(token="hf_secret")  # its own tree, falling back to the shared one
    situations = [(cached(tmp_path, hub), ref) for ref in ("org/model", "org/gone", "org/new", f"org/model@{SHA}",
                                                             f"org/model@{OTHER_SHA}")]
    situations += [(cached(tmp_path, token), "org/model"), (cached(tmp_path, hub, offline=True), "org/never-seen")]
    answers = []
    for source, text in situations:
        with monkeypatch.context() as patch:
            patch.setattr(DiskCache, "model", lambda *a: pytest.fail("is_cached read a snapshot"))
            said = source.is_cached(ModelRef.parse(text))
        asked = sum(h.asked.total() for h in (hub, token))
        try:
            source.fetch(ModelRef.parse(text))
        except (ModelNotFound, NotCached):
            pass
        costs_nothing = sum(h.asked.total() for h in (hub, token)) == asked
        assert said == costs_nothing, text
        answers.append(said)
    assert answers == [True, True, False, True, False, True, True]
