import pytest

from money import Money


def test_add_same_currency():
    assert Money(150) + Money(250) == Money(400)


def test_add_other_currency_fails():
    with pytest.raises(ValueError):
        Money(1) + Money(1, "USD")
