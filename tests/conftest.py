"""Shared test set-up: an isolated Hugging Face environment and an in-process stand-in Hub.

huggingface_hub reads its environment when it is imported, so the environment is fixed
here, at the top of the first module pytest loads, before any test imports it.
"""
import atexit
import os
import shutil
import socket
import tempfile

os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_XET"] = "1"
# No real token, cache or offline switch may leak in from the developer's machine.
for _name in ("HF_HUB_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH",
              "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_ASSETS_CACHE", "HF_XET_CACHE"):
    os.environ.pop(_name, None)
# GitHub: no real token, and never api.github.com. The default endpoint is a loopback
# port held bound but not listening, so a test that does not set up the stand-in GitHub
# gets a refused connection at once (not retried), never a request to the internet.
for _name in ("GITHUB_TOKEN", "GH_TOKEN"):
    os.environ.pop(_name, None)
_CLOSED_PORT = socket.socket()
_CLOSED_PORT.bind(("127.0.0.1", 0))
CLOSED_GITHUB_URL = f"http://127.0.0.1:{_CLOSED_PORT.getsockname()[1]}"
os.environ["GITHUB_API_URL"] = CLOSED_GITHUB_URL
_SESSION_HF_HOME = tempfile.mkdtemp(prefix="openness-hf-home-")
os.environ["HF_HOME"] = _SESSION_HF_HOME
atexit.register(shutil.rmtree, _SESSION_HF_HOME, ignore_errors=True)

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from githubstub import GitHubStub  # noqa: E402
from hubstub import HubStub  # noqa: E402
from memory_source import MemorySource  # noqa: E402

HUB_ROOT = TESTS_DIR / "fixtures" / "hub"


@pytest.fixture
def memory_source() -> type[MemorySource]:
    """Builds a source held in memory (tests/memory_source.py): `memory_source(models,
    datasets)`. For tests of the pure API, which need no HTTP; the stand-in Hub is for
    fetching and fault tests."""
    return MemorySource


@pytest.fixture(scope="session")
def hub_root() -> Path:
    """The synthetic Hub snapshot under tests/fixtures/hub."""
    return HUB_ROOT


@pytest.fixture(scope="session")
def hub(hub_root):
    """A HubStub serving hub_root for the whole session; its base URL is ``hub.url``."""
    with HubStub(hub_root) as stub:
        yield stub


@pytest.fixture(scope="session")
def hub_url(hub) -> str:
    return hub.url


@pytest.fixture(scope="session")
def github_stub():
    """A GitHubStub with the synthetic repositories of githubstub.py, for the whole session."""
    with GitHubStub() as stub:
        yield stub


@pytest.fixture
def github(github_stub, monkeypatch):
    """The stand-in GitHub, fresh (counters zeroed, faults cleared, repositories as built),
    and GITHUB_API_URL pointing at it for this test."""
    github_stub.reset()
    monkeypatch.setenv("GITHUB_API_URL", github_stub.url)
    return github_stub


@pytest.fixture(autouse=True)
def _fresh_hub(request):
    """Before and after each test that uses the stub: zero its counters and clear every
    fault knob. After too, because a module-scoped fixture of the next module (a report
    built once) is set up before this runs for that module's first test."""
    if "hub" not in request.fixturenames:
        yield
        return
    stub = request.getfixturevalue("hub")
    stub.reset_faults()
    stub.reset_stats()
    yield
    stub.reset_faults()


@pytest.fixture(autouse=True)
def hf_home(tmp_path, monkeypatch) -> Path:
    """A fresh, empty HF_HOME for every test, so no test sees another's disk cache.

    openness reads HF_HOME when it builds its cache, so this holds in-process and in
    subprocesses alike.
    """
    home = tmp_path / "hf_home"
    home.mkdir()
    monkeypatch.setenv("HF_HOME", str(home))
    # A FORCE_COLOR in the environment that runs the tests would colour every table.
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return home


@pytest.fixture
def brief_backoff(monkeypatch):
    """Backoff steps a tenth as long, where what is tested is that faults are outlasted,
    not how long the waits are (test_retry.py holds the policy's own numbers)."""
    import openness.sources.retry as retry

    real = retry.backoff_s
    monkeypatch.setattr(retry, "backoff_s", lambda attempt, policy, rng: real(attempt, policy, rng) / 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Set what collection built (modules, rubrics, compiled patterns, every test item)
    apart from the garbage collector: a worker lives for hundreds of tests, and each full
    collection would walk all of it again. About a tenth of the suite's CPU time."""
    import gc

    gc.collect()
    gc.freeze()
