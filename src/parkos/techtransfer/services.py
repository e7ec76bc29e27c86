"""Every write of technology transfer: keyword-only `<noun>_<verb>(*, actor, ...)`, validated,
in a transaction, audited where money, approvals or scores change; notifications after commit."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.accounts.models import ENTERPRISE_ROLES, Role
from parkos.accounts.selectors import organization_members, users_with_role
from parkos.approvals.services import notify
from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, FieldErrors, Forbidden, ValidationFailed
from parkos.techtransfer import matching, permissions
from parkos.techtransfer.errors import TechTransferError as E
from parkos.techtransfer.models import (
    Achievement,
    AchievementStatus,
    Call,
    CallStatus,
    Contract,
    ContractAttachment,
    Deal,
    DealStage,
    Demand,
    DemandStatus,
    Institution,
    Match,
    MatchStatus,
    Proposal,
)
from parkos.techtransfer.taxonomy import (
    ContractType,
    DeclineReason,
    DropReason,
    IpType,
    LegalStatus,
)
from parkos.techtransfer.validation import (
    check_field,
    check_future,
    check_modes,
    check_money,
    check_patent,
    check_text,
    check_trl,
)
from parkos.techtransfer.workflows import ACHIEVEMENT, CALL, DEAL, MATCH, PROPOSAL, STAGE_DAYS

LISTING_DAYS = 365


def _require_may(workflow, obj, action: str, actor) -> None:
    """An unknown action names the field; an actor the table refuses is refused before any
    other check, so an outsider learns nothing about the object's state."""
    if action not in workflow.actions:
        if not any(
            t.allowed is None or t.allowed(actor, obj)
            for t in (workflow.transition(a) for a in workflow.actions)
        ):
            raise Forbidden(_("You may not act on this."))
        raise ValidationFailed.for_field(
            "action",
            _("Unknown action “%(action)s”.") % {"action": str(action)[:20]},
            code="unknown_action",
        )
    transition = workflow.transition(action)
    if transition.allowed is not None and not transition.allowed(actor, obj):
        raise Forbidden(_("You may not do this: %(action)s.") % {"action": transition.label})


# ------------------------------------------------------------------ institutions


def institution_create(*, actor, name: str, region: str, name_en: str = "") -> Institution:
    permissions.require_operator(actor)
    errors = FieldErrors()
    check_text(errors, "name", name)
    check_text(errors, "region", region, minimum=1)
    errors.raise_if_any()
    institution = Institution.objects.create(name=name.strip(), name_en=name_en, region=region)
    audit_record(actor=actor, action="techtransfer.institution.create", instance=institution)
    return institution


# ------------------------------------------------------------------ achievements


def _achievement_clean(data: dict) -> dict:
    errors = FieldErrors()
    title = check_text(errors, "title", data.get("title"), required=False)
    title_en = (data.get("title_en") or "").strip()
    if not title and not title_en:
        errors.add("title", _("Give a title in Chinese or in English."))
    description = (data.get("description") or "").strip()
    description_en = (data.get("description_en") or "").strip()
    if not (description or description_en):
        errors.add("description", _("Describe the achievement: the matching reads this text."))
    check_field(errors, data.get("field"))
    trl = check_trl(errors, data.get("trl"))
    modes = check_modes(errors, data.get("modes"))
    price = check_money(errors, "price", data.get("price"), required=False)
    legal_status = data.get("legal_status") or LegalStatus.NONE
    if legal_status not in LegalStatus.values:
        errors.add("legal_status", _("Choose a legal status from the list."))
    number, patent_type = check_patent(
        errors, data.get("patent_number"), data.get("patent_type") or "", data.get("ipc") or ""
    )
    errors.raise_if_any()
    return {
        "title": title or title_en,
        "title_en": title_en,
        "description": description,
        "description_en": description_en,
        "field": data["field"],
        "trl": trl,
        "modes": modes,
        "price": price,
        "legal_status": legal_status,
        "patent_number": number,
        "patent_type": patent_type,
        "ipc": (data.get("ipc") or "").strip().upper(),
    }


ACHIEVEMENT_FIELDS = [
    "title",
    "title_en",
    "description",
    "description_en",
    "field",
    "trl",
    "modes",
    "price",
    "legal_status",
    "patent_number",
    "patent_type",
    "ipc",
]


