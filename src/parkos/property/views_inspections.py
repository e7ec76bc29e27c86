"""Pages where a property manager or the park operator plans patrol inspections: checklists,
their schedules, and the rounds generated from them. Same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import ServiceError
from parkos.property import selectors, services
from parkos.property.forms import InspectionScheduleForm, InspectionTemplateForm, checklist_rows
from parkos.property.models import Category, ItemKind, RoundStatus


def _planning_companies(request):
    companies = selectors.planning_companies(actor=request.user)
    if not companies.exists():
        raise PermissionDenied
    return companies


def _chosen_company(request, companies) -> str:
    wanted = request.GET.get("company", "")
    return wanted if wanted in {str(c.id) for c in companies} else ""


def _with_next_round(schedules, today) -> list:
    """Each schedule with the date of its next round and who will walk it."""
    schedules = list(schedules)
    for schedule in schedules:
        schedule.next_date = schedule.next_due(today) if schedule.active else None
        schedule.next_technician = (
            schedule.technician_for(schedule.next_date, schedule.technicians.all())
            if schedule.next_date
            else None
        )
    return schedules


def _rounds_page(request, rounds):
    status = request.GET.get("status", "")
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    else:
        status = ""
    page = Paginator(rounds.order_by("-due_date", "template__name", "id"), 25).get_page(
        request.GET.get("page")
    )
    return {"rounds_page": page, "round_status": status, "round_statuses": RoundStatus.choices}


@login_required
def inspections(request):
    companies = _planning_companies(request)
    company_id = _chosen_company(request, companies)
    user = request.user
    company_ids = [company_id] if company_id else [c.id for c in companies]
    context = _rounds_page(request, selectors.round_list(actor=user, company_ids=company_ids))
    context["company_id"] = company_id
    if request.htmx and request.htmx.target == "rounds":
        return render(request, "property/_inspection_rounds.html", context)
    context.update(
        {
            "companies": companies,
            "templates": selectors.inspection_template_list(actor=user, company_id=company_id),
            "schedules": _with_next_round(
                selectors.inspection_schedule_list(actor=user, company_id=company_id),
                timezone.localdate(),
            ),
        }
    )
    return render(request, "property/inspections.html", context)


def _rows_from_items(items: list[dict]) -> list[dict]:
    def text(value):
        return "" if value is None else str(value)

    return [
        {
            "key": item.get("key", ""),
            "label": item.get("label", ""),
            "kind": item.get("kind", ItemKind.CHECK),
            "min": text(item.get("min")),
            "max": text(item.get("max")),
            "unit": item.get("unit", ""),
            "category": item.get("category", ""),
        }
        for item in items
    ]


def _show_errors(failure: ServiceError, form, rows: list[dict]) -> list[str]:
    """Put each service error next to its field or item row; returns the checklist's own."""
    list_errors = []
    if not failure.fields:
        form.add_error(None, str(failure.message))
    for field, msgs in failure.fields.items():
        msgs = [str(m) for m in msgs]
        parts = field.split(".")
        if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows):
                errors = rows[index].setdefault("errors", {})
                errors.setdefault(parts[2] if len(parts) > 2 else "label", []).extend(msgs)
                continue
        if field == "items":
            list_errors.extend(msgs)
        else:
            form.add_error(field if field in form.fields else None, msgs)
    return list_errors


