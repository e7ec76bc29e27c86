"""Opening and closing rounds, filing and correcting: what a user notices, and that a
refused filing changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from parkos.core.errors import Conflict, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.filings import services
from parkos.filings.models import FilingRound, RoundStatus, Submission, SubmissionRevision


def test_operator_opens_a_round_with_an_audit_entry(net, this_round):
    assert this_round.status == RoundStatus.OPEN
    assert this_round.change_threshold == 30
    entry = AuditEntry.objects.get(action="filing_round.open")
    assert entry.actor == net.operator
    assert entry.park_id == net.park.id
    assert entry.changes["change_threshold"] == 30


@pytest.mark.parametrize("who", ["tenant", "reviewer", "technician", "other_operator"])
def test_only_the_parks_operators_open_rounds(net, who):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.round_open(
            actor=getattr(net, who), park=net.park, title="x", period_start=today, period_end=today
        )
    assert not FilingRound.objects.exists()


def test_operator_of_the_flagship_opens_rounds_for_its_branch(net):
    today = timezone.localdate()
    filing_round = services.round_open(
        actor=net.operator, park=net.branch, title="分园", period_start=today, period_end=today
    )
    assert filing_round.due_on == today


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"period_end": -1}, "period_end"),
        ({"due_on": -10}, "due_on"),
        ({"change_threshold": 0}, "change_threshold"),
        ({"change_threshold": 101}, "change_threshold"),
        ({"change_threshold": "3.5"}, "change_threshold"),
        ({"min_supplies_days": -1}, "min_supplies_days"),
    ],
)
def test_a_wrong_round_is_refused_naming_the_field(net, changes, field):
    today = timezone.localdate()
    data = {"title": "第1周", "period_start": today, "period_end": today, "due_on": None}
    for name, value in changes.items():
        data[name] = today + timedelta(days=value) if name in ("period_end", "due_on") else value
    with pytest.raises(ValidationFailed) as refused:
        services.round_open(actor=net.operator, park=net.park, **data)
    assert field in refused.value.fields
    assert not FilingRound.objects.exists()
    assert not AuditEntry.objects.exists()


def test_two_rounds_of_one_park_cannot_start_the_same_day(net, this_round):
    with pytest.raises(ValidationFailed) as refused:
        services.round_open(
            actor=net.operator,
            park=net.park,
            title="again",
            period_start=this_round.period_start,
            period_end=this_round.period_end,
        )
    assert "period_start" in refused.value.fields


def test_closing_is_audited_and_happens_once(net, this_round):
    services.round_close(actor=net.operator, filing_round=this_round)
    this_round.refresh_from_db()
    assert this_round.status == RoundStatus.CLOSED
    assert this_round.closed_by == net.operator
    assert AuditEntry.objects.filter(action="filing_round.close").count() == 1
    with pytest.raises(Conflict) as refused:
        services.round_close(actor=net.operator, filing_round=this_round)
    assert refused.value.code == "illegal_transition"
    assert AuditEntry.objects.filter(action="filing_round.close").count() == 1


def test_a_tenant_cannot_close_a_round(net, this_round):
    with pytest.raises(PermissionDenied):
        services.round_close(actor=net.tenant, filing_round=this_round)
    this_round.refresh_from_db()
    assert this_round.is_open


def test_a_tenant_files_and_a_version_is_kept(net, this_round, file):
    result = file(net.tenant, this_round, net.acme)
    assert result.created and result.changed
    submission = result.submission
    assert submission.version == 1
    assert submission.submitted_by == net.tenant
    assert submission.flags == []
    assert list(submission.revisions.values_list("version", flat=True)) == [1]


def test_filing_again_is_a_correction_with_history_not_a_duplicate(net, this_round, file):
    file(net.tenant, this_round, net.acme)
    result = file(net.tenant, this_round, net.acme, returned_staff=70)
    assert not result.created
    assert Submission.objects.filter(round=this_round, enterprise=net.acme).count() == 1
    submission = Submission.objects.get(round=this_round, enterprise=net.acme)
    assert submission.version == 2
    assert submission.returned_staff == 70
    versions = {r.version: r.returned_staff for r in submission.revisions.all()}
    assert versions == {1: 60, 2: 70}


def test_filing_the_same_figures_again_records_nothing(net, this_round, file):
    file(net.tenant, this_round, net.acme)
    result = file(net.tenant, this_round, net.acme)
    assert not result.changed
    assert result.submission.version == 1
    assert SubmissionRevision.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"total_staff": -1}, "total_staff"),
        ({"returned_staff": "-5"}, "returned_staff"),
        ({"total_staff": 10.5}, "total_staff"),
        ({"total_staff": "12.5"}, "total_staff"),
        ({"supplies_days": "十"}, "supplies_days"),
        ({"risk_area_staff": ""}, "risk_area_staff"),
        ({"observation_staff": None}, "observation_staff"),
        ({"total_staff": True}, "total_staff"),
        ({"total_staff": 10_000_000}, "total_staff"),
        ({"returned_staff": 101}, "returned_staff"),
        ({"risk_area_staff": 101}, "risk_area_staff"),
        ({"observation_staff": 101}, "observation_staff"),
    ],
)
def test_bad_figures_are_refused_naming_the_field_and_change_nothing(
    net, this_round, file, good, changes, field
):
    file(net.tenant, this_round, net.acme)
    with pytest.raises(ValidationFailed) as refused:
        file(net.tenant, this_round, net.acme, **changes)
    assert field in refused.value.fields
    submission = Submission.objects.get()
    assert submission.version == 1
    assert submission.values() == good
    assert SubmissionRevision.objects.count() == 1


def test_returned_above_total_says_so_in_words(net, this_round, file):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        file(net.tenant, this_round, net.acme, total_staff=10, returned_staff=12)
    assert refused.value.fields["returned_staff"] == [
        "Staff returned (12) cannot exceed total staff (10)."
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        file(net.tenant, this_round, net.acme, total_staff=10, returned_staff=12)
    assert "不能超过" in refused.value.fields["returned_staff"][0]
    assert not Submission.objects.exists()


def test_whole_numbers_typed_as_text_are_accepted(net, this_round, file):
    result = file(net.tenant, this_round, net.acme, total_staff=" 100 ", returned_staff=60.0)
    assert result.submission.total_staff == 100
    assert result.submission.returned_staff == 60


def test_a_closed_round_refuses_filings_and_corrections(net, this_round, file):
    file(net.tenant, this_round, net.acme)
    services.round_close(actor=net.operator, filing_round=this_round)
    with pytest.raises(Conflict) as refused:
        file(net.tenant, this_round, net.acme, returned_staff=80)
    assert refused.value.code == "round_closed"
    with pytest.raises(Conflict):
        file(net.tenant2, this_round, net.beta)
    assert Submission.objects.get().returned_staff == 60
    assert Submission.objects.count() == 1


def test_a_tenant_files_only_for_its_own_enterprise(net, this_round, file):
    with pytest.raises(PermissionDenied):
        file(net.tenant, this_round, net.beta)
    assert not Submission.objects.exists()


def test_the_operator_may_file_on_an_enterprises_behalf(net, this_round, file):
    result = file(net.operator, this_round, net.acme)
    assert result.submission.submitted_by == net.operator


def test_a_round_without_branches_does_not_take_branch_filings(net, open_round, file):
    filing_round = open_round(include_branches=False)
    with pytest.raises(ValidationFailed) as refused:
        file(net.branch_tenant, filing_round, net.gamma, total_staff=20, returned_staff=10)
    assert "enterprise" in refused.value.fields


def test_a_round_closed_after_filings_keeps_them_and_refuses_more(net):
    from filings.factories import FilingRoundFactory, filed

    filing_round = FilingRoundFactory(park=net.park)
    first = filed(net.tenant, filing_round, net.acme)
    services.round_close(actor=net.operator, filing_round=filing_round)
    with pytest.raises(Conflict) as refused:
        filed(net.tenant, filing_round, net.acme, total_staff=120)
    assert refused.value.code == "round_closed"
    first.refresh_from_db()
    assert (first.version, first.total_staff) == (1, 100)