@transaction.atomic
def achievement_create(*, actor, institution: Institution, **data) -> Achievement:
    if not permissions.is_operator(actor):
        permissions.require_institution_member(actor, institution.pk)
    clean = _achievement_clean(data)
    achievement = Achievement.objects.create(institution=institution, created_by=actor, **clean)
    if data.get("submit", True):
        achievement = ACHIEVEMENT.fire(achievement, "submit", actor=actor)
    return achievement


@transaction.atomic
def achievement_update(*, actor, achievement: Achievement, **changes) -> Achievement:
    achievement = ACHIEVEMENT.lock_for(achievement)
    if not permissions.may_edit_achievement(actor, achievement):
        raise Forbidden(_("Only the institution's people may change this achievement."))
    merged = {f: getattr(achievement, f) for f in ACHIEVEMENT_FIELDS}
    merged.update({k: v for k, v in changes.items() if k in ACHIEVEMENT_FIELDS})
    clean = _achievement_clean(merged)
    for name, value in clean.items():
        setattr(achievement, name, value)
    fields = list(clean)
    # A published text that changes goes back to review before the public sees it.
    if achievement.status == AchievementStatus.PUBLISHED and not permissions.is_operator(actor):
        ACHIEVEMENT.fire(achievement, "withdraw", actor=actor, lock=False, update_fields=fields)
        achievement.status = AchievementStatus.DRAFT
        achievement.save(update_fields=["status"])
        ACHIEVEMENT.fire(achievement, "submit", actor=actor, lock=False)
    else:
        achievement.save(update_fields=[*fields, "updated_at"])
    return achievement


@transaction.atomic
def achievement_act(*, actor, achievement: Achievement, action: str, note: str = "") -> Achievement:
    """Submit, approve, reject, renew, expire or withdraw."""
    _require_may(ACHIEVEMENT, achievement, action, actor)
    achievement = ACHIEVEMENT.lock_for(achievement)
    fields = []
    if action == "reject":
        if not note.strip():
            raise ValidationFailed.for_field("note", _("Say what must change."))
        achievement.review_note = note.strip()
        fields.append("review_note")
    if action in {"approve", "renew"}:
        achievement.expires_on = timezone.localdate() + timedelta(days=LISTING_DAYS)
        fields.append("expires_on")
    achievement = ACHIEVEMENT.fire(
        achievement, action, actor=actor, lock=False, update_fields=fields, note=note
    )
    if action == "approve":
        _notify_institution(
            achievement.institution,
            gettext_lazy("Your achievement is published"),
            achievement.get_absolute_url(),
            body=achievement.title,
        )
    if action == "reject":
        _notify_institution(
            achievement.institution,
            gettext_lazy("Your achievement was returned for changes"),
            achievement.get_absolute_url(),
            body=note,
        )
    return achievement


def achievements_expire_due(*, today: date | None = None) -> int:
    """Published achievements past their date expire, and their institution is asked to renew
    (run daily by the schedule)."""
    today = today or timezone.localdate()
    count = 0
    for achievement in Achievement.objects.filter(
        status=AchievementStatus.PUBLISHED, expires_on__lt=today
    ):
        with transaction.atomic():
            ACHIEVEMENT.fire(achievement, "expire", actor=None, check=False)
            _notify_institution(
                achievement.institution,
                gettext_lazy("Your achievement has expired: renew it to keep it listed"),
                achievement.get_absolute_url(),
                body=achievement.title,
            )
        count += 1
    return count


# ------------------------------------------------------------------ demands


@transaction.atomic
def demand_create(
    *,
    actor,
    enterprise_id,
    title: str,
    problem: str,
    field: str,
    trl_required,
    budget,
    deadline,
    modes,
    outcome: str = "",
    confidential: bool = False,
) -> Demand:
    permissions.require_enterprise_member(actor, enterprise_id)
    errors = FieldErrors()
    title = check_text(errors, "title", title)
    problem = check_text(errors, "problem", problem)
    check_field(errors, field)
    level = check_trl(errors, trl_required, "trl_required")
    amount = check_money(errors, "budget", budget)
    day = check_future(errors, "deadline", deadline)
    modes = check_modes(errors, modes)
    errors.raise_if_any()
    demand = Demand.objects.create(
        enterprise_id=enterprise_id,
        title=title,
        problem=problem,
        outcome=(outcome or "").strip(),
        field=field,
        trl_required=level,
        budget=amount,
        deadline=day,
        modes=modes,
        confidential=bool(confidential),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="techtransfer.demand.create",
        instance=demand,
        changes={"budget": [None, str(amount)]},
    )
    return demand


