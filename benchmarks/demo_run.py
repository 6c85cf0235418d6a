"""Time the demo run (`loyalty run`, default options) warm, stage by stage, against the 8-second target.

Each run is a fresh ``python`` process in an empty folder, as a user types the README's quick start
(``loyalty run``); one untimed run first warms the disk cache and the CJK font cache. Printed per stage
(median over the runs): imports (``reports.cli`` and the report modules), the analysis stages of
``results.json`` ``meta.timings`` (``sem`` includes the bootstrap), the report text (context and templates),
the report files (figures, DOCX, HTML, Markdown, XLSX), and the rest (interpreter start, results.json,
the atomic move); then wall and CPU seconds (the CPU of worker processes included) with the minimum.

    python benchmarks/demo_run.py [--runs 5] [--ref REV] [--target 8] [--workers N]

With ``--ref REV`` the same runs are made, interleaved, with a checkout of REV (``git worktree add``, removed
afterwards), and the ratio of the medians is printed. The machine's load changes the figures: compare
only numbers from the same call.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANALYSIS_STAGES = ("read", "clean", "missing", "descriptives", "psychometrics", "cfa", "sem")
DRIVER = """
import json, sys, time
started = time.perf_counter()
from reports.cli import main
import reports.report as report
seconds = {"imports": time.perf_counter() - started}

def timed(name, function):
    def run(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - begun
    return run

report.build_report_document = timed("report text", report.build_report_document)
report.render_report = timed("report", report.render_report)
code = main(sys.argv[2:])
seconds["report files"] = seconds.pop("report") - seconds["report text"]
with open(sys.argv[1], "w") as out:
    json.dump(seconds, out)
sys.exit(code)
"""


def timed_run(tree: Path, extra: list[str]) -> dict[str, float]:
    """One demo run with the code in ``tree``: stage seconds, plus ``wall`` and ``cpu`` of the whole process."""
    with tempfile.TemporaryDirectory(prefix="demo-run-") as folder:
        stages_file = Path(folder) / "stages.json"
        env = dict(os.environ, PYTHONPATH=str(tree))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", DRIVER, str(stages_file), "run", *extra], cwd=folder, env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode:
            raise SystemExit(f"{tree}: the demo run failed:\n{done.stderr}")
        seconds = json.loads(stages_file.read_text())
        timings = json.loads((Path(folder) / "loyalty-output" / "results.json").read_text())["meta"]["timings"]
    seconds.update({stage: timings.get(stage, 0.0) for stage in ANALYSIS_STAGES})
    seconds["rest"] = wall - sum(seconds.values())
    seconds["wall"] = wall
    seconds["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ref", help="also time this git revision (e.g. main)")
    parser.add_argument("--target", type=float, default=8.0, help="seconds (default 8, issue 14)")
    parser.add_argument("--workers", help="pass --workers N to both trees (default: their own default)")
    options = parser.parse_args()
    extra = ["--workers", options.workers] if options.workers else []
    trees = {"this tree": ROOT}
    scratch = Path(tempfile.mkdtemp(prefix="demo-run-ref-"))
    if options.ref:
        trees[options.ref] = scratch / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(trees[options.ref]), options.ref],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for tree in trees.values():
            timed_run(tree, extra)                       # warm-up
        runs: dict[str, list[dict]] = {name: [] for name in trees}
        for _ in range(options.runs):
            for name, tree in trees.items():
                runs[name].append(timed_run(tree, extra))
    finally:
        if options.ref:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(trees[options.ref])],
                           check=False)
    names = list(trees)
    medians = {name: {key: statistics.median(r[key] for r in runs[name]) for key in runs[name][0]} for name in names}
    print(f"demo run, {options.runs} warm runs each, median seconds  (load average {os.getloadavg()[0]:.2f})")
    print(f"{'stage':16s}" + "".join(f"{name:>14s}" for name in names))
    for key in medians[names[0]]:
        print(f"{key:16s}" + "".join(f"{medians[name].get(key, 0.0):14.2f}" for name in names))
    print(f"{'wall (min)':16s}" + "".join(f"{min(r['wall'] for r in runs[name]):14.2f}" for name in names))
    wall = medians[names[0]]["wall"]
    verdict = "meets" if wall <= options.target else "misses"
    print(f"this tree: {wall:.2f} s = {wall / options.target:.2f} × the {options.target:g} s target ({verdict} it)")
    if options.ref:
        print(f"this tree / {options.ref}: {wall / medians[options.ref]['wall']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
