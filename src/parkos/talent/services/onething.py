"""Talent one thing (人才一件事): one form opening the sub-cases the talent ticks, each through the
approvals engine to its own reviewers, with its checklist of documents and a deadline in working
days; the housing subsidy under the versioned rule, checked once per person across every park,
and recorded on the tamper-evident ledger."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parkos.accounts.models import Role
from parkos.approvals.services import case_open, process_ensure
from parkos.core.errors import Conflict, FieldErrors, Forbidden, ValidationFailed
from parkos.core.money import CENT
from parkos.core.workdays import add_workdays
from parkos.talent import events, identity, permissions
from parkos.talent.errors import TalentError
from parkos.talent.ledger import ledger_append
from parkos.talent.models import (
    DocumentKind,
    HousingSubsidy,
    LedgerKind,
    OneThingApplication,
    SubCase,
    SubCaseKind,
    SubCaseStatus,
    SubsidyRule,
    SubsidyStatus,
)
from parkos.talent.services.common import money_clean as parse_money
from parkos.talent.services.common import signed_in, text_clean

SUBJECT = "talent.subcase"
PRICE_MAX = Decimal("1000000000")

D = DocumentKind
# Each service: its approvals process (the reviewers' steps), documents and deadline.
SERVICES = {
    SubCaseKind.PROGRAMME: {
        "process": "talent-programme",
        "name": gettext_noop("Talent programme application"),
        "documents": (D.ID_CARD, D.DEGREE, D.LABOUR_CONTRACT, D.AWARDS),
        "days": 15,
        "steps": [
            {
                "name": "人才认定初审",
                "role": Role.REVIEWER,
                "scope": "network",
                "deadline_days": 10,
            },
            {
                "name": "人才认定复核",
                "role": Role.OPERATOR_ADMIN,
                "scope": "park",
                "deadline_days": 5,
            },
        ],
    },
    SubCaseKind.RESIDENCE: {
        "process": "talent-residence",
        "name": gettext_noop("Residence permit"),
        "documents": (D.ID_CARD, D.LABOUR_CONTRACT),
        "days": 7,
        "steps": [
            {"name": "居住证审核", "role": Role.REVIEWER, "scope": "network", "deadline_days": 7}
        ],
    },
    SubCaseKind.TRANSFER: {
        "process": "talent-transfer",
        "name": gettext_noop("File and household transfer"),
        "documents": (D.ID_CARD, D.HOUSEHOLD, D.FILE_LETTER, D.LABOUR_CONTRACT),
        "days": 20,
        "steps": [
            {"name": "档案户籍审核", "role": Role.REVIEWER, "scope": "network", "deadline_days": 20}
        ],
    },
    SubCaseKind.SOCIAL_SECURITY: {
        "process": "talent-social-security",
        "name": gettext_noop("Social security transfer"),
        "documents": (D.ID_CARD, D.SOCIAL_SECURITY),
        "days": 10,
        "steps": [
            {"name": "社保转移审核", "role": Role.REVIEWER, "scope": "network", "deadline_days": 10}
        ],
    },
    SubCaseKind.SCHOOLING: {
        "process": "talent-schooling",
        "name": gettext_noop("Children's schooling"),
        "documents": (D.ID_CARD, D.HOUSEHOLD, D.BIRTH_CERTIFICATE),
        "days": 15,
        "steps": [
            {"name": "子女入学审核", "role": Role.REVIEWER, "scope": "network", "deadline_days": 15}
        ],
    },
    SubCaseKind.HOUSING: {
        "process": "talent-housing",
        "name": gettext_noop("Talent housing subsidy"),
        "documents": (D.ID_CARD, D.LABOUR_CONTRACT, D.PURCHASE_CONTRACT, D.PROPERTY_SEARCH),
        "days": 10,
        "steps": [
            {
                "name": "购房补贴资格审核",
                "role": Role.REVIEWER,
                "scope": "network",
                "deadline_days": 10,
            }
        ],
    },
}

DEFAULT_RULE = {"rate": Decimal("0.30"), "cap": Decimal("600000.00"), "window_years": 3}


# The rule


def rule_current(*, on: date | None = None) -> SubsidyRule:
    on = on or timezone.localdate()
    rule = SubsidyRule.objects.filter(in_force_from__lte=on).order_by("-version").first()
    if rule is None:
        raise ValidationFailed.for_field(
            "kinds", _("No housing subsidy rule is in force."), code=TalentError.NO_RULE
        )
    return rule


@transaction.atomic
def rule_publish(*, actor, rate, cap, window_years: int, in_force_from: date, note: str = ""):
    """A new version of the rule: applications made from `in_force_from` use it; subsidies
    already computed keep theirs."""
    permissions.require_reviewer(actor)
    errors = FieldErrors()
    try:
        rate = Decimal(str(rate))
    except ArithmeticError:
        rate = Decimal("-1")
    if not Decimal("0") < rate <= Decimal("1") or rate.as_tuple().exponent < -4:
        errors.add("rate", _("Enter a share between 0 and 1, such as 0.30."))
    try:
        cap = parse_money(cap, field="cap", minimum=Decimal("1"), maximum=PRICE_MAX)
    except ValidationFailed as invalid:
        errors.add("cap", str(invalid.message))
    if not isinstance(window_years, int) or not 1 <= window_years <= 20:
        errors.add("window_years", _("Enter a number of years from 1 to 20."))
    errors.raise_if_any()
    last = SubsidyRule.objects.select_for_update().order_by("-version").first()
    rule = SubsidyRule.objects.create(
        version=(last.version + 1) if last else 1,
        rate=rate,
        cap=cap,
        window_years=window_years,
        in_force_from=in_force_from,
        note=(note or "")[:200],
    )
    events.subsidy_record(
        rule, actor=actor, action="rule", park_id=None, rate=str(rate), cap=str(cap)
    )
    return rule


def subsidy_amount(*, price: Decimal, rule: SubsidyRule) -> Decimal:
    """min(rate × price, cap), to the cent (half up)."""
    return min((price * rule.rate).quantize(CENT, rounding=ROUND_HALF_UP), rule.cap)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _already_subsidised(id_hmac: str) -> bool:
    return HousingSubsidy.objects.filter(
        id_hmac=id_hmac, status__in=[SubsidyStatus.APPROVED, SubsidyStatus.PAID]
    ).exists()


def housing_check(
    *, id_hmac: str, arrived_on: date, price, first_home: bool, in_district: bool, rule
) -> Decimal:
    """The housing rule applied to one application: the price, or a ValidationFailed naming
    the field and the rule it breaks."""
    price = parse_money(price, field="price", minimum=Decimal("0.01"), maximum=PRICE_MAX)
    if not first_home:
        raise ValidationFailed.for_field(
            "first_home",
            _("The subsidy is for a first home only."),
            code=TalentError.NOT_FIRST_HOME,
        )
    if not in_district:
        raise ValidationFailed.for_field(
            "in_district",
            _("The subsidy is for a home in the district only."),
            code=TalentError.NOT_IN_DISTRICT,
        )
    today = timezone.localdate()
    earliest = _years_before(today, rule.window_years)
    if not earliest <= arrived_on <= today:
        raise ValidationFailed.for_field(
            "arrived_on",
            _(
                "The subsidy is for talent who arrived within the last %(years)s years (since %(day)s)."
            )
            % {"years": rule.window_years, "day": earliest.isoformat()},
            code=TalentError.ARRIVAL_WINDOW,
        )
    if _already_subsidised(id_hmac):
        raise Conflict(
            _(
                "A housing subsidy has already been granted to this ID number (in this park or another)."
            ),
            code=TalentError.ALREADY_SUBSIDISED,
            fields={
                "id_number": [_("A housing subsidy has already been granted to this ID number.")]
            },
        )
    return price


# The form


def _documents(kind: str, provided) -> list[dict]:
    given = set(provided or ())
    return [
        {"code": str(code), "provided": str(code) in given} for code in SERVICES[kind]["documents"]
    ]


@transaction.atomic
def onething_apply(
    *,
    actor,
    park,
    name: str,
    phone: str,
    id_number: str,
    arrived_on,
    kinds: list[str],
    documents: list[str] | None = None,
    enterprise=None,
    housing: dict | None = None,
) -> OneThingApplication:
    """The one form: checks everything first, then opens one approvals case per service ticked;
    nothing is written when any part is refused."""
    signed_in(actor)
    errors = FieldErrors()
    name = text_clean(errors, "name", name, limit=50, required=True)
    try:
        phone = identity.phone_clean(phone)
    except ValidationFailed as invalid:
        errors.add("phone", str(invalid.message))
    number = ""
    try:
        number = identity.id_number_clean(id_number)
    except ValidationFailed as invalid:
        errors.add("id_number", str(invalid.message))
    if isinstance(arrived_on, str):
        try:
            arrived_on = date.fromisoformat(arrived_on.strip())
        except ValueError:
            arrived_on = None
    if not isinstance(arrived_on, date):
        errors.add("arrived_on", _("Enter a date such as 2025-09-01."))
    elif arrived_on > timezone.localdate():
        errors.add("arrived_on", _("The arrival date is in the future."))
    chosen = [k for k in dict.fromkeys(kinds or []) if k in SubCaseKind.values]
    if not chosen or len(chosen) != len(set(kinds or [])):
        errors.add("kinds", _("Tick at least one of the listed services."))
    if errors.fields:
        code = TalentError.ID_NUMBER if list(errors.fields) == ["id_number"] else None
        raise ValidationFailed(
            next(iter(errors.fields.values()))[0], code=code, fields=errors.fields
        )
    hmac_value = identity.id_hmac(number)
    rule = price = None
    housing = housing or {}
    if SubCaseKind.HOUSING in chosen:
        rule = rule_current()
        price = housing_check(
            id_hmac=hmac_value,
            arrived_on=arrived_on,
            price=housing.get("price"),
            first_home=bool(housing.get("first_home")),
            in_district=bool(housing.get("in_district")),
            rule=rule,
        )
        address = (housing.get("home_address") or "").strip()
        if not address:
            raise ValidationFailed.for_field("home_address", _("This field is required."))
    application = OneThingApplication.objects.create(
        applicant=actor,
        park=park,
        enterprise=enterprise,
        name=name,
        phone=phone,
        id_number_encrypted=identity.id_encrypt(number),
        id_hmac=hmac_value,
        id_masked=identity.id_mask(number),
        arrived_on=arrived_on,
    )
    today = timezone.localdate()
    for kind in chosen:
        service = SERVICES[kind]
        subcase = SubCase.objects.create(
            application=application,
            kind=kind,
            documents=_documents(kind, documents),
            deadline=add_workdays(today, service["days"]),
        )
        if kind == SubCaseKind.HOUSING:
            try:
                with transaction.atomic():
                    HousingSubsidy.objects.create(
                        subcase=subcase,
                        rule=rule,
                        id_hmac=hmac_value,
                        home_address=address[:200],
                        price=price,
                        first_home=True,
                        in_district=True,
                        amount=subsidy_amount(price=price, rule=rule),
                    )
            except IntegrityError as clash:
                raise Conflict(
                    _("A housing subsidy for this ID number is already being reviewed."),
                    code=TalentError.ALREADY_SUBSIDISED,
                    fields={
                        "id_number": [
                            _("A housing subsidy for this ID number is already being reviewed.")
                        ]
                    },
                ) from clash
        process_ensure(
            code=service["process"],
            name=_(service["name"]),
            steps=service["steps"],
            subject_type=SUBJECT,
        )
        case = case_open(
            actor=actor,
            process_code=service["process"],
            subject_type=SUBJECT,
            subject_id=str(subcase.id),
            title=f"{_(service['name'])} · {name}",
            park=park,
        )
        subcase.case_id = case.id
        subcase.save(update_fields=["case_id"])
    events.subsidy_record(application, actor=actor, action="apply", park_id=park.id, kinds=chosen)
    return application


# Decisions, from the approvals engine (hooks run inside its transaction)


def _subcase_for(case) -> SubCase:
    return (
        SubCase.objects.select_for_update()
        .select_related("application__park")
        .get(pk=case.subject_id)
    )


def on_case_approved(*, case, actor) -> None:
    subcase = _subcase_for(case)
    subcase.status = SubCaseStatus.APPROVED
    subcase.decided_at = timezone.now()
    subcase.save(update_fields=["status", "decided_at"])
    if subcase.kind != SubCaseKind.HOUSING:
        return
    subsidy = HousingSubsidy.objects.select_for_update().select_related("rule").get(subcase=subcase)
    if _already_subsidised(subsidy.id_hmac):
        raise Conflict(
            _(
                "A housing subsidy has already been granted to this ID number (in this park or another)."
            ),
            code=TalentError.ALREADY_SUBSIDISED,
        )
    subsidy.status = SubsidyStatus.APPROVED
    subsidy.decided_at = subcase.decided_at
    subsidy.save(update_fields=["status", "decided_at"])
    park = subcase.application.park
    record = ledger_append(
        kind=LedgerKind.DECISION,
        subsidy=subsidy,
        park_code=park.code,
        actor_name=getattr(actor, "username", "") or "",
        lines=[
            ("price", subsidy.price),
            ("rate", subsidy.rule.rate),
            ("cap", subsidy.rule.cap),
            ("amount", subsidy.amount),
        ],
    )
    events.subsidy_record(
        subsidy,
        actor=actor,
        action="grant",
        park_id=park.id,
        amount=str(subsidy.amount),
        ledger=record.seq,
    )


def _closed(case, status: str) -> None:
    subcase = _subcase_for(case)
    subcase.status = status
    subcase.decided_at = timezone.now()
    subcase.save(update_fields=["status", "decided_at"])
    if subcase.kind == SubCaseKind.HOUSING:
        HousingSubsidy.objects.filter(subcase=subcase, status=SubsidyStatus.PENDING).update(
            status=SubsidyStatus.REJECTED
            if status == SubCaseStatus.REJECTED
            else SubsidyStatus.WITHDRAWN,
            decided_at=subcase.decided_at,
        )


def on_case_rejected(*, case, actor) -> None:
    _closed(case, SubCaseStatus.REJECTED)


def on_case_withdrawn(*, case, actor) -> None:
    _closed(case, SubCaseStatus.WITHDRAWN)


def describe_subcase(subject_id: str) -> str:
    subcase = SubCase.objects.select_related("application").filter(pk=subject_id).first()
    if subcase is None:
        return ""
    return (
        f"{subcase.get_kind_display()} · {subcase.application.name} {subcase.application.id_masked}"
    )


@transaction.atomic
def subsidy_pay(*, actor, subsidy: HousingSubsidy) -> HousingSubsidy:
    """Record the payment of a granted subsidy (and seal it on the ledger)."""
    if not permissions.is_reviewer(actor):
        raise Forbidden(_("Only a reviewer records payments."))
    subsidy = (
        HousingSubsidy.objects.select_for_update()
        .select_related("subcase__application__park", "rule")
        .get(pk=subsidy.pk)
    )
    if subsidy.status != SubsidyStatus.APPROVED:
        from parkos.core.workflow import IllegalTransition

        raise IllegalTransition(
            state_label=subsidy.get_status_display(),
            action_label=_("Record payment"),
            state=subsidy.status,
            action="pay",
        )
    subsidy.status = SubsidyStatus.PAID
    subsidy.paid_at = timezone.now()
    subsidy.save(update_fields=["status", "paid_at"])
    park = subsidy.subcase.application.park
    record = ledger_append(
        kind=LedgerKind.PAYMENT,
        subsidy=subsidy,
        park_code=park.code,
        actor_name=actor.username,
        lines=[("amount", subsidy.amount), ("paid_on", timezone.localdate())],
    )
    events.subsidy_record(
        subsidy,
        actor=actor,
        action="pay",
        park_id=park.id,
        amount=str(subsidy.amount),
        ledger=record.seq,
    )
    return subsidy
