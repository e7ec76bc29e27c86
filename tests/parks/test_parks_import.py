"""The enterprise import: a file through the core import kernel, all or nothing, with a row
report naming the row, the column by its label and the problem."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from parkos.core.errors import ValidationFailed
from parkos.core.models import ImportJob
from parkos.parks.imports import import_start
from parkos.parks.models import Enterprise

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ("上海甲科技有限公司", "91350100M000100Y43", "人工智能", "small", "40"),
    ("上海乙软件有限公司", "91110108551385082Q", "software", "medium", "180"),
]
BAD_ROWS = [
    ("上海丙科技有限公司", "91440300708461136X", "cloud", "small", "10"),  # wrong check character
    ("", "91440300708461136T", "cloud", "small", "10"),  # no name
    (
        "上海丁科技有限公司",
        "91440300708461136T",
        "mining",
        "small",
        "-4",
    ),  # unknown industry, negative headcount
]


def csv_bytes(
    rows, encoding="utf-8", header=("企业名称", "统一社会信用代码", "行业", "规模", "人数")
):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def run(network, name, content):
    return ImportJob.objects.get(
        pk=import_start(
            actor=network.operator, park=network.park, file_name=name, content=content
        ).pk
    )


def report(job):
    return {
        row: {e.column: e.message for e in job.row_errors.all() if e.row == row}
        for row in job.row_errors.values_list("row", flat=True)
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk_is_imported(network, encoding):
    job = run(network, "enterprises.csv", csv_bytes(GOOD_ROWS, encoding))
    assert job.status == "done"
    assert (job.created_count, job.updated_count) == (2, 0)
    first = Enterprise.objects.get(credit_code="91350100M000100Y43")
    assert (first.name, first.industry, first.park) == ("上海甲科技有限公司", "ai", network.park)


def test_a_file_with_a_bad_row_writes_nothing_and_reports_every_bad_row(network):
    before = Enterprise.objects.count()
    with translation.override("zh-hans"):
        job = run(network, "enterprises.csv", csv_bytes(GOOD_ROWS + BAD_ROWS))
    assert job.status == "refused"
    assert (job.created_count, job.updated_count, job.error_count) == (0, 0, 3)
    assert Enterprise.objects.count() == before
    rejected = report(job)
    assert set(rejected) == {4, 5, 6}
    assert "credit_code" in rejected[4]
    assert "name" in rejected[5]
    assert {"industry", "headcount"} <= set(rejected[6])
    # Choices are named in the uploader's language (Chinese here), not as codes.
    assert "人工智能" in rejected[6]["industry"] and "ai," not in rejected[6]["industry"]


def test_importing_the_same_file_twice_updates_instead_of_duplicating(network):
    content = csv_bytes(GOOD_ROWS)
    run(network, "a.csv", content)
    count = Enterprise.objects.count()
    again = run(network, "a.csv", content.replace(b"40", b"45"))
    assert Enterprise.objects.count() == count
    assert (again.created_count, again.updated_count) == (0, 2)
    assert Enterprise.objects.get(credit_code="91350100M000100Y43").headcount == 45


def test_duplicate_code_within_a_file_refuses_the_second_row(network):
    job = run(network, "dup.csv", csv_bytes([GOOD_ROWS[0], GOOD_ROWS[0]]))
    assert job.status == "refused" and job.created_count == 0
    error = job.row_errors.get()
    assert (error.row, error.column) == (3, "credit_code")
    assert "2" in error.message


def test_a_row_for_a_park_the_uploader_does_not_manage_is_refused(network):
    header = ("企业名称", "统一社会信用代码", "行业", "园区代码")
    rows = [("上海甲科技有限公司", "91350100M000100Y43", "ai", network.other_park.code)]
    job = run(network, "other.csv", csv_bytes(rows, header=header))
    assert job.status == "refused"
    assert job.row_errors.get().column == "park"
    assert not Enterprise.objects.filter(credit_code="91350100M000100Y43").exists()


def test_xlsx_is_imported(network):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "credit_code", "industry", "headcount"])
    sheet.append(["上海表格科技有限公司", "91350100M000100Y43", "cloud", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run(network, "list.xlsx", buffer.getvalue())
    assert job.created_count == 1
    assert Enterprise.objects.get(credit_code="91350100M000100Y43").headcount == 12


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", "企业名称,统一社会信用代码,行业\n".encode(), "empty"),
        ("utf16.csv", "企业名称,统一社会信用代码,行业\n甲,1,2\n".encode("utf-16"), "encoding"),
        (
            "big5.csv",
            "企業名稱,統一社會信用代碼,行業\n".encode("big5") + b"\xff\xfe\xfa" * 3,
            "encoding",
        ),
        ("cols.csv", "企业名称,行业\n甲,software\n".encode(), "missing_columns"),
        ("broken.xlsx", b"PK\x03\x04 not really a spreadsheet", "unreadable"),
    ],
)
def test_unreadable_files_are_refused_whole(network, name, content, code):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        import_start(actor=network.operator, park=network.park, file_name=name, content=content)
    assert refused.value.code == code
    assert "file" in refused.value.fields
    assert Enterprise.objects.count() == before
    assert not ImportJob.objects.exists()


def test_missing_columns_are_named_by_their_labels(network):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        import_start(
            actor=network.operator,
            park=network.park,
            file_name="cols.csv",
            content="企业名称,行业\n甲,software\n".encode(),
        )
    assert "Unified social credit code" in str(refused.value.message)
    assert "credit_code" not in str(refused.value.message)


def test_a_20_mb_file_is_refused(network):
    content = csv_bytes(GOOD_ROWS) + b"x" * (20 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as refused:
        import_start(
            actor=network.operator, park=network.park, file_name="huge.csv", content=content
        )
    assert refused.value.code == "too_large"


def test_thousands_of_rows_report_progress(network):
    from parkos.demo.parks import make_credit_code

    rng = __import__("random").Random(3)
    rows = [
        (f"上海批量{i:04d}科技有限公司", make_credit_code(rng, "310115"), "software", "small", "5")
        for i in range(3000)
    ]
    job = run(network, "bulk.csv", csv_bytes(rows))
    assert job.status == "done"
    assert job.processed_rows == job.total_rows == 3000
    assert job.percent == 100
    assert Enterprise.objects.filter(name__startswith="上海批量").count() == 3000


def test_upload_page_and_api_share_the_rules(client, api, network):
    from factories import PASSWORD

    client.login(username=network.operator.username, password=PASSWORD)
    page = client.post(
        "/enterprises/import/",
        {
            "park": str(network.park.id),
            "file": SimpleUploadedFile("x.csv", csv_bytes(GOOD_ROWS + BAD_ROWS)),
        },
    )
    assert page.status_code == 302
    status = client.get(page["Location"]).content.decode()
    assert "上海丙科技有限公司" in status
    # The report names columns by their labels, never by their keys.
    assert "统一社会信用代码" in status and "credit_code" not in status
    assert "91440300708461136X" in status
    assert not Enterprise.objects.filter(credit_code="91350100M000100Y43").exists()
    refused = client.post(
        "/enterprises/import/",
        {"park": str(network.park.id), "file": SimpleUploadedFile("e.csv", b"")},
    )
    assert refused.status_code == 422
    assert 'data-testid="error-file"' in refused.content.decode()
    unknown_park = client.post(
        "/enterprises/import/",
        {"park": str(network.other_park.id), "file": SimpleUploadedFile("y.csv", b"a")},
    )
    assert unknown_park.status_code == 422
    assert 'data-testid="error-park"' in unknown_park.content.decode()
    api.login(network.operator)
    response = api_post_file(api, network, "y.csv", csv_bytes(GOOD_ROWS))
    assert response.status_code == 202
    job = api.get(f"/api/enterprises/imports/{response.json()['id']}").json()
    assert (job["status"], job["created_count"]) == ("done", 2)
    again = api.get(f"/api/imports/{response.json()['id']}").json()
    assert again["id"] == job["id"]
    bad = api_post_file(api, network, "z.csv", csv_bytes(BAD_ROWS)).json()
    refused_job = api.get(f"/api/imports/{bad['id']}").json()
    assert refused_job["status"] == "refused" and refused_job["error_count"] == 3
    assert [row["row"] for row in refused_job["rejected"]] == [2, 3, 4]
    assert refused_job["rejected"][0]["columns"]["credit_code"] == "统一社会信用代码"
    api.login(network.tenant)
    assert api_post_file(api, network, "z.csv", csv_bytes(GOOD_ROWS)).status_code == 403
    assert api.get(f"/api/imports/{bad['id']}").status_code == 404


def test_the_row_report_downloads_as_excel(client, network):
    from openpyxl import load_workbook

    from factories import PASSWORD

    job = run(network, "bad.csv", csv_bytes([("=HYPERLINK(1)", "1", "ai", "small", "1")]))
    client.login(username=network.operator.username, password=PASSWORD)
    response = client.get(f"/imports/{job.id}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == 2 and rows[1][1] == "'=HYPERLINK(1)"
    client.login(username=network.tenant.username, password=PASSWORD)
    assert client.get(f"/imports/{job.id}/report.xlsx").status_code == 404


def api_post_file(api, network, name, content):
    from django.test import Client

    return Client().post(
        "/api/enterprises/import",
        {"park": str(network.park.id), "file": SimpleUploadedFile(name, content)},
        **api.headers,
    )
