"""One fixed Report with every kind of row, for golden files and schema checks.

Synthetic: the ids, licences and card text are made up. One licence name carries the
text that breaks naive renderers (a pipe, a newline, markup, a control sequence and a
spreadsheet formula), so the goldens also pin down each format's escaping.
"""
from __future__ import annotations

from openness.models import (AxisVerdict, DatasetEntry, ErrorInfo, Evidence, Finding, LicenseVerdict,
                             LineageEntry, RepoEntry, RubricRef, Scorecard)
from openness.report import Report

HOSTILE = "Acme | licence\nv2 <script>alert(1)</script> \x1b[31mred\x1b[0m"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


def _verdict(level, score, reasons, *evidence):
    return AxisVerdict(verdict=level, level=score, reasons=list(reasons), evidence=list(evidence))


def _ev(signal, source, detail, strength="high"):
    return Evidence(signal=signal, source=source, detail=detail, strength=strength)


APACHE = LicenseVerdict(id="apache-2.0", label="apache-2.0", license_class="A", class_title="OSI-approved")

OPEN = Scorecard(
    repo_id="lab/open-7b", revision="a" * 40, status="scored", license=APACHE,
    axes={
        "weights": _verdict("open", 4, ["level 4: weights, checkpoints and licence all public"],
                            _ev("weights.files", "siblings", "2 weight file(s): model-00001-of-00002.safetensors, ..."),
                            _ev("license.class", "cardData.license", "apache-2.0 (class A)")),
        "data": _verdict("open", 3, ["level 3: every dataset named and downloadable"],
                         _ev("data.named", "cardData.datasets", "lab/corpus-v1", "high")),
        "code": _verdict("open", 3, ["level 3: training code linked"],
                         _ev("code.training", "README.md line 12", "github.com/lab/train: training code", "medium"),
                         ).model_copy(update={"findings": [
                             Finding(condition="training_code_linked", outcome="met", signal="code.training", value=1,
                                     message="code.training is 1 (at least 1)"),
                             Finding(condition="evaluation_code_linked", outcome="not_met", signal="code.evaluation",
                                     value=0, message="no evaluation code linked",
                                     remediation="Link the evaluation code that produced the card's results."),
                             Finding(condition="training_code_open", outcome="unknown", signal="code.training_not_open",
                                     value=None, message="no value for code.training_not_open: it could not be read",
                                     remediation="Release the training code under an OSI-approved licence."),
                         ]}),
    },
    papers=["https://arxiv.org/abs/0000.00000"],
    datasets=[DatasetEntry(id="lab/corpus-v1", status="found", license="odc-by", license_class="B")],
    repositories=[
        RepoEntry(repo="lab/train", url="https://github.com/lab/train", status="ok", license="Apache-2.0",
                  tree_sha="e" * 40),
        RepoEntry(repo="lab/old-name", url="https://github.com/lab/old-name", status="rate_limited",
                  problem="GitHub's rate limit was reached; it resets in 42 min"),
    ],
)

CHAT = Scorecard(
    repo_id="lab/open-7b-chat", revision="b" * 40, status="scored", license=APACHE, gated="auto",
    axes={
        "weights": _verdict("open", 3, ["level 3: weights public under apache-2.0; gate: auto"]),
        "data": _verdict("partial", 2, ["level 2: fine-tuning data named, pre-training inherited",
                                        "not level 3: lab/chat-mix is not on the Hub"],
                         _ev("data.named", "README.md line 30", "lab/chat-mix", "medium")),
        "code": _verdict("partial", 2, ["level 2: recipe described, code not linked"]),
    },
    lineage=[LineageEntry(repo_id="lab/open-7b", relation="finetune", depth=1, status="scored",
                          axes={"weights": "open", "data": "open", "code": "open"})],
    datasets=[DatasetEntry(id="lab/chat-mix", status="missing")],
)

RESTRICTED = Scorecard(
    repo_id="corp/guarded-13b", revision="c" * 40, status="scored", gated="manual",
    license=LicenseVerdict(id="other", name=HOSTILE, link="javascript:alert(1)", label=HOSTILE,
                           license_class="D", class_title="Restricted community licence",
                           resolved_via="alias:acme", flags=["version-unstated"]),
    axes={
        "weights": _verdict("partial", 1, ["level 1: downloadable after manual approval"],
                            _ev("gate.prompt", "cardData.extra_gated_prompt", FORMULA, "high")),
        "data": _verdict("closed", 0, ["level 0: nothing disclosed beyond generic phrases",
                                       "not level 1: no training data described (searched: metadata, 3 headings)"]),
        "code": _verdict("closed", 0, ["level 0: no code found"]),
    },
    lineage=[LineageEntry(repo_id="corp/base-13b", relation="finetune", depth=1, status="not_found",
                          reason="not on the Hub")],
)

UNREADABLE = Scorecard(
    repo_id="odd/binary-card", revision="d" * 40, status="scored",
    license=LicenseVerdict(id="other", name=FORMULA, label=FORMULA, license_class="F", class_title="Unknown"),
    axes={
        "weights": _verdict("partial", 1, ["level 1: weights public, licence unknown"]),
        "data": _verdict("unknown", None, ["could not read the model card: not UTF-8 text"]),
        "code": _verdict("unknown", None, ["could not read the model card: not UTF-8 text"]),
    },
)

MISSING = Scorecard(
    repo_id="nobody/missing", revision=None, status="error",
    error=ErrorInfo(kind="not_found", message="nobody/missing: no such model on the Hub (or it is private)"),
)


def golden_report() -> Report:
    """The fixed report every golden file renders."""
    return Report(tool_version="0.0.0+golden", rubric=RubricRef(id="openness", version="1.0.0", profile="default"),
                  scorecards=[OPEN, CHAT, RESTRICTED, UNREADABLE, MISSING])
