"""The run options form, checked with the command line's own option checks (same defaults, same messages)."""
from __future__ import annotations

import argparse

from questionnaire.instrument import ESTIMATOR_CHOICES, MISSING_CHOICES
from reports.cli import (CORRELATION_METHODS, FORMATS, LEVENE_CENTERS, build_parser, fraction, group_size,
                         report_formats, seconds, whole_number)

LANGUAGES = ("zh", "en")


def run_defaults() -> dict:
    """The defaults of `loyalty run` (from its parser): the form starts with them."""
    args = build_parser().parse_args(["run"])
    return {"lang": args.lang, "formats": list(args.formats), "bootstrap": args.bootstrap, "bca": args.bca,
            "seed": args.seed, "min_duration": args.min_duration, "max_missing": args.max_missing,
            "no_clean": args.no_clean, "baseline": None, "estimator": args.estimator, "missing": args.missing,
            "groups": args.groups,
            "correlation": args.correlation, "sqrt_ave": args.sqrt_ave, "min_group": args.min_group,
            "nonparametric": args.nonparametric, "levene_center": args.levene_center}


def parse_run_options(form, baselines: dict[str, str], groupings: tuple[str, ...] = ()) -> tuple[dict, dict[str, str]]:
    """``(request, errors)`` from the posted form; ``errors`` maps a field to the CLI's message for it.

    ``baselines`` maps the ids of runs the user may compare with to their results.json; ``groupings`` are the
    single-choice questions that may form the groups of the multi-group analysis (``--groups``).
    """
    defaults = run_defaults()
    errors: dict[str, str] = {}

    def number(name: str, check):
        text = str(form.get(name) or "").strip()
        if not text:
            return defaults[name]
        try:
            return check(text)
        except argparse.ArgumentTypeError as err:
            errors[name] = str(err)
            return text

    lang = form.get("lang") or defaults["lang"]
    if lang not in LANGUAGES:
        errors["lang"] = f"invalid choice: {lang!r} (choose from {', '.join(LANGUAGES)})"
    chosen = [f for f in form.getlist("format") if isinstance(f, str)]
    try:
        formats = list(report_formats(",".join(chosen)))
    except argparse.ArgumentTypeError as err:
        errors["format"] = str(err)
        formats = [f for f in chosen if f in FORMATS]
    def choice(name: str, allowed) -> str | None:
        value = form.get(name) or defaults[name]
        if value is not None and value not in allowed:
            errors[name] = f"invalid choice: {value!r} (choose from {', '.join(allowed)})"
        return value

    baseline = form.get("baseline") or None
    if baseline is not None and baseline not in baselines:
        errors["baseline"] = f"unknown earlier run {baseline!r}"
    request = {"lang": lang, "formats": formats, "bootstrap": number("bootstrap", whole_number),
               "bca": form.get("bca") == "on", "seed": number("seed", whole_number),
               "min_duration": number("min_duration", seconds), "max_missing": number("max_missing", fraction),
               "no_clean": form.get("no_clean") == "on", "baseline_run": baseline,
               "baseline": baselines.get(baseline) if baseline else None,
               "estimator": choice("estimator", ESTIMATOR_CHOICES),
               "missing": choice("missing", MISSING_CHOICES), "groups": choice("groups", groupings),
               "correlation": choice("correlation", CORRELATION_METHODS), "sqrt_ave": form.get("sqrt_ave") == "on",
               "min_group": number("min_group", group_size), "nonparametric": form.get("nonparametric") == "on",
               "levene_center": choice("levene_center", LEVENE_CENTERS)}
    return request, errors
