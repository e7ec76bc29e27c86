"""The demo logins (password parkos-demo), each with the memberships its role needs."""

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.demo.context import DEMO_PASSWORD, DemoContext

DEMO_USERS = [
    # username, display name, role, scope
    ("operator", "运营管理员 王敏", Role.OPERATOR_ADMIN, "network"),
    ("ioc", "IOC值班员 李强", Role.IOC_OPERATOR, "flagship"),
    ("dispatcher", "物业调度员 陈静", Role.DISPATCHER, "flagship"),
    ("technician", "维修技师 张伟", Role.TECHNICIAN, "flagship"),
    ("tenant", "企业管理员 刘洋", Role.ENTERPRISE_ADMIN, "enterprise:0"),
    ("tenant2", "企业管理员 赵磊", Role.ENTERPRISE_ADMIN, "enterprise:1"),
    ("provider", "服务商 周婷", Role.PROVIDER, "network"),
    ("reviewer", "审批员 孙丽", Role.REVIEWER, "network"),
]


def load(context: DemoContext) -> None:
    flagship = context.parks["pujiang"]
    tenants = [e for e in context.enterprises if e.park_id == flagship.id]
    for username, display_name, role, scope in DEMO_USERS:
        user = user_create(username=username, password=DEMO_PASSWORD, display_name=display_name)
        if scope == "flagship":
            membership_grant(user=user, role=role, park=flagship)
        elif scope.startswith("enterprise:"):
            enterprise = tenants[int(scope.split(":")[1])]
            membership_grant(user=user, role=role, enterprise=enterprise, park=enterprise.park)
            context.extra.setdefault("tenant_enterprises", {})[username] = enterprise
        else:
            membership_grant(user=user, role=role)
        context.users[username] = user
    admin = user_create(
        username="admin",
        password=DEMO_PASSWORD,
        display_name="系统管理员",
        is_staff=True,
        is_superuser=True,
    )
    context.users["admin"] = admin
