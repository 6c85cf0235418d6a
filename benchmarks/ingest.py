"""Ingestion benchmark: read, validate and clean 1 000 000 respondents × 40 Likert items from CSV.

    python benchmarks/ingest.py [--rows 1000000] [--keep FILE]

The CSV (respondent id, completion time, 40 items on 1–5 in 8 constructs of 5, 1 % straight-liners,
1 % speeders) is written by a child process, so that the figures printed — wall time of each stage and
the peak resident memory of the measuring process (``ru_maxrss``) — cover reading, validation and
cleaning only. Target (issue 3): under 30 s and under 2 GB.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

N_CONSTRUCTS, N_PER_CONSTRUCT = 8, 5


def benchmark_instrument():
    """An instrument with 8 constructs × 5 items on a 1–5 scale, id column ``resp_id``, time ``duration_s``."""
    from questionnaire.loader import parse_instrument

    labels = {"zh": ["非常不同意", "不同意", "一般", "同意", "非常同意"],
              "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]}
    constructs = [{"id": f"C{c}", "name": {"zh": f"构念{c}", "en": f"Construct {c}"},
                   "items": [{"id": f"C{c}_{i}", "text": {"zh": f"题目{c}-{i}", "en": f"Item {c}-{i}"}}
                             for i in range(1, N_PER_CONSTRUCT + 1)]}
                  for c in range(1, N_CONSTRUCTS + 1)]
    return parse_instrument({"id": "bench", "title": {"zh": "基准", "en": "Benchmark"},
                             "scale": {"min": 1, "max": 5, "labels": labels}, "id_column": "resp_id",
                             "duration_column": "duration_s", "constructs": constructs}, "<benchmark>")


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as an (n, width) array of ASCII codes."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers % 10 + ord("0")).astype(np.uint8)


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Write the benchmark CSV with fixed-width fields, built as one byte matrix (no per-row Python)."""
    rng = np.random.default_rng(seed)
    items = N_CONSTRUCTS * N_PER_CONSTRUCT
    trait = rng.normal(size=(rows, N_CONSTRUCTS)).repeat(N_PER_CONSTRUCT, axis=1)
    codes = np.clip(np.round(3 + 0.9 * trait + rng.normal(scale=0.8, size=(rows, items))), 1, 5).astype(np.int64)
    durations = np.clip(rng.lognormal(np.log(320), 0.35, rows), 150, 999).astype(np.int64)
    careless = rng.choice(rows, size=2 * (rows // 100), replace=False)
    straight, speeders = careless[: rows // 100], careless[rows // 100:]
    codes[straight] = rng.integers(1, 6, size=(len(straight), 1))
    durations[speeders] = rng.integers(30, 90, size=len(speeders))
    comma, newline = np.full((rows, 1), ord(","), np.uint8), np.full((rows, 1), ord("\n"), np.uint8)
    parts = [np.full((rows, 1), ord("R"), np.uint8), _digits(np.arange(1, rows + 1), 7), comma,
             _digits(durations, 3)]
    for j in range(items):
        parts += [comma, (codes[:, j:j + 1] + ord("0")).astype(np.uint8)]
    parts.append(newline)
    header = ",".join(["resp_id", "duration_s", *[f"C{c}_{i}" for c in range(1, N_CONSTRUCTS + 1)
                                                  for i in range(1, N_PER_CONSTRUCT + 1)]]) + "\n"
    with path.open("wb") as handle:
        handle.write(header.encode())
        np.hstack(parts).tofile(handle)


def measure(path: Path) -> None:
    from analysis.ingest.cleaning import clean_responses
    from analysis.ingest.readers import read_survey

    instrument = benchmark_instrument()
    start = time.perf_counter()
    survey = read_survey(path, instrument)
    read_done = time.perf_counter()
    result = clean_responses(survey, instrument)
    clean_done = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {path} ({path.stat().st_size / 2**20:.0f} MiB), {survey.n_respondents:,} respondents × "
          f"{len(instrument.item_ids)} items")
    print(f"read + validate: {read_done - start:6.2f} s")
    print(f"clean:           {clean_done - read_done:6.2f} s  ({result.n_excluded:,} excluded: {result.counts})")
    print(f"total:           {clean_done - start:6.2f} s   (target < 30 s)")
    print(f"peak memory:     {peak_mib:6.0f} MiB (resident, whole process; target < 2048 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the CSV here and keep it (default: a temporary file)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        write_csv(args.generate, args.rows)
        return
    if args.measure:
        measure(args.measure)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.csv"
        if not path.exists():
            subprocess.run([sys.executable, __file__, "--generate", str(path), "--rows", str(args.rows)], check=True)
        subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True)


if __name__ == "__main__":
    main()
