"""Show that a change leaves the outputs byte-identical: run three studies with the working tree and
with a reference revision (default HEAD) and compare results.json (without meta.timings),
exclusions.csv, model.lav and report.md byte for byte.

The studies: the bundled demo; psych's bfi (tests/fixtures/psych_bfi.csv, benchmarks/golden/bfi.yaml);
a PoliticalDemocracy-shaped study (benchmarks/golden/pd_like.*). Each runs in both languages.

    python benchmarks/golden_outputs.py [--ref REV] [--keep DIR]

With --keep DIR the reference tree and its outputs stay in DIR and are reused by the next call with
the same DIR (pass the same --ref).
Prints one line per study and file and exits 1 if any differs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "benchmarks" / "golden"
STUDIES = {
    "demo": [],
    "bfi": ["--data", str(ROOT / "tests" / "fixtures" / "psych_bfi.csv"),
            "--instrument", str(GOLDEN / "bfi.yaml")],
    "pd_like": ["--data", str(GOLDEN / "pd_like.csv"), "--instrument", str(GOLDEN / "pd_like.yaml")],
}
COMMON = ["--bootstrap", "500", "--seed", "1", "--format", "md"]
COMPARED = ("results.json", "exclusions.csv", "model.lav", "report.md")


def run_study(tree: Path, workdir: Path, args: list[str], lang: str) -> Path:
    """Run one study with the code in ``tree``; outputs kept from an earlier run with --keep are reused."""
    if (workdir / "out" / "results.json").exists() and tree != ROOT:
        return workdir / "out"
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(tree))
    command = [sys.executable, "-c", "import sys; from reports.cli import main; sys.exit(main())",
               "run", *args, *COMMON, "--lang", lang, "--out", "out"]
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{tree}: {workdir.name} failed:\n{done.stderr}")
    return workdir / "out"


def comparable_bytes(path: Path) -> bytes:
    if path.name != "results.json":
        return path.read_bytes()
    results = json.loads(path.read_text(encoding="utf-8"))
    results["meta"].pop("timings", None)
    return json.dumps(results, ensure_ascii=False, sort_keys=True).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    options = parser.parse_args()
    scratch = Path(options.keep or tempfile.mkdtemp(prefix="golden-"))
    reference = scratch / "reference-tree"
    if not reference.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(reference), options.ref],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after_root = Path(tempfile.mkdtemp(prefix="golden-after-"))
    differing = 0
    try:
        for study, args in STUDIES.items():
            for lang in ("zh", "en"):
                before = run_study(reference, scratch / "before" / f"{study}-{lang}", args, lang)
                after = run_study(ROOT, after_root / f"{study}-{lang}", args, lang)
                for name in COMPARED:
                    same = comparable_bytes(before / name) == comparable_bytes(after / name)
                    differing += not same
                    print(f"{study:8s} {lang} {name:15s} {'identical' if same else 'DIFFERS'}")
    finally:
        shutil.rmtree(after_root, ignore_errors=True)
        if not options.keep:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(reference)], check=False)
    print(f"{differing} file(s) differ from {options.ref}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
