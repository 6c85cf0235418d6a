"""Time a FIML fit against lavaan's ``missing = "ml"`` in the same run; print the ratio.

Both cases of tests/fixtures/lavaan_fiml.R (psych's bfi with its real missing values, N = 2800: a three-factor
CFA with 44 missing-data patterns, a four-factor SEM with 33): ours is
``analysis.sem.models.estimate_with(spec, data, "ML", "fiml")`` (EM estimate of the unrestricted model, the
FIML fit, observed-information SEs, the fit table with the FIML baseline), lavaan's
``fitMeasures(sem(model, data, missing = "ml"))`` (its defaults), each repeated ``--repeat`` times.

    python benchmarks/fiml.py [--repeat 10] [--no-r]
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

from analysis.sem.models import estimate_with
from analysis.sem.specification import specify_model

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CASES = json.loads((FIXTURES / "lavaan_fiml.json").read_text())["cases"]
R_SCRIPT = """suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1]); model <- args[2]; repeats <- as.integer(args[3])
elapsed <- system.time(for (i in seq_len(repeats)) fitMeasures(sem(model, data = data, missing = "ml")))[["elapsed"]]
cat(elapsed / repeats, "\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--no-r", action="store_true", help="time ours only")
    options = parser.parse_args()
    data = pd.read_csv(FIXTURES / "missing_bfi.csv")
    for case in CASES:
        spec = specify_model(case["model"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            started = time.perf_counter()
            for _ in range(options.repeat):
                _, indices = estimate_with(spec, data, "ML", "fiml")
            ours = (time.perf_counter() - started) / options.repeat
        print(f"FIML {case['name']} (N = {indices.ntotal}, {case['n_patterns']} patterns): ours {ours:.3f} s "
              f"(mean of {options.repeat}), chi2 = {indices.chisq:.4f}")
        if options.no_r:
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".R") as script:
            script.write(R_SCRIPT)
            script.flush()
            done = subprocess.run(["Rscript", script.name, str(FIXTURES / "missing_bfi.csv"), case["model"],
                                   str(options.repeat)], capture_output=True, text=True, check=True)
        lavaan = float(done.stdout.split()[0])
        print(f"  lavaan {lavaan:.3f} s; ratio ours/lavaan {ours / lavaan:.2f}")


if __name__ == "__main__":
    main()
