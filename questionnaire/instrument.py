"""The instrument model (Contract 1): what was asked, in which words, on which scale, and the model to test.

An instrument is plain data loaded from YAML by :func:`questionnaire.loader.load_instrument`; these frozen
dataclasses are what the rest of the pipeline sees.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

QUESTION_TYPES = ("single", "multiple", "numeric", "nps", "text")
#: question types a regression can take as a control: a single choice (dummy-coded) or a number
CONTROL_TYPES = ("single", "numeric", "nps")
QUESTION_ROLES = ("platform", "orders", "membership", "nps")
CONSTRUCT_ROLES = ("driver", "mediator", "outcome", "moderator")
#: the estimators a study may ask for (``estimator:``, ``--estimator``); ``auto``: ML unless Mardia's test rejects
#: normality (then MLR), decided in analysis.sem.robust
ESTIMATOR_CHOICES = ("ML", "MLR", "MLM", "auto")
#: how the CFA/SEM treat missing item answers (``missing:``, ``--missing``): listwise deletion, or full-information
#: ML over every kept respondent (analysis.sem.fiml)
MISSING_CHOICES = ("listwise", "fiml")


@dataclass(frozen=True)
class Text:
    """A text in several languages; ``text["zh"]`` or ``text.get("en")``."""

    by_lang: dict[str, str]

    def __getitem__(self, lang: str) -> str:
        return self.by_lang[lang]

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to any language present."""
        return self.by_lang.get(lang) or next(iter(self.by_lang.values()), "")


@dataclass(frozen=True)
class Scale:
    """A Likert scale from ``min`` to ``max`` with one label per point in each language; a point left unlabelled
    (a 0–10 scale labelled at its endpoints only) has the label ``""``."""

    min: int
    max: int
    labels: dict[str, tuple[str, ...]]

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    def point_captions(self, lang: str) -> tuple[str, ...]:
        """One caption per point: its label when every point has one, else the number and the label, if any
        (``0 完全不可能``, ``1``, …, ``10 非常可能``); the numbers alone when the scale has no labels."""
        labels = self.labels.get(lang) or next(iter(self.labels.values()), ())
        if labels and all(labels):
            return tuple(labels)
        labels = labels or ("",) * len(self.points)
        return tuple(f"{p} {label}".strip() for p, label in zip(self.points, labels))

    def reverse(self, code: float) -> float:
        """Recode a reverse-worded answer: min + max − x."""
        return self.min + self.max - code


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    reverse: bool = False
    aliases: tuple[str, ...] = ()
    #: codes that mean "missing" in this item's column; ``None`` = the study's ``missing_codes``
    missing_codes: tuple[float | str, ...] | None = None
    #: False when the instrument gives no ``text``: the id stands in for the wording
    worded: bool = True


@dataclass(frozen=True)
class Construct:
    id: str
    name: Text
    items: tuple[Item, ...]
    scale: Scale
    role: str | None = None
    source: str | None = None
    definition: Text | None = None
    references: tuple[str, ...] = ()   # bibliography keys of the scales the items are adapted from

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]


@dataclass(frozen=True)
class AttentionCheck:
    """An item with one right answer (``expected``) placed among the Likert items after item ``after``."""

    id: str
    text: Text
    expected: int
    after: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """An answer option; ``none`` marks "none of these", ``other`` an "other, please specify" option whose typed
    text (``其他〖唯品会〗``) is kept beside the code."""

    code: int
    label: Text
    none: bool = False
    other: bool = False


@dataclass(frozen=True)
class Question:
    """A background question: ``single``/``multiple`` choice, ``numeric``, ``nps`` (0–10) or free ``text``."""

    id: str
    type: str
    text: Text
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    role: str | None = None
    required: bool = True
    aliases: tuple[str, ...] = ()
    #: codes that mean "missing" in this question's column(s); ``None`` = the study's ``missing_codes``
    missing_codes: tuple[float | str, ...] | None = None
    #: a short name for report sentences ("不同性别的顾客…"); ``None`` = the question's text
    name: Text | None = None

    def option_columns(self) -> list[str]:
        """Data columns of a multiple-choice question: one 0/1 column per option, ``<id>_<code>``."""
        return [f"{self.id}_{o.code}" for o in self.options]

    @property
    def other_option(self) -> Option | None:
        """The "other, please specify" option, if the question has one."""
        return next((o for o in self.options if o.other), None)

    @property
    def other_column(self) -> str:
        """Data column of the text typed into the "other" option: ``<id>_other``."""
        return f"{self.id}_other"


@dataclass(frozen=True)
class Regression:
    """One structural equation ``lhs ~ rhs[0] + rhs[1] + …`` between construct ids."""

    lhs: str
    rhs: tuple[str, ...]


@dataclass(frozen=True)
class Hypothesis:
    """A labelled path: direct (``PQ -> CS``) or indirect (``PQ -> CS -> LY``); ``sign`` is '+' or '-'."""

    label: str
    path: tuple[str, ...]
    sign: str = "+"

    @property
    def is_indirect(self) -> bool:
        return len(self.path) > 2

    def __str__(self) -> str:
        return " -> ".join(self.path)


@dataclass(frozen=True)
class Moderation:
    """A declared moderation: the effect of construct ``x`` on construct ``y`` depends on ``m``, a construct
    or a single-choice background question."""

    x: str
    m: str
    y: str


