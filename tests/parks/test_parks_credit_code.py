import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.demo.parks import make_credit_code
from parkos.parks.credit_code import ALPHABET, check_character, credit_code_problem

# Codes published as examples of GB 32100-2015.
KNOWN_VALID = ["91350100M000100Y43", "91110108551385082Q", "91440300708461136T"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_are_valid(code):
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100Y4I", "characters"),
        ("91350100m000100Y43", "characters"),
        ("91350100M000100Y44", "check"),
    ],
)
def test_wrong_codes_name_their_problem(code, problem):
    assert credit_code_problem(code) == problem


@given(
    st.text(alphabet=ALPHABET, min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from(ALPHABET),
)
def test_any_single_substitution_is_caught(first17, position, replacement):
    code = first17 + check_character(first17)
    mutated = code[:position] + replacement + code[position + 1 :]
    if mutated != code:
        assert credit_code_problem(mutated) == "check"


def test_demo_generator_makes_valid_codes():
    rng = random.Random(7)
    assert all(credit_code_problem(make_credit_code(rng, "310115")) is None for _ in range(200))
