from datetime import datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from parkos.core.exports import Formula, Sheet, workbook_bytes, xlsx_response


def _cells(content: bytes) -> list[list]:
    sheet = load_workbook(BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_text_that_looks_like_a_formula_goes_out_as_text():
    content = workbook_bytes(
        [
            Sheet(
                "企业",
                ["名称", "备注"],
                [['=HYPERLINK("http://x")', "+86 138"], ["@SUM(A1)", "-1"]],
            )
        ]
    )
    rows = _cells(content)
    assert rows[0] == ["名称", "备注"]
    assert rows[1] == ['\'=HYPERLINK("http://x")', "'+86 138"]
    assert rows[2] == ["'@SUM(A1)", "'-1"]


def test_intended_formulas_numbers_and_times_are_kept():
    at = datetime(2026, 12, 7, 16, 30, tzinfo=ZoneInfo("UTC"))
    content = workbook_bytes(
        [Sheet("Index", ["a", "b", "total", "at"], [[Decimal("1.50"), -2, Formula("=A2+B2"), at]])]
    )
    sheet = load_workbook(BytesIO(content)).active
    assert sheet["C2"].value == "=A2+B2"
    assert sheet["A2"].value == 1.5 and sheet["B2"].value == -2
    assert sheet["D2"].value == datetime(2026, 12, 8, 0, 30)  # the park's time


def test_the_download_names_the_file_in_chinese():
    response = xlsx_response("入驻企业", [Sheet("s", ["x"], [])])
    assert response["Content-Disposition"].endswith("%E5%85%A5%E9%A9%BB%E4%BC%81%E4%B8%9A.xlsx")
