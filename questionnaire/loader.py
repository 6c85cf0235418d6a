"""Load and check an instrument YAML file, reporting every problem at once with its place in the file."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import replace
from pathlib import Path

import yaml

from questionnaire.errors import InputError
from questionnaire.instrument import (
    CONSTRUCT_ROLES, CONTROL_TYPES, ESTIMATOR_CHOICES, MISSING_CHOICES, QUESTION_ROLES, QUESTION_TYPES, AttentionCheck,
    Construct, Hypothesis, Instrument, Item, Moderation, OpenAnswerCoding, Option, Question, Regression, Scale, Text,
    Theme,
)

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_INSTRUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_MISSING = object()
#: an option labelled like this is an "other, please specify" option unless it says ``other: false``
_OTHER_LABEL = re.compile(r"(其他|其它|others?)\s*(?:[(（:：,，]?\s*(?:请注明|请说明|please specify)\s*[)）]?)?",
                          re.IGNORECASE)


class _Problems:
    """Collects ``place: message`` lines while the file is read; raises them together at the end."""

    def __init__(self, file: str):
        self.file = file
        self.lines: list[str] = []

    def add(self, place: str, message: str) -> None:
        line = f"{place}: {message}" if place else message
        if line not in self.lines:     # a problem of a text given for every language is found once per language
            self.lines.append(line)

    def raise_if_any(self) -> None:
        if not self.lines:
            return
        count = len(self.lines)
        head = f"{self.file}: {count} problem{'s' if count > 1 else ''} in the instrument: "
        raise InputError(head + "; ".join(self.lines), problems=[{"file": self.file, "problem": line}
                                                                 for line in self.lines])


def load_instrument(path: str | Path) -> Instrument:
    """Read an instrument file (Contract 1) and check it; raise one :class:`InputError` listing every problem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: instrument file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not an instrument file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read the instrument file ({err.strerror or err})") from None
    try:
        raw_text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: the instrument file is not UTF-8 text (byte 0x{data[err.start]:02x}); "
                         f"allowed: YAML saved as UTF-8") from None
    try:
        document = yaml.safe_load(raw_text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"{path}: {where}YAML syntax error: {reason}") from None
    except RecursionError:
        raise InputError(f"{path}: YAML syntax error: lists or mappings nested too deeply") from None
    return parse_instrument(_plain(document), str(path))


