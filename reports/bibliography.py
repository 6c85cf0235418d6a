"""The works the report cites (``reports/bibliography.yaml``) and how citations and the reference list are written.

Report text cites by key: ``[[cite:key1,key2]]`` is a parenthetical citation, ``[[citet:key]]`` a narrative
one. :class:`Citations` resolves them in reading order and numbers the works by first citation:

* zh, GB/T 7714-2015 顺序编码制: ``[1]``, ``[1,3]``, ``[2-4]``; narrative ``Oliver[1]``, ``Dick 和 Basu[2]``,
  ``Podsakoff 等[3]``; the list ``[1] Oliver R L. Whence consumer loyalty?[J]. Journal of Marketing, 1999,
  63(Special Issue): 33-44. DOI:…`` (types [J] article, [M] book, [D] thesis; three authors, then "et al.").
* en, APA 7th ed. (§8.17, §9.4–9.8): ``(Oliver, 1999; Dick & Basu, 1994)``, narrative ``Dick and Basu (1994)``,
  ``Podsakoff et al. (2003)``; the list in alphabetical order, ``Oliver, R. L. (1999). Whence consumer
  loyalty? *Journal of Marketing, 63*(Special Issue), 33–44. https://doi.org/…`` (journal, volume and book
  titles marked with :func:`reports.typeset.italic`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from questionnaire.errors import input_error
from reports.typeset import italic

CITATION = re.compile(r"\[\[(cite|citet):([A-Za-z0-9_,\s]+)\]\]")
BIBLIOGRAPHY_FILE = "bibliography.yaml"
ENTRY_TYPES = {"article": "J", "book": "M", "thesis": "D"}


@dataclass(frozen=True)
class Work:
    """One entry of the bibliography; ``authors`` as "Family, Given Names"."""

    key: str
    type: str
    authors: tuple[str, ...]
    year: int
    title: str
    journal: str | None = None
    volume: int | str | None = None
    issue: int | str | None = None
    pages: str | None = None
    doi: str | None = None
    edition: int | None = None
    place: str | None = None
    publisher: str | None = None
    isbn: str | None = None
    school: str | None = None

    @property
    def families(self) -> list[str]:
        return [a.split(",")[0].strip() for a in self.authors]


@lru_cache(maxsize=1)
def bibliography() -> dict[str, Work]:
    """The bundled works by key."""
    raw = yaml.safe_load((resources.files("reports") / BIBLIOGRAPHY_FILE).read_text(encoding="utf-8"))
    return {key: Work(key=key, **{**fields, "authors": tuple(fields["authors"])}) for key, fields in raw.items()}


def _initials(given: str, dots: bool) -> str:
    """"Richard P." → "R P" (GB/T, capitals) or "R. P." (APA); a hyphenated name gives "J Y" (GB/T) or
    "J.-Y." (APA, the hyphen and the letter case kept: "L.-t.")."""
    parts = []
    for name in given.replace(".", " ").split():
        pieces = [p[0] for p in name.split("-") if p]
        parts.append("-".join(p + "." for p in pieces) if dots else " ".join(p.upper() for p in pieces))
    return " ".join(parts)


def _author_gbt(author: str) -> str:
    family, _, given = author.partition(",")
    return f"{family.strip()} {_initials(given, dots=False)}".strip()


def _author_apa(author: str) -> str:
    family, _, given = author.partition(",")
    return f"{family.strip()}, {_initials(given, dots=True)}".strip().rstrip(",")


def _end(text: str, mark: str = ".") -> str:
    return text if text.endswith(("?", "!", ".")) else text + mark


def gbt7714(work: Work) -> str:
    """One entry in GB/T 7714-2015 (without its number)."""
    authors = [_author_gbt(a) for a in work.authors]
    names = ", ".join(authors[:3]) + (", et al" if len(authors) > 3 else "")
    kind = ENTRY_TYPES[work.type]
    if work.type == "article":
        issue = f"({work.issue})" if work.issue else ""
        text = f"{names}. {work.title}[{kind}]. {work.journal}, {work.year}, {work.volume}{issue}: {work.pages}."
    elif work.type == "book":
        edition = f" {_ordinal(work.edition)} ed." if work.edition else ""
        text = f"{names}. {work.title}[{kind}].{edition} {work.place}: {work.publisher}, {work.year}."
    else:
        text = f"{names}. {work.title}[{kind}]. {work.place}: {work.school}, {work.year}."
    return text + (f" DOI:{work.doi}." if work.doi else "")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def apa7(work: Work) -> str:
    """One entry in APA 7th ed."""
    authors = [_author_apa(a) for a in work.authors]
    if len(authors) == 1:
        names = authors[0]
    elif len(authors) <= 20:
        names = ", ".join(authors[:-1]) + ", & " + authors[-1]
    else:
        names = ", ".join(authors[:19]) + ", … " + authors[-1]
    head = f"{names} ({work.year}). "
    if work.type == "article":
        issue = f"({work.issue})" if work.issue else ""
        text = (f"{head}{_end(work.title)} {italic(f'{work.journal}, {work.volume}')}{issue}, "
                f"{str(work.pages).replace('-', '–')}.")
    elif work.type == "book":
        edition = f" ({_ordinal(work.edition)} ed.)" if work.edition else ""
        text = f"{head}{italic(work.title)}{edition}. {work.publisher}."
    else:
        text = f"{head}{italic(work.title)} [Doctoral dissertation, {work.school}]."
    return text + (f" https://doi.org/{work.doi}" if work.doi else "")


def _authors_in_text(work: Work, lang: str) -> str:
    families = work.families
    if len(families) >= 3:
        return f"{families[0]} 等" if lang == "zh" else f"{families[0]} et al."
    if len(families) == 2:
        return f"{families[0]} 和 {families[1]}" if lang == "zh" else f"{families[0]} & {families[1]}"
    return families[0]


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → "1-3,5" (GB/T 7714: consecutive numbers joined by a dash)."""
    out, run = [], []
    for n in sorted(set(numbers)):
        if run and n != run[-1] + 1:
            out.append(run)
            run = []
        run.append(n)
    if run:
        out.append(run)
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in out)


