"""Technology transfer in the permission matrix. Each tenant gets an institution with its
researcher, a broker of its park, a published achievement, a public demand of its enterprise
with the engine's match, a deal, a registered contract, a company call and a proposal.

Brokers and operators are staff of their own parks; institutions are network-wide, so an
institution's reach is tested against the other tenant's institution."""

from datetime import timedelta

from django.utils import timezone

from factories import member
from matrix.declarations import Rule
from parkos.accounts.models import Role

T = "parkos_techtransfer_api_"


def build(t, index: int) -> None:
    from parkos.techtransfer import services
    from parkos.techtransfer.models import Institution

    institution = Institution.objects.create(name=f"矩阵{t.key.upper()}大学", region="上海")
    t.users["institution"] = researcher = member(Role.INSTITUTION, organization=institution)
    t.users["broker"] = broker = member(Role.BROKER, park=t.objects["park"])
    tenant = t.users["tenant"]
    achievement = services.achievement_create(
        actor=researcher,
        institution=institution,
        title=f"矩阵{t.key.upper()}机器视觉缺陷检测",
        description="工业相机与深度学习检测表面缺陷",
        field="advanced_manufacturing",
        trl=7,
        modes=["licence"],
        price="100000",
    )
    services.achievement_act(actor=t.users["netop"], achievement=achievement, action="approve")
    demand = services.demand_create(
        actor=tenant,
        enterprise_id=t.objects["enterprise"].pk,
        title="表面缺陷检测",
        problem=f"矩阵{t.key.upper()}希望用机器视觉检测表面缺陷",
        field="advanced_manufacturing",
        trl_required=6,
        budget="200000",
        deadline=timezone.localdate() + timedelta(days=60),
        modes=["licence"],
    )
    matches = services.demand_match(actor=tenant, demand=demand)
    match = next(m for m in matches if m.achievement_id == achievement.pk)
    deal = services.deal_open(actor=broker, match=match)
    for action in ("contact", "negotiate"):
        deal = services.deal_move(actor=broker, deal=deal, action=action)
    contract = services.contract_register(
        actor=broker,
        deal=deal,
        contract_type="licence",
        amount="200000",
        technology_amount="180000",
        ip_type="invention",
        signed_on=timezone.localdate(),
        branch_id=t.objects["park"].pk,
    )
    call = services.call_create(
        actor=tenant,
        enterprise_id=t.objects["enterprise"].pk,
        title="揭榜挂帅",
        challenge="缺陷检测检出率99%",
        field="advanced_manufacturing",
        reward="100000",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    proposal = services.proposal_submit(
        actor=researcher, call=call, institution=institution, summary="深度学习方案"
    )
    t.ids.update(
        {
            "achievement_id:techtransfer": achievement.pk,
            "demand_id:techtransfer": demand.pk,
            "match_id:techtransfer": match.pk,
            "deal_id:techtransfer": deal.pk,
            "contract_id:techtransfer": contract.pk,
            "call_id:techtransfer": call.pk,
            "proposal_id:techtransfer": proposal.pk,
        }
    )


API = {
    f"{T}vocabulary": Rule("ANY", None),
    f"{T}institution_list": Rule("ANY", None),
    f"{T}achievement_list": Rule("ANY", None),
    f"{T}achievement_detail": Rule("ANY", None),
    f"{T}achievement_create": Rule("institution", "tenant"),
    f"{T}achievement_update": Rule("institution", "tenant"),
    f"{T}achievement_act": Rule("institution", "tenant"),
    f"{T}achievement_matches": Rule("institution", "tenant"),
    f"{T}demand_list": Rule("ANY", None),
    f"{T}demand_detail": Rule("ANY", None),
    f"{T}demand_create": Rule("tenant", "institution"),
    f"{T}demand_close": Rule("tenant", "institution"),
    f"{T}demand_matches": Rule("ANY", None),
    f"{T}match_detail": Rule("tenant", "provider"),
    f"{T}match_decline": Rule("tenant", "provider"),
    f"{T}match_take_up": Rule("broker", "tenant"),
    f"{T}deal_list": Rule("ANY", None),
    f"{T}deal_detail": Rule("broker", "provider"),
    f"{T}deal_act": Rule("broker", "tenant"),
    f"{T}contract_list": Rule("ANY", None),
    f"{T}contract_export": Rule("broker", "tenant", skip_right="a download"),
    f"{T}contract_detail": Rule("broker", "provider"),
    f"{T}contract_register": Rule("broker", "tenant"),
    f"{T}contract_attach": Rule("broker", "tenant"),
    f"{T}statistics": Rule("broker", "tenant"),
    f"{T}call_list": Rule("ANY", None),
    f"{T}call_detail": Rule("ANY", None),
    f"{T}call_create": Rule("tenant", "institution"),
    f"{T}call_act": Rule("tenant", "institution"),
    f"{T}proposal_list": Rule("ANY", None),
    # Every institution may answer every open call: there is no "other tenant" to refuse.
    f"{T}proposal_submit": Rule("ANY", None),
    f"{T}proposal_act": Rule("tenant", "institution"),
}

PAGES = {
    "techtransfer:home": Rule("ANY", None),
    "techtransfer:achievement_list": Rule("ANY", None),
    "techtransfer:achievement_new": Rule("institution", "tenant"),
    "techtransfer:achievement_detail": Rule("ANY", None),
    "techtransfer:achievement_action": Rule("institution", "tenant", method="post"),
    "techtransfer:demand_list": Rule("ANY", None),
    "techtransfer:demand_new": Rule("tenant", "institution"),
    "techtransfer:demand_detail": Rule("ANY", None),
    "techtransfer:match_detail": Rule("tenant", "provider"),
    "techtransfer:match_action": Rule("tenant", "provider", method="post"),
    "techtransfer:deal_board": Rule("broker", "tenant"),
    "techtransfer:deal_detail": Rule("broker", "provider"),
    "techtransfer:deal_action": Rule("broker", "tenant", method="post"),
    "techtransfer:contract_new": Rule("broker", "tenant"),
    "techtransfer:contract_list": Rule("ANY", None),
    "techtransfer:contract_export": Rule("broker", "tenant", skip_right="a download"),
    "techtransfer:contract_detail": Rule("broker", "provider"),
    "techtransfer:statistics": Rule("broker", "tenant"),
    "techtransfer:call_list": Rule("ANY", None),
    "techtransfer:call_new": Rule("tenant", "institution"),
    "techtransfer:call_detail": Rule("ANY", None),
    "techtransfer:call_action": Rule("tenant", "institution", method="post"),
    "techtransfer:proposal_action": Rule("tenant", "institution", method="post"),
}
