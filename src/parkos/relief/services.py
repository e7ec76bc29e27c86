"""Every write of rent relief: programmes, arrears flags, applications (through the approvals
engine) and the rent adjustments approved relief becomes."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.approvals.selectors import process_list
from parkos.approvals.services import attachment_check, case_comment, case_open, process_ensure
from parkos.core.audit import audit_record, snapshot
from parkos.core.errors import Conflict, FieldErrors, Forbidden, ValidationFailed
from parkos.core.money import parse_money
from parkos.relief import permissions, rules, selectors
from parkos.relief.errors import ReliefError
from parkos.relief.events import application_decision_recorded
from parkos.relief.models import (
    ApplicationStatus,
    ArrearsFlag,
    ProgrammeStatus,
    ReliefApplication,
    ReliefKind,
    ReliefProgramme,
    RentAdjustment,
)
from parkos.relief.workflows import PROGRAMME_WORKFLOW

SUBJECT = selectors.SUBJECT
DEFAULT_PROCESS = "rent-relief"
DEFAULT_STEPS = [
    {"name": "园区初审", "role": Role.REVIEWER, "scope": "park", "deadline_days": 3},
    {"name": "财务复核", "role": Role.OPERATOR_ADMIN, "scope": "network", "deadline_days": 5},
]
PROGRAMME_FIELDS = [
    "name",
    "park",
    "period_start",
    "period_end",
    "apply_until",
    "max_headcount",
    "max_revenue",
    "require_no_arrears",
    "kind",
    "months",
    "percent",
    "cap_per_enterprise",
    "process_code",
]


def _money(errors: FieldErrors, field: str, value) -> Decimal | None:
    """An amount of yuan through the one money parser; a negative one is refused in words."""
    try:
        amount = parse_money(value, field=field, minimum=None, required=False)
    except ValidationFailed as invalid:
        for message in invalid.fields.get(field, [invalid.message]):
            errors.add(field, message)
        return None
    if amount is not None and amount < 0:
        errors.add(field, _("Must not be negative."))
        return None
    return amount


def _figure(errors: FieldErrors, field: str, value) -> Decimal | None:
    """Months or a percentage waived: a number above zero, at most two decimals."""
    if value in (None, ""):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not number.is_finite():
        errors.add(field, _("Enter a number."))
        return None
    if number <= 0:
        errors.add(field, _("Must be more than zero."))
        return None
    return number


def default_process():
    return process_ensure(
        code=DEFAULT_PROCESS,
        name="疫情减租审批",
        steps=DEFAULT_STEPS,
        allow_batch=True,
        subject_type=SUBJECT,
    )


def programme_processes(*, actor):
    """The approval processes a relief programme may route its applications through: those
    made for rent relief, never another app's (a voucher grant, a provider's onboarding)."""
    default_process()
    return process_list(actor=actor, subject_type=SUBJECT).filter(active=True)


# Programmes


@transaction.atomic
def programme_create(
    *,
    actor,
    name: str,
    period_start: date,
    period_end: date,
    kind: str,
    park=None,
    description: str = "",
    apply_until: date | None = None,
    max_headcount: int | None = None,
    max_revenue=None,
    require_no_arrears: bool = True,
    months=None,
    percent=None,
    cap_per_enterprise=None,
    process_code: str = DEFAULT_PROCESS,
    publish: bool = False,
    problems: FieldErrors | None = None,
) -> ReliefProgramme:
    """`problems` are what the caller found unreadable in the input (a form's date that is
    not a date): they are reported with the checks below, so the form shows every problem
    at once, and their fields are not checked again."""
    if not permissions.can_manage_park(actor, park.id if park else None):
        raise Forbidden(_("Only the park's operators publish relief programmes."))
    errors = problems or FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("This field is required."))
    for field, value in (("period_start", period_start), ("period_end", period_end)):
        if value is None and not errors.has(field):
            errors.add(field, _("This field is required."))
    if period_start and period_end and period_end < period_start:
        errors.add("period_end", _("The period ends before it starts."))
    if apply_until and period_start and apply_until < period_start:
        errors.add("apply_until", _("Applications must stay open into the relief period."))
    if max_headcount is not None and not errors.has("max_headcount") and int(max_headcount) < 0:
        errors.add("max_headcount", _("Must not be negative."))
    max_revenue = _money(errors, "max_revenue", max_revenue)
    cap = _money(errors, "cap_per_enterprise", cap_per_enterprise)
    # Both figures are checked whenever given, so a wrong one never waits, unnoticed, for
    # the day someone switches the kind; only the one the kind uses is kept.
    months = _figure(errors, "months", months)
    percent = _figure(errors, "percent", percent)
    if percent is not None and percent > 100:
        errors.add("percent", _("At most 100%."))
    if kind == ReliefKind.MONTHS:
        if months is None and not errors.has("months"):
            errors.add("months", _("Say how many months of rent are waived."))
        percent = None
    elif kind == ReliefKind.PERCENT:
        if percent is None and not errors.has("percent"):
            errors.add("percent", _("Say which percentage of the rent is waived."))
        months = None
    else:
        errors.add("kind", _("Choose months waived or a percentage."))
    if not programme_processes(actor=actor).filter(code=process_code).exists():
        errors.add("process_code", _("Choose an approval process for rent relief."))
    errors.raise_if_any()
    programme = ReliefProgramme.objects.create(
        name=name.strip(),
        description=description,
        park=park,
        period_start=period_start,
        period_end=period_end,
        apply_until=apply_until,
        max_headcount=max_headcount,
        max_revenue=max_revenue,
        require_no_arrears=require_no_arrears,
        kind=kind,
        months=months,
        percent=percent,
        cap_per_enterprise=cap,
        process_code=process_code,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="relief.programme.create",
        instance=programme,
        park_id=programme.park_id,
        changes=snapshot(programme, PROGRAMME_FIELDS),
    )
    if publish:
        programme = programme_publish(actor=actor, programme=programme)
    return programme


@transaction.atomic
def programme_publish(*, actor, programme: ReliefProgramme) -> ReliefProgramme:
    return _programme_fire(actor, programme, "publish")


@transaction.atomic
def programme_close(*, actor, programme: ReliefProgramme) -> ReliefProgramme:
    return _programme_fire(actor, programme, "close")


def _programme_fire(actor, programme, action: str) -> ReliefProgramme:
    # Who may is said first: an outsider learns nothing of the programme's state.
    if not permissions.can_manage_park(actor, programme.park_id):
        raise Forbidden(_("Only the park's operators publish relief programmes."))
    return PROGRAMME_WORKFLOW.fire(programme, action, actor=actor)


# Arrears


@transaction.atomic
def arrears_flag(*, actor, enterprise, note: str = "", active: bool = True) -> ArrearsFlag | None:
    if not permissions.can_manage_park(actor, enterprise.park_id):
        raise Forbidden(_("Only the park's operators flag rent arrears."))
    current = ArrearsFlag.objects.filter(enterprise=enterprise, active=True)
    if not active:
        changed = current.update(active=False)
        if changed:
            audit_record(
                actor=actor,
                action="relief.arrears.clear",
                instance=enterprise,
                park_id=enterprise.park_id,
            )
        return None
    flag = current.first() or ArrearsFlag.objects.create(
        enterprise=enterprise, note=note[:200], flagged_by=actor
    )
    audit_record(
        actor=actor,
        action="relief.arrears.flag",
        instance=enterprise,
        park_id=enterprise.park_id,
        changes={"note": note},
    )
    return flag


# Applications


def relief_quote(
    *, programme: ReliefProgramme, lease, enterprise, declared_revenue=None, exclude_id=None
) -> rules.Quote:
    """Whether `lease` qualifies under `programme`, and for how much: shown before the
    applicant submits, and recomputed when they do."""
    reasons: list[str] = []
    covered = rules.overlap(lease.start, lease.end, programme.period_start, programme.period_end)
    if covered is None:
        reasons.append(_("The lease does not run during the relief period."))
    if programme.max_headcount is not None and enterprise.headcount > programme.max_headcount:
        reasons.append(
            _("The enterprise has %(count)d employees; the programme is for at most %(limit)d.")
            % {"count": enterprise.headcount, "limit": programme.max_headcount}
        )
    if programme.max_revenue is not None:
        if declared_revenue is None:
            reasons.append(_("Declare the enterprise's annual revenue."))
        elif declared_revenue > programme.max_revenue:
            reasons.append(
                _("Annual revenue above the programme's limit of ¥%(limit)s.")
                % {"limit": f"{programme.max_revenue:,.2f}"}
            )
    if programme.require_no_arrears and selectors.has_arrears(enterprise_id=enterprise.id):
        reasons.append(_("The enterprise is behind with its rent."))
    months_covered = rules.months_in_period(*covered) if covered else Decimal(0)
    amount, breakdown = rules.relief_amount(
        kind=programme.kind,
        monthly_rent=Decimal(str(lease.monthly_rent)),
        months_covered=months_covered,
        months=programme.months,
        percent=programme.percent,
        cap=programme.cap_per_enterprise,
        already_granted=selectors.granted_to_enterprise(
            programme=programme, enterprise_id=enterprise.id, exclude_id=exclude_id
        ),
    )
    if covered:
        breakdown["from"], breakdown["to"] = covered[0].isoformat(), covered[1].isoformat()
    if not reasons and amount <= 0:
        reasons.append(_("Nothing is left under the programme's cap for this enterprise."))
    return rules.Quote(eligible=not reasons, amount=amount, reasons=reasons, breakdown=breakdown)


def _programme_open(programme: ReliefProgramme, today: date) -> None:
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise ValidationFailed.for_field(
            "programme", _("This programme is not open for applications.")
        )
    if programme.apply_until and today > programme.apply_until:
        raise ValidationFailed.for_field(
            "programme",
            _("Applications to this programme closed on %(day)s.")
            % {"day": programme.apply_until.isoformat()},
        )


def application_allowed(*, actor) -> None:
    """Refuse (403) someone who applies for no enterprise, before their input is read."""
    if not permissions.may_apply(actor):
        raise Forbidden(_("Only an enterprise's admin applies for rent relief."))


def application_check(*, actor, programme, lease, declared_revenue=None):
    """Validate an application without writing: the lease, the revenue, the rules."""
    application_allowed(actor=actor)
    if lease is None or not permissions.can_apply_for(actor, lease.enterprise_id):
        raise ValidationFailed.for_field(
            "lease",
            _("This lease is not one of your enterprise's."),
            code=ReliefError.FOREIGN_LEASE,
        )
    _programme_open(programme, timezone.localdate())
    if not permissions.programme_covers(programme, lease.enterprise.park):
        raise ValidationFailed.for_field("programme", _("This programme does not cover your park."))
    errors = FieldErrors()
    revenue = _money(errors, "declared_revenue", declared_revenue)
    errors.raise_if_any()
    quote = relief_quote(
        programme=programme, lease=lease, enterprise=lease.enterprise, declared_revenue=revenue
    )
    return revenue, quote


@transaction.atomic
def application_submit(
    *, actor, programme: ReliefProgramme, lease, declared_revenue=None, evidence=()
) -> ReliefApplication:
    revenue, quote = application_check(
        actor=actor, programme=programme, lease=lease, declared_revenue=declared_revenue
    )
    for index, upload in enumerate(evidence):
        attachment_check(upload, field="evidence" if len(evidence) == 1 else f"evidence.{index}")
    live = ReliefApplication.objects.filter(
        lease=lease,
        status__in=[ApplicationStatus.PENDING, ApplicationStatus.APPROVED],
        programme__period_start__lte=programme.period_end,
        programme__period_end__gte=programme.period_start,
    )
    if live.exists():
        raise Conflict(
            _("This lease already has a relief application for this period."),
            code=ReliefError.ALREADY_APPLIED,
            fields={"lease": [_("This lease already has a relief application for this period.")]},
        )
    if not quote.eligible:
        raise ValidationFailed(
            quote.reasons[0], code=ReliefError.NOT_ELIGIBLE, fields={"__all__": quote.reasons}
        )
    enterprise = lease.enterprise
    try:
        with transaction.atomic():
            application = ReliefApplication.objects.create(
                programme=programme,
                enterprise=enterprise,
                lease=lease,
                park=enterprise.park,
                applicant=actor,
                declared_revenue=revenue,
                headcount=enterprise.headcount,
                amount=quote.amount,
                breakdown=quote.breakdown,
            )
    except IntegrityError as twice:
        raise Conflict(
            _("This lease already has a relief application for this period."),
            code=ReliefError.ALREADY_APPLIED,
        ) from twice
    audit_record(
        actor=actor,
        action="relief.application.submit",
        instance=application,
        park_id=application.park_id,
        changes={"amount": application.amount, "lease": lease.pk, "programme": programme.pk},
    )
    case = case_open(
        actor=actor,
        process_code=programme.process_code,
        subject_type=SUBJECT,
        subject_id=str(application.id),
        title=f"{programme.name} · {enterprise.name} · {lease.unit}",
        enterprise=enterprise,
        park=enterprise.park,
    )
    for upload in evidence:
        case_comment(actor=actor, case=case, text=_("Evidence"), attachment=upload)
    return application


def _decided(case, actor, status: str) -> ReliefApplication | None:
    application = (
        ReliefApplication.objects.select_for_update()
        .select_related("programme", "lease", "enterprise")
        .filter(pk=case.subject_id)
        .first()
    )
    if application is None:
        return None
    before = application.status
    application.status = status
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    application_decision_recorded(application, actor=actor, before=before)
    return application


def on_case_approved(*, case, actor) -> None:
    """The approvals engine approved the case: the relief becomes a rent adjustment."""
    application = _decided(case, actor, ApplicationStatus.APPROVED)
    if application is None or application.amount <= 0:
        return
    breakdown = application.breakdown or {}
    programme = application.programme
    adjustment = RentAdjustment.objects.create(
        lease=application.lease,
        enterprise=application.enterprise,
        park_id=application.park_id,
        application=application,
        amount=application.amount,
        period_start=date.fromisoformat(breakdown.get("from", programme.period_start.isoformat())),
        period_end=date.fromisoformat(breakdown.get("to", programme.period_end.isoformat())),
        reason=programme.name[:200],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="relief.adjustment.create",
        instance=adjustment,
        park_id=adjustment.park_id,
        changes={"lease": adjustment.lease_id, "amount": adjustment.amount},
    )


def on_case_rejected(*, case, actor) -> None:
    _decided(case, actor, ApplicationStatus.REJECTED)


def on_case_withdrawn(*, case, actor) -> None:
    _decided(case, actor, ApplicationStatus.WITHDRAWN)
