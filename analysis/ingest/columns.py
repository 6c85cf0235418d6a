"""Match a file's headers to the instrument and turn its cells into answer codes, numbers and seconds.

Headers are matched, in this order, by

1. the instrument id (``PQ1``, ``resp_id``, ``membership_2``; case ignored) or one of its ``aliases``;
2. the normalised text: numbering such as ``7、``, ``Q7.``, ``第7题`` and all punctuation, brackets and
   spaces removed, full-width characters folded (``7、(商品质量可靠)`` → ``商品质量可靠``), compared with the
   item or question text in every language and with the aliases;
3. containment: the normalised header contains the normalised text of exactly one item or question
   (Qualtrics ``请评价 - 商品质量可靠``; texts shorter than 4 characters are not used).

Platform exports name the respondent id and the completion time in their own words; besides the
instrument's ``id_column``/``duration_column`` the headers in :data:`ID_HEADERS` and :data:`DURATION_HEADERS`
are recognised (of several id columns :func:`choose_id_column` picks one); without a duration column the
completion time is the difference of the :data:`START_HEADERS` and :data:`END_HEADERS` timestamps. Multiple
choice and "other" fill-ins are read as :mod:`analysis.ingest.choices` describes. Headers that match nothing are
extra columns, kept aside; those holding personal data (:data:`PERSONAL_HEADERS`, :data:`PERSONAL_VALUES`) are
dropped.

Cells: answer codes may be numbers or scale/option labels in any language of the instrument
(``非常同意``, ``Strongly agree``); SPSS/Stata value labels that name scale points or options are
honoured (codes 0–4 labelled ``Strongly disagree`` … become 1–5). Completion times ``256``, ``256秒``,
``4分16秒``, ``4m16s``, ``00:04:16``, ``4:16`` become seconds. Conversion works on the distinct values
of a column (``pandas.factorize``), so its cost does not grow with the number of rows beyond one pass.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.ingest.choices import chosen_options, numbered_option_columns, split_fill_ins, unchosen_as_zero
from analysis.ingest.validation import ProblemCollector, format_value
from questionnaire.instrument import Instrument, Question, Scale

DURATION_COLUMN = "duration_s"
#: targets of the start and end timestamps (never columns of the responses)
STARTED, ENDED = "started", "ended"
ID_HEADERS = ("序号", "编号", "答卷编号", "答卷序号", "用户id", "respondent", "respondent id", "respondentid",
              "response id", "responseid", "id")
#: completion-time headers (a timestamp such as MS Forms' ``Completion time`` is not one: see :data:`END_HEADERS`)
DURATION_HEADERS = ("所用时间", "答题时间", "答题时长", "填写时长", "作答时长", "作答时长(秒)", "答题时长(秒)",
                    "填写时长(秒)", "所用时间(秒)", "用时", "耗时", "duration", "duration (in seconds)",
                    "duration (seconds)", "time taken")
#: when a respondent started and finished (腾讯问卷, MS Forms, SurveyMonkey, Qualtrics): with both and no duration
#: column the completion time is their difference; a submission time alone (问卷星 ``提交答卷时间``, Google Forms'
#: ``Timestamp``) gives none
START_HEADERS = ("开始时间", "开始答题时间", "开始作答时间", "答题开始时间", "start time", "start date", "startdate",
                 "started")
END_HEADERS = ("结束时间", "结束答题时间", "答题结束时间", "提交答卷时间", "提交时间", "完成时间", "completion time",
               "end time", "end date", "enddate", "submitted", "timestamp", "submission time")
#: how platforms head the column of an "other, please specify" option (SurveyMonkey: ``question - Other (please specify)``)
OTHER_HEADERS = ("Other (please specify)", "其他（请注明）", "其他（请具体说明）")
#: personal data recognised by the header of an extra column (IP, phone, e-mail, name, WeChat/QQ id, ...)
PERSONAL_HEADERS = {
    "ip": re.compile(r"(?<![a-z])ip(?![a-z])|ip ?address|ip地址|来源ip|来自ip"),
    "phone": re.compile(r"phone|mobile|(?<![a-z])tel(?![a-z])|手机|电话|联系方式"),
    "email": re.compile(r"e-?mail|邮箱|电子邮件"),
    "name": re.compile(r"(?<![a-z])(full |first |last |user ?|sur|nick ?)?name(?![a-z])|recipient ?(first|last) ?name"
                       r"|^名称$|姓名|名字|称呼|昵称|用户名|联系人|收货人|收件人|填写人"),
    # 微信 as a platform (微信视频号, 微信支付, 微信小程序) is an answer option, not a WeChat account
    "wechat": re.compile(r"wechat|weixin|微信(?!视频号|支付|小程序|公众号|小店|小商店|读书|红包|群)"),
    "qq": re.compile(r"(?<![a-z])qq(?![a-z])"),
    "id_card": re.compile(r"身份证|id ?card|passport|护照"),
    "address": re.compile(r"(?<!ip)地址|(?<![a-z])address"),
    "account": re.compile(r"openid|unionid|用户标识|external ?reference|externalreference|panelist ?id"),
    "location": re.compile(r"latitude|longitude|location ?(lat|long)|经度|纬度|地理位置|gps"),
}
#: personal data recognised by the content of a column: more than half of the (sampled) values match
PERSONAL_VALUES = {
    "ip": re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?:\s*[(（].*[)）])?"),
    "phone": re.compile(r"(?:\+?86[-\s]?)?1[3-9]\d{9}|\+\d{1,3}[-\s]?\d[\d\s-]{6,14}\d"),
    "email": re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
    "id_card": re.compile(r"\d{17}[\dXx]"),
    "wechat": re.compile(r"wxid_[A-Za-z0-9_-]{4,}"),
}
#: personal data found inside free-text answers and replaced by ``[removed]``
PERSONAL_IN_TEXT = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)")
REMOVED = "[removed]"
_CONTENT_SAMPLE = 1000
_MIN_CONTAINED = 4
_NUMBERING = re.compile(r"^\s*(?:第\s*)?(?:q\s*)?\d+(?:[._-]\d+)*\s*(?:题|[、.．:：)）\]】_-])?\s*", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")
_UNITS = re.compile(r"(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h|hr|hours?))?\s*(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|m|min|minutes?))?"
                    r"\s*(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|seconds?))?", re.IGNORECASE)
_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
#: why a cell of a code column holds no answer (``SurveyData.missing_kinds``)
ANSWERED, NOT_ANSWERED, SKIPPED, DECLARED = 0, 1, 2, 3
#: 问卷星 "按选项序号" downloads: -3 = 跳过 (jumped over by skip logic), -2 = 未显示 (hidden by display logic);
#: markers only in a column where they are not an answer code
SKIP_CODES = (-3.0, -2.0)
#: text a platform writes for a question the respondent was not asked (问卷星 "按选项文本": ``(跳过)``, ``(空)``;
#: compared after NFKC folding, so full-width ``（跳过）`` matches too)
SKIP_TEXTS = frozenset({"(跳过)", "(空)", "跳过", "(skipped)", "(not shown)", "(未显示)"})
#: Qualtrics' download option "Export seen but unanswered questions as -99": seen, not answered (nonresponse)
QUALTRICS_UNANSWERED = (-99.0,)
_TRUE = {"1", "是", "选中", "yes", "true", "y", "√", "✓"}
_FALSE = {"0", "否", "未选中", "no", "false", "n"}


def normalise_text(text: object) -> str:
    """Header or label reduced for comparison: NFKC, case folded, leading numbering, punctuation and spaces removed."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return _PUNCTUATION.sub("", _NUMBERING.sub("", folded, count=1))


