"""Candidates: registration, profile, résumé, duplicates merged, and the rights PIPL gives them
(consent per enterprise, withdrawal, export of their data, deletion with applications kept
anonymised for statistics)."""

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed
from parkos.talent import identity, permissions
from parkos.talent.errors import TalentError
from parkos.talent.models import Application, ApplicationStatus, Candidate, Consent, Field, Level
from parkos.talent.resumes import resume_extract
from parkos.talent.services.common import choice_clean, signed_in, skills_clean, text_clean
from parkos.talent.services.common import money_clean as parse_money
from parkos.talent.universities import university_get
from parkos.talent.workflows import APPLICATION

DEGREES = ("college", "bachelor", "master", "doctor")
PROFILE_FIELDS = (
    "name",
    "email",
    "birth_year",
    "city",
    "expected_cities",
    "expected_salary",
    "field",
    "level",
    "university",
    "degree",
    "major",
    "graduation_year",
    "skills",
    "summary",
    "discoverable",
)


def _year(errors: FieldErrors, field: str, value, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not low <= year <= high:
        errors.add(field, _("Enter a year from %(low)s to %(high)s.") % {"low": low, "high": high})
        return None
    return year


def profile_validate(data: dict) -> dict:
    errors = FieldErrors()
    this_year = timezone.localdate().year
    cleaned: dict = {}
    if "name" in data:
        cleaned["name"] = text_clean(errors, "name", data["name"], limit=50, required=True)
    if "email" in data:
        cleaned["email"] = text_clean(errors, "email", data["email"], limit=254)
    if "birth_year" in data:
        cleaned["birth_year"] = _year(errors, "birth_year", data["birth_year"], 1940, this_year)
    if "graduation_year" in data:
        cleaned["graduation_year"] = _year(
            errors, "graduation_year", data["graduation_year"], 1960, this_year + 6
        )
    if "city" in data:
        cleaned["city"] = text_clean(errors, "city", data["city"], limit=50)
    if "expected_cities" in data:
        cleaned["expected_cities"] = skills_clean(data["expected_cities"])[:10]
    if "expected_salary" in data:
        try:
            cleaned["expected_salary"] = parse_money(
                data["expected_salary"],
                field="expected_salary",
                minimum=Decimal("1"),
                maximum=Decimal("1000000"),
                required=False,
            )
        except ValidationFailed as invalid:
            errors.add("expected_salary", str(invalid.message))
    if "field" in data:
        cleaned["field"] = choice_clean(errors, "field", data["field"], Field, required=False)
    if "level" in data:
        cleaned["level"] = choice_clean(errors, "level", data["level"], Level, required=False)
    if "university" in data:
        code = (data["university"] or "").strip()
        if code and university_get(code) is None:
            errors.add("university", _("Choose a university from the list."))
        cleaned["university"] = code
    if "degree" in data:
        degree = (data["degree"] or "").strip()
        if degree and degree not in DEGREES:
            errors.add("degree", _("Choose one of the listed values."))
        cleaned["degree"] = degree
    if "major" in data:
        cleaned["major"] = text_clean(errors, "major", data["major"], limit=100)
    if "skills" in data:
        cleaned["skills"] = skills_clean(data["skills"])
    if "summary" in data:
        cleaned["summary"] = text_clean(errors, "summary", data["summary"], limit=5000)
    if "discoverable" in data:
        cleaned["discoverable"] = bool(data["discoverable"])
    errors.raise_if_any()
    return cleaned


def candidate_of(user) -> Candidate | None:
    """The user's own live profile (following a merge to the profile kept)."""
    if not getattr(user, "is_authenticated", False):
        return None
    candidate = Candidate.objects.filter(user=user, deleted_at__isnull=True).first()
    while candidate is not None and candidate.merged_into_id:
        candidate = candidate.merged_into
    return candidate


def _require_own(actor, candidate: Candidate) -> None:
    signed_in(actor)
    if candidate.user_id != actor.pk:
        raise NotFound(_("Not found."))
    if candidate.deleted_at is not None:
        raise Conflict(_("This profile has been deleted."), code=TalentError.PROFILE_DELETED)


@transaction.atomic
def candidate_register(
    *, username: str, password: str, name: str, phone: str, email: str = "", language="zh-hans"
) -> Candidate:
    """A new account with the candidate role and its profile. A profile the same person already
    has without an account (added by an enterprise from a walk-in résumé) is taken over, not
    doubled."""
    errors = FieldErrors()
    name = text_clean(errors, "name", name, limit=50, required=True)
    try:
        phone = identity.phone_clean(phone)
    except ValidationFailed as invalid:
        errors.add("phone", str(invalid.message))
    if len(password or "") < 8:
        errors.add("password", _("Choose a password of at least 8 characters."))
    errors.raise_if_any()
    existing = Candidate.objects.active().filter(phone=phone).first()
    if existing is not None and existing.user_id is not None:
        raise ValidationFailed.for_field(
            "phone",
            _("An account already uses this phone number: sign in with it instead."),
            code=TalentError.PHONE,
        )
    user = user_create(
        username=username, password=password, display_name=name, email=email, language=language
    )
    user.phone = phone
    user.save(update_fields=["phone"])
    membership_grant(user=user, role=Role.CANDIDATE)
    if existing is not None:
        existing.user = user
        existing.name = name
        existing.email = email or existing.email
        existing.save(update_fields=["user", "name", "email", "updated_at"])
        candidate = existing
    else:
        candidate = Candidate.objects.create(user=user, name=name, phone=phone, email=email)
    audit_record(actor=user, action="talent.candidate.register", instance=candidate)
    return candidate


@transaction.atomic
def candidate_update(*, actor, candidate: Candidate, id_number: str | None = None, **data):
    """Change the candidate's profile. An ID number given here is checked (GB 11643), stored
    encrypted, and used to find another profile of the same person, which is merged in."""
    _require_own(actor, candidate)
    cleaned = profile_validate({k: v for k, v in data.items() if k in PROFILE_FIELDS})
    if id_number:
        number = identity.id_number_clean(id_number)
        cleaned["id_number_encrypted"] = identity.id_encrypt(number)
        cleaned["id_hmac"] = identity.id_hmac(number)
    for name, value in cleaned.items():
        setattr(candidate, name, value)
    candidate.save(update_fields=[*cleaned, "updated_at"])
    candidate_merge_duplicates(candidate=candidate)
    return candidate


def candidate_merge_duplicates(*, candidate: Candidate) -> list[Candidate]:
    """Merge into `candidate` every other live profile with its phone number or ID number that
    has no account of its own (two accounts of one person are for the person to close)."""
    same = Q(phone=candidate.phone) if candidate.phone else Q(pk__in=[])
    if candidate.id_hmac:
        same |= Q(id_hmac=candidate.id_hmac)
    duplicates = list(
        Candidate.objects.active().filter(same, user__isnull=True).exclude(pk=candidate.pk)
    )
    for duplicate in duplicates:
        candidate_merge(actor=None, keep=candidate, duplicate=duplicate)
    return duplicates


@transaction.atomic
def candidate_merge(*, actor, keep: Candidate, duplicate: Candidate) -> Candidate:
    """One person, one profile: the duplicate's applications move to the profile kept; an
    application both made to the same position stays once (the other is marked merged and
    no longer counted); consents move; the duplicate points at the profile kept."""
    if keep.pk == duplicate.pk:
        return keep
    kept_positions = dict(
        Application.objects.counted().filter(candidate=keep).values_list("position_id", "id")
    )
    moved = 0
    for application in Application.objects.counted().filter(candidate=duplicate):
        if application.position_id in kept_positions:
            application.duplicate_of_id = kept_positions[application.position_id]
            application.save(update_fields=["duplicate_of"])
            APPLICATION.fire(application, "merge", actor=actor, check=False, lock=False)
        else:
            application.candidate = keep
            application.save(update_fields=["candidate"])
            kept_positions[application.position_id] = application.id
            moved += 1
    active = set(
        Consent.objects.active().filter(candidate=keep).values_list("enterprise_id", flat=True)
    )
    for consent in Consent.objects.active().filter(candidate=duplicate):
        if consent.enterprise_id in active:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
        else:
            consent.candidate = keep
            consent.save(update_fields=["candidate"])
    for name in ("email", "university", "major", "summary", "resume_text", "id_hmac"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    if not keep.id_number_encrypted and duplicate.id_number_encrypted:
        keep.id_number_encrypted = duplicate.id_number_encrypted
    keep.skills = list(dict.fromkeys([*keep.skills, *duplicate.skills]))[:30]
    keep.save()
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    audit_record(
        actor=actor,
        action="talent.candidate.merge",
        instance=keep,
        changes={"duplicate": str(duplicate.pk), "applications_moved": moved},
    )
    return keep


@transaction.atomic
def candidate_resume_upload(
    *, actor, candidate: Candidate, name: str, data: bytes, size: int | None = None
) -> Candidate:
    _require_own(actor, candidate)
    text = resume_extract(name=name, data=data, size=size)
    if candidate.resume_file:
        candidate.resume_file.delete(save=False)
    safe_name = "resume.pdf" if data.startswith(b"%PDF-") else "resume.docx"
    candidate.resume_file.save(safe_name, ContentFile(data), save=False)
    candidate.resume_name = (name or safe_name)[-200:]
    candidate.resume_text = text
    candidate.save(update_fields=["resume_file", "resume_name", "resume_text", "updated_at"])
    return candidate


@transaction.atomic
def candidate_add_walk_in(*, actor, enterprise, name: str, phone: str, **profile) -> Candidate:
    """HR records a person met at a booth or by email (no account yet). The same phone number
    finds the person's existing profile instead of making a second one."""
    permissions.require_hr(actor, enterprise.id)
    phone = identity.phone_clean(phone)
    existing = Candidate.objects.active().filter(phone=phone).first()
    if existing is not None:
        return existing
    cleaned = profile_validate(
        {"name": name, **{k: v for k, v in profile.items() if k in PROFILE_FIELDS}}
    )
    candidate = Candidate.objects.create(phone=phone, source="walk_in", **cleaned)
    Consent.objects.create(candidate=candidate, enterprise=enterprise, granted_at=timezone.now())
    audit_record(actor=actor, action="talent.candidate.walk_in", instance=candidate)
    return candidate


# PIPL


def _consent(candidate: Candidate, enterprise_id) -> Consent:
    try:
        with transaction.atomic():
            consent, _created = Consent.objects.active().get_or_create(
                candidate=candidate,
                enterprise_id=enterprise_id,
                defaults={"granted_at": timezone.now()},
            )
    except IntegrityError:
        consent = Consent.objects.active().get(candidate=candidate, enterprise_id=enterprise_id)
    return consent


@transaction.atomic
def consent_grant(*, actor, candidate: Candidate, enterprise) -> Consent:
    _require_own(actor, candidate)
    consent = _consent(candidate, enterprise.id)
    audit_record(
        actor=actor,
        action="talent.consent.grant",
        instance=consent,
        changes={"enterprise": str(enterprise.id)},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    """The enterprise no longer sees the profile or the résumé. Applications already made stay
    (as the enterprise's record that someone applied) without the person's details."""
    consent = Consent.objects.select_for_update().select_related("candidate").get(pk=consent.pk)
    _require_own(actor, consent.candidate)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            action="talent.consent.withdraw",
            instance=consent,
            changes={"enterprise": str(consent.enterprise_id)},
        )
    return consent


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def candidate_export(*, actor, candidate: Candidate) -> dict:
    """Everything stored about the candidate, in one document (PIPL art. 45)."""
    _require_own(actor, candidate)
    profile = {name: _plain(getattr(candidate, name)) for name in PROFILE_FIELDS}
    profile["phone"] = candidate.phone
    if candidate.id_number_encrypted:
        profile["id_number"] = identity.id_decrypt(candidate.id_number_encrypted)
    profile["resume_text"] = candidate.resume_text
    applications = [
        {
            "position": a.position.title,
            "enterprise": a.enterprise.name,
            "status": a.status,
            "applied_at": a.applied_at.isoformat(),
            "reason_code": a.reason_code,
            "events": [
                {"action": e.action, "at": e.at.isoformat(), "after": e.after}
                for e in a.events.all()
            ],
            "interviews": [
                {"round": i.round, "overall": i.overall, "feedback": i.feedback}
                for i in a.interviews.all()
            ],
        }
        for a in candidate.applications.select_related("position", "enterprise").prefetch_related(
            "events", "interviews"
        )
    ]
    consents = [
        {
            "enterprise": c.enterprise.name,
            "granted_at": c.granted_at.isoformat(),
            "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
        }
        for c in candidate.consents.select_related("enterprise")
    ]
    audit_record(actor=actor, action="talent.candidate.export", instance=candidate)
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": profile,
        "applications": applications,
        "consents": consents,
    }


@transaction.atomic
def candidate_delete(*, actor, candidate: Candidate) -> Candidate:
    """Erase the person (PIPL art. 47): name, contacts, ID number, résumé and free text go;
    field, level, university and the applications' stages stay, anonymised, so that the fair's
    statistics do not change. Open applications are withdrawn. Consents end."""
    _require_own(actor, candidate)
    now = timezone.now()
    open_statuses = (
        ApplicationStatus.APPLIED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.INTENT,
        ApplicationStatus.OFFER,
    )
    for application in candidate.applications.filter(status__in=open_statuses):
        application.reason_code = "changed_mind"
        application.save(update_fields=["reason_code"])
        APPLICATION.fire(application, "withdraw", actor=actor, check=False, note="erased")
    candidate.applications.update(anonymised=True, cover_note="", reason_note="")
    candidate.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    if candidate.resume_file:
        candidate.resume_file.delete(save=False)
    candidate.name = _("(erased)")
    candidate.phone = ""
    candidate.email = ""
    candidate.id_number_encrypted = ""
    candidate.id_hmac = ""
    candidate.birth_year = None
    candidate.summary = ""
    candidate.resume_name = ""
    candidate.resume_text = ""
    candidate.skills = []
    candidate.expected_cities = []
    candidate.discoverable = False
    candidate.deleted_at = now
    user = candidate.user
    candidate.user = None
    candidate.save()
    if user is not None:
        user.phone = ""
        user.save(update_fields=["phone"])
    audit_record(actor=actor, action="talent.candidate.erase", instance=candidate)
    return candidate


def require_candidate(actor) -> Candidate:
    signed_in(actor)
    candidate = candidate_of(actor)
    if candidate is None:
        raise Forbidden(_("Create your candidate profile first."))
    return candidate
