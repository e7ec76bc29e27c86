"""Services: review before publishing, matching with reasons and checks, notifications once,
declines seen by the other side, the deal pipeline, contracts, expiry, calls."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from parkos.approvals.models import Notification
from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.workflow import IllegalTransition
from parkos.techtransfer import selectors, services
from parkos.techtransfer.models import (
    Achievement,
    AchievementStatus,
    Contract,
    DealStage,
    Demand,
    MatchStatus,
)
from parkos.techtransfer.patents import with_check
from parkos.techtransfer.texts import MATCH_TEXTS
from techtransfer.factories import AchievementFactory

pytestmark = pytest.mark.django_db(transaction=False)

VISION = {
    "title": "锂电池极片表面缺陷机器视觉检测系统",
    "description": "工业相机与深度学习结合，在线检测极片划痕、漏箔、褶皱等表面缺陷。",
    "field": "advanced_manufacturing",
    "trl": 7,
    "modes": ["licence"],
    "price": "600,000",
    "patent_type": "invention",
    "patent_number": "ZL" + with_check("202110345678"),
    "ipc": "G06T 7/00",
    "legal_status": "granted",
}


def _demand(world, **changes):
    values = {
        "title": "极片缺陷检测",
        "problem": "希望用机器视觉检测锂电池极片表面缺陷，预算 80 万",
        "field": "advanced_manufacturing",
        "trl_required": 6,
        "budget": "800000",
        "deadline": timezone.localdate() + timedelta(days=60),
        "modes": ["licence", "transfer"],
    }
    values.update(changes)
    return services.demand_create(actor=world.tenant, enterprise_id=world.enterprise.pk, **values)


def _published(world, **changes):
    achievement = services.achievement_create(
        actor=world.researcher, institution=world.institution, **{**VISION, **changes}
    )
    return services.achievement_act(actor=world.operator, achievement=achievement, action="approve")


def test_an_achievement_waits_for_the_operator_before_the_public_sees_it(
    world, django_capture_on_commit_callbacks
):
    achievement = services.achievement_create(
        actor=world.researcher, institution=world.institution, **VISION
    )
    assert achievement.status == AchievementStatus.SUBMITTED
    assert not selectors.achievement_list(actor=world.tenant).filter(pk=achievement.pk).exists()
    with pytest.raises(Forbidden):
        services.achievement_act(actor=world.researcher, achievement=achievement, action="approve")
    with django_capture_on_commit_callbacks(execute=True):
        services.achievement_act(actor=world.operator, achievement=achievement, action="approve")
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.PUBLISHED
    assert achievement.expires_on == timezone.localdate() + timedelta(days=365)
    assert selectors.achievement_list(actor=world.tenant).filter(pk=achievement.pk).exists()
    assert Notification.objects.filter(user=world.researcher).exists()


def test_returning_for_changes_needs_a_note(world):
    achievement = services.achievement_create(
        actor=world.researcher, institution=world.institution, **VISION
    )
    with pytest.raises(ValidationFailed) as refused:
        services.achievement_act(actor=world.operator, achievement=achievement, action="reject")
    assert "note" in refused.value.fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"field": "astrology"}, "field"),
        ({"trl": 0}, "trl"),
        ({"trl": 10}, "trl"),
        (
            {
                "patent_number": "202110345678.0"
                if with_check("202110345678")[-1] != "0"
                else "202110345678.1"
            },
            "patent_number",
        ),
        ({"patent_type": "design"}, "patent_type"),
        ({"ipc": "X99"}, "ipc"),
        ({"price": "-1"}, "price"),
        ({"price": "1e15"}, "price"),
        ({"modes": ["gift"]}, "modes"),
        ({"title": "", "title_en": "", "description": "", "description_en": ""}, "title"),
    ],
)
def test_bad_achievement_input_names_the_field_and_writes_nothing(world, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        services.achievement_create(
            actor=world.researcher, institution=world.institution, **{**VISION, **changes}
        )
    assert field in refused.value.fields
    assert not Achievement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget": "-1"}, "budget"),
        ({"budget": "1e15"}, "budget"),
        ({"budget": 0.1}, "budget"),
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
        ({"trl_required": 10}, "trl_required"),
        ({"field": "unknown"}, "field"),
        ({"problem": "   "}, "problem"),
        ({"modes": []}, "modes"),
    ],
)
def test_bad_demand_input_names_the_field_and_writes_nothing(world, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        _demand(world, **changes)
    assert field in refused.value.fields
    assert not Demand.objects.exists()


def test_a_demand_finds_the_achievement_with_reasons_and_checks_in_words(world):
    _published(world)
    AchievementFactory(
        institution=world.other_institution,
        title="可降解聚乳酸包装薄膜",
        description="一种可降解聚乳酸薄膜的制备方法",
        field="new_materials",
    )
    demand = _demand(world)
    matches = services.demand_match(actor=world.tenant, demand=demand)
    best = matches[0]
    assert best.achievement.title == VISION["title"]
    with translation.override("zh-hans"):
        reasons = [MATCH_TEXTS.render(spec) for spec in best.reasons]
        checks = [MATCH_TEXTS.render(c["text"]) for c in best.checks]
    assert any("机器视觉" in r or "缺陷" in r for r in reasons), reasons
    assert all(c["ok"] for c in best.checks), checks
    with translation.override("en"):
        worded = [MATCH_TEXTS.render(c["text"]) for c in best.checks]
    assert any("TRL 7" in w for w in worded)


def test_checks_explain_a_gap(world):
    _published(world, trl=5, price="1,200,000", modes=["equity"])
    demand = _demand(world, trl_required=7)
    match = services.demand_match(actor=world.tenant, demand=demand)[0]
    with translation.override("en"):
        failed = [MATCH_TEXTS.render(c["text"]) for c in match.checks if not c["ok"]]
    assert "Needs a pilot: TRL 5 → 7" in failed
    assert any("above the budget" in f for f in failed)
    assert any("No mode in common" in f for f in failed)
    assert not match.strong


@pytest.mark.parametrize(
    "problem",
    [
        "Machine vision inspection of lithium battery electrode surface defects",
        "希望用機器視覺檢測鋰電池極片表面缺陷",
    ],
    ids=["english", "traditional"],
)
def test_english_only_and_traditional_only_demands_still_match(world, problem):
    _published(
        world,
        title_en="Machine vision defect inspection for lithium battery electrodes",
        description_en="Deep learning inspects electrode surface defects in line.",
    )
    AchievementFactory(
        institution=world.other_institution,
        title="污水处理污泥干化技术",
        description="污泥低温干化",
        title_en="",
        field="resources_environment",
    )
    demand = _demand(
        world, title="electrode" if problem.startswith("M") else "極片", problem=problem
    )
    matches = services.demand_match(actor=world.tenant, demand=demand)
    assert matches[0].achievement.title == VISION["title"]


def test_both_sides_are_told_of_a_strong_match_once(world, django_capture_on_commit_callbacks):
    _published(world)
    demand = _demand(world)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_match(actor=world.tenant, demand=demand)
        services.demand_match(actor=world.tenant, demand=demand)
    assert Notification.objects.filter(user=world.tenant).count() == 1
    assert Notification.objects.filter(user=world.researcher).count() == 1


def test_a_confidential_demand_never_reaches_the_institution(
    world, django_capture_on_commit_callbacks
):
    _published(world)
    Notification.objects.all().delete()
    demand = _demand(world, confidential=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_match(actor=world.tenant, demand=demand)
    assert not Notification.objects.filter(user=world.researcher).exists()
    assert Notification.objects.filter(user=world.broker).exists()
    assert not selectors.demand_list(actor=world.researcher).filter(pk=demand.pk).exists()
    assert not selectors.match_list(actor=world.researcher).exists()
    assert selectors.match_list(actor=world.broker).exists()


def test_a_decline_carries_its_reason_to_the_other_side(world, django_capture_on_commit_callbacks):
    achievement = _published(world)
    match = services.demand_match(actor=world.tenant, demand=_demand(world))[0]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_decline(
            actor=world.tenant, match=match, reason="too_early", note="需要量产验证"
        )
    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED and match.declined_by == "enterprise"
    assert Notification.objects.filter(user=world.researcher).exists()
    feedback = list(selectors.declined_feedback(actor=world.researcher, achievement=achievement))
    assert feedback == [{"decline_reason": "too_early", "count": 1}]
    with pytest.raises(IllegalTransition):
        services.match_decline(actor=world.tenant, match=match, reason="price")


def test_an_outsider_cannot_decline(world):
    _published(world)
    match = services.demand_match(actor=world.tenant, demand=_demand(world))[0]
    with pytest.raises(Forbidden):
        services.match_decline(actor=world.other_researcher, match=match, reason="price")


def test_the_broker_moves_a_deal_to_contracted_and_registers_the_contract(world):
    _published(world)
    match = services.demand_match(actor=world.tenant, demand=_demand(world))[0]
    deal = services.deal_open(actor=world.broker, match=match)
    assert deal.stage == DealStage.MATCHED and deal.stage_due
    for action in ("contact", "sign_nda", "negotiate"):
        deal = services.deal_move(actor=world.broker, deal=deal, action=action)
    with pytest.raises(IllegalTransition):
        services.deal_move(actor=world.broker, deal=deal, action="contact")
    contract = services.contract_register(
        actor=world.broker,
        deal=deal,
        contract_type="licence",
        amount="800,000",
        technology_amount="750000",
        ip_type="invention",
        signed_on=timezone.localdate(),
        branch_id=world.kunshan.pk,
    )
    deal.refresh_from_db()
    assert deal.stage == DealStage.CONTRACTED
    assert contract.buyer_region == "昆山" and contract.seller_region == "上海"
    stats = selectors.contract_statistics(actor=world.operator)
    assert stats["by_branch"][0]["branch__name"] == "昆山分园"
    assert stats["by_field"][0]["field"] == "advanced_manufacturing"
    assert stats["flows"][0]["seller_region"] == "上海"
    assert stats["totals"]["amount"] == Decimal("800000.00")


def test_network_wide_staff_see_every_park(world):
    from factories import member
    from parkos.accounts.models import Role

    _published(world)
    demand = _demand(world, confidential=True)
    services.demand_match(actor=world.tenant, demand=demand)
    network_operator = member(Role.OPERATOR_ADMIN)
    assert selectors.demand_list(actor=network_operator).filter(pk=demand.pk).exists()
    assert selectors.match_list(actor=network_operator, demand=demand).exists()
    outsider_broker = member(
        Role.BROKER,
        park=world.other_enterprise.park.__class__.objects.create(
            code="far", name="远方园区", city="合肥"
        ),
    )
    assert not selectors.demand_list(actor=outsider_broker).filter(pk=demand.pk).exists()


def test_a_contract_refuses_a_technology_amount_above_the_total(world):
    _published(world)
    match = services.demand_match(actor=world.tenant, demand=_demand(world))[0]
    deal = services.deal_open(actor=world.broker, match=match)
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(
            actor=world.broker,
            deal=deal,
            contract_type="licence",
            amount="100",
            technology_amount="200",
            ip_type="invention",
            signed_on=timezone.localdate(),
            branch_id=world.kunshan.pk,
        )
    assert "technology_amount" in refused.value.fields
    assert not Contract.objects.exists()


def test_dropping_needs_a_reason_and_overdue_stages_remind_once(
    world, django_capture_on_commit_callbacks
):
    _published(world)
    match = services.demand_match(actor=world.tenant, demand=_demand(world))[0]
    deal = services.deal_open(actor=world.broker, match=match)
    later = timezone.localdate() + timedelta(days=30)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deals_remind_due(today=later) == 1
        assert services.deals_remind_due(today=later) == 0
    assert Notification.objects.filter(user=world.broker).count() == 1
    with pytest.raises(ValidationFailed):
        services.deal_move(actor=world.broker, deal=deal, action="drop")
    deal = services.deal_move(actor=world.broker, deal=deal, action="drop", reason="price")
    assert deal.stage == DealStage.DROPPED and deal.drop_reason == "price"


def test_listings_expire_and_can_be_renewed(world):
    achievement = _published(world)
    assert services.achievements_expire_due(today=timezone.localdate() + timedelta(days=400)) == 1
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.EXPIRED
    achievement = services.achievement_act(
        actor=world.researcher, achievement=achievement, action="renew"
    )
    assert achievement.status == AchievementStatus.PUBLISHED


def test_a_company_call_takes_proposals_and_picks_one(world):
    call = services.call_create(
        actor=world.tenant,
        enterprise_id=world.enterprise.pk,
        title="揭榜挂帅：极片缺陷检测",
        challenge="检出率99%以上",
        field="advanced_manufacturing",
        reward="500000",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    first = services.proposal_submit(
        actor=world.researcher,
        call=call,
        institution=world.institution,
        summary="深度学习方案",
        price="450000",
    )
    second = services.proposal_submit(
        actor=world.other_researcher,
        call=call,
        institution=world.other_institution,
        summary="传统视觉方案",
    )
    with pytest.raises(Conflict) as refused:
        services.proposal_submit(
            actor=world.researcher, call=call, institution=world.institution, summary="再来一次"
        )
    assert refused.value.code == "already_answered"
    assert [p.pk for p in selectors.proposal_list(actor=world.researcher, call=call)] == [first.pk]
    services.proposal_act(actor=world.tenant, proposal=first, action="shortlist")
    services.proposal_act(actor=world.tenant, proposal=first, action="pick")
    call.refresh_from_db()
    second.refresh_from_db()
    assert call.status == "awarded" and second.status == "submitted"
