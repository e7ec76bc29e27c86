"""Bulk import of enterprises, through the core import kernel.

Enterprises are keyed by credit code, so importing the same file twice updates instead of
duplicating. The file goes in whole or not at all; the row report names each refused row,
its column by label and the reason. Registered from ParksConfig.ready."""

from typing import Any

from django.utils.translation import get_language, gettext_lazy, override, pgettext_lazy
from django.utils.translation import gettext as _

from parkos.core import imports as kernel
from parkos.core.audit import audit_record
from parkos.core.errors import ValidationFailed
from parkos.core.models import ImportJob
from parkos.parks import permissions
from parkos.parks.models import Enterprise, EnterpriseSize, Industry, Park
from parkos.parks.services import enterprise_validate

KIND = "parks.enterprises"

COLUMNS = (
    kernel.Column(
        "name", gettext_lazy("Enterprise name"), ("企业名称", "名称", "enterprise"), required=True
    ),
    kernel.Column("name_en", gettext_lazy("English name"), ("英文名称", "english name")),
    kernel.Column(
        "credit_code",
        gettext_lazy("Unified social credit code"),
        ("统一社会信用代码", "信用代码", "credit code"),
        required=True,
    ),
    kernel.Column("industry", gettext_lazy("Industry"), ("行业",), required=True),
    kernel.Column("size", gettext_lazy("Size"), ("规模", "企业规模")),
    kernel.Column("headcount", gettext_lazy("Headcount"), ("人数", "员工人数", "employees")),
    kernel.Column(
        "description", pgettext_lazy("enterprise", "Description"), ("简介", "企业简介", "说明")
    ),
    kernel.Column("park", gettext_lazy("Park code"), ("园区", "园区代码", "park")),
)
WRITTEN_FIELDS = ["name", "name_en", "park", "industry", "size", "headcount", "description"]


def _choice_lookup(choices) -> dict[str, str]:
    """A choice by its value, English name or Chinese name."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        for language in ("en", "zh-hans"):
            with override(language):
                lookup[str(label).lower()] = value
    return lookup


def _choices_message(choices) -> str:
    """The accepted choices by their names in the reader's language, not their codes."""
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    names = separator.join(str(label) for _value, label in choices.choices)
    return _("Choose one of: %(choices)s.") % {"choices": names}


def _permission(actor, ctx: kernel.ImportContext) -> None:
    permissions.require_manage_park(actor, ctx.park_id)


def _prepare(ctx: kernel.ImportContext) -> None:
    ctx.state["industries"] = _choice_lookup(Industry)
    ctx.state["sizes"] = _choice_lookup(EnterpriseSize)
    ctx.state["parks"] = {park.code: park for park in Park.objects.all()}
    ctx.state["home"] = next(
        (park for park in ctx.state["parks"].values() if park.id == ctx.park_id), None
    )
    ctx.state["codes"] = {}


def _clean_row(row: dict[str, str], ctx: kernel.ImportContext) -> dict[str, Any]:
    state = ctx.state
    data: dict[str, Any] = dict(row)
    data["industry"] = state["industries"].get(row.get("industry", "").lower(), row.get("industry"))
    if row.get("size"):
        data["size"] = state["sizes"].get(row["size"].lower(), row["size"])
    park_code = data.pop("park", "")
    data["park"] = state["parks"].get(park_code) if park_code else state["home"]
    try:
        cleaned = enterprise_validate(data, check_unique=False)
    except ValidationFailed as invalid:
        fields = dict(invalid.fields)
        if "industry" in fields:
            fields["industry"] = [_choices_message(Industry)]
        if "size" in fields:
            fields["size"] = [_choices_message(EnterpriseSize)]
        raise ValidationFailed(invalid.message, fields=fields) from invalid
    if not permissions.can_manage_park(ctx.actor, cleaned["park"].id):
        raise ValidationFailed.for_field("park", _("You do not manage this park."))
    first = state["codes"].setdefault(cleaned["credit_code"], ctx.row)
    if first != ctx.row:
        raise ValidationFailed.for_field(
            "credit_code", _("The same credit code is on row %(row)s.") % {"row": first}
        )
    return cleaned


def _write(rows: list[dict[str, Any]], ctx: kernel.ImportContext) -> dict:
    existing = Enterprise.objects.select_for_update().in_bulk(
        [row["credit_code"] for row in rows], field_name="credit_code"
    )
    to_create, to_update = [], []
    for row in rows:
        enterprise = existing.get(row["credit_code"])
        if enterprise is None:
            to_create.append(Enterprise(**row))
        else:
            for name, value in row.items():
                setattr(enterprise, name, value)
            to_update.append(enterprise)
    Enterprise.objects.bulk_create(to_create, batch_size=500)
    Enterprise.objects.bulk_update(to_update, WRITTEN_FIELDS, batch_size=500)
    audit_record(
        actor=ctx.actor,
        action="enterprise.import",
        instance=ctx.job or ctx.state["home"],
        park_id=ctx.park_id,
        changes={"created": len(to_create), "updated": len(to_update), "file": ctx.file_name},
    )
    return {"created": len(to_create), "updated": len(to_update)}


ENTERPRISES = kernel.Importer(
    kind=KIND,
    label=gettext_lazy("Enterprises"),
    columns=COLUMNS,
    clean_row=_clean_row,
    write=_write,
    permission=_permission,
    prepare=_prepare,
    title_column="name",
)


def import_start(*, actor, park: Park, file_name: str, content: bytes) -> ImportJob:
    """Check the file can be read at all, then queue it; the caller follows the job."""
    return kernel.import_start(
        kind=KIND, actor=actor, park_id=park.id, file_name=file_name, content=content
    )


def import_get(*, actor, job_id) -> ImportJob:
    return kernel.import_job_get(actor=actor, job_id=job_id, kind=KIND)
