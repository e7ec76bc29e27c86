"""Demo rent relief: this year's programme for the flagship and its branches with
applications in every state of the approvals engine, and last year's closed programme whose
approved relief fills the report."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.approvals import services as approvals
from parkos.approvals.selectors import case_for_subject
from parkos.demo.context import DemoContext
from parkos.parks.models import Lease
from parkos.relief import services
from parkos.relief.models import ApplicationStatus, ReliefApplication

PLAN = [
    # (state, how many) for this year's programme
    ("approved", 4),
    ("step2", 2),
    ("submitted", 3),
    ("overdue", 1),
    ("rejected", 1),
    ("withdrawn", 1),
    ("draft", 1),
]
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _month_start(day):
    return day.replace(day=1)


def _applicant(enterprise, index: int):
    user = user_create(
        username=f"relief{index:02d}",
        password=None,
        display_name=f"企业管理员 {enterprise.name[:8]}",
    )
    membership_grant(
        user=user, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=enterprise.park
    )
    return user


def _current_lease(enterprise, today):
    return (
        Lease.objects.filter(enterprise=enterprise, start__lte=today, end__gte=today)
        .select_related("enterprise__park", "unit")
        .order_by("start", "id")
        .first()
    )


def load(context: DemoContext) -> None:
    rng = context.rng_for("relief")
    today = context.today
    operator, reviewer = context.users["operator"], context.users["reviewer"]
    flagship = context.parks["pujiang"]
    tenants = context.extra.get("tenant_enterprises", {})
    reserved = {e.id for e in tenants.values()}

    start = _month_start(today - timedelta(days=62))
    end = _month_start(today + timedelta(days=40)) - timedelta(days=1)
    headcount_limit = max([300, *(e.headcount for e in tenants.values())])
    current = services.programme_create(
        actor=operator,
        name=f"{today.year}年浦江软件园疫情防控租金减免",
        description="对受疫情影响的中小微企业，减免两个月房租，每家企业最高20万元。"
        "申请需提供上年度财务报表及在职人数证明。",
        park=flagship,
        period_start=start,
        period_end=end,
        apply_until=today + timedelta(days=30),
        max_headcount=headcount_limit,
        max_revenue=Decimal("100000000"),
        kind="months",
        months=Decimal(2),
        cap_per_enterprise=Decimal("200000"),
        publish=True,
    )
    last_year = services.programme_create(
        actor=operator,
        name=f"{today.year - 1}年园区网络租金减半",
        description="全网络园区，减免期内租金减半，每家企业最高10万元。",
        period_start=start.replace(year=start.year - 1),
        period_end=end.replace(year=end.year - 1, day=28),
        kind="percent",
        percent=Decimal(50),
        cap_per_enterprise=Decimal("100000"),
        publish=True,
    )

    candidates = [
        e
        for e in context.enterprises
        if e.id not in reserved and e.headcount <= 300 and e.park_id == flagship.id
    ]
    rng.shuffle(candidates)
    flagged = candidates.pop()
    services.arrears_flag(actor=operator, enterprise=flagged, note="物业费及租金逾期两个月")

    index = 0
    for state, count in PLAN:
        for _ in range(count):
            enterprise = candidates.pop()
            lease = _current_lease(enterprise, today)
            if lease is None:
                continue
            index += 1
            _apply(current, lease, _applicant(enterprise, index), state, operator, reviewer, rng)

    tenant2 = tenants.get("tenant2")
    lease = _current_lease(tenant2, today) if tenant2 else None
    if lease is not None:
        _apply(current, lease, context.users["tenant2"], "returned", operator, reviewer, rng)

    branch_enterprises = [
        e for e in context.enterprises if e.park_id != flagship.id and e.id not in reserved
    ]
    rng.shuffle(branch_enterprises)
    for enterprise in branch_enterprises[:5]:
        lease = (
            Lease.objects.filter(
                enterprise=enterprise,
                start__lte=last_year.period_end,
                end__gte=last_year.period_start,
            )
            .select_related("enterprise__park", "unit")
            .first()
        )
        if lease is None:
            continue
        index += 1
        _apply(last_year, lease, _applicant(enterprise, index), "approved", operator, reviewer, rng)
    services.programme_close(actor=operator, programme=last_year)
    # Cases that waited too long: their deadline lies in the past, the scheduled job flags them.
    approvals.cases_flag_overdue(today=today)
    context.extra["relief_programme"] = current


def _apply(programme, lease, applicant, state, operator, reviewer, rng) -> None:
    revenue = Decimal(rng.randrange(2_000_000, 60_000_000, 10_000))
    if state == "draft":
        _draft(programme, lease, applicant, revenue)
        return
    evidence = [ContentFile(EVIDENCE, name="2025年度财务报表.pdf")]
    application = services.application_submit(
        actor=applicant,
        programme=programme,
        lease=lease,
        declared_revenue=revenue,
        evidence=evidence,
    )
    case = case_for_subject(
        actor=applicant, subject_type=services.SUBJECT, subject_id=str(application.id)
    )
    if state in ("approved", "step2"):
        case = approvals.case_approve(actor=reviewer, case=case, comment="材料齐全，同意。")
    if state == "approved":
        approvals.case_approve(actor=operator, case=case, comment="财务复核通过。")
    elif state == "rejected":
        approvals.case_reject(
            actor=reviewer, case=case, reason="在职人数证明与社保缴纳记录不一致，不符合申请条件。"
        )
    elif state == "returned":
        approvals.case_return(
            actor=reviewer, case=case, comment="请补充2025年度经审计的财务报表及租赁合同复印件。"
        )
    elif state == "withdrawn":
        approvals.case_withdraw(actor=applicant, case=case)
    elif state == "overdue":
        type(case).objects.filter(pk=case.pk).update(deadline=case.deadline - timedelta(days=14))


def _draft(programme, lease, applicant, revenue) -> None:
    """An application saved but not yet submitted: the engine's draft state."""
    _revenue, quote = services.application_check(
        actor=applicant, programme=programme, lease=lease, declared_revenue=revenue
    )
    application = ReliefApplication.objects.create(
        programme=programme,
        enterprise=lease.enterprise,
        lease=lease,
        park=lease.enterprise.park,
        applicant=applicant,
        declared_revenue=revenue,
        headcount=lease.enterprise.headcount,
        amount=quote.amount,
        breakdown=quote.breakdown,
        status=ApplicationStatus.PENDING,
    )
    approvals.case_open(
        actor=applicant,
        process_code=programme.process_code,
        subject_type=services.SUBJECT,
        subject_id=str(application.id),
        title=f"{programme.name} · {lease.enterprise.name} · {lease.unit}",
        enterprise=lease.enterprise,
        submit=False,
    )
