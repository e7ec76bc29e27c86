"""CNIPA numbers: format, check digit, kind; IPC symbols."""

import pytest
from django.utils import translation

from parkos.techtransfer.patents import (
    check_character,
    parse_patent_number,
    valid_ipc,
    with_check,
)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("ZL" + with_check("202010123456"), "invention"),
        ("CN " + with_check("202320987654"), "utility_model"),
        (with_check("201930555555"), "design"),
        (with_check("98123456"), "invention"),  # the 8-digit numbers of before 2003
    ],
)
def test_valid_numbers_are_normalised_with_their_kind(raw, kind):
    number, found = parse_patent_number(raw)
    assert found == kind
    assert "." in number and not number.startswith(("ZL", "CN"))


def test_a_check_character_of_ten_is_written_x():
    digits = next(
        f"2020101{n:05d}" for n in range(1000) if check_character(f"2020101{n:05d}") == "X"
    )
    assert parse_patent_number(f"{digits}.X")[0].endswith(".X")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("202010123456.0", "check digit"),
        ("2020101234", "CNIPA"),
        ("ZL20201012345X", "CNIPA"),
        (with_check("202050123456"), "invention"),
        ("", "CNIPA"),
    ],
)
def test_wrong_numbers_say_what_is_wrong(raw, words):
    if raw == "202010123456.0" and check_character("202010123456") == "0":
        pytest.skip("the example happens to be valid")
    with translation.override("en"), pytest.raises(ValueError, match=words):
        parse_patent_number(raw)


def test_ipc_symbols():
    assert valid_ipc("G06T 7/00") and valid_ipc("H01M") and valid_ipc("a01h 1/04")
    assert not valid_ipc("Z99X") and not valid_ipc("G06T7")