def normalise_label(text: object) -> str:
    """An answer label reduced for comparison: NFKC, case folded, punctuation and spaces removed."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def _folded(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


@dataclass(frozen=True)
class PersonalColumn:
    """A column dropped because it holds personal data: its ``header``, the ``kind`` and how it was detected."""

    header: str
    kind: str
    detected_by: str


@dataclass(frozen=True)
class Target:
    """An instrument column: its ``id``, ``kind`` (id/duration/time/item/check/question/multiple/option/other_text)
    and match keys."""

    id: str
    kind: str
    exact: tuple[str, ...]
    texts: tuple[str, ...]


def column_targets(instrument: Instrument) -> list[Target]:
    """Every column the instrument can name, with the keys that match it (see the module docstring)."""
    def keys(ident, aliases=(), texts=()):
        exact = tuple(dict.fromkeys(_folded(k) for k in (ident, *aliases)))
        normal = tuple(dict.fromkeys(n for n in (normalise_text(k) for k in (*aliases, *texts)) if n))
        return exact, normal

    targets = [Target("id", "id", *keys(instrument.id_column or "resp_id", ID_HEADERS)),
               Target(DURATION_COLUMN, "duration", *keys(instrument.duration_column or DURATION_COLUMN,
                                                          DURATION_HEADERS)),
               Target(STARTED, "time", *keys(STARTED, START_HEADERS)), Target(ENDED, "time", *keys(ENDED, END_HEADERS))]
    for item in instrument.items:
        targets.append(Target(item.id, "item", *keys(item.id, item.aliases, item.text.by_lang.values())))
    for check in instrument.attention_checks:
        targets.append(Target(check.id, "check", *keys(check.id, check.aliases, check.text.by_lang.values())))
    for question in instrument.questions:
        stems = question.text.by_lang.values()
        targets.append(Target(question.id, "multiple" if question.type == "multiple" else "question",
                              *keys(question.id, question.aliases, stems)))
        if question.type == "multiple":
            for option, column in zip(question.options, question.option_columns()):
                labels = (*option.label.by_lang.values(), *(OTHER_HEADERS if option.other else ()))
                targets.append(Target(column, "option", *keys(
                    column, [f"{a}_{option.code}" for a in question.aliases],
                    [f"{stem} {label}" for stem in stems for label in labels])))
        if question.other_option is not None:
            code = question.other_option.code
            targets.append(Target(question.other_column, "other_text", *keys(
                question.other_column, [f"{a}_{code}_text" for a in question.aliases],
                [f"{stem} {h}" for stem in stems for h in OTHER_HEADERS] if question.type == "single" else ())))
    return targets


@dataclass(frozen=True)
class ColumnMatch:
    """Which file column (by position) holds which instrument column; ``extra`` lists the unmatched positions."""

    columns: dict[str, int]
    extra: tuple[int, ...]
    targets: dict[str, Target]
    #: every column that can be the respondent id (:func:`choose_id_column` picks one)
    id_candidates: tuple[int, ...] = ()


def match_columns(headers: tuple[str, ...], header_texts: tuple[str | tuple[str, ...] | None, ...] | None,
                  instrument: Instrument, problems: ProblemCollector) -> ColumnMatch:
    """Match ``headers`` (and ``header_texts``, other descriptions of each column) to the instrument.

    Problems recorded: ``duplicate_header``, ``duplicate_column`` (two headers naming one column) and
    ``missing_column`` (an item with no column, or an option of a multiple-choice question whose other options
    have columns) and ``unknown_option`` (a column of a multiple-choice question that names none of its options).
    Several id-like columns (``序号`` and ``答卷编号``) are not a problem: all are kept as ``id_candidates``.
    """
    lang = instrument.languages[0]
    targets = column_targets(instrument)
    by_id = {t.id: t for t in targets}
    exact = {key: t.id for t in reversed(targets) for key in t.exact}
    texts = {key: t.id for t in reversed(targets) for key in t.texts}
    _duplicate_headers(headers, problems)
    def others(j):
        text = header_texts[j] if header_texts and j < len(header_texts) else None
        return [t for t in ((text,) if isinstance(text, str) else text or ()) if t]

    names = [[h, *others(j)] for j, h in enumerate(headers)]
    found: dict[str, list[int]] = {}
    pending = []
    for j, candidates in enumerate(names):
        hit = next((exact[_folded(c)] for c in candidates if _folded(c) in exact), None)
        hit = hit or next((texts[normalise_text(c)] for c in candidates if normalise_text(c) in texts), None)
        if hit:
            found.setdefault(hit, []).append(j)
        else:
            pending.append(j)
    multiple = [q for q in instrument.questions if q.type == "multiple"]
    numbered, unknown = numbered_option_columns({j: names[j] for j in pending}, multiple, normalise_label)
    for j, column in numbered.items():
        found.setdefault(column, []).append(j)
    for j, question in unknown.items():
        problems.add("unknown_option", f"header {headers[j]!r} (column {j + 1}) names no option of the multiple-choice "
                     f"question {question.id}", row=1, column=headers[j], allowed=_options_allowed(question, lang))
    pending = [j for j in pending if j not in numbered and j not in unknown]
    free = [t for t in targets if t.id not in found and t.kind in ("item", "check", "question", "multiple")]
    extra = []
    for j in pending:
        hit = _contained(names[j], free)
        if hit:
            found.setdefault(hit, []).append(j)
        else:
            extra.append(j)
    columns = {}
    id_candidates = tuple(found.get("id", ()))
    for target_id, positions in found.items():
        columns[target_id] = positions[0]
        if len(positions) > 1 and len({headers[p] for p in positions}) > 1 and target_id != "id":
            listed = " and ".join(f"{headers[p]!r} (column {p + 1})" for p in positions)
            problems.add("duplicate_column", f"headers {listed} {'both' if len(positions) == 2 else 'all'} name "
                         f"{target_id}", row=1, column=headers[positions[1]], allowed=f"one column for {target_id}")
    for question in multiple:
        options = [c for c in question.option_columns() if c in columns]
        if question.id in columns and options:
            header = headers[columns[question.id]]
            problems.add("unknown_option", f"header {header!r} (column {columns[question.id] + 1}) names the "
                         f"multiple-choice question {question.id} but none of its options, while other columns hold "
                         f"its options ({', '.join(repr(headers[columns[c]]) for c in options[:3])}"
                         f"{', …' if len(options) > 3 else ''})", row=1, column=header,
                         allowed=_options_allowed(question, lang))
        elif options and len(options) < len(question.options):
            lost = [o for o, c in zip(question.options, question.option_columns()) if c not in columns]
            problems.add("missing_column", f"no column for option {', '.join(f'{o.code} {o.label.get(lang)}' for o in lost)}"
                         f" of the multiple-choice question {question.id} (the file has columns for its other options)",
                         column=question.id, allowed="one column per option, or one column for the question")
    for item in instrument.items:
        if item.id not in columns:
            looked = ", ".join(repr(a) for a in item.aliases)
            problems.add("missing_column", f"no column for item {item.id}: looked for the header {item.id!r}"
                         + (f", its aliases {looked}" if looked else "")
                         + f" and the item text {item.text.get(instrument.languages[0])!r}",
                         column=item.id, allowed="one column per item")
    return ColumnMatch(columns, tuple(extra), by_id, id_candidates)


def _duplicate_headers(headers: tuple[str, ...], problems: ProblemCollector) -> None:
    seen: dict[str, list[int]] = {}
    for j, header in enumerate(headers):
        if header.strip():
            seen.setdefault(header.strip(), []).append(j)
    for header, positions in seen.items():
        if len(positions) > 1:
            places = ", ".join(str(p + 1) for p in positions)
            problems.add("duplicate_header", f"header {header!r} appears {len(positions)} times (columns {places})",
                         row=1, column=header, allowed="each header once")


def _contained(candidates: list[str], free: list[Target]) -> str | None:
    """The one target whose longest text is contained in a candidate header (ties: no match)."""
    for candidate in candidates:
        header = normalise_text(candidate)
        hits = {}
        for target in free:
            length = max((len(t) for t in target.texts if len(t) >= _MIN_CONTAINED and t in header), default=0)
            if length:
                hits[target.id] = length
        if hits:
            best = max(hits.values())
            winners = [t for t, length in hits.items() if length == best]
            if len(winners) == 1:
                return winners[0]
    return None


# --- cell conversion ---------------------------------------------------------------------------------------

def _is_numeric(values: pd.Series) -> bool:
    return values.dtype.kind in "iuf"


def _by_unique(values: pd.Series, convert) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``convert`` (value → float, NaN when it cannot) to the distinct values; return the converted
    column and the mask of cells that were present but could not be converted."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([convert(u) for u in uniques], dtype=float)
    present = codes >= 0
    out = np.full(len(values), np.nan)
    out[present] = mapped[codes[present]]
    return out, present & np.isnan(out)


def _number(value: object) -> float:
    if isinstance(value, (bool, np.bool_)):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return float(text) if _NUMBER.fullmatch(text) else np.nan


def label_lookup(labels: dict[float, list[str]]) -> dict[str, float]:
    """Normalised label (:func:`normalise_label`) → code, for labels in every language."""
    return {normalise_label(label): float(code) for code, texts in labels.items() for label in texts
            if normalise_label(label)}


def codes_from_cells(values: pd.Series, lookup: dict[str, float],
                     value_labels: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Answer codes of one column: numbers as they are, labels through ``lookup``; with SPSS/Stata
    ``value_labels`` a stored code whose label is in ``lookup`` becomes that code. Returns (codes, unreadable mask)."""
    codes, unreadable, _ = answer_codes(values, lookup, value_labels)
    return codes, unreadable


