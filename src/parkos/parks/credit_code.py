"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
31-character alphabet, the last a check character computed from the first 17."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None if `code` is valid, else a short English reason (translated by the caller)."""
    if len(code) != 18:
        return "length"
    if any(char not in _VALUE for char in code):
        return "characters"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def normalize_credit_code(raw: str) -> str:
    return (raw or "").strip().upper()
