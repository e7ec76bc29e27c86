"""How the supermarket goes through the approvals engine: provider verification and
voucher applications are cases; the engine's final decision calls back into our services
in its own transaction. The operator's and reviewer's direct paths
(`provider_verify_direct`, `voucher_application_decide_direct`) stay for cases decided
outside the engine."""

from django.utils.translation import gettext as _

from parkos.accounts.models import Role

PROVIDER_SUBJECT = "marketplace.provider"
VOUCHER_SUBJECT = "marketplace.voucher_application"
PROVIDER_PROCESS = "marketplace.provider_verification"
VOUCHER_PROCESS = "marketplace.voucher_grant"


def _provider_steps() -> list[dict]:
    return [
        {
            "name": "Operator verification",
            "role": Role.OPERATOR_ADMIN,
            "scope": "network",
            "deadline_days": 5,
            "sign_off": "any",
        }
    ]


def _voucher_steps() -> list[dict]:
    return [
        {
            "name": "Voucher review",
            "role": Role.REVIEWER,
            "scope": "network",
            "deadline_days": 10,
            "sign_off": "any",
        }
    ]


def ensure_processes() -> None:
    from parkos.approvals.services import process_ensure

    process_ensure(
        code=PROVIDER_PROCESS,
        name="云服务商入驻审核 Provider verification",
        steps=_provider_steps(),
    )
    process_ensure(
        code=VOUCHER_PROCESS,
        name="科技创新券申领 Innovation voucher grant",
        steps=_voucher_steps(),
        allow_batch=True,
    )


def open_provider_case(*, actor, provider) -> None:
    from parkos.approvals.services import case_open

    ensure_processes()
    case_open(
        actor=actor,
        process_code=PROVIDER_PROCESS,
        subject_type=PROVIDER_SUBJECT,
        subject_id=str(provider.pk),
        title=_("Provider verification: %(name)s") % {"name": provider.name},
    )


def open_voucher_case(*, actor, application) -> None:
    from parkos.approvals.services import case_open

    ensure_processes()
    case = case_open(
        actor=actor,
        process_code=VOUCHER_PROCESS,
        subject_type=VOUCHER_SUBJECT,
        subject_id=str(application.pk),
        title=_("Innovation voucher: %(enterprise)s, %(amount)s CNY")
        % {"enterprise": application.enterprise.name, "amount": application.amount},
        enterprise=application.enterprise,
    )
    application.case_id = case.pk
    application.save(update_fields=["case_id"])


def _provider(case):
    from parkos.marketplace.models import Provider

    return Provider.objects.get(pk=case.subject_id)


def _application(case):
    from parkos.marketplace.models import VoucherApplication

    return VoucherApplication.objects.select_related("programme", "enterprise").get(
        pk=case.subject_id
    )


def provider_approved(*, case, actor) -> None:
    from parkos.marketplace.services.catalogue import provider_mark_decided

    provider_mark_decided(actor=actor, provider=_provider(case), approved=True)


def provider_rejected(*, case, actor) -> None:
    from parkos.marketplace.services.catalogue import provider_mark_decided

    provider_mark_decided(actor=actor, provider=_provider(case), approved=False)


def voucher_decided(status: str):
    def hook(*, case, actor) -> None:
        from parkos.marketplace.services.vouchers import application_mark_decided

        application_mark_decided(actor=actor, application=_application(case), status=status)

    return hook


def describe_provider(subject_id: str) -> str:
    from parkos.marketplace.models import Provider

    provider = Provider.objects.filter(pk=subject_id).first()
    return provider.name if provider else ""


def describe_application(subject_id: str) -> str:
    from parkos.marketplace.models import VoucherApplication

    application = (
        VoucherApplication.objects.select_related("enterprise").filter(pk=subject_id).first()
    )
    if application is None:
        return ""
    return f"{application.enterprise.name} · ¥{application.amount}"


def register() -> None:
    from parkos.approvals.registry import register_subject

    register_subject(
        PROVIDER_SUBJECT,
        on_approved=provider_approved,
        on_rejected=provider_rejected,
        on_withdrawn=provider_rejected,
        describe=describe_provider,
    )
    register_subject(
        VOUCHER_SUBJECT,
        on_approved=voucher_decided("approved"),
        on_rejected=voucher_decided("rejected"),
        on_withdrawn=voucher_decided("withdrawn"),
        describe=describe_application,
    )
