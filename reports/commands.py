"""What each `loyalty` subcommand does; :mod:`reports.cli` parses the arguments and maps errors to exit codes."""
from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from questionnaire.errors import InputError
from questionnaire.instrument import Instrument, bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.outputs import atomic_output_dir


def _instrument(path: Path | None) -> Instrument:
    return load_instrument(path or bundled_instrument_path())


def command_simulate(args: argparse.Namespace) -> int:
    """Write responses.csv and truth.yaml drawn from the population model."""
    from analysis.simulate import DEMO_SEED, simulate_study

    instrument = _instrument(args.instrument)
    population = None
    if args.population:
        try:
            population = yaml.safe_load(Path(args.population).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise InputError(f"{args.population}: cannot read the population model ({err})") from None
        if not isinstance(population, dict):
            raise InputError(f"{args.population}: the population model must be a mapping (see analysis/simulate.py)")
    study = simulate_study(instrument, n=args.n, seed=DEMO_SEED if args.seed is None else args.seed,
                           population=population, contaminate=not args.no_contamination)
    with atomic_output_dir(args.out) as staging:
        write_simulated_study(study, staging)
    print(f"wrote {len(study.responses)} rows ({args.n} usable, {len(study.truth['planted'])} planted) "
          f"to {Path(args.out).resolve() / 'responses.csv'} and truth.yaml")
    return 0


def write_simulated_study(study, folder: Path) -> None:
    """responses.csv (UTF-8) and truth.yaml of a simulated study."""
    study.responses.to_csv(folder / "responses.csv", index=False, encoding="utf-8")
    (folder / "truth.yaml").write_text(
        yaml.safe_dump(study.truth, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