class Citations:
    """The citations of one report in reading order: resolves markers and lists the cited works."""

    def __init__(self, lang: str):
        self.lang = lang
        self.works = bibliography()
        self.order: list[str] = []

    def _work(self, key: str) -> Work:
        if key not in self.works:
            raise input_error("the report cites an unknown work", value=key,
                              allowed=f"the keys of reports/{BIBLIOGRAPHY_FILE}")
        if key not in self.order:
            self.order.append(key)
        return self.works[key]

    def cite(self, keys: list[str], narrative: bool = False) -> str:
        """The in-text form of a citation of ``keys``."""
        works = [self._work(k) for k in keys]
        if self.lang == "zh":
            numbers = [self.order.index(w.key) + 1 for w in works]
            if narrative:
                return "、".join(f"{_authors_in_text(w, 'zh')}[{n}]" for w, n in zip(works, numbers))
            return f"[{_ranges(numbers)}]"
        if narrative:
            return "; ".join(f"{_authors_in_text(w, 'en').replace(' & ', ' and ')} ({w.year})" for w in works)
        return "(" + "; ".join(f"{_authors_in_text(w, 'en')}, {w.year}" for w in works) + ")"

    def resolve(self, text: str) -> str:
        """``text`` with every ``[[cite:…]]`` / ``[[citet:…]]`` replaced by its in-text form."""
        return CITATION.sub(lambda m: self.cite([k.strip() for k in m.group(2).split(",") if k.strip()],
                                                m.group(1) == "citet"), text)

    def entries(self) -> list[str]:
        """The reference list: zh numbered in order of first citation (GB/T 7714), en alphabetical (APA 7)."""
        if self.lang == "zh":
            return [f"[{k}] {gbt7714(self.works[key])}" for k, key in enumerate(self.order, start=1)]
        cited = sorted((self.works[key] for key in self.order), key=lambda w: ([f.lower() for f in w.families], w.year))
        return [apa7(w) for w in cited]
