"""How a released model can be put to use: the code that deploys it and the package it is
released as (for the G7 labels and the Open Source AI Index's access parameters).

The G7 labels ask for "weights and deployment code" free of charge. A card rarely ships
deployment code of its own: it names the library or engine that runs the weights (the Hub's
`library_name`, vLLM or llama.cpp linked as the way to serve it), or the weights come in a
layout public libraries load (`config.json`, GGUF). Any of these is code anyone can obtain
that runs the model, so each counts; what the code extractor already counts as code that
runs the model (its links, repo files, library integration) counts too.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from openness.evidence.card import breaks_as_newlines
from openness.evidence.extractors import CodeFindings, Extracted, listing
from openness.evidence.screen import fold
from openness.evidence.terms import Vocabulary
from openness.models import ModelSnapshot

ACCESS_SIGNALS = ("access.deployment", "access.deployment_as", "access.package", "access.package_as")
# A card that could not be read hides the links that name deployment code: unknown, not none.
_CARD_UNREAD = ("unreadable", "unavailable")


def access(snapshot: ModelSnapshot, signals: dict[str, Any], found: CodeFindings | None,
           vocab: Vocabulary) -> Extracted:
    """The deployment code: the model's own code of any kind, and the general libraries and
    inference engines the card names (a framework the code extractor does not count as the
    model's own code, but which runs it); and the package the model is released as.
    `signals` are the earlier extractors' (code and weights), `found` the code links."""
    out = Extracted()
    own = int(signals.get("code.inference") or 0)
    named = _named_sources(found, vocab)
    ways = [str(signals.get("code.inference_links"))] if own else []
    ways += list(named)
    for repo, source in named.items():
        out.add("access.deployment", source,
                f"{repo}: a general library or engine the card names, which runs the model", "low")
    layout = _library_layout(snapshot, signals)
    if layout:
        ways.append(layout)
        out.add("access.deployment", "siblings", f"{layout}: a layout public libraries load (the Hub reads it so when "
                                                 "no library_name is given)", "medium")
    unread = snapshot.card.status in _CARD_UNREAD
    out.signals["access.deployment"] = None if unread and not ways else own + len(named) + bool(layout)
    out.signals["access.deployment_as"] = listing(ways) if ways else "none"
    packages = _own_packages(snapshot)
    for name, where in packages.items():
        out.add("access.package", where, f"the card installs {name}, a package named after the model's family "
                                         "or its publisher", "medium")
    out.signals["access.package"] = None if unread else len(packages)
    out.signals["access.package_as"] = listing(list(packages)) if packages else "none"
    return out


# An install command from a package index (PyPI, conda, Homebrew, npm): what follows it on
# the line, read up to a backtick or the line's end. Linear: one literal, one bounded class.
_INSTALL = re.compile(r"\b(?:pip3?|conda|mamba|brew|npm)[ \t]+install[ \t]([^\n`]{1,200})", re.IGNORECASE)
_WORD = "install"  # what every match holds (tests/test_reading_once.py checks it against the screen's reading)
_COMMAND_END = re.compile(r"[#;&|\\]")
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_NAME_PARTS = re.compile(r"[a-z]+")
# Libraries installed to run any model: never a model's own package, even when a word of
# their name is the model's (llama-cpp-python for a Llama).
GENERAL_PACKAGES = frozenset({
    "accelerate", "auto-gptq", "autoawq", "bitsandbytes", "ctransformers", "datasets", "deepspeed", "diffusers",
    "einops", "flash-attn", "gradio", "hf-transfer", "huggingface-hub", "llama-cpp-python", "mlx-lm", "numpy",
    "onnxruntime", "optimum", "peft", "pip", "protobuf", "safetensors", "scipy", "sentence-transformers",
    "sentencepiece", "tiktoken", "timm", "tokenizers", "torch", "torchaudio", "torchvision", "transformers", "trl",
    "vllm", "xformers"})
_MAX_INSTALLS = 200
_MIN_PART = 4  # shorter name parts ("ai", "hf", "lm") say nothing about whose package it is


def _own_packages(snapshot: ModelSnapshot) -> dict[str, str]:
    """Packages the card tells users to install from an index that are named after the
    model's family (the first word of its name) or its publisher: a part of at least four
    letters shared, one a prefix of the other (ai2-olmo for OLMo-7B), by name, with the
    line. A dependency any model needs is not the model released as a package, nor is one
    named after another word of the model's name (mamba-ssm for falcon-mamba-7b: the
    kernels of its architecture)."""
    text = snapshot.card.text if snapshot.card.status == "ok" else None
    if not text:
        return {}
    owner, _, name = snapshot.repo_id.lower().partition("/")
    family = _NAME_PARTS.findall(name)[:1]  # the model's family (OLMo of OLMo-7B), not its other words
    model_parts = {p for p in [*_NAME_PARTS.findall(owner), *family] if len(p) >= _MIN_PART}
    found: dict[str, str] = {}
    line, counted_to, lines = 1, 0, breaks_as_newlines(text)  # the card's lines, counted at "\n"
    for count, match in enumerate(_install_commands(text)):
        if count >= _MAX_INSTALLS:
            break
        line, counted_to = line + lines.count("\n", counted_to, match.start()), match.start()
        command = _COMMAND_END.split(match.group(1), maxsplit=1)[0]  # not a comment or the next command
        for word in command.split():
            package = _PACKAGE_NAME.match(word)
            if word.startswith("-") or package is None or "/" in word or ":" in word:
                continue
            named = package.group(0).lower().replace("_", "-").rstrip(".")
            if named in GENERAL_PACKAGES or named in found:
                continue
            parts = {p for p in _NAME_PARTS.findall(named) if len(p) >= _MIN_PART}
            if any(a.startswith(b) or b.startswith(a) for a in parts for b in model_parts):
                found[named] = f"README.md line {line}"
    return found


def _install_commands(text: str) -> Iterator[re.Match[str]]:
    """_INSTALL.finditer(text), tried only on the lines that hold "install" (a match never
    leaves its line): running it over the whole card tried its opening at every character."""
    # As `re` ignores case, with the card's line breaks made "\n" (a lone "\r" ends a line
    # too, and the command on it): the same length as the text.
    folded = breaks_as_newlines(fold(text))
    at = folded.find(_WORD)
    while at >= 0:
        start = folded.rfind("\n", 0, at) + 1
        end = folded.find("\n", at)
        end = len(text) if end < 0 else end
        yield from _INSTALL.finditer(text, start, end)
        at = folded.find(_WORD, end)


def _library_layout(snapshot: ModelSnapshot, signals: dict[str, Any]) -> str | None:
    """Weights in a layout public libraries run without the publisher's code: a `config.json`
    beside them at the repository's root (Transformers and the engines that follow it), or
    GGUF files (llama.cpp and the tools built on it)."""
    if not signals.get("weights.files"):
        return None
    if "config.json" in snapshot.siblings:
        return "config.json"
    kinds = str(signals.get("weights.kinds", "")).split(", ")
    return "gguf weights" if "gguf" in kinds else None


def _named_sources(found: CodeFindings | None, vocab: Vocabulary) -> dict[str, str]:
    """Known general libraries the card links, by repository, with where: not training
    codebases (those have a kind), but the ones that load, serve or quantise any model."""
    if found is None:
        return {}
    frameworks = vocab.code.frameworks
    named: dict[str, str] = {}
    for link in (link for link in found.links if link.kind == "framework"):
        framework = next((f for f in frameworks if f.regex.search(link.repo)), None)
        if framework is not None and framework.kind is None:
            named.setdefault(link.repo, link.source)
    return named
