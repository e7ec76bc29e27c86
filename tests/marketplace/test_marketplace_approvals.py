"""Provider verification and voucher grants go through the approvals engine."""

import random
from decimal import Decimal

import pytest

from factories import UserFactory
from parkos.approvals import services as approvals
from parkos.approvals.selectors import case_for_subject
from parkos.core.errors import ValidationFailed
from parkos.demo.parks import make_credit_code
from parkos.marketplace.approvals_door import PROVIDER_SUBJECT, VOUCHER_SUBJECT
from parkos.marketplace.models import (
    ApplicationStatus,
    LedgerKind,
    ProviderStatus,
    VoucherGrant,
)
from parkos.marketplace.permissions import provider_ids
from parkos.marketplace.services import catalogue, vouchers

pytestmark = pytest.mark.django_db


def _apply(user, seed=7):
    return catalogue.provider_apply(
        actor=user,
        name="极光视讯科技有限公司",
        credit_code=make_credit_code(random.Random(seed), "310115"),
        contact_name="吴昊",
        credentials="营业执照",
    )


def test_provider_verified_through_a_case_gets_the_badge(market):
    applicant = UserFactory()
    provider = _apply(applicant)
    assert provider.status == ProviderStatus.APPLIED
    assert str(provider.id) in provider_ids(applicant)
    case = case_for_subject(
        actor=market.operator, subject_type=PROVIDER_SUBJECT, subject_id=str(provider.id)
    )
    assert case is not None and case.status == "submitted"
    approvals.case_approve(actor=market.operator, case=case)
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.VERIFIED and provider.verified_at


def test_provider_rejected_through_a_case(market):
    provider = _apply(UserFactory(), seed=8)
    case = case_for_subject(
        actor=market.operator, subject_type=PROVIDER_SUBJECT, subject_id=str(provider.id)
    )
    approvals.case_reject(actor=market.operator, case=case, reason="资质不全")
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.REJECTED


def test_bad_credit_code_is_refused(market):
    with pytest.raises(ValidationFailed) as refused:
        catalogue.provider_apply(
            actor=UserFactory(),
            name="某公司",
            credit_code="123",
            contact_name="x",
            credentials="y",
        )
    assert "credit_code" in refused.value.fields


def test_voucher_application_approved_grants_the_money(market):
    application = vouchers.voucher_apply(
        actor=market.tenant,
        programme=market.programme,
        enterprise=market.enterprise,
        amount="8000",
        purpose="采购视频会议",
    )
    assert application.case_id is not None
    case = case_for_subject(
        actor=market.reviewer, subject_type=VOUCHER_SUBJECT, subject_id=str(application.id)
    )
    approvals.case_approve(actor=market.reviewer, case=case)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    grant = VoucherGrant.objects.get(application=application)
    assert grant.balance == Decimal("8000.00")
    assert list(grant.ledger.values_list("kind", flat=True)) == [LedgerKind.GRANT]
    market.programme.refresh_from_db()
    assert market.programme.granted_total == Decimal("13000.00")


def test_voucher_application_over_the_cap_is_refused(market):
    with pytest.raises(ValidationFailed) as refused:
        vouchers.voucher_apply(
            actor=market.tenant,
            programme=market.programme,
            enterprise=market.enterprise,
            amount="50000",
            purpose="太多",
        )
    assert refused.value.code == "cap_exceeded"


def test_members_cannot_apply_in_the_enterprises_name(market):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        vouchers.voucher_apply(
            actor=market.tenant_member,
            programme=market.programme,
            enterprise=market.enterprise,
            amount="1000",
            purpose="x",
        )


def test_provider_staff_add_their_colleagues_but_not_to_others(market):
    from django.core.exceptions import PermissionDenied

    colleague = UserFactory()
    catalogue.provider_staff_add(
        actor=market.provider_staff, provider=market.provider, user=colleague
    )
    assert str(market.provider.id) in provider_ids(colleague)
    with pytest.raises(PermissionDenied):
        catalogue.provider_staff_add(
            actor=market.other_staff, provider=market.provider, user=UserFactory()
        )


def test_the_marketplace_processes_are_offered_only_for_their_own_applications(market):
    from parkos.approvals.models import Process
    from parkos.marketplace.approvals_door import (
        PROVIDER_PROCESS,
        VOUCHER_PROCESS,
        ensure_processes,
    )
    from parkos.relief.services import programme_processes

    ensure_processes()
    kinds = dict(Process.objects.values_list("code", "subject_type"))
    assert kinds[PROVIDER_PROCESS] == PROVIDER_SUBJECT
    assert kinds[VOUCHER_PROCESS] == VOUCHER_SUBJECT
    offered = {process.code for process in programme_processes(actor=market.operator)}
    assert not offered & {PROVIDER_PROCESS, VOUCHER_PROCESS}
