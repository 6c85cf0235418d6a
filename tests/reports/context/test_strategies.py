"""Chapters 3.10 (open-answer themes), 4, 5 and 6 print the numbers and decisions of results.json: the theme table,
each strategy's weakest items and themes, the phased plan with its KPIs, the target table and the loyalty pattern —
in the context and in the written report.md. Reads the session's demo run; expectations come from its results.json."""

import pytest

from reports import typeset as ts
from reports.context import build_context


def _shown(kind, value):
    return ts.share(value) if kind == "share" else ts.num(value, 1)


def _md_row(cells):
    return "| " + " | ".join(cells) + " |"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_open_answer_theme_table_equals_results(demo, contexts, lang):
    results, _, report = demo
    coded = results["open_answers"]
    rows = contexts[lang].tables["open_answer_themes"].rows
    assert [r[0].text for r in rows] == [t["label"][lang] for t in coded["themes"]]
    for row, theme in zip(rows, coded["themes"]):
        assert [row[1].value, row[2].value, row[3].value] == [theme["count"], theme["n_praise"], theme["share"]]
        assert row[3].text == ts.share(theme["share"])
        assert all(f"“{e}”" in row[4].text for e in theme["examples"])
    if lang == "zh":
        assert _md_row([c.text for c in rows[0]]) in report
        assert ts.integer(coded["n_answers"]) in contexts[lang].values["open_themes"]["text"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_and_targets_equal_results(demo, contexts, lang):
    results, instrument, report = demo
    ctx, plan, targets = contexts[lang], results["action_plan"], results["indicator_targets"]
    by_key = {(t["indicator"], t["construct"]): t for t in targets["targets"]}
    rows = ctx.tables["plan"].rows
    assert len(rows) == len(plan["drivers"])
    for row, driver in zip(rows, plan["drivers"]):
        assert row[1].text.startswith(instrument.construct(driver["construct"]).name.get(lang))
        assert str(driver["priority"]) in row[1].text
        assert row[0].text.startswith({"zh": {"short": "短期", "medium": "中期", "long": "长期"},
                                       "en": {"short": "Short", "medium": "Medium", "long": "Long"}}[lang][driver["phase"]])
        for kpi in driver["kpis"]:
            t = by_key[(kpi["indicator"], kpi["construct"])]
            assert f"{_shown(t['kind'], t['current'])} → {_shown(t['kind'], t['target'])}" in row[4].text
        for item in driver["weakest_items"]:
            assert next(i for i in instrument.items if i.id == item["item"]).text.get(lang) in row[2].text
    target_rows = ctx.tables["indicator_targets"].rows
    assert [(r[1].value, r[2].value) for r in target_rows] == [(t["current"], t["target"]) for t in targets["targets"]]
    assert [(r[1].text, r[2].text) for r in target_rows] == [(_shown(t["kind"], t["current"]), _shown(t["kind"], t["target"]))
                                                             for t in targets["targets"]]
    outcome = by_key[(plan["outcome_kpi"]["indicator"], plan["outcome_kpi"]["construct"])]
    assert f"{_shown('index', outcome['current'])} → {_shown('index', outcome['target'])}" in ctx.tables["plan"].notes[0]
    if lang == "zh":
        assert _md_row([c.text for c in target_rows[0]]) in report and _md_row([c.text for c in rows[0]]) in report


def test_each_strategy_cites_its_drivers_weakest_items_and_themes(demo, contexts):
    results, instrument, _ = demo
    labels = {t["id"]: t["label"]["zh"] for t in results["open_answers"]["themes"]}
    sections = contexts["zh"].values["strategies"]["sections"]
    text = {s["area"]: s["text"] + "".join(s["measures"]) for s in sections}
    for driver in results["action_plan"]["drivers"]:
        name = instrument.construct(driver["construct"]).name.get("zh")
        area_text = next(t for t in text.values() if name + "对忠诚度的总效应" in t)
        for item in driver["weakest_items"]:
            assert f"（M = {ts.num(item['mean'])}）" in area_text
        for theme in driver["themes"]:
            assert f"就{labels[theme]}提出建议或批评" in area_text
        for theme in driver["praised_themes"]:
            assert f"肯定了{labels[theme]}" in area_text


def test_the_loyalty_pattern_is_discussed_with_dick_and_basu(demo, contexts):
    pattern = demo[0]["loyalty_pattern"]
    text = contexts["zh"].values["indicator_system"]["pattern"]
    assert "[[citet:dick1994]]" in text and ts.num(pattern["nps"], 1) in text
    assert ("虚假忠诚" in text) == (pattern["pattern"] == "spurious_loyalty")
    assert ("惯性" in text) == (pattern["pattern"] == "spurious_loyalty")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_resources_follow_the_plan(demo, contexts, lang):
    """5.2 names each driver under its owner's role with the KPI targets of the plan, and funds the drivers in the
    order of their phases (the long term only maintained)."""
    results, instrument, report = demo
    resources = contexts[lang].values["resources"]
    assert resources["general"] is False
    targets = {(t["indicator"], t["construct"]): t for t in results["indicator_targets"]["targets"]}
    drivers = results["action_plan"]["drivers"]
    for driver in drivers:
        name = instrument.construct(driver["construct"]).name.get(lang)
        assert name in resources["people"] and name in resources["funds"]
        for kpi in driver["kpis"]:
            t = targets[(kpi["indicator"], kpi["construct"])]
            assert f"{_shown(t['kind'], t['current'])} → {_shown(t['kind'], t['target'])}" in resources["people"]
    first = {"short": 0, "medium": 1, "long": 2}
    order = sorted(drivers, key=lambda d: first[d["phase"]])
    positions = [resources["funds"].index(instrument.construct(d["construct"]).name.get(lang)) for d in order]
    assert positions == sorted(positions)
    if lang == "zh":
        assert resources["funds"].split("[[")[0] in report and "培养和引进营销" not in report


def test_resources_without_a_plan_fall_back_to_the_general_measures(demo):
    results, instrument, _ = demo
    without = {k: v for k, v in results.items() if k != "action_plan"}
    assert build_context(without, instrument, "zh").values["resources"] == {"general": True}
