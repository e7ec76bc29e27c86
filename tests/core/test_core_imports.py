"""The import kernel: files in the encodings and formats people send, all or nothing, a row
report in the reader's language with columns named by their labels, bounds, progress, the
background job and the Excel report."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from factories import UserFactory
from parkos.core import imports as kernel
from parkos.core.errors import ValidationFailed
from parkos.core.models import AuditEntry, ImportJob

pytestmark = pytest.mark.django_db

KIND = "tests.notes"
seen_progress: list[int] = []


def _permission(actor, ctx):
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied


def _clean(row, ctx):
    errors = {}
    if not row["name"]:
        errors["name"] = [_("This field is required.")]
    try:
        amount = int(row.get("amount") or 0)
        if amount < 0:
            errors["amount"] = [_("Must not be negative.")]
    except ValueError:
        errors["amount"] = [_("Enter a whole number.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    if ctx.job is not None and ctx.row % 50 == 0:
        seen_progress.append(ImportJob.objects.get(pk=ctx.job.pk).processed_rows)
    return {"name": row["name"], "amount": amount}


def _write(rows, ctx):
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="tests.note",
            object_type="tests.note",
            object_id=str(number),
            object_repr=row["name"],
            changes={"amount": row["amount"]},
        )
        for number, row in enumerate(rows)
    )
    return {"created": len(rows)}


NOTES = kernel.register_importer(
    kernel.Importer(
        kind=KIND,
        label=gettext_lazy("Name"),
        columns=(
            kernel.Column("name", gettext_lazy("Name"), ("title",), required=True, max_length=20),
            kernel.Column("amount", gettext_lazy("Amount"), ("数量",)),
        ),
        clean_row=_clean,
        write=_write,
        permission=_permission,
        title_column="name",
    )
)


@pytest.fixture
def staff():
    user = UserFactory(is_staff=True)
    return user


def written() -> list[str]:
    return list(
        AuditEntry.objects.filter(action="tests.note")
        .order_by("object_id")
        .values_list("object_repr", flat=True)
    )


def csv_bytes(lines, encoding="utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def start(actor, content, name="notes.csv", language="en") -> ImportJob:
    with translation.override(language):
        job = kernel.import_start(kind=KIND, actor=actor, file_name=name, content=content)
    return ImportJob.objects.get(pk=job.pk)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gbk_is_read(staff, encoding):
    job = start(staff, csv_bytes(["名称,金额", "甲公司,1", "乙公司,2"], encoding))
    assert (job.status, job.created_count, job.total_rows) == ("done", 2, 2)
    assert written() == ["甲公司", "乙公司"]


@pytest.mark.parametrize(
    "header", ["name,amount", "Name,Amount", "名称,金额", "title,数量", " NAME ;AMOUNT"]
)
def test_headers_are_found_by_key_label_in_either_language_or_alias(staff, header):
    separator = ";" if ";" in header else ","
    job = start(staff, csv_bytes([header, separator.join(["甲公司", "3"])]))
    assert job.status == "done", job.error
    assert written() == ["甲公司"]


def test_xlsx_cells_are_read_as_text(staff):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "金额"])
    sheet.append(["表格公司", 12.0])
    sheet.append([None, None])
    sheet.append(["第二家", 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = start(staff, buffer.getvalue(), name="notes.xlsx")
    assert (job.status, job.created_count) == ("done", 2)
    assert AuditEntry.objects.get(object_repr="表格公司").changes == {"amount": 12}


@pytest.mark.parametrize(
    ("language", "column", "problem"),
    [("zh-hans", "金额", "请输入整数。"), ("en", "Amount", "Enter a whole number.")],
)
def test_one_bad_row_writes_nothing_and_the_report_names_row_column_and_problem(
    staff, language, column, problem
):
    content = csv_bytes(["name,amount", "甲公司,1", "乙公司,many", "丙公司,3"])
    job = start(staff, content, language=language)
    assert job.status == "refused" and job.error_count == 1
    assert written() == []
    with translation.override(language):
        [line] = kernel.import_report(job=job)
    assert (line.row, line.title, line.column, line.value, line.message) == (
        3,
        "乙公司",
        column,
        "many",
        problem,
    )


def test_blank_rows_keep_the_row_numbers_the_uploader_sees(staff):
    job = start(staff, csv_bytes(["name,amount", "甲公司,1", ",", "", "乙公司,-1"]))
    assert [e.row for e in job.row_errors.all()] == [5]


def test_import_file_refuses_at_once_with_every_row_and_field(staff):
    content = csv_bytes(["name,amount", ",1", "乙公司,x", "丙公司,2", "a" * 21 + ",1"])
    with translation.override("en"), pytest.raises(kernel.ImportRefused) as refused:
        kernel.import_file(kind=KIND, actor=staff, file_name="n.csv", content=content)
    assert refused.value.error_count == 3
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "name"),
        (3, "amount"),
        (5, "name"),
    ]
    assert refused.value.fields["amount"] == ["Row 3: Enter a whole number."]
    assert "Row 2, Name: This field is required." in str(refused.value.message)
    assert "At most 20 characters" in refused.value.errors[2].message
    assert written() == []


def test_rows_beyond_the_bound_refuse_the_file(staff, settings):
    settings.IMPORT_MAX_ROWS = 5
    lines = ["name,amount"] + [f"公司{i},1" for i in range(6)]
    with pytest.raises(ValidationFailed) as refused:
        start(staff, csv_bytes(lines))
    assert refused.value.code == "too_many_rows" and "file" in refused.value.fields
    assert not ImportJob.objects.exists()
    assert start(staff, csv_bytes(lines[:6])).status == "done"


def test_errors_beyond_the_bound_are_counted_not_listed(staff, settings, client):
    settings.IMPORT_MAX_ERRORS = 3
    job = start(staff, csv_bytes(["name,amount"] + [f"公司{i},x" for i in range(10)]))
    assert (job.error_count, job.row_errors.count(), job.errors_not_listed) == (10, 3, 7)
    client.force_login(staff)
    page = client.get(f"/imports/{job.id}/").content.decode()
    assert "7" in page


def test_the_report_downloads_as_excel_with_formulas_neutralised(staff, client):
    job = start(staff, csv_bytes(["name,amount", "=1+1,x", "@SUM(A1),-2", "+x,1"]))
    staff.language = "en"
    staff.save(update_fields=["language"])
    client.force_login(staff)
    response = client.get(f"/imports/{job.id}/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Name", "Column", "Value", "Problem")
    assert rows[1] == (2, "'=1+1", "Amount", "x", "Enter a whole number.")
    assert rows[2][1] == "'@SUM(A1)" and rows[2][3] == "'-2"
    assert len(rows) == 3  # the good third row is not in the report


def test_progress_is_saved_while_rows_are_checked(staff, monkeypatch):
    monkeypatch.setattr(kernel, "PROGRESS_EVERY", 20)
    seen_progress.clear()
    job = start(staff, csv_bytes(["name,amount"] + [f"公司{i},{i}" for i in range(200)]))
    assert job.status == "done" and job.processed_rows == job.total_rows == 200
    assert job.percent == 100
    assert seen_progress == sorted(seen_progress) and seen_progress[-1] >= 180
    assert 0 < seen_progress[0] < 200


def test_the_job_runs_through_the_celery_task(staff, settings, django_capture_on_commit_callbacks):
    from parkos.core.tasks import run_import

    settings.JOBS_INLINE = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start(staff, csv_bytes(["name,amount", "甲公司,1"]))
    assert job.status == "queued" and job.percent == 0 and len(callbacks) == 1
    assert written() == []
    run_import.apply(args=(str(job.id),))
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 1)
    assert job.started_at is not None and job.finished_at is not None
    assert written() == ["甲公司"]


def test_only_those_the_importer_lets_import_may_start_or_read_a_job(staff):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        start(outsider, csv_bytes(["name,amount", "甲公司,1"]))
    job = start(staff, csv_bytes(["name,amount", "甲公司,x"]))
    assert kernel.import_job_get(actor=staff, job_id=job.id) == job
    from parkos.core.errors import NotFound

    for job_id in (job.id, "not-a-uuid"):
        with pytest.raises(NotFound):
            kernel.import_job_get(actor=outsider, job_id=job_id)


def test_a_strict_importer_refuses_unknown_columns(staff):
    strict = kernel.Importer(
        kind="tests.strict",
        label="strict",
        columns=NOTES.columns,
        clean_row=_clean,
        write=_write,
        permission=_permission,
        strict_columns=True,
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        kernel.import_file(
            importer=strict,
            actor=staff,
            file_name="n.csv",
            content=csv_bytes(["name,amount,weather", "甲,1,sun"]),
        )
    assert refused.value.code == "unknown_column" and "weather" in refused.value.fields
    assert "Name, Amount" in str(refused.value.message)


def test_spreadsheet_safe_quotes_every_formula_start():
    for text in ("=A1", "+1", "-1", "@x", "\tx"):
        assert kernel.spreadsheet_safe(text) == "'" + text
    assert kernel.spreadsheet_safe("甲公司") == "甲公司"
    assert kernel.spreadsheet_safe(3) == 3


# The apps' importers run on the kernel too: crowd counts refuse absurd values by row.
@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("2026-03-02T09:00:00,north,1000001", "count"),
        ("2026-03-02T09:00:00," + "s" * 101 + ",1", "sensor"),
    ],
)
def test_crowd_counts_beyond_their_bounds_are_refused_with_the_row(line, column):
    from factories import ParkFactory
    from parkos.crowd.models import HourlyCount
    from parkos.crowd.services import counter_create, counts_import

    park = ParkFactory()
    counter_create(actor=None, park=park, name="north", area=None)
    content = io.BytesIO(f"timestamp,sensor,count\n2026-03-02T08:00:00,north,5\n{line}\n".encode())
    with translation.override("en"), pytest.raises(kernel.ImportRefused) as refused:
        counts_import(actor=None, park=park, source=content, create_counters=True)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, column)]
    assert "Row 3" in str(refused.value.message)
    assert not HourlyCount.objects.exists()
