"""Each bad input of issue 6, through the real CLI against the test suite's stand-in Hub.

Prints a markdown table: the input, the exit code, the first stderr line and what the
report says. Run: `.venv/bin/python benchmarks/bad_inputs.py`.
"""
import json, os, socket, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.pop("HF_TOKEN", None)
from hubstub import HubStub
from test_hostile import HOSTILE

def run(args, env_extra=None, endpoint=None):
    env = {**os.environ, "HF_HOME": tempfile.mkdtemp(), **(env_extra or {})}
    if endpoint: env["HF_ENDPOINT"] = endpoint
    p = subprocess.run([sys.executable, "-m", "openness", "score", *args, "-f", "json"], env=env, capture_output=True, text=True, timeout=120)
    seen = p.stderr.strip().splitlines()
    verdict = ""
    try:
        m = json.loads(p.stdout)["models"][0]
        if m["status"] == "scored":
            ax = m["axes"]
            verdict = "scored: " + ", ".join(f"{a} {ax[a]['verdict']}" for a in ("weights","data","code"))
            extra = [r for a in ("data","code") for r in ax[a]["reasons"] if "README" in r or "could not read" in r]
            ev = [e["detail"] for a in ("weights",) for e in ax[a]["evidence"] if e["signal"] == "card.status"]
            verdict += ("; " + (extra[0] if extra else ev[0])) if (extra or ev) else ""
        else:
            verdict = f"not scored ({m['error']['kind']})"
    except Exception as e:
        verdict = "(no JSON report)"
    return p.returncode, (seen[0] if seen else "(nothing on stderr)"), verdict

rows = []
with HubStub(ROOT / "tests" / "fixtures" / "hub") as hub:
    for info, files in HOSTILE.values():
        hub.add_repo(info, files)
    U = hub.url
    cases = [
        ("empty id", [""]), ("id with a space", ["org/my model"]), ("path-like id", ["../../etc/passwd"]),
        ("over-long id (300 chars)", ["org/" + "n"*300]), ("three segments", ["a/b/c"]), ("non-ASCII id", ["org/modèle"]),
        ("control characters in id", ["org/\x1b[31mred"]), ("dataset URL", ["https://huggingface.co/datasets/org/x"]),
        ("Hub URL", ["https://huggingface.co/openlab/atlas-7b"]), ("Hub URL with /tree/<rev>", ["https://huggingface.co/openlab/atlas-7b/tree/main"]),
        ("missing repo", ["nobody/no-such-model"]), ("private repo, no token", ["hiddenco/secret-model"]),
        ("gated repo, no token", ["gatedco/summit-8b"]), ("disabled repo", ["banned/gone-model"]),
        ("bad revision", ["openlab/atlas-7b@no-such-branch"]), ("no README", ["nocard/bare-1b"]),
        ("README not UTF-8", ["hostile/latin1-card"]), ("README binary", ["oddco/binary-card"]),
        ("huge README (3.3 MB)", ["hostile/huge-card"]), ("front matter a list, no cardData", ["hostile/list-front-matter"]),
        ("YAML alias bomb", ["hostile/alias-bomb"]), ("wrong-typed fields", ["hostile/wrong-types"]),
        ("500 parents + 500 datasets", ["hostile/many-parents"]), ("non-hex sha from Hub", ["hostile/odd-answers"]),
        ("parent cycle", ["lineage/cycle-a"]), ("self-parent", ["lineage/self-parent"]), ("41-deep chain", ["deep/long-00"]),
    ]
    for name, args in cases:
        rows.append((name, *run(args, endpoint=U)))
    hub.tokens = {"hf_granted": {"hiddenco/secret-model", "gatedco/summit-8b"}}
    rows.append(("private repo, granted token", *run(["hiddenco/secret-model"], {"HF_TOKEN": "hf_granted"}, U)))
    rows.append(("gated repo, granted token", *run(["gatedco/summit-8b"], {"HF_TOKEN": "hf_granted"}, U)))
    rows.append(("token the Hub refuses", *run(["openlab/atlas-7b"], {"HF_TOKEN": "hf_revoked"}, U)))
    hub.tokens = {}
    hub.fail_paths = {"/api/models/openlab": 503}
    rows.append(("Hub 503 on every try", *run(["openlab/atlas-7b"], endpoint=U)))
    hub.fail_paths = {}
    hub.fail_paths = {"/api/models/openlab": 429}; hub.retry_after_s = 600
    rows.append(("429, RateLimit t=600", *run(["openlab/atlas-7b"], endpoint=U)))
    hub.fail_paths = {}; hub.retry_after_s = 1
    hub.fail_next = {"/api/models/openlab": ["invalid_json"]*20}
    rows.append(("invalid JSON on every try", *run(["openlab/atlas-7b"], endpoint=U)))
    hub.fail_next = {"/api/models/openlab": ["truncated", "reset", "invalid_json", 502]}
    rows.append(("truncated, reset, invalid JSON, 502, then OK", *run(["openlab/atlas-7b"], endpoint=U)))
    hub.fail_next = {}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    rows.append(("connection refused", *run(["openlab/atlas-7b"], endpoint=f"http://127.0.0.1:{port}")))
print("| bad input | exit | stderr (first line) | report |")
print("|---|---|---|---|")
for name, code, err, verdict in rows:
    esc = lambda t: t.replace("|", "\\|")
    print(f"| {name} | {code} | `{esc(err)[:150]}` | {esc(verdict)[:170]} |")