@transaction.atomic
def demand_close(*, actor, demand: Demand) -> Demand:
    if not (permissions.is_demand_owner(actor, demand) or permissions.is_operator(actor)):
        raise Forbidden(_("Only the enterprise may close its demand."))
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.status != DemandStatus.OPEN:
        raise Conflict(_("The demand is already closed."), code="illegal_transition")
    demand.status = DemandStatus.CLOSED
    demand.closed_at = timezone.now()
    demand.save(update_fields=["status", "closed_at"])
    return demand


# ------------------------------------------------------------------ matching


@transaction.atomic
def demand_match(*, actor, demand: Demand, limit: int = 10) -> list[Match]:
    """The best published achievements for the demand, stored as matches with score, reasons
    and checks; both sides of a new strong match are told once."""
    results = matching.rank_achievements(demand, limit=limit)
    return [_store_match(demand, result) for result in results]


@transaction.atomic
def achievement_match(*, actor, achievement: Achievement, limit: int = 10) -> list[Match]:
    """The best open demands for the achievement (confidential ones included: they are stored
    as matches staff see, never shown to the institution)."""
    results = matching.rank_demands(achievement, limit=limit)
    return [_store_match(result.demand, result) for result in results]


def _store_match(demand: Demand, result) -> Match:
    defaults = {
        "score": Decimal(str(round(result.score, 4))),
        "text_score": Decimal(str(round(result.text_score, 4))),
        "reasons": result.reasons,
        "checks": result.checks,
        "strong": result.strong,
    }
    match, created = Match.objects.get_or_create(
        demand=demand, achievement=result.achievement, defaults=defaults
    )
    if not created and match.status == MatchStatus.SUGGESTED:
        for name, value in defaults.items():
            setattr(match, name, value)
        match.save(update_fields=[*defaults, "updated_at"])
    if match.strong and match.notified_at is None and match.status == MatchStatus.SUGGESTED:
        match.notified_at = timezone.now()
        match.save(update_fields=["notified_at"])
        _notify_match(match)
    return match


def _notify_match(match: Match) -> None:
    demand, achievement = match.demand, match.achievement
    url = reverse("techtransfer:match_detail", args=[match.pk])
    for user in organization_members_of_enterprise(demand.enterprise_id):
        notify(
            user=user,
            title=gettext_lazy("A strong match for your demand"),
            url=url,
            body=achievement.title,
        )
    if demand.confidential:
        # The institution never learns of a confidential demand; brokers carry it instead.
        for user in users_with_role(Role.BROKER):
            notify(
                user=user,
                title=gettext_lazy("A strong match on a confidential demand"),
                url=url,
                body=demand.title,
            )
        return
    _notify_institution(
        achievement.institution,
        gettext_lazy("A strong match for your achievement"),
        url,
        body=demand.title,
    )


def organization_members_of_enterprise(enterprise_id):
    # accounts offers no "members of an enterprise" selector yet; the user model is Django's.
    return (
        get_user_model()
        .objects.filter(
            memberships__enterprise=enterprise_id,
            memberships__role__in=ENTERPRISE_ROLES,
            is_active=True,
        )
        .distinct()
    )


def _notify_institution(institution: Institution, title, url: str, body="") -> None:
    for user in organization_members(institution, Role.INSTITUTION):
        notify(user=user, title=title, url=url, body=body)


@transaction.atomic
def match_decline(*, actor, match: Match, reason: str, note: str = "") -> Match:
    """One side declines with a reason code the other side sees."""
    _require_may(MATCH, match, "decline", actor)
    if reason not in DeclineReason.values:
        raise ValidationFailed.for_field(
            "reason", _("Choose a reason from the list."), code=E.UNKNOWN_REASON
        )
    match = MATCH.lock_for(match)
    side = permissions.side_of(actor, match)
    match.declined_by = side or ""
    match.decline_reason = reason
    match.decline_note = (note or "").strip()[:1000]
    match = MATCH.fire(
        match,
        "decline",
        actor=actor,
        lock=False,
        data={"reason": reason},
        update_fields=["declined_by", "decline_reason", "decline_note", "updated_at"],
    )
    url = reverse("techtransfer:match_detail", args=[match.pk])
    label = DeclineReason(reason).label
    if side == "enterprise" and not match.demand.confidential:
        _notify_institution(
            match.achievement.institution, gettext_lazy("A match was declined"), url, body=label
        )
    elif side == "institution":
        for user in organization_members_of_enterprise(match.demand.enterprise_id):
            notify(user=user, title=gettext_lazy("A match was declined"), url=url, body=label)
    return match


