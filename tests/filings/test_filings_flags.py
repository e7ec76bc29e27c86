"""What does not add up gets flagged, and the flag says why in words."""

from datetime import date

import pytest
from django.utils import translation

from parkos.filings import flags, selectors

BASE = {
    "total_staff": 100,
    "returned_staff": 60,
    "risk_area_staff": 0,
    "observation_staff": 0,
    "supplies_days": 14,
    "compliance_declared": True,
}


def codes(values=None, *, previous=None, headcount=100, threshold=30, filed_on=date(2026, 3, 2)):
    found = flags.compare(
        values={**BASE, **(values or {})},
        headcount=headcount,
        previous=previous,
        threshold=threshold,
        min_supplies_days=7,
        filed_on=filed_on,
        due_on=date(2026, 3, 2),
    )
    return [flag["code"] for flag in found]


def last_week(total=100, returned=60):
    return flags.Previous(round_title="第9周", total_staff=total, returned_staff=returned)


def test_a_plausible_filing_raises_no_flag():
    assert codes(previous=last_week()) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"total_staff": 131}, [flags.TOTAL_CHANGE, flags.HEADCOUNT_GAP]),
        ({"total_staff": 130}, []),
        ({"returned_staff": 78}, []),
        ({"returned_staff": 79}, [flags.RETURNED_CHANGE]),
        ({"returned_staff": 20}, [flags.RETURNED_CHANGE]),
    ],
)
def test_jumps_and_drops_beyond_the_share_are_flagged(values, expected):
    assert codes(values, previous=last_week()) == expected


def test_the_share_is_the_rounds_setting():
    assert codes({"returned_staff": 70}, previous=last_week(), threshold=10) == [
        flags.RETURNED_CHANGE
    ]
    assert codes({"returned_staff": 70}, previous=last_week(), threshold=30) == []


def test_small_changes_of_a_micro_enterprise_are_not_news():
    previous = last_week(total=4, returned=2)
    assert codes({"total_staff": 4, "returned_staff": 4}, previous=previous, headcount=4) == []


def test_a_change_from_zero_is_flagged():
    previous = last_week(total=100, returned=0)
    assert codes({"returned_staff": 40}, previous=previous) == [flags.RETURNED_CHANGE]


def test_total_far_from_the_registered_headcount_is_flagged():
    assert codes(headcount=200) == [flags.HEADCOUNT_GAP]
    assert codes(headcount=0) == []


def test_thin_supplies_missing_declaration_and_lateness_are_flagged():
    assert codes({"supplies_days": 3}) == [flags.LOW_SUPPLIES]
    assert codes({"compliance_declared": False}) == [flags.NO_DECLARATION]
    assert codes(filed_on=date(2026, 3, 3)) == [flags.LATE]


def test_flags_are_explained_in_the_readers_language():
    found = flags.compare(
        values={**BASE, "total_staff": 200, "returned_staff": 100},
        headcount=100,
        previous=last_week(),
        threshold=30,
        min_supplies_days=7,
        filed_on=date(2026, 3, 2),
        due_on=date(2026, 3, 2),
    )
    with translation.override("en"):
        english = selectors.flag_reasons(found)
    assert english[0] == (
        "Total staff went from 100 to 200 since “第9周”: a change of 100%, "
        "more than the 30% allowed."
    )
    assert "registered headcount of 100" in english[2]
    with translation.override("zh-hans"):
        chinese = selectors.flag_reasons(found)
    assert "第9周" in chinese[0] and "100%" in chinese[0]
    assert chinese[0] != english[0]


def test_the_missing_flag_names_the_leased_units():
    with translation.override("en"):
        text = flags.FLAGS.render(flags.missing_flag(["1号楼 101", "1号楼 102"]))
    assert text == "No filing although a lease is active (unit 1号楼 101, 1号楼 102)."


def test_filings_are_compared_with_the_enterprises_previous_round(net, open_round, file):
    earlier = open_round(weeks_ago=1)
    file(net.tenant, earlier, net.acme, total_staff=100, returned_staff=40)
    current = open_round()
    submission = file(net.tenant, current, net.acme, total_staff=100, returned_staff=90).submission
    assert [f["code"] for f in submission.flags] == [flags.RETURNED_CHANGE]
    assert submission.flags[0]["params"]["previous"] == 40
    assert submission.flags[0]["params"]["round"] == earlier.title
    corrected = file(net.tenant, current, net.acme, total_staff=100, returned_staff=50).submission
    assert corrected.flags == []
    assert corrected.flag_count == 0
    history = {r.version: len(r.flags) for r in corrected.revisions.all()}
    assert history == {1: 1, 2: 0}
