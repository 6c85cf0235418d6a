"""The `loyalty` command line (Contract 2). Exit codes: 0 success, 2 bad input or usage, 1 internal error."""
from __future__ import annotations

import argparse
import atexit
import gc
import sys
import warnings
from pathlib import Path

from questionnaire.errors import InputError
from questionnaire.instrument import ESTIMATOR_CHOICES, MISSING_CHOICES

FORMATS = ("docx", "html", "md", "xlsx")
CORRELATION_METHODS = ("pearson", "spearman")
LEVENE_CENTERS = ("mean", "median")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line on stderr with exit code 2."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.exit(2, f"loyalty: error: {message} (see '{self.prog} --help')\n")


def report_formats(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or value!r}; allowed: {','.join(FORMATS)}")
    return chosen


def _number(convert, what: str, low: float, high: float | None = None, unit: str = ""):
    """An argparse type: ``convert(value)`` within [low, high], else a one-line usage error."""
    def parse(value: str):
        try:
            number = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not {what}") from None
        if high is not None and not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{value!r} must be between {low} and {high}")
        if number < low:
            raise argparse.ArgumentTypeError(f"{value!r} must be {low} or more{unit}")
        return number
    return parse


# the checks of the numeric options (the web app checks its form fields with the same ones)
whole_number = _number(int, "a whole number", 0)
seconds = _number(float, "a number of seconds", 0, unit=" seconds")
fraction = _number(float, "a number", 0, 1)
group_size = _number(int, "a whole number", 2)
port_number = _number(int, "a port number", 0, 65535)
worker_count = _number(int, "a whole number", 1)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="loyalty", description=(
        "From a raw survey export to a thesis-grade analysis of e-commerce customer loyalty: cleaning, "
        "reliability, EFA, CFA, SEM with bootstrap mediation, and a report in Chinese or English."))
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an internal error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser("run", help="analyse a survey and write the report (no arguments: the bundled demo)",
                              description="Read, validate and clean the data, run every analysis, write "
                                          "results.json and the report into --out.")
    run.add_argument("--data", type=Path, help="survey export: CSV, XLSX, SPSS .sav or Stata .dta (default: demo data)")
    run.add_argument("--instrument", type=Path, help="instrument YAML (default: the bundled e-commerce instrument)")
    run.add_argument("--sheet", help="worksheet to read from an XLSX file (default: the first)")
    run.add_argument("--out", type=Path, help="output folder (default: ./loyalty-output)")
    run.add_argument("--bootstrap", type=whole_number, default=2000, metavar="B",
                     help="bootstrap resamples for indirect effects (default 2000; 0 = none)")
    run.add_argument("--bca", action="store_true",
                     help="also give bias-corrected and accelerated (BCa) intervals (one refit per respondent)")
    run.add_argument("--seed", type=whole_number, default=1, metavar="S", help="random seed (default 1)")
    run.add_argument("--workers", type=whole_number, metavar="N",
                     help="processes for the bootstrap and the figures (default: one per usable core; "
                          "results do not depend on it)")
    run.add_argument("--min-duration", type=seconds, metavar="SECONDS",
                     help="speeder cut-off (default: one third of the median completion time)")
    run.add_argument("--max-missing", type=fraction, metavar="FRACTION",
                     help="exclude respondents missing more than this share of items (default 0.2)")
    run.add_argument("--no-clean", action="store_true", help="apply no exclusion rule (missing data still handled)")
    run.add_argument("--estimator", choices=ESTIMATOR_CHOICES,
                     help="CFA/SEM estimator: ML, MLR (robust SEs, Yuan–Bentler χ²), MLM (Satorra–Bentler) or auto "
                          "(MLR when Mardia's test rejects normality); default: the instrument's, else ML")
    run.add_argument("--missing", choices=MISSING_CHOICES,
                     help="missing item answers in the CFA/SEM: listwise (complete respondents only) or fiml "
                          "(full-information ML over every kept respondent); default: the instrument's, else listwise")
    run.add_argument("--groups", metavar="QUESTION",
                     help="single-choice question whose answers form the groups of the measurement-invariance and "
                          "multi-group SEM analysis, e.g. platform (default: the instrument's 'groups', else none)")
    run.add_argument("--correlation", choices=CORRELATION_METHODS, default="pearson",
                     help="correlation of the construct scores in chapter 3 (default pearson)")
    run.add_argument("--sqrt-ave", action="store_true",
                     help="print √AVE on the diagonal of the correlation table (the discriminant-validity table)")
    run.add_argument("--min-group", type=group_size, metavar="N",
                     help="group differences and categorical moderators leave out groups under N respondents (default 10)")
    run.add_argument("--nonparametric", action="store_true",
                     help="group differences by Mann–Whitney U / Kruskal–Wallis instead of t / ANOVA")
    run.add_argument("--levene-center", choices=LEVENE_CENTERS, default="mean",
                     help="Levene's test of the group differences centred on the group means (default, as SPSS) "
                          "or medians (Brown–Forsythe); it chooses Student's or Welch's t / ANOVA")
    run.add_argument("--baseline", type=Path, metavar="RESULTS_JSON",
                     help="results.json of a previous wave, for the before/after comparison")
    _add_report_options(run)

    validate = commands.add_parser("validate", help="check a data file against an instrument; write nothing else",
                                   description="Exit 0 when the data are valid, 2 with every problem listed "
                                               "(first 20 printed, all in validation.csv) when not.")
    validate.add_argument("--data", type=Path, required=True, help="survey export to check")
    validate.add_argument("--instrument", type=Path, help="instrument YAML (default: the bundled one)")
    validate.add_argument("--sheet", help="worksheet to read from an XLSX file")
    validate.add_argument("--out", type=Path, help="folder for validation.csv (default: current folder)")

    report = commands.add_parser("report", help="re-render the report from a saved results.json (no refitting)",
                                 description="Regenerate the whole report or one chapter from saved results.")
    report.add_argument("--results", type=Path, required=True, help="DIR/results.json of an earlier run")
    report.add_argument("--chapter", type=int, choices=range(0, 8), metavar="N",
                        help="render chapter N alone (0 = abstract, 1–7)")
    report.add_argument("--templates", type=Path, metavar="DIR",
                        help="folder of edited templates overriding the bundled ones file by file")
    report.add_argument("--out", type=Path, help="output folder (default: the folder of --results)")
    _add_report_options(report)

    questionnaire = commands.add_parser("questionnaire", help="print the questionnaire or a data-entry workbook")
    qcommands = questionnaire.add_subparsers(dest="qcommand", metavar="ACTION", parser_class=_Parser)
    render = qcommands.add_parser("render", help="the questionnaire as a respondent sees it (thesis appendix)")
    render.add_argument("--instrument", type=Path, help="instrument YAML (default: the bundled one)")
    render.add_argument("--lang", choices=("zh", "en"), default="zh")
    render.add_argument("--format", choices=("docx", "html"), default="docx", dest="fmt")
    render.add_argument("--out", type=Path, help="output file (default: questionnaire_<lang>.<format>)")
    template = qcommands.add_parser("template", help="an XLSX data-entry workbook with validated cells")
    template.add_argument("output", type=Path, metavar="OUT.xlsx")
    template.add_argument("--instrument", type=Path, help="instrument YAML (default: the bundled one)")

    simulate = commands.add_parser("simulate", help="draw a survey from the documented population model",
                                   description="Write responses.csv and truth.yaml drawn from the population "
                                               "model (see analysis/simulate.py), deterministically from --seed.")
    simulate.add_argument("--instrument", type=Path, help="instrument YAML (default: the bundled one)")
    simulate.add_argument("--n", type=whole_number, default=500, help="usable respondents (default 500)")
    simulate.add_argument("--seed", type=whole_number, help="random seed (default: the demo study's seed)")
    simulate.add_argument("--population", type=Path, help="YAML overriding the population model")
    simulate.add_argument("--no-contamination", action="store_true", help="plant no careless respondents")
    simulate.add_argument("--out", type=Path, default=Path("."), help="output folder (default: current folder)")

    serve = commands.add_parser("serve", help="the whole study in a browser (a local web app)",
                                description="Start the local web app and open it in the browser. Runs are stored "
                                            "under --data-dir. A host other than 127.0.0.1 requires a token.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    serve.add_argument("--port", type=port_number, default=8765,
                       help="port (default 8765; 0: any free port, printed at start)")
    serve.add_argument("--data-dir", type=Path, default=Path("loyalty-runs"), metavar="DIR",
                       help="folder of the uploaded files and the runs (default: ./loyalty-runs)")
    serve.add_argument("--token", help="access token (default: none on 127.0.0.1, generated for any other host)")
    serve.add_argument("--workers", type=worker_count, default=2, metavar="N",
                       help="runs computed at the same time, each in its own process (default 2)")
    serve.add_argument("--no-browser", action="store_true", help="do not open the browser")
    return parser


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    parser.add_argument("--format", type=report_formats, default=FORMATS, dest="formats", metavar="LIST",
                        help=f"comma-separated subset of {','.join(FORMATS)} (default: all)")
    parser.add_argument("--thesis", type=Path, metavar="FILE",
                        help="YAML with a thesis: block (title, author, student_id, school, major, supervisor, "
                             "date) for the cover; fields left out print as placeholders")
    parser.add_argument("--case-notes", type=Path, metavar="FILE",
                        help="the author's own case material (Markdown or plain paragraphs), merged into 3.11 "
                             "after the platform cases, clearly marked as the author's")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "questionnaire" and args.qcommand is None:
        parser.parse_args(["questionnaire", "--help"])
    warnings.simplefilter("ignore")  # statistical warnings are recorded in results.json and the report
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)  # at exit, no final garbage collection of the run's objects (0.4 s; files are closed)
    try:
        from reports import commands
        return getattr(commands, f"command_{args.command}")(args)
    except InputError as err:
        print(f"loyalty: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("loyalty: interrupted; earlier outputs are untouched", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if args.debug:
            raise
        print(f"loyalty: internal error: {err.__class__.__name__}: {err} (rerun with --debug for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
