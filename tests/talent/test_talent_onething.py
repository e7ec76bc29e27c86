"""Talent one thing: one form, sub-cases through the approvals engine, the housing subsidy rule,
and the ledger."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from factories import ParkFactory
from parkos.approvals import selectors as approvals
from parkos.approvals.services import case_approve, case_reject
from parkos.core.errors import Conflict, ValidationFailed
from parkos.talent import identity, services
from parkos.talent.ledger import LEDGER
from parkos.talent.models import HousingSubsidy, LedgerRecord, SubCase, SubCaseStatus
from talent.factories import id_number

pytestmark = pytest.mark.django_db


def _apply(actor, park, *, number=None, kinds=("housing",), price="3,000,000", **housing):
    return services.onething_apply(
        actor=actor,
        park=park,
        name="陈静",
        phone="13900001111",
        id_number=number or id_number(11),
        arrived_on=timezone.localdate() - timedelta(days=200),
        kinds=list(kinds),
        documents=["id_card", "purchase_contract"],
        housing={
            "price": price,
            "first_home": True,
            "in_district": True,
            "home_address": "杭州市滨江区江南大道 100 号",
        }
        | housing,
    )


def _approve(reviewer, subcase):
    case = approvals.case_for_subject(
        actor=reviewer, subject_type="talent.subcase", subject_id=str(subcase.id)
    )
    return case_approve(actor=reviewer, case=case, comment="材料齐全")


def test_one_form_opens_one_case_per_service(candidate, park):
    application = _apply(
        candidate.user, park, kinds=("housing", "residence", "schooling", "social_security")
    )
    subcases = list(application.subcases.order_by("kind"))
    assert len(subcases) == 4
    assert all(s.case_id for s in subcases)
    housing = application.subcases.get(kind="housing")
    assert {d["code"] for d in housing.documents} >= {"purchase_contract", "property_search"}
    assert any(not d["provided"] for d in housing.documents)
    assert housing.deadline > timezone.localdate()
    assert application.id_masked.startswith("330") and "*" in application.id_masked
    assert identity.id_decrypt(application.id_number_encrypted) == id_number(11)
    assert id_number(11) not in application.id_number_encrypted


def test_the_subsidy_is_capped_at_600000_and_sealed_on_the_ledger(candidate, park, reviewer):
    application = _apply(candidate.user, park, price="3000000")
    subsidy = HousingSubsidy.objects.get(subcase__application=application)
    assert subsidy.amount == Decimal("600000.00")
    _approve(reviewer, subsidy.subcase)
    subsidy.refresh_from_db()
    assert subsidy.status == "approved"
    record = LedgerRecord.objects.get()
    assert record.amount == Decimal("600000.00")
    assert [line.label for line in record.lines.all()] == ["price", "rate", "cap", "amount"]
    services.subsidy_pay(actor=reviewer, subsidy=subsidy)
    assert LEDGER.verify().as_dict() == {"ok": True, "records": 2, "first_bad": None}


def test_thirty_percent_below_the_cap(candidate, park):
    application = _apply(candidate.user, park, price="1234567.89")
    assert HousingSubsidy.objects.get(subcase__application=application).amount == Decimal(
        "370370.37"
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"first_home": False}, "first_home", "not_first_home"),
        ({"in_district": False}, "in_district", "not_in_district"),
        ({"price": "0"}, "price", "amount_too_small"),
        ({"price": "-5"}, "price", "amount_too_small"),
        ({"price": "1e12"}, "price", "amount_too_large"),
    ],
)
def test_bad_housing_applications_are_refused_and_nothing_written(
    candidate, park, changes, field, code
):
    with pytest.raises(ValidationFailed) as refused:
        _apply(candidate.user, park, **changes)
    assert field in refused.value.fields
    assert refused.value.code == code
    assert not SubCase.objects.exists()


def test_an_id_already_subsidised_in_another_branch_is_refused(candidate, park, reviewer):
    branch = ParkFactory(code="kunshan", name="昆山分园", parent=park)
    subcase = _apply(candidate.user, park).subcases.get()
    _approve(reviewer, subcase)
    with pytest.raises(Conflict) as refused:
        _apply(candidate.user, branch)
    assert refused.value.code == "already_subsidised"
    assert "id_number" in refused.value.fields


def test_wrong_check_digit_and_arrival_window(candidate, park):
    good = id_number(12)
    with pytest.raises(ValidationFailed) as refused:
        _apply(candidate.user, park, number=good[:-1] + ("1" if good[-1] == "0" else "0"))
    assert refused.value.code == "id_number"
    with pytest.raises(ValidationFailed) as refused:
        services.onething_apply(
            actor=candidate.user,
            park=park,
            name="陈静",
            phone="13900001111",
            id_number=good,
            arrived_on=date(2015, 1, 1),
            kinds=["housing"],
            housing={"price": "100", "first_home": True, "in_district": True, "home_address": "x"},
        )
    assert refused.value.code == "arrival_window"


def test_a_decided_subsidy_keeps_its_rule_version(candidate, park, reviewer):
    subsidy = HousingSubsidy.objects.get(subcase__application=_apply(candidate.user, park))
    services.rule_publish(
        actor=reviewer,
        rate="0.20",
        cap="500000",
        window_years=5,
        in_force_from=timezone.localdate(),
    )
    _approve(reviewer, subsidy.subcase)
    subsidy.refresh_from_db()
    assert subsidy.rule_id == 1 and subsidy.amount == Decimal("600000.00")
    later = _apply(candidate.user, park, number=id_number(99), price="1000000")
    assert HousingSubsidy.objects.get(subcase__application=later).amount == Decimal("200000.00")


def test_rejected_subcase_and_others_continue(candidate, park, reviewer):
    application = _apply(candidate.user, park, kinds=("housing", "residence"))
    residence = application.subcases.get(kind="residence")
    case = approvals.case_for_subject(
        actor=reviewer, subject_type="talent.subcase", subject_id=str(residence.id)
    )
    case_reject(actor=reviewer, case=case, reason="材料不全")
    residence.refresh_from_db()
    assert residence.status == SubCaseStatus.REJECTED
    assert application.subcases.get(kind="housing").status == SubCaseStatus.IN_REVIEW


def test_ledger_verify_command_prints_one_json_line_last(candidate, park, reviewer, capsys):
    _approve(reviewer, _apply(candidate.user, park).subcases.get())
    call_command("talent_ledger_verify")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == '{"ok": true, "records": 1, "first_bad": null}'
