"""How the supermarket goes through the approvals engine: provider verification and
voucher applications are cases; the engine's final decision calls back into our services
in its own transaction. The operator's and reviewer's direct paths
(`provider_verify_direct`, `voucher_application_decide_direct`) stay for cases decided
outside the engine."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.accounts.models import Role
from parkos.core.templatetags.humanize_cny import cny

PROVIDER_SUBJECT = "marketplace.provider"
VOUCHER_SUBJECT = "marketplace.voucher_application"
PROVIDER_PROCESS = "marketplace.provider_verification"
VOUCHER_PROCESS = "marketplace.voucher_grant"

# The engine keeps process, step and case names as text that operators may edit; ours are
# written in the park's language (settings.LANGUAGE_CODE), whoever triggers them.
PROVIDER_PROCESS_NAME = gettext_lazy("Provider verification")
VOUCHER_PROCESS_NAME = gettext_lazy("Innovation voucher grant")
PROVIDER_STEP_NAME = gettext_lazy("Operator verification")
VOUCHER_STEP_NAME = gettext_lazy("Voucher review")


def park_language():
    return translation.override(settings.LANGUAGE_CODE)


def _provider_steps() -> list[dict]:
    return [
        {
            "name": str(PROVIDER_STEP_NAME),
            "role": Role.OPERATOR_ADMIN,
            "scope": "network",
            "deadline_days": 5,
            "sign_off": "any",
        }
    ]


def _voucher_steps() -> list[dict]:
    return [
        {
            "name": str(VOUCHER_STEP_NAME),
            "role": Role.REVIEWER,
            "scope": "network",
            "deadline_days": 10,
            "sign_off": "any",
        }
    ]


def ensure_processes() -> None:
    from parkos.approvals.services import process_ensure

    with park_language():
        process_ensure(
            code=PROVIDER_PROCESS,
            name=str(PROVIDER_PROCESS_NAME),
            steps=_provider_steps(),
            subject_type=PROVIDER_SUBJECT,
        )
        process_ensure(
            code=VOUCHER_PROCESS,
            name=str(VOUCHER_PROCESS_NAME),
            steps=_voucher_steps(),
            allow_batch=True,
            subject_type=VOUCHER_SUBJECT,
        )


def open_provider_case(*, actor, provider) -> None:
    from parkos.approvals.services import case_open

    ensure_processes()
    case_open(
        actor=actor,
        process_code=PROVIDER_PROCESS,
        subject_type=PROVIDER_SUBJECT,
        subject_id=str(provider.pk),
        title=provider_case_title(provider),
    )


def provider_case_title(provider) -> str:
    with park_language():
        return _("Provider verification: %(name)s") % {"name": provider.name}


def voucher_case_title(application) -> str:
    with park_language():
        return _("Innovation voucher: %(enterprise)s, %(amount)s") % {
            "enterprise": application.enterprise.name,
            "amount": cny(application.amount),
        }


def open_voucher_case(*, actor, application) -> None:
    from parkos.approvals.services import case_open

    ensure_processes()
    case = case_open(
        actor=actor,
        process_code=VOUCHER_PROCESS,
        subject_type=VOUCHER_SUBJECT,
        subject_id=str(application.pk),
        title=voucher_case_title(application),
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
    return f"{application.enterprise.name} · {cny(application.amount)}"


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
