"""Pages of cloud recruitment: positions, the candidate's profile and applications, the HR board
with recommendations, application detail with interviews and scorecards."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from parkos.parks.selectors import enterprise_get
from parkos.talent import identity, permissions, selectors, services
from parkos.talent.forms import (
    ActionForm,
    ApplyForm,
    DeleteProfileForm,
    InterviewForm,
    PositionForm,
    ProfileForm,
    RegisterForm,
    ResumeForm,
    ScorecardForm,
    SlotForm,
)
from parkos.talent.models import Field, Level
from parkos.talent.recommend import (
    REASONS,
    applicants_ranked,
    candidates_for_position,
    positions_for_candidate,
)
from parkos.talent.resumes import RESUME_MAX_BYTES
from parkos.talent.universities import university_get
from parkos.talent.views.common import acted, page
from parkos.talent.workflows import APPLICATION, POSITION

PAGE_SIZE = 30


def _reasons(matches):
    for match in matches:
        match.reason_words = [REASONS.render(r) for r in match.reasons]
    return matches


@page
def home(request):
    user = request.user
    candidate = services.candidate_of(user)
    context = {
        "stats": selectors.statistics(actor=user),
        "running": list(selectors.fair_list(actor=user, phase="running")[:3]),
        "upcoming": list(selectors.fair_list(actor=user, phase="upcoming")[:3]),
        "positions": list(selectors.position_list(actor=user)[:8]),
        "candidate": candidate,
        "is_hr": bool(permissions.hr_enterprise_ids(user)) if user.is_authenticated else False,
        "is_operator": permissions.is_operator(user) if user.is_authenticated else False,
        "is_reviewer": permissions.is_reviewer(user) if user.is_authenticated else False,
        "recommended": _reasons(positions_for_candidate(candidate=candidate, limit=5))
        if candidate
        else [],
    }
    return render(request, "talent/home.html", context)


@page
def position_list(request):
    params = request.GET
    positions = selectors.position_list(
        actor=request.user,
        q=params.get("q", ""),
        field=params.get("field", "") if params.get("field") in Field.values else "",
        level=params.get("level", "") if params.get("level") in Level.values else "",
        city=params.get("city", "")[:50],
        mine=params.get("mine") == "1",
    )
    try:
        offset = max(0, int(params.get("offset", 0)))
    except ValueError:
        offset = 0
    rows = list(positions[offset : offset + PAGE_SIZE + 1])
    context = {
        "positions": rows[:PAGE_SIZE],
        "next_offset": offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None,
        "fields": Field.choices,
        "levels": Level.choices,
        "params": params,
    }
    return render(request, "talent/position_list.html", context)


@page
def position_detail(request, position_id):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    candidate = services.candidate_of(request.user)
    is_hr = request.user.is_authenticated and permissions.is_hr_of(
        request.user, position.enterprise_id
    )
    context = {
        "position": position,
        "actions": POSITION.actions_for(position, request.user),
        "candidate": candidate,
        "is_hr": is_hr,
        "apply_form": ApplyForm(positions=[position], initial={"position_ids": [str(position.id)]}),
    }
    return render(request, "talent/position_detail.html", context)


@login_required
@page
def position_new(request):
    enterprise_ids = permissions.hr_enterprise_ids(request.user, admin_only=True)
    if not enterprise_ids:
        raise ValidationFailed.for_field(
            "enterprise", _("Only an enterprise admin posts positions.")
        )
    enterprise = enterprise_get(actor=request.user, enterprise_id=sorted(enterprise_ids)[0])
    booths = [
        b
        for b in selectors.booth_list_of(actor=request.user, enterprise_id=enterprise.id)
        if b.status == "approved"
    ]
    form = PositionForm(request.POST or None, booths=booths, initial={"city": enterprise.park.city})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        booth_id = data.pop("booth")
        booth = next((b for b in booths if str(b.id) == booth_id), None)
        try:
            position = services.position_create(
                actor=request.user, enterprise=enterprise, booth=booth, **data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Position saved as a draft: publish it when ready."))
            return redirect(position.get_absolute_url())
    return render(request, "talent/position_new.html", {"form": form, "enterprise": enterprise})


@login_required
@require_POST
@page
def position_action(request, position_id):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    form = ActionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    if action not in POSITION.actions:
        messages.error(request, _("Unknown action."))
        return redirect(position.get_absolute_url())
    return acted(
        request,
        position.get_absolute_url(),
        lambda: services.position_transition(
            actor=request.user,
            position=position,
            action=action,
            note=form.cleaned_data.get("note", ""),
        ),
    )


@login_required
@page
def position_board(request, position_id):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    board = selectors.pipeline_board(actor=request.user, position=position)
    columns = [
        {
            "status": status,
            "label": label,
            "applications": applicants_ranked(
                position=position, applications=board.get(status, [])
            ),
        }
        for status, label in _column_labels()
    ]
    context = {
        "position": position,
        "columns": columns,
        "recommended": _reasons(candidates_for_position(position=position)),
    }
    return render(request, "talent/position_board.html", context)


def _column_labels():
    from parkos.talent.models import ApplicationStatus as S

    return [
        (s, S(s).label)
        for s in (
            S.APPLIED,
            S.SCREENED,
            S.INTERVIEW,
            S.INTENT,
            S.OFFER,
            S.HIRED,
            S.REJECTED,
            S.WITHDRAWN,
        )
    ]


@login_required
@page
def application_detail(request, application_id):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    is_hr = permissions.can_work_pipeline(request.user, application)
    slots = (
        list(selectors.slot_list(actor=request.user, enterprise_id=application.enterprise_id))
        if is_hr
        else []
    )
    interviews = selectors.application_interviews(actor=request.user, application=application)
    context = {
        "application": application,
        "name": identity.candidate_display_name(application),
        "actions": [
            a for a in APPLICATION.actions_for(application, request.user) if a.code != "interview"
        ],
        "can_interview": APPLICATION.may(application, "interview", request.user),
        "interview_form": InterviewForm(slots=[s for s in slots if s.booked < s.capacity]),
        "action_form": ActionForm(),
        "interviews": interviews,
        "score_form": ScorecardForm(),
        "events": selectors.application_events(actor=request.user, application=application),
        "is_hr": is_hr,
        "university": university_get(application.candidate.university)
        if getattr(application, "shared", False)
        else None,
    }
    return render(request, "talent/application_detail.html", context)


@login_required
@require_POST
@page
def application_action(request, application_id):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    form = ActionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    back = reverse("talent:application_detail", args=[application.id])
    if action not in APPLICATION.actions:
        messages.error(request, _("Unknown action."))
        return redirect(back)
    return acted(
        request,
        back,
        lambda: services.application_move(
            actor=request.user,
            application=application,
            action=action,
            reason_code=form.cleaned_data.get("reason_code", ""),
            note=form.cleaned_data.get("note", ""),
        ),
    )


@login_required
@require_POST
@page
def interview_new(request, application_id):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    slots = list(selectors.slot_list(actor=request.user, enterprise_id=application.enterprise_id))
    form = InterviewForm(request.POST, slots=slots)
    back = reverse("talent:application_detail", args=[application.id])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    slot = next((s for s in slots if str(s.id) == form.cleaned_data["slot"]), None)
    return acted(
        request,
        back,
        lambda: services.interview_schedule(
            actor=request.user,
            application=application,
            slot=slot,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            video_link=form.cleaned_data["video_link"],
        ),
        _("Interview scheduled."),
    )


@login_required
@require_POST
@page
def interview_score(request, interview_id):
    interview = selectors.interview_get(actor=request.user, interview_id=interview_id)
    form = ScorecardForm(request.POST)
    back = reverse("talent:application_detail", args=[interview.application_id])
    if not form.is_valid():
        messages.error(request, _("Score every criterion from 1 to 5."))
        return redirect(back)
    data = form.cleaned_data
    return acted(
        request,
        back,
        lambda: services.interview_score(
            actor=request.user,
            interview=interview,
            scores={k: data[k] for k in ("skills", "experience", "communication", "motivation")},
            recommendation=data["recommendation"],
            feedback=data["feedback"],
        ),
        _("Scorecard saved."),
    )


@login_required
@page
def slots(request):
    enterprise_ids = sorted(permissions.hr_enterprise_ids(request.user))
    if not enterprise_ids:
        raise ValidationFailed.for_field("enterprise", _("Only an enterprise's HR offers slots."))
    enterprise = enterprise_get(actor=request.user, enterprise_id=enterprise_ids[0])
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except (ValidationFailed, Conflict) as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Slot offered."))
            return redirect("talent:slots")
    context = {
        "form": form,
        "slots": selectors.slot_list(actor=request.user, enterprise_id=enterprise.id),
        "enterprise": enterprise,
    }
    return render(request, "talent/slots.html", context)


# The candidate's side


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_register(
                **form.cleaned_data, language=request.LANGUAGE_CODE or "zh-hans"
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            login(request, candidate.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Complete your profile to be recommended."))
            return redirect("talent:profile")
    return render(request, "talent/register.html", {"form": form})


def _profile_initial(candidate) -> dict:
    initial = {
        name: getattr(candidate, name)
        for name in ProfileForm.base_fields
        if name != "id_number" and hasattr(candidate, name)
    }
    initial["skills"] = "、".join(candidate.skills)
    initial["expected_cities"] = "、".join(candidate.expected_cities)
    return initial


@login_required
@page
def profile(request):
    from parkos.talent.services.candidates import require_candidate

    candidate = require_candidate(request.user)
    form = ProfileForm(request.POST or None, initial=_profile_initial(candidate))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        id_number = data.pop("id_number") or None
        try:
            services.candidate_update(
                actor=request.user, candidate=candidate, id_number=id_number, **data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("talent:profile")
    masked = (
        identity.id_mask(identity.id_decrypt(candidate.id_number_encrypted))
        if candidate.id_number_encrypted
        else ""
    )
    context = {
        "candidate": candidate,
        "form": form,
        "resume_form": ResumeForm(),
        "id_masked": masked,
        "consents": selectors.consent_list(actor=request.user).filter(candidate=candidate),
        "applications": selectors.application_list(actor=request.user, mine=True)[:50],
    }
    return render(request, "talent/profile.html", context)


@login_required
@require_POST
@page
def resume_upload(request):
    from parkos.talent.services.candidates import require_candidate

    candidate = require_candidate(request.user)
    form = ResumeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("talent:profile")
    upload = form.cleaned_data["resume"]
    return acted(
        request,
        reverse("talent:profile"),
        lambda: services.candidate_resume_upload(
            actor=request.user,
            candidate=candidate,
            name=upload.name,
            data=upload.read(RESUME_MAX_BYTES + 1),
            size=upload.size,
        ),
        _("Résumé uploaded; its text is searchable now."),
    )


@login_required
@require_POST
@page
def consent_withdraw(request, consent_id):
    consent = selectors.consent_get(actor=request.user, consent_id=consent_id)
    return acted(
        request,
        reverse("talent:profile"),
        lambda: services.consent_withdraw(actor=request.user, consent=consent),
        _("Consent withdrawn: the enterprise no longer sees your profile."),
    )


@login_required
@page
def profile_export(request):
    from parkos.talent.services.candidates import require_candidate

    data = services.candidate_export(actor=request.user, candidate=require_candidate(request.user))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-talent-data.json"'
    return response


@login_required
@require_POST
@page
def profile_delete(request):
    from parkos.talent.services.candidates import require_candidate

    if not DeleteProfileForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm the deletion."))
        return redirect("talent:profile")
    services.candidate_delete(actor=request.user, candidate=require_candidate(request.user))
    messages.success(request, _("Your profile has been deleted."))
    return redirect("talent:home")


@login_required
@require_POST
@page
def apply(request):
    form = ApplyForm(request.POST)
    back = reverse("talent:positions")
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(back)
    try:
        made = services.application_apply(
            actor=request.user,
            position_ids=form.cleaned_data["position_ids"],
            consent=form.cleaned_data["consent"],
            cover_note=form.cleaned_data["cover_note"],
        )
    except Forbidden as refused:
        messages.error(request, str(refused.message))
        return redirect("talent:profile")
    except ServiceError as refused:
        messages.error(request, str(refused.message))
        return redirect(back)
    messages.success(request, _("Applied to %(count)s positions.") % {"count": len(made)})
    return redirect("talent:profile")