def _template_page(request, template=None):
    companies = _planning_companies(request)
    initial = {"company": template.company_id if template else _chosen_company(request, companies)}
    if template:
        initial["name"] = template.name
    form = InspectionTemplateForm(request.POST or None, companies=companies, initial=initial)
    if template:
        form.fields["company"].disabled = True
    if request.method == "POST":
        rows = checklist_rows(request.POST)
    elif template:
        rows = _rows_from_items(template.items)
    else:
        rows = [{"kind": ItemKind.CHECK}]
    list_errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if template is None:
                template = services.inspection_template_create(
                    actor=request.user, company=data["company"], name=data["name"], items=rows
                )
            else:
                services.inspection_template_update(
                    actor=request.user, template=template, name=data["name"], items=rows
                )
        except ServiceError as failure:
            list_errors = _show_errors(failure, form, rows)
        else:
            messages.success(request, _("Checklist %(name)s saved.") % {"name": template.name})
            return redirect("property:inspections")
    return render(
        request,
        "property/inspection_template.html",
        {
            "form": form,
            "template": template,
            "rows": rows,
            "list_errors": list_errors,
            **_item_choices(),
        },
        status=422 if request.method == "POST" else 200,
    )


def _item_choices() -> dict:
    return {"kinds": ItemKind.choices, "categories": Category.choices}


@login_required
def inspection_template_new(request):
    return _template_page(request)


@login_required
def inspection_template_edit(request, template_id):
    template = selectors.inspection_template_get(actor=request.user, template_id=template_id)
    return _template_page(request, template)


@login_required
def inspection_item_row(request):
    """One blank checklist row, added to the editor by HTMX."""
    _planning_companies(request)
    return render(
        request,
        "property/_inspection_item_row.html",
        {"row": {"kind": request.GET.get("kind", ItemKind.CHECK)}, **_item_choices()},
    )


def _schedule_form(request, schedule=None) -> InspectionScheduleForm:
    user = request.user
    if schedule is not None:
        initial = {
            "template": schedule.template_id,
            "frequency": schedule.frequency,
            "technicians": [t.pk for t in schedule.technicians.all()],
            "building": schedule.building_id,
            "active": schedule.active,
        }
    else:
        initial = {"template": request.GET.get("template") or None, "active": True}
    return InspectionScheduleForm(
        request.POST or None,
        initial=initial,
        templates=selectors.inspection_template_list(actor=user),
        technicians=selectors.planning_technicians(actor=user),
        buildings=selectors.planning_buildings(actor=user),
    )


def _save_schedule(request, form, schedule=None):
    """The saved schedule, or None with the service's errors on the form."""
    data = form.cleaned_data
    fields = {
        "template": data["template"],
        "frequency": data["frequency"],
        "technicians": list(data["technicians"]),
        "building": data["building"],
        "active": data["active"],
    }
    try:
        if schedule is None:
            return services.inspection_schedule_create(actor=request.user, **fields)
        return services.inspection_schedule_update(actor=request.user, schedule=schedule, **fields)
    except ServiceError as failure:
        _show_errors(failure, form, [])
        return None


@login_required
def inspection_schedule_new(request):
    _planning_companies(request)
    form = _schedule_form(request)
    if request.method == "POST" and form.is_valid():
        schedule = _save_schedule(request, form)
        if schedule is not None:
            messages.success(request, _("Schedule saved."))
            return redirect("property:inspection_schedule", schedule_id=schedule.pk)
    return render(
        request,
        "property/inspection_schedule.html",
        {"form": form, "schedule": None},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def inspection_schedule_detail(request, schedule_id):
    schedule = selectors.inspection_schedule_get(actor=request.user, schedule_id=schedule_id)
    form = _schedule_form(request, schedule)
    saved = request.method == "POST" and form.is_valid() and _save_schedule(request, form, schedule)
    if saved:
        messages.success(request, _("Schedule saved."))
        return redirect("property:inspection_schedule", schedule_id=schedule.pk)
    context = _rounds_page(
        request, selectors.round_list(actor=request.user, schedule_id=schedule.pk)
    )
    if request.htmx and request.htmx.target == "rounds":
        return render(request, "property/_inspection_rounds.html", context)
    (schedule,) = _with_next_round([schedule], timezone.localdate())
    context.update({"form": form, "schedule": schedule})
    return render(
        request,
        "property/inspection_schedule.html",
        context,
        status=422 if request.method == "POST" else 200,
    )
