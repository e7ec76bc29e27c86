"""Demo data of the talent app: three online fairs (one running now, one past with outcomes, one
coming), 60 enterprises with booths, 1,000+ positions, 2,000 candidates with realistic Chinese
profiles, a few hundred applications through every stage, talent-one-thing cases in every state
and 50 housing-subsidy ledger records sealed through the real hash chain.

History (positions, candidates, applications and their events) is written with bulk_create, as
the services would have left it; decisions that carry money (subsidies, the ledger) go through the
real services, so the chain verifies."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.approvals import selectors as approvals
from parkos.approvals.services import case_approve, case_reject, case_return, case_withdraw
from parkos.demo.context import DEMO_PASSWORD, DemoContext
from parkos.talent import identity, services
from parkos.talent.models import (
    Application,
    ApplicationEvent,
    Booth,
    Candidate,
    Consent,
    DemandSurvey,
    FairSurvey,
    Interview,
    InterviewSlot,
    JobFair,
    Position,
)
from parkos.talent.universities import universities

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯晨轩子涵梓欣怡雨萱思博文昊天佳琪嘉瑞泽楠宁倩婷雪琳晶颖慧瑶诗悦"
SKILLS = {
    "software": [
        "Python",
        "Java",
        "Go",
        "Django",
        "Spring Boot",
        "Vue",
        "React",
        "Kubernetes",
        "MySQL",
        "微服务",
    ],
    "data": [
        "Python",
        "SQL",
        "数据分析",
        "机器学习",
        "PyTorch",
        "Spark",
        "Hadoop",
        "推荐系统",
        "Tableau",
        "统计建模",
    ],
    "chips": [
        "Verilog",
        "数字IC设计",
        "模拟电路",
        "版图设计",
        "EDA",
        "FPGA",
        "芯片验证",
        "SystemVerilog",
    ],
    "biomed": ["分子生物学", "细胞培养", "GMP", "临床试验", "药物分析", "生物信息学", "质量管理"],
    "finance": ["财务分析", "会计", "税务", "Excel", "审计", "投融资", "风控"],
    "design": ["UI设计", "交互设计", "Figma", "Photoshop", "视频剪辑", "品牌设计", "文案"],
    "sales": ["大客户销售", "渠道拓展", "市场营销", "新媒体运营", "SaaS销售", "商务谈判"],
    "manufacturing": [
        "PLC",
        "机器人",
        "自动化",
        "机械设计",
        "SolidWorks",
        "工业互联网",
        "精益生产",
    ],
    "operations": ["行政管理", "人力资源", "招聘", "项目管理", "办公软件", "采购"],
}
TITLES = {
    "software": [
        "Python 后端工程师",
        "Java 开发工程师",
        "前端工程师",
        "Go 开发工程师",
        "测试开发工程师",
        "运维开发工程师",
    ],
    "data": ["数据分析师", "算法工程师", "数据工程师", "机器学习工程师", "商业分析师"],
    "chips": ["数字IC设计工程师", "芯片验证工程师", "模拟IC设计工程师", "版图工程师"],
    "biomed": ["研发科学家", "临床研究专员", "质量保证专员", "生物信息工程师"],
    "finance": ["财务会计", "税务专员", "财务分析师", "投融资经理"],
    "design": ["UI设计师", "交互设计师", "视觉设计师", "新媒体编辑"],
    "sales": ["大客户经理", "SaaS销售代表", "市场专员", "渠道经理"],
    "manufacturing": ["自动化工程师", "机械设计工程师", "工业机器人工程师", "生产主管"],
    "operations": ["行政专员", "HRBP", "招聘专员", "项目经理"],
}
LEVEL_SALARY = {
    "intern": (3000, 6000),
    "graduate": (8000, 15000),
    "junior": (12000, 22000),
    "senior": (20000, 40000),
    "expert": (35000, 70000),
    "leader": (40000, 90000),
}
LEVELS = list(LEVEL_SALARY)
DEGREES = ["college", "bachelor", "bachelor", "bachelor", "master", "master", "doctor"]
STAGES = [
    # status, how many, events on the way
    ("applied", 90, ["apply"]),
    ("screened", 60, ["apply", "screen"]),
    ("interview", 60, ["apply", "screen", "interview"]),
    ("intent", 70, ["apply", "screen", "interview", "intent"]),
    ("offer", 25, ["apply", "screen", "interview", "intent", "offer"]),
    ("hired", 25, ["apply", "screen", "interview", "intent", "offer", "hire"]),
    ("rejected", 40, ["apply", "screen", "reject"]),
    ("withdrawn", 20, ["apply", "withdraw"]),
]
AFTER = {
    "apply": "applied",
    "screen": "screened",
    "interview": "interview",
    "intent": "intent",
    "offer": "offer",
    "hire": "hired",
    "reject": "rejected",
    "withdraw": "withdrawn",
}


def _aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _id_number(rng, region="310115") -> str:
    born = f"{rng.randint(1975, 2001)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"{region}{born}{rng.randint(0, 999):03d}"
    return first17 + identity.id_check_digit(first17)


def _fairs(context, operator, rng):
    now = timezone.now()
    flagship = context.parks["pujiang"]
    running = JobFair.objects.create(
        park=flagship,
        title=f"{context.today.year}年浦江软件园冬季云招聘会",
        theme="field",
        field="software",
        description="软件与信息服务、数据与人工智能企业集中招聘，线上投递、视频面试，“一站式、零接触”。",
        starts_at=now - timedelta(hours=20),
        ends_at=now + timedelta(days=2),
    )
    past = JobFair.objects.create(
        park=context.parks.get("kunshan", flagship),
        title=f"{context.today.year}年长三角高校毕业生网络双选会",
        theme="campus",
        university="10248",
        description="面向应届毕业生的校园专场，昆山分园承办。",
        starts_at=now - timedelta(days=40),
        ends_at=now - timedelta(days=37),
    )
    upcoming = JobFair.objects.create(
        park=flagship,
        title=f"{context.today.year + 1}年春季集成电路人才专场",
        theme="field",
        field="chips",
        description="集成电路设计、验证与制造企业专场。",
        starts_at=now + timedelta(days=25),
        ends_at=now + timedelta(days=27),
    )
    return running, past, upcoming


def _booths(enterprises, running, past, upcoming):
    booths = []
    for index, enterprise in enumerate(enterprises):
        booths.append(
            Booth(
                fair=running,
                enterprise=enterprise,
                status="approved",
                intro=f"{enterprise.name}诚聘英才",
            )
        )
        if index % 3 != 2:
            booths.append(Booth(fair=past, enterprise=enterprise, status="approved"))
        if index % 3 == 0:
            booths.append(
                Booth(
                    fair=upcoming,
                    enterprise=enterprise,
                    status="requested" if index % 2 else "approved",
                )
            )
    Booth.objects.bulk_create(booths)
    return {(b.fair_id, b.enterprise_id): b for b in booths}


def _positions(rng, enterprises, booths, running, past, today):
    fields = list(TITLES)
    positions = []
    for index, enterprise in enumerate(enterprises):
        home_field = fields[index % len(fields)]
        for n in range(18):
            field = home_field if n % 3 else rng.choice(fields)
            level = rng.choice(LEVELS)
            low, high = LEVEL_SALARY[level]
            salary_min = Decimal(rng.randrange(low, (low + high) // 2, 500))
            salary_max = salary_min + Decimal(rng.randrange(2000, high - low + 2500, 500))
            booth = booths.get((running.id, enterprise.id)) if n < 10 else None
            closes = today + timedelta(days=rng.randint(10, 90))
            if n in (16, 17):
                booth = booths.get((past.id, enterprise.id))
                closes = today - timedelta(days=rng.randint(1, 30))
            status = "published" if closes >= today else "closed"
            if n == 15:
                status = "draft"
            positions.append(
                Position(
                    enterprise=enterprise,
                    park_id=enterprise.park_id,
                    booth=booth,
                    title=rng.choice(TITLES[field]),
                    field=field,
                    level=level,
                    city=enterprise.park.city,
                    salary_min=salary_min,
                    salary_max=salary_max,
                    headcount=rng.randint(1, 6),
                    requirements=f"熟悉{'、'.join(rng.sample(SKILLS[field], 3))}；有团队协作精神。",
                    skills=rng.sample(SKILLS[field], min(4, len(SKILLS[field]))),
                    closes_on=closes,
                    status=status,
                    published_at=_aware(today - timedelta(days=rng.randint(1, 60)))
                    if status != "draft"
                    else None,
                )
            )
    Position.objects.bulk_create(positions, batch_size=500)
    return positions


def _candidates(rng, cities):
    codes = list(universities())
    fields = list(SKILLS)
    candidates = []
    phones = set()
    for n in range(2000):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}"
        while phone in phones:
            phone = f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}"
        phones.add(phone)
        field = rng.choice(fields)
        level = rng.choice(LEVELS)
        low, high = LEVEL_SALARY[level]
        city = rng.choice(cities)
        graduation = rng.randint(2000, 2026)
        candidates.append(
            Candidate(
                name=name,
                phone=phone,
                birth_year=graduation - 22,
                city=city,
                expected_cities=list(dict.fromkeys([city, rng.choice(cities)])),
                expected_salary=Decimal(rng.randrange(low, high, 500)),
                field=field,
                level=level,
                university=rng.choice(codes),
                degree=rng.choice(DEGREES),
                major={
                    "software": "计算机科学与技术",
                    "data": "数据科学与大数据技术",
                    "chips": "微电子科学与工程",
                    "biomed": "生物医学工程",
                    "finance": "会计学",
                    "design": "视觉传达设计",
                    "sales": "市场营销",
                    "manufacturing": "机械工程",
                    "operations": "工商管理",
                }[field],
                graduation_year=graduation,
                skills=rng.sample(SKILLS[field], 3)
                + ([rng.choice(SKILLS[rng.choice(fields)])] if n % 4 == 0 else []),
                summary="",
                discoverable=n % 10 != 0,
                source="fair_import" if n % 5 == 0 else "self",
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=500)
    return candidates


def _applications(rng, candidates, positions, running, past, hr_user, today):
    open_positions = [p for p in positions if p.status == "published"]
    fair_positions = [p for p in open_positions if p.booth_id]
    applications, events, interviews, slots, consents = [], [], [], [], {}
    taken = set()
    now = timezone.now()
    for status, count, steps in STAGES:
        for _ in range(count):
            position = rng.choice(fair_positions if rng.random() < 0.7 else open_positions)
            candidate = rng.choice(candidates)
            if (candidate.id, position.id) in taken:
                continue
            taken.add((candidate.id, position.id))
            applied_at = now - timedelta(
                hours=rng.randint(1, 18) if position.booth_id else rng.randint(24, 600)
            )
            fair_id = running.id if position.booth_id else None
            application = Application(
                candidate=candidate,
                position=position,
                enterprise_id=position.enterprise_id,
                fair_id=fair_id,
                status=status,
                applied_at=applied_at,
                rounds=1 if "interview" in steps else 0,
                reason_code={"rejected": "skills", "withdrawn": "other_offer"}.get(status, ""),
            )
            applications.append(application)
            consents[(candidate.id, position.enterprise_id)] = applied_at
            moment = applied_at
            before = ""
            for step in steps:
                after = AFTER[step]
                events.append(
                    ApplicationEvent(
                        application=application,
                        action=step,
                        before=before,
                        after=after,
                        actor=None if step in ("apply", "withdraw") else hr_user,
                        at=moment,
                    )
                )
                stamp = {
                    "screen": "screened_at",
                    "intent": "intent_at",
                    "offer": "offered_at",
                    "hire": "hired_at",
                }.get(step)
                if stamp:
                    setattr(application, stamp, moment)
                if step in ("reject", "withdraw"):
                    application.closed_at = moment
                if step == "interview":
                    slot = InterviewSlot(
                        enterprise_id=position.enterprise_id,
                        starts_at=moment + timedelta(hours=1),
                        ends_at=moment + timedelta(hours=1, minutes=45),
                        video_link="https://meeting.tencent.com/dm/demo",
                    )
                    slots.append(slot)
                    scored = status != "interview"
                    interviews.append(
                        Interview(
                            application=application,
                            slot=slot,
                            round=1,
                            scores={
                                "skills": 4,
                                "experience": 4,
                                "communication": 5,
                                "motivation": 4,
                            }
                            if scored
                            else {},
                            overall=4 if scored else None,
                            recommendation="advance" if scored else "",
                            feedback="专业基础扎实，沟通顺畅。" if scored else "",
                            scored_at=moment + timedelta(hours=2) if scored else None,
                        )
                    )
                before = after
                moment += timedelta(minutes=rng.randint(20, 90))
    # Past fair outcomes: its applications, about half reaching a preliminary intent.
    past_positions = [p for p in positions if p.booth_id and p.status == "closed"]
    for n in range(min(180, len(past_positions) * 3)):
        position = past_positions[n % len(past_positions)]
        candidate = rng.choice(candidates)
        if (candidate.id, position.id) in taken:
            continue
        taken.add((candidate.id, position.id))
        reached = n % 2 == 0
        applied_at = past.starts_at + timedelta(hours=rng.randint(1, 60))
        application = Application(
            candidate=candidate,
            position=position,
            enterprise_id=position.enterprise_id,
            fair_id=past.id,
            status="intent" if reached else "rejected",
            reason_code="" if reached else rng.choice(["skills", "experience", "salary", "filled"]),
            applied_at=applied_at,
            rounds=1,
            intent_at=applied_at + timedelta(days=1) if reached else None,
            closed_at=None if reached else applied_at + timedelta(days=1),
        )
        applications.append(application)
        consents[(candidate.id, position.enterprise_id)] = applied_at
        events.append(
            ApplicationEvent(
                application=application, action="apply", after="applied", at=applied_at
            )
        )
        events.append(
            ApplicationEvent(
                application=application,
                action="intent" if reached else "reject",
                before="applied",
                after=application.status,
                actor=hr_user,
                at=applied_at + timedelta(days=1),
            )
        )
    Application.objects.bulk_create(applications, batch_size=500)
    ApplicationEvent.objects.bulk_create(events, batch_size=1000)
    InterviewSlot.objects.bulk_create(slots, batch_size=500)
    Interview.objects.bulk_create(interviews, batch_size=500)
    Consent.objects.bulk_create(
        [
            Consent(candidate_id=c, enterprise_id=e, granted_at=at)
            for (c, e), at in consents.items()
        ],
        batch_size=1000,
    )
    return applications


def _surveys(rng, enterprises, past, running, hr_user, today):
    FairSurvey.objects.bulk_create(
        [
            FairSurvey(
                fair=past,
                enterprise=e,
                satisfaction=rng.randint(3, 5),
                expected_hires=rng.randint(0, 8),
                comment="候选人质量较高",
            )
            for e in enterprises[:30]
        ]
        + [
            FairSurvey(
                fair=past,
                respondent=hr_user,
                enterprise=enterprises[0],
                satisfaction=5,
                expected_hires=3,
            )
        ]
    )
    rows = []
    for enterprise in enterprises[:45]:
        for field in rng.sample(list(SKILLS), 2):
            rows.append(
                DemandSurvey(
                    enterprise=enterprise,
                    park_id=enterprise.park_id,
                    year=today.year,
                    field=field,
                    level=rng.choice(LEVELS),
                    headcount=rng.randint(2, 40),
                    submitted_by=hr_user,
                )
            )
    DemandSurvey.objects.bulk_create(rows)


def _case(reviewer, subcase):
    return approvals.case_for_subject(
        actor=reviewer, subject_type="talent.subcase", subject_id=str(subcase.id)
    )


def _onething(context, rng, reviewer):
    """Housing subsidies through the real services (and so the real ledger): 30 granted, 20 of
    them paid, for 50 ledger records; other services in every state of their cases."""
    today = context.today
    parks = list(context.parks.values())
    kinds_cycle = [
        ["housing", "residence", "social_security"],
        ["housing", "schooling"],
        ["housing", "transfer", "programme"],
        ["housing"],
    ]
    granted = []
    for n in range(38):
        applicant = user_create(username=f"talent{n:02d}", password=None, display_name="")
        membership_grant(user=applicant, role=Role.CANDIDATE)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        applicant.display_name = name
        applicant.save(update_fields=["display_name"])
        price = Decimal(rng.randrange(1_200_000, 4_500_000, 10_000))
        application = services.onething_apply(
            actor=applicant,
            park=parks[n % len(parks)],
            name=name,
            phone=f"136{n:08d}",
            id_number=_id_number(rng),
            arrived_on=today - timedelta(days=rng.randint(30, 900)),
            kinds=kinds_cycle[n % len(kinds_cycle)],
            documents=["id_card", "labour_contract", "purchase_contract", "degree", "household"],
            housing={
                "price": price,
                "first_home": True,
                "in_district": True,
                "home_address": f"{parks[n % len(parks)].city}市人才公寓路{rng.randint(1, 300)}号",
            },
        )
        subcases = {s.kind: s for s in application.subcases.all()}
        housing = subcases["housing"]
        if n < 30:
            case_approve(
                actor=reviewer, case=_case(reviewer, housing), comment="材料齐全，符合条件"
            )
            granted.append(housing.housing)
        elif n < 33:
            case_reject(actor=reviewer, case=_case(reviewer, housing), reason="名下已有其他住房")
        elif n < 35:
            case_return(actor=reviewer, case=_case(reviewer, housing), comment="请补充房产查询证明")
        elif n == 35:
            case_withdraw(actor=applicant, case=_case(reviewer, housing))
        for kind, subcase in subcases.items():
            if kind == "housing":
                continue
            move = n % 4
            if move == 0:
                case_approve(actor=reviewer, case=_case(reviewer, subcase), comment="同意")
            elif move == 1:
                case_reject(actor=reviewer, case=_case(reviewer, subcase), reason="不符合条件")
            elif move == 2 and kind != "programme":
                case_return(actor=reviewer, case=_case(reviewer, subcase), comment="请补充材料")
    for subsidy in granted[:20]:
        subsidy.refresh_from_db()
        services.subsidy_pay(actor=reviewer, subsidy=subsidy)


def load(context: DemoContext) -> None:
    rng = context.rng_for("talent")
    today = context.today
    operator, reviewer = context.users["operator"], context.users["reviewer"]
    hr_user = context.users["tenant"]
    tenant_enterprise = context.extra.get("tenant_enterprises", {}).get("tenant")
    enterprises = list(context.enterprises)
    if tenant_enterprise is not None:
        enterprises = [tenant_enterprise, *[e for e in enterprises if e.id != tenant_enterprise.id]]
    enterprises = enterprises[:60]
    for enterprise in enterprises:
        enterprise.park = next(p for p in context.parks.values() if p.id == enterprise.park_id)
    running, past, upcoming = _fairs(context, operator, rng)
    booths = _booths(enterprises, running, past, upcoming)
    positions = _positions(rng, enterprises, booths, running, past, today)
    cities = sorted({p.city for p in context.parks.values()} | {"杭州", "苏州", "南京"})
    candidates = _candidates(rng, cities)
    _applications(rng, candidates, positions, running, past, hr_user, today)
    _surveys(rng, enterprises, past, running, hr_user, today)
    member = services.candidate_register(
        username="candidate", password=DEMO_PASSWORD, name="李华", phone="13812345678"
    )
    services.candidate_update(
        actor=member.user,
        candidate=member,
        city="上海",
        expected_cities="上海、杭州",
        expected_salary="20000",
        field="data",
        level="junior",
        university="10246",
        degree="master",
        major="统计学",
        graduation_year=2023,
        skills="Python、SQL、数据分析、机器学习",
        summary="复旦大学统计学硕士，两年互联网数据分析经验。",
    )
    context.users["candidate"] = member.user
    _onething(context, rng, reviewer)
