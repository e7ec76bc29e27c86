"""The category tree the articles list, seeded by a data migration."""

# (code, Chinese name, English name, [(code, Chinese name, English name), ...])
CATEGORY_TREE = [
    (
        "infrastructure",
        "云基础设施",
        "Cloud infrastructure",
        [
            ("cloud-idc", "云主机与IDC", "Cloud servers and IDC"),
            ("storage", "云存储", "Storage"),
            ("cloud-security", "云安全", "Cloud security"),
        ],
    ),
    (
        "platform",
        "平台服务",
        "Platform services",
        [
            ("paas", "PaaS平台", "PaaS"),
            ("data-analytics", "大数据分析", "Data analytics"),
            ("blockchain", "区块链", "Blockchain"),
        ],
    ),
    (
        "saas",
        "企业应用",
        "Business applications",
        [
            ("oa", "OA办公协同", "OA and collaboration"),
            ("video-meeting", "视频会议", "Video meetings"),
            ("hr", "人力资源", "Human resources"),
            ("finance", "财务与报销", "Finance and expenses"),
            ("customer-service", "客服与呼叫中心", "Customer service and call center"),
            ("marketing", "营销推广", "Marketing"),
            ("logistics", "物流管理", "Logistics"),
            ("catering", "企业餐饮", "Catering"),
        ],
    ),
    (
        "operations",
        "运维服务",
        "Operations services",
        [("ops-monitoring", "运维与监控", "Ops and monitoring")],
    ),
    (
        "industry",
        "行业云",
        "Industry solutions",
        [
            ("smart-city", "智慧城市", "Smart city"),
            ("industrial-cloud", "工业云", "Industrial cloud"),
        ],
    ),
]


def categories_seed(category_model) -> None:
    """Create the tree; existing codes are left as the operator has them."""
    position = 0
    for code, name, name_en, children in CATEGORY_TREE:
        position += 1
        parent, _created = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
        for child_code, child_name, child_name_en in children:
            position += 1
            category_model.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "name_en": child_name_en,
                    "parent": parent,
                    "position": position,
                },
            )
