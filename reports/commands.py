"""What each `loyalty` subcommand does; :mod:`reports.cli` parses the arguments and maps errors to exit codes."""
from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

import yaml

from questionnaire.errors import InputError
from questionnaire.instrument import Instrument, bundled_instrument_path
from questionnaire.loader import load_instrument
from reports.outputs import atomic_output_dir, check_output_dir

DEFAULT_OUT = "loyalty-output"


def usable_cores() -> int:
    """The cores this process may run on (the default number of worker processes)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # macOS, Windows
        return os.cpu_count() or 1


def _instrument(path: Path | None) -> Instrument:
    return load_instrument(path or bundled_instrument_path())


def _print_instrument_warnings(instrument: Instrument) -> None:
    """What the instrument leaves out (items without wording), one line each, before the command's own output."""
    for message in instrument.warnings():
        print(f"{instrument.source_path}: warning: {message}")


def command_simulate(args: argparse.Namespace) -> int:
    """Write responses.csv and truth.yaml drawn from the population model."""
    from analysis.simulate import DEMO_SEED, simulate_study

    instrument = _instrument(args.instrument)
    check_output_dir(args.out)
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


def command_run(args: argparse.Namespace) -> int:
    """Analyse the data, then write results.json, exclusions.csv, model.lav and the report, atomically."""
    from reports.progress import progress_reporter

    instrument = _instrument(args.instrument)
    _print_instrument_warnings(instrument)
    thesis = _thesis(args.thesis, args.case_notes)
    out = check_output_dir(args.out or DEFAULT_OUT)
    workers = usable_cores() if args.workers is None else max(1, args.workers)
    options = run_options(vars(args), data=args.data, sheet=args.sheet, workers=workers)
    with _figure_workers(workers, args.formats) as figure_workers, progress_reporter() as progress:
        results, written = run_into_folder(instrument, options, out, args.lang, args.formats, args.baseline, progress,
                                           figure_workers, thesis)
    _print_summary(results, out, written)
    return 0


#: the options of `loyalty run` that go into RunOptions as they are (also the web app's form fields)
RUN_OPTION_NAMES = ("bootstrap", "bca", "seed", "min_duration", "max_missing", "no_clean", "estimator", "missing",
                    "groups", "correlation", "sqrt_ave", "nonparametric", "levene_center")


def run_options(values, **fixed):
    """RunOptions from `loyalty run`'s option values (its parsed arguments, or the web app's checked form);
    ``fixed`` gives the data file and how the run is done (workers, sheet, the name to record)."""
    from analysis.pipeline import RunOptions

    min_group = values.get("min_group")
    return RunOptions(**{name: values[name] for name in RUN_OPTION_NAMES},
                      min_group=RunOptions.min_group if min_group is None else min_group, **fixed)


def _figure_workers(workers: int, formats) -> contextlib.AbstractContextManager:
    """The figure workers of a run, started first so that importing matplotlib overlaps the analysis
    (:mod:`reports.figure_pool`); a plain 1 when the run draws in one process or draws no figure."""
    from reports.figure_pool import FIGURE_FORMATS, FigureWorkers

    if workers <= 1 or not set(formats) & set(FIGURE_FORMATS):
        return contextlib.nullcontext(1)
    return FigureWorkers(workers)


def run_into_folder(instrument: Instrument, options, out: Path, lang: str, formats, baseline: Path | None = None,
                    progress=None, figure_workers=1, thesis=None) -> tuple[dict, list[str]]:
    """Run the study and write its outputs into ``out`` atomically (what `loyalty run` and the web app's jobs
    do); returns the results and the names written."""
    from analysis.describe.waves import compare_waves
    from analysis.ingest.cleaning import write_exclusions_csv
    from analysis.pipeline import run_study
    from analysis.results import read_results_json, to_plain, write_results_json

    previous = read_results_json(baseline) if baseline else None
    study = run_study(instrument, options, progress)
    results = to_plain(study)
    if previous is not None:
        comparison = compare_waves(previous, results)
        results["baseline"] = to_plain(comparison)
        results["warnings"] += to_plain(comparison.diagnostics)
    with atomic_output_dir(out) as staging:
        write_results_json(results, staging / "results.json")
        write_exclusions_csv(study.sections["cleaning"], staging / "exclusions.csv")
        model = (results.get("sem") or results.get("cfa") or {}).get("model")
        if model:
            (staging / "model.lav").write_text(model, encoding="utf-8")
            write_model_data(study.model_data, instrument, staging / "model_data.csv")
        written = _render(results, instrument, staging, lang, formats, workers=figure_workers, thesis=thesis)
    return results, ["results.json", "exclusions.csv", *(["model.lav", "model_data.csv"] if model else []), *written]


def write_model_data(items, instrument: Instrument, path: Path) -> None:
    """The rows the CFA/SEM analysed (respondent id + recoded items), the ``data`` that model.lav's header
    tells R users to read."""
    from analysis.ingest.validation import neutralise_formulas

    frame = items.rename_axis(instrument.id_column or "respondent").reset_index()
    neutralise_formulas(frame).to_csv(path, index=False, encoding="utf-8", float_format="%g")


