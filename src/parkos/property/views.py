"""Pages of property management: the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.property import permissions, selectors, services, workflows
from parkos.property.forms import ConfirmForm, DispatchForm, ReasonForm, ResolveForm, TicketForm
from parkos.property.models import Category, TicketStatus


@login_required
def home(request):
    user = request.user
    context = {
        "is_tenant": bool(selectors.tenant_units(actor=user)),
        "technician": selectors.technician_for(user),
        "desk": list(selectors.desk_companies(actor=user)),
        "is_operator": permissions.is_operator(user),
    }
    if context["technician"]:
        context["my_tickets"] = list(
            selectors.ticket_list(actor=user, assigned_to_me=True, open_only=True)[:50]
        )
        context["my_rounds"] = list(
            selectors.round_list(actor=user).filter(technician__user=user, status="pending")[:20]
        )
    if context["desk"]:
        context["queue"] = list(selectors.ticket_list(actor=user, awaiting=True)[:50])
    status = request.GET.get("status", "")
    if status not in TicketStatus.values:
        status = ""
    tickets = selectors.ticket_list(actor=user, status=status)
    context["page"] = Paginator(tickets, 25).get_page(request.GET.get("page"))
    context["statuses"] = TicketStatus.choices
    context["status"] = status
    return render(request, "property/home.html", context)


@login_required
def ticket_new(request):
    from parkos.parks.selectors import unit_get

    units = selectors.tenant_units(actor=request.user)
    # The service desk raises tickets for phone callers on any unit of its zones.
    desk = not units and bool(selectors.desk_companies(actor=request.user))
    if desk:
        units = selectors.desk_units(actor=request.user)
    form = TicketForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_get(actor=request.user, unit_id=data["unit"]) if data["unit"] else None
            ticket = services.ticket_create(
                actor=request.user,
                unit=unit,
                kind=data["kind"],
                category=data["category"],
                priority=data["priority"],
                title=data["title"],
                description=data["description"],
                preferred_time=data["preferred_time"],
                photos=request.FILES.getlist("photos"),
                source="phone" if desk else "web",
            )
        except ValidationFailed as failure:
            form.add_service_errors(failure)
        except ServiceError as failure:
            form.add_error(None, str(failure.message))
        else:
            messages.success(request, _("Ticket %(number)s raised.") % {"number": ticket.number})
            return redirect("property:ticket_detail", ticket_id=ticket.id)
    status = 422 if request.method == "POST" else 200
    return render(request, "property/ticket_new.html", {"form": form, "desk": desk}, status=status)


# The ticket workflow's actions, and adding photos (no change of state).
ACTIONS = {*workflows.TICKET.actions, "photos"}


@login_required
def ticket_detail(request, ticket_id):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return render(request, "property/ticket_detail.html", _detail_context(request.user, ticket))


def _detail_context(user, ticket, *, forms=None) -> dict:
    labels = dict(Category.choices)
    technicians = selectors.technician_list(actor=user, company_id=ticket.company_id)
    forms = forms or {}
    return {
        "ticket": ticket,
        "actions": workflows.TICKET.actions_for(ticket, user),
        "events": selectors.ticket_events(actor=user, ticket=ticket),
        "photos": list(ticket.photos.all()),
        "profile": selectors.tenant_profile_for(actor=user, ticket=ticket),
        "suggestions": [(labels.get(c, c), round(p * 100)) for c, p in ticket.suggestions],
        "dispatch_form": forms.get("dispatch") or DispatchForm(technicians=technicians),
        "resolve_form": forms.get("resolve") or ResolveForm(),
        "confirm_form": forms.get("confirm") or ConfirmForm(initial={"rating": "5"}),
        "reopen_form": forms.get("reopen") or ReasonForm(),
        "category_label": labels.get(ticket.category, ""),
        "predicted_label": labels.get(ticket.predicted_category, ticket.predicted_category),
        "comment_max": services.MAX_RATING_COMMENT,
    }


def _act(user, ticket, action: str, form, files):
    """Carry out `action` with the form's cleaned input."""
    data = form.cleaned_data if form is not None else {}
    if action == "accept":
        return services.ticket_accept(actor=user, ticket=ticket)
    if action == "arrive":
        return services.ticket_arrive(actor=user, ticket=ticket)
    if action == "resolve":
        return services.ticket_resolve(
            actor=user, ticket=ticket, note=data["note"], photos=files.getlist("photos")
        )
    if action == "confirm":
        return services.ticket_confirm(
            actor=user, ticket=ticket, rating=data["rating"], comment=data["comment"]
        )
    if action == "reopen":
        return services.ticket_reopen(actor=user, ticket=ticket, reason=data["reason"])
    if action == "cancel":
        return services.ticket_cancel(actor=user, ticket=ticket, reason=data["reason"])
    if action == "photos":
        return services.ticket_add_photos(actor=user, ticket=ticket, photos=files.getlist("photos"))
    return services.ticket_dispatch(
        actor=user, ticket=ticket, category=data["category"], technician=data["technician"]
    )


def _action_form(user, ticket, action: str, data):
    if action == "dispatch":
        technicians = selectors.technician_list(actor=user, company_id=ticket.company_id)
        return DispatchForm(data, technicians=technicians)
    if action == "resolve":
        return ResolveForm(data)
    if action == "confirm":
        return ConfirmForm(data)
    if action in ("reopen", "cancel"):
        return ReasonForm(data)
    return None


@login_required
@require_POST
def ticket_action(request, ticket_id, action):
    user = request.user
    ticket = selectors.ticket_get(actor=user, ticket_id=ticket_id)
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("property:ticket_detail", ticket_id=ticket.id)
    form = _action_form(user, ticket, action, request.POST)
    try:
        if form is not None and not form.is_valid():
            raise ValidationFailed(
                _("Check the fields marked."),
                fields={name: list(errors) for name, errors in form.errors.items()},
            )
        _act(user, ticket, action, form, request.FILES)
    except ServiceError as failure:
        details = "; ".join(str(m) for msgs in failure.fields.values() for m in msgs)
        messages.error(request, details or str(failure.message))
        if action == "confirm" and isinstance(failure, ValidationFailed):
            # The rating form comes back with what the tenant wrote, not empty.
            form.add_service_errors(failure)
            context = _detail_context(user, ticket, forms={"confirm": form})
            return render(request, "property/ticket_detail.html", context, status=422)
    else:
        messages.success(request, _("Done."))
    return redirect("property:ticket_detail", ticket_id=ticket.id)


@login_required
def ticket_photo(request, ticket_id, photo_id):
    """Photos show tenants' premises: served only to those who may see the ticket, never
    from a public media URL."""
    photo = selectors.ticket_photo_get(actor=request.user, ticket_id=ticket_id, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type=f"image/{photo.extension}")
    response["Cache-Control"] = "private, max-age=3600"
    return response
