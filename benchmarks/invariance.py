"""Time the four-step measurement-invariance sequence against lavaan in the same run.

Sequence: configural, metric, scalar and strict models, each with its fit indices and the Δχ² test against
the step before — ours ``analysis.sem.invariance.refit`` + ``compare_step`` (each step started at the
estimates of the one before, one BLAS thread as ``loyalty run``), lavaan ``cfa(model, data, group = g,
group.equal = ...)`` + ``fitMeasures`` + ``lavTestLRT``, timed with ``system.time`` in Rscript. Data:
HolzingerSwineford1939 by school (tests/fixtures/invariance_hs.csv) and the demo study by platform
(tests/fixtures/demo_items.csv with the platform answers, platforms 1 and 2). The median of ``--repeat`` runs.

    python benchmarks/invariance.py [--repeat 5] [--no-r]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.sem.invariance import STEPS, compare_step, refit
from analysis.sem.multigroup import group_moments
from analysis.sem.specification import measurement_syntax, specify_model

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
R_SCRIPT = """suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\\n")
steps <- list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts", "residuals"))
sequence <- function() {
  fits <- lapply(steps, function(eq) cfa(model, data = data, group = "group", group.equal = eq))
  for (i in seq_along(fits)) fitMeasures(fits[[i]], c("chisq", "df", "cfi", "tli", "rmsea", "srmr"))
  for (i in 2:4) lavTestLRT(fits[[i]], fits[[i - 1]])
}
sequence()
times <- sapply(seq_len(as.integer(args[3])), function(i) system.time(sequence())[["elapsed"]])
cat(median(times), "\\n")
"""


def datasets() -> dict[str, tuple[pd.DataFrame, dict[str, list[str]]]]:
    """name -> (items with a ``group`` column, measurement model)."""
    hs = pd.read_csv(FIXTURES / "invariance_hs.csv").rename(columns={"school": "group"})
    hs_model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    items = pd.read_csv(FIXTURES / "demo_items.csv", dtype={"resp_id": str})
    platform = pd.read_csv(ROOT / "data/demo/responses.csv", dtype={"resp_id": str})[["resp_id", "platform"]]
    demo = items.merge(platform, on="resp_id").rename(columns={"platform": "group"}).drop(columns="resp_id")
    demo = demo[demo["group"].isin([1, 2])]
    return {"HolzingerSwineford1939 by school": (hs, hs_model),
            "demo by platform (1, 2)": (demo, json.loads((FIXTURES / "demo_mapping.json").read_text()))}


def our_seconds(data: pd.DataFrame, measurement: dict[str, list[str]], repeat: int) -> tuple[float, list]:
    spec = specify_model(measurement_syntax(measurement))
    labels = tuple(dict.fromkeys(data["group"]))

    def sequence():
        moments = group_moments(data, spec.observed, data["group"], labels)
        fits, steps = [], []
        for name, equal in STEPS:
            fits.append(refit(spec, moments, equal, near=fits[-1] if fits else None))
            steps.append(compare_step(name, fits[-1], fits[-2] if len(fits) > 1 else None))
        return steps

    steps = sequence()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        sequence()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), steps


def lavaan_seconds(data: pd.DataFrame, measurement: dict[str, list[str]], repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        csv, lav, script = Path(tmp, "data.csv"), Path(tmp, "model.lav"), Path(tmp, "inv.R")
        data.to_csv(csv, index=False)
        lav.write_text(measurement_syntax(measurement))
        script.write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(script), str(csv), str(lav), str(repeat)], capture_output=True,
                             text=True, check=True)
    return float(out.stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-r", action="store_true", help="time only our implementation")
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        for name, (data, measurement) in datasets().items():
            ours, steps = our_seconds(data, measurement, args.repeat)
            print(f"{name}: N = {len(data)}; " + ", ".join(f"{s.model} χ²({s.df}) = {s.chisq:.3f}" for s in steps))
            line = f"  ours {ours:.3f} s"
            if not args.no_r:
                theirs = lavaan_seconds(data, measurement, args.repeat)
                line += f", lavaan {theirs:.3f} s, ratio {ours / theirs:.2f}"
            print(line)


if __name__ == "__main__":
    main()
