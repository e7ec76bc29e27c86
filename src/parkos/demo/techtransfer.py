"""Demo data of technology transfer: 12 institutions, 300 achievements (Chinese, some English)
across the eight high-technology fields, 150 enterprise demands, 40 deals in every stage, 20
registered contracts across the branches, and two company calls.

Achievements and demands are written as the services would have left them (published after
review; bulk_create for speed); matches, deals and contracts go through the real services, so
scores, reasons, checks and stage history are the engine's own."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.demo.context import DEMO_PASSWORD, DemoContext
from parkos.techtransfer import services
from parkos.techtransfer.models import (
    Achievement,
    AchievementEvent,
    AchievementStatus,
    Demand,
    Institution,
)
from parkos.techtransfer.patents import with_check

INSTITUTIONS = [
    ("上海交通大学技术转移中心", "SJTU Technology Transfer Center", "上海"),
    ("复旦大学科技成果转化办公室", "Fudan University Tech Transfer Office", "上海"),
    ("同济大学技术转移中心", "Tongji University Technology Transfer Center", "上海"),
    ("华东理工大学科技处", "ECUST Science and Technology Office", "上海"),
    ("中国科学院上海微系统与信息技术研究所", "SIMIT, Chinese Academy of Sciences", "上海"),
    ("国家技术转移东部中心", "National Technology Transfer East Center", "上海"),
    ("浙江大学技术转移中心", "Zhejiang University Technology Transfer Center", "杭州"),
    ("南京大学技术转移中心", "Nanjing University Technology Transfer Center", "南京"),
    ("苏州大学技术转移中心", "Soochow University Technology Transfer Center", "苏州"),
    ("中国科学技术大学先进技术研究院", "USTC Institute of Advanced Technology", "合肥"),
    ("南通大学技术转移中心", "Nantong University Technology Transfer Center", "南通"),
    ("绍兴文理学院科技处", "Shaoxing University Science Office", "绍兴"),
]

# field, subject, what it does (Chinese), English subject (None: Chinese only)
TOPICS = [
    (
        "advanced_manufacturing",
        "机器视觉锂电池极片表面缺陷检测",
        "采用工业相机与深度学习卷积神经网络，在线识别极片划痕、漏箔、气泡、褶皱等缺陷，检出率99.5%以上，单线节拍小于50毫秒",
        "Machine-vision inspection of lithium battery electrode defects",
    ),
    (
        "advanced_manufacturing",
        "焊缝视觉跟踪与质量检测",
        "激光结构光传感器实时跟踪焊缝，深度学习判别气孔、咬边、未熔合",
        "Vision-based weld seam tracking and inspection",
    ),
    (
        "advanced_manufacturing",
        "协作机器人柔性装配",
        "力控与视觉引导结合，实现精密零件的柔性插装，适用于3C电子产线",
        "Force-controlled collaborative robot assembly",
    ),
    (
        "advanced_manufacturing",
        "数控机床热误差补偿",
        "多点温度采集与神经网络建模，实时补偿主轴热伸长，加工精度提升40%",
        None,
    ),
    (
        "advanced_manufacturing",
        "工业设备预测性维护",
        "振动与电流信号特征提取，基于深度学习预测轴承与齿轮箱故障",
        "Predictive maintenance of industrial equipment",
    ),
    (
        "advanced_manufacturing",
        "金属增材制造激光选区熔化",
        "高强铝合金粉末激光选区熔化工艺，致密度99.8%，适用于航空结构件",
        None,
    ),
    (
        "advanced_manufacturing",
        "AGV激光SLAM导航",
        "多线激光雷达建图与定位，仓储搬运机器人重复定位精度正负5毫米",
        "Laser SLAM navigation for AGVs",
    ),
    (
        "electronic_information",
        "边缘计算工业网关",
        "支持Modbus、OPC UA等协议的设备数据采集与边缘推理网关",
        "Edge computing gateway for industrial IoT",
    ),
    (
        "electronic_information",
        "国产化数据库高可用集群",
        "基于Raft共识的分布式数据库高可用方案，故障切换小于3秒",
        None,
    ),
    (
        "electronic_information",
        "中文自然语言处理智能客服",
        "基于预训练语言模型的多轮对话与意图识别，支持知识库问答",
        "Chinese NLP customer-service assistant",
    ),
    (
        "electronic_information",
        "毫米波雷达人员检测",
        "60GHz毫米波雷达非接触检测人员存在、呼吸与跌倒",
        "mmWave radar presence and fall detection",
    ),
    (
        "electronic_information",
        "低功耗广域物联网模组",
        "NB-IoT与LoRa双模通信模组，待机电流小于5微安",
        None,
    ),
    (
        "electronic_information",
        "视频结构化分析平台",
        "对园区监控视频进行人车识别、轨迹分析与异常行为告警",
        "Video analytics platform for parks",
    ),
    (
        "electronic_information",
        "RISC-V嵌入式处理器IP",
        "面向物联网终端的低功耗RISC-V处理器核及SoC平台",
        "RISC-V embedded processor IP",
    ),
    ("electronic_information", "工业互联网标识解析", "基于标识解析的产品全生命周期追溯系统", None),
    (
        "bio_medicine",
        "CAR-T细胞制备工艺",
        "封闭式自动化CAR-T细胞培养与质控工艺，制备周期缩短至7天",
        "Automated CAR-T cell manufacturing",
    ),
    (
        "bio_medicine",
        "mRNA疫苗脂质纳米颗粒递送",
        "可电离脂质的设计与LNP配方，提高mRNA递送效率并降低毒性",
        "Lipid nanoparticle delivery of mRNA",
    ),
    (
        "bio_medicine",
        "肿瘤早筛液体活检",
        "基于cfDNA甲基化标志物的多癌种早期筛查试剂盒",
        "Liquid biopsy for early cancer screening",
    ),
    (
        "bio_medicine",
        "医学影像人工智能辅助诊断",
        "肺结节CT影像自动检测与良恶性分级，敏感度95%",
        "AI-assisted diagnosis of lung CT images",
    ),
    ("bio_medicine", "中药有效成分提取纯化", "超临界二氧化碳萃取与大孔树脂纯化中药有效成分", None),
    (
        "bio_medicine",
        "可降解镁合金心血管支架",
        "镁合金支架表面涂层调控降解速率，支撑力满足临床需求",
        None,
    ),
    (
        "bio_medicine",
        "基因编辑水稻抗病育种",
        "基于CRISPR/Cas9的水稻抗稻瘟病基因编辑育种方法",
        "CRISPR gene-edited disease-resistant rice",
    ),
    (
        "new_materials",
        "可降解聚乳酸包装薄膜",
        "聚乳酸共混改性吹膜工艺，薄膜拉伸强度与韧性满足快递包装",
        "Biodegradable PLA packaging film",
    ),
    (
        "new_materials",
        "碳纤维复合材料快速成型",
        "高压树脂传递模塑工艺，汽车结构件成型周期小于5分钟",
        "Fast RTM moulding of carbon-fibre composites",
    ),
    (
        "new_materials",
        "石墨烯导热膜",
        "氧化石墨烯还原与压延工艺制备高导热膜，面内热导率1500W/mK",
        None,
    ),
    (
        "new_materials",
        "高镍三元正极材料包覆改性",
        "原子层沉积氧化铝包覆，提高高镍正极循环寿命与热稳定性",
        "Coated high-nickel cathode materials",
    ),
    ("new_materials", "钙钛矿太阳能电池封装材料", "阻水阻氧封装胶膜，延长钙钛矿组件户外寿命", None),
    ("new_materials", "特种陶瓷3D打印", "光固化氧化锆陶瓷浆料与烧结工艺，用于精密结构件", None),
    (
        "new_materials",
        "生物基尼龙合成",
        "以生物基戊二胺为原料合成尼龙56，纺丝性能良好",
        "Bio-based nylon 56",
    ),
    (
        "new_energy",
        "固态锂电池电解质",
        "硫化物固态电解质制备与界面改性，室温离子电导率大于10mS/cm",
        "Sulfide solid-state electrolytes",
    ),
    (
        "new_energy",
        "动力电池梯次利用",
        "退役动力电池快速分选与储能系统重组技术",
        "Second-life use of EV batteries",
    ),
    ("new_energy", "光伏组件智能运维", "无人机红外巡检与热斑识别，电站运维效率提升3倍", None),
    (
        "new_energy",
        "氢燃料电池双极板",
        "金属双极板冲压与涂层技术，降低燃料电池成本",
        "Metal bipolar plates for fuel cells",
    ),
    (
        "new_energy",
        "建筑能耗监测与节能控制",
        "楼宇空调与照明能耗分项计量与智能优化控制",
        "Building energy monitoring and control",
    ),
    (
        "new_energy",
        "碳化硅功率模块封装",
        "新能源汽车电机控制器碳化硅模块银烧结封装工艺",
        "SiC power module packaging",
    ),
    ("new_energy", "余热回收有机朗肯循环发电", "中低温工业余热有机朗肯循环发电系统", None),
    (
        "resources_environment",
        "污泥低温干化资源化",
        "污水处理厂污泥低温除湿干化与制备建材原料",
        "Low-temperature sludge drying",
    ),
    (
        "resources_environment",
        "工业废水高级氧化处理",
        "臭氧催化氧化深度处理难降解有机废水，COD去除率80%",
        None,
    ),
    (
        "resources_environment",
        "挥发性有机物催化燃烧",
        "蜂窝催化剂处理喷涂车间VOCs，去除效率大于95%",
        "Catalytic combustion of VOCs",
    ),
    ("resources_environment", "土壤重金属污染修复", "钝化剂与植物修复结合治理农田镉污染", None),
    ("resources_environment", "建筑垃圾再生骨料", "建筑垃圾分选破碎制备再生骨料与透水砖", None),
    (
        "resources_environment",
        "锂电池回收湿法冶金",
        "废旧锂电池正极材料湿法浸出回收锂钴镍",
        "Hydrometallurgical recycling of lithium batteries",
    ),
    (
        "aerospace",
        "无人机集群协同控制",
        "分布式编队控制与通信中继，实现多机协同巡检",
        "UAV swarm cooperative control",
    ),
    ("aerospace", "航空发动机叶片检测", "工业CT与超声相控阵检测叶片内部缺陷", None),
    (
        "aerospace",
        "卫星遥感影像智能解译",
        "深度学习识别遥感影像中的建筑、道路与农田变化",
        "AI interpretation of satellite imagery",
    ),
    ("aerospace", "轻量化航空铝锂合金", "铝锂合金熔铸与热处理工艺，密度降低8%", None),
    (
        "high_tech_services",
        "知识产权大数据分析平台",
        "专利检索、技术路线图与侵权风险预警服务",
        "IP big-data analytics platform",
    ),
    ("high_tech_services", "检验检测认证云平台", "检测委托、样品流转与报告在线签发平台", None),
    ("high_tech_services", "科技成果评价服务", "依据GB/T 22900对科技成果进行技术成熟度评价", None),
    (
        "high_tech_services",
        "工业设计协同平台",
        "产品外观与结构设计的在线协同与评审",
        "Collaborative industrial design platform",
    ),
]

VARIANTS = [
    ("{subject}技术", "{what}。"),
    ("一种{subject}方法", "本发明公开了一种{subject}方法：{what}。"),
    ("{subject}系统及装置", "系统包括采集、处理与控制单元，{what}，已在示范线验证。"),
    ("低成本{subject}方案", "在保证性能的前提下降低成本：{what}，成本下降约30%。"),
    ("高可靠{subject}", "针对工业现场可靠性要求：{what}，连续运行超过一年。"),
    ("{subject}中试平台", "已建成中试线：{what}，可开放共建。"),
]

DEMAND_TEMPLATES = [
    "我们希望引进{subject}，用于提升产线质量与效率，现有方案{pain}。",
    "公司计划在昆山工厂导入{subject}，目前{pain}，寻求高校合作。",
    "寻找{subject}相关成果，解决{pain}的问题，可接受许可或联合开发。",
    "Looking for {en}: we need to solve {pain_en} in our plant.",
]
PAINS = [
    ("人工成本高、漏检率高", "high manual cost and missed defects"),
    ("能耗偏高、稳定性不足", "high energy use and poor stability"),
    ("进口设备价格昂贵", "expensive imported equipment"),
    ("工艺良率只有85%", "a yield of only 85%"),
    ("数据分散无法分析", "scattered data that cannot be analysed"),
]
MODES = [
    ["licence"],
    ["transfer"],
    ["licence", "transfer"],
    ["joint_development"],
    ["joint_development", "equity"],
    ["licence", "joint_development"],
]


def _users(context):
    broker = user_create(username="broker", password=DEMO_PASSWORD, display_name="技术经纪人 钱进")
    membership_grant(user=broker, role=Role.BROKER, park=context.parks["pujiang"])
    researcher = user_create(
        username="institution", password=DEMO_PASSWORD, display_name="科研人员 林晓"
    )
    context.users.update(broker=broker, institution=researcher)
    return broker, researcher


def load(context: DemoContext) -> None:
    rng = context.rng_for("techtransfer")
    now = timezone.now()
    today = context.today
    broker, researcher = _users(context)
    institutions = [
        Institution.objects.create(name=name, name_en=en, region=region)
        for name, en, region in INSTITUTIONS
    ]
    membership_grant(user=researcher, role=Role.INSTITUTION, organization=institutions[0])

    achievements = []
    serial = 0
    for variant_index, (title_form, text_form) in enumerate(VARIANTS):
        for topic_index, (field, subject, what, english) in enumerate(TOPICS):
            serial += 1
            institution = institutions[(topic_index * 7 + variant_index) % len(institutions)]
            if topic_index == 0 and variant_index == 0:
                institution = institutions[0]  # the journey's achievement, for the demo researcher
            trl = rng.choice([3, 4, 5, 6, 6, 7, 7, 8, 9])
            year = rng.choice([2018, 2019, 2020, 2021, 2022, 2023])
            kind = rng.choice(["1", "1", "1", "2"])
            number = with_check(f"{year}{kind}{rng.randint(1_000_000, 9_999_999)}")
            english_only = english and variant_index == 5 and topic_index % 3 == 0
            price = (
                None
                if rng.random() < 0.3
                else Decimal(rng.choice([30, 50, 80, 120, 200, 350, 600])) * 10_000
            )
            if topic_index == 0 and variant_index == 0:
                trl, price = 7, Decimal("600000")
            achievements.append(
                Achievement(
                    institution=institution,
                    title=english if english_only else title_form.format(subject=subject),
                    title_en=english or "",
                    description=""
                    if english_only
                    else text_form.format(subject=subject, what=what),
                    description_en=(
                        f"{english}. Developed and validated by {institution.name_en}; "
                        "available for licensing or joint development."
                        if english
                        else ""
                    ),
                    field=field,
                    trl=trl,
                    patent_type="invention" if kind == "1" else "utility_model",
                    patent_number=number,
                    ipc=rng.choice(
                        [
                            "G06T 7/00",
                            "H01M 10/05",
                            "B23K 26/00",
                            "C08L 67/04",
                            "A61K 39/00",
                            "G01N 21/88",
                        ]
                    ),
                    legal_status=rng.choice(["granted", "granted", "pending"]),
                    modes=rng.choice(MODES)
                    if not (topic_index == 0 and variant_index == 0)
                    else ["licence", "transfer"],
                    price=price,
                    status=AchievementStatus.PUBLISHED,
                    created_by=researcher,
                    submitted_at=now - timedelta(days=rng.randint(20, 300)),
                    published_at=now - timedelta(days=rng.randint(1, 19)),
                    expires_on=today + timedelta(days=rng.randint(60, 365)),
                )
            )
    # A few wait for the operator's review.
    for achievement in achievements[-6:]:
        achievement.status = AchievementStatus.SUBMITTED
        achievement.published_at = None
        achievement.expires_on = None
    Achievement.objects.bulk_create(achievements)
    AchievementEvent.objects.bulk_create(
        [
            AchievementEvent(
                achievement=a,
                actor=researcher,
                action="submit",
                before="draft",
                after="submitted",
                at=a.submitted_at,
            )
            for a in achievements
        ]
        + [
            AchievementEvent(
                achievement=a,
                actor=context.users.get("operator"),
                action="approve",
                before="submitted",
                after="published",
                at=a.published_at,
            )
            for a in achievements
            if a.published_at
        ]
    )

    tenants = context.extra.get("tenant_enterprises", {})
    enterprises = [e for e in context.enterprises][:60] or list(tenants.values())
    demands = []
    for index in range(150):
        field, subject, _what, english = TOPICS[(index * 11) % len(TOPICS)]
        pain, pain_en = PAINS[index % len(PAINS)]
        template = DEMAND_TEMPLATES[index % len(DEMAND_TEMPLATES)]
        if template.startswith("Looking") and not english:
            template = DEMAND_TEMPLATES[0]
        demands.append(
            Demand(
                enterprise=enterprises[index % len(enterprises)],
                title=(
                    f"Seeking {english}" if template.startswith("Looking") else f"寻求{subject}技术"
                ),
                problem=template.format(subject=subject, pain=pain, en=english, pain_en=pain_en),
                outcome="形成可量产的解决方案并完成现场验证",
                field=field,
                trl_required=rng.choice([4, 5, 6, 6, 7]),
                budget=Decimal(rng.choice([20, 50, 80, 100, 150, 300, 500])) * 10_000,
                deadline=today + timedelta(days=rng.randint(30, 240)),
                modes=rng.choice(MODES),
                confidential=index % 10 == 0,
            )
        )
    Demand.objects.bulk_create(demands)

    # 40 deals in every stage, 20 of them with registered contracts across the branches.
    branches = [
        context.parks[code]
        for code in ("pujiang", "kunshan", "nantong", "jiaxing")
        if code in context.parks
    ]
    stage_paths = (
        [[]] * 5
        + [["contact"]] * 5
        + [["contact", "sign_nda"]] * 4
        + [["contact", "sign_nda", "negotiate"]] * 4
        + [["contact", "drop"]] * 2
        + [["contact", "sign_nda", "negotiate", "contract"]] * 20
    )
    operator = context.users.get("operator")
    deals = 0
    contract_types = ["licence", "transfer", "development", "service", "consulting"]
    for demand in demands:
        if deals >= len(stage_paths):
            break
        matches = services.demand_match(actor=operator, demand=demand, limit=3)
        if not matches:
            continue
        deal = services.deal_open(actor=broker, match=matches[0])
        path = stage_paths[deals]
        deals += 1
        for action in path:
            if action == "contract":
                branch = branches[deals % len(branches)]
                services.contract_register(
                    actor=broker,
                    deal=deal,
                    contract_type=contract_types[deals % len(contract_types)],
                    amount=str(demand.budget),
                    technology_amount=str((demand.budget * Decimal("0.9")).quantize(Decimal("1"))),
                    ip_type="invention",
                    signed_on=today - timedelta(days=rng.randint(0, 330)),
                    branch_id=branch.pk,
                    buyer_region=branch.city,
                )
                break
            deal = services.deal_move(
                actor=broker,
                deal=deal,
                action=action,
                reason="price" if action == "drop" else "",
            )

    tenant_enterprise = tenants.get("tenant") or enterprises[0]
    call_specs = [
        (
            "揭榜挂帅：动力电池极片缺陷在线检测",
            "要求检出率99%以上、误报率低于1%，节拍匹配每分钟60米产线速度。",
            "advanced_manufacturing",
            "500000",
        ),
        (
            "企业出题：园区楼宇空调节能控制",
            "希望通过智能控制降低园区楼宇空调能耗15%以上，可在两栋楼试点。",
            "new_energy",
            "300000",
        ),
    ]
    tenant_user = context.users.get("tenant")
    for title, challenge, field, reward in call_specs:
        call = services.call_create(
            actor=tenant_user,
            enterprise_id=tenant_enterprise.pk,
            title=title,
            challenge=challenge,
            field=field,
            reward=reward,
            deadline=today + timedelta(days=45),
        )
        services.proposal_submit(
            actor=researcher,
            call=call,
            institution=institutions[0],
            summary="基于深度学习与多光谱成像的在线检测方案，已在两条产线验证。",
            price="450000",
        )