# ------------------------------------------------------------------ deals


@transaction.atomic
def deal_open(*, actor, match: Match) -> Deal:
    _require_may(MATCH, match, "take_up", actor)
    match = MATCH.fire(match, "take_up", actor=actor, update_fields=["updated_at"])
    deal = Deal.objects.create(
        match=match,
        broker=actor,
        stage=DealStage.MATCHED,
        stage_due=timezone.localdate() + timedelta(days=STAGE_DAYS[DealStage.MATCHED]),
    )
    audit_record(actor=actor, action="techtransfer.deal.open", instance=deal)
    return deal


@transaction.atomic
def deal_move(*, actor, deal: Deal, action: str, reason: str = "", note: str = "") -> Deal:
    _require_may(DEAL, deal, action, actor)
    deal = DEAL.lock_for(deal)
    fields = []
    if action == "drop":
        if reason not in DropReason.values:
            raise ValidationFailed.for_field(
                "reason", _("Say why the deal is dropped."), code=E.UNKNOWN_REASON
            )
        deal.drop_reason = reason
        fields.append("drop_reason")
    target = DEAL.target(action) if action in DEAL.actions else None
    deal.stage_due = (
        timezone.localdate() + timedelta(days=STAGE_DAYS[target]) if target in STAGE_DAYS else None
    )
    deal.reminded_at = None
    fields += ["stage_due", "reminded_at"]
    return DEAL.fire(deal, action, actor=actor, lock=False, update_fields=fields, note=note)


def deals_remind_due(*, today: date | None = None) -> int:
    """Brokers are reminded once of each deal whose stage is past its due day."""
    today = today or timezone.localdate()
    due = Deal.objects.filter(
        stage__in=list(STAGE_DAYS), stage_due__lt=today, reminded_at__isnull=True
    ).select_related("broker", "match__demand")
    count = 0
    for deal in due:
        with transaction.atomic():
            Deal.objects.filter(pk=deal.pk).update(reminded_at=timezone.now())
            notify(
                user=deal.broker,
                title=gettext_lazy("A deal is past its stage's due day"),
                url=deal.get_absolute_url(),
                body=deal.match.demand.title,
            )
        count += 1
    return count


# ------------------------------------------------------------------ contracts


def _contract_number(day: date) -> str:
    prefix = f"TT{day:%Y%m}"
    last = (
        Contract.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


@transaction.atomic
def contract_register(
    *,
    actor,
    deal: Deal | None,
    contract_type: str,
    amount,
    technology_amount,
    ip_type: str,
    signed_on,
    branch_id,
    seller: Institution | None = None,
    buyer_id=None,
    title: str = "",
    field: str = "",
    seller_region: str = "",
    buyer_region: str = "",
) -> Contract:
    """Register a technology contract; from a deal, the parties, field and title come from it
    and the deal moves to contracted."""
    permissions.require_broker(actor)
    errors = FieldErrors()
    if contract_type not in ContractType.values:
        errors.add("contract_type", _("Choose a contract type from the list."))
    if ip_type not in IpType.values:
        errors.add("ip_type", _("Choose an IP type from the list."))
    total = check_money(errors, "amount", amount)
    technology = check_money(errors, "technology_amount", technology_amount)
    if total is not None and technology is not None and technology > total:
        errors.add(
            "technology_amount",
            _("The technology transaction amount cannot exceed the contract amount."),
        )
    if isinstance(signed_on, str):
        try:
            signed_on = date.fromisoformat(signed_on)
        except ValueError:
            errors.add("signed_on", _("Enter a date as YYYY-MM-DD."))
    if isinstance(signed_on, date) and signed_on > timezone.localdate():
        errors.add("signed_on", _("A contract cannot be signed in the future."))
    if deal is not None:
        demand, achievement = deal.match.demand, deal.match.achievement
        seller = achievement.institution
        buyer_id = demand.enterprise_id
        title = title or demand.title
        field = field or achievement.field
    if seller is None:
        errors.add("seller", _("Choose the seller."))
    if not buyer_id:
        errors.add("buyer", _("Choose the buyer."))
    check_field(errors, field)
    errors.raise_if_any()
    from parkos.parks.selectors import park_get

    branch = park_get(actor=actor, park_id=branch_id)
    if not buyer_region:
        from parkos.parks.selectors import enterprise_get

        buyer_region = enterprise_get(actor=actor, enterprise_id=buyer_id).park.city
    if deal is not None:
        deal = DEAL.lock_for(deal)
        if deal.stage != DealStage.CONTRACTED:
            deal = deal_move(actor=actor, deal=deal, action="contract")
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                number=_contract_number(signed_on),
                deal=deal,
                contract_type=contract_type,
                title=(title or "").strip()[:200] or str(seller),
                field=field,
                amount=total,
                technology_amount=technology,
                ip_type=ip_type,
                seller=seller,
                buyer_id=buyer_id,
                seller_region=seller_region or seller.region,
                buyer_region=buyer_region,
                branch=branch,
                signed_on=signed_on,
                registered_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("This deal already has a registered contract."), code="duplicate"
        ) from None
    audit_record(
        actor=actor,
        action="techtransfer.contract.register",
        instance=contract,
        changes={"amount": [None, str(total)], "technology_amount": [None, str(technology)]},
    )
    return contract