def _plain(value: object) -> object:
    """The YAML document as JSON-safe data (it is copied into results.json): dates and times as ISO text,
    sets as lists, any other non-JSON scalar (``!!binary``) as its text."""
    if isinstance(value, dict):
        return {k if isinstance(k, (str, int, float, bool)) or k is None else str(k): _plain(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def parse_codebook(document: object, file: str) -> tuple[Theme, ...]:
    """The themes of an open-answer codebook file (``themes: [{id, label, keywords, patterns, constructs}]``),
    checked as the instrument's ``open_answers.themes``; one :class:`InputError` listing every problem."""
    problems = _Problems(file)
    raw = document.get("themes") if isinstance(document, dict) else None
    if not isinstance(raw, list):
        problems.add("themes", "is required: a list of themes")
        problems.raise_if_any()
    themes = _Reader({}, problems).themes(raw, "themes", None)
    problems.raise_if_any()
    return themes


def parse_instrument(document: object, file: str = "<instrument>") -> Instrument:
    """Build an :class:`Instrument` from a parsed YAML document, collecting all problems."""
    problems = _Problems(file)
    if not isinstance(document, dict):
        problems.add("", f"the top level must be a mapping of fields (id, title, scale, constructs, ...), "
                         f"got {type(document).__name__}")
        problems.raise_if_any()
    reader = _Reader(document, problems)
    instrument = reader.instrument()
    problems.raise_if_any()
    return instrument


class _Reader:
    """Turns the YAML mapping into dataclasses; every check adds to ``problems`` instead of raising."""

    def __init__(self, doc: dict, problems: _Problems):
        self.doc = doc
        self.problems = problems
        self.languages: tuple[str, ...] = ("zh", "en")
        self.seen_ids: dict[str, str] = {}

    # --- small typed getters -------------------------------------------------------------------------
    def _field(self, mapping: dict, key: str, place: str, required: bool = True, default=None):
        value = mapping.get(key, _MISSING) if isinstance(mapping, dict) else _MISSING
        if value is _MISSING or value is None:
            if required:
                self.problems.add(f"{place}.{key}" if place else key, "is required")
            return default
        return value

    def _identifier(self, mapping: dict, place: str, key: str = "id", pattern: re.Pattern = _ID) -> str:
        value = self._field(mapping, key, place)
        where = f"{place}.{key}" if place else key
        if value is None:
            return ""
        value = str(value)
        if not pattern.match(value):
            allowed = "letters, digits and _" if pattern is _ID else "letters, digits, _, . and -"
            self.problems.add(where, f"id {value!r} must start with a letter and use only {allowed}")
        return value

    def _unique(self, value: str, place: str) -> None:
        if not value:
            return
        if value in self.seen_ids:
            self.problems.add(place, f"duplicate id {value!r} (first used at {self.seen_ids[value]})")
        else:
            self.seen_ids[value] = place

    def _text(self, value, place: str, required: bool = True) -> Text | None:
        if value is None:
            if required:
                self.problems.add(place, "is required")
            return None
        if isinstance(value, str):
            value = {lang: value for lang in self.languages[:1]}
        if not isinstance(value, dict):
            self.problems.add(place, f"must be a mapping of language to text, got {type(value).__name__}")
            return None
        texts = {str(k): str(v) for k, v in value.items() if v is not None and str(v).strip()}
        for lang in self.languages:
            if lang not in texts:
                self.problems.add(place, f"text missing in language {lang!r} (languages: {', '.join(self.languages)})")
        return Text(texts)

    def _list(self, mapping: dict, key: str, place: str, required: bool = False) -> list:
        value = self._field(mapping, key, place, required=required, default=[])
        if not isinstance(value, list):
            self.problems.add(f"{place}.{key}" if place else key, f"must be a list, got {type(value).__name__}")
            return []
        return value

    def _number(self, mapping: dict, key: str, place: str, required: bool = True, integer: bool = True):
        value = self._field(mapping, key, place, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (isinstance(value, float) and not math.isfinite(value)) or (integer and int(value) != value):
            kind = "an integer" if integer else "a number"
            self.problems.add(f"{place}.{key}" if place else key, f"must be {kind}, got {value!r}")
            return None
        return int(value) if integer else float(value)

    # --- parts ---------------------------------------------------------------------------------------
    def instrument(self) -> Instrument:
        doc = self.doc
        languages = doc.get("languages", ["zh", "en"])
        if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
            self.problems.add("languages", f"must be a non-empty list of language codes, got {languages!r}")
        else:
            self.languages = tuple(languages)
        instrument_id = self._identifier(doc, "", pattern=_INSTRUMENT_ID) or "instrument"
        title = self._text(doc.get("title"), "title")
        intro = self._text(doc.get("intro"), "intro", required=False)
        scale = self.scale(doc.get("scale"), "scale")
        constructs = self.constructs(scale)
        checks = self.attention_checks(scale, {i.id for c in constructs for i in c.items})
        questions = self.questions()
        construct_ids = [c.id for c in constructs]
        structural = self.structural(construct_ids, {c.id for c in constructs if c.role == "moderator"})
        hypotheses = self.hypotheses(construct_ids, structural)
        outcome = doc.get("outcome")
        if outcome is not None and outcome not in construct_ids:
            self.problems.add("outcome", f"names no construct: {outcome!r}; constructs: {', '.join(construct_ids)}")
        groups = doc.get("groups")
        if groups is not None and groups not in [q.id for q in questions if q.type == "single"]:
            self.problems.add("groups", f"names no single-choice question: {groups!r}; single-choice questions: "
                              + (", ".join(q.id for q in questions if q.type == "single") or "none"))
        moderation = self.moderation(construct_ids, questions)
        study_codes = self.study_missing_codes(scale, constructs, questions)
        estimator = doc.get("estimator")
        if estimator is not None and estimator not in ESTIMATOR_CHOICES:
            self.problems.add("estimator", f"must be one of {', '.join(ESTIMATOR_CHOICES)}, got {estimator!r}")
        missing = doc.get("missing")
        if missing is not None and missing not in MISSING_CHOICES:
            self.problems.add("missing", f"must be one of {', '.join(MISSING_CHOICES)}, got {missing!r}")
        controls = self.controls(questions)
        open_answers = self.open_answers(questions, construct_ids)
        for key in ("id_column", "duration_column"):
            if doc.get(key) is not None and not isinstance(doc.get(key), str):
                self.problems.add(key, f"must be a column name, got {doc.get(key)!r}")
        return Instrument(
            id=instrument_id, title=title or Text({}), scale=scale or Scale(1, 5, {}),
            constructs=tuple(constructs), languages=self.languages, intro=intro,
            id_column=doc.get("id_column"), duration_column=doc.get("duration_column"),
            attention_checks=tuple(checks), structural=tuple(structural), hypotheses=tuple(hypotheses),
            outcome=outcome, questions=tuple(questions), controls=controls, moderation=tuple(moderation), missing_codes=study_codes,
            estimator=estimator, missing=missing, groups=groups, open_answers=open_answers,
            source_path=self.problems.file, document=doc,
        )

    def missing_codes(self, raw: dict, place: str, scale: Scale | None = None,
                      question: Question | None = None) -> tuple[float | str, ...] | None:
        """``missing_codes`` of the study, an item or a question: a list of numbers or texts (``NA``, ``#NULL!``),
        none of them an answer of the column (a point or label of ``scale``, an option code or label, a value in
        the question's range). ``None`` when absent."""
        if not isinstance(raw, dict) or raw.get("missing_codes") is None:
            return None
        where = f"{place}.missing_codes" if place else "missing_codes"
        value = raw["missing_codes"]
        if not isinstance(value, list):
            self.problems.add(where, f"must be a list of codes such as [-99, 999], got {value!r}")
            return None
        codes = []
        for k, code in enumerate(value):
            code = _missing_code(code)
            if code is None:
                self.problems.add(f"{where}[{k}]", f"must be a number or a text (a code that means missing), "
                                                   f"got {value[k]!r}")
                continue
            clash = _answer_clash(code, scale, question)
            if clash:
                self.problems.add(f"{where}[{k}]", f"{_shown(code)} is {clash}; a missing code must not be an answer")
                continue
            codes.append(code)
        return tuple(dict.fromkeys(codes))

    def study_missing_codes(self, scale: Scale | None, constructs: list[Construct],
                            questions: list[Question]) -> tuple[float | str, ...]:
        """The study-level ``missing_codes``, checked against the scales and against the questions without their own."""
        codes = self.missing_codes(self.doc, "", scale)
        if not codes:
            return ()
        kept = []
        for k, raw in enumerate(self.doc["missing_codes"]):
            code = _missing_code(raw)
            if code is None or code not in codes:
                continue
            clash = next((f"{_answer_clash(code, c.scale, None)} of construct {c.id}" for c in constructs
                          if c.scale is not scale and _answer_clash(code, c.scale, None)), None)
            clash = clash or next((f"{_answer_clash(code, None, q)} ({q.id})" for q in questions
                                   if q.missing_codes is None and _answer_clash(code, None, q)), None)
            if clash:
                self.problems.add(f"missing_codes[{k}]", f"{_shown(code)} is {clash}; a missing code must not be an "
                                                         "answer (give that question or item its own missing_codes)")
            else:
                kept.append(code)
        return tuple(dict.fromkeys(kept))

    def scale(self, raw, place: str) -> Scale | None:
        if not isinstance(raw, dict):
            self.problems.add(place, "is required: a mapping with min, max and labels")
            return None
        low = self._number(raw, "min", place)
        high = self._number(raw, "max", place)
        if low is None or high is None:
            return None
        if low >= high:
            self.problems.add(place, f"min ({low}) must be smaller than max ({high})")
            return None
        return Scale(low, high, self.scale_labels(raw.get("labels"), f"{place}.labels", low, high))

    def scale_labels(self, raw, place: str, low: int, high: int) -> dict[str, tuple[str, ...]]:
        """``labels`` of a scale: per language a list with one label per point, or a mapping of points to labels —
        per language (``{zh: {0: 完全不可能, 10: 非常可能}}``) or each label a text (``{0: 完全不可能, 10: 非常可能}``) —
        that labels at least both endpoints. Unlabelled points get ``""``."""
        points = list(range(low, high + 1))
        by_lang: dict[str, dict] = {}
        if raw is None:
            self.problems.add(place, f"is required: one label per point in each language, or labels of points "
                                     f"such as {{{low}: …, {high}: …}}")
        elif isinstance(raw, dict) and raw and all(_integer_key(k) is not None for k in raw):
            texts = {_integer_key(k): self._text(v, f"{place}.{k}") for k, v in raw.items()}
            by_lang = {lang: {p: t.by_lang.get(lang, "") for p, t in texts.items() if t} for lang in self.languages}
        elif isinstance(raw, dict):
            for lang in self.languages:
                values = raw.get(lang)
                if isinstance(values, list) and len(values) == len(points):
                    by_lang[lang] = dict(zip(points, values))
                elif isinstance(values, dict) and values:
                    for key in [k for k in values if _integer_key(k) is None]:
                        self.problems.add(f"{place}.{lang}.{key}", f"point {key!r} is not an integer; allowed: points "
                                                                   f"of {low}–{high}")
                    if all(_integer_key(k) is not None for k in values):
                        by_lang[lang] = {_integer_key(k): v for k, v in values.items() if v is not None and str(v).strip()}
                elif values is None:
                    self.problems.add(f"{place}.{lang}", f"labels missing in language {lang!r}")
                else:
                    count = len(values) if isinstance(values, list) else 1
                    self.problems.add(f"{place}.{lang}", f"has {count} labels but the scale {low}–{high} has "
                                                         f"{len(points)} points; allowed: one label per point, or a "
                                                         f"mapping of points to labels such as {{{low}: …, {high}: …}}")
        else:
            self.problems.add(place, f"must be a mapping of language to a list of labels, or of scale points to "
                                     f"labels such as {{{low}: …, {high}: …}}, got {raw!r}")
        labels: dict[str, tuple[str, ...]] = {}
        for lang, mapping in by_lang.items():
            outside = [k for k in mapping if k not in points]
            for point in outside:
                self.problems.add(f"{place}.{lang}.{point}" if lang in raw else f"{place}.{point}",
                                  f"point {point} is not on the scale; allowed: {low}–{high}")
            unlabelled = [p for p in (low, high) if p not in mapping]
            if unlabelled and not outside:
                self.problems.add(f"{place}.{lang}" if lang in raw else place,
                                  f"endpoint {', '.join(map(str, unlabelled))} has no label; allowed: labels of any "
                                  f"points of {low}–{high} that include both endpoints")
            labels[lang] = tuple(str(mapping.get(p, "")).strip() for p in points)
        return labels

    def constructs(self, default_scale: Scale | None) -> list[Construct]:
        raw_list = self._list(self.doc, "constructs", "", required=True)
        if not raw_list and "constructs" in self.doc:
            self.problems.add("constructs", "must list at least one construct")
        constructs = []
        for ci, raw in enumerate(raw_list):
            place = f"constructs[{ci}]"
            if not isinstance(raw, dict):
                self.problems.add(place, f"must be a mapping with id, name and items, got {raw!r}")
                continue
            cid = self._identifier(raw, place)
            self._unique(cid, f"{place}.id")
            scale = self.scale(raw["scale"], f"{place}.scale") if "scale" in raw else default_scale
            role = raw.get("role")
            if role is not None and role not in CONSTRUCT_ROLES:
                self.problems.add(f"{place}.role", f"unknown role {role!r}; allowed: {', '.join(CONSTRUCT_ROLES)}")
            items = []
            raw_items = self._list(raw, "items", place, required=True)
            if not raw_items and isinstance(raw.get("items"), list):
                self.problems.add(f"{place}.items", "must list at least one item")
            for ii, raw_item in enumerate(raw_items):
                item_place = f"{place}.items[{ii}]"
                if isinstance(raw_item, str):       # ``items: [CS1, CS2]``: ids alone, no wording
                    raw_item = {"id": raw_item}
                if not isinstance(raw_item, dict):
                    self.problems.add(item_place, f"must be an item id or a mapping with id and text, got {raw_item!r}")
                    continue
                iid = self._identifier(raw_item, item_place)
                self._unique(iid, f"{item_place}.id")
                reverse = raw_item.get("reverse", False)
                if not isinstance(reverse, bool):
                    self.problems.add(f"{item_place}.reverse", f"must be true or false, got {reverse!r}")
                own = self.missing_codes(raw_item, item_place, scale)
                worded = raw_item.get("text") is not None
                text = (self._text(raw_item["text"], f"{item_place}.text") if worded
                        else Text({lang: iid for lang in self.languages}))
                items.append(Item(iid, text or Text({}), bool(reverse), self._aliases(raw_item, item_place), own,
                                  worded))
            constructs.append(Construct(
                id=cid, name=self._text(raw.get("name"), f"{place}.name") or Text({}), items=tuple(items),
                scale=scale or Scale(1, 5, {}), role=role, source=raw.get("source"),
                definition=self._text(raw.get("definition"), f"{place}.definition", required=False),
                references=self._references(raw, place)))
        return constructs

    def _references(self, raw: dict, place: str) -> tuple[str, ...]:
        keys = raw.get("references", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) and k.strip() for k in keys):
            self.problems.add(f"{place}.references", f"must be a list of bibliography keys, got {keys!r}")
            return ()
        return tuple(k.strip() for k in keys)

    def _aliases(self, raw: dict, place: str) -> tuple[str, ...]:
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list):
            self.problems.add(f"{place}.aliases", f"must be a list of column headers, got {aliases!r}")
            return ()
        return tuple(str(a) for a in aliases)

    def attention_checks(self, scale: Scale | None, item_ids: set[str]) -> list[AttentionCheck]:
        checks = []
        for ai, raw in enumerate(self._list(self.doc, "attention_checks", "")):
            place = f"attention_checks[{ai}]"
            if not isinstance(raw, dict):
                self.problems.add(place, f"must be a mapping with id, text and expected, got {raw!r}")
                continue
            aid = self._identifier(raw, place)
            self._unique(aid, f"{place}.id")
            expected = self._number(raw, "expected", place)
            if expected is not None and scale is not None and not scale.min <= expected <= scale.max:
                self.problems.add(f"{place}.expected", f"{expected} is outside the scale {scale.min}–{scale.max}")
            after = raw.get("after")
            if after is not None and (not isinstance(after, str) or after not in item_ids):
                self.problems.add(f"{place}.after", f"names no item: {after!r}")
            checks.append(AttentionCheck(aid, self._text(raw.get("text"), f"{place}.text") or Text({}),
                                         expected or 0, after, self._aliases(raw, place)))
        return checks

    def questions(self) -> list[Question]:
        questions = []
        for qi, raw in enumerate(self._list(self.doc, "questions", "")):
            place = f"questions[{qi}]"
            if not isinstance(raw, dict):
                self.problems.add(place, f"must be a mapping with id, type and text, got {raw!r}")
                continue
            qid = self._identifier(raw, place)
            self._unique(qid, f"{place}.id")
            qtype = raw.get("type")
            if qtype not in QUESTION_TYPES:
                self.problems.add(f"{place}.type", f"unknown type {qtype!r}; allowed: {', '.join(QUESTION_TYPES)}")
            role = raw.get("role")
            if role is not None and role not in QUESTION_ROLES:
                self.problems.add(f"{place}.role", f"unknown role {role!r}; allowed: {', '.join(QUESTION_ROLES)}")
            options = self.options(raw, place) if qtype in ("single", "multiple") else []
            low, high = (0, 10) if qtype == "nps" else (None, None)
            if qtype == "numeric":
                low = self._number(raw, "min", place, required=False, integer=False)
                high = self._number(raw, "max", place, required=False, integer=False)
                if low is not None and high is not None and low >= high:
                    self.problems.add(place, f"min ({low}) must be smaller than max ({high})")
            question = Question(qid, str(qtype), self._text(raw.get("text"), f"{place}.text") or Text({}),
                                tuple(options), low, high, role, bool(raw.get("required", True)),
                                self._aliases(raw, place),
                                name=self._text(raw.get("name"), f"{place}.name", required=False))
            own = self.missing_codes(raw, place, None, question)
            questions.append(replace(question, missing_codes=own) if own is not None else question)
        roles = [q.role for q in questions if q.role]
        for role in sorted({r for r in roles if roles.count(r) > 1}):
            self.problems.add("questions", f"role {role!r} is given to more than one question")
        return questions

    def options(self, raw: dict, place: str) -> list[Option]:
        """``options``: a list of ``{code, label}`` (with ``none``/``other`` flags) or a mapping of codes to labels
        (``{1: 男, 2: 女}``, ``{1: {zh: 男, en: Male}}``, or ``{4: {label: …, none: true}}``)."""
        entries = self.option_entries(raw, place)
        options, codes = [], set()
        for option_place, raw_option in entries:
            if not isinstance(raw_option, dict):
                self.problems.add(option_place, f"must be a mapping with code and label, got {raw_option!r}")
                continue
            code = self._number(raw_option, "code", option_place)
            if code in codes:
                self.problems.add(f"{option_place}.code", f"duplicate code {code}")
            codes.add(code)
            label = self._text(raw_option.get("label"), f"{option_place}.label") or Text({})
            other = raw_option.get("other", any(_OTHER_LABEL.fullmatch(t.strip()) for t in label.by_lang.values()))
            options.append(Option(code if code is not None else -1, label, bool(raw_option.get("none", False)),
                                  bool(other)))
        return options

    def option_entries(self, raw: dict, place: str) -> list[tuple[str, object]]:
        """(place, ``{code, label, …}``) per option, from the list or the mapping form."""
        value = raw.get("options")
        where = f"{place}.options"
        if not isinstance(value, dict):
            listed = self._list(raw, "options", place, required=True)
            if not listed and isinstance(value, list):
                self.problems.add(where, "must list at least one option")
            return [(f"{where}[{k}]", entry) for k, entry in enumerate(listed)]
        if not value:
            self.problems.add(where, "must list at least one option")
        entries = []
        for key, entry in value.items():
            code = _integer_key(key)
            if code is None:
                self.problems.add(f"{where}.{key}", f"option code {key!r} is not an integer; allowed: a mapping of "
                                                    f"integer codes to labels such as {{1: 男, 2: 女}}")
                continue
            flagged = isinstance(entry, dict) and "label" in entry
            entries.append((f"{where}.{key}", {**entry, "code": code} if flagged else {"code": code, "label": entry}))
        return entries

    def structural(self, construct_ids: list[str], moderators: set[str]) -> list[Regression]:
        """``structural``: recursive regressions between constructs; a construct of role moderator stays out."""
        raw = self.doc.get("structural")
        if raw is None:
            return []
        if not isinstance(raw, str):
            self.problems.add("structural", f"must be lavaan-style text such as 'CS ~ PQ + SQ', got {raw!r}")
            return []
        regressions = []
        for number, line in enumerate(raw.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            place = f"structural line {number}"
            if line.count("~") != 1 or "=~" in line or "~~" in line:
                self.problems.add(place, f"{line!r} is not a regression 'Y ~ X1 + X2'")
                continue
            lhs, rhs = (part.strip() for part in line.split("~"))
            terms = [t.strip() for t in rhs.split("+")]
            for term in [lhs, *terms]:
                if term not in construct_ids:
                    self.problems.add(place, f"term {term!r} names no construct; constructs: {', '.join(construct_ids)}")
                elif term in moderators:
                    self.problems.add(place, f"term {term!r} is a construct of role moderator, which stays out of the "
                                             "structural model; declare it under moderation")
            if lhs in terms:
                self.problems.add(place, f"{lhs!r} cannot predict itself")
            regressions.append(Regression(lhs, tuple(terms)))
        cycle = _find_cycle(regressions)
        if cycle:
            self.problems.add("structural", f"the model has a cycle {' -> '.join(cycle)}; only recursive models are supported")
        return regressions

    def controls(self, questions: list[Question]) -> tuple[str, ...]:
        """``controls``: ids of single-choice (dummy-coded) or numeric background questions, each once."""
        by_id = {q.id: q for q in questions}
        controls = []
        for k, qid in enumerate(self._list(self.doc, "controls", "")):
            place = f"controls[{k}]"
            question = by_id.get(qid) if isinstance(qid, str) else None
            if question is None:
                self.problems.add(place, f"names no background question: {qid!r}; "
                                         f"questions: {', '.join(by_id) or 'none'}")
            elif question.type not in CONTROL_TYPES:
                self.problems.add(place, f"question {qid!r} is of type {question.type}; a control must be of type "
                                         f"{', '.join(CONTROL_TYPES)}")
            elif qid in controls:
                self.problems.add(place, f"question {qid!r} is listed twice")
            else:
                controls.append(qid)
        return tuple(controls)

    def hypotheses(self, construct_ids: list[str], structural: list[Regression]) -> list[Hypothesis]:
        raw = self.doc.get("hypotheses")
        if raw is None:
            return []
        if not isinstance(raw, dict):
            self.problems.add("hypotheses", f"must be a mapping such as {{H1: PQ -> CS}}, got {raw!r}")
            return []
        paths = {(x, r.lhs) for r in structural for x in r.rhs}
        hypotheses = []
        for label, spec in raw.items():
            place = f"hypotheses.{label}"
            sign = "+"
            if isinstance(spec, dict):
                sign = str(spec.get("sign", "+"))
                spec = spec.get("path")
            if sign not in ("+", "-"):
                self.problems.add(f"{place}.sign", f"must be '+' or '-', got {sign!r}")
            if not isinstance(spec, str) or "->" not in spec:
                self.problems.add(place, f"must be a path such as 'PQ -> CS', got {spec!r}")
                continue
            nodes = tuple(n.strip() for n in spec.split("->"))
            unknown = [n for n in nodes if n not in construct_ids]
            if unknown:
                self.problems.add(place, f"names no construct: {', '.join(map(repr, unknown))}; "
                                         f"constructs: {', '.join(construct_ids)}")
                continue
            missing = [f"{a} -> {b}" for a, b in zip(nodes, nodes[1:]) if (a, b) not in paths]
            if missing:
                self.problems.add(place, f"path {', '.join(missing)} is not in the structural model")
                continue
            hypotheses.append(Hypothesis(str(label), nodes, sign))
        return hypotheses


    def open_answers(self, questions: list[Question], construct_ids: list[str]) -> OpenAnswerCoding:
        """``open_answers: {question, bundled_codebook, themes}``: the text question to code and the study's own
        themes (added to the bundled codebook, replacing a bundled theme of the same id)."""
        raw = self.doc.get("open_answers")
        if raw is None:
            return OpenAnswerCoding()
        if not isinstance(raw, dict) or not set(raw) <= {"question", "bundled_codebook", "themes"}:
            self.problems.add("open_answers", f"must be a mapping of question, bundled_codebook and themes, got {raw!r}")
            return OpenAnswerCoding()
        question = raw.get("question")
        texts = [q.id for q in questions if q.type == "text"]
        if question is not None and question not in texts:
            self.problems.add("open_answers.question", f"names no question of type text: {question!r}; "
                                                       f"text questions: {', '.join(texts) or 'none'}")
        bundled = raw.get("bundled_codebook", True)
        if not isinstance(bundled, bool):
            self.problems.add("open_answers.bundled_codebook", f"must be true or false, got {bundled!r}")
        themes = self.themes(self._list(raw, "themes", "open_answers"), "open_answers.themes", construct_ids)
        if bundled is False and not themes:
            self.problems.add("open_answers.themes", "must list at least one theme when bundled_codebook is false")
        return OpenAnswerCoding(question, bundled is not False, themes)

    def themes(self, raw_themes: list, place: str, construct_ids: list[str] | None) -> tuple[Theme, ...]:
        """Codebook themes: an id, a label in every language, keywords (language → list of texts) and/or regular
        expressions (``patterns``), and the construct ids they speak to (checked when ``construct_ids`` is given)."""
        themes, seen = [], set()
        for k, raw in enumerate(raw_themes):
            where = f"{place}[{k}]"
            if not isinstance(raw, dict):
                self.problems.add(where, f"must be a mapping with id, label and keywords, got {raw!r}")
                continue
            tid = self._identifier(raw, where)
            if tid in seen:
                self.problems.add(f"{where}.id", f"duplicate theme id {tid!r}")
            seen.add(tid)
            label = self._text(raw.get("label"), f"{where}.label") or Text({})
            keywords = raw.get("keywords", {})
            if not isinstance(keywords, dict) or not all(
                    isinstance(v, list) and all(isinstance(w, str) and w.strip() for w in v) for v in keywords.values()):
                self.problems.add(f"{where}.keywords", f"must map a language to a list of texts, got {keywords!r}")
                keywords = {}
            patterns = [str(p) for p in self._list(raw, "patterns", where)]
            for j, pattern in enumerate(patterns):
                try:
                    re.compile(pattern)
                except re.error as err:
                    self.problems.add(f"{where}.patterns[{j}]", f"is not a regular expression ({err}): {pattern!r}")
            if not any(keywords.values()) and not patterns:
                self.problems.add(where, "needs at least one keyword or pattern")
            constructs = [str(c) for c in self._list(raw, "constructs", where)]
            for j, cid in enumerate(constructs):
                if construct_ids is not None and cid not in construct_ids:
                    self.problems.add(f"{where}.constructs[{j}]", f"names no construct: {cid!r}; "
                                                                  f"constructs: {', '.join(construct_ids)}")
            themes.append(Theme(tid, label, {str(lang): tuple(w.strip() for w in words)
                                             for lang, words in keywords.items()}, tuple(patterns), tuple(constructs)))
        return tuple(themes)

    def moderation(self, construct_ids: list[str], questions: list[Question]) -> list[Moderation]:
        """``moderation: [{x: CS, m: SW, y: LY}]``: x and y constructs, m a construct or a single-choice question."""
        raw = self.doc.get("moderation")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problems.add("moderation", f"must be a list such as [{{x: CS, m: SW, y: LY}}], got {raw!r}")
            return []
        single = [q.id for q in questions if q.type == "single"]
        declared = []
        for number, spec in enumerate(raw):
            place = f"moderation[{number}]"
            if (not isinstance(spec, dict) or set(spec) != {"x", "m", "y"}
                    or not all(isinstance(v, str) for v in spec.values())):
                self.problems.add(place, f"must be a mapping of exactly x, m and y to variable ids, got {spec!r}")
                continue
            x, m, y = (spec[k] for k in ("x", "m", "y"))
            for key, value in (("x", x), ("y", y)):
                if value not in construct_ids:
                    self.problems.add(f"{place}.{key}", f"names no construct: {value!r}; constructs: {', '.join(construct_ids)}")
            if m not in construct_ids and m not in single:
                self.problems.add(f"{place}.m", f"names no construct or single-choice question: {m!r}; allowed: "
                                                f"{', '.join(construct_ids + single)}")
            if len({x, m, y}) < 3:
                self.problems.add(place, f"x, m and y must be three different variables, got {x!r}, {m!r}, {y!r}")
            declared.append(Moderation(str(x), str(m), str(y)))
        return declared


def _integer_key(key: object) -> int | None:
    """A mapping key that names a scale point or an option code: an integer, also as text (``"1"``, as JSON writes
    the keys of the instrument copied into results.json); None otherwise."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and re.fullmatch(r"\s*-?\d+\s*", key):
        return int(key)
    return None


def _missing_code(code: object) -> float | str | None:
    """A missing code as a float, or as stripped text; None when it is neither (bool, NaN, empty, a list)."""
    if isinstance(code, str):
        return code.strip() or None
    if isinstance(code, bool) or not isinstance(code, (int, float)) or not math.isfinite(code):
        return None
    return float(code)


def _shown(code: float | str) -> str:
    return repr(code) if isinstance(code, str) else f"{code:g}"


def _answer_clash(code: float | str, scale: Scale | None, question: Question | None) -> str | None:
    """How ``code`` is an answer of ``scale`` or ``question`` (in words), or None."""
    if isinstance(code, str):
        folded = code.casefold()
        if scale is not None and any(folded == str(label).strip().casefold()
                                     for labels in scale.labels.values() for label in labels):
            return f"a label of the scale {scale.min}–{scale.max}"
        if question is not None and any(folded == str(label).strip().casefold()
                                        for o in question.options for label in o.label.by_lang.values()):
            return "the label of an option of the question"
        return None
    if scale is not None and scale.min <= code <= scale.max and code == int(code):
        return f"an answer code of the scale {scale.min}–{scale.max}"
    if question is None:
        return None
    if question.type in ("single", "multiple") and code in {o.code for o in question.options}:
        return "the code of an option of the question"
    low = -math.inf if question.min is None else question.min
    high = math.inf if question.max is None else question.max
    if question.type == "nps" and 0 <= code <= 10 and code == int(code):
        return "an answer of the 0–10 scale"
    if question.type == "numeric" and (question.min is not None or question.max is not None) and low <= code <= high:
        return f"inside the allowed range {low:g}–{high:g} of the question"
    return None


def _find_cycle(regressions: list[Regression]) -> list[str] | None:
    """A cycle in the directed graph predictor → outcome, as a list of nodes, or None (depth-first search)."""
    graph: dict[str, set[str]] = {}
    for r in regressions:
        for x in r.rhs:
            graph.setdefault(x, set()).add(r.lhs)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None
