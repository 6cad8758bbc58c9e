"""Build a markdown report on the models the NeurIPS 2023 crowd argued about.

    python examples/neurips_2023.py                    # the live Hub (or HF_ENDPOINT)
    python examples/neurips_2023.py --endpoint URL     # another Hub, e.g. a local stand-in
    python examples/neurips_2023.py -o report.md       # write a file instead of stdout

The committed neurips_2023.md was generated from the project's stand-in Hub, with
GITHUB_API_URL pointing at the stand-in GitHub (../shared/github/serve.py):
    python examples/neurips_2023.py --endpoint URL -o examples/neurips_2023.md \
        --source "a stand-in Hub serving a snapshot of the real cards (revisions differ from the live Hub)"

It uses only the public Python API: `openness.compare` scores the models concurrently,
`Report.to_markdown` gives the comparison table, and the scorecards give the reasons.
"""
from __future__ import annotations

import argparse
import sys

import openness

# Base models, as published by their makers. Llama 2 appears through TheBloke's GGUF copy:
# the stand-in Hub the committed report was generated from has no meta-llama repos, and
# the copy carries Llama 2's licence and names meta-llama/Llama-2-7b-hf as its parent.
# On the live Hub, with access to the gated repo, put meta-llama/Llama-2-7b-hf here.
MODELS = [
    "mistralai/Mixtral-8x7B-v0.1",
    "mistralai/Mistral-7B-v0.1",
    "TheBloke/Llama-2-7B-GGUF",
    "microsoft/phi-2",
    "allenai/OLMo-7B",
    "EleutherAI/pythia-6.9b",
    "tiiuae/falcon-7b",
    "bigscience/bloom",
    "HuggingFaceH4/zephyr-7b-beta",
]

INTRO = """\
# How open were the models of NeurIPS 2023?

"Open" is not one thing: a model can publish its weights and keep its training data and
its training code to itself. Each model below is judged on the three separately by
openness {version}, from its metadata and model card as served by {source}. To see the
evidence behind a verdict, run `openness score MODEL --details`."""


def why(report: openness.Report) -> str:
    """One line per axis per model: the reason that decided the level."""
    lines = ["## Why", ""]
    for card in report.scorecards:
        if card.status != "scored":
            lines.append(f"- **{card.repo_id}**: not scored ({card.error.message if card.error else 'error'})")
            continue
        lines.append(f"- **{card.repo_id}**")
        for axis, verdict in card.axes.items():
            reason = verdict.reasons[0].split(": ", 1)[-1] if verdict.reasons else ""
            lines.append(f"  - {axis}, {verdict.verdict}: {reason.replace('|', '/')}")
    return "\n".join(lines)


def build(endpoint: str | None, source: str) -> str:
    """The whole report as markdown."""
    report = openness.compare(MODELS, endpoint=endpoint)
    intro = INTRO.format(version=report.tool_version, source=source)
    return "\n\n".join([intro, report.to_markdown().rstrip(), why(report)]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="Hub URL (default: HF_ENDPOINT, else huggingface.co)")
    parser.add_argument("--source", default="the Hugging Face Hub",
                        help="how the report names where the cards came from")
    parser.add_argument("-o", "--output", help="write the report here instead of stdout")
    args = parser.parse_args()
    text = build(args.endpoint, args.source)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
