"""Tables workbook: numbers stay numbers; text that Excel would run as a formula is neutralised."""
from openpyxl import load_workbook

from reports.document import Document, TableBlock
from reports.render_xlsx import neutralise, write_xlsx
from reports.tables import Cell, make_table


def test_formula_injection_is_neutralised_and_numbers_are_numbers(tmp_path):
    table = make_table("t", "=cmd|' /C calc'!A0", ["@head", "value"],
                       [[Cell("=HYPERLINK(\"http://x\")"), Cell("−.123", -0.123)], [Cell("+1"), Cell("-2")],
                        [Cell("plain"), Cell("3.00", 3.0)]])
    doc = Document("title", "en", [TableBlock(table, "Table 3-1")])
    wb = load_workbook(write_xlsx(doc, tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["Contents", "Table 3-1"]
    ws = wb["Table 3-1"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("'@head", "value")
    assert rows[2] == ("'=HYPERLINK(\"http://x\")", -0.123)
    assert rows[3] == ("'+1", "'-2")
    assert rows[4] == ("plain", 3.0)
    assert wb["Contents"]["B3"].value == "'=cmd|' /C calc'!A0"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_neutralise_leaves_numbers_and_safe_text_alone():
    assert neutralise(-1.5) == -1.5
    assert neutralise("χ²(3) = 2.00") == "χ²(3) = 2.00"
    assert neutralise("\tx") == "'\tx"


def test_numbers_are_stored_at_the_report_precision_and_intervals_as_two_columns(tmp_path):
    table = make_table("t", "caption", ["α", "95% CI", "share", "p"],
                       [[Cell(".842", 0.84213), Cell("[.818, .864]"), Cell("38.4%", 0.38421), Cell("< .001", 0.00002)],
                        [Cell(".766", 0.76642), Cell("[87.3%, 92.5%]"), Cell("—"), Cell(".260", 0.26011)]])
    doc = Document("title", "zh", [TableBlock(table, "表3-1")])
    ws = load_workbook(write_xlsx(doc, tmp_path / "t.xlsx"))["表3-1"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("α", "95% CI 下限", "95% CI 上限", "share", "p")
    assert rows[2] == (0.842, 0.818, 0.864, 0.384, 0.00002)
    assert rows[3] == (0.766, 0.873, 0.925, "—", 0.26)
    assert [c.number_format for c in ws[3]] == ["0.000", "0.000", "0.000", "0.0%", "0.00E+00"]
    assert ws["B4"].number_format == "0.0%"