def answer_codes(values: pd.Series, lookup: dict[str, float], value_labels: dict | None = None, *,
                 declared: tuple[float | str, ...] = (), skip_codes: tuple[float, ...] = (),
                 unanswered_codes: tuple[float, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Answer codes of one column and why each empty one is empty.

    Returns (codes, unreadable mask, kinds): ``kinds`` is :data:`ANSWERED`, :data:`NOT_ANSWERED` (an empty or
    blank cell, or one of ``unanswered_codes``), :data:`SKIPPED` (a platform marker: one of ``skip_codes`` or
    :data:`SKIP_TEXTS`) or :data:`DECLARED` (one of the ``declared`` missing codes: numbers compared as numbers,
    texts such as ``NA`` compared with the stripped, case-folded cell). Markers and codes are
    compared with the value stored in the file, before any value-label recoding; a declared code wins over a marker.
    Only these cells become missing: a label such as ``None`` or ``N/A`` is looked up like any other.
    """
    declared_set = {float(c) for c in declared if not isinstance(c, str)}
    declared_texts = {_folded(c) for c in declared if isinstance(c, str)}
    skip_set, unanswered_set = set(skip_codes), set(unanswered_codes)
    if _is_numeric(values) and not value_labels:
        codes = values.to_numpy(dtype=float, na_value=np.nan).copy()
        kinds = np.where(np.isnan(codes), NOT_ANSWERED, ANSWERED).astype(np.int8)
        for marks, kind in ((unanswered_set, NOT_ANSWERED), (skip_set, SKIPPED), (declared_set, DECLARED)):
            if marks:
                hit = np.isin(codes, list(marks))
                kinds[hit] = kind
                codes[hit] = np.nan
        return codes, np.zeros(len(values), dtype=bool), kinds
    recode = _recode_from_value_labels(value_labels or {}, lookup)

    def convert(value) -> tuple[float, int]:
        number = _number(value)
        if not np.isnan(number):
            if number in declared_set:
                return np.nan, DECLARED
            if number in skip_set:
                return np.nan, SKIPPED
            if number in unanswered_set:
                return np.nan, NOT_ANSWERED
            return recode(number), ANSWERED
        if isinstance(value, float):
            return np.nan, NOT_ANSWERED
        folded = _folded(value)
        if not folded:
            return np.nan, NOT_ANSWERED
        if folded in declared_texts:
            return np.nan, DECLARED
        if folded in SKIP_TEXTS:
            return np.nan, SKIPPED
        return lookup.get(normalise_label(value), np.nan), ANSWERED

    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    pairs = [convert(u) for u in uniques]
    mapped = np.array([p[0] for p in pairs], dtype=float)
    mapped_kinds = np.array([p[1] for p in pairs], dtype=np.int8)
    present = positions >= 0
    codes = np.full(len(values), np.nan)
    codes[present] = mapped[positions[present]]
    kinds = np.full(len(values), NOT_ANSWERED, dtype=np.int8)
    kinds[present] = mapped_kinds[positions[present]]
    return codes, present & np.isnan(codes) & (kinds == ANSWERED), kinds


def _recode_from_value_labels(value_labels: dict, lookup: dict[str, float]):
    """Stored code → answer code, from the value labels that name an answer. When all such labels agree on
    one shift (codes 0–4 labelled as the points 1–5) every stored code is shifted; otherwise only the
    labelled codes are recoded."""
    pairs = {float(c): lookup[normalise_label(label)] for c, label in value_labels.items()
             if isinstance(c, (int, float)) and normalise_label(label) in lookup}
    shifts = {target - stored for stored, target in pairs.items()}
    if len(shifts) == 1:
        shift = shifts.pop()
        return lambda number: number + shift
    return lambda number: pairs.get(number, number)


def seconds_from_cells(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Completion times in seconds: ``256``, ``256秒``, ``4分16秒``, ``1h2m``, ``00:04:16``, ``4:16``, Excel times."""
    if _is_numeric(values):
        return values.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(values), dtype=bool)
    return _by_unique(values, _seconds)


def _seconds(value: object) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    number = _number(value)
    if not np.isnan(number):
        return number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, secs = clock.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    units = _UNITS.fullmatch(text)
    if units and any(units.groups()):
        hours, minutes, secs = (float(g) if g else 0.0 for g in units.groups())
        return hours * 3600 + minutes * 60 + secs
    return np.nan


def _scale_allowed(scale: Scale, lang: str) -> str:
    labels = scale.labels.get(lang) or next(iter(scale.labels.values()), ())
    span = f"{scale.min}–{scale.max}"
    return f"{span} ({labels[0]} … {labels[-1]})" if labels else span


def _options_allowed(question: Question, lang: str) -> str:
    return ", ".join(f"{o.code} {o.label.get(lang)}" for o in question.options)


@dataclass(frozen=True, eq=False)
class Answers:
    """The converted table (see :class:`analysis.ingest.readers.SurveyData` for the meaning of each part)."""

    responses: pd.DataFrame
    row_numbers: pd.Series
    column_map: dict[str, str]
    extra: pd.DataFrame
    dropped_personal: tuple[PersonalColumn, ...]
    absent: tuple[str, ...]
    masked_cells: int
    missing_kinds: pd.DataFrame
    duration_from: tuple[str, ...] = ()


def convert_answers(frame: pd.DataFrame, headers: tuple[str, ...], rows: np.ndarray, value_labels: dict[int, dict],
                    match: ColumnMatch, instrument: Instrument, problems: ProblemCollector, *,
                    unanswered_codes: tuple[float, ...] = (),
                    declared_cells: dict[int, np.ndarray] | None = None) -> Answers:
    """Turn the matched columns into codes/numbers/seconds, recording every bad cell in ``problems``.

    Empty cells, platform skip markers (:data:`SKIP_CODES`, :data:`SKIP_TEXTS`), the instrument's declared
    ``missing_codes`` and ``unanswered_codes`` (Qualtrics' -99) become missing, each kind recorded in
    ``Answers.missing_kinds``; a marker that is an answer code of its column stays an answer. ``declared_cells``
    (column position → mask) are empty cells the file itself declares missing (SPSS/Stata): declared missing.
    Multiple choice in any layout becomes 0/1 option columns (:mod:`analysis.ingest.choices`); "other" fill-ins
    go to ``<question>_other``. Without a duration column the completion time is the end minus the start timestamp."""
    declared_cells = declared_cells or {}
    lang = instrument.languages[0]
    dropped: list[PersonalColumn] = []
    id_position = choose_id_column(frame, headers, match.id_candidates, instrument.id_column)
    extra_positions = match.extra + tuple(p for p in match.id_candidates if p != id_position)
    ids = _respondent_ids(frame, headers, rows, id_position, dropped)
    columns: dict[str, np.ndarray] = {}
    kinds_of: dict[str, np.ndarray] = {}
    scale_of = {item.id: c.scale for c in instrument.constructs for item in c.items}
    scale_of.update({check.id: instrument.scale for check in instrument.attention_checks})

    def bad_cells(code, mask, position, allowed, problem):
        if mask.any():
            problems.add_cells(code, rows=rows[mask], respondents=ids[mask], column=headers[position],
                               values=frame[position].to_numpy(dtype=object)[mask], allowed=allowed, problem=problem)

    def cell_kinds(target_id, position, values, lookup, valid):
        """(codes, unreadable, kinds) of a column; markers only where they are not answers (``valid``)."""
        def markers(candidates):
            return tuple(c for c in candidates if not valid(np.array([c]))[0])

        codes, unreadable, kinds = answer_codes(
            values, lookup, value_labels.get(position), declared=instrument.missing_codes_of(target_id),
            skip_codes=markers(SKIP_CODES), unanswered_codes=markers(unanswered_codes))
        if position in declared_cells:
            kinds[declared_cells[position] & (kinds == NOT_ANSWERED)] = DECLARED
        return codes, unreadable, kinds

    def codes_column(target_id, position, lookup, valid, allowed, question=None, values=None):
        values, fills = split_fill_ins(frame[position] if values is None else values)
        codes, unreadable, kinds = cell_kinds(target_id, position, values, lookup, valid)
        kinds_of[target_id] = kinds
        bad_cells("not_a_code", unreadable, position, allowed, "is not an answer code or label")
        outside = ~np.isnan(codes) & ~valid(codes)
        bad_cells("out_of_range", outside, position, allowed, "is not allowed")
        columns[target_id] = codes
        if fills is not None:
            filled = fills.notna().to_numpy(dtype=bool) & ~np.isnan(codes)
            other = question.other_option if question else None
            wrong = filled & ((codes != (other.code if question.type == "single" else 1)) if other else True)
            bad_cells("fill_in_not_allowed", wrong, position,
                      f"a fill-in only after option {other.code} {other.label.get(lang)}" if other
                      else "no fill-in (the question has no 'other, please specify' option)",
                      "has a fill-in text on an option that is not 'other, please specify'")
            add_fill_ins(question, np.where(filled & ~wrong, fills.to_numpy(dtype=object), None))

    fill_ins: dict[str, np.ndarray] = {}

    def add_fill_ins(question, texts):
        if question is not None and question.other_option is not None:
            kept = fill_ins.setdefault(question.other_column, np.full(len(frame), None, dtype=object))
            kept[pd.isna(kept)] = texts[pd.isna(kept)]

    for target_id, scale in scale_of.items():
        if target_id in match.columns:
            lookup = label_lookup({code: [labels[i] for labels in scale.labels.values()]
                                   for i, code in enumerate(scale.points)})
            codes_column(target_id, match.columns[target_id], lookup,
                         lambda c, s=scale: (c >= s.min) & (c <= s.max) & (c == np.round(c)),
                         _scale_allowed(scale, lang))
    masked = 0
    for question in instrument.questions:
        if question.type == "multiple":
            _multiple_columns(question, match, frame, lang, codes_column, cell_kinds, bad_cells, columns, kinds_of,
                              add_fill_ins)
        elif question.id in match.columns and question.type == "text":
            position = match.columns[question.id]
            kind = _personal_by_content(frame[position])
            if kind:
                dropped.append(PersonalColumn(headers[position], kind, "content"))
            else:
                columns[question.id], count = _mask_personal(_without_skip_texts(frame[position]))
                masked += count
        elif question.id in match.columns:
            _question_column(question, match.columns[question.id], lang, codes_column)
        if question.other_option is not None and question.other_column in match.columns:
            typed = _without_skip_texts(frame[match.columns[question.other_column]])
            add_fill_ins(question, typed.where(typed.astype(str).str.strip() != "").to_numpy(dtype=object,
                                                                                          na_value=None))
    for column, texts in fill_ins.items():
        if pd.notna(texts).any():
            columns[column], count = _mask_personal(pd.Series(texts, dtype=object))
            masked += count
    duration_from = _durations(frame, headers, match, columns, bad_cells)
    order = [t for t in match.targets if t in columns and t != DURATION_COLUMN] + \
        [t for t in columns if t not in match.targets] + ([DURATION_COLUMN] if DURATION_COLUMN in columns else [])
    index = pd.Index(ids, name="respondent", dtype="str")
    responses = pd.DataFrame({t: columns[t] for t in order}, index=index)
    missing_kinds = pd.DataFrame({t: kinds_of[t] for t in order if t in kinds_of}, index=index)
    items = [i for i in instrument.item_ids if i in responses]
    if items and len(responses) and responses[items].isna().all().all():
        problems.add("no_answers", "not one answer in any item column", allowed="answer codes in the item columns")
    unused_times = tuple(match.columns[t] for t in (STARTED, ENDED) if t in match.columns and not duration_from)
    extra, extra_masked = _extra_columns(frame, headers, tuple(sorted(extra_positions + unused_times)), index, dropped)
    gone = {d.header for d in dropped}
    used = {t: p for t, p in match.columns.items() if t not in (STARTED, ENDED) or duration_from}
    used["id"] = id_position
    column_map = {headers[p]: t if t != "id" else instrument.id_column or "resp_id"
                  for t, p in used.items() if p is not None and headers[p] not in gone}
    names = {"id": instrument.id_column or "resp_id", DURATION_COLUMN: instrument.duration_column or DURATION_COLUMN}
    absent = tuple(names.get(t.id, t.id) for t in match.targets.values()
                   if t.id not in match.columns and t.kind not in ("item", "time", "other_text", "option")
                   and not (t.kind == "multiple" and any(c.startswith(f"{t.id}_") for c in columns))
                   and not (t.id == DURATION_COLUMN and duration_from))
    return Answers(responses, pd.Series(rows, index=index, name="row"), column_map, extra, tuple(dropped),
                   absent, masked + extra_masked, missing_kinds, duration_from)


def _multiple_columns(question: Question, match: ColumnMatch, frame: pd.DataFrame, lang: str, codes_column,
                      cell_kinds, bad_cells, columns: dict, kinds_of: dict, add_fill_ins) -> None:
    """The 0/1 option columns of a multiple-choice question, from one column per option or one for the question."""
    option_columns = question.option_columns()
    if question.id in match.columns and not any(c in match.columns for c in option_columns):
        position = match.columns[question.id]
        lookup = label_lookup({o.code: list(o.label.by_lang.values()) for o in question.options})
        codes = np.array([o.code for o in question.options], dtype=float)
        _, _, kinds = cell_kinds(question.id, position, frame[position], lookup, lambda c: np.isin(c, codes))

        def code_of_part(part: str) -> float:
            number = _number(part)
            return number if not np.isnan(number) else lookup.get(normalise_label(part), np.nan)

        matrix, bad, fills = chosen_options(frame[position], question, code_of_part, kinds)
        bad_cells("not_a_code", bad, position, f"options {_options_allowed(question, lang)}, separated by ┋",
                  "is not a set of answer codes or labels")
        for k, column in enumerate(option_columns):
            columns[column] = matrix[:, k]
            kinds_of[column] = kinds.copy()
        add_fill_ins(question, fills)
        return
    for option, column in zip(question.options, option_columns):
        if column in match.columns:
            lookup = label_lookup({1: [*_TRUE, *option.label.by_lang.values()], 0: _FALSE})
            values = frame[match.columns[column]]
            if option.other:
                values = _typed_other(values, lookup, question)
            codes_column(column, match.columns[column], lookup, lambda c: (c == 0) | (c == 1),
                         f"0 (not chosen) or 1 (chosen) or the label {option.label.get(lang)!r}", question, values)
    present = [c for c in option_columns if c in columns]
    unchosen_as_zero([columns[c] for c in present], [kinds_of[c] for c in present], empty=NOT_ANSWERED,
                     answered=ANSWERED)


def _typed_other(values: pd.Series, lookup: dict[str, float], question: Question) -> pd.Series:
    """The column of an "other, please specify" option that holds the typed text itself (SurveyMonkey): a text that
    is no code, label, marker or declared missing code becomes chosen with that text as its fill-in."""
    declared = {_folded(c) for c in (question.missing_codes or ()) if isinstance(c, str)}

    def typed(value):
        if not isinstance(value, str) or "〖" in value or not value.strip() or not np.isnan(_number(value)):
            return value
        folded = _folded(value)
        known = normalise_label(value) in lookup or folded in SKIP_TEXTS or folded in declared
        return value if known else f"1〖{value.strip()}〗"

    return values if values.dtype.kind in "biufcmM" else values.map(typed)


def _question_column(question: Question, position: int, lang: str, codes_column) -> None:
    """Convert a single-choice, numeric or NPS column through ``codes_column`` (codes or labels, range checked)."""
    if question.type == "single":
        lookup = label_lookup({o.code: list(o.label.by_lang.values()) for o in question.options})
        allowed_codes = np.array([o.code for o in question.options], dtype=float)
        codes_column(question.id, position, lookup, lambda c: np.isin(c, allowed_codes),
                     _options_allowed(question, lang), question)
    else:
        low, high = (question.min, question.max) if question.type == "numeric" else (0, 10)
        whole = question.type == "nps"
        span = f"{'whole numbers ' if whole else 'numbers '}" + (
            f"{low:g}–{high:g}" if low is not None and high is not None
            else f"≥ {low:g}" if low is not None else f"≤ {high:g}" if high is not None else "")
        codes_column(question.id, position, {}, lambda c: (c >= (-np.inf if low is None else low))
                     & (c <= (np.inf if high is None else high)) & ((not whole) | (c == np.round(c))), span.strip())


def _durations(frame, headers, match: ColumnMatch, columns: dict, bad_cells) -> tuple[str, ...]:
    """``duration_s`` from the duration column, else from the start and end timestamps; returns the headers of
    the timestamps it was derived from (empty when it was read or there is none)."""
    allowed = "seconds such as 256, 256秒, 4分16秒 or 00:04:16"
    if DURATION_COLUMN in match.columns:
        position = match.columns[DURATION_COLUMN]
        seconds, unreadable = seconds_from_cells(frame[position])
        stamps = np.zeros(len(seconds), dtype=bool)
        if unreadable.any():
            stamps[unreadable] = ~np.isnan(timestamps_from_cells(frame[position][unreadable])[0])
        bad_cells("bad_duration", stamps, position, allowed + " (a start or end time is not a duration)",
                  "is a timestamp, not a completion time")
        bad_cells("bad_duration", (unreadable & ~stamps) | (seconds < 0), position, allowed,
                  "is not a completion time")
        columns[DURATION_COLUMN] = seconds
        return ()
    if STARTED not in match.columns or ENDED not in match.columns:
        return ()
    times = {}
    for target in (STARTED, ENDED):
        position = match.columns[target]
        times[target], unreadable = timestamps_from_cells(frame[position])
        bad_cells("bad_timestamp", unreadable, position, "a date and time such as 2026-11-27 10:23:45",
                  "is not a date and time")
    seconds = times[ENDED] - times[STARTED]
    bad_cells("bad_duration", seconds < 0, match.columns[ENDED], f"a time after {headers[match.columns[STARTED]]}",
              f"is before the start time ({headers[match.columns[STARTED]]})")
    columns[DURATION_COLUMN] = seconds
    return headers[match.columns[STARTED]], headers[match.columns[ENDED]]


def timestamps_from_cells(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps as seconds since 1970 (``2026-11-27 10:23:45``, ``2026/11/27 10:23``, ``2026年11月27日 10:23``,
    ``11/27/2026 10:23:45 AM``, Excel dates); (seconds, mask of cells that are not a date and time)."""
    if values.dtype.kind == "M":
        stamps = values.to_numpy(dtype="datetime64[ns]")
        return np.where(np.isnat(stamps), np.nan, stamps.astype(np.int64) / 1e9), np.zeros(len(values), dtype=bool)
    return _by_unique(values, _timestamp)


def _timestamp(value: object) -> float:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value).value / 1e9
    if not isinstance(value, str) or not re.search(r"\d{1,4}\s*[-/年.]\s*\d{1,2}", value):
        return np.nan
    text = _CHINESE_DATE.sub(r"\1-\2-\3", unicodedata.normalize("NFKC", value).strip())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.Timestamp(text).value / 1e9
    except (ValueError, OverflowError):
        return np.nan


def choose_id_column(frame: pd.DataFrame, headers: tuple[str, ...], candidates: tuple[int, ...],
                     declared: str | None) -> int | None:
    """The respondent-id column among several id-like ones (``序号`` and ``答卷编号``): the instrument's
    ``id_column`` when the file has it, else the first (in file order) whose cells are all filled and distinct,
    else the first; the others stay ordinary extra columns."""
    if not candidates:
        return None
    named = [p for p in candidates if declared and _folded(headers[p]) == _folded(declared)]
    if named:
        return named[0]
    for position in candidates:
        values = frame[position]
        if values.notna().all() and values.is_unique:
            return position
    return candidates[0]


def _respondent_ids(frame, headers, rows, position: int | None, dropped: list[PersonalColumn]) -> np.ndarray:
    """Ids as text (``1001`` rather than ``1001.0``); ``row R`` where the id is missing or the file has none
    (or where the id column holds personal data, which is then dropped)."""
    def by_row(mask=slice(None)) -> np.ndarray:
        return ("row " + pd.Series(rows[mask]).astype(str)).to_numpy(dtype=object)

    if position is None:
        return by_row()
    values = frame[position]
    kind = _personal_by_content(values)
    if kind:
        dropped.append(PersonalColumn(headers[position], kind, "content"))
        return by_row()
    if _is_numeric(values):
        numbers = pd.Series(values.to_numpy(dtype=float, na_value=np.nan))
        whole = np.isfinite(numbers) & (numbers.abs() < 2 ** 53) & (numbers == numbers.round())
        text = numbers.where(whole, 0).astype(np.int64).astype(str).to_numpy(dtype=object, copy=True)
        text[~whole] = numbers[~whole].map(format_value).to_numpy(dtype=object)
        missing = numbers.isna().to_numpy()
    else:
        text = values.to_numpy(dtype=object, na_value=None, copy=True)
        present = values.notna().to_numpy()
        text[present] = pd.Series(text[present]).astype(str).str.strip().to_numpy(dtype=object)
        missing = ~present | (text == "")
    if missing.any():
        text[missing] = by_row(missing)
    return text


def personal_kind_of_header(header: str) -> str | None:
    """The kind of personal data a header announces (:data:`PERSONAL_HEADERS`), or None."""
    folded = _folded(header)
    return next((kind for kind, pattern in PERSONAL_HEADERS.items() if pattern.search(folded)), None)


def _personal_by_content(values: pd.Series) -> str | None:
    """The kind of personal data that more than half of a sample of the non-empty values are, or None."""
    present = values.dropna()
    if present.empty:
        return None
    if len(present) > _CONTENT_SAMPLE:
        present = present.iloc[np.linspace(0, len(present) - 1, _CONTENT_SAMPLE).astype(np.int64)]
    text = present.astype(str).str.strip()
    for kind, pattern in PERSONAL_VALUES.items():
        if text.str.fullmatch(pattern).mean() > 0.5:
            return kind
    return None


def _without_skip_texts(values: pd.Series) -> pd.Series:
    """A free-text column with the platform skip markers (:data:`SKIP_TEXTS`) made empty."""
    skipped = values.map(lambda v: isinstance(v, str) and _folded(v) in SKIP_TEXTS).to_numpy(dtype=bool)
    return values.mask(skipped) if skipped.any() else values


def _mask_personal(values: pd.Series) -> tuple[np.ndarray, int]:
    """Free text with e-mail addresses, ID-card and phone numbers replaced by ``[removed]``; count of cells changed."""
    text = values.astype("string")
    masked = text.str.replace(PERSONAL_IN_TEXT, REMOVED, regex=True)
    changed = int((masked != text).fillna(False).sum())
    return masked.to_numpy(dtype=object, na_value=np.nan), changed


def _extra_columns(frame, headers, positions, index, dropped: list[PersonalColumn]) -> tuple[pd.DataFrame, int]:
    """The unmatched columns under their headers, minus personal data (by header, then by content), with
    personal data inside text masked; and the count of masked cells."""
    kept, masked = {}, 0
    for position in positions:
        header = headers[position] or f"column {position + 1}"
        kind = personal_kind_of_header(header)
        how = "header"
        if kind is None:
            kind, how = _personal_by_content(frame[position]), "content"
        if kind:
            dropped.append(PersonalColumn(header, kind, how))
        elif header not in kept and _is_numeric(frame[position]):
            kept[header] = frame[position].to_numpy()
        elif header not in kept:
            kept[header], count = _mask_personal(frame[position])
            masked += count
    return pd.DataFrame(kept, index=index), masked
