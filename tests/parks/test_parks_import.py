import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from parkos.core.errors import ValidationFailed
from parkos.parks.imports import import_start
from parkos.parks.models import Enterprise, EnterpriseImport

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
    return EnterpriseImport.objects.get(
        pk=import_start(
            actor=network.operator, park=network.park, file_name=name, content=content
        ).pk
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk_imports_valid_rows_and_reports_the_rest(network, encoding):
    job = run(network, "enterprises.csv", csv_bytes(GOOD_ROWS + BAD_ROWS, encoding))
    assert job.status == "done"
    assert (job.created_count, job.updated_count) == (2, 0)
    rejected = {row["row"]: row["errors"] for row in job.rejected}
    assert set(rejected) == {4, 5, 6}
    assert "credit_code" in rejected[4]
    assert "name" in rejected[5]
    assert {"industry", "headcount"} <= set(rejected[6])
    first = Enterprise.objects.get(credit_code="91350100M000100Y43")
    assert (first.name, first.industry, first.park) == ("上海甲科技有限公司", "ai", network.park)


def test_importing_the_same_file_twice_updates_instead_of_duplicating(network):
    content = csv_bytes(GOOD_ROWS)
    run(network, "a.csv", content)
    count = Enterprise.objects.count()
    again = run(network, "a.csv", content.replace(b"40", b"45"))
    assert Enterprise.objects.count() == count
    assert (again.created_count, again.updated_count) == (0, 2)
    assert Enterprise.objects.get(credit_code="91350100M000100Y43").headcount == 45


def test_duplicate_code_within_a_file_rejects_the_second_row(network):
    job = run(network, "dup.csv", csv_bytes([GOOD_ROWS[0], GOOD_ROWS[0]]))
    assert job.created_count == 1
    assert [row["row"] for row in job.rejected] == [3]


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
    assert not EnterpriseImport.objects.exists()


def test_a_20_mb_file_is_refused(network):
    content = csv_bytes(GOOD_ROWS) + b"x" * (20 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as refused:
        import_start(
            actor=network.operator, park=network.park, file_name="huge.csv", content=content
        )
    assert refused.value.code == "too_large"


def test_thousands_of_rows_report_progress(network, settings):
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
    status = client.get(page["Location"])
    assert "2" in status.content.decode() and "91440300708461136X" not in status.content.decode()
    assert "上海丙科技有限公司" in status.content.decode()
    refused = client.post(
        "/enterprises/import/",
        {"park": str(network.park.id), "file": SimpleUploadedFile("e.csv", b"")},
    )
    assert refused.status_code == 422
    api.login(network.operator)
    response = api_post_file(api, network, "y.csv", csv_bytes(GOOD_ROWS))
    assert response.status_code == 202
    job = api.get(f"/api/enterprises/imports/{response.json()['id']}").json()
    assert (job["status"], job["updated_count"]) == ("done", 2)
    api.login(network.tenant)
    assert api_post_file(api, network, "z.csv", csv_bytes(GOOD_ROWS)).status_code == 403


def api_post_file(api, network, name, content):
    from django.test import Client

    return Client().post(
        "/api/enterprises/import",
        {"park": str(network.park.id), "file": SimpleUploadedFile(name, content)},
        **api.headers,
    )
