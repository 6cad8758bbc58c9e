"""CPU time to read the evidence in big cards, the part of scoring that grows with the card.

Cards are read up to 1 MB (MAX_CARD_BYTES), and a whole-Hub scan meets such cards. Each
card below is read by `extract_evidence` (pure: no Hub, no network), best of 3, in CPU
seconds of this process. Run: `.venv/bin/python benchmarks/bench_big_card.py [--json]`.

- huge card: tests/test_hostile.py's "hostile/huge-card", one line repeated, cut to 1 MB
  as the Hub source cuts it.
- distinct filler lines: 1 MB of short lines that all differ (no line is read twice alike).
- real cards repeated: the real cards in ../shared/cards one after another up to 1 MB, when
  that folder is there.
- links on one line: one paragraph line of 8,000 dataset links (issue 13: 15 s then).
- unclosed HTML links: the opening paragraph as one 1 MB line of `<a href=` never closed.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_hostile import HOSTILE  # noqa: E402

from openness.evidence import extract_evidence  # noqa: E402
from openness.models import MAX_CARD_BYTES, CardFile, ModelSnapshot  # noqa: E402
from openness.rubric import load_licences, load_vocabulary  # noqa: E402


def _cut(text: str) -> str:
    return text.encode("utf-8")[:MAX_CARD_BYTES].decode("utf-8", errors="ignore")


def cards() -> dict[str, str]:
    found = {"huge card": _cut(HOSTILE["hostile/huge-card"][1]["README.md"].decode("utf-8"))}
    found["distinct filler lines"] = _cut("# Filler\n\n## Training data\n\n" + "".join(
        f"filler line {i} of a long card\n" for i in range(40_000)))
    shared = ROOT.parent / "shared" / "cards"
    if shared.is_dir():
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(shared.glob("*.md"))]
        found["real cards repeated"] = _cut("\n".join(texts * 2))
    found["links on one line"] = "# M\n\n## Training data\n\nTrained on " + " ".join(
        f"[set {i}](https://huggingface.co/datasets/o/d{i})" for i in range(8000)) + "\n"
    found["unclosed HTML links"] = _cut("# M\n\nBased on " + "<a href=" * 125_000 + " https://x.org/a\n")
    return found


def best_cpu(text: str, rounds: int = 3) -> float:
    vocab, licences = load_vocabulary(), load_licences()
    snapshot = ModelSnapshot(repo_id="bench/big-card", sha="0" * 40, siblings=["model.safetensors"],
                             card=CardFile(status="ok", text=text))
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        extract_evidence(snapshot, vocab, licences)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    figures = {}
    print(f"{'card':<24} {'bytes':>10} {'lines':>8} {'CPU s':>8}")
    for name, text in cards().items():
        seconds = best_cpu(text)
        figures[name] = {"bytes": len(text.encode("utf-8")), "lines": text.count("\n"), "cpu_seconds": round(seconds, 3)}
        print(f"{name:<24} {figures[name]['bytes']:>10,} {figures[name]['lines']:>8,} {seconds:>8.2f}")
    if "--json" in sys.argv[1:]:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
