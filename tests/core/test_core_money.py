from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from parkos.core.errors import ValidationFailed
from parkos.core.forms import MoneyFormField
from parkos.core.money import parse_money


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("23,500,000", "23500000.00"),
        ("1234.5", "1234.50"),
        ("¥80,000", "80000.00"),
        (12, "12.00"),
        (Decimal("0.10"), "0.10"),
        ("1.230", "1.23"),
    ],
)
def test_amounts_as_people_type_them(typed, amount):
    assert parse_money(typed, field="price") == Decimal(amount)


@pytest.mark.parametrize(
    "typed", [1.5, "1.234", "abc", "NaN", "Infinity", True, "-1", "1e15", "1e30", "-1e30"]
)
def test_refused_amounts_name_the_field(typed):
    with pytest.raises(ValidationFailed) as refused:
        parse_money(typed, field="price")
    assert list(refused.value.fields) == ["price"]


def test_the_message_is_in_the_readers_language():
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        parse_money("abc", field="price")
    assert "金额" in refused.value.message


def test_the_form_field_cleans_with_the_same_parser():
    field = MoneyFormField(label="金额")
    assert field.clean("23,500,000") == Decimal("23500000.00")
    with pytest.raises(forms.ValidationError):
        field.clean("1.234")
