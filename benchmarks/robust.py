"""Time a robust (MLR) fit and the Bollen–Stine bootstrap against lavaan in the same run; print the ratios.

MLR: the demo SEM (tests/fixtures/demo_items.csv, demo_model.lav: 7 constructs, 26 items, n = 488),
``analysis.sem.models.estimate_with(spec, data, "MLR")`` (ML fit, sandwich SEs, Yuan–Bentler χ², the fit
table with the robust indices) against ``sem(model, data, estimator = "MLR"); fitMeasures(fit)``, each
repeated ``--repeat`` times. Bollen–Stine: PoliticalDemocracy (tests/fixtures/lavaan_pd.csv), B resamples,
``analysis.sem.bootstrap.bollen_stine`` against ``bootstrapLavaan(fit, R = B, type = "bollen.stine",
FUN = fitMeasures, fit.measures = "chisq")``.

    python benchmarks/robust.py [--repeat 20] [--B 1000] [--no-r]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis.sem.bootstrap import bollen_stine
from analysis.sem.estimation import estimate
from analysis.sem.models import estimate_with
from analysis.sem.specification import specify_model

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
#: the PoliticalDemocracy SEM of lavaan's tutorial, as tests/fixtures/lavaan_robust.R fits it
PD_MODEL = next(c["model"] for c in json.loads((FIXTURES / "lavaan_robust.json").read_text())["cases"]
                if c["name"] == "pd_mlr")
R_SCRIPT = """suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
demo <- read.csv(args[1])[, -1]; model <- paste(readLines(args[2]), collapse = "\\n"); repeats <- as.integer(args[3])
pd <- read.csv(args[4]); pd_model <- args[5]; B <- as.integer(args[6])
mlr <- system.time(for (i in seq_len(repeats)) fitMeasures(sem(model, data = demo, estimator = "MLR")))[["elapsed"]]
set.seed(1)
fit <- sem(pd_model, data = pd)
bs <- system.time(boot <- bootstrapLavaan(fit, R = B, type = "bollen.stine", FUN = fitMeasures,
                                          fit.measures = "chisq"))[["elapsed"]]
cat(mlr / repeats, bs, mean(boot[, 1] > fitMeasures(fit, "chisq"), na.rm = TRUE), "\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--B", type=int, default=1000)
    parser.add_argument("--no-r", action="store_true", help="time ours only")
    options = parser.parse_args()
    demo = pd.read_csv(FIXTURES / "demo_items.csv")
    spec = specify_model((FIXTURES / "demo_model.lav").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        for _ in range(options.repeat):
            estimate_with(spec, demo, "MLR")
        ours_mlr = (time.perf_counter() - started) / options.repeat
        pd_data = pd.read_csv(FIXTURES / "lavaan_pd.csv")
        fit = estimate(specify_model(PD_MODEL), pd_data)
        started = time.perf_counter()
        exact = bollen_stine(fit, pd_data, B=options.B, seed=1)
        ours_bs = time.perf_counter() - started
    print(f"MLR fit of the demo SEM: ours {ours_mlr:.3f} s (mean of {options.repeat})")
    print(f"Bollen-Stine, PoliticalDemocracy, B = {options.B}: ours {ours_bs:.2f} s, p = {exact.pvalue:.3f}")
    if options.no_r:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".R") as script:
        script.write(R_SCRIPT)
        script.flush()
        arguments = [FIXTURES / "demo_items.csv", FIXTURES / "demo_model.lav", options.repeat,
                     FIXTURES / "lavaan_pd.csv", PD_MODEL, options.B]
        done = subprocess.run(["Rscript", script.name, *map(str, arguments)], capture_output=True, text=True,
                              check=True)
    lavaan_mlr, lavaan_bs, lavaan_p = (float(v) for v in done.stdout.split())
    print(f"lavaan: MLR fit {lavaan_mlr:.3f} s, Bollen-Stine {lavaan_bs:.2f} s (p = {lavaan_p:.3f})")
    print(f"ratio ours/lavaan: MLR fit {ours_mlr / lavaan_mlr:.2f}, Bollen-Stine {ours_bs / lavaan_bs:.2f}")


if __name__ == "__main__":
    main()
