from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import EnterpriseFactory, LeaseFactory, Role, member
from parkos.approvals import selectors as approval_selectors
from parkos.approvals import services as approvals
from parkos.approvals.models import Attachment, Case
from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.relief import selectors, services
from parkos.relief.models import ReliefApplication, RentAdjustment

pytestmark = pytest.mark.django_db


def pdf(name="evidence.pdf", size=1000):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def test_the_amount_is_shown_before_submitting(programme, lease, tenant):
    _revenue, quote = services.application_check(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1200000"
    )
    assert quote.eligible
    assert quote.amount == Decimal("20000.00")
    assert ReliefApplication.objects.count() == 0


def test_apply_review_approve_becomes_a_rent_adjustment(
    programme, lease, tenant, reviewer, operator
):
    application = services.application_submit(
        actor=tenant,
        programme=programme,
        lease=lease,
        declared_revenue="1200000",
        evidence=[pdf()],
    )
    case = approval_selectors.case_for_subject(
        actor=tenant, subject_type="relief.application", subject_id=str(application.id)
    )
    assert case.status == "submitted"
    assert Attachment.objects.filter(case=case).count() == 1
    assert approval_selectors.inbox(actor=reviewer).get() == case
    case = approvals.case_approve(actor=reviewer, case=case)
    case = approvals.case_approve(actor=operator, case=case)
    application.refresh_from_db()
    assert application.status == "approved"
    adjustment = RentAdjustment.objects.get(application=application)
    assert adjustment.amount == Decimal("20000.00")
    assert adjustment.lease_id == lease.id
    assert AuditEntry.objects.filter(action="relief.adjustment.create").count() == 1
    report = selectors.relief_report(actor=operator)
    assert report[0]["enterprises"] == 1 and report[0]["total"] == Decimal("20000.00")


def test_the_cap_counts_the_enterprises_other_leases(programme, lease, tenant, enterprise, park):
    second = LeaseFactory(
        enterprise=enterprise,
        unit__floor__building__park=park,
        start=lease.start,
        end=lease.end,
        monthly_rent="10000.00",
    )
    services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    application = services.application_submit(
        actor=tenant, programme=programme, lease=second, declared_revenue="1"
    )
    assert application.amount == Decimal("10000.00")


def test_applying_twice_for_the_same_lease_and_period_is_refused(programme, lease, tenant):
    services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    with pytest.raises(Conflict) as twice:
        services.application_submit(
            actor=tenant, programme=programme, lease=lease, declared_revenue="1"
        )
    assert twice.value.code == "already_applied"
    assert ReliefApplication.objects.count() == 1
    assert Case.objects.count() == 1


def test_a_withdrawn_application_may_be_made_again(programme, lease, tenant):
    application = services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    case = Case.objects.get(subject_id=str(application.id))
    approvals.case_withdraw(actor=tenant, case=case)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    assert ReliefApplication.objects.count() == 2


def test_a_lease_of_another_enterprise_is_refused(programme, tenant, park):
    other = LeaseFactory(enterprise=EnterpriseFactory(park=park), unit__floor__building__park=park)
    with pytest.raises(ValidationFailed) as foreign:
        services.application_submit(
            actor=tenant, programme=programme, lease=other, declared_revenue="1"
        )
    assert foreign.value.code == "foreign_lease" and "lease" in foreign.value.fields
    assert ReliefApplication.objects.count() == 0


def test_negative_revenue_is_refused(programme, lease, tenant):
    with pytest.raises(ValidationFailed) as negative:
        services.application_submit(
            actor=tenant, programme=programme, lease=lease, declared_revenue="-5"
        )
    assert "declared_revenue" in negative.value.fields


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (50 * 1024 * 1024)), "file_too_large"),
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + b"0" * 100), "file_type"),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00" + b"0" * 100), "file_content"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_written(programme, lease, tenant, upload, code):
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=tenant, programme=programme, lease=lease, declared_revenue="1", evidence=[upload]
        )
    assert refused.value.code == code
    assert "evidence" in refused.value.fields
    assert ReliefApplication.objects.count() == 0 and Case.objects.count() == 0


def test_eligibility_rules(programme, lease, tenant, enterprise, operator):
    _, quote = services.application_check(
        actor=tenant, programme=programme, lease=lease, declared_revenue="60000000"
    )
    assert not quote.eligible
    enterprise.headcount = 500
    enterprise.save()
    services.arrears_flag(actor=operator, enterprise=enterprise, note="欠租3个月")
    _, quote = services.application_check(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    assert len(quote.reasons) == 2
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=tenant, programme=programme, lease=lease, declared_revenue="1"
        )
    assert refused.value.code == "not_eligible"


def test_programme_validation_and_permissions(park, tenant, operator):
    with pytest.raises(Forbidden):
        services.programme_create(
            actor=tenant,
            name="x",
            park=park,
            period_start=programme_dates()[0],
            period_end=programme_dates()[1],
            kind="months",
            months="1",
        )
    with pytest.raises(ValidationFailed) as bad:
        services.programme_create(
            actor=operator,
            name="",
            park=park,
            period_start=programme_dates()[1],
            period_end=programme_dates()[0],
            kind="percent",
            percent="-3",
            cap_per_enterprise="-1",
        )
    assert {"name", "period_end", "percent", "cap_per_enterprise"} <= set(bad.value.fields)


def programme_dates():
    return date(2026, 2, 1), date(2026, 4, 30)


def test_other_tenants_and_parks_see_nothing(programme, lease, tenant, park):
    application = services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    outsider = member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory())
    assert not selectors.application_list(actor=outsider).exists()
    other_reviewer = member(Role.REVIEWER, park=EnterpriseFactory().park)
    assert not selectors.application_list(actor=other_reviewer).filter(pk=application.pk).exists()
    assert selectors.relief_report(actor=tenant) == []
