"""The data-entry workbook: one column per data column, Excel validation of the allowed codes, a codebook."""
from openpyxl import load_workbook

from questionnaire.entry_template import write_entry_template
from questionnaire.instrument import bundled_instrument_path
from questionnaire.loader import load_instrument


def _validations(ws) -> dict[str, object]:
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_column[ws.cell(row=1, column=rng.min_col).value] = dv
    return by_column


def test_entry_template_columns_and_validation(tmp_path):
    inst = load_instrument(bundled_instrument_path())
    path = write_entry_template(inst, tmp_path / "entry.xlsx")
    wb = load_workbook(path)
    ws = wb["data"]
    header = [c.value for c in ws[1]]
    assert header[0] == inst.id_column and header[-1] == inst.duration_column
    for item in inst.item_ids + [c.id for c in inst.attention_checks] + [q.id for q in inst.questions]:
        assert item in header
    check = inst.attention_checks[0]
    assert header.index(check.id) == header.index(check.after) + 1
    dv = _validations(ws)
    gender = next(q for q in inst.questions if q.id == "gender")
    assert dv["gender"].type == "list" and dv["gender"].formula1 == '"' + ",".join(str(o.code) for o in gender.options) + '"'
    assert (dv["PQ1"].type, dv["PQ1"].operator, dv["PQ1"].formula1, dv["PQ1"].formula2) == ("whole", "between", "1", "5")
    assert (dv["nps"].formula1, dv["nps"].formula2) == ("0", "10")
    assert (dv["orders_6m"].type, dv["orders_6m"].formula1, dv["orders_6m"].formula2) == ("whole", "0", "500")
    assert dv[inst.duration_column].operator == "greaterThanOrEqual"
    assert "suggestion" not in dv and inst.id_column not in dv
    (pq1_range,) = dv["PQ1"].sqref.ranges
    assert (pq1_range.min_row, pq1_range.max_row) == (2, 2001)
    assert dv["PQ1"].showErrorMessage


def test_codebook_sheet_lists_every_column_with_its_codes(tmp_path):
    inst = load_instrument(bundled_instrument_path())
    wb = load_workbook(write_entry_template(inst, tmp_path / "entry.xlsx"))
    rows = {r[0]: r for r in wb["codebook"].iter_rows(min_row=2, values_only=True)}
    assert rows["gender"][3] == "1 = 男; 2 = 女"
    assert rows["PQ1"][1] == inst.items[0].text["zh"]
    assert rows["PQ1"][3].startswith("1 = 非常不同意")
    assert set(rows) == {c.value for c in wb["data"][1]}


def test_a_scale_labelled_at_its_endpoints_lists_those_labels_in_the_codebook():
    from questionnaire.entry_template import entry_columns
    from questionnaire.loader import parse_instrument

    instrument = parse_instrument({"id": "m", "title": "调查", "languages": ["zh"],
                                   "scale": {"min": 0, "max": 10, "labels": {0: "完全不可能", 10: "非常可能"}},
                                   "constructs": [{"id": "LY", "name": "忠诚", "items": ["LY1"]}]})
    (column,) = entry_columns(instrument)
    assert (column.text, column.low, column.high, column.labels) == ("LY1", 0, 10, "0 = 完全不可能; 10 = 非常可能")
