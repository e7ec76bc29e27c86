"""What each model of the re-opening ledger shows an actor (core scoping): the round's park
staff see its rounds, filings and their versions; an enterprise the rounds that cover it and
its own filings; another park's people and nobody signed in nothing. Closing a round is its
park's operators' alone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from parkos.filings.models import FilingRound, Submission, SubmissionRevision


@pytest.fixture
def filed(net, this_round, file):
    file(net.tenant, this_round, net.acme)
    return file(net.tenant, this_round, net.acme, total_staff=90).submission


@pytest.mark.parametrize("model", [FilingRound, Submission, SubmissionRevision])
def test_the_park_and_the_filer_see_the_ledger_others_nothing(net, filed, model):
    for actor in (net.operator, net.reviewer, net.tenant):
        assert model.objects.visible_to(actor).exists(), (model.__name__, actor)
    for actor in (net.other_operator, net.outsider_tenant, AnonymousUser(), None):
        assert not model.objects.visible_to(actor).exists(), (model.__name__, actor)


def test_another_enterprise_of_the_park_sees_the_round_not_the_filing(net, filed):
    assert FilingRound.objects.visible_to(net.tenant2).exists()
    assert not Submission.objects.visible_to(net.tenant2).exists()
    assert not SubmissionRevision.objects.visible_to(net.tenant2).exists()


def test_only_the_parks_operators_close_its_round(net, this_round):
    assert list(FilingRound.objects.actionable_by(net.operator, "close")) == [this_round]
    for actor in (net.reviewer, net.tenant, net.other_operator, AnonymousUser()):
        assert not FilingRound.objects.actionable_by(actor, "close").exists()