def contract_attach(*, actor, contract: Contract, upload) -> ContractAttachment:
    permissions.require_broker(actor)
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationFailed.for_field("file", _("Choose a file to attach."))
    if upload.size > 20 * 1024 * 1024:
        raise ValidationFailed.for_field("file", _("A file may be at most 20 MB."))
    attachment = ContractAttachment.objects.create(
        contract=contract,
        file=upload,
        name=getattr(upload, "name", "file")[:200],
        uploaded_by=actor,
    )
    audit_record(actor=actor, action="techtransfer.contract.attach", instance=contract)
    return attachment


# ------------------------------------------------------------------ calls and proposals


@transaction.atomic
def call_create(
    *, actor, enterprise_id, title: str, challenge: str, field: str, reward, deadline
) -> Call:
    permissions.require_enterprise_member(actor, enterprise_id)
    errors = FieldErrors()
    title = check_text(errors, "title", title)
    challenge = check_text(errors, "challenge", challenge)
    check_field(errors, field)
    amount = check_money(errors, "reward", reward)
    day = check_future(errors, "deadline", deadline)
    errors.raise_if_any()
    call = Call.objects.create(
        enterprise_id=enterprise_id,
        title=title,
        challenge=challenge,
        field=field,
        reward=amount,
        deadline=day,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="techtransfer.call.create",
        instance=call,
        changes={"reward": [None, str(amount)]},
    )
    return call


@transaction.atomic
def call_act(*, actor, call: Call, action: str) -> Call:
    _require_may(CALL, call, action, actor)
    return CALL.fire(call, action, actor=actor)


@transaction.atomic
def proposal_submit(
    *, actor, call: Call, institution: Institution, summary: str, price=None
) -> Proposal:
    permissions.require_institution_member(actor, institution.pk)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.OPEN or call.deadline < timezone.localdate():
        raise Conflict(_("The call no longer takes proposals."), code=E.CALL_CLOSED)
    errors = FieldErrors()
    summary = check_text(errors, "summary", summary)
    amount = check_money(errors, "price", price, required=False)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                call=call, institution=institution, summary=summary, price=amount, created_by=actor
            )
    except IntegrityError:
        raise Conflict(
            _("Your institution has already answered this call."), code=E.ALREADY_ANSWERED
        ) from None
    for user in organization_members_of_enterprise(call.enterprise_id):
        notify(
            user=user,
            title=gettext_lazy("A new proposal for your call"),
            url=call.get_absolute_url(),
            body=institution.name,
        )
    return proposal


@transaction.atomic
def proposal_act(*, actor, proposal: Proposal, action: str) -> Proposal:
    _require_may(PROPOSAL, proposal, action, actor)
    proposal = PROPOSAL.fire(proposal, action, actor=actor)
    if action == "pick":
        call = proposal.call
        if call.status in {CallStatus.OPEN, CallStatus.REVIEWING}:
            CALL.fire(call, "award", actor=actor)
        _notify_institution(
            proposal.institution,
            gettext_lazy("Your proposal was picked"),
            call.get_absolute_url(),
            body=call.title,
        )
    return proposal