def command_validate(args: argparse.Namespace) -> int:
    """Read and check the data; on problems write validation.csv (all of them) and exit 2."""
    from analysis.ingest.readers import read_survey
    from analysis.ingest.validation import ValidationError, absent_columns_table, write_validation_csv

    instrument = _instrument(args.instrument)
    _print_instrument_warnings(instrument)
    out = check_output_dir(args.out or ".")
    try:
        survey = read_survey(args.data, instrument, sheet=args.sheet)
    except ValidationError as err:
        target = out / "validation.csv"
        out.mkdir(parents=True, exist_ok=True)
        write_validation_csv(err, target)
        raise InputError(f"{err}\n(all {len(err.table)} problem(s) written to {target.resolve()})") from None
    if survey.absent_columns:
        out.mkdir(parents=True, exist_ok=True)
        write_validation_csv(absent_columns_table(str(args.data), survey.absent_columns), out / "validation.csv")
    print(f"{args.data}: {valid_survey_summary(survey)}")
    return 0


def valid_survey_summary(survey) -> str:
    """What `loyalty validate` says about a valid file (after its name)."""
    absent = survey.absent_columns
    return (f"{survey.n_respondents} respondents, every answer valid ({len(survey.column_map)} columns matched; "
            f"extra columns kept aside: {len(survey.extra_columns)}; "
            f"personal-data columns dropped: {len(survey.dropped_personal_columns)}; optional columns not found, "
            f"not analysed: {', '.join(absent) if absent else 'none'})")


def command_report(args: argparse.Namespace) -> int:
    """Re-render the report (or one chapter) from a saved results.json, without refitting anything."""
    out = check_output_dir(args.out or Path(args.results).parent)
    written = render_into_folder(args.results, out, args.lang, args.formats, args.chapter, args.templates,
                                 usable_cores(), _thesis(args.thesis, args.case_notes))
    print(f"report written to {out}: {', '.join(written)}")
    return 0


def render_into_folder(results_path: Path, out: Path, lang: str, formats, chapter: int | None = None,
                       templates: Path | None = None, workers=1, thesis=None) -> list[str]:
    """Re-render the report from a saved results.json into ``out`` atomically (no refitting); the names written."""
    from analysis.results import read_results_json
    from questionnaire.loader import parse_instrument

    results = read_results_json(results_path)
    instrument = parse_instrument(results.get("instrument"), f"{results_path} (instrument section)")
    with atomic_output_dir(out) as staging:
        return _render(results, instrument, staging, lang, formats, chapter, templates, workers, thesis)


def command_questionnaire(args: argparse.Namespace) -> int:
    """``render``: the questionnaire as respondents see it; ``template``: the data-entry workbook."""
    from questionnaire.entry_template import write_entry_template
    from reports.questionnaire_render import render_questionnaire

    instrument = _instrument(args.instrument)
    _print_instrument_warnings(instrument)
    if args.qcommand == "render":
        target = Path(args.out or f"questionnaire_{args.lang}.{args.fmt}")
        render_questionnaire(instrument, args.lang, args.fmt, target)
    else:
        target = Path(args.output)
        if target.suffix.lower() != ".xlsx":
            raise InputError(f"{target}: the data-entry template must be an .xlsx file")
        write_entry_template(instrument, target)
    print(f"wrote {target.resolve()}")
    return 0


def command_serve(args: argparse.Namespace) -> int:
    """Start the local web app (reports/web) and open it in the browser."""
    import secrets
    import threading
    import webbrowser

    import uvicorn

    from reports.web.app import create_app
    from reports.web.settings import LOCAL_HOSTS, ServeSettings

    token = args.token or (None if args.host in LOCAL_HOSTS else secrets.token_urlsafe(16))
    data_dir = check_output_dir(args.data_dir)
    settings = ServeSettings(data_dir=data_dir, token=token, workers=args.workers)
    listening = _listening_socket(args.host, args.port)
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown_host}:{listening.getsockname()[1]}/" + (f"?token={token}" if token else "")
    print(f"loyalty serve: open {url}  (runs stored in {data_dir}; Ctrl-C stops)", flush=True)
    if not args.no_browser:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    app = create_app(settings)
    app.state.web.pool.warm()
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])
    except KeyboardInterrupt:  # Ctrl-C, the way to stop it: uvicorn has shut down, then passes the signal on
        pass
    print("loyalty serve: stopped", flush=True)
    return 0


def _listening_socket(host: str, port: int):
    """A socket listening on ``host:port`` (port 0: any free one), or :class:`InputError` saying why not
    (the port is taken, the address is not this computer's), before anything starts."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as err:
        reason = os.strerror(err.errno) if err.errno else str(err)
        raise InputError(f"--host {host} --port {port}: cannot listen there ({reason}); "
                         f"choose another --port") from None


def _thesis(path: Path | None, case_notes: Path | None = None):
    """The cover facts of ``--thesis FILE`` and the notes of ``--case-notes FILE`` (read before any work, so a bad
    file fails fast)."""
    from reports.thesis import read_thesis_info, with_case_notes

    return with_case_notes(read_thesis_info(path) if path else None, case_notes)


def _render(results: dict, instrument: Instrument, folder: Path, lang: str, formats, chapter=None,
            templates=None, workers=1, thesis=None) -> list[str]:
    from reports.report import render_report

    written = render_report(results, instrument, folder, lang=lang, formats=tuple(formats), chapter=chapter,
                            templates_dir=templates, workers=workers, thesis=thesis)
    return [str(Path(path).relative_to(folder)) for path in written.values()]


def _print_summary(results: dict, out: Path, written: list[str]) -> None:
    meta = results["meta"]
    lines = [f"{meta['n_raw']} respondents read, {meta['n_excluded']} excluded, {meta['n_analyzed']} analysed",
             f"{len(results.get('warnings', []))} warning(s) recorded in results.json and the report"]
    lines.append(f"outputs in {out}:")
    lines += [f"  {name}" for name in written]
    print("\n".join(lines))
