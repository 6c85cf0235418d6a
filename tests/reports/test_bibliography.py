"""The bibliography: every entry identifiable, GB/T 7714 and APA 7 entries, citations numbered by first use."""
import re

import pytest

from questionnaire.errors import InputError
from reports import typeset as ts
from reports.bibliography import Citations, apa7, bibliography, gbt7714


def test_every_work_is_identifiable_by_doi_isbn_or_journal_volume_and_pages():
    for key, work in bibliography().items():
        assert work.type in ("article", "book", "thesis"), key
        assert work.doi or work.isbn or (work.journal and work.volume and work.pages), key
        if work.doi:
            assert re.fullmatch(r"10\.\d{4,5}/\S+", work.doi), key
        if work.type == "book":
            assert work.publisher and work.place and work.isbn, key


def test_gbt7714_and_apa7_entries():
    works = bibliography()
    assert gbt7714(works["podsakoff2003"]).startswith("Podsakoff P M, MacKenzie S B, Lee J Y, et al. Common method biases")
    assert "[J]. Journal of Applied Psychology, 2003, 88(5): 879-903. DOI:10.1037/0021-9010.88.5.879." in gbt7714(works["podsakoff2003"])
    assert gbt7714(works["kline2016"]) == ("Kline R B. Principles and practice of structural equation modeling[M]. 4th ed. "
                                           "New York: Guilford Press, 2016.")
    apa = apa7(works["hu1999"]).replace(ts.ITALIC_START, "*").replace(ts.ITALIC_END, "*")
    assert apa.startswith("Hu, L.-t., & Bentler, P. M. (1999). Cutoff criteria")
    assert "*Structural Equation Modeling: A Multidisciplinary Journal, 6*(1), 1–55. https://doi.org/10.1080/" in apa
    assert apa7(works["cohen1988"]).endswith("(2nd ed.). Lawrence Erlbaum Associates.")


def test_citations_are_numbered_by_first_use_and_listed_in_that_order():
    zh = Citations("zh")
    text = zh.resolve("甲[[cite:hu1999,podsakoff2003,dick1994]]乙[[cite:oliver1999]]丙[[citet:dick1994]]丁[[citet:podsakoff2003]]")
    assert text == "甲[1-3]乙[4]丙Dick 和 Basu[3]丁Podsakoff 等[2]"
    assert [e.split("]")[0] for e in zh.entries()] == ["[1", "[2", "[3", "[4"]
    assert zh.entries()[0].startswith("[1] Hu L T, Bentler P M.")
    en = Citations("en")
    assert en.resolve("[[cite:hu1999,podsakoff2003]] and [[citet:dick1994]]") == \
        "(Hu & Bentler, 1999; Podsakoff et al., 2003) and Dick and Basu (1994)"
    assert [e.split(",")[0] for e in en.entries()] == ["Dick", "Hu", "Podsakoff"]   # APA: alphabetical


def test_an_unknown_key_is_an_input_error():
    with pytest.raises(InputError, match="the report cites an unknown work 'nobody2020'; allowed: the keys of"):
        Citations("zh").resolve("[[cite:nobody2020]]")
