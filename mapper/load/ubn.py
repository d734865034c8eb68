"""Taiwan unified business numbers (統一編號): checking one, and completing a prefix into a valid one.

Every synthetic institution needs a UBN the loader accepts, and no two may share one.
"""

from __future__ import annotations

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def _ubn_sum(digits: str) -> int:
    total = 0
    for digit, weight in zip(digits, _UBN_WEIGHTS):
        product = int(digit) * weight
        total += product // 10 + product % 10
    return total


def ubn_valid(ubn: str) -> bool:
    """Whether ``ubn`` is an 8-digit Taiwan unified business number with a valid check.

    The digits are weighted 1,2,1,2,1,2,4,1; the digits of each product are added. The sum must
    be divisible by 5 (the rule since 2023; numbers issued before satisfy the older rule of 10).
    When the seventh digit is 7 its product 28 counts as 10 or as 1 (the sum or the sum plus 1).

    >>> ubn_valid("12345675"), ubn_valid("12345678"), ubn_valid("04595257"), ubn_valid("1234567")
    (True, False, True, False)
    """
    if len(ubn) != 8 or not ubn.isdigit():
        return False
    total = _ubn_sum(ubn)
    return total % 5 == 0 or (ubn[6] == "7" and (total + 1) % 5 == 0)


def ubn_with_check_digit(prefix: str) -> str:
    """Complete a 7-digit prefix with the check digit that makes the sum divisible by 10.

    Divisible by 10 satisfies both the old and the new rule.

    >>> ubn_with_check_digit("0459525")
    '04595257'
    """
    if len(prefix) != 7 or not prefix.isdigit():
        raise ValueError(f"a UBN prefix is 7 digits, got {prefix!r}")
    return prefix + str((-_ubn_sum(prefix + "0")) % 10)