@dataclass(frozen=True)
class Theme:
    """A theme of the open-answer codebook: an answer mentions it when one of its keywords (any language; a
    Latin-script keyword matches at the start of a word) or regular-expression ``patterns`` occurs in it,
    case ignored. ``constructs``: the constructs the theme speaks to (links it to their strategies)."""

    id: str
    label: Text
    keywords: dict[str, tuple[str, ...]]
    patterns: tuple[str, ...] = ()
    constructs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenAnswerCoding:
    """``open_answers`` of the instrument: which free-text question is coded and with which themes. ``themes``
    are added to the bundled codebook (a theme with a bundled id replaces it), or used alone when
    ``bundled_codebook`` is false. ``question`` None: the first question of type text."""

    question: str | None = None
    bundled_codebook: bool = True
    themes: tuple[Theme, ...] = ()


@dataclass(frozen=True)
class Instrument:
    id: str
    title: Text
    scale: Scale
    constructs: tuple[Construct, ...]
    languages: tuple[str, ...] = ("zh", "en")
    intro: Text | None = None
    id_column: str | None = None
    duration_column: str | None = None
    attention_checks: tuple[AttentionCheck, ...] = ()
    structural: tuple[Regression, ...] = ()
    hypotheses: tuple[Hypothesis, ...] = ()
    outcome: str | None = None
    questions: tuple[Question, ...] = ()
    #: a single-choice question whose answers form the groups of the measurement-invariance analysis
    groups: str | None = None
    #: background questions entered first (step 1) in the regressions of construct scores
    controls: tuple[str, ...] = ()
    moderation: tuple[Moderation, ...] = ()
    #: study-level declared missing codes (``missing_codes: [-99, 999, NA]``: numbers or texts), for every column
    #: without its own
    missing_codes: tuple[float | str, ...] = ()
    #: the CFA/SEM estimator the study asks for (one of :data:`ESTIMATOR_CHOICES`); None: ML unless ``--estimator``
    estimator: str | None = None
    #: how the CFA/SEM treat missing answers (one of :data:`MISSING_CHOICES`); None: listwise unless ``--missing``
    missing: str | None = None
    #: how the open question is coded into themes (``open_answers:``); default: the bundled codebook
    open_answers: OpenAnswerCoding = OpenAnswerCoding()
    source_path: str | None = field(default=None, compare=False)
    document: dict = field(default_factory=dict, compare=False, repr=False)

    def missing_codes_of(self, column_id: str) -> tuple[float | str, ...]:
        """The declared missing codes of an item, attention check, question or multiple-choice option column
        (``<question>_<code>``): its own ``missing_codes`` when given (``[]`` declares none), else the study's."""
        for item in self.items:
            if item.id == column_id:
                return self.missing_codes if item.missing_codes is None else item.missing_codes
        for question in self.questions:
            if question.id == column_id or column_id in question.option_columns():
                return self.missing_codes if question.missing_codes is None else question.missing_codes
        return self.missing_codes

    @property
    def items(self) -> list[Item]:
        return [item for c in self.constructs for item in c.items]

    @property
    def unworded_items(self) -> list[str]:
        """Ids of the items the instrument gives no ``text`` for (the id stands in for the wording)."""
        return [item.id for item in self.items if not item.worded]

    def warnings(self) -> list[str]:
        """What the instrument leaves out that an analysis can do without, in words (``loyalty validate`` and
        ``loyalty run`` show them; a run records them in results.json)."""
        unworded = self.unworded_items
        if not unworded:
            return []
        return [f"{len(unworded)} item(s) have no text in the instrument ({', '.join(unworded)}): their ids stand in "
                f"for the wording; the printable questionnaire needs the wording before it is used"]

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    @property
    def measurement(self) -> dict[str, list[str]]:
        """Construct id → its item ids, the measurement model."""
        return {c.id: c.item_ids for c in self.constructs}

    @property
    def has_structural_model(self) -> bool:
        return bool(self.structural)

    @property
    def drivers(self) -> list[str]:
        """The constructs of role ``driver``; without any, the exogenous constructs."""
        return [c.id for c in self.constructs if c.role == "driver"] or self.exogenous

    @property
    def exogenous(self) -> list[str]:
        """Constructs of the SEM that no structural equation predicts: the drivers (every construct in a
        measurement study)."""
        if not self.structural:
            return [c.id for c in self.constructs]
        endogenous = {r.lhs for r in self.structural}
        return [c for c in self.structural_constructs if c not in endogenous]

    @property
    def structural_constructs(self) -> list[str]:
        """Constructs of the SEM, in instrument order: all but those of role ``moderator`` (such as switching
        cost), which are measured — CFA, reliability, validity, correlations, moderation — but not modelled."""
        return [c.id for c in self.constructs if c.role != "moderator"]

    @property
    def outcome_construct(self) -> str | None:
        """``outcome`` when given, else the left side of the last structural equation."""
        return self.outcome or (self.structural[-1].lhs if self.structural else None)

    def construct(self, construct_id: str) -> Construct:
        return next(c for c in self.constructs if c.id == construct_id)

    def construct_of_item(self, item_id: str) -> Construct:
        return next(c for c in self.constructs if item_id in c.item_ids)

    @property
    def open_question(self) -> Question | None:
        """The free-text question coded into themes: ``open_answers.question``, else the first of type text."""
        wanted = self.open_answers.question
        return next((q for q in self.questions if q.type == "text" and (wanted is None or q.id == wanted)), None)

    def question_by_role(self, role: str) -> Question | None:
        return next((q for q in self.questions if q.role == role), None)

    def structural_syntax(self) -> str:
        """The structural part as lavaan regressions, one per line."""
        return "\n".join(f"{r.lhs} ~ {' + '.join(r.rhs)}" for r in self.structural)


def bundled_instrument_path() -> Path:
    """Path of the bundled e-commerce loyalty instrument (package data)."""
    return Path(str(resources.files("questionnaire.instruments") / "ecommerce_loyalty.yaml"))
