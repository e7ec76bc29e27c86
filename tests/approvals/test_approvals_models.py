"""What each approvals model shows an actor (core scoping): a case, its timeline, files and
sign-offs to its applicant side, its enterprise, its park's operators and its reviewers;
nothing to another tenant or to nobody signed in. Acting follows the move: reviewers decide,
the applicant side submits and withdraws."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import EnterpriseFactory, ParkFactory, Role, member
from parkos.approvals.models import (
    Attachment,
    Case,
    CaseEvent,
    Notification,
    Process,
    SignOffRecord,
)
from parkos.approvals.services import case_approve, case_comment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


@pytest.fixture
def stranger():
    other_park = ParkFactory()
    return member(
        Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(park=other_park), park=other_park
    )


@pytest.fixture
def case(open_case, applicant, reviewer):
    case = open_case()
    case_comment(
        actor=applicant,
        case=case,
        text="Evidence",
        attachment=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
    )
    return case_approve(actor=reviewer, case=case)


def _sees(model, actor) -> bool:
    return model.objects.visible_to(actor).exists()


@pytest.mark.parametrize("model", [Case, CaseEvent, Attachment, SignOffRecord])
def test_a_case_and_its_parts_are_seen_by_its_own_side_only(
    case, model, applicant, reviewer, finance, stranger
):
    for actor in (applicant, reviewer, finance):
        assert _sees(model, actor), (model.__name__, actor)
    for actor in (stranger, AnonymousUser(), None):
        assert not _sees(model, actor), (model.__name__, actor)


def test_deciding_is_for_the_current_steps_reviewers_and_applying_for_the_applicant(
    open_case, applicant, reviewer, finance
):
    case = open_case()
    deciders = Case.objects.actionable_by(reviewer, "approve")
    assert list(deciders) == [case]
    # The network's finance reviews the second step, not this one yet.
    assert not Case.objects.actionable_by(finance, "approve").exists()
    assert not Case.objects.actionable_by(applicant, "approve").exists()
    assert list(Case.objects.actionable_by(applicant, "withdraw")) == [case]
    assert not Case.objects.actionable_by(reviewer, "withdraw").exists()


def test_processes_are_read_by_anyone_signed_in(process, stranger):
    assert list(Process.objects.visible_to(stranger)) == [process]
    assert not Process.objects.visible_to(AnonymousUser()).exists()


def test_a_notification_is_its_recipients_alone(
    django_capture_on_commit_callbacks, open_case, reviewer, applicant
):
    with django_capture_on_commit_callbacks(execute=True):
        open_case()
    assert Notification.objects.visible_to(reviewer).count() == 1
    assert not Notification.objects.visible_to(applicant).exists()
    assert not Notification.objects.visible_to(AnonymousUser()).exists()
