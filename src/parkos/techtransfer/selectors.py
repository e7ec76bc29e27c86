"""Every read of technology transfer, scoped to the acting user."""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from parkos.core.selectors import get_or_404
from parkos.techtransfer import permissions
from parkos.techtransfer.models import (
    Achievement,
    AchievementStatus,
    Call,
    Contract,
    Deal,
    DealStage,
    Demand,
    Institution,
    Match,
    MatchStatus,
    Proposal,
)


def institution_list(*, actor) -> QuerySet[Institution]:
    return Institution.objects.all()


def institutions_of(*, actor) -> QuerySet[Institution]:
    """The institutions the actor speaks for (operators: all)."""
    if permissions.is_operator(actor):
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=permissions.institution_ids(actor))


def institution_get(*, actor, institution_id) -> Institution:
    return get_or_404(Institution.objects.all(), pk=institution_id)


def achievement_list(
    *,
    actor,
    field: str | None = None,
    status: str | None = None,
    q: str | None = None,
    mine: bool = False,
) -> QuerySet[Achievement]:
    qs = Achievement.objects.visible_to(actor).select_related("institution")
    if mine:
        qs = qs.filter(institution_id__in=permissions.institution_ids(actor))
    if field:
        qs = qs.filter(field=field)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(title_en__icontains=q) | Q(description__icontains=q)
        )
    return qs


def achievement_get(*, actor, achievement_id) -> Achievement:
    return get_or_404(
        Achievement.objects.visible_to(actor).select_related("institution"), pk=achievement_id
    )


def achievements_for_review(*, actor) -> QuerySet[Achievement]:
    permissions.require_operator(actor)
    return Achievement.objects.visible_to(actor).filter(status=AchievementStatus.SUBMITTED)


def demand_list(*, actor, field: str | None = None, mine: bool = False) -> QuerySet[Demand]:
    qs = Demand.objects.visible_to(actor).select_related("enterprise")
    if mine:
        qs = qs.filter(enterprise_id__in=permissions.enterprise_ids(actor))
    if field:
        qs = qs.filter(field=field)
    return qs


def demand_get(*, actor, demand_id) -> Demand:
    return get_or_404(Demand.objects.visible_to(actor).select_related("enterprise"), pk=demand_id)


def match_list(
    *, actor, demand: Demand | None = None, achievement: Achievement | None = None
) -> QuerySet[Match]:
    qs = Match.objects.visible_to(actor).select_related(
        "demand", "demand__enterprise", "achievement", "achievement__institution"
    )
    if demand is not None:
        qs = qs.filter(demand=demand)
    if achievement is not None:
        qs = qs.filter(achievement=achievement)
    return qs.order_by("-score")


def match_get(*, actor, match_id) -> Match:
    return get_or_404(
        Match.objects.visible_to(actor).select_related(
            "demand", "demand__enterprise", "achievement", "achievement__institution"
        ),
        pk=match_id,
    )


def deal_list(*, actor, stage: str | None = None, mine: bool = False) -> QuerySet[Deal]:
    qs = Deal.objects.visible_to(actor).select_related(
        "broker",
        "match__demand",
        "match__demand__enterprise",
        "match__achievement",
        "match__achievement__institution",
    )
    if mine:
        qs = qs.filter(broker_id=actor.pk)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def deal_board(*, actor) -> list[tuple[str, str, list[Deal]]]:
    """The broker's board: a column per stage."""
    deals = list(
        deal_list(
            actor=actor, mine=permissions.is_broker(actor) and not permissions.is_operator(actor)
        )
    )
    return [
        (stage, label, [d for d in deals if d.stage == stage]) for stage, label in DealStage.choices
    ]


def deal_get(*, actor, deal_id) -> Deal:
    return get_or_404(
        Deal.objects.visible_to(actor).select_related(
            "broker", "match__demand", "match__achievement", "match__achievement__institution"
        ),
        pk=deal_id,
    )


def deal_events(*, actor, deal: Deal):
    return deal.events.select_related("actor").all()


def contract_list(*, actor) -> QuerySet[Contract]:
    return Contract.objects.visible_to(actor).select_related("seller", "buyer", "branch")


def contract_get(*, actor, contract_id) -> Contract:
    return get_or_404(
        Contract.objects.visible_to(actor).select_related("seller", "buyer", "branch"),
        pk=contract_id,
    )


def call_list(*, actor) -> QuerySet[Call]:
    return (
        Call.objects.visible_to(actor)
        .select_related("enterprise")
        .annotate(proposal_count=Count("proposals"))
        .order_by("-created_at")
    )


def call_get(*, actor, call_id) -> Call:
    return get_or_404(Call.objects.visible_to(actor).select_related("enterprise"), pk=call_id)


def proposal_list(*, actor, call: Call) -> QuerySet[Proposal]:
    return (
        Proposal.objects.visible_to(actor).filter(call=call).select_related("institution", "call")
    )


def proposal_get(*, actor, proposal_id) -> Proposal:
    return get_or_404(
        Proposal.objects.visible_to(actor).select_related("call", "institution"), pk=proposal_id
    )


def declined_feedback(*, actor, achievement: Achievement) -> QuerySet[Match]:
    """What enterprises said when they declined this achievement (counts by reason)."""
    return (
        match_list(actor=actor, achievement=achievement)
        .filter(status=MatchStatus.DECLINED, declined_by="enterprise")
        .values("decline_reason")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )


# ------------------------------------------------------------------ statistics


def contract_statistics(*, actor) -> dict:
    """Deals and amounts by field, contract type, region and branch, by month, and the flows
    from the seller's region to the buyer's."""
    permissions.require_staff(actor)
    contracts = Contract.objects.visible_to(actor)

    def grouped(*fields):
        return list(
            contracts.values(*fields)
            .annotate(count=Count("pk"), amount=Sum("amount"), technology=Sum("technology_amount"))
            .order_by(*fields)
        )

    monthly = list(
        contracts.annotate(month=TruncMonth("signed_on"))
        .values("month")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("month")
    )
    totals = contracts.aggregate(
        count=Count("pk"), amount=Sum("amount"), technology=Sum("technology_amount")
    )
    deals = dict(Deal.objects.visible_to(actor).values_list("stage").annotate(n=Count("pk")))
    return {
        "totals": totals,
        "by_field": grouped("field"),
        "by_type": grouped("contract_type"),
        "by_region": grouped("buyer_region"),
        "by_branch": grouped("branch__name"),
        "flows": grouped("seller_region", "buyer_region"),
        "monthly": monthly,
        "deals_by_stage": deals,
    }
