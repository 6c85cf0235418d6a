"""Time B bootstrap resamples of the demo-sized SEM against lavaan's ``se = "bootstrap"`` in the same run.

Model: 7 constructs, 26 five-point items, n = 500 (PQ, SQ, PR, BI, EX -> CS; all six -> LY), simulated
here with a fixed seed (``--data FILE`` uses a CSV with the same item names instead).
Ours: ``analysis.sem.bootstrap.bootstrap_draws`` (every parameter refitted per resample, as lavaan does).
lavaan: ``sem(model, data, se = "bootstrap", bootstrap = B)`` timed with ``system.time`` in Rscript.

    python benchmarks/bootstrap.py [--B 2000] [--workers 2] [--data FILE] [--no-r]
    python benchmarks/bootstrap.py --export tests/fixtures/lavaan_sim7.csv
        writes the simulated data and the model (same name, .lav) and stops; then
        Rscript tests/fixtures/lavaan_sem.R --data tests/fixtures/lavaan_sim7.csv \
            --model tests/fixtures/lavaan_sim7.lav --out tests/fixtures/lavaan_sim7.json
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sem.bootstrap import bootstrap_draws
from analysis.sem.models import fit_model
from analysis.sem.specification import measurement_syntax

MEASUREMENT = {"PQ": ["PQ1", "PQ2", "PQ3", "PQ4"], "SQ": ["SQ1", "SQ2", "SQ3", "SQ4"], "PR": ["PR1", "PR2", "PR3"],
               "BI": ["BI1", "BI2", "BI3", "BI4"], "EX": ["EX1", "EX2", "EX3", "EX4"], "CS": ["CS1", "CS2", "CS3"],
               "LY": ["LY1", "LY2", "LY3", "LY4"]}
STRUCTURAL = "CS ~ PQ + SQ + PR + BI + EX\nLY ~ PQ + SQ + PR + BI + EX + CS"
R_SCRIPT = """suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); model <- paste(readLines(args[2]), collapse = "\\n")
set.seed(1)
t <- system.time(fit <- sem(model, data = data, se = "bootstrap", bootstrap = as.integer(args[3])))
cat(t[["elapsed"]], nrow(lavInspect(fit, "boot")), "\\n")
"""


def simulate(n: int = 500, seed: int = 20261127) -> pd.DataFrame:
    """Five correlated drivers -> CS -> LY (standardized paths), items cut into 1..5."""
    rng = np.random.default_rng(seed)
    drivers = ["PQ", "SQ", "PR", "BI", "EX"]
    phi = np.full((5, 5), 0.35) + 0.65 * np.eye(5)
    xi = rng.multivariate_normal(np.zeros(5), phi, size=n)
    b_cs = np.array([0.28, 0.22, 0.15, 0.10, 0.20])
    var_cs = b_cs @ phi @ b_cs
    cs = xi @ b_cs + rng.normal(0, np.sqrt(1 - var_cs), n)
    b_ly = np.array([0.06, 0.10, 0.0, 0.22, 0.05])
    pred = np.column_stack([xi, cs])
    cov_pred = np.cov(pred, rowvar=False)
    b_all = np.append(b_ly, 0.42)
    ly = pred @ b_all + rng.normal(0, np.sqrt(max(1 - b_all @ cov_pred @ b_all, 0.2)), n)
    latent = dict(zip(drivers, xi.T)) | {"CS": cs, "LY": ly}
    cuts = np.array([-1.8, -0.9, 0.0, 1.0])
    cols = {}
    for construct, items in MEASUREMENT.items():
        for k, item in enumerate(items):
            lam = 0.82 - 0.05 * k
            x = lam * latent[construct] + np.sqrt(1 - lam ** 2) * rng.normal(size=n)
            cols[item] = 1 + np.searchsorted(cuts, x)
    return pd.DataFrame(cols)


def lavaan_seconds(data: pd.DataFrame, syntax: str, B: int) -> tuple[float, int, float]:
    """(seconds inside ``sem(..., se = "bootstrap")``, resamples kept, wall seconds of the Rscript run)."""
    with tempfile.TemporaryDirectory() as tmp:
        csv, lav, script = Path(tmp, "data.csv"), Path(tmp, "model.lav"), Path(tmp, "boot.R")
        data.to_csv(csv, index=False)
        lav.write_text(syntax)
        script.write_text(R_SCRIPT)
        t0 = time.perf_counter()
        out = subprocess.run(["Rscript", str(script), str(csv), str(lav), str(B)], capture_output=True, text=True,
                             check=True)
        wall = time.perf_counter() - t0
    seconds, kept = out.stdout.split()
    return float(seconds), int(kept), wall


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--B", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--data", help="CSV with the 26 item columns (default: simulated)")
    ap.add_argument("--no-r", action="store_true", help="skip the lavaan run")
    ap.add_argument("--export", metavar="CSV", help="write the simulated data and model (.lav) and stop")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    data = pd.read_csv(args.data) if args.data else simulate(args.n)
    syntax = measurement_syntax(MEASUREMENT) + "\n" + STRUCTURAL
    if args.export:
        data.to_csv(args.export, index=False)
        Path(args.export).with_suffix(".lav").write_text(syntax + "\n")
        return
    fit = fit_model(data, syntax)
    print(f"model: 7 constructs, 26 items, n = {fit.n}, {fit.npar} free parameters, chisq = {fit.chisq:.2f}")
    timings = {}
    for workers in sorted({1, args.workers}):
        t0 = time.perf_counter()
        draws = bootstrap_draws(fit, data, B=args.B, seed=1, workers=workers)
        timings[workers] = time.perf_counter() - t0
        print(f"ours   : {timings[workers]:7.2f} s for B = {args.B} with {workers} worker(s) "
              f"({1000 * timings[workers] / args.B:.2f} ms/resample; {draws.succeeded} converged, "
              f"{draws.inadmissible} inadmissible)")
    if args.no_r:
        return
    seconds, kept, wall = lavaan_seconds(data, syntax, args.B)
    print(f"lavaan : {seconds:7.2f} s for B = {args.B} ({1000 * seconds / args.B:.2f} ms/resample, {kept} kept; "
          f"Rscript wall {wall:.1f} s)")
    for workers, t in timings.items():
        print(f"ratio ours/lavaan with {workers} worker(s): {t / seconds:.3f}  (required <= 0.5, aim 0.1)")


if __name__ == "__main__":
    sys.exit(main())
