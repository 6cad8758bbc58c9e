"""The fast paths of `openness score` (issue 17): each gives what the slow path would."""
from __future__ import annotations

from pathlib import Path

import pytest

from openness.sources.hub import HubSource


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    path = tmp_path / "token"
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(path))
    return path


def test_no_stored_login_and_no_variable_is_no_token(token_file: Path) -> None:
    assert not HubSource(endpoint="http://127.0.0.1:9").has_token


def test_a_stored_login_is_still_found_without_a_variable(token_file: Path) -> None:
    token_file.write_text("hf_storedLoginToken1234\n")
    assert HubSource(endpoint="http://127.0.0.1:9").has_token


@pytest.mark.parametrize("variable", ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"])
def test_a_token_variable_is_still_found(token_file: Path, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "hf_fromTheEnvironment99")
    assert HubSource(endpoint="http://127.0.0.1:9").has_token
